//! [`DatagramState`]: what a datagram wrapper keeps beside its socket.

use std::fmt;
use std::io;
use std::sync::atomic::{AtomicU16, AtomicU64, Ordering};
use std::sync::{Mutex, PoisonError};

use ipv4_core::control::ControlFlags;

use crate::sys::{self, BorrowedSocket};

/// State a datagram wrapper keeps next to its socket: the enabled control
/// flags and the multicast interface last set by index (which Linux cannot
/// report back). Shared by every datagram wrapper of the crate.
pub struct DatagramState {
    flags: AtomicU16,
    /// Serialises `set_control_message`, so that the kernel options and
    /// `flags` change together.
    flags_lock: Mutex<()>,
    /// `INDEX_SET | index` when the multicast interface was last set by
    /// index, 0 otherwise.
    multicast_if: AtomicU64,
}

/// Marks a recorded multicast interface index in `multicast_if`.
const INDEX_SET: u64 = 1 << 32;

impl DatagramState {
    /// Starts from what the kernel has enabled on `fd` already (a socket
    /// configured before it was wrapped keeps its control messages).
    pub(crate) fn read_from(fd: BorrowedSocket<'_>) -> DatagramState {
        let mut flags = ControlFlags::empty();
        for &(group, option) in sys::RECV_CONTROL_OPTIONS {
            let on = sys::get_int(fd, sys::IPPROTO_IP, option).is_ok_and(|v| v != 0);
            flags.set(group, on);
        }
        DatagramState {
            flags: AtomicU16::new(flags.bits()),
            flags_lock: Mutex::new(()),
            multicast_if: AtomicU64::new(0),
        }
    }

    /// The enabled control flags.
    #[inline]
    pub(crate) fn flags(&self) -> ControlFlags {
        ControlFlags::from_bits_retain(self.flags.load(Ordering::Relaxed))
    }

    /// Turns `flags` on or off, driving the options of
    /// `sys::RECV_CONTROL_OPTIONS` as needed.
    pub(crate) fn set_control_message(
        &self,
        fd: BorrowedSocket<'_>,
        flags: ControlFlags,
        on: bool,
    ) -> io::Result<()> {
        let _guard = self
            .flags_lock
            .lock()
            .unwrap_or_else(PoisonError::into_inner);
        let mut current = self.flags();
        // A flag no option of this kernel serves cannot be turned on.
        let served = sys::RECV_CONTROL_OPTIONS
            .iter()
            .fold(ControlFlags::SRC, |all, &(group, _)| all | group);
        let unserved = (flags & ControlFlags::all()) - served;
        if on && !unserved.is_empty() {
            return Err(io::Error::new(
                io::ErrorKind::Unsupported,
                format!("this platform cannot report {unserved:?} with a datagram"),
            ));
        }
        let wanted = if on { current | flags } else { current - flags };
        let mut result = Ok(());
        for &(group, option) in sys::RECV_CONTROL_OPTIONS {
            let was = current.intersects(group);
            let will = wanted.intersects(group);
            if was != will
                && let Err(e) = sys::set_int(fd, sys::IPPROTO_IP, option, sys::c_int::from(will))
            {
                result = Err(e);
                break;
            }
            current = (current - group) | (wanted & group);
        }
        if result.is_ok() {
            current.set(ControlFlags::SRC, wanted.contains(ControlFlags::SRC));
        }
        self.flags.store(current.bits(), Ordering::Relaxed);
        result
    }

    /// Records the multicast interface as set: by index, or (`None`) by
    /// address.
    pub(crate) fn record_multicast_index(&self, index: Option<u32>) {
        let record = index.map_or(0, |i| INDEX_SET | u64::from(i));
        self.multicast_if.store(record, Ordering::Relaxed);
    }

    /// The multicast interface index last set, if it was set by index.
    pub(crate) fn multicast_index(&self) -> Option<u32> {
        let record = self.multicast_if.load(Ordering::Relaxed);
        (record & INDEX_SET != 0).then_some(record as u32)
    }
}

impl fmt::Debug for DatagramState {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("DatagramState")
            .field("flags", &self.flags())
            .finish_non_exhaustive()
    }
}
