//! An IGMP monitor: a raw IGMP socket that prints every membership report
//! a host's kernel sends, decoded by `ipv4_core::igmp`, and that also plays
//! querier once, sending an IGMPv3 general query it builds itself (header
//! with TTL 1, TOS 0xc0 and Router Alert, as RFC 9776 §4 asks).
//!
//! ```sh
//! cargo build --release -p ipv4-std --example igmp_monitor
//! sudo target/release/examples/igmp_monitor
//! ```
//!
//! The monitor and a host that joins, blocks and leaves groups live in two
//! network namespaces created here and removed on exit. Needs root.
//!
//! Each change of the host's state shows up twice: the kernel sends every
//! unsolicited (state-change) report [Robustness Variable] times, 2 by
//! default, in case one is lost (RFC 9776 §5.1). The monitor says so when
//! the repeat arrives.
//!
//! [Robustness Variable]: https://www.rfc-editor.org/rfc/rfc9776#section-8.1

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
use std::net::{Ipv4Addr, UdpSocket};
#[cfg(not(test))]
use std::process::ExitCode;
use std::time::{Duration, Instant};

use common::Netns;
use ipv4_std::ipv4_core::header::{Header, Protocol};
use ipv4_std::ipv4_core::igmp::{
    ALL_IGMPV3_ROUTERS, ALL_SYSTEMS, MaxRespCode, Message, QueryV3Repr,
};
use ipv4_std::ipv4_core::options::{OptionsBuilder, RouterAlert};
use ipv4_std::{ControlMessage, PacketConn, RawConn};
use socket2::{Domain, Socket, Type};

const MONITOR: Ipv4Addr = Ipv4Addr::new(198, 51, 100, 1);
const HOST: Ipv4Addr = Ipv4Addr::new(198, 51, 100, 2);
const GROUP: Ipv4Addr = Ipv4Addr::new(239, 1, 1, 1);
const SSM_GROUP: Ipv4Addr = Ipv4Addr::new(232, 1, 1, 1);
const SOURCE: Ipv4Addr = Ipv4Addr::new(203, 0, 113, 7);

#[cfg(not(test))]
const ABOUT: &str = "Creates a monitor and a host in two private network namespaces. The host \
joins, blocks and leaves multicast groups; the monitor prints each IGMPv3 report the host's \
kernel sends, decoded, and once sends a general query of its own. The namespaces are removed \
on exit (Ctrl-C included).";

#[cfg(not(test))]
fn main() -> ExitCode {
    common::no_args(&common::usage("igmp_monitor", "", ABOUT, true));
    common::catch_interrupt();
    common::finish("igmp_monitor", run().map(drop))
}

/// Prints the reports that arrive within `window`, and returns them.
fn watch(monitor: &RawConn<Socket>, window: Duration) -> io::Result<Vec<String>> {
    let mut seen: Vec<String> = Vec::new();
    let deadline = Instant::now() + window;
    let mut buf = [0u8; 1500];
    while Instant::now() < deadline {
        common::stop_if_interrupted()?;
        let packet = match monitor.recv(&mut buf) {
            Ok(p) => p,
            Err(e) if e.kind() == io::ErrorKind::WouldBlock => continue,
            Err(e) => return Err(e),
        };
        let Some(view) = packet.header else {
            continue; // not an IPv4 header: nothing of ours
        };
        if view.source() != HOST {
            continue; // our own query, looped back
        }
        let decoded = match Message::parse(packet.payload) {
            Ok(m) => m.to_string(),
            Err(e) => format!("undecodable: {e}"),
        };
        if seen.last() == Some(&decoded) {
            println!(
                "    {} > {}: the same report again (the kernel's robustness retransmission)",
                view.source(),
                view.destination()
            );
        } else {
            println!(
                "    {} > {} (ttl {}, {} option bytes): {decoded}",
                view.source(),
                view.destination(),
                view.ttl(),
                view.options().len()
            );
        }
        seen.push(decoded);
    }
    Ok(seen)
}

fn general_query(monitor: &RawConn<Socket>, if_index: u32) -> Result<(), Box<dyn Error>> {
    let mut query = QueryV3Repr::general();
    query.max_resp_code = MaxRespCode::new(10); // answer within 1 s
    let mut igmp = [0u8; 64];
    let len = query.emit(&mut igmp)?;
    let mut area = [0u8; 4];
    let mut options = OptionsBuilder::new(&mut area);
    options.router_alert(RouterAlert::EXAMINE)?;
    let mut header = Header::new(MONITOR, ALL_SYSTEMS, Protocol::IGMP)
        .with_ttl(1)
        .with_tos(0xc0);
    header.set_options(options.finish()?)?;
    let cm = ControlMessage {
        if_index: Some(if_index),
        ..ControlMessage::default()
    };
    monitor.send(&header, &igmp[..len], Some(&cm))?;
    Ok(())
}

/// Returns the decoded reports of each step.
fn run() -> Result<Vec<Vec<String>>, Box<dyn Error>> {
    common::require_namespaces("igmp_monitor")?;
    let mut steps = Vec::new();
    let monitor_ns = Netns::new("monitor")?;
    let host_ns = Netns::new("host")?;
    let (m_if, h_if) = common::link(
        (&monitor_ns, "veth-h", MONITOR),
        (&host_ns, "veth-m", HOST),
        24,
    )?;
    // Retransmit unsolicited reports after 100 ms rather than up to 1 s, so
    // that both copies arrive within a step's window.
    host_ns.sysctl(
        "net.ipv4.conf.veth-m.igmpv3_unsolicited_report_interval",
        "100",
    )?;
    println!("Created a monitor ({MONITOR}) and a host ({HOST}) on a private link.");

    let monitor = monitor_ns.run(|| -> io::Result<RawConn<Socket>> {
        let s = Socket::new(Domain::IPV4, Type::RAW, Some(socket2::Protocol::from(2)))?;
        s.set_read_timeout(Some(Duration::from_millis(50)))?;
        RawConn::new(s)
    })?;
    monitor.join_group(m_if, ALL_IGMPV3_ROUTERS)?;
    println!("The monitor joined {ALL_IGMPV3_ROUTERS}, where IGMPv3 reports are sent.");
    println!(
        "Each state change is reported twice, 100 ms apart: the kernel repeats unsolicited \
         reports (Robustness Variable 2, RFC 9776 §5.1) in case one is lost."
    );

    let host =
        host_ns.run(|| UdpSocket::bind((Ipv4Addr::UNSPECIFIED, 0)).and_then(PacketConn::new))?;
    let window = Duration::from_millis(400);
    println!("  The host joins {GROUP} (any source):");
    host.join_group(h_if, GROUP)?;
    steps.push(watch(&monitor, window)?);
    println!("  The host blocks source {SOURCE} in {GROUP}:");
    host.exclude_source_specific_group(h_if, GROUP, SOURCE)?;
    steps.push(watch(&monitor, window)?);
    println!("  The host joins {SSM_GROUP} for source {SOURCE} only:");
    host.join_source_specific_group(h_if, SSM_GROUP, SOURCE)?;
    steps.push(watch(&monitor, window)?);
    println!("  The monitor sends a general query; the host reports its current state:");
    general_query(&monitor, m_if)?;
    steps.push(watch(&monitor, Duration::from_millis(1500))?);
    println!("  The host leaves both groups:");
    host.leave_group(h_if, GROUP)?;
    host.leave_source_specific_group(h_if, SSM_GROUP, SOURCE)?;
    steps.push(watch(&monitor, window)?);
    println!("Removing the namespaces.");
    Ok(steps)
}

#[cfg(test)]
use tests::main;

#[cfg(test)]
mod tests {
    /// Each step produced the report RFC 9776 §5.1 prescribes. (Checked
    /// over all steps together, so a report delayed into the next window
    /// still counts.)
    fn runs() {
        let all = super::run().unwrap().concat();
        for record in [
            "CHANGE_TO_EXCLUDE_MODE 239.1.1.1 {}",
            "BLOCK_OLD_SOURCES 239.1.1.1 {203.0.113.7}",
            "ALLOW_NEW_SOURCES 232.1.1.1 {203.0.113.7}",
            "MODE_IS_EXCLUDE 239.1.1.1 {203.0.113.7}",
            "CHANGE_TO_INCLUDE_MODE 239.1.1.1 {}",
        ] {
            assert!(
                all.iter().any(|r| r.contains(record)),
                "{record} in {all:?}"
            );
        }
    }

    /// Built as a test (`harness = false` in Cargo.toml): runs the test
    /// above, or reports it as ignored, with the reason, when not root.
    pub(super) fn main() {
        use super::common::harness::{self, kernel};
        harness::run([kernel(runs)]);
    }
}
}
