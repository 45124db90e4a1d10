//! Route-option processing for forwarders ([RFC 791 §3.1], [RFC 1812
//! §4.2.2.1]): record an address, follow a source route, add a timestamp —
//! in place, advancing the pointer.
//!
//! Two levels:
//!
//! * [`record_route`], [`advance_source_route`] and [`add_timestamp`] edit
//!   one option's bytes (type byte first, exactly its length long).
//! * [`HeaderView::record_route`], [`HeaderView::advance_source_route`] and
//!   [`HeaderView::add_timestamp`] find the option in a header and keep the
//!   header checksum right incrementally ([RFC 1624]) instead of summing the
//!   header again; the source route one also rewrites the destination
//!   address. [`record_route_in_header`], [`advance_source_route_in_header`]
//!   and [`add_timestamp_in_header`] do the same on a header's raw bytes.
//!
//! Every function validates the option strictly first, so a malformed one
//! comes back as the [`OptionError`] whose
//! [`problem_offset`](OptionError::problem_offset) an ICMP Parameter
//! Problem reports, and nothing is written.
//!
//! ```
//! use core::net::Ipv4Addr;
//! use ipv4_core::header::HeaderView;
//! use ipv4_core::options::forward::RecordOutcome;
//!
//! // A 32-byte header whose options are a two-slot Record Route and padding.
//! let mut packet = [
//!     0x48, 0, 0, 32, 0, 1, 0, 0, 64, 17, 0, 0, 192, 0, 2, 1, 198, 51, 100, 7,
//!     7, 11, 4, 0, 0, 0, 0, 0, 0, 0, 0, 0,
//! ];
//! let mut header = HeaderView::new_checked(&mut packet[..]).unwrap();
//! header.fill_checksum();
//!
//! let me = Ipv4Addr::new(203, 0, 113, 1);
//! let outcome = header.record_route(me).unwrap();
//! assert_eq!(outcome, Some(RecordOutcome::Recorded { slot: 0 }));
//! assert_eq!(header.options()[..7], [7, 11, 8, 203, 0, 113, 1]);
//! assert!(header.verify_checksum());
//! ```
//!
//! [`HeaderView::record_route`]: crate::header::HeaderView::record_route
//! [`HeaderView::advance_source_route`]: crate::header::HeaderView::advance_source_route
//! [`HeaderView::add_timestamp`]: crate::header::HeaderView::add_timestamp
//! [RFC 791 §3.1]: https://www.rfc-editor.org/rfc/rfc791#section-3.1
//! [RFC 1812 §4.2.2.1]: https://www.rfc-editor.org/rfc/rfc1812#section-4.2.2.1
//! [RFC 1624]: https://www.rfc-editor.org/rfc/rfc1624

use core::net::Ipv4Addr;

use super::Options;
use super::frame::frame_one;
use super::kind::OptionKind;
use super::route::{self, RouteKind};
use super::timestamp::{self, TimestampFlag, TimestampValue};
use crate::error::OptionError;
use crate::header::HeaderView;

/// What [`record_route`] did ([RFC 791 §3.1], Record Route).
///
/// [RFC 791 §3.1]: https://www.rfc-editor.org/rfc/rfc791#section-3.1
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum RecordOutcome {
    /// The address went into slot `slot` (zero-based) and the pointer
    /// moved past it.
    Recorded {
        /// The slot written.
        slot: usize,
    },
    /// The route was full; RFC 791 forwards the datagram unchanged.
    Full,
}

/// What [`advance_source_route`] did ([RFC 791 §3.1], Loose and Strict
/// Source Route).
///
/// [RFC 791 §3.1]: https://www.rfc-editor.org/rfc/rfc791#section-3.1
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum SourceRouteOutcome {
    /// The datagram goes on to `next_hop`: it was taken from the slot at
    /// the pointer, which now holds the forwarder's address, and the pointer
    /// moved past it. The header's destination must become `next_hop`
    /// (the `_in_header` form does that).
    NextHop {
        /// The new destination.
        next_hop: Ipv4Addr,
        /// The slot used.
        slot: usize,
    },
    /// The route is used up: the header's destination is the final one.
    Exhausted,
}

/// What [`add_timestamp`] did ([RFC 791 §3.1], Internet Timestamp).
///
/// [RFC 791 §3.1]: https://www.rfc-editor.org/rfc/rfc791#section-3.1
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum TimestampOutcome {
    /// The entry `slot` (zero-based) was filled and the pointer moved past
    /// it.
    Recorded {
        /// The entry written.
        slot: usize,
    },
    /// The option was full; the overflow counter is now `overflow`.
    Counted {
        /// The new overflow counter.
        overflow: u8,
    },
    /// Flag 3 and the next prespecified address is not this router's:
    /// nothing changed.
    NotListed,
}

fn route_kind_of(option: &[u8]) -> Result<RouteKind, OptionError> {
    let kind = frame_one(option)?;
    RouteKind::from_option_kind(OptionKind(kind)).ok_or(OptionError::UnexpectedKind {
        offset: 0,
        expected: "a route option (type 7, 131 or 137)",
        found: kind,
    })
}

/// The pointer past the route slot at `pointer`.
///
/// Only a 255-byte route (63 slots, possible outside a header's 40 option
/// bytes) has a last slot at pointer 252, which no pointer byte can pass;
/// that slot is refused rather than the pointer wrapped to 0.
fn advanced_pointer(kind: u8, pointer: usize) -> Result<u8, OptionError> {
    u8::try_from(pointer + 4).map_err(|_| OptionError::BadLength {
        kind,
        offset: 0,
        length: u8::MAX,
        expected: "3 + 4n up to 251, so the pointer can pass the last slot",
    })
}

/// Records `address` in a Record Route option (or, for a source route, in
/// the slot at its pointer) and advances the pointer ([RFC 791 §3.1]).
///
/// `option` is the whole option. A full route is left as it is.
///
/// [RFC 791 §3.1]: https://www.rfc-editor.org/rfc/rfc791#section-3.1
pub fn record_route(option: &mut [u8], address: Ipv4Addr) -> Result<RecordOutcome, OptionError> {
    route_kind_of(option)?;
    route::check(option, 0)?;
    let (kind, pointer) = (option[0], usize::from(option[2]));
    match option.get_mut(pointer - 1..pointer + 3) {
        Some(slot) => {
            let next = advanced_pointer(kind, pointer)?;
            slot.copy_from_slice(&address.octets());
            option[2] = next;
            Ok(RecordOutcome::Recorded {
                slot: (pointer - 4) / 4,
            })
        }
        None => Ok(RecordOutcome::Full),
    }
}

/// Follows a Loose or Strict Source Route at the router that is the
/// header's current destination ([RFC 791 §3.1], [RFC 1812 §4.2.2.1]):
/// takes the next hop from the slot at the pointer, writes `own` (the
/// address of the interface the datagram leaves by) into that slot and
/// advances the pointer.
///
/// For a strict route the caller must check that the next hop is directly
/// reachable (RFC 1812 sends ICMP Destination Unreachable, Source
/// Route Failed, otherwise).
///
/// [RFC 791 §3.1]: https://www.rfc-editor.org/rfc/rfc791#section-3.1
/// [RFC 1812 §4.2.2.1]: https://www.rfc-editor.org/rfc/rfc1812#section-4.2.2.1
pub fn advance_source_route(
    option: &mut [u8],
    own: Ipv4Addr,
) -> Result<SourceRouteOutcome, OptionError> {
    let kind = route_kind_of(option)?;
    if !kind.is_source_route() {
        return Err(OptionError::UnexpectedKind {
            offset: 0,
            expected: "a source route option (type 131 or 137)",
            found: option[0],
        });
    }
    route::check(option, 0)?;
    let (kind, pointer) = (option[0], usize::from(option[2]));
    match option.get_mut(pointer - 1..pointer + 3) {
        Some(slot) => {
            let advanced = advanced_pointer(kind, pointer)?;
            let mut next = [0u8; 4];
            next.copy_from_slice(slot);
            slot.copy_from_slice(&own.octets());
            option[2] = advanced;
            Ok(SourceRouteOutcome::NextHop {
                next_hop: Ipv4Addr::from(next),
                slot: (pointer - 4) / 4,
            })
        }
        None => Ok(SourceRouteOutcome::Exhausted),
    }
}

/// Adds this router's timestamp to a Timestamp option ([RFC 791 §3.1]):
/// flag 0 writes `time`; flag 1 writes `own` and `time`; flag 3 writes
/// `time` only if the next prespecified address is `own`. When the option
/// is full the overflow counter goes up instead, and a counter already at
/// 15 is an [`OptionError::TimestampOverflow`] (the datagram is discarded).
///
/// [RFC 791 §3.1]: https://www.rfc-editor.org/rfc/rfc791#section-3.1
pub fn add_timestamp(
    option: &mut [u8],
    own: Ipv4Addr,
    time: TimestampValue,
) -> Result<TimestampOutcome, OptionError> {
    let kind = frame_one(option)?;
    if kind != OptionKind::TIMESTAMP.0 {
        return Err(OptionError::UnexpectedKind {
            offset: 0,
            expected: "a Timestamp option (type 68)",
            found: kind,
        });
    }
    let flag = timestamp::check(option, 0)?;
    let pointer = usize::from(option[2]);
    let entry = flag.entry_len();
    let slot = (pointer - 5) / entry;
    let Some(span) = option.get_mut(pointer - 1..pointer - 1 + entry) else {
        let overflow = option[3] >> 4;
        if overflow == 15 {
            return Err(OptionError::TimestampOverflow { offset: 0 });
        }
        option[3] += 0x10;
        return Ok(TimestampOutcome::Counted {
            overflow: overflow + 1,
        });
    };
    let time = time.0.to_be_bytes();
    match flag {
        TimestampFlag::TimestampsOnly => span.copy_from_slice(&time),
        TimestampFlag::AddressAndTimestamp => {
            span[..4].copy_from_slice(&own.octets());
            span[4..].copy_from_slice(&time);
        }
        TimestampFlag::Prespecified => {
            if span[..4] != own.octets() {
                return Ok(TimestampOutcome::NotListed);
            }
            span[4..].copy_from_slice(&time);
        }
    }
    option[2] += entry as u8;
    Ok(TimestampOutcome::Recorded { slot })
}

/// Finds the first option of one of `kinds` in the options area `area`
/// (whose first byte is at offset `base` of the header) and runs `edit` on
/// it. `Ok(None)` if there is no such option. Errors carry header offsets.
pub(crate) fn edit_first<T>(
    area: &mut [u8],
    base: usize,
    kinds: &[OptionKind],
    edit: impl FnOnce(&mut [u8]) -> Result<T, OptionError>,
) -> Result<Option<T>, OptionError> {
    let mut found = None;
    let mut at = 0;
    for item in Options::new(area).with_base(base) {
        let item = item?;
        if kinds.contains(&item.kind()) {
            found = Some((at, item.buffer_len()));
            break;
        }
        at += item.buffer_len();
    }
    let Some((at, len)) = found else {
        return Ok(None);
    };
    match area.get_mut(at..at + len) {
        Some(option) => edit(option).map(Some).map_err(|e| e.shifted(base + at)),
        None => Ok(None),
    }
}

/// [`HeaderView::record_route`] on raw header bytes: the IHL says where the
/// options end; a header whose IHL the slice cannot hold has no options to
/// edit (`Ok(None)`).
///
/// [`HeaderView::record_route`]: crate::header::HeaderView::record_route
pub fn record_route_in_header(
    header: &mut [u8],
    address: Ipv4Addr,
) -> Result<Option<RecordOutcome>, OptionError> {
    HeaderView::new_unchecked(header).record_route(address)
}

/// [`HeaderView::advance_source_route`] on raw header bytes (see
/// [`record_route_in_header`]).
///
/// [`HeaderView::advance_source_route`]: crate::header::HeaderView::advance_source_route
pub fn advance_source_route_in_header(
    header: &mut [u8],
    own: Ipv4Addr,
) -> Result<Option<SourceRouteOutcome>, OptionError> {
    HeaderView::new_unchecked(header).advance_source_route(own)
}

/// [`HeaderView::add_timestamp`] on raw header bytes (see
/// [`record_route_in_header`]).
///
/// [`HeaderView::add_timestamp`]: crate::header::HeaderView::add_timestamp
pub fn add_timestamp_in_header(
    header: &mut [u8],
    own: Ipv4Addr,
    time: TimestampValue,
) -> Result<Option<TimestampOutcome>, OptionError> {
    HeaderView::new_unchecked(header).add_timestamp(own, time)
}

#[cfg(test)]
mod tests {
    use super::*;

    const ME: Ipv4Addr = Ipv4Addr::new(203, 0, 113, 1);

    #[test]
    fn last_slot_of_a_255_byte_route_is_refused_not_wrapped() {
        // Found by fuzzing: a 63-slot route's last slot is at pointer 252,
        // and moving past it overflowed the pointer byte.
        for kind in [7, 131, 137] {
            let mut option = [0u8; 255];
            option[..3].copy_from_slice(&[kind, 255, 252]);
            let before = option;
            let own = Ipv4Addr::new(203, 0, 113, 1);
            let err = record_route(&mut option, own).unwrap_err();
            assert!(matches!(err, OptionError::BadLength { length: 255, .. }));
            assert_eq!(err.kind(), kind);
            if kind != 7 {
                assert_eq!(advance_source_route(&mut option, own), Err(err));
            }
            assert_eq!(option, before, "nothing written");
            // One slot earlier still records.
            option[2] = 248;
            assert_eq!(
                record_route(&mut option, own),
                Ok(RecordOutcome::Recorded { slot: 61 })
            );
            assert_eq!(option[2], 252);
        }
    }

    #[test]
    fn record_route_fills_then_reports_full() {
        let mut rr = [7, 7, 4, 0, 0, 0, 0];
        assert_eq!(
            record_route(&mut rr, ME),
            Ok(RecordOutcome::Recorded { slot: 0 })
        );
        assert_eq!(rr, [7, 7, 8, 203, 0, 113, 1]);
        assert_eq!(record_route(&mut rr, ME), Ok(RecordOutcome::Full));
        assert_eq!(rr, [7, 7, 8, 203, 0, 113, 1]);
        let mut bad = [7, 7, 5, 0, 0, 0, 0];
        assert!(matches!(
            record_route(&mut bad, ME),
            Err(OptionError::BadPointer { .. })
        ));
        assert_eq!(bad, [7, 7, 5, 0, 0, 0, 0]);
    }

    #[test]
    fn source_route_swaps_in_our_address() {
        let mut lsrr = [131, 11, 4, 10, 0, 0, 2, 10, 0, 0, 3];
        assert_eq!(
            advance_source_route(&mut lsrr, ME),
            Ok(SourceRouteOutcome::NextHop {
                next_hop: Ipv4Addr::new(10, 0, 0, 2),
                slot: 0
            })
        );
        assert_eq!(lsrr, [131, 11, 8, 203, 0, 113, 1, 10, 0, 0, 3]);
        advance_source_route(&mut lsrr, ME).unwrap();
        assert_eq!(
            advance_source_route(&mut lsrr, ME),
            Ok(SourceRouteOutcome::Exhausted)
        );
        assert!(advance_source_route(&mut [7, 3, 4], ME).is_err());
    }

    #[test]
    fn raw_header_wrappers_keep_the_checksum() {
        // IHL 7: NOP, then a one-slot Record Route.
        let mut h = [
            0x47, 0, 0, 28, 0, 1, 0, 0, 64, 17, 0, 0, 192, 0, 2, 1, 198, 51, 100, 7, 1, 7, 7, 4, 0,
            0, 0, 0,
        ];
        let sum = crate::checksum::checksum(&h);
        h[10..12].copy_from_slice(&sum.to_be_bytes());
        assert_eq!(
            record_route_in_header(&mut h, ME),
            Ok(Some(RecordOutcome::Recorded { slot: 0 }))
        );
        assert!(crate::checksum::verify(&h));
        assert_eq!(
            add_timestamp_in_header(&mut h, ME, TimestampValue(1)),
            Ok(None)
        );
        assert_eq!(advance_source_route_in_header(&mut h, ME), Ok(None));
        // Too short for its IHL, or for a header at all: nothing to edit.
        assert_eq!(record_route_in_header(&mut h[..24], ME), Ok(None));
        assert_eq!(record_route_in_header(&mut [0x4f; 10], ME), Ok(None));
    }

    #[test]
    fn timestamps_fill_count_and_overflow() {
        let mut ts = [68, 8, 5, 0xe0, 0, 0, 0, 0];
        assert_eq!(
            add_timestamp(&mut ts, ME, TimestampValue(0x01020304)),
            Ok(TimestampOutcome::Recorded { slot: 0 })
        );
        assert_eq!(ts, [68, 8, 9, 0xe0, 1, 2, 3, 4]);
        assert_eq!(
            add_timestamp(&mut ts, ME, TimestampValue(9)),
            Ok(TimestampOutcome::Counted { overflow: 15 })
        );
        assert_eq!(
            add_timestamp(&mut ts, ME, TimestampValue(9)),
            Err(OptionError::TimestampOverflow { offset: 0 })
        );
        let mut pre = [
            68, 20, 5, 3, 10, 0, 0, 9, 0, 0, 0, 0, 203, 0, 113, 1, 0, 0, 0, 0,
        ];
        assert_eq!(
            add_timestamp(&mut pre, ME, TimestampValue(7)),
            Ok(TimestampOutcome::NotListed)
        );
        pre[2] = 13;
        assert_eq!(
            add_timestamp(&mut pre, ME, TimestampValue(7)),
            Ok(TimestampOutcome::Recorded { slot: 1 })
        );
        assert_eq!(pre[16..], [0, 0, 0, 7]);
        let mut with_addr = [68, 12, 5, 1, 0, 0, 0, 0, 0, 0, 0, 0];
        add_timestamp(&mut with_addr, ME, TimestampValue(1)).unwrap();
        assert_eq!(with_addr, [68, 12, 13, 1, 203, 0, 113, 1, 0, 0, 0, 1]);
    }
}
