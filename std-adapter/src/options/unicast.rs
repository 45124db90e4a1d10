//! [`UnicastOptions`]: type of service and time-to-live.

use std::io;

use socket2::SockRef;

use super::{byte_value, sealed};

/// Type of service and time-to-live of a socket's unicast packets
/// (`IP_TOS`, `IP_TTL`, [`ip(7)`]): for [`Conn`](crate::Conn),
/// [`PacketConn`](crate::PacketConn) and [`RawConn`](crate::RawConn).
///
/// Datagrams a [`RawConn`](crate::RawConn) sends carry the TOS and TTL of
/// their own header instead.
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
/// # Ok::<(), std::io::Error>(())
/// ```
///
/// [`ip(7)`]: https://man7.org/linux/man-pages/man7/ip.7.html
pub trait UnicastOptions: sealed::Socket {
    /// The type-of-service byte sent with each packet (`IP_TOS`).
    fn tos(&self) -> io::Result<u8> {
        // The kernel stores the TOS in a byte; a larger value would be a bug.
        byte_value(SockRef::from(&self.socket()).tos_v4()?, "IP_TOS")
    }

    /// Sets the type-of-service byte sent with each packet (`IP_TOS`): DSCP
    /// in the upper six bits, ECN in the lower two. (On TCP the kernel
    /// manages the ECN bits itself.)
    fn set_tos(&self, tos: u8) -> io::Result<()> {
        SockRef::from(&self.socket()).set_tos_v4(u32::from(tos))
    }

    /// The time-to-live of outgoing unicast packets (`IP_TTL`).
    fn ttl(&self) -> io::Result<u8> {
        byte_value(SockRef::from(&self.socket()).ttl_v4()?, "IP_TTL")
    }

    /// Sets the time-to-live of outgoing unicast packets (`IP_TTL`). Linux
    /// rejects 0 with an [`InvalidInput`](io::ErrorKind::InvalidInput)
    /// error.
    fn set_ttl(&self, ttl: u8) -> io::Result<()> {
        SockRef::from(&self.socket()).set_ttl_v4(u32::from(ttl))
    }
}
