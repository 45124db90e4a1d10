//! Interfaces by name and by index ([`Interface`], [`InterfaceRef`])
//! checked against sources the crate does not use: `/sys/class/net` (read
//! in the main namespace, or through `ip netns exec`, which mounts the
//! namespace's own sysfs) and `ip -o -4 addr`. Loopback is read in the
//! main namespace; everything else happens on a veth pair between two
//! private namespaces, where the multicast calls are given an
//! `&Interface` and a name.

use ipv4_std::prelude::*;
use std::net::{Ipv4Addr, UdpSocket};
use std::process::Command;
use std::time::Duration;

use ipv4_std::{
    ControlFlags, Interface, InterfaceFlags, InterfaceRef, MulticastInterface, PacketConn,
};
use ipv4_tests::netns::{Netns, VethPair};
use ipv4_tests::sockets;

const WAIT: Duration = Duration::from_secs(10);

/// The output of `program args`, which must succeed.
fn output(program: &str, args: &[&str]) -> String {
    let out = Command::new(program).args(args).output().unwrap();
    assert!(
        out.status.success(),
        "{program} {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap()
}

/// The flags [`InterfaceFlags`] names, from a `/sys/class/net/*/flags`
/// value such as `0x1003`. That file holds the flags as configured, without
/// RUNNING, which the kernel derives from the operational state when asked
/// otherwise (as `getifaddrs` does): compare the others only.
fn sysfs_flags(hex: &str) -> InterfaceFlags {
    let bits = u32::from_str_radix(hex.trim().trim_start_matches("0x"), 16).unwrap();
    InterfaceFlags::from_bits_truncate(bits)
}

/// The addresses `ip -o -4 addr show dev <ifname>` lists inside `ns`, as
/// `address/prefix` strings, and the interface index it prints.
fn ip_addresses(ns: &Netns, ifname: &str) -> (u32, Vec<String>) {
    let text = output(
        "ip",
        &["-n", ns.name(), "-o", "-4", "addr", "show", "dev", ifname],
    );
    let mut index = None;
    let mut addresses = Vec::new();
    for line in text.lines() {
        // `2: veth-a    inet 198.51.100.1/24 brd … scope global veth-a\ …`
        let (i, rest) = line.split_once(':').unwrap();
        index = Some(i.trim().parse().unwrap());
        let mut words = rest.split_whitespace();
        assert_eq!(words.next(), Some(ifname), "{line}");
        assert_eq!(words.next(), Some("inet"), "{line}");
        addresses.push(words.next().unwrap().to_owned());
    }
    (index.expect("ip lists the interface"), addresses)
}

/// Loopback, read in the main namespace (nothing is sent): index 1 as
/// sysfs says, the loopback flag, 127.0.0.1/8; by name, by index and in
/// the full list alike.
fn loopback_is_found_by_name_by_index_and_in_the_list() {
    let sys_index: u32 = std::fs::read_to_string("/sys/class/net/lo/ifindex")
        .unwrap()
        .trim()
        .parse()
        .unwrap();
    assert_eq!(sys_index, 1);
    let sys_flags = sysfs_flags(&std::fs::read_to_string("/sys/class/net/lo/flags").unwrap());

    let lo = Interface::by_name("lo").unwrap();
    assert_eq!(lo.name(), "lo");
    assert_eq!(lo.index(), sys_index);
    assert_eq!(lo.flags() - InterfaceFlags::RUNNING, sys_flags);
    assert!(
        lo.flags()
            .contains(InterfaceFlags::LOOPBACK | InterfaceFlags::UP)
    );
    let localhost = lo
        .addresses()
        .iter()
        .find(|a| a.address() == Ipv4Addr::LOCALHOST)
        .unwrap_or_else(|| panic!("127.0.0.1 is not among {:?}", lo.addresses()));
    assert_eq!(localhost.prefix_len(), 8);
    assert_eq!(localhost.netmask(), Ipv4Addr::new(255, 0, 0, 0));
    assert!(lo.to_string().starts_with("1: lo <UP,LOOPBACK"), "{lo}");

    assert_eq!(Interface::by_index(1).unwrap(), lo);
    let all = Interface::all().unwrap();
    assert!(all.contains(&lo), "{all:?}");
    assert!(all.windows(2).all(|w| w[0].index() < w[1].index()));
    assert_eq!(InterfaceRef::from("lo").index().unwrap(), 1);
}

/// Every interface of the main namespace agrees with sysfs on index and
/// flags (RUNNING aside, see [`sysfs_flags`]).
fn every_interface_agrees_with_sysfs() {
    let sysfs_names = || {
        let mut names: Vec<String> = std::fs::read_dir("/sys/class/net")
            .unwrap()
            .map(|e| e.unwrap().file_name().into_string().unwrap())
            .collect();
        names.sort();
        names
    };
    // Other programs may add or remove interfaces meanwhile: a list read
    // between two equal sysfs listings must match them.
    let all = (0..5)
        .find_map(|_| {
            let before = sysfs_names();
            let all = Interface::all().unwrap();
            let mut ours: Vec<String> = all.iter().map(|i| i.name().to_owned()).collect();
            ours.sort();
            (sysfs_names() == before && ours == before).then_some(all)
        })
        .expect("Interface::all() lists what /sys/class/net lists");
    for i in &all {
        let dir = format!("/sys/class/net/{}", i.name());
        let index: u32 = std::fs::read_to_string(format!("{dir}/ifindex"))
            .unwrap()
            .trim()
            .parse()
            .unwrap();
        assert_eq!(i.index(), index, "{i}");
        let flags = sysfs_flags(&std::fs::read_to_string(format!("{dir}/flags")).unwrap());
        assert_eq!(i.flags() - InterfaceFlags::RUNNING, flags, "{i}");
    }
}

/// Unknown names and indexes are `NotFound` errors that name them; names
/// and indexes no interface can have are `InvalidInput`.
fn unknown_and_impossible_interfaces_are_told_apart() {
    let e = Interface::by_name("no-such-if0").unwrap_err();
    assert_eq!(e.kind(), std::io::ErrorKind::NotFound, "{e}");
    assert!(e.to_string().contains("\"no-such-if0\""), "{e}");
    let e = Interface::by_index(i32::MAX as u32).unwrap_err();
    assert_eq!(e.kind(), std::io::ErrorKind::NotFound, "{e}");
    assert!(e.to_string().contains(&i32::MAX.to_string()), "{e}");
    let e = Interface::by_name("lo\0").unwrap_err();
    assert_eq!(e.kind(), std::io::ErrorKind::InvalidInput, "{e}");
    let e = Interface::by_index(u32::MAX).unwrap_err();
    assert_eq!(e.kind(), std::io::ErrorKind::InvalidInput, "{e}");
}

/// Inside a namespace, the veth end's name, index, flags and address are
/// what `ip` and the namespace's sysfs report; the namespace's own
/// loopback is there too, and the main namespace's interfaces are not.
fn veth_interface_matches_ip_and_sysfs() {
    let pair = VethPair::new().unwrap();
    let (ns, ifname) = (&pair.a, VethPair::A_IF);
    let (veth, all) = ns.run(|| {
        (
            Interface::by_name(ifname).unwrap(),
            Interface::all().unwrap(),
        )
    });

    let (ip_index, ip_addresses) = ip_addresses(ns, ifname);
    let sysfs = output(
        "ip",
        &[
            "netns",
            "exec",
            ns.name(),
            "cat",
            &format!("/sys/class/net/{ifname}/ifindex"),
            &format!("/sys/class/net/{ifname}/flags"),
        ],
    );
    let mut lines = sysfs.lines();
    let sys_index: u32 = lines.next().unwrap().parse().unwrap();
    let sys_flags = sysfs_flags(lines.next().unwrap());

    assert_eq!(veth.name(), ifname);
    assert_eq!(veth.index(), ip_index);
    assert_eq!(veth.index(), sys_index);
    assert_eq!(veth.flags() - InterfaceFlags::RUNNING, sys_flags);
    assert!(
        veth.flags()
            .contains(InterfaceFlags::UP | InterfaceFlags::BROADCAST | InterfaceFlags::MULTICAST)
    );
    let ours: Vec<String> = veth.addresses().iter().map(|a| a.to_string()).collect();
    assert_eq!(ours, ip_addresses);
    assert_eq!(ours, [format!("{}/24", VethPair::A_ADDR)]);

    let names: Vec<&str> = all.iter().map(Interface::name).collect();
    assert_eq!(names, ["lo", ifname], "{all:?}");
    assert_eq!(all[1], veth);
    assert_eq!(ns.run(|| Interface::by_index(veth.index())).unwrap(), veth);
}

/// In a namespace: a member joins one group by `&Interface` and one by
/// name (the kernel's IGMP table shows both on the veth), a sender picks
/// its outgoing interface by `&Interface`, both datagrams arrive, and
/// leaving by name and by index empties the table again.
fn joins_by_interface_and_by_name_in_a_namespace() {
    let pair = VethPair::new().unwrap();
    let port = 5018;
    let by_interface = Ipv4Addr::new(239, 18, 0, 1);
    let by_name = Ipv4Addr::new(239, 18, 0, 2);

    let member = pair.b.run(|| {
        let socket = UdpSocket::bind((Ipv4Addr::UNSPECIFIED, port)).unwrap();
        socket.set_read_timeout(Some(WAIT)).unwrap();
        let conn = PacketConn::new(socket).unwrap();
        conn.set_control_message(ControlFlags::DST | ControlFlags::INTERFACE, true)
            .unwrap();
        let veth = Interface::by_name(VethPair::B_IF).unwrap();
        conn.join_group(&veth, by_interface).unwrap();
        conn.join_group(VethPair::B_IF, by_name).unwrap();
        assert!(sockets::igmp_member(VethPair::B_IF, by_interface));
        assert!(sockets::igmp_member(VethPair::B_IF, by_name));
        conn
    });
    let sender = pair.a.run(|| {
        let conn = PacketConn::new(UdpSocket::bind((VethPair::A_ADDR, 0)).unwrap()).unwrap();
        let veth = Interface::by_name(VethPair::A_IF).unwrap();
        conn.set_multicast_interface(&veth).unwrap();
        assert_eq!(
            conn.multicast_interface().unwrap(),
            MulticastInterface::Index(veth.index())
        );
        conn
    });

    for group in [by_interface, by_name] {
        sender
            .send_to(&group.octets(), None, (group, port))
            .unwrap();
        let mut buf = [0u8; 64];
        let d = member.recv_from(&mut buf).unwrap();
        assert_eq!(d.payload, group.octets());
        assert_eq!(d.control.dst, Some(group));
        assert_eq!(d.control.if_index, Some(pair.b_index));
        assert_eq!(*d.source.ip(), VethPair::A_ADDR);
    }

    pair.b.run(|| {
        member
            .leave_group(&String::from(VethPair::B_IF), by_name)
            .unwrap();
        member.leave_group(pair.b_index, by_interface).unwrap();
        assert!(!sockets::igmp_member(VethPair::B_IF, by_interface));
        assert!(!sockets::igmp_member(VethPair::B_IF, by_name));
        // The name is looked up in the calling thread's namespace.
        let e = member.join_group(VethPair::A_IF, by_name).unwrap_err();
        assert_eq!(e.kind(), std::io::ErrorKind::NotFound, "{e}");
    });
}

#[path = "../../std-adapter/examples/common/harness.rs"]
mod harness;

fn main() {
    use harness::{kernel, plain};
    harness::run([
        plain(loopback_is_found_by_name_by_index_and_in_the_list),
        plain(every_interface_agrees_with_sysfs),
        plain(unknown_and_impossible_interfaces_are_told_apart),
        kernel(veth_interface_matches_ip_and_sysfs),
        kernel(joins_by_interface_and_by_name_in_a_namespace),
    ]);
}
