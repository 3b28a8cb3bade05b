//! Fixture files: the seed state (apps, portals, users, options) and scripted scenarios.
//! `fixture` and `steps` hold the types (the fixture types are also the format of
//! `GET /_emulator/state`), `loader` reads and checks files (with `shape` and `ranges`) with errors that name the file
//! and the JSON path, `runner` executes scenarios (`expect` checks each step's result), `report`/`human`/`junit` present the results,
//! `schema` generates `fixtures/schema.json`.

pub mod expect;
pub mod fixture;
pub mod human;
pub mod junit;
pub mod loader;
pub mod ranges;
pub mod report;
pub mod runner;
pub mod schema;
pub mod shape;
pub mod steps;
pub mod template;

pub use fixture::{AppFixture, Fixture, PortalFixture, RateLimitConfig, UserFixture};
pub use loader::{load_fixtures, FixtureError};
