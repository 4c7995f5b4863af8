//! Leftovers of crashes in the content store, removed in the background at start and then
//! periodically (a crash elsewhere, or a kill of this server's attempt, leaves them while
//! the server runs on): a temporary file a write left behind, and a result file no content
//! row names (the server stopped between saving the file and recording it). Only files an
//! hour old go, so a save in flight on another instance sharing the folder is never
//! touched.

use super::ContentStore;
use crate::store::TaskStore;
use std::time::{Duration, SystemTime};
use tokio_util::sync::CancellationToken;

/// How old a leftover must be before it is removed.
const LEFT_FOR: Duration = Duration::from_secs(3600);

/// Sweeps at once, then every `every`, until `stop` is cancelled.
pub async fn sweep_every(store: TaskStore, content: ContentStore, every: Duration, stop: CancellationToken) {
    loop {
        sweep(&store, &content).await;
        tokio::select! {
            () = tokio::time::sleep(every) => {}
            () = stop.cancelled() => return,
        }
    }
}

/// Removes the leftovers; returns how many went.
pub async fn sweep(store: &TaskStore, content: &ContentStore) -> usize {
    let cutoff = SystemTime::from(store.clock().now()) - LEFT_FOR;
    let old: Vec<_> = content.files().await.into_iter().filter(|f| f.modified < cutoff).collect();
    let ids: Vec<_> = old.iter().filter_map(|f| f.content_id).collect();
    let known = match store.known_contents(&ids).await {
        Ok(known) => known,
        Err(e) => {
            tracing::warn!("looking for leftover result files: {e}");
            return 0;
        }
    };
    let leftovers: Vec<String> =
        old.into_iter().filter(|f| f.content_id.is_none_or(|id| !known.contains(&id))).map(|f| f.key).collect();
    if !leftovers.is_empty() {
        tracing::info!(n = leftovers.len(), "removing files of saves a stop interrupted");
        content.remove(&leftovers).await;
    }
    leftovers.len()
}
