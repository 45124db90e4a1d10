//! The Internet Timestamp option ([RFC 791 §3.1]).
//!
//! ```text
//! +--------+--------+--------+--------+
//! |01000100| length | pointer|oflw|flg|
//! +--------+--------+--------+--------+
//! |         internet address          |   (flags 1 and 3 only)
//! +--------+--------+--------+--------+
//! |             timestamp             |
//! +--------+--------+--------+--------+
//! |                 .                 |
//! ```
//!
//! The flag says what each entry holds: 0, a timestamp only (4 bytes); 1, the
//! recording router's address and a timestamp (8 bytes); 3, prespecified
//! addresses, each of which fills in the timestamp next to its own address
//! (8 bytes). The pointer is the one-based octet index of the next free
//! entry: 5 when empty, `length + 1` when full. The 4-bit overflow counter
//! counts the routers that could not record because the option was full.
//!
//! [RFC 791 §3.1]: https://www.rfc-editor.org/rfc/rfc791#section-3.1

use core::iter::FusedIterator;
use core::net::Ipv4Addr;

use super::kind::OptionKind;
use crate::error::{BufferTooSmall, OptionError, OptionsBuildError};

/// Most entries a Timestamp option can hold: nine timestamps, or four
/// address/timestamp pairs ([RFC 791 §3.1]).
///
/// [RFC 791 §3.1]: https://www.rfc-editor.org/rfc/rfc791#section-3.1
pub const MAX_TIMESTAMP_ENTRIES: usize = 9;

/// What each Timestamp entry holds ([RFC 791 §3.1]).
///
/// [RFC 791 §3.1]: https://www.rfc-editor.org/rfc/rfc791#section-3.1
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[repr(u8)]
pub enum TimestampFlag {
    /// Flag 0: timestamps only, four bytes each.
    TimestampsOnly = 0,
    /// Flag 1: each router records its address and a timestamp.
    AddressAndTimestamp = 1,
    /// Flag 3: the sender lists the addresses; each listed router fills in
    /// the timestamp next to its own address.
    Prespecified = 3,
}

impl TimestampFlag {
    /// The flag from its four-bit value, or `None` for 2 and 4–15.
    #[inline]
    pub const fn from_bits(bits: u8) -> Option<TimestampFlag> {
        match bits {
            0 => Some(TimestampFlag::TimestampsOnly),
            1 => Some(TimestampFlag::AddressAndTimestamp),
            3 => Some(TimestampFlag::Prespecified),
            _ => None,
        }
    }

    /// The flag's four-bit value on the wire (0, 1 or 3): the inverse of
    /// [`from_bits`](Self::from_bits).
    ///
    /// ```
    /// use ipv4_core::options::TimestampFlag;
    ///
    /// assert_eq!(TimestampFlag::Prespecified.bits(), 3);
    /// assert_eq!(u8::from(TimestampFlag::AddressAndTimestamp), 1);
    /// assert_eq!(TimestampFlag::from_bits(TimestampFlag::TimestampsOnly.bits()),
    ///            Some(TimestampFlag::TimestampsOnly));
    /// ```
    #[inline]
    pub const fn bits(self) -> u8 {
        self as u8
    }

    /// Bytes per entry: 4 for timestamps only, 8 with addresses.
    #[inline]
    pub const fn entry_len(self) -> usize {
        match self {
            TimestampFlag::TimestampsOnly => 4,
            _ => 8,
        }
    }

    /// Whether entries carry an address.
    #[inline]
    pub const fn has_addresses(self) -> bool {
        !matches!(self, TimestampFlag::TimestampsOnly)
    }
}

impl From<TimestampFlag> for u8 {
    /// [`TimestampFlag::bits`].
    #[inline]
    fn from(flag: TimestampFlag) -> u8 {
        flag.bits()
    }
}

/// A 32-bit Timestamp value ([RFC 791 §3.1]): milliseconds since midnight
/// UT, unless the high bit is set, which marks a non-standard value (a time
/// that is not in milliseconds or not relative to midnight UT).
///
/// ```
/// use ipv4_core::options::TimestampValue;
///
/// assert_eq!(TimestampValue(3_600_000).millis_since_midnight(), Some(3_600_000));
/// let odd = TimestampValue(0x8000_0001);
/// assert!(!odd.is_standard());
/// assert_eq!(odd.millis_since_midnight(), None);
/// ```
///
/// [RFC 791 §3.1]: https://www.rfc-editor.org/rfc/rfc791#section-3.1
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub struct TimestampValue(pub u32);

impl TimestampValue {
    /// Whether the high bit is clear, so the value is milliseconds since
    /// midnight UT.
    #[inline]
    pub const fn is_standard(self) -> bool {
        self.0 & 0x8000_0000 == 0
    }

    /// The milliseconds since midnight UT, or `None` for a non-standard
    /// value.
    #[inline]
    pub const fn millis_since_midnight(self) -> Option<u32> {
        if self.is_standard() {
            Some(self.0)
        } else {
            None
        }
    }
}

/// One Timestamp entry ([RFC 791 §3.1]): the address (flags 1 and 3) and
/// the time.
///
/// [RFC 791 §3.1]: https://www.rfc-editor.org/rfc/rfc791#section-3.1
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct TimestampEntry {
    /// The recording (flag 1) or prespecified (flag 3) address; `None` for
    /// flag 0.
    pub address: Option<Ipv4Addr>,
    /// The timestamp.
    pub time: TimestampValue,
}

impl Default for TimestampEntry {
    fn default() -> Self {
        TimestampEntry {
            address: None,
            time: TimestampValue(0),
        }
    }
}

/// Checks a framed Timestamp option's length, pointer and flag.
#[inline]
pub(crate) fn check(bytes: &[u8], offset: usize) -> Result<TimestampFlag, OptionError> {
    let length = bytes.len();
    let kind = OptionKind::TIMESTAMP.0;
    if length < 4 {
        return Err(OptionError::BadLength {
            kind,
            offset,
            length: length as u8,
            expected: "4 + 4n (flag 0) or 4 + 8n (flags 1 and 3)",
        });
    }
    let Some(flag) = TimestampFlag::from_bits(bytes[3] & 0x0f) else {
        return Err(OptionError::BadTimestampFlag {
            offset,
            flag: bytes[3] & 0x0f,
        });
    };
    let entry = flag.entry_len();
    if !(length - 4).is_multiple_of(entry) {
        return Err(OptionError::BadLength {
            kind,
            offset,
            length: length as u8,
            expected: if entry == 4 {
                "4 + 4n for flag 0"
            } else {
                "4 + 8n for flags 1 and 3"
            },
        });
    }
    let pointer = usize::from(bytes[2]);
    if pointer < 5 || !(pointer - 5).is_multiple_of(entry) || pointer > length + 1 {
        return Err(OptionError::BadPointer {
            kind,
            offset,
            pointer: bytes[2],
            expected: "5 plus a whole number of entries, at most the length plus 1",
        });
    }
    Ok(flag)
}

/// A validated Timestamp option, viewed in place ([RFC 791 §3.1]).
///
/// ```
/// use core::net::Ipv4Addr;
/// use ipv4_core::options::{Timestamp, TimestampFlag};
///
/// // Flag 1, room for two pairs, one recorded; overflow counter 2.
/// let bytes = [
///     68, 20, 13, 0x21,
///     192, 0, 2, 1, 0, 0, 0x03, 0xe8, // 192.0.2.1 at 1000 ms
///     0, 0, 0, 0, 0, 0, 0, 0,
/// ];
/// let ts = Timestamp::new_checked(&bytes).unwrap();
/// assert_eq!(ts.flag(), TimestampFlag::AddressAndTimestamp);
/// assert_eq!(ts.overflow(), 2);
/// assert_eq!((ts.capacity(), ts.filled()), (2, 1));
/// let first = ts.entries().next().unwrap();
/// assert_eq!(first.address, Some(Ipv4Addr::new(192, 0, 2, 1)));
/// assert_eq!(first.time.millis_since_midnight(), Some(1000));
/// ```
///
/// [RFC 791 §3.1]: https://www.rfc-editor.org/rfc/rfc791#section-3.1
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
pub struct Timestamp<'a> {
    bytes: &'a [u8],
    flag: TimestampFlag,
}

impl<'a> Timestamp<'a> {
    /// Validates `bytes` as one whole Timestamp option (type 68, length byte
    /// equal to `bytes.len()`, length, pointer and flag rules). Errors report
    /// offsets from the start of `bytes`.
    #[inline]
    pub fn new_checked(bytes: &'a [u8]) -> Result<Timestamp<'a>, OptionError> {
        let kind = super::frame::frame_one(bytes)?;
        if kind != OptionKind::TIMESTAMP.0 {
            return Err(OptionError::UnexpectedKind {
                offset: 0,
                expected: "a Timestamp option (type 68)",
                found: kind,
            });
        }
        let flag = check(bytes, 0)?;
        Ok(Timestamp { bytes, flag })
    }

    #[inline]
    pub(crate) const fn new_unchecked(bytes: &'a [u8], flag: TimestampFlag) -> Timestamp<'a> {
        Timestamp { bytes, flag }
    }

    /// The flag.
    #[inline]
    pub const fn flag(&self) -> TimestampFlag {
        self.flag
    }

    /// The length byte.
    #[inline]
    pub fn length(&self) -> u8 {
        self.bytes.len() as u8
    }

    /// The pointer byte: one-based octet index of the next free entry.
    #[inline]
    pub fn pointer(&self) -> u8 {
        self.bytes.get(2).copied().unwrap_or(5)
    }

    /// The overflow counter: routers that could not record (0–15).
    #[inline]
    pub fn overflow(&self) -> u8 {
        self.bytes.get(3).copied().unwrap_or(0) >> 4
    }

    /// Number of entries the option has room for.
    #[inline]
    pub fn capacity(&self) -> usize {
        self.bytes.len().saturating_sub(4) / self.flag.entry_len()
    }

    /// Number of entries before the pointer.
    #[inline]
    pub fn filled(&self) -> usize {
        (usize::from(self.pointer()).saturating_sub(5) / self.flag.entry_len()).min(self.capacity())
    }

    /// Whether the pointer is past the last entry.
    #[inline]
    pub fn is_full(&self) -> bool {
        self.filled() == self.capacity()
    }

    /// The entries before the pointer: those recorded so far.
    #[inline]
    pub fn entries(&self) -> TimestampEntries<'a> {
        let end = 4 + self.filled() * self.flag.entry_len();
        TimestampEntries::new(self.bytes.get(4..end).unwrap_or(&[]), self.flag)
    }

    /// Every entry, recorded or not (for flag 3, the prespecified addresses
    /// with their timestamps, zero where not yet filled).
    #[inline]
    pub fn slots(&self) -> TimestampEntries<'a> {
        TimestampEntries::new(self.bytes.get(4..).unwrap_or(&[]), self.flag)
    }

    /// The option's bytes, type byte included.
    #[inline]
    pub const fn as_bytes(&self) -> &'a [u8] {
        self.bytes
    }

    /// The option's body, the bytes after the type and length bytes:
    /// pointer, overflow/flag byte and the entries.
    #[inline]
    pub fn data(&self) -> &'a [u8] {
        self.bytes.get(2..).unwrap_or_default()
    }
}

/// Entries of a Timestamp option ([RFC 791 §3.1]), read in place.
///
/// [RFC 791 §3.1]: https://www.rfc-editor.org/rfc/rfc791#section-3.1
#[derive(Debug, Clone)]
pub struct TimestampEntries<'a> {
    chunks: core::slice::ChunksExact<'a, u8>,
    with_address: bool,
}

impl<'a> TimestampEntries<'a> {
    fn new(bytes: &'a [u8], flag: TimestampFlag) -> Self {
        TimestampEntries {
            chunks: bytes.chunks_exact(flag.entry_len()),
            with_address: flag.has_addresses(),
        }
    }

    fn decode(&self, chunk: &[u8]) -> TimestampEntry {
        let word = |i: usize| {
            let mut w = [0u8; 4];
            if let Some(b) = chunk.get(i..i + 4) {
                w.copy_from_slice(b);
            }
            w
        };
        if self.with_address {
            TimestampEntry {
                address: Some(Ipv4Addr::from(word(0))),
                time: TimestampValue(u32::from_be_bytes(word(4))),
            }
        } else {
            TimestampEntry {
                address: None,
                time: TimestampValue(u32::from_be_bytes(word(0))),
            }
        }
    }
}

impl Iterator for TimestampEntries<'_> {
    type Item = TimestampEntry;

    fn next(&mut self) -> Option<TimestampEntry> {
        let chunk = self.chunks.next()?;
        Some(self.decode(chunk))
    }

    fn size_hint(&self) -> (usize, Option<usize>) {
        self.chunks.size_hint()
    }
}

impl DoubleEndedIterator for TimestampEntries<'_> {
    fn next_back(&mut self) -> Option<TimestampEntry> {
        let chunk = self.chunks.next_back()?;
        Some(self.decode(chunk))
    }
}

impl ExactSizeIterator for TimestampEntries<'_> {}
impl FusedIterator for TimestampEntries<'_> {}

/// A Timestamp option as an owned value ([RFC 791 §3.1]). It emits byte for
/// byte what it was parsed from.
///
/// ```
/// use core::net::Ipv4Addr;
/// use ipv4_core::options::TimestampRepr;
///
/// // Ask two routers for their time (flag 3).
/// let ts = TimestampRepr::prespecified(&[
///     Ipv4Addr::new(198, 51, 100, 1),
///     Ipv4Addr::new(198, 51, 100, 2),
/// ])
/// .unwrap();
/// let mut buf = [0u8; 20];
/// assert_eq!(ts.emit(&mut buf), Ok(20));
/// assert_eq!(buf[..4], [68, 20, 5, 3]);
/// ```
///
/// [RFC 791 §3.1]: https://www.rfc-editor.org/rfc/rfc791#section-3.1
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct TimestampRepr {
    flag: TimestampFlag,
    overflow: u8,
    pointer: u8,
    entries: [TimestampEntry; MAX_TIMESTAMP_ENTRIES],
    len: usize,
}

impl TimestampRepr {
    /// The owned form of a parsed Timestamp. It holds up to
    /// [`MAX_TIMESTAMP_ENTRIES`] entries, more than a Timestamp inside an
    /// IPv4 header can have; a longer one (only possible in a bare slice of
    /// more than 40 bytes) keeps its first nine, so check
    /// [`Timestamp::capacity`] first when walking such slices.
    #[inline]
    pub fn parse(view: &Timestamp<'_>) -> TimestampRepr {
        let mut entries = [TimestampEntry::default(); MAX_TIMESTAMP_ENTRIES];
        let mut len = 0;
        for (slot, e) in entries.iter_mut().zip(view.slots()) {
            *slot = e;
            len += 1;
        }
        TimestampRepr {
            flag: view.flag,
            overflow: view.overflow(),
            pointer: view.pointer(),
            entries,
            len,
        }
    }

    /// A Timestamp option from all its fields. `entries` are every slot,
    /// filled or not; each must carry an address exactly when the flag
    /// says so. The overflow counter is 0–15; the pointer must be 5 plus a
    /// whole number of entries, at most one past the last entry.
    #[inline]
    pub fn new(
        flag: TimestampFlag,
        overflow: u8,
        pointer: u8,
        entries: &[TimestampEntry],
    ) -> Result<TimestampRepr, OptionsBuildError> {
        const WHAT: &str = "Timestamp";
        let entry = flag.entry_len();
        let length = 4 + entry * entries.len();
        if length > super::MAX_OPTIONS_LEN {
            return Err(OptionsBuildError::TooLong {
                required: length,
                limit: super::MAX_OPTIONS_LEN,
            });
        }
        if overflow > 15 {
            return Err(OptionsBuildError::InvalidArgument {
                what: WHAT,
                reason: "the overflow counter has four bits",
            });
        }
        let p = usize::from(pointer);
        if p < 5 || !(p - 5).is_multiple_of(entry) || p > length + 1 {
            return Err(OptionsBuildError::InvalidArgument {
                what: WHAT,
                reason: "the pointer must be 5 plus a whole number of entries, at most the length plus 1",
            });
        }
        if entries
            .iter()
            .any(|e| e.address.is_some() != flag.has_addresses())
        {
            return Err(OptionsBuildError::InvalidArgument {
                what: WHAT,
                reason: "entries must carry an address exactly when the flag is 1 or 3",
            });
        }
        let mut all = [TimestampEntry::default(); MAX_TIMESTAMP_ENTRIES];
        all[..entries.len()].copy_from_slice(entries);
        Ok(TimestampRepr {
            flag,
            overflow,
            pointer,
            entries: all,
            len: entries.len(),
        })
    }

    /// An empty option with `slots` entries of the given flag (for flag 1,
    /// zero addresses for routers to fill in), pointer 5.
    #[inline]
    pub fn empty(flag: TimestampFlag, slots: usize) -> Result<TimestampRepr, OptionsBuildError> {
        let limit = (super::MAX_OPTIONS_LEN - 4) / flag.entry_len();
        if slots > limit {
            return Err(OptionsBuildError::TooLong {
                required: 4 + slots * flag.entry_len(),
                limit: super::MAX_OPTIONS_LEN,
            });
        }
        let blank = TimestampEntry {
            address: flag.has_addresses().then_some(Ipv4Addr::UNSPECIFIED),
            time: TimestampValue(0),
        };
        TimestampRepr::new(flag, 0, 5, &[blank; MAX_TIMESTAMP_ENTRIES][..slots])
    }

    /// An empty flag-3 option asking each of `addresses`, in order, for a
    /// timestamp.
    #[inline]
    pub fn prespecified(addresses: &[Ipv4Addr]) -> Result<TimestampRepr, OptionsBuildError> {
        if addresses.len() > 4 {
            return Err(OptionsBuildError::TooLong {
                required: 4 + 8 * addresses.len(),
                limit: super::MAX_OPTIONS_LEN,
            });
        }
        let mut entries = [TimestampEntry::default(); 4];
        for (e, a) in entries.iter_mut().zip(addresses) {
            e.address = Some(*a);
        }
        TimestampRepr::new(
            TimestampFlag::Prespecified,
            0,
            5,
            &entries[..addresses.len()],
        )
    }

    /// The flag.
    #[inline]
    pub const fn flag(&self) -> TimestampFlag {
        self.flag
    }

    /// The overflow counter.
    #[inline]
    pub const fn overflow(&self) -> u8 {
        self.overflow
    }

    /// The pointer.
    #[inline]
    pub const fn pointer(&self) -> u8 {
        self.pointer
    }

    /// Every entry, filled or not.
    #[inline]
    pub fn slots(&self) -> &[TimestampEntry] {
        &self.entries[..self.len]
    }

    /// Bytes [`emit`](Self::emit) writes.
    #[inline]
    pub const fn buffer_len(&self) -> usize {
        4 + self.len * self.flag.entry_len()
    }

    /// Writes the option into the front of `buf` and returns its length.
    #[inline]
    pub fn emit(&self, buf: &mut [u8]) -> Result<usize, OptionsBuildError> {
        let n = self.buffer_len();
        let found = buf.len();
        let out = buf.get_mut(..n).ok_or(BufferTooSmall {
            what: "IPv4 Timestamp option",
            required: n,
            found,
        })?;
        out[0] = OptionKind::TIMESTAMP.0;
        out[1] = n as u8;
        out[2] = self.pointer;
        out[3] = (self.overflow << 4) | self.flag as u8;
        for (chunk, e) in out[4..]
            .chunks_exact_mut(self.flag.entry_len())
            .zip(self.slots())
        {
            let time = e.time.0.to_be_bytes();
            match e.address {
                Some(a) => {
                    chunk[..4].copy_from_slice(&a.octets());
                    chunk[4..].copy_from_slice(&time);
                }
                None => chunk.copy_from_slice(&time),
            }
        }
        Ok(n)
    }
}

#[cfg(test)]
mod tests {
    extern crate std;
    use super::*;
    use std::vec::Vec;

    #[test]
    fn rfc791_flag0_layout() {
        // Flag 0, three slots, two filled (pointer 13), overflow 0.
        let bytes = [68, 16, 13, 0x00, 0, 0, 0, 1, 0x80, 0, 0, 2, 0, 0, 0, 0];
        let ts = Timestamp::new_checked(&bytes).unwrap();
        assert_eq!(ts.flag(), TimestampFlag::TimestampsOnly);
        assert_eq!((ts.capacity(), ts.filled(), ts.is_full()), (3, 2, false));
        let e: Vec<_> = ts.entries().collect();
        assert_eq!(e.len(), 2);
        assert_eq!(e[0].address, None);
        assert_eq!(e[0].time.millis_since_midnight(), Some(1));
        assert!(!e[1].time.is_standard());
        assert_eq!(ts.slots().len(), 3);
    }

    #[test]
    fn checks_flag_length_and_pointer() {
        assert_eq!(
            Timestamp::new_checked(&[68, 8, 5, 0x02, 0, 0, 0, 0]),
            Err(OptionError::BadTimestampFlag { offset: 0, flag: 2 })
        );
        // Flag 1 needs 4 + 8n.
        assert!(matches!(
            Timestamp::new_checked(&[68, 8, 5, 0x01, 0, 0, 0, 0]),
            Err(OptionError::BadLength { length: 8, .. })
        ));
        // Pointer 4 is below the first entry; 9 is mid-entry for flag 1.
        for p in [4, 9, 22] {
            let mut b = [0u8; 20];
            b[..4].copy_from_slice(&[68, 20, p, 0x01]);
            assert!(matches!(
                Timestamp::new_checked(&b),
                Err(OptionError::BadPointer { .. })
            ));
        }
        // A full one (pointer = length + 1) is fine.
        let mut b = [0u8; 20];
        b[..4].copy_from_slice(&[68, 20, 21, 0xf1]);
        let ts = Timestamp::new_checked(&b).unwrap();
        assert!(ts.is_full());
        assert_eq!(ts.overflow(), 15);
        assert!(Timestamp::new_checked(&[68, 3, 5]).is_err());
    }

    #[test]
    fn repr_round_trip() {
        let r = TimestampRepr::new(
            TimestampFlag::AddressAndTimestamp,
            3,
            13,
            &[
                TimestampEntry {
                    address: Some(Ipv4Addr::new(192, 0, 2, 1)),
                    time: TimestampValue(5),
                },
                TimestampEntry {
                    address: Some(Ipv4Addr::UNSPECIFIED),
                    time: TimestampValue(0),
                },
            ],
        )
        .unwrap();
        let mut buf = [0u8; 20];
        assert_eq!(r.emit(&mut buf), Ok(20));
        assert_eq!(buf[..12], [68, 20, 13, 0x31, 192, 0, 2, 1, 0, 0, 0, 5]);
        assert_eq!(
            TimestampRepr::parse(&Timestamp::new_checked(&buf).unwrap()),
            r
        );
        assert_eq!(
            TimestampRepr::empty(TimestampFlag::TimestampsOnly, 9)
                .unwrap()
                .buffer_len(),
            40
        );
        assert!(TimestampRepr::empty(TimestampFlag::AddressAndTimestamp, 5).is_err());
        assert!(TimestampRepr::new(TimestampFlag::TimestampsOnly, 16, 5, &[]).is_err());
        assert!(
            TimestampRepr::new(
                TimestampFlag::TimestampsOnly,
                0,
                5,
                &[TimestampEntry {
                    address: Some(Ipv4Addr::UNSPECIFIED),
                    time: TimestampValue(0)
                }]
            )
            .is_err()
        );
    }
}
