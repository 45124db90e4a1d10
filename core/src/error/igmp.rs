//! Errors of the [`igmp`](crate::igmp) module: parsing, building, and the
//! Max Resp Code / QQIC floating-point codes.

use core::fmt;

use super::{BufferTooSmall, HeaderError};

/// Why an IGMP message ([RFC 2236], [RFC 9776]) could not be parsed.
///
/// Offsets count from the first byte of the IGMP message (the first byte of
/// the IPv4 payload).
///
/// [RFC 2236]: https://www.rfc-editor.org/rfc/rfc2236
/// [RFC 9776]: https://www.rfc-editor.org/rfc/rfc9776
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum IgmpError {
    /// The message is shorter than the fixed part of its type.
    Truncated {
        /// What was being read, e.g. `"IGMPv3 report header"`.
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
    /// An IGMPv3 query declares more sources than the message holds.
    QuerySourcesPastEnd {
        /// The Number of Sources field.
        declared: u16,
        /// Bytes the declared sources need, from offset 12.
        required: usize,
        /// Bytes present from offset 12.
        remaining: usize,
    },
    /// An IGMPv3 report declares more group records than the message holds
    /// room for even a record header.
    RecordHeaderPastEnd {
        /// Index of the record (0-based).
        record: usize,
        /// Offset of the record.
        offset: usize,
        /// Bytes remaining at `offset` (fewer than the 8 of a record header).
        remaining: usize,
    },
    /// A group record's sources and auxiliary data run past the end.
    RecordPastEnd {
        /// Index of the record (0-based).
        record: usize,
        /// Offset of the record.
        offset: usize,
        /// The record's Number of Sources field.
        sources: u16,
        /// The record's Aux Data Len field, in 32-bit words.
        aux_words: u8,
        /// Bytes the record's sources and auxiliary data need after its
        /// 8-byte header.
        required: usize,
        /// Bytes present after the record's header.
        remaining: usize,
    },
    /// An [RFC 9279] message extension TLV runs past the end of the message.
    ///
    /// [RFC 9279]: https://www.rfc-editor.org/rfc/rfc9279
    ExtensionPastEnd {
        /// Offset of the TLV.
        offset: usize,
        /// Bytes the TLV needs (4-byte type and length plus its value).
        required: usize,
        /// Bytes present at `offset`.
        remaining: usize,
    },
}

impl fmt::Display for IgmpError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match *self {
            IgmpError::Truncated {
                what,
                required,
                found,
            } => write!(
                f,
                "the {what} needs {required} bytes but the message has only {found}"
            ),
            IgmpError::Checksum { found, expected } => write!(
                f,
                "the IGMP checksum is {found:#06x} but the message sums to {expected:#06x}"
            ),
            IgmpError::QuerySourcesPastEnd {
                declared,
                required,
                remaining,
            } => write!(
                f,
                "the IGMPv3 query at offset 10 declares {declared} sources ({required} bytes) \
                 but only {remaining} bytes remain after offset 12"
            ),
            IgmpError::RecordHeaderPastEnd {
                record,
                offset,
                remaining,
            } => write!(
                f,
                "group record {record} at offset {offset} needs an 8-byte header \
                 but only {remaining} bytes remain"
            ),
            IgmpError::RecordPastEnd {
                record,
                offset,
                sources,
                aux_words,
                required,
                remaining,
            } => {
                write!(
                    f,
                    "group record {record} at offset {offset} declares {sources} sources"
                )?;
                if aux_words != 0 {
                    write!(f, " and {aux_words} words of auxiliary data")?;
                }
                write!(f, " ({required} bytes) but only {remaining} bytes remain")
            }
            IgmpError::ExtensionPastEnd {
                offset,
                required,
                remaining,
            } => write!(
                f,
                "the message extension TLV at offset {offset} needs {required} bytes \
                 but only {remaining} bytes remain"
            ),
        }
    }
}

impl core::error::Error for IgmpError {}

/// Why an IGMP message ([RFC 2236 §2], [RFC 9776 §4]) or its IPv4
/// envelope could not be built.
///
/// [RFC 2236 §2]: https://www.rfc-editor.org/rfc/rfc2236#section-2
/// [RFC 9776 §4]: https://www.rfc-editor.org/rfc/rfc9776#section-4
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum IgmpBuildError {
    /// The output buffer is too short.
    BufferTooSmall(BufferTooSmall),
    /// A list holds more entries than its 16-bit count field can say.
    TooMany {
        /// The list, e.g. `"sources"` or `"group records"`.
        what: &'static str,
        /// Entries given.
        count: usize,
    },
    /// A group record's auxiliary data is not a whole number of 32-bit words
    /// or is longer than 255 words.
    AuxData {
        /// Length of the auxiliary data in bytes.
        len: usize,
    },
    /// The IPv4 header for the message could not be written.
    Header(HeaderError),
    /// The message has no destination an IGMP envelope could give it: a
    /// 9-to-11-byte query, an unknown type, or bytes that do not parse.
    NoDestination {
        /// The message's Type byte, if it has one.
        message_type: Option<u8>,
    },
    /// A size limit is too small for even one record of a report.
    LimitTooSmall {
        /// The limit, in bytes of IGMP message.
        limit: usize,
        /// Bytes the smallest message that makes progress needs.
        required: usize,
    },
}

impl From<HeaderError> for IgmpBuildError {
    fn from(e: HeaderError) -> Self {
        IgmpBuildError::Header(e)
    }
}

impl From<BufferTooSmall> for IgmpBuildError {
    fn from(e: BufferTooSmall) -> Self {
        IgmpBuildError::BufferTooSmall(e)
    }
}

impl fmt::Display for IgmpBuildError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match *self {
            IgmpBuildError::BufferTooSmall(e) => e.fmt(f),
            IgmpBuildError::TooMany { what, count } => write!(
                f,
                "{count} {what} were given but a 16-bit count holds at most 65535"
            ),
            IgmpBuildError::AuxData { len } => write!(
                f,
                "auxiliary data of {len} bytes is not a whole number of 32-bit words \
                 up to 255 words (1020 bytes)"
            ),
            IgmpBuildError::Header(e) => e.fmt(f),
            IgmpBuildError::NoDestination {
                message_type: Some(t),
            } => write!(
                f,
                "an IGMP message of type {t:#04x} and this length has no standard destination"
            ),
            IgmpBuildError::NoDestination { message_type: None } => {
                f.write_str("an empty IGMP message has no destination")
            }
            IgmpBuildError::LimitTooSmall { limit, required } => write!(
                f,
                "the size limit of {limit} bytes is too small: the next report needs \
                 at least {required} bytes"
            ),
        }
    }
}

impl core::error::Error for IgmpBuildError {
    fn source(&self) -> Option<&(dyn core::error::Error + 'static)> {
        match self {
            IgmpBuildError::BufferTooSmall(e) => Some(e),
            IgmpBuildError::Header(e) => Some(e),
            _ => None,
        }
    }
}

/// A time value has no exact Max Resp Code or QQIC ([RFC 9776 §4.1.1],
/// [§4.1.7]).
///
/// [RFC 9776 §4.1.1]: https://www.rfc-editor.org/rfc/rfc9776#section-4.1.1
/// [§4.1.7]: https://www.rfc-editor.org/rfc/rfc9776#section-4.1.7
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct CodeError {
    /// The code, `"Max Resp Code"` or `"QQIC"`.
    pub what: &'static str,
    /// The value asked for, in the code's unit (tenths of a second for Max
    /// Resp Code, seconds for QQIC), saturated at `u64::MAX`.
    pub value: u64,
    /// The nearest representable value not above `value`.
    pub below: u32,
    /// The nearest representable value above `value`, if any.
    pub above: Option<u32>,
}

impl fmt::Display for CodeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{} cannot encode {} exactly; the nearest values are {}",
            self.what, self.value, self.below
        )?;
        match self.above {
            Some(above) => write!(f, " and {above}"),
            None => write!(f, " (the largest)"),
        }
    }
}

impl core::error::Error for CodeError {}
