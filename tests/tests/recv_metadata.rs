//! A received datagram is never lost because of its metadata: control
//! messages the wrapper did not expect (enabled by another thread, another
//! wrapper or `get_ref()`), control messages cut by the kernel
//! (`MSG_CTRUNC`), and data cut to the buffer (`MSG_TRUNC`) all come back
//! with the datagram, reported in it, from single and batch receives alike.
//!
//! The loopback tests run anywhere; the raw-socket ones need root (private
//! network namespaces).

use ipv4_std::prelude::*;
use std::collections::HashSet;
use std::io;
use std::net::{Ipv4Addr, SocketAddrV4, UdpSocket};
use std::os::fd::{AsFd, AsRawFd};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::thread;
use std::time::{Duration, Instant};

use ipv4_std::batch::RecvBatch;
use ipv4_std::ipv4_core::header::{Header, Protocol};
use ipv4_std::ipv4_core::options::OptionsBuilder;
use ipv4_std::{ControlFlags, PacketConn, RawConn};
use ipv4_tests::netns;
use socket2::{Domain, Socket, Type};

/// Datagrams the concurrency scenarios send (issue: at least 10 000).
const DATAGRAMS: u32 = 12_000;

fn udp() -> PacketConn<UdpSocket> {
    let s = UdpSocket::bind(SocketAddrV4::new(Ipv4Addr::LOCALHOST, 0)).unwrap();
    s.set_read_timeout(Some(Duration::from_millis(200)))
        .unwrap();
    PacketConn::new(s).unwrap()
}

fn local<S: AsFd>(conn: &PacketConn<S>) -> SocketAddrV4 {
    match socket2::SockRef::from(conn.get_ref())
        .local_addr()
        .unwrap()
        .as_socket()
    {
        Some(std::net::SocketAddr::V4(a)) => a,
        other => panic!("not IPv4: {other:?}"),
    }
}

/// Sets an `int` socket option behind the wrapper's back.
fn set_int(fd: &impl AsRawFd, level: libc::c_int, name: libc::c_int, value: libc::c_int) {
    // SAFETY: `value` is a readable c_int for the length given.
    let rc = unsafe {
        libc::setsockopt(
            fd.as_raw_fd(),
            level,
            name,
            (&raw const value).cast(),
            size_of::<libc::c_int>() as libc::socklen_t,
        )
    };
    assert_eq!(
        rc,
        0,
        "setsockopt({level}, {name}): {}",
        io::Error::last_os_error()
    );
}

/// How the readers of [`toggled_flags_lose_nothing`] receive.
#[derive(Clone, Copy, Debug)]
enum Receive {
    Single,
    Batch,
}

/// Two readers on one `PacketConn` while a third thread switches every
/// control message on and off (through the wrapper, and `IP_RECVTOS` and
/// `SO_TIMESTAMP` behind its back) and a sender sends numbered datagrams,
/// paced so the socket buffer never overflows: every datagram must arrive,
/// with its payload intact and no error.
fn toggled_flags_lose_nothing(how: Receive) {
    let conn = Arc::new(udp());
    let to = local(&conn);
    let received = Arc::new(Mutex::new(HashSet::new()));
    let count = Arc::new(AtomicUsize::new(0));
    let done = Arc::new(AtomicBool::new(false));

    let readers: Vec<_> = (0..2)
        .map(|_| {
            let (conn, received, count, done) =
                (conn.clone(), received.clone(), count.clone(), done.clone());
            thread::spawn(move || {
                let record = |payload: &[u8], truncated: bool| {
                    assert!(!truncated, "4-byte datagrams fit");
                    let n = u32::from_be_bytes(payload.try_into().expect("4-byte payload"));
                    assert!(received.lock().unwrap().insert(n), "datagram {n} twice");
                    count.fetch_add(1, Ordering::Relaxed);
                };
                let mut batch = RecvBatch::new(vec![[0u8; 64]; 8]);
                let mut buf = [0u8; 64];
                while !done.load(Ordering::Relaxed) {
                    match how {
                        Receive::Single => match conn.recv_from(&mut buf) {
                            Ok(d) => {
                                assert_eq!(d.control_error, None, "{d}");
                                record(d.payload, d.is_truncated());
                            }
                            Err(e) if e.kind() == io::ErrorKind::WouldBlock => {}
                            Err(e) => panic!("recv_from failed: {e}"),
                        },
                        Receive::Batch => match conn.recv_batch(&mut batch) {
                            Ok(_) => {
                                for d in &batch {
                                    assert_eq!(d.control_error, None, "{d}");
                                    record(d.payload, d.is_truncated());
                                }
                            }
                            Err(e) if e.kind() == io::ErrorKind::WouldBlock => {}
                            Err(e) => panic!("recv_batch failed: {e}"),
                        },
                    }
                }
            })
        })
        .collect();

    let toggler = {
        let (conn, done) = (conn.clone(), done.clone());
        thread::spawn(move || {
            let mut on = true;
            let mut rounds = 0u64;
            while !done.load(Ordering::Relaxed) {
                conn.set_control_message(ControlFlags::all(), on).unwrap();
                // IP_RECVTOS the other way, through a second wrapper
                // (which reads the kernel's state when made): behind the
                // first one's back.
                PacketConn::new(conn.get_ref())
                    .unwrap()
                    .set_control_message(ControlFlags::TOS, !on)
                    .unwrap();
                set_int(
                    conn.get_ref(),
                    libc::SOL_SOCKET,
                    libc::SO_TIMESTAMP,
                    i32::from(on),
                );
                on = !on;
                rounds += 1;
            }
            rounds
        })
    };

    let tx = UdpSocket::bind(SocketAddrV4::new(Ipv4Addr::LOCALHOST, 0)).unwrap();
    for n in 0..DATAGRAMS {
        // At most 64 in flight: far below the receive buffer.
        let deadline = Instant::now() + Duration::from_secs(10);
        while n as usize - count.load(Ordering::Relaxed) >= 64 {
            assert!(Instant::now() < deadline, "receivers stalled at {n}");
            thread::yield_now();
        }
        tx.send_to(&n.to_be_bytes(), to).unwrap();
    }
    let deadline = Instant::now() + Duration::from_secs(10);
    while count.load(Ordering::Relaxed) < DATAGRAMS as usize && Instant::now() < deadline {
        thread::sleep(Duration::from_millis(5));
    }
    done.store(true, Ordering::Relaxed);
    for r in readers {
        r.join().unwrap();
    }
    let rounds = toggler.join().unwrap();
    let got = received.lock().unwrap().len();
    assert_eq!(
        got,
        DATAGRAMS as usize,
        "{how:?}: lost {} datagrams",
        DATAGRAMS as usize - got
    );
    assert!(rounds > 10, "the flags were toggled only {rounds} times");
}

fn recv_from_loses_no_datagram_while_flags_are_toggled() {
    toggled_flags_lose_nothing(Receive::Single);
}

fn recv_batch_loses_no_datagram_while_flags_are_toggled() {
    toggled_flags_lose_nothing(Receive::Batch);
}

/// `SO_TIMESTAMP` switched on through the socket takes control-buffer room;
/// the TTL asked for through the wrapper must still arrive (before, the
/// buffer was sized for the TTL alone, the kernel dropped it and nothing
/// said so).
fn a_timestamp_behind_the_wrapper_does_not_push_out_the_ttl() {
    let rx = udp();
    rx.set_control_message(ControlFlags::TTL | ControlFlags::DST, true)
        .unwrap();
    set_int(rx.get_ref(), libc::SOL_SOCKET, libc::SO_TIMESTAMPNS, 1);
    // IP_RECVTOS behind the wrapper's back, through a second one.
    PacketConn::new(rx.get_ref())
        .unwrap()
        .set_control_message(ControlFlags::TOS, true)
        .unwrap();
    let tx = udp();
    tx.set_ttl(42).unwrap();
    tx.send_to(b"stamp", None, local(&rx)).unwrap();
    let mut buf = [0u8; 64];
    let d = rx.recv_from(&mut buf).unwrap();
    assert_eq!(d.payload, b"stamp");
    assert_eq!(d.control.ttl, Some(42), "{d}");
    assert_eq!(d.control.dst, Some(Ipv4Addr::LOCALHOST));
    assert_eq!(d.control.tos, None, "IP_TOS arrived but was not asked for");
    assert!(
        !d.is_control_truncated() && d.control_error.is_none(),
        "{d}"
    );

    tx.send_to(b"stamp", None, local(&rx)).unwrap();
    let mut batch = RecvBatch::new([[0u8; 64]]);
    assert_eq!(rx.recv_batch(&mut batch).unwrap(), 1);
    let d = batch.get(0).unwrap();
    assert_eq!((d.payload, d.control.ttl), (&b"stamp"[..], Some(42)));
    assert!(!d.is_control_truncated(), "{d}");
}

/// A datagram longer than the buffer: the part that fitted, a flag, and the
/// full length (before, `recv_from` returned the cut length as if it were
/// all).
fn a_truncated_datagram_says_so_with_its_full_length() {
    let rx = udp();
    let tx = udp();
    let sent: Vec<u8> = (0..100).collect();
    tx.send_to(&sent, None, local(&rx)).unwrap();
    tx.send_to(&sent[..7], None, local(&rx)).unwrap();
    let mut buf = [0u8; 10];
    let d = rx.recv_from(&mut buf).unwrap();
    assert_eq!(d.payload, &sent[..10]);
    assert!(d.is_truncated(), "{d}");
    assert_eq!(d.len, Some(100));
    assert_eq!(
        d.to_string().matches("truncated from 100").count(),
        1,
        "{d}"
    );
    let d = rx.recv_from(&mut buf).unwrap();
    assert_eq!(
        (d.payload, d.is_truncated(), d.len),
        (&sent[..7], false, Some(7))
    );

    tx.send_to(&sent, None, local(&rx)).unwrap();
    tx.send_to(&sent[..7], None, local(&rx)).unwrap();
    let mut batch = RecvBatch::new([[0u8; 10]; 2]);
    let mut got = Vec::new();
    while got.len() < 2 {
        rx.recv_batch(&mut batch).unwrap();
        got.extend(
            batch
                .iter()
                .map(|d| (d.payload.to_vec(), d.is_truncated(), d.len)),
        );
    }
    assert_eq!(
        got,
        [
            (sent[..10].to_vec(), true, Some(100)),
            (sent[..7].to_vec(), false, Some(7))
        ]
    );
}

/// Enough control messages to overflow even the crate's whole control
/// buffer, on a raw socket: a 40-byte options area echoed twice
/// (`IP_RECVOPTS`, `IP_RETOPTS`) with the other IPv4 messages (the original
/// destination too), and three socket-level messages enabled behind the
/// wrapper's back (two timestamps and `SO_RCVMARK`'s mark, which come
/// first), more than the buffer has room for. The kernel cuts the last and sets `MSG_CTRUNC`: the
/// datagram comes back whole, flagged, with the messages that fitted
/// decoded and no error (before: `InvalidData`, the datagram lost).
fn control_messages_cut_by_the_kernel_are_a_flag_not_an_error() {
    netns::Netns::new().unwrap().run(|| {
        const PROTOCOL: u8 = 253; // RFC 3692 experimentation
        let socket = || {
            let s = Socket::new(
                Domain::IPV4,
                Type::RAW,
                Some(socket2::Protocol::from(i32::from(PROTOCOL))),
            )
            .unwrap();
            s.set_read_timeout(Some(Duration::from_secs(2))).unwrap();
            s
        };
        let rx = RawConn::new(socket()).unwrap();
        rx.set_control_message(
            ControlFlags::TTL
                | ControlFlags::DST
                | ControlFlags::TOS
                | ControlFlags::OPTIONS
                | ControlFlags::RETURN_OPTIONS
                | ControlFlags::ORIG_DST,
            true,
        )
        .unwrap();
        set_int(rx.get_ref(), libc::SOL_SOCKET, libc::SO_TIMESTAMPNS, 1);
        set_int(
            rx.get_ref(),
            libc::SOL_SOCKET,
            libc::SO_TIMESTAMPING,
            (libc::SOF_TIMESTAMPING_RX_SOFTWARE | libc::SOF_TIMESTAMPING_SOFTWARE) as i32,
        );
        // Linux 5.19: an `SO_MARK` message with every datagram.
        set_int(rx.get_ref(), libc::SOL_SOCKET, libc::SO_RCVMARK, 1);
        let tx = RawConn::new(socket()).unwrap();
        let mut area = [0u8; 40];
        let mut options = OptionsBuilder::new(&mut area);
        options.record_route(9).unwrap(); // 39 bytes
        let options = options.finish().unwrap();
        let mut header = Header::new(Ipv4Addr::LOCALHOST, Ipv4Addr::LOCALHOST, Protocol(PROTOCOL))
            .with_ttl(33)
            .with_tos(0x20);
        header.set_options(options).unwrap();
        let payload = b"all of it";

        tx.send(&header, payload, None).unwrap();
        let mut buf = [0u8; 256];
        let d = rx.recv(&mut buf).unwrap();
        assert_eq!(d.payload, payload);
        assert_eq!(d.header.map(|h| h.header_len()), Some(60));
        assert!(d.is_control_truncated(), "{d}");
        assert_eq!(d.control_error, None, "{d}");
        assert_eq!(d.control.ttl, Some(33), "IP_TTL comes before the cut: {d}");
        assert_eq!(d.control.dst, Some(Ipv4Addr::LOCALHOST));
        assert_eq!(
            d.control.options.map(|o| o.buffer_len()),
            Some(40),
            "IP_RECVOPTS comes before the cut: {d}"
        );

        tx.send(&header, payload, None).unwrap();
        let mut batch = RecvBatch::new([[0u8; 256]]);
        assert_eq!(rx.recv_batch(&mut batch).unwrap(), 1);
        let d = batch.get(0).unwrap();
        assert_eq!(d.payload, payload);
        assert!(d.is_control_truncated() && d.control_error.is_none(), "{d}");
        assert_eq!(d.control.ttl, Some(33));
    });
}

#[path = "../../std-adapter/examples/common/harness.rs"]
mod harness;

fn main() {
    use harness::{kernel, plain};
    harness::run([
        plain(recv_from_loses_no_datagram_while_flags_are_toggled),
        plain(recv_batch_loses_no_datagram_while_flags_are_toggled),
        plain(a_timestamp_behind_the_wrapper_does_not_push_out_the_ttl),
        plain(a_truncated_datagram_says_so_with_its_full_length),
        kernel(control_messages_cut_by_the_kernel_are_a_flag_not_an_error),
    ]);
}
