//! IGMP version 1, 2 and 3: parse, classify and build messages without an
//! allocator.
//!
//! * [RFC 1112] Appendix I: IGMPv1 (query `0x11`, report `0x12`).
//! * [RFC 2236]: IGMPv2 (query with Max Resp Time, report `0x16`, leave `0x17`).
//! * [RFC 9776] (obsoletes RFC 3376): IGMPv3 queries with source lists and
//!   reports with group records (`0x22`).
//! * [RFC 9279]: the message extension (E bit and TLVs after the body).
//!
//! # Parsing
//!
//! [`Message::parse`] takes the IGMP message (the IPv4 payload, trimmed to
//! the IPv4 Total Length), verifies the checksum over all of it and
//! classifies it. Membership queries are told apart by length as
//! [RFC 9776 §7.1] requires: 8 bytes is IGMPv1 when Max Resp Code is 0 and
//! IGMPv2 otherwise, 12 or more is IGMPv3, and 9 to 11 bytes is
//! [`Message::IgnoredQuery`], which a receiver must ignore. Every count in
//! a v3 message is checked against the bytes present before a view is
//! handed out, so no accessor can panic.
//!
//! ```
//! use core::net::Ipv4Addr;
//! use ipv4_core::igmp::{Message, RecordType};
//!
//! // An IGMPv3 report: one record, ALLOW_NEW_SOURCES 232.1.1.1 from 10.0.0.1.
//! let bytes = [
//!     0x22, 0x00, 0xe5, 0xf9, 0x00, 0x00, 0x00, 0x01, // type, checksum, 1 record
//!     0x05, 0x00, 0x00, 0x01, 232, 1, 1, 1, // ALLOW, no aux data, 1 source, group
//!     10, 0, 0, 1, // source
//! ];
//! let Message::ReportV3(report) = Message::parse(&bytes)? else { panic!() };
//! let record = report.records().next().unwrap();
//! assert_eq!(record.record_type, RecordType::ALLOW_NEW_SOURCES);
//! assert_eq!(record.group, Ipv4Addr::new(232, 1, 1, 1));
//! assert_eq!(record.sources.iter().collect::<Vec<_>>(), [Ipv4Addr::new(10, 0, 0, 1)]);
//! assert_eq!(
//!     report.to_string(),
//!     "IGMPv3 report: 1 record: ALLOW_NEW_SOURCES 232.1.1.1 {10.0.0.1}"
//! );
//! # Ok::<(), ipv4_core::error::IgmpError>(())
//! ```
//!
//! A raw IGMP socket (or a packet socket) hands over whole IPv4 packets;
//! [`HeaderView::payload`](crate::header::HeaderView::payload) cuts the
//! message to the Total Length, as classification needs:
//!
//! ```
//! use ipv4_core::header::HeaderView;
//! use ipv4_core::igmp::Message;
//!
//! // An IGMPv2 join of 239.1.2.3 as Linux sends it (TTL 1, TOS 0xc0, DF,
//! // Router Alert), with the identification set to 0.
//! let packet = [
//!     0x46, 0xc0, 0x00, 0x20, 0x00, 0x00, 0x40, 0x00, 0x01, 0x02, 0xc8, 0xde,
//!     198, 51, 100, 1, 239, 1, 2, 3, 0x94, 0x04, 0x00, 0x00, // header
//!     0x16, 0x00, 0xf8, 0xfa, 239, 1, 2, 3, // IGMP
//! ];
//! let ip = HeaderView::new_checked(&packet[..]).unwrap();
//! assert!(ip.verify_checksum());
//! let message = Message::parse(ip.payload())?;
//! assert_eq!(message.to_string(), "IGMPv2 report for 239.1.2.3");
//! assert_eq!(message.destination(), Some(ip.destination()));
//! # Ok::<(), ipv4_core::error::IgmpError>(())
//! ```
//!
//! # Building
//!
//! Each message kind has a `*Repr` type with public fields whose `emit`
//! writes the message, checksum included, into a caller's buffer:
//! [`V1V2Repr`], [`QueryV3Repr`], [`ReportV3Repr`]. [`ReportSplitter`]
//! spreads a long list of group records over as many reports as a size
//! limit needs ([RFC 9776 §4.2.16]). [`envelope`] builds the IPv4 header an
//! IGMP message must travel in.
//!
//! [RFC 1112]: https://www.rfc-editor.org/rfc/rfc1112#appendix-I
//! [RFC 2236]: https://www.rfc-editor.org/rfc/rfc2236
//! [RFC 9776]: https://www.rfc-editor.org/rfc/rfc9776
//! [RFC 9279]: https://www.rfc-editor.org/rfc/rfc9279
//! [RFC 9776 §7.1]: https://www.rfc-editor.org/rfc/rfc9776#section-7.1
//! [RFC 9776 §4.2.16]: https://www.rfc-editor.org/rfc/rfc9776#section-4.2.16

mod builder;
pub mod codes;
mod display;
pub mod envelope;
mod extension;
mod filter_mode;
pub mod host;
pub mod querier;
mod query_v3;
mod report_v3;
mod sources;
mod split;
pub mod timing;

pub use split::IPV4_HEADER_LEN;
mod v1v2;

pub use codes::{MAX_CODE_VALUE, MaxRespCode, MaxRespTime, Qqic};
pub use extension::{Extension, Extensions};
pub use filter_mode::FilterMode;
pub use query_v3::{QueryV3, QueryV3Repr};
pub use report_v3::{GroupRecord, RecordList, RecordType, Records, ReportV3, ReportV3Repr};
pub use sources::{Sources, SourcesIter};
pub use split::ReportSplitter;
pub use v1v2::{V1V2Message, V1V2Repr};

use core::net::Ipv4Addr;

use crate::checksum::{self, Policy};
use crate::error::IgmpError;
use crate::registry::u8_registry;

/// 224.0.0.1, all systems on this subnet: where general queries go.
pub const ALL_SYSTEMS: Ipv4Addr = Ipv4Addr::new(224, 0, 0, 1);
/// 224.0.0.2, all routers on this subnet: where IGMPv2 leaves go.
pub const ALL_ROUTERS: Ipv4Addr = Ipv4Addr::new(224, 0, 0, 2);
/// 224.0.0.22, all IGMPv3-capable routers: where IGMPv3 reports go.
pub const ALL_IGMPV3_ROUTERS: Ipv4Addr = Ipv4Addr::new(224, 0, 0, 22);

u8_registry! {
    /// The IGMP Type byte ([IANA IGMP type numbers]).
    ///
    /// A newtype rather than an enum, so unknown types survive a round trip.
    ///
    /// [IANA IGMP type numbers]: https://www.iana.org/assignments/igmp-type-numbers
    pub struct MessageType(pub u8);
    debug_name: name;
    display_unknown: "IGMP type {:#04x}";
}

impl MessageType {
    /// Membership Query, all versions ([RFC 9776 §4.1]).
    ///
    /// [RFC 9776 §4.1]: https://www.rfc-editor.org/rfc/rfc9776#section-4.1
    pub const MEMBERSHIP_QUERY: MessageType = MessageType(0x11);
    /// IGMPv1 Membership Report ([RFC 1112] Appendix I).
    ///
    /// [RFC 1112]: https://www.rfc-editor.org/rfc/rfc1112#appendix-I
    pub const REPORT_V1: MessageType = MessageType(0x12);
    /// IGMPv2 Membership Report ([RFC 2236 §2.1]).
    ///
    /// [RFC 2236 §2.1]: https://www.rfc-editor.org/rfc/rfc2236#section-2.1
    pub const REPORT_V2: MessageType = MessageType(0x16);
    /// IGMPv2 Leave Group ([RFC 2236 §2.1]).
    ///
    /// [RFC 2236 §2.1]: https://www.rfc-editor.org/rfc/rfc2236#section-2.1
    pub const LEAVE_GROUP: MessageType = MessageType(0x17);
    /// IGMPv3 Membership Report ([RFC 9776 §4.2]).
    ///
    /// [RFC 9776 §4.2]: https://www.rfc-editor.org/rfc/rfc9776#section-4.2
    pub const REPORT_V3: MessageType = MessageType(0x22);

    /// The name of a known type, e.g. `"Membership Query"`.
    #[inline]
    pub const fn name(self) -> Option<&'static str> {
        Some(match self {
            MessageType::MEMBERSHIP_QUERY => "Membership Query",
            MessageType::REPORT_V1 => "IGMPv1 Membership Report",
            MessageType::REPORT_V2 => "IGMPv2 Membership Report",
            MessageType::LEAVE_GROUP => "Leave Group",
            MessageType::REPORT_V3 => "IGMPv3 Membership Report",
            _ => return None,
        })
    }
}

/// The smallest message of any type: Type, Code and Checksum.
pub(crate) const MIN_LEN: usize = 4;
/// The length of IGMPv1 and IGMPv2 messages, and the query length that
/// [RFC 9776 §7.1] calls IGMPv1/v2.
///
/// [RFC 9776 §7.1]: https://www.rfc-editor.org/rfc/rfc9776#section-7.1
pub const V1V2_LEN: usize = 8;
/// The shortest IGMPv3 query.
pub const QUERY_V3_MIN_LEN: usize = 12;

/// A classified IGMP message ([RFC 9776 §7.1]).
///
/// [RFC 9776 §7.1]: https://www.rfc-editor.org/rfc/rfc9776#section-7.1
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Message<'a> {
    /// An 8-byte query with Max Resp Code 0: IGMPv1 ([RFC 1112]).
    ///
    /// [RFC 1112]: https://www.rfc-editor.org/rfc/rfc1112#appendix-I
    QueryV1(V1V2Message<'a>),
    /// An 8-byte query with a non-zero Max Resp Code: IGMPv2 ([RFC 2236]).
    ///
    /// [RFC 2236]: https://www.rfc-editor.org/rfc/rfc2236#section-2
    QueryV2(V1V2Message<'a>),
    /// A query of 12 bytes or more: IGMPv3 ([RFC 9776 §4.1]).
    ///
    /// [RFC 9776 §4.1]: https://www.rfc-editor.org/rfc/rfc9776#section-4.1
    QueryV3(QueryV3<'a>),
    /// A query of 9, 10 or 11 bytes, which [RFC 9776 §7.1] says must be
    /// ignored. Holds the whole message.
    ///
    /// [RFC 9776 §7.1]: https://www.rfc-editor.org/rfc/rfc9776#section-7.1
    IgnoredQuery(&'a [u8]),
    /// An IGMPv1 Membership Report (`0x12`).
    ReportV1(V1V2Message<'a>),
    /// An IGMPv2 Membership Report (`0x16`).
    ReportV2(V1V2Message<'a>),
    /// An IGMPv2 Leave Group (`0x17`).
    Leave(V1V2Message<'a>),
    /// An IGMPv3 Membership Report (`0x22`).
    ReportV3(ReportV3<'a>),
    /// Any other type (multicast traceroute, router discovery, DVMRP, ...),
    /// kept whole so it can be forwarded or skipped.
    Unknown {
        /// The Type byte.
        message_type: MessageType,
        /// The whole message, Type byte included.
        bytes: &'a [u8],
    },
}

impl<'a> Message<'a> {
    /// Verifies the checksum of `bytes` and classifies the message.
    ///
    /// `bytes` must be exactly the IGMP message: the IPv4 payload cut to
    /// the header's Total Length, since a query's version depends on its
    /// length.
    ///
    /// # Fuzzing
    ///
    /// When the crate is built with `--cfg fuzzing` (as `cargo fuzz` builds
    /// it), the checksum is treated as right, as smoltcp does: a fuzzer
    /// would otherwise spend nearly every input on a checksum error and
    /// seldom reach the classification and record walk behind it. Normal
    /// builds never set that cfg; [`Policy::Trust`] is the run-time
    /// way to the same effect. [`parse_with`](Self::parse_with) with
    /// [`Policy::Enforce`] verifies in every build, so the fuzzers
    /// still reach the verification itself.
    #[inline(always)]
    pub fn parse(bytes: &'a [u8]) -> Result<Message<'a>, IgmpError> {
        let policy = if cfg!(fuzzing) {
            Policy::Trust
        } else {
            Policy::Enforce
        };
        Self::parse_with(bytes, policy)
    }

    /// [`parse`](Self::parse), with the checksum verified or not as `policy`
    /// says (in every build).
    //
    // Always inlined, like `HeaderView::new_checked_with`: out of line, the
    // `Result<Message, IgmpError>` comes back through memory and the caller
    // matches on it again (BENCHMARKS.md, IGMP).
    #[inline(always)]
    pub fn parse_with(bytes: &'a [u8], policy: Policy) -> Result<Message<'a>, IgmpError> {
        if bytes.len() < MIN_LEN {
            return Err(truncated("IGMP header", MIN_LEN, bytes.len()));
        }
        if policy == Policy::Enforce {
            verify_checksum(bytes)?;
        }
        // Every message is classified here, where this function is
        // inlined, and no path calls out for a `Message` or an
        // `IgmpError`: a `Result` that comes back from a call comes back
        // through memory, the compiler cannot tell its variant, and every
        // other path then goes through that memory too (the caller's match
        // and the accessors' length facts are lost; BENCHMARKS.md, IGMP,
        // stage 4). Each arm builds its variant itself: picking a
        // constructor first and calling it after made an indirect call.
        let v1v2 = || V1V2Message::from_validated(bytes);
        Ok(match (MessageType(bytes[0]), bytes.len()) {
            (MessageType::MEMBERSHIP_QUERY, V1V2_LEN) if bytes[1] == 0 => Message::QueryV1(v1v2()),
            (MessageType::MEMBERSHIP_QUERY, V1V2_LEN) => Message::QueryV2(v1v2()),
            (MessageType::REPORT_V1, V1V2_LEN..) => Message::ReportV1(v1v2()),
            (MessageType::REPORT_V2, V1V2_LEN..) => Message::ReportV2(v1v2()),
            (MessageType::LEAVE_GROUP, V1V2_LEN..) => Message::Leave(v1v2()),
            (MessageType::MEMBERSHIP_QUERY, QUERY_V3_MIN_LEN..) => {
                Message::QueryV3(QueryV3::new_checked(bytes)?)
            }
            (MessageType::REPORT_V3, _) => Message::ReportV3(ReportV3::new_checked(bytes)?),
            // 9 to 11 bytes: neither v1/v2 nor v3 (RFC 9776 §7.1).
            (MessageType::MEMBERSHIP_QUERY, 9..=11) => Message::IgnoredQuery(bytes),
            (MessageType::MEMBERSHIP_QUERY, n) => {
                return Err(truncated("membership query", V1V2_LEN, n));
            }
            (MessageType::REPORT_V1, n) => return Err(truncated("IGMPv1 report", V1V2_LEN, n)),
            (MessageType::REPORT_V2, n) => return Err(truncated("IGMPv2 report", V1V2_LEN, n)),
            (MessageType::LEAVE_GROUP, n) => return Err(truncated("IGMPv2 leave", V1V2_LEN, n)),
            (message_type, _) => Message::Unknown {
                message_type,
                bytes,
            },
        })
    }

    /// The Type byte.
    #[inline]
    pub fn message_type(&self) -> MessageType {
        MessageType(self.as_bytes()[0])
    }

    /// The whole message.
    #[inline]
    pub fn as_bytes(&self) -> &'a [u8] {
        match *self {
            Message::QueryV1(m)
            | Message::QueryV2(m)
            | Message::ReportV1(m)
            | Message::ReportV2(m)
            | Message::Leave(m) => m.as_bytes(),
            Message::QueryV3(q) => q.as_bytes(),
            Message::ReportV3(r) => r.as_bytes(),
            Message::IgnoredQuery(bytes) | Message::Unknown { bytes, .. } => bytes,
        }
    }

    /// The IGMP version a known message belongs to: 1, 2 or 3.
    #[inline]
    pub fn version(&self) -> Option<u8> {
        match self {
            Message::QueryV1(_) | Message::ReportV1(_) => Some(1),
            Message::QueryV2(_) | Message::ReportV2(_) | Message::Leave(_) => Some(2),
            Message::QueryV3(_) | Message::ReportV3(_) => Some(3),
            Message::IgnoredQuery(_) | Message::Unknown { .. } => None,
        }
    }
}

/// A message shorter than its fixed part. Cold, but inlined, so the
/// caller sees which variant it returns (see `Message::parse_with`).
#[cold]
#[inline]
pub(crate) fn truncated(what: &'static str, required: usize, found: usize) -> IgmpError {
    IgmpError::Truncated {
        what,
        required,
        found,
    }
}

/// The Checksum field of `bytes` (at least 4 long).
#[inline]
pub(crate) fn checksum_field(bytes: &[u8]) -> u16 {
    u16::from_be_bytes([bytes[2], bytes[3]])
}

/// Verifies the checksum over all of `bytes` (at least 4 long).
#[inline]
fn verify_checksum(bytes: &[u8]) -> Result<(), IgmpError> {
    if checksum::verify(bytes) {
        Ok(())
    } else {
        // The variant built here, only the `u16` out of line (see
        // `Message::parse_with`).
        Err(IgmpError::Checksum {
            found: checksum_field(bytes),
            expected: expected_checksum(bytes),
        })
    }
}

/// The checksum a message whose checksum is wrong should carry.
#[cold]
#[inline(never)]
fn expected_checksum(bytes: &[u8]) -> u16 {
    checksum::checksum_skipping_field(bytes, 2)
}

/// Reads an address at `at` (the caller has checked `at + 4 <= len`).
#[inline]
pub(crate) fn addr_at(bytes: &[u8], at: usize) -> Ipv4Addr {
    match bytes.get(at..at + 4) {
        Some(&[a, b, c, d]) => Ipv4Addr::new(a, b, c, d),
        _ => Ipv4Addr::UNSPECIFIED,
    }
}

/// The name when the crate knows one, else `MessageType(n)`.
#[cfg(test)]
mod tests;
