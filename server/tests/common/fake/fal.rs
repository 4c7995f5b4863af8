//! fal's queue protocol: `POST /{owner}/{name}[/{sub}]` with the model's input →
//! `{"request_id", "status_url", "response_url", "cancel_url"}`;
//! `GET /{owner}/{name}/requests/{id}/status` → `IN_QUEUE`, `IN_PROGRESS` (with logs),
//! `COMPLETED` (with `error` when the job failed); `GET /{owner}/{name}/requests/{id}` →
//! `{"images": [{"url"}]}` or `{"video": {"url"}}`; `PUT …/cancel` →
//! `CANCELLATION_REQUESTED`. Errors: `{"detail": ...}`. Files are served at `/files/{id}`.

use super::{fault, job_file, Polled, Shared, Submitted};
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post, put};
use axum::{Json, Router};
use serde_json::{json, Value};

pub(super) fn routes() -> Router<Shared> {
    Router::new()
        .route("/{owner}/{name}", post(submit))
        .route("/{owner}/{name}/{sub}", post(submit))
        .route("/{owner}/{name}/requests/{id}/status", get(status))
        .route("/{owner}/{name}/requests/{id}", get(result))
        .route("/{owner}/{name}/requests/{id}/cancel", put(cancel))
        .route("/files/{id}", get(job_file))
}

fn error(status: u16, _code: &str, message: &str) -> Response {
    (StatusCode::from_u16(status).unwrap(), Json(json!({ "detail": message }))).into_response()
}

async fn submit(State(state): State<Shared>, Json(input): Json<Value>) -> Response {
    let video = input.get("duration").is_some();
    let (submitted, base) = {
        let mut state = state.lock().unwrap();
        (state.submit(input["prompt"].as_str().unwrap_or_default(), video, true, ""), state.base_url().to_owned())
    };
    match submitted {
        Submitted::Queued(id) => Json(json!({
            "request_id": id,
            "status_url": format!("{base}/fal-ai/app/requests/{id}/status"),
            "response_url": format!("{base}/fal-ai/app/requests/{id}"),
            "cancel_url": format!("{base}/fal-ai/app/requests/{id}/cancel"),
            "queue_position": 0,
        }))
        .into_response(),
        Submitted::Fault(behaviour) => fault(behaviour, error).await,
        Submitted::Result(_) => unreachable!("requests are queued"),
    }
}

async fn status(State(state): State<Shared>, Path((_, _, id)): Path<(String, String, String)>) -> Response {
    let polled = state.lock().unwrap().poll(&id);
    match polled {
        Polled::Fault(behaviour) => fault(behaviour, error).await,
        Polled::Waiting => Json(json!({ "status": "IN_QUEUE", "queue_position": 3 })).into_response(),
        Polled::Running(p) => Json(json!({
            "status": "IN_PROGRESS",
            "logs": [{ "message": "loading", "timestamp": "2026-11-29T00:00:00Z" },
                     { "message": format!("{p:>3}%|#####     | 14/28"), "timestamp": "2026-11-29T00:00:01Z" }],
        }))
        .into_response(),
        Polled::Succeeded => Json(json!({ "status": "COMPLETED", "logs": [] })).into_response(),
        Polled::Failed(message) => Json(json!({ "status": "COMPLETED", "error": message })).into_response(),
        Polled::Cancelled => Json(json!({ "status": "CANCELED" })).into_response(),
        Polled::Unknown => error(404, "", "Request not found"),
    }
}

async fn result(State(state): State<Shared>, Path((_, _, id)): Path<(String, String, String)>) -> Response {
    let (job, base) = {
        let state = state.lock().unwrap();
        (state.job(&id), state.base_url().to_owned())
    };
    let Some(job) = job else { return error(404, "", "Request not found") };
    let url = format!("{base}/files/{id}");
    let answer = if job.video {
        json!({ "video": { "url": url, "content_type": "video/mp4" } })
    } else {
        json!({ "images": [{ "url": url, "width": 3, "height": 2, "content_type": "image/png" }], "seed": 1,
                "has_nsfw_concepts": [false] })
    };
    Json(answer).into_response()
}

async fn cancel(State(state): State<Shared>, Path((_, _, id)): Path<(String, String, String)>) -> Response {
    if state.lock().unwrap().cancel(&id) {
        (StatusCode::ACCEPTED, Json(json!({ "status": "CANCELLATION_REQUESTED" }))).into_response()
    } else {
        error(404, "", "Request not found")
    }
}
