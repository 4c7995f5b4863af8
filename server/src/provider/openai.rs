//! OpenAI-compatible image generation (`POST /v1/images/generations`, answered with
//! `b64_json` or a `url`); the same shape serves LocalAI and many gateways. Errors are
//! classified for the engine: unreachable, 5xx, 408, 429 (with `retry-after-ms` or
//! `Retry-After`) are retryable; rejected parameters, content policy, authentication, an
//! exhausted quota (402, or 429 `insufficient_quota`), a missing model and a broken answer
//! are permanent, with the service's own message. `GET /v1/models` tells whether it
//! answers and lists the configured model.

use super::{Health, Job, Output, Progress, Provider};
use crate::engine::{Failure, FailureKind};
use app::domain::{TaskKind, TaskParams};
use base64::Engine as _;
use chrono::TimeDelta;
use image::ImageFormat;
use reqwest::{header::HeaderMap, Response, StatusCode};
use serde_json::{json, Value};

pub struct OpenAi {
    client: reqwest::Client,
    base_url: String,
    model: String,
    api_key: Option<String>,
    /// The largest image accepted, in bytes.
    max_bytes: u64,
}

impl OpenAi {
    pub fn new(base_url: &str, model: &str, api_key: Option<String>, max_bytes: u64) -> Self {
        let client = reqwest::Client::builder()
            .connect_timeout(std::time::Duration::from_secs(10))
            .build()
            .expect("a client without TLS settings always builds");
        let base_url = base_url.trim_end_matches('/').to_owned();
        Self { client, base_url, model: model.to_owned(), api_key, max_bytes }
    }

    async fn post(&self, path: &str, body: Value) -> Result<Value, Failure> {
        let mut request = self.client.post(format!("{}{path}", self.base_url)).json(&body);
        if let Some(key) = &self.api_key {
            request = request.bearer_auth(key);
        }
        let response = check(request.send().await.map_err(unreachable)?).await?;
        // The image may come inside as base64: 4 bytes for 3, plus the JSON around it.
        let body = read_capped(response, self.max_bytes / 3 * 4 + 64 * 1024, self.max_bytes).await?;
        serde_json::from_slice(&body)
            .map_err(|e| protocol(format!("the service's answer is not the expected JSON: {e}")))
    }

    /// `GET /v1/models`: the ids of the models the service lists.
    async fn models(&self) -> Result<Vec<String>, Failure> {
        let mut request = self.client.get(format!("{}/v1/models", self.base_url));
        if let Some(key) = &self.api_key {
            request = request.bearer_auth(key);
        }
        let response = check(request.send().await.map_err(unreachable)?).await?;
        let list: Value =
            response.json().await.map_err(|e| protocol(format!("the model list is not the expected JSON: {e}")))?;
        let ids = list["data"].as_array().ok_or_else(|| protocol("the model list has no data array".into()))?;
        Ok(ids.iter().filter_map(|m| m["id"].as_str().map(str::to_owned)).collect())
    }

    async fn download(&self, url: &str) -> Result<Vec<u8>, Failure> {
        let response = check(self.client.get(url).send().await.map_err(unreachable)?).await?;
        read_capped(response, self.max_bytes, self.max_bytes).await
    }
}

#[async_trait::async_trait]
impl Provider for OpenAi {
    fn name(&self) -> &str {
        "openai"
    }

    fn model(&self) -> &str {
        &self.model
    }

    async fn generate(&self, job: &Job, progress: Progress<'_>) -> Result<Output, Failure> {
        let TaskParams::Image(params) = &job.params else {
            return Err(Failure::Permanent { kind: FailureKind::Unsupported, message: IMAGES_ONLY.into() });
        };
        let body = json!({
            "model": self.model,
            "prompt": params.prompt.as_str(),
            "n": 1,
            "size": params.size.as_str(),
        });
        let answer = self.post("/v1/images/generations", body).await?;
        progress(90);
        let first = &answer["data"][0];
        let bytes = if let Some(b64) = first["b64_json"].as_str() {
            base64::engine::general_purpose::STANDARD
                .decode(b64)
                .map_err(|e| protocol(format!("the image is not valid base64: {e}")))?
        } else if let Some(url) = first["url"].as_str() {
            self.download(url).await?
        } else {
            return Err(protocol("the answer has neither data[0].b64_json nor data[0].url".into()));
        };
        if bytes.len() as u64 > self.max_bytes {
            return Err(too_large(self.max_bytes));
        }
        image_output(bytes)
    }

    async fn check(&self, kind: TaskKind) -> Health {
        if kind == TaskKind::Video {
            return Health::Unavailable(IMAGES_ONLY.into());
        }
        let at = &self.base_url;
        match self.models().await {
            Ok(models) if models.iter().any(|m| *m == self.model) => {
                Health::Ready(format!("answers at {at} and lists the model {}", self.model))
            }
            Ok(models) => Health::Ready(format!(
                "answers at {at}, but does not list the model {} (it lists: {})",
                self.model,
                if models.is_empty() { "nothing".into() } else { models.join(", ") }
            )),
            Err(failure) => Health::Unavailable(format!("{at}: {}", failure.reason())),
        }
    }
}

const IMAGES_ONLY: &str = "This OpenAI-compatible service is configured for images only.";

/// The bytes as an image output, if they are a PNG, JPEG or WebP image whose header reads
/// (a service answering with an HTML page instead fails clearly); its size is read from it.
fn image_output(bytes: Vec<u8>) -> Result<Output, Failure> {
    let not_an_image = |bytes: &[u8]| {
        let start = String::from_utf8_lossy(&bytes[..bytes.len().min(40)]).into_owned();
        protocol(format!("the service sent something that is not an image (it starts with {start:?})"))
    };
    let media_type = match image::guess_format(&bytes) {
        Ok(ImageFormat::Png) => "image/png",
        Ok(ImageFormat::Jpeg) => "image/jpeg",
        Ok(ImageFormat::WebP) => "image/webp",
        _ => return Err(not_an_image(&bytes)),
    };
    let reader = image::ImageReader::new(std::io::Cursor::new(&bytes)).with_guessed_format();
    let (width, height) = reader
        .ok()
        .and_then(|r| r.into_dimensions().ok())
        .ok_or_else(|| protocol(format!("the service sent a broken {media_type} (its header does not read)")))?;
    Ok(Output { media_type: media_type.into(), bytes, width: Some(width), height: Some(height), duration_ms: None })
}

/// Passes a success through; classifies an error status.
async fn check(response: Response) -> Result<Response, Failure> {
    let status = response.status();
    if status.is_success() {
        return Ok(response);
    }
    let retry_after = retry_after(response.headers());
    let body: Value = response.json().await.unwrap_or(Value::Null);
    let message = body["error"]["message"].as_str().map(str::to_owned);
    let cause = match &message {
        Some(m) => format!("HTTP {}: {m}", status.as_u16()),
        None => format!("HTTP {}", status.as_u16()),
    };
    let code = body["error"]["code"].as_str().or(body["error"]["type"].as_str());
    let kind = match (status, code) {
        // OpenAI answers an exhausted quota with 429 too: waiting does not help.
        (StatusCode::PAYMENT_REQUIRED, _) | (_, Some("insufficient_quota" | "billing_hard_limit_reached")) => {
            FailureKind::Quota
        }
        (StatusCode::TOO_MANY_REQUESTS | StatusCode::REQUEST_TIMEOUT, _) => {
            return Err(Failure::Retryable { message: format!("HTTP {}", status.as_u16()), after: retry_after })
        }
        (s, _) if s.is_server_error() => {
            return Err(Failure::Retryable { message: format!("HTTP {}", status.as_u16()), after: retry_after })
        }
        (_, Some("content_policy_violation")) => FailureKind::ContentPolicy,
        (StatusCode::UNAUTHORIZED | StatusCode::FORBIDDEN, _) => FailureKind::Auth,
        (StatusCode::NOT_FOUND, _) => FailureKind::NotFound,
        (StatusCode::BAD_REQUEST | StatusCode::UNPROCESSABLE_ENTITY, _) => FailureKind::Validation,
        _ => FailureKind::Protocol,
    };
    Err(Failure::Permanent { kind, message: format!("The generation service refused: {cause}") })
}

/// The body, refused as soon as it passes `limit` bytes (before any is read when its
/// announced length does); `max_result` is what the message names.
async fn read_capped(mut response: Response, limit: u64, max_result: u64) -> Result<Vec<u8>, Failure> {
    if response.content_length().is_some_and(|n| n > limit) {
        return Err(too_large(max_result));
    }
    let mut body = Vec::new();
    while let Some(chunk) = response.chunk().await.map_err(unreachable)? {
        if (body.len() + chunk.len()) as u64 > limit {
            return Err(too_large(max_result));
        }
        body.extend_from_slice(&chunk);
    }
    Ok(body)
}

fn too_large(max: u64) -> Failure {
    let size = if max >= 1 << 20 { format!("{} MB", max >> 20) } else { format!("{max} bytes") };
    Failure::Permanent {
        kind: FailureKind::TooLarge,
        message: format!("The generation service sent a result over {size} (max-result-bytes in Leptos.toml)."),
    }
}

/// `retry-after-ms` (OpenAI's) or `Retry-After` in seconds.
fn retry_after(headers: &HeaderMap) -> Option<TimeDelta> {
    let number = |name: &str| headers.get(name)?.to_str().ok()?.trim().parse::<f64>().ok();
    let ms = number("retry-after-ms").or_else(|| number("retry-after").map(|s| s * 1000.0))?;
    (ms.is_finite() && ms >= 0.0).then(|| TimeDelta::milliseconds(ms.min(86_400_000.0) as i64))
}

fn unreachable(e: reqwest::Error) -> Failure {
    let what = if e.is_timeout() {
        "timed out"
    } else if e.is_connect() {
        "connection refused"
    } else {
        "connection lost"
    };
    Failure::Retryable { message: format!("generation service {what}"), after: None }
}

fn protocol(message: String) -> Failure {
    Failure::Permanent {
        kind: FailureKind::Protocol,
        message: format!("The generation service answered wrongly: {message}"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn every_error_status_is_classified() {
        let answer = |status: u16, code: &str, headers: &[(&str, &str)]| {
            let body = json!({ "error": { "message": "Nope.", "type": "error", "code": code } }).to_string();
            let mut res = http::Response::builder().status(status);
            for (name, value) in headers {
                res = res.header(*name, *value);
            }
            check(Response::from(res.body(body).unwrap()))
        };
        let retryable = |after: Option<i64>| Failure::Retryable {
            message: String::new(),
            after: after.map(TimeDelta::milliseconds),
        };
        let blank = |failure: Failure| match failure {
            Failure::Retryable { after, .. } => Failure::Retryable { message: String::new(), after },
            permanent => permanent,
        };
        let kind_of = |failure: Failure| match failure {
            Failure::Permanent { kind, message } => {
                assert_eq!(message.split(": ").last(), Some("Nope."), "the service's words are kept");
                Some(kind)
            }
            Failure::Retryable { .. } => None,
        };
        assert_eq!(blank(answer(503, "server_error", &[]).await.unwrap_err()), retryable(None));
        assert_eq!(blank(answer(408, "timeout", &[]).await.unwrap_err()), retryable(None));
        let slow_down = answer(429, "rate_limit_exceeded", &[("retry-after-ms", "1500")]).await.unwrap_err();
        assert_eq!(blank(slow_down), retryable(Some(1500)));
        for (status, code, kind) in [
            (429, "insufficient_quota", FailureKind::Quota),
            (402, "payment_required", FailureKind::Quota),
            (400, "content_policy_violation", FailureKind::ContentPolicy),
            (401, "invalid_api_key", FailureKind::Auth),
            (403, "forbidden", FailureKind::Auth),
            (404, "model_not_found", FailureKind::NotFound),
            (400, "invalid_size", FailureKind::Validation),
            (422, "invalid_value", FailureKind::Validation),
            (418, "teapot", FailureKind::Protocol),
        ] {
            assert_eq!(kind_of(answer(status, code, &[]).await.unwrap_err()), Some(kind), "HTTP {status} {code}");
        }
        assert!(answer(200, "", &[]).await.is_ok());
    }

    #[test]
    fn retry_after_reads_milliseconds_or_seconds() {
        let headers = |pairs: &[(&'static str, &'static str)]| {
            let mut map = HeaderMap::new();
            for (k, v) in pairs {
                map.insert(*k, v.parse().unwrap());
            }
            map
        };
        assert_eq!(retry_after(&headers(&[("retry-after-ms", "1500")])), Some(TimeDelta::milliseconds(1500)));
        assert_eq!(retry_after(&headers(&[("retry-after", "120")])), Some(TimeDelta::seconds(120)));
        assert_eq!(retry_after(&headers(&[("retry-after", "Wed, 21 Oct 2026 07:28:00 GMT")])), None);
        assert_eq!(retry_after(&headers(&[("retry-after", "-3")])), None);
        assert_eq!(retry_after(&HeaderMap::new()), None);
    }

    #[tokio::test]
    async fn bodies_over_the_limit_are_refused_announced_or_not() {
        // `/announced` sends its length; `/streamed` sends chunks with no length.
        let app = axum::Router::new().route("/announced", axum::routing::get(|| async { "0123456789" })).route(
            "/streamed",
            axum::routing::get(|| async {
                let halves = ["01234", "56789"].map(Ok::<_, std::io::Error>);
                axum::body::Body::from_stream(futures_util::stream::iter(halves))
            }),
        );
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let base = format!("http://{}", listener.local_addr().unwrap());
        tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
        let get = |path: &str| reqwest::get(format!("{base}{path}"));
        for path in ["/announced", "/streamed"] {
            assert_eq!(read_capped(get(path).await.unwrap(), 10, 10).await.unwrap(), b"0123456789");
            let Err(Failure::Permanent { kind, message }) = read_capped(get(path).await.unwrap(), 9, 9).await else {
                panic!("{path} is over the limit")
            };
            assert_eq!(kind, FailureKind::TooLarge);
            assert_eq!(message, "The generation service sent a result over 9 bytes (max-result-bytes in Leptos.toml).");
        }
        assert!(too_large(200 << 20).reason().contains("over 200 MB"));
    }

    #[test]
    fn only_images_pass_as_images_with_their_size() {
        let encoded = |format: ImageFormat| {
            let mut bytes = std::io::Cursor::new(Vec::new());
            image::RgbImage::new(5, 3).write_to(&mut bytes, format).unwrap();
            bytes.into_inner()
        };
        for (format, media_type) in
            [(ImageFormat::Png, "image/png"), (ImageFormat::Jpeg, "image/jpeg"), (ImageFormat::WebP, "image/webp")]
        {
            let output = image_output(encoded(format)).unwrap();
            assert_eq!((output.media_type.as_str(), output.width, output.height), (media_type, Some(5), Some(3)));
        }
        let Err(Failure::Permanent { kind, message }) = image_output(b"<!DOCTYPE html><html>".to_vec()) else {
            panic!("an HTML page is not an image")
        };
        assert_eq!(kind, FailureKind::Protocol);
        assert!(message.contains("not an image") && message.contains("<!DOCTYPE html>"), "{message}");
        let Err(Failure::Permanent { message, .. }) = image_output(encoded(ImageFormat::Png)[..20].to_vec()) else {
            panic!("a cut PNG is refused")
        };
        assert!(message.contains("broken image/png"), "{message}");
    }
}
