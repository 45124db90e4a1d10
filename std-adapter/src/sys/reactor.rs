//! Registration with tokio's reactor (feature `tokio`, Unix): the one
//! `unsafe` call of the async wrappers.

use std::io;
use std::os::fd::{AsFd, AsRawFd, RawFd};

use tokio::io::Interest;
use tokio::io::unix::AsyncFd;

/// A wrapper as [`AsyncFd`] holds it: the descriptor it had when it was
/// registered, which every `as_raw_fd` call returns.
pub(crate) struct Registered<C> {
    inner: C,
    fd: RawFd,
}

impl<C> Registered<C> {
    /// The wrapper.
    pub(crate) fn get(&self) -> &C {
        &self.inner
    }

    /// Gives back the wrapper (after [`AsyncFd::into_inner`] deregistered it).
    pub(crate) fn into_inner(self) -> C {
        self.inner
    }
}

impl<C> AsRawFd for Registered<C> {
    fn as_raw_fd(&self) -> RawFd {
        self.fd
    }
}

/// Registers `inner`'s socket with the current runtime's reactor for
/// reading and writing.
///
/// # Panics
///
/// Outside a tokio runtime with its I/O driver.
pub(crate) fn register<C: AsFd>(inner: C) -> io::Result<AsyncFd<Registered<C>>> {
    let fd = inner.as_fd().as_raw_fd();
    // SAFETY: `register_with_interest` needs the descriptor `as_raw_fd`
    // returns to be open, always the same, and to refer to the same open
    // file until the `AsyncFd` is dropped or `into_inner` is called. It is
    // always the same: `fd` is fixed here. It stays open: `inner` owns or
    // borrows (for a lifetime the `AsyncFd` cannot outlive) the socket
    // whose `AsFd` gave it, and is owned by the `AsyncFd` until then; the
    // async wrappers hand out only shared references to it, and a
    // `BorrowedFd` obtained through a shared reference cannot be closed
    // through one (`AsFd`'s I/O-safety contract).
    unsafe {
        AsyncFd::register_with_interest(
            Registered { inner, fd },
            Interest::READABLE | Interest::WRITABLE,
        )
    }
    .map_err(io::Error::from)
}
