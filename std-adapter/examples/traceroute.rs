//! Traceroute over UDP with the socket error queue (`IP_RECVERR`): no raw
//! socket, no root. Each probe is a UDP datagram with a growing TTL; the
//! routers' "time exceeded" and the target's "port unreachable" come back
//! on the probing socket's error queue, decoded by the core (type, code,
//! the router's address, the ICMP packet's TTL), and with
//! `IP_RECVERR_RFC4884` any RFC 4884 extension objects a hop adds (RFC 4950
//! MPLS label stacks, RFC 5837 interface information) are printed beside
//! it.
//!
//! ```sh
//! cargo run -p ipv4-std --example traceroute -- 127.0.0.1   # any user
//! sudo target/debug/examples/traceroute                      # the namespace chain
//! ```
//!
//! With a loopback address (127.0.0.0/8) it traces that address, as any
//! user. Without one it builds its own chain of network namespaces,
//! `a — r — b`, with forwarding on at `r` (which needs root), traces from
//! `a` to `b` and removes the chain on exit. It never probes the network.
//! Exit status: 0 when the target answered (or on Ctrl-C), 1 when it did
//! not, 2 on arguments it cannot use.

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

use std::error::Error;
use std::io;
use std::net::{Ipv4Addr, SocketAddrV4, UdpSocket};
#[cfg(not(test))]
use std::process::ExitCode;
use std::time::{Duration, Instant};

use ipv4_std::errqueue::Origin;
use ipv4_std::ipv4_core::icmp::{ErrorCode, TimeExceededCode, UnreachableCode};
use ipv4_std::prelude::*;

use common::{CHAIN_B, CHAIN_R_A};

#[cfg(not(test))]
const ARGS: &str = "[127.x.y.z]";
const MAX_HOPS: u8 = 8;
const FIRST_PORT: u16 = 33_434;
const PROBE_WAIT: Duration = Duration::from_secs(1);

#[cfg(not(test))]
const ABOUT: &str = "Traces the route to a loopback address (127.0.0.0/8) with UDP probes of \
growing TTL, reading the ICMP answers from the socket's error queue: no root needed. Without an \
address it builds a chain of three network namespaces, a - r - b (root), traces from a to b, and \
removes the chain on exit (Ctrl-C included).";

#[cfg(not(test))]
fn main() -> ExitCode {
    let usage = common::usage("traceroute", ARGS, ABOUT, false);
    let target = parse_args(&common::args(&usage))
        .unwrap_or_else(|problem| common::bad_usage(&problem, &usage));
    common::catch_interrupt();
    let result = match target {
        Some(target) => trace(target).map(drop),
        None => run_chain().map(drop),
    };
    common::finish("traceroute", result)
}

/// The target (`None`: the namespace chain), or what is wrong.
fn parse_args(args: &[String]) -> Result<Option<Ipv4Addr>, String> {
    common::optional_loopback_target(args, "traces 127.0.0.0/8 or its own namespaces")
}

/// One line of the trace.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Hop {
    ttl: u8,
    /// Who answered, `None` for no answer.
    from: Option<Ipv4Addr>,
    /// The ICMP error.
    code: Option<ErrorCode>,
}

/// Traces `target` from the calling thread's namespace; returns the hops,
/// and an error when the target never answered.
fn trace(target: Ipv4Addr) -> Result<Vec<Hop>, Box<dyn Error>> {
    let conn = PacketConn::new(UdpSocket::bind((Ipv4Addr::UNSPECIFIED, 0))?)?;
    conn.set_recv_errors(true)?;
    conn.set_recv_errors_rfc4884(true)?;
    conn.set_control_message(ControlFlags::TTL, true)?;
    println!("traceroute to {target}, {MAX_HOPS} hops max, UDP probes, no root needed");
    let mut hops = Vec::new();
    let mut buf = [0u8; 1500];
    for ttl in 1..=MAX_HOPS {
        common::stop_if_interrupted()?;
        conn.set_ttl(ttl)?;
        let port = FIRST_PORT + u16::from(ttl) - 1;
        let dst = SocketAddrV4::new(target, port);
        let sent = Instant::now();
        conn.send_to(b"ipv4 traceroute probe", None, dst)?;
        let mut hop = Hop {
            ttl,
            from: None,
            code: None,
        };
        // The error queue never blocks: poll it until the probe's answer
        // comes or the wait is over.
        while sent.elapsed() < PROBE_WAIT {
            common::stop_if_interrupted()?;
            let Some(e) = conn.recv_error(&mut buf)? else {
                std::thread::sleep(Duration::from_millis(2));
                continue;
            };
            if e.origin != Origin::ICMP || e.destination != dst {
                continue; // an earlier probe's late answer
            }
            let ms = sent.elapsed().as_secs_f64() * 1000.0;
            let from = e.offender.unwrap_or(Ipv4Addr::UNSPECIFIED);
            let what = e.icmp.map_or_else(String::new, |c| c.to_string());
            let icmp_ttl = e
                .control
                .ttl
                .map_or(String::new(), |t| format!(", ttl={t}"));
            println!("{ttl:2}  {from}  {ms:.3} ms  ({what}{icmp_ttl})");
            if let Some(Ok(ext)) = e.extensions() {
                for object in ext.objects() {
                    match object.and_then(|o| o.decode()) {
                        Ok(object) => println!("      {object}"),
                        Err(err) => println!("      (extension object: {err})"),
                    }
                }
            }
            hop.from = e.offender;
            hop.code = e.icmp;
            break;
        }
        if hop.from.is_none() {
            println!("{ttl:2}  *");
        }
        let done = !matches!(
            hop.code,
            None | Some(ErrorCode::TimeExceeded(TimeExceededCode::TTL))
        );
        hops.push(hop);
        if done {
            return match hops.last().and_then(|h| h.code) {
                Some(ErrorCode::Unreachable(UnreachableCode::PORT)) => Ok(hops),
                Some(code) => Err(format!("{target}: {code}").into()),
                None => unreachable!(),
            };
        }
    }
    Err(format!("{target} did not answer within {MAX_HOPS} hops").into())
}

/// Builds the chain and traces from `a` to `b`.
fn run_chain() -> Result<Vec<Hop>, Box<dyn Error>> {
    common::require_namespaces("traceroute")?;
    let chain = common::chain(None)?;
    println!(
        "Built a chain of namespaces a ({}) — r ({CHAIN_R_A}, {}, forwarding) — b ({CHAIN_B}).",
        common::CHAIN_A,
        common::CHAIN_R_B
    );
    let hops = chain
        .a
        .run(|| trace(CHAIN_B).map_err(|e| io::Error::other(e.to_string())))?;
    println!("Removing the namespaces.");
    Ok(hops)
}

#[cfg(test)]
use tests::main;

#[cfg(test)]
mod tests {
    use std::net::Ipv4Addr;

    use super::Hop;
    use super::common::{CHAIN_B, CHAIN_R_A};
    use ipv4_std::ipv4_core::icmp::{ErrorCode, TimeExceededCode, UnreachableCode};

    fn args(list: &[&str]) -> Result<Option<Ipv4Addr>, String> {
        super::parse_args(&list.iter().map(|s| s.to_string()).collect::<Vec<_>>())
    }

    fn parses_arguments() {
        assert_eq!(args(&[]), Ok(None));
        assert_eq!(args(&["127.0.0.3"]), Ok(Some(Ipv4Addr::new(127, 0, 0, 3))));
        for (bad, says) in [
            (&["x"][..], "not an IPv4 address"),
            (&["203.0.113.2"], "not a loopback address"),
            (&["127.0.0.1", "2"], "unexpected argument"),
        ] {
            let problem = args(bad).unwrap_err();
            assert!(problem.contains(says), "{bad:?}: {problem}");
        }
    }

    /// The router answers the first probe with time exceeded, the target
    /// the second with port unreachable.
    fn traces_the_namespace_chain() {
        let hops = super::run_chain().unwrap();
        assert_eq!(
            hops,
            [
                Hop {
                    ttl: 1,
                    from: Some(CHAIN_R_A),
                    code: Some(ErrorCode::TimeExceeded(TimeExceededCode::TTL))
                },
                Hop {
                    ttl: 2,
                    from: Some(CHAIN_B),
                    code: Some(ErrorCode::Unreachable(UnreachableCode::PORT))
                },
            ]
        );
    }

    /// Loopback, as any user: one hop, the port unreachable of 127.0.0.1.
    fn traces_loopback_without_root() {
        let hops = super::trace(Ipv4Addr::LOCALHOST).unwrap();
        assert_eq!(hops.len(), 1);
        assert_eq!(hops[0].from, Some(Ipv4Addr::LOCALHOST));
    }

    /// Built as a test (`harness = false` in Cargo.toml): runs the tests
    /// above, the namespace one reported as ignored, with the reason, when
    /// not root.
    pub(super) fn main() {
        use super::common::harness::{self, kernel, plain};
        harness::run([
            plain(parses_arguments),
            plain(traces_loopback_without_root),
            kernel(traces_the_namespace_chain),
        ]);
    }
}
}
