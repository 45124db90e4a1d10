//! Linux and Android: option and message numbers, the C structures whose
//! layout is Linux's own (`ip_mreqn`, `group_req`, `sock_fprog`,
//! `sockaddr_in`), and the control-message layout. (The batch calls,
//! which FreeBSD and NetBSD share, are in `mmsg.rs`.)

use std::io;
use std::mem::{offset_of, size_of};
use std::net::{Ipv4Addr, SocketAddrV4};

use ipv4_core::control::ControlFlags;

use super::unix::{BorrowedSocket, OptionValue, c_int, get_int, setsockopt};
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

/// `ICMP_FILTER` at level `SOL_RAW`, from `<linux/icmp.h>` (the libc crate
/// does not have it).
pub(crate) const ICMP_FILTER: c_int = 1;

/// The layout of a Linux control buffer ([`cmsg(3)`]): `struct cmsghdr`
/// as libc declares it for this target (16 bytes on 64-bit targets, 12 on
/// 32-bit ones, `cmsg_len` a `size_t`, or on musl a `socklen_t` beside
/// padding), `CMSG_ALIGN` rounding to a `size_t` (glibc, musl and the
/// kernel alike), and `IP_TTL`, `IP_TOS` and `IP_PKTINFO` as the message
/// types both ways.
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
};

const fn field_size<T, F>(_field: fn(&T) -> &F) -> usize {
    size_of::<F>()
}

/// Which option turns on which received control messages: `IP_RECVTTL`
/// for the TTL, one `IP_PKTINFO` for both destination and interface,
/// `IP_RECVTOS` for the TOS. ([`ControlFlags::SRC`] needs none: the source
/// is the datagram's address.)
pub(crate) const RECV_CONTROL_OPTIONS: &[(ControlFlags, c_int)] = &[
    (ControlFlags::TTL, libc::IP_RECVTTL),
    (
        ControlFlags::DST.union(ControlFlags::INTERFACE),
        libc::IP_PKTINFO,
    ),
    (ControlFlags::TOS, libc::IP_RECVTOS),
];

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
