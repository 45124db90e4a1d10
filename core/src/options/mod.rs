//! IPv4 options ([RFC 791 §3.1]): walk, inspect, build, filter for
//! fragments, and process on forwarding.
//!
//! * [`Options`] is the one record walker. It owns the TLV rules (End of
//!   Option List ends the walk, No Operation is one byte, any other length
//!   must be at least 2 and stay inside the area), yields
//!   `Result<`[`Ipv4Option`]`, `[`OptionError`]`>` and never allocates,
//!   loops or panics. [`Validation`] chooses between a strict walk (for
//!   forwarders and hosts that act on options) and a lax one (for receive
//!   paths that only look).
//!   [`Options::with_offsets`] pairs each item with its byte offset in
//!   the area (a header offset in a header's walk).
//! * Every item is a value: [`Ipv4Option::kind`], its body (the bytes
//!   after type and length) as [`Ipv4Option::data`], its wire length as
//!   [`Ipv4Option::buffer_len`], and a tcpdump-like `Display` (`RA 0`,
//!   `RR{198.51.100.1 ^ 0.0.0.0}`, `TS{TSONLY 1000}`).
//! * [`OptionKind`] splits the option-type byte into copied flag, class and
//!   number and names it from the IANA registry.
//! * Typed views: [`Route`] (Record Route, Loose and Strict Source Route),
//!   [`Timestamp`], [`RouterAlert`], [`Security`], [`StreamId`]; anything
//!   else is kept as [`Ipv4Option::Unknown`]. [`RouteRepr`] and
//!   [`TimestampRepr`] are their owned forms.
//! * [`OptionsBuilder`] writes options into a caller's buffer, pads them to a
//!   multiple of 4 bytes and enforces the 40-byte limit; [`OptionsArea`]
//!   holds a whole area by value (what a socket sets or reports).
//! * [`copy_for_fragment`] and [`nop_uncopied`] keep only the options a
//!   later fragment carries ([RFC 791 §3.2]).
//! * [`forward`] holds the in-place processing a router does: record its
//!   address in a Record Route, follow a source route, add a timestamp,
//!   keeping the header checksum right.
//! * In a header: [`HeaderView::options_iter`] walks a header's options with
//!   header offsets in its errors (the pointer of an ICMP Parameter
//!   Problem); [`HeaderView::record_route`] and its siblings edit them in
//!   place; [`Header::set_options_from`] gives an owned header what a
//!   builder wrote, and [`Header::build_options`] runs a builder with no
//!   buffer of the caller's.
//!
//! Unlike the option support of other crates, nothing here trusts a length
//! byte: a zero or overlong length is an [`OptionError`] at its offset, not
//! an endless loop or a panic; and unknown options are kept, never dropped.
//!
//! ```
//! use ipv4_core::options::{Ipv4Option, Options, OptionsBuilder, RouterAlert};
//!
//! // Build: Router Alert, then a Record Route with two slots, padded.
//! let mut buf = [0u8; 40];
//! let mut b = OptionsBuilder::new(&mut buf);
//! b.router_alert(RouterAlert::EXAMINE)?.record_route(2)?;
//! let area = b.finish()?;
//! assert_eq!(area.len(), 16);
//!
//! // Walk it back.
//! let mut kinds = Options::new(area).map(|o| o.map(|o| o.kind().value()));
//! assert_eq!(kinds.next(), Some(Ok(148)));
//! assert_eq!(kinds.next(), Some(Ok(7)));
//! assert_eq!(kinds.next(), Some(Ok(0))); // End of Option List (padding)
//! assert_eq!(kinds.next(), None);
//! # Ok::<(), ipv4_core::error::OptionsBuildError>(())
//! ```
//!
//! [RFC 791 §3.1]: https://www.rfc-editor.org/rfc/rfc791#section-3.1
//! [RFC 791 §3.2]: https://www.rfc-editor.org/rfc/rfc791#section-3.2
//! [`OptionError`]: crate::error::OptionError
//! [`HeaderView::options_iter`]: crate::header::HeaderView::options_iter
//! [`HeaderView::record_route`]: crate::header::HeaderView::record_route
//! [`Header::set_options_from`]: crate::header::Header::set_options_from
//! [`Header::build_options`]: crate::header::Header::build_options

mod area;
mod builder;
mod display;
mod fragment;
mod frame;
mod header;
mod kind;
mod route;
mod simple;
mod timestamp;
mod walker;

pub mod forward;

pub use area::OptionsArea;
pub use builder::{OptionsBuilder, Padding, padded_len};
pub use fragment::{copy_for_fragment, nop_uncopied};
pub use kind::{OptionClass, OptionKind};
pub use route::{Addresses, MAX_ROUTE_SLOTS, Route, RouteKind, RouteRepr};
pub use simple::{Rfc791Security, RouterAlert, Security, StreamId};
pub use timestamp::{
    MAX_TIMESTAMP_ENTRIES, Timestamp, TimestampEntries, TimestampEntry, TimestampFlag,
    TimestampRepr, TimestampValue,
};
pub use walker::{OptionOffsets, Options, Validation};

/// Most bytes of options an IPv4 header can carry, 40 (defined with the
/// other header lengths).
pub use crate::header::MAX_OPTIONS_LEN;

use core::fmt;

use crate::error::{BufferTooSmall, OptionError, OptionsBuildError};

/// One item of an options walk ([RFC 791 §3.1]).
///
/// Every option the walker frames comes back as some variant: unknown and
/// (in a lax walk) malformed options keep their bytes, so
/// [`emit`](Ipv4Option::emit)ting the items of a walk in order gives back
/// the options area.
///
/// ```
/// use ipv4_core::options::{Ipv4Option, OptionKind, Options};
///
/// let area = [0x99, 3, 0xab, 148, 4, 0, 0, 0];
/// let mut out = [0u8; 8];
/// let mut at = 0;
/// for item in Options::new(&area) {
///     let item = item.unwrap();
///     if let Ipv4Option::Unknown { kind, data } = item {
///         assert_eq!((kind, data), (OptionKind(0x99), &[0xab][..]));
///         assert!(kind.copied());
///     }
///     at += item.emit(&mut out[at..]).unwrap();
/// }
/// assert_eq!(out, area);
/// ```
///
/// [RFC 791 §3.1]: https://www.rfc-editor.org/rfc/rfc791#section-3.1
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Ipv4Option<'a> {
    /// End of Option List (type 0): the last item of a walk. `padding` is
    /// every byte after it, normally zeros.
    End {
        /// The bytes after the End of Option List byte, unparsed.
        padding: &'a [u8],
    },
    /// No Operation (type 1), one byte.
    Nop,
    /// Record Route (type 7).
    RecordRoute(Route<'a>),
    /// Loose Source and Record Route (type 131).
    LooseSourceRoute(Route<'a>),
    /// Strict Source and Record Route (type 137).
    StrictSourceRoute(Route<'a>),
    /// Internet Timestamp (type 68).
    Timestamp(Timestamp<'a>),
    /// Router Alert (type 148, [RFC 2113](https://www.rfc-editor.org/rfc/rfc2113)).
    RouterAlert(RouterAlert),
    /// Security (type 130).
    Security(Security<'a>),
    /// Stream Identifier (type 136).
    StreamId(StreamId),
    /// Any other option, kept as it is.
    Unknown {
        /// The option-type byte.
        kind: OptionKind,
        /// The bytes after the length byte.
        data: &'a [u8],
    },
    /// A well-framed option of a known type that breaks that type's rules;
    /// only a [lax](Validation::Lax) walk yields this.
    Malformed {
        /// The option-type byte.
        kind: OptionKind,
        /// The bytes after the length byte.
        data: &'a [u8],
        /// What is wrong with it.
        error: OptionError,
    },
}

impl<'a> Ipv4Option<'a> {
    /// The option-type byte.
    #[inline]
    pub fn kind(&self) -> OptionKind {
        match self {
            Ipv4Option::End { .. } => OptionKind::END_OF_LIST,
            Ipv4Option::Nop => OptionKind::NO_OPERATION,
            Ipv4Option::RecordRoute(_) => OptionKind::RECORD_ROUTE,
            Ipv4Option::LooseSourceRoute(_) => OptionKind::LOOSE_SOURCE_ROUTE,
            Ipv4Option::StrictSourceRoute(_) => OptionKind::STRICT_SOURCE_ROUTE,
            Ipv4Option::Timestamp(_) => OptionKind::TIMESTAMP,
            Ipv4Option::RouterAlert(_) => OptionKind::ROUTER_ALERT,
            Ipv4Option::Security(_) => OptionKind::SECURITY,
            Ipv4Option::StreamId(_) => OptionKind::STREAM_ID,
            Ipv4Option::Unknown { kind, .. } | Ipv4Option::Malformed { kind, .. } => *kind,
        }
    }

    /// The option's body: the bytes after its type and length bytes, the
    /// same for every kind (the pointer and slots of a route, the pointer,
    /// flag byte and entries of a Timestamp, the 16-bit value of Router
    /// Alert and Stream ID, a Security or unknown option's bytes). Empty
    /// for End of Option List (its padding is not a body) and No
    /// Operation, which have no length byte.
    ///
    /// ```
    /// use ipv4_core::options::Options;
    ///
    /// let area = [148, 4, 0, 1, 7, 7, 4, 0, 0, 0, 0, 0x99, 3, 0xab, 1];
    /// let bodies: Vec<Vec<u8>> = Options::new(&area)
    ///     .map(|o| o.unwrap().data().to_vec())
    ///     .collect();
    /// assert_eq!(bodies, [vec![0, 1], vec![4, 0, 0, 0, 0], vec![0xab], vec![]]);
    /// ```
    #[inline]
    pub fn data(&self) -> OptionData<'a> {
        match *self {
            Ipv4Option::End { .. } | Ipv4Option::Nop => OptionData::borrowed(&[]),
            Ipv4Option::RecordRoute(r)
            | Ipv4Option::LooseSourceRoute(r)
            | Ipv4Option::StrictSourceRoute(r) => OptionData::borrowed(r.data()),
            Ipv4Option::Timestamp(t) => OptionData::borrowed(t.data()),
            Ipv4Option::RouterAlert(ra) => OptionData::value(ra.data()),
            Ipv4Option::StreamId(id) => OptionData::value(id.data()),
            Ipv4Option::Security(s) => OptionData::borrowed(s.data()),
            Ipv4Option::Unknown { data, .. } | Ipv4Option::Malformed { data, .. } => {
                OptionData::borrowed(data)
            }
        }
    }

    /// Whether the option is copied into every fragment.
    #[inline]
    pub fn copied(&self) -> bool {
        self.kind().copied()
    }

    /// Bytes [`emit`](Self::emit) writes: the option's length on the wire
    /// (for [`End`](Ipv4Option::End), one plus its padding).
    #[inline]
    pub fn buffer_len(&self) -> usize {
        match self {
            Ipv4Option::End { padding } => 1 + padding.len(),
            Ipv4Option::Nop => 1,
            Ipv4Option::RecordRoute(r)
            | Ipv4Option::LooseSourceRoute(r)
            | Ipv4Option::StrictSourceRoute(r) => r.as_bytes().len(),
            Ipv4Option::Timestamp(t) => t.as_bytes().len(),
            Ipv4Option::RouterAlert(_) | Ipv4Option::StreamId(_) => 4,
            Ipv4Option::Security(s) => s.buffer_len(),
            Ipv4Option::Unknown { data, .. } | Ipv4Option::Malformed { data, .. } => 2 + data.len(),
        }
    }

    /// Writes the option, exactly as it was parsed, into the front of `buf`
    /// and returns its length.
    ///
    /// An option body longer than 253 bytes cannot be encoded and is an
    /// [`OptionsBuildError::InvalidArgument`].
    #[inline]
    pub fn emit(&self, buf: &mut [u8]) -> Result<usize, OptionsBuildError> {
        let n = self.buffer_len();
        let found = buf.len();
        let out = buf.get_mut(..n).ok_or(BufferTooSmall {
            what: "IPv4 option",
            required: n,
            found,
        })?;
        let head = |out: &mut [u8], data: &[u8]| -> Result<(), OptionsBuildError> {
            let length = u8::try_from(n).map_err(|_| OptionsBuildError::InvalidArgument {
                what: "IPv4",
                reason: "an option is at most 255 bytes long",
            })?;
            out[0] = self.kind().0;
            out[1] = length;
            out[2..].copy_from_slice(data);
            Ok(())
        };
        match self {
            Ipv4Option::End { padding } => {
                out[0] = 0;
                out[1..].copy_from_slice(padding);
            }
            Ipv4Option::Nop => out[0] = 1,
            Ipv4Option::RecordRoute(r)
            | Ipv4Option::LooseSourceRoute(r)
            | Ipv4Option::StrictSourceRoute(r) => out.copy_from_slice(r.as_bytes()),
            Ipv4Option::Timestamp(t) => out.copy_from_slice(t.as_bytes()),
            Ipv4Option::RouterAlert(ra) => out.copy_from_slice(&ra.to_bytes()),
            Ipv4Option::StreamId(id) => out.copy_from_slice(&id.to_bytes()),
            Ipv4Option::Security(s) => head(out, s.data())?,
            Ipv4Option::Unknown { data, .. } | Ipv4Option::Malformed { data, .. } => {
                head(out, data)?
            }
        }
        Ok(n)
    }
}

/// An option's body ([`Ipv4Option::data`]): the bytes after its type and
/// length bytes, borrowed from the options area, or held inline for the
/// two options parsed into a number (Router Alert, Stream ID). Reads as a
/// `[u8]` (`Deref`, `AsRef`), compares and hashes as its bytes.
#[derive(Clone, Copy)]
pub struct OptionData<'a>(DataInner<'a>);

#[derive(Clone, Copy)]
enum DataInner<'a> {
    Borrowed(&'a [u8]),
    Value([u8; 2]),
}

impl<'a> OptionData<'a> {
    #[inline]
    const fn borrowed(bytes: &'a [u8]) -> Self {
        OptionData(DataInner::Borrowed(bytes))
    }

    #[inline]
    const fn value(bytes: [u8; 2]) -> Self {
        OptionData(DataInner::Value(bytes))
    }

    /// The body's bytes.
    #[inline]
    pub fn as_bytes(&self) -> &[u8] {
        match &self.0 {
            DataInner::Borrowed(bytes) => bytes,
            DataInner::Value(bytes) => bytes,
        }
    }
}

impl core::ops::Deref for OptionData<'_> {
    type Target = [u8];
    #[inline]
    fn deref(&self) -> &[u8] {
        self.as_bytes()
    }
}

impl AsRef<[u8]> for OptionData<'_> {
    #[inline]
    fn as_ref(&self) -> &[u8] {
        self.as_bytes()
    }
}

impl PartialEq for OptionData<'_> {
    #[inline]
    fn eq(&self, other: &Self) -> bool {
        self.as_bytes() == other.as_bytes()
    }
}

impl Eq for OptionData<'_> {}

impl PartialEq<[u8]> for OptionData<'_> {
    #[inline]
    fn eq(&self, other: &[u8]) -> bool {
        self.as_bytes() == other
    }
}

impl PartialEq<&[u8]> for OptionData<'_> {
    #[inline]
    fn eq(&self, other: &&[u8]) -> bool {
        self.as_bytes() == *other
    }
}

impl<const N: usize> PartialEq<[u8; N]> for OptionData<'_> {
    #[inline]
    fn eq(&self, other: &[u8; N]) -> bool {
        self.as_bytes() == other
    }
}

impl core::hash::Hash for OptionData<'_> {
    #[inline]
    fn hash<H: core::hash::Hasher>(&self, state: &mut H) {
        self.as_bytes().hash(state);
    }
}

/// The bytes, as a slice's `Debug` shows them.
impl fmt::Debug for OptionData<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.as_bytes().fmt(f)
    }
}

#[cfg(test)]
mod tests;
