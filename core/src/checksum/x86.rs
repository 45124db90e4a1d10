//! SIMD kernels for x86_64: SSE2 (every x86_64 CPU), AVX2 and AVX-512F.
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
//! each other.

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
