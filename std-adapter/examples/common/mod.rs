//! What the examples share: their command line (usage text, `--help`) and
//! exit status; a Ctrl-C flag that lets loops stop and clean up; and
//! private network namespaces joined by veth links, removed again on exit,
//! so that no example ever sends on a real interface.
//!
//! Each example uses part of this file.
#![allow(dead_code)]

#[cfg(test)]
pub mod harness;

use std::error::Error;
use std::fs::File;
use std::io;
use std::net::Ipv4Addr;
use std::os::fd::AsRawFd;
use std::os::unix::process::CommandExt;
use std::process::{Command, ExitCode};
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

/// An `Interrupted` error once Ctrl-C was pressed, for loops to return
/// with `?`: the example then unwinds through its drops (namespaces
/// removed) to [`finish`], which exits with status 0.
pub fn stop_if_interrupted() -> io::Result<()> {
    if interrupted() {
        Err(io::ErrorKind::Interrupted.into())
    } else {
        Ok(())
    }
}

/// The exit status for arguments an example cannot use, as most command
/// line tools have it.
const USAGE_STATUS: i32 = 2;

/// The usage text of `example`: its synopsis, what it does, and, if it
/// needs root, how to run it as root.
pub fn usage(example: &str, args: &str, about: &str, needs_root: bool) -> String {
    let synopsis = if args.is_empty() {
        format!("usage: {example}")
    } else {
        format!("usage: {example} {args}")
    };
    let mut text = format!("{synopsis}\n\n{}", wrap(about));
    if needs_root {
        text.push_str(&format!("\nIt needs root.\n{}", as_root(example, args)));
    } else {
        text.push_str(&format!(
            "\nRun it from the workspace root with\n\n    cargo run --release -p ipv4-std --example {example}{}\n",
            if args.is_empty() { String::new() } else { format!(" -- {args}") }
        ));
    }
    text
}

/// `text` broken into lines of at most 76 columns, at spaces.
fn wrap(text: &str) -> String {
    let mut out = String::new();
    let mut line = 0;
    for word in text.split_whitespace() {
        if line > 0 && line + 1 + word.len() > 76 {
            out.push('\n');
            line = 0;
        } else if line > 0 {
            out.push(' ');
            line += 1;
        }
        out.push_str(word);
        line += word.len();
    }
    out.push('\n');
    out
}

/// How to run `example` as root. Plain `sudo cargo run` usually fails:
/// sudo resets `PATH`, so it finds no Rust toolchain.
pub fn as_root(example: &str, args: &str) -> String {
    let (args, cargo_args) = if args.is_empty() {
        (String::new(), String::new())
    } else {
        (format!(" {args}"), format!(" -- {args}"))
    };
    format!(
        "{}\n    cargo build --release -p ipv4-std --example {example}\n    \
         sudo target/release/examples/{example}{args}\n\n{}\n    \
         sudo -E env \"PATH=$PATH\" cargo run --release -p ipv4-std --example {example}{cargo_args}\n",
        wrap("Build it as yourself, then run the binary with sudo, from the workspace root:"),
        wrap(
            "Plain `sudo cargo run` usually finds no Rust toolchain, because sudo resets PATH. \
             In one command (the files it builds under target/ then belong to root):"
        ),
    )
}

/// The command-line arguments. Prints `usage` and exits with status 0 for
/// `-h` or `--help`.
pub fn args(usage: &str) -> Vec<String> {
    let args: Vec<String> = std::env::args_os()
        .skip(1)
        .map(|a| a.to_string_lossy().into_owned())
        .collect();
    if args.iter().any(|a| a == "-h" || a == "--help") {
        print!("{usage}");
        std::process::exit(0);
    }
    args
}

/// For an example that takes no arguments: prints the usage and exits
/// with status 2 if there are any.
pub fn no_args(usage: &str) {
    if let Some(first) = args(usage).first() {
        bad_usage(&format!("unexpected argument {first:?}"), usage);
    }
}

/// Says what is wrong with the arguments, prints the usage to stderr and
/// exits with status 2. Call it before creating anything that a drop
/// would have to remove.
pub fn bad_usage(problem: &str, usage: &str) -> ! {
    eprint!("error: {problem}\n\n{usage}");
    std::process::exit(USAGE_STATUS)
}

/// The exit status of an example, from the result of its run (whose
/// namespaces and sockets are already dropped): 0 when it ran to the end
/// or was stopped with Ctrl-C, 1 with the error on stderr otherwise.
pub fn finish(example: &str, result: Result<(), Box<dyn Error>>) -> ExitCode {
    if interrupted() {
        // An error now is most likely the interruption itself (a wait cut
        // short with EINTR), not a failure.
        println!("\nInterrupted: {example} stopped and removed what it created.");
        return ExitCode::SUCCESS;
    }
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::FAILURE
        }
    }
}

/// Parses `arg` as the loopback address an example works on; `reach`
/// completes the refusal of any other address ("pings 127.0.0.0/8 only"):
/// the examples reach loopback or their own namespaces, never the network.
pub fn loopback_target(arg: &str, reach: &str) -> Result<Ipv4Addr, String> {
    let target = arg
        .parse::<Ipv4Addr>()
        .map_err(|_| format!("{arg:?} is not an IPv4 address"))?;
    if !target.is_loopback() {
        return Err(format!(
            "{target} is not a loopback address: this example {reach}, never the network"
        ));
    }
    Ok(target)
}

/// Parses `args` as at most one loopback address ([`loopback_target`]);
/// `None` when there is none.
pub fn optional_loopback_target(args: &[String], reach: &str) -> Result<Option<Ipv4Addr>, String> {
    let Some(arg) = args.first() else {
        return Ok(None);
    };
    let target = loopback_target(arg, reach)?;
    if let Some(extra) = args.get(1) {
        return Err(format!("unexpected argument {extra:?}"));
    }
    Ok(Some(target))
}

/// Whether the process may create namespaces and raw sockets.
pub fn is_root() -> bool {
    // SAFETY: geteuid has no preconditions.
    unsafe { libc::geteuid() == 0 }
}

/// An error saying why the example cannot run, unless it runs as root
/// with `ip` (iproute2) installed.
pub fn require_namespaces(example: &str) -> Result<(), Box<dyn Error>> {
    if !is_root() {
        return Err(format!(
            "{example} builds its own network namespaces, which needs root.\n\n{}",
            as_root(example, "")
        )
        .into());
    }
    if Command::new("ip").arg("-V").output().is_err() {
        return Err(format!("{example} needs the `ip` command (package iproute2).").into());
    }
    Ok(())
}

fn run(args: &[&str]) -> io::Result<()> {
    // In a process group of its own, `ip` does not get the terminal's
    // Ctrl-C: it finishes, and a namespace it created is removed again.
    let out = Command::new("ip").args(args).process_group(0).output()?;
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

/// Host `a` of a [`Chain`].
pub const CHAIN_A: Ipv4Addr = Ipv4Addr::new(198, 51, 100, 1);
/// Router `r` of a [`Chain`], on `a`'s side.
pub const CHAIN_R_A: Ipv4Addr = Ipv4Addr::new(198, 51, 100, 254);
/// Router `r` of a [`Chain`], on `b`'s side.
pub const CHAIN_R_B: Ipv4Addr = Ipv4Addr::new(203, 0, 113, 254);
/// Host `b` of a [`Chain`].
pub const CHAIN_B: Ipv4Addr = Ipv4Addr::new(203, 0, 113, 2);

/// Three namespaces in a row, `a — r — b`, with forwarding on at `r` and
/// ICMP rate limits off at `r` and `b` (every probe gets its answer);
/// removed on drop.
pub struct Chain {
    pub a: Netns,
    pub r: Netns,
    pub b: Netns,
}

/// Builds a [`Chain`]; `far_mtu` sets the MTU of the `r — b` link.
pub fn chain(far_mtu: Option<u32>) -> io::Result<Chain> {
    let a = Netns::new("a")?;
    let r = Netns::new("r")?;
    let b = Netns::new("b")?;
    link((&a, "veth-r", CHAIN_A), (&r, "veth-a", CHAIN_R_A), 24)?;
    link((&r, "veth-b", CHAIN_R_B), (&b, "veth-r", CHAIN_B), 24)?;
    if let Some(mtu) = far_mtu {
        let mtu = mtu.to_string();
        r.ip(&["link", "set", "veth-b", "mtu", &mtu])?;
        b.ip(&["link", "set", "veth-r", "mtu", &mtu])?;
    }
    a.ip(&["route", "add", "default", "via", &CHAIN_R_A.to_string()])?;
    b.ip(&["route", "add", "default", "via", &CHAIN_R_B.to_string()])?;
    r.sysctl("net.ipv4.ip_forward", "1")?;
    for ns in [&r, &b] {
        ns.sysctl("net.ipv4.icmp_ratelimit", "0")?;
        ns.sysctl("net.ipv4.icmp_msgs_per_sec", "100000")?;
    }
    Ok(Chain { a, r, b })
}
