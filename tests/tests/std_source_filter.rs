//! Multicast, complete: `IP_MULTICAST_ALL`, membership by interface
//! address (`IP_ADD_MEMBERSHIP`/`ip_mreq`, `IP_*_SOURCE*`/`ip_mreq_source`)
//! beside membership by index, and a socket's whole source filter
//! (`MCAST_MSFILTER`/`group_filter` by index, `IP_MSFILTER`/`ip_msfilter`
//! by address, RFC 3678 §5.2): each read back from the kernel, each
//! refusal as a typed error, and what each does between two private
//! namespaces joined by a veth link: which datagrams arrive, and the
//! IGMPv3 records the kernel sends (captured on the peer with a raw IGMP
//! socket and decoded by the core).
//!
//! Every test needs root (namespaces) and is ignored with the reason
//! otherwise.

use ipv4_std::prelude::*;
use std::io;
use std::net::{Ipv4Addr, SocketAddrV4, UdpSocket};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc;
use std::thread;
use std::time::Duration;

use ipv4_std::ipv4_core::igmp::{self, FilterMode, RecordType};
use ipv4_tests::netns::{Netns, VethPair};
use ipv4_tests::sockets;
use socket2::{Domain, Socket, Type};

const WAIT: Duration = Duration::from_secs(10);
/// A second address of host b: a second multicast source.
const B2: Ipv4Addr = Ipv4Addr::new(198, 51, 100, 4);

/// One group record of an IGMPv3 report, owned.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Record {
    kind: RecordType,
    group: Ipv4Addr,
    sources: Vec<Ipv4Addr>,
}

/// The IGMPv3 reports host a sends, as host b's raw IGMP socket sees them.
struct Capture {
    rx: mpsc::Receiver<Vec<Record>>,
    stop: Arc<AtomicBool>,
    thread: Option<thread::JoinHandle<()>>,
    seen: Vec<Vec<Record>>,
}

impl Capture {
    fn start(pair: &VethPair) -> Capture {
        let b_index = pair.b_index;
        let conn = pair.b.run(move || {
            let s = sockets::raw(2, Duration::from_millis(50));
            let conn = PacketConn::new(s).unwrap();
            // Linux delivers multicast only to members of its destination.
            conn.join_group(b_index, igmp::ALL_IGMPV3_ROUTERS).unwrap();
            conn
        });
        let (tx, rx) = mpsc::channel();
        let stop = Arc::new(AtomicBool::new(false));
        let stop2 = stop.clone();
        let thread = thread::spawn(move || {
            let mut buf = [0u8; 1500];
            while !stop2.load(Ordering::Relaxed) {
                let d = match conn.recv_from(&mut buf) {
                    Ok(d) => d,
                    Err(e) if e.kind() == io::ErrorKind::WouldBlock => continue,
                    Err(e) => panic!("capture: {e}"),
                };
                let Some(header) = d.header else { continue };
                if header.source() != VethPair::A_ADDR {
                    continue;
                }
                if let Ok(igmp::Message::ReportV3(r)) = igmp::Message::parse(header.payload()) {
                    let records = r
                        .records()
                        .map(|rec| Record {
                            kind: rec.record_type,
                            group: rec.group,
                            sources: rec.sources.iter().collect(),
                        })
                        .collect();
                    if tx.send(records).is_err() {
                        return;
                    }
                }
            }
        });
        Capture {
            rx,
            stop,
            thread: Some(thread),
            seen: Vec::new(),
        }
    }

    /// Waits for a report holding a record of `kind` for `group` with
    /// `sources` (in any order).
    fn expect(&mut self, kind: RecordType, group: Ipv4Addr, sources: &[Ipv4Addr]) {
        let mut want = sources.to_vec();
        want.sort_unstable();
        loop {
            let Ok(records) = self.rx.recv_timeout(WAIT) else {
                panic!("no {kind} {group} {want:?} record; saw {:#?}", self.seen);
            };
            self.seen.push(records.clone());
            let found = records.into_iter().any(|mut r| {
                r.sources.sort_unstable();
                r.kind == kind && r.group == group && r.sources == want
            });
            if found {
                return;
            }
        }
    }
}

impl Drop for Capture {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::Relaxed);
        if let Some(t) = self.thread.take() {
            let r = t.join();
            if !thread::panicking() {
                r.unwrap();
            }
        }
    }
}

/// A UDP socket in `ns` on `0.0.0.0:port`, shareable (`SO_REUSEADDR`),
/// with a read timeout.
fn udp_in(ns: &Netns, port: u16, timeout: Duration) -> PacketConn<UdpSocket> {
    ns.run(move || {
        let s = Socket::new(Domain::IPV4, Type::DGRAM, None).unwrap();
        s.set_reuse_address(true).unwrap();
        s.bind(&SocketAddrV4::new(Ipv4Addr::UNSPECIFIED, port).into())
            .unwrap();
        s.set_read_timeout(Some(timeout)).unwrap();
        PacketConn::new(UdpSocket::from(s)).unwrap()
    })
}

/// Host b's sender, sending through its veth end.
fn sender(pair: &VethPair) -> PacketConn<UdpSocket> {
    let conn = udp_in(&pair.b, 0, WAIT);
    conn.set_multicast_interface(pair.b_index).unwrap();
    conn
}

/// Sends `data` to `group:port` from `source` (a local address of b).
fn send(conn: &PacketConn<UdpSocket>, group: Ipv4Addr, port: u16, source: Ipv4Addr, data: &[u8]) {
    let cm = ControlMessage {
        src: Some(source),
        ..ControlMessage::default()
    };
    conn.send_to(data, Some(&cm), SocketAddrV4::new(group, port))
        .unwrap();
}

/// The next datagram's payload and source; `None` after the socket's
/// timeout.
fn next(conn: &PacketConn<UdpSocket>) -> Option<(Vec<u8>, Ipv4Addr)> {
    let mut buf = [0u8; 64];
    match conn.recv_from(&mut buf) {
        Ok(d) => Some((d.payload.to_vec(), *d.source.ip())),
        Err(e) if e.kind() == io::ErrorKind::WouldBlock => None,
        Err(e) => panic!("recv: {e}"),
    }
}

fn sorted(mut v: Vec<Ipv4Addr>) -> Vec<Ipv4Addr> {
    v.sort_unstable();
    v
}

/// `IP_MULTICAST_ALL`: read back; on (the default), a socket bound to
/// `0.0.0.0:port` receives a group only another socket joined; off, it
/// does not, and still receives a group it joined itself.
fn multicast_all_off_stops_foreign_groups() {
    let pair = VethPair::new().unwrap();
    let port = 40_300;
    let (g1, g2) = (Ipv4Addr::new(239, 3, 0, 1), Ipv4Addr::new(239, 3, 0, 2));
    let member = udp_in(&pair.a, port, WAIT);
    member.join_group(pair.a_index, g1).unwrap();
    let bystander = udp_in(&pair.a, port, Duration::from_millis(300));
    assert!(bystander.multicast_all().unwrap(), "Linux's default");
    let tx = sender(&pair);

    send(&tx, g1, port, VethPair::B_ADDR, b"on");
    assert_eq!(next(&member).unwrap().0, b"on");
    assert_eq!(
        next(&bystander).map(|d| d.0),
        Some(b"on".to_vec()),
        "on: the bystander gets the member's group"
    );

    bystander.set_multicast_all(false).unwrap();
    assert!(!bystander.multicast_all().unwrap());
    // Read by a second wrapper: the kernel's value.
    assert!(
        !PacketConn::new(bystander.get_ref())
            .unwrap()
            .multicast_all()
            .unwrap()
    );
    send(&tx, g1, port, VethPair::B_ADDR, b"off");
    assert_eq!(next(&member).unwrap().0, b"off");
    assert_eq!(next(&bystander), None, "off: not its group");

    bystander.join_group(pair.a_index, g2).unwrap();
    member.join_group(pair.a_index, g2).unwrap();
    send(&tx, g2, port, VethPair::B_ADDR, b"own");
    assert_eq!(next(&bystander).unwrap().0, b"own", "its own group still");
    bystander.set_multicast_all(true).unwrap();
    assert!(bystander.multicast_all().unwrap());
}

/// Joins and leaves by interface address (`ip_mreq`, `ip_mreq_source`):
/// the kernel's membership table, the filter read back by address and by
/// index alike, and delivery.
fn membership_by_interface_address() {
    let pair = VethPair::new().unwrap();
    pair.b
        .ip(&["addr", "add", &format!("{B2}/24"), "dev", VethPair::B_IF])
        .unwrap();
    let port = 40_301;
    let (asm, ssm) = (Ipv4Addr::new(239, 3, 1, 1), Ipv4Addr::new(232, 3, 1, 1));
    let a = VethPair::A_ADDR;
    let member = udp_in(&pair.a, port, Duration::from_millis(500));
    let joined = |group| {
        pair.a
            .run(move || sockets::igmp_member(VethPair::A_IF, group))
    };

    member.join_group(a, asm).unwrap();
    assert!(joined(asm));
    let e = member.join_group(a, asm).unwrap_err();
    assert_eq!(e.kind(), io::ErrorKind::AddrInUse, "joined twice: {e}");
    for filter in [
        member.source_filter(a, asm).unwrap(),
        member.source_filter(pair.a_index, asm).unwrap(),
    ] {
        assert_eq!(
            (filter.mode(), filter.sources()),
            (FilterMode::Exclude, &[][..])
        );
    }
    let tx = sender(&pair);
    send(&tx, asm, port, VethPair::B_ADDR, b"asm");
    assert_eq!(next(&member).unwrap().0, b"asm");

    // Block and unblock by address (IP_BLOCK_SOURCE, IP_UNBLOCK_SOURCE).
    member
        .exclude_source_specific_group(a, asm, VethPair::B_ADDR)
        .unwrap();
    let f = member.source_filter(pair.a_index, asm).unwrap();
    assert_eq!(
        (f.mode(), f.sources()),
        (FilterMode::Exclude, &[VethPair::B_ADDR][..])
    );
    send(&tx, asm, port, VethPair::B_ADDR, b"blocked");
    send(&tx, asm, port, B2, b"b2");
    assert_eq!(next(&member).unwrap(), (b"b2".to_vec(), B2));
    member
        .include_source_specific_group(a, asm, VethPair::B_ADDR)
        .unwrap();
    assert!(member.source_filter(a, asm).unwrap().sources().is_empty());
    member.leave_group(a, asm).unwrap();
    assert!(!joined(asm));
    let e = member.leave_group(a, asm).unwrap_err();
    assert_eq!(e.kind(), io::ErrorKind::AddrNotAvailable, "not joined: {e}");

    // Source-specific by address (IP_ADD_SOURCE_MEMBERSHIP, IP_DROP_…).
    member
        .join_source_specific_group(a, ssm, VethPair::B_ADDR)
        .unwrap();
    member.join_source_specific_group(a, ssm, B2).unwrap();
    let f = member.source_filter(a, ssm).unwrap();
    assert_eq!(f.mode(), FilterMode::Include);
    assert_eq!(sorted(f.sources().to_vec()), [VethPair::B_ADDR, B2]);
    member
        .leave_source_specific_group(a, ssm, VethPair::B_ADDR)
        .unwrap();
    send(&tx, ssm, port, VethPair::B_ADDR, b"left");
    send(&tx, ssm, port, B2, b"kept");
    assert_eq!(next(&member).unwrap(), (b"kept".to_vec(), B2));
    member.leave_source_specific_group(a, ssm, B2).unwrap();
    assert!(!joined(ssm), "the last source leaves the group");

    // An address no interface has: the kernel finds no device.
    let e = member
        .join_group(Ipv4Addr::new(203, 0, 113, 1), asm)
        .unwrap_err();
    assert_eq!(e.raw_os_error(), Some(libc::ENODEV), "{e}");
    // A MulticastInterface converts: the same interface, by address.
    member
        .join_group(MulticastInterface::Address(a), asm)
        .unwrap();
    assert!(joined(asm));
}

/// The whole filter set at once: read back by index and by address, the
/// IGMPv3 records the kernel sends for each change, and which sources get
/// through.
fn source_filter_on_the_wire_and_in_delivery() {
    let pair = VethPair::new().unwrap();
    pair.a
        .sysctl(
            &format!("net.ipv4.conf.{}.force_igmp_version", VethPair::A_IF),
            "3",
        )
        .unwrap();
    pair.b
        .ip(&["addr", "add", &format!("{B2}/24"), "dev", VethPair::B_IF])
        .unwrap();
    let mut capture = Capture::start(&pair);
    let port = 40_302;
    let group = Ipv4Addr::new(239, 3, 2, 1);
    let (ifi, b1) = (pair.a_index, VethPair::B_ADDR);
    let member = udp_in(&pair.a, port, WAIT);
    let tx = sender(&pair);

    member.join_group(ifi, group).unwrap();
    capture.expect(RecordType::CHANGE_TO_EXCLUDE_MODE, group, &[]);

    // EXCLUDE {} → INCLUDE {b1}: a filter-mode change.
    let include = SourceFilter::include(&[b1]).unwrap();
    member.set_source_filter(ifi, group, &include).unwrap();
    capture.expect(FilterMode::Include.change_record(), group, &[b1]);
    let back = member.source_filter(ifi, group).unwrap();
    assert_eq!(back, include, "{back}");
    assert_eq!(
        member.source_filter(VethPair::A_ADDR, group).unwrap(),
        include
    );
    send(&tx, group, port, B2, b"b2-excluded");
    send(&tx, group, port, b1, b"b1-included");
    assert_eq!(next(&member).unwrap(), (b"b1-included".to_vec(), b1));

    // INCLUDE {b1} → EXCLUDE {b1}, set by address (IP_MSFILTER).
    let exclude = SourceFilter::exclude(&[b1]).unwrap();
    member
        .set_source_filter(VethPair::A_ADDR, group, &exclude)
        .unwrap();
    capture.expect(FilterMode::Exclude.change_record(), group, &[b1]);
    assert_eq!(member.source_filter(ifi, group).unwrap(), exclude);
    send(&tx, group, port, b1, b"b1-excluded");
    send(&tx, group, port, B2, b"b2-included");
    assert_eq!(next(&member).unwrap(), (b"b2-included".to_vec(), B2));

    // EXCLUDE {b1} → EXCLUDE {b1, b2}: a source-list change.
    let both = SourceFilter::exclude(&[b1, B2]).unwrap();
    member.set_source_filter(ifi, group, &both).unwrap();
    capture.expect(RecordType::BLOCK_OLD_SOURCES, group, &[B2]);
    let back = member.source_filter(ifi, group).unwrap();
    assert_eq!(
        (back.mode(), sorted(back.sources().to_vec())),
        (FilterMode::Exclude, vec![b1, B2])
    );
    assert_eq!(
        back.current_state_record(group).record_type,
        RecordType::MODE_IS_EXCLUDE
    );

    // INCLUDE {} leaves the group (RFC 3678 §5.2.1).
    member
        .set_source_filter(ifi, group, &SourceFilter::include(&[]).unwrap())
        .unwrap();
    capture.expect(RecordType::CHANGE_TO_INCLUDE_MODE, group, &[]);
    let e = member.source_filter(ifi, group).unwrap_err();
    assert_eq!(e.kind(), io::ErrorKind::AddrNotAvailable, "left: {e}");
}

/// What the kernel refuses, and a filter larger than a `SourceFilter`
/// holds: read back truncated, with the kernel's count.
fn source_filter_limits() {
    let pair = VethPair::new().unwrap();
    let group = Ipv4Addr::new(239, 3, 3, 1);
    let ifi = pair.a_index;
    let member = udp_in(&pair.a, 0, WAIT);
    let sources: Vec<Ipv4Addr> = (1..=200).map(|i| Ipv4Addr::new(203, 0, 113, i)).collect();

    // Not joined: EINVAL on set, EADDRNOTAVAIL on get.
    let e = member
        .set_source_filter(ifi, group, &SourceFilter::exclude(&sources[..1]).unwrap())
        .unwrap_err();
    assert_eq!(e.raw_os_error(), Some(libc::EINVAL), "{e}");
    let e = member.source_filter(ifi, group).unwrap_err();
    assert_eq!(e.raw_os_error(), Some(libc::EADDRNOTAVAIL), "{e}");
    // A group that is not multicast: refused before the system call.
    let e = member
        .source_filter(ifi, Ipv4Addr::new(198, 51, 100, 9))
        .unwrap_err();
    assert_eq!(e.kind(), io::ErrorKind::InvalidInput);
    assert!(e.raw_os_error().is_none());

    member.join_group(ifi, group).unwrap();
    // Index 0 (and 0.0.0.0): the interface the routing table gives the
    // group, here the veth link.
    let any = SourceFilter::exclude(&[]).unwrap();
    assert_eq!(member.source_filter(0, group).unwrap(), any);
    assert_eq!(
        member.source_filter(Ipv4Addr::UNSPECIFIED, group).unwrap(),
        any
    );
    // Beyond net.ipv4.igmp_max_msf (10 by default): ENOBUFS.
    let ten = SourceFilter::exclude(&sources[..10]).unwrap();
    member.set_source_filter(ifi, group, &ten).unwrap();
    assert_eq!(member.source_filter(ifi, group).unwrap(), ten);
    let e = member
        .set_source_filter(ifi, group, &SourceFilter::exclude(&sources[..11]).unwrap())
        .unwrap_err();
    assert_eq!(e.raw_os_error(), Some(libc::ENOBUFS), "{e}");

    // Raised, the kernel takes a full SourceFilter, and more one by one.
    pair.a.sysctl("net.ipv4.igmp_max_msf", "100").unwrap();
    let cap = SourceFilter::CAPACITY;
    let full = SourceFilter::exclude(&sources[..cap]).unwrap();
    member.set_source_filter(ifi, group, &full).unwrap();
    let back = member.source_filter(ifi, group).unwrap();
    assert_eq!(
        sorted(back.sources().to_vec()),
        sorted(sources[..cap].to_vec())
    );
    assert!(!back.is_truncated());
    for &s in &sources[cap..cap + 3] {
        member.exclude_source_specific_group(ifi, group, s).unwrap();
    }
    let back = member.source_filter(ifi, group).unwrap();
    assert_eq!(back.source_count(), cap + 3, "the kernel's count");
    assert_eq!(back.sources().len(), cap);
    assert!(back.is_truncated(), "{back}");
    assert!(
        back.sources()
            .iter()
            .all(|s| sources[..cap + 3].contains(s))
    );
}

#[path = "../../std-adapter/examples/common/harness.rs"]
mod harness;

fn main() {
    use harness::kernel;
    harness::run([
        kernel(multicast_all_off_stops_foreign_groups),
        kernel(membership_by_interface_address),
        kernel(source_filter_on_the_wire_and_in_delivery),
        kernel(source_filter_limits),
    ]);
}
