//! An IGMPv3 querier (multicast router) built on `ipv4_core::igmp::querier`
//! against Linux hosts: it sends general, group-specific and
//! group-and-source-specific queries through a raw socket, learns from the
//! hosts' reports, and prints its membership table each time it changes.
//!
//! ```sh
//! cargo build --release -p ipv4-std --example igmp_querier
//! sudo target/release/examples/igmp_querier
//! ```
//!
//! The querier sits on a bridge in one network namespace; two hosts, each
//! in its own namespace, hang off the bridge. All three are created here
//! and removed on exit (Ctrl-C included). Needs root. The protocol timers
//! are scaled down (a general query every 2 s, 200 ms between last-member
//! queries) so that the run takes seconds, not minutes.

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

use std::error::Error;
use std::io;
use std::net::{Ipv4Addr, UdpSocket};
#[cfg(not(test))]
use std::process::ExitCode;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::thread;
use std::time::{Duration, Instant as StdInstant};

use common::Netns;
use ipv4_std::ipv4_core::header::HeaderView;
use ipv4_std::ipv4_core::igmp::FilterMode;
use ipv4_std::ipv4_core::igmp::querier::{Querier, QueryKind};
use ipv4_std::ipv4_core::igmp::timing::{Instant, Timers};
use ipv4_std::ipv4_core::igmp::{ALL_IGMPV3_ROUTERS, Message};
use ipv4_std::prelude::*;
use ipv4_std::{ControlMessage, PacketConn, RawConn};
use socket2::{Domain, Socket, Type};

const QUERIER: Ipv4Addr = Ipv4Addr::new(198, 51, 100, 1);
const HOST1: Ipv4Addr = Ipv4Addr::new(198, 51, 100, 2);
const HOST2: Ipv4Addr = Ipv4Addr::new(198, 51, 100, 3);
const GROUP: Ipv4Addr = Ipv4Addr::new(239, 1, 1, 1);
const SSM_GROUP: Ipv4Addr = Ipv4Addr::new(232, 1, 1, 1);
const SOURCE: Ipv4Addr = Ipv4Addr::new(203, 0, 113, 7);
const BLOCKED: Ipv4Addr = Ipv4Addr::new(203, 0, 113, 9);

#[cfg(not(test))]
const ABOUT: &str = "Runs an IGMPv3 querier (ipv4_core::igmp::querier) on a bridge in a private \
network namespace, with two Linux hosts in namespaces of their own. The hosts join, block and \
leave groups; the querier prints the queries it sends, the reports it gets, and its membership \
table whenever it changes. The namespaces are removed on exit (Ctrl-C included).";

#[cfg(not(test))]
fn main() -> ExitCode {
    common::no_args(&common::usage("igmp_querier", "", ABOUT, true));
    common::catch_interrupt();
    common::finish("igmp_querier", run().map(drop))
}

/// The table as one line per group: filter mode and forwarding.
fn render(querier: &Querier) -> Vec<String> {
    let mut lines: Vec<String> = querier
        .groups()
        .map(|g| {
            let list = |forwarding: bool| {
                let sources: Vec<String> = g
                    .sources()
                    .filter(|s| s.forwarding() == forwarding)
                    .map(|s| s.source.to_string())
                    .collect();
                format!("{{{}}}", sources.join(", "))
            };
            match g.filter_mode {
                FilterMode::Include => {
                    format!("{} INCLUDE: forward only from {}", g.group, list(true))
                }
                FilterMode::Exclude => {
                    format!("{} EXCLUDE: forward from all but {}", g.group, list(false))
                }
            }
        })
        .collect();
    lines.sort();
    lines
}

/// The querier's event loop: sends what is due, takes in the IGMP that
/// arrives until the next deadline, prints the table when it changes.
/// Returns every table it printed.
fn serve(
    conn: &RawConn<Socket>,
    if_index: u32,
    querier: &Mutex<Querier>,
    stop: &AtomicBool,
) -> io::Result<Vec<Vec<String>>> {
    let start = StdInstant::now();
    let now = || Instant::from_millis(start.elapsed().as_millis() as u64);
    let stamp = || format!("{:6.2}s", start.elapsed().as_secs_f64());
    let cm = ControlMessage {
        if_index: Some(if_index),
        ..ControlMessage::default()
    };
    let mut tables = vec![Vec::new()];
    let (mut out, mut buf) = ([0u8; 1500], [0u8; 1500]);
    while !stop.load(Ordering::Relaxed) {
        common::stop_if_interrupted()?;
        while let Some(t) = querier
            .lock()
            .unwrap()
            .poll_transmit(now(), &mut out)
            .map_err(io::Error::other)?
        {
            let packet = HeaderView::new_checked(&out[..t.len]).map_err(io::Error::other)?;
            conn.send_view(&packet, packet.payload(), Some(&cm))?;
            let s = if t.s_flag { ", S flag set" } else { "" };
            match t.kind {
                QueryKind::General => println!("{} -> general query to {}", stamp(), t.destination),
                QueryKind::Group(g) => println!("{} -> group-specific query for {g}{s}", stamp()),
                QueryKind::GroupAndSource(g) => {
                    let sources = match Message::parse(packet.payload()) {
                        Ok(Message::QueryV3(q)) => q.sources().to_string(),
                        _ => String::new(),
                    };
                    println!(
                        "{} -> group-and-source-specific query for {g} {sources}{s}",
                        stamp()
                    )
                }
            }
        }
        let wait = querier
            .lock()
            .unwrap()
            .poll_timeout()
            .map_or(50, |t| t.as_millis().saturating_sub(now().as_millis()));
        conn.get_ref()
            .set_read_timeout(Some(Duration::from_millis(wait.clamp(1, 50))))?;
        match conn.recv(&mut buf) {
            Ok(d) => {
                if let (Some(header), Ok(message)) = (d.header, Message::parse(d.payload))
                    && header.source() != QUERIER
                {
                    println!("{} <- {}: {message}", stamp(), header.source());
                    if let Err(e) =
                        querier
                            .lock()
                            .unwrap()
                            .receive(now(), header.source(), &message)
                    {
                        println!("{} !! {e}", stamp());
                    }
                }
            }
            Err(e)
                if matches!(
                    e.kind(),
                    io::ErrorKind::WouldBlock | io::ErrorKind::TimedOut
                ) =>
            {
                querier.lock().unwrap().poll(now());
            }
            Err(e) => return Err(e),
        }
        let table = render(&querier.lock().unwrap());
        if tables.last() != Some(&table) {
            println!("{} membership table:", stamp());
            if table.is_empty() {
                println!("           (no groups: nothing is forwarded)");
            }
            for line in &table {
                println!("           {line}");
            }
            tables.push(table);
        }
    }
    Ok(tables)
}

/// A host namespace on the querier's bridge, and a socket in it.
fn host(
    q: &Netns,
    label: &str,
    addr: Ipv4Addr,
) -> Result<(Netns, u32, PacketConn<UdpSocket>), Box<dyn Error>> {
    let ns = Netns::new(label)?;
    let port = format!("to-{label}");
    q.ip(&[
        "link",
        "add",
        &port,
        "type",
        "veth",
        "peer",
        "name",
        "eth0",
        "netns",
        ns.name(),
    ])?;
    q.ip(&["link", "set", &port, "master", "br0", "up"])?;
    ns.ip(&["addr", "add", &format!("{addr}/24"), "dev", "eth0"])?;
    ns.ip(&["link", "set", "eth0", "up"])?;
    ns.ip(&["route", "add", "224.0.0.0/4", "dev", "eth0"])?;
    ns.sysctl(
        "net.ipv4.conf.eth0.igmpv3_unsolicited_report_interval",
        "100",
    )?;
    let index = ns.if_index("eth0")?;
    let conn = ns.run(|| UdpSocket::bind((Ipv4Addr::UNSPECIFIED, 0)).and_then(PacketConn::new))?;
    Ok((ns, index, conn))
}

/// Returns every membership table the querier printed.
fn run() -> Result<Vec<Vec<String>>, Box<dyn Error>> {
    common::require_namespaces("igmp_querier")?;
    let q = Netns::new("querier")?;
    q.ip(&[
        "link",
        "add",
        "br0",
        "type",
        "bridge",
        "mcast_snooping",
        "0",
    ])?;
    q.ip(&["addr", "add", &format!("{QUERIER}/24"), "dev", "br0"])?;
    q.ip(&["link", "set", "br0", "up"])?;
    q.ip(&["route", "add", "224.0.0.0/4", "dev", "br0"])?;
    let (_h1, h1_if, h1) = host(&q, "host1", HOST1)?;
    let (_h2, h2_if, h2) = host(&q, "host2", HOST2)?;
    let br0 = q.if_index("br0")?;
    let conn = q.run(|| -> io::Result<RawConn<Socket>> {
        RawConn::new(Socket::new(
            Domain::IPV4,
            Type::RAW,
            Some(socket2::Protocol::from(2)),
        )?)
    })?;
    // IGMPv3 reports go to 224.0.0.22; the kernel hands them to a raw
    // socket only on an interface that joined it.
    conn.join_group(br0, ALL_IGMPV3_ROUTERS)?;
    println!(
        "A querier ({QUERIER}) on a bridge, hosts {HOST1} and {HOST2}. Query Interval 2 s, \
         Query Response Interval 1 s, Last Member Query Interval 200 ms."
    );

    let timers = Timers {
        query_interval: Duration::from_secs(2),
        query_response_interval: Duration::from_secs(1),
        last_member_query_interval: Duration::from_millis(200),
        ..Timers::default()
    };
    let querier = Mutex::new(Querier::new(QUERIER, timers));
    let stop = Arc::new(AtomicBool::new(false));
    let pause = |secs: f64| -> io::Result<()> {
        let end = StdInstant::now() + Duration::from_secs_f64(secs);
        while StdInstant::now() < end {
            common::stop_if_interrupted()?;
            thread::sleep(Duration::from_millis(20));
        }
        Ok(())
    };
    thread::scope(|s| -> Result<Vec<Vec<String>>, Box<dyn Error>> {
        let looping = s.spawn(|| serve(&conn, br0, &querier, &stop));
        let script = || -> io::Result<()> {
            pause(1.0)?;
            println!("== host1 joins {GROUP} (any source)");
            h1.join_group(h1_if, GROUP)?;
            pause(1.0)?;
            println!("== host2 joins {SSM_GROUP} for source {SOURCE} only");
            h2.join_source_specific_group(h2_if, SSM_GROUP, SOURCE)?;
            pause(1.0)?;
            println!("== host1 blocks {BLOCKED} in {GROUP}");
            h1.exclude_source_specific_group(h1_if, GROUP, BLOCKED)?;
            pause(1.5)?;
            println!("== host2 leaves {SSM_GROUP}");
            h2.leave_source_specific_group(h2_if, SSM_GROUP, SOURCE)?;
            pause(1.5)?;
            println!("== host1 leaves {GROUP}");
            h1.leave_group(h1_if, GROUP)?;
            pause(1.5)
        };
        let scripted = script();
        stop.store(true, Ordering::Relaxed);
        let tables = looping.join().expect("the querier loop does not panic")?;
        scripted?;
        println!("Removing the namespaces.");
        Ok(tables)
    })
}

#[cfg(test)]
use tests::main;

#[cfg(test)]
mod tests {
    /// The table went through the states the hosts asked for, and ended
    /// empty once both had left.
    fn runs() {
        let tables = super::run().unwrap();
        let seen = |line: &str| tables.iter().flatten().any(|l| l == line);
        assert!(
            seen("239.1.1.1 EXCLUDE: forward from all but {}"),
            "{tables:?}"
        );
        assert!(
            seen("232.1.1.1 INCLUDE: forward only from {203.0.113.7}"),
            "{tables:?}"
        );
        assert!(
            seen("239.1.1.1 EXCLUDE: forward from all but {203.0.113.9}"),
            "{tables:?}"
        );
        assert_eq!(tables.last(), Some(&Vec::new()), "{tables:?}");
    }

    /// Built as a test (`harness = false` in Cargo.toml): runs the test
    /// above, or reports it as ignored, with the reason, when not root.
    pub(super) fn main() {
        use super::common::harness::{self, kernel};
        harness::run([kernel(runs)]);
    }
}
}
