#![no_main]
//! `options`: see `ipv4_tests::fuzz_entry::options`.

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| ipv4_tests::fuzz_entry::options(data));
