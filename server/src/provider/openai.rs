//! OpenAI-compatible services (OpenAI itself, LocalAI, many gateways). Images are made
//! in one call (`POST /v1/images/generations`, answered with `b64_json` or a `url`);
//! videos are queued jobs (`POST /v1/videos` as multipart form, `GET /v1/videos/{id}`
//! until `completed` or `failed`, then `GET /v1/videos/{id}/content`, and its
//! `?variant=thumbnail` as the poster). `GET /v1/models` tells whether it answers and
//! lists the configured model. Errors are classified by [`http::check`]: a refusal by the
//! safety system is `moderation_blocked` (GPT Image) or `content_policy_violation`
//! (DALL·E), in an error answer or a failed video's `error`.

use super::http::{self, download, job_failed_with, json, protocol, too_large, STATUS_LIMIT};
use super::{media, Capabilities, Connection, Health, Job, Output, Polled, Progress, Provider, Submitted};
use crate::failure::Failure;
use app::domain::{ImageParams, TaskKind, TaskParams};
use base64::Engine as _;
use serde_json::json;

pub struct OpenAi {
    api: Connection,
    kind: TaskKind,
}

impl OpenAi {
    pub fn new(api: Connection, kind: TaskKind) -> Self {
        Self { api, kind }
    }

    /// `GET /v1/models`: the ids of the models the service lists.
    async fn models(&self) -> Result<Vec<String>, Failure> {
        let list = json(self.api.request(reqwest::Method::GET, "/v1/models"), STATUS_LIMIT).await?;
        let ids = list["data"].as_array().ok_or_else(|| protocol("the model list has no data array".into()))?;
        Ok(ids.iter().filter_map(|m| m["id"].as_str().map(str::to_owned)).collect())
    }

    async fn image(&self, params: &ImageParams) -> Result<Output, Failure> {
        let body =
            json!({ "model": self.api.model, "prompt": params.prompt.as_str(), "n": 1, "size": params.size.as_str() });
        let request = self.api.request(reqwest::Method::POST, "/v1/images/generations").json(&body);
        // The image may come inside as base64: 4 bytes for 3, plus the JSON around it.
        let answer = json(request, self.api.max_bytes / 3 * 4 + 64 * 1024).await?;
        let first = &answer["data"][0];
        let bytes = if let Some(b64) = first["b64_json"].as_str() {
            base64::engine::general_purpose::STANDARD
                .decode(b64)
                .map_err(|e| protocol(format!("the image is not valid base64: {e}")))?
        } else if let Some(url) = first["url"].as_str() {
            download(self.api.client.get(url), self.api.max_bytes).await?
        } else {
            return Err(protocol("the answer has neither data[0].b64_json nor data[0].url".into()));
        };
        if bytes.len() as u64 > self.api.max_bytes {
            return Err(too_large(self.api.max_bytes));
        }
        media::image_output(bytes)
    }
}

#[async_trait::async_trait]
impl Provider for OpenAi {
    fn name(&self) -> &str {
        "openai"
    }

    fn model(&self) -> &str {
        &self.api.model
    }

    fn capabilities(&self) -> Capabilities {
        let video = self.kind == TaskKind::Video;
        Capabilities { image: !video, video, remote_jobs: video, cancellable: false, reports_progress: video }
    }

    async fn submit(&self, job: &Job, progress: Progress<'_>) -> Result<Submitted, Failure> {
        let params = match &job.params {
            TaskParams::Image(params) => {
                let output = self.image(params).await?;
                progress(99);
                return Ok(Submitted::Done(output));
            }
            TaskParams::Video(params) => params,
        };
        let (width, height) = params.resolution.dimensions();
        let form = reqwest::multipart::Form::new()
            .text("model", self.api.model.clone())
            .text("prompt", params.prompt.as_str().to_owned())
            .text("seconds", params.duration_secs.secs().to_string())
            .text("size", format!("{width}x{height}"));
        let video = json(self.api.request(reqwest::Method::POST, "/v1/videos").multipart(form), STATUS_LIMIT).await?;
        let id = video["id"].as_str().ok_or_else(|| protocol("the queued video has no id".into()))?;
        Ok(Submitted::Queued(id.to_owned()))
    }

    async fn poll(&self, _job: &Job, remote: &str) -> Result<Polled, Failure> {
        let video = json(self.api.request(reqwest::Method::GET, &format!("/v1/videos/{remote}")), STATUS_LIMIT).await?;
        let progress = video["progress"].as_u64().map(|p| p.min(100) as u8);
        match video["status"].as_str() {
            Some("queued") => Ok(Polled::Waiting { position: None }),
            Some("in_progress") => Ok(Polled::Running { progress }),
            Some("completed") => Ok(Polled::Succeeded(remote.to_owned())),
            Some("failed") => Ok(Polled::Failed(job_failed_with(&video))),
            other => Err(protocol(format!("the video has an unknown status {other:?}"))),
        }
    }

    async fn fetch(&self, job: &Job, location: &str) -> Result<Output, Failure> {
        let content = format!("/v1/videos/{location}/content");
        let bytes = download(self.api.request(reqwest::Method::GET, &content), self.api.max_bytes).await?;
        let mut output = media::output_for(&job.params, bytes)?;
        // The poster is a nicety: a service without thumbnails still gives the video.
        let thumbnail = self.api.request(reqwest::Method::GET, &format!("{content}?variant=thumbnail"));
        if let Ok(Ok(response)) = thumbnail.send().await.map(|r| r.error_for_status()) {
            output.poster = http::read_capped(response, 16 << 20, 16 << 20).await.ok();
        }
        Ok(output)
    }

    async fn check(&self, _kind: TaskKind) -> Health {
        let (at, model) = (&self.api.base_url, &self.api.model);
        match self.models().await {
            Ok(models) if models.iter().any(|m| m == model) => {
                Health::Ready(format!("answers at {at} and lists the model {model}"))
            }
            Ok(models) => Health::Ready(format!(
                "answers at {at}, but does not list the model {model} (it lists: {})",
                if models.is_empty() { "nothing".into() } else { models.join(", ") }
            )),
            Err(failure) => Health::Unavailable(format!("{at}: {}", failure.reason())),
        }
    }
}
