//! The OAuth scopes of the calling settings API: reads need `developers-read`, writes
//! `developers-write`.

pub const SCOPE_READ: &str = "developers-read";
pub const SCOPE_WRITE: &str = "developers-write";
