//! [`HeaderView`]: the IPv4 header read and edited in place.
use core::fmt;
use core::net::Ipv4Addr;

use zerocopy::FromBytes;

use super::{Flags, Header, HeaderPrefix, MIN_LEN, Protocol, Strictness, field, validate};
use crate::checksum::{self, Policy};
use crate::error::HeaderError;

/// A zero-copy view of the IPv4 header ([RFC 791 §3.1]) at the start of a
/// packet buffer.
///
/// `HeaderView<&[u8]>` reads; `HeaderView<&mut [u8]>` also edits in place,
/// keeping the checksum right incrementally ([RFC 1624]). Any
/// `B: AsRef<[u8]>` works (arrays, `Vec<u8>`, ...).
///
/// # Contract
///
/// * [`new_checked`](Self::new_checked) validates the lengths once (see
///   [the module docs](super#what-is-validated)); [`new_lax`](Self::new_lax)
///   accepts a total length that runs past the buffer (truncated captures,
///   the quoted header in an ICMP error).
/// * After construction, **no accessor or setter can panic**, whatever the
///   bytes. This holds even for [`new_unchecked`](Self::new_unchecked): on
///   bytes that break the rules, accessors return what the bytes say and
///   slices shrink to what exists (possibly empty).
/// * Nothing is copied: [`options`](Self::options) and
///   [`payload`](Self::payload) borrow the buffer (through the view; over a
///   `&'a [u8]`, [`into_payload`](Self::into_payload) and its siblings
///   return `&'a [u8]`, which outlives the view).
///   [`to_header`](Self::to_header) makes an owned [`Header`] with the same
///   value in every field.
///
/// ```
/// use core::net::Ipv4Addr;
/// use ipv4_core::header::{Flags, HeaderView, Protocol};
///
/// // An ICMP echo request, 192.0.2.1 -> 198.51.100.7, 8 bytes of ICMP.
/// let packet = [
///     0x45, 0x00, 0x00, 0x1c, 0x1c, 0x46, 0x40, 0x00, 0x40, 0x01, 0x32, 0x5f,
///     0xc0, 0x00, 0x02, 0x01, 0xc6, 0x33, 0x64, 0x07,
///     0x08, 0x00, 0xf7, 0xfe, 0x00, 0x01, 0x00, 0x00,
///     0xee, 0xee, // link-layer padding after the datagram
/// ];
/// let ip = HeaderView::new_checked(&packet[..])?;
/// assert!(ip.verify_checksum());
/// assert_eq!(ip.protocol(), Protocol::ICMP);
/// assert_eq!(ip.flags(), Flags::DONT_FRAGMENT);
/// assert_eq!(ip.source(), Ipv4Addr::new(192, 0, 2, 1));
/// assert_eq!(ip.payload(), &packet[20..28]); // trimmed to the total length
///
/// // Forward it: decrement the TTL in place, checksum updated incrementally.
/// let mut buf = packet;
/// let mut ip = HeaderView::new_checked(&mut buf[..])?;
/// assert_eq!(ip.decrement_ttl(), Some(63));
/// assert!(ip.verify_checksum());
/// # Ok::<(), ipv4_core::error::HeaderError>(())
/// ```
///
/// [RFC 791 §3.1]: https://www.rfc-editor.org/rfc/rfc791#section-3.1
/// [RFC 1624]: https://www.rfc-editor.org/rfc/rfc1624
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
pub struct HeaderView<B> {
    buf: B,
    /// Where the payload ends in `buf`, worked out once by the constructor
    /// (the total length, cut to the buffer on lax and unchecked views).
    payload_end: usize,
}

/// Stands in for the header when the buffer is shorter than 20 bytes, which
/// only [`HeaderView::new_unchecked`] allows.
static ZERO_HEADER: HeaderPrefix = HeaderPrefix::ZERO;

impl<B: AsRef<[u8]>> HeaderView<B> {
    /// Wraps `buf` after checking every length rule: at least 20 bytes,
    /// version 4, IHL ≥ 5, IHL × 4 ≤ `buf.len()`, and
    /// IHL × 4 ≤ total length ≤ `buf.len()`.
    ///
    /// The checksum is not checked; see [`verify_checksum`](Self::verify_checksum)
    /// and [`new_checked_with`](Self::new_checked_with).
    ///
    /// ```
    /// use ipv4_core::error::HeaderError;
    /// use ipv4_core::header::HeaderView;
    ///
    /// let mut packet = [0u8; 40];
    /// packet[0] = 0x45;
    /// packet[3] = 60; // total length 60, but only 40 bytes captured
    /// assert_eq!(
    ///     HeaderView::new_checked(&packet[..]),
    ///     Err(HeaderError::TotalLengthExceedsBuffer { available: 40, found: 60 })
    /// );
    /// assert!(HeaderView::new_lax(&packet[..]).is_ok());
    /// ```
    #[inline]
    pub fn new_checked(buf: B) -> Result<Self, HeaderError> {
        // Validated: header length <= total length <= buffer length.
        let (_, payload_end) = validate(buf.as_ref(), Strictness::Packet)?;
        Ok(HeaderView { buf, payload_end })
    }

    /// Like [`new_checked`](Self::new_checked), with the header checksum
    /// handled as `policy` says: [`Policy::Enforce`] also verifies it,
    /// reporting a mismatch as [`HeaderError::Checksum`];
    /// [`Policy::Trust`] is `new_checked` itself.
    ///
    /// ```
    /// use ipv4_core::checksum::Policy;
    /// use ipv4_core::error::HeaderError;
    /// use ipv4_core::header::HeaderView;
    ///
    /// let mut packet = [0x45, 0, 0, 20, 0, 0, 0, 0, 64, 17, 0, 0, 192, 0, 2, 1, 192, 0, 2, 2];
    /// assert!(matches!(
    ///     HeaderView::new_checked_with(&packet[..], Policy::Enforce),
    ///     Err(HeaderError::Checksum { .. })
    /// ));
    /// let sum = HeaderView::new_checked_with(&packet[..], Policy::Trust)?.compute_checksum();
    /// packet[10..12].copy_from_slice(&sum.to_be_bytes());
    /// assert!(HeaderView::new_checked_with(&packet[..], Policy::Enforce).is_ok());
    /// # Ok::<(), HeaderError>(())
    /// ```
    //
    // Always inlined: this is the receive path's one call per packet, the
    // policy is a constant at every call site, and out of line its result
    // comes back through memory (BENCHMARKS.md, header).
    #[inline(always)]
    pub fn new_checked_with(buf: B, policy: Policy) -> Result<Self, HeaderError> {
        if policy == Policy::Trust {
            return Self::new_checked(buf);
        }
        let bytes = buf.as_ref();
        let (header_len, payload_end) = validate(bytes, Strictness::Packet)?;
        // Validated: 20 <= header_len <= payload_end <= bytes.len(), so
        // neither `get` nor `first_chunk` fails (the fallbacks are dead
        // code); slicing through `payload_end` lets the compiler see that.
        let packet = bytes.get(..payload_end).unwrap_or_default();
        let options = packet.get(MIN_LEN..header_len).unwrap_or_default();
        let fixed = bytes.first_chunk::<MIN_LEN>().unwrap_or(&[0; MIN_LEN]);
        let sum = checksum::header_sum(fixed, options.as_chunks::<4>().0);
        if checksum::sums_to_ffff(sum) {
            Ok(HeaderView { buf, payload_end })
        } else {
            // Built here from the sum, no call: a `HeaderError` returned
            // from a call comes back through memory, and the compiler then
            // keeps a path from it into the success path, which costs that
            // path a stack frame and what the validation proved.
            let found = [fixed[10], fixed[11]];
            Err(HeaderError::Checksum {
                expected: checksum::header_checksum_from_sum(sum, found),
                found: u16::from_be_bytes(found),
            })
        }
    }

    /// Wraps `buf` for a header whose datagram may not be all there: a
    /// truncated capture (snap length), or the original header quoted in an
    /// ICMP error ([RFC 792]), which carries only its first 8 payload bytes.
    ///
    /// Checks at least 20 bytes, version 4, IHL ≥ 5 and IHL × 4 ≤
    /// `buf.len()`. The total length is not checked: when it exceeds the
    /// buffer, [`payload`](Self::payload) is what the buffer holds
    /// ([`is_truncated`](Self::is_truncated) tells); when it is smaller than
    /// the header (segmentation offload leaves it 0), the payload runs to
    /// the end of the buffer. This matches etherparse's `LaxIpv4Slice`.
    ///
    /// [RFC 792]: https://www.rfc-editor.org/rfc/rfc792
    #[inline]
    pub fn new_lax(buf: B) -> Result<Self, HeaderError> {
        validate(buf.as_ref(), Strictness::Lax)?;
        Ok(Self::new_unchecked(buf))
    }

    /// Wraps `buf` without checking anything.
    ///
    /// For bytes already validated (by this crate or by the kernel).
    /// Nothing is unsafe about it: accessors still never panic. On bytes
    /// that break the rules they report what the bytes say, read a buffer
    /// shorter than 20 bytes as all-zero fields, and return shorter (possibly
    /// empty) [`options`](Self::options) and [`payload`](Self::payload).
    #[inline]
    pub fn new_unchecked(buf: B) -> Self {
        let bytes = buf.as_ref();
        let (header_len, total_len) = match bytes.first_chunk::<MIN_LEN>() {
            Some(h) => (
                usize::from(h[0] & 0x0f) * 4,
                usize::from(u16::from_be_bytes([h[2], h[3]])),
            ),
            None => (0, 0),
        };
        let payload_end = if total_len < header_len {
            bytes.len()
        } else {
            total_len.min(bytes.len())
        };
        HeaderView { buf, payload_end }
    }

    /// The underlying buffer, as given.
    #[inline]
    pub fn into_inner(self) -> B {
        self.buf
    }

    /// The whole underlying buffer, trailing bytes included.
    #[inline]
    pub fn as_bytes(&self) -> &[u8] {
        self.buf.as_ref()
    }

    /// The fixed 20 bytes as a [`HeaderPrefix`].
    #[inline]
    pub fn prefix(&self) -> &HeaderPrefix {
        match HeaderPrefix::ref_from_prefix(self.buf.as_ref()) {
            Ok((raw, _)) => raw,
            Err(_) => &ZERO_HEADER,
        }
    }

    /// The version field (4 after a checked or lax construction).
    #[inline]
    pub fn version(&self) -> u8 {
        self.prefix().version()
    }

    /// The IHL field: header length in 32-bit words.
    #[inline]
    pub fn ihl(&self) -> u8 {
        self.prefix().ihl()
    }

    /// The header length in bytes (IHL × 4), options included.
    #[inline]
    pub fn header_len(&self) -> usize {
        self.prefix().header_len()
    }

    /// The Type of Service byte: DSCP and ECN ([RFC 2474], [RFC 3168]).
    ///
    /// [RFC 2474]: https://www.rfc-editor.org/rfc/rfc2474
    /// [RFC 3168]: https://www.rfc-editor.org/rfc/rfc3168
    #[inline]
    pub fn tos(&self) -> u8 {
        self.prefix().tos
    }

    /// The Differentiated Services Code Point, the top six bits of the TOS
    /// byte ([RFC 2474 §3]).
    ///
    /// [RFC 2474 §3]: https://www.rfc-editor.org/rfc/rfc2474#section-3
    #[inline]
    pub fn dscp(&self) -> u8 {
        self.prefix().tos >> 2
    }

    /// The Explicit Congestion Notification codepoint, the low two bits of
    /// the TOS byte ([RFC 3168 §5]): 0 Not-ECT, 1 ECT(1), 2 ECT(0), 3 CE.
    ///
    /// [RFC 3168 §5]: https://www.rfc-editor.org/rfc/rfc3168#section-5
    #[inline]
    pub fn ecn(&self) -> u8 {
        self.prefix().tos & 0b11
    }

    /// The Total Length field: header plus payload, in bytes.
    #[inline]
    pub fn total_len(&self) -> u16 {
        self.prefix().total_len.get()
    }

    /// The Identification field.
    #[inline]
    pub fn identification(&self) -> u16 {
        self.prefix().identification.get()
    }

    /// The three flag bits, the reserved one included.
    #[inline]
    pub fn flags(&self) -> Flags {
        self.prefix().flags()
    }

    /// Whether the reserved flag bit (must be zero) is set.
    #[inline]
    pub fn reserved_flag(&self) -> bool {
        self.flags().contains(Flags::RESERVED)
    }

    /// Whether DF (Don't Fragment) is set.
    #[inline]
    pub fn dont_fragment(&self) -> bool {
        self.flags().contains(Flags::DONT_FRAGMENT)
    }

    /// Whether MF (More Fragments) is set.
    #[inline]
    pub fn more_fragments(&self) -> bool {
        self.flags().contains(Flags::MORE_FRAGMENTS)
    }

    /// The Fragment Offset field, in 8-byte units.
    #[inline]
    pub fn fragment_offset(&self) -> u16 {
        self.prefix().fragment_offset()
    }

    /// Whether this is a fragment: MF set or a non-zero fragment offset.
    #[inline]
    pub fn is_fragment(&self) -> bool {
        self.prefix().flags_fragment.get() & 0x3fff != 0
    }

    /// The Time to Live field.
    #[inline]
    pub fn ttl(&self) -> u8 {
        self.prefix().ttl
    }

    /// The Protocol field.
    #[inline]
    pub fn protocol(&self) -> Protocol {
        self.prefix().protocol()
    }

    /// The Header Checksum field, as stored.
    #[inline]
    pub fn checksum(&self) -> u16 {
        self.prefix().checksum.get()
    }

    /// The Source Address.
    #[inline]
    pub fn source(&self) -> Ipv4Addr {
        self.prefix().source()
    }

    /// The Destination Address.
    #[inline]
    pub fn destination(&self) -> Ipv4Addr {
        self.prefix().destination()
    }

    /// The header bytes, options included (`header_len()` bytes).
    #[inline]
    pub fn header_bytes(&self) -> &[u8] {
        header_part(self.buf.as_ref(), self.header_len())
    }

    /// The option bytes (`header_len() - 20` of them), undecoded, padding
    /// included.
    #[inline]
    pub fn options(&self) -> &[u8] {
        options_part(self.buf.as_ref(), self.header_len())
    }

    /// The payload: the bytes after the header up to the total length, so
    /// link-layer padding is left out. See [`new_lax`](Self::new_lax) for
    /// what a lax view returns.
    #[inline]
    pub fn payload(&self) -> &[u8] {
        payload_part(self.buf.as_ref(), self.payload_range())
    }

    /// Whether the total length runs past the end of the buffer (only
    /// possible on a lax or unchecked view).
    #[inline]
    pub fn is_truncated(&self) -> bool {
        usize::from(self.total_len()) > self.buf.as_ref().len()
    }

    /// Whether the header checksum is right ([RFC 1071]): the header's
    /// 16-bit words sum to `0xffff`.
    ///
    /// [RFC 1071]: https://www.rfc-editor.org/rfc/rfc1071
    #[inline]
    pub fn verify_checksum(&self) -> bool {
        // A header is whole words unless the view is unchecked and cut
        // short; `verify_words` is the inlined path for whole words.
        let bytes = self.header_bytes();
        match bytes.as_chunks::<4>() {
            (words, []) => checksum::verify_words(words),
            _ => checksum::verify(bytes),
        }
    }

    /// The checksum the header should carry: computed over the header with
    /// the checksum field taken as zero.
    #[inline]
    pub fn compute_checksum(&self) -> u16 {
        compute_checksum(self.header_bytes())
    }

    /// An owned copy of the header, equal to it in every field.
    #[inline]
    pub fn to_header(&self) -> Header {
        Header::from_parts(self.prefix(), self.options())
    }

    /// Start and end of the payload in the buffer (out of range only on
    /// an unchecked view; callers use `get`).
    #[inline]
    fn payload_range(&self) -> (usize, usize) {
        (self.header_len(), self.payload_end)
    }
}

/// Over a shared slice, the header's parts can borrow the packet buffer
/// itself rather than the view, so a function can parse a header and
/// return what is behind it.
///
/// ```
/// use ipv4_core::checksum::Policy;
/// use ipv4_core::error::HeaderError;
/// use ipv4_core::header::HeaderView;
///
/// /// The datagram's payload, once its header checks out.
/// fn ip_payload(packet: &[u8]) -> Result<&[u8], HeaderError> {
///     Ok(HeaderView::new_checked_with(packet, Policy::Enforce)?.into_payload())
/// }
///
/// let packet = [
///     0x45, 0x00, 0x00, 0x1c, 0x1c, 0x46, 0x40, 0x00, 0x40, 0x01, 0x32, 0x5f,
///     0xc0, 0x00, 0x02, 0x01, 0xc6, 0x33, 0x64, 0x07,
///     0x08, 0x00, 0xf7, 0xfe, 0x00, 0x01, 0x00, 0x00,
/// ];
/// assert_eq!(ip_payload(&packet)?, &packet[20..]);
/// # Ok::<(), HeaderError>(())
/// ```
impl<'a> HeaderView<&'a [u8]> {
    /// [`header_bytes`](Self::header_bytes), borrowed from the buffer.
    #[inline]
    pub fn into_header_bytes(self) -> &'a [u8] {
        header_part(self.buf, self.header_len())
    }

    /// [`options`](Self::options), borrowed from the buffer.
    #[inline]
    pub fn into_options(self) -> &'a [u8] {
        options_part(self.buf, self.header_len())
    }

    /// [`payload`](Self::payload), borrowed from the buffer.
    #[inline]
    pub fn into_payload(self) -> &'a [u8] {
        payload_part(self.buf, self.payload_range())
    }
}

/// The first `header_len` bytes of `bytes` (all of them if fewer).
#[inline(always)]
fn header_part(bytes: &[u8], header_len: usize) -> &[u8] {
    bytes.get(..header_len).unwrap_or(bytes)
}

/// The options area of a header `header_len` bytes long (empty if `bytes`
/// holds less).
#[inline(always)]
fn options_part(bytes: &[u8], header_len: usize) -> &[u8] {
    bytes.get(MIN_LEN..header_len).unwrap_or_default()
}

/// `bytes[start..end]`, or empty where that range does not exist.
#[inline(always)]
fn payload_part(bytes: &[u8], (start, end): (usize, usize)) -> &[u8] {
    bytes.get(start..end).unwrap_or_default()
}

/// The checksum of `header` with its checksum field taken as zero.
#[inline]
pub(super) fn compute_checksum(header: &[u8]) -> u16 {
    checksum::checksum_skipping_field(header, field::CHECKSUM.start)
}

impl<B: AsRef<[u8]> + AsMut<[u8]>> HeaderView<B> {
    /// The fixed 20 bytes, mutably. Editing through it does not update the
    /// checksum; call [`fill_checksum`](Self::fill_checksum) after. Nor does
    /// it move [`payload`](Self::payload): where the payload ends is read
    /// once, by the constructor; wrap the buffer again after changing the
    /// total length.
    ///
    /// `None` only on an unchecked view over fewer than 20 bytes.
    #[inline]
    pub fn raw_mut(&mut self) -> Option<&mut HeaderPrefix> {
        HeaderPrefix::mut_from_prefix(self.buf.as_mut())
            .ok()
            .map(|(raw, _)| raw)
    }

    /// The option bytes, mutably (checksum not updated).
    #[inline]
    pub fn options_mut(&mut self) -> &mut [u8] {
        let header_len = self.header_len();
        self.buf
            .as_mut()
            .get_mut(MIN_LEN..header_len)
            .unwrap_or_default()
    }

    /// The payload, mutably (same range as [`payload`](Self::payload)).
    #[inline]
    pub fn payload_mut(&mut self) -> &mut [u8] {
        let (start, end) = self.payload_range();
        self.buf.as_mut().get_mut(start..end).unwrap_or_default()
    }

    /// Recomputes the header checksum from scratch and stores it.
    #[inline]
    pub fn fill_checksum(&mut self) {
        let sum = self.compute_checksum();
        if let Some(raw) = self.raw_mut() {
            raw.checksum.set(sum);
        }
    }

    /// Sets the TTL, updating the checksum incrementally ([RFC 1624]).
    ///
    /// [RFC 1624]: https://www.rfc-editor.org/rfc/rfc1624
    #[inline]
    pub fn set_ttl(&mut self, ttl: u8) {
        if let Some(raw) = self.raw_mut() {
            let old = u16::from_be_bytes([raw.ttl, raw.protocol]);
            let new = u16::from_be_bytes([ttl, raw.protocol]);
            raw.ttl = ttl;
            raw.checksum
                .set(checksum::update_u16(raw.checksum.get(), old, new));
        }
    }

    /// Decrements the TTL by one as a router does when forwarding
    /// ([RFC 1812 §5.3.1]), updating the checksum incrementally, and returns
    /// the new TTL. Returns `None` and changes nothing when the TTL is
    /// already 0.
    ///
    /// A router drops a packet whose TTL becomes 0 and sends ICMP Time
    /// Exceeded; that decision is the caller's.
    ///
    /// [RFC 1812 §5.3.1]: https://www.rfc-editor.org/rfc/rfc1812#section-5.3.1
    #[inline]
    pub fn decrement_ttl(&mut self) -> Option<u8> {
        let ttl = self.ttl().checked_sub(1)?;
        self.set_ttl(ttl);
        Some(ttl)
    }

    /// Sets the TOS byte, updating the checksum incrementally.
    #[inline]
    pub fn set_tos(&mut self, tos: u8) {
        if let Some(raw) = self.raw_mut() {
            let old = u16::from_be_bytes([raw.version_ihl, raw.tos]);
            let new = u16::from_be_bytes([raw.version_ihl, tos]);
            raw.tos = tos;
            raw.checksum
                .set(checksum::update_u16(raw.checksum.get(), old, new));
        }
    }

    /// Sets the DSCP (top six bits of TOS; `dscp` is taken modulo 64),
    /// keeping the ECN bits, updating the checksum incrementally.
    #[inline]
    pub fn set_dscp(&mut self, dscp: u8) {
        self.set_tos((dscp << 2) | self.ecn());
    }

    /// Sets the ECN codepoint (low two bits of TOS; `ecn` is taken modulo
    /// 4), keeping the DSCP, updating the checksum incrementally. Marking
    /// congestion is `set_ecn(3)` ([RFC 3168 §5]).
    ///
    /// [RFC 3168 §5]: https://www.rfc-editor.org/rfc/rfc3168#section-5
    #[inline]
    pub fn set_ecn(&mut self, ecn: u8) {
        self.set_tos((self.tos() & !0b11) | (ecn & 0b11));
    }

    /// Sets the Identification field, updating the checksum incrementally.
    #[inline]
    pub fn set_identification(&mut self, id: u16) {
        if let Some(raw) = self.raw_mut() {
            let old = raw.identification.get();
            raw.identification.set(id);
            raw.checksum
                .set(checksum::update_u16(raw.checksum.get(), old, id));
        }
    }

    /// Sets the Source Address, updating the checksum incrementally (as a
    /// NAT does).
    #[inline]
    pub fn set_source(&mut self, addr: Ipv4Addr) {
        if let Some(raw) = self.raw_mut() {
            let old = u32::from_be_bytes(raw.source);
            raw.source = addr.octets();
            raw.checksum.set(checksum::update_u32(
                raw.checksum.get(),
                old,
                addr.to_bits(),
            ));
        }
    }

    /// Sets the Destination Address, updating the checksum incrementally.
    #[inline]
    pub fn set_destination(&mut self, addr: Ipv4Addr) {
        if let Some(raw) = self.raw_mut() {
            let old = u32::from_be_bytes(raw.destination);
            raw.destination = addr.octets();
            raw.checksum.set(checksum::update_u32(
                raw.checksum.get(),
                old,
                addr.to_bits(),
            ));
        }
    }
}

impl<B: AsRef<[u8]>> From<&HeaderView<B>> for Header {
    fn from(view: &HeaderView<B>) -> Header {
        view.to_header()
    }
}

/// A one-line summary in the style of `tcpdump -v`.
impl<B: AsRef<[u8]>> fmt::Display for HeaderView<B> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        super::display::summary(f, self.prefix(), self.options().len())
    }
}

/// Every field, with the options and the payload length.
impl<B: AsRef<[u8]>> fmt::Debug for HeaderView<B> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let raw = self.prefix();
        f.debug_struct("HeaderView")
            .field("version", &raw.version())
            .field("ihl", &raw.ihl())
            .field("tos", &format_args!("{:#04x}", raw.tos))
            .field("total_len", &raw.total_len.get())
            .field(
                "identification",
                &format_args!("{:#06x}", raw.identification.get()),
            )
            .field("flags", &raw.flags())
            .field("fragment_offset", &raw.fragment_offset())
            .field("ttl", &raw.ttl)
            .field("protocol", &raw.protocol())
            .field("checksum", &format_args!("{:#06x}", raw.checksum.get()))
            .field("source", &raw.source())
            .field("destination", &raw.destination())
            .field("options", &self.options())
            .field("payload_len", &self.payload().len())
            .finish()
    }
}
