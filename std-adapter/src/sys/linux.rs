//! Linux and Android: option and message numbers, the C structures whose
//! layout is Linux's own (`ip_mreqn`, `group_req`, `sock_fprog`,
//! `sockaddr_in`), and the control-message layout. (The batch calls,
//! which FreeBSD and NetBSD share, are in `mmsg.rs`.)

use std::io;
use std::mem::{offset_of, size_of};
use std::net::{Ipv4Addr, SocketAddrV4};

use ipv4_core::control::ControlFlags;

use super::unix::{
    BorrowedSocket, c_int, from_in_addr, getsockopt_raw, in_addr, setsockopt_raw,
};
use super::{OptionValue, get_int, setsockopt};
use crate::bpf::Instruction;
use crate::cmsg::Layout;

/// Numbers only the crate's unit tests use.
#[cfg(test)]
pub(crate) use libc::{EINVAL, MSG_ERRQUEUE, SO_TIMESTAMP};
pub(crate) use libc::{
    IP_HDRINCL, MCAST_BLOCK_SOURCE, MCAST_JOIN_GROUP, MCAST_JOIN_SOURCE_GROUP, MCAST_LEAVE_GROUP,
    MCAST_LEAVE_SOURCE_GROUP, MCAST_UNBLOCK_SOURCE, SO_ATTACH_FILTER,
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
    recv_ttl: Some(libc::IP_TTL),
    recv_tos: Some(libc::IP_TOS),
    pktinfo: Some(libc::IP_PKTINFO),
    recv_dstaddr: None,
    recv_if: None,
    link_addr_len: 0,
    send_src: None,
    send_ttl: Some(libc::IP_TTL),
    send_tos: Some(libc::IP_TOS),
    send_tos_len: size_of::<c_int>(),
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
    // SAFETY: the pointer and length describe `value`, alive across the
    // call.
    unsafe { setsockopt_raw(fd, level, name, value.as_ptr(), value.len()) }
}

/// `getsockopt` into `out`; returns the number of bytes the kernel wrote.
pub(crate) fn get_bytes(
    fd: BorrowedSocket<'_>,
    level: c_int,
    name: c_int,
    out: &mut [u8],
) -> io::Result<usize> {
    // SAFETY: `out` is `out.len()` writable bytes, alive across the call.
    unsafe { getsockopt_raw(fd, level, name, out.as_mut_ptr(), out.len()) }
}

/// Readies a new ICMP datagram socket: nothing to do, Linux hands over
/// the ICMP message without the IPv4 header already.
pub(crate) fn prepare_icmp_datagram(_fd: BorrowedSocket<'_>) -> io::Result<()> {
    Ok(())
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

pub(crate) use libc::{IP_BIND_ADDRESS_NO_PORT, IP_FREEBIND, IP_MULTICAST_ALL, IP_TRANSPARENT};

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
    unsafe {
        setsockopt_raw(
            fd,
            libc::IPPROTO_IP,
            name,
            (value as *const T).cast(),
            len,
        )
    }
}

/// `getsockopt` into `value`, whose bytes the kernel reads first (an
/// in-out structure, as `MCAST_MSFILTER` and `IP_MSFILTER` are).
fn get_in_place<T: Copy>(fd: BorrowedSocket<'_>, name: c_int, value: &mut T) -> io::Result<()> {
    // SAFETY: `value` is `size_of::<T>()` initialised, writable bytes; the
    // kernel reads the head it needs and writes at most the sources its
    // `numsrc` field leaves room for (set by the caller within `T`), and
    // `T` is plain integers and addresses, valid for any bytes.
    unsafe {
        getsockopt_raw(
            fd,
            libc::IPPROTO_IP,
            name,
            (value as *mut T).cast(),
            size_of::<T>(),
        )
    }
    .map(drop)
}

/// The `group_req` of `MCAST_JOIN_GROUP`/`MCAST_LEAVE_GROUP`.
pub(crate) fn group_req(if_index: u32, group: Ipv4Addr) -> io::Result<GroupReq> {
    Ok(GroupReq::new(if_index, group))
}

/// The `group_source_req` of the `MCAST_*_SOURCE*` calls.
pub(crate) fn group_source_req(
    if_index: u32,
    group: Ipv4Addr,
    source: Ipv4Addr,
) -> io::Result<GroupSourceReq> {
    Ok(GroupSourceReq::new(if_index, group, source))
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

    #[test]
    fn cmsg_layout_matches_libc_macros() {
        for n in [0u32, 1, 4, 12, 13] {
            // SAFETY: CMSG_SPACE/CMSG_LEN are pure arithmetic.
            let (space, len) = unsafe { (libc::CMSG_SPACE(n), libc::CMSG_LEN(n)) };
            assert_eq!(CMSG_LAYOUT.space_of(n as usize), space as usize);
            assert_eq!(CMSG_LAYOUT.len_of(n as usize), len as usize);
        }
    }
}
