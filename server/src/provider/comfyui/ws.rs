//! Following ComfyUI's `/ws` for this server's prompts. ComfyUI says there when a prompt
//! starts (`execution_start`), which nodes it took from its cache (`execution_cached`),
//! which node runs (`executing`, `null` when the prompt is done), a node's own progress
//! (`progress {value, max, node}`) and a node finished (`executed`). A prompt's progress is
//! counted over the whole graph, as ComfyUI's own page does: (nodes done + the running
//! node's share) / nodes in the workflow, and it never goes down. Whether a prompt waits,
//! runs or is lost is asked of `/queue`, which a dropped connection cannot mislead. The
//! connection is made again a second after it drops; the follower ends once the provider
//! is gone.

use futures_util::StreamExt;
use serde_json::Value;
use std::collections::{HashMap, HashSet};
use std::sync::{Mutex, Weak};
use std::time::Duration;
use tokio_tungstenite::tungstenite::Message;

/// What `/ws` said of each prompt, by prompt id.
#[derive(Debug, Default)]
pub struct Heard {
    prompts: HashMap<String, Prompt>,
    /// Nodes in the workflow: the whole graph progress is counted over.
    nodes: usize,
}

#[derive(Debug, Default)]
struct Prompt {
    done: HashSet<String>,
    running: Option<(String, f64)>,
    percent: u8,
}

impl Heard {
    pub fn new(nodes: usize) -> Self {
        Self { prompts: HashMap::new(), nodes }
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
        let prompt = self.prompts.entry(id.to_owned()).or_default();
        let node = data["node"].as_str().map(str::to_owned);
        let over =
            matches!(message["type"].as_str(), Some("execution_success" | "execution_error" | "execution_interrupted"));
        if over || (message["type"] == "executing" && data["node"].is_null()) {
            // Done: `/history` has it now; nothing is kept of prompts that ended.
            self.prompts.remove(id);
            return;
        }
        match message["type"].as_str() {
            Some("execution_start") => {}
            Some("execution_cached") => {
                let cached = data["nodes"].as_array().into_iter().flatten().filter_map(Value::as_str);
                prompt.done.extend(cached.map(str::to_owned));
            }
            Some("executing") => prompt.run(node, 0.0),
            Some("progress") => {
                let (Some(value), Some(max)) = (data["value"].as_u64(), data["max"].as_u64()) else { return };
                let node = node.or_else(|| prompt.running.as_ref().map(|(n, _)| n.clone()));
                prompt.run(node, if max > 0 { value.min(max) as f64 / max as f64 } else { 0.0 });
            }
            Some("executed") => {
                if let Some(node) = node {
                    prompt.running.take_if(|(running, _)| *running == node);
                    prompt.done.insert(node);
                }
            }
            _ => return,
        }
        let share =
            (prompt.done.len() as f64 + prompt.running.as_ref().map_or(0.0, |(_, s)| *s)) / self.nodes.max(1) as f64;
        prompt.percent = prompt.percent.max((share * 100.0).min(99.0) as u8);
    }
}

impl Prompt {
    /// `node` runs, `share` done; the node that ran before it is done.
    fn run(&mut self, node: Option<String>, share: f64) {
        match (self.running.take(), node) {
            (Some((before, _)), Some(now)) if before == now => self.running = Some((now, share)),
            (before, now) => {
                self.done.extend(before.map(|(node, _)| node));
                self.running = now.map(|node| (node, share));
            }
        }
    }
}

pub async fn follow(url: String, heard: Weak<Mutex<Heard>>) {
    while heard.strong_count() > 0 {
        match tokio_tungstenite::connect_async(url.as_str()).await {
            Ok((mut stream, _)) => {
                while let Some(Ok(message)) = stream.next().await {
                    let Some(heard) = heard.upgrade() else { return };
                    if let Message::Text(text) = message {
                        heard.lock().unwrap_or_else(|e| e.into_inner()).record(&text);
                    }
                }
            }
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
    fn progress_counts_the_whole_graph_and_never_goes_down() {
        let mut heard = Heard::new(4);
        assert_eq!(heard.percent("p1"), None, "nothing heard");
        say(&mut heard, "execution_start", json!({}));
        say(&mut heard, "execution_cached", json!({ "nodes": ["1"] }));
        say(&mut heard, "executing", json!({ "node": "2" }));
        let mut seen = vec![heard.percent("p1").unwrap_or(0)];
        // Two nodes that report progress, each from its own start: 0→99 then 10→90.
        for value in [0, 50, 99] {
            seen.extend(say(&mut heard, "progress", json!({ "value": value, "max": 99, "node": "2" })));
        }
        say(&mut heard, "executed", json!({ "node": "2" }));
        for value in [10, 50, 90] {
            seen.extend(say(&mut heard, "progress", json!({ "value": value, "max": 100, "node": "3" })));
        }
        seen.extend(say(&mut heard, "executing", json!({ "node": "4" })));
        seen.extend(say(&mut heard, "executed", json!({ "node": "4" })));
        assert!(seen.windows(2).all(|w| w[0] <= w[1]), "never down: {seen:?}");
        assert_eq!(seen.first(), Some(&25), "the cached node is done");
        assert_eq!(seen.last(), Some(&99), "100 is the outcome's");
        assert_eq!(say(&mut heard, "executing", json!({ "node": null })), None, "an ended prompt is forgotten");
        assert!(seen.contains(&72), "the second node's 90 % counts on top of the first: {seen:?}");
    }
}
