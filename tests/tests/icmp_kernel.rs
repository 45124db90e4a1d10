//! ICMP messages the Linux kernel builds, captured and decoded by
//! `ipv4_core::icmp`.
//!
//! Three private namespaces make a path: host `a` (198.51.100.2) – router
//! `r` (198.51.100.1 | 203.0.113.1, forwarding on) – host `b`
//! (203.0.113.2), with an MTU of 1280 on the far link. Host `a` sends
//! probes and captures the ICMP that comes back on a raw ICMP socket:
//!
//! * a UDP datagram to a closed port of `b`: port unreachable from `b`;
//! * a UDP datagram with TTL 1: time exceeded in transit from the router;
//! * a 1400-byte UDP datagram with DF set: fragmentation needed from the
//!   router, with the far link's MTU as next-hop MTU (RFC 1191);
//! * an echo request built by `ipv4_core`: the echo reply from `b`;
//! * Extended Echo requests (RFC 8335, PROBE) built by `ipv4_core`, naming
//!   an interface of `b` by name, index and address, and one that does not
//!   exist: the kernel's Extended Echo replies.
//!
//! Each decoded message is checked against what is known independently:
//! the address of the router or host that must have sent it, the MTU set
//! on the link, the probe's ports, identifier and sequence number; and
//! etherparse, an independent decoder, must read the same fields. Nothing
//! leaves the namespaces.
//!
//! With `ICMP_KERNEL_WRITE_CORPUS=1` the captured messages are also written
//! to `fuzz/corpus/icmp/` and `fuzz/corpus/roundtrip_icmp/` as
//! `kernel-<scenario>`; the committed files come from such a run.

use std::io::Read;
use std::net::{Ipv4Addr, SocketAddrV4, UdpSocket};
use std::path::Path;
use std::time::{Duration, Instant};

use ipv4_core::header::{HeaderView, Protocol};
use ipv4_core::icmp::{
    ExtendedEchoCode, Flow, IcmpRepr, IcmpType, IcmpView, Message, ObjectRepr, TimeExceededCode,
    Transport, UnreachableCode, class,
};
use ipv4_std::options::{PathMtuOptions, PmtuDiscovery};
use ipv4_tests::netns::RouterChain;
use ipv4_tests::sockets;
use socket2::SockAddr;

const A_ADDR: Ipv4Addr = RouterChain::A_ADDR;
const R_NEAR: Ipv4Addr = RouterChain::R_NEAR;
const B_ADDR: Ipv4Addr = RouterChain::B_ADDR;
const FAR_MTU: u16 = 1280;
const SOURCE_PORT: u16 = 40_000;
const CLOSED_PORT: u16 = 33_434;
const ECHO_ID: u16 = 0x4a4b;

/// Host – router – host, the far link with a smaller MTU; `b` answers
/// RFC 8335 probes.
fn path() -> RouterChain {
    let net = RouterChain::new(u32::from(FAR_MTU)).unwrap();
    net.b
        .sysctl("net.ipv4.icmp_echo_enable_probe", "1")
        .unwrap();
    net
}

/// One captured ICMP message: the IPv4 source and the ICMP bytes.
struct Captured {
    source: Ipv4Addr,
    icmp: Vec<u8>,
}

/// Opens a raw ICMP socket in `a`, runs `send` there, and returns the
/// first ICMP message of `want_type` that arrives within two seconds.
fn capture(net: &RouterChain, want_type: IcmpType, send: impl FnOnce() + Send) -> Captured {
    net.a.run(|| {
        let raw = sockets::raw(Protocol::ICMP.0, Duration::from_millis(200));
        send();
        let deadline = Instant::now() + Duration::from_secs(2);
        let mut buf = [0u8; 2048];
        while Instant::now() < deadline {
            let Ok(n) = (&raw).read(&mut buf) else {
                continue;
            };
            let packet = &buf[..n];
            let ip = HeaderView::new_checked(packet).expect("the kernel's IPv4 header");
            assert!(ip.verify_checksum());
            if ip.payload().first() == Some(&want_type.0) {
                return Captured {
                    source: ip.source(),
                    icmp: ip.payload().to_vec(),
                };
            }
        }
        panic!("no ICMP {want_type} arrived within 2 s");
    })
}

/// Writes a captured message into the fuzz corpora when asked to.
fn keep(name: &str, icmp: &[u8]) {
    if std::env::var_os("ICMP_KERNEL_WRITE_CORPUS").is_none() {
        return;
    }
    let fuzz = Path::new(env!("CARGO_MANIFEST_DIR")).join("../fuzz/corpus");
    for target in ["icmp", "roundtrip_icmp"] {
        let dir = fuzz.join(target);
        std::fs::create_dir_all(&dir).unwrap();
        std::fs::write(dir.join(format!("kernel-{name}")), icmp).unwrap();
    }
    let hex: Vec<String> = icmp.iter().map(|b| format!("0x{b:02x}")).collect();
    eprintln!("{name}: [{}]", hex.join(", "));
}

/// A UDP socket of `a` bound to the fixed source port.
fn udp() -> UdpSocket {
    UdpSocket::bind(SocketAddrV4::new(A_ADDR, SOURCE_PORT)).unwrap()
}

/// Checks the quote of an error message against the UDP probe sent.
fn assert_quotes_probe(message: &Message<'_>, payload_len: usize) {
    let quote = message.quote().expect("an error message quotes the probe");
    let header = quote.header().expect("the quoted header parses (lax)");
    assert_eq!(header.protocol(), Protocol::UDP);
    assert_eq!(usize::from(header.total_len()), 20 + 8 + payload_len);
    let flow: Flow = quote.flow().unwrap();
    assert_eq!((flow.source, flow.destination), (A_ADDR, B_ADDR));
    assert_eq!(
        flow.transport,
        Transport::Ports {
            source: SOURCE_PORT,
            destination: CLOSED_PORT
        }
    );
}

/// Parses and round-trips a captured message: the view, the repr, and
/// emit giving back the kernel's bytes.
fn decode(captured: &Captured) -> Message<'_> {
    let view = IcmpView::new_checked(&captured.icmp[..]).expect("the kernel's checksum is right");
    let repr = IcmpRepr::parse(&captured.icmp).unwrap();
    let mut out = vec![0u8; repr.buffer_len()];
    repr.emit(&mut out).unwrap();
    assert_eq!(
        out, captured.icmp,
        "emit(parse(kernel bytes)) is the kernel's bytes"
    );
    view.into_message()
}

fn port_unreachable_from_the_far_host() {
    let net = path();
    let payload = [0x55u8; 12];
    let got = capture(&net, IcmpType::DESTINATION_UNREACHABLE, || {
        udp()
            .send_to(&payload, SocketAddrV4::new(B_ADDR, CLOSED_PORT))
            .unwrap();
    });
    let message = decode(&got);
    let Message::DestinationUnreachable { code, error, .. } = message else {
        panic!("{message}");
    };
    assert_eq!(code, UnreachableCode::PORT);
    assert_eq!(got.source, B_ADDR);
    assert_eq!(error.length_words(), Some(0));
    assert_quotes_probe(&message, payload.len());
    // Linux quotes the whole (short) datagram.
    assert_eq!(error.quote().payload().get(8..), Some(&payload[..]));
    assert_eq!(
        message.display_from(got.source).to_string(),
        "ICMP port unreachable from 203.0.113.2, quoting UDP 203.0.113.2:33434"
    );
    keep("port-unreachable", &got.icmp);
}

fn time_exceeded_from_the_router() {
    let net = path();
    let payload = [0x66u8; 20];
    let got = capture(&net, IcmpType::TIME_EXCEEDED, || {
        let s = udp();
        s.set_ttl(1).unwrap();
        s.send_to(&payload, SocketAddrV4::new(B_ADDR, CLOSED_PORT))
            .unwrap();
    });
    let message = decode(&got);
    let Message::TimeExceeded { code, error } = message else {
        panic!("{message}");
    };
    assert_eq!(code, TimeExceededCode::TTL);
    assert_eq!(
        got.source, R_NEAR,
        "the router answers from the link it got the probe on"
    );
    assert!(error.extensions().is_none());
    assert_quotes_probe(&message, payload.len());
    assert_eq!(error.quote().header().unwrap().ttl(), 1);
    assert_eq!(
        message.display_from(got.source).to_string(),
        "ICMP time exceeded in transit from 198.51.100.1, quoting UDP 203.0.113.2:33434"
    );
    keep("time-exceeded", &got.icmp);
}

fn fragmentation_needed_carries_the_far_mtu() {
    let net = path();
    let payload = vec![0x77u8; 1400];
    let got = capture(&net, IcmpType::DESTINATION_UNREACHABLE, || {
        let s = udp();
        ipv4_std::PacketConn::new(&s)
            .unwrap()
            .set_mtu_discover(PmtuDiscovery::Do)
            .unwrap();
        s.send_to(&payload, SocketAddrV4::new(B_ADDR, CLOSED_PORT))
            .unwrap();
    });
    let message = decode(&got);
    let Message::DestinationUnreachable {
        code, next_hop_mtu, ..
    } = message
    else {
        panic!("{message}");
    };
    assert_eq!(code, UnreachableCode::FRAGMENTATION_NEEDED);
    assert_eq!(next_hop_mtu, FAR_MTU);
    assert_eq!(got.source, R_NEAR);
    assert_quotes_probe(&message, payload.len());
    let quoted = message.quote().unwrap().header().unwrap();
    assert!(quoted.dont_fragment());
    assert!(quoted.is_truncated());
    assert_eq!(
        message.display_from(got.source).to_string(),
        "ICMP fragmentation needed (next-hop MTU 1280) from 198.51.100.1, quoting UDP 203.0.113.2:33434"
    );
    keep("fragmentation-needed", &got.icmp);
}

/// Sends `repr` from `a` to `b` over a raw ICMP socket.
fn send_icmp(repr: &IcmpRepr<'_>) {
    let mut buf = vec![0u8; repr.buffer_len()];
    repr.emit(&mut buf).unwrap();
    let s = sockets::raw(Protocol::ICMP.0, Duration::from_millis(200));
    s.send_to(&buf, &SockAddr::from(SocketAddrV4::new(B_ADDR, 0)))
        .unwrap();
}

fn echo_reply_to_our_request() {
    let net = path();
    let data: Vec<u8> = (0..56u8).collect();
    let request = IcmpRepr::EchoRequest {
        ident: ECHO_ID,
        seq: 7,
        data: &data,
    };
    let got = capture(&net, IcmpType::ECHO_REPLY, || send_icmp(&request));
    let message = decode(&got);
    let Message::EchoReply(echo) = message else {
        panic!("{message}");
    };
    assert_eq!(got.source, B_ADDR);
    assert_eq!((echo.ident, echo.seq, echo.data), (ECHO_ID, 7, &data[..]));
    assert_eq!(
        message.display_from(got.source).to_string(),
        "ICMP echo reply id 19019 seq 7 from 203.0.113.2, 56 data bytes"
    );
    keep("echo-reply", &got.icmp);
}

/// An RFC 8335 Interface Identification object (class 3).
fn probe(net: &RouterChain, seq: u8, c_type: u8, payload: &[u8]) -> Captured {
    let mut objects = vec![0u8; 4 + payload.len()];
    ObjectRepr {
        class: class::INTERFACE_IDENTIFICATION,
        c_type,
        payload,
    }
    .emit(&mut objects)
    .unwrap();
    let request = IcmpRepr::ExtendedEchoRequest {
        ident: ECHO_ID,
        seq,
        local: true,
        extension: Some(&objects),
    };
    capture(net, IcmpType::EXTENDED_ECHO_REPLY, || send_icmp(&request))
}

fn extended_echo_replies_about_the_far_interface() {
    let net = path();
    let b_index = net.b.if_index("b-r").unwrap();
    let by_address = [0, 1, 4, 0, 203, 0, 113, 2];
    for (seq, c_type, payload, name) in [
        (1, 1, b"b-r\0".to_vec(), "by-name"),
        (2, 2, b_index.to_be_bytes().to_vec(), "by-index"),
        (3, 3, by_address.to_vec(), "by-address"),
    ] {
        let got = probe(&net, seq, c_type, &payload);
        let message = decode(&got);
        let Message::ExtendedEchoReply(reply) = message else {
            panic!("{message}");
        };
        assert_eq!(got.source, B_ADDR);
        assert_eq!((reply.ident, reply.seq), (ECHO_ID, seq));
        assert_eq!(reply.code, ExtendedEchoCode::NO_ERROR, "{name}");
        assert!(reply.active && reply.ipv4, "{name}: {message}");
        keep(&format!("extended-echo-reply-{name}"), &got.icmp);
    }
    let got = probe(&net, 4, 1, b"nope");
    let message = decode(&got);
    let Message::ExtendedEchoReply(reply) = message else {
        panic!("{message}");
    };
    assert_eq!(reply.code, ExtendedEchoCode::NO_SUCH_INTERFACE);
    assert!(!reply.active);
    assert_eq!(
        message.display_from(got.source).to_string(),
        "ICMP extended echo reply id 19019 seq 4 from 203.0.113.2: no such interface"
    );
    keep("extended-echo-reply-no-such-interface", &got.icmp);
}

#[path = "../../std-adapter/examples/common/harness.rs"]
mod harness;

fn main() {
    use harness::kernel;
    harness::run([
        kernel(port_unreachable_from_the_far_host),
        kernel(time_exceeded_from_the_router),
        kernel(fragmentation_needed_carries_the_far_mtu),
        kernel(echo_reply_to_our_request),
        kernel(extended_echo_replies_about_the_far_interface),
    ]);
}
