//! ComfyUI: the configured API-format workflow file (the "model") with its placeholders
//! filled in (`"{{prompt}}"`, `"{{negative_prompt}}"`, `"{{seed}}"`, `"{{width}}"`,
//! `"{{height}}"`, and for video `"{{frames}}"`, `"{{fps}}"`, `"{{duration}}"`) is queued
//! with `POST /prompt`; `GET /history/{id}` is empty until it ran, then holds its status
//! and outputs; the file comes from `GET /view`. Progress arrives on `/ws` (`progress`
//! messages for this client's prompts). Cancel removes it from the queue
//! (`POST /queue {"delete": [id]}`) and interrupts it if it is the one running.

use super::http::{job_failed, json, protocol, STATUS_LIMIT};
use super::{media, Capabilities, Connection, Health, Job, Output, Polled, Progress, Provider, Submitted};
use crate::config::ConfigError;
use crate::failure::{Failure, FailureKind};
use app::domain::TaskKind;
use reqwest::Method;
use serde_json::{json, Value};
use std::collections::HashMap;
use std::sync::{Arc, Mutex};

mod workflow;
mod ws;

/// Progress of this client's prompts, as `/ws` reports it.
type ProgressMap = Arc<Mutex<HashMap<String, u8>>>;

pub struct ComfyUi {
    api: Connection,
    workflow: Value,
    /// Names this server's connection, so that `/ws` reports its prompts' progress.
    client_id: String,
    progress: ProgressMap,
    listening: std::sync::Once,
}

impl ComfyUi {
    /// Reads the workflow file the model setting names; a missing or unreadable one, or
    /// one without `"{{prompt}}"`, is a configuration mistake found at start.
    pub fn new(api: Connection) -> Result<Self, ConfigError> {
        let workflow = workflow::load(&api.model)?;
        let client_id = uuid::Uuid::new_v4().to_string();
        let progress = ProgressMap::default();
        Ok(Self { api, workflow, client_id, progress, listening: std::sync::Once::new() })
    }

    /// Starts following `/ws` (once; it ends with the provider).
    fn listen(&self) {
        self.listening.call_once(|| {
            let url = format!("{}/ws?clientId={}", self.api.base_url.replacen("http", "ws", 1), self.client_id);
            tokio::spawn(ws::follow(url, Arc::downgrade(&self.progress)));
        });
    }
}

#[async_trait::async_trait]
impl Provider for ComfyUi {
    fn name(&self) -> &str {
        "comfyui"
    }

    fn model(&self) -> &str {
        &self.api.model
    }

    fn capabilities(&self) -> Capabilities {
        Capabilities { image: true, video: true, remote_jobs: true, cancellable: true, reports_progress: true }
    }

    async fn submit(&self, job: &Job, _progress: Progress<'_>) -> Result<Submitted, Failure> {
        self.listen();
        let prompt = workflow::filled(&self.workflow, &job.params);
        let body = json!({ "prompt": prompt, "client_id": self.client_id });
        let queued = json(self.api.request(Method::POST, "/prompt").json(&body), STATUS_LIMIT).await?;
        let id = queued["prompt_id"].as_str().ok_or_else(|| protocol("the queued prompt has no prompt_id".into()))?;
        Ok(Submitted::Queued(id.to_owned()))
    }

    async fn poll(&self, _job: &Job, remote: &str) -> Result<Polled, Failure> {
        let history = json(self.api.request(Method::GET, &format!("/history/{remote}")), STATUS_LIMIT).await?;
        let Some(entry) = history.get(remote) else {
            let progress = self.progress.lock().unwrap_or_else(|e| e.into_inner()).get(remote).copied();
            return Ok(Polled::Running { progress });
        };
        self.progress.lock().unwrap_or_else(|e| e.into_inner()).remove(remote);
        let status = &entry["status"];
        if status["status_str"] == "error" {
            let messages = status["messages"].as_array().into_iter().flatten();
            if messages.clone().any(|m| m[0] == "execution_interrupted") {
                let message = "The prompt was interrupted at ComfyUI.".into();
                return Ok(Polled::Failed(Failure::Permanent { kind: FailureKind::Cancelled, message }));
            }
            return Ok(Polled::Failed(job_failed(&execution_error(status))));
        }
        let outputs = entry["outputs"].as_object().into_iter().flat_map(|o| o.values());
        let file = outputs
            .flat_map(|node| ["images", "gifs", "videos"].into_iter().filter_map(|k| node[k].as_array()).flatten())
            .find(|f| f["type"] == "output")
            .ok_or_else(|| protocol("the finished prompt has no output file".into()))?;
        let name = |key: &str| file[key].as_str().unwrap_or_default().to_owned();
        Ok(Polled::Succeeded(json!([name("filename"), name("subfolder")]).to_string()))
    }

    /// `location`: the output file's name and sub-folder, as a JSON pair.
    async fn fetch(&self, job: &Job, location: &str) -> Result<Output, Failure> {
        let (filename, subfolder): (String, String) =
            serde_json::from_str(location).map_err(|e| protocol(format!("an output file's name: {e}")))?;
        let mut url = reqwest::Url::parse(&format!("{}/view", self.api.base_url))
            .map_err(|e| protocol(format!("the view address: {e}")))?;
        url.query_pairs_mut()
            .append_pair("filename", &filename)
            .append_pair("subfolder", &subfolder)
            .append_pair("type", "output");
        let bytes = super::http::download(self.api.authorised(self.api.client.get(url)), self.api.max_bytes).await?;
        media::output_for(&job.params, bytes)
    }

    async fn cancel(&self, remote: &str) -> Result<(), Failure> {
        let delete = json!({ "delete": [remote] });
        self.api.request(Method::POST, "/queue").json(&delete).send().await.map_err(super::http::unreachable)?;
        let queue = json(self.api.request(Method::GET, "/queue"), STATUS_LIMIT).await?;
        let running = queue["queue_running"].as_array().into_iter().flatten().any(|item| item[1] == remote);
        if running {
            let interrupt = json!({ "prompt_id": remote });
            self.api
                .request(Method::POST, "/interrupt")
                .json(&interrupt)
                .send()
                .await
                .map_err(super::http::unreachable)?;
        }
        Ok(())
    }

    async fn check(&self, kind: TaskKind) -> Health {
        let at = &self.api.base_url;
        match json(self.api.request(Method::GET, "/system_stats"), STATUS_LIMIT).await {
            Ok(stats) => Health::Ready(format!(
                "answers at {at} (ComfyUI {}); {} from the workflow {}",
                stats["system"]["comfyui_version"].as_str().unwrap_or("of unknown version"),
                kind.as_str(),
                self.api.model
            )),
            Err(failure) => Health::Unavailable(format!("{at}: {}", failure.reason())),
        }
    }
}

/// The node error in a failed prompt's status messages.
fn execution_error(status: &Value) -> String {
    let messages = status["messages"].as_array().into_iter().flatten();
    messages
        .filter(|m| m[0] == "execution_error")
        .find_map(|m| {
            let node = m[1]["node_type"].as_str().unwrap_or("a node");
            m[1]["exception_message"].as_str().map(|e| format!("{node}: {}", e.trim()))
        })
        .unwrap_or_default()
}
