//! `Display` and `Debug` of options, in one style across the crate:
//! `Debug` shows named fields and their values (addresses as addresses,
//! not bytes); `Display` is a tcpdump-like one-liner with only what is
//! there.
//!
//! The names are tcpdump's (`print-ip.c`): `EOL`, `NOP`, `RR`, `LSRR`,
//! `SSRR`, `TS`, `RA`, `SID`, `SEC`; other types print as their IANA
//! abbreviation or `opt` and the type number, then the body in hex. In a
//! route or timestamp, `^` marks the pointer (left out once the option is
//! full), as tcpdump marks it.
//!
//! ```
//! use ipv4_core::options::Options;
//!
//! let area = [148, 4, 0, 0, 7, 11, 8, 198, 51, 100, 1, 0, 0, 0, 0, 1, 0];
//! let line: Vec<String> = Options::new(&area).map(|o| o.unwrap().to_string()).collect();
//! assert_eq!(line, ["RA 0", "RR{198.51.100.1 ^ 0.0.0.0}", "NOP", "EOL"]);
//! ```

use core::fmt;

use super::route::Route;
use super::timestamp::{Timestamp, TimestampFlag};
use super::{Ipv4Option, OptionKind};

/// tcpdump's name for the types this crate parses; `None` for others.
fn short_name(kind: OptionKind) -> Option<&'static str> {
    Some(match kind {
        OptionKind::END_OF_LIST => "EOL",
        OptionKind::NO_OPERATION => "NOP",
        OptionKind::RECORD_ROUTE => "RR",
        OptionKind::LOOSE_SOURCE_ROUTE => "LSRR",
        OptionKind::STRICT_SOURCE_ROUTE => "SSRR",
        OptionKind::TIMESTAMP => "TS",
        OptionKind::ROUTER_ALERT => "RA",
        OptionKind::STREAM_ID => "SID",
        OptionKind::SECURITY => "SEC",
        _ => return None,
    })
}

/// The name an option prints under: tcpdump's, the IANA abbreviation, or
/// `opt` and the type number.
struct Name(OptionKind);

impl fmt::Display for Name {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match short_name(self.0).or_else(|| self.0.abbreviation()) {
            Some(name) => f.write_str(name),
            None => write!(f, "opt{}", self.0.value()),
        }
    }
}

/// Bytes as contiguous lowercase hex.
struct Hex<'a>(&'a [u8]);

impl fmt::Display for Hex<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.0.iter().try_for_each(|b| write!(f, "{b:02x}"))
    }
}

/// `NAME hexbody`, or `NAME` alone for an empty body.
fn name_and_body(f: &mut fmt::Formatter<'_>, kind: OptionKind, data: &[u8]) -> fmt::Result {
    write!(f, "{}", Name(kind))?;
    if !data.is_empty() {
        write!(f, " {}", Hex(data))?;
    }
    Ok(())
}

/// `RR{198.51.100.1 ^ 0.0.0.0}`: the name, the addresses in order, `^`
/// at the pointer unless the route is full.
impl fmt::Display for Route<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}{{", Name(self.kind().option_kind()))?;
        let mut first = true;
        let mut sep = |f: &mut fmt::Formatter<'_>| {
            let s = if first { "" } else { " " };
            first = false;
            f.write_str(s)
        };
        for addr in self.recorded() {
            sep(f)?;
            write!(f, "{addr}")?;
        }
        if !self.is_full() {
            sep(f)?;
            f.write_str("^")?;
        }
        for addr in self.remaining() {
            sep(f)?;
            write!(f, "{addr}")?;
        }
        f.write_str("}")
    }
}

/// Named fields: the kind, the pointer, and the addresses before and after
/// it.
impl fmt::Debug for Route<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Route")
            .field("kind", &self.kind())
            .field("length", &self.length())
            .field("pointer", &self.pointer())
            .field("recorded", &AddrList(self))
            .field("remaining", &RemainingList(self))
            .finish()
    }
}

struct AddrList<'r, 'a>(&'r Route<'a>);

impl fmt::Debug for AddrList<'_, '_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_list().entries(self.0.recorded()).finish()
    }
}

struct RemainingList<'r, 'a>(&'r Route<'a>);

impl fmt::Debug for RemainingList<'_, '_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_list().entries(self.0.remaining()).finish()
    }
}

/// `TS{TS+ADDR 1000@192.0.2.1 ^ 0@0.0.0.0 [2 hops not recorded]}`: the flag
/// (`TSONLY`, `TS+ADDR`, `PRESPEC`), each entry as `time@address` (the time
/// alone without addresses), `^` at the pointer unless full, and the
/// overflow count when it is not 0.
impl fmt::Display for Timestamp<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self.flag() {
            TimestampFlag::TimestampsOnly => "TS{TSONLY",
            TimestampFlag::AddressAndTimestamp => "TS{TS+ADDR",
            TimestampFlag::Prespecified => "TS{PRESPEC",
        })?;
        let filled = self.filled();
        for (i, entry) in self.slots().enumerate() {
            if i == filled {
                f.write_str(" ^")?;
            }
            write!(f, " {}", entry.time.0)?;
            if let Some(addr) = entry.address {
                write!(f, "@{addr}")?;
            }
        }
        if !self.is_full() && filled == self.capacity() {
            f.write_str(" ^")?;
        }
        if self.overflow() != 0 {
            write!(f, " [{} hops not recorded]", self.overflow())?;
        }
        f.write_str("}")
    }
}

/// Named fields: flag, pointer, overflow, the entries recorded and the
/// free slots.
impl fmt::Debug for Timestamp<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        struct Entries<'r, 'a>(&'r Timestamp<'a>);
        impl fmt::Debug for Entries<'_, '_> {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.debug_list().entries(self.0.entries()).finish()
            }
        }
        f.debug_struct("Timestamp")
            .field("flag", &self.flag())
            .field("length", &self.length())
            .field("pointer", &self.pointer())
            .field("overflow", &self.overflow())
            .field("entries", &Entries(self))
            .field("free", &(self.capacity() - self.filled()))
            .finish()
    }
}

/// One option, tcpdump-style: `RA 0`, `RR{198.51.100.1 ^ 0.0.0.0}`,
/// `TS{TSONLY 1000 ^ 0}`, `SID 4660`, `SEC 5a80`, `NOP`, `EOL`; an
/// unknown type as its name and body in hex (`QS 0a0b0c`, `opt153 ab`); a
/// malformed one as `bad RR 03000000` and the reason.
impl fmt::Display for Ipv4Option<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Ipv4Option::End { .. } => f.write_str("EOL"),
            Ipv4Option::Nop => f.write_str("NOP"),
            Ipv4Option::RecordRoute(r)
            | Ipv4Option::LooseSourceRoute(r)
            | Ipv4Option::StrictSourceRoute(r) => r.fmt(f),
            Ipv4Option::Timestamp(t) => t.fmt(f),
            Ipv4Option::RouterAlert(ra) => write!(f, "RA {}", ra.value()),
            Ipv4Option::StreamId(id) => write!(f, "SID {}", id.0),
            Ipv4Option::Security(s) => name_and_body(f, OptionKind::SECURITY, s.data()),
            Ipv4Option::Unknown { kind, data } => name_and_body(f, *kind, data),
            Ipv4Option::Malformed { kind, data, error } => {
                f.write_str("bad ")?;
                name_and_body(f, *kind, data)?;
                write!(f, " ({error})")
            }
        }
    }
}

#[cfg(test)]
mod tests {
    extern crate std;
    use std::format;
    use std::string::{String, ToString};
    use std::vec::Vec;

    use super::*;
    use crate::options::{Options, RouterAlert, StreamId, Validation};

    fn shown(area: &[u8]) -> Vec<String> {
        Options::lax(area).map(|o| o.unwrap().to_string()).collect()
    }

    #[test]
    fn routes_mark_the_pointer() {
        // RR with two slots, one recorded (pointer 8).
        let rr = [7, 11, 8, 198, 51, 100, 1, 0, 0, 0, 0];
        assert_eq!(shown(&rr), ["RR{198.51.100.1 ^ 0.0.0.0}"]);
        // Full: no marker.
        let full = [7, 11, 12, 198, 51, 100, 1, 203, 0, 113, 2];
        assert_eq!(shown(&full), ["RR{198.51.100.1 203.0.113.2}"]);
        // A loose source route just sent: every hop still to go.
        let lsrr = [131, 11, 4, 198, 51, 100, 1, 203, 0, 113, 2];
        assert_eq!(shown(&lsrr), ["LSRR{^ 198.51.100.1 203.0.113.2}"]);
        let ssrr = [137, 3, 4];
        assert_eq!(shown(&ssrr), ["SSRR{}"]);
    }

    #[test]
    fn route_debug_names_fields_and_addresses() {
        let rr = [7, 11, 8, 198, 51, 100, 1, 0, 0, 0, 0];
        let route = Route::new_checked(&rr).unwrap();
        assert_eq!(
            format!("{route:?}"),
            "Route { kind: Record, length: 11, pointer: 8, recorded: [198.51.100.1], remaining: [0.0.0.0] }"
        );
    }

    #[test]
    fn timestamps_like_tcpdump() {
        // Flag 1, two slots, one filled, overflow 2 (RFC 791 layout).
        let ts = [
            68, 20, 13, 0x21, 192, 0, 2, 1, 0, 0, 0x03, 0xe8, 0, 0, 0, 0, 0, 0, 0, 0,
        ];
        assert_eq!(
            shown(&ts),
            ["TS{TS+ADDR 1000@192.0.2.1 ^ 0@0.0.0.0 [2 hops not recorded]}"]
        );
        let only = [68, 12, 13, 0x00, 0, 0, 0, 7, 0, 0, 0, 8];
        assert_eq!(shown(&only), ["TS{TSONLY 7 8}"]);
        let empty = [68, 4, 5, 0x00];
        assert_eq!(shown(&empty), ["TS{TSONLY}"]);
        let t = Timestamp::new_checked(&ts).unwrap();
        assert_eq!(
            format!("{t:?}"),
            "Timestamp { flag: AddressAndTimestamp, length: 20, pointer: 13, overflow: 2, \
             entries: [TimestampEntry { address: Some(192.0.2.1), time: TimestampValue(1000) }], free: 1 }"
        );
    }

    #[test]
    fn fixed_and_unknown_options() {
        assert_eq!(Ipv4Option::RouterAlert(RouterAlert(0)).to_string(), "RA 0");
        assert_eq!(
            Ipv4Option::StreamId(StreamId(0x1234)).to_string(),
            "SID 4660"
        );
        let area = [130, 4, 0x5a, 0x80, 25, 5, 1, 2, 3, 0x99, 2, 1, 0];
        assert_eq!(
            shown(&area),
            ["SEC 5a80", "QS 010203", "opt153", "NOP", "EOL"]
        );
        // A lax walk shows what is wrong with a malformed option.
        let bad = [7, 7, 3, 0, 0, 0, 0];
        let line = Options::with_validation(&bad, Validation::Lax)
            .next()
            .unwrap()
            .unwrap()
            .to_string();
        assert!(line.starts_with("bad RR 0300000000 ("), "{line}");
    }
}
