//! One's complement sums sized for IPv4 headers.
//!
//! [`crate::checksum`] sums data of any length at any alignment. A header is
//! 20 to 60 bytes in whole 32-bit words, so here it is summed as five
//! unrolled words plus up to ten more, with no tail handling. Property tests
//! check these sums against [`crate::checksum`].

/// Folds a sum of 32-bit words to the 16-bit one's complement sum.
#[inline(always)]
pub(super) const fn fold(sum: u64) -> u16 {
    let sum = (sum & 0xffff_ffff) + (sum >> 32);
    let sum = (sum & 0xffff) + (sum >> 16);
    let sum = (sum & 0xffff) + (sum >> 16);
    let sum = (sum & 0xffff) + (sum >> 16);
    sum as u16
}

/// The unfolded sum of `bytes` as big-endian 32-bit words; a last partial
/// word (only on unchecked views) is padded with zeros on the right, as
/// RFC 1071 pads an odd byte.
#[inline(always)]
pub(super) fn words(bytes: &[u8]) -> u64 {
    if let Some((fixed, options)) = bytes.split_first_chunk::<20>() {
        let [a, b, c, d, e] = fixed_words(fixed);
        let mut sum = u64::from(a) + u64::from(b) + u64::from(c) + u64::from(d) + u64::from(e);
        if !options.is_empty() {
            sum += rest_words(options);
        }
        sum
    } else {
        rest_words(bytes)
    }
}

#[inline(always)]
fn fixed_words(h: &[u8; 20]) -> [u32; 5] {
    let w = |i: usize| u32::from_be_bytes([h[i], h[i + 1], h[i + 2], h[i + 3]]);
    [w(0), w(4), w(8), w(12), w(16)]
}

#[inline]
fn rest_words(bytes: &[u8]) -> u64 {
    let (words, tail) = bytes.as_chunks::<4>();
    let mut sum = 0u64;
    for w in words {
        sum += u64::from(u32::from_be_bytes(*w));
    }
    let mut last = [0u8; 4];
    for (dst, src) in last.iter_mut().zip(tail) {
        *dst = *src;
    }
    sum + u64::from(u32::from_be_bytes(last))
}
