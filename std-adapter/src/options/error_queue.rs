//! [`ErrorQueueOptions`]: the socket's error queue (`IP_RECVERR`,
//! `IP_RECVERR_RFC4884`).

use std::io;

use super::{get_ip_flag, sealed, set_ip_flag};
use crate::sys;

/// Whether errors are queued on the socket (`IP_RECVERR`) and whether the
/// kernel looks for RFC 4884 extensions in the ICMP errors it queues
/// (`IP_RECVERR_RFC4884`), [`ip(7)`]: for [`PacketConn`](crate::PacketConn)
/// and [`RawConn`](crate::RawConn). Linux only.
///
/// The queue is read with
/// [`PacketConn::recv_error`](crate::PacketConn::recv_error) (see
/// [`errqueue`](crate::errqueue)).
///
/// ```
/// use std::net::UdpSocket;
/// use ipv4_std::prelude::*;
///
/// let conn = PacketConn::new(UdpSocket::bind("127.0.0.1:0")?)?;
/// conn.set_recv_errors(true)?;
/// conn.set_recv_errors_rfc4884(true)?;
/// assert!(conn.recv_errors()? && conn.recv_errors_rfc4884()?);
/// # Ok::<(), std::io::Error>(())
/// ```
///
/// [`ip(7)`]: https://man7.org/linux/man-pages/man7/ip.7.html
#[cfg_attr(docsrs, doc(cfg(any(target_os = "linux", target_os = "android"))))]
pub trait ErrorQueueOptions: sealed::Socket {
    /// Whether errors are queued on the socket's error queue
    /// (`IP_RECVERR`).
    fn recv_errors(&self) -> io::Result<bool> {
        get_ip_flag(self.socket(), sys::IP_RECVERR)
    }

    /// Turns the error queue on or off (`IP_RECVERR`).
    ///
    /// On, every ICMP error for the socket's datagrams (port unreachable,
    /// time exceeded, fragmentation needed, …) and local errors (a send
    /// larger than the path MTU) are queued with their details, and the
    /// socket polls with `POLLERR` while the queue holds one. On UDP it
    /// also makes the errors of unconnected sockets visible: without it
    /// Linux reports ICMP errors to connected sockets only, as the errno of
    /// the next call. Turning it off empties the queue.
    fn set_recv_errors(&self, on: bool) -> io::Result<()> {
        set_ip_flag(self.socket(), sys::IP_RECVERR, on)
    }

    /// Whether the kernel finds RFC 4884 extensions in queued ICMP errors
    /// (`IP_RECVERR_RFC4884`).
    fn recv_errors_rfc4884(&self) -> io::Result<bool> {
        get_ip_flag(self.socket(), sys::IP_RECVERR_RFC4884)
    }

    /// Asks the kernel (Linux 5.9 and later) to look for an [RFC 4884]
    /// extension structure after the original datagram in each ICMP
    /// destination unreachable, time exceeded or parameter problem it
    /// queues, and to say where it starts
    /// ([`ErrorQueueEntry::extensions`](crate::errqueue::ErrorQueueEntry::extensions)
    /// decodes it).
    ///
    /// [RFC 4884]: https://www.rfc-editor.org/rfc/rfc4884
    fn set_recv_errors_rfc4884(&self, on: bool) -> io::Result<()> {
        set_ip_flag(self.socket(), sys::IP_RECVERR_RFC4884, on)
    }
}
