//! Source address lists of IGMPv3 queries and group records
//! ([RFC 9776 §4.1.9], [§4.2.4]).
//!
//! [RFC 9776 §4.1.9]: https://www.rfc-editor.org/rfc/rfc9776#section-4.1.9
//! [§4.2.4]: https://www.rfc-editor.org/rfc/rfc9776#section-4.2.4

use core::fmt;
use core::iter::FusedIterator;
use core::net::Ipv4Addr;

/// A list of IPv4 source addresses: either the bytes of a received message
/// (zero-copy, as [`QueryV3::sources`](super::QueryV3::sources) and
/// [`GroupRecord::sources`](super::GroupRecord::sources) return it) or a
/// caller's `&[Ipv4Addr]` to build from.
///
/// Both forms compare equal when they hold the same addresses in the same
/// order.
///
/// ```
/// use core::net::Ipv4Addr;
/// use ipv4_core::igmp::Sources;
///
/// let wire = Sources::from_wire(&[10, 0, 0, 1, 10, 0, 0, 2]).unwrap();
/// let addrs = [Ipv4Addr::new(10, 0, 0, 1), Ipv4Addr::new(10, 0, 0, 2)];
/// assert_eq!(wire, Sources::from(&addrs[..]));
/// assert_eq!(wire.get(1), Some(Ipv4Addr::new(10, 0, 0, 2)));
/// assert!(Sources::from_wire(&[10, 0, 0]).is_none()); // not whole addresses
/// ```
#[derive(Clone, Copy)]
pub struct Sources<'a>(Inner<'a>);

#[derive(Clone, Copy)]
enum Inner<'a> {
    Wire(&'a [[u8; 4]]),
    Addrs(&'a [Ipv4Addr]),
}

impl<'a> Sources<'a> {
    /// An empty list.
    pub const EMPTY: Sources<'static> = Sources(Inner::Addrs(&[]));

    /// A list over wire bytes, 4 per address; `None` when the length is not
    /// a multiple of 4.
    #[inline]
    pub fn from_wire(bytes: &'a [u8]) -> Option<Self> {
        let (addrs, rest) = bytes.as_chunks::<4>();
        rest.is_empty().then_some(Sources(Inner::Wire(addrs)))
    }

    /// A list over `bytes`, whose length the caller knows to be a multiple
    /// of 4 (a trailing partial address would be dropped).
    #[inline]
    pub(crate) fn from_whole_words(bytes: &'a [u8]) -> Self {
        Sources(Inner::Wire(bytes.as_chunks::<4>().0))
    }

    /// A list over the caller's addresses.
    #[inline]
    pub const fn from_addrs(addrs: &'a [Ipv4Addr]) -> Self {
        Sources(Inner::Addrs(addrs))
    }

    /// Number of addresses.
    #[inline]
    pub const fn len(&self) -> usize {
        match self.0 {
            Inner::Wire(w) => w.len(),
            Inner::Addrs(a) => a.len(),
        }
    }

    /// Whether the list is empty.
    #[inline]
    pub const fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// The address at `index`.
    #[inline]
    pub fn get(&self, index: usize) -> Option<Ipv4Addr> {
        match self.0 {
            Inner::Wire(w) => w.get(index).map(|b| Ipv4Addr::from(*b)),
            Inner::Addrs(a) => a.get(index).copied(),
        }
    }

    /// The addresses `start..end`, or `None` when out of range.
    #[inline]
    pub fn slice(&self, start: usize, end: usize) -> Option<Sources<'a>> {
        Some(Sources(match self.0 {
            Inner::Wire(w) => Inner::Wire(w.get(start..end)?),
            Inner::Addrs(a) => Inner::Addrs(a.get(start..end)?),
        }))
    }

    /// The wire bytes, when the list was read from a message.
    #[inline]
    pub fn as_wire_bytes(&self) -> Option<&'a [u8]> {
        match self.0 {
            Inner::Wire(w) => Some(w.as_flattened()),
            Inner::Addrs(_) => None,
        }
    }

    /// Iterates over the addresses.
    #[inline]
    pub fn iter(&self) -> SourcesIter<'a> {
        SourcesIter(match self.0 {
            Inner::Wire(w) => IterInner::Wire(w.iter()),
            Inner::Addrs(a) => IterInner::Addrs(a.iter()),
        })
    }

    /// Writes the addresses into `out`, which must be exactly `4 * len()`
    /// bytes long (the builders make sure of it).
    #[inline]
    pub(crate) fn write(&self, out: &mut [u8]) {
        match self.0 {
            Inner::Wire(w) => out.copy_from_slice(w.as_flattened()),
            Inner::Addrs(a) => {
                for (chunk, addr) in out.as_chunks_mut::<4>().0.iter_mut().zip(a) {
                    *chunk = addr.octets();
                }
            }
        }
    }
}

impl Default for Sources<'_> {
    #[inline]
    fn default() -> Self {
        Sources::EMPTY
    }
}

impl<'a> From<&'a [Ipv4Addr]> for Sources<'a> {
    #[inline]
    fn from(addrs: &'a [Ipv4Addr]) -> Self {
        Sources::from_addrs(addrs)
    }
}

impl<'a, const N: usize> From<&'a [Ipv4Addr; N]> for Sources<'a> {
    #[inline]
    fn from(addrs: &'a [Ipv4Addr; N]) -> Self {
        Sources::from_addrs(addrs)
    }
}

impl PartialEq for Sources<'_> {
    #[inline]
    fn eq(&self, other: &Self) -> bool {
        match (self.0, other.0) {
            (Inner::Wire(a), Inner::Wire(b)) => a == b,
            (Inner::Addrs(a), Inner::Addrs(b)) => a == b,
            _ => self.len() == other.len() && self.iter().eq(other.iter()),
        }
    }
}

impl Eq for Sources<'_> {}

impl PartialEq<[Ipv4Addr]> for Sources<'_> {
    #[inline]
    fn eq(&self, other: &[Ipv4Addr]) -> bool {
        *self == Sources::from_addrs(other)
    }
}

impl fmt::Debug for Sources<'_> {
    #[inline]
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_list().entries(self.iter()).finish()
    }
}

/// `{a, b, c}`, the notation of RFC 9776's state tables.
impl fmt::Display for Sources<'_> {
    #[inline]
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("{")?;
        for (i, addr) in self.iter().enumerate() {
            if i > 0 {
                f.write_str(", ")?;
            }
            write!(f, "{addr}")?;
        }
        f.write_str("}")
    }
}

impl<'a> IntoIterator for Sources<'a> {
    type Item = Ipv4Addr;
    type IntoIter = SourcesIter<'a>;
    #[inline]
    fn into_iter(self) -> SourcesIter<'a> {
        self.iter()
    }
}

impl<'a> IntoIterator for &Sources<'a> {
    type Item = Ipv4Addr;
    type IntoIter = SourcesIter<'a>;
    #[inline]
    fn into_iter(self) -> SourcesIter<'a> {
        self.iter()
    }
}

/// Iterator over the addresses of [`Sources`] ([RFC 9776 §4.2.9]).
///
/// [RFC 9776 §4.2.9]: https://www.rfc-editor.org/rfc/rfc9776#section-4.2.9
#[derive(Debug, Clone)]
pub struct SourcesIter<'a>(IterInner<'a>);

#[derive(Debug, Clone)]
enum IterInner<'a> {
    Wire(core::slice::Iter<'a, [u8; 4]>),
    Addrs(core::slice::Iter<'a, Ipv4Addr>),
}

impl Iterator for SourcesIter<'_> {
    type Item = Ipv4Addr;

    #[inline]
    fn next(&mut self) -> Option<Ipv4Addr> {
        match &mut self.0 {
            IterInner::Wire(w) => w.next().map(|b| Ipv4Addr::from(*b)),
            IterInner::Addrs(a) => a.next().copied(),
        }
    }

    #[inline]
    fn size_hint(&self) -> (usize, Option<usize>) {
        let n = match &self.0 {
            IterInner::Wire(w) => w.len(),
            IterInner::Addrs(a) => a.len(),
        };
        (n, Some(n))
    }

    #[inline]
    fn fold<B, F: FnMut(B, Ipv4Addr) -> B>(self, init: B, mut f: F) -> B {
        match self.0 {
            IterInner::Wire(w) => w.fold(init, |acc, b| f(acc, Ipv4Addr::from(*b))),
            IterInner::Addrs(a) => a.fold(init, |acc, x| f(acc, *x)),
        }
    }
}

impl DoubleEndedIterator for SourcesIter<'_> {
    #[inline]
    fn next_back(&mut self) -> Option<Ipv4Addr> {
        match &mut self.0 {
            IterInner::Wire(w) => w.next_back().map(|b| Ipv4Addr::from(*b)),
            IterInner::Addrs(a) => a.next_back().copied(),
        }
    }
}

impl ExactSizeIterator for SourcesIter<'_> {}
impl FusedIterator for SourcesIter<'_> {}
