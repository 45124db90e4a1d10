//! Cross-file tests of the options module: golden packets, property tests
//! (build → walk, arbitrary bytes, strict vs. lax) and differential tests
//! against etherparse and pnet_packet.

extern crate std;

use std::vec::Vec;

use core::net::Ipv4Addr;

use proptest::prelude::*;

use super::*;
use crate::error::OptionError;

/// A comparable, owned description of one walk item.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Spec {
    Nop,
    End(Vec<u8>),
    Route(RouteRepr),
    Timestamp(TimestampRepr),
    RouterAlert(u16),
    StreamId(u16),
    Security(Vec<u8>),
    Unknown(u8, Vec<u8>),
}

fn spec_of(item: &Ipv4Option<'_>) -> Spec {
    match item {
        Ipv4Option::End { padding } => Spec::End(padding.to_vec()),
        Ipv4Option::Nop => Spec::Nop,
        Ipv4Option::RecordRoute(r)
        | Ipv4Option::LooseSourceRoute(r)
        | Ipv4Option::StrictSourceRoute(r) => Spec::Route(RouteRepr::parse(r)),
        Ipv4Option::Timestamp(t) => Spec::Timestamp(TimestampRepr::parse(t)),
        Ipv4Option::RouterAlert(ra) => Spec::RouterAlert(ra.value()),
        Ipv4Option::StreamId(id) => Spec::StreamId(id.0),
        Ipv4Option::Security(s) => Spec::Security(s.data().to_vec()),
        Ipv4Option::Unknown { kind, data } => Spec::Unknown(kind.0, data.to_vec()),
        Ipv4Option::Malformed { .. } => panic!("malformed item in a strict walk: {item:?}"),
    }
}

/// Appends `spec` to `b`; `Ok(false)` if it does not fit the 40 bytes.
fn push(b: &mut OptionsBuilder<'_>, spec: &Spec) -> Result<bool, OptionsBuildError> {
    let r = match spec {
        Spec::Nop => b.nop().map(drop),
        Spec::End(_) => unreachable!("not generated"),
        Spec::Route(r) => b.route(r).map(drop),
        Spec::Timestamp(t) => b.timestamp(t).map(drop),
        Spec::RouterAlert(v) => b.router_alert(RouterAlert(*v)).map(drop),
        Spec::StreamId(v) => b.stream_id(StreamId(*v)).map(drop),
        Spec::Security(d) => b.security(&Security::new(d).unwrap()).map(drop),
        Spec::Unknown(k, d) => b.raw(OptionKind(*k), d).map(drop),
    };
    match r {
        Ok(()) => Ok(true),
        Err(OptionsBuildError::TooLong { .. }) => Ok(false),
        Err(e) => Err(e),
    }
}

fn addr() -> impl Strategy<Value = Ipv4Addr> {
    any::<u32>().prop_map(Ipv4Addr::from_bits)
}

fn route() -> impl Strategy<Value = RouteRepr> {
    (
        prop_oneof![
            Just(RouteKind::Record),
            Just(RouteKind::LooseSource),
            Just(RouteKind::StrictSource)
        ],
        prop::collection::vec(addr(), 0..=MAX_ROUTE_SLOTS),
    )
        .prop_flat_map(|(kind, addrs)| {
            let n = addrs.len();
            (0..=n)
                .prop_map(move |filled| RouteRepr::new(kind, 4 + 4 * filled as u8, &addrs).unwrap())
        })
}

fn timestamp() -> impl Strategy<Value = TimestampRepr> {
    prop_oneof![
        Just(TimestampFlag::TimestampsOnly),
        Just(TimestampFlag::AddressAndTimestamp),
        Just(TimestampFlag::Prespecified)
    ]
    .prop_flat_map(|flag| {
        let max = (MAX_OPTIONS_LEN - 4) / flag.entry_len();
        let entry = (addr(), any::<u32>()).prop_map(move |(a, t)| TimestampEntry {
            address: flag.has_addresses().then_some(a),
            time: TimestampValue(t),
        });
        (prop::collection::vec(entry, 0..=max), 0u8..16).prop_flat_map(
            move |(entries, overflow)| {
                let n = entries.len();
                (0..=n).prop_map(move |filled| {
                    let pointer = 5 + flag.entry_len() * filled;
                    TimestampRepr::new(flag, overflow, pointer as u8, &entries).unwrap()
                })
            },
        )
    })
}

fn spec() -> impl Strategy<Value = Spec> {
    const TYPED: [u8; 9] = [0, 1, 7, 68, 130, 131, 136, 137, 148];
    prop_oneof![
        Just(Spec::Nop),
        route().prop_map(Spec::Route),
        timestamp().prop_map(Spec::Timestamp),
        any::<u16>().prop_map(Spec::RouterAlert),
        any::<u16>().prop_map(Spec::StreamId),
        prop::collection::vec(any::<u8>(), 1..=38).prop_map(Spec::Security),
        (
            any::<u8>().prop_filter("typed kinds", |k| !TYPED.contains(k)),
            prop::collection::vec(any::<u8>(), 0..=38)
        )
            .prop_map(|(k, d)| Spec::Unknown(k, d)),
    ]
}

/// Builds `specs` (skipping those that do not fit) and returns the area and
/// the specs that went in.
fn build(specs: &[Spec], padding: Padding) -> (Vec<u8>, Vec<Spec>) {
    let mut buf = [0u8; MAX_OPTIONS_LEN];
    let mut b = OptionsBuilder::new(&mut buf);
    let mut kept = Vec::new();
    for s in specs {
        if push(&mut b, s).unwrap() {
            kept.push(s.clone());
        }
    }
    let area = b.finish_with(padding).unwrap().to_vec();
    (area, kept)
}

/// A 20-byte IPv4 header (checksum right) followed by `options`.
fn header_with(options: &[u8]) -> Vec<u8> {
    let len = 20 + options.len();
    let mut h = std::vec![
        0x40 | (len / 4) as u8,
        0,
        0,
        len as u8,
        0x12,
        0x34,
        0x40,
        0,
        64,
        17,
        0,
        0
    ];
    h.extend_from_slice(&[192, 0, 2, 1, 198, 51, 100, 2]);
    h.extend_from_slice(options);
    let sum = crate::checksum::checksum(&h);
    h[10..12].copy_from_slice(&sum.to_be_bytes());
    h
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    #[test]
    fn build_then_walk_gives_back_the_options(
        specs in prop::collection::vec(spec(), 0..8),
        nop_padding in any::<bool>(),
    ) {
        let padding = if nop_padding { Padding::Nop } else { Padding::EndOfList };
        let (area, kept) = build(&specs, padding);
        prop_assert_eq!(area.len() % 4, 0);
        prop_assert!(area.len() <= MAX_OPTIONS_LEN);
        let mut expected = kept.clone();
        let unpadded: usize = {
            let mut buf = [0u8; 40];
            let mut b = OptionsBuilder::new(&mut buf);
            for s in &kept { push(&mut b, s).unwrap(); }
            b.len()
        };
        let pad = area.len() - unpadded;
        if pad > 0 {
            match padding {
                Padding::EndOfList => expected.push(Spec::End(std::vec![0; pad - 1])),
                Padding::Nop => expected.extend(std::iter::repeat_n(Spec::Nop, pad)),
            }
        }
        let walked: Vec<Spec> = Options::new(&area).map(|o| spec_of(&o.unwrap())).collect();
        prop_assert_eq!(&walked, &expected);
        // Lax agrees on well-formed input.
        let lax: Vec<Spec> = Options::lax(&area).map(|o| spec_of(&o.unwrap())).collect();
        prop_assert_eq!(&lax, &expected);
    }

    #[test]
    fn walking_arbitrary_bytes_never_panics(bytes in prop::collection::vec(any::<u8>(), 0..300)) {
        let strict: Vec<_> = Options::new(&bytes).collect();
        let lax: Vec<_> = Options::lax(&bytes).collect();
        prop_assert!(strict.len() <= bytes.len());
        prop_assert!(lax.len() <= bytes.len());
        // Only the last item may be an error.
        for items in [&strict, &lax] {
            if let Some(pos) = items.iter().position(Result::is_err) {
                prop_assert_eq!(pos, items.len() - 1);
            }
        }
        // Where the strict walk succeeds, the lax walk is identical.
        if strict.iter().all(Result::is_ok) {
            prop_assert_eq!(&strict, &lax);
        } else {
            // Both agree up to the strict error.
            prop_assert_eq!(&strict[..strict.len() - 1], &lax[..strict.len() - 1]);
        }
        // A lax walk without framing errors re-emits the input exactly.
        if lax.iter().all(Result::is_ok) {
            let mut out = Vec::new();
            for item in &lax {
                let item = item.as_ref().unwrap();
                let mut buf = [0u8; 300];
                let n = item.emit(&mut buf).unwrap();
                out.extend_from_slice(&buf[..n]);
            }
            prop_assert_eq!(out, bytes);
        }
    }

    /// The forwarding edits never panic on any bytes, and change nothing
    /// when they fail.
    #[test]
    fn forwarding_edits_never_panic(
        mut bytes in prop::collection::vec(any::<u8>(), 0..300),
        kind in prop_oneof![Just(7u8), Just(131), Just(137), Just(68)],
        time in any::<u32>(),
    ) {
        if let Some(b) = bytes.first_mut() { *b = kind; }
        if bytes.len() > 1 { bytes[1] = bytes.len() as u8; }
        let me = Ipv4Addr::new(203, 0, 113, 1);
        let before = bytes.clone();
        let mut edited = bytes.clone();
        if forward::record_route(&mut edited, me).is_err() { prop_assert_eq!(&edited, &before); }
        let mut edited = bytes.clone();
        if forward::advance_source_route(&mut edited, me).is_err() { prop_assert_eq!(&edited, &before); }
        let mut edited = bytes.clone();
        if forward::add_timestamp(&mut edited, me, TimestampValue(time)).is_err() {
            prop_assert_eq!(&edited, &before);
        }
    }

    /// In-place forwarding edits through a header view keep the checksum
    /// equal to a full recomputation, wherever the option sits.
    #[test]
    fn header_edits_match_a_full_checksum(
        specs in prop::collection::vec(spec(), 0..6),
        own in addr(),
        time in any::<u32>(),
    ) {
        use crate::header::{Header, HeaderView, Protocol};
        let (area, _) = build(&specs, Padding::EndOfList);
        let mut h = Header::new(Ipv4Addr::new(192, 0, 2, 1), Ipv4Addr::new(198, 51, 100, 2), Protocol::UDP);
        h.set_options(&area).unwrap();
        let mut wire = [0u8; 60];
        let n = h.emit(&mut wire).unwrap();
        let mut view = HeaderView::new_checked(&mut wire[..n]).unwrap();
        prop_assert!(view.verify_checksum());
        let before: Vec<u8> = view.as_bytes().to_vec();
        let rr = view.record_route(own);
        prop_assert!(view.verify_checksum());
        prop_assert_eq!(view.checksum(), view.compute_checksum());
        let sr = view.advance_source_route(own);
        prop_assert!(view.verify_checksum());
        let ts = view.add_timestamp(own, TimestampValue(time));
        prop_assert!(view.verify_checksum());
        // The builder only writes well-formed options, so no edit fails,
        // but a full Timestamp whose overflow counter is already 15.
        prop_assert!(rr.is_ok() && sr.is_ok());
        let ts_ok = matches!(ts, Ok(_) | Err(OptionError::TimestampOverflow { .. }));
        prop_assert!(ts_ok, "{:?}", ts);
        if matches!((rr, sr, ts), (Ok(None), Ok(None), Ok(None))) {
            prop_assert_eq!(view.as_bytes(), &before[..]);
        }
    }

    #[test]
    fn route_repr_round_trips(r in route()) {
        let mut buf = [0u8; 40];
        let n = r.emit(&mut buf).unwrap();
        prop_assert_eq!(n, r.buffer_len());
        let view = Route::new_checked(&buf[..n]).unwrap();
        prop_assert_eq!(RouteRepr::parse(&view), r);
        prop_assert_eq!(view.filled() + view.free_slots(), view.capacity());
        prop_assert_eq!(view.recorded().chain(view.remaining()).collect::<Vec<_>>(), r.addresses());
    }

    #[test]
    fn timestamp_repr_round_trips(t in timestamp()) {
        let mut buf = [0u8; 40];
        let n = t.emit(&mut buf).unwrap();
        let view = Timestamp::new_checked(&buf[..n]).unwrap();
        prop_assert_eq!(TimestampRepr::parse(&view), t);
        prop_assert_eq!(view.slots().collect::<Vec<_>>(), t.slots());
        prop_assert!(view.entries().len() <= view.capacity());
    }

    #[test]
    fn fragment_copies_exactly_the_copied_options(specs in prop::collection::vec(spec(), 0..8)) {
        let (area, kept) = build(&specs, Padding::EndOfList);
        let mut out = [0u8; 40];
        let n = copy_for_fragment(&area, &mut out).unwrap();
        let walked: Vec<Spec> = Options::new(&out[..n])
            .map(|o| o.unwrap())
            .filter(|o| !matches!(o, Ipv4Option::End { .. }))
            .map(|o| spec_of(&o))
            .collect();
        let expected: Vec<Spec> = kept.into_iter().filter(|s| match s {
            Spec::Nop | Spec::End(_) => false,
            Spec::Route(r) => r.kind().option_kind().copied(),
            Spec::Timestamp(_) => false,
            Spec::RouterAlert(_) | Spec::StreamId(_) | Spec::Security(_) => true,
            Spec::Unknown(k, _) => OptionKind(*k).copied(),
        }).collect();
        prop_assert_eq!(walked, expected);
        // In-place variant: same copied options, same length.
        let mut in_place = area.clone();
        nop_uncopied(&mut in_place).unwrap();
        prop_assert_eq!(in_place.len(), area.len());
        let kept_in_place: Vec<Spec> = Options::new(&in_place)
            .map(|o| o.unwrap())
            .filter(|o| !matches!(o, Ipv4Option::End { .. } | Ipv4Option::Nop))
            .map(|o| spec_of(&o))
            .collect();
        let from_copy: Vec<Spec> = Options::new(&out[..n])
            .map(|o| o.unwrap())
            .filter(|o| !matches!(o, Ipv4Option::End { .. }))
            .map(|o| spec_of(&o))
            .collect();
        prop_assert_eq!(kept_in_place, from_copy);
    }

    /// etherparse keeps options as raw bytes: it must find exactly our area
    /// in a header we built, and our walk over its bytes must succeed.
    #[test]
    fn etherparse_sees_the_same_options_area(specs in prop::collection::vec(spec(), 0..8)) {
        let (area, _) = build(&specs, Padding::EndOfList);
        let header = header_with(&area);
        let slice = etherparse::Ipv4HeaderSlice::from_slice(&header).unwrap();
        prop_assert_eq!(slice.options(), &area[..]);
        prop_assert_eq!(slice.slice().len(), 20 + area.len());
        prop_assert!(Options::new(slice.options()).all(|o| o.is_ok()));
    }

    /// pnet_packet's option records (type fields, payload) agree with our
    /// walk on NOP-padded areas (pnet walks on past End of Option List, so
    /// no End appears here).
    ///
    /// pnet decides "no length byte" from the 5-bit number alone, so it
    /// misreads types like 32 or 160 (number 0, but not End of Option List)
    /// as one-byte options; see `pnet_misframes_number_zero_kinds`. Those
    /// types are left out here.
    #[test]
    fn pnet_records_match_ours(specs in prop::collection::vec(spec(), 0..8)) {
        use pnet_packet::Packet;
        let specs: Vec<Spec> = specs
            .into_iter()
            .filter(|s| !matches!(s, Spec::Unknown(k, _) if OptionKind(*k).number() <= 1))
            .collect();
        let (area, _) = build(&specs, Padding::Nop);
        let header = header_with(&area);
        let packet = pnet_packet::ipv4::Ipv4Packet::new(&header).unwrap();
        let theirs: Vec<(u8, u8, u8, Vec<u8>)> = packet
            .get_options_iter()
            .map(|o| (o.get_copied(), o.get_class(), o.get_number().0, o.payload().to_vec()))
            .collect();
        let ours: Vec<(u8, u8, u8, Vec<u8>)> = Options::new(&area)
            .map(|o| {
                let o = o.unwrap();
                let k = o.kind();
                let mut buf = [0u8; 40];
                let n = o.emit(&mut buf).unwrap();
                let payload = if k.is_single_byte() { Vec::new() } else { buf[2..n].to_vec() };
                (u8::from(k.copied()), k.class() as u8, k.number(), payload)
            })
            .collect();
        prop_assert_eq!(theirs, ours);
    }
}

/// An IGMPv2 Membership Report as Linux sends it: IHL 6, TOS 0xc0, TTL 1,
/// Router Alert (RFC 2236 §2).
#[test]
fn igmp_report_router_alert_golden() {
    let packet: [u8; 24] = [
        0x46, 0xc0, 0x00, 0x20, 0x00, 0x00, 0x40, 0x00, 0x01, 0x02, 0x00, 0x00, 0xc0, 0x00, 0x02,
        0x01, 0xe0, 0x00, 0x00, 0xfb, 0x94, 0x04, 0x00, 0x00,
    ];
    let items: Vec<_> = Options::new(&packet[20..]).collect();
    assert_eq!(items, [Ok(Ipv4Option::RouterAlert(RouterAlert::EXAMINE))]);
    let mut buf = [0u8; 4];
    let mut b = OptionsBuilder::new(&mut buf);
    b.router_alert(RouterAlert::EXAMINE).unwrap();
    assert_eq!(b.finish().unwrap(), &packet[20..]);
}

/// RFC 791 §3.1's option layouts, one area: Security (RFC 791 form,
/// "Unclassified"), LSRR with 2 hops one visited, Stream ID, NOP, EOL.
#[test]
fn rfc791_mixed_area_golden() {
    let area: [u8; 32] = [
        130, 11, 0, 0, 0, 0, 0, 0, 0, 0, 0, // Security
        131, 11, 8, 10, 0, 0, 1, 10, 0, 0, 2, // LSRR
        136, 4, 0x00, 0x2a, // Stream ID 42
        1,    // NOP
        0, 0, 0, 0, 0, // EOL + padding
    ];
    let mut walk = Options::new(&area);
    let Some(Ok(Ipv4Option::Security(s))) = walk.next() else {
        panic!()
    };
    assert_eq!(s.rfc791_fields().unwrap().security, 0);
    let Some(Ok(Ipv4Option::LooseSourceRoute(r))) = walk.next() else {
        panic!()
    };
    assert_eq!(r.next_hop(), Some(Ipv4Addr::new(10, 0, 0, 2)));
    assert_eq!(
        r.recorded().collect::<Vec<_>>(),
        [Ipv4Addr::new(10, 0, 0, 1)]
    );
    assert_eq!(walk.next(), Some(Ok(Ipv4Option::StreamId(StreamId(42)))));
    assert_eq!(walk.next(), Some(Ok(Ipv4Option::Nop)));
    assert_eq!(
        walk.next(),
        Some(Ok(Ipv4Option::End {
            padding: &[0, 0, 0, 0]
        }))
    );
    assert_eq!(walk.next(), None);
    assert_eq!(walk.remaining(), &[] as &[u8]);
}

/// A divergence the differential test found: pnet_packet frames an option
/// by its 5-bit number, so type 160 (copied, class 1, number 0 — not End
/// of Option List) loses its length byte and the walk goes out of step.
/// We frame it by its whole type byte, as RFC 791 says.
#[test]
fn pnet_misframes_number_zero_kinds() {
    use pnet_packet::Packet;
    let area = [160, 4, 0xaa, 0xbb];
    let header = header_with(&area);
    let packet = pnet_packet::ipv4::Ipv4Packet::new(&header).unwrap();
    let theirs: Vec<(u8, usize)> = packet
        .get_options_iter()
        .map(|o| (o.get_number().0, o.payload().len()))
        .collect();
    assert_ne!(theirs.len(), 1);
    let ours: Vec<_> = Options::new(&area).collect();
    assert_eq!(
        ours,
        [Ok(Ipv4Option::Unknown {
            kind: OptionKind(160),
            data: &[0xaa, 0xbb]
        })]
    );
}

/// Headers Linux 6.x sent over loopback with `IP_OPTIONS` set on a UDP
/// socket, captured by a raw socket inside a private network namespace
/// (the procedure of `tests/tests/options_kernel.rs`, which re-checks them
/// against the running kernel). Header bytes only.
mod linux_captures {
    /// Record Route, 9 slots: the sender and the receiver each recorded
    /// 127.0.0.1 (pointer 12). The receiver's entry came after checksum
    /// verification, so the checksum is stale.
    pub const RECORD_ROUTE: [u8; 60] = [
        0x4f, 0x00, 0x00, 0x50, 0x15, 0x69, 0x40, 0x00, 0x40, 0x11, 0x0c, 0x8c, 0x7f, 0x00, 0x00,
        0x01, 0x7f, 0x00, 0x00, 0x01, 0x07, 0x27, 0x0c, 0x7f, 0x00, 0x00, 0x01, 0x7f, 0x00, 0x00,
        0x01, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
        0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
    ];
    /// Timestamp flag 0 (4 slots, 2 filled) and Router Alert.
    pub const TIMESTAMP_AND_ROUTER_ALERT: [u8; 44] = [
        0x4b, 0x00, 0x00, 0x40, 0x15, 0x6a, 0x40, 0x00, 0x40, 0x11, 0x5c, 0xc9, 0x7f, 0x00, 0x00,
        0x01, 0x7f, 0x00, 0x00, 0x01, 0x44, 0x14, 0x0d, 0x00, 0x01, 0x5c, 0xe2, 0x02, 0x01, 0x5c,
        0xe2, 0x02, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x94, 0x04, 0x00, 0x00,
    ];
    /// Timestamp flag 3 over 127.0.0.1, 198.51.100.77, 127.0.0.1: only the
    /// sender's entry is filled; checksum intact.
    pub const PRESPECIFIED: [u8; 48] = [
        0x4c, 0x00, 0x00, 0x44, 0x15, 0x6c, 0x40, 0x00, 0x40, 0x11, 0xc3, 0x37, 0x7f, 0x00, 0x00,
        0x01, 0x7f, 0x00, 0x00, 0x01, 0x44, 0x1c, 0x0d, 0x03, 0x7f, 0x00, 0x00, 0x01, 0x01, 0x5c,
        0xe2, 0x03, 0xc6, 0x33, 0x64, 0x4d, 0x00, 0x00, 0x00, 0x00, 0x7f, 0x00, 0x00, 0x01, 0x00,
        0x00, 0x00, 0x00,
    ];
}

#[test]
fn linux_record_route_capture() {
    use crate::header::HeaderView;
    let h = linux_captures::RECORD_ROUTE;
    assert!(!crate::checksum::verify(&h));
    let view = HeaderView::new_lax(&h[..]).unwrap();
    let items: Vec<_> = view.options_iter().map(Result::unwrap).collect();
    let Ipv4Option::RecordRoute(rr) = items[0] else {
        panic!("{items:?}")
    };
    assert_eq!(items[1], Ipv4Option::End { padding: &[] });
    assert_eq!((rr.capacity(), rr.filled(), rr.pointer()), (9, 2, 12));
    assert_eq!(
        rr.recorded().collect::<Vec<_>>(),
        [Ipv4Addr::LOCALHOST, Ipv4Addr::LOCALHOST]
    );
    // Undo the receiver's entry: the sender's checksum verifies, and our
    // forwarding helper redoes the entry with a right checksum.
    let mut sent = h;
    sent[22] = 8;
    sent[27..31].fill(0);
    assert!(crate::checksum::verify(&sent));
    let mut view = HeaderView::new_lax(&mut sent[..]).unwrap();
    view.record_route(Ipv4Addr::LOCALHOST).unwrap();
    assert!(view.verify_checksum());
    assert_eq!(sent[20..], h[20..]);
}

#[test]
fn linux_timestamp_captures() {
    use crate::header::HeaderView;
    let h = linux_captures::TIMESTAMP_AND_ROUTER_ALERT;
    let view = HeaderView::new_lax(&h[..]).unwrap();
    let items: Vec<_> = view.options_iter().map(Result::unwrap).collect();
    let Ipv4Option::Timestamp(ts) = items[0] else {
        panic!("{items:?}")
    };
    assert_eq!(items[1], Ipv4Option::RouterAlert(RouterAlert::EXAMINE));
    assert_eq!(ts.flag(), TimestampFlag::TimestampsOnly);
    assert_eq!((ts.capacity(), ts.filled()), (4, 2));
    let times: Vec<_> = ts.entries().map(|e| e.time).collect();
    // 0x015ce202 ms = 06:21:04.386 UTC, standard (high bit clear).
    assert_eq!(times, [TimestampValue(0x015c_e202); 2]);
    assert_eq!(times[0].millis_since_midnight(), Some(22_864_386));

    let h = linux_captures::PRESPECIFIED;
    let view = HeaderView::new_lax(&h[..]).unwrap();
    assert!(view.verify_checksum());
    let items: Vec<_> = view.options_iter().map(Result::unwrap).collect();
    let Ipv4Option::Timestamp(ts) = items[0] else {
        panic!("{items:?}")
    };
    assert_eq!(ts.flag(), TimestampFlag::Prespecified);
    assert_eq!((ts.capacity(), ts.filled(), ts.pointer()), (3, 1, 13));
    let slots: Vec<_> = ts.slots().collect();
    assert_eq!(slots[0].address, Some(Ipv4Addr::LOCALHOST));
    assert_eq!(slots[0].time, TimestampValue(0x015c_e203));
    assert_eq!(slots[1].address, Some(Ipv4Addr::new(198, 51, 100, 77)));
    assert_eq!(slots[1].time, TimestampValue(0));
}

/// Issue 18, item 4: options as values.
mod as_values {
    use super::*;
    use crate::header::{Header, HeaderView, Protocol};
    use std::vec;

    /// An area holding one option of every typed kind and an unknown one,
    /// laid out by hand from RFC 791 / RFC 2113 / RFC 1108.
    const AREA: [u8; 40] = [
        1, // 0: NOP
        7, 7, 8, 198, 51, 100, 1, // 1: Record Route, one slot, full
        68, 12, 13, 0x01, 203, 0, 113, 9, 0, 0, 0, 42, // 8: Timestamp flag 1, one entry
        148, 4, 0, 0, // 20: Router Alert 0
        136, 4, 0x12, 0x34, // 24: Stream ID 0x1234
        130, 4, 0x5a, 0x80, // 28: Security, RFC 1108 Secret/GENSER
        0x99, 3, 0xab, // 32: unknown type 0x99
        131, 3, 4, // 35: Loose Source Route, no slots
        0, 0, // 38: End of Option List, padding
    ];

    #[test]
    fn every_item_has_its_offset_and_body() {
        let items: Vec<(usize, u8, Vec<u8>)> = Options::new(&AREA)
            .with_offsets()
            .map(|item| {
                let (offset, option) = item.unwrap();
                (offset, option.kind().value(), option.data().to_vec())
            })
            .collect();
        assert_eq!(
            items,
            [
                (0, 1, vec![]),
                (1, 7, vec![8, 198, 51, 100, 1]),
                (8, 68, vec![13, 0x01, 203, 0, 113, 9, 0, 0, 0, 42]),
                (20, 148, vec![0, 0]),
                (24, 136, vec![0x12, 0x34]),
                (28, 130, vec![0x5a, 0x80]),
                (32, 0x99, vec![0xab]),
                (35, 131, vec![4]),
                (38, 0, vec![]),
            ]
        );
        // Each body is the option's bytes after type and length.
        for item in Options::new(&AREA).with_offsets() {
            let (offset, option) = item.unwrap();
            let len = option.buffer_len();
            if len >= 2 && option.kind().value() > 1 {
                assert_eq!(option.data(), &AREA[offset + 2..offset + len]);
            }
        }
    }

    #[test]
    fn offsets_in_a_header_are_header_offsets() {
        let mut h = Header::new(
            Ipv4Addr::new(198, 51, 100, 1),
            Ipv4Addr::new(203, 0, 113, 2),
            Protocol::UDP,
        );
        h.set_options(&[1, 148, 4, 0, 0, 0, 0, 0]).unwrap();
        let mut buf = [0u8; 28];
        h.emit(&mut buf).unwrap();
        let view = HeaderView::new_checked(&buf[..]).unwrap();
        let offsets: Vec<usize> = view
            .options_iter()
            .with_offsets()
            .map(|i| i.unwrap().0)
            .collect();
        assert_eq!(offsets, [20, 21, 25]);
        // Errors keep their own offsets; the walk's offset moves past them.
        let mut walk = Options::new(&[1, 7, 0]).with_offsets();
        assert_eq!(walk.next(), Some(Ok((0, Ipv4Option::Nop))));
        assert!(matches!(walk.next(), Some(Err(e)) if e.offset() == 1));
        assert_eq!(walk.next(), None);
    }

    #[test]
    fn typed_bodies_agree_with_the_walk() {
        let rr = Route::new_checked(&AREA[1..8]).unwrap();
        assert_eq!(rr.data(), &AREA[3..8]);
        let ts = Timestamp::new_checked(&AREA[8..20]).unwrap();
        assert_eq!(ts.data(), &AREA[10..20]);
        assert_eq!(RouterAlert(0x0102).data(), [1, 2]);
        assert_eq!(StreamId(0x1234).data(), [0x12, 0x34]);
        assert_eq!(ts.flag().bits(), 1);
        for bits in 0..16 {
            if let Some(flag) = TimestampFlag::from_bits(bits) {
                assert_eq!(flag.bits(), bits);
                assert_eq!(u8::from(flag), bits);
            }
        }
        // Data compares and hashes as bytes, wherever it lives.
        let inline = Ipv4Option::RouterAlert(RouterAlert(0x0102)).data();
        let borrowed = Ipv4Option::Unknown {
            kind: OptionKind(0x99),
            data: &[1, 2],
        }
        .data();
        assert_eq!(inline, borrowed);
        assert_eq!(std::format!("{inline:?}"), "[1, 2]");
    }
}
