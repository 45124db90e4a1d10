#![no_main]
//! `roundtrip_header`: see `ipv4_tests::fuzz_entry::roundtrip_header`.

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| ipv4_tests::fuzz_entry::roundtrip_header(data));
