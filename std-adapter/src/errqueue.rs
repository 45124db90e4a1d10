//! The socket error queue of Linux ([`ip(7)`] `IP_RECVERR`): why datagrams
//! vanished, without root.
//!
//! With [`set_recv_errors`](crate::options::ErrorQueueOptions::set_recv_errors)
//! on, the kernel queues on the socket every ICMP error that concerns its
//! datagrams (port unreachable, time exceeded, fragmentation needed, …)
//! and local errors (a send larger than the path MTU), and
//! [`PacketConn::recv_error`](crate::PacketConn::recv_error) reads them
//! one by one as an [`ErrorQueueEntry`]: its [`Origin`], errno, the ICMP
//! type and code typed by the core ([`ErrorCode`]), the address of the
//! host that sent the ICMP error (`SO_EE_OFFENDER`), the MTU of a
//! "fragmentation needed", the original datagram's bytes as the kernel
//! keeps them, in the caller's buffer, and with
//! [`set_recv_errors_rfc4884`](crate::options::ErrorQueueOptions::set_recv_errors_rfc4884)
//! on, the [RFC 4884] extension objects ([RFC 4950] MPLS label stacks,
//! [RFC 5837] interface information) decoded by the core.
//!
//! # Polling
//!
//! Reading the queue never blocks and never takes ordinary data: it is
//! `recvmsg(2)` with `MSG_ERRQUEUE | MSG_DONTWAIT`, and an empty queue is
//! `Ok(None)`, on blocking and non-blocking sockets alike. The socket polls
//! with `POLLERR` (in `revents` whatever `events` asked) while the queue
//! is not empty, so an event loop learns of errors without asking for
//! them. Linux also records the latest error as the socket's pending
//! error (`SO_ERROR`): until the entry is read from the queue, the next
//! ordinary `recv` or `send` fails once with its errno instead. Read the
//! queue when `POLLERR` shows, and ordinary reads see their data.
//!
//! # What the payload holds
//!
//! The kernel keeps the part of the ICMP's quoted datagram after the
//! headers the socket's protocol knows: for UDP the data after the quoted
//! UDP header, for an ICMP datagram ("ping") socket the quoted ICMP
//! message, for a raw socket what follows the quoted IPv4 header (all of
//! it, header included, with `IP_HDRINCL`). A local error has no payload.
//! [`ErrorQueueEntry::destination`] is the original datagram's destination.
//!
//! ```
//! use std::net::UdpSocket;
//! use ipv4_std::errqueue::Origin;
//! use ipv4_std::prelude::*;
//!
//! // A datagram to a closed port on loopback: the kernel answers with an
//! // ICMP port unreachable, which lands on the sender's error queue.
//! let conn = PacketConn::new(UdpSocket::bind("127.0.0.1:0")?)?;
//! conn.set_recv_errors(true)?;
//! let closed = UdpSocket::bind("127.0.0.1:0")?.local_addr()?; // dropped: closed
//! conn.send_to(b"anyone?", None, closed)?;
//!
//! let mut buf = [0u8; 512];
//! let e = loop {
//!     match conn.recv_error(&mut buf)? {
//!         Some(e) => break e,
//!         None => std::thread::sleep(std::time::Duration::from_millis(1)),
//!     }
//! };
//! assert_eq!(e.origin, Origin::ICMP);
//! assert_eq!(e.error().kind(), std::io::ErrorKind::ConnectionRefused);
//! assert_eq!(e.icmp.unwrap().to_string(), "port unreachable");
//! assert_eq!((e.offender, e.payload), (Some(*closed_ip(&closed)), &b"anyone?"[..]));
//! println!("{e}"); // ICMP port unreachable from 127.0.0.1 for 127.0.0.1:…
//! assert!(conn.recv_error(&mut buf)?.is_none()); // never blocks
//! # fn closed_ip(a: &std::net::SocketAddr) -> &std::net::Ipv4Addr {
//! #     match a { std::net::SocketAddr::V4(a) => a.ip(), _ => unreachable!() } }
//! # Ok::<(), std::io::Error>(())
//! ```
//!
//! [`ip(7)`]: https://man7.org/linux/man-pages/man7/ip.7.html
//! [RFC 4884]: https://www.rfc-editor.org/rfc/rfc4884
//! [RFC 4950]: https://www.rfc-editor.org/rfc/rfc4950
//! [RFC 5837]: https://www.rfc-editor.org/rfc/rfc5837

use std::fmt;
use std::io;
use std::net::{Ipv4Addr, SocketAddrV4};

use ipv4_core::control::{ControlFlags, ControlMessage};
use ipv4_core::error::IcmpError;
use ipv4_core::icmp::{ErrorCode, Extensions};

use crate::cmsg::{self, DecodeError, ExtendedError};
use crate::options::sealed::{DatagramSocket, Socket as _};
use crate::packet_conn::Receive;
use crate::received::MessageFlags;
use crate::sys::{self, AsSocket, BorrowedSocket};
use crate::{PacketConn, RawConn};

/// Where a queued error comes from: `ee_origin` of `struct
/// sock_extended_err` (`SO_EE_ORIGIN_*`, `<linux/errqueue.h>`). Any byte
/// converts in and out unchanged.
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Default)]
pub struct Origin(pub u8);

impl Origin {
    /// `SO_EE_ORIGIN_NONE` (0).
    pub const NONE: Origin = Origin(0);
    /// `SO_EE_ORIGIN_LOCAL` (1): the local stack (a send larger than the
    /// path MTU).
    pub const LOCAL: Origin = Origin(1);
    /// `SO_EE_ORIGIN_ICMP` (2): an ICMPv4 error from a router or the
    /// destination.
    pub const ICMP: Origin = Origin(2);
    /// `SO_EE_ORIGIN_ICMP6` (3).
    pub const ICMP6: Origin = Origin(3);
    /// `SO_EE_ORIGIN_TIMESTAMPING` (4): a transmit timestamp.
    pub const TIMESTAMPING: Origin = Origin(4);
    /// `SO_EE_ORIGIN_ZEROCOPY` (5): a `MSG_ZEROCOPY` completion.
    pub const ZEROCOPY: Origin = Origin(5);
    /// `SO_EE_ORIGIN_TXTIME` (6): a packet dropped by `SO_TXTIME`.
    pub const TXTIME: Origin = Origin(6);

    /// The origin's name (`"icmp"`), `None` for an unknown one.
    pub const fn name(self) -> Option<&'static str> {
        Some(match self {
            Origin::NONE => "none",
            Origin::LOCAL => "local",
            Origin::ICMP => "icmp",
            Origin::ICMP6 => "icmp6",
            Origin::TIMESTAMPING => "timestamping",
            Origin::ZEROCOPY => "zerocopy",
            Origin::TXTIME => "txtime",
            _ => return None,
        })
    }
}

impl fmt::Display for Origin {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.name() {
            Some(name) => f.write_str(name),
            None => write!(f, "origin {}", self.0),
        }
    }
}

impl fmt::Debug for Origin {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.name() {
            Some(name) => write!(f, "Origin({name})"),
            None => write!(f, "Origin({})", self.0),
        }
    }
}

/// One entry of a socket's error queue, borrowing the caller's buffer.
/// From [`PacketConn::recv_error`] or [`RawConn::recv_error`]; see the
/// [module documentation](self).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ErrorQueueEntry<'a> {
    /// Where the error comes from.
    pub origin: Origin,
    /// `ee_errno`: `ECONNREFUSED` for a port unreachable, `EHOSTUNREACH`
    /// for most other unreachables and time exceeded, `EMSGSIZE` for
    /// fragmentation needed and for a local send larger than the path MTU.
    /// [`error`](Self::error) turns it into an [`io::Error`].
    pub errno: i32,
    /// For an ICMP error ([`Origin::ICMP`]): its type and code, typed by
    /// the core.
    pub icmp: Option<ErrorCode>,
    /// The host that sent the ICMP error (`SO_EE_OFFENDER`): a router, or
    /// the destination itself; `None` for a local error.
    pub offender: Option<Ipv4Addr>,
    /// `ee_info`: for `EMSGSIZE` the MTU ([`mtu`](Self::mtu)); for a
    /// parameter problem the pointer; else 0.
    pub info: u32,
    /// The original datagram's destination (`msg_name`; the port is 0 on
    /// raw and ICMP datagram sockets).
    pub destination: SocketAddrV4,
    /// The original datagram's bytes as the kernel queued them (see
    /// [what the payload holds](self#what-the-payload-holds)), as far as
    /// the buffer held them.
    pub payload: &'a [u8],
    /// `MSG_TRUNC` when the payload did not fit the buffer, and
    /// `MSG_ERRQUEUE`.
    pub flags: MessageFlags,
    /// The control messages enabled on the socket, of the ICMP packet that
    /// carried the error (its TTL, its destination and interface).
    pub control: ControlMessage,
    /// With `IP_RECVERR_RFC4884` on, where the RFC 4884 extension
    /// structure starts in [`payload`](Self::payload), when the kernel found
    /// one.
    pub extension_offset: Option<usize>,
    /// Whether the kernel found that extension structure invalid
    /// (`SO_EE_RFC4884_FLAG_INVALID`: bad version or checksum).
    pub extension_invalid: bool,
    /// The first control message that did not decode. When it is the
    /// `IP_RECVERR` message itself, the fields above are zero and
    /// [`origin`](Self::origin) is [`Origin::NONE`].
    pub control_error: Option<DecodeError>,
}

impl<'a> ErrorQueueEntry<'a> {
    /// The error number as an [`io::Error`] (`ECONNREFUSED` is
    /// [`ConnectionRefused`](io::ErrorKind::ConnectionRefused), …).
    pub fn error(&self) -> io::Error {
        io::Error::from_raw_os_error(self.errno)
    }

    /// The MTU of an `EMSGSIZE` error: the next-hop MTU of an ICMP
    /// "fragmentation needed" (RFC 1191), or the path MTU a local send
    /// exceeded.
    pub fn mtu(&self) -> Option<u32> {
        (self.errno == sys::EMSGSIZE).then_some(self.info)
    }

    /// The [RFC 4884] extension structure after the original datagram,
    /// decoded by the core (version and checksum checked), when the kernel
    /// found one (`IP_RECVERR_RFC4884` on). Its objects are typed by
    /// [`ExtensionObject::decode`](ipv4_core::icmp::ExtensionObject::decode)
    /// ([RFC 4950] MPLS label stacks, [RFC 5837] interface information).
    /// Object offsets count from the start of [`payload`](Self::payload).
    ///
    /// `None` when there is none or the buffer cut it off.
    ///
    /// [RFC 4884]: https://www.rfc-editor.org/rfc/rfc4884
    /// [RFC 4950]: https://www.rfc-editor.org/rfc/rfc4950
    /// [RFC 5837]: https://www.rfc-editor.org/rfc/rfc5837
    pub fn extensions(&self) -> Option<Result<Extensions<'a>, IcmpError>> {
        let offset = self.extension_offset?;
        let bytes = self.payload.get(offset..).filter(|b| !b.is_empty())?;
        Some(Extensions::parse(bytes, offset))
    }

    /// The payload without the RFC 4884 extension structure: the original
    /// datagram's bytes only (with the zero padding RFC 4884 adds).
    pub fn original(&self) -> &'a [u8] {
        match self.extension_offset {
            Some(offset) => self.payload.get(..offset).unwrap_or(self.payload),
            None => self.payload,
        }
    }
}

/// `ICMP time exceeded in transit from 198.51.100.1 for 203.0.113.2:33434`,
/// `local error: message too long (mtu 1280) for 203.0.113.2:9`.
impl fmt::Display for ErrorQueueEntry<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match (self.origin, self.icmp) {
            (Origin::ICMP, Some(code)) => write!(f, "ICMP {code}")?,
            (Origin::LOCAL, _) => write!(f, "local error: {}", self.error())?,
            (origin, _) => write!(f, "{origin} error: {}", self.error())?,
        }
        if let Some(offender) = self.offender {
            write!(f, " from {offender}")?;
        }
        if let Some(mtu) = self.mtu() {
            write!(f, " (mtu {mtu})")?;
        }
        write!(f, " for {}", self.destination)?;
        if let Some(Ok(ext)) = self.extensions() {
            for object in ext.objects() {
                match object.and_then(|o| o.decode()) {
                    Ok(object) => write!(f, ", {object}")?,
                    Err(_) => return f.write_str(", bad extension object"),
                }
            }
        }
        Ok(())
    }
}

/// Reads one entry of the error queue of `fd` into `buf`.
pub(crate) fn recv_error<'b>(
    fd: BorrowedSocket<'_>,
    buf: &'b mut [u8],
    enabled: ControlFlags,
) -> io::Result<Option<ErrorQueueEntry<'b>>> {
    let mut rx = Receive::new(enabled);
    Ok(attempt(&mut rx, fd, buf)?.map(|r| entry(&rx, buf, r)))
}

/// One read of the error queue into `buf` (`MSG_ERRQUEUE | MSG_DONTWAIT`),
/// whose result borrows nothing: `None` when the queue is empty. Shared
/// by the blocking and the async wrappers, which wait for `POLLERR` and
/// try again.
pub(crate) fn attempt(
    rx: &mut Receive,
    fd: BorrowedSocket<'_>,
    buf: &mut [u8],
) -> io::Result<Option<sys::Received>> {
    match rx.attempt_with(fd, buf, sys::MSG_ERRQUEUE_FLAG | sys::MSG_DONTWAIT) {
        Ok(r) => Ok(Some(r)),
        Err(e) if e.kind() == io::ErrorKind::WouldBlock => Ok(None),
        Err(e) => Err(e),
    }
}

/// The entry the [`attempt`] that returned `r` read into `buf`.
pub(crate) fn entry<'b>(rx: &Receive, buf: &'b [u8], r: sys::Received) -> ErrorQueueEntry<'b> {
    let control = rx.control(&r);
    let flags = MessageFlags::from_bits_retain(r.flags);
    let decoded = cmsg::decode(control, flags.is_control_truncated());
    let (ee, ee_error) = match cmsg::extended_error(control) {
        Some(Ok(ee)) => (ee, None),
        Some(Err(e)) => (ExtendedError::default(), Some(e)),
        None => (ExtendedError::default(), None),
    };
    let origin = Origin(ee.origin);
    let payload: &'b [u8] = buf.get(..r.len).unwrap_or(buf);
    let extension_offset = match ee.rfc4884_len() {
        0 => None,
        len => Some(usize::from(len)),
    };
    ErrorQueueEntry {
        origin,
        errno: i32::try_from(ee.errno).unwrap_or(i32::MAX),
        icmp: (origin == Origin::ICMP)
            .then(|| ErrorCode::from_type_code(ee.icmp_type, ee.icmp_code)),
        offender: ee.offender,
        info: ee.info,
        destination: r
            .source
            .unwrap_or(SocketAddrV4::new(Ipv4Addr::UNSPECIFIED, 0)),
        payload,
        flags,
        control: decoded.control.masked(rx.enabled() - ControlFlags::SRC),
        extension_offset,
        extension_invalid: ee.rfc4884_flags() & SO_EE_RFC4884_FLAG_INVALID != 0,
        control_error: ee_error.or(decoded.error),
    }
}

/// `SO_EE_RFC4884_FLAG_INVALID` of `<linux/errqueue.h>`.
const SO_EE_RFC4884_FLAG_INVALID: u8 = 1;

impl<S: AsSocket> PacketConn<S> {
    /// Reads one entry of the socket's error queue into `buf`
    /// (`recvmsg(2)` with `MSG_ERRQUEUE | MSG_DONTWAIT`): `Ok(None)` at
    /// once when the queue is empty. Never blocks, never takes an ordinary
    /// datagram. See [`errqueue`](crate::errqueue).
    ///
    /// Errors are queued once
    /// [`set_recv_errors`](crate::options::ErrorQueueOptions::set_recv_errors)
    /// is on. The entry's [`control`](ErrorQueueEntry::control) holds the
    /// fields enabled with
    /// [`set_control_message`](crate::ControlMessageOptions::set_control_message),
    /// taken from the ICMP packet that carried the error.
    ///
    /// # Errors
    ///
    /// The `recvmsg` error, other than `EAGAIN`.
    #[cfg_attr(docsrs, doc(cfg(any(target_os = "linux", target_os = "android"))))]
    pub fn recv_error<'b>(&self, buf: &'b mut [u8]) -> io::Result<Option<ErrorQueueEntry<'b>>> {
        recv_error(self.socket(), buf, self.state().flags())
    }
}

impl<S: AsSocket> RawConn<S> {
    /// Reads one entry of the socket's error queue into `buf`, as
    /// [`PacketConn::recv_error`]. With `IP_HDRINCL` (always, for a
    /// `RawConn`) the payload is the whole quoted datagram, IPv4 header
    /// first.
    ///
    /// # Errors
    ///
    /// The `recvmsg` error, other than `EAGAIN`.
    #[cfg_attr(docsrs, doc(cfg(any(target_os = "linux", target_os = "android"))))]
    pub fn recv_error<'b>(&self, buf: &'b mut [u8]) -> io::Result<Option<ErrorQueueEntry<'b>>> {
        recv_error(self.socket(), buf, self.state().flags())
    }
}
