//! Replicate: `POST /v1/predictions` with the model (`owner/name` or a version id) and its
//! input queues a prediction; `GET /v1/predictions/{id}` reports `starting`,
//! `processing`, `succeeded` (with `output`: a file URL or a list of them), `failed`
//! (with `error`: a refusal by the safety checks ends "(E005)") or `canceled`;
//! `POST /v1/predictions/{id}/cancel` stops it. Progress is read from the model's log (the
//! last `NN%|` a progress bar printed).

use super::http::{download, job_failed, json, percent_in, protocol, STATUS_LIMIT};
use super::{media, Capabilities, Connection, Health, Job, Output, Polled, Progress, Provider, Submitted};
use crate::failure::{Failure, FailureKind};
use app::domain::{TaskKind, TaskParams};
use reqwest::Method;
use serde_json::{json, Value};

pub struct Replicate {
    api: Connection,
}

impl Replicate {
    pub fn new(api: Connection) -> Self {
        Self { api }
    }
}

/// The model's input: the fields most image and video models on Replicate take.
pub(super) fn input(params: &TaskParams) -> Value {
    let mut input = match params {
        TaskParams::Image(p) => {
            let (width, height) = p.size.dimensions();
            json!({ "prompt": p.prompt.as_str(), "width": width, "height": height, "seed": p.seed })
        }
        TaskParams::Video(p) => {
            let (width, height) = p.resolution.dimensions();
            json!({
                "prompt": p.prompt.as_str(), "duration": p.duration_secs.secs(), "fps": p.fps.per_second(),
                "width": width, "height": height, "seed": p.seed,
            })
        }
    };
    if let Some(negative) = params.negative_prompt() {
        input["negative_prompt"] = negative.into();
    }
    input
}

#[async_trait::async_trait]
impl Provider for Replicate {
    fn name(&self) -> &str {
        "replicate"
    }

    fn model(&self) -> &str {
        &self.api.model
    }

    fn capabilities(&self) -> Capabilities {
        Capabilities { image: true, video: true, remote_jobs: true, cancellable: true, reports_progress: true }
    }

    async fn submit(&self, job: &Job, _progress: Progress<'_>) -> Result<Submitted, Failure> {
        let body = json!({ "version": self.api.model, "input": input(&job.params) });
        let prediction = json(self.api.request(Method::POST, "/v1/predictions").json(&body), STATUS_LIMIT).await?;
        let id = prediction["id"].as_str().ok_or_else(|| protocol("the prediction has no id".into()))?;
        Ok(Submitted::Queued(id.to_owned()))
    }

    async fn poll(&self, _job: &Job, remote: &str) -> Result<Polled, Failure> {
        let prediction =
            json(self.api.request(Method::GET, &format!("/v1/predictions/{remote}")), STATUS_LIMIT).await?;
        match prediction["status"].as_str() {
            Some("starting") => Ok(Polled::Waiting { position: None }),
            Some("processing") => {
                Ok(Polled::Running { progress: percent_in(prediction["logs"].as_str().unwrap_or("")) })
            }
            Some("succeeded") => {
                let output = &prediction["output"];
                let url = output.as_str().or_else(|| output[0].as_str());
                let url = url.ok_or_else(|| protocol("the succeeded prediction has no output URL".into()))?;
                Ok(Polled::Succeeded(url.to_owned()))
            }
            Some("failed") => Ok(Polled::Failed(job_failed(prediction["error"].as_str().unwrap_or_default()))),
            Some("canceled") => Ok(Polled::Failed(Failure::Permanent {
                kind: FailureKind::Cancelled,
                message: "The prediction was cancelled at Replicate.".into(),
            })),
            other => Err(protocol(format!("the prediction has an unknown status {other:?}"))),
        }
    }

    async fn fetch(&self, job: &Job, location: &str) -> Result<Output, Failure> {
        let bytes = download(self.api.client.get(location), self.api.max_bytes).await?;
        media::output_for(&job.params, bytes)
    }

    async fn cancel(&self, remote: &str) -> Result<(), Failure> {
        json(self.api.request(Method::POST, &format!("/v1/predictions/{remote}/cancel")), STATUS_LIMIT).await.map(drop)
    }

    async fn check(&self, kind: TaskKind) -> Health {
        let (at, model) = (&self.api.base_url, &self.api.model);
        // Official models answer at /v1/models/{owner}/{name}; a bare version id is not listed.
        let Some((owner, name)) = model.split(':').next().and_then(|m| m.split_once('/')) else {
            return match json(self.api.request(Method::GET, "/v1/account"), STATUS_LIMIT).await {
                Ok(_) => Health::Ready(format!("answers at {at}; {} with version {model}", kind.as_str())),
                Err(failure) => Health::Unavailable(format!("{at}: {}", failure.reason())),
            };
        };
        match json(self.api.request(Method::GET, &format!("/v1/models/{owner}/{name}")), STATUS_LIMIT).await {
            Ok(_) => Health::Ready(format!("answers at {at} and has the model {model}")),
            Err(Failure::Permanent { kind: FailureKind::NotFound, .. }) => {
                Health::Unavailable(format!("answers at {at}, but has no model {model}"))
            }
            Err(failure) => Health::Unavailable(format!("{at}: {}", failure.reason())),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn input_carries_the_request() {
        let params: TaskParams = serde_json::from_value(json!({
            "kind": "image", "prompt": "a red kite", "negative_prompt": "blur", "size": "1536x1024",
            "style": "none", "seed": 7
        }))
        .unwrap();
        assert_eq!(
            input(&params),
            json!({ "prompt": "a red kite", "negative_prompt": "blur", "width": 1536, "height": 1024, "seed": 7 })
        );
    }
}
