//! [`BindingOptions`]: which local addresses and ports a socket may bind,
//! for proxies and for clients that open many connections.

use std::fmt;
use std::io;

use super::{get_ip_flag, invalid_data, sealed, set_ip_flag};
use crate::sys;

/// The range of local ports the kernel picks from when it chooses one for
/// a socket (`IP_LOCAL_PORT_RANGE`, Linux 6.3): at `bind` to port 0, at
/// `connect` of an unbound socket, or at `connect` after
/// [`set_bind_address_no_port`](BindingOptions::set_bind_address_no_port).
///
/// It narrows the namespace's range (`net.ipv4.ip_local_port_range`): the
/// kernel picks from the overlap of the two, and from the namespace's
/// range alone when they do not overlap. A bound of 0 leaves that end to
/// the namespace; [`PortRange::UNSET`] (0, 0) is the default.
///
/// The kernel takes the range as one 32-bit value, the low bound in the
/// low 16 bits and the high bound in the high 16
/// ([`to_bits`](Self::to_bits)).
///
/// ```
/// use ipv4_std::prelude::*;
///
/// let range = PortRange::new(40_000, 40_099)?;
/// assert_eq!((range.low(), range.high()), (40_000, 40_099));
/// assert_eq!(range.to_bits(), (40_099 << 16) | 40_000);
/// assert!(PortRange::new(2000, 1000).is_err()); // low above high
/// # Ok::<(), std::io::Error>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub struct PortRange {
    low: u16,
    high: u16,
}

impl PortRange {
    /// No range of the socket's own (0, 0): the namespace's range applies.
    pub const UNSET: PortRange = PortRange { low: 0, high: 0 };

    /// The ports `low..=high`; either bound 0 leaves that end to the
    /// namespace's range.
    ///
    /// # Errors
    ///
    /// [`InvalidInput`](io::ErrorKind::InvalidInput) when both bounds are
    /// set and `low` is above `high`, which the kernel refuses (`EINVAL`).
    pub fn new(low: u16, high: u16) -> io::Result<PortRange> {
        if low != 0 && high != 0 && low > high {
            return Err(io::Error::new(
                io::ErrorKind::InvalidInput,
                format!(
                    "the local port range {low}-{high} is empty: its low bound is above its high bound"
                ),
            ));
        }
        Ok(PortRange { low, high })
    }

    /// The low bound; 0 when unset.
    pub const fn low(self) -> u16 {
        self.low
    }

    /// The high bound; 0 when unset.
    pub const fn high(self) -> u16 {
        self.high
    }

    /// Whether `port` is in the range (an unset bound does not limit).
    pub const fn contains(self, port: u16) -> bool {
        (self.low == 0 || port >= self.low) && (self.high == 0 || port <= self.high)
    }

    /// The value the kernel takes: `high << 16 | low`.
    pub const fn to_bits(self) -> u32 {
        ((self.high as u32) << 16) | self.low as u32
    }

    /// The range the kernel reported as `bits`; `None` when the low bound
    /// is above the high one (which the kernel never stores).
    pub fn from_bits(bits: u32) -> Option<PortRange> {
        PortRange::new(bits as u16, (bits >> 16) as u16).ok()
    }
}

impl fmt::Display for PortRange {
    /// `40000-40099`; an unset bound is `*` (`*-*` for
    /// [`UNSET`](PortRange::UNSET)).
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let bound = |f: &mut fmt::Formatter<'_>, b: u16| {
            if b == 0 {
                f.write_str("*")
            } else {
                write!(f, "{b}")
            }
        };
        bound(f, self.low)?;
        f.write_str("-")?;
        bound(f, self.high)
    }
}

/// Which local addresses and ports a socket may bind ([`ip(7)`]): binding
/// an address the host does not have (`IP_FREEBIND`), acting as a
/// transparent proxy (`IP_TRANSPARENT`), leaving the port to `connect`
/// (`IP_BIND_ADDRESS_NO_PORT`) and the range the kernel picks ports from
/// (`IP_LOCAL_PORT_RANGE`): for [`Conn`](crate::Conn),
/// [`PacketConn`](crate::PacketConn) and [`RawConn`](crate::RawConn).
/// Linux only.
///
/// Set these before `bind`, so on a socket wrapped unbound (a
/// [`socket2::Socket`], say) and bound afterwards through
/// [`get_ref`](crate::Conn::get_ref).
///
/// ```
/// use ipv4_std::prelude::*;
/// use socket2::{Domain, Socket, Type};
/// use std::net::{Ipv4Addr, SocketAddrV4};
///
/// let conn = Conn::new(Socket::new(Domain::IPV4, Type::STREAM, None)?)?;
/// conn.set_freebind(true)?;
/// // An address this host does not have: bind succeeds with IP_FREEBIND.
/// let addr = SocketAddrV4::new(Ipv4Addr::new(203, 0, 113, 77), 0);
/// conn.get_ref().bind(&addr.into())?;
/// assert!(conn.freebind()?);
/// # Ok::<(), std::io::Error>(())
/// ```
///
/// [`ip(7)`]: https://man7.org/linux/man-pages/man7/ip.7.html
/// [`socket2::Socket`]: https://docs.rs/socket2/0.6/socket2/struct.Socket.html
#[cfg(any(target_os = "linux", target_os = "android"))]
#[cfg_attr(docsrs, doc(cfg(any(target_os = "linux", target_os = "android"))))]
pub trait BindingOptions: sealed::Socket {
    /// Whether the socket may bind an address that is not (yet) local
    /// (`IP_FREEBIND`).
    fn freebind(&self) -> io::Result<bool> {
        get_ip_flag(self.socket(), sys::IP_FREEBIND)
    }

    /// Lets the socket bind an address that is not (yet) local, such as
    /// one of an interface that is down or an address to be added later
    /// (`IP_FREEBIND`; any user). The namespace-wide switch is the sysctl
    /// `net.ipv4.ip_nonlocal_bind`.
    fn set_freebind(&self, on: bool) -> io::Result<()> {
        set_ip_flag(self.socket(), sys::IP_FREEBIND, on)
    }

    /// Whether the socket is transparent (`IP_TRANSPARENT`).
    fn transparent(&self) -> io::Result<bool> {
        get_ip_flag(self.socket(), sys::IP_TRANSPARENT)
    }

    /// Makes the socket transparent (`IP_TRANSPARENT`): it may bind a
    /// non-local address and receive connections and datagrams for
    /// addresses that are not local, as the `TPROXY` target of nftables
    /// or iptables redirects them; its own packets may carry a non-local
    /// source.
    ///
    /// # Errors
    ///
    /// [`PermissionDenied`](io::ErrorKind::PermissionDenied) (`EPERM`)
    /// without `CAP_NET_ADMIN` or `CAP_NET_RAW`.
    fn set_transparent(&self, on: bool) -> io::Result<()> {
        set_ip_flag(self.socket(), sys::IP_TRANSPARENT, on)
    }

    /// Whether `bind` leaves the port to `connect`
    /// (`IP_BIND_ADDRESS_NO_PORT`).
    fn bind_address_no_port(&self) -> io::Result<bool> {
        get_ip_flag(self.socket(), sys::IP_BIND_ADDRESS_NO_PORT)
    }

    /// Makes a `bind` to port 0 take the address only, leaving the port to
    /// be chosen at `connect`, with the destination known
    /// (`IP_BIND_ADDRESS_NO_PORT`): a client with many connections from
    /// one source address then reuses a port toward different
    /// destinations instead of running out of ports. `getsockname` reports
    /// port 0 until `connect`.
    fn set_bind_address_no_port(&self, on: bool) -> io::Result<()> {
        set_ip_flag(self.socket(), sys::IP_BIND_ADDRESS_NO_PORT, on)
    }

    /// The socket's own local port range (`IP_LOCAL_PORT_RANGE`, Linux
    /// 6.3); [`PortRange::UNSET`] when none was set.
    ///
    /// # Errors
    ///
    /// `ENOPROTOOPT` before Linux 6.3;
    /// [`InvalidData`](io::ErrorKind::InvalidData) if the kernel reported
    /// a range whose low bound is above its high one.
    fn local_port_range(&self) -> io::Result<PortRange> {
        let (bits, _) =
            sys::getsockopt::<u32>(self.socket(), sys::IPPROTO_IP, sys::IP_LOCAL_PORT_RANGE)?;
        PortRange::from_bits(bits).ok_or_else(|| {
            invalid_data(format!(
                "IP_LOCAL_PORT_RANGE reported {bits:#010x}, an empty range"
            ))
        })
    }

    /// Sets the range of ports the kernel picks from for this socket
    /// (`IP_LOCAL_PORT_RANGE`, Linux 6.3); see [`PortRange`].
    ///
    /// # Errors
    ///
    /// `ENOPROTOOPT` before Linux 6.3.
    fn set_local_port_range(&self, range: PortRange) -> io::Result<()> {
        sys::setsockopt(
            self.socket(),
            sys::IPPROTO_IP,
            sys::IP_LOCAL_PORT_RANGE,
            &range.to_bits(),
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn port_range_packs_low_in_the_low_half() {
        let r = PortRange::new(1000, 2000).unwrap();
        assert_eq!(r.to_bits(), 2000 << 16 | 1000);
        assert_eq!(PortRange::from_bits(r.to_bits()), Some(r));
        assert_eq!(PortRange::from_bits(1000 << 16 | 2000), None);
        assert_eq!(PortRange::from_bits(0), Some(PortRange::UNSET));
        assert_eq!(r.to_string(), "1000-2000");
        assert_eq!(PortRange::new(0, 5).unwrap().to_string(), "*-5");
        assert!(r.contains(1000) && r.contains(2000) && !r.contains(2001));
        assert!(PortRange::new(5, 0).unwrap().contains(65535));
        let e = PortRange::new(2, 1).unwrap_err();
        assert_eq!(e.kind(), io::ErrorKind::InvalidInput);
        assert!(PortRange::new(7, 7).is_ok());
    }
}
