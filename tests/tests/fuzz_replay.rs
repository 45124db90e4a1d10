//! Replays every committed fuzz corpus and crash-regression file through the
//! fuzz targets' entry points (`ipv4_tests::fuzz_entry`), on stable Rust.
//!
//! The fuzzers (`fuzz/`, nightly and libFuzzer) find inputs; this test keeps
//! them: `fuzz/corpus/<target>/` holds the minimized corpus and
//! `fuzz/regressions/<target>/` every input that once crashed, each fixed
//! with a unit test next to the code it broke. A regression fails here,
//! under `cargo test`, without nightly.

use std::fs;
use std::panic;
use std::path::{Path, PathBuf};

use ipv4_tests::fuzz_entry::TARGETS;

fn fuzz_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../fuzz")
}

/// The files of `dir`, sorted; none if it does not exist.
fn files(dir: &Path) -> Vec<PathBuf> {
    let Ok(entries) = fs::read_dir(dir) else {
        return Vec::new();
    };
    let mut files: Vec<PathBuf> = entries
        .map(|e| e.expect("readable directory entry").path())
        .filter(|p| p.is_file())
        .collect();
    files.sort();
    files
}

/// Runs every file of `kind` (`corpus` or `regressions`) through its
/// target; reports every failing file, not only the first.
fn replay(kind: &str) -> usize {
    let mut failures = Vec::new();
    let mut count = 0;
    for (name, entry) in TARGETS {
        for file in files(&fuzz_dir().join(kind).join(name)) {
            let data = fs::read(&file).expect("readable fuzz input");
            count += 1;
            if panic::catch_unwind(|| entry(&data)).is_err() {
                failures.push(file.display().to_string());
            }
        }
    }
    assert!(
        failures.is_empty(),
        "{} of {count} {kind} inputs fail:\n{}",
        failures.len(),
        failures.join("\n")
    );
    count
}

#[test]
fn corpus_replays_cleanly() {
    let count = replay("corpus");
    // The corpora are committed; an empty replay means the path is wrong.
    assert!(count > 0, "no corpus files under {}", fuzz_dir().display());
}

#[test]
fn crash_regressions_stay_fixed() {
    replay("regressions");
}

#[test]
fn every_target_has_a_corpus_and_a_fuzz_target() {
    for (name, _) in TARGETS {
        let corpus = fuzz_dir().join("corpus").join(name);
        assert!(!files(&corpus).is_empty(), "no corpus for {name}");
        let target = fuzz_dir().join("fuzz_targets").join(format!("{name}.rs"));
        let source = fs::read_to_string(&target).expect("fuzz target source");
        assert!(
            source.contains(&format!("fuzz_entry::{name}(")),
            "{} does not call fuzz_entry::{name}",
            target.display()
        );
    }
}

#[test]
fn empty_and_tiny_inputs() {
    for (_, entry) in TARGETS {
        for len in 0..=64 {
            entry(&vec![0u8; len]);
            entry(&vec![0xffu8; len]);
        }
    }
}
