//! A written property value → the string HubSpot stores. HubSpot keeps every property as a
//! string: numbers and booleans sent as JSON are coerced, `""` (or `null`) clears, datetimes
//! given as milliseconds or ISO-8601 are stored as ISO-8601 UTC with milliseconds, and typed
//! properties refuse values of the wrong type with a code and a message that says what fits.

use chrono::{DateTime, NaiveDate};
use serde_json::Value;

use super::catalog::{PropertyDef, PropertyKind};

/// HubSpot's cap on a string property's value, in characters.
pub const MAX_VALUE_CHARS: usize = 65_536;

/// Why a value does not fit its property: an `errors[].code` and a message.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ValueProblem {
    pub code: &'static str,
    pub message: String,
}

fn problem(code: &'static str, message: String) -> ValueProblem {
    ValueProblem { code, message }
}

/// A JSON value as the string HubSpot would store, before the property's own rules.
pub fn coerce(value: &Value) -> Result<String, ValueProblem> {
    match value {
        Value::String(text) => Ok(text.clone()),
        Value::Number(number) => Ok(number.to_string()),
        Value::Bool(flag) => Ok(flag.to_string()),
        Value::Null => Ok(String::new()),
        Value::Array(_) | Value::Object(_) => Err(problem(
            "INVALID_PROPERTY_VALUE",
            "a property value must be a string (numbers and booleans are accepted and stored as text); \
             for a multi-select enumeration, join the options with ';'"
                .to_string(),
        )),
    }
}

/// `raw` checked against `def` and normalised; `""` (clear) always fits.
pub fn normalize(def: &PropertyDef, raw: String) -> Result<String, ValueProblem> {
    if raw.is_empty() {
        return Ok(raw);
    }
    if raw.chars().count() > MAX_VALUE_CHARS {
        return Err(problem(
            "VALUE_TOO_LONG",
            format!(
                "{} is longer than HubSpot's {MAX_VALUE_CHARS} characters",
                def.name
            ),
        ));
    }
    match def.kind {
        PropertyKind::String | PropertyKind::PhoneNumber => Ok(raw),
        PropertyKind::Number => match raw.trim().parse::<f64>() {
            Ok(n) if n.is_finite() => Ok(raw.trim().to_string()),
            _ => Err(problem(
                "INVALID_NUMBER",
                format!("{raw:?} is not a valid number for {} (send digits, e.g. \"42\" or \"3.5\")", def.name),
            )),
        },
        PropertyKind::Bool => match raw.trim().to_ascii_lowercase().as_str() {
            "true" => Ok("true".into()),
            "false" => Ok("false".into()),
            _ => Err(problem(
                "INVALID_BOOLEAN",
                format!("{raw:?} is not a valid boolean for {} (send \"true\" or \"false\")", def.name),
            )),
        },
        PropertyKind::Datetime => to_millis(&raw).map(iso).ok_or_else(|| {
            problem(
                "INVALID_DATETIME",
                format!(
                    "{raw:?} is not a valid datetime for {}: send milliseconds since the epoch (\"1700000000000\") or ISO-8601 UTC (\"2026-11-27T17:30:00.000Z\")",
                    def.name
                ),
            )
        }),
        PropertyKind::Date => to_millis(&raw)
            .and_then(DateTime::from_timestamp_millis)
            .map(|t| t.date_naive().to_string())
            .ok_or_else(|| {
                problem(
                    "INVALID_DATE",
                    format!("{raw:?} is not a valid date for {}: send \"YYYY-MM-DD\" or midnight UTC in milliseconds", def.name),
                )
            }),
        PropertyKind::Enumeration if !def.options.is_empty() => {
            // A multi-select enumeration stores its options joined with ';'.
            match raw.split(';').find(|part| !def.options.iter().any(|o| o == part)) {
                None => Ok(raw),
                Some(bad) => Err(problem(
                    "INVALID_OPTION",
                    format!(
                        "{bad:?} was not one of the allowed options for {}: {}",
                        def.name,
                        def.options.join(", ")
                    ),
                )),
            }
        }
        PropertyKind::Enumeration => Ok(raw),
    }
}

/// A value as a number to compare: a decimal number, an ISO-8601 time or a `YYYY-MM-DD` date
/// (both in milliseconds since the epoch).
pub fn to_number(text: &str) -> Option<f64> {
    let text = text.trim();
    if let Ok(n) = text.parse::<f64>() {
        return n.is_finite().then_some(n);
    }
    to_millis(text).map(|ms| ms as f64)
}

/// The times a datetime or date property takes: years 1 to 9999, the ones ISO-8601 writes with
/// four digits (and the official clients' date-time parsers read), in milliseconds.
pub const MIN_MILLIS: i64 = -62_135_596_800_000; // 0001-01-01T00:00:00.000Z
pub const MAX_MILLIS: i64 = 253_402_300_799_999; // 9999-12-31T23:59:59.999Z

/// Milliseconds since the epoch of a time given as milliseconds, ISO-8601 or a date, within
/// years 1 to 9999.
pub fn to_millis(text: &str) -> Option<i64> {
    any_millis(text).filter(|ms| (MIN_MILLIS..=MAX_MILLIS).contains(ms))
}

fn any_millis(text: &str) -> Option<i64> {
    let text = text.trim();
    if !text.is_empty() && text.bytes().all(|b| b.is_ascii_digit() || b == b'-') {
        if let Ok(ms) = text.parse::<i64>() {
            return DateTime::from_timestamp_millis(ms).map(|_| ms);
        }
    }
    if let Ok(t) = DateTime::parse_from_rfc3339(text) {
        return Some(t.timestamp_millis());
    }
    NaiveDate::parse_from_str(text, "%Y-%m-%d")
        .ok()
        .and_then(|d| d.and_hms_opt(0, 0, 0))
        .map(|t| t.and_utc().timestamp_millis())
}

/// Milliseconds as HubSpot prints a datetime property.
pub fn iso(ms: i64) -> String {
    // `Timestamp` prints this very format, without chrono's general formatter: every object
    // written stamps two or three of these.
    crate::clock::Timestamp::from_millis(ms).to_string()
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn def(kind: PropertyKind, options: &[&str]) -> PropertyDef {
        PropertyDef {
            name: "p".into(),
            kind,
            options: options.iter().map(|o| o.to_string()).collect(),
            read_only: false,
            unique: false,
        }
    }

    #[test]
    fn iso_prints_what_chrono_prints_at_every_range_of_years() {
        use chrono::{SecondsFormat, Utc};
        let year_10000 = 253_402_300_800_000;
        for ms in [
            0,
            1,
            -1,
            1_764_600_000_123,
            -62_135_596_800_000,
            -62_135_596_800_001,
            year_10000 - 1,
            year_10000,
            i64::MAX,
            i64::MIN,
        ] {
            let chrono = DateTime::<Utc>::from_timestamp_millis(ms)
                .unwrap_or_default()
                .to_rfc3339_opts(SecondsFormat::Millis, true);
            assert_eq!(iso(ms), chrono, "{ms}");
        }
    }

    #[test]
    fn json_scalars_become_strings() {
        assert_eq!(coerce(&json!(42)).unwrap(), "42");
        assert_eq!(coerce(&json!(1.5)).unwrap(), "1.5");
        assert_eq!(coerce(&json!(true)).unwrap(), "true");
        assert_eq!(coerce(&json!(null)).unwrap(), "");
        assert_eq!(
            coerce(&json!([1])).unwrap_err().code,
            "INVALID_PROPERTY_VALUE"
        );
    }

    #[test]
    fn typed_properties_check_and_normalise() {
        let datetime = def(PropertyKind::Datetime, &[]);
        assert_eq!(
            normalize(&datetime, "1615944764872".into()).unwrap(),
            "2021-03-17T01:32:44.872Z"
        );
        assert_eq!(
            normalize(&datetime, "2021-03-17T02:32:44.872+01:00".into()).unwrap(),
            "2021-03-17T01:32:44.872Z"
        );
        assert_eq!(
            normalize(&datetime, "yesterday".into()).unwrap_err().code,
            "INVALID_DATETIME"
        );
        // Years past 9999 (or before 1) would print as "+200000-01-01T…", which no client reads.
        for far in [
            "253402300800000",
            "-62135596800001",
            "-8334601315199999",
            "+10000-01-01T00:00:00Z",
        ] {
            assert_eq!(
                normalize(&datetime, far.into()).unwrap_err().code,
                "INVALID_DATETIME",
                "{far}"
            );
        }
        assert_eq!(
            normalize(&datetime, "253402300799999".into()).unwrap(),
            "9999-12-31T23:59:59.999Z"
        );
        assert_eq!(
            normalize(&datetime, "-62135596800000".into()).unwrap(),
            "0001-01-01T00:00:00.000Z"
        );
        assert_eq!(
            normalize(&def(PropertyKind::Number, &[]), "x".into())
                .unwrap_err()
                .code,
            "INVALID_NUMBER"
        );
        assert_eq!(
            normalize(&def(PropertyKind::Bool, &[]), "TRUE".into()).unwrap(),
            "true"
        );
        let status = def(PropertyKind::Enumeration, &["A", "B"]);
        assert_eq!(normalize(&status, "A;B".into()).unwrap(), "A;B");
        assert!(normalize(&status, "C".into())
            .unwrap_err()
            .message
            .contains("A, B"));
        assert_eq!(normalize(&status, String::new()).unwrap(), "");
        assert_eq!(
            normalize(&def(PropertyKind::Date, &[]), "2024-02-29".into()).unwrap(),
            "2024-02-29"
        );
    }

    #[test]
    fn numbers_compare_as_numbers_and_times_as_milliseconds() {
        assert_eq!(to_number(" 10 "), Some(10.0));
        assert_eq!(to_number("2021-03-17T01:32:44.872Z"), Some(1615944764872.0));
        assert_eq!(to_number("1970-01-02"), Some(86_400_000.0));
        assert_eq!(to_number("abc"), None);
    }
}
