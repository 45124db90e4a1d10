//! The `icmp` and `roundtrip_icmp` targets.

use std::net::Ipv4Addr;

use arbitrary::{Arbitrary, Unstructured};
use ipv4_core::checksum::Policy;
use ipv4_core::icmp::{
    ExtendedEchoCode, ExtendedEchoReply, ExtensionMode, Extensions, IcmpRepr, IcmpType, IcmpView,
    Message, NeighborState, ParameterProblemCode, RedirectCode, TimeExceededCode, Timestamp,
    UnreachableCode,
};

use super::{debug, show};

/// Walks an extension structure: every step takes at least 4 bytes, an
/// error ends the walk, every object decodes or fails with a typed error.
fn visit_extensions(ext: &Extensions<'_>) {
    let len = ext.as_bytes().len();
    assert_eq!(ext.version(), 2);
    let mut count = 0;
    let mut errors = 0;
    for object in ext.objects() {
        count += 1;
        assert!(count <= len / 4 + 1, "the object walk does not end");
        match object.and_then(|o| {
            assert!(o.offset >= ext.offset() + 4);
            o.decode()
        }) {
            Ok(decoded) => show(&decoded),
            Err(e) => {
                show(&e);
                errors += 1;
            }
        }
    }
    assert!(errors <= count);
}

/// Touches every accessor of a checked view.
fn visit(view: &IcmpView<&[u8]>, data: &[u8]) {
    assert_eq!(view.as_bytes(), data);
    assert_eq!(view.body().len(), data.len() - 8);
    let _ = (
        view.icmp_type(),
        view.code(),
        view.checksum(),
        view.rest_of_header(),
    );
    let message = view.message();
    assert_eq!(message.icmp_type(), view.icmp_type());
    show(&message);
    show(&message.display_from(Ipv4Addr::new(198, 51, 100, 1)));
    if let Some(code) = message.error_code() {
        show(&code);
    }
    if let Some(quote) = message.quote() {
        show(&quote);
        debug(&quote.flow());
        assert!(quote.payload().len() <= quote.as_bytes().len());
        if let Ok(header) = quote.header() {
            assert!(header.header_len() <= quote.as_bytes().len());
        }
    }
    let error = match message {
        Message::DestinationUnreachable { error, .. }
        | Message::TimeExceeded { error, .. }
        | Message::ParameterProblem { error, .. }
        | Message::SourceQuench(error) => Some(error),
        _ => None,
    };
    if let Some(error) = error {
        for mode in [ExtensionMode::Compliant, ExtensionMode::AllowNonCompliant] {
            for check in [Policy::Enforce, Policy::Trust] {
                let (quote, ext) = error.split_with(mode, check);
                assert!(quote.as_bytes().len() <= error.as_bytes().len());
                match ext {
                    Some(Ok(ext)) => {
                        assert_eq!(
                            quote.as_bytes().len() + ext.as_bytes().len(),
                            error.as_bytes().len()
                        );
                        visit_extensions(&ext);
                    }
                    Some(Err(e)) => show(&e),
                    None => {}
                }
            }
        }
    }
    if let Message::ExtendedEchoRequest(r) = message
        && let Some(Ok(ext)) = r.extensions()
    {
        visit_extensions(&ext);
    }
}

/// Fuzz target `icmp`: the checked view (verified and not), the
/// classification, the quoted datagram and its flow, the RFC 4884 split in
/// both modes, the object walk and every typed object, and `Display`.
pub fn icmp(data: &[u8]) {
    let verified = IcmpView::new_checked_with(data, Policy::Enforce);
    let skipped = IcmpView::new_checked_with(data, Policy::Trust);
    match (&verified, &skipped) {
        (Ok(_), Err(e)) => panic!("verified but not skipped: {e}"),
        (Err(e), _) => show(e),
        _ => {}
    }
    if let Ok(view) = skipped {
        visit(&view, data);
        assert_eq!(view.verify_checksum(), verified.is_ok());
    }
    // Extensions parsed directly from anywhere.
    if let Ok(ext) = Extensions::parse_with(data, 0, Policy::Trust) {
        visit_extensions(&ext);
    }
    let unchecked = IcmpView::new_unchecked(data);
    show(&unchecked.message());
}

/// One message built from fuzz input.
#[derive(Debug, Arbitrary)]
struct Build<'a> {
    kind: u8,
    a: u16,
    b: u16,
    code: u8,
    flags: u8,
    times: [u32; 3],
    data: &'a [u8],
    extension: Option<&'a [u8]>,
}

impl<'a> Build<'a> {
    fn repr(&self) -> IcmpRepr<'a> {
        let (data, extension) = (self.data, self.extension);
        let ts = Timestamp {
            ident: self.a,
            seq: self.b,
            originate: self.times[0],
            receive: self.times[1],
            transmit: self.times[2],
        };
        match self.kind % 12 {
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
                gateway: Ipv4Addr::from(self.times[0]),
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
                state: NeighborState(self.b as u8),
                active: self.b & 0x100 != 0,
                ipv4: self.b & 0x200 != 0,
                ipv6: self.b & 0x400 != 0,
                body: data,
            }),
            _ => IcmpRepr::Other {
                icmp_type: IcmpType(self.code),
                code: self.flags,
                rest_of_header: self.times[0].to_be_bytes(),
                body: data,
            },
        }
    }
}

/// Builds a message from structured input, then parses it back.
fn build_then_parse(data: &[u8]) {
    let Ok(build) = Build::arbitrary(&mut Unstructured::new(data)) else {
        return;
    };
    let repr = build.repr();
    let len = repr.buffer_len();
    let mut buf = vec![0u8; len];
    if len > 0 {
        assert!(repr.emit(&mut buf[..len - 1]).is_err());
    }
    let Ok(n) = repr.emit(&mut buf) else {
        // Only an out-of-range field or an over-long quote refuses.
        return;
    };
    assert_eq!(n, len);
    // `Other` writes any type raw, so it can make what does not parse: a
    // 13 shorter than a timestamp, an 11 whose RFC 4884 length field (byte
    // 5) declares more words than follow. Every other kind parses back.
    let raw = matches!(repr, IcmpRepr::Other { .. });
    let view = match IcmpView::new_checked(&buf[..]) {
        Ok(view) => view,
        Err(e) => return assert!(raw, "{e}: {repr:?}"),
    };
    visit(&view, &buf);
    let parsed = match IcmpRepr::parse(&buf) {
        Ok(parsed) => parsed,
        Err(e) => return assert!(raw, "{e}: {repr:?}"),
    };
    let mut again = vec![0u8; parsed.buffer_len()];
    parsed.emit(&mut again).expect("a parsed message emits");
    assert_eq!(IcmpRepr::parse(&again), Ok(parsed));
    // Canonical inputs come back unchanged (an error's quote comes back
    // padded, and `Other` types that classify otherwise change kind).
    let canonical = match repr {
        IcmpRepr::DestinationUnreachable {
            quote,
            extension: Some(_),
            ..
        }
        | IcmpRepr::TimeExceeded {
            quote,
            extension: Some(_),
            ..
        }
        | IcmpRepr::ParameterProblem {
            quote,
            extension: Some(_),
            ..
        } => quote.len() >= 128 && quote.len().is_multiple_of(4),
        IcmpRepr::Other { .. } => false,
        _ => true,
    };
    if canonical {
        assert_eq!(parsed, repr);
        assert_eq!(again, buf);
    }
}

/// Fuzz target `roundtrip_icmp`: parse → emit → parse of arbitrary
/// messages (checksum skipped on the way in, verified on the way back),
/// and build → parse of messages built from structured input.
pub fn roundtrip_icmp(data: &[u8]) {
    build_then_parse(data);
    let Ok(first) = IcmpRepr::parse_with(data, Policy::Trust) else {
        return;
    };
    let mut buf = vec![0u8; first.buffer_len()];
    let n = first.emit(&mut buf).expect("a parsed message emits");
    assert_eq!(n, buf.len());
    let second = IcmpRepr::parse(&buf).expect("an emitted message parses");
    assert_eq!(second, first);
}
