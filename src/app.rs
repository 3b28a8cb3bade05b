//! The composition root: builds the emulated state and wires the HTTP adapters — the HubSpot API,
//! the control API with the dashboard mounted in it — into one actix server, bound to an address
//! (port 0 picks a free one) that the caller can read back before running it. `serve`, `run` and
//! the integration tests start the emulator the same way. Nothing below this module knows how
//! the pieces are put together. Sandboxes get their states from the same recipe as the
//! emulator's own (`state_recipe`), and every route serves them (`context::sandbox::route`).

use std::net::{SocketAddr, TcpListener};
use std::time::Duration;

use actix_web::dev::{Server, ServerHandle};
use actix_web::middleware::from_fn;
use actix_web::{web, App, HttpRequest, HttpServer, ResponseError};

use crate::api::error::ApiError;
use crate::context::sandbox::SandboxMisses;
use crate::control::{ControlConfig, ControlError, HostPolicy, CONTROL_PREFIX};
use crate::domain::Secret;
use crate::fixture::loader::DEFAULT_MAX_FIXTURE_BYTES;
use crate::fixture::Fixture;
use crate::journal::{
    CALL_REPORT_CAPACITY, DEFAULT_BUDGET_BYTES, DEFAULT_CAPACITY, DEFAULT_DELIVERY_CAPACITY,
    PROBE_JOURNAL_CAPACITY,
};
use crate::sandbox::{SandboxLimits, Sandboxes, DEFAULT_SANDBOX_JOURNAL_BYTES};
use crate::sdk::SdkLimits;
use crate::state::{EmulatorState, JournalLimits, SdkConfig};
use crate::store::Store;
use crate::webhook::sender::tls_config;
use crate::{api, context, control, dashboard};

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
    /// How many sandboxes may exist, and how long one may go unused.
    pub sandboxes: SandboxLimits,
    /// Bytes each sandbox's journals keep together.
    pub sandbox_journal_bytes: usize,
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
            sandboxes: SandboxLimits::default(),
            sandbox_journal_bytes: DEFAULT_SANDBOX_JOURNAL_BYTES,
            sdk_limits: SdkLimits::default(),
        }
    }

    /// The journals' limits, on a budget of `bytes`.
    fn journal_limits(&self, bytes: usize) -> JournalLimits {
        JournalLimits {
            requests: self.journal_capacity,
            deliveries: self.delivery_capacity,
            probes: PROBE_JOURNAL_CAPACITY,
            call_reports: CALL_REPORT_CAPACITY,
            bytes,
        }
    }
}

/// How a state is built from a store: the emulator's own and every sandbox's, so that what the
/// state gains is the sandboxes' too. A sandbox's journals have their own, smaller budget, and
/// it shares the emulator's TLS settings.
fn state_recipe(config: &EmulatorConfig, journal_bytes: usize) -> impl Fn(Store) -> EmulatorState {
    let limits = config.journal_limits(journal_bytes);
    let extra_ca_pem = config.extra_ca_pem.clone();
    let sdk_limits = config.sdk_limits;
    move |store| {
        EmulatorState::with_sdk(
            store,
            limits,
            extra_ca_pem.clone(),
            SdkConfig { limits: sdk_limits },
        )
    }
}

/// How a request for an unknown sandbox is answered: in HubSpot's envelope under the HubSpot API,
/// in the control API's under `/_emulator`.
const SANDBOX_MISSES: SandboxMisses = SandboxMisses {
    api: |_: &HttpRequest, message| ApiError::NotFound(message).error_response(),
    control: |_: &HttpRequest, message| ControlError::NotFound(message).error_response(),
    control_prefix: CONTROL_PREFIX,
};

/// A bound, not yet running emulator.
pub struct Emulator {
    server: Server,
    address: SocketAddr,
    state: web::Data<EmulatorState>,
    control: web::Data<ControlConfig>,
    sandboxes: web::Data<Sandboxes>,
}

impl Emulator {
    pub fn bind(config: EmulatorConfig) -> std::io::Result<Emulator> {
        crate::allocator::tune();
        if let Some(pem) = &config.extra_ca_pem {
            tls_config(Some(pem)).map_err(std::io::Error::other)?;
        }
        let listener = TcpListener::bind((config.host.as_str(), config.port))?;
        let address = listener.local_addr()?;
        // One seed for the emulator and its sandboxes: clones share its CRM seeds.
        let seed = config.fixture.to_seed();
        let state = web::Data::new(state_recipe(&config, config.journal_bytes)(Store::new(
            seed.clone(),
        )));
        let sandbox_state = state_recipe(&config, config.sandbox_journal_bytes);
        let shared_tls = state.clone();
        let sandboxes = web::Data::new(Sandboxes::new(
            config.sandboxes,
            seed,
            Box::new(move |store| sandbox_state(store).sharing_tls_with(&shared_tls)),
        ));
        let control = web::Data::new(ControlConfig {
            token: config.control_token,
            hosts: HostPolicy::new(&config.host, &config.allowed_hosts),
            max_state_bytes: config.max_fixture_bytes,
        });
        let (app_state, app_control, app_sandboxes) =
            (state.clone(), control.clone(), sandboxes.clone());
        let mut server = HttpServer::new(move || {
            App::new()
                .app_data(app_state.clone())
                .app_data(app_control.clone())
                .app_data(app_sandboxes.clone())
                .app_data(SANDBOX_MISSES)
                // Before routing: a request under /_sandbox/{id} is routed as if at the root,
                // with that sandbox's state in front of the emulator's.
                .wrap(from_fn(context::sandbox::route))
                // The control API (with the dashboard in it) first: everything else is the
                // HubSpot API, whose scope answers any other path with HubSpot's 404.
                .service(control::scope(dashboard::mount()))
                .service(api::scope().route("/", dashboard::redirect()))
        })
        .on_connect(control::caller::on_connect)
        .shutdown_signal(stop_on_signal(state.clone(), sandboxes.clone()))
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
            sandboxes,
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

    /// The sandboxes (what the sandbox benchmark measures).
    pub fn sandboxes(&self) -> web::Data<Sandboxes> {
        self.sandboxes.clone()
    }

    /// Serves until stopped by the handle or a signal (Ctrl-C, SIGTERM). Meanwhile idle
    /// sandboxes are deleted, so that their memory goes back even when nobody calls.
    pub async fn run(self) -> std::io::Result<()> {
        let sandboxes = self.sandboxes.clone();
        let every = (sandboxes.limits().idle_timeout / 4)
            .clamp(Duration::from_millis(50), Duration::from_secs(30));
        let sweep = async move {
            loop {
                tokio::time::sleep(every).await;
                sandboxes.expire();
            }
        };
        tokio::select! {
            served = self.server => served,
            never = sweep => never,
        }
    }
}

/// Resolves on Ctrl-C or SIGTERM (what stops the server gracefully), once the host pages'
/// event streams are ended (the emulator's and every sandbox's): a page left open would otherwise hold the graceful stop for its
/// whole timeout.
async fn stop_on_signal(state: web::Data<EmulatorState>, sandboxes: web::Data<Sandboxes>) {
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
    state.end_streams();
    for sandbox in sandboxes.states() {
        sandbox.end_streams();
    }
}
