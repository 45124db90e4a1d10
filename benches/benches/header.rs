//! IPv4 header parse and emit against etherparse, smoltcp and pnet_packet.
//!
//! `cargo bench -p ipv4-benches --bench header`
//!
//! Every parse case does the same work in every library: validate the
//! header of a whole packet, then read source, destination, protocol and
//! payload length (the "with checksum" cases also verify the header
//! checksum). Results go into BENCHMARKS.md `## header` as ns per op and
//! ratios against the fastest peer of the same run.
//!
//! Many short samples (100 in 1 s) are taken so that, on a shared machine,
//! the fastest samples (`sample.json`: least time per iteration) show the
//! code's own cost; criterion's median shows it plus preemption.
//!
//! Parse cases are a table ([`parsers`]): a variant that walks the options
//! too (the `options` module's) is one more entry with its own name.
use std::hint::black_box;
use std::net::Ipv4Addr;
use std::time::Duration;

use criterion::{BenchmarkId, Criterion, Throughput, criterion_group, criterion_main};
use ipv4_core::checksum::Policy;
use ipv4_core::header::{Flags, Header, HeaderView, Protocol};
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

/// What every parser returns: source, destination, protocol, payload length.
type Summary = Option<(Ipv4Addr, Ipv4Addr, u8, usize)>;

/// Folds a [`Summary`] into one register-sized value, which is what the
/// timing loop hands to `black_box`.
///
/// Why not the `Summary` itself: when the compiler keeps a parser out of
/// line, the 24-byte `Option` comes back through memory, written field by
/// field (4 + 4 + 1 + 8 bytes), and `black_box` copies it with 16-byte
/// loads. Those loads cannot be forwarded from the narrower stores, so each
/// iteration waits for the stores to reach the cache: about 9 ns on this
/// machine, charged to whichever library the inliner happened to leave out
/// of line (it was every "checksum" case). Reading the fields, as a caller
/// does, costs what it should.
#[inline(always)]
fn digest(summary: Summary) -> u64 {
    summary.map_or(0, |(src, dst, proto, payload_len)| {
        u64::from(u32::from(src) ^ u32::from(dst)) ^ u64::from(proto) ^ payload_len as u64
    })
}

// The three view routines spell out their summary: a shared helper taking
// `&HeaderView` made the compiler keep the verified view in memory and
// measured 9.1 ns where this measures 5.5 (20-byte parse with checksum).
#[inline(always)]
fn ours_view(b: &[u8]) -> Summary {
    let v = HeaderView::new_checked(b).ok()?;
    Some((
        v.source(),
        v.destination(),
        v.protocol().0,
        v.payload().len(),
    ))
}

#[inline(always)]
fn ours_view_cksum(b: &[u8]) -> Summary {
    let v = HeaderView::new_checked_with(b, Policy::Enforce).ok()?;
    Some((
        v.source(),
        v.destination(),
        v.protocol().0,
        v.payload().len(),
    ))
}

#[inline(always)]
fn ours_owned(b: &[u8]) -> Summary {
    let h = Header::parse(b).ok()?;
    Some((h.source, h.destination, h.protocol.0, h.payload_len()))
}

/// [`ours_view_cksum`] plus a strict walk over every option, each one
/// decoded and consumed (the "with checksum and a full option walk"
/// case; the peers decode no options).
#[inline(always)]
fn ours_view_cksum_walk(b: &[u8]) -> Summary {
    let v = HeaderView::new_checked_with(b, Policy::Enforce).ok()?;
    let mut walked = 0;
    for option in v.options_iter() {
        walked += match option.ok()? {
            Ipv4Option::RecordRoute(route) => route.filled(),
            Ipv4Option::Timestamp(timestamp) => timestamp.filled(),
            Ipv4Option::RouterAlert(alert) => usize::from(alert.value()),
            _ => 1,
        };
    }
    Some((
        v.source(),
        v.destination(),
        v.protocol().0,
        v.payload().len() + walked,
    ))
}

#[inline(always)]
fn ours_owned_cksum(b: &[u8]) -> Summary {
    let h = HeaderView::new_checked_with(b, Policy::Enforce)
        .ok()?
        .to_header();
    Some((h.source, h.destination, h.protocol.0, h.payload_len()))
}

#[inline(always)]
fn etherparse_slice(b: &[u8]) -> Summary {
    let s = etherparse::Ipv4HeaderSlice::from_slice(b).ok()?;
    let payload_len = usize::from(s.total_len()).checked_sub(s.slice().len())?;
    Some((
        s.source_addr(),
        s.destination_addr(),
        s.protocol().0,
        payload_len,
    ))
}

#[inline(always)]
fn etherparse_slice_cksum(b: &[u8]) -> Summary {
    let s = etherparse::Ipv4HeaderSlice::from_slice(b).ok()?;
    let sum = etherparse::checksum::Sum16BitWords::new().add_slice(s.slice());
    if sum.ones_complement() != 0 {
        return None;
    }
    let payload_len = usize::from(s.total_len()).checked_sub(s.slice().len())?;
    Some((
        s.source_addr(),
        s.destination_addr(),
        s.protocol().0,
        payload_len,
    ))
}

#[inline(always)]
fn etherparse_owned(b: &[u8]) -> Summary {
    let (h, _) = etherparse::Ipv4Header::from_slice(b).ok()?;
    let payload_len = usize::from(h.total_len).checked_sub(h.header_len())?;
    Some((
        h.source.into(),
        h.destination.into(),
        h.protocol.0,
        payload_len,
    ))
}

#[inline(always)]
fn etherparse_owned_cksum(b: &[u8]) -> Summary {
    let (h, _) = etherparse::Ipv4Header::from_slice(b).ok()?;
    if h.calc_header_checksum() != h.header_checksum {
        return None;
    }
    let payload_len = usize::from(h.total_len).checked_sub(h.header_len())?;
    Some((
        h.source.into(),
        h.destination.into(),
        h.protocol.0,
        payload_len,
    ))
}

#[inline(always)]
fn smoltcp_with(b: &[u8], caps: &ChecksumCapabilities) -> Summary {
    let p = smoltcp::wire::Ipv4Packet::new_checked(b).ok()?;
    let r = smoltcp::wire::Ipv4Repr::parse(&p, caps).ok()?;
    Some((r.src_addr, r.dst_addr, r.next_header.into(), r.payload_len))
}

#[inline(always)]
fn smoltcp(b: &[u8]) -> Summary {
    smoltcp_with(b, &ChecksumCapabilities::ignored())
}

#[inline(always)]
fn smoltcp_cksum(b: &[u8]) -> Summary {
    smoltcp_with(b, &ChecksumCapabilities::default())
}

#[inline(always)]
fn pnet(b: &[u8]) -> Summary {
    let p = pnet_packet::ipv4::Ipv4Packet::new(b)?;
    let header_len = usize::from(p.get_header_length()) * 4;
    let payload_len = usize::from(p.get_total_length()).checked_sub(header_len)?;
    Some((
        p.get_source(),
        p.get_destination(),
        p.get_next_level_protocol().0,
        payload_len,
    ))
}

#[inline(always)]
fn pnet_cksum(b: &[u8]) -> Summary {
    let p = pnet_packet::ipv4::Ipv4Packet::new(b)?;
    if pnet_packet::ipv4::checksum(&p) != p.get_checksum() {
        return None;
    }
    let header_len = usize::from(p.get_header_length()) * 4;
    let payload_len = usize::from(p.get_total_length()).checked_sub(header_len)?;
    Some((
        p.get_source(),
        p.get_destination(),
        p.get_next_level_protocol().0,
        payload_len,
    ))
}

/// Calls `$each!(name, function)` for every parse routine, ours first;
/// `checksum` or `no_checksum` picks the set. Each routine is its own
/// monomorphized benchmark, so nothing is measured through a function
/// pointer. A variant (e.g. one that also walks the options) is one more
/// line here.
macro_rules! parsers {
    (checksum, $each:ident) => {
        $each!("ipv4-core HeaderView", ours_view_cksum);
        $each!("ipv4-core Header", ours_owned_cksum);
        $each!("ipv4-core HeaderView + option walk", ours_view_cksum_walk);
        $each!("etherparse Ipv4HeaderSlice", etherparse_slice_cksum);
        $each!("etherparse Ipv4Header", etherparse_owned_cksum);
        $each!("smoltcp Ipv4Packet+Repr", smoltcp_cksum);
        $each!("pnet_packet Ipv4Packet", pnet_cksum);
    };
    (no_checksum, $each:ident) => {
        $each!("ipv4-core HeaderView", ours_view);
        $each!("ipv4-core Header", ours_owned);
        $each!("etherparse Ipv4HeaderSlice", etherparse_slice);
        $each!("etherparse Ipv4Header", etherparse_owned);
        $each!("smoltcp Ipv4Packet+Repr", smoltcp);
        $each!("pnet_packet Ipv4Packet", pnet);
    };
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

/// One group per header size, with and without checksum verification, so
/// the cases compared are measured minutes apart at most.
fn bench_parse(c: &mut Criterion) {
    for (size, packet) in samples() {
        let mut group = c.benchmark_group(format!("header/parse/{size}"));
        macro_rules! run {
            ($variant:literal, $set:ident) => {{
                macro_rules! each {
                    ($name:literal, $parse:ident) => {
                        assert!($parse(packet).is_some(), "{} rejects {size}", $name);
                        group.bench_with_input(
                            BenchmarkId::new($name, $variant),
                            packet,
                            |b, p| b.iter(|| digest($parse(black_box(p)))),
                        );
                    };
                }
                parsers!($set, each);
            }};
        }
        run!("no checksum", no_checksum);
        run!("checksum", checksum);
        group.finish();
    }
}

/// 64 packets, the three kinds interleaved, with checksum verification.
fn bench_mixed(c: &mut Criterion) {
    let kinds = samples();
    let stream: Vec<&[u8]> = (0..64).map(|i| kinds[i % 3].1).collect();
    let mut group = c.benchmark_group("header/mixed64/checksum");
    group.throughput(Throughput::Elements(stream.len() as u64));
    macro_rules! each {
        ($name:literal, $parse:ident) => {
            group.bench_function($name, |b| {
                b.iter(|| {
                    let mut payload = 0usize;
                    for packet in black_box(&stream) {
                        if let Some((_, _, _, len)) = $parse(packet) {
                            payload += len;
                        }
                    }
                    payload
                })
            });
        };
    }
    parsers!(checksum, each);
    group.finish();
}

fn bench_emit(c: &mut Criterion) {
    let src = Ipv4Addr::new(192, 0, 2, 1);
    let dst = Ipv4Addr::new(198, 51, 100, 7);
    let mut group = c.benchmark_group("header/marshal/checksum");
    let options: [(&str, &[u8]); 3] = [
        ("20B", &[]),
        ("24B", &IGMP_RA_24[20..24]),
        ("60B", &ICMP_RR_60[20..60]),
    ];
    for (size, opts) in options {
        let mut ours = Header::new(src, dst, Protocol::UDP).with_flags(Flags::DONT_FRAGMENT);
        ours.set_options(opts).unwrap();
        ours.set_payload_len(100).unwrap();
        let mut buf = [0u8; 60];
        group.bench_function(BenchmarkId::new("ipv4-core Header::emit", size), |b| {
            // The length, not the `Result`: see [`digest`].
            b.iter(|| black_box(&ours).emit(black_box(&mut buf[..])).unwrap_or(0))
        });

        let ether = etherparse::Ipv4Header {
            total_len: ours.total_len,
            dont_fragment: true,
            time_to_live: 64,
            protocol: etherparse::IpNumber::UDP,
            source: src.octets(),
            destination: dst.octets(),
            options: etherparse::Ipv4Options::try_from(opts).unwrap(),
            ..Default::default()
        };
        group.bench_function(
            BenchmarkId::new("etherparse Ipv4Header::write", size),
            |b| {
                b.iter(|| {
                    let mut out = black_box(&mut buf[..]);
                    black_box(&ether).write(&mut out)
                })
            },
        );

        if opts.is_empty() {
            let repr = smoltcp::wire::Ipv4Repr {
                src_addr: src,
                dst_addr: dst,
                next_header: smoltcp::wire::IpProtocol::Udp,
                payload_len: 100,
                hop_limit: 64,
            };
            let caps = ChecksumCapabilities::default();
            group.bench_function(BenchmarkId::new("smoltcp Ipv4Repr::emit", size), |b| {
                b.iter(|| {
                    let mut packet =
                        smoltcp::wire::Ipv4Packet::new_unchecked(black_box(&mut buf[..]));
                    black_box(&repr).emit(&mut packet, &caps);
                })
            });
        }

        group.bench_function(
            BenchmarkId::new("pnet_packet MutableIpv4Packet", size),
            |b| {
                b.iter(|| {
                    let header_len = 20 + opts.len();
                    let mut p = pnet_packet::ipv4::MutableIpv4Packet::new(black_box(&mut buf[..]))
                        .expect("60 bytes");
                    p.set_version(4);
                    p.set_header_length((header_len / 4) as u8);
                    p.set_dscp(0);
                    p.set_ecn(0);
                    p.set_total_length((header_len + 100) as u16);
                    p.set_identification(0);
                    p.set_flags(pnet_packet::ipv4::Ipv4Flags::DontFragment);
                    p.set_fragment_offset(0);
                    p.set_ttl(64);
                    p.set_next_level_protocol(pnet_packet::ip::IpNextHeaderProtocols::Udp);
                    p.set_source(black_box(src));
                    p.set_destination(black_box(dst));
                    p.get_options_raw_mut().copy_from_slice(black_box(opts));
                    let sum = pnet_packet::ipv4::checksum(&p.to_immutable());
                    p.set_checksum(sum);
                })
            },
        );
    }
    group.finish();
}

criterion_group! {
    name = benches;
    config = Criterion::default()
        .sample_size(100)
        .warm_up_time(Duration::from_millis(300))
        .measurement_time(Duration::from_millis(1000));
    targets = bench_parse, bench_mixed, bench_emit
}
criterion_main!(benches);
