//! `ipv4-std`: binds [`ipv4_core`] to real sockets.
//!
//! It runs on Linux and Android, macOS and iOS, FreeBSD, NetBSD, OpenBSD,
//! DragonFly, illumos/Solaris and Windows, each with what its kernel
//! offers: the README's platform table lists what works where. A surface a
//! platform lacks is compiled out (the documentation marks it); a call the
//! kernel may refuse at run time returns
//! [`Unsupported`](std::io::ErrorKind::Unsupported). On other targets (wasm,
//! bare metal) the crate does not build: [`ipv4_core`] is the crate there.
//!
//! # Quick start
//!
//! Two UDP sockets on loopback, as any user: the sender sets its TTL and
//! TOS, then overrides both for one datagram with a control message; the
//! receiver asks for each datagram's TTL, TOS, destination and interface.
//!
//! ```
//! use std::net::{Ipv4Addr, SocketAddrV4, UdpSocket};
//! use ipv4_std::prelude::*;
//!
//! let receiver = PacketConn::new(UdpSocket::bind((Ipv4Addr::LOCALHOST, 0))?)?;
//! receiver.set_control_message(
//!     ControlFlags::TTL | ControlFlags::TOS | ControlFlags::DST | ControlFlags::INTERFACE,
//!     true,
//! )?;
//! let to = SocketAddrV4::new(Ipv4Addr::LOCALHOST, receiver.get_ref().local_addr()?.port());
//!
//! let sender = PacketConn::new(UdpSocket::bind((Ipv4Addr::LOCALHOST, 0))?)?;
//! sender.set_ttl(9)?;
//! sender.set_tos(0x28)?; // DSCP AF11
//! sender.send_to(b"one", None, to)?;
//! let just_this_one = ControlMessage { ttl: Some(3), tos: Some(0xb8), ..ControlMessage::default() };
//! sender.send_to(b"two", Some(&just_this_one), to)?;
//!
//! let mut buf = [0u8; 1500];
//! let d = receiver.recv_from(&mut buf)?;
//! assert_eq!(d.payload, b"one");
//! assert_eq!((d.control.ttl, d.control.tos), (Some(9), Some(0x28)));
//! assert_eq!(d.control.dst, Some(Ipv4Addr::LOCALHOST));
//! println!("{} from {}: {}", d.payload.len(), d.source, d.control); // ttl=9 dst=127.0.0.1 ifindex=1 tos=0x28
//!
//! let d = receiver.recv_from(&mut buf)?;
//! assert_eq!((d.payload, d.control.ttl, d.control.tos), (&b"two"[..], Some(3), Some(0xb8)));
//! # Ok::<(), std::io::Error>(())
//! ```
//!
//! The header codec is [`ipv4_core`] (`ipv4_std::ipv4_core::header`,
//! `options`, `igmp`, `checksum`); its crate documentation has a quick start
//! of its own.
//! The examples in `std-adapter/examples/` (listed in the README) show
//! multicast, source-specific multicast, raw sockets and IGMP inside
//! private network namespaces.
//!
//! It re-exports the core as [`ipv4_core`] so that one dependency
//! gives both halves, and the core types its API speaks
//! ([`ControlFlags`], [`ControlMessage`], [`IcmpFilter`], [`IcmpType`]) at
//! the crate root.
//!
//! | type | wraps | gives |
//! |---|---|---|
//! | [`Conn`] | a stream socket (TCP) | `IP_TOS`, `IP_TTL` |
//! | [`PacketConn`] | a datagram socket: UDP, ICMP datagram, raw without `IP_HDRINCL` | the above, control messages on receive and send, multicast, ICMP filter, [BPF](crate::bpf) |
//! | [`RawConn`] | a raw socket, put in `IP_HDRINCL` mode | what [`PacketConn`] gives, with whole datagrams: a header view and payload on receive, a [`Header`](ipv4_core::header::Header) and payload on send |
//!
//! The wrappers are generic over the socket (`S: AsFd`): they take a
//! [`std::net::UdpSocket`], a [`socket2::Socket`] or a reference to one,
//! and give it back ([`PacketConn::into_inner`]). They hide nothing: the
//! socket stays reachable for what they do not cover. Their constructors
//! (`new`, or `TryFrom`) check the socket's family and type, so a socket a
//! wrapper cannot serve is refused at once rather than at its first
//! datagram.
//!
//! Every receive — [`PacketConn::recv_from`], [`RawConn::recv`] and each
//! message of a [`RecvBatch`](batch::RecvBatch) — returns one type, a
//! [`Datagram`]: the payload, the header view (raw sockets), the sender, the
//! control message, [`MessageFlags`] (`MSG_TRUNC`, `MSG_CTRUNC`) and the full
//! length. A datagram the kernel handed over is never turned into an error
//! because of its metadata: a control message that was cut or does not
//! decode, data that did not fit, or a header cut by a short buffer is
//! reported inside the [`Datagram`], beside its data.
//!
//! [`batch`] receives and sends many datagrams per system call
//! (`recvmmsg`/`sendmmsg`) through [`PacketConn::recv_batch`],
//! [`PacketConn::send_batch`], [`RawConn::recv_batch`] and
//! [`RawConn::send_batch`], allocating nothing per call.
//!
//! With the `tokio` feature, the module `ipv4_std::tokio` has the async
//! wrappers `AsyncPacketConn` and `AsyncRawConn`: the same receives, sends,
//! batches and options, waiting on tokio's reactor instead of blocking a
//! thread (its module documentation has a runnable example).
//!
//! [`cmsg`] is the control-message codec on its own, for callers of
//! `recvmsg`/`sendmsg` (socket2's `MsgHdr`/`MsgHdrMut`, or libc).
//!
//! Errors are [`std::io::Error`]s: kernel errors as the kernel gives them,
//! invalid arguments (a socket of the wrong family or type, an IPv6 group,
//! an empty BPF program, an interface index above `i32::MAX`, a header that
//! is not IPv4) as [`InvalidInput`](std::io::ErrorKind::InvalidInput)
//! before any system call. Nothing panics on bad input.
//!
//! The socket options are written once, as traits grouped by concern in
//! [`options`] ([`UnicastOptions`], [`MulticastOptions`],
//! [`ControlMessageOptions`], [`FilterOptions`], [`HeaderOptions`],
//! [`RoutingOptions`], [`RawOptions`]), implemented by the
//! wrappers that serve them; `use ipv4_std::prelude::*;` brings the traits
//! and the wrapper types into scope. Every option method's documentation
//! names the option it drives (Linux's names; the BSDs' where they differ);
//! see [`ip(7)`], [`raw(7)`] and [`socket(7)`].
//!
//! All `unsafe` code is in one private module (`sys`, the OS layer), with a
//! `// SAFETY:` comment on each block; the crate denies `unsafe` everywhere
//! else.
//!
//! [`ip(7)`]: https://man7.org/linux/man-pages/man7/ip.7.html
//! [`raw(7)`]: https://man7.org/linux/man-pages/man7/raw.7.html
//! [`socket(7)`]: https://man7.org/linux/man-pages/man7/socket.7.html
//! [`socket2::Socket`]: https://docs.rs/socket2/0.6/socket2/struct.Socket.html
#![cfg_attr(docsrs, feature(doc_cfg))]
#![deny(missing_docs)]
#![deny(unsafe_code)]
#![deny(unsafe_op_in_unsafe_fn)]
// Elsewhere the crate is empty but for the error below (`build.rs` sets
// `ipv4_std_os` on the supported targets): no `std` is needed for it, so
// that on bare metal it is the only error.
#![cfg_attr(not(ipv4_std_os), no_std)]

#[cfg(not(ipv4_std_os))]
compile_error!(
    "ipv4-std supports Linux, Android, macOS, iOS, FreeBSD, NetBSD, OpenBSD, DragonFly, \
     illumos, Solaris and Windows; for bare metal or wasm, use ipv4-core, the no_std codec \
     (https://docs.rs/ipv4-core)"
);

// Every item below carries `cfg(ipv4_std_os)` (or a narrower cfg that
// implies it): on the other targets the crate is the one error above.

#[cfg(ipv4_std_os)]
pub use ipv4_core;
#[cfg(ipv4_std_os)]
pub use ipv4_core::control::{ControlFlags, ControlMessage};
#[cfg(ipv4_std_os)]
pub use ipv4_core::icmp::{IcmpFilter, IcmpType};

#[cfg(ipv4_std_os)]
pub mod batch;
#[cfg(ipv4_std_os)]
pub mod bpf;
#[cfg(ipv4_std_os)]
pub mod cmsg;
#[cfg(ipv4_std_os)]
mod conn;
#[cfg(any(target_os = "linux", target_os = "android"))]
#[cfg_attr(docsrs, doc(cfg(any(target_os = "linux", target_os = "android"))))]
pub mod errqueue;
#[cfg(ipv4_std_os)]
mod interface;
#[cfg(ipv4_std_os)]
pub mod options;
#[cfg(ipv4_std_os)]
mod packet_conn;
#[cfg(ipv4_std_ping)]
#[cfg_attr(
    docsrs,
    doc(cfg(any(target_os = "linux", target_os = "android", target_vendor = "apple")))
)]
pub mod ping;
#[cfg(ipv4_std_os)]
pub mod prelude;
#[cfg(ipv4_std_os)]
mod raw_conn;
#[cfg(ipv4_std_os)]
mod received;
#[cfg(ipv4_std_os)]
#[allow(unsafe_code)]
mod sys;
#[cfg(all(ipv4_std_os, feature = "tokio", unix))]
#[cfg_attr(docsrs, doc(cfg(feature = "tokio")))]
pub mod tokio;

#[cfg(ipv4_std_os)]
pub use conn::Conn;
#[cfg(ipv4_std_os)]
pub use interface::{Interface, InterfaceAddr, InterfaceFlags, InterfaceRef};
#[cfg(any(target_os = "linux", target_os = "android"))]
pub use options::FilterOptions;
#[cfg(any(target_os = "linux", target_os = "android"))]
pub use options::SourceFilter;
#[cfg(any(target_os = "linux", target_os = "android"))]
pub use options::{BindingOptions, PacketOptions, PortRange};
#[cfg(ipv4_std_os)]
pub use options::{
    ControlMessageOptions, HeaderOptions, MulticastInterface, MulticastOptions, RawOptions,
    RoutingOptions, SocketFacts, UnicastOptions,
};
#[cfg(any(target_os = "linux", target_os = "android"))]
pub use options::{ErrorQueueOptions, MessageTooLarge, PathMtuOptions, PmtuDiscovery};
#[cfg(ipv4_std_os)]
pub use packet_conn::PacketConn;
#[cfg(ipv4_std_os)]
pub use raw_conn::RawConn;
#[cfg(ipv4_std_os)]
pub use received::{Datagram, MessageFlags};

#[cfg(ipv4_std_os)]
/// The [`socket2`](https://docs.rs/socket2) crate, at the version this
/// crate is built with: open the sockets the wrappers take (a raw one for
/// [`RawConn`], with options std does not offer) as
/// `ipv4_std::socket2::Socket` without a dependency of your own.
pub use socket2;

#[cfg(ipv4_std_os)]
/// The README's code sample, run as a doc test so that it stays true.
#[cfg(all(ipv4_std_os, doctest))]
#[doc = include_str!("../../README.md")]
pub struct ReadmeDoctests;
