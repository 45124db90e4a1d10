//! The fuzz targets' entry points, shared by the cargo-fuzz project in
//! `fuzz/` and the stable replay test `tests/fuzz_replay.rs`.
//!
//! Each public function takes the raw bytes a fuzzer hands over, feeds them
//! to one parser (or builder) of `ipv4-core` or `ipv4-std`, touches every
//! accessor of whatever it accepts, and asserts the properties its
//! documentation promises: lengths that agree, constructors whose strictness
//! nests as documented, `parse(emit(parse(b))) == parse(b)`, incremental
//! checksums equal to recomputed ones. A panic (an index out of range, an
//! arithmetic overflow with debug assertions, a failed assertion) is a
//! finding.
//!
//! Because the replay test calls the same functions on every committed
//! corpus and crash-regression file, a regression is caught by `cargo test`
//! on stable, without nightly or libFuzzer.
//!
//! | target | function | what it feeds |
//! |---|---|---|
//! | `header` | [`header`] | `HeaderView` (checked, lax, verified, unchecked, mutable setters), `Header::parse`, `Header::parse_raw` in every raw format |
//! | `options` | [`options`] | the strict and lax walkers, every typed option view, fragment filtering, the forwarding edits |
//! | `igmp` | [`igmp`] | `Message::parse` classification and every message view, record walker, extensions |
//! | `igmp_split` | [`igmp_split`] | `ReportSplitter` fed arbitrary group records and limits |
//! | `igmp_host` | [`igmp_host`] | the IGMP host machine: random socket requests, valid and invalid messages, time and polls |
//! | `checksum` | [`checksum`] | every sum kernel, the accumulator, incremental updates after arbitrary edits |
//! | `cmsg` | [`cmsg`] | `ipv4_std::cmsg::decode` and `Messages`, and encode → decode |
//! | `roundtrip_header` | [`roundtrip_header`] | parse → emit → parse of headers, every raw format |
//! | `roundtrip_options` | [`roundtrip_options`] | walk → emit → walk of options, typed option reprs |
//! | `roundtrip_igmp` | [`roundtrip_igmp`] | parse → emit → parse of every IGMP message kind |
//! | `igmp_querier` | [`igmp_querier`] | the IGMPv3 querier state machine: random reports, leaves, queries, raw bytes, time steps and transmit buffers |
//! | `icmp` | [`icmp`] | `IcmpView` (verified, skipped, unchecked), the classification, quoted datagram and flow, the RFC 4884 split in both modes, the object walk and typed objects |
//! | `roundtrip_icmp` | [`roundtrip_icmp`] | parse → emit → parse of ICMP messages, and build → parse from structured input |
//!
//! The functions allocate freely (they run in tests and fuzzers, never in
//! the no-std core).

mod checksum;
mod cmsg;
mod header;
mod icmp;
mod igmp;
mod igmp_host;
mod options;
mod querier;

use core::fmt;

pub use checksum::checksum;
pub use cmsg::cmsg;
pub use header::{header, roundtrip_header};
pub use icmp::{icmp, roundtrip_icmp};
pub use igmp::{igmp, igmp_split, roundtrip_igmp};
pub use igmp_host::igmp_host;
pub use options::{options, roundtrip_options};
pub use querier::igmp_querier;

/// A fuzz target's entry point.
pub type Entry = fn(&[u8]);

/// Every target by name: the name is the fuzz target's (its file in
/// `fuzz/fuzz_targets/` and its directory in `fuzz/corpus/` and
/// `fuzz/regressions/`).
pub const TARGETS: &[(&str, Entry)] = &[
    ("header", header),
    ("options", options),
    ("igmp", igmp),
    ("igmp_split", igmp_split),
    ("igmp_host", igmp_host),
    ("checksum", checksum),
    ("cmsg", cmsg),
    ("roundtrip_header", roundtrip_header),
    ("roundtrip_options", roundtrip_options),
    ("roundtrip_igmp", roundtrip_igmp),
    ("igmp_querier", igmp_querier),
    ("icmp", icmp),
    ("roundtrip_icmp", roundtrip_icmp),
];

/// A formatter target that throws the text away: formatting runs (and may
/// panic), nothing is allocated.
struct Sink;

impl fmt::Write for Sink {
    fn write_str(&mut self, s: &str) -> fmt::Result {
        core::hint::black_box(s);
        Ok(())
    }
}

/// Runs `Display` and `Debug` of `value`.
fn show<T: fmt::Display + fmt::Debug + ?Sized>(value: &T) {
    use fmt::Write as _;
    let _ = write!(Sink, "{value} {value:?}");
}

/// Runs `Debug` of `value`.
fn debug<T: fmt::Debug + ?Sized>(value: &T) {
    use fmt::Write as _;
    let _ = write!(Sink, "{value:?}");
}
