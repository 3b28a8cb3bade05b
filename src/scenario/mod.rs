//! Fixture files: the seed state (apps, portals, users, options) and, later, scripted scenarios.
//! `fixture` holds the types (which are also the format of `GET /_emulator/state`), `loader`
//! reads and checks files with errors that name the file and the JSON path.

pub mod fixture;
pub mod loader;

pub use fixture::{AppFixture, Fixture, PortalFixture, RateLimitConfig, UserFixture};
pub use loader::{load_fixtures, FixtureError};
