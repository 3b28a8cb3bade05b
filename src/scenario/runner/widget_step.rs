//! The calling widget's steps: `openWidget` opens the emulator's host page
//! (`/_emulator/ui/calling?appId=…&portalId=…&userId=…`) in a headless Chromium and waits until
//! the app's widget answered HubSpot's handshake in it; `dial`, `hangup` and `visibility` send
//! the commands HubSpot's UI sends to the newest open page (`sdk::SdkHost::command`). No
//! browser, or one that exits, is an error of the environment: the run ends with exit 3 and how
//! to install one; a widget that never answers the handshake fails the step (the app's contract).

use super::browser::{find_browser, Browser};
use super::*;
use crate::fixture::steps::{DialStep, OpenWidgetStep, VisibilityStep, WidgetStep};
use crate::sdk::commands::{Command, Target};
use crate::sdk::session::Phase;
use crate::sdk::setup::participants;

/// How long a browser and a widget get to load and answer the handshake by default (the SDK's
/// own handshake gives up after 30 s).
const OPEN_TIMEOUT_MS: u64 = 30_000;

impl Runner<'_> {
    pub(super) async fn open_widget(
        &self,
        step: &OpenWidgetStep,
        fixture: &Fixture,
        context: &Value,
    ) -> Result<Outcomes, String> {
        let app = app_id(fixture, step.app.as_deref())?;
        let (who, _) = participants(self.context.store, Some(app), step.portal_id, step.user_id)
            .map_err(|e| e.to_string())?;
        let mut url = format!(
            "{}/_emulator/ui/calling?appId={}&portalId={}&userId={}",
            self.base_url, who.app_id, who.portal_id, who.user_id
        );
        if let Some(widget_url) = &step.widget_url {
            let widget_url = render_text(widget_url, context)?;
            url.push_str("&widgetUrl=");
            url.push_str(
                &percent_encoding::utf8_percent_encode(
                    &widget_url,
                    percent_encoding::NON_ALPHANUMERIC,
                )
                .to_string(),
            );
        }
        let program = find_browser().map_err(|why| self.broke(why))?;
        let before = self.context.sdk.sessions.created();
        let mut browser = Browser::open(&program, &url).map_err(|why| self.broke(why))?;
        let timeout_ms = step.timeout_ms.unwrap_or(OPEN_TIMEOUT_MS);
        let deadline = Instant::now() + Duration::from_millis(timeout_ms);
        let outcome = loop {
            let newest = self.context.sdk.list().into_iter().rfind(|s| {
                s.sequence > before && s.matches(who.app_id, who.portal_id, who.user_id)
            });
            let seen = serde_json::to_value(&newest).unwrap_or_default();
            match newest {
                Some(view) if matches!(view.phase, Phase::Ready | Phase::Initialized) => {
                    break Ok(Outcomes::passed(seen));
                }
                Some(view) if view.findings.iter().any(|f| f.code == "handshake-failed") => {
                    break Err(format!(
                        "the widget never answered HubSpot's SYNC on the host page (session {}): see its findings",
                        view.session_id
                    ));
                }
                _ => {}
            }
            if let Some(exit) = browser.exited() {
                break Err(self.broke(format!(
                    "the browser ({}) exited before the widget answered HubSpot's handshake: {exit}",
                    program.display()
                )));
            }
            if Instant::now() >= deadline {
                break Err(if seen.is_null() {
                    format!(
                        "the host page never opened a session within {timeout_ms} ms of opening {url} in {}: does that URL load in this browser?",
                        program.display()
                    )
                } else {
                    format!(
                        "the widget did not answer HubSpot's handshake within {timeout_ms} ms (session {} is {}): does the calling settings' url load, and does the widget create CallingExtensions as it loads?",
                        seen["sessionId"], seen["phase"]
                    )
                });
            }
            tokio::time::sleep(POLL).await;
        };
        // Kept open for the steps after it; the run's end closes it.
        self.browsers.lock().push(browser);
        outcome
    }

    /// Records an error of the environment (the run exits 3) and returns it.
    fn broke(&self, why: String) -> String {
        self.broken.lock().get_or_insert_with(|| why.clone());
        why
    }

    pub(super) fn dial(
        &self,
        step: &DialStep,
        fixture: &Fixture,
        context: &Value,
    ) -> Result<Outcomes, String> {
        let contact_id = match &step.contact_id {
            None => None,
            Some(id) => {
                let id = render_text(id, context)?;
                Some(id.trim().parse::<u64>().map_err(|_| {
                    format!(
                        "dial.contactId {id:?} is not a contact's id (digits, such as \"100001\")"
                    )
                })?)
            }
        };
        let command = Command::Dial {
            to_number: render_text(&step.to_number, context)?,
            contact_id,
        };
        let target = target(fixture, step.app.as_deref(), step.portal_id, step.user_id)?;
        self.command(target, &command)
    }

    pub(super) fn hangup(&self, step: &WidgetStep, fixture: &Fixture) -> Result<Outcomes, String> {
        let target = target(fixture, step.app.as_deref(), step.portal_id, step.user_id)?;
        self.command(target, &Command::Hangup)
    }

    pub(super) fn visibility(
        &self,
        step: &VisibilityStep,
        fixture: &Fixture,
    ) -> Result<Outcomes, String> {
        let target = target(fixture, step.app.as_deref(), step.portal_id, step.user_id)?;
        let command = Command::Visibility {
            is_minimized: step.is_minimized,
            is_hidden: step.is_hidden,
        };
        self.command(target, &command)
    }

    fn command(&self, target: Target, command: &Command) -> Result<Outcomes, String> {
        let sent = self
            .context
            .sdk
            .command(target, command)
            .map_err(|e| e.to_string())?;
        Ok(Outcomes::passed(
            serde_json::to_value(&sent).unwrap_or_default(),
        ))
    }
}

fn target(
    fixture: &Fixture,
    app: Option<&str>,
    portal_id: Option<u64>,
    user_id: Option<u64>,
) -> Result<Target, String> {
    Ok(Target {
        app_id: Some(app_id(fixture, app)?),
        portal_id,
        user_id,
    })
}
