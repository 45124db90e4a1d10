//! What every bench shares: the two calling conventions and the machine
//! line that `report` (src/bin/report.rs) puts above every table.

#![allow(dead_code)] // Each bench uses part of it.

use std::path::PathBuf;

/// How a measured operation reaches the timing loop.
///
/// `Inline`: the closure is compiled into the loop, so the compiler may
/// hoist and merge work across iterations and libraries (what a caller that
/// inlines the whole path gets). `Call`: the operation sits behind an
/// `#[inline(never)]` function, so every iteration pays for a call, argument
/// passing and returning the result (what a caller gets when the inliner
/// says no, as it often does across crates and in larger functions).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Convention {
    Inline,
    Call,
}

impl Convention {
    pub const BOTH: [Convention; 2] = [Convention::Inline, Convention::Call];

    /// The group-name prefix: `inline` or `call`.
    pub fn name(self) -> &'static str {
        match self {
            Convention::Inline => "inline",
            Convention::Call => "call",
        }
    }
}

/// Runs `f(input)` behind a call the compiler may not inline. Generic, so
/// each operation gets its own out-of-line copy with the operation's body
/// inlined into it: one call per iteration, as a user's out-of-line call.
#[inline(never)]
pub fn outlined<I, R>(f: &impl Fn(I) -> R, input: I) -> R {
    f(input)
}

/// Runs `f(input)` inlined into the caller.
#[inline(always)]
pub fn inlined<I, R>(f: &impl Fn(I) -> R, input: I) -> R {
    f(input)
}

/// The CPU's model name from `/proc/cpuinfo` (`unknown` where that file
/// is missing).
pub fn cpu_model() -> String {
    std::fs::read_to_string("/proc/cpuinfo")
        .ok()
        .and_then(|info| {
            info.lines()
                .find(|line| line.starts_with("model name"))
                .and_then(|line| line.split_once(':'))
                .map(|(_, model)| model.trim().to_owned())
        })
        .unwrap_or_else(|| "unknown".to_owned())
}

/// One line naming the machine and build: CPU model, the checksum kernel
/// the dispatcher picks here, and whether the build targets the host CPU.
pub fn machine_line() -> String {
    let build = if cfg!(target_feature = "avx512f") || cfg!(target_feature = "avx2") {
        "-C target-cpu=native (or similar)"
    } else {
        "default"
    };
    format!(
        "CPU: {} · checksum kernel: {:?} · build: {}",
        cpu_model(),
        ipv4_core::checksum::best(),
        build
    )
}

/// Criterion's output directory, found as criterion finds it:
/// `$CARGO_TARGET_DIR/criterion` (relative to the bench's directory,
/// `benches/`), else `target/criterion` above this executable's
/// `target/<profile>/deps`.
fn criterion_dir() -> Option<PathBuf> {
    if let Some(dir) = std::env::var_os("CRITERION_HOME") {
        return Some(dir.into());
    }
    if let Some(dir) = std::env::var_os("CARGO_TARGET_DIR") {
        return Some(PathBuf::from(dir).join("criterion"));
    }
    let exe = std::env::current_exe().ok()?;
    Some(exe.parent()?.parent()?.parent()?.join("criterion"))
}

/// Stores `text` as `<name>.txt` in criterion's directory, where `report`
/// prints it under the machine lines.
pub fn record(name: &str, text: &str) {
    if let Some(dir) = criterion_dir() {
        let _ = std::fs::create_dir_all(&dir);
        let _ = std::fs::write(dir.join(format!("{name}.txt")), format!("{text}\n"));
    }
}

/// Prints the machine line and stores it as `machine-<bench>.txt` in
/// criterion's directory, where `report` checks it against the machine it
/// runs on before it prints any table.
pub fn record_machine(bench: &str) {
    let line = machine_line();
    eprintln!("{line}");
    if let Some(dir) = criterion_dir() {
        let _ = std::fs::create_dir_all(&dir);
        let _ = std::fs::write(
            dir.join(format!("machine-{bench}.txt")),
            format!("{line}\n"),
        );
    }
}

/// Benches each `(name, function)` on `input` in both conventions: groups
/// `<table>/inline/<row>` and `<table>/call/<row>`, one function id per
/// name. Each function takes the input and returns a `u64` digest of
/// everything it read, so every library hands the timing loop one
/// register, whether it runs inlined or behind a call.
#[allow(unused_macros)] // The checksum bench has its own.
macro_rules! bench_both {
    ($c:expr, $table:expr, $row:expr, $input:expr, [$(($name:expr, $f:expr)),* $(,)?]) => {
        for convention in $crate::common::Convention::BOTH {
            let mut group = $c.benchmark_group(format!("{}/{}/{}", $table, convention.name(), $row));
            $(
                match convention {
                    $crate::common::Convention::Inline => group.bench_function($name, |b| {
                        b.iter(|| $crate::common::inlined(&$f, std::hint::black_box($input)))
                    }),
                    $crate::common::Convention::Call => group.bench_function($name, |b| {
                        b.iter(|| $crate::common::outlined(&$f, std::hint::black_box($input)))
                    }),
                };
            )*
            group.finish();
        }
    };
}
