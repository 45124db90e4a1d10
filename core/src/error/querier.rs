//! Errors of the IGMP querier state machine
//! ([`igmp::querier`](crate::igmp::querier)).

use core::fmt;
use core::net::Ipv4Addr;

use super::IgmpBuildError;

/// Why the querier could not take in a report or write a query.
///
/// The tables have a fixed capacity (const generics of
/// [`Querier`](crate::igmp::querier::Querier)); when a report would need
/// more room, the record that needed it is not applied (the group's state
/// stays as it was) and this error says which group and which table. The
/// other records of the same report are still applied.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum QuerierError {
    /// A report names a group the table has no room for.
    GroupTableFull {
        /// The group that has no record.
        group: Ipv4Addr,
        /// Groups the table holds.
        capacity: usize,
    },
    /// A report would give a group more source records than it can hold.
    SourceTableFull {
        /// The group whose record was left as it was.
        group: Ipv4Addr,
        /// Source records a group holds.
        capacity: usize,
    },
    /// A query could not be written into the caller's buffer.
    Build(IgmpBuildError),
}

impl From<IgmpBuildError> for QuerierError {
    fn from(e: IgmpBuildError) -> Self {
        QuerierError::Build(e)
    }
}

impl fmt::Display for QuerierError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match *self {
            QuerierError::GroupTableFull { group, capacity } => write!(
                f,
                "the querier's table already holds {capacity} groups, so a report for \
                 {group} was not applied"
            ),
            QuerierError::SourceTableFull { group, capacity } => write!(
                f,
                "a report would give group {group} more than {capacity} source records, \
                 so it was not applied"
            ),
            QuerierError::Build(e) => write!(f, "a query could not be written: {e}"),
        }
    }
}

impl core::error::Error for QuerierError {
    fn source(&self) -> Option<&(dyn core::error::Error + 'static)> {
        match self {
            QuerierError::Build(e) => Some(e),
            _ => None,
        }
    }
}
