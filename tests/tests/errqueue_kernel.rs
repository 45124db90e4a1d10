//! The error queue and path MTU of `ipv4-std` against the kernel, in three
//! private namespaces: host `a` (198.51.100.2) – router `r` (198.51.100.1 |
//! 203.0.113.1, forwarding on) – host `b` (203.0.113.2), the far link with
//! an MTU of 1280.
//!
//! * A DF datagram too large for the far link: the router's
//!   "fragmentation needed" reaches the sender's error queue with the far
//!   MTU and the router as offender; `IP_MTU` then reports the MTU; the
//!   next such send fails at once as `MessageTooLarge` with the MTU, and
//!   queues a local error.
//! * TTL-limited probes: "time exceeded" from the router, on a UDP
//!   socket's queue (the probe's data, its destination port) and on a raw
//!   socket's (the whole quoted probe, matched to it with the core's
//!   `Quote::flow`).
//! * A closed port: "port unreachable" from `b` on a UDP socket's queue.
//! * Reading the queue returns at once when it is empty, does not take a
//!   queued datagram, and the socket polls `POLLERR` while an error waits.
//! * ICMP datagram ("ping") sockets: refused outside
//!   `net.ipv4.ping_group_range`, then, with the range set in `a`, an echo
//!   to `b` answered with the identifier the kernel chose, and a
//!   TTL-limited echo's "time exceeded" on the ping socket's queue.
//!
//! The expected values are independent facts: addresses and MTU configured
//! on the links, the probes' ports, TTL and data, the errno values of
//! `ip(7)` and `icmp(7)`.

use std::net::{Ipv4Addr, SocketAddrV4, UdpSocket};
use std::os::fd::AsRawFd;
use std::time::{Duration, Instant};

use ipv4_core::header::{Header, Protocol};
use ipv4_core::icmp::{
    ErrorCode, Flow, IcmpRepr, IcmpView, Message, TimeExceededCode, Transport, UnreachableCode,
};
use ipv4_std::errqueue::{ErrorQueueEntry, Origin};
use ipv4_std::prelude::*;
use ipv4_tests::netns::RouterChain;
use socket2::{Domain, Socket, Type};

const A_ADDR: Ipv4Addr = RouterChain::A_ADDR;
const R_NEAR: Ipv4Addr = RouterChain::R_NEAR;
const B_ADDR: Ipv4Addr = RouterChain::B_ADDR;
const FAR_MTU: u32 = 1280;
const CLOSED_PORT: u16 = 33_434;

/// Host – router – host, the far link with a smaller MTU.
fn path() -> RouterChain {
    RouterChain::new(FAR_MTU).unwrap()
}

/// A UDP socket of `a` with the error queue on.
fn udp(port: u16) -> PacketConn<UdpSocket> {
    let s = UdpSocket::bind((A_ADDR, port)).unwrap();
    let conn = PacketConn::new(s).unwrap();
    conn.set_recv_errors(true).unwrap();
    assert!(conn.recv_errors().unwrap());
    conn
}

fn fragmentation_needed_reaches_the_error_queue_and_sets_the_path_mtu() {
    let net = path();
    net.a.run(|| {
        let conn = udp(40_001);
        conn.get_ref().connect((B_ADDR, 9)).unwrap();
        conn.set_mtu_discover(PmtuDiscovery::Do).unwrap();
        assert_eq!(conn.mtu_discover().unwrap(), PmtuDiscovery::Do);
        assert_eq!(
            conn.path_mtu().unwrap(),
            1500,
            "the near link's MTU at first"
        );
        let data: Vec<u8> = (0..1400u32).map(|i| i as u8).collect();
        conn.get_ref().send(&data).unwrap();

        let mut buf = [0u8; 2048];
        let e = wait_error(&conn, |b| conn.recv_error(b), &mut buf);
        assert_eq!(e.origin, Origin::ICMP);
        assert_eq!(
            e.icmp,
            Some(ErrorCode::Unreachable(
                UnreachableCode::FRAGMENTATION_NEEDED
            ))
        );
        assert_eq!(e.errno, libc::EMSGSIZE);
        assert_eq!(e.mtu(), Some(FAR_MTU));
        assert_eq!(e.offender, Some(R_NEAR));
        assert_eq!(e.destination, SocketAddrV4::new(B_ADDR, 9));
        // Linux quotes up to 576 bytes of ICMP: the payload is a prefix of
        // the data sent, after the quoted IPv4 and UDP headers.
        assert!(!e.payload.is_empty() && data.starts_with(e.payload), "{e}");
        assert_eq!(
            e.to_string(),
            format!("ICMP fragmentation needed from {R_NEAR} (mtu {FAR_MTU}) for {B_ADDR}:9")
        );

        assert_eq!(conn.path_mtu().unwrap(), FAR_MTU);

        // The kernel knows the path MTU now: the same send fails at once.
        let err = conn
            .send_to(&data, None, SocketAddrV4::new(B_ADDR, 9))
            .unwrap_err();
        let too_large = err
            .get_ref()
            .and_then(|e| e.downcast_ref::<MessageTooLarge>())
            .expect("EMSGSIZE comes as MessageTooLarge");
        assert_eq!(too_large.mtu(), Some(FAR_MTU));
        assert_eq!(too_large.len(), data.len());
        assert_eq!(too_large.os_error().raw_os_error(), Some(libc::EMSGSIZE));
        // ... and queues a local error with the MTU.
        let e = wait_error(&conn, |b| conn.recv_error(b), &mut buf);
        assert_eq!((e.origin, e.icmp, e.offender), (Origin::LOCAL, None, None));
        assert_eq!(e.mtu(), Some(FAR_MTU));
        assert!(conn.recv_error(&mut buf).unwrap().is_none());

        // An unconnected socket learns the MTU the same way.
        let other = udp(40_002);
        other.set_mtu_discover(PmtuDiscovery::Do).unwrap();
        let err = other
            .send_to(&data, None, SocketAddrV4::new(B_ADDR, 9))
            .unwrap_err();
        let too_large = err
            .get_ref()
            .and_then(|e| e.downcast_ref::<MessageTooLarge>())
            .unwrap();
        assert_eq!(too_large.mtu(), Some(FAR_MTU));
        assert_eq!(
            too_large.to_string(),
            format!(
                "a datagram of 1400 bytes to {B_ADDR}:9 does not fit the path MTU of 1280 bytes"
            )
        );
    });
}

/// Waits (up to two seconds) until `conn` polls `POLLERR`, an error
/// queued, and reads it.
fn wait_error<'b, C: std::os::fd::AsFd>(
    conn: &C,
    read: impl FnOnce(&'b mut [u8]) -> std::io::Result<Option<ErrorQueueEntry<'b>>>,
    buf: &'b mut [u8],
) -> ErrorQueueEntry<'b> {
    let fd = conn.as_fd().as_raw_fd();
    let deadline = Instant::now() + Duration::from_secs(2);
    while poll_revents(fd) & libc::POLLERR == 0 {
        assert!(Instant::now() < deadline, "no error queued within 2 s");
        std::thread::sleep(Duration::from_millis(5));
    }
    read(buf).unwrap().expect("POLLERR: an error is queued")
}

fn time_exceeded_from_the_router_on_a_udp_socket() {
    let net = path();
    net.a.run(|| {
        let conn = udp(40_003);
        conn.set_control_message(ControlFlags::TTL, true).unwrap();
        conn.set_ttl(1).unwrap();
        conn.send_to(b"probe ttl 1", None, SocketAddrV4::new(B_ADDR, CLOSED_PORT))
            .unwrap();
        let mut buf = [0u8; 512];
        let e = wait_error(&conn, |b| conn.recv_error(b), &mut buf);
        assert_eq!(e.origin, Origin::ICMP);
        assert_eq!(e.icmp, Some(ErrorCode::TimeExceeded(TimeExceededCode::TTL)));
        assert_eq!(e.errno, libc::EHOSTUNREACH);
        assert_eq!(e.offender, Some(R_NEAR));
        assert_eq!(e.destination, SocketAddrV4::new(B_ADDR, CLOSED_PORT));
        assert_eq!(e.payload, b"probe ttl 1");
        assert_eq!(e.mtu(), None);
        // The TTL of the ICMP packet that carried the error: sent by the
        // router with Linux's default 64, over one link.
        assert_eq!(e.control.ttl, Some(64));
        assert_eq!(
            e.to_string(),
            format!("ICMP time exceeded in transit from {R_NEAR} for {B_ADDR}:{CLOSED_PORT}")
        );
    });
}

/// A UDP header with checksum 0 (none) and `data`.
fn udp_datagram(source: u16, destination: u16, data: &[u8]) -> Vec<u8> {
    let mut d = Vec::new();
    d.extend_from_slice(&source.to_be_bytes());
    d.extend_from_slice(&destination.to_be_bytes());
    d.extend_from_slice(&u16::try_from(8 + data.len()).unwrap().to_be_bytes());
    d.extend_from_slice(&[0, 0]);
    d.extend_from_slice(data);
    d
}

fn time_exceeded_quotes_the_raw_probe_matched_by_the_core() {
    let net = path();
    net.a.run(|| {
        let raw = Socket::new(
            Domain::IPV4,
            Type::RAW,
            Some(socket2::Protocol::from(i32::from(Protocol::UDP.0))),
        )
        .unwrap();
        let conn = RawConn::new(raw).unwrap();
        conn.set_recv_errors(true).unwrap();
        let header = Header::new(A_ADDR, B_ADDR, Protocol::UDP).with_ttl(1);
        let probe = udp_datagram(40_004, 33_435, b"raw probe");
        conn.send(&header, &probe, None).unwrap();
        let mut buf = [0u8; 512];
        let e = wait_error(&conn, |b| conn.recv_error(b), &mut buf);
        assert_eq!(e.icmp, Some(ErrorCode::TimeExceeded(TimeExceededCode::TTL)));
        assert_eq!(e.offender, Some(R_NEAR));
        // IP_HDRINCL: the whole quoted datagram, matched to the probe.
        let quote = ipv4_core::icmp::Quote::new(e.payload);
        let flow = quote.flow().expect("the quoted header parses");
        assert_eq!(
            flow,
            Flow {
                protocol: Protocol::UDP,
                source: A_ADDR,
                destination: B_ADDR,
                identification: flow.identification,
                transport: Transport::Ports {
                    source: 40_004,
                    destination: 33_435
                },
            }
        );
        assert_eq!(
            quote.header().unwrap().ttl(),
            1,
            "the TTL left when it expired"
        );
        assert_eq!(quote.payload(), &probe[..]);
    });
}

fn port_unreachable_on_the_udp_error_queue() {
    let net = path();
    net.a.run(|| {
        let conn = udp(40_005);
        let to = SocketAddrV4::new(B_ADDR, CLOSED_PORT);
        conn.send_to(b"closed?", None, to).unwrap();
        let mut buf = [0u8; 512];
        let e = wait_error(&conn, |b| conn.recv_error(b), &mut buf);
        assert_eq!(e.origin, Origin::ICMP);
        assert_eq!(e.icmp, Some(ErrorCode::Unreachable(UnreachableCode::PORT)));
        assert_eq!(e.errno, libc::ECONNREFUSED);
        assert_eq!(e.error().kind(), std::io::ErrorKind::ConnectionRefused);
        assert_eq!(e.offender, Some(B_ADDR));
        assert_eq!((e.destination, e.payload), (to, &b"closed?"[..]));
    });
}

fn poll_revents(fd: i32) -> i16 {
    let mut p = libc::pollfd {
        fd,
        events: libc::POLLIN,
        revents: 0,
    };
    // SAFETY: one valid pollfd, no timeout.
    let n = unsafe { libc::poll(&mut p, 1, 0) };
    assert!(n >= 0);
    p.revents
}

fn reading_the_queue_takes_no_data_and_never_blocks() {
    let net = path();
    let port = 40_006;
    // A blocking socket (no timeout): an empty queue must still return.
    let conn = net.a.run(|| udp(port));
    let mut buf = [0u8; 512];
    let started = Instant::now();
    assert!(conn.recv_error(&mut buf).unwrap().is_none());
    assert!(started.elapsed() < Duration::from_secs(1));
    assert_eq!(poll_revents(conn.get_ref().as_raw_fd()) & libc::POLLERR, 0);

    // A datagram from b is queued, then an error.
    net.b.run(|| {
        let s = UdpSocket::bind((B_ADDR, 5000)).unwrap();
        s.send_to(b"normal data", (A_ADDR, port)).unwrap();
    });
    conn.send_to(b"x", None, SocketAddrV4::new(B_ADDR, CLOSED_PORT))
        .unwrap();
    let deadline = Instant::now() + Duration::from_secs(2);
    while poll_revents(conn.get_ref().as_raw_fd()) & libc::POLLERR == 0 {
        assert!(Instant::now() < deadline, "POLLERR never came");
        std::thread::sleep(Duration::from_millis(5));
    }
    let revents = poll_revents(conn.get_ref().as_raw_fd());
    assert_ne!(revents & libc::POLLIN, 0, "the datagram is readable too");

    let e = conn
        .recv_error(&mut buf)
        .unwrap()
        .expect("the queued error");
    assert_eq!(e.offender, Some(B_ADDR));
    assert!(conn.recv_error(&mut buf).unwrap().is_none());
    assert_eq!(poll_revents(conn.get_ref().as_raw_fd()) & libc::POLLERR, 0);

    // The ordinary datagram is still there.
    conn.get_ref()
        .set_read_timeout(Some(Duration::from_secs(2)))
        .unwrap();
    let d = conn.recv_from(&mut buf).unwrap();
    assert_eq!(d.payload, b"normal data");
    assert_eq!(d.source, SocketAddrV4::new(B_ADDR, 5000));
}

fn ping_sockets_follow_ping_group_range() {
    let net = path();
    // The kernel's default range, "1 0", allows no group (root's included:
    // the range is checked for every user).
    net.a.sysctl("net.ipv4.ping_group_range", "1 0").unwrap();
    net.a.run(|| {
        let range = ipv4_std::ping::group_range().unwrap();
        assert!(range.is_empty());
        let e = PacketConn::icmp_datagram().unwrap_err();
        assert_eq!(e.kind(), std::io::ErrorKind::PermissionDenied);
        assert!(e.to_string().contains("ping_group_range is 1 0"), "{e}");
    });
    net.a
        .sysctl("net.ipv4.ping_group_range", "0 2147483647")
        .unwrap();
    net.a.run(|| {
        assert_eq!(ipv4_std::ping::group_range().unwrap(), 0..=2_147_483_647);
        let conn = PacketConn::icmp_datagram().unwrap();
        conn.get_ref()
            .set_read_timeout(Some(Duration::from_secs(2)))
            .unwrap();
        conn.set_control_message(ControlFlags::TTL, true).unwrap();
        conn.set_recv_errors(true).unwrap();
        let mut out = [0u8; 64];
        // The identifier we write is replaced by the socket's port.
        let n = IcmpRepr::EchoRequest {
            ident: 0xdead,
            seq: 7,
            data: b"ping socket",
        }
        .emit(&mut out)
        .unwrap();
        conn.send_to(&out[..n], None, SocketAddrV4::new(B_ADDR, 0))
            .unwrap();
        let ident = conn.local_addr().unwrap().port();
        assert_ne!(ident, 0, "the first send bound the socket");
        let mut buf = [0u8; 1500];
        let d = conn.recv_from(&mut buf).unwrap();
        assert!(d.header.is_none(), "no IPv4 header on ping sockets");
        assert_eq!(d.source.ip(), &B_ADDR);
        assert_eq!(d.control.ttl, Some(63), "b's 64, less the router's hop");
        let view = IcmpView::new_checked(d.payload).unwrap();
        let Message::EchoReply(echo) = view.message() else {
            panic!("not an echo reply: {:?}", view.message());
        };
        assert_eq!(
            (echo.ident, echo.seq, echo.data),
            (ident, 7, &b"ping socket"[..])
        );

        // TTL 1: the router's time exceeded reaches the ping socket's queue,
        // quoting the echo request as the kernel sent it.
        conn.set_ttl(1).unwrap();
        let n = IcmpRepr::EchoRequest {
            ident: 0,
            seq: 8,
            data: b"ttl 1",
        }
        .emit(&mut out)
        .unwrap();
        conn.send_to(&out[..n], None, SocketAddrV4::new(B_ADDR, 0))
            .unwrap();
        let e = wait_error(&conn, |b| conn.recv_error(b), &mut buf);
        assert_eq!(e.icmp, Some(ErrorCode::TimeExceeded(TimeExceededCode::TTL)));
        assert_eq!(e.offender, Some(R_NEAR));
        let quoted = IcmpView::new_unchecked(e.payload);
        let Message::EchoRequest(echo) = quoted.message() else {
            panic!("the quote is not our echo request: {:?}", e.payload);
        };
        assert_eq!((echo.ident, echo.seq), (ident, 8));
    });
}

/// Linux routers add no RFC 4884 extensions, so `b` plays an MPLS router:
/// it captures `a`'s probe and answers with a time exceeded built by the
/// core, with an RFC 4950 label stack object. With `IP_RECVERR_RFC4884`
/// the kernel of `a` says where the extension structure starts, and the
/// entry decodes it.
fn rfc4884_extensions_reach_the_error_queue() {
    use ipv4_core::icmp::{MplsEntry, Object, ObjectRepr, class};
    let net = path();
    // An open port: b's kernel must not answer with port unreachable.
    let (capture, _listener) = net.b.run(|| {
        (
            ipv4_tests::sockets::raw(Protocol::UDP.0, Duration::from_secs(2)),
            UdpSocket::bind((B_ADDR, 33_436)).unwrap(),
        )
    });
    let conn = net.a.run(|| {
        let conn = udp(40_007);
        conn.set_recv_errors_rfc4884(true).unwrap();
        assert!(conn.recv_errors_rfc4884().unwrap());
        conn.send_to(b"mpls probe", None, SocketAddrV4::new(B_ADDR, 33_436))
            .unwrap();
        conn
    });
    let mut probe = [0u8; 1500];
    let n = capture.recv(unsafe_uninit(&mut probe)).unwrap();
    let probe = &probe[..n];
    let entry = MplsEntry {
        label: 16,
        tc: 0,
        bottom: true,
        ttl: 1,
    }
    .to_bytes()
    .unwrap();
    let mut objects = [0u8; 8];
    ObjectRepr {
        class: class::MPLS_LABEL_STACK,
        c_type: 1,
        payload: &entry,
    }
    .emit(&mut objects)
    .unwrap();
    let repr = IcmpRepr::TimeExceeded {
        code: TimeExceededCode::TTL,
        quote: probe,
        extension: Some(&objects),
    };
    let mut icmp = [0u8; 512];
    let len = repr.emit(&mut icmp).unwrap();
    net.b.run(|| {
        let raw = ipv4_tests::sockets::raw(Protocol::ICMP.0, Duration::from_secs(1));
        raw.send_to(&icmp[..len], &SocketAddrV4::new(A_ADDR, 0).into())
            .unwrap();
    });
    let mut buf = [0u8; 512];
    let e = wait_error(&conn, |b| conn.recv_error(b), &mut buf);
    assert_eq!(e.offender, Some(B_ADDR));
    assert_eq!(e.icmp, Some(ErrorCode::TimeExceeded(TimeExceededCode::TTL)));
    // The 128-byte padded quote less the IPv4 and UDP headers the kernel
    // stripped.
    assert_eq!(e.extension_offset, Some(128 - 28));
    assert!(!e.extension_invalid);
    assert!(e.original().starts_with(b"mpls probe"));
    let ext = e.extensions().expect("an extension structure").unwrap();
    let objects: Vec<_> = ext
        .objects()
        .map(|o| o.unwrap().decode().unwrap())
        .collect();
    let [Object::Mpls(stack)] = objects[..] else {
        panic!("not one MPLS object: {objects:?}");
    };
    assert_eq!(
        stack.entries().collect::<Vec<_>>(),
        [MplsEntry {
            label: 16,
            tc: 0,
            bottom: true,
            ttl: 1
        }]
    );
    assert!(
        e.to_string()
            .ends_with(&format!("for {B_ADDR}:33436, {}", objects[0])),
        "{e}"
    );
}

/// Every `IP_MTU_DISCOVER` mode reads back from the kernel; `IP_MTU` on an
/// unconnected socket is `ENOTCONN`; `IP_RECVFRAGSIZE` reads back, and a
/// datagram that `b` had to fragment for the 1280 link arrives at `a` with
/// the size of its largest fragment in `recv_from`'s
/// `Datagram::control.frag_size`, while one that came whole carries none.
fn path_mtu_options_read_back_and_the_fragment_size_arrives() {
    let net = path();
    let conn = net.a.run(|| udp(40_008));
    for mode in [
        PmtuDiscovery::Dont,
        PmtuDiscovery::Want,
        PmtuDiscovery::Do,
        PmtuDiscovery::Probe,
        PmtuDiscovery::Interface,
        PmtuDiscovery::Omit,
    ] {
        conn.set_mtu_discover(mode).unwrap();
        assert_eq!(conn.mtu_discover().unwrap(), mode);
        assert_eq!(PmtuDiscovery::from_raw(mode.to_raw()), Some(mode));
    }
    assert_eq!(
        conn.path_mtu().unwrap_err().raw_os_error(),
        Some(libc::ENOTCONN)
    );
    assert!(!conn.recv_frag_size().unwrap());
    conn.set_recv_frag_size(true).unwrap();
    assert!(conn.recv_frag_size().unwrap());

    net.b.run(|| {
        let s = UdpSocket::bind((B_ADDR, 0)).unwrap();
        s.send_to(&[7u8; 3000], (A_ADDR, 40_008)).unwrap();
        s.send_to(b"whole", (A_ADDR, 40_008)).unwrap();
    });
    conn.get_ref()
        .set_read_timeout(Some(Duration::from_secs(2)))
        .unwrap();
    assert!(conn.control_flags().contains(ControlFlags::FRAG_SIZE));
    let mut data = [0u8; 4000];
    for (len, frag) in [(3000, Some(1276)), (5, None)] {
        let d = conn.recv_from(&mut data).unwrap();
        assert_eq!(d.payload.len(), len);
        assert_eq!(d.control_error, None, "{d}");
        // 1280 less the 20-byte header, rounded down to 8-byte fragment
        // units (1256), plus the header.
        assert_eq!(d.control.frag_size, frag, "datagram of {len} bytes");
    }
    // The same switch as the control flag.
    conn.set_control_message(ControlFlags::FRAG_SIZE, false)
        .unwrap();
    assert!(!conn.recv_frag_size().unwrap());
}

/// `buf` as the `MaybeUninit` slice socket2's `recv` takes.
fn unsafe_uninit(buf: &mut [u8]) -> &mut [std::mem::MaybeUninit<u8>] {
    // SAFETY: initialised bytes are valid `MaybeUninit<u8>`, and socket2
    // only writes initialised bytes into them.
    unsafe { &mut *(buf as *mut [u8] as *mut [std::mem::MaybeUninit<u8>]) }
}

#[path = "../../std-adapter/examples/common/harness.rs"]
mod harness;

fn main() {
    use harness::kernel;
    harness::run([
        kernel(fragmentation_needed_reaches_the_error_queue_and_sets_the_path_mtu),
        kernel(time_exceeded_from_the_router_on_a_udp_socket),
        kernel(time_exceeded_quotes_the_raw_probe_matched_by_the_core),
        kernel(port_unreachable_on_the_udp_error_queue),
        kernel(reading_the_queue_takes_no_data_and_never_blocks),
        kernel(ping_sockets_follow_ping_group_range),
        kernel(rfc4884_extensions_reach_the_error_queue),
        kernel(path_mtu_options_read_back_and_the_fragment_size_arrives),
    ]);
}
