//! IGMP parse + checksum + reading every field, against etherparse's
//! `IgmpSlice` and smoltcp's `IgmpPacket`/`IgmpRepr`, in both calling
//! conventions (`common::Convention`).
//!
//! Every contender verifies the checksum and reads every field of the
//! message: for v3 queries every source, for v3 reports every record's
//! type, aux length, group and every source. Each case returns a digest of
//! what it read (0 if it rejected the message).
//!
//! ```text
//! taskset -c 1 cargo bench -p ipv4-benches --bench igmp
//! cargo run -p ipv4-benches --bin report -- igmp
//! ```

#[macro_use]
#[path = "common/mod.rs"]
mod common;

use std::net::Ipv4Addr;
use std::time::Duration;

use criterion::Criterion;
use ipv4_core::igmp::{GroupRecord, Message, RecordType, ReportV3Repr, V1V2Repr};

fn v1v2(repr: V1V2Repr) -> Vec<u8> {
    let mut buf = vec![0; 8];
    repr.emit(&mut buf).unwrap();
    buf
}

/// A group-and-source-specific v3 query: MRC 100, group 232.1.1.1, QRV 2,
/// QQIC 125, two sources.
fn v3_query() -> Vec<u8> {
    let mut buf = vec![
        0x11, 100, 0, 0, 232, 1, 1, 1, 0x02, 125, 0, 2, 10, 0, 0, 1, 10, 0, 0, 2,
    ];
    let sum = ipv4_core::checksum::checksum(&buf);
    buf[2..4].copy_from_slice(&sum.to_be_bytes());
    buf
}

/// `records` records of `sources` sources each.
fn v3_report(records: u8, sources: u32) -> Vec<u8> {
    let sources: Vec<Ipv4Addr> = (0..sources)
        .map(|i| Ipv4Addr::from(0x0a00_0001 + i))
        .collect();
    let records: Vec<GroupRecord<'_>> = (0..records)
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

fn bits(addr: impl Into<Ipv4Addr>) -> u64 {
    u64::from(addr.into().to_bits())
}

// ---- v1/v2 messages: type, max response time, checksum, group ----

fn ours_v1v2(b: &[u8]) -> u64 {
    let m = match Message::parse(b) {
        Ok(Message::ReportV2(m) | Message::QueryV2(m) | Message::Leave(m)) => m,
        _ => return 0,
    };
    u64::from(m.max_resp_code().code()) ^ u64::from(m.checksum()) << 8 ^ bits(m.group()) << 24
}

fn etherparse_v1v2(b: &[u8]) -> u64 {
    let Ok(s) = etherparse::IgmpSlice::from_slice(b) else {
        return 0;
    };
    if !s.is_checksum_valid() {
        return 0;
    }
    match s {
        etherparse::IgmpSlice::MembershipReportV2(r) => {
            u64::from(r.checksum()) << 8 ^ bits(r.group_address().octets) << 24
        }
        etherparse::IgmpSlice::MembershipQuery(q) => {
            u64::from(q.max_response_time())
                ^ u64::from(q.checksum()) << 8
                ^ bits(q.group_address().octets) << 24
        }
        _ => 0,
    }
}

fn smoltcp_v1v2(b: &[u8]) -> u64 {
    use smoltcp::wire::{IgmpPacket, IgmpRepr};
    let Ok(p) = IgmpPacket::new_checked(b) else {
        return 0;
    };
    if !p.verify_checksum() {
        return 0;
    }
    let checksum = u64::from(p.checksum()) << 8;
    match IgmpRepr::parse(&p) {
        Ok(IgmpRepr::MembershipReport { group_addr, .. }) => checksum ^ bits(group_addr) << 24,
        Ok(IgmpRepr::MembershipQuery {
            max_resp_time,
            group_addr,
            ..
        }) => max_resp_time.total_millis() ^ checksum ^ bits(group_addr) << 24,
        _ => 0,
    }
}

// ---- v3 query: every field and every source ----

fn ours_query_v3(b: &[u8]) -> u64 {
    let Ok(Message::QueryV3(q)) = Message::parse(b) else {
        return 0;
    };
    let mut acc = u64::from(q.max_resp_code().code())
        ^ u64::from(q.checksum()) << 8
        ^ bits(q.group()) << 24
        ^ u64::from(q.s_flag())
        ^ u64::from(q.qrv()) << 1
        ^ u64::from(q.qqic().code()) << 4
        ^ u64::from(q.number_of_sources()) << 12;
    for source in q.sources().iter() {
        acc = acc.rotate_left(5) ^ bits(source);
    }
    acc
}

fn etherparse_query_v3(b: &[u8]) -> u64 {
    let Ok(s) = etherparse::IgmpSlice::from_slice(b) else {
        return 0;
    };
    if !s.is_checksum_valid() {
        return 0;
    }
    let etherparse::IgmpSlice::MembershipQueryWithSources(q) = s else {
        return 0;
    };
    let mut acc = u64::from(q.max_response_code().0)
        ^ u64::from(q.checksum()) << 8
        ^ bits(q.group_address().octets) << 24
        ^ u64::from(q.s_flag())
        ^ u64::from(q.qrv().value()) << 1
        ^ u64::from(q.qqic()) << 4
        ^ u64::from(q.num_of_sources()) << 12;
    for source in q.source_addresses() {
        acc = acc.rotate_left(5) ^ bits(source);
    }
    acc
}

// ---- v3 report: every record's fields and every source ----

fn ours_report_v3(b: &[u8]) -> u64 {
    let Ok(Message::ReportV3(r)) = Message::parse(b) else {
        return 0;
    };
    let mut acc = u64::from(r.number_of_records());
    for rec in r.records() {
        acc = acc.rotate_left(7)
            ^ u64::from(rec.record_type.0)
            ^ (rec.aux_data.len() as u64) << 8
            ^ bits(rec.group) << 16;
        for source in rec.sources.iter() {
            acc = acc.rotate_left(5) ^ bits(source);
        }
    }
    acc
}

fn etherparse_report_v3(b: &[u8]) -> u64 {
    let Ok(s) = etherparse::IgmpSlice::from_slice(b) else {
        return 0;
    };
    if !s.is_checksum_valid() {
        return 0;
    }
    let etherparse::IgmpSlice::MembershipReportV3(r) = s else {
        return 0;
    };
    let mut acc = u64::from(r.num_of_records());
    for rec in r.group_records() {
        let Ok(rec) = rec else {
            return 0;
        };
        acc = acc.rotate_left(7)
            ^ u64::from(rec.record_type().0)
            ^ u64::from(rec.aux_data_len()) << 8
            ^ bits(rec.multicast_address()) << 16;
        for source in rec.source_addresses() {
            acc = acc.rotate_left(5) ^ bits(source);
        }
    }
    acc
}

fn benches(c: &mut Criterion) {
    let v2_report = v1v2(V1V2Repr::report_v2(Ipv4Addr::new(239, 1, 2, 3)));
    let v2_query = v1v2(V1V2Repr::query_v2(Ipv4Addr::UNSPECIFIED, 100));
    for (row, bytes) in [("v2 report", &v2_report[..]), ("v2 query", &v2_query[..])] {
        for f in [ours_v1v2, etherparse_v1v2, smoltcp_v1v2] {
            assert_ne!(f(bytes), 0, "{row}");
        }
        bench_both!(
            c,
            "igmp",
            row,
            bytes,
            [
                ("ours", ours_v1v2),
                ("etherparse", etherparse_v1v2),
                ("smoltcp", smoltcp_v1v2),
            ]
        );
    }

    let query = v3_query();
    assert_eq!(ours_query_v3(&query), etherparse_query_v3(&query));
    bench_both!(
        c,
        "igmp",
        "v3 query, 2 sources",
        &query[..],
        [("ours", ours_query_v3), ("etherparse", etherparse_query_v3),]
    );

    for (records, sources) in [(3, 2), (8, 4)] {
        let report = v3_report(records, sources);
        assert_eq!(ours_report_v3(&report), etherparse_report_v3(&report));
        let row = format!("v3 report, {records}x{sources}");
        bench_both!(
            c,
            "igmp",
            row,
            &report[..],
            [
                ("ours", ours_report_v3),
                ("etherparse", etherparse_report_v3),
            ]
        );
    }
}

fn main() {
    common::record_machine("igmp");
    let mut criterion = Criterion::default()
        .warm_up_time(Duration::from_millis(300))
        .measurement_time(Duration::from_secs(1))
        .configure_from_args();
    benches(&mut criterion);
    criterion.final_summary();
}
