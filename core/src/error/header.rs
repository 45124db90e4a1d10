//! Errors of the IPv4 header codec ([`crate::header`]).
use core::fmt;

use super::BufferTooSmall;

/// A field of the fixed IPv4 header ([RFC 791 §3.1]), named in errors.
///
/// [`offset`](Self::offset) is the field's first byte from the start of the
/// header; the sub-byte fields (version and IHL, flags and fragment offset)
/// name the byte they live in.
///
/// [RFC 791 §3.1]: https://www.rfc-editor.org/rfc/rfc791#section-3.1
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum HeaderField {
    /// The whole header (its length, not a single field).
    Header,
    /// Version, the high nibble of byte 0.
    Version,
    /// Internet Header Length (IHL), the low nibble of byte 0, in 32-bit words.
    Ihl,
    /// Type of Service (DSCP and ECN), byte 1.
    Tos,
    /// Total Length, bytes 2–3.
    TotalLength,
    /// Identification, bytes 4–5.
    Identification,
    /// Flags, the top three bits of byte 6.
    Flags,
    /// Fragment Offset, the low 13 bits of bytes 6–7, in 8-byte units.
    FragmentOffset,
    /// Time to Live, byte 8.
    Ttl,
    /// Protocol, byte 9.
    Protocol,
    /// Header Checksum, bytes 10–11.
    Checksum,
    /// Source Address, bytes 12–15.
    Source,
    /// Destination Address, bytes 16–19.
    Destination,
    /// Options, from byte 20 up to the header length.
    Options,
}

impl HeaderField {
    /// Byte offset of the field from the start of the header.
    pub const fn offset(self) -> usize {
        match self {
            HeaderField::Header | HeaderField::Version | HeaderField::Ihl => 0,
            HeaderField::Tos => 1,
            HeaderField::TotalLength => 2,
            HeaderField::Identification => 4,
            HeaderField::Flags | HeaderField::FragmentOffset => 6,
            HeaderField::Ttl => 8,
            HeaderField::Protocol => 9,
            HeaderField::Checksum => 10,
            HeaderField::Source => 12,
            HeaderField::Destination => 16,
            HeaderField::Options => 20,
        }
    }

    /// The field's name as RFC 791 writes it, in lower case.
    pub const fn name(self) -> &'static str {
        match self {
            HeaderField::Header => "header",
            HeaderField::Version => "version",
            HeaderField::Ihl => "header length (IHL)",
            HeaderField::Tos => "type of service",
            HeaderField::TotalLength => "total length",
            HeaderField::Identification => "identification",
            HeaderField::Flags => "flags",
            HeaderField::FragmentOffset => "fragment offset",
            HeaderField::Ttl => "time to live",
            HeaderField::Protocol => "protocol",
            HeaderField::Checksum => "header checksum",
            HeaderField::Source => "source address",
            HeaderField::Destination => "destination address",
            HeaderField::Options => "options",
        }
    }
}

impl fmt::Display for HeaderField {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// Why an IPv4 header ([RFC 791 §3.1]) could not be parsed, verified or
/// written.
///
/// Every variant says which [`field`](Self::field) was wrong, at which byte
/// [`offset`](Self::offset) of the header, and what was expected against
/// what was found. Lengths are in bytes, including the IHL, which the
/// header stores in 32-bit words (IHL 6 is reported as 24 bytes).
///
/// ```
/// use ipv4_core::error::{HeaderError, HeaderField};
/// use ipv4_core::header::HeaderView;
///
/// let mut packet = [0u8; 20];
/// packet[0] = 0x65; // version 6
/// let err = HeaderView::new_checked(&packet[..]).unwrap_err();
/// assert_eq!(err, HeaderError::Version { found: 6 });
/// assert_eq!(err.field(), HeaderField::Version);
/// assert_eq!(err.offset(), 0);
/// assert_eq!(
///     err.to_string(),
///     "the IPv4 header's version (byte 0) is 6 but must be 4"
/// );
/// ```
///
/// [RFC 791 §3.1]: https://www.rfc-editor.org/rfc/rfc791#section-3.1
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum HeaderError {
    /// The buffer is shorter than the 20-byte fixed header.
    Truncated {
        /// Bytes needed: 20.
        required: usize,
        /// Bytes in the buffer.
        found: usize,
    },
    /// The version nibble is not 4.
    Version {
        /// The version found.
        found: u8,
    },
    /// The IHL is below 5 (20 bytes), the smallest legal header.
    HeaderLengthTooSmall {
        /// The header length the IHL gives, in bytes (IHL × 4).
        found: usize,
    },
    /// The IHL says the header (with options) is longer than the buffer.
    OptionsTruncated {
        /// The header length the IHL gives, in bytes (IHL × 4).
        required: usize,
        /// Bytes in the buffer.
        found: usize,
    },
    /// The total length is smaller than the header length.
    TotalLengthTooSmall {
        /// The smallest legal total length: the header length.
        required: usize,
        /// The total length field.
        found: u16,
    },
    /// The total length is larger than the buffer (strict parsing only; the
    /// lax constructor accepts it as a truncated capture).
    TotalLengthExceedsBuffer {
        /// Bytes in the buffer.
        available: usize,
        /// The total length field.
        found: u16,
    },
    /// The header checksum does not verify.
    Checksum {
        /// The checksum the header's bytes call for (computed with the
        /// checksum field taken as zero).
        expected: u16,
        /// The checksum field.
        found: u16,
    },
    /// More than 40 bytes of options were given.
    OptionsTooLong {
        /// The most options an IPv4 header can carry: 40 bytes.
        max: usize,
        /// Bytes given.
        found: usize,
    },
    /// A value of an owned header does not fit its field on the wire.
    FieldOverflow {
        /// The field.
        field: HeaderField,
        /// The largest value the field can hold.
        max: u32,
        /// The value given.
        found: u32,
    },
    /// The output buffer is shorter than the header being written.
    BufferTooSmall(BufferTooSmall),
}

impl HeaderError {
    /// The field the error is about.
    pub const fn field(&self) -> HeaderField {
        match self {
            HeaderError::Truncated { .. } | HeaderError::BufferTooSmall(_) => HeaderField::Header,
            HeaderError::Version { .. } => HeaderField::Version,
            HeaderError::HeaderLengthTooSmall { .. } | HeaderError::OptionsTruncated { .. } => {
                HeaderField::Ihl
            }
            HeaderError::TotalLengthTooSmall { .. }
            | HeaderError::TotalLengthExceedsBuffer { .. } => HeaderField::TotalLength,
            HeaderError::Checksum { .. } => HeaderField::Checksum,
            HeaderError::OptionsTooLong { .. } => HeaderField::Options,
            HeaderError::FieldOverflow { field, .. } => *field,
        }
    }

    /// Byte offset of [`field`](Self::field) from the start of the header.
    pub const fn offset(&self) -> usize {
        self.field().offset()
    }
}

impl fmt::Display for HeaderError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match *self {
            HeaderError::Truncated { required, found } => write!(
                f,
                "the buffer holds {found} bytes but an IPv4 header needs at least {required}"
            ),
            HeaderError::Version { found } => write!(
                f,
                "the IPv4 header's version (byte 0) is {found} but must be 4"
            ),
            HeaderError::HeaderLengthTooSmall { found } => write!(
                f,
                "the IPv4 header's header length (IHL, byte 0) is {found} bytes but must be at least 20"
            ),
            HeaderError::OptionsTruncated { required, found } => write!(
                f,
                "the IPv4 header's header length (IHL, byte 0) is {required} bytes but the buffer holds only {found}"
            ),
            HeaderError::TotalLengthTooSmall { required, found } => write!(
                f,
                "the IPv4 header's total length (bytes 2-3) is {found} but must be at least the header length, {required}"
            ),
            HeaderError::TotalLengthExceedsBuffer { available, found } => write!(
                f,
                "the IPv4 header's total length (bytes 2-3) is {found} but the buffer holds only {available} bytes"
            ),
            HeaderError::Checksum { expected, found } => write!(
                f,
                "the IPv4 header's checksum (bytes 10-11) is {found:#06x} but the header's contents call for {expected:#06x}"
            ),
            HeaderError::OptionsTooLong { max, found } => write!(
                f,
                "{found} bytes of IPv4 options were given but a header holds at most {max}"
            ),
            HeaderError::FieldOverflow { field, max, found } => write!(
                f,
                "the IPv4 header's {} (byte {}) cannot hold {found}: its largest value is {max}",
                field.name(),
                field.offset()
            ),
            HeaderError::BufferTooSmall(e) => e.fmt(f),
        }
    }
}

impl core::error::Error for HeaderError {
    fn source(&self) -> Option<&(dyn core::error::Error + 'static)> {
        match self {
            HeaderError::BufferTooSmall(e) => Some(e),
            _ => None,
        }
    }
}

impl From<BufferTooSmall> for HeaderError {
    fn from(e: BufferTooSmall) -> Self {
        HeaderError::BufferTooSmall(e)
    }
}
