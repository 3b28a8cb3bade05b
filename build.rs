//! Link settings of the `hubspot-emulator` binary.
//!
//! On Linux with glibc, relative relocations are packed (`-z pack-relative-relocs`, DT_RELR):
//! this position-independent binary carries ~36,000 of them (a 865 KB table the dynamic loader
//! reads on every start), and packed they take 11 KB. It keeps ASLR and takes
//! ~0.75 MiB off the idle RSS (`docs/performance.md`). It is what Arch Linux and glibc itself
//! build with. GNU ld adds a `GLIBC_ABI_DT_RELR` requirement only when the C library it links
//! against provides it, so the binary never reaches a loader that cannot read it; a linker older
//! than binutils 2.38 ignores the option with a warning.

fn main() {
    println!("cargo:rerun-if-changed=build.rs");
    let os = std::env::var("CARGO_CFG_TARGET_OS").unwrap_or_default();
    let env = std::env::var("CARGO_CFG_TARGET_ENV").unwrap_or_default();
    if os == "linux" && env == "gnu" {
        println!("cargo:rustc-link-arg-bins=-Wl,-z,pack-relative-relocs");
    }
}
