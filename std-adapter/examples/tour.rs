//! A tour of `ipv4-core` and `ipv4-std`, printed as plain sentences.
//!
//! ```sh
//! cargo run --release -p ipv4-std --example tour     # parts 1 and 2, any user
//! sudo target/release/examples/tour                  # all three parts, as root
//! ```
//!
//! (`sudo cargo run` usually finds no toolchain, because sudo resets
//! `PATH`: run the binary the first command built, or
//! `sudo -E env "PATH=$PATH" cargo run --release -p ipv4-std --example tour`.)
//!
//! 1. The codec alone: build a packet (header, options, payload) in one
//!    call, read it back.
//! 2. Loopback, no privileges: TOS and TTL on a TCP connection; UDP
//!    datagrams with control messages both ways.
//! 3. As root, inside two private network namespaces ("alice" and "bob")
//!    joined by a veth link that this program creates and removes: a
//!    multicast join, the IGMP reports bob's kernel sends (decoded by the
//!    core), a multicast datagram with its control message, and a raw
//!    header-included round trip with a Record Route option.
//!
//! Nothing is sent anywhere but loopback and the private link.

// The example works inside network namespaces (`common`), which only
// Linux has: elsewhere it is a stub that says so, and the code below is
// left out (the macro keeps it unindented).
#[cfg(not(any(target_os = "linux", target_os = "android")))]
fn main() {
    eprintln!("this example runs on Linux only");
}

#[cfg(any(target_os = "linux", target_os = "android"))]
macro_rules! linux_only {
    ($($item:item)*) => { $($item)* };
}

#[cfg(any(target_os = "linux", target_os = "android"))]
linux_only! {
mod common;

use ipv4_std::prelude::*;
use std::error::Error;
use std::io::{self, Read, Write};
use std::net::{Ipv4Addr, SocketAddrV4, TcpListener, TcpStream, UdpSocket};
#[cfg(not(test))]
use std::process::ExitCode;
use std::time::{Duration, Instant};

use ipv4_std::ipv4_core::checksum::Policy;
use ipv4_std::ipv4_core::header::{Flags, Header, HeaderView, Protocol};
use ipv4_std::ipv4_core::igmp::{Message, RecordType};
use ipv4_std::ipv4_core::options::{Ipv4Option, Options, OptionsBuilder, RouterAlert};
use ipv4_std::{Conn, ControlFlags, ControlMessage, MulticastInterface, PacketConn, RawConn};
use socket2::{Domain, Socket, Type};

use common::Netns;

type Result<T> = std::result::Result<T, Box<dyn Error>>;

const WAIT: Duration = Duration::from_secs(3);
const ALICE: Ipv4Addr = Ipv4Addr::new(198, 51, 100, 1);
const BOB: Ipv4Addr = Ipv4Addr::new(198, 51, 100, 2);
const GROUP: Ipv4Addr = Ipv4Addr::new(239, 1, 2, 3);
const PORT: u16 = 5000;
/// An experimental protocol number (RFC 3692).
const EXPERIMENTAL: u8 = 253;

#[cfg(not(test))]
const ABOUT: &str = "A tour of the ipv4 crates in plain sentences: 1. the codec alone; 2. \
sockets on loopback (TOS, TTL, UDP control messages), as any user; 3. as root, multicast, \
IGMP and raw header-included sockets inside two private network namespaces it creates and \
removes.";

#[cfg(not(test))]
fn main() -> ExitCode {
    common::no_args(&common::usage("tour", "", ABOUT, false));
    common::catch_interrupt();
    common::finish("tour", tour())
}

fn tour() -> Result<()> {
    println!("This is a tour of the ipv4 crates.\n");
    codec()?;
    loopback()?;
    if !common::is_root() {
        println!(
            "Skipped part 3 (multicast, IGMP and raw header-included sockets in private \
             network namespaces): creating namespaces and raw sockets needs root. To see it, \
             run the tour as root.\n{}",
            common::as_root("tour", "")
        );
        return Ok(());
    }
    namespaces()
}

/// Part 1: `ipv4-core` on its own, no sockets, no allocation.
fn codec() -> Result<()> {
    println!("Part 1: the codec (ipv4-core, no_std, no allocation).");
    let mut header = Header::new(ALICE, BOB, Protocol::UDP)
        .with_tos(0x28)
        .with_ttl(16)
        .with_flags(Flags::DONT_FRAGMENT);
    header.build_options(|o| {
        o.router_alert(RouterAlert::EXAMINE)?
            .record_route(2)
            .map(drop)
    })?;
    let payload = b"8 bytes.";
    let mut buf = [0u8; 80];
    let len = header.emit_packet(payload, &mut buf)?;
    println!(
        "  Built a {len}-byte packet in one call: a {}-byte header (20 fixed bytes and {} of \
         options: a Router Alert and a two-slot Record Route) followed by {} bytes of payload, \
         with the total length and the checksum filled in.",
        header.header_len(),
        header.options().len(),
        payload.len()
    );
    let view = HeaderView::new_checked_with(&buf[..len], Policy::Enforce)?;
    println!("  Read back: {view}");
    println!(
        "  Its checksum {:#06x} is right, and the payload after the header is {:?}.",
        view.checksum(),
        String::from_utf8_lossy(view.payload())
    );
    for option in Options::new(view.options()) {
        match option? {
            Ipv4Option::End { padding } => println!(
                "  Then End of Option List{}: padding up to a multiple of 4 bytes, not an option.",
                match padding.len() {
                    0 => String::new(),
                    n => format!(" and {n} more zero bytes"),
                }
            ),
            option => println!(
                "  It carries a {} option, shown as `{option}`.",
                option.kind()
            ),
        }
    }
    println!();
    Ok(())
}

/// Part 2: loopback, any user.
fn loopback() -> Result<()> {
    println!("Part 2: sockets on loopback (no privileges needed).");
    let listener = TcpListener::bind((Ipv4Addr::LOCALHOST, 0))?;
    let client = TcpStream::connect(listener.local_addr()?)?;
    let (mut server, _) = listener.accept()?;
    let conn = Conn::new(&client)?;
    conn.set_tos(0x28)?;
    conn.set_ttl(128)?;
    println!(
        "  Marked a TCP connection to {} with TOS {:#04x} (DSCP AF11) and TTL {} (IP_TOS, IP_TTL).",
        listener.local_addr()?,
        conn.tos()?,
        conn.ttl()?
    );
    (&client).write_all(b"hello")?;
    let mut five = [0u8; 5];
    server.read_exact(&mut five)?;
    println!(
        "  The server read {:?} from it.",
        String::from_utf8_lossy(&five)
    );

    let receiver = PacketConn::new(UdpSocket::bind((Ipv4Addr::LOCALHOST, 0))?)?;
    receiver.get_ref().set_read_timeout(Some(WAIT))?;
    let to = match receiver.get_ref().local_addr()? {
        std::net::SocketAddr::V4(a) => a,
        std::net::SocketAddr::V6(_) => return Err("bound to IPv6".into()),
    };
    let flags = ControlFlags::TTL | ControlFlags::DST | ControlFlags::INTERFACE | ControlFlags::TOS;
    receiver.set_control_message(flags, true)?;
    println!(
        "  Opened a UDP socket on {to} that asks for the TTL, TOS, destination and interface of each datagram."
    );

    let sender = PacketConn::new(UdpSocket::bind((Ipv4Addr::LOCALHOST, 0))?)?;
    sender.set_ttl(9)?;
    sender.set_tos(0x10)?;
    sender.send_to(b"one", None, to)?;
    let mut buf = [0u8; 64];
    let datagram = receiver.recv_from(&mut buf)?;
    let n = datagram.payload.len();
    let cm = datagram.control;
    let from = datagram.source;
    println!(
        "  A datagram {:?} from {from}, sent with the socket's TTL 9 and TOS 0x10, arrived with: {cm}.",
        String::from_utf8_lossy(&buf[..n])
    );
    let per_datagram = ControlMessage {
        ttl: Some(3),
        tos: Some(0xb8),
        ..ControlMessage::default()
    };
    sender.send_to(b"two", Some(&per_datagram), to)?;
    let datagram = receiver.recv_from(&mut buf)?;
    let n = datagram.payload.len();
    let cm = datagram.control;
    println!(
        "  A datagram {:?} sent with a control message asking for TTL 3 and TOS 0xb8 arrived with: {cm}.",
        String::from_utf8_lossy(&buf[..n])
    );
    println!("  (Interface 1 is lo.)\n");
    Ok(())
}

fn raw(protocol: u8) -> io::Result<Socket> {
    let s = Socket::new(
        Domain::IPV4,
        Type::RAW,
        Some(socket2::Protocol::from(i32::from(protocol))),
    )?;
    s.set_read_timeout(Some(WAIT))?;
    Ok(s)
}

/// Part 3: root, inside two namespaces of our own.
fn namespaces() -> Result<()> {
    println!("Part 3: two private network namespaces (root).");
    let alice = Netns::new("alice")?;
    let bob = Netns::new("bob")?;
    let (alice_if, bob_if) =
        common::link((&alice, "veth-alice", ALICE), (&bob, "veth-bob", BOB), 24)?;
    // Multicast leaves by the link (the namespaces have no other route).
    alice.ip(&["route", "add", "224.0.0.0/4", "dev", "veth-alice"])?;
    bob.ip(&["route", "add", "224.0.0.0/4", "dev", "veth-bob"])?;
    println!(
        "  Created namespaces {} (alice, {ALICE}) and {} (bob, {BOB}), joined by a veth link.",
        alice.name(),
        bob.name()
    );

    // Alice listens for IGMPv3 reports, which go to 224.0.0.22.
    let monitor = alice.run(|| -> io::Result<RawConn<Socket>> {
        let m = RawConn::new(raw(2)?)?;
        m.join_group(alice_if, Ipv4Addr::new(224, 0, 0, 22))?;
        Ok(m)
    })?;
    println!("  Alice opened a raw IGMP socket and joined 224.0.0.22, where IGMPv3 reports go.");

    let member = bob.run(|| -> io::Result<PacketConn<UdpSocket>> {
        let s = UdpSocket::bind((Ipv4Addr::UNSPECIFIED, PORT))?;
        s.set_read_timeout(Some(WAIT))?;
        let conn = PacketConn::new(s)?;
        conn.set_control_message(
            ControlFlags::DST | ControlFlags::INTERFACE | ControlFlags::TTL,
            true,
        )?;
        conn.join_group(bob_if, GROUP)?;
        Ok(conn)
    })?;
    println!("  Bob joined the group {GROUP} on his interface {bob_if}.");
    report_seen(&monitor, RecordType::CHANGE_TO_EXCLUDE_MODE)?;

    let sender = alice.run(|| -> io::Result<PacketConn<UdpSocket>> {
        let conn = PacketConn::new(UdpSocket::bind((ALICE, 0))?)?;
        conn.set_multicast_interface(MulticastInterface::Index(alice_if))?;
        conn.set_multicast_ttl(1)?;
        Ok(conn)
    })?;
    sender.send_to(b"to the group", None, SocketAddrV4::new(GROUP, PORT))?;
    let mut buf = [0u8; 64];
    let datagram = member.recv_from(&mut buf)?;
    let n = datagram.payload.len();
    let cm = datagram.control;
    let from = datagram.source;
    println!(
        "  Alice sent {:?} to {GROUP}:{PORT} with multicast TTL 1; bob received it from {from} with: {cm}.",
        String::from_utf8_lossy(&buf[..n])
    );

    member.leave_group(bob_if, GROUP)?;
    println!("  Bob left the group.");
    report_seen(&monitor, RecordType::CHANGE_TO_INCLUDE_MODE)?;

    raw_round_trip(&alice, &bob)?;

    drop((monitor, member, sender));
    drop((alice, bob));
    println!("  Removed both namespaces; the veth link went with them.");
    Ok(())
}

/// Waits for bob's report with a record of `kind` and describes it.
fn report_seen(monitor: &RawConn<Socket>, kind: RecordType) -> Result<()> {
    let deadline = Instant::now() + WAIT;
    let mut buf = [0u8; 1500];
    while Instant::now() < deadline && !common::interrupted() {
        let packet = match monitor.recv(&mut buf) {
            Ok(p) => p,
            Err(e) if e.kind() == io::ErrorKind::WouldBlock => break,
            Err(e) => return Err(e.into()),
        };
        let Some(view) = packet.header else {
            continue; // not an IPv4 header: nothing of ours
        };
        if view.source() != BOB {
            continue;
        }
        let Ok(Message::ReportV3(report)) = Message::parse(packet.payload) else {
            continue;
        };
        if !report
            .records()
            .any(|r| r.record_type == kind && r.group == GROUP)
        {
            continue;
        }
        println!(
            "  Bob's kernel sent an IGMP report to {} with TTL {} and {} option bytes (Router Alert); alice decoded it: {report}.",
            view.destination(),
            view.ttl(),
            view.options().len()
        );
        return Ok(());
    }
    println!(
        "  No IGMP report with a {} record arrived within {WAIT:?}.",
        kind.name().unwrap_or("such")
    );
    Ok(())
}

/// Alice sends a hand-made header with a Record Route option; bob's kernel
/// records its address in it on the way in.
fn raw_round_trip(alice: &Netns, bob: &Netns) -> Result<()> {
    let sender = alice.run(|| RawConn::new(raw(EXPERIMENTAL)?))?;
    let receiver = bob.run(|| RawConn::new(raw(EXPERIMENTAL)?))?;
    receiver.set_control_message(ControlFlags::TTL | ControlFlags::DST, true)?;
    let mut area = [0u8; 40];
    let mut builder = OptionsBuilder::new(&mut area);
    builder.record_route(2)?;
    let options = builder.finish()?;
    let mut header = Header::new(ALICE, BOB, Protocol(EXPERIMENTAL))
        .with_tos(0xb8)
        .with_ttl(5)
        .with_flags(Flags::DONT_FRAGMENT);
    header.set_options(options)?;
    let payload = b"hello from alice";
    let n = sender.send(&header, payload, None)?;
    println!(
        "  Alice sent {n} bytes through a header-included raw socket: her own header \
         (TOS 0xb8, TTL 5, DF, an empty two-slot Record Route) and the payload, as two iovecs."
    );
    let mut buf = [0u8; 1500];
    let packet = receiver.recv(&mut buf)?;
    let view = packet
        .header
        .ok_or("the raw socket delivered no IPv4 header")?;
    println!("  Bob's raw socket received: {view}");
    println!(
        "  with the payload {:?} and the control message {}.",
        String::from_utf8_lossy(packet.payload),
        packet.control
    );
    if let Some(Ok(Ipv4Option::RecordRoute(rr))) = Options::new(view.options()).next() {
        let recorded: Vec<String> = rr.recorded().map(|a| a.to_string()).collect();
        println!(
            "  Bob's kernel wrote his address into the Record Route on the way in: [{}].",
            recorded.join(", ")
        );
    }
    if view.verify_checksum() {
        println!("  The header checksum is right.");
    } else {
        println!(
            "  It did not update the header checksum, which is now wrong: that is why \
             RawConn hands headers over without rejecting them on checksum."
        );
    }
    Ok(())
}

#[cfg(test)]
use tests::main;

#[cfg(test)]
mod tests {
    /// The tour runs to the end (the namespace part only as root).
    fn tour_runs() {
        super::tour().unwrap();
    }

    /// Part 3 alone, so that without root it is reported as ignored rather
    /// than passed inside `tour_runs`.
    fn namespace_part_runs() {
        super::namespaces().unwrap();
    }

    /// Built as a test (`harness = false` in Cargo.toml): runs the tests
    /// above, or reports the namespace part as ignored, with the reason,
    /// when not root.
    pub(super) fn main() {
        use super::common::harness::{self, kernel, plain};
        harness::run([plain(tour_runs), kernel(namespace_part_runs)]);
    }
}
}
