//! Options on fragments ([RFC 791 §3.2]): only options whose copied flag is
//! set go into every fragment; the rest stay in the first one.
//!
//! [RFC 791 §3.2]: https://www.rfc-editor.org/rfc/rfc791#section-3.2

use super::builder::padded_len;
use super::{Ipv4Option, Options};
use crate::error::{BufferTooSmall, OptionError, OptionsBuildError};

/// Writes into `out` the options a later fragment carries, taken from the
/// first fragment's options area `first`: every option with the copied
/// flag set, in order, then End of Option List padding to a multiple of 4.
/// Returns the new area's length (0 when nothing is copied). This is
/// [RFC 791 §3.2]'s rule for fragments after the first.
///
/// No Operation bytes are not copied (type 1 has the flag clear); the walk
/// ends at End of Option List. Copied options are taken byte for byte, even
/// if they break their type's rules; a framing error in `first` is an
/// [`OptionsBuildError::Malformed`]. An `out` as long as `first` (rounded up
/// to 4) always suffices.
///
/// ```
/// use ipv4_core::options::copy_for_fragment;
///
/// let first = [
///     7, 7, 4, 0, 0, 0, 0,    // Record Route: not copied
///     131, 7, 4, 10, 0, 0, 1, // Loose Source Route: copied
///     148, 4, 0, 0,           // Router Alert: copied
///     0, 0,                   // End of Option List, padding
/// ];
/// let mut out = [0u8; 20];
/// let n = copy_for_fragment(&first, &mut out).unwrap();
/// assert_eq!(out[..n], [131, 7, 4, 10, 0, 0, 1, 148, 4, 0, 0, 0]);
/// ```
///
/// [RFC 791 §3.2]: https://www.rfc-editor.org/rfc/rfc791#section-3.2
pub fn copy_for_fragment(first: &[u8], out: &mut [u8]) -> Result<usize, OptionsBuildError> {
    // Size first, so a short `out` reports the exact size it needs.
    let mut needed = 0;
    for item in Options::lax(first) {
        let item = item?;
        if item.copied() {
            needed += item.buffer_len();
        }
    }
    let needed = padded_len(needed);
    let found = out.len();
    let out = out.get_mut(..needed).ok_or(BufferTooSmall {
        what: "IPv4 fragment options",
        required: needed,
        found,
    })?;
    let mut at = 0;
    for item in Options::lax(first).flatten() {
        if item.copied() && !matches!(item, Ipv4Option::End { .. }) {
            at += item.emit(&mut out[at..])?;
        }
    }
    out[at..].fill(0);
    Ok(needed)
}

/// Overwrites, in place, every option of `area` whose copied flag is clear
/// with No Operation bytes, as Linux does when it fragments
/// (`ip_options_fragment`): the area keeps its length, so the header length
/// stays the same, and later fragments carry only copied options
/// ([RFC 791 §3.2]).
///
/// The walk stops at End of Option List. A framing error leaves `area`
/// untouched and is returned.
///
/// ```
/// use ipv4_core::options::nop_uncopied;
///
/// let mut area = [7, 7, 4, 0, 0, 0, 0, 148, 4, 0, 0, 0];
/// nop_uncopied(&mut area).unwrap();
/// assert_eq!(area, [1, 1, 1, 1, 1, 1, 1, 148, 4, 0, 0, 0]);
/// ```
///
/// [RFC 791 §3.2]: https://www.rfc-editor.org/rfc/rfc791#section-3.2
pub fn nop_uncopied(area: &mut [u8]) -> Result<(), OptionError> {
    Options::lax(area).try_for_each(|o| o.map(drop))?;
    let mut at = 0;
    loop {
        let Some(Ok(item)) = Options::lax(area.get(at..).unwrap_or(&[])).next() else {
            return Ok(());
        };
        if matches!(item, Ipv4Option::End { .. }) {
            return Ok(());
        }
        let (n, copied) = (item.buffer_len(), item.copied());
        if !copied && let Some(span) = area.get_mut(at..at + n) {
            span.fill(1);
        }
        at += n;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn later_fragments_keep_only_copied_options() {
        // Timestamp (68, not copied), Security (130, copied), NOP, Stream ID
        // (136, copied), then the unassigned copied type 150.
        let first = [
            68, 8, 5, 0, 0, 0, 0, 0, 130, 3, 0xab, 1, 136, 4, 0, 9, 150, 2, 0, 0,
        ];
        let mut out = [0u8; 20];
        let n = copy_for_fragment(&first, &mut out).unwrap();
        assert_eq!(out[..n], [130, 3, 0xab, 136, 4, 0, 9, 150, 2, 0, 0, 0]);
        let mut short = [0u8; 11];
        assert_eq!(
            copy_for_fragment(&first, &mut short),
            Err(OptionsBuildError::BufferTooSmall(BufferTooSmall {
                what: "IPv4 fragment options",
                required: 12,
                found: 11
            }))
        );
        // Nothing copied: empty area.
        assert_eq!(copy_for_fragment(&[7, 3, 4, 1], &mut out), Ok(0));
        // Framing errors are reported.
        assert!(matches!(
            copy_for_fragment(&[130, 9, 0], &mut out),
            Err(OptionsBuildError::Malformed(
                OptionError::LengthPastEnd { .. }
            ))
        ));
    }

    #[test]
    fn nop_uncopied_keeps_length_and_stops_at_end() {
        let mut area = [68, 8, 5, 0, 0, 0, 0, 0, 130, 3, 0xab, 0, 7, 3, 4, 0];
        nop_uncopied(&mut area).unwrap();
        assert_eq!(area, [1, 1, 1, 1, 1, 1, 1, 1, 130, 3, 0xab, 0, 7, 3, 4, 0]);
        let mut bad = [7, 9, 4, 0];
        assert!(nop_uncopied(&mut bad).is_err());
        assert_eq!(bad, [7, 9, 4, 0]);
    }
}
