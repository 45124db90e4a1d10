//! [`Policy`]: what a codec does with a checksum field, in both directions.

/// What a codec does with the checksum field of an IPv4 header
/// ([RFC 791 §3.1]) or an IGMP message ([RFC 9776 §4.1.2]): one choice for
/// both directions.
///
/// | policy | on parse | on emit |
/// |---|---|---|
/// | [`Enforce`](Policy::Enforce) (default) | verify it; a wrong one is an error | compute it over the bytes written |
/// | [`Trust`](Policy::Trust) | take it as it is, without looking | write the value the owned form holds |
///
/// ```
/// use core::net::Ipv4Addr;
/// use ipv4_core::checksum::Policy;
/// use ipv4_core::header::{Header, HeaderView, Protocol, RawFormat};
///
/// let mut h = Header::new(Ipv4Addr::new(192, 0, 2, 1), Ipv4Addr::new(192, 0, 2, 2), Protocol::UDP);
/// h.checksum = 0xdead; // a wrong checksum, on purpose
/// let mut buf = [0u8; 20];
/// h.emit_with(&mut buf, RawFormat::Wire, Policy::Trust)?;
/// assert!(HeaderView::new_checked_with(&buf[..], Policy::Enforce).is_err());
/// assert!(HeaderView::new_checked_with(&buf[..], Policy::Trust).is_ok());
///
/// h.emit_with(&mut buf, RawFormat::Wire, Policy::Enforce)?; // same as `h.emit(&mut buf)`
/// assert!(HeaderView::new_checked_with(&buf[..], Policy::Enforce).is_ok());
/// # Ok::<(), ipv4_core::error::HeaderError>(())
/// ```
///
/// [RFC 791 §3.1]: https://www.rfc-editor.org/rfc/rfc791#section-3.1
/// [RFC 9776 §4.1.2]: https://www.rfc-editor.org/rfc/rfc9776#section-4.1.2
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash)]
pub enum Policy {
    /// The checksum must be right: parse verifies it and fails on a
    /// mismatch; emit computes it.
    #[default]
    Enforce,
    /// The checksum is taken as it is: parse does not look at it (for
    /// fuzzing, and for NICs that already checked it); emit writes the
    /// stored value (to reproduce a captured packet bit for bit, or to craft
    /// a bad checksum on purpose).
    Trust,
}
