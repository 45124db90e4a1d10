//! [`RoutingOptions`]: which packets a socket accepts by hop count, and which
//! interface its unicast packets leave by.

#[cfg(ipv4_std_minttl)]
use std::io;

#[cfg(any(target_os = "linux", target_os = "android"))]
use super::interface_index;
use super::sealed;
#[cfg(ipv4_std_minttl)]
use crate::sys;

/// Routing options ([`ip(7)`]): the Generalized TTL Security
/// Mechanism of [RFC 5082] (`IP_MINTTL`) and the outgoing interface of
/// unicast packets (`IP_UNICAST_IF`): for [`Conn`](crate::Conn),
/// [`PacketConn`](crate::PacketConn) and [`RawConn`](crate::RawConn).
///
/// ```
/// use std::net::{Ipv4Addr, TcpListener};
/// use ipv4_std::prelude::*;
///
/// // A BGP speaker accepts only directly connected peers (RFC 5082 §3).
/// let listener = TcpListener::bind((Ipv4Addr::LOCALHOST, 0))?;
/// let conn = Conn::new(std::net::TcpStream::connect(listener.local_addr()?)?)?;
/// conn.set_ttl(255)?;
/// conn.set_min_ttl(255)?;
/// assert_eq!(conn.min_ttl()?, 255);
///
/// let lo = ipv4_std::InterfaceRef::from("lo").index()?;
/// conn.set_unicast_interface(Some(lo))?;
/// assert_eq!(conn.unicast_interface()?, Some(lo));
/// # Ok::<(), std::io::Error>(())
/// ```
///
/// [`ip(7)`]: https://man7.org/linux/man-pages/man7/ip.7.html
/// [RFC 5082]: https://www.rfc-editor.org/rfc/rfc5082
pub trait RoutingOptions: sealed::Socket {
    /// The smallest TTL a received packet may have to be delivered to the
    /// socket (`IP_MINTTL`); 0 when the check is off.
    #[cfg(ipv4_std_minttl)]
    #[cfg_attr(
        docsrs,
        doc(cfg(any(target_os = "linux", target_os = "android", target_os = "freebsd")))
    )]
    fn min_ttl(&self) -> io::Result<u8> {
        super::byte_value(super::get_ip(self.socket(), sys::IP_MINTTL)?, "IP_MINTTL")
    }

    /// Drops received packets whose TTL is below `min_ttl` before they
    /// reach the socket (`IP_MINTTL`, [RFC 5082] GTSM: with 255, only
    /// packets from directly connected peers that sent with TTL 255 get
    /// through). 0 turns the check off. Linux applies it to TCP, to every
    /// segment of a connection and to the handshake on a listener (whose
    /// connections inherit it); UDP and raw sockets get their datagrams
    /// whatever the TTL.
    ///
    /// [RFC 5082]: https://www.rfc-editor.org/rfc/rfc5082
    #[cfg(ipv4_std_minttl)]
    #[cfg_attr(
        docsrs,
        doc(cfg(any(target_os = "linux", target_os = "android", target_os = "freebsd")))
    )]
    fn set_min_ttl(&self, min_ttl: u8) -> io::Result<()> {
        super::set_ip(self.socket(), sys::IP_MINTTL, sys::c_int::from(min_ttl))
    }

    /// The interface the socket's unicast packets leave by, by index
    /// (`IP_UNICAST_IF`); `None` when routing chooses.
    #[cfg(any(target_os = "linux", target_os = "android"))]
    #[cfg_attr(docsrs, doc(cfg(any(target_os = "linux", target_os = "android"))))]
    fn unicast_interface(&self) -> io::Result<Option<u32>> {
        let index = sys::unicast_if(self.socket())?;
        Ok((index != 0).then_some(index))
    }

    /// Sends the socket's unicast packets out of the interface with index
    /// `index` (`IP_UNICAST_IF`), whatever the routing table prefers for
    /// the destination; `None` gives the choice back to routing. Unlike
    /// binding to a device (`SO_BINDTODEVICE`) it leaves receiving alone
    /// and needs no privilege.
    ///
    /// (The kernel takes the index in network byte order for IPv4; this
    /// method converts it.)
    ///
    /// # Errors
    ///
    /// [`InvalidInput`](io::ErrorKind::InvalidInput) before the system call
    /// for an index above `i32::MAX`; `EADDRNOTAVAIL`
    /// ([`AddrNotAvailable`](io::ErrorKind::AddrNotAvailable)) for an index
    /// no interface of the socket's namespace has; `EINVAL` on a socket
    /// bound to another device.
    #[cfg(any(target_os = "linux", target_os = "android"))]
    #[cfg_attr(docsrs, doc(cfg(any(target_os = "linux", target_os = "android"))))]
    fn set_unicast_interface(&self, index: Option<u32>) -> io::Result<()> {
        let index = interface_index(index.unwrap_or(0))?;
        sys::set_unicast_if(self.socket(), index)
    }
}
