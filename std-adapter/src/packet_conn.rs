//! [`PacketConn`]: an IPv4 datagram socket (UDP, ICMP "ping" datagram, or
//! raw without `IP_HDRINCL`) with per-datagram control messages, and its
//! unicast options.
//!
//! The multicast surface is in [`multicast`](crate::multicast), the BPF
//! surface in [`bpf`](crate::bpf); both are methods of [`PacketConn`] too.

use std::fmt;
use std::io::{self, IoSlice, IoSliceMut};
use std::net::{SocketAddr, SocketAddrV4, UdpSocket};
use std::os::fd::{AsFd, BorrowedFd};
use std::sync::atomic::{AtomicU8, AtomicU64, Ordering};
use std::sync::{Mutex, PoisonError};

use ipv4_core::control::{ControlFlags, ControlMessage};
use ipv4_core::icmp::IcmpFilter;
use libc::c_int;
use socket2::Socket;

use crate::cmsg::{self, ControlBuffer};
use crate::conn::{self, Accept};
use crate::received::{self, Datagram};
use crate::sys;

/// `ICMP_FILTER` from `<linux/icmp.h>` (not in the libc crate).
const ICMP_FILTER: c_int = 1;

/// State a datagram wrapper keeps next to its socket: the enabled control
/// flags and the multicast interface last set by index (which Linux cannot
/// report back). Shared by every datagram wrapper of the crate.
pub(crate) struct DatagramState {
    flags: AtomicU8,
    /// Serialises `set_control_message`, so that the kernel options and
    /// `flags` change together.
    flags_lock: Mutex<()>,
    /// `INDEX_SET | index` when the multicast interface was last set by
    /// index, 0 otherwise.
    pub(crate) multicast_if: AtomicU64,
}

/// Marks a recorded multicast interface index in `DatagramState::multicast_if`.
pub(crate) const INDEX_SET: u64 = 1 << 32;

const PKTINFO_FLAGS: ControlFlags = ControlFlags::DST.union(ControlFlags::INTERFACE);

impl DatagramState {
    /// Starts from what the kernel has enabled on `fd` already (a socket
    /// configured before it was wrapped keeps its control messages).
    pub(crate) fn read_from(fd: BorrowedFd<'_>) -> DatagramState {
        let on = |name| sys::get_int(fd, libc::IPPROTO_IP, name).is_ok_and(|v| v != 0);
        let mut flags = ControlFlags::empty();
        flags.set(ControlFlags::TTL, on(libc::IP_RECVTTL));
        flags.set(PKTINFO_FLAGS, on(libc::IP_PKTINFO));
        flags.set(ControlFlags::TOS, on(libc::IP_RECVTOS));
        DatagramState {
            flags: AtomicU8::new(flags.bits()),
            flags_lock: Mutex::new(()),
            multicast_if: AtomicU64::new(0),
        }
    }

    /// The enabled control flags.
    #[inline]
    pub(crate) fn flags(&self) -> ControlFlags {
        ControlFlags::from_bits_retain(self.flags.load(Ordering::Relaxed))
    }

    /// Turns `flags` on or off, driving `IP_RECVTTL`, `IP_PKTINFO` and
    /// `IP_RECVTOS` as needed.
    pub(crate) fn set_control_message(
        &self,
        fd: BorrowedFd<'_>,
        flags: ControlFlags,
        on: bool,
    ) -> io::Result<()> {
        let _guard = self
            .flags_lock
            .lock()
            .unwrap_or_else(PoisonError::into_inner);
        let mut current = self.flags();
        let wanted = if on { current | flags } else { current - flags };
        let steps = [
            (ControlFlags::TTL, libc::IP_RECVTTL),
            (PKTINFO_FLAGS, libc::IP_PKTINFO),
            (ControlFlags::TOS, libc::IP_RECVTOS),
        ];
        let mut result = Ok(());
        for (group, option) in steps {
            let was = current.intersects(group);
            let will = wanted.intersects(group);
            if was != will
                && let Err(e) = sys::set_int(fd, libc::IPPROTO_IP, option, c_int::from(will))
            {
                result = Err(e);
                break;
            }
            current = (current - group) | (wanted & group);
        }
        if result.is_ok() {
            current.set(ControlFlags::SRC, wanted.contains(ControlFlags::SRC));
        }
        self.flags.store(current.bits(), Ordering::Relaxed);
        result
    }
}

impl fmt::Debug for DatagramState {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("DatagramState")
            .field("flags", &self.flags())
            .finish_non_exhaustive()
    }
}

/// An IPv4 datagram socket with control messages: Go's `ipv4.PacketConn`.
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
/// use ipv4_std::{ControlFlags, ControlMessage, PacketConn};
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
    pub(crate) state: DatagramState,
}

impl<S: AsFd> PacketConn<S> {
    /// Wraps `socket`.
    ///
    /// It asks the kernel (`getsockopt`) for the socket's family and type
    /// (`SO_DOMAIN`, `SO_TYPE`), and which control messages are on already
    /// (`IP_RECVTTL`, `IP_PKTINFO`, `IP_RECVTOS`), so that a configured
    /// socket keeps its settings.
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
        let kind = conn::check_socket(socket.as_fd(), "PacketConn", Accept::DatagramOrRaw)?;
        Ok(PacketConn::checked(socket, kind.is_raw()))
    }

    /// Wraps a socket [`conn::check_socket`] accepted; `raw` tells whether
    /// it is `SOCK_RAW`.
    pub(crate) fn checked(socket: S, raw: bool) -> PacketConn<S> {
        let state = DatagramState::read_from(socket.as_fd());
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
        conn::local_addr(self.socket.as_fd())
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
        conn::peer_addr(self.socket.as_fd())
    }

    /// Whether the socket is raw (`SOCK_RAW`): its datagrams arrive with
    /// their IPv4 header.
    pub(crate) fn is_raw(&self) -> bool {
        self.raw
    }

    /// The type-of-service byte sent with each datagram (`IP_TOS`).
    pub fn tos(&self) -> io::Result<u8> {
        conn::tos(self.socket.as_fd())
    }

    /// Sets the type-of-service byte sent with each datagram (`IP_TOS`):
    /// DSCP in the upper six bits, ECN in the lower two.
    pub fn set_tos(&self, tos: u8) -> io::Result<()> {
        conn::set_tos(self.socket.as_fd(), tos)
    }

    /// The time-to-live of outgoing unicast datagrams (`IP_TTL`).
    pub fn ttl(&self) -> io::Result<u8> {
        conn::ttl(self.socket.as_fd())
    }

    /// Sets the time-to-live of outgoing unicast datagrams (`IP_TTL`).
    /// Linux rejects 0 with an [`InvalidInput`](io::ErrorKind::InvalidInput)
    /// error.
    pub fn set_ttl(&self, ttl: u8) -> io::Result<()> {
        conn::set_ttl(self.socket.as_fd(), ttl)
    }

    /// The control messages currently enabled.
    pub fn control_flags(&self) -> ControlFlags {
        self.state.flags()
    }

    /// Turns the control messages in `flags` on (`on = true`) or off, leaving
    /// the others as they are.
    ///
    /// * [`ControlFlags::TTL`] drives `IP_RECVTTL`.
    /// * [`ControlFlags::DST`] and [`ControlFlags::INTERFACE`] share
    ///   `IP_PKTINFO`: it stays on while either flag is on (unlike Go, turning
    ///   one off does not silently turn the other off).
    /// * [`ControlFlags::TOS`] drives `IP_RECVTOS`.
    /// * [`ControlFlags::SRC`] needs no kernel option: the source is the
    ///   datagram's address.
    ///
    /// A received [`ControlMessage`] holds exactly the enabled fields.
    ///
    /// # Errors
    ///
    /// The `setsockopt` error; the flags switched before it stay switched.
    pub fn set_control_message(&self, flags: ControlFlags, on: bool) -> io::Result<()> {
        self.state
            .set_control_message(self.socket.as_fd(), flags, on)
    }

    /// Receives one datagram into `buf` (`recvmsg(2)`): its data, sender,
    /// control messages and flags, as a [`Datagram`] borrowing `buf`.
    ///
    /// The control message holds the fields enabled with
    /// [`set_control_message`](Self::set_control_message) (and is empty when
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
        let enabled = self.state.flags();
        let mut control = ControlBuffer::new();
        let r = sys::recvmsg(
            self.socket.as_fd(),
            &mut [IoSliceMut::new(buf)],
            control.as_mut_bytes(),
            libc::MSG_TRUNC,
        )?;
        let raw = received::Raw {
            buf,
            returned: r.len,
            control: control.as_bytes().get(..r.control_len).unwrap_or_default(),
            source: r.source,
            flags: r.flags,
        };
        Ok(raw.into_datagram(enabled, self.raw))
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
    pub fn send_to(
        &self,
        buf: &[u8],
        cm: Option<&ControlMessage>,
        dst: impl Into<SocketAddr>,
    ) -> io::Result<usize> {
        let dst = ipv4_destination(dst.into())?;
        let mut control = ControlBuffer::new();
        let len = match cm {
            Some(cm) => cmsg::encode(cm, control.as_mut_bytes())?,
            None => 0,
        };
        sys::sendmsg(
            self.socket.as_fd(),
            &[IoSlice::new(buf)],
            Some(dst),
            &control.as_bytes()[..len],
            0,
        )
    }

    /// The ICMP type filter of a raw ICMP socket (`ICMP_FILTER` at level
    /// `SOL_RAW`, [`raw(7)`]).
    ///
    /// # Errors
    ///
    /// `EOPNOTSUPP` on a socket that is not raw ICMP.
    ///
    /// [`raw(7)`]: https://man7.org/linux/man-pages/man7/raw.7.html
    pub fn icmp_filter(&self) -> io::Result<IcmpFilter> {
        icmp_filter(self.socket.as_fd())
    }

    /// Sets the ICMP type filter of a raw ICMP socket (`ICMP_FILTER` at
    /// level `SOL_RAW`, [`raw(7)`]): the kernel drops received ICMP messages
    /// whose type the filter blocks before they reach this socket.
    ///
    /// # Errors
    ///
    /// `EOPNOTSUPP` on a raw socket of another protocol, `ENOPROTOOPT` on
    /// a socket that is not raw.
    ///
    /// [`raw(7)`]: https://man7.org/linux/man-pages/man7/raw.7.html
    pub fn set_icmp_filter(&self, filter: IcmpFilter) -> io::Result<()> {
        set_icmp_filter(self.socket.as_fd(), filter)
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

/// `ICMP_FILTER`, read.
pub(crate) fn icmp_filter(fd: BorrowedFd<'_>) -> io::Result<IcmpFilter> {
    let (bits, len) = sys::getsockopt::<u32>(fd, libc::SOL_RAW, ICMP_FILTER)?;
    if len != 4 {
        return Err(io::Error::new(
            io::ErrorKind::InvalidData,
            format!("ICMP_FILTER returned {len} bytes where 4 were expected"),
        ));
    }
    Ok(IcmpFilter::from_bits(bits))
}

/// `ICMP_FILTER`, set.
pub(crate) fn set_icmp_filter(fd: BorrowedFd<'_>, filter: IcmpFilter) -> io::Result<()> {
    sys::setsockopt(fd, libc::SOL_RAW, ICMP_FILTER, &filter.bits())
}

impl TryFrom<UdpSocket> for PacketConn<UdpSocket> {
    type Error = io::Error;

    /// [`PacketConn::new`].
    fn try_from(socket: UdpSocket) -> io::Result<PacketConn<UdpSocket>> {
        PacketConn::new(socket)
    }
}

impl<'a> TryFrom<&'a UdpSocket> for PacketConn<&'a UdpSocket> {
    type Error = io::Error;

    /// [`PacketConn::new`] over a borrowed socket.
    fn try_from(socket: &'a UdpSocket) -> io::Result<PacketConn<&'a UdpSocket>> {
        PacketConn::new(socket)
    }
}

impl TryFrom<Socket> for PacketConn<Socket> {
    type Error = io::Error;

    /// [`PacketConn::new`].
    fn try_from(socket: Socket) -> io::Result<PacketConn<Socket>> {
        PacketConn::new(socket)
    }
}

impl<'a> TryFrom<&'a Socket> for PacketConn<&'a Socket> {
    type Error = io::Error;

    /// [`PacketConn::new`] over a borrowed socket.
    fn try_from(socket: &'a Socket) -> io::Result<PacketConn<&'a Socket>> {
        PacketConn::new(socket)
    }
}

impl<S: AsFd> AsFd for PacketConn<S> {
    fn as_fd(&self) -> BorrowedFd<'_> {
        self.socket.as_fd()
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
