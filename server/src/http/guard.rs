//! The front door of `/api/`: POST only (405), JSON bodies only (415) and no larger than
//! the configured limit (413, whether the size is declared or the body is streamed in
//! chunks: it is read here, up to the limit, before anything else sees it; `submit_task`,
//! which carries a whole batch of prompts, has a limit of its own) and sent
//! within the client timeout (408, so a trickled body holds nothing for long), answered with
//! the same JSON error shape as every API error. The exceptions: the live event stream,
//! `GET /api/events`; and `compose`, the page's own form posted before its script arrived,
//! form-encoded, taken only from a page of this origin (`Sec-Fetch-Site: same-origin`, or an
//! `Origin` naming this host), so another site's form cannot post it (403).

use app::api::ApiError;
use axum::body::Body;
use axum::extract::{Request, State};
use axum::middleware::Next;
use axum::response::Response;
use http::header::{CONNECTION, CONTENT_LENGTH, CONTENT_TYPE};
use http::{HeaderValue, Method};
use std::time::Duration;

/// What a request may take.
#[derive(Clone, Copy)]
pub struct Limits {
    /// The largest body of a call but `submit_task`.
    pub max_body_bytes: u64,
    /// The largest body of `submit_task`: a batch's text, up to 200,000 characters.
    pub max_submit_bytes: u64,
    pub client_timeout: Duration,
}

impl Limits {
    /// The largest body the call `req` makes may have.
    fn body_bytes(&self, req: &Request) -> u64 {
        match req.uri().path() {
            "/api/submit_task" | COMPOSE => self.max_submit_bytes,
            _ => self.max_body_bytes,
        }
    }
}

pub async fn guard_api(State(limits): State<Limits>, req: Request, next: Next) -> Response {
    let max_body_bytes = limits.body_bytes(&req);
    if let Some(err) = refusal(&req, max_body_bytes) {
        return answer(err);
    }
    if !is_api_call(&req) {
        return next.run(req).await;
    }
    let (parts, body) = req.into_parts();
    let limit = usize::try_from(max_body_bytes).unwrap_or(usize::MAX);
    match tokio::time::timeout(limits.client_timeout, axum::body::to_bytes(body, limit)).await {
        Ok(Ok(bytes)) => next.run(Request::from_parts(parts, Body::from(bytes))).await,
        Ok(Err(e)) if is_too_long(&e) => answer(ApiError::PayloadTooLarge(max_body_bytes)),
        Ok(Err(_)) => answer(ApiError::Malformed("The request body could not be read.".into())),
        Err(_) => answer(ApiError::RequestTimeout),
    }
}

/// The refusal as JSON. A body left unread (too large, too slow) ends the connection, and
/// the answer says so, so that a client does not send its next request into it.
fn answer(err: ApiError) -> Response {
    let unread = matches!(err, ApiError::PayloadTooLarge(_) | ApiError::RequestTimeout);
    let mut res = super::error_response(err);
    if unread {
        res.headers_mut().insert(CONNECTION, HeaderValue::from_static("close"));
    }
    res
}

/// Whether reading the body stopped at the limit.
fn is_too_long(e: &axum::Error) -> bool {
    let mut source: Option<&(dyn std::error::Error + 'static)> = Some(e);
    while let Some(error) = source {
        if error.is::<http_body_util::LengthLimitError>() {
            return true;
        }
        source = error.source();
    }
    false
}

/// The form the page posts before its script has arrived.
const COMPOSE: &str = "/api/compose";

/// A server-function call (the event stream aside).
fn is_api_call(req: &Request) -> bool {
    req.uri().path().starts_with("/api/") && !(req.uri().path() == "/api/events" && req.method() == Method::GET)
}

fn refusal(req: &Request, max_body_bytes: u64) -> Option<ApiError> {
    if !is_api_call(req) {
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
    let mime = header(CONTENT_TYPE).and_then(|v| v.split(';').next()).map(str::trim).unwrap_or_default();
    if req.uri().path() == COMPOSE {
        if !mime.eq_ignore_ascii_case("application/x-www-form-urlencoded") {
            return Some(ApiError::UnsupportedMediaType);
        }
        return (!from_this_origin(req))
            .then(|| ApiError::Forbidden("The form is taken only from Atelier's own page.".into()));
    }
    (!mime.eq_ignore_ascii_case("application/json")).then_some(ApiError::UnsupportedMediaType)
}

/// Whether a browser says the request comes from a page of this origin.
fn from_this_origin(req: &Request) -> bool {
    let header = |name: &str| req.headers().get(name).and_then(|v| v.to_str().ok());
    if let Some(site) = header("sec-fetch-site") {
        return site == "same-origin";
    }
    let host = header("host");
    header("origin").and_then(|o| o.split_once("://")).is_some_and(|(_, origin)| Some(origin) == host)
}
