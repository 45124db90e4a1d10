//! Writes the fuzz seed corpora (`fuzz/corpus/<target>/seed-*`) from what a
//! Linux kernel really sends and delivers, plus a few RFC examples.
//!
//! Host `a` of a private veth pair (see `ipv4_tests::netns`) sends UDP
//! datagrams with every IPv4 option Linux will put on a socket (Record
//! Route, Timestamp, source routes, Router Alert, Security, Stream ID, an
//! unknown type), different TOS and TTL values, a datagram large enough to
//! be fragmented, ICMP echo requests, and IGMPv2 and IGMPv3 reports (any
//! source, source-specific, block, leave). Host `b` captures every IPv4
//! packet on its end with a packet socket and receives the datagrams with
//! `IP_PKTINFO`, `IP_RECVTTL`, `IP_RECVTOS` and `IP_RECVOPTS`, keeping each
//! control buffer as `recvmsg` returned it. Nothing leaves the namespaces.
//!
//! It is ignored by default (it rewrites committed files); regenerate with
//! `cargo test -p ipv4-tests --test fuzz_seeds -- --ignored` as root.

use std::collections::BTreeSet;
use std::fs;
use std::io::Read;
use std::net::{Ipv4Addr, UdpSocket};
use std::os::fd::AsRawFd;
use std::path::Path;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc;
use std::thread;
use std::time::{Duration, Instant};

use ipv4_std::prelude::*;
use ipv4_tests::netns::VethPair;
use socket2::{Domain, InterfaceIndexOrAddress, Protocol, SockAddr, Socket, Type};

const PORT: u16 = 40_101;
const GROUP: Ipv4Addr = Ipv4Addr::new(239, 1, 2, 3);
const SSM_GROUP: Ipv4Addr = Ipv4Addr::new(232, 1, 1, 1);
const SOURCE: Ipv4Addr = Ipv4Addr::new(203, 0, 113, 7);
const STEP: Duration = Duration::from_millis(250);

/// IPv4 options `a` puts on its datagrams (`IP_OPTIONS`), each a multiple
/// of 4 bytes.
const SENT_OPTIONS: &[&[u8]] = &[
    // Record Route, 9 empty slots (what `ping -R` sends), then EOL.
    &[
        7, 39, 4, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
        0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
    ],
    // Timestamp, flag 0, 4 slots.
    &[68, 20, 5, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0],
    // Timestamp, flag 1 (address and time), 2 slots.
    &[68, 20, 5, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0],
    // Router Alert (RFC 2113).
    &[148, 4, 0, 0],
    // NOP, Stream ID, NOP, NOP, Security (RFC 1108 basic), EOL padding.
    &[1, 136, 4, 0, 7, 1, 1, 130, 4, 0xab, 0x80, 0],
    // An unassigned option type, with data.
    &[0x9e, 6, 1, 2, 3, 4, 0, 0],
];

/// RFC and reference examples, by target.
const EXAMPLES: &[(&str, &str, &[u8])] = &[
    // RFC 1071 §3 numerical example.
    (
        "checksum",
        "rfc1071",
        &[0x00, 0x01, 0xf2, 0x03, 0xf4, 0xf5, 0xf6, 0xf7],
    ),
    // The header of Go's x/net/ipv4 header test, wire format, and the same
    // as a Darwin raw socket returns it (length excludes the header,
    // host-order fields).
    (
        "header",
        "go-wire",
        &[
            0x45, 0x01, 0xbe, 0xef, 0xca, 0xfe, 0x45, 0xdc, 0xff, 0x01, 0xde, 0xad, 0xac, 0x10,
            0xfe, 0xfe, 0xc0, 0xa8, 0x00, 0x01,
        ],
    ),
    (
        "roundtrip_header",
        "go-darwin",
        &[
            0x45, 0x01, 0xdb, 0xbe, 0xca, 0xfe, 0xdc, 0x45, 0xff, 0x01, 0xde, 0xad, 0xac, 0x10,
            0xfe, 0xfe, 0xc0, 0xa8, 0x00, 0x01,
        ],
    ),
    // RFC 791 §3.1 option layouts: Loose Source Route with two hops,
    // Strict Source Route half used, Timestamp flag 3 (prespecified).
    (
        "options",
        "rfc791-routes",
        &[
            131, 11, 4, 198, 51, 100, 1, 203, 0, 113, 9, 137, 11, 8, 198, 51, 100, 1, 203, 0, 113,
            9, 0, 0,
        ],
    ),
    (
        "roundtrip_options",
        "rfc791-timestamp-prespecified",
        &[
            68, 20, 5, 3, 198, 51, 100, 1, 0, 0, 0, 0, 203, 0, 113, 9, 0, 0, 0, 0,
        ],
    ),
    // RFC 9776 §4.1 general query with the §8 defaults (QRV 2, QQIC 125,
    // Max Resp Code 100), and a group-and-source-specific query with an
    // RFC 9279 extension TLV.
    (
        "igmp",
        "rfc9776-general-query",
        &[0x11, 0x64, 0xec, 0x1e, 0, 0, 0, 0, 0x02, 0x7d, 0, 0],
    ),
    (
        "roundtrip_igmp",
        "rfc9279-gss-query",
        &[
            0x11, 0x0a, 0x00, 0x00, 232, 1, 1, 1, 0x8a, 0x7d, 0, 1, 203, 0, 113, 7, 0, 1, 0, 2,
            0xab, 0xcd,
        ],
    ),
];

/// Adds `bytes` to `fuzz/corpus/<target>/seed-<name>-<n>` unless an equal
/// seed is already there.
struct Seeds {
    written: BTreeSet<(String, Vec<u8>)>,
}

impl Seeds {
    fn add(&mut self, target: &str, name: &str, bytes: &[u8]) {
        if bytes.is_empty() || !self.written.insert((target.to_owned(), bytes.to_vec())) {
            return;
        }
        let dir = Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("../fuzz/corpus")
            .join(target);
        fs::create_dir_all(&dir).unwrap();
        let n = self.written.iter().filter(|(t, _)| t == target).count();
        fs::write(dir.join(format!("seed-{name}-{n:02}")), bytes).unwrap();
    }

    /// A captured IPv4 packet: to the header targets whole, its options to
    /// the options targets, an IGMP payload to the IGMP targets.
    fn packet(&mut self, packet: &[u8]) {
        let ihl = usize::from(packet[0] & 0x0f) * 4;
        let total = usize::from(u16::from_be_bytes([packet[2], packet[3]])).min(packet.len());
        let protocol = packet[9];
        let kind = match protocol {
            1 => "icmp",
            2 => "igmp",
            17 => "udp",
            _ => "ip",
        };
        // Fragments and large datagrams are cut to 96 bytes for the header
        // targets (their lax views see a truncated capture); the rest whole.
        let head = &packet[..packet.len().min(96)];
        self.add("header", kind, head);
        self.add("roundtrip_header", kind, head);
        self.add("checksum", kind, head);
        if ihl > 20 && ihl <= packet.len() {
            self.add("options", kind, &packet[20..ihl]);
            self.add("roundtrip_options", kind, &packet[20..ihl]);
        }
        if protocol == 2 && ihl <= total {
            let igmp = &packet[ihl..total];
            self.add("igmp", "kernel", igmp);
            self.add("roundtrip_igmp", "kernel", igmp);
            self.add("igmp_split", "kernel", igmp);
        }
    }
}

fn set_options(socket: &UdpSocket, options: &[u8]) {
    PacketConn::new(socket)
        .unwrap()
        .set_ip_options(options)
        .expect("IP_OPTIONS");
}

/// Receives one datagram with `recvmsg` and returns its control buffer.
fn recv_control(fd: i32) -> Option<Vec<u8>> {
    let mut data = [0u8; 4096];
    let mut control = [0u8; 512];
    let mut iov = libc::iovec {
        iov_base: data.as_mut_ptr().cast(),
        iov_len: data.len(),
    };
    // SAFETY: a zeroed msghdr is valid; every pointer set below outlives
    // the call.
    let mut msg: libc::msghdr = unsafe { std::mem::zeroed() };
    msg.msg_iov = &raw mut iov;
    msg.msg_iovlen = 1;
    msg.msg_control = control.as_mut_ptr().cast();
    msg.msg_controllen = control.len() as _;
    // SAFETY: `msg` describes live buffers.
    let n = unsafe { libc::recvmsg(fd, &raw mut msg, 0) };
    (n >= 0).then(|| control[..msg.msg_controllen as usize].to_vec())
}

/// An ICMP echo request with its checksum.
fn echo_request(seq: u16, payload: &[u8]) -> Vec<u8> {
    let mut icmp = vec![8, 0, 0, 0, 0x12, 0x34];
    icmp.extend_from_slice(&seq.to_be_bytes());
    icmp.extend_from_slice(payload);
    let sum = ipv4_core::checksum::checksum(&icmp);
    icmp[2..4].copy_from_slice(&sum.to_be_bytes());
    icmp
}

/// What host `a` does while `b` captures.
fn host_a_traffic(a_index: u32) {
    let to_b = (VethPair::B_ADDR, PORT);
    let plain = UdpSocket::bind((Ipv4Addr::UNSPECIFIED, 0)).unwrap();
    plain.send_to(b"plain", to_b).unwrap();
    let s = Socket::from(plain.try_clone().unwrap());
    s.set_tos_v4(0xb8).unwrap(); // DSCP EF
    s.set_ttl_v4(7).unwrap();
    plain.send_to(b"tos and ttl", to_b).unwrap();
    s.set_tos_v4(0x03).unwrap(); // ECN CE
    plain.send_to(b"ecn", to_b).unwrap();
    for options in SENT_OPTIONS {
        let socket = UdpSocket::bind((Ipv4Addr::UNSPECIFIED, 0)).unwrap();
        set_options(&socket, options);
        socket.send_to(b"with options", to_b).unwrap();
    }
    // Fragmented: 3000 bytes over a 1500-byte link, with Record Route (not
    // copied into later fragments) and Router Alert (copied).
    let big = UdpSocket::bind((Ipv4Addr::UNSPECIFIED, 0)).unwrap();
    set_options(&big, &[148, 4, 0, 0, 7, 11, 4, 0, 0, 0, 0, 0, 0, 0, 0, 0]);
    big.send_to(&[0x5a; 3000], to_b).unwrap();
    // ICMP echo requests (b's kernel answers them).
    let icmp = Socket::new(Domain::IPV4, Type::RAW, Some(Protocol::ICMPV4)).unwrap();
    let b_addr = SockAddr::from(std::net::SocketAddrV4::new(VethPair::B_ADDR, 0));
    icmp.send_to(&echo_request(1, b"abcdefgh"), &b_addr)
        .unwrap();
    icmp.send_to(&echo_request(2, &[0; 56]), &b_addr).unwrap();
    thread::sleep(STEP);

    // IGMP, first v3 then v2 (the caller switches the version).
    let member = Socket::from(UdpSocket::bind((Ipv4Addr::UNSPECIFIED, 0)).unwrap());
    let interface = InterfaceIndexOrAddress::Index(a_index);
    member.join_multicast_v4_n(&GROUP, &interface).unwrap();
    thread::sleep(STEP);
    // Block one source of the any-source group (a v3 BLOCK record).
    // By interface address: IP_BLOCK_SOURCE with a struct ip_mreq_source.
    let _ = ipv4_std::PacketConn::new(&member)
        .and_then(|c| c.exclude_source_specific_group(VethPair::A_ADDR, GROUP, SOURCE));
    thread::sleep(STEP);
    let _ = member.join_ssm_v4(&SOURCE, &SSM_GROUP, &VethPair::A_ADDR);
    thread::sleep(STEP);
    drop(member); // leaves everything
    thread::sleep(STEP);
}

fn capture_kernel_seeds() {
    let mut seeds = Seeds {
        written: BTreeSet::new(),
    };
    for (target, name, bytes) in EXAMPLES {
        seeds.add(target, name, bytes);
    }
    for version in [3, 2] {
        let pair = VethPair::new().expect("veth pair");
        let key = format!("net.ipv4.conf.{}.force_igmp_version", VethPair::A_IF);
        pair.a.sysctl(&key, &version.to_string()).expect("sysctl");
        let stop = Arc::new(AtomicBool::new(false));
        let (ready_tx, ready_rx) = mpsc::channel();
        let capturer = {
            let stop = Arc::clone(&stop);
            pair.b.spawn(move || {
                let eth_p_ip = i32::from((libc::ETH_P_IP as u16).to_be());
                let mut sock =
                    Socket::new(Domain::PACKET, Type::DGRAM, Some(Protocol::from(eth_p_ip)))
                        .expect("packet socket");
                sock.set_read_timeout(Some(Duration::from_millis(50)))
                    .unwrap();
                let udp = UdpSocket::bind((VethPair::B_ADDR, PORT)).unwrap();
                udp.set_nonblocking(true).unwrap();
                let fd = udp.as_raw_fd();
                // IP_PKTINFO, IP_RECVTTL, IP_RECVTOS, IP_RECVOPTS.
                PacketConn::new(&udp)
                    .unwrap()
                    .set_control_message(
                        ControlFlags::DST
                            | ControlFlags::TTL
                            | ControlFlags::TOS
                            | ControlFlags::OPTIONS,
                        true,
                    )
                    .unwrap();
                ready_tx.send(()).unwrap();
                let (mut packets, mut controls) = (Vec::new(), Vec::new());
                let deadline = Instant::now() + Duration::from_secs(20);
                let mut buf = [0u8; 4096];
                while !stop.load(Ordering::Relaxed) && Instant::now() < deadline {
                    if let Ok(n) = sock.read(&mut buf)
                        && n >= 20
                        && buf[0] >> 4 == 4
                    {
                        packets.push(buf[..n].to_vec());
                    }
                    while let Some(control) = recv_control(fd) {
                        controls.push(control);
                    }
                }
                (packets, controls)
            })
        };
        ready_rx.recv().expect("capturer started");
        let a_index = pair.a_index;
        pair.a.run(move || host_a_traffic(a_index));
        thread::sleep(Duration::from_millis(500));
        stop.store(true, Ordering::Relaxed);
        let (packets, controls) = capturer.join().expect("capturer");
        assert!(!packets.is_empty(), "nothing captured");
        for packet in &packets {
            seeds.packet(packet);
        }
        for control in &controls {
            seeds.add("cmsg", "kernel", control);
        }
    }
    for (target, _) in ipv4_tests::fuzz_entry::TARGETS {
        let n = seeds.written.iter().filter(|(t, _)| t == target).count();
        println!("{target}: {n} seeds");
    }
}

#[path = "../../std-adapter/examples/common/harness.rs"]
mod harness;

fn main() {
    use harness::kernel;
    harness::run([kernel(capture_kernel_seeds)
        .ignore("rewrites the committed seed corpora; run by hand as root")]);
}
