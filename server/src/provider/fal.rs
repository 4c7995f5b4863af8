//! fal's queue: `POST {base}/{model}` with the model's input queues a request;
//! `GET {base}/{app}/requests/{id}/status?logs=1` reports `IN_QUEUE`, `IN_PROGRESS` or
//! `COMPLETED` (with `error` when it failed; also `FAILED`, `CANCELED`);
//! `GET {base}/{app}/requests/{id}` is the model's answer, holding the file's URL
//! (`images[0].url`, `image.url` or `video.url`); `PUT …/cancel` cancels it. `{app}` is
//! the model id's owner and name, without any sub-path (`fal-ai/flux` for
//! `fal-ai/flux/schnell`). The key goes as `Authorization: Key …`. A model's refusal by
//! its content checker is a 422 whose `detail` entries have the type
//! `content_policy_violation` (classified by `http::check`).

use super::http::{download, job_failed, json, percent_in, protocol, STATUS_LIMIT};
use super::replicate::input;
use super::{media, Capabilities, Connection, Health, Job, Output, Polled, Progress, Provider, Submitted};
use crate::failure::{Failure, FailureKind};
use app::domain::{TaskKind, TaskParams};
use reqwest::Method;
use serde_json::{json, Value};

pub struct Fal {
    api: Connection,
    /// The model's owner and name: where its requests are asked about.
    app: String,
}

impl Fal {
    pub fn new(api: Connection) -> Self {
        let app = api.model.split('/').take(2).collect::<Vec<_>>().join("/");
        Self { api, app }
    }

    fn of_request(&self, id: &str, then: &str) -> String {
        format!("/{}/requests/{id}{then}", self.app)
    }
}

#[async_trait::async_trait]
impl Provider for Fal {
    fn name(&self) -> &str {
        "fal"
    }

    fn model(&self) -> &str {
        &self.api.model
    }

    fn capabilities(&self) -> Capabilities {
        Capabilities { image: true, video: true, remote_jobs: true, cancellable: true, reports_progress: true }
    }

    async fn submit(&self, job: &Job, _progress: Progress<'_>) -> Result<Submitted, Failure> {
        let mut body = input(&job.params);
        if let TaskParams::Image(params) = &job.params {
            let (width, height) = params.size.dimensions();
            body["image_size"] = json!({ "width": width, "height": height });
        }
        let queued =
            json(self.api.request(Method::POST, &format!("/{}", self.api.model)).json(&body), STATUS_LIMIT).await?;
        let id =
            queued["request_id"].as_str().ok_or_else(|| protocol("the queued request has no request_id".into()))?;
        Ok(Submitted::Queued(id.to_owned()))
    }

    async fn poll(&self, _job: &Job, remote: &str) -> Result<Polled, Failure> {
        let status =
            json(self.api.request(Method::GET, &self.of_request(remote, "/status?logs=1")), STATUS_LIMIT).await?;
        let logs = || {
            let lines = status["logs"].as_array().into_iter().flatten();
            lines.filter_map(|l| l["message"].as_str()).collect::<Vec<_>>().join("\n")
        };
        match status["status"].as_str() {
            Some("IN_QUEUE") => Ok(Polled::Waiting { position: None }),
            Some("IN_PROGRESS") => Ok(Polled::Running { progress: percent_in(&logs()) }),
            Some("COMPLETED") => match status["error"].as_str() {
                Some(error) => Ok(Polled::Failed(job_failed(error))),
                None => Ok(Polled::Succeeded(remote.to_owned())),
            },
            Some("FAILED") => Ok(Polled::Failed(job_failed(status["error"].as_str().unwrap_or_default()))),
            Some("CANCELED" | "CANCELLED") => Ok(Polled::Failed(Failure::Permanent {
                kind: FailureKind::Cancelled,
                message: "The request was cancelled at fal.".into(),
            })),
            other => Err(protocol(format!("the request has an unknown status {other:?}"))),
        }
    }

    async fn fetch(&self, job: &Job, location: &str) -> Result<Output, Failure> {
        let answer = json(self.api.request(Method::GET, &self.of_request(location, "")), STATUS_LIMIT).await?;
        if answer["has_nsfw_concepts"].as_array().is_some_and(|flags| flags.iter().any(|f| f == true)) {
            return Err(job_failed("the safety checker flagged the result as NSFW"));
        }
        let url =
            file_url(&answer).ok_or_else(|| protocol("the answer names no file (images, image or video)".into()))?;
        let bytes = download(self.api.client.get(url), self.api.max_bytes).await?;
        media::output_for(&job.params, bytes)
    }

    async fn cancel(&self, remote: &str) -> Result<(), Failure> {
        json(self.api.request(Method::PUT, &self.of_request(remote, "/cancel")), STATUS_LIMIT).await.map(drop)
    }

    async fn check(&self, kind: TaskKind) -> Health {
        // The queue has no listing: asking about a request that does not exist tells
        // whether it answers and accepts the key (404 is the good answer).
        let (at, model) = (&self.api.base_url, &self.api.model);
        let probe = self.of_request("00000000-0000-0000-0000-000000000000", "/status");
        match json(self.api.request(Method::GET, &probe), STATUS_LIMIT).await {
            Ok(_) | Err(Failure::Permanent { kind: FailureKind::NotFound | FailureKind::Validation, .. }) => {
                Health::Ready(format!("answers at {at}; {} with {model}", kind.as_str()))
            }
            Err(failure) => Health::Unavailable(format!("{at}: {}", failure.reason())),
        }
    }
}

/// The result file's URL in a model's answer.
fn file_url(answer: &Value) -> Option<&str> {
    answer["images"][0]["url"].as_str().or(answer["image"]["url"].as_str()).or(answer["video"]["url"].as_str())
}
