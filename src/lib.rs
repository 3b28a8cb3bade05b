//! hubspot-emulator: a local emulator of HubSpot's third-party calling channel connection.
//!
//! Data flows one way:
//!
//! ```text
//! HTTP API handlers (api/)      → store (in-memory, dashmap)
//! control API (control/)        → store, journal
//! fixtures (scenario/) → loader → store
//! ```
//!
//! `main.rs` only parses the command line ([`cli`]) and maps errors to exit codes; everything a
//! test or another program needs is reachable from here, above all [`app::Emulator`], which binds
//! a server (port 0 allowed) and reports the address it got.

pub mod api;
pub mod app;
pub mod cli;
pub mod clock;
pub mod context;
pub mod control;
pub mod dashboard;
pub mod domain;
pub mod fixture;
pub mod harness;
pub mod journal;
pub mod probe;
pub mod scenario;
pub mod state;
pub mod store;
pub mod webhook;
