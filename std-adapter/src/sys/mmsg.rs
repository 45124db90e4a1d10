//! Batches of `recvmmsg(2)`/`sendmmsg(2)` over a reusable `struct
//! mmsghdr` array ([`Mmsg`]): Linux, Android, FreeBSD and NetBSD, whose
//! `mmsghdr` is the same pair of a `msghdr` and a length (an `unsigned
//! int` on Linux and NetBSD, an `ssize_t` on FreeBSD).

use std::io;
use std::mem::MaybeUninit;
use std::net::{Ipv4Addr, SocketAddrV4};
use std::os::fd::AsRawFd;

use super::unix::{BorrowedSocket, c_int, c_void, cvt, point_msghdr, source_of};
use super::{Received, RecvSlot, SendSlot, sockaddr_in};
/// `MSG_WAITFORONE`: wait for the first message of a batch only.
pub(crate) use libc::MSG_WAITFORONE;

/// The `struct mmsghdr` array of `recvmmsg(2)`/`sendmmsg(2)`, with the
/// iovecs and addresses its headers point to, kept between calls so that a
/// batch allocates nothing per call (the vectors only grow, to the largest
/// batch seen).
///
/// Between calls the pointers stored here are stale and never read: every
/// call rewrites all of them, and every length, from borrows that live for
/// that call.
pub(crate) struct Mmsg {
    hdrs: Vec<libc::mmsghdr>,
    iovs: Vec<libc::iovec>,
    names: Vec<libc::sockaddr_in>,
}

// SAFETY: the raw pointers in `hdrs` and `iovs` are dereferenced only by the
// kernel inside `Mmsg::recv`/`Mmsg::send`, which take `&mut self` and set
// each pointer from a borrow that outlives the call. Between calls they are
// inert integers, so moving or sharing an `Mmsg` between threads is sound.
unsafe impl Send for Mmsg {}
// SAFETY: as for `Send`; `&Mmsg` only reads lengths and addresses.
unsafe impl Sync for Mmsg {}

/// All zeros: null pointers and zero lengths, a valid empty `mmsghdr`.
fn empty_mmsghdr() -> libc::mmsghdr {
    // SAFETY: `mmsghdr` is plain C data (pointers, integers and private
    // padding); all zeros is a valid value of each field.
    unsafe { MaybeUninit::zeroed().assume_init() }
}

const EMPTY_IOVEC: libc::iovec = libc::iovec {
    iov_base: std::ptr::null_mut(),
    iov_len: 0,
};

/// Iovecs reserved per message on send: a header and a payload.
const SEND_IOVS: usize = 2;

impl Mmsg {
    /// Room for `messages` messages, allocated now.
    pub(crate) fn with_capacity(messages: usize) -> Mmsg {
        let mut m = Mmsg {
            hdrs: Vec::new(),
            iovs: Vec::new(),
            names: Vec::new(),
        };
        m.reserve(messages, SEND_IOVS);
        m
    }

    /// Makes room for `messages` headers with `iovs_per_message` iovecs
    /// each. Allocates only when that is more than ever before.
    fn reserve(&mut self, messages: usize, iovs_per_message: usize) {
        if self.hdrs.len() < messages {
            self.hdrs.resize(messages, empty_mmsghdr());
            self.names.resize(
                messages,
                sockaddr_in(SocketAddrV4::new(Ipv4Addr::UNSPECIFIED, 0)),
            );
        }
        let iovs = messages.saturating_mul(iovs_per_message);
        if self.iovs.len() < iovs {
            self.iovs.resize(iovs, EMPTY_IOVEC);
        }
    }

    /// Lays out one header per slot for a `recvmmsg` into `slots`, each
    /// with its own iovec and `sockaddr_in`, and returns how many it laid
    /// out (all of them, unless the iterator yields more than it said).
    /// Separate from the system call so that the layout can be checked
    /// under Miri with a stand-in kernel.
    ///
    /// The pointers stored in the headers must stay valid until the kernel
    /// uses them, so every element is reached through one `iter_mut` per
    /// vector, which hands out disjoint borrows: indexing (`&mut
    /// self.iovs[i]`) reborrows the whole vector each time, and under
    /// Stacked Borrows that invalidates the pointers stored in the earlier
    /// headers. Nothing may touch the vectors between this and the call.
    fn prepare_recv<'a>(&mut self, slots: impl ExactSizeIterator<Item = RecvSlot<'a>>) -> usize {
        self.reserve(slots.len(), 1);
        let targets = self
            .hdrs
            .iter_mut()
            .zip(self.iovs.iter_mut())
            .zip(self.names.iter_mut());
        let mut count = 0;
        for (slot, ((hdr, iov), name)) in slots.zip(targets) {
            *iov = libc::iovec {
                iov_base: slot.buf.as_mut_ptr().cast::<c_void>(),
                iov_len: slot.buf.len(),
            };
            hdr.msg_len = 0;
            point_msghdr(
                &mut hdr.msg_hdr,
                name,
                iov,
                1,
                slot.control.as_mut_ptr(),
                slot.control.len(),
            );
            count += 1;
        }
        count
    }

    /// `recvmmsg(2)` into `slots` (at most `u32::MAX` of them, the width of
    /// its count), without a timeout. Linux has no per-call limit here (it
    /// caps only `sendmmsg`): one call can fill every slot. Returns the
    /// number of messages received; [`received`](Self::received) tells what
    /// each got.
    pub(crate) fn recv<'a>(
        &mut self,
        fd: BorrowedSocket<'_>,
        slots: impl ExactSizeIterator<Item = RecvSlot<'a>>,
        flags: c_int,
    ) -> io::Result<usize> {
        // `MSG_TRUNC` as an input flag (each `msg_len` the full length) is
        // Linux's; FreeBSD and NetBSD know it as an output flag only.
        #[cfg(not(any(target_os = "linux", target_os = "android")))]
        let flags = flags & !libc::MSG_TRUNC;
        let count = self.prepare_recv(slots);
        let vlen = u32::try_from(count).unwrap_or(u32::MAX);
        // SAFETY: `prepare_recv` just wrote the first `vlen` headers: each
        // points to its own `sockaddr_in` in `self.names` and its own iovec
        // in `self.iovs` (pointers still valid: taken from disjoint borrows,
        // and neither vector is touched until the call returns), whose base
        // and length come from a `&'a mut [u8]` alive for the call, and to a
        // control buffer from another such borrow, with its length. The
        // kernel writes within those lengths only, and into the headers'
        // `msg_len`, `msg_namelen`, `msg_controllen` and `msg_flags`. The
        // timeout pointer is null (none).
        cvt(unsafe {
            libc::recvmmsg(
                fd.as_raw_fd(),
                self.hdrs.as_mut_ptr(),
                vlen as _,
                flags as _,
                std::ptr::null_mut::<libc::timespec>(),
            )
        })
    }

    /// What the kernel reported for message `i` of the last
    /// [`recv`](Self::recv) (meaningful for `i` below its count).
    pub(crate) fn received(&self, i: usize, control_capacity: usize) -> Received {
        let Some(hdr) = self.hdrs.get(i) else {
            return Received::default();
        };
        let msg = &hdr.msg_hdr;
        let source = source_of(&self.names[i], msg.msg_namelen);
        // `msg_controllen` is a `size_t` on glibc and a `socklen_t` on musl.
        #[allow(clippy::unnecessary_cast)]
        let control_len = (msg.msg_controllen as usize).min(control_capacity);
        Received {
            len: hdr.msg_len as usize,
            control_len,
            source,
            flags: msg.msg_flags,
        }
    }

    /// Lays out one header per slot for a `sendmmsg` of `slots`, each with
    /// its own two iovecs and `sockaddr_in`, and returns how many it laid
    /// out. Separate from the system call, and reaching the elements the
    /// same way, for the reasons given at
    /// [`prepare_recv`](Self::prepare_recv).
    fn prepare_send<'a>(&mut self, slots: impl ExactSizeIterator<Item = SendSlot<'a>>) -> usize {
        self.reserve(slots.len(), SEND_IOVS);
        let targets = self
            .hdrs
            .iter_mut()
            .zip(self.iovs.chunks_exact_mut(SEND_IOVS))
            .zip(self.names.iter_mut());
        let mut count = 0;
        for (slot, ((hdr, iovs), name)) in slots.zip(targets) {
            let iov = |part: &[u8]| libc::iovec {
                iov_base: part.as_ptr().cast_mut().cast::<c_void>(),
                iov_len: part.len(),
            };
            let parts = if slot.head.is_empty() {
                iovs[0] = iov(slot.body);
                1
            } else {
                iovs[0] = iov(slot.head);
                iovs[1] = iov(slot.body);
                2
            };
            hdr.msg_len = 0;
            let name: *mut libc::sockaddr_in = match slot.dst {
                Some(dst) => {
                    *name = sockaddr_in(dst);
                    name
                }
                None => std::ptr::null_mut(),
            };
            point_msghdr(
                &mut hdr.msg_hdr,
                name,
                iovs.as_mut_ptr(),
                parts,
                slot.control.as_ptr().cast_mut(),
                slot.control.len(),
            );
            count += 1;
        }
        count
    }

    /// `sendmmsg(2)` of `slots`. Returns the number of messages sent, which
    /// may be fewer than given: Linux sends at most `UIO_MAXIOV` (1024) per
    /// call, and stops at the first message that fails, reporting its error
    /// only when it is the first.
    pub(crate) fn send<'a>(
        &mut self,
        fd: BorrowedSocket<'_>,
        slots: impl ExactSizeIterator<Item = SendSlot<'a>>,
        flags: c_int,
    ) -> io::Result<usize> {
        let count = self.prepare_send(slots);
        let vlen = u32::try_from(count).unwrap_or(u32::MAX);
        // SAFETY: `prepare_send` just wrote the first `vlen` headers: each
        // points to its own `sockaddr_in` in `self.names` (or none), to its
        // own iovecs in `self.iovs` (pointers still valid: taken from
        // disjoint borrows, and neither vector is touched until the call
        // returns), whose bases and lengths come from `&'a [u8]` borrows
        // alive for the call, and to a control buffer from another such
        // borrow. `sendmmsg` only reads through them (so the `cast_mut`s
        // never lead to a write) and writes only the headers' `msg_len`.
        cvt(unsafe {
            libc::sendmmsg(
                fd.as_raw_fd(),
                self.hdrs.as_mut_ptr(),
                vlen as _,
                flags as _,
            )
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sys::from_in_addr;
    use crate::sys::unix::socklen_t;
    use std::mem::size_of;
    use std::ptr;

    /// A datagram as the stand-in kernel delivers it.
    struct Datagram<'a> {
        source: SocketAddrV4,
        payload: &'a [u8],
        control: &'a [u8],
    }

    /// A message as the stand-in kernel saw it sent.
    #[derive(Debug, PartialEq)]
    struct Sent {
        dst: Option<SocketAddrV4>,
        data: Vec<u8>,
        control: Vec<u8>,
    }

    /// Does to the first `vlen` headers at `hdrs` what `recvmmsg(2)` does
    /// when `datagrams` are queued: reads each header, scatters the payload
    /// over its iovecs, writes the sender into `msg_name` and the control
    /// bytes into `msg_control` (each cut to the room given), then writes
    /// `msg_namelen`, `msg_controllen`, `msg_flags` and `msg_len`. Returns the
    /// number of messages filled.
    ///
    /// # Safety
    ///
    /// `hdrs` must point to `vlen` headers whose pointers are valid for
    /// writes of the lengths stored next to them, as `recvmmsg` requires.
    unsafe fn fake_recvmmsg(
        hdrs: *mut libc::mmsghdr,
        vlen: usize,
        datagrams: &[Datagram],
    ) -> usize {
        let n = vlen.min(datagrams.len());
        for (i, d) in datagrams[..n].iter().enumerate() {
            // SAFETY: the caller's contract, field by field as the kernel
            // copies them (`copy_msghdr_from_user`, `copy_to_user`,
            // `put_user`).
            unsafe {
                let hdr = hdrs.add(i);
                let msg = &raw mut (*hdr).msg_hdr;
                let m: libc::msghdr = msg.read();
                let mut flags = 0;

                let mut left = d.payload;
                // `msg_iovlen` is a `size_t` on glibc and an `int` on musl.
                #[allow(clippy::unnecessary_cast)]
                for k in 0..m.msg_iovlen as usize {
                    let iov = m.msg_iov.add(k).read();
                    let take = left.len().min(iov.iov_len);
                    ptr::copy_nonoverlapping(left.as_ptr(), iov.iov_base.cast::<u8>(), take);
                    left = &left[take..];
                }
                if !left.is_empty() {
                    flags |= libc::MSG_TRUNC;
                }

                if !m.msg_name.is_null() {
                    let sin = sockaddr_in(d.source);
                    let full = size_of::<libc::sockaddr_in>();
                    let len = (m.msg_namelen as usize).min(full);
                    ptr::copy_nonoverlapping(
                        (&raw const sin).cast::<u8>(),
                        m.msg_name.cast::<u8>(),
                        len,
                    );
                    (&raw mut (*msg).msg_namelen).write(full as socklen_t);
                }

                // `msg_controllen` is a `size_t` on glibc and a `socklen_t` on musl.
                #[allow(clippy::unnecessary_cast)]
                let room = if m.msg_control.is_null() {
                    0
                } else {
                    m.msg_controllen as usize
                };
                let control = d.control.len().min(room);
                ptr::copy_nonoverlapping(d.control.as_ptr(), m.msg_control.cast::<u8>(), control);
                if control < d.control.len() {
                    flags |= libc::MSG_CTRUNC;
                }
                (&raw mut (*msg).msg_controllen).write(control as _);
                (&raw mut (*msg).msg_flags).write(flags);
                (&raw mut (*hdr).msg_len).write((d.payload.len() - left.len()) as _);
            }
        }
        n
    }

    /// Does to the first `vlen` headers at `hdrs` what `sendmmsg(2)` does:
    /// reads each header, its destination, its iovecs and the bytes they
    /// point to, and its control bytes, then writes `msg_len`. Returns what
    /// was sent.
    ///
    /// # Safety
    ///
    /// `hdrs` must point to `vlen` headers whose pointers are valid for
    /// reads of the lengths stored next to them, as `sendmmsg` requires.
    unsafe fn fake_sendmmsg(hdrs: *mut libc::mmsghdr, vlen: usize) -> Vec<Sent> {
        (0..vlen)
            .map(|i| {
                // SAFETY: the caller's contract.
                unsafe {
                    let hdr = hdrs.add(i);
                    let m: libc::msghdr = (&raw const (*hdr).msg_hdr).read();
                    let dst = (!m.msg_name.is_null()).then(|| {
                        assert_eq!(m.msg_namelen as usize, size_of::<libc::sockaddr_in>());
                        let sin = m.msg_name.cast::<libc::sockaddr_in>().read();
                        assert_eq!(c_int::from(sin.sin_family), libc::AF_INET);
                        SocketAddrV4::new(from_in_addr(sin.sin_addr), u16::from_be(sin.sin_port))
                    });
                    let mut data = Vec::new();
                    #[allow(clippy::unnecessary_cast)]
                    for k in 0..m.msg_iovlen as usize {
                        let iov = m.msg_iov.add(k).read();
                        data.extend_from_slice(std::slice::from_raw_parts(
                            iov.iov_base.cast::<u8>(),
                            iov.iov_len,
                        ));
                    }
                    #[allow(clippy::unnecessary_cast)]
                    let control = if m.msg_control.is_null() {
                        Vec::new()
                    } else {
                        std::slice::from_raw_parts(
                            m.msg_control.cast::<u8>(),
                            m.msg_controllen as usize,
                        )
                        .to_vec()
                    };
                    (&raw mut (*hdr).msg_len).write(data.len() as _);
                    Sent { dst, data, control }
                }
            })
            .collect()
    }

    fn addr(a: [u8; 4], port: u16) -> SocketAddrV4 {
        SocketAddrV4::new(Ipv4Addr::from(a), port)
    }

    /// Receives `datagrams` into buffers of `buf_sizes` (and control buffers
    /// of `control_sizes`) through `prepare_recv` and the stand-in kernel;
    /// returns the count, the buffers and the control buffers.
    fn recv_through(
        m: &mut Mmsg,
        buf_sizes: &[usize],
        control_sizes: &[usize],
        datagrams: &[Datagram],
    ) -> (usize, Vec<Vec<u8>>, Vec<Vec<u8>>) {
        let mut bufs: Vec<Vec<u8>> = buf_sizes.iter().map(|&n| vec![0xEE; n]).collect();
        let mut controls: Vec<Vec<u8>> = control_sizes.iter().map(|&n| vec![0xEE; n]).collect();
        let slots = bufs
            .iter_mut()
            .zip(controls.iter_mut())
            .map(|(buf, control)| RecvSlot { buf, control });
        let count = m.prepare_recv(slots);
        assert_eq!(count, buf_sizes.len());
        // SAFETY: `prepare_recv` laid out `count` headers over `bufs`,
        // `controls` and the Mmsg's own iovecs and addresses, none of which
        // has been touched since.
        let n = unsafe { fake_recvmmsg(m.hdrs.as_mut_ptr(), count, datagrams) };
        (n, bufs, controls)
    }

    #[test]
    fn recv_layout_survives_every_kernel_access() {
        // Room for one message at first: the vectors grow inside the call.
        let mut m = Mmsg::with_capacity(1);
        let cmsg = [7u8; 16];
        let long_cmsg = [9u8; 40];
        let datagrams = [
            Datagram {
                source: addr([127, 0, 0, 1], 1000),
                payload: b"hello",
                control: &cmsg,
            },
            Datagram {
                source: addr([198, 51, 100, 2], 2000),
                payload: b"twelve bytes",
                control: &cmsg,
            },
            Datagram {
                source: addr([203, 0, 113, 7], 53),
                payload: b"",
                control: &long_cmsg,
            },
        ];
        let (n, bufs, controls) = recv_through(&mut m, &[8, 8, 4, 4], &[24, 0, 32, 8], &datagrams);
        assert_eq!(n, 3);

        let r = m.received(0, 24);
        assert_eq!((r.len, r.control_len, r.flags), (5, 16, 0));
        assert_eq!(r.source, Some(addr([127, 0, 0, 1], 1000)));
        assert_eq!(&bufs[0][..5], b"hello");
        assert_eq!(bufs[0][5..], [0xEE; 3], "past the datagram untouched");
        assert_eq!(controls[0][..16], cmsg);

        let r = m.received(1, 0);
        assert_eq!((r.len, r.control_len), (8, 0));
        assert_eq!(r.flags, libc::MSG_TRUNC | libc::MSG_CTRUNC);
        assert_eq!(r.source, Some(addr([198, 51, 100, 2], 2000)));
        assert_eq!(bufs[1], b"twelve b");

        let r = m.received(2, 32);
        assert_eq!((r.len, r.control_len, r.flags), (0, 32, libc::MSG_CTRUNC));
        assert_eq!(r.source, Some(addr([203, 0, 113, 7], 53)));
        assert_eq!(controls[2], long_cmsg[..32]);

        // Slot 3 got nothing: its buffers are as they were.
        assert_eq!(bufs[3], [0xEE; 4]);
        assert_eq!(controls[3], [0xEE; 8]);
    }

    #[test]
    fn send_layout_survives_every_kernel_access() {
        let mut m = Mmsg::with_capacity(1);
        let head = [0x45u8, 0, 0, 24];
        let control = [1u8, 2, 3, 4, 5, 6, 7, 8];
        let slots = [
            (
                &[][..],
                &b"payload one"[..],
                Some(addr([127, 0, 0, 1], 9)),
                &control[..],
            ),
            (&head[..], &b"two"[..], None, &[][..]),
            (
                &head[..],
                &b""[..],
                Some(addr([203, 0, 113, 1], 7)),
                &control[..4],
            ),
            (&[][..], &b"four"[..], None, &[][..]),
        ];
        let count = m.prepare_send(slots.iter().map(|&(head, body, dst, control)| SendSlot {
            head,
            body,
            dst,
            control,
        }));
        assert_eq!(count, 4);
        // SAFETY: `prepare_send` laid out `count` headers over `slots` and
        // the Mmsg's own iovecs and addresses, untouched since.
        let sent = unsafe { fake_sendmmsg(m.hdrs.as_mut_ptr(), count) };
        let expected: Vec<Sent> = slots
            .iter()
            .map(|&(head, body, dst, control)| Sent {
                dst,
                data: [head, body].concat(),
                control: control.to_vec(),
            })
            .collect();
        assert_eq!(sent, expected);
        for (i, s) in sent.iter().enumerate() {
            assert_eq!(m.hdrs[i].msg_len as usize, s.data.len());
        }
    }

    #[test]
    fn one_mmsg_serves_sends_and_receives_of_any_size_in_turn() {
        // Sends lay out two iovecs per message, receives one: the same
        // vectors serve both, growing and shrinking batches alike.
        let mut m = Mmsg::with_capacity(2);
        for round in 0..3u8 {
            let messages = [5, 1, 3][usize::from(round)];
            let bodies: Vec<Vec<u8>> = (0..messages).map(|i| vec![round, i as u8, 0xAB]).collect();
            let dst = addr([198, 51, 100, round], 4000 + u16::from(round));
            let count = m.prepare_send(bodies.iter().map(|body| SendSlot {
                head: b"h",
                body,
                dst: Some(dst),
                control: &[],
            }));
            assert_eq!(count, messages);
            // SAFETY: as in `send_layout_survives_every_kernel_access`.
            let sent = unsafe { fake_sendmmsg(m.hdrs.as_mut_ptr(), count) };
            assert!(
                sent.iter()
                    .all(|s| s.dst == Some(dst) && s.control.is_empty())
            );

            let datagrams: Vec<Datagram> = sent
                .iter()
                .map(|s| Datagram {
                    source: s.dst.unwrap(),
                    payload: &s.data,
                    control: &[],
                })
                .collect();
            let sizes = vec![16; messages];
            let (n, bufs, _) = recv_through(&mut m, &sizes, &vec![0; messages], &datagrams);
            assert_eq!(n, messages);
            for (i, body) in bodies.iter().enumerate() {
                let r = m.received(i, 0);
                assert_eq!((r.len, r.control_len, r.flags), (4, 0, 0));
                assert_eq!(r.source, Some(dst));
                assert_eq!(bufs[i][..4], [&b"h"[..], body].concat());
            }
        }
    }

    /// On the running kernel: `sendmmsg` sends at most `UIO_MAXIOV` (1024)
    /// messages per call, while `recvmmsg` has no such cap: one call fills
    /// 1500 slots. Loopback only, any user.
    #[test]
    #[cfg(any(target_os = "linux", target_os = "android"))]
    #[cfg_attr(miri, ignore = "needs the kernel")]
    fn sendmmsg_stops_at_1024_per_call_recvmmsg_takes_more() {
        use std::net::{SocketAddr, UdpSocket};
        use std::os::fd::AsFd;

        const QUEUED: usize = 1500;
        let v4 = |a: SocketAddr| match a {
            SocketAddr::V4(a) => a,
            SocketAddr::V6(a) => panic!("{a} is not IPv4"),
        };
        let rx = UdpSocket::bind("127.0.0.1:0").unwrap();
        let tx = UdpSocket::bind("127.0.0.1:0").unwrap();
        let (dst, src) = (v4(rx.local_addr().unwrap()), v4(tx.local_addr().unwrap()));
        let payloads: Vec<[u8; 4]> = (0..QUEUED as u32).map(u32::to_be_bytes).collect();

        // sendmmsg: at most UIO_MAXIOV per call, whatever the receiver
        // (a sink nobody reads; datagrams that overflow it are dropped).
        let sink = UdpSocket::bind("127.0.0.1:0").unwrap();
        let sink_addr = v4(sink.local_addr().unwrap());
        let mut out = Mmsg::with_capacity(QUEUED);
        let from = |first: usize| {
            payloads[first..].iter().map(|p| SendSlot {
                head: &[],
                body: p,
                dst: Some(sink_addr),
                control: &[],
            })
        };
        let first = out.send(tx.as_fd(), from(0), 0).unwrap();
        assert_eq!(first, 1024, "sendmmsg sends at most UIO_MAXIOV per call");
        let second = out.send(tx.as_fd(), from(first), 0).unwrap();
        assert_eq!(second, QUEUED - first);

        // recvmmsg without MSG_WAITFORONE on a blocking socket waits until
        // every slot is filled: one call takes all QUEUED datagrams, which a
        // sender paces so that the default receive buffer never overflows
        // (no root, no large SO_RCVBUF needed). The timeout only bounds a
        // failure.
        rx.set_read_timeout(Some(std::time::Duration::from_secs(10)))
            .unwrap();
        let sender = std::thread::spawn({
            let payloads = payloads.clone();
            move || {
                for chunk in payloads.chunks(32) {
                    for p in chunk {
                        tx.send_to(p, dst).unwrap();
                    }
                    std::thread::sleep(std::time::Duration::from_millis(1));
                }
            }
        });
        let mut bufs = vec![[0u8; 8]; QUEUED];
        let mut inb = Mmsg::with_capacity(QUEUED);
        let slots = bufs.iter_mut().map(|buf| RecvSlot {
            buf,
            control: &mut [],
        });
        let n = inb.recv(rx.as_fd(), slots, 0).unwrap();
        sender.join().unwrap();
        assert_eq!(n, QUEUED, "one recvmmsg takes more than 1024 datagrams");
        for (i, (buf, payload)) in bufs.iter().zip(&payloads).enumerate() {
            let r = inb.received(i, 0);
            assert_eq!((r.len, r.flags, r.source), (4, 0, Some(src)), "message {i}");
            assert_eq!(buf[..4], payload[..], "message {i}");
        }
    }
}
