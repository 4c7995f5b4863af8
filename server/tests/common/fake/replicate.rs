//! Replicate's protocol: `POST /v1/predictions` `{"version", "input": {"prompt", ...}}` →
//! a prediction (`starting`); `GET /v1/predictions/{id}` → `processing` (with a progress
//! bar in `logs`), `succeeded` with `output` (a file URL), `failed` with `error`, or
//! `canceled`; `POST /v1/predictions/{id}/cancel`; `GET /v1/models/{owner}/{name}`. Errors: `{"title", "detail", "status"}`.
//! Files are served at `/files/{id}`.

use super::{fault, job_file, Polled, Shared, Submitted};
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use serde_json::{json, Value};

pub(super) fn routes() -> Router<Shared> {
    Router::new()
        .route("/v1/predictions", post(create))
        .route("/v1/predictions/{id}", get(prediction))
        .route("/v1/predictions/{id}/cancel", post(cancel))
        .route("/v1/models/{owner}/{name}", get(model))
        .route("/files/{id}", get(job_file))
}

/// The models it has: `black-forest-labs/flux-schnell` only.
async fn model(Path((owner, name)): Path<(String, String)>) -> Response {
    if (owner.as_str(), name.as_str()) == ("black-forest-labs", "flux-schnell") {
        Json(json!({ "owner": owner, "name": name, "latest_version": { "id": "5599ed30" } })).into_response()
    } else {
        error(404, "", "Not found.")
    }
}

fn error(status: u16, _code: &str, message: &str) -> Response {
    let body = json!({ "title": "Error", "detail": message, "status": status });
    (StatusCode::from_u16(status).unwrap(), Json(body)).into_response()
}

fn prediction_object(id: &str, status: &str, logs: &str, output: Option<String>, error: Option<&str>) -> Value {
    json!({
        "id": id, "status": status, "logs": logs, "output": output, "error": error,
        "urls": { "get": format!("/v1/predictions/{id}"), "cancel": format!("/v1/predictions/{id}/cancel") },
    })
}

async fn create(State(state): State<Shared>, Json(body): Json<Value>) -> Response {
    let input = &body["input"];
    let video = input.get("duration").is_some();
    let submitted = state.lock().unwrap().submit(input["prompt"].as_str().unwrap_or_default(), video, true, "");
    match submitted {
        Submitted::Queued(id) => {
            (StatusCode::CREATED, Json(prediction_object(&id, "starting", "", None, None))).into_response()
        }
        Submitted::Fault(behaviour) => fault(behaviour, error).await,
        Submitted::Result(_) => unreachable!("predictions are queued"),
    }
}

async fn prediction(State(state): State<Shared>, Path(id): Path<String>) -> Response {
    let (polled, base) = {
        let mut state = state.lock().unwrap();
        (state.poll(&id), state.base_url().to_owned())
    };
    let answer = |status: &str, logs: &str, output: Option<String>, error: Option<&str>| {
        Json(prediction_object(&id, status, logs, output, error)).into_response()
    };
    match polled {
        Polled::Fault(behaviour) => fault(behaviour, error).await,
        Polled::Waiting => answer("starting", "", None, None),
        Polled::Running(p) => answer("processing", &format!("loading\n{p:>3}%|#####     | 14/28"), None, None),
        Polled::Succeeded => answer("succeeded", "", Some(format!("{base}/files/{id}")), None),
        Polled::Failed(message) => answer("failed", "", None, Some(message)),
        Polled::Cancelled => answer("canceled", "", None, None),
        Polled::Unknown => error(404, "", "Not found."),
    }
}

async fn cancel(State(state): State<Shared>, Path(id): Path<String>) -> Response {
    if state.lock().unwrap().cancel(&id) {
        Json(prediction_object(&id, "canceled", "", None, None)).into_response()
    } else {
        error(404, "", "Not found.")
    }
}
