//! The namespace helpers themselves: a veth pair carries a datagram from
//! one private namespace to the other, and the namespaces are gone after
//! the drop. And the harness that runs every kernel test: without root, it
//! reports such a test as ignored, with the reason.

use std::net::UdpSocket;
use std::process::Command;
use std::time::Duration;

use ipv4_tests::netns::VethPair;

fn namespaces_are_private_and_removed() {
    let name;
    {
        let pair = VethPair::new().unwrap();
        name = pair.a.name().to_owned();
        // b can reach a over the link, and only there.
        let server = pair.a.spawn(|| {
            let s = UdpSocket::bind((VethPair::A_ADDR, 40000)).unwrap();
            s.set_read_timeout(Some(Duration::from_secs(5))).unwrap();
            let mut buf = [0; 16];
            let (n, from) = s.recv_from(&mut buf).unwrap();
            (buf[..n].to_vec(), from)
        });
        pair.b.run(|| {
            let c = UdpSocket::bind((VethPair::B_ADDR, 0)).unwrap();
            // The receiver may not be bound yet; repeat a few times.
            for _ in 0..50 {
                c.send_to(b"hello", (VethPair::A_ADDR, 40000)).unwrap();
                std::thread::sleep(Duration::from_millis(20));
                if server.is_finished() {
                    break;
                }
            }
        });
        let (data, from) = server.join().unwrap();
        assert_eq!(data, b"hello");
        assert_eq!(from.ip(), VethPair::B_ADDR);
    }
    let list = Command::new("ip").args(["netns", "list"]).output().unwrap();
    assert!(!String::from_utf8_lossy(&list.stdout).contains(&name));
}

#[path = "../../std-adapter/examples/common/harness.rs"]
mod harness;

/// Runs this binary again as user `nobody` (65534), asking for the
/// namespace test only: the built-in harness would print `ok` for its early
/// return; this one must say `ignored` and why, and count it as ignored.
fn namespace_test_is_reported_ignored_without_root() {
    let exe = std::env::current_exe().unwrap();
    let out = Command::new("setpriv")
        .args(["--reuid=65534", "--regid=65534", "--clear-groups"])
        .arg(&exe)
        .args(["--exact", "namespaces_are_private_and_removed"])
        .output()
        .expect("setpriv (util-linux) runs");
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "{stdout}{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(
        stdout.contains(
            "namespaces_are_private_and_removed ... ignored \
             (needs root to create network namespaces (euid 65534))"
        ),
        "{stdout}"
    );
    assert!(
        stdout.contains("0 passed; 0 failed; 1 ignored;"),
        "{stdout}"
    );
}

fn main() {
    use harness::{kernel, root};
    harness::run([
        kernel(namespaces_are_private_and_removed),
        root(namespace_test_is_reported_ignored_without_root),
    ]);
}
