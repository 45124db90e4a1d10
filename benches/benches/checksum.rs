//! Internet checksum throughput: ours against internet-checksum, smoltcp,
//! pnet and etherparse, and against a plain wide-load read loop (the
//! bandwidth ceiling), over the same buffers in the same run, in both
//! calling conventions.
//!
//! ```text
//! taskset -c 1 cargo bench -p ipv4-benches --bench checksum
//! RUSTFLAGS="-C target-cpu=native" CARGO_TARGET_DIR=target/native \
//!     taskset -c 1 cargo bench -p ipv4-benches --bench checksum
//! IPV4_BENCH_DRAM=1 ...   # adds 256 MiB (DRAM), about a minute more
//! cargo run -p ipv4-benches --bin report -- checksum   # markdown tables
//! ```
//!
//! Groups are `checksum/<convention>/<size>`, where the convention is
//! `inline` (the sum compiled into the timing loop) or `call` (behind an
//! `#[inline(never)]` function, for every library alike; see
//! `common::Convention`); each holds `ours`, the four peers and
//! `read_ceiling`. `checksum/call/1500` also has `ours_offset54` (the same
//! length starting 54 bytes past a cache-line boundary, where a TCP payload
//! behind Ethernet, IPv4 and TCP headers starts), and `kernels/<size>` runs
//! each of our kernels forced. Before them, `read_rate_pairs` times ours
//! and the read ceiling in back-to-back pairs (see there).

#[path = "common/mod.rs"]
mod common;

use std::hint::black_box;
use std::sync::LazyLock;
use std::time::{Duration, Instant};

use common::{Convention, inlined, outlined};
use criterion::{BenchmarkGroup, Criterion, SamplingMode, Throughput, measurement::WallTime};
use ipv4_core::checksum::{self, Kernel};

/// A buffer of `len` pseudo-random bytes starting at `offset` past a 64-byte
/// boundary.
struct Buffer {
    storage: Vec<u8>,
    start: usize,
    len: usize,
}

impl Buffer {
    fn new(len: usize, offset: usize) -> Self {
        let mut storage = vec![0u8; len + offset + 64];
        let mut state = 0x9e37_79b9_7f4a_7c15u64;
        for byte in &mut storage {
            // xorshift64: cheap, and no byte pattern the sums could exploit.
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            *byte = state as u8;
        }
        let start = storage.as_ptr().align_offset(64) + offset;
        Buffer {
            storage,
            start,
            len,
        }
    }

    fn bytes(&self) -> &[u8] {
        &self.storage[self.start..self.start + self.len]
    }
}

/// The read ceiling: the sum of every loaded vector (64-bit lanes), with
/// the widest vectors the CPU has (AVX-512, else AVX2) and eight
/// accumulators, so only the loads limit it. Nothing can be skipped: every
/// byte reaches the result.
fn read_ceiling(data: &[u8]) -> u64 {
    #[cfg(target_arch = "x86_64")]
    {
        if *HAS_AVX512 {
            // SAFETY: the CPU has AVX-512F (checked just above).
            return unsafe { add_vectors_avx512(data) };
        }
        if *HAS_AVX2 {
            // SAFETY: the CPU has AVX2 (checked just above).
            return unsafe { add_words_avx2(data) };
        }
    }
    add_words(data)
}

/// Detected once, so small inputs measure the loop rather than the check.
#[cfg(target_arch = "x86_64")]
static HAS_AVX2: LazyLock<bool> = LazyLock::new(|| std::is_x86_feature_detected!("avx2"));
#[cfg(target_arch = "x86_64")]
static HAS_AVX512: LazyLock<bool> = LazyLock::new(|| std::is_x86_feature_detected!("avx512f"));

#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx512f")]
fn add_vectors_avx512(data: &[u8]) -> u64 {
    use std::arch::x86_64::*;
    let (vectors, tail) = data.as_chunks::<64>();
    let (steps, singles) = vectors.as_chunks::<8>();
    let load = |v: &[u8; 64]| {
        // SAFETY: `v` is 64 readable bytes; the load is unaligned.
        unsafe { _mm512_loadu_si512(v.as_ptr().cast()) }
    };
    let mut acc = [_mm512_setzero_si512(); 8];
    for step in steps {
        for (acc, v) in acc.iter_mut().zip(step) {
            *acc = _mm512_add_epi64(*acc, load(v));
        }
    }
    for (acc, v) in acc.iter_mut().zip(singles) {
        *acc = _mm512_add_epi64(*acc, load(v));
    }
    let sum = acc
        .iter()
        .fold(_mm512_setzero_si512(), |a, &b| _mm512_add_epi64(a, b));
    (_mm512_reduce_add_epi64(sum) as u64).wrapping_add(add_words(tail))
}

#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx2")]
fn add_words_avx2(data: &[u8]) -> u64 {
    add_words(data)
}

/// Wrapping sum of 8-byte words, 256 bytes per step into 32 accumulators,
/// which the compiler turns into wide loads and additions.
#[inline(always)]
fn add_words(data: &[u8]) -> u64 {
    let (blocks, tail) = data.as_chunks::<256>();
    let mut acc = [0u64; 32];
    for block in blocks {
        let (words, _) = block.as_chunks::<8>();
        for (acc, word) in acc.iter_mut().zip(words) {
            *acc = acc.wrapping_add(u64::from_ne_bytes(*word));
        }
    }
    let (words, bytes) = tail.as_chunks::<8>();
    let mut sum = acc.iter().fold(0u64, |a, &b| a.wrapping_add(b));
    for word in words {
        sum = sum.wrapping_add(u64::from_ne_bytes(*word));
    }
    for &byte in bytes {
        sum = sum.wrapping_add(u64::from(byte));
    }
    sum
}

/// One library's checksum of a slice.
type Sum = fn(&[u8]) -> u64;

/// Every library, then the ceiling: each returns its checksum widened to
/// `u64`, so all hand the timing loop the same kind of value.
const LIBRARIES: [(&str, Sum); 6] = [
    ("ours", |d| u64::from(checksum::checksum(d))),
    ("internet-checksum", |d| {
        u64::from(u16::from_ne_bytes(internet_checksum::checksum(d)))
    }),
    ("smoltcp", |d| u64::from(smoltcp::wire::checksum::data(d))),
    // pnet skips the word at `skipword` (the checksum field); pointing it
    // past the end makes it sum every byte, like the others.
    ("pnet", |d| {
        u64::from(pnet_packet::util::checksum(d, d.len()))
    }),
    ("etherparse", |d| {
        u64::from(
            etherparse::checksum::Sum16BitWords::new()
                .add_slice(d)
                .ones_complement(),
        )
    }),
    ("read_ceiling", read_ceiling),
];

/// Benches `sum` on `data` in `convention`. `sum` is a `fn` pointer, but
/// both wrappers take it as a known constant closure, so it is inlined
/// (into the loop, or into the out-of-line copy).
macro_rules! bench_sum {
    ($group:expr, $name:expr, $convention:expr, $sum:expr, $data:expr) => {{
        let sum = $sum;
        let data: &[u8] = $data;
        match $convention {
            Convention::Inline => $group.bench_function($name, |b| {
                b.iter(|| inlined(&|d: &[u8]| sum(d), black_box(data)))
            }),
            Convention::Call => $group.bench_function($name, |b| {
                b.iter(|| outlined(&|d: &[u8]| sum(d), black_box(data)))
            }),
        };
    }};
}

/// Each library in `convention`. Written out, not looped over
/// [`LIBRARIES`], so every call site names its function and the compiler
/// inlines it (a loop would make them indirect calls).
fn peers(group: &mut BenchmarkGroup<'_, WallTime>, convention: Convention, data: &[u8]) {
    bench_sum!(
        group,
        LIBRARIES[0].0,
        convention,
        |d| u64::from(checksum::checksum(d)),
        data
    );
    bench_sum!(
        group,
        LIBRARIES[1].0,
        convention,
        |d| u64::from(u16::from_ne_bytes(internet_checksum::checksum(d))),
        data
    );
    bench_sum!(
        group,
        LIBRARIES[2].0,
        convention,
        |d| u64::from(smoltcp::wire::checksum::data(d)),
        data
    );
    bench_sum!(
        group,
        LIBRARIES[3].0,
        convention,
        |d: &[u8]| u64::from(pnet_packet::util::checksum(d, d.len())),
        data
    );
    bench_sum!(
        group,
        LIBRARIES[4].0,
        convention,
        |d| u64::from(
            etherparse::checksum::Sum16BitWords::new()
                .add_slice(d)
                .ones_complement()
        ),
        data
    );
    bench_sum!(group, LIBRARIES[5].0, convention, read_ceiling, data);
}

fn sizes(c: &mut Criterion) {
    const SIZES: [usize; 5] = [20, 64, 1500, 16 * 1024, 64 * 1024];
    for size in SIZES {
        let buffer = Buffer::new(size, 0);
        for convention in Convention::BOTH {
            let mut group = c.benchmark_group(format!("checksum/{}/{size}", convention.name()));
            group.throughput(Throughput::BytesDecimal(size as u64));
            group.warm_up_time(Duration::from_millis(300));
            group.measurement_time(Duration::from_secs(1));
            peers(&mut group, convention, buffer.bytes());
            if size == 1500 && convention == Convention::Call {
                let offset = Buffer::new(size, 54);
                bench_sum!(
                    group,
                    "ours_offset54",
                    convention,
                    LIBRARIES[0].1,
                    offset.bytes()
                );
            }
            group.finish();
        }
    }

    // Far larger than any cache: DRAM bandwidth. Few, flat samples; opt-in,
    // as it takes a minute. One convention: a call is noise at this size.
    if std::env::var_os("IPV4_BENCH_DRAM").is_none() {
        return;
    }
    let size = 256 * 1024 * 1024;
    let buffer = Buffer::new(size, 0);
    let mut group = c.benchmark_group(format!("checksum/call/{size}"));
    group.throughput(Throughput::BytesDecimal(size as u64));
    group.sampling_mode(SamplingMode::Flat);
    group.sample_size(10);
    group.warm_up_time(Duration::from_millis(500));
    group.measurement_time(Duration::from_secs(3));
    peers(&mut group, Convention::Call, buffer.bytes());
    group.finish();
}

/// Ours against the read ceiling in back-to-back pairs: `rounds` rounds,
/// each timing `iters` sums with ours and `iters` with the ceiling (in
/// turns, either first), microseconds apart. On a shared machine the cache
/// and memory bandwidth a run gets moves with whatever the other cores do,
/// and criterion's groups, seconds apart, compare the two badly; a pair
/// sees the same conditions. Returns the line `report` prints: each one's
/// best rate and ours ÷ ceiling, of the bests and the median of the pairs.
fn read_rate_pairs(data: &[u8], rounds: usize, iters: usize) -> String {
    let time = |f: &dyn Fn(&[u8]) -> u64| {
        let start = Instant::now();
        for _ in 0..iters {
            black_box(f(black_box(data)));
        }
        start.elapsed().as_nanos() as f64 / iters as f64
    };
    let ours = |d: &[u8]| u64::from(checksum::checksum(d));
    let (mut ours_ns, mut ceiling_ns) = (Vec::new(), Vec::new());
    for round in 0..rounds {
        if round % 2 == 0 {
            ours_ns.push(time(&ours));
            ceiling_ns.push(time(&read_ceiling));
        } else {
            ceiling_ns.push(time(&read_ceiling));
            ours_ns.push(time(&ours));
        }
    }
    let mut ratios: Vec<f64> = ours_ns
        .iter()
        .zip(&ceiling_ns)
        .map(|(o, c)| c / o)
        .collect();
    ratios.sort_by(f64::total_cmp);
    let best = |v: &[f64]| v.iter().copied().fold(f64::INFINITY, f64::min);
    let (ours_best, ceiling_best) = (best(&ours_ns), best(&ceiling_ns));
    let len = data.len() as f64;
    format!(
        "read-rate pairs, {} B: ours {:.1} GB/s, read_ceiling {:.1} GB/s (best of {rounds}); \
         ours ÷ read rate {:.0}% of the bests, {:.0}% median of the {rounds} pairs",
        data.len(),
        len / ours_best,
        len / ceiling_best,
        100.0 * ceiling_best / ours_best,
        100.0 * ratios[ratios.len() / 2],
    )
}

/// [`read_rate_pairs`] at the sizes the goals name (and 256 MiB with
/// `IPV4_BENCH_DRAM`), printed and stored for `report`.
fn pairs() {
    let mut lines = Vec::new();
    for (size, iters) in [(1500, 2000), (16 * 1024, 400), (64 * 1024, 100)] {
        lines.push(read_rate_pairs(Buffer::new(size, 0).bytes(), 51, iters));
    }
    if std::env::var_os("IPV4_BENCH_DRAM").is_some() {
        lines.push(read_rate_pairs(
            Buffer::new(256 * 1024 * 1024, 0).bytes(),
            21,
            1,
        ));
    }
    for line in &lines {
        eprintln!("{line}");
    }
    common::record("pairs-checksum", &lines.join("\n"));
}

/// Each of our kernels forced, on the same data, to show what dispatch
/// buys, next to the read ceiling.
fn kernels(c: &mut Criterion) {
    for size in [1500, 16 * 1024, 64 * 1024] {
        let buffer = Buffer::new(size, 0);
        let data = buffer.bytes();
        let mut group = c.benchmark_group(format!("kernels/{size}"));
        group.throughput(Throughput::BytesDecimal(size as u64));
        group.warm_up_time(Duration::from_millis(300));
        group.measurement_time(Duration::from_secs(1));
        for kernel in Kernel::ALL {
            if checksum::available(kernel) {
                group.bench_function(format!("{kernel:?}"), |b| {
                    b.iter(|| checksum::sum16_with(kernel, black_box(data)))
                });
            }
        }
        bench_sum!(group, "read_ceiling", Convention::Call, read_ceiling, data);
        group.finish();
    }
}

fn main() {
    common::record_machine("checksum");
    pairs();
    let mut criterion = Criterion::default().configure_from_args();
    sizes(&mut criterion);
    kernels(&mut criterion);
    criterion.final_summary();
}
