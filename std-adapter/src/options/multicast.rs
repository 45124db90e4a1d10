//! [`MulticastOptions`]: sending options (TTL, interface, loopback) and
//! group membership, any-source and source-specific.

use std::io;
use std::net::{IpAddr, Ipv4Addr};

#[cfg(any(target_os = "linux", target_os = "android"))]
use super::source_filter::SourceFilter;
use super::{byte_value, sealed};
use crate::cmsg;
use crate::interface::{Interface, InterfaceRef};
use crate::sys;
use socket2::SockRef;

/// The interface outgoing multicast datagrams leave by (`IP_MULTICAST_IF`).
///
/// `Index(0)` and `Address(0.0.0.0)` both mean "let the routing table
/// choose", the default.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum MulticastInterface {
    /// The interface with this index (`if_nametoindex(3)`).
    Index(u32),
    /// The interface that has this local address; the address is also the
    /// source of the datagrams.
    Address(Ipv4Addr),
}

impl From<u32> for MulticastInterface {
    /// [`MulticastInterface::Index`].
    fn from(index: u32) -> Self {
        MulticastInterface::Index(index)
    }
}

impl From<&Interface> for MulticastInterface {
    /// [`MulticastInterface::Index`] of the interface.
    fn from(interface: &Interface) -> Self {
        MulticastInterface::Index(interface.index())
    }
}

impl From<Ipv4Addr> for MulticastInterface {
    /// [`MulticastInterface::Address`].
    fn from(address: Ipv4Addr) -> Self {
        MulticastInterface::Address(address)
    }
}

fn invalid(msg: String) -> io::Error {
    io::Error::new(io::ErrorKind::InvalidInput, msg)
}

/// Checks that `group` is an IPv4 multicast address.
fn multicast_group(group: IpAddr) -> io::Result<Ipv4Addr> {
    match group {
        IpAddr::V4(g) if g.is_multicast() => Ok(g),
        IpAddr::V4(g) => Err(invalid(format!(
            "{g} is not a multicast group address (224.0.0.0/4)"
        ))),
        IpAddr::V6(g) => Err(invalid(format!(
            "{g} is an IPv6 address; this socket speaks IPv4 multicast"
        ))),
    }
}

/// Checks that `source` is an IPv4 address that can send.
#[cfg(ipv4_std_mcast_source)]
pub(super) fn unicast_source(source: IpAddr) -> io::Result<Ipv4Addr> {
    match source {
        IpAddr::V4(s) if !s.is_multicast() && !s.is_unspecified() && !s.is_broadcast() => Ok(s),
        IpAddr::V4(s) => Err(invalid(format!(
            "{s} cannot be a multicast source: sources are unicast addresses"
        ))),
        IpAddr::V6(s) => Err(invalid(format!(
            "{s} is an IPv6 address; this socket speaks IPv4 multicast"
        ))),
    }
}

/// Checks that the kernel can take `index` as an interface index (at most
/// `i32::MAX`; above, Linux would read a negative index and fail with
/// `ENODEV`). The same rule, and text, as [`cmsg::encode`]'s.
pub(crate) fn interface_index(index: u32) -> io::Result<sys::c_int> {
    sys::interface_index(index)
        .ok_or_else(|| invalid(cmsg::EncodeError::InterfaceIndex { index }.to_string()))
}

/// A membership call in its two forms: the protocol-independent one of
/// RFC 3678 §5.1 (`MCAST_*`, an interface index) and the IPv4 one of
/// RFC 3678 §4.1 (`IP_*`, an interface address).
#[derive(Clone, Copy)]
struct Call {
    by_index: sys::c_int,
    by_address: sys::c_int,
}

/// `MCAST_JOIN_GROUP`/`IP_ADD_MEMBERSHIP` or
/// `MCAST_LEAVE_GROUP`/`IP_DROP_MEMBERSHIP`: by address with a `struct
/// ip_mreq`, otherwise by index with a `struct group_req`. The group is
/// checked before a name is looked up, so that a bad group fails before
/// any system call.
fn group_op<'i>(
    fd: sys::BorrowedSocket<'_>,
    call: Call,
    interface: impl Into<InterfaceRef<'i>>,
    group: impl Into<IpAddr>,
) -> io::Result<()> {
    let group = multicast_group(group.into())?;
    match interface.into() {
        InterfaceRef::Address(address) => {
            sys::membership_by_address(fd, call.by_address, group, address)
        }
        interface => sys::setsockopt(
            fd,
            sys::IPPROTO_IP,
            call.by_index,
            &sys::group_req(interface.index()?, group)?,
        ),
    }
}

/// The source-specific membership calls (RFC 3678 §4.1.2, §5.1.2), each
/// with an option by interface index and one by interface address.
#[cfg(ipv4_std_mcast_source)]
#[derive(Clone, Copy)]
enum SourceCall {
    /// Join a group for one more source.
    Join,
    /// Stop receiving a group from one source.
    Leave,
    /// Block one source of a group joined any-source.
    Block,
    /// Unblock a source blocked before.
    Unblock,
}

/// One of the source calls: by address with a `struct ip_mreq_source`
/// (`IP_ADD_SOURCE_MEMBERSHIP`, …), otherwise by index with a `struct
/// group_source_req` (`MCAST_JOIN_SOURCE_GROUP`, …). Group and source are
/// checked before a name is looked up.
#[cfg(ipv4_std_mcast_source)]
fn source_op<'i>(
    fd: sys::BorrowedSocket<'_>,
    call: SourceCall,
    interface: impl Into<InterfaceRef<'i>>,
    group: impl Into<IpAddr>,
    source: impl Into<IpAddr>,
) -> io::Result<()> {
    let (by_index, by_address) = match call {
        SourceCall::Join => (sys::MCAST_JOIN_SOURCE_GROUP, sys::IP_ADD_SOURCE_MEMBERSHIP),
        SourceCall::Leave => (
            sys::MCAST_LEAVE_SOURCE_GROUP,
            sys::IP_DROP_SOURCE_MEMBERSHIP,
        ),
        SourceCall::Block => (sys::MCAST_BLOCK_SOURCE, sys::IP_BLOCK_SOURCE),
        SourceCall::Unblock => (sys::MCAST_UNBLOCK_SOURCE, sys::IP_UNBLOCK_SOURCE),
    };
    let group = multicast_group(group.into())?;
    let source = unicast_source(source.into())?;
    match interface.into() {
        InterfaceRef::Address(address) => {
            sys::source_membership_by_address(fd, by_address, group, address, source)
        }
        interface => sys::setsockopt(
            fd,
            sys::IPPROTO_IP,
            by_index,
            &sys::group_source_req(interface.index()?, group, source)?,
        ),
    }
}

/// The interface of a source filter call, as the kernel takes it. Index 0
/// goes by address 0.0.0.0: Linux finds the interface of a read by index
/// only by its exact index, but by address it asks the routing table when
/// the address is 0.0.0.0, as for a join with index 0.
#[cfg(any(target_os = "linux", target_os = "android"))]
fn filter_interface(interface: InterfaceRef<'_>) -> io::Result<sys::FilterInterface> {
    Ok(match interface {
        InterfaceRef::Address(address) => sys::FilterInterface::Address(address),
        interface => match interface.index()? {
            0 => sys::FilterInterface::Address(Ipv4Addr::UNSPECIFIED),
            index => sys::FilterInterface::Index(index),
        },
    })
}

/// Multicast sending options (TTL, interface, loopback) and group
/// membership, any-source and source-specific: for
/// [`PacketConn`](crate::PacketConn) and [`RawConn`](crate::RawConn).
///
/// Membership uses the protocol-independent calls of [RFC 3678 §5.1]
/// (`MCAST_JOIN_GROUP`, `MCAST_LEAVE_GROUP`, `MCAST_JOIN_SOURCE_GROUP`,
/// `MCAST_LEAVE_SOURCE_GROUP`, `MCAST_BLOCK_SOURCE`, `MCAST_UNBLOCK_SOURCE`)
/// with an interface **index**; index 0 lets the kernel pick the interface
/// from the routing table. Given an interface **address**, the same methods
/// use the IPv4 calls of [RFC 3678 §4.1] instead (`IP_ADD_MEMBERSHIP`,
/// `IP_DROP_MEMBERSHIP` with a `struct ip_mreq`;
/// `IP_ADD_SOURCE_MEMBERSHIP`, `IP_DROP_SOURCE_MEMBERSHIP`,
/// `IP_BLOCK_SOURCE`, `IP_UNBLOCK_SOURCE` with a `struct ip_mreq_source`),
/// and the kernel finds the interface that has the address. The whole
/// source filter of a group is set and read with
/// [`set_source_filter`](Self::set_source_filter) and
/// [`source_filter`](Self::source_filter) ([RFC 3678 §5.2]). The kernel
/// then speaks IGMP for the socket ([RFC 3376], [RFC 9776]).
///
/// Every call that takes an interface takes an
/// [`impl Into<InterfaceRef>`](InterfaceRef): an index (`u32`), an
/// [`&Interface`](crate::Interface), a name (`"eth0"`), looked up at the
/// call in the calling thread's network namespace, or a local address
/// ([`Ipv4Addr`]).
/// [`set_multicast_interface`](Self::set_multicast_interface) takes
/// an [`impl Into<MulticastInterface>`](MulticastInterface): an index, an
/// `&Interface`, or a local address.
///
/// Groups and sources are taken as [`IpAddr`] so that a caller holding a
/// generic address gets a clear error: an IPv6 address, a group that is not
/// multicast, or a source that is multicast or unspecified is an
/// [`InvalidInput`](io::ErrorKind::InvalidInput) error, before any system
/// call. So is an interface index above `i32::MAX`, which the kernel cannot
/// take (it stores indexes in a C `int`), and a name no interface can have;
/// a name no interface has is a [`NotFound`](io::ErrorKind::NotFound) error
/// naming it.
///
/// [RFC 3678 §5.1]: https://www.rfc-editor.org/rfc/rfc3678#section-5.1
/// [RFC 3678 §4.1]: https://www.rfc-editor.org/rfc/rfc3678#section-4.1
/// [RFC 3678 §5.2]: https://www.rfc-editor.org/rfc/rfc3678#section-5.2
/// [RFC 3376]: https://www.rfc-editor.org/rfc/rfc3376
/// [RFC 9776]: https://www.rfc-editor.org/rfc/rfc9776
// One line per `doc(cfg)` of the source-specific calls, as rustfmt would
// spread each over eight.
#[rustfmt::skip::attributes(cfg_attr)]
pub trait MulticastOptions: sealed::DatagramSocket {
    /// The time-to-live of outgoing multicast datagrams
    /// (`IP_MULTICAST_TTL`; the default is 1, this link only).
    fn multicast_ttl(&self) -> io::Result<u8> {
        byte_value(
            SockRef::from(&self.socket()).multicast_ttl_v4()?,
            "IP_MULTICAST_TTL",
        )
    }

    /// Sets the time-to-live of outgoing multicast datagrams
    /// (`IP_MULTICAST_TTL`).
    fn set_multicast_ttl(&self, ttl: u8) -> io::Result<()> {
        SockRef::from(&self.socket()).set_multicast_ttl_v4(u32::from(ttl))
    }

    /// Whether multicast datagrams this host sends are looped back to its
    /// own sockets that joined the group (`IP_MULTICAST_LOOP`; default on).
    fn multicast_loopback(&self) -> io::Result<bool> {
        SockRef::from(&self.socket()).multicast_loop_v4()
    }

    /// Sets whether multicast datagrams sent through this socket are looped
    /// back to local members of the group (`IP_MULTICAST_LOOP`).
    fn set_multicast_loopback(&self, on: bool) -> io::Result<()> {
        SockRef::from(&self.socket()).set_multicast_loop_v4(on)
    }

    /// The interface outgoing multicast datagrams use (`IP_MULTICAST_IF`),
    /// as last set.
    ///
    /// Linux reports only an address for this option; when the interface
    /// was set by index through this wrapper, the index is returned as it
    /// was set. `Address(0.0.0.0)` means the routing table chooses.
    fn multicast_interface(&self) -> io::Result<MulticastInterface> {
        let addr = sys::multicast_interface_address(self.socket())?;
        Ok(match self.state().multicast_index() {
            Some(index) if addr.is_unspecified() => MulticastInterface::Index(index),
            _ => MulticastInterface::Address(addr),
        })
    }

    /// Sets the interface outgoing multicast datagrams use
    /// (`IP_MULTICAST_IF` with a `struct ip_mreqn`): a
    /// [`MulticastInterface`], or what converts into one, an index (`u32`),
    /// an [`&Interface`](Interface) or a local address ([`Ipv4Addr`]). By
    /// name: `set_multicast_interface(&Interface::by_name("eth0")?)`.
    ///
    /// # Errors
    ///
    /// `EADDRNOTAVAIL` for an address that is not local or an index that
    /// names no interface; [`InvalidInput`](io::ErrorKind::InvalidInput)
    /// for an index above `i32::MAX`.
    fn set_multicast_interface(&self, interface: impl Into<MulticastInterface>) -> io::Result<()> {
        let interface = interface.into();
        let (index, address) = match interface {
            MulticastInterface::Index(i) => (Some(i), Ipv4Addr::UNSPECIFIED),
            MulticastInterface::Address(a) => (None, a),
        };
        sys::set_multicast_interface(self.socket(), interface_index(index.unwrap_or(0))?, address)?;
        self.state().record_multicast_index(index);
        Ok(())
    }

    /// Joins `group` on `interface`, receiving from every source
    /// (`MCAST_JOIN_GROUP`; by address, `IP_ADD_MEMBERSHIP`). The
    /// interface is an index (0: the kernel chooses), an
    /// [`&Interface`](Interface), a name or a local address; see
    /// [`InterfaceRef`].
    ///
    /// ```
    /// use std::net::{Ipv4Addr, UdpSocket};
    /// use ipv4_std::prelude::*;
    ///
    /// let conn = PacketConn::new(UdpSocket::bind("127.0.0.1:0")?)?;
    /// let group = Ipv4Addr::new(239, 1, 2, 3);
    /// conn.join_group("lo", group)?; // by name
    /// let lo = Interface::by_name("lo")?;
    /// conn.leave_group(&lo, group)?; // by Interface
    /// conn.join_group(lo.index(), group)?; // by index; 0 lets the routing table choose
    /// conn.leave_group(Ipv4Addr::LOCALHOST, group)?; // by address (IP_DROP_MEMBERSHIP)
    /// # Ok::<(), std::io::Error>(())
    /// ```
    ///
    /// # Errors
    ///
    /// [`InvalidInput`](io::ErrorKind::InvalidInput) for an IPv6 or
    /// non-multicast `group`, an index above `i32::MAX` or a name no
    /// interface can have; [`NotFound`](io::ErrorKind::NotFound) for a
    /// name no interface has; `ENODEV` for an address no interface has;
    /// `EADDRINUSE` if already joined there.
    fn join_group<'i>(
        &self,
        interface: impl Into<InterfaceRef<'i>>,
        group: impl Into<IpAddr>,
    ) -> io::Result<()> {
        let call = Call {
            by_index: sys::MCAST_JOIN_GROUP,
            by_address: sys::IP_ADD_MEMBERSHIP,
        };
        group_op(self.socket(), call, interface, group)
    }

    /// Leaves `group` on `interface`, whether it was joined any-source or
    /// source-specific (`MCAST_LEAVE_GROUP`; by address,
    /// `IP_DROP_MEMBERSHIP`).
    ///
    /// # Errors
    ///
    /// As for [`join_group`](Self::join_group); `EADDRNOTAVAIL` if not
    /// joined.
    fn leave_group<'i>(
        &self,
        interface: impl Into<InterfaceRef<'i>>,
        group: impl Into<IpAddr>,
    ) -> io::Result<()> {
        let call = Call {
            by_index: sys::MCAST_LEAVE_GROUP,
            by_address: sys::IP_DROP_MEMBERSHIP,
        };
        group_op(self.socket(), call, interface, group)
    }

    #[cfg(ipv4_std_mcast_source)]
    #[cfg_attr(docsrs, doc(cfg(not(any(target_os = "netbsd", target_os = "openbsd", target_os = "dragonfly")))))]
    /// Joins `group` for datagrams from `source` only (source-specific
    /// multicast, [RFC 4607]; `MCAST_JOIN_SOURCE_GROUP`, by address
    /// `IP_ADD_SOURCE_MEMBERSHIP`). Calling it again with another source
    /// adds that source.
    ///
    /// The interface is an index, an [`&Interface`](Interface), a name or
    /// a local address, as for [`join_group`](Self::join_group).
    ///
    /// # Errors
    ///
    /// [`InvalidInput`](io::ErrorKind::InvalidInput) for an IPv6 or
    /// non-multicast `group`, an IPv6, multicast, broadcast or unspecified
    /// `source`, an index above `i32::MAX` or a name no interface can have;
    /// [`NotFound`](io::ErrorKind::NotFound) for a name no interface has.
    ///
    /// [RFC 4607]: https://www.rfc-editor.org/rfc/rfc4607
    fn join_source_specific_group<'i>(
        &self,
        interface: impl Into<InterfaceRef<'i>>,
        group: impl Into<IpAddr>,
        source: impl Into<IpAddr>,
    ) -> io::Result<()> {
        source_op(self.socket(), SourceCall::Join, interface, group, source)
    }

    #[cfg(ipv4_std_mcast_source)]
    #[cfg_attr(docsrs, doc(cfg(not(any(target_os = "netbsd", target_os = "openbsd", target_os = "dragonfly")))))]
    /// Stops receiving `group` from `source` (`MCAST_LEAVE_SOURCE_GROUP`;
    /// by address, `IP_DROP_SOURCE_MEMBERSHIP`); leaving the last source
    /// leaves the group.
    ///
    /// # Errors
    ///
    /// As for [`join_source_specific_group`](Self::join_source_specific_group);
    /// `EADDRNOTAVAIL` if that source was not joined.
    fn leave_source_specific_group<'i>(
        &self,
        interface: impl Into<InterfaceRef<'i>>,
        group: impl Into<IpAddr>,
        source: impl Into<IpAddr>,
    ) -> io::Result<()> {
        source_op(self.socket(), SourceCall::Leave, interface, group, source)
    }

    #[cfg(ipv4_std_mcast_source)]
    #[cfg_attr(docsrs, doc(cfg(not(any(target_os = "netbsd", target_os = "openbsd", target_os = "dragonfly")))))]
    /// Blocks `source` of a group joined any-source with
    /// [`join_group`](Self::join_group) (`MCAST_BLOCK_SOURCE`; by address,
    /// `IP_BLOCK_SOURCE`): the group's datagrams from that source stop
    /// arriving.
    ///
    /// # Errors
    ///
    /// As for [`join_source_specific_group`](Self::join_source_specific_group);
    /// `EINVAL` if the group was joined source-specific.
    fn exclude_source_specific_group<'i>(
        &self,
        interface: impl Into<InterfaceRef<'i>>,
        group: impl Into<IpAddr>,
        source: impl Into<IpAddr>,
    ) -> io::Result<()> {
        source_op(self.socket(), SourceCall::Block, interface, group, source)
    }

    #[cfg(ipv4_std_mcast_source)]
    #[cfg_attr(docsrs, doc(cfg(not(any(target_os = "netbsd", target_os = "openbsd", target_os = "dragonfly")))))]
    /// Unblocks a `source` blocked with
    /// [`exclude_source_specific_group`](Self::exclude_source_specific_group)
    /// (`MCAST_UNBLOCK_SOURCE`; by address, `IP_UNBLOCK_SOURCE`).
    ///
    /// # Errors
    ///
    /// As for [`join_source_specific_group`](Self::join_source_specific_group);
    /// `EADDRNOTAVAIL` if the source was not blocked.
    fn include_source_specific_group<'i>(
        &self,
        interface: impl Into<InterfaceRef<'i>>,
        group: impl Into<IpAddr>,
        source: impl Into<IpAddr>,
    ) -> io::Result<()> {
        source_op(self.socket(), SourceCall::Unblock, interface, group, source)
    }

    /// Replaces the socket's whole source filter for `group` on
    /// `interface` ([RFC 3678 §5.2.1]; `MCAST_MSFILTER` with a `struct
    /// group_filter`, by address `IP_MSFILTER` with a `struct
    /// ip_msfilter`): the mode and the source list at once, where
    /// [`exclude_source_specific_group`](Self::exclude_source_specific_group)
    /// and its kin change one source at a time. The kernel reports the
    /// change on the link as IGMPv3 filter-mode-change or source-list-change
    /// records.
    ///
    /// The socket must have joined `group` there first (any way). Setting
    /// `INCLUDE {}` leaves the group, as RFC 3678 §5.2.1 says.
    ///
    /// ```
    /// use std::net::{Ipv4Addr, UdpSocket};
    /// use ipv4_std::options::SourceFilter;
    /// use ipv4_std::prelude::*;
    ///
    /// let conn = PacketConn::new(UdpSocket::bind("127.0.0.1:0")?)?;
    /// let group = Ipv4Addr::new(239, 1, 2, 3);
    /// conn.join_group("lo", group)?; // EXCLUDE {}: any source
    /// let blocked = [Ipv4Addr::new(198, 51, 100, 7)];
    /// conn.set_source_filter("lo", group, &SourceFilter::exclude(&blocked)?)?;
    /// assert_eq!(conn.source_filter("lo", group)?.sources(), blocked);
    /// # Ok::<(), std::io::Error>(())
    /// ```
    ///
    /// # Errors
    ///
    /// [`InvalidInput`](io::ErrorKind::InvalidInput), before any system
    /// call, for an IPv6 or non-multicast `group` or an interface as for
    /// [`join_group`](Self::join_group); `EINVAL` when the socket has not
    /// joined `group` there; `ENOBUFS` for more sources than the kernel
    /// keeps per socket (`net.ipv4.igmp_max_msf`, 10 by default).
    ///
    /// [RFC 3678 §5.2.1]: https://www.rfc-editor.org/rfc/rfc3678#section-5.2.1
    #[cfg(any(target_os = "linux", target_os = "android"))]
    #[cfg_attr(docsrs, doc(cfg(any(target_os = "linux", target_os = "android"))))]
    fn set_source_filter<'i>(
        &self,
        interface: impl Into<InterfaceRef<'i>>,
        group: impl Into<IpAddr>,
        filter: &SourceFilter,
    ) -> io::Result<()> {
        let group = multicast_group(group.into())?;
        let interface = filter_interface(interface.into())?;
        sys::set_source_filter(self.socket(), interface, group, &filter.kernel_form())
    }

    /// The socket's source filter for `group` on `interface`, read from the
    /// kernel ([RFC 3678 §5.2.1]; `MCAST_MSFILTER`, by address
    /// `IP_MSFILTER`): an any-source join reads as `EXCLUDE {}`, a
    /// source-specific one as `INCLUDE` its sources. Index 0 (or
    /// `0.0.0.0`) names the interface the routing table gives `group`, as
    /// it does for [`join_group`](Self::join_group) (it goes to the kernel
    /// as `IP_MSFILTER` with address 0.0.0.0: `MCAST_MSFILTER` would look
    /// for a membership on index 0, which none has).
    ///
    /// Nothing is allocated: the value holds up to
    /// [`SourceFilter::CAPACITY`] sources, and when the kernel has more,
    /// the first ones with the kernel's count
    /// ([`SourceFilter::source_count`], [`SourceFilter::is_truncated`]).
    ///
    /// # Errors
    ///
    /// As for [`set_source_filter`](Self::set_source_filter);
    /// `EADDRNOTAVAIL` when the socket has not joined `group` there.
    ///
    /// [RFC 3678 §5.2.1]: https://www.rfc-editor.org/rfc/rfc3678#section-5.2.1
    #[cfg(any(target_os = "linux", target_os = "android"))]
    #[cfg_attr(docsrs, doc(cfg(any(target_os = "linux", target_os = "android"))))]
    fn source_filter<'i>(
        &self,
        interface: impl Into<InterfaceRef<'i>>,
        group: impl Into<IpAddr>,
    ) -> io::Result<SourceFilter> {
        let group = multicast_group(group.into())?;
        let interface = filter_interface(interface.into())?;
        let buf = sys::source_filter(self.socket(), interface, group)?;
        Ok(SourceFilter::from_kernel(&buf))
    }

    /// Whether the socket, bound to the wildcard address, receives the
    /// groups that other sockets of the host joined (`IP_MULTICAST_ALL`;
    /// default on).
    #[cfg(any(target_os = "linux", target_os = "android"))]
    #[cfg_attr(docsrs, doc(cfg(any(target_os = "linux", target_os = "android"))))]
    fn multicast_all(&self) -> io::Result<bool> {
        super::get_ip_flag(self.socket(), sys::IP_MULTICAST_ALL)
    }

    /// Turns `IP_MULTICAST_ALL` on or off. On (Linux's default, against
    /// RFC 3678's model), a socket bound to `0.0.0.0` and a port receives
    /// the datagrams of every group any socket of the host joined on that
    /// port; off, only those of the groups it joined itself.
    #[cfg(any(target_os = "linux", target_os = "android"))]
    #[cfg_attr(docsrs, doc(cfg(any(target_os = "linux", target_os = "android"))))]
    fn set_multicast_all(&self, on: bool) -> io::Result<()> {
        super::set_ip_flag(self.socket(), sys::IP_MULTICAST_ALL, on)
    }
}

#[cfg(all(test, any(target_os = "linux", target_os = "android")))]
mod tests {
    use super::*;
    use crate::PacketConn;
    use std::net::{Ipv6Addr, UdpSocket};

    #[test]
    fn bad_addresses_are_invalid_input_before_any_call() {
        let conn = PacketConn::new(UdpSocket::bind("127.0.0.1:0").unwrap()).unwrap();
        let v6 = IpAddr::V6(Ipv6Addr::new(0xff02, 0, 0, 0, 0, 0, 0, 1));
        let unicast = Ipv4Addr::new(192, 0, 2, 1);
        let group = Ipv4Addr::new(232, 1, 1, 1);
        let cases = [
            conn.join_group(0, v6),
            conn.join_group(0, unicast),
            conn.leave_group(0, v6),
            conn.join_source_specific_group(0, group, v6),
            conn.join_source_specific_group(0, group, Ipv4Addr::new(224, 0, 0, 1)),
            conn.join_source_specific_group(0, group, Ipv4Addr::UNSPECIFIED),
            conn.join_source_specific_group(0, unicast, unicast),
            conn.leave_source_specific_group(0, v6, unicast),
            conn.exclude_source_specific_group(0, group, Ipv4Addr::BROADCAST),
            conn.include_source_specific_group(0, v6, unicast),
        ];
        for (i, r) in cases.into_iter().enumerate() {
            let e = r.unwrap_err();
            assert_eq!(e.kind(), io::ErrorKind::InvalidInput, "case {i}: {e}");
            assert!(
                e.raw_os_error().is_none(),
                "case {i} reached the kernel: {e}"
            );
        }
        let e = conn
            .set_multicast_interface(MulticastInterface::Index(u32::MAX))
            .unwrap_err();
        assert_eq!(e.kind(), io::ErrorKind::InvalidInput);
    }

    #[test]
    fn interfaces_by_name_are_checked_after_the_addresses() {
        let conn = PacketConn::new(UdpSocket::bind("127.0.0.1:0").unwrap()).unwrap();
        let group = Ipv4Addr::new(239, 1, 2, 3);
        let source = Ipv4Addr::new(198, 51, 100, 1);
        let too_big = i32::MAX as u32 + 1;
        // A bad group wins over an unknown name: no lookup is made.
        let e = conn
            .join_group("no-such-if0", Ipv4Addr::LOCALHOST)
            .unwrap_err();
        assert_eq!(e.kind(), io::ErrorKind::InvalidInput, "{e}");
        assert!(e.to_string().contains("not a multicast group"), "{e}");
        let invalid = [
            conn.join_group("lo\0", group),
            conn.leave_group("", group),
            conn.join_group(too_big, group),
            conn.join_source_specific_group("a-name-of-16-byt", group, source),
            conn.include_source_specific_group(too_big, group, source),
        ];
        for (i, r) in invalid.into_iter().enumerate() {
            let e = r.unwrap_err();
            assert_eq!(e.kind(), io::ErrorKind::InvalidInput, "case {i}: {e}");
            assert!(
                e.raw_os_error().is_none(),
                "case {i} reached the kernel: {e}"
            );
        }
        let name = String::from("no-such-if0");
        let not_found = [
            conn.join_group(&name, group),
            conn.leave_group(name.as_str(), group),
            conn.exclude_source_specific_group(&name, group, source),
        ];
        for (i, r) in not_found.into_iter().enumerate() {
            let e = r.unwrap_err();
            assert_eq!(e.kind(), io::ErrorKind::NotFound, "case {i}: {e}");
            assert!(e.to_string().contains("\"no-such-if0\""), "case {i}: {e}");
        }
    }

    #[test]
    fn multicast_interface_converts_from_index_interface_and_address() {
        assert_eq!(MulticastInterface::from(3), MulticastInterface::Index(3));
        let a = Ipv4Addr::new(198, 51, 100, 1);
        assert_eq!(MulticastInterface::from(a), MulticastInterface::Address(a));
        let lo = Interface::by_name("lo").unwrap();
        assert_eq!(
            MulticastInterface::from(&lo),
            MulticastInterface::Index(lo.index())
        );
    }
}
