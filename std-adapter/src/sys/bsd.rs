//! The BSD kernels: macOS and iOS, FreeBSD, NetBSD, OpenBSD and DragonFly.
//! Option and message numbers, the structures whose layout differs
//! between them (`sockaddr_in` with `sin_len`, the packed `group_req` of
//! macOS), the control-message layout, how each names the multicast
//! interface, and the raw-header byte order.
//!
//! What differs between the five, by `cfg`:
//!
//! | | macOS/iOS | FreeBSD | NetBSD | OpenBSD | DragonFly |
//! |---|---|---|---|---|---|
//! | destination, interface received | `IP_RECVPKTINFO` | `IP_RECVDSTADDR`, `IP_RECVIF` | same | same | same |
//! | TOS received | `IP_RECVTOS` | `IP_RECVTOS` | — | — | — |
//! | source sent | `IP_PKTINFO` | `IP_SENDSRCADDR` | `IP_SENDSRCADDR` | `IP_SENDSRCADDR` | — |
//! | TOS sent per datagram | `IP_TOS`, an `int` | `IP_TOS`, a byte (UDP) | — | — | — |
//! | `IP_MINTTL`, `SO_PROTOCOL` | — | yes | — | — | — |
//! | `IP_MULTICAST_IF` | `ip_mreqn` | `ip_mreqn` | `in_addr` | `in_addr` | `in_addr` |
//! | membership | `MCAST_*`, packed `group_req` | `MCAST_*` | `ip_mreq` | `ip_mreq` | `ip_mreq` |
//! | batches | a loop | `recvmmsg`/`sendmmsg` | `recvmmsg`/`sendmmsg` | a loop | a loop |
//! | raw header | host order | by `kern.osreldate` | host order | network order | host order |

use std::mem::{offset_of, size_of};
use std::net::SocketAddrV4;

use ipv4_core::control::ControlFlags;

use super::layouts;
#[cfg(ipv4_std_group_req_bytes)]
use super::layouts::McastReq;
use super::unix::{c_int, in_addr};
use crate::cmsg::Layout;

#[cfg(test)]
pub(crate) use libc::EINVAL;
pub(crate) use libc::IP_HDRINCL;
#[cfg(not(ipv4_std_mmsg))]
pub(crate) use libc::MSG_DONTWAIT;
#[cfg(ipv4_std_mcast_source)]
pub(crate) use libc::{
    MCAST_BLOCK_SOURCE, MCAST_JOIN_GROUP, MCAST_JOIN_SOURCE_GROUP, MCAST_LEAVE_GROUP,
    MCAST_LEAVE_SOURCE_GROUP, MCAST_UNBLOCK_SOURCE,
};
/// `IP_MINTTL` (FreeBSD `netinet/in.h`: 66): `ip_ctloutput` takes 0 to
/// 255 (`sys/netinet/ip_output.c`; older releases refused 0 with
/// `EINVAL`), and `tcp_input`, `udp_input` and `rip_input` drop what
/// arrives with a lower TTL.
#[cfg(ipv4_std_minttl)]
pub(crate) use libc::IP_MINTTL;
/// `SO_PROTOCOL` (FreeBSD `sys/socket.h`: 0x1016): `sogetopt` reports
/// `so_proto->pr_protocol` (`sys/kern/uipc_socket.c`), the protocol of
/// the `protosw` entry the socket was made from. A raw socket for a
/// protocol without an entry of its own (not ICMP, IGMP, …) is made from
/// the "raw wildcard" entry of `sys/netinet/in_proto.c`, whose protocol
/// is 0: it reports 0, not the protocol it was opened for.
#[cfg(ipv4_std_so_protocol)]
pub(crate) use libc::SO_PROTOCOL;
/// Without `MCAST_*`, membership is `IP_ADD_MEMBERSHIP` and
/// `IP_DROP_MEMBERSHIP` with an `ip_mreq` (see [`GroupReq`]).
#[cfg(not(ipv4_std_mcast_source))]
pub(crate) use libc::{IP_ADD_MEMBERSHIP as MCAST_JOIN_GROUP, IP_DROP_MEMBERSHIP as MCAST_LEAVE_GROUP};


#[cfg(target_vendor = "apple")]
const TABLE: Layout = layouts::APPLE;
#[cfg(target_os = "freebsd")]
const TABLE: Layout = layouts::FREEBSD;
#[cfg(target_os = "netbsd")]
const TABLE: Layout = layouts::NETBSD;
#[cfg(target_os = "openbsd")]
const TABLE: Layout = layouts::OPENBSD;
#[cfg(target_os = "dragonfly")]
const TABLE: Layout = layouts::DRAGONFLY;

/// The unit `CMSG_ALIGN` rounds to on this target, from libc's own
/// `CMSG_SPACE` (which aligns the header and then the data).
// SAFETY: `CMSG_SPACE` is arithmetic on its argument only.
const CMSG_UNIT: usize = unsafe { libc::CMSG_SPACE(1) - libc::CMSG_SPACE(0) } as usize;

/// The control-message layout of this kernel: [`layouts`]'s entry for it,
/// with the alignment of this target (which differs between
/// architectures: 4 on NetBSD/arm64, 16 on sparc64).
pub(crate) const CMSG_LAYOUT: Layout = Layout {
    align: CMSG_UNIT,
    header_len: size_of::<libc::cmsghdr>(),
    len_offset: offset_of!(libc::cmsghdr, cmsg_len),
    level_offset: offset_of!(libc::cmsghdr, cmsg_level),
    type_offset: offset_of!(libc::cmsghdr, cmsg_type),
    ip_level: libc::IPPROTO_IP,
    ..TABLE
};

// The table agrees with libc for this target: header, alignment on
// x86_64 and Apple targets, `CMSG_SPACE` and `CMSG_LEN` of every size the
// codec uses.
const _: () = {
    assert!(CMSG_LAYOUT.header_len == TABLE.header_len);
    assert!(CMSG_LAYOUT.len_offset == TABLE.len_offset);
    assert!(CMSG_LAYOUT.level_offset == TABLE.level_offset);
    assert!(CMSG_LAYOUT.type_offset == TABLE.type_offset);
    assert!(CMSG_LAYOUT.ip_level == TABLE.ip_level);
    assert!(!cfg!(any(target_arch = "x86_64", target_vendor = "apple")) || CMSG_UNIT == TABLE.align);
    let mut n = 0;
    while n <= 100 {
        // SAFETY: arithmetic on the argument only.
        let (space, len) = unsafe { (libc::CMSG_SPACE(n as u32), libc::CMSG_LEN(n as u32)) };
        assert!(CMSG_LAYOUT.space_of(n) == space as usize);
        assert!(CMSG_LAYOUT.len_of(n) == len as usize);
        n += 1;
    }
};

/// Which option turns on which received control messages. On the BSDs the
/// option and the message it enables share a number (`IP_RECVTTL`,
/// `IP_RECVDSTADDR`, `IP_RECVIF`, `IP_RECVTOS`; `IP_RECVPKTINFO` is
/// `IP_PKTINFO` on macOS).
#[cfg(target_vendor = "apple")]
pub(crate) const RECV_CONTROL_OPTIONS: &[(ControlFlags, c_int)] = &[
    (ControlFlags::TTL, TABLE.recv_ttl.unwrap()),
    (
        ControlFlags::DST.union(ControlFlags::INTERFACE),
        TABLE.pktinfo.unwrap(),
    ),
    (ControlFlags::TOS, TABLE.recv_tos.unwrap()),
];
/// Which option turns on which received control messages (see above).
#[cfg(target_os = "freebsd")]
pub(crate) const RECV_CONTROL_OPTIONS: &[(ControlFlags, c_int)] = &[
    (ControlFlags::TTL, TABLE.recv_ttl.unwrap()),
    (ControlFlags::DST, TABLE.recv_dstaddr.unwrap()),
    (ControlFlags::INTERFACE, TABLE.recv_if.unwrap()),
    (ControlFlags::TOS, TABLE.recv_tos.unwrap()),
];
/// Which option turns on which received control messages (see above);
/// no TOS.
#[cfg(any(target_os = "netbsd", target_os = "openbsd", target_os = "dragonfly"))]
pub(crate) const RECV_CONTROL_OPTIONS: &[(ControlFlags, c_int)] = &[
    (ControlFlags::TTL, TABLE.recv_ttl.unwrap()),
    (ControlFlags::DST, TABLE.recv_dstaddr.unwrap()),
    (ControlFlags::INTERFACE, TABLE.recv_if.unwrap()),
];

/// A `sockaddr_in` for `addr`, with `sin_len`.
pub(crate) fn sockaddr_in(addr: SocketAddrV4) -> libc::sockaddr_in {
    libc::sockaddr_in {
        sin_len: size_of::<libc::sockaddr_in>() as u8,
        sin_family: libc::AF_INET as libc::sa_family_t,
        sin_port: addr.port().to_be(),
        sin_addr: in_addr(*addr.ip()),
        sin_zero: [0; 8],
    }
}

/// Where `group_req` puts its fields here.
#[cfg(target_vendor = "apple")]
pub(crate) const GROUP_REQ: layouts::GroupReqLayout = layouts::GROUP_REQ_APPLE;
/// Where `group_req` puts its fields here.
#[cfg(target_os = "freebsd")]
pub(crate) const GROUP_REQ: layouts::GroupReqLayout = layouts::GROUP_REQ_FREEBSD;

/// `struct group_req`, as bytes laid out by [`layouts`].
#[cfg(ipv4_std_group_req_bytes)]
pub(crate) type GroupReq = McastReq<{ GROUP_REQ.req_len }>;
/// `struct group_source_req`, as bytes laid out by [`layouts`].
#[cfg(ipv4_std_group_req_bytes)]
pub(crate) type GroupSourceReq = McastReq<{ GROUP_REQ.source_req_len }>;

// The layouts agree with libc's structures for this target (on macOS
// `#[repr(packed(4))]`, as the header's `#pragma pack(4)`).
#[cfg(ipv4_std_group_req_bytes)]
const _: () = {
    assert!(size_of::<GroupReq>() == size_of::<libc::group_req>());
    assert!(size_of::<GroupSourceReq>() == size_of::<libc::group_source_req>());
    assert!(offset_of!(libc::group_req, gr_group) == GROUP_REQ.group_offset);
    assert!(offset_of!(libc::group_source_req, gsr_group) == GROUP_REQ.group_offset);
    assert!(offset_of!(libc::group_source_req, gsr_source) == GROUP_REQ.source_offset);
    assert!(size_of::<libc::sockaddr_in>() == 16);
    assert!(libc::AF_INET == 2);
};

/// The `ip_mreq` of `IP_ADD_MEMBERSHIP`/`IP_DROP_MEMBERSHIP`
/// ([`MCAST_JOIN_GROUP`]/[`MCAST_LEAVE_GROUP`] here): the interface by its
/// first IPv4 address, or for index 0 `INADDR_ANY` (the routing table
/// chooses).
#[cfg(not(ipv4_std_mcast_source))]
pub(crate) fn group_req(
    if_index: u32,
    group: std::net::Ipv4Addr,
) -> std::io::Result<libc::ip_mreq> {
    let interface = match if_index {
        0 => std::net::Ipv4Addr::UNSPECIFIED,
        index => super::interface_ipv4(index)?,
    };
    Ok(libc::ip_mreq {
        imr_multiaddr: in_addr(group),
        imr_interface: in_addr(interface),
    })
}

// (`ip_mreq` is an `OptionValue` in `unix.rs`, for membership by address.)

/// The header formats of this kernel's raw sockets: FreeBSD's changed
/// with 11.0, so it is read once from `kern.osreldate`.
#[cfg(ipv4_std_raw = "osreldate")]
pub(crate) fn raw_formats() -> layouts::RawFormats {
    static FORMATS: std::sync::OnceLock<layouts::RawFormats> = std::sync::OnceLock::new();
    *FORMATS.get_or_init(|| {
        let mut value: c_int = 0;
        let mut len = size_of::<c_int>();
        // SAFETY: the name is NUL-terminated; `value` is `len` writable
        // bytes and the kernel writes at most that many, updating `len`.
        let rc = unsafe {
            libc::sysctlbyname(
                c"kern.osreldate".as_ptr(),
                (&raw mut value).cast(),
                &mut len,
                std::ptr::null(),
                0,
            )
        };
        // Rust's standard library needs FreeBSD 12 or later: should the
        // call fail, that is the safest guess.
        let osreldate = if rc == 0 && len == size_of::<c_int>() {
            i64::from(value)
        } else {
            1_200_000
        };
        layouts::freebsd_raw(osreldate)
    })
}

/// `IP_STRIPHDR` (xnu `bsd/netinet/in.h:440`; not in libc): a raw or
/// ICMP datagram socket receives without the IPv4 header (`rip_input`,
/// `bsd/netinet/raw_ip.c:227`).
#[cfg(ipv4_std_ping)]
const IP_STRIPHDR: c_int = 23;

/// Readies a new ICMP datagram socket to receive as Linux's does: the
/// ICMP message without the IPv4 header (`IP_STRIPHDR`; `icmp(4)` lists it
/// among the options these sockets take).
#[cfg(ipv4_std_ping)]
pub(crate) fn prepare_icmp_datagram(fd: super::BorrowedSocket<'_>) -> std::io::Result<()> {
    super::set_int(fd, libc::IPPROTO_IP, IP_STRIPHDR, 1)
}
