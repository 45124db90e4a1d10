//! Network interfaces by name and by index.
//!
//! [`Interface`] is a snapshot of one interface of the calling thread's
//! network namespace: its name, index, [flags](InterfaceFlags) and IPv4
//! addresses, read with `getifaddrs(3)`. [`InterfaceRef`] is how the calls
//! that take an interface (the [multicast](crate::MulticastOptions) membership
//! calls) accept one: an index, an [`&Interface`](Interface), or a name.
//!
//! ```
//! use std::net::Ipv4Addr;
//! use ipv4_std::{Interface, InterfaceFlags};
//!
//! let lo = Interface::by_name("lo")?;
//! assert!(lo.flags().contains(InterfaceFlags::LOOPBACK));
//! assert!(lo.addresses().iter().any(|a| a.address() == Ipv4Addr::LOCALHOST));
//! assert_eq!(Interface::by_index(lo.index())?.name(), "lo");
//! # Ok::<(), std::io::Error>(())
//! ```

use std::ffi::CString;
use std::fmt;
use std::io;
use std::net::Ipv4Addr;

use crate::options::interface_index;
use crate::sys;

bitflags::bitflags! {
    /// The state and abilities of an interface: the `IFF_*` flags of
    /// [`netdevice(7)`] that matter to IPv4 and multicast. Other flags the
    /// kernel reports are left out.
    ///
    /// [`netdevice(7)`]: https://man7.org/linux/man-pages/man7/netdevice.7.html
    #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
    pub struct InterfaceFlags: u32 {
        /// `IFF_UP`: administratively up.
        const UP = sys::IFF_UP;
        /// `IFF_BROADCAST`: has a valid broadcast address.
        const BROADCAST = sys::IFF_BROADCAST;
        /// `IFF_LOOPBACK`: the loopback interface.
        const LOOPBACK = sys::IFF_LOOPBACK;
        /// `IFF_POINTOPOINT`: a point-to-point link.
        const POINT_TO_POINT = sys::IFF_POINTOPOINT;
        /// `IFF_RUNNING`: operationally up (the link has a carrier).
        const RUNNING = sys::IFF_RUNNING;
        /// `IFF_MULTICAST`: supports multicast.
        const MULTICAST = sys::IFF_MULTICAST;
    }
}

impl fmt::Display for InterfaceFlags {
    /// The flag names joined by commas, as `ip link` shows them:
    /// `UP,LOOPBACK,RUNNING`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, (name, _)) in self.iter_names().enumerate() {
            if i > 0 {
                f.write_str(",")?;
            }
            f.write_str(name)?;
        }
        Ok(())
    }
}

/// One IPv4 address of an interface, with the length of its network
/// prefix: `198.51.100.1/24`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct InterfaceAddr {
    address: Ipv4Addr,
    prefix_len: u8,
}

impl InterfaceAddr {
    /// The address.
    pub const fn address(&self) -> Ipv4Addr {
        self.address
    }

    /// The length of the network prefix, 0 to 32.
    pub const fn prefix_len(&self) -> u8 {
        self.prefix_len
    }

    /// The network mask the prefix length stands for: `255.255.255.0` for
    /// 24.
    pub const fn netmask(&self) -> Ipv4Addr {
        let bits = match self.prefix_len {
            0 => 0,
            n => u32::MAX << (32 - n as u32),
        };
        Ipv4Addr::from_bits(bits)
    }
}

impl fmt::Display for InterfaceAddr {
    /// `address/prefix_len`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}/{}", self.address, self.prefix_len)
    }
}

/// A network interface as it was when looked up: name, index, flags and
/// IPv4 addresses.
///
/// Look one up with [`by_name`](Self::by_name) or
/// [`by_index`](Self::by_index), or list them with [`all`](Self::all). The
/// lookups see the network namespace of the calling thread. The value does
/// not follow later changes (an address added, the link set down): look it
/// up again for fresh data. Pass `&interface` wherever an
/// [`InterfaceRef`] is taken, or [`MulticastInterface`](crate::MulticastInterface)
/// (both use its index).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Interface {
    name: String,
    index: u32,
    flags: InterfaceFlags,
    addresses: Vec<InterfaceAddr>,
}

impl Interface {
    /// Every interface of the calling thread's network namespace, by
    /// increasing index (`getifaddrs(3)`).
    ///
    /// An IPv4 address with a label (`ip addr add … label eth0:1`) belongs
    /// to the interface whose name the label starts with, up to the colon.
    ///
    /// # Errors
    ///
    /// The `getifaddrs` error.
    pub fn all() -> io::Result<Vec<Interface>> {
        let entries = sys::interface_addresses()?;
        let mut all: Vec<Interface> = entries
            .iter()
            .filter_map(|e| match e.addr {
                sys::IfAddrKind::Link { index } => Some(Interface {
                    name: e.name.clone(),
                    index,
                    flags: InterfaceFlags::from_bits_truncate(e.flags),
                    addresses: Vec::new(),
                }),
                sys::IfAddrKind::Ipv4 { .. } => None,
            })
            .collect();
        for e in &entries {
            let sys::IfAddrKind::Ipv4 { address, netmask } = e.addr else {
                continue;
            };
            let device = e.name.split_once(':').map_or(e.name.as_str(), |(d, _)| d);
            let owner = all
                .iter()
                .position(|i| i.name == e.name)
                .or_else(|| all.iter().position(|i| i.name == device));
            if let Some(owner) = owner {
                // Linux masks are contiguous; a missing one reads as /32.
                let prefix_len = netmask.map_or(32, |m| m.to_bits().leading_ones() as u8);
                all[owner].addresses.push(InterfaceAddr {
                    address,
                    prefix_len,
                });
            }
        }
        all.sort_by_key(|i| i.index);
        all.dedup_by_key(|i| i.index);
        Ok(all)
    }

    /// The interface named `name`.
    ///
    /// # Errors
    ///
    /// * [`InvalidInput`](io::ErrorKind::InvalidInput), before any system
    ///   call, for a name no interface can have: empty, longer than 15
    ///   bytes, or with a NUL byte.
    /// * [`NotFound`](io::ErrorKind::NotFound), naming it, when no
    ///   interface of the thread's namespace has that name.
    /// * The `getifaddrs` error.
    pub fn by_name(name: &str) -> io::Result<Interface> {
        check_name(name)?;
        Interface::all()?
            .into_iter()
            .find(|i| i.name == name)
            .ok_or_else(|| no_interface_named(name))
    }

    /// The interface with index `index`.
    ///
    /// # Errors
    ///
    /// * [`InvalidInput`](io::ErrorKind::InvalidInput), before any system
    ///   call, for an index above `i32::MAX`, which the kernel cannot hold.
    /// * [`NotFound`](io::ErrorKind::NotFound), naming it, when no
    ///   interface has that index (none ever has index 0).
    /// * The `getifaddrs` error.
    pub fn by_index(index: u32) -> io::Result<Interface> {
        interface_index(index)?;
        Interface::all()?
            .into_iter()
            .find(|i| i.index == index)
            .ok_or_else(|| {
                io::Error::new(
                    io::ErrorKind::NotFound,
                    format!("no network interface has index {index} in this network namespace"),
                )
            })
    }

    /// The name: `lo`, `eth0`.
    pub fn name(&self) -> &str {
        &self.name
    }

    /// The index (`if_nametoindex(3)`): what the kernel's calls take.
    /// Loopback's is 1.
    pub fn index(&self) -> u32 {
        self.index
    }

    /// The flags: up, loopback, multicast, ….
    pub fn flags(&self) -> InterfaceFlags {
        self.flags
    }

    /// The IPv4 addresses, in the order the kernel lists them (the
    /// primary address of each subnet first).
    pub fn addresses(&self) -> &[InterfaceAddr] {
        &self.addresses
    }
}

impl fmt::Display for Interface {
    /// As `ip -4 addr` heads an interface: `1: lo <UP,LOOPBACK,RUNNING>
    /// 127.0.0.1/8`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {} <{}>", self.index, self.name, self.flags)?;
        for a in &self.addresses {
            write!(f, " {a}")?;
        }
        Ok(())
    }
}

/// An interface as the calls that take one accept it: by index, by
/// [`Interface`], by name, or by one of its IPv4 addresses.
///
/// Those calls take `impl Into<InterfaceRef>`, so any of these works:
///
/// * a `u32` index: `0` lets the kernel choose, by the routing table;
/// * `&Interface`: its index;
/// * a name, `&str` or `&String`: looked up (`if_nametoindex(3)`) in the
///   calling thread's network namespace at each call;
/// * an [`Ipv4Addr`], a local address of the interface (`0.0.0.0`: the
///   kernel chooses): the multicast calls pass it to the kernel as it is,
///   through the address forms of the calls (`struct ip_mreq`,
///   `ip_mreq_source`, `ip_msfilter`), and the kernel finds the
///   interface; a [`MulticastInterface`](crate::MulticastInterface)
///   converts too.
///
/// ```
/// use std::net::Ipv4Addr;
/// use ipv4_std::{Interface, InterfaceRef};
///
/// let lo = Interface::by_name("lo")?;
/// assert_eq!(InterfaceRef::from("lo").index()?, lo.index());
/// assert_eq!(InterfaceRef::from(&lo).index()?, lo.index());
/// assert_eq!(InterfaceRef::from(0).index()?, 0);
/// assert_eq!(InterfaceRef::from(Ipv4Addr::LOCALHOST).index()?, lo.index());
/// assert_eq!(InterfaceRef::from(Ipv4Addr::LOCALHOST).to_string(), "address 127.0.0.1");
/// # Ok::<(), std::io::Error>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum InterfaceRef<'a> {
    /// The interface with this index; 0 means "any, the kernel chooses".
    Index(u32),
    /// The interface with this name.
    Name(&'a str),
    /// The interface that has this local IPv4 address; `0.0.0.0` means
    /// "any, the kernel chooses".
    Address(Ipv4Addr),
}

impl InterfaceRef<'_> {
    /// The index this stands for, looking a name up
    /// (`if_nametoindex(3)`, in the calling thread's network namespace),
    /// or an address ([`Interface::all`]; `0.0.0.0` is index 0).
    ///
    /// # Errors
    ///
    /// * [`InvalidInput`](io::ErrorKind::InvalidInput), before any system
    ///   call, for an index above `i32::MAX` (the kernel stores indexes in
    ///   a C `int`) or a name no interface can have (empty, longer than 15
    ///   bytes, or with a NUL byte).
    /// * [`NotFound`](io::ErrorKind::NotFound), naming it, for a name or
    ///   an address no interface has.
    /// * The `if_nametoindex` or `getifaddrs` error otherwise.
    pub fn index(self) -> io::Result<u32> {
        match self {
            InterfaceRef::Index(index) => {
                interface_index(index)?;
                Ok(index)
            }
            InterfaceRef::Name(name) => {
                let c_name = check_name(name)?;
                sys::if_nametoindex(&c_name)?.ok_or_else(|| no_interface_named(name))
            }
            InterfaceRef::Address(address) if address.is_unspecified() => Ok(0),
            InterfaceRef::Address(address) => Interface::all()?
                .iter()
                .find(|i| i.addresses().iter().any(|a| a.address() == address))
                .map(Interface::index)
                .ok_or_else(|| {
                    io::Error::new(
                        io::ErrorKind::NotFound,
                        format!("no network interface has the address {address}"),
                    )
                }),
        }
    }
}

impl From<u32> for InterfaceRef<'_> {
    /// [`InterfaceRef::Index`].
    fn from(index: u32) -> Self {
        InterfaceRef::Index(index)
    }
}

impl<'a> From<&'a Interface> for InterfaceRef<'a> {
    /// The interface's index.
    fn from(interface: &'a Interface) -> Self {
        InterfaceRef::Index(interface.index)
    }
}

impl<'a> From<&'a str> for InterfaceRef<'a> {
    /// [`InterfaceRef::Name`].
    fn from(name: &'a str) -> Self {
        InterfaceRef::Name(name)
    }
}

impl<'a> From<&'a String> for InterfaceRef<'a> {
    /// [`InterfaceRef::Name`].
    fn from(name: &'a String) -> Self {
        InterfaceRef::Name(name)
    }
}

impl From<Ipv4Addr> for InterfaceRef<'_> {
    /// [`InterfaceRef::Address`].
    fn from(address: Ipv4Addr) -> Self {
        InterfaceRef::Address(address)
    }
}

impl From<crate::MulticastInterface> for InterfaceRef<'_> {
    /// The same interface: by index or by address.
    fn from(interface: crate::MulticastInterface) -> Self {
        match interface {
            crate::MulticastInterface::Index(index) => InterfaceRef::Index(index),
            crate::MulticastInterface::Address(address) => InterfaceRef::Address(address),
        }
    }
}

impl fmt::Display for InterfaceRef<'_> {
    /// `index 2`, `veth0` or `address 198.51.100.1`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            InterfaceRef::Index(index) => write!(f, "index {index}"),
            InterfaceRef::Name(name) => f.write_str(name),
            InterfaceRef::Address(address) => write!(f, "address {address}"),
        }
    }
}

/// `name` as the C library takes it, if some interface could have it.
fn check_name(name: &str) -> io::Result<CString> {
    let invalid = |why: &str| {
        io::Error::new(
            io::ErrorKind::InvalidInput,
            format!("{name:?} cannot name a network interface: {why}"),
        )
    };
    if name.is_empty() {
        return Err(invalid("it is empty"));
    }
    if name.len() > sys::IF_NAME_MAX {
        return Err(invalid(&format!(
            "it is {} bytes long, and names have at most {}",
            name.len(),
            sys::IF_NAME_MAX
        )));
    }
    CString::new(name).map_err(|_| invalid("it contains a NUL byte"))
}

fn no_interface_named(name: &str) -> io::Error {
    io::Error::new(
        io::ErrorKind::NotFound,
        format!("no network interface is named {name:?} in this network namespace"),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn netmask_follows_the_prefix_length() {
        let a = |prefix_len| InterfaceAddr {
            address: Ipv4Addr::new(198, 51, 100, 1),
            prefix_len,
        };
        assert_eq!(a(0).netmask(), Ipv4Addr::UNSPECIFIED);
        assert_eq!(a(8).netmask(), Ipv4Addr::new(255, 0, 0, 0));
        assert_eq!(a(24).netmask(), Ipv4Addr::new(255, 255, 255, 0));
        assert_eq!(a(31).netmask(), Ipv4Addr::new(255, 255, 255, 254));
        assert_eq!(a(32).netmask(), Ipv4Addr::BROADCAST);
        assert_eq!(a(24).to_string(), "198.51.100.1/24");
    }

    #[test]
    fn names_no_interface_can_have_are_invalid_input() {
        for name in ["", "lo\0", "a-name-of-16-byt"] {
            let e = Interface::by_name(name).unwrap_err();
            assert_eq!(e.kind(), io::ErrorKind::InvalidInput, "{name:?}: {e}");
            let e = InterfaceRef::from(name).index().unwrap_err();
            assert_eq!(e.kind(), io::ErrorKind::InvalidInput, "{name:?}: {e}");
            assert!(e.raw_os_error().is_none());
        }
        // 15 bytes is the longest name: looked up, and not found.
        let e = InterfaceRef::from("no-such-if-1234").index().unwrap_err();
        assert_eq!(e.kind(), io::ErrorKind::NotFound, "{e}");
        assert!(e.to_string().contains("\"no-such-if-1234\""), "{e}");
    }

    #[test]
    fn indexes_the_kernel_cannot_hold_are_invalid_input() {
        let big = i32::MAX as u32 + 1;
        let e = Interface::by_index(big).unwrap_err();
        assert_eq!(e.kind(), io::ErrorKind::InvalidInput, "{e}");
        let e = InterfaceRef::from(big).index().unwrap_err();
        assert_eq!(e.kind(), io::ErrorKind::InvalidInput, "{e}");
        assert_eq!(InterfaceRef::from(0).index().unwrap(), 0);
        let e = Interface::by_index(0).unwrap_err();
        assert_eq!(e.kind(), io::ErrorKind::NotFound, "{e}");
    }

    #[test]
    fn flags_display_as_ip_link_does() {
        let f = InterfaceFlags::UP | InterfaceFlags::LOOPBACK | InterfaceFlags::RUNNING;
        assert_eq!(f.to_string(), "UP,LOOPBACK,RUNNING");
        assert_eq!(InterfaceFlags::empty().to_string(), "");
    }
}
