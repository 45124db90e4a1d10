//! Zero allocations per datagram in steady state for the tokio wrappers,
//! counted by a global allocator as in `batch_alloc.rs`: on a
//! current-thread runtime (every poll on this thread), 200 rounds of
//! `send_to` and `recv_from` with every control message, and of
//! `send_batch`/`recv_batch` of 32, once warm.
//!
//! A `#[global_allocator]` is per binary, hence this file of its own. Only
//! allocations of the measuring thread are counted.

use std::net::{Ipv4Addr, UdpSocket};

use ipv4_std::batch::{RecvBatch, SendBatch, SendMessage};
use ipv4_std::prelude::*;
use ipv4_std::tokio::AsyncPacketConn;
use ipv4_tests::alloc_count::{CountingAllocator, start_counting, stop_counting};

#[path = "../../std-adapter/examples/common/harness.rs"]
mod harness;

#[global_allocator]
static ALLOCATOR: CountingAllocator = CountingAllocator;

const ROUNDS: usize = 200;
const BATCH: usize = 32;
const WARM_UP: usize = 100;

/// One round: a `send_to`/`recv_from` pair, then a batch of 32 both ways.
/// Returns the payload bytes received.
async fn one_round(
    tx: &AsyncPacketConn<UdpSocket>,
    rx: &AsyncPacketConn<UdpSocket>,
    out: &mut SendBatch,
    batch: &mut RecvBatch<[u8; 1500]>,
    single: &mut [u8; 1500],
    msgs: &[SendMessage<'_>],
) -> usize {
    let to = rx.local_addr().unwrap();
    let cm = ControlMessage {
        ttl: Some(9),
        ..ControlMessage::default()
    };
    let mut sum = 0;
    tx.send_to(&[0x5a; 64], Some(&cm), to).await.unwrap();
    let d = rx.recv_from(single).await.unwrap();
    assert_eq!(d.control.ttl, Some(9));
    sum += d.payload.len();
    assert_eq!(tx.send_batch(out, msgs).await.unwrap(), BATCH);
    let mut left = BATCH;
    while left > 0 {
        left -= rx.recv_batch(batch).await.unwrap();
        for m in &*batch {
            assert_eq!(m.control.tos, Some(0x20));
            sum += m.payload.len();
        }
    }
    sum
}

fn async_calls_allocate_nothing_per_datagram() {
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    let n = rt.block_on(async {
        let rx = AsyncPacketConn::new(UdpSocket::bind((Ipv4Addr::LOCALHOST, 0)).unwrap()).unwrap();
        rx.set_control_message(ControlFlags::all(), true).unwrap();
        let to = rx.local_addr().unwrap();
        let tx = AsyncPacketConn::new(UdpSocket::bind((Ipv4Addr::LOCALHOST, 0)).unwrap()).unwrap();
        let payload = [0x5a; 64];
        let cm = ControlMessage {
            ttl: Some(9),
            tos: Some(0x20),
            ..ControlMessage::default()
        };
        let msgs = [SendMessage::new(&payload, Some(to)).with_control(cm); BATCH];
        let mut out = SendBatch::new();
        let mut batch = RecvBatch::new(vec![[0u8; 1500]; BATCH]);
        let mut single = [0u8; 1500];
        let mut sum = 0usize;
        let mut round = async || {
            sum += one_round(&tx, &rx, &mut out, &mut batch, &mut single, &msgs).await;
        };
        // Warm-up: the send scratch grows once, and so does tokio's list of
        // deferred wakers (64 bytes) the first time this task uses up its
        // cooperative budget, about 64 rounds in: state of the runtime,
        // allocated once, not per datagram.
        for _ in 0..WARM_UP {
            round().await;
        }
        start_counting();
        for _ in 0..ROUNDS {
            round().await;
        }
        let n = stop_counting();
        assert_eq!(sum, (WARM_UP + ROUNDS) * (BATCH + 1) * 64);
        n
    });
    assert_eq!(
        n,
        0,
        "{n} allocations in {ROUNDS} rounds of {} datagrams",
        BATCH + 1
    );
}

fn main() {
    use harness::plain;
    harness::run([plain(async_calls_allocate_nothing_per_datagram)]);
}
