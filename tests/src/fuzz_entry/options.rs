//! The `options` and `roundtrip_options` targets.

use std::net::Ipv4Addr;

use arbitrary::{Arbitrary, Unstructured};
use ipv4_core::checksum;
use ipv4_core::error::OptionError;
use ipv4_core::header::{Header, Protocol};
use ipv4_core::options::forward::{self, RecordOutcome, SourceRouteOutcome, TimestampOutcome};
use ipv4_core::options::{
    Ipv4Option, MAX_OPTIONS_LEN, MAX_ROUTE_SLOTS, MAX_TIMESTAMP_ENTRIES, OptionKind, Options,
    OptionsBuilder, Padding, Route, RouteRepr, RouterAlert, Security, StreamId, Timestamp,
    TimestampFlag, TimestampRepr, TimestampValue, Validation, copy_for_fragment, nop_uncopied,
    padded_len,
};

use super::show;

/// One walk's output: the items before the first error, each with its
/// offset, and the error that ended it.
struct Walk<'a> {
    items: Vec<(usize, Ipv4Option<'a>)>,
    error: Option<OptionError>,
}

/// Walks `data` with `validation`, checking the walker's own promises: at
/// most one item per byte, offsets that add up, a fused end, honest
/// `size_hint`s.
fn walk(data: &[u8], validation: Validation) -> Walk<'_> {
    let mut walker = Options::with_validation(data, validation);
    assert_eq!(walker.as_bytes(), data);
    let mut items = Vec::new();
    let mut error = None;
    let mut pos = 0;
    loop {
        let (low, high) = walker.size_hint();
        assert_eq!(walker.remaining().len(), data.len() - pos.min(data.len()));
        let Some(item) = walker.next() else {
            assert_eq!(low, 0);
            break;
        };
        assert!(high.is_some_and(|h| h >= 1), "size_hint said empty");
        match item {
            Ok(option) => {
                assert!(pos < data.len());
                let len = option.buffer_len();
                assert!(len >= 1 && pos + len <= data.len());
                items.push((pos, option));
                pos += len;
            }
            Err(e) => {
                assert_eq!(e.offset(), pos, "{e}");
                assert!(e.problem_offset() >= e.offset());
                assert!(e.problem_offset() <= pos + 3);
                show(&e);
                error = Some(e);
                break;
            }
        }
        assert!(items.len() <= data.len(), "more items than bytes");
    }
    // Fused: nothing after the end.
    assert!(walker.next().is_none());
    assert!(walker.next().is_none());
    if error.is_none() {
        assert_eq!(pos, data.len(), "the walk ended early");
    }
    // The walk with offsets yields the same items at the offsets counted
    // here, and the same error.
    let mut with_offsets = Options::with_validation(data, validation).with_offsets();
    for (offset, option) in &items {
        assert_eq!(with_offsets.next(), Some(Ok((*offset, *option))));
    }
    assert_eq!(with_offsets.next(), error.map(Err));
    assert!(with_offsets.next().is_none());
    Walk { items, error }
}

/// Reads every accessor of one walked option; emitting it gives back the
/// bytes it was read from.
fn visit_option(option: &Ipv4Option<'_>, bytes: &[u8]) {
    let kind = option.kind();
    assert_eq!(kind.value(), bytes[0]);
    assert_eq!(
        kind,
        OptionKind::new(kind.copied(), kind.class(), kind.number())
    );
    assert_eq!(option.copied(), kind.copied());
    let _ = (kind.is_single_byte(), kind.abbreviation(), kind.name());
    show(&kind);
    show(option);
    // The body is what follows the type and length bytes.
    if kind.is_single_byte() {
        assert!(option.data().is_empty());
    } else {
        assert_eq!(option.data(), &bytes[2..]);
    }
    match option {
        Ipv4Option::RecordRoute(r)
        | Ipv4Option::LooseSourceRoute(r)
        | Ipv4Option::StrictSourceRoute(r) => {
            assert_eq!(r.as_bytes(), bytes);
            assert_eq!(usize::from(r.length()), bytes.len());
            assert_eq!(r.filled() + r.free_slots(), r.capacity());
            assert_eq!(r.addresses().len(), r.capacity());
            assert_eq!(r.recorded().count(), r.filled());
            assert_eq!(r.remaining().len(), r.free_slots());
            assert_eq!(r.remaining().rev().count(), r.free_slots());
            assert_eq!(r.is_full(), r.next_hop().is_none());
            let _ = (r.kind(), r.pointer());
            assert_eq!(r.data(), &bytes[2..]);
            show(r);
            assert_eq!(Route::new_checked(bytes), Ok(*r));
        }
        Ipv4Option::Timestamp(t) => {
            assert_eq!(t.as_bytes(), bytes);
            assert!(t.filled() <= t.capacity());
            assert_eq!(t.entries().count(), t.filled());
            assert_eq!(t.slots().len(), t.capacity());
            assert_eq!(t.slots().rev().count(), t.capacity());
            for entry in t.slots() {
                assert_eq!(entry.address.is_some(), t.flag().has_addresses());
                let _ = (entry.time.is_standard(), entry.time.millis_since_midnight());
            }
            let _ = (t.flag(), t.length(), t.pointer(), t.overflow(), t.is_full());
            assert_eq!(t.data(), &bytes[2..]);
            assert_eq!(TimestampFlag::from_bits(t.flag().bits()), Some(t.flag()));
            show(t);
            assert_eq!(Timestamp::new_checked(bytes), Ok(*t));
        }
        Ipv4Option::Security(s) => {
            assert_eq!(s.buffer_len(), bytes.len());
            let _ = (s.classification_level(), s.protection_authority());
            let _ = s.rfc791_fields();
            assert_eq!(Security::parse(bytes), Ok(*s));
        }
        Ipv4Option::RouterAlert(ra) => {
            let _ = ra.value();
            assert_eq!(RouterAlert::parse(bytes), Ok(*ra));
        }
        Ipv4Option::StreamId(id) => assert_eq!(StreamId::parse(bytes), Ok(*id)),
        Ipv4Option::Malformed { error, .. } => show(error),
        Ipv4Option::End { .. } | Ipv4Option::Nop | Ipv4Option::Unknown { .. } => {}
    }
    let mut out = vec![0u8; bytes.len()];
    assert_eq!(option.emit(&mut out), Ok(bytes.len()));
    assert_eq!(out, bytes);
    if !bytes.is_empty() {
        assert!(option.emit(&mut out[..bytes.len() - 1]).is_err());
    }
}

/// The forwarding edits on one option's bytes: an error writes nothing; a
/// success leaves a valid option whose pointer moved as reported.
fn forward_edits(bytes: &[u8], seed: u8) {
    let own = Ipv4Addr::new(203, 0, 113, seed);
    let mut copy = bytes.to_vec();
    match forward::record_route(&mut copy, own) {
        Ok(RecordOutcome::Recorded { slot }) => {
            let r = Route::new_checked(&copy).expect("recording keeps the route valid");
            assert_eq!(r.addresses().nth(slot), Some(own));
            assert_eq!(usize::from(r.pointer()), 4 + 4 * (slot + 1));
        }
        Ok(RecordOutcome::Full) => assert_eq!(copy, bytes),
        Err(e) => {
            show(&e);
            assert_eq!(copy, bytes, "a failed edit wrote");
        }
    }
    let mut copy = bytes.to_vec();
    match forward::advance_source_route(&mut copy, own) {
        Ok(SourceRouteOutcome::NextHop { next_hop, slot }) => {
            let r = Route::new_checked(&copy).expect("advancing keeps the route valid");
            assert_eq!(r.addresses().nth(slot), Some(own));
            assert_eq!(
                Route::new_checked(bytes).unwrap().next_hop(),
                Some(next_hop)
            );
        }
        Ok(SourceRouteOutcome::Exhausted) => assert_eq!(copy, bytes),
        Err(e) => {
            show(&e);
            assert_eq!(copy, bytes, "a failed edit wrote");
        }
    }
    let mut copy = bytes.to_vec();
    let time = TimestampValue(u32::from(seed) * 1000);
    match forward::add_timestamp(&mut copy, own, time) {
        Ok(TimestampOutcome::Recorded { slot }) => {
            let t = Timestamp::new_checked(&copy).expect("stamping keeps the option valid");
            assert_eq!(t.entries().nth(slot).map(|e| e.time), Some(time));
        }
        Ok(TimestampOutcome::Counted { overflow }) => {
            let t = Timestamp::new_checked(&copy).expect("counting keeps the option valid");
            assert_eq!(t.overflow(), overflow);
        }
        Ok(TimestampOutcome::NotListed) => assert_eq!(copy, bytes),
        Err(e) => {
            show(&e);
            assert_eq!(copy, bytes, "a failed edit wrote");
        }
    }
}

/// The `_in_header` edits on a header carrying (the first 40 bytes of)
/// `data` as options: a right checksum stays right.
fn forward_in_header(data: &[u8], seed: u8) {
    let area = &data[..data.len().min(MAX_OPTIONS_LEN)];
    let mut header = Header::new(
        Ipv4Addr::new(192, 0, 2, 1),
        Ipv4Addr::new(198, 51, 100, seed),
        Protocol::UDP,
    );
    header.set_options(area).expect("at most 40 bytes");
    let mut buf = [0u8; 60];
    let n = header.emit(&mut buf).expect("header emits");
    let header = &mut buf[..n];
    let own = Ipv4Addr::new(203, 0, 113, seed);
    let check = |header: &[u8], before: &[u8], changed: bool| {
        assert!(
            checksum::verify(header),
            "an in-header edit broke the checksum"
        );
        if !changed {
            assert_eq!(header, before, "an in-header edit that failed wrote");
        }
    };
    let before = header.to_vec();
    let r = forward::record_route_in_header(header, own);
    check(header, &before, matches!(r, Ok(Some(_))));
    let before = header.to_vec();
    let r = forward::advance_source_route_in_header(header, own);
    check(header, &before, matches!(r, Ok(Some(_))));
    let before = header.to_vec();
    let r = forward::add_timestamp_in_header(header, own, TimestampValue(u32::from(seed)));
    check(header, &before, matches!(r, Ok(Some(_))));
}

/// Fragment filtering: an output as long as the input suffices, and what
/// comes out holds copied options only.
fn fragments(data: &[u8]) {
    let mut out = vec![0u8; padded_len(data.len())];
    match copy_for_fragment(data, &mut out) {
        Ok(n) => {
            assert_eq!(n % 4, 0);
            for item in Options::lax(&out[..n]) {
                let item = item.expect("copied options are well framed");
                assert!(
                    item.copied() || matches!(item, Ipv4Option::End { .. }),
                    "{item:?} is not copied"
                );
            }
        }
        Err(e) => show(&e),
    }
    let mut area = data.to_vec();
    match nop_uncopied(&mut area) {
        Ok(()) => {
            for item in Options::lax(&area) {
                let item = item.expect("the area stays well framed");
                assert!(
                    item.copied() || matches!(item, Ipv4Option::End { .. } | Ipv4Option::Nop),
                    "{item:?} survived"
                );
            }
        }
        Err(e) => {
            show(&e);
            assert_eq!(area, data, "a failed nop_uncopied wrote");
        }
    }
}

/// Both walkers, every typed view, fragment filtering and the forwarding
/// edits on arbitrary bytes.
pub fn options(data: &[u8]) {
    let strict = walk(data, Validation::Strict);
    let lax = walk(data, Validation::Lax);
    assert_eq!(
        Options::validate(data).err(),
        strict.error,
        "validate disagrees with the walk"
    );
    // On what the strict walk accepted, both walks agree item for item;
    // a semantic error the strict walk stops at is a Malformed item in the
    // lax walk, and a framing error stops both.
    assert!(lax.items.len() >= strict.items.len());
    assert_eq!(&lax.items[..strict.items.len()], &strict.items[..]);
    match strict.error {
        None => assert_eq!(lax.items.len(), strict.items.len()),
        Some(e) => match lax.items.get(strict.items.len()) {
            Some((_, Ipv4Option::Malformed { error, .. })) => assert_eq!(*error, e),
            Some(other) => panic!("lax walk yielded {other:?} where strict failed with {e}"),
            None => assert_eq!(lax.error, Some(e)),
        },
    }
    assert!(
        lax.items
            .iter()
            .all(|(_, o)| !matches!(o, Ipv4Option::Malformed { .. }))
            || strict.error.is_some()
    );

    let seed = data.last().copied().unwrap_or(0);
    for (pos, option) in &lax.items {
        let bytes = &data[*pos..*pos + option.buffer_len()];
        visit_option(option, bytes);
        forward_edits(bytes, seed);
    }
    // The typed constructors and the edits on the raw bytes as a whole.
    let _ = Route::new_checked(data).map_err(|e| show(&e));
    let _ = Timestamp::new_checked(data).map_err(|e| show(&e));
    let _ = Security::parse(data).map_err(|e| show(&e));
    let _ = RouterAlert::parse(data).map_err(|e| show(&e));
    let _ = StreamId::parse(data).map_err(|e| show(&e));
    forward_edits(data, seed);
    forward_in_header(data, seed);
    fragments(data);
}

/// walk → emit → walk: emitting the items of a lax walk gives back the
/// bytes walked, and walking those gives the same items; the typed owned
/// forms and the builder reproduce what they were read from. Then from
/// builder calls the same bytes describe: build → walk gives them back.
pub fn roundtrip_options(data: &[u8]) {
    build_then_walk(data);
    let first = walk(data, Validation::Lax);
    let mut emitted = Vec::with_capacity(data.len());
    for (_, option) in &first.items {
        let start = emitted.len();
        emitted.resize(start + option.buffer_len(), 0);
        let n = option
            .emit(&mut emitted[start..])
            .expect("sized by buffer_len");
        assert_eq!(n, option.buffer_len());
    }
    let walked = first
        .items
        .last()
        .map_or(0, |(pos, o)| pos + o.buffer_len());
    assert_eq!(emitted, &data[..walked]);
    let second = walk(&emitted, Validation::Lax);
    assert_eq!(second.items, first.items, "second walk differs");
    assert!(second.error.is_none());

    // Through the builder (which holds at most 40 bytes): the same options,
    // then End of Option List padding.
    let options = || first.items.iter().map(|(_, o)| o);
    let not_end = |o: &&Ipv4Option<'_>| !matches!(o, Ipv4Option::End { .. });
    if walked <= MAX_OPTIONS_LEN {
        for padding in [Padding::EndOfList, Padding::Nop] {
            let mut buf = [0u8; MAX_OPTIONS_LEN];
            let mut builder = OptionsBuilder::new(&mut buf);
            for option in options() {
                builder.option(option).expect("fits in 40 bytes");
            }
            assert_eq!(builder.len(), walked);
            assert_eq!(builder.as_bytes(), &data[..walked]);
            let Ok(area) = builder.finish_with(padding) else {
                // Padding past 40 bytes is refused, never written.
                assert!(padded_len(walked) > MAX_OPTIONS_LEN);
                continue;
            };
            assert_eq!(area.len(), padded_len(walked));
            let rebuilt = walk(area, Validation::Lax);
            assert!(rebuilt.error.is_none());
            let rebuilt: Vec<_> = rebuilt.items.iter().map(|(_, o)| *o).collect();
            let before: Vec<_> = options().filter(not_end).copied().collect();
            let after: Vec<_> = rebuilt.iter().filter(not_end).copied().collect();
            if padding == Padding::EndOfList || options().any(|o| !not_end(&o)) {
                assert_eq!(before, after);
            } else {
                // NOP padding adds NOP items after the options.
                assert_eq!(&after[..before.len()], &before[..]);
                assert!(after[before.len()..].iter().all(|o| *o == Ipv4Option::Nop));
            }
        }
    }

    // Owned forms: repr → emit → view → repr.
    for option in options() {
        match option {
            Ipv4Option::RecordRoute(r)
            | Ipv4Option::LooseSourceRoute(r)
            | Ipv4Option::StrictSourceRoute(r)
                if r.capacity() <= MAX_ROUTE_SLOTS =>
            {
                let repr = RouteRepr::parse(r);
                let slots: Vec<_> = r.addresses().collect();
                assert_eq!(RouteRepr::new(r.kind(), r.pointer(), &slots), Ok(repr));
                let mut buf = [0u8; MAX_OPTIONS_LEN];
                let n = repr.emit(&mut buf).expect("fits");
                assert_eq!(&buf[..n], r.as_bytes());
                assert_eq!(
                    Route::new_checked(&buf[..n]).map(|r| RouteRepr::parse(&r)),
                    Ok(repr)
                );
            }
            Ipv4Option::Timestamp(t) if t.capacity() <= MAX_TIMESTAMP_ENTRIES => {
                let repr = TimestampRepr::parse(t);
                let slots: Vec<_> = t.slots().collect();
                if t.as_bytes().len() <= MAX_OPTIONS_LEN {
                    assert_eq!(
                        TimestampRepr::new(t.flag(), t.overflow(), t.pointer(), &slots),
                        Ok(repr)
                    );
                }
                let mut buf = [0u8; 4 + 8 * MAX_TIMESTAMP_ENTRIES];
                let n = repr.emit(&mut buf).expect("fits");
                assert_eq!(&buf[..n], t.as_bytes());
                assert_eq!(
                    Timestamp::new_checked(&buf[..n]).map(|t| TimestampRepr::parse(&t)),
                    Ok(repr)
                );
            }
            Ipv4Option::Security(s) => {
                if let Ok(rebuilt) = Security::new(s.data()) {
                    assert_eq!(rebuilt, *s);
                    let mut buf = [0u8; MAX_OPTIONS_LEN];
                    let mut builder = OptionsBuilder::new(&mut buf);
                    builder.security(&rebuilt).expect("fits");
                    assert_eq!(Security::parse(builder.as_bytes()), Ok(*s));
                }
            }
            Ipv4Option::RouterAlert(ra) => {
                assert_eq!(RouterAlert::parse(&ra.to_bytes()), Ok(*ra));
            }
            Ipv4Option::StreamId(id) => assert_eq!(StreamId::parse(&id.to_bytes()), Ok(*id)),
            _ => {}
        }
    }
}

/// One builder call as the fuzzer describes it.
#[derive(Debug, Arbitrary)]
enum BuildOp {
    Nop,
    EndOfList,
    RecordRoute(u8),
    LooseSourceRoute(Vec<[u8; 4]>),
    StrictSourceRoute(Vec<[u8; 4]>),
    EmptyTimestamp { flag: bool, slots: u8 },
    Prespecified(Vec<[u8; 4]>),
    RouterAlert(u16),
    StreamId(u16),
    Security(Vec<u8>),
    Raw { kind: u8, data: Vec<u8> },
}

/// Builder calls → walk: a refused call changes nothing, and walking what
/// was built yields the options appended, in order, well framed; typed
/// calls yield valid options.
fn build_then_walk(data: &[u8]) {
    let Ok(ops) = Vec::<BuildOp>::arbitrary(&mut Unstructured::new(data)) else {
        return;
    };
    let mut buf = [0u8; MAX_OPTIONS_LEN];
    let mut builder = OptionsBuilder::new(&mut buf);
    // The kind byte of each option appended, and whether a typed call wrote it.
    let mut appended: Vec<(u8, bool)> = Vec::new();
    for op in ops.iter().take(16) {
        let before = builder.as_bytes().to_vec();
        let addrs = |a: &[[u8; 4]]| a.iter().map(|&o| Ipv4Addr::from(o)).collect::<Vec<_>>();
        let (result, kind, typed) = match op {
            BuildOp::Nop => (builder.nop().map(drop), 1, true),
            BuildOp::EndOfList => (builder.end_of_list().map(drop), 0, true),
            BuildOp::RecordRoute(slots) => {
                (builder.record_route(usize::from(*slots)).map(drop), 7, true)
            }
            BuildOp::LooseSourceRoute(hops) => (
                builder.loose_source_route(&addrs(hops)).map(drop),
                131,
                true,
            ),
            BuildOp::StrictSourceRoute(hops) => (
                builder.strict_source_route(&addrs(hops)).map(drop),
                137,
                true,
            ),
            BuildOp::EmptyTimestamp { flag, slots } => {
                let flag = if *flag {
                    TimestampFlag::AddressAndTimestamp
                } else {
                    TimestampFlag::TimestampsOnly
                };
                let r = builder.empty_timestamp(flag, usize::from(*slots));
                (r.map(drop), 68, true)
            }
            BuildOp::Prespecified(addresses) => {
                let r = TimestampRepr::prespecified(&addrs(addresses))
                    .and_then(|t| builder.timestamp(&t).map(drop));
                (r, 68, true)
            }
            BuildOp::RouterAlert(v) => (builder.router_alert(RouterAlert(*v)).map(drop), 148, true),
            BuildOp::StreamId(v) => (builder.stream_id(StreamId(*v)).map(drop), 136, true),
            BuildOp::Security(body) => {
                let r = Security::new(body).and_then(|s| builder.security(&s).map(drop));
                (r, 130, true)
            }
            BuildOp::Raw { kind, data } => {
                (builder.raw(OptionKind(*kind), data).map(drop), *kind, false)
            }
        };
        match result {
            Ok(()) => {
                assert!(builder.len() > before.len());
                assert_eq!(&builder.as_bytes()[..before.len()], &before[..]);
                appended.push((kind, typed));
            }
            Err(e) => {
                show(&e);
                assert_eq!(builder.as_bytes(), &before[..], "a refused call wrote");
            }
        }
        assert!(builder.len() <= MAX_OPTIONS_LEN);
    }
    let built = builder.len();
    let area = builder.finish().expect("padding fits in 40 bytes").to_vec();
    assert_eq!(area.len(), padded_len(built));
    // Nothing after an End of Option List is walked.
    let expected: Vec<(u8, bool)> = match appended.iter().position(|&(k, _)| k == 0) {
        Some(end) => appended[..=end].to_vec(),
        None => appended,
    };
    let walked = walk(&area, Validation::Lax);
    assert!(walked.error.is_none(), "built options do not frame");
    for (i, (kind, typed)) in expected.iter().enumerate() {
        let (_, item) = walked.items[i];
        assert_eq!(item.kind().value(), *kind);
        if *typed {
            assert!(
                !matches!(item, Ipv4Option::Malformed { .. }),
                "the builder wrote a malformed {item:?}"
            );
        }
    }
    // What follows is End of Option List padding, if anything.
    let rest = &walked.items[expected.len()..];
    assert!(
        rest.len() <= 1
            && rest
                .iter()
                .all(|(_, o)| matches!(o, Ipv4Option::End { .. }))
    );
}
