//! Keeps the hand-written trial lists honest. A test target with
//! `harness = false` runs only what its `main` passes to
//! `std-adapter/examples/common/harness.rs`; a function under `#[test]` in
//! it is not even compiled, without a warning. So no such target may hold
//! a `#[test]`, and every file that calls the harness must be such a
//! target (under the built-in harness its `main` would never run).

use std::fs;
use std::path::{Path, PathBuf};

/// `(source file, harness)` of every `[[test]]` and `[[example]]` in the
/// manifest of the package at `dir`, and the files that cargo finds by
/// itself (`tests/*.rs`, `examples/*.rs`) with the built-in harness.
fn targets(dir: &Path) -> Vec<(PathBuf, bool)> {
    let mut found: Vec<(PathBuf, bool)> = Vec::new();
    for sub in ["tests", "examples"] {
        let Ok(entries) = fs::read_dir(dir.join(sub)) else {
            continue;
        };
        for entry in entries {
            let path = entry.unwrap().path();
            if path.extension().is_some_and(|e| e == "rs") {
                found.push((path, true));
            }
        }
    }
    let manifest = fs::read_to_string(dir.join("Cargo.toml")).unwrap();
    let mut section = "";
    let (mut name, mut path, mut harness) = (None::<String>, None::<String>, true);
    let mut flush = |section: &str,
                     name: &mut Option<String>,
                     path: &mut Option<String>,
                     harness: &mut bool| {
        let (name, path, builtin) = (name.take(), path.take(), std::mem::replace(harness, true));
        let sub = match section {
            "[[test]]" => "tests",
            "[[example]]" => "examples",
            _ => return,
        };
        let file = match path {
            Some(p) => dir.join(p),
            None => dir
                .join(sub)
                .join(format!("{}.rs", name.expect("a target has a name"))),
        };
        match found.iter_mut().find(|(f, _)| *f == file) {
            Some(entry) => entry.1 = builtin,
            None => found.push((file, builtin)),
        }
    };
    for line in manifest.lines().map(str::trim) {
        if line.starts_with('[') {
            flush(section, &mut name, &mut path, &mut harness);
            section = line;
        } else if let Some((key, value)) = line.split_once('=') {
            let value = value.trim().trim_matches('"').to_owned();
            match key.trim() {
                "name" => name = Some(value),
                "path" => path = Some(value),
                "harness" => harness = value != "false",
                _ => {}
            }
        }
    }
    flush(section, &mut name, &mut path, &mut harness);
    found
}

#[test]
fn harness_false_targets_have_no_test_attributes_and_harness_files_are_harness_false() {
    let tests = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut checked = 0;
    for (file, builtin) in targets(tests)
        .into_iter()
        .chain(targets(&tests.join("../std-adapter")))
    {
        let source = fs::read_to_string(&file).unwrap();
        let calls_harness = source
            .lines()
            .any(|l| l.trim_start().starts_with("harness::run("));
        if builtin {
            assert!(
                !calls_harness,
                "{} calls the harness but has the built-in one; set `harness = false` in Cargo.toml",
                file.display()
            );
        } else {
            assert!(calls_harness, "{} has no trial list", file.display());
            for (n, line) in source.lines().enumerate() {
                assert!(
                    !line.trim_start().starts_with("#[test]"),
                    "{}:{}: `#[test]` under `harness = false` never runs; \
                     add the function to the list in `main` instead",
                    file.display(),
                    n + 1
                );
            }
            checked += 1;
        }
    }
    // 12 files in tests/tests/, 7 examples.
    assert!(
        checked >= 19,
        "found only {checked} harness = false targets"
    );
}
