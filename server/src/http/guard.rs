//! The front door of `/api/`: POST only (405), JSON bodies only (415) and no larger than
//! the configured limit (413), answered with the same JSON error shape as every API error.
//! The one exception is the live event stream, `GET /api/events`.

use app::api::ApiError;
use axum::extract::{Request, State};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use http::header::{CONTENT_LENGTH, CONTENT_TYPE};
use http::{Method, StatusCode};

pub async fn guard_api(State(max_body_bytes): State<u64>, req: Request, next: Next) -> Response {
    match refusal(&req, max_body_bytes) {
        Some(err) => {
            let status = StatusCode::from_u16(err.status()).unwrap_or(StatusCode::BAD_REQUEST);
            (status, axum::Json(err)).into_response()
        }
        None => next.run(req).await,
    }
}

fn refusal(req: &Request, max_body_bytes: u64) -> Option<ApiError> {
    if !req.uri().path().starts_with("/api/") || (req.uri().path() == "/api/events" && req.method() == Method::GET) {
        return None;
    }
    if req.method() != Method::POST {
        return Some(ApiError::MethodNotAllowed);
    }
    let header = |name| req.headers().get(name).and_then(|v| v.to_str().ok());
    let declared = header(CONTENT_LENGTH).and_then(|v| v.parse::<u64>().ok());
    if declared.is_some_and(|n| n > max_body_bytes) {
        return Some(ApiError::PayloadTooLarge(max_body_bytes));
    }
    let is_json = header(CONTENT_TYPE)
        .and_then(|v| v.split(';').next())
        .is_some_and(|mime| mime.trim().eq_ignore_ascii_case("application/json"));
    (!is_json).then_some(ApiError::UnsupportedMediaType)
}
