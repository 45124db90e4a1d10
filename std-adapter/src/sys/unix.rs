//! What every Unix gives alike: `setsockopt(2)`/`getsockopt(2)` on bytes
//! (the typed calls are `sockopt.rs`), `recvmsg(2)` and `sendmsg(2)` with
//! an IPv4 address and a control buffer, and the interface table
//! (`getifaddrs(3)`, `if_nametoindex(3)`).
//!
//! What differs between the Unix families (option numbers, struct layouts,
//! `sockaddr_in` with or without `sin_len`, the link-layer address of
//! `getifaddrs`) comes from the family module through `super::`. Options
//! socket2 already offers (`IP_TOS`, `IP_TTL`, `IP_MULTICAST_TTL`,
//! `IP_MULTICAST_LOOP`) are used through [`socket2::SockRef`] above this
//! layer.

use std::ffi::CStr;
use std::io::{self, IoSlice, IoSliceMut};
use std::mem::{MaybeUninit, size_of};
use std::net::{Ipv4Addr, SocketAddrV4};
use std::os::fd::AsRawFd;
use std::ptr;

pub(crate) use libc::{IPPROTO_IP, MSG_CTRUNC, MSG_TRUNC, SOL_SOCKET, c_int, c_void, socklen_t};
/// What gives out a [`BorrowedSocket`].
pub(crate) use std::os::fd::AsFd as AsSocket;
/// A borrowed socket: a file descriptor on Unix.
pub(crate) use std::os::fd::BorrowedFd as BorrowedSocket;

use super::{IfAddr, IfAddrKind, OptionValue, Received, get_int, getsockopt, setsockopt, sockaddr_in};

// SAFETY: `in_addr` is `#[repr(C)] { s_addr: u32 }`.
unsafe impl OptionValue for libc::in_addr {}

/// `setsockopt(2)` with the `len` bytes at `value`.
///
/// # Safety
///
/// `value` points to `len` initialised bytes that stay alive across the
/// call (the kernel only reads them).
pub(crate) unsafe fn setsockopt_raw(
    fd: BorrowedSocket<'_>,
    level: c_int,
    name: c_int,
    value: *const u8,
    len: usize,
) -> io::Result<()> {
    let len = socklen_t::try_from(len).map_err(|_| io::Error::from(io::ErrorKind::InvalidInput))?;
    // SAFETY: the caller's contract.
    let rc = unsafe { libc::setsockopt(fd.as_raw_fd(), level, name, value.cast::<c_void>(), len) };
    if rc == -1 {
        Err(io::Error::last_os_error())
    } else {
        Ok(())
    }
}

/// `getsockopt(2)` into the `len` bytes at `value`; returns how many the
/// kernel wrote.
///
/// # Safety
///
/// `value` points to `len` writable bytes, alive across the call (the
/// kernel writes at most `len`; for in-out options it reads them first,
/// so they must then be initialised).
pub(crate) unsafe fn getsockopt_raw(
    fd: BorrowedSocket<'_>,
    level: c_int,
    name: c_int,
    value: *mut u8,
    len: usize,
) -> io::Result<usize> {
    let mut written = socklen_t::try_from(len).unwrap_or(socklen_t::MAX);
    // SAFETY: the caller's contract; the kernel stores the count it wrote
    // in `written`.
    let rc =
        unsafe { libc::getsockopt(fd.as_raw_fd(), level, name, value.cast::<c_void>(), &mut written) };
    if rc == -1 {
        return Err(io::Error::last_os_error());
    }
    Ok((written as usize).min(len))
}

/// A socket's address family and type, as the kernel reports them
/// (the family module's `socket_family`, `SO_TYPE`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct SocketKind {
    family: c_int,
    socket_type: c_int,
}

impl SocketKind {
    /// Asks the kernel. A descriptor that is not a socket is an
    /// [`InvalidInput`](io::ErrorKind::InvalidInput) error (`ENOTSOCK`
    /// otherwise has no kind of its own).
    pub(crate) fn of(fd: BorrowedSocket<'_>) -> io::Result<SocketKind> {
        let not_a_socket = |e: io::Error| {
            if e.raw_os_error() == Some(libc::ENOTSOCK) {
                io::Error::new(
                    io::ErrorKind::InvalidInput,
                    "the file descriptor is not a socket",
                )
            } else {
                e
            }
        };
        Ok(SocketKind {
            family: super::socket_family(fd).map_err(not_a_socket)?,
            socket_type: get_int(fd, SOL_SOCKET, libc::SO_TYPE).map_err(not_a_socket)?,
        })
    }

    /// Whether the family is `AF_INET`.
    pub(crate) fn is_ipv4(self) -> bool {
        self.family == libc::AF_INET
    }

    /// Whether the type is `SOCK_DGRAM`.
    pub(crate) fn is_datagram(self) -> bool {
        self.socket_type == libc::SOCK_DGRAM
    }

    /// Whether the type is `SOCK_RAW`.
    pub(crate) fn is_raw(self) -> bool {
        self.socket_type == libc::SOCK_RAW
    }

    /// The family as a person reads it: its name and number, e.g.
    /// `AF_INET6 (10)`.
    pub(crate) fn family_name(self) -> String {
        let common = [
            (libc::AF_UNSPEC, "AF_UNSPEC"),
            (libc::AF_UNIX, "AF_UNIX"),
            (libc::AF_INET, "AF_INET"),
            (libc::AF_INET6, "AF_INET6"),
        ];
        let name = common
            .iter()
            .chain(super::FAMILY_NAMES)
            .find(|&&(family, _)| family == self.family)
            .map_or("family", |&(_, name)| name);
        format!("{name} ({})", self.family)
    }

    /// The type as a person reads it, e.g. `SOCK_STREAM (1)`.
    pub(crate) fn type_name(self) -> String {
        let name = match self.socket_type {
            libc::SOCK_STREAM => "SOCK_STREAM",
            libc::SOCK_DGRAM => "SOCK_DGRAM",
            libc::SOCK_RAW => "SOCK_RAW",
            libc::SOCK_SEQPACKET => "SOCK_SEQPACKET",
            _ => "type",
        };
        format!("{name} ({})", self.socket_type)
    }
}

/// An `in_addr` for `addr`.
pub(crate) fn in_addr(addr: Ipv4Addr) -> libc::in_addr {
    libc::in_addr {
        s_addr: u32::from(addr).to_be(),
    }
}

/// The address in an `in_addr`.
pub(crate) fn from_in_addr(addr: libc::in_addr) -> Ipv4Addr {
    Ipv4Addr::from(u32::from_be(addr.s_addr))
}

/// The interface flags [`crate::InterfaceFlags`] names (`IFF_*`,
/// [`netdevice(7)`]).
///
/// [`netdevice(7)`]: https://man7.org/linux/man-pages/man7/netdevice.7.html
pub(crate) const IFF_UP: u32 = libc::IFF_UP as u32;
/// `IFF_BROADCAST`.
pub(crate) const IFF_BROADCAST: u32 = libc::IFF_BROADCAST as u32;
/// `IFF_LOOPBACK`.
pub(crate) const IFF_LOOPBACK: u32 = libc::IFF_LOOPBACK as u32;
/// `IFF_POINTOPOINT`.
pub(crate) const IFF_POINTOPOINT: u32 = libc::IFF_POINTOPOINT as u32;
/// `IFF_RUNNING`.
pub(crate) const IFF_RUNNING: u32 = libc::IFF_RUNNING as u32;
/// `IFF_MULTICAST`.
pub(crate) const IFF_MULTICAST: u32 = libc::IFF_MULTICAST as u32;

/// The longest interface name, in bytes (`IF_NAMESIZE` less the NUL).
pub(crate) const IF_NAME_MAX: usize = libc::IF_NAMESIZE - 1;

/// The list `getifaddrs(3)` allocated, freed on drop.
struct IfAddrList(*mut libc::ifaddrs);

impl Drop for IfAddrList {
    fn drop(&mut self) {
        // SAFETY: the pointer came from a successful `getifaddrs` and is
        // freed exactly once, here; no reference into the list outlives
        // `interface_addresses`, which owns this guard.
        unsafe { libc::freeifaddrs(self.0) }
    }
}

/// The IPv4 address in the `sockaddr` at `sa`, if it is an `AF_INET` one.
///
/// # Safety
///
/// `sa` is null or points to a `sockaddr` whose storage is as large as its
/// family's structure (as `getifaddrs` allocates them).
unsafe fn sockaddr_ipv4(sa: *const libc::sockaddr) -> Option<Ipv4Addr> {
    if sa.is_null() {
        return None;
    }
    // SAFETY: non-null, so the caller's contract holds; `sa_family` is at
    // the start of every `sockaddr`.
    let family = unsafe { (*sa).sa_family };
    if c_int::from(family) != libc::AF_INET {
        return None;
    }
    // SAFETY: an `AF_INET` sockaddr is a `sockaddr_in` (caller's contract);
    // `read_unaligned` asks nothing of the alignment.
    let sin = unsafe { sa.cast::<libc::sockaddr_in>().read_unaligned() };
    Some(from_in_addr(sin.sin_addr))
}

/// Every interface and IPv4 address of the calling thread's network
/// namespace (`getifaddrs(3)`), as owned entries, in the order the C library
/// lists them. Entries of other families, and entries without an address,
/// are left out.
pub(crate) fn interface_addresses() -> io::Result<Vec<IfAddr>> {
    let mut head: *mut libc::ifaddrs = ptr::null_mut();
    // SAFETY: `head` is a valid place for the list pointer, which
    // `getifaddrs` writes on success only.
    if unsafe { libc::getifaddrs(&mut head) } == -1 {
        return Err(io::Error::last_os_error());
    }
    let list = IfAddrList(head);
    let mut entries = Vec::new();
    let mut node = list.0.cast_const();
    while !node.is_null() {
        // SAFETY: `node` is the head or an `ifa_next` of the list, which
        // stays allocated until `list` drops at the end of this function.
        let ifa = unsafe { &*node };
        node = ifa.ifa_next.cast_const();
        if ifa.ifa_addr.is_null() || ifa.ifa_name.is_null() {
            continue;
        }
        // SAFETY: `ifa_addr` is non-null; `sa_family` starts every sockaddr.
        let family = c_int::from(unsafe { (*ifa.ifa_addr).sa_family });
        let addr = match family {
            family if family == super::LINK_FAMILY => {
                // SAFETY: `ifa_addr` is non-null and, for this family, points
                // to the link-layer sockaddr the C library allocated for it.
                match unsafe { super::link_index(ifa.ifa_addr) } {
                    Some(index) => IfAddrKind::Link { index },
                    None => continue,
                }
            }
            libc::AF_INET => {
                // SAFETY: both pointers are null or point to sockaddrs of
                // the list, sized for their family.
                let (address, netmask) =
                    unsafe { (sockaddr_ipv4(ifa.ifa_addr), sockaddr_ipv4(ifa.ifa_netmask)) };
                match address {
                    Some(address) => IfAddrKind::Ipv4 { address, netmask },
                    None => continue,
                }
            }
            _ => continue,
        };
        // SAFETY: `ifa_name` is non-null and NUL-terminated, alive with the
        // list; it is copied out before the list is freed.
        let name = unsafe { CStr::from_ptr(ifa.ifa_name) }
            .to_string_lossy()
            .into_owned();
        entries.push(IfAddr {
            name,
            // A `u64` on illumos, whose extra flags the crate does not name.
            #[allow(clippy::unnecessary_cast)]
            flags: ifa.ifa_flags as u32,
            addr,
        });
    }
    Ok(entries)
}

/// The index of the interface named `name` in the calling thread's network
/// namespace (`if_nametoindex(3)`); `None` when there is no such interface.
pub(crate) fn if_nametoindex(name: &CStr) -> io::Result<Option<u32>> {
    // SAFETY: `name` is a NUL-terminated string borrowed for the call; the
    // function only reads it.
    let index = unsafe { libc::if_nametoindex(name.as_ptr()) };
    if index != 0 {
        return Ok(Some(index));
    }
    let e = io::Error::last_os_error();
    match e.raw_os_error() {
        Some(libc::ENODEV | libc::ENXIO) => Ok(None),
        _ => Err(e),
    }
}

/// `recvmsg(2)` into `bufs`, with `control` as the control buffer (empty for
/// none).
pub(crate) fn recvmsg(
    fd: BorrowedSocket<'_>,
    bufs: &mut [IoSliceMut<'_>],
    control: &mut [u8],
    flags: c_int,
) -> io::Result<Received> {
    // `MSG_TRUNC` asks Linux for the full length of a datagram cut short;
    // elsewhere it is only an output flag, and the length is what fitted.
    #[cfg(not(any(target_os = "linux", target_os = "android")))]
    let flags = flags & !MSG_TRUNC;
    let mut name = sockaddr_in(SocketAddrV4::new(Ipv4Addr::UNSPECIFIED, 0));
    // SAFETY: `msghdr` is plain C data; all zeros is a valid empty header
    // (null pointers, zero lengths), including any private padding fields.
    let mut msg: libc::msghdr = unsafe { MaybeUninit::zeroed().assume_init() };
    // `IoSliceMut` is ABI-compatible with `struct iovec` on Unix (std
    // documents this guarantee).
    point_msghdr(
        &mut msg,
        &raw mut name,
        bufs.as_mut_ptr().cast::<libc::iovec>(),
        bufs.len(),
        control.as_mut_ptr(),
        control.len(),
    );
    // SAFETY: every pointer in `msg` refers to memory this function borrows
    // mutably for the duration of the call, with the lengths given: `name`
    // (a `sockaddr_in`), the iovecs (each describing a live `&mut [u8]`), and
    // `control`. The kernel writes within those lengths only.
    let n = unsafe { libc::recvmsg(fd.as_raw_fd(), &mut msg, flags) };
    let n = cvt(n)?;
    let source = source_of(&name, msg.msg_namelen);
    // `msg_controllen` is a `size_t` on glibc and a `socklen_t` on musl.
    #[allow(clippy::unnecessary_cast)]
    let control_len = (msg.msg_controllen as usize).min(control.len());
    Ok(Received {
        len: n,
        control_len,
        source,
        flags: msg.msg_flags,
    })
}

/// `sendmsg(2)` of `bufs` to `dst` (none on a connected socket), with
/// `control` as the control buffer (empty for none).
pub(crate) fn sendmsg(
    fd: BorrowedSocket<'_>,
    bufs: &[IoSlice<'_>],
    dst: Option<SocketAddrV4>,
    control: &[u8],
    flags: c_int,
) -> io::Result<usize> {
    let mut name = dst.map(sockaddr_in);
    // SAFETY: as in `recvmsg`: all zeros is a valid empty `msghdr`.
    let mut msg: libc::msghdr = unsafe { MaybeUninit::zeroed().assume_init() };
    // `IoSlice` is ABI-compatible with `struct iovec` on Unix.
    point_msghdr(
        &mut msg,
        name.as_mut().map_or(ptr::null_mut(), |n| n as *mut _),
        bufs.as_ptr().cast_mut().cast::<libc::iovec>(),
        bufs.len(),
        control.as_ptr().cast_mut(),
        control.len(),
    );
    // SAFETY: every pointer in `msg` refers to memory borrowed for the call
    // with the lengths given (`name`, the iovecs, `control`); `sendmsg` only
    // reads through them, so the `cast_mut`s never lead to a write.
    cvt(unsafe { libc::sendmsg(fd.as_raw_fd(), &msg, flags) })
}

/// Points `msg` at a `sockaddr_in` (null for none), `iovlen` iovecs, and
/// `control_len` bytes of control buffer (none when 0), with no flags. It
/// only stores the pointers: the caller keeps what they point to alive,
/// and writable where the call writes, until the system call returns.
pub(crate) fn point_msghdr(
    msg: &mut libc::msghdr,
    name: *mut libc::sockaddr_in,
    iov: *mut libc::iovec,
    iovlen: usize,
    control: *mut u8,
    control_len: usize,
) {
    msg.msg_name = name.cast::<c_void>();
    msg.msg_namelen = if name.is_null() {
        0
    } else {
        size_of::<libc::sockaddr_in>() as socklen_t
    };
    msg.msg_iov = iov;
    msg.msg_iovlen = iovlen as _;
    if control_len == 0 {
        msg.msg_control = ptr::null_mut();
    } else {
        msg.msg_control = control.cast::<c_void>();
    }
    msg.msg_controllen = control_len as _;
    msg.msg_flags = 0;
}

/// The count a byte- or message-counting call returned, or its error.
pub(crate) fn cvt(n: impl TryInto<usize>) -> io::Result<usize> {
    n.try_into().map_err(|_| io::Error::last_os_error())
}

/// The sender the kernel wrote into `name` (of which it reported `namelen`
/// bytes), when it is an IPv4 one.
pub(crate) fn source_of(name: &libc::sockaddr_in, namelen: socklen_t) -> Option<SocketAddrV4> {
    (namelen as usize >= size_of::<libc::sockaddr_in>()
        && c_int::from(name.sin_family) == libc::AF_INET)
        .then(|| SocketAddrV4::new(from_in_addr(name.sin_addr), u16::from_be(name.sin_port)))
}

/// `socket`, borrowed: the one place above which no code names
/// `as_fd` (Windows names it `as_socket`).
pub(crate) fn borrow<S: AsSocket + ?Sized>(socket: &S) -> BorrowedSocket<'_> {
    socket.as_fd()
}

/// The socket's address family, from the address `getsockname(2)`
/// reports (these kernels have no `SO_DOMAIN`, or not in every version):
/// an unbound socket still reports its family, with a zero address.
#[cfg(not(ipv4_std_family = "linux"))]
pub(crate) fn socket_family(fd: BorrowedSocket<'_>) -> io::Result<c_int> {
    // SAFETY: `sockaddr_storage` is plain C data; all zeros is valid.
    let mut storage: libc::sockaddr_storage = unsafe { MaybeUninit::zeroed().assume_init() };
    let mut len = size_of::<libc::sockaddr_storage>() as socklen_t;
    // SAFETY: `storage` is `len` writable bytes, which the kernel does not
    // exceed; it stores the address length in `len`.
    let rc = unsafe {
        libc::getsockname(
            fd.as_raw_fd(),
            (&raw mut storage).cast::<libc::sockaddr>(),
            &mut len,
        )
    };
    if rc == -1 {
        return Err(io::Error::last_os_error());
    }
    Ok(c_int::from(storage.ss_family))
}

#[cfg(not(ipv4_std_family = "linux"))]
pub(crate) use link_dl::*;

/// The link-layer entries of `getifaddrs(3)` on the BSDs and illumos:
/// `AF_LINK`, a `sockaddr_dl` whose `sdl_index` follows a 16-bit start
/// (`sdl_len` and `sdl_family`, or illumos' 16-bit `sdl_family`).
#[cfg(not(ipv4_std_family = "linux"))]
mod link_dl {
    use super::c_int;

    /// Families these kernels have beside the POSIX ones, by name, for
    /// error messages.
    pub(crate) const FAMILY_NAMES: &[(c_int, &str)] =
        &[(libc::AF_LINK, "AF_LINK"), (libc::AF_ROUTE, "AF_ROUTE")];

    /// The family of the link-layer entries of `getifaddrs(3)`: one
    /// `sockaddr_dl` per interface (illumos lists none, and interfaces are
    /// found through their addresses).
    pub(crate) const LINK_FAMILY: c_int = libc::AF_LINK;

    /// The interface index of an `AF_LINK` `getifaddrs` entry
    /// (`sdl_index`); `None` for index 0.
    ///
    /// # Safety
    ///
    /// `sa` points to a `sockaddr_dl` as `getifaddrs` allocates it.
    pub(crate) unsafe fn link_index(sa: *const libc::sockaddr) -> Option<u32> {
        // SAFETY: the caller's contract; `read_unaligned` asks nothing of
        // alignment.
        let dl = unsafe { sa.cast::<libc::sockaddr_dl>().read_unaligned() };
        Some(u32::from(dl.sdl_index)).filter(|&index| index != 0)
    }
}

/// `IP_MULTICAST_IF` read: every Unix reports the address (a `struct
/// in_addr`), never the index.
pub(crate) fn multicast_interface_address(fd: BorrowedSocket<'_>) -> io::Result<Ipv4Addr> {
    let (addr, _) = getsockopt::<libc::in_addr>(fd, IPPROTO_IP, libc::IP_MULTICAST_IF)?;
    Ok(from_in_addr(addr))
}

/// `IP_MULTICAST_IF` set with a `struct ip_mreqn`: the interface by index
/// (0 for none) or by local address (Linux, macOS and FreeBSD take it).
#[cfg(ipv4_std_mreqn)]
pub(crate) fn set_multicast_interface(
    fd: BorrowedSocket<'_>,
    index: c_int,
    address: Ipv4Addr,
) -> io::Result<()> {
    let mreqn = libc::ip_mreqn {
        imr_multiaddr: in_addr(Ipv4Addr::UNSPECIFIED),
        imr_address: in_addr(address),
        imr_ifindex: index,
    };
    setsockopt(fd, IPPROTO_IP, libc::IP_MULTICAST_IF, &mreqn)
}

// SAFETY: `ip_mreqn` is `#[repr(C)]` of two `in_addr` and a `c_int`.
#[cfg(ipv4_std_mreqn)]
unsafe impl OptionValue for libc::ip_mreqn {}

#[cfg(not(ipv4_std_mreqn))]
pub(crate) use by_address::*;

/// The kernels without `ip_mreqn` (NetBSD, OpenBSD, DragonFly, illumos),
/// which name a multicast interface by one of its addresses.
#[cfg(not(ipv4_std_mreqn))]
mod by_address {
    use std::ffi::CString;
    use std::io;
    use std::net::Ipv4Addr;

    use super::{
        BorrowedSocket, IPPROTO_IP, IfAddrKind, c_int, if_nametoindex, in_addr,
        interface_addresses, setsockopt,
    };

    /// `IP_MULTICAST_IF` set with a `struct in_addr`: an interface given
    /// by index is named by its first IPv4 address.
    pub(crate) fn set_multicast_interface(
        fd: BorrowedSocket<'_>,
        index: c_int,
        address: Ipv4Addr,
    ) -> io::Result<()> {
        let address = match u32::try_from(index) {
            Ok(index) if index != 0 => interface_ipv4(index)?,
            _ => address,
        };
        setsockopt(fd, IPPROTO_IP, libc::IP_MULTICAST_IF, &in_addr(address))
    }

    /// The first IPv4 address of the interface with index `index`.
    ///
    /// # Errors
    ///
    /// [`AddrNotAvailable`](io::ErrorKind::AddrNotAvailable) when no
    /// interface has that index or it has no IPv4 address.
    pub(crate) fn interface_ipv4(index: u32) -> io::Result<Ipv4Addr> {
        let entries = interface_addresses()?;
        let has_index = |name: &str| {
            CString::new(name)
                .ok()
                .and_then(|n| if_nametoindex(&n).ok().flatten())
                == Some(index)
        };
        // By the link entry where there is one; illumos lists none, so
        // there each name is asked for its index.
        let name = entries
            .iter()
            .find_map(|e| match e.addr {
                IfAddrKind::Link { index: i } if i == index => Some(e.name.clone()),
                _ => None,
            })
            .or_else(|| {
                entries
                    .iter()
                    .find(|e| has_index(&e.name))
                    .map(|e| e.name.clone())
            });
        name.and_then(|name| {
            entries.iter().find_map(|e| match e.addr {
                IfAddrKind::Ipv4 { address, .. } if e.name == name => Some(address),
                _ => None,
            })
        })
        .ok_or_else(|| {
            io::Error::new(
                io::ErrorKind::AddrNotAvailable,
                format!("no interface with index {index} has an IPv4 address"),
            )
        })
    }
}

/// libc's `CMSG_FIRSTHDR`/`CMSG_NXTHDR` walk over `buf` (aligned for
/// `cmsghdr`), for the tests that hold the codec to this target's libc:
/// each message's offset, level, type, `cmsg_len`, and where `CMSG_DATA`
/// puts its data (from the message's start).
#[cfg(test)]
pub(crate) fn libc_cmsg_walk(buf: &mut [u8]) -> Vec<(usize, c_int, c_int, usize, usize)> {
    // SAFETY: all zeros is a valid empty `msghdr`.
    let mut msg: libc::msghdr = unsafe { MaybeUninit::zeroed().assume_init() };
    msg.msg_control = buf.as_mut_ptr().cast::<c_void>();
    msg.msg_controllen = buf.len() as _;
    let base = buf.as_ptr() as usize;
    let mut found = Vec::new();
    // SAFETY: `msg` describes `buf`, alive and unaliased during the walk;
    // the macros stay within `msg_controllen`, and each header they return
    // is aligned (the buffer is) and inside the buffer.
    unsafe {
        let mut cmsg = libc::CMSG_FIRSTHDR(&msg);
        while !cmsg.is_null() {
            let h = &*cmsg;
            let data = libc::CMSG_DATA(cmsg) as usize - cmsg as usize;
            #[allow(clippy::unnecessary_cast)]
            found.push((
                cmsg as usize - base,
                h.cmsg_level,
                h.cmsg_type,
                h.cmsg_len as usize,
                data,
            ));
            cmsg = libc::CMSG_NXTHDR(&msg, cmsg);
        }
    }
    found
}

/// libc's `CMSG_SPACE(n)` and `CMSG_LEN(n)` for this target.
#[cfg(test)]
pub(crate) fn libc_cmsg_sizes(n: u32) -> (usize, usize) {
    // SAFETY: arithmetic on the argument only.
    unsafe { (libc::CMSG_SPACE(n) as usize, libc::CMSG_LEN(n) as usize) }
}

// Membership by interface address (`struct ip_mreq`, every Unix; `struct
// ip_mreq_source` where the kernel has the source calls by address).

pub(crate) use libc::{IP_ADD_MEMBERSHIP, IP_DROP_MEMBERSHIP};
#[cfg(ipv4_std_mreq_source)]
pub(crate) use libc::{
    IP_ADD_SOURCE_MEMBERSHIP, IP_BLOCK_SOURCE, IP_DROP_SOURCE_MEMBERSHIP, IP_UNBLOCK_SOURCE,
};

/// `IP_ADD_MEMBERSHIP`/`IP_DROP_MEMBERSHIP` with a `struct ip_mreq`: the
/// interface by one of its local addresses (0.0.0.0: the routing table
/// chooses).
pub(crate) fn membership_by_address(
    fd: BorrowedSocket<'_>,
    name: c_int,
    group: Ipv4Addr,
    interface: Ipv4Addr,
) -> io::Result<()> {
    let mreq = libc::ip_mreq {
        imr_multiaddr: in_addr(group),
        imr_interface: in_addr(interface),
    };
    setsockopt(fd, IPPROTO_IP, name, &mreq)
}

#[cfg(ipv4_std_mreq_source)]
/// `IP_ADD_SOURCE_MEMBERSHIP`, `IP_DROP_SOURCE_MEMBERSHIP`,
/// `IP_BLOCK_SOURCE` or `IP_UNBLOCK_SOURCE` with a `struct
/// ip_mreq_source`: the interface by one of its local addresses.
pub(crate) fn source_membership_by_address(
    fd: BorrowedSocket<'_>,
    name: c_int,
    group: Ipv4Addr,
    interface: Ipv4Addr,
    source: Ipv4Addr,
) -> io::Result<()> {
    let mreq = libc::ip_mreq_source {
        imr_multiaddr: in_addr(group),
        imr_interface: in_addr(interface),
        imr_sourceaddr: in_addr(source),
    };
    setsockopt(fd, IPPROTO_IP, name, &mreq)
}

// SAFETY: `ip_mreq` is `#[repr(C)]` of two `in_addr`.
unsafe impl OptionValue for libc::ip_mreq {}
#[cfg(ipv4_std_mreq_source)]
// SAFETY: `ip_mreq_source` is `#[repr(C)]` of three `in_addr`.
unsafe impl OptionValue for libc::ip_mreq_source {}
