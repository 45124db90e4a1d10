//! The adapter's one door to the kernel for what socket2 does not cover:
//! `setsockopt(2)`/`getsockopt(2)` with typed values, `recvmsg(2)` and
//! `sendmsg(2)` with an IPv4 address and a control buffer.
//!
//! Every `unsafe` block of the crate is in this module; each says why it is
//! sound. Options socket2 already offers (`IP_TOS`, `IP_TTL`,
//! `IP_MULTICAST_TTL`, `IP_MULTICAST_LOOP`, `IP_RECVTOS`) are used through
//! [`socket2::SockRef`] by the modules that need them.

use std::io::{self, IoSlice, IoSliceMut};
use std::mem::{MaybeUninit, size_of};
use std::net::{Ipv4Addr, SocketAddrV4};
use std::os::fd::{AsRawFd, BorrowedFd};

use libc::{c_int, c_void, socklen_t};

/// A value that may be passed to and read back from `setsockopt`/`getsockopt`
/// as raw bytes.
///
/// # Safety
///
/// Implementors must be `#[repr(C)]` (or primitive) plain data for which
/// every bit pattern, in particular all zeros, is a valid value.
pub(crate) unsafe trait OptionValue: Copy {}

// SAFETY: integers accept every bit pattern.
unsafe impl OptionValue for c_int {}
// SAFETY: integers accept every bit pattern.
unsafe impl OptionValue for u32 {}
// SAFETY: `in_addr` is `#[repr(C)] { s_addr: u32 }`.
unsafe impl OptionValue for libc::in_addr {}
// SAFETY: `ip_mreqn` is `#[repr(C)]` of two `in_addr` and a `c_int`.
unsafe impl OptionValue for libc::ip_mreqn {}
// SAFETY: `#[repr(C)]` of integers and byte arrays, see `GroupReq`.
unsafe impl OptionValue for GroupReq {}
// SAFETY: `#[repr(C)]` of integers and byte arrays, see `GroupSourceReq`.
unsafe impl OptionValue for GroupSourceReq {}
// SAFETY: `sock_fprog` is `#[repr(C)] { len: u16, filter: *mut sock_filter }`;
// any bit pattern is a valid raw pointer value (the kernel checks the pointer
// with `copy_from_user` and fails with EFAULT, it never trusts it).
unsafe impl OptionValue for libc::sock_fprog {}

/// Sets option `name` at `level` to the bytes of `value`.
pub(crate) fn setsockopt<T: OptionValue>(
    fd: BorrowedFd<'_>,
    level: c_int,
    name: c_int,
    value: &T,
) -> io::Result<()> {
    // SAFETY: `value` points to `size_of::<T>()` initialised bytes that live
    // across the call; the kernel only reads them.
    let rc = unsafe {
        libc::setsockopt(
            fd.as_raw_fd(),
            level,
            name,
            (value as *const T).cast::<c_void>(),
            size_of::<T>() as socklen_t,
        )
    };
    if rc == -1 {
        Err(io::Error::last_os_error())
    } else {
        Ok(())
    }
}

/// Reads option `name` at `level` into a zeroed `T`, and returns it with the
/// number of bytes the kernel wrote.
pub(crate) fn getsockopt<T: OptionValue>(
    fd: BorrowedFd<'_>,
    level: c_int,
    name: c_int,
) -> io::Result<(T, usize)> {
    let mut value = MaybeUninit::<T>::zeroed();
    let mut len = size_of::<T>() as socklen_t;
    // SAFETY: `value` is `len` writable bytes; the kernel writes at most
    // `len` bytes and stores the count it wrote in `len`.
    let rc = unsafe {
        libc::getsockopt(
            fd.as_raw_fd(),
            level,
            name,
            value.as_mut_ptr().cast::<c_void>(),
            &mut len,
        )
    };
    if rc == -1 {
        return Err(io::Error::last_os_error());
    }
    // SAFETY: the bytes were zeroed and then partly overwritten by the
    // kernel; `T: OptionValue` accepts any bytes.
    Ok((unsafe { value.assume_init() }, len as usize))
}

/// Sets an `int` option.
pub(crate) fn set_int(
    fd: BorrowedFd<'_>,
    level: c_int,
    name: c_int,
    value: c_int,
) -> io::Result<()> {
    setsockopt(fd, level, name, &value)
}

/// Reads an `int` option. Linux answers with a single byte for some options
/// when asked with a shorter buffer; this accepts both forms.
pub(crate) fn get_int(fd: BorrowedFd<'_>, level: c_int, name: c_int) -> io::Result<c_int> {
    let (value, len) = getsockopt::<c_int>(fd, level, name)?;
    match len {
        4 => Ok(value),
        1 => Ok(c_int::from(value.to_ne_bytes()[0])),
        n => Err(io::Error::new(
            io::ErrorKind::InvalidData,
            format!("getsockopt({level}, {name}) returned {n} bytes where an int (4) was expected"),
        )),
    }
}

/// `struct sockaddr_storage` holding a `sockaddr_in`: same size and alignment
/// as libc's, built without `unsafe`.
#[derive(Clone, Copy)]
#[repr(C)]
pub(crate) struct StorageIn {
    sin: libc::sockaddr_in,
    pad: [u8; size_of::<libc::sockaddr_storage>() - size_of::<libc::sockaddr_in>()],
    align: [libc::c_ulong; 0],
}

impl StorageIn {
    fn new(addr: Ipv4Addr) -> StorageIn {
        StorageIn {
            sin: sockaddr_in(SocketAddrV4::new(addr, 0)),
            pad: [0; size_of::<libc::sockaddr_storage>() - size_of::<libc::sockaddr_in>()],
            align: [],
        }
    }
}

/// `struct group_req` (RFC 3678 §5.1) with an IPv4 group.
#[derive(Clone, Copy)]
#[repr(C)]
pub(crate) struct GroupReq {
    interface: u32,
    group: StorageIn,
}

/// `struct group_source_req` (RFC 3678 §5.1) with an IPv4 group and source.
#[derive(Clone, Copy)]
#[repr(C)]
pub(crate) struct GroupSourceReq {
    interface: u32,
    group: StorageIn,
    source: StorageIn,
}

const _: () = assert!(size_of::<StorageIn>() == size_of::<libc::sockaddr_storage>());
const _: () = assert!(align_of::<StorageIn>() == align_of::<libc::sockaddr_storage>());
const _: () = assert!(size_of::<GroupReq>() == size_of::<libc::group_req>());
const _: () = assert!(size_of::<GroupSourceReq>() == size_of::<libc::group_source_req>());

impl GroupReq {
    pub(crate) fn new(if_index: u32, group: Ipv4Addr) -> GroupReq {
        GroupReq {
            interface: if_index,
            group: StorageIn::new(group),
        }
    }
}

impl GroupSourceReq {
    pub(crate) fn new(if_index: u32, group: Ipv4Addr, source: Ipv4Addr) -> GroupSourceReq {
        GroupSourceReq {
            interface: if_index,
            group: StorageIn::new(group),
            source: StorageIn::new(source),
        }
    }
}

/// A `sockaddr_in` for `addr`.
pub(crate) fn sockaddr_in(addr: SocketAddrV4) -> libc::sockaddr_in {
    libc::sockaddr_in {
        sin_family: libc::AF_INET as libc::sa_family_t,
        sin_port: addr.port().to_be(),
        sin_addr: libc::in_addr {
            s_addr: u32::from(*addr.ip()).to_be(),
        },
        sin_zero: [0; 8],
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

/// What one `recvmsg` returned.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Received {
    /// Bytes written into the buffers.
    pub(crate) len: usize,
    /// Bytes of control messages written into the control buffer.
    pub(crate) control_len: usize,
    /// The sender, when the kernel reported an IPv4 one.
    pub(crate) source: Option<SocketAddrV4>,
}

/// `recvmsg(2)` into `bufs`, with `control` as the control buffer (empty for
/// none).
pub(crate) fn recvmsg(
    fd: BorrowedFd<'_>,
    bufs: &mut [IoSliceMut<'_>],
    control: &mut [u8],
    flags: c_int,
) -> io::Result<Received> {
    let mut name = sockaddr_in(SocketAddrV4::new(Ipv4Addr::UNSPECIFIED, 0));
    // SAFETY: `msghdr` is plain C data; all zeros is a valid empty header
    // (null pointers, zero lengths), including any private padding fields.
    let mut msg: libc::msghdr = unsafe { MaybeUninit::zeroed().assume_init() };
    msg.msg_name = (&raw mut name).cast::<c_void>();
    msg.msg_namelen = size_of::<libc::sockaddr_in>() as socklen_t;
    // `IoSliceMut` is ABI-compatible with `struct iovec` on Unix (std
    // documents this guarantee).
    msg.msg_iov = bufs.as_mut_ptr().cast::<libc::iovec>();
    msg.msg_iovlen = bufs.len() as _;
    if !control.is_empty() {
        msg.msg_control = control.as_mut_ptr().cast::<c_void>();
        msg.msg_controllen = control.len() as _;
    }
    // SAFETY: every pointer in `msg` refers to memory this function borrows
    // mutably for the duration of the call, with the lengths given: `name`
    // (a `sockaddr_in`), the iovecs (each describing a live `&mut [u8]`), and
    // `control`. The kernel writes within those lengths only.
    let n = unsafe { libc::recvmsg(fd.as_raw_fd(), &mut msg, flags) };
    if n < 0 {
        return Err(io::Error::last_os_error());
    }
    let source = (msg.msg_namelen as usize >= size_of::<libc::sockaddr_in>()
        && c_int::from(name.sin_family) == libc::AF_INET)
        .then(|| SocketAddrV4::new(from_in_addr(name.sin_addr), u16::from_be(name.sin_port)));
    // `msg_controllen` is a `size_t` on glibc and a `socklen_t` on musl.
    #[allow(clippy::unnecessary_cast)]
    let control_len = (msg.msg_controllen as usize).min(control.len());
    Ok(Received {
        len: n as usize,
        control_len,
        source,
    })
}

/// `sendmsg(2)` of `bufs` to `dst` (none on a connected socket), with
/// `control` as the control buffer (empty for none).
pub(crate) fn sendmsg(
    fd: BorrowedFd<'_>,
    bufs: &[IoSlice<'_>],
    dst: Option<SocketAddrV4>,
    control: &[u8],
    flags: c_int,
) -> io::Result<usize> {
    let name = dst.map(sockaddr_in);
    // SAFETY: as in `recvmsg`: all zeros is a valid empty `msghdr`.
    let mut msg: libc::msghdr = unsafe { MaybeUninit::zeroed().assume_init() };
    if let Some(name) = &name {
        msg.msg_name = (name as *const libc::sockaddr_in)
            .cast_mut()
            .cast::<c_void>();
        msg.msg_namelen = size_of::<libc::sockaddr_in>() as socklen_t;
    }
    // `IoSlice` is ABI-compatible with `struct iovec` on Unix.
    msg.msg_iov = bufs.as_ptr().cast_mut().cast::<libc::iovec>();
    msg.msg_iovlen = bufs.len() as _;
    if !control.is_empty() {
        msg.msg_control = control.as_ptr().cast_mut().cast::<c_void>();
        msg.msg_controllen = control.len() as _;
    }
    // SAFETY: every pointer in `msg` refers to memory borrowed for the call
    // with the lengths given (`name`, the iovecs, `control`); `sendmsg` only
    // reads through them, so the `cast_mut`s never lead to a write.
    let n = unsafe { libc::sendmsg(fd.as_raw_fd(), &msg, flags) };
    if n < 0 {
        Err(io::Error::last_os_error())
    } else {
        Ok(n as usize)
    }
}
