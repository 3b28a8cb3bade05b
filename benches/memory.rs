//! Placeholder replaced by the memory benchmark (issue 6).
fn main() {}
