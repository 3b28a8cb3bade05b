//! Link settings of the `hubspot-emulator` binary (Linux with glibc).
//!
//! - Relative relocations are packed (`-z pack-relative-relocs`, DT_RELR): this
//!   position-independent binary carries ~36,000 of them (a 865 KB table the dynamic loader reads
//!   on every start), and packed they take 11 KB. It keeps ASLR and takes ~0.75 MiB off the idle
//!   RSS (`docs/performance.md`). It is what Arch Linux and glibc itself build with. GNU ld adds
//!   a `GLIBC_ABI_DT_RELR` requirement only when the C library it links against provides it, so
//!   the binary never reaches a loader that cannot read it; a linker older than binutils 2.38
//!   ignores the option with a warning.
//! - In a release build linked by LLD, the functions start-up runs come first and together
//!   (`--symbol-ordering-file link/startup-order.txt`, written by `link/startup-order.sh`): the
//!   kernel maps a binary's code 64 KiB around each page it first runs, and start-up's functions,
//!   scattered over 10 MB of code, made ~6 MiB of it resident in an idle emulator; together they
//!   make ~1.5 MiB. A name the binary no longer has is skipped, so a stale file costs only
//!   compactness. LLD is Rust's default linker for x86_64 Linux since 1.90; with another linker
//!   (configured, or an older toolchain) the option is left out, as GNU ld does not know it.

use std::path::Path;
use std::process::Command;

fn main() {
    println!("cargo:rerun-if-changed=build.rs");
    println!("cargo:rerun-if-changed=link/startup-order.txt");
    if var("CARGO_CFG_TARGET_OS") != "linux" || var("CARGO_CFG_TARGET_ENV") != "gnu" {
        return;
    }
    println!("cargo:rustc-link-arg-bins=-Wl,-z,pack-relative-relocs");
    let order = Path::new(&var("CARGO_MANIFEST_DIR")).join("link/startup-order.txt");
    if var("PROFILE") == "release" && order.is_file() && links_with_rust_lld() {
        // -Xlinker passes the path as one argument (-Wl, would split it at commas).
        println!("cargo:rustc-link-arg-bins=-Xlinker");
        println!(
            "cargo:rustc-link-arg-bins=--symbol-ordering-file={}",
            order.display()
        );
        println!("cargo:rustc-link-arg-bins=-Wl,--no-warn-symbol-ordering");
    }
}

/// Will rustc link with its own LLD? It does by default for x86_64-unknown-linux-gnu since Rust
/// 1.90, unless a linker is configured (`target.<triple>.linker`, which cargo passes to build
/// scripts as RUSTC_LINKER) or chosen by flags (`-C linker=…`, `-C linker-features=…`,
/// `-C link-arg=-fuse-ld=…`).
fn links_with_rust_lld() -> bool {
    if var("TARGET") != "x86_64-unknown-linux-gnu" || !var("RUSTC_LINKER").is_empty() {
        return false;
    }
    let flags = var("CARGO_ENCODED_RUSTFLAGS");
    if flags.contains("linker") || flags.contains("fuse-ld") || flags.contains("self-contained") {
        return false;
    }
    let Ok(version) = Command::new(var("RUSTC")).arg("-vV").output() else {
        return false;
    };
    let version = String::from_utf8_lossy(&version.stdout);
    let Some(release) = version.lines().find_map(|l| l.strip_prefix("release: ")) else {
        return false;
    };
    let mut parts = release
        .split(['.', '-'])
        .map(|p| p.parse::<u32>().unwrap_or(0));
    let (major, minor) = (parts.next().unwrap_or(0), parts.next().unwrap_or(0));
    (major, minor) >= (1, 90)
}

/// A variable cargo sets for build scripts, or "" without it.
fn var(name: &str) -> String {
    std::env::var(name).unwrap_or_default()
}
