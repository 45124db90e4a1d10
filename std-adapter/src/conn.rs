//! [`Conn`]: the IPv4 options of a stream socket (TCP): type of service and
//! time-to-live.

use std::fmt;
use std::io;
use std::os::fd::{AsFd, BorrowedFd};

use socket2::SockRef;

/// `IP_TOS`, read.
pub(crate) fn tos(fd: BorrowedFd<'_>) -> io::Result<u8> {
    let v = SockRef::from(&fd).tos_v4()?;
    // The kernel stores the TOS in a byte; a larger value would be a bug.
    u8::try_from(v).map_err(|_| io::Error::new(io::ErrorKind::InvalidData, "IP_TOS out of range"))
}

/// `IP_TOS`, set.
pub(crate) fn set_tos(fd: BorrowedFd<'_>, tos: u8) -> io::Result<()> {
    SockRef::from(&fd).set_tos_v4(u32::from(tos))
}

/// `IP_TTL`, read.
pub(crate) fn ttl(fd: BorrowedFd<'_>) -> io::Result<u8> {
    let v = SockRef::from(&fd).ttl_v4()?;
    u8::try_from(v).map_err(|_| io::Error::new(io::ErrorKind::InvalidData, "IP_TTL out of range"))
}

/// `IP_TTL`, set.
pub(crate) fn set_ttl(fd: BorrowedFd<'_>, ttl: u8) -> io::Result<()> {
    SockRef::from(&fd).set_ttl_v4(u32::from(ttl))
}

/// IPv4 options of a connected stream socket, over any socket type that
/// gives out its file descriptor (`S: AsFd`): [`std::net::TcpStream`],
/// [`socket2::Socket`], a borrowed `&TcpStream`, …
///
/// This is Go's `ipv4.Conn`. It owns (or borrows, if `S` is a reference)
/// the socket and hands it back with [`into_inner`](Self::into_inner); it
/// adds no state of its own.
///
/// ```no_run
/// use std::net::TcpStream;
/// use ipv4_std::Conn;
///
/// let conn = Conn::new(TcpStream::connect("192.0.2.1:80")?);
/// conn.set_tos(0x28)?; // DSCP AF11
/// conn.set_ttl(128)?;
/// assert_eq!(conn.tos()?, 0x28);
/// # Ok::<(), std::io::Error>(())
/// ```
pub struct Conn<S> {
    socket: S,
}

impl<S: AsFd> Conn<S> {
    /// Wraps `socket`.
    pub fn new(socket: S) -> Conn<S> {
        Conn { socket }
    }

    /// The wrapped socket.
    pub fn get_ref(&self) -> &S {
        &self.socket
    }

    /// Gives back the socket.
    pub fn into_inner(self) -> S {
        self.socket
    }

    /// The type-of-service byte sent with each packet (`IP_TOS`).
    pub fn tos(&self) -> io::Result<u8> {
        tos(self.socket.as_fd())
    }

    /// Sets the type-of-service byte sent with each packet (`IP_TOS`):
    /// DSCP in the upper six bits, ECN in the lower two. (On TCP the kernel
    /// manages the ECN bits itself.)
    pub fn set_tos(&self, tos: u8) -> io::Result<()> {
        set_tos(self.socket.as_fd(), tos)
    }

    /// The time-to-live of outgoing unicast packets (`IP_TTL`).
    pub fn ttl(&self) -> io::Result<u8> {
        ttl(self.socket.as_fd())
    }

    /// Sets the time-to-live of outgoing unicast packets (`IP_TTL`).
    /// Linux rejects 0 with an [`InvalidInput`](io::ErrorKind::InvalidInput)
    /// error.
    pub fn set_ttl(&self, ttl: u8) -> io::Result<()> {
        set_ttl(self.socket.as_fd(), ttl)
    }
}

impl<S: AsFd> From<S> for Conn<S> {
    fn from(socket: S) -> Conn<S> {
        Conn::new(socket)
    }
}

impl<S: AsFd> AsFd for Conn<S> {
    fn as_fd(&self) -> BorrowedFd<'_> {
        self.socket.as_fd()
    }
}

impl<S: fmt::Debug> fmt::Debug for Conn<S> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Conn")
            .field("socket", &self.socket)
            .finish()
    }
}
