//! `ApiError` → HubSpot's error envelope, in one place: the HubSpot API adapter's errors, and
//! how the domain's (`Invalid`) and the store's (`StoreError`) map to HubSpot's statuses.
//!
//! Every failure of the emulated HubSpot API becomes one of these variants; `ResponseError`
//! renders the exact body and headers HubSpot sends (docs/api.md, "Errors"). Messages say how to
//! fix the request, because the person reading them is a developer in the middle of a test run.

use actix_web::http::{header, Method, StatusCode};
use actix_web::{HttpResponse, ResponseError};
use serde_json::json;

use crate::clock::correlation_id;
use crate::crm::CrmError;
pub use crate::domain::ErrorDetail;
use crate::domain::Invalid;
use crate::store::StoreError;

/// HubSpot's content type for error bodies (no space before `charset`).
pub const ERROR_CONTENT_TYPE: &str = "application/json;charset=utf-8";
pub const CORRELATION_HEADER: &str = "x-hubspot-correlation-id";

const AUTH_MESSAGE: &str = "Authentication credentials not found. This API supports both API Key and OAuth 2.0 authentication and you can find more details at https://developers.hubspot.com/docs/methods/auth/oauth-overview";

#[derive(Debug, thiserror::Error)]
pub enum ApiError {
    #[error("{message}")]
    Validation {
        message: String,
        errors: Vec<ErrorDetail>,
    },
    #[error("authentication credentials not found")]
    Unauthenticated,
    /// A credential of the wrong kind for this API (a developer API key where only an app's
    /// access token is accepted): a 401 whose message says which credential to send.
    #[error("{0}")]
    WrongCredential(String),
    #[error("missing one of the scopes {}", required.join(", "))]
    MissingScopes { required: crate::store::Scopes },
    #[error("{0}")]
    NotFound(String),
    #[error("{message}")]
    MethodNotAllowed { message: String, allow: Vec<Method> },
    #[error("{0}")]
    Conflict(String),
    /// A 400 for a limit of the emulated account (objects per portal, memory).
    #[error("{0}")]
    Limit(String),
    #[error("{0}")]
    PayloadTooLarge(String),
    #[error("{0}")]
    UnsupportedMediaType(String),
    #[error("rate limited")]
    RateLimited,
}

impl ApiError {
    /// A 400 with a single message and no field details.
    pub fn bad_request(message: impl Into<String>) -> Self {
        ApiError::Validation {
            message: message.into(),
            errors: Vec::new(),
        }
    }

    /// A 400 whose `errors[]` name each offending field; the message lists them all.
    pub fn invalid_fields(errors: Vec<ErrorDetail>) -> Self {
        let summary: Vec<String> = errors.iter().map(|e| e.message.clone()).collect();
        ApiError::Validation {
            message: format!("Invalid input: {}", summary.join("; ")),
            errors,
        }
    }

    pub fn category(&self) -> &'static str {
        match self {
            ApiError::Validation { .. }
            | ApiError::PayloadTooLarge(_)
            | ApiError::UnsupportedMediaType(_)
            | ApiError::MethodNotAllowed { .. } => "VALIDATION_ERROR",
            ApiError::Unauthenticated | ApiError::WrongCredential(_) => "INVALID_AUTHENTICATION",
            ApiError::Limit(_) => "VALIDATION_ERROR",
            ApiError::MissingScopes { .. } => "MISSING_SCOPES",
            ApiError::NotFound(_) => "OBJECT_NOT_FOUND",
            ApiError::Conflict(_) => "CONFLICT",
            ApiError::RateLimited => "RATE_LIMIT",
        }
    }

    /// The JSON body HubSpot sends for this error, its keys in HubSpot's order.
    pub fn body(&self, correlation_id: &str) -> serde_json::Value {
        if let ApiError::RateLimited = self {
            return json!({
                "status": "error",
                "message": "You have reached your secondly limit.",
                "errorType": "RATE_LIMIT",
                "correlationId": correlation_id,
                "policyName": "TEN_SECONDLY_ROLLING",
            });
        }
        let message = match self {
            ApiError::Unauthenticated => AUTH_MESSAGE.to_string(),
            ApiError::MissingScopes { .. } => "This app hasn't been granted all required scopes to make this call. Read more about required scopes here: https://developers.hubspot.com/scopes.".to_string(),
            other => other.to_string(),
        };
        let mut body = json!({
            "status": "error",
            "message": message,
            "correlationId": correlation_id,
            "category": self.category(),
        });
        match self {
            ApiError::PayloadTooLarge(_) => body["subCategory"] = json!("PAYLOAD_TOO_LARGE"),
            ApiError::Limit(_) => body["subCategory"] = json!("OBJECT_LIMIT_EXCEEDED"),
            ApiError::Validation { errors, .. } if !errors.is_empty() => {
                body["errors"] = json!(errors)
            }
            ApiError::MissingScopes { required } => {
                body["errors"] = json!([{
                    "message": "One or more of the following scopes are required.",
                    "context": { "requiredGranularScopes": required },
                }]);
                body["links"] = json!({ "scopes": "https://developers.hubspot.com/scopes" });
            }
            _ => {}
        }
        body
    }
}

impl From<Invalid> for ApiError {
    fn from(invalid: Invalid) -> Self {
        match invalid {
            Invalid::Body(message) => ApiError::bad_request(message),
            Invalid::Fields(errors) => ApiError::invalid_fields(errors),
        }
    }
}

impl From<StoreError> for ApiError {
    fn from(error: StoreError) -> Self {
        match error {
            StoreError::Unauthenticated => ApiError::Unauthenticated,
            StoreError::MissingScope { required } => ApiError::MissingScopes { required },
            StoreError::NotFound(message) => ApiError::NotFound(message),
            StoreError::Conflict(message) => ApiError::Conflict(message),
        }
    }
}

impl From<CrmError> for ApiError {
    fn from(error: CrmError) -> Self {
        let message = error.to_string();
        match error {
            CrmError::InvalidProperties { errors } => ApiError::Validation {
                message,
                errors: errors
                    .into_iter()
                    .map(|e| ErrorDetail::new(e.name, e.code, e.message))
                    .collect(),
            },
            CrmError::NotFound { .. } => ApiError::NotFound(message),
            CrmError::ObjectLimit { .. } | CrmError::StorageFull { .. } => ApiError::Limit(message),
            CrmError::Conflict { .. } => ApiError::Conflict(message),
            CrmError::Invalid { field, code, .. } => ApiError::Validation {
                errors: vec![ErrorDetail::new(field, code, message.clone())],
                message,
            },
        }
    }
}

impl ResponseError for ApiError {
    fn status_code(&self) -> StatusCode {
        match self {
            ApiError::Validation { .. } => StatusCode::BAD_REQUEST,
            ApiError::Unauthenticated | ApiError::WrongCredential(_) => StatusCode::UNAUTHORIZED,
            ApiError::Limit(_) => StatusCode::BAD_REQUEST,
            ApiError::MissingScopes { .. } => StatusCode::FORBIDDEN,
            ApiError::NotFound(_) => StatusCode::NOT_FOUND,
            ApiError::MethodNotAllowed { .. } => StatusCode::METHOD_NOT_ALLOWED,
            ApiError::Conflict(_) => StatusCode::CONFLICT,
            ApiError::PayloadTooLarge(_) => StatusCode::PAYLOAD_TOO_LARGE,
            ApiError::UnsupportedMediaType(_) => StatusCode::UNSUPPORTED_MEDIA_TYPE,
            ApiError::RateLimited => StatusCode::TOO_MANY_REQUESTS,
        }
    }

    fn error_response(&self) -> HttpResponse {
        let correlation = correlation_id();
        let mut response = HttpResponse::build(self.status_code());
        response
            .insert_header((header::CONTENT_TYPE, ERROR_CONTENT_TYPE))
            .insert_header((CORRELATION_HEADER, correlation.as_str()));
        match self {
            ApiError::Unauthenticated | ApiError::WrongCredential(_) => {
                response.insert_header(("x-hubspot-auth-failure", "401 Unauthorized"));
            }
            ApiError::MethodNotAllowed { allow, .. } => {
                let allow: Vec<&str> = allow.iter().map(Method::as_str).collect();
                response.insert_header((header::ALLOW, allow.join(", ")));
            }
            _ => {}
        }
        response.body(self.body(&correlation).to_string())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rate_limit_body_has_no_category() {
        let body = ApiError::RateLimited.body("c");
        assert_eq!(body["errorType"], "RATE_LIMIT");
        assert_eq!(body["policyName"], "TEN_SECONDLY_ROLLING");
        assert!(body.get("category").is_none());
    }

    #[test]
    fn validation_lists_every_field() {
        let error = ApiError::invalid_fields(vec![
            ErrorDetail::new("url", "REQUIRED", "`url` is required"),
            ErrorDetail::new("isReady", "REQUIRED", "`isReady` is required"),
        ]);
        let body = error.body("c");
        assert_eq!(body["category"], "VALIDATION_ERROR");
        assert_eq!(body["errors"][1]["in"], "isReady");
        assert!(body["message"]
            .as_str()
            .unwrap()
            .contains("`url` is required"));
    }
}
