//! Multicast through `PacketConn` between two private namespaces joined by
//! a veth link: the IGMP reports the kernel emits for each membership call
//! (captured on the peer with a raw IGMP socket, IGMPv2 and IGMPv3 forced
//! per interface), and what each call does to delivery: source-specific
//! joins, blocked and unblocked sources, leaves, multicast TTL, loopback and
//! interface choice. Ports the scenarios of Go's `multicast_test.go` and
//! `multicastlistener_test.go`.
//!
//! Sockets are created inside a namespace (a socket belongs to the
//! namespace it was created in) and then used from the test thread.
//! Every test needs root and skips with a printed reason without it.

use ipv4_std::prelude::*;
use std::net::{Ipv4Addr, SocketAddrV4, UdpSocket};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc;
use std::thread;
use std::time::Duration;

use ipv4_std::ipv4_core::header::HeaderView;
use ipv4_std::ipv4_core::igmp::RecordType;
use ipv4_std::ipv4_core::{checksum, igmp, options};
use ipv4_std::{ControlFlags, ControlMessage, MulticastInterface, PacketConn};
use ipv4_tests::netns::{Netns, VethPair};
use socket2::{Domain, Protocol, Socket, Type};

const WAIT: Duration = Duration::from_secs(10);

/// One group record of an IGMPv3 report (RFC 3376 §4.2.4).
#[derive(Debug, Clone, PartialEq, Eq)]
struct Record {
    kind: RecordType,
    group: Ipv4Addr,
    sources: Vec<Ipv4Addr>,
}

const MODE_IS_INCLUDE: RecordType = RecordType::MODE_IS_INCLUDE;
const CHANGE_TO_INCLUDE: RecordType = RecordType::CHANGE_TO_INCLUDE_MODE;
const CHANGE_TO_EXCLUDE: RecordType = RecordType::CHANGE_TO_EXCLUDE_MODE;
const ALLOW_NEW_SOURCES: RecordType = RecordType::ALLOW_NEW_SOURCES;
const BLOCK_OLD_SOURCES: RecordType = RecordType::BLOCK_OLD_SOURCES;

/// An IGMP message seen on the wire, with the IPv4 destination it was sent
/// to.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Igmp {
    V2Report { dst: Ipv4Addr, group: Ipv4Addr },
    V2Leave { dst: Ipv4Addr, group: Ipv4Addr },
    V3Report { dst: Ipv4Addr, records: Vec<Record> },
    Other { dst: Ipv4Addr, kind: String },
}

/// Decodes an IPv4 packet carrying IGMP, as a raw IGMP socket delivers it,
/// with the core's header view, option walker and IGMP decoder. Returns the
/// source and the message; panics on anything malformed, since these come
/// from the kernel.
fn decode_igmp(header: HeaderView<&[u8]>) -> (Ipv4Addr, Igmp) {
    assert_eq!(
        header.protocol(),
        ipv4_std::ipv4_core::header::Protocol::IGMP
    );
    assert_eq!(
        header.ttl(),
        1,
        "IGMP is sent with TTL 1 (RFC 2236 §2, RFC 9776 §4)"
    );
    assert!(header.verify_checksum());
    // Every report carries Router Alert (RFC 2113).
    let router_alert = options::Options::new(header.options())
        .any(|o| matches!(o, Ok(options::Ipv4Option::RouterAlert(_))));
    assert!(
        router_alert,
        "router alert option missing: {:02x?}",
        header.options()
    );
    let dst = header.destination();
    let message = match igmp::Message::parse(header.payload()).unwrap() {
        igmp::Message::ReportV2(m) => Igmp::V2Report {
            dst,
            group: m.group(),
        },
        igmp::Message::Leave(m) => Igmp::V2Leave {
            dst,
            group: m.group(),
        },
        igmp::Message::ReportV3(r) => Igmp::V3Report {
            dst,
            records: r
                .records()
                .map(|rec| Record {
                    kind: rec.record_type,
                    group: rec.group,
                    sources: rec.sources.iter().collect(),
                })
                .collect(),
        },
        other => Igmp::Other {
            dst,
            kind: format!("{other:?}"),
        },
    };
    (header.source(), message)
}

/// A raw IGMP socket on one host, collecting what another host sends.
struct Capture {
    rx: mpsc::Receiver<Igmp>,
    stop: Arc<AtomicBool>,
    thread: Option<thread::JoinHandle<()>>,
    seen: Vec<Igmp>,
}

impl Capture {
    /// Listens in `ns` (whose interface has index `if_index`) for IGMP sent
    /// by `from`. The capturing host joins 224.0.0.22 (IGMPv3 reports),
    /// 224.0.0.2 (IGMPv2 leaves) and `groups` (IGMPv2 reports go to the
    /// group), since Linux delivers a multicast packet only to hosts that
    /// are members of its destination.
    fn start(ns: &Netns, if_index: u32, from: Ipv4Addr, groups: &[Ipv4Addr]) -> Capture {
        let groups = groups.to_vec();
        let conn = ns.run(move || {
            let s = Socket::new(Domain::IPV4, Type::RAW, Some(Protocol::from(2))).unwrap();
            s.set_read_timeout(Some(Duration::from_millis(50))).unwrap();
            let conn = PacketConn::new(s).unwrap();
            for g in [igmp::ALL_IGMPV3_ROUTERS, igmp::ALL_ROUTERS]
                .into_iter()
                .chain(groups)
            {
                conn.join_group(if_index, g).unwrap();
            }
            conn
        });
        let (tx, rx) = mpsc::channel();
        let stop = Arc::new(AtomicBool::new(false));
        let stop2 = stop.clone();
        let thread = thread::spawn(move || {
            let mut buf = [0u8; 1500];
            while !stop2.load(Ordering::Relaxed) {
                match conn.recv_from(&mut buf) {
                    Ok(p) => {
                        let Some(header) = p.header else { continue };
                        let (src, m) = decode_igmp(header);
                        if src == from && tx.send(m).is_err() {
                            return;
                        }
                    }
                    Err(e) if e.kind() == std::io::ErrorKind::WouldBlock => {}
                    Err(e) => panic!("capture: {e}"),
                }
            }
        });
        Capture {
            rx,
            stop,
            thread: Some(thread),
            seen: Vec::new(),
        }
    }

    /// Waits for a message that satisfies `want`, and returns it.
    fn expect(&mut self, what: &str, want: impl Fn(&Igmp) -> bool) -> Igmp {
        loop {
            match self.rx.recv_timeout(WAIT) {
                Ok(m) => {
                    self.seen.push(m.clone());
                    if want(&m) {
                        return m;
                    }
                }
                Err(_) => panic!("no IGMP message with {what}; saw {:#?}", self.seen),
            }
        }
    }

    /// Waits for an IGMPv3 report to 224.0.0.22 holding `record`.
    fn expect_record(&mut self, kind: RecordType, group: Ipv4Addr, sources: &[Ipv4Addr]) {
        let want = Record {
            kind,
            group,
            sources: sources.to_vec(),
        };
        self.expect(&format!("record {want:?}"), |m| match m {
            Igmp::V3Report { dst, records } => {
                *dst == igmp::ALL_IGMPV3_ROUTERS && records.contains(&want)
            }
            _ => false,
        });
    }
}

impl Drop for Capture {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::Relaxed);
        if let Some(t) = self.thread.take() {
            let r = t.join();
            if !thread::panicking() {
                r.unwrap();
            }
        }
    }
}

fn udp_in(ns: &Netns, port: u16) -> PacketConn<UdpSocket> {
    ns.run(move || {
        let s = UdpSocket::bind((Ipv4Addr::UNSPECIFIED, port)).unwrap();
        s.set_read_timeout(Some(WAIT)).unwrap();
        PacketConn::new(s).unwrap()
    })
}

fn recv(conn: &PacketConn<UdpSocket>) -> (Vec<u8>, ControlMessage, SocketAddrV4) {
    let mut buf = [0u8; 1500];
    let datagram = conn.recv_from(&mut buf).unwrap();
    let cm = datagram.control;
    let from = datagram.source;
    (datagram.payload.to_vec(), cm, from)
}

fn recv_data(conn: &PacketConn<UdpSocket>) -> Vec<u8> {
    recv(conn).0
}

fn force_igmp(ns: &Netns, ifname: &str, version: u8) {
    ns.sysctl(
        &format!("net.ipv4.conf.{ifname}.force_igmp_version"),
        &version.to_string(),
    )
    .unwrap();
}

/// A join and a leave, as IGMPv2 and as IGMPv3 messages on the wire.
fn join_and_leave_emit_igmp_v2_and_v3() {
    let group = Ipv4Addr::new(239, 1, 2, 3);
    for version in [2, 3] {
        let pair = VethPair::new().unwrap();
        force_igmp(&pair.a, VethPair::A_IF, version);
        let mut capture = Capture::start(&pair.b, pair.b_index, VethPair::A_ADDR, &[group]);
        let member = udp_in(&pair.a, 0);
        member.join_group(pair.a_index, group).unwrap();
        if version == 2 {
            capture.expect("a v2 report", |m| {
                *m == Igmp::V2Report { dst: group, group }
            });
        } else {
            capture.expect_record(CHANGE_TO_EXCLUDE, group, &[]);
        }
        member.leave_group(pair.a_index, group).unwrap();
        if version == 2 {
            capture.expect("a v2 leave to all-routers", |m| {
                *m == Igmp::V2Leave {
                    dst: igmp::ALL_ROUTERS,
                    group,
                }
            });
        } else {
            capture.expect_record(CHANGE_TO_INCLUDE, group, &[]);
        }
        assert!(
            !capture.seen.iter().any(|m| matches!(m, Igmp::Other { .. })),
            "{:?}",
            capture.seen
        );
    }
}

/// Two hosts: `a` is the member, `b` sends from two addresses and watches
/// a's IGMPv3 reports.
struct Hosts {
    pair: VethPair,
    member: PacketConn<UdpSocket>,
    sender: PacketConn<UdpSocket>,
    capture: Capture,
    port: u16,
}

/// b's second address, a second multicast source.
const B2: Ipv4Addr = Ipv4Addr::new(198, 51, 100, 4);

impl Hosts {
    fn new(port: u16) -> Hosts {
        let pair = VethPair::new().unwrap();
        force_igmp(&pair.a, VethPair::A_IF, 3);
        pair.b
            .ip(&["addr", "add", &format!("{B2}/24"), "dev", VethPair::B_IF])
            .unwrap();
        let capture = Capture::start(&pair.b, pair.b_index, VethPair::A_ADDR, &[]);
        let member = udp_in(&pair.a, port);
        let sender = udp_in(&pair.b, 0);
        sender
            .set_multicast_interface(MulticastInterface::Index(pair.b_index))
            .unwrap();
        Hosts {
            pair,
            member,
            sender,
            capture,
            port,
        }
    }

    /// b sends `data` to `group` from `source`.
    fn send(&self, group: Ipv4Addr, source: Ipv4Addr, data: &[u8]) {
        let cm = ControlMessage {
            src: Some(source),
            ..ControlMessage::default()
        };
        self.sender
            .send_to(data, Some(&cm), SocketAddrV4::new(group, self.port))
            .unwrap();
    }
}

/// Source-specific joins: the reports name the sources, and only joined
/// sources get through (Go's SSM sequences, with traffic).
fn source_specific_join_and_leave() {
    let mut h = Hosts::new(40100);
    let (ifi, s1) = (h.pair.a_index, VethPair::B_ADDR);
    let group = Ipv4Addr::new(232, 1, 1, 1);
    h.member.join_source_specific_group(ifi, group, s1).unwrap();
    h.capture.expect_record(ALLOW_NEW_SOURCES, group, &[s1]);
    h.send(group, B2, b"from-b2");
    h.send(group, s1, b"from-s1");
    assert_eq!(recv_data(&h.member), b"from-s1", "B2 is not joined");

    h.member.join_source_specific_group(ifi, group, B2).unwrap();
    h.capture.expect_record(ALLOW_NEW_SOURCES, group, &[B2]);
    h.send(group, B2, b"b2-joined");
    let (data, _, from) = recv(&h.member);
    assert_eq!((data.as_slice(), *from.ip()), (&b"b2-joined"[..], B2));

    h.member
        .leave_source_specific_group(ifi, group, s1)
        .unwrap();
    h.capture.expect_record(BLOCK_OLD_SOURCES, group, &[s1]);
    h.send(group, s1, b"s1-left");
    h.send(group, B2, b"b2-still");
    assert_eq!(recv_data(&h.member), b"b2-still");

    // Leaving the group drops the last source.
    h.member.leave_group(ifi, group).unwrap();
    h.capture.expect_record(BLOCK_OLD_SOURCES, group, &[B2]);
}

/// Any-source join with one source blocked and then unblocked
/// (`MCAST_BLOCK_SOURCE` / `MCAST_UNBLOCK_SOURCE`), and the leave.
fn block_and_unblock_a_source() {
    let mut h = Hosts::new(40200);
    let (ifi, s1) = (h.pair.a_index, VethPair::B_ADDR);
    let group = Ipv4Addr::new(239, 2, 2, 2);
    let probe = Ipv4Addr::new(239, 3, 3, 3);
    h.member.join_group(ifi, group).unwrap();
    h.capture.expect_record(CHANGE_TO_EXCLUDE, group, &[]);
    h.member.join_group(ifi, probe).unwrap();
    h.capture.expect_record(CHANGE_TO_EXCLUDE, probe, &[]);

    h.member
        .exclude_source_specific_group(ifi, group, B2)
        .unwrap();
    h.capture.expect_record(BLOCK_OLD_SOURCES, group, &[B2]);
    h.send(group, B2, b"blocked");
    h.send(group, s1, b"allowed");
    assert_eq!(recv_data(&h.member), b"allowed");

    h.member
        .include_source_specific_group(ifi, group, B2)
        .unwrap();
    h.capture.expect_record(ALLOW_NEW_SOURCES, group, &[B2]);
    h.send(group, B2, b"unblocked");
    h.send(group, s1, b"allowed-again");
    assert_eq!(recv_data(&h.member), b"unblocked");
    assert_eq!(recv_data(&h.member), b"allowed-again");

    h.member.leave_group(ifi, group).unwrap();
    h.capture.expect_record(CHANGE_TO_INCLUDE, group, &[]);
    h.send(group, s1, b"after-leave");
    h.send(probe, s1, b"probe");
    assert_eq!(recv_data(&h.member), b"probe", "the group was left");
    // A group never joined is not reported.
    assert!(
        h.capture.seen.iter().all(|m| match m {
            Igmp::V3Report { records, .. } => records
                .iter()
                .all(|r| r.group == group || r.group == probe || r.kind == MODE_IS_INCLUDE),
            _ => false,
        }),
        "{:?}",
        h.capture.seen
    );
}

/// Multicast TTL reaches the peer; loopback decides whether the sender's
/// own host gets a copy; the interface is chosen by index or by address.
/// Go's TestPacketConnReadWriteMulticastUDP, with the effects checked on
/// both hosts.
fn multicast_ttl_loopback_and_interface() {
    let pair = VethPair::new().unwrap();
    let port = 40300;
    let group = Ipv4Addr::new(224, 0, 0, 254);
    let dst = SocketAddrV4::new(group, port);
    let all = ControlFlags::TTL | ControlFlags::DST | ControlFlags::INTERFACE;
    // a sends and is a member itself; b is a member.
    let a = udp_in(&pair.a, port);
    a.join_group(pair.a_index, group).unwrap();
    a.set_multicast_interface(MulticastInterface::Index(pair.a_index))
        .unwrap();
    assert_eq!(
        a.multicast_interface().unwrap(),
        MulticastInterface::Index(pair.a_index)
    );
    let b = udp_in(&pair.b, port);
    b.join_group(pair.b_index, group).unwrap();
    b.set_control_message(all, true).unwrap();
    assert_eq!(a.multicast_ttl().unwrap(), 1, "default: this link only");

    // Go's loop: loopback on, control messages toggled, TTL i+1, read back
    // the own copy.
    a.set_multicast_loopback(true).unwrap();
    assert!(a.multicast_loopback().unwrap());
    for (i, on) in [true, false, true].into_iter().enumerate() {
        a.set_control_message(all, on).unwrap();
        let ttl = i as u8 + 1;
        a.set_multicast_ttl(ttl).unwrap();
        let data = format!("ttl-{ttl}");
        a.send_to(data.as_bytes(), None, dst).unwrap();
        let (own, cm, from) = recv(&a);
        assert_eq!(own, data.as_bytes());
        assert_eq!(*from.ip(), VethPair::A_ADDR);
        if on {
            assert_eq!((cm.ttl, cm.dst), (Some(ttl), Some(group)), "{cm}");
        } else {
            assert!(cm.is_empty());
        }
        let (peer, cm, from) = recv(&b);
        assert_eq!(peer, data.as_bytes());
        assert_eq!(*from.ip(), VethPair::A_ADDR);
        assert_eq!(cm.ttl, Some(ttl), "the peer sees the multicast TTL");
        assert_eq!(cm.dst, Some(group));
        assert_eq!(cm.if_index, Some(pair.b_index));
    }

    a.set_multicast_loopback(false).unwrap();
    assert!(!a.multicast_loopback().unwrap());
    a.send_to(b"no-loop", None, dst).unwrap();
    a.set_multicast_loopback(true).unwrap();
    a.send_to(b"loop", None, dst).unwrap();
    assert_eq!(recv_data(&b), b"no-loop", "sent on the wire");
    assert_eq!(recv_data(&b), b"loop");
    assert_eq!(recv_data(&a), b"loop", "no own copy with loopback off");

    a.set_multicast_interface(MulticastInterface::Address(VethPair::A_ADDR))
        .unwrap();
    assert_eq!(
        a.multicast_interface().unwrap(),
        MulticastInterface::Address(VethPair::A_ADDR)
    );
    a.send_to(b"by-address", None, dst).unwrap();
    let (data, _, from) = recv(&b);
    assert_eq!(
        (data.as_slice(), *from.ip()),
        (&b"by-address"[..], VethPair::A_ADDR)
    );
}

fn raw_icmp_in(ns: &Netns) -> PacketConn<Socket> {
    ns.run(|| {
        let s = Socket::new(Domain::IPV4, Type::RAW, Some(Protocol::ICMPV4)).unwrap();
        s.set_read_timeout(Some(WAIT)).unwrap();
        PacketConn::new(s).unwrap()
    })
}

fn echo_request(id: u16, seq: u16) -> Vec<u8> {
    let mut m = vec![8, 0, 0, 0];
    m.extend_from_slice(&id.to_be_bytes());
    m.extend_from_slice(&seq.to_be_bytes());
    m.extend_from_slice(b"HELLO-R-U-THERE");
    let sum = checksum::checksum(&m);
    m[2..4].copy_from_slice(&sum.to_be_bytes());
    m
}

/// Go's TestPacketConnReadWriteMulticastICMP: an echo sent to a group the
/// peer joined (any-source, then source-specific) is answered, and the
/// reply reaches a raw ICMP `PacketConn` with its control messages.
fn multicast_icmp_echo() {
    let pair = VethPair::new().unwrap();
    pair.b
        .sysctl("net.ipv4.icmp_echo_ignore_broadcasts", "0")
        .unwrap();
    let member = udp_in(&pair.b, 0);
    let asm = Ipv4Addr::new(224, 0, 0, 254);
    let ssm = Ipv4Addr::new(232, 0, 1, 254);
    member.join_group(pair.b_index, asm).unwrap();
    member
        .join_source_specific_group(pair.b_index, ssm, VethPair::A_ADDR)
        .unwrap();
    let conn = raw_icmp_in(&pair.a);
    conn.set_control_message(
        ControlFlags::DST | ControlFlags::INTERFACE | ControlFlags::TTL,
        true,
    )
    .unwrap();
    conn.set_multicast_interface(MulticastInterface::Index(pair.a_index))
        .unwrap();
    for (seq, group) in [(1u16, asm), (2, ssm)] {
        conn.set_multicast_ttl(seq as u8).unwrap();
        let req = echo_request(0x7777, seq);
        conn.send_to(&req, None, SocketAddrV4::new(group, 0))
            .unwrap();
        let mut buf = [0u8; 256];
        let datagram = conn.recv_from(&mut buf).unwrap();
        let cm = datagram.control;
        let from = datagram.source;
        let reply = datagram.payload;
        assert_eq!((reply[0], reply[1]), (0, 0), "echo reply: {reply:02x?}");
        assert_eq!(&reply[4..], &req[4..], "id, sequence and data echoed");
        assert_eq!(*from.ip(), VethPair::B_ADDR);
        assert_eq!(cm.dst, Some(VethPair::A_ADDR));
        assert_eq!(cm.if_index, Some(pair.a_index));
        assert_eq!(cm.ttl, Some(64), "a unicast reply, default TTL");
    }
}

/// Go's multicastlistener_test.go: one socket with several groups, two
/// sockets sharing a port on one group (both get each datagram), a socket
/// bound to the interface address, and a raw socket joining.
fn group_listeners() {
    let pair = VethPair::new().unwrap();
    let ifi = pair.a_index;
    let groups = [
        Ipv4Addr::new(224, 0, 0, 249),
        Ipv4Addr::new(224, 0, 0, 250),
        Ipv4Addr::new(224, 0, 0, 254),
    ];
    let port = 40400;
    // Single socket, several groups.
    let single = udp_in(&pair.a, 0);
    for g in groups {
        single.join_group(ifi, g).unwrap();
    }
    for g in groups {
        single.leave_group(ifi, g).unwrap();
    }
    // Two sockets on the same port (SO_REUSEADDR), both joined. Go's test
    // listens on "224.0.0.0:port", which Go's net package turns into the
    // wildcard address with SO_REUSEADDR; so does this.
    let shared: Vec<PacketConn<Socket>> = (0..2)
        .map(|_| {
            pair.a.run(move || {
                let s = Socket::new(Domain::IPV4, Type::DGRAM, None).unwrap();
                s.set_reuse_address(true).unwrap();
                s.bind(&SocketAddrV4::new(Ipv4Addr::UNSPECIFIED, port).into())
                    .unwrap();
                s.set_read_timeout(Some(WAIT)).unwrap();
                PacketConn::new(s).unwrap()
            })
        })
        .collect();
    for c in &shared {
        c.join_group(ifi, groups[2]).unwrap();
    }
    let sender = udp_in(&pair.b, 0);
    sender
        .send_to(b"to-both", None, SocketAddrV4::new(groups[2], port))
        .unwrap();
    for c in &shared {
        let mut buf = [0u8; 64];
        let datagram = c.recv_from(&mut buf).unwrap();
        let from = datagram.source;
        assert_eq!(datagram.payload, b"to-both");
        assert_eq!(*from.ip(), VethPair::B_ADDR);
        c.leave_group(ifi, groups[2]).unwrap();
    }
    // A socket bound to the interface's unicast address, on the shared
    // port.
    let bound = pair.a.run(move || {
        let s = Socket::new(Domain::IPV4, Type::DGRAM, None).unwrap();
        s.set_reuse_address(true).unwrap();
        s.bind(&SocketAddrV4::new(VethPair::A_ADDR, port).into())
            .unwrap();
        PacketConn::new(s).unwrap()
    });
    bound.join_group(ifi, groups[2]).unwrap();
    bound.leave_group(ifi, groups[2]).unwrap();
    // Raw ICMP sockets.
    let raw = raw_icmp_in(&pair.a);
    raw.join_group(ifi, groups[2]).unwrap();
    raw.leave_group(ifi, groups[2]).unwrap();
}

#[path = "../../std-adapter/examples/common/harness.rs"]
mod harness;

fn main() {
    use harness::kernel;
    harness::run([
        kernel(join_and_leave_emit_igmp_v2_and_v3),
        kernel(source_specific_join_and_leave),
        kernel(block_and_unblock_a_source),
        kernel(multicast_ttl_loopback_and_interface),
        kernel(multicast_icmp_echo),
        kernel(group_listeners),
    ]);
}
