//! [`HeaderOptions`]: the IP options a socket puts in the header of each
//! packet it sends.

#[cfg(any(target_os = "linux", target_os = "android"))]
use std::io;

#[cfg(any(target_os = "linux", target_os = "android"))]
use ipv4_core::options::{MAX_OPTIONS_LEN, OptionsArea};

use super::sealed;
#[cfg(any(target_os = "linux", target_os = "android"))]
use crate::sys;

/// The IP options ([RFC 791 §3.1]) of every packet a socket sends
/// (`IP_OPTIONS`, [`ip(7)`]): for [`Conn`](crate::Conn),
/// [`PacketConn`](crate::PacketConn) and [`RawConn`](crate::RawConn).
///
/// The options are the core's: built with an
/// [`OptionsBuilder`](ipv4_core::options::OptionsBuilder) (or
/// [`OptionsArea::from_options`] from typed items), read back as an
/// [`OptionsArea`] and walked with the core's walker. To give one datagram
/// other options than the socket's, send it with
/// [`ControlMessage::options`](crate::ControlMessage::options) (Linux's
/// `IP_RETOPTS` control message); to see those a datagram arrived with,
/// turn on [`ControlFlags::OPTIONS`](crate::ControlFlags::OPTIONS).
///
/// ```
/// use std::net::{Ipv4Addr, UdpSocket};
/// use ipv4_std::ipv4_core::options::{Ipv4Option, OptionsBuilder, RouterAlert};
/// use ipv4_std::prelude::*;
///
/// let conn = PacketConn::new(UdpSocket::bind((Ipv4Addr::LOCALHOST, 0))?)?;
/// let mut buf = [0u8; 40];
/// let mut b = OptionsBuilder::new(&mut buf);
/// b.router_alert(RouterAlert::EXAMINE)?.record_route(2)?;
/// conn.set_ip_options(b.finish()?)?;
///
/// let set = conn.ip_options()?; // read back from the kernel
/// assert_eq!(set.buffer_len(), 16);
/// assert!(matches!(set.options().next(), Some(Ok(Ipv4Option::RouterAlert(_)))));
/// conn.set_ip_options(&[])?; // none again
/// assert!(conn.ip_options()?.is_empty());
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
///
/// [RFC 791 §3.1]: https://www.rfc-editor.org/rfc/rfc791#section-3.1
/// [`ip(7)`]: https://man7.org/linux/man-pages/man7/ip.7.html
pub trait HeaderOptions: sealed::Socket {
    /// The IP options the socket sends (`IP_OPTIONS`), as the kernel holds
    /// them: padded with End of Option List to a multiple of 4 bytes, a
    /// source route with its first hop back in place. Empty when none are
    /// set.
    #[cfg(any(target_os = "linux", target_os = "android"))]
    #[cfg_attr(docsrs, doc(cfg(any(target_os = "linux", target_os = "android"))))]
    fn ip_options(&self) -> io::Result<OptionsArea> {
        let mut buf = [0u8; MAX_OPTIONS_LEN];
        let len = sys::get_bytes(self.socket(), sys::IPPROTO_IP, sys::IP_OPTIONS, &mut buf)?;
        OptionsArea::parse(&buf[..len]).map_err(super::invalid_data)
    }

    /// Sets the IP options the socket sends with every packet
    /// (`IP_OPTIONS`); an empty area removes them.
    ///
    /// The kernel pads the options to a multiple of 4 bytes itself, and
    /// fills in Record Route, Timestamp and source routes as the packets
    /// leave (a source route's first address becomes the next hop).
    ///
    /// # Errors
    ///
    /// Before any system call, an
    /// [`InvalidInput`](io::ErrorKind::InvalidInput) error carrying the
    /// core's [`OptionsBuildError`](ipv4_core::error::OptionsBuildError):
    /// more than 40 bytes, or options the walker cannot frame (a length
    /// byte below 2 or past the end). From the kernel (`ip_options_compile`):
    /// `EINVAL` ([`InvalidInput`](io::ErrorKind::InvalidInput)) for options
    /// that break their type's rules (a route pointer below 4, a Timestamp
    /// without room) and, without `CAP_NET_RAW`, for option types Linux
    /// does not process (Security, Stream ID, unknown types); `EPERM`
    /// ([`PermissionDenied`](io::ErrorKind::PermissionDenied)) for a source
    /// route without `CAP_NET_RAW`.
    #[cfg(any(target_os = "linux", target_os = "android"))]
    #[cfg_attr(docsrs, doc(cfg(any(target_os = "linux", target_os = "android"))))]
    fn set_ip_options(&self, options: &[u8]) -> io::Result<()> {
        let area = OptionsArea::parse(options)
            .map_err(|e| io::Error::new(io::ErrorKind::InvalidInput, e))?;
        self.set_ip_options_unchecked(area.as_bytes())
    }

    /// Hands `options` to `IP_OPTIONS` as they are, without the framing
    /// check of [`set_ip_options`](Self::set_ip_options): the kernel alone
    /// judges them. For probing what a kernel accepts (a conformance test,
    /// a fuzzer of the kernel's option parser); everything else should use
    /// `set_ip_options`, whose early refusals carry the core's typed error.
    ///
    /// # Errors
    ///
    /// What the kernel returns (`EINVAL` for more than 40 bytes or options
    /// `ip_options_compile` refuses, `EPERM` as for `set_ip_options`).
    #[cfg(any(target_os = "linux", target_os = "android"))]
    #[cfg_attr(docsrs, doc(cfg(any(target_os = "linux", target_os = "android"))))]
    fn set_ip_options_unchecked(&self, options: &[u8]) -> io::Result<()> {
        sys::set_bytes(self.socket(), sys::IPPROTO_IP, sys::IP_OPTIONS, options)
    }
}
