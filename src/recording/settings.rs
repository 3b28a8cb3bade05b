//! The rule HubSpot documents for `urlToRetrieveAuthedRecording`: a full `https://` URL with `%s`
//! where the call's external id goes. The emulator stores the URL as given (a broken app can still
//! register and be judged) and says here where it breaks the rule. Plain `http://` to a loopback
//! host is allowed for a local app and said so, because an app under development has no
//! certificate; HubSpot itself would not call it.
//!
//! The URL HubSpot calls is built here too: `%s` replaced by the external id, then
//! `?appId=…&externalAccountId=…` appended (`&` when the template already has a query: assumed,
//! HubSpot's guide shows only a template without one).

use percent_encoding::{utf8_percent_encode, AsciiSet, NON_ALPHANUMERIC};

use crate::domain::{AppId, Finding, Severity};

/// Where the settings' URL sits in its request body.
pub const POINTER: &str = "/urlToRetrieveAuthedRecording";
/// The placeholder HubSpot replaces with the call's external id.
pub const PLACEHOLDER: &str = "%s";

/// When the URL is judged: at registration everything is a warning (it is stored anyway); when a
/// recording is played, a URL HubSpot would not call fails the play.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Stage {
    Registration,
    Playback,
}

/// Findings on a recording URL template, at `Stage`.
pub fn judge_settings(url: &str, stage: Stage) -> Vec<Finding> {
    let broken = match stage {
        Stage::Registration => Severity::Warning,
        Stage::Playback => Severity::Error,
    };
    let mut findings = Vec::new();
    let Some(parts) = split_url(url) else {
        findings.push(Finding::new(
            "recording-url-not-absolute",
            broken,
            POINTER,
            format!("urlToRetrieveAuthedRecording {url:?} is not a full URL: HubSpot calls it as it stands, so it needs the scheme and host, e.g. \"https://app.example.com/recordings/%s\"."),
        ));
        return findings;
    };
    match parts.scheme.as_str() {
        "https" => {}
        "http" if is_loopback(&parts.host) => findings.push(Finding::info(
            "recording-url-local-http",
            POINTER,
            format!("urlToRetrieveAuthedRecording uses http on the loopback host {}: allowed here for an app on this machine, but HubSpot calls only https URLs, so register an https URL before going live.", parts.host),
        )),
        "http" => findings.push(Finding::new(
            "recording-url-not-https",
            broken,
            POINTER,
            format!("urlToRetrieveAuthedRecording {url:?} is http: HubSpot requires a full https URL for recordings. Serve the endpoint over TLS and register its https URL."),
        )),
        other => findings.push(Finding::new(
            "recording-url-not-absolute",
            broken,
            POINTER,
            format!("urlToRetrieveAuthedRecording has the scheme {other:?}: HubSpot calls https URLs only, e.g. \"https://app.example.com/recordings/%s\"."),
        )),
    }
    if !url.contains(PLACEHOLDER) {
        findings.push(Finding::new(
            "recording-url-no-placeholder",
            broken,
            POINTER,
            format!("urlToRetrieveAuthedRecording {url:?} has no %s: HubSpot puts the call's external id (hs_call_external_id) where %s is, so without it every call asks the same URL and no call's own recording can be told apart. Add %s, e.g. \"{}/%s\".", url.trim_end_matches('/')),
        ));
    }
    findings
}

/// The URL HubSpot GETs for a call: `%s` replaced by `external_id` (percent-encoded as a path
/// segment), then the app's id and the call's external account id as a query.
pub fn retrieval_url(
    template: &str,
    external_id: &str,
    app_id: AppId,
    external_account_id: &str,
) -> String {
    let id = utf8_percent_encode(external_id, SEGMENT).to_string();
    let base = template.replace(PLACEHOLDER, &id);
    let joiner = if base.contains('?') { '&' } else { '?' };
    format!(
        "{base}{joiner}appId={app_id}&externalAccountId={}",
        utf8_percent_encode(external_account_id, QUERY_VALUE)
    )
}

/// Is `url` plain http to this machine (allowed for local apps, said so)?
pub fn is_local_http(url: &str) -> bool {
    split_url(url).is_some_and(|parts| parts.scheme == "http" && is_loopback(&parts.host))
}

/// Is `url` an absolute http(s) URL with a host?
pub fn is_http_url(url: &str) -> bool {
    split_url(url).is_some_and(|parts| parts.scheme == "http" || parts.scheme == "https")
}

/// What goes in a path segment as is: unreserved characters (RFC 3986).
const SEGMENT: &AsciiSet = &NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'.')
    .remove(b'_')
    .remove(b'~');
/// A query value: the same.
const QUERY_VALUE: &AsciiSet = SEGMENT;

struct UrlParts {
    scheme: String,
    host: String,
}

/// The scheme (lower-cased) and host of an absolute URL, without a URL crate: enough to judge.
fn split_url(url: &str) -> Option<UrlParts> {
    let (scheme, rest) = url.trim().split_once("://")?;
    if scheme.is_empty()
        || !scheme
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"+-.".contains(&b))
    {
        return None;
    }
    let authority = rest.split(['/', '?', '#']).next().unwrap_or_default();
    let host_port = authority.rsplit_once('@').map_or(authority, |(_, h)| h);
    let host = if let Some(bracketed) = host_port.strip_prefix('[') {
        bracketed.split(']').next().unwrap_or_default()
    } else {
        host_port.split(':').next().unwrap_or_default()
    };
    (!host.is_empty()).then(|| UrlParts {
        scheme: scheme.to_ascii_lowercase(),
        host: host.to_ascii_lowercase(),
    })
}

fn is_loopback(host: &str) -> bool {
    host == "localhost"
        || host.ends_with(".localhost")
        || host
            .parse::<std::net::IpAddr>()
            .is_ok_and(|ip| ip.is_loopback())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn codes(url: &str, stage: Stage) -> Vec<(String, Severity)> {
        judge_settings(url, stage)
            .into_iter()
            .map(|f| (f.code, f.severity))
            .collect()
    }

    #[test]
    fn hubspots_own_example_is_clean() {
        let example = "https://app-test.com/retrieve/authenticated/recordings/%s";
        assert!(judge_settings(example, Stage::Playback).is_empty());
    }

    #[test]
    fn loopback_http_is_allowed_and_said() {
        for url in [
            "http://127.0.0.1:3000/recordings/%s",
            "http://localhost/r/%s",
            "http://[::1]:8080/%s",
        ] {
            assert_eq!(
                codes(url, Stage::Playback),
                [("recording-url-local-http".to_string(), Severity::Info)],
                "{url}"
            );
            assert!(is_local_http(url));
        }
    }

    #[test]
    fn broken_urls_warn_at_registration_and_fail_playback() {
        assert_eq!(
            codes("http://app.example.com/recordings", Stage::Registration),
            [
                ("recording-url-not-https".to_string(), Severity::Warning),
                (
                    "recording-url-no-placeholder".to_string(),
                    Severity::Warning
                )
            ]
        );
        assert_eq!(
            codes("/recordings/%s", Stage::Playback),
            [("recording-url-not-absolute".to_string(), Severity::Error)]
        );
        assert_eq!(
            codes("ftp://host/%s", Stage::Playback),
            [("recording-url-not-absolute".to_string(), Severity::Error)]
        );
        let message = &judge_settings("https://a.example/rec/", Stage::Playback)[0].message;
        assert!(
            message.contains("\"https://a.example/rec/%s\""),
            "{message}"
        );
    }

    #[test]
    fn the_retrieval_url_is_hubspots() {
        let app = AppId::new(101).unwrap();
        assert_eq!(
            retrieval_url(
                "https://app-test.com/retrieve/authenticated/recordings/%s",
                "test-call-01",
                app,
                "test-account-01"
            ),
            "https://app-test.com/retrieve/authenticated/recordings/test-call-01?appId=101&externalAccountId=test-account-01"
        );
        assert_eq!(
            retrieval_url("http://127.0.0.1/r?k=v&id=%s", "a/b c", app, "x&y"),
            "http://127.0.0.1/r?k=v&id=a%2Fb%20c&appId=101&externalAccountId=x%26y"
        );
    }
}
