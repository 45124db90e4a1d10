#![no_main]
//! `roundtrip_igmp`: see `ipv4_tests::fuzz_entry::roundtrip_igmp`.

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| ipv4_tests::fuzz_entry::roundtrip_igmp(data));
