//! Interoperation with IGMPv1 and IGMPv2 queriers ([RFC 9776 §7.2]).
//!
//! A host that hears an IGMPv1 query or an IGMPv2 General Query starts
//! that version's Older Version Querier Present timer (Robustness × the Query
//! Interval + the Query Response Interval of the query heard: its Max Resp
//! Time for IGMPv2, 10 s for IGMPv1, which has none) and uses the oldest
//! version whose timer runs: [RFC 9776 §7.2.1]. Switching to an older
//! version cancels every pending IGMPv3 response and retransmission; the
//! interface state (sockets' filters) is kept, so IGMPv3 reports resume
//! with the right state once the timers run out.
//!
//! In the older modes the host speaks [RFC 2236] (IGMPv2) or
//! [RFC 1112] (IGMPv1) for each group with reception state, whatever its
//! source filter (an IGMPv1/v2 report cannot carry one):
//!
//! * becoming a member sends an unsolicited report to the group at once,
//!   repeated Robustness − 1 times within the Unsolicited Report Interval;
//! * a query (any version) schedules a report at a random delay within
//!   its Max Resp Time, unless one is due sooner;
//! * another host's report for the group cancels the pending report, and
//!   the host no longer counts as the last to have reported;
//! * ceasing to be a member sends an IGMPv2 Leave Group to 224.0.0.2 when
//!   the host was the last to report (IGMPv1 has no leave).
//!
//! [RFC 9776 §7.2]: https://www.rfc-editor.org/rfc/rfc9776#section-7.2
//! [RFC 9776 §7.2.1]: https://www.rfc-editor.org/rfc/rfc9776#section-7.2.1
//! [RFC 2236]: https://www.rfc-editor.org/rfc/rfc2236#section-3
//! [RFC 1112]: https://www.rfc-editor.org/rfc/rfc1112#appendix-I

use core::fmt;
use core::time::Duration;

use super::changes::retransmission_delay;
use crate::igmp::timing::{Instant, Random};

/// The IGMP version a host speaks on its interface: its Host Compatibility
/// Mode ([RFC 9776 §7.2.1]).
///
/// [RFC 9776 §7.2.1]: https://www.rfc-editor.org/rfc/rfc9776#section-7.2.1
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Version {
    /// IGMPv1 ([RFC 1112]): reports, no leaves, no source filters.
    ///
    /// [RFC 1112]: https://www.rfc-editor.org/rfc/rfc1112#appendix-I
    V1,
    /// IGMPv2 ([RFC 2236]): reports and leaves, no source filters.
    ///
    /// [RFC 2236]: https://www.rfc-editor.org/rfc/rfc2236
    V2,
    /// IGMPv3 ([RFC 9776]): group records with source filters.
    ///
    /// [RFC 9776]: https://www.rfc-editor.org/rfc/rfc9776
    V3,
}

impl fmt::Display for Version {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Version::V1 => "IGMPv1",
            Version::V2 => "IGMPv2",
            Version::V3 => "IGMPv3",
        })
    }
}

/// IGMPv1 has no Max Resp Time: its hosts answer within 10 s
/// ([RFC 2236 §4], [RFC 9776 §7.2.1]).
///
/// [RFC 2236 §4]: https://www.rfc-editor.org/rfc/rfc2236#section-4
/// [RFC 9776 §7.2.1]: https://www.rfc-editor.org/rfc/rfc9776#section-7.2.1
pub const V1_MAX_RESP_TIME: Duration = Duration::from_secs(10);

/// The interface's Older Version Querier Present timers.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub(crate) struct Compat {
    pub(crate) v1_until: Option<Instant>,
    pub(crate) v2_until: Option<Instant>,
}

impl Compat {
    /// The Host Compatibility Mode at `now`.
    pub(crate) fn version(&self, now: Instant) -> Version {
        let running = |t: Option<Instant>| t.is_some_and(|t| t > now);
        if running(self.v1_until) {
            Version::V1
        } else if running(self.v2_until) {
            Version::V2
        } else {
            Version::V3
        }
    }

    /// An older querier of `version` was heard at `now`; its timer runs
    /// for `timeout`.
    pub(crate) fn heard(&mut self, version: Version, now: Instant, timeout: Duration) {
        let until = Some(now + timeout);
        match version {
            Version::V1 => self.v1_until = until,
            Version::V2 => self.v2_until = until,
            Version::V3 => {}
        }
    }
}

/// A group's IGMPv1/v2 state ([RFC 2236 §6]: Delaying Member with a
/// timer, or Idle Member; the last-reporter flag).
///
/// [RFC 2236 §6]: https://www.rfc-editor.org/rfc/rfc2236#section-6
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub(crate) struct OldVersion {
    /// When the next report is due.
    pub(crate) report_at: Option<Instant>,
    /// Unsolicited reports still to repeat after the one due.
    pub(crate) repeats_left: u8,
    /// This host sent the last report heard for the group.
    pub(crate) last_reporter: bool,
    /// A Leave Group is due.
    pub(crate) leave_at: Option<Instant>,
}

impl OldVersion {
    pub(crate) const NONE: Self = OldVersion {
        report_at: None,
        repeats_left: 0,
        last_reporter: false,
        leave_at: None,
    };

    /// Whether a message is still owed.
    pub(crate) fn is_pending(&self) -> bool {
        self.report_at.is_some() || self.leave_at.is_some()
    }

    /// Reception state began (`joined`) or ended at `now`, in `version`.
    pub(crate) fn membership_changed(
        &mut self,
        joined: bool,
        version: Version,
        robustness: u8,
        now: Instant,
    ) {
        if joined {
            self.report_at = Some(now);
            self.repeats_left = robustness.saturating_sub(1);
            self.leave_at = None;
        } else {
            if version == Version::V2 && self.last_reporter {
                self.leave_at = Some(now);
            }
            self.report_at = None;
            self.repeats_left = 0;
            self.last_reporter = false;
        }
    }

    /// A query asks for a report within `max` ([RFC 2236 §3]).
    ///
    /// [RFC 2236 §3]: https://www.rfc-editor.org/rfc/rfc2236#section-3
    pub(crate) fn queried(&mut self, now: Instant, rng: &mut impl Random, max: Duration) {
        let due = now + rng.delay_up_to(max);
        if self.report_at.is_none_or(|at| at > due) {
            self.report_at = Some(due);
        }
    }

    /// Another host reported the group: ours is not needed.
    pub(crate) fn heard_report(&mut self) {
        self.report_at = None;
        self.repeats_left = 0;
        self.last_reporter = false;
    }

    /// The report due went out at `now`.
    pub(crate) fn reported(&mut self, now: Instant, rng: &mut impl Random, interval: Duration) {
        self.last_reporter = true;
        self.report_at = if self.repeats_left > 0 {
            self.repeats_left -= 1;
            Some(now + retransmission_delay(rng, interval))
        } else {
            None
        };
    }
}
