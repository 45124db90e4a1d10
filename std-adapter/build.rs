//! Sets `cfg(ipv4_std_os)` on the targets the crate has an OS layer for
//! (`src/sys/`); elsewhere the crate is one `compile_error!`.

fn main() {
    println!("cargo::rustc-check-cfg=cfg(ipv4_std_os)");
    let os = std::env::var("CARGO_CFG_TARGET_OS").unwrap_or_default();
    let vendor = std::env::var("CARGO_CFG_TARGET_VENDOR").unwrap_or_default();
    let supported = vendor == "apple"
        || matches!(
            os.as_str(),
            "linux"
                | "android"
                | "freebsd"
                | "netbsd"
                | "openbsd"
                | "dragonfly"
                | "illumos"
                | "solaris"
                | "windows"
        );
    if supported {
        println!("cargo::rustc-cfg=ipv4_std_os");
    }
}
