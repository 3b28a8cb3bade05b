//! The integration suite: one binary, every test talking to a real emulator over TCP (port 0).

mod binary;
mod cli_webhook;
mod concurrency;
mod control;
mod crm_objects;
mod crm_state;
mod cross_site;
mod dashboard;
mod delivery_connections;
mod delivery_loops;
mod errors;
mod explained_errors;
mod faults;
mod helpers;

mod human_output;
mod inbound_calls;
mod memory_caps;
mod probe;
mod probe_like_fixture;
mod rate_limit;
mod receiver;
mod resources;
mod run_suites;
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
