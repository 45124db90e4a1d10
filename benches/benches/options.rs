//! IPv4 options.
//!
//! * `options_walk_40B`: walking a full 40-byte options area, against
//!   pnet_packet's option iterator (the only peer that walks options).
//! * `header_parse_walk_{24,60}B`: checked header parse, checksum
//!   verification and a full strict option walk, against the peers' header
//!   parse (which decode no options): etherparse `Ipv4HeaderSlice::from_slice`
//!   (no checksum check), smoltcp `Ipv4Packet::new_checked` +
//!   `Ipv4Repr::parse` (checks the checksum), pnet_packet `Ipv4Packet::new`
//!   (checks only that 20 bytes are there).
//!
//! Run: `cargo bench -p ipv4-benches --bench options`
//!
//! Criterion measures wall-clock time. On a shared machine, where other
//! processes preempt the benchmark, `BENCH_CLOCK=cpu` measures the
//! benchmark thread's on-CPU time instead (`CLOCK_THREAD_CPUTIME_ID`), which
//! leaves out the time it spent descheduled.

use std::hint::black_box;
use std::time::Duration;

use criterion::measurement::{Measurement, ValueFormatter, WallTime};
use criterion::{Criterion, criterion_group, criterion_main};
use ipv4_core::checksum::Policy;
use ipv4_core::header::HeaderView;
use ipv4_core::options::{Ipv4Option, Options};

/// Wall-clock time (the default) or, with `BENCH_CLOCK=cpu`, the on-CPU
/// time of the benchmark thread.
struct Clock {
    id: libc::clockid_t,
}

impl Clock {
    fn from_env() -> Clock {
        let cpu = std::env::var("BENCH_CLOCK").is_ok_and(|v| v == "cpu");
        Clock {
            id: if cpu {
                libc::CLOCK_THREAD_CPUTIME_ID
            } else {
                libc::CLOCK_MONOTONIC
            },
        }
    }

    fn now(&self) -> Duration {
        let mut ts = libc::timespec {
            tv_sec: 0,
            tv_nsec: 0,
        };
        // SAFETY: `ts` is a valid, writable timespec and `id` a clock id
        // every Linux kernel supports.
        let rc = unsafe { libc::clock_gettime(self.id, &mut ts) };
        assert_eq!(rc, 0, "clock_gettime failed");
        Duration::new(ts.tv_sec as u64, ts.tv_nsec as u32)
    }
}

impl Measurement for Clock {
    type Intermediate = Duration;
    type Value = Duration;

    fn start(&self) -> Duration {
        self.now()
    }
    fn end(&self, start: Duration) -> Duration {
        self.now().saturating_sub(start)
    }
    fn add(&self, v1: &Duration, v2: &Duration) -> Duration {
        *v1 + *v2
    }
    fn zero(&self) -> Duration {
        Duration::ZERO
    }
    fn to_f64(&self, value: &Duration) -> f64 {
        value.as_nanos() as f64
    }
    fn formatter(&self) -> &dyn ValueFormatter {
        static WALL: WallTime = WallTime;
        WALL.formatter()
    }
}

/// 40 bytes: NOP, Router Alert, Record Route (3 slots, one filled),
/// Timestamp flag 0 (4 slots, two filled).
const AREA: [u8; 40] = [
    1, // NOP
    148, 4, 0, 0, // Router Alert
    7, 15, 8, 192, 0, 2, 1, 0, 0, 0, 0, 0, 0, 0, 0, // Record Route
    68, 20, 13, 0x00, 0, 0, 0, 1, 0, 0, 0, 2, 0, 0, 0, 0, 0, 0, 0, 0, // Timestamp
];

/// A packet whose header carries `options`, followed by an 8-byte payload,
/// checksum filled.
fn packet(options: &[u8]) -> Vec<u8> {
    let header_len = 20 + options.len();
    let total = header_len + 8;
    let mut p = vec![
        0x40 | (header_len / 4) as u8,
        0,
        0,
        total as u8,
        0x12,
        0x34,
        0x40,
        0,
        64,
        17,
        0,
        0,
        192,
        0,
        2,
        1,
        198,
        51,
        100,
        2,
    ];
    p.extend_from_slice(options);
    p.extend_from_slice(&[0x30, 0x39, 0x00, 0x35, 0x00, 0x08, 0x00, 0x00]);
    let sum = ipv4_core::checksum::checksum(&p[..header_len]);
    p[10..12].copy_from_slice(&sum.to_be_bytes());
    p
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

fn walk_40(c: &mut Criterion<Clock>) {
    let header = packet(&AREA);
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

fn header_parse_walk(c: &mut Criterion<Clock>) {
    for (name, options) in [("24B", &[148u8, 4, 0, 0][..]), ("60B", &AREA[..])] {
        let p = packet(options);
        let mut g = c.benchmark_group(format!("header_parse_walk_{name}"));
        g.bench_function("ipv4-core new_checked_with + strict walk", |b| {
            b.iter(|| {
                let Ok(view) = HeaderView::new_checked_with(black_box(&p[..]), Policy::Enforce)
                else {
                    return usize::MAX;
                };
                let mut acc = usize::from(view.ttl());
                for o in view.options_iter() {
                    match o {
                        Ok(o) => acc += consume(&o),
                        Err(_) => return usize::MAX,
                    }
                }
                acc
            })
        });
        g.bench_function("ipv4-core new_checked + strict walk (no checksum)", |b| {
            b.iter(|| {
                let Ok(view) = HeaderView::new_checked(black_box(&p[..])) else {
                    return usize::MAX;
                };
                let mut acc = usize::from(view.ttl());
                for o in view.options_iter() {
                    match o {
                        Ok(o) => acc += consume(&o),
                        Err(_) => return usize::MAX,
                    }
                }
                acc
            })
        });
        g.bench_function("etherparse Ipv4HeaderSlice::from_slice", |b| {
            b.iter(
                || match etherparse::Ipv4HeaderSlice::from_slice(black_box(&p[..])) {
                    Ok(h) => usize::from(h.ttl()) + h.options().len(),
                    Err(_) => usize::MAX,
                },
            )
        });
        g.bench_function("smoltcp new_checked + Ipv4Repr::parse", |b| {
            use smoltcp::phy::ChecksumCapabilities;
            use smoltcp::wire::{Ipv4Packet, Ipv4Repr};
            let caps = ChecksumCapabilities::default();
            b.iter(|| {
                let Ok(packet) = Ipv4Packet::new_checked(black_box(&p[..])) else {
                    return usize::MAX;
                };
                match Ipv4Repr::parse(&packet, &caps) {
                    Ok(r) => usize::from(r.hop_limit) + r.payload_len,
                    Err(_) => usize::MAX,
                }
            })
        });
        g.bench_function("pnet_packet Ipv4Packet::new", |b| {
            b.iter(
                || match pnet_packet::ipv4::Ipv4Packet::new(black_box(&p[..])) {
                    Some(h) => usize::from(h.get_ttl()) + usize::from(h.get_header_length()),
                    None => usize::MAX,
                },
            )
        });
        g.finish();
    }
}

criterion_group! {
    name = benches;
    config = Criterion::default()
        .with_measurement(Clock::from_env())
        .warm_up_time(Duration::from_secs(1))
        .measurement_time(Duration::from_secs(3))
        .sample_size(50);
    targets = walk_40, header_parse_walk
}
criterion_main!(benches);
