//! [`HeaderFields`]: the fixed fields of a header to emit, as plain values.
use core::net::Ipv4Addr;

use zerocopy::FromBytes;

use super::{Flags, HeaderPrefix, MAX_OPTIONS_LEN, MIN_LEN, Protocol, VERSION, padded_word};
use crate::checksum;
use crate::error::{BufferTooSmall, HeaderError, HeaderField};

/// The fields of an IPv4 header to emit ([RFC 791 §3.1]) without its
/// options and lengths: plain values to wire bytes, with no options array.
///
/// [`emit`](Self::emit) takes the options and the payload length as
/// arguments and writes the header straight into the buffer: each field
/// once, the checksum summed from the values in registers, the options
/// copied once from the caller's slice. It is 16 bytes, where a
/// [`Header`](super::Header) carries a 40-byte options array besides, so
/// it suits code that keeps one per flow or passes it around; built and
/// emitted in one function, both stay in registers and cost about the
/// same. The rules are those of [`Header::emit`](super::Header::emit):
/// values that do not fit are refused with a typed error and nothing is
/// written.
///
/// ```
/// use core::net::Ipv4Addr;
/// use ipv4_core::header::{Flags, Header, HeaderFields, Protocol};
///
/// let src = Ipv4Addr::new(192, 0, 2, 1);
/// let dst = Ipv4Addr::new(224, 0, 0, 22);
/// let fields = HeaderFields::new(src, dst, Protocol::IGMP)
///     .with_ttl(1)
///     .with_tos(0xc0)
///     .with_flags(Flags::DONT_FRAGMENT);
/// let router_alert = [0x94, 0x04, 0x00, 0x00];
/// let mut buf = [0u8; 60];
/// let n = fields.emit(&router_alert, 8, &mut buf)?;
/// assert_eq!(n, 24);
/// assert_eq!(ipv4_core::checksum::checksum(&buf[..n]), 0);
///
/// // The same bytes as the owned header's emit.
/// let mut h = Header::new(src, dst, Protocol::IGMP)
///     .with_ttl(1)
///     .with_tos(0xc0)
///     .with_flags(Flags::DONT_FRAGMENT);
/// h.set_options(&router_alert)?;
/// h.set_payload_len(8)?;
/// let mut other = [0u8; 60];
/// assert_eq!(h.emit(&mut other)?, n);
/// assert_eq!(buf, other);
/// # Ok::<(), ipv4_core::error::HeaderError>(())
/// ```
///
/// [RFC 791 §3.1]: https://www.rfc-editor.org/rfc/rfc791#section-3.1
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct HeaderFields {
    /// Type of Service: DSCP (high six bits) and ECN (low two bits).
    pub tos: u8,
    /// Identification.
    pub identification: u16,
    /// The three flag bits, the reserved one included.
    pub flags: Flags,
    /// Fragment Offset in 8-byte units (at most `0x1fff`).
    pub fragment_offset: u16,
    /// Time to Live.
    pub ttl: u8,
    /// Protocol of the payload.
    pub protocol: Protocol,
    /// Source Address.
    pub source: Ipv4Addr,
    /// Destination Address.
    pub destination: Ipv4Addr,
}

impl HeaderFields {
    /// Fields from `source` to `destination` carrying `protocol`, with TTL
    /// 64 ([`Header::DEFAULT_TTL`](super::Header::DEFAULT_TTL)) and every
    /// other field zero, as [`Header::new`](super::Header::new).
    #[inline]
    pub const fn new(source: Ipv4Addr, destination: Ipv4Addr, protocol: Protocol) -> Self {
        HeaderFields {
            tos: 0,
            identification: 0,
            flags: Flags::empty(),
            fragment_offset: 0,
            ttl: super::Header::DEFAULT_TTL,
            protocol,
            source,
            destination,
        }
    }

    /// These fields with [`ttl`](Self::ttl) set.
    #[must_use]
    #[inline]
    pub const fn with_ttl(mut self, ttl: u8) -> Self {
        self.ttl = ttl;
        self
    }

    /// These fields with [`tos`](Self::tos) set.
    #[must_use]
    #[inline]
    pub const fn with_tos(mut self, tos: u8) -> Self {
        self.tos = tos;
        self
    }

    /// These fields with [`identification`](Self::identification) set.
    #[must_use]
    #[inline]
    pub const fn with_identification(mut self, identification: u16) -> Self {
        self.identification = identification;
        self
    }

    /// These fields with [`flags`](Self::flags) set.
    #[must_use]
    #[inline]
    pub const fn with_flags(mut self, flags: Flags) -> Self {
        self.flags = flags;
        self
    }

    /// These fields with [`fragment_offset`](Self::fragment_offset) set
    /// (in 8-byte units).
    #[must_use]
    #[inline]
    pub const fn with_fragment_offset(mut self, fragment_offset: u16) -> Self {
        self.fragment_offset = fragment_offset;
        self
    }

    /// The header length [`emit`](Self::emit) writes with `options`: 20
    /// plus the options padded to a multiple of 4 (whether or not they
    /// fit).
    #[inline]
    pub const fn buffer_len(options: &[u8]) -> usize {
        MIN_LEN + options.len().next_multiple_of(4)
    }

    /// Writes the header with `options` (padded with zero bytes, End of
    /// Option List, to a multiple of 4) and a total length of header plus
    /// `payload_len` into the start of `buf`, with its checksum, and
    /// returns the header length.
    ///
    /// Fails, writing nothing, with the first of: `options` longer than
    /// 40 bytes ([`HeaderError::OptionsTooLong`]), a total length over
    /// 65 535 ([`HeaderError::FieldOverflow`]), `buf` shorter than the
    /// header ([`HeaderError::BufferTooSmall`]), `flags` holding bits
    /// beyond the three or `fragment_offset` over `0x1fff`
    /// ([`HeaderError::FieldOverflow`]); the same errors in the same order
    /// as [`Header::set_options`](super::Header::set_options),
    /// [`set_payload_len`](super::Header::set_payload_len) and
    /// [`emit`](super::Header::emit) of the same values. The
    /// option bytes are written as given, not decoded; the `options`
    /// module builds valid option lists.
    #[inline]
    pub fn emit(
        &self,
        options: &[u8],
        payload_len: usize,
        buf: &mut [u8],
    ) -> Result<usize, HeaderError> {
        if options.len() > MAX_OPTIONS_LEN {
            return Err(options_too_long(options.len()));
        }
        let header_len = Self::buffer_len(options);
        let total = header_len.saturating_add(payload_len);
        let Ok(total_len) = u16::try_from(total) else {
            return Err(total_overflow(total));
        };
        let found = buf.len();
        let Some((fixed, rest)) = buf
            .get_mut(..header_len)
            .and_then(|out| HeaderPrefix::mut_from_prefix(out).ok())
        else {
            return Err(buffer_too_small(header_len, found));
        };
        if self.flags.bits() > 0b111 || self.fragment_offset > 0x1fff {
            return Err(self.field_overflow());
        }
        let [total_hi, total_lo] = total_len.to_be_bytes();
        let [id_hi, id_lo] = self.identification.to_be_bytes();
        let [frag_hi, frag_lo] = (self.flags.to_word() | self.fragment_offset).to_be_bytes();
        let version_ihl = (VERSION << 4) | (header_len / 4) as u8;
        let mut words = [
            [version_ihl, self.tos, total_hi, total_lo],
            [id_hi, id_lo, frag_hi, frag_lo],
            [self.ttl, self.protocol.0, 0, 0],
            self.source.octets(),
            self.destination.octets(),
        ];
        // Summed from the values and the caller's option bytes, not read
        // back from `buf` (that would wait on store forwarding). The
        // options go word by word: at most ten, where `copy_from_slice`
        // and `fill` of a variable length are calls to memcpy and memset.
        let mut sum = checksum::sum_words_ne(&words);
        // `rest` is the padded options' length: the buffer was cut there.
        let (out, _) = rest.as_chunks_mut::<4>();
        let (whole, tail) = options.as_chunks::<4>();
        for (src, dst) in whole.iter().zip(out.iter_mut()) {
            *dst = *src;
            sum += u64::from(u32::from_ne_bytes(*src));
        }
        if !tail.is_empty() {
            let last = padded_word(tail);
            if let Some(dst) = out.get_mut(whole.len()) {
                *dst = last;
            }
            sum += u64::from(u32::from_ne_bytes(last));
        }
        let [_, _, checksum_field @ ..] = &mut words[2];
        *checksum_field = checksum::checksum_of_sum_ne(sum).to_be_bytes();
        *fixed = zerocopy::transmute!(words);
        Ok(header_len)
    }

    /// The error for a flags or fragment offset value that does not fit.
    #[cold]
    fn field_overflow(&self) -> HeaderError {
        if self.flags.bits() > 0b111 {
            HeaderError::FieldOverflow {
                field: HeaderField::Flags,
                max: 0b111,
                found: self.flags.bits().into(),
            }
        } else {
            HeaderError::FieldOverflow {
                field: HeaderField::FragmentOffset,
                max: 0x1fff,
                found: self.fragment_offset.into(),
            }
        }
    }
}

#[cold]
fn options_too_long(found: usize) -> HeaderError {
    HeaderError::OptionsTooLong {
        max: MAX_OPTIONS_LEN,
        found,
    }
}

#[cold]
fn total_overflow(total: usize) -> HeaderError {
    HeaderError::FieldOverflow {
        field: HeaderField::TotalLength,
        max: u32::from(u16::MAX),
        found: u32::try_from(total).unwrap_or(u32::MAX),
    }
}

#[cold]
fn buffer_too_small(required: usize, found: usize) -> HeaderError {
    HeaderError::BufferTooSmall(BufferTooSmall {
        what: "IPv4 header",
        required,
        found,
    })
}

#[cfg(test)]
mod tests {
    extern crate std;

    use core::net::Ipv4Addr;

    use proptest::prelude::*;

    use super::*;
    use crate::header::Header;

    /// The fields and the owned header they describe.
    fn both(
        (tos, id, flags, frag, ttl): (u8, u16, u8, u16, u8),
        (proto, src, dst): (u8, u32, u32),
    ) -> (HeaderFields, Header) {
        let (src, dst) = (Ipv4Addr::from_bits(src), Ipv4Addr::from_bits(dst));
        let flags = Flags::from_bits_retain(flags);
        let fields = HeaderFields::new(src, dst, Protocol(proto))
            .with_tos(tos)
            .with_identification(id)
            .with_flags(flags)
            .with_fragment_offset(frag)
            .with_ttl(ttl);
        let header = Header::new(src, dst, Protocol(proto))
            .with_tos(tos)
            .with_identification(id)
            .with_flags(flags)
            .with_fragment_offset(frag)
            .with_ttl(ttl);
        (fields, header)
    }

    proptest! {
        /// Same bytes, length and errors as `Header::emit` of the same
        /// values, for any field values (in range or not), 0–44 option
        /// bytes, any payload length and buffer length; nothing written
        /// on an error.
        #[test]
        fn emit_matches_the_owned_header(
            small in (any::<u8>(), any::<u16>(), 0u8..10, 0u16..0x2002, any::<u8>()),
            rest in (any::<u8>(), any::<u32>(), any::<u32>()),
            options in prop::collection::vec(any::<u8>(), 0..=44),
            payload_len in prop_oneof![0usize..2000, 65_400usize..65_600, Just(usize::MAX)],
            buf_len in 0usize..=64,
        ) {
            let (fields, mut header) = both(small, rest);
            let mut ours = [0xaau8; 64];
            let got = fields.emit(&options, payload_len, &mut ours[..buf_len]);
            let expected = header
                .set_options(&options)
                .and_then(|()| header.set_payload_len(payload_len));
            match expected {
                Err(e) => {
                    prop_assert_eq!(got, Err(e));
                }
                Ok(()) => {
                    let mut theirs = [0xaau8; 64];
                    prop_assert_eq!(got, header.emit(&mut theirs[..buf_len]));
                }
            }
            if let Ok(n) = got {
                prop_assert_eq!(n, HeaderFields::buffer_len(&options));
                let parsed = Header::parse(&ours[..n]).unwrap();
                prop_assert_eq!(&parsed.options()[..options.len()], &options[..]);
                prop_assert_eq!(usize::from(parsed.total_len), n + payload_len);
                prop_assert_eq!(crate::checksum::checksum(&ours[..n]), 0);
                prop_assert!(ours[n..].iter().all(|&b| b == 0xaa));
            } else {
                prop_assert!(ours.iter().all(|&b| b == 0xaa));
            }
        }
    }

    /// A captured ICMP echo request's header (the benches' `ICMP_ECHO_20`,
    /// written by Linux), rebuilt from its values.
    #[test]
    fn writes_a_captured_header() {
        let fields = HeaderFields::new(
            Ipv4Addr::new(192, 0, 2, 1),
            Ipv4Addr::new(198, 51, 100, 7),
            Protocol::ICMP,
        )
        .with_identification(0x1c46)
        .with_flags(Flags::DONT_FRAGMENT);
        let mut buf = [0u8; 20];
        assert_eq!(fields.emit(&[], 64, &mut buf), Ok(20));
        assert_eq!(
            buf,
            [
                0x45, 0x00, 0x00, 0x54, 0x1c, 0x46, 0x40, 0x00, 0x40, 0x01, 0x32, 0x27, 0xc0, 0x00,
                0x02, 0x01, 0xc6, 0x33, 0x64, 0x07,
            ]
        );
    }

    #[test]
    fn refuses_what_does_not_fit() {
        let fields = HeaderFields::new(Ipv4Addr::LOCALHOST, Ipv4Addr::LOCALHOST, Protocol::UDP);
        let mut buf = [0u8; 60];
        assert!(matches!(
            fields.emit(&[1; 41], 0, &mut buf),
            Err(HeaderError::OptionsTooLong { max: 40, found: 41 })
        ));
        assert!(matches!(
            fields.emit(&[], 65_516, &mut buf),
            Err(HeaderError::FieldOverflow {
                field: HeaderField::TotalLength,
                found: 65_536,
                ..
            })
        ));
        assert!(matches!(
            fields.with_fragment_offset(0x2000).emit(&[], 0, &mut buf),
            Err(HeaderError::FieldOverflow {
                field: HeaderField::FragmentOffset,
                ..
            })
        ));
        assert!(matches!(
            fields
                .with_flags(Flags::from_bits_retain(8))
                .emit(&[], 0, &mut buf),
            Err(HeaderError::FieldOverflow {
                field: HeaderField::Flags,
                ..
            })
        ));
        assert!(matches!(
            fields.emit(&[1, 1, 1], 0, &mut buf[..23]),
            Err(HeaderError::BufferTooSmall(BufferTooSmall {
                required: 24,
                found: 23,
                ..
            }))
        ));
    }
}
