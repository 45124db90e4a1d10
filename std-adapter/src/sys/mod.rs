//! The OS layer: every system call, C structure, option number and
//! `unsafe` block of the crate, one module per OS family, in the manner of
//! socket2's `src/sys/`.
//!
//! Everything above this module names only `sys::` items, never `libc::`,
//! and contains no `unsafe` (the crate denies it everywhere else).
//!
//! # Families
//!
//! | module | targets | holds |
//! |---|---|---|
//! | `unix` | every Unix | what POSIX gives alike: `setsockopt`/`getsockopt` on bytes, `recvmsg`/`sendmsg`, `getifaddrs`, `if_nametoindex`, `IP_MULTICAST_IF` (`ip_mreqn`, or by address) |
//! | `linux` | Linux, Android | option and message numbers, struct layouts (`group_req`, `sock_fprog`), the control-message layout |
//! | `bsd` | macOS, iOS, FreeBSD, NetBSD, OpenBSD, DragonFly | the same items for the BSD kernels, with their differences by `cfg` |
//! | `illumos` | illumos, Solaris | the same items for illumos |
//! | `windows` | Windows | the same items over Winsock (and its own byte `setsockopt`/`getsockopt` in place of `unix`) |
//! | `layouts` | every host | the plain numbers of every platform (control-message layouts, `group_req` layouts, raw-header formats), tested on any host against each platform's headers |
//! | `mmsg`, `mmsg_loop` | by kernel | batches: `recvmmsg`/`sendmmsg` (Linux, Android, FreeBSD, NetBSD), or a loop of single calls |
//! | `group_req` | macOS, FreeBSD, illumos, Windows | `group_req`/`group_source_req` as bytes laid out by `layouts` |
//! | `sockopt` | every family | `setsockopt`/`getsockopt` with typed values (`OptionValue`), `set_int`, `get_int`, over the family's byte calls |
//!
//! # Per-OS facts: `build.rs`
//!
//! Which family serves a target, and what its kernel has, is one table in
//! `build.rs`, which sets a `cfg` per fact: `ipv4_std_family = "bsd"`,
//! `ipv4_std_mreqn`, `ipv4_std_mreq_source`, `ipv4_std_mcast_source`,
//! `ipv4_std_group_req_bytes`, `ipv4_std_mmsg`, `ipv4_std_minttl`,
//! `ipv4_std_so_protocol`, `ipv4_std_ping`, `ipv4_std_raw = "wire"` (the
//! table's docs say what each means). Code tests those names, not
//! lists of `target_os`; `target_os = "linux"` stays only on the surfaces
//! no other kernel has (error queue, filters, binding options, …).
//!
//! # Adding an OS family
//!
//! 1. `sys/<family>.rs`, providing the items listed below (a Unix family
//!    gets most of them from `unix.rs`; copy the closest family).
//! 2. One `family!(ipv4_std_family = "<family>", <family>);` line below.
//! 3. Its row in `build.rs`'s table: family, capabilities, raw format.
//!    A capability it lacks compiles out the surface above that needs it.
//! 4. Its numbers in `layouts.rs` with a test against its headers, and the
//!    target in `.ci/run`'s cross-target loop.
//!
//! # What each family provides
//!
//! The family-neutral items (this file) are used as they are. Each family
//! module (with `unix` for the Unix ones) provides, under these names:
//!
//! * Socket handles: `BorrowedSocket<'a>` and `AsSocket` (a file descriptor
//!   on Unix, a `SOCKET` on Windows), `borrow` (the one call of `as_fd` /
//!   `as_socket`), and `c_int`.
//! * Option access: `setsockopt_raw` and `getsockopt_raw` (bytes at a
//!   pointer; `sockopt` builds the typed calls on them), `OptionValue`
//!   for the family's own structures; `SocketKind` (the
//!   family and type check of every wrapper); `socket_family`.
//! * Levels and option numbers: `SOL_SOCKET`, `IPPROTO_IP`, `IP_HDRINCL`,
//!   `IP_MULTICAST_IF`, `MCAST_JOIN_GROUP`, `MCAST_LEAVE_GROUP`,
//!   `MCAST_JOIN_SOURCE_GROUP`, `MCAST_LEAVE_SOURCE_GROUP`,
//!   `MCAST_BLOCK_SOURCE`, `MCAST_UNBLOCK_SOURCE`, their forms by address
//!   (`IP_ADD_MEMBERSHIP`, `IP_DROP_MEMBERSHIP`, `IP_ADD_SOURCE_MEMBERSHIP`,
//!   `IP_DROP_SOURCE_MEMBERSHIP`, `IP_BLOCK_SOURCE`, `IP_UNBLOCK_SOURCE`),
//!   and where the kernel has them `SOL_RAW`/`ICMP_FILTER`,
//!   `SO_ATTACH_FILTER`/`SO_DETACH_FILTER`, `SO_PROTOCOL` and `IP_MINTTL`
//!   (also FreeBSD's: `ipv4_std_so_protocol`, `ipv4_std_minttl`),
//!   `IP_MULTICAST_ALL`, and the binding options `IP_FREEBIND`,
//!   `IP_TRANSPARENT`, `IP_BIND_ADDRESS_NO_PORT`, `IP_LOCAL_PORT_RANGE`
//!   (Linux: the traits' methods for these carry `#[cfg]`).
//! * Receive flags: `MSG_TRUNC`, `MSG_CTRUNC` (`MSG_WAITFORONE` comes from
//!   `mmsg`: 0 where the kernel lacks it and `Mmsg` loops).
//! * Levels and option numbers may be absent where the kernel lacks them
//!   (`MCAST_*_SOURCE*` on NetBSD, OpenBSD and DragonFly, whose
//!   `MCAST_JOIN_GROUP`/`MCAST_LEAVE_GROUP` are `IP_ADD_MEMBERSHIP`/
//!   `IP_DROP_MEMBERSHIP` with an `ip_mreq`); the surfaces above are then
//!   compiled out.
//! * Control messages: `CMSG_LAYOUT` (a [`cmsg::Layout`](crate::cmsg::Layout):
//!   alignment, header size, message numbers) and `RECV_CONTROL_OPTIONS`
//!   (which option turns on which [`ControlFlags`](crate::ControlFlags)).
//! * Struct builders: `group_req`, `group_source_req` (where the kernel
//!   has source-specific calls), `membership_by_address` (`ip_mreq`),
//!   `source_membership_by_address` (`ip_mreq_source`), on Linux the source
//!   filter calls `set_source_filter` and `source_filter` (`group_filter`
//!   by index, `ip_msfilter` by address, over `FilterInterface`,
//!   `SourceFilterBuf` and `MAX_FILTER_SOURCES`),
//!   `set_multicast_interface`/`multicast_interface_address`,
//!   `attach_filter` (Linux), `sockaddr_in`, `in_addr`, `from_in_addr`.
//! * With `ipv4_std_ping`: `prepare_icmp_datagram` (what a new ICMP
//!   datagram socket needs set before use).
//! * I/O: `recvmsg`, `sendmsg`, `MSG_DONTWAIT` (where batches loop), and
//!   with `ipv4_std_raw = "osreldate"` `raw_formats` (the byte order of raw
//!   headers, [`layouts::RawFormats`]; this file gives it for the others).
//! * Interfaces: `interface_addresses`, `if_nametoindex`, `IFF_*`,
//!   `IF_NAME_MAX`.
//!
//! Each `unsafe` block carries a `// SAFETY:` comment saying why it is
//! sound.

pub(crate) mod layouts;
mod sockopt;
pub(crate) use sockopt::*;

/// `mod $name; pub(crate) use $name::*;` on the targets `$cfg` names.
macro_rules! family {
    ($cfg:meta, $name:ident) => {
        #[cfg($cfg)]
        mod $name;
        #[cfg($cfg)]
        pub(crate) use $name::*;
    };
}

// Registration with tokio's reactor, for the async wrappers.
#[cfg(all(feature = "tokio", unix))]
mod reactor;
#[cfg(all(feature = "tokio", unix))]
pub(crate) use reactor::{Registered, register};

family!(not(windows), unix);
family!(ipv4_std_family = "linux", linux);
family!(ipv4_std_family = "bsd", bsd);
family!(ipv4_std_family = "illumos", illumos);
family!(ipv4_std_family = "windows", windows);
family!(ipv4_std_group_req_bytes, group_req);

// Batches: `recvmmsg`/`sendmmsg` where the kernel has them (`mmsg.rs`),
// else a loop of single calls (`mmsg_loop.rs`).
#[cfg_attr(not(ipv4_std_mmsg), path = "mmsg_loop.rs")]
mod mmsg;
pub(crate) use mmsg::*;

/// The header formats of this kernel's raw sockets: network order.
#[cfg(ipv4_std_raw = "wire")]
pub(crate) const fn raw_formats() -> layouts::RawFormats {
    layouts::RAW_WIRE
}

/// The header formats of this kernel's raw sockets: host order, and the
/// received total length without the header.
#[cfg(ipv4_std_raw = "bsd")]
pub(crate) const fn raw_formats() -> layouts::RawFormats {
    layouts::RAW_BSD
}

use std::net::{Ipv4Addr, SocketAddrV4};

/// Linux's `MSG_ERRQUEUE` bit on the other kernels, which lack it and
/// never set it: for the unit tests that check unknown flags are kept.
#[cfg(all(test, not(ipv4_std_family = "linux")))]
pub(crate) const MSG_ERRQUEUE: c_int = 0x4000_0000;

/// `index` as the kernel takes an interface index: a C `int`
/// (`ipi_ifindex`, `imr_ifindex`, and `gr_interface`, which Linux copies
/// into an `int`). `None` above `i32::MAX`, which the kernel would read as
/// a negative index.
pub(crate) fn interface_index(index: u32) -> Option<c_int> {
    c_int::try_from(index).ok()
}

/// What one entry of `getifaddrs(3)` holds that the crate uses, copied out
/// of the C list.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct IfAddr {
    /// `ifa_name`: the interface's name, or for an IPv4 address its label
    /// (`eth0:1` for an address added with `label eth0:1`). A name that is
    /// not UTF-8 is converted lossily.
    pub(crate) name: String,
    /// `ifa_flags`: the interface's `IFF_*` flags.
    pub(crate) flags: u32,
    /// The address of the entry.
    pub(crate) addr: IfAddrKind,
}

/// The address of one `getifaddrs(3)` entry.
#[cfg_attr(windows, allow(dead_code))] // Windows lists no interfaces.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum IfAddrKind {
    /// An `AF_PACKET` entry: the link itself, which glibc and musl list
    /// once per interface, with its index (`sll_ifindex`).
    Link {
        /// The interface index.
        index: u32,
    },
    /// An `AF_INET` entry: one IPv4 address of the interface.
    Ipv4 {
        /// `ifa_addr`.
        address: Ipv4Addr,
        /// `ifa_netmask`, when present and IPv4.
        netmask: Option<Ipv4Addr>,
    },
}

/// What one `recvmsg` returned, or one message of a `recvmmsg`.
#[derive(Debug, Clone, Copy, Default)]
pub(crate) struct Received {
    /// What the call returned: the bytes written into the buffers, or with
    /// `MSG_TRUNC` in its flags the datagram's full length (UDP, raw).
    pub(crate) len: usize,
    /// Bytes of control messages written into the control buffer.
    pub(crate) control_len: usize,
    /// The sender, when the kernel reported an IPv4 one.
    pub(crate) source: Option<SocketAddrV4>,
    /// `msg_flags`: `MSG_TRUNC`, `MSG_CTRUNC`, …
    pub(crate) flags: c_int,
}

/// One message to receive into: its data buffer and its control buffer
/// (empty for none).
pub(crate) struct RecvSlot<'a> {
    pub(crate) buf: &'a mut [u8],
    pub(crate) control: &'a mut [u8],
}

/// One message to send: up to two data parts (a header and a payload; an
/// empty `head` is left out), the destination (none on a connected socket)
/// and the control buffer (empty for none).
pub(crate) struct SendSlot<'a> {
    pub(crate) head: &'a [u8],
    pub(crate) body: &'a [u8],
    pub(crate) dst: Option<SocketAddrV4>,
    pub(crate) control: &'a [u8],
}

/// Whether a raw socket's `sendmsg` passes control messages to the output
/// path. FreeBSD's `rip_send` (`sys/netinet/raw_ip.c`) drops them, so a
/// per-datagram source or TOS on a raw socket would vanish silently there;
/// [`crate::cmsg`] refuses them instead.
pub(crate) const RAW_SENDS_CONTROL: bool = !cfg!(target_os = "freebsd");
