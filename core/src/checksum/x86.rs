//! SIMD kernels for x86_64: SSE2 (every x86_64 CPU), AVX2, AVX-512F,
//! AVX-512 with the VNNI multiply-add (see [`sum_avx512_vnni`]), and a
//! hybrid of 128-bit AVX vectors and a 64-bit add-with-carry chain for
//! cores that split 256-bit instructions (see [`sum_hybrid`]).
//!
//! The kernels are safe functions; only *calling* them from code not
//! compiled with their target feature needs `unsafe`, which lives in
//! [`dispatch`](super::dispatch). Vectors are loaded from byte arrays with
//! zerocopy, so there are no raw pointers here.
//!
//! # Method
//!
//! Each vector is taken as 32-bit lanes `v = lo + 2^16 hi`, where `lo` and
//! `hi` are two native-endian 16-bit words of the data. Per vector the kernel
//! does two additions and one shift:
//!
//! ```text
//! all += v          (wrapping, so all = Σv mod 2^32)
//! high += v >> 16   (exact: Σhi)
//! ```
//!
//! At the end of a block, `all - (high << 16)` is `Σlo mod 2^32`, which is
//! `Σlo` exactly while each lane has taken fewer than 2^16 vectors. The block
//! length ([`BLOCK`]) keeps that true for every vector width. `Σlo + Σhi` is
//! the one's complement word sum of the block, up to folding.
//!
//! Four accumulator pairs are kept so consecutive additions do not wait on
//! each other. (The VNNI kernel sums differently: see its own notes.)

use core::arch::x86_64::*;

use super::scalar;

/// Bytes summed before the vector lanes are reduced. 64 KiB is at most
/// 2^12 vectors per lane (SSE2), far below the 2^16 that would let `Σlo`
/// wrap, and long enough that the reduction is noise.
const BLOCK: usize = 64 * 1024;

/// Generates one kernel for one vector type. Every kernel computes the same
/// sum; they differ only in vector width and the instructions that implies.
macro_rules! kernel {
    (
        $doc:literal, $(#[$feature:meta])*
        $name:ident, $block:ident, $vec:ty, $bytes:literal,
        zero: $zero:ident, add: $add:ident, sub: $sub:ident,
        srli: $srli:ident, slli: $slli:ident, and: $and:ident, splat: $splat:ident
    ) => {
        #[doc = $doc]
        $(#[$feature])*
        pub(super) fn $name(data: &[u8]) -> u64 {
            if data.len() <= BLOCK {
                return $block(data);
            }
            let mut total = 0u64;
            for block in data.chunks(BLOCK) {
                total = scalar::add(total, $block(block));
            }
            total
        }

        /// Sum of at most [`BLOCK`] bytes.
        $(#[$feature])*
        #[inline]
        pub(super) fn $block(block: &[u8]) -> u64 {
            let (steps, rest) = block.as_chunks::<{ 4 * $bytes }>();
            let mut all = [$zero(); 4];
            let mut high = [$zero(); 4];
            for step in steps {
                let (vectors, _) = step.as_chunks::<$bytes>();
                for (lane, vector) in vectors.iter().enumerate() {
                    let v: $vec = zerocopy::transmute!(*vector);
                    all[lane] = $add(all[lane], v);
                    high[lane] = $add(high[lane], $srli::<16>(v));
                }
            }
            let (singles, tail) = rest.as_chunks::<$bytes>();
            for single in singles {
                let v: $vec = zerocopy::transmute!(*single);
                all[0] = $add(all[0], v);
                high[0] = $add(high[0], $srli::<16>(v));
            }
            let all = $add($add(all[0], all[1]), $add(all[2], all[3]));
            let high = $add($add(high[0], high[1]), $add(high[2], high[3]));
            let low = $sub(all, $slli::<16>(high));
            // Fold each lane's two 32-bit sums to four values below 2^16;
            // their total is below 2^18, so the lanes add up without overflow.
            let mask = $splat(0xffff);
            let folded = $add(
                $add($and(low, mask), $srli::<16>(low)),
                $add($and(high, mask), $srli::<16>(high)),
            );
            let lanes: [u32; $bytes / 4] = zerocopy::transmute!(folded);
            // At most 16 lanes below 2^18: no overflow in a u32.
            let lanes: u32 = lanes.iter().sum();
            // The tail starts at an even offset, so its words line up with
            // the vectors'.
            scalar::add(u64::from(lanes), scalar::sum_piece(tail))
        }
    };
}

kernel!(
    "Sum with 128-bit SSE2 vectors, which every x86_64 CPU has.",
    #[target_feature(enable = "sse2")]
    sum_sse2, block_sse2, __m128i, 16,
    zero: _mm_setzero_si128, add: _mm_add_epi32, sub: _mm_sub_epi32,
    srli: _mm_srli_epi32, slli: _mm_slli_epi32, and: _mm_and_si128, splat: _mm_set1_epi32
);

kernel!(
    "Sum with 256-bit AVX2 vectors.",
    #[target_feature(enable = "avx2")]
    sum_avx2, block_avx2, __m256i, 32,
    zero: _mm256_setzero_si256, add: _mm256_add_epi32, sub: _mm256_sub_epi32,
    srli: _mm256_srli_epi32, slli: _mm256_slli_epi32, and: _mm256_and_si256,
    splat: _mm256_set1_epi32
);

kernel!(
    "Sum with 512-bit AVX-512F vectors.",
    #[target_feature(enable = "avx512f")]
    sum_avx512, block_avx512, __m512i, 64,
    zero: _mm512_setzero_si512, add: _mm512_add_epi32, sub: _mm512_sub_epi32,
    srli: _mm512_srli_epi32, slli: _mm512_slli_epi32, and: _mm512_and_si512,
    splat: _mm512_set1_epi32
);

/// Sum with 128-bit vectors (AVX encodings) and, side by side in the same
/// loop, a 64-bit add-with-carry chain on the integer units: the kernel for
/// cores that split 256-bit instructions in two, AMD Zen 1 and Zen+.
///
/// # Why
///
/// The other kernels take four vector operations per vector (load, add,
/// shift, add). Zen 1's vector unit accepts four operations per cycle and
/// has a single shift pipe, so the SSE2 kernel tops out at one vector, 16
/// bytes, per cycle, while the integer units and half of the two loads per
/// cycle sit idle. Here each 144-byte step is three triples of 16-byte
/// chunks, each chunk summed a different way:
///
/// * a *shifted* vector, as in the other kernels (`all += v`,
///   `high += v >> 16`): four operations, the shift on the shift pipe;
/// * a *multiplied* vector, on the multiply pipe instead: `v ^ 0x8000`
///   turns each unsigned word `w` into the signed word `w - 2^15`, and
///   `pmaddwd` by ones adds each 32-bit lane's two such words exactly,
///   giving `lo + hi - 2^16`, which goes into `all` as well. The load folds
///   into the XOR (the three-operand AVX forms make that possible), so this
///   is three operations;
/// * a *word pair*: two 64-bit words on one `adc` chain on the integer
///   units (each addition takes the previous one's carry and reads its
///   word from memory: one operation and one load per 8 bytes); the step's
///   last carry is counted apart. `add` then `adc $0` per word would take
///   twice the operations.
///
/// A step is then 12 loads and 21 vector operations, which the two load
/// ports and four vector pipes take in about six cycles: some 24 bytes per
/// cycle where the SSE2 kernel does 16 (BENCHMARKS.md, `kernels/*`).
///
/// The multiplied vectors' `-2^16` per lane is paid back up front: `all[0]`
/// starts at `2^16` times their number, so at the end `all - (high << 16)`
/// is, per lane, the shifted vectors' `Σlo` plus the multiplied vectors'
/// `Σ(lo + hi)`, exact while below 2^32 (a block holds at most 2^12
/// vectors, each adding below 2^17 per lane).
///
/// Where 256-bit instructions run at full width, the AVX2 and AVX-512
/// kernels are the better choice.
#[target_feature(enable = "avx")]
pub(super) fn sum_hybrid(data: &[u8]) -> u64 {
    // One call site, so the block sum is inlined: a sum of one block (most
    // calls) pays for no call, nor for saving registers around one.
    let mut total = 0u64;
    for block in data.chunks(BLOCK) {
        total = scalar::add(total, block_hybrid(block));
    }
    total
}

/// [`sum_hybrid`] on at most [`BLOCK`] bytes.
#[target_feature(enable = "avx")]
#[inline]
fn block_hybrid(block: &[u8]) -> u64 {
    // A step is three (shifted vector, multiplied vector, word pair)
    // triples: 144 bytes. Measured, that beats steps of two triples (more
    // loop overhead per byte) and of four (a longer remainder, summed one
    // vector at a time, on packet-sized inputs).
    let (chunks, tail) = block.as_chunks::<16>();
    let (steps, rest) = chunks.as_chunks::<9>();
    let (pairs, singles) = rest.as_chunks::<2>();
    // `-0x8000` is the bit pattern 0x8000: XOR flips each word's top bit.
    let bias = _mm_set1_epi16(-0x8000);
    let ones = _mm_set1_epi16(1);
    // Three multiplied vectors per step and one per remainder pair, each
    // `2^16` short in every lane (wrapping is harmless: only the sum
    // modulo 2^32 matters).
    let multiplied = (3 * steps.len() + pairs.len()) as u32;
    let mut all = [_mm_setzero_si128(); 4];
    all[0] = _mm_set1_epi32(multiplied.wrapping_mul(1 << 16) as i32);
    let mut high = [_mm_setzero_si128(); 2];
    let mut words = 0u64;
    let mut carries = 0u64;
    for step in steps {
        let mut carry = false;
        for (triple, vectors) in step.as_chunks::<3>().0.iter().enumerate() {
            let [shifted, multiplied, pair] = vectors;
            // Two sets of accumulators, so consecutive triples' additions
            // do not wait on each other.
            let set = triple % 2;
            let v: __m128i = zerocopy::transmute!(*shifted);
            all[2 * set] = _mm_add_epi32(all[2 * set], v);
            high[set] = _mm_add_epi32(high[set], _mm_srli_epi32::<16>(v));
            let v: __m128i = zerocopy::transmute!(*multiplied);
            let sums = _mm_madd_epi16(_mm_xor_si128(v, bias), ones);
            all[2 * set + 1] = _mm_add_epi32(all[2 * set + 1], sums);
            let pair: [u64; 2] = zerocopy::transmute!(*pair);
            (words, carry) = words.carrying_add(pair[0], carry);
            (words, carry) = words.carrying_add(pair[1], carry);
        }
        carries += u64::from(carry);
    }
    // The remainder, in (shifted, multiplied) pairs and at most one single
    // shifted vector, into the accumulators the last triple left alone.
    for [shifted, multiplied] in pairs {
        let v: __m128i = zerocopy::transmute!(*shifted);
        all[2] = _mm_add_epi32(all[2], v);
        high[1] = _mm_add_epi32(high[1], _mm_srli_epi32::<16>(v));
        let v: __m128i = zerocopy::transmute!(*multiplied);
        let sums = _mm_madd_epi16(_mm_xor_si128(v, bias), ones);
        all[3] = _mm_add_epi32(all[3], sums);
    }
    for single in singles {
        let v: __m128i = zerocopy::transmute!(*single);
        all[0] = _mm_add_epi32(all[0], v);
        high[0] = _mm_add_epi32(high[0], _mm_srli_epi32::<16>(v));
    }
    // Per lane, `all - (high << 16)` is the exact sum of the shifted
    // vectors' low words and the multiplied vectors' pair sums; adding
    // `high` makes it the lane's exact sum, below 2^29 (at most 2^12
    // vectors, each adding below 2^17).
    let all = _mm_add_epi32(_mm_add_epi32(all[0], all[1]), _mm_add_epi32(all[2], all[3]));
    let high = _mm_add_epi32(high[0], high[1]);
    let lanes = _mm_add_epi32(_mm_sub_epi32(all, _mm_slli_epi32::<16>(high)), high);
    // Two lanes read as one u64 are `l0 + 2^32 l1`, congruent to `l0 + l1`
    // modulo 0xffff: no additions across lanes needed.
    let halves: [u64; 2] = zerocopy::transmute!(lanes);
    // Each carry out of the chain is worth 2^64, which is 1 modulo 0xffff;
    // there are far fewer than 2^64 of them, so adding their count to the
    // words' sum is one more end-around addition.
    let words = scalar::add(words, carries);
    let vectors = scalar::add(halves[0], halves[1]);
    scalar::add(scalar::add(vectors, words), scalar::sum_tiny(tail))
}

/// Sum with 512-bit vectors and the AVX-512 VNNI multiply-add
/// (`vpdpwssd`): two vector operations per 64 bytes where the shift method
/// of the other kernels takes three, one of them a 512-bit shift.
///
/// # Method
///
/// `v ^ 0x8000` turns each unsigned 16-bit word `w` into the signed word
/// `w - 2^15`; `vpdpwssd` by ones then adds each 32-bit lane's two such
/// words into an accumulator in one instruction, so a lane gains
/// `lo + hi - 2^16` per vector. The load folds into the XOR, and the XOR
/// runs on any vector pipe, so the kernel is bound by the multiply-add's
/// throughput or by the loads. On Zen 5 it runs at 84–88% of the L1 read
/// rate at 16 KiB, 1.46× the AVX-512F kernel (BENCHMARKS.md).
///
/// The `-2^16` per vector and lane is paid back at the end: a block holds
/// at most 2^10 vectors, each adding below 2^17 per lane, so the lanes'
/// sums plus `2^16` times the vector count are exact below 2^27.
///
/// Eight accumulators, so the multiply-adds (several cycles' latency, up
/// to two per cycle) do not wait on each other.
#[target_feature(enable = "avx512f,avx512vnni")]
pub(super) fn sum_avx512_vnni(data: &[u8]) -> u64 {
    // One call site: a single block (most calls) pays for no call.
    let mut total = 0u64;
    for block in data.chunks(BLOCK) {
        total = scalar::add(total, block_avx512_vnni(block));
    }
    total
}

/// [`sum_avx512_vnni`] on at most [`BLOCK`] bytes.
#[target_feature(enable = "avx512f,avx512vnni")]
#[inline]
fn block_avx512_vnni(block: &[u8]) -> u64 {
    let (vectors, tail) = block.as_chunks::<64>();
    let (steps, singles) = vectors.as_chunks::<8>();
    // `-0x8000` is the bit pattern 0x8000: XOR flips each word's top bit.
    let bias = _mm512_set1_epi16(-0x8000);
    let ones = _mm512_set1_epi16(1);
    let mut acc = [_mm512_setzero_si512(); 8];
    for step in steps {
        for (acc, vector) in acc.iter_mut().zip(step) {
            let v: __m512i = zerocopy::transmute!(*vector);
            *acc = _mm512_dpwssd_epi32(*acc, _mm512_xor_si512(v, bias), ones);
        }
    }
    // Fewer than eight left: one each into a different accumulator, so
    // they do not wait on each other.
    for (acc, vector) in acc.iter_mut().zip(singles) {
        let v: __m512i = zerocopy::transmute!(*vector);
        *acc = _mm512_dpwssd_epi32(*acc, _mm512_xor_si512(v, bias), ones);
    }
    let sum = _mm512_add_epi32(
        _mm512_add_epi32(
            _mm512_add_epi32(acc[0], acc[1]),
            _mm512_add_epi32(acc[2], acc[3]),
        ),
        _mm512_add_epi32(
            _mm512_add_epi32(acc[4], acc[5]),
            _mm512_add_epi32(acc[6], acc[7]),
        ),
    );
    // Pay back the bias: every vector took 2^16 from each lane (wrapping
    // is harmless: the true lane sums are below 2^27).
    let count = vectors.len() as u32;
    let sum = _mm512_add_epi32(sum, _mm512_set1_epi32(count.wrapping_mul(1 << 16) as i32));
    // Sixteen lanes below 2^27 add up below 2^31.
    let lanes = _mm512_reduce_add_epi32(sum) as u32;
    scalar::add(u64::from(lanes), scalar::sum_piece(tail))
}
