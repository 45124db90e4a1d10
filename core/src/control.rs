//! Per-datagram control information: what a socket reports about each
//! received datagram, and what a sender asks for on one outgoing datagram.
//!
//! This is the platform-neutral half of IPv4 ancillary data. On Linux the
//! kernel delivers it as control messages ("cmsgs", [`recvmsg(2)`],
//! [`ip(7)`]): `IP_TTL` after `IP_RECVTTL`, `IP_TOS` after `IP_RECVTOS`, and
//! `IP_PKTINFO` (destination address and receiving interface) after
//! `IP_PKTINFO`, the datagram's IP options (`IP_RECVOPTS`, and reversed
//! for a reply `IP_RETOPTS`), its partial checksum (`IP_CHECKSUM`), and the
//! original destination of a redirected datagram (`IP_ORIGDSTADDR`) after
//! the options of the same names. The byte layout of those messages is an operating-system
//! matter and lives in the `ipv4-std` crate's `cmsg` module; this module only
//! holds the values, so that code without an operating system (a user-space
//! stack, a test, a fuzzer) can speak the same type.
//!
//! * [`ControlFlags`] says which values a receiver wants.
//! * [`ControlMessage`] holds the values themselves, each one optional.
//!
//! ```
//! use core::net::Ipv4Addr;
//! use ipv4_core::control::{ControlFlags, ControlMessage};
//!
//! let cm = ControlMessage {
//!     ttl: Some(64),
//!     dst: Some(Ipv4Addr::new(224, 0, 0, 251)),
//!     if_index: Some(2),
//!     ..ControlMessage::default()
//! };
//! assert_eq!(cm.flags(), ControlFlags::TTL | ControlFlags::DST | ControlFlags::INTERFACE);
//! assert_eq!(cm.to_string(), "ttl=64 dst=224.0.0.251 ifindex=2");
//! ```
//!
//! [`recvmsg(2)`]: https://man7.org/linux/man-pages/man2/recvmsg.2.html
//! [`ip(7)`]: https://man7.org/linux/man-pages/man7/ip.7.html

use core::fmt;
use core::net::{Ipv4Addr, SocketAddrV4};

use crate::options::OptionsArea;

bitflags::bitflags! {
    /// Which per-datagram values a receiving socket should report.
    ///
    /// [`TTL`](Self::TTL) = 1, [`SRC`](Self::SRC) = 2, [`DST`](Self::DST) = 4,
    /// [`INTERFACE`](Self::INTERFACE) = 8 and [`TOS`](Self::TOS) = 16
    /// (Linux `IP_RECVTOS`, [`ip(7)`]), then Linux's
    /// [`OPTIONS`](Self::OPTIONS) = 32, [`RETURN_OPTIONS`](Self::RETURN_OPTIONS)
    /// = 64, [`CHECKSUM`](Self::CHECKSUM) = 128 and
    /// [`ORIG_DST`](Self::ORIG_DST) = 256 (`IP_RECVORIGDSTADDR`) and
    /// [`FRAG_SIZE`](Self::FRAG_SIZE) = 512 (`IP_RECVFRAGSIZE`).
    ///
    /// [`ip(7)`]: https://man7.org/linux/man-pages/man7/ip.7.html
    #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Default)]
    pub struct ControlFlags: u16 {
        /// The received datagram's time-to-live ([RFC 791 §3.1]).
        ///
        /// [RFC 791 §3.1]: https://www.rfc-editor.org/rfc/rfc791#section-3.1
        const TTL = 1 << 0;
        /// The source address of the received datagram.
        const SRC = 1 << 1;
        /// The destination address of the received datagram (the header's,
        /// so a group address for multicast).
        const DST = 1 << 2;
        /// The index of the interface the datagram arrived on.
        const INTERFACE = 1 << 3;
        /// The received datagram's type-of-service byte (DSCP and ECN,
        /// [RFC 2474 §3], [RFC 3168 §5]).
        ///
        /// [RFC 2474 §3]: https://www.rfc-editor.org/rfc/rfc2474#section-3
        /// [RFC 3168 §5]: https://www.rfc-editor.org/rfc/rfc3168#section-5
        const TOS = 1 << 4;
        /// The IP options of the received datagram, as they arrived
        /// ([RFC 791 §3.1]; Linux `IP_RECVOPTS`).
        ///
        /// [RFC 791 §3.1]: https://www.rfc-editor.org/rfc/rfc791#section-3.1
        const OPTIONS = 1 << 5;
        /// The options to send back in a reply to the received datagram:
        /// its source route reversed, its Record Route and Timestamp echoed
        /// ([RFC 1122 §3.2.1.8]; Linux `IP_RETOPTS`).
        ///
        /// [RFC 1122 §3.2.1.8]: https://www.rfc-editor.org/rfc/rfc1122#section-3.2.1.8
        const RETURN_OPTIONS = 1 << 6;
        /// The one's complement sum of the received datagram's payload
        /// (Linux `IP_CHECKSUM`).
        const CHECKSUM = 1 << 7;
        /// The original destination address and port of a datagram that
        /// a transparent proxy redirected to this socket (Linux
        /// `IP_RECVORIGDSTADDR`; for a datagram that was not redirected,
        /// the address and port it was sent to, which are the socket's).
        const ORIG_DST = 1 << 8;
        /// The size of the largest fragment of a datagram the kernel
        /// reassembled (Linux `IP_RECVFRAGSIZE`; a datagram that arrived
        /// whole has none): what the path let through, for path MTU
        /// guesses on the receiving side.
        const FRAG_SIZE = 1 << 9;
    }
}

/// Control information for one datagram ([RFC 3542]-style ancillary data,
/// for IPv4).
///
/// On receive, a field is `Some` when the socket was asked for it (see
/// [`ControlFlags`]) and the kernel reported it. On send, a field that is
/// `Some` asks for per-datagram treatment:
///
/// | field | received | sent |
/// |---|---|---|
/// | `ttl` | TTL of the datagram | TTL to send with (1–255) |
/// | `src` | source address of the datagram | source address to send from |
/// | `dst` | destination address in the datagram's header | not used |
/// | `if_index` | receiving interface | outgoing interface (≥ 1) |
/// | `tos` | TOS byte of the datagram | TOS byte to send with |
/// | `options` | IP options of the datagram | IP options of this datagram only |
/// | `return_options` | the options to answer it with | not used |
/// | `checksum` | one's complement sum of its payload | not used |
/// | `orig_dst` | original destination (address and port) | not used |
/// | `frag_size` | largest fragment of a reassembled datagram | not used |
///
/// `Display` prints the fields that are present, space-separated and
/// without commas (`ttl=64 dst=127.0.0.1 tos=0xb8 origdst=127.0.0.1:53 fragsize=1276`;
/// `none` when no field is); `Debug` shows every field by name. Both write the TOS byte, and
/// `Display` the options and checksum, in hex.
///
/// ```
/// use core::net::Ipv4Addr;
/// use ipv4_core::control::ControlMessage;
///
/// let cm = ControlMessage { ttl: Some(64), tos: Some(0xb8), ..ControlMessage::default() };
/// assert_eq!(cm.to_string(), "ttl=64 tos=0xb8");
/// assert_eq!(
///     format!("{cm:?}"),
///     "ControlMessage { ttl: Some(64), src: None, dst: None, if_index: None, tos: Some(0xb8), \
///      options: None, return_options: None, checksum: None, orig_dst: None, frag_size: None }"
/// );
/// assert_eq!(ControlMessage::default().to_string(), "none");
/// ```
///
/// [RFC 3542]: https://www.rfc-editor.org/rfc/rfc3542
#[derive(Clone, Copy, PartialEq, Eq, Hash, Default)]
pub struct ControlMessage {
    /// Time-to-live ([RFC 791 §3.1]).
    ///
    /// [RFC 791 §3.1]: https://www.rfc-editor.org/rfc/rfc791#section-3.1
    pub ttl: Option<u8>,
    /// Source address.
    pub src: Option<Ipv4Addr>,
    /// Destination address.
    pub dst: Option<Ipv4Addr>,
    /// Interface index (as `if_nametoindex(3)` returns it).
    pub if_index: Option<u32>,
    /// Type-of-service byte: DSCP in the upper six bits, ECN in the lower
    /// two ([RFC 2474 §3], [RFC 3168 §5]).
    ///
    /// [RFC 2474 §3]: https://www.rfc-editor.org/rfc/rfc2474#section-3
    /// [RFC 3168 §5]: https://www.rfc-editor.org/rfc/rfc3168#section-5
    pub tos: Option<u8>,
    /// IP options ([RFC 791 §3.1]). Received: the datagram's options as
    /// they reached this host (on Linux after its own processing, so a
    /// Record Route holds this host's address too). Sent: options for this
    /// datagram alone, in place of the socket's (Linux `IP_RETOPTS`).
    ///
    /// [RFC 791 §3.1]: https://www.rfc-editor.org/rfc/rfc791#section-3.1
    pub options: Option<OptionsArea>,
    /// The options a reply to the received datagram should carry, worked
    /// out by the kernel (a source route reversed, Record Route and
    /// Timestamp echoed, [RFC 1122 §3.2.1.8]): send them back as
    /// [`options`](Self::options).
    ///
    /// [RFC 1122 §3.2.1.8]: https://www.rfc-editor.org/rfc/rfc1122#section-3.2.1.8
    pub return_options: Option<OptionsArea>,
    /// The 16-bit one's complement sum, not complemented, of the received
    /// datagram's payload (for UDP: the bytes after the UDP header; no
    /// pseudo-header), in the form of
    /// [`Checksum::sum16`](crate::checksum::Checksum::sum16). Linux reports
    /// it (`IP_CHECKSUM`) only when it has summed the datagram in full
    /// itself (`CHECKSUM_COMPLETE`), not for one a device or the loopback
    /// vouched for.
    pub checksum: Option<u16>,
    /// The original destination of a redirected datagram, address and port
    /// (Linux `IP_ORIGDSTADDR`, as a transparent proxy reads it).
    pub orig_dst: Option<SocketAddrV4>,
    /// The size in bytes, IP header included, of the largest fragment of a
    /// datagram that arrived in fragments and was reassembled (Linux
    /// `IP_RECVFRAGSIZE`); `None` for one that arrived whole.
    pub frag_size: Option<u16>,
}

impl ControlMessage {
    /// The flags of the fields that are present.
    pub const fn flags(&self) -> ControlFlags {
        let mut bits = 0;
        if self.ttl.is_some() {
            bits |= ControlFlags::TTL.bits();
        }
        if self.src.is_some() {
            bits |= ControlFlags::SRC.bits();
        }
        if self.dst.is_some() {
            bits |= ControlFlags::DST.bits();
        }
        if self.if_index.is_some() {
            bits |= ControlFlags::INTERFACE.bits();
        }
        if self.tos.is_some() {
            bits |= ControlFlags::TOS.bits();
        }
        if self.options.is_some() {
            bits |= ControlFlags::OPTIONS.bits();
        }
        if self.return_options.is_some() {
            bits |= ControlFlags::RETURN_OPTIONS.bits();
        }
        if self.checksum.is_some() {
            bits |= ControlFlags::CHECKSUM.bits();
        }
        if self.orig_dst.is_some() {
            bits |= ControlFlags::ORIG_DST.bits();
        }
        if self.frag_size.is_some() {
            bits |= ControlFlags::FRAG_SIZE.bits();
        }
        ControlFlags::from_bits_retain(bits)
    }

    /// Returns `true` if no field is present.
    pub const fn is_empty(&self) -> bool {
        self.flags().is_empty()
    }

    /// Keeps only the fields named in `flags`; the others become `None`.
    #[must_use]
    pub const fn masked(mut self, flags: ControlFlags) -> ControlMessage {
        if !flags.contains(ControlFlags::TTL) {
            self.ttl = None;
        }
        if !flags.contains(ControlFlags::SRC) {
            self.src = None;
        }
        if !flags.contains(ControlFlags::DST) {
            self.dst = None;
        }
        if !flags.contains(ControlFlags::INTERFACE) {
            self.if_index = None;
        }
        if !flags.contains(ControlFlags::TOS) {
            self.tos = None;
        }
        if !flags.contains(ControlFlags::OPTIONS) {
            self.options = None;
        }
        if !flags.contains(ControlFlags::RETURN_OPTIONS) {
            self.return_options = None;
        }
        if !flags.contains(ControlFlags::CHECKSUM) {
            self.checksum = None;
        }
        if !flags.contains(ControlFlags::ORIG_DST) {
            self.orig_dst = None;
        }
        if !flags.contains(ControlFlags::FRAG_SIZE) {
            self.frag_size = None;
        }
        self
    }
}

/// The present fields, `name=value`, space-separated; `none` if there
/// are none.
impl fmt::Display for ControlMessage {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.is_empty() {
            return f.write_str("none");
        }
        let mut sep = "";
        let mut field = |f: &mut fmt::Formatter<'_>, args: fmt::Arguments<'_>| {
            let s = sep;
            sep = " ";
            write!(f, "{s}{args}")
        };
        if let Some(ttl) = self.ttl {
            field(f, format_args!("ttl={ttl}"))?;
        }
        if let Some(src) = self.src {
            field(f, format_args!("src={src}"))?;
        }
        if let Some(dst) = self.dst {
            field(f, format_args!("dst={dst}"))?;
        }
        if let Some(if_index) = self.if_index {
            field(f, format_args!("ifindex={if_index}"))?;
        }
        if let Some(tos) = self.tos {
            field(f, format_args!("tos={tos:#04x}"))?;
        }
        if let Some(options) = &self.options {
            field(f, format_args!("options={}", Hex(options.as_bytes())))?;
        }
        if let Some(options) = &self.return_options {
            field(f, format_args!("retopts={}", Hex(options.as_bytes())))?;
        }
        if let Some(sum) = self.checksum {
            field(f, format_args!("checksum={sum:#06x}"))?;
        }
        if let Some(orig_dst) = self.orig_dst {
            field(f, format_args!("origdst={orig_dst}"))?;
        }
        if let Some(size) = self.frag_size {
            field(f, format_args!("fragsize={size}"))?;
        }
        Ok(())
    }
}

/// Bytes as `0x` and hex digits (`0x` alone for none), without spaces.
struct Hex<'a>(&'a [u8]);

impl fmt::Display for Hex<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("0x")?;
        self.0.iter().try_for_each(|b| write!(f, "{b:02x}"))
    }
}

/// Every field by name, the TOS byte in hex as `Display` writes it.
impl fmt::Debug for ControlMessage {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        /// `Some(0xb8)`.
        struct Tos(Option<u8>);
        impl fmt::Debug for Tos {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                match self.0 {
                    Some(tos) => write!(f, "Some({tos:#04x})"),
                    None => f.write_str("None"),
                }
            }
        }
        f.debug_struct("ControlMessage")
            .field("ttl", &self.ttl)
            .field("src", &self.src)
            .field("dst", &self.dst)
            .field("if_index", &self.if_index)
            .field("tos", &Tos(self.tos))
            .field("options", &self.options)
            .field("return_options", &self.return_options)
            .field("checksum", &self.checksum)
            .field("orig_dst", &self.orig_dst)
            .field("frag_size", &self.frag_size)
            .finish()
    }
}

#[cfg(test)]
mod tests {
    extern crate std;
    use super::*;
    use proptest::prelude::*;
    use std::format;
    use std::string::ToString;
    use std::vec::Vec;

    #[test]
    fn flag_values_match_go() {
        assert_eq!(ControlFlags::TTL.bits(), 1);
        assert_eq!(ControlFlags::SRC.bits(), 2);
        assert_eq!(ControlFlags::DST.bits(), 4);
        assert_eq!(ControlFlags::INTERFACE.bits(), 8);
        assert_eq!(ControlFlags::TOS.bits(), 16);
        assert_eq!(ControlFlags::OPTIONS.bits(), 32);
        assert_eq!(ControlFlags::RETURN_OPTIONS.bits(), 64);
        assert_eq!(ControlFlags::CHECKSUM.bits(), 128);
        assert_eq!(ControlFlags::ORIG_DST.bits(), 256);
        assert_eq!(ControlFlags::FRAG_SIZE.bits(), 512);
    }

    #[test]
    fn display_full_and_empty() {
        let cm = ControlMessage {
            ttl: Some(17),
            src: Some(Ipv4Addr::new(127, 0, 0, 1)),
            dst: Some(Ipv4Addr::new(127, 0, 0, 2)),
            if_index: Some(1),
            tos: Some(0xb8),
            options: Some(OptionsArea::parse(&[148, 4, 0, 0]).unwrap()),
            return_options: Some(OptionsArea::EMPTY),
            checksum: Some(0xbeef),
            orig_dst: Some(SocketAddrV4::new(Ipv4Addr::new(203, 0, 113, 9), 53)),
            frag_size: Some(1276),
        };
        assert_eq!(
            cm.to_string(),
            "ttl=17 src=127.0.0.1 dst=127.0.0.2 ifindex=1 tos=0xb8 options=0x94040000 \
             retopts=0x checksum=0xbeef origdst=203.0.113.9:53 fragsize=1276"
        );
        assert_eq!(
            format!("{cm:?}"),
            "ControlMessage { ttl: Some(17), src: Some(127.0.0.1), dst: Some(127.0.0.2), \
             if_index: Some(1), tos: Some(0xb8), options: Some(OptionsArea(94040000)), \
             return_options: Some(OptionsArea()), checksum: Some(48879), \
             orig_dst: Some(203.0.113.9:53), frag_size: Some(1276) }"
        );
        // Fields never asked for are left out, not shown as `-`.
        assert_eq!(ControlMessage::default().to_string(), "none");
        let tos0 = ControlMessage {
            tos: Some(0),
            ..ControlMessage::default()
        };
        assert_eq!(tos0.to_string(), "tos=0x00");
        let dst = ControlMessage {
            dst: Some(Ipv4Addr::new(127, 0, 0, 2)),
            if_index: Some(1),
            ..ControlMessage::default()
        };
        assert_eq!(dst.to_string(), "dst=127.0.0.2 ifindex=1");
    }

    fn any_message() -> impl Strategy<Value = ControlMessage> {
        (
            any::<Option<u8>>(),
            any::<Option<u32>>(),
            any::<Option<u32>>(),
            any::<Option<u32>>(),
            any::<Option<u8>>(),
            proptest::option::of(proptest::collection::vec(1u8..=1, 0..=40)),
            proptest::option::of(proptest::collection::vec(0u8..=0, 0..=40)),
            any::<Option<u16>>(),
            any::<Option<(u32, u16)>>(),
            any::<Option<u16>>(),
        )
            .prop_map(
                |(ttl, src, dst, if_index, tos, options, return_options, checksum, orig, frag)| {
                    // NOP and End of Option List areas: framed whatever their length.
                    let area = |b: Vec<u8>| OptionsArea::parse(&b).unwrap();
                    ControlMessage {
                        ttl,
                        src: src.map(Ipv4Addr::from),
                        dst: dst.map(Ipv4Addr::from),
                        if_index,
                        tos,
                        options: options.map(area),
                        return_options: return_options.map(area),
                        checksum,
                        orig_dst: orig.map(|(a, p)| SocketAddrV4::new(Ipv4Addr::from(a), p)),
                        frag_size: frag,
                    }
                },
            )
    }

    proptest! {
        #[test]
        fn flags_name_exactly_the_present_fields(cm in any_message()) {
            let f = cm.flags();
            prop_assert_eq!(f.contains(ControlFlags::TTL), cm.ttl.is_some());
            prop_assert_eq!(f.contains(ControlFlags::SRC), cm.src.is_some());
            prop_assert_eq!(f.contains(ControlFlags::DST), cm.dst.is_some());
            prop_assert_eq!(f.contains(ControlFlags::INTERFACE), cm.if_index.is_some());
            prop_assert_eq!(f.contains(ControlFlags::TOS), cm.tos.is_some());
            prop_assert_eq!(f.contains(ControlFlags::OPTIONS), cm.options.is_some());
            prop_assert_eq!(f.contains(ControlFlags::RETURN_OPTIONS), cm.return_options.is_some());
            prop_assert_eq!(f.contains(ControlFlags::CHECKSUM), cm.checksum.is_some());
            prop_assert_eq!(f.contains(ControlFlags::ORIG_DST), cm.orig_dst.is_some());
            prop_assert_eq!(f.contains(ControlFlags::FRAG_SIZE), cm.frag_size.is_some());
            prop_assert_eq!(cm.is_empty(), f.is_empty());
        }

        #[test]
        fn masking_keeps_only_named_fields(cm in any_message(), bits in any::<u16>()) {
            let mask = ControlFlags::from_bits_truncate(bits);
            let m = cm.masked(mask);
            prop_assert_eq!(m.flags(), cm.flags() & mask);
            prop_assert_eq!(m.masked(mask), m);
            if mask.contains(ControlFlags::TTL) { prop_assert_eq!(m.ttl, cm.ttl); }
            if mask.contains(ControlFlags::DST) { prop_assert_eq!(m.dst, cm.dst); }
            if mask.contains(ControlFlags::FRAG_SIZE) { prop_assert_eq!(m.frag_size, cm.frag_size); }
            prop_assert_eq!(cm.masked(ControlFlags::all()), cm);
        }

        // Go's tests require the string form to contain no comma; one
        // `name=value` per present field, none for absent ones.
        #[test]
        fn display_has_the_present_fields_and_no_comma(cm in any_message()) {
            let s = cm.to_string();
            prop_assert!(!s.contains(','));
            prop_assert!(!s.contains('-'));
            let present = cm.flags().bits().count_ones() as usize;
            if present == 0 {
                prop_assert_eq!(s, "none");
            } else {
                prop_assert_eq!(s.split(' ').count(), present);
            }
        }
    }
}
