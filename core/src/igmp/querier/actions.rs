//! The router's actions on each group record ([RFC 9776 §6.4]): the
//! tables for current-state records ([§6.4.1]) and for filter-mode-change
//! and source-list-change records ([§6.4.2]). `A`, `B` are the router's
//! and the record's source sets; in EXCLUDE mode `X` are the sources
//! whose timer runs and `Y` those at zero; GMI is the Group Membership
//! Interval.
//!
//! | router state | record | new state | actions |
//! |---|---|---|---|
//! | INCLUDE (A) | IS_IN (B) | INCLUDE (A+B) | (B)=GMI |
//! | INCLUDE (A) | IS_EX (B) | EXCLUDE (A\*B, B-A) | (B-A)=0, Delete (A-B), Group Timer=GMI |
//! | EXCLUDE (X,Y) | IS_IN (A) | EXCLUDE (X+A, Y-A) | (A)=GMI |
//! | EXCLUDE (X,Y) | IS_EX (A) | EXCLUDE (A-Y, Y\*A) | (A-X-Y)=GMI, Delete (X-A), Delete (Y-A), Group Timer=GMI |
//! | INCLUDE (A) | ALLOW (B) | INCLUDE (A+B) | (B)=GMI |
//! | INCLUDE (A) | BLOCK (B) | INCLUDE (A) | Send Q(G,A\*B) |
//! | INCLUDE (A) | TO_EX (B) | EXCLUDE (A\*B, B-A) | (B-A)=0, Delete (A-B), Send Q(G,A\*B), Group Timer=GMI |
//! | INCLUDE (A) | TO_IN (B) | INCLUDE (A+B) | (B)=GMI, Send Q(G,A-B) |
//! | EXCLUDE (X,Y) | ALLOW (A) | EXCLUDE (X+A, Y-A) | (A)=GMI |
//! | EXCLUDE (X,Y) | BLOCK (A) | EXCLUDE (X+(A-Y), Y) | (A-X-Y)=Group Timer, Send Q(G,A-Y) |
//! | EXCLUDE (X,Y) | TO_EX (A) | EXCLUDE (A-Y, Y\*A) | (A-X-Y)=Group Timer, Delete (X-A), Delete (Y-A), Send Q(G,A-Y), Group Timer=GMI |
//! | EXCLUDE (X,Y) | TO_IN (A) | EXCLUDE (X+A, Y-A) | (A)=GMI, Send Q(G,X-A), Send Q(G) |
//!
//! A group without a record is INCLUDE ({}). A record is applied to a copy
//! of the group, so one that does not fit leaves the group as it was.
//!
//! [RFC 9776 §6.4]: https://www.rfc-editor.org/rfc/rfc9776#section-6.4
//! [§6.4.1]: https://www.rfc-editor.org/rfc/rfc9776#section-6.4.1
//! [§6.4.2]: https://www.rfc-editor.org/rfc/rfc9776#section-6.4.2

use core::net::Ipv4Addr;

use super::Querier;
use super::compat::{self, Compatibility};
use super::group::{Full, Group};
use crate::error::QuerierError;
use crate::igmp::FilterMode;
use crate::igmp::timing::Instant;
use crate::igmp::{RecordType, Sources};

/// Whether `sources` holds `addr`.
fn contains(sources: Sources<'_>, addr: Ipv4Addr) -> bool {
    sources.iter().any(|s| s == addr)
}

/// Whether reports for `group` take part: multicast, outside the local
/// network control block 224.0.0.0/24 that routers never forward.
fn reportable(group: Ipv4Addr) -> bool {
    group.is_multicast() && group.octets()[..3] != [224, 0, 0]
}

impl<const GROUPS: usize, const SOURCES: usize> Querier<GROUPS, SOURCES> {
    /// An IGMPv1 or IGMPv2 report: the Host Present timer, then IS_EX({}).
    pub(super) fn older_report(
        &mut self,
        now: Instant,
        group: Ipv4Addr,
        version: Compatibility,
    ) -> Result<(), QuerierError> {
        self.apply(
            now,
            RecordType::MODE_IS_EXCLUDE,
            group,
            Sources::EMPTY,
            Some(version),
        )
    }

    /// An IGMPv2 leave: TO_IN({}).
    pub(super) fn leave(&mut self, now: Instant, group: Ipv4Addr) -> Result<(), QuerierError> {
        self.apply_record(
            now,
            RecordType::CHANGE_TO_INCLUDE_MODE,
            group,
            Sources::EMPTY,
        )
    }

    /// One IGMPv3 group record.
    pub(super) fn apply_record(
        &mut self,
        now: Instant,
        record_type: RecordType,
        group: Ipv4Addr,
        sources: Sources<'_>,
    ) -> Result<(), QuerierError> {
        self.apply(now, record_type, group, sources, None)
    }

    fn apply(
        &mut self,
        now: Instant,
        record_type: RecordType,
        group: Ipv4Addr,
        sources: Sources<'_>,
        older: Option<Compatibility>,
    ) -> Result<(), QuerierError> {
        if !reportable(group) || !record_type.is_known() {
            return Ok(());
        }
        let index = self.find(group);
        let mut g = match index {
            Some(i) => self.groups[i],
            None => Group::new(group),
        };
        match older {
            Some(Compatibility::V1) => {
                g.v1_host = Some(now + self.timers.older_host_present_interval())
            }
            Some(Compatibility::V2) => {
                g.v2_host = Some(now + self.timers.older_host_present_interval())
            }
            _ => {}
        }
        let Some((record_type, sources)) =
            compat::translate(g.compatibility(now), record_type, sources)
        else {
            return Ok(());
        };
        let gmi = now + self.timers.group_membership_interval();
        let query_group = act(&mut g, now, gmi, record_type, sources).map_err(|Full| {
            QuerierError::SourceTableFull {
                group,
                capacity: SOURCES,
            }
        })?;
        if self.querier {
            self.schedule(&mut g, now, query_group);
        }
        for s in g.sources_mut() {
            s.query = false;
        }
        let keep = !(g.mode == FilterMode::Include && g.is_empty());
        match (index, keep) {
            (Some(i), true) => self.groups[i] = g,
            (Some(i), false) => self.remove(i),
            (None, true) => {
                let slot = self
                    .groups
                    .get_mut(self.len)
                    .ok_or(QuerierError::GroupTableFull {
                        group,
                        capacity: GROUPS,
                    })?;
                *slot = g;
                self.len += 1;
            }
            (None, false) => {}
        }
        Ok(())
    }
}

/// Applies one record to `g` by the tables above. Sources to query get
/// their `query` mark; returns whether the table says "Send Q(G)".
fn act<const S: usize>(
    g: &mut Group<S>,
    now: Instant,
    gmi: Instant,
    record_type: RecordType,
    b: Sources<'_>,
) -> Result<bool, Full> {
    let mut query_group = false;
    match (g.mode, record_type) {
        // (B)=GMI, in either mode; in EXCLUDE mode a source of Y moves to X.
        (_, RecordType::MODE_IS_INCLUDE | RecordType::ALLOW_NEW_SOURCES) => {
            for addr in b {
                g.upsert(addr, gmi)?;
            }
        }
        (FilterMode::Include, RecordType::CHANGE_TO_INCLUDE_MODE) => {
            // Send Q(G,A-B), then (B)=GMI.
            for s in g.sources_mut() {
                s.query = !contains(b, s.addr);
            }
            for addr in b {
                g.upsert(addr, gmi)?;
            }
        }
        (FilterMode::Exclude, RecordType::CHANGE_TO_INCLUDE_MODE) => {
            // Send Q(G,X-A), (A)=GMI, Send Q(G).
            for s in g.sources_mut() {
                s.query = s.running(now) && !contains(b, s.addr);
            }
            for addr in b {
                g.upsert(addr, gmi)?;
            }
            query_group = true;
        }
        (FilterMode::Include, RecordType::BLOCK_OLD_SOURCES) => {
            // Send Q(G,A*B).
            for s in g.sources_mut() {
                s.query = contains(b, s.addr);
            }
        }
        (FilterMode::Exclude, RecordType::BLOCK_OLD_SOURCES) => {
            // (A-X-Y)=Group Timer, Send Q(G,A-Y).
            let group_timer = g.group_timer;
            for addr in b {
                match g.find_mut(addr) {
                    Some(s) => s.query |= s.running(now),
                    None => g.insert(addr, group_timer)?.query = true,
                }
            }
        }
        (FilterMode::Include, RecordType::MODE_IS_EXCLUDE | RecordType::CHANGE_TO_EXCLUDE_MODE) => {
            // Delete (A-B), (B-A)=0, EXCLUDE (A*B, B-A), Group Timer=GMI;
            // TO_EX also Send Q(G,A*B).
            let to_ex = record_type == RecordType::CHANGE_TO_EXCLUDE_MODE;
            g.retain(|s| contains(b, s.addr));
            for s in g.sources_mut() {
                s.query = to_ex;
            }
            for addr in b {
                if g.find(addr).is_none() {
                    g.insert(addr, Instant::ZERO)?;
                }
            }
            g.mode = FilterMode::Exclude;
            g.group_timer = gmi;
        }
        (FilterMode::Exclude, RecordType::MODE_IS_EXCLUDE | RecordType::CHANGE_TO_EXCLUDE_MODE) => {
            // Delete (X-A), Delete (Y-A), EXCLUDE (A-Y, Y*A); IS_EX:
            // (A-X-Y)=GMI; TO_EX: (A-X-Y)=Group Timer and Send Q(G,A-Y);
            // then Group Timer=GMI.
            let to_ex = record_type == RecordType::CHANGE_TO_EXCLUDE_MODE;
            g.retain(|s| contains(b, s.addr));
            for s in g.sources_mut() {
                s.query = to_ex && s.running(now);
            }
            let new_timer = if to_ex { g.group_timer } else { gmi };
            for addr in b {
                if g.find(addr).is_none() {
                    g.insert(addr, new_timer)?.query = to_ex;
                }
            }
            g.group_timer = gmi;
        }
        _ => {}
    }
    Ok(query_group)
}
