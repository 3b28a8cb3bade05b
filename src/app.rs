//! Builds the actix server: the shared state, the HubSpot API, the control API and the
//! fallbacks, bound to an address (port 0 picks a free one) that the caller can read back before
//! running it. `serve` and the integration tests start the emulator the same way.

use std::net::{SocketAddr, TcpListener};
use std::sync::{Arc, OnceLock};
use std::time::{Duration, Instant};

use actix_web::dev::{Server, ServerHandle};
use actix_web::middleware::from_fn;
use actix_web::{web, App, HttpServer};

use crate::control::HostPolicy;
use crate::domain::Secret;
use crate::fixture::loader::DEFAULT_MAX_FIXTURE_BYTES;
use crate::fixture::Fixture;
use crate::journal::{
    ApiRequestEntry, ByteBudget, Journal, DEFAULT_BUDGET_BYTES, DEFAULT_CAPACITY,
    DEFAULT_DELIVERY_CAPACITY, PROBE_JOURNAL_CAPACITY,
};
use crate::probe::report::ProbeReport;
use crate::store::Store;
use crate::webhook::fire::Webhooks;
use crate::webhook::sender::{tls_config, TlsConfig};
use crate::webhook::Verdict;
use crate::{api, control};

/// The state every handler shares.
pub struct SharedState {
    pub store: Store,
    /// The bytes every journal draws on (`--journal-bytes`).
    pub journal_budget: Arc<ByteBudget>,
    pub api_journal: Arc<Journal<ApiRequestEntry>>,
    pub deliveries: Arc<Journal<Verdict>>,
    /// Probe reports (`POST /_emulator/probe`), newest kept.
    pub probes: Arc<Journal<ProbeReport>>,
    /// Built on the first delivery: the web's root certificates cost memory an API-only run
    /// never needs.
    tls: OnceLock<TlsConfig>,
    extra_ca_pem: Option<Vec<u8>>,
    /// Required on control-API calls when set (`serve --control-token`).
    pub control_token: Option<Secret>,
    /// The largest state document `PUT /_emulator/state` takes (`--max-fixture-bytes`).
    pub max_fixture_bytes: usize,
    /// The `Host`s the control API answers to besides loopback ones.
    pub host_policy: HostPolicy,
    pub started: Instant,
}

impl SharedState {
    /// The webhook machinery over this state.
    pub fn webhooks(&self) -> Webhooks<'_> {
        Webhooks {
            store: &self.store,
            journal: &self.deliveries,
            tls: self.tls(),
        }
    }

    /// TLS settings for https receivers.
    pub fn tls(&self) -> &TlsConfig {
        self.tls.get_or_init(|| {
            // The CA was checked when the emulator was bound, so this cannot fail.
            tls_config(self.extra_ca_pem.as_deref()).expect("a CA checked at bind")
        })
    }
}

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
        }
    }
}

/// A bound, not yet running emulator.
pub struct Emulator {
    server: Server,
    address: SocketAddr,
    shared: web::Data<SharedState>,
}

impl Emulator {
    pub fn bind(config: EmulatorConfig) -> std::io::Result<Emulator> {
        if let Some(pem) = &config.extra_ca_pem {
            tls_config(Some(pem)).map_err(std::io::Error::other)?;
        }
        let listener = TcpListener::bind((config.host.as_str(), config.port))?;
        let address = listener.local_addr()?;
        let budget = ByteBudget::new(config.journal_bytes);
        let shared = web::Data::new(SharedState {
            store: Store::new(config.fixture.to_seed()),
            api_journal: Journal::new(config.journal_capacity, &budget),
            deliveries: Journal::new(config.delivery_capacity, &budget),
            probes: Journal::new(PROBE_JOURNAL_CAPACITY, &budget),
            journal_budget: budget,
            tls: OnceLock::new(),
            extra_ca_pem: config.extra_ca_pem,
            control_token: config.control_token,
            host_policy: HostPolicy::new(&config.host, &config.allowed_hosts),
            max_fixture_bytes: config.max_fixture_bytes,
            started: Instant::now(),
        });
        let app_state = shared.clone();
        let mut server = HttpServer::new(move || {
            App::new()
                .app_data(app_state.clone())
                .wrap(from_fn(api::observe::observe))
                .configure(control::configure)
                .configure(api::configure)
                .route("/", web::get().to(crate::dashboard::to_dashboard))
                .default_service(web::to(api::fallback::not_found))
        })
        .on_connect(control::caller::on_connect)
        .shutdown_timeout(config.shutdown_timeout.as_secs());
        if let Some(workers) = config.workers {
            server = server.workers(workers);
        }
        let server = server.listen(listener)?.run();
        Ok(Emulator {
            server,
            address,
            shared,
        })
    }

    pub fn address(&self) -> SocketAddr {
        self.address
    }

    /// `http://HOST:PORT`, the base URL to give HubSpot clients.
    pub fn base_url(&self) -> String {
        format!("http://{}", self.address)
    }

    pub fn shared(&self) -> web::Data<SharedState> {
        self.shared.clone()
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
