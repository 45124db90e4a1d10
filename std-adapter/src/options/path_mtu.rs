//! [`PathMtuOptions`]: path MTU discovery (`IP_MTU_DISCOVER`), the path
//! MTU of a connected socket (`IP_MTU`) and the fragment size of
//! reassembled datagrams (`IP_RECVFRAGSIZE`); and [`MessageTooLarge`], the
//! error of a send the path MTU refused.

use std::fmt;
use std::io;
use std::net::{Ipv4Addr, SocketAddrV4, UdpSocket};

use ipv4_core::control::ControlFlags;

use super::{get_ip, get_ip_flag, invalid_data, sealed, set_ip};
use crate::sys::{self, BorrowedSocket};

/// Path MTU discovery modes of `IP_MTU_DISCOVER` ([`ip(7)`]): whether
/// the socket sets Don't Fragment, and which MTU bounds its sends.
///
/// [`ip(7)`]: https://man7.org/linux/man-pages/man7/ip.7.html
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum PmtuDiscovery {
    /// `IP_PMTUDISC_DONT`: never set DF; the kernel fragments to the
    /// path MTU.
    Dont,
    /// `IP_PMTUDISC_WANT`: set DF on datagrams that fit the path MTU,
    /// fragment larger ones (the default of UDP sockets unless the
    /// `ip_no_pmtu_disc` sysctl says otherwise).
    Want,
    /// `IP_PMTUDISC_DO`: always set DF; a send larger than the known path
    /// MTU fails with `EMSGSIZE` ([`MessageTooLarge`]).
    Do,
    /// `IP_PMTUDISC_PROBE`: set DF and ignore the path MTU: sends up to the
    /// interface MTU go out, so that a program can probe the path itself
    /// (tracepath).
    Probe,
    /// `IP_PMTUDISC_INTERFACE` (Linux 3.13): use the interface MTU, ignore
    /// path MTU updates, never set DF.
    Interface,
    /// `IP_PMTUDISC_OMIT` (Linux 3.15): as `Interface`, but fragments
    /// datagrams larger than the interface MTU with DF unset, and keeps DF
    /// for the rest.
    Omit,
}

impl PmtuDiscovery {
    /// The `IP_PMTUDISC_*` number.
    pub const fn to_raw(self) -> i32 {
        match self {
            PmtuDiscovery::Dont => sys::IP_PMTUDISC_DONT,
            PmtuDiscovery::Want => sys::IP_PMTUDISC_WANT,
            PmtuDiscovery::Do => sys::IP_PMTUDISC_DO,
            PmtuDiscovery::Probe => sys::IP_PMTUDISC_PROBE,
            PmtuDiscovery::Interface => sys::IP_PMTUDISC_INTERFACE,
            PmtuDiscovery::Omit => sys::IP_PMTUDISC_OMIT,
        }
    }

    /// The mode of an `IP_PMTUDISC_*` number, `None` for an unknown one.
    pub const fn from_raw(raw: i32) -> Option<PmtuDiscovery> {
        Some(match raw {
            sys::IP_PMTUDISC_DONT => PmtuDiscovery::Dont,
            sys::IP_PMTUDISC_WANT => PmtuDiscovery::Want,
            sys::IP_PMTUDISC_DO => PmtuDiscovery::Do,
            sys::IP_PMTUDISC_PROBE => PmtuDiscovery::Probe,
            sys::IP_PMTUDISC_INTERFACE => PmtuDiscovery::Interface,
            sys::IP_PMTUDISC_OMIT => PmtuDiscovery::Omit,
            _ => return None,
        })
    }
}

/// Path MTU discovery and the path MTU (`IP_MTU_DISCOVER`, `IP_MTU`,
/// `IP_RECVFRAGSIZE`, [`ip(7)`]): for [`PacketConn`](crate::PacketConn)
/// and [`RawConn`](crate::RawConn). Linux only.
///
/// ```
/// use std::net::UdpSocket;
/// use ipv4_std::prelude::*;
///
/// let conn = PacketConn::new(UdpSocket::bind("127.0.0.1:0")?)?;
/// conn.set_mtu_discover(PmtuDiscovery::Do)?;
/// assert_eq!(conn.mtu_discover()?, PmtuDiscovery::Do);
/// conn.get_ref().connect("127.0.0.1:9")?;
/// // Loopback (MTU 65536) capped at the largest IPv4 datagram.
/// assert_eq!(conn.path_mtu()?, 65535);
///
/// // Too large for the path: the error says the MTU.
/// let e = conn.send_to(&vec![0; 70_000], None, conn.peer_addr()?).unwrap_err();
/// let too_large = e.get_ref().and_then(|e| e.downcast_ref::<MessageTooLarge>()).unwrap();
/// assert_eq!(too_large.mtu(), Some(65535));
/// # Ok::<(), std::io::Error>(())
/// ```
///
/// [`ip(7)`]: https://man7.org/linux/man-pages/man7/ip.7.html
#[cfg_attr(docsrs, doc(cfg(any(target_os = "linux", target_os = "android"))))]
pub trait PathMtuOptions: sealed::DatagramSocket {
    /// The path MTU discovery mode (`IP_MTU_DISCOVER`).
    ///
    /// # Errors
    ///
    /// The `getsockopt` error; [`InvalidData`](io::ErrorKind::InvalidData)
    /// for a mode this crate does not know.
    fn mtu_discover(&self) -> io::Result<PmtuDiscovery> {
        let raw = get_ip(self.socket(), sys::IP_MTU_DISCOVER)?;
        PmtuDiscovery::from_raw(raw).ok_or_else(|| {
            invalid_data(format!(
                "IP_MTU_DISCOVER is {raw}, a mode this crate does not know"
            ))
        })
    }

    /// Sets the path MTU discovery mode (`IP_MTU_DISCOVER`).
    fn set_mtu_discover(&self, mode: PmtuDiscovery) -> io::Result<()> {
        set_ip(self.socket(), sys::IP_MTU_DISCOVER, mode.to_raw())
    }

    /// The path MTU the kernel knows for the socket's peer (`IP_MTU`): the
    /// route's MTU, lowered by any "fragmentation needed" received for that
    /// destination (RFC 1191).
    ///
    /// # Errors
    ///
    /// [`NotConnected`](io::ErrorKind::NotConnected) (`ENOTCONN`) when the
    /// socket is not connected: the path MTU belongs to a destination.
    fn path_mtu(&self) -> io::Result<u32> {
        let v = get_ip(self.socket(), sys::IP_MTU)?;
        u32::try_from(v).map_err(|_| invalid_data("IP_MTU is negative"))
    }

    /// Whether each reassembled datagram comes with the size of its
    /// largest fragment (`IP_RECVFRAGSIZE`), read from the kernel.
    fn recv_frag_size(&self) -> io::Result<bool> {
        get_ip_flag(self.socket(), sys::IP_RECVFRAGSIZE)
    }

    /// Turns on or off the `IP_RECVFRAGSIZE` control message: the size of
    /// the largest fragment of each datagram the kernel reassembled, in
    /// [`ControlMessage::frag_size`](crate::ControlMessage::frag_size) of
    /// what the receive calls return (datagrams that arrived whole carry
    /// none).
    ///
    /// The same as
    /// [`set_control_message`](crate::options::ControlMessageOptions::set_control_message)`(ControlFlags::FRAG_SIZE, on)`,
    /// which it calls.
    fn set_recv_frag_size(&self, on: bool) -> io::Result<()> {
        self.state()
            .set_control_message(self.socket(), ControlFlags::FRAG_SIZE, on)
    }
}

/// A send refused because the datagram is larger than the MTU it must
/// fit (`EMSGSIZE`), with that MTU.
///
/// The send methods of [`PacketConn`](crate::PacketConn) return it inside
/// the [`io::Error`] (kind [`InvalidInput`](io::ErrorKind::InvalidInput);
/// get it with `e.get_ref()` and `downcast_ref`). Its
/// [`source`](std::error::Error::source) is the kernel's `EMSGSIZE`.
///
/// The MTU is read after the failed send with `IP_MTU`: on the socket
/// itself when it is connected, otherwise on a UDP socket connected to the
/// destination for the purpose, in the calling thread's network namespace
/// (the kernel keeps path MTUs per destination). With
/// [`PmtuDiscovery::Probe`] sends are bounded by the interface MTU instead,
/// which this MTU may exceed.
///
/// With `IP_RECVERR` on, the kernel also queues a local error with the MTU
/// on the socket's error queue
/// ([`ErrorQueueEntry::mtu`](crate::errqueue::ErrorQueueEntry::mtu)).
#[derive(Debug)]
#[cfg_attr(docsrs, doc(cfg(any(target_os = "linux", target_os = "android"))))]
pub struct MessageTooLarge {
    len: usize,
    mtu: Option<u32>,
    destination: Option<SocketAddrV4>,
    os: io::Error,
}

impl MessageTooLarge {
    /// The length of the data that was refused (the IPv4 and transport
    /// headers come on top).
    pub fn len(&self) -> usize {
        self.len
    }

    /// Whether the refused data was empty (it never is).
    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// The path MTU, when the kernel told it.
    pub fn mtu(&self) -> Option<u32> {
        self.mtu
    }

    /// The destination of the send, when known.
    pub fn destination(&self) -> Option<SocketAddrV4> {
        self.destination
    }

    /// The kernel's error (`EMSGSIZE`).
    pub fn os_error(&self) -> &io::Error {
        &self.os
    }
}

impl fmt::Display for MessageTooLarge {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "a datagram of {} bytes", self.len)?;
        if let Some(d) = self.destination {
            write!(f, " to {d}")?;
        }
        match self.mtu {
            Some(mtu) => write!(f, " does not fit the path MTU of {mtu} bytes"),
            None => f.write_str(" is larger than the path MTU"),
        }
    }
}

impl std::error::Error for MessageTooLarge {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        Some(&self.os)
    }
}

/// `e` as a [`MessageTooLarge`] with the path MTU if it is `EMSGSIZE`,
/// unchanged otherwise. `fd` is the socket that failed to send `len` bytes
/// to `destination` (`None`: its peer).
pub(crate) fn explain_send_error(
    fd: BorrowedSocket<'_>,
    e: io::Error,
    len: usize,
    destination: Option<SocketAddrV4>,
) -> io::Error {
    if e.raw_os_error() != Some(sys::EMSGSIZE) {
        return e;
    }
    let own = sys::get_int(fd, sys::IPPROTO_IP, sys::IP_MTU).ok();
    let mtu = match (own, destination) {
        (Some(mtu), _) => u32::try_from(mtu).ok(),
        (None, Some(dst)) => mtu_towards(*dst.ip()),
        (None, None) => None,
    };
    let destination = destination.or_else(|| crate::conn::peer_addr(fd).ok());
    io::Error::new(
        io::ErrorKind::InvalidInput,
        MessageTooLarge {
            len,
            mtu,
            destination,
            os: e,
        },
    )
}

/// The path MTU the kernel knows towards `dst`, read with `IP_MTU` on a UDP
/// socket connected to it (no datagram is sent).
fn mtu_towards(dst: Ipv4Addr) -> Option<u32> {
    let probe = UdpSocket::bind((Ipv4Addr::UNSPECIFIED, 0)).ok()?;
    probe.connect((dst, 9)).ok()?;
    let v = sys::get_int(sys::borrow(&probe), sys::IPPROTO_IP, sys::IP_MTU).ok()?;
    u32::try_from(v).ok()
}
