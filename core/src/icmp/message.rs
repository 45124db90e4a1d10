//! [`Message`]: an ICMPv4 message classified by type and code, and the
//! parts its variants hold.

use core::net::Ipv4Addr;

use crate::checksum::Policy;
use crate::error::IcmpError;

use super::extension::{Extensions, MIN_ORIGINAL_DATAGRAM_LEN};
use super::{
    ExtendedEchoCode, HEADER_LEN, IcmpType, NeighborState, ParameterProblemCode, Quote,
    RedirectCode, TIMESTAMP_LEN, TimeExceededCode, UnreachableCode,
};

/// An ICMPv4 message by type ([RFC 792], [RFC 8335]), borrowing the
/// message bytes. Get one from [`IcmpView::message`](super::IcmpView::message).
///
/// [RFC 792]: https://www.rfc-editor.org/rfc/rfc792
/// [RFC 8335]: https://www.rfc-editor.org/rfc/rfc8335
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Message<'a> {
    /// Echo Reply, type 0.
    EchoReply(Echo<'a>),
    /// Destination Unreachable, type 3.
    DestinationUnreachable {
        /// The code.
        code: UnreachableCode,
        /// Bytes 6–7: the next-hop MTU of [RFC 1191 §4] for code 4
        /// ([`UnreachableCode::FRAGMENTATION_NEEDED`]), else unused (0).
        ///
        /// [RFC 1191 §4]: https://www.rfc-editor.org/rfc/rfc1191#section-4
        next_hop_mtu: u16,
        /// The quoted datagram and any RFC 4884 extensions.
        error: ErrorBody<'a>,
    },
    /// Source Quench, type 4 (deprecated by [RFC 6633], still parsed).
    ///
    /// [RFC 6633]: https://www.rfc-editor.org/rfc/rfc6633
    SourceQuench(ErrorBody<'a>),
    /// Redirect, type 5.
    Redirect {
        /// The code.
        code: RedirectCode,
        /// The gateway to use instead.
        gateway: Ipv4Addr,
        /// The quoted datagram.
        quote: Quote<'a>,
    },
    /// Echo (request), type 8.
    EchoRequest(Echo<'a>),
    /// Time Exceeded, type 11.
    TimeExceeded {
        /// The code.
        code: TimeExceededCode,
        /// The quoted datagram and any RFC 4884 extensions.
        error: ErrorBody<'a>,
    },
    /// Parameter Problem, type 12.
    ParameterProblem {
        /// The code.
        code: ParameterProblemCode,
        /// Byte 4: the offset in the quoted datagram where the problem
        /// was found (meaningful for code 0).
        pointer: u8,
        /// The quoted datagram and any RFC 4884 extensions.
        error: ErrorBody<'a>,
    },
    /// Timestamp, type 13.
    TimestampRequest(Timestamp),
    /// Timestamp Reply, type 14.
    TimestampReply(Timestamp),
    /// Extended Echo Request, type 42 ([RFC 8335 §2]).
    ///
    /// [RFC 8335 §2]: https://www.rfc-editor.org/rfc/rfc8335#section-2
    ExtendedEchoRequest(ExtendedEchoRequest<'a>),
    /// Extended Echo Reply, type 43 ([RFC 8335 §3]).
    ///
    /// [RFC 8335 §3]: https://www.rfc-editor.org/rfc/rfc8335#section-3
    ExtendedEchoReply(ExtendedEchoReply<'a>),
    /// Any other type (router advertisement and solicitation, the
    /// deprecated types, unassigned ones), kept raw.
    Other {
        /// The Type byte.
        icmp_type: IcmpType,
        /// The Code byte.
        code: u8,
        /// Bytes 4 to 7.
        rest_of_header: [u8; 4],
        /// The bytes after the 8-byte header.
        body: &'a [u8],
    },
}

impl<'a> Message<'a> {
    /// Classifies `bytes`; never fails (short bytes read as zero).
    pub(crate) fn classify(bytes: &'a [u8]) -> Message<'a> {
        let h = match bytes.first_chunk::<HEADER_LEN>() {
            Some(h) => *h,
            None => [0; HEADER_LEN],
        };
        let body = bytes.get(HEADER_LEN..).unwrap_or(&[]);
        let (icmp_type, code) = (IcmpType(h[0]), h[1]);
        let u16_at = |i: usize| u16::from_be_bytes([h[i], h[i + 1]]);
        let error = |length_words| ErrorBody { body, length_words };
        match icmp_type {
            IcmpType::ECHO_REPLY | IcmpType::ECHO => {
                let echo = Echo {
                    ident: u16_at(4),
                    seq: u16_at(6),
                    data: body,
                };
                if icmp_type == IcmpType::ECHO {
                    Message::EchoRequest(echo)
                } else {
                    Message::EchoReply(echo)
                }
            }
            IcmpType::DESTINATION_UNREACHABLE => Message::DestinationUnreachable {
                code: UnreachableCode(code),
                next_hop_mtu: u16_at(6),
                error: error(Some(h[5])),
            },
            IcmpType::SOURCE_QUENCH => Message::SourceQuench(error(None)),
            IcmpType::REDIRECT => Message::Redirect {
                code: RedirectCode(code),
                gateway: Ipv4Addr::new(h[4], h[5], h[6], h[7]),
                quote: Quote::new(body),
            },
            IcmpType::TIME_EXCEEDED => Message::TimeExceeded {
                code: TimeExceededCode(code),
                error: error(Some(h[5])),
            },
            IcmpType::PARAMETER_PROBLEM => Message::ParameterProblem {
                code: ParameterProblemCode(code),
                pointer: h[4],
                error: error(Some(h[5])),
            },
            IcmpType::TIMESTAMP | IcmpType::TIMESTAMP_REPLY if bytes.len() >= TIMESTAMP_LEN => {
                let u32_at = |i: usize| {
                    u32::from_be_bytes([bytes[i], bytes[i + 1], bytes[i + 2], bytes[i + 3]])
                };
                let t = Timestamp {
                    ident: u16_at(4),
                    seq: u16_at(6),
                    originate: u32_at(8),
                    receive: u32_at(12),
                    transmit: u32_at(16),
                };
                if icmp_type == IcmpType::TIMESTAMP {
                    Message::TimestampRequest(t)
                } else {
                    Message::TimestampReply(t)
                }
            }
            IcmpType::EXTENDED_ECHO_REQUEST => Message::ExtendedEchoRequest(ExtendedEchoRequest {
                ident: u16_at(4),
                seq: h[6],
                local: h[7] & 1 != 0,
                body,
            }),
            IcmpType::EXTENDED_ECHO_REPLY => Message::ExtendedEchoReply(ExtendedEchoReply {
                ident: u16_at(4),
                seq: h[6],
                code: ExtendedEchoCode(code),
                state: NeighborState(h[7] >> 5),
                active: h[7] & 0x04 != 0,
                ipv4: h[7] & 0x02 != 0,
                ipv6: h[7] & 0x01 != 0,
                body,
            }),
            _ => Message::Other {
                icmp_type,
                code,
                rest_of_header: [h[4], h[5], h[6], h[7]],
                body,
            },
        }
    }

    /// The message's type.
    pub fn icmp_type(&self) -> IcmpType {
        match self {
            Message::EchoReply(_) => IcmpType::ECHO_REPLY,
            Message::DestinationUnreachable { .. } => IcmpType::DESTINATION_UNREACHABLE,
            Message::SourceQuench(_) => IcmpType::SOURCE_QUENCH,
            Message::Redirect { .. } => IcmpType::REDIRECT,
            Message::EchoRequest(_) => IcmpType::ECHO,
            Message::TimeExceeded { .. } => IcmpType::TIME_EXCEEDED,
            Message::ParameterProblem { .. } => IcmpType::PARAMETER_PROBLEM,
            Message::TimestampRequest(_) => IcmpType::TIMESTAMP,
            Message::TimestampReply(_) => IcmpType::TIMESTAMP_REPLY,
            Message::ExtendedEchoRequest(_) => IcmpType::EXTENDED_ECHO_REQUEST,
            Message::ExtendedEchoReply(_) => IcmpType::EXTENDED_ECHO_REPLY,
            Message::Other { icmp_type, .. } => *icmp_type,
        }
    }

    /// The quoted datagram of an error message (types 3, 4, 5, 11, 12),
    /// without any RFC 4884 extensions.
    pub fn quote(&self) -> Option<Quote<'a>> {
        match self {
            Message::DestinationUnreachable { error, .. }
            | Message::TimeExceeded { error, .. }
            | Message::ParameterProblem { error, .. }
            | Message::SourceQuench(error) => Some(error.quote()),
            Message::Redirect { quote, .. } => Some(*quote),
            _ => None,
        }
    }

    /// The type and code of an error message, typed.
    pub fn error_code(&self) -> Option<ErrorCode> {
        match self {
            Message::DestinationUnreachable { code, .. } => Some(ErrorCode::Unreachable(*code)),
            Message::SourceQuench(_) => Some(ErrorCode::SourceQuench),
            Message::Redirect { code, .. } => Some(ErrorCode::Redirect(*code)),
            Message::TimeExceeded { code, .. } => Some(ErrorCode::TimeExceeded(*code)),
            Message::ParameterProblem { code, .. } => Some(ErrorCode::ParameterProblem(*code)),
            _ => None,
        }
    }
}

/// An Echo or Echo Reply ([RFC 792]).
///
/// [RFC 792]: https://www.rfc-editor.org/rfc/rfc792
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Echo<'a> {
    /// The Identifier.
    pub ident: u16,
    /// The Sequence Number.
    pub seq: u16,
    /// The data, echoed back by the reply.
    pub data: &'a [u8],
}

/// A Timestamp or Timestamp Reply ([RFC 792]): times in milliseconds since
/// midnight UT, or any value with the high bit set when not standard.
///
/// [RFC 792]: https://www.rfc-editor.org/rfc/rfc792
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Timestamp {
    /// The Identifier.
    pub ident: u16,
    /// The Sequence Number.
    pub seq: u16,
    /// The Originate Timestamp.
    pub originate: u32,
    /// The Receive Timestamp.
    pub receive: u32,
    /// The Transmit Timestamp.
    pub transmit: u32,
}

/// An Extended Echo Request ([RFC 8335 §2]): probes an interface named by
/// the Interface Identification object in its extension structure.
///
/// [RFC 8335 §2]: https://www.rfc-editor.org/rfc/rfc8335#section-2
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct ExtendedEchoRequest<'a> {
    /// The Identifier.
    pub ident: u16,
    /// The 8-bit Sequence Number.
    pub seq: u8,
    /// The L bit: the probed interface is on the node that receives the
    /// request.
    pub local: bool,
    /// The bytes after the header: the extension structure.
    pub body: &'a [u8],
}

impl<'a> ExtendedEchoRequest<'a> {
    /// The extension structure (at offset 8), `None` if the body is empty.
    pub fn extensions(&self) -> Option<Result<Extensions<'a>, IcmpError>> {
        (!self.body.is_empty()).then(|| Extensions::parse(self.body, HEADER_LEN))
    }
}

/// An Extended Echo Reply ([RFC 8335 §3]).
///
/// [RFC 8335 §3]: https://www.rfc-editor.org/rfc/rfc8335#section-3
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct ExtendedEchoReply<'a> {
    /// The Identifier.
    pub ident: u16,
    /// The 8-bit Sequence Number.
    pub seq: u8,
    /// The code (0 is no error).
    pub code: ExtendedEchoCode,
    /// The State field (for a proxy interface's neighbor entry).
    pub state: NeighborState,
    /// The A bit: the interface is active.
    pub active: bool,
    /// The 4 bit: IPv4 runs on the interface.
    pub ipv4: bool,
    /// The 6 bit: IPv6 runs on the interface.
    pub ipv6: bool,
    /// The bytes after the header. RFC 8335 defines none; Linux echoes
    /// the request's extension structure here.
    pub body: &'a [u8],
}

/// Where an error message's extension structure is looked for
/// ([RFC 4884 §5]).
///
/// [RFC 4884 §5]: https://www.rfc-editor.org/rfc/rfc4884#section-5
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash)]
pub enum ExtensionMode {
    /// Only where the length field says (RFC 4884 compliant senders).
    #[default]
    Compliant,
    /// Also, when the length field is 0, at offset 128 of the body if a
    /// valid extension header (version 2, right checksum) is found there:
    /// the "non-compliant" senders of [RFC 4884 §5] that append extensions
    /// to a 128-byte original datagram.
    ///
    /// [RFC 4884 §5]: https://www.rfc-editor.org/rfc/rfc4884#section-5
    AllowNonCompliant,
}

/// The body of an error message (types 3, 4, 11, 12): the original
/// datagram, and for types 3, 11 and 12 the [RFC 4884] length field and
/// any extension structure after the datagram.
///
/// ```
/// use ipv4_core::icmp::{IcmpRepr, IcmpView, Message, TimeExceededCode};
///
/// // Time exceeded quoting 28 bytes, with one (unknown) extension object:
/// // the quote is padded to 128 bytes and the length field says 32 words.
/// let probe = [0x45, 0, 0, 28, 0, 1, 0, 0, 1, 17, 0, 0, 198, 51, 100, 2, 203, 0, 113, 2,
///              0x9c, 0x40, 0x82, 0x9a, 0, 8, 0, 0];
/// let object = [0, 8, 9, 1, 0xca, 0xfe, 0xf0, 0x0d];
/// let repr = IcmpRepr::TimeExceeded {
///     code: TimeExceededCode::TTL, quote: &probe, extension: Some(&object),
/// };
/// let mut buf = [0u8; 148];
/// let len = repr.emit(&mut buf).unwrap();
/// let view = IcmpView::new_checked(&buf[..len])?;
/// let Message::TimeExceeded { error, .. } = view.message() else { panic!() };
/// assert_eq!(error.length_words(), Some(32));
/// assert_eq!(error.quote().as_bytes().len(), 128);
/// assert_eq!(&error.quote().as_bytes()[..28], &probe);
/// let ext = error.extensions().unwrap()?;
/// let first = ext.objects().next().unwrap()?;
/// assert_eq!((first.offset, first.class, first.payload), (140, 9, &object[4..]));
/// # Ok::<(), ipv4_core::error::IcmpError>(())
/// ```
///
/// [RFC 4884]: https://www.rfc-editor.org/rfc/rfc4884
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct ErrorBody<'a> {
    body: &'a [u8],
    /// The length field (byte 5), for the types that have one.
    length_words: Option<u8>,
}

impl<'a> ErrorBody<'a> {
    /// The whole body after the 8-byte header.
    pub fn as_bytes(&self) -> &'a [u8] {
        self.body
    }

    /// The RFC 4884 length field (byte 5, in 32-bit words), for types 3,
    /// 11 and 12; `None` for Source Quench, which has none.
    pub fn length_words(&self) -> Option<u8> {
        self.length_words
    }

    /// The original datagram: the first `length × 4` bytes when the
    /// length field is set and fits, else the whole body.
    pub fn quote(&self) -> Quote<'a> {
        self.split(ExtensionMode::Compliant).0
    }

    /// The extension structure where the length field puts it (at offset
    /// `8 + length × 4`), `None` when the field is 0 or absent or nothing
    /// follows the datagram.
    ///
    /// # Errors
    ///
    /// [`IcmpError::LengthPastEnd`], [`IcmpError::LengthTooSmall`], and
    /// what [`Extensions::parse`] reports.
    pub fn extensions(&self) -> Option<Result<Extensions<'a>, IcmpError>> {
        self.split(ExtensionMode::Compliant).1
    }

    /// The original datagram and the extension structure, looked for as
    /// `mode` says.
    pub fn split(
        &self,
        mode: ExtensionMode,
    ) -> (Quote<'a>, Option<Result<Extensions<'a>, IcmpError>>) {
        self.split_with(mode, Policy::Enforce)
    }

    /// [`split`](Self::split), with the extension checksum verified or not.
    pub fn split_with(
        &self,
        mode: ExtensionMode,
        check: Policy,
    ) -> (Quote<'a>, Option<Result<Extensions<'a>, IcmpError>>) {
        let whole = Quote::new(self.body);
        match self.length_words {
            Some(0) | None => {
                if mode == ExtensionMode::AllowNonCompliant
                    && let Some((quote, ext)) =
                        self.body.split_at_checked(MIN_ORIGINAL_DATAGRAM_LEN)
                    && !ext.is_empty()
                    && let Ok(ext) = Extensions::parse_with(ext, HEADER_LEN + quote.len(), check)
                {
                    return (Quote::new(quote), Some(Ok(ext)));
                }
                (whole, None)
            }
            Some(words) => {
                let len = usize::from(words) * 4;
                let Some((quote, ext)) = self.body.split_at_checked(len) else {
                    let err = IcmpError::LengthPastEnd {
                        words,
                        required: len,
                        found: self.body.len(),
                    };
                    return (whole, Some(Err(err)));
                };
                if ext.is_empty() {
                    return (Quote::new(quote), None);
                }
                if len < MIN_ORIGINAL_DATAGRAM_LEN {
                    return (
                        Quote::new(quote),
                        Some(Err(IcmpError::LengthTooSmall { words })),
                    );
                }
                (
                    Quote::new(quote),
                    Some(Extensions::parse_with(ext, HEADER_LEN + len, check)),
                )
            }
        }
    }
}

/// The type and code of an ICMP error message, typed: what the error queue
/// of a socket reports as `ee_type` and `ee_code` (see
/// [`from_type_code`](Self::from_type_code)).
///
/// ```
/// use ipv4_core::icmp::{ErrorCode, UnreachableCode};
///
/// // struct sock_extended_err { ee_type: 3, ee_code: 4, .. }
/// let code = ErrorCode::from_type_code(3, 4);
/// assert_eq!(code, ErrorCode::Unreachable(UnreachableCode::FRAGMENTATION_NEEDED));
/// assert_eq!(code.to_string(), "fragmentation needed");
/// assert_eq!(ErrorCode::from_type_code(11, 0).to_string(), "time exceeded in transit");
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum ErrorCode {
    /// Destination Unreachable (type 3).
    Unreachable(UnreachableCode),
    /// Source Quench (type 4); RFC 792 defines only code 0, and another
    /// code is not kept.
    SourceQuench,
    /// Redirect (type 5).
    Redirect(RedirectCode),
    /// Time Exceeded (type 11).
    TimeExceeded(TimeExceededCode),
    /// Parameter Problem (type 12).
    ParameterProblem(ParameterProblemCode),
    /// Any other type and code.
    Other {
        /// The type.
        icmp_type: IcmpType,
        /// The code.
        code: u8,
    },
}

impl ErrorCode {
    /// Types the pair.
    pub const fn from_type_code(icmp_type: u8, code: u8) -> ErrorCode {
        match IcmpType(icmp_type) {
            IcmpType::DESTINATION_UNREACHABLE => ErrorCode::Unreachable(UnreachableCode(code)),
            IcmpType::SOURCE_QUENCH => ErrorCode::SourceQuench,
            IcmpType::REDIRECT => ErrorCode::Redirect(RedirectCode(code)),
            IcmpType::TIME_EXCEEDED => ErrorCode::TimeExceeded(TimeExceededCode(code)),
            IcmpType::PARAMETER_PROBLEM => ErrorCode::ParameterProblem(ParameterProblemCode(code)),
            t => ErrorCode::Other { icmp_type: t, code },
        }
    }

    /// The type and code bytes.
    pub const fn type_code(self) -> (u8, u8) {
        match self {
            ErrorCode::Unreachable(c) => (3, c.0),
            ErrorCode::SourceQuench => (4, 0),
            ErrorCode::Redirect(c) => (5, c.0),
            ErrorCode::TimeExceeded(c) => (11, c.0),
            ErrorCode::ParameterProblem(c) => (12, c.0),
            ErrorCode::Other { icmp_type, code } => (icmp_type.0, code),
        }
    }
}
