//! Property tests: round trips, view/owned agreement, no panics, and
//! differential tests against etherparse, smoltcp and pnet_packet.
extern crate std;

use core::net::Ipv4Addr;
use std::vec::Vec;

use proptest::prelude::*;

use super::*;
use crate::checksum::{self, Policy};

/// Any header that emits: every field over its full range, 0–40 option
/// bytes (padded to a multiple of 4), a total length from the header length
/// up.
fn any_header() -> impl Strategy<Value = Header> {
    (
        (any::<u8>(), any::<u16>(), 0u8..8, 0u16..0x2000, any::<u8>()),
        (any::<u8>(), any::<u16>(), any::<u32>(), any::<u32>()),
        prop::collection::vec(any::<u8>(), 0..=MAX_OPTIONS_LEN),
        any::<u16>(),
    )
        .prop_map(
            |((tos, id, flags, frag, ttl), (proto, csum, src, dst), options, total_seed)| {
                let mut h = Header::new(
                    Ipv4Addr::from_bits(src),
                    Ipv4Addr::from_bits(dst),
                    Protocol(proto),
                )
                .with_tos(tos)
                .with_identification(id)
                .with_flags(Flags::from_bits_retain(flags))
                .with_fragment_offset(frag)
                .with_ttl(ttl);
                h.checksum = csum;
                h.set_options(&options).unwrap();
                let room = 65_536 - h.header_len() as u32;
                h.total_len = (h.header_len() as u32 + u32::from(total_seed) % room) as u16;
                h
            },
        )
}

/// A packet that passes `new_checked`: a emitted header (with a right
/// checksum) followed by a payload of exactly the total length, and
/// `trailer` extra bytes of link-layer padding.
fn any_packet() -> impl Strategy<Value = Vec<u8>> {
    (any_header(), 0usize..200, 0usize..8).prop_map(|(mut h, payload_len, trailer)| {
        h.set_payload_len(payload_len).unwrap();
        let mut bytes = std::vec![0u8; h.header_len() + payload_len + trailer];
        h.emit(&mut bytes).unwrap();
        for (i, b) in bytes[h.header_len()..].iter_mut().enumerate() {
            *b = i as u8;
        }
        bytes
    })
}

fn all_formats() -> [RawFormat; 5] {
    [
        RawFormat::Wire,
        RawFormat::BsdHostOrder(ByteOrder::Little),
        RawFormat::BsdHostOrder(ByteOrder::Big),
        RawFormat::LengthExcludesHeader(ByteOrder::Little),
        RawFormat::LengthExcludesHeader(ByteOrder::Big),
    ]
}

/// Reads every accessor; used to show none of them panics.
fn touch_view<B: AsRef<[u8]>>(v: &HeaderView<B>) {
    let _ = (
        v.version(),
        v.ihl(),
        v.header_len(),
        v.tos(),
        v.dscp(),
        v.ecn(),
    );
    let _ = (
        v.total_len(),
        v.identification(),
        v.flags(),
        v.fragment_offset(),
    );
    let _ = (
        v.reserved_flag(),
        v.dont_fragment(),
        v.more_fragments(),
        v.is_fragment(),
    );
    let _ = (
        v.ttl(),
        v.protocol(),
        v.checksum(),
        v.source(),
        v.destination(),
    );
    let _ = (
        v.options(),
        v.payload(),
        v.header_bytes(),
        v.as_bytes(),
        v.prefix(),
    );
    let _ = (
        v.verify_checksum(),
        v.compute_checksum(),
        v.is_truncated(),
        v.to_header(),
    );
    let _ = std::format!("{v} {v:?}");
}

proptest! {
    #[test]
    fn parse_emit_round_trip(h in any_header()) {
        for format in all_formats() {
            let mut buf = [0u8; MAX_LEN];
            let n = h.emit_with(&mut buf, format, Policy::Trust).unwrap();
            prop_assert_eq!(n, h.header_len());
            prop_assert_eq!(Header::parse_raw(&buf[..n], format).unwrap(), h);
        }
        // With a computed checksum: the same header, checksum filled.
        let mut buf = [0u8; MAX_LEN];
        let n = h.emit(&mut buf).unwrap();
        let mut filled = h;
        filled.fill_checksum();
        prop_assert_eq!(Header::parse(&buf[..n]).unwrap(), filled);
        prop_assert!(checksum::verify(&buf[..n]));
        let _ = std::format!("{h} {h:?}");
    }

    #[test]
    fn emit_parse_round_trip(mut bytes in prop::collection::vec(any::<u8>(), 20..=80)) {
        // Make it canonical: version 4, IHL within the buffer, total length
        // at least the header length.
        let max_ihl = (bytes.len() / 4).min(15) as u8;
        let ihl = 5 + bytes[0] % (max_ihl - 4);
        let header_len = usize::from(ihl) * 4;
        bytes[0] = 0x40 | ihl;
        let total = u16::from_be_bytes([bytes[2], bytes[3]]).max(header_len as u16);
        bytes[2..4].copy_from_slice(&total.to_be_bytes());
        let h = Header::parse(&bytes).unwrap();
        let mut out = [0u8; MAX_LEN];
        let n = h.emit_with(&mut out, RawFormat::Wire, Policy::Trust).unwrap();
        prop_assert_eq!(&out[..n], &bytes[..header_len]);
    }

    #[test]
    fn view_and_owned_agree(packet in any_packet()) {
        let v = HeaderView::new_checked(&packet[..]).unwrap();
        let h = Header::parse(&packet).unwrap();
        prop_assert_eq!(v.to_header(), h);
        prop_assert_eq!(v.version(), h.version);
        prop_assert_eq!(v.ihl(), h.ihl());
        prop_assert_eq!(v.header_len(), h.header_len());
        prop_assert_eq!(v.tos(), h.tos);
        prop_assert_eq!((v.dscp(), v.ecn()), (h.dscp(), h.ecn()));
        prop_assert_eq!(v.total_len(), h.total_len);
        prop_assert_eq!(v.identification(), h.identification);
        prop_assert_eq!(v.flags(), h.flags);
        prop_assert_eq!(v.reserved_flag(), h.flags.contains(Flags::RESERVED));
        prop_assert_eq!(v.fragment_offset(), h.fragment_offset);
        prop_assert_eq!(v.is_fragment(), h.is_fragment());
        prop_assert_eq!(v.ttl(), h.ttl);
        prop_assert_eq!(v.protocol(), h.protocol);
        prop_assert_eq!(v.checksum(), h.checksum);
        prop_assert_eq!(v.compute_checksum(), h.compute_checksum());
        prop_assert!(v.verify_checksum());
        prop_assert_eq!(v.source(), h.source);
        prop_assert_eq!(v.destination(), h.destination);
        prop_assert_eq!(v.options(), h.options());
        prop_assert_eq!(v.payload().len(), h.payload_len());
        prop_assert_eq!(std::format!("{v}"), std::format!("{h}"));
        prop_assert!(!v.is_truncated());
    }

    #[test]
    fn no_panic_on_arbitrary_bytes(bytes in prop::collection::vec(any::<u8>(), 0..90)) {
        let checked = HeaderView::new_checked(&bytes[..]);
        let lax = HeaderView::new_lax(&bytes[..]);
        let parsed = Header::parse(&bytes);
        // Each rule set contains the next.
        if checked.is_ok() {
            prop_assert!(parsed.is_ok());
        }
        if parsed.is_ok() {
            prop_assert!(lax.is_ok());
        }
        if let Ok(v) = &checked {
            prop_assert_eq!(v.options().len(), v.header_len() - MIN_LEN);
            prop_assert_eq!(v.payload().len(), usize::from(v.total_len()) - v.header_len());
        }
        if let Ok(v) = &lax {
            prop_assert_eq!(v.options().len(), v.header_len() - MIN_LEN);
        }
        for v in [checked.ok(), lax.ok(), Some(HeaderView::new_unchecked(&bytes[..]))].into_iter().flatten() {
            touch_view(&v);
        }
        let _ = HeaderView::new_checked_with(&bytes[..], Policy::Enforce);
        for format in all_formats() {
            let _ = Header::parse_raw(&bytes, format);
        }
        let mut copy = bytes.clone();
        let mut v = HeaderView::new_unchecked(&mut copy[..]);
        v.set_ttl(3);
        v.decrement_ttl();
        v.set_tos(0xff);
        v.set_dscp(63);
        v.set_ecn(1);
        v.set_identification(7);
        v.set_source(Ipv4Addr::LOCALHOST);
        v.set_destination(Ipv4Addr::BROADCAST);
        v.fill_checksum();
        let _ = (v.options_mut().len(), v.payload_mut().len(), v.raw_mut().is_some());
        touch_view(&v);
    }

    #[test]
    fn incremental_updates_match_recomputation(
        packet in any_packet(),
        ttl in any::<u8>(), tos in any::<u8>(), id in any::<u16>(),
        src in any::<u32>(), dst in any::<u32>(), step in 0usize..6,
    ) {
        let mut packet = packet;
        let mut v = HeaderView::new_checked(&mut packet[..]).unwrap();
        match step {
            0 => v.set_ttl(ttl),
            1 => v.set_tos(tos),
            2 => v.set_identification(id),
            3 => v.set_source(Ipv4Addr::from_bits(src)),
            4 => v.set_destination(Ipv4Addr::from_bits(dst)),
            _ => { v.decrement_ttl(); }
        }
        prop_assert!(v.verify_checksum());
        prop_assert_eq!(v.checksum(), v.compute_checksum());
    }

    /// etherparse's `Ipv4HeaderSlice` and `Ipv4Header` check the rules of
    /// `HeaderView::new_lax` (neither total length rule), so validity must
    /// agree with it on any bytes, and fields on every valid header.
    #[test]
    fn differential_etherparse(bytes in prop::collection::vec(any::<u8>(), 0..80), fix in any::<bool>()) {
        let mut bytes = bytes;
        if fix && !bytes.is_empty() {
            bytes[0] = 0x40 | (bytes[0] & 0x0f);
        }
        let lax = HeaderView::new_lax(&bytes[..]);
        let theirs = etherparse::Ipv4HeaderSlice::from_slice(&bytes);
        prop_assert_eq!(lax.is_ok(), theirs.is_ok(), "{:?} vs {:?}", lax, theirs);
        prop_assert_eq!(lax.is_ok(), etherparse::Ipv4Header::from_slice(&bytes).is_ok());
        if let (Ok(v), Ok(e)) = (lax, theirs) {
            let h = v.to_header();
            prop_assert_eq!(h.ihl(), e.ihl());
            prop_assert_eq!(h.dscp(), e.dcp().value());
            prop_assert_eq!(h.ecn(), e.ecn().value());
            prop_assert_eq!(h.total_len, e.total_len());
            prop_assert_eq!(h.identification, e.identification());
            prop_assert_eq!(h.flags.contains(Flags::DONT_FRAGMENT), e.dont_fragment());
            prop_assert_eq!(h.flags.contains(Flags::MORE_FRAGMENTS), e.more_fragments());
            prop_assert_eq!(h.fragment_offset, e.fragments_offset().value());
            prop_assert_eq!(h.ttl, e.ttl());
            prop_assert_eq!(h.protocol.0, e.protocol().0);
            prop_assert_eq!(h.checksum, e.header_checksum());
            prop_assert_eq!(h.source, e.source_addr());
            prop_assert_eq!(h.destination, e.destination_addr());
            prop_assert_eq!(h.options(), e.options());
            let owned = e.to_header();
            // etherparse's owned header drops the reserved flag.
            if !h.flags.contains(Flags::RESERVED) {
                prop_assert_eq!(h.compute_checksum(), owned.calc_header_checksum());
            }
            let (owned2, _) = etherparse::Ipv4Header::from_slice(&bytes).unwrap();
            prop_assert_eq!(owned2, owned);
        }
    }

    /// Marshalling agrees with etherparse's writer (which cannot set the
    /// reserved flag, so it is left clear here).
    #[test]
    fn differential_etherparse_emit(h in any_header()) {
        let mut h = h;
        h.flags.remove(Flags::RESERVED);
        h.fill_checksum();
        let mut ours = [0u8; MAX_LEN];
        let n = h.emit(&mut ours).unwrap();
        let e = etherparse::Ipv4Header {
            dscp: etherparse::IpDscp::try_new(h.dscp()).unwrap(),
            ecn: etherparse::IpEcn::try_new(h.ecn()).unwrap(),
            total_len: h.total_len,
            identification: h.identification,
            dont_fragment: h.flags.contains(Flags::DONT_FRAGMENT),
            more_fragments: h.flags.contains(Flags::MORE_FRAGMENTS),
            fragment_offset: etherparse::IpFragOffset::try_new(h.fragment_offset).unwrap(),
            time_to_live: h.ttl,
            protocol: etherparse::IpNumber(h.protocol.0),
            header_checksum: h.checksum,
            source: h.source.octets(),
            destination: h.destination.octets(),
            options: etherparse::Ipv4Options::try_from(h.options()).unwrap(),
        };
        prop_assert_eq!(e.calc_header_checksum(), h.checksum);
        prop_assert_eq!(&ours[..n], &e.to_bytes()[..]);
    }

    /// smoltcp's `Packet::new_checked` applies every length rule of
    /// `HeaderView::new_checked` but not the version check (its `Repr::parse`
    /// does that), so validity must agree once the version is 4.
    #[test]
    fn differential_smoltcp(bytes in prop::collection::vec(any::<u8>(), 0..90), fix in any::<bool>()) {
        let mut bytes = bytes;
        if fix && !bytes.is_empty() {
            bytes[0] = 0x40 | (bytes[0] & 0x0f);
        }
        let ours = HeaderView::new_checked(&bytes[..]);
        let theirs = smoltcp::wire::Ipv4Packet::new_checked(&bytes[..]);
        let theirs_valid = theirs.as_ref().is_ok_and(|p| p.version() == 4);
        prop_assert_eq!(ours.is_ok(), theirs_valid);
        if let (Ok(v), Ok(p)) = (ours, theirs) {
            prop_assert_eq!(v.header_len(), usize::from(p.header_len()));
            prop_assert_eq!((v.dscp(), v.ecn()), (p.dscp(), p.ecn()));
            prop_assert_eq!(v.total_len(), p.total_len());
            prop_assert_eq!(v.identification(), p.ident());
            prop_assert_eq!(v.dont_fragment(), p.dont_frag());
            prop_assert_eq!(v.more_fragments(), p.more_frags());
            prop_assert_eq!(u32::from(v.fragment_offset()) * 8, u32::from(p.frag_offset()));
            prop_assert_eq!(v.ttl(), p.hop_limit());
            prop_assert_eq!(v.protocol().0, u8::from(p.next_header()));
            prop_assert_eq!(v.checksum(), p.checksum());
            prop_assert_eq!(v.verify_checksum(), p.verify_checksum());
            prop_assert_eq!(v.source(), p.src_addr());
            prop_assert_eq!(v.destination(), p.dst_addr());
            prop_assert_eq!(v.payload(), p.payload());
        }
    }

    /// pnet_packet checks only the 20-byte minimum, so only fields are
    /// compared, on valid packets.
    #[test]
    fn differential_pnet(packet in any_packet()) {
        use pnet_packet::Packet as _;
        let v = HeaderView::new_checked(&packet[..]).unwrap();
        let p = pnet_packet::ipv4::Ipv4Packet::new(&packet).unwrap();
        prop_assert_eq!(v.version(), p.get_version());
        prop_assert_eq!(v.ihl(), p.get_header_length());
        prop_assert_eq!((v.dscp(), v.ecn()), (p.get_dscp(), p.get_ecn()));
        prop_assert_eq!(v.total_len(), p.get_total_length());
        prop_assert_eq!(v.identification(), p.get_identification());
        prop_assert_eq!(v.flags().bits(), p.get_flags());
        prop_assert_eq!(v.fragment_offset(), p.get_fragment_offset());
        prop_assert_eq!(v.ttl(), p.get_ttl());
        prop_assert_eq!(v.protocol().0, p.get_next_level_protocol().0);
        prop_assert_eq!(v.checksum(), p.get_checksum());
        prop_assert_eq!(v.compute_checksum(), pnet_packet::ipv4::checksum(&p));
        prop_assert_eq!(v.source(), p.get_source());
        prop_assert_eq!(v.destination(), p.get_destination());
        prop_assert_eq!(v.header_bytes(), &p.packet()[..v.header_len()]);
    }
}

/// The golden packets parse the same in all three peers.
#[test]
fn golden_packets_agree_with_peers() {
    use super::testdata::*;
    for packet in [
        &ICMP_ECHO_REQUEST[..],
        &UDP_DNS_QUERY[..],
        &IGMPV2_REPORT_ROUTER_ALERT[..],
        &UDP_FRAGMENT_MF[..],
        &UDP_FRAGMENT_LAST[..],
        &ICMP_ECHO_RECORD_ROUTE[..],
    ] {
        let v = HeaderView::new_checked(packet).unwrap();
        let e = etherparse::Ipv4HeaderSlice::from_slice(packet).unwrap();
        let s = smoltcp::wire::Ipv4Packet::new_checked(packet).unwrap();
        assert!(v.verify_checksum() && s.verify_checksum());
        assert_eq!(e.to_header().calc_header_checksum(), v.checksum());
        assert_eq!(v.payload(), s.payload());
        assert_eq!(v.options(), e.options());
    }
}

proptest! {
    /// A packet emitted in one call is the header emitted with the
    /// total length set from the payload, then the payload; etherparse
    /// reads back the same header, options and payload; and the stale
    /// `total_len` of the owned header never leaks into it.
    #[test]
    fn emit_packet_is_emit_plus_payload(
        h in any_header(),
        payload in prop::collection::vec(any::<u8>(), 0..300),
        slack in 0usize..16,
    ) {
        let mut buf = std::vec![0xa5u8; h.header_len() + payload.len() + slack];
        let n = h.emit_packet(&payload, &mut buf).unwrap();
        prop_assert_eq!(n, h.header_len() + payload.len());
        prop_assert!(buf[n..].iter().all(|&b| b == 0xa5));

        let mut expected = h;
        expected.set_payload_len(payload.len()).unwrap();
        let mut header = [0u8; MAX_LEN];
        let hl = expected.emit(&mut header).unwrap();
        prop_assert_eq!(&buf[..hl], &header[..hl]);
        prop_assert_eq!(&buf[hl..n], &payload[..]);

        let view = HeaderView::new_checked_with(&buf[..n], Policy::Enforce).unwrap();
        prop_assert_eq!(view.payload(), &payload[..]);
        let (theirs, rest) = etherparse::Ipv4Header::from_slice(&buf[..n]).unwrap();
        prop_assert_eq!(usize::from(theirs.total_len), n);
        prop_assert_eq!(theirs.options.as_slice(), h.options());
        prop_assert_eq!(rest, &payload[..]);

        // The in-place form writes the same header.
        let mut again = std::vec![0u8; n];
        let mut packet = h.emit_packet_with(payload.len(), &mut again).unwrap();
        packet.payload_mut().copy_from_slice(&payload);
        prop_assert_eq!(&again[..], &buf[..n]);
    }
}

proptest! {
    /// `new_checked_with(Enforce)` agrees with `new_checked` plus
    /// `verify_checksum`, on packets with a right checksum and with one
    /// header byte changed; its error carries the field as found and what
    /// `compute_checksum` says it should be (it works that out from the
    /// sum it verified, not by summing again).
    #[test]
    fn enforce_agrees_with_verify(packet in any_packet(), at in 0usize..60, xor in any::<u8>()) {
        let mut packet = packet;
        let header_len = usize::from(packet[0] & 0x0f) * 4;
        // Any header byte but the version/IHL and total length ones, which
        // would make the packet fail the length rules instead.
        let at = at % header_len;
        if !matches!(at, 0 | 2 | 3) {
            packet[at] ^= xor;
        }
        let view = HeaderView::new_checked(&packet[..]).unwrap();
        match HeaderView::new_checked_with(&packet[..], Policy::Enforce) {
            Ok(v) => {
                prop_assert!(view.verify_checksum());
                prop_assert_eq!(v, view);
            }
            Err(HeaderError::Checksum { expected, found }) => {
                prop_assert!(!view.verify_checksum());
                prop_assert_eq!(found, view.checksum());
                prop_assert_eq!(expected, view.compute_checksum());
            }
            Err(other) => prop_assert!(false, "{other:?}"),
        }
    }
}
