#![no_main]
//! `roundtrip_options`: see `ipv4_tests::fuzz_entry::roundtrip_options`.

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| ipv4_tests::fuzz_entry::roundtrip_options(data));
