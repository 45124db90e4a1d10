//! The tokio wrappers (`ipv4_std::tokio`, feature `tokio`) on loopback, on
//! the current-thread and the multi-threaded runtime: many receiving tasks
//! on one connection losing no datagram of 100,000; receives dropped by
//! `select!` losing nothing; `recv_error` woken by the kernel's ICMP
//! while ordinary datagrams stay queued; `EMSGSIZE` as `MessageTooLarge`;
//! tasks waiting in a receive ended by abort, by
//! the runtime's shutdown and by `shutdown(2)`; the option surface, the
//! constructors' checks, the `poll_*` forms and the batches.
//!
//! Runs without root.

use std::future::{Future, poll_fn};
use std::net::{Ipv4Addr, Shutdown, TcpListener, UdpSocket};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use ipv4_std::batch::{RecvBatch, SendBatch, SendMessage};
use ipv4_std::prelude::*;
use ipv4_std::tokio::{AsyncPacketConn, AsyncRawConn};
use socket2::SockRef;
use tokio::runtime::{Builder, Runtime};

#[path = "../../std-adapter/examples/common/harness.rs"]
mod harness;

fn current_thread() -> Runtime {
    Builder::new_current_thread().enable_all().build().unwrap()
}

fn multi_thread() -> Runtime {
    Builder::new_multi_thread()
        .worker_threads(4)
        .enable_all()
        .build()
        .unwrap()
}

/// Runs `f` on both runtimes, each with a 60 s bound.
fn on_both<F, Fut>(f: F)
where
    F: Fn() -> Fut,
    Fut: Future<Output = ()> + Send + 'static,
{
    for (name, rt) in [
        ("current-thread", current_thread()),
        ("multi-thread", multi_thread()),
    ] {
        let fut = f();
        rt.block_on(async move {
            let task = tokio::spawn(fut);
            match tokio::time::timeout(Duration::from_secs(60), task).await {
                Ok(Ok(())) => {}
                Ok(Err(e)) => std::panic::resume_unwind(e.into_panic()),
                Err(_) => panic!("{name} runtime: timed out"),
            }
        });
    }
}

fn loopback() -> AsyncPacketConn<UdpSocket> {
    AsyncPacketConn::new(UdpSocket::bind((Ipv4Addr::LOCALHOST, 0)).unwrap()).unwrap()
}

const SENDERS: usize = 4;
const PER_SENDER: usize = 25_000;
const RECEIVERS: usize = 8;
/// Datagrams a sender may have in flight (sent, not yet received): with
/// four senders, at most 128 small datagrams queued, well inside the
/// default receive buffer, so the kernel never drops one.
const WINDOW: usize = 32;

/// 8 tasks receive on one connection (every control message on) while 4
/// tasks send 25,000 datagrams each from their own connections: every
/// datagram arrives exactly once, counted per source, with its control
/// message.
async fn many_receivers_lose_nothing() {
    let rx = Arc::new(loopback());
    rx.set_control_message(ControlFlags::all(), true).unwrap();
    SockRef::from(rx.get_ref())
        .set_recv_buffer_size(1 << 20)
        .unwrap();
    let to = rx.local_addr().unwrap();
    let senders: Vec<_> = (0..SENDERS).map(|_| loopback()).collect();
    let ports: Vec<u16> = senders
        .iter()
        .map(|s| s.local_addr().unwrap().port())
        .collect();
    let received: Arc<Vec<AtomicUsize>> =
        Arc::new((0..SENDERS).map(|_| AtomicUsize::new(0)).collect());
    let seen = Arc::new(Mutex::new(vec![vec![false; PER_SENDER]; SENDERS]));
    let total = Arc::new(AtomicUsize::new(0));
    let done = Arc::new(tokio::sync::Notify::new());

    let mut receivers = Vec::new();
    for _ in 0..RECEIVERS {
        let (rx, received, seen, total, done, ports) = (
            rx.clone(),
            received.clone(),
            seen.clone(),
            total.clone(),
            done.clone(),
            ports.clone(),
        );
        receivers.push(tokio::spawn(async move {
            let mut buf = [0u8; 64];
            loop {
                let d = rx.recv_from(&mut buf).await.unwrap();
                let from = ports
                    .iter()
                    .position(|&p| p == d.source.port())
                    .unwrap_or_else(|| panic!("a datagram from {}", d.source));
                assert_eq!(d.payload.len(), 8, "{d}");
                assert_eq!(usize::from(d.payload[0]), from);
                let seq = u32::from_le_bytes(d.payload[4..8].try_into().unwrap()) as usize;
                assert_eq!(d.control.dst, Some(Ipv4Addr::LOCALHOST), "{d}");
                assert_eq!(d.control.ttl, Some(64), "{d}");
                assert!(d.control.if_index.is_some(), "{d}");
                assert!(!d.is_truncated() && !d.is_control_truncated(), "{d}");
                let fresh = !std::mem::replace(&mut seen.lock().unwrap()[from][seq], true);
                assert!(fresh, "datagram {seq} of sender {from} arrived twice");
                received[from].fetch_add(1, Ordering::Release);
                if total.fetch_add(1, Ordering::AcqRel) + 1 == SENDERS * PER_SENDER {
                    done.notify_one();
                }
            }
        }));
    }
    let mut sending = Vec::new();
    for (i, tx) in senders.into_iter().enumerate() {
        let received = received.clone();
        sending.push(tokio::spawn(async move {
            let cm = ControlMessage {
                ttl: Some(64),
                ..ControlMessage::default()
            };
            for seq in 0..PER_SENDER {
                while seq - received[i].load(Ordering::Acquire) >= WINDOW {
                    tokio::task::yield_now().await;
                }
                let mut payload = [0u8; 8];
                payload[0] = i as u8;
                payload[4..].copy_from_slice(&(seq as u32).to_le_bytes());
                let cm = (seq % 2 == 0).then_some(&cm);
                assert_eq!(tx.send_to(&payload, cm, to).await.unwrap(), 8);
            }
        }));
    }
    for s in sending {
        s.await.unwrap();
    }
    tokio::time::timeout(Duration::from_secs(30), done.notified())
        .await
        .unwrap_or_else(|_| {
            panic!(
                "{} of {} arrived",
                total.load(Ordering::Relaxed),
                SENDERS * PER_SENDER
            )
        });
    for r in receivers {
        r.abort();
        let e = r.await.unwrap_err();
        assert!(e.is_cancelled(), "a receiver failed: {e}");
    }
    let per_source: Vec<usize> = received.iter().map(|r| r.load(Ordering::Relaxed)).collect();
    assert_eq!(per_source, vec![PER_SENDER; SENDERS]);
    assert!(seen.lock().unwrap().iter().flatten().all(|&s| s));
}

fn concurrency() {
    on_both(many_receivers_lose_nothing);
}

const CANCEL_N: usize = 3000;

/// A receive raced by a 200 µs timer in `select!` is dropped whenever the
/// timer wins, many times while the sender pauses between bursts: all 3,000
/// datagrams still arrive, each once.
async fn dropped_receives_lose_nothing() {
    let rx = loopback();
    rx.set_control_message(ControlFlags::TTL, true).unwrap();
    let to = rx.local_addr().unwrap();
    let tx = loopback();
    let sender = tokio::spawn(async move {
        for burst in 0..CANCEL_N / 30 {
            for i in 0..30 {
                let seq = (burst * 30 + i) as u32;
                tx.send_to(&seq.to_le_bytes(), None, to).await.unwrap();
            }
            tokio::time::sleep(Duration::from_millis(1)).await;
        }
    });
    let mut seen = vec![false; CANCEL_N];
    let (mut got, mut dropped) = (0, 0);
    let mut buf = [0u8; 16];
    let deadline = Instant::now() + Duration::from_secs(30);
    while got < CANCEL_N {
        assert!(Instant::now() < deadline, "{got} of {CANCEL_N} arrived");
        tokio::select! {
            r = rx.recv_from(&mut buf) => {
                let d = r.unwrap();
                assert_eq!(d.control.ttl, Some(64));
                let seq = u32::from_le_bytes(d.payload.try_into().unwrap()) as usize;
                assert!(!std::mem::replace(&mut seen[seq], true), "{seq} twice");
                got += 1;
            }
            () = tokio::time::sleep(Duration::from_micros(200)) => dropped += 1,
        }
    }
    sender.await.unwrap();
    assert!(dropped > 10, "only {dropped} receives were dropped");
    assert!(seen.iter().all(|&s| s));
    // Nothing left over either.
    assert!(rx.conn().recv_from(&mut buf).is_err());
}

fn cancellation() {
    on_both(dropped_receives_lose_nothing);
}

/// A task waiting in `recv_from` is aborted: it ends as cancelled, and the
/// connection hands the next datagram to the next receive.
async fn abort_ends_a_waiting_receive() {
    let rx = Arc::new(loopback());
    let waiting = Arc::new(AtomicBool::new(false));
    let task = {
        let (rx, waiting) = (rx.clone(), waiting.clone());
        tokio::spawn(async move {
            let mut buf = [0u8; 16];
            waiting.store(true, Ordering::Release);
            let _ = rx.recv_from(&mut buf).await;
            unreachable!("nothing was sent");
        })
    };
    while !waiting.load(Ordering::Acquire) {
        tokio::task::yield_now().await;
    }
    tokio::time::sleep(Duration::from_millis(20)).await;
    task.abort();
    assert!(task.await.unwrap_err().is_cancelled());
    loopback()
        .send_to(b"after", None, rx.local_addr().unwrap())
        .await
        .unwrap();
    let mut buf = [0u8; 16];
    let d = tokio::time::timeout(Duration::from_secs(5), rx.recv_from(&mut buf))
        .await
        .unwrap()
        .unwrap();
    assert_eq!(d.payload, b"after");
}

fn abort() {
    on_both(abort_ends_a_waiting_receive);
}

/// `shutdown(SHUT_RD)` on a connected socket wakes a task waiting in
/// `recv_from`: Linux answers the read with 0 bytes, which arrives as an
/// empty datagram, not a hang.
async fn shutdown_wakes_a_waiting_receive() {
    let peer = loopback();
    let rx = Arc::new(loopback());
    rx.get_ref().connect(peer.local_addr().unwrap()).unwrap();
    let task = {
        let rx = rx.clone();
        tokio::spawn(async move {
            let mut buf = [0u8; 16];
            rx.recv_from(&mut buf).await.map(|d| d.payload.len())
        })
    };
    tokio::time::sleep(Duration::from_millis(20)).await;
    SockRef::from(rx.get_ref())
        .shutdown(Shutdown::Read)
        .unwrap();
    let n = tokio::time::timeout(Duration::from_secs(5), task)
        .await
        .expect("the waiting receive did not end")
        .unwrap()
        .unwrap();
    assert_eq!(n, 0);
}

fn shutdown() {
    on_both(shutdown_wakes_a_waiting_receive);
}

/// Dropping the runtime while a task waits in `recv_from` drops the task
/// and the connection with it: the socket is closed (its port binds again)
/// and nothing panics.
fn runtime_drop_ends_a_waiting_receive() {
    for rt in [current_thread(), multi_thread()] {
        let (weak, addr) = rt.block_on(async {
            let rx = Arc::new(loopback());
            let addr = rx.local_addr().unwrap();
            let weak = Arc::downgrade(&rx);
            tokio::spawn(async move {
                let mut buf = [0u8; 16];
                let _ = rx.recv_from(&mut buf).await;
            });
            tokio::task::yield_now().await;
            (weak, addr)
        });
        drop(rt);
        assert!(
            weak.upgrade().is_none(),
            "the connection outlived its runtime"
        );
        UdpSocket::bind(addr).expect("the socket was not closed");
    }
}

/// The options are the blocking wrappers' traits, read back from the
/// kernel through another handle; the constructors check the socket as
/// `PacketConn::new` does; `into_inner` gives back the socket, made
/// non-blocking.
fn options_and_constructors() {
    current_thread().block_on(async {
        let conn = loopback();
        conn.set_ttl(9).unwrap();
        conn.set_tos(0x28).unwrap();
        conn.set_multicast_ttl(3).unwrap();
        conn.set_control_message(ControlFlags::TTL | ControlFlags::DST, true)
            .unwrap();
        let sock = SockRef::from(conn.get_ref());
        assert_eq!(sock.ttl_v4().unwrap(), 9);
        assert_eq!(sock.tos_v4().unwrap(), 0x28);
        assert_eq!(sock.multicast_ttl_v4().unwrap(), 3);
        assert_eq!(conn.control_flags(), ControlFlags::TTL | ControlFlags::DST);
        // A wrapper made from a configured PacketConn keeps its flags.
        let blocking = PacketConn::new(UdpSocket::bind("127.0.0.1:0").unwrap()).unwrap();
        blocking
            .set_control_message(ControlFlags::TOS, true)
            .unwrap();
        let from_conn = AsyncPacketConn::from_conn(blocking).unwrap();
        assert_eq!(from_conn.control_flags(), ControlFlags::TOS);

        let tcp = TcpListener::bind("127.0.0.1:0").unwrap();
        let e = AsyncPacketConn::new(tcp).unwrap_err();
        assert_eq!(e.kind(), std::io::ErrorKind::InvalidInput, "{e}");
        if let Ok(v6) = UdpSocket::bind("[::1]:0") {
            let e = AsyncPacketConn::new(v6).unwrap_err();
            assert_eq!(e.kind(), std::io::ErrorKind::InvalidInput, "{e}");
        }

        let socket = conn.into_inner();
        let mut buf = [0u8; 4];
        let e = socket.recv_from(&mut buf).unwrap_err();
        assert_eq!(e.kind(), std::io::ErrorKind::WouldBlock);

        // From a tokio socket and back.
        let t = tokio::net::UdpSocket::bind("127.0.0.1:0").await.unwrap();
        let addr = t.local_addr().unwrap();
        let conn = AsyncPacketConn::try_from(t).unwrap();
        assert_eq!(std::net::SocketAddr::V4(conn.local_addr().unwrap()), addr);
        let t = conn.into_tokio().unwrap();
        assert_eq!(t.local_addr().unwrap(), addr);
    });
}

/// `poll_recv_from`, `poll_send_to` and the batches: a `send_batch` of
/// 1,000 messages with per-message TTLs, drained by `recv_batch` of 32.
fn poll_forms_and_batches() {
    on_both(|| async {
        let rx = loopback();
        rx.set_control_message(ControlFlags::TTL, true).unwrap();
        let to = rx.local_addr().unwrap();
        let tx = loopback();
        let n = poll_fn(|cx| tx.poll_send_to(cx, b"polled", None, to))
            .await
            .unwrap();
        assert_eq!(n, 6);
        let mut buf = [0u8; 16];
        let len = poll_fn(|cx| rx.poll_recv_from(cx, &mut buf).map_ok(|d| d.payload.len()))
            .await
            .unwrap();
        assert_eq!(&buf[..len], b"polled");

        let payloads: Vec<[u8; 4]> = (0..1000u32).map(|i| i.to_le_bytes()).collect();
        let msgs: Vec<SendMessage<'_>> = payloads
            .iter()
            .enumerate()
            .map(|(i, p)| {
                SendMessage::new(p, Some(to)).with_control(ControlMessage {
                    ttl: Some(1 + (i % 200) as u8),
                    ..ControlMessage::default()
                })
            })
            .collect();
        let mut scratch = SendBatch::new();
        let mut batch = RecvBatch::new(vec![[0u8; 16]; 32]);
        let mut next = 0u32;
        // Send in chunks the default receive buffer holds, draining between.
        for chunk in msgs.chunks(100) {
            assert_eq!(tx.send_batch(&mut scratch, chunk).await.unwrap(), 100);
            let mut got = 0;
            while got < 100 {
                let n = rx.recv_batch(&mut batch).await.unwrap();
                assert!(n >= 1);
                for d in &batch {
                    assert_eq!(d.payload, next.to_le_bytes());
                    assert_eq!(d.control.ttl, Some(1 + (next % 200) as u8));
                    next += 1;
                }
                got += n;
            }
        }
        assert_eq!(next, 1000);
        let e = tx.send_batch(&mut scratch, &[]).await.unwrap_err();
        assert_eq!((e.sent, e.kind()), (0, std::io::ErrorKind::InvalidInput));
    });
}

/// The same wrapper shared by reference in the same task: a receive and a
/// send on one connection, each waiting on its own readiness.
fn echo_on_one_connection() {
    on_both(|| async {
        let server = Arc::new(loopback());
        server
            .set_control_message(ControlFlags::DST | ControlFlags::INTERFACE, true)
            .unwrap();
        let addr = server.local_addr().unwrap();
        let echo = {
            let server = server.clone();
            tokio::spawn(async move {
                let mut buf = [0u8; 64];
                for _ in 0..100 {
                    let d = server.recv_from(&mut buf).await.unwrap();
                    let reply = ControlMessage {
                        src: d.control.dst,
                        if_index: d.control.if_index,
                        ..ControlMessage::default()
                    };
                    let (payload, source) = (d.payload.to_vec(), d.source);
                    server
                        .send_to(&payload, Some(&reply), source)
                        .await
                        .unwrap();
                }
            })
        };
        let client = loopback();
        let mut buf = [0u8; 64];
        for i in 0..100u32 {
            client.send_to(&i.to_le_bytes(), None, addr).await.unwrap();
            let d = client.recv_from(&mut buf).await.unwrap();
            assert_eq!((d.payload, d.source), (&i.to_le_bytes()[..], addr));
        }
        echo.await.unwrap();
    });
}

/// `recv_error` on loopback, against the kernel's own ICMP: a datagram to
/// a closed port draws a port unreachable (RFC 1122 3.2.2.1) from
/// 127.0.0.1, which wakes a task waiting in `recv_error` (Linux queues it
/// with `IP_RECVERR` on); an ordinary datagram queued before it stays
/// queued for `recv_from`, and `recv_error` dropped by `select!` while it
/// waits reads nothing.
async fn recv_error_waits_for_the_error_queue_only() {
    let conn = Arc::new(loopback());
    conn.set_recv_errors(true).unwrap();
    let peer = UdpSocket::bind((Ipv4Addr::LOCALHOST, 0)).unwrap();
    let closed = match UdpSocket::bind((Ipv4Addr::LOCALHOST, 0))
        .unwrap()
        .local_addr()
        .unwrap()
    {
        std::net::SocketAddr::V4(a) => a,
        std::net::SocketAddr::V6(_) => unreachable!(),
    }; // the socket is dropped: the port is closed
    peer.send_to(b"data", conn.local_addr().unwrap()).unwrap();

    // The socket is readable, but its error queue is empty: `recv_error`
    // waits (and, dropped, has taken nothing).
    let mut ebuf = [0u8; 512];
    tokio::select! {
        biased;
        r = conn.recv_error(&mut ebuf) => panic!("recv_error answered {r:?} with an empty queue"),
        () = tokio::time::sleep(Duration::from_millis(50)) => {}
    }

    let waiter = tokio::spawn({
        let conn = Arc::clone(&conn);
        async move {
            let mut buf = [0u8; 512];
            let e = conn.recv_error(&mut buf).await.unwrap();
            (
                e.origin,
                e.error().kind(),
                e.icmp.map(|c| c.to_string()),
                e.offender,
                e.destination,
                e.payload.to_vec(),
                e.flags.bits() & libc::MSG_ERRQUEUE != 0,
            )
        }
    });
    tokio::time::sleep(Duration::from_millis(20)).await; // let it wait
    conn.send_to(b"anyone?", None, closed).await.unwrap();
    let got = tokio::time::timeout(Duration::from_secs(10), waiter)
        .await
        .expect("recv_error did not wake")
        .unwrap();
    assert_eq!(
        got,
        (
            ipv4_std::errqueue::Origin::ICMP,
            std::io::ErrorKind::ConnectionRefused,
            Some("port unreachable".to_string()),
            Some(Ipv4Addr::LOCALHOST),
            closed,
            b"anyone?".to_vec(),
            true,
        )
    );
    // Nothing else queued there; the ordinary datagram is still there.
    assert!(conn.conn().recv_error(&mut ebuf).unwrap().is_none());
    let mut buf = [0u8; 64];
    let d = conn.recv_from(&mut buf).await.unwrap();
    assert_eq!(d.payload, b"data");
    assert_eq!(
        std::net::SocketAddr::V4(d.source),
        peer.local_addr().unwrap()
    );
}

fn error_queue() {
    on_both(recv_error_waits_for_the_error_queue_only);
}

/// A UDP datagram above the protocol's 65,507 bytes: the kernel answers
/// `EMSGSIZE`, and the async `send_to` reports it as the blocking one
/// does, an `InvalidInput` error holding a `MessageTooLarge`.
async fn send_to_reports_message_too_large() {
    let conn = loopback();
    let to = conn.local_addr().unwrap();
    let big = vec![0u8; 70_000];
    let blocking = conn.conn().send_to(&big, None, to).unwrap_err();
    let e = conn.send_to(&big, None, to).await.unwrap_err();
    assert_eq!(e.kind(), std::io::ErrorKind::InvalidInput);
    let too_large = e
        .get_ref()
        .and_then(|e| e.downcast_ref::<MessageTooLarge>())
        .expect("a MessageTooLarge");
    assert_eq!(
        (too_large.len(), too_large.destination()),
        (70_000, Some(to))
    );
    assert_eq!(e.to_string(), blocking.to_string());
    let mut b = [0u8; 1];
    assert!(conn.conn().recv_from(&mut b).is_err(), "nothing was sent");
}

fn message_too_large() {
    on_both(send_to_reports_message_too_large);
}

/// `AsyncRawConn::recv_error` (root): a header-included UDP datagram to a
/// closed port on loopback draws the kernel's port unreachable, queued on
/// the raw socket (`IP_RECVERR`) with the whole quoted datagram, IPv4
/// header first; the waiting `recv_error` wakes with it, and the raw
/// socket's own copy of the probe is still there for `recv`.
async fn raw_recv_error_wakes_with_the_quoted_datagram() {
    use ipv4_std::bpf::{Instruction, op};
    use ipv4_std::ipv4_core::header::{Header, HeaderView, Protocol};
    let raw = socket2::Socket::new(
        socket2::Domain::IPV4,
        socket2::Type::RAW,
        Some(socket2::Protocol::UDP),
    )
    .unwrap();
    let conn = Arc::new(AsyncRawConn::new(raw).unwrap());
    conn.set_recv_errors(true).unwrap();
    // A raw UDP socket gets a copy of every UDP datagram on the host, and
    // its error queue shares the receive buffer: keep only the probe's
    // copy (source port 40,017 after a 20-byte header), lest other tests'
    // traffic fill the buffer and the kernel drop the error.
    conn.set_bpf(&[
        Instruction::load_absolute(op::H, 20),
        Instruction::jump(op::JEQ, 40_017, 0, 1),
        Instruction::ret(65_535),
        Instruction::ret(0),
    ])
    .unwrap();
    let closed = UdpSocket::bind((Ipv4Addr::LOCALHOST, 0))
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let mut probe = Vec::new();
    probe.extend_from_slice(&40_017u16.to_be_bytes());
    probe.extend_from_slice(&closed.to_be_bytes());
    probe.extend_from_slice(&[0, 8 + 9, 0, 0]); // length; checksum 0: none
    probe.extend_from_slice(b"raw probe");
    // A raw UDP socket also gets the errors of other UDP datagrams on
    // loopback (other tests, other programs): the waiter skips those.
    let waiter = tokio::spawn({
        let conn = Arc::clone(&conn);
        let probe = probe.clone();
        async move {
            let mut buf = [0u8; 512];
            loop {
                let e = conn.recv_error(&mut buf).await.unwrap();
                if HeaderView::new_lax(e.payload).is_ok_and(|h| h.payload() == &probe[..]) {
                    break (
                        e.icmp.map(|c| c.to_string()),
                        e.offender,
                        e.payload.to_vec(),
                    );
                }
            }
        }
    });
    tokio::time::sleep(Duration::from_millis(20)).await; // let it wait
    let header = Header::new(Ipv4Addr::LOCALHOST, Ipv4Addr::LOCALHOST, Protocol::UDP);
    conn.send(&header, &probe, None).await.unwrap();
    let (icmp, offender, quoted) = tokio::time::timeout(Duration::from_secs(10), waiter)
        .await
        .expect("recv_error did not wake")
        .unwrap();
    assert_eq!(
        (icmp.as_deref(), offender),
        (Some("port unreachable"), Some(Ipv4Addr::LOCALHOST))
    );
    let quoted = HeaderView::new_lax(&quoted[..]).expect("the quoted header parses");
    assert_eq!(quoted.protocol(), Protocol::UDP);
    assert_eq!(quoted.payload(), &probe[..]);
    // The raw socket's copy of its own probe was not taken by recv_error.
    let mut buf = [0u8; 1500];
    let deadline = Instant::now() + Duration::from_secs(5);
    loop {
        assert!(Instant::now() < deadline, "the probe's copy is gone");
        let d = conn.recv(&mut buf).await.unwrap();
        if d.payload == &probe[..] {
            break;
        }
    }
}

fn raw_error_queue() {
    on_both(raw_recv_error_wakes_with_the_quoted_datagram);
}

fn main() {
    use harness::{plain, root};
    harness::run([
        plain(concurrency),
        plain(cancellation),
        plain(abort),
        plain(shutdown),
        plain(runtime_drop_ends_a_waiting_receive),
        plain(options_and_constructors),
        plain(poll_forms_and_batches),
        plain(echo_on_one_connection),
        plain(error_queue),
        plain(message_too_large),
        root(raw_error_queue),
    ]);
}
