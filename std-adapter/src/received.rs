//! [`Datagram`]: one received datagram, the same from every receive call of
//! the crate ([`PacketConn::recv_from`](crate::PacketConn::recv_from),
//! [`RawConn::recv`](crate::RawConn::recv) and each message of a
//! [`RecvBatch`](crate::batch::RecvBatch)), and its [`MessageFlags`].
//!
//! A datagram the kernel handed over is always returned, whatever its
//! metadata: control messages that were cut or malformed, data that did not
//! fit the buffer, or (raw sockets) bytes that do not start with an IPv4
//! header are reported in the [`Datagram`], never as an error that would
//! lose the datagram with them.

use std::fmt;
use std::net::{Ipv4Addr, SocketAddrV4};

use ipv4_core::control::{ControlFlags, ControlMessage};
use ipv4_core::error::HeaderError;
use ipv4_core::header::HeaderView;

use crate::cmsg::{self, DecodeError};
use crate::sys;

bitflags::bitflags! {
    /// The `msg_flags` the kernel set on one received datagram
    /// ([`recvmsg(2)`]).
    ///
    /// The two that matter for datagrams are named; bits the crate does not
    /// name are kept as they came.
    ///
    /// [`recvmsg(2)`]: https://man7.org/linux/man-pages/man2/recvmsg.2.html
    #[derive(Clone, Copy, PartialEq, Eq, Hash, Default, Debug)]
    pub struct MessageFlags: i32 {
        /// `MSG_TRUNC`: the datagram was longer than its buffer; the rest of
        /// it is lost.
        const TRUNCATED = sys::MSG_TRUNC;
        /// `MSG_CTRUNC`: the control messages did not all fit in the control
        /// buffer; the ones that did not are lost.
        const CONTROL_TRUNCATED = sys::MSG_CTRUNC;
        // Every other bit, kept as the kernel set it.
        const _ = !0;
    }
}

impl MessageFlags {
    /// Whether the datagram was truncated (`MSG_TRUNC`).
    pub const fn is_truncated(self) -> bool {
        self.contains(MessageFlags::TRUNCATED)
    }

    /// Whether control messages were lost (`MSG_CTRUNC`).
    pub const fn is_control_truncated(self) -> bool {
        self.contains(MessageFlags::CONTROL_TRUNCATED)
    }
}

/// One received datagram. Everything borrows the receive buffer; nothing
/// is copied.
///
/// * [`payload`](Self::payload): the data after the IPv4 header (from a raw
///   socket) or all of it (UDP, ICMP datagram sockets), as far as the buffer
///   held it.
/// * [`header`](Self::header): from a raw socket, the IPv4 header as the
///   core's lax [`HeaderView`] (version 4, IHL ≥ 5 and the whole header in
///   the buffer checked; not the checksum, which Linux does not update after
///   filling in Record Route or Timestamp options).
/// * [`source`](Self::source), [`control`](Self::control): the sender and
///   the control messages enabled on the socket.
/// * [`flags`](Self::flags), [`len`](Self::len): whether the data or the
///   control messages were cut, and the datagram's full length.
/// * [`control_error`](Self::control_error),
///   [`header_error`](Self::header_error): what could not be decoded.
///
/// ```
/// use std::net::UdpSocket;
/// use ipv4_std::prelude::*;
///
/// let rx = PacketConn::new(UdpSocket::bind("127.0.0.1:0")?)?;
/// rx.set_control_message(ControlFlags::TTL, true)?;
/// let tx = UdpSocket::bind("127.0.0.1:0")?;
/// tx.send_to(&[7; 100], rx.get_ref().local_addr()?)?;
///
/// let mut buf = [0u8; 10];
/// let d = rx.recv_from(&mut buf)?;
/// assert_eq!(d.payload, &[7; 10]);
/// assert!(d.flags.is_truncated());
/// assert_eq!(d.len, Some(100)); // UDP tells the full length
/// assert_eq!(d.control.ttl, Some(64));
/// assert_eq!(std::net::SocketAddr::V4(d.source), tx.local_addr()?);
/// # Ok::<(), std::io::Error>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Datagram<'a> {
    /// The data: after the IPv4 header (raw sockets; up to the header's
    /// total length) or all of it, as far as the buffer held it. When the
    /// raw bytes do not start with a valid header
    /// ([`header_error`](Self::header_error)), all of them.
    pub payload: &'a [u8],
    /// From a raw socket, the IPv4 header that came with the datagram (a
    /// lax view over the whole datagram: its
    /// [`is_truncated`](HeaderView::is_truncated) agrees with
    /// [`MessageFlags::TRUNCATED`]). `None` on UDP and ICMP datagram
    /// sockets, and when the bytes are not a valid header.
    pub header: Option<HeaderView<&'a [u8]>>,
    /// The sender (port 0 on raw sockets). `0.0.0.0:0` if the kernel gave no
    /// IPv4 address, which it does not on an IPv4 socket.
    pub source: SocketAddrV4,
    /// The control messages enabled on the socket when the call began: only
    /// those fields, and of them, what arrived and decoded.
    pub control: ControlMessage,
    /// `MSG_TRUNC`, `MSG_CTRUNC` and the other `msg_flags`.
    pub flags: MessageFlags,
    /// The datagram's full length (from a raw socket, header included):
    /// always when it fitted; when it was truncated, if the kernel said
    /// (UDP and raw sockets do, ICMP datagram sockets do not).
    pub len: Option<usize>,
    /// The first control message that could not be decoded (the others
    /// were). A message the kernel cut short for want of room is not an
    /// error: [`MessageFlags::CONTROL_TRUNCATED`] says it.
    pub control_error: Option<DecodeError>,
    /// From a raw socket, why the bytes are not a valid IPv4 header
    /// (too short for the header they announce when the buffer was small,
    /// or not IPv4 at all). [`header`](Self::header) is then `None` and
    /// [`payload`](Self::payload) holds all the bytes.
    pub header_error: Option<HeaderError>,
}

impl Datagram<'_> {
    /// Whether the datagram's data was cut to fit the buffer (`MSG_TRUNC`).
    pub const fn is_truncated(&self) -> bool {
        self.flags.is_truncated()
    }

    /// Whether some control messages were lost (`MSG_CTRUNC`): the fields
    /// they carry are missing from [`control`](Self::control).
    pub const fn is_control_truncated(&self) -> bool {
        self.flags.is_control_truncated()
    }
}

/// `10 bytes from 127.0.0.1:4000 ttl=64 … (truncated from 100)`: the payload
/// length, the sender, the control message (when any field is present), and
/// what went wrong, if anything.
impl fmt::Display for Datagram<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} bytes from {}", self.payload.len(), self.source)?;
        if !self.control.is_empty() {
            write!(f, " {}", self.control)?;
        }
        if self.is_truncated() {
            match self.len {
                Some(len) => write!(f, " (truncated from {len})")?,
                None => f.write_str(" (truncated)")?,
            }
        }
        if self.is_control_truncated() {
            f.write_str(" (control messages lost)")?;
        }
        if let Some(e) = &self.control_error {
            write!(f, " (control message: {e})")?;
        }
        if let Some(e) = &self.header_error {
            write!(f, " (header: {e})")?;
        }
        Ok(())
    }
}

/// What one `recvmsg`/`recvmmsg` message reported, before it is decoded.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Raw<'a, 'c> {
    /// The data buffer as the caller gave it.
    pub(crate) buf: &'a [u8],
    /// What the call returned for the message: with `MSG_TRUNC` in the call's
    /// flags, the full datagram length on UDP and raw sockets.
    pub(crate) returned: usize,
    /// The control bytes written (`msg_controllen`, within the buffer).
    pub(crate) control: &'c [u8],
    /// The sender, when the kernel reported an IPv4 one.
    pub(crate) source: Option<SocketAddrV4>,
    /// `msg_flags`.
    pub(crate) flags: i32,
}

impl<'a> Raw<'a, '_> {
    /// Builds the datagram: the one place where a received message becomes
    /// a [`Datagram`]. `enabled` are the control messages asked for;
    /// `with_header` whether the socket delivers the IPv4 header (raw).
    // Inlined so that the `Datagram` is built where the caller reads it,
    // not returned through memory.
    #[inline]
    pub(crate) fn into_datagram(self, enabled: ControlFlags, with_header: bool) -> Datagram<'a> {
        let flags = MessageFlags::from_bits_retain(self.flags);
        let data = self.buf.get(..self.returned).unwrap_or(self.buf);
        let len = if !flags.is_truncated() {
            Some(data.len())
        } else {
            (self.returned > self.buf.len()).then_some(self.returned)
        };
        let decoded = cmsg::decode(self.control, flags.is_control_truncated());
        let source = self
            .source
            .unwrap_or(SocketAddrV4::new(Ipv4Addr::UNSPECIFIED, 0));
        let mut control = decoded.control;
        control.src = Some(*source.ip());
        let (header, payload, header_error) = if with_header {
            match HeaderView::new_lax(data) {
                Ok(view) => (Some(view), view.into_payload(), None),
                Err(e) => (None, data, Some(e)),
            }
        } else {
            (None, data, None)
        };
        Datagram {
            payload,
            header,
            source,
            control: control.masked(enabled),
            flags,
            len,
            control_error: decoded.error,
            header_error,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn raw(buf: &[u8], returned: usize, flags: i32) -> Raw<'_, 'static> {
        Raw {
            buf,
            returned,
            control: &[],
            source: Some(SocketAddrV4::new(Ipv4Addr::LOCALHOST, 9)),
            flags,
        }
    }

    #[test]
    fn message_flags_name_the_kernel_bits_and_keep_the_rest() {
        let f =
            MessageFlags::from_bits_retain(sys::MSG_TRUNC | sys::MSG_CTRUNC | sys::MSG_ERRQUEUE);
        assert!(f.is_truncated() && f.is_control_truncated());
        assert_eq!(f.bits() & sys::MSG_ERRQUEUE, sys::MSG_ERRQUEUE);
        assert!(!MessageFlags::default().is_truncated());
    }

    #[test]
    fn a_truncated_datagram_keeps_its_data_and_says_its_length() {
        let buf = [1u8; 10];
        let d = raw(&buf, 100, sys::MSG_TRUNC).into_datagram(ControlFlags::SRC, false);
        assert_eq!(d.payload, &buf[..]);
        assert_eq!(d.len, Some(100));
        assert!(d.is_truncated());
        assert_eq!(d.control.src, Some(Ipv4Addr::LOCALHOST));
        assert_eq!(
            d.to_string(),
            format!(
                "10 bytes from 127.0.0.1:9 {} (truncated from 100)",
                d.control
            )
        );
        // A socket that returns only what it copied (ICMP datagram sockets):
        // the full length is unknown.
        let d = raw(&buf, 10, sys::MSG_TRUNC).into_datagram(ControlFlags::empty(), false);
        assert_eq!(d.len, None);
        let d = raw(&buf, 4, 0).into_datagram(ControlFlags::empty(), false);
        assert_eq!((d.payload.len(), d.len), (4, Some(4)));
    }

    // A raw datagram whose 24-byte header did not fit a 22-byte buffer:
    // returned, with all its bytes and the reason, not turned into an error.
    #[test]
    fn bytes_that_are_not_a_header_are_returned_as_they_are() {
        let mut buf = [0u8; 22];
        buf[0] = 0x46;
        let d = raw(&buf, 40, sys::MSG_TRUNC).into_datagram(ControlFlags::empty(), true);
        assert_eq!(d.header, None);
        assert_eq!(d.payload, &buf[..]);
        assert!(d.header_error.is_some());
        assert!(d.to_string().contains("(header: "), "{d}");
    }

    // The payload of a raw datagram is trimmed to the header's total length
    // by the core's lax view (link-layer padding is left out).
    #[test]
    fn a_raw_payload_ends_at_the_total_length() {
        let mut buf = [0u8; 32];
        buf[..4].copy_from_slice(&[0x45, 0, 0, 24]);
        let d = raw(&buf, 28, 0).into_datagram(ControlFlags::empty(), true);
        assert_eq!(d.header.map(|h| h.total_len()), Some(24));
        assert_eq!(d.payload.len(), 4);
        assert_eq!(d.len, Some(28));
    }
}
