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
    /// NetBSD, OpenBSD, DragonFly and illumos; every flag but `SRC` on
    /// Windows). The `setsockopt` error; the flags switched before it stay
    /// switched.
    fn set_control_message(&self, flags: ControlFlags, on: bool) -> io::Result<()> {
        self.state().set_control_message(self.socket(), flags, on)
    }
}
