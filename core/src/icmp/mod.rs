//! ICMP for IPv4: the message codec ([RFC 792], [RFC 4884], [RFC 8335]),
//! type numbers ([the IANA registry]) and the Linux raw-socket type filter.
//!
//! * [`IcmpView`] is a zero-copy view over a message: checked once (length
//!   for its type, checksum), then [`IcmpView::message`] classifies it as
//!   a [`Message`] without failing.
//! * Error messages (types 3, 4, 5, 11, 12) carry the original datagram as
//!   a [`Quote`]: a lax [`HeaderView`](crate::header::HeaderView) and the
//!   first payload bytes, and [`Quote::flow`] to match it to a probe.
//!   [`ErrorBody`] finds the [RFC 4884] length field and the [`Extensions`]
//!   after the datagram, whose objects decode as [RFC 4950] MPLS label
//!   stacks, [RFC 5837] interface information, [RFC 8335] interface
//!   identification, or stay raw.
//! * [`IcmpRepr`] is a message as values: `parse`, `buffer_len`, `emit`,
//!   checksums filled.
//! * [`ErrorCode`] types the `ee_type`/`ee_code` pair a socket's error queue
//!   reports.
//! * [`IcmpType`] is a type number with its IANA name. It is a thin wrapper
//!   around the byte, so every value, assigned or not, round-trips.
//! * [`IcmpFilter`] is the 32-bit mask of Linux's `ICMP_FILTER` socket
//!   option ([`raw(7)`]): a **set bit blocks** that type. Types 32 and up
//!   cannot be expressed (the kernel never filters them), and this type
//!   refuses them instead of aliasing them onto lower bits.
//!
//! ```
//! use core::net::Ipv4Addr;
//! use ipv4_core::header::HeaderView;
//! use ipv4_core::icmp::{IcmpView, Message, Transport};
//!
//! // A time exceeded message from router 198.51.100.1 (Linux-built) quoting
//! // a UDP probe 198.51.100.2:40000 -> 203.0.113.2:33434 with TTL 1.
//! let packet = [
//!     0x45, 0xc0, 0x00, 0x38, 0x00, 0x00, 0x00, 0x00, 0x40, 0x01, 0x00, 0x00,
//!     198, 51, 100, 1, 198, 51, 100, 2, // IPv4 header (checksum not filled)
//!     0x0b, 0x00, 0xd7, 0x71, 0x00, 0x00, 0x00, 0x00, // time exceeded in transit
//!     0x45, 0x00, 0x00, 0x24, 0x12, 0x34, 0x40, 0x00, 0x01, 0x11, 0x00, 0x00,
//!     198, 51, 100, 2, 203, 0, 113, 2, // the probe's header
//!     0x9c, 0x40, 0x82, 0x9a, 0x00, 0x10, 0x00, 0x00, // its UDP header
//! ];
//! let ip = HeaderView::new_checked(&packet[..])?;
//! let icmp = IcmpView::new_checked(ip.payload())?;
//! let message = icmp.message();
//! let flow = message.quote().and_then(|q| q.flow()).unwrap();
//! assert_eq!(flow.transport, Transport::Ports { source: 40000, destination: 33434 });
//! assert_eq!(
//!     message.display_from(ip.source()).to_string(),
//!     "ICMP time exceeded in transit from 198.51.100.1, quoting UDP 203.0.113.2:33434"
//! );
//!
//! // The filter of a ping client's raw socket: echo replies and nothing else.
//! use ipv4_core::icmp::{IcmpFilter, IcmpType};
//! let mut filter = IcmpFilter::block_all();
//! filter.accept(IcmpType::ECHO_REPLY)?;
//! assert_eq!(filter.bits(), 0xffff_fffe);
//! assert!(filter.will_block(IcmpType::ECHO));
//! assert!(filter.block(IcmpType::PHOTURIS).is_err()); // type 40
//! assert_eq!(IcmpType::ECHO.to_string(), "echo");
//! # Ok::<(), Box<dyn core::error::Error>>(())
//! ```
//!
//! [RFC 792]: https://www.rfc-editor.org/rfc/rfc792
//! [RFC 4884]: https://www.rfc-editor.org/rfc/rfc4884
//! [RFC 4950]: https://www.rfc-editor.org/rfc/rfc4950
//! [RFC 5837]: https://www.rfc-editor.org/rfc/rfc5837
//! [RFC 8335]: https://www.rfc-editor.org/rfc/rfc8335
//! [the IANA registry]: https://www.iana.org/assignments/icmp-parameters/icmp-parameters.xhtml#icmp-parameters-types
//! [`raw(7)`]: https://man7.org/linux/man-pages/man7/raw.7.html

mod codes;
mod display;
mod extension;
mod message;
mod quote;
mod repr;
mod view;

#[cfg(test)]
mod proptests;
#[cfg(test)]
mod testdata;
#[cfg(test)]
mod tests;

pub use codes::{
    ExtendedEchoCode, NeighborState, ParameterProblemCode, RedirectCode, TimeExceededCode,
    UnreachableCode,
};
pub use display::DisplayFrom;
pub use extension::{
    AfiAddress, EXTENSION_HEADER_LEN, EXTENSION_VERSION, ExtensionObject, Extensions, InterfaceId,
    InterfaceInfo, InterfaceRole, MIN_ORIGINAL_DATAGRAM_LEN, MplsEntry, MplsStack, Object,
    ObjectRepr, Objects, class, interface_info_bits,
};
pub use message::{
    Echo, ErrorBody, ErrorCode, ExtendedEchoReply, ExtendedEchoRequest, ExtensionMode, Message,
    Timestamp,
};
pub use quote::{Flow, Quote, Transport};
pub use repr::IcmpRepr;
pub use view::IcmpView;

/// Length of the ICMP header: type, code, checksum and four type-specific
/// bytes ([RFC 792]).
///
/// [RFC 792]: https://www.rfc-editor.org/rfc/rfc792
pub const HEADER_LEN: usize = 8;

/// Length of a Timestamp or Timestamp Reply message ([RFC 792]).
///
/// [RFC 792]: https://www.rfc-editor.org/rfc/rfc792
pub const TIMESTAMP_LEN: usize = 20;

use crate::error::IcmpFilterError;
use crate::registry::u8_registry;

u8_registry! {
    /// An ICMP message type: the first byte of an ICMP message ([RFC 792]).
    ///
    /// The associated constants name the types of the [IANA registry];
    /// [`name`](Self::name) gives the registry's description in lower case.
    /// Any byte converts in and out unchanged.
    ///
    /// ```
    /// use ipv4_core::icmp::IcmpType;
    ///
    /// let t = IcmpType::from(3);
    /// assert_eq!(t, IcmpType::DESTINATION_UNREACHABLE);
    /// assert_eq!(t.name(), Some("destination unreachable"));
    /// assert_eq!(IcmpType::from(44).name(), None);
    /// assert_eq!(IcmpType::from(44).to_string(), "type 44");
    /// assert_eq!(u8::from(IcmpType::from(200)), 200);
    /// ```
    ///
    /// [RFC 792]: https://www.rfc-editor.org/rfc/rfc792
    /// [IANA registry]: https://www.iana.org/assignments/icmp-parameters/icmp-parameters.xhtml#icmp-parameters-types
    pub struct IcmpType(pub u8);
    debug_name: name;
    display_unknown: "type {}";
}

impl IcmpType {
    /// Echo Reply, 0 ([RFC 792]).
    ///
    /// [RFC 792]: https://www.rfc-editor.org/rfc/rfc792
    pub const ECHO_REPLY: IcmpType = IcmpType(0);
    /// Destination Unreachable, 3 ([RFC 792]).
    ///
    /// [RFC 792]: https://www.rfc-editor.org/rfc/rfc792
    pub const DESTINATION_UNREACHABLE: IcmpType = IcmpType(3);
    /// Source Quench, 4 (deprecated by [RFC 6633]).
    ///
    /// [RFC 6633]: https://www.rfc-editor.org/rfc/rfc6633
    pub const SOURCE_QUENCH: IcmpType = IcmpType(4);
    /// Redirect, 5 ([RFC 792]).
    ///
    /// [RFC 792]: https://www.rfc-editor.org/rfc/rfc792
    pub const REDIRECT: IcmpType = IcmpType(5);
    /// Echo (request), 8 ([RFC 792]).
    ///
    /// [RFC 792]: https://www.rfc-editor.org/rfc/rfc792
    pub const ECHO: IcmpType = IcmpType(8);
    /// Router Advertisement, 9 ([RFC 1256]).
    ///
    /// [RFC 1256]: https://www.rfc-editor.org/rfc/rfc1256
    pub const ROUTER_ADVERTISEMENT: IcmpType = IcmpType(9);
    /// Router Solicitation, 10 ([RFC 1256]).
    ///
    /// [RFC 1256]: https://www.rfc-editor.org/rfc/rfc1256
    pub const ROUTER_SOLICITATION: IcmpType = IcmpType(10);
    /// Time Exceeded, 11 ([RFC 792]).
    ///
    /// [RFC 792]: https://www.rfc-editor.org/rfc/rfc792
    pub const TIME_EXCEEDED: IcmpType = IcmpType(11);
    /// Parameter Problem, 12 ([RFC 792]).
    ///
    /// [RFC 792]: https://www.rfc-editor.org/rfc/rfc792
    pub const PARAMETER_PROBLEM: IcmpType = IcmpType(12);
    /// Timestamp, 13 ([RFC 792]).
    ///
    /// [RFC 792]: https://www.rfc-editor.org/rfc/rfc792
    pub const TIMESTAMP: IcmpType = IcmpType(13);
    /// Timestamp Reply, 14 ([RFC 792]).
    ///
    /// [RFC 792]: https://www.rfc-editor.org/rfc/rfc792
    pub const TIMESTAMP_REPLY: IcmpType = IcmpType(14);
    /// Photuris, 40 ([RFC 2521]).
    ///
    /// [RFC 2521]: https://www.rfc-editor.org/rfc/rfc2521
    pub const PHOTURIS: IcmpType = IcmpType(40);
    /// Extended Echo Request, 42 ([RFC 8335]).
    ///
    /// [RFC 8335]: https://www.rfc-editor.org/rfc/rfc8335
    pub const EXTENDED_ECHO_REQUEST: IcmpType = IcmpType(42);
    /// Extended Echo Reply, 43 ([RFC 8335]).
    ///
    /// [RFC 8335]: https://www.rfc-editor.org/rfc/rfc8335
    pub const EXTENDED_ECHO_REPLY: IcmpType = IcmpType(43);

    /// The IANA description of this type in lower case, or `None` when the
    /// number is unassigned. Deprecated and reserved numbers have names too
    /// (see [`is_deprecated`](Self::is_deprecated)).
    pub const fn name(self) -> Option<&'static str> {
        Some(match self.0 {
            0 => "echo reply",
            3 => "destination unreachable",
            4 => "source quench",
            5 => "redirect",
            6 => "alternate host address",
            8 => "echo",
            9 => "router advertisement",
            10 => "router solicitation",
            11 => "time exceeded",
            12 => "parameter problem",
            13 => "timestamp",
            14 => "timestamp reply",
            15 => "information request",
            16 => "information reply",
            17 => "address mask request",
            18 => "address mask reply",
            19 => "reserved for security",
            20..=29 => "reserved for robustness experiment",
            30 => "traceroute",
            31 => "datagram conversion error",
            32 => "mobile host redirect",
            33 => "ipv6 where-are-you",
            34 => "ipv6 i-am-here",
            35 => "mobile registration request",
            36 => "mobile registration reply",
            37 => "domain name request",
            38 => "domain name reply",
            39 => "skip",
            40 => "photuris",
            41 => "experimental mobility protocols",
            42 => "extended echo request",
            43 => "extended echo reply",
            253 => "rfc3692-style experiment 1",
            254 => "rfc3692-style experiment 2",
            255 => "reserved",
            _ => return None,
        })
    }

    /// Returns `true` for the types IANA marks deprecated ([RFC 6633],
    /// [RFC 6918]): 4, 6, 15–18 and 30–39.
    ///
    /// [RFC 6633]: https://www.rfc-editor.org/rfc/rfc6633
    /// [RFC 6918]: https://www.rfc-editor.org/rfc/rfc6918
    pub const fn is_deprecated(self) -> bool {
        matches!(self.0, 4 | 6 | 15..=18 | 30..=39)
    }

    /// Returns `true` for the query types whose messages a host answers or
    /// that ask for an answer ([RFC 792], [RFC 8335]): echo, timestamp,
    /// router solicitation, extended echo request, and the deprecated
    /// information and address-mask requests.
    ///
    /// [RFC 792]: https://www.rfc-editor.org/rfc/rfc792
    /// [RFC 8335]: https://www.rfc-editor.org/rfc/rfc8335
    pub const fn is_request(self) -> bool {
        matches!(self.0, 8 | 10 | 13 | 15 | 17 | 42)
    }
}

/// The ICMP type filter of a Linux raw ICMP socket ([`raw(7)`],
/// `ICMP_FILTER`): a 32-bit mask in which a **set bit blocks** the type of
/// that number.
///
/// This is the kernel's sense, the inverse of the RFC 3542
/// `ICMP6_FILTER_WILLPASS` convention. The kernel consults the mask only for
/// types 0–31 and delivers every higher type; so [`accept`](Self::accept)
/// and [`block`](Self::block) refuse types ≥ 32 with
/// [`IcmpFilterError::TypeOutOfRange`], and
/// [`will_block`](Self::will_block) answers `false` for them, matching what
/// the kernel does.
///
/// The default filter blocks nothing.
///
/// ```
/// use ipv4_core::icmp::{IcmpFilter, IcmpType};
///
/// let mut f = IcmpFilter::default();
/// f.block(IcmpType::ECHO)?;
/// assert_eq!(f.bits(), 1 << 8);
/// assert!(!f.will_block(IcmpType::ECHO_REPLY));
/// assert!(!f.will_block(IcmpType::EXTENDED_ECHO_REQUEST)); // 42: never filtered
/// # Ok::<(), ipv4_core::error::IcmpFilterError>(())
/// ```
///
/// [`raw(7)`]: https://man7.org/linux/man-pages/man7/raw.7.html
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub struct IcmpFilter(u32);

impl IcmpFilter {
    /// A filter that blocks nothing (mask 0).
    pub const fn accept_all() -> IcmpFilter {
        IcmpFilter(0)
    }

    /// A filter that blocks every type from 0 to 31 (mask `0xffff_ffff`).
    pub const fn block_all() -> IcmpFilter {
        IcmpFilter(u32::MAX)
    }

    /// The filter with this kernel mask (bit `t` set = type `t` blocked).
    pub const fn from_bits(bits: u32) -> IcmpFilter {
        IcmpFilter(bits)
    }

    /// The kernel mask (`struct icmp_filter { __u32 data; }`).
    pub const fn bits(self) -> u32 {
        self.0
    }

    const fn bit(typ: IcmpType) -> Result<u32, IcmpFilterError> {
        if typ.0 < 32 {
            Ok(1 << typ.0)
        } else {
            Err(IcmpFilterError::TypeOutOfRange { found: typ.0 })
        }
    }

    /// Lets messages of type `typ` through (clears its bit).
    ///
    /// # Errors
    ///
    /// [`IcmpFilterError::TypeOutOfRange`] if `typ` is 32 or more; the
    /// filter is unchanged.
    pub fn accept(&mut self, typ: IcmpType) -> Result<(), IcmpFilterError> {
        self.0 &= !Self::bit(typ)?;
        Ok(())
    }

    /// Drops messages of type `typ` (sets its bit).
    ///
    /// # Errors
    ///
    /// [`IcmpFilterError::TypeOutOfRange`] if `typ` is 32 or more; the
    /// filter is unchanged.
    pub fn block(&mut self, typ: IcmpType) -> Result<(), IcmpFilterError> {
        self.0 |= Self::bit(typ)?;
        Ok(())
    }

    /// Blocks every type 0–31 when `block` is `true`, accepts every type
    /// when it is `false`.
    pub fn set_all(&mut self, block: bool) {
        self.0 = if block { u32::MAX } else { 0 };
    }

    /// Returns `true` if the kernel would drop a message of type `typ`.
    /// Always `false` for types ≥ 32, which the kernel never filters.
    pub const fn will_block(self, typ: IcmpType) -> bool {
        match Self::bit(typ) {
            Ok(bit) => self.0 & bit != 0,
            Err(_) => false,
        }
    }
}

impl From<u32> for IcmpFilter {
    fn from(bits: u32) -> IcmpFilter {
        IcmpFilter(bits)
    }
}

impl From<IcmpFilter> for u32 {
    fn from(filter: IcmpFilter) -> u32 {
        filter.0
    }
}

#[cfg(test)]
mod type_and_filter_tests {
    extern crate std;
    use super::*;
    use proptest::prelude::*;
    use std::string::ToString;

    // Go's TestICMPString.
    #[test]
    fn names_match_go() {
        assert_eq!(
            IcmpType::DESTINATION_UNREACHABLE.to_string(),
            "destination unreachable"
        );
        for (t, name) in [
            (0, "echo reply"),
            (3, "destination unreachable"),
            (5, "redirect"),
            (8, "echo"),
            (9, "router advertisement"),
            (10, "router solicitation"),
            (11, "time exceeded"),
            (12, "parameter problem"),
            (13, "timestamp"),
            (14, "timestamp reply"),
            (40, "photuris"),
            (42, "extended echo request"),
            (43, "extended echo reply"),
        ] {
            assert_eq!(IcmpType(t).name(), Some(name), "type {t}");
        }
        for unassigned in [1, 2, 7, 44, 100, 252] {
            assert_eq!(IcmpType(unassigned).name(), None);
        }
        assert!(IcmpType::SOURCE_QUENCH.is_deprecated());
        assert!(!IcmpType::ECHO.is_deprecated());
        assert!(IcmpType::ECHO.is_request());
        assert!(!IcmpType::ECHO_REPLY.is_request());
    }

    // Go's TestICMPFilter, for both starting states.
    #[test]
    fn accept_and_block_round_trip_like_go() {
        for block_all in [false, true] {
            let mut f = IcmpFilter::default();
            f.set_all(block_all);
            for t in [
                IcmpType::DESTINATION_UNREACHABLE,
                IcmpType::ECHO_REPLY,
                IcmpType::TIME_EXCEEDED,
                IcmpType::PARAMETER_PROBLEM,
            ] {
                f.accept(t).unwrap();
                assert!(!f.will_block(t));
                f.block(t).unwrap();
                assert!(f.will_block(t));
            }
        }
    }

    // Go: SetAll(true) + Accept(EchoReply) gives 0xfffffffe.
    #[test]
    fn kernel_mask_layout() {
        let mut f = IcmpFilter::block_all();
        f.accept(IcmpType::ECHO_REPLY).unwrap();
        assert_eq!(f.bits(), 0xffff_fffe);
        let mut g = IcmpFilter::accept_all();
        g.block(IcmpType::ECHO).unwrap();
        g.block(IcmpType(31)).unwrap();
        assert_eq!(u32::from(g), 0x8000_0100);
    }

    // Go's aliasing bug: Block(Photuris = 40) set bit 8 and blocked Echo.
    #[test]
    fn high_types_are_never_aliased() {
        let mut f = IcmpFilter::accept_all();
        assert_eq!(
            f.block(IcmpType::PHOTURIS),
            Err(IcmpFilterError::TypeOutOfRange { found: 40 })
        );
        assert_eq!(f.bits(), 0);
        assert!(!f.will_block(IcmpType::ECHO));
        let all = IcmpFilter::block_all();
        assert!(!all.will_block(IcmpType::PHOTURIS));
        assert!(all.will_block(IcmpType::ECHO));
        let msg = f.accept(IcmpType(32)).unwrap_err().to_string();
        assert!(msg.contains("32") && msg.contains("0 to 31"), "{msg}");
    }

    proptest! {
        // The filter behaves like the set of blocked types below 32.
        #[test]
        fn filter_matches_a_set_model(ops in proptest::collection::vec((any::<bool>(), any::<u8>()), 0..64)) {
            let mut f = IcmpFilter::default();
            let mut blocked = [false; 256];
            for (block, t) in ops {
                let r = if block { f.block(IcmpType(t)) } else { f.accept(IcmpType(t)) };
                if t < 32 {
                    prop_assert!(r.is_ok());
                    blocked[usize::from(t)] = block;
                } else {
                    prop_assert_eq!(r, Err(IcmpFilterError::TypeOutOfRange { found: t }));
                }
            }
            for t in 0..=255u8 {
                prop_assert_eq!(f.will_block(IcmpType(t)), blocked[usize::from(t)]);
            }
        }

        #[test]
        fn type_and_filter_convert_losslessly(b in any::<u8>(), m in any::<u32>()) {
            prop_assert_eq!(u8::from(IcmpType::from(b)), b);
            prop_assert_eq!(u32::from(IcmpFilter::from(m)), m);
            prop_assert_eq!(IcmpFilter::from_bits(m).bits(), m);
            let s = IcmpType(b).to_string();
            prop_assert!(!s.is_empty());
        }
    }
}
