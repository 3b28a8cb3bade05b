//! The user ids a connection-status request asks about: the `userId` query parameter of
//! `GET …/connection-statuses` (HubSpot's spec: an int32 array, `?userId=1&userId=2`; the
//! comma-separated `?userId=1,2` the docs of other HubSpot APIs use is read too), and the body of
//! `POST …/connection-statuses/batch/read` (`{"inputs": [{"id": "101"}]}`, ids as strings, at most
//! `MAX_BATCH_INPUTS`). Every problem is reported at once, each naming where it is, up to
//! `MAX_DETAILS` entries.

use serde_json::{Map, Value};

use crate::domain::fields::{describe_value, parse_object, Schema};
use crate::domain::{ErrorDetail, Invalid, UserId};

/// HubSpot's limit on the inputs of one batch call.
pub const MAX_BATCH_INPUTS: usize = 100;
/// At most this many `errors[]` entries; a count says how many more there were.
pub const MAX_DETAILS: usize = 20;

const BATCH_EXAMPLE: &str = r#"{"inputs": [{"id": "101"}, {"id": "102"}]}"#;
const QUERY_HOW: &str =
    "repeat the key (?userId=101&userId=102) or separate the ids with commas (?userId=101,102), or leave userId out for every user of the portal";

/// The ids of every `userId` value (each may hold several, comma-separated), duplicates dropped,
/// in the order given. No value at all: `None`, every user of the portal.
pub fn user_ids_from_query<'a>(
    values: impl IntoIterator<Item = &'a str>,
) -> Result<Option<Vec<UserId>>, Invalid> {
    let mut ids = Vec::new();
    let mut errors = Details::default();
    let mut given = false;
    for value in values {
        given = true;
        for piece in value.split(',') {
            match parse_user_id(piece) {
                Ok(id) => push_unique(&mut ids, id),
                Err(why) => errors.push(ErrorDetail::new(
                    "userId",
                    "INVALID_INTEGER",
                    format!("userId {why}; {QUERY_HOW}"),
                )),
            }
        }
    }
    errors.finish()?;
    Ok(given.then_some(ids))
}

/// The ids of a batch read body, duplicates dropped, in the order given.
pub fn user_ids_from_batch(body: &[u8]) -> Result<Vec<UserId>, Invalid> {
    let object = batch_object(body)?;
    let mut errors = Details::default();
    let mut inputs = None;
    for (key, value) in object {
        if key == "inputs" {
            inputs = Some(value);
        } else {
            errors.push(ErrorDetail::new(
                key.clone(),
                "UNKNOWN_FIELD",
                format!(
                    "`{key}` is not a property of BatchInputPublicObjectId; its only property is inputs. Example: {BATCH_EXAMPLE}"
                ),
            ));
        }
    }
    let inputs = match inputs {
        Some(Value::Array(inputs)) => inputs,
        Some(other) => {
            errors.push(ErrorDetail::new(
                "inputs",
                "INVALID_TYPE",
                format!(
                    "`inputs` must be an array of {{\"id\": \"<userId>\"}} objects, got {}. Example: {BATCH_EXAMPLE}",
                    describe_value(&other)
                ),
            ));
            return Err(errors.into_invalid());
        }
        None => {
            errors.push(ErrorDetail::new(
                "inputs",
                "REQUIRED",
                format!(
                    "`inputs` is required in BatchInputPublicObjectId. Example: {BATCH_EXAMPLE}"
                ),
            ));
            return Err(errors.into_invalid());
        }
    };
    let size_ok = !inputs.is_empty() && inputs.len() <= MAX_BATCH_INPUTS;
    if inputs.is_empty() {
        errors.push(ErrorDetail::new(
            "inputs",
            "EMPTY_INPUTS",
            format!("`inputs` is empty: name at least one user, e.g. {BATCH_EXAMPLE} (GET /crm/extensions/calling/v3/connection-statuses without userId lists every user)"),
        ));
    } else if inputs.len() > MAX_BATCH_INPUTS {
        errors.push(ErrorDetail::new(
            "inputs",
            "TOO_MANY_INPUTS",
            format!(
                "`inputs` has {} entries; HubSpot reads at most {MAX_BATCH_INPUTS} per batch call. Split the ids into calls of {MAX_BATCH_INPUTS} or fewer.",
                inputs.len()
            ),
        ));
    }
    if !size_ok {
        return Err(errors.into_invalid());
    }
    let mut ids = Vec::with_capacity(inputs.len());
    for (index, input) in inputs.iter().enumerate() {
        match input_id(index, input) {
            Ok(id) => push_unique(&mut ids, id),
            Err(detail) => errors.push(detail),
        }
    }
    errors.finish()?;
    Ok(ids)
}

/// The body as an object; its keys are checked by `user_ids_from_batch`, one by one.
fn batch_object(body: &[u8]) -> Result<Map<String, Value>, Invalid> {
    parse_object(
        body,
        &Schema {
            name: "BatchInputPublicObjectId",
            fields: &[],
            example: BATCH_EXAMPLE,
        },
    )
}

/// `{"id": "101"}` at `inputs[index]`.
fn input_id(index: usize, input: &Value) -> Result<UserId, ErrorDetail> {
    let at = format!("inputs[{index}]");
    let Value::Object(object) = input else {
        return Err(ErrorDetail::new(
            at,
            "INVALID_TYPE",
            format!(
                "each input must be an object {{\"id\": \"<userId>\"}}, got {}",
                describe_value(input)
            ),
        ));
    };
    if let Some(key) = object.keys().find(|key| *key != "id") {
        return Err(ErrorDetail::new(
            format!("{at}.{key}"),
            "UNKNOWN_FIELD",
            format!(
                "`{key}` is not a property of PublicObjectId; an input is {{\"id\": \"<userId>\"}}"
            ),
        ));
    }
    let field = format!("{at}.id");
    match object.get("id") {
        // Exactly the id's digits: HubSpot's ids are written so, and a lenient read here would
        // let " 101" or "0101" pass as the same user.
        Some(Value::String(text)) if !is_plain_digits(text) && parse_user_id(text).is_ok() => {
            Err(ErrorDetail::new(
                field,
                "INVALID_INTEGER",
                format!(
                    "the id {:?} must be the user id's digits only, without spaces, signs or leading zeros, e.g. \"101\"",
                    text.chars().take(40).collect::<String>()
                ),
            ))
        }
        Some(Value::String(text)) => parse_user_id(text)
            .map_err(|why| ErrorDetail::new(field, "INVALID_INTEGER", format!("the id {why}"))),
        Some(other) => Err(ErrorDetail::new(
            field,
            "INVALID_TYPE",
            format!(
                "the id must be a string holding the user id (\"101\", in quotes), got {}",
                describe_value(other)
            ),
        )),
        None => Err(ErrorDetail::new(
            field,
            "REQUIRED",
            "each input needs its `id`, the user id as a string: {\"id\": \"101\"}",
        )),
    }
}

/// A user id as HubSpot's spec types it: a positive 32-bit integer. `Err` says what is wrong.
fn parse_user_id(text: &str) -> Result<UserId, String> {
    let trimmed = text.trim();
    let shown: String = trimmed.chars().take(40).collect();
    if trimmed.is_empty() {
        return Err("is empty: give a user id such as 101".into());
    }
    if !trimmed.bytes().all(|b| b.is_ascii_digit() || b == b'-') {
        return Err(format!(
            "must be a user id (a positive 32-bit integer), got {shown:?}"
        ));
    }
    match trimmed.parse::<i64>() {
        Ok(id) if (1..=i64::from(i32::MAX)).contains(&id) => {
            Ok(UserId::try_from(id).expect("positive"))
        }
        _ => Err(format!(
            "must be a positive 32-bit integer (1 to {}), got {shown}",
            i32::MAX
        )),
    }
}

fn is_plain_digits(text: &str) -> bool {
    !text.starts_with('0') && !text.is_empty() && text.bytes().all(|b| b.is_ascii_digit())
}

fn push_unique(ids: &mut Vec<UserId>, id: UserId) {
    if !ids.contains(&id) {
        ids.push(id);
    }
}

/// `errors[]` entries, at most `MAX_DETAILS` of them, and how many more were found.
#[derive(Default)]
struct Details {
    kept: Vec<ErrorDetail>,
    more: usize,
}

impl Details {
    fn push(&mut self, detail: ErrorDetail) {
        if self.kept.len() < MAX_DETAILS {
            self.kept.push(detail);
        } else {
            self.more += 1;
        }
    }

    fn is_empty(&self) -> bool {
        self.kept.is_empty()
    }

    fn into_invalid(mut self) -> Invalid {
        if self.more > 0 {
            let more = self.more;
            if let Some(last) = self.kept.last_mut() {
                last.message
                    .push_str(&format!(" (and {more} more problems like these)"));
            }
        }
        Invalid::Fields(self.kept)
    }

    fn finish(self) -> Result<(), Invalid> {
        if self.is_empty() {
            Ok(())
        } else {
            Err(self.into_invalid())
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn details(result: Result<impl std::fmt::Debug, Invalid>) -> Vec<(String, &'static str)> {
        match result {
            Err(Invalid::Fields(errors)) => errors.into_iter().map(|e| (e.field, e.code)).collect(),
            other => panic!("expected field errors, got {other:?}"),
        }
    }

    #[test]
    fn the_query_takes_repeated_keys_and_commas() {
        assert_eq!(user_ids_from_query([]).unwrap(), None);
        assert_eq!(
            user_ids_from_query(["101", "102,103", " 104 ", "101"]).unwrap(),
            Some(vec![101, 102, 103, 104])
        );
        assert_eq!(
            details(user_ids_from_query(["1", "abc", "0,-5", "", "2147483648"])),
            vec![
                ("userId".into(), "INVALID_INTEGER"),
                ("userId".into(), "INVALID_INTEGER"),
                ("userId".into(), "INVALID_INTEGER"),
                ("userId".into(), "INVALID_INTEGER"),
                ("userId".into(), "INVALID_INTEGER"),
            ]
        );
        let Err(Invalid::Fields(errors)) = user_ids_from_query(["abc"]) else {
            panic!()
        };
        assert!(
            errors[0].message.contains("\"abc\""),
            "{}",
            errors[0].message
        );
        assert!(errors[0].message.contains("?userId=101,102"));
    }

    #[test]
    fn the_batch_body_takes_string_ids() {
        assert_eq!(
            user_ids_from_batch(br#"{"inputs": [{"id": "101"}, {"id": "102"}, {"id": "101"}]}"#)
                .unwrap(),
            vec![101, 102]
        );
        assert_eq!(
            details(user_ids_from_batch(br#"{"inputs": []}"#)),
            vec![("inputs".into(), "EMPTY_INPUTS")]
        );
        let many: Vec<String> = (1..=101).map(|i| format!(r#"{{"id": "{i}"}}"#)).collect();
        let body = format!(r#"{{"inputs": [{}]}}"#, many.join(","));
        assert_eq!(
            details(user_ids_from_batch(body.as_bytes())),
            vec![("inputs".into(), "TOO_MANY_INPUTS")]
        );
        assert_eq!(
            details(user_ids_from_batch(
                br#"{"inputs": [{"id": 101}, {"id": "x"}, {}, 5, {"id": "1", "name": "a"}], "limit": 1}"#
            )),
            vec![
                ("limit".into(), "UNKNOWN_FIELD"),
                ("inputs[0].id".into(), "INVALID_TYPE"),
                ("inputs[1].id".into(), "INVALID_INTEGER"),
                ("inputs[2].id".into(), "REQUIRED"),
                ("inputs[3]".into(), "INVALID_TYPE"),
                ("inputs[4].name".into(), "UNKNOWN_FIELD"),
            ]
        );
        for written in [" 101", "0101", "+101"] {
            let body = format!(r#"{{"inputs": [{{"id": "{written}"}}]}}"#);
            assert_eq!(
                details(user_ids_from_batch(body.as_bytes())),
                vec![("inputs[0].id".into(), "INVALID_INTEGER")],
                "{written}"
            );
        }
        assert_eq!(
            details(user_ids_from_batch(br#"{}"#)),
            vec![("inputs".into(), "REQUIRED")]
        );
        assert_eq!(
            details(user_ids_from_batch(br#"{"inputs": {"id": "1"}}"#)),
            vec![("inputs".into(), "INVALID_TYPE")]
        );
        for body in ["", "[1]", "{\"inputs\": "] {
            assert!(matches!(
                user_ids_from_batch(body.as_bytes()),
                Err(Invalid::Body(_))
            ));
        }
    }

    #[test]
    fn problems_are_capped() {
        let bad: Vec<String> = (0..100).map(|_| r#"{"id": "x"}"#.to_string()).collect();
        let body = format!(r#"{{"inputs": [{}]}}"#, bad.join(","));
        let Err(Invalid::Fields(errors)) = user_ids_from_batch(body.as_bytes()) else {
            panic!()
        };
        assert_eq!(errors.len(), MAX_DETAILS);
        assert!(errors.last().unwrap().message.contains("80 more"));
    }
}
