//! The socket options of the wrappers, written once, as sealed extension
//! traits grouped by concern. `use ipv4_std::prelude::*;` brings them all
//! into scope.
//!
//! (These are socket options, set with `setsockopt(2)`; the options of the
//! IPv4 header itself are [`ipv4_core::options`].)
//!
//! | trait | options | implemented by |
//! |---|---|---|
//! | [`UnicastOptions`] | `IP_TOS`, `IP_TTL` | [`Conn`], [`PacketConn`], [`RawConn`] |
//! | [`MulticastOptions`] | `IP_MULTICAST_TTL`, `IP_MULTICAST_LOOP`, `IP_MULTICAST_IF`, `IP_MULTICAST_ALL`, the `MCAST_*` membership calls and their `IP_*` forms by address, `MCAST_MSFILTER`/`IP_MSFILTER` | [`PacketConn`], [`RawConn`] |
//! | [`ControlMessageOptions`] | `IP_RECVTTL`, `IP_PKTINFO`, `IP_RECVTOS`, `IP_RECVOPTS`, `IP_RETOPTS`, `IP_CHECKSUM`, `IP_RECVORIGDSTADDR`, `IP_RECVFRAGSIZE` (the control messages received with each datagram) | [`PacketConn`], [`RawConn`] |
//! | [`FilterOptions`] | `ICMP_FILTER`, `SO_ATTACH_FILTER`, `SO_DETACH_FILTER` | [`PacketConn`], [`RawConn`] |
//! | [`BindingOptions`] | `IP_FREEBIND`, `IP_TRANSPARENT`, `IP_BIND_ADDRESS_NO_PORT`, `IP_LOCAL_PORT_RANGE` (Linux) | [`Conn`], [`PacketConn`], [`RawConn`] |
//! | [`SocketFacts`] | `SO_PROTOCOL` (for `IP_PROTOCOL`), `IP_HDRINCL` (read-only) | [`Conn`], [`PacketConn`], [`RawConn`] |
//! | [`HeaderOptions`] | `IP_OPTIONS` (the header's IP options, as the core's [`OptionsArea`](ipv4_core::options::OptionsArea)) | [`Conn`], [`PacketConn`], [`RawConn`] |
//! | [`RoutingOptions`] | `IP_MINTTL`, `IP_UNICAST_IF` | [`Conn`], [`PacketConn`], [`RawConn`] |
//! | [`RawOptions`] | `IP_ROUTER_ALERT`, `IP_NODEFRAG` | [`RawConn`] |
//! | [`ErrorQueueOptions`] (Linux) | `IP_RECVERR`, `IP_RECVERR_RFC4884` | [`PacketConn`], [`RawConn`] |
//! | [`PathMtuOptions`] (Linux) | `IP_MTU_DISCOVER`, `IP_MTU`, `IP_RECVFRAGSIZE` | [`PacketConn`], [`RawConn`] |
//! | [`PacketOptions`] (Linux) | `IP_PKTOPTIONS` (with `IP_PKTINFO`, `IP_RECVTTL`, `IP_RECVTOS` on a stream socket) | [`Conn`] |
//!
//! Every method is one getter or setter named after its option, and its
//! documentation names the OS option it drives. What belongs to one
//! wrapper only (receiving, sending, [`RawConn`]'s header-included send,
//! batches) stays an inherent method of that wrapper.
//!
//! The traits are sealed: only this crate's wrappers implement them, so new
//! methods can be added without breaking anyone.
//!
//! # Options left out
//!
//! Three IPv4-level options of Linux belong to other subsystems and have
//! no method here: `IP_IPSEC_POLICY` and `IP_XFRM_POLICY` (a socket's
//! IPsec policy, the xfrm subsystem's) and `IP_PASSSEC` (the sender's
//! security label, `SCM_SECURITY`, the Linux security modules', like
//! `SO_PEERSEC`). The README's option table lists every option with its
//! method and test.
//!
//! ```
//! use std::net::{Ipv4Addr, UdpSocket};
//! use ipv4_std::prelude::*;
//!
//! let conn = PacketConn::new(UdpSocket::bind((Ipv4Addr::LOCALHOST, 0))?)?;
//! conn.set_ttl(9)?; // UnicastOptions
//! conn.set_multicast_ttl(4)?; // MulticastOptions
//! conn.set_control_message(ControlFlags::TTL, true)?; // ControlMessageOptions
//! assert_eq!((conn.ttl()?, conn.multicast_ttl()?), (9, 4));
//! # Ok::<(), std::io::Error>(())
//! ```

// Adding an option (for contributors; this module is the one place the
// wrappers' options are written):
//
// 1. The OS layer: if the option needs a number or a structure, add it to
//    each family module under `sys/` (`sys/linux.rs`, …), under the same
//    name in each; a family that lacks it leaves it out.
// 2. One getter/setter pair in the trait of its concern (a new file here,
//    e.g. `binding.rs` for `IP_FREEBIND`/`IP_BIND_ADDRESS_NO_PORT`, or
//    `path_mtu.rs` for `IP_MTU_DISCOVER`/`IP_MTU`, with its trait
//    re-exported below and in `crate::prelude`), as a provided method
//    over `sealed::Socket::socket` (and `sealed::DatagramSocket::state` for
//    wrapper state), documented with the OS option it drives. A platform that lacks it
//    gets `#[cfg(...)]` and `#[doc(cfg(...))]` on the method.
// 3. A new trait: one `impl` line in `socket_wrapper!` (every wrapper) or
//    `datagram_wrapper!` (the datagram wrappers) in `impls.rs`, or in the
//    file of the one wrapper it serves.
// 4. A test in `tests/tests/std_options.rs` (or a file of its own) that
//    reads the kernel's value back.

use std::io;

use crate::sys;
#[cfg(doc)]
use crate::{Conn, PacketConn, RawConn};

#[cfg(any(target_os = "linux", target_os = "android"))]
mod binding;
mod control;
#[cfg(any(target_os = "linux", target_os = "android"))]
mod error_queue;
mod facts;
#[cfg(any(target_os = "linux", target_os = "android"))]
mod filter;
mod header_options;
mod impls;
mod multicast;
#[cfg(any(target_os = "linux", target_os = "android"))]
mod packet_options;
#[cfg(any(target_os = "linux", target_os = "android"))]
mod path_mtu;
mod raw;
mod routing;
#[cfg(any(target_os = "linux", target_os = "android"))]
mod source_filter;
mod state;
mod unicast;

#[cfg(any(target_os = "linux", target_os = "android"))]
pub use binding::{BindingOptions, PortRange};
pub use control::ControlMessageOptions;
#[cfg(any(target_os = "linux", target_os = "android"))]
pub use error_queue::ErrorQueueOptions;
pub use facts::SocketFacts;
#[cfg(any(target_os = "linux", target_os = "android"))]
pub use filter::FilterOptions;
pub use header_options::HeaderOptions;
pub use multicast::{MulticastInterface, MulticastOptions};
#[cfg(any(target_os = "linux", target_os = "android"))]
pub use packet_options::PacketOptions;
#[cfg(any(target_os = "linux", target_os = "android"))]
pub(crate) use path_mtu::explain_send_error;

/// Elsewhere a send error is passed on as the kernel gave it (there is no
/// path MTU to explain it with).
#[cfg(not(any(target_os = "linux", target_os = "android")))]
pub(crate) fn explain_send_error(
    _fd: crate::sys::BorrowedSocket<'_>,
    e: std::io::Error,
    _len: usize,
    _destination: Option<std::net::SocketAddrV4>,
) -> std::io::Error {
    e
}
#[cfg(any(target_os = "linux", target_os = "android"))]
pub use path_mtu::{MessageTooLarge, PathMtuOptions, PmtuDiscovery};
pub use raw::RawOptions;
pub use routing::RoutingOptions;
#[cfg(any(target_os = "linux", target_os = "android"))]
pub use source_filter::SourceFilter;
pub use unicast::UnicastOptions;

pub(crate) use impls::{datagram_wrapper, socket_wrapper};
pub(crate) use multicast::interface_index;
pub(crate) use state::DatagramState;

/// An `IPPROTO_IP` option's `int` value.
#[cfg(any(target_os = "linux", target_os = "android", ipv4_std_minttl))]
fn get_ip(fd: sys::BorrowedSocket<'_>, name: sys::c_int) -> io::Result<sys::c_int> {
    sys::get_int(fd, sys::IPPROTO_IP, name)
}

/// Sets an `IPPROTO_IP` option's `int` value.
#[cfg(any(target_os = "linux", target_os = "android", ipv4_std_minttl))]
fn set_ip(fd: sys::BorrowedSocket<'_>, name: sys::c_int, value: sys::c_int) -> io::Result<()> {
    sys::set_int(fd, sys::IPPROTO_IP, name, value)
}

/// Whether an on/off `IPPROTO_IP` option is on.
fn get_ip_flag(fd: sys::BorrowedSocket<'_>, name: sys::c_int) -> io::Result<bool> {
    sys::get_int(fd, sys::IPPROTO_IP, name).map(|v| v != 0)
}

/// Turns an on/off `IPPROTO_IP` option on or off.
#[cfg(any(target_os = "linux", target_os = "android"))]
fn set_ip_flag(fd: sys::BorrowedSocket<'_>, name: sys::c_int, on: bool) -> io::Result<()> {
    set_ip(fd, name, sys::c_int::from(on))
}

/// An [`InvalidData`](io::ErrorKind::InvalidData) error: the kernel
/// reported a value this crate cannot take.
fn invalid_data(msg: impl Into<Box<dyn std::error::Error + Send + Sync>>) -> io::Error {
    io::Error::new(io::ErrorKind::InvalidData, msg)
}

/// The byte an option holds (a TTL, a TOS), as the kernel reported it
/// wider; `InvalidData` naming the option if it does not fit.
fn byte_value<T: TryInto<u8>>(value: T, option: &str) -> io::Result<u8> {
    value
        .try_into()
        .map_err(|_| invalid_data(format!("{option} out of range")))
}

/// The sealed supertraits: how an option method reaches a wrapper's
/// socket and state. Public in a private module, so nothing outside the
/// crate can implement the option traits.
pub(crate) mod sealed {
    use crate::sys::BorrowedSocket;

    /// A wrapper of one socket.
    pub trait Socket {
        /// The socket, borrowed (a file descriptor on Unix).
        fn socket(&self) -> BorrowedSocket<'_>;
    }

    /// A datagram wrapper, which keeps state beside its socket.
    pub trait DatagramSocket: Socket {
        /// The control flags enabled and the multicast interface last set
        /// by index.
        fn state(&self) -> &super::DatagramState;
    }
}
