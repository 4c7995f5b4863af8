//! `make bench`: live events under load. 1,000 clients on `GET /api/events` of the real
//! server binary: 100 workspaces (guests) with ten streams each, from 100 addresses
//! (127.0.1.x), while those workspaces queue tasks that the embedded generator runs at the
//! default settings. Measured: the time from a task's change (its `updated_at`, the
//! server's clock at the write) to its event at each client that follows it, and the
//! server's memory per open stream (its RSS with every stream open, less before them).

mod support;

use serde_json::{json, Value};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};
use support::{percentile, Spawned};

const WORKSPACES: usize = 100;
const STREAMS_EACH: usize = 10;
/// Tasks queued per second, spread over the workspaces, while it is measured.
const TASKS_PER_SECOND: usize = 10;
const MEASURED: Duration = Duration::from_secs(20);

/// Ten tabs for each guest; no per-minute limit on the bench's own queuing.
const ENV: [(&str, &str); 2] = [("ATELIER_STREAMS_PER_SESSION", "10"), ("ATELIER_TASKS_PER_MINUTE", "100000000")];

/// Reads one stream until `until`, recording each task event's delay in `delays`; returns
/// once its first event (the `resync`) has arrived, with the reading left running.
async fn follow(
    client: reqwest::Client,
    url: String,
    delays: Arc<Mutex<Vec<f64>>>,
    until: Instant,
) -> tokio::task::JoinHandle<()> {
    let mut res = client.get(url).send().await.expect("event stream");
    assert!(res.status().is_success(), "event stream: {}", res.status());
    let (opened_tx, opened) = tokio::sync::oneshot::channel();
    let reading = tokio::spawn(async move {
        let (mut buffer, mut opened_tx) = (String::new(), Some(opened_tx));
        let stop = tokio::time::sleep_until(tokio::time::Instant::from_std(until));
        tokio::pin!(stop);
        loop {
            let chunk = tokio::select! {
                chunk = res.chunk() => chunk,
                () = &mut stop => return,
            };
            let Ok(Some(chunk)) = chunk else { return };
            let now = chrono::Utc::now();
            buffer.push_str(&String::from_utf8_lossy(&chunk));
            while let Some(end) = buffer.find("\n\n") {
                let event: String = buffer.drain(..end + 2).collect();
                if let Some(tx) = opened_tx.take() {
                    let _ = tx.send(());
                }
                let Some(data) = event.lines().find_map(|l| l.strip_prefix("data:")) else { continue };
                let Ok(event) = serde_json::from_str::<Value>(data.trim()) else { continue };
                let changed =
                    event["task"]["updated_at"].as_str().and_then(|t| t.parse::<chrono::DateTime<chrono::Utc>>().ok());
                if let Some(changed) = changed {
                    let ms = (now - changed).num_microseconds().unwrap_or(0) as f64 / 1000.0;
                    delays.lock().unwrap().push(ms);
                }
            }
        }
    });
    let _ = opened.await;
    reading
}

#[tokio::main]
async fn main() {
    let dir = std::env::temp_dir().join(format!("atelier-bench-events-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let probe = reqwest::Client::new();
    let (server, _) = Spawned::start(&dir, &ENV, &probe).await;

    // One guest per workspace, each from its own address, each with one task queued.
    let mut guests = Vec::with_capacity(WORKSPACES);
    for g in 0..WORKSPACES {
        let address = std::net::IpAddr::from([127, 0, 1, g as u8 + 1]);
        // Idle connections are let go before the server's 10 s `client-timeout-ms` closes
        // them: a request sent on one as it closes fails (seen here once).
        let client = reqwest::Client::builder()
            .cookie_store(true)
            .local_address(address)
            .pool_idle_timeout(Duration::from_secs(5))
            .build()
            .unwrap();
        server
            .call(&client, "submit_task", json!({ "kind": "image", "prompt": format!("warm-up {g}") }))
            .await
            .unwrap();
        guests.push(client);
    }
    tokio::time::sleep(Duration::from_secs(2)).await;
    let before = server.rss_mb();

    let until = Instant::now() + MEASURED + Duration::from_secs(10);
    let delays = Arc::new(Mutex::new(Vec::new()));
    let mut readers = Vec::with_capacity(WORKSPACES * STREAMS_EACH);
    for client in &guests {
        for _ in 0..STREAMS_EACH {
            let url = format!("{}/api/events", server.base);
            readers.push(follow(client.clone(), url, delays.clone(), until).await);
        }
    }
    tokio::time::sleep(Duration::from_millis(500)).await;
    let with_streams = server.rss_mb();
    let per_stream_kb = (with_streams - before) * 1024.0 / readers.len() as f64;

    let started = Instant::now();
    let mut queued = 0;
    while started.elapsed() < MEASURED {
        let client = &guests[queued % WORKSPACES];
        let body = json!({ "kind": "image", "prompt": format!("a lighthouse, take {queued}"), "seed": queued });
        server.call(client, "submit_task", body).await.unwrap();
        queued += 1;
        let next = Duration::from_secs_f64(queued as f64 / TASKS_PER_SECOND as f64);
        tokio::time::sleep(next.saturating_sub(started.elapsed())).await;
    }
    for reader in readers {
        let _ = reader.await;
    }
    let mut delays = std::mem::take(&mut *delays.lock().unwrap());
    server.stop();
    let _ = std::fs::remove_dir_all(&dir);
    delays.sort_by(f64::total_cmp);
    assert!(!delays.is_empty(), "no task event arrived");

    let streams = WORKSPACES * STREAMS_EACH;
    println!("{streams} event streams ({WORKSPACES} workspaces × {STREAMS_EACH}), {queued} tasks queued in {} s, embedded generator", MEASURED.as_secs());
    println!("| change → event at a client | samples | p50 | p99 | max |");
    println!("|---|---|---|---|---|");
    let (p50, p99, max) = (percentile(&delays, 0.5), percentile(&delays, 0.99), delays[delays.len() - 1]);
    println!("| task events | {} | {p50:.2} ms | {p99:.2} ms | {max:.2} ms |", delays.len());
    println!("\nserver RSS {before:.1} MB before the streams, {with_streams:.1} MB with them: {per_stream_kb:.1} KB per open stream");
    support::record(&[("sse_p99_ms", p99), ("sse_stream_kb", per_stream_kb)]);
}
