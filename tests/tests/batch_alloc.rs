//! Zero allocations per received (and sent) datagram in steady state,
//! counted by a global allocator: `recv_batch` with every control message
//! on (reading each message, control message decoded), `recv_from` with
//! every control message on, and `send_batch` with per-message control
//! messages, once their batches are warm.
//!
//! A `#[global_allocator]` is per binary, hence this file of its own. Only
//! allocations of the measuring thread are counted, so the test harness's
//! own threads do not disturb the count.

use ipv4_std::prelude::*;
use std::net::{Ipv4Addr, SocketAddr, SocketAddrV4, UdpSocket};
use std::time::Duration;

use ipv4_std::batch::{RecvBatch, SendBatch, SendMessage};
use ipv4_std::{ControlFlags, ControlMessage, PacketConn};
use ipv4_tests::alloc_count::{CountingAllocator, allocations};

#[global_allocator]
static ALLOCATOR: CountingAllocator = CountingAllocator;

const ROUNDS: usize = 200;
const BATCH: usize = 32;

fn conn() -> (PacketConn<UdpSocket>, SocketAddrV4) {
    let s = UdpSocket::bind((Ipv4Addr::LOCALHOST, 0)).unwrap();
    s.set_read_timeout(Some(Duration::from_secs(5))).unwrap();
    let SocketAddr::V4(addr) = s.local_addr().unwrap() else {
        unreachable!()
    };
    (PacketConn::new(s).unwrap(), addr)
}

#[test]
fn steady_state_batch_and_single_calls_allocate_nothing() {
    let (rx, to) = conn();
    rx.set_control_message(ControlFlags::all(), true).unwrap();
    let (tx, _) = conn();
    let payload = [0x5a; 64];
    let cm = ControlMessage {
        ttl: Some(9),
        tos: Some(0x20),
        src: Some(Ipv4Addr::LOCALHOST),
        if_index: Some(1),
        ..ControlMessage::default()
    };
    let msgs = [SendMessage::new(&payload, Some(to)).with_control(cm); BATCH];
    let mut out = SendBatch::new();
    let mut batch = RecvBatch::new(vec![[0u8; 1500]; BATCH]);
    let mut single = [0u8; 1500];

    // Warm-up: the send scratch grows to BATCH once; the first calls may
    // touch lazily initialised runtime state.
    tx.send_batch(&mut out, &msgs).unwrap();
    let mut left = BATCH;
    while left > 0 {
        left -= rx.recv_batch(&mut batch).unwrap();
    }
    tx.send_to(&payload, Some(&cm), to).unwrap();
    rx.recv_from(&mut single).unwrap();

    let mut received = 0;
    let mut ttl_sum = 0usize;
    let n = allocations(|| {
        for _ in 0..ROUNDS {
            assert_eq!(tx.send_batch(&mut out, &msgs).unwrap(), BATCH);
            let mut left = BATCH;
            while left > 0 {
                let got = rx.recv_batch(&mut batch).unwrap();
                for m in &batch {
                    ttl_sum += usize::from(m.control.ttl.unwrap());
                    assert_eq!(m.payload.len(), payload.len());
                }
                left -= got;
                received += got;
            }
            tx.send_to(&payload, Some(&cm), to).unwrap();
            let datagram = rx.recv_from(&mut single).unwrap();
            let len = datagram.payload.len();
            let cm = datagram.control;
            assert_eq!((len, cm.ttl), (payload.len(), Some(9)));
            received += 1;
        }
    });
    assert_eq!(received, ROUNDS * (BATCH + 1));
    assert_eq!(ttl_sum, ROUNDS * BATCH * 9);
    assert_eq!(
        n, 0,
        "{n} allocations for {received} datagrams received and as many sent"
    );

    // The counter works: a Vec allocates.
    assert_eq!(allocations(|| drop(std::hint::black_box(vec![1u8]))), 1);
}
