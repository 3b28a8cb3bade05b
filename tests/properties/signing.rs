//! HubSpot's request signatures (`webhook::signer`) over generated inputs.
//!
//! An app's verifier recomputes the signature from what it received and compares; the emulator's
//! signatures are what those verifiers are tested against, so they must be a pure function of
//! the inputs and cover all of them. The known-answer vectors in the unit tests pin a handful of
//! inputs; these properties cover the rest:
//!
//! - every version is deterministic, and `signature_headers` agrees with the single signers;
//! - v1 and v2 are 64 lowercase hex digits, v3 is 44 characters of base64 holding 32 bytes;
//! - all three equal a textbook construction built here from SHA-256 alone (RFC 2104 for the
//!   HMAC), so the key handling (long keys hashed, short keys padded) cannot drift;
//! - v3 changes when any single byte of the secret, method, URI, body or timestamp changes: a
//!   signer that skipped or truncated an input would let a forgery through undetected.

use base64::Engine;
use hubspot_emulator::domain::LegacyVersion;
use hubspot_emulator::domain::Secret;
use hubspot_emulator::webhook::signer::{
    sign_v1, sign_v2, sign_v3, signature_headers, REQUEST_TIMESTAMP, SIGNATURE, SIGNATURE_V3,
    SIGNATURE_VERSION,
};
use proptest::prelude::*;
use sha2::{Digest, Sha256};

const REGRESSIONS: &str = "tests/properties/regressions/signing.txt";

#[derive(Clone, Debug)]
struct Inputs {
    secret: String,
    method: String,
    uri: String,
    body: Vec<u8>,
    timestamp: String,
}

impl Inputs {
    fn v3(&self) -> String {
        sign_v3(
            &Secret::new(self.secret.clone()),
            &self.method,
            &self.uri,
            &self.body,
            &self.timestamp,
        )
    }
}

fn inputs() -> impl Strategy<Value = Inputs> {
    (
        // Up to well past SHA-256's 64-byte block, where HMAC hashes the key instead of padding it.
        prop_oneof!["[a-z0-9-]{0,40}", "\\PC{0,100}", "(?s).{60,70}"],
        prop_oneof![
            prop::sample::select(&["POST", "GET", "PATCH", "post"][..]).prop_map(str::to_string),
            "\\PC{0,8}",
        ],
        prop_oneof![
            "https?://[a-z0-9.]{1,20}(:[0-9]{1,5})?/[a-zA-Z0-9/?=&%~.-]{0,40}",
            "\\PC{0,80}",
        ],
        prop_oneof![
            (1u32..u32::MAX, 1u32..u32::MAX, 1u32..u32::MAX).prop_map(|(a, p, u)| {
                format!(r#"{{"appId":{a},"portalId":{p},"userId":{u}}}"#).into_bytes()
            }),
            prop::collection::vec(any::<u8>(), 0..300),
        ],
        prop_oneof![any::<i64>().prop_map(|t| t.to_string()), "\\PC{0,16}",],
    )
        .prop_map(|(secret, method, uri, body, timestamp)| Inputs {
            secret,
            method,
            uri,
            body,
            timestamp,
        })
}

/// HMAC-SHA256 per RFC 2104, from SHA-256 alone, independent of the `hmac` crate.
fn textbook_hmac(key: &[u8], message: &[u8]) -> [u8; 32] {
    const BLOCK: usize = 64;
    let mut block = [0u8; BLOCK];
    if key.len() > BLOCK {
        block[..32].copy_from_slice(&Sha256::digest(key));
    } else {
        block[..key.len()].copy_from_slice(key);
    }
    let pad = |byte: u8| block.map(|k| k ^ byte);
    let inner = Sha256::new()
        .chain_update(pad(0x36))
        .chain_update(message)
        .finalize();
    Sha256::new()
        .chain_update(pad(0x5c))
        .chain_update(inner)
        .finalize()
        .into()
}

/// Replaces the character covering byte `at` of `text` with another character, so the text
/// stays valid UTF-8 and differs from the original in that place.
fn change_char(text: &str, at: usize, replacement: char) -> String {
    let (start, old) = text
        .char_indices()
        .take_while(|(i, _)| *i <= at)
        .last()
        .expect("a non-empty text");
    let new = if replacement == old {
        // Any other character will do; keep it in the same UTF-8 length class when possible.
        if old == 'a' {
            'b'
        } else {
            'a'
        }
    } else {
        replacement
    };
    format!("{}{new}{}", &text[..start], &text[start + old.len_utf8()..])
}

#[derive(Clone, Copy, Debug)]
enum Part {
    Secret,
    Method,
    Uri,
    Body,
    Timestamp,
}

proptest! {
    #![proptest_config(crate::config(512, REGRESSIONS))]

    #[test]
    fn signatures_are_deterministic_and_well_formed(inputs in inputs(), legacy_v2 in any::<bool>(), ms in any::<i64>()) {
        let secret = Secret::new(inputs.secret.clone());
        let Inputs { method, uri, body, timestamp, .. } = &inputs;

        let v1 = sign_v1(&secret, body);
        let v2 = sign_v2(&secret, method, uri, body);
        let v3 = sign_v3(&secret, method, uri, body, timestamp);
        prop_assert_eq!(&v1, &sign_v1(&Secret::new(inputs.secret.clone()), body));
        prop_assert_eq!(&v2, &sign_v2(&secret, method, uri, body));
        prop_assert_eq!(&v3, &sign_v3(&secret, method, uri, body, timestamp));

        for legacy in [&v1, &v2] {
            prop_assert_eq!(legacy.len(), 64, "{}", legacy);
            prop_assert!(legacy.bytes().all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b)), "{}", legacy);
        }
        prop_assert_eq!(v3.len(), 44, "{}", v3);
        let decoded = base64::engine::general_purpose::STANDARD.decode(&v3);
        prop_assert_eq!(decoded.map(|d| d.len()).ok(), Some(32), "{}", v3);

        let key = inputs.secret.as_bytes();
        prop_assert_eq!(&v1, &hex::encode(Sha256::new().chain_update(key).chain_update(body).finalize()));
        let v2_text = Sha256::new()
            .chain_update(key)
            .chain_update(method)
            .chain_update(uri)
            .chain_update(body)
            .finalize();
        prop_assert_eq!(&v2, &hex::encode(v2_text));
        let message = [method.as_bytes(), uri.as_bytes(), body, timestamp.as_bytes()].concat();
        prop_assert_eq!(
            &v3,
            &base64::engine::general_purpose::STANDARD.encode(textbook_hmac(key, &message))
        );

        // The headers a delivery carries are the same signatures, under the documented names.
        let legacy = if legacy_v2 { LegacyVersion::V2 } else { LegacyVersion::V1 };
        let headers = signature_headers(&secret, legacy, method, uri, body, ms);
        let get = |name: &str| headers.iter().find(|(n, _)| *n == name).map(|(_, v)| v.clone());
        let ms_text = ms.to_string();
        prop_assert_eq!(get(REQUEST_TIMESTAMP), Some(ms_text.clone()));
        prop_assert_eq!(get(SIGNATURE_V3), Some(sign_v3(&secret, method, uri, body, &ms_text)));
        prop_assert_eq!(get(SIGNATURE), Some(if legacy_v2 { v2.clone() } else { v1.clone() }));
        prop_assert_eq!(get(SIGNATURE_VERSION), Some(legacy.as_str().to_string()));
        prop_assert_eq!(headers, signature_headers(&secret, legacy, method, uri, body, ms));
    }

    #[test]
    fn v3_changes_with_every_byte(
        inputs in inputs(),
        part in prop::sample::select(&[Part::Secret, Part::Method, Part::Uri, Part::Body, Part::Timestamp][..]),
        at in any::<prop::sample::Index>(),
        bit in 0u8..8,
        replacement in any::<char>(),
    ) {
        let original = inputs.v3();
        let mut changed = inputs.clone();
        {
            let text = match part {
                Part::Secret => &mut changed.secret,
                Part::Method => &mut changed.method,
                Part::Uri => &mut changed.uri,
                Part::Timestamp => &mut changed.timestamp,
                Part::Body => {
                    if changed.body.is_empty() {
                        return Ok(());
                    }
                    let i = at.index(changed.body.len());
                    changed.body[i] ^= 1 << bit;
                    prop_assert_ne!(&original, &changed.v3(), "flipped bit {} of body byte {}", bit, i);
                    return Ok(());
                }
            };
            if text.is_empty() {
                return Ok(());
            }
            *text = change_char(text, at.index(text.len()), replacement);
        }
        prop_assert_ne!(
            &original,
            &changed.v3(),
            "{:?} changed from {:?} to {:?}",
            part,
            inputs,
            changed
        );
    }
}

#[test]
fn the_textbook_hmac_matches_rfc_4231() {
    // RFC 4231 test case 2 and case 6 (a key longer than the block): the model above is right.
    assert_eq!(
        hex::encode(textbook_hmac(b"Jefe", b"what do ya want for nothing?")),
        "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843"
    );
    assert_eq!(
        hex::encode(textbook_hmac(
            &[0xaa; 131],
            b"Test Using Larger Than Block-Size Key - Hash Key First"
        )),
        "60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f0ee37f54"
    );
}
