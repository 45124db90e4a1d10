//! Older hosts on the link ([RFC 9776 §7.3.2]): IGMPv1 and IGMPv2
//! reports and leaves mapped onto IGMPv3 records, and the records an
//! older-version group ignores or truncates.
//!
//! | message | IGMPv3 equivalent |
//! |---|---|
//! | IGMPv1 report | IS_EX({}), and the IGMPv1 Host Present timer set |
//! | IGMPv2 report | IS_EX({}), and the IGMPv2 Host Present timer set |
//! | IGMPv2 leave | TO_IN({}); ignored in IGMPv1 mode |
//!
//! While a group is in IGMPv2 mode, BLOCK records are ignored and TO_EX
//! loses its sources; in IGMPv1 mode TO_IN records are ignored too.
//!
//! [RFC 9776 §7.3.2]: https://www.rfc-editor.org/rfc/rfc9776#section-7.3.2

use crate::igmp::{RecordType, Sources};

/// A group's compatibility mode: the oldest IGMP version whose hosts
/// reported the group in the last Older Host Present Interval
/// ([RFC 9776 §7.3.2]).
///
/// [RFC 9776 §7.3.2]: https://www.rfc-editor.org/rfc/rfc9776#section-7.3.2
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Compatibility {
    /// An IGMPv1 host is present.
    V1,
    /// An IGMPv2 host is present, no IGMPv1 one.
    V2,
    /// Only IGMPv3 hosts: source filtering in full.
    V3,
}

/// The record a group in `mode` acts on in place of `record_type` with
/// `sources`, or `None` when the group ignores it.
pub(super) fn translate<'a>(
    mode: Compatibility,
    record_type: RecordType,
    sources: Sources<'a>,
) -> Option<(RecordType, Sources<'a>)> {
    match (mode, record_type) {
        (Compatibility::V3, _) => Some((record_type, sources)),
        (_, RecordType::BLOCK_OLD_SOURCES) => None,
        (Compatibility::V1, RecordType::CHANGE_TO_INCLUDE_MODE) => None,
        (_, RecordType::CHANGE_TO_EXCLUDE_MODE) => Some((record_type, Sources::EMPTY)),
        _ => Some((record_type, sources)),
    }
}
