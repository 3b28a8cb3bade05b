//! HubSpot's request signatures, pure and small: v1 and v2 (`X-HubSpot-Signature`, named by
//! `X-HubSpot-Signature-Version`) and v3 (`X-HubSpot-Signature-v3` with
//! `X-HubSpot-Request-Timestamp`). Known-answer tests pin every vector of
//! `tests/data/signature-vectors.json` (checked against the official Python client).

use base64::Engine;
use hmac::{Hmac, Mac};
use sha2::{Digest, Sha256};

use crate::domain::{LegacyVersion, Secret};

pub const SIGNATURE: &str = "X-HubSpot-Signature";
pub const SIGNATURE_VERSION: &str = "X-HubSpot-Signature-Version";
pub const SIGNATURE_V3: &str = "X-HubSpot-Signature-v3";
pub const REQUEST_TIMESTAMP: &str = "X-HubSpot-Request-Timestamp";

/// v1 = hex(sha256(clientSecret + body)).
pub fn sign_v1(secret: &Secret, body: &[u8]) -> String {
    let mut hash = Sha256::new();
    hash.update(secret.expose().as_bytes());
    hash.update(body);
    hex::encode(hash.finalize())
}

/// v2 = hex(sha256(clientSecret + method + uri + body)).
pub fn sign_v2(secret: &Secret, method: &str, uri: &str, body: &[u8]) -> String {
    let mut hash = Sha256::new();
    hash.update(secret.expose().as_bytes());
    hash.update(method.as_bytes());
    hash.update(uri.as_bytes());
    hash.update(body);
    hex::encode(hash.finalize())
}

/// v3 = base64(HMAC-SHA256(key = clientSecret, message = method + uri + body + timestamp)).
pub fn sign_v3(secret: &Secret, method: &str, uri: &str, body: &[u8], timestamp: &str) -> String {
    let mut mac = Hmac::<Sha256>::new_from_slice(secret.expose().as_bytes())
        .expect("HMAC takes keys of any length");
    mac.update(method.as_bytes());
    mac.update(uri.as_bytes());
    mac.update(body);
    mac.update(timestamp.as_bytes());
    base64::engine::general_purpose::STANDARD.encode(mac.finalize().into_bytes())
}

/// The signature headers HubSpot sends with a request: the legacy one and its version, v3 and
/// the timestamp (milliseconds since the epoch, as a decimal string).
pub fn signature_headers(
    secret: &Secret,
    legacy: LegacyVersion,
    method: &str,
    uri: &str,
    body: &[u8],
    timestamp_ms: i64,
) -> Vec<(&'static str, String)> {
    let timestamp = timestamp_ms.to_string();
    let legacy_signature = match legacy {
        LegacyVersion::V1 => sign_v1(secret, body),
        LegacyVersion::V2 => sign_v2(secret, method, uri, body),
    };
    vec![
        (SIGNATURE, legacy_signature),
        (SIGNATURE_VERSION, legacy.as_str().to_string()),
        (SIGNATURE_V3, sign_v3(secret, method, uri, body, &timestamp)),
        (REQUEST_TIMESTAMP, timestamp),
    ]
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::Value;

    const VECTORS: &str = include_str!("../../tests/data/signature-vectors.json");

    #[test]
    fn every_known_answer_vector_matches() {
        let vectors: Value = serde_json::from_str(VECTORS).unwrap();
        let vectors = vectors["vectors"].as_array().unwrap();
        assert_eq!(vectors.len(), 7);
        for vector in vectors {
            let secret = Secret::new(vector["secret"].as_str().unwrap());
            let body = vector["body"].as_str().unwrap().as_bytes();
            let method = vector["method"].as_str().unwrap();
            let uri = vector["uri"].as_str().unwrap_or_default();
            let signature = match vector["version"].as_str().unwrap() {
                "v1" => sign_v1(&secret, body),
                "v2" => sign_v2(&secret, method, uri, body),
                "v3" => sign_v3(
                    &secret,
                    method,
                    uri,
                    body,
                    vector["timestamp"].as_str().unwrap(),
                ),
                other => panic!("unknown version {other}"),
            };
            assert_eq!(signature, vector["signature"].as_str().unwrap(), "{vector}");
        }
    }

    #[test]
    fn headers_carry_legacy_and_v3() {
        let secret = Secret::new("yyyyyyyy-yyyy-yyyy-yyyy-yyyyyyyyyyyy");
        let uri = "http://127.0.0.1:3000/hubspot/phone-numbers";
        let body = br#"{"appId":1234567,"portalId":62515,"userId":101}"#;
        let headers =
            signature_headers(&secret, LegacyVersion::V2, "POST", uri, body, 1764259200000);
        let get = |name: &str| headers.iter().find(|(n, _)| *n == name).unwrap().1.clone();
        assert_eq!(
            get(SIGNATURE),
            "583f8178f5648e2787141e4da6e849ca1a7d554146e1f77461bce621d3bea541"
        );
        assert_eq!(get(SIGNATURE_VERSION), "v2");
        assert_eq!(
            get(SIGNATURE_V3),
            "OgPhlMOSvgInGfyrkH9SQTLpRj/9lWBnDj/fF/fw9PY="
        );
        assert_eq!(get(REQUEST_TIMESTAMP), "1764259200000");
    }
}
