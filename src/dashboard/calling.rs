//! The calling host page at `/_emulator/ui/calling`: HubSpot's record page with the calling
//! widget, for a calling app's iframe. The page (calling.html, calling.js, calling.css) hosts
//! the app with HubSpot's own Calling Extensions SDK (`IFrameManager`, vendored from npm
//! `@hubspot/calling-extensions-sdk@0.9.7` under `vendor/calling-extensions-sdk/`) and relays
//! every message to the control API's `/_emulator/sdk/…` endpoints, which judge them and answer
//! as HubSpot would. Like the dashboard, the files hold no data and load without the token.

use actix_web::HttpResponse;

use super::{serve_with_policy, POLICY};

/// Where the page is served.
pub const CALLING_PATH: &str = "/_emulator/ui/calling";

/// Where the vendored SDK is served, relative to the control prefix (the page loads it from here).
pub(super) const SDK_ROUTE: &str = "/ui/vendor/calling-extensions-sdk.js";

const CALLING_HTML: &str = include_str!("assets/calling.html");
pub(super) const CALLING_JS: &str = include_str!("assets/calling.js");
pub(super) const CALLING_CSS: &str = include_str!("assets/calling.css");

/// `dist/main.js` of the npm package, unmodified (vendor/calling-extensions-sdk/README.md has
/// its sha256): an unnamed UMD that sets `window.IFrameManager` and `window.Constants`.
const SDK_JS: &str = include_str!("../../vendor/calling-extensions-sdk/main.js");

/// The dashboard's policy, but the page may frame the app: any http(s) URL, because the page is
/// public (it carries no data, so its headers cannot name the app's origin) and the widget URL
/// comes from the session the control API creates (the registered settings `url`, or the
/// `widgetUrl` override).
fn calling_policy() -> String {
    format!("{POLICY}; frame-src http: https:")
}

pub(super) async fn page() -> HttpResponse {
    serve_with_policy(CALLING_HTML, "text/html; charset=utf-8", &calling_policy())
}

pub(super) async fn sdk() -> HttpResponse {
    serve_with_policy(SDK_JS, "text/javascript; charset=utf-8", POLICY)
}

#[cfg(test)]
mod tests {
    use sha2::{Digest, Sha256};

    /// The vendored file is the npm package's, byte for byte (its README names the hash).
    #[test]
    fn the_vendored_sdk_is_the_published_one() {
        let digest = hex::encode(Sha256::digest(super::SDK_JS.as_bytes()));
        assert_eq!(
            digest,
            "c4b51703e69579c2d2a9e6dd3dbc4748171c019eea70ecf696927e4755b9257a"
        );
        let readme = include_str!("../../vendor/calling-extensions-sdk/README.md");
        assert!(readme.contains(&digest), "the README names another hash");
    }

    #[test]
    fn the_page_may_frame_only_http_urls_and_nothing_may_frame_it() {
        let policy = super::calling_policy();
        assert!(policy.contains("frame-src http: https:"));
        assert!(policy.contains("frame-ancestors 'none'"));
        assert!(policy.contains("script-src 'self';"));
    }
}
