//! The internet checksum: [RFC 1071] sums and [RFC 1624] incremental updates.
//!
//! The checksum of IPv4, ICMP, IGMP, UDP and TCP is the 16-bit one's
//! complement of the one's complement sum of the data taken as big-endian
//! 16-bit words (an odd trailing byte is padded with a zero byte).
//!
//! * [`checksum`] computes it in one call; [`verify`] checks data that already
//!   holds its checksum. Both are inlined and take a few additions on short
//!   inputs such as IPv4 headers and IGMP messages.
//! * [`verify_words`] checks data known to be whole 32-bit words (an IPv4
//!   header after its length checks), [`checksum_skipping_field`] computes
//!   the value for a checksum field without zeroing it first.
//! * [`Checksum`] accumulates many slices (of any length, odd ones included),
//!   words, and other partial sums, then [`finish`](Checksum::finish)es.
//! * [`update_u16`], [`update_u32`] and [`update_bytes`] adjust a stored
//!   checksum after a field changes, without reading the rest of the data
//!   ([RFC 1624] eqn. 3).
//! * [`pseudo_header`] starts the sum for TCP and UDP over IPv4.
//! * [`Policy`] is what the header and IGMP codecs do with a checksum
//!   field: verify on parse and compute on emit, or take it as it is.
//!
//! All values are returned as host integers whose big-endian bytes
//! (`to_be_bytes()`) are what goes on the wire.
//!
//! # How the sum is computed
//!
//! Words are summed in native byte order and the folded result is swapped
//! once at the end ([RFC 1071] §2(B)); a piece that starts at an odd offset
//! is accounted for by swapping its folded sum. By length:
//!
//! * under 64 bytes (an IGMPv1/v2 message, an IPv4 header with or without
//!   options): inline exact additions of 32-bit words, the first five
//!   unrolled, with no carries to fold back until the end;
//! * 64 to 127 bytes: an inline scalar loop, four 128-bit accumulators;
//! * 128 to 511 bytes: on x86_64 the SSE2 kernel, inlined (every hosted
//!   x86_64 target has SSE2); elsewhere, and on soft-float x86_64 targets
//!   such as `x86_64-unknown-none`, the scalar kernel;
//! * 512 bytes and more: the fastest kernel for the CPU, chosen once at run
//!   time and cached in an atomic: AVX-512 with the VNNI multiply-add,
//!   AVX-512F, AVX2 or SSE2 on x86_64 (on AMD Zen 1, where AVX2 runs at
//!   half width, 128-bit AVX vectors with a 64-bit add-with-carry chain
//!   beside them), the scalar kernel (four 128-bit accumulators) elsewhere,
//!   on soft-float x86_64 and under Miri.
//!
//! CPU features are detected with the `cpuid` and `xgetbv` instructions,
//! which need neither `std` nor the operating system, so this `no_std`
//! crate picks the kernel a std program would. The SIMD kernels are safe
//! code (zerocopy turns byte arrays into vectors); calling them is the
//! crate's only `unsafe`, in one private module.
//!
//! [RFC 1071]: https://www.rfc-editor.org/rfc/rfc1071
//! [RFC 1624]: https://www.rfc-editor.org/rfc/rfc1624

use core::hash::{Hash, Hasher};
use core::net::Ipv4Addr;

mod dispatch;
mod policy;
mod scalar;
#[cfg(all(target_arch = "x86_64", target_feature = "sse2", not(miri)))]
mod x86;

#[doc(hidden)]
pub use dispatch::{Kernel, available, best, sum16_with};
pub use policy::Policy;

/// Inputs shorter than this are summed inline as exact 32-bit words
/// ([`scalar::sum_bytes32`]): IGMPv1/v2 messages (8 bytes) and IPv4 headers
/// (20 to 60 bytes) take a few additions and no folding until the end.
const WORDS_MAX_LEN: usize = 64;

/// Inputs shorter than this (and at least [`WORDS_MAX_LEN`]) are summed
/// inline by a short scalar loop.
const SHORT_MAX_LEN: usize = 128;

/// Inputs shorter than this (and at least [`SHORT_MAX_LEN`]) are summed by
/// the SSE2 kernel inlined at the call site on x86_64, without kernel
/// dispatch; longer ones by the fastest kernel the CPU has. Measured on
/// x86_64, below about 500 bytes a call and a wider kernel's reduction
/// cost more than the width saves.
const SIMD_MIN_LEN: usize = 512;

/// Folds a wide one's complement sum down to 16 bits: two additions with
/// end-around carry (64 to 32 bits, 32 to 16), each congruent modulo
/// `0xffff` because `2^32 ≡ 2^16 ≡ 1`.
#[inline]
const fn fold(sum: u64) -> u16 {
    let (half, carry) = (sum as u32).overflowing_add((sum >> 32) as u32);
    let half = half + carry as u32;
    let (quarter, carry) = (half as u16).overflowing_add((half >> 16) as u16);
    quarter + carry as u16
}

/// Turns a folded sum of native-endian words into the sum of big-endian
/// words: the same bytes, read in network order (RFC 1071 §2(B)).
#[inline]
const fn to_network(sum: u16) -> u16 {
    u16::from_be_bytes(sum.to_ne_bytes())
}

/// Unfolded one's complement sum of `data` as native-endian 16-bit words, an
/// odd trailing byte padded with zero.
#[inline]
fn sum_ne(data: &[u8]) -> u64 {
    if data.len() < WORDS_MAX_LEN {
        scalar::sum_bytes32(data)
    } else if data.len() < SHORT_MAX_LEN {
        scalar::sum_short(data)
    } else if data.len() < SIMD_MIN_LEN {
        dispatch::sum_medium(data)
    } else {
        dispatch::sum(data)
    }
}

/// The folded sum of `data`'s big-endian words.
#[inline]
fn sum16(data: &[u8]) -> u16 {
    to_network(fold(sum_ne(data)))
}

/// Whether an unfolded sum of native-endian words folds to `0xffff`, the
/// sum of data that holds its right checksum (`0xffff` reads the same in
/// either byte order).
///
/// End-around carry is arithmetic modulo `0xffff`, and folding maps only
/// zero to zero, so the folded sum is `0xffff` exactly when the unfolded
/// one is a non-zero multiple of `0xffff`.
///
/// That test is one multiplication: `0xffff` is odd, so multiplying by its
/// inverse modulo 2^64 maps the multiples `k · 0xffff` to `k`, in order,
/// onto `0..=u64::MAX / 0xffff`, and every other value above that range
/// (Granlund and Montgomery's divisibility test). Subtracting one first
/// sends zero to the top as well. The compiler's remainder-then-compare
/// is a multiply, three shifts and subtractions longer, and on the
/// dependency chain of every header check.
#[inline(always)]
pub(crate) const fn sums_to_ffff(sum: u64) -> bool {
    /// `0xffff · INVERSE ≡ 1 (mod 2^64)`.
    const INVERSE: u64 = 0xfffe_fffe_fffe_ffff;
    const _: () = assert!(0xffff_u64.wrapping_mul(INVERSE) == 1);
    sum.wrapping_mul(INVERSE).wrapping_sub(1) < u64::MAX / 0xffff
}

/// Exact sum of `words`, each a 32-bit word read in native byte order, for
/// crate code that adds words of its own before finishing with
/// [`checksum_of_sum_ne`] (an owned IPv4 header sums its fields as values
/// plus its options array).
///
/// A 32-bit word counts as its two 16-bit words (`2^16 ≡ 1` modulo
/// `0xffff`). Exact below `2^32` words.
#[inline]
pub(crate) fn sum_words_ne(words: &[[u8; 4]]) -> u64 {
    scalar::sum_words32(words)
}

/// The checksum of data whose unfolded sum of native-endian words (16-bit
/// or 32-bit, exact or with end-around carry) is `sum`: fold, put the
/// folded sum in network order, complement.
#[inline]
pub(crate) const fn checksum_of_sum_ne(sum: u64) -> u16 {
    !to_network(fold(sum))
}

/// A running [RFC 1071] one's complement sum over any number of pieces.
///
/// Pieces may have any length: a piece that starts at an odd offset of the
/// whole (because an earlier piece had odd length) is accounted for, so the
/// result equals the checksum of the concatenation.
///
/// ```
/// use ipv4_core::checksum::{checksum, Checksum};
///
/// let data = [0x45, 0x00, 0x00, 0x1c, 0xab, 0xcd, 0x40];
/// let mut sum = Checksum::new();
/// sum.add_bytes(&data[..3]); // odd split
/// sum.add_bytes(&data[3..]);
/// assert_eq!(sum.finish(), checksum(&data));
/// ```
///
/// [RFC 1071]: https://www.rfc-editor.org/rfc/rfc1071
/// Two sums are equal when they would produce the same checksum and have the
/// same length parity (so appending the same bytes keeps them equal).
#[derive(Debug, Clone, Copy, Default)]
pub struct Checksum {
    /// Unfolded one's complement sum of the bytes as native-endian words,
    /// each piece rotated to its place (see [`add_bytes`](Self::add_bytes)).
    sum: u64,
    /// Whether the bytes added so far have odd total length.
    odd: bool,
}

impl Checksum {
    /// An empty sum.
    #[inline]
    pub const fn new() -> Self {
        Checksum { sum: 0, odd: false }
    }

    /// Adds the native-order sum `piece` of bytes that follow everything
    /// added so far, `odd_len` saying whether those bytes were odd in number.
    #[inline]
    fn add_piece(&mut self, piece: u64, odd_len: bool) {
        // After an odd number of bytes, each byte of the new piece lands in
        // the other half of its word; rotating the folded piece sum by a
        // byte moves it there (RFC 1071 §2(B)). No branch: rotating by 0 is
        // the identity.
        let rotation = u32::from(self.odd) * 8;
        let piece = fold(piece).rotate_left(rotation);
        self.sum = scalar::add(self.sum, u64::from(piece));
        self.odd ^= odd_len;
    }

    /// Adds `data`, which follows everything added so far.
    ///
    /// Long slices use the same SIMD kernels as [`checksum`].
    #[inline]
    pub fn add_bytes(&mut self, data: &[u8]) {
        self.add_piece(sum_ne(data), data.len() % 2 == 1);
    }

    /// Adds a 16-bit word (big-endian on the wire) that follows the bytes
    /// added so far.
    #[inline]
    pub fn add_u16(&mut self, word: u16) {
        self.add_piece(u64::from(u16::from_ne_bytes(word.to_be_bytes())), false);
    }

    /// Adds a 32-bit word (big-endian on the wire), such as an IPv4 address.
    #[inline]
    pub fn add_u32(&mut self, word: u32) {
        // A native u32 is congruent to the sum of its two native u16 halves.
        self.add_piece(u64::from(u32::from_ne_bytes(word.to_be_bytes())), false);
    }

    /// Appends another partial sum, as if its bytes had been added here.
    ///
    /// ```
    /// use ipv4_core::checksum::{checksum, Checksum};
    ///
    /// let data = [0x45, 0x00, 0x00, 0x1c, 0xab, 0xcd, 0x40, 0x00, 0x40];
    /// let (mut head, mut tail) = (Checksum::new(), Checksum::new());
    /// head.add_bytes(&data[..5]); // the pieces can be summed in any order,
    /// tail.add_bytes(&data[5..]); // on different threads, then combined
    /// head.combine(&tail);
    /// assert_eq!(head.finish(), checksum(&data));
    /// ```
    #[inline]
    pub fn combine(&mut self, other: &Checksum) {
        self.add_piece(other.sum, other.odd);
    }

    /// The folded one's complement sum, not yet complemented.
    #[inline]
    pub const fn sum16(&self) -> u16 {
        to_network(fold(self.sum))
    }

    /// The checksum: the complement of [`sum16`](Self::sum16).
    #[inline]
    pub const fn finish(&self) -> u16 {
        !self.sum16()
    }
}

impl PartialEq for Checksum {
    #[inline]
    fn eq(&self, other: &Self) -> bool {
        (fold(self.sum), self.odd) == (fold(other.sum), other.odd)
    }
}

impl Eq for Checksum {}

impl Hash for Checksum {
    fn hash<H: Hasher>(&self, state: &mut H) {
        (fold(self.sum), self.odd).hash(state);
    }
}

/// The [RFC 1071] checksum of `data`, ready to store big-endian.
///
/// Inputs of 512 bytes and more are summed with the fastest SIMD kernel the
/// CPU has (SSE2, AVX2 or AVX-512 on x86_64, detected once at run time);
/// shorter ones by inline scalar code.
///
/// ```
/// // An IPv4 header with its checksum field zeroed.
/// let header = [
///     0x45, 0x00, 0x00, 0x73, 0x00, 0x00, 0x40, 0x00, 0x40, 0x11, 0x00, 0x00,
///     0xc0, 0xa8, 0x00, 0x01, 0xc0, 0xa8, 0x00, 0xc7,
/// ];
/// assert_eq!(ipv4_core::checksum::checksum(&header), 0xb861);
/// ```
///
/// [RFC 1071]: https://www.rfc-editor.org/rfc/rfc1071
#[inline]
pub fn checksum(data: &[u8]) -> u16 {
    !sum16(data)
}

/// Whether `data`, which includes its checksum field, sums to `0xffff`
/// ([RFC 1071] §1 (3)).
///
/// Eight bytes (an IGMPv1/v2 message) are checked inline with one 32-bit
/// addition; other lengths by one call: exact 32-bit word additions under
/// 64 bytes, the kernels above. For an IPv4 header, [`verify_words`] is
/// the same test fully inlined.
///
/// ```
/// let header = [
///     0x45, 0x00, 0x00, 0x73, 0x00, 0x00, 0x40, 0x00, 0x40, 0x11, 0xb8, 0x61,
///     0xc0, 0xa8, 0x00, 0x01, 0xc0, 0xa8, 0x00, 0xc7,
/// ];
/// assert!(ipv4_core::checksum::verify(&header));
/// ```
///
/// [RFC 1071]: https://www.rfc-editor.org/rfc/rfc1071
#[inline]
pub fn verify(data: &[u8]) -> bool {
    if let Ok(message) = <&[u8; 8]>::try_from(data) {
        verify_8(message)
    } else {
        verify_other(data)
    }
}

/// [`verify`] for exactly 8 bytes (an IGMPv1/v2 message, an ICMP echo
/// header): two 32-bit words added with end-around carry and folded on 32
/// bits, with no length tests left for the compiler to keep.
#[inline(always)]
const fn verify_8(data: &[u8; 8]) -> bool {
    let [a0, a1, a2, a3, b0, b1, b2, b3] = *data;
    let (sum, carry) =
        u32::from_ne_bytes([a0, a1, a2, a3]).overflowing_add(u32::from_ne_bytes([b0, b1, b2, b3]));
    let sum = (sum & 0xffff) + (sum >> 16) + carry as u32;
    (sum & 0xffff) + (sum >> 16) == 0xffff
}

/// [`verify`] for inputs of [`WORDS_MAX_LEN`] bytes and more, out of line.
///
/// Parsers inline `verify` for their short messages (8-byte IGMP, 20- to
/// 60-byte IPv4 headers); inlining the longer paths too (the short loop,
/// the SSE2 kernel) would crowd those callers with code they rarely run and
/// cost the short path registers and a larger frame. A call is small next
/// to summing 64 bytes or more.
#[inline(never)]
fn verify_long(data: &[u8]) -> bool {
    sums_to_ffff(sum_ne(data))
}

/// [`verify`] for any length but 8, out of line: callers inline only the
/// 8-byte test (IGMP's common case) and a call. Data known to be whole
/// 32-bit words, such as an IPv4 header, has the inlined [`verify_words`].
#[inline(never)]
fn verify_other(data: &[u8]) -> bool {
    if data.len() < WORDS_MAX_LEN {
        sums_to_ffff(scalar::sum_bytes32(data))
    } else {
        verify_long(data)
    }
}

/// [`verify`] for data that is a whole number of 32-bit words, such as an
/// IPv4 header whose IHL has been checked against its buffer
/// ([RFC 791 §3.1]): the same answer as `verify(words.as_flattened())`,
/// without the test for a partial last word.
///
/// A header of 20 to 60 bytes takes five unrolled additions, a short loop
/// for the options, and one multiplication (no remainder, no folds).
///
/// ```
/// let header = [
///     0x45, 0x00, 0x00, 0x73, 0x00, 0x00, 0x40, 0x00, 0x40, 0x11, 0xb8, 0x61,
///     0xc0, 0xa8, 0x00, 0x01, 0xc0, 0xa8, 0x00, 0xc7,
/// ];
/// let (words, rest) = header.as_chunks::<4>();
/// assert!(rest.is_empty());
/// assert!(ipv4_core::checksum::verify_words(words));
/// ```
///
/// [RFC 791 §3.1]: https://www.rfc-editor.org/rfc/rfc791#section-3.1
#[inline]
pub fn verify_words(words: &[[u8; 4]]) -> bool {
    if words.len() < WORDS_MAX_LEN / 4 {
        sums_to_ffff(scalar::sum_words32(words))
    } else {
        verify_long(words.as_flattened())
    }
}

/// The exact sum of an IPv4 header given as its fixed 20 bytes and its
/// option words (none to ten), as native-endian 32-bit words: five
/// additions unrolled and a loop only when there are options.
/// [`sums_to_ffff`] tests it; [`header_checksum_from_sum`] turns it
/// into the checksum the header should carry.
#[inline(always)]
pub(crate) fn header_sum(fixed: &[u8; 20], options: &[[u8; 4]]) -> u64 {
    let word = |w: &[u8; 4]| u64::from(u32::from_ne_bytes(*w));
    let (f, _) = fixed.as_chunks::<4>();
    let mut sum = match f {
        [w0, w1, w2, w3, w4] => word(w0) + word(w1) + word(w2) + word(w3) + word(w4),
        _ => 0,
    };
    // The first option word unrolled: a header with one 4-byte option
    // (Router Alert, on every IGMP message) skips the loop's set-up.
    if let Some((first, rest)) = options.split_first() {
        sum += word(first);
        for w in rest {
            sum += word(w);
        }
    }
    sum
}

/// The checksum a header should carry, from its [`header_sum`] and the
/// checksum field it holds (bytes 10 and 11): what
/// `checksum_skipping_field(header, 10)` returns, without summing again.
#[inline(always)]
pub(crate) const fn header_checksum_from_sum(sum: u64, field: [u8; 2]) -> u16 {
    // The field is the high-address half of the third 32-bit word; the
    // exact sum holds it once.
    checksum_of_sum_ne(sum - u32::from_ne_bytes([0, 0, field[0], field[1]]) as u64)
}

/// The checksum of `data` with the 16-bit checksum field at offset `at`
/// taken as zero: the value that field should hold ([RFC 1071] §1 (2)),
/// computed without zeroing it first, so a received header can be checked
/// or an edited one refilled in place.
///
/// The same as [`checksum`] over a copy of `data` with `data[at..at + 2]`
/// zeroed. If the field does not lie wholly within `data`, nothing is
/// skipped: the result is `checksum(data)`. `at` may be odd.
///
/// ```
/// use ipv4_core::checksum::checksum_skipping_field;
/// // An IPv4 header; its checksum field (offset 10) holds 0xb861.
/// let header = [
///     0x45, 0x00, 0x00, 0x73, 0x00, 0x00, 0x40, 0x00, 0x40, 0x11, 0xb8, 0x61,
///     0xc0, 0xa8, 0x00, 0x01, 0xc0, 0xa8, 0x00, 0xc7,
/// ];
/// assert_eq!(checksum_skipping_field(&header, 10), 0xb861);
/// ```
///
/// [RFC 1071]: https://www.rfc-editor.org/rfc/rfc1071
#[inline]
pub fn checksum_skipping_field(data: &[u8], at: usize) -> u16 {
    let Some(&[hi, lo]) = data.get(at..).and_then(|rest| rest.first_chunk::<2>()) else {
        return checksum(data);
    };
    if data.len() < WORDS_MAX_LEN && at.is_multiple_of(2) {
        // The exact word sum holds the field once, as the low or high half
        // of a 32-bit word: subtracting that is the sum with the field zero
        // (exact, so all-zero data keeps its sum of +0 and checksum 0xffff).
        let field = if at.is_multiple_of(4) {
            [hi, lo, 0, 0]
        } else {
            [0, 0, hi, lo]
        };
        let sum = scalar::sum_bytes32(data) - u64::from(u32::from_ne_bytes(field));
        checksum_of_sum_ne(sum)
    } else {
        let mut sum = Checksum::new();
        sum.add_bytes(&data[..at]);
        sum.add_bytes(&data[at + 2..]);
        sum.finish()
    }
}

/// [RFC 1624] eqn. 3 on a sum: `~(~hc + ~old + new)`.
#[inline]
const fn update_sum(checksum: u16, old: u16, new: u16) -> u16 {
    !fold(!checksum as u64 + !old as u64 + new as u64)
}

/// Updates `checksum` after one 16-bit word of the data changed from `old`
/// to `new` ([RFC 1624] eqn. 3, which never turns a correct checksum into
/// `0xffff` the way RFC 1141's form can).
///
/// ```
/// use ipv4_core::checksum::{checksum, update_u16};
/// let mut data = [0x45, 0x00, 0x00, 0x54, 0x40, 0x01];
/// let before = checksum(&data);
/// data[4..6].copy_from_slice(&0x3f01u16.to_be_bytes()); // TTL 64 -> 63
/// assert_eq!(update_u16(before, 0x4001, 0x3f01), checksum(&data));
/// ```
///
/// [RFC 1624]: https://www.rfc-editor.org/rfc/rfc1624
#[inline]
pub const fn update_u16(checksum: u16, old: u16, new: u16) -> u16 {
    update_sum(checksum, old, new)
}

/// Updates `checksum` after a 32-bit word at an even offset (an address)
/// changed from `old` to `new` ([RFC 1624] eqn. 3).
///
/// ```
/// use ipv4_core::checksum::{checksum, update_u32};
/// let mut header = [
///     0x45, 0x00, 0x00, 0x73, 0x00, 0x00, 0x40, 0x00, 0x40, 0x11, 0x00, 0x00,
///     0xc0, 0xa8, 0x00, 0x01, 0xc0, 0xa8, 0x00, 0xc7,
/// ];
/// let before = checksum(&header);
/// header[12..16].copy_from_slice(&[203, 0, 113, 9]); // NAT rewrite of the source
/// assert_eq!(update_u32(before, 0xc0a8_0001, 0xcb00_7109), checksum(&header));
/// ```
///
/// [RFC 1624]: https://www.rfc-editor.org/rfc/rfc1624
#[inline]
pub const fn update_u32(checksum: u16, old: u32, new: u32) -> u16 {
    let old = fold((old >> 16) as u64 + (old & 0xffff) as u64);
    let new = fold((new >> 16) as u64 + (new & 0xffff) as u64);
    update_sum(checksum, old, new)
}

/// Updates `checksum` after the bytes at `offset` of the checksummed data
/// changed from `old` to `new` ([RFC 1624] eqn. 3 over a range).
///
/// `offset` may be odd. `old` and `new` should have equal length: the
/// update removes `old`'s contribution at `offset` and adds `new`'s, which
/// is only the checksum of the edited data if nothing after the range moved.
///
/// ```
/// use ipv4_core::checksum::{checksum, update_bytes};
/// let mut data = *b"GET /index.html HTTP/1.1";
/// let before = checksum(&data);
/// data[5..10].copy_from_slice(b"about"); // odd offset, odd length
/// assert_eq!(update_bytes(before, 5, b"index", b"about"), checksum(&data));
/// ```
///
/// [RFC 1624]: https://www.rfc-editor.org/rfc/rfc1624
#[inline]
pub fn update_bytes(checksum: u16, offset: usize, old: &[u8], new: &[u8]) -> u16 {
    let (mut old, mut new) = (sum16(old), sum16(new));
    if offset % 2 == 1 {
        old = old.swap_bytes();
        new = new.swap_bytes();
    }
    update_sum(checksum, old, new)
}

/// The partial sum of the IPv4 pseudo-header that starts the TCP and UDP
/// checksums ([RFC 768], [RFC 9293 §3.1]): source, destination, zero,
/// protocol and the upper-layer length.
///
/// ```
/// use core::net::Ipv4Addr;
/// use ipv4_core::checksum::pseudo_header;
///
/// // A UDP datagram from 192.0.2.1:12345 to 192.0.2.2:53, no payload, its
/// // checksum field zeroed. By hand: pseudo-header words c000 0201 c000 0202
/// // 0011 0008, UDP words 3039 0035 0008 0000; they sum to 0xb493.
/// let udp = [0x30, 0x39, 0x00, 0x35, 0x00, 0x08, 0x00, 0x00];
/// let mut sum = pseudo_header(Ipv4Addr::new(192, 0, 2, 1), Ipv4Addr::new(192, 0, 2, 2), 17, 8);
/// sum.add_bytes(&udp);
/// assert_eq!(sum.finish(), !0xb493);
/// ```
///
/// [RFC 768]: https://www.rfc-editor.org/rfc/rfc768
/// [RFC 9293 §3.1]: https://www.rfc-editor.org/rfc/rfc9293#section-3.1
#[inline]
pub fn pseudo_header(src: Ipv4Addr, dst: Ipv4Addr, protocol: u8, length: u16) -> Checksum {
    let mut sum = Checksum::new();
    sum.add_u32(src.to_bits());
    sum.add_u32(dst.to_bits());
    sum.add_u16(u16::from(protocol));
    sum.add_u16(length);
    sum
}

#[cfg(test)]
mod tests;
