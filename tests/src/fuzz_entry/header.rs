//! The `header` and `roundtrip_header` targets.

use std::net::Ipv4Addr;

use arbitrary::{Arbitrary, Unstructured};
use ipv4_core::checksum::{self, Policy};
use ipv4_core::error::HeaderError;
use ipv4_core::header::{
    ByteOrder, Flags, Header, HeaderFields, HeaderView, MAX_LEN, MIN_LEN, Protocol, RawFormat,
};
use ipv4_core::options::Options;

use super::{debug, show};

/// Every raw-socket format, wire first.
const FORMATS: [RawFormat; 5] = [
    RawFormat::Wire,
    RawFormat::BsdHostOrder(ByteOrder::Big),
    RawFormat::BsdHostOrder(ByteOrder::Little),
    RawFormat::LengthExcludesHeader(ByteOrder::Big),
    RawFormat::LengthExcludesHeader(ByteOrder::Little),
];

/// Reads every accessor of a view; checks the lengths agree.
fn visit_view(view: &HeaderView<&[u8]>, data: &[u8]) {
    let header_len = view.header_len();
    assert_eq!(header_len, usize::from(view.ihl()) * 4);
    assert_eq!(view.header_bytes().len(), header_len.min(data.len()));
    let options_len = if header_len <= data.len() {
        header_len.saturating_sub(MIN_LEN)
    } else {
        0
    };
    assert_eq!(view.options().len(), options_len);
    assert!(view.payload().len() <= data.len().saturating_sub(header_len));
    assert_eq!(view.into_header_bytes(), view.header_bytes());
    assert_eq!(view.into_options(), view.options());
    assert_eq!(view.into_payload(), view.payload());
    assert!(view.into_options_iter().eq(view.options_iter()));
    assert_eq!(view.tos(), view.dscp() << 2 | view.ecn());
    assert_eq!(
        view.is_fragment(),
        view.more_fragments() || view.fragment_offset() != 0
    );
    let _ = (
        view.version(),
        view.total_len(),
        view.identification(),
        view.flags(),
        view.reserved_flag(),
        view.dont_fragment(),
        view.ttl(),
        view.protocol(),
        view.checksum(),
        view.source(),
        view.destination(),
        view.is_truncated(),
        view.verify_checksum(),
        view.compute_checksum(),
        view.prefix(),
        view.as_bytes(),
    );
    show(view);
    show(&view.protocol());
    debug(&view.flags());
    let owned = view.to_header();
    show(&owned);
    assert_eq!(owned.options().len() % 4, 0);
    for option in Options::lax(view.options()).with_base(MIN_LEN) {
        debug(&option);
    }
}

/// Runs the mutating accessors on a copy of `data`: the setters keep a
/// right checksum right (RFC 1624 incremental updates).
fn edit_view(data: &[u8]) {
    let mut buf = data.to_vec();
    let mut view = HeaderView::new_unchecked(&mut buf[..]);
    // Only a header of at least 20 bytes holds the fields the setters
    // change inside the bytes its checksum covers.
    let full = data.len() >= MIN_LEN && view.header_len() >= MIN_LEN;
    let was_right = full && view.verify_checksum();
    // A byte of the input picks the new values, so they vary per input.
    let seed = data.last().copied().unwrap_or(0);
    view.set_ttl(seed);
    let _ = view.decrement_ttl();
    view.set_tos(seed.rotate_left(3));
    view.set_dscp(seed >> 1);
    view.set_ecn(seed);
    view.set_identification(u16::from_be_bytes([seed, !seed]));
    view.set_source(Ipv4Addr::new(seed, 0, 2, 1));
    view.set_destination(Ipv4Addr::new(198, 51, seed, 7));
    if was_right {
        assert!(view.verify_checksum(), "a setter broke a right checksum");
    }
    let _ = (view.options_mut().len(), view.payload_mut().len());
    let _ = view.raw_mut();
    view.fill_checksum();
    if full {
        assert!(
            view.verify_checksum(),
            "fill_checksum left a wrong checksum"
        );
    }
}

/// Every view constructor and the owned parse on arbitrary bytes, with the
/// nesting of their rules (the table in `ipv4_core::header`'s docs).
pub fn header(data: &[u8]) {
    let checked = HeaderView::new_checked(data);
    let verified = HeaderView::new_checked_with(data, Policy::Enforce);
    let lax = HeaderView::new_lax(data);
    let owned = Header::parse(data);

    // Unchecked: any bytes, no accessor may panic.
    visit_view(&HeaderView::new_unchecked(data), data);
    edit_view(data);

    for result in [&checked, &verified, &lax] {
        match result {
            Ok(view) => visit_view(view, data),
            Err(e) => show(e),
        }
    }
    if let Err(e) = &owned {
        show(e);
    }

    // lax ⊇ owned ⊇ checked ⊇ verified, each step one rule.
    match &lax {
        Ok(view) => {
            assert!(view.header_len() <= data.len());
            let covers_header = usize::from(view.total_len()) >= view.header_len();
            assert_eq!(owned.is_ok(), covers_header, "{owned:?}");
        }
        Err(_) => assert!(owned.is_err()),
    }
    match &owned {
        Ok(h) => {
            let view = lax.as_ref().expect("owned parse implies lax");
            assert_eq!(*h, view.to_header());
            assert_eq!(h.header_len(), view.header_len());
            assert_eq!(h.options(), view.options());
            let fits = usize::from(h.total_len) <= data.len();
            assert_eq!(checked.is_ok(), fits, "{checked:?}");
        }
        Err(_) => assert!(checked.is_err()),
    }
    match &checked {
        Ok(view) => {
            assert!(!view.is_truncated());
            assert_eq!(
                view.header_len() + view.payload().len(),
                usize::from(view.total_len())
            );
            assert_eq!(verified.is_ok(), view.verify_checksum());
            if let Err(HeaderError::Checksum { expected, found }) = verified {
                assert_eq!(found, view.checksum());
                assert_eq!(expected, view.compute_checksum());
            }
        }
        Err(_) => assert!(verified.is_err()),
    }

    // Raw formats: the wire one is `parse`; the others never panic and
    // read every field but two the same way.
    for format in FORMATS {
        let raw = Header::parse_raw(data, format);
        match (&raw, &owned) {
            (Ok(r), _) if format == RawFormat::Wire => assert_eq!(Ok(*r), owned),
            (Ok(r), Ok(h)) => {
                assert_eq!(
                    (r.tos, r.ttl, r.protocol, r.source, r.destination),
                    (h.tos, h.ttl, h.protocol, h.source, h.destination)
                );
                assert_eq!(r.options(), h.options());
            }
            (Err(e), _) => show(e),
            _ => {}
        }
    }
}

/// parse → emit → parse, for every raw format: the second parse equals
/// the first, and emitting with the kept checksum gives back the
/// header's bytes. Then the other way round, from a header the same bytes
/// describe: emit → parse gives it back.
pub fn roundtrip_header(data: &[u8]) {
    emit_then_parse(data);
    for format in FORMATS {
        let Ok(first) = Header::parse_raw(data, format) else {
            continue;
        };
        let len = first.header_len();
        let mut buf = [0u8; MAX_LEN];
        // One byte short fails without writing; the exact size succeeds.
        assert!(
            first
                .emit_with(&mut buf[..len - 1], format, Policy::Trust)
                .is_err()
        );
        let n = first
            .emit_with(&mut buf, format, Policy::Trust)
            .expect("a parsed header emits");
        assert_eq!(n, len);
        assert_eq!(&buf[..n], &data[..n], "kept checksum: bytes come back");
        let second = Header::parse_raw(&buf[..n], format).expect("emitted header parses");
        assert_eq!(second, first);

        // With a computed checksum: right on the wire, equal but for it.
        let n = first
            .emit_with(&mut buf, format, Policy::Enforce)
            .expect("a parsed header emits");
        let third = Header::parse_raw(&buf[..n], format).expect("emitted header parses");
        let mut expected = first;
        expected.fill_checksum();
        assert_eq!(third, expected);
        if format == RawFormat::Wire {
            assert!(checksum::verify(&buf[..n]));
            let view = HeaderView::new_lax(&buf[..n]).expect("emitted header views");
            assert_eq!(view.to_header(), expected);
        }
    }
}

/// An owned header as the fuzzer describes it.
#[derive(Debug, Arbitrary)]
struct HeaderSpec {
    version: u8,
    tos: u8,
    payload_len: u16,
    identification: u16,
    flags: u8,
    fragment_offset: u16,
    ttl: u8,
    protocol: u8,
    source: [u8; 4],
    destination: [u8; 4],
    options: Vec<u8>,
    format: u8,
}

/// emit → parse: every header that emits parses back equal (with
/// the checksum it was emitted with); one that does not names the field
/// that does not fit.
fn emit_then_parse(data: &[u8]) {
    let Ok(spec) = HeaderSpec::arbitrary(&mut Unstructured::new(data)) else {
        return;
    };
    let mut h = Header::new(
        Ipv4Addr::from(spec.source),
        Ipv4Addr::from(spec.destination),
        Protocol(spec.protocol),
    )
    .with_ttl(spec.ttl)
    .with_tos(spec.tos)
    .with_identification(spec.identification)
    .with_flags(Flags::from_bits_retain(spec.flags))
    .with_fragment_offset(spec.fragment_offset);
    h.version = spec.version;
    match h.set_options(&spec.options) {
        Ok(()) => assert_eq!(h.options().len(), spec.options.len().next_multiple_of(4)),
        Err(e) => {
            assert!(spec.options.len() > 40, "{e}");
            assert!(
                h.options().is_empty(),
                "a failed set_options changed the options"
            );
        }
    }
    assert_eq!(h.header_len(), MIN_LEN + h.options().len());
    if h.set_payload_len(usize::from(spec.payload_len)).is_ok() {
        assert_eq!(h.payload_len(), usize::from(spec.payload_len));
    }
    let format = FORMATS[usize::from(spec.format) % FORMATS.len()];
    let mut buf = [0u8; MAX_LEN];
    match h.emit_with(&mut buf, format, Policy::Enforce) {
        Ok(n) => {
            assert_eq!(n, h.header_len());
            let parsed = Header::parse_raw(&buf[..n], format);
            if h.version == 4 {
                let mut expected = h;
                expected.fill_checksum();
                assert_eq!(parsed, Ok(expected));
            } else {
                assert!(parsed.is_err(), "version {} parsed", h.version);
            }
        }
        Err(e) => {
            show(&e);
            assert!(
                h.version > 15
                    || h.flags.bits() > 7
                    || h.fragment_offset > 0x1fff
                    || usize::from(h.total_len) < h.header_len(),
                "emit refused a header that fits: {e}"
            );
        }
    }
    emit_packet(&h, usize::from(spec.payload_len) % 64);
    fields_emit(&spec);
}

/// The fast path from plain values, `HeaderFields::emit`: the same bytes
/// and the same error as an owned header built from the same values, and
/// nothing written on an error, for every buffer length up to 60 bytes.
fn fields_emit(spec: &HeaderSpec) {
    let (source, destination) = (
        Ipv4Addr::from(spec.source),
        Ipv4Addr::from(spec.destination),
    );
    let flags = Flags::from_bits_retain(spec.flags);
    let fields = HeaderFields::new(source, destination, Protocol(spec.protocol))
        .with_ttl(spec.ttl)
        .with_tos(spec.tos)
        .with_identification(spec.identification)
        .with_flags(flags)
        .with_fragment_offset(spec.fragment_offset);
    let mut h = Header::new(source, destination, Protocol(spec.protocol))
        .with_ttl(spec.ttl)
        .with_tos(spec.tos)
        .with_identification(spec.identification)
        .with_flags(flags)
        .with_fragment_offset(spec.fragment_offset);
    let payload_len = usize::from(spec.payload_len);
    let owned = h
        .set_options(&spec.options)
        .and_then(|()| h.set_payload_len(payload_len));
    let buf_len = usize::from(spec.format) % (MAX_LEN + 1);
    let mut ours = [0xa5u8; MAX_LEN];
    let got = fields.emit(&spec.options, payload_len, &mut ours[..buf_len]);
    let mut theirs = [0xa5u8; MAX_LEN];
    let expected = owned.and_then(|()| h.emit(&mut theirs[..buf_len]));
    assert_eq!(got, expected);
    assert_eq!(ours, theirs);
}

/// The one-call packet: the header emitted with the total length of
/// this payload, the payload after it, nothing past it; one byte less of
/// buffer writes nothing.
fn emit_packet(h: &Header, payload_len: usize) {
    let payload: Vec<u8> = (0..payload_len).map(|i| i as u8).collect();
    let len = h.packet_len(payload_len);
    let mut buf = vec![0xa5u8; len + 1];
    let fits = h.version <= 15 && h.flags.bits() <= 7 && h.fragment_offset <= 0x1fff;
    assert!(h.emit_packet(&payload, &mut buf[..len - 1]).is_err());
    assert!(buf.iter().all(|&b| b == 0xa5), "a failed emit wrote");
    match h.emit_packet(&payload, &mut buf) {
        Ok(n) => {
            assert!(fits);
            assert_eq!(n, len);
            assert_eq!(buf[len], 0xa5);
            assert_eq!(&buf[h.header_len()..n], &payload[..]);
            let mut expected = *h;
            expected.total_len = len as u16;
            let mut header = [0u8; MAX_LEN];
            let hl = expected.emit(&mut header).expect("emit_packet emitted it");
            assert_eq!(&buf[..hl], &header[..hl]);
        }
        Err(e) => {
            show(&e);
            assert!(!fits, "emit_packet refused a header that fits: {e}");
        }
    }
}
