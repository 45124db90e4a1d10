//! Async wrappers on tokio (feature `tokio`): [`AsyncPacketConn`] and
//! [`AsyncRawConn`], the async forms of [`PacketConn`] and [`RawConn`].
//!
//! They register the socket with tokio's reactor
//! ([`AsyncFd`]) and wait for readiness instead
//! of blocking a thread, the way [`tokio::net::UdpSocket`] does, with this
//! crate's control messages, header views and batches. Receives return the
//! same [`Datagram`] as the blocking wrappers, and the socket options are
//! the same traits ([`options`](crate::options)), implemented for the async
//! wrappers too. `use ipv4_std::prelude::*;` brings them into scope and,
//! with this feature, names the two wrappers.
//!
//! ```
//! use std::net::Ipv4Addr;
//! use ipv4_std::prelude::*;
//!
//! #[tokio::main(flavor = "current_thread")]
//! async fn main() -> std::io::Result<()> {
//!     // From a tokio socket (or a std/socket2 one, made non-blocking).
//!     let rx = AsyncPacketConn::try_from(tokio::net::UdpSocket::bind("127.0.0.1:0").await?)?;
//!     rx.set_control_message(ControlFlags::TTL | ControlFlags::DST, true)?;
//!     let tx = AsyncPacketConn::new(std::net::UdpSocket::bind("127.0.0.1:0")?)?;
//!
//!     // TTL 7 for this datagram only, by control message.
//!     let cm = ControlMessage { ttl: Some(7), ..ControlMessage::default() };
//!     tx.send_to(b"hello", Some(&cm), rx.local_addr()?).await?;
//!
//!     let mut buf = [0u8; 1500];
//!     let d = rx.recv_from(&mut buf).await?;
//!     assert_eq!(d.payload, b"hello");
//!     assert_eq!((d.control.ttl, d.control.dst), (Some(7), Some(Ipv4Addr::LOCALHOST)));
//!     println!("{d}");
//!
//!     // The tokio socket back, options as they are.
//!     let socket: tokio::net::UdpSocket = rx.into_tokio()?;
//!     # drop(socket);
//!     Ok(())
//! }
//! ```
//!
//! # Readiness
//!
//! Every operation is the blocking wrapper's system call on the
//! non-blocking socket, tried when tokio reports the socket ready; a
//! [`WouldBlock`](std::io::ErrorKind::WouldBlock) answer clears that
//! readiness and waits for the next one (it never spins). They work on the
//! current-thread and the multi-threaded runtime, and many tasks may wait
//! on one wrapper at once (share it in an `Arc`): each datagram goes to one
//! of them. The `poll_*` forms are for hand-written futures and streams;
//! as with tokio's own `poll_recv_from`, only the task that polled last in
//! each direction is woken, so several tasks should use the `async fn`s.
//!
//! # Cancellation
//!
//! A receive takes datagrams only in one synchronous system call after its
//! last `.await`: a receive future dropped before it completes (in a
//! `select!`, by a timeout) has taken nothing from the socket, and the
//! next receive gets the datagram. The same holds for the error queue and
//! the single sends (dropped, they sent nothing). Only a batch send may
//! stop part way.
//!
//! | call (both wrappers where it exists) | cancellation-safe | dropped before it completes |
//! |---|---|---|
//! | `recv_from`, `recv` | yes | took no datagram |
//! | `recv_batch` | yes | took no datagram |
//! | `recv_error` (Linux) | yes | read no queued error |
//! | `send_to`, `send`, `send_view` | yes | sent nothing |
//! | `send_batch` | no | the messages before the point where the send buffer filled were sent; `poll_send_batch`, which says how many, keeps count |
//! | the `poll_*` forms | yes | each call either completes (and did its system call) or returned `Pending` having done nothing |
//!
//! # Allocation
//!
//! None per datagram: the control buffer is an array inside the future,
//! batches reuse their [`RecvBatch`](crate::batch::RecvBatch) and
//! [`SendBatch`](crate::batch::SendBatch), and tokio's readiness waits
//! allocate nothing.
//!
//! # Runtime
//!
//! The constructors register the socket with the runtime they are called
//! in, and panic outside one, as [`tokio::net::UdpSocket::from_std`] does.
//! The feature needs only tokio's `net` feature; the application brings the
//! runtime.
//!
//! # Shutdown
//!
//! Dropping a wrapper (or the runtime, with the tasks that hold it)
//! deregisters and closes the socket; a task waiting in a receive ends when
//! its future is dropped (`abort`, `select!`, a timeout). After
//! `shutdown(2)` with `SHUT_RD`, once nothing is queued, a receive answers
//! what Linux answers a blocking read then: an empty datagram from
//! `0.0.0.0:0` (`recv_batch`: 0 messages), at once, instead of waiting
//! forever.
//!
//! # Error queue
//!
//! On Linux, `recv_error` waits for the socket's error queue
//! ([`errqueue`](crate::errqueue)) as receives wait for datagrams: on
//! tokio's error readiness (`EPOLLERR`), reading the queue only.
//!
//! [`tokio::net::UdpSocket`]: ::tokio::net::UdpSocket
//! [`tokio::net::UdpSocket::from_std`]: ::tokio::net::UdpSocket::from_std

use std::future::poll_fn;
use std::io;
use std::os::fd::AsFd;
use std::task::{Context, Poll, ready};

use ::tokio::io::Interest;
#[cfg(any(target_os = "linux", target_os = "android"))]
use ::tokio::io::Ready;
use ::tokio::io::unix::AsyncFd;

use crate::batch::SendBatchError;
use crate::options::sealed::DatagramSocket;
use crate::packet_conn::Receive;
use crate::received::Datagram;
use crate::sys::{self, Registered};
#[cfg(doc)]
use crate::{PacketConn, RawConn};

/// The accessors both wrappers have, documented alike: `get_ref` and
/// `local_addr`, through the blocking wrapper `$conn`.
macro_rules! socket_accessors {
    ($conn:ident) => {
        /// The wrapped socket.
        pub fn get_ref(&self) -> &S {
            self.conn().get_ref()
        }

        #[doc = concat!("The socket's own address, as [`", stringify!($conn), "::local_addr`].")]
        ///
        /// # Errors
        ///
        /// The `getsockname` error.
        pub fn local_addr(&self) -> std::io::Result<std::net::SocketAddrV4> {
            self.conn().local_addr()
        }
    };
}
use socket_accessors;

/// The methods both wrappers have with one signature and body, each with
/// the documentation its wrapper gives it (written at the call): the
/// error queue's receive, and the batch receives and sends, whose send
/// messages are `$message`s.
macro_rules! shared_methods {
    ($(#[$doc:meta])* recv_error;) => {
        $(#[$doc])*
        #[cfg(any(target_os = "linux", target_os = "android"))]
        #[cfg_attr(docsrs, doc(cfg(any(target_os = "linux", target_os = "android"))))]
        pub async fn recv_error<'b>(
            &self,
            buf: &'b mut [u8],
        ) -> std::io::Result<crate::errqueue::ErrorQueueEntry<'b>> {
            self.core.recv_error(buf).await
        }
    };
    (
        send: $message:ident;
        $(#[$recv_doc:meta])* recv_batch;
        $(#[$poll_recv_doc:meta])* poll_recv_batch;
        $(#[$send_doc:meta])* send_batch;
        $(#[$poll_send_doc:meta])* poll_send_batch;
    ) => {
        $(#[$recv_doc])*
        pub async fn recv_batch<B: AsMut<[u8]> + AsRef<[u8]>>(
            &self,
            batch: &mut crate::batch::RecvBatch<B>,
        ) -> std::io::Result<usize> {
            self.core.read(|c| c.recv_batch(batch), 0).await
        }

        $(#[$poll_recv_doc])*
        pub fn poll_recv_batch<B: AsMut<[u8]> + AsRef<[u8]>>(
            &self,
            cx: &mut std::task::Context<'_>,
            batch: &mut crate::batch::RecvBatch<B>,
        ) -> std::task::Poll<std::io::Result<usize>> {
            self.core.poll_read(cx, |c| c.recv_batch(batch), 0)
        }

        $(#[$send_doc])*
        pub async fn send_batch(
            &self,
            batch: &mut crate::batch::SendBatch,
            msgs: &[$message<'_>],
        ) -> Result<usize, crate::batch::SendBatchError> {
            self.core
                .send_batch(msgs, |c, rest| c.send_batch(batch, rest))
                .await
        }

        $(#[$poll_send_doc])*
        pub fn poll_send_batch(
            &self,
            cx: &mut std::task::Context<'_>,
            batch: &mut crate::batch::SendBatch,
            msgs: &[$message<'_>],
        ) -> std::task::Poll<Result<usize, crate::batch::SendBatchError>> {
            self.core.poll_send_batch(cx, |c| c.send_batch(batch, msgs))
        }
    };
}
use shared_methods;

mod packet;
mod raw;

pub use packet::AsyncPacketConn;
pub use raw::AsyncRawConn;

/// What a receive returns once the socket is shut down for reading
/// (`shutdown(2)`, `SHUT_RD`) with nothing queued: what the kernel answers
/// a blocking read then, 0 bytes from nowhere.
const SHUT_DOWN: sys::Received = sys::Received {
    len: 0,
    control_len: 0,
    source: None,
    flags: 0,
};

/// The async core of both wrappers: a blocking wrapper `C` ([`PacketConn`]
/// or [`RawConn`]) on its non-blocking socket, registered with tokio's
/// reactor. The readiness loops, the receive of one datagram, the error
/// queue and the batch send are written here once; [`AsyncPacketConn`]
/// and [`AsyncRawConn`] are typed fronts over it.
struct Async<C> {
    io: AsyncFd<Registered<C>>,
}

impl<C: DatagramSocket + AsFd> Async<C> {
    /// Makes `conn`'s socket non-blocking and registers it with the
    /// current runtime.
    fn new(conn: C) -> io::Result<Async<C>> {
        socket2::SockRef::from(&conn).set_nonblocking(true)?;
        Ok(Async {
            io: sys::register(conn)?,
        })
    }

    /// The blocking wrapper.
    fn get(&self) -> &C {
        self.io.get_ref().get()
    }

    /// Deregisters the socket and gives back the blocking wrapper.
    fn into_inner(self) -> C {
        self.io.into_inner().into_inner()
    }

    /// Calls `f` each time the socket is readable until it answers
    /// something other than `WouldBlock`. Once the socket is shut down for
    /// reading, tokio keeps it readable for good, so a `WouldBlock` then is
    /// the end: `closed` is returned instead of waiting again (which would
    /// spin).
    async fn read<R>(&self, mut f: impl FnMut(&C) -> io::Result<R>, closed: R) -> io::Result<R> {
        loop {
            let mut guard = self.io.readable().await?;
            // Read before `try_io`, which takes the readiness when it clears it.
            let read_closed = guard.ready().is_read_closed();
            match guard.try_io(|c| f(c.get_ref().get())) {
                Ok(r) => return r,
                Err(_would_block) if read_closed => return Ok(closed),
                Err(_would_block) => {}
            }
        }
    }

    /// [`read`](Self::read) as a poll.
    fn poll_read<R>(
        &self,
        cx: &mut Context<'_>,
        mut f: impl FnMut(&C) -> io::Result<R>,
        closed: R,
    ) -> Poll<io::Result<R>> {
        loop {
            let mut guard = ready!(self.io.poll_read_ready(cx))?;
            // Read before `try_io`, which takes the readiness when it clears it.
            let read_closed = guard.ready().is_read_closed();
            match guard.try_io(|c| f(c.get_ref().get())) {
                Ok(r) => return Poll::Ready(r),
                Err(_would_block) if read_closed => return Poll::Ready(Ok(closed)),
                Err(_would_block) => {}
            }
        }
    }

    /// One datagram into `buf`, with the control messages enabled (and the
    /// header view when `with_header`), once the socket is readable.
    async fn recv<'b>(&self, buf: &'b mut [u8], with_header: bool) -> io::Result<Datagram<'b>> {
        let mut rx = Receive::new(self.get().state().flags());
        let r = self
            .read(|c| rx.attempt(c.socket(), buf), SHUT_DOWN)
            .await?;
        Ok(rx.datagram(buf, r, with_header))
    }

    /// [`recv`](Self::recv) as a poll.
    fn poll_recv<'b>(
        &self,
        cx: &mut Context<'_>,
        buf: &'b mut [u8],
        with_header: bool,
    ) -> Poll<io::Result<Datagram<'b>>> {
        let mut rx = Receive::new(self.get().state().flags());
        let r = ready!(self.poll_read(cx, |c| rx.attempt(c.socket(), buf), SHUT_DOWN))?;
        Poll::Ready(Ok(rx.datagram(buf, r, with_header)))
    }

    /// Calls the send `f` each time the socket is writable until it answers
    /// something other than `WouldBlock`.
    async fn write<R>(&self, mut f: impl FnMut(&C) -> io::Result<R>) -> io::Result<R> {
        self.io.async_io(Interest::WRITABLE, |c| f(c.get())).await
    }

    /// [`write`](Self::write) as a poll.
    fn poll_write<R>(
        &self,
        cx: &mut Context<'_>,
        mut f: impl FnMut(&C) -> io::Result<R>,
    ) -> Poll<io::Result<R>> {
        loop {
            let mut guard = ready!(self.io.poll_write_ready(cx))?;
            if let Ok(r) = guard.try_io(|c| f(c.get_ref().get())) {
                return Poll::Ready(r);
            }
        }
    }

    /// One step of a batch send: waits for writability, then `send`s; a
    /// `WouldBlock` clears the readiness and waits again, or, when some
    /// messages went out before it, ends the step with their count.
    fn poll_send_batch(
        &self,
        cx: &mut Context<'_>,
        mut send: impl FnMut(&C) -> Result<usize, SendBatchError>,
    ) -> Poll<Result<usize, SendBatchError>> {
        loop {
            let mut guard = ready!(self.io.poll_write_ready(cx))
                .map_err(|error| SendBatchError { sent: 0, error })?;
            match send(guard.get_inner().get()) {
                Err(e) if e.kind() == io::ErrorKind::WouldBlock => {
                    guard.clear_ready();
                    if e.sent > 0 {
                        return Poll::Ready(Ok(e.sent));
                    }
                }
                r => return Poll::Ready(r),
            }
        }
    }

    /// Sends all of `msgs` in steps of [`poll_send_batch`](Self::poll_send_batch),
    /// `send` taking the messages not sent yet; returns `msgs.len()`, or
    /// the error of the first message not sent with the count sent before.
    async fn send_batch<M>(
        &self,
        msgs: &[M],
        mut send: impl FnMut(&C, &[M]) -> Result<usize, SendBatchError>,
    ) -> Result<usize, SendBatchError> {
        let mut sent = 0;
        loop {
            let rest = msgs.get(sent..).unwrap_or_default();
            match poll_fn(|cx| self.poll_send_batch(cx, |c| send(c, rest))).await {
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

    /// Waits for an entry on the socket's error queue and reads it into
    /// `buf` ([`errqueue::attempt`](crate::errqueue::attempt)): tries once,
    /// then waits for error readiness (`EPOLLERR`, tokio's
    /// [`Interest::ERROR`]) and tries again, clearing that readiness when
    /// the queue is empty. The queue is read with `MSG_ERRQUEUE` only, so
    /// ordinary datagrams stay queued, and only in the synchronous call
    /// after the last `.await`, so a dropped future has read nothing.
    #[cfg(any(target_os = "linux", target_os = "android"))]
    async fn recv_error<'b>(
        &self,
        buf: &'b mut [u8],
    ) -> io::Result<crate::errqueue::ErrorQueueEntry<'b>> {
        let mut rx = Receive::new(self.get().state().flags());
        let fd = self.get().socket();
        let r = match crate::errqueue::attempt(&mut rx, fd, buf)? {
            Some(r) => r,
            None => loop {
                let mut guard = self.io.ready(Interest::ERROR).await?;
                match crate::errqueue::attempt(&mut rx, fd, buf)? {
                    Some(r) => break r,
                    // Only the error readiness: a datagram that arrived
                    // meanwhile keeps the socket readable for the receives.
                    None => guard.clear_ready_matching(Ready::ERROR),
                }
            },
        };
        Ok(crate::errqueue::entry(&rx, buf, r))
    }
}
