//! Property tests of ipv4-std's control-message codec (`ipv4_std::cmsg`),
//! over its public API and the platform's own `struct cmsghdr`.
//!
//! They live here, not beside the codec, so that ipv4-std's examples (the
//! README's demo among them), which build every dev-dependency of ipv4-std,
//! do not build proptest. The codec's unit tests stay in `cmsg.rs`. CI also
//! runs this file under Miri for big-endian s390x.

use std::mem::{offset_of, size_of};
use std::net::Ipv4Addr;

use ipv4_std::ControlMessage;
use ipv4_std::cmsg::{self, ControlBuffer, EncodeError, Messages};
use ipv4_std::ipv4_core::options::{OptionsArea, OptionsBuilder};
use proptest::prelude::*;

/// `sizeof(struct cmsghdr)`.
const HEADER_LEN: usize = size_of::<libc::cmsghdr>();

/// `CMSG_ALIGN`: to the size of a `size_t` on Linux.
const fn align(len: usize) -> usize {
    (len + size_of::<usize>() - 1) & !(size_of::<usize>() - 1)
}

/// `CMSG_LEN(data_len)`.
const fn cmsg_len(data_len: usize) -> usize {
    align(HEADER_LEN) + data_len
}

/// `CMSG_SPACE(data_len)`.
const fn cmsg_space(data_len: usize) -> usize {
    align(HEADER_LEN) + align(data_len)
}

/// A message header with `cmsg_len` `len`, laid out as the platform's
/// `struct cmsghdr`, padded to `CMSG_ALIGN`.
fn header(len: usize, level: i32, kind: i32) -> Vec<u8> {
    let mut h = vec![0u8; align(HEADER_LEN)];
    let at = offset_of!(libc::cmsghdr, cmsg_len);
    let field = size_of::<usize>();
    h[at..at + field].copy_from_slice(&len.to_ne_bytes());
    let at = offset_of!(libc::cmsghdr, cmsg_level);
    h[at..at + 4].copy_from_slice(&level.to_ne_bytes());
    let at = offset_of!(libc::cmsghdr, cmsg_type);
    h[at..at + 4].copy_from_slice(&kind.to_ne_bytes());
    h
}

/// Decodes `b`, failing the property if any message did not decode.
fn ok(b: &[u8]) -> Result<ControlMessage, TestCaseError> {
    let d = cmsg::decode(b, false);
    prop_assert_eq!(d.error, None, "{:02x?}", b);
    Ok(d.control)
}

fn any_message() -> impl Strategy<Value = ControlMessage> {
    (
        proptest::option::of(1u8..),
        any::<Option<u32>>(),
        proptest::option::of(1u32..=i32::MAX as u32),
        any::<Option<u8>>(),
        proptest::option::of(0usize..=9),
    )
        .prop_map(|(ttl, src, if_index, tos, slots)| ControlMessage {
            ttl,
            src: src.map(Ipv4Addr::from),
            dst: None,
            if_index,
            tos,
            // No options, or a Record Route of 1 to 9 slots (up to 40 bytes).
            options: slots.map(|slots| {
                let mut buf = [0u8; 40];
                let mut b = OptionsBuilder::new(&mut buf);
                if slots > 0 {
                    b.record_route(slots).unwrap();
                }
                OptionsArea::parse(b.finish().unwrap()).unwrap()
            }),
            ..ControlMessage::default()
        })
}

// The layout helpers above agree with the C library's macros.
#[test]
fn layout_helpers_match_the_c_library() {
    for n in [0u32, 1, 4, 12, 13] {
        // SAFETY: CMSG_SPACE and CMSG_LEN are arithmetic on their argument.
        let (space, len) = unsafe { (libc::CMSG_SPACE(n), libc::CMSG_LEN(n)) };
        assert_eq!(cmsg_space(n as usize), space as usize);
        assert_eq!(cmsg_len(n as usize), len as usize);
    }
    assert_eq!(size_of::<libc::size_t>(), size_of::<usize>());
}

proptest! {
    #[test]
    fn decode_never_panics(b in proptest::collection::vec(any::<u8>(), 0..200)) {
        let _ = cmsg::decode(&b, false);
        let _ = cmsg::decode(&b, true);
        let n = Messages::new(&b).count();
        prop_assert!(n <= b.len() / HEADER_LEN + 1);
    }

    // Well-formed messages with arbitrary payload bytes.
    #[test]
    fn decode_never_panics_on_framed_messages(
        parts in proptest::collection::vec((0i32..4, 0i32..30, proptest::collection::vec(any::<u8>(), 0..20)), 0..6)
    ) {
        let mut b = Vec::new();
        for (level, kind, data) in parts {
            let mut m = header(cmsg_len(data.len()), level, kind);
            m.extend_from_slice(&data);
            m.resize(cmsg_space(data.len()), 0);
            b.extend(m);
        }
        let _ = cmsg::decode(&b, false);
        let _ = cmsg::decode(&b, true);
        for m in Messages::new(&b) {
            prop_assert!(m.is_ok());
        }
    }

    // One rule for interface indexes over the whole u32 range: encode
    // takes exactly those the kernel can (0..=i32::MAX), and decode
    // reads back what encode wrote (0, "no interface", as none).
    #[test]
    fn encode_takes_exactly_the_indexes_decode_reads(index in any::<u32>(), low in 0u32..=1024) {
        for index in [index, low, index | 0x8000_0000, index & 0x7fff_ffff] {
            let cm = ControlMessage {
                if_index: Some(index),
                ..ControlMessage::default()
            };
            let mut buf = ControlBuffer::new();
            match cmsg::encode(&cm, buf.as_mut_bytes()) {
                Ok(n) => {
                    prop_assert!(index <= i32::MAX as u32);
                    let back = ok(&buf.as_bytes()[..n])?;
                    prop_assert_eq!(back.if_index, Some(index).filter(|&i| i != 0));
                }
                Err(e) => {
                    prop_assert!(index > i32::MAX as u32);
                    prop_assert_eq!(e, EncodeError::InterfaceIndex { index });
                }
            }
        }
    }

    // What we send decodes back to the same TTL and TOS, and the pktinfo
    // carries the index (the source travels in ipi_spec_dst, which the
    // receive side does not report).
    #[test]
    fn encode_then_decode(cm in any_message()) {
        let mut buf = ControlBuffer::new();
        let n = cmsg::encode(&cm, buf.as_mut_bytes()).unwrap();
        prop_assert_eq!(n, cmsg::encoded_len(&cm));
        prop_assert!(n <= cmsg::MAX_SPACE);
        let back = ok(&buf.as_bytes()[..n])?;
        prop_assert_eq!(back.ttl, cm.ttl);
        prop_assert_eq!(back.tos, cm.tos);
        prop_assert_eq!(back.if_index, cm.if_index);
        // Sent as IP_RETOPTS, which the receive side reads as the reply's.
        prop_assert_eq!(back.return_options, cm.options);
        for m in Messages::new(&buf.as_bytes()[..n]) {
            let m = m.unwrap();
            if m.kind == libc::IP_PKTINFO {
                prop_assert_eq!(&m.data[4..8], &cm.src.unwrap_or(Ipv4Addr::UNSPECIFIED).octets());
            }
        }
    }
}
