//! Route-option processing for forwarders ([RFC 791 §3.1], [RFC 1812
//! §5.2.4]): record an address, follow a source route, add a timestamp —
//! in place, advancing the pointer.
//!
//! Two levels:
//!
//! * [`record_route`], [`advance_source_route`] and [`add_timestamp`] edit
//!   one option's bytes (type byte first, exactly its length long).
//! * [`record_route_in_header`], [`advance_source_route_in_header`] and
//!   [`add_timestamp_in_header`] find the option in a whole IPv4 header
//!   and keep the header checksum right incrementally ([RFC 1624]) instead
//!   of summing the header again; the source route one also rewrites the
//!   destination address.
//!
//! Every function validates the option strictly first, so a malformed one
//! comes back as the [`OptionError`] whose
//! [`problem_offset`](OptionError::problem_offset) an ICMP Parameter
//! Problem reports, and nothing is written.
//!
//! ```
//! use core::net::Ipv4Addr;
//! use ipv4_core::checksum;
//! use ipv4_core::options::forward::{record_route_in_header, RecordOutcome};
//!
//! // A 32-byte header whose options are a two-slot Record Route and padding.
//! let mut header = [
//!     0x48, 0, 0, 32, 0, 1, 0, 0, 64, 17, 0, 0, 192, 0, 2, 1, 198, 51, 100, 7,
//!     7, 11, 4, 0, 0, 0, 0, 0, 0, 0, 0, 0,
//! ];
//! let sum = checksum::checksum(&header);
//! header[10..12].copy_from_slice(&sum.to_be_bytes());
//!
//! let me = Ipv4Addr::new(203, 0, 113, 1);
//! let outcome = record_route_in_header(&mut header, me).unwrap();
//! assert_eq!(outcome, Some(RecordOutcome::Recorded { slot: 0 }));
//! assert_eq!(header[20..27], [7, 11, 8, 203, 0, 113, 1]);
//! assert!(checksum::verify(&header));
//! ```
//!
//! [RFC 791 §3.1]: https://www.rfc-editor.org/rfc/rfc791#section-3.1
//! [RFC 1812 §5.2.4]: https://www.rfc-editor.org/rfc/rfc1812#section-5.2.4
//! [RFC 1624]: https://www.rfc-editor.org/rfc/rfc1624

use core::net::Ipv4Addr;

use super::kind::OptionKind;
use super::route::{self, RouteKind};
use super::timestamp::{self, TimestampFlag, TimestampValue};
use super::walker::frame_one;
use super::{MAX_OPTIONS_LEN, Options};
use crate::checksum;
use crate::error::OptionError;

/// What [`record_route`] did.
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

/// What [`advance_source_route`] did.
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

/// What [`add_timestamp`] did.
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

/// Records `address` in a Record Route option (or, for a source route, in
/// the slot at its pointer) and advances the pointer ([RFC 791 §3.1]).
///
/// `option` is the whole option. A full route is left as it is.
///
/// [RFC 791 §3.1]: https://www.rfc-editor.org/rfc/rfc791#section-3.1
pub fn record_route(option: &mut [u8], address: Ipv4Addr) -> Result<RecordOutcome, OptionError> {
    route_kind_of(option)?;
    route::check(option, 0)?;
    let pointer = usize::from(option[2]);
    match option.get_mut(pointer - 1..pointer + 3) {
        Some(slot) => {
            slot.copy_from_slice(&address.octets());
            option[2] += 4;
            Ok(RecordOutcome::Recorded {
                slot: (pointer - 4) / 4,
            })
        }
        None => Ok(RecordOutcome::Full),
    }
}

/// Follows a Loose or Strict Source Route at the router that is the
/// header's current destination ([RFC 791 §3.1], [RFC 1812 §5.2.4.1]):
/// takes the next hop from the slot at the pointer, writes `own` (the
/// address of the interface the datagram leaves by) into that slot and
/// advances the pointer.
///
/// For a strict route the caller must check that the next hop is directly
/// reachable (RFC 1812 §5.2.4.1 sends ICMP Destination Unreachable, Source
/// Route Failed, otherwise).
///
/// [RFC 791 §3.1]: https://www.rfc-editor.org/rfc/rfc791#section-3.1
/// [RFC 1812 §5.2.4.1]: https://www.rfc-editor.org/rfc/rfc1812#section-5.2.4.1
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
    let pointer = usize::from(option[2]);
    match option.get_mut(pointer - 1..pointer + 3) {
        Some(slot) => {
            let mut next = [0u8; 4];
            next.copy_from_slice(slot);
            slot.copy_from_slice(&own.octets());
            option[2] += 4;
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

/// Offset of the checksum in the IPv4 header.
const CHECKSUM: usize = 10;
/// Offset of the destination address in the IPv4 header.
const DESTINATION: usize = 16;
/// Length of the fixed IPv4 header.
const FIXED: usize = 20;

/// Finds the first option of one of `kinds` in `header`'s options area,
/// runs `edit` on it and patches the header checksum for what changed.
///
/// `header` is an IPv4 header whose IHL says where its options end. Returns
/// `Ok(None)` if there is no such option, or no options area (an IHL of 5,
/// or one the slice cannot hold).
fn edit_in_header<T>(
    header: &mut [u8],
    kinds: &[OptionKind],
    edit: impl FnOnce(&mut [u8]) -> Result<T, OptionError>,
) -> Result<Option<T>, OptionError> {
    let ihl_len = usize::from(header.first().copied().unwrap_or(0) & 0x0f) * 4;
    let Some((fixed, area)) = header
        .get_mut(..ihl_len)
        .filter(|h| h.len() > FIXED)
        .map(|h| h.split_at_mut(FIXED))
    else {
        return Ok(None);
    };
    let mut found = None;
    let mut at = 0;
    for item in Options::new(area).with_base(FIXED) {
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
    let option = &mut area[at..at + len];
    let mut old = [0u8; MAX_OPTIONS_LEN];
    old[..len].copy_from_slice(option);
    let result = edit(option).map_err(|e| e.shifted(FIXED + at))?;
    let sum = u16::from_be_bytes([fixed[CHECKSUM], fixed[CHECKSUM + 1]]);
    let sum = checksum::update_bytes(sum, FIXED + at, &old[..len], option);
    fixed[CHECKSUM..CHECKSUM + 2].copy_from_slice(&sum.to_be_bytes());
    Ok(Some(result))
}

/// [`record_route`] on the Record Route option of a whole IPv4 header,
/// keeping its checksum right. `Ok(None)` if the header has no Record
/// Route; error offsets are header offsets.
pub fn record_route_in_header(
    header: &mut [u8],
    address: Ipv4Addr,
) -> Result<Option<RecordOutcome>, OptionError> {
    edit_in_header(header, &[OptionKind::RECORD_ROUTE], |o| {
        record_route(o, address)
    })
}

/// [`advance_source_route`] on the (first) Loose or Strict Source Route of
/// a whole IPv4 header, keeping its checksum right; on
/// [`NextHop`](SourceRouteOutcome::NextHop) the header's destination
/// becomes the next hop. `Ok(None)` if the header has no source route.
pub fn advance_source_route_in_header(
    header: &mut [u8],
    own: Ipv4Addr,
) -> Result<Option<SourceRouteOutcome>, OptionError> {
    let outcome = edit_in_header(
        header,
        &[
            OptionKind::LOOSE_SOURCE_ROUTE,
            OptionKind::STRICT_SOURCE_ROUTE,
        ],
        |o| advance_source_route(o, own),
    )?;
    if let Some(SourceRouteOutcome::NextHop { next_hop, .. }) = outcome
        && let Some(dst) = header.get_mut(DESTINATION..DESTINATION + 4)
    {
        let mut old = [0u8; 4];
        old.copy_from_slice(dst);
        dst.copy_from_slice(&next_hop.octets());
        let sum = u16::from_be_bytes([header[CHECKSUM], header[CHECKSUM + 1]]);
        let sum = checksum::update_u32(sum, u32::from_be_bytes(old), next_hop.to_bits());
        header[CHECKSUM..CHECKSUM + 2].copy_from_slice(&sum.to_be_bytes());
    }
    Ok(outcome)
}

/// [`add_timestamp`] on the Timestamp option of a whole IPv4 header,
/// keeping its checksum right. `Ok(None)` if the header has no Timestamp.
pub fn add_timestamp_in_header(
    header: &mut [u8],
    own: Ipv4Addr,
    time: TimestampValue,
) -> Result<Option<TimestampOutcome>, OptionError> {
    edit_in_header(header, &[OptionKind::TIMESTAMP], |o| {
        add_timestamp(o, own, time)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    const ME: Ipv4Addr = Ipv4Addr::new(203, 0, 113, 1);

    fn header_with(options: &[u8]) -> [u8; 60] {
        let mut h = [0u8; 60];
        let len = 20 + options.len();
        h[0] = 0x40 | (len / 4) as u8;
        h[2..4].copy_from_slice(&(len as u16).to_be_bytes());
        h[8] = 64;
        h[9] = 17;
        h[12..16].copy_from_slice(&[192, 0, 2, 1]);
        h[16..20].copy_from_slice(&[198, 51, 100, 1]);
        h[20..len].copy_from_slice(options);
        let sum = checksum::checksum(&h[..len]);
        h[10..12].copy_from_slice(&sum.to_be_bytes());
        h
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

    #[test]
    fn header_edits_keep_the_checksum() {
        // NOP first so the RR starts at an odd header offset (21).
        let mut h = header_with(&[1, 7, 7, 4, 0, 0, 0, 0, 68, 8, 5, 1 << 4, 0, 0, 0, 0]);
        let h = &mut h[..36];
        assert_eq!(
            record_route_in_header(h, ME),
            Ok(Some(RecordOutcome::Recorded { slot: 0 }))
        );
        assert!(checksum::verify(h));
        assert_eq!(
            add_timestamp_in_header(h, ME, TimestampValue(0xdead)),
            Ok(Some(TimestampOutcome::Recorded { slot: 0 }))
        );
        assert!(checksum::verify(h));
        assert_eq!(advance_source_route_in_header(h, ME), Ok(None));

        let mut h = header_with(&[137, 7, 4, 10, 0, 0, 9, 0]);
        let h = &mut h[..28];
        assert_eq!(
            advance_source_route_in_header(h, ME),
            Ok(Some(SourceRouteOutcome::NextHop {
                next_hop: Ipv4Addr::new(10, 0, 0, 9),
                slot: 0
            }))
        );
        assert_eq!(h[16..20], [10, 0, 0, 9]);
        assert!(checksum::verify(h));

        // Malformed option: header offsets, nothing written.
        let mut h = header_with(&[7, 7, 3, 0, 0, 0, 0, 0]);
        let before = h;
        let e = record_route_in_header(&mut h[..28], ME).unwrap_err();
        assert_eq!(e.problem_offset(), 22);
        assert_eq!(h, before);
        // No options area.
        let mut h = header_with(&[]);
        assert_eq!(record_route_in_header(&mut h[..20], ME), Ok(None));
        assert_eq!(record_route_in_header(&mut [0x4f; 10], ME), Ok(None));
    }
}
