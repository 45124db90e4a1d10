//! Fixed-layout options: Router Alert ([RFC 2113]), Stream ID and Security
//! ([RFC 791 §3.1], [RFC 1108 §2]).
//!
//! [RFC 2113]: https://www.rfc-editor.org/rfc/rfc2113
//! [RFC 791 §3.1]: https://www.rfc-editor.org/rfc/rfc791#section-3.1
//! [RFC 1108 §2]: https://www.rfc-editor.org/rfc/rfc1108#section-2

use super::kind::OptionKind;
use crate::error::{OptionError, OptionsBuildError};

/// The Router Alert option ([RFC 2113]): type 148, length 4, a 16-bit value.
///
/// Value 0 asks every router on the path to examine the packet; IGMP
/// ([RFC 2236 §2], [RFC 9776 §4]) and RSVP send it.
///
/// ```
/// use ipv4_core::options::RouterAlert;
///
/// assert_eq!(RouterAlert::EXAMINE.to_bytes(), [148, 4, 0, 0]);
/// assert_eq!(RouterAlert::parse(&[148, 4, 0, 0]), Ok(RouterAlert(0)));
/// ```
///
/// [RFC 2113]: https://www.rfc-editor.org/rfc/rfc2113
/// [RFC 2236 §2]: https://www.rfc-editor.org/rfc/rfc2236#section-2
/// [RFC 9776 §4]: https://www.rfc-editor.org/rfc/rfc9776#section-4
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub struct RouterAlert(pub u16);

impl RouterAlert {
    /// Value 0: "Router shall examine packet" ([RFC 2113 §2.1]).
    ///
    /// [RFC 2113 §2.1]: https://www.rfc-editor.org/rfc/rfc2113#section-2.1
    pub const EXAMINE: RouterAlert = RouterAlert(0);

    /// The option's length on the wire.
    pub const LEN: usize = 4;

    /// The value.
    #[inline]
    pub const fn value(self) -> u16 {
        self.0
    }

    /// Parses one whole Router Alert option (type, length 4, value).
    #[inline]
    pub fn parse(bytes: &[u8]) -> Result<RouterAlert, OptionError> {
        let kind = super::frame::frame_one(bytes)?;
        if kind != OptionKind::ROUTER_ALERT.0 {
            return Err(OptionError::UnexpectedKind {
                offset: 0,
                expected: "a Router Alert option (type 148)",
                found: kind,
            });
        }
        parse_u16(bytes, 0).map(RouterAlert)
    }

    /// The option's four bytes.
    #[inline]
    pub const fn to_bytes(self) -> [u8; 4] {
        let v = self.0.to_be_bytes();
        [OptionKind::ROUTER_ALERT.0, 4, v[0], v[1]]
    }

    /// The option's body, the bytes after the type and length bytes: the
    /// value, big-endian.
    #[inline]
    pub const fn data(self) -> [u8; 2] {
        self.0.to_be_bytes()
    }
}

/// The Stream Identifier option ([RFC 791 §3.1]): type 136, length 4, a
/// 16-bit SATNET stream identifier. Obsolete ([RFC 6814]) but still parsed.
///
/// ```
/// use ipv4_core::options::StreamId;
///
/// assert_eq!(StreamId::parse(&[136, 4, 0x12, 0x34]), Ok(StreamId(0x1234)));
/// ```
///
/// [RFC 791 §3.1]: https://www.rfc-editor.org/rfc/rfc791#section-3.1
/// [RFC 6814]: https://www.rfc-editor.org/rfc/rfc6814
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub struct StreamId(pub u16);

impl StreamId {
    /// The option's length on the wire.
    pub const LEN: usize = 4;

    /// Parses one whole Stream ID option (type, length 4, identifier).
    #[inline]
    pub fn parse(bytes: &[u8]) -> Result<StreamId, OptionError> {
        let kind = super::frame::frame_one(bytes)?;
        if kind != OptionKind::STREAM_ID.0 {
            return Err(OptionError::UnexpectedKind {
                offset: 0,
                expected: "a Stream ID option (type 136)",
                found: kind,
            });
        }
        parse_u16(bytes, 0).map(StreamId)
    }

    /// The option's four bytes.
    #[inline]
    pub const fn to_bytes(self) -> [u8; 4] {
        let v = self.0.to_be_bytes();
        [OptionKind::STREAM_ID.0, 4, v[0], v[1]]
    }

    /// The option's body, the bytes after the type and length bytes: the
    /// identifier, big-endian.
    #[inline]
    pub const fn data(self) -> [u8; 2] {
        self.0.to_be_bytes()
    }
}

/// The 16-bit value of a framed, length-4 option (Router Alert, Stream ID).
#[inline]
pub(crate) fn parse_u16(bytes: &[u8], offset: usize) -> Result<u16, OptionError> {
    match *bytes {
        [_, _, hi, lo] => Ok(u16::from_be_bytes([hi, lo])),
        _ => Err(OptionError::BadLength {
            kind: bytes.first().copied().unwrap_or(0),
            offset,
            length: bytes.len() as u8,
            expected: "4",
        }),
    }
}

/// The Security option, type 130, in its raw fields.
///
/// Two layouts share the type: [RFC 791 §3.1]'s original (length 11: S, C,
/// H and TCC fields) and [RFC 1108 §2]'s Basic Security Option that replaced
/// it (length ≥ 3: a classification level and protection authority flags).
/// This type keeps the bytes after the length byte and reads either form;
/// it checks only that there is at least one body byte.
///
/// ```
/// use ipv4_core::options::Security;
///
/// // RFC 1108 BSO: classification "Secret" (0x5a), authority flags GENSER.
/// let s = Security::parse(&[130, 4, 0x5a, 0x80]).unwrap();
/// assert_eq!(s.classification_level(), 0x5a);
/// assert_eq!(s.protection_authority(), &[0x80]);
/// assert_eq!(s.rfc791_fields(), None);
/// ```
///
/// [RFC 791 §3.1]: https://www.rfc-editor.org/rfc/rfc791#section-3.1
/// [RFC 1108 §2]: https://www.rfc-editor.org/rfc/rfc1108#section-2
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Security<'a> {
    data: &'a [u8],
}

/// The fields of the [RFC 791 §3.1] Security option (length 11).
///
/// [RFC 791 §3.1]: https://www.rfc-editor.org/rfc/rfc791#section-3.1
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Rfc791Security {
    /// S: security level (e.g. `0x0000` unclassified).
    pub security: u16,
    /// C: compartments.
    pub compartments: u16,
    /// H: handling restrictions.
    pub handling: u16,
    /// TCC: transmission control code (24 bits).
    pub tcc: [u8; 3],
}

impl<'a> Security<'a> {
    /// Wraps a Security option body (the bytes after the length byte). It
    /// must not be empty and at most 38 bytes long.
    #[inline]
    pub fn new(data: &'a [u8]) -> Result<Security<'a>, OptionsBuildError> {
        if data.is_empty() || data.len() > super::MAX_OPTIONS_LEN - 2 {
            return Err(OptionsBuildError::InvalidArgument {
                what: "Security",
                reason: "the body must be 1 to 38 bytes long",
            });
        }
        Ok(Security { data })
    }

    /// Parses one whole Security option (type 130, length ≥ 3).
    #[inline]
    pub fn parse(bytes: &'a [u8]) -> Result<Security<'a>, OptionError> {
        let kind = super::frame::frame_one(bytes)?;
        if kind != OptionKind::SECURITY.0 {
            return Err(OptionError::UnexpectedKind {
                offset: 0,
                expected: "a Security option (type 130)",
                found: kind,
            });
        }
        Security::from_framed(bytes, 0)
    }

    #[inline]
    pub(crate) fn from_framed(bytes: &'a [u8], offset: usize) -> Result<Security<'a>, OptionError> {
        match bytes.get(2..) {
            Some(data) if !data.is_empty() => Ok(Security { data }),
            _ => Err(OptionError::BadLength {
                kind: OptionKind::SECURITY.0,
                offset,
                length: bytes.len() as u8,
                expected: "at least 3",
            }),
        }
    }

    /// The option's body, the bytes after the type and length bytes.
    #[inline]
    pub const fn data(&self) -> &'a [u8] {
        self.data
    }

    /// RFC 1108: the classification level byte (`0x3d` Top Secret, `0x5a`
    /// Secret, `0x96` Confidential, `0xab` Unclassified).
    #[inline]
    pub fn classification_level(&self) -> u8 {
        self.data.first().copied().unwrap_or(0)
    }

    /// RFC 1108: the protection authority flag bytes (each but the last has
    /// its low bit set).
    #[inline]
    pub fn protection_authority(&self) -> &'a [u8] {
        self.data.get(1..).unwrap_or(&[])
    }

    /// RFC 791: the S, C, H and TCC fields, if the option has the original
    /// length of 11.
    #[inline]
    pub fn rfc791_fields(&self) -> Option<Rfc791Security> {
        match *self.data {
            [s0, s1, c0, c1, h0, h1, t0, t1, t2] => Some(Rfc791Security {
                security: u16::from_be_bytes([s0, s1]),
                compartments: u16::from_be_bytes([c0, c1]),
                handling: u16::from_be_bytes([h0, h1]),
                tcc: [t0, t1, t2],
            }),
            _ => None,
        }
    }

    /// Bytes the option takes on the wire.
    #[inline]
    pub const fn buffer_len(&self) -> usize {
        2 + self.data.len()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn router_alert_is_rfc2113_layout() {
        assert_eq!(RouterAlert(0x0102).to_bytes(), [0x94, 0x04, 0x01, 0x02]);
        assert!(matches!(
            RouterAlert::parse(&[148, 3, 0]),
            Err(OptionError::BadLength { length: 3, .. })
        ));
        assert!(matches!(
            RouterAlert::parse(&[136, 4, 0, 0]),
            Err(OptionError::UnexpectedKind { found: 136, .. })
        ));
        assert_eq!(StreamId(7).to_bytes(), [136, 4, 0, 7]);
        assert!(StreamId::parse(&[136, 5, 0, 0, 0]).is_err());
    }

    #[test]
    fn security_reads_both_layouts() {
        // RFC 791: S = Unclassified 0x0000, C = 0, H = 0, TCC = 0.
        let old = [130, 11, 0, 0, 0, 0, 0, 0, 0, 0, 0];
        let s = Security::parse(&old).unwrap();
        assert_eq!(
            s.rfc791_fields(),
            Some(Rfc791Security {
                security: 0,
                compartments: 0,
                handling: 0,
                tcc: [0; 3]
            })
        );
        assert_eq!(s.buffer_len(), 11);
        assert!(Security::parse(&[130, 2]).is_err());
        assert!(Security::new(&[]).is_err());
        assert!(Security::new(&[0; 39]).is_err());
    }
}
