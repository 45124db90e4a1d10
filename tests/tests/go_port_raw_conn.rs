//! Go's own `RawConn` tests (golang.org/x/net/ipv4: unicastsockopt_test.go,
//! unicast_test.go, multicastsockopt_test.go, multicast_test.go,
//! multicastlistener_test.go), ported. Upstream they never run on Linux:
//! its raw-socket probe uses protocol 0, which Linux refuses.
//!
//! Where Go tests against a loopback interface of the host, these run in a
//! private namespace (its loopback, or a veth pair), and they check what
//! Go only logs: the TOS/TTL the kernel sent, and group membership in
//! `/proc/net/igmp`. They need root and skip with a printed reason
//! without it.

use ipv4_std::prelude::*;
use std::net::Ipv4Addr;
use std::time::Duration;

use ipv4_std::ipv4_core::header::{Header, Protocol};
use ipv4_std::ipv4_core::icmp::{IcmpFilter, IcmpType};
use ipv4_std::{ControlFlags, ControlMessage, RawConn};
use ipv4_tests::netns::{Netns, VethPair};
use ipv4_tests::sockets;
use socket2::Socket;

const WAIT: Duration = Duration::from_secs(5);
const PAYLOAD: &[u8] = b"HELLO-R-U-THERE";

fn raw_conn(protocol: u8) -> RawConn<Socket> {
    RawConn::new(sockets::raw(protocol, WAIT)).unwrap()
}

/// An ICMP echo request with a correct checksum.
fn echo_request(id: u16, seq: u16) -> Vec<u8> {
    let mut m = vec![8, 0, 0, 0];
    m.extend_from_slice(&id.to_be_bytes());
    m.extend_from_slice(&seq.to_be_bytes());
    m.extend_from_slice(PAYLOAD);
    let sum = ipv4_std::ipv4_core::checksum::checksum(&m);
    m[2..4].copy_from_slice(&sum.to_be_bytes());
    m
}

/// TestRawConnUnicastSocketOptions: TOS 0 and TTL 255 set and read back
/// on an `ip4:icmp` RawConn.
fn raw_conn_unicast_socket_options() {
    let ns = Netns::new().unwrap();
    ns.run(|| {
        let conn = raw_conn(1);
        conn.set_tos(0).unwrap();
        assert_eq!(conn.tos().unwrap(), 0);
        conn.set_ttl(255).unwrap();
        assert_eq!(conn.ttl().unwrap(), 255);
    });
}

/// TestRawConnReadWriteUnicastICMP: echo requests with a hand-made header
/// (TOS i+1, TTL i+1) to 127.0.0.1 come back as echo replies. Linux also
/// delivers our own request; here it is checked to carry exactly the TOS
/// and TTL we wrote, which Go does not look at.
fn raw_conn_read_write_unicast_icmp() {
    let ns = Netns::new().unwrap();
    ns.run(|| {
        let conn = raw_conn(1);
        conn.set_control_message(ControlFlags::DST | ControlFlags::INTERFACE, true)
            .unwrap();
        let id = (std::process::id() & 0xffff) as u16;
        for i in 0..3u8 {
            let req = echo_request(id, u16::from(i) + 1);
            let header = Header::new(Ipv4Addr::UNSPECIFIED, Ipv4Addr::LOCALHOST, Protocol::ICMP)
                .with_tos(i + 1)
                .with_ttl(i + 1);
            conn.send(&header, &req, None).unwrap();
            let mut buf = [0u8; 20 + 128];
            let mut own = false;
            loop {
                let p = conn.recv(&mut buf).unwrap();
                assert_eq!(p.control.dst, Some(Ipv4Addr::LOCALHOST));
                assert_eq!(p.control.if_index, Some(1), "lo");
                match p.payload[0] {
                    8 => {
                        assert_eq!(p.payload, &req[..]);
                        assert_eq!(
                            (p.header.unwrap().tos(), p.header.unwrap().ttl()),
                            (i + 1, i + 1)
                        );
                        own = true;
                    }
                    0 => {
                        assert_eq!(p.payload[1], 0, "code 0");
                        assert_eq!(&p.payload[4..], &req[4..]);
                        break;
                    }
                    t => panic!("unexpected ICMP type {t}"),
                }
            }
            assert!(own, "Linux delivers the request to raw sockets first");
        }
    });
}

/// The same exchange with an ICMP filter that accepts only echo replies:
/// the request no longer reaches the socket.
fn raw_conn_icmp_filter_keeps_own_requests_out() {
    let ns = Netns::new().unwrap();
    ns.run(|| {
        let conn = raw_conn(1);
        let mut filter = IcmpFilter::block_all();
        filter.accept(IcmpType::ECHO_REPLY).unwrap();
        conn.set_icmp_filter(filter).unwrap();
        assert_eq!(conn.icmp_filter().unwrap(), filter);
        let header = Header::new(Ipv4Addr::LOCALHOST, Ipv4Addr::LOCALHOST, Protocol::ICMP);
        let req = echo_request(7, 1);
        conn.send(&header, &req, None).unwrap();
        let mut buf = [0u8; 256];
        let p = conn.recv(&mut buf).unwrap();
        assert_eq!(p.payload[0], 0, "the first datagram is the reply");
    });
}

/// TestRawConnMulticastSocketOptions, on a veth interface of a private
/// namespace: multicast TTL and loopback read back; join/leave of
/// 224.0.0.250; and the three source-specific sequences on 232.0.1.250,
/// each checked against the kernel's membership table.
fn raw_conn_multicast_socket_options() {
    let pair = VethPair::new().unwrap();
    let ifi = pair.a_index;
    let ifname = VethPair::A_IF;
    pair.a.run(move || {
        let conn = raw_conn(1);
        conn.set_multicast_ttl(255).unwrap();
        assert_eq!(conn.multicast_ttl().unwrap(), 255);
        for on in [true, false] {
            conn.set_multicast_loopback(on).unwrap();
            assert_eq!(conn.multicast_loopback().unwrap(), on);
        }

        let group = Ipv4Addr::new(224, 0, 0, 250);
        conn.join_group(ifi, group).unwrap();
        assert!(sockets::igmp_member(ifname, group));
        conn.leave_group(ifi, group).unwrap();
        assert!(!sockets::igmp_member(ifname, group));

        let ssm = Ipv4Addr::new(232, 0, 1, 250);
        let source = VethPair::B_ADDR;
        // 1. JoinGroup, ExcludeSourceSpecificGroup, IncludeSourceSpecificGroup, LeaveGroup.
        conn.join_group(ifi, ssm).unwrap();
        conn.exclude_source_specific_group(ifi, ssm, source)
            .unwrap();
        conn.include_source_specific_group(ifi, ssm, source)
            .unwrap();
        assert!(sockets::igmp_member(ifname, ssm));
        conn.leave_group(ifi, ssm).unwrap();
        assert!(!sockets::igmp_member(ifname, ssm));
        // 2. JoinSourceSpecificGroup, LeaveSourceSpecificGroup.
        conn.join_source_specific_group(ifi, ssm, source).unwrap();
        assert!(sockets::igmp_member(ifname, ssm));
        conn.leave_source_specific_group(ifi, ssm, source).unwrap();
        assert!(!sockets::igmp_member(ifname, ssm));
        // 3. JoinSourceSpecificGroup, LeaveGroup.
        conn.join_source_specific_group(ifi, ssm, source).unwrap();
        assert!(sockets::igmp_member(ifname, ssm));
        conn.leave_group(ifi, ssm).unwrap();
        assert!(!sockets::igmp_member(ifname, ssm));
    });
}

/// TestRawConnReadWriteMulticastICMP: a header addressed to a group
/// (TTL 1, sent out of the veth by control message) reaches the peer,
/// which has joined the group and answers echoes to groups; its unicast
/// reply comes back.
fn raw_conn_read_write_multicast_icmp() {
    let pair = VethPair::new().unwrap();
    pair.b
        .sysctl("net.ipv4.icmp_echo_ignore_broadcasts", "0")
        .unwrap();
    let group = Ipv4Addr::new(224, 0, 0, 254);
    let b_index = pair.b_index;
    let member = pair.b.run(move || {
        let m = raw_conn(1);
        m.join_group(b_index, group).unwrap();
        m
    });
    let conn = pair.a.run(raw_conn_icmp);
    conn.set_multicast_loopback(false).unwrap();
    conn.set_control_message(ControlFlags::DST | ControlFlags::SRC, true)
        .unwrap();
    let cm = ControlMessage {
        if_index: Some(pair.a_index),
        ..ControlMessage::default()
    };
    for seq in 1..=3u16 {
        let req = echo_request(0x5150, seq);
        let header = Header::new(VethPair::A_ADDR, group, Protocol::ICMP).with_ttl(1);
        conn.send(&header, &req, Some(&cm)).unwrap();
        let mut buf = [0u8; 256];
        let p = conn.recv(&mut buf).unwrap();
        assert_eq!(p.header.unwrap().source(), VethPair::B_ADDR);
        assert_eq!(
            p.header.unwrap().destination(),
            VethPair::A_ADDR,
            "unicast reply"
        );
        assert_eq!(p.control.src, Some(VethPair::B_ADDR));
        assert_eq!(p.control.dst, Some(VethPair::A_ADDR));
        assert_eq!((p.payload[0], p.payload[1]), (0, 0), "echo reply");
        assert_eq!(&p.payload[4..], &req[4..]);
    }
    drop(member);
}

/// A raw ICMP RawConn that only sees echo replies (Linux would also hand
/// it the multicast requests the member receives, and our own).
fn raw_conn_icmp() -> RawConn<Socket> {
    let conn = raw_conn(1);
    let mut filter = IcmpFilter::block_all();
    filter.accept(IcmpType::ECHO_REPLY).unwrap();
    conn.set_icmp_filter(filter).unwrap();
    conn
}

/// TestIPSingleRawConnWithSingleGroupListener and
/// TestIPPerInterfaceSingleRawConnWithSingleGroupListener: one `ip4:icmp`
/// RawConn joins 224.0.0.254 on every multicast interface; then one
/// `ip4:253` RawConn per interface address joins it on its interface.
/// Go does this on the host's real interfaces; here the namespace has two
/// veth links.
fn raw_conn_group_listeners() {
    let pair = VethPair::new().unwrap();
    let second = "veth-c";
    pair.a
        .ip(&[
            "link", "add", second, "type", "veth", "peer", "name", "veth-d",
        ])
        .unwrap();
    pair.a
        .ip(&["addr", "add", "203.0.113.1/24", "dev", second])
        .unwrap();
    pair.a.ip(&["link", "set", second, "up"]).unwrap();
    let second_index = pair.a.if_index(second).unwrap();
    let interfaces = [
        (VethPair::A_IF, pair.a_index, VethPair::A_ADDR),
        (second, second_index, Ipv4Addr::new(203, 0, 113, 1)),
    ];
    let group = Ipv4Addr::new(224, 0, 0, 254);
    pair.a.run(move || {
        let single = raw_conn(1);
        for (name, index, _) in interfaces {
            single.join_group(index, group).unwrap();
            assert!(sockets::igmp_member(name, group), "{name}");
        }
        for (name, index, _) in interfaces {
            single.leave_group(index, group).unwrap();
            assert!(!sockets::igmp_member(name, group), "{name}");
        }

        let per_interface: Vec<RawConn<Socket>> = interfaces
            .iter()
            .map(|&(name, index, addr)| {
                let s = sockets::raw(253, WAIT);
                s.bind(&std::net::SocketAddrV4::new(addr, 0).into())
                    .unwrap();
                let conn = RawConn::new(s).unwrap();
                conn.join_group(index, group).unwrap();
                assert!(sockets::igmp_member(name, group), "{name}");
                conn
            })
            .collect();
        for (conn, (name, index, _)) in per_interface.iter().zip(interfaces) {
            conn.leave_group(index, group).unwrap();
            assert!(!sockets::igmp_member(name, group), "{name}");
        }
    });
}

#[path = "../../std-adapter/examples/common/harness.rs"]
mod harness;

fn main() {
    use harness::kernel;
    harness::run([
        kernel(raw_conn_unicast_socket_options),
        kernel(raw_conn_read_write_unicast_icmp),
        kernel(raw_conn_icmp_filter_keeps_own_requests_out),
        kernel(raw_conn_multicast_socket_options),
        kernel(raw_conn_read_write_multicast_icmp),
        kernel(raw_conn_group_listeners),
    ]);
}
