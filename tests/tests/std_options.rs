//! Set and get every option of `Conn` and `PacketConn`, read back from the
//! kernel; Go's unicast and multicast socket-option tests
//! (`unicastsockopt_test.go`, `multicastsockopt_test.go`, `TestSetICMPFilter`).
//!
//! Loopback-only tests run anywhere; raw-socket and multicast tests need
//! root (they run in private namespaces) and skip with a printed reason
//! otherwise.

use ipv4_std::prelude::*;
use std::io;
use std::net::{Ipv4Addr, TcpListener, TcpStream, UdpSocket};
use std::os::fd::{AsFd, AsRawFd};

use ipv4_std::bpf::{Instruction, op};
use ipv4_std::{Conn, IcmpFilter, IcmpType, MulticastInterface, PacketConn};
use ipv4_tests::netns::{self, VethPair};
use socket2::{Domain, Protocol, Socket, Type};

fn raw_icmp() -> Socket {
    Socket::new(Domain::IPV4, Type::RAW, Some(Protocol::ICMPV4)).unwrap()
}

/// Go's TestConnUnicastSocketOptions on a TCP loopback connection.
fn conn_tos_and_ttl_on_tcp() {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let stream = TcpStream::connect(listener.local_addr().unwrap()).unwrap();
    let fd = stream.as_raw_fd();
    let conn = Conn::try_from(stream).unwrap();
    assert_eq!(conn.as_fd().as_raw_fd(), fd);
    assert_eq!(conn.ttl().unwrap(), 64, "Linux default");
    conn.set_tos(0).unwrap();
    assert_eq!(conn.tos().unwrap(), 0);
    conn.set_tos(0x28).unwrap();
    assert_eq!(conn.tos().unwrap(), 0x28);
    conn.set_ttl(255).unwrap();
    assert_eq!(conn.ttl().unwrap(), 255);
    let e = conn.set_ttl(0).unwrap_err();
    assert_eq!(e.kind(), io::ErrorKind::InvalidInput, "{e}");
    assert_eq!(conn.ttl().unwrap(), 255, "unchanged after the error");
    // A borrowed stream works too, and the socket comes back whole.
    let stream = conn.into_inner();
    assert_eq!(stream.as_raw_fd(), fd);
    let borrowed = Conn::new(&stream).unwrap();
    assert_eq!(borrowed.ttl().unwrap(), 255);
}

fn unicast_options<S: AsFd>(conn: &PacketConn<S>, tos_kept: u8) {
    conn.set_tos(0).unwrap();
    assert_eq!(conn.tos().unwrap(), 0);
    conn.set_tos(tos_kept).unwrap();
    assert_eq!(conn.tos().unwrap(), tos_kept);
    conn.set_ttl(255).unwrap();
    assert_eq!(conn.ttl().unwrap(), 255);
    conn.set_ttl(1).unwrap();
    assert_eq!(conn.ttl().unwrap(), 1);
}

/// Go's TestPacketConnUnicastSocketOptions, UDP part. On UDP the ECN bits
/// are kept as set.
fn packet_conn_tos_and_ttl_on_udp() {
    let conn = PacketConn::try_from(UdpSocket::bind("127.0.0.1:0").unwrap()).unwrap();
    unicast_options(&conn, 0x2b);
}

/// Go's TestPacketConnUnicastSocketOptions, raw ICMP part (skipped by Go on
/// Linux because of its probe bug).
fn packet_conn_tos_and_ttl_on_raw_icmp() {
    netns::Netns::new().unwrap().run(|| {
        let conn = PacketConn::new(raw_icmp()).unwrap();
        unicast_options(&conn, 0xb8);
    });
}

/// Go's TestSetICMPFilter, plus the value read back with a plain
/// getsockopt and the error on a socket that is not raw ICMP.
fn icmp_filter_set_and_get() {
    netns::Netns::new().unwrap().run(|| {
        let conn = PacketConn::new(raw_icmp()).unwrap();
        assert_eq!(conn.icmp_filter().unwrap(), IcmpFilter::accept_all());
        let mut f = IcmpFilter::block_all();
        f.accept(IcmpType::ECHO).unwrap();
        f.accept(IcmpType::ECHO_REPLY).unwrap();
        conn.set_icmp_filter(f).unwrap();
        assert_eq!(conn.icmp_filter().unwrap(), f);
        assert_eq!(f.bits(), !((1 << 8) | 1));
        let mut raw: u32 = 0;
        let mut len = 4 as libc::socklen_t;
        // SAFETY: `raw` is 4 writable bytes and `len` says so.
        let rc = unsafe {
            libc::getsockopt(
                conn.as_fd().as_raw_fd(),
                libc::SOL_RAW,
                1, // ICMP_FILTER
                (&raw mut raw).cast(),
                &mut len,
            )
        };
        assert_eq!((rc, len, raw), (0, 4, f.bits()));
    });
    // Not a raw socket: Linux answers EOPNOTSUPP to the get and
    // ENOPROTOOPT to the set.
    let udp = PacketConn::new(UdpSocket::bind("127.0.0.1:0").unwrap()).unwrap();
    let e = udp.icmp_filter().unwrap_err();
    assert_eq!(e.raw_os_error(), Some(libc::EOPNOTSUPP), "{e}");
    let e = udp.set_icmp_filter(IcmpFilter::block_all()).unwrap_err();
    assert_eq!(e.raw_os_error(), Some(libc::ENOPROTOOPT), "{e}");
    // A raw socket of another protocol.
    netns::Netns::new().unwrap().run(|| {
        let raw = Socket::new(Domain::IPV4, Type::RAW, Some(Protocol::from(253))).unwrap();
        let conn = PacketConn::new(raw).unwrap();
        let e = conn.icmp_filter().unwrap_err();
        assert_eq!(e.raw_os_error(), Some(libc::EOPNOTSUPP), "{e}");
        let e = conn.set_icmp_filter(IcmpFilter::block_all()).unwrap_err();
        assert_eq!(e.raw_os_error(), Some(libc::EOPNOTSUPP), "{e}");
    });
}

/// The number of instructions of the attached filter (`SO_GET_FILTER`).
fn attached_filter_len(fd: &impl AsRawFd) -> io::Result<usize> {
    let mut len: libc::socklen_t = 0;
    // SAFETY: with a zero length the kernel writes nothing to the (null)
    // buffer and reports the program length in `len`.
    let rc = unsafe {
        libc::getsockopt(
            fd.as_raw_fd(),
            libc::SOL_SOCKET,
            26, // SO_GET_FILTER
            std::ptr::null_mut(),
            &mut len,
        )
    };
    if rc == 0 {
        Ok(len as usize)
    } else {
        Err(io::Error::last_os_error())
    }
}

fn bpf_attach_and_detach_read_back() {
    let conn = PacketConn::new(UdpSocket::bind("127.0.0.1:0").unwrap()).unwrap();
    assert_eq!(attached_filter_len(conn.get_ref()).unwrap(), 0);
    let program = [
        Instruction::load_absolute(op::B, 8),
        Instruction::jump(op::JEQ, 0x41, 0, 1),
        Instruction::ret(0),
        Instruction::ret(u32::MAX),
    ];
    conn.set_bpf(&program).unwrap();
    assert_eq!(attached_filter_len(conn.get_ref()).unwrap(), 4);
    conn.set_bpf(&program[2..]).unwrap();
    assert_eq!(attached_filter_len(conn.get_ref()).unwrap(), 2, "replaced");
    conn.detach_bpf().unwrap();
    assert_eq!(attached_filter_len(conn.get_ref()).unwrap(), 0);
    let e = conn.detach_bpf().unwrap_err();
    assert_eq!(e.raw_os_error(), Some(libc::ENOENT), "{e}");
    // The kernel's verifier rejects a jump past the end.
    let e = conn
        .set_bpf(&[Instruction::jump(op::JEQ, 0, 5, 5)])
        .unwrap_err();
    assert_eq!(e.kind(), io::ErrorKind::InvalidInput, "{e}");
}

/// Go's testMulticastSocketOptions and testSourceSpecificMulticastSocketOptions,
/// on the table of multicastsockopt_test.go (UDP and raw ICMP; the
/// source 127.0.0.1 becomes the peer's address), inside a namespace.
fn multicast_options_table() {
    let pair = VethPair::new().unwrap();
    let ifi = pair.a_index;
    pair.a.run(move || {
        let g = Ipv4Addr::new;
        let source = VethPair::B_ADDR;
        let open = |net: &str, listen: &str| match net {
            "udp4" => Socket::from(UdpSocket::bind(listen).unwrap()),
            _ => raw_icmp(),
        };
        let table = [
            ("udp4", "224.0.0.0:0", g(224, 0, 0, 249), None),
            ("ip4:icmp", "0.0.0.0", g(224, 0, 0, 250), None),
            ("udp4", "232.0.0.0:0", g(232, 0, 1, 249), Some(source)),
            ("ip4:icmp", "0.0.0.0", g(232, 0, 1, 250), Some(source)),
        ];
        for (net, listen, group, source) in table {
            let conn = PacketConn::new(open(net, listen)).unwrap();
            let ctx = format!("{net} {group}");
            conn.set_multicast_ttl(255).unwrap();
            assert_eq!(conn.multicast_ttl().unwrap(), 255, "{ctx}");
            for on in [true, false] {
                conn.set_multicast_loopback(on).unwrap();
                assert_eq!(conn.multicast_loopback().unwrap(), on, "{ctx}");
            }
            match source {
                None => {
                    conn.join_group(ifi, group).unwrap();
                    let e = conn.join_group(ifi, group).unwrap_err();
                    assert_eq!(e.raw_os_error(), Some(libc::EADDRINUSE), "{ctx}: {e}");
                    conn.leave_group(ifi, group).unwrap();
                    let e = conn.leave_group(ifi, group).unwrap_err();
                    assert_eq!(e.raw_os_error(), Some(libc::EADDRNOTAVAIL), "{ctx}: {e}");
                }
                Some(source) => {
                    // 1. any-source join, block and unblock a source, leave.
                    conn.join_group(ifi, group).unwrap();
                    conn.exclude_source_specific_group(ifi, group, source)
                        .unwrap();
                    conn.include_source_specific_group(ifi, group, source)
                        .unwrap();
                    let e = conn
                        .include_source_specific_group(ifi, group, source)
                        .unwrap_err();
                    assert_eq!(e.raw_os_error(), Some(libc::EADDRNOTAVAIL), "{ctx}: {e}");
                    conn.leave_group(ifi, group).unwrap();
                    // 2. source-specific join and leave.
                    conn.join_source_specific_group(ifi, group, source).unwrap();
                    conn.leave_source_specific_group(ifi, group, source)
                        .unwrap();
                    // 3. source-specific join, leave the whole group.
                    conn.join_source_specific_group(ifi, group, source).unwrap();
                    conn.leave_group(ifi, group).unwrap();
                    // Blocking a source of a source-specific membership is
                    // a mode error.
                    conn.join_source_specific_group(ifi, group, source).unwrap();
                    let e = conn
                        .exclude_source_specific_group(ifi, group, source)
                        .unwrap_err();
                    assert_eq!(e.raw_os_error(), Some(libc::EINVAL), "{ctx}: {e}");
                    conn.leave_group(ifi, group).unwrap();
                }
            }
            // Interface index 0: the kernel picks by route (224/4 is routed
            // via the veth).
            conn.join_group(0, group).unwrap();
            conn.leave_group(0, group).unwrap();
        }
    });
}

fn kernel_multicast_if(fd: &impl AsRawFd) -> Ipv4Addr {
    let mut addr = libc::in_addr { s_addr: 0 };
    let mut len = size_of::<libc::in_addr>() as libc::socklen_t;
    // SAFETY: `addr` is a writable in_addr and `len` its size.
    let rc = unsafe {
        libc::getsockopt(
            fd.as_raw_fd(),
            libc::IPPROTO_IP,
            libc::IP_MULTICAST_IF,
            (&raw mut addr).cast(),
            &mut len,
        )
    };
    assert_eq!(rc, 0, "{}", io::Error::last_os_error());
    Ipv4Addr::from(u32::from_be(addr.s_addr))
}

/// The multicast interface getter returns what was set, by index or by
/// address (Go's returns nothing on Linux, golang/go#41854).
fn multicast_interface_get_returns_what_was_set() {
    let pair = VethPair::new().unwrap();
    let ifi = pair.a_index;
    pair.a.run(move || {
        let conn = PacketConn::new(UdpSocket::bind("0.0.0.0:0").unwrap()).unwrap();
        assert_eq!(
            conn.multicast_interface().unwrap(),
            MulticastInterface::Address(Ipv4Addr::UNSPECIFIED),
            "default: the route decides"
        );
        conn.set_multicast_interface(MulticastInterface::Index(ifi))
            .unwrap();
        assert_eq!(
            conn.multicast_interface().unwrap(),
            MulticastInterface::Index(ifi)
        );
        conn.set_multicast_interface(MulticastInterface::Address(VethPair::A_ADDR))
            .unwrap();
        assert_eq!(
            conn.multicast_interface().unwrap(),
            MulticastInterface::Address(VethPair::A_ADDR)
        );
        assert_eq!(kernel_multicast_if(conn.get_ref()), VethPair::A_ADDR);
        conn.set_multicast_interface(MulticastInterface::Index(0))
            .unwrap();
        assert_eq!(
            conn.multicast_interface().unwrap(),
            MulticastInterface::Index(0)
        );
        assert_eq!(kernel_multicast_if(conn.get_ref()), Ipv4Addr::UNSPECIFIED);
        let e = conn
            .set_multicast_interface(MulticastInterface::Index(9999))
            .unwrap_err();
        assert_eq!(e.raw_os_error(), Some(libc::EADDRNOTAVAIL), "{e}");
        let e = conn
            .set_multicast_interface(MulticastInterface::Address(Ipv4Addr::new(192, 0, 2, 9)))
            .unwrap_err();
        assert_eq!(e.raw_os_error(), Some(libc::EADDRNOTAVAIL), "{e}");
        assert_eq!(
            conn.multicast_interface().unwrap(),
            MulticastInterface::Index(0),
            "failed sets change nothing"
        );
    });
}

#[path = "../../std-adapter/examples/common/harness.rs"]
mod harness;

fn main() {
    use harness::{kernel, plain};
    harness::run([
        plain(conn_tos_and_ttl_on_tcp),
        plain(packet_conn_tos_and_ttl_on_udp),
        kernel(packet_conn_tos_and_ttl_on_raw_icmp),
        kernel(icmp_filter_set_and_get),
        plain(bpf_attach_and_detach_read_back),
        kernel(multicast_options_table),
        kernel(multicast_interface_get_returns_what_was_set),
    ]);
}
