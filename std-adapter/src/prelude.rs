//! Everything a program using the wrappers needs, in one import:
//! `use ipv4_std::prelude::*;` brings the option traits into scope (so that
//! `conn.set_ttl(…)` resolves) and names the wrapper types and the types
//! their methods take and return. With the `tokio` feature it also names
//! the async wrappers, `AsyncPacketConn` and `AsyncRawConn`.
//!
//! ```
//! use std::net::{Ipv4Addr, UdpSocket};
//! use ipv4_std::prelude::*;
//!
//! let conn = PacketConn::new(UdpSocket::bind((Ipv4Addr::LOCALHOST, 0))?)?;
//! conn.set_control_message(ControlFlags::TTL, true)?;
//! conn.set_multicast_interface(MulticastInterface::Index(0))?;
//! # Ok::<(), std::io::Error>(())
//! ```

pub use crate::ipv4_core::options::OptionsArea;
#[cfg(any(target_os = "linux", target_os = "android"))]
pub use crate::options::FilterOptions;
#[cfg(any(target_os = "linux", target_os = "android"))]
pub use crate::options::SourceFilter;
#[cfg(any(target_os = "linux", target_os = "android"))]
pub use crate::options::{BindingOptions, PacketOptions, PortRange};
pub use crate::options::{
    ControlMessageOptions, HeaderOptions, MulticastInterface, MulticastOptions, RawOptions,
    RoutingOptions, SocketFacts, UnicastOptions,
};
#[cfg(any(target_os = "linux", target_os = "android"))]
pub use crate::options::{ErrorQueueOptions, MessageTooLarge, PathMtuOptions, PmtuDiscovery};
#[cfg(all(feature = "tokio", unix))]
#[cfg_attr(docsrs, doc(cfg(feature = "tokio")))]
pub use crate::tokio::{AsyncPacketConn, AsyncRawConn};
pub use crate::{
    Conn, ControlFlags, ControlMessage, Datagram, IcmpFilter, IcmpType, Interface, MessageFlags,
    PacketConn, RawConn,
};
