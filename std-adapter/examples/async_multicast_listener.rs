//! An async multicast listener (feature `tokio`): an `AsyncPacketConn`
//! joins two groups and prints each datagram with its control message
//! (destination, interface, TTL) as it arrives, on tokio's current-thread
//! runtime.
//!
//! ```sh
//! cargo build --release -p ipv4-std --features tokio --example async_multicast_listener
//! sudo target/release/examples/async_multicast_listener
//! ```
//!
//! The listener and a sender live in two network namespaces this example
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

use ipv4_std::prelude::*;
use ipv4_std::tokio::AsyncPacketConn;
use std::error::Error;
use std::net::{Ipv4Addr, SocketAddrV4, UdpSocket};
#[cfg(not(test))]
use std::process::ExitCode;
use std::time::Duration;

use common::Netns;

const GROUPS: [Ipv4Addr; 2] = [Ipv4Addr::new(224, 0, 0, 250), Ipv4Addr::new(239, 1, 2, 3)];
const NOT_JOINED: Ipv4Addr = Ipv4Addr::new(239, 1, 2, 4);
const PORT: u16 = 1024;
const LISTENER: Ipv4Addr = Ipv4Addr::new(198, 51, 100, 1);
const SENDER: Ipv4Addr = Ipv4Addr::new(198, 51, 100, 2);
/// The listener stops after this long without a datagram.
const QUIET: Duration = Duration::from_millis(500);

#[cfg(not(test))]
const ABOUT: &str = "Creates a listener and a sender in two private network namespaces. The \
listener joins two groups and, on a tokio runtime, prints each datagram with its control \
message (destination, interface, TTL); the sender sends to both groups and to a third one \
nobody joined. The namespaces are removed on exit.";

#[cfg(not(test))]
fn main() -> ExitCode {
    common::no_args(&common::usage("async_multicast_listener", "", ABOUT, true));
    common::catch_interrupt();
    common::finish("async_multicast_listener", run().map(drop))
}

/// Returns the destination of each datagram the listener received.
fn run() -> Result<Vec<Ipv4Addr>, Box<dyn Error>> {
    common::require_namespaces("async_multicast_listener")?;
    let listener_ns = Netns::new("alistener")?;
    let sender_ns = Netns::new("asender")?;
    let (l_if, s_if) = common::link(
        (&listener_ns, "veth-l", LISTENER),
        (&sender_ns, "veth-s", SENDER),
        24,
    )?;
    // Sockets belong to the namespace they were opened in, whichever
    // thread then uses them.
    let listener = listener_ns.run(|| UdpSocket::bind((Ipv4Addr::UNSPECIFIED, PORT)))?;
    let sender = sender_ns.run(|| UdpSocket::bind((SENDER, 0)))?;

    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()?;
    rt.block_on(async {
        let listener = AsyncPacketConn::new(listener)?;
        for group in GROUPS {
            listener.join_group(l_if, group)?;
        }
        listener.set_control_message(
            ControlFlags::DST | ControlFlags::INTERFACE | ControlFlags::TTL,
            true,
        )?;
        println!(
            "The listener joined {} and {} on interface {l_if}.",
            GROUPS[0], GROUPS[1]
        );

        let sender = AsyncPacketConn::new(sender)?;
        sender.set_multicast_interface(MulticastInterface::Index(s_if))?;
        sender.set_multicast_ttl(2)?;
        // The sender runs as a task of its own while the listener waits.
        let sending = tokio::spawn(async move {
            for (i, to) in [GROUPS[0], NOT_JOINED, GROUPS[1], GROUPS[0]]
                .into_iter()
                .enumerate()
            {
                let text = format!("datagram {i} to {to}");
                sender
                    .send_to(text.as_bytes(), None, SocketAddrV4::new(to, PORT))
                    .await?;
                tokio::time::sleep(Duration::from_millis(20)).await;
            }
            std::io::Result::Ok(())
        });

        let mut destinations = Vec::new();
        let mut buf = [0u8; 1500];
        loop {
            common::stop_if_interrupted()?;
            let d = match tokio::time::timeout(QUIET, listener.recv_from(&mut buf)).await {
                Ok(received) => received?,
                Err(_) => break,
            };
            println!(
                "{:?} from {}: {}",
                String::from_utf8_lossy(d.payload),
                d.source,
                d.control
            );
            destinations.extend(d.control.dst);
        }
        sending.await??;
        println!("Nothing more for {QUIET:?}; nothing came for {NOT_JOINED}, which nobody joined.");
        for group in GROUPS {
            listener.leave_group(l_if, group)?;
        }
        Ok(destinations)
    })
}

#[cfg(test)]
use tests::main;

#[cfg(test)]
mod tests {
    /// The datagrams to the two joined groups arrive, in order, with their
    /// destinations; the one to the third group does not.
    fn runs() {
        let destinations = super::run().unwrap();
        let [a, b] = super::GROUPS;
        assert_eq!(destinations, [a, b, a]);
    }

    /// Built as a test (`harness = false` in Cargo.toml): runs the test
    /// above, or reports it as ignored, with the reason, when not root.
    pub(super) fn main() {
        use super::common::harness::{self, kernel};
        harness::run([kernel(runs)]);
    }
}
}
