//! Per-group router state ([RFC 9776 §6.2]): filter mode, group timer,
//! source records with their timers, and the retransmission state of
//! group- and group-and-source-specific queries; and what it means for
//! forwarding ([§6.3]).
//!
//! Timers are kept as the instant they run out. A source timer "at zero"
//! (a source of the exclude list Y) is one whose instant has passed; a
//! source put straight into Y by an action table gets [`Instant::ZERO`].
//!
//! [RFC 9776 §6.2]: https://www.rfc-editor.org/rfc/rfc9776#section-6.2
//! [§6.3]: https://www.rfc-editor.org/rfc/rfc9776#section-6.3

use core::net::Ipv4Addr;

use super::compat::Compatibility;
use crate::igmp::FilterMode;
use crate::igmp::timing::Instant;

/// Which query of a retransmission round a source goes into
/// ([RFC 9776 §6.6.3.2]).
///
/// [RFC 9776 §6.6.3.2]: https://www.rfc-editor.org/rfc/rfc9776#section-6.6.3.2
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Round {
    /// Not in the round in progress.
    Out,
    /// In the query with the S flag set (timer above LMQT).
    Suppressed,
    /// In the query with the S flag clear (timer at or below LMQT).
    Plain,
}

/// One source record.
#[derive(Clone, Copy, Debug)]
pub(super) struct Source {
    pub addr: Ipv4Addr,
    /// When the source timer reaches zero.
    pub expires: Instant,
    /// Group-and-source-specific queries still to send for this source.
    pub retransmissions: u8,
    /// Its place in the query round in progress.
    pub round: Round,
    /// Set by an action table's "Send Q(G,X)" while a record is applied.
    pub query: bool,
}

impl Source {
    const EMPTY: Source = Source {
        addr: Ipv4Addr::UNSPECIFIED,
        expires: Instant::ZERO,
        retransmissions: 0,
        round: Round::Out,
        query: false,
    };

    /// Whether the source timer is above zero at `now`.
    pub fn running(&self, now: Instant) -> bool {
        self.expires > now
    }
}

/// A group's source table was full.
#[derive(Clone, Copy, Debug)]
pub(super) struct Full;

/// One group record with room for `S` sources.
#[derive(Clone, Copy, Debug)]
pub(super) struct Group<const S: usize> {
    pub addr: Ipv4Addr,
    pub mode: FilterMode,
    /// When the group timer runs out (meaningful in EXCLUDE mode).
    pub group_timer: Instant,
    sources: [Source; S],
    len: usize,
    /// Group-specific queries still to send.
    pub group_retransmissions: u8,
    /// The group-specific query belongs to the round in progress.
    pub group_in_round: bool,
    /// A round of queries is being sent (sources are marked).
    pub round_active: bool,
    /// When the next round of group-specific or group-and-source-specific
    /// queries is due.
    pub query_due: Option<Instant>,
    /// The IGMPv1 and IGMPv2 Host Present timers ([RFC 9776 §7.3.2]).
    ///
    /// [RFC 9776 §7.3.2]: https://www.rfc-editor.org/rfc/rfc9776#section-7.3.2
    pub v1_host: Option<Instant>,
    pub v2_host: Option<Instant>,
}

impl<const S: usize> Group<S> {
    /// A group in INCLUDE mode with no sources: the state of a group the
    /// router has no record of.
    pub const fn new(addr: Ipv4Addr) -> Self {
        Group {
            addr,
            mode: FilterMode::Include,
            group_timer: Instant::ZERO,
            sources: [Source::EMPTY; S],
            len: 0,
            group_retransmissions: 0,
            group_in_round: false,
            round_active: false,
            query_due: None,
            v1_host: None,
            v2_host: None,
        }
    }

    pub fn sources(&self) -> &[Source] {
        self.sources.get(..self.len).unwrap_or_default()
    }

    pub fn sources_mut(&mut self) -> &mut [Source] {
        self.sources.get_mut(..self.len).unwrap_or_default()
    }

    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    pub fn find(&self, addr: Ipv4Addr) -> Option<&Source> {
        self.sources().iter().find(|s| s.addr == addr)
    }

    pub fn find_mut(&mut self, addr: Ipv4Addr) -> Option<&mut Source> {
        self.sources_mut().iter_mut().find(|s| s.addr == addr)
    }

    /// Adds a source record (the caller has checked it is not there).
    pub fn insert(&mut self, addr: Ipv4Addr, expires: Instant) -> Result<&mut Source, Full> {
        let slot = self.sources.get_mut(self.len).ok_or(Full)?;
        *slot = Source {
            addr,
            expires,
            ..Source::EMPTY
        };
        self.len += 1;
        Ok(slot)
    }

    /// Sets the timer of `addr`, adding the record if it is missing.
    pub fn upsert(&mut self, addr: Ipv4Addr, expires: Instant) -> Result<(), Full> {
        match self.find_mut(addr) {
            Some(s) => s.expires = expires,
            None => {
                self.insert(addr, expires)?;
            }
        }
        Ok(())
    }

    /// Keeps only the source records `keep` says yes to.
    pub fn retain(&mut self, mut keep: impl FnMut(&Source) -> bool) {
        let mut kept = 0;
        for i in 0..self.len {
            if keep(&self.sources[i]) {
                self.sources.swap(kept, i);
                kept += 1;
            }
        }
        self.len = kept;
    }

    /// The group's compatibility mode at `now` ([RFC 9776 §7.3.2]).
    ///
    /// [RFC 9776 §7.3.2]: https://www.rfc-editor.org/rfc/rfc9776#section-7.3.2
    pub fn compatibility(&self, now: Instant) -> Compatibility {
        if self.v1_host.is_some_and(|t| t > now) {
            Compatibility::V1
        } else if self.v2_host.is_some_and(|t| t > now) {
            Compatibility::V2
        } else {
            Compatibility::V3
        }
    }

    /// Runs the group's timers up to `now`: Host Present timers stop, a
    /// group timer running out in EXCLUDE mode switches the group to
    /// INCLUDE with the sources still running then ([RFC 9776 §6.5]),
    /// source records whose timer ran out in INCLUDE mode go ([§6.3]).
    /// Returns whether the group still has a record.
    ///
    /// [RFC 9776 §6.5]: https://www.rfc-editor.org/rfc/rfc9776#section-6.5
    /// [§6.3]: https://www.rfc-editor.org/rfc/rfc9776#section-6.3
    pub fn expire(&mut self, now: Instant) -> bool {
        if self.v1_host.is_some_and(|t| t <= now) {
            self.v1_host = None;
        }
        if self.v2_host.is_some_and(|t| t <= now) {
            self.v2_host = None;
        }
        if self.mode == FilterMode::Exclude && self.group_timer <= now {
            // The sources still running when the group timer ran out are
            // the new include list; a caller that comes late still gets
            // the switch as of that moment.
            let at = self.group_timer;
            self.retain(|s| s.running(at));
            self.mode = FilterMode::Include;
            self.group_retransmissions = 0;
            self.group_in_round = false;
        }
        match self.mode {
            FilterMode::Include => self.retain(|s| s.running(now)),
            FilterMode::Exclude => {
                for s in self.sources_mut() {
                    if !s.running(now) {
                        // In Y now: nothing left to ask about it.
                        s.retransmissions = 0;
                        s.round = Round::Out;
                    }
                }
            }
        }
        if self.query_due.is_some() && !self.round_active && !self.has_retransmissions() {
            self.query_due = None;
        }
        !(self.mode == FilterMode::Include && self.is_empty())
    }

    /// Whether any specific query is still to be sent.
    pub fn has_retransmissions(&self) -> bool {
        self.group_retransmissions > 0 || self.sources().iter().any(|s| s.retransmissions > 0)
    }

    /// Whether traffic from `source` should be forwarded at `now`
    /// ([RFC 9776 §6.3]).
    ///
    /// [RFC 9776 §6.3]: https://www.rfc-editor.org/rfc/rfc9776#section-6.3
    pub fn forwards(&self, source: Ipv4Addr, now: Instant) -> bool {
        match (self.mode, self.find(source)) {
            (_, Some(s)) => s.running(now),
            (FilterMode::Include, None) => false,
            (FilterMode::Exclude, None) => true,
        }
    }

    /// The earliest instant after `now` at which a timer of this group
    /// runs out or a query is due.
    pub fn next_deadline(&self, now: Instant) -> Option<Instant> {
        let mut next = self.query_due;
        let mut consider = |t: Instant| {
            next = Some(next.map_or(t, |n| n.min(t)));
        };
        if self.mode == FilterMode::Exclude {
            consider(self.group_timer);
        }
        for s in self.sources() {
            if s.running(now) {
                consider(s.expires);
            }
        }
        if let Some(t) = self.v1_host {
            consider(t);
        }
        if let Some(t) = self.v2_host {
            consider(t);
        }
        next
    }
}
