//! Tracepath: the route and its path MTU, over UDP, without root. Like
//! iputils' `tracepath`, it sends UDP probes as large as the MTU it knows,
//! with Don't Fragment (`IP_MTU_DISCOVER` = `IP_PMTUDISC_PROBE`: the kernel
//! lets them out up to the interface MTU, whatever it has learnt of the
//! path) and a growing TTL, and reads the answers from the socket's error
//! queue (`IP_RECVERR`): a router's "fragmentation needed" lowers the MTU
//! to the one it reports (RFC 1191) and the same hop is probed again, "time
//! exceeded" moves on to the next hop, "port unreachable" is the target. A
//! probe larger than the local interface allows fails at once with
//! `EMSGSIZE`, whose local error on the queue carries the MTU to use.
//!
//! ```sh
//! cargo run -p ipv4-std --example tracepath -- 127.0.0.1   # any user
//! sudo target/debug/examples/tracepath                      # the namespace chain
//! ```
//!
//! With a loopback address it probes that address, as any user. Without
//! one it builds a chain of network namespaces `a — r — b` whose far link
//! `r — b` has an MTU of 1280 (root), probes from `a` to `b`, and removes
//! the chain on exit. It never probes the network. Exit status: 0 when the
//! target answered (or on Ctrl-C), 1 when it did not, 2 on arguments it
//! cannot use.

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

#[cfg(not(test))]
const ARGS: &str = "[127.x.y.z]";
const MAX_HOPS: u8 = 8;
const PORT: u16 = 44_444;
const PROBE_WAIT: Duration = Duration::from_secs(1);
/// IPv4 and UDP headers.
const HEADERS: u32 = 28;
/// The far link's MTU in the namespace chain.
const FAR_MTU: u32 = 1280;

#[cfg(not(test))]
const ABOUT: &str = "Finds the route to a loopback address (127.0.0.0/8) and the path MTU, \
with UDP probes of the largest size the path allows and growing TTL, reading the answers from \
the socket's error queue: no root needed. Without an address it builds a chain of three network \
namespaces, a - r - b, whose far link has an MTU of 1280 (root), probes from a to b, and removes \
the chain on exit (Ctrl-C included).";

#[cfg(not(test))]
fn main() -> ExitCode {
    let usage = common::usage("tracepath", ARGS, ABOUT, false);
    let target = parse_args(&common::args(&usage))
        .unwrap_or_else(|problem| common::bad_usage(&problem, &usage));
    common::catch_interrupt();
    let result = match target {
        Some(target) => tracepath(target).map(drop),
        None => run_chain().map(drop),
    };
    common::finish("tracepath", result)
}

/// The target (`None`: the namespace chain), or what is wrong.
fn parse_args(args: &[String]) -> Result<Option<Ipv4Addr>, String> {
    common::optional_loopback_target(args, "probes 127.0.0.0/8 or its own namespaces")
}

/// What the probes found.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Path {
    /// The hops that answered, in order (the target last).
    hops: Vec<Ipv4Addr>,
    /// The path MTU.
    pmtu: u32,
}

/// Probes `target` from the calling thread's namespace.
fn tracepath(target: Ipv4Addr) -> Result<Path, Box<dyn Error>> {
    let conn = PacketConn::new(UdpSocket::bind((Ipv4Addr::UNSPECIFIED, 0))?)?;
    let dst = SocketAddrV4::new(target, PORT);
    conn.get_ref().connect(dst)?;
    conn.set_recv_errors(true)?;
    conn.set_mtu_discover(PmtuDiscovery::Probe)?;
    conn.set_control_message(ControlFlags::TTL, true)?;
    // Start from the largest datagram IPv4 carries; the local interface
    // and the routers bring it down.
    let mut mtu: u32 = 65_535;
    let mut hops = Vec::new();
    let mut buf = vec![0u8; 65_535];
    let probe = vec![0u8; 65_535];
    let mut ttl = 1;
    println!("tracepath to {target}, {MAX_HOPS} hops max, UDP probes, no root needed");
    while ttl <= MAX_HOPS {
        common::stop_if_interrupted()?;
        conn.set_ttl(ttl)?;
        let len = (mtu - HEADERS) as usize;
        let sent = Instant::now();
        match conn.get_ref().send(&probe[..len]) {
            Ok(_) => {}
            Err(e) if e.raw_os_error() == Some(libc::EMSGSIZE) => {
                // Larger than the interface: the local error on the queue
                // says by how much.
                if let Some(e) = conn.recv_error(&mut buf)?
                    && e.origin == Origin::LOCAL
                    && let Some(local) = e.mtu()
                {
                    mtu = local;
                } else {
                    mtu = conn.path_mtu()?;
                }
                println!("{ttl:2}?: pmtu {mtu} (local interface)");
                continue;
            }
            Err(e) => return Err(e.into()),
        }
        let mut answered = false;
        while sent.elapsed() < PROBE_WAIT {
            common::stop_if_interrupted()?;
            let Some(e) = conn.recv_error(&mut buf)? else {
                std::thread::sleep(Duration::from_millis(2));
                continue;
            };
            if e.origin != Origin::ICMP {
                continue;
            }
            let from = e.offender.unwrap_or(Ipv4Addr::UNSPECIFIED);
            let ms = sent.elapsed().as_secs_f64() * 1000.0;
            answered = true;
            match e.icmp {
                Some(ErrorCode::Unreachable(UnreachableCode::FRAGMENTATION_NEEDED)) => {
                    let next = e.mtu().unwrap_or(0);
                    println!("{ttl:2}:  {from}  {ms:.3} ms  pmtu {next}");
                    if next == 0 || next >= mtu {
                        return Err(
                            format!("{from} reports an MTU of {next}, not below {mtu}").into()
                        );
                    }
                    mtu = next;
                    // Probe the same hop again with the smaller size.
                    ttl -= 1;
                }
                Some(ErrorCode::TimeExceeded(TimeExceededCode::TTL)) => {
                    println!("{ttl:2}:  {from}  {ms:.3} ms");
                    hops.push(from);
                }
                Some(ErrorCode::Unreachable(UnreachableCode::PORT)) => {
                    println!("{ttl:2}:  {from}  {ms:.3} ms  reached");
                    hops.push(from);
                    println!("     Resume: pmtu {mtu} hops {ttl}");
                    return Ok(Path { hops, pmtu: mtu });
                }
                other => {
                    let what = other.map_or_else(|| e.error().to_string(), |c| c.to_string());
                    return Err(format!("{ttl}: {from}: {what}").into());
                }
            }
            break;
        }
        if !answered {
            println!("{ttl:2}:  no reply");
        }
        ttl += 1;
    }
    Err(format!("{target} did not answer within {MAX_HOPS} hops (pmtu {mtu})").into())
}

/// Builds the chain, far link at 1280, and probes from `a` to `b`.
fn run_chain() -> Result<Path, Box<dyn Error>> {
    common::require_namespaces("tracepath")?;
    let chain = common::chain(Some(FAR_MTU))?;
    println!(
        "Built a chain of namespaces a ({}) — r ({}, {}, forwarding) — b ({}), MTU {FAR_MTU} from r to b.",
        common::CHAIN_A,
        common::CHAIN_R_A,
        common::CHAIN_R_B,
        common::CHAIN_B
    );
    let path = chain
        .a
        .run(|| tracepath(common::CHAIN_B).map_err(|e| io::Error::other(e.to_string())))?;
    println!("Removing the namespaces.");
    Ok(path)
}

#[cfg(test)]
use tests::main;

#[cfg(test)]
mod tests {
    use std::net::Ipv4Addr;

    use super::common::{CHAIN_B, CHAIN_R_A};
    use super::{FAR_MTU, Path};

    fn args(list: &[&str]) -> Result<Option<Ipv4Addr>, String> {
        super::parse_args(&list.iter().map(|s| s.to_string()).collect::<Vec<_>>())
    }

    fn parses_arguments() {
        assert_eq!(args(&[]), Ok(None));
        assert_eq!(args(&["127.0.0.1"]), Ok(Some(Ipv4Addr::LOCALHOST)));
        for (bad, says) in [
            (&["::1"][..], "not an IPv4 address"),
            (&["198.51.100.1"], "not a loopback address"),
            (&["127.0.0.1", "x"], "unexpected argument"),
        ] {
            let problem = args(bad).unwrap_err();
            assert!(problem.contains(says), "{bad:?}: {problem}");
        }
    }

    /// The router's fragmentation needed brings the MTU down to the far
    /// link's; the router, then the target, answer.
    fn finds_the_far_links_mtu() {
        let path = super::run_chain().unwrap();
        assert_eq!(
            path,
            Path {
                hops: vec![CHAIN_R_A, CHAIN_B],
                pmtu: FAR_MTU
            }
        );
    }

    /// Loopback, as any user: the interface's MTU (65536) is larger than an
    /// IPv4 datagram, so the first probe goes out and the target answers.
    fn probes_loopback_without_root() {
        let path = super::tracepath(Ipv4Addr::LOCALHOST).unwrap();
        assert_eq!(path.hops, [Ipv4Addr::LOCALHOST]);
    }

    /// Built as a test (`harness = false` in Cargo.toml): runs the tests
    /// above, the namespace one reported as ignored, with the reason, when
    /// not root.
    pub(super) fn main() {
        use super::common::harness::{self, kernel, plain};
        harness::run([
            plain(parses_arguments),
            plain(probes_loopback_without_root),
            kernel(finds_the_far_links_mtu),
        ]);
    }
}
}
