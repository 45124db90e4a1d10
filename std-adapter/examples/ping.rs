//! Ping, without root where Linux allows it: an ICMP datagram ("ping")
//! socket when the process's group is in `net.ipv4.ping_group_range`, a
//! raw ICMP socket (root) otherwise. Requests are built and replies parsed
//! by the core's ICMP codec (`IcmpRepr`, `IcmpView`); on the ping socket,
//! ICMP errors about the requests (time exceeded, unreachable) are read
//! from the socket's error queue and printed as ping prints them.
//!
//! ```sh
//! cargo run -p ipv4-std --example ping -- [--raw] [127.x.y.z] [count]
//! ```
//!
//! For network safety this example pings loopback addresses only
//! (127.0.0.0/8; 127.0.0.1 by default); its tests ping across a chain of
//! private namespaces. `--raw` insists on the raw socket. It exits with
//! status 1 when no reply came back (or no socket could be opened), 2 on
//! arguments it cannot use, and 0 on Ctrl-C after printing what it got so
//! far.

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
use std::net::{Ipv4Addr, SocketAddrV4};
#[cfg(not(test))]
use std::process::ExitCode;
use std::time::{Duration, Instant};

use ipv4_std::ipv4_core::icmp::{IcmpRepr, IcmpView, Message};
use ipv4_std::prelude::*;
use ipv4_std::{IcmpFilter, IcmpType};
use socket2::{Domain, Protocol, Socket, Type};

const ARGS: &str = "[--raw] [127.x.y.z] [count]";
#[cfg(not(test))]
const ABOUT: &str = "Sends `count` ICMP echo requests (default 3), one a second, to a loopback \
address (default 127.0.0.1; only 127.0.0.0/8 is allowed) and prints each reply with its TTL and \
round-trip time. It uses an ICMP datagram socket, which needs no root when the process's group is \
in net.ipv4.ping_group_range, and falls back to a raw socket (root) otherwise; --raw asks for \
the raw socket.";

/// Which socket to ping with.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Mode {
    /// The ping socket if allowed, else raw.
    Auto,
    /// An ICMP datagram socket only.
    Datagram,
    /// A raw socket only.
    Raw,
}

#[cfg(not(test))]
fn main() -> ExitCode {
    let usage = common::usage("ping", ARGS, ABOUT, false);
    let (mode, target, count) = parse_args(&common::args(&usage)).unwrap_or_else(|problem| {
        common::bad_usage(&problem, &usage);
    });
    common::catch_interrupt();
    common::finish(
        "ping",
        ping(target, count, mode, None).and_then(|stats| {
            if stats.received == 0 && !common::interrupted() {
                Err(format!("no echo reply from {target}").into())
            } else {
                Ok(())
            }
        }),
    )
}

/// The mode, target and count, or what is wrong with the arguments.
fn parse_args(args: &[String]) -> Result<(Mode, Ipv4Addr, u16), String> {
    let (mode, args) = match args.first().map(String::as_str) {
        Some("--raw") => (Mode::Raw, &args[1..]),
        _ => (Mode::Auto, args),
    };
    let target = match args.first() {
        None => Ipv4Addr::LOCALHOST,
        Some(a) if a.starts_with('-') => return Err(format!("unknown option {a:?}")),
        Some(a) => common::loopback_target(a, "pings 127.0.0.0/8 only")?,
    };
    let count = match args.get(1) {
        None => 3,
        Some(c) => match c.parse::<u16>() {
            Ok(n) if n > 0 => n,
            _ => return Err(format!("{c:?} is not a count from 1 to 65535")),
        },
    };
    if let Some(extra) = args.get(2) {
        return Err(format!("unexpected argument {extra:?}"));
    }
    Ok((mode, target, count))
}

/// What a run saw.
#[derive(Debug, Default, PartialEq, Eq)]
struct Stats {
    raw: bool,
    sent: u16,
    received: u16,
    /// ICMP errors reported for the requests: (sender, message).
    errors: Vec<(Ipv4Addr, String)>,
}

/// Opens the socket `mode` asks for: (the wrapper, whether it is raw).
fn open(mode: Mode) -> Result<(PacketConn<Socket>, bool), Box<dyn Error>> {
    if mode != Mode::Raw {
        match PacketConn::icmp_datagram() {
            Ok(conn) => {
                conn.set_recv_errors(true)?;
                return Ok((conn, false));
            }
            Err(e) if mode == Mode::Datagram || !common::is_root() => {
                return Err(format!(
                    "{e}\nAllow your group with, for instance, \
                     `sudo sysctl net.ipv4.ping_group_range=\"0 2147483647\"`, or run as root \
                     for a raw socket.\n\n{}",
                    common::as_root("ping", ARGS)
                )
                .into());
            }
            Err(_) => {} // root: the raw socket will do
        }
    }
    if !common::is_root() {
        return Err(format!(
            "a raw ICMP socket needs root.\n\n{}",
            common::as_root("ping", ARGS)
        )
        .into());
    }
    let conn = PacketConn::new(Socket::new(
        Domain::IPV4,
        Type::RAW,
        Some(Protocol::ICMPV4),
    )?)?;
    // Echo replies only: the socket never sees our own requests or others'
    // ICMP.
    let mut filter = IcmpFilter::block_all();
    filter.accept(IcmpType::ECHO_REPLY)?;
    conn.set_icmp_filter(filter)?;
    Ok((conn, true))
}

/// Pings `target` `count` times; `ttl` sets the requests' TTL.
fn ping(
    target: Ipv4Addr,
    count: u16,
    mode: Mode,
    ttl: Option<u8>,
) -> Result<Stats, Box<dyn Error>> {
    let (conn, raw) = open(mode)?;
    conn.get_ref()
        .set_read_timeout(Some(Duration::from_millis(100)))?;
    conn.set_control_message(ControlFlags::TTL, true)?;
    if let Some(ttl) = ttl {
        conn.set_ttl(ttl)?;
    }
    let data = b"ipv4 ping example";
    // On a raw socket the identifier is ours; on a ping socket the kernel
    // replaces it with the socket's port, known after the first send.
    let mut ident = (std::process::id() & 0xffff) as u16;
    println!(
        "PING {target}: {} data bytes, over {}",
        data.len(),
        if raw {
            "a raw ICMP socket"
        } else {
            "an ICMP datagram socket (no root needed)"
        }
    );
    let mut stats = Stats {
        raw,
        ..Stats::default()
    };
    let mut out = [0u8; 64];
    let mut buf = [0u8; 1500];
    'requests: for seq in 1..=count {
        if common::interrupted() {
            break;
        }
        let request = IcmpRepr::EchoRequest { ident, seq, data };
        let n = request.emit(&mut out)?;
        let sent = Instant::now();
        conn.send_to(&out[..n], None, SocketAddrV4::new(target, 0))?;
        stats.sent += 1;
        if !raw {
            ident = conn.local_addr()?.port();
        }
        // Up to a second for our reply; other replies are skipped.
        while sent.elapsed() < Duration::from_secs(1) {
            if common::interrupted() {
                break 'requests;
            }
            if !raw && let Some(e) = conn.recv_error(&mut buf)? {
                let from = e.offender.unwrap_or(Ipv4Addr::UNSPECIFIED);
                let what = e
                    .icmp
                    .map_or_else(|| e.error().to_string(), |c| c.to_string());
                println!("From {from} icmp_seq={seq} {what}");
                stats.errors.push((from, what));
                break;
            }
            let d = match conn.recv_from(&mut buf) {
                Ok(d) => d,
                Err(e)
                    if matches!(
                        e.kind(),
                        io::ErrorKind::WouldBlock | io::ErrorKind::Interrupted
                    ) =>
                {
                    continue;
                }
                Err(e) => return Err(e.into()),
            };
            let Ok(view) = IcmpView::new_checked(d.payload) else {
                continue;
            };
            if let Message::EchoReply(echo) = view.message()
                && (echo.ident, echo.seq) == (ident, seq)
            {
                stats.received += 1;
                println!(
                    "{} bytes from {}: icmp_seq={seq} ttl={} time={:.3} ms",
                    d.payload.len(),
                    d.source.ip(),
                    d.control.ttl.map_or("?".into(), |t| t.to_string()),
                    sent.elapsed().as_secs_f64() * 1000.0
                );
                break;
            }
        }
        if seq < count {
            // One request a second, as ping does, cut short by Ctrl-C.
            while sent.elapsed() < Duration::from_secs(1) && !common::interrupted() {
                std::thread::sleep(Duration::from_millis(20));
            }
        }
    }
    let loss = 100 - u32::from(stats.received) * 100 / u32::from(stats.sent.max(1));
    println!(
        "--- {target} ping statistics ---\n{} packets transmitted, {} received, {loss}% packet loss",
        stats.sent, stats.received
    );
    Ok(stats)
}

#[cfg(test)]
use tests::main;

#[cfg(test)]
mod tests {
    use std::net::Ipv4Addr;

    use super::common::{self, CHAIN_B, CHAIN_R_A};
    use super::{Mode, ping};

    fn args(list: &[&str]) -> Result<(Mode, Ipv4Addr, u16), String> {
        super::parse_args(&list.iter().map(|s| s.to_string()).collect::<Vec<_>>())
    }

    /// Defaults, a loopback target with a count, and the arguments that
    /// must end in the usage text rather than in a run.
    fn parses_arguments() {
        assert_eq!(args(&[]), Ok((Mode::Auto, Ipv4Addr::LOCALHOST, 3)));
        assert_eq!(
            args(&["--raw", "127.0.0.2", "5"]),
            Ok((Mode::Raw, Ipv4Addr::new(127, 0, 0, 2), 5))
        );
        for (bad, says) in [
            (&["localhost"][..], "not an IPv4 address"),
            (&["-x"], "unknown option"),
            (&["198.51.100.1"], "not a loopback address"),
            (&["127.0.0.1", "0"], "not a count"),
            (&["127.0.0.1", "x"], "not a count"),
            (&["127.0.0.1", "1", "2"], "unexpected argument"),
        ] {
            let problem = args(bad).unwrap_err();
            assert!(problem.contains(says), "{bad:?}: {problem}");
        }
    }

    /// Across a chain of namespaces, with the ping group range open in
    /// `a`: an ICMP datagram socket, no raw socket.
    fn pings_over_a_datagram_socket_where_the_range_allows() {
        let chain = common::chain(None).unwrap();
        chain
            .a
            .sysctl("net.ipv4.ping_group_range", "0 2147483647")
            .unwrap();
        let stats = chain.a.run(|| ping(CHAIN_B, 2, Mode::Auto, None).unwrap());
        assert!(!stats.raw);
        assert_eq!((stats.sent, stats.received), (2, 2));
        // TTL 1: the router's time exceeded, read from the error queue.
        let stats = chain
            .a
            .run(|| ping(CHAIN_B, 1, Mode::Datagram, Some(1)).unwrap());
        assert_eq!(stats.received, 0);
        assert_eq!(
            stats.errors,
            [(CHAIN_R_A, "time exceeded in transit".to_owned())]
        );
    }

    /// The kernel's default range ("1 0") allows no group: as root, the
    /// raw socket is used instead; `Mode::Datagram` fails and says why.
    fn falls_back_to_a_raw_socket_outside_the_range() {
        let chain = common::chain(None).unwrap();
        chain.a.sysctl("net.ipv4.ping_group_range", "1 0").unwrap();
        let stats = chain.a.run(|| ping(CHAIN_B, 1, Mode::Auto, None).unwrap());
        assert!(stats.raw);
        assert_eq!((stats.sent, stats.received), (1, 1));
        let e = chain.a.run(|| {
            ping(CHAIN_B, 1, Mode::Datagram, None)
                .unwrap_err()
                .to_string()
        });
        assert!(e.contains("ping_group_range is 1 0"), "{e}");
    }

    /// Built as a test (`harness = false` in Cargo.toml): runs the tests
    /// above, or reports the namespace ones as ignored, with the reason,
    /// when not root.
    pub(super) fn main() {
        use super::common::harness::{self, kernel, plain};
        harness::run([
            plain(parses_arguments),
            kernel(pings_over_a_datagram_socket_where_the_range_allows),
            kernel(falls_back_to_a_raw_socket_outside_the_range),
        ]);
    }
}
}
