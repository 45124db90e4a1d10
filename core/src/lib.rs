//! `ipv4-core`: `no_std`, allocation-free, zero-copy codecs for IPv4.
//!
//! This crate is the wire half of the `ipv4` workspace. It parses and builds
//! IPv4 headers ([`header`]), IPv4 options ([`options`]), IGMPv1/v2/v3
//! messages ([`igmp`]), ICMPv4 messages with their quoted datagrams and
//! RFC 4884 extensions ([`icmp`]) and computes the internet checksum
//! ([`checksum`]). It
//! never allocates, never panics on untrusted bytes, and reports malformed
//! input with typed errors ([`error`]) that say which field was wrong, where,
//! and what was expected.
//!
//! Everything that needs an operating system (sockets, control messages on the
//! wire, multicast membership) lives in the `ipv4-std` crate, which re-exports
//! this one.
//!
//! # Quick start
//!
//! Build a packet (header, options and payload in one call), parse it back,
//! walk its options, lower its TTL in place with the checksum kept right,
//! and build and parse an IGMPv3 report:
//!
//! ```
//! use core::net::Ipv4Addr;
//! use ipv4_core::checksum::Policy;
//! use ipv4_core::header::{Header, HeaderView, Protocol};
//! use ipv4_core::igmp::{GroupRecord, Message, RecordType, ReportV3Repr};
//! use ipv4_core::options::{Ipv4Option, Options, RouterAlert};
//!
//! let mut header = Header::new(
//!     Ipv4Addr::new(198, 51, 100, 1),
//!     Ipv4Addr::new(203, 0, 113, 2),
//!     Protocol::UDP,
//! )
//! .with_ttl(64);
//! header.build_options(|o| o.router_alert(RouterAlert::EXAMINE).map(drop))?;
//! let mut buf = [0u8; 1500];
//! let len = header.emit_packet(b"payload", &mut buf)?;
//!
//! // Parse: lengths and checksum checked once, then no accessor can panic.
//! let view = HeaderView::new_checked_with(&buf[..len], Policy::Enforce)?;
//! assert_eq!((view.header_len(), view.total_len()), (24, 31));
//! assert_eq!(view.payload(), b"payload");
//! for option in Options::new(view.options()) {
//!     match option? {
//!         Ipv4Option::RouterAlert(ra) => assert_eq!(ra, RouterAlert::EXAMINE),
//!         Ipv4Option::End { .. } => {} // padding to a multiple of 4, not an option
//!         other => panic!("unexpected option {other}"),
//!     }
//! }
//!
//! // Edit in place, as a router does: RFC 1624 incremental checksum update.
//! let mut view = HeaderView::new_checked_with(&mut buf[..len], Policy::Enforce)?;
//! assert_eq!(view.decrement_ttl(), Some(63));
//! assert!(view.verify_checksum());
//!
//! // IGMPv3: a report with one record, emitted and parsed back.
//! let sources = [Ipv4Addr::new(198, 51, 100, 7)];
//! let records = [GroupRecord::new(
//!     RecordType::ALLOW_NEW_SOURCES,
//!     Ipv4Addr::new(232, 1, 1, 1),
//!     &sources,
//! )];
//! let mut igmp = [0u8; 64];
//! let n = ReportV3Repr::new(&records).emit(&mut igmp)?;
//! let Message::ReportV3(report) = Message::parse(&igmp[..n])? else {
//!     unreachable!("a v3 report parses as one");
//! };
//! assert_eq!(report.to_string(), "IGMPv3 report: 1 record: ALLOW_NEW_SOURCES 232.1.1.1 {198.51.100.7}");
//! # Ok::<(), Box<dyn core::error::Error>>(())
//! ```
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

mod registry;
