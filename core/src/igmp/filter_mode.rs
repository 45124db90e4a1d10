//! [`FilterMode`]: a socket's or a host's filter mode for one group
//! ([RFC 3376 §3.1], [RFC 9776 §3.1]), the model of both the IGMPv3
//! records and the multicast source filter API ([RFC 3678 §5.2]).
//!
//! [RFC 3376 §3.1]: https://www.rfc-editor.org/rfc/rfc3376#section-3.1
//! [RFC 9776 §3.1]: https://www.rfc-editor.org/rfc/rfc9776#section-3.1
//! [RFC 3678 §5.2]: https://www.rfc-editor.org/rfc/rfc3678#section-5.2

use core::fmt;

use super::RecordType;

/// Whether a source list names the sources to receive from (`INCLUDE`) or
/// the sources not to receive from (`EXCLUDE`) ([RFC 9776 §3.1]).
///
/// `EXCLUDE` with no sources is an any-source membership; `INCLUDE` with
/// no sources is no membership at all. A group record of an IGMPv3 report
/// carries the mode in its record type:
///
/// ```
/// use ipv4_core::igmp::{FilterMode, RecordType};
///
/// assert_eq!(FilterMode::Include.current_state_record(), RecordType::MODE_IS_INCLUDE);
/// assert_eq!(FilterMode::Exclude.change_record(), RecordType::CHANGE_TO_EXCLUDE_MODE);
/// assert_eq!(RecordType::CHANGE_TO_INCLUDE_MODE.filter_mode(), Some(FilterMode::Include));
/// assert_eq!(RecordType::ALLOW_NEW_SOURCES.filter_mode(), None);
/// ```
///
/// [RFC 9776 §3.1]: https://www.rfc-editor.org/rfc/rfc9776#section-3.1
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum FilterMode {
    /// Receive only from the listed sources.
    Include,
    /// Receive from every source but the listed ones.
    Exclude,
}

impl FilterMode {
    /// The Current-State Record type that reports this mode
    /// (`MODE_IS_INCLUDE` or `MODE_IS_EXCLUDE`, [RFC 9776 §4.2.12]).
    ///
    /// [RFC 9776 §4.2.12]: https://www.rfc-editor.org/rfc/rfc9776#section-4.2.12
    pub const fn current_state_record(self) -> RecordType {
        match self {
            FilterMode::Include => RecordType::MODE_IS_INCLUDE,
            FilterMode::Exclude => RecordType::MODE_IS_EXCLUDE,
        }
    }

    /// The Filter-Mode-Change Record type that reports a change to this
    /// mode (`CHANGE_TO_INCLUDE_MODE` or `CHANGE_TO_EXCLUDE_MODE`).
    pub const fn change_record(self) -> RecordType {
        match self {
            FilterMode::Include => RecordType::CHANGE_TO_INCLUDE_MODE,
            FilterMode::Exclude => RecordType::CHANGE_TO_EXCLUDE_MODE,
        }
    }
}

impl RecordType {
    /// The filter mode a Current-State or Filter-Mode-Change record
    /// reports; `None` for a Source-List-Change record (whose mode is
    /// unchanged) and for an unknown type.
    pub const fn filter_mode(self) -> Option<FilterMode> {
        match self.0 {
            1 | 3 => Some(FilterMode::Include),
            2 | 4 => Some(FilterMode::Exclude),
            _ => None,
        }
    }
}

impl fmt::Display for FilterMode {
    /// `INCLUDE` or `EXCLUDE`, as the RFCs write it.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            FilterMode::Include => "INCLUDE",
            FilterMode::Exclude => "EXCLUDE",
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn modes_and_record_types_agree() {
        for mode in [FilterMode::Include, FilterMode::Exclude] {
            assert_eq!(mode.current_state_record().filter_mode(), Some(mode));
            assert_eq!(mode.change_record().filter_mode(), Some(mode));
        }
        for t in [0, 5, 6, 7, 255] {
            assert_eq!(RecordType(t).filter_mode(), None);
        }
    }
}
