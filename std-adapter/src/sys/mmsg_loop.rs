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

use super::{BorrowedSocket, MSG_DONTWAIT, Received, RecvSlot, SendSlot, c_int};

/// No `MSG_WAITFORONE`: the loop itself waits for the first message only.
pub(crate) const MSG_WAITFORONE: c_int = 0;

/// What each message of the last receive got.
pub(crate) struct Mmsg {
    received: Vec<Received>,
}

/// Runs `call` on each item until one fails: the first failure is the
/// error when it is the first call, and otherwise ends the batch (as
/// `recvmmsg`/`sendmmsg` report it). `call` returns `false` to stop after
/// its item. Returns how many calls succeeded.
fn each<T>(
    items: impl Iterator<Item = T>,
    mut call: impl FnMut(T, bool) -> io::Result<bool>,
) -> io::Result<usize> {
    let mut done = 0;
    for item in items {
        match call(item, done == 0) {
            Ok(more) => {
                done += 1;
                if !more {
                    break;
                }
            }
            Err(e) if done == 0 => return Err(e),
            Err(_) => break,
        }
    }
    Ok(done)
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
        let received = &mut self.received;
        each(into, |slot, first| {
            let flags = if first { flags } else { flags | MSG_DONTWAIT };
            let r = super::recvmsg(
                socket,
                &mut [IoSliceMut::new(slot.buf)],
                slot.control,
                flags,
            )?;
            received.push(r);
            // Without `MSG_DONTWAIT` a second call could block.
            Ok(MSG_DONTWAIT != 0)
        })
    }

    /// What message `i` of the last [`recv`](Self::recv) got (empty for
    /// `i` past its count). `control_len` is within the control buffer
    /// already.
    pub(crate) fn received(&self, i: usize, _control_capacity: usize) -> Received {
        self.received.get(i).copied().unwrap_or_default()
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
        each(from, |slot, _| {
            let parts = [IoSlice::new(slot.head), IoSlice::new(slot.body)];
            let parts = if slot.head.is_empty() {
                &parts[1..]
            } else {
                &parts[..]
            };
            super::sendmsg(socket, parts, slot.dst, slot.control, flags).map(|_| true)
        })
    }
}
