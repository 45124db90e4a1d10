//! Per-socket source filters and the interface state they merge into
//! ([RFC 9776 §3]).
//!
//! Each socket asks for a group with a filter mode and a source list
//! (the [RFC 3678] model: `IP_ADD_MEMBERSHIP` is EXCLUDE{},
//! `IP_ADD_SOURCE_MEMBERSHIP` adds to an INCLUDE list,
//! `IP_BLOCK_SOURCE` adds to an EXCLUDE list, and so on). The interface
//! state of the group is derived from all of them by the rules of
//! [RFC 9776 §3.2]:
//!
//! * if any socket has EXCLUDE mode, the interface is in EXCLUDE mode with
//!   the sources every EXCLUDE socket excludes, minus those any INCLUDE
//!   socket includes;
//! * otherwise it is in INCLUDE mode with the union of the INCLUDE lists.
//!
//! [RFC 3678]: https://www.rfc-editor.org/rfc/rfc3678
//! [RFC 9776 §3]: https://www.rfc-editor.org/rfc/rfc9776#section-3
//! [RFC 9776 §3.2]: https://www.rfc-editor.org/rfc/rfc9776#section-3.2

use core::net::Ipv4Addr;

use super::set::{Full, SourceSet};
use crate::igmp::FilterMode;

/// Names one of the caller's sockets (or any other owner of a
/// membership): the machine only compares these, so any numbering works.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct SocketId(pub u32);

/// One socket's request for a group ([RFC 9776 §3.1]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct SocketFilter<const S: usize> {
    pub(crate) socket: SocketId,
    pub(crate) mode: FilterMode,
    pub(crate) sources: SourceSet<S>,
}

/// The interface state of a group ([RFC 9776 §3.2]).
///
/// [RFC 9776 §3.2]: https://www.rfc-editor.org/rfc/rfc9776#section-3.2
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct State<const S: usize> {
    pub(crate) mode: FilterMode,
    pub(crate) sources: SourceSet<S>,
}

impl<const S: usize> State<S> {
    /// INCLUDE{}: no reception state.
    pub(crate) const NONE: Self = State {
        mode: FilterMode::Include,
        sources: SourceSet::EMPTY,
    };

    /// Whether the interface receives anything of the group (anything but
    /// INCLUDE{}).
    pub(crate) fn is_member(&self) -> bool {
        self.mode == FilterMode::Exclude || !self.sources.is_empty()
    }

    /// Whether traffic from `source` is forwarded.
    pub(crate) fn forwards(&self, source: Ipv4Addr) -> bool {
        self.sources.contains(source) == (self.mode == FilterMode::Include)
    }
}

/// The sockets' requests for one group.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Sockets<const S: usize, const K: usize> {
    filters: [Option<SocketFilter<S>>; K],
}

/// Why a socket table change was refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum TableFull {
    /// No slot for another socket.
    Sockets,
    /// A source list would exceed its capacity.
    Sources,
}

impl From<Full> for TableFull {
    fn from(_: Full) -> Self {
        TableFull::Sources
    }
}

impl<const S: usize, const K: usize> Sockets<S, K> {
    pub(crate) const EMPTY: Self = Sockets { filters: [None; K] };

    pub(crate) fn get(&self, socket: SocketId) -> Option<&SocketFilter<S>> {
        self.filters.iter().flatten().find(|f| f.socket == socket)
    }

    pub(crate) fn iter(&self) -> impl Iterator<Item = &SocketFilter<S>> {
        self.filters.iter().flatten()
    }

    pub(crate) fn is_empty(&self) -> bool {
        self.filters.iter().all(Option::is_none)
    }

    /// Sets `socket`'s filter; INCLUDE{} removes the socket.
    pub(crate) fn set(
        &mut self,
        socket: SocketId,
        mode: FilterMode,
        sources: SourceSet<S>,
    ) -> Result<(), TableFull> {
        let existing = self
            .filters
            .iter()
            .position(|f| f.is_some_and(|f| f.socket == socket));
        let leaving = mode == FilterMode::Include && sources.is_empty();
        let slot = match existing {
            Some(i) => i,
            None if leaving => return Ok(()),
            None => self
                .filters
                .iter()
                .position(Option::is_none)
                .ok_or(TableFull::Sockets)?,
        };
        if let Some(f) = self.filters.get_mut(slot) {
            *f = (!leaving).then_some(SocketFilter {
                socket,
                mode,
                sources,
            });
        }
        Ok(())
    }

    /// The interface state these requests merge into ([RFC 9776 §3.2]).
    ///
    /// [RFC 9776 §3.2]: https://www.rfc-editor.org/rfc/rfc9776#section-3.2
    ///
    /// The union of the INCLUDE lists must fit a source list even in
    /// EXCLUDE mode, where it is only subtracted: otherwise the last
    /// EXCLUDE socket could not leave.
    pub(crate) fn merge(&self) -> Result<State<S>, Full> {
        let mut included = SourceSet::<S>::EMPTY;
        for f in self.iter().filter(|f| f.mode == FilterMode::Include) {
            included.union_with(&f.sources)?;
        }
        let mut excluded: Option<SourceSet<S>> = None;
        for f in self.iter().filter(|f| f.mode == FilterMode::Exclude) {
            excluded = Some(match excluded {
                None => f.sources,
                Some(x) => x.and(&f.sources),
            });
        }
        Ok(match excluded {
            Some(x) => State {
                mode: FilterMode::Exclude,
                sources: x.minus(&included),
            },
            None => State {
                mode: FilterMode::Include,
                sources: included,
            },
        })
    }
}
