//! Unit tests of the ICMP codec against independent bytes: messages the
//! Linux kernel built (testdata.rs), messages laid out by hand from the
//! RFC figures with checksums computed outside this crate, and etherparse.

extern crate std;

use core::net::Ipv4Addr;
use std::string::ToString;
use std::vec;
use std::vec::Vec;

use super::testdata::*;
use super::*;
use crate::checksum::Policy;
use crate::error::{HeaderError, IcmpBuildError, IcmpError};
use crate::header::Protocol;

/// A UDP probe 198.51.100.2:40000 -> 203.0.113.2:33434, TTL 1, 28 bytes.
const PROBE: [u8; 28] = [
    0x45, 0, 0, 28, 0x12, 0x34, 0, 0, 1, 17, 0, 0, 198, 51, 100, 2, 203, 0, 113, 2, 0x9c, 0x40,
    0x82, 0x9a, 0, 8, 0, 0,
];

/// Time exceeded quoting PROBE padded to 128 bytes (length 32 words), with
/// an RFC 4950 MPLS object (label 299792, S, TTL 1) and an RFC 5837
/// interface information object (incoming; ifIndex 7, 198.51.100.1,
/// "eth0", MTU 1500), laid out by hand from RFC 4884 §7, RFC 4950 §7 and
/// RFC 5837 §4; both checksums computed by an independent script.
fn multipart() -> Vec<u8> {
    let mut m = vec![11, 0, 0x17, 0x62, 0, 32, 0, 0];
    m.extend_from_slice(&PROBE);
    m.resize(8 + 128, 0);
    m.extend_from_slice(&[0x20, 0, 0xb5, 0xb2]);
    m.extend_from_slice(&[0, 8, 1, 1, 0x49, 0x31, 0x01, 0x01]);
    m.extend_from_slice(&[
        0, 28, 2, 0x0f, 0, 0, 0, 7, 0, 1, 0, 0, 198, 51, 100, 1, 8, b'e', b't', b'h', b'0', 0, 0,
        0, 0, 0, 0x05, 0xdc,
    ]);
    m
}

fn message(bytes: &[u8]) -> Message<'_> {
    IcmpView::new_checked(bytes).unwrap().into_message()
}

fn round_trips(bytes: &[u8]) {
    let repr = IcmpRepr::parse(bytes).unwrap();
    let mut out = vec![0u8; repr.buffer_len()];
    assert_eq!(repr.emit(&mut out), Ok(bytes.len()));
    assert_eq!(out, bytes);
}

#[test]
fn kernel_port_unreachable() {
    let m = message(PORT_UNREACHABLE);
    let Message::DestinationUnreachable {
        code,
        next_hop_mtu,
        error,
    } = m
    else {
        panic!("{m:?}")
    };
    assert_eq!((code, next_hop_mtu), (UnreachableCode::PORT, 0));
    assert_eq!(error.length_words(), Some(0));
    assert!(error.extensions().is_none());
    let flow = error.quote().flow().unwrap();
    assert_eq!(flow.protocol, Protocol::UDP);
    assert_eq!(flow.source, Ipv4Addr::new(198, 51, 100, 2));
    assert_eq!(flow.destination, Ipv4Addr::new(203, 0, 113, 2));
    assert_eq!(
        flow.transport,
        Transport::Ports {
            source: 40000,
            destination: 33434
        }
    );
    assert_eq!(
        m.to_string(),
        "ICMP port unreachable, quoting UDP 203.0.113.2:33434"
    );
    round_trips(PORT_UNREACHABLE);
}

#[test]
fn kernel_time_exceeded() {
    let m = message(TIME_EXCEEDED);
    let Message::TimeExceeded { code, error } = m else {
        panic!("{m:?}")
    };
    assert_eq!(code, TimeExceededCode::TTL);
    let header = error.quote().header().unwrap();
    assert_eq!(header.ttl(), 1);
    assert_eq!(
        m.display_from(Ipv4Addr::new(198, 51, 100, 1)).to_string(),
        "ICMP time exceeded in transit from 198.51.100.1, quoting UDP 203.0.113.2:33434"
    );
    round_trips(TIME_EXCEEDED);
}

#[test]
fn kernel_fragmentation_needed() {
    // RFC 1812 §4.3.2.3: as much of the datagram as fits in 576 bytes.
    assert_eq!(FRAGMENTATION_NEEDED.len(), 576 - 20);
    let m = message(FRAGMENTATION_NEEDED);
    let Message::DestinationUnreachable {
        code,
        next_hop_mtu,
        error,
    } = m
    else {
        panic!("{m:?}")
    };
    assert_eq!(code, UnreachableCode::FRAGMENTATION_NEEDED);
    assert_eq!(next_hop_mtu, 1280);
    let header = error.quote().header().unwrap();
    assert_eq!(header.total_len(), 20 + 8 + 1400);
    assert!(header.is_truncated() && header.dont_fragment());
    assert_eq!(error.quote().payload().len(), 556 - 8 - 20);
    round_trips(FRAGMENTATION_NEEDED);
}

#[test]
fn kernel_echo_reply() {
    let Message::EchoReply(echo) = message(ECHO_REPLY) else {
        panic!()
    };
    assert_eq!((echo.ident, echo.seq), (0x4a4b, 7));
    assert_eq!(echo.data, (0..56).collect::<Vec<u8>>());
    round_trips(ECHO_REPLY);
}

#[test]
fn kernel_extended_echo_replies() {
    for bytes in [
        EXTENDED_ECHO_REPLY_BY_NAME,
        EXTENDED_ECHO_REPLY_BY_INDEX,
        EXTENDED_ECHO_REPLY_BY_ADDRESS,
    ] {
        let Message::ExtendedEchoReply(r) = message(bytes) else {
            panic!()
        };
        assert_eq!(r.code, ExtendedEchoCode::NO_ERROR);
        assert_eq!(r.state, NeighborState::RESERVED);
        assert!(r.active && r.ipv4);
        round_trips(bytes);
    }
    let m = message(EXTENDED_ECHO_REPLY_NO_SUCH_INTERFACE);
    let Message::ExtendedEchoReply(r) = m else {
        panic!()
    };
    assert_eq!(r.code, ExtendedEchoCode::NO_SUCH_INTERFACE);
    assert!(!r.active && !r.ipv4 && !r.ipv6);
    // Linux echoes the request's extension structure: decode it as one.
    let ext = Extensions::parse(r.body, 8).unwrap();
    let object = ext.objects().next().unwrap().unwrap();
    assert_eq!(
        object.decode(),
        Ok(Object::InterfaceId(InterfaceId::Name(b"nope")))
    );
    assert_eq!(
        m.to_string(),
        "ICMP extended echo reply id 19019 seq 4: no such interface"
    );
}

#[test]
fn rfc4884_multipart_with_mpls_and_interface_information() {
    let bytes = multipart();
    let m = message(&bytes);
    let Message::TimeExceeded { error, .. } = m else {
        panic!()
    };
    assert_eq!(error.length_words(), Some(32));
    assert_eq!(&error.quote().as_bytes()[..28], &PROBE);
    assert_eq!(error.quote().as_bytes().len(), 128);
    let ext = error.extensions().unwrap().unwrap();
    assert_eq!(
        (ext.offset(), ext.version(), ext.checksum()),
        (136, 2, 0xb5b2)
    );
    let objects: Vec<_> = ext.objects().map(|o| o.unwrap()).collect();
    assert_eq!(objects.len(), 2);
    assert_eq!((objects[0].offset, objects[1].offset), (140, 148));
    let Object::Mpls(stack) = objects[0].decode().unwrap() else {
        panic!()
    };
    assert_eq!(
        stack.entries().collect::<Vec<_>>(),
        [MplsEntry {
            label: 299_792,
            tc: 0,
            bottom: true,
            ttl: 1
        }]
    );
    let Object::InterfaceInfo(info) = objects[1].decode().unwrap() else {
        panic!()
    };
    assert_eq!(info.role, InterfaceRole::Incoming);
    assert_eq!(info.if_index, Some(7));
    assert_eq!(
        info.address.and_then(|a| a.ipv4()),
        Some(Ipv4Addr::new(198, 51, 100, 1))
    );
    assert_eq!(info.name_str(), Some("eth0"));
    assert_eq!(info.mtu, Some(1500));
    assert_eq!(
        m.display_from(Ipv4Addr::new(198, 51, 100, 1)).to_string(),
        "ICMP time exceeded in transit from 198.51.100.1, quoting UDP 203.0.113.2:33434, \
         MPLS [label 299792 TC 0 S TTL 1], incoming interface 7 198.51.100.1 \"eth0\" MTU 1500"
    );
    round_trips(&bytes);
}

#[test]
fn rfc4884_non_compliant_extensions_only_when_asked() {
    // The same message from a sender that does not set the length field
    // (RFC 4884 §5): the quote is exactly 128 bytes.
    let mut bytes = multipart();
    bytes[5] = 0;
    bytes[2..4].copy_from_slice(&[0, 0]);
    let sum = crate::checksum::checksum(&bytes);
    bytes[2..4].copy_from_slice(&sum.to_be_bytes());
    let Message::TimeExceeded { error, .. } = message(&bytes) else {
        panic!()
    };
    assert!(error.extensions().is_none());
    assert_eq!(error.quote().as_bytes().len(), bytes.len() - 8);
    let (quote, ext) = error.split(ExtensionMode::AllowNonCompliant);
    assert_eq!(quote.as_bytes().len(), 128);
    assert_eq!(ext.unwrap().unwrap().objects().count(), 2);
    // A body that merely runs past 128 bytes is all quote.
    let mut plain = vec![11, 0, 0, 0, 0, 0, 0, 0];
    plain.extend_from_slice(&PROBE);
    plain.resize(8 + 200, 0x20);
    let sum = crate::checksum::checksum(&plain);
    plain[2..4].copy_from_slice(&sum.to_be_bytes());
    let Message::TimeExceeded { error, .. } = message(&plain) else {
        panic!()
    };
    let (quote, ext) = error.split(ExtensionMode::AllowNonCompliant);
    assert_eq!((quote.as_bytes().len(), ext), (200, None));
}

#[test]
fn extension_errors_carry_offsets() {
    let base = multipart();
    let fix = |mut b: Vec<u8>| {
        b[2..4].copy_from_slice(&[0, 0]);
        let sum = crate::checksum::checksum(&b);
        b[2..4].copy_from_slice(&sum.to_be_bytes());
        b
    };
    fn ext_of(b: &[u8]) -> Result<Extensions<'_>, IcmpError> {
        let Message::TimeExceeded { error, .. } = message(b) else {
            panic!()
        };
        error.extensions().unwrap()
    }
    // Bad extension checksum (a reserved bit flipped).
    let mut b = base.clone();
    b[137] ^= 1;
    let err = ext_of(&fix(b)).unwrap_err();
    assert!(
        matches!(err, IcmpError::ExtensionChecksum { offset: 136, found: 0xb5b2, expected } if expected != 0xb5b2),
        "{err:?}"
    );
    assert!(err.to_string().contains("offset 138"), "{err}");
    // Version 1.
    let mut b = base.clone();
    b[136] = 0x10;
    assert_eq!(
        ext_of(&fix(b)),
        Err(IcmpError::ExtensionVersion {
            offset: 136,
            found: 1
        })
    );
    // Length field past the end.
    let mut b = base.clone();
    b[5] = 255;
    assert_eq!(
        ext_of(&fix(b)),
        Err(IcmpError::LengthPastEnd {
            words: 255,
            required: 1020,
            found: base.len() - 8
        })
    );
    // Length field under 128 bytes with something after it.
    let mut b = base.clone();
    b[5] = 7;
    assert_eq!(ext_of(&fix(b)), Err(IcmpError::LengthTooSmall { words: 7 }));
    // Object walk: a zero length and a length past the end.
    let ext = |objects: &[u8]| {
        let mut s = vec![0x20, 0, 0, 0];
        s.extend_from_slice(objects);
        let sum = crate::checksum::checksum(&s);
        s[2..4].copy_from_slice(&sum.to_be_bytes());
        s
    };
    let s = ext(&[0, 0, 1, 1]);
    let walk: Vec<_> = Extensions::parse(&s, 100).unwrap().objects().collect();
    assert_eq!(
        walk,
        [Err(IcmpError::ObjectLengthTooSmall {
            offset: 104,
            found: 0
        })]
    );
    let s = ext(&[0, 8, 1, 1, 0, 0, 1, 1, 0, 12, 2, 0]);
    let walk: Vec<_> = Extensions::parse(&s, 0).unwrap().objects().collect();
    assert_eq!(walk.len(), 2);
    assert_eq!(
        walk[1],
        Err(IcmpError::ObjectPastEnd {
            offset: 12,
            length: 12,
            remaining: 4
        })
    );
    let s = ext(&[0, 4, 1]);
    let walk: Vec<_> = Extensions::parse(&s, 0).unwrap().objects().collect();
    assert_eq!(
        walk,
        [Err(IcmpError::ObjectHeaderPastEnd {
            offset: 4,
            remaining: 3
        })]
    );
    // A known class with a malformed payload.
    let s = ext(&[0, 7, 1, 1, 0, 0, 1]);
    let object = Extensions::parse(&s, 0)
        .unwrap()
        .objects()
        .next()
        .unwrap()
        .unwrap();
    let err = object.decode().unwrap_err();
    assert_eq!(
        err.to_string(),
        "the extension object at offset 4 (class 1, C-Type 1) is malformed: \
         a label stack entry is cut short"
    );
    // Unknown objects stay raw.
    let s = ext(&[0, 6, 200, 9, 0xaa, 0xbb]);
    let object = Extensions::parse(&s, 0)
        .unwrap()
        .objects()
        .next()
        .unwrap()
        .unwrap();
    assert_eq!(object.decode(), Ok(Object::Unknown(object)));
}

#[test]
fn hand_laid_messages_of_every_type() {
    // Checksums computed by an independent script.
    let ts = [
        14, 0, 0x67, 0x2b, 0x12, 0x34, 0, 1, 0, 0x5e, 0xd2, 0x80, 0, 0x5e, 0xd2, 0x81, 0, 0x5e,
        0xd2, 0x82,
    ];
    assert_eq!(
        message(&ts),
        Message::TimestampReply(Timestamp {
            ident: 0x1234,
            seq: 1,
            originate: 0x5ed280,
            receive: 0x5ed281,
            transmit: 0x5ed282
        })
    );
    round_trips(&ts);
    let mut redirect = vec![5, 1, 0xf2, 0x4e, 198, 51, 100, 254];
    redirect.extend_from_slice(&PROBE);
    let m = message(&redirect);
    assert_eq!(
        m.to_string(),
        "ICMP redirect for host to 198.51.100.254, quoting UDP 203.0.113.2:33434"
    );
    round_trips(&redirect);
    let mut pp = vec![12, 0, 0x02, 0x82, 20, 0, 0, 0];
    pp.extend_from_slice(&PROBE);
    let m = message(&pp);
    assert!(matches!(
        m,
        Message::ParameterProblem {
            code: ParameterProblemCode::POINTER,
            pointer: 20,
            ..
        }
    ));
    assert_eq!(
        m.to_string(),
        "ICMP parameter problem: pointer indicates the error at byte 20, quoting UDP 203.0.113.2:33434"
    );
    round_trips(&pp);
    let mut sq = vec![4, 0, 0x1e, 0x82, 0, 0, 0, 0];
    sq.extend_from_slice(&PROBE);
    assert!(matches!(message(&sq), Message::SourceQuench(_)));
    assert_eq!(message(&sq).error_code(), Some(ErrorCode::SourceQuench));
    round_trips(&sq);
    // Router solicitation: "other", raw.
    let rs = [10, 0, 0xf5, 0xff, 0, 0, 0, 0];
    assert_eq!(
        message(&rs),
        Message::Other {
            icmp_type: IcmpType::ROUTER_SOLICITATION,
            code: 0,
            rest_of_header: [0; 4],
            body: &[]
        }
    );
    round_trips(&rs);
}

#[test]
fn extended_echo_request_builds_what_linux_answers() {
    // The request behind EXTENDED_ECHO_REPLY_BY_ADDRESS: the reply echoes
    // our extension structure, so its body is our emitted one.
    let mut object = [0u8; 12];
    ObjectRepr {
        class: class::INTERFACE_IDENTIFICATION,
        c_type: 3,
        payload: &[0, 1, 4, 0, 203, 0, 113, 2],
    }
    .emit(&mut object)
    .unwrap();
    let repr = IcmpRepr::ExtendedEchoRequest {
        ident: 0x4a4b,
        seq: 3,
        local: true,
        extension: Some(&object),
    };
    let mut buf = [0u8; 24];
    assert_eq!(repr.emit(&mut buf), Ok(24));
    assert_eq!(&buf[8..], &EXTENDED_ECHO_REPLY_BY_ADDRESS[8..]);
    assert_eq!(&buf[4..7], &EXTENDED_ECHO_REPLY_BY_ADDRESS[4..7]);
    assert_eq!(buf[7], 1); // L bit
    let m = message(&buf);
    assert_eq!(
        m.to_string(),
        "ICMP extended echo request id 19019 seq 3 (local), probing interface 203.0.113.2"
    );
    round_trips(&buf);
}

#[test]
fn checked_construction_errors() {
    assert_eq!(
        IcmpView::new_checked(&[8u8, 0, 0][..]),
        Err(IcmpError::Truncated {
            what: "ICMP header",
            required: 8,
            found: 3
        })
    );
    let mut bad = PORT_UNREACHABLE.to_vec();
    bad[2] ^= 0xff;
    let err = IcmpView::new_checked(&bad[..]).unwrap_err();
    assert!(matches!(err, IcmpError::Checksum { .. }));
    assert!(err.to_string().starts_with("the ICMP checksum is "));
    assert!(IcmpView::new_checked_with(&bad[..], Policy::Trust).is_ok());
    // The quoted header's own errors are the header module's.
    let q = Quote::new(&PROBE[..10]);
    assert_eq!(
        q.header(),
        Err(HeaderError::Truncated {
            required: 20,
            found: 10
        })
    );
    assert_eq!(q.flow(), None);
    assert_eq!(q.to_string(), "10 bytes of an unreadable datagram");
    // Quoted without ports: a later fragment.
    let mut frag = PROBE;
    frag[7] = 1;
    assert_eq!(
        Quote::new(&frag).flow().unwrap().transport,
        Transport::None(Protocol::UDP)
    );
}

#[test]
fn quoted_echo_flow() {
    let mut quote = vec![
        0x45, 0, 0, 84, 0, 1, 0x40, 0, 1, 1, 0, 0, 198, 51, 100, 2, 203, 0, 113, 2,
    ];
    quote.extend_from_slice(&[8, 0, 0, 0, 0x4a, 0x4b, 0, 9]);
    let q = Quote::new(&quote);
    assert_eq!(
        q.flow().unwrap().transport,
        Transport::Echo {
            icmp_type: IcmpType::ECHO,
            ident: 0x4a4b,
            seq: 9
        }
    );
    assert_eq!(q.to_string(), "ICMP echo 203.0.113.2 id 19019 seq 9");
}

#[test]
fn build_errors() {
    let big = [0u8; 1021];
    let repr = IcmpRepr::TimeExceeded {
        code: TimeExceededCode::TTL,
        quote: &big,
        extension: Some(&[]),
    };
    let mut buf = vec![0u8; repr.buffer_len()];
    assert_eq!(
        repr.emit(&mut buf),
        Err(IcmpBuildError::QuoteTooLong { len: 1021 })
    );
    let small = IcmpRepr::EchoRequest {
        ident: 1,
        seq: 1,
        data: &[1, 2, 3],
    };
    let err = small.emit(&mut [0u8; 10]).unwrap_err();
    assert_eq!(
        err.to_string(),
        "the buffer for the ICMP message is 10 bytes long but 11 bytes are required"
    );
    assert!(
        MplsEntry {
            label: 1 << 20,
            tc: 0,
            bottom: false,
            ttl: 0
        }
        .to_bytes()
        .is_err()
    );
}

#[test]
fn error_codes_from_the_error_queue() {
    for t in 0..=255u8 {
        for c in [0u8, 1, 4, 13, 200] {
            let code = ErrorCode::from_type_code(t, c);
            if t != 4 {
                assert_eq!(code.type_code(), (t, c));
            }
            assert!(!code.to_string().is_empty());
        }
    }
    assert_eq!(
        ErrorCode::from_type_code(3, 3).to_string(),
        "port unreachable"
    );
}

/// etherparse's decoder agrees field by field on the kernel's messages.
#[test]
fn etherparse_agrees_on_kernel_messages() {
    use etherparse::{Icmpv4Slice, Icmpv4Type, icmpv4};
    for bytes in [
        PORT_UNREACHABLE,
        TIME_EXCEEDED,
        FRAGMENTATION_NEEDED,
        ECHO_REPLY,
        EXTENDED_ECHO_REPLY_BY_NAME,
    ] {
        let theirs = Icmpv4Slice::from_slice(bytes).unwrap();
        let ours = message(bytes);
        assert_eq!(theirs.type_u8(), ours.icmp_type().0);
        match (theirs.icmp_type(), ours) {
            (Icmpv4Type::EchoReply(h), Message::EchoReply(e)) => {
                assert_eq!((h.id, h.seq), (e.ident, e.seq));
                assert_eq!(theirs.payload(), e.data);
            }
            (
                Icmpv4Type::DestinationUnreachable(h),
                Message::DestinationUnreachable {
                    code,
                    next_hop_mtu,
                    error,
                },
            ) => {
                assert_eq!(h.code_u8(), code.0);
                if let icmpv4::DestUnreachableHeader::FragmentationNeeded { next_hop_mtu: m } = h {
                    assert_eq!(m, next_hop_mtu);
                }
                assert_eq!(theirs.payload(), error.as_bytes());
            }
            (Icmpv4Type::TimeExceeded(c), Message::TimeExceeded { code, error }) => {
                assert_eq!(c.code_u8(), code.0);
                assert_eq!(theirs.payload(), error.as_bytes());
            }
            (
                Icmpv4Type::Unknown {
                    type_u8,
                    code_u8,
                    bytes5to8,
                },
                m,
            ) => {
                assert_eq!(type_u8, m.icmp_type().0);
                assert_eq!(code_u8, bytes[1]);
                assert_eq!(bytes5to8, [bytes[4], bytes[5], bytes[6], bytes[7]]);
            }
            (t, m) => panic!("disagree: {t:?} / {m:?}"),
        }
    }
}

/// fuzz/regressions/roundtrip_icmp/crash-055bdfb3…: a type-11 message whose
/// byte 5 (the RFC 4884 length) declares more words than follow. The view
/// and the quote take it (a pre-RFC 4884 sender may leave junk there); the
/// repr, which must emit the same bytes back, refuses it with a typed error.
#[test]
fn length_field_past_the_end_is_viewed_but_not_a_repr() {
    let mut bytes = vec![11, 0, 0, 0, 0, 175, 0, 0, 0x45];
    let sum = crate::checksum::checksum(&bytes);
    bytes[2..4].copy_from_slice(&sum.to_be_bytes());
    let Message::TimeExceeded { error, .. } = message(&bytes) else {
        panic!()
    };
    assert_eq!(error.quote().as_bytes(), &[0x45]);
    assert_eq!(
        IcmpRepr::parse(&bytes),
        Err(IcmpError::LengthPastEnd {
            words: 175,
            required: 700,
            found: 1
        })
    );
}
