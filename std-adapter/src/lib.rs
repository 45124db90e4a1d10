//! `ipv4-std`: binds [`ipv4_core`] to real Linux sockets.
//!
//! It re-exports the core as [`core`](crate::core) so that one dependency
//! gives both halves.
#![deny(missing_docs)]

pub use ipv4_core as core;
