//! The `igmp_host` target: random event sequences for the IGMP group
//! member machine, `ipv4_core::igmp::host::Host`.

use std::collections::{BTreeMap, BTreeSet};
use std::net::Ipv4Addr;

use arbitrary::{Arbitrary, Unstructured};
use ipv4_core::checksum::Policy;
use ipv4_core::header::HeaderView;
use ipv4_core::igmp::FilterMode;
use ipv4_core::igmp::host::{Host, SocketId, Version};
use ipv4_core::igmp::timing::{Instant, Random, Timers};
use ipv4_core::igmp::{
    MaxRespCode, Message, MessageType, Qqic, QueryV3Repr, RecordType, Sources, V1V2Repr,
};
use ipv4_core::options::RouterAlert;

use super::show;

/// Small capacities, so that the tables fill up.
type FuzzHost = Host<4, 4, 3>;

const ME: Ipv4Addr = Ipv4Addr::new(198, 51, 100, 1);

/// A group: mostly a handful of valid ones, sometimes an invalid one.
fn group(n: u8) -> Ipv4Addr {
    match n % 16 {
        14 => Ipv4Addr::new(224, 0, 0, 1),
        15 => Ipv4Addr::new(10, 0, 0, 1),
        i => Ipv4Addr::new(239, 0, 0, i),
    }
}

/// A source: mostly unicast, sometimes invalid.
fn source(n: u8) -> Ipv4Addr {
    match n % 16 {
        15 => Ipv4Addr::UNSPECIFIED,
        14 => Ipv4Addr::new(232, 0, 0, 1),
        i => Ipv4Addr::new(203, 0, 113, i + 1),
    }
}

#[derive(Debug, Arbitrary)]
enum Event {
    SetFilter {
        socket: u8,
        group: u8,
        exclude: bool,
        sources: Vec<u8>,
    },
    Join {
        socket: u8,
        group: u8,
    },
    Leave {
        socket: u8,
        group: u8,
    },
    Source {
        kind: u8,
        socket: u8,
        group: u8,
        source: u8,
    },
    /// A query built to be valid (so the fuzzer need not find checksums).
    Query {
        version: u8,
        group: Option<u8>,
        code: u8,
        qrv: u8,
        qqic: u8,
        sources: Vec<u8>,
        to_me: bool,
    },
    /// Another host's IGMPv1/v2 report.
    Report {
        v1: bool,
        group: u8,
    },
    /// Any bytes as an IGMP message.
    Raw {
        from: u8,
        to: u8,
        bytes: Vec<u8>,
    },
    Advance {
        ms: u16,
    },
    Poll,
}

#[derive(Debug, Arbitrary)]
struct Input {
    seed: u32,
    mtu: u16,
    robustness: u8,
    events: Vec<Event>,
}

struct XorShift(u32);
impl Random for XorShift {
    fn next_u32(&mut self) -> u32 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 17;
        self.0 ^= self.0 << 5;
        self.0
    }
}

/// The sockets' filters, tracked independently of the machine.
type Model = BTreeMap<(Ipv4Addr, u32), (FilterMode, BTreeSet<Ipv4Addr>)>;

/// RFC 9776 §3.2, written again from the text, over the model.
fn merged(model: &Model, g: Ipv4Addr) -> Option<(FilterMode, BTreeSet<Ipv4Addr>)> {
    let filters: Vec<_> = model
        .iter()
        .filter(|((mg, _), _)| *mg == g)
        .map(|(_, f)| f)
        .collect();
    let excludes: Vec<_> = filters
        .iter()
        .filter(|(m, _)| *m == FilterMode::Exclude)
        .collect();
    let included: BTreeSet<Ipv4Addr> = filters
        .iter()
        .filter(|(m, _)| *m == FilterMode::Include)
        .flat_map(|(_, s)| s.iter().copied())
        .collect();
    if let Some(((_, first), rest)) = excludes.split_first().map(|(f, r)| (**f, r)) {
        let mut x = first.clone();
        for (_, s) in rest {
            x.retain(|a| s.contains(a));
        }
        x.retain(|a| !included.contains(a));
        Some((FilterMode::Exclude, x))
    } else if included.is_empty() {
        None
    } else {
        Some((FilterMode::Include, included))
    }
}

fn state_of(host: &FuzzHost, g: Ipv4Addr) -> Option<(FilterMode, BTreeSet<Ipv4Addr>)> {
    host.interface_state(g)
        .map(|(m, s)| (m, s.iter().copied().collect()))
}

/// Applies one socket request to the machine and, when accepted, to the
/// model: a refused request changes nothing.
fn request(
    host: &mut FuzzHost,
    model: &mut Model,
    g: Ipv4Addr,
    socket: u32,
    result: Result<(), ipv4_core::error::IgmpHostError>,
    wanted: Option<(FilterMode, BTreeSet<Ipv4Addr>)>,
    before: Option<(FilterMode, BTreeSet<Ipv4Addr>)>,
) {
    match result {
        Ok(()) => match wanted {
            Some(f) => {
                model.insert((g, socket), f);
            }
            None => {
                model.remove(&(g, socket));
            }
        },
        Err(e) => {
            show(&e);
            let now: Option<(FilterMode, BTreeSet<Ipv4Addr>)> = host
                .socket_filter(SocketId(socket), g)
                .map(|(m, s)| (m, s.iter().copied().collect()));
            assert_eq!(now, before, "a refused request changed the filter: {e}");
        }
    }
    let ours = host
        .socket_filter(SocketId(socket), g)
        .map(|(m, s)| (m, s.iter().copied().collect::<BTreeSet<_>>()));
    assert_eq!(ours.as_ref(), model.get(&(g, socket)));
}

/// Polls at `now` and checks every packet against the state.
fn poll(host: &mut FuzzHost, now: Instant, rng: &mut XorShift, model: &Model) {
    let mtu = host.mtu();
    let mut buf = vec![0u8; mtu];
    let version = host.version(now);
    let states: BTreeMap<Ipv4Addr, _> =
        (0..16).map(group).map(|g| (g, state_of(host, g))).collect();
    let mut packets = 0;
    let n = host
        .poll_transmit(now, rng, &mut buf, |packet| {
            packets += 1;
            assert!(packet.len() <= mtu);
            let ip = HeaderView::new_checked(packet).expect("a whole IPv4 header");
            assert!(ip.verify_checksum());
            assert_eq!((ip.source(), ip.ttl(), ip.tos()), (ME, 1, 0xc0));
            assert_eq!(ip.options(), &RouterAlert::EXAMINE.to_bytes()[..]);
            assert!(ip.dont_fragment());
            let message = Message::parse_with(ip.payload(), Policy::Enforce)
                .expect("what the host sends parses");
            assert_eq!(message.destination(), Some(ip.destination()));
            match message {
                Message::ReportV3(report) => {
                    assert_eq!(version, Version::V3);
                    assert!(report.number_of_records() > 0);
                    for r in report.records() {
                        let state = states.get(&r.group).expect("a group of ours");
                        let sources: BTreeSet<Ipv4Addr> = r.sources.iter().collect();
                        assert_eq!(sources.len(), r.sources.len(), "duplicate sources");
                        let forwarded = |s: &Ipv4Addr| match state {
                            None => false,
                            Some((FilterMode::Include, set)) => set.contains(s),
                            Some((FilterMode::Exclude, set)) => !set.contains(s),
                        };
                        let list = state.as_ref().map(|(_, s)| s.clone()).unwrap_or_default();
                        let mode = state.as_ref().map(|(m, _)| *m);
                        match r.record_type {
                            RecordType::CHANGE_TO_INCLUDE_MODE => {
                                assert!(mode != Some(FilterMode::Exclude));
                                assert_eq!(sources, list, "TO_IN carries the state");
                            }
                            RecordType::CHANGE_TO_EXCLUDE_MODE => {
                                assert_eq!(mode, Some(FilterMode::Exclude));
                                assert!(sources.is_subset(&list), "TO_EX carries the state");
                            }
                            RecordType::MODE_IS_EXCLUDE => {
                                assert_eq!(mode, Some(FilterMode::Exclude));
                                assert!(sources.is_subset(&list));
                            }
                            RecordType::MODE_IS_INCLUDE => {
                                assert!(mode.is_some());
                                assert!(!sources.is_empty() && sources.iter().all(forwarded));
                            }
                            RecordType::ALLOW_NEW_SOURCES => {
                                assert!(!sources.is_empty() && sources.iter().all(forwarded));
                            }
                            RecordType::BLOCK_OLD_SOURCES => {
                                assert!(!sources.is_empty() && !sources.iter().any(forwarded));
                            }
                            other => panic!("record type {other}"),
                        }
                    }
                }
                Message::ReportV1(r) | Message::ReportV2(r) => {
                    let expected = if version == Version::V1 {
                        MessageType::REPORT_V1
                    } else {
                        MessageType::REPORT_V2
                    };
                    assert_ne!(version, Version::V3);
                    assert_eq!(r.message_type(), expected);
                    assert!(matches!(states.get(&r.group()), Some(Some(_))));
                }
                Message::Leave(l) => {
                    assert_eq!(version, Version::V2);
                    assert!(matches!(states.get(&l.group()), Some(None)));
                }
                other => panic!("a host sent {other}"),
            }
        })
        .expect("a buffer of the MTU suffices");
    assert_eq!(n, packets);
    // Everything due has gone.
    assert!(host.poll_timeout().is_none_or(|t| t > now));
    let _ = model;
}

/// Random event sequences: requests, valid and invalid messages, time,
/// polls. Asserts: no panic; a refused request changes nothing; the
/// interface state is the RFC 9776 §3.2 merge of the sockets' filters
/// (recomputed here); the tables stay within capacity; every packet is a
/// well-formed IGMP datagram whose records agree with the state; after a
/// poll nothing due remains.
pub fn igmp_host(data: &[u8]) {
    let Ok(input) = Input::arbitrary_take_rest(Unstructured::new(data)) else {
        return;
    };
    let timers = Timers {
        robustness: input.robustness % 4,
        ..Timers::default()
    };
    let mut host = FuzzHost::new(ME, timers).with_mtu(usize::from(input.mtu));
    let mut rng = XorShift(input.seed | 1);
    let mut model = Model::new();
    let mut now = Instant::ZERO;
    for event in input.events.into_iter().take(256) {
        match event {
            Event::SetFilter {
                socket,
                group: g,
                exclude,
                sources,
            } => {
                let (g, socket) = (group(g), u32::from(socket % 4));
                let mode = if exclude {
                    FilterMode::Exclude
                } else {
                    FilterMode::Include
                };
                let sources: Vec<Ipv4Addr> = sources.iter().take(8).map(|&s| source(s)).collect();
                let set: BTreeSet<Ipv4Addr> = sources.iter().copied().collect();
                let before = model.get(&(g, socket)).cloned();
                let wanted =
                    (mode == FilterMode::Exclude || !set.is_empty()).then_some((mode, set));
                let r = host.set_filter(now, SocketId(socket), g, mode, &sources);
                request(&mut host, &mut model, g, socket, r, wanted, before);
            }
            Event::Join { socket, group: g } => {
                let (g, socket) = (group(g), u32::from(socket % 4));
                let before = model.get(&(g, socket)).cloned();
                let r = host.join(now, SocketId(socket), g);
                let wanted = Some((FilterMode::Exclude, BTreeSet::new()));
                request(&mut host, &mut model, g, socket, r, wanted, before);
            }
            Event::Leave { socket, group: g } => {
                let (g, socket) = (group(g), u32::from(socket % 4));
                let before = model.get(&(g, socket)).cloned();
                let r = host.leave(now, SocketId(socket), g);
                assert_eq!(r.is_ok(), before.is_some());
                request(&mut host, &mut model, g, socket, r, None, before);
            }
            Event::Source {
                kind,
                socket,
                group: g,
                source: s,
            } => {
                let (g, socket, s) = (group(g), u32::from(socket % 4), source(s));
                let before = model.get(&(g, socket)).cloned();
                let id = SocketId(socket);
                let (r, mode, add) = match kind % 4 {
                    0 => (host.join_source(now, id, g, s), FilterMode::Include, true),
                    1 => (host.leave_source(now, id, g, s), FilterMode::Include, false),
                    2 => (host.block_source(now, id, g, s), FilterMode::Exclude, true),
                    _ => (
                        host.unblock_source(now, id, g, s),
                        FilterMode::Exclude,
                        false,
                    ),
                };
                let mut set = before.clone().map(|(_, s)| s).unwrap_or_default();
                if add {
                    set.insert(s);
                } else {
                    set.remove(&s);
                }
                let wanted =
                    (mode == FilterMode::Exclude || !set.is_empty()).then_some((mode, set));
                request(&mut host, &mut model, g, socket, r, wanted, before);
            }
            Event::Query {
                version,
                group: g,
                code,
                qrv,
                qqic,
                sources,
                to_me,
            } => {
                let g = g.map_or(Ipv4Addr::UNSPECIFIED, group);
                let sources: Vec<Ipv4Addr> = sources.iter().take(8).map(|&s| source(s)).collect();
                let mut buf = [0u8; 64];
                let len = match version % 3 {
                    0 => V1V2Repr::query_v1().emit(&mut buf),
                    1 => V1V2Repr::query_v2(g, code.max(1)).emit(&mut buf),
                    _ => QueryV3Repr {
                        max_resp_code: MaxRespCode::new(code),
                        group: g,
                        qrv: qrv & 7,
                        qqic: Qqic::new(qqic),
                        sources: Sources::from(&sources[..]),
                        ..QueryV3Repr::general()
                    }
                    .emit(&mut buf),
                }
                .expect("64 bytes hold the query");
                let message = Message::parse_with(&buf[..len], Policy::Enforce).unwrap();
                let to = if to_me {
                    ME
                } else {
                    message.destination().unwrap()
                };
                host.receive(
                    now,
                    &mut rng,
                    Ipv4Addr::new(198, 51, 100, 254),
                    to,
                    &message,
                );
            }
            Event::Report { v1, group: g } => {
                let repr = if v1 {
                    V1V2Repr::report_v1(group(g))
                } else {
                    V1V2Repr::report_v2(group(g))
                };
                let mut buf = [0u8; 8];
                repr.emit(&mut buf).unwrap();
                let message = Message::parse_with(&buf, Policy::Enforce).unwrap();
                host.receive(
                    now,
                    &mut rng,
                    Ipv4Addr::new(198, 51, 100, 7),
                    group(g),
                    &message,
                );
            }
            Event::Raw { from, to, bytes } => {
                if let Ok(message) = Message::parse(&bytes) {
                    let from = Ipv4Addr::new(198, 51, 100, from % 4);
                    host.receive(now, &mut rng, from, group(to), &message);
                }
            }
            Event::Advance { ms } => {
                now = now + std::time::Duration::from_millis(u64::from(ms) * 8);
            }
            Event::Poll => {
                if host.poll_timeout().is_some_and(|t| t <= now) {
                    poll(&mut host, now, &mut rng, &model);
                }
            }
        }
        // The interface state is the merge of the sockets' filters.
        for g in (0..16).map(group) {
            assert_eq!(state_of(&host, g), merged(&model, g), "group {g}");
        }
        assert!(host.slots_in_use() <= 4);
        assert!(host.groups().count() <= host.slots_in_use());
        show(&host.version(now));
    }
    // Run to the end: every train finishes.
    for _ in 0..64 {
        let Some(at) = host.poll_timeout() else {
            break;
        };
        now = now.max(at);
        poll(&mut host, now, &mut rng, &model);
    }
    assert_eq!(host.poll_timeout(), None, "retransmissions never end");
}
