#![no_main]
//! `checksum`: see `ipv4_tests::fuzz_entry::checksum`.

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| ipv4_tests::fuzz_entry::checksum(data));
