//! Whole packets in one call: header, options and payload into one buffer,
//! total length and checksum filled ([`Header::emit_packet`],
//! [`Header::emit_packet_with`]).
//!
//! The shape follows smoltcp's `Repr::emit` plus `payload_mut` rather than
//! a separate builder type in the manner of etherparse's `PacketBuilder`:
//! the owned [`Header`] already is the description of a header (options
//! included, set with [`Header::set_options`] or
//! [`Header::build_options`](Header::build_options)), so a packet is that
//! header plus a payload. One call copies a payload in; the other writes
//! the header and hands back a [`HeaderView`] over exactly the packet, so
//! the payload can be written in place with
//! [`payload_mut`](HeaderView::payload_mut) (the header checksum does not
//! cover the payload, so nothing needs fixing after).
//!
//! The total length written is `header_len() + payload length`, whatever
//! [`Header::total_len`] holds: it is derived when the packet is emitted,
//! so the order in which the header was put together does not matter.

use super::{Header, HeaderView, MIN_LEN};
use crate::error::{BufferTooSmall, HeaderError, HeaderField};

impl Header {
    /// Bytes a packet with this header and `payload_len` bytes of payload
    /// takes: `header_len() + payload_len` (what
    /// [`emit_packet_with`](Self::emit_packet_with) needs).
    #[inline]
    pub const fn packet_len(&self, payload_len: usize) -> usize {
        self.header_len().saturating_add(payload_len)
    }

    /// Writes a whole packet into the start of `buf`: this header, its
    /// options, then `payload`, with the total length set to
    /// `header_len() + payload.len()` and the header checksum computed.
    /// Returns the packet's length.
    ///
    /// [`total_len`](Self::total_len) is not read. Fails, writing nothing,
    /// if the packet would exceed 65 535 bytes
    /// ([`HeaderError::FieldOverflow`] on the total length), if `buf` is
    /// shorter than the packet ([`HeaderError::BufferTooSmall`]), or if a
    /// field does not fit (as [`emit`](Self::emit)).
    ///
    /// ```
    /// use core::net::Ipv4Addr;
    /// use ipv4_core::checksum::Policy;
    /// use ipv4_core::header::{Header, HeaderView, Protocol};
    /// use ipv4_core::options::RouterAlert;
    ///
    /// let mut header = Header::new(
    ///     Ipv4Addr::new(198, 51, 100, 1),
    ///     Ipv4Addr::new(203, 0, 113, 2),
    ///     Protocol::UDP,
    /// );
    /// header.build_options(|o| o.router_alert(RouterAlert::EXAMINE).map(drop))?;
    ///
    /// let mut buf = [0u8; 64];
    /// let n = header.emit_packet(b"hello", &mut buf)?;
    /// assert_eq!(n, 24 + 5);
    ///
    /// let ip = HeaderView::new_checked_with(&buf[..n], Policy::Enforce)?;
    /// assert_eq!(ip.total_len(), 29);
    /// assert_eq!(ip.options(), &[148, 4, 0, 0]);
    /// assert_eq!(ip.payload(), b"hello");
    /// # Ok::<(), Box<dyn core::error::Error>>(())
    /// ```
    pub fn emit_packet(&self, payload: &[u8], buf: &mut [u8]) -> Result<usize, HeaderError> {
        let mut packet = self.emit_packet_with(payload.len(), buf)?;
        // The view covers exactly header and payload: the lengths match.
        packet.payload_mut().copy_from_slice(payload);
        Ok(self.packet_len(payload.len()))
    }

    /// Writes this header (options included) into the start of `buf` for a
    /// packet of `payload_len` payload bytes, total length and checksum
    /// filled, and returns a view over exactly the packet: write the
    /// payload in place through [`HeaderView::payload_mut`].
    ///
    /// The payload bytes are left as they were in `buf`. Fails as
    /// [`emit_packet`](Self::emit_packet) does, writing nothing.
    ///
    /// ```
    /// use core::net::Ipv4Addr;
    /// use ipv4_core::header::{Header, HeaderView, Protocol};
    ///
    /// let header = Header::new(Ipv4Addr::LOCALHOST, Ipv4Addr::LOCALHOST, Protocol::UDP);
    /// let mut buf = [0u8; 1500];
    /// let mut packet = header.emit_packet_with(8, &mut buf)?;
    /// packet.payload_mut().copy_from_slice(&[0x13, 0x88, 0x13, 0x89, 0, 8, 0, 0]);
    /// assert_eq!(packet.total_len(), 28);
    /// assert!(packet.verify_checksum());
    /// assert_eq!(HeaderView::new_checked(&buf[..28])?.payload()[..2], [0x13, 0x88]);
    /// # Ok::<(), ipv4_core::error::HeaderError>(())
    /// ```
    pub fn emit_packet_with<'b>(
        &self,
        payload_len: usize,
        buf: &'b mut [u8],
    ) -> Result<HeaderView<&'b mut [u8]>, HeaderError> {
        let total = self.packet_len(payload_len);
        let total_len = u16::try_from(total).map_err(|_| HeaderError::FieldOverflow {
            field: HeaderField::TotalLength,
            max: u32::from(u16::MAX),
            found: u32::try_from(total).unwrap_or(u32::MAX),
        })?;
        let found = buf.len();
        let Some(packet) = buf.get_mut(..total) else {
            return Err(HeaderError::BufferTooSmall(BufferTooSmall {
                what: "IPv4 packet",
                required: total,
                found,
            }));
        };
        let mut header = *self;
        header.total_len = total_len;
        let header_len = header.emit(packet)?;
        debug_assert!(header_len >= MIN_LEN);
        // Marshalled just now: version, IHL and total length are right.
        Ok(HeaderView::new_unchecked(packet))
    }
}

#[cfg(test)]
mod tests {
    extern crate std;
    use core::net::Ipv4Addr;

    use super::*;
    use crate::header::{Flags, Protocol};
    use crate::options::RouterAlert;
    use std::vec::Vec;

    fn base() -> Header {
        Header::new(
            Ipv4Addr::new(198, 51, 100, 1),
            Ipv4Addr::new(203, 0, 113, 2),
            Protocol::UDP,
        )
        .with_identification(0x1c46)
        .with_flags(Flags::DONT_FRAGMENT)
    }

    /// Builds one header with Router Alert and a 5-byte payload by the
    /// given ordering of setters; the emitted packets must not differ.
    #[test]
    fn call_order_does_not_matter() {
        let payload = b"hello";
        let ra = [148, 4, 0, 0];
        let orders: [&dyn Fn() -> Header; 4] = [
            &|| {
                let mut h = base();
                h.set_options(&ra).unwrap();
                h.set_payload_len(payload.len()).unwrap();
                h
            },
            &|| {
                let mut h = base();
                h.set_payload_len(payload.len()).unwrap();
                h.set_options(&ra).unwrap();
                h
            },
            // Total length written by hand, counting the options, then the
            // options: the field is off by 4, the packet is not.
            &|| {
                let mut h = base();
                h.total_len = 29;
                h.set_options(&ra).unwrap();
                h
            },
            &|| {
                let mut h = base();
                h.build_options(|o| o.router_alert(RouterAlert::EXAMINE).map(drop))
                    .unwrap();
                h
            },
        ];
        let mut expected = [0u8; 29];
        let mut first = true;
        for build in orders {
            let h = build();
            let mut buf = [0xeeu8; 40];
            assert_eq!(h.emit_packet(payload, &mut buf), Ok(29));
            if first {
                expected.copy_from_slice(&buf[..29]);
                first = false;
            }
            assert_eq!(buf[..29], expected);
            assert_eq!(buf[29..], [0xee; 11], "nothing past the packet");
        }
        // The two setters commute on the field as well.
        let (a, b) = (orders[0](), orders[1]());
        assert_eq!((a.total_len, b.total_len), (29, 29));
    }

    /// The same UDP-in-IPv4 packet built by etherparse, an independent
    /// implementation: header with a Router Alert option, payload after.
    #[test]
    fn matches_etherparse_byte_for_byte() {
        use etherparse::{IpNumber, Ipv4Header, Ipv4Options};
        let payload = [
            0x13, 0x88, 0x13, 0x89, 0x00, 0x0d, 0x00, 0x00, b'a', b'b', b'c', b'd', b'e',
        ];
        let mut theirs = Ipv4Header::new(
            payload.len() as u16,
            17,
            IpNumber::UDP,
            [198, 51, 100, 1],
            [203, 0, 113, 2],
        )
        .unwrap();
        theirs.identification = 0x1c46;
        theirs.dont_fragment = true;
        theirs.dscp = etherparse::IpDscp::try_new(0x2e).unwrap();
        theirs.options = Ipv4Options::try_from(&[148u8, 4, 0, 0, 1, 1, 1, 0][..]).unwrap();
        theirs.total_len = (theirs.header_len() + payload.len()) as u16;
        theirs.header_checksum = theirs.calc_header_checksum();
        let mut expected = Vec::new();
        theirs.write(&mut expected).unwrap();
        expected.extend_from_slice(&payload);

        let mut ours = base().with_ttl(17).with_tos(0x2e << 2);
        ours.set_options(&[148, 4, 0, 0, 1, 1, 1, 0]).unwrap();
        let mut buf = [0u8; 64];
        let n = ours.emit_packet(&payload, &mut buf).unwrap();
        assert_eq!(buf[..n], expected[..]);
    }

    /// A known header: the worked example of the IPv4 header checksum in
    /// Wikipedia's "Internet checksum" article (checksum 0xb861).
    #[test]
    fn known_header_checksum() {
        let h = Header::new(
            Ipv4Addr::new(192, 168, 0, 1),
            Ipv4Addr::new(192, 168, 0, 199),
            Protocol::UDP,
        )
        .with_flags(Flags::DONT_FRAGMENT);
        let mut buf = [0u8; 115];
        let n = h.emit_packet(&[0u8; 95], &mut buf).unwrap();
        assert_eq!(n, 115);
        assert_eq!(
            buf[..20],
            [
                0x45, 0x00, 0x00, 0x73, 0x00, 0x00, 0x40, 0x00, 0x40, 0x11, 0xb8, 0x61, 0xc0, 0xa8,
                0x00, 0x01, 0xc0, 0xa8, 0x00, 0xc7
            ]
        );
    }

    #[test]
    fn errors_write_nothing() {
        let mut h = base();
        h.set_options(&[1; 8]).unwrap();
        let mut buf = [0xeeu8; 40];
        assert_eq!(
            h.emit_packet(&[0; 13], &mut buf),
            Err(HeaderError::BufferTooSmall(BufferTooSmall {
                what: "IPv4 packet",
                required: 41,
                found: 40
            }))
        );
        assert_eq!(
            h.emit_packet_with(65_535 - 27, &mut buf).err(),
            Some(HeaderError::FieldOverflow {
                field: HeaderField::TotalLength,
                max: 65_535,
                found: 65_536
            })
        );
        h.fragment_offset = 0x2000;
        assert!(matches!(
            h.emit_packet(&[], &mut buf),
            Err(HeaderError::FieldOverflow {
                field: HeaderField::FragmentOffset,
                ..
            })
        ));
        assert_eq!(buf, [0xee; 40]);
        // The largest packet fits.
        let h = base();
        let mut big = std::vec![0u8; 65_535];
        let view = h.emit_packet_with(65_515, &mut big).unwrap();
        assert_eq!(view.total_len(), 65_535);
    }
}
