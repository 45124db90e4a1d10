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
//!   `IP_RECVOPTS` and `IP_RETOPTS` (an [`OptionsArea`] each, read with
//!   the core's options walker), `IP_CHECKSUM` (a folded 16-bit sum),
//!   `IP_ORIGDSTADDR` and `IP_RECVFRAGSIZE` (the largest fragment's size),
//!   keeping every field it could read when another message is malformed
//!   or was cut short by the kernel (`MSG_CTRUNC`).
//!   [`Messages`] walks the raw messages for anything else.
//! * [`encode`] writes what a sender may ask for: `IP_PKTINFO` with the
//!   source in `ipi_spec_dst` and the interface index, `IP_TTL` and `IP_TOS`
//!   as `int`s, and the datagram's own IP options as `IP_RETOPTS`.
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
use std::net::{Ipv4Addr, SocketAddrV4};

use ipv4_core::control::{ControlFlags, ControlMessage};
use ipv4_core::error::{BufferTooSmall, OptionError, OptionsBuildError};
use ipv4_core::options::OptionsArea;

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
    /// The type that sets one datagram's TOS, where the platform can.
    pub(crate) send_tos: Option<i32>,
    /// The size of that TOS: 4 (an `int`: Linux, macOS) or 1 (a `u_char`:
    /// FreeBSD's `udp_output` takes exactly `CMSG_LEN(1)`).
    pub(crate) send_tos_len: usize,
    /// The type of a received datagram's IP options (`IP_RECVOPTS`), where
    /// the platform reports them.
    pub(crate) recv_options: Option<i32>,
    /// The type of the options for a reply, received, and of one
    /// datagram's options, sent (`IP_RETOPTS`), where the platform has it.
    pub(crate) return_options: Option<i32>,
    /// The type of a received datagram's partial checksum (`IP_CHECKSUM`),
    /// where the platform reports it.
    pub(crate) checksum: Option<i32>,
    /// The type of a received original destination (`IP_ORIGDSTADDR`, a
    /// `struct sockaddr_in`), where the platform has it.
    pub(crate) orig_dst: Option<i32>,
    /// The type of a received largest-fragment size (`IP_RECVFRAGSIZE`, an
    /// `int`), where the platform reports it.
    pub(crate) frag_size: Option<i32>,
}

/// `sizeof(struct in_pktinfo)`.
const PKTINFO_LEN: usize = 12;
/// `sizeof(int)`, and of the `__wsum` of `IP_CHECKSUM`.
const INT_LEN: usize = 4;
/// `sizeof(struct sockaddr_in)`.
const SOCKADDR_IN_LEN: usize = 16;
/// The most bytes of IP options a message carries.
const OPTIONS_LEN: usize = ipv4_core::options::MAX_OPTIONS_LEN;
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
        if flags.contains(ControlFlags::OPTIONS) && self.recv_options.is_some() {
            n += self.space_of(OPTIONS_LEN);
        }
        if flags.contains(ControlFlags::RETURN_OPTIONS) && self.return_options.is_some() {
            n += self.space_of(OPTIONS_LEN);
        }
        if flags.contains(ControlFlags::CHECKSUM) && self.checksum.is_some() {
            n += self.space_of(INT_LEN);
        }
        if flags.contains(ControlFlags::ORIG_DST) && self.orig_dst.is_some() {
            n += self.space_of(SOCKADDR_IN_LEN);
        }
        if flags.contains(ControlFlags::FRAG_SIZE) && self.frag_size.is_some() {
            n += self.space_of(INT_LEN);
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
            n += self.space_of(self.send_tos_len);
        }
        if let Some(options) = &cm.options
            && self.return_options.is_some()
        {
            n += self.space_of(options.buffer_len());
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
        let send =
            self.space_of(PKTINFO_LEN) + 2 * self.space_of(INT_LEN) + self.space_of(OPTIONS_LEN);
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
/// for [`ControlFlags::TOS`], up to 40 bytes of options each for
/// [`ControlFlags::OPTIONS`] (`IP_RECVOPTS`) and
/// [`ControlFlags::RETURN_OPTIONS`] (`IP_RETOPTS`), a 32-bit sum for
/// [`ControlFlags::CHECKSUM`], one `IP_ORIGDSTADDR` (a `sockaddr_in`) for
/// [`ControlFlags::ORIG_DST`], and one `IP_RECVFRAGSIZE` (an `int`) for
/// [`ControlFlags::FRAG_SIZE`]. [`ControlFlags::SRC`] needs none: the source
/// comes from the datagram's address.
///
/// On 64-bit Linux: TTL 24, DST/INTERFACE 32, TOS 24, OPTIONS 56,
/// RETURN_OPTIONS 56, CHECKSUM 24, ORIG_DST 32, FRAG_SIZE 24; all 272.
pub const fn space(flags: ControlFlags) -> usize {
    sys::CMSG_LAYOUT.space(flags)
}

/// The largest control buffer this module reads or writes: enough for
/// every flag on receive ([`space`] of all flags) and for every field on send
/// ([`encoded_len`] of a full message).
pub const MAX_SPACE: usize = sys::CMSG_LAYOUT.max_space();

/// The size of a [`ControlBuffer`]: every message [`decode`] reads, all at
/// once ([`MAX_SPACE`]), plus room for messages enabled behind a wrapper's
/// back, on the same socket, through another wrapper or `get_ref()`: a
/// socket-level timestamp (`SO_TIMESTAMPING`, three `timespec`s) and, where
/// [`MAX_SPACE`] does not count it already, a full 40-byte IP options area
/// (`IP_RECVOPTS`). The crate's receive calls always hand the kernel this
/// much, so such a message does not push out the ones that were asked for.
/// 336 bytes on 64-bit Linux.
pub const BUFFER_LEN: usize = MAX_SPACE
    + sys::CMSG_LAYOUT.space_of(3 * 16)
    + if sys::CMSG_LAYOUT.recv_options.is_some() {
        0
    } else {
        sys::CMSG_LAYOUT.space_of(40)
    };

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
    /// An `IP_RECVOPTS` or `IP_RETOPTS` message holds options the walker
    /// cannot frame.
    Options {
        /// Offset of the message header.
        offset: usize,
        /// The message, e.g. `"IP_RECVOPTS"`.
        message: &'static str,
        /// What is wrong, at its offset in the options.
        error: OptionError,
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
            DecodeError::Options {
                offset,
                message,
                error,
            } => write!(
                f,
                "the {message} control message at offset {offset} holds malformed IP options: {error}"
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

impl std::error::Error for DecodeError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            DecodeError::Options { error, .. } => Some(error),
            _ => None,
        }
    }
}

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

    // Inlined: an out-of-line `next` returns its `Option<Result<..>>`
    // through memory, and reading it back right after the callee's narrower
    // stores stalled store forwarding in every loop of `decode`.
    #[inline(always)]
    fn next(&mut self) -> Option<Self::Item> {
        let offset = self.offset;
        let rest = self.buf.get(offset..)?;
        let layout = &self.layout;
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
/// `if_index`, `IP_RECVOPTS`, `IP_RETOPTS` and `IP_CHECKSUM` fill
/// `options`, `return_options` and `checksum`, `IP_ORIGDSTADDR` (a
/// `struct sockaddr_in`) fills `orig_dst`, and `IP_RECVFRAGSIZE` (an `int`)
/// fills `frag_size`; every other message is skipped. An `ipi_ifindex` of 0 (which
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

/// [`decode`] of a buffer laid out as `layout` says (inlined into
/// [`decode`], where the layout is a constant).
#[inline]
pub(crate) fn decode_with(layout: &Layout, buf: &[u8], control_truncated: bool) -> Decoded {
    let mut decoded = Decoded::default();
    let mut messages = Messages::with_layout(buf, *layout);
    while let Some(message) = messages.next() {
        // The kernel shortens only the message it cuts, and that one is last.
        let cut_short = control_truncated && messages.clone().next().is_none();
        let result = message.and_then(|m| decode_one(layout, &mut decoded.control, m));
        match result {
            Ok(()) => {}
            // A cut options area reads as unframed options.
            Err(DecodeError::DataLength { .. } | DecodeError::Options { .. }) if cut_short => {}
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
    } else if kind == layout.recv_options {
        cm.options = Some(options_area(offset, "IP_RECVOPTS", data)?);
    } else if kind == layout.return_options {
        cm.return_options = Some(options_area(offset, "IP_RETOPTS", data)?);
    } else if kind == layout.checksum {
        int_sized(offset, "IP_CHECKSUM", data)?;
        cm.checksum = Some(fold_wsum(read_ne_u32(data, 0)));
    } else if kind == layout.orig_dst {
        cm.orig_dst = Some(sockaddr_in(offset, data)?);
    } else if kind == layout.frag_size {
        int_sized(offset, "IP_RECVFRAGSIZE", data)?;
        let v = read_ne_i32(data, 0);
        cm.frag_size = Some(u16::try_from(v).map_err(|_| DecodeError::Value {
            offset,
            message: "IP_RECVFRAGSIZE",
            found: i64::from(v),
        })?);
    }
    Ok(())
}

/// Checks that a message's data is one `int` (or `__wsum`).
fn int_sized(offset: usize, message: &'static str, data: &[u8]) -> Result<(), DecodeError> {
    if data.len() == INT_LEN {
        Ok(())
    } else {
        Err(DecodeError::DataLength {
            offset,
            message,
            expected: "4",
            found: data.len(),
        })
    }
}

/// The address and port of the `struct sockaddr_in` of an
/// `IP_ORIGDSTADDR` message: `sin_port` and `sin_addr` in network order
/// after the 2-byte family (Linux does not report a BSD `sin_len`).
fn sockaddr_in(offset: usize, data: &[u8]) -> Result<SocketAddrV4, DecodeError> {
    if data.len() < SOCKADDR_IN_LEN {
        return Err(DecodeError::DataLength {
            offset,
            message: "IP_ORIGDSTADDR",
            expected: "16",
            found: data.len(),
        });
    }
    let port = u16::from_be_bytes([data[2], data[3]]);
    let addr = Ipv4Addr::new(data[4], data[5], data[6], data[7]);
    Ok(SocketAddrV4::new(addr, port))
}

/// The options of an `IP_RECVOPTS` or `IP_RETOPTS` message: at most 40
/// bytes, framed.
fn options_area(
    offset: usize,
    message: &'static str,
    data: &[u8],
) -> Result<OptionsArea, DecodeError> {
    if data.len() > OPTIONS_LEN {
        return Err(DecodeError::DataLength {
            offset,
            message,
            expected: "0 to 40",
            found: data.len(),
        });
    }
    OptionsArea::parse(data).map_err(|e| match e {
        OptionsBuildError::Malformed(error) => DecodeError::Options {
            offset,
            message,
            error,
        },
        // Only framing is checked once the length is known to fit.
        _ => DecodeError::DataLength {
            offset,
            message,
            expected: "0 to 40",
            found: data.len(),
        },
    })
}

/// A kernel `__wsum` (a 32-bit one's complement sum of the bytes read as
/// native-endian words) folded to 16 bits and turned to network order, the
/// form of [`Checksum::sum16`](ipv4_core::checksum::Checksum::sum16).
fn fold_wsum(sum: u32) -> u16 {
    let folded = (sum & 0xffff) + (sum >> 16);
    let folded = (folded & 0xffff) + (folded >> 16);
    u16::from_be_bytes((folded as u16).to_ne_bytes())
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
/// `if_index` is set, one `IP_TTL` if `ttl` is, one `IP_TOS` if `tos` is,
/// one `IP_RETOPTS` if `options` is.
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
        io::Error::new(e.kind(), e)
    }
}

impl EncodeError {
    /// The [`io::ErrorKind`] this error converts to:
    /// [`Unsupported`](io::ErrorKind::Unsupported) for
    /// [`EncodeError::Unsupported`],
    /// [`InvalidInput`](io::ErrorKind::InvalidInput) otherwise.
    pub fn kind(&self) -> io::ErrorKind {
        match self {
            EncodeError::Unsupported { .. } => io::ErrorKind::Unsupported,
            _ => io::ErrorKind::InvalidInput,
        }
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
/// * `options` becomes `IP_RETOPTS`: the IP options of this datagram alone,
///   in place of the socket's `IP_OPTIONS` (an empty area sends the
///   datagram without options). Linux checks them as it checks
///   `IP_OPTIONS` and fails the send with `EINVAL` if it refuses them.
/// * `dst`, `return_options` and `checksum` are not sent: the destination
///   is the `sendmsg` address, the others are receive-only.
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

/// [`encode`] for a socket that is raw (`SOCK_RAW`) or not: where raw
/// sockets ignore control messages on send ([`sys::RAW_SENDS_CONTROL`]),
/// any field to send is [`EncodeError::Unsupported`] on a raw socket.
pub(crate) fn encode_for(
    cm: &ControlMessage,
    buf: &mut [u8],
    raw: bool,
) -> Result<usize, EncodeError> {
    if raw
        && !sys::RAW_SENDS_CONTROL
        && let Some(field) = first_sent_field(cm)
    {
        return Err(EncodeError::Unsupported { field });
    }
    encode(cm, buf)
}

/// The first field of `cm` that [`encode`] would send, if any (`dst`,
/// `return_options`, `checksum` and the other receive-only fields are never
/// sent).
fn first_sent_field(cm: &ControlMessage) -> Option<&'static str> {
    [
        (cm.src.is_some(), "src"),
        (cm.if_index.is_some(), "if_index"),
        (cm.ttl.is_some(), "ttl"),
        (cm.tos.is_some(), "tos"),
        (cm.options.is_some(), "options"),
    ]
    .into_iter()
    .find_map(|(set, field)| set.then_some(field))
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
    let numbers = [
        (cm.ttl, layout.send_ttl, INT_LEN),
        (cm.tos, layout.send_tos, layout.send_tos_len),
    ];
    for (value, kind, len) in numbers {
        if let (Some(v), Some(kind)) = (value, kind) {
            let m = &mut out[at..at + layout.space_of(len)];
            layout.write_header(m, layout.ip_level, kind, layout.len_of(len));
            // An `int` in native order, or the byte itself.
            if len == INT_LEN {
                m[data..data + len].copy_from_slice(&i32::from(v).to_ne_bytes());
            } else {
                m[data] = v;
            }
            at += layout.space_of(len);
        }
    }
    if let (Some(options), Some(kind)) = (&cm.options, layout.return_options) {
        let len = options.buffer_len();
        let m = &mut out[at..at + layout.space_of(len)];
        layout.write_header(m, layout.ip_level, kind, layout.len_of(len));
        m[data..data + len].copy_from_slice(options.as_bytes());
    }
    Ok(total)
}

// ---------------------------------------------------------------------
// IP_RECVERR.

#[cfg(any(target_os = "linux", target_os = "android"))]
/// Where the fields of `struct sock_extended_err` and of the offender's
/// `sockaddr_in` after it are on a platform, and the numbers of the
/// messages that carry them (from `sys`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct ExtendedErrLayout {
    /// `sizeof(struct sock_extended_err)`.
    pub(crate) len: usize,
    /// Offset of `ee_errno` (a `u32`).
    pub(crate) errno: usize,
    /// Offset of `ee_origin`.
    pub(crate) origin: usize,
    /// Offset of `ee_type`.
    pub(crate) icmp_type: usize,
    /// Offset of `ee_code`.
    pub(crate) icmp_code: usize,
    /// Offset of `ee_info` (a `u32`).
    pub(crate) info: usize,
    /// Offset of `ee_data` (a `u32`, or `ee_rfc4884`).
    pub(crate) data: usize,
    /// `sizeof(struct sockaddr_in)`.
    pub(crate) offender_len: usize,
    /// Offset and size of `sin_family` in it.
    pub(crate) offender_family: usize,
    /// Size of `sin_family` (2 on Linux).
    pub(crate) offender_family_size: usize,
    /// Offset of `sin_addr`.
    pub(crate) offender_addr: usize,
    /// `AF_INET`.
    pub(crate) af_inet: i32,
    /// `IPPROTO_IP`.
    pub(crate) ip_level: i32,
    /// `IP_RECVERR`, the message type.
    pub(crate) recv_err: i32,
}

#[cfg(any(target_os = "linux", target_os = "android"))]
/// The `struct sock_extended_err` of an `IP_RECVERR` control message
/// ([`ip(7)`], `<linux/errqueue.h>`), with the offender address that
/// follows it (`SO_EE_OFFENDER`), as numbers.
///
/// [`ErrorQueueEntry`](crate::errqueue::ErrorQueueEntry) types them; this
/// is the codec's plain view, for callers of `recvmsg` of their own.
///
/// [`ip(7)`]: https://man7.org/linux/man-pages/man7/ip.7.html
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub struct ExtendedError {
    /// `ee_errno`: the error number (`EMSGSIZE`, `ECONNREFUSED`,
    /// `EHOSTUNREACH`, …).
    pub errno: u32,
    /// `ee_origin`: `SO_EE_ORIGIN_LOCAL` (1), `SO_EE_ORIGIN_ICMP` (2), …
    pub origin: u8,
    /// `ee_type`: the ICMP type (ICMP origin).
    pub icmp_type: u8,
    /// `ee_code`: the ICMP code (ICMP origin).
    pub icmp_code: u8,
    /// `ee_info`: the MTU for `EMSGSIZE`, else the ICMP's own info word
    /// (the parameter problem pointer) or 0.
    pub info: u32,
    /// `ee_data`: with `IP_RECVERR_RFC4884` on, its low 16 bits
    /// (`ee_rfc4884.len`) are the offset of the RFC 4884 extension
    /// structure in the queued payload, and bits 16–23 its flags.
    pub data: u32,
    /// `SO_EE_OFFENDER`: the address of the host that sent the ICMP
    /// error (`None` for a local error: the kernel gives `AF_UNSPEC`).
    pub offender: Option<Ipv4Addr>,
}

#[cfg(any(target_os = "linux", target_os = "android"))]
impl ExtendedError {
    /// `ee_rfc4884.len`: where the RFC 4884 extension structure starts in
    /// the queued payload, if the kernel found one (0 means none).
    pub const fn rfc4884_len(&self) -> u16 {
        if cfg!(target_endian = "little") {
            self.data as u16
        } else {
            (self.data >> 16) as u16
        }
    }

    /// `ee_rfc4884.flags`: `SO_EE_RFC4884_FLAG_INVALID` (1) when the
    /// kernel found the extension structure malformed (version or
    /// checksum).
    pub const fn rfc4884_flags(&self) -> u8 {
        if cfg!(target_endian = "little") {
            (self.data >> 16) as u8
        } else {
            (self.data >> 8) as u8
        }
    }
}

#[cfg(any(target_os = "linux", target_os = "android"))]
/// The `IP_RECVERR` message of a received control buffer, decoded;
/// `None` when there is none (a buffer from an ordinary receive).
///
/// `buf` is the first `msg_controllen` bytes of a `recvmsg` with
/// `MSG_ERRQUEUE`. Other messages beside it (the ICMP packet's `IP_TTL`,
/// `IP_PKTINFO`) are left to [`decode`].
///
/// ```
/// use ipv4_std::cmsg;
///
/// assert_eq!(cmsg::extended_error(&[]), None);
/// ```
pub fn extended_error(buf: &[u8]) -> Option<Result<ExtendedError, DecodeError>> {
    extended_error_with(&sys::CMSG_LAYOUT, &sys::EXTENDED_ERR_LAYOUT, buf)
}

#[cfg(any(target_os = "linux", target_os = "android"))]
/// [`extended_error`] with the given layouts.
pub(crate) fn extended_error_with(
    layout: &Layout,
    ee: &ExtendedErrLayout,
    buf: &[u8],
) -> Option<Result<ExtendedError, DecodeError>> {
    for m in Messages::with_layout(buf, *layout) {
        match m {
            Err(e) => return Some(Err(e)),
            Ok(m) if m.level == ee.ip_level && m.kind == ee.recv_err => {
                return Some(decode_extended_error(ee, m));
            }
            Ok(_) => {}
        }
    }
    None
}

fn read_ne_u32(b: &[u8], at: usize) -> u32 {
    read_ne_i32(b, at) as u32
}

#[cfg(any(target_os = "linux", target_os = "android"))]
fn decode_extended_error(
    ee: &ExtendedErrLayout,
    m: Message<'_>,
) -> Result<ExtendedError, DecodeError> {
    let data = m.data;
    if data.len() < ee.len {
        return Err(DecodeError::DataLength {
            offset: m.offset,
            message: "IP_RECVERR",
            expected: "16 and more",
            found: data.len(),
        });
    }
    // The offender follows the structure; a short one reads as none.
    let offender = data.get(ee.len..ee.len + ee.offender_len).and_then(|sin| {
        let family = &sin[ee.offender_family..ee.offender_family + ee.offender_family_size];
        let family = match *family {
            [a, b] => i32::from(u16::from_ne_bytes([a, b])),
            [a] => i32::from(a),
            _ => return None,
        };
        (family == ee.af_inet).then(|| {
            let a = &sin[ee.offender_addr..ee.offender_addr + 4];
            Ipv4Addr::new(a[0], a[1], a[2], a[3])
        })
    });
    Ok(ExtendedError {
        errno: read_ne_u32(data, ee.errno),
        origin: data[ee.origin],
        icmp_type: data[ee.icmp_type],
        icmp_code: data[ee.icmp_code],
        info: read_ne_u32(data, ee.info),
        data: read_ne_u32(data, ee.data),
        offender,
    })
}

// The host's codec on Linux and Android, against the kernel's captures.
// Every platform's layout is tested in `platform_tests`, on any host.
/// The bytes a hex dump (spaces and line breaks ignored) spells, for the
/// tests below and in `sys/layouts.rs` (which run on every host).
#[cfg(test)]
pub(crate) fn hex(s: &str) -> Vec<u8> {
    let s: String = s.split_whitespace().collect();
    (0..s.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(&s[i..i + 2], 16).unwrap())
        .collect()
}

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

    // The kernel cuts an IP_RETOPTS short like any other message (seen with
    // a 39-byte Record Route cut to 32 bytes): under MSG_CTRUNC it is lost,
    // not malformed.
    #[test]
    fn a_cut_options_area_is_truncation_not_an_error() {
        let mut rr = vec![7, 39, 8, 127, 0, 0, 1];
        rr.resize(40, 0);
        let mut b = header(cmsg_len(4), IP, TTL);
        b.extend_from_slice(&64i32.to_ne_bytes());
        b.resize(cmsg_space(4), 0);
        let mut cut = header(cmsg_len(32), IP, L.return_options.unwrap());
        cut.extend_from_slice(&rr[..32]);
        b.extend(cut);
        let d = decode(&b, true);
        assert_eq!((d.error, d.control.ttl), (None, Some(64)));
        assert_eq!(d.control.return_options, None);
        assert!(matches!(
            decode(&b, false).error,
            Some(DecodeError::Options { .. })
        ));
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

    // IP_ORIGDSTADDR: a `struct sockaddr_in`, family in host order, port
    // and address in network order, as `put_cmsg` copies it.
    #[test]
    fn orig_dst_is_a_sockaddr_in() {
        let kind = L.orig_dst.expect("Linux has IP_ORIGDSTADDR");
        let mut b = header(cmsg_len(16), IP, kind);
        let family = 2u16.to_ne_bytes(); // AF_INET on Linux
        b.extend_from_slice(&[family[0], family[1], 0x00, 0x35, 203, 0, 113, 9]);
        b.extend_from_slice(&[0; 8]);
        let cm = ok(&b);
        let want = std::net::SocketAddrV4::new(Ipv4Addr::new(203, 0, 113, 9), 53);
        assert_eq!(cm.orig_dst, Some(want));
        assert_eq!(cm.flags(), ControlFlags::ORIG_DST);
        assert_eq!(space(ControlFlags::ORIG_DST), cmsg_space(16));
        // Short: reported with its offset, unless the kernel cut it.
        let mut short = header(cmsg_len(8), IP, kind);
        short.extend_from_slice(&b[align(HEADER_LEN)..align(HEADER_LEN) + 8]);
        assert_eq!(
            err(&short),
            DecodeError::DataLength {
                offset: 0,
                message: "IP_ORIGDSTADDR",
                expected: "16",
                found: 8,
            }
        );
        assert_eq!(decode(&short, true).error, None);
        // Never sent: encoding a message with it writes nothing for it.
        let only = ControlMessage {
            orig_dst: Some(want),
            ..ControlMessage::default()
        };
        assert_eq!(encoded_len(&only), 0);
    }

    const RECVOPTS: i32 = match L.recv_options {
        Some(t) => t,
        None => panic!("the host layout has IP_RECVOPTS"),
    };
    const RETOPTS: i32 = match L.return_options {
        Some(t) => t,
        None => panic!("the host layout has IP_RETOPTS"),
    };
    const CHECKSUM: i32 = match L.checksum {
        Some(t) => t,
        None => panic!("the host layout has IP_CHECKSUM"),
    };

    fn message(kind: i32, data: &[u8]) -> Vec<u8> {
        let mut m = header(cmsg_len(data.len()), IP, kind);
        m.extend_from_slice(data);
        m.resize(cmsg_space(data.len()), 0);
        m
    }

    // IP_RECVOPTS and IP_RETOPTS carry the options area as it is
    // (`ip_cmsg_recv_opts`, `ip_cmsg_recv_retopts`); IP_CHECKSUM a `__wsum`.
    #[test]
    fn decodes_options_and_checksum() {
        let rr = [7, 11, 8, 198, 51, 100, 1, 0, 0, 0, 0, 0];
        let ra = [148, 4, 0, 0];
        // 0x1234_fffe folds to 0x1233 (0xfffe + 0x1234 = 0x1_1232, + 1),
        // read as native-endian words.
        let wsum = 0x1234_fffe_u32;
        let mut b = message(RECVOPTS, &rr);
        b.extend(message(RETOPTS, &ra));
        b.extend(message(CHECKSUM, &wsum.to_ne_bytes()));
        let cm = ok(&b);
        let options = cm.options.unwrap();
        assert_eq!(options.as_bytes(), rr);
        let Some(Ok(ipv4_core::options::Ipv4Option::RecordRoute(route))) = options.options().next()
        else {
            panic!("{options:?}")
        };
        assert_eq!(
            route.recorded().collect::<Vec<_>>(),
            [Ipv4Addr::new(198, 51, 100, 1)]
        );
        assert_eq!(cm.return_options.unwrap().as_bytes(), ra);
        assert_eq!(
            cm.checksum,
            Some(u16::from_be_bytes(0x1233u16.to_ne_bytes()))
        );
        assert_eq!(
            cm.flags(),
            ControlFlags::OPTIONS | ControlFlags::RETURN_OPTIONS | ControlFlags::CHECKSUM
        );
        assert_eq!(fold_wsum(0xffff_ffff), 0xffff);
        assert_eq!(fold_wsum(0), 0);
    }

    #[test]
    fn bad_options_and_checksum_messages_are_errors() {
        let d = decode(&message(RECVOPTS, &[1; 44]), false);
        assert!(matches!(
            d.error,
            Some(DecodeError::DataLength {
                message: "IP_RECVOPTS",
                found: 44,
                ..
            })
        ));
        let d = decode(&message(RETOPTS, &[148, 9, 0, 0]), false);
        let Some(e @ DecodeError::Options { offset: 0, .. }) = d.error else {
            panic!("{d:?}")
        };
        assert!(e.to_string().contains("IP_RETOPTS"), "{e}");
        assert!(std::error::Error::source(&e).is_some());
        let d = decode(&message(CHECKSUM, &[1, 2]), false);
        assert!(matches!(
            d.error,
            Some(DecodeError::DataLength {
                message: "IP_CHECKSUM",
                found: 2,
                ..
            })
        ));
        // An empty area is a message like any other.
        assert_eq!(
            ok(&message(RECVOPTS, &[])).options,
            Some(OptionsArea::EMPTY)
        );
    }

    // On send, `options` becomes IP_RETOPTS with the area as its data
    // (`ip_cmsg_send`: `cmsg_len - sizeof(struct cmsghdr)` bytes).
    #[test]
    fn encodes_options_as_retopts() {
        let area = OptionsArea::parse(&[7, 7, 4, 0, 0, 0, 0, 0]).unwrap();
        let cm = ControlMessage {
            ttl: Some(3),
            options: Some(area),
            return_options: Some(area),
            checksum: Some(1),
            ..ControlMessage::default()
        };
        let mut buf = ControlBuffer::new();
        let n = encode(&cm, buf.as_mut_bytes()).unwrap();
        assert_eq!(n, cmsg_space(4) + cmsg_space(8));
        let msgs: Vec<_> = Messages::new(&buf.as_bytes()[..n])
            .map(Result::unwrap)
            .collect();
        assert_eq!(msgs.len(), 2, "return_options and checksum are not sent");
        assert_eq!((msgs[1].kind, msgs[1].data), (RETOPTS, area.as_bytes()));
        // An empty area: a message with no data, sending no options.
        let none = ControlMessage {
            options: Some(OptionsArea::EMPTY),
            ..ControlMessage::default()
        };
        let n = encode(&none, buf.as_mut_bytes()).unwrap();
        assert_eq!(n, cmsg_space(0));
        let m = Messages::new(&buf.as_bytes()[..n]).next().unwrap().unwrap();
        assert_eq!((m.kind, m.data.len()), (RETOPTS, 0));
    }

    // Everything decodable at once, plus a socket-level timestamp, fits a
    // ControlBuffer.
    #[cfg(target_pointer_width = "64")]
    #[test]
    fn buffer_len_holds_every_message_at_once() {
        assert_eq!(space(ControlFlags::all()), 272);
        assert_eq!(MAX_SPACE, 272);
        let full = OptionsArea::parse(&[1; 40]).unwrap();
        let cm = ControlMessage {
            src: Some(Ipv4Addr::LOCALHOST),
            if_index: Some(1),
            ttl: Some(1),
            tos: Some(1),
            options: Some(full),
            ..ControlMessage::default()
        };
        assert_eq!(encoded_len(&cm), 32 + 24 + 24 + 56);
        assert_eq!(BUFFER_LEN, MAX_SPACE + 64);
        assert_eq!(BUFFER_LEN, 336);
    }

    // Where raw sockets drop control messages on send (FreeBSD), every
    // field `encode` would send is named and refused; the receive-only ones
    // are not sent, so they never cause a refusal.
    #[test]
    fn first_sent_field_names_what_a_raw_socket_would_drop() {
        let none = ControlMessage {
            dst: Some(Ipv4Addr::new(203, 0, 113, 9)),
            checksum: Some(0x1234),
            ..ControlMessage::default()
        };
        assert_eq!(first_sent_field(&none), None);
        for (cm, field) in [
            (
                ControlMessage {
                    src: Some(Ipv4Addr::LOCALHOST),
                    ..none
                },
                "src",
            ),
            (
                ControlMessage {
                    if_index: Some(1),
                    ..none
                },
                "if_index",
            ),
            (
                ControlMessage {
                    ttl: Some(1),
                    ..none
                },
                "ttl",
            ),
            (
                ControlMessage {
                    tos: Some(0x10),
                    ..none
                },
                "tos",
            ),
        ] {
            assert_eq!(first_sent_field(&cm), Some(field));
        }
        // Elsewhere raw sockets send them as datagram sockets do.
        let tos = ControlMessage {
            tos: Some(0x10),
            ..none
        };
        let mut buf = [0u8; 64];
        let raw = encode_for(&tos, &mut buf, true).map_err(|e| e.kind());
        if crate::sys::RAW_SENDS_CONTROL {
            assert_eq!(raw, encode(&tos, &mut buf).map_err(|e| e.kind()));
        } else {
            assert_eq!(raw, Err(io::ErrorKind::Unsupported));
        }
    }

    // The codec takes every number from its layout: with a foreign one (a
    // 4-byte `cmsg_len`, 4-byte alignment, other message numbers) it writes
    // and reads that platform's bytes on this host.
    #[test]
    fn runs_with_a_foreign_layout() {
        // The BSDs' 12-byte header aligned to 4, with numbers of its own.
        let foreign = Layout {
            recv_ttl: Some(24),
            recv_tos: Some(27),
            pktinfo: Some(26),
            send_ttl: Some(4),
            ..crate::sys::layouts::BSD_CMSGHDR
        };
        assert_eq!(
            (
                foreign.align,
                foreign.header_len,
                foreign.len_size,
                foreign.type_offset
            ),
            (4, 12, 4, 8)
        );
        let cm = ControlMessage {
            ttl: Some(7),
            if_index: Some(3),
            ..ControlMessage::default()
        };
        let mut buf = [0xaau8; 64];
        // No per-datagram TOS there: asking for one is refused, not dropped.
        let with_tos = ControlMessage {
            tos: Some(0x2e),
            ..cm
        };
        assert!(matches!(
            encode_with(&foreign, &with_tos, &mut buf),
            Err(EncodeError::Unsupported { field: "tos" })
        ));
        let n = encode_with(&foreign, &cm, &mut buf).unwrap();
        // IP_PKTINFO: 12 + 12 bytes; IP_TTL: 12 + 4.
        assert_eq!(n, 24 + 16);
        assert_eq!(foreign.encoded_len(&cm), n);
        assert_eq!(&buf[..4], &24u32.to_ne_bytes());
        assert_eq!(&buf[8..12], &26i32.to_ne_bytes());
        let m: Vec<_> = Messages::with_layout(&buf[..n], foreign)
            .map(Result::unwrap)
            .collect();
        assert_eq!((m[0].offset, m[0].kind, m[0].data.len()), (0, 26, 12));
        assert_eq!(
            (m[1].offset, m[1].kind, m[1].data),
            (24, 4, &7i32.to_ne_bytes()[..])
        );
        // Received: a TTL under the foreign receive type, as one byte.
        let mut rx = vec![0u8; 16];
        foreign.write_header(&mut rx, 0, 24, foreign.len_of(1));
        rx[12] = 9;
        let d = decode_with(&foreign, &rx[..13], false);
        assert_eq!((d.control.ttl, d.error), (Some(9), None));
        assert_eq!(
            foreign.space(ControlFlags::TTL | ControlFlags::DST),
            16 + 24
        );
    }

    /// An `IP_RECVERR` message as Linux lays it out (`ip_recv_error`): a
    /// `sock_extended_err` for a fragmentation needed (EMSGSIZE, origin
    /// ICMP, type 3 code 4, `ee_info` the MTU, `ee_rfc4884.len` 100) and
    /// the offender's `sockaddr_in`, after an `IP_TTL` of the ICMP packet.
    #[test]
    fn decodes_ip_recverr_with_its_offender() {
        let ee = sys::EXTENDED_ERR_LAYOUT;
        let mut data = Vec::new();
        data.extend_from_slice(&(sys::EMSGSIZE as u32).to_ne_bytes());
        data.extend_from_slice(&[2, 3, 4, 0]);
        data.extend_from_slice(&1280u32.to_ne_bytes());
        data.extend_from_slice(&100u16.to_ne_bytes()); // ee_rfc4884.len
        data.extend_from_slice(&[1, 0]); // flags: invalid
        data.extend_from_slice(&(ee.af_inet as u16).to_ne_bytes());
        data.extend_from_slice(&[0, 0, 198, 51, 100, 1]);
        data.extend_from_slice(&[0; 8]);
        let mut buf = header(cmsg_len(4), IP, TTL);
        buf.extend_from_slice(&63i32.to_ne_bytes());
        buf.resize(cmsg_space(4), 0);
        buf.extend_from_slice(&header(cmsg_len(data.len()), IP, ee.recv_err));
        buf.extend_from_slice(&data);
        let e = extended_error(&buf).unwrap().unwrap();
        assert_eq!(
            e,
            ExtendedError {
                errno: sys::EMSGSIZE as u32,
                origin: 2,
                icmp_type: 3,
                icmp_code: 4,
                info: 1280,
                data: e.data,
                offender: Some(Ipv4Addr::new(198, 51, 100, 1)),
            }
        );
        assert_eq!((e.rfc4884_len(), e.rfc4884_flags()), (100, 1));
        // The TTL beside it still decodes; IP_RECVERR is skipped there.
        assert_eq!(
            decode(&buf, false),
            Decoded {
                control: ControlMessage {
                    ttl: Some(63),
                    ..ControlMessage::default()
                },
                error: None
            }
        );

        // A local error: AF_UNSPEC offender.
        let mut local = data.clone();
        local[16..18].copy_from_slice(&0u16.to_ne_bytes());
        let mut buf = header(cmsg_len(local.len()), IP, ee.recv_err);
        buf.extend_from_slice(&local);
        assert_eq!(extended_error(&buf).unwrap().unwrap().offender, None);

        // Shorter than the structure: an error with its offset.
        let mut buf = header(cmsg_len(8), IP, ee.recv_err);
        buf.extend_from_slice(&data[..8]);
        assert!(matches!(
            extended_error(&buf),
            Some(Err(DecodeError::DataLength {
                offset: 0,
                message: "IP_RECVERR",
                found: 8,
                ..
            }))
        ));
        assert_eq!(extended_error(&[]), None);
    }

    // IP_RECVFRAGSIZE: an `int` (`ip_cmsg_recv_fragsize`).
    #[test]
    fn decodes_ip_recvfragsize() {
        let kind = sys::CMSG_LAYOUT
            .frag_size
            .expect("Linux has IP_RECVFRAGSIZE");
        let mut buf = header(cmsg_len(4), IP, kind);
        buf.extend_from_slice(&1276i32.to_ne_bytes());
        let d = decode(&buf, false);
        assert_eq!((d.control.frag_size, d.error), (Some(1276), None));
        assert_eq!(d.control.flags(), ControlFlags::FRAG_SIZE);
        assert_eq!(space(ControlFlags::FRAG_SIZE), cmsg_space(4));
        let mut buf = header(cmsg_len(4), IP, kind);
        buf.extend_from_slice(&(-1i32).to_ne_bytes());
        let d = decode(&buf, false);
        assert_eq!(d.control.frag_size, None);
        assert!(matches!(
            d.error,
            Some(DecodeError::Value {
                offset: 0,
                message: "IP_RECVFRAGSIZE",
                found: -1
            })
        ));
        let mut buf = header(cmsg_len(1), IP, kind);
        buf.push(5);
        assert!(matches!(
            decode(&buf, false).error,
            Some(DecodeError::DataLength {
                message: "IP_RECVFRAGSIZE",
                found: 1,
                ..
            })
        ));
    }
}
