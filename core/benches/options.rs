//! IPv4 options: walking a full 40-byte options area, against pnet_packet's
//! option iterator (the only peer that walks options at all).
//!
//! Run: `cargo bench -p ipv4-core --bench options`

use std::hint::black_box;
use std::time::Duration;

use criterion::{Criterion, criterion_group, criterion_main};
use ipv4_core::options::{Ipv4Option, Options};

/// 40 bytes: NOP, Router Alert, Record Route (3 slots, one filled),
/// Timestamp flag 0 (4 slots, two filled).
const AREA: [u8; 40] = [
    1, // NOP
    148, 4, 0, 0, // Router Alert
    7, 15, 8, 192, 0, 2, 1, 0, 0, 0, 0, 0, 0, 0, 0, // Record Route
    68, 20, 13, 0x00, 0, 0, 0, 1, 0, 0, 0, 2, 0, 0, 0, 0, 0, 0, 0, 0, // Timestamp
];

fn header_60() -> [u8; 60] {
    let mut h = [0u8; 60];
    h[..20].copy_from_slice(&[
        0x4f, 0, 0, 60, 0x12, 0x34, 0x40, 0, 64, 17, 0, 0, 192, 0, 2, 1, 198, 51, 100, 2,
    ]);
    h[20..].copy_from_slice(&AREA);
    let sum = ipv4_core::checksum::checksum(&h);
    h[10..12].copy_from_slice(&sum.to_be_bytes());
    h
}

/// Touches what a consumer of each item would read, so the walk cannot be
/// optimised away.
#[inline(always)]
fn consume(o: &Ipv4Option<'_>) -> usize {
    match o {
        Ipv4Option::RecordRoute(r) => r.filled(),
        Ipv4Option::Timestamp(t) => t.filled(),
        Ipv4Option::RouterAlert(ra) => usize::from(ra.value()),
        _ => 1,
    }
}

fn walk_40(c: &mut Criterion) {
    let header = header_60();
    let mut g = c.benchmark_group("options_walk_40B");
    g.bench_function("ipv4-core strict", |b| {
        b.iter(|| {
            let mut acc = 0;
            for o in Options::new(black_box(&AREA)) {
                match o {
                    Ok(o) => acc += consume(&o),
                    Err(_) => return usize::MAX,
                }
            }
            acc
        })
    });
    g.bench_function("ipv4-core lax", |b| {
        b.iter(|| {
            let mut acc = 0;
            for o in Options::lax(black_box(&AREA)) {
                match o {
                    Ok(o) => acc += consume(&o),
                    Err(_) => return usize::MAX,
                }
            }
            acc
        })
    });
    g.bench_function("pnet_packet get_options_iter", |b| {
        use pnet_packet::Packet;
        b.iter(|| {
            let p = pnet_packet::ipv4::Ipv4Packet::new(black_box(&header[..])).unwrap();
            let mut acc = 0;
            for o in p.get_options_iter() {
                acc += usize::from(o.get_number().0) + o.payload().len();
            }
            acc
        })
    });
    g.finish();
}

criterion_group! {
    name = benches;
    config = Criterion::default()
        .warm_up_time(Duration::from_secs(1))
        .measurement_time(Duration::from_secs(3))
        .sample_size(50);
    targets = walk_40
}
criterion_main!(benches);
