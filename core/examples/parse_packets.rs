//! Parses a handful of real IPv4 packets and prints what they say.
//!
//! `cargo run --release -p ipv4-core --example parse_packets`
use ipv4_core::checksum::Policy;
use ipv4_core::header::{Header, HeaderView};

/// A ping (ICMP echo request) from 192.0.2.1 to 198.51.100.7.
const PING: [u8; 28] = [
    0x45, 0x00, 0x00, 0x1c, 0x1c, 0x46, 0x40, 0x00, 0x40, 0x01, 0x32, 0x5f, // IPv4 header
    0xc0, 0x00, 0x02, 0x01, 0xc6, 0x33, 0x64, 0x07, //
    0x08, 0x00, 0xf7, 0xfe, 0x00, 0x01, 0x00, 0x00, // ICMP echo request
];

/// An IGMPv2 membership report as Linux sends it: TTL 1 and a Router Alert
/// option (RFC 2113), so the header is 24 bytes.
const IGMP_REPORT: [u8; 32] = [
    0x46, 0xc0, 0x00, 0x20, 0x00, 0x00, 0x40, 0x00, 0x01, 0x02, 0x31, 0x09, // IPv4 header
    0xc0, 0x00, 0x02, 0x0a, 0xef, 0x01, 0x02, 0x03, //
    0x94, 0x04, 0x00, 0x00, // option: Router Alert
    0x16, 0x00, 0xf8, 0xfa, 0xef, 0x01, 0x02, 0x03, // IGMPv2 report for 239.1.2.3
];

/// A middle fragment of a UDP datagram: More Fragments set, offset 1480.
const FRAGMENT: [u8; 44] = [
    0x45, 0x00, 0x00, 0x2c, 0xab, 0xcd, 0x20, 0xb9, 0x40, 0x11, 0x47, 0xf8, // IPv4 header
    0xcb, 0x00, 0x71, 0x05, 0xc6, 0x33, 0x64, 0x09, //
    // 24 bytes from the middle of a UDP datagram
    0x00, 0x07, 0x0e, 0x15, 0x1c, 0x23, 0x2a, 0x31, //
    0x38, 0x3f, 0x46, 0x4d, 0x54, 0x5b, 0x62, 0x69, //
    0x70, 0x77, 0x7e, 0x85, 0x8c, 0x93, 0x9a, 0xa1, //
];

fn main() {
    println!("== Well-formed packets");
    for (what, packet) in [
        ("a ping", &PING[..]),
        ("an IGMP report with options", &IGMP_REPORT[..]),
        ("a fragment", &FRAGMENT[..]),
    ] {
        match HeaderView::new_checked(packet) {
            Ok(ip) => {
                println!("{what}: {ip}");
                println!(
                    "  {}-byte header ({} bytes of options), {} bytes of payload, checksum {}",
                    ip.header_len(),
                    ip.options().len(),
                    ip.payload().len(),
                    if ip.verify_checksum() {
                        "correct"
                    } else {
                        "WRONG"
                    },
                );
                if ip.is_fragment() {
                    println!(
                        "  fragment of datagram {:#06x}: starts at byte {}, more fragments follow: {}",
                        ip.identification(),
                        u32::from(ip.fragment_offset()) * 8,
                        ip.more_fragments(),
                    );
                }
            }
            Err(e) => println!("{what}: rejected: {e}"),
        }
    }

    println!("\n== Broken packets");
    // Cut short: the header says 28 bytes, only 24 arrived.
    match HeaderView::new_checked(&PING[..24]) {
        Ok(_) => println!("a truncated ping was accepted"),
        Err(e) => println!("a truncated ping: {e}"),
    }
    // ...which a capture tool still reads, leniently.
    if let Ok(ip) = HeaderView::new_lax(&PING[..24]) {
        println!(
            "  read leniently: {} of {} bytes present",
            ip.as_bytes().len(),
            ip.total_len()
        );
    }
    // Not IPv4 at all: version 6 in the first nibble.
    let mut not_ipv4 = PING;
    not_ipv4[0] = 0x65;
    if let Err(e) = Header::parse(&not_ipv4) {
        println!(
            "a version-6 packet: {e} (field: {}, byte {})",
            e.field(),
            e.offset()
        );
    }
    // One bit flipped in the source address: the checksum catches it.
    let mut flipped = PING;
    flipped[15] ^= 0x01;
    if let Err(e) = HeaderView::new_checked_with(&flipped[..], Policy::Enforce) {
        println!("a corrupted ping: {e}");
    }

    println!("\n== Forwarding: TTL decrement in place");
    let mut packet = PING;
    let mut ip = HeaderView::new_checked(&mut packet[..]).expect("the ping is well-formed");
    let (ttl, checksum) = (ip.ttl(), ip.checksum());
    match ip.decrement_ttl() {
        Some(new_ttl) => println!(
            "TTL {ttl} -> {new_ttl}, checksum {checksum:#06x} -> {:#06x} (updated incrementally, RFC 1624), still correct: {}",
            ip.checksum(),
            ip.verify_checksum(),
        ),
        None => println!("TTL is already 0: drop the packet"),
    }
}
