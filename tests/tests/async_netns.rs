//! The tokio wrappers in private network namespaces (root): back-pressure
//! (a full send buffer makes `send_to` wait, then succeed) and raw sockets
//! (`AsyncRawConn`: whole datagrams with their header views, single and in
//! batches).

use std::net::{Ipv4Addr, UdpSocket};
use std::process::Command;
use std::time::{Duration, Instant};

use ipv4_std::batch::{RawSendMessage, RecvBatch, SendBatch};
use ipv4_std::ipv4_core::header::{Header, Protocol};
use ipv4_std::prelude::*;
use ipv4_std::tokio::{AsyncPacketConn, AsyncRawConn};
use ipv4_tests::netns::Netns;
use socket2::{Domain, SockRef, Socket, Type};
use tokio::runtime::{Builder, Runtime};

#[path = "../../std-adapter/examples/common/harness.rs"]
mod harness;

fn runtimes() -> [(&'static str, Runtime); 2] {
    [
        (
            "current-thread",
            Builder::new_current_thread().enable_all().build().unwrap(),
        ),
        (
            "multi-thread",
            Builder::new_multi_thread()
                .worker_threads(2)
                .enable_all()
                .build()
                .unwrap(),
        ),
    ]
}

/// Slows the namespace's loopback to 1 Mbit/s with a token bucket: queued
/// datagrams stay charged to their sender's send buffer until the bucket
/// lets them out.
fn slow_loopback(ns: &Netns) {
    let out = Command::new("ip")
        .args([
            "netns",
            "exec",
            ns.name(),
            "tc",
            "qdisc",
            "add",
            "dev",
            "lo",
        ])
        .args([
            "root", "tbf", "rate", "1mbit", "burst", "1600", "limit", "1000000",
        ])
        .output()
        .expect("tc");
    assert!(
        out.status.success(),
        "tc: {}",
        String::from_utf8_lossy(&out.stderr)
    );
}

const PAYLOAD: [u8; 1000] = [0x5a; 1000];
const MORE: usize = 20;

/// A sender with the smallest send buffer Linux allows, behind a 1 Mbit/s
/// loopback: the blocking wrapper's `send_to` on the non-blocking socket
/// answers `WouldBlock` once the buffer is full; then each async `send_to`
/// waits (20 datagrams of 1 kB at 1 Mbit/s take ≥ 100 ms) and succeeds,
/// and the receiver gets every datagram.
fn a_full_send_buffer_makes_send_to_wait() {
    let ns = Netns::new().unwrap();
    slow_loopback(&ns);
    for (name, rt) in runtimes() {
        ns.run(|| {
            rt.block_on(async {
                let rx = UdpSocket::bind((Ipv4Addr::LOCALHOST, 0)).unwrap();
                SockRef::from(&rx).set_recv_buffer_size(1 << 20).unwrap();
                let to = match rx.local_addr().unwrap() {
                    std::net::SocketAddr::V4(a) => a,
                    a => panic!("{a}"),
                };
                let rx = AsyncPacketConn::new(rx).unwrap();
                let tx = UdpSocket::bind((Ipv4Addr::LOCALHOST, 0)).unwrap();
                SockRef::from(&tx).set_send_buffer_size(1).unwrap();
                let tx = AsyncPacketConn::new(tx).unwrap();

                let mut filled = 0;
                loop {
                    match tx.conn().send_to(&PAYLOAD, None, to) {
                        Ok(_) => filled += 1,
                        Err(e) if e.kind() == std::io::ErrorKind::WouldBlock => break,
                        Err(e) => panic!("{name}: {e}"),
                    }
                    assert!(filled < 1000, "{name}: the send buffer never filled");
                }
                assert!(filled >= 1, "{name}");
                let start = Instant::now();
                for _ in 0..MORE {
                    assert_eq!(tx.send_to(&PAYLOAD, None, to).await.unwrap(), 1000);
                }
                let waited = start.elapsed();
                // 20 datagrams of 1028 bytes on the wire at 1 Mbit/s: 164 ms
                // if none had waited would be impossible; ask for 100 ms.
                assert!(
                    waited >= Duration::from_millis(100),
                    "{name}: {MORE} sends into a full buffer took only {waited:?}"
                );
                let mut buf = [0u8; 1500];
                for i in 0..filled + MORE {
                    let d = tokio::time::timeout(Duration::from_secs(10), rx.recv_from(&mut buf))
                        .await
                        .unwrap_or_else(|_| panic!("{name}: datagram {i} lost"))
                        .unwrap();
                    assert_eq!(d.payload, PAYLOAD);
                }
            });
        });
    }
}

fn icmp_echo(seq: u16) -> [u8; 8] {
    let mut m = [8, 0, 0, 0, 0x12, 0x34, (seq >> 8) as u8, seq as u8];
    let sum = ipv4_std::ipv4_core::checksum::checksum(&m);
    m[2..4].copy_from_slice(&sum.to_be_bytes());
    m
}

/// An `AsyncRawConn` on ICMP sends echo requests with TTL 9 and receives,
/// as whole datagrams with their header views, its own requests (TTL 9)
/// and Linux's replies (TTL 64, type 0): singly, then 16 in one
/// `send_batch` taken back with `recv_batch`.
fn raw_echo_in_a_namespace() {
    let ns = Netns::new().unwrap();
    for (name, rt) in runtimes() {
        ns.run(|| {
            rt.block_on(async {
                let socket =
                    Socket::new(Domain::IPV4, Type::RAW, Some(socket2::Protocol::ICMPV4)).unwrap();
                let conn = AsyncRawConn::new(socket).unwrap();
                conn.set_control_message(ControlFlags::TTL, true).unwrap();
                let header = Header::new(Ipv4Addr::LOCALHOST, Ipv4Addr::LOCALHOST, Protocol::ICMP)
                    .with_ttl(9);
                let n = conn.send(&header, &icmp_echo(1), None).await.unwrap();
                assert_eq!(n, 28, "{name}");
                let (mut request, mut reply) = (false, false);
                let mut buf = [0u8; 1500];
                while !(request && reply) {
                    let d = tokio::time::timeout(Duration::from_secs(5), conn.recv(&mut buf))
                        .await
                        .unwrap_or_else(|_| panic!("{name}: no echo"))
                        .unwrap();
                    let h = d.header.expect("a header view");
                    assert_eq!(
                        (h.source(), h.protocol()),
                        (Ipv4Addr::LOCALHOST, Protocol::ICMP)
                    );
                    assert_eq!(d.control.ttl, Some(h.ttl()), "{name}: {d}");
                    match (d.payload[0], h.ttl()) {
                        (8, 9) => request = true,
                        (0, 64) => reply = true,
                        other => panic!("{name}: unexpected {other:?}: {d}"),
                    }
                }

                let echoes: Vec<[u8; 8]> = (100..116).map(icmp_echo).collect();
                let msgs: Vec<RawSendMessage<'_>> = echoes
                    .iter()
                    .map(|e| RawSendMessage::new(&header, e))
                    .collect();
                let mut scratch = SendBatch::new();
                assert_eq!(conn.send_batch(&mut scratch, &msgs).await.unwrap(), 16);
                let mut batch = RecvBatch::new(vec![[0u8; 128]; 8]);
                let (mut requests, mut replies) = (0, 0);
                while requests + replies < 32 {
                    let n =
                        tokio::time::timeout(Duration::from_secs(5), conn.recv_batch(&mut batch))
                            .await
                            .unwrap_or_else(|_| panic!("{name}: {requests} + {replies} of 32"))
                            .unwrap();
                    assert!(n >= 1);
                    for d in &batch {
                        let h = d.header.expect("a header view");
                        match (d.payload[0], h.ttl()) {
                            (8, 9) => requests += 1,
                            (0, 64) => replies += 1,
                            other => panic!("{name}: unexpected {other:?}: {d}"),
                        }
                    }
                }
                assert_eq!((requests, replies), (16, 16), "{name}");
            });
        });
    }
}

fn main() {
    use harness::kernel;
    harness::run([
        kernel(a_full_send_buffer_makes_send_to_wait),
        kernel(raw_echo_in_a_namespace),
    ]);
}
