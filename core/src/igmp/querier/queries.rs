//! The queries a querier sends ([RFC 9776 §6.6]): general queries at the
//! Query Interval after a faster start-up ([§6.6.2], [§8.6], [§8.7]), and
//! the group-specific and group-and-source-specific queries of the action
//! tables, each sent Last Member Query Count times, Last Member Query
//! Interval apart ([§6.6.3]).
//!
//! "Send Q(G)" lowers the group timer to the Last Member Query Time;
//! each transmission has the S flag set when the group timer is above it
//! (a report raised it meanwhile). "Send Q(G,X)" lowers the timers of the
//! sources of X above LMQT to LMQT and gives them Last Member Query Count
//! transmissions; each round sends two queries, one with the S flag set
//! for the sources whose timer is above LMQT again and one without for
//! the rest, and leaves out a query with no sources ([§6.6.3.2]).
//!
//! [RFC 9776 §6.6]: https://www.rfc-editor.org/rfc/rfc9776#section-6.6
//! [§6.6.2]: https://www.rfc-editor.org/rfc/rfc9776#section-6.6.2
//! [§8.6]: https://www.rfc-editor.org/rfc/rfc9776#section-8.6
//! [§8.7]: https://www.rfc-editor.org/rfc/rfc9776#section-8.7
//! [§6.6.3]: https://www.rfc-editor.org/rfc/rfc9776#section-6.6.3
//! [§6.6.3.2]: https://www.rfc-editor.org/rfc/rfc9776#section-6.6.3.2

use core::net::Ipv4Addr;

use super::Querier;
use super::group::{Group, Round};
use crate::error::{BufferTooSmall, IgmpBuildError, QuerierError};
use crate::igmp::FilterMode;
use crate::igmp::timing::Instant;
use crate::igmp::{
    ALL_SYSTEMS, IPV4_HEADER_LEN, MaxRespCode, QUERY_V3_MIN_LEN, Qqic, QueryV3Repr, Sources,
    envelope,
};

/// The smallest buffer [`Querier::poll_transmit`] writes into: the IPv4
/// header with Router Alert, an IGMPv3 query and one source. A
/// group-and-source-specific query with more sources than a buffer holds
/// is spread over several packets.
pub const MIN_BUFFER_LEN: usize = IPV4_HEADER_LEN + QUERY_V3_MIN_LEN + 4;

/// Which query a packet from [`Querier::poll_transmit`] holds.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum QueryKind {
    /// A General Query, to 224.0.0.1.
    General,
    /// A Group-Specific Query, to the group.
    Group(Ipv4Addr),
    /// A Group-and-Source-Specific Query, to the group.
    GroupAndSource(Ipv4Addr),
}

/// A packet [`Querier::poll_transmit`] wrote.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Transmit {
    /// Bytes of the buffer the IPv4 packet takes.
    pub len: usize,
    /// Its IPv4 destination: 224.0.0.1 or the group.
    pub destination: Ipv4Addr,
    /// The query it carries.
    pub kind: QueryKind,
    /// Its S flag (Suppress Router-Side Processing).
    pub s_flag: bool,
}

impl<const GROUPS: usize, const SOURCES: usize> Querier<GROUPS, SOURCES> {
    /// Performs an action table's "Send Q(G)" (when `query_group`) and
    /// "Send Q(G,X)" (the sources marked `query`) on `g`: timers lowered
    /// to LMQT, retransmissions counted, the next round due at once.
    pub(super) fn schedule<const S: usize>(
        &self,
        g: &mut Group<S>,
        now: Instant,
        query_group: bool,
    ) {
        let lmqt = now + self.timers.last_member_query_time();
        let count = self.timers.last_member_query_count().max(1);
        let mut any = false;
        if query_group && g.mode == FilterMode::Exclude {
            g.group_timer = g.group_timer.min(lmqt);
            g.group_retransmissions = count;
            any = true;
        }
        for s in g.sources_mut() {
            if s.query && s.expires > lmqt {
                s.expires = lmqt;
                s.retransmissions = count;
                any = true;
            }
        }
        if any {
            // Merged with the retransmissions already pending: one round
            // now carries them all.
            g.query_due = Some(g.query_due.map_or(now, |t| t.min(now)));
        }
    }

    /// Writes the next packet to send at `now` into `buf`, if one is due:
    /// a whole IPv4 packet (TTL 1, TOS 0xc0, Router Alert, to 224.0.0.1 or
    /// the group, [RFC 9776 §4]) carrying an IGMPv3 query. Call it until
    /// it returns `None`.
    ///
    /// # Errors
    ///
    /// [`QuerierError::Build`] if `buf` is shorter than
    /// [`MIN_BUFFER_LEN`]; the query stays due.
    ///
    /// [RFC 9776 §4]: https://www.rfc-editor.org/rfc/rfc9776#section-4
    pub fn poll_transmit(
        &mut self,
        now: Instant,
        buf: &mut [u8],
    ) -> Result<Option<Transmit>, QuerierError> {
        self.advance(now);
        let now = self.now;
        if !self.querier {
            return Ok(None);
        }
        if buf.len() < MIN_BUFFER_LEN {
            return Err(IgmpBuildError::BufferTooSmall(BufferTooSmall {
                what: "IGMP query packet",
                required: MIN_BUFFER_LEN,
                found: buf.len(),
            })
            .into());
        }
        if self.next_general.is_some_and(|t| t <= now) {
            return self.general_query(now, buf).map(Some);
        }
        for i in 0..self.len {
            if self.groups[i].query_due.is_some_and(|t| t <= now)
                && let Some(sent) = self.specific_query(i, now, buf)?
            {
                return Ok(Some(sent));
            }
        }
        Ok(None)
    }

    /// The Max Resp Code, QRV and QQIC of our queries ([RFC 9776 §4.1]).
    ///
    /// [RFC 9776 §4.1]: https://www.rfc-editor.org/rfc/rfc9776#section-4.1
    fn query_repr(&self, max_resp: core::time::Duration) -> QueryV3Repr<'static> {
        let robustness = self.timers.robustness();
        QueryV3Repr {
            max_resp_code: MaxRespCode::from_duration_lossy(max_resp),
            // A Robustness Variable above 7 is sent as 0.
            qrv: if robustness > 7 { 0 } else { robustness },
            qqic: Qqic::from_duration_lossy(self.timers.query_interval),
            ..QueryV3Repr::general()
        }
    }

    fn general_query(&mut self, now: Instant, buf: &mut [u8]) -> Result<Transmit, QuerierError> {
        let query = self.query_repr(self.timers.query_response_interval);
        let len = envelope::emit_packet(buf, self.address, |b| query.emit(b))?;
        self.startup_sent = self.startup_sent.saturating_add(1);
        let interval = if self.startup_sent < self.timers.startup_query_count() {
            self.timers.startup_query_interval()
        } else {
            self.timers.query_interval
        };
        self.next_general = Some(now + interval);
        Ok(Transmit {
            len,
            destination: ALL_SYSTEMS,
            kind: QueryKind::General,
            s_flag: false,
        })
    }

    /// The next packet of group `i`'s round of specific queries, starting
    /// the round if none is under way; `None` once the round is over.
    fn specific_query(
        &mut self,
        i: usize,
        now: Instant,
        buf: &mut [u8],
    ) -> Result<Option<Transmit>, QuerierError> {
        let lmqt = now + self.timers.last_member_query_time();
        let lmqi = self.timers.last_member_query_interval;
        let address = self.address;
        let mut query = self.query_repr(lmqi);
        let g = &mut self.groups[i];
        if !g.round_active {
            g.round_active = true;
            g.group_in_round = g.group_retransmissions > 0;
            for s in g.sources_mut() {
                s.round = match (s.retransmissions, s.expires > lmqt) {
                    (0, _) => Round::Out,
                    (_, true) => Round::Suppressed,
                    (_, false) => Round::Plain,
                };
            }
        }
        query.group = g.addr;
        if g.group_in_round {
            query.s_flag = g.group_timer > lmqt;
            let len = envelope::emit_packet(buf, address, |b| query.emit(b))?;
            g.group_in_round = false;
            g.group_retransmissions -= 1;
            return Ok(Some(Transmit {
                len,
                destination: g.addr,
                kind: QueryKind::Group(g.addr),
                s_flag: query.s_flag,
            }));
        }
        for round in [Round::Suppressed, Round::Plain] {
            // Bounded by the buffer and by the 65 535 bytes of an IPv4 packet.
            let room =
                (buf.len().min(usize::from(u16::MAX)) - IPV4_HEADER_LEN - QUERY_V3_MIN_LEN) / 4;
            let mut list = [Ipv4Addr::UNSPECIFIED; SOURCES];
            let mut n = 0;
            for s in g.sources_mut() {
                if s.round == round && n < room.min(SOURCES) {
                    list[n] = s.addr;
                    n += 1;
                }
            }
            if n == 0 {
                continue;
            }
            query.s_flag = round == Round::Suppressed;
            query.sources = Sources::from(&list[..n]);
            let len = envelope::emit_packet(buf, address, |b| query.emit(b))?;
            for s in g.sources_mut() {
                if s.round == round && list[..n].contains(&s.addr) {
                    s.round = Round::Out;
                    s.retransmissions = s.retransmissions.saturating_sub(1);
                }
            }
            return Ok(Some(Transmit {
                len,
                destination: g.addr,
                kind: QueryKind::GroupAndSource(g.addr),
                s_flag: query.s_flag,
            }));
        }
        // Round over: the next one a Last Member Query Interval on.
        g.round_active = false;
        g.query_due = g.has_retransmissions().then_some(now + lmqi);
        Ok(None)
    }
}
