//! The forged-delivery catalogue: for each probe, what it sends, what a correct app does with it,
//! why it matters and what to fix when the app gets it wrong. Building a probe's request is pure
//! (the caller supplies the clock), so the unit tests below check every forgery byte for byte.

use serde::Serialize;

use crate::domain::Secret;
use crate::webhook::delivery::{unsigned_headers, webhook_body};
use crate::webhook::signer::{
    sign_v3, signature_headers, REQUEST_TIMESTAMP, SIGNATURE, SIGNATURE_V3, SIGNATURE_VERSION,
};
use crate::webhook::target::DeliveryTarget;
use crate::webhook::verdict::SentRequest;
use crate::webhook::Severity;

/// The official clients' limit on a v3 timestamp's age.
pub const MAX_AGE_MS: i64 = 300_000;
/// How old the stale probe's timestamp is: a minute past the limit.
pub const STALE_BY_MS: i64 = MAX_AGE_MS + 60_000;
/// How old the replayed capture is.
pub const REPLAYED_AFTER_MS: i64 = 15 * 60_000;
/// How far in the future the future probe is dated.
pub const FUTURE_BY_MS: i64 = 10 * 60_000;

/// What a correct app does with a probe.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Expected {
    /// A 2xx: the delivery is genuine.
    Accept,
    /// A 4xx: the delivery is forged.
    Reject,
}

/// One probe of the catalogue.
pub struct Forgery {
    pub name: &'static str,
    pub expected: Expected,
    /// How bad accepting it is: `Error` for what a correct app must reject, `Warning` for what
    /// HubSpot's own helpers accept.
    pub if_accepted: Severity,
    /// Whether the probe is about the timestamp (a verifier that skips the time check fails
    /// exactly these).
    pub about_time: bool,
    /// What it sends, in one sentence.
    pub sends: &'static str,
    /// What accepting it means for the app.
    pub risk: &'static str,
    /// What to check in the app's code.
    pub fix: &'static str,
    build: fn(&Genuine<'_>) -> Forged,
}

/// The genuine delivery every forgery is made from: a target, at a time.
pub struct Genuine<'a> {
    pub target: &'a DeliveryTarget,
    /// The wall clock, in milliseconds since the epoch.
    pub now_ms: i64,
}

impl std::ops::Deref for Genuine<'_> {
    type Target = DeliveryTarget;

    fn deref(&self) -> &DeliveryTarget {
        self.target
    }
}

/// A forged request: the headers to send (beside the unsigned ones) and the body.
struct Forged {
    signature_headers: Vec<(&'static str, String)>,
    body: String,
}

impl Genuine<'_> {
    fn body(&self) -> String {
        String::from_utf8_lossy(&self.target.body()).into_owned()
    }

    /// Every signature header HubSpot sends (legacy and v3), as it would sign `body` for `url`
    /// at `timestamp_ms` with `secret`.
    fn hubspot_signed(
        &self,
        secret: &Secret,
        url: &str,
        body: &str,
        timestamp_ms: i64,
    ) -> Vec<(&'static str, String)> {
        signature_headers(
            secret,
            self.legacy,
            "POST",
            url,
            body.as_bytes(),
            timestamp_ms,
        )
    }

    /// The genuine body with only a correct v3 signature for `url` and `timestamp` (sent as
    /// given): what the URL and time probes vary.
    fn v3_only(&self, url: &str, timestamp: String) -> Forged {
        let body = self.body();
        Forged {
            signature_headers: vec![
                (
                    SIGNATURE_V3,
                    sign_v3(
                        &self.client_secret,
                        "POST",
                        url,
                        body.as_bytes(),
                        &timestamp,
                    ),
                ),
                (REQUEST_TIMESTAMP, timestamp),
            ],
            body,
        }
    }
}

impl Forgery {
    /// The request this probe sends for `genuine`.
    pub fn request(&self, genuine: &Genuine<'_>) -> SentRequest {
        let forged = (self.build)(genuine);
        let mut headers = unsigned_headers(genuine.timeout);
        headers.extend(
            forged
                .signature_headers
                .into_iter()
                .map(|(name, value)| (name.to_string(), value)),
        );
        SentRequest {
            method: "POST".into(),
            url: genuine.url.clone(),
            headers,
            body: forged.body,
        }
    }
}

/// The valid delivery, exactly as HubSpot sends it now. It comes first: if the app rejects it,
/// no rejection of a forgery means anything.
pub const VALID: Forgery = Forgery {
    name: "valid-delivery",
    expected: Expected::Accept,
    if_accepted: Severity::Info,
    about_time: false,
    sends:
        "a genuine delivery: legacy and v3 signatures made with the client secret, timestamp now",
    risk: "",
    fix: "verify v3 as HubSpot's helpers do: HMAC-SHA256 keyed with the client secret over \
          'POST' + the URL exactly as registered + the raw body + the timestamp header, base64; \
          check the client secret, the URL (behind a proxy, the public URL HubSpot calls, with \
          its query) and that the body is the raw bytes, not re-serialised JSON",
    build: |g| {
        let body = g.body();
        Forged {
            signature_headers: g.hubspot_signed(&g.client_secret, &g.url, &body, g.now_ms),
            body,
        }
    },
};

/// The forgeries, in the order they are sent.
pub const FORGERIES: &[Forgery] = &[
    Forgery {
        name: "wrong-secret",
        expected: Expected::Reject,
        if_accepted: Severity::Error,
        about_time: false,
        sends: "every signature header, made with a different secret",
        risk: "anyone can call the endpoint and read the numbers of any user",
        fix: "compute the signature with the app's client secret and compare it with the header \
              (in constant time: hmac.compare_digest, crypto.timingSafeEqual); answer 401 on a \
              mismatch",
        build: |g| {
            let other = Secret::new(format!("{}-forged", g.client_secret.expose()));
            let body = g.body();
            Forged {
                signature_headers: g.hubspot_signed(&other, &g.url, &body, g.now_ms),
                body,
            }
        },
    },
    Forgery {
        name: "tampered-body",
        expected: Expected::Reject,
        if_accepted: Severity::Error,
        about_time: false,
        sends: "a genuine delivery's signatures with the userId in the body changed",
        risk: "a captured delivery can be edited to fetch another user's numbers",
        fix: "sign the body as received: the signature covers every byte, so a changed userId \
              must fail the check",
        build: |g| {
            let genuine = g.body();
            let tampered = webhook_body(g.app_id, g.portal_id, g.user_id.wrapping_add(1));
            let tampered = String::from_utf8_lossy(&tampered).into_owned();
            Forged {
                signature_headers: g.hubspot_signed(&g.client_secret, &g.url, &genuine, g.now_ms),
                body: tampered,
            }
        },
    },
    Forgery {
        name: "reformatted-body",
        expected: Expected::Reject,
        if_accepted: Severity::Error,
        about_time: false,
        sends: "a genuine delivery's signatures over the same JSON values with other spacing and key order",
        risk: "the app verifies a re-serialised body, not the bytes it received: what it checks \
               is not what it parsed",
        fix: "verify the raw request bytes before any JSON parsing (express.raw / \
              request.get_data(), not JSON.stringify(req.body) or json.dumps(payload))",
        build: |g| {
            let genuine = g.body();
            let reformatted = format!(
                "{{ \"userId\": {}, \"portalId\": {}, \"appId\": {} }}",
                g.user_id, g.portal_id, g.app_id
            );
            Forged {
                signature_headers: g.hubspot_signed(&g.client_secret, &g.url, &genuine, g.now_ms),
                body: reformatted,
            }
        },
    },
    Forgery {
        name: "no-signature",
        expected: Expected::Reject,
        if_accepted: Severity::Error,
        about_time: false,
        sends: "the body with no signature or timestamp header at all",
        risk: "the endpoint is open to anyone: verification is skipped when the header is absent",
        fix: "treat a missing X-HubSpot-Signature-v3 or X-HubSpot-Request-Timestamp as a \
              failure (401), never as 'nothing to check'",
        build: |g| Forged {
            signature_headers: Vec::new(),
            body: g.body(),
        },
    },
    Forgery {
        name: "empty-signature",
        expected: Expected::Reject,
        if_accepted: Severity::Error,
        about_time: false,
        sends: "empty X-HubSpot-Signature and X-HubSpot-Signature-v3 headers with a fresh timestamp",
        risk: "an empty signature passes a prefix or partial comparison, or a check skipped when \
               the header is falsy",
        fix: "compare the whole decoded signature with the whole HMAC (same length, constant \
              time); an empty header is a failure",
        build: |g| Forged {
            signature_headers: vec![
                (SIGNATURE, String::new()),
                (SIGNATURE_VERSION, g.legacy.as_str().to_string()),
                (SIGNATURE_V3, String::new()),
                (REQUEST_TIMESTAMP, g.now_ms.to_string()),
            ],
            body: g.body(),
        },
    },
    Forgery {
        name: "v3-other-url",
        expected: Expected::Reject,
        if_accepted: Severity::Error,
        about_time: false,
        sends: "a v3 signature made with the client secret for another URL of the same host",
        risk: "a delivery captured for one endpoint can be replayed against another",
        fix: "sign the URL the request actually came to: 'POST' + the registered URL (scheme, \
              host, path and query as received) + body + timestamp; never a URL taken from the \
              body or an attacker's header",
        build: |g| g.v3_only(&other_url(&g.url), g.now_ms.to_string()),
    },
    Forgery {
        name: "stale-timestamp",
        expected: Expected::Reject,
        if_accepted: Severity::Error,
        about_time: true,
        sends: "a correct v3 signature with a timestamp 6 minutes old",
        risk: "the app never checks the timestamp, so v3's replay protection is gone",
        fix: "compare the timestamp in milliseconds; reject if it is older than 300000 ms \
              (Date.now() - Number(ts) > 300000)",
        build: |g| g.v3_only(&g.url, (g.now_ms - STALE_BY_MS).to_string()),
    },
    Forgery {
        name: "timestamp-in-seconds",
        expected: Expected::Reject,
        if_accepted: Severity::Error,
        about_time: true,
        sends: "a correct v3 signature with the timestamp in seconds instead of milliseconds",
        risk: "the age check reads the timestamp in the wrong unit (or not at all): seconds read \
               as milliseconds are 1970, milliseconds read as seconds are far in the future",
        fix: "X-HubSpot-Request-Timestamp is milliseconds: compare it with the time in \
              milliseconds (Date.now(), time.time() * 1000), reject if older than 300000 ms",
        build: |g| g.v3_only(&g.url, (g.now_ms / 1000).to_string()),
    },
    Forgery {
        name: "replayed-capture",
        expected: Expected::Reject,
        if_accepted: Severity::Error,
        about_time: true,
        sends: "a genuine delivery captured 15 minutes ago and sent again, every header intact",
        risk: "anyone who captured one delivery (a log, a proxy) can replay it: the app relies on \
               the legacy signature, which never expires, or skips the timestamp check",
        fix: "verify v3 and its timestamp (reject older than 300000 ms); do not fall back to \
              X-HubSpot-Signature when v3 is present and fails",
        build: |g| {
            let body = g.body();
            Forged {
                signature_headers: g.hubspot_signed(
                    &g.client_secret,
                    &g.url,
                    &body,
                    g.now_ms - REPLAYED_AFTER_MS,
                ),
                body,
            }
        },
    },
    Forgery {
        name: "legacy-only",
        expected: Expected::Reject,
        if_accepted: Severity::Warning,
        about_time: false,
        sends: "only the legacy X-HubSpot-Signature (v1/v2), correct, with no v3 headers",
        risk: "v1 and v2 carry no timestamp, so a captured request can be replayed forever \
               (HubSpot's own helpers accept it, hence a warning)",
        fix: "require X-HubSpot-Signature-v3 and its timestamp; accept the legacy signature \
              only if the app must also serve old HubSpot callers",
        build: |g| {
            let body = g.body();
            let legacy = g
                .hubspot_signed(&g.client_secret, &g.url, &body, g.now_ms)
                .into_iter()
                .filter(|(name, _)| *name == SIGNATURE || *name == SIGNATURE_VERSION)
                .collect();
            Forged {
                signature_headers: legacy,
                body,
            }
        },
    },
    Forgery {
        name: "future-timestamp",
        expected: Expected::Reject,
        if_accepted: Severity::Warning,
        about_time: true,
        sends: "a correct v3 signature with a timestamp 10 minutes in the future",
        risk: "a request dated ahead stays 'fresh' past the 5-minute window (HubSpot's own \
               helpers accept it, hence a warning)",
        fix: "reject timestamps more than 300000 ms away from now in either direction \
              (abs(now - ts) > 300000)",
        build: |g| g.v3_only(&g.url, (g.now_ms + FUTURE_BY_MS).to_string()),
    },
];

/// The names of every probe, the valid delivery first.
pub fn names() -> impl Iterator<Item = &'static str> {
    std::iter::once(VALID.name).chain(FORGERIES.iter().map(|f| f.name))
}

/// The same scheme and host with another path: another endpoint of the same app.
fn other_url(url: &str) -> String {
    const OTHER_PATH: &str = "/hubspot-emulator/another-endpoint";
    match url.parse::<awc::http::Uri>() {
        Ok(uri) => match (uri.scheme_str(), uri.authority()) {
            (Some(scheme), Some(authority)) => format!("{scheme}://{authority}{OTHER_PATH}"),
            _ => format!("{url}{OTHER_PATH}"),
        },
        Err(_) => format!("{url}{OTHER_PATH}"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::{AppId, LegacyVersion};
    use crate::webhook::signer::{sign_v1, sign_v2};

    const NOW: i64 = 1_764_259_200_000;

    fn target(secret: &Secret) -> DeliveryTarget {
        DeliveryTarget {
            url: "http://127.0.0.1:3000/hubspot/phone-numbers?tenant=a%2Fb".into(),
            client_secret: secret.clone(),
            legacy: LegacyVersion::V1,
            timeout: std::time::Duration::from_millis(10_000),
            app_id: AppId::new(1234567).unwrap(),
            portal_id: 62515,
            user_id: 101,
        }
    }

    fn header<'r>(request: &'r SentRequest, name: &str) -> Option<&'r str> {
        request
            .headers
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.as_str())
    }

    fn forgery(name: &str) -> &'static Forgery {
        FORGERIES.iter().find(|f| f.name == name).unwrap()
    }

    /// True when the request's v3 header is the correct signature of what it carries.
    fn v3_is_valid(request: &SentRequest, secret: &Secret) -> bool {
        let (Some(signature), Some(timestamp)) = (
            header(request, SIGNATURE_V3),
            header(request, REQUEST_TIMESTAMP),
        ) else {
            return false;
        };
        sign_v3(
            secret,
            "POST",
            &request.url,
            request.body.as_bytes(),
            timestamp,
        ) == signature
    }

    #[test]
    fn the_valid_delivery_is_signed_like_hubspot() {
        let secret = Secret::new("s3cret");
        let target = target(&secret);
        let request = VALID.request(&Genuine {
            target: &target,
            now_ms: NOW,
        });
        assert_eq!(
            request.body,
            r#"{"appId":1234567,"portalId":62515,"userId":101}"#
        );
        assert!(v3_is_valid(&request, &secret));
        assert_eq!(header(&request, REQUEST_TIMESTAMP), Some("1764259200000"));
        assert_eq!(
            header(&request, SIGNATURE),
            Some(sign_v1(&secret, request.body.as_bytes()).as_str())
        );
        assert_eq!(header(&request, "X-HubSpot-Timeout-Millis"), Some("10000"));
    }

    #[test]
    fn each_forgery_breaks_exactly_what_it_names() {
        let secret = Secret::new("s3cret");
        let target = target(&secret);
        let g = Genuine {
            target: &target,
            now_ms: NOW,
        };
        let ts = |name: &str| {
            header(&forgery(name).request(&g), REQUEST_TIMESTAMP).map(|t| t.parse::<i64>().unwrap())
        };

        let wrong = forgery("wrong-secret").request(&g);
        assert!(!v3_is_valid(&wrong, &secret));
        assert!(v3_is_valid(&wrong, &Secret::new("s3cret-forged")));

        let tampered = forgery("tampered-body").request(&g);
        assert!(tampered.body.contains(r#""userId":102"#));
        assert!(!v3_is_valid(&tampered, &secret));

        let reformatted = forgery("reformatted-body").request(&g);
        let values: serde_json::Value = serde_json::from_str(&reformatted.body).unwrap();
        assert_eq!(
            values,
            serde_json::json!({"appId": 1234567, "portalId": 62515, "userId": 101})
        );
        assert!(!v3_is_valid(&reformatted, &secret));

        let none = forgery("no-signature").request(&g);
        assert!(none
            .headers
            .iter()
            .all(|(n, _)| !n.starts_with("X-HubSpot-S") && n != REQUEST_TIMESTAMP));

        let empty = forgery("empty-signature").request(&g);
        assert_eq!(header(&empty, SIGNATURE_V3), Some(""));
        assert_eq!(header(&empty, SIGNATURE), Some(""));

        let other = forgery("v3-other-url").request(&g);
        assert!(!v3_is_valid(&other, &secret));
        assert_eq!(
            header(&other, SIGNATURE_V3).unwrap(),
            sign_v3(
                &secret,
                "POST",
                "http://127.0.0.1:3000/hubspot-emulator/another-endpoint",
                other.body.as_bytes(),
                "1764259200000"
            )
        );

        // The time probes are correctly signed: only their timestamps are wrong.
        for name in [
            "stale-timestamp",
            "timestamp-in-seconds",
            "replayed-capture",
            "future-timestamp",
        ] {
            assert!(forgery(name).about_time, "{name}");
            assert!(v3_is_valid(&forgery(name).request(&g), &secret), "{name}");
        }
        assert_eq!(ts("stale-timestamp"), Some(NOW - 360_000));
        assert_eq!(ts("timestamp-in-seconds"), Some(NOW / 1000));
        assert_eq!(ts("replayed-capture"), Some(NOW - 900_000));
        assert_eq!(ts("future-timestamp"), Some(NOW + 600_000));
        let replay = forgery("replayed-capture").request(&g);
        assert_eq!(
            header(&replay, SIGNATURE),
            Some(sign_v1(&secret, replay.body.as_bytes()).as_str())
        );

        let legacy = forgery("legacy-only").request(&g);
        assert_eq!(header(&legacy, SIGNATURE_V3), None);
        assert_eq!(header(&legacy, REQUEST_TIMESTAMP), None);
        assert_eq!(
            header(&legacy, SIGNATURE),
            Some(sign_v1(&secret, legacy.body.as_bytes()).as_str())
        );
    }

    #[test]
    fn legacy_v2_is_signed_over_the_url() {
        let secret = Secret::new("s3cret");
        let target = DeliveryTarget {
            legacy: LegacyVersion::V2,
            ..target(&secret)
        };
        let g = Genuine {
            target: &target,
            now_ms: NOW,
        };
        let legacy = forgery("legacy-only").request(&g);
        assert_eq!(header(&legacy, SIGNATURE_VERSION), Some("v2"));
        assert_eq!(
            header(&legacy, SIGNATURE),
            Some(sign_v2(&secret, "POST", &g.url, legacy.body.as_bytes()).as_str())
        );
    }

    #[test]
    fn names_are_unique_and_warnings_are_the_two_hubspot_accepts() {
        let all: Vec<&str> = names().collect();
        let mut unique = all.clone();
        unique.sort();
        unique.dedup();
        assert_eq!(all.len(), unique.len());
        let warnings: Vec<&str> = FORGERIES
            .iter()
            .filter(|f| f.if_accepted == Severity::Warning)
            .map(|f| f.name)
            .collect();
        assert_eq!(warnings, ["legacy-only", "future-timestamp"]);
        assert!(FORGERIES.iter().all(|f| f.expected == Expected::Reject));
    }
}
