//! Batches where the kernel has no `recvmmsg`/`sendmmsg` (macOS and iOS,
//! OpenBSD, DragonFly, illumos, Windows): a loop of single
//! `recvmsg`/`sendmsg` calls behind the same [`Mmsg`] interface.
//!
//! A receive waits for the first message only, as `MSG_WAITFORONE` does,
//! and takes the rest without waiting (`MSG_DONTWAIT`) until the socket
//! has none queued; where there is no `MSG_DONTWAIT` (Windows), one call
//! receives one message. A send stops at the first message that fails,
//! and reports its error only when it is the first, as `sendmmsg` does.

use std::io::{self, IoSlice, IoSliceMut};

use super::{BorrowedSocket, MSG_DONTWAIT, MmsgReceived, RecvSlot, SendSlot, c_int};

/// What each message of the last receive got.
pub(crate) struct Mmsg {
    received: Vec<MmsgReceived>,
}

impl Mmsg {
    /// Room for `messages` messages, allocated now.
    pub(crate) fn with_capacity(messages: usize) -> Mmsg {
        Mmsg {
            received: Vec::with_capacity(messages),
        }
    }

    /// Receives into `slots`, one `recvmsg` each; returns the number of
    /// messages received, which [`received`](Self::received) describes.
    pub(crate) fn recv<'a, I>(
        &mut self,
        socket: BorrowedSocket<'_>,
        into: I,
        flags: c_int,
    ) -> io::Result<usize>
    where
        I: ExactSizeIterator<Item = RecvSlot<'a>>,
    {
        self.received.clear();
        for slot in into {
            let first = self.received.is_empty();
            if !first && MSG_DONTWAIT == 0 {
                break;
            }
            let flags = if first { flags } else { flags | MSG_DONTWAIT };
            match super::recvmsg(socket, &mut [IoSliceMut::new(slot.buf)], slot.control, flags) {
                Ok(r) => self.received.push(MmsgReceived {
                    len: r.len,
                    control_len: r.control_len,
                    source: r.source,
                    flags: r.flags,
                }),
                Err(e) if first => return Err(e),
                Err(_) => break,
            }
        }
        Ok(self.received.len())
    }

    /// What message `i` of the last [`recv`](Self::recv) got (empty for
    /// `i` past its count). `control_len` is within the control buffer
    /// already.
    pub(crate) fn received(&self, i: usize, _control_capacity: usize) -> MmsgReceived {
        self.received.get(i).copied().unwrap_or(MmsgReceived {
            len: 0,
            control_len: 0,
            source: None,
            flags: 0,
        })
    }

    /// Sends `slots`, one `sendmsg` each; returns the number sent.
    pub(crate) fn send<'a, I>(
        &mut self,
        socket: BorrowedSocket<'_>,
        from: I,
        flags: c_int,
    ) -> io::Result<usize>
    where
        I: ExactSizeIterator<Item = SendSlot<'a>>,
    {
        let mut sent = 0;
        for slot in from {
            let parts = [IoSlice::new(slot.head), IoSlice::new(slot.body)];
            let parts = if slot.head.is_empty() {
                &parts[1..]
            } else {
                &parts[..]
            };
            match super::sendmsg(socket, parts, slot.dst, slot.control, flags) {
                Ok(_) => sent += 1,
                Err(e) if sent == 0 => return Err(e),
                Err(_) => break,
            }
        }
        Ok(sent)
    }
}
