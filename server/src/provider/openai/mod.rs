//! OpenAI-compatible image generation (`POST /v1/images/generations`, answered with
//! `b64_json` or a `url`); the same shape serves LocalAI and many gateways. Errors are
//! classified for the engine: unreachable, 5xx, 408, 429 (with `retry-after-ms` or
//! `Retry-After`) are retryable; rejected parameters, content policy, authentication, an
//! exhausted quota (402, or 429 `insufficient_quota`), a missing model and a broken answer
//! are permanent, with the service's own message. `GET /v1/models` tells whether it
//! answers and lists the configured model.

mod response;

use super::{Health, Job, Output, Progress, Provider};
use crate::engine::{Failure, FailureKind};
use app::domain::{TaskKind, TaskParams};
use base64::Engine as _;
use image::ImageFormat;
use response::{check, protocol, read_capped, too_large, unreachable};
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

#[cfg(test)]
mod tests {
    use super::*;

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
