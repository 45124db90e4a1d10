//! Answering queries ([RFC 9776 §5.2]): the pending-response bookkeeping
//! and the Current-State records sent when a response is due.
//!
//! A query selects a delay at random in [0, Max Resp Time], then:
//!
//! 1. a pending response to a General Query due sooner than that delay
//!    makes the query moot;
//! 2. a General Query (re)starts the interface timer at the delay;
//! 3. a Group-Specific or Group-and-Source-Specific Query for a group with
//!    no pending response starts the group's timer, recording the queried
//!    sources, if any;
//! 4. with a response pending, a Group-Specific Query, or any query for a
//!    group whose pending response has no recorded sources, clears the
//!    recorded sources: one response about the whole group, at the earlier
//!    of the pending time and the delay;
//! 5. a Group-and-Source-Specific Query for a group whose pending response
//!    has recorded sources adds its sources to them, at the earlier of the
//!    pending time and the delay.
//!
//! When the interface timer fires, every group with reception state gets
//! a MODE_IS_INCLUDE or MODE_IS_EXCLUDE record of its state. When a group
//! timer fires, the group (if it still has reception state) gets one
//! record of its state when no sources were recorded; with recorded
//! sources Q, an IS_IN of the queried sources the group receives:
//! Q ∩ A in INCLUDE(A), Q − A in EXCLUDE(A), and nothing when that is
//! empty.
//!
//! When the recorded sources would exceed the capacity, the response
//! widens to the whole group: a larger answer is always safe, a missing
//! one is not.
//!
//! [RFC 9776 §5.2]: https://www.rfc-editor.org/rfc/rfc9776#section-5.2

use core::net::Ipv4Addr;

use super::filter::State;
use super::set::SourceSet;
use crate::igmp::FilterMode;
use crate::igmp::timing::Instant;
use crate::igmp::{GroupRecord, RecordType, Sources};

/// A group's pending response to a Group-Specific or Group-and-Source-
/// Specific Query.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Response<const S: usize> {
    /// When the response is due.
    pub(crate) at: Option<Instant>,
    /// The recorded sources; empty for a group-specific response.
    pub(crate) sources: SourceSet<S>,
    /// Resolved and due to go out in the report being built.
    pub(crate) ready: bool,
    /// The resolved response is about the whole group.
    pub(crate) group_wide: bool,
}

impl<const S: usize> Response<S> {
    pub(crate) const NONE: Self = Response {
        at: None,
        sources: SourceSet::EMPTY,
        ready: false,
        group_wide: false,
    };

    /// Rules 3 to 5 for a query of the group (`queried` empty: group-
    /// specific) whose response is due at `due`.
    pub(crate) fn schedule(&mut self, due: Instant, queried: Sources<'_>) {
        match self.at {
            None => {
                // Rule 3.
                self.at = Some(due);
                self.sources = SourceSet::from_iter(queried).unwrap_or(SourceSet::EMPTY);
            }
            Some(pending) => {
                self.at = Some(pending.min(due));
                if queried.is_empty() || self.sources.is_empty() {
                    // Rule 4.
                    self.sources.clear();
                } else {
                    // Rule 5; past the capacity, answer for the group.
                    for source in queried {
                        if self.sources.insert(source).is_err() {
                            self.sources.clear();
                            break;
                        }
                    }
                }
            }
        }
    }

    /// At the due time: turns the recorded sources into those of the
    /// response for `state` (Q ∩ A or Q − A) and marks the response ready
    /// to go out, unless there is nothing to say.
    pub(crate) fn resolve(&mut self, state: &State<S>) {
        self.at = None;
        let queried = !self.sources.is_empty();
        if queried {
            self.sources = match state.mode {
                FilterMode::Include => self.sources.and(&state.sources),
                FilterMode::Exclude => self.sources.minus(&state.sources),
            };
        }
        self.ready = state.is_member() && !(queried && self.sources.is_empty());
        self.group_wide = !queried;
    }

    /// The record of a resolved response, if it is ready.
    pub(crate) fn record<'a>(
        &'a self,
        group: Ipv4Addr,
        state: &'a State<S>,
    ) -> Option<GroupRecord<'a>> {
        if !self.ready {
            return None;
        }
        Some(if self.group_wide {
            current_state(group, state)
        } else {
            GroupRecord::new(
                RecordType::MODE_IS_INCLUDE,
                group,
                Sources::from_addrs(self.sources.as_slice()),
            )
        })
    }

    /// After the response went out (or had nothing to say).
    pub(crate) fn done(&mut self) {
        *self = Self::NONE;
    }
}

/// The Current-State record of `state` ([RFC 9776 §5.2]).
///
/// [RFC 9776 §5.2]: https://www.rfc-editor.org/rfc/rfc9776#section-5.2
pub(crate) fn current_state<'a, const S: usize>(
    group: Ipv4Addr,
    state: &'a State<S>,
) -> GroupRecord<'a> {
    GroupRecord::new(
        state.mode.current_state_record(),
        group,
        Sources::from_addrs(state.sources.as_slice()),
    )
}
