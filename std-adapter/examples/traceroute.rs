//! Traceroute with a header-included raw socket: each probe is an ICMP
//! echo request whose IPv4 header, TTL included, this program writes
//! itself; the replies (time exceeded from routers, the echo reply from the
//! target) are read with their headers, and the ICMP error's quoted header
//! is parsed with `HeaderView::new_lax` to match it to its probe.
//!
//! ```sh
//! cargo build --release -p ipv4-std --example traceroute
//! sudo target/release/examples/traceroute
//! ```
//!
//! It builds its own three-host chain of network namespaces,
//! `a — r — b`, with forwarding on at `r`, traces from `a` to `b`, and
//! removes the chain on exit. Needs root.

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
use std::io;
use std::net::Ipv4Addr;
#[cfg(not(test))]
use std::process::ExitCode;
use std::time::{Duration, Instant};

use common::Netns;
use ipv4_std::ipv4_core::header::{Header, HeaderView, Protocol};
use ipv4_std::{IcmpFilter, IcmpType, RawConn};
use socket2::{Domain, Socket, Type};

const A: Ipv4Addr = Ipv4Addr::new(198, 51, 100, 1);
const R_A: Ipv4Addr = Ipv4Addr::new(198, 51, 100, 254);
const R_B: Ipv4Addr = Ipv4Addr::new(203, 0, 113, 254);
const B: Ipv4Addr = Ipv4Addr::new(203, 0, 113, 2);
const MAX_HOPS: u8 = 5;
const PROBE_WAIT: Duration = Duration::from_secs(1);

#[cfg(not(test))]
const ABOUT: &str = "Creates a chain of three network namespaces, a - r - b, with forwarding on at r, \
and traces the route from a to b with ICMP echo probes whose IPv4 header, TTL included, it \
writes itself on a header-included raw socket. The namespaces are removed on exit (Ctrl-C \
included).";

#[cfg(not(test))]
fn main() -> ExitCode {
    common::no_args(&common::usage("traceroute", "", ABOUT, true));
    common::catch_interrupt();
    common::finish("traceroute", run().map(drop))
}

fn echo_request(id: u16, seq: u16) -> [u8; 16] {
    let mut m = [0u8; 16];
    m[0] = IcmpType::ECHO.0;
    m[4..6].copy_from_slice(&id.to_be_bytes());
    m[6..8].copy_from_slice(&seq.to_be_bytes());
    m[8..].copy_from_slice(b"traceroo");
    let sum = ipv4_std::ipv4_core::checksum::checksum(&m);
    m[2..4].copy_from_slice(&sum.to_be_bytes());
    m
}

/// What answered a probe.
enum Answer {
    /// A router: ICMP time exceeded.
    Hop(Ipv4Addr),
    /// The target: ICMP echo reply.
    Target(Ipv4Addr),
    /// ICMP destination unreachable, with its code.
    Unreachable(Ipv4Addr, u8),
}

/// The (id, seq) an ICMP message refers to: its own for an echo reply, the
/// quoted probe's for an error (RFC 792: the original header and its first
/// 8 payload bytes follow the 8-byte ICMP header).
fn probe_of(icmp: &[u8]) -> Option<(u8, [u8; 4])> {
    let kind = *icmp.first()?;
    let echo = if kind == IcmpType::ECHO_REPLY.0 {
        icmp.get(4..8)?.try_into().ok()?
    } else {
        let quoted = HeaderView::new_lax(icmp.get(8..)?).ok()?;
        if quoted.protocol() != Protocol::ICMP {
            return None;
        }
        quoted.payload().get(4..8)?.try_into().ok()?
    };
    Some((kind, echo))
}

/// Returns the address that answered each probe (unspecified for none).
fn trace(conn: &RawConn<Socket>, target: Ipv4Addr) -> io::Result<Vec<Ipv4Addr>> {
    let mut hops = Vec::new();
    let id = (std::process::id() & 0xffff) as u16;
    println!("traceroute to {target}, {MAX_HOPS} hops max");
    for ttl in 1..=MAX_HOPS {
        common::stop_if_interrupted()?;
        let seq = u16::from(ttl);
        let header = Header::new(Ipv4Addr::UNSPECIFIED, target, Protocol::ICMP).with_ttl(ttl);
        let sent = Instant::now();
        conn.send(&header, &echo_request(id, seq), None)?;
        let mut buf = [0u8; 1500];
        let mut answer = None;
        while answer.is_none() && sent.elapsed() < PROBE_WAIT {
            let packet = match conn.recv(&mut buf) {
                Ok(p) => p,
                Err(e) if e.kind() == io::ErrorKind::WouldBlock => continue,
                Err(e) => return Err(e),
            };
            let Some(view) = packet.header else {
                continue; // not an IPv4 header: nothing of ours
            };
            let mut ours = [0u8; 4];
            ours[..2].copy_from_slice(&id.to_be_bytes());
            ours[2..].copy_from_slice(&seq.to_be_bytes());
            let from = view.source();
            answer = match probe_of(packet.payload) {
                Some((0, echo)) if echo == ours => Some(Answer::Target(from)),
                Some((11, echo)) if echo == ours => Some(Answer::Hop(from)),
                Some((3, echo)) if echo == ours => {
                    Some(Answer::Unreachable(from, packet.payload[1]))
                }
                _ => None,
            };
        }
        let ms = sent.elapsed().as_secs_f64() * 1000.0;
        hops.push(match answer {
            Some(Answer::Hop(a) | Answer::Target(a) | Answer::Unreachable(a, _)) => a,
            None => Ipv4Addr::UNSPECIFIED,
        });
        match answer {
            Some(Answer::Hop(from)) => println!("{ttl:2}  {from}  {ms:.3} ms  (time exceeded)"),
            Some(Answer::Target(from)) => {
                println!("{ttl:2}  {from}  {ms:.3} ms  (echo reply: reached the target)");
                return Ok(hops);
            }
            Some(Answer::Unreachable(from, code)) => {
                println!("{ttl:2}  {from}  {ms:.3} ms  (destination unreachable, code {code})");
                return Ok(hops);
            }
            None => println!("{ttl:2}  *"),
        }
    }
    Ok(hops)
}

/// Returns the hops.
fn run() -> Result<Vec<Ipv4Addr>, Box<dyn Error>> {
    common::require_namespaces("traceroute")?;
    let a = Netns::new("a")?;
    let r = Netns::new("r")?;
    let b = Netns::new("b")?;
    common::link((&a, "veth-r", A), (&r, "veth-a", R_A), 24)?;
    common::link((&r, "veth-b", R_B), (&b, "veth-r", B), 24)?;
    a.ip(&["route", "add", "default", "via", &R_A.to_string()])?;
    b.ip(&["route", "add", "default", "via", &R_B.to_string()])?;
    r.sysctl("net.ipv4.ip_forward", "1")?;
    r.sysctl("net.ipv4.icmp_ratelimit", "0")?;
    println!("Built a chain of namespaces a ({A}) — r ({R_A}, {R_B}, forwarding) — b ({B}).");

    let conn = a.run(|| -> io::Result<RawConn<Socket>> {
        let s = Socket::new(Domain::IPV4, Type::RAW, Some(socket2::Protocol::ICMPV4))?;
        s.set_read_timeout(Some(Duration::from_millis(100)))?;
        RawConn::new(s)
    })?;
    let mut filter = IcmpFilter::block_all();
    for accepted in [
        IcmpType::ECHO_REPLY,
        IcmpType::TIME_EXCEEDED,
        IcmpType::DESTINATION_UNREACHABLE,
    ] {
        filter.accept(accepted)?;
    }
    conn.set_icmp_filter(filter)?;
    let hops = trace(&conn, B)?;
    println!("Removing the namespaces.");
    Ok(hops)
}

#[cfg(test)]
use tests::main;

#[cfg(test)]
mod tests {
    /// The router answers the first probe, the target the second.
    fn runs() {
        let hops = super::run().unwrap();
        assert_eq!(hops, [super::R_A, super::B]);
    }

    /// Built as a test (`harness = false` in Cargo.toml): runs the test
    /// above, or reports it as ignored, with the reason, when not root.
    pub(super) fn main() {
        use super::common::harness::{self, kernel};
        harness::run([kernel(runs)]);
    }
}
}
