//! IPv4 options as Linux emits them: a UDP socket with `IP_OPTIONS` set
//! sends to 127.0.0.1 inside a private network namespace, a raw socket
//! captures the whole datagram, and `ipv4_core::options` decodes it.

use std::io;
use std::mem::MaybeUninit;
use std::net::{Ipv4Addr, SocketAddrV4, UdpSocket};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use ipv4_core::checksum::{self, Policy};
use ipv4_core::header::HeaderView;
use ipv4_core::options::forward::{self, RecordOutcome, TimestampOutcome};
use ipv4_core::options::{
    Ipv4Option, Options, OptionsArea, OptionsBuilder, RouterAlert, Timestamp, TimestampFlag,
    TimestampRepr, TimestampValue,
};
use ipv4_std::PacketConn;
use ipv4_std::prelude::HeaderOptions;
use ipv4_tests::netns::{self, Netns};
use socket2::{Domain, Protocol, Socket, Type};

const LOOPBACK: Ipv4Addr = Ipv4Addr::LOCALHOST;

/// Sets `IP_OPTIONS` on `socket` through the wrapper.
fn set_ip_options(socket: &UdpSocket, options: &[u8]) -> io::Result<()> {
    PacketConn::new(socket)?.set_ip_options(options)
}

/// Hands `options` to the kernel's `IP_OPTIONS` as they are. Only
/// [`linux_accepts`] does this: it asks the kernel itself, so it must not
/// go through `set_ip_options`, which refuses unframed areas before any
/// system call (with the same verdict, which this test shows).
fn kernel_set_ip_options(socket: &UdpSocket, options: &[u8]) -> io::Result<()> {
    PacketConn::new(socket)?.set_ip_options_unchecked(options)
}

/// Inside the current (private) namespace: sends one UDP datagram from a
/// socket carrying `options` to 127.0.0.1 and returns the whole IPv4
/// packet a raw socket sees arrive.
fn send_and_capture(options: &[u8]) -> Vec<u8> {
    let raw = Socket::new(Domain::IPV4, Type::RAW, Some(Protocol::UDP)).unwrap();
    raw.set_read_timeout(Some(Duration::from_secs(5))).unwrap();
    let receiver = UdpSocket::bind((LOOPBACK, 0)).unwrap();
    let port = receiver.local_addr().unwrap().port();
    let sender = UdpSocket::bind((LOOPBACK, 0)).unwrap();
    set_ip_options(&sender, options).unwrap();
    sender
        .send_to(b"ipv4 options", SocketAddrV4::new(LOOPBACK, port))
        .unwrap();
    let mut buf = [MaybeUninit::<u8>::uninit(); 1500];
    loop {
        let n = raw.recv(&mut buf).unwrap();
        // SAFETY: recv initialised the first n bytes.
        let packet: Vec<u8> = buf[..n]
            .iter()
            .map(|b| unsafe { b.assume_init() })
            .collect();
        let ihl = usize::from(packet[0] & 0x0f) * 4;
        if packet.len() >= ihl + 4 && u16::from_be_bytes([packet[ihl + 2], packet[ihl + 3]]) == port
        {
            return packet;
        }
    }
}

fn options_of(packet: &[u8]) -> &[u8] {
    let ihl = usize::from(packet[0] & 0x0f) * 4;
    &packet[20..ihl]
}

/// Milliseconds since midnight UTC now, as RFC 791 timestamps count.
fn now_ms_since_midnight() -> u32 {
    let since_epoch = SystemTime::now().duration_since(UNIX_EPOCH).unwrap();
    (since_epoch.as_millis() % 86_400_000) as u32
}

/// Whether `ms` is within a few seconds of `now` (wrapping at midnight).
fn close_to(ms: u32, now: u32) -> bool {
    let d = (i64::from(ms) - i64::from(now)).rem_euclid(86_400_000);
    d.min(86_400_000 - d) < 5_000
}

/// Builds an options area with `build`.
fn area(build: impl FnOnce(&mut OptionsBuilder<'_>)) -> Vec<u8> {
    let mut buf = [0u8; 40];
    let mut b = OptionsBuilder::new(&mut buf);
    build(&mut b);
    b.finish().unwrap().to_vec()
}

/// Walks `options` strictly, checks that the lax walk agrees, and returns
/// the items.
fn walk(options: &[u8]) -> Vec<Ipv4Option<'_>> {
    let strict: Vec<_> = Options::new(options).map(Result::unwrap).collect();
    let lax: Vec<_> = Options::lax(options).map(Result::unwrap).collect();
    assert_eq!(strict, lax);
    strict
}

fn timestamp_of<'a>(item: &Ipv4Option<'a>) -> Timestamp<'a> {
    match item {
        Ipv4Option::Timestamp(t) => *t,
        other => panic!("expected a Timestamp, found {other:?}"),
    }
}

/// Runs `f` in a fresh namespace, or prints why not.
fn in_netns(test: &str, f: impl FnOnce() + Send) {
    if !netns::can_create(test) {
        return;
    }
    let ns = Netns::new().unwrap();
    ns.run(f);
}

/// Linux records the sender's address when it builds the header
/// (`ip_options_build`) and the receiver's when it compiles the options on
/// input (`ip_options_compile`), so a 9-slot Record Route sent over
/// loopback arrives with 127.0.0.1 twice and the pointer at 12. The input
/// edit happens after the checksum was verified and is not folded into it:
/// the captured header's checksum is stale, and undoing the receiver's
/// entry makes it verify again. Our in-place helper redoes that entry with
/// a correct checksum.
fn record_route_as_linux_fills_it() {
    in_netns("record_route_as_linux_fills_it", || {
        let sent = area(|b| {
            b.record_route(9).unwrap();
        });
        assert_eq!(sent.len(), 40);
        let packet = send_and_capture(&sent);
        assert_eq!(packet[0], 0x4f, "IHL 15: the full 40 bytes of options");
        let header = &packet[..60];
        let items = walk(options_of(header));
        assert_eq!(items.len(), 2);
        let Ipv4Option::RecordRoute(rr) = items[0] else {
            panic!("expected Record Route, found {:?}", items[0])
        };
        assert_eq!(items[1], Ipv4Option::End { padding: &[] });
        assert_eq!((rr.length(), rr.capacity()), (39, 9));
        assert_eq!(rr.pointer(), 12);
        assert_eq!(rr.recorded().collect::<Vec<_>>(), [LOOPBACK, LOOPBACK]);
        assert!(rr.remaining().all(|a| a == Ipv4Addr::UNSPECIFIED));
        assert_eq!(rr.free_slots(), 7);

        // The receiver's edit is not in the checksum.
        assert!(!checksum::verify(header));
        let mut as_sent = packet.clone();
        as_sent[22] = 8;
        as_sent[27..31].fill(0);
        assert!(
            checksum::verify(&as_sent[..60]),
            "the sender's header verifies"
        );

        // Redo the receiver's step with our helper: same bytes, right sum.
        let mut redone = as_sent.clone();
        let mut view = HeaderView::new_checked(&mut redone[..]).unwrap();
        assert_eq!(
            view.record_route(LOOPBACK),
            Ok(Some(RecordOutcome::Recorded { slot: 1 }))
        );
        assert!(view.verify_checksum());
        assert_eq!(redone[20..60], header[20..]);
    });
}

/// Timestamp flag 0 next to a Router Alert: sender and receiver each add
/// a standard (high bit clear) millisecond-since-midnight time, the Router
/// Alert passes through untouched.
fn timestamps_only_and_router_alert_as_linux_fills_them() {
    in_netns(
        "timestamps_only_and_router_alert_as_linux_fills_them",
        || {
            let sent = area(|b| {
                b.empty_timestamp(TimestampFlag::TimestampsOnly, 4)
                    .unwrap()
                    .router_alert(RouterAlert::EXAMINE)
                    .unwrap();
            });
            assert_eq!(sent.len(), 24);
            let before = now_ms_since_midnight();
            let packet = send_and_capture(&sent);
            assert_eq!(packet[0], 0x4b);
            let header = &packet[..44];
            let items = walk(options_of(header));
            assert_eq!(items.len(), 2, "{items:?}");
            assert_eq!(items[1], Ipv4Option::RouterAlert(RouterAlert::EXAMINE));
            let ts = timestamp_of(&items[0]);
            assert_eq!(ts.flag(), TimestampFlag::TimestampsOnly);
            assert_eq!((ts.capacity(), ts.filled(), ts.pointer()), (4, 2, 13));
            assert_eq!(ts.overflow(), 0);
            let times: Vec<_> = ts.entries().map(|e| e.time).collect();
            for e in ts.entries() {
                assert_eq!(e.address, None);
                let ms = e
                    .time
                    .millis_since_midnight()
                    .expect("Linux sends standard times");
                assert!(close_to(ms, before), "{ms} vs now {before}");
            }
            let d = (i64::from(times[1].0) - i64::from(times[0].0)).rem_euclid(86_400_000);
            assert!(d < 5_000, "the receiver's time is not before the sender's");
            assert!(ts.slots().skip(2).all(|e| e.time == TimestampValue(0)));

            // Undo the receiver's entry: the sender's header verifies; redo it
            // with our helper and the bytes match, with a right checksum.
            let mut as_sent = packet.clone();
            as_sent[22] = 9;
            as_sent[28..32].fill(0);
            assert!(checksum::verify(&as_sent[..44]));
            let mut redone = as_sent.clone();
            let mut view = HeaderView::new_checked(&mut redone[..]).unwrap();
            assert_eq!(
                view.add_timestamp(LOOPBACK, times[1]),
                Ok(Some(TimestampOutcome::Recorded { slot: 1 }))
            );
            assert!(view.verify_checksum());
            assert_eq!(redone[20..44], header[20..]);
        },
    );
}

/// Timestamp flag 1 after a NOP: both hops record 127.0.0.1 and a time.
fn address_and_timestamp_as_linux_fills_them() {
    in_netns("address_and_timestamp_as_linux_fills_them", || {
        let sent = area(|b| {
            b.nop()
                .unwrap()
                .empty_timestamp(TimestampFlag::AddressAndTimestamp, 3)
                .unwrap();
        });
        assert_eq!(sent, {
            let mut v = vec![1, 68, 28, 5, 1];
            v.resize(32, 0);
            v
        });
        let before = now_ms_since_midnight();
        let packet = send_and_capture(&sent);
        let items = walk(options_of(&packet));
        assert_eq!(items[0], Ipv4Option::Nop);
        let ts = timestamp_of(&items[1]);
        assert_eq!(items[2], Ipv4Option::End { padding: &[0, 0] });
        assert_eq!(ts.flag(), TimestampFlag::AddressAndTimestamp);
        assert_eq!((ts.capacity(), ts.filled(), ts.pointer()), (3, 2, 21));
        for e in ts.entries() {
            assert_eq!(e.address, Some(LOOPBACK));
            assert!(close_to(e.time.millis_since_midnight().unwrap(), before));
        }
        let last = ts.slots().next_back().unwrap();
        assert_eq!(last.address, Some(Ipv4Addr::UNSPECIFIED));
        assert_eq!(last.time, TimestampValue(0));
    });
}

/// Timestamp flag 3 with 127.0.0.1, 198.51.100.77, 127.0.0.1: the sender
/// fills the first entry (its own address); on input the pointer names
/// 198.51.100.77, not local, so the receiver leaves everything as it is —
/// the later 127.0.0.1 stays empty, and the checksum is intact. Our
/// forwarding helper makes the same decision.
fn prespecified_timestamp_as_linux_fills_it() {
    in_netns("prespecified_timestamp_as_linux_fills_it", || {
        let other = Ipv4Addr::new(198, 51, 100, 77);
        let sent = area(|b| {
            b.timestamp(&TimestampRepr::prespecified(&[LOOPBACK, other, LOOPBACK]).unwrap())
                .unwrap();
        });
        let before = now_ms_since_midnight();
        let packet = send_and_capture(&sent);
        let view = HeaderView::new_checked_with(&packet[..], Policy::Enforce)
            .expect("nothing was edited on input");
        let items: Vec<_> = view.options_iter().map(Result::unwrap).collect();
        assert_eq!(items, walk(options_of(&packet)));
        let ts = timestamp_of(&items[0]);
        assert_eq!(ts.flag(), TimestampFlag::Prespecified);
        assert_eq!((ts.capacity(), ts.filled(), ts.pointer()), (3, 1, 13));
        let slots: Vec<_> = ts.slots().collect();
        assert_eq!(slots[0].address, Some(LOOPBACK));
        assert!(close_to(
            slots[0].time.millis_since_midnight().unwrap(),
            before
        ));
        assert_eq!(slots[1].address, Some(other));
        assert_eq!(slots[1].time, TimestampValue(0));
        assert_eq!(slots[2].address, Some(LOOPBACK));
        assert_eq!(slots[2].time, TimestampValue(0));

        let mut option = ts.as_bytes().to_vec();
        assert_eq!(
            forward::add_timestamp(&mut option, LOOPBACK, TimestampValue(1)),
            Ok(TimestampOutcome::NotListed)
        );
        assert_eq!(option, ts.as_bytes());
    });
}

/// Options Linux does not process (Security, the obsolete Stream ID, an
/// RFC 3692 experiment type) are accepted from a privileged socket and
/// delivered byte for byte; the walker types the first two and keeps the
/// third as `Unknown`, and all three are copied into later fragments.
fn unprocessed_options_pass_through_linux_unchanged() {
    in_netns("unprocessed_options_pass_through_linux_unchanged", || {
        use ipv4_core::options::{OptionKind, Security, StreamId, copy_for_fragment};
        let sent = area(|b| {
            b.security(&Security::new(&[0xab]).unwrap())
                .unwrap()
                .stream_id(StreamId(0x1234))
                .unwrap()
                .raw(OptionKind(158), &[1, 2])
                .unwrap();
        });
        assert_eq!(sent, [130, 3, 0xab, 136, 4, 0x12, 0x34, 158, 4, 1, 2, 0]);
        let packet = send_and_capture(&sent);
        let view =
            HeaderView::new_checked_with(&packet[..], Policy::Enforce).expect("checksum intact");
        assert_eq!(view.options(), &sent[..]);
        let items: Vec<_> = view.options_iter().map(Result::unwrap).collect();
        let Ipv4Option::Security(security) = items[0] else {
            panic!("{items:?}")
        };
        assert_eq!(security.classification_level(), 0xab);
        assert_eq!(items[1], Ipv4Option::StreamId(StreamId(0x1234)));
        assert_eq!(
            items[2],
            Ipv4Option::Unknown {
                kind: OptionKind(158),
                data: &[1, 2]
            }
        );
        assert_eq!(items[2].kind().name(), Some("RFC3692-style Experiment"));
        assert_eq!(items[3], Ipv4Option::End { padding: &[] });
        let mut later = [0u8; 40];
        let n = copy_for_fragment(view.options(), &mut later).unwrap();
        assert_eq!(&later[..n], &sent[..]);
    });
}

/// Whether Linux accepts `area` as `IP_OPTIONS` (its `ip_options_compile`
/// on the socket's options).
fn linux_accepts(area: &[u8]) -> bool {
    let socket = UdpSocket::bind((LOOPBACK, 0)).unwrap();
    let wrapper_frames = OptionsArea::parse(area).is_ok();
    let accepted = match kernel_set_ip_options(&socket, area) {
        Ok(()) => true,
        Err(e) if e.raw_os_error() == Some(libc::EINVAL) => false,
        Err(e) => panic!("setsockopt(IP_OPTIONS, {area:?}) failed unexpectedly: {e}"),
    };
    // The wrapper's check before the system call (length and framing)
    // never refuses what the kernel takes.
    assert!(
        wrapper_frames || !accepted,
        "the wrapper refuses {area:?}, which Linux accepts"
    );
    accepted
}

/// The strict walker and Linux's option compiler (`ip_options_compile`, run
/// by `setsockopt(IP_OPTIONS)` as on input) agree on what is malformed:
/// framing errors (zero, one, overlong lengths, a type byte with no length
/// after it), route and timestamp pointers below the first slot or without
/// room for a whole entry, lengths too short for the type. Where they
/// differ the walker is the stricter one; those cases are listed, and the
/// lax walk reads past all of them.
fn strict_walker_agrees_with_linux_on_malformed_options() {
    in_netns(
        "strict_walker_agrees_with_linux_on_malformed_options",
        || {
            let agree: &[(&str, &[u8])] = &[
                ("empty", &[]),
                ("NOPs", &[1, 1, 1, 1]),
                ("EOL then padding", &[0, 0, 0, 0]),
                ("Router Alert", &[148, 4, 0, 0]),
                (
                    "Record Route, 2 slots",
                    &[7, 11, 4, 0, 0, 0, 0, 0, 0, 0, 0, 0],
                ),
                ("Record Route, full", &[7, 7, 8, 10, 0, 0, 1, 0]),
                ("Timestamp flag 1", &[68, 12, 5, 1, 0, 0, 0, 0, 0, 0, 0, 0]),
                ("length 0", &[7, 0, 0, 0]),
                ("length 1", &[148, 1, 0, 0]),
                ("length past the end", &[1, 7, 39, 4]),
                ("type byte last", &[1, 1, 1, 148]),
                ("Record Route length 2", &[7, 2, 0, 0]),
                ("Record Route pointer 3", &[7, 7, 3, 0, 0, 0, 0, 0]),
                (
                    "Record Route, room for half a slot",
                    &[7, 9, 8, 0, 0, 0, 0, 0, 0, 0, 0, 0],
                ),
                ("Timestamp length 3", &[68, 3, 5, 0]),
                ("Timestamp pointer 4", &[68, 8, 4, 0, 0, 0, 0, 0]),
                (
                    "Timestamp flag 1 without room for a pair",
                    &[68, 8, 5, 1, 0, 0, 0, 0],
                ),
                ("Router Alert length 3", &[148, 3, 0, 0]),
            ];
            for (what, area) in agree {
                let ours = Options::validate(area);
                assert_eq!(
                    linux_accepts(area),
                    ours.is_ok(),
                    "{what}: {area:?}, walker says {ours:?}"
                );
            }
            // Stricter than Linux: pointers must start a slot and not run past
            // length + 1, Router Alert and Stream ID are exactly 4 bytes, a
            // route's length is 3 + 4n and a timestamp's 4 + (4 or 8)n.
            let stricter: &[(&str, &[u8])] = &[
                (
                    "Record Route pointer 5 (mid-slot)",
                    &[7, 11, 5, 0, 0, 0, 0, 0, 0, 0, 0, 0],
                ),
                (
                    "Record Route pointer 40 (past length + 1)",
                    &[7, 7, 40, 0, 0, 0, 0, 0],
                ),
                ("Router Alert length 8", &[148, 8, 0, 0, 0, 0, 0, 0]),
                // Linux lets a privileged socket (and any received datagram)
                // carry flags other than 0, 1 and 3, leaving them untouched.
                ("Timestamp flag 2", &[68, 8, 5, 2, 0, 0, 0, 0]),
                (
                    "Record Route length 9",
                    &[7, 9, 4, 0, 0, 0, 0, 0, 0, 0, 0, 0],
                ),
            ];
            for (what, area) in stricter {
                assert!(linux_accepts(area), "{what}: Linux accepts {area:?}");
                assert!(Options::validate(area).is_err(), "{what}: walker refuses");
                // The lax walk still reads past it.
                assert!(Options::lax(area).all(|o| o.is_ok()), "{what}");
            }
        },
    );
}

#[path = "../../std-adapter/examples/common/harness.rs"]
mod harness;

fn main() {
    use harness::kernel;
    harness::run([
        kernel(record_route_as_linux_fills_it),
        kernel(timestamps_only_and_router_alert_as_linux_fills_them),
        kernel(address_and_timestamp_as_linux_fills_them),
        kernel(prespecified_timestamp_as_linux_fills_it),
        kernel(unprocessed_options_pass_through_linux_unchanged),
        kernel(strict_walker_agrees_with_linux_on_malformed_options),
    ]);
}
