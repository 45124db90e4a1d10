//! [`OptionsArea`]: a whole options area held by value.

use core::fmt;

use super::{Ipv4Option, MAX_OPTIONS_LEN, Options, OptionsBuilder};
use crate::error::{BufferTooSmall, OptionsBuildError};

/// An IPv4 options area ([RFC 791 §3.1]) held by value: up to
/// [`MAX_OPTIONS_LEN`] (40) bytes in a fixed array, no allocation.
///
/// It is what a socket hands over whole: the options set on a socket or
/// sent with one datagram, and those reported with a received datagram
/// (Linux's `IP_OPTIONS`, `IP_RECVOPTS` and `IP_RETOPTS`, [`ip(7)`]). Its
/// items are read with the walker ([`options`](Self::options), or
/// [`Options::lax`] over [`as_bytes`](Self::as_bytes)).
///
/// [`parse`](Self::parse) checks the framing once (every length byte at
/// least 2 and inside the area); the rules of each option type are left to
/// the walk that reads them, as a receiver sees them.
///
/// ```
/// use core::net::Ipv4Addr;
/// use ipv4_core::options::{Ipv4Option, OptionsArea, OptionsBuilder, RouterAlert};
///
/// let mut buf = [0u8; 40];
/// let mut b = OptionsBuilder::new(&mut buf);
/// b.router_alert(RouterAlert::EXAMINE)?.record_route(2)?;
/// let area = OptionsArea::parse(b.finish()?)?;
/// assert_eq!(area.buffer_len(), 16);
///
/// let mut kinds = area.options().map(|o| o.map(|o| o.kind().value()));
/// assert_eq!(kinds.next(), Some(Ok(148))); // Router Alert
/// assert_eq!(kinds.next(), Some(Ok(7))); // Record Route
///
/// let mut out = [0u8; 40];
/// let n = area.emit(&mut out)?;
/// assert_eq!(&out[..n], area.as_bytes());
/// assert_eq!(area.to_string(), "RA 0 RR{^ 0.0.0.0 0.0.0.0} EOL"); // ^ marks the pointer
/// # Ok::<(), Box<dyn core::error::Error>>(())
/// ```
///
/// [RFC 791 §3.1]: https://www.rfc-editor.org/rfc/rfc791#section-3.1
/// [`ip(7)`]: https://man7.org/linux/man-pages/man7/ip.7.html
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct OptionsArea {
    /// Only the first `len` bytes are used; the rest are always 0, so the
    /// derived comparisons look at the area alone.
    bytes: [u8; MAX_OPTIONS_LEN],
    len: u8,
}

impl OptionsArea {
    /// No options.
    pub const EMPTY: OptionsArea = OptionsArea {
        bytes: [0; MAX_OPTIONS_LEN],
        len: 0,
    };

    /// Copies an options area, after checking that it is at most 40 bytes
    /// and framed (what the walker can frame, in the manner of
    /// [`Options::lax`]).
    ///
    /// # Errors
    ///
    /// [`OptionsBuildError::TooLong`] above 40 bytes;
    /// [`OptionsBuildError::Malformed`] for a length byte below 2 or past
    /// the end, with its offset.
    pub fn parse(bytes: &[u8]) -> Result<OptionsArea, OptionsBuildError> {
        if bytes.len() > MAX_OPTIONS_LEN {
            return Err(OptionsBuildError::TooLong {
                required: bytes.len(),
                limit: MAX_OPTIONS_LEN,
            });
        }
        // A lax walk yields an error only for framing, and then stops.
        if let Some(Err(e)) = Options::lax(bytes).find(Result::is_err) {
            return Err(OptionsBuildError::Malformed(e));
        }
        let mut area = OptionsArea::EMPTY;
        area.bytes[..bytes.len()].copy_from_slice(bytes);
        area.len = bytes.len() as u8;
        Ok(area)
    }

    /// The area of `items`, written one after another by an
    /// [`OptionsBuilder`] and padded with End of Option List to a multiple
    /// of 4 bytes.
    ///
    /// ```
    /// use ipv4_core::options::{Ipv4Option, OptionsArea, RouterAlert};
    ///
    /// let area = OptionsArea::from_options(&[Ipv4Option::RouterAlert(RouterAlert::EXAMINE)])?;
    /// assert_eq!(area.as_bytes(), [148, 4, 0, 0]);
    /// # Ok::<(), ipv4_core::error::OptionsBuildError>(())
    /// ```
    ///
    /// # Errors
    ///
    /// What the builder says: [`OptionsBuildError::TooLong`] past 40
    /// bytes, [`OptionsBuildError::Malformed`] for an item that breaks its
    /// type's rules.
    pub fn from_options(items: &[Ipv4Option<'_>]) -> Result<OptionsArea, OptionsBuildError> {
        let mut area = OptionsArea::EMPTY;
        let mut builder = OptionsBuilder::new(&mut area.bytes);
        for item in items {
            builder.option(item)?;
        }
        let len = builder.finish()?.len();
        area.len = len as u8;
        Ok(area)
    }

    /// The bytes of the area.
    #[inline]
    pub fn as_bytes(&self) -> &[u8] {
        // `len` is at most 40 by construction; `get` keeps that unchecked.
        self.bytes.get(..usize::from(self.len)).unwrap_or_default()
    }

    /// Whether the area is empty (no options).
    #[inline]
    pub const fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// The area's length in bytes, what [`emit`](Self::emit) writes.
    #[inline]
    pub const fn buffer_len(&self) -> usize {
        self.len as usize
    }

    /// Writes the area at the start of `buf` and returns its length.
    ///
    /// # Errors
    ///
    /// [`BufferTooSmall`] if `buf` is shorter than
    /// [`buffer_len`](Self::buffer_len); nothing is written.
    pub fn emit(&self, buf: &mut [u8]) -> Result<usize, BufferTooSmall> {
        let bytes = self.as_bytes();
        let found = buf.len();
        let out = buf.get_mut(..bytes.len()).ok_or(BufferTooSmall {
            what: "IPv4 options",
            required: bytes.len(),
            found,
        })?;
        out.copy_from_slice(bytes);
        Ok(bytes.len())
    }

    /// A strict walk over the area (see [`Options`]).
    #[inline]
    pub fn options(&self) -> Options<'_> {
        Options::new(self.as_bytes())
    }
}

impl Default for OptionsArea {
    fn default() -> OptionsArea {
        OptionsArea::EMPTY
    }
}

impl AsRef<[u8]> for OptionsArea {
    fn as_ref(&self) -> &[u8] {
        self.as_bytes()
    }
}

impl TryFrom<&[u8]> for OptionsArea {
    type Error = OptionsBuildError;

    /// [`OptionsArea::parse`].
    fn try_from(bytes: &[u8]) -> Result<OptionsArea, OptionsBuildError> {
        OptionsArea::parse(bytes)
    }
}

/// The items of a lax walk, tcpdump-like, space-separated
/// (`RA 0 RR{198.51.100.1 ^ 0.0.0.0} EOL`); `none` for an empty area.
impl fmt::Display for OptionsArea {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.is_empty() {
            return f.write_str("none");
        }
        for (i, item) in Options::lax(self.as_bytes()).enumerate() {
            if i > 0 {
                f.write_str(" ")?;
            }
            match item {
                Ok(option) => option.fmt(f)?,
                Err(e) => write!(f, "({e})")?,
            }
        }
        Ok(())
    }
}

/// The bytes in hex: `OptionsArea(94040000)`.
impl fmt::Debug for OptionsArea {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("OptionsArea(")?;
        for b in self.as_bytes() {
            write!(f, "{b:02x}")?;
        }
        f.write_str(")")
    }
}

#[cfg(test)]
mod tests {
    extern crate std;
    use std::format;
    use std::string::ToString;

    use proptest::prelude::*;

    use super::*;
    use crate::error::OptionError;
    use crate::options::{RouterAlert, padded_len};

    #[test]
    fn parse_checks_length_and_framing() {
        assert_eq!(OptionsArea::parse(&[]), Ok(OptionsArea::EMPTY));
        assert_eq!(
            OptionsArea::parse(&[1; 41]),
            Err(OptionsBuildError::TooLong {
                required: 41,
                limit: 40
            })
        );
        assert_eq!(OptionsArea::parse(&[1; 40]).unwrap().buffer_len(), 40);
        assert!(matches!(
            OptionsArea::parse(&[1, 7, 0, 0]),
            Err(OptionsBuildError::Malformed(
                OptionError::LengthTooShort { .. }
            ))
        ));
        assert!(matches!(
            OptionsArea::parse(&[148, 9, 0, 0]),
            Err(OptionsBuildError::Malformed(_))
        ));
        // A type error is not framing: kept, and shown by the lax walk.
        let bad_pointer = OptionsArea::parse(&[7, 7, 1, 0, 0, 0, 0, 0]).unwrap();
        assert!(bad_pointer.options().next().unwrap().is_err());
        assert!(
            bad_pointer.to_string().starts_with("bad RR"),
            "{bad_pointer}"
        );
    }

    #[test]
    fn from_options_pads_and_emit_refuses_a_short_buffer() {
        let area = OptionsArea::from_options(&[
            Ipv4Option::Nop,
            Ipv4Option::RouterAlert(RouterAlert::EXAMINE),
        ])
        .unwrap();
        assert_eq!(area.as_bytes(), [1, 148, 4, 0, 0, 0, 0, 0]);
        assert_eq!(format!("{area:?}"), "OptionsArea(0194040000000000)");
        let mut small = [0xaa; 7];
        assert_eq!(
            area.emit(&mut small),
            Err(BufferTooSmall {
                what: "IPv4 options",
                required: 8,
                found: 7
            })
        );
        assert_eq!(small, [0xaa; 7]);
        assert_eq!(OptionsArea::EMPTY.to_string(), "none");
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(256))]

        #[test]
        fn parse_emit_round_trip(bytes in proptest::collection::vec(any::<u8>(), 0..=40)) {
            if let Ok(area) = OptionsArea::parse(&bytes) {
                let mut out = [0u8; 40];
                let n = area.emit(&mut out).unwrap();
                prop_assert_eq!(&out[..n], &bytes[..]);
                prop_assert_eq!(OptionsArea::parse(&out[..n]), Ok(area));
                let _ = area.to_string();
            }
        }

        #[test]
        fn built_areas_parse(slots in 1usize..=9, nops in 0usize..3) {
            let mut buf = [0u8; 40];
            let mut b = OptionsBuilder::new(&mut buf);
            for _ in 0..nops {
                b.nop().unwrap();
            }
            if b.record_route(slots).is_ok() {
                let bytes = b.finish().unwrap();
                let area = OptionsArea::parse(bytes).unwrap();
                prop_assert_eq!(area.buffer_len(), padded_len(nops + 3 + 4 * slots));
                prop_assert!(area.options().all(|o| o.is_ok()));
            }
        }
    }
}
