//! The test harness of every test binary with kernel tests (the examples
//! built as tests, and the `ipv4-tests` files that set `harness = false`).
//!
//! A kernel test that cannot run here (not root, no `ip` command, or no
//! permission to create network namespaces) is reported as `ignored`, with
//! the reason, in cargo test's own output and summary; the built-in harness
//! can only decide that at compile time. Filters, `--ignored`,
//! `--include-ignored`, `--list`, `--exact`, `--skip` and `--test-threads`
//! work as with the built-in harness (libtest-mimic parses them). Output is
//! never captured: `--nocapture` is accepted and changes nothing.
//!
//! A file lists its tests in its `main`:
//!
//! ```ignore
//! fn main() {
//!     harness::run([plain(parses_a_header), kernel(joins_a_group_in_a_namespace)]);
//! }
//! ```
//!
//! A function under `#[test]` in such a file is silently not compiled, so
//! `tests/tests/trial_lists.rs` fails when one is left there.
//!
//! The file lives with the examples so that `ipv4-std` stays
//! self-contained; the `ipv4-tests` binaries include it with `#[path]`.
#![allow(dead_code)]

use std::any::{Any, type_name};
use std::process::Command;
use std::sync::OnceLock;
use std::thread;

use libtest_mimic::{Arguments, Completion, Failed, Trial};

/// What a test needs from the machine besides a loopback interface.
#[derive(Clone, Copy)]
enum Needs {
    Nothing,
    /// Root in the main namespace (raw sockets on loopback, another uid).
    Root,
    /// Network namespaces of its own (root, `ip`, permission to create).
    Namespaces,
}

impl Needs {
    /// Why a test with these needs cannot run here, if it cannot.
    fn missing(self) -> Option<String> {
        match self {
            Needs::Nothing => None,
            Needs::Root => match euid() {
                0 => None,
                euid => Some(format!("needs root (euid {euid})")),
            },
            Needs::Namespaces => NAMESPACES_MISSING.get_or_init(namespaces_missing).clone(),
        }
    }
}

static NAMESPACES_MISSING: OnceLock<Option<String>> = OnceLock::new();

/// Tries what the namespace tests do first: `ip netns add`, then removes
/// the namespace again. Runs once per test binary.
fn namespaces_missing() -> Option<String> {
    let euid = euid();
    if euid != 0 {
        return Some(format!(
            "needs root to create network namespaces (euid {euid})"
        ));
    }
    if !Command::new("ip")
        .arg("-V")
        .output()
        .is_ok_and(|o| o.status.success())
    {
        return Some("needs the `ip` command (iproute2)".to_owned());
    }
    let name = format!("ipv4probe-{}", std::process::id());
    match Command::new("ip").args(["netns", "add", &name]).output() {
        Ok(out) if out.status.success() => {
            let _ = Command::new("ip").args(["netns", "del", &name]).output();
            None
        }
        Ok(out) => Some(format!(
            "cannot create a network namespace: {}",
            String::from_utf8_lossy(&out.stderr).trim()
        )),
        Err(e) => Some(format!("cannot create a network namespace: {e}")),
    }
}

/// The effective user id, from `/proc/self/status` (its `Uid:` line lists
/// real, effective, saved and filesystem ids).
fn euid() -> u32 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find_map(|l| l.strip_prefix("Uid:"))
                .and_then(|ids| ids.split_whitespace().nth(1))
                .and_then(|id| id.parse().ok())
        })
        .expect("/proc/self/status has a Uid line")
}

/// One test: a function, what it needs, and whether it is ignored unless
/// asked for.
pub struct Test {
    name: String,
    needs: Needs,
    ignore: Option<&'static str>,
    body: Box<dyn FnOnce() + Send>,
}

/// A test that runs everywhere.
pub fn plain<F: FnOnce() + Send + 'static>(f: F) -> Test {
    Test::new(f, Needs::Nothing)
}

/// A test that needs root in the main namespace (raw sockets on
/// loopback, switching to another user); ignored, with the reason,
/// otherwise.
pub fn root<F: FnOnce() + Send + 'static>(f: F) -> Test {
    Test::new(f, Needs::Root)
}

/// A test that creates network namespaces; ignored, with the reason, where
/// that is impossible.
pub fn kernel<F: FnOnce() + Send + 'static>(f: F) -> Test {
    Test::new(f, Needs::Namespaces)
}

impl Test {
    fn new<F: FnOnce() + Send + 'static>(f: F, needs: Needs) -> Test {
        // `f` is a function item, whose type name is its path: the name
        // the built-in harness gives, without the crate's segment.
        let path = type_name::<F>();
        assert!(
            !path.contains('{'),
            "pass a test function, not a closure: {path}"
        );
        let name = path.split_once("::").map_or(path, |(_, rest)| rest);
        Test {
            name: name.to_owned(),
            needs,
            ignore: None,
            body: Box::new(f),
        }
    }

    /// Ignores the test unless `--ignored` or `--include-ignored` is given,
    /// like `#[ignore = "reason"]`.
    pub fn ignore(mut self, reason: &'static str) -> Test {
        self.ignore = Some(reason);
        self
    }

    fn into_trial(self, run_ignored: bool) -> Trial {
        let Test {
            name,
            needs,
            ignore,
            body,
        } = self;
        // Ignored tests are ignored at run time too, so that the output
        // shows the reason; the flag only selects them for `--ignored`.
        let flagged = ignore.is_some() && run_ignored;
        Trial::ignorable_test(name.clone(), move || {
            if let Some(reason) = ignore.filter(|_| !run_ignored) {
                return Ok(Completion::ignored_with(reason));
            }
            if let Some(reason) = needs.missing() {
                return Ok(Completion::ignored_with(reason));
            }
            // A thread named after the test, as the built-in harness does,
            // so that a panic message says which test panicked.
            thread::Builder::new()
                .name(name)
                .spawn(body)
                .expect("spawn the test thread")
                .join()
                .map(|()| Completion::Completed)
                .map_err(|payload| Failed::from(panic_message(&*payload)))
        })
        .with_ignored_flag(flagged)
    }
}

fn panic_message(payload: &(dyn Any + Send)) -> String {
    match (
        payload.downcast_ref::<&str>(),
        payload.downcast_ref::<String>(),
    ) {
        (Some(s), _) => format!("test panicked: {s}"),
        (_, Some(s)) => format!("test panicked: {s}"),
        _ => "test panicked".to_owned(),
    }
}

/// Runs `tests` as the command line asks and exits with libtest's status
/// (101 when a test failed).
pub fn run(tests: impl IntoIterator<Item = Test>) -> ! {
    let args = Arguments::from_args();
    let run_ignored = args.ignored || args.include_ignored;
    let trials = tests
        .into_iter()
        .map(|t| t.into_trial(run_ignored))
        .collect();
    libtest_mimic::run(&args, trials).exit()
}
