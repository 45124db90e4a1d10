//! The internet checksum: [RFC 1071] sums and [RFC 1624] incremental updates.
//!
//! The checksum of IPv4, ICMP, IGMP, UDP and TCP is the 16-bit one's
//! complement of the one's complement sum of the data taken as big-endian
//! 16-bit words (an odd trailing byte is padded with a zero byte).
//!
//! * [`checksum`] computes it in one call; [`verify`] checks data that already
//!   holds its checksum.
//! * [`Checksum`] accumulates many slices (of any length, odd ones included),
//!   words, and other partial sums, then [`finish`](Checksum::finish)es.
//! * [`update_u16`], [`update_u32`] and [`update_bytes`] adjust a stored
//!   checksum after a field changes, without reading the rest of the data
//!   ([RFC 1624] eqn. 3).
//! * [`pseudo_header`] starts the sum for TCP and UDP over IPv4.
//!
//! All values are returned as host integers whose big-endian bytes
//! (`to_be_bytes()`) are what goes on the wire.
//!
//! [RFC 1071]: https://www.rfc-editor.org/rfc/rfc1071
//! [RFC 1624]: https://www.rfc-editor.org/rfc/rfc1624

use core::net::Ipv4Addr;

/// Folds a wide one's complement sum down to 16 bits.
#[inline]
const fn fold(mut sum: u64) -> u16 {
    sum = (sum & 0xffff_ffff) + (sum >> 32);
    sum = (sum & 0xffff_ffff) + (sum >> 32);
    let mut s = ((sum & 0xffff) + (sum >> 16)) as u32;
    s = (s & 0xffff) + (s >> 16);
    s as u16
}

/// One's complement sum of `data` as big-endian 16-bit words, with an odd
/// trailing byte taken as the high byte of a last word. Not folded.
#[inline]
fn sum_be(data: &[u8]) -> u64 {
    // Each 4-byte chunk adds less than 2^32, so a u64 holds 2^32 of them
    // (16 GiB) before it can overflow; fold every 1 GiB to stay far from that.
    let mut total: u64 = 0;
    for block in data.chunks(1 << 30) {
        let mut sum: u64 = 0;
        let mut words = block.chunks_exact(4);
        for w in &mut words {
            sum += u64::from(u32::from_be_bytes([w[0], w[1], w[2], w[3]]));
        }
        let rest = words.remainder();
        let mut tail = [0u8; 4];
        tail[..rest.len()].copy_from_slice(rest);
        sum += u64::from(u32::from_be_bytes(tail));
        total += u64::from(fold(sum));
    }
    total
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
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash)]
pub struct Checksum {
    /// Unfolded sum of big-endian words, an odd last byte as a high byte.
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

    /// Adds `data`, which follows everything added so far.
    #[inline]
    pub fn add_bytes(&mut self, data: &[u8]) {
        let s = sum_be(data);
        // Bytes that start at an odd offset land in the other half of each
        // word; byte-swapping the folded sum moves them there (RFC 1071 §2(B)).
        self.sum += if self.odd {
            u64::from(fold(s).swap_bytes())
        } else {
            s
        };
        self.odd ^= data.len() % 2 == 1;
        self.sum = u64::from(fold(self.sum));
    }

    /// Adds a 16-bit word (big-endian on the wire) that follows the bytes
    /// added so far.
    #[inline]
    pub fn add_u16(&mut self, word: u16) {
        self.add_bytes(&word.to_be_bytes());
    }

    /// Adds a 32-bit word (big-endian on the wire), such as an IPv4 address.
    #[inline]
    pub fn add_u32(&mut self, word: u32) {
        self.add_bytes(&word.to_be_bytes());
    }

    /// Appends another partial sum, as if its bytes had been added here.
    #[inline]
    pub fn combine(&mut self, other: &Checksum) {
        let s = fold(other.sum);
        self.sum += u64::from(if self.odd { s.swap_bytes() } else { s });
        self.odd ^= other.odd;
    }

    /// The folded one's complement sum, not yet complemented.
    #[inline]
    pub const fn sum16(&self) -> u16 {
        fold(self.sum)
    }

    /// The checksum: the complement of [`sum16`](Self::sum16).
    #[inline]
    pub const fn finish(&self) -> u16 {
        !fold(self.sum)
    }
}

/// The [RFC 1071] checksum of `data`, ready to store big-endian.
///
/// ```
/// // The IPv4 header from RFC 1071's neighbour, RFC 791 style: checksum field zeroed.
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
    !fold(sum_be(data))
}

/// Whether `data`, which includes its checksum field, sums to `0xffff`.
#[inline]
pub fn verify(data: &[u8]) -> bool {
    fold(sum_be(data)) == 0xffff
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

/// Updates `checksum` after an aligned 32-bit word (an address) changed from
/// `old` to `new`.
#[inline]
pub const fn update_u32(checksum: u16, old: u32, new: u32) -> u16 {
    let old = fold((old >> 16) as u64 + (old & 0xffff) as u64);
    let new = fold((new >> 16) as u64 + (new & 0xffff) as u64);
    update_sum(checksum, old, new)
}

/// Updates `checksum` after the bytes at `offset` of the checksummed data
/// changed from `old` to `new`.
///
/// `offset` may be odd. `old` and `new` should have equal length: the
/// update removes `old`'s contribution at `offset` and adds `new`'s, which
/// is only the checksum of the edited data if nothing after the range moved.
#[inline]
pub fn update_bytes(checksum: u16, offset: usize, old: &[u8], new: &[u8]) -> u16 {
    let (mut old, mut new) = (fold(sum_be(old)), fold(sum_be(new)));
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
/// let udp = [0x30, 0x39, 0x00, 0x35, 0x00, 0x08, 0x00, 0x00]; // no payload
/// let mut sum = pseudo_header(Ipv4Addr::new(192, 0, 2, 1), Ipv4Addr::new(192, 0, 2, 2), 17, 8);
/// sum.add_bytes(&udp);
/// assert_ne!(sum.finish(), 0);
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
