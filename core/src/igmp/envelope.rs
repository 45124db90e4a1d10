//! The IPv4 envelope every IGMP message travels in ([RFC 2236 §2],
//! [RFC 9776 §4]): IP protocol 2, TTL 1, the Router Alert option
//! ([RFC 2113]), Internetwork Control precedence (TOS `0xc0`), and a
//! destination set by the message kind ([RFC 2236 §9], [RFC 9776 §4.1.12],
//! [§4.2.14]):
//!
//! | message | destination |
//! |---|---|
//! | general query (any version) | 224.0.0.1, all systems |
//! | group-specific or group-and-source-specific query | the group |
//! | IGMPv1 or IGMPv2 report | the group |
//! | IGMPv2 leave | 224.0.0.2, all routers |
//! | IGMPv3 report | 224.0.0.22, all IGMPv3 routers |
//!
//! RFC 9776 §4 asks for TOS `0xc0` on IGMPv3; RFC 2236 says nothing of it,
//! and Linux sends `0xc0` on IGMPv1/v2 too (the kernel test in
//! `tests/tests/igmp_kernel.rs` checks it), so every message gets it. The
//! Don't Fragment flag is set, as Linux does: reports are sized to the MTU
//! ([`ReportSplitter`](super::ReportSplitter)) and never need fragments.
//!
//! [RFC 2113]: https://www.rfc-editor.org/rfc/rfc2113
//! [RFC 2236 §2]: https://www.rfc-editor.org/rfc/rfc2236#section-2
//! [RFC 2236 §9]: https://www.rfc-editor.org/rfc/rfc2236#section-9
//! [RFC 9776 §4]: https://www.rfc-editor.org/rfc/rfc9776#section-4
//! [RFC 9776 §4.1.12]: https://www.rfc-editor.org/rfc/rfc9776#section-4.1.12
//! [§4.2.14]: https://www.rfc-editor.org/rfc/rfc9776#section-4.2.14

use core::net::Ipv4Addr;

use super::{ALL_IGMPV3_ROUTERS, ALL_ROUTERS, ALL_SYSTEMS, IPV4_HEADER_LEN, Message};
use crate::checksum::Policy;
use crate::error::{BufferTooSmall, IgmpBuildError};
use crate::header::{Flags, Header, Protocol};
use crate::options::RouterAlert;

/// TTL of every IGMP message: it never leaves the link.
pub const TTL: u8 = 1;
/// TOS of every IGMP message: IP precedence 6, Internetwork Control.
pub const TOS: u8 = 0xc0;

impl Message<'_> {
    /// The IPv4 destination this message must be sent to, or `None` for
    /// kinds without one ([`IgnoredQuery`](Message::IgnoredQuery),
    /// [`Unknown`](Message::Unknown)).
    pub fn destination(&self) -> Option<Ipv4Addr> {
        let group_or_all = |group: Ipv4Addr| {
            if group.is_unspecified() {
                ALL_SYSTEMS
            } else {
                group
            }
        };
        Some(match self {
            // An IGMPv1 query always goes to all systems; its group
            // field means nothing (RFC 1112 Appendix I).
            Message::QueryV1(_) => ALL_SYSTEMS,
            Message::QueryV2(q) => group_or_all(q.group()),
            Message::QueryV3(q) => group_or_all(q.group()),
            Message::ReportV1(r) | Message::ReportV2(r) => r.group(),
            Message::Leave(_) => ALL_ROUTERS,
            Message::ReportV3(_) => ALL_IGMPV3_ROUTERS,
            Message::IgnoredQuery(_) | Message::Unknown { .. } => return None,
        })
    }

    /// The IPv4 header this message must travel in, from `source`: the
    /// right destination, TTL 1, protocol 2, TOS `0xc0`, Don't Fragment,
    /// the Router Alert option, and a total length covering the message.
    ///
    /// ```
    /// use core::net::Ipv4Addr;
    /// use ipv4_core::header::Protocol;
    /// use ipv4_core::igmp::{Message, V1V2Repr};
    ///
    /// let mut buf = [0u8; 8];
    /// V1V2Repr::leave(Ipv4Addr::new(239, 1, 2, 3)).emit(&mut buf)?;
    /// let header = Message::parse(&buf).unwrap().ip_header(Ipv4Addr::new(198, 51, 100, 1))?;
    /// assert_eq!(header.destination, Ipv4Addr::new(224, 0, 0, 2));
    /// assert_eq!((header.ttl, header.protocol, header.tos), (1, Protocol::IGMP, 0xc0));
    /// assert_eq!(header.options(), [0x94, 0x04, 0x00, 0x00]);
    /// assert_eq!(header.total_len, 24 + 8);
    /// # Ok::<(), ipv4_core::error::IgmpBuildError>(())
    /// ```
    pub fn ip_header(&self, source: Ipv4Addr) -> Result<Header, IgmpBuildError> {
        let destination = self.destination().ok_or(IgmpBuildError::NoDestination {
            message_type: Some(self.message_type().0),
        })?;
        let mut header = Header::new(source, destination, Protocol::IGMP)
            .with_ttl(TTL)
            .with_tos(TOS)
            .with_flags(Flags::DONT_FRAGMENT);
        header.set_options(&RouterAlert::EXAMINE.to_bytes())?;
        header.set_payload_len(self.as_bytes().len())?;
        Ok(header)
    }
}

/// Writes a whole IPv4 packet into `buf`: `emit` writes the IGMP message
/// after room for the header (it gets `buf[24..]` and returns the message
/// length, as every builder's `emit` does), then the header for that
/// message, from `source`, goes in front ([`Message::ip_header`]).
/// Returns the packet length.
///
/// ```
/// use core::net::Ipv4Addr;
/// use ipv4_core::header::HeaderView;
/// use ipv4_core::igmp::{GroupRecord, RecordType, ReportV3Repr, envelope};
///
/// let records = [GroupRecord::new(
///     RecordType::CHANGE_TO_EXCLUDE_MODE,
///     Ipv4Addr::new(239, 1, 2, 3),
///     &[],
/// )];
/// let mut buf = [0u8; 64];
/// let len = envelope::emit_packet(&mut buf, Ipv4Addr::new(198, 51, 100, 1), |b| {
///     ReportV3Repr::new(&records).emit(b)
/// })?;
/// assert_eq!(len, 24 + 16);
/// let ip = HeaderView::new_checked(&buf[..len]).unwrap();
/// assert!(ip.verify_checksum());
/// assert_eq!(ip.destination(), Ipv4Addr::new(224, 0, 0, 22));
/// # Ok::<(), ipv4_core::error::IgmpBuildError>(())
/// ```
pub fn emit_packet(
    buf: &mut [u8],
    source: Ipv4Addr,
    emit: impl FnOnce(&mut [u8]) -> Result<usize, IgmpBuildError>,
) -> Result<usize, IgmpBuildError> {
    let found = buf.len();
    let Some((head, body)) = buf.split_at_mut_checked(IPV4_HEADER_LEN) else {
        return Err(IgmpBuildError::BufferTooSmall(BufferTooSmall {
            what: "IPv4 header of an IGMP packet",
            required: IPV4_HEADER_LEN,
            found,
        }));
    };
    let len = emit(body)?;
    let message = body.get(..len).unwrap_or_default();
    let parsed =
        Message::parse_with(message, Policy::Trust).map_err(|_| IgmpBuildError::NoDestination {
            message_type: message.first().copied(),
        })?;
    let header = parsed.ip_header(source)?;
    let written = header.emit(head)?;
    debug_assert_eq!(written, IPV4_HEADER_LEN);
    Ok(IPV4_HEADER_LEN + len)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::header::HeaderView;
    use crate::igmp::{GroupRecord, QueryV3Repr, RecordType, ReportV3Repr, Sources, V1V2Repr};

    /// A builder's `emit`.
    type Emit<'a> = dyn Fn(&mut [u8]) -> Result<usize, IgmpBuildError> + 'a;

    const SRC: Ipv4Addr = Ipv4Addr::new(198, 51, 100, 1);
    const G: Ipv4Addr = Ipv4Addr::new(239, 1, 2, 3);

    fn packet(emit: impl FnOnce(&mut [u8]) -> Result<usize, IgmpBuildError>) -> ([u8; 128], usize) {
        let mut buf = [0u8; 128];
        let len = emit_packet(&mut buf, SRC, emit).unwrap();
        (buf, len)
    }

    fn check(buf: &[u8], destination: Ipv4Addr) {
        let ip = HeaderView::new_checked(buf).unwrap();
        assert!(ip.verify_checksum());
        assert_eq!(ip.source(), SRC);
        assert_eq!(ip.destination(), destination);
        assert_eq!(ip.ttl(), 1);
        assert_eq!(ip.tos(), 0xc0);
        assert_eq!(ip.protocol(), Protocol::IGMP);
        assert!(ip.dont_fragment());
        assert_eq!(ip.options(), [0x94, 0x04, 0x00, 0x00]);
        assert_eq!(usize::from(ip.total_len()), buf.len());
        assert!(Message::parse(ip.payload()).is_ok());
    }

    #[test]
    fn destinations_per_message_kind() {
        let sources = [Ipv4Addr::new(203, 0, 113, 7)];
        let records = [GroupRecord::new(RecordType::MODE_IS_INCLUDE, G, &sources)];
        let cases: [(&Emit<'_>, Ipv4Addr); 9] = [
            (&|b| V1V2Repr::query_v1().emit(b), ALL_SYSTEMS),
            (
                &|b| V1V2Repr::query_v2(Ipv4Addr::UNSPECIFIED, 100).emit(b),
                ALL_SYSTEMS,
            ),
            (&|b| V1V2Repr::query_v2(G, 10).emit(b), G),
            (&|b| V1V2Repr::report_v1(G).emit(b), G),
            (&|b| V1V2Repr::report_v2(G).emit(b), G),
            (&|b| V1V2Repr::leave(G).emit(b), ALL_ROUTERS),
            (&|b| QueryV3Repr::general().emit(b), ALL_SYSTEMS),
            (
                &|b| {
                    QueryV3Repr {
                        group: G,
                        sources: Sources::from(&sources),
                        ..QueryV3Repr::general()
                    }
                    .emit(b)
                },
                G,
            ),
            (&|b| ReportV3Repr::new(&records).emit(b), ALL_IGMPV3_ROUTERS),
        ];
        for (emit, destination) in cases {
            let (buf, len) = packet(emit);
            check(&buf[..len], destination);
        }
    }

    #[test]
    fn errors() {
        let mut buf = [0u8; 30];
        assert!(matches!(
            emit_packet(&mut buf[..20], SRC, |b| V1V2Repr::leave(G).emit(b)),
            Err(IgmpBuildError::BufferTooSmall(_))
        ));
        assert!(matches!(
            emit_packet(&mut buf, SRC, |b| V1V2Repr::leave(G).emit(b)),
            Err(IgmpBuildError::BufferTooSmall(BufferTooSmall {
                required: 8,
                found: 6,
                ..
            }))
        ));
        // A 9-byte query must be ignored, so it has nowhere to go.
        assert_eq!(
            emit_packet(&mut [0u8; 64], SRC, |b| {
                b[..9].copy_from_slice(&[0x11, 0, 0, 0, 0, 0, 0, 0, 0]);
                Ok(9)
            }),
            Err(IgmpBuildError::NoDestination {
                message_type: Some(0x11)
            })
        );
    }
}

#[cfg(test)]
mod proptests {
    use super::*;
    use crate::header::HeaderView;
    use crate::igmp::{
        MaxRespCode, MaxRespTime, MessageType, Qqic, QueryV3Repr, Sources, V1V2Repr,
    };
    use proptest::prelude::*;

    const SRC: Ipv4Addr = Ipv4Addr::new(198, 51, 100, 1);

    proptest! {
        /// Whatever a builder writes, `emit_packet` wraps it in a header
        /// that verifies, carries exactly the message, and goes where
        /// `Message::destination` says.
        #[test]
        fn packets_carry_the_message(
            ty in prop_oneof![Just(0x11u8), Just(0x12), Just(0x16), Just(0x17)],
            code: u8,
            group: [u8; 4],
            v3: bool,
            sources in proptest::collection::vec(any::<[u8; 4]>().prop_map(Ipv4Addr::from), 0..8),
        ) {
            let mut buf = [0u8; 128];
            let len = emit_packet(&mut buf, SRC, |b| {
                if v3 {
                    QueryV3Repr {
                        max_resp_code: MaxRespCode::new(code),
                        group: group.into(),
                        qqic: Qqic::new(code),
                        sources: Sources::from(&sources[..]),
                        ..QueryV3Repr::general()
                    }
                    .emit(b)
                } else {
                    V1V2Repr { message_type: MessageType(ty), max_resp_code: MaxRespTime::new(code), group: group.into() }
                        .emit(b)
                }
            })
            .unwrap();
            let ip = HeaderView::new_checked(&buf[..len]).unwrap();
            prop_assert!(ip.verify_checksum());
            prop_assert_eq!(usize::from(ip.total_len()), len);
            let message = Message::parse(ip.payload()).unwrap();
            prop_assert_eq!(Some(ip.destination()), message.destination());
            prop_assert_eq!((ip.ttl(), ip.tos(), ip.protocol()), (TTL, TOS, Protocol::IGMP));
            prop_assert_eq!(ip.options(), &RouterAlert::EXAMINE.to_bytes()[..]);
        }
    }
}
