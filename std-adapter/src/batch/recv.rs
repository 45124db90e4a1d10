//! Receiving a batch: [`RecvBatch`], filled by [`PacketConn::recv_batch`]
//! and [`RawConn::recv_batch`] with one `recvmmsg(2)`.

use std::fmt;
use std::io;
use std::iter::FusedIterator;

use ipv4_core::control::ControlFlags;
use ipv4_core::header;
#[cfg(doc)]
use ipv4_core::header::HeaderView;

use super::empty_batch;
use crate::cmsg::{self, ControlBuffer};
use crate::options::{ControlMessageOptions, sealed::Socket};
use crate::received::{self, Datagram};
use crate::sys::{self, AsSocket, BorrowedSocket, Mmsg, RecvSlot};
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
        fd: BorrowedSocket<'_>,
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
            .recv(fd, slots, sys::MSG_WAITFORONE | sys::MSG_TRUNC)?;
        self.received = n.min(self.bufs.len());
        if with_header && !crate::raw_conn::receives_wire_format() {
            for (i, buf) in self.bufs.iter_mut().take(self.received).enumerate() {
                let buf = buf.as_mut();
                let len = self.mmsg.received(i, 0).len.min(buf.len());
                crate::raw_conn::from_recv_format(&mut buf[..len]);
            }
        }
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

impl<S: AsSocket> PacketConn<S> {
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
        batch.recv(self.socket(), self.control_flags(), self.is_raw())
    }
}

impl<S: AsSocket> RawConn<S> {
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
        batch.recv(self.socket(), self.control_flags(), true)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

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
}
