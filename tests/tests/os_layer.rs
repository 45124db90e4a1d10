//! Keeps ipv4-std's OS layer honest: every use of `libc` is in
//! `std-adapter/src/sys/`, so that a new OS family is a file there and
//! the layers above name only `sys::` items. (`unsafe` needs no such
//! check: the crate denies it outside `sys`.)

use std::fs;
use std::path::{Path, PathBuf};

/// Every `.rs` file under `dir`.
fn sources(dir: &Path) -> Vec<PathBuf> {
    let mut found = Vec::new();
    for entry in fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            found.extend(sources(&path));
        } else if path.extension().is_some_and(|e| e == "rs") {
            found.push(path);
        }
    }
    found
}

#[test]
fn libc_is_named_only_in_sys() {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("../std-adapter/src");
    let sys = src.join("sys");
    let files = sources(&src);
    assert!(files.len() > 10, "found only {files:?}");
    let mut stray = Vec::new();
    for file in files.iter().filter(|f| !f.starts_with(&sys)) {
        let text = fs::read_to_string(file).unwrap();
        for (i, line) in text.lines().enumerate() {
            if line.contains("libc::") || line.trim_start().starts_with("use libc") {
                stray.push(format!("{}:{}: {}", file.display(), i + 1, line.trim()));
            }
        }
    }
    assert!(
        stray.is_empty(),
        "libc named outside std-adapter/src/sys/ (add the item to the family modules under sys/ and use it as sys::…):\n{}",
        stray.join("\n")
    );
}
