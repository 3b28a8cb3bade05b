//! The `http` step: a request to the app under test, what makes it act the way the outside world
//! would (its telephony provider telling it a call came in, say), so that a later `waitFor` can
//! check what it then sent HubSpot. Only absolute http(s) URLs (or a path on `base`, such as the
//! channel connection the app registered); the reply is read up to `REPLY_CAP` within the step's
//! timeout; redirects are not followed. Its result is `{status, body}`, as an `api` step's.

use awc::error::PayloadError;

use super::api_step::checked_reply;
use super::*;
use crate::fixture::steps::HttpStep;

/// How long the app may take to answer when the step does not say.
pub const DEFAULT_TIMEOUT_MS: u64 = 10_000;
/// The most of a reply that is read: a step checks an answer, not a download.
pub const REPLY_CAP: usize = 1024 * 1024;

impl Runner<'_> {
    pub(super) async fn http(&self, step: &HttpStep, context: &Value) -> Result<Outcomes, String> {
        let base = step
            .base
            .as_deref()
            .map(|base| render_text(base, context))
            .transpose()?;
        let url = resolve_url(&render_text(&step.url, context)?, base.as_deref())?;
        let method = awc::http::Method::from_bytes(step.method.to_ascii_uppercase().as_bytes())
            .map_err(|_| format!("{:?} is not an HTTP method", step.method))?;
        let timeout_ms = step.timeout_ms.unwrap_or(DEFAULT_TIMEOUT_MS);
        let client = awc::Client::builder()
            // The deliveries' TLS settings: the web's roots and any CA the run trusts.
            .connector(awc::Connector::new().rustls_0_23(self.context.webhooks.tls.clone()))
            .disable_redirects()
            .disable_timeout()
            .finish();
        let mut request = client.request(method.clone(), &url);
        let mut has_content_type = false;
        for (name, value) in &step.headers {
            has_content_type |= name.eq_ignore_ascii_case("content-type");
            request = request.insert_header((name.as_str(), render_text(value, context)?));
        }
        let body = match step.body.as_ref().map(|b| render(b, context)).transpose()? {
            None => None,
            // With a Content-Type of the step's own, a string is the body as it is.
            Some(Value::String(text)) if has_content_type => Some(text.into_bytes()),
            Some(json) => {
                if !has_content_type {
                    request = request.content_type("application/json");
                }
                Some(json.to_string().into_bytes())
            }
        };
        let exchange = async {
            let sent = match body {
                Some(body) => request.send_body(body).await,
                None => request.send().await,
            };
            let mut response = sent
                .map_err(|e| format!("{method} {url} failed: {e} (is the app listening there?)"))?;
            let status = response.status().as_u16();
            let bytes = response.body().limit(REPLY_CAP).await.map_err(|e| match e {
                PayloadError::Overflow => format!(
                    "the app's reply to {method} {url} is larger than {REPLY_CAP} bytes, more than a step reads"
                ),
                other => format!("reading the app's reply to {method} {url}: {other}"),
            })?;
            Ok::<_, String>((status, bytes))
        };
        let (status, bytes) = tokio::time::timeout(Duration::from_millis(timeout_ms), exchange)
            .await
            .map_err(|_| {
                format!(
                    "the app did not answer {} {url} within {timeout_ms} ms (the step's timeoutMs)",
                    step.method.to_ascii_uppercase()
                )
            })??;
        checked_reply(status, &bytes, step.expect.as_ref(), context)
    }
}

/// The URL an `http` step calls: `url` when it is absolute http(s), or a `url` starting with `/`
/// on `base`'s scheme and host. The error says what to write instead.
pub fn resolve_url(url: &str, base: Option<&str>) -> Result<String, String> {
    if url.starts_with('/') && !url.starts_with("//") {
        let Some(base) = base else {
            return Err(format!(
                "{url:?} is a path: give \"base\" (e.g. \"${{steps.registered.url}}\", the URL the app registered) or an absolute http(s) URL"
            ));
        };
        let (scheme, authority) = http_origin(base).map_err(|problem| {
            format!("base {base:?} {problem}: use an absolute http(s) URL such as \"http://127.0.0.1:3000\"")
        })?;
        return Ok(format!("{scheme}://{authority}{url}"));
    }
    http_origin(url).map_err(|problem| {
        format!("url {url:?} {problem}: use an absolute http(s) URL, or a path starting with / and a \"base\"")
    })?;
    Ok(url.to_string())
}

/// The scheme and authority of an absolute http(s) URL, or what is wrong with it.
fn http_origin(url: &str) -> Result<(String, String), String> {
    // The scheme first: `http::Uri` cannot even parse some (`file:///x`).
    if let Some((scheme, _)) = url.split_once(':') {
        let named = !scheme.is_empty() && scheme.bytes().all(|b| b.is_ascii_alphabetic());
        if named && !scheme.eq_ignore_ascii_case("http") && !scheme.eq_ignore_ascii_case("https") {
            return Err(format!("has the scheme {scheme:?}, not http or https"));
        }
    }
    let uri = url
        .parse::<awc::http::Uri>()
        .map_err(|e| format!("is not a URL ({e})"))?;
    match (uri.scheme_str(), uri.authority()) {
        (Some(scheme @ ("http" | "https")), Some(authority)) if !authority.host().is_empty() => {
            Ok((scheme.to_string(), authority.to_string()))
        }
        _ => Err("is not an absolute URL with a host".to_string()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn urls_are_absolute_http_or_a_path_on_a_base() {
        assert_eq!(
            resolve_url("http://127.0.0.1:3000/x?y=1", None).unwrap(),
            "http://127.0.0.1:3000/x?y=1"
        );
        assert_eq!(
            resolve_url(
                "/telephony/incoming-call",
                Some("http://127.0.0.1:4000/hubspot/phone-numbers")
            )
            .unwrap(),
            "http://127.0.0.1:4000/telephony/incoming-call"
        );
        assert_eq!(
            resolve_url("/a", Some("https://user@app.test/b")).unwrap(),
            "https://user@app.test/a"
        );
        for (url, base, problem) in [
            ("/a", None, "give \"base\""),
            ("/a", Some("ftp://x/"), "not http or https"),
            ("file:///etc/passwd", None, "not http or https"),
            (
                "telephony/incoming-call",
                None,
                "use an absolute http(s) URL",
            ),
            ("//host/a", None, "use an absolute http(s) URL"),
            ("http://exa mple/", None, "is not a URL"),
        ] {
            let error = resolve_url(url, base).unwrap_err();
            assert!(error.contains(problem), "{url}: {error}");
        }
    }
}
