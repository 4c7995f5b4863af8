//! Sending a submission, resent while the server cannot be reached.

use crate::api::{submit_task, ApiError, Strict};
use crate::domain::{SubmitRequest, SubmitResponse};

/// Sends a submission, resending it (same idempotency key, so never twice) when the
/// server could not be reached, after 0.5 s and again after 2 s.
pub async fn send(request: &SubmitRequest) -> Result<SubmitResponse, ApiError> {
    let mut waits = [500u32, 2_000].into_iter();
    loop {
        match submit_task(Strict(request.clone())).await {
            Err(ApiError::Unreachable(reason)) => match waits.next() {
                #[cfg(feature = "hydrate")]
                Some(ms) => gloo_timers::future::TimeoutFuture::new(ms).await,
                #[cfg(not(feature = "hydrate"))]
                Some(_) => {}
                None => return Err(ApiError::Unreachable(reason)),
            },
            other => return other,
        }
    }
}
