//! Portable sums: the path for short inputs, for targets without a SIMD
//! kernel, and for Miri.
//!
//! Every function here returns an unfolded one's complement sum of the data
//! taken as *native-endian* 16-bit words, an odd trailing byte being the
//! first byte of a last word padded with zero. The sum is congruent modulo
//! `0xffff` to the true word sum; [`fold`](super::fold) reduces it and the
//! caller turns native order into network order once, at the end
//! ([RFC 1071] §2(B): the sum is byte-order independent).
//!
//! [RFC 1071]: https://www.rfc-editor.org/rfc/rfc1071

/// One's complement addition on 64 bits: the carry out is added back in.
///
/// Because `2^64 ≡ 1 (mod 0xffff)`, the result stays congruent to the true
/// sum; it cannot overflow (with a carry, the wrapped sum is at most
/// `2^64 - 2`).
#[inline(always)]
pub(super) const fn add(a: u64, b: u64) -> u64 {
    let (sum, carry) = a.overflowing_add(b);
    sum + carry as u64
}

/// Sum of a short slice (in practice [`WORDS_MAX_LEN`](super::WORDS_MAX_LEN)
/// to [`SHORT_MAX_LEN`](super::SHORT_MAX_LEN) bytes).
///
/// Four 128-bit accumulators take 32 bytes per step, so the carry chains
/// overlap ([`sum_blocks`]).
#[inline(always)]
pub(super) fn sum_short(data: &[u8]) -> u64 {
    let (blocks, rest) = data.as_chunks::<32>();
    add(sum_blocks(blocks), sum_tiny(rest))
}

/// Sum of 32-byte blocks: each block's four 8-byte words go to four
/// independent 128-bit accumulators, so the chains overlap.
///
/// A 128-bit addition of a 64-bit word is one `add` and one `adc`, with no
/// carry to fold back per word, and the compiler does not vectorize it:
/// with AVX2 or AVX-512 enabled at build time (`-C target-cpu=native`) it
/// turned the 64-bit end-around additions into vector compares, lane
/// shuffles and moves between vector and integer registers, which cost more
/// than they saved at 64 to 127 bytes (BENCHMARKS.md, native build).
#[inline(always)]
fn sum_blocks(blocks: &[[u8; 32]]) -> u64 {
    let mut acc = [0u128; 4];
    for block in blocks {
        let (words, _) = block.as_chunks::<8>();
        for (acc, word) in acc.iter_mut().zip(words) {
            *acc += u128::from(u64::from_ne_bytes(*word));
        }
    }
    // Below 2^66 per block: no overflow for any slice that fits in memory.
    let total = (acc[0] + acc[1]) + (acc[2] + acc[3]);
    // 2^64 is 1 modulo 0xffff: the high half counts once.
    add(total as u64, (total >> 64) as u64)
}

/// Sum of fewer than 32 bytes, the rest after [`sum_short`]'s 32-byte
/// steps (and the hybrid SIMD kernel's last partial vector): no loop, at
/// most two 8-byte words and a tail.
#[inline(always)]
pub(super) fn sum_tiny(data: &[u8]) -> u64 {
    debug_assert!(data.len() < 32);
    match data.split_first_chunk::<16>() {
        Some((words, rest)) => {
            let (words, _) = words.as_chunks::<8>();
            let pair = add(u64::from_ne_bytes(words[0]), u64::from_ne_bytes(words[1]));
            add(pair, sum_tail(rest))
        }
        None => sum_tail(data),
    }
}

/// Sum of fewer than 16 bytes. The result is below `2^35`.
#[inline(always)]
fn sum_tail(mut tail: &[u8]) -> u64 {
    // A native u32 is `w0 + 2^16 w1` (or the reverse), which is congruent to
    // `w0 + w1` modulo 0xffff.
    let mut sum = 0u64;
    if let Some((words, rest)) = tail.split_first_chunk::<8>() {
        let (first, second) = words.split_at(4);
        let first = u32::from_ne_bytes([first[0], first[1], first[2], first[3]]);
        let second = u32::from_ne_bytes([second[0], second[1], second[2], second[3]]);
        sum += u64::from(first) + u64::from(second);
        tail = rest;
    }
    if let Some((word, rest)) = tail.split_first_chunk::<4>() {
        sum += u64::from(u32::from_ne_bytes(*word));
        tail = rest;
    }
    if let Some((word, rest)) = tail.split_first_chunk::<2>() {
        sum += u64::from(u16::from_ne_bytes(*word));
        tail = rest;
    }
    if let [last] = tail {
        sum += u64::from(u16::from_ne_bytes([*last, 0]));
    }
    sum
}

/// Sum of a piece of a few dozen bytes at most: the unaligned head and the
/// short tail around a SIMD kernel's vectors.
///
/// One 8-byte word at a time with end-around carry. The carry chain keeps
/// the compiler from vectorizing this loop, whose setup would cost more than
/// the few words it has to add.
#[inline(always)]
pub(super) fn sum_piece(data: &[u8]) -> u64 {
    let (words, tail) = data.as_chunks::<8>();
    let mut sum = 0u64;
    for word in words {
        sum = add(sum, u64::from_ne_bytes(*word));
    }
    add(sum, sum_tail(tail))
}

/// Sum of a slice of any length: 32 bytes per step into four independent
/// accumulators ([`sum_blocks`]), so the add-with-carry chains overlap.
#[inline]
pub(super) fn sum(data: &[u8]) -> u64 {
    let (blocks, rest) = data.as_chunks::<32>();
    add(sum_blocks(blocks), sum_piece(rest))
}

/// Exact sum of whole 32-bit words, each read in native byte order: plain
/// additions, no carries to fold back, so the result is the true integer
/// sum (it cannot overflow for fewer than `2^32` words).
///
/// The path for short inputs (8-byte IGMP messages, 20- to 60-byte IPv4
/// headers). A native `u32` is `w0 + 2^16 w1` (or the reverse), congruent
/// to `w0 + w1` modulo `0xffff`, so a 32-bit word counts as its two 16-bit
/// words. The first five words (a header's fixed part) or two (an IGMPv2
/// message) are unrolled; the rest is a short loop.
#[inline(always)]
pub(super) fn sum_words32(words: &[[u8; 4]]) -> u64 {
    let word = |w: &[u8; 4]| u64::from(u32::from_ne_bytes(*w));
    let (mut sum, rest) = match words.split_first_chunk::<5>() {
        Some((fixed, rest)) => (
            word(&fixed[0]) + word(&fixed[1]) + word(&fixed[2]) + word(&fixed[3]) + word(&fixed[4]),
            rest,
        ),
        None => match words.split_first_chunk::<2>() {
            Some((pair, rest)) => (word(&pair[0]) + word(&pair[1]), rest),
            None => (0, words),
        },
    };
    // One more word unrolled: a header with one 4-byte option (Router
    // Alert, on every IGMP message) then skips the vectorized loop's set-up.
    let Some((first, rest)) = rest.split_first() else {
        return sum;
    };
    sum += word(first);
    for w in rest {
        sum += word(w);
    }
    sum
}

/// Exact sum of `data` as native-endian 32-bit words ([`sum_words32`]), a
/// last partial word padded with zeros after its bytes, which is how
/// RFC 1071 pads an odd byte.
#[inline(always)]
pub(super) fn sum_bytes32(data: &[u8]) -> u64 {
    let (words, tail) = data.as_chunks::<4>();
    let sum = sum_words32(words);
    if tail.is_empty() {
        sum
    } else {
        sum + partial_word32(tail)
    }
}

/// A last word of one to three bytes, zero-padded. Cold: IPv4 headers and
/// IGMP messages are whole words, so it is kept out of their inlined path.
#[cold]
#[inline(never)]
fn partial_word32(tail: &[u8]) -> u64 {
    let mut last = [0u8; 4];
    for (dst, src) in last.iter_mut().zip(tail) {
        *dst = *src;
    }
    u64::from(u32::from_ne_bytes(last))
}
