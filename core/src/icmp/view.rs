//! [`IcmpView`]: an ICMPv4 message read and edited in place.

use crate::checksum;
use crate::checksum::Policy;
use crate::error::IcmpError;

use super::message::Message;
use super::{HEADER_LEN, IcmpType, TIMESTAMP_LEN};

/// A zero-copy view of an ICMPv4 message ([RFC 792]): the 8-byte header
/// (type, code, checksum, four type-specific bytes) and the body.
///
/// `IcmpView<&[u8]>` reads; `IcmpView<&mut [u8]>` also edits in place
/// ([`fill_checksum`](Self::fill_checksum) after edits). The buffer must
/// be exactly the message: the IPv4 payload cut to the Total Length, as
/// [`HeaderView::payload`](crate::header::HeaderView::payload) gives it.
///
/// # Contract
///
/// [`new_checked`](Self::new_checked) checks the length the type needs
/// (8 bytes, 20 for timestamps) and the checksum over the whole message.
/// After it, no accessor can panic; [`message`](Self::message) classifies
/// without failing. Nothing is copied.
///
/// ```
/// use ipv4_core::icmp::{IcmpType, IcmpView, Message};
///
/// // An echo request as Linux `ping` sends it: id 0x1234, seq 1, 4 data bytes.
/// let bytes = [0x08, 0x00, 0x48, 0x2d, 0x12, 0x34, 0x00, 0x01, 0xde, 0xad, 0xbe, 0xef];
/// let view = IcmpView::new_checked(&bytes[..])?;
/// assert_eq!(view.icmp_type(), IcmpType::ECHO);
/// let Message::EchoRequest(echo) = view.message() else { panic!() };
/// assert_eq!((echo.ident, echo.seq, echo.data), (0x1234, 1, &[0xde, 0xad, 0xbe, 0xef][..]));
/// assert_eq!(view.message().to_string(), "ICMP echo request id 4660 seq 1, 4 data bytes");
///
/// // Turn it into the reply in place, as a responder does.
/// let mut buf = bytes;
/// let mut view = IcmpView::new_checked(&mut buf[..])?;
/// view.set_icmp_type(IcmpType::ECHO_REPLY);
/// view.fill_checksum();
/// assert!(view.verify_checksum());
/// # Ok::<(), ipv4_core::error::IcmpError>(())
/// ```
///
/// [RFC 792]: https://www.rfc-editor.org/rfc/rfc792
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct IcmpView<B> {
    buf: B,
}

impl<B: AsRef<[u8]>> IcmpView<B> {
    /// Wraps `buf` after checking its length for its type and verifying
    /// the checksum.
    ///
    /// # Fuzzing
    ///
    /// Built with `--cfg fuzzing`, the checksum is treated as right (as
    /// [`igmp::Message::parse`](crate::igmp::Message::parse) does), so a
    /// fuzzer reaches the classification;
    /// [`new_checked_with`](Self::new_checked_with) verifies in every build.
    ///
    /// # Errors
    ///
    /// [`IcmpError::Truncated`], [`IcmpError::Checksum`].
    #[inline]
    pub fn new_checked(buf: B) -> Result<Self, IcmpError> {
        let check = if cfg!(fuzzing) {
            Policy::Trust
        } else {
            Policy::Enforce
        };
        Self::new_checked_with(buf, check)
    }

    /// [`new_checked`](Self::new_checked), with the checksum verified or
    /// not (in every build): [`Policy::Trust`] is for messages the
    /// NIC or the kernel already checked.
    ///
    /// # Errors
    ///
    /// [`IcmpError::Truncated`], [`IcmpError::Checksum`].
    pub fn new_checked_with(buf: B, check: Policy) -> Result<Self, IcmpError> {
        let bytes = buf.as_ref();
        let Some(first) = bytes.first_chunk::<HEADER_LEN>() else {
            return Err(IcmpError::Truncated {
                what: "ICMP header",
                required: HEADER_LEN,
                found: bytes.len(),
            });
        };
        if matches!(
            IcmpType(first[0]),
            IcmpType::TIMESTAMP | IcmpType::TIMESTAMP_REPLY
        ) && bytes.len() < TIMESTAMP_LEN
        {
            return Err(IcmpError::Truncated {
                what: "timestamp message",
                required: TIMESTAMP_LEN,
                found: bytes.len(),
            });
        }
        if check == Policy::Enforce && !checksum::verify(bytes) {
            return Err(IcmpError::Checksum {
                found: u16::from_be_bytes([first[2], first[3]]),
                expected: checksum::checksum_skipping_field(bytes, 2),
            });
        }
        Ok(IcmpView { buf })
    }

    /// Wraps `buf` without checking anything. Accessors still never panic:
    /// missing header bytes read as zero, [`body`](Self::body) is empty,
    /// and [`message`](Self::message) may classify a short timestamp as
    /// [`Message::Other`].
    #[inline]
    pub const fn new_unchecked(buf: B) -> Self {
        IcmpView { buf }
    }

    /// The underlying buffer.
    pub fn into_inner(self) -> B {
        self.buf
    }

    /// The whole message.
    pub fn as_bytes(&self) -> &[u8] {
        self.buf.as_ref()
    }

    fn header(&self) -> [u8; HEADER_LEN] {
        match self.buf.as_ref().first_chunk::<HEADER_LEN>() {
            Some(h) => *h,
            None => [0; HEADER_LEN],
        }
    }

    /// The Type byte.
    pub fn icmp_type(&self) -> IcmpType {
        IcmpType(self.header()[0])
    }

    /// The Code byte.
    pub fn code(&self) -> u8 {
        self.header()[1]
    }

    /// The Checksum field.
    pub fn checksum(&self) -> u16 {
        let h = self.header();
        u16::from_be_bytes([h[2], h[3]])
    }

    /// Bytes 4 to 7, whose meaning depends on the type (identifier and
    /// sequence number, pointer, gateway, MTU, RFC 4884 length).
    pub fn rest_of_header(&self) -> [u8; 4] {
        let h = self.header();
        [h[4], h[5], h[6], h[7]]
    }

    /// The bytes after the 8-byte header.
    pub fn body(&self) -> &[u8] {
        self.buf.as_ref().get(HEADER_LEN..).unwrap_or(&[])
    }

    /// Whether the checksum over the whole message is right.
    pub fn verify_checksum(&self) -> bool {
        checksum::verify(self.buf.as_ref())
    }

    /// The message, classified by type and code.
    pub fn message(&self) -> Message<'_> {
        Message::classify(self.buf.as_ref())
    }
}

impl<'a> IcmpView<&'a [u8]> {
    /// [`message`](Self::message), borrowing the buffer rather than the
    /// view.
    pub fn into_message(self) -> Message<'a> {
        Message::classify(self.buf)
    }
}

impl<B: AsRef<[u8]> + AsMut<[u8]>> IcmpView<B> {
    fn header_mut(&mut self) -> Option<&mut [u8; HEADER_LEN]> {
        self.buf.as_mut().first_chunk_mut::<HEADER_LEN>()
    }

    /// Sets the Type byte (the checksum is not updated).
    pub fn set_icmp_type(&mut self, icmp_type: IcmpType) {
        if let Some(h) = self.header_mut() {
            h[0] = icmp_type.0;
        }
    }

    /// Sets the Code byte (the checksum is not updated).
    pub fn set_code(&mut self, code: u8) {
        if let Some(h) = self.header_mut() {
            h[1] = code;
        }
    }

    /// Sets bytes 4 to 7 (the checksum is not updated).
    pub fn set_rest_of_header(&mut self, rest: [u8; 4]) {
        if let Some(h) = self.header_mut() {
            h[4..].copy_from_slice(&rest);
        }
    }

    /// The body, writable.
    pub fn body_mut(&mut self) -> &mut [u8] {
        self.buf.as_mut().get_mut(HEADER_LEN..).unwrap_or(&mut [])
    }

    /// Recomputes the checksum over the whole message.
    pub fn fill_checksum(&mut self) {
        let sum = checksum::checksum_skipping_field(self.buf.as_ref(), 2);
        if let Some(h) = self.header_mut() {
            h[2..4].copy_from_slice(&sum.to_be_bytes());
        }
    }
}
