//! [`AsyncPacketConn`]: [`PacketConn`] on tokio.

use std::fmt;
use std::io;
use std::net::{SocketAddr, SocketAddrV4};
use std::task::{Context, Poll};

use ipv4_core::control::ControlMessage;

use super::Async;
use crate::PacketConn;
use crate::batch::SendMessage;
#[cfg(doc)]
use crate::batch::{RecvBatch, SendBatchError};
#[cfg(all(doc, any(target_os = "linux", target_os = "android")))]
use crate::options::FilterOptions;
#[cfg(doc)]
use crate::options::{ControlMessageOptions, MulticastOptions, UnicastOptions};
use crate::options::{DatagramState, sealed};
use crate::received::Datagram;
use crate::sys::AsSocket;
#[cfg(doc)]
use ::tokio::io::unix::AsyncFd;

/// A [`PacketConn`] that waits on tokio's reactor: an IPv4 datagram socket
/// (UDP, ICMP datagram, or raw without `IP_HDRINCL`) with control messages,
/// whose receives and sends are `async`.
///
/// Built with [`new`](Self::new) from any socket the blocking wrapper
/// takes that owns or borrows a descriptor (`std::net::UdpSocket`,
/// `socket2::Socket`, a reference to one), which it makes non-blocking,
/// or with `TryFrom` from a [`tokio::net::UdpSocket`]. The socket is
/// checked as by [`PacketConn::new`] (IPv4, datagram or raw).
/// [`into_inner`](Self::into_inner) gives it back (non-blocking), and
/// [`into_tokio`](Self::into_tokio) gives back a tokio socket.
///
/// The options are those of [`PacketConn`], the same traits
/// ([`UnicastOptions`], [`MulticastOptions`], [`ControlMessageOptions`],
/// [`FilterOptions`]). All methods take `&self`: put it in an `Arc` to
/// receive and send from many tasks. See [the module](super) for
/// readiness, cancellation and a runnable example.
///
/// [`tokio::net::UdpSocket`]: ::tokio::net::UdpSocket
pub struct AsyncPacketConn<S: AsSocket> {
    core: Async<PacketConn<S>>,
}

impl<S: AsSocket> AsyncPacketConn<S> {
    /// Wraps `socket` as [`PacketConn::new`] does, makes it non-blocking
    /// and registers it with the current tokio runtime.
    ///
    /// # Errors
    ///
    /// Those of [`PacketConn::new`]
    /// ([`InvalidInput`](io::ErrorKind::InvalidInput) for a socket that is
    /// not IPv4 datagram or raw), of `fcntl` setting `O_NONBLOCK`, and of
    /// the registration with the reactor. An owned socket is closed on
    /// error.
    ///
    /// # Panics
    ///
    /// Outside a tokio runtime, or in one without its I/O driver
    /// (`enable_io`), as [`AsyncFd::new`].
    pub fn new(socket: S) -> io::Result<AsyncPacketConn<S>> {
        AsyncPacketConn::from_conn(PacketConn::new(socket)?)
    }

    /// Registers a blocking wrapper, made non-blocking: its options and
    /// control flags carry over.
    ///
    /// # Errors
    ///
    /// Those of `fcntl` setting `O_NONBLOCK` and of the registration.
    ///
    /// # Panics
    ///
    /// Outside a tokio runtime, as [`new`](Self::new).
    pub fn from_conn(conn: PacketConn<S>) -> io::Result<AsyncPacketConn<S>> {
        Ok(AsyncPacketConn {
            core: Async::new(conn)?,
        })
    }

    /// The blocking wrapper inside, on the non-blocking socket: its calls
    /// answer [`WouldBlock`](io::ErrorKind::WouldBlock) instead of waiting.
    pub fn conn(&self) -> &PacketConn<S> {
        self.core.get()
    }

    super::socket_accessors!(PacketConn);

    /// Deregisters the socket and gives it back, still non-blocking, with
    /// its kernel options as they are.
    pub fn into_inner(self) -> S {
        self.core.into_inner().into_inner()
    }

    /// The connected peer's address, as [`PacketConn::peer_addr`].
    ///
    /// # Errors
    ///
    /// As [`PacketConn::peer_addr`].
    pub fn peer_addr(&self) -> io::Result<SocketAddrV4> {
        self.conn().peer_addr()
    }

    /// Receives one datagram into `buf`, waiting for one: the async form of
    /// [`PacketConn::recv_from`], with the same [`Datagram`] (payload,
    /// sender, control message, flags, and on a raw socket the header
    /// view).
    ///
    /// Cancellation-safe: dropped before it completes, it has taken no
    /// datagram from the socket.
    ///
    /// # Errors
    ///
    /// The `recvmsg` error, as [`PacketConn::recv_from`]; never
    /// [`WouldBlock`](io::ErrorKind::WouldBlock).
    pub async fn recv_from<'b>(&self, buf: &'b mut [u8]) -> io::Result<Datagram<'b>> {
        self.core.recv(buf, self.conn().is_raw()).await
    }

    /// [`recv_from`](Self::recv_from) as a poll: `Ready` with the datagram,
    /// or `Pending` after registering `cx`'s waker for readability (only
    /// the last task to poll is woken).
    ///
    /// # Errors
    ///
    /// As [`recv_from`](Self::recv_from).
    pub fn poll_recv_from<'b>(
        &self,
        cx: &mut Context<'_>,
        buf: &'b mut [u8],
    ) -> Poll<io::Result<Datagram<'b>>> {
        self.core.poll_recv(cx, buf, self.conn().is_raw())
    }

    super::shared_methods! {
        /// Reads one entry of the socket's error queue into `buf`, waiting
        /// until there is one: the async form of
        /// [`PacketConn::recv_error`](crate::PacketConn::recv_error), which answers
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

    /// Sends `buf` as one datagram to `dst`, with the per-datagram requests
    /// of `cm`, waiting while the send buffer is full: the async form of
    /// [`PacketConn::send_to`]. Returns the bytes sent.
    ///
    /// Cancellation-safe: dropped before it completes, it sent nothing.
    ///
    /// # Errors
    ///
    /// As [`PacketConn::send_to`]; never
    /// [`WouldBlock`](io::ErrorKind::WouldBlock).
    pub async fn send_to(
        &self,
        buf: &[u8],
        cm: Option<&ControlMessage>,
        dst: impl Into<SocketAddr>,
    ) -> io::Result<usize> {
        let dst = dst.into();
        self.core.write(|c| c.send_to(buf, cm, dst)).await
    }

    /// [`send_to`](Self::send_to) as a poll.
    ///
    /// # Errors
    ///
    /// As [`send_to`](Self::send_to).
    pub fn poll_send_to(
        &self,
        cx: &mut Context<'_>,
        buf: &[u8],
        cm: Option<&ControlMessage>,
        dst: impl Into<SocketAddr>,
    ) -> Poll<io::Result<usize>> {
        let dst = dst.into();
        self.core.poll_write(cx, |c| c.send_to(buf, cm, dst))
    }

    super::shared_methods! {
        send: SendMessage;
        /// Receives a batch: waits until the socket is readable, then takes as
        /// many queued datagrams as `batch` holds with one `recvmmsg(2)`, as
        /// [`PacketConn::recv_batch`]; returns how many (at least one). Read
        /// them with [`batch.iter()`](RecvBatch::iter).
        ///
        /// Cancellation-safe, as [`recv_from`](Self::recv_from).
        ///
        /// # Errors
        ///
        /// As [`PacketConn::recv_batch`]; never
        /// [`WouldBlock`](io::ErrorKind::WouldBlock).
        recv_batch;

        /// [`recv_batch`](Self::recv_batch) as a poll.
        ///
        /// # Errors
        ///
        /// As [`recv_batch`](Self::recv_batch).
        poll_recv_batch;

        /// Sends all of `msgs` with `sendmmsg(2)`, as
        /// [`PacketConn::send_batch`], waiting whenever the send buffer is full
        /// and going on from the first message not sent. Returns `msgs.len()`.
        ///
        /// Not cancellation-safe as a whole: dropped after the send buffer
        /// filled part way, the messages before that point were sent.
        /// [`poll_send_batch`](Self::poll_send_batch) reports each step.
        ///
        /// # Errors
        ///
        /// As [`PacketConn::send_batch`]: a [`SendBatchError`] with the count
        /// sent and the error of the first message not sent; never
        /// [`WouldBlock`](io::ErrorKind::WouldBlock).
        send_batch;

        /// One step of [`send_batch`](Self::send_batch): waits until the socket
        /// is writable, then sends as many of `msgs` as the send buffer takes
        /// and returns how many (at least one); the caller goes on from there.
        ///
        /// # Errors
        ///
        /// As [`PacketConn::send_batch`]; never
        /// [`WouldBlock`](io::ErrorKind::WouldBlock).
        poll_send_batch;
    }
}

impl AsyncPacketConn<std::net::UdpSocket> {
    /// Deregisters the socket and gives it back as a tokio socket
    /// registered with the current runtime, its options as they are.
    ///
    /// # Errors
    ///
    /// The registration error.
    ///
    /// # Panics
    ///
    /// Outside a tokio runtime, as [`tokio::net::UdpSocket::from_std`].
    ///
    /// [`tokio::net::UdpSocket::from_std`]: ::tokio::net::UdpSocket::from_std
    pub fn into_tokio(self) -> io::Result<::tokio::net::UdpSocket> {
        ::tokio::net::UdpSocket::from_std(self.into_inner())
    }
}

impl TryFrom<::tokio::net::UdpSocket> for AsyncPacketConn<std::net::UdpSocket> {
    type Error = io::Error;

    /// Takes the socket off its registration
    /// ([`into_std`](::tokio::net::UdpSocket::into_std)) and wraps it, as
    /// [`AsyncPacketConn::new`].
    fn try_from(
        socket: ::tokio::net::UdpSocket,
    ) -> io::Result<AsyncPacketConn<std::net::UdpSocket>> {
        AsyncPacketConn::new(socket.into_std()?)
    }
}

crate::options::datagram_wrapper!(AsyncPacketConn);

impl<S: AsSocket> sealed::DatagramSocket for AsyncPacketConn<S> {
    fn state(&self) -> &DatagramState {
        sealed::DatagramSocket::state(self.conn())
    }
}

impl<S: AsSocket + fmt::Debug> fmt::Debug for AsyncPacketConn<S> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_tuple("AsyncPacketConn").field(self.conn()).finish()
    }
}
