//! Our IGMPv3 querier (`ipv4_core::igmp::querier`) against Linux hosts.
//!
//! Namespace `q` holds a bridge (`br0`, 198.51.100.1) and runs our querier
//! on it: queries leave through a header-included raw socket
//! (`ipv4_std::RawConn`), IGMP arrives on the same raw IGMP socket, which
//! has joined 224.0.0.22 so that the kernel delivers IGMPv3 reports to it.
//! Three kernel hosts (`h1` 198.51.100.2 and `h2` .3 use an any-source
//! group, `h3` .4 a source-specific one) hang off the bridge by veth links
//! and join, block and leave groups through `ipv4_std::PacketConn`. Each
//! host holds one group: `/proc/net/mcfilter` lists no source of any group
//! on a device whose most recently joined group has no source filter
//! (its iterator only looks at the head of the device's group list), so
//! a second group would hide the first one's sources. A fourth host
//! (`h4` .5) speaks IGMPv2 (`force_igmp_version`): its reports go to the
//! group itself, which the raw socket therefore joins too (the kernel of
//! the querier's namespace then reports that membership itself; the loop
//! does not feed our querier its own namespace's reports).
//!
//! The timers are scaled down (Query Interval 2 s, Query Response
//! Interval 1 s, Last Member Query Interval 200 ms, Robustness 2, so the
//! Group Membership Interval is 5 s). After each step the test waits until
//! the querier's table equals what the hosts hold, as the kernel itself
//! lists it (`/proc/net/igmp`, `/proc/net/mcfilter` inside each host's
//! namespace), merged by the router's rules (RFC 9776 §3.2: EXCLUDE wins,
//! its exclude list is what every excluding host excludes and no
//! including host includes), and until `should_forward` gives that merged
//! state's answer for every source probed. At the end it checks that the
//! hosts answered our general, group-specific and group-and-source-specific
//! queries. Nothing leaves the namespaces.

use std::collections::BTreeSet;
use std::io;
use std::net::{Ipv4Addr, UdpSocket};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::thread;
use std::time::{Duration, Instant as StdInstant};

use ipv4_core::header::HeaderView;
use ipv4_core::igmp::FilterMode;
use ipv4_core::igmp::querier::{Compatibility, Querier, QueryKind};
use ipv4_core::igmp::timing::{Instant, Timers};
use ipv4_core::igmp::{ALL_IGMPV3_ROUTERS, ALL_ROUTERS, Message};
use ipv4_std::prelude::*;
use ipv4_std::{ControlMessage, PacketConn, RawConn};
use ipv4_tests::netns::Netns;
use socket2::Socket;

const QUERIER: Ipv4Addr = Ipv4Addr::new(198, 51, 100, 1);
const H1: Ipv4Addr = Ipv4Addr::new(198, 51, 100, 2);
const H2: Ipv4Addr = Ipv4Addr::new(198, 51, 100, 3);
const H3: Ipv4Addr = Ipv4Addr::new(198, 51, 100, 4);
const H4: Ipv4Addr = Ipv4Addr::new(198, 51, 100, 5);
const ASM: Ipv4Addr = Ipv4Addr::new(239, 1, 2, 3);
const SSM: Ipv4Addr = Ipv4Addr::new(232, 1, 1, 1);
/// The group of the IGMPv2 host.
const V2_GROUP: Ipv4Addr = Ipv4Addr::new(239, 2, 2, 2);
const S1: Ipv4Addr = Ipv4Addr::new(203, 0, 113, 7);
const S2: Ipv4Addr = Ipv4Addr::new(203, 0, 113, 9);
const S3: Ipv4Addr = Ipv4Addr::new(203, 0, 113, 11);
const PROBES: [Ipv4Addr; 3] = [S1, S2, S3];
const HOST_IF: &str = "eth0";

fn timers() -> Timers {
    Timers {
        robustness: 2,
        query_interval: Duration::from_secs(2),
        query_response_interval: Duration::from_secs(1),
        last_member_query_interval: Duration::from_millis(200),
        ..Timers::default()
    }
}

type Shared = Arc<Mutex<Querier>>;

/// A group as a host's kernel (or the merged link) holds it.
#[derive(Clone, Debug, PartialEq, Eq)]
struct Filter {
    mode: FilterMode,
    sources: BTreeSet<Ipv4Addr>,
}

/// One host: its namespace and the socket holding its membership.
struct Host {
    ns: Netns,
    index: u32,
    conn: PacketConn<UdpSocket>,
}

impl Host {
    /// The groups joined on the host's link, per the kernel: the groups
    /// of `/proc/net/igmp` (224.0.0.0/24 left out) with the source
    /// filters of `/proc/net/mcfilter`. A group is held by one socket
    /// here, so a source counted by an exclude filter is excluded, and one
    /// counted by an include filter is included.
    fn kernel_state(&self) -> Vec<(Ipv4Addr, Filter)> {
        let (igmp, mcfilter) = self.ns.run(|| {
            (
                std::fs::read_to_string("/proc/thread-self/net/igmp").unwrap(),
                std::fs::read_to_string("/proc/thread-self/net/mcfilter").unwrap(),
            )
        });
        let mut groups = Vec::new();
        let mut device = "";
        for line in igmp.lines().skip(1) {
            if !line.starts_with('\t') {
                device = line.split_whitespace().nth(1).unwrap_or("");
                continue;
            }
            let Some(hex) = line.split_whitespace().next() else {
                continue;
            };
            // The __be32 printed as a host integer.
            let group = Ipv4Addr::from(u32::from_str_radix(hex, 16).unwrap().to_ne_bytes());
            if device == HOST_IF && group.octets()[..3] != [224, 0, 0] {
                groups.push(group);
            }
        }
        groups
            .into_iter()
            .map(|group| {
                let mut include = BTreeSet::new();
                let mut exclude = BTreeSet::new();
                for line in mcfilter.lines().skip(1) {
                    let f: Vec<&str> = line.split_whitespace().collect();
                    let [_, dev, mca, src, inc, exc] = f[..] else {
                        continue;
                    };
                    // Here the addresses are printed in host order.
                    let hex = |s: &str| Ipv4Addr::from(u32::from_str_radix(&s[2..], 16).unwrap());
                    if dev != HOST_IF || hex(mca) != group {
                        continue;
                    }
                    let (inc, exc): (u32, u32) = (inc.parse().unwrap(), exc.parse().unwrap());
                    if inc > 0 {
                        include.insert(hex(src));
                    } else if exc > 0 {
                        exclude.insert(hex(src));
                    }
                }
                let filter = if include.is_empty() {
                    Filter {
                        mode: FilterMode::Exclude,
                        sources: exclude,
                    }
                } else {
                    Filter {
                        mode: FilterMode::Include,
                        sources: include,
                    }
                };
                (group, filter)
            })
            .collect()
    }
}

/// What a router should hold for `group` given every host's filter
/// (RFC 9776 §3.2): EXCLUDE if any host excludes, with the sources every
/// excluding host excludes and no including host includes; otherwise
/// INCLUDE with every included source; `None` if no host has it.
fn merge(hosts: &[Vec<(Ipv4Addr, Filter)>], group: Ipv4Addr) -> Option<Filter> {
    let filters: Vec<&Filter> = hosts
        .iter()
        .flat_map(|h| h.iter().filter(|(g, _)| *g == group).map(|(_, f)| f))
        .collect();
    if filters.is_empty() {
        return None;
    }
    let included: BTreeSet<Ipv4Addr> = filters
        .iter()
        .filter(|f| f.mode == FilterMode::Include)
        .flat_map(|f| f.sources.iter().copied())
        .collect();
    let excluding: Vec<&&Filter> = filters
        .iter()
        .filter(|f| f.mode == FilterMode::Exclude)
        .collect();
    if excluding.is_empty() {
        return Some(Filter {
            mode: FilterMode::Include,
            sources: included,
        });
    }
    let mut excluded = excluding[0].sources.clone();
    for f in &excluding[1..] {
        excluded = excluded.intersection(&f.sources).copied().collect();
    }
    Some(Filter {
        mode: FilterMode::Exclude,
        sources: excluded.difference(&included).copied().collect(),
    })
}

/// The querier's view of `group` in the same terms: INCLUDE with the
/// sources whose timers run, or EXCLUDE with those at zero.
fn querier_state(querier: &Querier, group: Ipv4Addr) -> Option<Filter> {
    let g = querier.group(group)?;
    let sources = g
        .sources()
        .filter(|s| s.forwarding() == (g.filter_mode == FilterMode::Include))
        .map(|s| s.source)
        .collect();
    Some(Filter {
        mode: g.filter_mode,
        sources,
    })
}

/// Waits until, for both groups, the querier's state equals the merged
/// kernel state and `should_forward` agrees with it for every probe.
fn converge(querier: &Shared, hosts: &[&Host], within: Duration, step: &str) {
    let deadline = StdInstant::now() + within;
    loop {
        let kernel: Vec<_> = hosts.iter().map(|h| h.kernel_state()).collect();
        let mut mismatch = None;
        {
            let q = querier.lock().unwrap();
            for group in [ASM, SSM, V2_GROUP] {
                let expected = merge(&kernel, group);
                let ours = querier_state(&q, group);
                if ours != expected {
                    mismatch = Some(format!("{group}: querier {ours:?}, hosts {expected:?}"));
                    break;
                }
                for source in PROBES {
                    let forward = expected.as_ref().is_some_and(|f| match f.mode {
                        FilterMode::Include => f.sources.contains(&source),
                        FilterMode::Exclude => !f.sources.contains(&source),
                    });
                    if q.should_forward(source, group) != forward {
                        mismatch = Some(format!(
                            "should_forward({source}, {group}) is not {forward}"
                        ));
                    }
                }
            }
        }
        match mismatch {
            None => {
                eprintln!("{step}: querier agrees with the hosts: {kernel:?}");
                return;
            }
            Some(m) if StdInstant::now() > deadline => {
                let raw: Vec<String> = hosts
                    .iter()
                    .map(|h| {
                        h.ns.run(|| {
                            std::fs::read_to_string("/proc/thread-self/net/mcfilter").unwrap()
                        })
                    })
                    .collect();
                panic!("{step}: after {within:?}, {m}; kernel state {kernel:?}; mcfilter {raw:?}")
            }
            Some(_) => thread::sleep(Duration::from_millis(50)),
        }
    }
}

/// What the querier loop saw: the queries it sent and the hosts whose
/// reports it received, in order.
#[derive(Default, Debug)]
struct Log {
    sent: Vec<QueryKind>,
    reports_from: BTreeSet<Ipv4Addr>,
}

/// The querier's event loop: send what is due, then wait for IGMP until
/// the next deadline (at most 20 ms), feed it in, repeat.
fn run_querier(
    conn: RawConn<Socket>,
    if_index: u32,
    querier: Shared,
    log: Arc<Mutex<Log>>,
    stop: Arc<AtomicBool>,
) -> io::Result<()> {
    let start = StdInstant::now();
    let now = || Instant::from_millis(start.elapsed().as_millis() as u64);
    let cm = ControlMessage {
        if_index: Some(if_index),
        ..ControlMessage::default()
    };
    let mut out = [0u8; 1500];
    let mut buf = [0u8; 1500];
    while !stop.load(Ordering::Relaxed) {
        loop {
            let sent = querier.lock().unwrap().poll_transmit(now(), &mut out);
            let Some(t) = sent.expect("a 1500-byte buffer holds every query") else {
                break;
            };
            let packet = HeaderView::new_checked(&out[..t.len]).unwrap();
            conn.send_view(&packet, packet.payload(), Some(&cm))?;
            log.lock().unwrap().sent.push(t.kind);
        }
        let wait = querier
            .lock()
            .unwrap()
            .poll_timeout()
            .map_or(Duration::from_millis(20), |t| {
                Duration::from_millis(t.as_millis().saturating_sub(now().as_millis()))
            })
            .clamp(Duration::from_millis(1), Duration::from_millis(20));
        conn.get_ref().set_read_timeout(Some(wait))?;
        let datagram = match conn.recv(&mut buf) {
            Ok(d) => d,
            Err(e)
                if matches!(
                    e.kind(),
                    io::ErrorKind::WouldBlock | io::ErrorKind::TimedOut
                ) =>
            {
                querier.lock().unwrap().poll(now());
                continue;
            }
            Err(e) => return Err(e),
        };
        let Some(header) = datagram.header else {
            continue;
        };
        if header.source() == QUERIER {
            continue; // our queries looped back, our namespace's own reports
        }
        let Ok(message) = Message::parse(datagram.payload) else {
            continue;
        };
        if matches!(message, Message::ReportV3(_) | Message::ReportV2(_)) {
            log.lock().unwrap().reports_from.insert(header.source());
        }
        // Tables that fill up would be an error; these two groups fit.
        querier
            .lock()
            .unwrap()
            .receive(now(), header.source(), &message)
            .unwrap();
    }
    Ok(())
}

fn host(q: &Netns, n: u8, addr: Ipv4Addr) -> Host {
    let ns = Netns::new().expect("host namespace");
    let port = format!("port{n}");
    q.ip(&[
        "link",
        "add",
        &port,
        "type",
        "veth",
        "peer",
        "name",
        HOST_IF,
        "netns",
        ns.name(),
    ])
    .unwrap();
    q.ip(&["link", "set", &port, "master", "br0", "up"])
        .unwrap();
    ns.ip(&["addr", "add", &format!("{addr}/24"), "dev", HOST_IF])
        .unwrap();
    ns.ip(&["link", "set", HOST_IF, "up"]).unwrap();
    ns.ip(&["route", "add", "224.0.0.0/4", "dev", HOST_IF])
        .unwrap();
    // State-change reports repeated 100 ms apart, not up to 1 s.
    let key = format!("net.ipv4.conf.{HOST_IF}.igmpv3_unsolicited_report_interval");
    ns.sysctl(&key, "100").unwrap();
    let index = ns.if_index(HOST_IF).unwrap();
    let conn = ns.run(|| {
        UdpSocket::bind((Ipv4Addr::UNSPECIFIED, 0))
            .and_then(PacketConn::new)
            .unwrap()
    });
    Host { ns, index, conn }
}

fn querier_agrees_with_linux_hosts() {
    let q = Netns::new().expect("querier namespace");
    // No snooping: the bridge floods every query and report.
    q.ip(&[
        "link",
        "add",
        "br0",
        "type",
        "bridge",
        "mcast_snooping",
        "0",
    ])
    .unwrap();
    q.ip(&["addr", "add", &format!("{QUERIER}/24"), "dev", "br0"])
        .unwrap();
    q.ip(&["link", "set", "br0", "up"]).unwrap();
    q.ip(&["route", "add", "224.0.0.0/4", "dev", "br0"])
        .unwrap();
    let h1 = host(&q, 1, H1);
    let h2 = host(&q, 2, H2);
    let h3 = host(&q, 3, H3);
    let h4 = host(&q, 4, H4);
    h4.ns
        .sysctl(&format!("net.ipv4.conf.{HOST_IF}.force_igmp_version"), "2")
        .unwrap();
    let br0 = q.if_index("br0").unwrap();

    let conn = q.run(|| {
        let socket = ipv4_tests::sockets::raw(2, Duration::from_millis(20));
        RawConn::new(socket).unwrap()
    });
    conn.join_group(br0, ALL_IGMPV3_ROUTERS).unwrap();
    conn.join_group(br0, ALL_ROUTERS).unwrap();
    conn.join_group(br0, V2_GROUP).unwrap();

    let querier: Shared = Arc::new(Mutex::new(Querier::new(QUERIER, timers())));
    let log = Arc::new(Mutex::new(Log::default()));
    let stop = Arc::new(AtomicBool::new(false));
    let looping = {
        let (querier, log, stop) = (querier.clone(), log.clone(), stop.clone());
        thread::spawn(move || run_querier(conn, br0, querier, log, stop))
    };
    let quick = Duration::from_secs(3);
    // Twice the Group Membership Interval (5 s): sources an IS_EX
    // report lists anew wait in the requested list that long (§6.4.1).
    let slow = Duration::from_secs(10);
    let all = [&h1, &h2, &h3, &h4];

    h1.conn.join_group(h1.index, ASM).unwrap();
    h3.conn
        .join_source_specific_group(h3.index, SSM, S1)
        .unwrap();
    converge(&querier, &all, quick, "h1 joins ASM, h3 joins (S1, SSM)");

    h1.conn
        .exclude_source_specific_group(h1.index, ASM, S2)
        .unwrap();
    converge(&querier, &all, quick, "h1 blocks S2");

    h2.conn.join_group(h2.index, ASM).unwrap();
    converge(&querier, &all, quick, "h2 joins ASM: S2 wanted again");

    h2.conn.leave_group(h2.index, ASM).unwrap();
    converge(&querier, &all, slow, "h2 leaves ASM: S2 blocked again");

    h3.conn
        .join_source_specific_group(h3.index, SSM, S3)
        .unwrap();
    converge(&querier, &all, quick, "h3 adds S3 to SSM");

    h3.conn
        .leave_source_specific_group(h3.index, SSM, S1)
        .unwrap();
    converge(&querier, &all, quick, "h3 drops S1 from SSM");

    h3.conn
        .leave_source_specific_group(h3.index, SSM, S3)
        .unwrap();
    converge(&querier, &all, quick, "h3 leaves SSM");

    h4.conn.join_group(h4.index, V2_GROUP).unwrap();
    converge(&querier, &all, quick, "h4 joins with an IGMPv2 report");
    let compatibility = querier
        .lock()
        .unwrap()
        .group(V2_GROUP)
        .unwrap()
        .compatibility;
    assert_eq!(compatibility, Compatibility::V2);

    h4.conn.leave_group(h4.index, V2_GROUP).unwrap();
    converge(&querier, &all, quick, "h4 leaves with an IGMPv2 leave");

    // h1 falls silent (its link goes down) without leaving: the group
    // times out after the Group Membership Interval.
    h1.ns.ip(&["link", "set", HOST_IF, "down"]).unwrap();
    let deadline = StdInstant::now() + slow;
    while querier.lock().unwrap().group(ASM).is_some() {
        assert!(StdInstant::now() < deadline, "{ASM} never timed out");
        thread::sleep(Duration::from_millis(50));
    }
    assert!(!querier.lock().unwrap().should_forward(S1, ASM));

    stop.store(true, Ordering::Relaxed);
    looping.join().unwrap().unwrap();
    let log = log.lock().unwrap();
    let count = |f: fn(&QueryKind) -> bool| log.sent.iter().filter(|k| f(k)).count();
    eprintln!(
        "sent {} general, {} group-specific, {} group-and-source-specific queries; \
         reports from {:?}",
        count(|k| matches!(k, QueryKind::General)),
        count(|k| matches!(k, QueryKind::Group(_))),
        count(|k| matches!(k, QueryKind::GroupAndSource(_))),
        log.reports_from
    );
    assert!(count(|k| matches!(k, QueryKind::General)) >= 3);
    assert!(count(|k| matches!(k, QueryKind::Group(_))) >= 2);
    assert!(count(|k| matches!(k, QueryKind::GroupAndSource(_))) >= 2);
    for h in [H1, H2, H3, H4] {
        assert!(log.reports_from.contains(&h), "no report from {h}");
    }
}

#[path = "../../std-adapter/examples/common/harness.rs"]
mod harness;

fn main() {
    use harness::kernel;
    harness::run([kernel(querier_agrees_with_linux_hosts)]);
}
