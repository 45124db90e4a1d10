//! [`AsyncRawConn`]: [`RawConn`] on tokio.

use std::fmt;
use std::future::poll_fn;
use std::io;
use std::net::SocketAddrV4;
use std::os::fd::AsFd;
use std::task::{Context, Poll, ready};

use ::tokio::io::Interest;
use ::tokio::io::unix::AsyncFd;
use ipv4_core::control::ControlMessage;
use ipv4_core::header::{self, Header, HeaderView};

use super::{SHUT_DOWN, set_nonblocking};
use crate::RawConn;
use crate::batch::{RawSendMessage, RecvBatch, SendBatch, SendBatchError};
use crate::options::sealed::{self, Socket as _};
use crate::options::{
    ControlMessageOptions, DatagramState, MulticastOptions, UnicastOptions,
};
#[cfg(any(target_os = "linux", target_os = "android"))]
use crate::options::FilterOptions;
use crate::packet_conn::Receive;
use crate::received::Datagram;
use crate::sys::{self, AsSocket, BorrowedSocket, Registered};

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
    io: AsyncFd<Registered<RawConn<S>>>,
}

fn short_buffer(len: usize) -> io::Error {
    io::Error::new(
        io::ErrorKind::InvalidInput,
        format!(
            "a receive buffer of {len} bytes cannot hold an IPv4 header ({} bytes at least)",
            header::MIN_LEN
        ),
    )
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
        set_nonblocking(conn.socket())?;
        Ok(AsyncRawConn {
            io: sys::register(conn)?,
        })
    }

    /// The blocking wrapper inside, on the non-blocking socket.
    pub fn conn(&self) -> &RawConn<S> {
        self.io.get_ref().get()
    }

    /// The wrapped socket.
    pub fn get_ref(&self) -> &S {
        self.conn().get_ref()
    }

    /// Deregisters the socket and gives it back, still non-blocking and in
    /// `IP_HDRINCL` mode.
    pub fn into_inner(self) -> S {
        self.io.into_inner().into_inner().into_inner()
    }

    /// The socket's own address, as [`RawConn::local_addr`].
    ///
    /// # Errors
    ///
    /// The `getsockname` error.
    pub fn local_addr(&self) -> io::Result<SocketAddrV4> {
        self.conn().local_addr()
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
            return Err(short_buffer(buf.len()));
        }
        let mut rx = Receive::new(self.control_flags());
        let r = super::read(&self.io, |c| rx.attempt(c.socket(), buf), SHUT_DOWN).await?;
        Ok(rx.datagram(buf, r, true))
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
            return Poll::Ready(Err(short_buffer(buf.len())));
        }
        let mut rx = Receive::new(self.control_flags());
        let r = ready!(super::poll_read(
            &self.io,
            cx,
            |c| rx.attempt(c.socket(), buf),
            SHUT_DOWN
        ))?;
        Poll::Ready(Ok(rx.datagram(buf, r, true)))
    }

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
    #[cfg(any(target_os = "linux", target_os = "android"))]
    #[cfg_attr(docsrs, doc(cfg(any(target_os = "linux", target_os = "android"))))]
    pub async fn recv_error<'b>(
        &self,
        buf: &'b mut [u8],
    ) -> io::Result<crate::errqueue::ErrorQueueEntry<'b>> {
        let mut rx = Receive::new(self.control_flags());
        let r = super::read_error(&self.io, &mut rx, buf).await?;
        Ok(crate::errqueue::entry(&rx, buf, r))
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
        self.io
            .async_io(Interest::WRITABLE, |c| c.get().send(header, payload, cm))
            .await
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
        loop {
            let mut guard = ready!(self.io.poll_write_ready(cx))?;
            if let Ok(r) = guard.try_io(|c| c.get_ref().get().send(header, payload, cm)) {
                return Poll::Ready(r);
            }
        }
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
        self.io
            .async_io(Interest::WRITABLE, |c| {
                c.get().send_view(header, payload, cm)
            })
            .await
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
        loop {
            let mut guard = ready!(self.io.poll_write_ready(cx))?;
            if let Ok(r) = guard.try_io(|c| c.get_ref().get().send_view(header, payload, cm)) {
                return Poll::Ready(r);
            }
        }
    }

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
    pub async fn recv_batch<B: AsMut<[u8]> + AsRef<[u8]>>(
        &self,
        batch: &mut RecvBatch<B>,
    ) -> io::Result<usize> {
        super::read(&self.io, |c| c.recv_batch(batch), 0).await
    }

    /// [`recv_batch`](Self::recv_batch) as a poll.
    ///
    /// # Errors
    ///
    /// As [`recv_batch`](Self::recv_batch).
    pub fn poll_recv_batch<B: AsMut<[u8]> + AsRef<[u8]>>(
        &self,
        cx: &mut Context<'_>,
        batch: &mut RecvBatch<B>,
    ) -> Poll<io::Result<usize>> {
        super::poll_read(&self.io, cx, |c| c.recv_batch(batch), 0)
    }

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
    pub async fn send_batch(
        &self,
        batch: &mut SendBatch,
        msgs: &[RawSendMessage<'_>],
    ) -> Result<usize, SendBatchError> {
        let mut sent = 0;
        loop {
            let rest = msgs.get(sent..).unwrap_or_default();
            match poll_fn(|cx| self.poll_send_batch(cx, batch, rest)).await {
                Ok(n) => sent += n,
                Err(e) => {
                    return Err(SendBatchError {
                        sent: sent + e.sent,
                        error: e.error,
                    });
                }
            }
            if sent >= msgs.len() {
                return Ok(sent);
            }
        }
    }

    /// One step of [`send_batch`](Self::send_batch): waits until the socket
    /// is writable, then sends as many of `msgs` as the send buffer takes
    /// and returns how many (at least one).
    ///
    /// # Errors
    ///
    /// As [`RawConn::send_batch`]; never
    /// [`WouldBlock`](io::ErrorKind::WouldBlock).
    pub fn poll_send_batch(
        &self,
        cx: &mut Context<'_>,
        batch: &mut SendBatch,
        msgs: &[RawSendMessage<'_>],
    ) -> Poll<Result<usize, SendBatchError>> {
        super::poll_send_steps(&self.io, cx, |c| c.send_batch(batch, msgs))
    }
}

impl<S: AsSocket> sealed::Socket for AsyncRawConn<S> {
    fn socket(&self) -> BorrowedSocket<'_> {
        self.conn().socket()
    }
}

impl<S: AsSocket> sealed::DatagramSocket for AsyncRawConn<S> {
    fn state(&self) -> &DatagramState {
        self.conn().state()
    }
}

impl<S: AsSocket> UnicastOptions for AsyncRawConn<S> {}
impl<S: AsSocket> MulticastOptions for AsyncRawConn<S> {}
impl<S: AsSocket> ControlMessageOptions for AsyncRawConn<S> {}
#[cfg(any(target_os = "linux", target_os = "android"))]
impl<S: AsSocket> FilterOptions for AsyncRawConn<S> {}
#[cfg(any(target_os = "linux", target_os = "android"))]
impl<S: AsSocket> crate::options::ErrorQueueOptions for AsyncRawConn<S> {}
#[cfg(any(target_os = "linux", target_os = "android"))]
impl<S: AsSocket> crate::options::PathMtuOptions for AsyncRawConn<S> {}
#[cfg(any(target_os = "linux", target_os = "android"))]
impl<S: AsSocket> crate::options::BindingOptions for AsyncRawConn<S> {}
impl<S: AsSocket> crate::options::SocketFacts for AsyncRawConn<S> {}
impl<S: AsSocket> crate::options::HeaderOptions for AsyncRawConn<S> {}
impl<S: AsSocket> crate::options::RoutingOptions for AsyncRawConn<S> {}
impl<S: AsSocket> crate::options::RawOptions for AsyncRawConn<S> {}

impl<S: AsSocket> AsFd for AsyncRawConn<S> {
    fn as_fd(&self) -> BorrowedSocket<'_> {
        self.socket()
    }
}

impl<S: AsSocket + fmt::Debug> fmt::Debug for AsyncRawConn<S> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_tuple("AsyncRawConn").field(self.conn()).finish()
    }
}
