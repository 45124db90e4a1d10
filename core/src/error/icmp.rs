use core::fmt;

/// An [`IcmpFilter`](crate::icmp::IcmpFilter) was asked about an ICMP type it
/// cannot express.
///
/// Linux's `ICMP_FILTER` is a 32-bit mask: it covers types 0 to 31 and never
/// filters a higher type, so a higher type is refused rather than aliased
/// onto a lower bit (blocking Photuris, 40, must not block Echo, 8).
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
