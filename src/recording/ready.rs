//! `MarkRecordingAsReadyRequest`, the body of `POST …/calling/recordings/ready`:
//! `{"engagementId": N}`, the id of the call whose recording the app has ready (a 64-bit integer).

use serde_json::Value;

use crate::domain::fields::{parse_object, Schema};
use crate::domain::invalid::{ErrorDetail, Invalid};

/// A valid body, quoted in messages.
pub const EXAMPLE: &str = r#"{"engagementId": 17591596434}"#;

/// The call's id, or what is wrong with the body.
pub fn parse(body: &[u8]) -> Result<u64, Invalid> {
    let object = parse_object(
        body,
        &Schema {
            name: "MarkRecordingAsReadyRequest",
            fields: &[],
            example: EXAMPLE,
        },
    )?;
    match object.get("engagementId") {
        None | Some(Value::Null) => Err(Invalid::Fields(vec![ErrorDetail::new(
            "engagementId",
            "REQUIRED",
            format!("engagementId is required: the id of the call whose recording is ready, e.g. {EXAMPLE}."),
        )])),
        Some(value) => value
            .as_u64()
            .filter(|id| *id > 0 && i64::try_from(*id).is_ok())
            .ok_or_else(|| {
                Invalid::Fields(vec![ErrorDetail::new(
                    "engagementId",
                    "INVALID_TYPE",
                    format!("engagementId must be the call's id, a positive 64-bit integer (not text); got {value}."),
                )])
            }),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_the_id_and_names_what_is_wrong() {
        assert_eq!(parse(EXAMPLE.as_bytes()).unwrap(), 17591596434);
        for (body, code) in [
            (&br#"{}"#[..], "REQUIRED"),
            (br#"{"engagementId": "5"}"#, "INVALID_TYPE"),
            (br#"{"engagementId": -5}"#, "INVALID_TYPE"),
        ] {
            let Err(Invalid::Fields(errors)) = parse(body) else {
                panic!("{body:?}")
            };
            assert_eq!(
                (errors[0].field.as_str(), errors[0].code),
                ("engagementId", code)
            );
        }
        assert!(matches!(parse(b"[1]"), Err(Invalid::Body(_))));
    }
}
