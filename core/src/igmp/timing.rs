//! Time, randomness and protocol timers shared by the sans-IO IGMP state
//! machines (the group member in `igmp::host` and the multicast router in
//! `igmp::querier`).
//!
//! The machines read no clock and draw no random numbers of their own: the
//! caller passes the current [`Instant`] with every event and a [`Random`]
//! source where the protocol asks for a random delay, so a test can replay
//! any run exactly. [`Timers`] holds the protocol variables of
//! [RFC 9776 §8] with the RFC's defaults; every one is configurable.
//!
//! ```
//! use core::time::Duration;
//! use ipv4_core::igmp::timing::{Instant, Timers};
//!
//! let timers = Timers::default();
//! assert_eq!(timers.group_membership_interval(), Duration::from_secs(260));
//! let now = Instant::from_millis(5_000);
//! assert_eq!(now + Duration::from_millis(250), Instant::from_millis(5_250));
//! ```
//!
//! [RFC 9776 §8]: https://www.rfc-editor.org/rfc/rfc9776#section-8

use core::ops::Add;
use core::time::Duration;

/// A point on the caller's monotonic clock, counted in milliseconds from
/// any origin the caller picks (boot, the start of a test, …).
///
/// Millisecond resolution is finer than anything IGMP schedules (its
/// smallest unit is the tenth of a second of Max Resp Code). Arithmetic
/// saturates instead of wrapping, so a deadline far in the future never
/// turns into one in the past.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Instant(u64);

impl Instant {
    /// The origin of the caller's clock.
    pub const ZERO: Instant = Instant(0);

    /// The instant `millis` milliseconds after the origin.
    pub const fn from_millis(millis: u64) -> Instant {
        Instant(millis)
    }

    /// Milliseconds since the origin.
    pub const fn as_millis(self) -> u64 {
        self.0
    }

    /// The time from `earlier` to `self`, or zero if `earlier` is later.
    pub fn saturating_duration_since(self, earlier: Instant) -> Duration {
        Duration::from_millis(self.0.saturating_sub(earlier.0))
    }
}

impl Add<Duration> for Instant {
    type Output = Instant;

    /// Adds `d`, rounded down to whole milliseconds; saturates at the end
    /// of the clock.
    fn add(self, d: Duration) -> Instant {
        let millis = u64::try_from(d.as_millis()).unwrap_or(u64::MAX);
        Instant(self.0.saturating_add(millis))
    }
}

/// A source of random numbers supplied by the caller.
///
/// IGMP randomises report and response delays so that hosts on a link do
/// not answer in step ([RFC 9776 §5.1, §5.2]). Any generator works; tests
/// use a fixed sequence.
///
/// [RFC 9776 §5.1, §5.2]: https://www.rfc-editor.org/rfc/rfc9776#section-5.1
pub trait Random {
    /// The next uniformly distributed 32-bit value.
    fn next_u32(&mut self) -> u32;

    /// A delay drawn uniformly from `[0, max]`, in whole milliseconds.
    fn delay_up_to(&mut self, max: Duration) -> Duration {
        let max_ms = u64::try_from(max.as_millis()).unwrap_or(u64::MAX);
        if max_ms == 0 {
            return Duration::ZERO;
        }
        // Multiply-shift maps 32 random bits onto [0, max_ms] without a
        // division; the bias is below 2^-32 per millisecond.
        let scaled = (u128::from(self.next_u32()) * (u128::from(max_ms) + 1)) >> 32;
        Duration::from_millis(scaled as u64)
    }
}

impl<R: Random + ?Sized> Random for &mut R {
    fn next_u32(&mut self) -> u32 {
        (**self).next_u32()
    }
}

/// The protocol variables of [RFC 9776 §8], with the RFC's defaults.
///
/// The derived intervals (Group Membership Interval, Other Querier Present
/// Interval, …) are methods, computed from these fields by the RFC's
/// formulas, so changing Robustness or Query Interval changes them all.
/// Tests and labs scale them down to run in seconds.
///
/// [RFC 9776 §8]: https://www.rfc-editor.org/rfc/rfc9776#section-8
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Timers {
    /// Robustness Variable ([§8.1]): how many times a message is repeated
    /// to survive loss. Default 2; the RFC forbids 0 (treated as 1 here).
    ///
    /// [§8.1]: https://www.rfc-editor.org/rfc/rfc9776#section-8.1
    pub robustness: u8,
    /// Query Interval ([§8.2]): between general queries. Default 125 s.
    ///
    /// [§8.2]: https://www.rfc-editor.org/rfc/rfc9776#section-8.2
    pub query_interval: Duration,
    /// Query Response Interval ([§8.3]): the Max Resp Time put into
    /// general queries. Default 10 s.
    ///
    /// [§8.3]: https://www.rfc-editor.org/rfc/rfc9776#section-8.3
    pub query_response_interval: Duration,
    /// Startup Query Interval ([§8.6]). Default a quarter of the Query
    /// Interval; `None` means that default.
    ///
    /// [§8.6]: https://www.rfc-editor.org/rfc/rfc9776#section-8.6
    pub startup_query_interval: Option<Duration>,
    /// Startup Query Count ([§8.7]). `None` means the Robustness Variable.
    ///
    /// [§8.7]: https://www.rfc-editor.org/rfc/rfc9776#section-8.7
    pub startup_query_count: Option<u8>,
    /// Last Member Query Interval ([§8.8]): the Max Resp Time of group-
    /// and group-and-source-specific queries. Default 1 s.
    ///
    /// [§8.8]: https://www.rfc-editor.org/rfc/rfc9776#section-8.8
    pub last_member_query_interval: Duration,
    /// Last Member Query Count ([§8.9]). `None` means the Robustness
    /// Variable.
    ///
    /// [§8.9]: https://www.rfc-editor.org/rfc/rfc9776#section-8.9
    pub last_member_query_count: Option<u8>,
    /// Unsolicited Report Interval ([§8.11]): the span in which a host
    /// repeats a state-change report. Default 1 s.
    ///
    /// [§8.11]: https://www.rfc-editor.org/rfc/rfc9776#section-8.11
    pub unsolicited_report_interval: Duration,
}

impl Default for Timers {
    fn default() -> Timers {
        Timers {
            robustness: 2,
            query_interval: Duration::from_secs(125),
            query_response_interval: Duration::from_secs(10),
            startup_query_interval: None,
            startup_query_count: None,
            last_member_query_interval: Duration::from_secs(1),
            last_member_query_count: None,
            unsolicited_report_interval: Duration::from_secs(1),
        }
    }
}

impl Timers {
    /// The Robustness Variable, never below 1.
    pub fn robustness(&self) -> u8 {
        self.robustness.max(1)
    }

    /// Group Membership Interval ([§8.4]): Robustness × Query Interval +
    /// Query Response Interval.
    ///
    /// [§8.4]: https://www.rfc-editor.org/rfc/rfc9776#section-8.4
    pub fn group_membership_interval(&self) -> Duration {
        self.query_interval * u32::from(self.robustness()) + self.query_response_interval
    }

    /// Other Querier Present Interval ([§8.5]): Robustness × Query
    /// Interval + half the Query Response Interval.
    ///
    /// [§8.5]: https://www.rfc-editor.org/rfc/rfc9776#section-8.5
    pub fn other_querier_present_interval(&self) -> Duration {
        self.query_interval * u32::from(self.robustness()) + self.query_response_interval / 2
    }

    /// Startup Query Interval ([§8.6]), defaulted to Query Interval / 4.
    ///
    /// [§8.6]: https://www.rfc-editor.org/rfc/rfc9776#section-8.6
    pub fn startup_query_interval(&self) -> Duration {
        self.startup_query_interval
            .unwrap_or(self.query_interval / 4)
    }

    /// Startup Query Count ([§8.7]), defaulted to the Robustness Variable.
    ///
    /// [§8.7]: https://www.rfc-editor.org/rfc/rfc9776#section-8.7
    pub fn startup_query_count(&self) -> u8 {
        self.startup_query_count.unwrap_or(self.robustness())
    }

    /// Last Member Query Count ([§8.9]), defaulted to the Robustness
    /// Variable.
    ///
    /// [§8.9]: https://www.rfc-editor.org/rfc/rfc9776#section-8.9
    pub fn last_member_query_count(&self) -> u8 {
        self.last_member_query_count.unwrap_or(self.robustness())
    }

    /// Last Member Query Time ([§8.10]): Last Member Query Count × Last
    /// Member Query Interval.
    ///
    /// [§8.10]: https://www.rfc-editor.org/rfc/rfc9776#section-8.10
    pub fn last_member_query_time(&self) -> Duration {
        self.last_member_query_interval * u32::from(self.last_member_query_count())
    }

    /// Older Version Querier Present Timeout ([§8.12]): Robustness × the
    /// Query Interval last received + the Query Response Interval last
    /// received; a host passes the values from the older query it heard.
    ///
    /// [§8.12]: https://www.rfc-editor.org/rfc/rfc9776#section-8.12
    pub fn older_version_querier_present_timeout(
        &self,
        query_interval: Duration,
        query_response_interval: Duration,
    ) -> Duration {
        query_interval * u32::from(self.robustness()) + query_response_interval
    }

    /// Older Host Present Interval ([§8.13]): Robustness × Query Interval
    /// + Query Response Interval.
    ///
    /// [§8.13]: https://www.rfc-editor.org/rfc/rfc9776#section-8.13
    pub fn older_host_present_interval(&self) -> Duration {
        self.group_membership_interval()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    struct Fixed(u32);
    impl Random for Fixed {
        fn next_u32(&mut self) -> u32 {
            self.0
        }
    }

    #[test]
    fn rfc_defaults() {
        let t = Timers::default();
        // RFC 9776 §8.4: 2 × 125 s + 10 s.
        assert_eq!(t.group_membership_interval(), Duration::from_secs(260));
        // §8.5: 2 × 125 s + 5 s.
        assert_eq!(t.other_querier_present_interval(), Duration::from_secs(255));
        assert_eq!(t.startup_query_interval(), Duration::from_millis(31_250));
        assert_eq!(t.startup_query_count(), 2);
        assert_eq!(t.last_member_query_count(), 2);
        assert_eq!(t.last_member_query_time(), Duration::from_secs(2));
        assert_eq!(t.older_host_present_interval(), Duration::from_secs(260));
    }

    #[test]
    fn delay_spans_the_whole_range() {
        let max = Duration::from_millis(1000);
        assert_eq!(Fixed(0).delay_up_to(max), Duration::ZERO);
        assert_eq!(Fixed(u32::MAX).delay_up_to(max), max);
        assert_eq!(
            Fixed(u32::MAX / 2).delay_up_to(max),
            Duration::from_millis(500)
        );
        assert_eq!(Fixed(7).delay_up_to(Duration::ZERO), Duration::ZERO);
    }

    #[test]
    fn instant_saturates() {
        let end = Instant::from_millis(u64::MAX - 1);
        assert_eq!(end + Duration::from_secs(1), Instant::from_millis(u64::MAX));
        assert_eq!(Instant::ZERO.saturating_duration_since(end), Duration::ZERO);
    }
}
