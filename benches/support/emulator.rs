//! Where a benchmark finds the emulator binary it starts: the path given, else the one built
//! beside it (`target/<profile>/examples/bench_x` → `target/<profile>/hubspot-emulator`). Exits
//! with status 2 and the command to run when there is none.

use std::path::{Path, PathBuf};

pub fn binary(given: Option<String>, bench: &str) -> PathBuf {
    let bin = given.map(PathBuf::from).unwrap_or_else(|| {
        let exe = std::env::current_exe().expect("the bench's own path");
        exe.parent()
            .and_then(Path::parent)
            .expect("the bench runs from target/<profile>/examples")
            .join("hubspot-emulator")
    });
    if !bin.is_file() {
        eprintln!(
            "{bench}: no emulator binary at {}: run `cargo build --release --bins --examples` first, or pass --bin PATH",
            bin.display()
        );
        std::process::exit(2);
    }
    bin
}
