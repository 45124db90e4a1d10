//! Linux and Android: option and message numbers, the C structures whose
//! layout is Linux's own (`ip_mreqn`, `group_req`, `sock_fprog`,
//! `mmsghdr`, `sockaddr_in`), the control-message layout, and the batch
//! calls `recvmmsg(2)`/`sendmmsg(2)` over a reusable header array
//! ([`Mmsg`]).

use std::io;
use std::mem::{MaybeUninit, offset_of, size_of};
use std::net::{Ipv4Addr, SocketAddrV4};
use std::os::fd::AsRawFd;

use ipv4_core::control::ControlFlags;

use super::unix::{
    BorrowedSocket, OptionValue, c_int, c_void, cvt, from_in_addr, get_int, in_addr, setsockopt,
    socklen_t, source_of,
};
use super::{MmsgReceived, RecvSlot, SendSlot};
use crate::bpf::Instruction;
use crate::cmsg::Layout;

/// Numbers only the crate's unit tests use.
#[cfg(test)]
pub(crate) use libc::{EINVAL, MSG_ERRQUEUE, SO_TIMESTAMP};
pub(crate) use libc::{
    IP_HDRINCL, MCAST_BLOCK_SOURCE, MCAST_JOIN_GROUP, MCAST_JOIN_SOURCE_GROUP, MCAST_LEAVE_GROUP,
    MCAST_LEAVE_SOURCE_GROUP, MCAST_UNBLOCK_SOURCE, MSG_WAITFORONE, SO_ATTACH_FILTER,
    SO_DETACH_FILTER, SOL_RAW,
};

/// Path, routing and header-option numbers ([`ip(7)`]): `IP_OPTIONS`,
/// `IP_MINTTL`, `IP_UNICAST_IF`, `IP_ROUTER_ALERT`, `IP_NODEFRAG`.
///
/// [`ip(7)`]: https://man7.org/linux/man-pages/man7/ip.7.html
pub(crate) use libc::{IP_MINTTL, IP_NODEFRAG, IP_OPTIONS, IP_ROUTER_ALERT, IP_UNICAST_IF};

/// `ICMP_FILTER` at level `SOL_RAW`, from `<linux/icmp.h>` (the libc crate
/// does not have it).
pub(crate) const ICMP_FILTER: c_int = 1;

/// The layout of a Linux control buffer ([`cmsg(3)`]): `struct cmsghdr`
/// as libc declares it for this target (16 bytes on 64-bit targets, 12 on
/// 32-bit ones, `cmsg_len` a `size_t`, or on musl a `socklen_t` beside
/// padding), `CMSG_ALIGN` rounding to a `size_t` (glibc, musl and the
/// kernel alike), `IP_TTL`, `IP_TOS` and `IP_PKTINFO` as the message
/// types both ways, `IP_RECVOPTS`, `IP_CHECKSUM` and `IP_ORIGDSTADDR` received, and
/// `IP_RETOPTS` received (the options for a reply) and sent (one datagram's
/// options, `ip_cmsg_send` in `net/ipv4/ip_sockglue.c`).
///
/// [`cmsg(3)`]: https://man7.org/linux/man-pages/man3/cmsg.3.html
pub(crate) const CMSG_LAYOUT: Layout = Layout {
    align: size_of::<usize>(),
    header_len: size_of::<libc::cmsghdr>(),
    len_offset: offset_of!(libc::cmsghdr, cmsg_len),
    len_size: field_size(|h: &libc::cmsghdr| &h.cmsg_len),
    level_offset: offset_of!(libc::cmsghdr, cmsg_level),
    type_offset: offset_of!(libc::cmsghdr, cmsg_type),
    ip_level: libc::IPPROTO_IP,
    recv_ttl: libc::IP_TTL,
    recv_tos: libc::IP_TOS,
    pktinfo: Some(libc::IP_PKTINFO),
    send_ttl: Some(libc::IP_TTL),
    send_tos: Some(libc::IP_TOS),
    recv_options: Some(libc::IP_RECVOPTS),
    return_options: Some(libc::IP_RETOPTS),
    checksum: Some(libc::IP_CHECKSUM),
    orig_dst: Some(libc::IP_ORIGDSTADDR),
    frag_size: Some(IP_RECVFRAGSIZE),
};

const fn field_size<T, F>(_field: fn(&T) -> &F) -> usize {
    size_of::<F>()
}

/// Which option turns on which received control messages: `IP_RECVTTL`
/// for the TTL, one `IP_PKTINFO` for both destination and interface,
/// `IP_RECVTOS` for the TOS, `IP_RECVOPTS`, `IP_RETOPTS` and `IP_CHECKSUM`
/// for the messages of the same names, `IP_RECVORIGDSTADDR` for the original
/// destination, `IP_RECVFRAGSIZE` for the largest fragment's size. ([`ControlFlags::SRC`] needs none: the source is the
/// datagram's address.)
pub(crate) const RECV_CONTROL_OPTIONS: &[(ControlFlags, c_int)] = &[
    (ControlFlags::TTL, libc::IP_RECVTTL),
    (
        ControlFlags::DST.union(ControlFlags::INTERFACE),
        libc::IP_PKTINFO,
    ),
    (ControlFlags::TOS, libc::IP_RECVTOS),
    (ControlFlags::OPTIONS, libc::IP_RECVOPTS),
    (ControlFlags::RETURN_OPTIONS, libc::IP_RETOPTS),
    (ControlFlags::CHECKSUM, libc::IP_CHECKSUM),
    (ControlFlags::ORIG_DST, libc::IP_RECVORIGDSTADDR),
    (ControlFlags::FRAG_SIZE, IP_RECVFRAGSIZE),
];

/// `setsockopt` with the bytes of `value` as they are (`IP_OPTIONS`: the
/// kernel takes any length up to 40 and pads it, `ip_options_get`).
pub(crate) fn set_bytes(
    fd: BorrowedSocket<'_>,
    level: c_int,
    name: c_int,
    value: &[u8],
) -> io::Result<()> {
    let len = socklen_t::try_from(value.len())
        .map_err(|_| io::Error::from(io::ErrorKind::InvalidInput))?;
    // SAFETY: the pointer and length describe `value`, alive across the
    // call; the kernel only reads them.
    let rc = unsafe {
        libc::setsockopt(
            fd.as_raw_fd(),
            level,
            name,
            value.as_ptr().cast::<c_void>(),
            len,
        )
    };
    cvt(rc).map(drop)
}

/// `getsockopt` into `out`; returns the number of bytes the kernel wrote.
pub(crate) fn get_bytes(
    fd: BorrowedSocket<'_>,
    level: c_int,
    name: c_int,
    out: &mut [u8],
) -> io::Result<usize> {
    let mut len = socklen_t::try_from(out.len()).unwrap_or(socklen_t::MAX);
    // SAFETY: `out` is `len` writable bytes; the kernel writes at most `len`
    // of them and stores the count in `len`.
    let rc = unsafe {
        libc::getsockopt(
            fd.as_raw_fd(),
            level,
            name,
            out.as_mut_ptr().cast::<c_void>(),
            &mut len,
        )
    };
    cvt(rc)?;
    Ok((len as usize).min(out.len()))
}

/// `IP_UNICAST_IF` on IPv4 takes and reports the interface index in
/// network byte order (`do_ip_setsockopt`: `ntohl(val)`), unlike every
/// other index the kernel takes; 0 for none.
pub(crate) fn set_unicast_if(fd: BorrowedSocket<'_>, index: c_int) -> io::Result<()> {
    let value = c_int::from_ne_bytes(index.to_be_bytes());
    setsockopt(fd, libc::IPPROTO_IP, IP_UNICAST_IF, &value)
}

/// `IP_UNICAST_IF` read back, in host order.
pub(crate) fn unicast_if(fd: BorrowedSocket<'_>) -> io::Result<u32> {
    let value = get_int(fd, libc::IPPROTO_IP, IP_UNICAST_IF)?;
    Ok(u32::from_be_bytes(value.to_ne_bytes()))
}

/// The socket's address family (`SO_DOMAIN`).
pub(crate) fn socket_family(fd: BorrowedSocket<'_>) -> io::Result<c_int> {
    get_int(fd, libc::SOL_SOCKET, libc::SO_DOMAIN)
}

/// Families Linux has beside the POSIX ones, by name, for error messages.
pub(crate) const FAMILY_NAMES: &[(c_int, &str)] = &[
    (libc::AF_NETLINK, "AF_NETLINK"),
    (libc::AF_PACKET, "AF_PACKET"),
];

/// The family of the link-layer entries of `getifaddrs(3)`: glibc and musl
/// list each interface once as an `AF_PACKET` entry.
pub(crate) const LINK_FAMILY: c_int = libc::AF_PACKET;

/// The interface index of a link-layer (`AF_PACKET`) `getifaddrs` entry;
/// `None` for index 0.
///
/// # Safety
///
/// `sa` points to a `sockaddr_ll` as `getifaddrs` allocates it (glibc and
/// musl allocate one, with room for long hardware addresses).
pub(crate) unsafe fn link_index(sa: *const libc::sockaddr) -> Option<u32> {
    // SAFETY: the caller's contract; `read_unaligned` asks nothing of
    // alignment.
    let ll = unsafe { sa.cast::<libc::sockaddr_ll>().read_unaligned() };
    u32::try_from(ll.sll_ifindex)
        .ok()
        .filter(|&index| index != 0)
}

/// `IP_MULTICAST_IF` set with a `struct ip_mreqn`: the interface by index
/// (0 for none) or by local address.
pub(crate) fn set_multicast_interface(
    fd: BorrowedSocket<'_>,
    index: c_int,
    address: Ipv4Addr,
) -> io::Result<()> {
    let mreqn = libc::ip_mreqn {
        imr_multiaddr: in_addr(Ipv4Addr::UNSPECIFIED),
        imr_address: in_addr(address),
        imr_ifindex: index,
    };
    setsockopt(fd, libc::IPPROTO_IP, libc::IP_MULTICAST_IF, &mreqn)
}

/// `IP_MULTICAST_IF` read: Linux reports only the address (a `struct
/// in_addr`), never the index.
pub(crate) fn multicast_interface_address(fd: BorrowedSocket<'_>) -> io::Result<Ipv4Addr> {
    let (addr, _) =
        super::getsockopt::<libc::in_addr>(fd, libc::IPPROTO_IP, libc::IP_MULTICAST_IF)?;
    Ok(from_in_addr(addr))
}

const _: () = assert!(size_of::<Instruction>() == size_of::<libc::sock_filter>());

/// `SO_ATTACH_FILTER` with `program`, whose length the caller has checked
/// (1 to `BPF_MAXINSNS`, so it fits the `u16`).
pub(crate) fn attach_filter(fd: BorrowedSocket<'_>, program: &[Instruction]) -> io::Result<()> {
    let fprog = libc::sock_fprog {
        len: u16::try_from(program.len()).unwrap_or(u16::MAX),
        // `Instruction` has the layout of `sock_filter` (asserted above);
        // the kernel only reads through the pointer.
        filter: program.as_ptr().cast_mut().cast::<libc::sock_filter>(),
    };
    setsockopt(fd, libc::SOL_SOCKET, SO_ATTACH_FILTER, &fprog)
}

// SAFETY: `ip_mreqn` is `#[repr(C)]` of two `in_addr` and a `c_int`.
unsafe impl OptionValue for libc::ip_mreqn {}
// SAFETY: `#[repr(C)]` of integers and byte arrays, see `GroupReq`.
unsafe impl OptionValue for GroupReq {}
// SAFETY: `#[repr(C)]` of integers and byte arrays, see `GroupSourceReq`.
unsafe impl OptionValue for GroupSourceReq {}
// SAFETY: `sock_fprog` is `#[repr(C)] { len: u16, filter: *mut sock_filter }`;
// any bit pattern is a valid raw pointer value (the kernel checks the pointer
// with `copy_from_user` and fails with EFAULT, it never trusts it).
unsafe impl OptionValue for libc::sock_fprog {}

/// `struct sockaddr_storage` holding a `sockaddr_in`: same size and alignment
/// as libc's, built without `unsafe`.
#[derive(Clone, Copy)]
#[repr(C)]
pub(crate) struct StorageIn {
    sin: libc::sockaddr_in,
    pad: [u8; size_of::<libc::sockaddr_storage>() - size_of::<libc::sockaddr_in>()],
    align: [libc::c_ulong; 0],
}

impl StorageIn {
    fn new(addr: Ipv4Addr) -> StorageIn {
        StorageIn {
            sin: sockaddr_in(SocketAddrV4::new(addr, 0)),
            pad: [0; size_of::<libc::sockaddr_storage>() - size_of::<libc::sockaddr_in>()],
            align: [],
        }
    }
}

/// `struct group_req` (RFC 3678 §5.1) with an IPv4 group.
#[derive(Clone, Copy)]
#[repr(C)]
pub(crate) struct GroupReq {
    interface: u32,
    group: StorageIn,
}

/// `struct group_source_req` (RFC 3678 §5.1) with an IPv4 group and source.
#[derive(Clone, Copy)]
#[repr(C)]
pub(crate) struct GroupSourceReq {
    interface: u32,
    group: StorageIn,
    source: StorageIn,
}

const _: () = assert!(size_of::<StorageIn>() == size_of::<libc::sockaddr_storage>());
const _: () = assert!(align_of::<StorageIn>() == align_of::<libc::sockaddr_storage>());
const _: () = assert!(size_of::<GroupReq>() == size_of::<libc::group_req>());
const _: () = assert!(size_of::<GroupSourceReq>() == size_of::<libc::group_source_req>());

impl GroupReq {
    pub(crate) fn new(if_index: u32, group: Ipv4Addr) -> GroupReq {
        GroupReq {
            interface: if_index,
            group: StorageIn::new(group),
        }
    }
}

impl GroupSourceReq {
    pub(crate) fn new(if_index: u32, group: Ipv4Addr, source: Ipv4Addr) -> GroupSourceReq {
        GroupSourceReq {
            interface: if_index,
            group: StorageIn::new(group),
            source: StorageIn::new(source),
        }
    }
}

// Issue 14, binding, multicast and read-only options: numbers and
// structures of `<linux/in.h>` for `options::binding`,
// `options::multicast` (by address, source filters) and `options::facts`.

pub(crate) use libc::{
    IP_ADD_MEMBERSHIP, IP_ADD_SOURCE_MEMBERSHIP, IP_BIND_ADDRESS_NO_PORT, IP_BLOCK_SOURCE,
    IP_DROP_MEMBERSHIP, IP_DROP_SOURCE_MEMBERSHIP, IP_FREEBIND, IP_MULTICAST_ALL, IP_TRANSPARENT,
    IP_UNBLOCK_SOURCE,
};

/// `IP_LOCAL_PORT_RANGE` (Linux 6.3; the libc crate does not have it).
pub(crate) const IP_LOCAL_PORT_RANGE: c_int = 51;
/// `SO_PROTOCOL`: the socket's protocol (`sk_protocol`). (Linux's
/// `IP_PROTOCOL`, 52, reports `inet_num` instead: the protocol of a raw
/// socket, but the local port of a bound TCP or UDP one.)
pub(crate) use libc::SO_PROTOCOL;

/// The most sources a [`SourceFilterBuf`] carries: the capacity of
/// `SourceFilter` above (the kernel's own limit, `igmp_max_msf`, is 10
/// unless raised).
pub(crate) const MAX_FILTER_SOURCES: usize = 64;

/// `IP_ADD_MEMBERSHIP`/`IP_DROP_MEMBERSHIP` with a `struct ip_mreq`: the
/// interface by one of its local addresses (0.0.0.0: the routing table
/// chooses).
pub(crate) fn membership_by_address(
    fd: BorrowedSocket<'_>,
    name: c_int,
    group: Ipv4Addr,
    interface: Ipv4Addr,
) -> io::Result<()> {
    let mreq = libc::ip_mreq {
        imr_multiaddr: in_addr(group),
        imr_interface: in_addr(interface),
    };
    setsockopt(fd, libc::IPPROTO_IP, name, &mreq)
}

/// `IP_ADD_SOURCE_MEMBERSHIP`, `IP_DROP_SOURCE_MEMBERSHIP`,
/// `IP_BLOCK_SOURCE` or `IP_UNBLOCK_SOURCE` with a `struct
/// ip_mreq_source`: the interface by one of its local addresses.
pub(crate) fn source_membership_by_address(
    fd: BorrowedSocket<'_>,
    name: c_int,
    group: Ipv4Addr,
    interface: Ipv4Addr,
    source: Ipv4Addr,
) -> io::Result<()> {
    let mreq = libc::ip_mreq_source {
        imr_multiaddr: in_addr(group),
        imr_interface: in_addr(interface),
        imr_sourceaddr: in_addr(source),
    };
    setsockopt(fd, libc::IPPROTO_IP, name, &mreq)
}

// SAFETY: `ip_mreq` is `#[repr(C)]` of two `in_addr`.
unsafe impl OptionValue for libc::ip_mreq {}
// SAFETY: `ip_mreq_source` is `#[repr(C)]` of three `in_addr`.
unsafe impl OptionValue for libc::ip_mreq_source {}

/// Where a source filter's interface is named: by index (`MCAST_MSFILTER`
/// with a `struct group_filter`) or by a local address (`IP_MSFILTER` with
/// a `struct ip_msfilter`).
#[derive(Debug, Clone, Copy)]
pub(crate) enum FilterInterface {
    /// `gf_interface`.
    Index(u32),
    /// `imsf_interface`.
    Address(Ipv4Addr),
}

/// A socket's source filter for one group as the kernel takes and gives
/// it: `include` (`MCAST_INCLUDE`) or not (`MCAST_EXCLUDE`), up to
/// [`MAX_FILTER_SOURCES`] sources, and on a read the count the kernel has.
#[derive(Debug, Clone, Copy)]
pub(crate) struct SourceFilterBuf {
    pub(crate) include: bool,
    pub(crate) sources: [Ipv4Addr; MAX_FILTER_SOURCES],
    /// The sources used from `sources`.
    pub(crate) len: usize,
    /// On a read, the number of sources the kernel has (may exceed `len`).
    pub(crate) total: usize,
}

/// `struct group_filter` ([RFC 3678 §5.2.1]) with room for
/// [`MAX_FILTER_SOURCES`] sources (`gf_slist` is a flexible array).
///
/// [RFC 3678 §5.2.1]: https://www.rfc-editor.org/rfc/rfc3678#section-5.2.1
#[derive(Clone, Copy)]
#[repr(C)]
struct GroupFilter {
    interface: u32,
    group: StorageIn,
    fmode: u32,
    numsrc: u32,
    slist: [StorageIn; MAX_FILTER_SOURCES],
}

/// `struct ip_msfilter` with room for [`MAX_FILTER_SOURCES`] sources.
#[derive(Clone, Copy)]
#[repr(C)]
struct IpMsfilter {
    multiaddr: u32,
    interface: u32,
    fmode: u32,
    numsrc: u32,
    slist: [u32; MAX_FILTER_SOURCES],
}

/// `GROUP_FILTER_SIZE(0)`: the header before `gf_slist`.
const GROUP_FILTER_HEAD: usize = offset_of!(GroupFilter, slist);
/// `IP_MSFILTER_SIZE(0)`.
const IP_MSFILTER_HEAD: usize = offset_of!(IpMsfilter, slist);
#[cfg(target_pointer_width = "64")]
const _: () = assert!(GROUP_FILTER_HEAD == 144);
const _: () = assert!(IP_MSFILTER_HEAD == 16);

/// `MCAST_INCLUDE` or `MCAST_EXCLUDE`.
fn fmode(include: bool) -> u32 {
    (if include {
        libc::MCAST_INCLUDE
    } else {
        libc::MCAST_EXCLUDE
    }) as u32
}

/// The IPv4 address in a `sockaddr_storage` the kernel filled.
fn storage_address(s: &StorageIn) -> Ipv4Addr {
    from_in_addr(s.sin.sin_addr)
}

/// Sets the source filter of `group` (`MCAST_MSFILTER` by index,
/// `IP_MSFILTER` by address), passing exactly the bytes the sources need.
pub(crate) fn set_source_filter(
    fd: BorrowedSocket<'_>,
    interface: FilterInterface,
    group: Ipv4Addr,
    filter: &SourceFilterBuf,
) -> io::Result<()> {
    let sources = &filter.sources[..filter.len.min(MAX_FILTER_SOURCES)];
    let numsrc = sources.len() as u32;
    match interface {
        FilterInterface::Index(index) => {
            let mut gf = GroupFilter {
                interface: index,
                group: StorageIn::new(group),
                fmode: fmode(filter.include),
                numsrc,
                slist: [StorageIn::new(Ipv4Addr::UNSPECIFIED); MAX_FILTER_SOURCES],
            };
            for (slot, &s) in gf.slist.iter_mut().zip(sources) {
                *slot = StorageIn::new(s);
            }
            let len = GROUP_FILTER_HEAD + sources.len() * size_of::<StorageIn>();
            set_prefix(fd, libc::MCAST_MSFILTER, &gf, len)
        }
        FilterInterface::Address(address) => {
            let mut msf = IpMsfilter {
                multiaddr: in_addr(group).s_addr,
                interface: in_addr(address).s_addr,
                fmode: fmode(filter.include),
                numsrc,
                slist: [0; MAX_FILTER_SOURCES],
            };
            for (slot, &s) in msf.slist.iter_mut().zip(sources) {
                *slot = in_addr(s).s_addr;
            }
            let len = IP_MSFILTER_HEAD + sources.len() * size_of::<u32>();
            set_prefix(fd, libc::IP_MSFILTER, &msf, len)
        }
    }
}

/// Reads the source filter of `group`: the mode, up to `capacity` (at most
/// [`MAX_FILTER_SOURCES`]) sources, and the count the kernel has.
pub(crate) fn source_filter(
    fd: BorrowedSocket<'_>,
    interface: FilterInterface,
    group: Ipv4Addr,
) -> io::Result<SourceFilterBuf> {
    let mut out = SourceFilterBuf {
        include: false,
        sources: [Ipv4Addr::UNSPECIFIED; MAX_FILTER_SOURCES],
        len: 0,
        total: 0,
    };
    let (mode, total) = match interface {
        FilterInterface::Index(index) => {
            // The kernel reads the head (interface, group, and in
            // `gf_numsrc` the room for sources), writes up to that many
            // sources and the head back, with the count it has.
            let mut gf = GroupFilter {
                interface: index,
                group: StorageIn::new(group),
                fmode: 0,
                numsrc: MAX_FILTER_SOURCES as u32,
                slist: [StorageIn::new(Ipv4Addr::UNSPECIFIED); MAX_FILTER_SOURCES],
            };
            get_in_place(fd, libc::MCAST_MSFILTER, &mut gf)?;
            for (slot, s) in out.sources.iter_mut().zip(&gf.slist) {
                *slot = storage_address(s);
            }
            (gf.fmode, gf.numsrc)
        }
        FilterInterface::Address(address) => {
            let mut msf = IpMsfilter {
                multiaddr: in_addr(group).s_addr,
                interface: in_addr(address).s_addr,
                fmode: 0,
                numsrc: MAX_FILTER_SOURCES as u32,
                slist: [0; MAX_FILTER_SOURCES],
            };
            get_in_place(fd, libc::IP_MSFILTER, &mut msf)?;
            for (slot, &s) in out.sources.iter_mut().zip(&msf.slist) {
                *slot = from_in_addr(libc::in_addr { s_addr: s });
            }
            (msf.fmode, msf.numsrc)
        }
    };
    out.include = mode == libc::MCAST_INCLUDE as u32;
    out.total = total as usize;
    out.len = out.total.min(MAX_FILTER_SOURCES);
    Ok(out)
}

/// `setsockopt` of the first `len` bytes of `value` (a structure ending in
/// a flexible array, of which only part is used).
fn set_prefix<T: Copy>(
    fd: BorrowedSocket<'_>,
    name: c_int,
    value: &T,
    len: usize,
) -> io::Result<()> {
    let len = len.min(size_of::<T>());
    // SAFETY: `value` points to `size_of::<T>()` initialised bytes, of which
    // the kernel reads the first `len`, during the call only.
    let rc = unsafe {
        libc::setsockopt(
            fd.as_raw_fd(),
            libc::IPPROTO_IP,
            name,
            (value as *const T).cast::<c_void>(),
            len as socklen_t,
        )
    };
    cvt(rc).map(drop)
}

/// `getsockopt` into `value`, whose bytes the kernel reads first (an
/// in-out structure, as `MCAST_MSFILTER` and `IP_MSFILTER` are).
fn get_in_place<T: Copy>(fd: BorrowedSocket<'_>, name: c_int, value: &mut T) -> io::Result<()> {
    let mut len = size_of::<T>() as socklen_t;
    // SAFETY: `value` is `len` initialised, writable bytes; the kernel
    // reads the head it needs and writes at most the sources its
    // `numsrc` field leaves room for (set by the caller within `T`), and
    // `T` is plain integers and addresses, valid for any bytes.
    let rc = unsafe {
        libc::getsockopt(
            fd.as_raw_fd(),
            libc::IPPROTO_IP,
            name,
            (value as *mut T).cast::<c_void>(),
            &mut len,
        )
    };
    cvt(rc).map(drop)
}

/// A `sockaddr_in` for `addr`.
pub(crate) fn sockaddr_in(addr: SocketAddrV4) -> libc::sockaddr_in {
    libc::sockaddr_in {
        sin_family: libc::AF_INET as libc::sa_family_t,
        sin_port: addr.port().to_be(),
        sin_addr: libc::in_addr {
            s_addr: u32::from(*addr.ip()).to_be(),
        },
        sin_zero: [0; 8],
    }
}

/// The `struct mmsghdr` array of `recvmmsg(2)`/`sendmmsg(2)`, with the
/// iovecs and addresses its headers point to, kept between calls so that a
/// batch allocates nothing per call (the vectors only grow, to the largest
/// batch seen).
///
/// Between calls the pointers stored here are stale and never read: every
/// call rewrites all of them, and every length, from borrows that live for
/// that call.
pub(crate) struct Mmsg {
    hdrs: Vec<libc::mmsghdr>,
    iovs: Vec<libc::iovec>,
    names: Vec<libc::sockaddr_in>,
}

// SAFETY: the raw pointers in `hdrs` and `iovs` are dereferenced only by the
// kernel inside `Mmsg::recv`/`Mmsg::send`, which take `&mut self` and set
// each pointer from a borrow that outlives the call. Between calls they are
// inert integers, so moving or sharing an `Mmsg` between threads is sound.
unsafe impl Send for Mmsg {}
// SAFETY: as for `Send`; `&Mmsg` only reads lengths and addresses.
unsafe impl Sync for Mmsg {}

/// All zeros: null pointers and zero lengths, a valid empty `mmsghdr`.
fn empty_mmsghdr() -> libc::mmsghdr {
    // SAFETY: `mmsghdr` is plain C data (pointers, integers and private
    // padding); all zeros is a valid value of each field.
    unsafe { MaybeUninit::zeroed().assume_init() }
}

const EMPTY_IOVEC: libc::iovec = libc::iovec {
    iov_base: std::ptr::null_mut(),
    iov_len: 0,
};

/// Iovecs reserved per message on send: a header and a payload.
const SEND_IOVS: usize = 2;

impl Mmsg {
    /// Room for `messages` messages, allocated now.
    pub(crate) fn with_capacity(messages: usize) -> Mmsg {
        let mut m = Mmsg {
            hdrs: Vec::new(),
            iovs: Vec::new(),
            names: Vec::new(),
        };
        m.reserve(messages, SEND_IOVS);
        m
    }

    /// Makes room for `messages` headers with `iovs_per_message` iovecs
    /// each. Allocates only when that is more than ever before.
    fn reserve(&mut self, messages: usize, iovs_per_message: usize) {
        if self.hdrs.len() < messages {
            self.hdrs.resize(messages, empty_mmsghdr());
            self.names.resize(
                messages,
                sockaddr_in(SocketAddrV4::new(Ipv4Addr::UNSPECIFIED, 0)),
            );
        }
        let iovs = messages.saturating_mul(iovs_per_message);
        if self.iovs.len() < iovs {
            self.iovs.resize(iovs, EMPTY_IOVEC);
        }
    }

    /// Lays out one header per slot for a `recvmmsg` into `slots`, each
    /// with its own iovec and `sockaddr_in`, and returns how many it laid
    /// out (all of them, unless the iterator yields more than it said).
    /// Separate from the system call so that the layout can be checked
    /// under Miri with a stand-in kernel.
    ///
    /// The pointers stored in the headers must stay valid until the kernel
    /// uses them, so every element is reached through one `iter_mut` per
    /// vector, which hands out disjoint borrows: indexing (`&mut
    /// self.iovs[i]`) reborrows the whole vector each time, and under
    /// Stacked Borrows that invalidates the pointers stored in the earlier
    /// headers. Nothing may touch the vectors between this and the call.
    fn prepare_recv<'a>(&mut self, slots: impl ExactSizeIterator<Item = RecvSlot<'a>>) -> usize {
        self.reserve(slots.len(), 1);
        let targets = self
            .hdrs
            .iter_mut()
            .zip(self.iovs.iter_mut())
            .zip(self.names.iter_mut());
        let mut count = 0;
        for (slot, ((hdr, iov), name)) in slots.zip(targets) {
            *iov = libc::iovec {
                iov_base: slot.buf.as_mut_ptr().cast::<c_void>(),
                iov_len: slot.buf.len(),
            };
            hdr.msg_len = 0;
            let msg = &mut hdr.msg_hdr;
            msg.msg_name = (name as *mut libc::sockaddr_in).cast::<c_void>();
            msg.msg_namelen = size_of::<libc::sockaddr_in>() as socklen_t;
            msg.msg_iov = iov;
            msg.msg_iovlen = 1;
            if slot.control.is_empty() {
                msg.msg_control = std::ptr::null_mut();
                msg.msg_controllen = 0;
            } else {
                msg.msg_control = slot.control.as_mut_ptr().cast::<c_void>();
                msg.msg_controllen = slot.control.len() as _;
            }
            msg.msg_flags = 0;
            count += 1;
        }
        count
    }

    /// `recvmmsg(2)` into `slots` (at most `u32::MAX` of them, the width of
    /// its count), without a timeout. Linux has no per-call limit here (it
    /// caps only `sendmmsg`): one call can fill every slot. Returns the
    /// number of messages received; [`received`](Self::received) tells what
    /// each got.
    pub(crate) fn recv<'a>(
        &mut self,
        fd: BorrowedSocket<'_>,
        slots: impl ExactSizeIterator<Item = RecvSlot<'a>>,
        flags: c_int,
    ) -> io::Result<usize> {
        let count = self.prepare_recv(slots);
        let vlen = u32::try_from(count).unwrap_or(u32::MAX);
        // SAFETY: `prepare_recv` just wrote the first `vlen` headers: each
        // points to its own `sockaddr_in` in `self.names` and its own iovec
        // in `self.iovs` (pointers still valid: taken from disjoint borrows,
        // and neither vector is touched until the call returns), whose base
        // and length come from a `&'a mut [u8]` alive for the call, and to a
        // control buffer from another such borrow, with its length. The
        // kernel writes within those lengths only, and into the headers'
        // `msg_len`, `msg_namelen`, `msg_controllen` and `msg_flags`. The
        // timeout pointer is null (none).
        cvt(unsafe {
            libc::recvmmsg(
                fd.as_raw_fd(),
                self.hdrs.as_mut_ptr(),
                vlen as _,
                flags as _,
                std::ptr::null_mut(),
            )
        })
    }

    /// What the kernel reported for message `i` of the last
    /// [`recv`](Self::recv) (meaningful for `i` below its count).
    pub(crate) fn received(&self, i: usize, control_capacity: usize) -> MmsgReceived {
        let Some(hdr) = self.hdrs.get(i) else {
            return MmsgReceived {
                len: 0,
                control_len: 0,
                source: None,
                flags: 0,
            };
        };
        let msg = &hdr.msg_hdr;
        let source = source_of(&self.names[i], msg.msg_namelen);
        // `msg_controllen` is a `size_t` on glibc and a `socklen_t` on musl.
        #[allow(clippy::unnecessary_cast)]
        let control_len = (msg.msg_controllen as usize).min(control_capacity);
        MmsgReceived {
            len: hdr.msg_len as usize,
            control_len,
            source,
            flags: msg.msg_flags,
        }
    }

    /// Lays out one header per slot for a `sendmmsg` of `slots`, each with
    /// its own two iovecs and `sockaddr_in`, and returns how many it laid
    /// out. Separate from the system call, and reaching the elements the
    /// same way, for the reasons given at
    /// [`prepare_recv`](Self::prepare_recv).
    fn prepare_send<'a>(&mut self, slots: impl ExactSizeIterator<Item = SendSlot<'a>>) -> usize {
        self.reserve(slots.len(), SEND_IOVS);
        let targets = self
            .hdrs
            .iter_mut()
            .zip(self.iovs.chunks_exact_mut(SEND_IOVS))
            .zip(self.names.iter_mut());
        let mut count = 0;
        for (slot, ((hdr, iovs), name)) in slots.zip(targets) {
            let iov = |part: &[u8]| libc::iovec {
                iov_base: part.as_ptr().cast_mut().cast::<c_void>(),
                iov_len: part.len(),
            };
            let parts = if slot.head.is_empty() {
                iovs[0] = iov(slot.body);
                1
            } else {
                iovs[0] = iov(slot.head);
                iovs[1] = iov(slot.body);
                2
            };
            hdr.msg_len = 0;
            let msg = &mut hdr.msg_hdr;
            if let Some(dst) = slot.dst {
                *name = sockaddr_in(dst);
                msg.msg_name = (name as *mut libc::sockaddr_in).cast::<c_void>();
                msg.msg_namelen = size_of::<libc::sockaddr_in>() as socklen_t;
            } else {
                msg.msg_name = std::ptr::null_mut();
                msg.msg_namelen = 0;
            }
            msg.msg_iov = iovs.as_mut_ptr();
            msg.msg_iovlen = parts as _;
            if slot.control.is_empty() {
                msg.msg_control = std::ptr::null_mut();
                msg.msg_controllen = 0;
            } else {
                msg.msg_control = slot.control.as_ptr().cast_mut().cast::<c_void>();
                msg.msg_controllen = slot.control.len() as _;
            }
            msg.msg_flags = 0;
            count += 1;
        }
        count
    }

    /// `sendmmsg(2)` of `slots`. Returns the number of messages sent, which
    /// may be fewer than given: Linux sends at most `UIO_MAXIOV` (1024) per
    /// call, and stops at the first message that fails, reporting its error
    /// only when it is the first.
    pub(crate) fn send<'a>(
        &mut self,
        fd: BorrowedSocket<'_>,
        slots: impl ExactSizeIterator<Item = SendSlot<'a>>,
        flags: c_int,
    ) -> io::Result<usize> {
        let count = self.prepare_send(slots);
        let vlen = u32::try_from(count).unwrap_or(u32::MAX);
        // SAFETY: `prepare_send` just wrote the first `vlen` headers: each
        // points to its own `sockaddr_in` in `self.names` (or none), to its
        // own iovecs in `self.iovs` (pointers still valid: taken from
        // disjoint borrows, and neither vector is touched until the call
        // returns), whose bases and lengths come from `&'a [u8]` borrows
        // alive for the call, and to a control buffer from another such
        // borrow. `sendmmsg` only reads through them (so the `cast_mut`s
        // never lead to a write) and writes only the headers' `msg_len`.
        cvt(unsafe {
            libc::sendmmsg(
                fd.as_raw_fd(),
                self.hdrs.as_mut_ptr(),
                vlen as _,
                flags as _,
            )
        })
    }
}

// ---------------------------------------------------------------------
// The error queue and path MTU (`IP_RECVERR`, `IP_MTU_DISCOVER`, `IP_MTU`,
// `IP_RECVFRAGSIZE`; `<linux/in.h>`, `<linux/errqueue.h>`).

pub(crate) use libc::{
    EMSGSIZE, IP_MTU, IP_MTU_DISCOVER, IP_PMTUDISC_DO, IP_PMTUDISC_DONT, IP_PMTUDISC_INTERFACE,
    IP_PMTUDISC_OMIT, IP_PMTUDISC_PROBE, IP_PMTUDISC_WANT, IP_RECVERR, MSG_DONTWAIT,
};
/// `MSG_ERRQUEUE`: `recvmsg` reads the socket's error queue.
pub(crate) const MSG_ERRQUEUE_FLAG: c_int = libc::MSG_ERRQUEUE;
/// `IP_PKTOPTIONS` (`<linux/in.h>`): a TCP socket's packet information,
/// as control messages.
pub(crate) use libc::IP_PKTOPTIONS;
/// `IP_RECVFRAGSIZE` (Linux 4.10), option and control message.
pub(crate) const IP_RECVFRAGSIZE: c_int = 25;
/// `IP_RECVERR_RFC4884` (Linux 5.9).
pub(crate) const IP_RECVERR_RFC4884: c_int = 26;

/// `struct sock_extended_err` of `<linux/errqueue.h>`, laid out as the
/// kernel writes it into an `IP_RECVERR` control message, followed there
/// by the offender's `struct sockaddr_in` (`SO_EE_OFFENDER`).
#[repr(C)]
struct SockExtendedErr {
    ee_errno: u32,
    ee_origin: u8,
    ee_type: u8,
    ee_code: u8,
    ee_pad: u8,
    ee_info: u32,
    /// `ee_data`, or `struct sock_ee_data_rfc4884 { __u16 len; __u8 flags;
    /// __u8 reserved; }`.
    ee_data: u32,
}

/// Where the fields of `struct sock_extended_err` are, for the codec in
/// [`crate::cmsg`], which reads bytes only.
pub(crate) const EXTENDED_ERR_LAYOUT: crate::cmsg::ExtendedErrLayout =
    crate::cmsg::ExtendedErrLayout {
        len: size_of::<SockExtendedErr>(),
        errno: offset_of!(SockExtendedErr, ee_errno),
        origin: offset_of!(SockExtendedErr, ee_origin),
        icmp_type: offset_of!(SockExtendedErr, ee_type),
        icmp_code: offset_of!(SockExtendedErr, ee_code),
        info: offset_of!(SockExtendedErr, ee_info),
        data: offset_of!(SockExtendedErr, ee_data),
        offender_len: size_of::<libc::sockaddr_in>(),
        offender_family: offset_of!(libc::sockaddr_in, sin_family),
        offender_family_size: field_size(|s: &libc::sockaddr_in| &s.sin_family),
        offender_addr: offset_of!(libc::sockaddr_in, sin_addr),
        af_inet: libc::AF_INET,
        ip_level: libc::IPPROTO_IP,
        recv_err: libc::IP_RECVERR,
    };

const _: () = assert!(size_of::<SockExtendedErr>() == 16);

#[cfg(test)]
mod tests {
    use super::*;
    use std::ptr;

    #[test]
    fn cmsg_layout_matches_libc_macros() {
        for n in [0u32, 1, 4, 12, 13] {
            // SAFETY: CMSG_SPACE/CMSG_LEN are pure arithmetic.
            let (space, len) = unsafe { (libc::CMSG_SPACE(n), libc::CMSG_LEN(n)) };
            assert_eq!(CMSG_LAYOUT.space_of(n as usize), space as usize);
            assert_eq!(CMSG_LAYOUT.len_of(n as usize), len as usize);
        }
    }

    /// A datagram as the stand-in kernel delivers it.
    struct Datagram<'a> {
        source: SocketAddrV4,
        payload: &'a [u8],
        control: &'a [u8],
    }

    /// A message as the stand-in kernel saw it sent.
    #[derive(Debug, PartialEq)]
    struct Sent {
        dst: Option<SocketAddrV4>,
        data: Vec<u8>,
        control: Vec<u8>,
    }

    /// Does to the first `vlen` headers at `hdrs` what `recvmmsg(2)` does
    /// when `datagrams` are queued: reads each header, scatters the payload
    /// over its iovecs, writes the sender into `msg_name` and the control
    /// bytes into `msg_control` (each cut to the room given), then writes
    /// `msg_namelen`, `msg_controllen`, `msg_flags` and `msg_len`. Returns the
    /// number of messages filled.
    ///
    /// # Safety
    ///
    /// `hdrs` must point to `vlen` headers whose pointers are valid for
    /// writes of the lengths stored next to them, as `recvmmsg` requires.
    unsafe fn fake_recvmmsg(
        hdrs: *mut libc::mmsghdr,
        vlen: usize,
        datagrams: &[Datagram],
    ) -> usize {
        let n = vlen.min(datagrams.len());
        for (i, d) in datagrams[..n].iter().enumerate() {
            // SAFETY: the caller's contract, field by field as the kernel
            // copies them (`copy_msghdr_from_user`, `copy_to_user`,
            // `put_user`).
            unsafe {
                let hdr = hdrs.add(i);
                let msg = &raw mut (*hdr).msg_hdr;
                let m: libc::msghdr = msg.read();
                let mut flags = 0;

                let mut left = d.payload;
                // `msg_iovlen` is a `size_t` on glibc and an `int` on musl.
                #[allow(clippy::unnecessary_cast)]
                for k in 0..m.msg_iovlen as usize {
                    let iov = m.msg_iov.add(k).read();
                    let take = left.len().min(iov.iov_len);
                    ptr::copy_nonoverlapping(left.as_ptr(), iov.iov_base.cast::<u8>(), take);
                    left = &left[take..];
                }
                if !left.is_empty() {
                    flags |= libc::MSG_TRUNC;
                }

                if !m.msg_name.is_null() {
                    let sin = sockaddr_in(d.source);
                    let full = size_of::<libc::sockaddr_in>();
                    let len = (m.msg_namelen as usize).min(full);
                    ptr::copy_nonoverlapping(
                        (&raw const sin).cast::<u8>(),
                        m.msg_name.cast::<u8>(),
                        len,
                    );
                    (&raw mut (*msg).msg_namelen).write(full as socklen_t);
                }

                // `msg_controllen` is a `size_t` on glibc and a `socklen_t` on musl.
                #[allow(clippy::unnecessary_cast)]
                let room = if m.msg_control.is_null() {
                    0
                } else {
                    m.msg_controllen as usize
                };
                let control = d.control.len().min(room);
                ptr::copy_nonoverlapping(d.control.as_ptr(), m.msg_control.cast::<u8>(), control);
                if control < d.control.len() {
                    flags |= libc::MSG_CTRUNC;
                }
                (&raw mut (*msg).msg_controllen).write(control as _);
                (&raw mut (*msg).msg_flags).write(flags);
                (&raw mut (*hdr).msg_len).write((d.payload.len() - left.len()) as _);
            }
        }
        n
    }

    /// Does to the first `vlen` headers at `hdrs` what `sendmmsg(2)` does:
    /// reads each header, its destination, its iovecs and the bytes they
    /// point to, and its control bytes, then writes `msg_len`. Returns what
    /// was sent.
    ///
    /// # Safety
    ///
    /// `hdrs` must point to `vlen` headers whose pointers are valid for
    /// reads of the lengths stored next to them, as `sendmmsg` requires.
    unsafe fn fake_sendmmsg(hdrs: *mut libc::mmsghdr, vlen: usize) -> Vec<Sent> {
        (0..vlen)
            .map(|i| {
                // SAFETY: the caller's contract.
                unsafe {
                    let hdr = hdrs.add(i);
                    let m: libc::msghdr = (&raw const (*hdr).msg_hdr).read();
                    let dst = (!m.msg_name.is_null()).then(|| {
                        assert_eq!(m.msg_namelen as usize, size_of::<libc::sockaddr_in>());
                        let sin = m.msg_name.cast::<libc::sockaddr_in>().read();
                        assert_eq!(c_int::from(sin.sin_family), libc::AF_INET);
                        SocketAddrV4::new(from_in_addr(sin.sin_addr), u16::from_be(sin.sin_port))
                    });
                    let mut data = Vec::new();
                    #[allow(clippy::unnecessary_cast)]
                    for k in 0..m.msg_iovlen as usize {
                        let iov = m.msg_iov.add(k).read();
                        data.extend_from_slice(std::slice::from_raw_parts(
                            iov.iov_base.cast::<u8>(),
                            iov.iov_len,
                        ));
                    }
                    #[allow(clippy::unnecessary_cast)]
                    let control = if m.msg_control.is_null() {
                        Vec::new()
                    } else {
                        std::slice::from_raw_parts(
                            m.msg_control.cast::<u8>(),
                            m.msg_controllen as usize,
                        )
                        .to_vec()
                    };
                    (&raw mut (*hdr).msg_len).write(data.len() as _);
                    Sent { dst, data, control }
                }
            })
            .collect()
    }

    fn addr(a: [u8; 4], port: u16) -> SocketAddrV4 {
        SocketAddrV4::new(Ipv4Addr::from(a), port)
    }

    /// Receives `datagrams` into buffers of `buf_sizes` (and control buffers
    /// of `control_sizes`) through `prepare_recv` and the stand-in kernel;
    /// returns the count, the buffers and the control buffers.
    fn recv_through(
        m: &mut Mmsg,
        buf_sizes: &[usize],
        control_sizes: &[usize],
        datagrams: &[Datagram],
    ) -> (usize, Vec<Vec<u8>>, Vec<Vec<u8>>) {
        let mut bufs: Vec<Vec<u8>> = buf_sizes.iter().map(|&n| vec![0xEE; n]).collect();
        let mut controls: Vec<Vec<u8>> = control_sizes.iter().map(|&n| vec![0xEE; n]).collect();
        let slots = bufs
            .iter_mut()
            .zip(controls.iter_mut())
            .map(|(buf, control)| RecvSlot { buf, control });
        let count = m.prepare_recv(slots);
        assert_eq!(count, buf_sizes.len());
        // SAFETY: `prepare_recv` laid out `count` headers over `bufs`,
        // `controls` and the Mmsg's own iovecs and addresses, none of which
        // has been touched since.
        let n = unsafe { fake_recvmmsg(m.hdrs.as_mut_ptr(), count, datagrams) };
        (n, bufs, controls)
    }

    #[test]
    fn recv_layout_survives_every_kernel_access() {
        // Room for one message at first: the vectors grow inside the call.
        let mut m = Mmsg::with_capacity(1);
        let cmsg = [7u8; 16];
        let long_cmsg = [9u8; 40];
        let datagrams = [
            Datagram {
                source: addr([127, 0, 0, 1], 1000),
                payload: b"hello",
                control: &cmsg,
            },
            Datagram {
                source: addr([198, 51, 100, 2], 2000),
                payload: b"twelve bytes",
                control: &cmsg,
            },
            Datagram {
                source: addr([203, 0, 113, 7], 53),
                payload: b"",
                control: &long_cmsg,
            },
        ];
        let (n, bufs, controls) = recv_through(&mut m, &[8, 8, 4, 4], &[24, 0, 32, 8], &datagrams);
        assert_eq!(n, 3);

        let r = m.received(0, 24);
        assert_eq!((r.len, r.control_len, r.flags), (5, 16, 0));
        assert_eq!(r.source, Some(addr([127, 0, 0, 1], 1000)));
        assert_eq!(&bufs[0][..5], b"hello");
        assert_eq!(bufs[0][5..], [0xEE; 3], "past the datagram untouched");
        assert_eq!(controls[0][..16], cmsg);

        let r = m.received(1, 0);
        assert_eq!((r.len, r.control_len), (8, 0));
        assert_eq!(r.flags, libc::MSG_TRUNC | libc::MSG_CTRUNC);
        assert_eq!(r.source, Some(addr([198, 51, 100, 2], 2000)));
        assert_eq!(bufs[1], b"twelve b");

        let r = m.received(2, 32);
        assert_eq!((r.len, r.control_len, r.flags), (0, 32, libc::MSG_CTRUNC));
        assert_eq!(r.source, Some(addr([203, 0, 113, 7], 53)));
        assert_eq!(controls[2], long_cmsg[..32]);

        // Slot 3 got nothing: its buffers are as they were.
        assert_eq!(bufs[3], [0xEE; 4]);
        assert_eq!(controls[3], [0xEE; 8]);
    }

    #[test]
    fn send_layout_survives_every_kernel_access() {
        let mut m = Mmsg::with_capacity(1);
        let head = [0x45u8, 0, 0, 24];
        let control = [1u8, 2, 3, 4, 5, 6, 7, 8];
        let slots = [
            (
                &[][..],
                &b"payload one"[..],
                Some(addr([127, 0, 0, 1], 9)),
                &control[..],
            ),
            (&head[..], &b"two"[..], None, &[][..]),
            (
                &head[..],
                &b""[..],
                Some(addr([203, 0, 113, 1], 7)),
                &control[..4],
            ),
            (&[][..], &b"four"[..], None, &[][..]),
        ];
        let count = m.prepare_send(slots.iter().map(|&(head, body, dst, control)| SendSlot {
            head,
            body,
            dst,
            control,
        }));
        assert_eq!(count, 4);
        // SAFETY: `prepare_send` laid out `count` headers over `slots` and
        // the Mmsg's own iovecs and addresses, untouched since.
        let sent = unsafe { fake_sendmmsg(m.hdrs.as_mut_ptr(), count) };
        let expected: Vec<Sent> = slots
            .iter()
            .map(|&(head, body, dst, control)| Sent {
                dst,
                data: [head, body].concat(),
                control: control.to_vec(),
            })
            .collect();
        assert_eq!(sent, expected);
        for (i, s) in sent.iter().enumerate() {
            assert_eq!(m.hdrs[i].msg_len as usize, s.data.len());
        }
    }

    #[test]
    fn one_mmsg_serves_sends_and_receives_of_any_size_in_turn() {
        // Sends lay out two iovecs per message, receives one: the same
        // vectors serve both, growing and shrinking batches alike.
        let mut m = Mmsg::with_capacity(2);
        for round in 0..3u8 {
            let messages = [5, 1, 3][usize::from(round)];
            let bodies: Vec<Vec<u8>> = (0..messages).map(|i| vec![round, i as u8, 0xAB]).collect();
            let dst = addr([198, 51, 100, round], 4000 + u16::from(round));
            let count = m.prepare_send(bodies.iter().map(|body| SendSlot {
                head: b"h",
                body,
                dst: Some(dst),
                control: &[],
            }));
            assert_eq!(count, messages);
            // SAFETY: as in `send_layout_survives_every_kernel_access`.
            let sent = unsafe { fake_sendmmsg(m.hdrs.as_mut_ptr(), count) };
            assert!(
                sent.iter()
                    .all(|s| s.dst == Some(dst) && s.control.is_empty())
            );

            let datagrams: Vec<Datagram> = sent
                .iter()
                .map(|s| Datagram {
                    source: s.dst.unwrap(),
                    payload: &s.data,
                    control: &[],
                })
                .collect();
            let sizes = vec![16; messages];
            let (n, bufs, _) = recv_through(&mut m, &sizes, &vec![0; messages], &datagrams);
            assert_eq!(n, messages);
            for (i, body) in bodies.iter().enumerate() {
                let r = m.received(i, 0);
                assert_eq!((r.len, r.control_len, r.flags), (4, 0, 0));
                assert_eq!(r.source, Some(dst));
                assert_eq!(bufs[i][..4], [&b"h"[..], body].concat());
            }
        }
    }

    /// On the running kernel: `sendmmsg` sends at most `UIO_MAXIOV` (1024)
    /// messages per call, while `recvmmsg` has no such cap: one call fills
    /// 1500 slots. Loopback only, any user.
    #[test]
    #[cfg_attr(miri, ignore = "needs the kernel")]
    fn sendmmsg_stops_at_1024_per_call_recvmmsg_takes_more() {
        use std::net::{SocketAddr, UdpSocket};
        use std::os::fd::AsFd;

        const QUEUED: usize = 1500;
        let v4 = |a: SocketAddr| match a {
            SocketAddr::V4(a) => a,
            SocketAddr::V6(a) => panic!("{a} is not IPv4"),
        };
        let rx = UdpSocket::bind("127.0.0.1:0").unwrap();
        let tx = UdpSocket::bind("127.0.0.1:0").unwrap();
        let (dst, src) = (v4(rx.local_addr().unwrap()), v4(tx.local_addr().unwrap()));
        let payloads: Vec<[u8; 4]> = (0..QUEUED as u32).map(u32::to_be_bytes).collect();

        // sendmmsg: at most UIO_MAXIOV per call, whatever the receiver
        // (a sink nobody reads; datagrams that overflow it are dropped).
        let sink = UdpSocket::bind("127.0.0.1:0").unwrap();
        let sink_addr = v4(sink.local_addr().unwrap());
        let mut out = Mmsg::with_capacity(QUEUED);
        let from = |first: usize| {
            payloads[first..].iter().map(|p| SendSlot {
                head: &[],
                body: p,
                dst: Some(sink_addr),
                control: &[],
            })
        };
        let first = out.send(tx.as_fd(), from(0), 0).unwrap();
        assert_eq!(first, 1024, "sendmmsg sends at most UIO_MAXIOV per call");
        let second = out.send(tx.as_fd(), from(first), 0).unwrap();
        assert_eq!(second, QUEUED - first);

        // recvmmsg without MSG_WAITFORONE on a blocking socket waits until
        // every slot is filled: one call takes all QUEUED datagrams, which a
        // sender paces so that the default receive buffer never overflows
        // (no root, no large SO_RCVBUF needed). The timeout only bounds a
        // failure.
        rx.set_read_timeout(Some(std::time::Duration::from_secs(10)))
            .unwrap();
        let sender = std::thread::spawn({
            let payloads = payloads.clone();
            move || {
                for chunk in payloads.chunks(32) {
                    for p in chunk {
                        tx.send_to(p, dst).unwrap();
                    }
                    std::thread::sleep(std::time::Duration::from_millis(1));
                }
            }
        });
        let mut bufs = vec![[0u8; 8]; QUEUED];
        let mut inb = Mmsg::with_capacity(QUEUED);
        let slots = bufs.iter_mut().map(|buf| RecvSlot {
            buf,
            control: &mut [],
        });
        let n = inb.recv(rx.as_fd(), slots, 0).unwrap();
        sender.join().unwrap();
        assert_eq!(n, QUEUED, "one recvmmsg takes more than 1024 datagrams");
        for (i, (buf, payload)) in bufs.iter().zip(&payloads).enumerate() {
            let r = inb.received(i, 0);
            assert_eq!((r.len, r.flags, r.source), (4, 0, Some(src)), "message {i}");
            assert_eq!(buf[..4], payload[..], "message {i}");
        }
    }
}
