//! Sockets and kernel tables the kernel tests share: raw IPv4 sockets of a
//! given protocol, packet sockets that watch what crosses a namespace's
//! links, and the IGMP membership table.

use std::net::Ipv4Addr;
use std::time::Duration;

use socket2::{Domain, Protocol, Socket, Type};

/// A raw IPv4 socket of `protocol` with a read timeout, in the calling
/// thread's network namespace (needs `CAP_NET_RAW`).
pub fn raw(protocol: u8, timeout: Duration) -> Socket {
    let s = Socket::new(
        Domain::IPV4,
        Type::RAW,
        Some(Protocol::from(i32::from(protocol))),
    )
    .expect("a raw IPv4 socket (needs root)");
    s.set_read_timeout(Some(timeout)).unwrap();
    s
}

/// A packet socket (`AF_PACKET`, `SOCK_DGRAM`: link header removed) that
/// sees every frame of `ethertype` (e.g. `libc::ETH_P_IP`, or
/// `libc::ETH_P_ALL` for all) in the calling thread's namespace, in both
/// directions, before the IP layer touches it.
pub fn packet_capture(ethertype: u16, timeout: Duration) -> Socket {
    let proto = i32::from(ethertype.to_be());
    let s = Socket::new(Domain::PACKET, Type::DGRAM, Some(Protocol::from(proto)))
        .expect("a packet socket (needs root)");
    s.set_read_timeout(Some(timeout)).unwrap();
    s
}

/// Whether the calling thread's namespace has `group` joined on interface
/// `ifname`, per `/proc/thread-self/net/igmp` (groups are printed as the
/// `__be32` read as a host integer).
pub fn igmp_member(ifname: &str, group: Ipv4Addr) -> bool {
    let table = std::fs::read_to_string("/proc/thread-self/net/igmp").unwrap();
    let want = format!("{:08X}", u32::from_ne_bytes(group.octets()));
    let mut current = "";
    for line in table.lines().skip(1) {
        if !line.starts_with('\t') {
            current = line.split_whitespace().nth(1).unwrap_or("");
        } else if current == ifname && line.split_whitespace().next() == Some(want.as_str()) {
            return true;
        }
    }
    false
}
