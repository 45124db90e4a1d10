//! Errors of the IGMP group-member state machine,
//! [`igmp::host::Host`](crate::igmp::host::Host).

use core::fmt;
use core::net::Ipv4Addr;

use super::{BufferTooSmall, IgmpBuildError};

/// Why the IGMP host state machine refused a request or could not write a
/// packet ([RFC 9776 §3, §5]).
///
/// A refused request changes nothing: the sockets' filters and the
/// interface state stay as they were.
///
/// [RFC 9776 §3, §5]: https://www.rfc-editor.org/rfc/rfc9776#section-3
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum IgmpHostError {
    /// Every group slot is taken (by joined groups, or by groups left
    /// whose last reports are still being sent).
    GroupTableFull {
        /// The group that found no slot.
        group: Ipv4Addr,
        /// The number of group slots (the `GROUPS` parameter).
        capacity: usize,
    },
    /// Every socket slot of the group is taken.
    SocketTableFull {
        /// The group.
        group: Ipv4Addr,
        /// The number of socket slots per group (the `SOCKETS` parameter).
        capacity: usize,
    },
    /// A source list would exceed its capacity: a socket's, or the union
    /// of the INCLUDE-mode sockets' lists (kept within the capacity in
    /// either filter mode, so that any socket can always leave).
    SourceListFull {
        /// The group.
        group: Ipv4Addr,
        /// The number of sources a list holds (the `SOURCES` parameter).
        capacity: usize,
    },
    /// The group is not a multicast address, or is 224.0.0.1, which is
    /// never reported ([RFC 9776 §5]).
    ///
    /// [RFC 9776 §5]: https://www.rfc-editor.org/rfc/rfc9776#section-5
    InvalidGroup {
        /// The address given as the group.
        group: Ipv4Addr,
    },
    /// A source is not a unicast address (multicast, 0.0.0.0 or
    /// 255.255.255.255).
    InvalidSource {
        /// The address given as a source.
        source: Ipv4Addr,
    },
    /// The socket has no membership of the group to change.
    NotJoined {
        /// The socket's number.
        socket: u32,
        /// The group.
        group: Ipv4Addr,
    },
    /// A source-specific change does not fit the socket's filter mode:
    /// blocking or unblocking a source needs EXCLUDE mode (an any-source
    /// join), adding or dropping an included source needs INCLUDE mode
    /// ([RFC 3678 §4.1.3]).
    ///
    /// [RFC 3678 §4.1.3]: https://www.rfc-editor.org/rfc/rfc3678#section-4.1.3
    WrongFilterMode {
        /// The socket's number.
        socket: u32,
        /// The group.
        group: Ipv4Addr,
    },
    /// The packet buffer is shorter than the link MTU the host writes
    /// reports up to.
    BufferTooSmall(BufferTooSmall),
    /// A message could not be built (not expected with a buffer of the
    /// MTU's size).
    Build(IgmpBuildError),
}

impl From<IgmpBuildError> for IgmpHostError {
    fn from(e: IgmpBuildError) -> Self {
        IgmpHostError::Build(e)
    }
}

impl fmt::Display for IgmpHostError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match *self {
            IgmpHostError::GroupTableFull { group, capacity } => write!(
                f,
                "cannot add group {group}: all {capacity} group slots are in use"
            ),
            IgmpHostError::SocketTableFull { group, capacity } => write!(
                f,
                "cannot add another socket to group {group}: all {capacity} socket slots are in use"
            ),
            IgmpHostError::SourceListFull { group, capacity } => write!(
                f,
                "a source list of group {group} would hold more than {capacity} sources"
            ),
            IgmpHostError::InvalidGroup { group } => write!(
                f,
                "{group} cannot be joined: it is not a multicast group other than 224.0.0.1"
            ),
            IgmpHostError::InvalidSource { source } => {
                write!(
                    f,
                    "{source} cannot be a source: sources are unicast addresses"
                )
            }
            IgmpHostError::NotJoined { socket, group } => {
                write!(f, "socket {socket} has no membership of group {group}")
            }
            IgmpHostError::WrongFilterMode { socket, group } => write!(
                f,
                "socket {socket}'s filter mode for group {group} does not allow this source change"
            ),
            IgmpHostError::BufferTooSmall(e) => e.fmt(f),
            IgmpHostError::Build(e) => e.fmt(f),
        }
    }
}

impl core::error::Error for IgmpHostError {
    fn source(&self) -> Option<&(dyn core::error::Error + 'static)> {
        match self {
            IgmpHostError::BufferTooSmall(e) => Some(e),
            IgmpHostError::Build(e) => Some(e),
            _ => None,
        }
    }
}
