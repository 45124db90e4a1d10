//! [`PacketConn`]: an IPv4 datagram socket (UDP, ICMP "ping" datagram, or
//! raw without `IP_HDRINCL`) with per-datagram control messages.
//!
//! Its options are the traits of [`options`](crate::options).

use std::fmt;
use std::io::{self, IoSlice, IoSliceMut};
use std::net::{SocketAddr, SocketAddrV4, UdpSocket};

use ipv4_core::control::{ControlFlags, ControlMessage};
use socket2::Socket;

use crate::cmsg::{self, ControlBuffer};
use crate::conn::{self, Accept};
use crate::options::sealed::Socket as _;
use crate::options::{ControlMessageOptions, DatagramState, sealed};
use crate::received::{self, Datagram};
use crate::sys::{self, AsSocket, BorrowedSocket};

/// An IPv4 datagram socket with control messages.
///
/// It wraps any socket that gives out its file descriptor (`S: AsFd`):
/// [`std::net::UdpSocket`], [`socket2::Socket`] (UDP, `SOCK_DGRAM` ICMP, or
/// `SOCK_RAW` without `IP_HDRINCL`), or a reference to one, after checking
/// that it is an IPv4 datagram or raw socket: it is built with
/// [`new`](Self::new) or `TryFrom` (a [`UdpSocket`], a [`Socket`], or a
/// reference to either), which fail on any other socket. The socket stays
/// the caller's: [`get_ref`](Self::get_ref) reaches it (for timeouts,
/// non-blocking mode, `connect`, …) and [`into_inner`](Self::into_inner)
/// hands it back.
///
/// All methods take `&self`; a `PacketConn` can be shared between threads
/// (for instance in an `Arc`) and read, written and reconfigured from all of
/// them at once. Receiving and sending allocate nothing: the control buffer
/// is a fixed-size array on the stack.
///
/// On a raw socket (`SOCK_RAW`), Linux delivers the IPv4 header with every
/// datagram; [`recv_from`](Self::recv_from) returns it as a header view
/// beside the payload that follows it.
///
/// ```
/// use std::net::{Ipv4Addr, UdpSocket};
/// use ipv4_std::prelude::*;
///
/// let conn = PacketConn::new(UdpSocket::bind("127.0.0.1:0")?)?;
/// conn.set_control_message(ControlFlags::TTL | ControlFlags::DST | ControlFlags::INTERFACE, true)?;
/// let client = UdpSocket::bind("127.0.0.1:0")?;
/// client.send_to(b"ping", conn.get_ref().local_addr()?)?;
///
/// let mut buf = [0; 1500];
/// let d = conn.recv_from(&mut buf)?;
/// assert_eq!((d.payload, d.control.dst), (&b"ping"[..], Some(Ipv4Addr::LOCALHOST)));
/// // Answer from the address the query was sent to, on the same interface.
/// let reply = ControlMessage { src: d.control.dst, if_index: d.control.if_index, ..ControlMessage::default() };
/// conn.send_to(b"pong", Some(&reply), d.source)?;
/// let mut answer = [0; 4];
/// assert_eq!(client.recv(&mut answer)?, 4);
/// # Ok::<(), std::io::Error>(())
/// ```
///
/// [`socket2::Socket`]: https://docs.rs/socket2/0.6/socket2/struct.Socket.html
/// [`Socket`]: https://docs.rs/socket2/0.6/socket2/struct.Socket.html
pub struct PacketConn<S> {
    socket: S,
    raw: bool,
    state: DatagramState,
}

impl<S: AsSocket> PacketConn<S> {
    /// Wraps `socket`.
    ///
    /// It asks the kernel (`getsockopt`) for the socket's family and type
    /// (`SO_DOMAIN`, `SO_TYPE`), and which control messages are on already
    /// (`IP_RECVTTL`, `IP_PKTINFO`, `IP_RECVTOS`, `IP_RECVORIGDSTADDR`), so
    /// that a configured socket keeps its settings.
    ///
    /// # Errors
    ///
    /// [`InvalidInput`](io::ErrorKind::InvalidInput), naming what was
    /// found, if `socket` is not an `AF_INET` socket (an IPv6 socket's
    /// datagrams have no IPv4 source) or not of type `SOCK_DGRAM` or
    /// `SOCK_RAW` (a TCP stream or listener has no datagrams), or not a
    /// socket at all; the `getsockopt` error otherwise. An owned socket is
    /// dropped (closed) on error.
    pub fn new(socket: S) -> io::Result<PacketConn<S>> {
        let kind = conn::check_socket(sys::borrow(&socket), "PacketConn", Accept::DatagramOrRaw)?;
        Ok(PacketConn::checked(socket, kind.is_raw()))
    }

    /// Wraps a socket [`conn::check_socket`] accepted; `raw` tells whether
    /// it is `SOCK_RAW`.
    pub(crate) fn checked(socket: S, raw: bool) -> PacketConn<S> {
        let state = DatagramState::read_from(sys::borrow(&socket));
        PacketConn { socket, raw, state }
    }

    /// The wrapped socket.
    pub fn get_ref(&self) -> &S {
        &self.socket
    }

    /// Gives back the socket. Its kernel options stay as they are.
    pub fn into_inner(self) -> S {
        self.socket
    }

    /// The socket's own address (`getsockname(2)`): as
    /// [`UdpSocket::local_addr`], typed IPv4. `0.0.0.0:0` before the
    /// socket is bound; on a raw socket Linux reports the protocol number
    /// as the port.
    ///
    /// # Errors
    ///
    /// The `getsockname` error.
    pub fn local_addr(&self) -> io::Result<SocketAddrV4> {
        conn::local_addr(self.socket())
    }

    /// The address the socket is connected to (`getpeername(2)`): as
    /// [`UdpSocket::peer_addr`], typed IPv4.
    ///
    /// # Errors
    ///
    /// [`NotConnected`](io::ErrorKind::NotConnected) when the socket is not
    /// connected, and on Linux always for a raw socket, which keeps no peer
    /// port; the `getpeername` error otherwise.
    pub fn peer_addr(&self) -> io::Result<SocketAddrV4> {
        conn::peer_addr(self.socket())
    }

    /// Whether the socket is raw (`SOCK_RAW`): its datagrams arrive with
    /// their IPv4 header.
    pub(crate) fn is_raw(&self) -> bool {
        self.raw
    }

    /// Receives one datagram into `buf` (`recvmsg(2)`): its data, sender,
    /// control messages and flags, as a [`Datagram`] borrowing `buf`.
    ///
    /// The control message holds the fields enabled with
    /// [`set_control_message`](ControlMessageOptions::set_control_message) (and is empty when
    /// none is). A datagram longer than `buf` is truncated, as with
    /// [`UdpSocket::recv_from`](std::net::UdpSocket::recv_from), and says
    /// so: [`Datagram::is_truncated`], with its full length in
    /// [`Datagram::len`] where the kernel gives it (UDP and raw sockets).
    ///
    /// The kernel always gets a control buffer of
    /// [`cmsg::BUFFER_LEN`] bytes, so control messages enabled on the socket
    /// behind this wrapper's back (another wrapper, `get_ref()`, a
    /// timestamp option) do not push out the ones asked for; if some are
    /// lost all the same, [`Datagram::is_control_truncated`] says so. A
    /// control message that does not decode is reported in
    /// [`Datagram::control_error`]: the datagram is never lost to its
    /// control data.
    ///
    /// On a raw socket the IPv4 header arrives with the data:
    /// [`Datagram::header`] is its view and [`Datagram::payload`] what
    /// follows it, up to its total length.
    ///
    /// # Errors
    ///
    /// The `recvmsg` error only (`WouldBlock` on a non-blocking socket or a
    /// timeout).
    pub fn recv_from<'b>(&self, buf: &'b mut [u8]) -> io::Result<Datagram<'b>> {
        let mut rx = Receive::new(self.control_flags());
        let r = rx.attempt(self.socket(), buf)?;
        Ok(rx.datagram(buf, r, self.raw))
    }

    /// Sends `buf` as one datagram to `dst` (`sendmsg(2)`), with the
    /// per-datagram requests of `cm` if given: source address and outgoing
    /// interface (`IP_PKTINFO`), TTL (`IP_TTL`) and TOS (`IP_TOS`); see
    /// [`cmsg::encode`]. Returns the bytes sent.
    ///
    /// `dst` is anything that converts into a [`SocketAddr`]: a
    /// [`SocketAddrV4`] (as [`Datagram::source`] holds), a [`SocketAddr`]
    /// (as [`UdpSocket::local_addr`] gives), or an `(Ipv4Addr, u16)` pair. Unlike [`UdpSocket::send_to`] it takes no
    /// [`ToSocketAddrs`](std::net::ToSocketAddrs): a host name would mean a
    /// DNS lookup, which blocks and allocates, inside a send that does
    /// neither; resolve names first. On a raw socket the port of `dst` is
    /// ignored.
    ///
    /// # Errors
    ///
    /// [`InvalidInput`](io::ErrorKind::InvalidInput), before any system
    /// call, for an IPv6 `dst` (IPv4-mapped ones included: pass the IPv4
    /// address) or an interface index above `i32::MAX` (see
    /// [`cmsg::EncodeError`]); the `sendmsg` error, e.g. `EINVAL`
    /// ([`InvalidInput`](io::ErrorKind::InvalidInput) too) for a TTL of 0,
    /// or `EADDRNOTAVAIL` for a source address that is not local.
    /// `EMSGSIZE` (a datagram larger than the path MTU with Don't Fragment,
    /// or than the protocol allows) comes as an
    /// [`InvalidInput`](io::ErrorKind::InvalidInput) error holding a
    /// [`MessageTooLarge`](crate::MessageTooLarge) with the MTU.
    pub fn send_to(
        &self,
        buf: &[u8],
        cm: Option<&ControlMessage>,
        dst: impl Into<SocketAddr>,
    ) -> io::Result<usize> {
        let dst = ipv4_destination(dst.into())?;
        let mut control = ControlBuffer::new();
        let len = match cm {
            Some(cm) => cmsg::encode_for(cm, control.as_mut_bytes(), self.raw)?,
            None => 0,
        };
        sys::sendmsg(
            self.socket(),
            &[IoSlice::new(buf)],
            Some(dst),
            &control.as_bytes()[..len],
            0,
        )
        .map_err(|e| crate::options::explain_send_error(self.socket(), e, buf.len(), Some(dst)))
    }
}

/// One receive, the same for the blocking and the async wrappers: one
/// `recvmsg(2)` attempt ([`attempt`](Self::attempt)), whose result borrows
/// nothing, so that the async wrappers can retry it with the same buffer
/// after a `WouldBlock` and a readiness wait, then the [`Datagram`] it
/// received ([`datagram`](Self::datagram)). The error queue's read is the
/// same two steps (`errqueue`).
pub(crate) struct Receive {
    /// The control messages asked for, read before the call.
    enabled: ControlFlags,
    control: ControlBuffer,
}

impl Receive {
    /// A receive of the control messages `enabled`.
    pub(crate) fn new(enabled: ControlFlags) -> Receive {
        Receive {
            enabled,
            control: ControlBuffer::new(),
        }
    }

    /// The control messages asked for.
    #[cfg(any(target_os = "linux", target_os = "android"))]
    pub(crate) fn enabled(&self) -> ControlFlags {
        self.enabled
    }

    /// One `recvmsg(2)` into `buf` with `flags`: blocks on a blocking
    /// socket, answers `WouldBlock` on a non-blocking one.
    pub(crate) fn attempt_with(
        &mut self,
        fd: BorrowedSocket<'_>,
        buf: &mut [u8],
        flags: sys::c_int,
    ) -> io::Result<sys::Received> {
        sys::recvmsg(
            fd,
            &mut [IoSliceMut::new(buf)],
            self.control.as_mut_bytes(),
            flags,
        )
    }

    /// One `recvmsg(2)` of a datagram into `buf`, with `MSG_TRUNC` (the
    /// full length of a truncated datagram).
    pub(crate) fn attempt(
        &mut self,
        fd: BorrowedSocket<'_>,
        buf: &mut [u8],
    ) -> io::Result<sys::Received> {
        self.attempt_with(fd, buf, sys::MSG_TRUNC)
    }

    /// The control bytes the kernel wrote in the call that returned `r`.
    pub(crate) fn control(&self, r: &sys::Received) -> &[u8] {
        self.control
            .as_bytes()
            .get(..r.control_len)
            .unwrap_or_default()
    }

    /// The datagram the call that returned `r` received into `buf`;
    /// `with_header` on raw sockets.
    pub(crate) fn datagram<'b>(
        &self,
        buf: &'b mut [u8],
        r: sys::Received,
        with_header: bool,
    ) -> Datagram<'b> {
        // A raw header in this kernel's receive format (host-order
        // lengths on some BSDs) is turned to the wire format first.
        if with_header && !crate::raw_conn::receives_wire_format() {
            let len = r.len.min(buf.len());
            crate::raw_conn::from_recv_format(&mut buf[..len]);
        }
        received::Raw {
            buf,
            returned: r.len,
            control: self.control(&r),
            source: r.source,
            flags: r.flags,
        }
        .into_datagram(self.enabled, with_header)
    }
}

/// `dst` as an IPv4 destination: an IPv6 one is an
/// [`InvalidInput`](io::ErrorKind::InvalidInput) error.
pub(crate) fn ipv4_destination(dst: SocketAddr) -> io::Result<SocketAddrV4> {
    match dst {
        SocketAddr::V4(dst) => Ok(dst),
        SocketAddr::V6(v6) => {
            let hint = match v6.ip().to_ipv4_mapped() {
                Some(v4) => format!(
                    " (send to {} for the IPv4 address it maps)",
                    SocketAddrV4::new(v4, v6.port())
                ),
                None => String::new(),
            };
            Err(io::Error::new(
                io::ErrorKind::InvalidInput,
                format!("{dst} is an IPv6 address; this socket sends IPv4 datagrams{hint}"),
            ))
        }
    }
}

crate::conn::try_from_sockets!(PacketConn: UdpSocket, Socket);

crate::options::datagram_wrapper!(PacketConn);

impl<S: AsSocket> sealed::DatagramSocket for PacketConn<S> {
    fn state(&self) -> &DatagramState {
        &self.state
    }
}

impl<S: fmt::Debug> fmt::Debug for PacketConn<S> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("PacketConn")
            .field("socket", &self.socket)
            .field("raw", &self.raw)
            .field("control_flags", &self.state.flags())
            .finish()
    }
}
