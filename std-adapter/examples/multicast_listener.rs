//! A multicast listener with control messages, as in the multicast section
//! of Go's package documentation: join a group on an interface, learn from
//! each datagram's control message where it was sent to and on which
//! interface it came in, answer the sender, and send to the group.
//!
//! ```sh
//! cargo build --release -p ipv4-std --example multicast_listener
//! sudo target/release/examples/multicast_listener
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
use std::error::Error;
use std::io;
use std::net::{Ipv4Addr, SocketAddrV4, UdpSocket};
#[cfg(not(test))]
use std::process::ExitCode;
use std::time::Duration;

use common::Netns;
use ipv4_std::{ControlFlags, MulticastInterface, PacketConn};

const GROUP: Ipv4Addr = Ipv4Addr::new(224, 0, 0, 250);
const OTHER_GROUP: Ipv4Addr = Ipv4Addr::new(224, 0, 0, 251);
const PORT: u16 = 1024;
const LISTENER: Ipv4Addr = Ipv4Addr::new(198, 51, 100, 1);
const SENDER: Ipv4Addr = Ipv4Addr::new(198, 51, 100, 2);
const WAIT: Duration = Duration::from_secs(2);

#[cfg(not(test))]
const ABOUT: &str = "Creates a listener and a sender in two private network namespaces. The \
listener joins a group and prints, from each datagram's control message, where it was sent \
to and on which interface it came in; it answers each sender. The namespaces are removed on \
exit (Ctrl-C included).";

#[cfg(not(test))]
fn main() -> ExitCode {
    common::no_args(&common::usage("multicast_listener", "", ABOUT, true));
    common::catch_interrupt();
    common::finish("multicast_listener", run().map(drop))
}

fn udp(addr: (Ipv4Addr, u16)) -> io::Result<PacketConn<UdpSocket>> {
    let s = UdpSocket::bind(addr)?;
    s.set_read_timeout(Some(WAIT))?;
    PacketConn::new(s)
}

/// Returns the destinations of the datagrams the listener received.
fn run() -> Result<Vec<Ipv4Addr>, Box<dyn Error>> {
    common::require_namespaces("multicast_listener")?;
    let mut destinations = Vec::new();
    let listener_ns = Netns::new("listener")?;
    let sender_ns = Netns::new("sender")?;
    let (l_if, s_if) = common::link(
        (&listener_ns, "veth-l", LISTENER),
        (&sender_ns, "veth-s", SENDER),
        24,
    )?;
    println!("Created a listener namespace ({LISTENER}) and a sender namespace ({SENDER}).");

    // The listener: any address, port 1024; the group joined on veth-l.
    let listener = listener_ns.run(|| udp((Ipv4Addr::UNSPECIFIED, PORT)))?;
    listener.join_group(l_if, GROUP)?;
    listener.set_control_message(
        ControlFlags::DST | ControlFlags::INTERFACE | ControlFlags::TTL,
        true,
    )?;
    println!(
        "The listener joined {GROUP} on interface {l_if} and asked for destination, interface and TTL of each datagram."
    );

    let sender = sender_ns.run(|| udp((SENDER, 0)))?;
    sender.set_multicast_interface(MulticastInterface::Index(s_if))?;
    sender.set_multicast_ttl(2)?;
    for (what, to) in [
        ("the joined group", GROUP),
        ("a group nobody joined", OTHER_GROUP),
        ("the listener's unicast address", LISTENER),
    ] {
        sender.send_to(what.as_bytes(), None, SocketAddrV4::new(to, PORT))?;
    }
    println!("The sender sent one datagram each to {GROUP}, {OTHER_GROUP} and {LISTENER}.");

    let mut buf = [0u8; 1500];
    for _ in 0..3 {
        common::stop_if_interrupted()?;
        let (n, cm, src) = match listener.recv_from(&mut buf) {
            Ok(d) => (d.payload.len(), d.control, d.source),
            Err(e) if e.kind() == io::ErrorKind::WouldBlock => {
                println!(
                    "Nothing more arrived within {WAIT:?}: the datagram to {OTHER_GROUP} never reached the listener's host."
                );
                break;
            }
            Err(e) => return Err(e.into()),
        };
        let text = String::from_utf8_lossy(&buf[..n]);
        destinations.extend(cm.dst);
        match cm.dst {
            Some(dst) if dst == GROUP => {
                println!("Received {text:?} from {src} for our group ({cm}).")
            }
            Some(dst) if dst.is_multicast() => {
                println!("Received {text:?} for {dst}, a group we did not join; skipping it.");
                continue;
            }
            _ => println!("Received {text:?} from {src} by unicast ({cm})."),
        }
        // Answer by unicast, with our own TOS and TTL.
        listener.set_tos(0)?;
        listener.set_ttl(16)?;
        listener.send_to(&buf[..n], None, src)?;
    }
    for _ in 0..2 {
        match sender.recv_from(&mut buf) {
            Ok(d) => println!(
                "The sender got the answer {:?} from {}.",
                String::from_utf8_lossy(d.payload),
                d.source
            ),
            Err(e) if e.kind() == io::ErrorKind::WouldBlock => break,
            Err(e) => return Err(e.into()),
        }
    }
    listener.leave_group(l_if, GROUP)?;
    println!("The listener left {GROUP}; removing the namespaces.");
    Ok(destinations)
}

#[cfg(test)]
use tests::main;

#[cfg(test)]
mod tests {
    /// The group's datagram and the unicast one arrive, the other group's
    /// does not.
    fn runs() {
        let destinations = super::run().unwrap();
        assert_eq!(destinations, [super::GROUP, super::LISTENER]);
    }

    /// Built as a test (`harness = false` in Cargo.toml): runs the test
    /// above, or reports it as ignored, with the reason, when not root.
    pub(super) fn main() {
        use super::common::harness::{self, kernel};
        harness::run([kernel(runs)]);
    }
}
}
