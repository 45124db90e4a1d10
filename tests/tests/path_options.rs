//! IP options on the wire and path/routing options (issue 14): every
//! option set through the wrappers and read back from the kernel with
//! `getsockopt`, its boundaries, and its effect where there is one, in
//! private namespaces:
//!
//! * `IP_OPTIONS` with Record Route through a forwarding router: the
//!   receiver's raw socket sees the router's address recorded, its UDP
//!   socket sees it through `IP_RECVOPTS`, and a reply sent with the
//!   `IP_RETOPTS` it got carries a Record Route back.
//! * Per-datagram options (`IP_RETOPTS` on send) replace the socket's for
//!   one datagram.
//! * `IP_MINTTL`: a handshake below the minimum is dropped, one at it gets
//!   through.
//! * `IP_UNICAST_IF`: the datagram leaves by the named interface of two.
//! * `IP_ROUTER_ALERT`: a raw socket on the router takes a forwarded packet
//!   carrying Router Alert, which is then not forwarded.
//! * `IP_CHECKSUM`: the control message's sum is the core's sum of the
//!   payload.
//! * `IP_NODEFRAG`: a raw socket's lone fragment gets past conntrack's
//!   defragmentation (an nftables rule using conntrack) only with it.
//! * `IP_PKTOPTIONS`: an accepted TCP connection reports the TTL, TOS,
//!   interface and destination of the client's handshake.

use std::io;
use std::mem::MaybeUninit;
use std::net::{Ipv4Addr, SocketAddrV4, TcpListener, TcpStream, UdpSocket};
use std::os::fd::{AsRawFd, FromRawFd, OwnedFd};
use std::sync::mpsc;
use std::time::{Duration, Instant};

use ipv4_std::ipv4_core::checksum::{Checksum, pseudo_header};
use ipv4_std::ipv4_core::header::{self, HeaderView};
use ipv4_std::ipv4_core::options::{Ipv4Option, OptionsArea, OptionsBuilder, RouterAlert};
use ipv4_std::prelude::*;
use ipv4_tests::netns::{Netns, VethPair};
use ipv4_tests::sockets;
use socket2::{Domain, Protocol, Socket, Type};

const TIMEOUT: Duration = Duration::from_secs(5);
const PORT: u16 = 4791;

/// `getsockopt(IPPROTO_IP, name)` as an `int`, straight from the kernel.
fn kernel_int(fd: &impl AsRawFd, name: libc::c_int) -> libc::c_int {
    let mut value: libc::c_int = 0;
    let mut len = size_of::<libc::c_int>() as libc::socklen_t;
    // SAFETY: `value` is `len` writable bytes; the kernel writes at most that.
    let rc = unsafe {
        libc::getsockopt(
            fd.as_raw_fd(),
            libc::IPPROTO_IP,
            name,
            (&raw mut value).cast(),
            &mut len,
        )
    };
    assert_eq!(rc, 0, "getsockopt({name}): {}", io::Error::last_os_error());
    value
}

/// An options area built by the core's builder, padded.
fn area(build: impl FnOnce(&mut OptionsBuilder<'_>)) -> OptionsArea {
    let mut buf = [0u8; 40];
    let mut b = OptionsBuilder::new(&mut buf);
    build(&mut b);
    OptionsArea::parse(b.finish().unwrap()).unwrap()
}

/// The addresses recorded in the first Record Route of `options`.
fn recorded(options: &[u8]) -> Vec<Ipv4Addr> {
    for item in ipv4_std::ipv4_core::options::Options::new(options) {
        if let Ipv4Option::RecordRoute(route) = item.unwrap() {
            return route.recorded().collect();
        }
    }
    panic!("no Record Route in {options:02x?}")
}

fn udp(addr: Ipv4Addr, port: u16) -> PacketConn<UdpSocket> {
    let s = UdpSocket::bind((addr, port)).unwrap();
    s.set_read_timeout(Some(TIMEOUT)).unwrap();
    PacketConn::new(s).unwrap()
}

// ---------------------------------------------------------------------------
// Set and read back.

/// `IP_OPTIONS` on UDP, TCP and raw sockets: what is set is what the
/// kernel reports, padded by the kernel; what the core cannot frame is
/// refused before the system call, what the kernel refuses after it.
fn ip_options_set_and_read_back() {
    let conn = udp(Ipv4Addr::LOCALHOST, 0);
    assert!(conn.ip_options().unwrap().is_empty(), "none by default");

    // Unpadded bytes: the kernel pads with End of Option List.
    conn.set_ip_options(&[7, 7, 4, 0, 0, 0, 0]).unwrap();
    assert_eq!(
        conn.ip_options().unwrap().as_bytes(),
        [7, 7, 4, 0, 0, 0, 0, 0]
    );
    // The core's typed list, and the 40-byte maximum.
    let typed =
        OptionsArea::from_options(&[Ipv4Option::RouterAlert(RouterAlert::EXAMINE)]).unwrap();
    conn.set_ip_options(typed.as_bytes()).unwrap();
    assert_eq!(conn.ip_options().unwrap(), typed);
    let full = area(|b| {
        b.record_route(9).unwrap().nop().unwrap();
    });
    assert_eq!(full.buffer_len(), 40);
    conn.set_ip_options(full.as_bytes()).unwrap();
    assert_eq!(conn.ip_options().unwrap(), full);
    assert!(recorded(full.as_bytes()).is_empty());

    // A source route: only with CAP_NET_RAW (EPERM otherwise). The kernel
    // takes the first hop out as the next hop and puts it back when asked.
    let lsrr = [131, 11, 4, 198, 51, 100, 1, 203, 0, 113, 1];
    // SAFETY: geteuid has no preconditions.
    if unsafe { libc::geteuid() } == 0 {
        conn.set_ip_options(&lsrr).unwrap();
        let back = conn.ip_options().unwrap();
        assert_eq!(&back.as_bytes()[..11], lsrr);
        assert_eq!(back.buffer_len(), 12);
    } else {
        let e = conn.set_ip_options(&lsrr).unwrap_err();
        assert_eq!(e.raw_os_error(), Some(libc::EPERM), "{e}");
        assert_eq!(e.kind(), io::ErrorKind::PermissionDenied);
        assert_eq!(conn.ip_options().unwrap(), full, "unchanged");
    }
    let before = conn.ip_options().unwrap();

    // Refused before the system call, with the core's error: too long,
    // unframed. Nothing changes.
    for bad in [&[1u8; 41][..], &[7, 0, 4, 0][..], &[1, 1, 148, 9][..]] {
        let e = conn.set_ip_options(bad).unwrap_err();
        assert_eq!(e.kind(), io::ErrorKind::InvalidInput, "{bad:?}: {e}");
        assert_eq!(e.raw_os_error(), None, "no system call for {bad:?}");
        assert!(
            e.get_ref()
                .unwrap()
                .is::<ipv4_std::ipv4_core::error::OptionsBuildError>()
        );
    }
    assert_eq!(conn.ip_options().unwrap(), before, "unchanged");
    // Framed but refused by the kernel (a Record Route pointer of 3):
    // EINVAL from ip_options_compile.
    let e = conn.set_ip_options(&[7, 7, 3, 0, 0, 0, 0, 0]).unwrap_err();
    assert_eq!(e.raw_os_error(), Some(libc::EINVAL), "{e}");
    assert_eq!(e.kind(), io::ErrorKind::InvalidInput);
    // Empty: none again.
    conn.set_ip_options(&[]).unwrap();
    assert!(conn.ip_options().unwrap().is_empty());
}

/// `IP_OPTIONS` on TCP, on a connection and a listener.
fn ip_options_on_tcp() {
    let typed =
        OptionsArea::from_options(&[Ipv4Option::RouterAlert(RouterAlert::EXAMINE)]).unwrap();
    let full = area(|b| {
        b.record_route(9).unwrap().nop().unwrap();
    });
    let listener = TcpListener::bind((Ipv4Addr::LOCALHOST, 0)).unwrap();
    let tcp = Conn::new(TcpStream::connect(listener.local_addr().unwrap()).unwrap()).unwrap();
    tcp.set_ip_options(typed.as_bytes()).unwrap();
    assert_eq!(tcp.ip_options().unwrap(), typed);
    let listening = Conn::new(&listener).unwrap();
    listening.set_ip_options(full.as_bytes()).unwrap();
    assert_eq!(listening.ip_options().unwrap(), full);
}

/// `IP_OPTIONS` on a raw socket, and the option types Linux does not
/// process, which only a privileged socket may send.
fn ip_options_on_raw_sockets() {
    let raw = RawConn::new(sockets::raw(17, TIMEOUT)).unwrap();
    let unknown = [158, 4, 1, 2];
    raw.set_ip_options(&unknown).unwrap();
    assert_eq!(raw.ip_options().unwrap().as_bytes(), unknown);
    raw.set_ip_options(&[]).unwrap();
    assert!(raw.ip_options().unwrap().is_empty());
}

/// `IP_MINTTL`: 0 to 255, the whole range of the type; the TCP listener's
/// value is inherited by what it accepts.
fn min_ttl_set_and_read_back() {
    let conn = udp(Ipv4Addr::LOCALHOST, 0);
    assert_eq!(conn.min_ttl().unwrap(), 0, "off by default");
    for v in [1, 64, 255, 0] {
        conn.set_min_ttl(v).unwrap();
        assert_eq!(conn.min_ttl().unwrap(), v);
        assert_eq!(kernel_int(conn.get_ref(), libc::IP_MINTTL), i32::from(v));
    }
    let listener = TcpListener::bind((Ipv4Addr::LOCALHOST, 0)).unwrap();
    Conn::new(&listener).unwrap().set_min_ttl(1).unwrap();
    let _client = TcpStream::connect(listener.local_addr().unwrap()).unwrap();
    let (accepted, _) = listener.accept().unwrap();
    let accepted = Conn::new(accepted).unwrap();
    assert_eq!(
        accepted.min_ttl().unwrap(),
        1,
        "inherited from the listener"
    );
    accepted.set_min_ttl(255).unwrap();
    assert_eq!(accepted.min_ttl().unwrap(), 255);
}

/// `IP_UNICAST_IF`: the index goes to the kernel in network byte order
/// (the kernel's own `getsockopt` shows it so) and comes back in host
/// order; out-of-range and unknown indexes are typed errors.
fn unicast_interface_set_and_read_back() {
    let lo = ipv4_std::InterfaceRef::from("lo").index().unwrap();
    let conn = udp(Ipv4Addr::LOCALHOST, 0);
    assert_eq!(conn.unicast_interface().unwrap(), None);
    conn.set_unicast_interface(Some(lo)).unwrap();
    assert_eq!(conn.unicast_interface().unwrap(), Some(lo));
    assert_eq!(
        kernel_int(conn.get_ref(), libc::IP_UNICAST_IF),
        i32::from_ne_bytes(lo.to_be_bytes()),
        "the kernel keeps the index big-endian"
    );
    // Before the system call: an index no C int holds.
    let e = conn.set_unicast_interface(Some(0x8000_0000)).unwrap_err();
    assert_eq!(
        (e.kind(), e.raw_os_error()),
        (io::ErrorKind::InvalidInput, None)
    );
    // After it: an index no interface has.
    let e = conn
        .set_unicast_interface(Some(i32::MAX as u32))
        .unwrap_err();
    assert_eq!(e.raw_os_error(), Some(libc::EADDRNOTAVAIL), "{e}");
    assert_eq!(e.kind(), io::ErrorKind::AddrNotAvailable);
    assert_eq!(conn.unicast_interface().unwrap(), Some(lo), "unchanged");
    conn.set_unicast_interface(None).unwrap();
    assert_eq!(conn.unicast_interface().unwrap(), None);
    assert_eq!(kernel_int(conn.get_ref(), libc::IP_UNICAST_IF), 0);

    let listener = TcpListener::bind((Ipv4Addr::LOCALHOST, 0)).unwrap();
    let tcp = Conn::new(TcpStream::connect(listener.local_addr().unwrap()).unwrap()).unwrap();
    tcp.set_unicast_interface(Some(lo)).unwrap();
    assert_eq!(tcp.unicast_interface().unwrap(), Some(lo));
}

/// `IP_PKTOPTIONS` on a TCP connection across a veth link: the listener's
/// `IP_PKTINFO`, `IP_RECVTTL` and `IP_RECVTOS` pass to the accepted
/// socket, whose `getsockopt(IP_PKTOPTIONS)` then gives the TTL and TOS
/// the client sent its handshake with, the interface it came in by and the
/// address it was sent to, as control messages; the client's own socket
/// answers with its multicast TTL (1) and no interface. The switches read
/// back from the kernel; a flag it has no switch for, and a UDP socket,
/// are errors.
fn packet_options_of_a_tcp_connection() {
    let pair = VethPair::new().unwrap();
    let all = ControlFlags::TTL | ControlFlags::DST | ControlFlags::INTERFACE | ControlFlags::TOS;
    let listener = pair.b.run(|| {
        let listener = TcpListener::bind((VethPair::B_ADDR, PORT)).unwrap();
        let conn = Conn::new(&listener).unwrap();
        assert_eq!(conn.packet_options_flags().unwrap(), ControlFlags::empty());
        conn.set_packet_options(all, true).unwrap();
        assert_eq!(conn.packet_options_flags().unwrap(), all);
        assert_eq!(kernel_int(&listener, libc::IP_PKTINFO), 1);
        listener
    });
    let client = pair.a.run(|| {
        let socket = Socket::new(Domain::IPV4, Type::STREAM, None).unwrap();
        let conn = Conn::new(&socket).unwrap();
        conn.set_ttl(33).unwrap();
        conn.set_tos(0x28).unwrap();
        conn.set_packet_options(all, true).unwrap();
        socket
            .connect(&SocketAddrV4::new(VethPair::B_ADDR, PORT).into())
            .unwrap();
        socket
    });
    let (accepted, from) = listener.accept().unwrap();
    assert_eq!(from.ip(), VethPair::A_ADDR);
    let accepted = Conn::new(accepted).unwrap();
    assert_eq!(accepted.packet_options_flags().unwrap(), all, "inherited");
    let seen = accepted.packet_options().unwrap();
    assert_eq!(
        seen,
        ControlMessage {
            ttl: Some(33),
            tos: Some(0x28),
            dst: Some(VethPair::B_ADDR),
            if_index: Some(pair.b_index),
            ..ControlMessage::default()
        }
    );
    let own = Conn::new(&client).unwrap().packet_options().unwrap();
    assert_eq!((own.ttl, own.if_index), (Some(1), None), "{own}");
    assert_eq!(own.dst, Some(VethPair::A_ADDR));

    // DST and INTERFACE are one switch; TTL and TOS are left alone.
    accepted
        .set_packet_options(ControlFlags::INTERFACE, false)
        .unwrap();
    assert_eq!(
        accepted.packet_options_flags().unwrap(),
        ControlFlags::TTL | ControlFlags::TOS
    );
    let seen = accepted.packet_options().unwrap();
    assert_eq!(seen.flags(), ControlFlags::TTL | ControlFlags::TOS);

    let e = accepted
        .set_packet_options(ControlFlags::CHECKSUM, true)
        .unwrap_err();
    assert_eq!(
        (e.kind(), e.raw_os_error()),
        (io::ErrorKind::InvalidInput, None)
    );
    let udp = UdpSocket::bind((Ipv4Addr::LOCALHOST, 0)).unwrap();
    let e = Conn::new(&udp).unwrap().packet_options().unwrap_err();
    assert_eq!(e.raw_os_error(), Some(libc::ENOPROTOOPT), "{e}");
}

/// `IP_ROUTER_ALERT` and `IP_NODEFRAG` on raw sockets. Turning Router
/// Alert on or off twice is no error (the kernel alone would say
/// `EADDRINUSE` and `ENOBUFS`); a raw socket of protocol 255 receives
/// nothing and is refused.
fn raw_options_set_and_read_back() {
    let raw = RawConn::new(sockets::raw(46, TIMEOUT)).unwrap();
    assert!(!raw.router_alert().unwrap());
    raw.set_router_alert(true).unwrap();
    raw.set_router_alert(true).unwrap();
    assert!(raw.router_alert().unwrap());
    assert_eq!(kernel_int(raw.get_ref(), libc::IP_ROUTER_ALERT), 1);
    raw.set_router_alert(false).unwrap();
    raw.set_router_alert(false).unwrap();
    assert!(!raw.router_alert().unwrap());
    assert_eq!(kernel_int(raw.get_ref(), libc::IP_ROUTER_ALERT), 0);

    let ipproto_raw = RawConn::new(sockets::raw(255, TIMEOUT)).unwrap();
    let e = ipproto_raw.set_router_alert(true).unwrap_err();
    assert_eq!(e.raw_os_error(), Some(libc::EINVAL), "{e}");

    assert!(!raw.nodefrag().unwrap());
    raw.set_nodefrag(true).unwrap();
    assert!(raw.nodefrag().unwrap());
    assert_eq!(kernel_int(raw.get_ref(), libc::IP_NODEFRAG), 1);
    raw.set_nodefrag(false).unwrap();
    assert_eq!(kernel_int(raw.get_ref(), libc::IP_NODEFRAG), 0);

    // Path options on a raw socket too.
    raw.set_min_ttl(200).unwrap();
    assert_eq!(kernel_int(raw.get_ref(), libc::IP_MINTTL), 200);
}

/// The control flags of this issue drive `IP_RECVOPTS`, `IP_RETOPTS` and
/// `IP_CHECKSUM` (read back from the kernel), and a wrapper made over a
/// socket that has them on starts with the flags set.
fn control_flags_drive_their_options() {
    let conn = udp(Ipv4Addr::LOCALHOST, 0);
    let names = [
        (ControlFlags::OPTIONS, libc::IP_RECVOPTS),
        (ControlFlags::RETURN_OPTIONS, libc::IP_RETOPTS),
        (ControlFlags::CHECKSUM, libc::IP_CHECKSUM),
    ];
    for (flag, name) in names {
        assert_eq!(kernel_int(conn.get_ref(), name), 0);
        conn.set_control_message(flag, true).unwrap();
        assert_eq!(kernel_int(conn.get_ref(), name), 1, "{flag:?}");
        assert!(conn.control_flags().contains(flag));
    }
    let again = PacketConn::new(conn.get_ref()).unwrap();
    assert_eq!(
        again.control_flags(),
        ControlFlags::OPTIONS | ControlFlags::RETURN_OPTIONS | ControlFlags::CHECKSUM
    );
    for (flag, name) in names {
        conn.set_control_message(flag, false).unwrap();
        assert_eq!(kernel_int(conn.get_ref(), name), 0, "{flag:?}");
    }
}

// ---------------------------------------------------------------------------
// Effects.

/// A — R — B: host A (198.51.100.1) and host B (203.0.113.1) on two links
/// of a router R (198.51.100.2, 203.0.113.2) that forwards.
struct Routed {
    a: Netns,
    r: Netns,
    b: Netns,
}

const A: Ipv4Addr = Ipv4Addr::new(198, 51, 100, 1);
const R_A: Ipv4Addr = Ipv4Addr::new(198, 51, 100, 2);
const R_B: Ipv4Addr = Ipv4Addr::new(203, 0, 113, 2);
const B: Ipv4Addr = Ipv4Addr::new(203, 0, 113, 1);

impl Routed {
    fn new() -> io::Result<Routed> {
        let (a, r, b) = (Netns::new()?, Netns::new()?, Netns::new()?);
        a.ip(&[
            "link",
            "add",
            "a0",
            "type",
            "veth",
            "peer",
            "name",
            "ra",
            "netns",
            r.name(),
        ])?;
        b.ip(&[
            "link",
            "add",
            "b0",
            "type",
            "veth",
            "peer",
            "name",
            "rb",
            "netns",
            r.name(),
        ])?;
        for (ns, ifname, addr) in [
            (&a, "a0", "198.51.100.1/24"),
            (&r, "ra", "198.51.100.2/24"),
            (&r, "rb", "203.0.113.2/24"),
            (&b, "b0", "203.0.113.1/24"),
        ] {
            ns.ip(&["addr", "add", addr, "dev", ifname])?;
            ns.ip(&["link", "set", ifname, "up"])?;
        }
        a.ip(&["route", "add", "default", "via", "198.51.100.2"])?;
        b.ip(&["route", "add", "default", "via", "203.0.113.2"])?;
        r.sysctl("net.ipv4.ip_forward", "1")?;
        Ok(Routed { a, r, b })
    }
}

/// Receives datagrams on `raw` until one is UDP to `port`; returns the
/// whole packet.
fn capture_udp_to(raw: &Socket, port: u16) -> Vec<u8> {
    let mut buf = [MaybeUninit::<u8>::uninit(); 1500];
    let deadline = Instant::now() + TIMEOUT;
    while Instant::now() < deadline {
        let n = raw.recv(&mut buf).expect("a packet before the timeout");
        // SAFETY: recv initialised the first n bytes.
        let packet: Vec<u8> = buf[..n]
            .iter()
            .map(|b| unsafe { b.assume_init() })
            .collect();
        let ihl = usize::from(packet[0] & 0x0f) * 4;
        if packet.len() >= ihl + 4 && u16::from_be_bytes([packet[ihl + 2], packet[ihl + 3]]) == port
        {
            return packet;
        }
    }
    panic!("no UDP datagram to port {port}");
}

/// A UDP socket on A sends with a Record Route of 6 slots to B through R.
/// Linux fills the route as it goes (`ip_options_build` on A,
/// `ip_forward_options` on R, `ip_options_compile` on B's input): B's raw
/// socket sees A, R's outgoing address and B; B's UDP socket gets the same
/// options through `IP_RECVOPTS`, decoded by the core, with every other
/// control message on at once (no `MSG_CTRUNC`: the control buffer holds
/// them all). B answers with the `IP_RETOPTS` options it got, sent per
/// datagram, and A's reply carries a Record Route filled on the way back.
fn record_route_through_a_router() {
    let t = Routed::new().unwrap();
    let (ready_tx, ready_rx) = mpsc::channel();
    let receiver = t.b.spawn(move || {
        let raw = sockets::raw(17, TIMEOUT);
        let conn = udp(Ipv4Addr::UNSPECIFIED, PORT);
        conn.set_control_message(ControlFlags::all(), true).unwrap();
        ready_tx.send(()).unwrap();
        let mut buf = [0u8; 1500];
        let d = conn.recv_from(&mut buf).unwrap();
        assert_eq!(d.payload, b"record");
        assert!(!d.flags.is_control_truncated(), "{:?}", d.flags);
        let (control, source) = (d.control, d.source);
        let reply = ControlMessage {
            options: control.return_options,
            ..ControlMessage::default()
        };
        conn.send_to(b"reply", Some(&reply), source).unwrap();
        (control, capture_udp_to(&raw, PORT))
    });
    ready_rx.recv().unwrap();
    let (reply_options, sent) = t.a.run(|| {
        let conn = udp(A, 0);
        let rr = area(|b| {
            b.record_route(6).unwrap();
        });
        conn.set_ip_options(rr.as_bytes()).unwrap();
        conn.set_control_message(ControlFlags::OPTIONS, true)
            .unwrap();
        conn.send_to(b"record", None, SocketAddrV4::new(B, PORT))
            .unwrap();
        let mut buf = [0u8; 1500];
        let d = conn.recv_from(&mut buf).unwrap();
        assert_eq!((d.payload, *d.source.ip()), (&b"reply"[..], B));
        (d.control.options.expect("the reply's options"), rr)
    });
    let (control, packet) = receiver.join().unwrap();

    // B's raw socket: the whole header, options decoded by the core.
    let ihl = usize::from(packet[0] & 0x0f) * 4;
    // B's own entry is made after the checksum was verified and is not
    // folded into it (see options_kernel.rs): trust the stored checksum.
    let header =
        HeaderView::new_checked_with(&packet[..], ipv4_std::ipv4_core::checksum::Policy::Trust)
            .unwrap();
    assert_eq!(header.header_len(), ihl);
    assert_eq!((header.source(), header.destination()), (A, B));
    assert_eq!(header.options().len(), sent.buffer_len());
    assert_eq!(recorded(header.options()), [A, R_B, B], "R recorded itself");

    // B's UDP socket: the same options through IP_RECVOPTS.
    let options = control.options.expect("IP_RECVOPTS");
    assert_eq!(options.as_bytes(), header.options());
    assert_eq!(recorded(options.as_bytes()), [A, R_B, B]);
    // Every other message too, in one buffer.
    assert_eq!(control.ttl, Some(63), "one hop");
    assert_eq!(control.dst, Some(B));
    assert!(control.if_index.is_some());
    assert_eq!(control.tos, Some(0));
    let ret = control.return_options.expect("IP_RETOPTS");
    assert!(
        matches!(ret.options().next(), Some(Ok(Ipv4Option::RecordRoute(_)))),
        "{ret}"
    );

    // The reply, sent with those options, was recorded on its way back
    // through R's address on A's side.
    let back = recorded(reply_options.as_bytes());
    assert!(back.contains(&R_A), "{back:?} in {reply_options}");
}

/// Per-datagram options (`ControlMessage::options`, sent as `IP_RETOPTS`)
/// replace the socket's `IP_OPTIONS` for that datagram alone: a raw socket
/// sees Record Route on the first, no options on the second (an empty
/// area), and the socket's Router Alert on the third (none given). Options
/// the kernel refuses fail that send with `EINVAL`.
fn per_datagram_options_replace_the_sockets() {
    let ns = Netns::new().unwrap();
    ns.run(|| {
        let raw = sockets::raw(17, TIMEOUT);
        let rx = udp(Ipv4Addr::LOCALHOST, 0);
        let port = rx.local_addr().unwrap().port();
        let tx = udp(Ipv4Addr::LOCALHOST, 0);
        let ra =
            OptionsArea::from_options(&[Ipv4Option::RouterAlert(RouterAlert::EXAMINE)]).unwrap();
        tx.set_ip_options(ra.as_bytes()).unwrap();
        let rr = area(|b| {
            b.record_route(2).unwrap();
        });
        let dst = SocketAddrV4::new(Ipv4Addr::LOCALHOST, port);
        for options in [Some(rr), Some(OptionsArea::EMPTY), None] {
            let cm = ControlMessage {
                options,
                ..ControlMessage::default()
            };
            tx.send_to(b"each", Some(&cm), dst).unwrap();
        }
        let seen: Vec<Vec<u8>> = (0..3)
            .map(|_| {
                let packet = capture_udp_to(&raw, port);
                let ihl = usize::from(packet[0] & 0x0f) * 4;
                packet[20..ihl].to_vec()
            })
            .collect();
        // Linux records the sender, then the receiver (loopback).
        assert_eq!(
            recorded(&seen[0]),
            [Ipv4Addr::LOCALHOST, Ipv4Addr::LOCALHOST]
        );
        assert_eq!(seen[1], []);
        assert_eq!(seen[2], ra.as_bytes());
        // Framed, but a Record Route pointer of 3: the kernel refuses it.
        let bad = ControlMessage {
            options: Some(OptionsArea::parse(&[7, 7, 3, 0, 0, 0, 0, 0]).unwrap()),
            ..ControlMessage::default()
        };
        let e = tx.send_to(b"bad", Some(&bad), dst).unwrap_err();
        assert_eq!(e.raw_os_error(), Some(libc::EINVAL), "{e}");
        assert_eq!(tx.ip_options().unwrap(), ra, "the socket's are untouched");
    });
}

/// `IP_MINTTL` on a TCP listener: a handshake whose SYN arrives with TTL
/// 63 is dropped (the connection times out), one with TTL 64 completes.
/// UDP datagrams are delivered whatever the minimum (Linux checks it on
/// TCP only).
fn min_ttl_drops_what_is_below_it() {
    let listener = TcpListener::bind((Ipv4Addr::LOCALHOST, 0)).unwrap();
    let addr = listener.local_addr().unwrap();
    Conn::new(&listener).unwrap().set_min_ttl(64).unwrap();
    let connect = |ttl: u32| {
        let s = Socket::new(Domain::IPV4, Type::STREAM, Some(Protocol::TCP)).unwrap();
        s.set_ttl_v4(ttl).unwrap();
        s.connect_timeout(&addr.into(), Duration::from_millis(1500))
    };
    let e = connect(63).unwrap_err();
    assert_eq!(e.kind(), io::ErrorKind::TimedOut, "{e}");
    connect(64).unwrap();
    connect(255).unwrap();

    let rx = udp(Ipv4Addr::LOCALHOST, 0);
    rx.set_min_ttl(64).unwrap();
    rx.set_control_message(ControlFlags::TTL, true).unwrap();
    let tx = udp(Ipv4Addr::LOCALHOST, 0);
    tx.set_ttl(63).unwrap();
    tx.send_to(b"low", None, rx.local_addr().unwrap()).unwrap();
    let mut buf = [0u8; 16];
    let d = rx.recv_from(&mut buf).unwrap();
    assert_eq!((d.payload, d.control.ttl), (&b"low"[..], Some(63)));
}

/// An `AF_PACKET` socket that sees the frames crossing interface `index`
/// of the calling thread's namespace, both ways (`ETH_P_ALL`: a socket of
/// one protocol sees only what comes in).
fn capture_on(index: u32) -> Socket {
    let proto = (libc::ETH_P_ALL as u16).to_be();
    // SAFETY: plain socket(2) call.
    let fd = unsafe { libc::socket(libc::AF_PACKET, libc::SOCK_DGRAM, i32::from(proto)) };
    assert!(fd >= 0, "packet socket: {}", io::Error::last_os_error());
    // SAFETY: `fd` is a fresh socket we own.
    let s = Socket::from(unsafe { OwnedFd::from_raw_fd(fd) });
    // SAFETY: all zeros is a valid sockaddr_ll.
    let mut sll: libc::sockaddr_ll = unsafe { std::mem::zeroed() };
    sll.sll_family = libc::AF_PACKET as u16;
    sll.sll_protocol = proto;
    sll.sll_ifindex = index as i32;
    // SAFETY: `sll` is a sockaddr_ll of the size passed.
    let rc = unsafe {
        libc::bind(
            fd,
            (&raw const sll).cast(),
            size_of::<libc::sockaddr_ll>() as libc::socklen_t,
        )
    };
    assert_eq!(rc, 0, "bind: {}", io::Error::last_os_error());
    s.set_read_timeout(Some(Duration::from_millis(300)))
        .unwrap();
    s
}

/// `IP_NODEFRAG` ([`ip(7)`]: "the reassembly of outbound packets is
/// disabled in the netfilter layer"): in a namespace where an nftables
/// rule uses conntrack, a raw socket's first fragment of a datagram whose
/// rest never comes is held by conntrack's defragmentation on output, so
/// nothing leaves; with `IP_NODEFRAG` the same fragment leaves as it is
/// (seen on the link by a packet socket).
///
/// [`ip(7)`]: https://man7.org/linux/man-pages/man7/ip.7.html
fn nodefrag_lets_fragments_past_conntrack() {
    const PROTOCOL: u8 = 253; // RFC 3692 experimentation
    let pair = VethPair::new().unwrap();
    pair.a
        .nft(
            "table ip t {\n chain out {\n  type filter hook output priority 0; policy accept;\n  \
             ct state new counter accept\n }\n}\n",
        )
        .unwrap();
    let a_index = pair.a_index;
    let sent = pair.a.run(move || {
        let capture = capture_on(a_index);
        let raw = RawConn::new(sockets::raw(PROTOCOL, TIMEOUT)).unwrap();
        let mut fragments_out = Vec::new();
        for (id, nodefrag) in [(0x4e01, false), (0x4e02, true)] {
            raw.set_nodefrag(nodefrag).unwrap();
            assert_eq!(
                kernel_int(raw.get_ref(), libc::IP_NODEFRAG),
                i32::from(nodefrag)
            );
            let first = header::Header::new(
                VethPair::A_ADDR,
                VethPair::B_ADDR,
                header::Protocol(PROTOCOL),
            )
            .with_identification(id)
            .with_flags(header::Flags::MORE_FRAGMENTS);
            raw.send(&first, &[0x5a; 16], None).unwrap();
            // Frames on the link until it is quiet: ARP, and the fragment
            // if it got out.
            let mut out = Vec::new();
            let mut buf = [MaybeUninit::<u8>::uninit(); 1500];
            while let Ok(n) = capture.recv(&mut buf) {
                // SAFETY: recv initialised the first n bytes.
                let p: Vec<u8> = buf[..n]
                    .iter()
                    .map(|b| unsafe { b.assume_init() })
                    .collect();
                if let Ok(h) = HeaderView::new_checked(&p[..])
                    && h.protocol() == header::Protocol(PROTOCOL)
                {
                    out.push((h.identification(), h.flags(), h.fragment_offset(), n));
                }
            }
            fragments_out.push(out);
        }
        fragments_out
    });
    assert_eq!(
        sent[0],
        [],
        "conntrack holds a lone fragment for reassembly"
    );
    assert_eq!(
        sent[1],
        [(0x4e02, header::Flags::MORE_FRAGMENTS, 0, 36)],
        "with IP_NODEFRAG it leaves as it is"
    );
}

/// UDP datagrams to `port` that `capture` saw (until it is quiet).
fn count_udp_to(capture: &Socket, port: u16) -> usize {
    let mut buf = [MaybeUninit::<u8>::uninit(); 1500];
    let mut count = 0;
    while let Ok(n) = capture.recv(&mut buf) {
        // SAFETY: recv initialised the first n bytes.
        let p: Vec<u8> = buf[..n]
            .iter()
            .map(|b| unsafe { b.assume_init() })
            .collect();
        // ARP and other frames come too: only IPv4 UDP to `port` counts.
        let Some(view) = HeaderView::new_checked(&p[..]).ok() else {
            continue;
        };
        let l4 = &p[view.header_len()..];
        if view.protocol() == header::Protocol::UDP
            && l4.len() >= 4
            && u16::from_be_bytes([l4[2], l4[3]]) == port
        {
            count += 1;
        }
    }
    count
}

/// `IP_UNICAST_IF`: host S reaches 203.0.113.1 (on host R) over two links,
/// `s1` preferred by its routes. A datagram leaves by `s1`; with the
/// option naming `s2`, by `s2`: captured on both of S's links, and R
/// reports (`IP_PKTINFO`) the link it came in by.
fn unicast_interface_picks_the_link() {
    let (s, r) = (Netns::new().unwrap(), Netns::new().unwrap());
    for (sn, rn, s_addr, r_addr) in [
        ("s1", "r1", "198.51.100.1/30", "198.51.100.2/30"),
        ("s2", "r2", "198.51.100.5/30", "198.51.100.6/30"),
    ] {
        s.ip(&[
            "link",
            "add",
            sn,
            "type",
            "veth",
            "peer",
            "name",
            rn,
            "netns",
            r.name(),
        ])
        .unwrap();
        s.ip(&["addr", "add", s_addr, "dev", sn]).unwrap();
        r.ip(&["addr", "add", r_addr, "dev", rn]).unwrap();
        s.ip(&["link", "set", sn, "up"]).unwrap();
        r.ip(&["link", "set", rn, "up"]).unwrap();
    }
    let target = Ipv4Addr::new(203, 0, 113, 1);
    r.ip(&["addr", "add", "203.0.113.1/32", "dev", "lo"])
        .unwrap();
    for (via, dev, metric) in [("198.51.100.2", "s1", "10"), ("198.51.100.6", "s2", "20")] {
        s.ip(&[
            "route",
            "add",
            "203.0.113.1/32",
            "via",
            via,
            "dev",
            dev,
            "metric",
            metric,
        ])
        .unwrap();
    }
    let (s1, s2) = (s.if_index("s1").unwrap(), s.if_index("s2").unwrap());
    let (r1, r2) = (r.if_index("r1").unwrap(), r.if_index("r2").unwrap());

    let (ready_tx, ready_rx) = mpsc::channel();
    let receiver = r.spawn(move || {
        let conn = udp(Ipv4Addr::UNSPECIFIED, PORT);
        conn.set_control_message(ControlFlags::INTERFACE, true)
            .unwrap();
        ready_tx.send(()).unwrap();
        let mut arrivals = Vec::new();
        for _ in 0..2 {
            let mut buf = [0u8; 16];
            let d = conn.recv_from(&mut buf).unwrap();
            arrivals.push((d.payload.to_vec(), d.control.if_index.unwrap()));
        }
        arrivals
    });
    ready_rx.recv().unwrap();
    let seen = s.run(move || {
        let (c1, c2) = (capture_on(s1), capture_on(s2));
        let conn = udp(Ipv4Addr::UNSPECIFIED, 0);
        let dst = SocketAddrV4::new(target, PORT);
        conn.send_to(b"routed", None, dst).unwrap();
        let routed = (count_udp_to(&c1, PORT), count_udp_to(&c2, PORT));
        conn.set_unicast_interface(Some(s2)).unwrap();
        conn.send_to(b"pinned", None, dst).unwrap();
        let pinned = (count_udp_to(&c1, PORT), count_udp_to(&c2, PORT));
        (routed, pinned)
    });
    let arrivals = receiver.join().unwrap();
    assert_eq!(
        seen,
        ((1, 0), (0, 1)),
        "(on s1, on s2) routed, then pinned to s2"
    );
    assert_eq!(
        arrivals,
        [(b"routed".to_vec(), r1), (b"pinned".to_vec(), r2)]
    );
}

/// `IP_ROUTER_ALERT`: a raw UDP socket on R with the option takes the
/// datagram A sends to B with Router Alert (`ip_call_ra_chain`), and R
/// does not forward it; with the option off, R forwards the next one and
/// its raw socket, which only sees datagrams for R, does not get it.
fn router_alert_takes_forwarded_packets() {
    let t = Routed::new().unwrap();
    let (ready_tx, ready_rx) = mpsc::channel();
    let (next_tx, next_rx) = mpsc::channel::<()>();
    let router = t.r.spawn(move || {
        let raw = RawConn::new(sockets::raw(17, Duration::from_secs(2))).unwrap();
        raw.set_router_alert(true).unwrap();
        ready_tx.send(()).unwrap();
        let mut buf = [0u8; 1500];
        let d = raw.recv(&mut buf).unwrap();
        let header = d.header.expect("a raw socket gets the header");
        let taken = (
            header.source(),
            header.destination(),
            header.options().to_vec(),
            d.payload[8..].to_vec(),
        );
        raw.set_router_alert(false).unwrap();
        ready_tx.send(()).unwrap();
        next_rx.recv().unwrap();
        let after = raw.recv(&mut buf).map(|d| d.payload.len());
        (taken, after.map_err(|e| e.kind()))
    });
    let b_rx = t.b.spawn(|| {
        let conn = udp(Ipv4Addr::UNSPECIFIED, PORT);
        let mut got = Vec::new();
        let mut buf = [0u8; 64];
        while let Ok(d) = conn.recv_from(&mut buf) {
            got.push(d.payload.to_vec());
            if d.payload == b"alert two" {
                break;
            }
        }
        got
    });
    ready_rx.recv().unwrap();
    t.a.run(move || {
        let conn = udp(A, 0);
        let ra =
            OptionsArea::from_options(&[Ipv4Option::RouterAlert(RouterAlert::EXAMINE)]).unwrap();
        conn.set_ip_options(ra.as_bytes()).unwrap();
        let dst = SocketAddrV4::new(B, PORT);
        conn.send_to(b"alert one", None, dst).unwrap();
        ready_rx.recv().unwrap();
        conn.send_to(b"alert two", None, dst).unwrap();
    });
    next_tx.send(()).unwrap();
    let ((src, dst, options, payload), after) = router.join().unwrap();
    assert_eq!((src, dst), (A, B));
    assert_eq!(payload, b"alert one");
    assert_eq!(
        ipv4_std::ipv4_core::options::Options::new(&options)
            .next()
            .unwrap()
            .unwrap(),
        Ipv4Option::RouterAlert(RouterAlert::EXAMINE)
    );
    assert_eq!(after, Err(io::ErrorKind::WouldBlock), "nothing once off");
    assert_eq!(
        b_rx.join().unwrap(),
        [b"alert two".to_vec()],
        "the first was taken"
    );
}

/// `IP_CHECKSUM`: a UDP datagram sent whole through a raw socket arrives
/// unvouched for, so the kernel sums it in software and reports the sum
/// of the payload, which equals the core's. One sent by a UDP socket over
/// loopback (vouched for) carries no such message.
fn checksum_message_matches_the_core() {
    let ns = Netns::new().unwrap();
    ns.run(|| {
        let rx = udp(Ipv4Addr::LOCALHOST, 0);
        rx.set_control_message(ControlFlags::CHECKSUM, true)
            .unwrap();
        let port = rx.local_addr().unwrap().port();
        let tx = udp(Ipv4Addr::LOCALHOST, 0);
        tx.send_to(b"vouched for", None, rx.local_addr().unwrap())
            .unwrap();
        let mut buf = [0u8; 64];
        let d = rx.recv_from(&mut buf).unwrap();
        assert_eq!((d.payload, d.control.checksum), (&b"vouched for"[..], None));

        let payload = b"checksummed in software";
        let lo = Ipv4Addr::LOCALHOST;
        let udp_len = 8 + payload.len() as u16;
        let mut datagram = Vec::new();
        datagram.extend_from_slice(&40000u16.to_be_bytes());
        datagram.extend_from_slice(&port.to_be_bytes());
        datagram.extend_from_slice(&udp_len.to_be_bytes());
        datagram.extend_from_slice(&[0, 0]);
        datagram.extend_from_slice(payload);
        let mut sum = pseudo_header(lo, lo, 17, udp_len);
        sum.add_bytes(&datagram);
        datagram[6..8].copy_from_slice(&sum.finish().to_be_bytes());
        // IPv4 header: Linux fills in the total length, ID and checksum.
        let mut packet = vec![0x45, 0, 0, 0, 0, 0, 0, 0, 64, 17, 0, 0];
        packet.extend_from_slice(&lo.octets());
        packet.extend_from_slice(&lo.octets());
        packet.extend_from_slice(&datagram);
        let raw = sockets::raw(255, TIMEOUT);
        raw.send_to(&packet, &SocketAddrV4::new(lo, 0).into())
            .unwrap();

        let d = rx.recv_from(&mut buf).unwrap();
        assert_eq!(d.payload, payload);
        let mut core_sum = Checksum::new();
        core_sum.add_bytes(payload);
        assert_eq!(d.control.checksum, Some(core_sum.sum16()));
        // And with the header and pseudo-header it makes the UDP checksum
        // verify: together they sum to 0xffff.
        let mut whole = pseudo_header(lo, lo, 17, udp_len);
        whole.add_bytes(&datagram[..8]);
        let mut total = whole;
        total.combine(&core_sum);
        assert_eq!(total.sum16(), 0xffff);
    });
}

#[path = "../../std-adapter/examples/common/harness.rs"]
mod harness;

fn main() {
    use harness::{kernel, plain, root};
    harness::run([
        plain(ip_options_set_and_read_back),
        plain(ip_options_on_tcp),
        root(ip_options_on_raw_sockets),
        plain(min_ttl_set_and_read_back),
        plain(unicast_interface_set_and_read_back),
        root(raw_options_set_and_read_back),
        plain(control_flags_drive_their_options),
        kernel(record_route_through_a_router),
        kernel(per_datagram_options_replace_the_sockets),
        plain(min_ttl_drops_what_is_below_it),
        kernel(unicast_interface_picks_the_link),
        kernel(router_alert_takes_forwarded_packets),
        kernel(checksum_message_matches_the_core),
        kernel(packet_options_of_a_tcp_connection),
        if ipv4_tests::netns::have_nft() {
            kernel(nodefrag_lets_fragments_past_conntrack)
        } else {
            kernel(nodefrag_lets_fragments_past_conntrack).ignore("needs nft (Debian nftables)")
        },
    ]);
}
