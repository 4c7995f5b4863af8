//! Following ComfyUI's `/ws` for this server's prompts. ComfyUI sends a prompt's messages
//! only to the socket of the `client_id` it was queued with, so each task has a client id
//! of its own, derived from the task ([`client_id`]): whichever instance resumes the task,
//! after any restart, listens as that client and hears its prompt. A follower is a socket
//! per task, opened on submit or on the first poll of a resumed job, and closed when the
//! prompt ends or nobody has asked about it for [`IDLE`] (a cancelled one, an attempt
//! whose server stops).
//!
//! ComfyUI says there when a prompt starts (`execution_start`), which nodes it took from
//! its cache (`execution_cached`), which node runs (`executing`, `null` when the prompt is
//! done), a node's own progress (`progress {value, max, node}`: a sampler's steps) and a
//! node finished (`executed`). Progress is weighed by work ([`Work`]): a sampler's steps
//! make most of it, every other node one step's worth; it never goes down. Whether a
//! prompt waits, runs or is lost is asked of `/queue`, which a dropped connection cannot
//! mislead. A dropped connection is made again a second later.

use futures_util::StreamExt;
use serde_json::Value;
use std::collections::{HashMap, HashSet};
use std::sync::{Arc, Mutex, Weak};
use std::time::{Duration, Instant};
use tokio_tungstenite::tungstenite::Message;
use uuid::Uuid;

/// A follower nobody asked about for this long is closed (its attempt ended otherwise:
/// the lease lost, the server stopping).
pub const IDLE: Duration = Duration::from_secs(120);

/// The client id a task's prompts are queued with: the same for every attempt of the
/// task, on every instance.
pub fn client_id(task_id: Uuid) -> String {
    format!("atelier-{task_id}")
}

/// How much work a workflow is, in steps: each node one, and the steps its samplers take
/// (every numeric `steps` input; a scheduler's steps are the sampler's that reads them).
/// A node that reports more steps than foreseen makes the whole larger as it runs.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Work {
    nodes: u64,
    steps: u64,
}

impl Work {
    pub fn of(workflow: &Value) -> Self {
        let nodes = workflow.as_object().into_iter().flatten().map(|(_, node)| node);
        let (count, steps) = nodes
            .fold((0, 0), |(count, steps), node| (count + 1, steps + node["inputs"]["steps"].as_u64().unwrap_or(0)));
        Self { nodes: count, steps }
    }
}

/// What `/ws` said of each prompt, by prompt id.
#[derive(Debug)]
pub struct Heard {
    prompts: HashMap<String, Prompt>,
    work: Work,
}

#[derive(Debug, Default)]
struct Prompt {
    /// Nodes done (run or cached).
    done: HashSet<String>,
    running: Option<String>,
    /// Steps of the nodes that reported them: (done, of how many).
    steps: HashMap<String, (u64, u64)>,
    percent: u8,
}

impl Heard {
    pub fn new(work: Work) -> Self {
        Self { prompts: HashMap::new(), work }
    }

    /// The prompt's progress so far, if any was heard.
    pub fn percent(&self, id: &str) -> Option<u8> {
        self.prompts.get(id).map(|p| p.percent).filter(|p| *p > 0)
    }

    pub fn forget(&mut self, id: &str) {
        self.prompts.remove(id);
    }

    /// Takes in one message.
    pub fn record(&mut self, text: &str) {
        let Ok(message) = serde_json::from_str::<Value>(text) else { return };
        let data = &message["data"];
        let Some(id) = data["prompt_id"].as_str() else { return };
        let kind = message["type"].as_str().unwrap_or_default();
        let over = matches!(kind, "execution_success" | "execution_error" | "execution_interrupted");
        if over || (kind == "executing" && data["node"].is_null()) {
            // Done: `/history` has it now; nothing is kept of prompts that ended.
            self.prompts.remove(id);
            return;
        }
        let prompt = self.prompts.entry(id.to_owned()).or_default();
        let node = data["node"].as_str().map(str::to_owned);
        match kind {
            "execution_start" => {}
            "execution_cached" => {
                let cached = data["nodes"].as_array().into_iter().flatten().filter_map(Value::as_str);
                prompt.done.extend(cached.map(str::to_owned));
            }
            "executing" => prompt.run(node),
            "progress" => {
                let (Some(value), Some(max)) = (data["value"].as_u64(), data["max"].as_u64()) else { return };
                let node = node.or_else(|| prompt.running.clone());
                prompt.run(node.clone());
                if let Some(node) = node {
                    prompt.steps.insert(node, (value.min(max), max));
                }
            }
            "executed" => {
                if let Some(node) = node {
                    prompt.running.take_if(|running| *running == node);
                    prompt.done.insert(node);
                }
            }
            _ => return,
        }
        let share = prompt.share(self.work);
        prompt.percent = prompt.percent.max((share * 100.0).min(99.0) as u8);
    }
}

impl Prompt {
    /// `node` runs; the node that ran before it is done.
    fn run(&mut self, node: Option<String>) {
        if self.running != node {
            self.done.extend(self.running.take());
            self.running = node;
        }
    }

    /// The share of the work done: a node done is one step, a node's steps each one more
    /// (all of them once it is done).
    fn share(&self, work: Work) -> f64 {
        let reported: u64 = self.steps.values().map(|(_, max)| max).sum();
        let stepped: u64 =
            self.steps.iter().map(|(node, (value, max))| if self.done.contains(node) { *max } else { *value }).sum();
        let whole = work.nodes.max(self.done.len() as u64) + work.steps.max(reported);
        (self.done.len() as u64 + stepped) as f64 / whole.max(1) as f64
    }
}

/// The followers of one ComfyUI's `/ws`, one per task's client id.
#[derive(Default)]
pub struct Followers(Mutex<HashMap<String, Follower>>);

struct Follower {
    /// When its task's prompt was last asked about.
    asked: Arc<Mutex<Instant>>,
    task: tokio::task::AbortHandle,
}

impl Follower {
    fn idle(asked: &Mutex<Instant>) -> bool {
        asked.lock().unwrap_or_else(|e| e.into_inner()).elapsed() >= IDLE
    }
}

impl Drop for Follower {
    fn drop(&mut self) {
        self.task.abort();
    }
}

impl Followers {
    /// Follows `client` at `base_url`'s `/ws` into `heard`, unless it is followed already;
    /// closes the followers nobody asked about for [`IDLE`].
    pub fn follow(&self, base_url: &str, client: &str, heard: &Arc<Mutex<Heard>>) {
        let mut followers = self.0.lock().unwrap_or_else(|e| e.into_inner());
        followers.retain(|_, f| !Follower::idle(&f.asked));
        if let Some(follower) = followers.get(client) {
            *follower.asked.lock().unwrap_or_else(|e| e.into_inner()) = Instant::now();
            return;
        }
        let url = format!("{}/ws?clientId={client}", base_url.replacen("http", "ws", 1));
        let asked = Arc::new(Mutex::new(Instant::now()));
        let task = tokio::spawn(follow(url, Arc::downgrade(heard), asked.clone())).abort_handle();
        followers.insert(client.to_owned(), Follower { asked, task });
    }

    /// Stops following `client` (its prompt ended).
    pub fn stop(&self, client: &str) {
        self.0.lock().unwrap_or_else(|e| e.into_inner()).remove(client);
    }
}

/// Records what `url` says into `heard` until the provider is gone or the follower idle
/// (a quiet socket is looked at every few seconds).
async fn follow(url: String, heard: Weak<Mutex<Heard>>, asked: Arc<Mutex<Instant>>) {
    while heard.strong_count() > 0 && !Follower::idle(&asked) {
        match tokio_tungstenite::connect_async(url.as_str()).await {
            Ok((mut stream, _)) => loop {
                match tokio::time::timeout(Duration::from_secs(5), stream.next()).await {
                    Ok(Some(Ok(message))) => {
                        let Some(heard) = heard.upgrade() else { return };
                        if let Message::Text(text) = message {
                            heard.lock().unwrap_or_else(|e| e.into_inner()).record(&text);
                        }
                    }
                    Ok(_) => break,
                    Err(_) if Follower::idle(&asked) => return,
                    Err(_) => {}
                }
            },
            Err(e) => tracing::debug!("ComfyUI /ws: {e}"),
        }
        tokio::time::sleep(Duration::from_secs(1)).await;
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn say(heard: &mut Heard, kind: &str, data: Value) -> Option<u8> {
        let mut data = data;
        data["prompt_id"] = json!("p1");
        heard.record(&json!({ "type": kind, "data": data }).to_string());
        heard.percent("p1")
    }

    #[test]
    fn the_shipped_workflows_weigh_their_samplers_steps() {
        let image: Value = serde_json::from_str(include_str!("../../../../comfyui/image-workflow.json")).unwrap();
        assert_eq!(Work::of(&image), Work { nodes: 7, steps: 20 });
        let video: Value = serde_json::from_str(include_str!("../../../../comfyui/video-workflow.json")).unwrap();
        assert_eq!(Work::of(&video), Work { nodes: 14, steps: 30 }, "the scheduler's steps, run by the sampler");
    }

    #[test]
    fn progress_is_weighed_by_steps_and_never_goes_down() {
        // The shipped image workflow: 7 nodes, a sampler of 20 steps.
        let mut heard = Heard::new(Work { nodes: 7, steps: 20 });
        assert_eq!(heard.percent("p1"), None, "nothing heard");
        say(&mut heard, "execution_start", json!({}));
        say(&mut heard, "execution_cached", json!({ "nodes": ["4", "6", "7"] }));
        say(&mut heard, "executing", json!({ "node": "5" }));
        let before = say(&mut heard, "executing", json!({ "node": "3" })).unwrap();
        assert_eq!(before, 14, "4 of 27: the small nodes count little");
        let mut seen = vec![before];
        for step in 1..=20 {
            seen.extend(say(&mut heard, "progress", json!({ "value": step, "max": 20, "node": "3" })));
        }
        let halfway = seen[10];
        assert_eq!(halfway, 51, "half the sampler's steps is half the work, near enough: {seen:?}");
        seen.extend(say(&mut heard, "executing", json!({ "node": "8" })));
        seen.extend(say(&mut heard, "executing", json!({ "node": "9" })));
        seen.extend(say(&mut heard, "executed", json!({ "node": "9" })));
        assert!(seen.windows(2).all(|w| w[0] <= w[1]), "never down: {seen:?}");
        assert_eq!(seen.last(), Some(&99), "100 is the outcome's");
        assert_eq!(say(&mut heard, "executing", json!({ "node": null })), None, "an ended prompt is forgotten");
    }

    #[test]
    fn steps_nobody_foresaw_make_the_work_larger_but_progress_never_goes_back() {
        // No `steps` input: the sampler's steps are learnt as it runs.
        let mut heard = Heard::new(Work { nodes: 4, steps: 0 });
        say(&mut heard, "execution_cached", json!({ "nodes": ["1", "2"] }));
        let cached = say(&mut heard, "executing", json!({ "node": "3" })).unwrap();
        assert_eq!(cached, 50);
        let first = say(&mut heard, "progress", json!({ "value": 1, "max": 30, "node": "3" })).unwrap();
        assert_eq!(first, 50, "now 3 of 34, held where it was");
        let late = say(&mut heard, "progress", json!({ "value": 28, "max": 30, "node": "3" })).unwrap();
        assert_eq!(late, 88, "30 of 34");
    }
}
