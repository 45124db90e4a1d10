//! Property tests: parse(emit(x)) == x, emit(parse(b)) == b for emitted
//! (canonical) b, no panic on arbitrary bytes, and agreement with
//! etherparse on random messages.

extern crate std;

use core::fmt::Write as _;
use core::net::Ipv4Addr;
use std::string::String;
use std::vec;
use std::vec::Vec;

use proptest::prelude::*;

use super::*;
use crate::checksum::Policy;

fn bytes(max: usize) -> impl Strategy<Value = Vec<u8>> {
    proptest::collection::vec(any::<u8>(), 0..=max)
}

/// A quote and optional extension objects in canonical form: with an
/// extension, the quote is whole words from 128 to 1020 bytes.
fn error_parts() -> impl Strategy<Value = (Vec<u8>, Option<Vec<u8>>)> {
    prop_oneof![
        bytes(200).prop_map(|q| (q, None)),
        (32usize..=255, bytes(64)).prop_flat_map(|(words, objects)| {
            proptest::collection::vec(any::<u8>(), words * 4)
                .prop_map(move |q| (q, Some(objects.clone())))
        }),
    ]
}

/// Owned inputs for one IcmpRepr, borrowed by `repr`.
#[derive(Debug, Clone)]
struct Case {
    kind: u8,
    a: u16,
    b: u16,
    code: u8,
    flags: u8,
    times: [u32; 3],
    data: Vec<u8>,
    extension: Option<Vec<u8>>,
}

fn case() -> impl Strategy<Value = Case> {
    (
        0u8..13,
        any::<u16>(),
        any::<u16>(),
        any::<u8>(),
        any::<u8>(),
        any::<[u32; 3]>(),
        error_parts(),
    )
        .prop_map(|(kind, a, b, code, flags, times, (data, extension))| Case {
            kind,
            a,
            b,
            code,
            flags,
            times,
            data,
            extension,
        })
}

/// Types `Other` must not use: they classify as something else.
const CLASSIFIED: [u8; 11] = [0, 3, 4, 5, 8, 11, 12, 13, 14, 42, 43];

impl Case {
    fn repr(&self) -> IcmpRepr<'_> {
        let data = &self.data[..];
        let extension = self.extension.as_deref();
        let ts = Timestamp {
            ident: self.a,
            seq: self.b,
            originate: self.times[0],
            receive: self.times[1],
            transmit: self.times[2],
        };
        match self.kind {
            0 => IcmpRepr::EchoRequest {
                ident: self.a,
                seq: self.b,
                data,
            },
            1 => IcmpRepr::EchoReply {
                ident: self.a,
                seq: self.b,
                data,
            },
            2 => IcmpRepr::DestinationUnreachable {
                code: UnreachableCode(self.code),
                next_hop_mtu: self.b,
                quote: data,
                extension,
            },
            3 => IcmpRepr::SourceQuench { quote: data },
            4 => IcmpRepr::Redirect {
                code: RedirectCode(self.code),
                gateway: Ipv4Addr::from(u32::from(self.a) << 16 | u32::from(self.b)),
                quote: data,
            },
            5 => IcmpRepr::TimeExceeded {
                code: TimeExceededCode(self.code),
                quote: data,
                extension,
            },
            6 => IcmpRepr::ParameterProblem {
                code: ParameterProblemCode(self.code),
                pointer: self.flags,
                quote: data,
                extension,
            },
            7 => IcmpRepr::TimestampRequest(ts),
            8 => IcmpRepr::TimestampReply(ts),
            9 => IcmpRepr::ExtendedEchoRequest {
                ident: self.a,
                seq: self.code,
                local: self.flags & 1 != 0,
                extension,
            },
            10 => IcmpRepr::ExtendedEchoReply(ExtendedEchoReply {
                ident: self.a,
                seq: self.code,
                code: ExtendedEchoCode(self.flags),
                state: NeighborState(self.code & 7),
                active: self.b & 4 != 0,
                ipv4: self.b & 2 != 0,
                ipv6: self.b & 1 != 0,
                body: data,
            }),
            _ => {
                let t = if CLASSIFIED.contains(&self.code) {
                    9
                } else {
                    self.code
                };
                IcmpRepr::Other {
                    icmp_type: IcmpType(t),
                    code: self.flags,
                    rest_of_header: self.times[0].to_be_bytes(),
                    body: data,
                }
            }
        }
    }
}

/// Runs every accessor and the walks over arbitrary bytes.
fn exercise(bytes: &[u8]) {
    let mut sink = String::new();
    let _ = IcmpView::new_checked(bytes);
    let Ok(view) = IcmpView::new_checked_with(bytes, Policy::Trust) else {
        return;
    };
    let m = view.message();
    let _ = write!(sink, "{m} {m:?} {}", m.display_from(Ipv4Addr::LOCALHOST));
    if let Some(q) = m.quote() {
        let _ = (q.flow(), q.payload(), write!(sink, "{q}"));
    }
    let _ = m.error_code().map(|c| write!(sink, "{c}"));
    let body = match m {
        Message::DestinationUnreachable { error, .. }
        | Message::TimeExceeded { error, .. }
        | Message::ParameterProblem { error, .. }
        | Message::SourceQuench(error) => Some(error),
        _ => None,
    };
    for mode in [ExtensionMode::Compliant, ExtensionMode::AllowNonCompliant] {
        if let Some((_, Some(Ok(ext)))) = body.map(|b| b.split_with(mode, Policy::Trust)) {
            let mut n = 0;
            for o in ext.objects() {
                n += 1;
                assert!(n <= bytes.len() / 4 + 1, "the object walk does not end");
                if let Ok(o) = o {
                    let _ = o.decode().map(|d| write!(sink, "{d}"));
                }
            }
        }
    }
    if let Ok(repr) = IcmpRepr::parse_with(bytes, Policy::Trust) {
        let mut out = vec![0u8; repr.buffer_len()];
        if repr.emit(&mut out).is_ok() {
            assert_eq!(IcmpRepr::parse(&out), Ok(repr));
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    #[test]
    fn parse_of_emit_is_identity(c in case()) {
        let repr = c.repr();
        let mut buf = vec![0u8; repr.buffer_len()];
        prop_assert_eq!(repr.emit(&mut buf), Ok(buf.len()));
        prop_assert!(IcmpView::new_checked(&buf[..]).unwrap().verify_checksum());
        let parsed = IcmpRepr::parse(&buf).unwrap();
        prop_assert_eq!(parsed, repr);
        // emit(parse(b)) == b for the canonical b just emitted.
        let mut again = vec![0u8; parsed.buffer_len()];
        parsed.emit(&mut again).unwrap();
        prop_assert_eq!(again, buf);
    }

    #[test]
    fn emit_never_panics_on_short_buffers(c in case(), len in 0usize..64) {
        let repr = c.repr();
        let mut buf = vec![0u8; len.min(repr.buffer_len())];
        let r = repr.emit(&mut buf);
        prop_assert_eq!(r.is_ok(), buf.len() == repr.buffer_len());
    }

    #[test]
    fn arbitrary_bytes_never_panic(b in bytes(300)) {
        exercise(&b);
    }

    #[test]
    fn mutated_messages_never_panic(c in case(), at in any::<usize>(), with in any::<u8>()) {
        let repr = c.repr();
        let mut buf = vec![0u8; repr.buffer_len()];
        repr.emit(&mut buf).unwrap();
        let i = at % buf.len();
        buf[i] = with;
        exercise(&buf);
        exercise(&buf[..i]);
    }

    /// etherparse agrees field by field on the types it decodes.
    #[test]
    fn etherparse_agrees(c in case()) {
        use etherparse::{Icmpv4Slice, Icmpv4Type};
        let repr = c.repr();
        let mut buf = vec![0u8; repr.buffer_len()];
        repr.emit(&mut buf).unwrap();
        let theirs = Icmpv4Slice::from_slice(&buf).unwrap();
        let ours = IcmpView::new_checked(&buf[..]).unwrap().into_message();
        prop_assert_eq!(theirs.type_u8(), ours.icmp_type().0);
        prop_assert_eq!(theirs.code_u8(), buf[1]);
        prop_assert_eq!(theirs.checksum(), u16::from_be_bytes([buf[2], buf[3]]));
        match (theirs.icmp_type(), ours) {
            (Icmpv4Type::EchoRequest(h), Message::EchoRequest(e))
            | (Icmpv4Type::EchoReply(h), Message::EchoReply(e)) => {
                prop_assert_eq!((h.id, h.seq), (e.ident, e.seq));
                prop_assert_eq!(theirs.payload(), e.data);
            }
            (Icmpv4Type::DestinationUnreachable(h), Message::DestinationUnreachable { code, next_hop_mtu, error }) => {
                prop_assert_eq!(h.code_u8(), code.0);
                if code == UnreachableCode::FRAGMENTATION_NEEDED {
                    prop_assert_eq!(h, etherparse::icmpv4::DestUnreachableHeader::FragmentationNeeded { next_hop_mtu });
                }
                prop_assert_eq!(theirs.payload(), error.as_bytes());
            }
            (Icmpv4Type::Redirect(h), Message::Redirect { code, gateway, quote }) => {
                prop_assert_eq!(h.code.code_u8(), code.0);
                prop_assert_eq!(h.gateway_internet_address, gateway.octets());
                prop_assert_eq!(theirs.payload(), quote.as_bytes());
            }
            (Icmpv4Type::TimeExceeded(t), Message::TimeExceeded { code, error }) => {
                prop_assert_eq!(t.code_u8(), code.0);
                prop_assert_eq!(theirs.payload(), error.as_bytes());
            }
            (Icmpv4Type::ParameterProblem(h), Message::ParameterProblem { code, pointer, error }) => {
                let expected = etherparse::icmpv4::ParameterProblemHeader::from_values(code.0, pointer);
                prop_assert_eq!(Some(h), expected);
                prop_assert_eq!(theirs.payload(), error.as_bytes());
            }
            (Icmpv4Type::TimestampRequest(t), Message::TimestampRequest(o))
            | (Icmpv4Type::TimestampReply(t), Message::TimestampReply(o)) => {
                prop_assert_eq!(
                    (t.id, t.seq, t.originate_timestamp, t.receive_timestamp, t.transmit_timestamp),
                    (o.ident, o.seq, o.originate, o.receive, o.transmit)
                );
            }
            (Icmpv4Type::Unknown { type_u8, code_u8, bytes5to8 }, m) => {
                // etherparse leaves codes it does not name, and the types
                // after RFC 792, as unknown: the raw fields still agree.
                prop_assert_eq!(type_u8, m.icmp_type().0);
                prop_assert_eq!(code_u8, buf[1]);
                prop_assert_eq!(bytes5to8, [buf[4], buf[5], buf[6], buf[7]]);
            }
            (t, m) => prop_assert!(false, "disagree: {:?} / {:?}", t, m),
        }
    }
}
