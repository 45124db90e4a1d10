//! Source-specific multicast, as in Go's package documentation: include
//! mode (join a group for one source only, RFC 4607) and exclude mode
//! (join any-source, then block one source and unblock it again).
//!
//! ```sh
//! cargo build --release -p ipv4-std --example ssm
//! sudo target/release/examples/ssm
//! ```
//!
//! A listener namespace and a sender namespace with two addresses (two
//! "sources") are created here and removed on exit. Needs root.

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
use ipv4_std::{ControlFlags, ControlMessage, MulticastInterface, PacketConn};

const SSM_GROUP: Ipv4Addr = Ipv4Addr::new(232, 7, 7, 7);
const ASM_GROUP: Ipv4Addr = Ipv4Addr::new(239, 7, 7, 7);
const LISTENER: Ipv4Addr = Ipv4Addr::new(198, 51, 100, 1);
const SOURCE_1: Ipv4Addr = Ipv4Addr::new(198, 51, 100, 2);
const SOURCE_2: Ipv4Addr = Ipv4Addr::new(198, 51, 100, 3);
const PORT: u16 = 1024;

#[cfg(not(test))]
const ABOUT: &str = "Creates a listener and a host with two source addresses in private network \
namespaces, and shows source-specific multicast: include mode (one source joined) and \
exclude mode (a source blocked and unblocked). The namespaces are removed on exit (Ctrl-C \
included).";

#[cfg(not(test))]
fn main() -> ExitCode {
    common::no_args(&common::usage("ssm", "", ABOUT, true));
    common::catch_interrupt();
    common::finish("ssm", run().map(drop))
}

/// Sends one datagram to `group` from each source (the source chosen per
/// datagram with an `IP_PKTINFO` control message), then reports which
/// sources the listener heard.
fn round(
    what: &str,
    sender: &PacketConn<UdpSocket>,
    listener: &PacketConn<UdpSocket>,
    group: Ipv4Addr,
) -> io::Result<Vec<Ipv4Addr>> {
    for source in [SOURCE_1, SOURCE_2] {
        let cm = ControlMessage {
            src: Some(source),
            ..ControlMessage::default()
        };
        sender.send_to(b"hello", Some(&cm), SocketAddrV4::new(group, PORT))?;
    }
    let mut heard = Vec::new();
    let mut buf = [0u8; 64];
    loop {
        common::stop_if_interrupted()?;
        match listener.recv_from(&mut buf) {
            Ok(d) => heard.push(*d.source.ip()),
            Err(e) if e.kind() == io::ErrorKind::WouldBlock => break,
            Err(e) => return Err(e),
        }
    }
    println!(
        "  {what}: sources {SOURCE_1} and {SOURCE_2} sent to {group}; the listener heard {heard:?}."
    );
    Ok(heard)
}

/// Returns the sources heard in each round.
fn run() -> Result<Vec<Vec<Ipv4Addr>>, Box<dyn Error>> {
    common::require_namespaces("ssm")?;
    let mut rounds = Vec::new();
    let listener_ns = Netns::new("listener")?;
    let sender_ns = Netns::new("sources")?;
    let (l_if, s_if) = common::link(
        (&listener_ns, "veth-l", LISTENER),
        (&sender_ns, "veth-s", SOURCE_1),
        24,
    )?;
    sender_ns.ip(&["addr", "add", &format!("{SOURCE_2}/24"), "dev", "veth-s"])?;
    println!(
        "The listener ({LISTENER}) is linked to a host with two source addresses, {SOURCE_1} and {SOURCE_2}."
    );

    let listener = listener_ns.run(|| -> io::Result<_> {
        let s = UdpSocket::bind((Ipv4Addr::UNSPECIFIED, PORT))?;
        s.set_read_timeout(Some(Duration::from_millis(500)))?;
        PacketConn::new(s)
    })?;
    listener.set_control_message(ControlFlags::SRC, true)?;
    let sender =
        sender_ns.run(|| UdpSocket::bind((Ipv4Addr::UNSPECIFIED, 0)).and_then(PacketConn::new))?;
    sender.set_multicast_interface(MulticastInterface::Index(s_if))?;

    println!("Include mode (MCAST_JOIN_SOURCE_GROUP):");
    listener.join_source_specific_group(l_if, SSM_GROUP, SOURCE_1)?;
    rounds.push(round(
        "joined (232.7.7.7, 198.51.100.2)",
        &sender,
        &listener,
        SSM_GROUP,
    )?);
    listener.leave_source_specific_group(l_if, SSM_GROUP, SOURCE_1)?;

    println!("Exclude mode (MCAST_JOIN_GROUP, then MCAST_BLOCK_SOURCE / MCAST_UNBLOCK_SOURCE):");
    listener.join_group(l_if, ASM_GROUP)?;
    rounds.push(round("joined any-source", &sender, &listener, ASM_GROUP)?);
    listener.exclude_source_specific_group(l_if, ASM_GROUP, SOURCE_2)?;
    rounds.push(round(
        "blocked 198.51.100.3",
        &sender,
        &listener,
        ASM_GROUP,
    )?);
    listener.include_source_specific_group(l_if, ASM_GROUP, SOURCE_2)?;
    rounds.push(round("unblocked it again", &sender, &listener, ASM_GROUP)?);
    listener.leave_group(l_if, ASM_GROUP)?;
    println!("Left the groups; removing the namespaces.");
    Ok(rounds)
}

#[cfg(test)]
use tests::main;

#[cfg(test)]
mod tests {
    use super::{SOURCE_1, SOURCE_2};

    /// Include mode hears only the joined source; exclude mode hears all
    /// but the blocked one.
    fn runs() {
        let rounds = super::run().unwrap();
        let both = vec![SOURCE_1, SOURCE_2];
        assert_eq!(rounds, [vec![SOURCE_1], both.clone(), vec![SOURCE_1], both]);
    }

    /// Built as a test (`harness = false` in Cargo.toml): runs the test
    /// above, or reports it as ignored, with the reason, when not root.
    pub(super) fn main() {
        use super::common::harness::{self, kernel};
        harness::run([kernel(runs)]);
    }
}
}
