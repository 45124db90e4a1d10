//! Framing of a single option, for the typed views' checked constructors
//! and the forwarding edits. A leaf module: it needs only the error type, so
//! the walker and the typed options can both use it without importing each
//! other.

use crate::error::OptionError;

/// Checks that `bytes` is exactly one option with a length byte and returns
/// its type byte. Offsets in errors count from the start of `bytes`.
pub(crate) fn frame_one(bytes: &[u8]) -> Result<u8, OptionError> {
    let Some((&kind, rest)) = bytes.split_first() else {
        return Err(OptionError::MissingLength { kind: 0, offset: 0 });
    };
    let Some(&length) = rest.first() else {
        return Err(OptionError::MissingLength { kind, offset: 0 });
    };
    if length < 2 {
        return Err(OptionError::LengthTooShort {
            kind,
            offset: 0,
            length,
        });
    }
    if usize::from(length) > bytes.len() {
        return Err(OptionError::LengthPastEnd {
            kind,
            offset: 0,
            length,
            available: bytes.len(),
        });
    }
    if usize::from(length) != bytes.len() {
        return Err(OptionError::BadLength {
            kind,
            offset: 0,
            length,
            expected: "the length of the bytes given",
        });
    }
    Ok(kind)
}
