//! The IGMPv3 message extension of [RFC 9279]: when a query's or report's
//! E bit is set, the bytes after its body are a list of TLVs.
//!
//! ```text
//!  0                   1                   2                   3
//!  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
//! +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//! |        Extension Type         |       Extension Length        |
//! +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//! |                 Extension Value (Length bytes)                |
//! ```
//!
//! TLVs follow each other with no padding.
//!
//! [RFC 9279]: https://www.rfc-editor.org/rfc/rfc9279#section-3

use core::iter::FusedIterator;

use crate::error::IgmpError;

/// One [RFC 9279] extension TLV.
///
/// [RFC 9279]: https://www.rfc-editor.org/rfc/rfc9279#section-3
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Extension<'a> {
    /// The Extension Type (IANA "IGMP/MLD Extension Types").
    pub extension_type: u16,
    /// The Extension Value.
    pub value: &'a [u8],
}

/// Iterator over the [RFC 9279] TLVs of a message's extension field.
///
/// Yields an error, then stops, when a TLV runs past the end.
///
/// ```
/// use ipv4_core::igmp::{Extension, Extensions};
///
/// let mut tlvs = Extensions::new(&[0x00, 0x07, 0x00, 0x02, 0xab, 0xcd], 0);
/// assert_eq!(
///     tlvs.next(),
///     Some(Ok(Extension { extension_type: 7, value: &[0xab, 0xcd] }))
/// );
/// assert_eq!(tlvs.next(), None);
/// ```
///
/// [RFC 9279]: https://www.rfc-editor.org/rfc/rfc9279#section-3
#[derive(Debug, Clone)]
pub struct Extensions<'a> {
    bytes: &'a [u8],
    /// Offset of `bytes` in the message, for errors.
    base: usize,
    done: bool,
}

impl<'a> Extensions<'a> {
    /// TLVs in `bytes`, which start at `offset` of the message.
    #[inline]
    pub const fn new(bytes: &'a [u8], offset: usize) -> Self {
        Extensions {
            bytes,
            base: offset,
            done: false,
        }
    }
}

impl<'a> Iterator for Extensions<'a> {
    type Item = Result<Extension<'a>, IgmpError>;

    #[inline]
    fn next(&mut self) -> Option<Self::Item> {
        if self.done || self.bytes.is_empty() {
            return None;
        }
        let remaining = self.bytes.len();
        let header = self.bytes.first_chunk::<4>();
        let len = header.map_or(0, |h| usize::from(u16::from_be_bytes([h[2], h[3]])));
        match (header, self.bytes.get(4..4 + len)) {
            (Some(h), Some(value)) => {
                let extension_type = u16::from_be_bytes([h[0], h[1]]);
                self.bytes = &self.bytes[4 + len..];
                self.base += 4 + len;
                Some(Ok(Extension {
                    extension_type,
                    value,
                }))
            }
            _ => {
                self.done = true;
                Some(Err(IgmpError::ExtensionPastEnd {
                    offset: self.base,
                    required: 4 + len,
                    remaining,
                }))
            }
        }
    }
}

impl FusedIterator for Extensions<'_> {}
