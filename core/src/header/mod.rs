//! The IPv4 header ([RFC 791 §3.1]): a zero-copy view, an owned value, and
//! the pieces they share.
//!
//! * [`HeaderView`] reads (over `&[u8]`) and edits in place (over
//!   `&mut [u8]`) the header at the start of a packet. Its setters for TTL,
//!   TOS and addresses keep the checksum right incrementally ([RFC 1624]).
//! * [`Header`] is an owned copy of every bit of a header, options included
//!   (inline, at most 40 bytes, no allocation); it [`parse`](Header::parse)s
//!   and [`emit`](Header::emit)s into a caller's buffer.
//! * [`Header::emit_packet`] writes a whole packet (header, options,
//!   payload) into one buffer with the total length and checksum filled;
//!   [`Header::emit_packet_with`] writes the header and hands back a view
//!   whose [`payload_mut`](HeaderView::payload_mut) takes the payload in
//!   place (smoltcp's `emit` + `payload_mut` shape, chosen because the
//!   owned header already is the packet's description). The total length
//!   is derived there from the header and payload lengths, so how the
//!   header was put together does not matter.
//! * [`HeaderFields`] is the fixed fields alone, in 16 bytes, whose
//!   [`emit`](HeaderFields::emit) takes the options and payload length and
//!   writes each byte once, with the same validation as [`Header::emit`].
//! * [`HeaderPrefix`] is the fixed 20 bytes as a zerocopy struct; [`Flags`],
//!   [`Protocol`] and [`RawFormat`] type three of its fields and the
//!   raw-socket byte orders.
//!
//! # What is validated
//!
//! | rule | [`HeaderView::new_checked`] | [`Header::parse`] | [`HeaderView::new_lax`] |
//! |---|---|---|---|
//! | buffer ≥ 20 bytes | yes | yes | yes |
//! | version = 4 | yes | yes | yes |
//! | IHL ≥ 5 | yes | yes | yes |
//! | IHL × 4 ≤ buffer | yes | yes | yes |
//! | total length ≥ IHL × 4 | yes | yes | no: a smaller one (0 from segmentation offload) means "to the end of the buffer" |
//! | total length ≤ buffer | yes | no: an owned header holds no payload | no: a truncated capture or an ICMP error's quote |
//!
//! The checksum is never checked by construction (it is a separate,
//! optional step: [`HeaderView::verify_checksum`],
//! [`HeaderView::new_checked_with`]), and options are not decoded here: they are
//! opaque bytes, which the `options` module walks.
//!
//! # Guarantees
//!
//! * parse rejects a version other than 4 and an IHL below 5;
//! * [`Header::parse`] returns a new value, so no options can be left over
//!   from an earlier parse;
//! * [`Header::set_options`] pads options with zero (End of Option List)
//!   bytes to a multiple of 4 and refuses more than 40 bytes, so the IHL is
//!   always right;
//! * [`Header::emit`] checks every field fits and computes the checksum;
//! * the raw-socket byte order is an explicit [`RawFormat`], never picked
//!   from the host OS.
//!
//! [RFC 791 §3.1]: https://www.rfc-editor.org/rfc/rfc791#section-3.1
//! [RFC 1624]: https://www.rfc-editor.org/rfc/rfc1624

mod display;
mod fields;
mod flags;
mod owned;
mod packet;
mod prefix;
mod protocol;
mod raw_format;
mod view;

#[cfg(test)]
mod proptests;
#[cfg(test)]
mod testdata;
#[cfg(test)]
mod tests;

pub use fields::HeaderFields;
pub use flags::Flags;
pub use owned::Header;
pub use prefix::HeaderPrefix;
pub use protocol::Protocol;
pub use raw_format::{ByteOrder, RawFormat};
pub use view::HeaderView;

use crate::error::HeaderError;

/// Length of an IPv4 header without options, in bytes (IHL 5).
pub const MIN_LEN: usize = 20;

/// Largest IPv4 header, in bytes (IHL 15).
pub const MAX_LEN: usize = 60;

/// Most option bytes an IPv4 header can carry: `MAX_LEN - MIN_LEN`, 40
/// ([RFC 791 §3.1]: the IHL is 4 bits of 32-bit words).
///
/// [RFC 791 §3.1]: https://www.rfc-editor.org/rfc/rfc791#section-3.1
pub const MAX_OPTIONS_LEN: usize = MAX_LEN - MIN_LEN;

/// The version field of every IPv4 header.
pub const VERSION: u8 = 4;

/// Byte offsets of the fields inside the header.
mod field {
    use core::ops::Range;

    pub(super) const CHECKSUM: Range<usize> = 10..12;
}

/// How much of the length rules a constructor applies (see the module docs).
#[derive(Clone, Copy, PartialEq, Eq)]
enum Strictness {
    /// Every rule: the view's checked constructor.
    Packet,
    /// Not "total length ≤ buffer": the owned header's parse.
    HeaderOnly,
    /// Neither total length rule: the lax view.
    Lax,
}

/// Checks `bytes` against the rules of `strictness`; returns the header
/// length and the total length on success.
///
/// Every rule is evaluated and the results combined without branching, so
/// a stream that mixes header lengths costs no mispredicted branches; the
/// error is worked out only when a rule fails.
#[inline(always)]
fn validate(bytes: &[u8], strictness: Strictness) -> Result<(usize, usize), HeaderError> {
    let Some(first) = bytes.first_chunk::<MIN_LEN>() else {
        return Err(HeaderError::Truncated {
            required: MIN_LEN,
            found: bytes.len(),
        });
    };
    let version_ihl = first[0];
    let total_len = u16::from_be_bytes([first[2], first[3]]);
    let total = usize::from(total_len);
    // Version 4 and IHL >= 5 in one test: the byte is 0x45 to 0x4f.
    let ihl_above_min = version_ihl.wrapping_sub(0x45);
    let header_len = if strictness == Strictness::HeaderOnly {
        // Derived from the tested value, so the compiler knows the owned
        // header's length is 20 to 60 (no clamping of its options length).
        (usize::from(ihl_above_min) + 5) * 4
    } else {
        // The view's accessors read the IHL nibble: the same expression
        // lets the compiler reuse what was proved about it.
        usize::from(version_ihl & 0x0f) * 4
    };
    let ok = (ihl_above_min <= 0x4f - 0x45)
        & match strictness {
            // IHL × 4 <= total length <= buffer: "IHL × 4 <= buffer" follows.
            Strictness::Packet => (header_len <= total) & (total <= bytes.len()),
            Strictness::HeaderOnly => (header_len <= total) & (header_len <= bytes.len()),
            Strictness::Lax => header_len <= bytes.len(),
        };
    if ok {
        Ok((header_len, total))
    } else {
        Err(invalid(version_ihl, total_len, bytes.len(), strictness))
    }
}

/// The error for a header [`validate`] rejected: the first rule broken,
/// in the order the module docs list them.
///
/// Cold, but inlined: out of line, the compiler cannot see which error
/// variants it returns and keeps a path from it back into the success path,
/// which costs the success path a stack frame.
#[cold]
#[inline]
fn invalid(
    version_ihl: u8,
    total_len: u16,
    buffer_len: usize,
    strictness: Strictness,
) -> HeaderError {
    let version = version_ihl >> 4;
    let header_len = usize::from(version_ihl & 0x0f) * 4;
    if version != VERSION {
        HeaderError::Version { found: version }
    } else if header_len < MIN_LEN {
        HeaderError::HeaderLengthTooSmall { found: header_len }
    } else if header_len > buffer_len {
        HeaderError::OptionsTruncated {
            required: header_len,
            found: buffer_len,
        }
    } else if strictness != Strictness::Lax && usize::from(total_len) < header_len {
        HeaderError::TotalLengthTooSmall {
            required: header_len,
            found: total_len,
        }
    } else {
        HeaderError::TotalLengthExceedsBuffer {
            available: buffer_len,
            found: total_len,
        }
    }
}

/// The first 4 bytes of `bytes` as one option word, padded with zero bytes
/// (End of Option List) when fewer: the last word of an options list whose
/// length is not a multiple of 4. Fixed offsets only, no copy loop.
#[inline(always)]
fn padded_word(bytes: &[u8]) -> [u8; 4] {
    let byte = |i: usize| bytes.get(i).copied().unwrap_or(0);
    [byte(0), byte(1), byte(2), byte(3)]
}

/// Copies as many bytes as both slices hold (option bytes, at most 40 in
/// practice) as two moves of one fixed size that overlap in the middle: 1,
/// 2, 4, 8, 16 or 32 bytes each, by the length. A byte loop becomes a call
/// to `memcpy`, which costs more than emitting the fixed header
/// (BENCHMARKS.md, header). Never panics.
#[inline(always)]
fn copy_prefix(dst: &mut [u8], src: &[u8]) {
    /// Copies the first and the last `N` of the `len` bytes; for
    /// `N <= len <= 2N` that covers every byte.
    #[inline(always)]
    fn ends<const N: usize>(dst: &mut [u8], src: &[u8], len: usize) {
        let (Some(dst), Some(src)) = (dst.get_mut(..len), src.get(..len)) else {
            return;
        };
        if let (Some(to), Some(from)) = (dst.first_chunk_mut::<N>(), src.first_chunk::<N>()) {
            *to = *from;
        }
        if let (Some(to), Some(from)) = (dst.last_chunk_mut::<N>(), src.last_chunk::<N>()) {
            *to = *from;
        }
    }
    let len = dst.len().min(src.len());
    match len {
        0 => {}
        1 => ends::<1>(dst, src, len),
        2..=3 => ends::<2>(dst, src, len),
        4..=7 => ends::<4>(dst, src, len),
        8..=15 => ends::<8>(dst, src, len),
        16..=31 => ends::<16>(dst, src, len),
        32..=63 => ends::<32>(dst, src, len),
        _ => {
            if let (Some(dst), Some(src)) = (dst.get_mut(..len), src.get(..len)) {
                dst.copy_from_slice(src);
            }
        }
    }
}
