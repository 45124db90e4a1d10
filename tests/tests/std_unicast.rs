//! Unicast datagrams through `PacketConn` on real sockets: control messages
//! on receive (checked against what the sender set), per-datagram control
//! messages on send, and exact header stripping on raw ICMP sockets.
//!
//! Loopback tests run anywhere; the veth and raw tests need root and skip
//! with a printed reason otherwise.

use ipv4_std::prelude::*;
use std::io;
use std::net::{Ipv4Addr, SocketAddrV4, UdpSocket};
use std::os::fd::AsRawFd;
use std::sync::{Arc, Barrier};
use std::time::Duration;

use ipv4_std::{ControlFlags, ControlMessage, PacketConn};
use ipv4_tests::netns::{self, VethPair};
use socket2::{Domain, Protocol, Socket, Type};

const PAYLOAD: &[u8] = b"HELLO-R-U-THERE";
const TIMEOUT: Option<Duration> = Some(Duration::from_secs(5));

fn udp(addr: SocketAddrV4) -> PacketConn<UdpSocket> {
    let s = UdpSocket::bind(addr).unwrap();
    s.set_read_timeout(TIMEOUT).unwrap();
    PacketConn::new(s).unwrap()
}

fn local(conn: &PacketConn<UdpSocket>) -> SocketAddrV4 {
    match conn.get_ref().local_addr().unwrap() {
        std::net::SocketAddr::V4(a) => a,
        other => panic!("not IPv4: {other}"),
    }
}

/// Go's TestPacketConnReadWriteUnicastUDP, with the control message checked
/// against what was sent rather than only printed.
fn udp_read_write_to_self_with_toggled_control_messages() {
    let conn = udp(SocketAddrV4::new(Ipv4Addr::LOCALHOST, 0));
    let me = local(&conn);
    let cf = ControlFlags::TTL | ControlFlags::DST | ControlFlags::INTERFACE;
    for (i, on) in [true, false, true].into_iter().enumerate() {
        conn.set_control_message(cf, on).unwrap();
        assert_eq!(
            conn.control_flags(),
            if on { cf } else { ControlFlags::empty() }
        );
        let ttl = i as u8 + 1;
        conn.set_ttl(ttl).unwrap();
        assert_eq!(conn.send_to(PAYLOAD, None, me).unwrap(), PAYLOAD.len());
        let mut buf = [0u8; 128];
        let datagram = conn.recv_from(&mut buf).unwrap();
        let cm = datagram.control;
        let from = datagram.source;
        assert_eq!(datagram.payload, PAYLOAD);
        assert_eq!(from, me);
        if on {
            assert_eq!(cm.ttl, Some(ttl));
            assert_eq!(cm.dst, Some(Ipv4Addr::LOCALHOST));
            assert_eq!(cm.if_index, Some(1), "lo is interface 1");
            assert_eq!((cm.src, cm.tos), (None, None), "not enabled: {cm}");
        } else {
            assert!(cm.is_empty(), "{cm}");
        }
        assert!(!cm.to_string().contains(','));
    }
}

/// Turning DST off keeps INTERFACE working although both ride on
/// IP_PKTINFO (Go turns the kernel option off for both).
fn pktinfo_flags_are_independent() {
    let conn = udp(SocketAddrV4::new(Ipv4Addr::LOCALHOST, 0));
    let me = local(&conn);
    conn.set_control_message(ControlFlags::DST | ControlFlags::INTERFACE, true)
        .unwrap();
    conn.set_control_message(ControlFlags::DST, false).unwrap();
    assert_eq!(conn.control_flags(), ControlFlags::INTERFACE);
    assert_eq!(pktinfo_enabled(&conn), 1);
    conn.send_to(PAYLOAD, None, me).unwrap();
    let mut buf = [0u8; 64];
    let datagram = conn.recv_from(&mut buf).unwrap();
    let cm = datagram.control;
    assert_eq!(cm.if_index, Some(1));
    assert_eq!(cm.dst, None);
    conn.set_control_message(ControlFlags::INTERFACE, false)
        .unwrap();
    assert_eq!(pktinfo_enabled(&conn), 0);
}

fn get_int(fd: &impl AsRawFd, name: libc::c_int) -> libc::c_int {
    let mut v: libc::c_int = -1;
    let mut len = size_of::<libc::c_int>() as libc::socklen_t;
    // SAFETY: `v` is a writable int and `len` its size.
    let rc = unsafe {
        libc::getsockopt(
            fd.as_raw_fd(),
            libc::IPPROTO_IP,
            name,
            (&raw mut v).cast(),
            &mut len,
        )
    };
    assert_eq!(rc, 0, "getsockopt: {}", io::Error::last_os_error());
    v
}

fn pktinfo_enabled(conn: &PacketConn<UdpSocket>) -> libc::c_int {
    get_int(conn.get_ref(), libc::IP_PKTINFO)
}

/// Every flag's kernel option, read back with getsockopt.
fn control_flags_drive_their_kernel_options() {
    let conn = udp(SocketAddrV4::new(Ipv4Addr::LOCALHOST, 0));
    let s = conn.get_ref();
    let read = || {
        (
            get_int(s, libc::IP_RECVTTL),
            get_int(s, libc::IP_PKTINFO),
            get_int(s, libc::IP_RECVTOS),
        )
    };
    assert_eq!(read(), (0, 0, 0));
    conn.set_control_message(ControlFlags::TTL, true).unwrap();
    assert_eq!(read(), (1, 0, 0));
    conn.set_control_message(ControlFlags::INTERFACE, true)
        .unwrap();
    assert_eq!(read(), (1, 1, 0));
    conn.set_control_message(ControlFlags::TOS, true).unwrap();
    assert_eq!(read(), (1, 1, 1));
    conn.set_control_message(ControlFlags::SRC, true).unwrap();
    assert_eq!(read(), (1, 1, 1), "SRC needs no kernel option");
    conn.set_control_message(ControlFlags::all(), false)
        .unwrap();
    assert_eq!(read(), (0, 0, 0));
    assert_eq!(conn.control_flags(), ControlFlags::empty());
    // A socket configured before wrapping keeps its flags.
    conn.set_control_message(ControlFlags::TTL | ControlFlags::TOS, true)
        .unwrap();
    let again = PacketConn::new(conn.into_inner()).unwrap();
    assert_eq!(again.control_flags(), ControlFlags::TTL | ControlFlags::TOS);
}

/// The receiver sees what the sender's options and per-datagram control
/// messages put on the wire: TTL, TOS, destination, interface, source; and
/// each flag alone yields exactly its field.
fn every_flag_across_a_veth_link() {
    let pair = VethPair::new().unwrap();
    // A second address on a's side, to pick as a per-datagram source.
    let a2 = Ipv4Addr::new(198, 51, 100, 3);
    pair.a
        .ip(&["addr", "add", &format!("{a2}/24"), "dev", VethPair::A_IF])
        .unwrap();
    let port = 40001;
    let (a_index, b_index) = (pair.a_index, pair.b_index);
    // The flags whose message comes with every datagram: a datagram without
    // IP options has no IP_RECVOPTS or IP_RETOPTS, and one the kernel did
    // not sum in full no IP_CHECKSUM (path_options.rs covers those), and
    // one that arrived whole no IP_RECVFRAGSIZE (errqueue_kernel.rs).
    let sometimes = ControlFlags::OPTIONS
        | ControlFlags::RETURN_OPTIONS
        | ControlFlags::CHECKSUM
        | ControlFlags::FRAG_SIZE;
    let flags: Vec<ControlFlags> = (ControlFlags::all() - sometimes).iter().collect();
    let sync = Arc::new(Barrier::new(2));
    let receiver = pair.b.spawn({
        let sync = sync.clone();
        let flags = flags.clone();
        move || {
            let conn = udp(SocketAddrV4::new(Ipv4Addr::UNSPECIFIED, port));
            conn.set_control_message(ControlFlags::all(), true).unwrap();
            sync.wait();
            let mut got = Vec::new();
            let mut buf = [0u8; 256];
            for _ in 0..3 {
                let datagram = conn.recv_from(&mut buf).unwrap();
                let cm = datagram.control;
                let from = datagram.source;
                got.push((datagram.payload.to_vec(), cm, from));
            }
            let mut alone = Vec::new();
            for &flag in &flags {
                conn.set_control_message(ControlFlags::all(), false)
                    .unwrap();
                conn.set_control_message(flag, true).unwrap();
                sync.wait();
                let datagram = conn.recv_from(&mut buf).unwrap();
                let n = datagram.payload.len();
                let cm = datagram.control;
                let from = datagram.source;
                alone.push((flag, buf[..n].to_vec(), cm, from));
            }
            (got, alone)
        }
    });
    pair.a.run(move || {
        let conn = udp(SocketAddrV4::new(Ipv4Addr::UNSPECIFIED, 0));
        conn.set_ttl(33).unwrap();
        conn.set_tos(0x28).unwrap();
        let dst = SocketAddrV4::new(VethPair::B_ADDR, port);
        sync.wait();
        conn.send_to(b"1", None, dst).unwrap();
        let ttl_tos = ControlMessage {
            ttl: Some(9),
            tos: Some(0xb8),
            ..ControlMessage::default()
        };
        conn.send_to(b"2", Some(&ttl_tos), dst).unwrap();
        let from_a2 = ControlMessage {
            src: Some(a2),
            if_index: Some(a_index),
            ..ControlMessage::default()
        };
        conn.send_to(b"3", Some(&from_a2), dst).unwrap();
        for _ in &flags {
            sync.wait();
            conn.send_to(b"f", None, dst).unwrap();
        }
    });
    let (got, alone) = receiver.join().unwrap();
    let datagrams: Vec<&[u8]> = got.iter().map(|(d, _, _)| &d[..]).collect();
    assert_eq!(datagrams, [b"1", b"2", b"3"]);

    let (_, cm, from) = got[0];
    assert_eq!(*from.ip(), VethPair::A_ADDR);
    assert_eq!(cm.ttl, Some(33), "{cm}");
    assert_eq!(cm.tos, Some(0x28), "{cm}");
    assert_eq!(cm.dst, Some(VethPair::B_ADDR), "{cm}");
    assert_eq!(cm.if_index, Some(b_index), "{cm}");
    assert_eq!(cm.src, Some(VethPair::A_ADDR), "{cm}");

    let (_, cm, _) = got[1];
    assert_eq!(
        (cm.ttl, cm.tos),
        (Some(9), Some(0xb8)),
        "per-datagram IP_TTL/IP_TOS: {cm}"
    );

    let (_, cm, from) = got[2];
    assert_eq!(*from.ip(), a2, "per-datagram source via ipi_spec_dst");
    assert_eq!(cm.src, Some(a2));
    assert_eq!((cm.ttl, cm.tos), (Some(33), Some(0x28)));

    for (flag, data, cm, from) in alone {
        assert_eq!(data, b"f");
        assert_eq!(cm.flags(), flag, "{flag:?} alone gave {cm}");
        let expected = ControlMessage {
            ttl: Some(33),
            src: Some(*from.ip()),
            dst: Some(VethPair::B_ADDR),
            if_index: Some(b_index),
            tos: Some(0x28),
            // Not redirected: the address and port it was sent to.
            orig_dst: Some(SocketAddrV4::new(VethPair::B_ADDR, port)),
            ..ControlMessage::default()
        }
        .masked(flag);
        assert_eq!(cm, expected);
    }
}

/// Builds an ICMP echo request with a correct checksum.
fn echo_request(id: u16, seq: u16, data: &[u8]) -> Vec<u8> {
    let mut m = vec![8, 0, 0, 0];
    m.extend_from_slice(&id.to_be_bytes());
    m.extend_from_slice(&seq.to_be_bytes());
    m.extend_from_slice(data);
    let sum = ipv4_std::ipv4_core::checksum::checksum(&m);
    m[2..4].copy_from_slice(&sum.to_be_bytes());
    m
}

fn raw_icmp() -> Socket {
    let s = Socket::new(Domain::IPV4, Type::RAW, Some(Protocol::ICMPV4)).unwrap();
    s.set_read_timeout(TIMEOUT).unwrap();
    s
}

/// A raw ICMP `PacketConn` separates the IPv4 header from the payload
/// exactly, options included (Go returns a length 20 bytes too large), and
/// hands the header over intact.
fn raw_icmp_strips_a_header_with_options_exactly() {
    let pair = VethPair::new().unwrap();
    let ready = Arc::new(Barrier::new(2));
    let ready_b = ready.clone();
    let receiver = pair.a.spawn(move || {
        let stripped = PacketConn::new(raw_icmp()).unwrap();
        let whole = PacketConn::new(raw_icmp()).unwrap();
        stripped
            .set_control_message(ControlFlags::TTL | ControlFlags::DST, true)
            .unwrap();
        ready.wait();
        let mut buf = [0u8; 256];
        let datagram = stripped.recv_from(&mut buf).unwrap();
        let (cm, from) = (datagram.control, datagram.source);
        let payload = datagram.payload.to_vec();
        let mut buf2 = [0u8; 256];
        let p = whole.recv_from(&mut buf2).unwrap();
        let view = p.header.unwrap();
        assert_eq!(view.header_len(), 24);
        assert_eq!(view.source(), VethPair::B_ADDR);
        assert_eq!(view.ttl(), 7);
        assert!(view.verify_checksum());
        assert_eq!(usize::from(view.total_len()), view.as_bytes().len());
        (
            payload,
            cm,
            from,
            view.header_bytes().to_vec(),
            p.payload.to_vec(),
        )
    });
    let sent = echo_request(0x1234, 1, PAYLOAD);
    let sent2 = sent.clone();
    pair.b.run(move || {
        let s = raw_icmp();
        let conn = PacketConn::new(s).unwrap();
        // Router Alert (RFC 2113): 4 option bytes, IHL 6.
        conn.set_ip_options(&[148, 4, 0, 0]).unwrap();
        conn.set_ttl(7).unwrap();
        ready_b.wait();
        conn.send_to(&sent2, None, SocketAddrV4::new(VethPair::A_ADDR, 0))
            .unwrap();
    });
    let (payload, cm, from, header, payload2) = receiver.join().unwrap();
    assert_eq!(
        payload,
        sent,
        "payload length must be exact: {}",
        payload.len()
    );
    assert_eq!(cm.ttl, Some(7));
    assert_eq!(cm.dst, Some(VethPair::A_ADDR));
    assert_eq!(*from.ip(), VethPair::B_ADDR);
    assert_eq!(header.len(), 24);
    assert_eq!(header[0], 0x46);
    assert_eq!(&header[20..24], &[148, 4, 0, 0]);
    assert_eq!(header[9], 1, "protocol ICMP");
    assert_eq!(&header[12..16], &VethPair::B_ADDR.octets());
    assert_eq!(payload2, sent);
}

/// Go's TestPacketConnReadWriteUnicastICMP: an echo to 127.0.0.1 through a
/// raw ICMP `PacketConn` comes back as an echo reply (after our own echo,
/// which Linux also delivers).
fn raw_icmp_echo_on_loopback() {
    let ns = netns::Netns::new().unwrap();
    ns.run(|| {
        let conn = PacketConn::new(raw_icmp()).unwrap();
        conn.set_control_message(
            ControlFlags::DST | ControlFlags::INTERFACE | ControlFlags::TTL,
            true,
        )
        .unwrap();
        for seq in 1..=3u16 {
            conn.set_ttl(seq as u8).unwrap();
            let req = echo_request(0x4242, seq, PAYLOAD);
            conn.send_to(&req, None, SocketAddrV4::new(Ipv4Addr::LOCALHOST, 0))
                .unwrap();
            let mut buf = [0u8; 128];
            let reply = loop {
                let datagram = conn.recv_from(&mut buf).unwrap();
                let cm = datagram.control;
                if datagram.payload[0] == 8 {
                    assert_eq!(datagram.payload, &req[..], "own echo, unchanged");
                    continue;
                }
                break (datagram.payload.to_vec(), cm);
            };
            let (msg, cm) = reply;
            assert_eq!((msg[0], msg[1]), (0, 0), "echo reply, code 0");
            assert_eq!(&msg[4..8], &req[4..8], "id and sequence");
            assert_eq!(&msg[8..], PAYLOAD);
            assert_eq!(cm.dst, Some(Ipv4Addr::LOCALHOST));
            assert!(cm.ttl.is_some());
        }
    });
}

/// Buffers too short for the header give the datagram back with the reason,
/// never a panic (Go's `RawConn.ReadFrom` panics on a buffer shorter than
/// the header) nor an error that loses it; a payload too long for the buffer
/// is truncated like UDP's.
fn raw_short_buffers() {
    netns::Netns::new().unwrap().run(|| {
        let conn = PacketConn::new(raw_icmp()).unwrap();
        let req = echo_request(0x5151, 1, PAYLOAD);
        let lo = SocketAddrV4::new(Ipv4Addr::LOCALHOST, 0);
        // Own echo and the reply: two packets per send.
        conn.send_to(&req, None, lo).unwrap();
        // A buffer too short for the header: the datagram (our own echo
        // request) still comes back, with its bytes and the reason.
        let mut tiny = [0u8; 10];
        let d = conn.recv_from(&mut tiny).unwrap();
        assert!(d.header.is_none() && d.header_error.is_some(), "{d}");
        assert_eq!(d.payload.len(), 10);
        assert!(d.is_truncated());
        assert_eq!(
            d.len,
            Some(20 + req.len()),
            "raw sockets tell the full length"
        );
        // The reply into 24 bytes: its header and the first 4 payload bytes
        // (type, code and checksum).
        let mut short = [0u8; 24];
        let d = conn.recv_from(&mut short).unwrap();
        assert_eq!(d.payload.len(), 4);
        assert_eq!((d.payload[0], d.payload[1]), (0, 0));
        assert!(d.is_truncated() && d.header.unwrap().is_truncated());
        // An empty buffer receives an empty payload.
        conn.send_to(&req, None, lo).unwrap();
        let d = conn.recv_from(&mut []).unwrap();
        assert_eq!((d.payload.len(), *d.source.ip()), (0, Ipv4Addr::LOCALHOST));
        assert!(d.is_truncated() && d.header_error.is_some());
    });
}

#[path = "../../std-adapter/examples/common/harness.rs"]
mod harness;

fn main() {
    use harness::{kernel, plain};
    harness::run([
        plain(udp_read_write_to_self_with_toggled_control_messages),
        plain(pktinfo_flags_are_independent),
        plain(control_flags_drive_their_kernel_options),
        kernel(every_flag_across_a_veth_link),
        kernel(raw_icmp_strips_a_header_with_options_exactly),
        kernel(raw_icmp_echo_on_loopback),
        kernel(raw_short_buffers),
    ]);
}
