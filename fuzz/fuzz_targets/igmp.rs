#![no_main]
//! `igmp`: see `ipv4_tests::fuzz_entry::igmp`.

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| ipv4_tests::fuzz_entry::igmp(data));
