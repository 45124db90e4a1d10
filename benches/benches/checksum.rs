//! Internet checksum throughput: ours against internet-checksum, smoltcp,
//! pnet and etherparse, and against a plain wide-load read loop (the
//! bandwidth ceiling), over the same buffers in the same run.
//!
//! ```text
//! cargo bench -p ipv4-benches --bench checksum
//! RUSTFLAGS="-C target-cpu=native" CARGO_TARGET_DIR=target/native \
//!     cargo bench -p ipv4-benches --bench checksum
//! ```
//!
//! Groups are `checksum/<size>`; each holds `ours`, the four peers and
//! `read_ceiling`. `checksum/1500` also has `ours_offset54` (the same length
//! starting 54 bytes past a cache-line boundary, where a TCP payload behind
//! Ethernet, IPv4 and TCP headers starts), and `kernels/<size>` runs each of
//! our kernels forced.

use std::hint::black_box;
use std::sync::LazyLock;
use std::time::Duration;

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

/// The bandwidth ceiling: XOR of every 32-byte block, which the compiler
/// turns into one wide load and one XOR per vector (AVX2 where the CPU has
/// it, as our kernels do). Nothing can be skipped: every byte reaches the
/// result.
fn read_ceiling(data: &[u8]) -> u64 {
    #[cfg(target_arch = "x86_64")]
    if *HAS_AVX2 {
        // SAFETY: the CPU has AVX2 (checked just above).
        return unsafe { xor_blocks_avx2(data) };
    }
    xor_blocks(data)
}

/// Detected once, so small inputs measure the loop rather than the check.
#[cfg(target_arch = "x86_64")]
static HAS_AVX2: LazyLock<bool> = LazyLock::new(|| std::is_x86_feature_detected!("avx2"));

#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx2")]
fn xor_blocks_avx2(data: &[u8]) -> u64 {
    xor_blocks(data)
}

#[inline(always)]
fn xor_blocks(data: &[u8]) -> u64 {
    let (blocks, tail) = data.as_chunks::<128>();
    let mut acc = [0u64; 16];
    for block in blocks {
        let (words, _) = block.as_chunks::<8>();
        for (acc, word) in acc.iter_mut().zip(words) {
            *acc ^= u64::from_ne_bytes(*word);
        }
    }
    let (words, bytes) = tail.as_chunks::<8>();
    let mut folded = acc.iter().fold(0, |a, b| a ^ b);
    for word in words {
        folded ^= u64::from_ne_bytes(*word);
    }
    for &byte in bytes {
        folded ^= u64::from(byte);
    }
    folded
}

fn peers(group: &mut BenchmarkGroup<'_, WallTime>, data: &[u8]) {
    group.bench_function("ours", |b| b.iter(|| checksum::checksum(black_box(data))));
    group.bench_function("internet-checksum", |b| {
        b.iter(|| internet_checksum::checksum(black_box(data)))
    });
    group.bench_function("smoltcp", |b| {
        b.iter(|| smoltcp::wire::checksum::data(black_box(data)))
    });
    // pnet skips the word at `skipword` (the checksum field); pointing it
    // past the end makes it sum every byte, like the others.
    let past_end = data.len();
    group.bench_function("pnet", |b| {
        b.iter(|| pnet_packet::util::checksum(black_box(data), past_end))
    });
    group.bench_function("etherparse", |b| {
        b.iter(|| {
            etherparse::checksum::Sum16BitWords::new()
                .add_slice(black_box(data))
                .ones_complement()
        })
    });
    group.bench_function("read_ceiling", |b| b.iter(|| read_ceiling(black_box(data))));
}

fn sizes(c: &mut Criterion) {
    const SIZES: [usize; 7] = [20, 64, 576, 1500, 9000, 16 * 1024, 64 * 1024];
    for size in SIZES {
        let buffer = Buffer::new(size, 0);
        let mut group = c.benchmark_group(format!("checksum/{size}"));
        group.throughput(Throughput::BytesDecimal(size as u64));
        group.warm_up_time(Duration::from_millis(500));
        group.measurement_time(Duration::from_secs(2));
        peers(&mut group, buffer.bytes());
        if size == 1500 {
            let offset = Buffer::new(size, 54);
            group.bench_function("ours_offset54", |b| {
                b.iter(|| checksum::checksum(black_box(offset.bytes())))
            });
        }
        group.finish();
    }

    // Far larger than any cache: DRAM bandwidth. Few, flat samples.
    let size = 256 * 1024 * 1024;
    let buffer = Buffer::new(size, 0);
    let mut group = c.benchmark_group(format!("checksum/{size}"));
    group.throughput(Throughput::BytesDecimal(size as u64));
    group.sampling_mode(SamplingMode::Flat);
    group.sample_size(10);
    group.warm_up_time(Duration::from_millis(500));
    group.measurement_time(Duration::from_secs(3));
    peers(&mut group, buffer.bytes());
    group.finish();
}

/// Each of our kernels forced, on the same data, to show what dispatch buys.
fn kernels(c: &mut Criterion) {
    for size in [1500, 16 * 1024] {
        let buffer = Buffer::new(size, 0);
        let data = buffer.bytes();
        let mut group = c.benchmark_group(format!("kernels/{size}"));
        group.throughput(Throughput::BytesDecimal(size as u64));
        group.warm_up_time(Duration::from_millis(500));
        group.measurement_time(Duration::from_secs(1));
        for kernel in Kernel::ALL {
            if checksum::available(kernel) {
                group.bench_function(format!("{kernel:?}"), |b| {
                    b.iter(|| checksum::sum16_with(kernel, black_box(data)))
                });
            }
        }
        group.finish();
    }
}

fn main() {
    let mut criterion = Criterion::default().configure_from_args();
    sizes(&mut criterion);
    kernels(&mut criterion);
    criterion.final_summary();
}
