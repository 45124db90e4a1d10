//! [`ControlMessageOptions`]: which control messages arrive with each
//! datagram.

use std::io;

use ipv4_core::control::ControlFlags;

use super::sealed;

/// The control messages received with each datagram ([`ip(7)`]): for
/// [`PacketConn`](crate::PacketConn) and [`RawConn`](crate::RawConn),
/// whose receive calls decode them into the
/// [`Datagram::control`](crate::Datagram::control) field.
///
/// [`ip(7)`]: https://man7.org/linux/man-pages/man7/ip.7.html
pub trait ControlMessageOptions: sealed::DatagramSocket {
    /// The control messages currently enabled.
    fn control_flags(&self) -> ControlFlags {
        self.state().flags()
    }

    /// Turns the control messages in `flags` on (`on = true`) or off,
    /// leaving the others as they are.
    ///
    /// * [`ControlFlags::TTL`] drives `IP_RECVTTL`.
    /// * [`ControlFlags::DST`] and [`ControlFlags::INTERFACE`] share
    ///   `IP_PKTINFO`: it stays on while either flag is on, so turning one
    ///   off leaves the other working.
    /// * [`ControlFlags::TOS`] drives `IP_RECVTOS`.
    /// * [`ControlFlags::OPTIONS`] drives `IP_RECVOPTS`: the datagram's IP
    ///   options, as the core's
    ///   [`OptionsArea`](ipv4_core::options::OptionsArea).
    /// * [`ControlFlags::RETURN_OPTIONS`] drives `IP_RETOPTS`: the options a
    ///   reply should carry, which the kernel works out.
    /// * [`ControlFlags::CHECKSUM`] drives `IP_CHECKSUM`: the one's
    ///   complement sum of a UDP datagram's payload, when the kernel has
    ///   summed the datagram in full (one whose checksum it verified in
    ///   software; one a device or the loopback vouched for has none).
    /// * [`ControlFlags::ORIG_DST`] drives `IP_RECVORIGDSTADDR` (Linux): the
    ///   original destination of a datagram a transparent proxy
    ///   (`TPROXY`) redirected, or of any other datagram the address and
    ///   port it was sent to.
    /// * [`ControlFlags::FRAG_SIZE`] drives `IP_RECVFRAGSIZE` (Linux): the
    ///   size of the largest fragment of a datagram the kernel reassembled
    ///   (also [`PathMtuOptions::set_recv_frag_size`](crate::options::PathMtuOptions::set_recv_frag_size)).
    /// * [`ControlFlags::SRC`] needs no kernel option: the source is the
    ///   datagram's address.
    ///
    /// A received [`ControlMessage`](crate::ControlMessage) holds exactly
    /// the enabled fields.
    ///
    /// On the BSDs and illumos the options are their own
    /// (`IP_RECVTTL`, `IP_RECVDSTADDR`, `IP_RECVIF`, `IP_RECVPKTINFO`, …;
    /// see the README's platform table).
    ///
    /// # Errors
    ///
    /// [`Unsupported`](std::io::ErrorKind::Unsupported), before any call,
    /// when turning on a flag this platform has no message for (TOS on
    /// NetBSD, OpenBSD, DragonFly and illumos; `OPTIONS`,
    /// `RETURN_OPTIONS`, `CHECKSUM`, `ORIG_DST` and `FRAG_SIZE` everywhere
    /// but Linux and Android; every flag but `SRC` on Windows). The `setsockopt` error; the flags switched before it stay
    /// switched.
    fn set_control_message(&self, flags: ControlFlags, on: bool) -> io::Result<()> {
        self.state().set_control_message(self.socket(), flags, on)
    }
}
