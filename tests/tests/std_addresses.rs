//! Addresses as std's sockets speak them, on loopback: `send_to` takes a
//! `SocketAddr`, a `SocketAddrV4` or an `(Ipv4Addr, u16)` pair and refuses
//! IPv6 before any system call; `local_addr`/`peer_addr` of `Conn`,
//! `PacketConn` and `RawConn` agree with std's.

use std::io::ErrorKind;
use std::net::{
    Ipv4Addr, Ipv6Addr, SocketAddr, SocketAddrV4, SocketAddrV6, TcpListener, TcpStream, UdpSocket,
};
use std::time::Duration;

use ipv4_std::socket2::{Domain, Protocol, Socket, Type};
use ipv4_std::{Conn, PacketConn, RawConn};

fn v4(addr: SocketAddr) -> SocketAddrV4 {
    match addr {
        SocketAddr::V4(a) => a,
        SocketAddr::V6(a) => panic!("{a} is not IPv4"),
    }
}

fn udp_conn() -> PacketConn<UdpSocket> {
    let socket = UdpSocket::bind("127.0.0.1:0").unwrap();
    socket
        .set_read_timeout(Some(Duration::from_secs(5)))
        .unwrap();
    PacketConn::new(socket).unwrap()
}

/// `send_to` with each address form std hands out reaches the receiver,
/// from the sender's `local_addr`.
fn send_to_takes_what_std_sockets_take() {
    let rx = udp_conn();
    let tx = udp_conn();
    let std_addr: SocketAddr = rx.get_ref().local_addr().unwrap();
    let ours: SocketAddrV4 = rx.local_addr().unwrap();
    assert_eq!(SocketAddr::V4(ours), std_addr);

    assert_eq!(tx.send_to(b"SocketAddr", None, std_addr).unwrap(), 10);
    assert_eq!(tx.send_to(b"SocketAddrV4", None, ours).unwrap(), 12);
    let pair = (Ipv4Addr::LOCALHOST, ours.port());
    assert_eq!(tx.send_to(b"pair", None, pair).unwrap(), 4);

    let mut buf = [0u8; 32];
    for want in [&b"SocketAddr"[..], b"SocketAddrV4", b"pair"] {
        let d = rx.recv_from(&mut buf).unwrap();
        assert_eq!(d.payload, want);
        assert_eq!(d.source, tx.local_addr().unwrap());
    }
    rx.get_ref().set_nonblocking(true).unwrap();
    let e = rx.recv_from(&mut buf).unwrap_err();
    assert_eq!(
        e.kind(),
        ErrorKind::WouldBlock,
        "three datagrams, no more: {e}"
    );
}

/// An IPv6 destination, IPv4-mapped or not, is `InvalidInput` before any
/// system call, and nothing leaves.
fn send_to_an_ipv6_address_is_invalid_input() {
    let rx = udp_conn();
    let tx = udp_conn();
    let port = rx.local_addr().unwrap().port();
    let mapped = Ipv4Addr::LOCALHOST.to_ipv6_mapped();
    let cases = [
        SocketAddr::from((Ipv6Addr::LOCALHOST, port)),
        SocketAddr::V6(SocketAddrV6::new(mapped, port, 0, 0)),
    ];
    for dst in cases {
        let e = tx.send_to(b"v6", None, dst).unwrap_err();
        assert_eq!(e.kind(), ErrorKind::InvalidInput, "{dst}: {e}");
        assert!(e.raw_os_error().is_none(), "{dst} reached the kernel: {e}");
        assert!(e.to_string().contains("IPv6"), "{e}");
    }
    let e = tx.send_to(b"v6", None, cases[1]).unwrap_err();
    assert!(
        e.to_string().contains(&format!("127.0.0.1:{port}")),
        "the error names the IPv4 address a mapped one stands for: {e}"
    );
    rx.get_ref().set_nonblocking(true).unwrap();
    let mut buf = [0u8; 8];
    let e = rx.recv_from(&mut buf).unwrap_err();
    assert_eq!(e.kind(), ErrorKind::WouldBlock, "nothing was sent: {e}");
}

/// `PacketConn`: `local_addr` as std gives it, before and after `bind`;
/// `peer_addr` is `NotConnected` until `connect`, then the peer.
fn packet_conn_local_and_peer_addr() {
    let socket = Socket::new(Domain::IPV4, Type::DGRAM, Some(Protocol::UDP)).unwrap();
    let conn = PacketConn::new(&socket).unwrap();
    assert_eq!(
        conn.local_addr().unwrap(),
        SocketAddrV4::new(Ipv4Addr::UNSPECIFIED, 0)
    );
    socket
        .bind(&SocketAddrV4::new(Ipv4Addr::LOCALHOST, 0).into())
        .unwrap();
    let local = conn.local_addr().unwrap();
    assert_eq!(*local.ip(), Ipv4Addr::LOCALHOST);
    assert_ne!(local.port(), 0);

    let e = conn.peer_addr().unwrap_err();
    assert_eq!(e.kind(), ErrorKind::NotConnected, "{e}");
    let peer = udp_conn();
    let peer_addr = peer.local_addr().unwrap();
    socket.connect(&peer_addr.into()).unwrap();
    assert_eq!(conn.peer_addr().unwrap(), peer_addr);
}

/// `Conn`: both ends of a loopback TCP connection, and a listener.
fn conn_local_and_peer_addr() {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let server = v4(listener.local_addr().unwrap());
    let stream = TcpStream::connect(server).unwrap();
    let (accepted, _) = listener.accept().unwrap();

    let client = Conn::new(&stream).unwrap();
    assert_eq!(client.peer_addr().unwrap(), server);
    assert_eq!(
        client.local_addr().unwrap(),
        v4(stream.local_addr().unwrap())
    );
    let served = Conn::new(&accepted).unwrap();
    assert_eq!(served.local_addr().unwrap(), server);
    assert_eq!(served.peer_addr().unwrap(), client.local_addr().unwrap());

    let listening = Conn::new(&listener).unwrap();
    assert_eq!(listening.local_addr().unwrap(), server);
    let e = listening.peer_addr().unwrap_err();
    assert_eq!(e.kind(), ErrorKind::NotConnected, "{e}");
}

/// `RawConn` (root): bound to loopback, Linux reports the protocol number
/// as the port; a raw socket has no peer, even connected.
fn raw_conn_local_and_peer_addr() {
    let socket = Socket::new(Domain::IPV4, Type::RAW, Some(Protocol::ICMPV4)).unwrap();
    socket
        .bind(&SocketAddrV4::new(Ipv4Addr::LOCALHOST, 0).into())
        .unwrap();
    let conn = RawConn::new(socket).unwrap();
    assert_eq!(
        conn.local_addr().unwrap(),
        SocketAddrV4::new(Ipv4Addr::LOCALHOST, 1)
    );
    conn.get_ref()
        .connect(&SocketAddrV4::new(Ipv4Addr::LOCALHOST, 0).into())
        .unwrap();
    let e = conn.peer_addr().unwrap_err();
    assert_eq!(e.kind(), ErrorKind::NotConnected, "{e}");
}

#[path = "../../std-adapter/examples/common/harness.rs"]
mod harness;

fn main() {
    use harness::{plain, root};
    harness::run([
        plain(send_to_takes_what_std_sockets_take),
        plain(send_to_an_ipv6_address_is_invalid_input),
        plain(packet_conn_local_and_peer_addr),
        plain(conn_local_and_peer_addr),
        root(raw_conn_local_and_peer_addr),
    ]);
}
