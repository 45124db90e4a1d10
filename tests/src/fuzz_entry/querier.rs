//! The `igmp_querier` target: random event sequences for the IGMPv3
//! querier state machine.

use std::net::Ipv4Addr;
use std::time::Duration;

use arbitrary::{Arbitrary, Unstructured};
use ipv4_core::checksum::Policy;
use ipv4_core::error::{IgmpBuildError, QuerierError};
use ipv4_core::header::{HeaderView, Protocol};
use ipv4_core::igmp::FilterMode;
use ipv4_core::igmp::querier::{MIN_BUFFER_LEN, Querier, QueryKind};
use ipv4_core::igmp::timing::{Instant, Timers};
use ipv4_core::igmp::{
    ALL_SYSTEMS, GroupRecord, MaxRespCode, Message, Qqic, QueryV3Repr, RecordType, ReportV3Repr,
    Sources, V1V2Repr,
};

use super::{debug, show};

const GROUPS: usize = 4;
const SOURCES: usize = 4;

/// Small pools, so that events meet the same groups and sources.
fn group(n: u8) -> Ipv4Addr {
    match n % 8 {
        // Ignored ones: link-local control, unicast, unspecified.
        5 => Ipv4Addr::new(224, 0, 0, 22),
        6 => Ipv4Addr::new(198, 51, 100, 9),
        7 => Ipv4Addr::UNSPECIFIED,
        n => Ipv4Addr::new(239, 1, 1, n),
    }
}

fn source(n: u8) -> Ipv4Addr {
    Ipv4Addr::new(203, 0, 113, n % 8)
}

fn router(n: u8) -> Ipv4Addr {
    Ipv4Addr::new(198, 51, 100, n % 5)
}

#[derive(Arbitrary, Debug)]
enum Event {
    /// Time passes, in milliseconds.
    Advance(u16),
    /// Arbitrary bytes from an arbitrary sender, taken as an IGMP message.
    Bytes { from: u8, bytes: Vec<u8> },
    /// A well-formed IGMPv3 report.
    Report {
        from: u8,
        records: Vec<(u8, u8, Vec<u8>)>,
    },
    /// IGMPv1/v2 report, leave, or query (0..=4).
    V1V2 { kind: u8, group: u8, from: u8 },
    /// An IGMPv3 query from another router.
    Query {
        from: u8,
        group: Option<u8>,
        s_flag: bool,
        qrv: u8,
        qqic: u8,
        sources: Vec<u8>,
    },
    /// Everything due now, into a buffer of this size.
    Transmit(u16),
    /// The interface address changes.
    Address(u8),
}

#[derive(Arbitrary, Debug)]
struct Input {
    robustness: u8,
    query_interval_ms: u16,
    response_ms: u16,
    lmqi_ms: u16,
    lmqc: Option<u8>,
    events: Vec<Event>,
}

/// Feeds a random event sequence to a `Querier` with room for 4 groups of
/// 4 sources, and checks after every event that the table stays within
/// capacity and consistent, and that every packet it writes parses with
/// the core, travels in the RFC envelope and agrees with the table.
pub fn igmp_querier(data: &[u8]) {
    let Ok(input) = Input::arbitrary_take_rest(Unstructured::new(data)) else {
        return;
    };
    let timers = Timers {
        robustness: input.robustness % 9,
        query_interval: Duration::from_millis(u64::from(input.query_interval_ms) + 1),
        query_response_interval: Duration::from_millis(u64::from(input.response_ms)),
        last_member_query_interval: Duration::from_millis(u64::from(input.lmqi_ms)),
        last_member_query_count: input.lmqc.map(|c| c % 5),
        ..Timers::default()
    };
    let mut q: Querier<GROUPS, SOURCES> = Querier::new(router(2), timers);
    let mut now = 0u64;
    for event in input.events.iter().take(256) {
        match event {
            Event::Advance(ms) => {
                now += u64::from(*ms);
                q.poll(Instant::from_millis(now));
            }
            Event::Bytes { from, bytes } => {
                if let Ok(m) = Message::parse_with(bytes, Policy::Trust) {
                    receive(&mut q, now, router(*from), &m);
                }
            }
            Event::Report { from, records } => {
                let sources: Vec<Vec<Ipv4Addr>> = records
                    .iter()
                    .map(|(_, _, s)| s.iter().take(16).map(|&n| source(n)).collect())
                    .collect();
                let records: Vec<GroupRecord<'_>> = records
                    .iter()
                    .zip(&sources)
                    .take(8)
                    .map(|((t, g, _), s)| GroupRecord::new(RecordType(t % 8), group(*g), &s[..]))
                    .collect();
                let mut buf = vec![0u8; 2048];
                let len = ReportV3Repr::new(&records[..]).emit(&mut buf).unwrap();
                let m = Message::parse_with(&buf[..len], Policy::Enforce).unwrap();
                receive(&mut q, now, router(*from), &m);
            }
            Event::V1V2 {
                kind,
                group: g,
                from,
            } => {
                let repr = match kind % 5 {
                    0 => V1V2Repr::report_v1(group(*g)),
                    1 => V1V2Repr::report_v2(group(*g)),
                    2 => V1V2Repr::leave(group(*g)),
                    3 => V1V2Repr::query_v1(),
                    _ => V1V2Repr::query_v2(group(*g), 10),
                };
                let mut buf = [0u8; 8];
                repr.emit(&mut buf).unwrap();
                let m = Message::parse_with(&buf, Policy::Enforce).unwrap();
                receive(&mut q, now, router(*from), &m);
            }
            Event::Query {
                from,
                group: g,
                s_flag,
                qrv,
                qqic,
                sources,
            } => {
                let sources: Vec<Ipv4Addr> = sources.iter().take(16).map(|&n| source(n)).collect();
                let repr = QueryV3Repr {
                    group: g.map_or(Ipv4Addr::UNSPECIFIED, group),
                    s_flag: *s_flag,
                    qrv: *qrv,
                    qqic: Qqic::new(*qqic),
                    max_resp_code: MaxRespCode::new(10),
                    sources: Sources::from(&sources[..]),
                    ..QueryV3Repr::general()
                };
                let mut buf = vec![0u8; repr.buffer_len()];
                repr.emit(&mut buf).unwrap();
                let m = Message::parse_with(&buf, Policy::Enforce).unwrap();
                receive(&mut q, now, router(*from), &m);
            }
            Event::Transmit(len) => transmit(&mut q, now, usize::from(*len)),
            Event::Address(n) => q.set_address(router(*n)),
        }
        check_table(&q);
    }
    // Whatever is pending drains in a bounded number of packets.
    transmit(&mut q, now + 600_000, 1500);
    check_table(&q);
}

fn receive(q: &mut Querier<GROUPS, SOURCES>, now: u64, from: Ipv4Addr, m: &Message<'_>) {
    match q.receive(Instant::from_millis(now), from, m) {
        Ok(()) => {}
        Err(e @ (QuerierError::GroupTableFull { .. } | QuerierError::SourceTableFull { .. })) => {
            show(&e)
        }
        Err(e) => panic!("receive failed with {e}"),
    }
}

/// Sends everything due at `now` into `len`-byte buffers; checks each
/// packet.
fn transmit(q: &mut Querier<GROUPS, SOURCES>, now: u64, len: usize) {
    let mut buf = vec![0u8; len.min(4096)];
    let at = Instant::from_millis(now);
    // Each instant: a few general queries (a zero start-up interval) and,
    // per group, up to Last Member Query Count rounds (a zero interval) of
    // one group query and one packet per source.
    for _ in 0..=(8 * GROUPS * (SOURCES + 2) + 16) {
        let t = match q.poll_transmit(at, &mut buf) {
            Ok(Some(t)) => t,
            Ok(None) => return,
            Err(QuerierError::Build(IgmpBuildError::BufferTooSmall(b))) => {
                assert!(buf.len() < MIN_BUFFER_LEN, "{b}");
                return;
            }
            Err(e) => panic!("poll_transmit failed with {e}"),
        };
        debug(&t);
        assert!(t.len <= buf.len());
        let ip = HeaderView::new_checked(&buf[..t.len]).unwrap();
        assert!(ip.verify_checksum());
        assert_eq!(
            (ip.ttl(), ip.tos(), ip.protocol()),
            (1, 0xc0, Protocol::IGMP)
        );
        assert_eq!(ip.options(), [0x94, 0x04, 0, 0]);
        assert_eq!(ip.source(), q.address());
        assert_eq!(ip.destination(), t.destination);
        let Ok(Message::QueryV3(query)) = Message::parse_with(ip.payload(), Policy::Enforce) else {
            panic!("the querier sent something else than an IGMPv3 query");
        };
        assert_eq!(query.s_flag(), t.s_flag);
        assert!(q.is_querier());
        match t.kind {
            QueryKind::General => {
                assert!(query.is_general() && !t.s_flag);
                assert_eq!(t.destination, ALL_SYSTEMS);
            }
            QueryKind::Group(g) => {
                assert_eq!((query.group(), t.destination), (g, g));
                assert_eq!(query.number_of_sources(), 0);
                // Only EXCLUDE-mode groups are asked about as a whole.
                let state = q.group(g).expect("a queried group has a record");
                assert_eq!(state.filter_mode, FilterMode::Exclude);
            }
            QueryKind::GroupAndSource(g) => {
                assert_eq!((query.group(), t.destination), (g, g));
                assert!(query.number_of_sources() > 0);
                let state = q.group(g).expect("a queried group has a record");
                for s in query.sources() {
                    assert!(
                        state.sources().any(|r| r.source == s),
                        "{s} queried but not in {g}'s table"
                    );
                }
            }
        }
    }
    panic!("poll_transmit does not run dry");
}

/// Capacity, uniqueness, INCLUDE-mode groups never empty, and the
/// forwarding answer consistent with the table.
fn check_table(q: &Querier<GROUPS, SOURCES>) {
    let groups: Vec<_> = q.groups().collect();
    assert!(groups.len() <= GROUPS);
    for (i, g) in groups.iter().enumerate() {
        debug(g);
        assert!(g.group.is_multicast());
        assert!(groups[..i].iter().all(|o| o.group != g.group));
        let sources: Vec<_> = g.sources().collect();
        assert!(sources.len() <= SOURCES);
        for (j, s) in sources.iter().enumerate() {
            assert!(sources[..j].iter().all(|o| o.source != s.source));
            assert_eq!(q.should_forward(s.source, g.group), s.forwarding());
        }
        match g.filter_mode {
            FilterMode::Include => {
                assert!(!sources.is_empty());
                assert!(sources.iter().all(|s| s.forwarding()));
                assert!(g.group_timer.is_none());
            }
            FilterMode::Exclude => assert!(g.group_timer.is_some()),
        }
        for n in 0..8 {
            assert_eq!(q.should_forward(source(n), g.group), g.forwards(source(n)));
        }
    }
    if q.is_querier() {
        assert!(q.poll_timeout().is_some());
    }
}
