//! The IGMPv3 Membership Query ([RFC 9776 §4.1]), with the E bit of
//! [RFC 9279].
//!
//! ```text
//!  0                   1                   2                   3
//!  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
//! +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//! |  Type = 0x11  | Max Resp Code |           Checksum            |
//! +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//! |                         Group Address                         |
//! +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//! |E| Rsv |S| QRV |     QQIC      |     Number of Sources (N)     |
//! +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//! |                  Source Address [1] .. [N]                    |
//! +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//! |        Additional Data, or RFC 9279 extension TLVs if E       |
//! ```
//!
//! [RFC 9776 §4.1]: https://www.rfc-editor.org/rfc/rfc9776#section-4.1
//! [RFC 9279]: https://www.rfc-editor.org/rfc/rfc9279#section-3

use core::net::Ipv4Addr;
use core::time::Duration;

use super::builder::{count16, fill_checksum, take};
use super::{
    Extensions, MaxRespCode, MessageType, QUERY_V3_MIN_LEN, Qqic, Sources, addr_at, checksum_field,
};
use crate::error::{IgmpBuildError, IgmpError};

mod field {
    pub const TYPE: usize = 0;
    pub const MAX_RESP: usize = 1;
    pub const GROUP: usize = 4;
    pub const FLAGS: usize = 8;
    pub const QQIC: usize = 9;
    pub const NUM_SOURCES: usize = 10;
    pub const SOURCES: usize = 12;
}

/// The [RFC 9279] E bit in the flags byte.
///
/// [RFC 9279]: https://www.rfc-editor.org/rfc/rfc9279#section-3
const E_BIT: u8 = 0x80;
const S_BIT: u8 = 0x08;
const QRV_MASK: u8 = 0x07;

/// A view of an IGMPv3 Membership Query ([RFC 9776 §4.1]) whose source
/// list has been checked to fit.
///
/// ```
/// use core::net::Ipv4Addr;
/// use ipv4_core::igmp::{Message, QueryV3Repr, Sources};
///
/// let sources = [Ipv4Addr::new(10, 0, 0, 1)];
/// let query = QueryV3Repr {
///     group: Ipv4Addr::new(232, 1, 1, 1),
///     sources: Sources::from(&sources),
///     ..QueryV3Repr::general()
/// };
/// let mut buf = [0u8; 64];
/// let len = query.emit(&mut buf).unwrap();
/// let Message::QueryV3(view) = Message::parse(&buf[..len])? else { panic!() };
/// assert_eq!(view.group(), Ipv4Addr::new(232, 1, 1, 1));
/// assert_eq!(view.qrv(), 2);
/// assert_eq!(view.sources(), Sources::from(&sources));
/// # Ok::<(), ipv4_core::error::IgmpError>(())
/// ```
///
/// [RFC 9776 §4.1]: https://www.rfc-editor.org/rfc/rfc9776#section-4.1
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct QueryV3<'a> {
    bytes: &'a [u8],
}

impl<'a> QueryV3<'a> {
    /// Views `bytes` as an IGMPv3 query after checking that the fixed part
    /// and the declared sources fit. The type and checksum are not checked;
    /// [`Message::parse`](super::Message::parse) does both.
    #[inline]
    pub fn new_checked(bytes: &'a [u8]) -> Result<Self, IgmpError> {
        if bytes.len() < QUERY_V3_MIN_LEN {
            return Err(super::truncated(
                "IGMPv3 query",
                QUERY_V3_MIN_LEN,
                bytes.len(),
            ));
        }
        let declared =
            u16::from_be_bytes([bytes[field::NUM_SOURCES], bytes[field::NUM_SOURCES + 1]]);
        let required = usize::from(declared) * 4;
        let remaining = bytes.len() - field::SOURCES;
        if required > remaining {
            return Err(IgmpError::QuerySourcesPastEnd {
                declared,
                required,
                remaining,
            });
        }
        Ok(QueryV3 { bytes })
    }

    /// The Type byte (`0x11` after [`Message::parse`](super::Message::parse)).
    #[inline]
    pub fn message_type(&self) -> MessageType {
        MessageType(self.bytes[field::TYPE])
    }

    /// The Max Resp Code ([RFC 9776 §4.1.1]).
    ///
    /// [RFC 9776 §4.1.1]: https://www.rfc-editor.org/rfc/rfc9776#section-4.1.1
    #[inline]
    pub fn max_resp_code(&self) -> MaxRespCode {
        MaxRespCode::new(self.bytes[field::MAX_RESP])
    }

    /// The Max Resp Time the code stands for.
    #[inline]
    pub fn max_resp_time(&self) -> Duration {
        self.max_resp_code().duration()
    }

    /// The Checksum field.
    #[inline]
    pub fn checksum(&self) -> u16 {
        checksum_field(self.bytes)
    }

    /// The Group Address: 0.0.0.0 in general queries.
    #[inline]
    pub fn group(&self) -> Ipv4Addr {
        addr_at(self.bytes, field::GROUP)
    }

    /// The [RFC 9279] E bit: the bytes after the sources are extension TLVs.
    ///
    /// [RFC 9279]: https://www.rfc-editor.org/rfc/rfc9279#section-3
    #[inline]
    pub fn extension_flag(&self) -> bool {
        self.bytes[field::FLAGS] & E_BIT != 0
    }

    /// The three reserved bits between E and S, as a number 0..=7
    /// (sent as 0, ignored on receipt, [RFC 9776 §4.1.4]).
    ///
    /// [RFC 9776 §4.1.4]: https://www.rfc-editor.org/rfc/rfc9776#section-4.1.4
    #[inline]
    pub fn reserved(&self) -> u8 {
        (self.bytes[field::FLAGS] >> 4) & 0x7
    }

    /// The S flag: suppress router-side processing ([RFC 9776 §4.1.5]).
    ///
    /// [RFC 9776 §4.1.5]: https://www.rfc-editor.org/rfc/rfc9776#section-4.1.5
    #[inline]
    pub fn s_flag(&self) -> bool {
        self.bytes[field::FLAGS] & S_BIT != 0
    }

    /// The Querier's Robustness Variable, 0..=7; 0 means "above 7"
    /// ([RFC 9776 §4.1.6]).
    ///
    /// [RFC 9776 §4.1.6]: https://www.rfc-editor.org/rfc/rfc9776#section-4.1.6
    #[inline]
    pub fn qrv(&self) -> u8 {
        self.bytes[field::FLAGS] & QRV_MASK
    }

    /// The Querier's Query Interval Code ([RFC 9776 §4.1.7]).
    ///
    /// [RFC 9776 §4.1.7]: https://www.rfc-editor.org/rfc/rfc9776#section-4.1.7
    #[inline]
    pub fn qqic(&self) -> Qqic {
        Qqic::new(self.bytes[field::QQIC])
    }

    /// The Querier's Query Interval the QQIC stands for.
    #[inline]
    pub fn query_interval(&self) -> Duration {
        self.qqic().duration()
    }

    /// The Number of Sources field.
    #[inline]
    pub fn number_of_sources(&self) -> u16 {
        u16::from_be_bytes([
            self.bytes[field::NUM_SOURCES],
            self.bytes[field::NUM_SOURCES + 1],
        ])
    }

    #[inline]
    fn sources_end(&self) -> usize {
        field::SOURCES + usize::from(self.number_of_sources()) * 4
    }

    /// The source addresses, zero-copy ([RFC 9776 §4.1.9]).
    ///
    /// [RFC 9776 §4.1.9]: https://www.rfc-editor.org/rfc/rfc9776#section-4.1.9
    #[inline]
    pub fn sources(&self) -> Sources<'a> {
        let bytes = &self.bytes[field::SOURCES..self.sources_end()];
        Sources::from_wire(bytes).unwrap_or_default()
    }

    /// The bytes after the sources: Additional Data to ignore
    /// ([RFC 9776 §4.1.10]) or, with the E bit, [RFC 9279] TLVs.
    ///
    /// [RFC 9776 §4.1.10]: https://www.rfc-editor.org/rfc/rfc9776#section-4.1.10
    /// [RFC 9279]: https://www.rfc-editor.org/rfc/rfc9279#section-3
    #[inline]
    pub fn additional_data(&self) -> &'a [u8] {
        &self.bytes[self.sources_end()..]
    }

    /// The [RFC 9279] TLVs, when the E bit is set.
    ///
    /// [RFC 9279]: https://www.rfc-editor.org/rfc/rfc9279#section-3
    #[inline]
    pub fn extensions(&self) -> Option<Extensions<'a>> {
        self.extension_flag()
            .then(|| Extensions::new(self.additional_data(), self.sources_end()))
    }

    /// Whether this is a General Query: no group and no sources
    /// ([RFC 9776 §4.1.11]).
    ///
    /// [RFC 9776 §4.1.11]: https://www.rfc-editor.org/rfc/rfc9776#section-4.1.11
    #[inline]
    pub fn is_general(&self) -> bool {
        self.group().is_unspecified() && self.number_of_sources() == 0
    }

    /// The whole message.
    #[inline]
    pub fn as_bytes(&self) -> &'a [u8] {
        self.bytes
    }
}

/// An IGMPv3 query to build, or one parsed ([RFC 9776 §4.1]).
///
/// Every bit of the message is a field, so `parse` then `emit` gives the
/// received bytes back.
///
/// [RFC 9776 §4.1]: https://www.rfc-editor.org/rfc/rfc9776#section-4.1
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct QueryV3Repr<'a> {
    /// Max Resp Code.
    pub max_resp_code: MaxRespCode,
    /// Group Address (0.0.0.0 for a general query).
    pub group: Ipv4Addr,
    /// The [RFC 9279] E bit.
    ///
    /// [RFC 9279]: https://www.rfc-editor.org/rfc/rfc9279#section-3
    pub extension: bool,
    /// The three reserved bits between E and S (only the low three bits of
    /// this value are sent).
    pub reserved: u8,
    /// The S flag.
    pub s_flag: bool,
    /// Querier's Robustness Variable (only the low three bits are sent).
    pub qrv: u8,
    /// Querier's Query Interval Code.
    pub qqic: Qqic,
    /// Source addresses.
    pub sources: Sources<'a>,
    /// Bytes after the sources (TLVs when `extension` is set).
    pub additional_data: &'a [u8],
}

impl<'a> QueryV3Repr<'a> {
    /// A General Query with the RFC 9776 §8 defaults: Query Response
    /// Interval 10 s (code 100), Robustness Variable 2, Query Interval
    /// 125 s.
    #[inline]
    pub const fn general() -> Self {
        QueryV3Repr {
            max_resp_code: MaxRespCode::new(100),
            group: Ipv4Addr::UNSPECIFIED,
            extension: false,
            reserved: 0,
            s_flag: false,
            qrv: 2,
            qqic: Qqic::new(125),
            sources: Sources::EMPTY,
            additional_data: &[],
        }
    }

    /// The fields of a parsed query.
    #[inline]
    pub fn parse(view: &QueryV3<'a>) -> Self {
        QueryV3Repr {
            max_resp_code: view.max_resp_code(),
            group: view.group(),
            extension: view.extension_flag(),
            reserved: view.reserved(),
            s_flag: view.s_flag(),
            qrv: view.qrv(),
            qqic: view.qqic(),
            sources: view.sources(),
            additional_data: view.additional_data(),
        }
    }

    /// Bytes [`emit`](Self::emit) writes.
    #[inline]
    pub const fn buffer_len(&self) -> usize {
        QUERY_V3_MIN_LEN + self.sources.len() * 4 + self.additional_data.len()
    }

    /// Writes the query with its checksum into the start of `buf`; returns
    /// its length.
    #[inline]
    pub fn emit(&self, buf: &mut [u8]) -> Result<usize, IgmpBuildError> {
        let count = count16("sources", self.sources.len())?;
        let len = self.buffer_len();
        let out = take(buf, len, "IGMPv3 query")?;
        out[field::TYPE] = MessageType::MEMBERSHIP_QUERY.0;
        out[field::MAX_RESP] = self.max_resp_code.code();
        out[field::GROUP..field::GROUP + 4].copy_from_slice(&self.group.octets());
        out[field::FLAGS] = if self.extension { E_BIT } else { 0 }
            | (self.reserved & 0x7) << 4
            | if self.s_flag { S_BIT } else { 0 }
            | (self.qrv & QRV_MASK);
        out[field::QQIC] = self.qqic.code();
        out[field::NUM_SOURCES..field::SOURCES].copy_from_slice(&count.to_be_bytes());
        let end = field::SOURCES + self.sources.len() * 4;
        self.sources.write(&mut out[field::SOURCES..end]);
        out[end..].copy_from_slice(self.additional_data);
        fill_checksum(out);
        Ok(len)
    }
}
