//! The `api` step: a call of the emulator's HubSpot API over HTTP, as an app makes it, with its
//! credential, and its status and body checked against `expect`.

use super::*;

impl Runner<'_> {
    pub(super) async fn api(
        &self,
        step: &ApiStep,
        fixture: &Fixture,
        context: &Value,
    ) -> Result<Outcomes, String> {
        let app = find_app(fixture, step.app.as_deref())?;
        let mut url = format!("{}{}", self.base_url, render_text(&step.path, context)?);
        let method = awc::http::Method::from_bytes(step.method.to_ascii_uppercase().as_bytes())
            .map_err(|_| format!("{:?} is not an HTTP method", step.method))?;
        if step.auth == ApiAuth::Hapikey {
            let key = app.developer_api_key.as_ref().ok_or_else(|| {
                format!(
                    "app {:?} has no developerApiKey for auth \"hapikey\"",
                    app.name
                )
            })?;
            url.push(if url.contains('?') { '&' } else { '?' });
            url.push_str(&format!("hapikey={}", key.expose()));
        }
        let mut request = self.http.request(method, &url);
        if step.auth == ApiAuth::Bearer {
            let token = app.access_token.as_ref().ok_or_else(|| {
                format!("app {:?} has no accessToken for auth \"bearer\"", app.name)
            })?;
            request =
                request.insert_header(("Authorization", format!("Bearer {}", token.expose())));
        }
        let sent = match &step.body {
            Some(body) => request.send_json(&render(body, context)?).await,
            None => request.send().await,
        };
        let mut response = sent.map_err(|e| format!("the API call failed: {e}"))?;
        let status = response.status().as_u16();
        let bytes = response
            .body()
            .limit(16 * 1024 * 1024)
            .await
            .map_err(|e| format!("reading the API reply: {e}"))?;
        checked_reply(status, &bytes, step.expect.as_ref(), context)
    }
}

/// A reply as a step's result (`{status, body}`, the body as JSON when it is JSON, else as
/// text), checked against `expect`.
pub(super) fn checked_reply(
    status: u16,
    bytes: &[u8],
    expect: Option<&ApiExpect>,
    context: &Value,
) -> Result<Outcomes, String> {
    let body: Value = if bytes.is_empty() {
        Value::Null
    } else {
        serde_json::from_slice(bytes)
            .unwrap_or_else(|_| Value::String(String::from_utf8_lossy(bytes).into_owned()))
    };
    let got = json!({"status": status, "body": body});
    let Some(expect) = expect else {
        return Ok(Outcomes::passed(got));
    };
    let expected_body = expect
        .body
        .as_ref()
        .map(|body| render(body, context))
        .transpose()?;
    let problems = check_reply(expect, expected_body.as_ref(), status, &got["body"]);
    if problems.is_empty() {
        return Ok(Outcomes::passed(got));
    }
    Ok(Outcomes {
        expected: Some(serde_json::to_value(expect).unwrap_or_default()),
        got: Some(got),
        ..Outcomes::failed(problems.join("; "))
    })
}
