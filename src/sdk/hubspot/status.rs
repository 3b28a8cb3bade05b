//! The user's status in the app: `INITIALIZED {isLoggedIn, isAvailable}`, `LOGGED_IN`/`LOGGED_OUT`,
//! `USER_AVAILABLE`/`USER_UNAVAILABLE`. HubSpot keeps it as the user's calling connection status,
//! the one `GET /crm/extensions/calling/v3/connection-statuses` answers: `connected` while the user
//! is logged in to the app, the app as the THIRD_PARTY provider (an assumption: HubSpot does not
//! publish what `connected` means). Availability has no place in that API; the session and the
//! page's header show it.

use super::Respond;
use crate::domain::connection_status::{ConnectionStatus, Provider};
use crate::sdk::action::Action;

/// `INITIALIZED`: the widget works; the user's status and the widget's size as the app says.
pub fn initialized(respond: &mut Respond) {
    respond.session.initialized();
    let report = respond.report;
    set(
        respond,
        report.flag("isLoggedIn"),
        report.flag("isAvailable"),
    );
    respond.resize(report.field("sizeInfo").cloned());
}

/// Sets what the app said (`None`: unchanged), in the session and the store, and shows it.
pub fn set(respond: &mut Respond, logged_in: Option<bool>, available: Option<bool>) {
    let session = &mut *respond.session;
    if let Some(logged_in) = logged_in {
        session.logged_in = logged_in;
    }
    if let Some(available) = available {
        session.available = available;
    }
    respond.store.set_connection_status(
        session.portal_id,
        session.user_id,
        ConnectionStatus {
            connected: session.logged_in,
            provider: Some(Provider::ThirdParty {
                app_id: session.app_id,
            }),
        },
    );
    respond.out.actions.push(Action::Status {
        logged_in: session.logged_in,
        available: session.available,
    });
}
