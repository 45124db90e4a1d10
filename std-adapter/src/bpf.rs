//! Classic BPF socket filters ([`filter`] in the kernel docs): the programs
//! [`FilterOptions::set_bpf`](crate::options::FilterOptions::set_bpf)
//! attaches (`SO_ATTACH_FILTER`) and
//! [`detach_bpf`](crate::options::FilterOptions::detach_bpf) detaches.
//!
//! A filter runs on every packet the socket would receive, before it is
//! queued; it returns how many bytes to keep, 0 to drop the packet. For a
//! UDP socket the program sees the packet from the UDP header on (offset 8
//! is the first payload byte); for a raw IPv4 socket, from the IPv4 header.
//!
//! [`Instruction`] is one `struct sock_filter`. A few constructors cover
//! what most programs need; [`Instruction::new`] takes any opcode.
//!
//! ```
//! use std::net::{Ipv4Addr, UdpSocket};
//! use ipv4_std::prelude::*;
//! use ipv4_std::bpf::{Instruction, op};
//!
//! // Keep datagrams whose first payload byte is even.
//! let program = [
//!     Instruction::load_absolute(op::B, 8),
//!     Instruction::new(op::ALU | op::AND | op::K, 0, 0, 1),
//!     Instruction::jump(op::JEQ, 0, 0, 1),
//!     Instruction::ret(4096),
//!     Instruction::ret(0),
//! ];
//! let conn = PacketConn::new(UdpSocket::bind((Ipv4Addr::LOCALHOST, 0))?)?;
//! conn.set_bpf(&program)?;
//!
//! let sender = UdpSocket::bind((Ipv4Addr::LOCALHOST, 0))?;
//! let to = conn.get_ref().local_addr()?;
//! for first_byte in [1u8, 2, 3, 4] {
//!     sender.send_to(&[first_byte], to)?;
//! }
//! let mut buf = [0u8; 16];
//! assert_eq!(conn.recv_from(&mut buf)?.payload, [2]); // 1 was dropped
//! assert_eq!(conn.recv_from(&mut buf)?.payload, [4]); // and so was 3
//! # Ok::<(), std::io::Error>(())
//! ```
//!
//! [`filter`]: https://docs.kernel.org/networking/filter.html

/// `BPF_MAXINSNS`: the kernel refuses longer classic programs.
pub const MAX_INSTRUCTIONS: usize = 4096;

/// Opcode parts from `<linux/bpf_common.h>` and `<linux/filter.h>`, to be
/// or-ed together into an [`Instruction`]'s `code`.
pub mod op {
    /// Class: load into the accumulator.
    pub const LD: u16 = 0x00;
    /// Class: load into the index register.
    pub const LDX: u16 = 0x01;
    /// Class: store the accumulator to scratch memory.
    pub const ST: u16 = 0x02;
    /// Class: store the index register to scratch memory.
    pub const STX: u16 = 0x03;
    /// Class: arithmetic on the accumulator.
    pub const ALU: u16 = 0x04;
    /// Class: jumps.
    pub const JMP: u16 = 0x05;
    /// Class: return.
    pub const RET: u16 = 0x06;
    /// Class: register moves.
    pub const MISC: u16 = 0x07;

    /// Size: 32-bit word.
    pub const W: u16 = 0x00;
    /// Size: 16-bit half word.
    pub const H: u16 = 0x08;
    /// Size: byte.
    pub const B: u16 = 0x10;

    /// Mode: immediate.
    pub const IMM: u16 = 0x00;
    /// Mode: absolute packet offset.
    pub const ABS: u16 = 0x20;
    /// Mode: packet offset relative to the index register.
    pub const IND: u16 = 0x40;
    /// Mode: scratch memory.
    pub const MEM: u16 = 0x60;
    /// Mode: packet length.
    pub const LEN: u16 = 0x80;
    /// Mode: IPv4 header length of the byte at `k`, times 4.
    pub const MSH: u16 = 0xa0;

    /// ALU: add.
    pub const ADD: u16 = 0x00;
    /// ALU: subtract.
    pub const SUB: u16 = 0x10;
    /// ALU: multiply.
    pub const MUL: u16 = 0x20;
    /// ALU: divide.
    pub const DIV: u16 = 0x30;
    /// ALU: bitwise or.
    pub const OR: u16 = 0x40;
    /// ALU: bitwise and.
    pub const AND: u16 = 0x50;
    /// ALU: shift left.
    pub const LSH: u16 = 0x60;
    /// ALU: shift right.
    pub const RSH: u16 = 0x70;
    /// ALU: negate.
    pub const NEG: u16 = 0x80;

    /// Jump: always.
    pub const JA: u16 = 0x00;
    /// Jump: if equal.
    pub const JEQ: u16 = 0x10;
    /// Jump: if greater.
    pub const JGT: u16 = 0x20;
    /// Jump: if greater or equal.
    pub const JGE: u16 = 0x30;
    /// Jump: if any bit set.
    pub const JSET: u16 = 0x40;

    /// Source: the constant `k`.
    pub const K: u16 = 0x00;
    /// Source: the index register.
    pub const X: u16 = 0x08;
    /// Return source: the accumulator.
    pub const A: u16 = 0x10;
}

/// One classic BPF instruction: `struct sock_filter { u16 code; u8 jt; u8 jf;
/// u32 k; }`, laid out as the kernel reads it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
#[repr(C)]
pub struct Instruction {
    /// The opcode: class, size, mode and operation bits from [`op`].
    pub code: u16,
    /// Jump offset when a conditional jump's test holds.
    pub jt: u8,
    /// Jump offset when it does not.
    pub jf: u8,
    /// The constant operand.
    pub k: u32,
}

impl Instruction {
    /// Any instruction.
    pub const fn new(code: u16, jt: u8, jf: u8, k: u32) -> Instruction {
        Instruction { code, jt, jf, k }
    }

    /// Loads `size` ([`op::W`], [`op::H`] or [`op::B`]) bytes at packet
    /// offset `offset` into the accumulator (network byte order).
    pub const fn load_absolute(size: u16, offset: u32) -> Instruction {
        Instruction::new(op::LD | size | op::ABS, 0, 0, offset)
    }

    /// Compares the accumulator with `k` using `test` ([`op::JEQ`],
    /// [`op::JGT`], [`op::JGE`] or [`op::JSET`]) and skips `jt` instructions
    /// if it holds, `jf` if not.
    pub const fn jump(test: u16, k: u32, jt: u8, jf: u8) -> Instruction {
        Instruction::new(op::JMP | test | op::K, jt, jf, k)
    }

    /// Returns `bytes`: keep that many bytes of the packet (0 drops it).
    pub const fn ret(bytes: u32) -> Instruction {
        Instruction::new(op::RET | op::K, 0, 0, bytes)
    }

    /// Returns the accumulator as the byte count to keep.
    pub const fn ret_accumulator() -> Instruction {
        Instruction::new(op::RET | op::A, 0, 0, 0)
    }
}

#[cfg(all(test, any(target_os = "linux", target_os = "android")))]
mod tests {
    use super::*;
    use crate::PacketConn;
    use crate::options::FilterOptions;
    use std::io;
    use std::net::UdpSocket;

    #[test]
    fn empty_and_oversized_programs_are_invalid_input() {
        let conn = PacketConn::new(UdpSocket::bind("127.0.0.1:0").unwrap()).unwrap();
        assert_eq!(
            conn.set_bpf(&[]).unwrap_err().kind(),
            io::ErrorKind::InvalidInput
        );
        let long = vec![Instruction::ret(0); MAX_INSTRUCTIONS + 1];
        assert_eq!(
            conn.set_bpf(&long).unwrap_err().kind(),
            io::ErrorKind::InvalidInput
        );
    }

    #[test]
    fn opcodes_match_the_kernel_headers() {
        // BPF_STMT(BPF_LD|BPF_B|BPF_ABS, 8) and BPF_STMT(BPF_RET|BPF_K, 0)
        assert_eq!(
            Instruction::load_absolute(op::B, 8),
            Instruction::new(0x30, 0, 0, 8)
        );
        assert_eq!(Instruction::ret(0).code, 0x06);
        assert_eq!(Instruction::ret_accumulator().code, 0x16);
        assert_eq!(Instruction::jump(op::JEQ, 1, 0, 1).code, 0x15);
        assert_eq!(op::ALU | op::AND | op::K, 0x54);
    }
}
