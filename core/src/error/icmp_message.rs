//! Errors of the ICMPv4 message codec ([`icmp`](crate::icmp)): parsing
//! messages and their RFC 4884 extensions, and building them.

use core::fmt;

use super::BufferTooSmall;

/// Why an ICMPv4 message ([RFC 792]) or its RFC 4884 extension structure
/// could not be parsed.
///
/// Offsets count from the first byte of the ICMP message (its Type byte).
///
/// ```
/// use ipv4_core::error::IcmpError;
/// use ipv4_core::icmp::IcmpView;
///
/// // A timestamp request must be 20 bytes long.
/// let err = IcmpView::new_checked(&[13u8, 0, 0xf2, 0xff, 0, 0, 0, 0][..]).unwrap_err();
/// assert_eq!(err, IcmpError::Truncated { what: "timestamp message", required: 20, found: 8 });
/// assert_eq!(err.to_string(), "the timestamp message needs 20 bytes but the message has only 8");
/// ```
///
/// [RFC 792]: https://www.rfc-editor.org/rfc/rfc792
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum IcmpError {
    /// The message is shorter than the fixed part of its type.
    Truncated {
        /// What was being read, e.g. `"ICMP header"`.
        what: &'static str,
        /// Bytes the fixed part needs.
        required: usize,
        /// Bytes present.
        found: usize,
    },
    /// The checksum over the whole message is wrong.
    Checksum {
        /// The checksum field as received.
        found: u16,
        /// The value the field would have to hold for the message to verify.
        expected: u16,
    },
    /// The [RFC 4884] length field (offset 5) says the original datagram is
    /// longer than what follows the 8-byte header.
    ///
    /// [RFC 4884]: https://www.rfc-editor.org/rfc/rfc4884#section-4
    LengthPastEnd {
        /// The length field, in 32-bit words.
        words: u8,
        /// Bytes the field declares (`words × 4`).
        required: usize,
        /// Bytes present after the 8-byte header.
        found: usize,
    },
    /// The [RFC 4884] length field is not zero but declares an original
    /// datagram shorter than the 128 bytes the RFC requires
    /// ([RFC 4884 §4.1]).
    ///
    /// [RFC 4884]: https://www.rfc-editor.org/rfc/rfc4884#section-4
    /// [RFC 4884 §4.1]: https://www.rfc-editor.org/rfc/rfc4884#section-4.1
    LengthTooSmall {
        /// The length field, in 32-bit words.
        words: u8,
    },
    /// Fewer than the 4 bytes of the extension header follow the original
    /// datagram ([RFC 4884 §7]).
    ///
    /// [RFC 4884 §7]: https://www.rfc-editor.org/rfc/rfc4884#section-7
    ExtensionTruncated {
        /// Offset of the extension structure.
        offset: usize,
        /// Bytes present there.
        found: usize,
    },
    /// The extension header's version is not 2 ([RFC 4884 §7]).
    ///
    /// [RFC 4884 §7]: https://www.rfc-editor.org/rfc/rfc4884#section-7
    ExtensionVersion {
        /// Offset of the extension header.
        offset: usize,
        /// The version found.
        found: u8,
    },
    /// The extension structure's checksum is wrong ([RFC 4884 §7]).
    ///
    /// [RFC 4884 §7]: https://www.rfc-editor.org/rfc/rfc4884#section-7
    ExtensionChecksum {
        /// Offset of the extension header.
        offset: usize,
        /// The checksum field as received.
        found: u16,
        /// The value the field would have to hold.
        expected: u16,
    },
    /// Fewer than the 4 bytes of an object header remain ([RFC 4884 §7.2]).
    ///
    /// [RFC 4884 §7.2]: https://www.rfc-editor.org/rfc/rfc4884#section-7.2
    ObjectHeaderPastEnd {
        /// Offset of the object.
        offset: usize,
        /// Bytes remaining at `offset`.
        remaining: usize,
    },
    /// An object's Length field is smaller than its own 4-byte header.
    ObjectLengthTooSmall {
        /// Offset of the object.
        offset: usize,
        /// The Length field.
        found: u16,
    },
    /// An object's Length field runs past the end of the extension
    /// structure.
    ObjectPastEnd {
        /// Offset of the object.
        offset: usize,
        /// The Length field.
        length: u16,
        /// Bytes remaining at `offset`.
        remaining: usize,
    },
    /// An object of a known class and C-Type has a payload that does not
    /// fit its format ([RFC 4950], [RFC 5837], [RFC 8335]).
    ///
    /// [RFC 4950]: https://www.rfc-editor.org/rfc/rfc4950
    /// [RFC 5837]: https://www.rfc-editor.org/rfc/rfc5837
    /// [RFC 8335]: https://www.rfc-editor.org/rfc/rfc8335
    ObjectMalformed {
        /// Offset of the object.
        offset: usize,
        /// The object's Class-Num.
        class: u8,
        /// The object's C-Type.
        c_type: u8,
        /// What is wrong, e.g. `"a label stack entry is cut short"`.
        reason: &'static str,
    },
}

impl fmt::Display for IcmpError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match *self {
            IcmpError::Truncated {
                what,
                required,
                found,
            } => write!(
                f,
                "the {what} needs {required} bytes but the message has only {found}"
            ),
            IcmpError::Checksum { found, expected } => write!(
                f,
                "the ICMP checksum is {found:#06x} but the message sums to {expected:#06x}"
            ),
            IcmpError::LengthPastEnd {
                words,
                required,
                found,
            } => write!(
                f,
                "the length field at offset 5 declares {words} words ({required} bytes) of \
                 original datagram but only {found} bytes follow the header"
            ),
            IcmpError::LengthTooSmall { words } => write!(
                f,
                "the length field at offset 5 declares {words} words ({} bytes) of original \
                 datagram but RFC 4884 requires at least 128 bytes",
                usize::from(words) * 4
            ),
            IcmpError::ExtensionTruncated { offset, found } => write!(
                f,
                "the extension header at offset {offset} needs 4 bytes but only {found} remain"
            ),
            IcmpError::ExtensionVersion { offset, found } => write!(
                f,
                "the extension header at offset {offset} has version {found} but 2 is expected"
            ),
            IcmpError::ExtensionChecksum {
                offset,
                found,
                expected,
            } => write!(
                f,
                "the extension checksum at offset {} is {found:#06x} but the extension \
                 structure sums to {expected:#06x}",
                offset + 2
            ),
            IcmpError::ObjectHeaderPastEnd { offset, remaining } => write!(
                f,
                "the extension object at offset {offset} needs a 4-byte header but only \
                 {remaining} bytes remain"
            ),
            IcmpError::ObjectLengthTooSmall { offset, found } => write!(
                f,
                "the extension object at offset {offset} has length {found}, shorter than \
                 its 4-byte header"
            ),
            IcmpError::ObjectPastEnd {
                offset,
                length,
                remaining,
            } => write!(
                f,
                "the extension object at offset {offset} has length {length} but only \
                 {remaining} bytes remain"
            ),
            IcmpError::ObjectMalformed {
                offset,
                class,
                c_type,
                reason,
            } => write!(
                f,
                "the extension object at offset {offset} (class {class}, C-Type {c_type}) \
                 is malformed: {reason}"
            ),
        }
    }
}

impl core::error::Error for IcmpError {}

/// Why an ICMPv4 message could not be built.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum IcmpBuildError {
    /// The output buffer is too short.
    BufferTooSmall(BufferTooSmall),
    /// The original datagram of an error message with an extension
    /// structure, padded to 32-bit words, does not fit the 8-bit
    /// [RFC 4884] length field (at most 255 words, 1020 bytes).
    ///
    /// [RFC 4884]: https://www.rfc-editor.org/rfc/rfc4884#section-4
    QuoteTooLong {
        /// Bytes of original datagram given.
        len: usize,
    },
    /// An extension object's payload does not fit its 16-bit Length field.
    ObjectTooLong {
        /// Bytes of payload given.
        len: usize,
    },
    /// A field value the format cannot hold, e.g. an MPLS label above
    /// 2^20 − 1 or an Extended Echo state above 7.
    FieldOutOfRange {
        /// The field, e.g. `"MPLS label"`.
        field: &'static str,
        /// The value given.
        found: u32,
        /// The largest value the field holds.
        max: u32,
    },
}

impl From<BufferTooSmall> for IcmpBuildError {
    fn from(e: BufferTooSmall) -> Self {
        IcmpBuildError::BufferTooSmall(e)
    }
}

impl fmt::Display for IcmpBuildError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match *self {
            IcmpBuildError::BufferTooSmall(e) => e.fmt(f),
            IcmpBuildError::QuoteTooLong { len } => write!(
                f,
                "an original datagram of {len} bytes does not fit the RFC 4884 length field, \
                 which holds at most 1020 bytes"
            ),
            IcmpBuildError::ObjectTooLong { len } => write!(
                f,
                "an extension object payload of {len} bytes does not fit its 16-bit length \
                 field (at most 65531 bytes)"
            ),
            IcmpBuildError::FieldOutOfRange { field, found, max } => {
                write!(f, "the {field} {found} is out of range: at most {max}")
            }
        }
    }
}

impl core::error::Error for IcmpBuildError {
    fn source(&self) -> Option<&(dyn core::error::Error + 'static)> {
        match self {
            IcmpBuildError::BufferTooSmall(e) => Some(e),
            _ => None,
        }
    }
}
