//! The IPv4 control-message codec: [`ControlMessage`] to and from the bytes
//! of a control buffer (`msg_control`, [`cmsg(3)`]) as this platform lays
//! it out (the README's platform table lists the messages of each; below,
//! Linux's).
//!
//! It works on plain byte slices, so it serves any `recvmsg`/`sendmsg`
//! caller, for instance socket2's [`MsgHdrMut`] and [`MsgHdr`], not only
//! this crate's [`PacketConn`](crate::PacketConn):
//!
//! * [`space`] is the receive buffer size for a set of [`ControlFlags`]; a
//!   [`ControlBuffer`] on the stack holds all of them with room to spare
//!   ([`BUFFER_LEN`]).
//! * [`decode`] turns a received buffer into a [`ControlMessage`]:
//!   `IP_TTL` (a native-endian `int`), `IP_TOS` (a byte) and `IP_PKTINFO`
//!   (`ipi_addr` as the destination, `ipi_ifindex` as the interface),
//!   keeping every field it could read when another message is malformed or
//!   was cut short by the kernel (`MSG_CTRUNC`).
//!   [`Messages`] walks the raw messages for anything else.
//! * [`encode`] writes what a sender may ask for: `IP_PKTINFO` with the
//!   source in `ipi_spec_dst` and the interface index, `IP_TTL` and `IP_TOS`
//!   as `int`s.
//!
//! The decoder checks every header length against the buffer, skips levels
//! and types it does not know, reports the first malformed message as a
//! [`DecodeError`] with its offset (beside what it decoded), and never
//! panics on any bytes (a level 0, type 0 message is simply skipped). It
//! reads and writes bytes only, so the buffer needs no
//! particular alignment and the module has no `unsafe` code.
//!
//! ```
//! use std::net::Ipv4Addr;
//! use ipv4_std::cmsg;
//! use ipv4_std::{ControlFlags, ControlMessage};
//!
//! let sent = ControlMessage {
//!     src: Some(Ipv4Addr::new(198, 51, 100, 1)),
//!     if_index: Some(2),
//!     ..ControlMessage::default()
//! };
//! let mut buf = cmsg::ControlBuffer::new();
//! let n = cmsg::encode(&sent, buf.as_mut_bytes())?;
//! assert_eq!(n, cmsg::encoded_len(&sent));
//! // The kernel would read it; here we walk it back.
//! let m = cmsg::Messages::new(&buf.as_bytes()[..n]).next().unwrap()?;
//! assert_eq!((m.level, m.data.len()), (0, 12)); // IPPROTO_IP, a struct in_pktinfo
//! assert!(cmsg::space(ControlFlags::TTL | ControlFlags::DST) <= cmsg::MAX_SPACE);
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
//!
//! [`cmsg(3)`]: https://man7.org/linux/man-pages/man3/cmsg.3.html
//! [`MsgHdrMut`]: https://docs.rs/socket2/0.6/socket2/struct.MsgHdrMut.html
//! [`MsgHdr`]: https://docs.rs/socket2/0.6/socket2/struct.MsgHdr.html

use std::fmt;
use std::io;
use std::net::Ipv4Addr;

use ipv4_core::control::{ControlFlags, ControlMessage};
use ipv4_core::error::BufferTooSmall;

use crate::sys;

/// How a platform lays out a control buffer and numbers its IPv4 messages:
/// everything the codec knows of the OS, so that it can run with another
/// platform's description (a test on Linux of the macOS layout, say) as
/// well as with the host's, [`sys::CMSG_LAYOUT`], which the public
/// functions use.
///
/// The family modules under `sys` each give one; the per-platform values
/// are in `sys/layouts.rs`, checked there against each platform's headers.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Layout {
    /// The unit `CMSG_ALIGN` rounds to (a `size_t` on Linux, 4 on macOS).
    pub(crate) align: usize,
    /// `sizeof(struct cmsghdr)`.
    pub(crate) header_len: usize,
    /// Offset and size of `cmsg_len` in the header.
    pub(crate) len_offset: usize,
    /// Size of `cmsg_len`: 8 (a 64-bit `size_t`) or 4.
    pub(crate) len_size: usize,
    /// Offset of `cmsg_level` (an `int`).
    pub(crate) level_offset: usize,
    /// Offset of `cmsg_type` (an `int`).
    pub(crate) type_offset: usize,
    /// `IPPROTO_IP`, the level of every message the codec reads or writes.
    pub(crate) ip_level: i32,
    /// The type of a received TTL (`IP_TTL` on Linux, an `int`;
    /// `IP_RECVTTL` on the BSDs and illumos, a byte).
    pub(crate) recv_ttl: Option<i32>,
    /// The type of a received TOS (a byte).
    pub(crate) recv_tos: Option<i32>,
    /// `IP_PKTINFO` (a `struct in_pktinfo`), where the platform has it,
    /// both ways: destination and interface received, source and
    /// interface sent.
    pub(crate) pktinfo: Option<i32>,
    /// `IP_RECVDSTADDR`: the received destination as a `struct in_addr`.
    pub(crate) recv_dstaddr: Option<i32>,
    /// `IP_RECVIF`: the receiving interface as a `struct sockaddr_dl`,
    /// whose `sdl_index` is at offset 2 on every BSD.
    pub(crate) recv_if: Option<i32>,
    /// The longest `sockaddr_dl` the kernel sends with `IP_RECVIF`.
    pub(crate) link_addr_len: usize,
    /// `IP_SENDSRCADDR`: the source of one datagram as a `struct in_addr`,
    /// on platforms without `IP_PKTINFO`.
    pub(crate) send_src: Option<i32>,
    /// The type that sets one datagram's TTL (an `int`), where the
    /// platform can.
    pub(crate) send_ttl: Option<i32>,
    /// The type that sets one datagram's TOS (an `int`), where the
    /// platform can.
    pub(crate) send_tos: Option<i32>,
}

/// `sizeof(struct in_pktinfo)`.
const PKTINFO_LEN: usize = 12;
/// `sizeof(int)`.
const INT_LEN: usize = 4;
/// `sizeof(struct in_addr)`.
const IN_ADDR_LEN: usize = 4;
/// Bytes of a `sockaddr_dl` up to and including `sdl_index`.
const SDL_INDEX_END: usize = 4;

impl Layout {
    /// `CMSG_ALIGN(len)`.
    pub(crate) const fn align_up(&self, len: usize) -> usize {
        (len + self.align - 1) & !(self.align - 1)
    }

    /// `CMSG_LEN(data_len)`: header plus data, without trailing padding.
    pub(crate) const fn len_of(&self, data_len: usize) -> usize {
        self.align_up(self.header_len) + data_len
    }

    /// `CMSG_SPACE(data_len)`: header plus data plus padding.
    pub(crate) const fn space_of(&self, data_len: usize) -> usize {
        self.align_up(self.header_len) + self.align_up(data_len)
    }

    /// Where a message's data starts, from its header.
    const fn data_offset(&self) -> usize {
        self.align_up(self.header_len)
    }

    /// [`space`] on this platform.
    pub(crate) const fn space(&self, flags: ControlFlags) -> usize {
        let mut n = 0;
        if flags.contains(ControlFlags::TTL) && self.recv_ttl.is_some() {
            n += self.space_of(INT_LEN);
        }
        if self.pktinfo.is_some() {
            if flags.intersects(ControlFlags::DST.union(ControlFlags::INTERFACE)) {
                n += self.space_of(PKTINFO_LEN);
            }
        } else {
            if flags.contains(ControlFlags::DST) && self.recv_dstaddr.is_some() {
                n += self.space_of(IN_ADDR_LEN);
            }
            if flags.contains(ControlFlags::INTERFACE) && self.recv_if.is_some() {
                n += self.space_of(self.link_addr_len);
            }
        }
        if flags.contains(ControlFlags::TOS) && self.recv_tos.is_some() {
            n += self.space_of(1);
        }
        n
    }

    /// [`encoded_len`] on this platform.
    pub(crate) const fn encoded_len(&self, cm: &ControlMessage) -> usize {
        let mut n = 0;
        if (cm.src.is_some() || cm.if_index.is_some()) && self.pktinfo.is_some() {
            n += self.space_of(PKTINFO_LEN);
        } else if cm.src.is_some() && self.send_src.is_some() {
            n += self.space_of(IN_ADDR_LEN);
        }
        if cm.ttl.is_some() && self.send_ttl.is_some() {
            n += self.space_of(INT_LEN);
        }
        if cm.tos.is_some() && self.send_tos.is_some() {
            n += self.space_of(INT_LEN);
        }
        n
    }

    /// The first field of `cm` this platform cannot send with a datagram,
    /// by name, if any.
    pub(crate) const fn unsendable(&self, cm: &ControlMessage) -> Option<&'static str> {
        if cm.if_index.is_some() && self.pktinfo.is_none() {
            Some("if_index")
        } else if cm.src.is_some() && self.pktinfo.is_none() && self.send_src.is_none() {
            Some("src")
        } else if cm.ttl.is_some() && self.send_ttl.is_none() {
            Some("ttl")
        } else if cm.tos.is_some() && self.send_tos.is_none() {
            Some("tos")
        } else {
            None
        }
    }

    /// The largest buffer the codec reads or writes on this platform.
    const fn max_space(&self) -> usize {
        let recv = self.space(ControlFlags::all());
        let send = self.space_of(PKTINFO_LEN) + 2 * self.space_of(INT_LEN);
        if recv > send { recv } else { send }
    }

    /// `cmsg_len` of the header at the start of `b` (at least a header long).
    fn read_len(&self, b: &[u8]) -> usize {
        let field = &b[self.len_offset..self.len_offset + self.len_size];
        if self.len_size == 8 {
            let mut v = [0; 8];
            v.copy_from_slice(field);
            usize::try_from(u64::from_ne_bytes(v)).unwrap_or(usize::MAX)
        } else {
            let mut v = [0; 4];
            v.copy_from_slice(field);
            u32::from_ne_bytes(v) as usize
        }
    }

    /// Writes a header with `cmsg_len` `len` at the start of `out`.
    fn write_header(&self, out: &mut [u8], level: i32, kind: i32, len: usize) {
        let at = self.len_offset;
        if self.len_size == 8 {
            out[at..at + 8].copy_from_slice(&(len as u64).to_ne_bytes());
        } else {
            out[at..at + 4].copy_from_slice(&(len as u32).to_ne_bytes());
        }
        out[self.level_offset..self.level_offset + 4].copy_from_slice(&level.to_ne_bytes());
        out[self.type_offset..self.type_offset + 4].copy_from_slice(&kind.to_ne_bytes());
    }
}

/// The control-buffer bytes needed to receive what `flags` enables:
/// `IP_TTL` (an `int`) for [`ControlFlags::TTL`], one `IP_PKTINFO` for
/// [`ControlFlags::DST`] or [`ControlFlags::INTERFACE`], `IP_TOS` (one byte)
/// for [`ControlFlags::TOS`]. [`ControlFlags::SRC`] needs none: the source
/// comes from the datagram's address.
///
/// On 64-bit Linux: TTL 24, DST/INTERFACE 32, TOS 24, all 80.
pub const fn space(flags: ControlFlags) -> usize {
    sys::CMSG_LAYOUT.space(flags)
}

/// The largest control buffer this module reads or writes: enough for
/// every flag on receive ([`space`] of all flags) and for every field on send
/// ([`encoded_len`] of a full message).
pub const MAX_SPACE: usize = sys::CMSG_LAYOUT.max_space();

/// The size of a [`ControlBuffer`]: every message [`space`] counts, all at
/// once ([`MAX_SPACE`]), plus room for messages enabled behind a wrapper's
/// back, on the same socket, through another wrapper or `get_ref()`: a
/// socket-level timestamp (`SO_TIMESTAMPING`, three `timespec`s) and a full
/// 40-byte IP options area (`IP_RECVOPTS`). The crate's receive calls always
/// hand the kernel this much, so such a message does not push out the ones
/// that were asked for.
///
/// 256 bytes on Linux and Android; 512 elsewhere, where `IP_RECVIF`'s
/// `sockaddr_dl` alone takes up to a hundred.
pub const BUFFER_LEN: usize = if cfg!(any(target_os = "linux", target_os = "android")) {
    256
} else {
    512
};

const _: () = assert!(
    BUFFER_LEN >= MAX_SPACE + sys::CMSG_LAYOUT.space_of(3 * 16) + sys::CMSG_LAYOUT.space_of(40)
);

/// A control buffer of [`BUFFER_LEN`] bytes, aligned for `struct cmsghdr`,
/// meant to live on the stack.
///
/// The codec itself does not need alignment, but C code and the `CMSG_*`
/// macros do, so a buffer handed to the kernel or to other code should be
/// one of these.
#[derive(Clone, Copy)]
#[repr(C, align(8))]
pub struct ControlBuffer {
    bytes: [u8; BUFFER_LEN],
}

impl ControlBuffer {
    /// A zeroed buffer.
    pub const fn new() -> ControlBuffer {
        ControlBuffer {
            bytes: [0; BUFFER_LEN],
        }
    }

    /// The bytes.
    pub fn as_bytes(&self) -> &[u8] {
        &self.bytes
    }

    /// The bytes, for the kernel or [`encode`] to fill.
    pub fn as_mut_bytes(&mut self) -> &mut [u8] {
        &mut self.bytes
    }
}

impl Default for ControlBuffer {
    fn default() -> ControlBuffer {
        ControlBuffer::new()
    }
}

impl fmt::Debug for ControlBuffer {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ControlBuffer")
            .field("len", &BUFFER_LEN)
            .finish_non_exhaustive()
    }
}

/// Why a control buffer could not be decoded. Every variant carries the
/// byte offset of the offending message header within the buffer.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum DecodeError {
    /// A message header's `cmsg_len` is shorter than the header itself.
    HeaderLength {
        /// Offset of the message header.
        offset: usize,
        /// The `cmsg_len` found.
        found: usize,
        /// The header size, the smallest valid `cmsg_len`.
        minimum: usize,
    },
    /// A message claims more bytes than the buffer holds after it.
    Truncated {
        /// Offset of the message header.
        offset: usize,
        /// The `cmsg_len` found.
        declared: usize,
        /// Bytes left in the buffer from `offset`.
        available: usize,
    },
    /// A known message's data has a length it can never have.
    DataLength {
        /// Offset of the message header.
        offset: usize,
        /// The message, e.g. `"IP_PKTINFO"`.
        message: &'static str,
        /// The lengths it may have, e.g. `"12"` or `"1 or 4"`.
        expected: &'static str,
        /// The data length found.
        found: usize,
    },
    /// A known message holds a value out of its range.
    Value {
        /// Offset of the message header.
        offset: usize,
        /// The message and field, e.g. `"IP_TTL"`.
        message: &'static str,
        /// The value found.
        found: i64,
    },
}

impl fmt::Display for DecodeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match *self {
            DecodeError::HeaderLength {
                offset,
                found,
                minimum,
            } => write!(
                f,
                "the control message at offset {offset} has length {found}, shorter than its {minimum}-byte header"
            ),
            DecodeError::Truncated {
                offset,
                declared,
                available,
            } => write!(
                f,
                "the control message at offset {offset} has length {declared} but only {available} bytes remain in the buffer"
            ),
            DecodeError::DataLength {
                offset,
                message,
                expected,
                found,
            } => write!(
                f,
                "the {message} control message at offset {offset} carries {found} data bytes where {expected} were expected"
            ),
            DecodeError::Value {
                offset,
                message,
                found,
            } => write!(
                f,
                "the {message} control message at offset {offset} holds {found}, which is out of range"
            ),
        }
    }
}

impl std::error::Error for DecodeError {}

impl From<DecodeError> for io::Error {
    fn from(e: DecodeError) -> io::Error {
        io::Error::new(io::ErrorKind::InvalidData, e)
    }
}

/// One raw control message.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Message<'a> {
    /// Offset of its header in the buffer.
    pub offset: usize,
    /// `cmsg_level`, e.g. `IPPROTO_IP` (0).
    pub level: i32,
    /// `cmsg_type`, e.g. `IP_PKTINFO` (8 on Linux).
    pub kind: i32,
    /// The data, `cmsg_len` minus the header.
    pub data: &'a [u8],
}

/// An iterator over the messages of a control buffer (the `CMSG_FIRSTHDR` /
/// `CMSG_NXTHDR` walk, bounds-checked).
///
/// It stops at the end of the buffer, or when less than a header remains
/// (a final message may lack its trailing padding). A malformed header yields
/// one `Err` and ends the walk.
#[derive(Debug, Clone)]
pub struct Messages<'a> {
    buf: &'a [u8],
    offset: usize,
    layout: Layout,
}

impl<'a> Messages<'a> {
    /// Walks `buf`, the first `msg_controllen` bytes of a control buffer.
    pub fn new(buf: &'a [u8]) -> Messages<'a> {
        Messages::with_layout(buf, sys::CMSG_LAYOUT)
    }

    /// Walks `buf` laid out as `layout` says.
    pub(crate) fn with_layout(buf: &'a [u8], layout: Layout) -> Messages<'a> {
        Messages {
            buf,
            offset: 0,
            layout,
        }
    }
}

fn read_ne_i32(b: &[u8], at: usize) -> i32 {
    let mut v = [0; 4];
    v.copy_from_slice(&b[at..at + 4]);
    i32::from_ne_bytes(v)
}

impl<'a> Iterator for Messages<'a> {
    type Item = Result<Message<'a>, DecodeError>;

    fn next(&mut self) -> Option<Self::Item> {
        let offset = self.offset;
        let rest = self.buf.get(offset..)?;
        let layout = self.layout;
        if rest.len() < layout.header_len {
            self.offset = self.buf.len();
            return None;
        }
        let len = layout.read_len(rest);
        let error = if len < layout.header_len {
            Some(DecodeError::HeaderLength {
                offset,
                found: len,
                minimum: layout.header_len,
            })
        } else if len > rest.len() {
            Some(DecodeError::Truncated {
                offset,
                declared: len,
                available: rest.len(),
            })
        } else {
            None
        };
        if let Some(e) = error {
            self.offset = self.buf.len();
            return Some(Err(e));
        }
        let message = Message {
            offset,
            level: read_ne_i32(rest, layout.level_offset),
            kind: read_ne_i32(rest, layout.type_offset),
            data: rest.get(layout.data_offset()..len).unwrap_or_default(),
        };
        self.offset = offset
            .saturating_add(layout.align_up(len))
            .min(self.buf.len());
        Some(Ok(message))
    }
}

/// What [`decode`] made of a control buffer: every field it could read, and
/// the first message it could not.
///
/// A bad message never hides the good ones: a malformed `IP_TTL` still
/// leaves the `IP_PKTINFO` next to it decoded.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Decoded {
    /// The fields decoded (`src` is never set: the source is the datagram's
    /// address).
    pub control: ControlMessage,
    /// The first message that could not be decoded, if any. After a framing
    /// error ([`DecodeError::HeaderLength`], [`DecodeError::Truncated`]) the
    /// rest of the buffer cannot be walked and is not read.
    pub error: Option<DecodeError>,
}

/// Decodes the IPv4 control messages of a received control buffer.
///
/// `buf` is the first `msg_controllen` bytes. `IP_TTL`, `IP_TOS` and
/// `IP_PKTINFO` at level `IPPROTO_IP` fill `ttl`, `tos`, `dst` and
/// `if_index`; every other message is skipped. An `ipi_ifindex` of 0 (which
/// Linux reports when it recorded no interface, e.g. for a datagram queued
/// before `IP_PKTINFO` was turned on) leaves `if_index` empty. `src` is
/// never set here: the source is the datagram's address (`msg_name`), which
/// the caller has. `IP_TTL` and `IP_TOS` are accepted as a native-endian
/// `int` (Linux) or as a single byte (BSD style).
///
/// `control_truncated` is whether the kernel set `MSG_CTRUNC` on the
/// message. When the control buffer is too small, Linux copies as much of
/// the message that does not fit as there is room for and shortens its
/// `cmsg_len` to match (`put_cmsg` in `net/core/scm.c`), so the last
/// message comes out cut short: with `control_truncated` that message is
/// skipped as lost, not reported as malformed. Without it, a short message
/// is an error.
///
/// Nothing here fails: each message that cannot be decoded leaves its
/// fields empty, and the first such message is reported in
/// [`Decoded::error`] with its offset.
///
/// ```
/// use ipv4_std::cmsg;
///
/// // An IP_TTL message with a TTL of 300 (no TTL is above 255), then a
/// // good IP_TOS: the TOS is kept, the TTL reported.
/// let mut buf = cmsg::ControlBuffer::new();
/// let bytes = buf.as_mut_bytes();
/// let header = |len: usize, kind: i32| {
///     let mut h = [0u8; 16];
///     h[..8].copy_from_slice(&(len as u64).to_ne_bytes());
///     h[12..16].copy_from_slice(&kind.to_ne_bytes());
///     h
/// };
/// # if cfg!(all(target_os = "linux", target_pointer_width = "64")) {
/// const IP_TTL: i32 = 2; // <linux/in.h>
/// const IP_TOS: i32 = 1;
/// bytes[..16].copy_from_slice(&header(20, IP_TTL));
/// bytes[16..20].copy_from_slice(&300i32.to_ne_bytes());
/// bytes[24..40].copy_from_slice(&header(20, IP_TOS));
/// bytes[40..44].copy_from_slice(&0x2ei32.to_ne_bytes());
/// let d = cmsg::decode(&buf.as_bytes()[..48], false);
/// assert_eq!((d.control.ttl, d.control.tos), (None, Some(0x2e)));
/// assert!(matches!(d.error, Some(cmsg::DecodeError::Value { offset: 0, found: 300, .. })));
/// # }
/// ```
pub fn decode(buf: &[u8], control_truncated: bool) -> Decoded {
    decode_with(&sys::CMSG_LAYOUT, buf, control_truncated)
}

/// [`decode`] of a buffer laid out as `layout` says.
pub(crate) fn decode_with(layout: &Layout, buf: &[u8], control_truncated: bool) -> Decoded {
    let mut decoded = Decoded::default();
    let mut messages = Messages::with_layout(buf, *layout);
    while let Some(message) = messages.next() {
        // The kernel shortens only the message it cuts, and that one is last.
        let cut_short = control_truncated && messages.clone().next().is_none();
        let result = message.and_then(|m| decode_one(layout, &mut decoded.control, m));
        match result {
            Ok(()) => {}
            Err(DecodeError::DataLength { .. }) if cut_short => {}
            Err(e) => {
                decoded.error.get_or_insert(e);
            }
        }
    }
    decoded
}

/// Decodes one message into `cm`; a message this module does not know is
/// skipped.
fn decode_one(
    layout: &Layout,
    cm: &mut ControlMessage,
    message: Message<'_>,
) -> Result<(), DecodeError> {
    let Message {
        offset,
        level,
        kind,
        data,
    } = message;
    if level != layout.ip_level {
        return Ok(());
    }
    let kind = Some(kind);
    if kind == layout.recv_ttl {
        cm.ttl = Some(byte_or_int(offset, "IP_TTL", data)?);
    } else if kind == layout.recv_tos {
        cm.tos = Some(byte_or_int(offset, "IP_TOS", data)?);
    } else if kind == layout.pktinfo {
        if data.len() < PKTINFO_LEN {
            return Err(DecodeError::DataLength {
                offset,
                message: "IP_PKTINFO",
                expected: "12",
                found: data.len(),
            });
        }
        let index = read_ne_i32(data, 0);
        let index = u32::try_from(index).map_err(|_| DecodeError::Value {
            offset,
            message: "IP_PKTINFO interface index",
            found: i64::from(index),
        })?;
        // No interface has index 0; the kernel reports 0 when it did
        // not record one (a datagram queued before IP_PKTINFO was
        // turned on, or looped back to a raw socket).
        cm.if_index = (index != 0).then_some(index);
        // ipi_spec_dst (bytes 4..8) is the local address a reply
        // would come from; ipi_addr (8..12) is the header's
        // destination.
        cm.dst = Some(ipv4_at(data, 8));
    } else if kind == layout.recv_dstaddr {
        if data.len() != IN_ADDR_LEN {
            return Err(DecodeError::DataLength {
                offset,
                message: "IP_RECVDSTADDR",
                expected: "4",
                found: data.len(),
            });
        }
        cm.dst = Some(ipv4_at(data, 0));
    } else if kind == layout.recv_if {
        // struct sockaddr_dl: sdl_len and sdl_family (a byte each), then
        // sdl_index, a native-endian u_short.
        if data.len() < SDL_INDEX_END {
            return Err(DecodeError::DataLength {
                offset,
                message: "IP_RECVIF",
                expected: "at least 4",
                found: data.len(),
            });
        }
        let index = u16::from_ne_bytes([data[2], data[3]]);
        cm.if_index = (index != 0).then_some(u32::from(index));
    }
    Ok(())
}

/// The IPv4 address in the four bytes of `data` at `at` (in bounds).
fn ipv4_at(data: &[u8], at: usize) -> Ipv4Addr {
    let mut a = [0; 4];
    a.copy_from_slice(&data[at..at + 4]);
    Ipv4Addr::from(a)
}

fn byte_or_int(offset: usize, message: &'static str, data: &[u8]) -> Result<u8, DecodeError> {
    match data.len() {
        1 => Ok(data[0]),
        INT_LEN => {
            let v = read_ne_i32(data, 0);
            u8::try_from(v).map_err(|_| DecodeError::Value {
                offset,
                message,
                found: i64::from(v),
            })
        }
        found => Err(DecodeError::DataLength {
            offset,
            message,
            expected: "1 or 4",
            found,
        }),
    }
}

/// The bytes [`encode`] writes for `cm`: one `IP_PKTINFO` if `src` or
/// `if_index` is set, one `IP_TTL` if `ttl` is, one `IP_TOS` if `tos` is.
pub const fn encoded_len(cm: &ControlMessage) -> usize {
    sys::CMSG_LAYOUT.encoded_len(cm)
}

/// Why [`encode`] wrote nothing.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum EncodeError {
    /// The buffer is shorter than [`encoded_len`] of the message.
    BufferTooSmall(BufferTooSmall),
    /// The interface index is above `i32::MAX`: `ipi_ifindex` is a C `int`,
    /// and the kernel would read it as a negative index.
    InterfaceIndex {
        /// The index given.
        index: u32,
    },
    /// This platform cannot set the field for one datagram: no control
    /// message carries it (the source on DragonFly, the TTL on the BSDs,
    /// every field on Windows). It is refused rather than dropped, so that
    /// a datagram never leaves other than asked.
    Unsupported {
        /// The field of [`ControlMessage`]: `"src"`, `"if_index"`,
        /// `"ttl"` or `"tos"`.
        field: &'static str,
    },
}

impl fmt::Display for EncodeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            EncodeError::BufferTooSmall(e) => e.fmt(f),
            EncodeError::InterfaceIndex { index } => write!(
                f,
                "interface index {index} is out of range: the kernel takes indexes up to {} (a C int)",
                i32::MAX
            ),
            EncodeError::Unsupported { field } => write!(
                f,
                "this platform has no control message that sets `{field}` for one datagram"
            ),
        }
    }
}

impl std::error::Error for EncodeError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            EncodeError::BufferTooSmall(e) => Some(e),
            EncodeError::InterfaceIndex { .. } | EncodeError::Unsupported { .. } => None,
        }
    }
}

impl From<EncodeError> for io::Error {
    /// An [`InvalidInput`](io::ErrorKind::InvalidInput) error: the message
    /// or the buffer given cannot be sent; for
    /// [`EncodeError::Unsupported`] an
    /// [`Unsupported`](io::ErrorKind::Unsupported) one.
    fn from(e: EncodeError) -> io::Error {
        let kind = match e {
            EncodeError::Unsupported { .. } => io::ErrorKind::Unsupported,
            _ => io::ErrorKind::InvalidInput,
        };
        io::Error::new(kind, e)
    }
}

/// Encodes what a sender may ask of one datagram into `buf` and returns the
/// number of bytes written (the `msg_controllen` to pass), which is
/// [`encoded_len`]`(cm)`.
///
/// * `src` and `if_index` become one `IP_PKTINFO`: the source address goes
///   in `ipi_spec_dst` (which is what Linux uses to pick the source; `ipi_addr`
///   is ignored on send) and the index in `ipi_ifindex` (0 when absent; an
///   index above `i32::MAX` is an error, see below).
/// * `ttl` becomes `IP_TTL` (an `int`; Linux rejects 0 with `EINVAL`).
/// * `tos` becomes `IP_TOS` (an `int`).
/// * `dst` is not sent: the destination is the `sendmsg` address.
///
/// Bytes written include zeroed padding, so no stale buffer content leaks to
/// the kernel.
///
/// # Errors
///
/// Writing nothing: [`EncodeError::InterfaceIndex`] for an `if_index` above
/// `i32::MAX`, which no interface has and `ipi_ifindex` cannot hold;
/// [`EncodeError::BufferTooSmall`] if `buf` is shorter than
/// [`encoded_len`]`(cm)`. Both convert to an
/// [`InvalidInput`](io::ErrorKind::InvalidInput) [`io::Error`].
/// [`EncodeError::Unsupported`] (an
/// [`Unsupported`](io::ErrorKind::Unsupported) [`io::Error`]) for a field
/// this platform cannot send with a datagram (see the README's platform
/// table); on Linux every field can be sent.
pub fn encode(cm: &ControlMessage, buf: &mut [u8]) -> Result<usize, EncodeError> {
    encode_with(&sys::CMSG_LAYOUT, cm, buf)
}

/// [`encode`] into a buffer laid out as `layout` says; a field the
/// platform cannot send per datagram is an error.
pub(crate) fn encode_with(
    layout: &Layout,
    cm: &ControlMessage,
    buf: &mut [u8],
) -> Result<usize, EncodeError> {
    let index = match cm.if_index {
        Some(index) => {
            crate::sys::interface_index(index).ok_or(EncodeError::InterfaceIndex { index })?
        }
        None => 0,
    };
    if let Some(field) = layout.unsendable(cm) {
        return Err(EncodeError::Unsupported { field });
    }
    let total = layout.encoded_len(cm);
    let Some(out) = buf.get_mut(..total) else {
        return Err(EncodeError::BufferTooSmall(BufferTooSmall {
            what: "IPv4 control messages",
            required: total,
            found: buf.len(),
        }));
    };
    out.fill(0);
    let mut at = 0;
    let data = layout.data_offset();
    if let Some(pktinfo) = layout.pktinfo
        && (cm.src.is_some() || cm.if_index.is_some())
    {
        let m = &mut out[at..at + layout.space_of(PKTINFO_LEN)];
        layout.write_header(m, layout.ip_level, pktinfo, layout.len_of(PKTINFO_LEN));
        m[data..data + 4].copy_from_slice(&index.to_ne_bytes());
        m[data + 4..data + 8].copy_from_slice(&cm.src.unwrap_or(Ipv4Addr::UNSPECIFIED).octets());
        at += layout.space_of(PKTINFO_LEN);
    } else if let (Some(kind), Some(src)) = (layout.send_src, cm.src) {
        let m = &mut out[at..at + layout.space_of(IN_ADDR_LEN)];
        layout.write_header(m, layout.ip_level, kind, layout.len_of(IN_ADDR_LEN));
        m[data..data + IN_ADDR_LEN].copy_from_slice(&src.octets());
        at += layout.space_of(IN_ADDR_LEN);
    }
    for (value, kind) in [(cm.ttl, layout.send_ttl), (cm.tos, layout.send_tos)] {
        if let (Some(v), Some(kind)) = (value, kind) {
            let m = &mut out[at..at + layout.space_of(INT_LEN)];
            layout.write_header(m, layout.ip_level, kind, layout.len_of(INT_LEN));
            m[data..data + INT_LEN].copy_from_slice(&i32::from(v).to_ne_bytes());
            at += layout.space_of(INT_LEN);
        }
    }
    Ok(total)
}

// The host's codec on Linux and Android, against the kernel's captures.
// Every platform's layout is tested in `platform_tests`, on any host.
#[cfg(all(test, any(target_os = "linux", target_os = "android")))]
mod tests {
    use super::*;

    const L: Layout = sys::CMSG_LAYOUT;
    const HEADER_LEN: usize = L.header_len;
    const IP: i32 = L.ip_level;
    const TTL: i32 = unwrap(L.recv_ttl);
    const TOS: i32 = unwrap(L.recv_tos);
    const PKTINFO: i32 = unwrap(L.pktinfo);

    const fn unwrap(n: Option<i32>) -> i32 {
        match n {
            Some(n) => n,
            None => panic!("Linux has every message"),
        }
    }

    const fn align(n: usize) -> usize {
        L.align_up(n)
    }

    const fn cmsg_len(n: usize) -> usize {
        L.len_of(n)
    }

    const fn cmsg_space(n: usize) -> usize {
        L.space_of(n)
    }

    /// Decodes `b`, asserting that every message decoded.
    fn ok(b: &[u8]) -> ControlMessage {
        let d = decode(b, false);
        assert_eq!(d.error, None, "{b:02x?}");
        d.control
    }

    /// The error of decoding `b`.
    fn err(b: &[u8]) -> DecodeError {
        decode(b, false).error.expect("a decode error")
    }

    fn hex(s: &str) -> Vec<u8> {
        let s: String = s.split_whitespace().collect();
        (0..s.len())
            .step_by(2)
            .map(|i| u8::from_str_radix(&s[i..i + 2], 16).unwrap())
            .collect()
    }

    // Go §3.3: the kernel's own buffer for TTL|DST|INTERFACE on loopback.
    #[cfg(all(target_pointer_width = "64", target_endian = "little"))]
    #[test]
    fn decodes_kernel_capture() {
        let b = hex(
            "1c000000 00000000 00000000 08000000 01000000 7f000001 7f000001 00000000
             14000000 00000000 00000000 02000000 11000000 00000000",
        );
        let cm = ok(&b);
        assert_eq!(cm.ttl, Some(17));
        assert_eq!(cm.if_index, Some(1));
        assert_eq!(cm.dst, Some(Ipv4Addr::LOCALHOST));
        assert_eq!(cm.src, None);
        assert_eq!(cm.tos, None);
        assert_eq!(
            space(ControlFlags::TTL | ControlFlags::DST | ControlFlags::INTERFACE),
            56
        );
        assert_eq!(space(ControlFlags::TTL), 24);
        assert_eq!(space(ControlFlags::DST), 32);
        assert_eq!(space(ControlFlags::SRC), 0);
    }

    // Go §4.3: Marshal's exact bytes for pktinfo.
    #[cfg(all(target_pointer_width = "64", target_endian = "little"))]
    #[test]
    fn encodes_pktinfo_like_go() {
        let mut buf = ControlBuffer::new();
        let cases = [
            (
                ControlMessage {
                    if_index: Some(7),
                    ..ControlMessage::default()
                },
                "1c000000 00000000 00000000 08000000 07000000 00000000 00000000 00000000",
            ),
            (
                ControlMessage {
                    src: Some(Ipv4Addr::new(10, 1, 2, 3)),
                    ..ControlMessage::default()
                },
                "1c000000 00000000 00000000 08000000 00000000 0a010203 00000000 00000000",
            ),
            (
                ControlMessage {
                    src: Some(Ipv4Addr::LOCALHOST),
                    if_index: Some(1),
                    dst: Some(Ipv4Addr::new(1, 2, 3, 4)),
                    ..ControlMessage::default()
                },
                "1c000000 00000000 00000000 08000000 01000000 7f000001 00000000 00000000",
            ),
        ];
        for (cm, want) in cases {
            buf.as_mut_bytes().fill(0xaa);
            let n = encode(&cm, buf.as_mut_bytes()).unwrap();
            assert_eq!(&buf.as_bytes()[..n], &hex(want)[..], "{cm}");
        }
        // Nothing to send: no bytes (Go returns nil for {} and {dst}).
        let only_dst = ControlMessage {
            dst: Some(Ipv4Addr::LOCALHOST),
            ..ControlMessage::default()
        };
        assert_eq!(encode(&only_dst, buf.as_mut_bytes()), Ok(0));
    }

    #[test]
    fn encodes_ttl_and_tos_as_ints() {
        let cm = ControlMessage {
            ttl: Some(5),
            tos: Some(0xb8),
            ..ControlMessage::default()
        };
        let mut buf = ControlBuffer::new();
        let n = encode(&cm, buf.as_mut_bytes()).unwrap();
        let msgs: Vec<_> = Messages::new(&buf.as_bytes()[..n])
            .map(Result::unwrap)
            .collect();
        assert_eq!(msgs.len(), 2);
        assert_eq!((msgs[0].kind, msgs[0].data), (TTL, &5i32.to_ne_bytes()[..]));
        assert_eq!(
            (msgs[1].kind, msgs[1].data),
            (TOS, &0xb8i32.to_ne_bytes()[..])
        );
        let back = ok(&buf.as_bytes()[..n]);
        assert_eq!((back.ttl, back.tos), (Some(5), Some(0xb8)));
    }

    #[test]
    fn short_buffer_is_an_error() {
        let cm = ControlMessage {
            ttl: Some(1),
            if_index: Some(1),
            ..ControlMessage::default()
        };
        let mut small = [0u8; 10];
        let e = encode(&cm, &mut small).unwrap_err();
        let EncodeError::BufferTooSmall(e) = e else {
            panic!("{e:?}")
        };
        assert_eq!(e.required, encoded_len(&cm));
        assert_eq!(e.found, 10);
        assert_eq!(
            io::Error::from(EncodeError::BufferTooSmall(e)).kind(),
            io::ErrorKind::InvalidInput
        );
    }

    // `ipi_ifindex` is a C int: 0x8000_0000 used to be written as
    // -2147483648, which the kernel refuses with ENODEV and `decode` with
    // a range error. Now nothing is written.
    #[test]
    fn interface_index_above_i32_max_is_refused() {
        let mut buf = ControlBuffer::new();
        for index in [0x8000_0000, u32::MAX] {
            let cm = ControlMessage {
                if_index: Some(index),
                ttl: Some(9),
                ..ControlMessage::default()
            };
            buf.as_mut_bytes().fill(0xaa);
            let e = encode(&cm, buf.as_mut_bytes()).unwrap_err();
            assert_eq!(e, EncodeError::InterfaceIndex { index });
            assert!(e.to_string().contains(&index.to_string()), "{e}");
            assert!(buf.as_bytes().iter().all(|&b| b == 0xaa), "nothing written");
            let io = io::Error::from(e);
            assert_eq!(io.kind(), io::ErrorKind::InvalidInput);
            assert!(io.raw_os_error().is_none());
        }
        let largest = ControlMessage {
            if_index: Some(i32::MAX as u32),
            ..ControlMessage::default()
        };
        let n = encode(&largest, buf.as_mut_bytes()).unwrap();
        let m = Messages::new(&buf.as_bytes()[..n]).next().unwrap().unwrap();
        assert_eq!(&m.data[..4], &i32::MAX.to_ne_bytes());
    }

    fn header(len: usize, level: i32, kind: i32) -> Vec<u8> {
        let mut h = vec![0u8; align(HEADER_LEN)];
        L.write_header(&mut h, level, kind, len);
        h
    }

    // Go's TestControlMessageParseWithFuzz inputs, and the level-0 type-0
    // message that panics Go (§4.3).
    #[test]
    fn go_crashers_do_not_panic() {
        for b in [
            hex("0c000000 00000000 14000000"),
            hex("0c000000 00000000 1a000000"),
            hex("14000000 00000000 00000000 00000000 40000000 00000000"),
        ] {
            let _ = decode(&b, false);
            let _ = decode(&b, true);
        }
        let mut zero = header(cmsg_len(4), 0, 0);
        zero.extend_from_slice(&[0x40, 0, 0, 0]);
        assert_eq!(ok(&zero), ControlMessage::default());
    }

    #[test]
    fn malformed_headers_are_reported_with_offsets() {
        let short = header(3, IP, TTL);
        assert_eq!(
            err(&short),
            DecodeError::HeaderLength {
                offset: 0,
                found: 3,
                minimum: HEADER_LEN
            }
        );
        let mut good = header(cmsg_len(4), IP, TTL);
        good.extend_from_slice(&64i32.to_ne_bytes());
        good.resize(cmsg_space(4), 0);
        let mut long = good.clone();
        long.extend(header(200, IP, TTL));
        assert_eq!(
            err(&long),
            DecodeError::Truncated {
                offset: cmsg_space(4),
                declared: 200,
                available: align(HEADER_LEN)
            }
        );
        let mut bad_pktinfo = header(cmsg_len(8), IP, PKTINFO);
        bad_pktinfo.extend_from_slice(&[0; 8]);
        assert!(matches!(
            err(&bad_pktinfo),
            DecodeError::DataLength {
                message: "IP_PKTINFO",
                found: 8,
                ..
            }
        ));
        let mut big_ttl = header(cmsg_len(4), IP, TTL);
        big_ttl.extend_from_slice(&300i32.to_ne_bytes());
        let e = err(&big_ttl);
        assert_eq!(
            e,
            DecodeError::Value {
                offset: 0,
                message: "IP_TTL",
                found: 300
            }
        );
        assert!(e.to_string().contains("300"));
        // Trailing bytes shorter than a header, and a final message without
        // its padding, are accepted.
        let mut tail = good.clone();
        tail.extend_from_slice(&[1, 2, 3]);
        assert_eq!(ok(&tail).ttl, Some(64));
        let unpadded = &good[..cmsg_len(4)];
        assert_eq!(ok(unpadded).ttl, Some(64));
    }

    // One bad message leaves the others decoded (before, the whole buffer
    // was an error and the good fields were lost).
    #[test]
    fn a_bad_message_keeps_the_good_ones() {
        let mut b = header(cmsg_len(4), IP, TTL);
        b.extend_from_slice(&300i32.to_ne_bytes());
        b.resize(cmsg_space(4), 0);
        let mut pktinfo = header(cmsg_len(PKTINFO_LEN), IP, PKTINFO);
        pktinfo.extend_from_slice(&3i32.to_ne_bytes());
        pktinfo.extend_from_slice(&[127, 0, 0, 1, 127, 0, 0, 9]);
        pktinfo.resize(cmsg_space(PKTINFO_LEN), 0);
        b.extend(pktinfo);
        let mut tos = header(cmsg_len(1), IP, TOS);
        tos.push(0xb8);
        tos.resize(cmsg_space(1), 0);
        b.extend(tos);
        let d = decode(&b, false);
        assert_eq!(d.control.ttl, None);
        assert_eq!(d.control.if_index, Some(3));
        assert_eq!(d.control.dst, Some(Ipv4Addr::new(127, 0, 0, 9)));
        assert_eq!(d.control.tos, Some(0xb8));
        assert!(matches!(
            d.error,
            Some(DecodeError::Value {
                offset: 0,
                found: 300,
                ..
            })
        ));
        // Two bad messages: the first is reported.
        let mut twice = b.clone();
        twice.extend_from_slice(&b[..cmsg_space(4)]);
        assert!(matches!(
            decode(&twice, false).error,
            Some(DecodeError::Value { offset: 0, .. })
        ));
    }

    // What Linux's put_cmsg leaves when IP_PKTINFO meets a full control
    // buffer: its cmsg_len shortened to the room left (here 8 of its 12
    // data bytes) and MSG_CTRUNC set. With the flag that last message is
    // lost, not malformed; the TTL before it is kept either way.
    #[test]
    fn a_message_cut_by_the_kernel_is_truncation_not_an_error() {
        let mut b = header(cmsg_len(4), IP, TTL);
        b.extend_from_slice(&64i32.to_ne_bytes());
        b.resize(cmsg_space(4), 0);
        let mut cut = header(cmsg_len(8), IP, PKTINFO);
        cut.extend_from_slice(&[1, 0, 0, 0, 127, 0, 0, 1]);
        b.extend(cut);
        let d = decode(&b, true);
        assert_eq!(d.error, None);
        assert_eq!(d.control.ttl, Some(64));
        assert_eq!((d.control.dst, d.control.if_index), (None, None));
        // Without MSG_CTRUNC the same bytes are a malformed message.
        let d = decode(&b, false);
        assert_eq!(d.control.ttl, Some(64));
        assert!(matches!(
            d.error,
            Some(DecodeError::DataLength { found: 8, .. })
        ));
        // Only the last message can have been cut: a short one before
        // another is malformed even under MSG_CTRUNC.
        let mut early = b[cmsg_space(4)..].to_vec();
        early.resize(align(early.len()), 0);
        early.extend_from_slice(&b[..cmsg_space(4)]);
        let d = decode(&early, true);
        assert_eq!(d.control.ttl, Some(64));
        assert!(d.error.is_some());
    }

    // TTL and TOS as a single byte (BSD style) and unknown messages skipped.
    #[test]
    fn byte_forms_and_unknown_messages() {
        let mut b = header(cmsg_len(1), IP, TOS);
        b.push(0x2e);
        b.resize(cmsg_space(1), 0);
        let mut other = header(cmsg_len(8), sys::SOL_SOCKET, sys::SO_TIMESTAMP);
        other.extend_from_slice(&[9; 8]);
        b.extend(other);
        let mut unknown_ip = header(cmsg_len(2), IP, 99);
        unknown_ip.extend_from_slice(&[1, 2]);
        unknown_ip.resize(cmsg_space(2), 0);
        b.extend(unknown_ip);
        let cm = ok(&b);
        assert_eq!(cm.tos, Some(0x2e));
        assert_eq!(cm.flags(), ControlFlags::TOS);
        assert_eq!(Messages::new(&b).count(), 3);
    }
}
