//! The reply as a whole: status, size, content type, encoding and JSON syntax. Returns the parsed
//! body only when there is one to judge further.

use serde_json::Value;

use super::text::{looks_like_html, preview};
use super::{CappedFindings, Finding, Reply};

/// Status, size, content type, encoding, syntax: returns the parsed body when it is JSON.
pub(super) fn check_envelope(reply: &Reply<'_>, findings: &mut CappedFindings) -> Option<Value> {
    // Each check that finds the body unusable stops the judging: nothing after it can be read.
    check_size_and_status(reply, findings)?;
    check_content_type(reply, findings);
    check_encoding(reply, findings)?;
    parse_json(reply, findings)
}

/// The body was read whole, the status is a 2xx, and there is a body.
fn check_size_and_status(reply: &Reply<'_>, findings: &mut CappedFindings) -> Option<()> {
    if reply.truncated {
        findings.push(Finding::error(
            "body-too-large",
            "",
            format!(
                "The reply body is larger than {} bytes; the emulator stopped reading it. A phone-number list is a few KiB: check what the endpoint returns.",
                reply.body_cap
            ),
        ));
        return None;
    }
    if (300..400).contains(&reply.status) {
        findings.push(Finding::error(
            "redirect",
            "",
            format!(
                "The app answered {} redirecting to {}. HubSpot does not follow redirects: register the final URL as the channel connection url.",
                reply.status,
                reply.location.unwrap_or("(no Location header)")
            ),
        ));
        return None;
    }
    if !(200..300).contains(&reply.status) {
        let html = if looks_like_html(reply.body) {
            " The body is an HTML page, probably your framework's error page: check the app's logs."
        } else {
            ""
        };
        findings.push(Finding::error(
            "http-status",
            "",
            format!(
                "The app answered HTTP {}; HubSpot needs 200 with a JSON body and shows the user no numbers otherwise.{html}",
                reply.status
            ),
        ));
        return None;
    }
    if reply.body.iter().all(u8::is_ascii_whitespace) {
        findings.push(Finding::error(
            "empty-body",
            "",
            format!(
                "The app answered {} with an empty body; HubSpot needs {{\"phoneNumbers\": [...]}}.",
                reply.status
            ),
        ));
        return None;
    }
    Some(())
}

/// `Content-Type: application/json` (a warning: HubSpot may accept a JSON body without it).
fn check_content_type(reply: &Reply<'_>, findings: &mut CappedFindings) {
    let json_type = reply.content_type.is_some_and(|value| {
        let essence = value.split(';').next().unwrap_or("").trim();
        essence.eq_ignore_ascii_case("application/json")
    });
    if !json_type {
        findings.push(Finding::warning(
            "content-type",
            "",
            format!(
                "The reply's Content-Type is {}; send application/json.",
                reply
                    .content_type
                    .map_or("missing".to_string(), |v| format!("{v:?}"))
            ),
        ));
    }
}

/// No compression: the request asked for `identity`.
fn check_encoding(reply: &Reply<'_>, findings: &mut CappedFindings) -> Option<()> {
    if let Some(encoding) = reply
        .content_encoding
        .map(str::trim)
        .filter(|e| !e.is_empty() && !e.eq_ignore_ascii_case("identity"))
    {
        findings.push(Finding::error(
            "content-encoding",
            "",
            format!(
                "The reply is {encoding}-encoded (Content-Encoding: {encoding}) although the request asked for Accept-Encoding: identity, so it cannot be read as JSON. Send the body uncompressed: turn off compression for this endpoint, or honour Accept-Encoding."
            ),
        ));
        return None;
    }
    Some(())
}

/// UTF-8, then JSON.
fn parse_json(reply: &Reply<'_>, findings: &mut CappedFindings) -> Option<Value> {
    let text = match std::str::from_utf8(reply.body) {
        Ok(text) => text,
        Err(e) => {
            findings.push(Finding::error(
                "not-json",
                "",
                format!(
                    "The reply is not valid UTF-8 (bad byte at offset {}), so it cannot be JSON. Serialize the reply with a JSON library.",
                    e.valid_up_to()
                ),
            ));
            return None;
        }
    };
    match serde_json::from_str::<Value>(text) {
        Ok(value) => Some(value),
        Err(e) => {
            let what = if looks_like_html(reply.body) {
                "an HTML page"
            } else {
                "not JSON"
            };
            findings.push(Finding::error(
                "not-json",
                "",
                format!(
                    "The reply is {what} (line {}, column {}: {}). Starts with: {:?}",
                    e.line(),
                    e.column(),
                    e.to_string().split(" at line").next().unwrap_or(""),
                    preview(text)
                ),
            ));
            None
        }
    }
}
