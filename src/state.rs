//! What the emulated HubSpot is at any moment: the store, the journals (on one byte budget) and
//! how deliveries reach https apps. The HTTP adapters reach it through the per-request context
//! (`context`); the webhook, probe and scenario machinery get only the narrow views they need
//! (`webhooks()`, `prober()`), never the whole. A portal's CRM is read for the control API with
//! its calls judged (`portal_crm`).

use std::sync::{Arc, OnceLock};
use std::time::Instant;

use tokio::sync::Semaphore;

use crate::domain::{AppId, PortalId};
use crate::inbound_call::crm_view::{self, CrmPageRequest, PortalCrmView};
use crate::inbound_call::{CallReport, CallWriteReport};
use crate::journal::{ApiRequestEntry, ByteBudget, Journal, RECORDING_CAPACITY};
use crate::playback::{Playbacks, CONCURRENT_PLAYS};
use crate::probe::report::ProbeReport;
use crate::probe::Prober;
use crate::recording::PlaybackVerdict;
use crate::scenario::runner::ScenarioContext;
use crate::sdk::limits::SDK_MESSAGE_CAPACITY;
use crate::sdk::{SdkHost, SdkLimits, SdkMessageEntry, Sessions};
use crate::store::Store;
use crate::webhook::fire::Webhooks;
use crate::webhook::sender::{tls_config, TlsConfig};
use crate::webhook::Verdict;

pub struct EmulatorState {
    pub store: Store,
    /// The bytes every journal draws on (`--journal-bytes`).
    pub journal_budget: Arc<ByteBudget>,
    pub api_journal: Arc<Journal<ApiRequestEntry>>,
    pub deliveries: Arc<Journal<Arc<Verdict>>>,
    /// Probe reports (`POST /_emulator/probe`), newest kept.
    pub probes: Arc<Journal<ProbeReport>>,
    /// Inbound calls the apps submitted, with what the emulator made of them.
    pub call_reports: Arc<Journal<CallReport>>,
    /// Call engagements the apps wrote through the CRM's calls API, judged.
    pub call_writes: Arc<Journal<CallWriteReport>>,
    /// Recordings played as HubSpot would (on `recordings/ready` or on demand), judged.
    pub recordings: Arc<Journal<PlaybackVerdict>>,
    /// Plays fetching at once (`playback::CONCURRENT_PLAYS`).
    playback_slots: Semaphore,
    /// Every message between the hosted widgets and HubSpot, judged.
    pub sdk_messages: Arc<Journal<SdkMessageEntry>>,
    /// The host pages' sessions (their event streams end with the state).
    pub sdk_sessions: Arc<Sessions>,
    /// Built on the first delivery: the web's root certificates cost memory an API-only run
    /// never needs. Shared with the sandboxes (`sharing_tls_with`): they trust the same CAs.
    tls: Arc<OnceLock<TlsConfig>>,
    extra_ca_pem: Option<Vec<u8>>,
    pub started: Instant,
}

/// How big the journals may grow.
#[derive(Clone, Copy, Debug)]
pub struct JournalLimits {
    /// API calls kept.
    pub requests: usize,
    /// Delivery verdicts kept.
    pub deliveries: usize,
    /// Probe reports kept.
    pub probes: usize,
    /// Inbound-call reports kept, and as many call-write reports.
    pub call_reports: usize,
    /// Bytes all journals together keep.
    pub bytes: usize,
}

/// How HubSpot's side of the hosted widget behaves.
#[derive(Clone, Copy, Debug, Default)]
pub struct SdkConfig {
    pub limits: SdkLimits,
}

impl EmulatorState {
    /// A state seeded with `store`, its journals within `limits`, trusting `extra_ca_pem` (checked
    /// by the caller) for https apps.
    pub fn new(store: Store, limits: JournalLimits, extra_ca_pem: Option<Vec<u8>>) -> Self {
        Self::with_sdk(store, limits, extra_ca_pem, SdkConfig::default())
    }

    /// As `new`, with the hosted widget's time limits.
    pub fn with_sdk(
        store: Store,
        limits: JournalLimits,
        extra_ca_pem: Option<Vec<u8>>,
        sdk: SdkConfig,
    ) -> Self {
        let budget = ByteBudget::new(limits.bytes);
        EmulatorState {
            store,
            api_journal: Journal::new(limits.requests, &budget),
            deliveries: Journal::new(limits.deliveries, &budget),
            probes: Journal::new(limits.probes, &budget),
            call_reports: Journal::new(limits.call_reports, &budget),
            call_writes: Journal::new(limits.call_reports, &budget),
            recordings: Journal::new(RECORDING_CAPACITY, &budget),
            playback_slots: Semaphore::new(CONCURRENT_PLAYS),
            sdk_messages: Journal::new(SDK_MESSAGE_CAPACITY, &budget),
            sdk_sessions: Arc::new(Sessions::new(sdk.limits)),
            journal_budget: budget,
            tls: Arc::new(OnceLock::new()),
            extra_ca_pem,
            started: Instant::now(),
        }
    }

    /// This state, delivering over `other`'s TLS settings (built once for both): a sandbox
    /// trusts what the emulator trusts, and the web's roots are not loaded again for each.
    pub fn sharing_tls_with(mut self, other: &EmulatorState) -> Self {
        self.tls = other.tls.clone();
        self.extra_ca_pem = other.extra_ca_pem.clone();
        self
    }

    /// Ends what would outlive the requests on this state — the host pages' event streams — so
    /// that a stopping server or a deleted sandbox is not held open by a page left open.
    pub fn end_streams(&self) {
        self.sdk_sessions.end_streams();
    }

    /// The webhook machinery over this state.
    pub fn webhooks(&self) -> Webhooks<'_> {
        Webhooks {
            store: &self.store,
            journal: &self.deliveries,
            tls: self.tls(),
        }
    }

    /// The recording playback machinery over this state.
    pub fn playbacks(&self) -> Playbacks<'_> {
        Playbacks {
            store: &self.store,
            journal: &self.recordings,
            tls: self.tls(),
            slots: &self.playback_slots,
        }
    }

    /// What probing a declared app needs.
    pub fn prober(&self) -> Prober<'_> {
        Prober {
            store: &self.store,
            journal: &self.probes,
            tls: self.tls(),
        }
    }

    /// HubSpot's side of the hosted widget.
    pub fn sdk_host(&self) -> SdkHost<'_> {
        SdkHost {
            store: &self.store,
            journal: &self.sdk_messages,
            sessions: &self.sdk_sessions,
        }
    }

    /// What scenario steps act on.
    pub fn scenario_context(&self) -> ScenarioContext<'_> {
        ScenarioContext {
            store: &self.store,
            webhooks: self.webhooks(),
            prober: self.prober(),
            inbound_calls: &self.call_reports,
            api_journal: &self.api_journal,
            sdk: self.sdk_host(),
            playbacks: self.playbacks(),
        }
    }

    /// A page of a portal's CRM as the control API shows it (`inbound_call::crm_view`), from the
    /// query's `type`, `after` and `limit`; each call judged for the app that created it.
    pub fn portal_crm(
        &self,
        portal_id: PortalId,
        object_type: Option<&str>,
        after: Option<u64>,
        limit: Option<usize>,
    ) -> Result<PortalCrmView, PortalCrmError> {
        let request =
            CrmPageRequest::parse(object_type, after, limit).map_err(PortalCrmError::BadQuery)?;
        let known = self.store.portal_ids();
        if !known.contains(&portal_id) {
            return Err(PortalCrmError::UnknownPortal { known });
        }
        // Read before the CRM's lock is taken: the apps have locks of their own.
        let recording_apps: Vec<AppId> = self
            .store
            .apps()
            .into_iter()
            .filter(|app| app.extension.recording.is_some())
            .map(|app| app.profile.app_id)
            .collect();
        Ok(self.store.crm().read(portal_id, |crm| {
            crm_view::view(crm, portal_id, &request, &recording_apps)
        }))
    }

    /// TLS settings for https receivers.
    pub fn tls(&self) -> &TlsConfig {
        self.tls.get_or_init(|| {
            // The CA was checked when the emulator was bound, so this cannot fail.
            tls_config(self.extra_ca_pem.as_deref()).expect("a CA checked at bind")
        })
    }
}

/// Why `portal_crm` shows no page.
#[derive(Debug, PartialEq, Eq)]
pub enum PortalCrmError {
    /// The emulator knows no such portal; these are the ones it knows.
    UnknownPortal { known: Vec<PortalId> },
    /// The query asks for no page there is; the message says what to ask instead.
    BadQuery(String),
}
