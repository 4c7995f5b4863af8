//! ComfyUI's protocol: `POST /prompt` `{"prompt": <workflow>, "client_id"}` →
//! `{"prompt_id", "number", "node_errors"}` (the prompt text is node 6's, as in the shipped
//! workflows; a `SaveVideo` node makes it a video); `GET /history/{id}` → `{}` while it
//! runs (and a `progress` message on `/ws`), then its outputs and status (`error` with an
//! `execution_error` message when the job failed); `GET /view?filename=…` the file;
//! `POST /queue {"delete": [...]}`, `GET /queue`, `POST /interrupt`; `GET /system_stats`.
//! Errors: `{"error": {"type", "message"}, "node_errors": {}}`.

use super::{fault, media, Polled, Shared, Submitted};
use axum::extract::ws::{Message, WebSocketUpgrade};
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Extension, Json, Router};
use serde_json::{json, Value};
use std::collections::HashMap;
use tokio::sync::broadcast;

type Socket = broadcast::Sender<String>;

pub(super) fn routes() -> Router<Shared> {
    let (socket, _) = broadcast::channel::<String>(64);
    Router::new()
        .route("/prompt", post(submit))
        .route("/history/{id}", get(history))
        .route("/view", get(view))
        .route("/queue", post(delete).get(queue))
        .route("/interrupt", post(|| async { Json(json!({})) }))
        .route("/system_stats", get(|| async { Json(json!({ "system": { "comfyui_version": "0.3.40" } })) }))
        .route("/ws", get(ws))
        .layer(Extension(socket))
}

fn error(status: u16, _code: &str, message: &str) -> Response {
    let body = json!({ "error": { "type": "server_error", "message": message, "details": "" }, "node_errors": {} });
    (StatusCode::from_u16(status).unwrap(), Json(body)).into_response()
}

async fn submit(State(state): State<Shared>, Json(body): Json<Value>) -> Response {
    let workflow = &body["prompt"];
    let video = workflow.as_object().is_some_and(|nodes| nodes.values().any(|n| n["class_type"] == "SaveVideo"));
    let prompt = workflow["6"]["inputs"]["text"].as_str().unwrap_or_default().to_owned();
    let submitted = state.lock().unwrap().submit(&prompt, video, true);
    match submitted {
        Submitted::Queued(id) => Json(json!({ "prompt_id": id, "number": 1, "node_errors": {} })).into_response(),
        Submitted::Fault(behaviour) => fault(behaviour, error).await,
        Submitted::Result(_) => unreachable!("prompts are queued"),
    }
}

async fn history(
    State(state): State<Shared>,
    Extension(socket): Extension<Socket>,
    Path(id): Path<String>,
) -> Response {
    let (polled, job) = {
        let mut state = state.lock().unwrap();
        (state.poll(&id), state.job(&id))
    };
    let entry = |status: &str, outputs: Value, messages: Value| {
        Json(json!({ id.clone(): {
            "prompt": [1, id, {}, {}, ["9"]],
            "outputs": outputs,
            "status": { "status_str": status, "completed": status == "success", "messages": messages },
        } }))
        .into_response()
    };
    match polled {
        Polled::Fault(behaviour) => fault(behaviour, error).await,
        Polled::Running(p) => {
            let _ = socket
                .send(json!({ "type": "progress", "data": { "value": p, "max": 100, "prompt_id": id } }).to_string());
            Json(json!({})).into_response()
        }
        Polled::Succeeded => {
            let ext = if job.is_some_and(|j| j.video) { "mp4" } else { "png" };
            let file = json!({ "filename": format!("{id}.{ext}"), "subfolder": "", "type": "output" });
            entry("success", json!({ "9": { "images": [file] } }), json!([]))
        }
        Polled::Failed(message) => entry(
            "error",
            json!({}),
            json!([["execution_error", { "node_type": "KSampler", "exception_message": message }]]),
        ),
        Polled::Cancelled => entry("error", json!({}), json!([["execution_interrupted", { "prompt_id": id }]])),
        Polled::Unknown => Json(json!({})).into_response(),
    }
}

async fn view(State(state): State<Shared>, Query(query): Query<HashMap<String, String>>) -> Response {
    let name = query.get("filename").cloned().unwrap_or_default();
    let id = name.rsplit_once('.').map_or(name.as_str(), |(stem, _)| stem);
    let job = state.lock().unwrap().job(id);
    match job {
        Some(job) if query.get("type").map(String::as_str) == Some("output") => media(job.video).await,
        _ => error(404, "", "Not found."),
    }
}

async fn delete(State(state): State<Shared>, Json(body): Json<Value>) -> Response {
    let mut state = state.lock().unwrap();
    for id in body["delete"].as_array().into_iter().flatten().filter_map(Value::as_str) {
        state.cancel(id);
    }
    Json(json!({})).into_response()
}

async fn queue() -> Response {
    Json(json!({ "queue_running": [], "queue_pending": [] })).into_response()
}

async fn ws(Extension(socket): Extension<Socket>, upgrade: WebSocketUpgrade) -> Response {
    upgrade.on_upgrade(move |mut ws| async move {
        let mut messages = socket.subscribe();
        while let Ok(text) = messages.recv().await {
            if ws.send(Message::Text(text.into())).await.is_err() {
                break;
            }
        }
    })
}
