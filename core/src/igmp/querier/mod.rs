//! The multicast router side of IGMPv3 ([RFC 9776 §6]) as a sans-IO state
//! machine: querier election, general queries, per-group filter mode,
//! group and source timers, the action tables for every record type,
//! group- and group-and-source-specific queries with their
//! retransmissions, IGMPv1/v2 hosts ([§7.3.2]), and the forwarding answer
//! ([§6.3]).
//!
//! A [`Querier`] does no I/O, reads no clock and allocates nothing. The
//! caller
//!
//! * passes every IGMP message received on the interface, with its IPv4
//!   source, to [`receive`](Querier::receive);
//! * calls [`poll_transmit`](Querier::poll_transmit) until it returns
//!   `None` and sends each packet it writes (a whole IPv4 packet, header
//!   included: send it on a header-included raw socket or a packet
//!   socket, out of this interface);
//! * wakes up at [`poll_timeout`](Querier::poll_timeout) and calls
//!   [`poll`](Querier::poll) (or `poll_transmit`) then;
//! * asks [`should_forward`](Querier::should_forward) what to forward.
//!
//! Time is the caller's monotonic [`Instant`]. The protocol variables are
//! a [`Timers`]; all of them are configurable, and tests scale them down.
//!
//! ```
//! use core::net::Ipv4Addr;
//! use ipv4_core::header::HeaderView;
//! use ipv4_core::igmp::FilterMode;
//! use ipv4_core::igmp::querier::Querier;
//! use ipv4_core::igmp::timing::{Instant, Timers};
//! use ipv4_core::igmp::{GroupRecord, Message, RecordType, ReportV3Repr};
//!
//! let group = Ipv4Addr::new(232, 1, 1, 1);
//! let source = Ipv4Addr::new(203, 0, 113, 7);
//! let mut querier: Querier = Querier::new(Ipv4Addr::new(198, 51, 100, 1), Timers::default());
//! let now = Instant::from_millis(0);
//!
//! // At start-up the querier sends a general query to 224.0.0.1.
//! let mut buf = [0u8; 1500];
//! let sent = querier.poll_transmit(now, &mut buf)?.unwrap();
//! let ip = HeaderView::new_checked(&buf[..sent.len]).unwrap();
//! assert_eq!(ip.destination(), Ipv4Addr::new(224, 0, 0, 1));
//! assert!(matches!(Message::parse(ip.payload()), Ok(Message::QueryV3(q)) if q.is_general()));
//!
//! // A host wants `group` from `source` only.
//! let sources = [source];
//! let records = [GroupRecord::new(RecordType::ALLOW_NEW_SOURCES, group, &sources)];
//! let mut report = [0u8; 64];
//! let len = ReportV3Repr::new(&records).emit(&mut report)?;
//! let message = Message::parse(&report[..len]).unwrap();
//! querier.receive(now, Ipv4Addr::new(198, 51, 100, 2), &message)?;
//!
//! assert!(querier.should_forward(source, group));
//! assert!(!querier.should_forward(Ipv4Addr::new(203, 0, 113, 8), group));
//! let state = querier.groups().next().unwrap();
//! assert_eq!((state.group, state.filter_mode), (group, FilterMode::Include));
//! # Ok::<(), Box<dyn core::error::Error>>(())
//! ```
//!
//! # Memory
//!
//! A `Querier<GROUPS, SOURCES>` holds everything inline: each source
//! record takes 16 bytes and each group record 72 bytes besides its
//! sources. At the defaults (32 groups of 16 sources each) an instance is
//! 10 640 bytes (on a 64-bit target), on the stack or in a `static`; a
//! unit test asserts it.
//!
//! # What is left out
//!
//! The querier speaks IGMPv3 only: a router configured for IGMPv1 or
//! IGMPv2 because older routers share the link ([RFC 9776 §7.3.1]) is not
//! modelled. Sources are not checked against an SSM range ([RFC 4604]).
//! Reports for groups of 224.0.0.0/24 (never forwarded) and for
//! addresses that are not multicast are ignored.
//!
//! [RFC 9776 §6]: https://www.rfc-editor.org/rfc/rfc9776#section-6
//! [§7.3.2]: https://www.rfc-editor.org/rfc/rfc9776#section-7.3.2
//! [§6.3]: https://www.rfc-editor.org/rfc/rfc9776#section-6.3
//! [RFC 9776 §7.3.1]: https://www.rfc-editor.org/rfc/rfc9776#section-7.3.1
//! [RFC 4604]: https://www.rfc-editor.org/rfc/rfc4604

mod actions;
mod compat;
mod election;
mod group;
mod queries;
#[cfg(test)]
mod tests;

pub use compat::Compatibility;
pub use queries::{MIN_BUFFER_LEN, QueryKind, Transmit};

use core::net::Ipv4Addr;

use group::{Group, Source};

use super::timing::{Instant, Timers};
use super::{FilterMode, Message};
use crate::error::QuerierError;

/// Groups a [`Querier`] holds by default.
pub const DEFAULT_GROUPS: usize = 32;
/// Source records per group a [`Querier`] holds by default.
pub const DEFAULT_SOURCES: usize = 16;

/// An IGMPv3 multicast router on one interface ([RFC 9776 §6]), with room
/// for `GROUPS` groups of `SOURCES` source records each.
///
/// See the [module documentation](self) for how to drive it. A caller's
/// loop, with the I/O left out:
///
/// ```
/// use core::net::Ipv4Addr;
/// use ipv4_core::igmp::querier::Querier;
/// use ipv4_core::igmp::timing::{Instant, Timers};
///
/// let mut querier: Querier<8, 4> = Querier::new(Ipv4Addr::new(198, 51, 100, 1), Timers::default());
/// let mut buf = [0u8; 1500];
/// let mut now = Instant::ZERO;
/// let mut sent = 0;
/// for _ in 0..3 {
///     while let Some(packet) = querier.poll_transmit(now, &mut buf)? {
///         // send &buf[..packet.len] out of the interface
///         sent += 1;
///     }
///     // wait for IGMP until the deadline, feed it to `receive`
///     now = querier.poll_timeout().unwrap();
/// }
/// // Start-up: two general queries 31.25 s apart, then every 125 s.
/// assert_eq!((sent, now), (3, Instant::from_millis(281_250)));
/// # Ok::<(), ipv4_core::error::QuerierError>(())
/// ```
///
/// [RFC 9776 §6]: https://www.rfc-editor.org/rfc/rfc9776#section-6
#[derive(Clone, Debug)]
pub struct Querier<const GROUPS: usize = DEFAULT_GROUPS, const SOURCES: usize = DEFAULT_SOURCES> {
    address: Ipv4Addr,
    timers: Timers,
    /// The latest instant the caller has passed.
    now: Instant,
    /// This router is the querier ([RFC 9776 §6.6.2]).
    ///
    /// [RFC 9776 §6.6.2]: https://www.rfc-editor.org/rfc/rfc9776#section-6.6.2
    querier: bool,
    /// When the Other Querier Present timer runs out, while another
    /// router is the querier.
    other_querier: Option<Instant>,
    /// When the next general query is due, while this router is the
    /// querier.
    next_general: Option<Instant>,
    /// General queries sent so far, up to the Startup Query Count.
    startup_sent: u8,
    groups: [Group<SOURCES>; GROUPS],
    len: usize,
}

impl<const GROUPS: usize, const SOURCES: usize> Querier<GROUPS, SOURCES> {
    /// A router with interface address `address` that starts as the
    /// querier: its first general query is due at once, then the
    /// Startup Query Count of them at the Startup Query Interval, then one
    /// every Query Interval ([RFC 9776 §6.6.2], [§8.6], [§8.7]).
    ///
    /// [RFC 9776 §6.6.2]: https://www.rfc-editor.org/rfc/rfc9776#section-6.6.2
    /// [§8.6]: https://www.rfc-editor.org/rfc/rfc9776#section-8.6
    /// [§8.7]: https://www.rfc-editor.org/rfc/rfc9776#section-8.7
    pub fn new(address: Ipv4Addr, timers: Timers) -> Self {
        Querier {
            address,
            timers,
            now: Instant::ZERO,
            querier: true,
            other_querier: None,
            next_general: Some(Instant::ZERO),
            startup_sent: 0,
            groups: [const { Group::new(Ipv4Addr::UNSPECIFIED) }; GROUPS],
            len: 0,
        }
    }

    /// The interface address queries are sent from, and compared in the
    /// querier election.
    pub fn address(&self) -> Ipv4Addr {
        self.address
    }

    /// Changes the interface address. The election goes on from the
    /// current state: a lower-addressed querier's next general query
    /// still silences this router.
    pub fn set_address(&mut self, address: Ipv4Addr) {
        self.address = address;
    }

    /// The protocol variables in use (the Robustness Variable and Query
    /// Interval follow the elected querier's while another router is the
    /// querier, [RFC 9776 §4.1.6, §4.1.7]).
    ///
    /// [RFC 9776 §4.1.6, §4.1.7]: https://www.rfc-editor.org/rfc/rfc9776#section-4.1.6
    pub fn timers(&self) -> &Timers {
        &self.timers
    }

    /// Whether this router is the querier on the link.
    pub fn is_querier(&self) -> bool {
        self.querier
    }

    /// Takes in an IGMP message received on the interface at `now`, from
    /// IPv4 source `source`: reports of every version and leaves update
    /// the group table by the RFC's action tables, queries from other
    /// routers drive the querier election and, without the S flag, lower
    /// the timers they name ([RFC 9776 §6.6.1]). Other messages are
    /// ignored.
    ///
    /// # Errors
    ///
    /// [`QuerierError::GroupTableFull`] or
    /// [`QuerierError::SourceTableFull`] when a record needs more room
    /// than the tables have; that record is not applied, the others of
    /// the report are (the error is the first one met).
    ///
    /// [RFC 9776 §6.6.1]: https://www.rfc-editor.org/rfc/rfc9776#section-6.6.1
    pub fn receive(
        &mut self,
        now: Instant,
        source: Ipv4Addr,
        message: &Message<'_>,
    ) -> Result<(), QuerierError> {
        self.advance(now);
        let now = self.now;
        let result = self.dispatch(now, source, message);
        // Timers lowered to a Last Member Query Time of zero run out now.
        self.advance(now);
        result
    }

    fn dispatch(
        &mut self,
        now: Instant,
        source: Ipv4Addr,
        message: &Message<'_>,
    ) -> Result<(), QuerierError> {
        match message {
            Message::QueryV1(_) => {
                self.on_query(now, source, election::Query::general());
                Ok(())
            }
            Message::QueryV2(q) => {
                self.on_query(now, source, election::Query::v2(q));
                Ok(())
            }
            Message::QueryV3(q) => {
                self.on_query(now, source, election::Query::v3(q));
                Ok(())
            }
            Message::ReportV1(r) => self.older_report(now, r.group(), Compatibility::V1),
            Message::ReportV2(r) => self.older_report(now, r.group(), Compatibility::V2),
            Message::Leave(l) => self.leave(now, l.group()),
            Message::ReportV3(r) => {
                let mut first = Ok(());
                for record in r.records() {
                    let result =
                        self.apply_record(now, record.record_type, record.group, record.sources);
                    if first.is_ok() {
                        first = result;
                    }
                }
                first
            }
            Message::IgnoredQuery(_) | Message::Unknown { .. } => Ok(()),
        }
    }

    /// Runs the timers up to `now`: groups and sources time out, the
    /// Other Querier Present timer may hand the querier role back. Every
    /// other method that takes `now` does this first; call it at
    /// [`poll_timeout`](Self::poll_timeout) when there is nothing to send.
    pub fn poll(&mut self, now: Instant) {
        self.advance(now);
    }

    /// The next instant something is due: a query to send or a timer to
    /// run out (which may change [`should_forward`](Self::should_forward)).
    /// `None` never happens while this router is the querier.
    pub fn poll_timeout(&self) -> Option<Instant> {
        let mut next = if self.querier {
            self.next_general
        } else {
            self.other_querier
        };
        for g in self.table() {
            if let Some(t) = g.next_deadline(self.now) {
                next = Some(next.map_or(t, |n| n.min(t)));
            }
        }
        next
    }

    /// Whether traffic from `source` to `group` should be forwarded onto
    /// this interface, as of the latest instant passed in
    /// ([RFC 9776 §6.3]): in INCLUDE mode only from listed sources whose
    /// timer runs, in EXCLUDE mode from every source but those whose
    /// timer is at zero; never for a group without a record.
    ///
    /// [RFC 9776 §6.3]: https://www.rfc-editor.org/rfc/rfc9776#section-6.3
    pub fn should_forward(&self, source: Ipv4Addr, group: Ipv4Addr) -> bool {
        self.find(group)
            .is_some_and(|i| self.groups[i].forwards(source, self.now))
    }

    /// The membership table: every group with a record, its filter mode,
    /// timers and sources, as of the latest instant passed in.
    pub fn groups(&self) -> impl Iterator<Item = GroupState<'_>> + '_ {
        let now = self.now;
        self.table().iter().map(move |g| GroupState {
            group: g.addr,
            filter_mode: g.mode,
            group_timer: (g.mode == FilterMode::Exclude).then_some(g.group_timer),
            compatibility: g.compatibility(now),
            sources: g.sources(),
            now,
        })
    }

    /// The state of one group, if it has a record.
    pub fn group(&self, group: Ipv4Addr) -> Option<GroupState<'_>> {
        self.groups().find(|g| g.group == group)
    }

    fn table(&self) -> &[Group<SOURCES>] {
        self.groups.get(..self.len).unwrap_or_default()
    }

    fn find(&self, group: Ipv4Addr) -> Option<usize> {
        self.table().iter().position(|g| g.addr == group)
    }

    /// Moves the clock to `now` (never back) and runs out every timer
    /// that ends by then.
    fn advance(&mut self, now: Instant) {
        self.now = self.now.max(now);
        let now = self.now;
        self.expire_other_querier(now);
        let mut i = 0;
        while i < self.len {
            if self.groups[i].expire(now) {
                i += 1;
            } else {
                self.remove(i);
            }
        }
    }

    fn remove(&mut self, i: usize) {
        if i < self.len {
            self.len -= 1;
            self.groups.swap(i, self.len);
        }
    }
}

/// One group of the membership table ([RFC 9776 §6.2]).
///
/// [RFC 9776 §6.2]: https://www.rfc-editor.org/rfc/rfc9776#section-6.2
#[derive(Clone, Copy, Debug)]
pub struct GroupState<'a> {
    /// The multicast address.
    pub group: Ipv4Addr,
    /// The router filter mode.
    pub filter_mode: FilterMode,
    /// When the group timer runs out, in EXCLUDE mode (INCLUDE mode does
    /// not use it).
    pub group_timer: Option<Instant>,
    /// The oldest IGMP version of hosts reporting the group.
    pub compatibility: Compatibility,
    sources: &'a [Source],
    now: Instant,
}

impl<'a> GroupState<'a> {
    /// The source records: in INCLUDE mode the sources to forward, in
    /// EXCLUDE mode the requested ones (timer running) and the excluded
    /// ones (timer at zero).
    pub fn sources(&self) -> impl Iterator<Item = SourceState> + 'a {
        let now = self.now;
        self.sources.iter().map(move |s| SourceState {
            source: s.addr,
            timer: s.running(now).then_some(s.expires),
        })
    }

    /// Whether traffic from `source` is forwarded ([RFC 9776 §6.3]).
    ///
    /// [RFC 9776 §6.3]: https://www.rfc-editor.org/rfc/rfc9776#section-6.3
    pub fn forwards(&self, source: Ipv4Addr) -> bool {
        match (
            self.filter_mode,
            self.sources.iter().find(|s| s.addr == source),
        ) {
            (_, Some(s)) => s.running(self.now),
            (FilterMode::Include, None) => false,
            (FilterMode::Exclude, None) => true,
        }
    }
}

/// One source record of a group.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct SourceState {
    /// The source address.
    pub source: Ipv4Addr,
    /// When its timer runs out, or `None` when it is at zero (an excluded
    /// source of an EXCLUDE-mode group).
    pub timer: Option<Instant>,
}

impl SourceState {
    /// Whether traffic from this source is forwarded: its timer runs.
    pub fn forwarding(&self) -> bool {
        self.timer.is_some()
    }
}
