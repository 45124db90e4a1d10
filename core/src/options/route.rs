//! Record Route, Loose Source and Record Route, Strict Source and Record
//! Route ([RFC 791 §3.1]).
//!
//! All three share one layout:
//!
//! ```text
//! +--------+--------+--------+---------//--------+
//! |  type  | length | pointer|     route data    |
//! +--------+--------+--------+---------//--------+
//! ```
//!
//! The route data is `n` four-byte address slots, so the length is `3 + 4n`.
//! The pointer is the one-based octet index of the next slot to fill: 4 for
//! an empty route, `length + 1` for a full one.
//!
//! [RFC 791 §3.1]: https://www.rfc-editor.org/rfc/rfc791#section-3.1

use core::iter::FusedIterator;
use core::net::Ipv4Addr;

use super::kind::OptionKind;
use crate::error::{BufferTooSmall, OptionError, OptionsBuildError};

/// Most address slots a route option can have: `(40 - 3) / 4`
/// ([RFC 791 §3.1]).
///
/// [RFC 791 §3.1]: https://www.rfc-editor.org/rfc/rfc791#section-3.1
pub const MAX_ROUTE_SLOTS: usize = 9;

/// Which of the three route options ([RFC 791 §3.1]).
///
/// [RFC 791 §3.1]: https://www.rfc-editor.org/rfc/rfc791#section-3.1
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum RouteKind {
    /// Record Route (type 7): routers append their address.
    Record,
    /// Loose Source and Record Route (type 131): the sender lists hops the
    /// datagram must visit, in order, with any routers in between.
    LooseSource,
    /// Strict Source and Record Route (type 137): the listed hops must be
    /// directly connected, one after another.
    StrictSource,
}

impl RouteKind {
    /// The option-type byte of this route option.
    #[inline]
    pub const fn option_kind(self) -> OptionKind {
        match self {
            RouteKind::Record => OptionKind::RECORD_ROUTE,
            RouteKind::LooseSource => OptionKind::LOOSE_SOURCE_ROUTE,
            RouteKind::StrictSource => OptionKind::STRICT_SOURCE_ROUTE,
        }
    }

    /// The route kind of an option-type byte, if it is one.
    #[inline]
    pub const fn from_option_kind(kind: OptionKind) -> Option<RouteKind> {
        match kind {
            OptionKind::RECORD_ROUTE => Some(RouteKind::Record),
            OptionKind::LOOSE_SOURCE_ROUTE => Some(RouteKind::LooseSource),
            OptionKind::STRICT_SOURCE_ROUTE => Some(RouteKind::StrictSource),
            _ => None,
        }
    }

    /// Whether this is a source route (loose or strict).
    #[inline]
    pub const fn is_source_route(self) -> bool {
        !matches!(self, RouteKind::Record)
    }
}

/// Checks the length and pointer of a route option whose whole bytes (type,
/// length, pointer, data) are `bytes`, framed already (`bytes.len() ==
/// bytes[1]`, at least 2).
#[inline]
pub(crate) fn check(bytes: &[u8], offset: usize) -> Result<(), OptionError> {
    let kind = bytes[0];
    let length = bytes.len();
    if length < 3 || !(length - 3).is_multiple_of(4) {
        return Err(OptionError::BadLength {
            kind,
            offset,
            length: length as u8,
            expected: "3 + 4n",
        });
    }
    let pointer = bytes[2];
    if pointer < 4 || !pointer.is_multiple_of(4) || usize::from(pointer) > length + 1 {
        return Err(OptionError::BadPointer {
            kind,
            offset,
            pointer,
            expected: "a multiple of 4 from 4 to the length plus 1",
        });
    }
    Ok(())
}

/// A validated Record Route, Loose Source Route or Strict Source Route
/// option, viewed in place ([RFC 791 §3.1]).
///
/// The view covers the whole option, type byte included. Its length is
/// `3 + 4n` and its pointer a multiple of 4 in `4..=length + 1`, so every
/// accessor is total.
///
/// ```
/// use core::net::Ipv4Addr;
/// use ipv4_core::options::{Route, RouteKind};
///
/// // Record Route with room for 3 addresses, one recorded (pointer 8).
/// let bytes = [7, 15, 8, 192, 0, 2, 1, 0, 0, 0, 0, 0, 0, 0, 0];
/// let rr = Route::new_checked(&bytes).unwrap();
/// assert_eq!(rr.kind(), RouteKind::Record);
/// assert_eq!(rr.capacity(), 3);
/// assert_eq!(rr.recorded().collect::<Vec<_>>(), [Ipv4Addr::new(192, 0, 2, 1)]);
/// assert_eq!(rr.free_slots(), 2);
/// assert!(!rr.is_full());
/// ```
///
/// [RFC 791 §3.1]: https://www.rfc-editor.org/rfc/rfc791#section-3.1
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
pub struct Route<'a> {
    bytes: &'a [u8],
    kind: RouteKind,
}

impl<'a> Route<'a> {
    /// Validates `bytes` as one whole route option: a route type byte, a
    /// length byte equal to `bytes.len()`, and the length and pointer rules.
    /// Errors report offsets from the start of `bytes`.
    #[inline]
    pub fn new_checked(bytes: &'a [u8]) -> Result<Route<'a>, OptionError> {
        let kind = super::frame::frame_one(bytes)?;
        let Some(route) = RouteKind::from_option_kind(OptionKind(kind)) else {
            return Err(OptionError::UnexpectedKind {
                offset: 0,
                expected: "a route option (type 7, 131 or 137)",
                found: kind,
            });
        };
        check(bytes, 0)?;
        Ok(Route { bytes, kind: route })
    }

    /// Wraps bytes that passed [`check`].
    #[inline]
    pub(crate) const fn new_unchecked(bytes: &'a [u8], kind: RouteKind) -> Route<'a> {
        Route { bytes, kind }
    }

    /// Which route option this is.
    #[inline]
    pub const fn kind(&self) -> RouteKind {
        self.kind
    }

    /// The length byte: `3 + 4 * capacity()`.
    #[inline]
    pub fn length(&self) -> u8 {
        self.bytes.len() as u8
    }

    /// The pointer byte: one-based octet index of the next free slot.
    #[inline]
    pub fn pointer(&self) -> u8 {
        self.bytes.get(2).copied().unwrap_or(4)
    }

    /// Number of address slots.
    #[inline]
    pub fn capacity(&self) -> usize {
        self.bytes.len().saturating_sub(3) / 4
    }

    /// Number of slots before the pointer (recorded addresses, or hops
    /// already visited for a source route).
    #[inline]
    pub fn filled(&self) -> usize {
        (usize::from(self.pointer()).saturating_sub(4) / 4).min(self.capacity())
    }

    /// Number of slots at and after the pointer.
    #[inline]
    pub fn free_slots(&self) -> usize {
        self.capacity() - self.filled()
    }

    /// Whether the pointer is past the last slot.
    #[inline]
    pub fn is_full(&self) -> bool {
        self.free_slots() == 0
    }

    /// Every slot, filled or not, in order.
    #[inline]
    pub fn addresses(&self) -> Addresses<'a> {
        Addresses::new(self.bytes.get(3..).unwrap_or(&[]))
    }

    /// The slots before the pointer: the recorded route.
    #[inline]
    pub fn recorded(&self) -> Addresses<'a> {
        let end = 3 + 4 * self.filled();
        Addresses::new(self.bytes.get(3..end).unwrap_or(&[]))
    }

    /// The slots from the pointer on: for a source route, the hops still to
    /// visit.
    #[inline]
    pub fn remaining(&self) -> Addresses<'a> {
        let start = 3 + 4 * self.filled();
        Addresses::new(self.bytes.get(start..).unwrap_or(&[]))
    }

    /// The address in the slot at the pointer (for a source route, the next
    /// destination), or `None` if the route is full.
    #[inline]
    pub fn next_hop(&self) -> Option<Ipv4Addr> {
        self.remaining().next()
    }

    /// The option's bytes, type byte included.
    #[inline]
    pub const fn as_bytes(&self) -> &'a [u8] {
        self.bytes
    }

    /// The option's body, the bytes after the type and length bytes: the
    /// pointer and the address slots.
    #[inline]
    pub fn data(&self) -> &'a [u8] {
        self.bytes.get(2..).unwrap_or_default()
    }
}

/// The addresses of a route option (or any run of four-byte addresses),
/// read in place.
///
/// A slice's trailing bytes that do not make a whole address are never
/// yielded. Route data is a list of such addresses ([RFC 791 §3.1]).
///
/// [RFC 791 §3.1]: https://www.rfc-editor.org/rfc/rfc791#section-3.1
#[derive(Debug, Clone)]
pub struct Addresses<'a> {
    chunks: core::slice::ChunksExact<'a, u8>,
}

impl<'a> Addresses<'a> {
    /// The addresses in `bytes`, four bytes each.
    #[inline]
    pub fn new(bytes: &'a [u8]) -> Addresses<'a> {
        Addresses {
            chunks: bytes.chunks_exact(4),
        }
    }
}

#[inline]
fn addr(chunk: &[u8]) -> Ipv4Addr {
    let mut b = [0u8; 4];
    b.copy_from_slice(chunk);
    Ipv4Addr::from(b)
}

impl Iterator for Addresses<'_> {
    type Item = Ipv4Addr;

    #[inline]
    fn next(&mut self) -> Option<Ipv4Addr> {
        self.chunks.next().map(addr)
    }

    fn size_hint(&self) -> (usize, Option<usize>) {
        self.chunks.size_hint()
    }
}

impl DoubleEndedIterator for Addresses<'_> {
    fn next_back(&mut self) -> Option<Ipv4Addr> {
        self.chunks.next_back().map(addr)
    }
}

impl ExactSizeIterator for Addresses<'_> {}
impl FusedIterator for Addresses<'_> {}

/// A route option as an owned value ([RFC 791 §3.1]): kind, pointer and
/// every address slot. It emits byte for byte what it was parsed from.
///
/// ```
/// use core::net::Ipv4Addr;
/// use ipv4_core::options::{RouteKind, RouteRepr};
///
/// let hops = [Ipv4Addr::new(198, 51, 100, 1), Ipv4Addr::new(203, 0, 113, 9)];
/// let lsrr = RouteRepr::source_route(RouteKind::LooseSource, &hops).unwrap();
/// let mut buf = [0u8; 11];
/// assert_eq!(lsrr.emit(&mut buf), Ok(11));
/// assert_eq!(buf, [131, 11, 4, 198, 51, 100, 1, 203, 0, 113, 9]);
/// ```
///
/// [RFC 791 §3.1]: https://www.rfc-editor.org/rfc/rfc791#section-3.1
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct RouteRepr {
    kind: RouteKind,
    pointer: u8,
    addrs: [Ipv4Addr; MAX_ROUTE_SLOTS],
    len: usize,
}

impl RouteRepr {
    /// The owned form of a parsed route. It holds up to [`MAX_ROUTE_SLOTS`]
    /// slots, all a route inside an IPv4 header can have; a longer route
    /// (only possible in a bare slice of more than 40 bytes) keeps its first
    /// nine, so check [`Route::capacity`] first when walking such slices.
    #[inline]
    pub fn parse(view: &Route<'_>) -> RouteRepr {
        let mut addrs = [Ipv4Addr::UNSPECIFIED; MAX_ROUTE_SLOTS];
        let mut len = 0;
        for (slot, a) in addrs.iter_mut().zip(view.addresses()) {
            *slot = a;
            len += 1;
        }
        RouteRepr {
            kind: view.kind,
            pointer: view.pointer(),
            addrs,
            len,
        }
    }

    /// A route option with the given pointer and slots. The pointer must be
    /// a multiple of 4 in `4..=4 + 4 * slots.len()`, and there may be at
    /// most [`MAX_ROUTE_SLOTS`] slots.
    #[inline]
    pub fn new(
        kind: RouteKind,
        pointer: u8,
        slots: &[Ipv4Addr],
    ) -> Result<RouteRepr, OptionsBuildError> {
        let what = match kind {
            RouteKind::Record => "Record Route",
            RouteKind::LooseSource => "Loose Source Route",
            RouteKind::StrictSource => "Strict Source Route",
        };
        if slots.len() > MAX_ROUTE_SLOTS {
            return Err(OptionsBuildError::TooLong {
                required: 3 + 4 * slots.len(),
                limit: super::MAX_OPTIONS_LEN,
            });
        }
        if pointer < 4 || !pointer.is_multiple_of(4) || usize::from(pointer) > 4 + 4 * slots.len() {
            return Err(OptionsBuildError::InvalidArgument {
                what,
                reason: "the pointer must be a multiple of 4 from 4 to the length plus 1",
            });
        }
        let mut addrs = [Ipv4Addr::UNSPECIFIED; MAX_ROUTE_SLOTS];
        addrs[..slots.len()].copy_from_slice(slots);
        Ok(RouteRepr {
            kind,
            pointer,
            addrs,
            len: slots.len(),
        })
    }

    /// An empty Record Route option with `slots` zeroed slots and pointer 4,
    /// as a sender writes it.
    #[inline]
    pub fn record_route(slots: usize) -> Result<RouteRepr, OptionsBuildError> {
        if slots > MAX_ROUTE_SLOTS {
            return Err(OptionsBuildError::TooLong {
                required: 3 + 4 * slots,
                limit: super::MAX_OPTIONS_LEN,
            });
        }
        RouteRepr::new(
            RouteKind::Record,
            4,
            &[Ipv4Addr::UNSPECIFIED; MAX_ROUTE_SLOTS][..slots],
        )
    }

    /// A source route through `hops` (pointer 4, nothing visited yet).
    ///
    /// RFC 791 §3.1: the sender puts the first hop in the header's
    /// destination field and lists the rest here, ending with the final
    /// destination.
    #[inline]
    pub fn source_route(
        kind: RouteKind,
        hops: &[Ipv4Addr],
    ) -> Result<RouteRepr, OptionsBuildError> {
        RouteRepr::new(kind, 4, hops)
    }

    /// Which route option this is.
    #[inline]
    pub const fn kind(&self) -> RouteKind {
        self.kind
    }

    /// The pointer.
    #[inline]
    pub const fn pointer(&self) -> u8 {
        self.pointer
    }

    /// Every slot, in order.
    #[inline]
    pub fn addresses(&self) -> &[Ipv4Addr] {
        &self.addrs[..self.len]
    }

    /// Bytes [`emit`](Self::emit) writes: `3 + 4n`.
    #[inline]
    pub const fn buffer_len(&self) -> usize {
        3 + 4 * self.len
    }

    /// Writes the option into the front of `buf` and returns its length.
    #[inline]
    pub fn emit(&self, buf: &mut [u8]) -> Result<usize, OptionsBuildError> {
        let n = self.buffer_len();
        let found = buf.len();
        let out = buf.get_mut(..n).ok_or(BufferTooSmall {
            what: "IPv4 route option",
            required: n,
            found,
        })?;
        out[0] = self.kind.option_kind().0;
        out[1] = n as u8;
        out[2] = self.pointer;
        for (chunk, a) in out[3..].chunks_exact_mut(4).zip(self.addresses()) {
            chunk.copy_from_slice(&a.octets());
        }
        Ok(n)
    }
}

#[cfg(test)]
mod tests {
    extern crate std;
    use super::*;
    use std::vec::Vec;

    const A: Ipv4Addr = Ipv4Addr::new(192, 0, 2, 1);
    const B: Ipv4Addr = Ipv4Addr::new(192, 0, 2, 2);

    #[test]
    fn rfc791_record_route_layout() {
        // RFC 791 §3.1 "Record Route": type 7, length 3 + 4n, pointer 4 when
        // empty; a full 2-slot route has pointer 12 (length + 1).
        let empty = [7, 11, 4, 0, 0, 0, 0, 0, 0, 0, 0];
        let r = Route::new_checked(&empty).unwrap();
        assert_eq!((r.capacity(), r.filled(), r.is_full()), (2, 0, false));
        assert_eq!(r.next_hop(), Some(Ipv4Addr::UNSPECIFIED));
        let full = [7, 11, 12, 192, 0, 2, 1, 192, 0, 2, 2];
        let r = Route::new_checked(&full).unwrap();
        assert!(r.is_full());
        assert_eq!(r.recorded().collect::<Vec<_>>(), [A, B]);
        assert_eq!(r.remaining().len(), 0);
        assert_eq!(r.next_hop(), None);
    }

    #[test]
    fn source_route_next_hop_is_at_the_pointer() {
        let lsrr = [131, 11, 8, 192, 0, 2, 1, 192, 0, 2, 2];
        let r = Route::new_checked(&lsrr).unwrap();
        assert_eq!(r.kind(), RouteKind::LooseSource);
        assert!(r.kind().is_source_route());
        assert_eq!(r.next_hop(), Some(B));
        assert_eq!(r.recorded().collect::<Vec<_>>(), [A]);
    }

    #[test]
    fn bad_lengths_and_pointers_are_reported() {
        assert_eq!(
            Route::new_checked(&[7, 4, 4, 0]),
            Err(OptionError::BadLength {
                kind: 7,
                offset: 0,
                length: 4,
                expected: "3 + 4n"
            })
        );
        for pointer in [0, 3, 5, 16] {
            let e = Route::new_checked(&[137, 11, pointer, 0, 0, 0, 0, 0, 0, 0, 0]).unwrap_err();
            assert!(matches!(e, OptionError::BadPointer { pointer: p, .. } if p == pointer));
            assert_eq!(e.problem_offset(), 2);
        }
        // Not a route type at all.
        assert!(Route::new_checked(&[148, 4, 0, 0]).is_err());
        // Framing: the length byte must match the slice.
        assert!(Route::new_checked(&[7, 7, 4, 0, 0, 0, 0]).is_ok());
        assert!(Route::new_checked(&[7, 7, 4, 0, 0, 0, 0, 0]).is_err());
        assert!(Route::new_checked(&[7, 11, 4, 0]).is_err());
    }

    #[test]
    fn repr_round_trips_and_rejects_bad_arguments() {
        let r = RouteRepr::new(RouteKind::StrictSource, 8, &[A, B]).unwrap();
        let mut buf = [0u8; 11];
        r.emit(&mut buf).unwrap();
        assert_eq!(buf, [137, 11, 8, 192, 0, 2, 1, 192, 0, 2, 2]);
        assert_eq!(RouteRepr::parse(&Route::new_checked(&buf).unwrap()), r);
        assert!(RouteRepr::new(RouteKind::Record, 16, &[A, B]).is_err());
        assert!(RouteRepr::record_route(10).is_err());
        assert_eq!(RouteRepr::record_route(9).unwrap().buffer_len(), 39);
        assert!(matches!(
            r.emit(&mut [0u8; 10]),
            Err(OptionsBuildError::BufferTooSmall(_))
        ));
    }
}
