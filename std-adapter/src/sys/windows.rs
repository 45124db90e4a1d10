//! Windows, over Winsock (`windows-sys`, which socket2 already depends
//! on): `setsockopt`/`getsockopt`, `WSARecvFrom` and `WSASendTo` with
//! scatter/gather buffers, `IP_MULTICAST_IF` as a `DWORD`, the `MCAST_*`
//! calls with `GROUP_REQ`, and `if_nametoindex`.
//!
//! What Windows does not get: control messages (`WSARecvMsg` is not
//! used, so no received TTL, TOS, destination or interface, and nothing
//! sent per datagram), listing interfaces (`Interface::list`; by index or
//! by name works), and everything Linux alone has (ICMP filter, BPF).

use std::ffi::CStr;
use std::io::{self, IoSlice, IoSliceMut};
use std::mem::size_of;
use std::net::{Ipv4Addr, SocketAddrV4};
use std::os::windows::io::AsRawSocket;

use ipv4_core::control::ControlFlags;
use windows_sys::Win32::Networking::WinSock as ws;

use super::layouts::{self, McastReq};
use super::{IfAddr, OptionValue, Received, getsockopt, setsockopt};
use crate::cmsg::Layout;

/// What gives out a [`BorrowedSocket`].
pub(crate) use std::os::windows::io::AsSocket;
/// A borrowed socket: a `SOCKET` on Windows.
pub(crate) use std::os::windows::io::BorrowedSocket;

pub(crate) use std::ffi::c_int;

/// `SOL_SOCKET`.
pub(crate) const SOL_SOCKET: c_int = ws::SOL_SOCKET;
/// `IPPROTO_IP`.
pub(crate) const IPPROTO_IP: c_int = ws::IPPROTO_IP;
/// `IP_HDRINCL`: raw sockets (administrators only) may send whole datagrams.
pub(crate) const IP_HDRINCL: c_int = ws::IP_HDRINCL;
/// `MCAST_JOIN_GROUP` (`ws2ipdef.h`).
pub(crate) const MCAST_JOIN_GROUP: c_int = ws::MCAST_JOIN_GROUP as c_int;
/// `MCAST_LEAVE_GROUP`.
pub(crate) const MCAST_LEAVE_GROUP: c_int = ws::MCAST_LEAVE_GROUP as c_int;
/// `MCAST_JOIN_SOURCE_GROUP`.
pub(crate) const MCAST_JOIN_SOURCE_GROUP: c_int = ws::MCAST_JOIN_SOURCE_GROUP as c_int;
/// `MCAST_LEAVE_SOURCE_GROUP`.
pub(crate) const MCAST_LEAVE_SOURCE_GROUP: c_int = ws::MCAST_LEAVE_SOURCE_GROUP as c_int;
/// `MCAST_BLOCK_SOURCE`.
pub(crate) const MCAST_BLOCK_SOURCE: c_int = ws::MCAST_BLOCK_SOURCE as c_int;
/// `MCAST_UNBLOCK_SOURCE`.
pub(crate) const MCAST_UNBLOCK_SOURCE: c_int = ws::MCAST_UNBLOCK_SOURCE as c_int;
/// `MSG_TRUNC` as the crate reports it: set when `WSARecvFrom` fails with
/// `WSAEMSGSIZE` (the buffer holds the start of the datagram).
pub(crate) const MSG_TRUNC: c_int = ws::MSG_TRUNC as c_int;
/// `MSG_CTRUNC` (never set: no control messages are received).
pub(crate) const MSG_CTRUNC: c_int = ws::MSG_CTRUNC as c_int;
/// No `MSG_DONTWAIT` either: a batch receive takes one datagram a call.
pub(crate) const MSG_DONTWAIT: c_int = 0;

/// Numbers only the crate's unit tests use.
#[cfg(test)]
pub(crate) const EINVAL: c_int = ws::WSAEINVAL;

/// `WSACMSGHDR`'s layout, with no message: the crate sends and receives
/// none on Windows.
pub(crate) const CMSG_LAYOUT: Layout = layouts::WINDOWS;
/// No control message can be turned on.
pub(crate) const RECV_CONTROL_OPTIONS: &[(ControlFlags, c_int)] = &[];

/// `socket`, borrowed: the one call of `as_socket`.
pub(crate) fn borrow<S: AsSocket + ?Sized>(socket: &S) -> BorrowedSocket<'_> {
    socket.as_socket()
}

fn raw(socket: BorrowedSocket<'_>) -> ws::SOCKET {
    socket.as_raw_socket() as ws::SOCKET
}

/// The error of the last Winsock call (Winsock sets the thread's last
/// error, which `last_os_error` reads).
fn last_error() -> io::Error {
    io::Error::last_os_error()
}

// SAFETY: `WSAPROTOCOL_INFOW` is `#[repr(C)]` integers, a GUID and arrays.
unsafe impl OptionValue for ws::WSAPROTOCOL_INFOW {}

/// `setsockopt` with the `len` bytes at `value`.
///
/// # Safety
///
/// `value` points to `len` initialised bytes alive across the call (which
/// only reads them).
pub(crate) unsafe fn setsockopt_raw(
    socket: BorrowedSocket<'_>,
    level: c_int,
    name: c_int,
    value: *const u8,
    len: usize,
) -> io::Result<()> {
    let len = i32::try_from(len).map_err(|_| io::Error::from(io::ErrorKind::InvalidInput))?;
    // SAFETY: the caller's contract.
    let rc = unsafe { ws::setsockopt(raw(socket), level, name, value, len) };
    if rc == 0 { Ok(()) } else { Err(last_error()) }
}

/// `getsockopt` into the `len` bytes at `value`; returns the byte count
/// Winsock wrote.
///
/// # Safety
///
/// `value` points to `len` writable bytes alive across the call; Winsock
/// writes at most that many.
pub(crate) unsafe fn getsockopt_raw(
    socket: BorrowedSocket<'_>,
    level: c_int,
    name: c_int,
    value: *mut u8,
    len: usize,
) -> io::Result<usize> {
    let mut written = i32::try_from(len).unwrap_or(i32::MAX);
    // SAFETY: the caller's contract; Winsock stores the count in `written`.
    let rc = unsafe { ws::getsockopt(raw(socket), level, name, value, &mut written) };
    if rc != 0 {
        return Err(last_error());
    }
    Ok(usize::try_from(written).unwrap_or(0).min(len))
}

/// A socket's address family and type, from `SO_PROTOCOL_INFOW`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct SocketKind {
    family: i32,
    socket_type: i32,
}

impl SocketKind {
    /// Asks Winsock. A handle that is not a socket is an
    /// [`InvalidInput`](io::ErrorKind::InvalidInput) error.
    pub(crate) fn of(socket: BorrowedSocket<'_>) -> io::Result<SocketKind> {
        let (info, _) = getsockopt::<ws::WSAPROTOCOL_INFOW>(socket, SOL_SOCKET, ws::SO_PROTOCOL_INFOW)
            .map_err(|e| match e.raw_os_error() {
                Some(ws::WSAENOTSOCK) => {
                    io::Error::new(io::ErrorKind::InvalidInput, "the handle is not a socket")
                }
                _ => e,
            })?;
        Ok(SocketKind {
            family: info.iAddressFamily,
            socket_type: info.iSocketType,
        })
    }

    /// Whether the family is `AF_INET`.
    pub(crate) fn is_ipv4(self) -> bool {
        self.family == i32::from(ws::AF_INET)
    }

    /// Whether the type is `SOCK_DGRAM`.
    pub(crate) fn is_datagram(self) -> bool {
        self.socket_type == ws::SOCK_DGRAM
    }

    /// Whether the type is `SOCK_RAW`.
    pub(crate) fn is_raw(self) -> bool {
        self.socket_type == ws::SOCK_RAW
    }

    /// The family's name and number, e.g. `AF_INET6 (23)`.
    pub(crate) fn family_name(self) -> String {
        let name = if self.family == i32::from(ws::AF_INET) {
            "AF_INET"
        } else if self.family == i32::from(ws::AF_INET6) {
            "AF_INET6"
        } else {
            "family"
        };
        format!("{name} ({})", self.family)
    }

    /// The type's name and number, e.g. `SOCK_STREAM (1)`.
    pub(crate) fn type_name(self) -> String {
        let name = [
            (ws::SOCK_STREAM, "SOCK_STREAM"),
            (ws::SOCK_DGRAM, "SOCK_DGRAM"),
            (ws::SOCK_RAW, "SOCK_RAW"),
        ]
        .into_iter()
        .find_map(|(t, name)| (t == self.socket_type).then_some(name))
        .unwrap_or("type");
        format!("{name} ({})", self.socket_type)
    }
}

/// `IP_MULTICAST_IF` set with a `DWORD`: an interface index `i` as the
/// address `0.0.0.i` (which Windows reads as an index), else the local
/// address.
pub(crate) fn set_multicast_interface(
    socket: BorrowedSocket<'_>,
    index: c_int,
    address: Ipv4Addr,
) -> io::Result<()> {
    let value = match u32::try_from(index) {
        Ok(index) if index != 0 => Ipv4Addr::from(index),
        _ => address,
    };
    setsockopt(
        socket,
        IPPROTO_IP,
        ws::IP_MULTICAST_IF,
        &u32::from_ne_bytes(value.octets()),
    )
}

/// `IP_MULTICAST_IF` read: the address; set by index (`0.0.0.i`), it
/// reads as unspecified, and the wrapper reports the index it recorded.
pub(crate) fn multicast_interface_address(socket: BorrowedSocket<'_>) -> io::Result<Ipv4Addr> {
    let (value, _) = getsockopt::<u32>(socket, IPPROTO_IP, ws::IP_MULTICAST_IF)?;
    let address = Ipv4Addr::from(value.to_ne_bytes());
    Ok(if address.octets()[0] == 0 {
        Ipv4Addr::UNSPECIFIED
    } else {
        address
    })
}

/// Where `GROUP_REQ` puts its fields on 64-bit Windows (`ws2ipdef.h`:
/// `ULONG` then an 8-aligned `SOCKADDR_STORAGE`).
pub(crate) const GROUP_REQ: layouts::GroupReqLayout = layouts::GROUP_REQ_LP64;
/// `GROUP_REQ`, as bytes laid out by [`layouts`].
pub(crate) type GroupReq = McastReq<{ GROUP_REQ.req_len }>;
/// `GROUP_SOURCE_REQ`, as bytes laid out by [`layouts`].
pub(crate) type GroupSourceReq = McastReq<{ GROUP_REQ.source_req_len }>;

#[cfg(target_pointer_width = "64")]
const _: () = {
    assert!(size_of::<GroupReq>() == size_of::<ws::GROUP_REQ>());
    assert!(size_of::<GroupSourceReq>() == size_of::<ws::GROUP_SOURCE_REQ>());
    assert!(std::mem::offset_of!(ws::GROUP_REQ, gr_group) == GROUP_REQ.group_offset);
    assert!(std::mem::offset_of!(ws::GROUP_SOURCE_REQ, gsr_source) == GROUP_REQ.source_offset);
};

/// `SOCKADDR_IN`: family, port and address, network order but the family.
#[derive(Clone, Copy)]
#[repr(C)]
struct SockaddrIn {
    family: u16,
    port: [u8; 2],
    addr: [u8; 4],
    zero: [u8; 8],
}

impl SockaddrIn {
    fn new(addr: SocketAddrV4) -> SockaddrIn {
        SockaddrIn {
            family: ws::AF_INET,
            port: addr.port().to_be_bytes(),
            addr: addr.ip().octets(),
            zero: [0; 8],
        }
    }

    fn get(&self, len: i32) -> Option<SocketAddrV4> {
        (usize::try_from(len).is_ok_and(|l| l >= size_of::<SockaddrIn>())
            && self.family == ws::AF_INET)
            .then(|| SocketAddrV4::new(Ipv4Addr::from(self.addr), u16::from_be_bytes(self.port)))
    }
}

/// `WSARecvFrom` into `bufs`. There are no control messages (`control` is
/// left as it is) and `flags` are not passed on; a datagram longer than
/// the buffers fills them and is reported with [`MSG_TRUNC`].
pub(crate) fn recvmsg(
    socket: BorrowedSocket<'_>,
    bufs: &mut [IoSliceMut<'_>],
    _control: &mut [u8],
    _flags: c_int,
) -> io::Result<Received> {
    let mut name = SockaddrIn::new(SocketAddrV4::new(Ipv4Addr::UNSPECIFIED, 0));
    let mut name_len = size_of::<SockaddrIn>() as i32;
    let mut got = 0u32;
    let mut call_flags = 0u32;
    // SAFETY: `IoSliceMut` is ABI-compatible with `WSABUF` on Windows (std
    // documents this), each describing a live `&mut [u8]`; `name` is
    // `name_len` writable bytes; the call is synchronous (no OVERLAPPED)
    // and writes within those lengths only.
    let rc = unsafe {
        ws::WSARecvFrom(
            raw(socket),
            bufs.as_ptr().cast::<ws::WSABUF>(),
            u32::try_from(bufs.len()).unwrap_or(u32::MAX),
            &mut got,
            &mut call_flags,
            (&raw mut name).cast::<ws::SOCKADDR>(),
            &mut name_len,
            std::ptr::null_mut(),
            None,
        )
    };
    let (len, flags) = if rc == 0 {
        (got as usize, 0)
    } else {
        let e = last_error();
        if e.raw_os_error() != Some(ws::WSAEMSGSIZE) {
            return Err(e);
        }
        (bufs.iter().map(|b| b.len()).sum(), MSG_TRUNC)
    };
    Ok(Received {
        len,
        control_len: 0,
        source: name.get(name_len),
        flags,
    })
}

/// `WSASendTo` of `bufs` to `dst` (none on a connected socket). A control
/// buffer cannot be sent: the codec refuses every field on Windows first.
pub(crate) fn sendmsg(
    socket: BorrowedSocket<'_>,
    bufs: &[IoSlice<'_>],
    dst: Option<SocketAddrV4>,
    control: &[u8],
    _flags: c_int,
) -> io::Result<usize> {
    if !control.is_empty() {
        return Err(io::Error::new(
            io::ErrorKind::Unsupported,
            "control messages are not sent on Windows",
        ));
    }
    let name = dst.map(SockaddrIn::new);
    let (to, to_len) = match &name {
        Some(n) => (
            (n as *const SockaddrIn).cast::<ws::SOCKADDR>(),
            size_of::<SockaddrIn>() as i32,
        ),
        None => (std::ptr::null(), 0),
    };
    let mut sent = 0u32;
    // SAFETY: `IoSlice` is ABI-compatible with `WSABUF`, each describing a
    // live `&[u8]` that the call only reads; `to` is null or `to_len`
    // readable bytes; synchronous call.
    let rc = unsafe {
        ws::WSASendTo(
            raw(socket),
            bufs.as_ptr().cast::<ws::WSABUF>(),
            u32::try_from(bufs.len()).unwrap_or(u32::MAX),
            &mut sent,
            0,
            to,
            to_len,
            std::ptr::null_mut(),
            None,
        )
    };
    if rc == 0 {
        Ok(sent as usize)
    } else {
        Err(last_error())
    }
}

/// The interface flags [`crate::InterfaceFlags`] names, with Linux's
/// values (nothing on Windows reports them: interfaces are not listed).
pub(crate) const IFF_UP: u32 = 0x1;
/// `IFF_BROADCAST`.
pub(crate) const IFF_BROADCAST: u32 = 0x2;
/// `IFF_LOOPBACK`.
pub(crate) const IFF_LOOPBACK: u32 = 0x8;
/// `IFF_POINTOPOINT`.
pub(crate) const IFF_POINTOPOINT: u32 = 0x10;
/// `IFF_RUNNING`.
pub(crate) const IFF_RUNNING: u32 = 0x40;
/// `IFF_MULTICAST`.
pub(crate) const IFF_MULTICAST: u32 = 0x1000;
/// The longest interface name `if_nametoindex` takes (`IF_MAX_STRING_SIZE`).
pub(crate) const IF_NAME_MAX: usize = 256;

/// Listing interfaces is not implemented on Windows (it would need
/// `GetAdaptersAddresses`): an [`Unsupported`](io::ErrorKind::Unsupported)
/// error. Interfaces are named by index, or by name through
/// [`if_nametoindex`].
pub(crate) fn interface_addresses() -> io::Result<Vec<IfAddr>> {
    Err(io::Error::new(
        io::ErrorKind::Unsupported,
        "listing interfaces is not supported on Windows; name an interface by index or by name",
    ))
}

/// The index of the interface named `name` (`if_nametoindex`, of the IP
/// Helper API); `None` when there is none.
pub(crate) fn if_nametoindex(name: &CStr) -> io::Result<Option<u32>> {
    // SAFETY: `name` is NUL-terminated and borrowed for the call, which
    // only reads it.
    let index = unsafe {
        windows_sys::Win32::NetworkManagement::IpHelper::if_nametoindex(name.as_ptr().cast())
    };
    Ok((index != 0).then_some(index))
}

// Membership by interface address: `IP_MREQ` and `IP_MREQ_SOURCE`
// (`ws2ipdef.h`), as byte arrays in the field order of Winsock's
// structures (each `IN_ADDR` four bytes in network order).

/// `IP_ADD_MEMBERSHIP`.
pub(crate) const IP_ADD_MEMBERSHIP: c_int = ws::IP_ADD_MEMBERSHIP;
/// `IP_DROP_MEMBERSHIP`.
pub(crate) const IP_DROP_MEMBERSHIP: c_int = ws::IP_DROP_MEMBERSHIP;
/// `IP_ADD_SOURCE_MEMBERSHIP`.
pub(crate) const IP_ADD_SOURCE_MEMBERSHIP: c_int = ws::IP_ADD_SOURCE_MEMBERSHIP;
/// `IP_DROP_SOURCE_MEMBERSHIP`.
pub(crate) const IP_DROP_SOURCE_MEMBERSHIP: c_int = ws::IP_DROP_SOURCE_MEMBERSHIP;
/// `IP_BLOCK_SOURCE`.
pub(crate) const IP_BLOCK_SOURCE: c_int = ws::IP_BLOCK_SOURCE;
/// `IP_UNBLOCK_SOURCE`.
pub(crate) const IP_UNBLOCK_SOURCE: c_int = ws::IP_UNBLOCK_SOURCE;

/// `IP_MREQ`: group, then interface address.
#[derive(Clone, Copy)]
#[repr(C)]
struct IpMreq {
    multiaddr: [u8; 4],
    interface: [u8; 4],
}

/// `IP_MREQ_SOURCE`: group, source, then interface address.
#[derive(Clone, Copy)]
#[repr(C)]
struct IpMreqSource {
    multiaddr: [u8; 4],
    sourceaddr: [u8; 4],
    interface: [u8; 4],
}

const _: () = {
    assert!(size_of::<IpMreq>() == size_of::<ws::IP_MREQ>());
    assert!(std::mem::offset_of!(ws::IP_MREQ, imr_interface) == 4);
    assert!(size_of::<IpMreqSource>() == size_of::<ws::IP_MREQ_SOURCE>());
    assert!(std::mem::offset_of!(ws::IP_MREQ_SOURCE, imr_sourceaddr) == 4);
    assert!(std::mem::offset_of!(ws::IP_MREQ_SOURCE, imr_interface) == 8);
};

// SAFETY: `#[repr(C)]` of byte arrays: every bit pattern is valid.
unsafe impl OptionValue for IpMreq {}
// SAFETY: as for `IpMreq`.
unsafe impl OptionValue for IpMreqSource {}

/// `IP_ADD_MEMBERSHIP`/`IP_DROP_MEMBERSHIP` with an `IP_MREQ`: the
/// interface by one of its local addresses (0.0.0.0: the stack chooses).
pub(crate) fn membership_by_address(
    socket: BorrowedSocket<'_>,
    name: c_int,
    group: Ipv4Addr,
    interface: Ipv4Addr,
) -> io::Result<()> {
    let mreq = IpMreq {
        multiaddr: group.octets(),
        interface: interface.octets(),
    };
    setsockopt(socket, IPPROTO_IP, name, &mreq)
}

/// `IP_ADD_SOURCE_MEMBERSHIP`, `IP_DROP_SOURCE_MEMBERSHIP`,
/// `IP_BLOCK_SOURCE` or `IP_UNBLOCK_SOURCE` with an `IP_MREQ_SOURCE`.
pub(crate) fn source_membership_by_address(
    socket: BorrowedSocket<'_>,
    name: c_int,
    group: Ipv4Addr,
    interface: Ipv4Addr,
    source: Ipv4Addr,
) -> io::Result<()> {
    let mreq = IpMreqSource {
        multiaddr: group.octets(),
        sourceaddr: source.octets(),
        interface: interface.octets(),
    };
    setsockopt(socket, IPPROTO_IP, name, &mreq)
}
