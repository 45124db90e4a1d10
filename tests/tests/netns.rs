//! The namespace helpers themselves: a veth pair carries a datagram from
//! one private namespace to the other, and the namespaces are gone after
//! the drop.

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

fn main() {
    harness::run([harness::kernel(namespaces_are_private_and_removed)]);
}
