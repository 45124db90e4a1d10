//! Go's TestPacketConnConcurrentReadWriteUnicastUDP, strengthened: one
//! `PacketConn` shared by 10 + 10 readers and 20 writers per round (half of
//! the writers turn control messages on, half off, and half send a
//! per-datagram TTL), for several rounds. Every datagram must arrive exactly
//! once and intact, and every control-message field that is present must
//! match what its datagram was sent with.
//!
//! Loopback only; runs without root.

use ipv4_std::prelude::*;
use std::collections::HashSet;
use std::net::{Ipv4Addr, SocketAddr, UdpSocket};
use std::sync::Mutex;
use std::thread;
use std::time::Duration;

use ipv4_std::{ControlFlags, ControlMessage, PacketConn};

const ROUNDS: usize = 10;
const WRITERS: usize = 20;
const SOCKET_TTL: u8 = 42;
const DATAGRAM_TTL: u8 = 7;
const TOS: u8 = 0x28;

fn concurrent_readers_and_writers_toggling_control_messages() {
    let socket = UdpSocket::bind("127.0.0.1:0").unwrap();
    socket
        .set_read_timeout(Some(Duration::from_secs(10)))
        .unwrap();
    let me = match socket.local_addr().unwrap() {
        SocketAddr::V4(a) => a,
        SocketAddr::V6(a) => panic!("{a}"),
    };
    let conn = PacketConn::new(socket).unwrap();
    conn.set_ttl(SOCKET_TTL).unwrap();
    conn.set_tos(TOS).unwrap();
    let cf = ControlFlags::all();
    conn.set_control_message(cf, true).unwrap();
    let seen = Mutex::new(HashSet::new());

    for round in 0..ROUNDS {
        thread::scope(|s| {
            let reader = || {
                let mut buf = [0u8; 128];
                let datagram = conn.recv_from(&mut buf).unwrap();
                let cm = datagram.control;
                let from = datagram.source;
                assert_eq!(from, me);
                let text = std::str::from_utf8(datagram.payload).unwrap();
                let (id, ttl) = parse(text);
                check(&cm, ttl, text);
                assert!(seen.lock().unwrap().insert(id), "{id:?} delivered twice");
            };
            let writer = |i: usize| {
                conn.set_control_message(cf, i.is_multiple_of(2)).unwrap();
                let per_datagram = i % 4 < 2;
                let ttl = if per_datagram {
                    DATAGRAM_TTL
                } else {
                    SOCKET_TTL
                };
                let data = format!("HELLO-R-U-THERE {round} {i} {ttl}");
                let cm = ControlMessage {
                    ttl: Some(DATAGRAM_TTL),
                    ..ControlMessage::default()
                };
                let n = conn
                    .send_to(data.as_bytes(), per_datagram.then_some(&cm), me)
                    .unwrap();
                assert_eq!(n, data.len());
            };
            for _ in 0..WRITERS / 2 {
                s.spawn(reader);
            }
            for i in 0..WRITERS {
                s.spawn(move || writer(i));
            }
            for _ in 0..WRITERS / 2 {
                s.spawn(reader);
            }
        });
    }
    let seen = seen.into_inner().unwrap();
    assert_eq!(seen.len(), ROUNDS * WRITERS, "every datagram arrived");
    for round in 0..ROUNDS {
        for i in 0..WRITERS {
            assert!(seen.contains(&(round, i)));
        }
    }
}

fn parse(text: &str) -> ((usize, usize), u8) {
    let mut f = text.split(' ');
    assert_eq!(f.next(), Some("HELLO-R-U-THERE"), "corrupted: {text:?}");
    let mut num = || f.next().unwrap().parse::<usize>().unwrap();
    let (round, i, ttl) = (num(), num(), num());
    ((round, i), u8::try_from(ttl).unwrap())
}

/// Fields may be absent (control messages were off when it was received)
/// but never wrong.
fn check(cm: &ControlMessage, ttl: u8, text: &str) {
    assert!(!cm.to_string().contains(','));
    if let Some(t) = cm.ttl {
        assert_eq!(t, ttl, "{text}: {cm}");
    }
    if let Some(tos) = cm.tos {
        assert_eq!(tos, TOS, "{text}: {cm}");
    }
    for a in [cm.src, cm.dst].into_iter().flatten() {
        assert_eq!(a, Ipv4Addr::LOCALHOST, "{text}: {cm}");
    }
    if let Some(i) = cm.if_index {
        assert_eq!(i, 1, "{text}: {cm}");
    }
}

/// The same on a raw ICMP socket (Go's "IP" subtest), where every receive
/// also strips a header: writers send echoes to 127.0.0.1, readers get each
/// echo twice (Linux delivers the own request and the reply). Needs root.
fn concurrent_raw_icmp_readers_and_writers() {
    use ipv4_tests::netns;
    use socket2::{Domain, Protocol, Socket, Type};
    let ns = netns::Netns::new().unwrap();
    let conn = ns.run(|| {
        let s = Socket::new(Domain::IPV4, Type::RAW, Some(Protocol::ICMPV4)).unwrap();
        s.set_read_timeout(Some(Duration::from_secs(10))).unwrap();
        PacketConn::new(s).unwrap()
    });
    let cf = ControlFlags::TTL | ControlFlags::DST | ControlFlags::INTERFACE;
    let lo = std::net::SocketAddrV4::new(Ipv4Addr::LOCALHOST, 0);
    let seen = Mutex::new(HashSet::new());
    for round in 0..ROUNDS as u16 {
        thread::scope(|s| {
            let reader = || {
                let mut buf = [0u8; 128];
                let datagram = conn.recv_from(&mut buf).unwrap();
                let n = datagram.payload.len();
                let cm = datagram.control;
                let from = datagram.source;
                assert_eq!(*from.ip(), Ipv4Addr::LOCALHOST);
                let m = datagram.payload;
                assert_eq!(n, 8 + 15, "exact ICMP length: {m:02x?}");
                assert!(ipv4_std::ipv4_core::checksum::verify(m), "{m:02x?}");
                assert_eq!(&m[8..], b"HELLO-R-U-THERE");
                assert!(m[0] == 8 || m[0] == 0, "echo or reply: {m:02x?}");
                if let Some(dst) = cm.dst {
                    assert_eq!(dst, Ipv4Addr::LOCALHOST);
                }
                let id = (
                    u16::from_be_bytes([m[4], m[5]]),
                    u16::from_be_bytes([m[6], m[7]]),
                    m[0],
                );
                assert!(seen.lock().unwrap().insert(id), "{id:?} twice");
            };
            let writer = |i: u16| {
                conn.set_control_message(cf, i.is_multiple_of(2)).unwrap();
                let mut m = vec![8, 0, 0, 0];
                m.extend_from_slice(&round.to_be_bytes());
                m.extend_from_slice(&i.to_be_bytes());
                m.extend_from_slice(b"HELLO-R-U-THERE");
                let sum = ipv4_std::ipv4_core::checksum::checksum(&m);
                m[2..4].copy_from_slice(&sum.to_be_bytes());
                conn.send_to(&m, None, lo).unwrap();
            };
            // Two packets per echo: 20 readers before and 20 after.
            for _ in 0..WRITERS {
                s.spawn(reader);
            }
            for i in 0..WRITERS as u16 {
                s.spawn(move || writer(i));
            }
            for _ in 0..WRITERS {
                s.spawn(reader);
            }
        });
    }
    assert_eq!(seen.into_inner().unwrap().len(), ROUNDS * WRITERS * 2);
}

#[path = "../../std-adapter/examples/common/harness.rs"]
mod harness;

fn main() {
    use harness::{kernel, plain};
    harness::run([
        plain(concurrent_readers_and_writers_toggling_control_messages),
        kernel(concurrent_raw_icmp_readers_and_writers),
    ]);
}
