//! [`AsyncRawConn`]: [`RawConn`] on tokio.

use std::fmt;
use std::io;
use std::task::{Context, Poll};

use ipv4_core::control::ControlMessage;
use ipv4_core::header::{self, Header, HeaderView};

use super::Async;
use crate::RawConn;
use crate::batch::RawSendMessage;
use crate::options::{DatagramState, RawOptions, sealed};
use crate::received::Datagram;
use crate::sys::AsSocket;
#[cfg(doc)]
use ::tokio::io::unix::AsyncFd;

/// A [`RawConn`] that waits on tokio's reactor: a raw IPv4 socket in
/// header-included mode whose receives (a header view and a payload) and
/// sends (a [`Header`] and a payload) are `async`.
///
/// Built with [`new`](Self::new) from a raw `AF_INET` socket
/// (`socket2::Socket`, as [`RawConn::new`] takes it; opening one needs
/// `CAP_NET_RAW`), which it makes non-blocking and puts in `IP_HDRINCL`
/// mode, or from a [`RawConn`] with [`from_conn`](Self::from_conn);
/// [`into_inner`](Self::into_inner) gives the socket back. The options are
/// the traits of [`options`](crate::options), as for [`RawConn`]. See
/// [the module](super) for readiness and cancellation.
///
/// ```no_run
/// use std::net::Ipv4Addr;
/// use ipv4_std::prelude::*;
/// use ipv4_std::ipv4_core::header::{Header, Protocol};
/// use ipv4_std::socket2::{Domain, Protocol as SockProtocol, Socket, Type};
///
/// # async fn ping() -> std::io::Result<()> {
/// let conn = AsyncRawConn::new(Socket::new(Domain::IPV4, Type::RAW, Some(SockProtocol::ICMPV4))?)?;
/// let header = Header::new(Ipv4Addr::UNSPECIFIED, Ipv4Addr::LOCALHOST, Protocol::ICMP).with_ttl(8);
/// conn.send(&header, &[8, 0, 0xf7, 0xfe, 0, 1, 0, 0], None).await?;
/// let mut buf = [0u8; 1500];
/// let d = conn.recv(&mut buf).await?;
/// println!("{} {}", d.header.map(|h| h.ttl()).unwrap_or(0), d.payload.len());
/// # Ok(())
/// # }
/// ```
pub struct AsyncRawConn<S: AsSocket> {
    core: Async<RawConn<S>>,
}

impl<S: AsSocket> AsyncRawConn<S> {
    /// Wraps a raw socket as [`RawConn::new`] does (`IP_HDRINCL` on), makes
    /// it non-blocking and registers it with the current tokio runtime.
    ///
    /// # Errors
    ///
    /// Those of [`RawConn::new`]
    /// ([`InvalidInput`](io::ErrorKind::InvalidInput) for a socket that is
    /// not raw IPv4), of setting `O_NONBLOCK`, and of the registration. An
    /// owned socket is closed on error.
    ///
    /// # Panics
    ///
    /// Outside a tokio runtime with its I/O driver, as [`AsyncFd::new`].
    pub fn new(socket: S) -> io::Result<AsyncRawConn<S>> {
        AsyncRawConn::from_conn(RawConn::new(socket)?)
    }

    /// Registers a blocking wrapper, made non-blocking.
    ///
    /// # Errors
    ///
    /// Those of setting `O_NONBLOCK` and of the registration.
    ///
    /// # Panics
    ///
    /// Outside a tokio runtime, as [`new`](Self::new).
    pub fn from_conn(conn: RawConn<S>) -> io::Result<AsyncRawConn<S>> {
        Ok(AsyncRawConn {
            core: Async::new(conn)?,
        })
    }

    /// The blocking wrapper inside, on the non-blocking socket.
    pub fn conn(&self) -> &RawConn<S> {
        self.core.get()
    }

    super::socket_accessors!(RawConn);

    /// Deregisters the socket and gives it back, still non-blocking and in
    /// `IP_HDRINCL` mode.
    pub fn into_inner(self) -> S {
        self.core.into_inner().into_inner()
    }

    /// Receives one whole datagram into `buf`, waiting for one: the async
    /// form of [`RawConn::recv`], with the header view, the payload, the
    /// sender, the control message and the flags.
    ///
    /// Cancellation-safe: dropped before it completes, it has taken no
    /// datagram from the socket.
    ///
    /// # Errors
    ///
    /// As [`RawConn::recv`] ([`InvalidInput`](io::ErrorKind::InvalidInput)
    /// for a buffer shorter than 20 bytes); never
    /// [`WouldBlock`](io::ErrorKind::WouldBlock).
    pub async fn recv<'b>(&self, buf: &'b mut [u8]) -> io::Result<Datagram<'b>> {
        if buf.len() < header::MIN_LEN {
            return Err(crate::raw_conn::short_buffer(buf.len()));
        }
        self.core.recv(buf, true).await
    }

    /// [`recv`](Self::recv) as a poll (only the last task to poll is
    /// woken).
    ///
    /// # Errors
    ///
    /// As [`recv`](Self::recv).
    pub fn poll_recv<'b>(
        &self,
        cx: &mut Context<'_>,
        buf: &'b mut [u8],
    ) -> Poll<io::Result<Datagram<'b>>> {
        if buf.len() < header::MIN_LEN {
            return Poll::Ready(Err(crate::raw_conn::short_buffer(buf.len())));
        }
        self.core.poll_recv(cx, buf, true)
    }

    super::shared_methods! {
        /// Reads one entry of the socket's error queue into `buf`, waiting
        /// until there is one: the async form of
        /// [`RawConn::recv_error`](crate::RawConn::recv_error), which answers
        /// `None` at once instead. It waits for error readiness (`EPOLLERR`,
        /// tokio's [`Interest::ERROR`](::tokio::io::Interest::ERROR)), reads
        /// the queue only (`MSG_ERRQUEUE`), never an ordinary datagram, and
        /// may wait beside receives on the same connection. Errors are queued
        /// once [`set_recv_errors`](crate::options::ErrorQueueOptions::set_recv_errors)
        /// is on. See [`errqueue`](crate::errqueue).
        ///
        /// Cancellation-safe: dropped before it completes, it has read nothing
        /// from the queue.
        ///
        /// There is no `poll_recv_error`: tokio 1 waits for error readiness
        /// only in the future [`AsyncFd::ready`] returns (its `poll_*` forms
        /// are for reading and writing), which forgets the waker when dropped.
        /// A hand-written future or stream keeps this one instead (boxed, or
        /// pinned in its own state).
        ///
        /// # Errors
        ///
        /// The `recvmsg` error, other than `EAGAIN`, and the reactor's.
        recv_error;
    }

    /// Sends `header` and `payload` as one datagram, waiting while the send
    /// buffer is full: the async form of [`RawConn::send`]. Returns the
    /// bytes sent, header included.
    ///
    /// Cancellation-safe: dropped before it completes, it sent nothing.
    ///
    /// # Errors
    ///
    /// As [`RawConn::send`]; never [`WouldBlock`](io::ErrorKind::WouldBlock).
    pub async fn send(
        &self,
        header: &Header,
        payload: &[u8],
        cm: Option<&ControlMessage>,
    ) -> io::Result<usize> {
        self.core.write(|c| c.send(header, payload, cm)).await
    }

    /// [`send`](Self::send) as a poll.
    ///
    /// # Errors
    ///
    /// As [`send`](Self::send).
    pub fn poll_send(
        &self,
        cx: &mut Context<'_>,
        header: &Header,
        payload: &[u8],
        cm: Option<&ControlMessage>,
    ) -> Poll<io::Result<usize>> {
        self.core.poll_write(cx, |c| c.send(header, payload, cm))
    }

    /// Sends the header bytes of a view as they are, then `payload`: the
    /// async form of [`RawConn::send_view`] (forwarding without a copy).
    ///
    /// Cancellation-safe: dropped before it completes, it sent nothing.
    ///
    /// # Errors
    ///
    /// As [`RawConn::send_view`]; never
    /// [`WouldBlock`](io::ErrorKind::WouldBlock).
    pub async fn send_view<B: AsRef<[u8]>>(
        &self,
        header: &HeaderView<B>,
        payload: &[u8],
        cm: Option<&ControlMessage>,
    ) -> io::Result<usize> {
        self.core.write(|c| c.send_view(header, payload, cm)).await
    }

    /// [`send_view`](Self::send_view) as a poll.
    ///
    /// # Errors
    ///
    /// As [`send_view`](Self::send_view).
    pub fn poll_send_view<B: AsRef<[u8]>>(
        &self,
        cx: &mut Context<'_>,
        header: &HeaderView<B>,
        payload: &[u8],
        cm: Option<&ControlMessage>,
    ) -> Poll<io::Result<usize>> {
        self.core
            .poll_write(cx, |c| c.send_view(header, payload, cm))
    }

    super::shared_methods! {
        send: RawSendMessage;
        /// Receives a batch of whole datagrams: waits until the socket is
        /// readable, then takes as many as are queued, up to the batch's
        /// capacity, with one `recvmmsg(2)`, as [`RawConn::recv_batch`].
        ///
        /// Cancellation-safe, as [`recv`](Self::recv).
        ///
        /// # Errors
        ///
        /// As [`RawConn::recv_batch`]; never
        /// [`WouldBlock`](io::ErrorKind::WouldBlock).
        recv_batch;

        /// [`recv_batch`](Self::recv_batch) as a poll.
        ///
        /// # Errors
        ///
        /// As [`recv_batch`](Self::recv_batch).
        poll_recv_batch;

        /// Sends all of `msgs` with `sendmmsg(2)`, as [`RawConn::send_batch`],
        /// waiting whenever the send buffer is full. Returns `msgs.len()`.
        ///
        /// Not cancellation-safe as a whole, as
        /// [`AsyncPacketConn::send_batch`](super::AsyncPacketConn::send_batch).
        ///
        /// # Errors
        ///
        /// As [`RawConn::send_batch`]; never
        /// [`WouldBlock`](io::ErrorKind::WouldBlock).
        send_batch;

        /// One step of [`send_batch`](Self::send_batch): waits until the socket
        /// is writable, then sends as many of `msgs` as the send buffer takes
        /// and returns how many (at least one).
        ///
        /// # Errors
        ///
        /// As [`RawConn::send_batch`]; never
        /// [`WouldBlock`](io::ErrorKind::WouldBlock).
        poll_send_batch;
    }
}

crate::options::datagram_wrapper!(AsyncRawConn);

impl<S: AsSocket> sealed::DatagramSocket for AsyncRawConn<S> {
    fn state(&self) -> &DatagramState {
        sealed::DatagramSocket::state(self.conn())
    }
}

impl<S: AsSocket> RawOptions for AsyncRawConn<S> {}

impl<S: AsSocket + fmt::Debug> fmt::Debug for AsyncRawConn<S> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_tuple("AsyncRawConn").field(self.conn()).finish()
    }
}
