//! `ipv4-core`: `no_std`, allocation-free, zero-copy codecs for IPv4.
//!
//! This crate is the wire half of the `ipv4` workspace. It parses and builds
//! IPv4 headers ([`header`]), IPv4 options ([`options`]), IGMPv1/v2/v3
//! messages ([`igmp`]) and computes the internet checksum ([`checksum`]). It
//! never allocates, never panics on untrusted bytes, and reports malformed
//! input with typed errors ([`error`]) that say which field was wrong, where,
//! and what was expected.
//!
//! Everything that needs an operating system (sockets, control messages on the
//! wire, multicast membership) lives in the `ipv4-std` crate, which re-exports
//! this one.
//!
//! # The view contract
//!
//! Every view type (a header, an option, an IGMP message over a byte slice)
//! follows one contract, borrowed from smoltcp's `wire` module: a checked
//! constructor validates every length once, and after it no accessor can
//! panic. Builders report the buffer size they need and never panic on a
//! buffer of that size; they return an error on a smaller one.
//!
//! # Unsafe code
//!
//! The crate is `#![deny(unsafe_code)]`. The one exception is the checksum's
//! SIMD dispatch module, where calling a `#[target_feature]` function needs
//! `unsafe`; every such block carries a `// SAFETY:` comment.
//!
//! # Cargo features
//!
//! None. The crate is always `no_std`, and the checksum chooses its SIMD
//! kernel at run time without `std` (see [`checksum`]).
#![no_std]
#![deny(unsafe_code)]
#![deny(missing_docs)]
#![cfg_attr(docsrs, feature(doc_cfg))]

pub mod checksum;
pub mod control;
pub mod error;
pub mod header;
pub mod icmp;
pub mod igmp;
pub mod options;
