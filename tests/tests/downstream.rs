//! A downstream program, as a user of the crates writes it after reading
//! their docs: one dependency (`ipv4-std`), the core through
//! `ipv4_std::ipv4_core`, socket2 through `ipv4_std::socket2`, nothing private.
//! Each test is one thing issue 18 found harder than it should be.
//!
//! Only the namespace helper comes from this workspace (`ipv4_tests`): the
//! raw round trip runs inside a private network namespace, so that nothing
//! leaves the machine.

use ipv4_std::prelude::*;
use std::net::{Ipv4Addr, SocketAddr, UdpSocket};
use std::time::Duration;

use ipv4_std::ipv4_core::checksum::Policy;
use ipv4_std::ipv4_core::header::{Header, HeaderView, Protocol};
use ipv4_std::ipv4_core::igmp::{self, GroupRecord, Message, RecordType, ReportV3Repr};
use ipv4_std::ipv4_core::options::{Ipv4Option, RouterAlert, StreamId, TimestampFlag};
use ipv4_std::socket2::{Domain, Socket, Type};
use ipv4_std::{ControlFlags, ControlMessage, Interface, InterfaceFlags, PacketConn, RawConn};
use ipv4_tests::netns::Netns;

const WAIT: Duration = Duration::from_secs(5);

/// A header with Router Alert and Stream ID, 198.51.100.1 → 203.0.113.2,
/// TTL 64, TOS 0x28.
fn header_with_options() -> Header {
    let mut header = Header::new(
        Ipv4Addr::new(198, 51, 100, 1),
        Ipv4Addr::new(203, 0, 113, 2),
        Protocol::UDP,
    )
    .with_ttl(64)
    .with_tos(0x28)
    .with_identification(0x1234);
    header
        .build_options(|o| {
            o.router_alert(RouterAlert::EXAMINE)?
                .stream_id(StreamId(0x0102))?;
            Ok(())
        })
        .unwrap();
    header
}

/// Items 3, 4 and 6: a whole packet in one call, then its options walked
/// with their offsets, bodies and tcpdump-like text.
fn builds_a_packet_with_options_and_walks_them() {
    let header = header_with_options();
    let mut buf = [0u8; 128];
    let n = header.emit_packet(b"payload", &mut buf).unwrap();
    assert_eq!(n, 28 + 7);

    let ip = HeaderView::new_checked_with(&buf[..n], Policy::Enforce).unwrap();
    assert_eq!(ip.header_len(), 28);
    assert_eq!(ip.total_len(), 35);
    assert_eq!(ip.payload(), b"payload");

    let walked: Vec<(usize, String, Vec<u8>)> = ip
        .options_iter()
        .with_offsets()
        .map(|item| {
            let (offset, option) = item.unwrap();
            (
                offset,
                option.to_string(),
                option.data().as_bytes().to_vec(),
            )
        })
        .collect();
    assert_eq!(
        walked,
        [
            (20, "RA 0".to_owned(), vec![0, 0]),
            (24, "SID 258".to_owned(), vec![1, 2]),
        ]
    );
    assert!(matches!(
        ip.options_iter().next(),
        Some(Ok(Ipv4Option::RouterAlert(RouterAlert::EXAMINE)))
    ));
    assert_eq!(TimestampFlag::Prespecified.bits(), 3);
}

/// A router's TTL decrement in place keeps the header checksum right.
fn edits_the_ttl_keeping_the_checksum() {
    let mut buf = [0u8; 64];
    let n = header_with_options().emit_packet(&[], &mut buf).unwrap();
    let mut ip = HeaderView::new_checked(&mut buf[..n]).unwrap();
    assert_eq!(ip.decrement_ttl(), Some(63));
    assert!(ip.verify_checksum());
    ip.set_ttl(1);
    assert_eq!(ip.checksum(), ip.compute_checksum());
    assert_eq!(ip.ttl(), 1);
}

/// Item 5: an IGMPv3 report built from a `Vec` of records and parsed back;
/// the code codecs are reachable.
fn builds_and_parses_an_igmpv3_report() {
    let sources = vec![
        Ipv4Addr::new(198, 51, 100, 7),
        Ipv4Addr::new(198, 51, 100, 8),
    ];
    let records = vec![
        GroupRecord::new(
            RecordType::MODE_IS_INCLUDE,
            Ipv4Addr::new(232, 1, 1, 1),
            &sources[..],
        ),
        GroupRecord::new(
            RecordType::CHANGE_TO_EXCLUDE_MODE,
            Ipv4Addr::new(239, 1, 1, 1),
            &[][..],
        ),
    ];
    let report = ReportV3Repr::new(&records);
    let mut buf = vec![0u8; report.buffer_len()];
    let len = report.emit(&mut buf).unwrap();
    assert_eq!(len, 8 + (8 + 8) + 8);

    let Message::ReportV3(parsed) = Message::parse(&buf).unwrap() else {
        panic!("not an IGMPv3 report: {buf:02x?}");
    };
    let back: Vec<(RecordType, Ipv4Addr, Vec<Ipv4Addr>)> = parsed
        .records()
        .map(|r| (r.record_type, r.group, r.sources.iter().collect()))
        .collect();
    assert_eq!(
        back,
        [
            (
                RecordType::MODE_IS_INCLUDE,
                Ipv4Addr::new(232, 1, 1, 1),
                sources.clone()
            ),
            (
                RecordType::CHANGE_TO_EXCLUDE_MODE,
                Ipv4Addr::new(239, 1, 1, 1),
                vec![]
            ),
        ]
    );
    assert_eq!(
        format!("{:?}", RecordType::MODE_IS_INCLUDE),
        "MODE_IS_INCLUDE"
    );
    assert_eq!(igmp::codes::decode(igmp::codes::encode_lossy(100)), 100);
}

/// Items 1 and 2 on loopback: a `PacketConn` with control messages, the
/// interface it reports checked against `Interface`, and a reply sent to
/// addresses as std gives them.
fn packet_conn_with_control_messages_on_loopback() {
    let server = PacketConn::new(UdpSocket::bind("127.0.0.1:0").unwrap()).unwrap();
    server.get_ref().set_read_timeout(Some(WAIT)).unwrap();
    server
        .set_control_message(
            ControlFlags::TTL | ControlFlags::DST | ControlFlags::INTERFACE | ControlFlags::TOS,
            true,
        )
        .unwrap();
    let client = PacketConn::new(UdpSocket::bind("127.0.0.1:0").unwrap()).unwrap();
    client.get_ref().set_read_timeout(Some(WAIT)).unwrap();

    // `UdpSocket::local_addr` gives a `SocketAddr`; `send_to` takes it.
    let to: SocketAddr = server.get_ref().local_addr().unwrap();
    let cm = ControlMessage {
        ttl: Some(7),
        tos: Some(0x28),
        ..ControlMessage::default()
    };
    client.send_to(b"ping", Some(&cm), to).unwrap();

    let mut buf = [0u8; 64];
    let d = server.recv_from(&mut buf).unwrap();
    let lo = Interface::by_name("lo").unwrap();
    assert!(lo.flags().contains(InterfaceFlags::LOOPBACK));
    assert_eq!(d.payload, b"ping");
    assert_eq!(d.source, client.local_addr().unwrap());
    assert_eq!(d.control.ttl, Some(7));
    assert_eq!(d.control.tos, Some(0x28));
    assert_eq!(d.control.dst, Some(Ipv4Addr::LOCALHOST));
    assert_eq!(d.control.if_index, Some(lo.index()));
    assert_eq!(
        d.control.to_string(),
        format!("ttl=7 dst=127.0.0.1 ifindex={} tos=0x28", lo.index())
    );

    // Reply from the address the query came to, on its interface.
    let reply = ControlMessage {
        src: d.control.dst,
        if_index: d.control.if_index,
        ..ControlMessage::default()
    };
    server.send_to(b"pong", Some(&reply), d.source).unwrap();
    let answer = client.recv_from(&mut buf).unwrap();
    assert_eq!(answer.payload, b"pong");
    assert_eq!(answer.source, server.local_addr().unwrap());
}

/// Items 1, 2 and 7 in a namespace of our own: a `RawConn` over a socket
/// opened through the re-exported socket2 sends a header with options;
/// another receives it whole, with the namespace's loopback found by name.
fn raw_conn_round_trip_in_a_namespace() {
    const PROTOCOL: i32 = 253; // RFC 3692 experimentation
    let ns = Netns::new().unwrap();
    ns.run(|| {
        let open = |protocol: i32| {
            let socket = Socket::new(Domain::IPV4, Type::RAW, Some(protocol.into())).unwrap();
            socket.set_read_timeout(Some(WAIT)).unwrap();
            RawConn::new(socket).unwrap()
        };
        let receiver = open(PROTOCOL);
        receiver
            .set_control_message(ControlFlags::TTL | ControlFlags::INTERFACE, true)
            .unwrap();
        let sender = open(255); // IPPROTO_RAW: send only
        assert_eq!(
            receiver.local_addr().unwrap(),
            std::net::SocketAddrV4::new(Ipv4Addr::UNSPECIFIED, PROTOCOL as u16)
        );

        let mut header = Header::new(
            Ipv4Addr::LOCALHOST,
            Ipv4Addr::LOCALHOST,
            Protocol(PROTOCOL as u8),
        )
        .with_ttl(9)
        .with_identification(0x4242);
        header
            .build_options(|o| o.router_alert(RouterAlert::EXAMINE).map(drop))
            .unwrap();
        assert_eq!(sender.send(&header, b"raw hello", None).unwrap(), 24 + 9);

        let mut buf = [0u8; 1500];
        let d = receiver.recv(&mut buf).unwrap();
        let ip = d.header.expect("a raw socket delivers the header");
        assert_eq!(ip.protocol(), Protocol(PROTOCOL as u8));
        assert_eq!((ip.ttl(), ip.identification()), (9, 0x4242));
        assert_eq!(ip.options(), [148, 4, 0, 0]);
        assert!(ip.verify_checksum(), "the kernel filled the checksum");
        assert_eq!(d.payload, b"raw hello");
        assert_eq!(d.control.ttl, Some(9));
        // The namespace's own loopback, index 1 as in every namespace.
        let lo = Interface::by_name("lo").unwrap();
        assert_eq!(lo.index(), 1);
        assert_eq!(d.control.if_index, Some(lo.index()));
    });
}

#[path = "../../std-adapter/examples/common/harness.rs"]
mod harness;

fn main() {
    use harness::{kernel, plain};
    harness::run([
        plain(builds_a_packet_with_options_and_walks_them),
        plain(edits_the_ttl_keeping_the_checksum),
        plain(builds_and_parses_an_igmpv3_report),
        plain(packet_conn_with_control_messages_on_loopback),
        kernel(raw_conn_round_trip_in_a_namespace),
    ]);
}
