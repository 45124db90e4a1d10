//! Batch I/O (`recvmmsg`/`sendmmsg`) through `PacketConn` on loopback:
//! per-message destinations and control messages on send, checked by the
//! kernel's control messages on receive; truncation flags; partial sends
//! keeping the failing message's error; empty batches; blocking,
//! non-blocking and timeout behaviour; reuse of one batch across calls.
//!
//! The raw-socket tests need root and skip with a printed reason otherwise;
//! the `RawConn` ones run inside a private network namespace.

use ipv4_std::prelude::*;
use std::io;
use std::net::{Ipv4Addr, SocketAddr, SocketAddrV4, UdpSocket};
use std::time::Duration;

use ipv4_std::MessageFlags;
use ipv4_std::batch::{RawSendMessage, RecvBatch, SendBatch, SendMessage};
use ipv4_std::ipv4_core::header::{Header, HeaderView, Protocol as HeaderProtocol};
use ipv4_std::{ControlFlags, ControlMessage, PacketConn, RawConn};
use ipv4_tests::netns::Netns;
use socket2::{Domain, Protocol, SockRef, Socket, Type};

const TIMEOUT: Option<Duration> = Some(Duration::from_secs(5));
const ALL: ControlFlags = ControlFlags::all();

fn udp() -> PacketConn<UdpSocket> {
    let s = UdpSocket::bind((Ipv4Addr::LOCALHOST, 0)).unwrap();
    s.set_read_timeout(TIMEOUT).unwrap();
    PacketConn::new(s).unwrap()
}

fn local<S: std::os::fd::AsFd>(conn: &PacketConn<S>) -> SocketAddrV4 {
    match SockRef::from(conn.get_ref())
        .local_addr()
        .unwrap()
        .as_socket()
    {
        Some(SocketAddr::V4(a)) => a,
        other => panic!("not IPv4: {other:?}"),
    }
}

/// Receives until `want` messages arrived, collecting (payload, source,
/// control, flags).
fn drain(
    conn: &PacketConn<UdpSocket>,
    batch: &mut RecvBatch<Vec<u8>>,
    want: usize,
) -> Vec<(Vec<u8>, SocketAddrV4, ControlMessage, MessageFlags)> {
    let mut got = Vec::new();
    while got.len() < want {
        let n = conn.recv_batch(batch).unwrap();
        assert!(n >= 1 && n <= batch.capacity(), "count {n}");
        assert_eq!(n, batch.len());
        assert_eq!(batch.iter().len(), n);
        for m in batch.iter() {
            assert!(m.header.is_none(), "UDP datagrams come without header");
            got.push((m.payload.to_vec(), m.source, m.control, m.flags));
        }
    }
    got
}

fn send_batch_per_message_destination_and_control_seen_by_receivers() {
    let rx = [udp(), udp()];
    for r in &rx {
        r.set_control_message(ALL, true).unwrap();
    }
    let to = [local(&rx[0]), local(&rx[1])];
    let tx = udp();
    let from = local(&tx);
    let payloads: Vec<Vec<u8>> = (0..10u8).map(|i| vec![i; 10 + usize::from(i)]).collect();
    let msgs: Vec<SendMessage<'_>> = payloads
        .iter()
        .enumerate()
        .map(|(i, p)| {
            SendMessage::new(p, Some(to[i % 2])).with_control(ControlMessage {
                ttl: Some(10 + i as u8),
                tos: Some(4 * i as u8),
                src: Some(Ipv4Addr::LOCALHOST),
                ..ControlMessage::default()
            })
        })
        .collect();
    let mut out = SendBatch::new();
    assert_eq!(tx.send_batch(&mut out, &msgs).unwrap(), 10);
    assert!(out.capacity() >= 10);

    for (k, r) in rx.iter().enumerate() {
        let mut batch = RecvBatch::new(vec![vec![0u8; 64]; 4]);
        let got = drain(r, &mut batch, 5);
        assert_eq!(got.len(), 5);
        for (j, (payload, source, cm, flags)) in got.into_iter().enumerate() {
            let i = 2 * j + k;
            assert_eq!(payload, payloads[i], "message {i}");
            assert_eq!(source, from);
            assert_eq!(cm.ttl, Some(10 + i as u8), "TTL asked for message {i}");
            assert_eq!(cm.tos, Some(4 * i as u8), "TOS asked for message {i}");
            assert_eq!(cm.src, Some(Ipv4Addr::LOCALHOST));
            assert_eq!(cm.dst, Some(Ipv4Addr::LOCALHOST));
            assert_eq!(cm.if_index, Some(1), "lo is interface 1");
            assert_eq!(flags, MessageFlags::default());
        }
    }
}

fn recv_batch_takes_what_is_queued_without_waiting_for_a_full_batch() {
    let rx = udp();
    let to = local(&rx);
    let tx = udp();
    for i in 0..3u8 {
        tx.send_to(&[i], None, to).unwrap();
    }
    // 8 slots, 3 queued: a blocking socket returns the 3 at once.
    let mut batch = RecvBatch::new(vec![[0u8; 16]; 8]);
    assert_eq!(rx.recv_batch(&mut batch).unwrap(), 3);
    let payloads: Vec<u8> = batch.iter().map(|m| m.payload[0]).collect();
    assert_eq!(payloads, [0, 1, 2]);
    assert!(batch.get(3).is_none());
    // Without control flags the control messages are empty but for nothing.
    assert!(batch.get(0).unwrap().control.is_empty());
}

fn one_batch_reused_across_calls_keeps_addresses_and_control_messages() {
    // nix#2506 / nix#2813: a header reused without resetting msg_namelen
    // and msg_controllen loses addresses and control messages on the next
    // call. Each round here checks both.
    let rx = udp();
    rx.set_control_message(ControlFlags::TTL | ControlFlags::DST, true)
        .unwrap();
    let to = local(&rx);
    let tx = udp();
    let from = local(&tx);
    let mut batch = RecvBatch::new(vec![vec![0u8; 32]; 2]);
    for round in 1..=5u8 {
        tx.set_ttl(round).unwrap();
        tx.send_to(&[round; 7], None, to).unwrap();
        assert_eq!(rx.recv_batch(&mut batch).unwrap(), 1);
        let m = batch.get(0).unwrap();
        assert_eq!(m.payload, [round; 7]);
        assert_eq!(m.source, from, "round {round}");
        assert_eq!(m.control.ttl, Some(round), "round {round}");
        assert_eq!(m.control.dst, Some(Ipv4Addr::LOCALHOST));
        assert_eq!(m.control.if_index, None, "INTERFACE not enabled");
    }
    // Turning flags off between calls resizes the control buffers.
    rx.set_control_message(ALL, false).unwrap();
    tx.send_to(b"x", None, to).unwrap();
    assert_eq!(rx.recv_batch(&mut batch).unwrap(), 1);
    let m = batch.get(0).unwrap();
    assert!(m.control.is_empty(), "{}", m.control);
    assert_eq!(m.flags, MessageFlags::default());
}

fn truncation_is_reported_per_message() {
    let rx = udp();
    let to = local(&rx);
    let tx = udp();
    tx.send_to(&[7; 100], None, to).unwrap();
    tx.send_to(&[8; 5], None, to).unwrap();
    let mut storage = [0u8; 20];
    let mut batch = RecvBatch::new(storage.chunks_mut(10));
    let mut seen = Vec::new();
    while seen.len() < 2 {
        rx.recv_batch(&mut batch).unwrap();
        for m in &batch {
            seen.push((m.payload.to_vec(), m.flags.is_truncated()));
        }
    }
    assert_eq!(seen, [(vec![7; 10], true), (vec![8; 5], false)]);
}

fn a_message_enabled_behind_the_wrapper_does_not_push_out_the_others() {
    let rx = udp();
    rx.set_control_message(ControlFlags::TTL, true).unwrap();
    // IP_RECVTOS turned on directly: the wrapper does not know, but its
    // control buffers have room for the kernel's IP_TOS message too, so the
    // TTL still arrives (the unrequested TOS is left out).
    SockRef::from(rx.get_ref()).set_recv_tos_v4(true).unwrap();
    assert_eq!(rx.control_flags(), ControlFlags::TTL);
    let to = local(&rx);
    udp().send_to(b"tos", None, to).unwrap();
    let mut batch = RecvBatch::new([[0u8; 16]]);
    assert_eq!(rx.recv_batch(&mut batch).unwrap(), 1);
    let m = batch.get(0).unwrap();
    assert_eq!(m.payload, b"tos");
    assert!(!m.is_control_truncated(), "{:?}", m.flags);
    assert!(!m.is_truncated());
    assert_eq!(m.control.ttl, Some(64));
    assert_eq!(m.control.tos, None);
}

fn partial_send_reports_the_count_and_the_error_of_the_first_unsent_message() {
    let rx = udp();
    let to = local(&rx);
    let tx = udp();
    let ok = ControlMessage::default();
    let bad = ControlMessage {
        ttl: Some(0), // Linux rejects TTL 0 with EINVAL.
        ..ControlMessage::default()
    };
    let msgs = [
        SendMessage::new(b"a", Some(to)).with_control(ok),
        SendMessage::new(b"b", Some(to)),
        SendMessage::new(b"c", Some(to)).with_control(bad),
        SendMessage::new(b"d", Some(to)),
    ];
    let mut out = SendBatch::with_capacity(4);
    let e = tx.send_batch(&mut out, &msgs).unwrap_err();
    assert_eq!(e.sent, 2, "{e}");
    assert_eq!(e.kind(), io::ErrorKind::InvalidInput, "{e}");
    assert_eq!(e.error.raw_os_error(), Some(libc::EINVAL));
    assert!(e.to_string().contains("after 2 messages"), "{e}");
    let as_io: io::Error = e.into();
    assert_eq!(as_io.kind(), io::ErrorKind::InvalidInput);

    // Exactly a and b arrived; c and d did not.
    let mut batch = RecvBatch::new(vec![[0u8; 8]; 8]);
    rx.get_ref().set_nonblocking(true).unwrap();
    let mut got = Vec::new();
    loop {
        match rx.recv_batch(&mut batch) {
            Ok(_) => got.extend(batch.iter().map(|m| m.payload.to_vec())),
            Err(e) if e.kind() == io::ErrorKind::WouldBlock => break,
            Err(e) => panic!("{e}"),
        }
    }
    assert_eq!(got, [b"a".to_vec(), b"b".to_vec()]);

    // The first message failing gives sent = 0.
    let e = tx.send_batch(&mut out, &msgs[2..]).unwrap_err();
    assert_eq!((e.sent, e.kind()), (0, io::ErrorKind::InvalidInput));
}

fn oversized_message_fails_with_emsgsize_after_the_ones_before_it() {
    let rx = udp();
    let to = local(&rx);
    let tx = udp();
    let big = vec![0u8; 70_000];
    let msgs = [
        SendMessage::new(b"fits", Some(to)),
        SendMessage::new(&big, Some(to)),
    ];
    let e = tx.send_batch(&mut SendBatch::new(), &msgs).unwrap_err();
    assert_eq!(e.sent, 1);
    assert_eq!(e.error.raw_os_error(), Some(libc::EMSGSIZE), "{e}");
}

fn empty_batches_are_invalid_input() {
    let conn = udp();
    let mut none: RecvBatch<[u8; 4]> = RecvBatch::new([]);
    let e = conn.recv_batch(&mut none).unwrap_err();
    assert_eq!(e.kind(), io::ErrorKind::InvalidInput);
    assert!(none.is_empty());
    let e = conn.send_batch(&mut SendBatch::new(), &[]).unwrap_err();
    assert_eq!((e.sent, e.kind()), (0, io::ErrorKind::InvalidInput));
}

fn non_blocking_and_timeout_behave_like_recv_from() {
    let conn = udp();
    let mut batch = RecvBatch::new(vec![[0u8; 8]; 4]);

    conn.get_ref().set_nonblocking(true).unwrap();
    let single = conn.recv_from(&mut [0u8; 8]).unwrap_err();
    let e = conn.recv_batch(&mut batch).unwrap_err();
    assert_eq!(e.kind(), io::ErrorKind::WouldBlock);
    assert_eq!(e.kind(), single.kind());
    assert_eq!(batch.len(), 0);

    conn.get_ref().set_nonblocking(false).unwrap();
    conn.get_ref()
        .set_read_timeout(Some(Duration::from_millis(20)))
        .unwrap();
    let single = conn.recv_from(&mut [0u8; 8]).unwrap_err();
    let e = conn.recv_batch(&mut batch).unwrap_err();
    assert_eq!(
        e.kind(),
        io::ErrorKind::WouldBlock,
        "SO_RCVTIMEO gives EAGAIN"
    );
    assert_eq!(e.kind(), single.kind());
}

fn connected_socket_sends_without_destinations() {
    let rx = udp();
    let to = local(&rx);
    let tx = udp();
    tx.get_ref().connect(to).unwrap();
    let msgs = [
        SendMessage::new(b"one", None),
        SendMessage::new(b"two", None),
    ];
    assert_eq!(tx.send_batch(&mut SendBatch::new(), &msgs).unwrap(), 2);
    let mut batch = RecvBatch::new(vec![vec![0u8; 8]; 2]);
    let got = drain(&rx, &mut batch, 2);
    assert_eq!(got[0].0, b"one");
    assert_eq!(got[1].0, b"two");
}

fn raw_packet_conn_batch_gives_header_and_exact_payload() {
    // A raw UDP socket receives a copy of every UDP datagram to this host;
    // the test's own is recognised by its payload.
    let raw = Socket::new(Domain::IPV4, Type::RAW, Some(Protocol::UDP)).unwrap();
    raw.set_read_timeout(TIMEOUT).unwrap();
    let raw = PacketConn::new(raw).unwrap();
    raw.set_control_message(ControlFlags::TTL, true).unwrap();
    let rx = udp();
    let to = local(&rx);
    let tx = udp();
    tx.set_ttl(33).unwrap();
    let marker = b"batch-raw-marker";
    tx.send_to(marker, None, to).unwrap();
    let mut batch = RecvBatch::new(vec![vec![0u8; 2048]; 8]);
    'outer: loop {
        raw.recv_batch(&mut batch).unwrap();
        for m in &batch {
            let h = m.header.expect("raw sockets deliver the header");
            // UDP header (8 bytes) then the marker.
            if m.payload.get(8..) != Some(&marker[..]) {
                continue;
            }
            assert_eq!(h.header_len(), 20);
            assert_eq!(usize::from(h.total_len()), 20 + 8 + marker.len());
            assert_eq!(h.ttl(), 33);
            assert_eq!(m.control.ttl, Some(33));
            assert_eq!(h.destination(), Ipv4Addr::LOCALHOST);
            assert_eq!(m.source, SocketAddrV4::new(Ipv4Addr::LOCALHOST, 0));
            assert_eq!(
                u16::from_be_bytes([m.payload[2], m.payload[3]]),
                to.port(),
                "UDP destination port"
            );
            break 'outer;
        }
    }
}

// ------------------------------------------------------------- RawConn

/// An experimental protocol number (RFC 3692), so nothing else answers.
const EXPERIMENTAL: u8 = 253;

fn raw_conn(ns: &Netns) -> RawConn<Socket> {
    ns.run(|| {
        let s = Socket::new(
            Domain::IPV4,
            Type::RAW,
            Some(Protocol::from(i32::from(EXPERIMENTAL))),
        )
        .unwrap();
        s.set_read_timeout(TIMEOUT).unwrap();
        RawConn::new(s).unwrap()
    })
}

fn probe(i: u8) -> Header {
    let mut h = Header::new(
        Ipv4Addr::LOCALHOST,
        Ipv4Addr::LOCALHOST,
        HeaderProtocol(EXPERIMENTAL),
    )
    .with_ttl(10 + i)
    .with_tos(4 * i)
    .with_identification(1000 + u16::from(i));
    if i % 2 == 1 {
        // Router Alert (RFC 2113), so some headers carry options.
        h.set_options(&[0x94, 0x04, 0x00, 0x00]).unwrap();
    }
    h
}

/// A received whole datagram: header bytes, payload, control TTL, source.
type RawReceived = (Vec<u8>, Vec<u8>, Option<u8>, SocketAddrV4);

/// Receives `want` whole datagrams.
fn drain_raw(
    conn: &RawConn<Socket>,
    batch: &mut RecvBatch<Vec<u8>>,
    want: usize,
) -> Vec<RawReceived> {
    let mut got = Vec::new();
    while got.len() < want {
        conn.recv_batch(batch).unwrap();
        for m in batch.iter() {
            let h = m.header.expect("RawConn gives the header");
            assert!(!h.is_truncated() && !m.flags.is_truncated());
            got.push((
                h.header_bytes().to_vec(),
                m.payload.to_vec(),
                m.control.ttl,
                m.source,
            ));
        }
    }
    got
}

fn raw_conn_batch_sends_headers_as_given_and_receives_header_views() {
    let ns = Netns::new().unwrap();
    let tx = raw_conn(&ns);
    let rx = raw_conn(&ns);
    rx.set_control_message(ControlFlags::TTL, true).unwrap();
    let headers: Vec<Header> = (0..6).map(probe).collect();
    let payloads: Vec<Vec<u8>> = (0..6u8).map(|i| vec![i; 3 + usize::from(i)]).collect();
    let msgs: Vec<RawSendMessage<'_>> = headers
        .iter()
        .zip(&payloads)
        .map(|(h, p)| RawSendMessage::new(h, p))
        .collect();
    let mut out = SendBatch::new();
    assert_eq!(tx.send_batch(&mut out, &msgs).unwrap(), 6);

    let mut batch = RecvBatch::new(vec![vec![0u8; 256]; 4]);
    let got = drain_raw(&rx, &mut batch, 6);
    for (i, (header, payload, ttl, source)) in got.iter().enumerate() {
        let sent = &headers[i];
        // `header` holds the header only: a lax view reads it.
        let h = HeaderView::new_lax(header.as_slice()).unwrap();
        assert_eq!(h.ttl(), sent.ttl, "message {i}");
        assert_eq!(h.tos(), sent.tos);
        assert_eq!(h.identification(), sent.identification);
        assert_eq!(h.options(), sent.options());
        assert!(h.verify_checksum(), "Linux fills in the checksum");
        assert_eq!(
            usize::from(h.total_len()),
            sent.header_len() + payloads[i].len()
        );
        assert_eq!(payload, &payloads[i]);
        assert_eq!(*ttl, Some(sent.ttl), "IP_TTL reports the header's TTL");
        assert_eq!(*source, SocketAddrV4::new(Ipv4Addr::LOCALHOST, 0));
    }

    // Forwarding: the received views go out again as they are, payloads
    // borrowed from the receive batch.
    let mut first = RecvBatch::new(vec![vec![0u8; 256]; 8]);
    assert_eq!(tx.send_batch(&mut out, &msgs[..2]).unwrap(), 2);
    // Loopback delivers within the send, so one receive gets both.
    assert_eq!(rx.recv_batch(&mut first).unwrap(), 2);
    let views: Vec<_> = first.iter().collect();
    let headers_in: Vec<HeaderView<&[u8]>> = views.iter().map(|m| m.header.unwrap()).collect();
    let forward: Vec<RawSendMessage<'_>> = headers_in
        .iter()
        .zip(&views)
        .map(|(h, m)| RawSendMessage::from_view(h, m.payload))
        .collect();
    assert_eq!(tx.send_batch(&mut out, &forward).unwrap(), 2);
    let again = drain_raw(&rx, &mut batch, 2);
    for (k, (header, payload, _, _)) in again.iter().enumerate() {
        assert_eq!(header.as_slice(), headers_in[k].header_bytes());
        assert_eq!(payload.as_slice(), views[k].payload);
    }
}

fn raw_conn_batch_errors() {
    let ns = Netns::new().unwrap();
    let tx = raw_conn(&ns);
    let rx = raw_conn(&ns);

    // A buffer that cannot hold a header is refused before the call.
    let mut short = RecvBatch::new([vec![0u8; 64], vec![0u8; 19]]);
    let e = rx.recv_batch(&mut short).unwrap_err();
    assert_eq!(e.kind(), io::ErrorKind::InvalidInput, "{e}");

    // A header that cannot be emitted (datagram over 65 535 bytes) fails the
    // batch before anything is sent, naming the message.
    let ok = probe(0);
    let big = vec![0u8; 70_000];
    let msgs = [
        RawSendMessage::new(&ok, b"a"),
        RawSendMessage::new(&ok, &big),
    ];
    let e = tx.send_batch(&mut SendBatch::new(), &msgs).unwrap_err();
    assert_eq!((e.sent, e.kind()), (0, io::ErrorKind::InvalidInput), "{e}");
    assert!(e.error.to_string().contains("message 1"), "{e}");
    rx.get_ref().set_nonblocking(true).unwrap();
    let mut batch = RecvBatch::new(vec![vec![0u8; 128]; 4]);
    let e = rx.recv_batch(&mut batch).unwrap_err();
    assert_eq!(e.kind(), io::ErrorKind::WouldBlock, "nothing was sent");

    // A message the kernel refuses (an interface that does not exist)
    // after one it accepts: the count and that message's error.
    let nowhere = ControlMessage {
        if_index: Some(999_999),
        ..ControlMessage::default()
    };
    let msgs = [
        RawSendMessage::new(&ok, b"first"),
        RawSendMessage::new(&ok, b"second").with_control(nowhere),
        RawSendMessage::new(&ok, b"third"),
    ];
    let e = tx.send_batch(&mut SendBatch::new(), &msgs).unwrap_err();
    assert_eq!(e.sent, 1, "{e}");
    assert!(e.error.raw_os_error().is_some(), "{e}");
    rx.get_ref().set_nonblocking(false).unwrap();
    let got = drain_raw(&rx, &mut batch, 1);
    assert_eq!(got[0].1, b"first");
    rx.get_ref().set_nonblocking(true).unwrap();
    assert_eq!(
        rx.recv_batch(&mut batch).unwrap_err().kind(),
        io::ErrorKind::WouldBlock,
        "neither second nor third was sent"
    );
}

#[path = "../../std-adapter/examples/common/harness.rs"]
mod harness;

fn main() {
    use harness::{kernel, plain, root};
    harness::run([
        plain(send_batch_per_message_destination_and_control_seen_by_receivers),
        plain(recv_batch_takes_what_is_queued_without_waiting_for_a_full_batch),
        plain(one_batch_reused_across_calls_keeps_addresses_and_control_messages),
        plain(truncation_is_reported_per_message),
        plain(a_message_enabled_behind_the_wrapper_does_not_push_out_the_others),
        plain(partial_send_reports_the_count_and_the_error_of_the_first_unsent_message),
        plain(oversized_message_fails_with_emsgsize_after_the_ones_before_it),
        plain(empty_batches_are_invalid_input),
        plain(non_blocking_and_timeout_behave_like_recv_from),
        plain(connected_socket_sends_without_destinations),
        root(raw_packet_conn_batch_gives_header_and_exact_payload),
        kernel(raw_conn_batch_sends_headers_as_given_and_receives_header_views),
        kernel(raw_conn_batch_errors),
    ]);
}
