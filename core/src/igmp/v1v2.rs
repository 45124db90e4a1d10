//! The 8-byte message of IGMPv1 ([RFC 1112] Appendix I) and IGMPv2
//! ([RFC 2236 §2]): queries, reports and leaves.
//!
//! ```text
//!  0                   1                   2                   3
//!  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
//! +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//! |      Type     | Max Resp Time |           Checksum            |
//! +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//! |                         Group Address                         |
//! +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//! ```
//!
//! IGMPv1 calls the second byte "Unused" and sends 0 there; its
//! version/type nibbles read as the same Type bytes (`0x11`, `0x12`).
//!
//! [RFC 1112]: https://www.rfc-editor.org/rfc/rfc1112#appendix-I
//! [RFC 2236 §2]: https://www.rfc-editor.org/rfc/rfc2236#section-2

use core::net::Ipv4Addr;
use core::time::Duration;

use super::builder::{fill_checksum, take};
use super::{MaxRespTime, MessageType, V1V2_LEN, addr_at, checksum_field};
use crate::error::{IgmpBuildError, IgmpError};

mod field {
    pub const TYPE: usize = 0;
    pub const MAX_RESP: usize = 1;
    pub const GROUP: usize = 4;
}

/// A view of an IGMPv1/v2 message ([RFC 2236 §2]) of at least 8 bytes.
///
/// Bytes past the eighth are [additional data](Self::additional_data),
/// which [RFC 2236 §2.5] says to ignore.
///
/// ```
/// use core::net::Ipv4Addr;
/// use ipv4_core::igmp::{Message, MessageType};
///
/// let bytes = [0x16, 0x00, 0xf8, 0xfa, 0xef, 0x01, 0x02, 0x03]; // report 239.1.2.3
/// let Message::ReportV2(report) = Message::parse(&bytes)? else { panic!() };
/// assert_eq!(report.message_type(), MessageType::REPORT_V2);
/// assert_eq!(report.group(), Ipv4Addr::new(239, 1, 2, 3));
/// # Ok::<(), ipv4_core::error::IgmpError>(())
/// ```
///
/// [RFC 2236 §2]: https://www.rfc-editor.org/rfc/rfc2236#section-2
/// [RFC 2236 §2.5]: https://www.rfc-editor.org/rfc/rfc2236#section-2.5
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct V1V2Message<'a> {
    bytes: &'a [u8],
}

impl<'a> V1V2Message<'a> {
    /// Views `bytes` as an IGMPv1/v2 message after checking its length. The
    /// type and checksum are not checked; [`Message::parse`](super::Message::parse)
    /// does both.
    #[inline]
    pub fn new_checked(bytes: &'a [u8]) -> Result<Self, IgmpError> {
        if bytes.len() < V1V2_LEN {
            return Err(super::truncated("IGMPv1/v2 message", V1V2_LEN, bytes.len()));
        }
        Ok(Self::from_validated(bytes))
    }

    /// `bytes` is at least 8 long.
    #[inline]
    pub(crate) fn from_validated(bytes: &'a [u8]) -> Self {
        debug_assert!(bytes.len() >= V1V2_LEN);
        V1V2Message { bytes }
    }

    /// The Type byte.
    #[inline]
    pub fn message_type(&self) -> MessageType {
        MessageType(self.bytes[field::TYPE])
    }

    /// The second byte: Max Resp Time in tenths of a second in IGMPv2
    /// queries, 0 in reports, leaves and IGMPv1 messages (the byte as
    /// sent: [`MaxRespTime::code`]).
    #[inline]
    pub fn max_resp_code(&self) -> MaxRespTime {
        MaxRespTime::new(self.bytes[field::MAX_RESP])
    }

    /// The IGMPv2 Max Resp Time ([RFC 2236 §2.2]): the second byte in
    /// tenths of a second, with no floating-point form.
    ///
    /// [RFC 2236 §2.2]: https://www.rfc-editor.org/rfc/rfc2236#section-2.2
    #[inline]
    pub fn max_resp_time(&self) -> Duration {
        self.max_resp_code().duration()
    }

    /// The Checksum field.
    #[inline]
    pub fn checksum(&self) -> u16 {
        checksum_field(self.bytes)
    }

    /// The Group Address as sent: 0.0.0.0 in general queries. In an IGMPv1
    /// query it is zeroed by the sender and ignored by receivers
    /// ([RFC 1112] Appendix I), but whatever was sent is returned here,
    /// so a parsed message can be re-emitted bit for bit.
    ///
    /// [RFC 1112]: https://www.rfc-editor.org/rfc/rfc1112#appendix-I
    #[inline]
    pub fn group(&self) -> Ipv4Addr {
        addr_at(self.bytes, field::GROUP)
    }

    /// Bytes past the 8-byte message (covered by the checksum, otherwise
    /// ignored).
    #[inline]
    pub fn additional_data(&self) -> &'a [u8] {
        &self.bytes[V1V2_LEN..]
    }

    /// The whole message.
    #[inline]
    pub fn as_bytes(&self) -> &'a [u8] {
        self.bytes
    }
}

/// An IGMPv1/v2 message to build, or one parsed ([RFC 2236 §2]).
///
/// ```
/// use core::net::Ipv4Addr;
/// use ipv4_core::igmp::{Message, V1V2Repr};
///
/// let leave = V1V2Repr::leave(Ipv4Addr::new(239, 1, 2, 3));
/// let mut buf = [0u8; V1V2Repr::LEN];
/// leave.emit(&mut buf)?;
/// let Message::Leave(view) = Message::parse(&buf).unwrap() else { panic!() };
/// assert_eq!(V1V2Repr::parse(&view), leave);
/// # Ok::<(), ipv4_core::error::IgmpBuildError>(())
/// ```
///
/// [RFC 2236 §2]: https://www.rfc-editor.org/rfc/rfc2236#section-2
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct V1V2Repr {
    /// The Type byte.
    pub message_type: MessageType,
    /// Max Resp Time in tenths of a second (IGMPv2 queries), else 0.
    pub max_resp_code: MaxRespTime,
    /// The Group Address.
    pub group: Ipv4Addr,
}

impl V1V2Repr {
    /// The length of every message this type builds.
    pub const LEN: usize = V1V2_LEN;

    /// An IGMPv1 query, as [RFC 1112] Appendix I has it sent: always
    /// general, the group field zeroed. IGMPv1 has no group-specific
    /// query, so there is no group argument; [`parse`](Self::parse) keeps
    /// the group field of a received query whatever it holds, and a query
    /// with another value in it (to test a receiver) is
    /// `V1V2Repr { group, ..V1V2Repr::query_v1() }`.
    ///
    /// ```
    /// use core::net::Ipv4Addr;
    /// use ipv4_core::igmp::{Message, V1V2Repr};
    ///
    /// let crafted = V1V2Repr { group: Ipv4Addr::new(239, 1, 2, 3), ..V1V2Repr::query_v1() };
    /// let mut buf = [0u8; 8];
    /// crafted.emit(&mut buf)?;
    /// let Message::QueryV1(view) = Message::parse(&buf).unwrap() else { panic!() };
    /// assert_eq!(V1V2Repr::parse(&view), crafted); // the group field survives
    /// assert_eq!(view.to_string(), "IGMPv1 general query (group field 239.1.2.3, ignored)");
    /// # Ok::<(), ipv4_core::error::IgmpBuildError>(())
    /// ```
    ///
    /// [RFC 1112]: https://www.rfc-editor.org/rfc/rfc1112#appendix-I
    #[inline]
    pub const fn query_v1() -> Self {
        V1V2Repr {
            message_type: MessageType::MEMBERSHIP_QUERY,
            max_resp_code: MaxRespTime::new(0),
            group: Ipv4Addr::UNSPECIFIED,
        }
    }

    /// An IGMPv2 query: general with `group` 0.0.0.0, group-specific
    /// otherwise. `max_resp_tenths` must not be 0, or receivers take the
    /// query for IGMPv1 ([RFC 9776 §7.1]).
    ///
    /// [RFC 9776 §7.1]: https://www.rfc-editor.org/rfc/rfc9776#section-7.1
    #[inline]
    pub const fn query_v2(group: Ipv4Addr, max_resp_tenths: u8) -> Self {
        V1V2Repr {
            message_type: MessageType::MEMBERSHIP_QUERY,
            max_resp_code: MaxRespTime::new(max_resp_tenths),
            group,
        }
    }

    /// An IGMPv1 Membership Report for `group`.
    #[inline]
    pub const fn report_v1(group: Ipv4Addr) -> Self {
        V1V2Repr {
            message_type: MessageType::REPORT_V1,
            max_resp_code: MaxRespTime::new(0),
            group,
        }
    }

    /// An IGMPv2 Membership Report for `group`.
    #[inline]
    pub const fn report_v2(group: Ipv4Addr) -> Self {
        V1V2Repr {
            message_type: MessageType::REPORT_V2,
            max_resp_code: MaxRespTime::new(0),
            group,
        }
    }

    /// An IGMPv2 Leave Group for `group`.
    #[inline]
    pub const fn leave(group: Ipv4Addr) -> Self {
        V1V2Repr {
            message_type: MessageType::LEAVE_GROUP,
            max_resp_code: MaxRespTime::new(0),
            group,
        }
    }

    /// The fields of a parsed message (additional data is dropped).
    #[inline]
    pub fn parse(view: &V1V2Message<'_>) -> Self {
        V1V2Repr {
            message_type: view.message_type(),
            max_resp_code: view.max_resp_code(),
            group: view.group(),
        }
    }

    /// Bytes [`emit`](Self::emit) writes: always [`LEN`](Self::LEN).
    #[inline]
    pub const fn buffer_len(&self) -> usize {
        Self::LEN
    }

    /// Writes the message with its checksum into the start of `buf`;
    /// returns its length.
    #[inline]
    pub fn emit(&self, buf: &mut [u8]) -> Result<usize, IgmpBuildError> {
        let out = take(buf, Self::LEN, "IGMPv1/v2 message")?;
        out[field::TYPE] = self.message_type.0;
        out[field::MAX_RESP] = self.max_resp_code.code();
        out[field::GROUP..].copy_from_slice(&self.group.octets());
        fill_checksum(out);
        Ok(Self::LEN)
    }
}
