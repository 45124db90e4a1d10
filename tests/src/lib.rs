//! Shared helpers for the integration tests of `ipv4-core` and `ipv4-std`.
//!
//! The [`netns`] module builds private network namespaces joined by veth
//! pairs, so that kernel tests send traffic only between hosts they created
//! themselves and never onto a real network.
//!
//! The [`sockets`] module opens the raw and packet sockets the kernel tests
//! share, and reads the IGMP membership table.
//!
//! The [`alloc_count`] module counts one thread's allocations for the
//! zero-allocation tests.
//!
//! The [`fuzz_entry`] module holds the fuzz targets' entry points: the
//! cargo-fuzz project in `fuzz/` calls them, and `tests/fuzz_replay.rs`
//! replays every committed corpus and crash-regression file through them on
//! stable Rust.
#![deny(missing_docs)]

pub mod alloc_count;
pub mod fuzz_entry;
pub mod netns;
pub mod sockets;
