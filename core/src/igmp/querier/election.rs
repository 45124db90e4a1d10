//! Querier election ([RFC 9776 §6.6.2]) and what a router does with the
//! queries of others: the lowest address on the link is the querier; a
//! router that hears a general query from a lower address stops querying
//! until the Other Querier Present timer runs out, adopts the querier's
//! Robustness Variable and Query Interval ([§4.1.6], [§4.1.7]), and lowers
//! its timers on queries without the S flag ([§6.6.1]).
//!
//! [RFC 9776 §6.6.2]: https://www.rfc-editor.org/rfc/rfc9776#section-6.6.2
//! [§4.1.6]: https://www.rfc-editor.org/rfc/rfc9776#section-4.1.6
//! [§4.1.7]: https://www.rfc-editor.org/rfc/rfc9776#section-4.1.7
//! [§6.6.1]: https://www.rfc-editor.org/rfc/rfc9776#section-6.6.1

use core::net::Ipv4Addr;
use core::time::Duration;

use super::Querier;
use super::group::Round;
use crate::igmp::FilterMode;
use crate::igmp::timing::Instant;
use crate::igmp::{QueryV3, Sources, V1V2Message};

/// What the querier takes from a received query.
pub(super) struct Query<'a> {
    group: Ipv4Addr,
    sources: Sources<'a>,
    s_flag: bool,
    /// The sender's Robustness Variable and Query Interval (IGMPv3).
    variables: Option<(u8, Duration)>,
}

impl<'a> Query<'a> {
    pub fn general() -> Self {
        Query {
            group: Ipv4Addr::UNSPECIFIED,
            sources: Sources::EMPTY,
            s_flag: false,
            variables: None,
        }
    }

    pub fn v2(q: &V1V2Message<'a>) -> Self {
        Query {
            group: q.group(),
            ..Query::general()
        }
    }

    pub fn v3(q: &QueryV3<'a>) -> Self {
        Query {
            group: q.group(),
            sources: q.sources(),
            s_flag: q.s_flag(),
            variables: Some((q.qrv(), q.query_interval())),
        }
    }
}

impl<const GROUPS: usize, const SOURCES: usize> Querier<GROUPS, SOURCES> {
    pub(super) fn on_query(&mut self, now: Instant, from: Ipv4Addr, query: Query<'_>) {
        // Our own queries looped back, and the 0.0.0.0 of snooping
        // switches' proxy queries, take no part in the election.
        if from == self.address || from.is_unspecified() {
            return;
        }
        if query.group.is_unspecified() && u32::from(from) < u32::from(self.address) {
            if let Some((qrv, interval)) = query.variables {
                // A QRV of 0 stands for a value above 7: keep ours.
                if qrv != 0 {
                    self.timers.robustness = qrv;
                }
                if !interval.is_zero() {
                    self.timers.query_interval = interval;
                }
            }
            self.querier = false;
            self.next_general = None;
            self.other_querier = Some(now + self.timers.other_querier_present_interval());
            for g in &mut self.groups[..self.len] {
                // Only the querier sends specific queries.
                g.group_retransmissions = 0;
                g.group_in_round = false;
                g.round_active = false;
                g.query_due = None;
                for s in g.sources_mut() {
                    s.retransmissions = 0;
                    s.round = Round::Out;
                }
            }
        }
        if query.s_flag || query.group.is_unspecified() {
            return;
        }
        let Some(i) = self.find(query.group) else {
            return;
        };
        let lmqt = now + self.timers.last_member_query_time();
        let g = &mut self.groups[i];
        if query.sources.is_empty() {
            if g.mode == FilterMode::Exclude {
                g.group_timer = g.group_timer.min(lmqt);
            }
        } else {
            for addr in query.sources {
                if let Some(s) = g.find_mut(addr) {
                    s.expires = s.expires.min(lmqt);
                }
            }
        }
    }

    /// Takes the querier role back once the Other Querier Present timer
    /// has run out, with a general query at once.
    pub(super) fn expire_other_querier(&mut self, now: Instant) {
        if self.other_querier.is_some_and(|t| t <= now) {
            self.other_querier = None;
            self.querier = true;
            self.next_general = Some(now);
        }
    }
}
