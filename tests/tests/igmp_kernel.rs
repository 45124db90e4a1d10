//! IGMP reports the Linux kernel sends, captured and decoded by
//! `ipv4_core::igmp`.
//!
//! Host `a` of a private veth pair joins and leaves groups (any-source,
//! source-specific, with blocked sources) with `force_igmp_version` set to
//! 2 or 3; host `b` captures every IPv4 packet arriving on its end with a
//! packet socket (a raw IGMP socket would only see groups `b` itself is a
//! member of). The test then checks that the reports decode to exactly what
//! was asked, in an IPv4 envelope with TTL 1, the Router Alert option and
//! the right destination, and that the envelope `ipv4_core` builds for the
//! same message is the kernel's header.
//!
//! The other way round, host `b` sends queries built by `ipv4_core` (IGMPv3
//! general and group-specific, IGMPv2, and one with a broken checksum) as
//! whole IPv4 packets in its envelope, and the test checks that Linux on
//! `a` answers the good ones and ignores the bad one. Nothing leaves the
//! two namespaces.

use std::io::Read;
use std::net::{Ipv4Addr, SocketAddrV4, UdpSocket};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc;
use std::thread;
use std::time::{Duration, Instant};

use ipv4_core::error::IgmpBuildError;
use ipv4_core::header::Header;
use ipv4_core::igmp::{
    ALL_IGMPV3_ROUTERS, ALL_ROUTERS, MaxRespCode, Message, MessageType, QueryV3Repr, RecordType,
    ReportV3Repr, V1V2Repr, envelope,
};
use ipv4_std::PacketConn;
use ipv4_std::prelude::*;
use ipv4_tests::netns::{self, VethPair};
use socket2::{Domain, InterfaceIndexOrAddress, Protocol, Socket, Type};

const GROUP: Ipv4Addr = Ipv4Addr::new(239, 1, 2, 3);
const SSM_GROUP: Ipv4Addr = Ipv4Addr::new(232, 1, 1, 1);
const SOURCE: Ipv4Addr = Ipv4Addr::new(203, 0, 113, 7);
const BLOCKED: Ipv4Addr = Ipv4Addr::new(203, 0, 113, 9);

/// Pause between membership changes, so each gets its own reports.
const STEP: Duration = Duration::from_millis(300);

/// One captured IPv4 packet carrying IGMP.
#[derive(Debug)]
struct Captured {
    tos: u8,
    ttl: u8,
    src: Ipv4Addr,
    dst: Ipv4Addr,
    options: Vec<u8>,
    igmp: Vec<u8>,
    packet: Vec<u8>,
}

impl Captured {
    /// Splits an IPv4 packet by hand (RFC 791 §3.1), so this test does not
    /// depend on the header module it would otherwise check.
    fn from_ipv4(packet: &[u8]) -> Option<Captured> {
        let ihl = usize::from(packet.first()? & 0x0f) * 4;
        let total = usize::from(u16::from_be_bytes([*packet.get(2)?, *packet.get(3)?]));
        if packet[0] >> 4 != 4 || packet.get(9)? != &2 || ihl < 20 || total > packet.len() {
            return None;
        }
        Some(Captured {
            tos: packet[1],
            ttl: packet[8],
            src: Ipv4Addr::new(packet[12], packet[13], packet[14], packet[15]),
            dst: Ipv4Addr::new(packet[16], packet[17], packet[18], packet[19]),
            options: packet.get(20..ihl)?.to_vec(),
            igmp: packet.get(ihl..total)?.to_vec(),
            packet: packet[..total].to_vec(),
        })
    }

    /// TTL 1, IP Router Alert (RFC 2113) and sent by host a: what RFC 2236
    /// §2 and RFC 9776 §4 require of every report.
    fn assert_envelope(&self, dst: Ipv4Addr) {
        assert_eq!(self.src, VethPair::A_ADDR, "{self:?}");
        assert_eq!(self.dst, dst, "{self:?}");
        assert_eq!(self.ttl, 1, "{self:?}");
        assert_eq!(self.options, [0x94, 0x04, 0x00, 0x00], "{self:?}");
        assert_eq!(self.tos, 0xc0, "{self:?}");

        // The envelope `ipv4_core::igmp` builds for this message is the
        // kernel's header, all but the identification (and so the
        // checksum).
        let message = Message::parse(&self.igmp).unwrap();
        let mut ours = message.ip_header(VethPair::A_ADDR).unwrap();
        let kernel = Header::parse(&self.packet).unwrap();
        ours.identification = kernel.identification;
        ours.fill_checksum();
        assert_eq!(ours, kernel, "{message}");
        // And `emit_packet` writes the kernel's bytes, but for the ID.
        let mut buf = [0u8; 1500];
        let len = envelope::emit_packet(&mut buf, VethPair::A_ADDR, |b| {
            b[..self.igmp.len()].copy_from_slice(&self.igmp);
            Ok(self.igmp.len())
        })
        .unwrap();
        let mut expected = self.packet.clone();
        expected[4..6].fill(0);
        expected[10..12].fill(0);
        buf[10..12].fill(0);
        assert_eq!(&buf[..len], &expected[..]);
    }
}

/// Runs `actions` on host a with IGMP forced to `version`, while host b
/// captures; returns the IGMP packets a sent, in order.
fn capture(version: u8, actions: impl FnOnce(u32) + Send) -> Option<Vec<Captured>> {
    if !netns::can_create("igmp_kernel") {
        return None;
    }
    let pair = VethPair::new().expect("veth pair");
    let key = format!("net.ipv4.conf.{}.force_igmp_version", VethPair::A_IF);
    pair.a.sysctl(&key, &version.to_string()).expect("sysctl");
    // Unsolicited reports are repeated; keep the interval short so the
    // retransmissions fall inside the capture window.
    let key = format!(
        "net.ipv4.conf.{}.igmpv3_unsolicited_report_interval",
        VethPair::A_IF
    );
    let _ = pair.a.sysctl(&key, "200");
    let key = format!(
        "net.ipv4.conf.{}.igmpv2_unsolicited_report_interval",
        VethPair::A_IF
    );
    let _ = pair.a.sysctl(&key, "200");

    let stop = Arc::new(AtomicBool::new(false));
    let (ready_tx, ready_rx) = mpsc::channel();
    let capturer = {
        let stop = Arc::clone(&stop);
        pair.b.spawn(move || {
            // SOCK_DGRAM packet socket: IPv4 packets without link header.
            let eth_p_ip = i32::from((libc::ETH_P_IP as u16).to_be());
            let mut sock = Socket::new(Domain::PACKET, Type::DGRAM, Some(Protocol::from(eth_p_ip)))
                .expect("packet socket");
            sock.set_read_timeout(Some(Duration::from_millis(50)))
                .unwrap();
            ready_tx.send(()).unwrap();
            let mut packets = Vec::new();
            let deadline = Instant::now() + Duration::from_secs(20);
            let mut buf = [0u8; 2048];
            while !stop.load(Ordering::Relaxed) && Instant::now() < deadline {
                if let Ok(n) = sock.read(&mut buf)
                    && let Some(p) = Captured::from_ipv4(&buf[..n])
                    && p.src == VethPair::A_ADDR
                {
                    packets.push(p);
                }
            }
            packets
        })
    };
    ready_rx.recv().expect("capturer started");
    let a_index = pair.a_index;
    pair.a.run(move || actions(a_index));
    thread::sleep(Duration::from_millis(600));
    stop.store(true, Ordering::Relaxed);
    Some(capturer.join().expect("capturer"))
}

/// `(record type, group, sources)` of every v3 record, checking each
/// report's envelope on the way.
fn v3_records(packets: &[Captured]) -> Vec<(RecordType, Ipv4Addr, Vec<Ipv4Addr>)> {
    let mut out = Vec::new();
    for p in packets {
        match Message::parse(&p.igmp).expect("kernel IGMP decodes") {
            Message::ReportV3(report) => {
                p.assert_envelope(ALL_IGMPV3_ROUTERS);
                // Re-emitting what we parsed gives the kernel's bytes back.
                let repr = ReportV3Repr::parse(&report);
                let mut again = vec![0; repr.buffer_len()];
                repr.emit(&mut again).unwrap();
                assert_eq!(again, p.igmp);
                for r in report.records() {
                    out.push((r.record_type, r.group, r.sources.iter().collect()));
                }
            }
            other => panic!("IGMPv3 host sent {other}"),
        }
    }
    out
}

fn position(
    records: &[(RecordType, Ipv4Addr, Vec<Ipv4Addr>)],
    want: (RecordType, Ipv4Addr, &[Ipv4Addr]),
) -> usize {
    records
        .iter()
        .position(|(t, g, s)| (*t, *g, &s[..]) == want)
        .unwrap_or_else(|| panic!("no {want:?} record in {records:?}"))
}

fn udp() -> UdpSocket {
    UdpSocket::bind((Ipv4Addr::UNSPECIFIED, 0)).unwrap()
}

fn igmpv3_any_source_join_block_unblock_leave() {
    let Some(packets) = capture(3, |a_index| {
        let s = Socket::from(udp());
        s.join_multicast_v4_n(&GROUP, &InterfaceIndexOrAddress::Index(a_index))
            .unwrap();
        thread::sleep(STEP);
        let s = UdpSocket::from(s);
        // By interface address: IP_BLOCK_SOURCE, IP_UNBLOCK_SOURCE with a
        // struct ip_mreq_source.
        let conn = PacketConn::new(&s).unwrap();
        conn.exclude_source_specific_group(VethPair::A_ADDR, GROUP, BLOCKED)
            .unwrap();
        thread::sleep(STEP);
        conn.include_source_specific_group(VethPair::A_ADDR, GROUP, BLOCKED)
            .unwrap();
        thread::sleep(STEP);
        drop(s); // leaves
    }) else {
        return;
    };
    let records = v3_records(&packets);
    // RFC 9776 §5.1 state changes: EXCLUDE{} on join, BLOCK on adding an
    // excluded source, ALLOW on removing it, TO_IN{} on leave.
    let join = position(&records, (RecordType::CHANGE_TO_EXCLUDE_MODE, GROUP, &[]));
    let block = position(&records, (RecordType::BLOCK_OLD_SOURCES, GROUP, &[BLOCKED]));
    let unblock = position(&records, (RecordType::ALLOW_NEW_SOURCES, GROUP, &[BLOCKED]));
    let leave = position(&records, (RecordType::CHANGE_TO_INCLUDE_MODE, GROUP, &[]));
    assert!(
        join < block && block < unblock && unblock < leave,
        "{records:?}"
    );
    // Nothing about other groups or sources.
    for (t, g, s) in &records {
        assert_eq!(*g, GROUP, "{records:?}");
        assert!(s.is_empty() || s == &[BLOCKED], "{t} {s:?}");
    }
}

fn igmpv3_source_specific_join_and_leave() {
    let Some(packets) = capture(3, |_| {
        let s = Socket::from(udp());
        s.join_ssm_v4(&SOURCE, &SSM_GROUP, &VethPair::A_ADDR)
            .unwrap();
        thread::sleep(STEP);
        s.leave_ssm_v4(&SOURCE, &SSM_GROUP, &VethPair::A_ADDR)
            .unwrap();
        thread::sleep(STEP);
    }) else {
        return;
    };
    let records = v3_records(&packets);
    // INCLUDE{} -> INCLUDE{S}: ALLOW(S); back: BLOCK(S).
    let join = position(
        &records,
        (RecordType::ALLOW_NEW_SOURCES, SSM_GROUP, &[SOURCE]),
    );
    let leave = position(
        &records,
        (RecordType::BLOCK_OLD_SOURCES, SSM_GROUP, &[SOURCE]),
    );
    assert!(join < leave, "{records:?}");
}

fn igmpv2_join_and_leave() {
    let Some(packets) = capture(2, |a_index| {
        let s = Socket::from(udp());
        s.join_multicast_v4_n(&GROUP, &InterfaceIndexOrAddress::Index(a_index))
            .unwrap();
        thread::sleep(STEP);
        s.leave_multicast_v4_n(&GROUP, &InterfaceIndexOrAddress::Index(a_index))
            .unwrap();
        thread::sleep(STEP);
    }) else {
        return;
    };
    let mut reports = 0;
    let mut leaves = 0;
    for p in &packets {
        let message = Message::parse(&p.igmp).expect("kernel IGMP decodes");
        match message {
            Message::ReportV2(r) => {
                assert_eq!(leaves, 0, "report after leave: {packets:?}");
                p.assert_envelope(GROUP);
                assert_eq!(r.group(), GROUP);
                assert_eq!(r.max_resp_code().code(), 0);
                assert_eq!(message.to_string(), "IGMPv2 report for 239.1.2.3");
                reports += 1;
            }
            Message::Leave(l) => {
                p.assert_envelope(ALL_ROUTERS);
                assert_eq!(l.group(), GROUP);
                assert_eq!(l.message_type(), MessageType::LEAVE_GROUP);
                leaves += 1;
            }
            other => panic!("IGMPv2 host sent {other}"),
        }
    }
    assert!(reports >= 1, "{packets:?}");
    assert_eq!(leaves, 1, "{packets:?}");
}

fn igmpv2_source_specific_join_reports_the_group() {
    // An IGMPv2 host cannot say which source it wants: the kernel reports
    // the group alone.
    let Some(packets) = capture(2, |_| {
        let s = Socket::from(udp());
        s.join_ssm_v4(&SOURCE, &SSM_GROUP, &VethPair::A_ADDR)
            .unwrap();
        thread::sleep(STEP);
    }) else {
        return;
    };
    let groups: Vec<Ipv4Addr> = packets
        .iter()
        .filter_map(|p| match Message::parse(&p.igmp).ok()? {
            Message::ReportV2(r) => {
                p.assert_envelope(SSM_GROUP);
                Some(r.group())
            }
            _ => None,
        })
        .collect();
    assert!(
        !groups.is_empty() && groups.iter().all(|g| *g == SSM_GROUP),
        "{packets:?}"
    );
}

// ---- Linux answers queries we build ------------------------------------

/// A host that joined [`GROUP`] on `a`, a capture on `b`, and a way to send
/// whole IPv4 packets from `b`: for checking that Linux accepts the queries
/// (and their envelope) that `ipv4_core::igmp` builds, by its answers.
struct Querier {
    pair: VethPair,
    stop_capture: Arc<AtomicBool>,
    capturer: Option<thread::JoinHandle<Vec<(Instant, Captured)>>>,
    leave: mpsc::Sender<()>,
    member: Option<thread::JoinHandle<()>>,
}

impl Querier {
    fn new() -> Option<Querier> {
        if !netns::can_create("igmp_kernel") {
            return None;
        }
        let pair = VethPair::new().expect("veth pair");
        for (key, value) in [
            ("igmpv3_unsolicited_report_interval", "100"),
            ("igmpv2_unsolicited_report_interval", "100"),
        ] {
            let key = format!("net.ipv4.conf.{}.{key}", VethPair::A_IF);
            let _ = pair.a.sysctl(&key, value);
        }
        let stop_capture = Arc::new(AtomicBool::new(false));
        let (ready_tx, ready_rx) = mpsc::channel();
        let capturer = {
            let stop = Arc::clone(&stop_capture);
            pair.b.spawn(move || {
                let eth_p_ip = i32::from((libc::ETH_P_IP as u16).to_be());
                let mut sock =
                    Socket::new(Domain::PACKET, Type::DGRAM, Some(Protocol::from(eth_p_ip)))
                        .expect("packet socket");
                sock.set_read_timeout(Some(Duration::from_millis(50)))
                    .unwrap();
                ready_tx.send(()).unwrap();
                let mut packets = Vec::new();
                let deadline = Instant::now() + Duration::from_secs(20);
                let mut buf = [0u8; 2048];
                while !stop.load(Ordering::Relaxed) && Instant::now() < deadline {
                    if let Ok(n) = sock.read(&mut buf)
                        && let Some(p) = Captured::from_ipv4(&buf[..n])
                        && p.src == VethPair::A_ADDR
                    {
                        packets.push((Instant::now(), p));
                    }
                }
                packets
            })
        };
        ready_rx.recv().expect("capturer started");
        let (leave, leave_rx) = mpsc::channel::<()>();
        let a_index = pair.a_index;
        let member = pair.a.spawn(move || {
            let s = Socket::from(udp());
            s.join_multicast_v4_n(&GROUP, &InterfaceIndexOrAddress::Index(a_index))
                .unwrap();
            let _ = leave_rx.recv_timeout(Duration::from_secs(20));
        });
        // Let the unsolicited reports of the join go by.
        thread::sleep(Duration::from_millis(800));
        Some(Querier {
            pair,
            stop_capture,
            capturer: Some(capturer),
            leave,
            member: Some(member),
        })
    }

    /// Sends `igmp` from `b` inside the envelope `ipv4_core` builds for it;
    /// returns when it was sent.
    fn send(
        &self,
        emit: impl FnOnce(&mut [u8]) -> Result<usize, IgmpBuildError> + Send,
    ) -> Instant {
        self.pair.b.run(move || {
            let mut buf = [0u8; 1500];
            let len = envelope::emit_packet(&mut buf, VethPair::B_ADDR, emit).unwrap();
            let packet = &buf[..len];
            let destination = Ipv4Addr::new(packet[16], packet[17], packet[18], packet[19]);
            let s = Socket::new(Domain::IPV4, Type::RAW, Some(Protocol::from(2))).unwrap();
            s.set_header_included_v4(true).unwrap();
            s.set_multicast_if_v4(&VethPair::B_ADDR).unwrap();
            let sent = Instant::now();
            let n = s
                .send_to(packet, &SocketAddrV4::new(destination, 0).into())
                .unwrap();
            assert_eq!(n, len);
            sent
        })
    }

    /// Stops capturing and leaves; returns what `a` sent, with arrival times.
    fn finish(mut self) -> Vec<(Instant, Captured)> {
        self.stop_capture.store(true, Ordering::Relaxed);
        let packets = self.capturer.take().unwrap().join().expect("capturer");
        let _ = self.leave.send(());
        self.member.take().unwrap().join().expect("member");
        packets
    }
}

/// Answers sent after `since`, as (record type, group) for v3 records and
/// (0x16, group) for v2 reports.
fn answers_after(packets: &[(Instant, Captured)], since: Instant) -> Vec<(u8, Ipv4Addr)> {
    let mut out = Vec::new();
    for (_, p) in packets.iter().filter(|(at, _)| *at > since) {
        match Message::parse(&p.igmp).expect("kernel IGMP decodes") {
            Message::ReportV3(r) => {
                p.assert_envelope(ALL_IGMPV3_ROUTERS);
                out.extend(r.records().map(|rec| (rec.record_type.0, rec.group)));
            }
            Message::ReportV2(r) => {
                p.assert_envelope(r.group());
                out.push((MessageType::REPORT_V2.0, r.group()));
            }
            other => panic!("unexpected {other}"),
        }
    }
    out
}

fn linux_answers_our_igmpv3_queries() {
    let Some(querier) = Querier::new() else {
        return;
    };
    // General query, Max Resp Time 0.5 s: a current-state record per group.
    let general = querier.send(|b| {
        QueryV3Repr {
            max_resp_code: MaxRespCode::from_tenths_exact(5).unwrap(),
            ..QueryV3Repr::general()
        }
        .emit(b)
    });
    thread::sleep(Duration::from_millis(900));
    // Group-specific query for GROUP.
    let specific = querier.send(|b| {
        QueryV3Repr {
            max_resp_code: MaxRespCode::from_tenths_exact(5).unwrap(),
            group: GROUP,
            ..QueryV3Repr::general()
        }
        .emit(b)
    });
    thread::sleep(Duration::from_millis(900));
    let packets = querier.finish();
    let is_ex = (RecordType::MODE_IS_EXCLUDE.0, GROUP);
    let first = answers_after(&packets, general);
    assert!(
        first.contains(&is_ex),
        "no answer to the general query: {first:?}"
    );
    let second = answers_after(&packets, specific);
    assert!(
        second.contains(&is_ex),
        "no answer to the group query: {second:?}"
    );
}

fn linux_answers_our_igmpv2_query() {
    let Some(querier) = Querier::new() else {
        return;
    };
    // An 8-byte query with a non-zero Max Resp Time is IGMPv2: the host
    // falls back to v2 and answers with a v2 report to the group.
    let sent = querier.send(|b| V1V2Repr::query_v2(Ipv4Addr::UNSPECIFIED, 5).emit(b));
    thread::sleep(Duration::from_millis(900));
    let packets = querier.finish();
    let answers = answers_after(&packets, sent);
    assert!(
        answers.contains(&(MessageType::REPORT_V2.0, GROUP)),
        "no IGMPv2 answer: {answers:?}"
    );
}

fn linux_ignores_our_query_with_a_bad_checksum() {
    let Some(querier) = Querier::new() else {
        return;
    };
    let sent = querier.send(|b| {
        let len = QueryV3Repr {
            max_resp_code: MaxRespCode::from_tenths_exact(5).unwrap(),
            ..QueryV3Repr::general()
        }
        .emit(b)?;
        b[3] ^= 0xff; // the IGMP checksum
        Ok(len)
    });
    thread::sleep(Duration::from_millis(900));
    let packets = querier.finish();
    let answers = answers_after(&packets, sent);
    assert!(answers.is_empty(), "answered a corrupt query: {answers:?}");
}

#[path = "../../std-adapter/examples/common/harness.rs"]
mod harness;

fn main() {
    use harness::kernel;
    harness::run([
        kernel(igmpv3_any_source_join_block_unblock_leave),
        kernel(igmpv3_source_specific_join_and_leave),
        kernel(igmpv2_join_and_leave),
        kernel(igmpv2_source_specific_join_reports_the_group),
        kernel(linux_answers_our_igmpv3_queries),
        kernel(linux_answers_our_igmpv2_query),
        kernel(linux_ignores_our_query_with_a_bad_checksum),
    ]);
}
