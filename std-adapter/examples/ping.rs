//! Ping with a raw ICMP socket whose ICMP filter (`ICMP_FILTER`) lets only
//! echo replies through, so the socket never sees the host's own requests
//! or anyone else's ICMP.
//!
//! ```sh
//! sudo cargo run -p ipv4-std --example ping [127.x.y.z] [count]
//! ```
//!
//! For network safety this example pings loopback addresses only
//! (127.0.0.0/8; 127.0.0.1 by default). It needs root (`CAP_NET_RAW`) for
//! the raw socket, and says so without it.

mod common;

use std::error::Error;
use std::io;
use std::net::{Ipv4Addr, SocketAddrV4};
use std::time::{Duration, Instant};

use ipv4_std::{ControlFlags, IcmpFilter, IcmpType, PacketConn};
use socket2::{Domain, Protocol, Socket, Type};

#[cfg(not(test))]
fn main() -> Result<(), Box<dyn Error>> {
    common::catch_interrupt();
    let mut args = std::env::args().skip(1);
    let target: Ipv4Addr = match args.next() {
        Some(a) => a.parse()?,
        None => Ipv4Addr::LOCALHOST,
    };
    let count: u16 = match args.next() {
        Some(c) => c.parse()?,
        None => 3,
    };
    if !target.is_loopback() {
        println!("This example only pings loopback addresses (127.0.0.0/8), never the network.");
        return Ok(());
    }
    ping(target, count)
}

fn echo_request(id: u16, seq: u16, data: &[u8]) -> Vec<u8> {
    let mut m = vec![IcmpType::ECHO.0, 0, 0, 0];
    m.extend_from_slice(&id.to_be_bytes());
    m.extend_from_slice(&seq.to_be_bytes());
    m.extend_from_slice(data);
    let sum = ipv4_std::core::checksum::checksum(&m);
    m[2..4].copy_from_slice(&sum.to_be_bytes());
    m
}

fn ping(target: Ipv4Addr, count: u16) -> Result<(), Box<dyn Error>> {
    if !common::is_root() {
        println!("ping opens a raw ICMP socket, which needs root; run it with sudo.");
        return Ok(());
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
    for seq in 1..=count {
        if common::interrupted() {
            break;
        }
        let request = echo_request(id, seq, b"ipv4 ping example");
        let sent = Instant::now();
        conn.send_to(&request, None, SocketAddrV4::new(target, 0))?;
        let mut buf = [0u8; 1500];
        // Wait up to a second for our reply; other replies are skipped.
        while sent.elapsed() < Duration::from_secs(1) {
            let (reply, cm, from) = match conn.recv_from(&mut buf) {
                Ok(d) => (d.payload, d.control, d.source),
                Err(e) if e.kind() == io::ErrorKind::WouldBlock => continue,
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
    println!("{count} requests sent, {received} replies received.");
    Ok(())
}

#[cfg(test)]
use tests::main;

#[cfg(test)]
mod tests {
    fn pings_loopback() {
        super::ping(std::net::Ipv4Addr::LOCALHOST, 2).unwrap();
    }

    /// Built as a test (`harness = false` in Cargo.toml): runs the test
    /// above, or reports it as ignored, with the reason, when not root.
    pub(super) fn main() {
        use super::common::harness::{self, root};
        harness::run([root(pings_loopback)]);
    }
}
