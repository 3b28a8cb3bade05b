//! The integration suite: one binary, every test talking to a real emulator over TCP (port 0).

mod binary;
mod cli_webhook;
mod concurrency;
mod control;
mod dashboard;
mod errors;
mod faults;
mod helpers;
mod probe;
mod rate_limit;
mod receiver;
mod resources;
mod safety;
mod scenario_run;
mod security;
mod served;
mod snapshots;
mod verifiers;
mod webhook_findings;
mod webhook_gating;
mod webhook_hostile;
mod webhook_signing;
mod webhook_tls;
