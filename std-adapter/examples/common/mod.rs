//! What the examples share: private network namespaces joined by veth
//! links, removed again on exit, so that no example ever sends on a real
//! interface; and a Ctrl-C flag that lets loops stop and clean up.
//!
//! Each example uses part of this file.
#![allow(dead_code)]

#[cfg(test)]
pub mod harness;

use std::fs::File;
use std::io;
use std::net::Ipv4Addr;
use std::os::fd::AsRawFd;
use std::process::Command;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::thread;

static INTERRUPTED: AtomicBool = AtomicBool::new(false);

extern "C" fn on_interrupt(_: libc::c_int) {
    INTERRUPTED.store(true, Ordering::Relaxed);
}

/// Catches Ctrl-C: instead of dying with namespaces left behind, the
/// example sees [`interrupted`] turn true, leaves its loops (whose waits
/// are all bounded) and drops its namespaces.
pub fn catch_interrupt() {
    // SAFETY: the handler only stores to an atomic, which is
    // async-signal-safe.
    unsafe {
        libc::signal(
            libc::SIGINT,
            on_interrupt as extern "C" fn(libc::c_int) as libc::sighandler_t,
        );
    }
}

/// Whether Ctrl-C was pressed.
pub fn interrupted() -> bool {
    INTERRUPTED.load(Ordering::Relaxed)
}

/// Whether the process may create namespaces and raw sockets.
pub fn is_root() -> bool {
    // SAFETY: geteuid has no preconditions.
    unsafe { libc::geteuid() == 0 }
}

/// Tells why the example cannot run and returns `false` unless it runs as
/// root with `ip` (iproute2) installed.
pub fn can_create_namespaces(example: &str) -> bool {
    if !is_root() {
        println!(
            "{example} builds its own network namespaces, which needs root; run it with sudo."
        );
        return false;
    }
    if Command::new("ip").arg("-V").output().is_err() {
        println!("{example} needs the `ip` command (package iproute2).");
        return false;
    }
    true
}

fn run(args: &[&str]) -> io::Result<()> {
    let out = Command::new("ip").args(args).output()?;
    if out.status.success() {
        Ok(())
    } else {
        Err(io::Error::other(format!(
            "`ip {}` failed: {}",
            args.join(" "),
            String::from_utf8_lossy(&out.stderr).trim()
        )))
    }
}

/// A network namespace of its own, with loopback up; deleted on drop.
pub struct Netns {
    name: String,
}

impl Netns {
    /// Creates `ipv4ex-<pid>-<n>-<label>`.
    pub fn new(label: &str) -> io::Result<Netns> {
        static NEXT: AtomicUsize = AtomicUsize::new(0);
        let n = NEXT.fetch_add(1, Ordering::Relaxed);
        let name = format!("ipv4ex-{}-{n}-{label}", std::process::id());
        run(&["netns", "add", &name])?;
        let ns = Netns { name };
        ns.ip(&["link", "set", "lo", "up"])?;
        Ok(ns)
    }

    pub fn name(&self) -> &str {
        &self.name
    }

    /// `ip -n <name> <args>`.
    pub fn ip(&self, args: &[&str]) -> io::Result<()> {
        let mut all = vec!["-n", &self.name];
        all.extend_from_slice(args);
        run(&all)
    }

    /// `sysctl -w key=value` inside the namespace.
    pub fn sysctl(&self, key: &str, value: &str) -> io::Result<()> {
        run(&[
            "netns",
            "exec",
            &self.name,
            "sysctl",
            "-q",
            "-w",
            &format!("{key}={value}"),
        ])
    }

    /// Runs `f` on a thread inside the namespace and returns its result.
    /// Sockets created there stay in the namespace wherever they are used.
    pub fn run<R: Send>(&self, f: impl FnOnce() -> R + Send) -> R {
        let file = File::open(format!("/var/run/netns/{}", self.name))
            .expect("namespace file exists while the Netns lives");
        thread::scope(|s| {
            s.spawn(move || {
                // SAFETY: `file` is an open namespace file; setns changes
                // only this thread's network namespace.
                let rc = unsafe { libc::setns(file.as_raw_fd(), libc::CLONE_NEWNET) };
                assert_eq!(rc, 0, "setns: {}", io::Error::last_os_error());
                f()
            })
            .join()
            .unwrap_or_else(|p| std::panic::resume_unwind(p))
        })
    }

    /// The index of interface `name` in this namespace.
    pub fn if_index(&self, name: &str) -> io::Result<u32> {
        self.run(|| ipv4_std::InterfaceRef::from(name).index())
    }
}

impl Drop for Netns {
    fn drop(&mut self) {
        if let Err(e) = run(&["netns", "del", &self.name]) {
            eprintln!("could not remove namespace {}: {e}", self.name);
        }
    }
}

/// Links `a` and `b` with a veth pair `a_if`—`b_if` and gives the ends
/// `a_addr`/`prefix` and `b_addr`/`prefix`. Returns the two interface
/// indexes. The link goes away with either namespace.
pub fn link(
    (a, a_if, a_addr): (&Netns, &str, Ipv4Addr),
    (b, b_if, b_addr): (&Netns, &str, Ipv4Addr),
    prefix: u8,
) -> io::Result<(u32, u32)> {
    a.ip(&[
        "link", "add", a_if, "type", "veth", "peer", "name", b_if, "netns", &b.name,
    ])?;
    for (ns, ifname, addr) in [(a, a_if, a_addr), (b, b_if, b_addr)] {
        ns.ip(&["addr", "add", &format!("{addr}/{prefix}"), "dev", ifname])?;
        ns.ip(&["link", "set", ifname, "up"])?;
    }
    Ok((a.if_index(a_if)?, b.if_index(b_if)?))
}
