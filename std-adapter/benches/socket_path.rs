//! The socket path on loopback, measured against the kernel's floor.
//!
//! Drain (the primary figure): a loopback UDP socket's receive queue is
//! filled with N datagrams first (`SO_RCVBUFFORCE` as root lets it hold
//! them all), then only the receiver emptying it is timed, in ns/packet.
//! Modes: std `UdpSocket::recv_from`; `PacketConn::recv_from` with every
//! control message on; `recv_batch` of 8, 32 and 64; and, as the floor, the
//! same written directly against libc in this binary (`recvfrom`,
//! `recvmsg` with a hand-walked cmsg loop, `recvmmsg`). Optionally Go's
//! `ipv4.PacketConn.ReadFrom`/`ReadBatch`, run as a subprocess from
//! `benches/go/` (set `BENCH_GO` to its binary).
//!
//! Send: N datagrams sent as fast as possible (the receiver's queue absorbs
//! them untimed): std `send_to`, `PacketConn::send_to` and `send_batch`
//! with a per-datagram control message, against libc `sendto`, `sendmsg`
//! and `sendmmsg` with the same control bytes.
//!
//! Live: a sender and a receiver thread for a fixed time, packets/s
//! received.
//!
//! Modes run round-robin, each next to the floor it is compared with
//! (ours, floor; the pairs' order rotates each round and the pair runs in
//! the other order every other round), so that machine load hits all alike
//! and each pair alike; the report gives medians, min and max, and for each
//! comparison both the ratio of the medians and the median of the
//! per-round ratios (each taken within seconds, so slow changes in the
//! machine's speed cancel).
//!
//! Environment: `BENCH_N` (datagrams per drain, default 200000),
//! `BENCH_ROUNDS` (default 5), `BENCH_SIZES` (default `64,1400`),
//! `BENCH_LIVE_MS` (default 500; 0 skips), `BENCH_GO` (path of the Go
//! harness binary; unset skips Go).
//!
//! Run: `cargo bench -p ipv4-std --bench socket_path` (as root for
//! `SO_RCVBUFFORCE`).

// The floors are written against Linux's libc (`recvmmsg`, `SO_RCVBUFFORCE`):
// elsewhere the bench is a stub that says so (the macro keeps the code below
// unindented).
#[cfg(not(any(target_os = "linux", target_os = "android")))]
fn main() {
    eprintln!("the socket-path bench runs on Linux only");
}

#[cfg(any(target_os = "linux", target_os = "android"))]
macro_rules! linux_only {
    ($($item:item)*) => { $($item)* };
}

#[cfg(any(target_os = "linux", target_os = "android"))]
linux_only! {
use ipv4_std::prelude::*;
use std::hint::black_box;
use std::io;
use std::mem::{size_of, zeroed};
use std::net::{Ipv4Addr, SocketAddr, SocketAddrV4, UdpSocket};
use std::os::fd::{AsRawFd, RawFd};
use std::process::Command;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use ipv4_std::batch::{RecvBatch, SendBatch, SendMessage};
use ipv4_std::{ControlFlags, ControlMessage, PacketConn};
use libc::{c_int, c_void, socklen_t};

const BATCHES: [usize; 3] = [8, 32, 64];
/// The control message every control-carrying send mode attaches.
const SEND_CM: ControlMessage = ControlMessage {
    ttl: Some(64),
    src: None,
    dst: None,
    if_index: None,
    tos: Some(0),
    options: None,
    return_options: None,
    checksum: None,
    orig_dst: None,
    frag_size: None,
};

fn env(name: &str, default: usize) -> usize {
    std::env::var(name)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

fn check(rc: c_int, what: &str) {
    if rc < 0 {
        panic!("{what}: {}", io::Error::last_os_error());
    }
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

fn sockaddr(a: SocketAddrV4) -> libc::sockaddr_in {
    libc::sockaddr_in {
        sin_family: libc::AF_INET as libc::sa_family_t,
        sin_port: a.port().to_be(),
        sin_addr: libc::in_addr {
            s_addr: u32::from(*a.ip()).to_be(),
        },
        sin_zero: [0; 8],
    }
}

/// A receiver with a queue big enough for `n` datagrams, non-blocking, with
/// every control message on or off.
fn receiver(all_flags: bool, forced: &mut bool) -> UdpSocket {
    let s = UdpSocket::bind((Ipv4Addr::LOCALHOST, 0)).unwrap();
    let fd = s.as_raw_fd();
    // The kernel doubles the value and caps it at INT_MAX.
    if set_int(fd, libc::SOL_SOCKET, libc::SO_RCVBUFFORCE, c_int::MAX / 2).is_err() {
        *forced = false;
        set_int(fd, libc::SOL_SOCKET, libc::SO_RCVBUF, c_int::MAX / 2).unwrap();
    }
    s.set_nonblocking(true).unwrap();
    if all_flags {
        PacketConn::new(&s)
            .unwrap()
            .set_control_message(ControlFlags::all(), true)
            .unwrap();
    }
    s
}

/// Fills `to`'s queue with `n` datagrams of `size` bytes (untimed), with
/// `sendmmsg` batches of 64.
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

/// What every mode reads of each datagram, summed so that nothing is
/// optimised away: length, source port, TTL, TOS, interface, destination.
#[derive(Default)]
struct Acc(u64);

impl Acc {
    #[inline(always)]
    fn add(&mut self, v: u64) {
        self.0 = self.0.wrapping_add(v);
    }
}

/// CPU time (user + system) this process has used, from `getrusage`:
/// unlike the wall clock, it does not count the time the process waited
/// for a CPU that other work on the machine held.
fn cpu_time() -> Duration {
    // SAFETY: plain C data, filled by the call.
    let mut u: libc::rusage = unsafe { zeroed() };
    // SAFETY: `u` is a live `rusage`.
    check(
        unsafe { libc::getrusage(libc::RUSAGE_SELF, &mut u) },
        "getrusage",
    );
    let tv = |t: libc::timeval| Duration::new(t.tv_sec as u64, t.tv_usec as u32 * 1000);
    tv(u.ru_utime) + tv(u.ru_stime)
}

/// Wall and CPU time of one timed section.
#[derive(Clone, Copy)]
struct Timed {
    wall: f64,
    cpu: f64,
}

fn timed(f: impl FnOnce()) -> Timed {
    let (wall, cpu) = (Instant::now(), cpu_time());
    f();
    Timed {
        wall: wall.elapsed().as_secs_f64(),
        cpu: (cpu_time() - cpu).as_secs_f64(),
    }
}

fn would_block(e: &io::Error) -> bool {
    e.kind() == io::ErrorKind::WouldBlock
}

// ---------------------------------------------------------------- receive

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Drain {
    StdRecvFrom,
    PacketConnRecvFrom,
    RecvBatch(usize),
    LibcRecvfrom,
    LibcRecvmsg,
    LibcRecvmmsg(usize),
    GoReadFrom,
    GoReadBatch(usize),
}

impl Drain {
    fn name(self) -> String {
        match self {
            Drain::StdRecvFrom => "(a) std UdpSocket::recv_from".into(),
            Drain::PacketConnRecvFrom => "(b) PacketConn::recv_from, all flags".into(),
            Drain::RecvBatch(k) => format!("(c) recv_batch {k}, all flags"),
            Drain::LibcRecvfrom => "floor: libc recvfrom".into(),
            Drain::LibcRecvmsg => "floor: libc recvmsg + cmsg walk, all flags".into(),
            Drain::LibcRecvmmsg(k) => format!("floor: libc recvmmsg {k} + cmsg walk, all flags"),
            Drain::GoReadFrom => "Go ipv4.PacketConn.ReadFrom, all Go flags".into(),
            Drain::GoReadBatch(k) => format!("Go ipv4.PacketConn.ReadBatch {k}, all Go flags"),
        }
    }

    fn all_flags(self) -> bool {
        !matches!(self, Drain::StdRecvFrom | Drain::LibcRecvfrom)
    }
}

/// Drains `rx` until it would block, or until at least `limit` datagrams
/// were read; returns the datagrams read.
fn drain(mode: Drain, rx: &UdpSocket, size: usize, limit: usize, acc: &mut Acc) -> usize {
    let mut count = 0;
    match mode {
        Drain::StdRecvFrom => {
            let mut buf = vec![0u8; size.max(1) + 64];
            while count < limit {
                match rx.recv_from(&mut buf) {
                    Ok((n, from)) => {
                        acc.add(n as u64 + u64::from(from.port()));
                        count += 1;
                    }
                    Err(e) if would_block(&e) => break,
                    Err(e) => panic!("{e}"),
                }
            }
        }
        Drain::PacketConnRecvFrom => {
            let conn = PacketConn::new(rx).unwrap();
            let mut buf = vec![0u8; size.max(1) + 64];
            while count < limit {
                match conn.recv_from(&mut buf) {
                    Ok(d) => {
                        acc.add(d.payload.len() as u64 + u64::from(d.source.port()));
                        acc.add(control_sum(&d.control));
                        count += 1;
                    }
                    Err(e) if would_block(&e) => break,
                    Err(e) => panic!("{e}"),
                }
            }
        }
        Drain::RecvBatch(k) => {
            let conn = PacketConn::new(rx).unwrap();
            let mut batch = RecvBatch::new(vec![vec![0u8; size.max(1) + 64]; k]);
            while count < limit {
                match conn.recv_batch(&mut batch) {
                    Ok(_) => {
                        for m in &batch {
                            acc.add(m.payload.len() as u64 + u64::from(m.source.port()));
                            acc.add(control_sum(&m.control));
                            count += 1;
                        }
                    }
                    Err(e) if would_block(&e) => break,
                    Err(e) => panic!("{e}"),
                }
            }
        }
        Drain::LibcRecvfrom => count = libc_recvfrom(rx.as_raw_fd(), size, limit, acc),
        Drain::LibcRecvmsg => count = libc_recvmsg(rx.as_raw_fd(), size, limit, acc),
        Drain::LibcRecvmmsg(k) => count = libc_recvmmsg(rx.as_raw_fd(), size, k, limit, acc),
        Drain::GoReadFrom | Drain::GoReadBatch(_) => unreachable!("run as a subprocess"),
    }
    count
}

#[inline(always)]
fn control_sum(cm: &ControlMessage) -> u64 {
    u64::from(cm.ttl.unwrap_or(0))
        + u64::from(cm.tos.unwrap_or(0))
        + u64::from(cm.if_index.unwrap_or(0))
        + u64::from(cm.dst.map_or(0, u32::from))
        + u64::from(cm.src.map_or(0, u32::from))
}

fn libc_recvfrom(fd: RawFd, size: usize, limit: usize, acc: &mut Acc) -> usize {
    let mut buf = vec![0u8; size.max(1) + 64];
    let mut count = 0;
    while count < limit {
        // SAFETY: plain C data.
        let mut name: libc::sockaddr_in = unsafe { zeroed() };
        let mut len = size_of::<libc::sockaddr_in>() as socklen_t;
        // SAFETY: `buf`, `name` and `len` are live for the call with the
        // sizes given.
        let n = unsafe {
            libc::recvfrom(
                fd,
                buf.as_mut_ptr().cast(),
                buf.len(),
                0,
                (&raw mut name).cast(),
                &mut len,
            )
        };
        if n < 0 {
            let e = io::Error::last_os_error();
            assert!(would_block(&e), "{e}");
            break;
        }
        acc.add(n as u64 + u64::from(u16::from_be(name.sin_port)));
        count += 1;
    }
    count
}

/// Walks the control messages of `msg` with the libc macros, as a C
/// program would, and sums what a `ControlMessage` holds.
///
/// # Safety
///
/// `msg` must describe a control buffer the kernel just filled.
#[inline(always)]
unsafe fn walk_cmsgs(msg: &libc::msghdr, src: &libc::sockaddr_in) -> u64 {
    let mut sum = u64::from(u32::from_be(src.sin_addr.s_addr));
    // SAFETY: per the contract, the CMSG_* macros stay within the buffer.
    unsafe {
        let mut c = libc::CMSG_FIRSTHDR(msg);
        while !c.is_null() {
            let data = libc::CMSG_DATA(c);
            if (*c).cmsg_level == libc::IPPROTO_IP {
                match (*c).cmsg_type {
                    libc::IP_TTL => sum += data.cast::<c_int>().read_unaligned() as u64,
                    libc::IP_TOS => sum += u64::from(*data),
                    libc::IP_PKTINFO => {
                        let p = data.cast::<libc::in_pktinfo>().read_unaligned();
                        sum += p.ipi_ifindex as u64 + u64::from(u32::from_be(p.ipi_addr.s_addr));
                    }
                    _ => {}
                }
            }
            c = libc::CMSG_NXTHDR(msg, c);
        }
    }
    sum
}

/// `CMSG_SPACE` of IP_TTL (int), IP_PKTINFO and IP_TOS: the control buffer
/// size for every flag, as `ipv4_std::cmsg::space` computes it.
const CONTROL_SPACE: usize = ipv4_std::cmsg::space(ControlFlags::all());

#[repr(C, align(8))]
#[derive(Clone, Copy)]
struct Control([u8; 128]);

fn libc_recvmsg(fd: RawFd, size: usize, limit: usize, acc: &mut Acc) -> usize {
    let mut buf = vec![0u8; size.max(1) + 64];
    let mut control = Control([0; 128]);
    // SAFETY: plain C data.
    let mut name: libc::sockaddr_in = unsafe { zeroed() };
    let mut iov = libc::iovec {
        iov_base: buf.as_mut_ptr().cast(),
        iov_len: buf.len(),
    };
    // SAFETY: plain C data.
    let mut msg: libc::msghdr = unsafe { zeroed() };
    let mut count = 0;
    while count < limit {
        msg.msg_name = (&raw mut name).cast();
        msg.msg_namelen = size_of::<libc::sockaddr_in>() as socklen_t;
        msg.msg_iov = &mut iov;
        msg.msg_iovlen = 1;
        msg.msg_control = control.0.as_mut_ptr().cast();
        msg.msg_controllen = CONTROL_SPACE as _;
        msg.msg_flags = 0;
        // SAFETY: every pointer in `msg` is live for the call.
        let n = unsafe { libc::recvmsg(fd, &mut msg, 0) };
        if n < 0 {
            let e = io::Error::last_os_error();
            assert!(would_block(&e), "{e}");
            break;
        }
        acc.add(n as u64 + u64::from(u16::from_be(name.sin_port)));
        // SAFETY: the kernel just filled the control buffer.
        acc.add(unsafe { walk_cmsgs(&msg, &name) });
        count += 1;
    }
    count
}

fn libc_recvmmsg(fd: RawFd, size: usize, k: usize, limit: usize, acc: &mut Acc) -> usize {
    let mut bufs = vec![vec![0u8; size.max(1) + 64]; k];
    let mut controls = vec![Control([0; 128]); k];
    // SAFETY: plain C data.
    let mut names: Vec<libc::sockaddr_in> = vec![unsafe { zeroed() }; k];
    let mut iovs: Vec<libc::iovec> = bufs
        .iter_mut()
        .map(|b| libc::iovec {
            iov_base: b.as_mut_ptr().cast(),
            iov_len: b.len(),
        })
        .collect();
    // SAFETY: plain C data.
    let mut hdrs: Vec<libc::mmsghdr> = (0..k).map(|_| unsafe { zeroed() }).collect();
    for i in 0..k {
        let m = &mut hdrs[i].msg_hdr;
        m.msg_name = (&raw mut names[i]).cast();
        m.msg_iov = &mut iovs[i];
        m.msg_iovlen = 1;
        m.msg_control = controls[i].0.as_mut_ptr().cast();
    }
    let mut count = 0;
    while count < limit {
        for h in &mut hdrs {
            h.msg_len = 0;
            h.msg_hdr.msg_namelen = size_of::<libc::sockaddr_in>() as socklen_t;
            h.msg_hdr.msg_controllen = CONTROL_SPACE as _;
            h.msg_hdr.msg_flags = 0;
        }
        // SAFETY: every header points to live buffers of the sizes given.
        let n = unsafe {
            libc::recvmmsg(
                fd,
                hdrs.as_mut_ptr(),
                k as _,
                libc::MSG_WAITFORONE,
                std::ptr::null_mut(),
            )
        };
        if n < 0 {
            let e = io::Error::last_os_error();
            assert!(would_block(&e), "{e}");
            break;
        }
        for i in 0..n as usize {
            let h = &hdrs[i];
            acc.add(u64::from(h.msg_len) + u64::from(u16::from_be(names[i].sin_port)));
            // SAFETY: the kernel just filled this control buffer.
            acc.add(unsafe { walk_cmsgs(&h.msg_hdr, &names[i]) });
        }
        count += n as usize;
    }
    count
}

/// Runs the Go harness for one drain; returns the datagrams drained and
/// the time it took.
fn go_drain(go: &str, mode: Drain, n: usize, size: usize) -> (usize, Timed) {
    let (m, k) = match mode {
        Drain::GoReadFrom => ("readfrom", 1),
        Drain::GoReadBatch(k) => ("readbatch", k),
        _ => unreachable!(),
    };
    let out = Command::new(go)
        .args([
            "-mode",
            m,
            "-batch",
            &k.to_string(),
            "-n",
            &n.to_string(),
            "-size",
            &size.to_string(),
        ])
        .output()
        .expect("run the Go harness");
    assert!(
        out.status.success(),
        "Go harness failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let text = String::from_utf8_lossy(&out.stdout);
    // "count=N ns=T cpu_ns=C acc=…"
    let mut count = 0;
    let (mut ns, mut cpu_ns) = (0f64, 0f64);
    for field in text.split_whitespace() {
        if let Some(v) = field.strip_prefix("count=") {
            count = v.parse().unwrap();
        } else if let Some(v) = field.strip_prefix("cpu_ns=") {
            cpu_ns = v.parse().unwrap();
        } else if let Some(v) = field.strip_prefix("ns=") {
            ns = v.parse().unwrap();
        }
    }
    (
        count,
        Timed {
            wall: ns / 1e9,
            cpu: cpu_ns / 1e9,
        },
    )
}

// ------------------------------------------------------------------- send

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum SendMode {
    StdSendTo,
    PacketConnSendTo,
    SendBatch(usize),
    LibcSendto,
    LibcSendmsg,
    LibcSendmmsg(usize),
}

impl SendMode {
    fn name(self) -> String {
        match self {
            SendMode::StdSendTo => "(a) std UdpSocket::send_to".into(),
            SendMode::PacketConnSendTo => "(b) PacketConn::send_to, TTL+TOS cm".into(),
            SendMode::SendBatch(k) => format!("(c) send_batch {k}, TTL+TOS cm"),
            SendMode::LibcSendto => "floor: libc sendto".into(),
            SendMode::LibcSendmsg => "floor: libc sendmsg, TTL+TOS cmsg".into(),
            SendMode::LibcSendmmsg(k) => format!("floor: libc sendmmsg {k}, TTL+TOS cmsg"),
        }
    }
}

/// The control bytes of `SEND_CM`, encoded once (as a C sender would keep
/// them).
fn send_control() -> (Control, usize) {
    let mut c = Control([0; 128]);
    let n = ipv4_std::cmsg::encode(&SEND_CM, &mut c.0).unwrap();
    (c, n)
}

fn send(mode: SendMode, tx: &UdpSocket, to: SocketAddrV4, n: usize, size: usize) {
    let payload = vec![0x5au8; size];
    match mode {
        SendMode::StdSendTo => {
            for _ in 0..n {
                tx.send_to(&payload, to).unwrap();
            }
        }
        SendMode::PacketConnSendTo => {
            let conn = PacketConn::new(tx).unwrap();
            for _ in 0..n {
                conn.send_to(&payload, Some(&SEND_CM), to).unwrap();
            }
        }
        SendMode::SendBatch(k) => {
            let conn = PacketConn::new(tx).unwrap();
            let msgs = vec![SendMessage::new(&payload, Some(to)).with_control(SEND_CM); k];
            let mut batch = SendBatch::with_capacity(k);
            let mut left = n;
            while left > 0 {
                left -= conn.send_batch(&mut batch, &msgs[..left.min(k)]).unwrap();
            }
        }
        SendMode::LibcSendto => {
            let name = sockaddr(to);
            for _ in 0..n {
                // SAFETY: `payload` and `name` are live for the call.
                let rc = unsafe {
                    libc::sendto(
                        tx.as_raw_fd(),
                        payload.as_ptr().cast(),
                        payload.len(),
                        0,
                        (&raw const name).cast(),
                        size_of::<libc::sockaddr_in>() as socklen_t,
                    )
                };
                check(rc as c_int, "sendto");
            }
        }
        SendMode::LibcSendmsg => {
            let (mut control, control_len) = send_control();
            let mut name = sockaddr(to);
            let mut iov = libc::iovec {
                iov_base: payload.as_ptr().cast_mut().cast(),
                iov_len: payload.len(),
            };
            // SAFETY: plain C data.
            let mut msg: libc::msghdr = unsafe { zeroed() };
            msg.msg_name = (&raw mut name).cast();
            msg.msg_namelen = size_of::<libc::sockaddr_in>() as socklen_t;
            msg.msg_iov = &mut iov;
            msg.msg_iovlen = 1;
            msg.msg_control = control.0.as_mut_ptr().cast();
            msg.msg_controllen = control_len as _;
            for _ in 0..n {
                // SAFETY: every pointer in `msg` is live for the call.
                let rc = unsafe { libc::sendmsg(tx.as_raw_fd(), &msg, 0) };
                check(rc as c_int, "sendmsg");
            }
        }
        SendMode::LibcSendmmsg(k) => {
            let (control, control_len) = send_control();
            let mut controls = vec![control; k];
            let mut names = vec![sockaddr(to); k];
            let mut iovs = vec![
                libc::iovec {
                    iov_base: payload.as_ptr().cast_mut().cast(),
                    iov_len: payload.len(),
                };
                k
            ];
            // SAFETY: plain C data.
            let mut hdrs: Vec<libc::mmsghdr> = (0..k).map(|_| unsafe { zeroed() }).collect();
            for i in 0..k {
                let m = &mut hdrs[i].msg_hdr;
                m.msg_name = (&raw mut names[i]).cast();
                m.msg_namelen = size_of::<libc::sockaddr_in>() as socklen_t;
                m.msg_iov = &mut iovs[i];
                m.msg_iovlen = 1;
                m.msg_control = controls[i].0.as_mut_ptr().cast();
                m.msg_controllen = control_len as _;
            }
            let mut left = n;
            while left > 0 {
                let want = left.min(k);
                // SAFETY: every header points to live buffers.
                let rc = unsafe { libc::sendmmsg(tx.as_raw_fd(), hdrs.as_mut_ptr(), want as _, 0) };
                check(rc, "sendmmsg");
                left -= rc as usize;
            }
        }
    }
}

/// Empties `rx` without timing it.
fn discard(rx: &UdpSocket) -> usize {
    let mut acc = Acc::default();
    libc_recvmmsg(rx.as_raw_fd(), 1500, 64, usize::MAX, &mut acc)
}

// ------------------------------------------------------------------- live

#[derive(Clone, Copy, Debug)]
enum Live {
    Std,
    PacketConn,
    Batch(usize),
    LibcMmsg(usize),
}

impl Live {
    fn name(self) -> String {
        match self {
            Live::Std => "std send_to → std recv_from".into(),
            Live::PacketConn => "PacketConn send_to → PacketConn recv_from, all flags".into(),
            Live::Batch(k) => format!("send_batch {k} → recv_batch {k}, all flags"),
            Live::LibcMmsg(k) => format!("floor: libc sendmmsg {k} → recvmmsg {k} + cmsg walk"),
        }
    }
}

/// Runs a sender and a receiver thread for `time`; returns packets/s
/// received.
fn live(mode: Live, size: usize, time: Duration) -> f64 {
    let mut forced = true;
    let rx = receiver(!matches!(mode, Live::Std), &mut forced);
    // A bounded queue: the live figure is about the steady pair.
    set_int(rx.as_raw_fd(), libc::SOL_SOCKET, libc::SO_RCVBUF, 4 << 20).unwrap();
    rx.set_nonblocking(false).unwrap();
    rx.set_read_timeout(Some(Duration::from_millis(20)))
        .unwrap();
    let to = v4(&rx);
    let stop = Arc::new(AtomicBool::new(false));
    let sender = {
        let stop = Arc::clone(&stop);
        std::thread::spawn(move || {
            let tx = UdpSocket::bind((Ipv4Addr::LOCALHOST, 0)).unwrap();
            while !stop.load(Ordering::Relaxed) {
                let chunk = 1024;
                match mode {
                    Live::Std => send(SendMode::StdSendTo, &tx, to, chunk, size),
                    Live::PacketConn => send(SendMode::PacketConnSendTo, &tx, to, chunk, size),
                    Live::Batch(k) => send(SendMode::SendBatch(k), &tx, to, chunk, size),
                    Live::LibcMmsg(k) => send(SendMode::LibcSendmmsg(k), &tx, to, chunk, size),
                }
            }
        })
    };
    let mut acc = Acc::default();
    let start = Instant::now();
    let mut received = 0usize;
    let drain_mode = match mode {
        Live::Std => Drain::StdRecvFrom,
        Live::PacketConn => Drain::PacketConnRecvFrom,
        Live::Batch(k) => Drain::RecvBatch(k),
        Live::LibcMmsg(k) => Drain::LibcRecvmmsg(k),
    };
    while start.elapsed() < time {
        // Each drain returns after 4096 datagrams, or when 20 ms pass
        // without one.
        received += drain(drain_mode, &rx, size, 4096, &mut acc);
    }
    let secs = start.elapsed().as_secs_f64();
    stop.store(true, Ordering::Relaxed);
    sender.join().unwrap();
    black_box(acc.0);
    received as f64 / secs
}

// ----------------------------------------------------------------- report

/// Per-packet samples of one mode, one per round.
struct Samples {
    name: String,
    cpu: Vec<f64>,
    wall: Vec<f64>,
}

fn median(v: &[f64]) -> f64 {
    let mut v = v.to_vec();
    v.sort_by(f64::total_cmp);
    match v.len() {
        0 => f64::NAN,
        n if n % 2 == 1 => v[n / 2],
        n => (v[n / 2 - 1] + v[n / 2]) / 2.0,
    }
}

fn min(v: &[f64]) -> f64 {
    v.iter().copied().fold(f64::INFINITY, f64::min)
}

fn max(v: &[f64]) -> f64 {
    v.iter().copied().fold(0.0, f64::max)
}

impl Samples {
    fn new(name: String) -> Samples {
        Samples {
            name,
            cpu: Vec::new(),
            wall: Vec::new(),
        }
    }

    fn push(&mut self, t: Timed, packets: usize) {
        let per = |s: f64| s * 1e9 / packets.max(1) as f64;
        self.cpu.push(per(t.cpu));
        self.wall.push(per(t.wall));
    }
}

fn print_table(title: &str, rows: &[Samples]) {
    println!("\n#### {title}\n");
    println!("| mode | CPU ns/packet: median | min | max | wall ns/packet: median | min | max |");
    println!("|---|---:|---:|---:|---:|---:|---:|");
    for r in rows {
        println!(
            "| {} | {:.0} | {:.0} | {:.0} | {:.0} | {:.0} | {:.0} |",
            r.name,
            median(&r.cpu),
            min(&r.cpu),
            max(&r.cpu),
            median(&r.wall),
            min(&r.wall),
            max(&r.wall)
        );
    }
}

/// The order of the modes in `round`: modes 0 and 1, 2 and 3, ... are
/// pairs (a mode and its floor) that always run back to back; the pairs'
/// order rotates by one each round, and in odd rounds each pair runs
/// floor first.
fn schedule(round: usize, modes: usize) -> Vec<usize> {
    let pairs = modes.div_ceil(2);
    let mut order = Vec::with_capacity(modes);
    for p in 0..pairs {
        let first = 2 * ((p + round) % pairs);
        let mut pair: Vec<usize> = (first..(first + 2).min(modes)).collect();
        if round % 2 == 1 {
            pair.reverse();
        }
        order.extend(pair);
    }
    order
}

/// Prints, for each `(label, a, b)`, the ratio of the medians `a / b` and
/// the median of the per-round ratios `a[i] / b[i]`.
fn print_ratios(rows: &[Samples], pairs: &[(String, String, String)]) {
    println!(
        "\n| ratio | CPU time: of medians | median of per-round | wall time: of medians |\n\
         |---|---:|---:|---:|"
    );
    for (label, a, b) in pairs {
        let find = |name: &str| rows.iter().find(|r| r.name == name);
        match (find(a), find(b)) {
            (Some(a), Some(b)) => {
                let per_round: Vec<f64> = a.cpu.iter().zip(&b.cpu).map(|(x, y)| x / y).collect();
                println!(
                    "| {label} | {:.3} | {:.3} | {:.3} |",
                    median(&a.cpu) / median(&b.cpu),
                    median(&per_round),
                    median(&a.wall) / median(&b.wall)
                )
            }
            _ => println!("| {label} | n/a | n/a | n/a |"),
        }
    }
}

fn pair(label: impl Into<String>, a: String, b: String) -> (String, String, String) {
    (label.into(), a, b)
}

fn main() {
    let n = env("BENCH_N", 200_000);
    let rounds = env("BENCH_ROUNDS", 5);
    let live_ms = env("BENCH_LIVE_MS", 500);
    let sizes: Vec<usize> = std::env::var("BENCH_SIZES")
        .unwrap_or_else(|_| "64,1400".into())
        .split(',')
        .filter_map(|s| s.trim().parse().ok())
        .collect();
    let go = std::env::var("BENCH_GO").ok();

    let mut forced = true;
    let rx_plain = receiver(false, &mut forced);
    let rx_all = receiver(true, &mut forced);
    if !forced {
        eprintln!("note: SO_RCVBUFFORCE refused (not root?); the queue may not hold {n} datagrams");
    }
    let tx = UdpSocket::bind((Ipv4Addr::LOCALHOST, 0)).unwrap();
    let tx_sink = receiver(false, &mut forced);

    // Each mode next to its floor: `schedule` keeps the pairs together.
    let mut drains = vec![
        Drain::StdRecvFrom,
        Drain::LibcRecvfrom,
        Drain::PacketConnRecvFrom,
        Drain::LibcRecvmsg,
    ];
    drains.extend(BATCHES.into_iter().flat_map(|k| [Drain::RecvBatch(k), Drain::LibcRecvmmsg(k)]));
    if go.is_some() {
        drains.push(Drain::GoReadFrom);
        drains.extend(BATCHES.map(Drain::GoReadBatch));
    }
    let mut sends = vec![
        SendMode::StdSendTo,
        SendMode::LibcSendto,
        SendMode::PacketConnSendTo,
        SendMode::LibcSendmsg,
    ];
    sends.extend(
        BATCHES
            .into_iter()
            .flat_map(|k| [SendMode::SendBatch(k), SendMode::LibcSendmmsg(k)]),
    );

    println!(
        "socket_path: N = {n} datagrams per drain/send, {rounds} rounds, sizes {sizes:?}, Go harness: {}",
        go.as_deref().unwrap_or("not run")
    );
    for &size in &sizes {
        let mut drain_rows: Vec<Samples> = drains.iter().map(|d| Samples::new(d.name())).collect();
        let mut send_rows: Vec<Samples> = sends.iter().map(|s| Samples::new(s.name())).collect();
        let mut lost = 0usize;
        for round in 0..rounds {
            for i in schedule(round, drains.len()) {
                let mode = drains[i];
                let (count, t) = match mode {
                    Drain::GoReadFrom | Drain::GoReadBatch(_) => {
                        go_drain(go.as_deref().unwrap(), mode, n, size)
                    }
                    _ => {
                        let rx = if mode.all_flags() { &rx_all } else { &rx_plain };
                        fill(&tx, v4(rx), n, size);
                        let mut acc = Acc::default();
                        let mut count = 0;
                        let t = timed(|| count = drain(mode, rx, size, usize::MAX, &mut acc));
                        black_box(acc.0);
                        (count, t)
                    }
                };
                lost += n.saturating_sub(count);
                drain_rows[i].push(t, count);
            }
            for i in schedule(round, sends.len()) {
                let t = timed(|| send(sends[i], &tx, v4(&tx_sink), n, size));
                lost += n.saturating_sub(discard(&tx_sink));
                send_rows[i].push(t, n);
            }
        }
        println!("\n### {size}-byte datagrams");
        if lost > 0 {
            println!("\n(warning: {lost} datagrams were dropped by the receive queues)");
        }
        print_table("drain", &drain_rows);
        let mut pairs = vec![
            pair(
                "(b) PacketConn::recv_from / libc recvmsg",
                Drain::PacketConnRecvFrom.name(),
                Drain::LibcRecvmsg.name(),
            ),
            pair(
                "(a) std recv_from / libc recvfrom",
                Drain::StdRecvFrom.name(),
                Drain::LibcRecvfrom.name(),
            ),
        ];
        for k in BATCHES {
            pairs.push(pair(
                format!("(c) recv_batch {k} / libc recvmmsg {k}"),
                Drain::RecvBatch(k).name(),
                Drain::LibcRecvmmsg(k).name(),
            ));
        }
        for k in BATCHES {
            pairs.push(pair(
                format!("(c) recv_batch {k} / (b) recv_from"),
                Drain::RecvBatch(k).name(),
                Drain::PacketConnRecvFrom.name(),
            ));
        }
        if go.is_some() {
            pairs.push(pair(
                "(b) recv_from / Go ReadFrom",
                Drain::PacketConnRecvFrom.name(),
                Drain::GoReadFrom.name(),
            ));
            for k in BATCHES {
                pairs.push(pair(
                    format!("(c) recv_batch {k} / Go ReadBatch {k}"),
                    Drain::RecvBatch(k).name(),
                    Drain::GoReadBatch(k).name(),
                ));
            }
        }
        print_ratios(&drain_rows, &pairs);

        print_table("send", &send_rows);
        let mut pairs = vec![
            pair(
                "(b) PacketConn::send_to / libc sendmsg",
                SendMode::PacketConnSendTo.name(),
                SendMode::LibcSendmsg.name(),
            ),
            pair(
                "(a) std send_to / libc sendto",
                SendMode::StdSendTo.name(),
                SendMode::LibcSendto.name(),
            ),
        ];
        for k in BATCHES {
            pairs.push(pair(
                format!("(c) send_batch {k} / libc sendmmsg {k}"),
                SendMode::SendBatch(k).name(),
                SendMode::LibcSendmmsg(k).name(),
            ));
        }
        for k in BATCHES {
            pairs.push(pair(
                format!("(c) send_batch {k} / (b) send_to"),
                SendMode::SendBatch(k).name(),
                SendMode::PacketConnSendTo.name(),
            ));
        }
        print_ratios(&send_rows, &pairs);

        if live_ms > 0 {
            let modes = [
                Live::Std,
                Live::PacketConn,
                Live::Batch(32),
                Live::LibcMmsg(32),
            ];
            let mut rows: Vec<Vec<f64>> = vec![Vec::new(); modes.len()];
            for round in 0..rounds.min(3) {
                for j in 0..modes.len() {
                    let i = (j + round) % modes.len();
                    let time = Duration::from_millis(live_ms as u64);
                    rows[i].push(live(modes[i], size, time) / 1e3);
                }
            }
            println!(
                "\n#### live sender/receiver pair ({live_ms} ms per run), kpackets/s received\n"
            );
            println!("| mode | median kpps | min | max |\n|---|---:|---:|---:|");
            for (m, v) in modes.iter().zip(&rows) {
                println!(
                    "| {} | {:.1} | {:.1} | {:.1} |",
                    m.name(),
                    median(v),
                    min(v),
                    max(v)
                );
            }
        }
    }
}
}
