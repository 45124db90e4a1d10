#![no_main]
//! `igmp_querier`: see `ipv4_tests::fuzz_entry::igmp_querier`.

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| ipv4_tests::fuzz_entry::igmp_querier(data));
