//! The CRM endpoints' query parameters. HubSpot's docs write array parameters comma-separated
//! (`properties=a,b`) and both official clients repeat the key (`properties=a&properties=b`);
//! both forms are read, and mixed. Unknown parameters are ignored, as HubSpot ignores them.

use percent_encoding::percent_decode_str;

use super::super::error::{ApiError, ErrorDetail};

/// Every `key=value` pair of a query string, decoded.
pub struct QueryParams(Vec<(String, String)>);

impl QueryParams {
    pub fn parse(query: &str) -> QueryParams {
        let decode = |text: &str| {
            let spaced = text.replace('+', " ");
            percent_decode_str(&spaced).decode_utf8_lossy().into_owned()
        };
        QueryParams(
            query
                .split('&')
                .filter(|pair| !pair.is_empty())
                .map(|pair| {
                    let (key, value) = pair.split_once('=').unwrap_or((pair, ""));
                    (decode(key), decode(value))
                })
                .collect(),
        )
    }

    /// Every value of an array parameter, in order, comma-separated values split, empties dropped.
    pub fn list(&self, key: &str) -> Vec<String> {
        self.0
            .iter()
            .filter(|(k, _)| k == key)
            .flat_map(|(_, v)| v.split(','))
            .map(str::trim)
            .filter(|v| !v.is_empty())
            .map(str::to_string)
            .collect()
    }

    /// The last value of a single parameter, if given and not empty.
    pub fn single(&self, key: &str) -> Option<&str> {
        self.0
            .iter()
            .rev()
            .find(|(k, _)| k == key)
            .map(|(_, v)| v.as_str())
            .filter(|v| !v.trim().is_empty())
    }

    pub fn flag(&self, key: &str) -> Result<bool, ApiError> {
        match self.single(key).map(|v| v.trim().to_ascii_lowercase()) {
            None => Ok(false),
            Some(v) if v == "true" => Ok(true),
            Some(v) if v == "false" => Ok(false),
            Some(v) => Err(invalid(
                key,
                format!("{key} must be true or false, got {v:?}"),
            )),
        }
    }

    /// A count: digits, at most an int32 (HubSpot's spec types these parameters int32).
    pub fn number(&self, key: &str) -> Result<Option<usize>, ApiError> {
        self.single(key)
            .map(|v| match v.trim().parse::<usize>() {
                Ok(n) if n <= i32::MAX as usize => Ok(n),
                Ok(_) => Err(invalid(
                    key,
                    format!("{key} is {v}, past the largest value HubSpot takes (2147483647)"),
                )),
                Err(_) => Err(invalid(
                    key,
                    format!("{key} must be a positive integer, got {v:?}"),
                )),
            })
            .transpose()
    }
}

fn invalid(key: &str, message: String) -> ApiError {
    ApiError::Validation {
        errors: vec![ErrorDetail::new(
            key,
            "INVALID_QUERY_PARAMETER",
            message.clone(),
        )],
        message,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn arrays_come_comma_separated_repeated_or_both() {
        let q = QueryParams::parse("properties=a,b&properties=c&limit=5&properties=&x=%20y+z");
        assert_eq!(q.list("properties"), ["a", "b", "c"]);
        assert_eq!(q.number("limit").unwrap(), Some(5));
        assert_eq!(q.single("x"), Some(" y z"));
        assert!(q.number("x").is_err());
        let big = QueryParams::parse("limit=2147483647&after=2147483648");
        assert_eq!(big.number("limit").unwrap(), Some(2_147_483_647));
        assert!(big.number("after").is_err(), "past int32");
        assert!(!q.flag("archived").unwrap());
        assert!(QueryParams::parse("archived=TRUE")
            .flag("archived")
            .unwrap());
    }
}
