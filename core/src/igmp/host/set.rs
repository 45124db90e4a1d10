//! Fixed-capacity source address sets: the source lists of socket filters,
//! of the interface state, of recorded query sources, and the sources with
//! retransmission state ([RFC 9776 §3.2, §5.1, §5.2]).
//!
//! [RFC 9776 §3.2, §5.1, §5.2]: https://www.rfc-editor.org/rfc/rfc9776#section-3.2

use core::net::Ipv4Addr;

/// A set has no room for another address.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Full;

/// Up to `N` distinct addresses, kept sorted (by their numeric value), so
/// that set operations are merges and the list reads the same whatever
/// order it was built in.
#[derive(Clone, Copy, PartialEq, Eq)]
pub(crate) struct SourceSet<const N: usize> {
    addrs: [Ipv4Addr; N],
    len: usize,
}

impl<const N: usize> core::fmt::Debug for SourceSet<N> {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_set().entries(self.as_slice()).finish()
    }
}

impl<const N: usize> SourceSet<N> {
    pub(crate) const EMPTY: Self = SourceSet {
        addrs: [Ipv4Addr::UNSPECIFIED; N],
        len: 0,
    };

    /// The set of `addrs` (duplicates collapse); `Full` past `N` distinct.
    pub(crate) fn from_iter(addrs: impl IntoIterator<Item = Ipv4Addr>) -> Result<Self, Full> {
        let mut set = Self::EMPTY;
        for a in addrs {
            set.insert(a)?;
        }
        Ok(set)
    }

    pub(crate) fn as_slice(&self) -> &[Ipv4Addr] {
        self.addrs.get(..self.len).unwrap_or_default()
    }

    pub(crate) fn len(&self) -> usize {
        self.len
    }

    pub(crate) fn is_empty(&self) -> bool {
        self.len == 0
    }

    pub(crate) fn clear(&mut self) {
        self.len = 0;
    }

    fn search(&self, addr: Ipv4Addr) -> Result<usize, usize> {
        self.as_slice()
            .binary_search_by_key(&u32::from(addr), |a| u32::from(*a))
    }

    pub(crate) fn contains(&self, addr: Ipv4Addr) -> bool {
        self.search(addr).is_ok()
    }

    /// Adds `addr`; `Ok(false)` if it was there already.
    pub(crate) fn insert(&mut self, addr: Ipv4Addr) -> Result<bool, Full> {
        let Err(at) = self.search(addr) else {
            return Ok(false);
        };
        if self.len >= N {
            return Err(Full);
        }
        // `at <= len < N`: both ranges are in bounds.
        if let Some(tail) = self.addrs.get_mut(at..=self.len) {
            tail.rotate_right(1);
            if let Some(first) = tail.first_mut() {
                *first = addr;
            }
        }
        self.len += 1;
        Ok(true)
    }

    /// Removes `addr`; whether it was there.
    pub(crate) fn remove(&mut self, addr: Ipv4Addr) -> bool {
        let Ok(at) = self.search(addr) else {
            return false;
        };
        if let Some(tail) = self.addrs.get_mut(at..self.len) {
            tail.rotate_left(1);
        }
        self.len -= 1;
        true
    }

    /// Keeps the addresses for which `keep` is true.
    pub(crate) fn retain(&mut self, mut keep: impl FnMut(Ipv4Addr) -> bool) {
        let mut kept = 0;
        for i in 0..self.len {
            let a = self.addrs[i];
            if keep(a) {
                self.addrs[kept] = a;
                kept += 1;
            }
        }
        self.len = kept;
    }

    /// Adds every address of `other`.
    pub(crate) fn union_with<const M: usize>(&mut self, other: &SourceSet<M>) -> Result<(), Full> {
        for &a in other.as_slice() {
            self.insert(a)?;
        }
        Ok(())
    }

    /// `self − other`.
    pub(crate) fn minus<const M: usize>(&self, other: &SourceSet<M>) -> Self {
        let mut out = *self;
        out.retain(|a| !other.contains(a));
        out
    }

    /// `self ∩ other`.
    pub(crate) fn and<const M: usize>(&self, other: &SourceSet<M>) -> Self {
        let mut out = *self;
        out.retain(|a| other.contains(a));
        out
    }
}

/// Sources with a retransmission count ([RFC 9776 §5.1]): the set and,
/// index for index, how many more State-Change Reports must carry each.
///
/// [RFC 9776 §5.1]: https://www.rfc-editor.org/rfc/rfc9776#section-5.1
#[derive(Clone, Copy, PartialEq, Eq)]
pub(crate) struct Counted<const N: usize> {
    set: SourceSet<N>,
    counts: [u8; N],
}

impl<const N: usize> core::fmt::Debug for Counted<N> {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_map()
            .entries(self.set.as_slice().iter().zip(&self.counts))
            .finish()
    }
}

impl<const N: usize> Counted<N> {
    pub(crate) const EMPTY: Self = Counted {
        set: SourceSet::EMPTY,
        counts: [0; N],
    };

    pub(crate) fn sources(&self) -> &[Ipv4Addr] {
        self.set.as_slice()
    }

    pub(crate) fn is_empty(&self) -> bool {
        self.set.is_empty()
    }

    pub(crate) fn clear(&mut self) {
        self.set.clear();
    }

    /// Sets the count of `addr` to `count`, adding it if absent.
    pub(crate) fn set(&mut self, addr: Ipv4Addr, count: u8) -> Result<(), Full> {
        match self.set.search(addr) {
            Ok(at) => {
                if let Some(c) = self.counts.get_mut(at) {
                    *c = count;
                }
            }
            Err(at) => {
                self.set.insert(addr)?;
                // The addresses after `at` moved up one slot: so do their
                // counts (the stale slot at the end comes round to `at`).
                if let Some(tail) = self.counts.get_mut(at..self.set.len()) {
                    tail.rotate_right(1);
                    if let Some(first) = tail.first_mut() {
                        *first = count;
                    }
                }
            }
        }
        Ok(())
    }

    /// Removes `addr`.
    pub(crate) fn remove(&mut self, addr: Ipv4Addr) {
        if let Ok(at) = self.set.search(addr) {
            let len = self.set.len();
            if let Some(tail) = self.counts.get_mut(at..len) {
                tail.rotate_left(1);
            }
            self.set.remove(addr);
        }
    }

    /// Takes one from every count and drops the sources that reach 0.
    pub(crate) fn decrement(&mut self) {
        let mut kept = 0;
        let len = self.set.len();
        for i in 0..len {
            let c = self.counts[i].saturating_sub(1);
            if c > 0 {
                self.set.addrs[kept] = self.set.addrs[i];
                self.counts[kept] = c;
                kept += 1;
            }
        }
        self.set.len = kept;
    }
}
