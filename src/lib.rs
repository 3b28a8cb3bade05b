//! hubspot-emulator: a local stand-in for HubSpot's calling APIs that judges what a calling app
//! sends and answers, the way HubSpot would, and says how to fix it.
//!
//! The layers point one way (`docs/architecture.md`; `tests/architecture` enforces it):
//!
//! ```text
//! cli → harness → app (composition root) → api, control (+ dashboard) → context → state
//!     → scenario → fixture → probe → webhook → journal, store → domain → clock
//! ```
//!
//! What a program or a test needs is re-exported here: start an emulator with
//! [`Emulator::bind`] on an [`EmulatorConfig`] (port 0 allowed; it reports the address it got),
//! seed it with a [`Fixture`] ([`load_fixtures`], [`parse_fixture`]), run scenario files as CI does
//! with [`Harness`], and read what it concluded as [`Verdict`]s and [`ProbeReport`]s. `main.rs`
//! only parses the command line ([`cli`]) and maps errors to exit codes.

pub mod allocator;
pub mod api;
pub mod app;
pub mod cli;
pub mod clock;
pub(crate) mod context;
pub mod control;
pub mod crm;
pub(crate) mod dashboard;
pub mod domain;
pub mod fixture;
pub mod harness;
pub mod inbound_call;
pub mod journal;
pub mod playback;
pub mod probe;
pub mod recording;
pub mod sandbox;
pub mod scenario;
pub mod sdk;
pub mod state;
pub mod store;
pub mod webhook;

pub use app::{Emulator, EmulatorConfig};
pub use fixture::loader::parse_fixture;
pub use fixture::{load_fixtures, Fixture, FixtureError};
pub use harness::Harness;
pub use probe::report::ProbeReport;
pub use scenario::report::RunReport;
pub use state::EmulatorState;
pub use webhook::{DeliveryTarget, Finding, Outcome, Severity, Verdict};
