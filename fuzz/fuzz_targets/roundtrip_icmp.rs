#![no_main]
//! `roundtrip_icmp`: see `ipv4_tests::fuzz_entry::roundtrip_icmp`.

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| ipv4_tests::fuzz_entry::roundtrip_icmp(data));
