#![no_main]
//! `igmp_split`: see `ipv4_tests::fuzz_entry::igmp_split`.

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| ipv4_tests::fuzz_entry::igmp_split(data));
