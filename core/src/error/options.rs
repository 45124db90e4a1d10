use core::fmt;

use super::BufferTooSmall;

/// Why an IPv4 option ([RFC 791 §3.1]) could not be walked or did not pass
/// its semantic check.
///
/// Every variant carries `offset`, the byte offset of the option's type byte.
/// Offsets count from the start of the options area when the walk runs over
/// a bare `&[u8]`, and from the start of the IPv4 header when it runs over a
/// header (so the options area starts at 20). [`problem_offset`] gives the
/// offset of the octet that is actually wrong: the value an ICMP Parameter
/// Problem message carries as its pointer ([RFC 792], [RFC 1122 §3.2.2.5]).
///
/// [`problem_offset`]: OptionError::problem_offset
/// [RFC 791 §3.1]: https://www.rfc-editor.org/rfc/rfc791#section-3.1
/// [RFC 792]: https://www.rfc-editor.org/rfc/rfc792
/// [RFC 1122 §3.2.2.5]: https://www.rfc-editor.org/rfc/rfc1122#section-3.2.2.5
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum OptionError {
    /// The option's type byte is the last byte of the area, so its length
    /// byte is missing.
    MissingLength {
        /// The option-type byte.
        kind: u8,
        /// Offset of the type byte.
        offset: usize,
    },
    /// The length byte is below 2, the size of the type and length bytes
    /// themselves.
    LengthTooShort {
        /// The option-type byte.
        kind: u8,
        /// Offset of the type byte.
        offset: usize,
        /// The length byte found.
        length: u8,
    },
    /// The length byte runs past the end of the options area.
    LengthPastEnd {
        /// The option-type byte.
        kind: u8,
        /// Offset of the type byte.
        offset: usize,
        /// The length byte found.
        length: u8,
        /// Bytes left in the area from the type byte on.
        available: usize,
    },
    /// The length is not one this option type allows.
    BadLength {
        /// The option-type byte.
        kind: u8,
        /// Offset of the type byte.
        offset: usize,
        /// The length byte found.
        length: u8,
        /// The rule the length breaks, as a phrase ("4", "3 + 4n").
        expected: &'static str,
    },
    /// The pointer byte is out of range or does not point at the start of a
    /// slot.
    BadPointer {
        /// The option-type byte.
        kind: u8,
        /// Offset of the type byte.
        offset: usize,
        /// The pointer byte found.
        pointer: u8,
        /// The rule the pointer breaks, as a phrase.
        expected: &'static str,
    },
    /// A Timestamp option's flag is not 0, 1 or 3 ([RFC 791 §3.1]).
    ///
    /// [RFC 791 §3.1]: https://www.rfc-editor.org/rfc/rfc791#section-3.1
    BadTimestampFlag {
        /// Offset of the type byte.
        offset: usize,
        /// The flag found (low four bits of the fourth byte).
        flag: u8,
    },
    /// A typed view was asked to wrap an option of another type.
    UnexpectedKind {
        /// Offset of the type byte.
        offset: usize,
        /// The option types the view accepts, as a phrase.
        expected: &'static str,
        /// The option-type byte found.
        found: u8,
    },
    /// A forwarder had to count a Timestamp it could not record, but the
    /// 4-bit overflow counter is already 15 ([RFC 791 §3.1]: the datagram
    /// must then be discarded).
    ///
    /// [RFC 791 §3.1]: https://www.rfc-editor.org/rfc/rfc791#section-3.1
    TimestampOverflow {
        /// Offset of the type byte.
        offset: usize,
    },
}

impl OptionError {
    /// Offset of the option's type byte.
    pub const fn offset(&self) -> usize {
        match *self {
            OptionError::MissingLength { offset, .. }
            | OptionError::LengthTooShort { offset, .. }
            | OptionError::LengthPastEnd { offset, .. }
            | OptionError::BadLength { offset, .. }
            | OptionError::BadPointer { offset, .. }
            | OptionError::BadTimestampFlag { offset, .. }
            | OptionError::UnexpectedKind { offset, .. }
            | OptionError::TimestampOverflow { offset } => offset,
        }
    }

    /// Offset of the octet that is wrong: the type byte for a missing length,
    /// the length byte for length errors, the pointer byte for pointer
    /// errors, the overflow/flag byte for Timestamp flag and overflow errors.
    /// This is the pointer an ICMP Parameter Problem message reports.
    pub const fn problem_offset(&self) -> usize {
        match *self {
            OptionError::MissingLength { offset, .. }
            | OptionError::UnexpectedKind { offset, .. } => offset,
            OptionError::LengthTooShort { offset, .. }
            | OptionError::LengthPastEnd { offset, .. }
            | OptionError::BadLength { offset, .. } => offset.saturating_add(1),
            OptionError::BadPointer { offset, .. } => offset.saturating_add(2),
            OptionError::BadTimestampFlag { offset, .. }
            | OptionError::TimestampOverflow { offset } => offset.saturating_add(3),
        }
    }

    /// The option-type byte of the offending option.
    pub const fn kind(&self) -> u8 {
        match *self {
            OptionError::MissingLength { kind, .. }
            | OptionError::LengthTooShort { kind, .. }
            | OptionError::LengthPastEnd { kind, .. }
            | OptionError::BadLength { kind, .. }
            | OptionError::BadPointer { kind, .. }
            | OptionError::UnexpectedKind { found: kind, .. } => kind,
            OptionError::BadTimestampFlag { .. } | OptionError::TimestampOverflow { .. } => 68,
        }
    }

    /// Whether this is a framing error (the TLV structure itself is broken,
    /// so no walker can continue past it) rather than a semantic one.
    pub const fn is_structural(&self) -> bool {
        matches!(
            self,
            OptionError::MissingLength { .. }
                | OptionError::LengthTooShort { .. }
                | OptionError::LengthPastEnd { .. }
        )
    }

    /// The same error with `delta` added to its offsets.
    pub(crate) const fn shifted(self, delta: usize) -> OptionError {
        match self {
            OptionError::MissingLength { kind, offset } => OptionError::MissingLength {
                kind,
                offset: offset.saturating_add(delta),
            },
            OptionError::LengthTooShort {
                kind,
                offset,
                length,
            } => OptionError::LengthTooShort {
                kind,
                offset: offset.saturating_add(delta),
                length,
            },
            OptionError::LengthPastEnd {
                kind,
                offset,
                length,
                available,
            } => OptionError::LengthPastEnd {
                kind,
                offset: offset.saturating_add(delta),
                length,
                available,
            },
            OptionError::BadLength {
                kind,
                offset,
                length,
                expected,
            } => OptionError::BadLength {
                kind,
                offset: offset.saturating_add(delta),
                length,
                expected,
            },
            OptionError::BadPointer {
                kind,
                offset,
                pointer,
                expected,
            } => OptionError::BadPointer {
                kind,
                offset: offset.saturating_add(delta),
                pointer,
                expected,
            },
            OptionError::BadTimestampFlag { offset, flag } => OptionError::BadTimestampFlag {
                offset: offset.saturating_add(delta),
                flag,
            },
            OptionError::UnexpectedKind {
                offset,
                expected,
                found,
            } => OptionError::UnexpectedKind {
                offset: offset.saturating_add(delta),
                expected,
                found,
            },
            OptionError::TimestampOverflow { offset } => OptionError::TimestampOverflow {
                offset: offset.saturating_add(delta),
            },
        }
    }
}

impl fmt::Display for OptionError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match *self {
            OptionError::MissingLength { kind, offset } => write!(
                f,
                "IPv4 option type {kind} at offset {offset} is the last byte of the options, so its length byte is missing"
            ),
            OptionError::LengthTooShort {
                kind,
                offset,
                length,
            } => write!(
                f,
                "IPv4 option type {kind} at offset {offset} has length {length}, but a length must be at least 2"
            ),
            OptionError::LengthPastEnd {
                kind,
                offset,
                length,
                available,
            } => write!(
                f,
                "IPv4 option type {kind} at offset {offset} has length {length}, but only {available} bytes of options are left"
            ),
            OptionError::BadLength {
                kind,
                offset,
                length,
                expected,
            } => write!(
                f,
                "IPv4 option type {kind} at offset {offset} has length {length}, but its length must be {expected}"
            ),
            OptionError::BadPointer {
                kind,
                offset,
                pointer,
                expected,
            } => write!(
                f,
                "IPv4 option type {kind} at offset {offset} has pointer {pointer}, but the pointer must be {expected}"
            ),
            OptionError::BadTimestampFlag { offset, flag } => write!(
                f,
                "the Timestamp option at offset {offset} has flag {flag}, but the flag must be 0, 1 or 3"
            ),
            OptionError::UnexpectedKind {
                offset,
                expected,
                found,
            } => write!(
                f,
                "the IPv4 option at offset {offset} has type {found}, but {expected} was expected"
            ),
            OptionError::TimestampOverflow { offset } => write!(
                f,
                "the Timestamp option at offset {offset} is full and its overflow counter is already 15"
            ),
        }
    }
}

impl core::error::Error for OptionError {}

/// Why options could not be written ([RFC 791 §3.1]).
///
/// [RFC 791 §3.1]: https://www.rfc-editor.org/rfc/rfc791#section-3.1
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum OptionsBuildError {
    /// The options would exceed the 40 bytes an IPv4 header can hold.
    TooLong {
        /// Bytes the options would take, padding included where it applies.
        required: usize,
        /// The limit, 40.
        limit: usize,
    },
    /// The caller's buffer is shorter than the options written so far plus
    /// the next one.
    BufferTooSmall(BufferTooSmall),
    /// An argument cannot be encoded (an empty address list, an option body
    /// longer than 38 bytes, a pointer outside its option).
    InvalidArgument {
        /// What was being written, e.g. `"Record Route"`.
        what: &'static str,
        /// What is wrong with it, as a phrase.
        reason: &'static str,
    },
    /// Input options (to be copied or filtered) are malformed, or an option
    /// given to [`OptionsBuilder::raw`](crate::options::OptionsBuilder::raw)
    /// breaks its type's rules.
    Malformed(OptionError),
}

impl fmt::Display for OptionsBuildError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            OptionsBuildError::TooLong { required, limit } => write!(
                f,
                "the IPv4 options would take {required} bytes, but a header holds at most {limit}"
            ),
            OptionsBuildError::BufferTooSmall(e) => e.fmt(f),
            OptionsBuildError::InvalidArgument { what, reason } => {
                write!(f, "the {what} option cannot be written: {reason}")
            }
            OptionsBuildError::Malformed(e) => e.fmt(f),
        }
    }
}

impl core::error::Error for OptionsBuildError {
    fn source(&self) -> Option<&(dyn core::error::Error + 'static)> {
        match self {
            OptionsBuildError::BufferTooSmall(e) => Some(e),
            OptionsBuildError::Malformed(e) => Some(e),
            _ => None,
        }
    }
}

impl From<BufferTooSmall> for OptionsBuildError {
    fn from(e: BufferTooSmall) -> Self {
        OptionsBuildError::BufferTooSmall(e)
    }
}

impl From<OptionError> for OptionsBuildError {
    fn from(e: OptionError) -> Self {
        OptionsBuildError::Malformed(e)
    }
}

#[cfg(test)]
mod tests {
    extern crate std;
    use super::*;
    use std::string::ToString;

    #[test]
    fn problem_offsets_point_at_the_wrong_octet() {
        let e = OptionError::BadPointer {
            kind: 7,
            offset: 20,
            pointer: 3,
            expected: "at least 4",
        };
        assert_eq!(e.offset(), 20);
        assert_eq!(e.problem_offset(), 22);
        assert_eq!(e.shifted(4).problem_offset(), 26);
        assert!(!e.is_structural());
        let e = OptionError::LengthTooShort {
            kind: 7,
            offset: 0,
            length: 0,
        };
        assert_eq!(e.problem_offset(), 1);
        assert!(e.is_structural());
        assert_eq!(
            OptionError::BadTimestampFlag { offset: 4, flag: 2 }.problem_offset(),
            7
        );
    }

    #[test]
    fn display_reads_as_a_sentence() {
        let e = OptionError::LengthPastEnd {
            kind: 7,
            offset: 2,
            length: 39,
            available: 10,
        };
        assert_eq!(
            e.to_string(),
            "IPv4 option type 7 at offset 2 has length 39, but only 10 bytes of options are left"
        );
        let b = OptionsBuildError::TooLong {
            required: 44,
            limit: 40,
        };
        assert_eq!(
            b.to_string(),
            "the IPv4 options would take 44 bytes, but a header holds at most 40"
        );
    }
}
