//! [`IcmpRepr`]: an ICMPv4 message as plain values, parsed and emitted.

use core::net::Ipv4Addr;

use crate::checksum;
use crate::checksum::Policy;
use crate::error::{BufferTooSmall, IcmpBuildError, IcmpError};

use super::extension::{EXTENSION_HEADER_LEN, MIN_ORIGINAL_DATAGRAM_LEN, emit_structure};
use super::message::{ErrorBody, ExtendedEchoReply, Message, Timestamp};
use super::{
    HEADER_LEN, IcmpType, IcmpView, ParameterProblemCode, RedirectCode, TimeExceededCode,
    UnreachableCode,
};

/// An ICMPv4 message as values ([RFC 792], [RFC 4884], [RFC 8335]):
/// [`parse`](Self::parse) reads one, [`emit`](Self::emit) writes one with
/// its checksum (and any extension structure's checksum) filled.
///
/// Byte slices borrow: `data`, `quote`, `body` and the `extension` object
/// bytes (the objects after the 4-byte extension header, e.g. written by
/// [`ObjectRepr::emit`](super::ObjectRepr::emit)). An error message with
/// an extension gets its quote zero-padded to a multiple of 4 and to at
/// least 128 bytes and its length field set ([RFC 4884 §4.1]); parsing
/// gives the padded quote back.
///
/// ```
/// use core::net::Ipv4Addr;
/// use ipv4_core::icmp::{IcmpRepr, IcmpView, UnreachableCode};
///
/// let probe = [0x45, 0, 0, 28, 0, 1, 0x40, 0, 64, 17, 0, 0, 198, 51, 100, 2, 203, 0, 113, 2,
///              0x9c, 0x40, 0x82, 0x9a, 0, 8, 0, 0];
/// let repr = IcmpRepr::DestinationUnreachable {
///     code: UnreachableCode::FRAGMENTATION_NEEDED,
///     next_hop_mtu: 1280,
///     quote: &probe,
///     extension: None,
/// };
/// let mut buf = [0u8; 64];
/// let len = repr.emit(&mut buf)?;
/// assert_eq!(len, repr.buffer_len());
/// assert_eq!(&buf[..8], &[3, 4, 0xad, 0xb0, 0, 0, 0x05, 0x00]);
/// assert_eq!(IcmpRepr::parse(&buf[..len]).unwrap(), repr);
/// let view = IcmpView::new_checked(&buf[..len]).unwrap();
/// assert_eq!(
///     view.message().display_from(Ipv4Addr::new(198, 51, 100, 1)).to_string(),
///     "ICMP fragmentation needed (next-hop MTU 1280) from 198.51.100.1, quoting UDP 203.0.113.2:33434"
/// );
/// # Ok::<(), ipv4_core::error::IcmpBuildError>(())
/// ```
///
/// [RFC 792]: https://www.rfc-editor.org/rfc/rfc792
/// [RFC 4884]: https://www.rfc-editor.org/rfc/rfc4884
/// [RFC 4884 §4.1]: https://www.rfc-editor.org/rfc/rfc4884#section-4.1
/// [RFC 8335]: https://www.rfc-editor.org/rfc/rfc8335
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum IcmpRepr<'a> {
    /// Echo Reply, type 0.
    EchoReply {
        /// The Identifier.
        ident: u16,
        /// The Sequence Number.
        seq: u16,
        /// The data.
        data: &'a [u8],
    },
    /// Echo, type 8.
    EchoRequest {
        /// The Identifier.
        ident: u16,
        /// The Sequence Number.
        seq: u16,
        /// The data.
        data: &'a [u8],
    },
    /// Destination Unreachable, type 3.
    DestinationUnreachable {
        /// The code.
        code: UnreachableCode,
        /// The next-hop MTU (code 4), else 0.
        next_hop_mtu: u16,
        /// The original datagram.
        quote: &'a [u8],
        /// RFC 4884 extension object bytes.
        extension: Option<&'a [u8]>,
    },
    /// Source Quench, type 4.
    SourceQuench {
        /// The original datagram.
        quote: &'a [u8],
    },
    /// Redirect, type 5.
    Redirect {
        /// The code.
        code: RedirectCode,
        /// The gateway.
        gateway: Ipv4Addr,
        /// The original datagram.
        quote: &'a [u8],
    },
    /// Time Exceeded, type 11.
    TimeExceeded {
        /// The code.
        code: TimeExceededCode,
        /// The original datagram.
        quote: &'a [u8],
        /// RFC 4884 extension object bytes.
        extension: Option<&'a [u8]>,
    },
    /// Parameter Problem, type 12.
    ParameterProblem {
        /// The code.
        code: ParameterProblemCode,
        /// The pointer.
        pointer: u8,
        /// The original datagram.
        quote: &'a [u8],
        /// RFC 4884 extension object bytes.
        extension: Option<&'a [u8]>,
    },
    /// Timestamp, type 13.
    TimestampRequest(Timestamp),
    /// Timestamp Reply, type 14.
    TimestampReply(Timestamp),
    /// Extended Echo Request, type 42.
    ExtendedEchoRequest {
        /// The Identifier.
        ident: u16,
        /// The Sequence Number.
        seq: u8,
        /// The L bit.
        local: bool,
        /// Extension object bytes (the Interface Identification object).
        extension: Option<&'a [u8]>,
    },
    /// Extended Echo Reply, type 43.
    ExtendedEchoReply(ExtendedEchoReply<'a>),
    /// Any other type, raw. [`emit`](IcmpRepr::emit) writes whatever type
    /// it is given, so tests can craft malformed messages (a timestamp
    /// shorter than 20 bytes, an RFC 4884 length past the end); such bytes
    /// do not parse back as this variant, or at all.
    Other {
        /// The Type byte.
        icmp_type: IcmpType,
        /// The Code byte.
        code: u8,
        /// Bytes 4 to 7.
        rest_of_header: [u8; 4],
        /// The body.
        body: &'a [u8],
    },
}

impl<'a> IcmpRepr<'a> {
    /// Parses a message: [`IcmpView::new_checked`], then the values of
    /// [`IcmpView::message`], with the extension structure of error and
    /// Extended Echo messages checked (version, checksum).
    ///
    /// # Errors
    ///
    /// What [`IcmpView::new_checked`] and
    /// [`ErrorBody::extensions`] report.
    pub fn parse(bytes: &'a [u8]) -> Result<Self, IcmpError> {
        Self::from_message(&IcmpView::new_checked(bytes)?.into_message())
    }

    /// [`parse`](Self::parse) with the checksums verified or not.
    ///
    /// # Errors
    ///
    /// As [`parse`](Self::parse).
    pub fn parse_with(bytes: &'a [u8], check: Policy) -> Result<Self, IcmpError> {
        let message = IcmpView::new_checked_with(bytes, check)?.into_message();
        Self::from_message_with(&message, check)
    }

    /// The values of a classified message.
    ///
    /// # Errors
    ///
    /// A bad extension structure, as [`ErrorBody::extensions`] reports.
    pub fn from_message(message: &Message<'a>) -> Result<Self, IcmpError> {
        Self::from_message_with(message, Policy::Enforce)
    }

    fn from_message_with(message: &Message<'a>, check: Policy) -> Result<Self, IcmpError> {
        let split = |error: &ErrorBody<'a>| -> Result<_, IcmpError> {
            let (quote, ext) = error.split_with(Default::default(), check);
            let extension = ext.transpose()?.map(|e| e.object_bytes());
            Ok((quote.as_bytes(), extension))
        };
        Ok(match *message {
            Message::EchoReply(e) => IcmpRepr::EchoReply {
                ident: e.ident,
                seq: e.seq,
                data: e.data,
            },
            Message::EchoRequest(e) => IcmpRepr::EchoRequest {
                ident: e.ident,
                seq: e.seq,
                data: e.data,
            },
            Message::DestinationUnreachable {
                code,
                next_hop_mtu,
                error,
            } => {
                let (quote, extension) = split(&error)?;
                IcmpRepr::DestinationUnreachable {
                    code,
                    next_hop_mtu,
                    quote,
                    extension,
                }
            }
            Message::SourceQuench(error) => IcmpRepr::SourceQuench {
                quote: error.as_bytes(),
            },
            Message::Redirect {
                code,
                gateway,
                quote,
            } => IcmpRepr::Redirect {
                code,
                gateway,
                quote: quote.as_bytes(),
            },
            Message::TimeExceeded { code, error } => {
                let (quote, extension) = split(&error)?;
                IcmpRepr::TimeExceeded {
                    code,
                    quote,
                    extension,
                }
            }
            Message::ParameterProblem {
                code,
                pointer,
                error,
            } => {
                let (quote, extension) = split(&error)?;
                IcmpRepr::ParameterProblem {
                    code,
                    pointer,
                    quote,
                    extension,
                }
            }
            Message::TimestampRequest(t) => IcmpRepr::TimestampRequest(t),
            Message::TimestampReply(t) => IcmpRepr::TimestampReply(t),
            Message::ExtendedEchoRequest(r) => IcmpRepr::ExtendedEchoRequest {
                ident: r.ident,
                seq: r.seq,
                local: r.local,
                extension: match r.body.is_empty() {
                    true => None,
                    false => Some(
                        super::Extensions::parse_with(r.body, HEADER_LEN, check)?.object_bytes(),
                    ),
                },
            },
            Message::ExtendedEchoReply(r) => IcmpRepr::ExtendedEchoReply(r),
            Message::Other {
                icmp_type,
                code,
                rest_of_header,
                body,
            } => IcmpRepr::Other {
                icmp_type,
                code,
                rest_of_header,
                body,
            },
        })
    }

    /// The quote length on the wire: padded when an extension follows.
    fn padded_quote_len(quote: &[u8], extension: Option<&[u8]>) -> usize {
        match extension {
            Some(_) => quote
                .len()
                .next_multiple_of(4)
                .max(MIN_ORIGINAL_DATAGRAM_LEN),
            None => quote.len(),
        }
    }

    fn extension_len(extension: Option<&[u8]>) -> usize {
        extension.map_or(0, |e| EXTENSION_HEADER_LEN + e.len())
    }

    /// Bytes [`emit`](Self::emit) writes.
    pub fn buffer_len(&self) -> usize {
        HEADER_LEN
            + match *self {
                IcmpRepr::EchoReply { data, .. } | IcmpRepr::EchoRequest { data, .. } => data.len(),
                IcmpRepr::DestinationUnreachable {
                    quote, extension, ..
                }
                | IcmpRepr::TimeExceeded {
                    quote, extension, ..
                }
                | IcmpRepr::ParameterProblem {
                    quote, extension, ..
                } => Self::padded_quote_len(quote, extension) + Self::extension_len(extension),
                IcmpRepr::SourceQuench { quote } | IcmpRepr::Redirect { quote, .. } => quote.len(),
                IcmpRepr::TimestampRequest(_) | IcmpRepr::TimestampReply(_) => {
                    super::TIMESTAMP_LEN - HEADER_LEN
                }
                IcmpRepr::ExtendedEchoRequest { extension, .. } => Self::extension_len(extension),
                IcmpRepr::ExtendedEchoReply(r) => r.body.len(),
                IcmpRepr::Other { body, .. } => body.len(),
            }
    }

    /// Writes the message, checksums filled, into the start of `buf`;
    /// returns its length ([`buffer_len`](Self::buffer_len)).
    ///
    /// # Errors
    ///
    /// [`IcmpBuildError::BufferTooSmall`] for a short buffer,
    /// [`IcmpBuildError::QuoteTooLong`] for a quote with an extension over
    /// 1020 bytes, [`IcmpBuildError::FieldOutOfRange`] for an Extended
    /// Echo Reply state above 7.
    pub fn emit(&self, buf: &mut [u8]) -> Result<usize, IcmpBuildError> {
        let len = self.buffer_len();
        let found = buf.len();
        let out = buf.get_mut(..len).ok_or(BufferTooSmall {
            what: "ICMP message",
            required: len,
            found,
        })?;
        out.fill(0);
        let (header, body) = out.split_at_mut(HEADER_LEN);
        let (icmp_type, code, rest): (IcmpType, u8, [u8; 4]) = match *self {
            IcmpRepr::EchoReply { ident, seq, data }
            | IcmpRepr::EchoRequest { ident, seq, data } => {
                body.copy_from_slice(data);
                let t = if matches!(self, IcmpRepr::EchoRequest { .. }) {
                    IcmpType::ECHO
                } else {
                    IcmpType::ECHO_REPLY
                };
                (t, 0, words(ident, seq))
            }
            IcmpRepr::DestinationUnreachable {
                code,
                next_hop_mtu,
                quote,
                extension,
            } => {
                let words = error_body(body, quote, extension)?;
                let mtu = next_hop_mtu.to_be_bytes();
                (
                    IcmpType::DESTINATION_UNREACHABLE,
                    code.0,
                    [0, words, mtu[0], mtu[1]],
                )
            }
            IcmpRepr::SourceQuench { quote } => {
                body.copy_from_slice(quote);
                (IcmpType::SOURCE_QUENCH, 0, [0; 4])
            }
            IcmpRepr::Redirect {
                code,
                gateway,
                quote,
            } => {
                body.copy_from_slice(quote);
                (IcmpType::REDIRECT, code.0, gateway.octets())
            }
            IcmpRepr::TimeExceeded {
                code,
                quote,
                extension,
            } => {
                let words = error_body(body, quote, extension)?;
                (IcmpType::TIME_EXCEEDED, code.0, [0, words, 0, 0])
            }
            IcmpRepr::ParameterProblem {
                code,
                pointer,
                quote,
                extension,
            } => {
                let words = error_body(body, quote, extension)?;
                (IcmpType::PARAMETER_PROBLEM, code.0, [pointer, words, 0, 0])
            }
            IcmpRepr::TimestampRequest(t) | IcmpRepr::TimestampReply(t) => {
                for (chunk, v) in body
                    .chunks_exact_mut(4)
                    .zip([t.originate, t.receive, t.transmit])
                {
                    chunk.copy_from_slice(&v.to_be_bytes());
                }
                let ty = if matches!(self, IcmpRepr::TimestampRequest(_)) {
                    IcmpType::TIMESTAMP
                } else {
                    IcmpType::TIMESTAMP_REPLY
                };
                (ty, 0, words(t.ident, t.seq))
            }
            IcmpRepr::ExtendedEchoRequest {
                ident,
                seq,
                local,
                extension,
            } => {
                if let Some(objects) = extension {
                    emit_structure(body, objects);
                }
                let id = ident.to_be_bytes();
                (
                    IcmpType::EXTENDED_ECHO_REQUEST,
                    0,
                    [id[0], id[1], seq, u8::from(local)],
                )
            }
            IcmpRepr::ExtendedEchoReply(r) => {
                if r.state.0 > 7 {
                    return Err(IcmpBuildError::FieldOutOfRange {
                        field: "Extended Echo Reply state",
                        found: r.state.0.into(),
                        max: 7,
                    });
                }
                body.copy_from_slice(r.body);
                let id = r.ident.to_be_bytes();
                let bits = r.state.0 << 5
                    | u8::from(r.active) << 2
                    | u8::from(r.ipv4) << 1
                    | u8::from(r.ipv6);
                (
                    IcmpType::EXTENDED_ECHO_REPLY,
                    r.code.0,
                    [id[0], id[1], r.seq, bits],
                )
            }
            IcmpRepr::Other {
                icmp_type,
                code,
                rest_of_header,
                body: data,
            } => {
                body.copy_from_slice(data);
                (icmp_type, code, rest_of_header)
            }
        };
        header[0] = icmp_type.0;
        header[1] = code;
        header[4..].copy_from_slice(&rest);
        let sum = checksum::checksum(out);
        out[2..4].copy_from_slice(&sum.to_be_bytes());
        Ok(len)
    }
}

fn words(a: u16, b: u16) -> [u8; 4] {
    let (a, b) = (a.to_be_bytes(), b.to_be_bytes());
    [a[0], a[1], b[0], b[1]]
}

/// Writes the quote (padded when an extension follows) and the extension
/// structure into `body`, which is exactly their length; returns the
/// length field.
fn error_body(
    body: &mut [u8],
    quote: &[u8],
    extension: Option<&[u8]>,
) -> Result<u8, IcmpBuildError> {
    let Some(objects) = extension else {
        body.copy_from_slice(quote);
        return Ok(0);
    };
    let padded = IcmpRepr::padded_quote_len(quote, extension);
    let words =
        u8::try_from(padded / 4).map_err(|_| IcmpBuildError::QuoteTooLong { len: quote.len() })?;
    let (q, ext) = body.split_at_mut(padded);
    q[..quote.len()].copy_from_slice(quote);
    emit_structure(ext, objects);
    Ok(words)
}
