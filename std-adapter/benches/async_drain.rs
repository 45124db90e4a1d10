//! The async receive path (feature `tokio`) on loopback: the 64-byte drain
//! of `socket_path.rs`, on tokio's current-thread runtime.
//!
//! A loopback UDP socket's receive queue is filled with N datagrams first
//! (`SO_RCVBUFFORCE` as root lets it hold them all; the bench checks that
//! none was dropped), then only the receiver taking all N is timed, in ns
//! per datagram (CPU time of the process, and wall time). Modes:
//!
//! * `tokio UdpSocket::recv_from`: tokio's own socket, no control messages;
//! * `AsyncPacketConn::recv_from`, every control message on
//!   (`ControlFlags::all()`: on a loopback datagram without IP options the
//!   kernel writes four, TTL, pktinfo, TOS and the original destination),
//!   each read;
//! * `AsyncPacketConn::recv_from`, no control message (the same work as
//!   tokio's socket: the wrapper's own cost);
//! * blocking `PacketConn::recv_from`, every control message on;
//! * blocking `PacketConn::recv_from`, no control message;
//! * floors, written against libc in this binary: `recvfrom` (what tokio's
//!   `recv_from` calls) and `recvmsg` with a 256-byte control buffer and
//!   `MSG_TRUNC`, no control message on (what the wrappers call);
//! * the floor of any async wrapper with those control messages: tokio's
//!   `AsyncFd`, the same socket options as `ControlFlags::all()`, one
//!   `recvmsg` into an uninitialised buffer and the messages read with the
//!   `CMSG_*` macros, unchecked;
//! * `AsyncPacketConn::recv_from` with the five fields of the first
//!   version of this bench (TTL, TOS, destination, interface, source: three
//!   messages);
//! * `AsyncPacketConn::recv_batch` of 8, 32 and 64, every control message
//!   on, each message read.
//!
//! Modes run round-robin (the starting mode rotates each round) so that
//! machine load hits all alike; the report gives medians, min and max, the
//! ratio of each median to tokio's, and the median of the per-round ratios
//! to tokio's ("paired": the modes of one round ran back to back).
//!
//! Environment: `BENCH_N` (datagrams per drain, default 200000),
//! `BENCH_ROUNDS` (default 7), `BENCH_SIZE` (default 64), `BENCH_MODES`
//! (indices of the modes to run, e.g. `1,7`; tokio's always runs).
//!
//! Run: `taskset -c 1 cargo bench -p ipv4-std --features tokio --bench
//! async_drain` (as root for `SO_RCVBUFFORCE`).

use std::hint::black_box;
use std::io;
use std::mem::{size_of, zeroed};
use std::net::{Ipv4Addr, SocketAddr, SocketAddrV4, UdpSocket};
use std::os::fd::{AsRawFd, RawFd};
use std::time::{Duration, Instant};

use ipv4_std::batch::{RecvBatch, SendBatch, SendMessage};
use ipv4_std::prelude::*;
use ipv4_std::tokio::AsyncPacketConn;
use libc::{c_int, c_void, socklen_t};

fn env(name: &str, default: usize) -> usize {
    std::env::var(name)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

fn set_int(fd: RawFd, level: c_int, name: c_int, value: c_int) -> io::Result<()> {
    // SAFETY: `value` is a live int of the size given.
    let rc = unsafe {
        libc::setsockopt(
            fd,
            level,
            name,
            (&raw const value).cast::<c_void>(),
            size_of::<c_int>() as socklen_t,
        )
    };
    if rc < 0 {
        Err(io::Error::last_os_error())
    } else {
        Ok(())
    }
}

fn v4(s: &UdpSocket) -> SocketAddrV4 {
    match s.local_addr().unwrap() {
        SocketAddr::V4(a) => a,
        SocketAddr::V6(_) => unreachable!(),
    }
}

/// A non-blocking receiver with a queue big enough for N datagrams.
fn receiver(forced: &mut bool) -> UdpSocket {
    let s = UdpSocket::bind((Ipv4Addr::LOCALHOST, 0)).unwrap();
    let fd = s.as_raw_fd();
    if set_int(fd, libc::SOL_SOCKET, libc::SO_RCVBUFFORCE, c_int::MAX / 2).is_err() {
        *forced = false;
        set_int(fd, libc::SOL_SOCKET, libc::SO_RCVBUF, c_int::MAX / 2).unwrap();
    }
    s.set_nonblocking(true).unwrap();
    s
}

/// Fills `to`'s queue with `n` datagrams of `size` bytes (untimed).
fn fill(tx: &UdpSocket, to: SocketAddrV4, n: usize, size: usize) {
    let payload = vec![0xa5u8; size];
    let msgs = vec![SendMessage::new(&payload, Some(to)); 64];
    let conn = PacketConn::new(tx).unwrap();
    let mut batch = SendBatch::with_capacity(64);
    let mut left = n;
    while left > 0 {
        let k = left.min(64);
        left -= conn.send_batch(&mut batch, &msgs[..k]).unwrap();
    }
}

/// Whether nothing is left queued on `s`: a drain that took N datagrams
/// and leaves nothing shows the queue held exactly the N sent (none
/// dropped; a drop would instead leave the drain waiting).
fn queue_empty(s: &UdpSocket) -> bool {
    let mut b = [0u8; 1];
    matches!(s.recv(&mut b), Err(e) if e.kind() == io::ErrorKind::WouldBlock)
}

fn cpu_time() -> Duration {
    // SAFETY: plain C data, filled by the call.
    let mut u: libc::rusage = unsafe { zeroed() };
    // SAFETY: `u` is a live `rusage`.
    let rc = unsafe { libc::getrusage(libc::RUSAGE_SELF, &mut u) };
    assert_eq!(rc, 0);
    let tv = |t: libc::timeval| Duration::new(t.tv_sec as u64, t.tv_usec as u32 * 1000);
    tv(u.ru_utime) + tv(u.ru_stime)
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Mode {
    Tokio,
    AsyncAll,
    AsyncNone,
    BlockingAll,
    BlockingNone,
    LibcRecvfrom,
    LibcRecvmsg,
    FloorAsyncFdAll,
    AsyncFive,
    AsyncBatch(usize),
}

impl Mode {
    fn name(self) -> String {
        match self {
            Mode::Tokio => "tokio UdpSocket::recv_from (no cmsg)".into(),
            Mode::AsyncAll => "AsyncPacketConn::recv_from, all cmsgs".into(),
            Mode::AsyncNone => "AsyncPacketConn::recv_from, no cmsg".into(),
            Mode::BlockingAll => "PacketConn::recv_from (blocking), all cmsgs".into(),
            Mode::BlockingNone => "PacketConn::recv_from (blocking), no cmsg".into(),
            Mode::LibcRecvfrom => "floor: libc recvfrom".into(),
            Mode::LibcRecvmsg => "floor: libc recvmsg, 256 B control, no cmsg".into(),
            Mode::FloorAsyncFdAll => "floor: AsyncFd + libc recvmsg, all cmsgs".into(),
            Mode::AsyncFive => "AsyncPacketConn::recv_from, TTL TOS DST IF SRC".into(),
            Mode::AsyncBatch(k) => format!("AsyncPacketConn::recv_batch {k}, all cmsgs"),
        }
    }
}

/// The control messages of the first version of this bench.
const FIVE: ControlFlags = ControlFlags::TTL
    .union(ControlFlags::TOS)
    .union(ControlFlags::DST)
    .union(ControlFlags::INTERFACE)
    .union(ControlFlags::SRC);

/// Reads what every mode reads of a datagram with control messages.
#[inline(always)]
fn read(acc: &mut u64, d: &Datagram<'_>) {
    let c = &d.control;
    *acc = acc.wrapping_add(
        d.payload.len() as u64
            + u64::from(d.source.port())
            + u64::from(c.ttl.unwrap_or(0))
            + u64::from(c.tos.unwrap_or(0))
            + u64::from(c.if_index.unwrap_or(0))
            + c.dst.map_or(0, |a| u64::from(u32::from(a)))
            + c.orig_dst.map_or(0, |a| u64::from(a.port())),
    );
}

/// Drains `n` datagrams from `s` in `mode`; returns (wall, cpu) seconds.
fn drain(rt: &tokio::runtime::Runtime, mode: Mode, s: UdpSocket, n: usize) -> (f64, f64) {
    let mut acc = 0u64;
    let mut buf = [0u8; 2048];
    let (wall, cpu);
    match mode {
        Mode::Tokio => {
            let t = rt
                .block_on(async { tokio::net::UdpSocket::from_std(s) })
                .unwrap();
            (wall, cpu) = (Instant::now(), cpu_time());
            rt.block_on(async {
                for _ in 0..n {
                    let (len, from) = t.recv_from(&mut buf).await.unwrap();
                    acc = acc.wrapping_add(len as u64 + u64::from(from.port()));
                }
            });
            let s = t.into_std().unwrap();
            assert!(queue_empty(&s));
        }
        Mode::AsyncAll | Mode::AsyncNone | Mode::AsyncFive => {
            let conn = rt.block_on(async { AsyncPacketConn::new(s) }).unwrap();
            let flags = match mode {
                Mode::AsyncFive => FIVE,
                _ => ControlFlags::all(),
            };
            conn.set_control_message(flags, mode != Mode::AsyncNone)
                .unwrap();
            (wall, cpu) = (Instant::now(), cpu_time());
            rt.block_on(async {
                for _ in 0..n {
                    let d = conn.recv_from(&mut buf).await.unwrap();
                    read(&mut acc, &d);
                }
            });
            assert!(queue_empty(conn.get_ref()));
        }
        Mode::LibcRecvfrom | Mode::LibcRecvmsg => {
            let fd = s.as_raw_fd();
            let mut control = [0u8; 256];
            (wall, cpu) = (Instant::now(), cpu_time());
            for _ in 0..n {
                // SAFETY: plain C data; all zeros is a valid address.
                let mut name: libc::sockaddr_in = unsafe { zeroed() };
                let mut len = size_of::<libc::sockaddr_in>() as socklen_t;
                let got = if mode == Mode::LibcRecvfrom {
                    // SAFETY: `buf` and `name` are live for the call, with
                    // the lengths given.
                    unsafe {
                        libc::recvfrom(
                            fd,
                            buf.as_mut_ptr().cast(),
                            buf.len(),
                            0,
                            (&raw mut name).cast(),
                            &mut len,
                        )
                    }
                } else {
                    let mut iov = libc::iovec {
                        iov_base: buf.as_mut_ptr().cast(),
                        iov_len: buf.len(),
                    };
                    // SAFETY: all zeros is a valid empty `msghdr`.
                    let mut msg: libc::msghdr = unsafe { zeroed() };
                    msg.msg_name = (&raw mut name).cast();
                    msg.msg_namelen = len;
                    msg.msg_iov = &mut iov;
                    msg.msg_iovlen = 1;
                    msg.msg_control = control.as_mut_ptr().cast();
                    msg.msg_controllen = control.len();
                    // SAFETY: every pointer in `msg` is live for the call.
                    unsafe { libc::recvmsg(fd, &mut msg, libc::MSG_TRUNC) }
                };
                assert!(got >= 0, "{}", io::Error::last_os_error());
                acc = acc.wrapping_add(got as u64 + u64::from(name.sin_port));
            }
            assert!(queue_empty(&s));
        }
        Mode::FloorAsyncFdAll => {
            // The least any async wrapper with these control messages can
            // do: tokio's AsyncFd, one `recvmsg` into a stack buffer left
            // uninitialised, the three messages read with the CMSG macros
            // (no validation beyond theirs).
            // The socket options `ControlFlags::all()` turns on; on a
            // loopback datagram without IP options four messages come.
            for opt in [
                libc::IP_RECVTTL,
                libc::IP_PKTINFO,
                libc::IP_RECVTOS,
                libc::IP_RECVOPTS,
                libc::IP_RETOPTS,
                libc::IP_CHECKSUM,
                libc::IP_RECVORIGDSTADDR,
            ] {
                set_int(s.as_raw_fd(), libc::IPPROTO_IP, opt, 1).unwrap();
            }
            let io = rt
                // SAFETY: the `AsyncFd` owns the socket, whose descriptor
                // stays open and the same until it is dropped.
                .block_on(async { unsafe { tokio::io::unix::AsyncFd::register(s) } })
                .map_err(io::Error::from)
                .unwrap();
            (wall, cpu) = (Instant::now(), cpu_time());
            rt.block_on(async {
                for _ in 0..n {
                    let got = io
                        .async_io(tokio::io::Interest::READABLE, |s| {
                            recvmsg_all(s.as_raw_fd(), &mut buf)
                        })
                        .await
                        .unwrap();
                    acc = acc.wrapping_add(got);
                }
            });
            assert!(queue_empty(io.get_ref()));
        }
        Mode::BlockingAll | Mode::BlockingNone => {
            let conn = PacketConn::new(s).unwrap();
            conn.set_control_message(ControlFlags::all(), mode == Mode::BlockingAll)
                .unwrap();
            (wall, cpu) = (Instant::now(), cpu_time());
            for _ in 0..n {
                let d = conn.recv_from(&mut buf).unwrap();
                read(&mut acc, &d);
            }
            assert!(queue_empty(conn.get_ref()));
        }
        Mode::AsyncBatch(k) => {
            let conn = rt.block_on(async { AsyncPacketConn::new(s) }).unwrap();
            conn.set_control_message(ControlFlags::all(), true).unwrap();
            let mut batch = RecvBatch::new(vec![[0u8; 2048]; k]);
            (wall, cpu) = (Instant::now(), cpu_time());
            rt.block_on(async {
                let mut got = 0;
                while got < n {
                    got += conn.recv_batch(&mut batch).await.unwrap();
                    for d in &batch {
                        read(&mut acc, &d);
                    }
                }
                assert_eq!(got, n);
            });
            assert!(queue_empty(conn.get_ref()));
        }
    }
    let (wall, cpu) = (
        wall.elapsed().as_secs_f64(),
        (cpu_time() - cpu).as_secs_f64(),
    );
    black_box(acc);
    (wall, cpu)
}

/// One `recvmsg` with TTL, pktinfo, TOS and the original destination
/// read from its control messages,
/// for the floor mode: what it read, summed as `read` sums a `Datagram`.
#[inline(always)]
fn recvmsg_all(fd: RawFd, buf: &mut [u8]) -> io::Result<u64> {
    #[repr(C, align(8))]
    struct Control(std::mem::MaybeUninit<[u8; 256]>);
    let mut control = Control(std::mem::MaybeUninit::uninit());
    // SAFETY: plain C data; all zeros is a valid address.
    let mut name: libc::sockaddr_in = unsafe { zeroed() };
    let mut iov = libc::iovec {
        iov_base: buf.as_mut_ptr().cast(),
        iov_len: buf.len(),
    };
    // SAFETY: all zeros is a valid empty `msghdr`.
    let mut msg: libc::msghdr = unsafe { zeroed() };
    msg.msg_name = (&raw mut name).cast();
    msg.msg_namelen = size_of::<libc::sockaddr_in>() as socklen_t;
    msg.msg_iov = &mut iov;
    msg.msg_iovlen = 1;
    msg.msg_control = control.0.as_mut_ptr().cast();
    msg.msg_controllen = 256;
    // SAFETY: every pointer in `msg` is live for the call; the kernel
    // writes at most `msg_controllen` control bytes.
    let got = unsafe { libc::recvmsg(fd, &mut msg, libc::MSG_TRUNC) };
    if got < 0 {
        return Err(io::Error::last_os_error());
    }
    let mut acc = got as u64 + u64::from(name.sin_port);
    // SAFETY: the CMSG macros walk the `msg_controllen` bytes the kernel
    // wrote; each data pointer is read as the type its level and type say.
    unsafe {
        let mut c = libc::CMSG_FIRSTHDR(&msg);
        while !c.is_null() {
            let data = libc::CMSG_DATA(c);
            match ((*c).cmsg_level, (*c).cmsg_type) {
                (libc::IPPROTO_IP, libc::IP_TTL) => {
                    acc += data.cast::<c_int>().read_unaligned() as u64;
                }
                (libc::IPPROTO_IP, libc::IP_TOS) => acc += u64::from(*data),
                (libc::IPPROTO_IP, libc::IP_PKTINFO) => {
                    let p = data.cast::<libc::in_pktinfo>().read_unaligned();
                    acc += p.ipi_ifindex as u64 + u64::from(u32::from_be(p.ipi_addr.s_addr));
                }
                (libc::IPPROTO_IP, libc::IP_ORIGDSTADDR) => {
                    let a = data.cast::<libc::sockaddr_in>().read_unaligned();
                    acc += u64::from(a.sin_port) + u64::from(a.sin_addr.s_addr);
                }
                _ => {}
            }
            c = libc::CMSG_NXTHDR(&msg, c);
        }
    }
    Ok(acc)
}

fn median(v: &mut [f64]) -> f64 {
    v.sort_by(f64::total_cmp);
    v[v.len() / 2]
}

fn main() {
    // `cargo bench` passes `--bench`; nothing else is taken.
    let n = env("BENCH_N", 200_000);
    let rounds = env("BENCH_ROUNDS", 7);
    let size = env("BENCH_SIZE", 64);
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    let modes = [
        Mode::Tokio,
        Mode::AsyncAll,
        Mode::AsyncNone,
        Mode::BlockingAll,
        Mode::BlockingNone,
        Mode::LibcRecvfrom,
        Mode::LibcRecvmsg,
        Mode::FloorAsyncFdAll,
        Mode::AsyncFive,
        Mode::AsyncBatch(8),
        Mode::AsyncBatch(32),
        Mode::AsyncBatch(64),
    ];
    // `BENCH_MODES=1,2` runs only those modes (indices into `modes`), for
    // a profiler; tokio's (0) stays first, as the ratios need it.
    let picked: Vec<usize> = std::env::var("BENCH_MODES")
        .ok()
        .map(|v| v.split(',').filter_map(|i| i.parse().ok()).collect())
        .unwrap_or_default();
    let active = |m: usize| m == 0 || picked.is_empty() || picked.contains(&m);
    let mut forced = true;
    let tx = UdpSocket::bind((Ipv4Addr::LOCALHOST, 0)).unwrap();
    let mut cpu: Vec<Vec<f64>> = vec![Vec::new(); modes.len()];
    let mut wall: Vec<Vec<f64>> = vec![Vec::new(); modes.len()];
    println!(
        "async drain: N = {n} datagrams of {size} bytes, {rounds} rounds, current-thread runtime"
    );
    for round in 0..rounds {
        for i in 0..modes.len() {
            let m = (i + round) % modes.len();
            if !active(m) {
                continue;
            }
            let rx = receiver(&mut forced);
            fill(&tx, v4(&rx), n, size);
            let (w, c) = drain(&rt, modes[m], rx, n);
            wall[m].push(w * 1e9 / n as f64);
            cpu[m].push(c * 1e9 / n as f64);
        }
    }
    if !forced {
        println!("(not root: SO_RCVBUF only; a drain that loses datagrams hangs or fails)");
    }
    println!(
        "{:<48} {:>10} {:>8} {:>8} {:>10} {:>8} {:>8}",
        "mode (ns/datagram)", "cpu med", "min", "max", "wall med", "ratio", "paired"
    );
    // Per-round ratios to tokio's socket (the modes of one round ran back
    // to back), before the sorting below breaks the pairing.
    let paired: Vec<f64> = (0..modes.len())
        .map(|m| {
            let mut r: Vec<f64> = (0..cpu[m].len()).map(|i| cpu[m][i] / cpu[0][i]).collect();
            if r.is_empty() {
                f64::NAN
            } else {
                median(&mut r)
            }
        })
        .collect();
    let base = median(&mut cpu[0].clone());
    for (m, mode) in modes.iter().enumerate() {
        if cpu[m].is_empty() {
            continue;
        }
        let c = median(&mut cpu[m]);
        let w = median(&mut wall[m]);
        println!(
            "{:<48} {:>10.1} {:>8.1} {:>8.1} {:>10.1} {:>8.3} {:>8.3}",
            mode.name(),
            c,
            cpu[m][0],
            cpu[m][cpu[m].len() - 1],
            w,
            c / base,
            paired[m]
        );
    }
    let ratio = |a: usize, b: usize| median(&mut cpu[a].clone()) / median(&mut cpu[b].clone());
    for (what, a, b) in [
        ("AsyncPacketConn all cmsgs / tokio", 1, 0),
        ("AsyncPacketConn no cmsg / tokio", 2, 0),
        ("AsyncPacketConn all cmsgs / blocking all cmsgs", 1, 3),
        ("AsyncPacketConn no cmsg / blocking no cmsg", 2, 4),
        ("floor: libc recvmsg / libc recvfrom", 6, 5),
        ("floor: AsyncFd recvmsg all cmsgs / tokio", 7, 0),
        ("AsyncPacketConn all cmsgs / AsyncFd floor", 1, 7),
        ("AsyncPacketConn TTL TOS DST IF SRC / tokio", 8, 0),
        ("recv_batch 32 / tokio", 10, 0),
    ] {
        if cpu[a].is_empty() || cpu[b].is_empty() {
            continue;
        }
        println!("{what:<48} {:.3}", ratio(a, b));
    }
}
