//! Unit tests on real packets, Go's vectors and every error.
use core::fmt::Write as _;
use core::net::Ipv4Addr;

use super::testdata::*;
use super::*;
use crate::checksum::{self, Policy};
use crate::error::{BufferTooSmall, HeaderField};

/// A `fmt::Write` into a fixed buffer, so the tests stay `no_std` too.
struct Text {
    buf: [u8; 512],
    len: usize,
}

impl Text {
    fn of(value: impl core::fmt::Display) -> Text {
        let mut text = Text {
            buf: [0; 512],
            len: 0,
        };
        write!(text, "{value}").unwrap();
        text
    }

    fn debug(value: impl core::fmt::Debug) -> Text {
        let mut text = Text {
            buf: [0; 512],
            len: 0,
        };
        write!(text, "{value:?}").unwrap();
        text
    }

    fn as_str(&self) -> &str {
        core::str::from_utf8(&self.buf[..self.len]).unwrap()
    }
}

impl core::fmt::Write for Text {
    fn write_str(&mut self, s: &str) -> core::fmt::Result {
        let end = self.len + s.len();
        self.buf
            .get_mut(self.len..end)
            .ok_or(core::fmt::Error)?
            .copy_from_slice(s.as_bytes());
        self.len = end;
        Ok(())
    }
}

fn emit_to_array(h: &Header, format: RawFormat, policy: Policy) -> ([u8; MAX_LEN], usize) {
    let mut buf = [0u8; MAX_LEN];
    let n = h.emit_with(&mut buf, format, policy).unwrap();
    (buf, n)
}

#[test]
fn wikipedia_checksum_example() {
    let h = Header::parse(&WIKIPEDIA_HEADER).unwrap();
    assert_eq!(h.total_len, 115);
    assert_eq!(h.protocol, Protocol::UDP);
    assert_eq!(h.flags, Flags::DONT_FRAGMENT);
    assert_eq!(h.checksum, 0xb861);
    assert_eq!(h.compute_checksum(), 0xb861);
    assert_eq!(h.source, Ipv4Addr::new(192, 168, 0, 1));
    assert_eq!(h.destination, Ipv4Addr::new(192, 168, 0, 199));
    // The 95 payload bytes are missing: only a lax view accepts it.
    assert_eq!(
        HeaderView::new_checked(&WIKIPEDIA_HEADER[..]),
        Err(HeaderError::TotalLengthExceedsBuffer {
            available: 20,
            found: 115
        })
    );
    let view = HeaderView::new_lax(&WIKIPEDIA_HEADER[..]).unwrap();
    assert!(view.verify_checksum());
    assert!(view.is_truncated());
    assert_eq!(view.payload(), &[] as &[u8]);
    assert_eq!(
        emit_to_array(&h, RawFormat::Wire, Policy::Enforce).0[..20],
        WIKIPEDIA_HEADER
    );
}

#[test]
fn icmp_echo_request() {
    let ip = HeaderView::new_checked(&ICMP_ECHO_REQUEST[..]).unwrap();
    assert_eq!(ip.version(), 4);
    assert_eq!(ip.ihl(), 5);
    assert_eq!(ip.header_len(), 20);
    assert_eq!((ip.tos(), ip.dscp(), ip.ecn()), (0, 0, 0));
    assert_eq!(ip.total_len(), 84);
    assert_eq!(ip.identification(), 0x1c46);
    assert_eq!(ip.flags(), Flags::DONT_FRAGMENT);
    assert!(ip.dont_fragment() && !ip.more_fragments() && !ip.reserved_flag());
    assert_eq!(ip.fragment_offset(), 0);
    assert!(!ip.is_fragment());
    assert_eq!(ip.ttl(), 64);
    assert_eq!(ip.protocol(), Protocol::ICMP);
    assert_eq!(ip.checksum(), 0x3227);
    assert!(ip.verify_checksum());
    assert_eq!(ip.compute_checksum(), 0x3227);
    assert_eq!(ip.source(), Ipv4Addr::new(192, 0, 2, 1));
    assert_eq!(ip.destination(), Ipv4Addr::new(198, 51, 100, 7));
    assert_eq!(ip.options(), &[] as &[u8]);
    assert_eq!(ip.header_bytes(), &ICMP_ECHO_REQUEST[..20]);
    // The ICMP message: type 8 (echo), its checksum verifies.
    let icmp = ip.payload();
    assert_eq!(icmp.len(), 64);
    assert_eq!(icmp[0], 8);
    assert!(checksum::verify(icmp));
    assert!(!ip.is_truncated());

    let h = ip.to_header();
    assert_eq!(Header::parse(&ICMP_ECHO_REQUEST).unwrap(), h);
    assert_eq!(h.payload_len(), 64);
    let (bytes, n) = emit_to_array(&h, RawFormat::Wire, Policy::Enforce);
    assert_eq!(&bytes[..n], &ICMP_ECHO_REQUEST[..20]);
}

#[test]
fn parts_borrowed_from_the_buffer_match_the_views() {
    fn parts(view: HeaderView<&[u8]>) -> [&[u8]; 3] {
        [
            view.into_header_bytes(),
            view.into_options(),
            view.into_payload(),
        ]
    }
    let packet = &IGMPV2_REPORT_ROUTER_ALERT[..];
    let ip = HeaderView::new_checked_with(packet, Policy::Enforce).unwrap();
    let [header, options, payload] = parts(ip);
    assert_eq!(header, &packet[..24]);
    assert_eq!(options, &packet[20..24]);
    assert_eq!(payload, &packet[24..]);
    assert_eq!(
        [header, options, payload],
        [ip.header_bytes(), ip.options(), ip.payload()]
    );
    // They point into the packet, not into a copy.
    assert_eq!(payload.as_ptr(), packet[24..].as_ptr());
    // Lax views of a truncated capture and unchecked views of a stub.
    let lax = HeaderView::new_lax(&packet[..26]).unwrap();
    assert_eq!(
        parts(lax),
        [&packet[..24], &packet[20..24], &packet[24..26]]
    );
    // Under 20 bytes the fields read as zero, so the IHL (0) leaves no
    // header bytes either.
    let stub = HeaderView::new_unchecked(&packet[..10]);
    assert_eq!(parts(stub), [&[][..]; 3]);
}

#[test]
fn ethernet_padding_is_not_payload() {
    // A minimum Ethernet frame pads a 28-byte datagram to 46 bytes.
    let mut frame = [0xeeu8; 46];
    frame[..20].copy_from_slice(&ICMP_ECHO_REQUEST[..20]);
    frame[2..4].copy_from_slice(&28u16.to_be_bytes());
    let mut ip = HeaderView::new_checked(&mut frame[..]).unwrap();
    ip.fill_checksum();
    assert_eq!(ip.payload().len(), 8);
    assert_eq!(ip.payload_mut().len(), 8);
    assert_eq!(ip.as_bytes().len(), 46);
}

#[test]
fn udp_dns_query() {
    let ip = HeaderView::new_checked(&UDP_DNS_QUERY[..]).unwrap();
    assert_eq!(ip.protocol(), Protocol::UDP);
    assert_eq!(ip.flags(), Flags::empty());
    assert!(ip.verify_checksum());
    let udp = ip.payload();
    assert_eq!(udp.len(), 37);
    assert_eq!(u16::from_be_bytes([udp[2], udp[3]]), 53);
    // The UDP checksum over the pseudo-header verifies: the addresses and
    // lengths the view reports are the right ones.
    let mut sum = checksum::pseudo_header(
        ip.source(),
        ip.destination(),
        ip.protocol().0,
        udp.len() as u16,
    );
    sum.add_bytes(udp);
    assert_eq!(sum.finish(), 0);
}

#[test]
fn igmp_report_with_router_alert() {
    let ip = HeaderView::new_checked(&IGMPV2_REPORT_ROUTER_ALERT[..]).unwrap();
    assert_eq!(ip.ihl(), 6);
    assert_eq!(ip.header_len(), 24);
    assert_eq!(ip.options(), &[0x94, 0x04, 0x00, 0x00]);
    assert_eq!(ip.tos(), 0xc0);
    assert_eq!(ip.dscp(), 48); // CS6, network control
    assert_eq!(ip.ttl(), 1);
    assert_eq!(ip.protocol(), Protocol::IGMP);
    assert_eq!(ip.destination(), Ipv4Addr::new(239, 1, 2, 3));
    assert!(ip.verify_checksum());
    assert_eq!(ip.payload(), &IGMPV2_REPORT_ROUTER_ALERT[24..]);
    assert!(checksum::verify(ip.payload()));

    // Built from scratch, it is the same bytes.
    let mut h = Header::new(
        Ipv4Addr::new(192, 0, 2, 10),
        Ipv4Addr::new(239, 1, 2, 3),
        Protocol::IGMP,
    );
    h.tos = 0xc0;
    h.ttl = 1;
    h.flags = Flags::DONT_FRAGMENT;
    h.set_payload_len(8).unwrap();
    h.set_options(&[0x94, 0x04, 0x00, 0x00]).unwrap();
    let mut buf = [0u8; 24];
    assert_eq!(h.emit(&mut buf), Ok(24));
    assert_eq!(buf, IGMPV2_REPORT_ROUTER_ALERT[..24]);
}

#[test]
fn fragments() {
    let ip = HeaderView::new_checked(&UDP_FRAGMENT_MF[..]).unwrap();
    assert_eq!(ip.flags(), Flags::MORE_FRAGMENTS);
    assert!(ip.more_fragments() && !ip.dont_fragment());
    assert_eq!(ip.fragment_offset(), 185);
    assert!(ip.is_fragment());
    assert!(ip.verify_checksum());
    assert_eq!(ip.payload().len(), 24);

    let last = HeaderView::new_checked(&UDP_FRAGMENT_LAST[..]).unwrap();
    assert_eq!(last.flags(), Flags::empty());
    assert_eq!(last.fragment_offset(), 370);
    assert!(last.is_fragment());
    assert!(last.to_header().is_fragment());
    assert_eq!(last.identification(), ip.identification());
}

#[test]
fn sixty_byte_header() {
    let ip = HeaderView::new_checked(&ICMP_ECHO_RECORD_ROUTE[..]).unwrap();
    assert_eq!(ip.header_len(), MAX_LEN);
    assert_eq!(ip.options().len(), MAX_OPTIONS_LEN);
    assert_eq!(&ip.options()[..3], &[0x07, 0x27, 0x04]);
    assert!(ip.verify_checksum());
    assert_eq!(ip.payload().len(), 16);
    let h = ip.to_header();
    let (bytes, n) = emit_to_array(&h, RawFormat::Wire, Policy::Enforce);
    assert_eq!(&bytes[..n], &ICMP_ECHO_RECORD_ROUTE[..60]);
}

#[test]
fn display_and_debug() {
    let ip = HeaderView::new_checked(&ICMP_ECHO_REQUEST[..]).unwrap();
    let line = "IP (tos 0x0, ttl 64, id 7238, offset 0, flags [DF], proto ICMP (1), length 84) \
                192.0.2.1 > 198.51.100.7";
    assert_eq!(Text::of(ip).as_str(), line);
    assert_eq!(Text::of(ip.to_header()).as_str(), line);

    let frag = HeaderView::new_checked(&UDP_FRAGMENT_MF[..]).unwrap();
    assert_eq!(
        Text::of(frag).as_str(),
        "IP (tos 0x0, ttl 64, id 43981, offset 1480, flags [+], proto UDP (17), length 44) \
         203.0.113.5 > 198.51.100.9"
    );
    let igmp = Header::parse(&IGMPV2_REPORT_ROUTER_ALERT).unwrap();
    assert_eq!(
        Text::of(igmp).as_str(),
        "IP (tos 0xc0, ttl 1, id 0, offset 0, flags [DF], proto IGMP (2), length 32, \
         options 4 bytes) 192.0.2.10 > 239.1.2.3"
    );
    let mut odd = igmp;
    odd.flags = Flags::all();
    odd.protocol = Protocol(253);
    assert!(
        Text::of(odd)
            .as_str()
            .contains("flags [rsvd, DF, +], proto unknown (253)")
    );

    for text in [Text::debug(ip), Text::debug(ip.to_header())] {
        for field in [
            "version: 4",
            "ihl: 5",
            "tos: 0x00",
            "total_len: 84",
            "identification: 0x1c46",
            "flags: Flags(DONT_FRAGMENT)",
            "fragment_offset: 0",
            "ttl: 64",
            "protocol: ICMP",
            "checksum: 0x3227",
            "source: 192.0.2.1",
            "destination: 198.51.100.7",
            "options: []",
        ] {
            assert!(
                text.as_str().contains(field),
                "{field} in {}",
                text.as_str()
            );
        }
    }
}

/// Go's expected `Header` for its test vectors; `options` for vector 2.
fn go_expected(options: &[u8]) -> Header {
    let mut h = Header::new(
        Ipv4Addr::new(172, 16, 254, 254),
        Ipv4Addr::new(192, 168, 0, 1),
        Protocol::ICMP,
    );
    h.tos = 1;
    h.identification = 0xcafe;
    h.flags = Flags::DONT_FRAGMENT;
    h.fragment_offset = 1500;
    h.ttl = 255;
    h.checksum = 0xdead;
    h.set_options(options).unwrap();
    h.total_len = if options.is_empty() { 0xbeef } else { 0xbef3 };
    h
}

#[test]
fn go_vectors_parse_in_every_form() {
    let little = ByteOrder::Little;
    let cases: [(&[u8], RawFormat, &[u8]); 6] = [
        (&GO_V1_WIRE, RawFormat::Wire, &[]),
        (
            &GO_V1_FROM_TRAD_BSD,
            RawFormat::LengthExcludesHeader(little),
            &[],
        ),
        (&GO_V1_BSD_HOST_ORDER, RawFormat::BsdHostOrder(little), &[]),
        (&GO_V2_WIRE, RawFormat::Wire, &[0xff, 0xfe, 0xfe, 0xff]),
        (
            &GO_V2_FROM_TRAD_BSD,
            RawFormat::LengthExcludesHeader(little),
            &[0xff, 0xfe, 0xfe, 0xff],
        ),
        (
            &GO_V2_BSD_HOST_ORDER,
            RawFormat::BsdHostOrder(little),
            &[0xff, 0xfe, 0xfe, 0xff],
        ),
    ];
    for (bytes, format, options) in cases {
        let expected = go_expected(options);
        let h = Header::parse_raw(bytes, format).unwrap();
        assert_eq!(h, expected, "{format:?}");
        assert_eq!(h.header_len(), 20 + options.len());
        // Parsing twice gives the same value (Go's test parses again into
        // the same header).
        assert_eq!(Header::parse_raw(bytes, format).unwrap(), h);
    }
    assert_eq!(Header::parse(&GO_V1_WIRE).unwrap(), go_expected(&[]));
}

#[test]
fn go_vectors_emit_in_every_form() {
    let little = ByteOrder::Little;
    let cases: [(&[u8], &[u8]); 2] = [
        (&GO_V1_WIRE, &GO_V1_BSD_HOST_ORDER),
        (&GO_V2_WIRE, &GO_V2_BSD_HOST_ORDER),
    ];
    for (i, (wire, bsd)) in cases.into_iter().enumerate() {
        let options: &[u8] = if i == 0 {
            &[]
        } else {
            &[0xff, 0xfe, 0xfe, 0xff]
        };
        let h = go_expected(options);
        let (out, n) = emit_to_array(&h, RawFormat::Wire, Policy::Trust);
        assert_eq!(&out[..n], wire);
        let (out, n) = emit_to_array(&h, RawFormat::BsdHostOrder(little), Policy::Trust);
        assert_eq!(&out[..n], bsd);
        // The receive-side darwin form round-trips through parse_raw.
        let darwin = RawFormat::LengthExcludesHeader(little);
        let (out, n) = emit_to_array(&h, darwin, Policy::Trust);
        assert_eq!(Header::parse_raw(&out[..n], darwin).unwrap(), h);
        // Big-endian "host order" is the wire form.
        let (out, n) = emit_to_array(&h, RawFormat::BsdHostOrder(ByteOrder::Big), Policy::Trust);
        assert_eq!(&out[..n], wire);
        // A computed checksum is the same whatever the format.
        let (computed, _) = emit_to_array(&h, RawFormat::Wire, Policy::Enforce);
        let (host, _) = emit_to_array(&h, RawFormat::BsdHostOrder(little), Policy::Enforce);
        assert_eq!(computed[10..12], host[10..12]);
        assert!(checksum::verify(&computed[..n]));
    }
    assert_eq!(RawFormat::default(), RawFormat::Wire);
    assert_eq!(
        RawFormat::bsd_native(),
        RawFormat::BsdHostOrder(ByteOrder::NATIVE)
    );
    assert!(RawFormat::darwin_native().length_excludes_header());
}

#[test]
fn go_error_cases() {
    // Go: 19 zero bytes give errHeaderTooShort.
    assert_eq!(
        Header::parse(&[0; 19]),
        Err(HeaderError::Truncated {
            required: 20,
            found: 19
        })
    );
    assert_eq!(
        Header::parse(&[]),
        Err(HeaderError::Truncated {
            required: 20,
            found: 0
        })
    );
    // Go: `46 00 ...` in 20 bytes gives errExtHeaderTooShort.
    let mut b = [0u8; 20];
    b[0] = 0x46;
    assert_eq!(
        Header::parse(&b),
        Err(HeaderError::OptionsTruncated {
            required: 24,
            found: 20
        })
    );
    // Go accepts these two; we do not.
    b[0] = 0x42;
    assert_eq!(
        Header::parse(&b),
        Err(HeaderError::HeaderLengthTooSmall { found: 8 })
    );
    b[0] = 0x65;
    assert_eq!(Header::parse(&b), Err(HeaderError::Version { found: 6 }));
    // Go keeps stale options; a new value cannot.
    let with = Header::parse(&GO_V2_WIRE).unwrap();
    assert_eq!(with.options().len(), 4);
    let without = Header::parse(&GO_V1_WIRE).unwrap();
    assert_eq!(without.options(), &[] as &[u8]);
    // Go's Marshal writes unpadded options with a wrong IHL and wraps the
    // IHL past 40 bytes; we pad and refuse.
    let mut h = go_expected(&[]);
    h.set_options(&[0x01, 0x01, 0x01]).unwrap();
    assert_eq!(h.header_len(), 24);
    let (out, n) = emit_to_array(&h, RawFormat::Wire, Policy::Enforce);
    assert_eq!(n, 24);
    assert_eq!(out[0], 0x46);
    assert_eq!(&out[20..24], &[1, 1, 1, 0]);
    assert_eq!(
        h.set_options(&[1; 44]),
        Err(HeaderError::OptionsTooLong { max: 40, found: 44 })
    );
}

#[test]
fn checked_errors_name_field_offset_and_values() {
    let mut b = ICMP_ECHO_REQUEST;
    b[2..4].copy_from_slice(&19u16.to_be_bytes());
    let err = HeaderView::new_checked(&b[..]).unwrap_err();
    assert_eq!(
        err,
        HeaderError::TotalLengthTooSmall {
            required: 20,
            found: 19
        }
    );
    assert_eq!((err.field(), err.offset()), (HeaderField::TotalLength, 2));
    assert_eq!(
        Text::of(err).as_str(),
        "the IPv4 header's total length (bytes 2-3) is 19 but must be at least the header length, 20"
    );
    // Lax accepts it: the payload runs to the end of the buffer.
    let lax = HeaderView::new_lax(&b[..]).unwrap();
    assert_eq!(lax.payload().len(), 64);

    let err = HeaderView::new_checked(&ICMP_ECHO_REQUEST[..83]).unwrap_err();
    assert_eq!(
        Text::of(err).as_str(),
        "the IPv4 header's total length (bytes 2-3) is 84 but the buffer holds only 83 bytes"
    );
    let err = HeaderView::new_checked(&ICMP_ECHO_REQUEST[..12]).unwrap_err();
    assert_eq!(
        Text::of(err).as_str(),
        "the buffer holds 12 bytes but an IPv4 header needs at least 20"
    );
    assert_eq!(err.offset(), 0);
    let err = HeaderView::new_lax(&IGMPV2_REPORT_ROUTER_ALERT[..22]).unwrap_err();
    assert_eq!(
        Text::of(err).as_str(),
        "the IPv4 header's header length (IHL, byte 0) is 24 bytes but the buffer holds only 22"
    );
    assert_eq!(err.field(), HeaderField::Ihl);
    let mut b = ICMP_ECHO_REQUEST;
    b[0] = 0x44;
    assert_eq!(
        Text::of(HeaderView::new_checked(&b[..]).unwrap_err()).as_str(),
        "the IPv4 header's header length (IHL, byte 0) is 16 bytes but must be at least 20"
    );

    let mut b = ICMP_ECHO_REQUEST;
    b[11] ^= 1;
    assert!(HeaderView::new_checked(&b[..]).is_ok());
    let err = HeaderView::new_checked_with(&b[..], Policy::Enforce).unwrap_err();
    assert_eq!(
        err,
        HeaderError::Checksum {
            expected: 0x3227,
            found: 0x3226
        }
    );
    assert_eq!((err.field(), err.offset()), (HeaderField::Checksum, 10));
    assert_eq!(
        Text::of(err).as_str(),
        "the IPv4 header's checksum (bytes 10-11) is 0x3226 but the header's contents call for 0x3227"
    );
    assert!(HeaderView::new_checked_with(&ICMP_ECHO_REQUEST[..], Policy::Enforce).is_ok());
}

#[test]
fn emit_errors() {
    let base = Header::parse(&ICMP_ECHO_REQUEST).unwrap();
    let mut buf = [0u8; 60];

    let short = base.emit(&mut buf[..19]).unwrap_err();
    assert_eq!(
        short,
        HeaderError::BufferTooSmall(BufferTooSmall {
            what: "IPv4 header",
            required: 20,
            found: 19
        })
    );
    assert!(core::error::Error::source(&short).is_some());
    assert_eq!(
        Text::of(short).as_str(),
        "the buffer for the IPv4 header is 19 bytes long but 20 bytes are required"
    );
    assert_eq!(buf, [0; 60], "nothing written on error");

    let h = Header {
        fragment_offset: 0x2000,
        ..base
    };
    let err = h.emit(&mut buf).unwrap_err();
    assert_eq!(
        err,
        HeaderError::FieldOverflow {
            field: HeaderField::FragmentOffset,
            max: 0x1fff,
            found: 0x2000
        }
    );
    assert_eq!(
        Text::of(err).as_str(),
        "the IPv4 header's fragment offset (byte 6) cannot hold 8192: its largest value is 8191"
    );
    let h = Header {
        version: 16,
        ..base
    };
    assert_eq!(h.emit(&mut buf).unwrap_err().field(), HeaderField::Version);
    let h = Header {
        flags: Flags::from_bits_retain(0x08),
        ..base
    };
    assert_eq!(h.emit(&mut buf).unwrap_err().field(), HeaderField::Flags);
    let h = Header {
        total_len: 19,
        ..base
    };
    assert_eq!(
        h.emit(&mut buf),
        Err(HeaderError::TotalLengthTooSmall {
            required: 20,
            found: 19
        })
    );
    assert_eq!(buf, [0; 60]);

    // A crafted version is written as given.
    let h = Header { version: 6, ..base };
    assert_eq!(h.emit(&mut buf), Ok(20));
    assert_eq!(buf[0], 0x65);
}

#[test]
fn owned_length_helpers() {
    let mut h = Header::new(Ipv4Addr::LOCALHOST, Ipv4Addr::BROADCAST, Protocol::UDP);
    assert_eq!(
        h,
        Header {
            source: Ipv4Addr::LOCALHOST,
            destination: Ipv4Addr::BROADCAST,
            protocol: Protocol::UDP,
            ..Header::default()
        }
    );
    assert_eq!(
        (h.version, h.ttl, h.total_len, h.header_len()),
        (4, 64, 20, 20)
    );
    h.set_payload_len(100).unwrap();
    assert_eq!(h.total_len, 120);
    h.set_options(&[0x94, 0x04, 0, 0, 1, 1, 1, 0]).unwrap();
    assert_eq!(
        (h.header_len(), h.total_len, h.payload_len()),
        (28, 128, 100)
    );
    h.set_options(&[]).unwrap();
    assert_eq!((h.header_len(), h.total_len), (20, 120));
    assert_eq!(
        h.set_payload_len(65_516),
        Err(HeaderError::FieldOverflow {
            field: HeaderField::TotalLength,
            max: 65_535,
            found: 65_536
        })
    );
    assert_eq!(h.total_len, 120, "unchanged on error");
    h.set_payload_len(65_515).unwrap();
    assert_eq!(
        h.set_options(&[1; 4]).unwrap_err().field(),
        HeaderField::TotalLength
    );
    assert_eq!(h.options(), &[] as &[u8], "unchanged on error");
    h.tos = 0;
    h.set_dscp(46); // EF
    h.set_ecn(2);
    assert_eq!((h.tos, h.dscp(), h.ecn()), (0xba, 46, 2));
    h.fill_checksum();
    let mut buf = [0u8; 20];
    h.emit_with(&mut buf, RawFormat::Wire, Policy::Trust)
        .unwrap();
    assert!(checksum::verify(&buf));
    assert_eq!(Header::try_from(&buf[..]), Ok(h));
}

#[test]
fn in_place_edits_keep_the_checksum() {
    let mut buf = IGMPV2_REPORT_ROUTER_ALERT;
    let mut ip = HeaderView::new_checked(&mut buf[..]).unwrap();
    assert_eq!(ip.decrement_ttl(), Some(0));
    assert!(ip.verify_checksum());
    assert_eq!(ip.decrement_ttl(), None);
    assert_eq!(ip.ttl(), 0);
    ip.set_ttl(255);
    ip.set_tos(0x12);
    ip.set_dscp(10);
    ip.set_ecn(3);
    assert_eq!((ip.dscp(), ip.ecn()), (10, 3));
    ip.set_identification(0xfeed);
    ip.set_source(Ipv4Addr::new(203, 0, 113, 77));
    ip.set_destination(Ipv4Addr::new(224, 0, 0, 22));
    assert!(ip.verify_checksum());
    let incremental = ip.checksum();
    ip.fill_checksum();
    assert_eq!(ip.checksum(), incremental);
    assert_eq!(ip.source(), Ipv4Addr::new(203, 0, 113, 77));
    assert_eq!(ip.identification(), 0xfeed);
    ip.options_mut()[1] = 4;
    ip.payload_mut()[0] = 0x16;
    if let Some(raw) = ip.raw_mut() {
        raw.protocol = 17;
    }
    assert_eq!(ip.protocol(), Protocol::UDP);
    assert!(!ip.verify_checksum());
    ip.fill_checksum();
    assert!(ip.verify_checksum());
    let buf2 = ip.into_inner();
    assert_eq!(buf2.len(), 32);
}

#[test]
fn lax_views_of_icmp_error_quotes() {
    // An ICMP error quotes the original header and 8 payload bytes.
    let quote = &UDP_DNS_QUERY[..28];
    assert!(HeaderView::new_checked(quote).is_err());
    let ip = HeaderView::new_lax(quote).unwrap();
    assert!(ip.is_truncated());
    assert_eq!(ip.total_len(), 57);
    assert_eq!(ip.payload(), &UDP_DNS_QUERY[20..28]);
    // Segmentation offload leaves total length 0.
    let mut tso = ICMP_ECHO_REQUEST;
    tso[2] = 0;
    tso[3] = 0;
    let ip = HeaderView::new_lax(&tso[..]).unwrap();
    assert_eq!(ip.payload().len(), 64);
    assert!(!ip.is_truncated());
}

#[test]
fn unchecked_views_never_panic() {
    for len in 0..24 {
        let bytes = [0xffu8; 24];
        let ip = HeaderView::new_unchecked(&bytes[..len]);
        let _ = (
            ip.version(),
            ip.header_len(),
            ip.total_len(),
            ip.flags(),
            ip.source(),
        );
        let _ = (
            ip.options(),
            ip.payload(),
            ip.header_bytes(),
            ip.verify_checksum(),
        );
        let _ = (ip.to_header(), ip.is_fragment(), ip.compute_checksum());
        let mut copy = [0xffu8; 24];
        let mut ip = HeaderView::new_unchecked(&mut copy[..len]);
        ip.set_ttl(1);
        ip.decrement_ttl();
        ip.set_source(Ipv4Addr::LOCALHOST);
        ip.set_destination(Ipv4Addr::LOCALHOST);
        ip.set_tos(1);
        ip.set_identification(1);
        ip.fill_checksum();
        let _ = (ip.options_mut().len(), ip.payload_mut().len());
        if len < 20 {
            assert_eq!(ip.prefix(), &HeaderPrefix::ZERO);
            assert!(ip.raw_mut().is_none());
        }
    }
}

#[test]
fn flags_and_protocols() {
    assert_eq!(Flags::from_word(0xe000), Flags::all());
    assert_eq!(Flags::from_word(0x1fff), Flags::empty());
    assert_eq!(Flags::MORE_FRAGMENTS.to_word(), 0x2000);
    assert_eq!(Flags::DONT_FRAGMENT.to_word(), 0x4000);
    assert_eq!(Flags::from_bits_retain(0xff).to_word(), 0xe000);
    for (p, n, name) in [
        (Protocol::ICMP, 1, "ICMP"),
        (Protocol::IGMP, 2, "IGMP"),
        (Protocol::TCP, 6, "TCP"),
        (Protocol::UDP, 17, "UDP"),
        (Protocol::ICMPV6, 58, "IPv6-ICMP"),
    ] {
        assert_eq!(u8::from(p), n);
        assert_eq!(Protocol::from(n), p);
        assert_eq!(p.name(), Some(name));
    }
    assert_eq!(Text::debug(Protocol(200)).as_str(), "Protocol(200)");
    assert_eq!(Text::of(Protocol(200)).as_str(), "200");
    for field in [
        HeaderField::Header,
        HeaderField::Version,
        HeaderField::Ihl,
        HeaderField::Tos,
        HeaderField::TotalLength,
        HeaderField::Identification,
        HeaderField::Flags,
        HeaderField::FragmentOffset,
        HeaderField::Ttl,
        HeaderField::Protocol,
        HeaderField::Checksum,
        HeaderField::Source,
        HeaderField::Destination,
        HeaderField::Options,
    ] {
        assert!(field.offset() <= 20);
        assert_eq!(Text::of(field).as_str(), field.name());
    }
}

/// `copy_prefix` against a plain copy, for every pair of lengths up to past
/// its largest fixed-size move.
#[test]
fn copy_prefix_copies_the_common_length() {
    let src: [u8; 70] = core::array::from_fn(|i| i as u8 + 1);
    for dst_len in 0..=70 {
        for src_len in 0..=70 {
            let mut dst = [0u8; 70];
            super::copy_prefix(&mut dst[..dst_len], &src[..src_len]);
            let n = dst_len.min(src_len);
            assert_eq!(dst[..n], src[..n], "{dst_len} {src_len}");
            assert!(dst[n..].iter().all(|&b| b == 0), "{dst_len} {src_len}");
        }
    }
}

/// `options_array` against a plain copy into a zeroed array, for every
/// length up to past the 40 bytes it keeps (whole words, a 1–3 byte tail,
/// too long).
#[test]
fn options_array_is_the_zero_padded_prefix() {
    let src: [u8; 50] = core::array::from_fn(|i| i as u8 + 1);
    for len in 0..=50 {
        let mut expected = [0u8; MAX_OPTIONS_LEN];
        let n = len.min(MAX_OPTIONS_LEN);
        expected[..n].copy_from_slice(&src[..n]);
        assert_eq!(owned::options_array(&src[..len]), expected, "{len}");
    }
}

/// `copy_options` copies exactly `out.len()` bytes for every length a
/// header's options can have.
#[test]
fn copy_options_fills_exactly_the_output() {
    let options: [u8; MAX_OPTIONS_LEN] = core::array::from_fn(|i| i as u8 + 1);
    for len in (0..=MAX_OPTIONS_LEN).step_by(4) {
        let mut out = [0xeeu8; MAX_OPTIONS_LEN + 4];
        owned::copy_options(&mut out[..len], &options);
        assert_eq!(out[..len], options[..len], "{len}");
        assert!(out[len..].iter().all(|&b| b == 0xee), "{len}");
    }
}

// The five registry numbers read the same way under `{:?}`: the name when
// the crate knows one, `Type(n)` otherwise.
#[test]
fn registry_numbers_debug_as_their_names() {
    use crate::icmp::IcmpType;
    use crate::igmp::{MessageType, RecordType};
    use crate::options::OptionKind;
    let known = [
        Text::debug(Protocol::IGMP),
        Text::debug(IcmpType::ECHO),
        Text::debug(MessageType::REPORT_V3),
        Text::debug(OptionKind::ROUTER_ALERT),
        Text::debug(RecordType::MODE_IS_INCLUDE),
    ];
    let names = known.each_ref().map(Text::as_str);
    assert_eq!(
        names,
        [
            "IGMP",
            "echo",
            "IGMPv3 Membership Report",
            "RTRALT",
            "MODE_IS_INCLUDE"
        ]
    );
    let unknown = [
        Text::debug(Protocol(253)),
        Text::debug(IcmpType(99)),
        Text::debug(MessageType(0x99)),
        Text::debug(OptionKind(99)),
        Text::debug(RecordType(9)),
    ];
    assert_eq!(
        unknown.each_ref().map(Text::as_str),
        [
            "Protocol(253)",
            "IcmpType(99)",
            "MessageType(153)",
            "OptionKind(99)",
            "RecordType(9)"
        ]
    );
}
