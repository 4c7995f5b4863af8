//! The OpenAI-compatible protocol: `POST /v1/images/generations` → `{"data":[{"b64_json":
//! ...}]}`; `POST /v1/videos` (multipart) → a video object, `GET /v1/videos/{id}` its
//! status (`queued`, `in_progress`, `completed`, `failed` with `error`),
//! `GET /v1/videos/{id}/content` the MP4 (`?variant=thumbnail`: a PNG still); `GET /v1/models` → `{"data":[{"id": ...}]}`
//! (unless the default behaviour is a failure). Errors: `{"error":{"message","code"}}`.

use super::{fault, media, Behaviour, Polled, Shared, Submitted};
use axum::extract::{Multipart, Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use base64::Engine as _;
use serde_json::{json, Value};
use std::collections::HashMap;

/// A valid 3×2 PNG.
pub fn tiny_png() -> Vec<u8> {
    let mut bytes = Vec::new();
    let mut encoder = png::Encoder::new(&mut bytes, 3, 2);
    encoder.set_color(png::ColorType::Rgb);
    encoder.write_header().unwrap().write_image_data(&[200; 18]).unwrap();
    bytes
}

pub(super) fn routes() -> Router<Shared> {
    Router::new()
        .route("/v1/images/generations", post(images))
        .route("/v1/models", get(models))
        .route("/v1/videos", post(create_video))
        .route("/v1/videos/{id}", get(video))
        .route("/v1/videos/{id}/content", get(content))
}

fn error(status: u16, code: &str, message: &str) -> Response {
    let body = json!({ "error": { "message": message, "type": "error", "code": code } });
    (StatusCode::from_u16(status).unwrap(), Json(body)).into_response()
}

async fn models(State(state): State<Shared>) -> Response {
    let behaviour = state.lock().unwrap().default.clone().expect("a default behaviour");
    match behaviour {
        Behaviour::Status(status) => error(status, "invalid_api_key", "Incorrect API key provided."),
        Behaviour::Hang => std::future::pending().await,
        _ => Json(json!({ "object": "list", "data": [
            { "id": "gpt-image-1", "object": "model" },
            { "id": "dall-e-3", "object": "model" },
        ] }))
        .into_response(),
    }
}

async fn images(State(state): State<Shared>, Json(body): Json<Value>) -> Response {
    let submitted = state.lock().unwrap().submit(body["prompt"].as_str().unwrap_or_default(), false, false, "");
    match submitted {
        Submitted::Result(after) => {
            tokio::time::sleep(after).await;
            let b64 = base64::engine::general_purpose::STANDARD.encode(tiny_png());
            Json(json!({ "created": 0, "data": [{ "b64_json": b64 }] })).into_response()
        }
        Submitted::Fault(behaviour) => fault(behaviour, error).await,
        Submitted::Queued(_) => unreachable!("images are made in one call"),
    }
}

async fn create_video(State(state): State<Shared>, mut form: Multipart) -> Response {
    let mut prompt = String::new();
    while let Ok(Some(field)) = form.next_field().await {
        if field.name() == Some("prompt") {
            prompt = field.text().await.unwrap_or_default();
        }
    }
    let submitted = state.lock().unwrap().submit(&prompt, true, true, "");
    match submitted {
        Submitted::Queued(id) => Json(video_object(&id, "queued", 0, None)).into_response(),
        Submitted::Fault(behaviour) => fault(behaviour, error).await,
        Submitted::Result(_) => unreachable!("videos are queued"),
    }
}

fn video_object(id: &str, status: &str, progress: u8, error: Option<&str>) -> Value {
    let mut video = json!({ "id": id, "object": "video", "model": "sora-2", "status": status, "progress": progress });
    if let Some(message) = error {
        video["error"] = json!({ "code": "generation_failed", "message": message });
    }
    video
}

async fn video(State(state): State<Shared>, Path(id): Path<String>) -> Response {
    let polled = state.lock().unwrap().poll(&id);
    match polled {
        Polled::Fault(behaviour) => fault(behaviour, error).await,
        Polled::Waiting => Json(video_object(&id, "queued", 0, None)).into_response(),
        Polled::Running(progress) => Json(video_object(&id, "in_progress", progress, None)).into_response(),
        Polled::Succeeded => Json(video_object(&id, "completed", 100, None)).into_response(),
        Polled::Failed(message) => Json(video_object(&id, "failed", 0, Some(message))).into_response(),
        Polled::Cancelled | Polled::Unknown => error(404, "not_found", "No such video."),
    }
}

/// The MP4, or with `?variant=thumbnail` a still of it.
async fn content(
    State(state): State<Shared>,
    Path(id): Path<String>,
    Query(query): Query<HashMap<String, String>>,
) -> Response {
    match state.lock().unwrap().job(&id) {
        Some(job) if job.video => {}
        _ => return error(404, "not_found", "No such video."),
    }
    match query.get("variant").map(String::as_str) {
        Some("thumbnail") => ([("content-type", "image/png")], tiny_png()).into_response(),
        _ => media(true).await,
    }
}
