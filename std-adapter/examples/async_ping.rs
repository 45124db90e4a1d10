//! An async ping (feature `tokio`): an `AsyncRawConn` on a raw ICMP
//! socket sends echo requests with a header of its own (TTL 32) from one
//! task and prints each echo reply, with its header's TTL and the round
//! trip time, from another, on tokio's current-thread runtime.
//!
//! ```sh
//! cargo build --release -p ipv4-std --features tokio --example async_ping
//! sudo target/release/examples/async_ping [count]
//! ```
//!
//! The pinger and its target live in two network namespaces this example
//! creates (joined by a veth link) and removes on exit; it needs root.

// The example works inside network namespaces (`common`), which only
// Linux has: elsewhere it is a stub that says so, and the code below is
// left out (the macro keeps it unindented).
#[cfg(not(any(target_os = "linux", target_os = "android")))]
fn main() {
    eprintln!("this example runs on Linux only");
}

#[cfg(any(target_os = "linux", target_os = "android"))]
macro_rules! linux_only {
    ($($item:item)*) => { $($item)* };
}

#[cfg(any(target_os = "linux", target_os = "android"))]
linux_only! {
mod common;

use ipv4_std::ipv4_core::checksum;
use ipv4_std::ipv4_core::header::{Header, Protocol};
use ipv4_std::prelude::*;
use ipv4_std::tokio::AsyncRawConn;
use std::error::Error;
use std::net::Ipv4Addr;
#[cfg(not(test))]
use std::process::ExitCode;
use std::time::{Duration, Instant};

use common::Netns;
use socket2::{Domain, Socket, Type};

const PINGER: Ipv4Addr = Ipv4Addr::new(198, 51, 100, 1);
const TARGET: Ipv4Addr = Ipv4Addr::new(198, 51, 100, 2);
const INTERVAL: Duration = Duration::from_millis(100);
const ID: u16 = 0x4a17;

#[cfg(not(test))]
const ABOUT: &str = "Creates a pinger and a target in two private network namespaces and \
pings the target `count` times (default 3) through a raw ICMP socket on a tokio runtime, \
printing each reply with its TTL and round trip time. The namespaces are removed on exit.";

#[cfg(not(test))]
fn main() -> ExitCode {
    let usage = common::usage("async_ping", "[count]", ABOUT, true);
    let count = match common::args(&usage).first() {
        None => 3,
        Some(c) => c.parse::<u16>().unwrap_or_else(|_| {
            common::bad_usage(&format!("{c:?} is not a count"), &usage);
        }),
    };
    common::catch_interrupt();
    common::finish("async_ping", ping(count).map(drop))
}

/// An echo request (RFC 792) of `seq`, with its checksum.
fn echo_request(seq: u16) -> [u8; 8] {
    let mut m = [8, 0, 0, 0, 0, 0, 0, 0];
    m[4..6].copy_from_slice(&ID.to_be_bytes());
    m[6..8].copy_from_slice(&seq.to_be_bytes());
    let sum = checksum::checksum(&m);
    m[2..4].copy_from_slice(&sum.to_be_bytes());
    m
}

/// Pings the target `count` times; returns the sequence numbers answered.
fn ping(count: u16) -> Result<Vec<u16>, Box<dyn Error>> {
    common::require_namespaces("async_ping")?;
    let pinger = Netns::new("apinger")?;
    let target = Netns::new("atarget")?;
    common::link((&pinger, "veth-p", PINGER), (&target, "veth-t", TARGET), 24)?;
    let socket =
        pinger.run(|| Socket::new(Domain::IPV4, Type::RAW, Some(socket2::Protocol::ICMPV4)))?;

    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()?;
    rt.block_on(async {
        let conn = std::sync::Arc::new(AsyncRawConn::new(socket)?);
        // Only echo replies reach the socket, not our own requests.
        let mut filter = IcmpFilter::block_all();
        filter.accept(IcmpType::ECHO_REPLY)?;
        conn.set_icmp_filter(filter)?;
        let start = Instant::now();
        let sender = {
            let conn = conn.clone();
            tokio::spawn(async move {
                let header = Header::new(PINGER, TARGET, Protocol::ICMP).with_ttl(32);
                for seq in 1..=count {
                    conn.send(&header, &echo_request(seq), None).await?;
                    tokio::time::sleep(INTERVAL).await;
                }
                std::io::Result::Ok(())
            })
        };
        println!("PING {TARGET} from {PINGER}: {count} echo requests, TTL 32.");
        let mut answered = Vec::new();
        let mut buf = [0u8; 1500];
        while answered.len() < usize::from(count) {
            common::stop_if_interrupted()?;
            let wait = INTERVAL * u32::from(count) + Duration::from_secs(1);
            let d = match tokio::time::timeout(wait, conn.recv(&mut buf)).await {
                Ok(received) => received?,
                Err(_) => break,
            };
            let (Some(h), [0, 0, _, _, id0, id1, s0, s1, ..]) = (d.header, d.payload) else {
                continue;
            };
            if u16::from_be_bytes([*id0, *id1]) != ID {
                continue;
            }
            let seq = u16::from_be_bytes([*s0, *s1]);
            println!(
                "{} bytes from {}: icmp_seq={seq} ttl={} after {:?}",
                d.payload.len(),
                h.source(),
                h.ttl(),
                start.elapsed() - INTERVAL * u32::from(seq - 1)
            );
            answered.push(seq);
        }
        sender.await??;
        println!("{} of {count} answered.", answered.len());
        Ok(answered)
    })
}

#[cfg(test)]
use tests::main;

#[cfg(test)]
mod tests {
    /// Every request is answered, in order.
    fn pings_across_namespaces() {
        assert_eq!(super::ping(3).unwrap(), [1, 2, 3]);
    }

    /// Built as a test (`harness = false` in Cargo.toml): runs the test
    /// above, or reports it as ignored, with the reason, when not root.
    pub(super) fn main() {
        use super::common::harness::{self, kernel};
        harness::run([kernel(pings_across_namespaces)]);
    }
}
}
