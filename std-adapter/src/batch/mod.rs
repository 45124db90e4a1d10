//! Batch I/O: many datagrams per system call, with `recvmmsg(2)` and
//! `sendmmsg(2)`.
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
//! A receive returns as soon as one message is there (`MSG_WAITFORONE`),
//! with as many more as are queued, up to the batch's capacity: a blocking
//! socket and `SO_RCVTIMEO` behave as with [`PacketConn::recv_from`], and a
//! non-blocking socket answers [`WouldBlock`](io::ErrorKind::WouldBlock)
//! when nothing is queued. An empty batch is an
//! [`InvalidInput`](io::ErrorKind::InvalidInput) error. A send that stops
//! part way returns a [`SendBatchError`] with the count sent and the error
//! of the first message not sent: [`PacketConn::send_batch`] calls again
//! from the first unsent message, since Linux's `sendmmsg` drops that
//! message's error when some went out before it. Receiving and sending
//! allocate nothing (only building an error does).
//!
//! ```
//! use std::net::{Ipv4Addr, SocketAddrV4, UdpSocket};
//! use ipv4_std::batch::{RecvBatch, SendBatch, SendMessage};
//! use ipv4_std::prelude::*;
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

use std::io;

#[cfg(doc)]
use crate::{ControlFlags, ControlMessage, Datagram, PacketConn, RawConn};
#[cfg(doc)]
use ipv4_core::header::{Header, HeaderView};

mod recv;
mod send;

pub use recv::{Iter, RecvBatch};
pub use send::{RawSendMessage, SendBatch, SendBatchError, SendMessage};

fn empty_batch() -> io::Error {
    io::Error::new(
        io::ErrorKind::InvalidInput,
        "a batch needs at least one message",
    )
}
