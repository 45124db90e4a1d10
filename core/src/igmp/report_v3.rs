//! The IGMPv3 Membership Report ([RFC 9776 §4.2]) and its group records,
//! with the E bit of [RFC 9279].
//!
//! ```text
//!  0                   1                   2                   3
//!  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
//! +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//! |  Type = 0x22  |    Reserved   |           Checksum            |
//! +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//! |E|          Reserved           |  Number of Group Records (M)  |
//! +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//! |                  Group Record [1] .. [M]                      |
//! +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//! |        Additional Data, or RFC 9279 extension TLVs if E       |
//!
//! Group Record:
//! +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//! |  Record Type  |  Aux Data Len |     Number of Sources (N)     |
//! +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//! |                       Multicast Address                       |
//! +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//! |                  Source Address [1] .. [N]                    |
//! +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//! |           Auxiliary Data (Aux Data Len 32-bit words)          |
//! +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//! ```
//!
//! [RFC 9776 §4.2]: https://www.rfc-editor.org/rfc/rfc9776#section-4.2
//! [RFC 9279]: https://www.rfc-editor.org/rfc/rfc9279#section-3

use core::fmt;
use core::iter::FusedIterator;
use core::net::Ipv4Addr;

use super::builder::{aux_words, count16, fill_checksum, take};
use super::{Extensions, MessageType, Sources, addr_at, checksum_field};
use crate::error::{IgmpBuildError, IgmpError};
use crate::registry::u8_registry;

mod field {
    pub const TYPE: usize = 0;
    pub const RESERVED_1: usize = 1;
    pub const RESERVED_2: usize = 4;
    pub const NUM_RECORDS: usize = 6;
    pub const RECORDS: usize = 8;
}

mod record {
    pub const TYPE: usize = 0;
    pub const AUX_LEN: usize = 1;
    pub const NUM_SOURCES: usize = 2;
    pub const GROUP: usize = 4;
    pub const SOURCES: usize = 8;
}

/// Length of the report's fixed part.
pub(crate) const HEADER_LEN: usize = field::RECORDS;
/// Length of a group record's fixed part.
pub(crate) const RECORD_HEADER_LEN: usize = record::SOURCES;

/// The [RFC 9279] E bit in the second 16-bit word.
///
/// [RFC 9279]: https://www.rfc-editor.org/rfc/rfc9279#section-3
const E_BIT: u16 = 0x8000;

u8_registry! {
    /// A group record's Record Type ([RFC 9776 §4.2.12]).
    ///
    /// A newtype, so a receiver keeps and can skip types it does not know, as
    /// [RFC 9776 §4.2.12] requires.
    ///
    /// [RFC 9776 §4.2.12]: https://www.rfc-editor.org/rfc/rfc9776#section-4.2.12
    pub struct RecordType(pub u8);
    debug_name: name;
    display_unknown: "record type {}";
}

impl RecordType {
    /// Current-State Record: the filter mode is INCLUDE.
    pub const MODE_IS_INCLUDE: RecordType = RecordType(1);
    /// Current-State Record: the filter mode is EXCLUDE.
    pub const MODE_IS_EXCLUDE: RecordType = RecordType(2);
    /// Filter-Mode-Change Record: changed to INCLUDE.
    pub const CHANGE_TO_INCLUDE_MODE: RecordType = RecordType(3);
    /// Filter-Mode-Change Record: changed to EXCLUDE.
    pub const CHANGE_TO_EXCLUDE_MODE: RecordType = RecordType(4);
    /// Source-List-Change Record: sources to receive from as well.
    pub const ALLOW_NEW_SOURCES: RecordType = RecordType(5);
    /// Source-List-Change Record: sources no longer to receive from.
    pub const BLOCK_OLD_SOURCES: RecordType = RecordType(6);

    /// The RFC's name of a known type, e.g. `"MODE_IS_INCLUDE"`.
    #[inline]
    pub const fn name(self) -> Option<&'static str> {
        Some(match self.0 {
            1 => "MODE_IS_INCLUDE",
            2 => "MODE_IS_EXCLUDE",
            3 => "CHANGE_TO_INCLUDE_MODE",
            4 => "CHANGE_TO_EXCLUDE_MODE",
            5 => "ALLOW_NEW_SOURCES",
            6 => "BLOCK_OLD_SOURCES",
            _ => return None,
        })
    }

    /// Whether this is one of the six types RFC 9776 defines.
    #[inline]
    pub const fn is_known(self) -> bool {
        matches!(self.0, 1..=6)
    }

    /// Whether a record of this type that does not fit in one report keeps
    /// only the sources that fit, instead of being split
    /// ([RFC 9776 §4.2.16]): MODE_IS_EXCLUDE and CHANGE_TO_EXCLUDE_MODE.
    ///
    /// [RFC 9776 §4.2.16]: https://www.rfc-editor.org/rfc/rfc9776#section-4.2.16
    #[inline]
    pub const fn truncates_when_split(self) -> bool {
        matches!(self.0, 2 | 4)
    }
}

/// One group record of an IGMPv3 report ([RFC 9776 §4.2.4]): as read from a
/// message (sources and auxiliary data borrow its bytes) or to build one.
///
/// [RFC 9776 §4.2.4]: https://www.rfc-editor.org/rfc/rfc9776#section-4.2.4
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct GroupRecord<'a> {
    /// Record Type.
    pub record_type: RecordType,
    /// Multicast Address.
    pub group: Ipv4Addr,
    /// Source addresses.
    pub sources: Sources<'a>,
    /// Auxiliary data: a whole number of 32-bit words, at most 255
    /// ([RFC 9776 §4.2.10]: none defined; receivers skip it).
    ///
    /// [RFC 9776 §4.2.10]: https://www.rfc-editor.org/rfc/rfc9776#section-4.2.10
    pub aux_data: &'a [u8],
}

impl<'a> GroupRecord<'a> {
    /// A record with no auxiliary data.
    #[inline]
    pub fn new(record_type: RecordType, group: Ipv4Addr, sources: impl Into<Sources<'a>>) -> Self {
        GroupRecord {
            record_type,
            group,
            sources: sources.into(),
            aux_data: &[],
        }
    }

    /// The Aux Data Len field: auxiliary data in 32-bit words.
    #[inline]
    pub fn aux_data_len(&self) -> usize {
        self.aux_data.len() / 4
    }

    /// Bytes the record takes in a message.
    #[inline]
    pub const fn buffer_len(&self) -> usize {
        RECORD_HEADER_LEN + self.sources.len() * 4 + self.aux_data.len()
    }
}

/// Writes one record (header, `sources`, aux data) at the start of `out`,
/// which the caller has sized; returns its length.
#[inline]
pub(crate) fn write_record(
    out: &mut [u8],
    record_type: RecordType,
    group: Ipv4Addr,
    sources: Sources<'_>,
    aux_data: &[u8],
) -> Result<usize, IgmpBuildError> {
    let count = count16("sources", sources.len())?;
    let aux = aux_words(aux_data.len())?;
    out[record::TYPE] = record_type.0;
    out[record::AUX_LEN] = aux;
    out[record::NUM_SOURCES..record::GROUP].copy_from_slice(&count.to_be_bytes());
    out[record::GROUP..record::SOURCES].copy_from_slice(&group.octets());
    let end = record::SOURCES + sources.len() * 4;
    sources.write(&mut out[record::SOURCES..end]);
    out[end..end + aux_data.len()].copy_from_slice(aux_data);
    Ok(end + aux_data.len())
}

/// Writes the report header with `count` records.
#[inline]
pub(crate) fn write_header(out: &mut [u8], reserved_1: u8, word_2: u16, count: u16) {
    out[field::TYPE] = MessageType::REPORT_V3.0;
    out[field::RESERVED_1] = reserved_1;
    out[field::RESERVED_2..field::NUM_RECORDS].copy_from_slice(&word_2.to_be_bytes());
    out[field::NUM_RECORDS..field::RECORDS].copy_from_slice(&count.to_be_bytes());
}

/// Walks `count` records from offset 8 and returns where they end, or what
/// overran ([RFC 9776 §4.2.4]).
///
/// [RFC 9776 §4.2.4]: https://www.rfc-editor.org/rfc/rfc9776#section-4.2.4
#[inline]
fn walk_records(bytes: &[u8], count: u16) -> Result<usize, IgmpError> {
    let mut rest = bytes.get(HEADER_LEN..).unwrap_or_default();
    for index in 0..usize::from(count) {
        let Some((header, body)) = rest.split_first_chunk::<RECORD_HEADER_LEN>() else {
            return Err(record_error(bytes, rest, index));
        };
        let sources =
            u16::from_be_bytes([header[record::NUM_SOURCES], header[record::NUM_SOURCES + 1]]);
        let required = (usize::from(sources) + usize::from(header[record::AUX_LEN])) * 4;
        match body.get(required..) {
            Some(next) => rest = next,
            None => return Err(record_error(bytes, rest, index)),
        }
    }
    Ok(bytes.len() - rest.len())
}

/// The error for record `index`, which starts `rest` and overruns `bytes`.
#[cold]
fn record_error(bytes: &[u8], rest: &[u8], index: usize) -> IgmpError {
    let offset = bytes.len() - rest.len();
    match rest.first_chunk::<RECORD_HEADER_LEN>() {
        None => IgmpError::RecordHeaderPastEnd {
            record: index,
            offset,
            remaining: rest.len(),
        },
        Some(header) => {
            let sources =
                u16::from_be_bytes([header[record::NUM_SOURCES], header[record::NUM_SOURCES + 1]]);
            let aux_words = header[record::AUX_LEN];
            IgmpError::RecordPastEnd {
                record: index,
                offset,
                sources,
                aux_words,
                required: (usize::from(sources) + usize::from(aux_words)) * 4,
                remaining: rest.len() - RECORD_HEADER_LEN,
            }
        }
    }
}

/// A view of an IGMPv3 Membership Report ([RFC 9776 §4.2]) whose group
/// records have all been checked to fit.
///
/// ```
/// use core::net::Ipv4Addr;
/// use ipv4_core::igmp::{GroupRecord, Message, RecordType, ReportV3Repr};
///
/// let group = Ipv4Addr::new(232, 1, 1, 1);
/// let sources = [Ipv4Addr::new(10, 0, 0, 1), Ipv4Addr::new(10, 0, 0, 2)];
/// let records = [GroupRecord::new(RecordType::MODE_IS_INCLUDE, group, &sources)];
/// let report = ReportV3Repr::new(&records);
/// let mut buf = [0u8; 64];
/// let len = report.emit(&mut buf).unwrap();
///
/// let Message::ReportV3(view) = Message::parse(&buf[..len])? else { panic!() };
/// assert_eq!(view.number_of_records(), 1);
/// assert!(view.records().eq(records.iter().copied()));
/// assert_eq!(ReportV3Repr::parse(&view), report);
/// # Ok::<(), ipv4_core::error::IgmpError>(())
/// ```
///
/// [RFC 9776 §4.2]: https://www.rfc-editor.org/rfc/rfc9776#section-4.2
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ReportV3<'a> {
    bytes: &'a [u8],
    records_end: usize,
}

impl<'a> ReportV3<'a> {
    /// Views `bytes` as an IGMPv3 report after walking every group record
    /// to check that its sources and auxiliary data fit. The type and
    /// checksum are not checked; [`Message::parse`](super::Message::parse)
    /// does both.
    #[inline]
    pub fn new_checked(bytes: &'a [u8]) -> Result<Self, IgmpError> {
        let Some(header) = bytes.first_chunk::<HEADER_LEN>() else {
            return Err(super::truncated(
                "IGMPv3 report header",
                HEADER_LEN,
                bytes.len(),
            ));
        };
        let count =
            u16::from_be_bytes([header[field::NUM_RECORDS], header[field::NUM_RECORDS + 1]]);
        let records_end = walk_records(bytes, count)?;
        Ok(ReportV3 { bytes, records_end })
    }

    /// The Type byte (`0x22` after [`Message::parse`](super::Message::parse)).
    #[inline]
    pub fn message_type(&self) -> MessageType {
        MessageType(self.bytes[field::TYPE])
    }

    /// The reserved byte after the type (sent as 0).
    #[inline]
    pub fn reserved_1(&self) -> u8 {
        self.bytes[field::RESERVED_1]
    }

    #[inline]
    fn word_2(&self) -> u16 {
        u16::from_be_bytes([
            self.bytes[field::RESERVED_2],
            self.bytes[field::RESERVED_2 + 1],
        ])
    }

    /// The 15 reserved bits after the E bit (sent as 0).
    #[inline]
    pub fn reserved_2(&self) -> u16 {
        self.word_2() & !E_BIT
    }

    /// The [RFC 9279] E bit: the bytes after the records are extension TLVs.
    ///
    /// [RFC 9279]: https://www.rfc-editor.org/rfc/rfc9279#section-3
    #[inline]
    pub fn extension_flag(&self) -> bool {
        self.word_2() & E_BIT != 0
    }

    /// The Checksum field.
    #[inline]
    pub fn checksum(&self) -> u16 {
        checksum_field(self.bytes)
    }

    /// The Number of Group Records field.
    #[inline]
    pub fn number_of_records(&self) -> u16 {
        u16::from_be_bytes([
            self.bytes[field::NUM_RECORDS],
            self.bytes[field::NUM_RECORDS + 1],
        ])
    }

    /// The group records, in order.
    #[inline]
    pub fn records(&self) -> Records<'a> {
        Records::wire(
            &self.bytes[HEADER_LEN..self.records_end],
            self.number_of_records(),
        )
    }

    /// The group records as a list a [`ReportV3Repr`] can hold.
    #[inline]
    pub fn record_list(&self) -> RecordList<'a> {
        RecordList(ListInner::Wire {
            bytes: &self.bytes[HEADER_LEN..self.records_end],
            count: self.number_of_records(),
        })
    }

    /// The bytes after the last record: Additional Data to ignore
    /// ([RFC 9776 §4.2.11]) or, with the E bit, [RFC 9279] TLVs.
    ///
    /// [RFC 9776 §4.2.11]: https://www.rfc-editor.org/rfc/rfc9776#section-4.2.11
    /// [RFC 9279]: https://www.rfc-editor.org/rfc/rfc9279#section-3
    #[inline]
    pub fn additional_data(&self) -> &'a [u8] {
        &self.bytes[self.records_end..]
    }

    /// The [RFC 9279] TLVs, when the E bit is set.
    ///
    /// [RFC 9279]: https://www.rfc-editor.org/rfc/rfc9279#section-3
    #[inline]
    pub fn extensions(&self) -> Option<Extensions<'a>> {
        self.extension_flag()
            .then(|| Extensions::new(self.additional_data(), self.records_end))
    }

    /// The whole message.
    #[inline]
    pub fn as_bytes(&self) -> &'a [u8] {
        self.bytes
    }
}

/// Iterator over the group records of a report ([RFC 9776 §4.2.4]);
/// records of unknown type are yielded too, so the caller decides to skip
/// them ([RFC 9776 §4.2.12]).
///
/// [RFC 9776 §4.2.4]: https://www.rfc-editor.org/rfc/rfc9776#section-4.2.4
/// [RFC 9776 §4.2.12]: https://www.rfc-editor.org/rfc/rfc9776#section-4.2.12
#[derive(Debug, Clone)]
pub struct Records<'a> {
    // The wire records not yet yielded (from a report validated by
    // `ReportV3::new_checked`), then the slice's; one of the two is empty.
    // Side by side rather than an enum: `next` tests no variant per record.
    rest: &'a [u8],
    left: u16,
    slice: core::slice::Iter<'a, GroupRecord<'a>>,
}

impl<'a> Records<'a> {
    /// `records` holds exactly `count` records (walked by
    /// [`walk_records`]).
    #[inline]
    fn wire(records: &'a [u8], count: u16) -> Self {
        Records {
            rest: records,
            left: count,
            slice: [].iter(),
        }
    }

    #[inline]
    fn slice(records: &'a [GroupRecord<'a>]) -> Self {
        Records {
            rest: &[],
            left: 0,
            slice: records.iter(),
        }
    }
}

impl<'a> Iterator for Records<'a> {
    type Item = GroupRecord<'a>;

    #[inline]
    fn next(&mut self) -> Option<GroupRecord<'a>> {
        if self.left == 0 {
            return self.slice.next().copied();
        }
        // The records were walked by `ReportV3::new_checked`; the checked
        // splits keep this panic-free regardless.
        let (header, body) = self.rest.split_first_chunk::<RECORD_HEADER_LEN>()?;
        let n = usize::from(u16::from_be_bytes([
            header[record::NUM_SOURCES],
            header[record::NUM_SOURCES + 1],
        ]));
        let aux = usize::from(header[record::AUX_LEN]) * 4;
        let (sources, body) = body.split_at_checked(n * 4)?;
        let (aux_data, body) = body.split_at_checked(aux)?;
        self.rest = body;
        self.left -= 1;
        Some(GroupRecord {
            record_type: RecordType(header[record::TYPE]),
            group: addr_at(header, record::GROUP),
            sources: Sources::from_whole_words(sources),
            aux_data,
        })
    }

    #[inline]
    fn size_hint(&self) -> (usize, Option<usize>) {
        let n = usize::from(self.left) + self.slice.len();
        (n, Some(n))
    }
}

impl ExactSizeIterator for Records<'_> {}
impl FusedIterator for Records<'_> {}

/// The group records of a [`ReportV3Repr`]: a caller's slice, or the
/// records of a parsed report (zero-copy). Both compare equal when they
/// hold equal records in the same order ([RFC 9776 §4.2]).
///
/// [RFC 9776 §4.2]: https://www.rfc-editor.org/rfc/rfc9776#section-4.2
#[derive(Clone, Copy)]
pub struct RecordList<'a>(ListInner<'a>);

#[derive(Clone, Copy)]
enum ListInner<'a> {
    /// The records of a validated report, without the report header.
    Wire {
        bytes: &'a [u8],
        count: u16,
    },
    Slice(&'a [GroupRecord<'a>]),
}

impl<'a> RecordList<'a> {
    /// A list over the caller's records.
    #[inline]
    pub const fn from_slice(records: &'a [GroupRecord<'a>]) -> Self {
        RecordList(ListInner::Slice(records))
    }

    /// Number of records.
    #[inline]
    pub fn len(&self) -> usize {
        match self.0 {
            ListInner::Wire { count, .. } => usize::from(count),
            ListInner::Slice(s) => s.len(),
        }
    }

    /// Whether there are no records.
    #[inline]
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Iterates over the records.
    #[inline]
    pub fn iter(&self) -> Records<'a> {
        match self.0 {
            ListInner::Wire { bytes, count } => Records::wire(bytes, count),
            ListInner::Slice(s) => Records::slice(s),
        }
    }

    /// Bytes the records take in a message.
    #[inline]
    pub fn buffer_len(&self) -> usize {
        match self.0 {
            ListInner::Wire { bytes, .. } => bytes.len(),
            ListInner::Slice(s) => s.iter().map(GroupRecord::buffer_len).sum(),
        }
    }
}

/// A list over any borrowed run of records: a slice, an array, a `Vec`, a
/// boxed slice, so [`ReportV3Repr::new`] takes `&records` whatever holds
/// them (the core allocates nothing; it only borrows).
///
/// ```
/// use core::net::Ipv4Addr;
/// use ipv4_core::igmp::{GroupRecord, RecordType, ReportV3Repr};
///
/// let sources = [Ipv4Addr::new(198, 51, 100, 7)];
/// let records: Vec<GroupRecord> = vec![
///     GroupRecord::new(RecordType::ALLOW_NEW_SOURCES, Ipv4Addr::new(232, 1, 1, 1), &sources),
/// ];
/// let report = ReportV3Repr::new(&records);
/// assert_eq!(report.records.len(), 1);
/// assert_eq!(report.buffer_len(), 8 + 12);
/// ```
impl<'a, T> From<&'a T> for RecordList<'a>
where
    T: AsRef<[GroupRecord<'a>]> + ?Sized,
{
    #[inline]
    fn from(records: &'a T) -> Self {
        RecordList::from_slice(records.as_ref())
    }
}

impl<'a> IntoIterator for RecordList<'a> {
    type Item = GroupRecord<'a>;
    type IntoIter = Records<'a>;
    #[inline]
    fn into_iter(self) -> Records<'a> {
        self.iter()
    }
}

impl PartialEq for RecordList<'_> {
    #[inline]
    fn eq(&self, other: &Self) -> bool {
        self.len() == other.len() && self.iter().eq(other.iter())
    }
}

impl Eq for RecordList<'_> {}

impl fmt::Debug for RecordList<'_> {
    #[inline]
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_list().entries(self.iter()).finish()
    }
}

/// An IGMPv3 report to build, or one parsed ([RFC 9776 §4.2]).
///
/// Every bit of the message is a field, so `parse` then `emit` gives the
/// received bytes back. For reports that may exceed the link MTU, use
/// [`ReportSplitter`](super::ReportSplitter).
///
/// [RFC 9776 §4.2]: https://www.rfc-editor.org/rfc/rfc9776#section-4.2
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ReportV3Repr<'a> {
    /// The reserved byte after the type.
    pub reserved_1: u8,
    /// The [RFC 9279] E bit.
    ///
    /// [RFC 9279]: https://www.rfc-editor.org/rfc/rfc9279#section-3
    pub extension: bool,
    /// The 15 reserved bits after the E bit (the top bit of this value is
    /// not sent).
    pub reserved_2: u16,
    /// The group records.
    pub records: RecordList<'a>,
    /// Bytes after the records (TLVs when `extension` is set).
    pub additional_data: &'a [u8],
}

impl<'a> ReportV3Repr<'a> {
    /// A report of `records`, reserved fields 0, no extension.
    #[inline]
    pub fn new(records: impl Into<RecordList<'a>>) -> Self {
        ReportV3Repr {
            reserved_1: 0,
            extension: false,
            reserved_2: 0,
            records: records.into(),
            additional_data: &[],
        }
    }

    /// The fields of a parsed report.
    #[inline]
    pub fn parse(view: &ReportV3<'a>) -> Self {
        ReportV3Repr {
            reserved_1: view.reserved_1(),
            extension: view.extension_flag(),
            reserved_2: view.reserved_2(),
            records: view.record_list(),
            additional_data: view.additional_data(),
        }
    }

    /// Bytes [`emit`](Self::emit) writes.
    #[inline]
    pub fn buffer_len(&self) -> usize {
        HEADER_LEN + self.records.buffer_len() + self.additional_data.len()
    }

    /// Writes the report with its checksum into the start of `buf`; returns
    /// its length.
    #[inline]
    pub fn emit(&self, buf: &mut [u8]) -> Result<usize, IgmpBuildError> {
        let count = count16("group records", self.records.len())?;
        let len = self.buffer_len();
        let out = take(buf, len, "IGMPv3 report")?;
        let word_2 = if self.extension { E_BIT } else { 0 } | (self.reserved_2 & !E_BIT);
        write_header(out, self.reserved_1, word_2, count);
        let mut at = HEADER_LEN;
        for r in self.records.iter() {
            at += write_record(
                &mut out[at..],
                r.record_type,
                r.group,
                r.sources,
                r.aux_data,
            )?;
        }
        out[at..].copy_from_slice(self.additional_data);
        fill_checksum(out);
        Ok(len)
    }
}
