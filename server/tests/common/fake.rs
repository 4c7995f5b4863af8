//! A fake OpenAI-compatible image service on 127.0.0.1:0 that speaks the real protocol
//! (`POST /v1/images/generations` → `{"data":[{"b64_json": ...}]}`, `GET /v1/models`
//! → `{"data":[{"id": ...}]}`, answered as the default behaviour says) and can be scripted:
//! each call takes the next scripted behaviour, or the default one when the script is
//! empty. It logs every call's prompt.

use axum::extract::State;
use axum::http::{HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use base64::Engine as _;
use serde_json::{json, Value};
use std::collections::VecDeque;
use std::sync::{Arc, Mutex};
use std::time::Duration;

/// What the service does with one call.
#[derive(Debug, Clone)]
pub enum Behaviour {
    /// Answers with a PNG after the delay.
    Succeed { after: Duration },
    /// Answers with this status and an OpenAI-style error body.
    Status(u16),
    /// 429 with `retry-after-ms`.
    RateLimited { retry_after_ms: u64 },
    /// 400 with `code: content_policy_violation`.
    ContentPolicy,
    /// Never answers.
    Hang,
}

#[derive(Default)]
struct Script {
    queue: VecDeque<Behaviour>,
    default: Option<Behaviour>,
    calls: Vec<String>,
}

#[derive(Clone)]
pub struct FakeService {
    pub base_url: String,
    script: Arc<Mutex<Script>>,
}

/// A valid 3×2 PNG.
pub fn tiny_png() -> Vec<u8> {
    let mut bytes = Vec::new();
    let mut encoder = png::Encoder::new(&mut bytes, 3, 2);
    encoder.set_color(png::ColorType::Rgb);
    encoder.write_header().unwrap().write_image_data(&[200; 18]).unwrap();
    bytes
}

impl FakeService {
    pub async fn start(default: Behaviour) -> Self {
        let script = Arc::new(Mutex::new(Script { default: Some(default), ..Script::default() }));
        let app = Router::new()
            .route("/v1/images/generations", post(generate))
            .route("/v1/models", get(models))
            .with_state(script.clone());
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let base_url = format!("http://{}", listener.local_addr().unwrap());
        tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
        Self { base_url, script }
    }

    /// The next calls behave like this, in order; then the default again.
    pub fn script(&self, behaviours: impl IntoIterator<Item = Behaviour>) {
        self.lock().queue.extend(behaviours);
    }

    pub fn set_default(&self, behaviour: Behaviour) {
        self.lock().default = Some(behaviour);
    }

    /// The prompts of every call so far, in order.
    pub fn calls(&self) -> Vec<String> {
        self.lock().calls.clone()
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Script> {
        self.script.lock().unwrap()
    }
}

/// The models it serves, unless the default behaviour is a failure.
async fn models(State(script): State<Arc<Mutex<Script>>>) -> Response {
    let behaviour = script.lock().unwrap().default.clone().expect("a default behaviour");
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

fn error(status: u16, code: &str, message: &str) -> Response {
    let body = json!({ "error": { "message": message, "type": "error", "code": code } });
    (StatusCode::from_u16(status).unwrap(), Json(body)).into_response()
}

async fn generate(State(script): State<Arc<Mutex<Script>>>, Json(body): Json<Value>) -> Response {
    let behaviour = {
        let mut script = script.lock().unwrap();
        script.calls.push(body["prompt"].as_str().unwrap_or_default().to_owned());
        let next = script.queue.pop_front();
        next.or_else(|| script.default.clone()).expect("a default behaviour")
    };
    match behaviour {
        Behaviour::Succeed { after } => {
            tokio::time::sleep(after).await;
            let b64 = base64::engine::general_purpose::STANDARD.encode(tiny_png());
            Json(json!({ "created": 0, "data": [{ "b64_json": b64 }] })).into_response()
        }
        Behaviour::Status(status) => error(status, "server_error", "The server is overloaded."),
        Behaviour::RateLimited { retry_after_ms } => {
            let mut res = error(429, "rate_limit_exceeded", "Slow down.");
            let mut headers = HeaderMap::new();
            headers.insert("retry-after-ms", HeaderValue::from_str(&retry_after_ms.to_string()).unwrap());
            res.headers_mut().extend(headers);
            res
        }
        Behaviour::ContentPolicy => {
            error(400, "content_policy_violation", "Your request was rejected by the safety system.")
        }
        Behaviour::Hang => std::future::pending().await,
    }
}
