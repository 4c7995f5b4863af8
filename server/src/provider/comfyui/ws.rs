//! Following ComfyUI's `/ws` for this server's prompts: each `progress` message
//! (`{"type": "progress", "data": {"value", "max", "prompt_id"}}`) records the prompt's
//! share done, read by the next poll. The connection is made again a second after it
//! drops; the follower ends once the provider is gone.

use futures_util::StreamExt;
use serde_json::Value;
use std::collections::HashMap;
use std::sync::{Mutex, Weak};
use std::time::Duration;
use tokio_tungstenite::tungstenite::Message;

pub async fn follow(url: String, progress: Weak<Mutex<HashMap<String, u8>>>) {
    while progress.strong_count() > 0 {
        match tokio_tungstenite::connect_async(url.as_str()).await {
            Ok((mut stream, _)) => {
                while let Some(Ok(message)) = stream.next().await {
                    let Some(progress) = progress.upgrade() else { return };
                    if let Message::Text(text) = message {
                        record(&progress, &text);
                    }
                }
            }
            Err(e) => tracing::debug!("ComfyUI /ws: {e}"),
        }
        tokio::time::sleep(Duration::from_secs(1)).await;
    }
}

fn record(progress: &Mutex<HashMap<String, u8>>, text: &str) {
    let Ok(message) = serde_json::from_str::<Value>(text) else { return };
    let data = &message["data"];
    let (Some(value), Some(max), Some(id)) = (data["value"].as_u64(), data["max"].as_u64(), data["prompt_id"].as_str())
    else {
        return;
    };
    if message["type"] == "progress" && max > 0 {
        let share = (value * 100 / max).min(99) as u8;
        progress.lock().unwrap_or_else(|e| e.into_inner()).insert(id.to_owned(), share);
    }
}
