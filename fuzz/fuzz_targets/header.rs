#![no_main]
//! `header`: see `ipv4_tests::fuzz_entry::header`.

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| ipv4_tests::fuzz_entry::header(data));
