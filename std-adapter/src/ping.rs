//! ICMP datagram ("ping") sockets: echo requests and replies without root
//! (`SOCK_DGRAM`, `IPPROTO_ICMP`, [`icmp(7)`]).
//!
//! Linux lets a process open one when its effective group, or one of its
//! supplementary groups, is in the `net.ipv4.ping_group_range` sysctl
//! ([`group_range`]); the range applies to root as well. It is per
//! network namespace. Many distributions
//! open it to all groups (`0 2147483647`); the kernel's default, `1 0`,
//! allows none.
//!
//! [`PacketConn::icmp_datagram`] opens one. What differs from a raw ICMP
//! socket:
//!
//! * It sends ICMP echo requests only (the core's
//!   [`IcmpRepr::EchoRequest`](ipv4_core::icmp::IcmpRepr::EchoRequest)),
//!   without an IPv4 header; the kernel **rewrites the identifier** with
//!   the socket's local "port" (chosen at `bind`, or at the first send) and
//!   fills in the checksum itself.
//! * It receives only the echo replies whose identifier is that port, as
//!   the ICMP message without the IPv4 header
//!   ([`Datagram::header`](crate::Datagram::header) is `None`), with the
//!   identifier the reply carries: match replies on the sequence number,
//!   or on `local_addr().port()`.
//! * ICMP errors about its requests go to its error queue
//!   ([`errqueue`](crate::errqueue)) with `IP_RECVERR`, the quoted echo
//!   request as payload; without it, to the errno of a connected socket.
//! * `IP_TTL`, `IP_TOS`, the control messages, `IP_RECVERR` and path MTU
//!   options work as on UDP.
//!
//! # macOS and iOS
//!
//! Any process may open one there ([`icmp(4)`], "Non-privileged ICMP";
//! xnu's `icmp_dgram_attach` skips the raw socket's privilege check).
//! Such a socket is a raw ICMP socket with limits, so it differs from
//! Linux's:
//!
//! * It sends ICMP requests only (echo, timestamp, address mask; code 0),
//!   as they are: the **identifier is not rewritten** and the **checksum
//!   is not filled in** (the core's `emit` computes it).
//! * It receives **every ICMP message** that reaches the host: echo
//!   replies to other processes' requests too, and the ICMP errors about
//!   its own requests (there is no error queue): match replies on
//!   identifier and sequence number.
//! * [`PacketConn::icmp_datagram`] turns on `IP_STRIPHDR`, so that, as on
//!   Linux, a received datagram is the ICMP message without its IPv4
//!   header.
//! * Of the control messages, the TTL can be received (`IP_RECVTTL`);
//!   `IP_PKTINFO` and `IP_RECVTOS` are refused (`EINVAL`) by its
//!   `icmp_dgram_ctloutput`.
//!
//! FreeBSD, NetBSD, OpenBSD, DragonFly and illumos have no such socket
//! (their protocol tables have no `SOCK_DGRAM` entry for ICMP): a raw
//! socket and privilege are needed there.
//!
//! ```no_run
//! use std::net::{Ipv4Addr, SocketAddrV4};
//! use ipv4_std::ipv4_core::icmp::{IcmpRepr, IcmpView, Message};
//! use ipv4_std::prelude::*;
//!
//! let conn = PacketConn::icmp_datagram()?; // PermissionDenied outside the range
//! let request = IcmpRepr::EchoRequest { ident: 0, seq: 1, data: b"hello" };
//! let mut out = [0u8; 64];
//! let n = request.emit(&mut out).expect("64 bytes hold it");
//! conn.send_to(&out[..n], None, SocketAddrV4::new(Ipv4Addr::LOCALHOST, 0))?;
//!
//! let mut buf = [0u8; 1500];
//! let d = conn.recv_from(&mut buf)?;
//! let reply = IcmpView::new_checked(d.payload).expect("the kernel checked it");
//! let Message::EchoReply(echo) = reply.message() else { unreachable!() };
//! assert_eq!(echo.ident, conn.local_addr()?.port()); // rewritten by the kernel
//! assert_eq!((echo.seq, echo.data), (1, &b"hello"[..]));
//! # Ok::<(), std::io::Error>(())
//! ```
//!
//! [`icmp(7)`]: https://man7.org/linux/man-pages/man7/icmp.7.html
//! [`icmp(4)`]: https://github.com/apple-oss-distributions/xnu/blob/main/bsd/man/man4/icmp.4

use std::io;
#[cfg(any(target_os = "linux", target_os = "android"))]
use std::ops::RangeInclusive;

use socket2::{Domain, Protocol, Socket, Type};

use crate::PacketConn;

/// The groups allowed to open ICMP datagram sockets in the calling
/// thread's network namespace (`/proc/sys/net/ipv4/ping_group_range`).
/// Empty (`1..=0`, the kernel's default) when none is.
///
/// # Errors
///
/// Reading the file, or [`InvalidData`](io::ErrorKind::InvalidData) when
/// it does not hold two numbers.
#[cfg(any(target_os = "linux", target_os = "android"))]
#[cfg_attr(docsrs, doc(cfg(any(target_os = "linux", target_os = "android"))))]
pub fn group_range() -> io::Result<RangeInclusive<u32>> {
    let text = std::fs::read_to_string("/proc/sys/net/ipv4/ping_group_range")?;
    let mut numbers = text.split_whitespace().map(str::parse::<u32>);
    match (numbers.next(), numbers.next()) {
        (Some(Ok(low)), Some(Ok(high))) => Ok(low..=high),
        _ => Err(io::Error::new(
            io::ErrorKind::InvalidData,
            format!("ping_group_range holds {text:?}, not two group ids"),
        )),
    }
}

impl PacketConn<Socket> {
    /// Opens an ICMP datagram ("ping") socket: `socket(AF_INET,
    /// SOCK_DGRAM, IPPROTO_ICMP)`, wrapped; on macOS and iOS with
    /// `IP_STRIPHDR` on. See [`ping`](crate::ping).
    ///
    /// # Errors
    ///
    /// [`PermissionDenied`](io::ErrorKind::PermissionDenied) (`EACCES`)
    /// when the process's groups are outside `net.ipv4.ping_group_range`
    /// (Linux), with the range in the message; the `socket` error
    /// otherwise.
    #[cfg_attr(
        docsrs,
        doc(cfg(any(target_os = "linux", target_os = "android", target_vendor = "apple")))
    )]
    pub fn icmp_datagram() -> io::Result<PacketConn<Socket>> {
        let socket = match Socket::new(Domain::IPV4, Type::DGRAM, Some(Protocol::ICMPV4)) {
            Ok(s) => s,
            #[cfg(any(target_os = "linux", target_os = "android"))]
            Err(e) if e.kind() == io::ErrorKind::PermissionDenied => {
                let range = group_range()
                    .map(|r| format!("{} {}", r.start(), r.end()))
                    .unwrap_or_else(|_| "unknown".to_owned());
                return Err(io::Error::new(
                    io::ErrorKind::PermissionDenied,
                    format!(
                        "ICMP datagram sockets are not allowed for this process's groups \
                         (net.ipv4.ping_group_range is {range}): {e}"
                    ),
                ));
            }
            Err(e) => return Err(e),
        };
        crate::sys::prepare_icmp_datagram(crate::sys::borrow(&socket))?;
        PacketConn::new(socket)
    }
}
