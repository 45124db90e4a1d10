//! [`PacketOptions`]: what a TCP socket knows of the packets that set it up
//! (`IP_PKTOPTIONS`), read as control messages.

use std::io;

use ipv4_core::control::{ControlFlags, ControlMessage};

use super::{get_ip_flag, invalid_data, sealed, set_ip_flag};
use crate::cmsg;
use crate::sys;

/// The flags [`PacketOptions`] takes: those whose option `IP_PKTOPTIONS`
/// answers for.
const PACKET_FLAGS: ControlFlags = ControlFlags::TTL
    .union(ControlFlags::DST)
    .union(ControlFlags::INTERFACE)
    .union(ControlFlags::TOS);

/// The packet information of a stream socket (Linux `IP_PKTOPTIONS`, in
/// `<linux/in.h>`, not in [`ip(7)`]): for [`Conn`](crate::Conn) over TCP.
///
/// A TCP socket has no datagrams to carry control messages, so Linux hands
/// them out through `getsockopt(IP_PKTOPTIONS)` instead, as the control
/// messages enabled on the socket with `IP_PKTINFO`, `IP_RECVTTL` and
/// `IP_RECVTOS` ([`set_packet_options`](Self::set_packet_options)). On a
/// connection accepted from a listener (which passes the switches on to
/// it) they describe the segment that completed the handshake:
///
/// * `ttl`: its TTL;
/// * `tos`: its TOS byte;
/// * `if_index`: the interface it arrived on;
/// * `dst`: the socket's own address (which it was sent to).
///
/// On a connection this side opened, the kernel answers with the socket's
/// multicast TTL and interface (`IP_MULTICAST_TTL`, `IP_MULTICAST_IF`, by
/// default 1 and none) in place of the first and third: nothing was
/// received before it existed.
///
/// ```
/// use std::net::{Ipv4Addr, TcpListener, TcpStream};
/// use ipv4_std::prelude::*;
///
/// let listener = TcpListener::bind((Ipv4Addr::LOCALHOST, 0))?;
/// Conn::new(&listener)?.set_packet_options(ControlFlags::TTL | ControlFlags::TOS, true)?;
/// let client = TcpStream::connect(listener.local_addr()?)?;
/// let conn = Conn::new(listener.accept()?.0)?;
/// assert_eq!(conn.packet_options_flags()?, ControlFlags::TTL | ControlFlags::TOS);
/// let seen = conn.packet_options()?;
/// // The client's handshake ACK: sent with its default TTL and TOS 0.
/// assert_eq!((seen.tos, seen.dst), (Some(0), None));
/// assert!(seen.ttl.is_some());
/// # drop(client);
/// # Ok::<(), std::io::Error>(())
/// ```
///
/// [`ip(7)`]: https://man7.org/linux/man-pages/man7/ip.7.html
#[cfg_attr(docsrs, doc(cfg(any(target_os = "linux", target_os = "android"))))]
pub trait PacketOptions: sealed::Socket {
    /// The packet information enabled, read from the kernel: which of
    /// [`ControlFlags::TTL`] (`IP_RECVTTL`), [`ControlFlags::DST`] and
    /// [`ControlFlags::INTERFACE`] (both `IP_PKTINFO`) and
    /// [`ControlFlags::TOS`] (`IP_RECVTOS`) are on.
    ///
    /// # Errors
    ///
    /// The `getsockopt` error.
    fn packet_options_flags(&self) -> io::Result<ControlFlags> {
        let mut flags = ControlFlags::empty();
        for &(group, option) in sys::RECV_CONTROL_OPTIONS {
            if PACKET_FLAGS.contains(group) {
                let on = get_ip_flag(self.socket(), option)?;
                flags.set(group, on);
            }
        }
        Ok(flags)
    }

    /// Turns on or off the packet information in `flags`
    /// ([`ControlFlags::TTL`], [`ControlFlags::DST`],
    /// [`ControlFlags::INTERFACE`], [`ControlFlags::TOS`]), leaving the
    /// others as they are. [`ControlFlags::DST`] and
    /// [`ControlFlags::INTERFACE`] are one switch (`IP_PKTINFO`): either
    /// turns both on or off. Set it on a listener before the connection
    /// arrives, for [`packet_options`](Self::packet_options) to report on
    /// the handshake.
    ///
    /// # Errors
    ///
    /// [`InvalidInput`](io::ErrorKind::InvalidInput) for any other flag,
    /// before any system call; the `setsockopt` error otherwise (the
    /// switches changed before it stay changed).
    fn set_packet_options(&self, flags: ControlFlags, on: bool) -> io::Result<()> {
        if !PACKET_FLAGS.contains(flags) {
            return Err(io::Error::new(
                io::ErrorKind::InvalidInput,
                format!(
                    "IP_PKTOPTIONS reports TTL, DST, INTERFACE and TOS only, not {:?}",
                    flags - PACKET_FLAGS
                ),
            ));
        }
        for &(group, option) in sys::RECV_CONTROL_OPTIONS {
            if PACKET_FLAGS.contains(group) && group.intersects(flags) {
                set_ip_flag(self.socket(), option, on)?;
            }
        }
        Ok(())
    }

    /// The packet information the kernel holds for the socket
    /// (`getsockopt(IP_PKTOPTIONS)`), decoded by [`cmsg::decode`]: the
    /// fields [`set_packet_options`](Self::set_packet_options) turned on,
    /// described in the trait's documentation.
    ///
    /// # Errors
    ///
    /// The `getsockopt` error: `ENOPROTOOPT` on a socket that is not a
    /// stream socket. [`InvalidData`](io::ErrorKind::InvalidData) for a
    /// control message that does not decode.
    fn packet_options(&self) -> io::Result<ControlMessage> {
        let mut buf = cmsg::ControlBuffer::new();
        let len = sys::get_bytes(
            self.socket(),
            sys::IPPROTO_IP,
            sys::IP_PKTOPTIONS,
            buf.as_mut_bytes(),
        )?;
        let decoded = cmsg::decode(&buf.as_bytes()[..len], false);
        match decoded.error {
            None => Ok(decoded.control),
            Some(e) => Err(invalid_data(e)),
        }
    }
}
