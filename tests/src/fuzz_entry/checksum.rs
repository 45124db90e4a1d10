//! The `checksum` target.

use std::net::Ipv4Addr;

use arbitrary::{Arbitrary, Unstructured};
use ipv4_core::checksum::{
    Checksum, Kernel, checksum as sum, pseudo_header, sum16_with, update_bytes, update_u16,
    update_u32, verify,
};

/// RFC 1071 written out plainly: the reference every fast path must match.
fn naive_sum16(data: &[u8]) -> u16 {
    let mut acc: u64 = 0;
    for pair in data.chunks(2) {
        let word = u16::from_be_bytes([pair[0], pair.get(1).copied().unwrap_or(0)]);
        acc += u64::from(word);
    }
    while acc > 0xffff {
        acc = (acc & 0xffff) + (acc >> 16);
    }
    acc as u16
}

/// One edit of the data, positions taken modulo its length.
#[derive(Debug, Arbitrary)]
enum Edit {
    /// A 16-bit word at an even offset (`update_u16`).
    Word { at: u16, new: u16 },
    /// A 32-bit word at an even offset, an address (`update_u32`).
    Address { at: u16, new: u32 },
    /// A byte range at any offset, odd ones included (`update_bytes`).
    Range { at: u16, len: u8, seed: u8 },
}

#[derive(Debug, Arbitrary)]
struct ChecksumInput {
    /// Where to cut the data into pieces for the accumulator.
    cuts: Vec<u16>,
    /// Where the kernels start reading (alignment heads of every size).
    start: u8,
    edits: Vec<Edit>,
    data: Vec<u8>,
}

/// Every sum kernel against the scalar one and the plain reference; the
/// accumulator over arbitrary pieces; verification; and incremental updates
/// after arbitrary edits against full recomputation.
pub fn checksum(bytes: &[u8]) {
    let Ok(input) = ChecksumInput::arbitrary_take_rest(Unstructured::new(bytes)) else {
        return;
    };
    let data = &input.data[..];
    assert_eq!(sum(data), !naive_sum16(data));

    // Kernels, from several starting offsets so the unaligned head varies.
    let start = usize::from(input.start % 64).min(data.len());
    for from in [0, start] {
        let slice = &data[from..];
        let scalar = sum16_with(Kernel::Scalar, slice).expect("scalar always runs");
        for kernel in Kernel::ALL {
            if let Some(s) = sum16_with(kernel, slice) {
                assert_eq!(s, scalar, "{kernel:?} disagrees with the scalar kernel");
            }
        }
        assert_eq!(sum(slice), !naive_sum16(slice));
    }

    // The accumulator over pieces cut anywhere (odd lengths included).
    let mut cuts: Vec<usize> = input
        .cuts
        .iter()
        .take(16)
        .map(|&c| usize::from(c) % (data.len() + 1))
        .collect();
    cuts.sort_unstable();
    let mut whole = Checksum::new();
    let mut halves = (Checksum::new(), Checksum::new());
    let mid = cuts.first().copied().unwrap_or(0);
    let mut from = 0;
    for &cut in cuts.iter().chain([&data.len()]) {
        whole.add_bytes(&data[from..cut]);
        if cut <= mid {
            halves.0.add_bytes(&data[from..cut]);
        } else {
            halves.1.add_bytes(&data[from.max(mid)..cut]);
        }
        from = cut;
    }
    assert_eq!(whole.finish(), sum(data));
    halves.0.combine(&halves.1);
    assert_eq!(halves.0.finish(), sum(data));
    assert_eq!(halves.0, whole);

    // A checksum written into the data verifies.
    if data.len() >= 2 {
        let mut with_sum = data.to_vec();
        with_sum[..2].fill(0);
        let s = sum(&with_sum);
        with_sum[..2].copy_from_slice(&s.to_be_bytes());
        assert!(verify(&with_sum));
    }

    // The pseudo-header sum is the sum of its bytes.
    if let Some(fields) = data.first_chunk::<12>() {
        let src = Ipv4Addr::new(fields[0], fields[1], fields[2], fields[3]);
        let dst = Ipv4Addr::new(fields[4], fields[5], fields[6], fields[7]);
        let length = u16::from_be_bytes([fields[10], fields[11]]);
        let mut bytes = fields.to_vec();
        bytes[8] = 0;
        assert_eq!(
            pseudo_header(src, dst, fields[9], length).sum16(),
            naive_sum16(&bytes)
        );
    }

    // Incremental updates (RFC 1624 eqn. 3) after each edit equal the
    // recomputed checksum. All-zero data sums to +0, which eqn. 3 reports
    // as 0x0000 and recomputation as 0xffff (RFC 1624 §3): both are right.
    let mut current = data.to_vec();
    let mut running = sum(&current);
    for edit in input.edits.iter().take(32) {
        let len = current.len();
        match *edit {
            Edit::Word { at, new } if len >= 2 => {
                let offset = usize::from(at) % (len / 2) * 2;
                let old = u16::from_be_bytes([current[offset], current[offset + 1]]);
                current[offset..offset + 2].copy_from_slice(&new.to_be_bytes());
                running = update_u16(running, old, new);
            }
            Edit::Address { at, new } if len >= 4 => {
                let offset = usize::from(at) % ((len - 4) / 2 + 1) * 2;
                let old = u32::from_be_bytes(current[offset..offset + 4].try_into().unwrap());
                current[offset..offset + 4].copy_from_slice(&new.to_be_bytes());
                running = update_u32(running, old, new);
            }
            Edit::Range { at, len: n, seed } if len >= 1 => {
                let offset = usize::from(at) % len;
                let n = usize::from(n).min(len - offset);
                let old = current[offset..offset + n].to_vec();
                let new: Vec<u8> = (0..n)
                    .map(|i| seed.wrapping_mul(i as u8 | 1).wrapping_add(i as u8))
                    .collect();
                current[offset..offset + n].copy_from_slice(&new);
                running = update_bytes(running, offset, &old, &new);
            }
            _ => continue,
        }
        let recomputed = sum(&current);
        if current.iter().any(|&b| b != 0) {
            assert_eq!(running, recomputed, "incremental update after {edit:?}");
        } else {
            assert!(
                running == 0 || running == 0xffff,
                "zero data, checksum {running:#x}"
            );
        }
    }
}
