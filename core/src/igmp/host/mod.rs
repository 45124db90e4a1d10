//! The IGMP group member ("host") as a sans-IO state machine:
//! [RFC 9776 §3, §5 and §7.2], IGMPv3 with IGMPv1/v2 compatibility.
//!
//! [`Host`] holds one interface's multicast reception state and speaks
//! IGMP for it. It does no I/O, reads no clock, draws no random numbers
//! of its own and allocates nothing: the caller feeds it
//!
//! * the sockets' requests — [`join`](Host::join), [`leave`](Host::leave),
//!   [`set_filter`](Host::set_filter) and the source-specific
//!   [`join_source`](Host::join_source), [`leave_source`](Host::leave_source),
//!   [`block_source`](Host::block_source), [`unblock_source`](Host::unblock_source)
//!   (the [RFC 3678] model), merged into the interface state by the rules
//!   of [RFC 9776 §3.2] (see [`FilterMode`] and [`SocketId`]);
//! * the IGMP messages it receives — [`receive`](Host::receive): queries of
//!   every version and kind, and other hosts' IGMPv1/v2 reports;
//!
//! each with the current time as an [`Instant`] of the caller's monotonic
//! clock, and a [`Random`] source where the protocol draws a delay. It
//! answers with packets: [`poll_transmit`](Host::poll_transmit) writes
//! every packet due into the caller's buffer, one at a time, as a whole
//! IPv4 datagram in IGMP's envelope (TTL 1, TOS `0xc0`, Router Alert,
//! destination 224.0.0.22 for IGMPv3 reports, the group for IGMPv1/v2
//! reports, 224.0.0.2 for leaves; [`envelope`]),
//! with IGMPv3 reports split to the link MTU by
//! [`ReportSplitter`].
//! [`poll_timeout`](Host::poll_timeout) says when to poll next.
//!
//! What it sends:
//!
//! * State-Change Reports when the interface state of a group changes,
//!   repeated and merged as [RFC 9776 §5.1] says (module `changes`);
//! * Current-State Reports in answer to General, Group-Specific and
//!   Group-and-Source-Specific Queries, with the delays and pending
//!   response bookkeeping of [RFC 9776 §5.2] (module `query`);
//! * IGMPv1/v2 reports and leaves while an older querier is present
//!   ([RFC 9776 §7.2], module `compat`; [`Host::version`]).
//!
//! # Capacity and memory
//!
//! `GROUPS` groups (a group left keeps its slot until its last reports
//! are sent), `SOURCES` sources per source list and `SOCKETS` sockets per
//! group are fixed at compile time. A request that would need more is
//! refused with an [`IgmpHostError`] and changes nothing; leaving never
//! fails for want of room. A query whose recorded sources would need more
//! widens the response to the whole group, and a change whose sources
//! owing retransmission would need more is reported as TO_IN/TO_EX of the
//! whole state. At the defaults (8, 16, 4) an instance takes 6 120 bytes on a
//! 64-bit target, 744 of them per group slot (a test asserts both). A
//! group slot takes (18 + 4 × `SOCKETS`) × `SOURCES` + 16 × `SOCKETS` +
//! 136 bytes, give or take alignment: 1 288 with 32 sources.
//!
//! # Example
//!
//! ```
//! use core::net::Ipv4Addr;
//! use ipv4_core::igmp::FilterMode;
//! use ipv4_core::igmp::host::{Host, SocketId};
//! use ipv4_core::igmp::timing::{Instant, Random, Timers};
//! use ipv4_core::igmp::{Message, RecordType};
//! use ipv4_core::header::HeaderView;
//!
//! struct Lcg(u32); // any generator will do
//! impl Random for Lcg {
//!     fn next_u32(&mut self) -> u32 {
//!         self.0 = self.0.wrapping_mul(1_664_525).wrapping_add(1_013_904_223);
//!         self.0
//!     }
//! }
//!
//! let me = Ipv4Addr::new(198, 51, 100, 1);
//! let group = Ipv4Addr::new(232, 1, 1, 1);
//! let source = Ipv4Addr::new(203, 0, 113, 7);
//! let mut host: Host = Host::new(me, Timers::default());
//! let mut rng = Lcg(1);
//! let now = Instant::from_millis(0);
//!
//! // A socket joins (232.1.1.1, 203.0.113.7): INCLUDE{} -> INCLUDE{S}.
//! host.set_filter(now, SocketId(1), group, FilterMode::Include, &[source])?;
//! assert_eq!(host.poll_timeout(), Some(now)); // the report is due at once
//!
//! let mut buf = [0u8; 1500];
//! let mut records = Vec::new();
//! host.poll_transmit(now, &mut rng, &mut buf, |packet| {
//!     let ip = HeaderView::new_checked(packet).unwrap();
//!     assert_eq!(ip.destination(), Ipv4Addr::new(224, 0, 0, 22));
//!     let Ok(Message::ReportV3(report)) = Message::parse(ip.payload()) else { panic!() };
//!     for r in report.records() {
//!         records.push((r.record_type, r.group, r.sources.iter().collect::<Vec<_>>()));
//!     }
//! })?;
//! assert_eq!(records, [(RecordType::ALLOW_NEW_SOURCES, group, vec![source])]);
//!
//! // Robustness (2) reports in all: one more within the Unsolicited
//! // Report Interval (1 s).
//! let next = host.poll_timeout().unwrap();
//! assert!(next <= Instant::from_millis(1_000));
//! assert_eq!(host.poll_transmit(next, &mut rng, &mut buf, |_| {})?, 1);
//! assert_eq!(host.poll_timeout(), None);
//! # Ok::<(), ipv4_core::error::IgmpHostError>(())
//! ```
//!
//! [RFC 3678]: https://www.rfc-editor.org/rfc/rfc3678
//! [RFC 9776 §3, §5 and §7.2]: https://www.rfc-editor.org/rfc/rfc9776#section-5
//! [RFC 9776 §3.2]: https://www.rfc-editor.org/rfc/rfc9776#section-3.2
//! [RFC 9776 §5.1]: https://www.rfc-editor.org/rfc/rfc9776#section-5.1
//! [RFC 9776 §5.2]: https://www.rfc-editor.org/rfc/rfc9776#section-5.2
//! [RFC 9776 §7.2]: https://www.rfc-editor.org/rfc/rfc9776#section-7.2

mod changes;
mod compat;
mod filter;
mod query;
mod set;
#[cfg(test)]
mod tests;

pub use compat::{V1_MAX_RESP_TIME, Version};
pub use filter::SocketId;

use core::net::Ipv4Addr;
use core::time::Duration;

use changes::Change;
use compat::{Compat, OldVersion};
use filter::{Sockets, State, TableFull};
use query::Response;
use set::SourceSet;

use crate::error::{BufferTooSmall, IgmpHostError};
use crate::igmp::timing::{Instant, Random, Timers};
use crate::igmp::{
    ALL_SYSTEMS, FilterMode, GroupRecord, Message, RecordType, ReportSplitter, Sources, V1V2Repr,
    envelope,
};

/// The smallest MTU an IPv4 link may have ([RFC 791]): 68 bytes.
///
/// [RFC 791]: https://www.rfc-editor.org/rfc/rfc791#section-3.2
pub const MIN_MTU: usize = 68;

/// One group's sockets, interface state and pending messages.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Group<const S: usize, const K: usize> {
    addr: Ipv4Addr,
    sockets: Sockets<S, K>,
    state: State<S>,
    change: Change<S>,
    response: Response<S>,
    old: OldVersion,
}

impl<const S: usize, const K: usize> Group<S, K> {
    fn new(addr: Ipv4Addr) -> Self {
        Group {
            addr,
            sockets: Sockets::EMPTY,
            state: State::NONE,
            change: Change::NONE,
            response: Response::NONE,
            old: OldVersion::NONE,
        }
    }

    /// Whether the slot can be reused: no socket, no reception state,
    /// nothing left to send.
    fn is_idle(&self) -> bool {
        self.sockets.is_empty()
            && !self.state.is_member()
            && !self.change.is_pending()
            && !self.old.is_pending()
            && self.response.at.is_none()
    }

    /// The earliest time a message of this group is due.
    fn deadline(&self) -> Option<Instant> {
        [
            self.change.at,
            self.response.at,
            self.old.report_at,
            self.old.leave_at,
        ]
        .into_iter()
        .flatten()
        .min()
    }
}

/// An IGMP group member on one interface: sockets' requests in, IGMP
/// packets out ([module docs](self)).
///
/// `GROUPS` groups, `SOURCES` sources per source list and `SOCKETS`
/// sockets per group, fixed at compile time.
///
/// Two sockets' filters merge into the interface state, which a General
/// Query then asks for:
///
/// ```
/// use core::net::Ipv4Addr;
/// use ipv4_core::igmp::FilterMode;
/// use ipv4_core::igmp::host::{Host, SocketId};
/// use ipv4_core::igmp::timing::{Instant, Random, Timers};
/// use ipv4_core::igmp::{Message, QueryV3Repr, RecordType};
///
/// struct Half; // every delay half its maximum
/// impl Random for Half {
///     fn next_u32(&mut self) -> u32 {
///         u32::MAX / 2
///     }
/// }
/// let group = Ipv4Addr::new(239, 1, 2, 3);
/// let (a, b) = (Ipv4Addr::new(203, 0, 113, 1), Ipv4Addr::new(203, 0, 113, 2));
/// let mut host: Host<4, 8, 2> = Host::new(Ipv4Addr::new(198, 51, 100, 1), Timers::default());
/// let t0 = Instant::ZERO;
/// host.join(t0, SocketId(1), group)?;
/// host.block_source(t0, SocketId(1), group, a)?;
/// host.set_filter(t0, SocketId(2), group, FilterMode::Exclude, &[a, b])?;
/// // EXCLUDE: the sources every socket excludes.
/// assert_eq!(host.interface_state(group), Some((FilterMode::Exclude, &[a][..])));
/// let mut buf = [0u8; 1500];
/// while let Some(at) = host.poll_timeout() {
///     host.poll_transmit(at, &mut Half, &mut buf, |_| {})?; // the join's reports
/// }
///
/// // A General Query with Max Resp Time 10 s: answered after 5 s here.
/// let mut query = [0u8; 12];
/// QueryV3Repr::general().emit(&mut query).unwrap();
/// let query = Message::parse(&query).unwrap();
/// let now = Instant::from_millis(60_000);
/// let querier = Ipv4Addr::new(198, 51, 100, 254);
/// host.receive(now, &mut Half, querier, Ipv4Addr::new(224, 0, 0, 1), &query);
/// assert_eq!(host.poll_timeout(), Some(Instant::from_millis(65_000)));
/// host.poll_transmit(Instant::from_millis(65_000), &mut Half, &mut buf, |packet| {
///     let Ok(Message::ReportV3(report)) = Message::parse(&packet[24..]) else { panic!() };
///     let record = report.records().next().unwrap();
///     assert_eq!(record.record_type, RecordType::MODE_IS_EXCLUDE);
///     assert_eq!(record.sources.iter().collect::<Vec<_>>(), [a]);
/// })?;
/// # Ok::<(), ipv4_core::error::IgmpHostError>(())
/// ```
#[derive(Debug, Clone)]
pub struct Host<const GROUPS: usize = 8, const SOURCES: usize = 16, const SOCKETS: usize = 4> {
    address: Ipv4Addr,
    mtu: usize,
    timers: Timers,
    groups: [Option<Group<SOURCES, SOCKETS>>; GROUPS],
    /// The interface timer: a pending response to a General Query.
    general_response: Option<Instant>,
    compat: Compat,
    /// The querier's Robustness Variable (a non-zero QRV heard).
    querier_robustness: Option<u8>,
    /// The querier's Query Interval (a non-zero QQIC heard).
    querier_interval: Option<Duration>,
}

impl<const GROUPS: usize, const SOURCES: usize, const SOCKETS: usize>
    Host<GROUPS, SOURCES, SOCKETS>
{
    /// A host whose interface has `address` (the IPv4 source of what it
    /// sends), with the protocol variables `timers`, an MTU of 1500 bytes
    /// and no memberships, in IGMPv3 mode.
    pub fn new(address: Ipv4Addr, timers: Timers) -> Self {
        Host {
            address,
            mtu: 1500,
            timers,
            groups: [None; GROUPS],
            general_response: None,
            compat: Compat::default(),
            querier_robustness: None,
            querier_interval: None,
        }
    }

    /// Sets the link MTU reports are split to (clamped to [`MIN_MTU`] ..=
    /// 65 535); the buffer given to [`poll_transmit`](Self::poll_transmit)
    /// must hold this many bytes.
    pub fn with_mtu(mut self, mtu: usize) -> Self {
        self.mtu = mtu.clamp(MIN_MTU, usize::from(u16::MAX));
        self
    }

    /// The link MTU.
    pub fn mtu(&self) -> usize {
        self.mtu
    }

    /// The interface address packets are sent from.
    pub fn address(&self) -> Ipv4Addr {
        self.address
    }

    /// The protocol variables.
    pub fn timers(&self) -> &Timers {
        &self.timers
    }

    /// The Robustness Variable in use: the querier's (from the QRV of the
    /// last IGMPv3 query with a non-zero QRV, as Linux does) or else the
    /// configured one.
    pub fn robustness(&self) -> u8 {
        self.querier_robustness
            .unwrap_or_else(|| self.timers.robustness())
    }

    /// The IGMP version spoken at `now`: the Host Compatibility Mode
    /// ([RFC 9776 §7.2.1]).
    ///
    /// [RFC 9776 §7.2.1]: https://www.rfc-editor.org/rfc/rfc9776#section-7.2.1
    pub fn version(&self, now: Instant) -> Version {
        self.compat.version(now)
    }

    /// The interface state of `group`: its filter mode and source list
    /// ([RFC 9776 §3.2]), or `None` without reception state (INCLUDE{}).
    ///
    /// [RFC 9776 §3.2]: https://www.rfc-editor.org/rfc/rfc9776#section-3.2
    pub fn interface_state(&self, group: Ipv4Addr) -> Option<(FilterMode, &[Ipv4Addr])> {
        self.group(group)
            .filter(|g| g.state.is_member())
            .map(|g| (g.state.mode, g.state.sources.as_slice()))
    }

    /// Every group with reception state, with its filter mode and sources.
    pub fn groups(&self) -> impl Iterator<Item = (Ipv4Addr, FilterMode, &[Ipv4Addr])> {
        self.groups
            .iter()
            .flatten()
            .filter(|g| g.state.is_member())
            .map(|g| (g.addr, g.state.mode, g.state.sources.as_slice()))
    }

    /// `socket`'s filter for `group`, or `None` when it has none.
    pub fn socket_filter(
        &self,
        socket: SocketId,
        group: Ipv4Addr,
    ) -> Option<(FilterMode, &[Ipv4Addr])> {
        let f = self.group(group)?.sockets.get(socket)?;
        Some((f.mode, f.sources.as_slice()))
    }

    /// How many group slots are in use (joined groups, and groups left
    /// whose last reports are still to be sent).
    pub fn slots_in_use(&self) -> usize {
        self.groups.iter().flatten().count()
    }

    fn group(&self, group: Ipv4Addr) -> Option<&Group<SOURCES, SOCKETS>> {
        self.groups.iter().flatten().find(|g| g.addr == group)
    }

    // ---- sockets' requests (RFC 3678) ---------------------------------

    /// `socket` joins `group` from any source: its filter becomes
    /// EXCLUDE{} (`IP_ADD_MEMBERSHIP`), replacing any filter it had.
    ///
    /// # Errors
    ///
    /// [`InvalidGroup`](IgmpHostError::InvalidGroup) for a group that is
    /// not multicast or is 224.0.0.1; a `...Full` error when a table has no
    /// room. Nothing changes on error.
    pub fn join(
        &mut self,
        now: Instant,
        socket: SocketId,
        group: Ipv4Addr,
    ) -> Result<(), IgmpHostError> {
        self.set_filter(now, socket, group, FilterMode::Exclude, &[])
    }

    /// `socket` leaves `group`, whatever its filter (`IP_DROP_MEMBERSHIP`):
    /// its filter becomes INCLUDE{}.
    ///
    /// # Errors
    ///
    /// [`NotJoined`](IgmpHostError::NotJoined) when it has no filter for
    /// the group; never a capacity error.
    pub fn leave(
        &mut self,
        now: Instant,
        socket: SocketId,
        group: Ipv4Addr,
    ) -> Result<(), IgmpHostError> {
        if self.socket_filter(socket, group).is_none() {
            return Err(not_joined(socket, group));
        }
        self.set_filter(now, socket, group, FilterMode::Include, &[])
    }

    /// Sets `socket`'s filter for `group` to `mode` with `sources`
    /// (`setsourcefilter`, [RFC 3678 §5.2.1]); INCLUDE{} removes the
    /// socket's membership. The interface state is merged again and any
    /// change to it is reported ([RFC 9776 §5.1]): the report is due at
    /// once ([`poll_timeout`](Self::poll_timeout) returns `now`).
    ///
    /// Duplicate sources count once.
    ///
    /// # Errors
    ///
    /// [`InvalidGroup`](IgmpHostError::InvalidGroup),
    /// [`InvalidSource`](IgmpHostError::InvalidSource), or a `...Full`
    /// error when a table has no room. Nothing changes on error.
    ///
    /// [RFC 3678 §5.2.1]: https://www.rfc-editor.org/rfc/rfc3678#section-5.2.1
    /// [RFC 9776 §5.1]: https://www.rfc-editor.org/rfc/rfc9776#section-5.1
    pub fn set_filter(
        &mut self,
        now: Instant,
        socket: SocketId,
        group: Ipv4Addr,
        mode: FilterMode,
        sources: &[Ipv4Addr],
    ) -> Result<(), IgmpHostError> {
        check_group(group)?;
        if let Some(&source) = sources.iter().find(|s| !is_unicast(**s)) {
            return Err(IgmpHostError::InvalidSource { source });
        }
        let sources =
            SourceSet::from_iter(sources.iter().copied()).map_err(|_| self.sources_full(group))?;
        self.apply(now, group, |sockets| sockets.set(socket, mode, sources))
    }

    /// `socket` adds `source` to its INCLUDE list for `group`, joining
    /// the group source-specifically if it had no filter
    /// (`IP_ADD_SOURCE_MEMBERSHIP`, [RFC 4607] SSM).
    ///
    /// # Errors
    ///
    /// [`WrongFilterMode`](IgmpHostError::WrongFilterMode) when the socket
    /// joined any-source (EXCLUDE mode); as for
    /// [`set_filter`](Self::set_filter) otherwise.
    ///
    /// [RFC 4607]: https://www.rfc-editor.org/rfc/rfc4607
    pub fn join_source(
        &mut self,
        now: Instant,
        socket: SocketId,
        group: Ipv4Addr,
        source: Ipv4Addr,
    ) -> Result<(), IgmpHostError> {
        self.edit_source(now, socket, group, source, FilterMode::Include, true)
    }

    /// `socket` drops `source` from its INCLUDE list for `group`
    /// (`IP_DROP_SOURCE_MEMBERSHIP`); dropping the last one leaves.
    ///
    /// # Errors
    ///
    /// [`NotJoined`](IgmpHostError::NotJoined) when the socket has no
    /// filter or the source is not in it;
    /// [`WrongFilterMode`](IgmpHostError::WrongFilterMode) in EXCLUDE mode.
    pub fn leave_source(
        &mut self,
        now: Instant,
        socket: SocketId,
        group: Ipv4Addr,
        source: Ipv4Addr,
    ) -> Result<(), IgmpHostError> {
        self.edit_source(now, socket, group, source, FilterMode::Include, false)
    }

    /// `socket` stops receiving `group` from `source`: adds it to its
    /// EXCLUDE list (`IP_BLOCK_SOURCE`).
    ///
    /// # Errors
    ///
    /// [`NotJoined`](IgmpHostError::NotJoined) without a filter;
    /// [`WrongFilterMode`](IgmpHostError::WrongFilterMode) in INCLUDE mode;
    /// as for [`set_filter`](Self::set_filter) otherwise.
    pub fn block_source(
        &mut self,
        now: Instant,
        socket: SocketId,
        group: Ipv4Addr,
        source: Ipv4Addr,
    ) -> Result<(), IgmpHostError> {
        self.edit_source(now, socket, group, source, FilterMode::Exclude, true)
    }

    /// `socket` receives `group` from `source` again: removes it from its
    /// EXCLUDE list (`IP_UNBLOCK_SOURCE`).
    ///
    /// # Errors
    ///
    /// [`NotJoined`](IgmpHostError::NotJoined) without a filter or when
    /// the source is not blocked;
    /// [`WrongFilterMode`](IgmpHostError::WrongFilterMode) in INCLUDE mode.
    pub fn unblock_source(
        &mut self,
        now: Instant,
        socket: SocketId,
        group: Ipv4Addr,
        source: Ipv4Addr,
    ) -> Result<(), IgmpHostError> {
        self.edit_source(now, socket, group, source, FilterMode::Exclude, false)
    }

    fn edit_source(
        &mut self,
        now: Instant,
        socket: SocketId,
        group: Ipv4Addr,
        source: Ipv4Addr,
        mode: FilterMode,
        add: bool,
    ) -> Result<(), IgmpHostError> {
        check_group(group)?;
        if !is_unicast(source) {
            return Err(IgmpHostError::InvalidSource { source });
        }
        let current = self.group(group).and_then(|g| g.sockets.get(socket));
        let mut sources = match current {
            None if add && mode == FilterMode::Include => SourceSet::EMPTY,
            None => return Err(not_joined(socket, group)),
            Some(f) if f.mode != mode => {
                return Err(IgmpHostError::WrongFilterMode {
                    socket: socket.0,
                    group,
                });
            }
            Some(f) => f.sources,
        };
        if add {
            sources
                .insert(source)
                .map_err(|_| self.sources_full(group))?;
        } else if !sources.remove(source) {
            return Err(not_joined(socket, group));
        }
        self.apply(now, group, |sockets| sockets.set(socket, mode, sources))
    }

    /// Changes the sockets of `group` with `edit`, merges the interface
    /// state again and reports the change; all or nothing.
    fn apply(
        &mut self,
        now: Instant,
        group: Ipv4Addr,
        edit: impl FnOnce(&mut Sockets<SOURCES, SOCKETS>) -> Result<(), TableFull>,
    ) -> Result<(), IgmpHostError> {
        let version = self.version(now);
        let robustness = self.robustness();
        let existing = self
            .groups
            .iter()
            .position(|g| g.is_some_and(|g| g.addr == group));
        let current = existing
            .and_then(|i| self.groups.get(i).copied().flatten())
            .unwrap_or_else(|| Group::new(group));
        let mut next = current;
        edit(&mut next.sockets).map_err(|e| match e {
            TableFull::Sockets => IgmpHostError::SocketTableFull {
                group,
                capacity: SOCKETS,
            },
            TableFull::Sources => self.sources_full(group),
        })?;
        next.state = next.sockets.merge().map_err(|_| self.sources_full(group))?;
        if version == Version::V3 {
            next.change = current
                .change
                .after(&current.state, &next.state, robustness, now);
        } else if current.state.is_member() != next.state.is_member() {
            next.old
                .membership_changed(next.state.is_member(), version, robustness, now);
        }
        // A group with nothing to do needs no slot (INCLUDE{} of a group
        // never joined is no error, even with the table full).
        let slot = match existing {
            Some(i) => i,
            None if next.is_idle() => return Ok(()),
            None => self.groups.iter().position(Option::is_none).ok_or(
                IgmpHostError::GroupTableFull {
                    group,
                    capacity: GROUPS,
                },
            )?,
        };
        if let Some(g) = self.groups.get_mut(slot) {
            *g = (!next.is_idle()).then_some(next);
        }
        Ok(())
    }

    fn sources_full(&self, group: Ipv4Addr) -> IgmpHostError {
        IgmpHostError::SourceListFull {
            group,
            capacity: SOURCES,
        }
    }

    // ---- messages received ----------------------------------------------

    /// Takes an IGMP message received on the interface at `now`, from
    /// `ip_source` to `ip_destination` (the IPv4 header's addresses).
    ///
    /// Queries schedule responses ([RFC 9776 §5.2]); IGMPv1/v2 queries
    /// also switch the host to that version for a while ([RFC 9776 §7.2]);
    /// in IGMPv1/v2 mode another host's report for a group cancels ours.
    /// Everything else is ignored, as are messages from the host's own
    /// address (looped back) and queries sent to a unicast address that
    /// is not the host's or about a group that is not multicast.
    ///
    /// [RFC 9776 §5.2]: https://www.rfc-editor.org/rfc/rfc9776#section-5.2
    /// [RFC 9776 §7.2]: https://www.rfc-editor.org/rfc/rfc9776#section-7.2
    pub fn receive(
        &mut self,
        now: Instant,
        rng: &mut impl Random,
        ip_source: Ipv4Addr,
        ip_destination: Ipv4Addr,
        message: &Message<'_>,
    ) {
        if ip_source == self.address {
            return;
        }
        let is_query = matches!(
            message,
            Message::QueryV1(_) | Message::QueryV2(_) | Message::QueryV3(_)
        );
        if is_query && !ip_destination.is_multicast() && ip_destination != self.address {
            return;
        }
        match message {
            Message::QueryV1(_) => {
                self.older_querier(now, Version::V1, V1_MAX_RESP_TIME);
                self.old_query(now, rng, None, V1_MAX_RESP_TIME);
            }
            Message::QueryV2(q) => {
                let Some(group) = query_group(q.group()) else {
                    return;
                };
                let max = q.max_resp_time();
                // Only an IGMPv2 General Query says an IGMPv2 querier is
                // present (RFC 9776 §7.2.1); a group-specific one is
                // answered in the version in use.
                if group.is_none() {
                    self.older_querier(now, Version::V2, max);
                }
                match self.version(now) {
                    Version::V3 => self.v3_query(now, rng, group, Sources::EMPTY, max),
                    _ => self.old_query(now, rng, group, max),
                }
            }
            Message::QueryV3(q) => {
                let Some(group) = query_group(q.group()) else {
                    return;
                };
                if q.qrv() != 0 {
                    self.querier_robustness = Some(q.qrv());
                }
                if q.qqic().code() != 0 {
                    self.querier_interval = Some(q.query_interval());
                }
                let max = q.max_resp_time();
                match self.version(now) {
                    Version::V3 => self.v3_query(now, rng, group, q.sources(), max),
                    // An older mode answers any query in its own version,
                    // group-and-source-specific ones as group-specific.
                    _ => self.old_query(now, rng, group, max),
                }
            }
            Message::ReportV1(r) | Message::ReportV2(r) if self.version(now) != Version::V3 => {
                let group = r.group();
                for g in self.groups.iter_mut().flatten() {
                    if g.addr == group {
                        g.old.heard_report();
                    }
                }
            }
            _ => {}
        }
    }

    /// An IGMPv1 or IGMPv2 query was heard: (re)start that version's
    /// Older Version Querier Present timer, and on leaving IGMPv3 cancel
    /// its pending responses and retransmissions ([RFC 9776 §7.2.1]).
    ///
    /// [RFC 9776 §7.2.1]: https://www.rfc-editor.org/rfc/rfc9776#section-7.2.1
    fn older_querier(&mut self, now: Instant, version: Version, response_interval: Duration) {
        let before = self.version(now);
        let interval = self.querier_interval.unwrap_or(self.timers.query_interval);
        let timeout = interval * u32::from(self.robustness()) + response_interval;
        self.compat.heard(version, now, timeout);
        if before == Version::V3 {
            self.general_response = None;
            for g in self.groups.iter_mut().flatten() {
                g.change = Change::NONE;
                g.response = Response::NONE;
            }
            self.collect_idle();
        }
    }

    /// An IGMPv3 query in IGMPv3 mode: rules 1 to 5 of [RFC 9776 §5.2].
    ///
    /// [RFC 9776 §5.2]: https://www.rfc-editor.org/rfc/rfc9776#section-5.2
    fn v3_query(
        &mut self,
        now: Instant,
        rng: &mut impl Random,
        group: Option<Ipv4Addr>,
        sources: Sources<'_>,
        max: Duration,
    ) {
        let due = now + rng.delay_up_to(max);
        // Rule 1.
        if self.general_response.is_some_and(|at| at <= due) {
            return;
        }
        match group {
            // Rule 2.
            None => self.general_response = Some(due),
            // Rules 3 to 5, for a group with an entry (one without has no
            // reception state to report).
            Some(group) => {
                for g in self.groups.iter_mut().flatten() {
                    if g.addr == group && g.state.is_member() {
                        g.response.schedule(due, sources);
                    }
                }
            }
        }
    }

    /// A query in IGMPv1/v2 mode: every queried group with reception state
    /// reports within `max` ([RFC 2236 §3]).
    ///
    /// [RFC 2236 §3]: https://www.rfc-editor.org/rfc/rfc2236#section-3
    fn old_query(
        &mut self,
        now: Instant,
        rng: &mut impl Random,
        group: Option<Ipv4Addr>,
        max: Duration,
    ) {
        for g in self.groups.iter_mut().flatten() {
            if g.state.is_member() && group.is_none_or(|q| q == g.addr) {
                g.old.queried(now, rng, max);
            }
        }
    }

    // ---- packets out ------------------------------------------------------

    /// When the next packet is due: call [`poll_transmit`](Self::poll_transmit)
    /// then (or on the next event, whichever comes first). `None` when
    /// nothing is pending.
    pub fn poll_timeout(&self) -> Option<Instant> {
        self.groups
            .iter()
            .flatten()
            .filter_map(Group::deadline)
            .chain(self.general_response)
            .min()
    }

    /// Writes every packet due at `now` into `buf`, one after the other,
    /// and hands each to `send` as a whole IPv4 datagram (header with
    /// Router Alert, then the IGMP message) ready for a raw socket with
    /// `IP_HDRINCL` or a link-layer frame; returns how many were sent.
    ///
    /// In IGMPv3 mode a poll sends, in this order, one report with the
    /// State-Change records of every group due, one with the responses to
    /// group(-and-source)-specific queries due, and one answering a General
    /// Query if its timer ran out; each split to the MTU. In IGMPv1/v2 mode
    /// it sends the reports and leaves due. Retransmissions are scheduled
    /// with delays drawn from `rng`.
    ///
    /// # Errors
    ///
    /// [`BufferTooSmall`](IgmpHostError::BufferTooSmall) when `buf` is
    /// shorter than the [MTU](Self::mtu); nothing is sent and nothing
    /// changes then.
    pub fn poll_transmit(
        &mut self,
        now: Instant,
        rng: &mut impl Random,
        buf: &mut [u8],
        mut send: impl FnMut(&[u8]),
    ) -> Result<usize, IgmpHostError> {
        if buf.len() < self.mtu {
            return Err(IgmpHostError::BufferTooSmall(BufferTooSmall {
                what: "IGMP packet",
                required: self.mtu,
                found: buf.len(),
            }));
        }
        let buf = buf.get_mut(..self.mtu).unwrap_or_default();
        let mut out = Out {
            buf,
            source: self.address,
            mtu: self.mtu,
            send: &mut send,
            count: 0,
        };
        match self.version(now) {
            Version::V3 => {
                for g in self.groups.iter_mut().flatten() {
                    g.old = OldVersion {
                        last_reporter: g.old.last_reporter,
                        ..OldVersion::NONE
                    };
                }
                self.send_changes(now, rng, &mut out)?;
                self.send_group_responses(now, &mut out)?;
                self.send_general_response(now, &mut out)?;
            }
            version => self.send_old(now, rng, version, &mut out)?,
        }
        let count = out.count;
        self.collect_idle();
        Ok(count)
    }

    /// State-Change Reports due ([RFC 9776 §5.1]).
    ///
    /// [RFC 9776 §5.1]: https://www.rfc-editor.org/rfc/rfc9776#section-5.1
    fn send_changes(
        &mut self,
        now: Instant,
        rng: &mut impl Random,
        out: &mut Out<'_, impl FnMut(&[u8])>,
    ) -> Result<(), IgmpHostError> {
        let due = |g: &Group<SOURCES, SOCKETS>| g.change.at.is_some_and(|at| at <= now);
        {
            let mut records = [[PLACEHOLDER; 2]; GROUPS];
            let records = records.as_flattened_mut();
            let mut n = 0;
            for g in self.groups.iter().flatten().filter(|g| due(g)) {
                for r in g.change.records(g.addr, &g.state).into_iter().flatten() {
                    if let Some(slot) = records.get_mut(n) {
                        *slot = r;
                        n += 1;
                    }
                }
            }
            out.report(records.get(..n).unwrap_or_default())?;
        }
        let interval = self.timers.unsolicited_report_interval;
        for g in self.groups.iter_mut().flatten().filter(|g| due(g)) {
            g.change.sent(now, rng, interval);
        }
        Ok(())
    }

    /// Responses to Group-Specific and Group-and-Source-Specific Queries
    /// due ([RFC 9776 §5.2]).
    ///
    /// [RFC 9776 §5.2]: https://www.rfc-editor.org/rfc/rfc9776#section-5.2
    fn send_group_responses(
        &mut self,
        now: Instant,
        out: &mut Out<'_, impl FnMut(&[u8])>,
    ) -> Result<(), IgmpHostError> {
        for g in self.groups.iter_mut().flatten() {
            if g.response.at.is_some_and(|at| at <= now) {
                g.response.resolve(&g.state);
            }
        }
        {
            let mut records = [PLACEHOLDER; GROUPS];
            let mut n = 0;
            for g in self.groups.iter().flatten() {
                if let Some(r) = g.response.record(g.addr, &g.state)
                    && let Some(slot) = records.get_mut(n)
                {
                    *slot = r;
                    n += 1;
                }
            }
            out.report(records.get(..n).unwrap_or_default())?;
        }
        for g in self.groups.iter_mut().flatten() {
            // Sent, resolved to nothing, or never pending.
            if g.response.at.is_none() {
                g.response.done();
            }
        }
        Ok(())
    }

    /// The response to a General Query, when the interface timer ran out:
    /// a Current-State record for every group with reception state.
    fn send_general_response(
        &mut self,
        now: Instant,
        out: &mut Out<'_, impl FnMut(&[u8])>,
    ) -> Result<(), IgmpHostError> {
        if self.general_response.is_none_or(|at| at > now) {
            return Ok(());
        }
        let mut records = [PLACEHOLDER; GROUPS];
        let mut n = 0;
        for g in self.groups.iter().flatten().filter(|g| g.state.is_member()) {
            if let Some(slot) = records.get_mut(n) {
                *slot = query::current_state(g.addr, &g.state);
                n += 1;
            }
        }
        out.report(records.get(..n).unwrap_or_default())?;
        self.general_response = None;
        Ok(())
    }

    /// IGMPv1/v2 reports and leaves due ([RFC 9776 §7.2]).
    ///
    /// [RFC 9776 §7.2]: https://www.rfc-editor.org/rfc/rfc9776#section-7.2
    fn send_old(
        &mut self,
        now: Instant,
        rng: &mut impl Random,
        version: Version,
        out: &mut Out<'_, impl FnMut(&[u8])>,
    ) -> Result<(), IgmpHostError> {
        let interval = self.timers.unsolicited_report_interval;
        for g in self.groups.iter_mut().flatten() {
            if g.old.leave_at.is_some_and(|at| at <= now) {
                g.old.leave_at = None;
                if version == Version::V2 {
                    out.message(&V1V2Repr::leave(g.addr))?;
                }
            }
            if g.old.report_at.is_some_and(|at| at <= now) {
                if g.state.is_member() {
                    let report = match version {
                        Version::V1 => V1V2Repr::report_v1(g.addr),
                        _ => V1V2Repr::report_v2(g.addr),
                    };
                    out.message(&report)?;
                    g.old.reported(now, rng, interval);
                } else {
                    g.old.report_at = None;
                }
            }
        }
        Ok(())
    }

    /// Frees the slots of groups with nothing left to do.
    fn collect_idle(&mut self) {
        for slot in &mut self.groups {
            if slot.is_some_and(|g| g.is_idle()) {
                *slot = None;
            }
        }
    }
}

/// A record to fill arrays with before they are overwritten.
const PLACEHOLDER: GroupRecord<'static> = GroupRecord {
    record_type: RecordType(0),
    group: Ipv4Addr::UNSPECIFIED,
    sources: Sources::EMPTY,
    aux_data: &[],
};

/// Where packets are written and handed over.
struct Out<'b, F: FnMut(&[u8])> {
    buf: &'b mut [u8],
    source: Ipv4Addr,
    mtu: usize,
    send: &'b mut F,
    count: usize,
}

impl<F: FnMut(&[u8])> Out<'_, F> {
    /// IGMPv3 reports carrying `records`, split to the MTU; none when
    /// there are no records.
    fn report(&mut self, records: &[GroupRecord<'_>]) -> Result<(), IgmpHostError> {
        let mut splitter = ReportSplitter::for_mtu(records, self.mtu);
        while !splitter.is_done() {
            let len = envelope::emit_packet(self.buf, self.source, |b| {
                splitter.next_message(b).unwrap_or(Ok(0))
            })?;
            (self.send)(self.buf.get(..len).unwrap_or_default());
            self.count += 1;
        }
        Ok(())
    }

    /// One IGMPv1/v2 message.
    fn message(&mut self, message: &V1V2Repr) -> Result<(), IgmpHostError> {
        let len = envelope::emit_packet(self.buf, self.source, |b| message.emit(b))?;
        (self.send)(self.buf.get(..len).unwrap_or_default());
        self.count += 1;
        Ok(())
    }
}

fn not_joined(socket: SocketId, group: Ipv4Addr) -> IgmpHostError {
    IgmpHostError::NotJoined {
        socket: socket.0,
        group,
    }
}

/// A group a socket may join: multicast, and not 224.0.0.1, which is
/// never reported ([RFC 9776 §5]).
///
/// [RFC 9776 §5]: https://www.rfc-editor.org/rfc/rfc9776#section-5
fn check_group(group: Ipv4Addr) -> Result<(), IgmpHostError> {
    if group.is_multicast() && group != ALL_SYSTEMS {
        Ok(())
    } else {
        Err(IgmpHostError::InvalidGroup { group })
    }
}

fn is_unicast(a: Ipv4Addr) -> bool {
    !a.is_multicast() && !a.is_unspecified() && !a.is_broadcast()
}

/// The group a query asks about: `Some(None)` for a general query,
/// `None` for a query to ignore (a group that is not multicast).
fn query_group(group: Ipv4Addr) -> Option<Option<Ipv4Addr>> {
    if group.is_unspecified() {
        Some(None)
    } else if group.is_multicast() {
        Some(Some(group))
    } else {
        None
    }
}
