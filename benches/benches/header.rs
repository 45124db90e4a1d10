//! IPv4 header parse and emit against etherparse, smoltcp and pnet_packet,
//! in both calling conventions (`common::Convention`: inlined into the
//! timing loop, and behind an `#[inline(never)]` call).
//!
//! ```text
//! taskset -c 1 cargo bench -p ipv4-benches --bench header
//! cargo run -p ipv4-benches --bin report -- header
//! ```
//!
//! Every parse case does the same work in every library: validate the
//! header of a whole packet (the "checksum" cases also verify the header
//! checksum), then read every field: TOS (or DSCP and ECN), total length,
//! identification, flags, fragment offset, TTL, protocol, checksum, source,
//! destination, header and payload length. Each returns a `u64` digest of
//! what it read (0 if it rejected the packet), one register whatever the
//! convention.
//!
//! Every emit case builds the header from plain values (addresses,
//! identification, TTL, payload length, an options byte slice) on every
//! iteration and writes it with its checksum into a 60-byte buffer; the
//! digest is the length written and the checksum read back.
//!
//! Many short samples (100 in 1 s) are taken so that, on a shared machine,
//! the fastest samples (`sample.json`: least time per iteration, what
//! `report` shows by default) show the code's own cost; criterion's median
//! shows it plus preemption.

#[macro_use]
#[path = "common/mod.rs"]
mod common;

use std::hint::black_box;
use std::net::Ipv4Addr;
use std::time::Duration;

use common::{Convention, inlined, outlined};
use criterion::{BenchmarkGroup, Criterion, measurement::WallTime};
use ipv4_core::checksum::Policy;
use ipv4_core::header::{Flags, Header, HeaderFields, HeaderView, Protocol};
use ipv4_core::options::Ipv4Option;
use smoltcp::phy::ChecksumCapabilities;

/// ICMP echo request, 20-byte header, 84-byte datagram.
const ICMP_ECHO_20: [u8; 84] = [
    0x45, 0x00, 0x00, 0x54, 0x1c, 0x46, 0x40, 0x00, 0x40, 0x01, 0x32, 0x27, 0xc0, 0x00, 0x02, 0x01,
    0xc6, 0x33, 0x64, 0x07, 0x08, 0x00, 0x42, 0xc0, 0x1f, 0x2e, 0x00, 0x01, 0x65, 0x4f, 0x2a, 0x60,
    0x00, 0x00, 0x00, 0x00, 0x3c, 0x8e, 0x0b, 0x00, 0x00, 0x00, 0x00, 0x00, 0x10, 0x11, 0x12, 0x13,
    0x14, 0x15, 0x16, 0x17, 0x18, 0x19, 0x1a, 0x1b, 0x1c, 0x1d, 0x1e, 0x1f, 0x20, 0x21, 0x22, 0x23,
    0x24, 0x25, 0x26, 0x27, 0x28, 0x29, 0x2a, 0x2b, 0x2c, 0x2d, 0x2e, 0x2f, 0x30, 0x31, 0x32, 0x33,
    0x34, 0x35, 0x36, 0x37,
];

/// IGMPv2 report with Router Alert, 24-byte header.
const IGMP_RA_24: [u8; 32] = [
    0x46, 0xc0, 0x00, 0x20, 0x00, 0x00, 0x40, 0x00, 0x01, 0x02, 0x31, 0x09, 0xc0, 0x00, 0x02, 0x0a,
    0xef, 0x01, 0x02, 0x03, 0x94, 0x04, 0x00, 0x00, 0x16, 0x00, 0xf8, 0xfa, 0xef, 0x01, 0x02, 0x03,
];

/// ICMP echo request with a nine-slot Record Route option, 60-byte header.
const ICMP_RR_60: [u8; 76] = [
    0x4f, 0x00, 0x00, 0x4c, 0x1c, 0x47, 0x40, 0x00, 0x40, 0x01, 0x1d, 0x07, 0xc0, 0x00, 0x02, 0x01,
    0xc6, 0x33, 0x64, 0x07, 0x07, 0x27, 0x04, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
    0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
    0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x08, 0x00, 0x8c, 0x7f,
    0x1f, 0x2e, 0x00, 0x02, 0x10, 0x11, 0x12, 0x13, 0x14, 0x15, 0x16, 0x17,
];

/// Every field of a header folded into one value: what the parse cases
/// return.
#[allow(clippy::too_many_arguments)]
#[inline(always)]
fn digest(
    tos: u8,
    total_len: u16,
    identification: u16,
    flags_fragment: u16,
    ttl: u8,
    protocol: u8,
    checksum: u16,
    source: Ipv4Addr,
    destination: Ipv4Addr,
    header_len: usize,
    payload_len: usize,
) -> u64 {
    (u64::from(tos) | u64::from(ttl) << 8 | u64::from(protocol) << 16 | u64::from(checksum) << 32)
        ^ (u64::from(total_len) | u64::from(identification) << 16 | u64::from(flags_fragment) << 32)
            .rotate_left(7)
        ^ (u64::from(source.to_bits()) | u64::from(destination.to_bits()) << 32).rotate_left(13)
        ^ (header_len as u64) << 48
        ^ payload_len as u64
}

#[inline(always)]
fn ours_view_fields<B: AsRef<[u8]>>(v: &HeaderView<B>, extra: usize) -> u64 {
    digest(
        v.tos(),
        v.total_len(),
        v.identification(),
        v.flags().to_word() | v.fragment_offset(),
        v.ttl(),
        v.protocol().0,
        v.checksum(),
        v.source(),
        v.destination(),
        v.header_len(),
        v.payload().len() + extra,
    )
}

#[inline(always)]
fn ours_owned_fields(h: &Header) -> u64 {
    digest(
        h.tos,
        h.total_len,
        h.identification,
        h.flags.to_word() | h.fragment_offset,
        h.ttl,
        h.protocol.0,
        h.checksum,
        h.source,
        h.destination,
        h.header_len(),
        h.payload_len(),
    )
}

fn ours_view(b: &[u8]) -> u64 {
    HeaderView::new_checked(b).map_or(0, |v| ours_view_fields(&v, 0))
}

fn ours_view_cksum(b: &[u8]) -> u64 {
    HeaderView::new_checked_with(b, Policy::Enforce).map_or(0, |v| ours_view_fields(&v, 0))
}

fn ours_owned(b: &[u8]) -> u64 {
    Header::parse(b).map_or(0, |h| ours_owned_fields(&h))
}

fn ours_owned_cksum(b: &[u8]) -> u64 {
    HeaderView::new_checked_with(b, Policy::Enforce)
        .map_or(0, |v| ours_owned_fields(&v.to_header()))
}

/// [`ours_view_cksum`] plus a strict walk over every option, each one
/// decoded and consumed (the peers decode no options).
fn ours_view_cksum_walk(b: &[u8]) -> u64 {
    let Ok(v) = HeaderView::new_checked_with(b, Policy::Enforce) else {
        return 0;
    };
    let mut walked = 0;
    for option in v.options_iter() {
        walked += match option {
            Ok(Ipv4Option::RecordRoute(route)) => route.filled(),
            Ok(Ipv4Option::Timestamp(timestamp)) => timestamp.filled(),
            Ok(Ipv4Option::RouterAlert(alert)) => usize::from(alert.value()),
            Ok(_) => 1,
            Err(_) => return 0,
        };
    }
    ours_view_fields(&v, walked)
}

#[inline(always)]
fn etherparse_slice_fields(s: &etherparse::Ipv4HeaderSlice<'_>) -> u64 {
    let Some(payload_len) = usize::from(s.total_len()).checked_sub(s.slice().len()) else {
        return 0;
    };
    digest(
        s.dcp().value() << 2 | s.ecn().value(),
        s.total_len(),
        s.identification(),
        u16::from(s.dont_fragment()) << 14
            | u16::from(s.more_fragments()) << 13
            | s.fragments_offset().value(),
        s.ttl(),
        s.protocol().0,
        s.header_checksum(),
        s.source_addr(),
        s.destination_addr(),
        s.slice().len(),
        payload_len,
    )
}

fn etherparse_slice(b: &[u8]) -> u64 {
    etherparse::Ipv4HeaderSlice::from_slice(b).map_or(0, |s| etherparse_slice_fields(&s))
}

fn etherparse_slice_cksum(b: &[u8]) -> u64 {
    let Ok(s) = etherparse::Ipv4HeaderSlice::from_slice(b) else {
        return 0;
    };
    let sum = etherparse::checksum::Sum16BitWords::new().add_slice(s.slice());
    if sum.ones_complement() != 0 {
        return 0;
    }
    etherparse_slice_fields(&s)
}

#[inline(always)]
fn etherparse_owned_fields(h: &etherparse::Ipv4Header) -> u64 {
    let Some(payload_len) = usize::from(h.total_len).checked_sub(h.header_len()) else {
        return 0;
    };
    digest(
        h.dscp.value() << 2 | h.ecn.value(),
        h.total_len,
        h.identification,
        u16::from(h.dont_fragment) << 14
            | u16::from(h.more_fragments) << 13
            | h.fragment_offset.value(),
        h.time_to_live,
        h.protocol.0,
        h.header_checksum,
        h.source.into(),
        h.destination.into(),
        h.header_len(),
        payload_len,
    )
}

fn etherparse_owned(b: &[u8]) -> u64 {
    etherparse::Ipv4Header::from_slice(b).map_or(0, |(h, _)| etherparse_owned_fields(&h))
}

fn etherparse_owned_cksum(b: &[u8]) -> u64 {
    let Ok((h, _)) = etherparse::Ipv4Header::from_slice(b) else {
        return 0;
    };
    if h.calc_header_checksum() != h.header_checksum {
        return 0;
    }
    etherparse_owned_fields(&h)
}

#[inline(always)]
fn smoltcp_with(b: &[u8], caps: &ChecksumCapabilities) -> u64 {
    let Ok(p) = smoltcp::wire::Ipv4Packet::new_checked(b) else {
        return 0;
    };
    let Ok(r) = smoltcp::wire::Ipv4Repr::parse(&p, caps) else {
        return 0;
    };
    // The repr holds addresses, protocol, TTL and payload length; the
    // packet accessors give the rest.
    digest(
        p.dscp() << 2 | p.ecn(),
        p.total_len(),
        p.ident(),
        u16::from(p.dont_frag()) << 14 | u16::from(p.more_frags()) << 13 | p.frag_offset(),
        r.hop_limit,
        r.next_header.into(),
        p.checksum(),
        r.src_addr,
        r.dst_addr,
        usize::from(p.header_len()),
        r.payload_len,
    )
}

fn smoltcp(b: &[u8]) -> u64 {
    smoltcp_with(b, &ChecksumCapabilities::ignored())
}

fn smoltcp_cksum(b: &[u8]) -> u64 {
    smoltcp_with(b, &ChecksumCapabilities::default())
}

#[inline(always)]
fn pnet_fields(p: &pnet_packet::ipv4::Ipv4Packet<'_>) -> u64 {
    let header_len = usize::from(p.get_header_length()) * 4;
    let Some(payload_len) = usize::from(p.get_total_length()).checked_sub(header_len) else {
        return 0;
    };
    digest(
        p.get_dscp() << 2 | p.get_ecn(),
        p.get_total_length(),
        p.get_identification(),
        u16::from(p.get_flags()) << 13 | p.get_fragment_offset(),
        p.get_ttl(),
        p.get_next_level_protocol().0,
        p.get_checksum(),
        p.get_source(),
        p.get_destination(),
        header_len,
        payload_len,
    )
}

fn pnet(b: &[u8]) -> u64 {
    pnet_packet::ipv4::Ipv4Packet::new(b).map_or(0, |p| pnet_fields(&p))
}

fn pnet_cksum(b: &[u8]) -> u64 {
    let Some(p) = pnet_packet::ipv4::Ipv4Packet::new(b) else {
        return 0;
    };
    if pnet_packet::ipv4::checksum(&p) != p.get_checksum() {
        return 0;
    }
    pnet_fields(&p)
}

/// The floor, not a peer: a minimal hand-written parser with the view's
/// validation (at least 20 bytes, version 4, IHL ≥ 5, IHL × 4 ≤ total
/// length ≤ buffer), no error values (0 on any failure) and no reusable
/// type, reading the fields straight from the checked bytes into the same
/// digest. What any parser with this validation and this digest costs
/// here; `report` leaves `floor*` rows out of the peers.
#[inline(always)]
fn floor_with(b: &[u8], verify: bool) -> u64 {
    let Some(h) = b.first_chunk::<20>() else {
        return 0;
    };
    let header_len = usize::from(h[0] & 0x0f) * 4;
    let total_len = u16::from_be_bytes([h[2], h[3]]);
    let total = usize::from(total_len);
    if !((h[0] >> 4 == 4) & (header_len >= 20) & (header_len <= total) & (total <= b.len())) {
        return 0;
    }
    if verify {
        let word = |w: &[u8; 4]| u64::from(u32::from_ne_bytes(*w));
        let (fixed, _) = h.as_chunks::<4>();
        let mut sum: u64 = fixed.iter().map(word).sum();
        if let Some(options) = b.get(20..header_len) {
            sum += options.as_chunks::<4>().0.iter().map(word).sum::<u64>();
        }
        // Sums to 0xffff in ones' complement: a non-zero multiple of 0xffff.
        if !sum.is_multiple_of(0xffff) || sum == 0 {
            return 0;
        }
    }
    digest(
        h[1],
        total_len,
        u16::from_be_bytes([h[4], h[5]]),
        u16::from_be_bytes([h[6], h[7]]),
        h[8],
        h[9],
        u16::from_be_bytes([h[10], h[11]]),
        Ipv4Addr::from_octets([h[12], h[13], h[14], h[15]]),
        Ipv4Addr::from_octets([h[16], h[17], h[18], h[19]]),
        header_len,
        total - header_len,
    )
}

fn floor(b: &[u8]) -> u64 {
    floor_with(b, false)
}

fn floor_cksum(b: &[u8]) -> u64 {
    floor_with(b, true)
}

/// A packet buffer aligned to a cache line, as receive buffers are, so no
/// library pays for a load split across lines or pages depending on where
/// the linker put a constant.
#[repr(C, align(64))]
struct Aligned([u8; 128]);

fn aligned(packet: &[u8]) -> &'static [u8] {
    let mut buf = Aligned([0; 128]);
    buf.0[..packet.len()].copy_from_slice(packet);
    let buf: &'static Aligned = Box::leak(Box::new(buf));
    &buf.0[..packet.len()]
}

fn samples() -> [(&'static str, &'static [u8]); 3] {
    [
        ("20B", aligned(&ICMP_ECHO_20)),
        ("24B", aligned(&IGMP_RA_24)),
        ("60B", aligned(&ICMP_RR_60)),
    ]
}

/// Groups `header/<convention>/parse/<size>` (no checksum) and
/// `header/<convention>/parse+checksum/<size>`.
fn bench_parse(c: &mut Criterion) {
    for (size, packet) in samples() {
        for f in [
            ours_view,
            ours_owned,
            floor,
            etherparse_slice,
            etherparse_owned,
            smoltcp,
            pnet,
        ] {
            assert_ne!(f(packet), 0, "{size}");
        }
        bench_both!(
            c,
            "header/parse",
            size,
            packet,
            [
                ("ours view", ours_view),
                ("ours owned", ours_owned),
                ("floor (hand-written)", floor),
                ("etherparse slice", etherparse_slice),
                ("etherparse owned", etherparse_owned),
                ("smoltcp", smoltcp),
                ("pnet", pnet),
            ]
        );
        for f in [
            ours_view_cksum,
            ours_owned_cksum,
            ours_view_cksum_walk,
            floor_cksum,
        ] {
            assert_ne!(f(packet), 0, "{size}");
        }
        for f in [
            etherparse_slice_cksum,
            etherparse_owned_cksum,
            smoltcp_cksum,
            pnet_cksum,
        ] {
            assert_ne!(f(packet), 0, "{size}");
        }
        bench_both!(
            c,
            "header/parse+checksum",
            size,
            packet,
            [
                ("ours view", ours_view_cksum),
                ("ours owned", ours_owned_cksum),
                ("ours view + option walk", ours_view_cksum_walk),
                ("floor (hand-written)", floor_cksum),
                ("etherparse slice", etherparse_slice_cksum),
                ("etherparse owned", etherparse_owned_cksum),
                ("smoltcp", smoltcp_cksum),
                ("pnet", pnet_cksum),
            ]
        );
    }
}

/// 64 packets, the three kinds interleaved, with checksum verification:
/// `header/mixed+checksum/<convention>/64 packets`, the parse inlined into the loop
/// or called once per packet.
fn bench_mixed(c: &mut Criterion) {
    let kinds = samples();
    let stream: Vec<&[u8]> = (0..64).map(|i| kinds[i % 3].1).collect();
    fn each(
        group: &mut BenchmarkGroup<'_, WallTime>,
        convention: Convention,
        stream: &[&[u8]],
        name: &str,
        f: impl Fn(&[u8]) -> u64 + Copy,
    ) {
        group.bench_function(name, |b| match convention {
            Convention::Inline => b.iter(|| {
                black_box(stream)
                    .iter()
                    .fold(0, |acc, p| acc ^ inlined(&f, *p))
            }),
            Convention::Call => b.iter(|| {
                black_box(stream)
                    .iter()
                    .fold(0, |acc, p| acc ^ outlined(&f, *p))
            }),
        });
    }
    for convention in Convention::BOTH {
        let name = format!("header/mixed+checksum/{}/64 packets", convention.name());
        let mut g = c.benchmark_group(name);
        each(&mut g, convention, &stream, "ours view", ours_view_cksum);
        each(&mut g, convention, &stream, "ours owned", ours_owned_cksum);
        each(
            &mut g,
            convention,
            &stream,
            "etherparse slice",
            etherparse_slice_cksum,
        );
        each(
            &mut g,
            convention,
            &stream,
            "etherparse owned",
            etherparse_owned_cksum,
        );
        each(&mut g, convention, &stream, "smoltcp", smoltcp_cksum);
        each(&mut g, convention, &stream, "pnet", pnet_cksum);
        g.finish();
    }
}

/// The plain values every emit case starts from.
struct Plain {
    source: Ipv4Addr,
    destination: Ipv4Addr,
    identification: u16,
    ttl: u8,
    payload_len: usize,
    options: &'static [u8],
}

/// What an emit case gets: the values and the buffer to write.
type EmitInput<'a> = (&'a Plain, &'a mut [u8]);

/// The digest of an emit: the length written and the checksum field.
#[inline(always)]
fn written(len: usize, buf: &[u8]) -> u64 {
    len as u64 ^ u64::from(u16::from_ne_bytes([buf[10], buf[11]])) << 16
}

fn ours_emit((p, buf): EmitInput<'_>) -> u64 {
    let mut h = Header::new(p.source, p.destination, Protocol::UDP)
        .with_flags(Flags::DONT_FRAGMENT)
        .with_ttl(p.ttl)
        .with_identification(p.identification);
    if h.set_options(p.options).is_err() || h.set_payload_len(p.payload_len).is_err() {
        return 0;
    }
    match h.emit(buf) {
        Ok(len) => written(len, buf),
        Err(_) => 0,
    }
}

/// The fast path: [`HeaderFields`] (no options array) emitting the
/// options straight from the caller's slice.
fn ours_fields_emit((p, buf): EmitInput<'_>) -> u64 {
    let fields = HeaderFields::new(p.source, p.destination, Protocol::UDP)
        .with_flags(Flags::DONT_FRAGMENT)
        .with_ttl(p.ttl)
        .with_identification(p.identification);
    match fields.emit(p.options, p.payload_len, buf) {
        Ok(len) => written(len, buf),
        Err(_) => 0,
    }
}

fn etherparse_emit((p, buf): EmitInput<'_>) -> u64 {
    let Ok(options) = etherparse::Ipv4Options::try_from(p.options) else {
        return 0;
    };
    let header_len = 20 + p.options.len();
    let h = etherparse::Ipv4Header {
        total_len: (header_len + p.payload_len) as u16,
        identification: p.identification,
        dont_fragment: true,
        time_to_live: p.ttl,
        protocol: etherparse::IpNumber::UDP,
        source: p.source.octets(),
        destination: p.destination.octets(),
        options,
        ..Default::default()
    };
    let mut out = &mut buf[..];
    match h.write(&mut out) {
        Ok(()) => written(header_len, buf),
        Err(_) => 0,
    }
}

/// smoltcp writes no options (and identification 0): 20-byte case only.
fn smoltcp_emit((p, buf): EmitInput<'_>) -> u64 {
    let repr = smoltcp::wire::Ipv4Repr {
        src_addr: p.source,
        dst_addr: p.destination,
        next_header: smoltcp::wire::IpProtocol::Udp,
        payload_len: p.payload_len,
        hop_limit: p.ttl,
    };
    let mut packet = smoltcp::wire::Ipv4Packet::new_unchecked(&mut buf[..]);
    repr.emit(&mut packet, &ChecksumCapabilities::default());
    written(20, buf)
}

fn pnet_emit((p, buf): EmitInput<'_>) -> u64 {
    let header_len = 20 + p.options.len();
    let Some(mut packet) = pnet_packet::ipv4::MutableIpv4Packet::new(&mut buf[..]) else {
        return 0;
    };
    packet.set_version(4);
    packet.set_header_length((header_len / 4) as u8);
    packet.set_dscp(0);
    packet.set_ecn(0);
    packet.set_total_length((header_len + p.payload_len) as u16);
    packet.set_identification(p.identification);
    packet.set_flags(pnet_packet::ipv4::Ipv4Flags::DontFragment);
    packet.set_fragment_offset(0);
    packet.set_ttl(p.ttl);
    packet.set_next_level_protocol(pnet_packet::ip::IpNextHeaderProtocols::Udp);
    packet.set_source(p.source);
    packet.set_destination(p.destination);
    packet.get_options_raw_mut()[..p.options.len()].copy_from_slice(p.options);
    let sum = pnet_packet::ipv4::checksum(&packet.to_immutable());
    packet.set_checksum(sum);
    written(header_len, buf)
}

/// Groups `header/<convention>/emit+checksum/<size>`.
fn bench_emit(c: &mut Criterion) {
    let options: [(&str, &'static [u8]); 3] = [
        ("20B", &[]),
        ("24B", &IGMP_RA_24[20..24]),
        ("60B", &ICMP_RR_60[20..60]),
    ];
    for (size, opts) in options {
        let plain = Plain {
            source: Ipv4Addr::new(192, 0, 2, 1),
            destination: Ipv4Addr::new(198, 51, 100, 7),
            identification: 0x1c46,
            ttl: 64,
            payload_len: 100,
            options: opts,
        };
        let mut buf = [0u8; 60];
        // Same bytes from every library (smoltcp: 20 B, identification 0).
        let ours = ours_emit((&plain, &mut buf));
        let expected = buf;
        assert_ne!(ours, 0);
        let header_len = 20 + opts.len();
        for f in [ours_fields_emit, etherparse_emit, pnet_emit] {
            buf = [0; 60];
            assert_eq!(f((&plain, &mut buf)), ours, "{size}");
            assert_eq!(buf[..header_len], expected[..header_len], "{size}");
        }
        if opts.is_empty() {
            bench_both!(
                c,
                "header/emit+checksum",
                size,
                (&plain, &mut buf[..]),
                [
                    ("ours", ours_emit),
                    ("ours fields", ours_fields_emit),
                    ("etherparse", etherparse_emit),
                    ("smoltcp", smoltcp_emit),
                    ("pnet", pnet_emit),
                ]
            );
        } else {
            bench_both!(
                c,
                "header/emit+checksum",
                size,
                (&plain, &mut buf[..]),
                [
                    ("ours", ours_emit),
                    ("ours fields", ours_fields_emit),
                    ("etherparse", etherparse_emit),
                    ("pnet", pnet_emit),
                ]
            );
        }
    }
}

fn main() {
    common::record_machine("header");
    let mut criterion = Criterion::default()
        .sample_size(100)
        .warm_up_time(Duration::from_millis(300))
        .measurement_time(Duration::from_millis(1000))
        .configure_from_args();
    bench_parse(&mut criterion);
    bench_mixed(&mut criterion);
    bench_emit(&mut criterion);
    criterion.final_summary();
}
