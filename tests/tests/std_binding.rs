//! Binding and proxies (`BindingOptions`: `IP_FREEBIND`, `IP_TRANSPARENT`,
//! `IP_BIND_ADDRESS_NO_PORT`, `IP_LOCAL_PORT_RANGE`), the read-only facts
//! (`SocketFacts`: `IP_PROTOCOL`, `IP_HDRINCL`) and the original
//! destination of a datagram (`IP_RECVORIGDSTADDR`): every option set and
//! read back from the kernel, then what it does, in private namespaces:
//! which addresses a socket may bind, which ports the kernel picks, and
//! what a transparent proxy behind an nftables `tproxy` rule is told.
//!
//! Loopback tests run anywhere; namespace tests need root and are ignored
//! with the reason otherwise; the `tproxy` test also needs `nft`
//! (Debian `nftables`).

use ipv4_std::prelude::*;
use std::io;
use std::net::{Ipv4Addr, SocketAddrV4, TcpListener, UdpSocket};
use std::os::fd::AsRawFd;
use std::time::Duration;

use ipv4_std::ipv4_core::header::Protocol as IpProtocol;
use ipv4_tests::netns::VethPair;
use socket2::{Domain, Protocol, SockAddr, Socket, Type};

const WAIT: Duration = Duration::from_secs(5);
/// An address no namespace of these tests has.
const FOREIGN: Ipv4Addr = Ipv4Addr::new(203, 0, 113, 9);

fn socket(ty: Type) -> Socket {
    Socket::new(Domain::IPV4, ty, None).unwrap()
}

fn is_root() -> bool {
    // SAFETY: geteuid has no preconditions and cannot fail.
    unsafe { libc::geteuid() == 0 }
}

/// Each boolean option, on and off, as the kernel reports it, on a stream
/// and a datagram socket.
fn boolean_options_read_back() {
    for ty in [Type::STREAM, Type::DGRAM] {
        let conn = Conn::new(socket(ty)).unwrap();
        assert!(!conn.freebind().unwrap(), "off by default");
        assert!(!conn.bind_address_no_port().unwrap());
        assert!(!conn.transparent().unwrap());
        for on in [true, false, true] {
            conn.set_freebind(on).unwrap();
            assert_eq!(conn.freebind().unwrap(), on);
            conn.set_bind_address_no_port(on).unwrap();
            assert_eq!(conn.bind_address_no_port().unwrap(), on);
        }
        // A second wrapper over the same socket holds no state: it reads
        // the kernel's value.
        let again = Conn::new(conn.get_ref()).unwrap();
        assert!(again.freebind().unwrap() && again.bind_address_no_port().unwrap());
    }
    let conn = PacketConn::new(socket(Type::DGRAM)).unwrap();
    conn.set_freebind(true).unwrap();
    assert!(conn.freebind().unwrap());
}

/// `IP_TRANSPARENT` needs `CAP_NET_ADMIN` or `CAP_NET_RAW`: as root it is
/// set and read back; otherwise refused with `EPERM`.
fn transparent_needs_privilege() {
    let conn = PacketConn::new(socket(Type::DGRAM)).unwrap();
    if is_root() {
        conn.set_transparent(true).unwrap();
        assert!(conn.transparent().unwrap());
        conn.set_transparent(false).unwrap();
        assert!(!conn.transparent().unwrap());
    } else {
        let e = conn.set_transparent(true).unwrap_err();
        assert_eq!(e.kind(), io::ErrorKind::PermissionDenied, "{e}");
        assert!(!conn.transparent().unwrap());
    }
}

/// `IP_LOCAL_PORT_RANGE`: the packed value both ways, its bounds, and an
/// empty range refused before the system call.
fn local_port_range_read_back() {
    let conn = Conn::new(socket(Type::STREAM)).unwrap();
    assert_eq!(conn.local_port_range().unwrap(), PortRange::UNSET);
    for (low, high) in [
        (40_000, 40_099),
        (1, 65_535),
        (65_535, 65_535),
        (0, 1024),
        (5000, 0),
    ] {
        let range = PortRange::new(low, high).unwrap();
        conn.set_local_port_range(range).unwrap();
        let back = conn.local_port_range().unwrap();
        assert_eq!((back.low(), back.high()), (low, high));
    }
    conn.set_local_port_range(PortRange::UNSET).unwrap();
    assert_eq!(conn.local_port_range().unwrap(), PortRange::UNSET);
    let e = PortRange::new(40_100, 40_000).unwrap_err();
    assert_eq!(e.kind(), io::ErrorKind::InvalidInput, "{e}");
    assert!(e.raw_os_error().is_none());
}

/// Linux's `IP_PROTOCOL` (52, `<linux/in.h>`), read directly: the
/// socket's `inet_num`.
fn ip_protocol_option(fd: &impl AsRawFd) -> libc::c_int {
    let mut v: libc::c_int = -1;
    let mut len = size_of::<libc::c_int>() as libc::socklen_t;
    // SAFETY: `v` and `len` are writable for the lengths given.
    let rc = unsafe {
        libc::getsockopt(
            fd.as_raw_fd(),
            libc::IPPROTO_IP,
            52,
            (&raw mut v).cast(),
            &mut len,
        )
    };
    assert_eq!(rc, 0, "IP_PROTOCOL: {}", io::Error::last_os_error());
    v
}

/// The protocol and `IP_HDRINCL` as the kernel reports them for each kind
/// of socket; and why `protocol()` reads `SO_PROTOCOL`: `IP_PROTOCOL`
/// reports the local port of a bound TCP or UDP socket.
fn protocol_and_header_included() {
    let tcp = Conn::new(socket(Type::STREAM)).unwrap();
    assert_eq!(tcp.protocol().unwrap(), IpProtocol::TCP);
    assert!(!tcp.header_included().unwrap());
    assert_eq!(ip_protocol_option(tcp.get_ref()), 0, "unbound: inet_num 0");
    let udp = PacketConn::new(UdpSocket::bind("127.0.0.1:0").unwrap()).unwrap();
    assert_eq!(udp.protocol().unwrap(), IpProtocol::UDP);
    assert!(!udp.header_included().unwrap());
    assert_eq!(
        ip_protocol_option(udp.get_ref()),
        libc::c_int::from(udp.local_addr().unwrap().port()),
        "IP_PROTOCOL is inet_num, the local port"
    );
}

/// Raw sockets: the protocol given to `socket(2)`; `IP_HDRINCL` off on a
/// plain raw socket, on once `RawConn` wraps it, and on by itself for
/// `IPPROTO_RAW`.
fn raw_protocol_and_header_included() {
    let icmp = Socket::new(Domain::IPV4, Type::RAW, Some(Protocol::ICMPV4)).unwrap();
    let plain = PacketConn::new(&icmp).unwrap();
    assert_eq!(plain.protocol().unwrap(), IpProtocol::ICMP);
    assert_eq!(ip_protocol_option(&icmp), 1);
    assert!(!plain.header_included().unwrap());
    let raw = RawConn::new(&icmp).unwrap();
    assert!(raw.header_included().unwrap());
    assert!(plain.header_included().unwrap(), "the kernel's, not a copy");
    let ipproto_raw = Socket::new(Domain::IPV4, Type::RAW, Some(Protocol::from(255))).unwrap();
    let conn = PacketConn::new(ipproto_raw).unwrap();
    assert_eq!(conn.protocol().unwrap(), IpProtocol(255));
    assert_eq!(
        ip_protocol_option(conn.get_ref()),
        255,
        "raw: inet_num is the protocol"
    );
    assert!(
        conn.header_included().unwrap(),
        "IPPROTO_RAW implies IP_HDRINCL"
    );
}

/// The original destination of a datagram that was not redirected is the
/// address and port it was sent to.
fn orig_dst_of_a_plain_datagram() {
    let rx = PacketConn::new(UdpSocket::bind("127.0.0.1:0").unwrap()).unwrap();
    rx.get_ref().set_read_timeout(Some(WAIT)).unwrap();
    rx.set_control_message(ControlFlags::ORIG_DST, true)
        .unwrap();
    // What the kernel has on, read by a fresh wrapper.
    let again = PacketConn::new(rx.get_ref()).unwrap();
    assert_eq!(again.control_flags(), ControlFlags::ORIG_DST);
    let local = rx.local_addr().unwrap();
    let tx = UdpSocket::bind("127.0.0.1:0").unwrap();
    tx.send_to(b"x", local).unwrap();
    let mut buf = [0u8; 16];
    let d = rx.recv_from(&mut buf).unwrap();
    assert_eq!(d.control.orig_dst, Some(local), "{}", d.control);
    assert_eq!(d.control.flags(), ControlFlags::ORIG_DST);
    rx.set_control_message(ControlFlags::ORIG_DST, false)
        .unwrap();
    assert_eq!(
        PacketConn::new(rx.get_ref()).unwrap().control_flags(),
        ControlFlags::empty()
    );
    tx.send_to(b"y", local).unwrap();
    let d = rx.recv_from(&mut buf).unwrap();
    assert_eq!(d.control.orig_dst, None);
}

/// Binds `addr` on a fresh socket of type `ty` after `prepare`.
fn bind_with(ty: Type, addr: SocketAddrV4, prepare: impl Fn(&Conn<Socket>)) -> io::Result<()> {
    let conn = Conn::new(socket(ty)).unwrap();
    prepare(&conn);
    conn.get_ref().bind(&addr.into())
}

/// An address the namespace does not have can be bound only with
/// `IP_FREEBIND` or `IP_TRANSPARENT`; a local one always.
fn freebind_and_transparent_bind_foreign_addresses() {
    let pair = VethPair::new().unwrap();
    pair.a.run(|| {
        let foreign = SocketAddrV4::new(FOREIGN, 0);
        for ty in [Type::DGRAM, Type::STREAM] {
            let e = bind_with(ty, foreign, |_| {}).unwrap_err();
            assert_eq!(e.kind(), io::ErrorKind::AddrNotAvailable, "{e}");
            bind_with(ty, foreign, |c| c.set_freebind(true).unwrap()).unwrap();
            bind_with(ty, foreign, |c| c.set_transparent(true).unwrap()).unwrap();
            bind_with(ty, SocketAddrV4::new(VethPair::A_ADDR, 0), |_| {}).unwrap();
        }
        // A freely bound socket reports the address it bound.
        let conn = Conn::new(socket(Type::DGRAM)).unwrap();
        conn.set_freebind(true).unwrap();
        conn.get_ref().bind(&foreign.into()).unwrap();
        assert_eq!(*conn.local_addr().unwrap().ip(), FOREIGN);
    });
}

/// The ports the kernel picks lie in the socket's range: at `bind` to port
/// 0 (UDP) until the range is used up, and at `connect` (TCP).
fn local_port_range_bounds_the_ports_picked() {
    let pair = VethPair::new().unwrap();
    pair.a.run(|| {
        let range = PortRange::new(40_000, 40_009).unwrap();
        let mut held = Vec::new();
        for _ in 0..10 {
            let conn = Conn::new(socket(Type::DGRAM)).unwrap();
            conn.set_local_port_range(range).unwrap();
            conn.get_ref()
                .bind(&SocketAddrV4::new(VethPair::A_ADDR, 0).into())
                .unwrap();
            let port = conn.local_addr().unwrap().port();
            assert!(range.contains(port), "{port} outside {range}");
            held.push(conn);
        }
        let mut ports: Vec<u16> = held
            .iter()
            .map(|c| c.local_addr().unwrap().port())
            .collect();
        ports.sort_unstable();
        assert_eq!(ports, (40_000..=40_009).collect::<Vec<_>>());
        // All ten taken: the eleventh bind finds no port.
        let conn = Conn::new(socket(Type::DGRAM)).unwrap();
        conn.set_local_port_range(range).unwrap();
        let e = conn
            .get_ref()
            .bind(&SocketAddrV4::new(VethPair::A_ADDR, 0).into())
            .unwrap_err();
        assert_eq!(e.kind(), io::ErrorKind::AddrInUse, "{e}");

        // TCP: the port is picked at connect, from the range.
        let listener = TcpListener::bind((VethPair::A_ADDR, 0)).unwrap();
        let tcp_range = PortRange::new(41_000, 41_004).unwrap();
        for _ in 0..3 {
            let conn = Conn::new(socket(Type::STREAM)).unwrap();
            conn.set_local_port_range(tcp_range).unwrap();
            conn.get_ref()
                .connect(&listener.local_addr().unwrap().into())
                .unwrap();
            let port = conn.local_addr().unwrap().port();
            assert!(tcp_range.contains(port), "{port} outside {tcp_range}");
            held.push(conn);
        }
    });
}

/// With `IP_BIND_ADDRESS_NO_PORT`, `bind` to port 0 takes the address and
/// leaves the port 0 until `connect` picks one; without it, `bind` picks.
fn bind_address_no_port_defers_the_port_to_connect() {
    let pair = VethPair::new().unwrap();
    pair.a.run(|| {
        let listener = TcpListener::bind((VethPair::A_ADDR, 0)).unwrap();
        let to: SockAddr = listener.local_addr().unwrap().into();
        let local = SocketAddrV4::new(VethPair::A_ADDR, 0);

        let eager = Conn::new(socket(Type::STREAM)).unwrap();
        eager.get_ref().bind(&local.into()).unwrap();
        assert_ne!(eager.local_addr().unwrap().port(), 0, "bind picks a port");

        let lazy = Conn::new(socket(Type::STREAM)).unwrap();
        lazy.set_bind_address_no_port(true).unwrap();
        let range = PortRange::new(42_000, 42_009).unwrap();
        lazy.set_local_port_range(range).unwrap();
        lazy.get_ref().bind(&local.into()).unwrap();
        assert_eq!(lazy.local_addr().unwrap(), local, "address bound, port 0");
        lazy.get_ref().connect(&to).unwrap();
        let after = lazy.local_addr().unwrap();
        assert_eq!(*after.ip(), VethPair::A_ADDR);
        assert!(range.contains(after.port()), "{after} outside {range}");
        let (accepted, peer) = listener.accept().unwrap();
        drop(accepted);
        assert_eq!(peer, std::net::SocketAddr::V4(after));
    });
}

/// A transparent proxy: host `b` routes datagrams for a foreign address
/// to a local socket with an nftables `tproxy` rule; the proxy, bound to
/// another port with `IP_TRANSPARENT`, receives them and
/// `IP_RECVORIGDSTADDR` tells it where they were going.
fn tproxy_redirect_reports_the_original_destination() {
    let pair = VethPair::new().unwrap();
    const PROXY_PORT: u16 = 40_123;
    let orig = SocketAddrV4::new(FOREIGN, 5353);
    // a sends 203.0.113.0/24 through b.
    pair.a
        .ip(&[
            "route",
            "add",
            "203.0.113.0/24",
            "via",
            &VethPair::B_ADDR.to_string(),
        ])
        .unwrap();
    // b delivers marked packets locally (the usual TPROXY policy route).
    pair.b.ip(&["link", "set", "lo", "up"]).unwrap();
    pair.b
        .ip(&["rule", "add", "fwmark", "1", "lookup", "100"])
        .unwrap();
    pair.b
        .ip(&[
            "route",
            "add",
            "local",
            "0.0.0.0/0",
            "dev",
            "lo",
            "table",
            "100",
        ])
        .unwrap();
    pair.b
        .nft(&format!(
            "table ip proxy {{\n chain pre {{\n  type filter hook prerouting priority mangle; policy accept;\n  \
             ip daddr {FOREIGN} udp dport 5353 tproxy to :{PROXY_PORT} meta mark set 1 accept\n }}\n}}\n"
        ))
        .unwrap();
    let proxy = pair.b.run(|| {
        let s = socket(Type::DGRAM);
        let conn = PacketConn::new(s).unwrap();
        conn.set_transparent(true).unwrap();
        conn.get_ref()
            .bind(&SocketAddrV4::new(Ipv4Addr::UNSPECIFIED, PROXY_PORT).into())
            .unwrap();
        conn.get_ref().set_read_timeout(Some(WAIT)).unwrap();
        conn.set_control_message(ControlFlags::ORIG_DST | ControlFlags::DST, true)
            .unwrap();
        conn
    });
    let sent_from = pair.a.run(|| {
        let s = UdpSocket::bind((VethPair::A_ADDR, 0)).unwrap();
        s.send_to(b"to-the-far-side", orig).unwrap();
        s.local_addr().unwrap()
    });
    let mut buf = [0u8; 64];
    let d = proxy.recv_from(&mut buf).unwrap();
    assert_eq!(d.payload, b"to-the-far-side");
    assert_eq!(std::net::SocketAddr::V4(d.source), sent_from);
    assert_eq!(d.control.orig_dst, Some(orig), "{}", d.control);
    assert_eq!(d.control.dst, Some(FOREIGN), "the header's destination");
    assert_ne!(proxy.local_addr().unwrap().port(), orig.port());
}

#[path = "../../std-adapter/examples/common/harness.rs"]
mod harness;

fn main() {
    use harness::{kernel, plain, root};
    let tproxy = kernel(tproxy_redirect_reports_the_original_destination);
    let tproxy = if ipv4_tests::netns::have_nft() {
        tproxy
    } else {
        tproxy.ignore("needs nft (Debian nftables)")
    };
    harness::run([
        plain(boolean_options_read_back),
        plain(transparent_needs_privilege),
        plain(local_port_range_read_back),
        plain(protocol_and_header_included),
        root(raw_protocol_and_header_included),
        plain(orig_dst_of_a_plain_datagram),
        kernel(freebind_and_transparent_bind_foreign_addresses),
        kernel(local_port_range_bounds_the_ports_picked),
        kernel(bind_address_no_port_defers_the_port_to_connect),
        tproxy,
    ]);
}
