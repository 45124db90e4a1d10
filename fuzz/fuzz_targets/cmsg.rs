#![no_main]
//! `cmsg`: see `ipv4_tests::fuzz_entry::cmsg`.

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| ipv4_tests::fuzz_entry::cmsg(data));
