//! The option-type byte ([RFC 791 §3.1]): copied flag, class and number, and
//! the IANA registry of option numbers.
//!
//! [RFC 791 §3.1]: https://www.rfc-editor.org/rfc/rfc791#section-3.1

use core::fmt;

use crate::registry::u8_registry;

u8_registry! {
    /// An IPv4 option-type byte ([RFC 791 §3.1]), split into its three fields:
    ///
    /// ```text
    ///   0   1 2   3 4 5 6 7
    /// +---+-----+-----------+
    /// | C |class|  number   |
    /// +---+-----+-----------+
    /// ```
    ///
    /// `C` (copied) says whether the option is copied into every fragment; class
    /// 0 is "control", 2 is "debugging and measurement", 1 and 3 are reserved.
    /// The associated constants are the values in the [IANA registry].
    ///
    /// ```
    /// use ipv4_core::options::{OptionClass, OptionKind};
    ///
    /// let lsrr = OptionKind::LOOSE_SOURCE_ROUTE;
    /// assert_eq!(lsrr.value(), 131);
    /// assert!(lsrr.copied());
    /// assert_eq!(lsrr.class(), OptionClass::Control);
    /// assert_eq!(lsrr.number(), 3);
    /// assert_eq!(lsrr.abbreviation(), Some("LSR"));
    /// assert_eq!(OptionKind::new(true, OptionClass::Control, 3), lsrr);
    /// assert_eq!(OptionKind::TIMESTAMP.class(), OptionClass::DebuggingMeasurement);
    /// ```
    ///
    /// [RFC 791 §3.1]: https://www.rfc-editor.org/rfc/rfc791#section-3.1
    /// [IANA registry]: https://www.iana.org/assignments/ip-parameters/ip-parameters.xhtml#ip-parameters-1
    #[derive(Default)]
    pub struct OptionKind(pub u8);
    debug_name: abbreviation;
}

/// The two-bit option class of an [`OptionKind`] ([RFC 791 §3.1]).
///
/// [RFC 791 §3.1]: https://www.rfc-editor.org/rfc/rfc791#section-3.1
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
#[repr(u8)]
pub enum OptionClass {
    /// Class 0: control.
    Control = 0,
    /// Class 1: reserved for future use.
    Reserved1 = 1,
    /// Class 2: debugging and measurement.
    DebuggingMeasurement = 2,
    /// Class 3: reserved for future use.
    Reserved3 = 3,
}

impl OptionClass {
    /// The class from its two-bit value (higher bits are ignored).
    #[inline]
    pub const fn from_bits(bits: u8) -> OptionClass {
        match bits & 0b11 {
            0 => OptionClass::Control,
            1 => OptionClass::Reserved1,
            2 => OptionClass::DebuggingMeasurement,
            _ => OptionClass::Reserved3,
        }
    }
}

/// One row of the IANA registry: value, abbreviation, name.
struct Entry(u8, &'static str, &'static str);

/// IANA "IP Option Numbers" (ip-parameters-1), in value order.
const REGISTRY: &[Entry] = &[
    Entry(0, "EOOL", "End of Options List"),
    Entry(1, "NOP", "No Operation"),
    Entry(7, "RR", "Record Route"),
    Entry(10, "ZSU", "Experimental Measurement"),
    Entry(11, "MTUP", "MTU Probe"),
    Entry(12, "MTUR", "MTU Reply"),
    Entry(15, "ENCODE", "ENCODE"),
    Entry(25, "QS", "Quick-Start"),
    Entry(30, "EXP", "RFC3692-style Experiment"),
    Entry(68, "TS", "Time Stamp"),
    Entry(82, "TR", "Traceroute"),
    Entry(94, "EXP", "RFC3692-style Experiment"),
    Entry(130, "SEC", "Security"),
    Entry(131, "LSR", "Loose Source Route"),
    Entry(133, "E-SEC", "Extended Security"),
    Entry(134, "CIPSO", "Commercial Security"),
    Entry(136, "SID", "Stream ID"),
    Entry(137, "SSR", "Strict Source Route"),
    Entry(142, "VISA", "Experimental Access Control"),
    Entry(144, "IMITD", "IMI Traffic Descriptor"),
    Entry(145, "EIP", "Extended Internet Protocol"),
    Entry(147, "ADDEXT", "Address Extension"),
    Entry(148, "RTRALT", "Router Alert"),
    Entry(149, "SDB", "Selective Directed Broadcast"),
    Entry(151, "DPS", "Dynamic Packet State"),
    Entry(152, "UMP", "Upstream Multicast Packet"),
    Entry(158, "EXP", "RFC3692-style Experiment"),
    Entry(205, "FINN", "Experimental Flow Control"),
    Entry(222, "EXP", "RFC3692-style Experiment"),
];

impl OptionKind {
    /// End of Option List (0), [RFC 791](https://www.rfc-editor.org/rfc/rfc791#section-3.1).
    pub const END_OF_LIST: OptionKind = OptionKind(0);
    /// No Operation (1), [RFC 791](https://www.rfc-editor.org/rfc/rfc791#section-3.1).
    pub const NO_OPERATION: OptionKind = OptionKind(1);
    /// Record Route (7), [RFC 791](https://www.rfc-editor.org/rfc/rfc791#section-3.1).
    pub const RECORD_ROUTE: OptionKind = OptionKind(7);
    /// Quick-Start (25), [RFC 4782](https://www.rfc-editor.org/rfc/rfc4782).
    pub const QUICK_START: OptionKind = OptionKind(25);
    /// Internet Timestamp (68), [RFC 791](https://www.rfc-editor.org/rfc/rfc791#section-3.1).
    pub const TIMESTAMP: OptionKind = OptionKind(68);
    /// Traceroute (82), [RFC 1393](https://www.rfc-editor.org/rfc/rfc1393).
    pub const TRACEROUTE: OptionKind = OptionKind(82);
    /// Security (130), [RFC 791](https://www.rfc-editor.org/rfc/rfc791#section-3.1) /
    /// [RFC 1108](https://www.rfc-editor.org/rfc/rfc1108).
    pub const SECURITY: OptionKind = OptionKind(130);
    /// Loose Source and Record Route (131), [RFC 791](https://www.rfc-editor.org/rfc/rfc791#section-3.1).
    pub const LOOSE_SOURCE_ROUTE: OptionKind = OptionKind(131);
    /// Extended Security (133), [RFC 1108](https://www.rfc-editor.org/rfc/rfc1108).
    pub const EXTENDED_SECURITY: OptionKind = OptionKind(133);
    /// Commercial IP Security Option, CIPSO (134).
    pub const CIPSO: OptionKind = OptionKind(134);
    /// Stream Identifier (136), [RFC 791](https://www.rfc-editor.org/rfc/rfc791#section-3.1).
    pub const STREAM_ID: OptionKind = OptionKind(136);
    /// Strict Source and Record Route (137), [RFC 791](https://www.rfc-editor.org/rfc/rfc791#section-3.1).
    pub const STRICT_SOURCE_ROUTE: OptionKind = OptionKind(137);
    /// Router Alert (148), [RFC 2113](https://www.rfc-editor.org/rfc/rfc2113).
    pub const ROUTER_ALERT: OptionKind = OptionKind(148);

    /// The type byte with the given copied flag, class and number (the number
    /// is taken modulo 32).
    #[inline]
    pub const fn new(copied: bool, class: OptionClass, number: u8) -> OptionKind {
        OptionKind(((copied as u8) << 7) | ((class as u8) << 5) | (number & 0x1f))
    }

    /// The byte as it is on the wire.
    #[inline]
    pub const fn value(self) -> u8 {
        self.0
    }

    /// Whether the option is copied into every fragment (the high bit).
    #[inline]
    pub const fn copied(self) -> bool {
        self.0 & 0x80 != 0
    }

    /// The option class (bits 1–2).
    #[inline]
    pub const fn class(self) -> OptionClass {
        OptionClass::from_bits(self.0 >> 5)
    }

    /// The option number (the low five bits).
    #[inline]
    pub const fn number(self) -> u8 {
        self.0 & 0x1f
    }

    /// Whether this is one of the two single-byte options (End of Option
    /// List, No Operation), which have no length byte.
    #[inline]
    pub const fn is_single_byte(self) -> bool {
        self.0 <= 1
    }

    fn entry(self) -> Option<&'static Entry> {
        REGISTRY.iter().find(|e| e.0 == self.0)
    }

    /// The IANA abbreviation ("RR", "TS", "RTRALT"), or `None` for a value
    /// the registry does not assign.
    #[inline]
    pub fn abbreviation(self) -> Option<&'static str> {
        self.entry().map(|e| e.1)
    }

    /// The IANA name ("Record Route", "Router Alert"), or `None` for a value
    /// the registry does not assign.
    #[inline]
    pub fn name(self) -> Option<&'static str> {
        self.entry().map(|e| e.2)
    }
}

impl fmt::Display for OptionKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.name() {
            Some(n) => write!(f, "{n} ({})", self.0),
            None => write!(f, "option type {}", self.0),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fields_match_the_iana_table() {
        // (value, copy, class, number) straight from the IANA registry.
        let rows: &[(u8, bool, u8, u8)] = &[
            (0, false, 0, 0),
            (1, false, 0, 1),
            (130, true, 0, 2),
            (131, true, 0, 3),
            (68, false, 2, 4),
            (133, true, 0, 5),
            (134, true, 0, 6),
            (7, false, 0, 7),
            (136, true, 0, 8),
            (137, true, 0, 9),
            (82, false, 2, 18),
            (148, true, 0, 20),
            (25, false, 0, 25),
            (222, true, 2, 30),
        ];
        for &(value, copied, class, number) in rows {
            let k = OptionKind(value);
            assert_eq!(k.copied(), copied, "{value}");
            assert_eq!(k.class() as u8, class, "{value}");
            assert_eq!(k.number(), number, "{value}");
            assert_eq!(
                OptionKind::new(copied, OptionClass::from_bits(class), number),
                k
            );
            assert!(k.name().is_some());
        }
        assert_eq!(OptionKind(148).name(), Some("Router Alert"));
        assert_eq!(OptionKind(150).name(), None);
        assert_eq!(OptionKind(0x44).abbreviation(), Some("TS"));
    }

    #[test]
    fn registry_is_sorted_and_unique() {
        for w in REGISTRY.windows(2) {
            assert!(w[0].0 < w[1].0);
        }
    }
}
