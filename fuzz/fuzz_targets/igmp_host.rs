#![no_main]
//! `igmp_host`: see `ipv4_tests::fuzz_entry::igmp_host`.

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| ipv4_tests::fuzz_entry::igmp_host(data));
