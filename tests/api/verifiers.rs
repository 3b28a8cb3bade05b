//! Webhook receivers that verify HubSpot's v3 signature the way real apps do, correctly or with
//! one of the bugs real apps ship, for the probe tests. Written here from HubSpot's rules (not
//! with the emulator's signer), so they judge the emulator's forgeries independently.

use std::sync::Arc;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use base64::Engine;
use hmac::{Hmac, Mac};
use sha2::Sha256;

use super::receiver::{Behaviour, Decider, Recorded};

pub const SECRET: &str = "demo-client-secret";
pub const GOOD_REPLY: &str =
    r#"{"phoneNumbers":[{"e164PhoneNumber":"+14155552671","friendlyName":"Support line"}]}"#;

#[derive(serde::Deserialize, serde::Serialize)]
#[serde(rename_all = "camelCase")]
struct Payload {
    app_id: i64,
    portal_id: u64,
    user_id: u64,
}

/// What the verifier gets wrong.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Flaw {
    /// Nothing: v3 over the raw bytes, timestamp within 5 minutes either way.
    None,
    /// Accepts every request.
    ChecksNothing,
    /// Verifies the HMAC over whatever timestamp came, but never checks its age.
    NoTimestampCheck,
    /// Verifies the HMAC over the body parsed and serialised again, not the bytes received.
    Reserialises,
    /// Correct, but accepts the legacy v1 signature when v3 is absent (as HubSpot's helpers do).
    AcceptsLegacy,
    /// Correct, but answers forged deliveries with a 500 instead of a 401.
    CrashesOnForgery,
}

/// A receiver that verifies with `flaw`, answering good numbers after `delay` when it accepts.
pub fn verifier(flaw: Flaw, delay: Duration) -> Behaviour {
    verifier_with(flaw, move |_| {
        let good = Behaviour::json(GOOD_REPLY);
        if delay.is_zero() {
            good
        } else {
            Behaviour::Delayed(delay, Box::new(good))
        }
    })
}

/// A receiver that verifies with `flaw` and then answers as `accepted` decides.
pub fn verifier_with(
    flaw: Flaw,
    accepted: impl Fn(&Recorded) -> Behaviour + Send + Sync + 'static,
) -> Behaviour {
    Behaviour::Decide(Decider(Arc::new(move |request| {
        match verify(flaw, request) {
            Ok(()) => accepted(request),
            Err(_) if flaw == Flaw::CrashesOnForgery => {
                Behaviour::status(500, Some("text/plain"), b"Internal Server Error")
            }
            Err(reason) => Behaviour::status(
                401,
                Some("application/json"),
                format!(r#"{{"error":"{reason}"}}"#).as_bytes(),
            ),
        }
    })))
}

fn verify(flaw: Flaw, request: &Recorded) -> Result<(), &'static str> {
    if flaw == Flaw::ChecksNothing {
        return Ok(());
    }
    let uri = format!(
        "http://{}{}",
        request.header("host").ok_or("no host")?,
        request.target
    );
    let (Some(signature), Some(timestamp)) = (
        request.header("x-hubspot-signature-v3"),
        request.header("x-hubspot-request-timestamp"),
    ) else {
        return match (flaw, request.header("x-hubspot-signature")) {
            (Flaw::AcceptsLegacy, Some(legacy)) => {
                use sha2::Digest;
                let mut hash = Sha256::new();
                hash.update(SECRET.as_bytes());
                hash.update(&request.body);
                if hex::encode(hash.finalize()) == legacy {
                    Ok(())
                } else {
                    Err("legacy signature mismatch")
                }
            }
            _ => Err("missing v3 signature"),
        };
    };
    if flaw != Flaw::NoTimestampCheck {
        let ts: i64 = timestamp.parse().map_err(|_| "timestamp not integer")?;
        let now = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .unwrap()
            .as_millis() as i64;
        if (now - ts).abs() > 300_000 {
            return Err("timestamp outside 5 minutes");
        }
    }
    let body = if flaw == Flaw::Reserialises {
        // What an app does that verifies its typed model, serialised again.
        let parsed: Payload = serde_json::from_slice(&request.body).map_err(|_| "body not JSON")?;
        serde_json::to_vec(&parsed).unwrap()
    } else {
        request.body.clone()
    };
    let expected = base64::engine::general_purpose::STANDARD
        .decode(signature)
        .map_err(|_| "signature not base64")?;
    let mut mac = Hmac::<Sha256>::new_from_slice(SECRET.as_bytes()).unwrap();
    mac.update(request.method.as_bytes());
    mac.update(uri.as_bytes());
    mac.update(&body);
    mac.update(timestamp.as_bytes());
    mac.verify_slice(&expected)
        .map_err(|_| "signature mismatch")
}
