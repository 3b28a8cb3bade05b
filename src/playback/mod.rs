//! Playing a call's recording as HubSpot does, beside the webhook's pipeline and sharing its
//! sender and signer:
//!
//! ```text
//! play: the call and its app → the settings' URL judged → GET url(%s = external id)?appId&externalAccountId
//!       → {"authenticatedUrl"} judged → GET authenticatedUrl, Range: bytes=0- → the audio judged
//!       → GET authenticatedUrl, Range: bytes=MIDDLE- → the seek judged → verdict → recordings journal
//! ```
//!
//! The judging is `recording`'s (pure); the I/O is `fetch`'s. Every step's finding goes into one
//! `PlaybackVerdict`; a step that yields nothing to go on (no external id, no authenticated URL)
//! ends the play there. At most `CONCURRENT_PLAYS` plays fetch at once, so the audio held in
//! memory stays bounded however often an app calls `recordings/ready`.

pub mod fetch;

use std::collections::BTreeMap;
use std::time::Duration;

use serde::Deserialize;
use tokio::sync::Semaphore;

use crate::domain::{AppId, PortalId};
use crate::journal::Journal;
use crate::recording::judge::{
    judge_audio, judge_call, judge_retrieval, judge_seek, AUDIO_READ_CAP, FIRST_RANGE,
    RETRIEVAL_BODY_CAP, TIMEOUT_MS,
};
use crate::recording::settings::{judge_settings, retrieval_url, Stage};
use crate::recording::verdict::{AudioSummary, PlaybackVerdict, Step, Trigger};
use crate::store::{AppRecord, Store};
use crate::webhook::sender::{url_targets_control_api, TlsConfig};
use crate::webhook::Finding;
use fetch::{fetch, Fetched, Get, Signing};

/// Plays fetching at once; more wait their turn.
pub const CONCURRENT_PLAYS: usize = 2;

/// `POST /_emulator/recordings/play`'s body, and what a scenario step asks.
#[derive(Clone, Debug, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct PlayRequest {
    /// The app asked for the recording; default: the app the call belongs to.
    #[serde(default)]
    pub app_id: Option<AppId>,
    pub engagement_id: u64,
    /// The call's portal; needed only when several portals have a call with this id.
    #[serde(default)]
    pub portal_id: Option<PortalId>,
}

#[derive(Debug, thiserror::Error)]
pub enum PlayError {
    #[error("app {0} is not declared; GET /_emulator/state lists the apps")]
    UnknownApp(AppId),
    #[error("no portal has a live call with id {engagement_id}{}; GET /_emulator/portals/{{portalId}}/crm?type=calls lists a portal's calls", portal.map(|p| format!(" in portal {p}")).unwrap_or_default())]
    UnknownEngagement {
        engagement_id: u64,
        portal: Option<PortalId>,
    },
    #[error("portals {} each have a call with id {engagement_id}; say which with \"portalId\"", portals.iter().map(|p| p.to_string()).collect::<Vec<_>>().join(", "))]
    Ambiguous {
        engagement_id: u64,
        portals: Vec<PortalId>,
    },
    #[error("call {0} names no app (no hs_call_app_id of a declared app, and no app created it through the API); say which app plays it with \"appId\"")]
    NoApp(u64),
}

/// What playing needs from the server.
pub struct Playbacks<'a> {
    pub store: &'a Store,
    pub journal: &'a Journal<PlaybackVerdict>,
    pub tls: &'a TlsConfig,
    /// Shared by every play of the process (`CONCURRENT_PLAYS` permits).
    pub slots: &'a Semaphore,
}

/// The call a play is of, read before any I/O (no lock is held across a fetch).
struct Call {
    portal_id: PortalId,
    properties: BTreeMap<String, String>,
    /// The app that created it through the API.
    creator: Option<AppId>,
}

impl Playbacks<'_> {
    /// Plays the recording `request` names, journals the verdict and returns it.
    pub async fn play(
        &self,
        request: PlayRequest,
        trigger: Trigger,
    ) -> Result<PlaybackVerdict, PlayError> {
        let call = self.find_call(&request)?;
        let app = self.app_of(&request, &call)?;
        let mut verdict = PlaybackVerdict::new(
            app.profile.app_id,
            call.portal_id,
            request.engagement_id,
            trigger,
        );
        {
            // The permit bounds the audio in memory; waiting for it costs nothing.
            let _permit = self.slots.acquire().await.ok();
            self.fetch_and_judge(&app, &call, &mut verdict).await;
        }
        verdict.conclude();
        Ok(self.record(verdict))
    }

    /// The live call with the request's id: in the portal asked for, else the one portal that
    /// has it, else the asking app's installation portal among several.
    fn find_call(&self, request: &PlayRequest) -> Result<Call, PlayError> {
        let id = request.engagement_id;
        let read = |portal_id: PortalId| {
            self.store.crm().read(portal_id, |crm| {
                crm.live_call(id).ok().map(|call| Call {
                    portal_id,
                    properties: call.property_map(),
                    creator: call.creator_app(),
                })
            })
        };
        if let Some(portal_id) = request.portal_id {
            return read(portal_id).ok_or(PlayError::UnknownEngagement {
                engagement_id: id,
                portal: Some(portal_id),
            });
        }
        let mut found: Vec<Call> = self
            .store
            .portal_ids()
            .into_iter()
            .filter_map(read)
            .collect();
        if found.len() > 1 {
            let installed = request
                .app_id
                .and_then(|app_id| self.store.app(app_id))
                .and_then(|app| self.store.installation(&app.profile).0);
            if let Some(at) = found.iter().position(|c| Some(c.portal_id) == installed) {
                return Ok(found.swap_remove(at));
            }
            return Err(PlayError::Ambiguous {
                engagement_id: id,
                portals: found.iter().map(|c| c.portal_id).collect(),
            });
        }
        found.pop().ok_or(PlayError::UnknownEngagement {
            engagement_id: id,
            portal: None,
        })
    }

    /// The app asked, else the one `hs_call_app_id` names, else the one that created the call.
    fn app_of(&self, request: &PlayRequest, call: &Call) -> Result<AppRecord, PlayError> {
        if let Some(app_id) = request.app_id {
            return self.store.app(app_id).ok_or(PlayError::UnknownApp(app_id));
        }
        let named = call
            .properties
            .get("hs_call_app_id")
            .and_then(|v| v.trim().parse::<i64>().ok())
            .and_then(|id| AppId::new(id).ok());
        [named, call.creator]
            .into_iter()
            .flatten()
            .find_map(|app_id| self.store.app(app_id))
            .ok_or(PlayError::NoApp(request.engagement_id))
    }

    async fn fetch_and_judge(&self, app: &AppRecord, call: &Call, verdict: &mut PlaybackVerdict) {
        let app_id = app.profile.app_id;
        let Some(settings) = &app.extension.recording else {
            verdict.findings.push(Finding::error(
                "recording-settings-missing",
                "",
                format!("App {app_id} has no recording settings, so HubSpot does not know where to ask for recordings. Register them: POST /crm/v3/extensions/calling/{app_id}/settings/recording {{\"urlToRetrieveAuthedRecording\": \"https://…/recordings/%s\"}}."),
            ));
            return;
        };
        let template = settings.url_to_retrieve_authed_recording.as_str();
        let settings_findings = judge_settings(template, Stage::Playback);
        let unusable = settings_findings
            .iter()
            .any(|f| f.code == "recording-url-not-absolute");
        verdict.findings.extend(settings_findings);
        let (call_findings, keys) = judge_call(&call.properties, app_id);
        verdict.findings.extend(call_findings);
        let Some(keys) = keys.filter(|_| !unusable) else {
            return;
        };
        verdict.external_id = Some(keys.external_id.clone());
        let url = retrieval_url(
            template,
            &keys.external_id,
            app_id,
            &keys.external_account_id,
        );
        verdict.retrieval_url = Some(url.clone());
        let signing = app.profile.client_secret.clone().map(|secret| Signing {
            secret,
            legacy: app.profile.signature_version,
        });
        if signing.is_none() {
            verdict.findings.push(Finding::info(
                "recording-unsigned",
                "",
                format!("App {app_id} has no clientSecret in the emulator's state, so its recording requests go unsigned; HubSpot signs them (assumed). Add \"clientSecret\" to the app in the fixture to test the app's check."),
            ));
        }
        // The app's own timeout where it has one (the webhook's), else HubSpot's assumed one.
        let timeout = Duration::from_millis(app.profile.webhook_timeout_ms.unwrap_or(TIMEOUT_MS));
        if refuse_control_api(&url, verdict) {
            return;
        }
        let retrieved = fetch(
            Get {
                step: Step::Retrieve,
                url: &url,
                headers: vec![("Accept".into(), "application/json".into())],
                body_cap: RETRIEVAL_BODY_CAP,
                timeout,
            },
            signing.as_ref(),
            self.tls,
        )
        .await;
        let authenticated = self.step(verdict, &retrieved, |served| judge_retrieval(served, &url));
        verdict.exchanges.push(retrieved.exchange);
        let Some(authenticated) = authenticated.flatten() else {
            return;
        };
        verdict.authenticated_url = Some(authenticated.clone());
        if refuse_control_api(&authenticated, verdict) {
            return;
        }
        let audio_get = |range: String| Get {
            step: Step::Audio,
            url: &authenticated,
            headers: vec![("Accept".into(), "*/*".into()), ("Range".into(), range)],
            body_cap: AUDIO_READ_CAP,
            timeout,
        };
        let audio = fetch(audio_get(FIRST_RANGE.into()), signing.as_ref(), self.tls).await;
        let judged = self.step(verdict, &audio, |served| {
            let mut judgement = judge_audio(served);
            (std::mem::take(&mut judgement.findings), judgement)
        });
        verdict.exchanges.push(audio.exchange.clone());
        let Some(judgement) = judged else {
            return;
        };
        verdict.audio = judgement.info.clone().map(|info| AudioSummary {
            transcribable: info.container.transcribable(),
            info,
            total_bytes: judgement.total_bytes,
        });
        let (Some(total), Some(first)) = (
            judgement.total_bytes.filter(|_| judgement.seekable),
            audio.reply.as_ref(),
        ) else {
            return;
        };
        // From the middle: what a listener dragging the play head sends.
        let from = total / 2;
        let expected = first.body.get(from as usize..).unwrap_or_default().to_vec();
        drop(audio);
        let mut get = audio_get(format!("bytes={from}-"));
        get.step = Step::Seek;
        let seek = fetch(get, signing.as_ref(), self.tls).await;
        self.step(verdict, &seek, |served| {
            (judge_seek(served, from, &expected), ())
        });
        verdict.exchanges.push(seek.exchange);
    }

    /// Judges a fetched reply with `judge` (its findings into the verdict), or records why there
    /// was none. `None` when the fetch failed.
    fn step<T>(
        &self,
        verdict: &mut PlaybackVerdict,
        fetched: &Fetched,
        judge: impl FnOnce(&crate::recording::judge::Served<'_>) -> (Vec<Finding>, T),
    ) -> Option<T> {
        if let Some(failure) = &fetched.failure {
            verdict.findings.push(failure.clone());
            return None;
        }
        let served = fetched.served()?;
        let (findings, value) = judge(&served);
        verdict.findings.extend(findings);
        Some(value)
    }

    fn record(&self, mut verdict: PlaybackVerdict) -> PlaybackVerdict {
        self.journal.push(|id| {
            verdict.id = id;
            verdict.clone()
        });
        tracing::info!(
            id = verdict.id,
            app_id = %verdict.app_id,
            portal_id = verdict.portal_id,
            engagement_id = verdict.engagement_id,
            outcome = verdict.outcome.as_str(),
            findings = verdict.findings.len(),
            "recording played"
        );
        verdict
    }
}

/// A URL under an emulator's control API is never called: the emulator would call itself.
fn refuse_control_api(url: &str, verdict: &mut PlaybackVerdict) -> bool {
    let refused = url_targets_control_api(url);
    if refused {
        verdict.findings.push(Finding::error(
            "emulator-url",
            "",
            format!("{url:?} points at an emulator's control API (a path under /_emulator/), not at the app, so nothing was sent. Serve recordings from the app's own endpoints."),
        ));
    }
    refused
}
