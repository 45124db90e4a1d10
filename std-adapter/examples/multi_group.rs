//! Several groups on several interfaces, as in Go's package documentation:
//! one socket joins one group on two interfaces and a second group on one
//! of them, and tells from each datagram's control message which group and
//! which interface it came by.
//!
//! ```sh
//! cargo build --release -p ipv4-std --example multi_group
//! sudo target/release/examples/multi_group
//! ```
//!
//! A listener namespace has two veth links, to two sender namespaces; all
//! three are created here and removed on exit. Needs root.

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

const GROUP_BOTH: Ipv4Addr = Ipv4Addr::new(224, 0, 0, 250);
const GROUP_ONE: Ipv4Addr = Ipv4Addr::new(224, 0, 0, 251);
const PORT: u16 = 1024;

/// A datagram's group and the index of the interface it came in on.
type Arrival = (Ipv4Addr, u32);

#[cfg(not(test))]
const ABOUT: &str = "Creates a listener with two links, to two senders, in private network \
namespaces. One socket joins one group on both interfaces and another group on one of them, \
and tells from each datagram's control message which group and interface it came by. The \
namespaces are removed on exit (Ctrl-C included).";

#[cfg(not(test))]
fn main() -> ExitCode {
    common::no_args(&common::usage("multi_group", "", ABOUT, true));
    common::catch_interrupt();
    common::finish("multi_group", run().map(drop))
}

/// Returns (group, interface index) of each datagram received.
fn run() -> Result<Vec<Arrival>, Box<dyn Error>> {
    common::require_namespaces("multi_group")?;
    let mut received = Vec::new();
    let listener_ns = Netns::new("listener")?;
    let east = Netns::new("east")?;
    let west = Netns::new("west")?;
    let (l_east, e_if) = common::link(
        (&listener_ns, "veth-east", Ipv4Addr::new(198, 51, 100, 1)),
        (&east, "veth-l", Ipv4Addr::new(198, 51, 100, 2)),
        24,
    )?;
    let (l_west, w_if) = common::link(
        (&listener_ns, "veth-west", Ipv4Addr::new(203, 0, 113, 1)),
        (&west, "veth-l", Ipv4Addr::new(203, 0, 113, 2)),
        24,
    )?;
    println!(
        "The listener has interface {l_east} (veth-east, to host east) and {l_west} (veth-west, to host west)."
    );

    let listener = listener_ns.run(|| -> io::Result<_> {
        let s = UdpSocket::bind((Ipv4Addr::UNSPECIFIED, PORT))?;
        s.set_read_timeout(Some(Duration::from_millis(500)))?;
        PacketConn::new(s)
    })?;
    listener.set_control_message(
        ControlFlags::DST | ControlFlags::INTERFACE | ControlFlags::SRC,
        true,
    )?;
    listener.join_group(l_east, GROUP_BOTH)?;
    listener.join_group(l_west, GROUP_BOTH)?;
    listener.join_group(l_west, GROUP_ONE)?;
    println!(
        "One socket joined {GROUP_BOTH} on both interfaces, and {GROUP_ONE} on veth-west only."
    );

    for (name, ns, ifindex) in [("east", &east, e_if), ("west", &west, w_if)] {
        let sender =
            ns.run(|| UdpSocket::bind((Ipv4Addr::UNSPECIFIED, 0)).and_then(PacketConn::new))?;
        sender.set_multicast_interface(MulticastInterface::Index(ifindex))?;
        for group in [GROUP_BOTH, GROUP_ONE] {
            sender.send_to(
                format!("from {name}").as_bytes(),
                None,
                SocketAddrV4::new(group, PORT),
            )?;
        }
        println!("Host {name} sent to both groups.");
    }

    let mut buf = [0u8; 256];
    let mut got = 0;
    loop {
        common::stop_if_interrupted()?;
        match listener.recv_from(&mut buf) {
            Ok(d) => {
                let cm = d.control;
                got += 1;
                received.push((
                    cm.dst.unwrap_or(Ipv4Addr::UNSPECIFIED),
                    cm.if_index.unwrap_or(0),
                ));
                println!(
                    "Received {:?} sent to {} on interface {} ({cm}).",
                    String::from_utf8_lossy(d.payload),
                    cm.dst.map_or("?".into(), |d| d.to_string()),
                    cm.if_index.map_or("?".into(), |i| i.to_string()),
                );
            }
            Err(e) if e.kind() == io::ErrorKind::WouldBlock => break,
            Err(e) => return Err(e.into()),
        }
    }
    println!("{got} of 4 datagrams arrived.");
    if got == 3 {
        println!(
            "East's datagram to {GROUP_ONE} came in on veth-east, where that group is not joined, so the kernel dropped it."
        );
    }
    for (ifindex, group) in [
        (l_east, GROUP_BOTH),
        (l_west, GROUP_BOTH),
        (l_west, GROUP_ONE),
    ] {
        listener.leave_group(ifindex, group)?;
    }
    println!("Left every group; removing the namespaces.");
    received.sort();
    Ok(received)
}

#[cfg(test)]
use tests::main;

#[cfg(test)]
mod tests {
    use super::{GROUP_BOTH, GROUP_ONE};

    /// The group joined on both interfaces arrives on both; the other only
    /// where it was joined (interfaces 2 and 3 are the two veth links).
    fn runs() {
        let received = super::run().unwrap();
        assert_eq!(received, [(GROUP_BOTH, 2), (GROUP_BOTH, 3), (GROUP_ONE, 3)]);
    }

    /// Built as a test (`harness = false` in Cargo.toml): runs the test
    /// above, or reports it as ignored, with the reason, when not root.
    pub(super) fn main() {
        use super::common::harness::{self, kernel};
        harness::run([kernel(runs)]);
    }
}
}
