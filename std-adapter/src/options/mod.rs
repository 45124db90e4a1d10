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
//! | [`MulticastOptions`] | `IP_MULTICAST_TTL`, `IP_MULTICAST_LOOP`, `IP_MULTICAST_IF`, the `MCAST_*` membership calls | [`PacketConn`], [`RawConn`] |
//! | [`ControlMessageOptions`] | `IP_RECVTTL`, `IP_PKTINFO`, `IP_RECVTOS` (the control messages received with each datagram) | [`PacketConn`], [`RawConn`] |
//! | [`FilterOptions`] | `ICMP_FILTER`, `SO_ATTACH_FILTER`, `SO_DETACH_FILTER` | [`PacketConn`], [`RawConn`] |
//!
//! Every method is one getter or setter named after its option, and its
//! documentation names the OS option it drives. What belongs to one
//! wrapper only (receiving, sending, [`RawConn`]'s header-included send,
//! batches) stays an inherent method of that wrapper.
//!
//! The traits are sealed: only this crate's wrappers implement them, so new
//! methods can be added without breaking anyone.
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
// 3. A new trait: `impl<S: AsSocket> NewTrait for Wrapper<S> {}` in each
//    wrapper's file, for the wrappers it serves.
// 4. A test in `tests/tests/std_options.rs` (or a file of its own) that
//    reads the kernel's value back.

#[cfg(doc)]
use crate::{Conn, PacketConn, RawConn};

mod control;
#[cfg(any(target_os = "linux", target_os = "android"))]
mod filter;
mod multicast;
mod state;
mod unicast;

pub use control::ControlMessageOptions;
#[cfg(any(target_os = "linux", target_os = "android"))]
pub use filter::FilterOptions;
pub use multicast::{MulticastInterface, MulticastOptions};
pub use unicast::UnicastOptions;

pub(crate) use multicast::interface_index;
pub(crate) use state::DatagramState;

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
