//! [`SocketFacts`]: what the kernel says a socket is, read-only.

use std::io;

#[cfg(ipv4_std_so_protocol)]
use ipv4_core::header::Protocol;

use super::{get_ip_flag, sealed};
use crate::sys;

/// Read-only facts about a socket, as the kernel reports them: its IP
/// protocol and whether it sends its own IPv4 headers (`IP_HDRINCL`): for
/// [`Conn`](crate::Conn), [`PacketConn`](crate::PacketConn) and
/// [`RawConn`](crate::RawConn).
///
/// (The family and type, `SO_DOMAIN` and `SO_TYPE`, are checked once, by
/// every wrapper's constructor: a wrapper always holds an `AF_INET`
/// socket of a type it serves.)
///
/// ```
/// use std::net::UdpSocket;
/// use ipv4_std::ipv4_core::header::Protocol;
/// use ipv4_std::prelude::*;
///
/// let conn = PacketConn::new(UdpSocket::bind("127.0.0.1:0")?)?;
/// assert_eq!(conn.protocol()?, Protocol::UDP);
/// assert!(!conn.header_included()?);
/// # Ok::<(), std::io::Error>(())
/// ```
pub trait SocketFacts: sealed::Socket {
    /// The socket's IP protocol: the protocol number given to `socket(2)`,
    /// or the one the type implies (UDP for a datagram socket opened with
    /// 0, TCP for a stream).
    ///
    /// It reads `SO_PROTOCOL`. Linux's `IP_PROTOCOL` (6.1) is not used: it
    /// reports the socket's `inet_num`, which is the protocol for a raw
    /// socket but the local port for a bound TCP or UDP socket (and 0
    /// before `bind`).
    ///
    /// # Errors
    ///
    /// [`InvalidData`](io::ErrorKind::InvalidData) for a number above 255.
    #[cfg(ipv4_std_so_protocol)]
    #[cfg_attr(
        docsrs,
        doc(cfg(any(target_os = "linux", target_os = "android", target_os = "freebsd")))
    )]
    fn protocol(&self) -> io::Result<Protocol> {
        let p = sys::get_int(self.socket(), sys::SOL_SOCKET, sys::SO_PROTOCOL)?;
        u8::try_from(p).map(Protocol).map_err(|_| {
            super::invalid_data(format!(
                "SO_PROTOCOL reported {p}, which is not an IP protocol number"
            ))
        })
    }

    /// Whether the socket sends datagrams with the IPv4 header the caller
    /// wrote (`IP_HDRINCL`): always on for a [`RawConn`](crate::RawConn),
    /// which turns it on; on for a raw socket of protocol `IPPROTO_RAW`;
    /// off for every other.
    fn header_included(&self) -> io::Result<bool> {
        get_ip_flag(self.socket(), sys::IP_HDRINCL)
    }
}
