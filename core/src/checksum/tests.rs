//! Checksum tests: the RFC worked examples, a known IPv4 header, and property
//! tests against a naive byte-by-byte reference for every kernel.

extern crate std;

use std::vec::Vec;

use proptest::prelude::*;

use super::*;

/// The reference: big-endian words added one by one, the carries folded back
/// in at the end (RFC 1071 §4.1, the C example, done with a wide integer).
fn naive_sum16(data: &[u8]) -> u16 {
    let mut sum: u64 = 0;
    for pair in data.chunks(2) {
        let high = u64::from(pair[0]) << 8;
        let low = pair.get(1).map_or(0, |&b| u64::from(b));
        sum += high | low;
    }
    while sum >> 16 != 0 {
        sum = (sum & 0xffff) + (sum >> 16);
    }
    sum as u16
}

fn naive_checksum(data: &[u8]) -> u16 {
    !naive_sum16(data)
}

/// The words of `words` as big-endian bytes.
fn be_bytes(words: &[u16]) -> Vec<u8> {
    words.iter().flat_map(|w| w.to_be_bytes()).collect()
}

/// The known IPv4 header (UDP, 192.168.0.1 -> 192.168.0.199) with its
/// correct checksum 0xb861 at offset 10.
const IPV4_HEADER: [u8; 20] = [
    0x45, 0x00, 0x00, 0x73, 0x00, 0x00, 0x40, 0x00, 0x40, 0x11, 0xb8, 0x61, 0xc0, 0xa8, 0x00, 0x01,
    0xc0, 0xa8, 0x00, 0xc7,
];

#[test]
fn rfc1071_numerical_example() {
    // RFC 1071 §3: bytes 00 01 f2 03 f4 f5 f6 f7 sum to 0xddf2.
    let data = [0x00, 0x01, 0xf2, 0x03, 0xf4, 0xf5, 0xf6, 0xf7];
    let mut sum = Checksum::new();
    sum.add_bytes(&data);
    assert_eq!(sum.sum16(), 0xddf2);
    assert_eq!(checksum(&data), !0xddf2);
    // The same example summed in pieces that start at odd offsets.
    let mut pieces = Checksum::new();
    for piece in [&data[..1], &data[1..4], &data[4..7], &data[7..]] {
        pieces.add_bytes(piece);
    }
    assert_eq!(pieces.sum16(), 0xddf2);
    // Every kernel, forced, on the example repeated 16 times (128 bytes:
    // enough for the SIMD kernels' vector loops and their reduction).
    let long: Vec<u8> = data.iter().copied().cycle().take(8 * 16).collect();
    let expected = naive_sum16(&long);
    assert_eq!(checksum(&long), !expected);
    for kernel in Kernel::ALL.into_iter().filter(|&k| available(k)) {
        assert_eq!(
            sum16_with(kernel, &long).map(to_network),
            Some(expected),
            "{kernel:?}"
        );
    }
}

#[test]
fn rfc1624_section4_example() {
    // RFC 1624 §4: the other header words sum to 0xcd7a, a field m = 0x5555
    // changes to m' = 0x3285.
    let before = be_bytes(&[0xcd7a, 0x5555]);
    let after = be_bytes(&[0xcd7a, 0x3285]);
    // HC = ~(0xcd7a + 0x5555) = 0xdd2f; recomputed, HC' = ~0xffff = 0x0000.
    assert_eq!(checksum(&before), 0xdd2f);
    assert_eq!(checksum(&after), 0x0000);
    // RFC 1141's eqn. 2, HC + m + ~m', gives 0xffff here; eqn. 3 gives 0x0000.
    let eqn2 = naive_sum16(&be_bytes(&[0xdd2f, 0x5555, !0x3285]));
    assert_eq!(eqn2, 0xffff);
    assert_eq!(update_u16(0xdd2f, 0x5555, 0x3285), 0x0000);
    assert_eq!(
        update_bytes(0xdd2f, 2, &[0x55, 0x55], &[0x32, 0x85]),
        0x0000
    );
    // RFC 1624 §5: an end system verifies by summing everything including
    // the checksum; the header with HC' = 0x0000 sums to -0 (0xffff).
    let mut received = after.clone();
    received.extend_from_slice(&[0x00, 0x00]);
    assert!(verify(&received));
}

#[test]
fn known_ipv4_header() {
    assert!(verify(&IPV4_HEADER));
    let mut zeroed = IPV4_HEADER;
    zeroed[10..12].fill(0);
    assert_eq!(checksum(&zeroed), 0xb861);
    assert!(!verify(&zeroed));
    // TTL 64 -> 63: the word at offset 8 goes from 0x4011 to 0x3f11.
    let mut forwarded = IPV4_HEADER;
    forwarded[8] = 63;
    let updated = update_u16(0xb861, 0x4011, 0x3f11);
    forwarded[10..12].copy_from_slice(&updated.to_be_bytes());
    assert!(verify(&forwarded));
    // The header is also a differential check against two peers.
    assert_eq!(
        internet_checksum::checksum(&zeroed),
        0xb861u16.to_be_bytes()
    );
    assert_eq!(smoltcp::wire::checksum::data(&zeroed), !0xb861);
}

#[test]
fn update_u16_never_yields_negative_zero() {
    // For every new value m', choose the rest of the data so the recomputed
    // checksum is 0x0000; RFC 1141's form would give 0xffff for these.
    for new in 0..=0xffffu16 {
        let rest = !new;
        let old = new ^ 0x5a5a;
        let before = checksum(&be_bytes(&[rest, old]));
        let recomputed = checksum(&be_bytes(&[rest, new]));
        let updated = update_u16(before, old, new);
        assert_eq!(updated, recomputed, "m = {old:#06x}, m' = {new:#06x}");
        if recomputed == 0 {
            assert_ne!(updated, 0xffff);
        }
    }
}

#[test]
fn pseudo_header_matches_its_bytes() {
    let src = Ipv4Addr::new(198, 51, 100, 7);
    let dst = Ipv4Addr::new(203, 0, 113, 200);
    let mut bytes = Vec::new();
    bytes.extend_from_slice(&src.octets());
    bytes.extend_from_slice(&dst.octets());
    bytes.extend_from_slice(&[0, 6, 0x05, 0xdc]);
    let sum = pseudo_header(src, dst, 6, 1500);
    assert_eq!(sum.sum16(), naive_sum16(&bytes));
    let smoltcp =
        smoltcp::wire::checksum::pseudo_header_v4(&src, &dst, smoltcp::wire::IpProtocol::Tcp, 1500);
    assert_eq!(sum.sum16(), smoltcp);
}

#[test]
fn fold_extremes() {
    assert_eq!(fold(0), 0);
    assert_eq!(fold(u64::MAX), 0xffff);
    assert_eq!(fold(0xffff), 0xffff);
    // 2^16, 2^32 and 2^48 are all congruent to 1 modulo 0xffff.
    for shift in [16, 32, 48] {
        assert_eq!(fold(1 << shift), 1);
    }
    assert_eq!(fold(0x0001_0002_0003_0004), 10);
}

/// The divisibility test against the remainder it replaces, at the edges
/// of its range: zero, the first and last non-zero multiples, their
/// neighbours, and values that fold to `0xffff` only through carries.
#[test]
fn sums_to_ffff_edges() {
    let reference = |sum: u64| sum != 0 && sum.is_multiple_of(0xffff);
    let last = u64::MAX / 0xffff * 0xffff;
    assert_eq!(last, u64::MAX, "2^64 - 1 is a multiple of 0xffff");
    for sum in [
        0,
        1,
        0xfffe,
        0xffff,
        0x1_0000,
        0x1_fffe,
        2 * 0xffff,
        0xffff_0000,
        0xffff_ffff,
        last - 0xffff,
        last - 1,
        last,
        u64::MAX / 0xffff,
        1 << 63,
    ] {
        assert_eq!(sums_to_ffff(sum), reference(sum), "{sum:#x}");
        assert_eq!(
            sums_to_ffff(sum),
            sum != 0 && fold(sum) == 0xffff,
            "{sum:#x}"
        );
    }
}

#[test]
fn empty_and_tiny_inputs() {
    assert_eq!(checksum(&[]), 0xffff);
    assert_eq!(checksum(&[0xab]), !0xab00);
    assert_eq!(checksum(&[0xab, 0xcd]), !0xabcd);
    assert_eq!(Checksum::new().finish(), 0xffff);
    assert!(verify(&[0xff, 0xff]));
    assert!(!verify(&[]));
}

#[test]
fn equal_sums_compare_and_hash_equal() {
    use core::hash::BuildHasher;
    let hasher = std::hash::RandomState::new();
    let mut a = Checksum::new();
    a.add_bytes(&[0x12, 0x34, 0x56]);
    let mut b = Checksum::new();
    b.add_u16(0x5634); // not the same bytes, but the same sum and parity
    b.add_bytes(&[0x12]);
    assert_eq!(a, b);
    assert_eq!(hasher.hash_one(a), hasher.hash_one(b));
    let mut c = Checksum::new();
    c.add_bytes(&[0x12, 0x34, 0x56, 0x00]); // same sum, even length
    assert_ne!(a, c);
}

/// Every kernel on data made of extreme words, at lengths around the
/// kernels' step and block sizes: all zeros, all ones (the largest sums,
/// the most carries), and words with only the top bit set or clear, which
/// sit at the edges of the signed words the multiply-add path works on.
#[test]
fn every_kernel_on_extreme_words() {
    let patterns: [[u8; 2]; 6] = [
        [0x00, 0x00],
        [0xff, 0xff],
        [0x80, 0x00],
        [0x7f, 0xff],
        [0x00, 0x80],
        [0xff, 0x7f],
    ];
    let lengths = [
        0, 1, 15, 16, 95, 96, 97, 191, 192, 511, 512, 575, 576, 1023, 1500, 65535, 65536, 65537,
        200_001,
    ];
    // Interpreted, only the scalar kernel runs; the short lengths cover it.
    let longest = if cfg!(miri) { 600 } else { 200_001 };
    for pattern in patterns {
        let data: Vec<u8> = pattern.iter().copied().cycle().take(longest).collect();
        for len in lengths.into_iter().filter(|&len| len <= longest) {
            for start in [0, 1] {
                let data = &data[start..len.max(start)];
                let expected = naive_sum16(data);
                for kernel in Kernel::ALL.into_iter().filter(|&k| available(k)) {
                    assert_eq!(
                        sum16_with(kernel, data).map(to_network),
                        Some(expected),
                        "{kernel:?}, pattern {pattern:02x?}, {} bytes from {start}",
                        data.len()
                    );
                }
            }
        }
    }
}

/// Random data of up to ~70000 bytes, mostly short, so that every kernel's
/// tail handling, quad loop and block boundary (64 KiB) get exercised.
///
/// Interpreted, only the scalar kernel runs and generating 70 000 random
/// bytes takes minutes; up to 600 bytes cross every length threshold of
/// the sum (64, 128 and 512 bytes), odd lengths included.
fn data() -> BoxedStrategy<Vec<u8>> {
    if cfg!(miri) {
        return proptest::collection::vec(any::<u8>(), 0..600).boxed();
    }
    prop_oneof![
        3 => proptest::collection::vec(any::<u8>(), 0..300),
        2 => proptest::collection::vec(any::<u8>(), 0..5000),
        1 => proptest::collection::vec(any::<u8>(), 60000..70000),
    ]
    .boxed()
}

/// 128 cases natively; under Miri the default, which `PROPTEST_CASES` sets.
fn config() -> ProptestConfig {
    if cfg!(miri) {
        ProptestConfig::default()
    } else {
        ProptestConfig::with_cases(128)
    }
}

/// Cut points into `len` bytes, sorted, from random fractions.
fn cuts(len: usize, fractions: &[f64]) -> Vec<usize> {
    let mut cuts: Vec<usize> = fractions
        .iter()
        .map(|f| (f * len as f64) as usize)
        .collect();
    cuts.push(0);
    cuts.push(len);
    cuts.sort_unstable();
    cuts
}

proptest! {
    #![proptest_config(config())]

    #[test]
    fn checksum_matches_reference(data in data()) {
        prop_assert_eq!(checksum(&data), naive_checksum(&data));
        let mut sum = Checksum::new();
        sum.add_bytes(&data);
        prop_assert_eq!(sum.finish(), naive_checksum(&data));
    }

    #[test]
    fn every_kernel_matches_reference_at_every_start(
        data in data(),
        start in 0usize..130,
    ) {
        // `start` moves the slice off the allocation's alignment, so the
        // unaligned head (odd lengths included) is covered.
        let data = &data[start.min(data.len())..];
        let expected = naive_sum16(data);
        prop_assert_eq!(checksum(data), !expected);
        let scalar = sum16_with(Kernel::Scalar, data);
        prop_assert_eq!(scalar.map(to_network), Some(expected));
        for kernel in Kernel::ALL.into_iter().filter(|&k| available(k)) {
            prop_assert_eq!(sum16_with(kernel, data), scalar, "{:?}", kernel);
        }
    }

    #[test]
    fn pieces_match_one_slice(
        data in data(),
        fractions in proptest::collection::vec(0.0f64..1.0, 0..12),
    ) {
        let cuts = cuts(data.len(), &fractions);
        let mut sum = Checksum::new();
        for window in cuts.windows(2) {
            sum.add_bytes(&data[window[0]..window[1]]);
        }
        prop_assert_eq!(sum.finish(), naive_checksum(&data));
    }

    #[test]
    fn combined_partial_sums_match_one_slice(
        data in data(),
        fractions in proptest::collection::vec(0.0f64..1.0, 0..12),
    ) {
        let cuts = cuts(data.len(), &fractions);
        let partials: Vec<Checksum> = cuts
            .windows(2)
            .map(|w| {
                let mut part = Checksum::new();
                part.add_bytes(&data[w[0]..w[1]]);
                part
            })
            .collect();
        // Combine left to right, and also as a balanced tree (pairs first).
        let mut left = Checksum::new();
        for part in &partials {
            left.combine(part);
        }
        prop_assert_eq!(left.finish(), naive_checksum(&data));
        let mut level = partials;
        while level.len() > 1 {
            level = level
                .chunks(2)
                .map(|pair| {
                    let mut joined = pair[0];
                    if let Some(second) = pair.get(1) {
                        joined.combine(second);
                    }
                    joined
                })
                .collect();
        }
        let tree = level.first().copied().unwrap_or_default();
        prop_assert_eq!(tree.finish(), naive_checksum(&data));
    }

    #[test]
    fn words_match_their_bytes(
        prefix in proptest::collection::vec(any::<u8>(), 0..9),
        word16 in any::<u16>(),
        word32 in any::<u32>(),
    ) {
        // After an odd prefix the words land at odd offsets.
        let mut sum = Checksum::new();
        sum.add_bytes(&prefix);
        sum.add_u16(word16);
        sum.add_u32(word32);
        let mut bytes = prefix.clone();
        bytes.extend_from_slice(&word16.to_be_bytes());
        bytes.extend_from_slice(&word32.to_be_bytes());
        prop_assert_eq!(sum.sum16(), naive_sum16(&bytes));
    }

    #[test]
    fn pseudo_header_matches_reference(
        src in any::<u32>(),
        dst in any::<u32>(),
        protocol in any::<u8>(),
        length in any::<u16>(),
    ) {
        let (src, dst) = (Ipv4Addr::from_bits(src), Ipv4Addr::from_bits(dst));
        let mut bytes = Vec::new();
        bytes.extend_from_slice(&src.octets());
        bytes.extend_from_slice(&dst.octets());
        bytes.extend_from_slice(&[0, protocol]);
        bytes.extend_from_slice(&length.to_be_bytes());
        prop_assert_eq!(pseudo_header(src, dst, protocol, length).sum16(), naive_sum16(&bytes));
    }

    #[test]
    fn update_u16_matches_recomputation(
        mut data in proptest::collection::vec(any::<u8>(), 2..200),
        at in any::<prop::sample::Index>(),
        new in any::<u16>(),
    ) {
        let offset = at.index(data.len() / 2) * 2;
        let old = u16::from_be_bytes([data[offset], data[offset + 1]]);
        let before = checksum(&data);
        data[offset..offset + 2].copy_from_slice(&new.to_be_bytes());
        // All-zero data has checksum 0xffff, which eqn. 3 reports as 0x0000
        // (RFC 1624 §3: +0 and -0); no real header or packet is all zero.
        prop_assume!(data.iter().any(|&b| b != 0));
        prop_assert_eq!(update_u16(before, old, new), checksum(&data));
    }

    #[test]
    fn update_u32_matches_recomputation(
        mut data in proptest::collection::vec(any::<u8>(), 4..200),
        at in any::<prop::sample::Index>(),
        new in any::<u32>(),
    ) {
        let offset = at.index((data.len() - 2) / 2) * 2;
        let old = u32::from_be_bytes(data[offset..offset + 4].try_into().unwrap());
        let before = checksum(&data);
        data[offset..offset + 4].copy_from_slice(&new.to_be_bytes());
        prop_assume!(data.iter().any(|&b| b != 0));
        prop_assert_eq!(update_u32(before, old, new), checksum(&data));
    }

    #[test]
    fn update_bytes_matches_recomputation(
        mut data in proptest::collection::vec(any::<u8>(), 1..3000),
        range in (any::<prop::sample::Index>(), any::<prop::sample::Index>()),
        seed in any::<u64>(),
    ) {
        // Any offset, odd ones included, any length up to the end.
        let offset = range.0.index(data.len());
        let len = range.1.index(data.len() - offset + 1);
        let old = data[offset..offset + len].to_vec();
        let new: Vec<u8> = (0..len as u64)
            .map(|i| (seed.rotate_left((i % 64) as u32) ^ i) as u8)
            .collect();
        let before = checksum(&data);
        data[offset..offset + len].copy_from_slice(&new);
        prop_assume!(data.iter().any(|&b| b != 0));
        prop_assert_eq!(update_bytes(before, offset, &old, &new), checksum(&data));
    }

    #[test]
    fn verify_accepts_inserted_checksum(
        mut data in data(),
        at in any::<prop::sample::Index>(),
        flip in any::<prop::sample::Index>(),
    ) {
        prop_assume!(data.len() >= 2);
        let offset = at.index(data.len() / 2) * 2;
        data[offset..offset + 2].fill(0);
        let sum = checksum(&data);
        data[offset..offset + 2].copy_from_slice(&sum.to_be_bytes());
        prop_assert!(verify(&data));
        // Flipping one bit is always caught.
        let flip = flip.index(data.len() * 8);
        data[flip / 8] ^= 1 << (flip % 8);
        prop_assert!(!verify(&data));
    }

    #[test]
    fn matches_peers(data in data()) {
        let ours = checksum(&data);
        prop_assert_eq!(ours.to_be_bytes(), internet_checksum::checksum(&data));
        // etherparse returns the checksum in native byte order.
        let etherparse = etherparse::checksum::Sum16BitWords::new().add_slice(&data);
        prop_assert_eq!(ours.to_be_bytes(), etherparse.ones_complement().to_ne_bytes());
    }
}

/// `data` with a right checksum stored at the even offset `at` (taken
/// modulo the length), so that it verifies; unchanged if shorter than 2.
fn sealed(mut data: Vec<u8>, at: usize) -> Vec<u8> {
    if data.len() < 2 {
        return data;
    }
    let at = (at % (data.len() / 2)) * 2;
    data[at..at + 2].fill(0);
    let sum = naive_checksum(&data);
    data[at..at + 2].copy_from_slice(&sum.to_be_bytes());
    data
}

#[test]
fn skipping_field_of_zero_data() {
    // All-zero data sums to +0, so its checksum is 0xffff, whatever the
    // skipped field holds.
    let mut header = [0u8; 20];
    assert_eq!(checksum_skipping_field(&header, 10), 0xffff);
    header[10..12].copy_from_slice(&[0xff, 0xff]);
    assert_eq!(checksum_skipping_field(&header, 10), 0xffff);
    assert_eq!(checksum_skipping_field(&IPV4_HEADER, 10), 0xb861);
    // A field past the end, or cut by it, skips nothing.
    assert_eq!(
        checksum_skipping_field(&IPV4_HEADER, 19),
        checksum(&IPV4_HEADER)
    );
    assert_eq!(
        checksum_skipping_field(&IPV4_HEADER, usize::MAX),
        checksum(&IPV4_HEADER)
    );
}

#[test]
fn verify_words_on_known_header() {
    let (words, _) = IPV4_HEADER.as_chunks::<4>();
    assert!(verify_words(words));
    let mut bad = IPV4_HEADER;
    bad[11] ^= 1;
    assert!(!verify_words(bad.as_chunks::<4>().0));
    assert!(!verify_words(&[]));
    assert!(!verify_words(&[[0; 4]; 5]));
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    /// The short-input paths of `verify` and `checksum` (exact 32-bit words
    /// below 64 bytes, then the four-accumulator loop) agree with the
    /// reference on every length around them, on data that verifies and
    /// data that does not.
    #[test]
    fn short_inputs_match_reference(
        data in proptest::collection::vec(any::<u8>(), 0..140),
        seal: bool,
        at: usize,
    ) {
        let data = if seal { sealed(data, at) } else { data };
        prop_assert_eq!(checksum(&data), naive_checksum(&data));
        prop_assert_eq!(verify(&data), naive_sum16(&data) == 0xffff);
    }

    /// An 8-byte IGMPv1/v2 message: the two-word path.
    #[test]
    fn eight_bytes_match_reference(data: [u8; 8], seal: bool, at: usize) {
        let data = if seal { sealed(data.to_vec(), at) } else { data.to_vec() };
        prop_assert_eq!(verify(&data), naive_sum16(&data) == 0xffff);
        prop_assert_eq!(checksum(&data), naive_checksum(&data));
    }

    /// `verify_words` is `verify` over the flattened words, for IPv4 header
    /// sizes (5 to 15 words) and beyond.
    #[test]
    fn verify_words_matches_reference(
        words in proptest::collection::vec(any::<[u8; 4]>(), 0..40),
        seal: bool,
        at: usize,
    ) {
        let bytes = words.as_flattened().to_vec();
        let bytes = if seal { sealed(bytes, at) } else { bytes };
        let (words, _) = bytes.as_chunks::<4>();
        prop_assert_eq!(verify_words(words), naive_sum16(&bytes) == 0xffff);
        prop_assert_eq!(verify_words(words), verify(&bytes));
    }

    /// `checksum_skipping_field` is the checksum of a copy with the field
    /// zeroed, at even and odd offsets, short (exact) and long inputs, and
    /// fields that run past the end.
    #[test]
    fn skipping_field_matches_zeroed_copy(data in data(), at in 0usize..400) {
        let mut zeroed = data.clone();
        if let Some(field) = zeroed.get_mut(at..at + 2) {
            field.fill(0);
        }
        prop_assert_eq!(checksum_skipping_field(&data, at), naive_checksum(&zeroed));
    }

    /// The crate's word-sum helpers (an owned header's options array plus
    /// its fields) finish to the reference checksum.
    #[test]
    fn sums_to_ffff_matches_remainder(sum: u64, k in 0u64..=u64::MAX / 0xffff, d in -2i64..=2) {
        let near = (k * 0xffff).wrapping_add_signed(d);
        for sum in [sum, near] {
            prop_assert_eq!(sums_to_ffff(sum), sum != 0 && sum.is_multiple_of(0xffff), "{:#x}", sum);
        }
    }

    #[test]
    fn word_sums_match_reference(words in proptest::collection::vec(any::<[u8; 4]>(), 0..40)) {
        let sum = sum_words_ne(&words);
        prop_assert_eq!(checksum_of_sum_ne(sum), naive_checksum(words.as_flattened()));
    }
}
