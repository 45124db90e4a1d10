//! What the ICMP type filter and classic BPF filters do to delivery, on real
//! sockets. Ports Go's `TestBPF`; the ICMP filter effect (Go checks only
//! set/get) is checked across a veth link.

use ipv4_std::prelude::*;
use std::net::{Ipv4Addr, SocketAddrV4, UdpSocket};
use std::time::Duration;

use ipv4_std::bpf::{Instruction, op};
use ipv4_std::ipv4_core::checksum;
use ipv4_std::{IcmpFilter, IcmpType, PacketConn};
use ipv4_tests::netns::{Netns, VethPair};
use socket2::{Domain, Protocol, Socket, Type};

const WAIT: Option<Duration> = Some(Duration::from_secs(10));

/// Go's TestBPF: a filter that keeps datagrams whose first payload byte is
/// even; then detaching it lets the odd ones through again.
fn bpf_keeps_even_first_bytes_until_detached() {
    let rx = UdpSocket::bind("127.0.0.1:0").unwrap();
    rx.set_read_timeout(WAIT).unwrap();
    let to = rx.local_addr().unwrap();
    let conn = PacketConn::new(rx).unwrap();
    let program = [
        Instruction::load_absolute(op::B, 8),
        Instruction::new(op::ALU | op::AND | op::K, 0, 0, 1),
        Instruction::jump(op::JEQ, 0, 0, 1),
        Instruction::ret(4096),
        Instruction::ret(0),
    ];
    conn.set_bpf(&program).unwrap();
    let tx = UdpSocket::bind("127.0.0.1:0").unwrap();
    tx.connect(to).unwrap();
    for i in 0..10u8 {
        tx.send(&[i]).unwrap();
    }
    let mut buf = [0u8; 16];
    for even in (0..10u8).step_by(2) {
        let datagram = conn.recv_from(&mut buf).unwrap();
        assert_eq!(
            datagram.payload,
            &[even],
            "odd bytes are dropped, evens arrive in order"
        );
    }
    conn.detach_bpf().unwrap();
    tx.send(&[1]).unwrap();
    let datagram = conn.recv_from(&mut buf).unwrap();
    assert_eq!(datagram.payload, &[1]);
}

/// A filter returning fewer bytes than the datagram truncates it.
fn bpf_return_value_truncates() {
    let rx = UdpSocket::bind("127.0.0.1:0").unwrap();
    rx.set_read_timeout(WAIT).unwrap();
    let to = rx.local_addr().unwrap();
    let conn = PacketConn::new(rx).unwrap();
    // Keep the UDP header and 3 payload bytes.
    conn.set_bpf(&[Instruction::ret(8 + 3)]).unwrap();
    UdpSocket::bind("127.0.0.1:0")
        .unwrap()
        .send_to(b"abcdefgh", to)
        .unwrap();
    let mut buf = [0u8; 16];
    let datagram = conn.recv_from(&mut buf).unwrap();
    assert_eq!(datagram.payload, b"abc");
}

fn raw_icmp_in(ns: &Netns) -> PacketConn<Socket> {
    ns.run(|| {
        let s = Socket::new(Domain::IPV4, Type::RAW, Some(Protocol::ICMPV4)).unwrap();
        s.set_read_timeout(WAIT).unwrap();
        PacketConn::new(s).unwrap()
    })
}

fn icmp(kind: u8, id: u16, seq: u16) -> Vec<u8> {
    let mut m = vec![kind, 0, 0, 0];
    m.extend_from_slice(&id.to_be_bytes());
    m.extend_from_slice(&seq.to_be_bytes());
    m.extend_from_slice(b"HELLO-R-U-THERE");
    let sum = checksum::checksum(&m);
    m[2..4].copy_from_slice(&sum.to_be_bytes());
    m
}

fn recv(conn: &PacketConn<Socket>) -> (Vec<u8>, Ipv4Addr) {
    let mut buf = [0u8; 256];
    let datagram = conn.recv_from(&mut buf).unwrap();
    let from = datagram.source;
    (datagram.payload.to_vec(), *from.ip())
}

/// Set bit = block: a raw socket that blocks everything but echo replies
/// never sees the peer's echo request, still sees types ≥ 32 (which the
/// kernel never filters, and `IcmpFilter` refuses to alias), and gets the
/// replies to its own echoes. An unfiltered socket sees all of it.
fn icmp_filter_decides_delivery() {
    let pair = VethPair::new().unwrap();
    let filtered = raw_icmp_in(&pair.a);
    let plain = raw_icmp_in(&pair.a);
    let mut f = IcmpFilter::block_all();
    f.accept(IcmpType::ECHO_REPLY).unwrap();
    assert!(f.will_block(IcmpType::ECHO));
    assert!(!f.will_block(IcmpType::PHOTURIS));
    filtered.set_icmp_filter(f).unwrap();

    let peer = raw_icmp_in(&pair.b);
    let a = SocketAddrV4::new(VethPair::A_ADDR, 0);
    let request = icmp(IcmpType::ECHO.0, 1, 1);
    let photuris = icmp(IcmpType::PHOTURIS.0, 2, 2);
    peer.send_to(&request, None, a).unwrap();
    peer.send_to(&photuris, None, a).unwrap();

    assert_eq!(recv(&plain), (request.clone(), VethPair::B_ADDR));
    assert_eq!(recv(&plain), (photuris.clone(), VethPair::B_ADDR));
    assert_eq!(
        recv(&filtered),
        (photuris, VethPair::B_ADDR),
        "the echo request is blocked, type 40 is not"
    );

    let own = icmp(IcmpType::ECHO.0, 3, 3);
    filtered
        .send_to(&own, None, SocketAddrV4::new(VethPair::B_ADDR, 0))
        .unwrap();
    let (reply, from) = recv(&filtered);
    assert_eq!(from, VethPair::B_ADDR);
    assert_eq!(reply[0], IcmpType::ECHO_REPLY.0);
    assert_eq!(&reply[4..], &own[4..]);
    // The unfiltered socket gets the same reply (a's own outgoing echo is
    // not delivered to local raw sockets: it leaves by the veth).
    assert_eq!(recv(&plain).0, reply);

    // Accepting echo lets the next request through.
    f.accept(IcmpType::ECHO).unwrap();
    filtered.set_icmp_filter(f).unwrap();
    let again = icmp(IcmpType::ECHO.0, 4, 4);
    peer.send_to(&again, None, a).unwrap();
    assert_eq!(recv(&filtered).0, again);
}

#[path = "../../std-adapter/examples/common/harness.rs"]
mod harness;

fn main() {
    use harness::{kernel, plain};
    harness::run([
        plain(bpf_keeps_even_first_bytes_until_detached),
        plain(bpf_return_value_truncates),
        kernel(icmp_filter_decides_delivery),
    ]);
}
