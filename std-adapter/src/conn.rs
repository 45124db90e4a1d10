//! [`Conn`]: the IPv4 options of a stream socket (TCP): type of service and
//! time-to-live ([`UnicastOptions`]); and the socket check every wrapper's
//! constructor makes.

use std::fmt;
use std::io;
use std::net::{SocketAddrV4, TcpStream};

use socket2::{SockAddr, SockRef, Socket};

#[cfg(doc)]
use crate::options::UnicastOptions;
use crate::sys::{self, AsSocket, BorrowedSocket};

/// `TryFrom` for `$wrapper` over each socket type given, owned and
/// borrowed: the wrapper's `new`, as each wrapper's docs say.
macro_rules! try_from_sockets {
    ($wrapper:ident: $($socket:ty),+) => {
        $(
            impl TryFrom<$socket> for $wrapper<$socket> {
                type Error = std::io::Error;

                #[doc = concat!("[`", stringify!($wrapper), "::new`].")]
                fn try_from(socket: $socket) -> std::io::Result<$wrapper<$socket>> {
                    $wrapper::new(socket)
                }
            }

            impl<'a> TryFrom<&'a $socket> for $wrapper<&'a $socket> {
                type Error = std::io::Error;

                #[doc = concat!(
                    "[`", stringify!($wrapper), "::new`] over a borrowed `",
                    stringify!($socket), "`."
                )]
                fn try_from(socket: &'a $socket) -> std::io::Result<$wrapper<&'a $socket>> {
                    $wrapper::new(socket)
                }
            }
        )+
    };
}
pub(crate) use try_from_sockets;

/// The address an `AF_INET` socket's kernel call returned, as IPv4.
fn ipv4_address(addr: SockAddr, call: &str) -> io::Result<SocketAddrV4> {
    addr.as_socket_ipv4().ok_or_else(|| {
        io::Error::new(
            io::ErrorKind::InvalidData,
            format!("{call} returned an address that is not IPv4 for an AF_INET socket"),
        )
    })
}

/// The socket's own address (`getsockname(2)`).
pub(crate) fn local_addr(fd: BorrowedSocket<'_>) -> io::Result<SocketAddrV4> {
    ipv4_address(SockRef::from(&fd).local_addr()?, "getsockname")
}

/// The connected peer's address (`getpeername(2)`).
pub(crate) fn peer_addr(fd: BorrowedSocket<'_>) -> io::Result<SocketAddrV4> {
    ipv4_address(SockRef::from(&fd).peer_addr()?, "getpeername")
}

/// The socket types a wrapper takes (the family is always `AF_INET`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Accept {
    /// Any type: the options of [`Conn`] apply to every IPv4 socket.
    AnyType,
    /// `SOCK_DGRAM` or `SOCK_RAW`: [`PacketConn`](crate::PacketConn).
    DatagramOrRaw,
    /// `SOCK_RAW` only: [`RawConn`](crate::RawConn).
    Raw,
}

/// Checks that `fd` is an `AF_INET` socket of a type `accept` takes, for the
/// wrapper named `wrapper`, and returns what it is. The one check of every
/// wrapper's constructor.
///
/// # Errors
///
/// [`InvalidInput`](io::ErrorKind::InvalidInput) naming the family or type
/// found (or saying `fd` is not a socket); the `getsockopt` error otherwise.
pub(crate) fn check_socket(
    fd: BorrowedSocket<'_>,
    wrapper: &str,
    accept: Accept,
) -> io::Result<sys::SocketKind> {
    let kind = sys::SocketKind::of(fd).map_err(|e| match e.kind() {
        io::ErrorKind::InvalidInput => io::Error::new(
            io::ErrorKind::InvalidInput,
            format!("a {wrapper} needs an IPv4 socket: {e}"),
        ),
        _ => e,
    })?;
    if !kind.is_ipv4() {
        return Err(io::Error::new(
            io::ErrorKind::InvalidInput,
            format!(
                "a {wrapper} needs an IPv4 socket (AF_INET); this one is {}",
                kind.family_name()
            ),
        ));
    }
    let (ok, wanted) = match accept {
        Accept::AnyType => (true, ""),
        Accept::DatagramOrRaw => (
            kind.is_datagram() || kind.is_raw(),
            "a datagram or raw socket (SOCK_DGRAM or SOCK_RAW)",
        ),
        Accept::Raw => (kind.is_raw(), "a raw socket (SOCK_RAW)"),
    };
    if !ok {
        return Err(io::Error::new(
            io::ErrorKind::InvalidInput,
            format!(
                "a {wrapper} needs {wanted}; this one is {}",
                kind.type_name()
            ),
        ));
    }
    Ok(kind)
}

/// IPv4 options of a connected stream socket, over any socket type that
/// gives out its file descriptor (`S: AsFd`): [`std::net::TcpStream`],
/// [`socket2::Socket`], a borrowed `&TcpStream`, …
///
/// It owns (or borrows, if `S` is a reference)
/// the socket and hands it back with [`into_inner`](Self::into_inner); it
/// adds no state of its own. Because wrapping checks the socket and can
/// fail, it is built with [`new`](Self::new) or `TryFrom`
/// ([`TcpStream`], [`socket2::Socket`], or a reference to either).
///
/// ```
/// use std::net::{Ipv4Addr, TcpListener, TcpStream};
/// use ipv4_std::prelude::*;
///
/// let listener = TcpListener::bind((Ipv4Addr::LOCALHOST, 0))?;
/// let conn = Conn::new(TcpStream::connect(listener.local_addr()?)?)?;
/// conn.set_tos(0x28)?; // DSCP AF11
/// conn.set_ttl(128)?;
/// assert_eq!((conn.tos()?, conn.ttl()?), (0x28, 128));
/// let stream: TcpStream = conn.into_inner();
/// # drop(stream);
/// # Ok::<(), std::io::Error>(())
/// ```
///
/// [`socket2::Socket`]: https://docs.rs/socket2/0.6/socket2/struct.Socket.html
pub struct Conn<S> {
    socket: S,
}

impl<S: AsSocket> Conn<S> {
    /// Wraps `socket`, after asking the kernel for its family and type
    /// (`SO_DOMAIN`, `SO_TYPE`).
    ///
    /// The family must be `AF_INET`. Any type is taken: `IP_TOS` and
    /// `IP_TTL` apply to every IPv4 socket, so a TCP stream, a listener
    /// (whose accepted connections inherit the options) or a datagram socket
    /// all work; [`PacketConn`](crate::PacketConn) gives datagram sockets
    /// more.
    ///
    /// # Errors
    ///
    /// [`InvalidInput`](io::ErrorKind::InvalidInput) naming the family found
    /// if `socket` is not an IPv4 socket (an `AF_INET6` one, whose IPv4
    /// options would govern only IPv4-mapped traffic, included), or if it is
    /// not a socket at all; the `getsockopt` error otherwise. An owned
    /// socket is dropped (closed) on error.
    pub fn new(socket: S) -> io::Result<Conn<S>> {
        check_socket(sys::borrow(&socket), "Conn", Accept::AnyType)?;
        Ok(Conn { socket })
    }

    /// The wrapped socket.
    pub fn get_ref(&self) -> &S {
        &self.socket
    }

    /// Gives back the socket.
    pub fn into_inner(self) -> S {
        self.socket
    }

    /// The socket's own address (`getsockname(2)`): as
    /// [`TcpStream::local_addr`], typed IPv4.
    ///
    /// # Errors
    ///
    /// The `getsockname` error.
    pub fn local_addr(&self) -> io::Result<SocketAddrV4> {
        local_addr(sys::borrow(&self.socket))
    }

    /// The address of the connected peer (`getpeername(2)`): as
    /// [`TcpStream::peer_addr`], typed IPv4.
    ///
    /// # Errors
    ///
    /// [`NotConnected`](io::ErrorKind::NotConnected) on a socket that is
    /// not connected (a listener, an unconnected datagram socket); the
    /// `getpeername` error otherwise.
    pub fn peer_addr(&self) -> io::Result<SocketAddrV4> {
        peer_addr(sys::borrow(&self.socket))
    }
}

try_from_sockets!(Conn: TcpStream, Socket);

crate::options::socket_wrapper!(Conn);
#[cfg(any(target_os = "linux", target_os = "android"))]
impl<S: AsSocket> crate::options::PacketOptions for Conn<S> {}

impl<S: fmt::Debug> fmt::Debug for Conn<S> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Conn")
            .field("socket", &self.socket)
            .finish()
    }
}
