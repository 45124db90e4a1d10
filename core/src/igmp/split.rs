//! Spreading group records over several IGMPv3 reports by a size limit
//! ([RFC 9776 §4.2.16]), without an allocator.
//!
//! [RFC 9776 §4.2.16]: https://www.rfc-editor.org/rfc/rfc9776#section-4.2.16

use super::GroupRecord;
use super::builder::{count16, fill_checksum, take};
use super::report_v3::{HEADER_LEN, RECORD_HEADER_LEN, write_header, write_record};
use crate::error::IgmpBuildError;

/// Bytes of IPv4 header in front of every IGMP message: 20 fixed plus the
/// 4-byte Router Alert option ([RFC 9776 §4]).
///
/// [RFC 9776 §4]: https://www.rfc-editor.org/rfc/rfc9776#section-4
pub const IPV4_HEADER_LEN: usize = 24;

/// The largest IGMP message an IPv4 datagram can carry behind
/// [`IPV4_HEADER_LEN`] bytes of header.
const MAX_MESSAGE_LEN: usize = u16::MAX as usize - IPV4_HEADER_LEN;

/// Writes the group records of a report as as many IGMPv3 reports as a size
/// limit needs, one at a time into the caller's buffer
/// ([RFC 9776 §4.2.16]).
///
/// Records go into a report whole, in order, while they fit. A record too
/// large for a report of its own is cut by its sources: for
/// MODE_IS_EXCLUDE and CHANGE_TO_EXCLUDE_MODE one record carries as many
/// sources as fit and the rest are not reported (excluding fewer sources
/// is safe, dropping an exclusion record is not); every other type is
/// split into records with consecutive parts of the source list, each in a
/// report of its own (the last part may share its report with the records
/// after it). Every part repeats the record's auxiliary data. A message
/// therefore never exceeds the limit, and records and sources keep their
/// order. [`next_len`](Self::next_len) says how large the next message is,
/// so a buffer of [`limit`](Self::limit) bytes always suffices.
///
/// ```
/// use core::net::Ipv4Addr;
/// use ipv4_core::igmp::{GroupRecord, Message, RecordType, ReportSplitter};
///
/// let sources: Vec<Ipv4Addr> = (1..=500).map(|i| Ipv4Addr::from(0x0a00_0000u32 + i)).collect();
/// let records = [GroupRecord::new(
///     RecordType::ALLOW_NEW_SOURCES,
///     Ipv4Addr::new(232, 1, 1, 1),
///     &sources[..],
/// )];
/// // Ethernet: 1500 bytes minus the IPv4 header with Router Alert.
/// let mut splitter = ReportSplitter::for_mtu(&records, 1500);
/// let mut buf = [0u8; 1500];
/// let mut seen = Vec::new();
/// while let Some(len) = splitter.next_message(&mut buf) {
///     let len = len.unwrap();
///     assert!(len <= 1476);
///     let Message::ReportV3(report) = Message::parse(&buf[..len]).unwrap() else { panic!() };
///     for record in report.records() {
///         seen.extend(record.sources.iter());
///     }
/// }
/// // 1476 bytes hold 365 sources after the two headers: 2 reports.
/// assert_eq!(seen, sources);
/// ```
///
/// [RFC 9776 §4.2.16]: https://www.rfc-editor.org/rfc/rfc9776#section-4.2.16
#[derive(Debug, Clone)]
pub struct ReportSplitter<'a> {
    records: &'a [GroupRecord<'a>],
    limit: usize,
    /// The next record to write.
    record: usize,
    /// The next source of that record to write.
    source: usize,
    failed: bool,
}

/// Where one report ends.
struct Layout {
    len: usize,
    next_record: usize,
    next_source: usize,
}

impl<'a> ReportSplitter<'a> {
    /// Splits `records` into reports of at most `limit` bytes each (the
    /// IGMP message, without IPv4 header); limits above what an IPv4
    /// datagram can carry are lowered to that.
    pub fn new(records: &'a [GroupRecord<'a>], limit: usize) -> Self {
        ReportSplitter {
            records,
            limit: limit.min(MAX_MESSAGE_LEN),
            record: 0,
            source: 0,
            failed: false,
        }
    }

    /// Splits `records` into reports that fit a link MTU, each behind the
    /// IPv4 header with Router Alert ([`IPV4_HEADER_LEN`]).
    pub fn for_mtu(records: &'a [GroupRecord<'a>], mtu: usize) -> Self {
        Self::new(records, mtu.saturating_sub(IPV4_HEADER_LEN))
    }

    /// The size limit of each message.
    pub fn limit(&self) -> usize {
        self.limit
    }

    /// Whether every record has been written (or an error ended the run).
    pub fn is_done(&self) -> bool {
        self.failed || self.record >= self.records.len()
    }

    /// Bytes the next message needs, or `None` when done.
    pub fn next_len(&self) -> Option<Result<usize, IgmpBuildError>> {
        if self.is_done() {
            return None;
        }
        Some(self.layout(None).map(|l| l.len))
    }

    /// Writes the next report into the start of `buf` and returns its
    /// length, or `None` when all records have been written. After an
    /// error (a `buf` shorter than [`next_len`](Self::next_len), or a limit
    /// too small for any record), the error is returned and the run ends.
    pub fn next_message(&mut self, buf: &mut [u8]) -> Option<Result<usize, IgmpBuildError>> {
        if self.is_done() {
            return None;
        }
        let result = self.layout(None).and_then(|plan| {
            let out = take(buf, plan.len, "IGMPv3 report")?;
            self.layout(Some(out))?;
            fill_checksum(out);
            Ok(plan)
        });
        Some(match result {
            Ok(plan) => {
                self.record = plan.next_record;
                self.source = plan.next_source;
                Ok(plan.len)
            }
            Err(e) => {
                self.failed = true;
                Err(e)
            }
        })
    }

    /// Decides what the next report holds and, given `out` (sized to the
    /// report), writes it without its checksum.
    fn layout(&self, mut out: Option<&mut [u8]>) -> Result<Layout, IgmpBuildError> {
        let mut used = HEADER_LEN;
        let mut count: u16 = 0;
        let (mut r, mut s) = (self.record, self.source);
        while let Some(record) = self.records.get(r) {
            let fixed = RECORD_HEADER_LEN + record.aux_data.len();
            let left = record.sources.len().saturating_sub(s);
            let whole = fixed + left * 4;
            let (take_sources, next) = if used + whole <= self.limit
                && left <= usize::from(u16::MAX)
                && count < u16::MAX
            {
                (left, (r + 1, 0))
            } else if count > 0 {
                break;
            } else {
                // Alone in a report and still too large: cut its sources.
                let room = self.limit.saturating_sub(used + fixed) / 4;
                let fit = room.min(left).min(usize::from(u16::MAX));
                if used + fixed > self.limit || (fit == 0 && left > 0) {
                    return Err(IgmpBuildError::LimitTooSmall {
                        limit: self.limit,
                        required: used + fixed + if left > 0 { 4 } else { 0 },
                    });
                }
                let next = if record.record_type.truncates_when_split()
                    || s + fit == record.sources.len()
                {
                    (r + 1, 0)
                } else {
                    (r, s + fit)
                };
                (fit, next)
            };
            if let Some(out) = out.as_deref_mut() {
                let sources = record
                    .sources
                    .slice(s, s + take_sources)
                    .unwrap_or_default();
                write_record(
                    &mut out[used..],
                    record.record_type,
                    record.group,
                    sources,
                    record.aux_data,
                )?;
            } else {
                // Checked here so that the sizing pass reports it too.
                super::builder::aux_words(record.aux_data.len())?;
            }
            used += fixed + take_sources * 4;
            count += 1;
            (r, s) = next;
            if next.1 != 0 {
                break; // the rest of this record goes in the next report
            }
            if take_sources < left {
                break; // a truncated EXCLUDE record fills its report
            }
        }
        if let Some(out) = out {
            write_header(out, 0, 0, count16("group records", usize::from(count))?);
        }
        Ok(Layout {
            len: used,
            next_record: r,
            next_source: s,
        })
    }
}
