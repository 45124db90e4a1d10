//! Ping with a raw ICMP socket whose ICMP filter (`ICMP_FILTER`) lets only
//! echo replies through, so the socket never sees the host's own requests
//! or anyone else's ICMP.
//!
//! ```sh
//! cargo build --release -p ipv4-std --example ping
//! sudo target/release/examples/ping [127.x.y.z] [count]
//! ```
//!
//! For network safety this example pings loopback addresses only
//! (127.0.0.0/8; 127.0.0.1 by default). It needs root (`CAP_NET_RAW`) for
//! the raw socket, and says so without it. It exits with status 1 when no
//! reply came back, 2 on arguments it cannot use, and 0 on Ctrl-C after
//! printing what it got so far.

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
use std::net::{Ipv4Addr, SocketAddrV4};
#[cfg(not(test))]
use std::process::ExitCode;
use std::time::{Duration, Instant};

use ipv4_std::{ControlFlags, IcmpFilter, IcmpType, PacketConn};
use socket2::{Domain, Protocol, Socket, Type};

const ARGS: &str = "[127.x.y.z] [count]";
#[cfg(not(test))]
const ABOUT: &str = "Sends `count` ICMP echo requests (default 3) to a loopback address \
(default 127.0.0.1; only 127.0.0.0/8 is allowed) through a raw socket whose ICMP filter \
passes echo replies only, and prints each reply with its TTL.";

#[cfg(not(test))]
fn main() -> ExitCode {
    let usage = common::usage("ping", ARGS, ABOUT, true);
    let (target, count) = parse_args(&common::args(&usage)).unwrap_or_else(|problem| {
        common::bad_usage(&problem, &usage);
    });
    common::catch_interrupt();
    common::finish("ping", ping(target, count))
}

/// The target and count, or what is wrong with the arguments.
fn parse_args(args: &[String]) -> Result<(Ipv4Addr, u16), String> {
    let target = match args.first() {
        None => Ipv4Addr::LOCALHOST,
        Some(a) => a
            .parse::<Ipv4Addr>()
            .map_err(|_| format!("{a:?} is not an IPv4 address"))?,
    };
    if !target.is_loopback() {
        return Err(format!(
            "{target} is not a loopback address: this example pings 127.0.0.0/8 only, never the network"
        ));
    }
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
    Ok((target, count))
}

fn echo_request(id: u16, seq: u16, data: &[u8]) -> Vec<u8> {
    let mut m = vec![IcmpType::ECHO.0, 0, 0, 0];
    m.extend_from_slice(&id.to_be_bytes());
    m.extend_from_slice(&seq.to_be_bytes());
    m.extend_from_slice(data);
    let sum = ipv4_std::ipv4_core::checksum::checksum(&m);
    m[2..4].copy_from_slice(&sum.to_be_bytes());
    m
}

fn ping(target: Ipv4Addr, count: u16) -> Result<(), Box<dyn Error>> {
    if !common::is_root() {
        return Err(format!(
            "ping opens a raw ICMP socket, which needs root.\n\n{}",
            common::as_root("ping", ARGS)
        )
        .into());
    }
    let socket = Socket::new(Domain::IPV4, Type::RAW, Some(Protocol::ICMPV4))?;
    socket.set_read_timeout(Some(Duration::from_millis(200)))?;
    let conn = PacketConn::new(socket)?;
    let mut filter = IcmpFilter::block_all();
    filter.accept(IcmpType::ECHO_REPLY)?;
    conn.set_icmp_filter(filter)?;
    conn.set_control_message(ControlFlags::TTL, true)?;
    println!(
        "PING {target}: the ICMP filter passes echo replies only ({:#010x}).",
        conn.icmp_filter()?.bits()
    );
    let id = (std::process::id() & 0xffff) as u16;
    let mut received = 0;
    let mut sent_count = 0;
    'requests: for seq in 1..=count {
        if common::interrupted() {
            break;
        }
        sent_count += 1;
        let request = echo_request(id, seq, b"ipv4 ping example");
        let sent = Instant::now();
        conn.send_to(&request, None, SocketAddrV4::new(target, 0))?;
        let mut buf = [0u8; 1500];
        // Wait up to a second for our reply; other replies are skipped.
        while sent.elapsed() < Duration::from_secs(1) {
            let (reply, cm, from) = match conn.recv_from(&mut buf) {
                Ok(d) => (d.payload, d.control, d.source),
                Err(e) if e.kind() == io::ErrorKind::WouldBlock => continue,
                // Ctrl-C: stop, and still say what came back.
                Err(_) if common::interrupted() => break 'requests,
                Err(e) => return Err(e.into()),
            };
            if reply.len() >= 8
                && reply[4..6] == id.to_be_bytes()
                && reply[6..8] == seq.to_be_bytes()
            {
                received += 1;
                println!(
                    "{} bytes from {}: icmp_seq={seq} ttl={} time={:.3} ms",
                    reply.len(),
                    from.ip(),
                    cm.ttl.map_or("?".into(), |t| t.to_string()),
                    sent.elapsed().as_secs_f64() * 1000.0
                );
                break;
            }
        }
    }
    println!("{sent_count} requests sent, {received} replies received.");
    if received == 0 && !common::interrupted() {
        return Err(format!("no echo reply from {target}").into());
    }
    Ok(())
}

#[cfg(test)]
use tests::main;

#[cfg(test)]
mod tests {
    use std::net::Ipv4Addr;

    fn pings_loopback() {
        super::ping(Ipv4Addr::LOCALHOST, 2).unwrap();
    }

    fn args(list: &[&str]) -> Result<(Ipv4Addr, u16), String> {
        super::parse_args(&list.iter().map(|s| s.to_string()).collect::<Vec<_>>())
    }

    /// Defaults, a loopback target with a count, and the arguments that
    /// must end in the usage text rather than in a run.
    fn parses_arguments() {
        assert_eq!(args(&[]), Ok((Ipv4Addr::LOCALHOST, 3)));
        assert_eq!(
            args(&["127.0.0.2", "5"]),
            Ok((Ipv4Addr::new(127, 0, 0, 2), 5))
        );
        for (bad, says) in [
            (&["localhost"][..], "not an IPv4 address"),
            (&["198.51.100.1"], "not a loopback address"),
            (&["127.0.0.1", "0"], "not a count"),
            (&["127.0.0.1", "x"], "not a count"),
            (&["127.0.0.1", "1", "2"], "unexpected argument"),
        ] {
            let problem = args(bad).unwrap_err();
            assert!(problem.contains(says), "{bad:?}: {problem}");
        }
    }

    /// Built as a test (`harness = false` in Cargo.toml): runs the test
    /// above, or reports it as ignored, with the reason, when not root.
    pub(super) fn main() {
        use super::common::harness::{self, plain, root};
        harness::run([plain(parses_arguments), root(pings_loopback)]);
    }
}
}
