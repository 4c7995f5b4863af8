//! What the benches share: the results file, and the real server binary as its own
//! process (so its memory can be read apart from the bench's).

#![allow(dead_code)] // each bench uses its own part

mod results;

pub use results::record;

use serde_json::{json, Value};
use std::process::{Child, Command};
use std::time::{Duration, Instant};

/// The server binary, started on a SQLite file in `dir` with the defaults but for `env`.
pub struct Spawned {
    child: Child,
    pub base: String,
}

impl Spawned {
    /// Starts it and waits until it answers `client`; with how long that took.
    pub async fn start(dir: &std::path::Path, env: &[(&str, &str)], client: &reqwest::Client) -> (Self, Duration) {
        let port = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
        let started = Instant::now();
        let child = Command::new(env!("CARGO_BIN_EXE_server"))
            .current_dir(dir)
            .env("ATELIER_SITE_ADDR", format!("127.0.0.1:{port}"))
            .env("ATELIER_DATABASE_URL", format!("sqlite://{}/bench.db?mode=rwc", dir.display()))
            .env("ATELIER_CONTENT_DIR", dir.join("content"))
            .env("ATELIER_LOG", "warn")
            .envs(env.iter().copied())
            .spawn()
            .expect("server binary");
        let base = format!("http://127.0.0.1:{port}");
        let spawned = Self { child, base };
        while spawned.call(client, "list_tasks", json!({})).await.is_err() {
            assert!(started.elapsed() < Duration::from_secs(60), "the server did not answer");
            tokio::time::sleep(Duration::from_millis(2)).await;
        }
        (spawned, started.elapsed())
    }

    /// Its resident memory, in MB.
    pub fn rss_mb(&self) -> f64 {
        let status = std::fs::read_to_string(format!("/proc/{}/status", self.child.id())).unwrap_or_default();
        let kb = status.lines().find_map(|l| l.strip_prefix("VmRSS:")).and_then(|v| v.split_whitespace().next());
        kb.and_then(|kb| kb.parse::<f64>().ok()).map_or(f64::NAN, |kb| kb / 1024.0)
    }

    /// Stops it as a service manager would (SIGTERM) and waits for it to exit.
    pub fn stop(mut self) {
        let _ = Command::new("kill").arg(self.child.id().to_string()).status();
        let _ = self.child.wait();
    }

    /// `POST /api/{endpoint}`: the answer's JSON, or its status when it is not a success.
    pub async fn call(&self, client: &reqwest::Client, endpoint: &str, body: Value) -> Result<Value, String> {
        let res = client.post(format!("{}/api/{endpoint}", self.base)).json(&body).send().await;
        let res = res.map_err(|e| format!("{endpoint}: {}", chain(&e)))?;
        if !res.status().is_success() {
            return Err(format!("{endpoint}: {}", res.status()));
        }
        res.json().await.map_err(|e| e.to_string())
    }
}

/// An error with its causes, one after the other.
fn chain(err: &dyn std::error::Error) -> String {
    let mut text = err.to_string();
    let mut source = err.source();
    while let Some(cause) = source {
        text = format!("{text}: {cause}");
        source = cause.source();
    }
    text
}

/// A millisecond figure's percentile `q` (0 to 1) of sorted samples.
pub fn percentile(sorted: &[f64], q: f64) -> f64 {
    sorted[((sorted.len() - 1) as f64 * q).round() as usize]
}
