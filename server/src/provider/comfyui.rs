//! ComfyUI: the configured API-format workflow file (the "model") with its placeholders
//! filled in (`"{{prompt}}"`, `"{{negative_prompt}}"`, `"{{seed}}"`, `"{{style}}"`,
//! `"{{width}}"`, `"{{height}}"`, and for video `"{{frames}}"`, `"{{fps}}"`,
//! `"{{duration}}"`; `workflow.rs`) is queued with `POST /prompt`, under the task's own
//! client id. `GET /history/{id}` is empty until it ran, then holds its status and outputs
//! (`outputs.rs` picks the result and a video's poster); files come from `GET /view`.
//! Until then `GET /queue` tells a job waiting (and how many wait before it) from one
//! running, and a job in neither place is gone (ComfyUI restarted): it is submitted anew
//! at once. `/ws`, listened to as the task's client, says how far a running one is
//! (`ws.rs`). Cancel removes it from the queue (`POST /queue {"delete": [id]}`) and
//! interrupts it if it is the one running; a prompt interrupted at ComfyUI ends its task
//! cancelled. The check asks `/object_info` whether the workflow's nodes and files are
//! there (`nodes.rs`).

use super::http::{job_failed, json, protocol, STATUS_LIMIT};
use super::{media, Capabilities, Connection, Health, Job, Output, Polled, Progress, Provider, Submitted};
use crate::config::ConfigError;
use crate::failure::{Failure, FailureKind};
use app::domain::TaskKind;
use reqwest::Method;
use serde_json::{json, Value};
use std::sync::{Arc, Mutex};

mod nodes;
mod outputs;
mod workflow;
mod ws;

use ws::{client_id, Followers, Heard, Work};

pub struct ComfyUi {
    api: Connection,
    workflow: Value,
    heard: Arc<Mutex<Heard>>,
    /// The `/ws` sockets of the tasks followed, one per task's client id.
    followers: Followers,
}

/// Where ComfyUI's `/queue` has a prompt.
#[derive(Debug, PartialEq)]
enum InQueue {
    Running,
    /// Waiting, at this place (1: next).
    Pending(u32),
    Absent,
}

/// A poster bigger than this is not kept.
const POSTER_LIMIT: u64 = 16 << 20;

/// `/object_info` lists every node ComfyUI has, custom nodes included: it can be large.
const OBJECT_INFO_LIMIT: u64 = 64 << 20;

impl ComfyUi {
    /// Reads the workflow file the model setting names; a missing or unreadable one, one
    /// in the UI format or without `"{{prompt}}"`, is a configuration mistake found at start.
    pub fn new(api: Connection) -> Result<Self, ConfigError> {
        let workflow = workflow::load(&api.model)?;
        let heard = Arc::new(Mutex::new(Heard::new(Work::of(&workflow))));
        Ok(Self { api, workflow, heard, followers: Followers::default() })
    }

    /// Listens to `/ws` as the task's client (its prompts' progress is sent there only):
    /// on submit, and on every poll, so that a job resumed after a restart is heard too.
    fn listen(&self, job: &Job) {
        self.followers.follow(&self.api.base_url, &client_id(job.task_id), &self.heard);
    }

    fn heard(&self) -> std::sync::MutexGuard<'_, Heard> {
        self.heard.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// The prompt's ending, once `/history` has it.
    async fn ended(&self, job: &Job, remote: &str) -> Result<Option<Polled>, Failure> {
        let history = json(self.api.request(Method::GET, &format!("/history/{remote}")), STATUS_LIMIT).await?;
        let Some(entry) = history.get(remote) else { return Ok(None) };
        self.done_with(job, remote);
        let status = &entry["status"];
        if status["status_str"] == "error" {
            let messages = status["messages"].as_array().into_iter().flatten();
            if messages.clone().any(|m| m[0] == "execution_interrupted") {
                let message = "Cancelled at ComfyUI (the prompt was interrupted there).".into();
                return Ok(Some(Polled::Failed(Failure::Permanent { kind: FailureKind::Cancelled, message })));
            }
            return Ok(Some(Polled::Failed(job_failed(&execution_error(status)))));
        }
        Ok(Some(Polled::Succeeded(outputs::location(&entry["outputs"], job.params.kind())?)))
    }

    /// Nothing more is to be heard of the prompt.
    fn done_with(&self, job: &Job, remote: &str) {
        self.heard().forget(remote);
        self.followers.stop(&client_id(job.task_id));
    }

    /// A file ComfyUI made, from `/view`, at most `limit` bytes.
    async fn view(&self, file: &outputs::File, limit: u64) -> Result<Vec<u8>, Failure> {
        let mut url = reqwest::Url::parse(&format!("{}/view", self.api.base_url))
            .map_err(|e| protocol(format!("the view address: {e}")))?;
        url.query_pairs_mut()
            .append_pair("filename", &file.filename)
            .append_pair("subfolder", &file.subfolder)
            .append_pair("type", &file.folder);
        super::http::download(self.api.authorised(self.api.client.get(url)), limit).await
    }

    /// Where `/queue` has the prompt.
    async fn in_queue(&self, remote: &str) -> Result<InQueue, Failure> {
        Ok(in_queue(&json(self.api.request(Method::GET, "/queue"), STATUS_LIMIT).await?, remote))
    }
}

/// Where ComfyUI's `/queue` answer has the prompt `remote`. Its items are `[number,
/// prompt_id, prompt, extra_data, outputs]`; pending ones are listed in no order (a heap)
/// and run by their number, lowest first.
fn in_queue(queue: &Value, remote: &str) -> InQueue {
    let items = |key: &str| queue[key].as_array().into_iter().flatten();
    if items("queue_running").any(|item| item[1] == remote) {
        return InQueue::Running;
    }
    let Some(number) = items("queue_pending").find(|item| item[1] == remote).map(|item| item[0].as_f64()) else {
        return InQueue::Absent;
    };
    let number = number.unwrap_or(f64::MAX);
    let before = items("queue_pending").filter(|item| item[1] != remote && item[0].as_f64() < Some(number)).count();
    InQueue::Pending(u32::try_from(before + 1).unwrap_or(u32::MAX))
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
        self.listen(job);
        let prompt = workflow::filled(&self.workflow, &job.params);
        let body = json!({ "prompt": prompt, "client_id": client_id(job.task_id) });
        let queued = json(self.api.request(Method::POST, "/prompt").json(&body), STATUS_LIMIT).await?;
        let id = queued["prompt_id"].as_str().ok_or_else(|| protocol("the queued prompt has no prompt_id".into()))?;
        Ok(Submitted::Queued(id.to_owned()))
    }

    /// Finished in `/history`; else as `/queue` has it: running (with the progress `/ws`
    /// reported), waiting (at its place), or in neither (ComfyUI restarted, or the job was
    /// deleted there): gone, so that the task is submitted again at once.
    async fn poll(&self, job: &Job, remote: &str) -> Result<Polled, Failure> {
        self.listen(job);
        if let Some(ended) = self.ended(job, remote).await? {
            return Ok(ended);
        }
        match self.in_queue(remote).await? {
            InQueue::Running => Ok(Polled::Running { progress: self.heard().percent(remote) }),
            InQueue::Pending(position) => Ok(Polled::Waiting { position: Some(position) }),
            // It may have ended between the two questions.
            InQueue::Absent => Ok(self.ended(job, remote).await?.unwrap_or_else(|| {
                self.done_with(job, remote);
                Polled::Gone(format!("ComfyUI no longer has the job {remote} (restarted, or deleted from its queue)"))
            })),
        }
    }

    /// `location`: the result file and its poster ([`outputs::Location`], as JSON).
    async fn fetch(&self, job: &Job, location: &str) -> Result<Output, Failure> {
        let location: outputs::Location =
            serde_json::from_str(location).map_err(|e| protocol(format!("an output file's name: {e}")))?;
        let mut output = media::output_for(&job.params, self.view(&location.file, self.api.max_bytes).await?)?;
        if let Some(poster) = &location.poster {
            // The poster is a nicety: without it, the video still is the result.
            output.poster = self.view(poster, POSTER_LIMIT).await.ok();
        }
        Ok(output)
    }

    async fn cancel(&self, remote: &str) -> Result<(), Failure> {
        self.heard().forget(remote);
        let delete = json!({ "delete": [remote] });
        self.api.request(Method::POST, "/queue").json(&delete).send().await.map_err(super::http::unreachable)?;
        if let InQueue::Running = self.in_queue(remote).await? {
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

    /// It answers, and its `/object_info` has every node and file the workflow names.
    async fn check(&self, kind: TaskKind) -> Health {
        let at = &self.api.base_url;
        let stats = match json(self.api.request(Method::GET, "/system_stats"), STATUS_LIMIT).await {
            Ok(stats) => stats,
            Err(failure) => return Health::Unavailable(format!("{at}: {}", failure.reason())),
        };
        let version = stats["system"]["comfyui_version"].as_str().unwrap_or("of unknown version");
        let answers = format!("answers at {at} (ComfyUI {version})");
        let (kind, model) = (kind.as_str(), &self.api.model);
        match json(self.api.request(Method::GET, "/object_info"), OBJECT_INFO_LIMIT).await {
            Err(failure) => {
                Health::Unavailable(format!("{answers}, but its nodes could not be read: {}", failure.reason()))
            }
            Ok(info) => match nodes::problems(&self.workflow, &info)[..] {
                [] => Health::Ready(format!("{answers}; {kind} from the workflow {model}")),
                ref problems => Health::Unavailable(format!(
                    "{answers}, but the workflow {model} cannot run there: {}",
                    problems.join("; ")
                )),
            },
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_waiting_prompts_place_is_counted_by_number_not_by_listing() {
        let queue = json!({
            "queue_running": [[3, "run", {}, {}, ["9"]]],
            "queue_pending": [[9, "late", {}, {}, ["9"]], [5, "mine", {}, {}, ["9"]], [-1, "front", {}, {}, ["9"]],
                [4, "early", {}, {}, ["9"]]],
        });
        assert_eq!(in_queue(&queue, "run"), InQueue::Running);
        assert_eq!(in_queue(&queue, "front"), InQueue::Pending(1), "queued at the front: next");
        assert_eq!(in_queue(&queue, "mine"), InQueue::Pending(3));
        assert_eq!(in_queue(&queue, "late"), InQueue::Pending(4));
        assert_eq!(in_queue(&queue, "gone"), InQueue::Absent);
        assert_eq!(in_queue(&json!({}), "mine"), InQueue::Absent);
    }
}
