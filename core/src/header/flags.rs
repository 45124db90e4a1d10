//! The three flag bits of the IPv4 header ([RFC 791 §3.1]).
//!
//! [RFC 791 §3.1]: https://www.rfc-editor.org/rfc/rfc791#section-3.1

bitflags::bitflags! {
    /// The 3-bit Flags field of the IPv4 header ([RFC 791 §3.1]).
    ///
    /// The values are those of the field itself, as RFC 791 numbers them
    /// (`DONT_FRAGMENT` = 2, `MORE_FRAGMENTS` = 1), not of the 16-bit
    /// flags/fragment-offset word:
    /// the field occupies the top three bits of that word, so
    /// `DONT_FRAGMENT` is `0x4000` on the wire. [`to_word`](Self::to_word)
    /// and [`from_word`](Self::from_word) convert.
    ///
    /// The reserved bit ([RFC 3514]'s "evil bit") is kept, never dropped,
    /// so a parsed header emits back bit for bit.
    ///
    /// ```
    /// use ipv4_core::header::Flags;
    ///
    /// let flags = Flags::from_word(0x4000 | 1500);
    /// assert_eq!(flags, Flags::DONT_FRAGMENT);
    /// assert_eq!((Flags::DONT_FRAGMENT | Flags::MORE_FRAGMENTS).bits(), 0b011);
    /// assert_eq!(Flags::RESERVED.to_word(), 0x8000);
    /// ```
    ///
    /// [RFC 791 §3.1]: https://www.rfc-editor.org/rfc/rfc791#section-3.1
    /// [RFC 3514]: https://www.rfc-editor.org/rfc/rfc3514
    #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Default)]
    pub struct Flags: u8 {
        /// Bit 0 of the field, reserved: must be zero ([RFC 791 §3.1]).
        ///
        /// [RFC 791 §3.1]: https://www.rfc-editor.org/rfc/rfc791#section-3.1
        const RESERVED = 0b100;
        /// DF: the datagram must not be fragmented.
        const DONT_FRAGMENT = 0b010;
        /// MF: more fragments of this datagram follow.
        const MORE_FRAGMENTS = 0b001;
    }
}

impl Flags {
    /// The flags in the top three bits of a flags/fragment-offset word
    /// (bytes 6–7 of the header as a big-endian `u16`).
    #[inline]
    pub const fn from_word(word: u16) -> Flags {
        Flags::from_bits_truncate((word >> 13) as u8)
    }

    /// The flags placed in the top three bits of a flags/fragment-offset
    /// word, with a zero fragment offset.
    #[inline]
    pub const fn to_word(self) -> u16 {
        ((self.bits() & 0b111) as u16) << 13
    }
}
