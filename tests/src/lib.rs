//! Shared helpers for the integration tests of `ipv4-core` and `ipv4-std`.
//!
//! The [`netns`] module builds private network namespaces joined by veth
//! pairs, so that kernel tests send traffic only between hosts they created
//! themselves and never onto a real network.
#![deny(missing_docs)]

pub mod netns;
