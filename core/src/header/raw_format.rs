//! Raw-socket header formats: the byte-order variants some kernels use for
//! IPv4 headers on raw sockets.
//!
//! The format is always an explicit argument, never picked from the host
//! OS, so a capture taken on Linux parses the same on a Mac and a test can
//! produce every form on any host.

/// The byte order of a multi-byte field in a raw-socket header format.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ByteOrder {
    /// Most significant byte first (network order).
    Big,
    /// Least significant byte first.
    Little,
}

impl ByteOrder {
    /// The byte order of the machine this code runs on.
    pub const NATIVE: ByteOrder = if cfg!(target_endian = "little") {
        ByteOrder::Little
    } else {
        ByteOrder::Big
    };

    #[inline]
    pub(crate) const fn read(self, bytes: [u8; 2]) -> u16 {
        match self {
            ByteOrder::Big => u16::from_be_bytes(bytes),
            ByteOrder::Little => u16::from_le_bytes(bytes),
        }
    }

    #[inline]
    pub(crate) const fn write(self, value: u16) -> [u8; 2] {
        match self {
            ByteOrder::Big => value.to_be_bytes(),
            ByteOrder::Little => value.to_le_bytes(),
        }
    }
}

/// How an IPv4 header is laid out in a buffer exchanged with a raw socket.
///
/// Only the Total Length (bytes 2–3) and the flags/fragment-offset word
/// (bytes 6–7) differ between formats; every other field, and the checksum
/// (always computed over the [`Wire`](Self::Wire) form), is the same.
///
/// | format | total length | flags/fragment word | kernels |
/// |---|---|---|---|
/// | `Wire` | network order, includes header | network order | Linux, Solaris, FreeBSD ≥ 11, OpenBSD, and every packet on a link |
/// | `BsdHostOrder(order)` | `order`, includes header | `order` | FreeBSD 10 (both ways); darwin, iOS, DragonFly, NetBSD when *sending* |
/// | `LengthExcludesHeader(order)` | `order`, header length subtracted | `order` | darwin, iOS, DragonFly, NetBSD, FreeBSD < 10 when *receiving* |
///
/// `order` is almost always the host's: [`RawFormat::bsd_native`] and
/// [`RawFormat::darwin_native`] give those. Naming it lets a program read a
/// capture taken on another machine.
///
/// ```
/// use ipv4_core::header::{ByteOrder, Header, RawFormat};
///
/// // A header as a darwin kernel hands it to a raw socket
/// // reader: total length 0xbeef - 20 little-endian, fragment word little-endian.
/// let from_darwin = [
///     0x45, 0x01, 0xdb, 0xbe, 0xca, 0xfe, 0xdc, 0x45, 0xff, 0x01, 0xde, 0xad,
///     0xac, 0x10, 0xfe, 0xfe, 0xc0, 0xa8, 0x00, 0x01,
/// ];
/// let h = Header::parse_raw(&from_darwin, RawFormat::LengthExcludesHeader(ByteOrder::Little))?;
/// assert_eq!(h.total_len, 0xbeef);
/// assert_eq!(h.fragment_offset, 1500);
/// # Ok::<(), ipv4_core::error::HeaderError>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum RawFormat {
    /// The format on the wire ([RFC 791 §3.1]): what Linux uses on raw
    /// sockets, and the default.
    ///
    /// [RFC 791 §3.1]: https://www.rfc-editor.org/rfc/rfc791#section-3.1
    #[default]
    Wire,
    /// Traditional BSD: total length and the flags/fragment-offset word in
    /// the given (host) byte order; total length includes the header.
    BsdHostOrder(ByteOrder),
    /// Traditional BSD on receive (darwin-style): as
    /// [`BsdHostOrder`](Self::BsdHostOrder), and the total length excludes
    /// the header (the kernel subtracted it).
    LengthExcludesHeader(ByteOrder),
}

impl RawFormat {
    /// [`BsdHostOrder`](Self::BsdHostOrder) in this host's byte order.
    pub const fn bsd_native() -> RawFormat {
        RawFormat::BsdHostOrder(ByteOrder::NATIVE)
    }

    /// [`LengthExcludesHeader`](Self::LengthExcludesHeader) in this host's
    /// byte order.
    pub const fn darwin_native() -> RawFormat {
        RawFormat::LengthExcludesHeader(ByteOrder::NATIVE)
    }

    /// The byte order of the two affected fields.
    pub const fn byte_order(self) -> ByteOrder {
        match self {
            RawFormat::Wire => ByteOrder::Big,
            RawFormat::BsdHostOrder(order) | RawFormat::LengthExcludesHeader(order) => order,
        }
    }

    /// Whether the total length excludes the header.
    pub const fn length_excludes_header(self) -> bool {
        matches!(self, RawFormat::LengthExcludesHeader(_))
    }
}
