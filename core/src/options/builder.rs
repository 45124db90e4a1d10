//! Writing options into a caller's buffer ([RFC 791 §3.1]).
//!
//! [RFC 791 §3.1]: https://www.rfc-editor.org/rfc/rfc791#section-3.1

use core::net::Ipv4Addr;

use super::kind::OptionKind;
use super::route::{RouteKind, RouteRepr};
use super::simple::{RouterAlert, Security, StreamId};
use super::timestamp::{TimestampFlag, TimestampRepr};
use super::walker::classify;
use super::{Ipv4Option, MAX_OPTIONS_LEN};
use crate::error::{BufferTooSmall, OptionsBuildError};

/// `len` rounded up to a multiple of 4: the size of an options area holding
/// `len` bytes of options (the IHL counts 32-bit words, [RFC 791 §3.1]).
///
/// [RFC 791 §3.1]: https://www.rfc-editor.org/rfc/rfc791#section-3.1
pub const fn padded_len(len: usize) -> usize {
    (len + 3) & !3
}

/// What fills an options area up to a multiple of 4 bytes ([RFC 791 §3.1]).
///
/// [RFC 791 §3.1]: https://www.rfc-editor.org/rfc/rfc791#section-3.1
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum Padding {
    /// An End of Option List byte followed by zeros (which are End of Option
    /// List bytes too), as RFC 791 §3.1 describes. This is what Linux
    /// writes.
    #[default]
    EndOfList,
    /// No Operation bytes: the area stays walkable to its end.
    Nop,
}

/// Writes IPv4 options one after another into a caller's buffer
/// ([RFC 791 §3.1]).
///
/// Each method appends one option and returns the builder again, so calls
/// chain with `?`. An option that would take the area past 40 bytes is an
/// [`OptionsBuildError::TooLong`] (checked first), one that does not fit the
/// buffer an [`OptionsBuildError::BufferTooSmall`]; either way nothing is written.
/// A 40-byte buffer always suffices. [`finish`](Self::finish) pads to a
/// multiple of 4 and returns the area, ready for the IPv4 header.
///
/// ```
/// use core::net::Ipv4Addr;
/// use ipv4_core::error::OptionsBuildError;
/// use ipv4_core::options::{OptionsBuilder, RouterAlert};
///
/// // The Router Alert every IGMP message carries (RFC 2236 §2).
/// let mut buf = [0u8; 4];
/// let mut b = OptionsBuilder::new(&mut buf);
/// b.router_alert(RouterAlert::EXAMINE)?;
/// assert_eq!(b.finish()?, [148, 4, 0, 0]);
///
/// // A loose source route through two hops, padded with End of Option List.
/// let mut buf = [0u8; 40];
/// let mut b = OptionsBuilder::new(&mut buf);
/// b.nop()?.loose_source_route(&[Ipv4Addr::new(198, 51, 100, 1), Ipv4Addr::new(203, 0, 113, 1)])?;
/// assert_eq!(b.len(), 12);
/// assert_eq!(b.finish()?.len(), 12);
///
/// // The 40-byte limit is a typed error.
/// let mut b = OptionsBuilder::new(&mut buf);
/// b.record_route(9)?;
/// assert_eq!(
///     b.router_alert(RouterAlert::EXAMINE).err(),
///     Some(OptionsBuildError::TooLong { required: 43, limit: 40 })
/// );
/// # Ok::<(), OptionsBuildError>(())
/// ```
///
/// [RFC 791 §3.1]: https://www.rfc-editor.org/rfc/rfc791#section-3.1
#[derive(Debug)]
pub struct OptionsBuilder<'b> {
    buf: &'b mut [u8],
    len: usize,
}

impl<'b> OptionsBuilder<'b> {
    /// A builder writing from the start of `buf`.
    pub fn new(buf: &'b mut [u8]) -> OptionsBuilder<'b> {
        OptionsBuilder { buf, len: 0 }
    }

    /// Bytes written so far.
    pub const fn len(&self) -> usize {
        self.len
    }

    /// Whether nothing has been written.
    pub const fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// The bytes written so far, unpadded.
    pub fn as_bytes(&self) -> &[u8] {
        &self.buf[..self.len]
    }

    /// Reserves the next `n` bytes, or says why they cannot be had.
    fn reserve(&mut self, n: usize) -> Result<&mut [u8], OptionsBuildError> {
        let end = self.len + n;
        if end > MAX_OPTIONS_LEN {
            return Err(OptionsBuildError::TooLong {
                required: end,
                limit: MAX_OPTIONS_LEN,
            });
        }
        let found = self.buf.len();
        let start = self.len;
        let out = self.buf.get_mut(start..end).ok_or(BufferTooSmall {
            what: "IPv4 options",
            required: end,
            found,
        })?;
        self.len = end;
        Ok(out)
    }

    /// Appends one No Operation byte (type 1), e.g. to align the next
    /// option.
    pub fn nop(&mut self) -> Result<&mut Self, OptionsBuildError> {
        self.reserve(1)?[0] = OptionKind::NO_OPERATION.0;
        Ok(self)
    }

    /// Appends one End of Option List byte (type 0). Nothing after it is
    /// read as options; [`finish`](Self::finish) adds one itself when
    /// padding is needed.
    pub fn end_of_list(&mut self) -> Result<&mut Self, OptionsBuildError> {
        self.reserve(1)?[0] = OptionKind::END_OF_LIST.0;
        Ok(self)
    }

    /// Appends an option of any type with the given body (the bytes after
    /// the length byte). For End of Option List and No Operation, which
    /// have no length byte, the body must be empty.
    ///
    /// An option of a type the walker knows (routes, Timestamp, Router
    /// Alert, Stream ID, Security) must keep that type's rules, the ones the
    /// strict walk ([`Options::new`](super::Options::new)) checks: a Router
    /// Alert of length 7 is an [`OptionsBuildError::Malformed`] carrying the
    /// walker's [`OptionError`](crate::error::OptionError), its offset that
    /// of the option in the area being built. Unknown types are written as
    /// given. So every area the builder emits passes the strict walk.
    ///
    /// ```
    /// use ipv4_core::error::{OptionError, OptionsBuildError};
    /// use ipv4_core::options::{OptionKind, OptionsBuilder};
    ///
    /// let mut buf = [0u8; 40];
    /// let mut b = OptionsBuilder::new(&mut buf);
    /// b.nop()?.raw(OptionKind(158), &[1, 2])?;
    /// assert_eq!(
    ///     b.raw(OptionKind::ROUTER_ALERT, &[0; 5]).err(),
    ///     Some(OptionsBuildError::Malformed(OptionError::BadLength {
    ///         kind: 148,
    ///         offset: 5,
    ///         length: 7,
    ///         expected: "4",
    ///     }))
    /// );
    /// assert_eq!(b.as_bytes(), [1, 158, 4, 1, 2]);
    /// # Ok::<(), OptionsBuildError>(())
    /// ```
    pub fn raw(&mut self, kind: OptionKind, data: &[u8]) -> Result<&mut Self, OptionsBuildError> {
        if kind.is_single_byte() {
            if !data.is_empty() {
                return Err(OptionsBuildError::InvalidArgument {
                    what: "single-byte",
                    reason: "End of Option List and No Operation have no body",
                });
            }
            self.reserve(1)?[0] = kind.0;
            return Ok(self);
        }
        if data.len() > MAX_OPTIONS_LEN - 2 {
            return Err(OptionsBuildError::TooLong {
                required: self.len + 2 + data.len(),
                limit: MAX_OPTIONS_LEN,
            });
        }
        let start = self.len;
        let out = self.reserve(2 + data.len())?;
        out[0] = kind.0;
        out[1] = (2 + data.len()) as u8;
        out[2..].copy_from_slice(data);
        if let Err(error) = classify(kind.0, out, start) {
            self.len = start;
            return Err(OptionsBuildError::Malformed(error));
        }
        Ok(self)
    }

    /// Appends an option taken from a walk, byte for byte as it was parsed
    /// (an [`End`](Ipv4Option::End) item with its padding).
    pub fn option(&mut self, option: &Ipv4Option<'_>) -> Result<&mut Self, OptionsBuildError> {
        let n = option.buffer_len();
        let start = self.len;
        let out = self.reserve(n)?;
        if let Err(e) = option.emit(out) {
            self.len = start;
            return Err(e);
        }
        Ok(self)
    }

    /// Appends a route option.
    pub fn route(&mut self, route: &RouteRepr) -> Result<&mut Self, OptionsBuildError> {
        route.emit(self.reserve(route.buffer_len())?)?;
        Ok(self)
    }

    /// Appends an empty Record Route option with `slots` address slots
    /// (length `3 + 4 * slots`, pointer 4).
    pub fn record_route(&mut self, slots: usize) -> Result<&mut Self, OptionsBuildError> {
        self.route(&RouteRepr::record_route(slots)?)
    }

    /// Appends a Loose Source and Record Route through `hops`.
    pub fn loose_source_route(
        &mut self,
        hops: &[Ipv4Addr],
    ) -> Result<&mut Self, OptionsBuildError> {
        self.route(&RouteRepr::source_route(RouteKind::LooseSource, hops)?)
    }

    /// Appends a Strict Source and Record Route through `hops`.
    pub fn strict_source_route(
        &mut self,
        hops: &[Ipv4Addr],
    ) -> Result<&mut Self, OptionsBuildError> {
        self.route(&RouteRepr::source_route(RouteKind::StrictSource, hops)?)
    }

    /// Appends a Timestamp option.
    pub fn timestamp(&mut self, timestamp: &TimestampRepr) -> Result<&mut Self, OptionsBuildError> {
        timestamp.emit(self.reserve(timestamp.buffer_len())?)?;
        Ok(self)
    }

    /// Appends an empty Timestamp option with `slots` entries of the given
    /// flag (use [`TimestampRepr::prespecified`] and
    /// [`timestamp`](Self::timestamp) for flag 3).
    pub fn empty_timestamp(
        &mut self,
        flag: TimestampFlag,
        slots: usize,
    ) -> Result<&mut Self, OptionsBuildError> {
        self.timestamp(&TimestampRepr::empty(flag, slots)?)
    }

    /// Appends a Router Alert option.
    pub fn router_alert(&mut self, alert: RouterAlert) -> Result<&mut Self, OptionsBuildError> {
        self.reserve(4)?.copy_from_slice(&alert.to_bytes());
        Ok(self)
    }

    /// Appends a Stream ID option.
    pub fn stream_id(&mut self, id: StreamId) -> Result<&mut Self, OptionsBuildError> {
        self.reserve(4)?.copy_from_slice(&id.to_bytes());
        Ok(self)
    }

    /// Appends a Security option.
    pub fn security(&mut self, security: &Security<'_>) -> Result<&mut Self, OptionsBuildError> {
        self.raw(OptionKind::SECURITY, security.data())
    }

    /// Pads with End of Option List to a multiple of 4 bytes and returns
    /// the options area.
    pub fn finish(&mut self) -> Result<&[u8], OptionsBuildError> {
        self.finish_with(Padding::EndOfList)
    }

    /// Pads with `padding` to a multiple of 4 bytes and returns the options
    /// area.
    pub fn finish_with(&mut self, padding: Padding) -> Result<&[u8], OptionsBuildError> {
        let pad = padded_len(self.len) - self.len;
        let fill = match padding {
            Padding::EndOfList => 0,
            Padding::Nop => 1,
        };
        self.reserve(pad)?.fill(fill);
        Ok(&self.buf[..self.len])
    }
}

#[cfg(test)]
mod tests {
    extern crate std;
    use std::vec::Vec;

    use proptest::prelude::*;

    use super::*;
    use crate::error::OptionError;
    use crate::options::{Options, TimestampFlag};

    #[test]
    fn builds_rfc_layouts() {
        let mut buf = [0u8; 40];
        let mut b = OptionsBuilder::new(&mut buf);
        b.record_route(2)
            .unwrap()
            .empty_timestamp(TimestampFlag::TimestampsOnly, 2)
            .unwrap()
            .stream_id(StreamId(0xabcd))
            .unwrap();
        assert_eq!(
            b.finish_with(Padding::Nop).unwrap(),
            [
                7, 11, 4, 0, 0, 0, 0, 0, 0, 0, 0, // RR
                68, 12, 5, 0, 0, 0, 0, 0, 0, 0, 0, 0, // TS flag 0
                136, 4, 0xab, 0xcd, // SID
                1,    // NOP pad to 28
            ]
        );
    }

    #[test]
    fn errors_leave_the_builder_unchanged() {
        let mut small = [0u8; 6];
        let mut b = OptionsBuilder::new(&mut small);
        b.router_alert(RouterAlert(1)).unwrap();
        assert_eq!(
            b.router_alert(RouterAlert(1)).err(),
            Some(OptionsBuildError::BufferTooSmall(BufferTooSmall {
                what: "IPv4 options",
                required: 8,
                found: 6
            }))
        );
        assert_eq!(b.len(), 4);
        assert_eq!(b.finish().unwrap(), [148, 4, 0, 1]);
        let mut buf = [0u8; 40];
        let mut b = OptionsBuilder::new(&mut buf);
        assert!(b.raw(OptionKind::NO_OPERATION, &[1]).is_err());
        assert!(b.raw(OptionKind(0x99), &[0; 39]).is_err());
        b.raw(OptionKind(0x99), &[0; 38]).unwrap();
        assert_eq!(b.len(), 40);
        assert_eq!(b.finish().unwrap().len(), 40);
        assert_eq!(padded_len(0), 0);
        assert_eq!(padded_len(39), 40);
    }

    #[test]
    fn raw_refuses_a_known_type_that_breaks_its_rules() {
        let mut buf = [0u8; 40];
        let mut b = OptionsBuilder::new(&mut buf);
        b.nop().unwrap();
        // RFC 2113 §2.1: Router Alert is exactly 4 bytes long.
        assert_eq!(
            b.raw(OptionKind::ROUTER_ALERT, &[0; 5]).err(),
            Some(OptionsBuildError::Malformed(OptionError::BadLength {
                kind: 148,
                offset: 1,
                length: 7,
                expected: "4",
            }))
        );
        // RFC 791 §3.1: a Record Route pointer is at least 4.
        assert_eq!(
            b.raw(OptionKind::RECORD_ROUTE, &[3, 0, 0, 0, 0]).err(),
            Some(OptionsBuildError::Malformed(OptionError::BadPointer {
                kind: 7,
                offset: 1,
                pointer: 3,
                expected: "a multiple of 4 from 4 to the length plus 1",
            }))
        );
        // RFC 791 §3.1: Timestamp flag 2 is undefined.
        assert_eq!(
            b.raw(OptionKind::TIMESTAMP, &[5, 2, 0, 0, 0, 0]).err(),
            Some(OptionsBuildError::Malformed(
                OptionError::BadTimestampFlag { offset: 1, flag: 2 }
            ))
        );
        assert_eq!(b.as_bytes(), [1], "a refused option was written");
        // The same types within their rules, and an unknown type with any
        // body, are written as given.
        b.raw(OptionKind::ROUTER_ALERT, &[0, 0])
            .unwrap()
            .raw(OptionKind::RECORD_ROUTE, &[4, 0, 0, 0, 0])
            .unwrap()
            .raw(OptionKind(0x99), &[7; 5])
            .unwrap();
        assert_eq!(
            b.as_bytes(),
            [1, 148, 4, 0, 0, 7, 7, 4, 0, 0, 0, 0, 0x99, 7, 7, 7, 7, 7, 7]
        );
    }

    /// An option body for [`raw`](OptionsBuilder::raw): random bytes, or
    /// one shaped like a route or Timestamp body (a pointer, then a flag
    /// byte, then zeros) so known types are accepted often enough to test.
    fn body() -> impl Strategy<Value = Vec<u8>> {
        prop_oneof![
            prop::collection::vec(any::<u8>(), 0..=38),
            (0u8..=44, any::<u8>(), 0usize..=36).prop_map(|(pointer, flag, zeros)| {
                let mut body = std::vec![pointer, flag];
                body.resize(2 + zeros, 0);
                body
            }),
            (0u8..=44, 0usize..=9).prop_map(|(pointer, slots)| {
                let mut body = std::vec![pointer];
                body.resize(1 + 4 * slots, 0);
                body
            }),
        ]
    }

    fn kind() -> impl Strategy<Value = OptionKind> {
        prop_oneof![
            prop::sample::select(
                &[
                    OptionKind::END_OF_LIST,
                    OptionKind::NO_OPERATION,
                    OptionKind::RECORD_ROUTE,
                    OptionKind::TIMESTAMP,
                    OptionKind::SECURITY,
                    OptionKind::LOOSE_SOURCE_ROUTE,
                    OptionKind::STREAM_ID,
                    OptionKind::STRICT_SOURCE_ROUTE,
                    OptionKind::ROUTER_ALERT,
                ][..]
            ),
            any::<u8>().prop_map(OptionKind),
        ]
    }

    proptest! {
        // Under Miri, the default (which `PROPTEST_CASES` sets).
        #![proptest_config(if cfg!(miri) {
            ProptestConfig::default()
        } else {
            ProptestConfig::with_cases(1024)
        })]

        /// Whatever `raw` accepts, in any sequence, the strict walk
        /// accepts: the builder never emits an area a receiver rejects.
        #[test]
        fn every_area_raw_accepts_passes_the_strict_walk(
            calls in prop::collection::vec((kind(), body()), 1..6),
        ) {
            let mut buf = [0u8; 40];
            let mut b = OptionsBuilder::new(&mut buf);
            for (kind, body) in &calls {
                let data: &[u8] = if kind.is_single_byte() { &[] } else { body };
                let _ = b.raw(*kind, data);
            }
            let area = b.finish().unwrap();
            prop_assert_eq!(Options::validate(area), Ok(()), "{:?}", area);
        }
    }
}
