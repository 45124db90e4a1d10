//! [`RawOptions`]: options only raw sockets have.

#[cfg(any(target_os = "linux", target_os = "android"))]
use std::io;

use super::sealed;
#[cfg(any(target_os = "linux", target_os = "android"))]
use crate::sys;

/// Options of raw sockets ([`ip(7)`], [`raw(7)`]): seeing forwarded packets
/// that carry Router Alert (`IP_ROUTER_ALERT`), and sending fragments
/// past connection tracking's reassembly (`IP_NODEFRAG`): for
/// [`RawConn`](crate::RawConn).
///
/// ```no_run
/// use ipv4_std::prelude::*;
/// use ipv4_std::socket2::{Domain, Protocol, Socket, Type};
///
/// // An RSVP daemon (protocol 46) on a router (needs CAP_NET_RAW).
/// let socket = Socket::new(Domain::IPV4, Type::RAW, Some(Protocol::from(46)))?;
/// let conn = RawConn::new(socket)?;
/// conn.set_router_alert(true)?;
/// assert!(conn.router_alert()?);
/// # Ok::<(), std::io::Error>(())
/// ```
///
/// [`ip(7)`]: https://man7.org/linux/man-pages/man7/ip.7.html
/// [`raw(7)`]: https://man7.org/linux/man-pages/man7/raw.7.html
pub trait RawOptions: sealed::Socket {
    /// Whether the socket takes the forwarded packets that carry Router
    /// Alert (`IP_ROUTER_ALERT`).
    #[cfg(any(target_os = "linux", target_os = "android"))]
    #[cfg_attr(docsrs, doc(cfg(any(target_os = "linux", target_os = "android"))))]
    fn router_alert(&self) -> io::Result<bool> {
        super::get_ip_flag(self.socket(), sys::IP_ROUTER_ALERT)
    }

    /// Hands the socket every packet of its protocol that this host would
    /// forward and that carries the Router Alert option ([RFC 2113]; RSVP,
    /// IGMP and MLD daemons) (`IP_ROUTER_ALERT`). The kernel then does
    /// *not* forward those packets: the daemon sends them on itself. Turning
    /// it on or off when it already is so does nothing.
    ///
    /// # Errors
    ///
    /// `EINVAL` ([`InvalidInput`](io::ErrorKind::InvalidInput)) on a raw
    /// socket of protocol `IPPROTO_RAW` (255), which receives nothing.
    ///
    /// [RFC 2113]: https://www.rfc-editor.org/rfc/rfc2113
    #[cfg(any(target_os = "linux", target_os = "android"))]
    #[cfg_attr(docsrs, doc(cfg(any(target_os = "linux", target_os = "android"))))]
    fn set_router_alert(&self, on: bool) -> io::Result<()> {
        // The kernel keeps a list of such sockets and refuses to add one
        // twice (EADDRINUSE) or remove one absent (ENOBUFS); both are the
        // state asked for.
        if self.router_alert()? == on {
            return Ok(());
        }
        super::set_ip_flag(self.socket(), sys::IP_ROUTER_ALERT, on)
    }

    /// Whether the fragments the socket sends skip netfilter's
    /// reassembly (`IP_NODEFRAG`).
    #[cfg(any(target_os = "linux", target_os = "android"))]
    #[cfg_attr(docsrs, doc(cfg(any(target_os = "linux", target_os = "android"))))]
    fn nodefrag(&self) -> io::Result<bool> {
        super::get_ip_flag(self.socket(), sys::IP_NODEFRAG)
    }

    /// Lets the fragments the socket sends (a header-included datagram
    /// with More Fragments or an offset) leave as they are, not held and
    /// reassembled by connection tracking's defragmentation on output
    /// (`nf_defrag_ipv4`; [`ip(7)`]: "the reassembly of outbound packets is
    /// disabled in the netfilter layer") (`IP_NODEFRAG`). Only matters in a
    /// namespace where netfilter uses connection tracking; fragments
    /// received are reassembled before any raw socket sees them either way.
    ///
    /// [`ip(7)`]: https://man7.org/linux/man-pages/man7/ip.7.html
    #[cfg(any(target_os = "linux", target_os = "android"))]
    #[cfg_attr(docsrs, doc(cfg(any(target_os = "linux", target_os = "android"))))]
    fn set_nodefrag(&self, on: bool) -> io::Result<()> {
        super::set_ip_flag(self.socket(), sys::IP_NODEFRAG, on)
    }
}
