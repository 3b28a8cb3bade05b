//! Scenarios: running the steps a fixture scripts against an emulator (`runner`, with `expect`
//! checking each step's result and `template` filling `${…}`; `references` checks what steps refer to when the files load), and presenting what happened
//! (`report`, `human`, `junit`).

pub mod expect;
pub mod human;
pub mod junit;
pub mod references;
pub mod report;
pub mod runner;
pub mod template;
