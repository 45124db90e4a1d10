//! The membership requests of the kernels with `MCAST_*` and a
//! `group_req` of their own layout (macOS/iOS, FreeBSD, illumos, Windows):
//! byte arrays laid out as the family's `GROUP_REQ` says (Linux has its
//! own `#[repr(C)]` structures).

use std::io;
use std::net::Ipv4Addr;

use super::layouts::McastReq;
use super::{GROUP_REQ, GroupReq, GroupSourceReq};

// SAFETY: a byte array; every bit pattern is valid.
unsafe impl<const N: usize> super::OptionValue for McastReq<N> {}

/// The `group_req` of `MCAST_JOIN_GROUP`/`MCAST_LEAVE_GROUP`.
pub(crate) fn group_req(if_index: u32, group: Ipv4Addr) -> io::Result<GroupReq> {
    Ok(McastReq::new(&GROUP_REQ, if_index, group, None))
}

/// The `group_source_req` of the `MCAST_*_SOURCE*` calls.
pub(crate) fn group_source_req(
    if_index: u32,
    group: Ipv4Addr,
    source: Ipv4Addr,
) -> io::Result<GroupSourceReq> {
    Ok(McastReq::new(&GROUP_REQ, if_index, group, Some(source)))
}
