//! Unit tests of the host machine: every row of RFC 9776 §5.1's table,
//! the merge rules of §3.2, retransmission merging, the query rules of
//! §5.2, IGMPv1/v2 compatibility (§7.2), capacity errors. Deterministic:
//! the random source is a constant.

extern crate std;
use std::vec;
use std::vec::Vec;

use core::net::Ipv4Addr;
use core::time::Duration;

use super::*;
use crate::header::HeaderView;
use crate::igmp::{MaxRespCode, MessageType, Qqic, QueryV3Repr};

const ME: Ipv4Addr = Ipv4Addr::new(198, 51, 100, 1);
const ROUTER: Ipv4Addr = Ipv4Addr::new(198, 51, 100, 254);
const G: Ipv4Addr = Ipv4Addr::new(239, 1, 2, 3);
const G2: Ipv4Addr = Ipv4Addr::new(232, 1, 1, 1);
const A: Ipv4Addr = Ipv4Addr::new(203, 0, 113, 1);
const B: Ipv4Addr = Ipv4Addr::new(203, 0, 113, 2);
const C: Ipv4Addr = Ipv4Addr::new(203, 0, 113, 3);
const D: Ipv4Addr = Ipv4Addr::new(203, 0, 113, 4);
const E: Ipv4Addr = Ipv4Addr::new(203, 0, 113, 5);
const S1: SocketId = SocketId(1);
const S2: SocketId = SocketId(2);
const S3: SocketId = SocketId(3);

const TO_IN: RecordType = RecordType::CHANGE_TO_INCLUDE_MODE;
const TO_EX: RecordType = RecordType::CHANGE_TO_EXCLUDE_MODE;
const ALLOW: RecordType = RecordType::ALLOW_NEW_SOURCES;
const BLOCK: RecordType = RecordType::BLOCK_OLD_SOURCES;
const IS_IN: RecordType = RecordType::MODE_IS_INCLUDE;
const IS_EX: RecordType = RecordType::MODE_IS_EXCLUDE;

/// A constant random source: every delay is the same fraction of its
/// maximum (half, by default).
struct Fixed(u32);
impl Random for Fixed {
    fn next_u32(&mut self) -> u32 {
        self.0
    }
}
fn half() -> Fixed {
    Fixed(u32::MAX / 2)
}

fn t(ms: u64) -> Instant {
    Instant::from_millis(ms)
}

type Rec = (RecordType, Ipv4Addr, Vec<Ipv4Addr>);

/// One packet the host sent, decoded.
#[derive(Debug, PartialEq)]
enum Sent {
    V3(Vec<Rec>),
    Old(MessageType, Ipv4Addr),
}

fn host() -> Host {
    Host::new(ME, Timers::default())
}

/// Polls at `now`, checks every packet's envelope, and decodes them.
fn poll<const N: usize, const S: usize, const K: usize>(
    h: &mut Host<N, S, K>,
    now: Instant,
) -> Vec<Sent> {
    let mut sent = Vec::new();
    let mut buf = vec![0u8; h.mtu()];
    let n = h
        .poll_transmit(now, &mut half(), &mut buf, |p| {
            let ip = HeaderView::new_checked(p).unwrap();
            assert!(ip.verify_checksum());
            assert_eq!(ip.source(), ME);
            assert_eq!((ip.ttl(), ip.tos()), (1, 0xc0));
            assert_eq!(ip.options(), [0x94, 0x04, 0, 0]);
            let m = Message::parse(ip.payload()).unwrap();
            assert_eq!(Some(ip.destination()), m.destination());
            sent.push(match m {
                Message::ReportV3(r) => Sent::V3(
                    r.records()
                        .map(|r| (r.record_type, r.group, r.sources.iter().collect()))
                        .collect(),
                ),
                Message::ReportV1(r) | Message::ReportV2(r) | Message::Leave(r) => {
                    Sent::Old(r.message_type(), r.group())
                }
                other => panic!("a host sent {other}"),
            });
        })
        .unwrap();
    assert_eq!(n, sent.len());
    sent
}

/// Polls at every deadline until nothing is pending (or `until`);
/// returns the packets with their times.
fn run<const N: usize, const S: usize, const K: usize>(
    h: &mut Host<N, S, K>,
    until: Instant,
) -> Vec<(Instant, Sent)> {
    let mut all = Vec::new();
    while let Some(at) = h.poll_timeout() {
        if at > until {
            break;
        }
        for p in poll(h, at) {
            all.push((at, p));
        }
    }
    all
}

/// The v3 reports sent until nothing is pending, without times.
fn train<const N: usize, const S: usize, const K: usize>(h: &mut Host<N, S, K>) -> Vec<Vec<Rec>> {
    run(h, t(u64::MAX))
        .into_iter()
        .map(|(_, s)| match s {
            Sent::V3(r) => r,
            other => panic!("{other:?}"),
        })
        .collect()
}

fn rec(ty: RecordType, group: Ipv4Addr, sources: &[Ipv4Addr]) -> Rec {
    (ty, group, sources.to_vec())
}

fn settled(filters: &[(SocketId, FilterMode, &[Ipv4Addr])]) -> Host {
    let mut h = host();
    for &(s, mode, sources) in filters {
        h.set_filter(t(0), s, G, mode, sources).unwrap();
    }
    train(&mut h);
    h
}

// ---- RFC 9776 §5.1: the state-change table, row by row -----------------

#[test]
fn include_to_include_sends_allow_and_block() {
    let mut h = settled(&[(S1, FilterMode::Include, &[A, B])]);
    h.set_filter(t(10_000), S1, G, FilterMode::Include, &[B, C])
        .unwrap();
    let report = vec![rec(ALLOW, G, &[C]), rec(BLOCK, G, &[A])];
    assert_eq!(train(&mut h), [report.clone(), report]);
}

#[test]
fn exclude_to_exclude_sends_allow_and_block() {
    let mut h = settled(&[(S1, FilterMode::Exclude, &[A, B])]);
    h.set_filter(t(10_000), S1, G, FilterMode::Exclude, &[B, C])
        .unwrap();
    // No longer excluded: ALLOW(A−B); newly excluded: BLOCK(B−A).
    let report = vec![rec(ALLOW, G, &[A]), rec(BLOCK, G, &[C])];
    assert_eq!(train(&mut h), [report.clone(), report]);
}

#[test]
fn include_to_exclude_sends_to_ex() {
    let mut h = settled(&[(S1, FilterMode::Include, &[A])]);
    h.set_filter(t(10_000), S1, G, FilterMode::Exclude, &[B])
        .unwrap();
    let report = vec![rec(TO_EX, G, &[B])];
    assert_eq!(train(&mut h), [report.clone(), report]);
}

#[test]
fn exclude_to_include_sends_to_in() {
    let mut h = settled(&[(S1, FilterMode::Exclude, &[A])]);
    h.set_filter(t(10_000), S1, G, FilterMode::Include, &[B])
        .unwrap();
    let report = vec![rec(TO_IN, G, &[B])];
    assert_eq!(train(&mut h), [report.clone(), report]);
}

#[test]
fn joins_and_leaves_are_the_table_with_empty_lists() {
    // Any-source join: INCLUDE{} -> EXCLUDE{}; leave: back.
    let mut h = host();
    h.join(t(0), S1, G).unwrap();
    assert_eq!(h.poll_timeout(), Some(t(0)));
    assert_eq!(train(&mut h), vec![vec![rec(TO_EX, G, &[])]; 2]);
    h.leave(t(5_000), S1, G).unwrap();
    assert_eq!(train(&mut h), vec![vec![rec(TO_IN, G, &[])]; 2]);
    assert_eq!(h.slots_in_use(), 0);
    // Source-specific join: INCLUDE{} -> INCLUDE{A}; leave: BLOCK.
    h.join_source(t(9_000), S1, G2, A).unwrap();
    assert_eq!(train(&mut h), vec![vec![rec(ALLOW, G2, &[A])]; 2]);
    h.leave_source(t(12_000), S1, G2, A).unwrap();
    assert_eq!(train(&mut h), vec![vec![rec(BLOCK, G2, &[A])]; 2]);
    assert_eq!(h.slots_in_use(), 0);
    assert_eq!(h.interface_state(G2), None);
}

#[test]
fn block_and_unblock() {
    let mut h = settled(&[(S1, FilterMode::Exclude, &[])]);
    h.block_source(t(9_000), S1, G, A).unwrap();
    assert_eq!(train(&mut h), vec![vec![rec(BLOCK, G, &[A])]; 2]);
    h.unblock_source(t(19_000), S1, G, A).unwrap();
    assert_eq!(train(&mut h), vec![vec![rec(ALLOW, G, &[A])]; 2]);
}

#[test]
fn no_change_no_report() {
    let mut h = settled(&[(S1, FilterMode::Exclude, &[])]);
    // A second socket joining any-source changes nothing on the wire.
    h.join(t(9_000), S2, G).unwrap();
    assert_eq!(h.poll_timeout(), None);
    h.leave(t(9_000), S2, G).unwrap();
    assert_eq!(h.poll_timeout(), None);
    assert_eq!(h.interface_state(G), Some((FilterMode::Exclude, &[][..])));
}

#[test]
fn retransmissions_fall_within_the_unsolicited_report_interval() {
    let timers = Timers {
        robustness: 4,
        unsolicited_report_interval: Duration::from_millis(400),
        ..Timers::default()
    };
    let mut h: Host = Host::new(ME, timers);
    h.join(t(1_000), S1, G).unwrap();
    let times: Vec<Instant> = run(&mut h, t(u64::MAX))
        .into_iter()
        .map(|(at, _)| at)
        .collect();
    // Robustness reports: the first at once, then each within (0, 400 ms]
    // of the previous (half of it with this random source).
    assert_eq!(times, [t(1_000), t(1_200), t(1_400), t(1_600)]);
}

// ---- RFC 9776 §3.2: merging the sockets' filters -----------------------

#[test]
fn interface_state_merges_sockets() {
    let mut h = host();
    h.set_filter(t(0), S1, G, FilterMode::Include, &[A, B])
        .unwrap();
    h.set_filter(t(0), S2, G, FilterMode::Include, &[B, C])
        .unwrap();
    // All INCLUDE: the union.
    assert_eq!(
        h.interface_state(G),
        Some((FilterMode::Include, &[A, B, C][..]))
    );
    h.set_filter(t(0), S1, G, FilterMode::Exclude, &[A, B, C, D])
        .unwrap();
    h.set_filter(t(0), S3, G, FilterMode::Exclude, &[B, C, D, E])
        .unwrap();
    // Any EXCLUDE: the intersection of the EXCLUDE lists ({B, C, D})
    // minus the union of the INCLUDE lists ({B, C}).
    assert_eq!(h.interface_state(G), Some((FilterMode::Exclude, &[D][..])));
    assert_eq!(
        h.socket_filter(S2, G),
        Some((FilterMode::Include, &[B, C][..]))
    );
    assert_eq!(h.groups().count(), 1);
}

#[test]
fn several_sockets_change_state_only_when_the_merge_changes() {
    let mut h = settled(&[
        (S1, FilterMode::Include, &[A]),
        (S2, FilterMode::Include, &[A, B]),
    ]);
    // S2 dropping B changes the union: BLOCK{B}. S1 dropping A does not.
    h.leave_source(t(9_000), S2, G, B).unwrap();
    assert_eq!(train(&mut h), vec![vec![rec(BLOCK, G, &[B])]; 2]);
    h.leave_source(t(19_000), S1, G, A).unwrap();
    assert_eq!(h.poll_timeout(), None);
    // A socket in EXCLUDE mode flips the interface to EXCLUDE(X − {A}).
    h.set_filter(t(29_000), S3, G, FilterMode::Exclude, &[A, C])
        .unwrap();
    assert_eq!(train(&mut h), vec![vec![rec(TO_EX, G, &[C])]; 2]);
}

// ---- RFC 9776 §5.1: merging with pending retransmissions ---------------

#[test]
fn source_changes_merge_with_pending_retransmissions() {
    let mut h = host();
    h.join_source(t(0), S1, G, A).unwrap();
    assert_eq!(poll(&mut h, t(0)), [Sent::V3(vec![rec(ALLOW, G, &[A])])]);
    // Before A's retransmission: B too. The merged report goes out at
    // once; A has one transmission left, B two.
    h.join_source(t(100), S1, G, B).unwrap();
    assert_eq!(h.poll_timeout(), Some(t(100)));
    assert_eq!(
        train(&mut h),
        [vec![rec(ALLOW, G, &[A, B])], vec![rec(ALLOW, G, &[B])]]
    );
}

#[test]
fn a_change_undone_before_it_was_sent_reports_the_end_state() {
    let mut h = settled(&[(S1, FilterMode::Include, &[A])]);
    h.join_source(t(9_000), S1, G, B).unwrap();
    h.leave_source(t(9_000), S1, G, B).unwrap();
    // B flipped twice: its latest direction, BLOCK, is what is owed.
    assert_eq!(train(&mut h), vec![vec![rec(BLOCK, G, &[B])]; 2]);
}

#[test]
fn a_reverted_source_switches_record() {
    let mut h = settled(&[(S1, FilterMode::Include, &[A])]);
    h.join_source(t(9_000), S1, G, B).unwrap();
    assert_eq!(
        poll(&mut h, t(9_000)),
        [Sent::V3(vec![rec(ALLOW, G, &[B])])]
    );
    h.leave_source(t(9_100), S1, G, B).unwrap();
    assert_eq!(train(&mut h), vec![vec![rec(BLOCK, G, &[B])]; 2]);
}

#[test]
fn a_mode_change_replaces_pending_source_changes() {
    let mut h = host();
    h.join_source(t(0), S1, G, A).unwrap();
    poll(&mut h, t(0));
    h.join(t(100), S2, G).unwrap(); // INCLUDE{A} -> EXCLUDE{}
    assert_eq!(train(&mut h), vec![vec![rec(TO_EX, G, &[])]; 2]);
}

#[test]
fn source_changes_during_a_mode_change_follow_it() {
    let mut h = host();
    h.join(t(0), S1, G).unwrap();
    assert_eq!(poll(&mut h, t(0)), [Sent::V3(vec![rec(TO_EX, G, &[])])]);
    h.block_source(t(100), S1, G, A).unwrap();
    // The Filter-Mode-Change record is owed once more and now carries A;
    // then the Source-List-Change record, Robustness times.
    assert_eq!(
        train(&mut h),
        [
            vec![rec(TO_EX, G, &[A])],
            vec![rec(BLOCK, G, &[A])],
            vec![rec(BLOCK, G, &[A])],
        ]
    );
}

#[test]
fn a_second_mode_change_restarts_the_count() {
    let mut h = host();
    h.join(t(0), S1, G).unwrap();
    poll(&mut h, t(0));
    h.leave(t(100), S1, G).unwrap();
    assert_eq!(train(&mut h), vec![vec![rec(TO_IN, G, &[])]; 2]);
}

#[test]
fn changes_of_several_groups_share_a_report() {
    let mut h = host();
    h.join(t(0), S1, G).unwrap();
    h.join_source(t(0), S1, G2, A).unwrap();
    assert_eq!(
        train(&mut h),
        vec![vec![rec(TO_EX, G, &[]), rec(ALLOW, G2, &[A])]; 2]
    );
}

#[test]
fn reports_are_split_to_the_mtu() {
    let sources: Vec<Ipv4Addr> = (1..=16).map(|i| Ipv4Addr::new(203, 0, 113, i)).collect();
    let mut h: Host = Host::new(ME, Timers::default()).with_mtu(68);
    h.set_filter(t(0), S1, G, FilterMode::Include, &sources)
        .unwrap();
    // 68 − 24 − 8 − 8 = 28 bytes: 7 sources per report.
    let first = poll(&mut h, t(0));
    assert_eq!(first.len(), 3);
    let mut seen = Vec::new();
    for p in first {
        let Sent::V3(records) = p else { panic!() };
        for (ty, g, s) in records {
            assert_eq!((ty, g), (ALLOW, G));
            seen.extend(s);
        }
    }
    assert_eq!(seen, sources);
}

// ---- RFC 9776 §5.2: queries ---------------------------------------------

fn query(group: Ipv4Addr, sources: &[Ipv4Addr], tenths: u32) -> Vec<u8> {
    let mut buf = vec![0u8; 12 + 4 * sources.len()];
    QueryV3Repr {
        max_resp_code: MaxRespCode::from_tenths_lossy(tenths),
        group,
        sources: Sources::from(sources),
        ..QueryV3Repr::general()
    }
    .emit(&mut buf)
    .unwrap();
    buf
}

fn receive<const N: usize, const S: usize, const K: usize>(
    h: &mut Host<N, S, K>,
    now: Instant,
    bytes: &[u8],
) {
    let m = Message::parse(bytes).unwrap();
    let dst = m.destination().unwrap();
    h.receive(now, &mut half(), ROUTER, dst, &m);
}

fn responses(h: &mut Host) -> Vec<(Instant, Sent)> {
    run(h, t(u64::MAX))
}

#[test]
fn general_query_gets_current_state_of_every_group() {
    let mut h = settled(&[(S1, FilterMode::Exclude, &[A])]);
    h.join_source(t(0), S1, G2, B).unwrap();
    train(&mut h);
    receive(&mut h, t(50_000), &query(Ipv4Addr::UNSPECIFIED, &[], 100));
    // Half of 10 s.
    assert_eq!(
        responses(&mut h),
        [(
            t(55_000),
            Sent::V3(vec![rec(IS_EX, G, &[A]), rec(IS_IN, G2, &[B])])
        )]
    );
}

#[test]
fn max_resp_code_is_decoded_as_a_floating_point_value() {
    let mut h = settled(&[(S1, FilterMode::Exclude, &[])]);
    // Code 0x81: mantissa 1, exponent 0: (0x10 | 1) << 3 = 136 tenths.
    let mut bytes = query(Ipv4Addr::UNSPECIFIED, &[], 0);
    bytes[1] = 0x81;
    bytes[2..4].fill(0);
    let sum = crate::checksum::checksum(&bytes);
    bytes[2..4].copy_from_slice(&sum.to_be_bytes());
    let m = Message::parse(&bytes).unwrap();
    h.receive(t(0), &mut Fixed(u32::MAX), ROUTER, ALL_SYSTEMS, &m);
    assert_eq!(h.poll_timeout(), Some(t(13_600)));
}

#[test]
fn rule_1_a_sooner_general_response_covers_later_queries() {
    let mut h = settled(&[(S1, FilterMode::Exclude, &[])]);
    receive(&mut h, t(0), &query(Ipv4Addr::UNSPECIFIED, &[], 20)); // due at 1 s
    receive(&mut h, t(500), &query(G, &[], 100)); // would be due at 5.5 s
    assert_eq!(
        responses(&mut h),
        [(t(1_000), Sent::V3(vec![rec(IS_EX, G, &[])]))]
    );
}

#[test]
fn rule_2_a_general_query_replaces_the_pending_one() {
    let mut h = settled(&[(S1, FilterMode::Exclude, &[])]);
    receive(&mut h, t(0), &query(Ipv4Addr::UNSPECIFIED, &[], 100)); // 5 s
    receive(&mut h, t(100), &query(Ipv4Addr::UNSPECIFIED, &[], 20)); // 1.1 s
    assert_eq!(
        responses(&mut h),
        [(t(1_100), Sent::V3(vec![rec(IS_EX, G, &[])]))]
    );
}

#[test]
fn rule_3_group_and_group_and_source_specific_queries() {
    // Group-specific: the group's current state.
    let mut h = settled(&[(S1, FilterMode::Exclude, &[A])]);
    receive(&mut h, t(0), &query(G, &[], 20));
    assert_eq!(
        responses(&mut h),
        [(t(1_000), Sent::V3(vec![rec(IS_EX, G, &[A])]))]
    );
    // Group-and-source-specific in EXCLUDE(A): IS_IN(Q − A).
    receive(&mut h, t(2_000), &query(G, &[A, B], 20));
    assert_eq!(
        responses(&mut h),
        [(t(3_000), Sent::V3(vec![rec(IS_IN, G, &[B])]))]
    );
    // Nothing queried is received: no response.
    receive(&mut h, t(4_000), &query(G, &[A], 20));
    assert_eq!(responses(&mut h), []);
    // In INCLUDE(A, B): IS_IN(Q ∩ A).
    let mut h = settled(&[(S1, FilterMode::Include, &[A, B])]);
    receive(&mut h, t(0), &query(G, &[B, C], 20));
    assert_eq!(
        responses(&mut h),
        [(t(1_000), Sent::V3(vec![rec(IS_IN, G, &[B])]))]
    );
    // A group without reception state is not answered.
    receive(&mut h, t(0), &query(G2, &[], 20));
    assert_eq!(responses(&mut h), []);
}

#[test]
fn rule_4_a_group_specific_query_widens_a_pending_response() {
    let mut h = settled(&[(S1, FilterMode::Include, &[A, B])]);
    receive(&mut h, t(0), &query(G, &[A], 100)); // due 5 s
    receive(&mut h, t(1_000), &query(G, &[], 20)); // due 2 s: the earlier
    assert_eq!(
        responses(&mut h),
        [(t(2_000), Sent::V3(vec![rec(IS_IN, G, &[A, B])]))]
    );
    // A pending group-wide response stays group-wide.
    receive(&mut h, t(10_000), &query(G, &[], 20));
    receive(&mut h, t(10_100), &query(G, &[A], 100));
    assert_eq!(
        responses(&mut h),
        [(t(11_000), Sent::V3(vec![rec(IS_IN, G, &[A, B])]))]
    );
}

#[test]
fn rule_5_source_lists_accumulate() {
    let mut h = settled(&[(S1, FilterMode::Include, &[A, B, C])]);
    receive(&mut h, t(0), &query(G, &[A], 20)); // due 1 s
    receive(&mut h, t(100), &query(G, &[C, D], 100)); // 5.1 s: keep 1 s
    assert_eq!(
        responses(&mut h),
        [(t(1_000), Sent::V3(vec![rec(IS_IN, G, &[A, C])]))]
    );
}

#[test]
fn recorded_sources_past_capacity_widen_to_the_group() {
    let mut h: Host<8, 2, 4> = Host::new(ME, Timers::default());
    h.join(t(0), S1, G).unwrap();
    train(&mut h);
    receive(&mut h, t(0), &query(G, &[A, B], 20));
    receive(&mut h, t(0), &query(G, &[C], 20));
    let sent: Vec<_> = run(&mut h, t(u64::MAX));
    assert_eq!(sent, [(t(1_000), Sent::V3(vec![rec(IS_EX, G, &[])]))]);
}

#[test]
fn queries_to_ignore() {
    let mut h = settled(&[(S1, FilterMode::Exclude, &[])]);
    let bytes = query(Ipv4Addr::UNSPECIFIED, &[], 20);
    let m = Message::parse(&bytes).unwrap();
    // From ourselves, or to someone else's unicast address.
    h.receive(t(0), &mut half(), ME, ALL_SYSTEMS, &m);
    h.receive(
        t(0),
        &mut half(),
        ROUTER,
        Ipv4Addr::new(198, 51, 100, 9),
        &m,
    );
    // About a group that is not multicast.
    let bytes = query(Ipv4Addr::new(10, 0, 0, 1), &[], 20);
    h.receive(
        t(0),
        &mut half(),
        ROUTER,
        ME,
        &Message::parse(&bytes).unwrap(),
    );
    assert_eq!(h.poll_timeout(), None);
    // To our unicast address: answered.
    h.receive(t(0), &mut half(), ROUTER, ME, &m);
    assert_eq!(h.poll_timeout(), Some(t(1_000)));
}

#[test]
fn querier_robustness_is_adopted() {
    let mut h = host();
    let mut bytes = vec![0u8; 12];
    QueryV3Repr {
        qrv: 3,
        qqic: Qqic::from_secs_exact(60).unwrap(),
        ..QueryV3Repr::general()
    }
    .emit(&mut bytes)
    .unwrap();
    receive(&mut h, t(0), &bytes);
    assert_eq!(h.robustness(), 3);
    h.join(t(0), S1, G).unwrap();
    run(&mut h, t(u64::MAX)); // the general response
    // (the join's three TO_EX reports went out with it)
    h.leave(t(60_000), S1, G).unwrap();
    assert_eq!(train(&mut h).len(), 3);
}

// ---- RFC 9776 §7.2: older queriers --------------------------------------

fn v1v2(repr: V1V2Repr) -> [u8; 8] {
    let mut b = [0u8; 8];
    repr.emit(&mut b).unwrap();
    b
}

#[test]
fn igmpv2_querier_switches_to_v2_and_back() {
    let mut h = host();
    h.join(t(0), S1, G).unwrap();
    poll(&mut h, t(0)); // one TO_EX; one retransmission still owed
    receive(
        &mut h,
        t(100),
        &v1v2(V1V2Repr::query_v2(Ipv4Addr::UNSPECIFIED, 100)),
    );
    assert_eq!(h.version(t(100)), Version::V2);
    // The IGMPv3 retransmission is cancelled; a v2 report answers within
    // 10 s (5 s here).
    assert_eq!(
        run(&mut h, t(u64::MAX)),
        [(t(5_100), Sent::Old(MessageType::REPORT_V2, G))]
    );
    // Joining in v2 mode: a report at once and Robustness − 1 repeats.
    h.join_source(t(6_000), S1, G2, A).unwrap();
    assert_eq!(
        run(&mut h, t(u64::MAX)),
        [
            (t(6_000), Sent::Old(MessageType::REPORT_V2, G2)),
            (t(6_500), Sent::Old(MessageType::REPORT_V2, G2)),
        ]
    );
    // Filter changes that keep the membership send nothing; leaving sends
    // a Leave Group to 224.0.0.2 (`poll` checked the destination).
    h.join_source(t(7_000), S1, G2, B).unwrap();
    assert_eq!(h.poll_timeout(), None);
    h.leave(t(8_000), S1, G2).unwrap();
    assert_eq!(
        run(&mut h, t(u64::MAX)),
        [(t(8_000), Sent::Old(MessageType::LEAVE_GROUP, G2))]
    );
    // Older Version Querier Present Timeout: 2 × 125 s + 10 s.
    assert_eq!(h.version(t(100 + 259_999)), Version::V2);
    assert_eq!(h.version(t(100 + 260_000)), Version::V3);
    h.leave(t(300_000), S1, G).unwrap();
    assert_eq!(train(&mut h), vec![vec![rec(TO_IN, G, &[])]; 2]);
}

#[test]
fn igmpv1_querier_switches_to_v1() {
    let mut h = host();
    receive(&mut h, t(0), &v1v2(V1V2Repr::query_v1()));
    assert_eq!(h.version(t(0)), Version::V1);
    h.join(t(0), S1, G).unwrap();
    assert_eq!(
        run(&mut h, t(u64::MAX)),
        [
            (t(0), Sent::Old(MessageType::REPORT_V1, G)),
            (t(500), Sent::Old(MessageType::REPORT_V1, G)),
        ]
    );
    // IGMPv1 has no leave.
    h.leave(t(1_000), S1, G).unwrap();
    assert_eq!(run(&mut h, t(u64::MAX)), []);
    // v1 beats v2 while both timers run.
    receive(
        &mut h,
        t(2_000),
        &v1v2(V1V2Repr::query_v2(Ipv4Addr::UNSPECIFIED, 100)),
    );
    assert_eq!(h.version(t(2_000)), Version::V1);
    assert_eq!(h.version(t(260_001)), Version::V2);
}

#[test]
fn another_hosts_report_suppresses_ours_and_the_leave() {
    let mut h = host();
    receive(
        &mut h,
        t(0),
        &v1v2(V1V2Repr::query_v2(Ipv4Addr::UNSPECIFIED, 100)),
    );
    h.join(t(0), S1, G).unwrap();
    poll(&mut h, t(0)); // our report; a repeat pending
    receive(&mut h, t(10), &v1v2(V1V2Repr::report_v2(G)));
    assert_eq!(h.poll_timeout(), None);
    // Not the last reporter: no leave.
    h.leave(t(1_000), S1, G).unwrap();
    assert_eq!(run(&mut h, t(u64::MAX)), []);
}

#[test]
fn v3_queries_are_answered_in_the_older_version() {
    let mut h = host();
    h.join_source(t(0), S1, G, A).unwrap();
    train(&mut h);
    // An IGMPv2 group-specific query alone does not switch versions
    // (RFC 9776 §7.2.1: only a General Query does).
    receive(&mut h, t(5_000), &v1v2(V1V2Repr::query_v2(G, 20)));
    assert_eq!(h.version(t(5_000)), Version::V3);
    assert_eq!(
        run(&mut h, t(u64::MAX)),
        [(t(6_000), Sent::V3(vec![rec(IS_IN, G, &[A])]))]
    );
    receive(
        &mut h,
        t(7_000),
        &v1v2(V1V2Repr::query_v2(Ipv4Addr::UNSPECIFIED, 20)),
    );
    assert_eq!(h.version(t(7_000)), Version::V2);
    assert_eq!(
        run(&mut h, t(u64::MAX)),
        [(t(8_000), Sent::Old(MessageType::REPORT_V2, G))]
    );
    // A group-and-source-specific query, answered as group-specific.
    receive(&mut h, t(9_000), &query(G, &[B], 20));
    assert_eq!(
        run(&mut h, t(u64::MAX)),
        [(t(10_000), Sent::Old(MessageType::REPORT_V2, G))]
    );
}

// ---- capacity and errors ----------------------------------------------

#[test]
fn full_tables_are_errors_and_change_nothing() {
    let mut h: Host<2, 2, 2> = Host::new(ME, Timers::default());
    h.join(t(0), S1, G).unwrap();
    h.join(t(0), S1, G2).unwrap();
    let g3 = Ipv4Addr::new(239, 9, 9, 9);
    assert_eq!(
        h.join(t(0), S1, g3),
        Err(IgmpHostError::GroupTableFull {
            group: g3,
            capacity: 2
        })
    );
    // INCLUDE{} of another group needs no slot.
    h.set_filter(t(0), S1, g3, FilterMode::Include, &[])
        .unwrap();
    h.join(t(0), S2, G).unwrap();
    assert_eq!(
        h.join(t(0), S3, G),
        Err(IgmpHostError::SocketTableFull {
            group: G,
            capacity: 2
        })
    );
    let full = Err(IgmpHostError::SourceListFull {
        group: G,
        capacity: 2,
    });
    assert_eq!(
        h.set_filter(t(0), S1, G, FilterMode::Include, &[A, B, C]),
        full
    );
    // Two INCLUDE sockets whose union is too large for the interface, in
    // either mode (an EXCLUDE socket leaving would need it).
    h.set_filter(t(0), S1, G, FilterMode::Include, &[A, B])
        .unwrap();
    assert_eq!(h.set_filter(t(0), S2, G, FilterMode::Include, &[C]), full);
    assert_eq!(h.socket_filter(S2, G), Some((FilterMode::Exclude, &[][..])));
    h.set_filter(t(0), S2, G, FilterMode::Exclude, &[C])
        .unwrap();
    assert_eq!(h.interface_state(G), Some((FilterMode::Exclude, &[C][..])));
    h.set_filter(t(0), S1, G, FilterMode::Include, &[A, B])
        .unwrap();
    assert_eq!(h.leave(t(0), S2, G), Ok(()));
    // A left group holds its slot until its last reports are sent.
    h.leave(t(0), S1, G2).unwrap();
    assert!(h.join(t(0), S1, g3).is_err());
    run(&mut h, t(u64::MAX));
    h.join(t(10_000), S1, g3).unwrap();
}

#[test]
fn retransmission_state_past_capacity_becomes_a_mode_record() {
    let mut h: Host<2, 2, 2> = Host::new(ME, Timers::default());
    h.set_filter(t(0), S1, G, FilterMode::Include, &[A, B])
        .unwrap();
    h.set_filter(t(0), S1, G, FilterMode::Include, &[]).unwrap();
    h.set_filter(t(0), S1, G, FilterMode::Include, &[C])
        .unwrap();
    // A and B owe BLOCK, C owes ALLOW; dropping C too would make three
    // sources owing BLOCK: the change goes out as TO_IN of the state.
    h.set_filter(t(0), S1, G, FilterMode::Include, &[D])
        .unwrap();
    assert_eq!(train(&mut h), vec![vec![rec(TO_IN, G, &[D])]; 2]);
    // From INCLUDE{D}: D owes BLOCK, A and B ALLOW; then A and B would
    // owe BLOCK next to D: TO_IN{C, D}. Leaving always works; the sources
    // it drops follow the mode records.
    h.set_filter(t(10_000), S1, G, FilterMode::Include, &[A, B])
        .unwrap();
    h.set_filter(t(10_000), S1, G, FilterMode::Include, &[C, D])
        .unwrap();
    h.leave(t(10_000), S1, G).unwrap();
    assert_eq!(
        train(&mut h),
        [
            vec![rec(TO_IN, G, &[])],
            vec![rec(TO_IN, G, &[])],
            vec![rec(BLOCK, G, &[C, D])],
            vec![rec(BLOCK, G, &[C, D])],
        ]
    );
}

#[test]
fn invalid_requests() {
    let mut h = host();
    for group in [Ipv4Addr::new(10, 0, 0, 1), ALL_SYSTEMS] {
        assert_eq!(
            h.join(t(0), S1, group),
            Err(IgmpHostError::InvalidGroup { group })
        );
    }
    for source in [Ipv4Addr::UNSPECIFIED, Ipv4Addr::BROADCAST, G2] {
        assert_eq!(
            h.set_filter(t(0), S1, G, FilterMode::Include, &[source]),
            Err(IgmpHostError::InvalidSource { source })
        );
    }
    let not_joined = Err(IgmpHostError::NotJoined {
        socket: 1,
        group: G,
    });
    assert_eq!(h.leave(t(0), S1, G), not_joined);
    assert_eq!(h.block_source(t(0), S1, G, A), not_joined);
    h.join(t(0), S1, G).unwrap();
    let wrong = Err(IgmpHostError::WrongFilterMode {
        socket: 1,
        group: G,
    });
    assert_eq!(h.join_source(t(0), S1, G, A), wrong);
    assert_eq!(h.unblock_source(t(0), S1, G, A), not_joined);
    h.join_source(t(0), S2, G2, A).unwrap();
    assert_eq!(
        h.block_source(t(0), S2, G2, A),
        Err(IgmpHostError::WrongFilterMode {
            socket: 2,
            group: G2
        })
    );
    assert_eq!(
        h.leave_source(t(0), S2, G2, B),
        Err(IgmpHostError::NotJoined {
            socket: 2,
            group: G2
        })
    );
    // Leaving INCLUDE{} of a group never joined is not an error.
    h.set_filter(t(0), S3, G2, FilterMode::Include, &[])
        .unwrap();
    let mut small = [0u8; 100];
    assert!(matches!(
        h.poll_transmit(t(0), &mut half(), &mut small, |_| {}),
        Err(IgmpHostError::BufferTooSmall(_))
    ));
    assert_eq!(h.poll_timeout(), Some(t(0)));
}

#[test]
fn memory_at_the_default_capacities() {
    // Documented in the module docs; 64-bit targets.
    if cfg!(target_pointer_width = "64") {
        assert_eq!(core::mem::size_of::<Host>(), 6_120);
        assert_eq!(core::mem::size_of::<Option<Group<16, 4>>>(), 744);
    }
}
