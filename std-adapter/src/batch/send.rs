//! Sending a batch: [`SendMessage`]s through [`PacketConn::send_batch`] and
//! [`RawSendMessage`]s through [`RawConn::send_batch`], with one
//! `sendmmsg(2)` and a reusable [`SendBatch`].

use std::fmt;
use std::io;
use std::net::SocketAddrV4;

use ipv4_core::control::ControlMessage;
use ipv4_core::header::{self, Header, HeaderView};

use super::empty_batch;
use crate::cmsg::{self, ControlBuffer};
use crate::options::sealed::Socket;
use crate::sys::{AsSocket, BorrowedSocket, Mmsg, SendSlot};
use crate::{PacketConn, RawConn};

/// One datagram to send with [`PacketConn::send_batch`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct SendMessage<'a> {
    /// The datagram's data.
    pub payload: &'a [u8],
    /// Where it goes; `None` on a connected socket (the peer). On a raw
    /// socket the port is ignored.
    pub dst: Option<SocketAddrV4>,
    /// Per-datagram requests, as for [`PacketConn::send_to`]: source address
    /// and interface (`IP_PKTINFO`), TTL (`IP_TTL`), TOS (`IP_TOS`); see
    /// [`cmsg::encode`].
    pub control: Option<ControlMessage>,
}

impl<'a> SendMessage<'a> {
    /// `payload` to `dst`, without control messages.
    pub const fn new(payload: &'a [u8], dst: Option<SocketAddrV4>) -> SendMessage<'a> {
        SendMessage {
            payload,
            dst,
            control: None,
        }
    }

    /// The same message with control message `cm`.
    pub const fn with_control(mut self, cm: ControlMessage) -> SendMessage<'a> {
        self.control = Some(cm);
        self
    }
}

/// The reusable scratch space of a batch send: the kernel's header array,
/// the destination addresses and the encoded control messages. It grows to
/// the largest batch sent through it and then allocates no more.
///
/// See [`PacketConn::send_batch`].
pub struct SendBatch {
    mmsg: Mmsg,
    controls: Vec<ControlBuffer>,
    control_lens: Vec<usize>,
    /// Marshalled headers of [`RawConn::send_batch`].
    headers: Vec<[u8; header::MAX_LEN]>,
    header_lens: Vec<usize>,
}

impl SendBatch {
    /// Empty scratch space; the first sends allocate it.
    pub fn new() -> SendBatch {
        SendBatch::with_capacity(0)
    }

    /// Scratch space for batches of up to `messages` messages, allocated
    /// now.
    pub fn with_capacity(messages: usize) -> SendBatch {
        SendBatch {
            mmsg: Mmsg::with_capacity(messages),
            controls: vec![ControlBuffer::new(); messages],
            control_lens: vec![0; messages],
            headers: Vec::new(),
            header_lens: Vec::new(),
        }
    }

    /// The largest batch it holds without allocating.
    pub fn capacity(&self) -> usize {
        self.controls.len()
    }

    /// Encodes each message's control message into its own buffer.
    /// `raw`: whether the socket is `SOCK_RAW` ([`cmsg::encode_for`]).
    fn encode_controls<'c>(
        &mut self,
        controls: impl ExactSizeIterator<Item = Option<&'c ControlMessage>>,
        raw: bool,
    ) -> io::Result<()> {
        let n = controls.len();
        if self.controls.len() < n {
            self.controls.resize(n, ControlBuffer::new());
            self.control_lens.resize(n, 0);
        }
        for (i, ((cm, buf), len)) in controls
            .zip(self.controls.iter_mut())
            .zip(self.control_lens.iter_mut())
            .enumerate()
        {
            *len = match cm {
                Some(cm) => cmsg::encode_for(cm, buf.as_mut_bytes(), raw).map_err(|e| {
                    io::Error::new(e.kind(), format!("message {i} of the batch: {e}"))
                })?,
                None => 0,
            };
        }
        Ok(())
    }
}

impl Default for SendBatch {
    fn default() -> SendBatch {
        SendBatch::new()
    }
}

impl fmt::Debug for SendBatch {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SendBatch")
            .field("capacity", &self.capacity())
            .finish_non_exhaustive()
    }
}

/// A batch send that stopped before its end: how many messages went out,
/// and why the next one did not.
///
/// Messages `0..sent` were sent; message `sent` failed with `error`; the
/// ones after it were not tried. [`io::Error`] converts from it (keeping the
/// error's kind), so `?` works in functions returning `io::Result`.
#[derive(Debug)]
pub struct SendBatchError {
    /// The number of messages sent, from the start of the batch.
    pub sent: usize,
    /// The error of message `sent`, the first not sent (for an empty batch,
    /// [`InvalidInput`](io::ErrorKind::InvalidInput)).
    pub error: io::Error,
}

impl SendBatchError {
    /// The kind of [`error`](Self::error).
    pub fn kind(&self) -> io::ErrorKind {
        self.error.kind()
    }
}

impl fmt::Display for SendBatchError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "the batch send stopped after {} messages: message {} failed: {}",
            self.sent, self.sent, self.error
        )
    }
}

impl std::error::Error for SendBatchError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        Some(&self.error)
    }
}

impl From<SendBatchError> for io::Error {
    fn from(e: SendBatchError) -> io::Error {
        io::Error::new(e.error.kind(), e)
    }
}

/// The bytes prepared for message `i` in `buffers` (`bytes` of each),
/// `lens[i]` long: its encoded control message, or its header.
fn prepared<'c, B>(buffers: &'c [B], lens: &[usize], i: usize, bytes: fn(&B) -> &[u8]) -> &'c [u8] {
    let len = lens.get(i).copied().unwrap_or(0);
    buffers
        .get(i)
        .and_then(|b| bytes(b).get(..len))
        .unwrap_or_default()
}

/// A batch refused before any system call.
fn unsent(error: io::Error) -> SendBatchError {
    SendBatchError { sent: 0, error }
}

impl SendBatch {
    /// Sends `msgs`, whose control messages (and headers) are prepared in
    /// the batch, with [`send_all`]: `slot` gives each message's head,
    /// body and destination from the message and the header prepared for
    /// it (empty if none was).
    fn send_prepared<'b, M>(
        &'b mut self,
        fd: BorrowedSocket<'_>,
        msgs: &'b [M],
        slot: impl Fn(&'b M, &'b [u8]) -> (&'b [u8], &'b [u8], Option<SocketAddrV4>),
    ) -> Result<usize, SendBatchError> {
        let SendBatch {
            mmsg,
            controls,
            control_lens,
            headers,
            header_lens,
        } = self;
        let (controls, control_lens) = (&*controls, &*control_lens);
        let (headers, header_lens) = (&*headers, &*header_lens);
        let slot = &slot;
        send_all(mmsg, fd, msgs.len(), |from| {
            msgs.iter().enumerate().skip(from).map(move |(i, m)| {
                let (head, body, dst) = slot(
                    m,
                    prepared(headers, header_lens, i, <[u8; header::MAX_LEN]>::as_slice),
                );
                SendSlot {
                    head,
                    body,
                    dst,
                    control: prepared(controls, control_lens, i, ControlBuffer::as_bytes),
                }
            })
        })
    }
}

/// Sends `total` messages with `sendmmsg`, calling again from the first
/// unsent one after a short count (Linux drops that message's error when
/// others went out before it), until all are sent or one fails.
fn send_all<'a, I>(
    mmsg: &mut Mmsg,
    fd: BorrowedSocket<'_>,
    total: usize,
    slots: impl Fn(usize) -> I,
) -> Result<usize, SendBatchError>
where
    I: ExactSizeIterator<Item = SendSlot<'a>>,
{
    if total == 0 {
        return Err(SendBatchError {
            sent: 0,
            error: empty_batch(),
        });
    }
    let mut sent = 0;
    while sent < total {
        match mmsg.send(fd, slots(sent), 0) {
            Ok(0) => {
                return Err(SendBatchError {
                    sent,
                    error: io::Error::new(io::ErrorKind::WriteZero, "sendmmsg sent no message"),
                });
            }
            Ok(n) => sent += n,
            Err(error) => return Err(SendBatchError { sent, error }),
        }
    }
    Ok(sent)
}

impl<S: AsSocket> PacketConn<S> {
    /// Sends `msgs` with `sendmmsg(2)`, each to its own destination with its
    /// own control message, using `batch` as scratch space; returns the
    /// number sent, which is `msgs.len()`.
    ///
    /// # Errors
    ///
    /// A [`SendBatchError`] with the number of messages sent before the
    /// first that failed and that message's error: `sent` is 0 and the
    /// error [`InvalidInput`](io::ErrorKind::InvalidInput), before any
    /// system call, for an empty `msgs` or a control message with an
    /// interface index above `i32::MAX` (the message is named); otherwise the `sendmmsg` error of message `sent`, e.g.
    /// `WouldBlock` on a full non-blocking socket, `EINVAL` for a TTL of 0.
    pub fn send_batch(
        &self,
        batch: &mut SendBatch,
        msgs: &[SendMessage<'_>],
    ) -> Result<usize, SendBatchError> {
        batch
            .encode_controls(msgs.iter().map(|m| m.control.as_ref()), self.is_raw())
            .map_err(unsent)?;
        batch.send_prepared(self.socket(), msgs, |m, _| (&[], m.payload, m.dst))
    }
}

/// The header of a [`RawSendMessage`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum RawHeaderRef<'a> {
    /// Marshalled at send time, total length set from the payload.
    Owned(&'a Header),
    /// The bytes of a view: its header bytes are sent as they are, once
    /// checked at send time.
    View(&'a [u8]),
}

/// One datagram to send with [`RawConn::send_batch`]: a header, a payload
/// and an optional control message, as for [`RawConn::send`] and
/// [`RawConn::send_view`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RawSendMessage<'a> {
    header: RawHeaderRef<'a>,
    payload: &'a [u8],
    control: Option<ControlMessage>,
}

impl<'a> RawSendMessage<'a> {
    /// `header` (marshalled with its total length set to header plus
    /// payload, as [`RawConn::send`] does) followed by `payload`.
    pub const fn new(header: &'a Header, payload: &'a [u8]) -> RawSendMessage<'a> {
        RawSendMessage {
            header: RawHeaderRef::Owned(header),
            payload,
            control: None,
        }
    }

    /// The header bytes of `view` as they are, followed by `payload`, as
    /// [`RawConn::send_view`] does: forwarding a received message is
    /// `RawSendMessage::from_view(&m.header.unwrap(), m.payload)`. The view
    /// is checked as `send_view` checks it, when the batch is sent.
    pub fn from_view<B: AsRef<[u8]>>(
        view: &'a HeaderView<B>,
        payload: &'a [u8],
    ) -> RawSendMessage<'a> {
        RawSendMessage {
            header: RawHeaderRef::View(view.as_bytes()),
            payload,
            control: None,
        }
    }

    /// The same message with control message `cm` (see [`RawConn::send`]:
    /// `dst` routes, `src` and `if_index` go in `IP_PKTINFO`).
    pub const fn with_control(mut self, cm: ControlMessage) -> RawSendMessage<'a> {
        self.control = Some(cm);
        self
    }

    /// The payload.
    pub const fn payload(&self) -> &'a [u8] {
        self.payload
    }

    /// The control message, if any.
    pub const fn control(&self) -> Option<&ControlMessage> {
        self.control.as_ref()
    }

    /// Where the datagram is routed: the control message's `dst`, else the
    /// header's destination.
    fn route(&self) -> SocketAddrV4 {
        let destination = match self.header {
            RawHeaderRef::Owned(h) => h.destination,
            RawHeaderRef::View(bytes) => HeaderView::new_unchecked(bytes).destination(),
        };
        let dst = self.control.and_then(|cm| cm.dst).unwrap_or(destination);
        SocketAddrV4::new(dst, 0)
    }
}

impl SendBatch {
    /// Marshals the owned headers of `msgs` into the scratch space and
    /// checks every header (see `raw_conn::sendable_header`), recording
    /// each one's length.
    fn prepare_headers(&mut self, msgs: &[RawSendMessage<'_>]) -> io::Result<()> {
        let n = msgs.len();
        if self.headers.len() < n {
            self.headers.resize(n, [0; header::MAX_LEN]);
            self.header_lens.resize(n, 0);
        }
        for (i, (m, (bytes, len))) in msgs
            .iter()
            .zip(self.headers.iter_mut().zip(self.header_lens.iter_mut()))
            .enumerate()
        {
            *len = 0;
            let checked = match m.header {
                RawHeaderRef::Owned(h) => crate::raw_conn::marshal_for_send(h, m.payload, bytes),
                RawHeaderRef::View(view) => crate::raw_conn::sendable_header(view),
            };
            *len = checked
                .map_err(|e| {
                    io::Error::new(
                        io::ErrorKind::InvalidInput,
                        format!("message {i} of the batch: {e}"),
                    )
                })?
                .header_len();
            // A view goes out as it is, unless this kernel takes another
            // byte order: then a converted copy goes out.
            if let RawHeaderRef::View(view) = m.header
                && !crate::raw_conn::sends_wire_format()
            {
                bytes[..*len].copy_from_slice(&view[..*len]);
                crate::raw_conn::to_send_format(&mut bytes[..*len]);
            }
        }
        Ok(())
    }
}

impl<S: AsSocket> RawConn<S> {
    /// Sends `msgs` with `sendmmsg(2)`, each a header and a payload (two
    /// iovecs, no copy) with its own control message, using `batch` as
    /// scratch space; returns the number sent, which is `msgs.len()`.
    ///
    /// Each message is sent as by [`RawConn::send`] (an owned header) or
    /// [`RawConn::send_view`] (header bytes): Linux fills in the checksum
    /// and total length, and the source and identification when zero.
    ///
    /// # Errors
    ///
    /// A [`SendBatchError`]: `sent` 0 and
    /// [`InvalidInput`](io::ErrorKind::InvalidInput), before any system
    /// call, for an empty batch, a header that does not marshal or is not a
    /// sendable IPv4 header (as [`RawConn::send`] and
    /// [`RawConn::send_view`] check it), or an interface index above
    /// `i32::MAX` (the message is named; nothing is sent); otherwise the number of messages sent and the
    /// `sendmmsg` error of the first that was not, as
    /// [`PacketConn::send_batch`].
    pub fn send_batch(
        &self,
        batch: &mut SendBatch,
        msgs: &[RawSendMessage<'_>],
    ) -> Result<usize, SendBatchError> {
        let prepare = |batch: &mut SendBatch| {
            batch.prepare_headers(msgs)?;
            batch.encode_controls(msgs.iter().map(|m| m.control.as_ref()), true)
        };
        prepare(batch).map_err(unsent)?;
        batch.send_prepared(self.socket(), msgs, |m, prepared| {
            // A view in the wire format goes out from its own bytes;
            // everything else from the header prepared in the batch.
            let head = match m.header {
                RawHeaderRef::View(bytes) if crate::raw_conn::sends_wire_format() => {
                    bytes.get(..prepared.len()).unwrap_or_default()
                }
                _ => prepared,
            };
            (head, m.payload, Some(m.route()))
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sys;
    use std::net::Ipv4Addr;

    #[test]
    fn send_batch_error_keeps_count_kind_and_cause() {
        let e = SendBatchError {
            sent: 3,
            error: io::Error::from_raw_os_error(sys::EINVAL),
        };
        assert_eq!(e.kind(), io::ErrorKind::InvalidInput);
        let text = e.to_string();
        assert!(
            text.starts_with("the batch send stopped after 3 messages: message 3 failed: "),
            "{text}"
        );
        assert!(std::error::Error::source(&e).is_some());
        let io: io::Error = e.into();
        assert_eq!(io.kind(), io::ErrorKind::InvalidInput);
        let inner = io.get_ref().unwrap().downcast_ref::<SendBatchError>();
        assert_eq!(inner.map(|e| e.sent), Some(3));
    }

    #[test]
    fn raw_send_message_routes_by_control_then_header() {
        let h = Header::new(
            Ipv4Addr::new(192, 0, 2, 1),
            Ipv4Addr::new(198, 51, 100, 7),
            ipv4_core::header::Protocol::UDP,
        );
        let m = RawSendMessage::new(&h, b"x");
        assert_eq!(
            m.route(),
            SocketAddrV4::new(Ipv4Addr::new(198, 51, 100, 7), 0)
        );
        let via = ControlMessage {
            dst: Some(Ipv4Addr::new(203, 0, 113, 9)),
            ..ControlMessage::default()
        };
        assert_eq!(
            m.with_control(via).route(),
            SocketAddrV4::new(Ipv4Addr::new(203, 0, 113, 9), 0)
        );
        let mut bytes = [0u8; 20];
        h.emit(&mut bytes).unwrap();
        let view = HeaderView::new_lax(&bytes[..]).unwrap();
        let fwd = RawSendMessage::from_view(&view, b"y");
        assert_eq!(fwd.route(), m.route());
        assert_eq!(fwd.payload(), b"y");
        assert!(fwd.control().is_none());
    }
}
