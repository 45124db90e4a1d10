//! Wrong arguments are `InvalidInput` errors that name what was wrong,
//! before any system call, on real sockets:
//!
//! * a socket of the wrong family or type given to `PacketConn`, `Conn` or
//!   `RawConn`;
//! * an interface index the kernel cannot take (above `i32::MAX`) in a
//!   control message, a multicast interface or a membership;
//! * a header `RawConn` must not send: shorter than 20 bytes, an IHL that
//!   announces more bytes than the header has, a version other than 4.
//!
//! Sends go to loopback, in the main namespace or in a private one; joins
//! and raw sockets only in private namespaces (root; without it those tests
//! skip with a printed reason).

use ipv4_std::prelude::*;
use std::fs::File;
use std::io;
use std::net::{Ipv4Addr, TcpListener, TcpStream, UdpSocket};
use std::os::unix::net::UnixDatagram;
use std::time::Duration;

use ipv4_std::batch::{RawSendMessage, SendBatch, SendMessage};
use ipv4_std::ipv4_core::error::HeaderError;
use ipv4_std::ipv4_core::header::{Header, HeaderView, Protocol};
use ipv4_std::{Conn, ControlMessage, MulticastInterface, PacketConn, RawConn};
use ipv4_tests::netns::Netns;
use ipv4_tests::sockets;
use socket2::Socket;

/// How long a test waits for a datagram or frame.
const WAIT: Duration = Duration::from_secs(2);

/// An experimental protocol number (RFC 3692), so nothing else answers.
const EXPERIMENTAL: u8 = 253;
const MARKER: &[u8] = b"MARKER-AFTER-THE-REFUSED-SENDS";
/// The first index the kernel cannot take: it would read -2147483648.
const TOO_BIG: u32 = 0x8000_0000;

/// `err` is `InvalidInput`, raised by this crate (no OS error code), with
/// a message containing `needle`.
#[track_caller]
fn assert_invalid_input(err: &io::Error, needle: &str) {
    assert_eq!(err.kind(), io::ErrorKind::InvalidInput, "{err}");
    assert_eq!(
        err.raw_os_error(),
        None,
        "reached the kernel instead of being refused: {err}"
    );
    assert!(
        err.to_string().contains(needle),
        "the message names {needle:?}: {err}"
    );
}

// ---- item: the socket a wrapper is given ----------------------------------

/// An IPv6 socket used to be taken, and then every datagram failed "no IPv4
/// source address" after it was consumed.
fn ipv6_socket_is_refused_naming_its_family() {
    let v6 = match UdpSocket::bind("[::1]:0") {
        Ok(s) => s,
        Err(e) => {
            eprintln!("skipping ipv6_socket_is_refused_naming_its_family: no IPv6 loopback: {e}");
            return;
        }
    };
    let family = format!("AF_INET6 ({})", libc::AF_INET6);
    assert_invalid_input(&PacketConn::new(&v6).unwrap_err(), &family);
    assert_invalid_input(&PacketConn::try_from(&v6).unwrap_err(), &family);
    assert_invalid_input(&Conn::new(&v6).unwrap_err(), &family);
    assert_invalid_input(&RawConn::new(&v6).unwrap_err(), &family);
    let socket = Socket::from(v6);
    assert_invalid_input(&PacketConn::try_from(&socket).unwrap_err(), &family);
    assert_invalid_input(&Conn::try_from(socket).unwrap_err(), &family);
}

/// A TCP listener used to be taken, and receives failed later with
/// `NotConnected`. `Conn` takes it: its options apply to any IPv4 socket.
fn stream_socket_is_refused_by_packet_conn_naming_its_type() {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let stream_type = format!("SOCK_STREAM ({})", libc::SOCK_STREAM);
    let err = PacketConn::new(&listener).unwrap_err();
    assert_invalid_input(&err, &stream_type);
    assert_invalid_input(&err, "SOCK_DGRAM or SOCK_RAW");
    let stream = TcpStream::connect(listener.local_addr().unwrap()).unwrap();
    assert_invalid_input(&PacketConn::new(&stream).unwrap_err(), &stream_type);
    assert_invalid_input(&RawConn::new(&stream).unwrap_err(), &stream_type);

    let conn = Conn::new(&listener).unwrap();
    conn.set_ttl(17).unwrap();
    assert_eq!(conn.ttl().unwrap(), 17);
    let conn = Conn::try_from(&stream).unwrap();
    assert_eq!(conn.ttl().unwrap(), 64, "Linux default");
    assert!(Conn::try_from(stream).is_ok());
}

fn unix_socket_and_non_socket_are_refused() {
    let unix = UnixDatagram::unbound().unwrap();
    let family = format!("AF_UNIX ({})", libc::AF_UNIX);
    assert_invalid_input(&PacketConn::new(&unix).unwrap_err(), &family);
    assert_invalid_input(&Conn::new(&unix).unwrap_err(), &family);
    assert_invalid_input(&RawConn::new(&unix).unwrap_err(), &family);

    let file = File::open("/dev/null").unwrap();
    assert_invalid_input(&PacketConn::new(&file).unwrap_err(), "not a socket");
    assert_invalid_input(&Conn::new(&file).unwrap_err(), "not a socket");
    assert_invalid_input(&RawConn::new(&file).unwrap_err(), "not a socket");
}

/// A UDP socket is a `PacketConn` through every constructor, but not a
/// `RawConn`, whose error names the type it found.
fn udp_ipv4_socket_is_taken() {
    let udp = UdpSocket::bind("127.0.0.1:0").unwrap();
    assert!(PacketConn::new(&udp).is_ok());
    assert!(PacketConn::try_from(&udp).is_ok());
    let err = RawConn::new(&udp).unwrap_err();
    assert_invalid_input(&err, &format!("SOCK_DGRAM ({})", libc::SOCK_DGRAM));
    let socket = Socket::from(udp.try_clone().unwrap());
    assert!(PacketConn::try_from(&socket).is_ok());
    assert!(PacketConn::try_from(socket).is_ok());
    let conn = PacketConn::try_from(udp).unwrap();
    assert!(conn.ttl().is_ok());
}

/// A raw ICMP socket is a `PacketConn` (header stripped on receive) and a
/// `RawConn`.
fn raw_icmp_socket_is_taken() {
    let ns = Netns::new().unwrap();
    ns.run(|| {
        let socket = sockets::raw(libc::IPPROTO_ICMP as u8, WAIT);
        let conn = PacketConn::new(&socket).unwrap();
        assert!(conn.icmp_filter().is_ok(), "a raw ICMP socket");
        assert!(RawConn::new(&socket).is_ok());
        assert!(PacketConn::try_from(socket).is_ok());
    });
}

// ---- item: interface indexes the kernel cannot take -----------------------

/// `send_to` used to encode 0x8000_0000 as a negative `ipi_ifindex`; the
/// kernel answered `ENODEV`, an `Uncategorized` error. Now it is refused
/// before `sendmsg`, and nothing arrives.
fn send_to_with_an_index_above_i32_max_is_invalid_input() {
    let rx = UdpSocket::bind("127.0.0.1:0").unwrap();
    rx.set_nonblocking(true).unwrap();
    let to = match rx.local_addr().unwrap() {
        std::net::SocketAddr::V4(a) => a,
        std::net::SocketAddr::V6(a) => panic!("bound to {a}"),
    };
    let tx = PacketConn::new(UdpSocket::bind("127.0.0.1:0").unwrap()).unwrap();
    for index in [TOO_BIG, u32::MAX] {
        let cm = ControlMessage {
            if_index: Some(index),
            ..ControlMessage::default()
        };
        let err = tx.send_to(b"x", Some(&cm), to).unwrap_err();
        assert_invalid_input(&err, &index.to_string());
    }
    // The batch names the message; none of the batch is sent.
    let cm = ControlMessage {
        if_index: Some(TOO_BIG),
        ..ControlMessage::default()
    };
    let msgs = [
        SendMessage::new(b"first", Some(to)),
        SendMessage::new(b"second", Some(to)).with_control(cm),
    ];
    let err = tx.send_batch(&mut SendBatch::new(), &msgs).unwrap_err();
    assert_eq!(err.sent, 0);
    assert_invalid_input(&err.error, "message 1");
    assert_invalid_input(&err.error, &TOO_BIG.to_string());

    // The largest index the kernel takes reaches it, which finds no such
    // interface.
    let cm = ControlMessage {
        if_index: Some(i32::MAX as u32),
        ..ControlMessage::default()
    };
    let err = tx.send_to(b"x", Some(&cm), to).unwrap_err();
    assert_eq!(err.raw_os_error(), Some(libc::ENODEV), "{err}");

    let mut buf = [0u8; 16];
    let err = rx.recv_from(&mut buf).unwrap_err();
    assert_eq!(err.kind(), io::ErrorKind::WouldBlock, "nothing was sent");
}

/// The multicast interface and every membership call take an index the
/// same way: above `i32::MAX` it is `InvalidInput` before `setsockopt`
/// (a join used to get `ENODEV`).
fn multicast_calls_with_an_index_above_i32_max_are_invalid_input() {
    let ns = Netns::new().unwrap();
    ns.run(|| {
        let conn = PacketConn::new(UdpSocket::bind("0.0.0.0:0").unwrap()).unwrap();
        let group = Ipv4Addr::new(232, 1, 1, 1);
        let source = Ipv4Addr::new(198, 51, 100, 1);
        let text = TOO_BIG.to_string();
        let cases = [
            conn.set_multicast_interface(MulticastInterface::Index(TOO_BIG)),
            conn.join_group(TOO_BIG, group),
            conn.leave_group(u32::MAX, group),
            conn.join_source_specific_group(TOO_BIG, group, source),
            conn.leave_source_specific_group(TOO_BIG, group, source),
            conn.exclude_source_specific_group(TOO_BIG, group, source),
            conn.include_source_specific_group(TOO_BIG, group, source),
        ];
        for (i, r) in cases.into_iter().enumerate() {
            let err = r.unwrap_err();
            let needle = if i == 2 {
                u32::MAX.to_string()
            } else {
                text.clone()
            };
            assert_invalid_input(&err, &needle);
        }
        assert_eq!(
            conn.multicast_interface().unwrap(),
            MulticastInterface::Address(Ipv4Addr::UNSPECIFIED),
            "unchanged"
        );
    });
}

// ---- item: headers RawConn must not send ----------------------------------

/// Every frame in the namespace, in both directions.
fn capture_all() -> Socket {
    sockets::packet_capture(libc::ETH_P_ALL as u16, WAIT)
}

fn next_frame(s: &Socket) -> Vec<u8> {
    let mut buf = [std::mem::MaybeUninit::<u8>::uninit(); 2048];
    let n = s.recv(&mut buf).expect("a captured frame");
    // SAFETY: `recv` initialised the first `n` bytes.
    buf[..n]
        .iter()
        .map(|b| unsafe { b.assume_init() })
        .collect()
}

/// The header bytes of a valid 20-byte header, 127.0.0.1 to itself.
fn loopback_header() -> (Header, [u8; 20]) {
    let header = Header::new(
        Ipv4Addr::LOCALHOST,
        Ipv4Addr::LOCALHOST,
        Protocol(EXPERIMENTAL),
    );
    let mut bytes = [0u8; 20];
    header.emit(&mut bytes).unwrap();
    (header, bytes)
}

#[track_caller]
fn assert_header_refused(err: &io::Error, needle: &str) {
    assert_invalid_input(err, needle);
    let source = err.get_ref().and_then(|e| e.downcast_ref::<HeaderError>());
    assert!(source.is_some(), "the header error is the source: {err:?}");
}

/// The three headers the review sent: a 10-byte view (its payload went
/// alone, to 0.0.0.0), IHL 15 over 20 header bytes (40 payload bytes went as
/// options) and a version-6 header (sent, never delivered). Each is now
/// refused before `sendmsg`, alone or in a batch, and the first frame on
/// the namespace's loopback is the valid datagram sent after them.
fn raw_send_refuses_headers_that_are_not_ipv4() {
    let ns = Netns::new().unwrap();
    let (conn, tap) = ns.run(|| {
        (
            RawConn::new(sockets::raw(EXPERIMENTAL, WAIT)).unwrap(),
            capture_all(),
        )
    });
    let (header, bytes) = loopback_header();
    // A payload that is itself a header, so that the kernel would take it.
    let mut payload = [0u8; 120];
    payload[..20].copy_from_slice(&bytes);

    let short = HeaderView::new_unchecked(&bytes[..10]);
    let err = conn.send_view(&short, &payload[..30], None).unwrap_err();
    assert_header_refused(&err, "holds 10 bytes but an IPv4 header needs at least 20");

    let mut ihl15 = bytes;
    ihl15[0] = 0x4f;
    let long_ihl = HeaderView::new_unchecked(&ihl15[..]);
    let err = conn
        .send_view(&long_ihl, &payload[..100], None)
        .unwrap_err();
    assert_header_refused(&err, "is 60 bytes but the buffer holds only 20");

    let mut ihl4 = bytes;
    ihl4[0] = 0x44;
    let small_ihl = HeaderView::new_unchecked(&ihl4[..]);
    let err = conn.send_view(&small_ihl, &payload[..4], None).unwrap_err();
    assert_header_refused(&err, "is 16 bytes but must be at least 20");

    let mut v6 = header;
    v6.version = 6;
    let err = conn.send(&v6, &payload[..4], None).unwrap_err();
    assert_header_refused(&err, "version (byte 0) is 6 but must be 4");

    let mut v6_bytes = bytes;
    v6_bytes[0] = 0x65;
    let v6_view = HeaderView::new_unchecked(&v6_bytes[..]);
    let err = conn.send_view(&v6_view, &payload[..4], None).unwrap_err();
    assert_header_refused(&err, "version (byte 0) is 6 but must be 4");

    // In a batch: the message is named, and none of the batch leaves.
    let mut batch = SendBatch::new();
    for (bad, name) in [
        (RawSendMessage::from_view(&short, &payload[..30]), "short"),
        (
            RawSendMessage::from_view(&long_ihl, &payload[..100]),
            "IHL 15",
        ),
        (RawSendMessage::new(&v6, &payload[..4]), "version 6"),
    ] {
        let msgs = [RawSendMessage::new(&header, MARKER), bad];
        let err = conn.send_batch(&mut batch, &msgs).unwrap_err();
        assert_eq!(err.sent, 0, "{name}");
        assert_header_refused_in_batch(&err.error, name);
    }

    // An index the kernel cannot take is refused the same way on raw sends.
    let cm = ControlMessage {
        if_index: Some(TOO_BIG),
        ..ControlMessage::default()
    };
    let err = conn.send(&header, MARKER, Some(&cm)).unwrap_err();
    assert_invalid_input(&err, &TOO_BIG.to_string());
    let msgs = [RawSendMessage::new(&header, MARKER).with_control(cm)];
    let err = conn.send_batch(&mut batch, &msgs).unwrap_err();
    assert_invalid_input(&err.error, "message 0");

    // What the kernel saw first is the marker.
    assert_eq!(conn.send(&header, MARKER, None).unwrap(), 20 + MARKER.len());
    let frame = next_frame(&tap);
    assert!(
        frame.ends_with(MARKER) && frame.len() == 20 + MARKER.len(),
        "the first frame is the marker, not a refused send: {frame:02x?}"
    );
    let mut buf = [0u8; 256];
    let p = conn.recv(&mut buf).unwrap();
    assert_eq!(p.payload, MARKER);
    assert_eq!(p.header.map(|h| h.version()), Some(4));
}

#[track_caller]
fn assert_header_refused_in_batch(err: &io::Error, name: &str) {
    assert_eq!(err.kind(), io::ErrorKind::InvalidInput, "{name}: {err}");
    assert_eq!(err.raw_os_error(), None, "{name}: {err}");
    assert!(err.to_string().contains("message 1"), "{name}: {err}");
}

/// Valid headers still go: a view over a whole received datagram (header
/// followed by its payload) sends its header bytes only.
fn raw_send_view_over_a_whole_datagram_sends_its_header() {
    let ns = Netns::new().unwrap();
    let conn = ns.run(|| RawConn::new(sockets::raw(EXPERIMENTAL, WAIT)).unwrap());
    let (header, _) = loopback_header();
    conn.send(&header, MARKER, None).unwrap();
    let mut buf = [0u8; 256];
    let n = {
        let p = conn.recv(&mut buf).unwrap();
        p.header.unwrap().as_bytes().len()
    };
    let view = HeaderView::new_checked(&buf[..n]).unwrap();
    assert_eq!(
        conn.send_view(&view, b"again", None).unwrap(),
        20 + b"again".len()
    );
    let msgs = [RawSendMessage::from_view(&view, b"batch")];
    assert_eq!(conn.send_batch(&mut SendBatch::new(), &msgs).unwrap(), 1);
    for want in [&b"again"[..], b"batch"] {
        let mut buf = [0u8; 256];
        let p = conn.recv(&mut buf).unwrap();
        assert_eq!(p.payload, want);
    }
}

#[path = "../../std-adapter/examples/common/harness.rs"]
mod harness;

fn main() {
    use harness::{kernel, plain};
    harness::run([
        plain(ipv6_socket_is_refused_naming_its_family),
        plain(stream_socket_is_refused_by_packet_conn_naming_its_type),
        plain(unix_socket_and_non_socket_are_refused),
        plain(udp_ipv4_socket_is_taken),
        kernel(raw_icmp_socket_is_taken),
        plain(send_to_with_an_index_above_i32_max_is_invalid_input),
        kernel(multicast_calls_with_an_index_above_i32_max_are_invalid_input),
        kernel(raw_send_refuses_headers_that_are_not_ipv4),
        kernel(raw_send_view_over_a_whole_datagram_sends_its_header),
    ]);
}
