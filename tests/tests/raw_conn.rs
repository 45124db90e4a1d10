//! `RawConn` on real raw sockets: header-included sends checked bit for bit
//! on the peer (captured below IP with a packet socket), receives with
//! options (including a Record Route the receiving kernel fills in), the
//! control message, and the error paths Go panics on.
//!
//! Everything runs inside private namespaces (a veth pair, or a lone
//! namespace's loopback) and needs root; without it the tests skip with a
//! printed reason, except those that need no raw socket.

use ipv4_std::prelude::*;
use std::io;
use std::net::{Ipv4Addr, UdpSocket};
use std::os::fd::AsFd;
use std::time::Duration;

use ipv4_std::ipv4_core::header::{Flags, Header, HeaderView, Protocol};
use ipv4_std::ipv4_core::options::{
    Ipv4Option, Options, OptionsBuilder, RouterAlert, TimestampFlag,
};
use ipv4_std::{ControlFlags, ControlMessage, RawConn};
use ipv4_tests::netns::{Netns, VethPair};
use ipv4_tests::sockets;
use socket2::{Domain, Socket, Type};

const WAIT: Duration = Duration::from_secs(5);

fn raw(protocol: u8) -> Socket {
    sockets::raw(protocol, WAIT)
}

/// Every IPv4 packet arriving in the namespace, before the IP layer.
fn capture() -> Socket {
    sockets::packet_capture(libc::ETH_P_IP as u16, WAIT)
}
/// An experimental protocol number (RFC 3692), so nothing else answers.
const EXPERIMENTAL: u8 = 253;
const PAYLOAD: &[u8] = b"HELLO-R-U-THERE";

/// The next captured packet of `protocol`.
fn next_captured(s: &Socket, protocol: u8) -> Vec<u8> {
    let mut buf = [std::mem::MaybeUninit::<u8>::uninit(); 2048];
    loop {
        let n = s.recv(&mut buf).expect("captured packet");
        // SAFETY: `recv` initialised the first `n` bytes.
        let bytes: Vec<u8> = buf[..n]
            .iter()
            .map(|b| unsafe { b.assume_init() })
            .collect();
        if bytes.len() >= 20 && bytes[9] == protocol {
            return bytes;
        }
    }
}

fn options(build: impl FnOnce(&mut OptionsBuilder<'_>)) -> Vec<u8> {
    let mut buf = [0u8; 40];
    let mut b = OptionsBuilder::new(&mut buf);
    build(&mut b);
    b.finish().unwrap().to_vec()
}

/// A header-included send leaves exactly as emitted by the core: the
/// peer's packet socket captures our bytes (the kernel's checksum and total
/// length equal ours), and the peer's `RawConn` receives the header view
/// with TOS, TTL, DF and options as given, the payload and the control
/// message.
fn header_included_send_arrives_bit_for_bit() {
    let pair = VethPair::new().unwrap();
    let sender = pair.a.run(|| RawConn::new(raw(EXPERIMENTAL)).unwrap());
    let (receiver, tap) = pair.b.run(|| {
        let conn = RawConn::new(raw(EXPERIMENTAL)).unwrap();
        conn.set_control_message(
            ControlFlags::TTL | ControlFlags::DST | ControlFlags::INTERFACE | ControlFlags::TOS,
            true,
        )
        .unwrap();
        (conn, capture())
    });

    let opts = options(|b| {
        b.router_alert(RouterAlert::EXAMINE).unwrap();
        b.nop().unwrap();
    });
    assert_eq!(opts.len(), 8);
    let mut header = Header::new(VethPair::A_ADDR, VethPair::B_ADDR, Protocol(EXPERIMENTAL))
        .with_tos(0xb8)
        .with_ttl(7)
        .with_flags(Flags::DONT_FRAGMENT);
    header.identification = 0x1234;
    header.set_options(&opts).unwrap();
    let sent = sender.send(&header, PAYLOAD, None).unwrap();
    assert_eq!(sent, 28 + PAYLOAD.len());

    // What crossed the link: our emitted header, checksum included.
    let wire = next_captured(&tap, EXPERIMENTAL);
    let mut expected = [0u8; 60];
    let mut h = header;
    h.set_payload_len(PAYLOAD.len()).unwrap();
    let n = h.emit(&mut expected).unwrap();
    assert_eq!(&wire[..n], &expected[..n], "header as emitted");
    assert_eq!(&wire[n..], PAYLOAD);

    // What the peer's RawConn received.
    let mut buf = [0u8; 2048];
    let p = receiver.recv(&mut buf).unwrap();
    assert_eq!(p.header.unwrap().as_bytes(), &wire[..]);
    assert_eq!(p.header.unwrap().tos(), 0xb8);
    assert_eq!(p.header.unwrap().ttl(), 7);
    assert_eq!(p.header.unwrap().flags(), Flags::DONT_FRAGMENT);
    assert_eq!(p.header.unwrap().identification(), 0x1234);
    assert_eq!(p.header.unwrap().options(), &opts[..]);
    assert!(p.header.unwrap().verify_checksum());
    assert!(!p.header.unwrap().is_truncated());
    assert_eq!(p.payload, PAYLOAD);
    assert_eq!(p.control.ttl, Some(7));
    assert_eq!(p.control.tos, Some(0xb8));
    assert_eq!(p.control.dst, Some(VethPair::B_ADDR));
    assert_eq!(p.control.if_index, Some(pair.b_index));
}

/// Fields left zero are the kernel's to fill (raw(7)): the source address
/// from the route, the identification (Don't Fragment being clear).
fn kernel_fills_zero_source_and_identification() {
    let pair = VethPair::new().unwrap();
    let sender = pair.a.run(|| RawConn::new(raw(EXPERIMENTAL)).unwrap());
    let receiver = pair.b.run(|| RawConn::new(raw(EXPERIMENTAL)).unwrap());
    let header = Header::new(
        Ipv4Addr::UNSPECIFIED,
        VethPair::B_ADDR,
        Protocol(EXPERIMENTAL),
    );
    assert_eq!(header.identification, 0);
    // Twice, with the interface given by control message the second time.
    let cm = ControlMessage {
        if_index: Some(pair.a_index),
        ..ControlMessage::default()
    };
    let mut ids = Vec::new();
    for cm in [None, Some(&cm)] {
        sender.send(&header, PAYLOAD, cm).unwrap();
        let mut buf = [0u8; 256];
        let p = receiver.recv(&mut buf).unwrap();
        assert_eq!(p.header.unwrap().source(), VethPair::A_ADDR);
        assert_eq!(p.header.unwrap().destination(), VethPair::B_ADDR);
        assert_eq!(p.header.unwrap().ttl(), Header::DEFAULT_TTL);
        assert!(p.header.unwrap().verify_checksum());
        assert_eq!(p.payload, PAYLOAD);
        ids.push(p.header.unwrap().identification());
    }
    assert_ne!(ids, [0, 0], "the kernel chose identifications");
}

/// A control message's destination routes the datagram while the header's
/// destination is what it carries (Go's semantics): sent to B_ADDR's route
/// with a header addressed to another of b's addresses, it arrives there.
fn control_message_destination_routes_header_destination_is_kept() {
    let pair = VethPair::new().unwrap();
    let other = Ipv4Addr::new(203, 0, 113, 2);
    pair.b
        .ip(&["addr", "add", &format!("{other}/32"), "dev", VethPair::B_IF])
        .unwrap();
    let sender = pair.a.run(|| RawConn::new(raw(EXPERIMENTAL)).unwrap());
    let receiver = pair.b.run(|| RawConn::new(raw(EXPERIMENTAL)).unwrap());
    // a has no route to 203.0.113.0/24: only the override can send it.
    let header = Header::new(VethPair::A_ADDR, other, Protocol(EXPERIMENTAL));
    let err = sender.send(&header, PAYLOAD, None).unwrap_err();
    assert_eq!(err.raw_os_error(), Some(libc::ENETUNREACH), "{err}");
    let cm = ControlMessage {
        dst: Some(VethPair::B_ADDR),
        ..ControlMessage::default()
    };
    sender.send(&header, PAYLOAD, Some(&cm)).unwrap();
    let mut buf = [0u8; 256];
    let p = receiver.recv(&mut buf).unwrap();
    assert_eq!(p.header.unwrap().destination(), other);
    assert_eq!(p.payload, PAYLOAD);
}

/// Record Route and Timestamp on receive: Linux writes the receiving address into the
/// option without updating the header checksum (it only does so when
/// forwarding), so `recv` must not reject on checksum. The peer's own
/// packet socket shows the sent header was correct.
fn receives_options_the_kernel_filled_in() {
    let pair = VethPair::new().unwrap();
    let sender = pair.a.run(|| RawConn::new(raw(EXPERIMENTAL)).unwrap());
    let (receiver, tap) = pair
        .b
        .run(|| (RawConn::new(raw(EXPERIMENTAL)).unwrap(), capture()));
    let opts = options(|b| {
        b.record_route(3).unwrap();
    });
    let mut header = Header::new(VethPair::A_ADDR, VethPair::B_ADDR, Protocol(EXPERIMENTAL));
    header.set_options(&opts).unwrap();
    sender.send(&header, PAYLOAD, None).unwrap();

    let wire = next_captured(&tap, EXPERIMENTAL);
    assert!(
        HeaderView::new_checked(&wire[..])
            .unwrap()
            .verify_checksum()
    );

    let mut buf = [0u8; 256];
    let p = receiver.recv(&mut buf).unwrap();
    assert_eq!(p.payload, PAYLOAD);
    let mut walk = Options::new(p.header.unwrap().into_options());
    let Some(Ok(Ipv4Option::RecordRoute(rr))) = walk.next() else {
        panic!(
            "record route expected in {:02x?}",
            p.header.unwrap().into_options()
        );
    };
    assert_eq!(rr.pointer(), 8, "one address recorded");
    let recorded: Vec<Ipv4Addr> = rr.recorded().collect();
    assert_eq!(recorded, [VethPair::B_ADDR]);
    assert_eq!(
        p.header.unwrap().checksum(),
        HeaderView::new_lax(&wire[..]).unwrap().checksum(),
        "the kernel left the sender's checksum"
    );
    assert!(
        !p.header.unwrap().verify_checksum(),
        "so it no longer matches the header"
    );

    // The same for a Timestamp option (RFC 791: type 68, pointer at byte 2
    // starting at 5, one 4-byte slot used per hop).
    let opts = options(|b| {
        b.empty_timestamp(TimestampFlag::TimestampsOnly, 2).unwrap();
    });
    header.set_options(&opts).unwrap();
    sender.send(&header, PAYLOAD, None).unwrap();
    let wire = next_captured(&tap, EXPERIMENTAL);
    assert_eq!(&wire[20..20 + opts.len()], &opts[..], "sent empty");
    let p = receiver.recv(&mut buf).unwrap();
    let ts = p.header.unwrap().into_options();
    assert_eq!((ts[0], ts[2]), (68, 9), "one timestamp recorded: {ts:02x?}");
    assert_ne!(&ts[4..8], &[0; 4], "the timestamp itself");
    assert!(!p.header.unwrap().verify_checksum());
    assert_eq!(p.payload, PAYLOAD);
}

/// A datagram longer than the buffer: the header view says it is
/// truncated and the payload is what fitted.
fn truncated_datagram_is_reported() {
    let ns = Netns::new().unwrap();
    let conn = ns.run(|| RawConn::new(raw(EXPERIMENTAL)).unwrap());
    let header = Header::new(
        Ipv4Addr::LOCALHOST,
        Ipv4Addr::LOCALHOST,
        Protocol(EXPERIMENTAL),
    );
    conn.send(&header, PAYLOAD, None).unwrap();
    let mut buf = [0u8; 25];
    let p = conn.recv(&mut buf).unwrap();
    assert!(p.header.unwrap().is_truncated());
    assert_eq!(
        usize::from(p.header.unwrap().total_len()),
        20 + PAYLOAD.len()
    );
    assert_eq!(p.payload, &PAYLOAD[..5]);
}

/// Go's RawConn.ReadFrom panics when the buffer is shorter than the
/// header; here a buffer below 20 bytes is refused before the datagram is
/// consumed, and one that cuts a header with options gives the datagram
/// back with the reason.
fn buffer_shorter_than_header_is_an_error_not_a_panic() {
    let ns = Netns::new().unwrap();
    let conn = ns.run(|| RawConn::new(raw(EXPERIMENTAL)).unwrap());
    let mut header = Header::new(
        Ipv4Addr::LOCALHOST,
        Ipv4Addr::LOCALHOST,
        Protocol(EXPERIMENTAL),
    );
    header.set_options(&[1, 1, 1, 0]).unwrap();
    for _ in 0..2 {
        conn.send(&header, PAYLOAD, None).unwrap();
    }

    let mut tiny = [0u8; 19];
    let err = conn.recv(&mut tiny).unwrap_err();
    assert_eq!(err.kind(), io::ErrorKind::InvalidInput, "{err}");

    // Not consumed: the first datagram is still there. 20 bytes do not
    // hold its 24-byte header: it comes back all the same, with the reason
    // and its full length, never as an error that would lose it.
    let mut short = [0u8; 20];
    let d = conn.recv(&mut short).unwrap();
    assert!(d.header.is_none(), "{d}");
    assert!(
        matches!(
            d.header_error,
            Some(ipv4_std::ipv4_core::error::HeaderError::OptionsTruncated {
                required: 24,
                found: 20
            })
        ),
        "{d}"
    );
    assert_eq!((d.payload.len(), d.len), (20, Some(24 + PAYLOAD.len())));
    assert!(d.is_truncated());

    let mut buf = [0u8; 64];
    let p = conn.recv(&mut buf).unwrap();
    assert_eq!(p.header.unwrap().options(), &[1, 1, 1, 0]);
    assert_eq!(p.payload, PAYLOAD);
}

/// Go's NewRawConn panics on a connection that is not raw IP; ours is an
/// `InvalidInput` error. This part needs no privileges.
fn new_on_a_non_raw_socket_is_an_error() {
    let udp = UdpSocket::bind("127.0.0.1:0").unwrap();
    let err = RawConn::new(&udp).unwrap_err();
    assert_eq!(err.kind(), io::ErrorKind::InvalidInput, "{err}");
    let tcp = Socket::new(Domain::IPV4, Type::STREAM, None).unwrap();
    let err = RawConn::try_from(tcp).unwrap_err();
    assert_eq!(err.kind(), io::ErrorKind::InvalidInput, "{err}");
    if let Ok(v6) = Socket::new(Domain::IPV6, Type::RAW, Some(socket2::Protocol::ICMPV6)) {
        let err = RawConn::new(v6).unwrap_err();
        assert_eq!(err.kind(), io::ErrorKind::InvalidInput, "{err}");
    }
}

/// `new` turns `IP_HDRINCL` on, and `into_inner` gives the same socket
/// back with it still on.
fn construction_sets_hdrincl_and_gives_the_socket_back() {
    let ns = Netns::new().unwrap();
    let socket = ns.run(|| raw(EXPERIMENTAL));
    assert!(!socket.header_included_v4().unwrap());
    let conn = RawConn::try_from(&socket).unwrap();
    assert!(conn.as_fd().try_clone_to_owned().is_ok());
    assert!(conn.get_ref().header_included_v4().unwrap());
    let back = RawConn::new(socket).unwrap().into_inner();
    assert!(back.header_included_v4().unwrap());
}

/// A header that does not emit, or a payload too long for one IPv4
/// datagram, is `InvalidInput` before any system call.
fn unsendable_header_is_invalid_input() {
    let ns = Netns::new().unwrap();
    let conn = ns.run(|| RawConn::new(raw(EXPERIMENTAL)).unwrap());
    let header = Header::new(
        Ipv4Addr::LOCALHOST,
        Ipv4Addr::LOCALHOST,
        Protocol(EXPERIMENTAL),
    );
    let big = vec![0u8; 65_536];
    let err = conn.send(&header, &big, None).unwrap_err();
    assert_eq!(err.kind(), io::ErrorKind::InvalidInput, "{err}");
    let mut bad = header;
    bad.fragment_offset = 0x2000;
    let err = conn.send(&bad, PAYLOAD, None).unwrap_err();
    assert_eq!(err.kind(), io::ErrorKind::InvalidInput, "{err}");
}

/// Forwarding a received datagram unchanged with `send_view`: the header
/// bytes go out as they are (no copy), the kernel fixes the checksum.
fn send_view_forwards_a_received_header() {
    let pair = VethPair::new().unwrap();
    let a_conn = pair.a.run(|| RawConn::new(raw(EXPERIMENTAL)).unwrap());
    let b_conn = pair.b.run(|| RawConn::new(raw(EXPERIMENTAL)).unwrap());
    let mut header = Header::new(VethPair::A_ADDR, VethPair::B_ADDR, Protocol(EXPERIMENTAL))
        .with_tos(0x10)
        .with_ttl(9);
    header.set_options(&[148, 4, 0, 0]).unwrap();
    a_conn.send(&header, PAYLOAD, None).unwrap();
    let mut buf = [0u8; 256];
    let p = b_conn.recv(&mut buf).unwrap();
    // Back to a, with the addresses swapped in a copy of the header.
    let mut copy = [0u8; 60];
    let hl = p.header.unwrap().header_len();
    copy[..hl].copy_from_slice(p.header.unwrap().header_bytes());
    let mut view = HeaderView::new_unchecked(&mut copy[..hl]);
    view.set_source(VethPair::B_ADDR);
    view.set_destination(VethPair::A_ADDR);
    b_conn.send_view(&view, p.payload, None).unwrap();
    let mut buf = [0u8; 256];
    let back = loop {
        let q = a_conn.recv(&mut buf).unwrap();
        if q.header.unwrap().source() == VethPair::B_ADDR {
            break q;
        }
    };
    assert_eq!(back.header.unwrap().tos(), 0x10);
    assert_eq!(back.header.unwrap().ttl(), 9);
    assert_eq!(back.header.unwrap().options(), &[148, 4, 0, 0]);
    assert!(back.header.unwrap().verify_checksum());
    assert_eq!(back.payload, PAYLOAD);
}

/// A control message's source (`IP_PKTINFO`) becomes the source of a
/// header that leaves it zero; without it the route's preferred source is
/// used. `IP_TTL`/`IP_TOS` requests do not override the header.
fn control_message_source_fills_a_zero_header_source() {
    let pair = VethPair::new().unwrap();
    let second = Ipv4Addr::new(198, 51, 100, 10);
    pair.a
        .ip(&[
            "addr",
            "add",
            &format!("{second}/24"),
            "dev",
            VethPair::A_IF,
        ])
        .unwrap();
    let sender = pair.a.run(|| RawConn::new(raw(EXPERIMENTAL)).unwrap());
    let receiver = pair.b.run(|| RawConn::new(raw(EXPERIMENTAL)).unwrap());
    let header = Header::new(
        Ipv4Addr::UNSPECIFIED,
        VethPair::B_ADDR,
        Protocol(EXPERIMENTAL),
    );
    // TTL and TOS requests are accepted but lose to the header's fields.
    let cm = ControlMessage {
        src: Some(second),
        ttl: Some(3),
        tos: Some(0x20),
        ..ControlMessage::default()
    };
    for (cm, expected) in [(None, VethPair::A_ADDR), (Some(&cm), second)] {
        sender.send(&header, PAYLOAD, cm).unwrap();
        let mut buf = [0u8; 256];
        let p = receiver.recv(&mut buf).unwrap();
        assert_eq!(p.header.unwrap().source(), expected);
        assert_eq!(
            (p.header.unwrap().ttl(), p.header.unwrap().tos()),
            (Header::DEFAULT_TTL, 0)
        );
        assert!(p.header.unwrap().verify_checksum());
    }
}

#[path = "../../std-adapter/examples/common/harness.rs"]
mod harness;

fn main() {
    use harness::{kernel, plain};
    harness::run([
        kernel(header_included_send_arrives_bit_for_bit),
        kernel(kernel_fills_zero_source_and_identification),
        kernel(control_message_destination_routes_header_destination_is_kept),
        kernel(receives_options_the_kernel_filled_in),
        kernel(truncated_datagram_is_reported),
        kernel(buffer_shorter_than_header_is_an_error_not_a_panic),
        plain(new_on_a_non_raw_socket_is_an_error),
        kernel(construction_sets_hdrincl_and_gives_the_socket_back),
        kernel(unsendable_header_is_invalid_input),
        kernel(send_view_forwards_a_received_header),
        kernel(control_message_source_fills_a_zero_header_source),
    ]);
}
