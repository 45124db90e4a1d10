//! Every row of the action tables of RFC 9776 §6.4.1 and §6.4.2, the
//! election, start-up queries, Last Member Query retransmissions with the
//! S flag, older hosts, and timer expiry; all on the RFC's default timers
//! (Group Membership Interval 260 s, Last Member Query Interval 1 s and
//! Count 2, so Last Member Query Time 2 s) with a clock in milliseconds.

extern crate std;

use core::net::Ipv4Addr;
use core::time::Duration;
use std::vec::Vec;

use super::*;
use crate::header::HeaderView;
use crate::igmp::{GroupRecord, RecordType, ReportV3Repr, V1V2Repr};

const ME: Ipv4Addr = Ipv4Addr::new(198, 51, 100, 10);
const HOST: Ipv4Addr = Ipv4Addr::new(198, 51, 100, 20);
const G: Ipv4Addr = Ipv4Addr::new(239, 1, 2, 3);
const GMI: u64 = 260_000;
const LMQT: u64 = 2_000;

type Q = Querier<8, 8>;

fn s(n: u8) -> Ipv4Addr {
    Ipv4Addr::new(203, 0, 113, n)
}

fn at(ms: u64) -> Instant {
    Instant::from_millis(ms)
}

/// A querier whose start-up general query is already sent.
fn querier() -> Q {
    let mut q = Q::new(ME, Timers::default());
    let t = q.poll_transmit(at(0), &mut [0u8; 64]).unwrap().unwrap();
    assert_eq!(t.kind, QueryKind::General);
    q
}

fn record(q: &mut Q, ms: u64, record_type: RecordType, sources: &[u8]) {
    let sources: Vec<Ipv4Addr> = sources.iter().map(|&n| s(n)).collect();
    let records = [GroupRecord::new(record_type, G, &sources[..])];
    let mut buf = [0u8; 256];
    let len = ReportV3Repr::new(&records).emit(&mut buf).unwrap();
    let message = Message::parse(&buf[..len]).unwrap();
    q.receive(at(ms), HOST, &message).unwrap();
}

fn v1v2(q: &mut Q, ms: u64, repr: V1V2Repr, from: Ipv4Addr) {
    let mut buf = [0u8; 8];
    repr.emit(&mut buf).unwrap();
    q.receive(at(ms), from, &Message::parse(&buf).unwrap())
        .unwrap();
}

/// A query sent, as parsed back from the packet.
#[derive(Debug, PartialEq)]
struct Sent {
    group: Ipv4Addr,
    s_flag: bool,
    sources: Vec<Ipv4Addr>,
}

fn sent(group: Ipv4Addr, s_flag: bool, sources: &[u8]) -> Sent {
    Sent {
        group,
        s_flag,
        sources: sources.iter().map(|&n| s(n)).collect(),
    }
}

/// Every packet due at `ms`, checked against the RFC envelope and parsed;
/// general queries are left out.
fn drain(q: &mut Q, ms: u64) -> Vec<Sent> {
    let mut out = Vec::new();
    let mut buf = [0u8; 1500];
    while let Some(t) = q.poll_transmit(at(ms), &mut buf).unwrap() {
        let ip = HeaderView::new_checked(&buf[..t.len]).unwrap();
        assert!(ip.verify_checksum());
        assert_eq!((ip.ttl(), ip.tos(), ip.source()), (1, 0xc0, ME));
        assert_eq!(ip.options(), [0x94, 0x04, 0, 0]);
        assert_eq!(ip.destination(), t.destination);
        let Ok(Message::QueryV3(query)) = Message::parse(ip.payload()) else {
            panic!("not an IGMPv3 query");
        };
        let expected = if query.is_general() {
            crate::igmp::ALL_SYSTEMS
        } else {
            query.group()
        };
        assert_eq!(t.destination, expected);
        assert_eq!(t.s_flag, query.s_flag());
        let mut sources: Vec<Ipv4Addr> = query.sources().iter().collect();
        sources.sort();
        if query.is_general() {
            continue;
        }
        out.push(Sent {
            group: query.group(),
            s_flag: query.s_flag(),
            sources,
        });
        assert!(out.len() < 100, "poll_transmit does not run dry");
    }
    out
}

/// The group's mode, group timer and sources with their timers (ms),
/// sorted; `None` for a timer at zero.
/// A group's mode, group timer and (source, timer) pairs.
type State = (FilterMode, Option<u64>, Vec<(u8, Option<u64>)>);

fn state(q: &Q) -> Option<State> {
    let g = q.group(G)?;
    let mut sources: Vec<(u8, Option<u64>)> = g
        .sources()
        .map(|x| (x.source.octets()[3], x.timer.map(Instant::as_millis)))
        .collect();
    sources.sort();
    Some((
        g.filter_mode,
        g.group_timer.map(Instant::as_millis),
        sources,
    ))
}

use crate::igmp::FilterMode::{self, Exclude, Include};

/// INCLUDE ({1: GMI, 2: GMI}) at 0.
fn include_1_2() -> Q {
    let mut q = querier();
    record(&mut q, 0, RecordType::ALLOW_NEW_SOURCES, &[1, 2]);
    assert_eq!(
        state(&q),
        Some((Include, None, vec![(1, Some(GMI)), (2, Some(GMI))]))
    );
    q
}

/// EXCLUDE (X = {1, 4}, Y = {2, 5}), group timer GMI from 0; X's
/// timers GMI from 100.
fn exclude_x14_y25() -> Q {
    let mut q = querier();
    record(&mut q, 0, RecordType::MODE_IS_EXCLUDE, &[1, 2, 4, 5]);
    record(&mut q, 100, RecordType::ALLOW_NEW_SOURCES, &[1, 4]);
    assert_eq!(
        state(&q),
        Some((
            Exclude,
            Some(GMI),
            vec![
                (1, Some(GMI + 100)),
                (2, None),
                (4, Some(GMI + 100)),
                (5, None)
            ]
        ))
    );
    q
}

use std::vec;

// RFC 9776 §6.4.1, current-state records.

#[test]
fn include_is_in() {
    // INCLUDE (A) + IS_IN (B) -> INCLUDE (A+B); (B)=GMI.
    let mut q = include_1_2();
    record(&mut q, 1000, RecordType::MODE_IS_INCLUDE, &[2, 3]);
    assert_eq!(
        state(&q),
        Some((
            Include,
            None,
            vec![(1, Some(GMI)), (2, Some(GMI + 1000)), (3, Some(GMI + 1000))]
        ))
    );
    assert_eq!(drain(&mut q, 1000), []);
}

#[test]
fn include_is_ex() {
    // INCLUDE (A) + IS_EX (B) -> EXCLUDE (A*B, B-A); (B-A)=0,
    // Delete (A-B), Group Timer=GMI.
    let mut q = include_1_2();
    record(&mut q, 1000, RecordType::MODE_IS_EXCLUDE, &[2, 3]);
    assert_eq!(
        state(&q),
        Some((Exclude, Some(GMI + 1000), vec![(2, Some(GMI)), (3, None)]))
    );
    assert_eq!(drain(&mut q, 1000), []);
}

#[test]
fn exclude_is_in() {
    // EXCLUDE (X,Y) + IS_IN (A) -> EXCLUDE (X+A, Y-A); (A)=GMI.
    let mut q = exclude_x14_y25();
    record(&mut q, 1000, RecordType::MODE_IS_INCLUDE, &[2, 3]);
    assert_eq!(
        state(&q),
        Some((
            Exclude,
            Some(GMI),
            vec![
                (1, Some(GMI + 100)),
                (2, Some(GMI + 1000)),
                (3, Some(GMI + 1000)),
                (4, Some(GMI + 100)),
                (5, None)
            ]
        ))
    );
    assert_eq!(drain(&mut q, 1000), []);
}

#[test]
fn exclude_is_ex() {
    // EXCLUDE (X,Y) + IS_EX (A) -> EXCLUDE (A-Y, Y*A); (A-X-Y)=GMI,
    // Delete (X-A), Delete (Y-A), Group Timer=GMI.
    let mut q = exclude_x14_y25();
    record(&mut q, 1000, RecordType::MODE_IS_EXCLUDE, &[1, 2, 3]);
    assert_eq!(
        state(&q),
        Some((
            Exclude,
            Some(GMI + 1000),
            vec![(1, Some(GMI + 100)), (2, None), (3, Some(GMI + 1000))]
        ))
    );
    assert_eq!(drain(&mut q, 1000), []);
}

// RFC 9776 §6.4.2, filter-mode-change and source-list-change records.

#[test]
fn include_allow() {
    // INCLUDE (A) + ALLOW (B) -> INCLUDE (A+B); (B)=GMI.
    let mut q = include_1_2();
    record(&mut q, 1000, RecordType::ALLOW_NEW_SOURCES, &[3]);
    assert_eq!(
        state(&q),
        Some((
            Include,
            None,
            vec![(1, Some(GMI)), (2, Some(GMI)), (3, Some(GMI + 1000))]
        ))
    );
    assert_eq!(drain(&mut q, 1000), []);
}

#[test]
fn include_block() {
    // INCLUDE (A) + BLOCK (B) -> INCLUDE (A); Send Q(G,A*B).
    let mut q = include_1_2();
    record(&mut q, 1000, RecordType::BLOCK_OLD_SOURCES, &[2, 3]);
    assert_eq!(
        state(&q),
        Some((Include, None, vec![(1, Some(GMI)), (2, Some(1000 + LMQT))]))
    );
    assert_eq!(drain(&mut q, 1000), [sent(G, false, &[2])]);
    // Last Member Query Count 2: one retransmission a second later.
    assert_eq!(q.poll_timeout(), Some(at(2000)));
    assert_eq!(drain(&mut q, 2000), [sent(G, false, &[2])]);
    // Nobody answered: source 2 goes at 1000 + LMQT.
    q.poll(at(3000));
    assert_eq!(state(&q), Some((Include, None, vec![(1, Some(GMI))])));
    assert!(q.should_forward(s(1), G));
    assert!(!q.should_forward(s(2), G));
    assert_eq!(drain(&mut q, 10_000), []);
}

#[test]
fn include_to_ex() {
    // INCLUDE (A) + TO_EX (B) -> EXCLUDE (A*B, B-A); (B-A)=0,
    // Delete (A-B), Send Q(G,A*B), Group Timer=GMI.
    let mut q = include_1_2();
    record(&mut q, 1000, RecordType::CHANGE_TO_EXCLUDE_MODE, &[2, 3]);
    assert_eq!(
        state(&q),
        Some((
            Exclude,
            Some(GMI + 1000),
            vec![(2, Some(1000 + LMQT)), (3, None)]
        ))
    );
    assert_eq!(drain(&mut q, 1000), [sent(G, false, &[2])]);
    assert_eq!(drain(&mut q, 2000), [sent(G, false, &[2])]);
    // Source 2's timer runs out: it joins Y, and is no longer forwarded.
    q.poll(at(3000));
    assert_eq!(
        state(&q),
        Some((Exclude, Some(GMI + 1000), vec![(2, None), (3, None)]))
    );
    assert!(!q.should_forward(s(2), G));
    assert!(q.should_forward(s(1), G));
}

#[test]
fn include_to_in() {
    // INCLUDE (A) + TO_IN (B) -> INCLUDE (A+B); (B)=GMI, Send Q(G,A-B).
    let mut q = include_1_2();
    record(&mut q, 1000, RecordType::CHANGE_TO_INCLUDE_MODE, &[2, 3]);
    assert_eq!(
        state(&q),
        Some((
            Include,
            None,
            vec![
                (1, Some(1000 + LMQT)),
                (2, Some(GMI + 1000)),
                (3, Some(GMI + 1000))
            ]
        ))
    );
    assert_eq!(drain(&mut q, 1000), [sent(G, false, &[1])]);
}

#[test]
fn exclude_allow() {
    // EXCLUDE (X,Y) + ALLOW (A) -> EXCLUDE (X+A, Y-A); (A)=GMI.
    let mut q = exclude_x14_y25();
    record(&mut q, 1000, RecordType::ALLOW_NEW_SOURCES, &[2, 3]);
    assert_eq!(
        state(&q),
        Some((
            Exclude,
            Some(GMI),
            vec![
                (1, Some(GMI + 100)),
                (2, Some(GMI + 1000)),
                (3, Some(GMI + 1000)),
                (4, Some(GMI + 100)),
                (5, None)
            ]
        ))
    );
    assert_eq!(drain(&mut q, 1000), []);
}

#[test]
fn exclude_block() {
    // EXCLUDE (X,Y) + BLOCK (A) -> EXCLUDE (X+(A-Y), Y);
    // (A-X-Y)=Group Timer, Send Q(G,A-Y).
    let mut q = exclude_x14_y25();
    record(&mut q, 1000, RecordType::BLOCK_OLD_SOURCES, &[1, 2, 3]);
    // 1 and 3 are queried: their timers drop to LMQT.
    assert_eq!(
        state(&q),
        Some((
            Exclude,
            Some(GMI),
            vec![
                (1, Some(1000 + LMQT)),
                (2, None),
                (3, Some(1000 + LMQT)),
                (4, Some(GMI + 100)),
                (5, None)
            ]
        ))
    );
    assert_eq!(drain(&mut q, 1000), [sent(G, false, &[1, 3])]);
}

#[test]
fn exclude_block_new_source_takes_the_group_timer() {
    // (A-X-Y)=Group Timer: with the group timer itself below LMQT (a
    // leave is being queried), the new source gets it and is not queried.
    let mut q = exclude_x14_y25();
    record(&mut q, 1000, RecordType::CHANGE_TO_INCLUDE_MODE, &[1, 4]);
    drain(&mut q, 1000);
    record(&mut q, 1500, RecordType::BLOCK_OLD_SOURCES, &[3]);
    let (_, group_timer, sources) = state(&q).unwrap();
    assert_eq!(group_timer, Some(1000 + LMQT));
    assert!(sources.contains(&(3, Some(1000 + LMQT))));
    assert_eq!(drain(&mut q, 1500), []);
}

#[test]
fn exclude_to_ex() {
    // EXCLUDE (X,Y) + TO_EX (A) -> EXCLUDE (A-Y, Y*A); (A-X-Y)=Group
    // Timer, Delete (X-A), Delete (Y-A), Send Q(G,A-Y), Group Timer=GMI.
    let mut q = exclude_x14_y25();
    record(&mut q, 1000, RecordType::CHANGE_TO_EXCLUDE_MODE, &[1, 2, 3]);
    assert_eq!(
        state(&q),
        Some((
            Exclude,
            Some(GMI + 1000),
            vec![(1, Some(1000 + LMQT)), (2, None), (3, Some(1000 + LMQT))]
        ))
    );
    assert_eq!(drain(&mut q, 1000), [sent(G, false, &[1, 3])]);
}

#[test]
fn exclude_to_in() {
    // EXCLUDE (X,Y) + TO_IN (A) -> EXCLUDE (X+A, Y-A); (A)=GMI,
    // Send Q(G,X-A), Send Q(G).
    let mut q = exclude_x14_y25();
    record(&mut q, 1000, RecordType::CHANGE_TO_INCLUDE_MODE, &[1, 2, 3]);
    assert_eq!(
        state(&q),
        Some((
            Exclude,
            Some(1000 + LMQT),
            vec![
                (1, Some(GMI + 1000)),
                (2, Some(GMI + 1000)),
                (3, Some(GMI + 1000)),
                (4, Some(1000 + LMQT)),
                (5, None)
            ]
        ))
    );
    assert_eq!(
        drain(&mut q, 1000),
        [sent(G, false, &[]), sent(G, false, &[4])]
    );
    assert_eq!(
        drain(&mut q, 2000),
        [sent(G, false, &[]), sent(G, false, &[4])]
    );
    // Nobody kept the group in EXCLUDE mode: at 1000 + LMQT it switches
    // to INCLUDE with the sources still running (§6.5); 4 ran out with
    // the group timer, 5 was at zero.
    q.poll(at(3000));
    assert_eq!(
        state(&q),
        Some((
            Include,
            None,
            vec![
                (1, Some(GMI + 1000)),
                (2, Some(GMI + 1000)),
                (3, Some(GMI + 1000))
            ]
        ))
    );
    assert!(!q.should_forward(s(4), G));
    assert!(!q.should_forward(s(5), G));
}

#[test]
fn records_for_a_group_without_a_record() {
    // No record is INCLUDE ({}): IS_IN({}), TO_IN({}), BLOCK create
    // nothing; IS_EX({}) starts EXCLUDE mode.
    let mut q = querier();
    record(&mut q, 0, RecordType::MODE_IS_INCLUDE, &[]);
    record(&mut q, 0, RecordType::CHANGE_TO_INCLUDE_MODE, &[]);
    record(&mut q, 0, RecordType::BLOCK_OLD_SOURCES, &[1]);
    assert_eq!(state(&q), None);
    assert!(!q.should_forward(s(1), G));
    record(&mut q, 0, RecordType::CHANGE_TO_EXCLUDE_MODE, &[]);
    assert_eq!(state(&q), Some((Exclude, Some(GMI), vec![])));
    assert!(q.should_forward(s(1), G));
    assert_eq!(drain(&mut q, 0), []);
}

// §6.6.3: Last Member Query Count retransmissions and the S flag.

#[test]
fn group_query_s_flag_follows_the_group_timer() {
    let mut q = querier();
    record(&mut q, 0, RecordType::CHANGE_TO_EXCLUDE_MODE, &[]);
    // A leave (TO_IN({})): Q(G) now and a second later, S clear.
    record(&mut q, 1000, RecordType::CHANGE_TO_INCLUDE_MODE, &[]);
    assert_eq!(drain(&mut q, 1000), [sent(G, false, &[])]);
    // Another member answers: the group timer goes back to GMI, so the
    // retransmission tells other routers not to lower theirs.
    record(&mut q, 1500, RecordType::MODE_IS_EXCLUDE, &[]);
    assert_eq!(drain(&mut q, 2000), [sent(G, true, &[])]);
    assert_eq!(drain(&mut q, 3000), []);
    q.poll(at(10_000));
    assert_eq!(state(&q), Some((Exclude, Some(GMI + 1500), vec![])));
}

#[test]
fn last_member_leaves() {
    let mut q = querier();
    record(&mut q, 0, RecordType::CHANGE_TO_EXCLUDE_MODE, &[]);
    record(&mut q, 1000, RecordType::CHANGE_TO_INCLUDE_MODE, &[]);
    assert!(q.should_forward(s(1), G));
    assert_eq!(drain(&mut q, 1000), [sent(G, false, &[])]);
    assert_eq!(q.poll_timeout(), Some(at(2000)));
    assert_eq!(drain(&mut q, 2000), [sent(G, false, &[])]);
    // Forwarded until the Last Member Query Time is over (§6.4.2).
    q.poll(at(2999));
    assert!(q.should_forward(s(1), G));
    q.poll(at(3000));
    assert_eq!(state(&q), None);
    assert!(!q.should_forward(s(1), G));
}

#[test]
fn source_query_splits_on_the_s_flag() {
    let mut q = include_1_2();
    record(&mut q, 1000, RecordType::BLOCK_OLD_SOURCES, &[1, 2]);
    assert_eq!(drain(&mut q, 1000), [sent(G, false, &[1, 2])]);
    // A member still wants 1: its timer is back at GMI, so the
    // retransmission asks about it with the S flag set, apart from 2.
    record(&mut q, 1500, RecordType::ALLOW_NEW_SOURCES, &[1]);
    assert_eq!(
        drain(&mut q, 2000),
        [sent(G, true, &[1]), sent(G, false, &[2])]
    );
    assert_eq!(drain(&mut q, 3000), []);
    q.poll(at(3000));
    assert_eq!(
        state(&q),
        Some((Include, None, vec![(1, Some(GMI + 1500))]))
    );
}

#[test]
fn new_query_merges_with_pending_retransmissions() {
    let mut q = querier();
    record(&mut q, 0, RecordType::ALLOW_NEW_SOURCES, &[1, 2, 3]);
    record(&mut q, 1000, RecordType::BLOCK_OLD_SOURCES, &[1]);
    assert_eq!(drain(&mut q, 1000), [sent(G, false, &[1])]);
    record(&mut q, 1200, RecordType::BLOCK_OLD_SOURCES, &[2]);
    // The new query goes at once, with what is still pending.
    assert_eq!(drain(&mut q, 1200), [sent(G, false, &[1, 2])]);
    assert_eq!(drain(&mut q, 2200), [sent(G, false, &[2])]);
    assert_eq!(drain(&mut q, 3200), []);
}

#[test]
fn sources_spread_over_small_buffers() {
    let mut q = include_1_2();
    record(&mut q, 0, RecordType::ALLOW_NEW_SOURCES, &[3]);
    record(&mut q, 1000, RecordType::BLOCK_OLD_SOURCES, &[1, 2, 3]);
    let mut buf = [0u8; MIN_BUFFER_LEN + 4];
    let mut seen = Vec::new();
    while let Some(t) = q.poll_transmit(at(1000), &mut buf).unwrap() {
        let ip = HeaderView::new_checked(&buf[..t.len]).unwrap();
        let Ok(Message::QueryV3(query)) = Message::parse(ip.payload()) else {
            panic!()
        };
        assert!(query.sources().len() <= 2);
        seen.extend(query.sources().iter());
    }
    seen.sort();
    assert_eq!(seen, [s(1), s(2), s(3)]);
    assert!(matches!(
        q.poll_transmit(at(2000), &mut [0u8; MIN_BUFFER_LEN - 1]),
        Err(QuerierError::Build(_))
    ));
}

// §6.6.2: start-up and general queries; election.

#[test]
fn startup_then_query_interval() {
    let mut q = Q::new(ME, Timers::default());
    assert!(q.is_querier());
    assert_eq!(q.poll_timeout(), Some(Instant::ZERO));
    let mut buf = [0u8; 64];
    let t = q.poll_transmit(at(0), &mut buf).unwrap().unwrap();
    assert_eq!(
        (t.kind, t.destination),
        (QueryKind::General, Ipv4Addr::new(224, 0, 0, 1))
    );
    let ip = HeaderView::new_checked(&buf[..t.len]).unwrap();
    let Ok(Message::QueryV3(query)) = Message::parse(ip.payload()) else {
        panic!()
    };
    // Query Response Interval 10 s, QRV 2, Query Interval 125 s.
    assert_eq!(query.max_resp_code().code(), 100);
    assert_eq!((query.qrv(), query.qqic().code()), (2, 125));
    assert!(query.is_general() && !query.s_flag());
    assert_eq!(q.poll_transmit(at(1), &mut buf).unwrap(), None);
    // Startup Query Count 2, Startup Query Interval 125 s / 4.
    assert_eq!(q.poll_timeout(), Some(at(31_250)));
    assert!(q.poll_transmit(at(31_250), &mut buf).unwrap().is_some());
    assert_eq!(q.poll_timeout(), Some(at(31_250 + 125_000)));
    assert!(q.poll_transmit(at(156_250), &mut buf).unwrap().is_some());
    assert_eq!(q.poll_timeout(), Some(at(281_250)));
}

fn general_query_from(q: &mut Q, ms: u64, from: Ipv4Addr, qrv: u8, qqic: u8) {
    let repr = crate::igmp::QueryV3Repr {
        qrv,
        qqic: crate::igmp::Qqic::new(qqic),
        ..crate::igmp::QueryV3Repr::general()
    };
    let mut buf = [0u8; 12];
    repr.emit(&mut buf).unwrap();
    q.receive(at(ms), from, &Message::parse(&buf).unwrap())
        .unwrap();
}

#[test]
fn lower_address_wins_the_election() {
    let mut q = querier();
    // A higher address does not silence us, nor do our own queries.
    general_query_from(&mut q, 1000, Ipv4Addr::new(198, 51, 100, 11), 2, 125);
    general_query_from(&mut q, 1000, ME, 2, 125);
    assert!(q.is_querier());
    // A lower one does; we take its Robustness Variable and Query Interval.
    let lower = Ipv4Addr::new(198, 51, 100, 9);
    general_query_from(&mut q, 2000, lower, 3, 60);
    assert!(!q.is_querier());
    assert_eq!(q.timers().robustness, 3);
    assert_eq!(q.timers().query_interval, Duration::from_secs(60));
    // Other Querier Present Interval: 3 × 60 s + 10 s / 2.
    assert_eq!(q.poll_timeout(), Some(at(2000 + 185_000)));
    // A non-querier sends nothing, not even what its table says.
    record(&mut q, 3000, RecordType::ALLOW_NEW_SOURCES, &[1]);
    record(&mut q, 3000, RecordType::BLOCK_OLD_SOURCES, &[1]);
    assert_eq!(drain(&mut q, 100_000), []);
    // The querier falls silent: we take over with a general query.
    let mut buf = [0u8; 64];
    let t = q.poll_transmit(at(187_000), &mut buf).unwrap().unwrap();
    assert_eq!(t.kind, QueryKind::General);
    assert!(q.is_querier());
}

#[test]
fn v1_and_v2_general_queries_count_in_the_election() {
    let mut q = querier();
    v1v2(
        &mut q,
        10,
        V1V2Repr::query_v2(Ipv4Addr::UNSPECIFIED, 100),
        Ipv4Addr::new(198, 51, 100, 1),
    );
    assert!(!q.is_querier());
    let mut q = querier();
    v1v2(
        &mut q,
        10,
        V1V2Repr::query_v1(),
        Ipv4Addr::new(198, 51, 100, 1),
    );
    assert!(!q.is_querier());
    // Proxy queries from 0.0.0.0 (snooping switches) do not.
    let mut q = querier();
    v1v2(&mut q, 10, V1V2Repr::query_v1(), Ipv4Addr::UNSPECIFIED);
    assert!(q.is_querier());
}

fn specific_query_from(q: &mut Q, ms: u64, s_flag: bool, sources: &[u8]) {
    let sources: Vec<Ipv4Addr> = sources.iter().map(|&n| s(n)).collect();
    let repr = crate::igmp::QueryV3Repr {
        group: G,
        s_flag,
        max_resp_code: crate::igmp::MaxRespCode::new(10),
        sources: crate::igmp::Sources::from(&sources[..]),
        ..crate::igmp::QueryV3Repr::general()
    };
    let mut buf = [0u8; 64];
    let len = repr.emit(&mut buf).unwrap();
    q.receive(
        at(ms),
        Ipv4Addr::new(198, 51, 100, 1),
        &Message::parse(&buf[..len]).unwrap(),
    )
    .unwrap();
}

#[test]
fn non_querier_lowers_timers_on_queries_without_s_flag() {
    let mut q = exclude_x14_y25();
    general_query_from(&mut q, 500, Ipv4Addr::new(198, 51, 100, 1), 2, 125);
    // The S flag set: nothing changes (§6.6.1).
    specific_query_from(&mut q, 1000, true, &[]);
    specific_query_from(&mut q, 1000, true, &[1]);
    assert_eq!(state(&q).unwrap().1, Some(GMI));
    // Clear: Q(G) lowers the group timer, Q(G,{1}) source 1, to LMQT.
    specific_query_from(&mut q, 1000, false, &[]);
    specific_query_from(&mut q, 1000, false, &[1, 2]);
    assert_eq!(
        state(&q),
        Some((
            Exclude,
            Some(1000 + LMQT),
            vec![
                (1, Some(1000 + LMQT)),
                (2, None),
                (4, Some(GMI + 100)),
                (5, None)
            ]
        ))
    );
}

// §7.3.2: older hosts.

#[test]
fn igmpv2_host_present() {
    let mut q = querier();
    v1v2(&mut q, 0, V1V2Repr::report_v2(G), HOST);
    assert_eq!(state(&q), Some((Exclude, Some(GMI), vec![])));
    assert_eq!(q.group(G).unwrap().compatibility, Compatibility::V2);
    // BLOCK is ignored and TO_EX loses its sources while a v2 host is
    // present.
    record(&mut q, 100, RecordType::BLOCK_OLD_SOURCES, &[1]);
    record(&mut q, 100, RecordType::CHANGE_TO_EXCLUDE_MODE, &[2]);
    assert_eq!(state(&q), Some((Exclude, Some(GMI + 100), vec![])));
    assert_eq!(drain(&mut q, 100), []);
    // A v2 leave is TO_IN({}): the group is queried.
    v1v2(&mut q, 200, V1V2Repr::leave(G), HOST);
    assert_eq!(drain(&mut q, 200), [sent(G, false, &[])]);
}

#[test]
fn igmpv1_host_present() {
    let mut q = querier();
    v1v2(&mut q, 0, V1V2Repr::report_v1(G), HOST);
    assert_eq!(q.group(G).unwrap().compatibility, Compatibility::V1);
    // Leaves and TO_IN are ignored in IGMPv1 mode.
    v1v2(&mut q, 100, V1V2Repr::leave(G), HOST);
    record(&mut q, 100, RecordType::CHANGE_TO_INCLUDE_MODE, &[]);
    assert_eq!(drain(&mut q, 100), []);
    assert_eq!(state(&q), Some((Exclude, Some(GMI), vec![])));
    // Older Host Present Interval later the group is back in IGMPv3 mode,
    // if a v3 host kept it.
    record(&mut q, GMI - 1, RecordType::MODE_IS_EXCLUDE, &[3]);
    q.poll(at(GMI));
    assert_eq!(q.group(G).unwrap().compatibility, Compatibility::V3);
    record(&mut q, GMI + 1, RecordType::BLOCK_OLD_SOURCES, &[4]);
    assert_eq!(drain(&mut q, GMI + 1), [sent(G, false, &[4])]);
}

// §6.3 and §6.5: timers running out.

#[test]
fn group_timer_switches_exclude_to_include() {
    let mut q = querier();
    record(&mut q, 0, RecordType::MODE_IS_EXCLUDE, &[2]);
    record(&mut q, 50_000, RecordType::ALLOW_NEW_SOURCES, &[1]);
    assert!(q.should_forward(s(3), G) && !q.should_forward(s(2), G));
    assert_eq!(q.group(G).unwrap().group_timer, Some(at(GMI)));
    q.poll(at(GMI - 1));
    assert_eq!(q.group(G).unwrap().filter_mode, Exclude);
    q.poll(at(GMI));
    assert_eq!(
        state(&q),
        Some((Include, None, vec![(1, Some(GMI + 50_000))]))
    );
    assert!(!q.should_forward(s(3), G) && q.should_forward(s(1), G));
    q.poll(at(GMI + 50_000));
    assert_eq!(state(&q), None);
    assert_eq!(q.groups().count(), 0);
}

#[test]
fn late_poll_switches_as_of_the_group_timer() {
    // Group timer ends at GMI, source 1's at GMI + 1; polled only at
    // GMI + 5: the switch to INCLUDE keeps 1, which then runs out too.
    let mut q = querier();
    record(&mut q, 0, RecordType::MODE_IS_EXCLUDE, &[]);
    record(&mut q, 1, RecordType::ALLOW_NEW_SOURCES, &[1]);
    q.poll(at(GMI + 5));
    assert_eq!(state(&q), None);
}

#[test]
fn forwarding_table() {
    // RFC 9776 §6.3, row by row.
    let mut q = querier();
    record(&mut q, 0, RecordType::ALLOW_NEW_SOURCES, &[1]);
    assert!(q.should_forward(s(1), G)); // INCLUDE, timer > 0
    assert!(!q.should_forward(s(2), G)); // INCLUDE, not listed
    record(&mut q, 0, RecordType::MODE_IS_EXCLUDE, &[1, 2]);
    record(&mut q, 0, RecordType::ALLOW_NEW_SOURCES, &[1]);
    assert!(q.should_forward(s(1), G)); // EXCLUDE, timer > 0
    assert!(!q.should_forward(s(2), G)); // EXCLUDE, timer == 0
    assert!(q.should_forward(s(3), G)); // EXCLUDE, not listed
    assert!(!q.should_forward(s(1), Ipv4Addr::new(239, 9, 9, 9))); // no record
    let g = q.group(G).unwrap();
    assert!(g.forwards(s(1)) && !g.forwards(s(2)) && g.forwards(s(3)));
    let forwarding: Vec<bool> = g.sources().map(|x| x.forwarding()).collect();
    assert_eq!(forwarding.len(), 2);
}

// Capacity, odd input, memory.

#[test]
fn full_tables_are_errors_and_change_nothing() {
    let mut q: Querier<1, 2> = Querier::new(ME, Timers::default());
    let report = |group: Ipv4Addr, sources: &[Ipv4Addr], buf: &mut [u8; 64]| {
        let records = [GroupRecord::new(
            RecordType::ALLOW_NEW_SOURCES,
            group,
            sources,
        )];
        ReportV3Repr::new(&records).emit(buf).unwrap()
    };
    let mut buf = [0u8; 64];
    let len = report(G, &[s(1), s(1), s(2)], &mut buf);
    q.receive(at(0), HOST, &Message::parse(&buf[..len]).unwrap())
        .unwrap();
    let len = report(G, &[s(3)], &mut buf);
    assert_eq!(
        q.receive(at(0), HOST, &Message::parse(&buf[..len]).unwrap()),
        Err(QuerierError::SourceTableFull {
            group: G,
            capacity: 2
        })
    );
    assert_eq!(q.group(G).unwrap().sources().count(), 2);
    let other = Ipv4Addr::new(239, 4, 4, 4);
    let len = report(other, &[s(3)], &mut buf);
    let e = q.receive(at(0), HOST, &Message::parse(&buf[..len]).unwrap());
    assert_eq!(
        e,
        Err(QuerierError::GroupTableFull {
            group: other,
            capacity: 1
        })
    );
    assert!(std::format!("{}", e.unwrap_err()).contains("239.4.4.4"));
}

#[test]
fn local_and_unicast_groups_are_ignored() {
    let mut q = querier();
    for group in [
        Ipv4Addr::new(224, 0, 0, 22),
        Ipv4Addr::new(198, 51, 100, 7),
        Ipv4Addr::UNSPECIFIED,
    ] {
        v1v2(&mut q, 0, V1V2Repr::report_v2(group), HOST);
    }
    assert_eq!(q.groups().count(), 0);
}

#[test]
fn memory_at_the_default_capacities() {
    // The figure the module documentation gives.
    assert_eq!(core::mem::size_of::<group::Source>(), 16);
    assert_eq!(
        core::mem::size_of::<group::Group<DEFAULT_SOURCES>>(),
        72 + 16 * DEFAULT_SOURCES
    );
    assert_eq!(core::mem::size_of::<Querier>(), 10_640);
}

#[test]
fn zero_last_member_query_time_acts_at_once() {
    // Found by the igmp_querier fuzz target: a timer lowered to a Last
    // Member Query Time of zero has run out when `receive` returns, so an
    // INCLUDE-mode group never lists a source at zero.
    let timers = Timers {
        last_member_query_interval: Duration::ZERO,
        ..Timers::default()
    };
    let mut q = Q::new(ME, timers);
    record(&mut q, 0, RecordType::ALLOW_NEW_SOURCES, &[1, 2]);
    record(&mut q, 10, RecordType::BLOCK_OLD_SOURCES, &[2]);
    assert_eq!(state(&q), Some((Include, None, vec![(1, Some(GMI))])));
    record(&mut q, 20, RecordType::CHANGE_TO_EXCLUDE_MODE, &[]);
    record(&mut q, 30, RecordType::CHANGE_TO_INCLUDE_MODE, &[]);
    assert_eq!(state(&q), None);
}
