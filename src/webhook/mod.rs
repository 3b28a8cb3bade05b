//! The phone-number webhook, as HubSpot fires it when a help-desk user opens the channel
//! connection dialog:
//!
//! ```text
//! fire: store lookup → gating → signer → sender (awc) → validator → verdict → delivery journal
//! ```
//!
//! `signer`, `gating` and `validator` are pure; `sender` does the I/O; `delivery` puts one
//! exchange together; `fire` adds the store, the gate and the journal.

pub mod delivery;
pub mod findings;
pub mod fire;
pub mod gating;
pub mod rejection;
pub mod sender;
pub mod signer;
pub mod target;
pub mod validator;
pub mod verdict;

pub use target::DeliveryTarget;
pub use verdict::{Finding, Outcome, Severity, Verdict};
