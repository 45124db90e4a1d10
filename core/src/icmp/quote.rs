//! The original datagram an ICMP error message quotes ([RFC 792],
//! [RFC 1812 §4.3.2.3]): a lax IPv4 header view and the first payload
//! bytes, and the flow they identify.
//!
//! [RFC 792]: https://www.rfc-editor.org/rfc/rfc792
//! [RFC 1812 §4.3.2.3]: https://www.rfc-editor.org/rfc/rfc1812#section-4.3.2.3

use core::net::Ipv4Addr;

use crate::error::HeaderError;
use crate::header::{HeaderView, Protocol};

use super::IcmpType;

/// The original datagram quoted by an error message: the IPv4 header and
/// as much of its payload as the sender kept (at least 8 bytes by
/// [RFC 792], as much as fits in 576 bytes by [RFC 1812 §4.3.2.3], or an
/// RFC 4884 length). Any of it may be cut short; nothing here panics.
///
/// ```
/// use core::net::Ipv4Addr;
/// use ipv4_core::header::Protocol;
/// use ipv4_core::icmp::{Flow, Quote, Transport};
///
/// // A UDP probe 198.51.100.2:40000 -> 203.0.113.2:33434, header and 8 bytes.
/// let quoted = [
///     0x45, 0, 0, 40, 0x12, 0x34, 0x40, 0, 1, 17, 0, 0, 198, 51, 100, 2, 203, 0, 113, 2,
///     0x9c, 0x40, 0x82, 0x9a, 0, 20, 0, 0,
/// ];
/// let quote = Quote::new(&quoted);
/// assert_eq!(quote.header()?.total_len(), 40); // more than was quoted
/// let flow = quote.flow().unwrap();
/// assert_eq!(flow.protocol, Protocol::UDP);
/// assert_eq!(flow.destination, Ipv4Addr::new(203, 0, 113, 2));
/// assert_eq!(flow.transport, Transport::Ports { source: 40000, destination: 33434 });
/// assert_eq!(quote.to_string(), "UDP 203.0.113.2:33434");
/// # Ok::<(), ipv4_core::error::HeaderError>(())
/// ```
///
/// [RFC 792]: https://www.rfc-editor.org/rfc/rfc792
/// [RFC 1812 §4.3.2.3]: https://www.rfc-editor.org/rfc/rfc1812#section-4.3.2.3
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Quote<'a> {
    bytes: &'a [u8],
}

impl<'a> Quote<'a> {
    /// Wraps the quoted bytes (header first).
    pub const fn new(bytes: &'a [u8]) -> Self {
        Quote { bytes }
    }

    /// The quoted bytes, as given (RFC 4884 zero padding included).
    pub const fn as_bytes(&self) -> &'a [u8] {
        self.bytes
    }

    /// The quoted IPv4 header as a lax view
    /// ([`HeaderView::new_lax`]): its total length may run past the quote.
    ///
    /// # Errors
    ///
    /// What [`HeaderView::new_lax`] reports: fewer than 20 bytes, a version
    /// other than 4, an IHL below 5 or past the quote.
    pub fn header(&self) -> Result<HeaderView<&'a [u8]>, HeaderError> {
        HeaderView::new_lax(self.bytes)
    }

    /// The quoted payload bytes after the header (as many as were quoted,
    /// cut to the header's total length); empty when the header is bad.
    pub fn payload(&self) -> &'a [u8] {
        self.header().map_or(&[], HeaderView::into_payload)
    }

    /// The flow of the quoted datagram, to match it to the probe that
    /// caused the error; `None` when the header does not parse.
    ///
    /// Ports come from UDP, TCP, UDP-Lite, SCTP and DCCP datagrams, the
    /// identifier and sequence number from ICMP echo requests and replies,
    /// when the quote holds them and the datagram is a first fragment.
    pub fn flow(&self) -> Option<Flow> {
        let header = self.header().ok()?;
        let payload = header.payload();
        let protocol = header.protocol();
        let has_ports = matches!(
            protocol,
            Protocol::UDP | Protocol::TCP | Protocol::UDPLITE | Protocol::SCTP | DCCP
        );
        let transport = match (payload.first_chunk::<4>(), payload.first_chunk::<8>()) {
            _ if header.fragment_offset() != 0 => Transport::None(protocol),
            (Some(p), _) if has_ports => Transport::Ports {
                source: u16::from_be_bytes([p[0], p[1]]),
                destination: u16::from_be_bytes([p[2], p[3]]),
            },
            (_, Some(p))
                if protocol == Protocol::ICMP
                    && matches!(IcmpType(p[0]), IcmpType::ECHO | IcmpType::ECHO_REPLY) =>
            {
                Transport::Echo {
                    icmp_type: IcmpType(p[0]),
                    ident: u16::from_be_bytes([p[4], p[5]]),
                    seq: u16::from_be_bytes([p[6], p[7]]),
                }
            }
            _ => Transport::None(protocol),
        };
        Some(Flow {
            protocol: header.protocol(),
            source: header.source(),
            destination: header.destination(),
            identification: header.identification(),
            transport,
        })
    }
}

const DCCP: Protocol = Protocol(33);

/// What identifies a quoted datagram: addresses, protocol, IPv4
/// identification, and the transport's ports or echo identifiers.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Flow {
    /// The quoted Protocol field.
    pub protocol: Protocol,
    /// The quoted source address (the probe's sender).
    pub source: Ipv4Addr,
    /// The quoted destination address (the probe's target).
    pub destination: Ipv4Addr,
    /// The quoted Identification field.
    pub identification: u16,
    /// Ports or echo identifiers, when quoted.
    pub transport: Transport,
}

/// The transport part of a [`Flow`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Transport {
    /// Source and destination ports (UDP, TCP, UDP-Lite, SCTP, DCCP).
    Ports {
        /// The source port.
        source: u16,
        /// The destination port.
        destination: u16,
    },
    /// An ICMP echo request or reply.
    Echo {
        /// Its type (echo or echo reply).
        icmp_type: IcmpType,
        /// The Identifier.
        ident: u16,
        /// The Sequence Number.
        seq: u16,
    },
    /// Nothing identifying was quoted (another protocol, too few bytes,
    /// or a later fragment); the protocol is repeated here.
    None(Protocol),
}
