//! Batch I/O: many datagrams per system call, with `recvmmsg(2)` and
//! `sendmmsg(2)` — Go's `ReadBatch`/`WriteBatch`, without their flaws.
//!
//! * [`RecvBatch`] is a reusable array of messages to receive into. It holds
//!   the caller's data buffers (anything that is `AsMut<[u8]>`: arrays,
//!   `Vec<u8>`, borrowed slices) and, allocated once when it is built, one
//!   address and one control buffer per message and the kernel's header
//!   array. [`PacketConn::recv_batch`] fills it: each call sizes the control
//!   buffers from the enabled [`ControlFlags`] and resets every in/out length
//!   (`msg_namelen`, `msg_controllen`, `msg_flags`, `msg_len`) first, so a
//!   batch can be reused forever (the bug of nix#2506 and nix#2813 cannot
//!   happen), and nothing is allocated per call.
//! * Each received message is a [`Datagram`], as from
//!   [`PacketConn::recv_from`]: payload, source address, decoded
//!   [`ControlMessage`], [`MessageFlags`](crate::MessageFlags) (`MSG_TRUNC`,
//!   `MSG_CTRUNC`), the full length and, from a raw socket, the IPv4
//!   [`HeaderView`] — all borrowing the batch. A message is never an error:
//!   what could not be decoded is reported inside it.
//! * [`SendBatch`] is the reusable scratch space of a send (headers,
//!   addresses, encoded control messages); [`PacketConn::send_batch`] sends a
//!   slice of [`SendMessage`]s, each with its own destination and control
//!   message, borrowing the caller's payloads for the call only.
//! * [`RawConn::recv_batch`] fills the same [`RecvBatch`], each message
//!   with its header view; [`RawConn::send_batch`] sends
//!   [`RawSendMessage`]s: an owned [`Header`] (marshalled into the scratch
//!   space) or the bytes of a received [`HeaderView`] (forwarded as they
//!   are), and a payload, as two iovecs — the payload is never copied.
//!
//! Differences from Go (`golang.org/x/net/ipv4`, `batch.go`):
//!
//! * Counts are `usize`, never `-1`.
//! * An empty batch is an [`InvalidInput`](io::ErrorKind::InvalidInput)
//!   error, not a panic.
//! * A send that stops part way returns a [`SendBatchError`] with the count
//!   sent and the error of the first message not sent. Linux's `sendmmsg`
//!   drops that error when some messages went out (and Go with it);
//!   [`PacketConn::send_batch`] calls again from the first unsent message,
//!   so that it either goes out or yields its error.
//! * Receiving and sending allocate nothing (only building an error does):
//!   Go's `ReadBatch` allocates a `net.Addr` per message, and its caller
//!   must parse every control message itself (allocating again).
//! * A receive returns as soon as one message is there (`MSG_WAITFORONE`),
//!   with as many more as are queued, up to the batch's capacity: a blocking
//!   socket and `SO_RCVTIMEO` behave as with [`PacketConn::recv_from`], and
//!   a non-blocking socket answers [`WouldBlock`](io::ErrorKind::WouldBlock)
//!   when nothing is queued. (Plain `recvmmsg` on a blocking socket waits
//!   until the whole batch is full.)
//!
//! ```
//! use std::net::{Ipv4Addr, SocketAddrV4, UdpSocket};
//! use ipv4_std::batch::{RecvBatch, SendBatch, SendMessage};
//! use ipv4_std::{ControlFlags, ControlMessage, PacketConn};
//!
//! let rx = PacketConn::new(UdpSocket::bind("127.0.0.1:0")?)?;
//! rx.set_control_message(ControlFlags::TTL | ControlFlags::DST, true)?;
//! let to = match rx.get_ref().local_addr()? {
//!     std::net::SocketAddr::V4(a) => a,
//!     _ => unreachable!(),
//! };
//! let tx = PacketConn::new(UdpSocket::bind("127.0.0.1:0")?)?;
//!
//! // Three datagrams in one sendmmsg, each with its own TTL.
//! let mut out = SendBatch::new();
//! let msgs = [b"one".as_slice(), b"two", b"three"].map(|payload| {
//!     SendMessage::new(payload, Some(to))
//!         .with_control(ControlMessage { ttl: Some(payload.len() as u8 + 1), ..Default::default() })
//! });
//! assert_eq!(tx.send_batch(&mut out, &msgs)?, 3);
//!
//! // Up to 8 datagrams per recvmmsg, into 8 buffers of 1500 bytes.
//! let mut batch = RecvBatch::new(vec![[0u8; 1500]; 8]);
//! let mut got = Vec::new();
//! while got.len() < 3 {
//!     rx.recv_batch(&mut batch)?;
//!     for m in &batch {
//!         assert_eq!(m.control.ttl, Some(m.payload.len() as u8 + 1));
//!         assert_eq!(m.control.dst, Some(Ipv4Addr::LOCALHOST));
//!         assert!(!m.is_truncated());
//!         got.push(m.payload.to_vec());
//!     }
//! }
//! assert_eq!(got, [b"one".to_vec(), b"two".to_vec(), b"three".to_vec()]);
//! # Ok::<(), std::io::Error>(())
//! ```

use std::fmt;
use std::io;
use std::iter::FusedIterator;
use std::net::SocketAddrV4;
use std::os::fd::{AsFd, BorrowedFd};

use ipv4_core::control::{ControlFlags, ControlMessage};
use ipv4_core::header::{self, Header, HeaderView};

use crate::cmsg::{self, ControlBuffer};
use crate::received::{self, Datagram};
use crate::sys::{Mmsg, RecvSlot, SendSlot};
use crate::{PacketConn, RawConn};

/// A reusable array of messages to receive into with
/// [`PacketConn::recv_batch`] (`recvmmsg(2)`).
///
/// It holds one data buffer per message, of any type that gives out its
/// bytes (`[u8; N]`, `Vec<u8>`, `&mut [u8]`, …), and allocates, once, in
/// [`new`](Self::new), what the kernel needs next to them: a `struct
/// mmsghdr`, an iovec, a `sockaddr_in` and a control buffer of
/// [`cmsg::BUFFER_LEN`] bytes per message. Receiving allocates nothing.
///
/// After a receive, [`len`](Self::len) messages are there: [`get`](Self::get)
/// and [`iter`](Self::iter) (also `for m in &batch`) give each as a
/// [`Datagram`]. A message is never an error: a control message that does
/// not decode, or (raw sockets) bytes that do not start with an IPv4 header,
/// are reported in the [`Datagram`] beside its data.
///
/// ```
/// use ipv4_std::batch::RecvBatch;
///
/// // 32 buffers of 2 KiB on the heap, owned by the batch…
/// let owned = RecvBatch::new(vec![vec![0u8; 2048]; 32]);
/// assert_eq!((owned.capacity(), owned.len()), (32, 0));
/// // …or slices of one buffer the caller keeps.
/// let mut storage = [0u8; 16 * 1500];
/// let borrowed = RecvBatch::new(storage.chunks_mut(1500));
/// assert_eq!(borrowed.capacity(), 16);
/// ```
pub struct RecvBatch<B> {
    bufs: Vec<B>,
    controls: Vec<ControlBuffer>,
    mmsg: Mmsg,
    /// Messages received by the last call.
    received: usize,
    /// The control flags in force for the last call.
    control_flags: ControlFlags,
    /// Whether the last call's socket delivers the IPv4 header.
    with_header: bool,
}

impl<B: AsMut<[u8]> + AsRef<[u8]>> RecvBatch<B> {
    /// A batch of one message per buffer of `bufs`. Linux fills as many as
    /// are queued, without a cap of its own (unlike `sendmmsg`, which sends
    /// at most `UIO_MAXIOV`, 1024, per call).
    ///
    /// A batch without buffers can be built, but receiving into it is an
    /// [`InvalidInput`](io::ErrorKind::InvalidInput) error.
    pub fn new(bufs: impl IntoIterator<Item = B>) -> RecvBatch<B> {
        let bufs: Vec<B> = bufs.into_iter().collect();
        let n = bufs.len();
        RecvBatch {
            controls: vec![ControlBuffer::new(); n],
            mmsg: Mmsg::with_capacity(n),
            bufs,
            received: 0,
            control_flags: ControlFlags::empty(),
            with_header: false,
        }
    }

    /// The number of messages one receive can fill: the number of buffers.
    pub fn capacity(&self) -> usize {
        self.bufs.len()
    }

    /// The number of messages the last receive got (0 before the first, and
    /// after one that failed).
    pub fn len(&self) -> usize {
        self.received
    }

    /// Whether the last receive got nothing (or there was none yet).
    pub fn is_empty(&self) -> bool {
        self.received == 0
    }

    /// Message `index` of the last receive, or `None` past [`len`](Self::len).
    pub fn get(&self, index: usize) -> Option<Datagram<'_>> {
        if index >= self.received {
            return None;
        }
        let r = self.mmsg.received(index, cmsg::BUFFER_LEN);
        let raw = received::Raw {
            buf: self.bufs.get(index)?.as_ref(),
            returned: r.len,
            control: self
                .controls
                .get(index)?
                .as_bytes()
                .get(..r.control_len)
                .unwrap_or_default(),
            source: r.source,
            flags: r.flags,
        };
        Some(raw.into_datagram(self.control_flags, self.with_header))
    }

    /// The messages of the last receive, in the order they arrived.
    pub fn iter(&self) -> Iter<'_, B> {
        Iter {
            batch: self,
            next: 0,
        }
    }

    /// The buffers, for instance to read a message's bytes beyond what
    /// [`Datagram`] shows.
    pub fn buffers(&self) -> &[B] {
        &self.bufs
    }

    /// Gives back the buffers.
    pub fn into_buffers(self) -> Vec<B> {
        self.bufs
    }

    /// Receives into the batch from `fd` with `flags` enabled: blocks (as
    /// the socket does) for the first message, then takes what is queued.
    fn recv(
        &mut self,
        fd: BorrowedFd<'_>,
        flags: ControlFlags,
        with_header: bool,
    ) -> io::Result<usize> {
        self.received = 0;
        if self.bufs.is_empty() {
            return Err(empty_batch());
        }
        self.control_flags = flags;
        self.with_header = with_header;
        let slots = self
            .bufs
            .iter_mut()
            .zip(self.controls.iter_mut())
            .map(|(buf, control)| RecvSlot {
                buf: buf.as_mut(),
                control: control.as_mut_bytes(),
            });
        // MSG_TRUNC: each msg_len is the datagram's full length (UDP, raw).
        let n = self
            .mmsg
            .recv(fd, slots, libc::MSG_WAITFORONE | libc::MSG_TRUNC)?;
        self.received = n.min(self.bufs.len());
        Ok(self.received)
    }
}

impl<B> fmt::Debug for RecvBatch<B> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("RecvBatch")
            .field("capacity", &self.bufs.len())
            .field("len", &self.received)
            .field("control_flags", &self.control_flags)
            .finish_non_exhaustive()
    }
}

/// The messages of a [`RecvBatch`], from [`RecvBatch::iter`].
#[derive(Debug)]
pub struct Iter<'a, B> {
    batch: &'a RecvBatch<B>,
    next: usize,
}

impl<'a, B: AsMut<[u8]> + AsRef<[u8]>> Iterator for Iter<'a, B> {
    type Item = Datagram<'a>;

    fn next(&mut self) -> Option<Self::Item> {
        let item = self.batch.get(self.next)?;
        self.next += 1;
        Some(item)
    }

    fn size_hint(&self) -> (usize, Option<usize>) {
        let left = self.batch.received.saturating_sub(self.next);
        (left, Some(left))
    }
}

impl<B: AsMut<[u8]> + AsRef<[u8]>> ExactSizeIterator for Iter<'_, B> {}
impl<B: AsMut<[u8]> + AsRef<[u8]>> FusedIterator for Iter<'_, B> {}

impl<'a, B: AsMut<[u8]> + AsRef<[u8]>> IntoIterator for &'a RecvBatch<B> {
    type Item = Datagram<'a>;
    type IntoIter = Iter<'a, B>;

    fn into_iter(self) -> Iter<'a, B> {
        self.iter()
    }
}

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
    fn encode_controls<'c>(
        &mut self,
        controls: impl ExactSizeIterator<Item = Option<&'c ControlMessage>>,
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
                Some(cm) => cmsg::encode(cm, buf.as_mut_bytes()).map_err(|e| {
                    io::Error::new(
                        io::ErrorKind::InvalidInput,
                        format!("message {i} of the batch: {e}"),
                    )
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

/// The encoded control message of message `i`.
fn encoded<'c>(controls: &'c [ControlBuffer], lens: &[usize], i: usize) -> &'c [u8] {
    let len = lens.get(i).copied().unwrap_or(0);
    controls
        .get(i)
        .and_then(|c| c.as_bytes().get(..len))
        .unwrap_or_default()
}

fn empty_batch() -> io::Error {
    io::Error::new(
        io::ErrorKind::InvalidInput,
        "a batch needs at least one message",
    )
}

/// Sends `total` messages with `sendmmsg`, calling again from the first
/// unsent one after a short count (Linux drops that message's error when
/// others went out before it), until all are sent or one fails.
fn send_all<'a, I>(
    mmsg: &mut Mmsg,
    fd: BorrowedFd<'_>,
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

impl<S: AsFd> PacketConn<S> {
    /// Receives up to [`batch.capacity()`](RecvBatch::capacity) datagrams
    /// with one `recvmmsg(2)` and returns how many arrived; read them with
    /// [`batch.iter()`](RecvBatch::iter).
    ///
    /// It waits, as the socket does ([`recv_from`](Self::recv_from) would),
    /// for the first datagram only, then takes those already queued
    /// (`MSG_WAITFORONE`). Each message carries the control messages
    /// enabled with [`set_control_message`](Self::set_control_message); the
    /// control buffers are sized for exactly those. From a raw socket each
    /// message also has its IPv4 header.
    ///
    /// # Errors
    ///
    /// [`InvalidInput`](io::ErrorKind::InvalidInput) for a batch without
    /// buffers; the `recvmmsg` error (`WouldBlock` on a non-blocking socket
    /// with nothing queued, or when `SO_RCVTIMEO` expires). Linux reports an
    /// error met after the first datagram on the next call. What one
    /// message's metadata gets wrong is reported in that [`Datagram`].
    pub fn recv_batch<B: AsMut<[u8]> + AsRef<[u8]>>(
        &self,
        batch: &mut RecvBatch<B>,
    ) -> io::Result<usize> {
        batch.recv(self.as_fd(), self.control_flags(), self.is_raw())
    }

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
            .encode_controls(msgs.iter().map(|m| m.control.as_ref()))
            .map_err(|error| SendBatchError { sent: 0, error })?;
        let SendBatch {
            mmsg,
            controls,
            control_lens,
            ..
        } = batch;
        let (controls, control_lens) = (&*controls, &*control_lens);
        send_all(mmsg, self.as_fd(), msgs.len(), |from| {
            msgs.iter()
                .enumerate()
                .skip(from)
                .map(move |(i, m)| SendSlot {
                    head: &[],
                    body: m.payload,
                    dst: m.dst,
                    control: encoded(controls, control_lens, i),
                })
        })
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
        }
        Ok(())
    }
}

impl<S: AsFd> RawConn<S> {
    /// Receives up to [`batch.capacity()`](RecvBatch::capacity) whole
    /// datagrams with one `recvmmsg(2)` and returns how many arrived; each
    /// [`Datagram`] has the [`header`](Datagram::header) view, the
    /// payload (after the header, up to its total length), the control
    /// messages, the sender and the flags, as from [`RawConn::recv`].
    /// Nothing is copied.
    ///
    /// It waits as the socket does for the first datagram only, as
    /// [`PacketConn::recv_batch`]. A truncated datagram says so
    /// ([`Datagram::is_truncated`]), and so does its header view
    /// ([`is_truncated`](HeaderView::is_truncated)).
    ///
    /// # Errors
    ///
    /// [`InvalidInput`](io::ErrorKind::InvalidInput), before any system
    /// call, for a batch without buffers or with a buffer shorter than 20
    /// bytes (the smallest header); the `recvmmsg` error otherwise.
    /// A header that does not fit in its buffer is reported in that
    /// message ([`Datagram::header_error`]).
    pub fn recv_batch<B: AsMut<[u8]> + AsRef<[u8]>>(
        &self,
        batch: &mut RecvBatch<B>,
    ) -> io::Result<usize> {
        if let Some((i, short)) = batch
            .bufs
            .iter()
            .map(|b| b.as_ref().len())
            .enumerate()
            .find(|&(_, len)| len < header::MIN_LEN)
        {
            batch.received = 0;
            return Err(io::Error::new(
                io::ErrorKind::InvalidInput,
                format!(
                    "buffer {i} of the batch has {short} bytes and cannot hold an IPv4 header ({} bytes at least)",
                    header::MIN_LEN
                ),
            ));
        }
        batch.recv(self.as_fd(), self.control_flags(), true)
    }

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
            batch.encode_controls(msgs.iter().map(|m| m.control.as_ref()))
        };
        prepare(batch).map_err(|error| SendBatchError { sent: 0, error })?;
        let SendBatch {
            mmsg,
            controls,
            control_lens,
            headers,
            header_lens,
        } = batch;
        let (controls, control_lens) = (&*controls, &*control_lens);
        let (headers, header_lens) = (&*headers, &*header_lens);
        send_all(mmsg, self.as_fd(), msgs.len(), |from| {
            msgs.iter()
                .enumerate()
                .skip(from)
                .map(move |(i, m)| SendSlot {
                    head: {
                        let len = header_lens.get(i).copied().unwrap_or(0);
                        match m.header {
                            RawHeaderRef::Owned(_) => headers
                                .get(i)
                                .and_then(|h| h.get(..len))
                                .unwrap_or_default(),
                            RawHeaderRef::View(bytes) => bytes.get(..len).unwrap_or_default(),
                        }
                    },
                    body: m.payload,
                    dst: Some(m.route()),
                    control: encoded(controls, control_lens, i),
                })
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::net::Ipv4Addr;

    #[test]
    fn send_batch_error_keeps_count_kind_and_cause() {
        let e = SendBatchError {
            sent: 3,
            error: io::Error::from_raw_os_error(libc::EINVAL),
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
    fn an_empty_receive_batch_reads_as_empty() {
        let batch: RecvBatch<[u8; 4]> = RecvBatch::new([]);
        assert_eq!((batch.capacity(), batch.len()), (0, 0));
        assert!(batch.get(0).is_none());
        assert_eq!(batch.iter().count(), 0);
        let batch = RecvBatch::new([[0u8; 4]; 3]);
        assert!(batch.is_empty() && batch.get(0).is_none());
        assert_eq!(batch.into_buffers().len(), 3);
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
