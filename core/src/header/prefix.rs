//! The fixed 20-byte IPv4 header as a zerocopy struct.
use core::net::Ipv4Addr;

use zerocopy::network_endian::U16;
use zerocopy::{FromBytes, Immutable, IntoBytes, KnownLayout, Unaligned};

use super::{Flags, Protocol};

/// The fixed 20 bytes of an IPv4 header ([RFC 791 §3.1]), laid out as on
/// the wire, with network-endian fields.
///
/// ```text
///  0                   1                   2                   3
///  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
/// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
/// |Version|  IHL  |Type of Service|          Total Length         |
/// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
/// |         Identification        |Flags|      Fragment Offset    |
/// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
/// |  Time to Live |    Protocol   |         Header Checksum       |
/// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
/// |                       Source Address                          |
/// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
/// |                    Destination Address                        |
/// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
/// ```
///
/// It is plain data: any 20 bytes are a `HeaderPrefix`, and nothing is
/// validated. [`HeaderView`](super::HeaderView) is the validated view over
/// a whole packet; [`Header`](super::Header) the owned, validated value.
///
/// ```
/// use ipv4_core::header::{Protocol, HeaderPrefix};
/// use zerocopy::FromBytes;
///
/// let bytes = [
///     0x45, 0x00, 0x00, 0x54, 0x1c, 0x46, 0x40, 0x00, 0x40, 0x01, 0x32, 0x27,
///     0xc0, 0x00, 0x02, 0x01, 0xc6, 0x33, 0x64, 0x07,
/// ];
/// let raw = HeaderPrefix::ref_from_bytes(&bytes[..]).unwrap();
/// assert_eq!(raw.total_len.get(), 84);
/// assert_eq!(raw.protocol(), Protocol::ICMP);
/// ```
///
/// [RFC 791 §3.1]: https://www.rfc-editor.org/rfc/rfc791#section-3.1
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, FromBytes, IntoBytes, KnownLayout, Immutable, Unaligned,
)]
#[repr(C)]
pub struct HeaderPrefix {
    /// Version (high nibble) and IHL in 32-bit words (low nibble).
    pub version_ihl: u8,
    /// Type of Service: DSCP (high six bits) and ECN (low two bits).
    pub tos: u8,
    /// Total Length of the datagram, header included, in bytes.
    pub total_len: U16,
    /// Identification, for reassembly.
    pub identification: U16,
    /// Flags (top three bits) and Fragment Offset (low 13 bits, 8-byte units).
    pub flags_fragment: U16,
    /// Time to Live.
    pub ttl: u8,
    /// Protocol of the payload.
    pub protocol: u8,
    /// Header Checksum ([RFC 1071]).
    ///
    /// [RFC 1071]: https://www.rfc-editor.org/rfc/rfc1071
    pub checksum: U16,
    /// Source Address.
    pub source: [u8; 4],
    /// Destination Address.
    pub destination: [u8; 4],
}

impl HeaderPrefix {
    /// All fields zero.
    pub const ZERO: HeaderPrefix = HeaderPrefix {
        version_ihl: 0,
        tos: 0,
        total_len: U16::ZERO,
        identification: U16::ZERO,
        flags_fragment: U16::ZERO,
        ttl: 0,
        protocol: 0,
        checksum: U16::ZERO,
        source: [0; 4],
        destination: [0; 4],
    };

    /// The version nibble.
    #[inline]
    pub const fn version(&self) -> u8 {
        self.version_ihl >> 4
    }

    /// The IHL nibble: the header length in 32-bit words.
    #[inline]
    pub const fn ihl(&self) -> u8 {
        self.version_ihl & 0x0f
    }

    /// The header length in bytes (IHL × 4).
    #[inline]
    pub const fn header_len(&self) -> usize {
        (self.version_ihl & 0x0f) as usize * 4
    }

    /// The three flag bits.
    #[inline]
    pub const fn flags(&self) -> Flags {
        Flags::from_word(self.flags_fragment.get())
    }

    /// The fragment offset in 8-byte units.
    #[inline]
    pub const fn fragment_offset(&self) -> u16 {
        self.flags_fragment.get() & 0x1fff
    }

    /// The protocol number.
    #[inline]
    pub const fn protocol(&self) -> Protocol {
        Protocol(self.protocol)
    }

    /// The source address.
    #[inline]
    pub const fn source(&self) -> Ipv4Addr {
        // The array whole, not byte by byte: `Ipv4Addr::new` of four
        // bytes was left as four byte loads in some callers.
        Ipv4Addr::from_octets(self.source)
    }

    /// The destination address.
    #[inline]
    pub const fn destination(&self) -> Ipv4Addr {
        // The array whole, not byte by byte: `Ipv4Addr::new` of four
        // bytes was left as four byte loads in some callers.
        Ipv4Addr::from_octets(self.destination)
    }
}
