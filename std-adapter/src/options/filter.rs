//! [`FilterOptions`]: what the kernel drops before it queues a datagram.

use std::io;

use ipv4_core::icmp::IcmpFilter;

use super::{invalid_data, sealed};
use crate::bpf::{Instruction, MAX_INSTRUCTIONS};
use crate::sys;

/// Kernel-side receive filters ([`raw(7)`], [`filter`]): for
/// [`PacketConn`](crate::PacketConn) and [`RawConn`](crate::RawConn).
/// Linux and Android only: no other kernel has `ICMP_FILTER` or socket
/// filters.
///
/// [`raw(7)`]: https://man7.org/linux/man-pages/man7/raw.7.html
/// [`filter`]: https://docs.kernel.org/networking/filter.html
#[cfg_attr(docsrs, doc(cfg(any(target_os = "linux", target_os = "android"))))]
pub trait FilterOptions: sealed::Socket {
    /// The ICMP type filter of a raw ICMP socket (`ICMP_FILTER` at level
    /// `SOL_RAW`, [`raw(7)`]).
    ///
    /// # Errors
    ///
    /// `EOPNOTSUPP` on a socket that is not raw ICMP.
    ///
    /// [`raw(7)`]: https://man7.org/linux/man-pages/man7/raw.7.html
    fn icmp_filter(&self) -> io::Result<IcmpFilter> {
        let (bits, len) = sys::getsockopt::<u32>(self.socket(), sys::SOL_RAW, sys::ICMP_FILTER)?;
        if len != 4 {
            return Err(invalid_data(format!(
                "ICMP_FILTER returned {len} bytes where 4 were expected"
            )));
        }
        Ok(IcmpFilter::from_bits(bits))
    }

    /// Sets the ICMP type filter of a raw ICMP socket (`ICMP_FILTER` at
    /// level `SOL_RAW`, [`raw(7)`]): the kernel drops received ICMP messages
    /// whose type the filter blocks before they reach this socket.
    ///
    /// # Errors
    ///
    /// `EOPNOTSUPP` on a raw socket of another protocol, `ENOPROTOOPT` on
    /// a socket that is not raw.
    ///
    /// [`raw(7)`]: https://man7.org/linux/man-pages/man7/raw.7.html
    fn set_icmp_filter(&self, filter: IcmpFilter) -> io::Result<()> {
        sys::setsockopt(
            self.socket(),
            sys::SOL_RAW,
            sys::ICMP_FILTER,
            &filter.bits(),
        )
    }

    /// Attaches a classic BPF program to the socket (`SO_ATTACH_FILTER`),
    /// replacing any filter attached before; see [`bpf`](crate::bpf). On a
    /// UDP socket it sees each datagram from the UDP header on, on a raw
    /// socket from the IPv4 header on.
    ///
    /// # Errors
    ///
    /// [`InvalidInput`](io::ErrorKind::InvalidInput) for an empty program
    /// or one longer than [`MAX_INSTRUCTIONS`], and `EINVAL` when the
    /// kernel's verifier rejects the program.
    fn set_bpf(&self, program: &[Instruction]) -> io::Result<()> {
        if program.is_empty() || program.len() > MAX_INSTRUCTIONS {
            return Err(io::Error::new(
                io::ErrorKind::InvalidInput,
                format!(
                    "a BPF program has 1 to {MAX_INSTRUCTIONS} instructions, this one has {}",
                    program.len()
                ),
            ));
        }
        sys::attach_filter(self.socket(), program)
    }

    /// Detaches the socket's BPF filter (`SO_DETACH_FILTER`).
    ///
    /// # Errors
    ///
    /// `ENOENT` if no filter is attached.
    fn detach_bpf(&self) -> io::Result<()> {
        sys::set_int(self.socket(), sys::SOL_SOCKET, sys::SO_DETACH_FILTER, 0)
    }
}
