//! IGMP parse + checksum against etherparse's `IgmpSlice` and smoltcp's
//! `IgmpPacket`/`IgmpRepr`.
//!
//! Every contender verifies the checksum and reads every field a receiver
//! needs (for v3 reports: every record's type, group and sources).
//!
//! ```text
//! cargo bench -p ipv4-benches --bench igmp -- --warm-up-time 1 --measurement-time 3
//! ```

use std::hint::black_box;
use std::net::Ipv4Addr;

use criterion::{Criterion, criterion_group, criterion_main};
use ipv4_core::igmp::{GroupRecord, Message, RecordType, ReportV3Repr, V1V2Repr};

fn v2_report() -> Vec<u8> {
    let mut buf = vec![0; 8];
    V1V2Repr::report_v2(Ipv4Addr::new(239, 1, 2, 3))
        .emit(&mut buf)
        .unwrap();
    buf
}

/// 8 records of 4 sources each: 8 + 8 * (8 + 16) = 200 bytes.
fn v3_report() -> Vec<u8> {
    let sources: Vec<Ipv4Addr> = (0..4u32).map(|i| Ipv4Addr::from(0x0a00_0001 + i)).collect();
    let records: Vec<GroupRecord<'_>> = (0..8u8)
        .map(|i| {
            GroupRecord::new(
                RecordType(1 + i % 6),
                Ipv4Addr::new(232, 1, 1, i),
                &sources[..],
            )
        })
        .collect();
    let report = ReportV3Repr::new(&records[..]);
    let mut buf = vec![0; report.buffer_len()];
    report.emit(&mut buf).unwrap();
    buf
}

fn bench_v2(c: &mut Criterion) {
    let bytes = v2_report();
    let mut g = c.benchmark_group("igmp/v2_report");
    g.bench_function("ipv4-core", |b| {
        b.iter(|| match Message::parse(black_box(&bytes)) {
            Ok(Message::ReportV2(r)) => r.group(),
            _ => unreachable!(),
        })
    });
    g.bench_function("etherparse", |b| {
        b.iter(|| {
            let s = etherparse::IgmpSlice::from_slice(black_box(&bytes)).unwrap();
            assert!(s.is_checksum_valid());
            match s {
                etherparse::IgmpSlice::MembershipReportV2(r) => r.group_address().octets,
                _ => unreachable!(),
            }
        })
    });
    g.bench_function("smoltcp", |b| {
        use smoltcp::wire::{IgmpPacket, IgmpRepr};
        b.iter(|| {
            let p = IgmpPacket::new_checked(black_box(&bytes[..])).unwrap();
            assert!(p.verify_checksum());
            match IgmpRepr::parse(&p).unwrap() {
                IgmpRepr::MembershipReport { group_addr, .. } => group_addr,
                _ => unreachable!(),
            }
        })
    });
    g.finish();
}

fn bench_v3(c: &mut Criterion) {
    let bytes = v3_report();
    let mut g = c.benchmark_group("igmp/v3_report_8x4");
    g.bench_function("ipv4-core", |b| {
        b.iter(|| {
            let Ok(Message::ReportV3(r)) = Message::parse(black_box(&bytes)) else {
                unreachable!()
            };
            let mut acc = 0u32;
            for rec in r.records() {
                acc ^= u32::from(rec.record_type.0) ^ rec.group.to_bits();
                for s in rec.sources {
                    acc ^= s.to_bits();
                }
            }
            acc
        })
    });
    g.bench_function("etherparse", |b| {
        b.iter(|| {
            let s = etherparse::IgmpSlice::from_slice(black_box(&bytes)).unwrap();
            assert!(s.is_checksum_valid());
            let etherparse::IgmpSlice::MembershipReportV3(r) = s else {
                unreachable!()
            };
            let mut acc = 0u32;
            for rec in r.group_records() {
                let rec = rec.unwrap();
                acc ^= u32::from(rec.record_type().0) ^ u32::from_be_bytes(rec.multicast_address());
                for s in rec.source_addresses() {
                    acc ^= u32::from_be_bytes(s);
                }
            }
            acc
        })
    });
    g.finish();
}

criterion_group!(benches, bench_v2, bench_v3);
criterion_main!(benches);
