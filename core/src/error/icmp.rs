use core::fmt;

/// An [`IcmpFilter`](crate::icmp::IcmpFilter) was asked about an ICMP type it
/// cannot express.
///
/// Linux's `ICMP_FILTER` is a 32-bit mask: it covers types 0 to 31 and never
/// filters a higher type. Go's `ipv4.ICMPFilter` masks the type with `& 31`,
/// so blocking Photuris (40) silently blocks Echo (8); this crate refuses
/// instead.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum IcmpFilterError {
    /// The type is 32 or more.
    TypeOutOfRange {
        /// The type that was given.
        found: u8,
    },
}

impl fmt::Display for IcmpFilterError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            IcmpFilterError::TypeOutOfRange { found } => write!(
                f,
                "ICMP type {found} cannot be filtered: the Linux ICMP filter covers types 0 to 31 only"
            ),
        }
    }
}

impl core::error::Error for IcmpFilterError {}
