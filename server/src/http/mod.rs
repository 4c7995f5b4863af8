//! The HTTP surface and nothing else: the router with its middleware order (`router.rs`),
//! the front door of `/api/` (`guard.rs`), who is asking (`identity.rs`: an API token, a
//! session, else a guest cookie),
//! browser hardening on every answer (`headers.rs`), accepting connections with a
//! deadline for each request's head (`listen.rs`), how much one caller may hold or ask
//! (`limits.rs`), and
//! the routes that are not server functions: the built assets under `/pkg/` (`assets.rs`:
//! hashed names kept for good, precompressed), result files at `/content/{id}`
//! (`results.rs`), every completed result as one ZIP (`zip.rs`) and the live event stream
//! at `/api/events` (`stream.rs`). Handlers here read and call; they decide nothing about
//! tasks (that is `service.rs`, the store and the engine).

mod assets;
mod guard;
mod headers;
mod identity;
mod limits;
mod listen;
mod results;
mod router;
mod stream;
mod zip;

pub use listen::{serve, Limits};
pub use results::Results;
pub use router::build;

/// An API error as a JSON answer with its own status (and a `429`'s `Retry-After`).
fn error_response(err: app::api::ApiError) -> axum::response::Response {
    use axum::response::IntoResponse;
    let status = http::StatusCode::from_u16(err.status()).unwrap_or(http::StatusCode::INTERNAL_SERVER_ERROR);
    let wait = err.retry_after();
    let mut res = (status, axum::Json(err)).into_response();
    if let Some(seconds) = wait {
        res.headers_mut().insert(http::header::RETRY_AFTER, http::HeaderValue::from(seconds));
    }
    res
}
