//! `ApiError`: the one error type of the public API. It travels as JSON
//! (`{"code", "message", "field", "errors"}`) with a matching HTTP status, whether it came
//! from validation, from reading the request, or from the service behind it.

use crate::domain::{FieldError, ValidationErrors};
use leptos::server_fn::codec::JsonEncoding;
use leptos::server_fn::error::{FromServerFnError, ServerFnErrorErr};
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, thiserror::Error, Serialize, Deserialize)]
#[serde(into = "WireError", from = "WireError")]
pub enum ApiError {
    /// One or more fields were refused; nothing was stored.
    #[error("{}", first_message(.0))]
    Validation(ValidationErrors),
    /// The body could not be read as this endpoint's JSON.
    #[error("{0}")]
    Malformed(String),
    #[error("The request body is larger than the {0}-byte limit.")]
    PayloadTooLarge(u64),
    #[error("The request body did not arrive in time.")]
    RequestTimeout,
    #[error("Send the request body as JSON with Content-Type: application/json.")]
    UnsupportedMediaType,
    #[error("API endpoints take POST requests.")]
    MethodNotAllowed,
    #[error("No such task.")]
    NotFound,
    /// The task is in a state that does not allow this action.
    #[error("{0}")]
    Conflict(String),
    /// A sign-in whose login or password is wrong (which of the two is not said).
    #[error("Wrong username, email or password.")]
    SignInFailed,
    /// The action needs a signed-in account.
    #[error("Sign in to do this.")]
    SignedOut,
    /// The daily budget for paid services is spent; the message says how much and when
    /// it renews, `retry_after` in how many seconds (sent as `Retry-After` too).
    #[error("{message}")]
    BudgetExhausted { message: String, retry_after: u64 },
    /// An invite link that is unknown, used already or expired.
    #[error("This invite link is unknown, was used already or has expired; ask for a new one.")]
    InviteInvalid,
    /// An API token that opens nothing: unknown, revoked, or its member left the workspace.
    #[error("The API token is unknown or was revoked; make a new one in the workspace's settings.")]
    BadToken,
    /// The caller's role in the workspace does not allow this; the message says which does.
    #[error("{0}")]
    Forbidden(String),
    /// This server takes no sign-up like this one (closed, or invite-only without a valid
    /// invite); the message says what would do.
    #[error("{0}")]
    SignUpClosed(String),
    /// The server's disk is nearly full: it takes no new work until room is made.
    #[error("The server is running out of disk space and takes no new tasks for now; try again later.")]
    StorageFull,
    /// The caller asks more, or more at once, than it may; the message says when to retry,
    /// `retry_after` in how many seconds (sent as `Retry-After` too).
    #[error("{message}")]
    TooManyRequests { message: String, retry_after: u64 },
    /// The browser could not reach the server (client side only).
    #[error("{0}")]
    Unreachable(String),
    /// Something failed on the server; the details are in the server log, not here.
    #[error("The server failed to handle the request; please try again.")]
    Internal,
}

impl ApiError {
    pub fn code(&self) -> &str {
        match self {
            Self::Validation(errors) => errors.0.first().map_or("invalid_request", |e| e.code.as_str()),
            Self::Malformed(_) => "malformed_request",
            Self::PayloadTooLarge(_) => "payload_too_large",
            Self::RequestTimeout => "request_timeout",
            Self::UnsupportedMediaType => "unsupported_media_type",
            Self::MethodNotAllowed => "method_not_allowed",
            Self::NotFound => "not_found",
            Self::Conflict(_) => "conflict",
            Self::TooManyRequests { .. } => "too_many_requests",
            Self::SignInFailed => "sign_in_failed",
            Self::SignedOut => "signed_out",
            Self::BadToken => "bad_token",
            Self::InviteInvalid => "invite_invalid",
            Self::BudgetExhausted { .. } => "budget_exhausted",
            Self::Forbidden(_) => "forbidden",
            Self::SignUpClosed(_) => "sign_up_closed",
            Self::StorageFull => "storage_full",
            Self::Unreachable(_) => "unreachable",
            Self::Internal => "internal",
        }
    }

    pub fn status(&self) -> u16 {
        match self {
            Self::Validation(_) | Self::Malformed(_) => 400,
            Self::SignInFailed | Self::SignedOut | Self::BadToken => 401,
            Self::Forbidden(_) | Self::SignUpClosed(_) => 403,
            Self::NotFound | Self::InviteInvalid => 404,
            Self::Conflict(_) => 409,
            Self::TooManyRequests { .. } | Self::BudgetExhausted { .. } => 429,
            Self::MethodNotAllowed => 405,
            Self::RequestTimeout => 408,
            Self::PayloadTooLarge(_) => 413,
            Self::UnsupportedMediaType => 415,
            Self::Internal => 500,
            Self::StorageFull => 507,
            Self::Unreachable(_) => 503,
        }
    }

    pub fn malformed(detail: impl std::fmt::Display) -> Self {
        Self::Malformed(format!("The request body is not valid JSON for this endpoint: {detail}"))
    }

    /// A `429`'s wait: how many seconds until the request may succeed.
    pub fn retry_after(&self) -> Option<u64> {
        match self {
            Self::TooManyRequests { retry_after, .. } | Self::BudgetExhausted { retry_after, .. } => {
                Some((*retry_after).max(1))
            }
            _ => None,
        }
    }

    /// The field errors, if this is a validation error.
    pub fn field_errors(&self) -> Option<&ValidationErrors> {
        match self {
            Self::Validation(errors) => Some(errors),
            _ => None,
        }
    }
}

fn first_message(errors: &ValidationErrors) -> &str {
    errors.0.first().map_or("The request is invalid.", |e| e.message.as_str())
}

impl From<FieldError> for ApiError {
    fn from(error: FieldError) -> Self {
        Self::Validation(ValidationErrors(vec![error]))
    }
}

impl From<ValidationErrors> for ApiError {
    fn from(errors: ValidationErrors) -> Self {
        Self::Validation(errors)
    }
}

impl FromServerFnError for ApiError {
    type Encoder = JsonEncoding;

    fn from_server_fn_error(err: ServerFnErrorErr) -> Self {
        match err {
            ServerFnErrorErr::Args(msg) | ServerFnErrorErr::MissingArg(msg) => Self::malformed(msg),
            // On the server this is a body that could not be read (over the limit, or not UTF-8).
            ServerFnErrorErr::Deserialization(msg) if cfg!(feature = "ssr") => Self::malformed(msg),
            ServerFnErrorErr::Request(msg) => Self::Unreachable(format!("Could not reach the server: {msg}")),
            _ => Self::Internal,
        }
    }

    /// Called on the server exactly when this error becomes the response: the status is
    /// set here so that every error, including those raised before the function body
    /// runs, carries its own status instead of server_fn's blanket 500.
    fn ser(&self) -> leptos::server_fn::Bytes {
        #[cfg(feature = "ssr")]
        if let Some(options) = leptos::prelude::use_context::<leptos_axum::ResponseOptions>() {
            options.set_status(http::StatusCode::from_u16(self.status()).unwrap_or(http::StatusCode::BAD_REQUEST));
            if let Some(seconds) = self.retry_after() {
                options.insert_header(http::header::RETRY_AFTER, http::HeaderValue::from(seconds));
            }
        }
        serde_json::to_vec(self).unwrap_or_default().into()
    }
}

/// The JSON shape of [`ApiError`].
#[derive(Serialize, Deserialize)]
struct WireError {
    code: String,
    message: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    field: Option<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    errors: Vec<FieldError>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    limit: Option<u64>,
    /// Seconds to wait, on a `429`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    retry_after: Option<u64>,
}

impl From<ApiError> for WireError {
    fn from(err: ApiError) -> Self {
        let (field, errors) = match &err {
            ApiError::Validation(errors) => (errors.0.first().map(|e| e.field.clone()), errors.0.clone()),
            _ => (None, Vec::new()),
        };
        let limit = match err {
            ApiError::PayloadTooLarge(limit) => Some(limit),
            _ => None,
        };
        let retry_after = err.retry_after();
        WireError { code: err.code().to_owned(), message: err.to_string(), field, errors, limit, retry_after }
    }
}

impl From<WireError> for ApiError {
    fn from(wire: WireError) -> Self {
        match wire.code.as_str() {
            _ if !wire.errors.is_empty() => Self::Validation(ValidationErrors(wire.errors)),
            "malformed_request" => Self::Malformed(wire.message),
            "payload_too_large" => Self::PayloadTooLarge(wire.limit.unwrap_or_default()),
            "request_timeout" => Self::RequestTimeout,
            "unsupported_media_type" => Self::UnsupportedMediaType,
            "method_not_allowed" => Self::MethodNotAllowed,
            "not_found" => Self::NotFound,
            "conflict" => Self::Conflict(wire.message),
            "too_many_requests" => {
                Self::TooManyRequests { message: wire.message, retry_after: wire.retry_after.unwrap_or(1) }
            }
            "sign_in_failed" => Self::SignInFailed,
            "signed_out" => Self::SignedOut,
            "bad_token" => Self::BadToken,
            "invite_invalid" => Self::InviteInvalid,
            "budget_exhausted" => {
                Self::BudgetExhausted { message: wire.message, retry_after: wire.retry_after.unwrap_or(1) }
            }
            "forbidden" => Self::Forbidden(wire.message),
            "sign_up_closed" => Self::SignUpClosed(wire.message),
            "storage_full" => Self::StorageFull,
            "unreachable" => Self::Unreachable(wire.message),
            _ => Self::Internal,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn validation_error_wire_shape() {
        let err = ApiError::Validation(ValidationErrors(vec![
            FieldError::new("prompt", "prompt_empty", "Enter a prompt."),
            FieldError::new("size", "unknown_size", "Unknown size."),
        ]));
        let json: serde_json::Value = serde_json::to_value(&err).unwrap();
        assert_eq!(json["code"], "prompt_empty");
        assert_eq!(json["field"], "prompt");
        assert_eq!(json["message"], "Enter a prompt.");
        assert_eq!(json["errors"].as_array().unwrap().len(), 2);
        assert_eq!(err.status(), 400);
        assert_eq!(serde_json::from_value::<ApiError>(json).unwrap(), err);
    }

    #[test]
    fn every_variant_round_trips() {
        for err in [
            ApiError::Malformed("expected value at line 1".into()),
            ApiError::PayloadTooLarge(65536),
            ApiError::RequestTimeout,
            ApiError::SignInFailed,
            ApiError::SignedOut,
            ApiError::BadToken,
            ApiError::InviteInvalid,
            ApiError::BudgetExhausted { message: "300 of 300 units used today.".into(), retry_after: 3600 },
            ApiError::Forbidden("Only an owner of the workspace can do this.".into()),
            ApiError::SignUpClosed("New accounts need an invite link.".into()),
            ApiError::StorageFull,
            ApiError::UnsupportedMediaType,
            ApiError::MethodNotAllowed,
            ApiError::NotFound,
            ApiError::Conflict("Task is already completed.".into()),
            ApiError::TooManyRequests { message: "2 ZIP downloads are running already.".into(), retry_after: 5 },
            ApiError::Unreachable("connection refused".into()),
            ApiError::Internal,
        ] {
            let text = serde_json::to_string(&err).unwrap();
            assert_eq!(serde_json::from_str::<ApiError>(&text).unwrap(), err, "{text}");
        }
    }

    #[test]
    fn argument_errors_are_bad_requests() {
        let err = ApiError::from_server_fn_error(ServerFnErrorErr::Args("EOF while parsing".into()));
        assert_eq!((err.status(), err.code()), (400, "malformed_request"));
    }
}
