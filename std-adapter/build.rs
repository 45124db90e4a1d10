//! The per-OS facts of the OS layer (`src/sys/`), in one table: for the
//! target being built, the `sys` family module that serves it and the
//! capabilities its kernel has, each set as a `cfg` that the code tests
//! by name (never by a list of `target_os` values). A target with no row
//! gets no `ipv4_std_os`, and the crate is one `compile_error!` there.
//!
//! | cfg | meaning |
//! |---|---|
//! | `ipv4_std_os` | a row exists: the crate has an OS layer here |
//! | `ipv4_std_family = "…"` | the `sys/<family>.rs` module for this OS |
//! | `ipv4_std_mreqn` | `IP_MULTICAST_IF` takes a `struct ip_mreqn` (an interface by index) |
//! | `ipv4_std_mreq_source` | `IP_ADD_SOURCE_MEMBERSHIP` & co. with a `struct ip_mreq_source` |
//! | `ipv4_std_mcast_source` | `MCAST_JOIN_GROUP` & co. with `group_req`/`group_source_req`, including the source calls (else membership is `ip_mreq` only) |
//! | `ipv4_std_group_req_bytes` | `group_req` laid out as bytes by `sys/layouts.rs` (`sys/group_req.rs`), not as a C struct of the family's own |
//! | `ipv4_std_mmsg` | `recvmmsg`/`sendmmsg` (`sys/mmsg.rs`; else `sys/mmsg_loop.rs`) |
//! | `ipv4_std_minttl` | `IP_MINTTL` (RFC 5082 GTSM) |
//! | `ipv4_std_so_protocol` | `SO_PROTOCOL` reads a socket's protocol |
//! | `ipv4_std_ping` | ICMP datagram sockets (`SOCK_DGRAM`, `IPPROTO_ICMP`) without privilege (`ping.rs`) |
//! | `ipv4_std_raw = "…"` | the raw-header byte order: `"wire"` (network order), `"bsd"` (host order, received `ip_len` without the header), or `"osreldate"` (the family module decides at run time) |

/// One OS: its name (`CARGO_CFG_TARGET_OS`, or `apple` for
/// `CARGO_CFG_TARGET_VENDOR`), its family, its capabilities, its raw
/// format.
struct Row {
    os: &'static [&'static str],
    family: &'static str,
    caps: &'static [&'static str],
    raw: &'static str,
}

const MREQN: &str = "mreqn";
const MREQ_SOURCE: &str = "mreq_source";
const MCAST_SOURCE: &str = "mcast_source";
const GROUP_REQ_BYTES: &str = "group_req_bytes";
const MMSG: &str = "mmsg";
const MINTTL: &str = "minttl";
const SO_PROTOCOL: &str = "so_protocol";
const PING: &str = "ping";

/// The table. Adding an OS is one row here (and, for a new family, its
/// `sys/<family>.rs` and `family!` line in `sys/mod.rs`).
#[rustfmt::skip]
const TABLE: &[Row] = &[
    Row { os: &["linux", "android"], family: "linux", raw: "wire",
          caps: &[MREQN, MREQ_SOURCE, MCAST_SOURCE, MMSG, MINTTL, SO_PROTOCOL, PING] },
    Row { os: &["apple"], family: "bsd", raw: "bsd",
          caps: &[MREQN, MREQ_SOURCE, MCAST_SOURCE, GROUP_REQ_BYTES, PING] },
    Row { os: &["freebsd"], family: "bsd", raw: "osreldate",
          caps: &[MREQN, MREQ_SOURCE, MCAST_SOURCE, GROUP_REQ_BYTES, MMSG, MINTTL, SO_PROTOCOL] },
    Row { os: &["netbsd"], family: "bsd", raw: "bsd",
          caps: &[MMSG] },
    Row { os: &["openbsd"], family: "bsd", raw: "wire",
          caps: &[] },
    Row { os: &["dragonfly"], family: "bsd", raw: "bsd",
          caps: &[] },
    Row { os: &["illumos", "solaris"], family: "illumos", raw: "wire",
          caps: &[MREQ_SOURCE, MCAST_SOURCE, GROUP_REQ_BYTES] },
    Row { os: &["windows"], family: "windows", raw: "wire",
          caps: &[MREQ_SOURCE, MCAST_SOURCE, GROUP_REQ_BYTES] },
];

fn main() {
    println!("cargo::rerun-if-changed=build.rs");
    println!("cargo::rustc-check-cfg=cfg(ipv4_std_os)");
    let values = |f: fn(&Row) -> &'static str| {
        let mut v: Vec<_> = TABLE.iter().map(f).map(|s| format!("\"{s}\"")).collect();
        v.sort();
        v.dedup();
        v.join(", ")
    };
    println!(
        "cargo::rustc-check-cfg=cfg(ipv4_std_family, values({}))",
        values(|r| r.family)
    );
    println!(
        "cargo::rustc-check-cfg=cfg(ipv4_std_raw, values({}))",
        values(|r| r.raw)
    );
    let caps = [
        MREQN,
        MREQ_SOURCE,
        MCAST_SOURCE,
        GROUP_REQ_BYTES,
        MMSG,
        MINTTL,
        SO_PROTOCOL,
        PING,
    ];
    for cap in caps {
        println!("cargo::rustc-check-cfg=cfg(ipv4_std_{cap})");
    }

    // The source calls take the interface by address (`ip_mreq_source`) or
    // by index (`group_source_req`): `mcast_source` needs both.
    for row in TABLE {
        assert!(
            !row.caps.contains(&MCAST_SOURCE) || row.caps.contains(&MREQ_SOURCE),
            "{:?}: {MCAST_SOURCE} without {MREQ_SOURCE}",
            row.os
        );
    }

    let os = std::env::var("CARGO_CFG_TARGET_OS").unwrap_or_default();
    let vendor = std::env::var("CARGO_CFG_TARGET_VENDOR").unwrap_or_default();
    let Some(row) = TABLE
        .iter()
        .find(|r| r.os.iter().any(|&name| name == os || name == vendor))
    else {
        return;
    };
    println!("cargo::rustc-cfg=ipv4_std_os");
    println!("cargo::rustc-cfg=ipv4_std_family=\"{}\"", row.family);
    println!("cargo::rustc-cfg=ipv4_std_raw=\"{}\"", row.raw);
    for cap in row.caps {
        println!("cargo::rustc-cfg=ipv4_std_{cap}");
    }
}
