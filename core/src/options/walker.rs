//! The one record walker over an IPv4 options area. It alone owns the TLV
//! rules of [RFC 791 §3.1]:
//!
//! * End of Option List (type 0) ends the walk; the bytes after it are
//!   padding and are handed back unparsed.
//! * No Operation (type 1) is one byte.
//! * Every other option has a length byte, counting the type and length
//!   bytes, which must be at least 2 and must not run past the end of the
//!   area. Otherwise the walk yields an error and stops: it can neither
//!   loop nor panic, and it yields at most one item per byte.
//!
//! [RFC 791 §3.1]: https://www.rfc-editor.org/rfc/rfc791#section-3.1

use core::iter::FusedIterator;

use super::Ipv4Option;
use super::kind::OptionKind;
use super::route::{self, Route, RouteKind};
use super::simple::{RouterAlert, Security, StreamId, parse_u16};
use super::timestamp::{self, Timestamp};
use crate::error::OptionError;

/// How the walker treats an option that is well framed but breaks its own
/// rules (a Record Route whose pointer is 3, a Timestamp with flag 2, a
/// Router Alert of length 5).
///
/// Framing errors (a length below 2 or past the end) stop every walk:
/// nothing after them can be found.
///
/// * [`Strict`](Validation::Strict) is for **forwarding and for hosts that
///   act on options** (source routes, Record Route, Timestamp).
///   [RFC 791 §3.1] discards a datagram whose route option has no room for
///   a whole address, [RFC 1122 §3.2.2.5] has hosts answer a bad parameter with an
///   ICMP Parameter Problem whose pointer is
///   [`OptionError::problem_offset`], and Linux (`ip_options_compile`)
///   drops datagrams with framing errors or out-of-rule route and
///   timestamp pointers on both its forwarding and its local delivery
///   path. This walk is stricter than Linux in a few places (a pointer
///   inside a slot, a Router Alert longer than 4 bytes, Timestamp flag 2),
///   which the workspace's kernel tests list. The walk yields the error and
///   stops.
/// * [`Lax`](Validation::Lax) is for **receive paths that only look**
///   (capture tools, monitors, a host that only wants Router Alert): the
///   bad option comes back as [`Ipv4Option::Malformed`], carrying its error
///   and its bytes, and the walk goes on, so one bad option does not hide
///   the others. In the spirit of [RFC 1122 §3.2.1.8], options the reader
///   does not act on do not stop it (both walks keep unknown types as
///   [`Ipv4Option::Unknown`]).
///
/// On well-formed input both walks yield the same items.
///
/// [RFC 791 §3.1]: https://www.rfc-editor.org/rfc/rfc791#section-3.1
/// [RFC 1122 §3.2.2.5]: https://www.rfc-editor.org/rfc/rfc1122#section-3.2.2.5
/// [RFC 1122 §3.2.1.8]: https://www.rfc-editor.org/rfc/rfc1122#section-3.2.1.8
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum Validation {
    /// Semantic errors are yielded as `Err` and end the walk.
    #[default]
    Strict,
    /// Semantic errors are reported on [`Ipv4Option::Malformed`] and the
    /// walk goes on.
    Lax,
}

/// Turns one framed option (`record.len() == record[1] >= 2`) into its typed
/// form, or the semantic error it has. The builder's
/// [`raw`](super::OptionsBuilder::raw) checks what it writes with it too.
#[inline(always)]
pub(crate) fn classify(
    kind: u8,
    record: &[u8],
    offset: usize,
) -> Result<Ipv4Option<'_>, OptionError> {
    match OptionKind(kind) {
        OptionKind::RECORD_ROUTE => route::check(record, offset)
            .map(|()| Ipv4Option::RecordRoute(Route::new_unchecked(record, RouteKind::Record))),
        OptionKind::LOOSE_SOURCE_ROUTE => route::check(record, offset).map(|()| {
            Ipv4Option::LooseSourceRoute(Route::new_unchecked(record, RouteKind::LooseSource))
        }),
        OptionKind::STRICT_SOURCE_ROUTE => route::check(record, offset).map(|()| {
            Ipv4Option::StrictSourceRoute(Route::new_unchecked(record, RouteKind::StrictSource))
        }),
        OptionKind::TIMESTAMP => timestamp::check(record, offset)
            .map(|flag| Ipv4Option::Timestamp(Timestamp::new_unchecked(record, flag))),
        OptionKind::ROUTER_ALERT => {
            parse_u16(record, offset).map(|v| Ipv4Option::RouterAlert(RouterAlert(v)))
        }
        OptionKind::STREAM_ID => {
            parse_u16(record, offset).map(|v| Ipv4Option::StreamId(StreamId(v)))
        }
        OptionKind::SECURITY => Security::from_framed(record, offset).map(Ipv4Option::Security),
        _ => Ok(Ipv4Option::Unknown {
            kind: OptionKind(kind),
            data: record.get(2..).unwrap_or(&[]),
        }),
    }
}

/// The record walker: an iterator over the options in an options area,
/// yielding `Result<Ipv4Option, OptionError>` ([RFC 791 §3.1]).
///
/// It never allocates and never panics. After an `Err` (or after End of
/// Option List) it yields nothing more. Error offsets count from the start
/// of the area, plus the base set with [`with_base`](Self::with_base) (20
/// when walking a header's options, so offsets are header offsets).
///
/// ```
/// use core::net::Ipv4Addr;
/// use ipv4_core::options::{Ipv4Option, Options};
///
/// let area = [
///     148, 4, 0, 0,        // Router Alert
///     1,                   // NOP
///     7, 7, 8, 10, 0, 0, 1, // Record Route, one slot, full
///     0,                   // End of Option List
/// ];
/// let mut walk = Options::new(&area);
/// assert!(matches!(walk.next(), Some(Ok(Ipv4Option::RouterAlert(ra))) if ra.value() == 0));
/// assert!(matches!(walk.next(), Some(Ok(Ipv4Option::Nop))));
/// let Some(Ok(Ipv4Option::RecordRoute(rr))) = walk.next() else { panic!() };
/// assert_eq!(rr.recorded().next(), Some(Ipv4Addr::new(10, 0, 0, 1)));
/// assert!(matches!(walk.next(), Some(Ok(Ipv4Option::End { padding: &[] }))));
/// assert!(walk.next().is_none());
///
/// // A zero length is an error at its offset, and the walk stops.
/// let mut walk = Options::new(&[1, 7, 0, 4]);
/// assert!(matches!(walk.next(), Some(Ok(Ipv4Option::Nop))));
/// let err = walk.next().unwrap().unwrap_err();
/// assert_eq!((err.offset(), err.problem_offset()), (1, 2));
/// assert!(walk.next().is_none());
/// ```
///
/// [RFC 791 §3.1]: https://www.rfc-editor.org/rfc/rfc791#section-3.1
#[derive(Debug, Clone)]
pub struct Options<'a> {
    /// The whole area.
    area: &'a [u8],
    /// The bytes not walked yet; empty once the walk has ended.
    rest: &'a [u8],
    base: usize,
    validation: Validation,
}

impl<'a> Options<'a> {
    /// A strict walk over an options area (see [`Validation::Strict`]).
    #[inline]
    pub const fn new(bytes: &'a [u8]) -> Options<'a> {
        Options::with_validation(bytes, Validation::Strict)
    }

    /// A lax walk over an options area (see [`Validation::Lax`]).
    #[inline]
    pub const fn lax(bytes: &'a [u8]) -> Options<'a> {
        Options::with_validation(bytes, Validation::Lax)
    }

    /// A walk with the given validation.
    #[inline]
    pub const fn with_validation(bytes: &'a [u8], validation: Validation) -> Options<'a> {
        Options {
            area: bytes,
            rest: bytes,
            base: 0,
            validation,
        }
    }

    /// Adds `base` to every offset reported in errors (20 for the options
    /// of an IPv4 header, so offsets are header offsets).
    #[inline]
    pub const fn with_base(mut self, base: usize) -> Options<'a> {
        self.base = base;
        self
    }

    /// The whole options area being walked.
    #[inline]
    pub const fn as_bytes(&self) -> &'a [u8] {
        self.area
    }

    /// The bytes not walked yet (empty once the walk has ended).
    #[inline]
    pub const fn remaining(&self) -> &'a [u8] {
        self.rest
    }

    /// The offset of the next item: its distance from the start of the
    /// area plus the [base](Self::with_base), as in error offsets (so a
    /// header offset when walking a header's options). Once the walk has
    /// ended, the offset just past the area.
    #[inline]
    pub const fn offset(&self) -> usize {
        self.base.saturating_add(self.area.len() - self.rest.len())
    }

    /// This walk yielding each item with its [offset](Self::offset): the
    /// byte offset of the option's type byte in the options area (plus the
    /// base: in a header's walk, its header offset), as
    /// [`str::char_indices`] pairs characters with theirs.
    ///
    /// ```
    /// use ipv4_core::options::{Ipv4Option, OptionKind, Options};
    ///
    /// let area = [1, 148, 4, 0, 0, 1, 7, 3, 4, 0];
    /// let found: Vec<(usize, OptionKind)> = Options::new(&area)
    ///     .with_offsets()
    ///     .map(|item| item.map(|(offset, option)| (offset, option.kind())))
    ///     .collect::<Result<_, _>>()?;
    /// assert_eq!(found, [
    ///     (0, OptionKind::NO_OPERATION),
    ///     (1, OptionKind::ROUTER_ALERT),
    ///     (5, OptionKind::NO_OPERATION),
    ///     (6, OptionKind::RECORD_ROUTE),
    ///     (9, OptionKind::END_OF_LIST),
    /// ]);
    /// # Ok::<(), ipv4_core::error::OptionError>(())
    /// ```
    #[inline]
    pub const fn with_offsets(self) -> OptionOffsets<'a> {
        OptionOffsets(self)
    }

    /// Walks all of `bytes` strictly and reports the first error.
    pub fn validate(bytes: &[u8]) -> Result<(), OptionError> {
        Options::new(bytes).try_for_each(|o| o.map(drop))
    }

    #[cold]
    fn fail(&mut self, error: OptionError) -> Option<Result<Ipv4Option<'a>, OptionError>> {
        self.rest = &[];
        Some(Err(error))
    }
}

impl<'a> Iterator for Options<'a> {
    type Item = Result<Ipv4Option<'a>, OptionError>;

    // Always inlined: the consumer's `match` then fuses with the
    // classification, and the item never goes through memory.
    #[inline(always)]
    fn next(&mut self) -> Option<Self::Item> {
        let rest = self.rest;
        let (&kind, tail) = rest.split_first()?;
        let offset = self.offset();
        if kind <= 1 {
            if kind == 0 {
                self.rest = &[];
                return Some(Ok(Ipv4Option::End { padding: tail }));
            }
            self.rest = tail;
            return Some(Ok(Ipv4Option::Nop));
        }
        let Some(&length) = tail.first() else {
            return self.fail(OptionError::MissingLength { kind, offset });
        };
        let Some((record, after)) = rest.split_at_checked(usize::from(length)) else {
            return self.fail(OptionError::LengthPastEnd {
                kind,
                offset,
                length,
                available: rest.len(),
            });
        };
        if length < 2 {
            return self.fail(OptionError::LengthTooShort {
                kind,
                offset,
                length,
            });
        }
        self.rest = after;
        match classify(kind, record, offset) {
            Ok(option) => Some(Ok(option)),
            Err(error) => match self.validation {
                Validation::Strict => self.fail(error),
                Validation::Lax => Some(Ok(Ipv4Option::Malformed {
                    kind: OptionKind(kind),
                    data: record.get(2..).unwrap_or(&[]),
                    error,
                })),
            },
        }
    }

    #[inline]
    fn size_hint(&self) -> (usize, Option<usize>) {
        let left = self.rest.len();
        (usize::from(left > 0), Some(left))
    }
}

impl FusedIterator for Options<'_> {}

/// An options walk that pairs each item with its offset
/// ([`Options::with_offsets`]); errors are as in [`Options`] (they carry
/// their own offset).
#[derive(Debug, Clone)]
pub struct OptionOffsets<'a>(Options<'a>);

impl<'a> OptionOffsets<'a> {
    /// The walk underneath.
    #[inline]
    pub const fn into_inner(self) -> Options<'a> {
        self.0
    }
}

impl<'a> Iterator for OptionOffsets<'a> {
    type Item = Result<(usize, Ipv4Option<'a>), OptionError>;

    #[inline]
    fn next(&mut self) -> Option<Self::Item> {
        let offset = self.0.offset();
        self.0
            .next()
            .map(|item| item.map(|option| (offset, option)))
    }

    #[inline]
    fn size_hint(&self) -> (usize, Option<usize>) {
        self.0.size_hint()
    }
}

impl FusedIterator for OptionOffsets<'_> {}

#[cfg(test)]
mod tests {
    extern crate std;
    use super::*;
    use std::vec::Vec;

    fn walk(bytes: &[u8], v: Validation) -> Vec<Result<Ipv4Option<'_>, OptionError>> {
        Options::with_validation(bytes, v).collect()
    }

    #[test]
    fn end_of_list_exposes_trailing_bytes() {
        let items = walk(&[1, 0, 7, 3, 4], Validation::Strict);
        assert_eq!(
            items,
            [
                Ok(Ipv4Option::Nop),
                Ok(Ipv4Option::End {
                    padding: &[7, 3, 4]
                })
            ]
        );
    }

    #[test]
    fn framing_errors_stop_the_walk_with_offsets() {
        // Type byte last: no length.
        assert_eq!(
            walk(&[1, 1, 148], Validation::Lax).last(),
            Some(&Err(OptionError::MissingLength {
                kind: 148,
                offset: 2
            }))
        );
        // Length 0 and 1 (rpkt looped forever on 0).
        for length in [0, 1] {
            let area = [30, length, 0, 0];
            let items = walk(&area, Validation::Lax);
            assert_eq!(
                items,
                [Err(OptionError::LengthTooShort {
                    kind: 30,
                    offset: 0,
                    length
                })]
            );
        }
        // Past the end, reported with the header base.
        let items: Vec<_> = Options::new(&[1, 7, 39, 4]).with_base(20).collect();
        assert_eq!(
            items[1],
            Err(OptionError::LengthPastEnd {
                kind: 7,
                offset: 21,
                length: 39,
                available: 3
            })
        );
        assert_eq!(items.len(), 2);
    }

    #[test]
    fn strict_stops_and_lax_reports_semantic_errors() {
        // RR with pointer 3, then Router Alert.
        let area = [7, 7, 3, 0, 0, 0, 0, 148, 4, 0, 0, 0];
        let strict = walk(&area, Validation::Strict);
        let error = OptionError::BadPointer {
            kind: 7,
            offset: 0,
            pointer: 3,
            expected: "a multiple of 4 from 4 to the length plus 1",
        };
        assert_eq!(strict, [Err(error)]);
        let lax = walk(&area, Validation::Lax);
        assert_eq!(
            lax,
            [
                Ok(Ipv4Option::Malformed {
                    kind: OptionKind::RECORD_ROUTE,
                    data: &[3, 0, 0, 0, 0],
                    error
                }),
                Ok(Ipv4Option::RouterAlert(RouterAlert(0))),
                Ok(Ipv4Option::End { padding: &[] }),
            ]
        );
        assert_eq!(Options::validate(&area), Err(error));
        assert_eq!(Options::validate(&area[7..]), Ok(()));
    }

    #[test]
    fn unknown_options_are_kept() {
        let area = [0x99, 4, 0xde, 0xad, 25, 2];
        assert_eq!(
            walk(&area, Validation::Strict),
            [
                Ok(Ipv4Option::Unknown {
                    kind: OptionKind(0x99),
                    data: &[0xde, 0xad]
                }),
                Ok(Ipv4Option::Unknown {
                    kind: OptionKind::QUICK_START,
                    data: &[]
                }),
            ]
        );
    }
}
