//! Sends one signed request with awc (the webhook's POST, a recording's GETs) and reads the reply
//! under a deadline and a size cap, turning every transport failure into a finding that says what
//! to check. Redirects are not followed (HubSpot does not follow them) and the body is never read
//! past the request's cap.
//!
//! Every delivery goes out on a fresh connection that is closed after the reply
//! (`Connection: close`): HubSpot's sender is no keep-alive partner of the app, and reusing a
//! pooled connection that the app had already closed would blame a correct app for a reset.
//! Nothing is ever retried, so a delivery is never sent twice.

use std::cell::{Cell, RefCell};
use std::sync::Arc;
use std::time::{Duration, Instant};

use awc::error::{ConnectError, PayloadError, SendRequestError};
use futures_util::StreamExt;

use super::verdict::Finding;

/// The largest reply body read; past it the rest is left unread.
pub const BODY_CAP: usize = 1024 * 1024;

/// The path segment every emulator serves its control API under (`/_emulator/…`); deliveries
/// there are refused (see `targets_control_api`).
pub const CONTROL_SEGMENT: &str = "_emulator";

/// Open connections per worker thread; above the largest probe burst.
pub const MAX_CONNECTIONS: usize = 1100;

/// What a request is for: the messages of its failures name what the app registered and what
/// HubSpot's user would miss.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Purpose {
    /// The phone-number webhook (and its probes).
    Webhook,
    /// A call recording's GETs.
    Recording,
}

impl Purpose {
    /// What the app registered the URL as.
    fn registered(self) -> &'static str {
        match self {
            Purpose::Webhook => "the channel connection url",
            Purpose::Recording => "the recording URL (and the authenticatedUrl it answers with)",
        }
    }

    /// What a HubSpot user would miss when the request times out.
    fn lost(self) -> &'static str {
        match self {
            Purpose::Webhook => "shows the user no numbers",
            Purpose::Recording => "shows the call without its recording",
        }
    }
}

/// What to send.
pub struct Outgoing<'a> {
    pub purpose: Purpose,
    /// `POST` for the webhook; `GET` (sent without a body) for a recording.
    pub method: &'a str,
    pub url: &'a str,
    pub headers: &'a [(String, String)],
    pub body: &'a [u8],
    pub timeout: Duration,
    /// The most reply bytes read (`BODY_CAP` for the webhook); past it the rest is left unread.
    pub body_cap: usize,
}

/// The reply as far as it was read.
pub struct RawResponse {
    pub status: u16,
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
    pub truncated: bool,
}

pub struct Exchange {
    pub response: Option<RawResponse>,
    /// Why the exchange did not complete (refused, reset, timed out …).
    pub failure: Option<Finding>,
    pub latency_ms: f64,
}

/// TLS settings for https receivers: the web's roots plus any CA the user trusts (a local app's
/// self-signed certificate).
pub type TlsConfig = Arc<rustls::ClientConfig>;

pub fn tls_config(extra_ca_pem: Option<&[u8]>) -> Result<TlsConfig, String> {
    let mut roots = rustls::RootCertStore::empty();
    roots.extend(webpki_roots::TLS_SERVER_ROOTS.iter().cloned());
    if let Some(pem) = extra_ca_pem {
        use rustls::pki_types::{pem::PemObject, CertificateDer};
        let mut added = 0;
        for cert in CertificateDer::pem_slice_iter(pem) {
            let cert = cert.map_err(|e| format!("cannot read the CA certificate: {e}"))?;
            roots
                .add(cert)
                .map_err(|e| format!("cannot use the CA certificate: {e}"))?;
            added += 1;
        }
        if added == 0 {
            return Err("the CA file holds no PEM certificate".into());
        }
    }
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let config = rustls::ClientConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .map_err(|e| e.to_string())?
        .with_root_certificates(roots)
        .with_no_client_auth();
    Ok(Arc::new(config))
}

/// An awc client with the emulator's connection policy for requests to an app (the webhook,
/// probes, recordings), trusting `tls` for https (none: plain http only, as the webhook
/// benchmark's raw baseline uses it).
pub fn delivery_client(tls: Option<TlsConfig>) -> awc::Client {
    // The delivery's own deadline governs; the connector's 5 s default would cut it short.
    let mut connector = awc::Connector::new().timeout(Duration::from_secs(600));
    if let Some(tls) = tls {
        connector = connector.rustls_0_23(tls);
    }
    awc::Client::builder()
        // awc's default of 100 open connections would queue a probe burst inside the emulator
        // and blame the wait on the app.
        .connector(connector.limit(MAX_CONNECTIONS))
        .disable_redirects()
        .disable_timeout()
        .no_default_headers()
        .finish()
}

thread_local! {
    // awc clients are per thread (not Send); keeping one per TLS config reuses connections.
    static CLIENT: RefCell<Option<(TlsConfig, awc::Client)>> = const { RefCell::new(None) };
}

fn client(tls: &TlsConfig) -> awc::Client {
    CLIENT.with(|cell| {
        let mut cached = cell.borrow_mut();
        if let Some((config, client)) = cached.as_ref() {
            if Arc::ptr_eq(config, tls) {
                return client.clone();
            }
        }
        let client = delivery_client(Some(tls.clone()));
        *cached = Some((tls.clone(), client.clone()));
        client
    })
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Stage {
    Connecting,
    AwaitingHeaders,
    ReadingBody,
}

pub async fn send(outgoing: &Outgoing<'_>, tls: &TlsConfig) -> Exchange {
    let started = Instant::now();
    let stage = Cell::new(Stage::Connecting);
    let read = Cell::new(0usize);
    let mut partial: Option<RawResponse> = None;
    let result = tokio::time::timeout(
        outgoing.timeout,
        exchange(outgoing, tls, &stage, &read, &mut partial),
    )
    .await;
    let latency_ms = started.elapsed().as_secs_f64() * 1000.0;
    let failure = match result {
        Ok(Ok(())) => None,
        Ok(Err(failure)) => Some(failure),
        Err(_) => Some(timed_out(outgoing, stage.get(), read.get())),
    };
    Exchange {
        response: partial,
        failure,
        latency_ms,
    }
}

async fn exchange(
    outgoing: &Outgoing<'_>,
    tls: &TlsConfig,
    stage: &Cell<Stage>,
    read: &Cell<usize>,
    partial: &mut Option<RawResponse>,
) -> Result<(), Finding> {
    check_url(outgoing.url, outgoing.purpose)?;
    // `force_close`: a fresh connection per delivery, closed after the reply (see the module doc).
    let method = awc::http::Method::from_bytes(outgoing.method.as_bytes())
        .map_err(|e| Finding::error("invalid-method", "", e.to_string()))?;
    let mut request = client(tls)
        .request(method.clone(), outgoing.url)
        .force_close();
    for (name, value) in outgoing.headers {
        request = request.insert_header((name.as_str(), value.as_str()));
    }
    stage.set(Stage::AwaitingHeaders);
    // A GET goes without a body (and without `Content-Length: 0`), as HubSpot's fetch would.
    let sent = if method == awc::http::Method::GET && outgoing.body.is_empty() {
        request.send().await
    } else {
        request.send_body(outgoing.body.to_vec()).await
    };
    let mut response = sent.map_err(|e| send_failure(outgoing.url, outgoing.purpose, e))?;
    stage.set(Stage::ReadingBody);
    // awc's header map iterates in a different order in every process; sorted by name, the
    // same reply always reads (and journals, and snapshots) the same.
    let mut headers: Vec<(String, String)> = response
        .headers()
        .iter()
        .map(|(n, v)| {
            (
                n.to_string(),
                String::from_utf8_lossy(v.as_bytes()).into_owned(),
            )
        })
        .collect();
    headers.sort_by(|a, b| a.0.cmp(&b.0));
    let raw = partial.insert(RawResponse {
        status: response.status().as_u16(),
        headers,
        body: Vec::new(),
        truncated: false,
    });
    while let Some(chunk) = response.next().await {
        let chunk = chunk.map_err(|e| payload_failure(outgoing.url, &e, raw.body.len()))?;
        let room = outgoing.body_cap - raw.body.len();
        if chunk.len() > room {
            raw.body.extend_from_slice(&chunk[..room]);
            raw.truncated = true;
            break;
        }
        raw.body.extend_from_slice(&chunk);
        read.set(raw.body.len());
    }
    Ok(())
}

/// HubSpot calls absolute http(s) URLs only; anything else is the registration's fault.
fn check_url(url: &str, purpose: Purpose) -> Result<(), Finding> {
    let registered = purpose.registered();
    let problem = match url.parse::<awc::http::Uri>() {
        Err(e) => e.to_string(),
        Ok(uri) if targets_control_api(uri.path()) => {
            return Err(Finding::error(
                "emulator-url",
                "",
                format!("{} {url:?} points at an emulator's control API (a path under /_emulator/), not at the app: the emulator would fire at itself without end, so nothing was sent. Register the app's own endpoint.", capitalised(registered)),
            ));
        }
        Ok(uri) => match (uri.scheme_str(), uri.host()) {
            (Some("http" | "https"), Some(_)) => return Ok(()),
            (Some(scheme), _) if scheme != "http" && scheme != "https" => {
                format!("the scheme {scheme:?} is not http or https")
            }
            _ => "it is not an absolute URL with a host".to_string(),
        },
    };
    Err(Finding::error(
        "invalid-url",
        "",
        format!(
            "{} {url:?} cannot be called: {problem}. Register an absolute http(s) URL.",
            capitalised(registered)
        ),
    ))
}

/// Does this URL's path reach a control API (see `targets_control_api`)?
pub fn url_targets_control_api(url: &str) -> bool {
    url.parse::<awc::http::Uri>()
        .is_ok_and(|uri| targets_control_api(uri.path()))
}

/// Does `path` reach a control API, `/_emulator/…` at the root or behind any prefix (a sandbox's),
/// however its letters are cased or percent-encoded? Such a URL is refused whatever its host: no
/// app's endpoint lives there, and any spelling of the emulator's own address (`localhost`,
/// `127.0.0.2`, `[::1]`, a name that resolves to it) would otherwise make it fire at itself.
pub fn targets_control_api(path: &str) -> bool {
    path.split('/').any(|segment| {
        let decoded: Vec<u8> = percent_encoding::percent_decode_str(segment).collect();
        decoded.eq_ignore_ascii_case(CONTROL_SEGMENT.as_bytes())
    })
}

fn timed_out(outgoing: &Outgoing<'_>, stage: Stage, read: usize) -> Finding {
    let ms = outgoing.timeout.as_millis();
    let detail = match stage {
        Stage::Connecting | Stage::AwaitingHeaders => {
            "no response headers arrived (the handler is blocked, or slow to start answering)".to_string()
        }
        Stage::ReadingBody => format!(
            "the headers arrived but the body was still incomplete after {read} bytes (the app trickles its reply or never ends it)"
        ),
    };
    Finding::error(
        "timeout",
        "",
        format!(
            "No complete reply from {} within {ms} ms: {detail}. HubSpot gives up after its timeout and {}.",
            outgoing.url,
            outgoing.purpose.lost()
        ),
    )
}

/// `the x` as `The x`.
fn capitalised(text: &str) -> String {
    let mut chars = text.chars();
    chars
        .next()
        .map(|first| first.to_uppercase().chain(chars).collect())
        .unwrap_or_default()
}

fn send_failure(url: &str, purpose: Purpose, error: SendRequestError) -> Finding {
    let registered = purpose.registered();
    use actix_web::error::ParseError;
    let reset = |what: String| {
        Finding::error(
            "connection-reset",
            "",
            format!("The app at {url} {what}. Check the app's logs for a crash or an early close."),
        )
    };
    match error {
        SendRequestError::Connect(ConnectError::Io(io))
            if io.kind() == std::io::ErrorKind::ConnectionRefused =>
        {
            Finding::error(
                "connection-refused",
                "",
                format!("Connection refused at {url} — is the app running and listening on that port?"),
            )
        }
        SendRequestError::Connect(ConnectError::Resolver(e)) => Finding::error(
            "dns",
            "",
            format!("Cannot resolve the host of {url}: {e}. Check {registered}."),
        ),
        SendRequestError::Connect(ConnectError::NoRecords) => Finding::error(
            "dns",
            "",
            format!("The host of {url} has no address records. Check {registered}."),
        ),
        // rustls reports handshake failures as I/O errors of the connect step.
        SendRequestError::Connect(ConnectError::Io(io)) if url.starts_with("https:") => {
            Finding::error(
                "tls",
                "",
                format!("The TLS handshake with {url} failed: {io}. For a self-signed certificate, pass its CA with --ca-cert."),
            )
        }
        // awc's name for "the peer closed before a status line arrived".
        SendRequestError::Connect(ConnectError::Disconnected) => reset(
            "accepted the request and closed the connection without answering (no status line, no headers)".into(),
        ),
        SendRequestError::Connect(ConnectError::Io(io)) => {
            reset(format!("broke off the connection while it was being set up ({})", io_words(&io)))
        }
        SendRequestError::Send(io) => reset(format!(
            "closed the connection while the request was being sent ({})",
            io_words(&io)
        )),
        SendRequestError::Response(ParseError::Io(io)) => reset(format!(
            "broke off the connection before its response headers were complete ({})",
            io_words(&io)
        )),
        SendRequestError::Response(ParseError::Incomplete) => reset(
            "closed the connection in the middle of its response headers".into(),
        ),
        SendRequestError::Response(parse) => Finding::error(
            "invalid-http",
            "",
            format!("The app at {url} answered with something that is not a valid HTTP response ({parse}). Is that port really the app's HTTP server?"),
        ),
        other => Finding::error(
            "transport-error",
            "",
            format!("The request to {url} failed: {other}."),
        ),
    }
}

/// An I/O error in words a developer recognises, not Rust's `Debug` text.
fn io_words(io: &std::io::Error) -> String {
    use std::io::ErrorKind;
    match io.kind() {
        ErrorKind::ConnectionReset => "the connection was reset".into(),
        ErrorKind::ConnectionAborted => "the connection was aborted".into(),
        ErrorKind::BrokenPipe => "the app had already closed its end".into(),
        ErrorKind::UnexpectedEof => "the connection closed early".into(),
        _ => io.to_string(),
    }
}

fn payload_failure(url: &str, error: &PayloadError, read: usize) -> Finding {
    let what = match error {
        PayloadError::Incomplete(None) => format!(
            "closed the connection after {read} bytes of body, before the end its Content-Length or chunked framing announced"
        ),
        PayloadError::Incomplete(Some(io)) | PayloadError::Io(io)
            if io.kind() == std::io::ErrorKind::InvalidInput =>
        {
            format!(
                "sent a malformed chunked body after {read} bytes ({io}): each chunk is its size in hex, CRLF, the data, CRLF, and the body ends with a zero-size chunk. Let the HTTP framework frame the body"
            )
        }
        PayloadError::Incomplete(Some(io)) | PayloadError::Io(io) => format!(
            "broke off its reply after {read} bytes of body ({})",
            io_words(io)
        ),
        PayloadError::EncodingCorrupted => format!(
            "sent a body after {read} bytes that its Content-Encoding cannot decode"
        ),
        other => format!("broke off its reply after {read} bytes of body ({other})"),
    };
    Finding::error(
        "connection-reset",
        "",
        format!(
            "The app at {url} {what}. Check the app's logs for a crash while writing the reply."
        ),
    )
}

#[cfg(test)]
mod tests {
    use super::targets_control_api;

    #[test]
    fn control_paths_are_recognised_at_any_depth_and_spelling() {
        for path in [
            "/_emulator/fire",
            "/_emulator",
            "/sandboxes/ab12/_emulator/fire",
            "/%5Femulator/fire",
            "/%5femulator/deliveries/1/replay",
            "/_EMULATOR/fire",
            "//_emulator/probe",
        ] {
            assert!(targets_control_api(path), "{path}");
        }
        for path in [
            "/",
            "/hubspot/phone-numbers",
            "/my_emulator/fire",
            "/_emulators",
        ] {
            assert!(!targets_control_api(path), "{path}");
        }
    }
}
