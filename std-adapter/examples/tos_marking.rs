//! Unicast TOS marking, as in the first section of Go's package
//! documentation: a server marks every connection it accepts with a DSCP
//! (`IP_TOS`) and a TTL (`IP_TTL`) before answering.
//!
//! ```sh
//! cargo run -p ipv4-std --example tos_marking
//! ```
//!
//! Runs on loopback, as any user; the server takes three connections from
//! clients this program starts itself.

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
use std::io::{Read, Write};
use std::net::{Ipv4Addr, TcpListener, TcpStream};
use std::process::ExitCode;
use std::thread;
use std::time::Duration;

use ipv4_std::Conn;

/// DSCP AF11 (RFC 2597) in the upper six bits, ECN not-ECT.
const DIFFSERV_AF11: u8 = 0x28;
const CLIENTS: usize = 3;

const ABOUT: &str = "A TCP server on loopback marks each connection it accepts with DSCP AF11 \
(IP_TOS) and TTL 128 (IP_TTL) before answering; three clients started by the program itself \
connect to it. Runs as any user.";

fn main() -> ExitCode {
    common::no_args(&common::usage("tos_marking", "", ABOUT, false));
    // No Ctrl-C handler: nothing here outlives the process, and a blocking
    // accept would keep running after the signal.
    common::finish("tos_marking", run())
}

fn run() -> Result<(), Box<dyn Error>> {
    let listener = TcpListener::bind((Ipv4Addr::LOCALHOST, 0))?;
    let addr = listener.local_addr()?;
    println!("Listening on {addr}; each accepted connection is marked before the server writes.");
    let clients = thread::spawn(move || -> std::io::Result<Vec<String>> {
        let mut seen = Vec::new();
        for _ in 0..CLIENTS {
            let mut c = TcpStream::connect(addr)?;
            c.set_read_timeout(Some(Duration::from_secs(5)))?;
            let mut s = String::new();
            c.read_to_string(&mut s)?;
            seen.push(s);
        }
        Ok(seen)
    });
    for _ in 0..CLIENTS {
        let (stream, peer) = listener.accept()?;
        let conn = Conn::new(stream)?;
        conn.set_tos(DIFFSERV_AF11)?;
        conn.set_ttl(128)?;
        println!(
            "Accepted {peer}: marked it with TOS {:#04x} and TTL {} (the kernel reads them back).",
            conn.tos()?,
            conn.ttl()?
        );
        let mut stream = conn.into_inner();
        stream.write_all(b"hello, world\n")?;
    }
    let replies = clients.join().map_err(|_| "client thread panicked")??;
    println!("The clients read: {replies:?}");
    Ok(())
}

#[cfg(test)]
mod tests {
    #[test]
    fn runs() {
        super::run().unwrap();
    }
}
}
