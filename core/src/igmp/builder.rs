//! Pieces every IGMP builder shares: sizing the output, 16-bit counts, and
//! the checksum over the finished message.

use crate::checksum;
use crate::error::{BufferTooSmall, IgmpBuildError};

/// The first `len` bytes of `buf`, or the error naming `what`.
#[inline]
pub(crate) fn take<'b>(
    buf: &'b mut [u8],
    len: usize,
    what: &'static str,
) -> Result<&'b mut [u8], IgmpBuildError> {
    let found = buf.len();
    buf.get_mut(..len)
        .ok_or(IgmpBuildError::BufferTooSmall(BufferTooSmall {
            what,
            required: len,
            found,
        }))
}

/// `n` as a 16-bit count field.
#[inline]
pub(crate) fn count16(what: &'static str, n: usize) -> Result<u16, IgmpBuildError> {
    u16::try_from(n).map_err(|_| IgmpBuildError::TooMany { what, count: n })
}

/// The Aux Data Len field for `aux` bytes.
#[inline]
pub(crate) fn aux_words(len: usize) -> Result<u8, IgmpBuildError> {
    if !len.is_multiple_of(4) || len > 255 * 4 {
        return Err(IgmpBuildError::AuxData { len });
    }
    Ok((len / 4) as u8)
}

/// Fills in the checksum of a finished message (at least 4 bytes) over all
/// of it ([RFC 9776 §4.1.2]).
///
/// [RFC 9776 §4.1.2]: https://www.rfc-editor.org/rfc/rfc9776#section-4.1.2
#[inline]
pub(crate) fn fill_checksum(msg: &mut [u8]) {
    msg[2] = 0;
    msg[3] = 0;
    let sum = checksum::checksum(msg);
    msg[2..4].copy_from_slice(&sum.to_be_bytes());
}
