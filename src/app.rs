//! The composition root: builds the emulated state and wires the HTTP adapters — the HubSpot API,
//! the control API with the dashboard mounted in it — into one actix server, bound to an address
//! (port 0 picks a free one) that the caller can read back before running it. `serve`, `run` and
//! the integration tests start the emulator the same way. Nothing below this module knows how
//! the pieces are put together.

use std::net::{SocketAddr, TcpListener};
use std::time::Duration;

use actix_web::dev::{Server, ServerHandle};
use actix_web::{web, App, HttpServer};

use crate::control::{ControlConfig, HostPolicy};
use crate::domain::Secret;
use crate::fixture::loader::DEFAULT_MAX_FIXTURE_BYTES;
use crate::fixture::Fixture;
use crate::journal::{
    CALL_REPORT_CAPACITY, DEFAULT_BUDGET_BYTES, DEFAULT_CAPACITY, DEFAULT_DELIVERY_CAPACITY,
    PROBE_JOURNAL_CAPACITY,
};
use crate::sdk::SdkLimits;
use crate::state::{EmulatorState, JournalLimits, SdkConfig};
use crate::store::Store;
use crate::webhook::sender::tls_config;
use crate::{api, control, dashboard};

#[derive(Clone, Debug)]
pub struct EmulatorConfig {
    pub host: String,
    pub port: u16,
    pub fixture: Fixture,
    /// Entries the API request journal keeps before dropping the oldest.
    pub journal_capacity: usize,
    /// Verdicts the delivery journal keeps before dropping the oldest.
    pub delivery_capacity: usize,
    /// Bytes all journals together keep before the largest drops its oldest entries.
    pub journal_bytes: usize,
    /// A PEM CA certificate to trust for https receivers (beside the web's roots).
    pub extra_ca_pem: Option<Vec<u8>>,
    /// Worker threads; `None` lets actix use one per core.
    pub workers: Option<usize>,
    /// How long a graceful shutdown waits for in-flight requests.
    pub shutdown_timeout: Duration,
    /// Protects the control API (`/_emulator/`, health excepted) when set.
    pub control_token: Option<Secret>,
    /// Hosts the control API answers to besides loopback names and the bound host.
    pub allowed_hosts: Vec<String>,
    /// The largest state document `PUT /_emulator/state` takes.
    pub max_fixture_bytes: usize,
    /// The hosted widget's time limits (HubSpot's waits; the event stream's keep-alive).
    pub sdk_limits: SdkLimits,
}

impl EmulatorConfig {
    /// Loopback, any free port, the given fixture: what tests want.
    pub fn ephemeral(fixture: Fixture) -> Self {
        Self {
            host: "127.0.0.1".into(),
            port: 0,
            fixture,
            journal_capacity: DEFAULT_CAPACITY,
            delivery_capacity: DEFAULT_DELIVERY_CAPACITY,
            journal_bytes: DEFAULT_BUDGET_BYTES,
            extra_ca_pem: None,
            workers: None,
            shutdown_timeout: Duration::from_secs(5),
            control_token: None,
            allowed_hosts: Vec::new(),
            max_fixture_bytes: DEFAULT_MAX_FIXTURE_BYTES,
            sdk_limits: SdkLimits::default(),
        }
    }
}

/// A bound, not yet running emulator.
pub struct Emulator {
    server: Server,
    address: SocketAddr,
    state: web::Data<EmulatorState>,
    control: web::Data<ControlConfig>,
}

impl Emulator {
    pub fn bind(config: EmulatorConfig) -> std::io::Result<Emulator> {
        if let Some(pem) = &config.extra_ca_pem {
            tls_config(Some(pem)).map_err(std::io::Error::other)?;
        }
        let listener = TcpListener::bind((config.host.as_str(), config.port))?;
        let address = listener.local_addr()?;
        let state = web::Data::new(EmulatorState::with_sdk(
            Store::new(config.fixture.to_seed()),
            JournalLimits {
                requests: config.journal_capacity,
                deliveries: config.delivery_capacity,
                probes: PROBE_JOURNAL_CAPACITY,
                call_reports: CALL_REPORT_CAPACITY,
                bytes: config.journal_bytes,
            },
            config.extra_ca_pem,
            SdkConfig {
                limits: config.sdk_limits,
            },
        ));
        let control = web::Data::new(ControlConfig {
            token: config.control_token,
            hosts: HostPolicy::new(&config.host, &config.allowed_hosts),
            max_state_bytes: config.max_fixture_bytes,
        });
        let (app_state, app_control) = (state.clone(), control.clone());
        let mut server = HttpServer::new(move || {
            App::new()
                .app_data(app_state.clone())
                .app_data(app_control.clone())
                // The control API (with the dashboard in it) first: everything else is the
                // HubSpot API, whose scope answers any other path with HubSpot's 404.
                .service(control::scope(dashboard::mount()))
                .service(api::scope().route("/", dashboard::redirect()))
        })
        .on_connect(control::caller::on_connect)
        .shutdown_signal(stop_on_signal(state.clone()))
        .shutdown_timeout(config.shutdown_timeout.as_secs());
        if let Some(workers) = config.workers {
            server = server.workers(workers);
        }
        let server = server.listen(listener)?.run();
        Ok(Emulator {
            server,
            address,
            state,
            control,
        })
    }

    pub fn address(&self) -> SocketAddr {
        self.address
    }

    /// `http://HOST:PORT`, the base URL to give HubSpot clients.
    pub fn base_url(&self) -> String {
        format!("http://{}", self.address)
    }

    /// The emulated state (what `run` drives scenarios against).
    pub fn state(&self) -> web::Data<EmulatorState> {
        self.state.clone()
    }

    /// Does the control API require a token?
    pub fn control_protected(&self) -> bool {
        self.control.token.is_some()
    }

    /// Stops the server from another task (graceful when `graceful`).
    pub fn handle(&self) -> ServerHandle {
        self.server.handle()
    }

    /// Serves until stopped by the handle or a signal (Ctrl-C, SIGTERM).
    pub async fn run(self) -> std::io::Result<()> {
        self.server.await
    }
}

/// Resolves on Ctrl-C or SIGTERM (what stops the server gracefully), once the host pages'
/// event streams are ended: a page left open would otherwise hold the graceful stop for its
/// whole timeout.
async fn stop_on_signal(state: web::Data<EmulatorState>) {
    use tokio::signal::unix::{signal, SignalKind};
    let terminate = async {
        match signal(SignalKind::terminate()) {
            Ok(mut terminate) => {
                terminate.recv().await;
            }
            Err(_) => std::future::pending().await,
        }
    };
    tokio::select! {
        _ = tokio::signal::ctrl_c() => {}
        () = terminate => {}
    }
    state.sdk_sessions.end_streams();
}
