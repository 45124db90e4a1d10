//! The `cmsg` target.

use std::net::Ipv4Addr;

use arbitrary::{Arbitrary, Unstructured};
use ipv4_std::ControlMessage;
use ipv4_std::cmsg::{self, DecodeError, Messages};

use super::show;

/// A control message to encode, as the fuzzer describes it.
#[derive(Debug, Arbitrary)]
struct Spec {
    ttl: Option<u8>,
    src: Option<[u8; 4]>,
    dst: Option<[u8; 4]>,
    if_index: Option<u32>,
    tos: Option<u8>,
    options: Option<Vec<u8>>,
}

/// The control-message decoder on arbitrary bytes (as `recvmsg` could hand
/// them over), and encode → decode of an arbitrary control message.
pub fn cmsg(data: &[u8]) {
    // The raw walk: bounded, in order, inside the buffer, one error at most
    // and last.
    let mut walk_error = None;
    let mut last_end = 0;
    let mut count = 0;
    for message in Messages::new(data) {
        assert!(walk_error.is_none(), "the walk went on after an error");
        count += 1;
        assert!(count <= data.len() / 12 + 1, "the walk does not end");
        match message {
            Ok(m) => {
                assert!(m.offset >= last_end);
                let end = m.offset + (data.len() - m.offset).min(m.data.len() + 16);
                assert!(end <= data.len());
                let data_start = m.data.as_ptr() as usize - data.as_ptr() as usize;
                assert!(data_start >= m.offset && data_start + m.data.len() <= data.len());
                last_end = data_start + m.data.len();
            }
            Err(e) => {
                show(&e);
                walk_error = Some(e);
            }
        }
    }

    for control_truncated in [false, true] {
        let decoded = cmsg::decode(data, control_truncated);
        assert_eq!(
            decoded.control.src, None,
            "the source never comes from control messages"
        );
        show(&decoded.control);
        match (decoded.error, walk_error) {
            (Some(e), walk) => {
                show(&e);
                let _ = std::io::Error::from(e);
                // The decoder reports the first problem, which may be a
                // message before the walk's error.
                if let Some(w) = walk {
                    assert!(offset(e) <= offset(w));
                }
            }
            // A framing error is always reported, with or without MSG_CTRUNC.
            (None, Some(w)) => panic!("the walk failed ({w}) but decode reported nothing"),
            (None, None) => {}
        }
    }

    // encode → decode.
    let Ok(spec) = Spec::arbitrary(&mut Unstructured::new(data)) else {
        return;
    };
    let sent = ControlMessage {
        ttl: spec.ttl,
        src: spec.src.map(Ipv4Addr::from),
        dst: spec.dst.map(Ipv4Addr::from),
        if_index: spec.if_index,
        tos: spec.tos,
        // Areas the core refuses (too long, unframed) cannot be sent.
        options: spec
            .options
            .and_then(|b| ipv4_std::ipv4_core::options::OptionsArea::parse(&b).ok()),
        ..ControlMessage::default()
    };
    let len = cmsg::encoded_len(&sent);
    let mut buf = vec![0xa5u8; len + 8];
    if let Some(index) = sent.if_index.filter(|&i| i > i32::MAX as u32) {
        // An index the kernel cannot take (its C int would read it as
        // negative) is refused, and nothing is written.
        assert_eq!(
            cmsg::encode(&sent, &mut buf),
            Err(cmsg::EncodeError::InterfaceIndex { index })
        );
        assert!(buf.iter().all(|&b| b == 0xa5));
        return;
    }
    if len > 0 {
        assert!(matches!(
            cmsg::encode(&sent, &mut buf[..len - 1]),
            Err(cmsg::EncodeError::BufferTooSmall(_))
        ));
    }
    assert_eq!(cmsg::encode(&sent, &mut buf), Ok(len));
    let pktinfo = sent.src.is_some() || sent.if_index.is_some();
    let decoded = cmsg::decode(&buf[..len], false);
    match decoded.error {
        None => {
            let got = decoded.control;
            assert_eq!(got.ttl, sent.ttl);
            assert_eq!(got.tos, sent.tos);
            // Sent as IP_RETOPTS, which on receive is the reply's options.
            assert_eq!(got.return_options, sent.options);
            assert_eq!((got.options, got.checksum), (None, None));
            assert_eq!(got.src, None);
            // Index 0 names no interface: sent as 0, read back as none.
            assert_eq!(got.if_index, sent.if_index.filter(|&i| i != 0));
            if pktinfo {
                // ipi_addr is not sent; the decoder reads it as 0.0.0.0.
                assert_eq!(got.dst, Some(Ipv4Addr::UNSPECIFIED));
            } else {
                assert_eq!(got.dst, None);
            }
        }
        Some(e) => panic!("encoded control messages do not decode: {e}"),
    }
}

/// The offset of the message an error is about.
fn offset(e: DecodeError) -> usize {
    match e {
        DecodeError::HeaderLength { offset, .. }
        | DecodeError::Truncated { offset, .. }
        | DecodeError::DataLength { offset, .. }
        | DecodeError::Options { offset, .. }
        | DecodeError::Value { offset, .. } => offset,
        _ => usize::MAX,
    }
}
