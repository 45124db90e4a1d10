//! The floating-point codes of IGMPv3: Max Resp Code ([RFC 9776 §4.1.1]) and
//! the Querier's Query Interval Code ([RFC 9776 §4.1.7]).
//!
//! Both are one byte. Below 128 the byte is the value itself; from 128 on
//! it is a float with a 3-bit exponent and a 4-bit mantissa:
//!
//! ```text
//!  0 1 2 3 4 5 6 7
//! +-+-+-+-+-+-+-+-+
//! |1| exp | mant  |      value = (mant | 0x10) << (exp + 3)
//! +-+-+-+-+-+-+-+-+
//! ```
//!
//! so values run from 0 to 31744, strictly increasing with the code. Max
//! Resp Code counts tenths of a second (up to 52 min 54.4 s), QQIC seconds
//! (up to 8 h 49 min 4 s). IGMPv2 queries carry Max Resp Time as a plain
//! count of tenths (0 to 25.5 s) with no float form: [`MaxRespTime`].
//!
//! [`MaxRespCode`] and [`Qqic`] wrap the byte with the unit of each code;
//! [`decode`], [`encode_lossy`] and [`encode_exact`] are the codec on its
//! own, for other codes of the same form (MLDv2's QQIC, for one). IGMPv2's
//! linear Max Resp Time is [`MaxRespTime`].
//!
//! ```
//! use ipv4_core::igmp::codes::{decode, encode_exact, encode_lossy};
//!
//! assert_eq!(decode(100), 100); // below 128: the value itself
//! assert_eq!(decode(0x8f), 248); // (0xf | 0x10) << 3
//! assert_eq!(encode_lossy(250), 0x8f); // rounds down to 248
//! assert_eq!(encode_exact(250), None);
//! assert_eq!(encode_exact(248), Some(0x8f));
//! ```
//!
//! [RFC 9776 §4.1.1]: https://www.rfc-editor.org/rfc/rfc9776#section-4.1.1
//! [RFC 9776 §4.1.7]: https://www.rfc-editor.org/rfc/rfc9776#section-4.1.7

use core::fmt;
use core::time::Duration;

use crate::error::CodeError;

/// The largest value either code can express: code `0xff`.
pub const MAX_CODE_VALUE: u32 = 0x1f << 10;

/// The value a Max Resp Code or QQIC byte stands for, in the code's unit.
#[inline]
pub const fn decode(code: u8) -> u32 {
    if code < 0x80 {
        code as u32
    } else {
        let exp = (code >> 4) & 0x7;
        let mant = code & 0xf;
        ((mant | 0x10) as u32) << (exp + 3)
    }
}

/// The largest code whose value is not above `value` (so `0xff` for every
/// value from 31744 on).
#[inline]
pub const fn encode_lossy(value: u64) -> u8 {
    if value < 0x80 {
        return value as u8;
    }
    if value >= MAX_CODE_VALUE as u64 {
        return 0xff;
    }
    // value < 2^15, so it has 8..=15 significant bits; the mantissa keeps
    // the top five (the leading one implied).
    let bits = 64 - value.leading_zeros();
    let exp = bits - 8;
    let mant = ((value >> (exp + 3)) & 0xf) as u8;
    0x80 | ((exp as u8) << 4) | mant
}

/// The code whose value is exactly `value`, or `None`.
#[inline]
pub const fn encode_exact(value: u64) -> Option<u8> {
    let code = encode_lossy(value);
    if decode(code) as u64 == value {
        Some(code)
    } else {
        None
    }
}

fn not_representable(what: &'static str, value: u64) -> CodeError {
    let below_code = encode_lossy(value);
    let below = decode(below_code);
    let above = if below_code == 0xff {
        None
    } else {
        Some(decode(below_code + 1))
    };
    CodeError {
        what,
        value,
        below,
        above,
    }
}

/// Saturating conversion of a duration to whole units of `unit_nanos`,
/// rounding down, and whether it was exact.
fn units(d: Duration, unit_nanos: u64) -> (u64, bool) {
    let nanos = d.as_nanos();
    let unit = u128::from(unit_nanos);
    let whole = nanos / unit;
    (
        u64::try_from(whole).unwrap_or(u64::MAX),
        nanos.is_multiple_of(unit) && whole <= u128::from(u64::MAX),
    )
}

const TENTH_NANOS: u64 = 100_000_000;
const SECOND_NANOS: u64 = 1_000_000_000;

/// An IGMPv3 Max Resp Code: the longest time, in tenths of a second, a host
/// may wait before answering a query ([RFC 9776 §4.1.1]).
///
/// ```
/// use core::time::Duration;
/// use ipv4_core::igmp::MaxRespCode;
///
/// // The default Query Response Interval, 10 s, is code 100.
/// let code = MaxRespCode::from_duration_exact(Duration::from_secs(10)).unwrap();
/// assert_eq!(code.code(), 100);
/// // Code 0x8f is (0xf | 0x10) << 3 = 248 tenths.
/// assert_eq!(MaxRespCode::new(0x8f).duration(), Duration::from_millis(24_800));
/// // 25 s is not representable; the lossy encoder rounds down to 24.8 s.
/// assert!(MaxRespCode::from_tenths_exact(250).is_err());
/// assert_eq!(MaxRespCode::from_tenths_lossy(250).tenths(), 248);
/// ```
///
/// [RFC 9776 §4.1.1]: https://www.rfc-editor.org/rfc/rfc9776#section-4.1.1
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct MaxRespCode(u8);

impl MaxRespCode {
    /// Wraps a code byte as received.
    #[inline]
    pub const fn new(code: u8) -> Self {
        MaxRespCode(code)
    }

    /// The code byte.
    #[inline]
    pub const fn code(self) -> u8 {
        self.0
    }

    /// The Max Resp Time in tenths of a second.
    #[inline]
    pub const fn tenths(self) -> u32 {
        decode(self.0)
    }

    /// The Max Resp Time.
    #[inline]
    pub const fn duration(self) -> Duration {
        Duration::from_millis(self.tenths() as u64 * 100)
    }

    /// The code for exactly `tenths` tenths of a second.
    #[inline]
    pub fn from_tenths_exact(tenths: u32) -> Result<Self, CodeError> {
        encode_exact(u64::from(tenths))
            .map(MaxRespCode)
            .ok_or_else(|| not_representable("Max Resp Code", u64::from(tenths)))
    }

    /// The largest code not above `tenths` tenths of a second.
    #[inline]
    pub const fn from_tenths_lossy(tenths: u32) -> Self {
        MaxRespCode(encode_lossy(tenths as u64))
    }

    /// The code for exactly `d`, which must be a whole number of tenths.
    #[inline]
    pub fn from_duration_exact(d: Duration) -> Result<Self, CodeError> {
        let (tenths, whole) = units(d, TENTH_NANOS);
        match encode_exact(tenths) {
            Some(code) if whole => Ok(MaxRespCode(code)),
            _ => Err(not_representable("Max Resp Code", tenths)),
        }
    }

    /// The largest code not above `d`.
    #[inline]
    pub fn from_duration_lossy(d: Duration) -> Self {
        MaxRespCode(encode_lossy(units(d, TENTH_NANOS).0))
    }
}

impl fmt::Display for MaxRespCode {
    #[inline]
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let t = self.tenths();
        write!(f, "{}.{}s", t / 10, t % 10)
    }
}

/// An IGMPv2 Max Resp Time ([RFC 2236 §2.2]): tenths of a second as a
/// plain byte, 0 to 25.5 s, with no floating-point form. IGMPv1 queries,
/// reports and leaves carry 0.
///
/// The IGMPv1/v2 counterpart of [`MaxRespCode`], with the same accessors,
/// so both [`V1V2Message::max_resp_code`](super::V1V2Message::max_resp_code)
/// and [`QueryV3::max_resp_code`](super::QueryV3::max_resp_code) return a
/// typed code. They are different types because the same byte means
/// different times: `0x8f` is 14.3 s here and 24.8 s in IGMPv3.
///
/// ```
/// use core::time::Duration;
/// use ipv4_core::igmp::{MaxRespCode, MaxRespTime};
///
/// assert_eq!(MaxRespTime::new(0x8f).duration(), Duration::from_millis(14_300));
/// assert_eq!(MaxRespCode::new(0x8f).duration(), Duration::from_millis(24_800));
/// assert_eq!(MaxRespTime::new(100).to_string(), "10.0s");
/// ```
///
/// [RFC 2236 §2.2]: https://www.rfc-editor.org/rfc/rfc2236#section-2.2
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct MaxRespTime(u8);

impl MaxRespTime {
    /// Wraps a code byte as received (or a count of tenths to send).
    #[inline]
    pub const fn new(code: u8) -> Self {
        MaxRespTime(code)
    }

    /// The byte on the wire.
    #[inline]
    pub const fn code(self) -> u8 {
        self.0
    }

    /// The time in tenths of a second: the byte itself.
    #[inline]
    pub const fn tenths(self) -> u32 {
        self.0 as u32
    }

    /// The time as a [`Duration`].
    #[inline]
    pub const fn duration(self) -> Duration {
        Duration::from_millis(self.0 as u64 * 100)
    }
}

impl From<u8> for MaxRespTime {
    /// [`MaxRespTime::new`].
    #[inline]
    fn from(code: u8) -> Self {
        MaxRespTime(code)
    }
}

/// `10.0s`.
impl fmt::Display for MaxRespTime {
    #[inline]
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}.{}s", self.0 / 10, self.0 % 10)
    }
}

/// An IGMPv3 Querier's Query Interval Code: the querier's Query Interval in
/// seconds ([RFC 9776 §4.1.7]).
///
/// ```
/// use core::time::Duration;
/// use ipv4_core::igmp::Qqic;
///
/// // The default Query Interval, 125 s, is code 125.
/// assert_eq!(Qqic::from_duration_exact(Duration::from_secs(125)).unwrap().code(), 125);
/// assert_eq!(Qqic::new(0xff).duration(), Duration::from_secs(31744));
/// assert_eq!(Qqic::from_secs_lossy(1000).secs(), 992);
/// ```
///
/// [RFC 9776 §4.1.7]: https://www.rfc-editor.org/rfc/rfc9776#section-4.1.7
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Qqic(u8);

impl Qqic {
    /// Wraps a code byte as received.
    #[inline]
    pub const fn new(code: u8) -> Self {
        Qqic(code)
    }

    /// The code byte.
    #[inline]
    pub const fn code(self) -> u8 {
        self.0
    }

    /// The Querier's Query Interval in seconds.
    #[inline]
    pub const fn secs(self) -> u32 {
        decode(self.0)
    }

    /// The Querier's Query Interval.
    #[inline]
    pub const fn duration(self) -> Duration {
        Duration::from_secs(self.secs() as u64)
    }

    /// The code for exactly `secs` seconds.
    #[inline]
    pub fn from_secs_exact(secs: u32) -> Result<Self, CodeError> {
        encode_exact(u64::from(secs))
            .map(Qqic)
            .ok_or_else(|| not_representable("QQIC", u64::from(secs)))
    }

    /// The largest code not above `secs` seconds.
    #[inline]
    pub const fn from_secs_lossy(secs: u32) -> Self {
        Qqic(encode_lossy(secs as u64))
    }

    /// The code for exactly `d`, which must be a whole number of seconds.
    #[inline]
    pub fn from_duration_exact(d: Duration) -> Result<Self, CodeError> {
        let (secs, whole) = units(d, SECOND_NANOS);
        match encode_exact(secs) {
            Some(code) if whole => Ok(Qqic(code)),
            _ => Err(not_representable("QQIC", secs)),
        }
    }

    /// The largest code not above `d`.
    #[inline]
    pub fn from_duration_lossy(d: Duration) -> Self {
        Qqic(encode_lossy(units(d, SECOND_NANOS).0))
    }
}

impl fmt::Display for Qqic {
    #[inline]
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}s", self.secs())
    }
}

#[cfg(test)]
mod tests {
    extern crate std;

    use super::*;
    use proptest::prelude::*;
    use std::string::ToString;

    /// The RFC's formula, written out independently of `decode`.
    fn rfc_value(code: u8) -> u32 {
        if code < 128 {
            u32::from(code)
        } else {
            let exp = u32::from((code & 0b0111_0000) >> 4);
            let mant = u32::from(code & 0b0000_1111);
            (mant | 0x10) << (exp + 3)
        }
    }

    #[test]
    fn all_256_codes_decode_per_rfc_and_increase() {
        let mut last = None;
        for code in 0..=255u8 {
            let v = decode(code);
            assert_eq!(v, rfc_value(code), "code {code:#04x}");
            if let Some(last) = last {
                assert!(v > last, "code {code:#04x} not increasing");
            }
            last = Some(v);
            assert_eq!(encode_exact(u64::from(v)), Some(code));
            assert_eq!(encode_lossy(u64::from(v)), code);
        }
    }

    #[test]
    fn known_values() {
        assert_eq!(decode(0x80), 128);
        assert_eq!(decode(0x8f), 248);
        assert_eq!(decode(0x90), 256);
        assert_eq!(decode(0xff), 31744);
        assert_eq!(MAX_CODE_VALUE, 31744);
        assert_eq!(encode_exact(129), None);
        assert_eq!(encode_lossy(129), 0x80);
        assert_eq!(encode_lossy(u64::MAX), 0xff);
    }

    #[test]
    fn errors_name_the_neighbours() {
        let e = MaxRespCode::from_tenths_exact(250).unwrap_err();
        assert_eq!((e.below, e.above), (248, Some(256)));
        let e = Qqic::from_secs_exact(40_000).unwrap_err();
        assert_eq!((e.below, e.above), (31744, None));
        assert_eq!(
            e.to_string(),
            "QQIC cannot encode 40000 exactly; the nearest values are 31744 (the largest)"
        );
        // Not a whole number of tenths.
        assert!(MaxRespCode::from_duration_exact(Duration::from_millis(150)).is_err());
        assert_eq!(
            MaxRespCode::from_duration_lossy(Duration::from_millis(150)).tenths(),
            1
        );
        assert!(Qqic::from_duration_exact(Duration::from_millis(1500)).is_err());
        assert_eq!(Qqic::from_duration_lossy(Duration::MAX).code(), 0xff);
    }

    proptest! {
        #[test]
        fn lossy_is_the_largest_code_not_above(v in 0u64..40_000) {
            let code = encode_lossy(v);
            prop_assert!(u64::from(decode(code)) <= v);
            if code < 0xff {
                prop_assert!(u64::from(decode(code + 1)) > v);
            }
            prop_assert_eq!(encode_exact(v).is_some(), u64::from(decode(code)) == v);
        }
    }
}
