//! State-Change Reports ([RFC 9776 §5.1]): what a change of a group's
//! interface state reports, how it is repeated, and how a change made
//! while earlier reports are still being repeated merges with them.
//!
//! A change from the old to the new interface state is reported by the
//! records of the RFC's table:
//!
//! | old state | new state | records |
//! |---|---|---|
//! | INCLUDE(A) | INCLUDE(B) | ALLOW(B−A), BLOCK(A−B) |
//! | EXCLUDE(A) | EXCLUDE(B) | ALLOW(A−B), BLOCK(B−A) |
//! | INCLUDE(A) | EXCLUDE(B) | TO_EX(B) |
//! | EXCLUDE(A) | INCLUDE(B) | TO_IN(B) |
//!
//! Each report goes out at once and is repeated until Robustness reports
//! have carried it, at random delays within the Unsolicited Report
//! Interval. Rather than remembering reports, the machine keeps the
//! RFC's retransmission state: a count of Filter-Mode-Change reports
//! still owed, and per source a count of Source-List-Change reports still
//! owed. Every report is then built from the *current* state:
//!
//! | record | sources |
//! |---|---|
//! | TO_IN | all the current state forwards (the INCLUDE list) |
//! | TO_EX | all the current state blocks (the EXCLUDE list) |
//! | ALLOW | those with retransmission state that the current state forwards |
//! | BLOCK | those with retransmission state that the current state blocks |
//!
//! A report carries the Filter-Mode-Change record while any is owed, and
//! the Source-List-Change records (ALLOW and BLOCK, each left out when
//! empty) after that. A new change resets the counts of what it touched
//! to Robustness and sends a merged report at once, which starts a new
//! train. A filter-mode change drops the per-source counts: the
//! TO_IN/TO_EX record carries the whole new state, and a pending ALLOW or
//! BLOCK of the old mode would mean the opposite in the new one (Linux
//! does the same). Should the sources owing Source-List-Change records
//! outgrow their capacity, the change is announced as a Filter-Mode-Change
//! record of the current mode instead, which carries the whole state.
//!
//! [RFC 9776 §5.1]: https://www.rfc-editor.org/rfc/rfc9776#section-5.1

use core::net::Ipv4Addr;
use core::time::Duration;

use super::filter::State;
use super::set::{Counted, Full};
use crate::igmp::timing::{Instant, Random};
use crate::igmp::{GroupRecord, RecordType, Sources};

/// A group's State-Change Report retransmission state.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Change<const S: usize> {
    /// Reports that still must carry a Filter-Mode-Change record.
    pub(crate) mode_left: u8,
    /// Sources with retransmission state that the current state forwards.
    pub(crate) allow: Counted<S>,
    /// Sources with retransmission state that the current state blocks.
    pub(crate) block: Counted<S>,
    /// When the next report is due.
    pub(crate) at: Option<Instant>,
}

impl<const S: usize> Change<S> {
    pub(crate) const NONE: Self = Change {
        mode_left: 0,
        allow: Counted::EMPTY,
        block: Counted::EMPTY,
        at: None,
    };

    /// Whether a report is still owed.
    pub(crate) fn is_pending(&self) -> bool {
        self.mode_left > 0 || !self.allow.is_empty() || !self.block.is_empty()
    }

    /// The retransmission state after the interface state went from `old`
    /// to `new` at `now`, merged with this one. No change, no report.
    ///
    /// When the sources owing a Source-List-Change record would exceed
    /// the capacity, the change is reported as a Filter-Mode-Change record
    /// of the current mode instead (TO_IN or TO_EX of the whole new
    /// state): a router takes that to the same state (RFC 9776 §6.4), at
    /// the cost of a few queries, so a request never fails for want of
    /// retransmission state.
    pub(crate) fn after(
        &self,
        old: &State<S>,
        new: &State<S>,
        robustness: u8,
        now: Instant,
    ) -> Self {
        if old == new {
            return *self;
        }
        let mut next = *self;
        if old.mode != new.mode || next.merge_sources(old, new, robustness).is_err() {
            next.mode_left = robustness;
            next.allow.clear();
            next.block.clear();
        }
        next.at = Some(now);
        next
    }

    /// Gives every source whose forwarding changed (A−B and B−A) a fresh
    /// count, on the side it now belongs to.
    fn merge_sources(
        &mut self,
        old: &State<S>,
        new: &State<S>,
        robustness: u8,
    ) -> Result<(), Full> {
        let changed = old
            .sources
            .as_slice()
            .iter()
            .chain(new.sources.as_slice())
            .copied()
            .filter(|&s| old.sources.contains(s) != new.sources.contains(s));
        for source in changed {
            if new.forwards(source) {
                self.block.remove(source);
                self.allow.set(source, robustness)?;
            } else {
                self.allow.remove(source);
                self.block.set(source, robustness)?;
            }
        }
        Ok(())
    }

    /// The records of the report due now for `group` in `state`: one
    /// Filter-Mode-Change record, or ALLOW and BLOCK (each when not empty).
    pub(crate) fn records<'a>(
        &'a self,
        group: Ipv4Addr,
        state: &'a State<S>,
    ) -> [Option<GroupRecord<'a>>; 2] {
        if self.mode_left > 0 {
            let record =
                GroupRecord::new(state.mode.change_record(), group, state.sources.as_slice());
            return [Some(record), None];
        }
        let list = |t, sources: &'a [Ipv4Addr]| {
            (!sources.is_empty()).then(|| GroupRecord {
                record_type: t,
                group,
                sources: Sources::from_addrs(sources),
                aux_data: &[],
            })
        };
        [
            list(RecordType::ALLOW_NEW_SOURCES, self.allow.sources()),
            list(RecordType::BLOCK_OLD_SOURCES, self.block.sources()),
        ]
    }

    /// Counts the report just sent and schedules the next one, if any is
    /// owed, within `interval`.
    pub(crate) fn sent(&mut self, now: Instant, rng: &mut impl Random, interval: Duration) {
        if self.mode_left > 0 {
            self.mode_left -= 1;
        } else {
            self.allow.decrement();
            self.block.decrement();
        }
        self.at = self
            .is_pending()
            .then(|| now + retransmission_delay(rng, interval));
    }
}

/// A random delay in (0, `interval`] ([RFC 9776 §5.1]): never 0, so a
/// retransmission never goes out in the same poll as its original.
///
/// [RFC 9776 §5.1]: https://www.rfc-editor.org/rfc/rfc9776#section-5.1
pub(crate) fn retransmission_delay(rng: &mut impl Random, interval: Duration) -> Duration {
    rng.delay_up_to(interval).max(Duration::from_millis(1))
}
