//! A third-party transcript as `POST …/calling/transcripts` takes it (`TranscriptCreateRequest`),
//! read field by field with every problem reported at once (each an `ErrorDetail` whose `in` is
//! the field's path, e.g. `transcriptCreateUtterances[2].endTimeMillis`), then checked as a
//! transcript must be to make sense on the call's timeline: each utterance ends after it starts,
//! a speaker keeps one name, and no utterance runs past the end of the call (when the call has a
//! duration). HubSpot publishes none of these checks; each is named in docs/fidelity.md.

use std::collections::BTreeMap;

use serde_json::{Map, Value};

use crate::crm::{Speaker, Utterance};
use crate::domain::fields::{parse_object, Schema};
use crate::domain::invalid::{ErrorDetail, Invalid};

/// A valid body, quoted in messages.
pub const EXAMPLE: &str = r#"{"engagementId": 17591596434, "transcriptCreateUtterances": [{"speaker": {"id": "11", "name": "Caller"}, "text": "Hello. How are you?", "languageCode": "en-US", "startTimeMillis": 1980, "endTimeMillis": 2090}]}"#;
/// The body's name and example, for the messages of a body that is not a JSON object.
const SCHEMA: Schema = Schema {
    name: "TranscriptCreateRequest",
    fields: &[],
    example: EXAMPLE,
};
/// Utterances one transcript may hold (the emulator's bound; HubSpot publishes none).
pub const MAX_UTTERANCES: usize = 10_000;
/// Characters of one utterance's text (the emulator's bound).
pub const MAX_TEXT_CHARS: usize = 10_000;
/// An utterance may end this long after the call's `hs_call_duration` (rounding, a last word).
pub const END_TOLERANCE_MS: i64 = 1_000;

/// A well-formed transcript request.
#[derive(Clone, Debug, PartialEq)]
pub struct TranscriptRequest {
    pub engagement_id: u64,
    pub utterances: Vec<Utterance>,
}

/// One problem with an utterance, at its path below the list (`[2].endTimeMillis`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct UtteranceProblem {
    pub path: String,
    pub code: &'static str,
    pub message: String,
}

const LIST: &str = "transcriptCreateUtterances";

/// Reads `body` as a `TranscriptCreateRequest`, or says everything that is wrong with it.
/// Unknown fields are ignored, as HubSpot's APIs do.
pub fn parse(body: &[u8]) -> Result<TranscriptRequest, Invalid> {
    let object = parse_object(body, &SCHEMA)?;
    let mut errors = Vec::new();
    let engagement_id = match object.get("engagementId") {
        None | Some(Value::Null) => {
            errors.push(ErrorDetail::new("engagementId", "REQUIRED", "engagementId is required: the id of the call the transcript is of (a 64-bit integer)."));
            None
        }
        Some(value) => match value
            .as_u64()
            .filter(|id| *id > 0 && i64::try_from(*id).is_ok())
        {
            Some(id) => Some(id),
            None => {
                errors.push(ErrorDetail::new("engagementId", "INVALID_TYPE", format!("engagementId must be the call's id, a positive 64-bit integer (not text); got {}.", shown(value))));
                None
            }
        },
    };
    let utterances = match object.get(LIST) {
        None | Some(Value::Null) => {
            errors.push(ErrorDetail::new(LIST, "REQUIRED", format!("{LIST} is required: the utterances, each {{\"speaker\": {{\"id\", \"name\"}}, \"text\", \"startTimeMillis\", \"endTimeMillis\"}}.")));
            Vec::new()
        }
        Some(Value::Array(items)) if items.is_empty() => {
            errors.push(ErrorDetail::new(
                LIST,
                "REQUIRED",
                format!("{LIST} is empty: a transcript has at least one utterance."),
            ));
            Vec::new()
        }
        Some(Value::Array(items)) if items.len() > MAX_UTTERANCES => {
            errors.push(ErrorDetail::new(LIST, "TOO_MANY", format!("{LIST} has {} utterances; the emulator takes at most {MAX_UTTERANCES} in one transcript.", items.len())));
            Vec::new()
        }
        Some(Value::Array(items)) => items
            .iter()
            .enumerate()
            .filter_map(|(index, item)| utterance(item, index, &mut errors))
            .collect(),
        Some(other) => {
            errors.push(ErrorDetail::new(
                LIST,
                "INVALID_TYPE",
                format!("{LIST} must be a list of utterances; got {}.", shown(other)),
            ));
            Vec::new()
        }
    };
    if errors.is_empty() {
        errors.extend(
            check_utterances(&utterances)
                .into_iter()
                .map(|p| ErrorDetail::new(format!("{LIST}{}", p.path), p.code, p.message)),
        );
    }
    match engagement_id {
        Some(engagement_id) if errors.is_empty() => Ok(TranscriptRequest {
            engagement_id,
            utterances,
        }),
        _ => Err(Invalid::Fields(errors)),
    }
}

/// One utterance read from `item`, or its problems added to `errors`.
fn utterance(item: &Value, index: usize, errors: &mut Vec<ErrorDetail>) -> Option<Utterance> {
    let at = |field: &str| format!("{LIST}[{index}]{field}");
    let Value::Object(object) = item else {
        errors.push(ErrorDetail::new(
            at(""),
            "INVALID_TYPE",
            format!(
                "{} must be an utterance object; got {}.",
                at(""),
                shown(item)
            ),
        ));
        return None;
    };
    let before = errors.len();
    let text = string(object, "text", &at(".text"), true, errors);
    let language_code = string(object, "languageCode", &at(".languageCode"), false, errors);
    let start = millis(object, "startTimeMillis", &at(".startTimeMillis"), errors);
    let end = millis(object, "endTimeMillis", &at(".endTimeMillis"), errors);
    let speaker = match object.get("speaker") {
        Some(Value::Object(speaker)) => {
            let id = string(speaker, "id", &at(".speaker.id"), true, errors);
            let name = string(speaker, "name", &at(".speaker.name"), true, errors);
            let email = string(speaker, "email", &at(".speaker.email"), false, errors);
            id.zip(name).map(|(id, name)| Speaker { id, name, email })
        }
        None | Some(Value::Null) => {
            errors.push(ErrorDetail::new(
                at(".speaker"),
                "REQUIRED",
                format!(
                    "{} is required: {{\"id\": \"11\", \"name\": \"Caller\"}} (email optional).",
                    at(".speaker")
                ),
            ));
            None
        }
        Some(other) => {
            errors.push(ErrorDetail::new(at(".speaker"), "INVALID_TYPE", format!("{} must be an object such as {{\"id\": \"11\", \"name\": \"Caller\"}}; got {}.", at(".speaker"), shown(other))));
            None
        }
    };
    if errors.len() > before {
        return None;
    }
    Some(Utterance {
        speaker: speaker?,
        text: text?,
        language_code,
        start_time_millis: start?,
        end_time_millis: end?,
    })
}

fn string(
    object: &Map<String, Value>,
    field: &str,
    path: &str,
    required: bool,
    errors: &mut Vec<ErrorDetail>,
) -> Option<String> {
    match object.get(field) {
        None | Some(Value::Null) if required => {
            errors.push(ErrorDetail::new(
                path,
                "REQUIRED",
                format!("{path} is required: a string."),
            ));
            None
        }
        None | Some(Value::Null) => None,
        Some(Value::String(text)) => Some(text.clone()),
        Some(other) => {
            errors.push(ErrorDetail::new(
                path,
                "INVALID_TYPE",
                format!("{path} must be a string; got {}.", shown(other)),
            ));
            None
        }
    }
}

fn millis(
    object: &Map<String, Value>,
    field: &str,
    path: &str,
    errors: &mut Vec<ErrorDetail>,
) -> Option<i64> {
    match object.get(field) {
        None | Some(Value::Null) => {
            errors.push(ErrorDetail::new(path, "REQUIRED", format!("{path} is required: milliseconds from the start of the call, a whole number.")));
            None
        }
        Some(value) => value.as_i64().or_else(|| {
            errors.push(ErrorDetail::new(path, "INVALID_TYPE", format!("{path} must be a whole number of milliseconds from the start of the call (a 64-bit integer); got {}.", shown(value))));
            None
        }),
    }
}

/// What a transcript's utterances must be, whatever the call: text said, times from the start of
/// the call that end after they start, a speaker with an id and a name that keeps its name, a
/// plausible email and language tag. Every problem, at its path below the list.
pub fn check_utterances(utterances: &[Utterance]) -> Vec<UtteranceProblem> {
    let mut problems = Vec::new();
    let mut names: BTreeMap<&str, (&str, usize)> = BTreeMap::new();
    let mut problem = |path: String, code: &'static str, message: String| {
        problems.push(UtteranceProblem {
            path,
            code,
            message,
        })
    };
    if utterances.len() > MAX_UTTERANCES {
        problem(
            String::new(),
            "TOO_MANY",
            format!(
                "a transcript holds at most {MAX_UTTERANCES} utterances here; this one has {}",
                utterances.len()
            ),
        );
    }
    for (index, u) in utterances.iter().enumerate() {
        let at = |field: &str| format!("[{index}].{field}");
        if u.text.trim().is_empty() {
            problem(at("text"), "REQUIRED", format!("{LIST}[{index}].text is empty: an utterance is something said. Leave silences out."));
        } else if u.text.chars().count() > MAX_TEXT_CHARS {
            problem(at("text"), "TOO_LONG", format!("{LIST}[{index}].text has {} characters; the emulator takes at most {MAX_TEXT_CHARS} in one utterance: split it.", u.text.chars().count()));
        }
        if u.start_time_millis < 0 {
            problem(at("startTimeMillis"), "OUT_OF_RANGE", format!("{LIST}[{index}].startTimeMillis is {}: times are milliseconds from the start of the call, 0 or more.", u.start_time_millis));
        }
        if u.end_time_millis < u.start_time_millis {
            problem(at("endTimeMillis"), "OUT_OF_ORDER", format!("{LIST}[{index}] ends ({} ms) before it starts ({} ms): endTimeMillis must be at or after startTimeMillis.", u.end_time_millis, u.start_time_millis));
        }
        if u.speaker.id.trim().is_empty() {
            problem(at("speaker.id"), "REQUIRED", format!("{LIST}[{index}].speaker.id is empty: each speaker has an id that is the same in all their utterances."));
        }
        if u.speaker.name.trim().is_empty() {
            problem(at("speaker.name"), "REQUIRED", format!("{LIST}[{index}].speaker.name is empty: HubSpot shows it beside what they said."));
        }
        if let Some(email) = &u.speaker.email {
            if !is_email(email) {
                problem(at("speaker.email"), "INVALID_EMAIL", format!("{LIST}[{index}].speaker.email {email:?} is not an email address; leave it out when unknown."));
            }
        }
        if let Some(code) = &u.language_code {
            if !is_language_tag(code) {
                problem(at("languageCode"), "INVALID_LANGUAGE", format!("{LIST}[{index}].languageCode {code:?} is not a language tag such as \"en-US\" or \"de\"."));
            }
        }
        match names.get(u.speaker.id.as_str()) {
            Some((name, first)) if *name != u.speaker.name => problem(at("speaker.name"), "SPEAKER_RENAMED", format!("speaker {:?} is {:?} here but {name:?} in {LIST}[{first}]: one speaker id, one name.", u.speaker.id, u.speaker.name)),
            Some(_) => {}
            None => {
                names.insert(&u.speaker.id, (&u.speaker.name, index));
            }
        }
    }
    problems
}

/// Utterances that end after the call (`hs_call_duration` milliseconds, when the call has one).
pub fn check_within_call(
    utterances: &[Utterance],
    call_duration_ms: Option<i64>,
) -> Vec<ErrorDetail> {
    let Some(duration) = call_duration_ms.filter(|d| *d > 0) else {
        return Vec::new();
    };
    utterances
        .iter()
        .enumerate()
        .filter(|(_, u)| u.end_time_millis > duration + END_TOLERANCE_MS)
        .map(|(index, u)| {
            ErrorDetail::new(
                format!("{LIST}[{index}].endTimeMillis"),
                "OUT_OF_RANGE",
                format!("{LIST}[{index}] ends at {} ms, after the call's end: its hs_call_duration is {duration} ms. Times are milliseconds from the start of the call; if the call ran longer, update hs_call_duration first.", u.end_time_millis),
            )
        })
        .collect()
}

/// `local@domain.tld`: one `@`, something before it, a domain with a dot inside it, and no white
/// space or control character anywhere.
fn is_email(email: &str) -> bool {
    let Some((local, domain)) = email.split_once('@') else {
        return false;
    };
    let dotted = domain
        .char_indices()
        .any(|(at, c)| c == '.' && at > 0 && at + 1 < domain.len());
    !local.is_empty()
        && !domain.contains('@')
        && dotted
        && !email.chars().any(|c| c.is_whitespace() || c.is_control())
}

/// `en`, `en-US`, `zh-Hant-TW`: letters, then subtags of letters and digits.
fn is_language_tag(code: &str) -> bool {
    let mut parts = code.split(['-', '_']);
    let first = parts.next().unwrap_or_default();
    (2..=3).contains(&first.len())
        && first.bytes().all(|b| b.is_ascii_alphabetic())
        && parts.all(|p| (1..=8).contains(&p.len()) && p.bytes().all(|b| b.is_ascii_alphanumeric()))
}

/// A value as a message quotes it: short, on one line.
fn shown(value: &Value) -> String {
    let text = value.to_string();
    match text.char_indices().nth(60) {
        Some((cut, _)) => format!("{}…", &text[..cut]),
        None => text,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fields(body: &str) -> Vec<(String, &'static str)> {
        match parse(body.as_bytes()) {
            Err(Invalid::Fields(errors)) => errors.into_iter().map(|e| (e.field, e.code)).collect(),
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn hubspots_example_reads() {
        let body = r#"{"engagementId":21,"transcriptCreateUtterances":[
 {"speaker":{"id":"11","name":"Speaker_NAME1"},"text":"Hello. How are you?","languageCode":"en-US","startTimeMillis":1980,"endTimeMillis":2090},
 {"speaker":{"id":"12","name":"Speaker_NAME2","email":"speakerName2@gmail.com"},"text":"Good, and you?","startTimeMillis":2090,"endTimeMillis":3450}]}"#;
        let request = parse(body.as_bytes()).unwrap();
        assert_eq!(request.engagement_id, 21);
        assert_eq!(
            request.utterances[1].speaker.email.as_deref(),
            Some("speakerName2@gmail.com")
        );
        assert!(parse(EXAMPLE.as_bytes()).is_ok());
    }

    #[test]
    fn shape_problems_are_all_named_with_their_path() {
        assert_eq!(
            fields(
                r#"{"engagementId": "21", "transcriptCreateUtterances": [{"speaker": {"id": 11}, "startTimeMillis": 1.5}, 3]}"#
            ),
            [
                ("engagementId".to_string(), "INVALID_TYPE"),
                ("transcriptCreateUtterances[0].text".to_string(), "REQUIRED"),
                (
                    "transcriptCreateUtterances[0].startTimeMillis".to_string(),
                    "INVALID_TYPE"
                ),
                (
                    "transcriptCreateUtterances[0].endTimeMillis".to_string(),
                    "REQUIRED"
                ),
                (
                    "transcriptCreateUtterances[0].speaker.id".to_string(),
                    "INVALID_TYPE"
                ),
                (
                    "transcriptCreateUtterances[0].speaker.name".to_string(),
                    "REQUIRED"
                ),
                ("transcriptCreateUtterances[1]".to_string(), "INVALID_TYPE"),
            ]
        );
        assert_eq!(
            fields(r#"{"engagementId": 5, "transcriptCreateUtterances": []}"#),
            [("transcriptCreateUtterances".to_string(), "REQUIRED")]
        );
    }

    #[test]
    fn times_speakers_emails_and_languages_must_make_sense() {
        let body = r#"{"engagementId": 5, "transcriptCreateUtterances": [
            {"speaker": {"id": "1", "name": "Ada"}, "text": "Hi", "startTimeMillis": 500, "endTimeMillis": 100},
            {"speaker": {"id": "1", "name": "Grace", "email": "nope"}, "text": " ", "languageCode": "english!", "startTimeMillis": -1, "endTimeMillis": 0}]}"#;
        assert_eq!(
            fields(body),
            [
                (
                    "transcriptCreateUtterances[0].endTimeMillis".to_string(),
                    "OUT_OF_ORDER"
                ),
                ("transcriptCreateUtterances[1].text".to_string(), "REQUIRED"),
                (
                    "transcriptCreateUtterances[1].startTimeMillis".to_string(),
                    "OUT_OF_RANGE"
                ),
                (
                    "transcriptCreateUtterances[1].speaker.email".to_string(),
                    "INVALID_EMAIL"
                ),
                (
                    "transcriptCreateUtterances[1].languageCode".to_string(),
                    "INVALID_LANGUAGE"
                ),
                (
                    "transcriptCreateUtterances[1].speaker.name".to_string(),
                    "SPEAKER_RENAMED"
                ),
            ]
        );
    }

    #[test]
    fn utterances_end_within_the_call() {
        let request = parse(EXAMPLE.as_bytes()).unwrap();
        assert!(
            check_within_call(&request.utterances, Some(2000)).is_empty(),
            "within the tolerance"
        );
        assert!(check_within_call(&request.utterances, None).is_empty());
        assert!(is_email("agent@example.com") && is_email("josé@exämple.de"));
        for bad in [
            "a@b@c.de",
            "a@b.",
            "a@.b",
            "@b.c",
            "a b@c.de",
            "a@bc",
            "a\u{85}@b.c",
        ] {
            assert!(!is_email(bad), "{bad}");
        }
        let late = check_within_call(&request.utterances, Some(1000));
        assert_eq!(late[0].field, "transcriptCreateUtterances[0].endTimeMillis");
        assert!(late[0].message.contains("hs_call_duration is 1000 ms"));
    }
}
