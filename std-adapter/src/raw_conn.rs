//! [`RawConn`]: a raw IPv4 socket in header-included mode (`IP_HDRINCL`).
//!
//! Receiving yields the whole datagram as the kernel delivered it: a
//! [`HeaderView`] (options included) and the payload, both borrowing the
//! caller's buffer. Sending takes a [`Header`] (or a [`HeaderView`]) and a
//! payload and hands both to `sendmsg(2)` as two iovecs, so the payload is
//! never copied next to the header.
//!
//! Its options (TOS/TTL, control messages, multicast, ICMP filter, BPF) are
//! the traits of [`options`](crate::options), as for [`PacketConn`], which
//! a `RawConn` wraps.

use std::fmt;
use std::io::{self, IoSlice};
use std::net::SocketAddrV4;

use ipv4_core::checksum::Policy;
use ipv4_core::control::ControlMessage;
use ipv4_core::error::HeaderError;
use ipv4_core::header::{self, ByteOrder, Header, HeaderView, RawFormat};
use socket2::Socket;

use crate::cmsg::{self, ControlBuffer};
use crate::conn::{self, Accept};
#[cfg(all(doc, any(target_os = "linux", target_os = "android")))]
use crate::options::FilterOptions;
use crate::options::sealed::Socket as _;
use crate::options::{DatagramState, RawOptions, sealed};
#[cfg(doc)]
use crate::options::{MulticastOptions, UnicastOptions};
use crate::packet_conn::PacketConn;
use crate::received::Datagram;
use crate::sys::{self, AsSocket};

/// The error of a receive into `len` bytes, too few for any IPv4 header.
pub(crate) fn short_buffer(len: usize) -> io::Error {
    invalid_input(format!(
        "a receive buffer of {len} bytes cannot hold an IPv4 header ({} bytes at least)",
        header::MIN_LEN
    ))
}

/// A raw IPv4 socket that sends and receives whole datagrams, header
/// included.
///
/// [`new`](Self::new) takes a `SOCK_RAW` `AF_INET` socket (of any
/// protocol; `IPPROTO_RAW`, 255, can only send) and turns `IP_HDRINCL` on
/// ([`raw(7)`]). Opening one needs `CAP_NET_RAW`. The crate re-exports
/// socket2 as [`ipv4_std::socket2`](crate::socket2), so
/// `ipv4_std::socket2::Socket::new(Domain::IPV4, Type::RAW, …)` opens it
/// with no dependency of your own.
///
/// * [`recv`](Self::recv) gives the header view, the payload and the
///   control message of one datagram, all inside the caller's buffer. It
///   does **not** reject a header whose checksum is wrong: Linux fills in
///   Record Route and Timestamp options of received datagrams without
///   updating the checksum. Call
///   [`verify_checksum`](HeaderView::verify_checksum) to check it.
/// * [`send`](Self::send) and [`send_view`](Self::send_view) write a header
///   and a payload with one `sendmsg(2)` and two iovecs. Linux then fills in
///   the checksum and total length always, the source address when it is
///   zero, and the identification when it is zero and Don't Fragment is
///   clear ([`raw(7)`]); every other field, options included, leaves as
///   given. A header the kernel would misread (not version 4, shorter than
///   20 bytes, or fewer bytes than its IHL announces) is refused first.
///
/// Headers are always in the wire format on this side: where the kernel's
/// raw sockets keep the total length and fragment field in host order
/// (macOS and iOS, NetBSD, DragonFly, FreeBSD before 11, told by
/// `kern.osreldate` at run time), both are converted in place on receive
/// and in the copy sent ([`RawFormat`](ipv4_core::header::RawFormat)
/// names the forms).
///
/// Datagrams a `RawConn` sends carry the TOS and TTL of their own header:
/// [`UnicastOptions`] set the socket's, which apply to nothing else it
/// sends, and sent multicast datagrams carry their header's TTL too. The
/// interface [`set_multicast_interface`](MulticastOptions::set_multicast_interface)
/// sets serves a datagram whose header's destination is a group and that
/// has no `if_index` control message.
///
/// Like Linux itself, a raw socket also receives the host's own outgoing
/// datagrams of its protocol (an ICMP socket sees its echo requests); an
/// [ICMP filter](FilterOptions::set_icmp_filter) or a
/// [BPF program](FilterOptions::set_bpf)
/// keeps them out.
///
/// All methods take `&self`: a `RawConn` can be shared between threads.
/// [`get_ref`](Self::get_ref) and [`AsFd`](std::os::fd::AsFd) reach the socket (timeouts,
/// non-blocking mode) and [`into_inner`](Self::into_inner) gives it back.
/// Because wrapping can fail (the socket must be raw IPv4), it is built
/// with [`new`](Self::new) or `TryFrom` ([`socket2::Socket`] or
/// `&Socket`) rather than `From`.
///
/// The example is compiled but not run by `cargo test`: a raw socket needs
/// root (`CAP_NET_RAW`); the kernel tests in `tests/tests/raw_conn.rs` run
/// such round trips as root.
///
/// ```no_run
/// use std::net::Ipv4Addr;
/// use ipv4_std::prelude::*;
/// use ipv4_std::ipv4_core::header::{Flags, Header, Protocol};
/// use socket2::{Domain, Socket, Type};
///
/// let socket = Socket::new(Domain::IPV4, Type::RAW, Some(socket2::Protocol::ICMPV4))?;
/// let conn = RawConn::new(socket)?;
/// // An ICMP echo request to 127.0.0.1 with TOS 0x28, TTL 8 and DF.
/// let header = Header::new(Ipv4Addr::UNSPECIFIED, Ipv4Addr::LOCALHOST, Protocol::ICMP)
///     .with_tos(0x28)
///     .with_ttl(8)
///     .with_flags(Flags::DONT_FRAGMENT);
/// let echo = [8, 0, 0xf7, 0xfe, 0, 1, 0, 0];
/// conn.send(&header, &echo, None)?;
///
/// // Linux also hands a raw socket the host's own outgoing datagrams of its
/// // protocol: on loopback the first one back is likely our request.
/// let mut buf = [0u8; 1500];
/// let d = conn.recv(&mut buf)?;
/// if let Some(header) = d.header {
///     println!("{header}: {} payload bytes", d.payload.len());
/// }
/// # Ok::<(), std::io::Error>(())
/// ```
///
/// [`raw(7)`]: https://man7.org/linux/man-pages/man7/raw.7.html
/// [`socket2::Socket`]: https://docs.rs/socket2/0.6/socket2/struct.Socket.html
pub struct RawConn<S> {
    inner: PacketConn<S>,
}

fn invalid_input(msg: String) -> io::Error {
    io::Error::new(io::ErrorKind::InvalidInput, msg)
}

/// The header of a header-included send, checked by the core's lax view over
/// `bytes` (the header, possibly followed by more): version 4, IHL ≥ 5 and
/// all IHL × 4 header bytes present. The view's
/// [`header_bytes`](HeaderView::header_bytes) are then exactly IHL × 4
/// bytes, so the kernel reads neither payload as options nor a header cut
/// short. The total length is not checked: Linux writes it.
pub(crate) fn sendable_header(bytes: &[u8]) -> Result<HeaderView<&[u8]>, HeaderError> {
    HeaderView::new_lax(bytes)
}

/// Marshals `header` (total length set to cover `payload`) into `out` in
/// the format this kernel's raw sockets take (`sys::raw_formats`: the wire
/// format but on the BSDs that keep `ip_len` and `ip_off` in host order)
/// and returns the checked header bytes, as [`RawConn::send`] sends them.
pub(crate) fn marshal_for_send<'o>(
    header: &Header,
    payload: &[u8],
    out: &'o mut [u8; header::MAX_LEN],
) -> Result<HeaderView<&'o [u8]>, HeaderError> {
    let mut header = *header;
    header.set_payload_len(payload.len())?;
    let len = header.emit_with(out, sys::raw_formats().send, Policy::Enforce)?;
    sendable_header(out.get(..len).unwrap_or_default())
}

/// Whether this kernel takes header-included sends in the wire format, so
/// that a header view can be sent as it is.
#[inline]
pub(crate) fn sends_wire_format() -> bool {
    matches!(sys::raw_formats().send, RawFormat::Wire)
}

/// Whether this kernel hands raw sockets headers in the wire format, so
/// that received bytes need no rewriting.
#[inline]
pub(crate) fn receives_wire_format() -> bool {
    matches!(sys::raw_formats().recv, RawFormat::Wire)
}

fn read_u16(order: ByteOrder, b: [u8; 2]) -> u16 {
    match order {
        ByteOrder::Big => u16::from_be_bytes(b),
        ByteOrder::Little => u16::from_le_bytes(b),
    }
}

/// Rewrites the total length (bytes 2–3) and the flags/fragment word
/// (6–7) of a checked wire-format `header` in the order this kernel takes
/// on send; nothing to do where that is the wire format.
pub(crate) fn to_send_format(header: &mut [u8]) {
    from_wire(sys::raw_formats().send, header);
}

/// Rewrites the two fields of a wire-format `header` in `format`.
pub(crate) fn from_wire(format: RawFormat, header: &mut [u8]) {
    if matches!(format, RawFormat::Wire) || header.len() < header::MIN_LEN {
        return;
    }
    for at in [2, 6] {
        let v = u16::from_be_bytes([header[at], header[at + 1]]);
        let b = match format.byte_order() {
            ByteOrder::Big => v.to_be_bytes(),
            ByteOrder::Little => v.to_le_bytes(),
        };
        header[at..at + 2].copy_from_slice(&b);
    }
}

/// Turns the header at the start of a datagram received on a raw socket
/// into the wire format, in place, from the format this kernel hands out
/// (`sys::raw_formats().recv`: the BSDs' host-order fields, and a total
/// length without the header on macOS, NetBSD and DragonFly); nothing to
/// do where that is the wire format. Bytes too short for a header are
/// left alone (the view reports them).
pub(crate) fn from_recv_format(data: &mut [u8]) {
    to_wire(sys::raw_formats().recv, data);
}

/// Rewrites the two fields of a header in `format` (at the start of
/// `data`) in the wire format.
pub(crate) fn to_wire(format: RawFormat, data: &mut [u8]) {
    if matches!(format, RawFormat::Wire) || data.len() < header::MIN_LEN {
        return;
    }
    let order = format.byte_order();
    let mut total = read_u16(order, [data[2], data[3]]);
    if format.length_excludes_header() {
        total = total.saturating_add(u16::from(data[0] & 0x0f) * 4);
    }
    let fragment = read_u16(order, [data[6], data[7]]);
    data[2..4].copy_from_slice(&total.to_be_bytes());
    data[6..8].copy_from_slice(&fragment.to_be_bytes());
}

impl<S: AsSocket> RawConn<S> {
    /// Wraps a raw IPv4 socket and turns header inclusion on (`IP_HDRINCL`
    /// set to 1).
    ///
    /// It first asks the kernel for the socket's type and family
    /// (`SO_TYPE`, `SO_DOMAIN`) and reads which control messages are on
    /// already (`IP_RECVTTL`, `IP_PKTINFO`, `IP_RECVTOS`,
    /// `IP_RECVORIGDSTADDR`).
    ///
    /// # Errors
    ///
    /// [`InvalidInput`](io::ErrorKind::InvalidInput), naming the family or
    /// type found, if `socket` is not an `AF_INET` `SOCK_RAW` socket; the
    /// `getsockopt`/`setsockopt` error otherwise.
    /// The socket is dropped (closed) on error.
    pub fn new(socket: S) -> io::Result<RawConn<S>> {
        let fd = sys::borrow(&socket);
        conn::check_socket(fd, "RawConn", Accept::Raw)?;
        sys::set_int(fd, sys::IPPROTO_IP, sys::IP_HDRINCL, 1)?;
        Ok(RawConn {
            inner: PacketConn::checked(socket, true),
        })
    }

    /// The wrapped socket.
    pub fn get_ref(&self) -> &S {
        self.inner.get_ref()
    }

    /// Gives back the socket. Its kernel options, `IP_HDRINCL` included,
    /// stay as they are.
    pub fn into_inner(self) -> S {
        self.inner.into_inner()
    }

    /// Receives one datagram into `buf` (`recvmsg(2)`): its header view,
    /// its payload, its sender, control messages and flags, all borrowing
    /// `buf` ([`PacketConn::recv_from`] on a raw socket).
    ///
    /// A datagram longer than `buf` is truncated (the rest is lost, as
    /// with any datagram socket): [`Datagram::is_truncated`] says so, the
    /// header view [`is_truncated`](HeaderView::is_truncated) too, and
    /// [`Datagram::len`] gives the full length. 65 535 bytes hold any IPv4
    /// datagram. Should the buffer not even hold the whole header (one with
    /// options, into less than 60 bytes), the datagram still comes back,
    /// with [`Datagram::header_error`] set and all its bytes as the payload.
    ///
    /// # Errors
    ///
    /// * [`InvalidInput`](io::ErrorKind::InvalidInput), before any system
    ///   call, if `buf` is shorter than 20 bytes (the smallest header).
    /// * The `recvmsg` error (`WouldBlock` on a non-blocking socket or a
    ///   timeout).
    pub fn recv<'b>(&self, buf: &'b mut [u8]) -> io::Result<Datagram<'b>> {
        if buf.len() < header::MIN_LEN {
            return Err(short_buffer(buf.len()));
        }
        self.inner.recv_from(buf)
    }

    /// Sends `header` and `payload` as one datagram (`sendmsg(2)` with two
    /// iovecs), and returns the bytes sent, header included.
    ///
    /// The header is marshalled in wire format into a 60-byte array on the
    /// stack with its total length set to `header_len() + payload.len()`
    /// (Linux would write that value anyway). Source 0.0.0.0 lets the
    /// kernel choose the source, identification 0 (without Don't Fragment)
    /// the identification.
    ///
    /// `cm`, when given:
    /// * `dst` overrides where the datagram is routed; the header's
    ///   destination is still what the datagram carries. Without it the
    ///   header's destination routes.
    /// * `src` and `if_index` go in an `IP_PKTINFO` message: the route is
    ///   looked up from that source and through that interface, and a zero
    ///   header source becomes `src`.
    /// * `ttl` and `tos` go in `IP_TTL`/`IP_TOS` messages, which Linux
    ///   ignores here: the header's fields are sent.
    ///
    /// # Errors
    ///
    /// [`InvalidInput`](io::ErrorKind::InvalidInput), before any system
    /// call, with the [`HeaderError`] as the source, if the header does not
    /// marshal (see [`Header::emit`]), is not version 4, or header and
    /// payload exceed 65 535 bytes; also for an interface index above
    /// `i32::MAX` in `cm`. The `sendmsg` error otherwise, e.g. `EMSGSIZE`
    /// for a datagram larger than the route's MTU with Don't Fragment set.
    pub fn send(
        &self,
        header: &Header,
        payload: &[u8],
        cm: Option<&ControlMessage>,
    ) -> io::Result<usize> {
        let mut bytes = [0u8; header::MAX_LEN];
        let view = marshal_for_send(header, payload, &mut bytes)
            .map_err(|e| io::Error::new(io::ErrorKind::InvalidInput, e))?;
        self.send_parts(view.header_bytes(), view.destination(), payload, cm)
    }

    /// Sends the header bytes of `header` as they are, then `payload`, as
    /// one datagram (`sendmsg(2)` with two iovecs); returns the bytes sent.
    ///
    /// Nothing is copied: forwarding a received [`Datagram`] `d` is
    /// `send_view(&header, d.payload, None)` with `header` its header view. Linux still fills in the
    /// checksum and total length. `cm` works as for [`send`](Self::send).
    ///
    /// The view is checked again, since
    /// [`new_unchecked`](HeaderView::new_unchecked) builds one over any
    /// bytes: its buffer must hold a version-4 header of at least 20 bytes
    /// and all IHL × 4 bytes the IHL announces; exactly those are sent.
    ///
    /// # Errors
    ///
    /// [`InvalidInput`](io::ErrorKind::InvalidInput), before any system
    /// call, with the [`HeaderError`] as the source, for a view that breaks
    /// those rules (Linux would send a view of 10 bytes as a payload-only
    /// datagram to 0.0.0.0, take payload bytes for the options an IHL
    /// announces, or send a version-6 header nobody receives); also for an
    /// interface index above `i32::MAX` in `cm`. The `sendmsg` error
    /// otherwise.
    pub fn send_view<B: AsRef<[u8]>>(
        &self,
        header: &HeaderView<B>,
        payload: &[u8],
        cm: Option<&ControlMessage>,
    ) -> io::Result<usize> {
        let view = sendable_header(header.as_bytes())
            .map_err(|e| io::Error::new(io::ErrorKind::InvalidInput, e))?;
        if sends_wire_format() {
            return self.send_parts(view.header_bytes(), view.destination(), payload, cm);
        }
        let mut copy = [0u8; header::MAX_LEN];
        let bytes = view.header_bytes();
        let copy = &mut copy[..bytes.len()];
        copy.copy_from_slice(bytes);
        to_send_format(copy);
        self.send_parts(copy, view.destination(), payload, cm)
    }

    fn send_parts(
        &self,
        header: &[u8],
        destination: std::net::Ipv4Addr,
        payload: &[u8],
        cm: Option<&ControlMessage>,
    ) -> io::Result<usize> {
        let mut control = ControlBuffer::new();
        let control_len = match cm {
            Some(cm) => cmsg::encode_for(cm, control.as_mut_bytes(), true)?,
            None => 0,
        };
        let dst = cm.and_then(|cm| cm.dst).unwrap_or(destination);
        sys::sendmsg(
            self.socket(),
            &[IoSlice::new(header), IoSlice::new(payload)],
            Some(SocketAddrV4::new(dst, 0)),
            control.as_bytes().get(..control_len).unwrap_or_default(),
            0,
        )
    }

    /// The socket's own address (`getsockname(2)`); as
    /// [`PacketConn::local_addr`]. Linux reports the protocol number as the
    /// port.
    ///
    /// # Errors
    ///
    /// The `getsockname` error.
    pub fn local_addr(&self) -> io::Result<SocketAddrV4> {
        conn::local_addr(self.socket())
    }

    /// The address the socket is connected to (`getpeername(2)`). Linux
    /// answers [`NotConnected`](io::ErrorKind::NotConnected) for a raw
    /// socket even after `connect`: it keeps no peer port, which
    /// `getpeername` requires.
    ///
    /// # Errors
    ///
    /// The `getpeername` error.
    pub fn peer_addr(&self) -> io::Result<SocketAddrV4> {
        conn::peer_addr(self.socket())
    }
}

crate::conn::try_from_sockets!(RawConn: Socket);

crate::options::datagram_wrapper!(RawConn);

impl<S: AsSocket> sealed::DatagramSocket for RawConn<S> {
    fn state(&self) -> &DatagramState {
        sealed::DatagramSocket::state(&self.inner)
    }
}

impl<S: AsSocket> RawOptions for RawConn<S> {}

impl<S: fmt::Debug> fmt::Debug for RawConn<S> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("RawConn")
            .field("conn", &self.inner)
            .finish()
    }
}
