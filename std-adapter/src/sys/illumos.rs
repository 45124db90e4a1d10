//! illumos and Solaris: option and message numbers (the `MCAST_*` calls
//! and `IP_RECVTTL` are missing from `libc` for these targets and are
//! taken from `netinet/in.h`), the `group_req` layout (packed to 4 on
//! amd64), the control-message layout (`IP_RECVPKTINFO`, and `IP_RECVTTL`
//! as a byte), and `IP_MULTICAST_IF` by address. Batches are a loop; raw
//! headers are in network order.

use std::mem::size_of;
use std::net::SocketAddrV4;

use ipv4_core::control::ControlFlags;

use super::layouts::{self, McastReq};
use super::unix::{c_int, in_addr};
use crate::cmsg::Layout;

#[cfg(test)]
pub(crate) use libc::EINVAL;
pub(crate) use libc::{IP_HDRINCL, MSG_DONTWAIT};

/// `MCAST_JOIN_GROUP` (`netinet/in.h`).
pub(crate) const MCAST_JOIN_GROUP: c_int = 0x29;
/// `MCAST_LEAVE_GROUP`.
pub(crate) const MCAST_LEAVE_GROUP: c_int = 0x2a;
/// `MCAST_BLOCK_SOURCE`.
pub(crate) const MCAST_BLOCK_SOURCE: c_int = 0x2b;
/// `MCAST_UNBLOCK_SOURCE`.
pub(crate) const MCAST_UNBLOCK_SOURCE: c_int = 0x2c;
/// `MCAST_JOIN_SOURCE_GROUP`.
pub(crate) const MCAST_JOIN_SOURCE_GROUP: c_int = 0x2d;
/// `MCAST_LEAVE_SOURCE_GROUP`.
pub(crate) const MCAST_LEAVE_SOURCE_GROUP: c_int = 0x2e;


/// The control-message layout: [`layouts::ILLUMOS`] with the header as
/// libc declares it.
pub(crate) const CMSG_LAYOUT: Layout = Layout {
    header_len: size_of::<libc::cmsghdr>(),
    ip_level: libc::IPPROTO_IP,
    ..layouts::ILLUMOS
};

// libc's `CMSG_SPACE`/`CMSG_LEN` for x86 (`_CMSG_HDR_ALIGN` of header
// and data together, `_CMSG_DATA_ALIGN` of the header) agree with the
// layout's header-then-data rounding.
#[cfg(any(target_arch = "x86_64", target_arch = "x86"))]
const _: () = {
    assert!(CMSG_LAYOUT.header_len == layouts::ILLUMOS.header_len);
    assert!(libc::IP_PKTINFO == 0x1a);
    // The data sizes the codec writes and reads: a byte, an int or
    // in_addr, an in_pktinfo.
    let sizes: [u32; 4] = [1, 4, 12, 13];
    let mut i = 0;
    while i < sizes.len() {
        // SAFETY: arithmetic on the argument only.
        let space = unsafe { libc::CMSG_SPACE(sizes[i]) } as usize;
        // SAFETY: as above.
        let len = unsafe { libc::CMSG_LEN(sizes[i]) } as usize;
        assert!(space == CMSG_LAYOUT.space_of(sizes[i] as usize));
        assert!(len == CMSG_LAYOUT.len_of(sizes[i] as usize));
        i += 1;
    }
};

/// Which option turns on which received control messages: `IP_RECVTTL`
/// for the TTL, `IP_RECVPKTINFO` (which is `IP_PKTINFO`) for destination
/// and interface. No TOS.
pub(crate) const RECV_CONTROL_OPTIONS: &[(ControlFlags, c_int)] = &[
    (ControlFlags::TTL, layouts::ILLUMOS.recv_ttl.unwrap()),
    (
        ControlFlags::DST.union(ControlFlags::INTERFACE),
        layouts::ILLUMOS.pktinfo.unwrap(),
    ),
];

/// A `sockaddr_in` for `addr` (no `sin_len` here).
pub(crate) fn sockaddr_in(addr: SocketAddrV4) -> libc::sockaddr_in {
    libc::sockaddr_in {
        sin_family: libc::AF_INET as libc::sa_family_t,
        sin_port: addr.port().to_be(),
        sin_addr: in_addr(*addr.ip()),
        sin_zero: [0; 8],
    }
}

/// Where `group_req` puts its fields here.
pub(crate) const GROUP_REQ: layouts::GroupReqLayout = layouts::GROUP_REQ_ILLUMOS;
/// `struct group_req`, as bytes laid out by [`layouts`].
pub(crate) type GroupReq = McastReq<{ GROUP_REQ.req_len }>;
/// `struct group_source_req`, as bytes laid out by [`layouts`].
pub(crate) type GroupSourceReq = McastReq<{ GROUP_REQ.source_req_len }>;

// libc has no `group_req` for illumos; its `sockaddr_storage` (256 bytes)
// and `sockaddr_in` (16) agree with the layout.
const _: () = {
    assert!(size_of::<libc::sockaddr_storage>() == 256);
    assert!(size_of::<libc::sockaddr_in>() == 16);
    assert!(size_of::<GroupReq>() == 4 + 256);
};
