//! The one-line, `tcpdump -v`-style summary shared by the view and the
//! owned header.
use core::fmt;

use super::{Flags, HeaderPrefix};

/// Writes e.g. `IP (tos 0x0, ttl 64, id 7238, offset 0, flags [DF], proto
/// ICMP (1), length 84) 192.0.2.1 > 198.51.100.7`.
pub(super) fn summary(
    f: &mut fmt::Formatter<'_>,
    raw: &HeaderPrefix,
    options_len: usize,
) -> fmt::Result {
    write!(
        f,
        "IP (tos {:#x}, ttl {}, id {}, offset {}, flags [",
        raw.tos,
        raw.ttl,
        raw.identification.get(),
        u32::from(raw.fragment_offset()) * 8,
    )?;
    let flags = raw.flags();
    let mut sep = "";
    for (flag, name) in [
        (Flags::RESERVED, "rsvd"),
        (Flags::DONT_FRAGMENT, "DF"),
        (Flags::MORE_FRAGMENTS, "+"),
    ] {
        if flags.contains(flag) {
            f.write_str(sep)?;
            f.write_str(name)?;
            sep = ", ";
        }
    }
    if flags.is_empty() {
        f.write_str("none")?;
    }
    let name = raw.protocol().name().unwrap_or("unknown");
    write!(f, "], proto {name} ({})", raw.protocol)?;
    write!(f, ", length {}", raw.total_len.get())?;
    if options_len > 0 {
        write!(f, ", options {options_len} bytes")?;
    }
    write!(f, ") {} > {}", raw.source(), raw.destination())
}
