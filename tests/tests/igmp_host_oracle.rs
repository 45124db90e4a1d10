//! `ipv4_core::igmp::host::Host` against Linux, the reference IGMPv3 host.
//!
//! **State-change reports.** Host `a` of a private veth pair runs sequences
//! of socket operations through the kernel — any-source join and leave,
//! source-specific join and leave, block and unblock, three sockets per
//! group — with IGMPv3 forced, while host `b` captures every report `a`
//! sends. The same operations go to a `Host`, on a simulated clock. After
//! each step, for each group, the multiset of records the kernel sent (its
//! whole retransmission train) must equal ours: record types, groups and
//! source sets. Retransmission times are random on both sides, so only
//! what is sent is compared, not when; each step waits for the kernel's
//! train to end (its Unsolicited Report Interval is lowered to 20 ms).
//! Sixteen groups run side by side, each with its own sequence, so the
//! several hundred sequences take seconds. The sequences come from
//! proptest (a fixed seed; `IGMP_ORACLE_SEED=<n>` picks another), one
//! valid operation per step drawn from those the sockets' state allows.
//!
//! **Query answers.** Every fourth round ends with queries from `b`, built
//! by `ipv4_core`: a general query, then group-specific queries and, for
//! groups in INCLUDE mode, group-and-source-specific ones. The kernel's
//! answers (IS_IN/IS_EX records) must be the host's to the same queries.
//! Group-and-source-specific queries of EXCLUDE-mode groups are left out:
//! Linux answers them with the group's whole IS_EX record where RFC 9776
//! §5.2 (and the host) sends IS_IN of the queried sources not excluded.
//!
//! Within one report Linux may write two records of the same type for a
//! group (one for the sources it still lists, one for those it deleted);
//! records are therefore merged per report, group and type before the
//! comparison, which is what a router makes of them anyway.
//!
//! **A Linux bridge as the router.** A bridge with IGMPv3 snooping and a
//! querier (`mcast_snooping 1 mcast_igmp_version 3 mcast_querier 1`) is fed
//! our host's reports through a raw socket (`IP_HDRINCL`, via
//! `ipv4_std::RawConn`); `bridge -d mdb show` must then list the groups,
//! filter modes and sources we reported.

use std::collections::{BTreeMap, BTreeSet};
use std::io::Read;
use std::net::{Ipv4Addr, UdpSocket};
use std::process::Command;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::mpsc;
use std::thread;
use std::time::{Duration, Instant};

use ipv4_core::header::HeaderView;
use ipv4_core::igmp::FilterMode;
use ipv4_core::igmp::host::{Host, SocketId};
use ipv4_core::igmp::timing::{self, Random, Timers};
use ipv4_core::igmp::{MaxRespCode, Message, QueryV3Repr, RecordType, Sources, envelope};
use ipv4_std::options::MulticastOptions;
use ipv4_std::{PacketConn, RawConn};
use ipv4_tests::netns::{Netns, VethPair};
use ipv4_tests::sockets;
use proptest::collection::vec;
use proptest::prelude::*;
use proptest::strategy::ValueTree;
use proptest::test_runner::{Config, RngAlgorithm, TestRng, TestRunner};

/// Groups (and sequences) run side by side.
const LANES: usize = 16;
/// Rounds of `LANES` sequences: `ROUNDS × LANES` sequences in all.
const ROUNDS: usize = 20;
/// Operations per sequence.
const STEPS: usize = 6;
/// Sockets per group.
const SOCKETS: usize = 3;
/// Sources the operations pick from.
const POOL: [Ipv4Addr; 4] = [
    Ipv4Addr::new(203, 0, 113, 1),
    Ipv4Addr::new(203, 0, 113, 2),
    Ipv4Addr::new(203, 0, 113, 3),
    Ipv4Addr::new(203, 0, 113, 4),
];
/// Where the capture's end-of-window markers go.
const MARKER_GROUP: Ipv4Addr = Ipv4Addr::new(239, 255, 0, 1);
/// The kernel's Robustness Variable (`igmp_qrv`), and ours.
const ROBUSTNESS: u8 = 2;
/// The kernel's Unsolicited Report Interval, in ms.
const KERNEL_URI_MS: u32 = 20;
/// The wait after each step for the kernel's train to end: the first
/// report goes out two jiffies after the change, the second within the
/// interval (plus two jiffies) after that.
const SETTLE: Duration = Duration::from_millis(120);

/// A socket operation ([RFC 3678] delta API), on socket `.0`.
///
/// [RFC 3678]: https://www.rfc-editor.org/rfc/rfc3678
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Op {
    JoinAny(usize),
    Leave(usize),
    JoinSource(usize, Ipv4Addr),
    LeaveSource(usize, Ipv4Addr),
    Block(usize, Ipv4Addr),
    Unblock(usize, Ipv4Addr),
}

/// The sockets' filters for one group, as the test tracks them.
type Filters = [Option<(FilterMode, BTreeSet<Ipv4Addr>)>; SOCKETS];

/// Every operation the kernel accepts in state `f`.
fn valid_ops(f: &Filters) -> Vec<Op> {
    let mut ops = Vec::new();
    for (s, filter) in f.iter().enumerate() {
        match filter {
            None => {
                ops.push(Op::JoinAny(s));
                ops.extend(POOL.iter().map(|&x| Op::JoinSource(s, x)));
            }
            Some((FilterMode::Include, set)) => {
                ops.push(Op::Leave(s));
                for &x in &POOL {
                    ops.push(if set.contains(&x) {
                        Op::LeaveSource(s, x)
                    } else {
                        Op::JoinSource(s, x)
                    });
                }
            }
            Some((FilterMode::Exclude, set)) => {
                ops.push(Op::Leave(s));
                for &x in &POOL {
                    ops.push(if set.contains(&x) {
                        Op::Unblock(s, x)
                    } else {
                        Op::Block(s, x)
                    });
                }
            }
        }
    }
    ops
}

fn apply_model(f: &mut Filters, op: Op) {
    match op {
        Op::JoinAny(s) => f[s] = Some((FilterMode::Exclude, BTreeSet::new())),
        Op::Leave(s) => f[s] = None,
        Op::JoinSource(s, x) | Op::Block(s, x) => {
            let mode = if matches!(op, Op::Block(..)) {
                FilterMode::Exclude
            } else {
                FilterMode::Include
            };
            f[s].get_or_insert_with(|| (mode, BTreeSet::new()))
                .1
                .insert(x);
        }
        Op::LeaveSource(s, x) | Op::Unblock(s, x) => {
            let (mode, set) = f[s].as_mut().unwrap();
            set.remove(&x);
            if *mode == FilterMode::Include && set.is_empty() {
                f[s] = None;
            }
        }
    }
}

fn kernel_apply(
    conns: &[PacketConn<UdpSocket>],
    index: u32,
    group: Ipv4Addr,
    op: Op,
) -> std::io::Result<()> {
    match op {
        Op::JoinAny(s) => conns[s].join_group(index, group),
        Op::Leave(s) => conns[s].leave_group(index, group),
        Op::JoinSource(s, x) => conns[s].join_source_specific_group(index, group, x),
        Op::LeaveSource(s, x) => conns[s].leave_source_specific_group(index, group, x),
        Op::Block(s, x) => conns[s].exclude_source_specific_group(index, group, x),
        Op::Unblock(s, x) => conns[s].include_source_specific_group(index, group, x),
    }
}

type OracleHost = Host<LANES, 16, 4>;

fn host_apply(
    host: &mut OracleHost,
    now: timing::Instant,
    group: Ipv4Addr,
    op: Op,
) -> Result<(), ipv4_core::error::IgmpHostError> {
    let id = |s: usize| SocketId(s as u32);
    match op {
        Op::JoinAny(s) => host.join(now, id(s), group),
        Op::Leave(s) => host.leave(now, id(s), group),
        Op::JoinSource(s, x) => host.join_source(now, id(s), group, x),
        Op::LeaveSource(s, x) => host.leave_source(now, id(s), group, x),
        Op::Block(s, x) => host.block_source(now, id(s), group, x),
        Op::Unblock(s, x) => host.unblock_source(now, id(s), group, x),
    }
}

/// A record as compared: type and sorted sources.
type Record = (u8, Vec<Ipv4Addr>);

/// The records of one IGMPv3 report per group, merged per type.
fn report_records(igmp: &[u8]) -> BTreeMap<Ipv4Addr, Vec<Record>> {
    let Ok(Message::ReportV3(report)) = Message::parse(igmp) else {
        panic!("not an IGMPv3 report: {igmp:02x?}");
    };
    let mut merged: BTreeMap<(Ipv4Addr, RecordType), BTreeSet<Ipv4Addr>> = BTreeMap::new();
    for r in report.records() {
        merged
            .entry((r.group, r.record_type))
            .or_default()
            .extend(r.sources.iter());
    }
    let mut out: BTreeMap<Ipv4Addr, Vec<Record>> = BTreeMap::new();
    for ((group, ty), sources) in merged {
        out.entry(group)
            .or_default()
            .push((ty.0, sources.into_iter().collect()));
    }
    out
}

/// The IGMP message of an IPv4 packet from `from`, if it carries one.
fn igmp_from(packet: &[u8], from: Ipv4Addr) -> Option<&[u8]> {
    let ip = HeaderView::new_checked(packet).ok()?;
    if ip.protocol().0 != 2 || ip.source() != from {
        return None;
    }
    packet.get(ip.header_len()..usize::from(ip.total_len()))
}

/// xorshift32: the host's retransmission delays (their values do not
/// matter to the comparison).
struct Rng(u32);
impl Random for Rng {
    fn next_u32(&mut self) -> u32 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 17;
        self.0 ^= self.0 << 5;
        self.0
    }
}

/// Runs the host until nothing is pending; the records of every report,
/// per group.
fn host_train(
    host: &mut OracleHost,
    rng: &mut Rng,
    until: timing::Instant,
) -> BTreeMap<Ipv4Addr, Vec<Record>> {
    let mut out: BTreeMap<Ipv4Addr, Vec<Record>> = BTreeMap::new();
    let mut buf = vec![0u8; host.mtu()];
    while let Some(at) = host.poll_timeout().filter(|at| *at <= until) {
        host.poll_transmit(at, rng, &mut buf, |packet| {
            let igmp = igmp_from(packet, VethPair::A_ADDR).expect("an IGMP packet from us");
            for (group, records) in report_records(igmp) {
                out.entry(group).or_default().extend(records);
            }
        })
        .unwrap();
    }
    for records in out.values_mut() {
        records.sort();
    }
    out
}

/// Captures the IPv4 packets arriving in `ns`, with the times they were
/// read.
struct Capture {
    rx: mpsc::Receiver<(Instant, Vec<u8>)>,
    /// A socket of the sending host, for the end-of-window markers.
    marker: UdpSocket,
    stop: Arc<AtomicBool>,
    handle: Option<thread::JoinHandle<()>>,
}

impl Capture {
    fn start(ns: &Netns, marker: UdpSocket) -> Capture {
        let stop = Arc::new(AtomicBool::new(false));
        let (tx, rx) = mpsc::channel();
        let (ready_tx, ready_rx) = mpsc::channel();
        let handle = {
            let stop = Arc::clone(&stop);
            ns.spawn(move || {
                let mut sock =
                    sockets::packet_capture(libc::ETH_P_IP as u16, Duration::from_millis(10));
                ready_tx.send(()).unwrap();
                let mut buf = [0u8; 2048];
                while !stop.load(Ordering::Relaxed) {
                    if let Ok(n) = sock.read(&mut buf) {
                        let _ = tx.send((Instant::now(), buf[..n].to_vec()));
                    }
                }
            })
        };
        ready_rx.recv().expect("capture started");
        Capture {
            rx,
            marker,
            stop,
            handle: Some(handle),
        }
    }

    /// Everything captured up to now: sends a marker datagram from `a`
    /// (to a multicast group, so no ARP delays it) and collects packets
    /// until the marker comes through. The link and the capture keep
    /// order, so a busy machine that is slow to read cannot hand a late
    /// packet to the next window.
    fn drain(&self) -> Vec<(Instant, Vec<u8>)> {
        static NEXT: AtomicU64 = AtomicU64::new(0);
        let tag = format!(
            "igmp-oracle-marker-{}",
            NEXT.fetch_add(1, Ordering::Relaxed)
        );
        self.marker
            .send_to(tag.as_bytes(), (MARKER_GROUP, 9))
            .expect("send the marker");
        let mut packets = Vec::new();
        let deadline = Instant::now() + Duration::from_secs(10);
        while let Some(left) = deadline.checked_duration_since(Instant::now()) {
            let Ok((at, packet)) = self.rx.recv_timeout(left) else {
                break;
            };
            if packet.ends_with(tag.as_bytes()) {
                return packets;
            }
            packets.push((at, packet));
        }
        panic!("the capture marker did not come through");
    }
}

impl Drop for Capture {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::Relaxed);
        if let Some(h) = self.handle.take() {
            let _ = h.join();
        }
    }
}

/// Every `QUERY_EVERY`th round ends with queries: the kernel's answers to
/// them must be the host's.
const QUERY_EVERY: usize = 4;
/// Max Resp Code of those queries: 0.2 s.
const QUERY_MRC: u8 = 2;

/// Sends whole IPv4 packets built by `ipv4_core` (IGMP queries in their
/// envelope) from host `b`.
struct Querier {
    conn: RawConn<ipv4_std::socket2::Socket>,
}

impl Querier {
    fn new(ns: &Netns) -> Querier {
        ns.run(|| {
            let socket = ipv4_std::socket2::Socket::new(
                ipv4_std::socket2::Domain::IPV4,
                ipv4_std::socket2::Type::RAW,
                Some(ipv4_std::socket2::Protocol::from(2)),
            )
            .expect("raw socket");
            let conn = RawConn::new(socket).expect("IP_HDRINCL");
            conn.set_multicast_interface(VethPair::B_ADDR).unwrap();
            Querier { conn }
        })
    }

    /// Sends `query` from b; returns the message as the host sees it.
    fn send(&self, query: &QueryV3Repr<'_>) -> Vec<u8> {
        let mut buf = [0u8; 256];
        let len = envelope::emit_packet(&mut buf, VethPair::B_ADDR, |b| query.emit(b)).unwrap();
        let view = HeaderView::new_checked(&buf[..len]).unwrap();
        self.conn
            .send_view(&view, view.payload(), None)
            .expect("send the query");
        view.payload().to_vec()
    }
}

/// Answers to queries, per group: the kernel's (captured after `start`)
/// and the host's (fed the same queries at `now`).
fn answers(
    capture: &Capture,
    start: Instant,
    groups: &[Ipv4Addr],
    host: &mut OracleHost,
    rng: &mut Rng,
    now: timing::Instant,
    queries: &[Vec<u8>],
) -> (
    BTreeMap<Ipv4Addr, Vec<Record>>,
    BTreeMap<Ipv4Addr, Vec<Record>>,
) {
    thread::sleep(Duration::from_millis(u64::from(QUERY_MRC) * 100) + SETTLE);
    let mut kernel: BTreeMap<Ipv4Addr, Vec<Record>> = BTreeMap::new();
    for (at, packet) in capture.drain() {
        let Some(igmp) = igmp_from(&packet, VethPair::A_ADDR) else {
            continue;
        };
        for (group, records) in report_records(igmp) {
            if groups.contains(&group) {
                assert!(at >= start, "an answer of {group} before the query");
                kernel.entry(group).or_default().extend(records);
            }
        }
    }
    for records in kernel.values_mut() {
        records.sort();
    }
    for q in queries {
        let message = Message::parse(q).unwrap();
        let to = message.destination().unwrap();
        host.receive(now, rng, VethPair::B_ADDR, to, &message);
    }
    let ours = host_train(host, rng, now + Duration::from_secs(9));
    (kernel, ours)
}

fn seed() -> [u8; 32] {
    let n: u64 = std::env::var("IGMP_ORACLE_SEED")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(0x1915_2026);
    let mut seed = [0u8; 32];
    seed[..8].copy_from_slice(&n.to_le_bytes());
    seed
}

fn state_change_reports_match_linux() {
    let pair = VethPair::new().expect("veth pair");
    let conf = |key: &str| format!("net.ipv4.conf.{}.{key}", VethPair::A_IF);
    pair.a
        .sysctl(&conf("force_igmp_version"), "3")
        .expect("sysctl");
    pair.a
        .sysctl(
            &conf("igmpv3_unsolicited_report_interval"),
            &KERNEL_URI_MS.to_string(),
        )
        .expect("sysctl");
    pair.a
        .sysctl("net.ipv4.igmp_qrv", &ROBUSTNESS.to_string())
        .expect("sysctl");
    // Each socket may hold many memberships and source filters.
    let marker = pair.a.run(|| UdpSocket::bind("0.0.0.0:0").unwrap());
    let capture = Capture::start(&pair.b, marker);
    let querier = Querier::new(&pair.b);

    let mut runner = TestRunner::new_with_rng(
        Config::default(),
        TestRng::from_seed(RngAlgorithm::ChaCha, &seed()),
    );
    let sequences = vec(vec(any::<u16>(), STEPS), LANES);
    let mut rng = Rng(0x2545_f491);
    let timers = Timers {
        robustness: ROBUSTNESS,
        ..Timers::default()
    };
    let (mut compared_reports, mut silent_steps) = (0usize, 0usize);
    let mut compared_answers = 0usize;
    let mut failures = Vec::new();

    for round in 0..ROUNDS {
        let seeds = sequences.new_tree(&mut runner).unwrap().current();
        let groups: Vec<Ipv4Addr> = (0..LANES)
            .map(|lane| Ipv4Addr::new(239, 77, round as u8, lane as u8 + 1))
            .collect();
        let conns: Vec<Vec<PacketConn<UdpSocket>>> = pair.a.run(|| {
            (0..LANES)
                .map(|_| {
                    (0..SOCKETS)
                        .map(|_| PacketConn::new(UdpSocket::bind("0.0.0.0:0").unwrap()).unwrap())
                        .collect()
                })
                .collect()
        });
        let mut model: Vec<Filters> = vec![Default::default(); LANES];
        let mut history: Vec<Vec<Op>> = vec![Vec::new(); LANES];
        let mut host = OracleHost::new(VethPair::A_ADDR, timers);
        let mut failed = [false; LANES];

        for step in 0..STEPS {
            let ops: Vec<Op> = (0..LANES)
                .map(|lane| {
                    let valid = valid_ops(&model[lane]);
                    let op = valid[usize::from(seeds[lane][step]) % valid.len()];
                    apply_model(&mut model[lane], op);
                    history[lane].push(op);
                    op
                })
                .collect();
            let start = Instant::now();
            for lane in 0..LANES {
                kernel_apply(&conns[lane], pair.a_index, groups[lane], ops[lane])
                    .unwrap_or_else(|e| panic!("{:?} on {}: {e}", history[lane], groups[lane]));
            }
            thread::sleep(SETTLE);
            let mut kernel: BTreeMap<Ipv4Addr, Vec<Record>> = BTreeMap::new();
            for (at, packet) in capture.drain() {
                let Some(igmp) = igmp_from(&packet, VethPair::A_ADDR) else {
                    continue;
                };
                for (group, records) in report_records(igmp) {
                    if groups.contains(&group) {
                        assert!(at >= start, "a report of {group} before its step");
                        kernel.entry(group).or_default().extend(records);
                    }
                }
            }
            for records in kernel.values_mut() {
                records.sort();
            }

            let now = timing::Instant::from_millis(step as u64 * 10_000);
            for lane in 0..LANES {
                host_apply(&mut host, now, groups[lane], ops[lane]).unwrap_or_else(|e| {
                    panic!("host refused {:?} on {}: {e}", history[lane], groups[lane])
                });
                let id = |s: usize| SocketId(s as u32);
                for (s, f) in model[lane].iter().enumerate() {
                    let ours = host
                        .socket_filter(id(s), groups[lane])
                        .map(|(m, v)| (m, v.iter().copied().collect::<BTreeSet<_>>()));
                    assert_eq!(ours.as_ref(), f.as_ref(), "{:?}", history[lane]);
                }
            }
            let ours = host_train(&mut host, &mut rng, now + Duration::from_secs(9));
            assert_eq!(host.poll_timeout(), None);

            for lane in 0..LANES {
                let g = groups[lane];
                let (k, o) = (kernel.get(&g), ours.get(&g));
                if k != o && !failed[lane] {
                    failed[lane] = true;
                    failures.push(format!(
                        "group {g}, ops {:?}: step {step}: Linux sent {k:?}, the host {o:?}",
                        history[lane]
                    ));
                }
                match k {
                    Some(records) => compared_reports += records.len(),
                    None => silent_steps += 1,
                }
            }
        }
        if round % QUERY_EVERY == 0 {
            let mut rng_q = Rng(0x1234_5678 ^ round as u32);
            let now = timing::Instant::from_millis(STEPS as u64 * 10_000);
            let general = QueryV3Repr {
                max_resp_code: MaxRespCode::new(QUERY_MRC),
                ..QueryV3Repr::general()
            };
            let start = Instant::now();
            let sent = [querier.send(&general)];
            let (kernel, ours) =
                answers(&capture, start, &groups, &mut host, &mut rng_q, now, &sent);
            compare_answers(
                &kernel,
                &ours,
                "general query",
                &mut failures,
                &mut compared_answers,
            );
            assert!(!kernel.is_empty() || model.iter().all(|f| f.iter().all(Option::is_none)));

            // Group-specific queries, and group-and-source-specific ones
            // for groups in INCLUDE mode (in EXCLUDE mode Linux answers
            // those with the whole IS_EX record rather than RFC 9776
            // §5.2's IS_IN of the queried sources it receives).
            let mut sent = Vec::new();
            let start = Instant::now();
            for lane in 0..LANES {
                let Some((mode, _)) = host.interface_state(groups[lane]) else {
                    continue;
                };
                let queried: Vec<Ipv4Addr> = POOL
                    .iter()
                    .copied()
                    .filter(|x| u32::from(*x) % 3 != (seeds[lane][0] % 3).into())
                    .collect();
                let specific = lane % 2 == 0 || mode == FilterMode::Exclude;
                let query = QueryV3Repr {
                    max_resp_code: MaxRespCode::new(QUERY_MRC),
                    group: groups[lane],
                    sources: if specific {
                        Sources::EMPTY
                    } else {
                        Sources::from(&queried[..])
                    },
                    ..QueryV3Repr::general()
                };
                sent.push(querier.send(&query));
            }
            let now = now + Duration::from_secs(10);
            let (kernel, ours) =
                answers(&capture, start, &groups, &mut host, &mut rng_q, now, &sent);
            compare_answers(
                &kernel,
                &ours,
                "group(-and-source)-specific queries",
                &mut failures,
                &mut compared_answers,
            );
        }
        // Closing the sockets leaves every group; the next round uses
        // other groups, so these reports are only let pass.
        drop(conns);
        thread::sleep(SETTLE);
        capture.drain();
    }
    println!(
        "{} sequences of {STEPS} operations: {compared_reports} records matched, \
         {silent_steps} steps without a report on either side; \
         {compared_answers} answers to queries matched",
        ROUNDS * LANES
    );
    assert!(
        failures.is_empty(),
        "{} of {} sequences differ:\n{}",
        failures.len(),
        ROUNDS * LANES,
        failures.join("\n")
    );
}

fn compare_answers(
    kernel: &BTreeMap<Ipv4Addr, Vec<Record>>,
    ours: &BTreeMap<Ipv4Addr, Vec<Record>>,
    what: &str,
    failures: &mut Vec<String>,
    compared: &mut usize,
) {
    if kernel != ours {
        failures.push(format!(
            "{what}: Linux answered {kernel:?}, the host {ours:?}"
        ));
    }
    *compared += kernel.values().map(Vec::len).sum::<usize>();
}

// ---- a Linux bridge as the router ---------------------------------------

/// `(filter mode, sources)` of each IPv4 group the bridge lists for
/// `port`, from `bridge -d mdb show` (the `*,G` lines). The sources are
/// those the mode names: in EXCLUDE mode the bridge also lists sources
/// asked for since (RFC 9776 §6.4's "Requested List", with a running
/// timer); only the excluded ones, whose timer is 0, are returned.
fn bridge_groups(ns: &Netns, port: &str) -> BTreeMap<Ipv4Addr, (String, BTreeSet<Ipv4Addr>)> {
    let out = Command::new("ip")
        .args(["netns", "exec", ns.name(), "bridge", "-d", "mdb", "show"])
        .output()
        .expect("bridge mdb show");
    assert!(out.status.success(), "{out:?}");
    let text = String::from_utf8(out.stdout).unwrap();
    let mut groups = BTreeMap::new();
    for line in text.lines() {
        let words: Vec<&str> = line.split_whitespace().collect();
        let after = |key: &str| {
            words
                .iter()
                .position(|w| *w == key)
                .and_then(|i| words.get(i + 1))
                .copied()
        };
        // (S,G) lines carry `src`; the group's own line the mode.
        if after("port") != Some(port) || after("src").is_some() {
            continue;
        }
        let Some(group) = after("grp").and_then(|g| g.parse::<Ipv4Addr>().ok()) else {
            continue;
        };
        let mode = after("filter_mode").unwrap_or("").to_owned();
        let excluding = mode == "exclude";
        let sources = after("source_list")
            .map(|list| {
                list.split(',')
                    .filter_map(|entry| {
                        let (addr, timer) = entry.split_once('/')?;
                        let running = timer.parse::<f64>().ok()? > 0.0;
                        (running != excluding).then(|| addr.parse().ok())?
                    })
                    .collect()
            })
            .unwrap_or_default();
        groups.insert(group, (mode, sources));
    }
    groups
}

struct Fixed;
impl Random for Fixed {
    fn next_u32(&mut self) -> u32 {
        u32::MAX / 3
    }
}

fn linux_bridge_learns_what_the_host_reports() {
    let sw = Netns::new().expect("namespace");
    let h = Netns::new().expect("namespace");
    sw.ip(&[
        "link",
        "add",
        "br0",
        "type",
        "bridge",
        "mcast_snooping",
        "1",
        "mcast_igmp_version",
        "3",
        "mcast_querier",
        "1",
    ])
    .expect("bridge");
    sw.ip(&[
        "link",
        "add",
        "sw-p",
        "type",
        "veth",
        "peer",
        "name",
        "h0",
        "netns",
        h.name(),
    ])
    .expect("veth");
    sw.ip(&["link", "set", "sw-p", "master", "br0"]).unwrap();
    sw.ip(&["link", "set", "sw-p", "up"]).unwrap();
    sw.ip(&["link", "set", "br0", "up"]).unwrap();
    let me = VethPair::A_ADDR;
    h.ip(&["addr", "add", &format!("{me}/24"), "dev", "h0"])
        .unwrap();
    h.ip(&["link", "set", "h0", "up"]).unwrap();
    h.ip(&["route", "add", "224.0.0.0/4", "dev", "h0"]).unwrap();
    let index = h.if_index("h0").unwrap();

    let any = Ipv4Addr::new(239, 1, 2, 3);
    let ssm = Ipv4Addr::new(232, 1, 1, 1);
    let [s1, s2, s3, s4] = POOL;
    let mut host: Host = Host::new(me, Timers::default());
    let t0 = timing::Instant::ZERO;
    host.join(t0, SocketId(1), any).unwrap();
    host.block_source(t0, SocketId(1), any, s1).unwrap();
    host.block_source(t0, SocketId(1), any, s2).unwrap();
    host.join(t0, SocketId(2), any).unwrap();
    host.block_source(t0, SocketId(2), any, s2).unwrap();
    host.join_source(t0, SocketId(1), ssm, s3).unwrap();
    host.join_source(t0, SocketId(2), ssm, s4).unwrap();
    // Interface state: 239.1.2.3 EXCLUDE{s2} (the intersection), 232.1.1.1
    // INCLUDE{s3, s4} (the union).

    h.run(|| {
        let socket = ipv4_std::socket2::Socket::new(
            ipv4_std::socket2::Domain::IPV4,
            ipv4_std::socket2::Type::RAW,
            Some(ipv4_std::socket2::Protocol::from(2)),
        )
        .expect("raw socket");
        let conn = RawConn::new(socket).expect("IP_HDRINCL");
        conn.set_multicast_interface(index).unwrap();
        let mut buf = vec![0u8; host.mtu()];
        let mut rng = Fixed;
        let mut sent = 0;
        while let Some(at) = host.poll_timeout() {
            host.poll_transmit(at, &mut rng, &mut buf, |packet| {
                let view = HeaderView::new_checked(packet).unwrap();
                conn.send_view(&view, view.payload(), None).expect("send");
                sent += 1;
            })
            .unwrap();
        }
        assert!(sent >= 2, "Robustness reports");
    });
    let mut seen = BTreeMap::new();
    for _ in 0..50 {
        seen = bridge_groups(&sw, "sw-p");
        if seen.len() >= 2 {
            break;
        }
        thread::sleep(Duration::from_millis(20));
    }
    assert_eq!(
        seen.get(&any),
        Some(&("exclude".to_owned(), BTreeSet::from([s2]))),
        "{seen:?}"
    );
    assert_eq!(
        seen.get(&ssm),
        Some(&("include".to_owned(), BTreeSet::from([s3, s4]))),
        "{seen:?}"
    );
    assert_eq!(
        host.interface_state(any),
        Some((FilterMode::Exclude, &[s2][..]))
    );
}

#[path = "../../std-adapter/examples/common/harness.rs"]
mod harness;

fn main() {
    use harness::kernel;
    harness::run([
        kernel(state_change_reports_match_linux),
        kernel(linux_bridge_learns_what_the_host_reports),
    ]);
}
