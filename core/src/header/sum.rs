//! One's complement sums sized for IPv4 headers.
//!
//! [`crate::checksum`] sums data of any length at any alignment. A header is
//! 20 to 60 bytes in whole 32-bit words, so here it is summed as five
//! unrolled words plus up to ten more, with no tail handling, in native
//! byte order: the one's complement sum is byte-order independent
//! ([RFC 1071 §2(B)]), so one swap of the folded result replaces a swap per
//! word. Property tests check these sums against [`crate::checksum`].
//!
//! [RFC 1071 §2(B)]: https://www.rfc-editor.org/rfc/rfc1071#section-2

/// Folds a sum of 32-bit words to a 16-bit one's complement sum.
#[inline(always)]
pub(super) const fn fold(sum: u64) -> u16 {
    let sum = (sum & 0xffff_ffff) + (sum >> 32);
    let sum = (sum & 0xffff) + (sum >> 16);
    let sum = (sum & 0xffff) + (sum >> 16);
    let sum = (sum & 0xffff) + (sum >> 16);
    sum as u16
}

/// The unfolded sum of `bytes` as native-endian 32-bit words; a last
/// partial word (only on unchecked views) is padded with zeros after its
/// bytes, as RFC 1071 pads an odd byte. Fold, then `u16::from_be` gives the
/// big-endian sum.
#[inline(always)]
pub(super) fn words_ne(bytes: &[u8]) -> u64 {
    if let Some((fixed, options)) = bytes.split_first_chunk::<20>() {
        let sum = fixed_ne(fixed);
        if options.is_empty() {
            sum
        } else {
            sum + rest_ne(options)
        }
    } else {
        rest_ne(bytes)
    }
}

/// [`words_ne`] for a validated header, whose length is a whole number of
/// words: any bytes past the last whole word are left out, so there is no
/// call to handle them (which would cost the caller a stack frame).
#[inline(always)]
pub(super) fn whole_words_ne(header: &[u8]) -> u64 {
    if let Some((fixed, options)) = header.split_first_chunk::<20>() {
        let (words, _) = options.as_chunks::<4>();
        let mut sum = fixed_ne(fixed);
        for w in words {
            sum += u64::from(u32::from_ne_bytes(*w));
        }
        sum
    } else {
        0
    }
}

/// The unfolded sum of the fixed 20 bytes as native-endian words.
#[inline(always)]
fn fixed_ne(fixed: &[u8; 20]) -> u64 {
    let w = |i: usize| {
        u64::from(u32::from_ne_bytes([
            fixed[i],
            fixed[i + 1],
            fixed[i + 2],
            fixed[i + 3],
        ]))
    };
    w(0) + w(4) + w(8) + w(12) + w(16)
}

/// Whether a header whose native-endian word sum is `sum` verifies.
///
/// The one's complement sum of the 16-bit words is `0xffff` exactly when
/// their plain sum is a non-zero multiple of `0xffff` (end-around carry is
/// arithmetic modulo `0xffff`). A 32-bit word `hi·2¹⁶ + lo` is `hi + lo`
/// modulo `0xffff`, and a byte-swapped word is 256 times the word, so the
/// test holds on native-endian words. One remainder by a constant (a
/// multiply) is cheaper than the folds.
#[inline(always)]
pub(super) const fn verifies(sum: u64) -> bool {
    sum != 0 && sum.is_multiple_of(0xffff)
}

/// The unfolded sum of an owned header's 40-byte options array as
/// native-endian words.
#[inline(always)]
pub(super) fn options_array_ne(options: &[u8; 40]) -> u64 {
    let (words, _) = options.as_chunks::<4>();
    words
        .iter()
        .map(|w| u64::from(u32::from_ne_bytes(*w)))
        .sum()
}

#[inline]
fn rest_ne(bytes: &[u8]) -> u64 {
    let (words, tail) = bytes.as_chunks::<4>();
    let mut sum = 0u64;
    for w in words {
        sum += u64::from(u32::from_ne_bytes(*w));
    }
    if !tail.is_empty() {
        sum += partial_word_ne(tail);
    }
    sum
}

/// A last word of fewer than four bytes, zero-padded: only unchecked views
/// over odd-sized buffers have one, so it is kept out of the hot path.
#[cold]
#[inline(never)]
fn partial_word_ne(tail: &[u8]) -> u64 {
    let mut last = [0u8; 4];
    for (dst, src) in last.iter_mut().zip(tail) {
        *dst = *src;
    }
    u64::from(u32::from_ne_bytes(last))
}
