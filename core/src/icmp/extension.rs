//! [RFC 4884] multi-part messages: the extension structure after an error
//! message's original datagram, its objects, and the typed objects of
//! [RFC 4950] (MPLS label stack), [RFC 5837] (interface information) and
//! [RFC 8335] (interface identification).
//!
//! [RFC 4884]: https://www.rfc-editor.org/rfc/rfc4884
//! [RFC 4950]: https://www.rfc-editor.org/rfc/rfc4950
//! [RFC 5837]: https://www.rfc-editor.org/rfc/rfc5837
//! [RFC 8335]: https://www.rfc-editor.org/rfc/rfc8335

use core::net::{Ipv4Addr, Ipv6Addr};

use crate::checksum;
use crate::checksum::Policy;
use crate::error::{BufferTooSmall, IcmpBuildError, IcmpError};

/// The version of the extension header ([RFC 4884 §7]).
///
/// [RFC 4884 §7]: https://www.rfc-editor.org/rfc/rfc4884#section-7
pub const EXTENSION_VERSION: u8 = 2;

/// Length of the extension header, and of an object header, in bytes.
pub const EXTENSION_HEADER_LEN: usize = 4;

/// The shortest original datagram an RFC 4884 message with extensions
/// carries, and the exact length a non-compliant one does ([RFC 4884 §4.1],
/// [§5]).
///
/// [RFC 4884 §4.1]: https://www.rfc-editor.org/rfc/rfc4884#section-4.1
/// [§5]: https://www.rfc-editor.org/rfc/rfc4884#section-5
pub const MIN_ORIGINAL_DATAGRAM_LEN: usize = 128;

/// Object Class-Num values ([IANA ICMP extension objects]).
///
/// [IANA ICMP extension objects]: https://www.iana.org/assignments/icmp-parameters/icmp-parameters.xhtml#icmp-parameters-ext-classes
pub mod class {
    /// 1: MPLS Label Stack ([RFC 4950]).
    ///
    /// [RFC 4950]: https://www.rfc-editor.org/rfc/rfc4950
    pub const MPLS_LABEL_STACK: u8 = 1;
    /// 2: Interface Information ([RFC 5837]).
    ///
    /// [RFC 5837]: https://www.rfc-editor.org/rfc/rfc5837
    pub const INTERFACE_INFORMATION: u8 = 2;
    /// 3: Interface Identification ([RFC 8335]).
    ///
    /// [RFC 8335]: https://www.rfc-editor.org/rfc/rfc8335#section-2.1
    pub const INTERFACE_IDENTIFICATION: u8 = 3;
}

/// An [RFC 4884 §7] extension structure: a 4-byte header (version 2,
/// checksum over the whole structure) followed by objects.
///
/// ```
/// use ipv4_core::icmp::{Extensions, MplsEntry, Object};
///
/// // Version 2, checksum, then one MPLS object with label 16, TC 0, S, TTL 1.
/// let bytes = [0x20, 0x00, 0xdd, 0xf4, 0x00, 0x08, 0x01, 0x01, 0x00, 0x01, 0x01, 0x01];
/// let ext = Extensions::parse(&bytes, 136)?;
/// let object = ext.objects().next().unwrap()?;
/// assert_eq!(object.offset, 140);
/// let Object::Mpls(stack) = object.decode()? else { panic!() };
/// let entry = stack.entries().next().unwrap();
/// assert_eq!(entry, MplsEntry { label: 16, tc: 0, bottom: true, ttl: 1 });
/// # Ok::<(), ipv4_core::error::IcmpError>(())
/// ```
///
/// [RFC 4884 §7]: https://www.rfc-editor.org/rfc/rfc4884#section-7
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Extensions<'a> {
    bytes: &'a [u8],
    offset: usize,
}

impl<'a> Extensions<'a> {
    /// Checks the header of the extension structure `bytes` (at least 4
    /// bytes, version 2) and its checksum. `offset` is where `bytes` starts
    /// in the ICMP message, used in errors and object offsets.
    ///
    /// # Errors
    ///
    /// [`IcmpError::ExtensionTruncated`], [`IcmpError::ExtensionVersion`],
    /// [`IcmpError::ExtensionChecksum`].
    pub fn parse(bytes: &'a [u8], offset: usize) -> Result<Self, IcmpError> {
        Self::parse_with(bytes, offset, Policy::Enforce)
    }

    /// [`parse`](Self::parse), with the checksum verified or not.
    pub fn parse_with(bytes: &'a [u8], offset: usize, check: Policy) -> Result<Self, IcmpError> {
        let Some(header) = bytes.first_chunk::<4>() else {
            return Err(IcmpError::ExtensionTruncated {
                offset,
                found: bytes.len(),
            });
        };
        let version = header[0] >> 4;
        if version != EXTENSION_VERSION {
            return Err(IcmpError::ExtensionVersion {
                offset,
                found: version,
            });
        }
        if check == Policy::Enforce && !checksum::verify(bytes) {
            return Err(IcmpError::ExtensionChecksum {
                offset,
                found: u16::from_be_bytes([header[2], header[3]]),
                expected: checksum::checksum_skipping_field(bytes, 2),
            });
        }
        Ok(Extensions { bytes, offset })
    }

    /// The version field (2).
    pub fn version(&self) -> u8 {
        self.bytes.first().map_or(0, |b| b >> 4)
    }

    /// The checksum field.
    pub fn checksum(&self) -> u16 {
        match self.bytes.get(2..4) {
            Some(&[hi, lo]) => u16::from_be_bytes([hi, lo]),
            _ => 0,
        }
    }

    /// Offset of the structure in the ICMP message.
    pub fn offset(&self) -> usize {
        self.offset
    }

    /// The whole structure, header included.
    pub fn as_bytes(&self) -> &'a [u8] {
        self.bytes
    }

    /// The object bytes after the 4-byte header.
    pub fn object_bytes(&self) -> &'a [u8] {
        self.bytes.get(EXTENSION_HEADER_LEN..).unwrap_or(&[])
    }

    /// Walks the objects. The walk ends after the last object or after the
    /// first error.
    pub fn objects(&self) -> Objects<'a> {
        Objects {
            rest: self.object_bytes(),
            offset: self.offset + EXTENSION_HEADER_LEN,
        }
    }
}

/// Iterator over the objects of an extension structure
/// ([RFC 4884 §7.2]). Every step consumes at least 4 bytes, and an error
/// ends the walk, so it always terminates.
///
/// [RFC 4884 §7.2]: https://www.rfc-editor.org/rfc/rfc4884#section-7.2
#[derive(Debug, Clone)]
pub struct Objects<'a> {
    rest: &'a [u8],
    offset: usize,
}

impl<'a> Iterator for Objects<'a> {
    type Item = Result<ExtensionObject<'a>, IcmpError>;

    fn next(&mut self) -> Option<Self::Item> {
        if self.rest.is_empty() {
            return None;
        }
        let offset = self.offset;
        let remaining = self.rest.len();
        let result = match self.rest.first_chunk::<4>() {
            None => Err(IcmpError::ObjectHeaderPastEnd { offset, remaining }),
            Some(&[hi, lo, class, c_type]) => {
                let length = u16::from_be_bytes([hi, lo]);
                let len = usize::from(length);
                if len < EXTENSION_HEADER_LEN {
                    Err(IcmpError::ObjectLengthTooSmall {
                        offset,
                        found: length,
                    })
                } else if let (Some(object), Some(rest)) = (
                    self.rest.get(EXTENSION_HEADER_LEN..len),
                    self.rest.get(len..),
                ) {
                    self.rest = rest;
                    self.offset += len;
                    return Some(Ok(ExtensionObject {
                        class,
                        c_type,
                        payload: object,
                        offset,
                    }));
                } else {
                    Err(IcmpError::ObjectPastEnd {
                        offset,
                        length,
                        remaining,
                    })
                }
            }
        };
        self.rest = &[];
        Some(result)
    }
}

/// One extension object: its header fields and undecoded payload
/// ([RFC 4884 §7.2]).
///
/// [RFC 4884 §7.2]: https://www.rfc-editor.org/rfc/rfc4884#section-7.2
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct ExtensionObject<'a> {
    /// The Class-Num (see [`class`]).
    pub class: u8,
    /// The C-Type.
    pub c_type: u8,
    /// The object payload, after the 4-byte object header.
    pub payload: &'a [u8],
    /// Offset of the object header in the ICMP message.
    pub offset: usize,
}

impl<'a> ExtensionObject<'a> {
    /// Decodes the objects this crate knows: MPLS label stacks (class 1,
    /// C-Type 1), interface information (class 2) and interface
    /// identification (class 3, C-Types 1 to 3). Anything else is
    /// [`Object::Unknown`].
    ///
    /// # Errors
    ///
    /// [`IcmpError::ObjectMalformed`] when a known object's payload does
    /// not fit its format.
    pub fn decode(&self) -> Result<Object<'a>, IcmpError> {
        match (self.class, self.c_type) {
            (class::MPLS_LABEL_STACK, 1) => {
                if !self.payload.len().is_multiple_of(4) {
                    return Err(self.malformed("a label stack entry is cut short"));
                }
                Ok(Object::Mpls(MplsStack {
                    bytes: self.payload,
                }))
            }
            (class::INTERFACE_INFORMATION, _) => InterfaceInfo::parse(self.c_type, self.payload)
                .map(Object::InterfaceInfo)
                .map_err(|reason| self.malformed(reason)),
            (class::INTERFACE_IDENTIFICATION, 1..=3) => {
                InterfaceId::parse(self.c_type, self.payload)
                    .map(Object::InterfaceId)
                    .map_err(|reason| self.malformed(reason))
            }
            _ => Ok(Object::Unknown(*self)),
        }
    }

    fn malformed(&self, reason: &'static str) -> IcmpError {
        IcmpError::ObjectMalformed {
            offset: self.offset,
            class: self.class,
            c_type: self.c_type,
            reason,
        }
    }
}

/// A decoded extension object.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Object<'a> {
    /// An [RFC 4950] MPLS label stack (class 1, C-Type 1).
    ///
    /// [RFC 4950]: https://www.rfc-editor.org/rfc/rfc4950#section-7
    Mpls(MplsStack<'a>),
    /// [RFC 5837] interface information (class 2).
    ///
    /// [RFC 5837]: https://www.rfc-editor.org/rfc/rfc5837#section-4
    InterfaceInfo(InterfaceInfo<'a>),
    /// [RFC 8335] interface identification (class 3), in Extended Echo
    /// requests.
    ///
    /// [RFC 8335]: https://www.rfc-editor.org/rfc/rfc8335#section-2.1
    InterfaceId(InterfaceId<'a>),
    /// Any other object, kept raw.
    Unknown(ExtensionObject<'a>),
}

/// The label stack entries of an [RFC 4950 §7] MPLS object, top first.
///
/// [RFC 4950 §7]: https://www.rfc-editor.org/rfc/rfc4950#section-7
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct MplsStack<'a> {
    bytes: &'a [u8],
}

impl<'a> MplsStack<'a> {
    /// The entries, top of the stack first.
    pub fn entries(&self) -> impl ExactSizeIterator<Item = MplsEntry> + 'a {
        self.bytes
            .as_chunks::<4>()
            .0
            .iter()
            .map(|e| MplsEntry::from_bytes(*e))
    }

    /// Number of entries.
    pub fn len(&self) -> usize {
        self.bytes.len() / 4
    }

    /// Whether the stack has no entries.
    pub fn is_empty(&self) -> bool {
        self.bytes.len() < 4
    }
}

/// One MPLS label stack entry ([RFC 3032 §2.1], as quoted by [RFC 4950]).
///
/// ```
/// use ipv4_core::icmp::MplsEntry;
///
/// let entry = MplsEntry { label: 0x12345, tc: 5, bottom: true, ttl: 254 };
/// assert_eq!(entry.to_bytes()?, [0x12, 0x34, 0x5b, 0xfe]);
/// assert_eq!(MplsEntry::from_bytes([0x12, 0x34, 0x5b, 0xfe]), entry);
/// assert_eq!(entry.to_string(), "label 74565 TC 5 S TTL 254");
/// # Ok::<(), ipv4_core::error::IcmpBuildError>(())
/// ```
///
/// [RFC 3032 §2.1]: https://www.rfc-editor.org/rfc/rfc3032#section-2.1
/// [RFC 4950]: https://www.rfc-editor.org/rfc/rfc4950#section-7
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct MplsEntry {
    /// The 20-bit label.
    pub label: u32,
    /// The 3-bit Traffic Class (formerly EXP).
    pub tc: u8,
    /// The bottom-of-stack bit S.
    pub bottom: bool,
    /// The TTL.
    pub ttl: u8,
}

impl MplsEntry {
    /// Decodes one 4-byte entry.
    pub const fn from_bytes(bytes: [u8; 4]) -> MplsEntry {
        let word = u32::from_be_bytes(bytes);
        MplsEntry {
            label: word >> 12,
            tc: ((word >> 9) & 0b111) as u8,
            bottom: word & 0x100 != 0,
            ttl: bytes[3],
        }
    }

    /// Encodes the entry.
    ///
    /// # Errors
    ///
    /// [`IcmpBuildError::FieldOutOfRange`] if the label exceeds 20 bits or
    /// the TC 3 bits.
    pub fn to_bytes(&self) -> Result<[u8; 4], IcmpBuildError> {
        if self.label > 0xf_ffff {
            return Err(IcmpBuildError::FieldOutOfRange {
                field: "MPLS label",
                found: self.label,
                max: 0xf_ffff,
            });
        }
        if self.tc > 7 {
            return Err(IcmpBuildError::FieldOutOfRange {
                field: "MPLS traffic class",
                found: self.tc.into(),
                max: 7,
            });
        }
        let word = self.label << 12
            | u32::from(self.tc) << 9
            | u32::from(self.bottom) << 8
            | u32::from(self.ttl);
        Ok(word.to_be_bytes())
    }
}

/// The role of the interface an [RFC 5837] object describes (the top two
/// bits of its C-Type).
///
/// [RFC 5837]: https://www.rfc-editor.org/rfc/rfc5837#section-4.1
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum InterfaceRole {
    /// 0: the interface on which the datagram arrived.
    Incoming,
    /// 1: the sub-IP component of the incoming interface.
    SubIp,
    /// 2: the interface the datagram would have left by.
    Outgoing,
    /// 3: the IP next hop to which the datagram would have been sent.
    NextHop,
}

impl InterfaceRole {
    /// The role in the top two bits of `c_type`.
    pub const fn from_c_type(c_type: u8) -> InterfaceRole {
        match c_type >> 6 {
            0 => InterfaceRole::Incoming,
            1 => InterfaceRole::SubIp,
            2 => InterfaceRole::Outgoing,
            _ => InterfaceRole::NextHop,
        }
    }

    /// The role's two bits, shifted into place in a C-Type.
    pub const fn c_type_bits(self) -> u8 {
        (self as u8) << 6
    }

    /// The role in lower case, e.g. `"incoming"`.
    pub const fn name(self) -> &'static str {
        match self {
            InterfaceRole::Incoming => "incoming",
            InterfaceRole::SubIp => "sub-IP",
            InterfaceRole::Outgoing => "outgoing",
            InterfaceRole::NextHop => "next hop",
        }
    }
}

/// C-Type bits of an [RFC 5837 §4.1] interface information object: which
/// sub-objects follow.
///
/// [RFC 5837 §4.1]: https://www.rfc-editor.org/rfc/rfc5837#section-4.1
pub mod interface_info_bits {
    /// The ifIndex is present.
    pub const IF_INDEX: u8 = 0x08;
    /// The IP Address sub-object is present.
    pub const IP_ADDRESS: u8 = 0x04;
    /// The Interface Name sub-object is present.
    pub const NAME: u8 = 0x02;
    /// The MTU is present.
    pub const MTU: u8 = 0x01;
}

/// An address with its Address Family Identifier ([IANA AFI]: 1 IPv4,
/// 2 IPv6), as RFC 5837 and RFC 8335 carry them.
///
/// [IANA AFI]: https://www.iana.org/assignments/address-family-numbers
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct AfiAddress<'a> {
    /// The AFI.
    pub afi: u16,
    /// The address bytes.
    pub bytes: &'a [u8],
}

impl AfiAddress<'_> {
    /// AFI of IPv4.
    pub const AFI_IPV4: u16 = 1;
    /// AFI of IPv6.
    pub const AFI_IPV6: u16 = 2;

    /// The address when it is IPv4 (AFI 1, 4 bytes).
    pub fn ipv4(&self) -> Option<Ipv4Addr> {
        match (self.afi, <[u8; 4]>::try_from(self.bytes)) {
            (Self::AFI_IPV4, Ok(octets)) => Some(Ipv4Addr::from(octets)),
            _ => None,
        }
    }

    /// The address when it is IPv6 (AFI 2, 16 bytes).
    pub fn ipv6(&self) -> Option<Ipv6Addr> {
        match (self.afi, <[u8; 16]>::try_from(self.bytes)) {
            (Self::AFI_IPV6, Ok(octets)) => Some(Ipv6Addr::from(octets)),
            _ => None,
        }
    }
}

/// An [RFC 5837 §4] interface information object: the role, and the
/// ifIndex, IP address, name and MTU when its C-Type says they are there.
///
/// [RFC 5837 §4]: https://www.rfc-editor.org/rfc/rfc5837#section-4
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct InterfaceInfo<'a> {
    /// The interface's role.
    pub role: InterfaceRole,
    /// The ifIndex.
    pub if_index: Option<u32>,
    /// The IP Address sub-object.
    pub address: Option<AfiAddress<'a>>,
    /// The interface name (UTF-8 by the RFC, trailing NUL padding removed).
    pub name: Option<&'a [u8]>,
    /// The MTU.
    pub mtu: Option<u32>,
}

impl<'a> InterfaceInfo<'a> {
    fn parse(c_type: u8, payload: &'a [u8]) -> Result<Self, &'static str> {
        use interface_info_bits as bits;
        let mut rest = Cursor(payload);
        let mut info = InterfaceInfo {
            role: InterfaceRole::from_c_type(c_type),
            if_index: None,
            address: None,
            name: None,
            mtu: None,
        };
        if c_type & bits::IF_INDEX != 0 {
            info.if_index = Some(be32(rest.take(4, "the ifIndex is cut short")?));
        }
        if c_type & bits::IP_ADDRESS != 0 {
            let head = rest.take(4, "the IP address sub-object is cut short")?;
            let afi = u16::from_be_bytes([head[0], head[1]]);
            let len = match afi {
                AfiAddress::AFI_IPV4 => 4,
                AfiAddress::AFI_IPV6 => 16,
                _ => return Err("the IP address sub-object has an unknown AFI"),
            };
            let bytes = rest.take(len, "the IP address is cut short")?;
            info.address = Some(AfiAddress { afi, bytes });
        }
        if c_type & bits::NAME != 0 {
            let len = usize::from(
                *rest
                    .0
                    .first()
                    .ok_or("the interface name sub-object is missing")?,
            );
            if len == 0 || !len.is_multiple_of(4) || len > 64 {
                return Err("the interface name length is not a multiple of 4 from 4 to 64");
            }
            let sub = rest.take(len, "the interface name is cut short")?;
            let name = sub.get(1..).unwrap_or(&[]);
            let end = name.iter().rposition(|&b| b != 0).map_or(0, |i| i + 1);
            info.name = Some(name.get(..end).unwrap_or(&[]));
        }
        if c_type & bits::MTU != 0 {
            info.mtu = Some(be32(rest.take(4, "the MTU is cut short")?));
        }
        if !rest.0.is_empty() {
            return Err("bytes follow the last sub-object");
        }
        Ok(info)
    }

    /// The name as UTF-8 text, if present and valid.
    pub fn name_str(&self) -> Option<&'a str> {
        self.name.and_then(|n| core::str::from_utf8(n).ok())
    }
}

/// The interface an [RFC 8335 §2.1] Extended Echo request asks about.
///
/// [RFC 8335 §2.1]: https://www.rfc-editor.org/rfc/rfc8335#section-2.1
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum InterfaceId<'a> {
    /// C-Type 1: by name (NUL padding removed).
    Name(&'a [u8]),
    /// C-Type 2: by ifIndex.
    Index(u32),
    /// C-Type 3: by address.
    Address(AfiAddress<'a>),
}

impl<'a> InterfaceId<'a> {
    fn parse(c_type: u8, payload: &'a [u8]) -> Result<Self, &'static str> {
        match c_type {
            1 => {
                let end = payload.iter().rposition(|&b| b != 0).map_or(0, |i| i + 1);
                Ok(InterfaceId::Name(payload.get(..end).unwrap_or(&[])))
            }
            2 => match <[u8; 4]>::try_from(payload) {
                Ok(b) => Ok(InterfaceId::Index(u32::from_be_bytes(b))),
                Err(_) => Err("an ifIndex object must hold 4 bytes"),
            },
            _ => {
                let Some(&[a0, a1, len, _]) = payload.first_chunk::<4>() else {
                    return Err("the address header is cut short");
                };
                let bytes = payload
                    .get(4..4 + usize::from(len))
                    .ok_or("the address is cut short")?;
                if payload.len() > (4 + usize::from(len)).next_multiple_of(4) {
                    return Err("bytes follow the address");
                }
                Ok(InterfaceId::Address(AfiAddress {
                    afi: u16::from_be_bytes([a0, a1]),
                    bytes,
                }))
            }
        }
    }
}

/// The unread part of an object payload.
struct Cursor<'a>(&'a [u8]);

impl<'a> Cursor<'a> {
    fn take(&mut self, n: usize, reason: &'static str) -> Result<&'a [u8], &'static str> {
        let (head, tail) = self.0.split_at_checked(n).ok_or(reason)?;
        self.0 = tail;
        Ok(head)
    }
}

fn be32(b: &[u8]) -> u32 {
    match b.first_chunk::<4>() {
        Some(&w) => u32::from_be_bytes(w),
        None => 0,
    }
}

/// An extension object to build: its header fields and payload
/// ([RFC 4884 §7.2]). Objects written one after another are the object
/// bytes an error message's `extension` field takes.
///
/// ```
/// use ipv4_core::icmp::{ObjectRepr, MplsEntry, class};
///
/// let entry = MplsEntry { label: 16, tc: 0, bottom: true, ttl: 1 }.to_bytes()?;
/// let object = ObjectRepr { class: class::MPLS_LABEL_STACK, c_type: 1, payload: &entry };
/// let mut buf = [0u8; 8];
/// assert_eq!(object.emit(&mut buf)?, 8);
/// assert_eq!(buf, [0, 8, 1, 1, 0x00, 0x01, 0x01, 0x01]);
/// # Ok::<(), ipv4_core::error::IcmpBuildError>(())
/// ```
///
/// [RFC 4884 §7.2]: https://www.rfc-editor.org/rfc/rfc4884#section-7.2
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct ObjectRepr<'a> {
    /// The Class-Num.
    pub class: u8,
    /// The C-Type.
    pub c_type: u8,
    /// The payload.
    pub payload: &'a [u8],
}

impl ObjectRepr<'_> {
    /// Bytes [`emit`](Self::emit) writes: 4 plus the payload.
    pub const fn buffer_len(&self) -> usize {
        EXTENSION_HEADER_LEN + self.payload.len()
    }

    /// Writes the object into the start of `buf`; returns its length.
    ///
    /// # Errors
    ///
    /// [`IcmpBuildError::ObjectTooLong`] for a payload over 65531 bytes,
    /// [`IcmpBuildError::BufferTooSmall`] for a short buffer.
    pub fn emit(&self, buf: &mut [u8]) -> Result<usize, IcmpBuildError> {
        let len = self.buffer_len();
        let length = u16::try_from(len).map_err(|_| IcmpBuildError::ObjectTooLong {
            len: self.payload.len(),
        })?;
        let found = buf.len();
        let out = buf.get_mut(..len).ok_or(BufferTooSmall {
            what: "ICMP extension object",
            required: len,
            found,
        })?;
        let (head, payload) = out.split_at_mut(EXTENSION_HEADER_LEN);
        head.copy_from_slice(&[
            length.to_be_bytes()[0],
            length.to_be_bytes()[1],
            self.class,
            self.c_type,
        ]);
        payload.copy_from_slice(self.payload);
        Ok(len)
    }
}

/// Writes an extension header (version 2) and `objects` into `out`, which
/// must be exactly `4 + objects.len()` bytes, and fills the checksum.
pub(crate) fn emit_structure(out: &mut [u8], objects: &[u8]) {
    let (head, rest) = out.split_at_mut(EXTENSION_HEADER_LEN.min(out.len()));
    head.fill(0);
    if let Some(first) = head.first_mut() {
        *first = EXTENSION_VERSION << 4;
    }
    if let Some(rest) = rest.get_mut(..objects.len()) {
        rest.copy_from_slice(objects);
    }
    let sum = checksum::checksum(out);
    if let Some(field) = out.get_mut(2..4) {
        field.copy_from_slice(&sum.to_be_bytes());
    }
}
