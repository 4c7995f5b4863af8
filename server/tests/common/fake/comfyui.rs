//! ComfyUI's protocol: `POST /prompt` `{"prompt": <workflow>, "client_id"}` →
//! `{"prompt_id", "number", "node_errors"}` (the prompt text is node 6's, as in the shipped
//! workflows; a `SaveVideo` or `SaveWEBM` node makes it a video, a `PreviewImage` node a
//! poster beside it); `GET /history/{id}` → `{}` until it ran, then its outputs and status
//! (`error` with an `execution_error` message when the job failed); `GET /queue` lists
//! the jobs waiting (with other clients' jobs before them, listed in no order, each with
//! its number) and the one running; `/ws?clientId=…` says when a job starts and how its
//! node runs (`execution_start`, `executing`, `progress`), only to the client that queued
//! it, as ComfyUI does; `GET /view?filename=…&type=…` the
//! file; `POST /queue {"delete": [...]}`, `POST /interrupt`; `GET /system_stats`;
//! `GET /object_info` the node classes and the files their list inputs offer.
//! Errors: `{"error": {"type", "message"}, "node_errors": {}}`; a 400 is a failed
//! validation whose `node_errors` name a missing checkpoint. [`ui_format`] is a workflow
//! as ComfyUI's page saves it (not "Export (API)").

use super::{fault, media, tiny_png, Polled, Shared, Submitted};
use axum::extract::ws::{Message, WebSocketUpgrade};
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Extension, Json, Router};
use serde_json::{json, Map, Value};
use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use tokio::sync::broadcast;

/// Messages for `/ws`: the client they are for, and the message.
type Socket = broadcast::Sender<(String, String)>;

/// What each job's workflow makes: a WebM instead of an MP4, a poster beside the video.
#[derive(Clone, Copy, Default)]
struct Made {
    webm: bool,
    poster: bool,
}

type Workflows = Arc<Mutex<HashMap<String, Made>>>;

pub(super) fn routes() -> Router<Shared> {
    let (socket, _) = broadcast::channel::<(String, String)>(64);
    Router::new()
        .route("/prompt", post(submit))
        .route("/history/{id}", get(history))
        .route("/view", get(view))
        .route("/queue", post(delete).get(queue))
        .route("/interrupt", post(|| async { Json(json!({})) }))
        .route("/system_stats", get(|| async { Json(json!({ "system": { "comfyui_version": "0.3.40" } })) }))
        .route("/object_info", get(object_info))
        .route("/ws", get(ws))
        .layer(Extension(socket))
        .layer(Extension(Workflows::default()))
}

fn error(status: u16, _code: &str, message: &str) -> Response {
    let (kind, message, node_errors) = match status {
        400 => (
            "prompt_outputs_failed_validation",
            "Prompt outputs failed validation",
            json!({ "4": { "class_type": "CheckpointLoaderSimple", "dependent_outputs": ["9"], "errors": [{
                "type": "value_not_in_list", "message": "Value not in list",
                "details": "ckpt_name: 'v1-5-pruned-emaonly.safetensors' not in ['sd_xl_base_1.0.safetensors']",
            }] } }),
        ),
        _ => ("server_error", message, json!({})),
    };
    let body = json!({ "error": { "type": kind, "message": message, "details": "" }, "node_errors": node_errors });
    (StatusCode::from_u16(status).unwrap(), Json(body)).into_response()
}

async fn submit(
    State(state): State<Shared>,
    Extension(workflows): Extension<Workflows>,
    Json(body): Json<Value>,
) -> Response {
    let nodes = body["prompt"].as_object().cloned().unwrap_or_default();
    let has = |class: &str| nodes.values().any(|n| n["class_type"] == class);
    let made = Made { webm: has("SaveWEBM"), poster: has("PreviewImage") };
    let video = made.webm || has("SaveVideo");
    let prompt = nodes.get("6").and_then(|n| n["inputs"]["text"].as_str()).unwrap_or_default().to_owned();
    let client = body["client_id"].as_str().unwrap_or_default();
    let submitted = state.lock().unwrap().submit(&prompt, video, true, client);
    match submitted {
        Submitted::Queued(id) => {
            workflows.lock().unwrap().insert(id.clone(), made);
            Json(json!({ "prompt_id": id, "number": 1, "node_errors": {} })).into_response()
        }
        Submitted::Fault(behaviour) => fault(behaviour, error).await,
        Submitted::Result(_) => unreachable!("prompts are queued"),
    }
}

async fn history(
    State(state): State<Shared>,
    Extension(socket): Extension<Socket>,
    Extension(workflows): Extension<Workflows>,
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
    let file = |name: String, folder: &str| json!({ "filename": name, "subfolder": "", "type": folder });
    match polled {
        Polled::Fault(behaviour) => fault(behaviour, error).await,
        Polled::Waiting => Json(json!({})).into_response(),
        Polled::Running(p) => {
            // As ComfyUI says it on /ws: the prompt started, its sampler runs, p % done.
            for (kind, data) in [
                ("execution_start", json!({})),
                ("executing", json!({ "node": "3" })),
                ("progress", json!({ "value": p, "max": 100, "node": "3" })),
            ] {
                let mut data = data;
                data["prompt_id"] = json!(id);
                let client = job.as_ref().map(|j| j.client.clone()).unwrap_or_default();
                let _ = socket.send((client, json!({ "type": kind, "data": data }).to_string()));
            }
            Json(json!({})).into_response()
        }
        Polled::Succeeded => {
            let made = workflows.lock().unwrap().get(&id).copied().unwrap_or_default();
            let mut outputs = Map::new();
            if job.is_some_and(|j| j.video) {
                let ext = if made.webm { "webm" } else { "mp4" };
                let video = json!({ "images": [file(format!("{id}.{ext}"), "output")], "animated": [true] });
                outputs.insert("81".into(), video);
                if made.poster {
                    outputs.insert("91".into(), json!({ "images": [file(format!("{id}-poster.png"), "temp")] }));
                }
            } else {
                outputs.insert("9".into(), json!({ "images": [file(format!("{id}.png"), "output")] }));
            }
            entry("success", outputs.into(), json!([]))
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
    let folder = query.get("type").map(String::as_str);
    let (stem, ext) = name.rsplit_once('.').unwrap_or((name.as_str(), ""));
    let (id, poster) = stem.strip_suffix("-poster").map_or((stem, false), |id| (id, true));
    let job = state.lock().unwrap().job(id);
    match (job, folder, ext) {
        (Some(_), Some("temp"), "png") if poster => ([("content-type", "image/png")], tiny_png()).into_response(),
        (Some(_), Some("output"), "webm") => ([("content-type", "video/webm")], tiny_webm()).into_response(),
        (Some(job), Some("output"), _) => media(job.video).await,
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

/// The jobs not ended: those still waiting as pending (after other clients' jobs, all
/// listed backwards, as ComfyUI's heap lists them in no order), the others as running.
async fn queue(State(state): State<Shared>) -> Response {
    let (unfinished, ahead) = {
        let state = state.lock().unwrap();
        (state.unfinished(), state.ahead.clone())
    };
    let item = |id: &str, number: i64| json!([number, id, {}, {}, ["9"]]);
    let running: Vec<Value> = unfinished.iter().filter(|j| !j.1).map(|(id, _, n)| item(id, *n)).collect();
    let mut pending: Vec<Value> = ahead.iter().map(|n| item(&format!("theirs{}", -n), *n)).collect();
    pending.extend(unfinished.iter().filter(|j| j.1).map(|(id, _, n)| item(id, *n)));
    pending.reverse();
    Json(json!({ "queue_running": running, "queue_pending": pending })).into_response()
}

/// The node classes of the shipped workflows, with the files and choices their list inputs
/// offer (in both of ComfyUI's shapes: `[[...], {}]` and `["COMBO", {"options": [...]}]`),
/// less what the test withheld.
async fn object_info(State(state): State<Shared>) -> Response {
    let withheld = state.lock().unwrap().withheld.clone();
    let offered = |names: &[&'static str]| -> Vec<&'static str> {
        names.iter().filter(|n| !withheld.iter().any(|w| w == *n)).copied().collect()
    };
    let checkpoints = offered(&["v1-5-pruned-emaonly.safetensors", "ltx-video-2b-v0.9.5.safetensors"]);
    let lists: &[(&str, &[(&str, Value)])] = &[
        ("KSampler", &[("sampler_name", json!([["euler", "dpmpp_2m"], {}])), ("scheduler", json!([["normal"], {}]))]),
        ("CheckpointLoaderSimple", &[("ckpt_name", json!([checkpoints, {}]))]),
        (
            "CLIPLoader",
            &[
                ("clip_name", json!(["COMBO", { "options": offered(&["t5xxl_fp16.safetensors"]) }])),
                ("type", json!([["stable_diffusion", "ltxv"], {}])),
                ("device", json!([["default", "cpu"], {}])),
            ],
        ),
        ("KSamplerSelect", &[("sampler_name", json!([["euler"], {}]))]),
        ("SaveVideo", &[("format", json!([["auto", "mp4"], {}])), ("codec", json!([["auto", "h264"], {}]))]),
    ];
    let plain = [
        "EmptyLatentImage",
        "CLIPTextEncode",
        "VAEDecode",
        "SaveImage",
        "LTXVConditioning",
        "EmptyLTXVLatentVideo",
        "LTXVScheduler",
        "SamplerCustom",
        "CreateVideo",
        "ImageFromBatch",
        "PreviewImage",
        "SaveWEBM",
        "SaveAnimatedWEBP",
    ];
    let mut classes = Map::new();
    for (class, inputs) in lists.iter().copied().chain(plain.iter().map(|c| (*c, &[][..]))) {
        if withheld.iter().any(|w| w == class) {
            continue;
        }
        let required: Map<String, Value> =
            inputs.iter().map(|(name, spec)| ((*name).to_owned(), spec.clone())).collect();
        classes.insert(class.into(), json!({ "input": { "required": required }, "name": class }));
    }
    Json(Value::Object(classes)).into_response()
}

/// `/ws?clientId=…`: the messages for that client, until the service goes down.
async fn ws(
    State(state): State<Shared>,
    Extension(socket): Extension<Socket>,
    Query(query): Query<HashMap<String, String>>,
    upgrade: WebSocketUpgrade,
) -> Response {
    let client = query.get("clientId").cloned().unwrap_or_default();
    let up = state.lock().unwrap().up.clone();
    upgrade.on_upgrade(move |mut ws| async move {
        let mut messages = socket.subscribe();
        loop {
            let message = tokio::select! {
                () = up.cancelled() => break,
                message = messages.recv() => message,
            };
            match message {
                Ok((to, text)) if to == client => {
                    if ws.send(Message::Text(text.into())).await.is_err() {
                        break;
                    }
                }
                Ok(_) | Err(broadcast::error::RecvError::Lagged(_)) => {}
                Err(broadcast::error::RecvError::Closed) => break,
            }
        }
    })
}

/// The shipped image workflow as ComfyUI's page saves it (Save, not "Export (API)"): its
/// nodes as a list with their widgets' values, and the links between them.
pub fn ui_format() -> Value {
    json!({
        "id": "5f1c6a7e-2b1d-4a59-9d0e-3c7b5e0f4a21", "revision": 0, "last_node_id": 9, "last_link_id": 9,
        "nodes": [
            { "id": 4, "type": "CheckpointLoaderSimple", "pos": [26, 474], "size": [315, 98], "order": 0, "mode": 0,
              "outputs": [{ "name": "MODEL", "type": "MODEL", "links": [1] }, { "name": "CLIP", "type": "CLIP", "links": [3, 5] },
                          { "name": "VAE", "type": "VAE", "links": [8] }],
              "widgets_values": ["v1-5-pruned-emaonly.safetensors"] },
            { "id": 6, "type": "CLIPTextEncode", "pos": [415, 186], "size": [422, 164], "order": 2, "mode": 0,
              "inputs": [{ "name": "clip", "type": "CLIP", "link": 3 }],
              "outputs": [{ "name": "CONDITIONING", "type": "CONDITIONING", "links": [4] }],
              "widgets_values": ["{{prompt}}, {{style}}"] },
            { "id": 3, "type": "KSampler", "pos": [863, 186], "size": [315, 262], "order": 4, "mode": 0,
              "inputs": [{ "name": "model", "type": "MODEL", "link": 1 }, { "name": "positive", "type": "CONDITIONING", "link": 4 }],
              "outputs": [{ "name": "LATENT", "type": "LATENT", "links": [7] }],
              "widgets_values": [0, "randomize", 20, 7, "euler", "normal", 1] },
            { "id": 9, "type": "SaveImage", "pos": [1451, 189], "size": [210, 58], "order": 6, "mode": 0,
              "inputs": [{ "name": "images", "type": "IMAGE", "link": 9 }], "widgets_values": ["atelier"] },
        ],
        "links": [[1, 4, 0, 3, 0, "MODEL"], [3, 4, 1, 6, 0, "CLIP"], [4, 6, 0, 3, 1, "CONDITIONING"], [9, 8, 0, 9, 0, "IMAGE"]],
        "groups": [], "config": {}, "extra": { "ds": { "scale": 1, "offset": [0, 0] } }, "version": 0.4,
    })
}

/// A WebM as ComfyUI's SaveWEBM writes its headers: a 320 × 240 VP9 track of 1.5 s (the
/// frames themselves are not read by the server).
pub fn tiny_webm() -> Vec<u8> {
    fn element(id: &[u8], payload: &[u8]) -> Vec<u8> {
        let size = (payload.len() as u64).to_be_bytes();
        [id, &[0x01], &size[1..], payload].concat()
    }
    let uint = |id: &[u8], n: u64| element(id, &n.to_be_bytes());
    let header = element(&[0x1a, 0x45, 0xdf, 0xa3], &element(&[0x42, 0x82], b"webm"));
    let info = element(
        &[0x15, 0x49, 0xa9, 0x66],
        &[uint(&[0x2a, 0xd7, 0xb1], 1_000_000), element(&[0x44, 0x89], &1500f64.to_be_bytes())].concat(),
    );
    let video = element(&[0xe0], &[uint(&[0xb0], 320), uint(&[0xba], 240)].concat());
    let track = element(&[0xae], &[uint(&[0xd7], 1), uint(&[0x83], 1), element(&[0x86], b"V_VP9"), video].concat());
    let segment = element(&[0x18, 0x53, 0x80, 0x67], &[info, element(&[0x16, 0x54, 0xae, 0x6b], &track)].concat());
    [header, segment].concat()
}
