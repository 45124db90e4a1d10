//! Private network namespaces for kernel integration tests.
//!
//! Each [`Netns`] is created with `ip netns add` under a unique name and
//! removed again when dropped, panics included. Code runs "inside" a
//! namespace on a thread of its own that first calls `setns(2)`: namespaces
//! are per thread in Linux, so the test's other threads stay where they are.
//!
//! [`VethPair`] joins two fresh namespaces with a veth link and gives both
//! ends an address from 198.51.100.0/24 (TEST-NET-2), so tests can watch what
//! one "host" sends to the other. Nothing here touches the main namespace's
//! interfaces.

use std::fs::File;
use std::io;
use std::net::Ipv4Addr;
use std::os::fd::AsRawFd;
use std::process::Command;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::thread;

/// Returns `true` when the caller may create network namespaces (root with
/// `ip` available); otherwise prints why `test` is skipped and returns
/// `false`.
///
/// ```no_run
/// if !ipv4_tests::netns::can_create("my_test") {
///     return;
/// }
/// ```
pub fn can_create(test: &str) -> bool {
    // SAFETY: geteuid has no preconditions and cannot fail.
    let euid = unsafe { libc::geteuid() };
    if euid != 0 {
        eprintln!("skipping {test}: needs root to create network namespaces (euid {euid})");
        return false;
    }
    match Command::new("ip").arg("-V").output() {
        Ok(out) if out.status.success() => {}
        _ => {
            eprintln!("skipping {test}: the `ip` command (iproute2) is not installed");
            return false;
        }
    }
    match Netns::new() {
        Ok(_) => true,
        Err(e) => {
            eprintln!("skipping {test}: cannot create a network namespace: {e}");
            false
        }
    }
}

/// Whether `nft` (nftables, Debian `nftables`) is installed, for
/// [`Netns::nft`].
pub fn have_nft() -> bool {
    Command::new("nft")
        .arg("--version")
        .output()
        .is_ok_and(|o| o.status.success())
}

fn run(program: &str, args: &[&str]) -> io::Result<()> {
    let out = Command::new(program).args(args).output()?;
    if out.status.success() {
        Ok(())
    } else {
        Err(io::Error::other(format!(
            "`{program} {}` failed: {}",
            args.join(" "),
            String::from_utf8_lossy(&out.stderr).trim()
        )))
    }
}

/// A private network namespace, removed on drop.
#[derive(Debug)]
pub struct Netns {
    name: String,
}

impl Netns {
    /// Creates a namespace with a unique name and brings its loopback up.
    pub fn new() -> io::Result<Netns> {
        static NEXT: AtomicUsize = AtomicUsize::new(0);
        let name = format!(
            "ipv4t-{}-{}",
            std::process::id(),
            NEXT.fetch_add(1, Ordering::Relaxed)
        );
        run("ip", &["netns", "add", &name])?;
        let ns = Netns { name };
        ns.ip(&["link", "set", "lo", "up"])?;
        Ok(ns)
    }

    /// The name `ip netns` knows it by.
    pub fn name(&self) -> &str {
        &self.name
    }

    /// Runs `ip -n <name> <args>`.
    pub fn ip(&self, args: &[&str]) -> io::Result<()> {
        let mut all = vec!["-n", self.name.as_str()];
        all.extend_from_slice(args);
        run("ip", &all)
    }

    /// Sets a sysctl inside the namespace (`ip netns exec <name> sysctl -w`).
    pub fn sysctl(&self, key: &str, value: &str) -> io::Result<()> {
        let kv = format!("{key}={value}");
        run(
            "ip",
            &["netns", "exec", &self.name, "sysctl", "-q", "-w", &kv],
        )
    }

    /// Loads an nftables ruleset into the namespace
    /// (`ip netns exec <name> nft -f -`, the rules on its standard input).
    /// See [`have_nft`] for whether `nft` is installed.
    pub fn nft(&self, rules: &str) -> io::Result<()> {
        use std::io::Write;
        use std::process::Stdio;
        let mut child = Command::new("ip")
            .args(["netns", "exec", &self.name, "nft", "-f", "-"])
            .stdin(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()?;
        if let Some(mut stdin) = child.stdin.take() {
            stdin.write_all(rules.as_bytes())?;
        }
        let out = child.wait_with_output()?;
        if out.status.success() {
            Ok(())
        } else {
            Err(io::Error::other(format!(
                "nft rejected {rules:?}: {}",
                String::from_utf8_lossy(&out.stderr).trim()
            )))
        }
    }

    /// Runs `f` on a new thread that has entered this namespace, and waits
    /// for it. A panic in `f` is propagated to the caller.
    pub fn run<F, R>(&self, f: F) -> R
    where
        F: FnOnce() -> R + Send,
        R: Send,
    {
        let file = self.open();
        thread::scope(|s| {
            let handle = s.spawn(move || {
                enter(&file);
                f()
            });
            match handle.join() {
                Ok(r) => r,
                Err(panic) => std::panic::resume_unwind(panic),
            }
        })
    }

    /// Starts `f` on a new thread inside this namespace without waiting.
    pub fn spawn<F, R>(&self, f: F) -> thread::JoinHandle<R>
    where
        F: FnOnce() -> R + Send + 'static,
        R: Send + 'static,
    {
        let file = self.open();
        thread::spawn(move || {
            enter(&file);
            f()
        })
    }

    /// The index of interface `name` inside this namespace.
    pub fn if_index(&self, name: &str) -> io::Result<u32> {
        self.run(|| ipv4_std::InterfaceRef::from(name).index())
    }

    fn open(&self) -> File {
        let path = format!("/var/run/netns/{}", self.name);
        File::open(&path).unwrap_or_else(|e| panic!("cannot open {path}: {e}"))
    }
}

fn enter(file: &File) {
    // SAFETY: `file` is an open namespace file; setns only changes the
    // calling thread's network namespace.
    let rc = unsafe { libc::setns(file.as_raw_fd(), libc::CLONE_NEWNET) };
    assert_eq!(rc, 0, "setns failed: {}", io::Error::last_os_error());
}

impl Drop for Netns {
    fn drop(&mut self) {
        if let Err(e) = run("ip", &["netns", "del", &self.name]) {
            eprintln!("warning: could not remove namespace {}: {e}", self.name);
        }
    }
}

/// Two namespaces ("hosts") joined by a veth link.
///
/// Host `a` has interface [`VethPair::A_IF`] with [`VethPair::A_ADDR`],
/// host `b` has [`VethPair::B_IF`] with [`VethPair::B_ADDR`], both /24 in
/// 198.51.100.0/24; both links are up. Dropping the pair removes both
/// namespaces, and with them the link.
#[derive(Debug)]
pub struct VethPair {
    /// The first host.
    pub a: Netns,
    /// The second host.
    pub b: Netns,
    /// Interface index of `a`'s end of the link, inside `a`.
    pub a_index: u32,
    /// Interface index of `b`'s end of the link, inside `b`.
    pub b_index: u32,
}

impl VethPair {
    /// Name of host `a`'s interface.
    pub const A_IF: &'static str = "veth-a";
    /// Name of host `b`'s interface.
    pub const B_IF: &'static str = "veth-b";
    /// Host `a`'s address.
    pub const A_ADDR: Ipv4Addr = Ipv4Addr::new(198, 51, 100, 1);
    /// Host `b`'s address.
    pub const B_ADDR: Ipv4Addr = Ipv4Addr::new(198, 51, 100, 2);

    /// Creates both namespaces and the link between them.
    pub fn new() -> io::Result<VethPair> {
        let a = Netns::new()?;
        let b = Netns::new()?;
        a.ip(&[
            "link",
            "add",
            Self::A_IF,
            "type",
            "veth",
            "peer",
            "name",
            Self::B_IF,
            "netns",
            b.name(),
        ])?;
        for (ns, ifname, addr) in [
            (&a, Self::A_IF, Self::A_ADDR),
            (&b, Self::B_IF, Self::B_ADDR),
        ] {
            ns.ip(&["addr", "add", &format!("{addr}/24"), "dev", ifname])?;
            ns.ip(&["link", "set", ifname, "up"])?;
            // Multicast tests address groups through this link by default.
            ns.ip(&["route", "add", "224.0.0.0/4", "dev", ifname])?;
        }
        let a_index = a.if_index(Self::A_IF)?;
        let b_index = b.if_index(Self::B_IF)?;
        Ok(VethPair {
            a,
            b,
            a_index,
            b_index,
        })
    }
}

/// Host – router – host: three namespaces `a`, `r` and `b`, `a` on
/// 198.51.100.0/24 and `b` on 203.0.113.0/24, `r` forwarding between them,
/// the far link (`r-b`/`b-r`) with an MTU of `far_mtu`. `r` and `b` answer
/// every probe with ICMP (no rate limit), so tests can count on each answer.
/// Dropping the chain removes all three namespaces.
#[derive(Debug)]
pub struct RouterChain {
    /// The near host: interface `a-r`, [`RouterChain::A_ADDR`].
    pub a: Netns,
    /// The router: `r-a` with [`RouterChain::R_NEAR`], `r-b` with 203.0.113.1.
    pub r: Netns,
    /// The far host: interface `b-r`, [`RouterChain::B_ADDR`].
    pub b: Netns,
}

impl RouterChain {
    /// Host `a`'s address.
    pub const A_ADDR: Ipv4Addr = Ipv4Addr::new(198, 51, 100, 2);
    /// The router's address on `a`'s link (`a`'s default gateway).
    pub const R_NEAR: Ipv4Addr = Ipv4Addr::new(198, 51, 100, 1);
    /// The router's address on `b`'s link (`b`'s default gateway).
    pub const R_FAR: Ipv4Addr = Ipv4Addr::new(203, 0, 113, 1);
    /// Host `b`'s address.
    pub const B_ADDR: Ipv4Addr = Ipv4Addr::new(203, 0, 113, 2);

    /// Creates the three namespaces and both links.
    pub fn new(far_mtu: u32) -> io::Result<RouterChain> {
        let (a, r, b) = (Netns::new()?, Netns::new()?, Netns::new()?);
        for (from, here, there, to) in [(&a, "a-r", "r-a", &r), (&r, "r-b", "b-r", &b)] {
            from.ip(&[
                "link",
                "add",
                here,
                "type",
                "veth",
                "peer",
                "name",
                there,
                "netns",
                to.name(),
            ])?;
        }
        let mtu = far_mtu.to_string();
        r.ip(&["link", "set", "r-b", "mtu", &mtu])?;
        b.ip(&["link", "set", "b-r", "mtu", &mtu])?;
        for (ns, ifname, addr) in [
            (&a, "a-r", Self::A_ADDR),
            (&r, "r-a", Self::R_NEAR),
            (&r, "r-b", Self::R_FAR),
            (&b, "b-r", Self::B_ADDR),
        ] {
            ns.ip(&["addr", "add", &format!("{addr}/24"), "dev", ifname])?;
            ns.ip(&["link", "set", ifname, "up"])?;
        }
        a.ip(&["route", "add", "default", "via", &Self::R_NEAR.to_string()])?;
        b.ip(&["route", "add", "default", "via", &Self::R_FAR.to_string()])?;
        r.sysctl("net.ipv4.ip_forward", "1")?;
        for ns in [&r, &b] {
            // Every probe must get its answer, however fast they follow.
            ns.sysctl("net.ipv4.icmp_ratelimit", "0")?;
            ns.sysctl("net.ipv4.icmp_msgs_per_sec", "100000")?;
        }
        Ok(RouterChain { a, r, b })
    }
}
