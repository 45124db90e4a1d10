//! [`Header`]: an owned IPv4 header, every bit of it.
use core::fmt;
use core::net::Ipv4Addr;

use zerocopy::FromBytes;
use zerocopy::network_endian::U16;

use super::{
    Flags, HeaderPrefix, HeaderView, MAX_LEN, MAX_OPTIONS_LEN, MIN_LEN, Protocol, RawFormat,
    Strictness, VERSION, copy_prefix, padded_word, validate,
};
use crate::checksum::{self, Policy};
use crate::error::{BufferTooSmall, HeaderError, HeaderField};

/// An owned IPv4 header ([RFC 791 §3.1]): every field, options included,
/// with no allocation.
///
/// The fields are public and typed; the options live inline (at most 40
/// bytes) behind [`options`](Self::options) and
/// [`set_options`](Self::set_options), which keep them a multiple of 4
/// bytes so the header length is always `20 + options().len()`.
///
/// # Contract
///
/// * [`parse`](Self::parse) reads a header from untrusted bytes (version 4,
///   IHL ≥ 5, the header within the buffer, total length ≥ header length;
///   the total length may exceed the buffer, as the header is often handed
///   over alone) and returns a new value: nothing is left over from
///   anything parsed before.
/// * [`emit`](Self::emit) writes [`header_len`](Self::header_len)
///   bytes into a caller's buffer, computing the checksum; it checks every
///   field fits and returns an error (never panics) on a short buffer.
/// * `Header::parse(&b)` then `emit` gives back `b`'s header bytes, bit
///   for bit (with [`Policy::Trust`], or whenever `b`'s checksum was
///   right); `parse(emit(h)) == h` for every `h` that emits, when the
///   checksum field holds the computed value.
///
/// ```
/// use core::net::Ipv4Addr;
/// use ipv4_core::header::{Flags, Header, HeaderView, Protocol};
///
/// // An IGMPv2 report: TTL 1 and a Router Alert option (RFC 2236 §2).
/// let mut header = Header::new(
///     Ipv4Addr::new(192, 0, 2, 10),
///     Ipv4Addr::new(239, 1, 2, 3),
///     Protocol::IGMP,
/// )
/// .with_ttl(1)
/// .with_tos(0xc0)
/// .with_flags(Flags::DONT_FRAGMENT);
/// header.set_options(&[0x94, 0x04, 0x00, 0x00])?;
/// header.set_payload_len(8)?;
/// assert_eq!(header.header_len(), 24);
/// assert_eq!(header.total_len, 32);
///
/// let mut buf = [0u8; 60];
/// let n = header.emit(&mut buf)?;
/// assert_eq!(n, 24);
/// let view = HeaderView::new_lax(&buf[..n])?; // the 8 payload bytes are not here
/// assert!(view.verify_checksum());
///
/// let parsed = Header::parse(&buf[..n])?;
/// assert_eq!(parsed.options(), &[0x94, 0x04, 0x00, 0x00]);
/// assert_eq!(parsed.checksum, view.checksum());
/// header.fill_checksum();
/// assert_eq!(parsed, header);
/// # Ok::<(), ipv4_core::error::HeaderError>(())
/// ```
///
/// [RFC 791 §3.1]: https://www.rfc-editor.org/rfc/rfc791#section-3.1
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
pub struct Header {
    /// Version: 4 for every header [`parse`](Self::parse) accepts.
    /// [`emit`](Self::emit) writes any value up to 15, so tests can
    /// craft non-IPv4 packets.
    pub version: u8,
    /// Type of Service: DSCP (high six bits) and ECN (low two bits).
    pub tos: u8,
    /// Total Length: header plus payload, in bytes. Must be at least
    /// [`header_len`](Self::header_len) to emit.
    pub total_len: u16,
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
    /// Header Checksum as parsed, or as to be written with
    /// [`Policy::Trust`]. [`emit`](Self::emit) computes its own.
    pub checksum: u16,
    /// Source Address.
    pub source: Ipv4Addr,
    /// Destination Address.
    pub destination: Ipv4Addr,
    /// Option bytes; only the first `options_len` are used, the rest are 0.
    pub(super) options: [u8; MAX_OPTIONS_LEN],
    /// Number of option bytes: a multiple of 4, at most 40.
    pub(super) options_len: u8,
}

impl Default for Header {
    /// [`Header::EMPTY`].
    fn default() -> Self {
        Header::EMPTY
    }
}

impl Header {
    /// Default TTL of [`new`](Self::new): 64, as Linux, the BSDs and macOS
    /// use ([RFC 1700] recommended value).
    ///
    /// [RFC 1700]: https://www.rfc-editor.org/rfc/rfc1700
    pub const DEFAULT_TTL: u8 = 64;

    /// Version 4, TTL 64, total length 20, every other field zero, the
    /// addresses `0.0.0.0`, no options.
    pub const EMPTY: Header = Header {
        version: VERSION,
        tos: 0,
        total_len: MIN_LEN as u16,
        identification: 0,
        flags: Flags::empty(),
        fragment_offset: 0,
        ttl: Header::DEFAULT_TTL,
        protocol: Protocol(0),
        checksum: 0,
        source: Ipv4Addr::UNSPECIFIED,
        destination: Ipv4Addr::UNSPECIFIED,
        options: [0; MAX_OPTIONS_LEN],
        options_len: 0,
    };

    /// A 20-byte header from `source` to `destination` carrying `protocol`,
    /// with TTL 64, no payload yet (total length 20; see
    /// [`set_payload_len`](Self::set_payload_len)), and every other field
    /// zero.
    #[inline]
    pub const fn new(source: Ipv4Addr, destination: Ipv4Addr, protocol: Protocol) -> Header {
        Header {
            source,
            destination,
            protocol,
            ..Header::EMPTY
        }
    }

    /// This header with [`ttl`](Self::ttl) set.
    #[must_use]
    #[inline]
    pub const fn with_ttl(mut self, ttl: u8) -> Header {
        self.ttl = ttl;
        self
    }

    /// This header with [`tos`](Self::tos) set.
    #[must_use]
    #[inline]
    pub const fn with_tos(mut self, tos: u8) -> Header {
        self.tos = tos;
        self
    }

    /// This header with [`identification`](Self::identification) set.
    #[must_use]
    #[inline]
    pub const fn with_identification(mut self, identification: u16) -> Header {
        self.identification = identification;
        self
    }

    /// This header with [`flags`](Self::flags) set.
    #[must_use]
    #[inline]
    pub const fn with_flags(mut self, flags: Flags) -> Header {
        self.flags = flags;
        self
    }

    /// This header with [`fragment_offset`](Self::fragment_offset) set (in
    /// 8-byte units).
    #[must_use]
    #[inline]
    pub const fn with_fragment_offset(mut self, fragment_offset: u16) -> Header {
        self.fragment_offset = fragment_offset;
        self
    }

    /// Parses the header at the start of `bytes` (wire format).
    ///
    /// Validates version 4, IHL ≥ 5, that the header (with options) is in
    /// `bytes`, and that the total length is at least the header length.
    /// The total length may exceed `bytes` (use
    /// [`HeaderView::new_checked`] to check the whole packet). The checksum
    /// is kept as found, not verified: to verify it too, parse with
    /// `HeaderView::new_checked_with(bytes, Policy::Enforce)?.to_header()`.
    ///
    /// ```
    /// use ipv4_core::error::HeaderError;
    /// use ipv4_core::header::Header;
    ///
    /// let mut bytes = [0u8; 20];
    /// bytes[0] = 0x46; // IHL 6: 24 bytes, 4 of them options
    /// bytes[3] = 24;
    /// assert_eq!(
    ///     Header::parse(&bytes),
    ///     Err(HeaderError::OptionsTruncated { required: 24, found: 20 })
    /// );
    /// ```
    #[inline]
    pub fn parse(bytes: &[u8]) -> Result<Header, HeaderError> {
        let (header_len, _) = validate(bytes, Strictness::HeaderOnly)?;
        // Validated: 20 <= header_len <= bytes.len(); the fallbacks are
        // dead code. The options' length is the validated header length's
        // (not worked out again from the bytes), so the compiler knows it.
        let options = bytes.get(MIN_LEN..header_len).unwrap_or_default();
        let raw = match HeaderPrefix::ref_from_prefix(bytes) {
            Ok((raw, _)) => raw,
            Err(_) => &HeaderPrefix::ZERO,
        };
        Ok(Header::from_parts(raw, options))
    }

    /// The header with the fixed fields of `raw` and `options` (at most
    /// 40 bytes are kept; callers pass a whole number of words).
    #[inline(always)]
    pub(super) fn from_parts(raw: &HeaderPrefix, options: &[u8]) -> Header {
        // A local array, moved in whole: no access at a variable offset
        // into the header (see `copy_options`).
        let mut options_array = [0u8; MAX_OPTIONS_LEN];
        copy_prefix(&mut options_array, options);
        // One struct expression, so the value is built in place.
        Header {
            version: raw.version(),
            tos: raw.tos,
            total_len: raw.total_len.get(),
            identification: raw.identification.get(),
            flags: raw.flags(),
            fragment_offset: raw.fragment_offset(),
            ttl: raw.ttl,
            protocol: raw.protocol(),
            checksum: raw.checksum.get(),
            source: raw.source(),
            destination: raw.destination(),
            options: options_array,
            // Whole words, as every options length is (see `copy_options`).
            options_len: (options.len().min(MAX_OPTIONS_LEN) & !3) as u8,
        }
    }

    /// Parses a header in a raw-socket `format` (see [`RawFormat`]); with
    /// [`RawFormat::Wire`] this is [`parse`](Self::parse).
    pub fn parse_raw(bytes: &[u8], format: RawFormat) -> Result<Header, HeaderError> {
        if format == RawFormat::Wire {
            return Header::parse(bytes);
        }
        // Rewrite the two affected fields into wire order in a copy of the
        // header (at most 60 bytes are ever read), then parse that.
        let mut copy = [0u8; MAX_LEN];
        for (dst, src) in copy.iter_mut().zip(bytes) {
            *dst = *src;
        }
        let wire = copy.get_mut(..bytes.len().min(MAX_LEN)).unwrap_or_default();
        let Some((fixed, _)) = HeaderPrefix::mut_from_prefix(wire).ok() else {
            return Err(HeaderError::Truncated {
                required: MIN_LEN,
                found: bytes.len(),
            });
        };
        let order = format.byte_order();
        let mut total_len = u32::from(order.read(fixed.total_len.to_bytes()));
        if format.length_excludes_header() {
            total_len += fixed.header_len() as u32;
        }
        let total_len = u16::try_from(total_len).map_err(|_| HeaderError::FieldOverflow {
            field: HeaderField::TotalLength,
            max: u32::from(u16::MAX),
            found: total_len,
        })?;
        fixed.total_len = U16::new(total_len);
        fixed.flags_fragment = U16::new(order.read(fixed.flags_fragment.to_bytes()));
        // Lengths are checked against the caller's buffer (the copy has the
        // same length, cut at 60 bytes, which no header exceeds).
        Header::parse(wire)
    }

    /// The header length in bytes: `20 + options().len()`.
    #[inline]
    pub const fn header_len(&self) -> usize {
        MIN_LEN + self.options_len as usize
    }

    /// The IHL field this header emits with: `header_len() / 4`.
    #[inline]
    pub const fn ihl(&self) -> u8 {
        (self.header_len() / 4) as u8
    }

    /// The payload length the total length implies: `total_len -
    /// header_len()`, or 0 if the total length is smaller.
    #[inline]
    pub const fn payload_len(&self) -> usize {
        (self.total_len as usize).saturating_sub(self.header_len())
    }

    /// Sets the total length to `header_len() + payload_len`. Options set
    /// later keep this payload length ([`set_options`](Self::set_options)).
    ///
    /// Fails, changing nothing, if that exceeds 65 535.
    #[inline]
    pub fn set_payload_len(&mut self, payload_len: usize) -> Result<(), HeaderError> {
        let total = self.header_len().saturating_add(payload_len);
        self.total_len = u16::try_from(total).map_err(|_| HeaderError::FieldOverflow {
            field: HeaderField::TotalLength,
            max: u32::from(u16::MAX),
            found: u32::try_from(total).unwrap_or(u32::MAX),
        })?;
        Ok(())
    }

    /// The option bytes, padding included: a multiple of 4, at most 40.
    #[inline]
    pub fn options(&self) -> &[u8] {
        self.options
            .get(..usize::from(self.options_len))
            .unwrap_or_default()
    }

    /// Replaces the options with `options`, padded with zero bytes (End of
    /// Option List, [RFC 791 §3.1]) to a multiple of 4, and keeps the
    /// payload length: the total length changes by as much as the header
    /// length does.
    ///
    /// The rule, for every setter of an owned header: the payload length
    /// (`total_len - header_len()`, 0 when the total length is smaller) is
    /// what stays. So `set_options` and
    /// [`set_payload_len`](Self::set_payload_len) give the same total
    /// length in either order. Only a total length written into the field
    /// by hand counts the options as payload when options are set after
    /// it; the packet emitters ([`emit_packet`](Self::emit_packet),
    /// [`emit_packet_with`](Self::emit_packet_with)) ignore the field and
    /// write header length plus the payload they are given.
    ///
    /// Fails, changing nothing, if `options` is longer than 40 bytes or the
    /// total length would exceed 65 535. The bytes are stored as given, not
    /// decoded; the `options` module builds valid option lists.
    ///
    /// ```
    /// use core::net::Ipv4Addr;
    /// use ipv4_core::header::{Header, Protocol};
    ///
    /// let mut h = Header::new(Ipv4Addr::LOCALHOST, Ipv4Addr::LOCALHOST, Protocol::UDP);
    /// h.set_options(&[0x01, 0x01, 0x00])?; // NOP, NOP, EOL: padded to 4
    /// assert_eq!(h.options(), &[0x01, 0x01, 0x00, 0x00]);
    /// assert_eq!((h.header_len(), h.total_len), (24, 24));
    /// assert!(h.set_options(&[0; 41]).is_err());
    /// # Ok::<(), ipv4_core::error::HeaderError>(())
    /// ```
    ///
    /// [RFC 791 §3.1]: https://www.rfc-editor.org/rfc/rfc791#section-3.1
    #[inline]
    pub fn set_options(&mut self, options: &[u8]) -> Result<(), HeaderError> {
        if options.len() > MAX_OPTIONS_LEN {
            return Err(HeaderError::OptionsTooLong {
                max: MAX_OPTIONS_LEN,
                found: options.len(),
            });
        }
        let padded = options.len().next_multiple_of(4);
        let payload_len = usize::from(self.total_len).saturating_sub(self.header_len());
        let total = (MIN_LEN + padded + payload_len) as u32;
        let total_len = u16::try_from(total).map_err(|_| HeaderError::FieldOverflow {
            field: HeaderField::TotalLength,
            max: u32::from(u16::MAX),
            found: total,
        })?;
        self.options = options_array(options);
        self.options_len = padded as u8;
        self.total_len = total_len;
        Ok(())
    }

    /// The DSCP, the top six bits of [`tos`](Self::tos) ([RFC 2474 §3]).
    ///
    /// [RFC 2474 §3]: https://www.rfc-editor.org/rfc/rfc2474#section-3
    #[inline]
    pub const fn dscp(&self) -> u8 {
        self.tos >> 2
    }

    /// The ECN codepoint, the low two bits of [`tos`](Self::tos)
    /// ([RFC 3168 §5]).
    ///
    /// [RFC 3168 §5]: https://www.rfc-editor.org/rfc/rfc3168#section-5
    #[inline]
    pub const fn ecn(&self) -> u8 {
        self.tos & 0b11
    }

    /// Sets the DSCP (modulo 64), keeping the ECN bits.
    #[inline]
    pub const fn set_dscp(&mut self, dscp: u8) {
        self.tos = (dscp << 2) | (self.tos & 0b11);
    }

    /// Sets the ECN codepoint (modulo 4), keeping the DSCP.
    #[inline]
    pub const fn set_ecn(&mut self, ecn: u8) {
        self.tos = (self.tos & !0b11) | (ecn & 0b11);
    }

    /// Whether this is a fragment: MF set or a non-zero fragment offset.
    #[inline]
    pub const fn is_fragment(&self) -> bool {
        self.flags.contains(Flags::MORE_FRAGMENTS) || self.fragment_offset != 0
    }

    /// The checksum this header emits with: computed over its wire form.
    ///
    /// On a header that does not emit (a field too large), the values are
    /// cut to their field widths first.
    #[inline]
    pub fn compute_checksum(&self) -> u16 {
        checksum_of_words(&self.fixed_words(), &self.options)
    }

    /// The fixed header's five 32-bit words, in wire byte order, with a
    /// zero checksum field; values too large for their fields are cut to
    /// the field widths.
    ///
    /// Built from the field values in registers: the checksum sums them
    /// and [`emit_with`](Self::emit_with) stores them, five 4-byte
    /// stores (summing bytes just written to memory instead waits on store
    /// forwarding, and writing field by field takes ten stores).
    #[inline(always)]
    fn fixed_words(&self) -> [[u8; 4]; 5] {
        let [total_hi, total_lo] = self.total_len.to_be_bytes();
        let [id_hi, id_lo] = self.identification.to_be_bytes();
        let fragment = self.flags.to_word() | (self.fragment_offset & 0x1fff);
        let [frag_hi, frag_lo] = fragment.to_be_bytes();
        let version_ihl = (self.version << 4) | self.ihl();
        [
            [version_ihl, self.tos, total_hi, total_lo],
            [id_hi, id_lo, frag_hi, frag_lo],
            [self.ttl, self.protocol.0, 0, 0],
            self.source.octets(),
            self.destination.octets(),
        ]
    }

    /// Sets [`checksum`](Self::checksum) to [`compute_checksum`](Self::compute_checksum).
    pub fn fill_checksum(&mut self) {
        self.checksum = self.compute_checksum();
    }

    /// Writes the header into the start of `buf` in wire format with a
    /// computed checksum, and returns its length,
    /// [`header_len`](Self::header_len).
    ///
    /// Fails, writing nothing, if `buf` is shorter than `header_len()`
    /// ([`HeaderError::BufferTooSmall`]), if `version` exceeds 15,
    /// `fragment_offset` exceeds `0x1fff` or `flags` holds bits beyond the
    /// three ([`HeaderError::FieldOverflow`]), or if `total_len` is smaller
    /// than `header_len()` ([`HeaderError::TotalLengthTooSmall`]).
    ///
    /// ```
    /// use core::net::Ipv4Addr;
    /// use ipv4_core::error::HeaderError;
    /// use ipv4_core::header::{Header, Protocol};
    ///
    /// let h = Header::new(Ipv4Addr::new(192, 0, 2, 1), Ipv4Addr::new(192, 0, 2, 2), Protocol::UDP);
    /// let mut short = [0u8; 19];
    /// assert!(matches!(h.emit(&mut short), Err(HeaderError::BufferTooSmall(_))));
    /// let mut buf = [0u8; 20];
    /// assert_eq!(h.emit(&mut buf), Ok(20));
    /// assert_eq!(ipv4_core::checksum::checksum(&buf), 0);
    /// ```
    #[inline]
    pub fn emit(&self, buf: &mut [u8]) -> Result<usize, HeaderError> {
        self.emit_with(buf, RawFormat::Wire, Policy::Enforce)
    }

    /// Writes the header into the start of `buf` in a raw-socket `format`,
    /// computing the checksum or keeping [`checksum`](Self::checksum) as
    /// `policy` says, and returns its length. Fails as
    /// [`emit`](Self::emit) does.
    ///
    /// The checksum is computed over the wire form whatever the format
    /// (kernels that take host-order fields recompute it anyway). With
    /// [`RawFormat::LengthExcludesHeader`] the total length is written less
    /// the header length, so [`parse_raw`](Self::parse_raw) reads it back;
    /// kernels that *deliver* that form take [`RawFormat::BsdHostOrder`]
    /// on send.
    #[inline]
    pub fn emit_with(
        &self,
        buf: &mut [u8],
        format: RawFormat,
        policy: Policy,
    ) -> Result<usize, HeaderError> {
        let header_len = self.header_len();
        let found = buf.len();
        let Some((fixed, rest)) = buf
            .get_mut(..header_len)
            .and_then(|out| HeaderPrefix::mut_from_prefix(out).ok())
        else {
            return Err(HeaderError::BufferTooSmall(BufferTooSmall {
                what: "IPv4 header",
                required: header_len,
                found,
            }));
        };
        self.check_fields()?;
        let words = self.fixed_words();
        let checksum = match policy {
            // Without options (most headers) the 40 zero bytes past them
            // add nothing: skip their ten loads and adds.
            Policy::Enforce if self.options_len == 0 => {
                checksum::checksum_of_sum_ne(checksum::sum_words_ne(&words))
            }
            Policy::Enforce => checksum_of_words(&words, &self.options),
            Policy::Trust => self.checksum,
        };
        *fixed = with_checksum(words, checksum);
        // `rest` is exactly the options' length: the buffer was cut to
        // `header_len()`.
        copy_options(rest, &self.options);
        if format != RawFormat::Wire {
            let order = format.byte_order();
            let mut total_len = self.total_len;
            if format.length_excludes_header() {
                // `check_fields` checked total_len >= header_len.
                total_len -= header_len as u16;
            }
            let word = self.flags.to_word() | self.fragment_offset;
            fixed.total_len = U16::from_bytes(order.write(total_len));
            fixed.flags_fragment = U16::from_bytes(order.write(word));
        }
        Ok(header_len)
    }

    /// Checks every field fits its width on the wire and the total length
    /// covers the header.
    #[inline]
    fn check_fields(&self) -> Result<(), HeaderError> {
        let overflow =
            |field, max: u32, found: u32| HeaderError::FieldOverflow { field, max, found };
        if self.version > 0x0f {
            return Err(overflow(HeaderField::Version, 0x0f, self.version.into()));
        }
        if self.flags.bits() > 0b111 {
            return Err(overflow(
                HeaderField::Flags,
                0b111,
                self.flags.bits().into(),
            ));
        }
        if self.fragment_offset > 0x1fff {
            return Err(overflow(
                HeaderField::FragmentOffset,
                0x1fff,
                self.fragment_offset.into(),
            ));
        }
        let header_len = self.header_len();
        if usize::from(self.total_len) < header_len {
            return Err(HeaderError::TotalLengthTooSmall {
                required: header_len,
                found: self.total_len,
            });
        }
        Ok(())
    }

    /// The fixed 20 bytes, each value cut to its field's width: the
    /// [`fixed_words`](Self::fixed_words) with `checksum` in its field.
    #[inline(always)]
    fn prefix(&self, checksum: u16) -> HeaderPrefix {
        with_checksum(self.fixed_words(), checksum)
    }
}

/// The first 40 bytes of `options` (fewer are followed by zeros) as a
/// header's options array: one branch on the number of words, then loads
/// at fixed offsets.
///
/// Not a copy into memory and a read back: a copy of a variable length
/// ends at a variable offset, which makes LLVM keep the whole header in
/// memory (see [`copy_options`]), and reading words back from partly
/// overlapping stores stalls store forwarding. Built as ten `u32` values,
/// the array stays in registers until it is written out.
#[inline(always)]
pub(super) fn options_array(options: &[u8]) -> [u8; MAX_OPTIONS_LEN] {
    /// `N` whole words, then the 1 to 3 bytes of `tail` padded with zeros.
    #[inline(always)]
    fn words<const N: usize>(whole: &[[u8; 4]], tail: &[u8]) -> [u32; MAX_OPTIONS_LEN / 4] {
        let mut out = [0u32; MAX_OPTIONS_LEN / 4];
        if let Some(whole) = whole.first_chunk::<N>() {
            for (word, bytes) in out.iter_mut().zip(whole) {
                *word = u32::from_ne_bytes(*bytes);
            }
        }
        if let (Some(last), false) = (out.get_mut(N), tail.is_empty()) {
            *last = u32::from_ne_bytes(padded_word(tail));
        }
        out
    }
    let (whole, tail) = options.as_chunks::<4>();
    let words = match whole.len() {
        0 => words::<0>(whole, tail),
        1 => words::<1>(whole, tail),
        2 => words::<2>(whole, tail),
        3 => words::<3>(whole, tail),
        4 => words::<4>(whole, tail),
        5 => words::<5>(whole, tail),
        6 => words::<6>(whole, tail),
        7 => words::<7>(whole, tail),
        8 => words::<8>(whole, tail),
        9 => words::<9>(whole, tail),
        // Ten or more: the first 40 bytes.
        _ => words::<10>(whole, &[]),
    };
    zerocopy::transmute!(words)
}

/// Copies the first `out.len()` bytes of `options` into `out`: one move of
/// a fixed size for each length a header's options can have (0 to 40 in
/// steps of 4; no other length reaches it).
///
/// Fixed offsets and sizes only, so that a [`Header`] built and emitted in
/// one function stays in registers: one access at a variable offset into
/// the header (as `copy_prefix`'s last move is) makes LLVM keep the whole
/// header in memory, and every field then goes through the stack
/// (BENCHMARKS.md, header, stage 5).
#[inline(always)]
pub(super) fn copy_options(out: &mut [u8], options: &[u8; MAX_OPTIONS_LEN]) {
    #[inline(always)]
    fn first<const N: usize>(out: &mut [u8], options: &[u8; MAX_OPTIONS_LEN]) {
        if let (Some(to), Some(from)) = (out.first_chunk_mut::<N>(), options.first_chunk::<N>()) {
            *to = *from;
        }
    }
    match out.len() {
        0 => {}
        4 => first::<4>(out, options),
        8 => first::<8>(out, options),
        12 => first::<12>(out, options),
        16 => first::<16>(out, options),
        20 => first::<20>(out, options),
        24 => first::<24>(out, options),
        28 => first::<28>(out, options),
        32 => first::<32>(out, options),
        36 => first::<36>(out, options),
        40 => first::<40>(out, options),
        // Not a header's options length: every code path that sets
        // `options_len` keeps it a whole number of words up to 40. (A
        // fallback reading `options` at a variable offset would cost the
        // lengths above their registers.)
        other => debug_assert!(
            other % 4 == 0 && other <= MAX_OPTIONS_LEN,
            "options length {other}"
        ),
    }
}

/// The fixed header from its [`fixed_words`](Header::fixed_words), with
/// `checksum` written into its field.
#[inline(always)]
fn with_checksum(mut words: [[u8; 4]; 5], checksum: u16) -> HeaderPrefix {
    let [_, _, checksum_field @ ..] = &mut words[2];
    *checksum_field = checksum.to_be_bytes();
    zerocopy::transmute!(words)
}

/// The checksum of a header given as its fixed words (checksum field zero)
/// and its options array (zero past the options).
///
/// The words are summed as native-endian values: the one's complement sum
/// is byte-order independent ([RFC 1071] §2(B)), so one fold at the end
/// serves both.
///
/// [RFC 1071]: https://www.rfc-editor.org/rfc/rfc1071
#[inline(always)]
fn checksum_of_words(fixed: &[[u8; 4]; 5], options: &[u8; MAX_OPTIONS_LEN]) -> u16 {
    let sum = checksum::sum_words_ne(fixed) + checksum::sum_words_ne(options.as_chunks::<4>().0);
    checksum::checksum_of_sum_ne(sum)
}

impl<B: AsRef<[u8]>> From<HeaderView<B>> for Header {
    fn from(view: HeaderView<B>) -> Header {
        view.to_header()
    }
}

impl TryFrom<&[u8]> for Header {
    type Error = HeaderError;

    /// [`Header::parse`].
    fn try_from(bytes: &[u8]) -> Result<Header, HeaderError> {
        Header::parse(bytes)
    }
}

/// A one-line summary in the style of `tcpdump -v`.
impl fmt::Display for Header {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        super::display::summary(f, &self.prefix(self.checksum), self.options().len())
    }
}

/// Every field; the options as their bytes.
impl fmt::Debug for Header {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Header")
            .field("version", &self.version)
            .field("ihl", &self.ihl())
            .field("tos", &format_args!("{:#04x}", self.tos))
            .field("total_len", &self.total_len)
            .field(
                "identification",
                &format_args!("{:#06x}", self.identification),
            )
            .field("flags", &self.flags)
            .field("fragment_offset", &self.fragment_offset)
            .field("ttl", &self.ttl)
            .field("protocol", &self.protocol)
            .field("checksum", &format_args!("{:#06x}", self.checksum))
            .field("source", &self.source)
            .field("destination", &self.destination)
            .field("options", &self.options())
            .finish()
    }
}
