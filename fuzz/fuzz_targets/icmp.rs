#![no_main]
//! `icmp`: see `ipv4_tests::fuzz_entry::icmp`.

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| ipv4_tests::fuzz_entry::icmp(data));
