//! The OS layer's plain numbers, per platform: control-message layouts,
//! the `group_req`/`group_source_req` layouts, and the raw-socket header
//! formats.
//!
//! Compiled on every host, so that the unit tests below check each
//! platform's numbers, on Linux, against that platform's own headers
//! (cited beside each value). Each family module takes its platform's
//! values from here and asserts them at compile time against `libc`'s
//! definitions for its target (`CMSG_SPACE`, `CMSG_LEN`, `group_req`), so
//! that `cargo check --target …` of each target checks them once more.

// Each target uses its own entries; the tests use them all.
#![cfg_attr(not(test), allow(dead_code))]

use std::net::Ipv4Addr;

use ipv4_core::header::RawFormat;

use crate::cmsg::Layout;

/// `struct cmsghdr` of the BSDs and illumos: `socklen_t cmsg_len; int
/// cmsg_level; int cmsg_type;` (12 bytes), with no message type known yet.
pub(crate) const BSD_CMSGHDR: Layout = Layout {
    align: 4,
    header_len: 12,
    len_offset: 0,
    len_size: 4,
    level_offset: 4,
    type_offset: 8,
    ip_level: 0,
    recv_ttl: None,
    recv_tos: None,
    pktinfo: None,
    recv_dstaddr: None,
    recv_if: None,
    link_addr_len: 0,
    send_src: None,
    send_ttl: None,
    send_tos: None,
    send_tos_len: 4,
    recv_options: None,
    return_options: None,
    checksum: None,
    orig_dst: None,
    frag_size: None,
};

/// macOS and iOS (`sys/socket.h`: `CMSG_ALIGN` is `__DARWIN_ALIGN32`, 4
/// bytes on every Apple target; `netinet/in.h`: `IP_RECVDSTADDR` 7,
/// `IP_RECVIF` 20, `IP_RECVTTL` 24, `IP_PKTINFO` 26, `IP_RECVTOS` 27).
/// The TTL and TOS come as one byte each, under their `IP_RECV*` numbers;
/// the destination and interface in an `in_pktinfo`
/// (`IP_RECVPKTINFO`, which is `IP_PKTINFO`), which also sends the source
/// and interface. `IP_RECVIF`'s `sockaddr_dl` (20 bytes, and up to 32
/// more, `ip_savecontrol`'s `sdlbuf`) is decoded when a socket has it on.
/// One datagram's TOS is sent as `IP_TOS` (3), an `int`: xnu's
/// `so_tos_from_control` (`bsd/netinet/in_tclass.c:1075`, xnu-11417)
/// takes exactly `CMSG_LEN(sizeof(int))`, for UDP (`udp_output`,
/// `udp_usrreq.c:1632`) and raw sockets (`rip_output`, `raw_ip.c:472`).
/// No per-datagram TTL: `udp_output` takes it from the socket only
/// (`udp_usrreq.c:1949`).
pub(crate) const APPLE: Layout = Layout {
    align: 4,
    recv_ttl: Some(24),
    recv_tos: Some(27),
    pktinfo: Some(26),
    recv_dstaddr: Some(7),
    recv_if: Some(20),
    link_addr_len: 20 + 32,
    send_tos: Some(3),
    ..BSD_CMSGHDR
};

/// FreeBSD on 64-bit targets (`sys/socket.h`: `CMSG_ALIGN` is `_ALIGN`,
/// `_ALIGNBYTES` `sizeof(long) - 1` in `machine/_align.h`;
/// `netinet/in.h`: `IP_RECVDSTADDR` 7 (also `IP_SENDSRCADDR`), `IP_RECVIF`
/// 20, `IP_RECVTTL` 65, `IP_RECVTOS` 68). No `IP_PKTINFO`: the destination
/// comes as an `in_addr`, the interface as a `sockaddr_dl` (54 bytes and
/// up to 32 more), and the source is sent with `IP_SENDSRCADDR`. One
/// datagram's TOS is sent as `IP_TOS` (3) in one byte: `udp_output`
/// (`sys/netinet/udp_usrreq.c`) takes exactly `CMSG_LEN(sizeof(u_char))`
/// and refuses any other IP-level message, `IP_TTL` included, with
/// `ENOPROTOOPT`. (`rip_send` in `raw_ip.c` passes no control message
/// to `rip_output`: on raw sockets both are ignored.)
pub(crate) const FREEBSD: Layout = Layout {
    align: 8,
    recv_ttl: Some(65),
    recv_tos: Some(68),
    recv_dstaddr: Some(7),
    recv_if: Some(20),
    link_addr_len: 54 + 32,
    send_src: Some(7),
    send_tos: Some(3),
    send_tos_len: 1,
    ..BSD_CMSGHDR
};

/// NetBSD on 64-bit x86 (`sys/socket.h`: `__CMSG_ALIGN` to `__ALIGNBYTES`,
/// `sizeof(long) - 1` on amd64; `netinet/in.h`: `IP_RECVDSTADDR` 7 (also
/// `IP_SENDSRCADDR`), `IP_RECVIF` 20, `IP_RECVTTL` 23). No TOS message;
/// `sockaddr_dl` is 32 bytes.
pub(crate) const NETBSD: Layout = Layout {
    align: 8,
    recv_ttl: Some(23),
    recv_dstaddr: Some(7),
    recv_if: Some(20),
    link_addr_len: 32,
    send_src: Some(7),
    ..BSD_CMSGHDR
};

/// OpenBSD on 64-bit targets (`sys/socket.h`: `_ALIGN`, `sizeof(long) - 1`
/// on amd64; `netinet/in.h`: `IP_RECVDSTADDR` 7 (also `IP_SENDSRCADDR`),
/// `IP_RECVIF` 30, `IP_RECVTTL` 31). No TOS message; `sockaddr_dl` is 32
/// bytes.
pub(crate) const OPENBSD: Layout = Layout {
    align: 8,
    recv_ttl: Some(31),
    recv_dstaddr: Some(7),
    recv_if: Some(30),
    link_addr_len: 32,
    send_src: Some(7),
    ..BSD_CMSGHDR
};

/// DragonFly (x86_64 only; `sys/socket.h`: `_CMSG_ALIGN`, `sizeof(long) -
/// 1`; `netinet/in.h`: `IP_RECVDSTADDR` 7, `IP_RECVIF` 20, `IP_RECVTTL`
/// 65). Nothing to send per datagram; `sockaddr_dl` is 20 bytes and up to
/// 32 more.
pub(crate) const DRAGONFLY: Layout = Layout {
    align: 8,
    recv_ttl: Some(65),
    recv_dstaddr: Some(7),
    recv_if: Some(20),
    link_addr_len: 20 + 32,
    ..BSD_CMSGHDR
};

/// illumos and Solaris on x86 (`sys/socket.h`: `_CMSG_HDR_ALIGNMENT` 4,
/// `_CMSG_DATA_ALIGNMENT` `sizeof (int)`; `netinet/in.h`: `IP_RECVDSTADDR`
/// 0x7, `IP_RECVTTL` 0xb (a `uint8_t`), `IP_PKTINFO` and `IP_RECVPKTINFO`
/// 0x1a). Its `IP_RECVIF` (0x9) is an index, not a `sockaddr_dl`, and is
/// not used: `IP_PKTINFO` gives the interface.
pub(crate) const ILLUMOS: Layout = Layout {
    align: 4,
    recv_ttl: Some(0xb),
    pktinfo: Some(0x1a),
    recv_dstaddr: Some(0x7),
    ..BSD_CMSGHDR
};

/// Windows on 64-bit targets (`ws2def.h`: `WSACMSGHDR` is `SIZE_T
/// cmsg_len; INT cmsg_level; INT cmsg_type;`, 16 bytes, aligned to 8).
/// The crate sends and receives no control message on Windows
/// (`WSARecvMsg` is not used), so no message type is set.
pub(crate) const WINDOWS: Layout = Layout {
    align: 8,
    header_len: 16,
    len_size: 8,
    level_offset: 8,
    type_offset: 12,
    ..BSD_CMSGHDR
};

/// Where `struct group_req` and `struct group_source_req` ([RFC 3678
/// §5.1]) put their fields, and whether the `sockaddr_in` inside starts
/// with a length byte (`sin_len`).
///
/// [RFC 3678 §5.1]: https://www.rfc-editor.org/rfc/rfc3678#section-5.1
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct GroupReqLayout {
    /// Offset of `gr_group` and `gsr_group` (after the `uint32_t`
    /// interface: 8 where `sockaddr_storage` is 8-aligned, 4 where the
    /// header packs the structure to 4).
    pub(crate) group_offset: usize,
    /// Offset of `gsr_source`.
    pub(crate) source_offset: usize,
    /// `sizeof(struct group_req)`.
    pub(crate) req_len: usize,
    /// `sizeof(struct group_source_req)`.
    pub(crate) source_req_len: usize,
    /// Whether `sockaddr_in` begins with `sin_len` (the BSDs) rather than
    /// a 16-bit family.
    pub(crate) sin_len: bool,
}

impl GroupReqLayout {
    /// The layout of a `uint32_t` interface followed by one
    /// (`group_req`) or two (`group_source_req`) `sockaddr_storage` of
    /// `storage_len` bytes, the first at `group_offset`.
    const fn new(group_offset: usize, storage_len: usize, sin_len: bool) -> GroupReqLayout {
        GroupReqLayout {
            group_offset,
            source_offset: group_offset + storage_len,
            req_len: group_offset + storage_len,
            source_req_len: group_offset + 2 * storage_len,
            sin_len,
        }
    }
}

/// Linux, and Windows (`ws2ipdef.h`), on 64-bit targets: `sockaddr_storage`
/// is 128 bytes, 8-aligned.
pub(crate) const GROUP_REQ_LP64: GroupReqLayout = GroupReqLayout::new(8, 128, false);

/// FreeBSD on 64-bit targets (`netinet/in.h`, no packing): as
/// [`GROUP_REQ_LP64`], with `sin_len`.
pub(crate) const GROUP_REQ_FREEBSD: GroupReqLayout = GroupReqLayout::new(8, 128, true);

/// macOS and iOS (`netinet/in.h`: both structures under `#pragma
/// pack(4)`): the group right after the interface, at 4, with `sin_len`.
pub(crate) const GROUP_REQ_APPLE: GroupReqLayout = GroupReqLayout::new(4, 128, true);

/// illumos and Solaris on amd64 (`netinet/in.h`: `#pragma pack(4)` where
/// `_LONG_LONG_ALIGNMENT` is 8; `sockaddr_storage` is 256 bytes).
pub(crate) const GROUP_REQ_ILLUMOS: GroupReqLayout = GroupReqLayout::new(4, 256, false);

/// The bytes of a `struct sockaddr_in` (16 bytes everywhere) for `addr`,
/// port 0: `sin_len` and a one-byte family on the BSDs, a native-endian
/// 16-bit family elsewhere; `AF_INET` is 2 on every platform.
pub(crate) fn sockaddr_in_bytes(sin_len: bool, addr: Ipv4Addr) -> [u8; 16] {
    let mut b = [0u8; 16];
    if sin_len {
        b[0] = 16;
        b[1] = 2;
    } else {
        b[..2].copy_from_slice(&2u16.to_ne_bytes());
    }
    b[4..8].copy_from_slice(&addr.octets());
    b
}

/// A `group_req` (`N` its size) or `group_source_req` as bytes, laid out
/// as a [`GroupReqLayout`] says. The kernel copies it in, so it needs no
/// more alignment than the 4 of its first field.
#[derive(Clone, Copy)]
#[repr(C, align(4))]
pub(crate) struct McastReq<const N: usize> {
    bytes: [u8; N],
}

impl<const N: usize> McastReq<N> {
    /// Interface `if_index`, `group`, and `source` when given (a
    /// `group_source_req`).
    pub(crate) fn new(
        layout: &GroupReqLayout,
        if_index: u32,
        group: Ipv4Addr,
        source: Option<Ipv4Addr>,
    ) -> McastReq<N> {
        let mut bytes = [0u8; N];
        let put = |bytes: &mut [u8; N], at: usize, addr: Ipv4Addr| {
            if let Some(dst) = bytes.get_mut(at..at + 16) {
                dst.copy_from_slice(&sockaddr_in_bytes(layout.sin_len, addr));
            }
        };
        bytes[..4].copy_from_slice(&if_index.to_ne_bytes());
        put(&mut bytes, layout.group_offset, group);
        if let Some(source) = source {
            put(&mut bytes, layout.source_offset, source);
        }
        McastReq { bytes }
    }

    /// The bytes, as the kernel reads them.
    #[cfg(test)]
    pub(crate) fn as_bytes(&self) -> &[u8; N] {
        &self.bytes
    }
}

/// The header formats a raw socket in header-included mode reads on send
/// and writes on receive ([`RawFormat`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct RawFormats {
    /// What the kernel expects in a header-included send.
    pub(crate) send: RawFormat,
    /// What the kernel hands a raw socket on receive.
    pub(crate) recv: RawFormat,
}

/// Network order both ways: Linux, illumos, OpenBSD, Windows, FreeBSD 11
/// and later.
pub(crate) const RAW_WIRE: RawFormats = RawFormats {
    send: RawFormat::Wire,
    recv: RawFormat::Wire,
};

/// The traditional BSD kernels (macOS/iOS, NetBSD, DragonFly, FreeBSD
/// before 10): `ip_len` and `ip_off` in host order, and on receive `ip_len`
/// without the header (`ip_input` subtracts it before `rip_input`).
pub(crate) const RAW_BSD: RawFormats = RawFormats {
    send: RawFormat::bsd_native(),
    recv: RawFormat::darwin_native(),
};

/// FreeBSD by `kern.osreldate`: network order from 11.0 (1100000, when
/// `ip_input` stopped converting the fields), host order both ways in
/// 10.x, [`RAW_BSD`] before.
pub(crate) const fn freebsd_raw(osreldate: i64) -> RawFormats {
    if osreldate >= 1_100_000 {
        RAW_WIRE
    } else if osreldate >= 1_000_000 {
        RawFormats {
            send: RawFormat::bsd_native(),
            recv: RawFormat::bsd_native(),
        }
    } else {
        RAW_BSD
    }
}

/// Every platform's control-message layout, run on this host: each
/// platform's numbers against its headers, and the codec with each layout
/// against buffers laid out as that platform's `CMSG_*` macros lay them
/// out. (Named `cmsg` so that the Miri runs of `cmsg::` include it.)
#[cfg(test)]
mod cmsg {
    use std::net::Ipv4Addr;

    use ipv4_core::control::{ControlFlags, ControlMessage};

    use super::*;
    use crate::cmsg::{EncodeError, decode_with, encode_with, hex};

    const GROUP: Ipv4Addr = Ipv4Addr::new(224, 0, 0, 251);
    const SRC: Ipv4Addr = Ipv4Addr::new(198, 51, 100, 7);

    /// A platform's layout, a receive buffer as its kernel writes it (TTL
    /// 64, destination 224.0.0.251, the interface, TOS 0xb8 where it has
    /// them), what it decodes to, and a send buffer for `sent`.
    struct Case {
        name: &'static str,
        layout: Layout,
        received: &'static str,
        decoded: ControlMessage,
        sent: ControlMessage,
        send_bytes: &'static str,
        /// A field the platform cannot send, by name.
        unsendable: ControlMessage,
        unsendable_field: &'static str,
    }

    fn cm(
        ttl: Option<u8>,
        dst: Option<Ipv4Addr>,
        if_index: Option<u32>,
        tos: Option<u8>,
    ) -> ControlMessage {
        ControlMessage {
            ttl,
            dst,
            if_index,
            tos,
            ..ControlMessage::default()
        }
    }

    fn src(src: Ipv4Addr, if_index: Option<u32>) -> ControlMessage {
        ControlMessage {
            src: Some(src),
            if_index,
            ..ControlMessage::default()
        }
    }

    fn ttl_only() -> ControlMessage {
        cm(Some(9), None, None, None)
    }

    /// The byte captures are little-endian (`cmsg_len`, `int`s,
    /// `sdl_index`).
    fn cases() -> Vec<Case> {
        vec![
            // macOS: sys/socket.h `struct cmsghdr { socklen_t cmsg_len; int
            // cmsg_level; int cmsg_type; }` and `__DARWIN_ALIGN32` (libc
            // src/unix/bsd/apple/mod.rs:4480-4483, CMSG_SPACE at :4607);
            // netinet/in.h IP_RECVTTL 24, IP_PKTINFO 26, IP_RECVTOS 27
            // (libc apple/mod.rs:3143-3146). The TTL and TOS as one
            // byte, `struct in_pktinfo { u_int ipi_ifindex; struct in_addr
            // ipi_spec_dst, ipi_addr; }`.
            Case {
                name: "macOS",
                layout: APPLE,
                received: "0d000000 00000000 18000000 40000000
                           18000000 00000000 1a000000 02000000 7f000001 e00000fb
                           0d000000 00000000 1b000000 b8000000",
                decoded: cm(Some(64), Some(GROUP), Some(2), Some(0xb8)),
                // `in_pktinfo`, then IP_TOS (netinet/in.h: 3, libc
                // src/unix/bsd/mod.rs:241) as an `int`, CMSG_LEN(4) = 16.
                sent: ControlMessage {
                    tos: Some(0xb8),
                    ..src(SRC, Some(3))
                },
                send_bytes: "18000000 00000000 1a000000 03000000 c6336407 00000000
                             10000000 00000000 03000000 b8000000",
                unsendable: ttl_only(),
                unsendable_field: "ttl",
            },
            // FreeBSD/amd64: the same `cmsghdr`, `_ALIGN` to 8 (libc
            // src/unix/bsd/freebsdlike/freebsd/x86_64/mod.rs:167); netinet/in.h
            // IP_RECVDSTADDR 7 = IP_SENDSRCADDR, IP_RECVIF 20, IP_RECVTTL 65
            // (libc freebsdlike/mod.rs:926-931), IP_RECVTOS 68
            // (freebsd/mod.rs:3242). The interface as a `sockaddr_dl`
            // (net/if_dl.h: sdl_len, sdl_family, sdl_index, …; AF_LINK 18,
            // freebsdlike/mod.rs:832): em0, index 3.
            Case {
                name: "FreeBSD",
                layout: FREEBSD,
                received: "11000000 00000000 41000000 00000000 40000000 00000000
                           14000000 00000000 07000000 00000000 e00000fb 00000000
                           21000000 00000000 14000000 00000000
                           11120300 06030600 656d3000 11223344 55000000 00000000
                           11000000 00000000 44000000 00000000 b8000000 00000000",
                decoded: cm(Some(64), Some(GROUP), Some(3), Some(0xb8)),
                // IP_SENDSRCADDR, then IP_TOS (3) as one byte:
                // CMSG_LEN(1) = 17, CMSG_SPACE(1) = 24.
                sent: ControlMessage {
                    tos: Some(0xb8),
                    ..src(SRC, None)
                },
                send_bytes: "14000000 00000000 07000000 00000000 c6336407 00000000
                             11000000 00000000 03000000 00000000 b8000000 00000000",
                unsendable: src(SRC, Some(3)),
                unsendable_field: "if_index",
            },
            // NetBSD/amd64: netinet/in.h IP_RECVDSTADDR 7 = IP_SENDSRCADDR,
            // IP_RECVIF 20 (libc src/unix/bsd/netbsdlike/netbsd/mod.rs:954-956),
            // IP_RECVTTL 23 (netinet/in.h, not in libc); `__ALIGNBYTES`
            // 7 (netbsd/x86_64.rs:26). No TOS.
            Case {
                name: "NetBSD",
                layout: NETBSD,
                received: "11000000 00000000 17000000 00000000 40000000 00000000
                           14000000 00000000 07000000 00000000 e00000fb 00000000
                           14000000 00000000 14000000 00000000 20120400 00000000",
                decoded: cm(Some(64), Some(GROUP), Some(4), None),
                sent: src(SRC, None),
                send_bytes: "14000000 00000000 07000000 00000000 c6336407 00000000",
                unsendable: ttl_only(),
                unsendable_field: "ttl",
            },
            // OpenBSD/amd64: netinet/in.h IP_RECVDSTADDR 7 = IP_SENDSRCADDR,
            // IP_RECVIF 30 (libc src/unix/bsd/netbsdlike/openbsd/mod.rs:1049-1051),
            // IP_RECVTTL 31 (netinet/in.h, not in libc); `_ALIGNBYTES` 7
            // (openbsd/x86_64.rs:57).
            Case {
                name: "OpenBSD",
                layout: OPENBSD,
                received: "11000000 00000000 1f000000 00000000 40000000 00000000
                           14000000 00000000 07000000 00000000 e00000fb 00000000
                           14000000 00000000 1e000000 00000000 20120500 00000000",
                decoded: cm(Some(64), Some(GROUP), Some(5), None),
                sent: src(SRC, None),
                send_bytes: "14000000 00000000 07000000 00000000 c6336407 00000000",
                unsendable: cm(None, None, None, Some(0x10)),
                unsendable_field: "tos",
            },
            // DragonFly: FreeBSD's numbers (libc freebsdlike/mod.rs:926-931),
            // `_CMSG_ALIGN` to 8; no send-side message.
            Case {
                name: "DragonFly",
                layout: DRAGONFLY,
                received: "11000000 00000000 41000000 00000000 40000000 00000000
                           14000000 00000000 07000000 00000000 e00000fb 00000000
                           14000000 00000000 14000000 00000000 14120600 00000000",
                decoded: cm(Some(64), Some(GROUP), Some(6), None),
                sent: ControlMessage::default(),
                send_bytes: "",
                unsendable: src(SRC, None),
                unsendable_field: "src",
            },
            // illumos/amd64: sys/socket.h `_CMSG_HDR_ALIGNMENT` 4,
            // `_CMSG_DATA_ALIGNMENT` sizeof (int) (libc
            // src/unix/solarish/mod.rs:2203-2205); netinet/in.h
            // IP_RECVTTL 0xb (a `uint8_t`), IP_PKTINFO 0x1a (libc
            // solarish/mod.rs:878).
            Case {
                name: "illumos",
                layout: ILLUMOS,
                received: "0d000000 00000000 0b000000 40000000
                           18000000 00000000 1a000000 07000000 7f000001 e00000fb",
                decoded: cm(Some(64), Some(GROUP), Some(7), None),
                sent: src(SRC, Some(3)),
                send_bytes: "18000000 00000000 1a000000 03000000 c6336407 00000000",
                unsendable: ttl_only(),
                unsendable_field: "ttl",
            },
            // Windows/x64: ws2def.h `WSACMSGHDR { SIZE_T cmsg_len; INT
            // cmsg_level; INT cmsg_type; }`, aligned to 8; the crate uses
            // no message there, so a buffer decodes to nothing and no
            // field is sent.
            Case {
                name: "Windows",
                layout: WINDOWS,
                received: "14000000 00000000 00000000 02000000 40000000 00000000",
                decoded: ControlMessage::default(),
                sent: ControlMessage::default(),
                send_bytes: "",
                unsendable: src(SRC, None),
                unsendable_field: "src",
            },
        ]
    }

    #[cfg(target_endian = "little")]
    #[test]
    fn each_platform_decodes_and_encodes_its_own_bytes() {
        for case in cases() {
            let name = case.name;
            let received = hex(case.received);
            let d = decode_with(&case.layout, &received, false);
            assert_eq!(d.error, None, "{name}");
            assert_eq!(d.control, case.decoded, "{name}");
            // The receive buffer the codec asks for holds what came.
            let all =
                ControlFlags::TTL | ControlFlags::DST | ControlFlags::INTERFACE | ControlFlags::TOS;
            if case.decoded != ControlMessage::default() {
                assert!(case.layout.space(all) >= received.len(), "{name}");
            }

            let want = hex(case.send_bytes);
            let mut out = [0xaau8; 64];
            let n = encode_with(&case.layout, &case.sent, &mut out).unwrap();
            assert_eq!(&out[..n], &want[..], "{name}");
            assert_eq!(case.layout.encoded_len(&case.sent), n, "{name}");

            let e = encode_with(&case.layout, &case.unsendable, &mut out).unwrap_err();
            assert_eq!(
                e,
                EncodeError::Unsupported {
                    field: case.unsendable_field
                },
                "{name}"
            );
            assert_eq!(
                std::io::Error::from(e).kind(),
                std::io::ErrorKind::Unsupported
            );
        }
    }

    // No BSD kernel, nor illumos, sets one datagram's TTL from a control
    // message (xnu's udp_output takes `inp_ip_ttl`, udp_usrreq.c:1949;
    // FreeBSD's refuses IP_TTL with ENOPROTOOPT): the codec refuses it
    // rather than let the kernel drop it. The TOS goes where the kernel
    // reads it (macOS, FreeBSD) and is refused elsewhere.
    #[test]
    fn per_datagram_ttl_and_tos_by_kernel() {
        let ttl = ttl_only();
        let tos = cm(None, None, None, Some(0x2e));
        for (name, l, tos_len) in [
            ("macOS", APPLE, Some(4)),
            ("FreeBSD", FREEBSD, Some(1)),
            ("NetBSD", NETBSD, None),
            ("OpenBSD", OPENBSD, None),
            ("DragonFly", DRAGONFLY, None),
            ("illumos", ILLUMOS, None),
            ("Windows", WINDOWS, None),
        ] {
            let mut out = [0u8; 64];
            assert_eq!(
                encode_with(&l, &ttl, &mut out),
                Err(EncodeError::Unsupported { field: "ttl" }),
                "{name}"
            );
            match tos_len {
                Some(len) => {
                    let n = encode_with(&l, &tos, &mut out).unwrap();
                    assert_eq!(n, l.space_of(len), "{name}");
                    let m = crate::cmsg::Messages::with_layout(&out[..n], l)
                        .next()
                        .unwrap()
                        .unwrap();
                    let int = 0x2e_i32.to_ne_bytes();
                    let want: &[u8] = if len == 4 { &int } else { &[0x2e] };
                    assert_eq!((m.level, m.kind, m.data), (0, 3, want), "{name}");
                }
                None => assert_eq!(
                    encode_with(&l, &tos, &mut out),
                    Err(EncodeError::Unsupported { field: "tos" }),
                    "{name}"
                ),
            }
        }
    }

    // The messages only Linux sends (IP_RECVOPTS/IP_RETOPTS options,
    // IP_CHECKSUM, IP_ORIGDSTADDR, IP_RECVFRAGSIZE) have no number
    // elsewhere, and a foreign kernel's own IP_RECVOPTS (5 on macOS and
    // the BSDs, `netinet/in.h`), never turned on by this crate, is skipped
    // rather than read as Linux's.
    #[test]
    fn linux_only_messages_are_absent_elsewhere() {
        for (name, l) in [
            ("macOS", APPLE),
            ("FreeBSD", FREEBSD),
            ("NetBSD", NETBSD),
            ("OpenBSD", OPENBSD),
            ("DragonFly", DRAGONFLY),
            ("illumos", ILLUMOS),
            ("Windows", WINDOWS),
        ] {
            assert_eq!(
                (
                    l.recv_options,
                    l.return_options,
                    l.checksum,
                    l.orig_dst,
                    l.frag_size
                ),
                (None, None, None, None, None),
                "{name}"
            );
            let mut buf = vec![0u8; l.space_of(4)];
            let len = l.len_of(4);
            let at = l.len_offset;
            if l.len_size == 4 {
                buf[at..at + 4].copy_from_slice(&(len as u32).to_ne_bytes());
            } else {
                buf[at..at + 8].copy_from_slice(&(len as u64).to_ne_bytes());
            }
            buf[l.level_offset..l.level_offset + 4].copy_from_slice(&l.ip_level.to_ne_bytes());
            buf[l.type_offset..l.type_offset + 4].copy_from_slice(&5i32.to_ne_bytes());
            buf[l.space_of(0)..l.space_of(0) + 4].copy_from_slice(&[1, 1, 1, 0]);
            let d = decode_with(&l, &buf, false);
            assert_eq!(d.error, None, "{name}");
            assert_eq!(d.control.options, None, "{name}");
            assert_eq!(d.control.flags(), ControlFlags::empty(), "{name}");
        }
    }

    #[test]
    fn headers_and_alignment_are_each_platforms() {
        // (align, header, offsets of cmsg_len/level/type, size of cmsg_len)
        let expected = [
            ("macOS", APPLE, (4, 12, 0, 4, 8, 4)),
            ("FreeBSD", FREEBSD, (8, 12, 0, 4, 8, 4)),
            ("NetBSD", NETBSD, (8, 12, 0, 4, 8, 4)),
            ("OpenBSD", OPENBSD, (8, 12, 0, 4, 8, 4)),
            ("DragonFly", DRAGONFLY, (8, 12, 0, 4, 8, 4)),
            ("illumos", ILLUMOS, (4, 12, 0, 4, 8, 4)),
            ("Windows", WINDOWS, (8, 16, 0, 8, 12, 8)),
        ];
        for (name, l, (align, header, len_at, level_at, type_at, len_size)) in expected {
            assert_eq!(
                (
                    l.align,
                    l.header_len,
                    l.len_offset,
                    l.level_offset,
                    l.type_offset,
                    l.len_size
                ),
                (align, header, len_at, level_at, type_at, len_size),
                "{name}"
            );
            // CMSG_SPACE and CMSG_LEN as each header defines them.
            for n in [0usize, 1, 4, 12, 13, 86] {
                let round = |x: usize| x.div_ceil(align) * align;
                assert_eq!(l.space_of(n), round(header) + round(n), "{name} {n}");
                assert_eq!(l.len_of(n), round(header) + n, "{name} {n}");
            }
        }
        // illumos' CMSG_SPACE rounds header and data together
        // (`_CMSG_HDR_ALIGN(sizeof (struct cmsghdr) + (l))`): the same,
        // since its 12-byte header is a multiple of 4.
        for n in 0..64 {
            assert_eq!(ILLUMOS.space_of(n), (12 + n).div_ceil(4) * 4);
        }
    }

    // A TTL of 4 bytes (what Go expects on Solaris) and of 1 byte both
    // decode, on every layout that has a TTL message.
    #[cfg(target_endian = "little")]
    #[test]
    fn ttl_as_a_byte_or_an_int() {
        for l in [APPLE, FREEBSD, NETBSD, OPENBSD, DRAGONFLY, ILLUMOS] {
            let kind = l.recv_ttl.unwrap();
            for data in [&[7u8][..], &7i32.to_le_bytes()[..]] {
                let mut b = vec![0u8; l.space_of(data.len())];
                b[..4].copy_from_slice(&(l.len_of(data.len()) as u32).to_le_bytes());
                b[8..12].copy_from_slice(&kind.to_le_bytes());
                let at = l.space_of(0);
                b[at..at + data.len()].copy_from_slice(data);
                let d = decode_with(&l, &b, false);
                assert_eq!((d.control.ttl, d.error), (Some(7), None), "{l:?}");
            }
        }
    }

    /// This target's own layout against this target's libc: the
    /// `CMSG_FIRSTHDR`/`CMSG_NXTHDR`/`CMSG_DATA` walk over what the codec
    /// wrote and over this platform's capture finds the same messages at
    /// the same places, and `CMSG_SPACE`/`CMSG_LEN` agree. Under Miri with
    /// `--target aarch64-apple-darwin` or `x86_64-unknown-freebsd` these
    /// are libc's definitions for that target.
    #[cfg(all(unix, target_endian = "little"))]
    #[test]
    fn host_layout_agrees_with_libc() {
        use crate::cmsg::{ControlBuffer, Messages};
        use crate::sys::{CMSG_LAYOUT, libc_cmsg_sizes, libc_cmsg_walk};

        for n in [0u32, 1, 4, 12, 13, 20, 86] {
            let (space, len) = libc_cmsg_sizes(n);
            assert_eq!(CMSG_LAYOUT.space_of(n as usize), space, "CMSG_SPACE({n})");
            assert_eq!(CMSG_LAYOUT.len_of(n as usize), len, "CMSG_LEN({n})");
        }
        let mut buffers = Vec::new();
        // What this platform's kernel writes (the case of this layout)...
        if let Some(case) = cases().into_iter().find(|c| {
            c.layout.align == CMSG_LAYOUT.align
                && c.layout.recv_ttl == CMSG_LAYOUT.recv_ttl
                && c.layout.recv_if == CMSG_LAYOUT.recv_if
        }) {
            buffers.push(hex(case.received));
        }
        // ...and what the codec writes for a sender.
        let mut sent = ControlBuffer::new();
        let full = ControlMessage {
            src: Some(SRC),
            if_index: Some(2),
            ttl: Some(5),
            tos: Some(0x10),
            ..ControlMessage::default()
        };
        let sendable = ControlMessage {
            src: CMSG_LAYOUT
                .unsendable(&src(SRC, None))
                .is_none()
                .then_some(SRC),
            if_index: CMSG_LAYOUT.pktinfo.map(|_| 2),
            ttl: CMSG_LAYOUT.send_ttl.map(|_| 5),
            tos: CMSG_LAYOUT.send_tos.map(|_| 0x10),
            ..full
        };
        let n = crate::cmsg::encode(&sendable, sent.as_mut_bytes()).unwrap();
        buffers.push(sent.as_bytes()[..n].to_vec());
        for bytes in buffers {
            let mut aligned = ControlBuffer::new();
            aligned.as_mut_bytes()[..bytes.len()].copy_from_slice(&bytes);
            let ours: Vec<_> = Messages::new(&aligned.as_bytes()[..bytes.len()])
                .map(|m| {
                    let m = m.unwrap();
                    let data_at = CMSG_LAYOUT.space_of(0);
                    (m.offset, m.level, m.kind, data_at + m.data.len(), data_at)
                })
                .collect();
            let theirs = libc_cmsg_walk(&mut aligned.as_mut_bytes()[..bytes.len()]);
            assert_eq!(ours, theirs, "{bytes:02x?}");
        }
    }
}

/// The membership structures and raw-header formats of every platform,
/// run on this host.
#[cfg(test)]
mod structs {
    use std::net::Ipv4Addr;

    use ipv4_core::header::{ByteOrder, Flags, Header, Protocol};

    use super::*;
    use crate::raw_conn::{from_wire, to_wire};

    #[test]
    fn group_req_layouts_are_each_platforms() {
        // (sizeof group_req, group_source_req, offset of the group, of the
        // source, sin_len), from each platform's netinet/in.h (ws2ipdef.h
        // on Windows): `uint32_t` then `struct sockaddr_storage` (128
        // bytes, 8-aligned; 256 on illumos), packed to 4 on macOS
        // (`#pragma pack(4)`; libc src/unix/bsd/apple/mod.rs:1556-1567) and
        // on illumos/amd64 (`#pragma pack(4)` where `_LONG_LONG_ALIGNMENT`
        // is 8).
        let expected = [
            ("Linux, Windows", GROUP_REQ_LP64, (136, 264, 8, 136, false)),
            ("FreeBSD", GROUP_REQ_FREEBSD, (136, 264, 8, 136, true)),
            ("macOS", GROUP_REQ_APPLE, (132, 260, 4, 132, true)),
            ("illumos", GROUP_REQ_ILLUMOS, (260, 516, 4, 260, false)),
        ];
        for (name, l, (req, source_req, group_at, source_at, sin_len)) in expected {
            assert_eq!(
                (
                    l.req_len,
                    l.source_req_len,
                    l.group_offset,
                    l.source_offset,
                    l.sin_len
                ),
                (req, source_req, group_at, source_at, sin_len),
                "{name}"
            );
        }
    }

    #[test]
    fn group_source_req_bytes_put_each_field_in_its_place() {
        let group = Ipv4Addr::new(232, 1, 2, 3);
        let source = Ipv4Addr::new(198, 51, 100, 9);
        let family = 2u16.to_ne_bytes();
        let check = |bytes: &[u8], l: &GroupReqLayout| {
            assert_eq!(bytes[..4], 7u32.to_ne_bytes());
            for (at, addr) in [(l.group_offset, group), (l.source_offset, source)] {
                if l.sin_len {
                    assert_eq!(bytes[at..at + 2], [16, 2]);
                } else {
                    assert_eq!(bytes[at..at + 2], family);
                }
                assert_eq!(bytes[at + 2..at + 4], [0, 0], "port 0");
                assert_eq!(bytes[at + 4..at + 8], addr.octets());
                assert!(bytes[at + 8..at + 16].iter().all(|&b| b == 0));
            }
        };
        let r = McastReq::<264>::new(&GROUP_REQ_FREEBSD, 7, group, Some(source));
        check(r.as_bytes(), &GROUP_REQ_FREEBSD);
        let r = McastReq::<264>::new(&GROUP_REQ_LP64, 7, group, Some(source));
        check(r.as_bytes(), &GROUP_REQ_LP64);
        let r = McastReq::<260>::new(&GROUP_REQ_APPLE, 7, group, Some(source));
        check(r.as_bytes(), &GROUP_REQ_APPLE);
        let r = McastReq::<516>::new(&GROUP_REQ_ILLUMOS, 7, group, Some(source));
        check(r.as_bytes(), &GROUP_REQ_ILLUMOS);
        // A group_req has no source: nothing past the group.
        let r = McastReq::<132>::new(&GROUP_REQ_APPLE, 7, group, None);
        assert!(r.as_bytes()[4 + 16..].iter().all(|&b| b == 0));
        assert_eq!(size_of::<McastReq<132>>(), 132);
    }

    /// This host's own structures (Linux's libc), against the layouts the
    /// other platforms' tables were written from.
    #[cfg(any(target_os = "linux", target_os = "android"))]
    #[cfg(target_pointer_width = "64")]
    #[test]
    fn linux_structures_match_the_lp64_layout() {
        use std::mem::offset_of;
        assert_eq!(size_of::<libc::group_req>(), GROUP_REQ_LP64.req_len);
        assert_eq!(
            size_of::<libc::group_source_req>(),
            GROUP_REQ_LP64.source_req_len
        );
        assert_eq!(
            offset_of!(libc::group_req, gr_group),
            GROUP_REQ_LP64.group_offset
        );
        assert_eq!(
            offset_of!(libc::group_source_req, gsr_source),
            GROUP_REQ_LP64.source_offset
        );
        // `struct ip_mreq` (8 bytes) and `struct ip_mreqn` (12), the same
        // on every platform that has them (netinet/in.h).
        assert_eq!(size_of::<libc::ip_mreq>(), 8);
        assert_eq!(offset_of!(libc::ip_mreq, imr_interface), 4);
        assert_eq!(size_of::<libc::ip_mreqn>(), 12);
        assert_eq!(offset_of!(libc::ip_mreqn, imr_address), 4);
        assert_eq!(offset_of!(libc::ip_mreqn, imr_ifindex), 8);
    }

    #[test]
    fn raw_formats_by_kernel() {
        assert_eq!(RAW_WIRE.send, RawFormat::Wire);
        assert_eq!(RAW_BSD.send, RawFormat::BsdHostOrder(ByteOrder::NATIVE));
        assert_eq!(
            RAW_BSD.recv,
            RawFormat::LengthExcludesHeader(ByteOrder::NATIVE)
        );
        // FreeBSD: converted fields until 10.0, host order without the
        // subtraction in 10.x, network order from 11.0 (Go's header.go).
        assert_eq!(freebsd_raw(903_000), RAW_BSD);
        assert_eq!(
            freebsd_raw(1_002_000).recv,
            RawFormat::BsdHostOrder(ByteOrder::NATIVE)
        );
        assert_eq!(
            freebsd_raw(1_002_000).send,
            RawFormat::BsdHostOrder(ByteOrder::NATIVE)
        );
        assert_eq!(freebsd_raw(1_100_000), RAW_WIRE);
        assert_eq!(freebsd_raw(1_400_097), RAW_WIRE);
        assert_eq!(
            crate::sys::raw_formats().send,
            RawFormat::Wire,
            "this host: Linux"
        );
    }

    /// The in-place rewrites of a raw socket's header agree with the core's
    /// `emit_with` and `parse_raw` for every format, on a fragment (both
    /// fields not symmetric under a byte swap), in both byte orders.
    #[test]
    fn raw_header_rewrites_agree_with_the_core() {
        let mut h = Header::new(
            Ipv4Addr::new(198, 51, 100, 1),
            Ipv4Addr::new(203, 0, 113, 2),
            Protocol::UDP,
        )
        .with_flags(Flags::MORE_FRAGMENTS)
        .with_fragment_offset(185)
        .with_identification(0xbeef);
        h.set_payload_len(1480).unwrap();
        let mut wire = [0u8; 60];
        let n = h.emit(&mut wire).unwrap();
        let wire = &wire[..n];
        for order in [ByteOrder::Little, ByteOrder::Big] {
            for format in [
                RawFormat::BsdHostOrder(order),
                RawFormat::LengthExcludesHeader(order),
            ] {
                let mut emitted = [0u8; 60];
                let m = h.emit_with(&mut emitted, format, ipv4_core::checksum::Policy::Enforce);
                if format.length_excludes_header() {
                    // Only kernels write this form; the core parses it.
                    let mut bytes = wire.to_vec();
                    let total = (u16::from_be_bytes([bytes[2], bytes[3]]) - 20).to_ne_bytes();
                    let total = match order {
                        ByteOrder::Little => (u16::from_ne_bytes(total)).to_le_bytes(),
                        ByteOrder::Big => (u16::from_ne_bytes(total)).to_be_bytes(),
                    };
                    bytes[2..4].copy_from_slice(&total);
                    let frag = u16::from_be_bytes([wire[6], wire[7]]);
                    let frag = match order {
                        ByteOrder::Little => frag.to_le_bytes(),
                        ByteOrder::Big => frag.to_be_bytes(),
                    };
                    bytes[6..8].copy_from_slice(&frag);
                    assert_eq!(
                        Header::parse_raw(&bytes, format).unwrap(),
                        Header::parse(wire).unwrap()
                    );
                    to_wire(format, &mut bytes);
                    assert_eq!(&bytes[..], wire, "{format:?}");
                    continue;
                }
                let m = m.unwrap();
                let mut ours = wire.to_vec();
                from_wire(format, &mut ours);
                assert_eq!(&ours[..], &emitted[..m], "{format:?}");
                to_wire(format, &mut ours);
                assert_eq!(&ours[..], wire, "{format:?}");
            }
        }
        // The wire format is left as it is both ways.
        let mut same = wire.to_vec();
        from_wire(RawFormat::Wire, &mut same);
        to_wire(RawFormat::Wire, &mut same);
        assert_eq!(&same[..], wire);
    }
}
