//! `make bench`: submit throughput and latency over HTTP (16 concurrent clients against
//! the real server on a temporary SQLite file), next to the raw rate of committed
//! single-row inserts into the same table with the same settings and concurrency, so the
//! result reads as a ratio that holds from machine to machine.

use sea_orm::{ConnectionTrait, DatabaseConnection, Statement};
use serde_json::json;
use server::config::Settings;
use std::time::{Duration, Instant};
use uuid::Uuid;

mod support;

const CLIENTS: usize = 16;
const PER_CLIENT: usize = 250;
const WARMUP_PER_CLIENT: usize = 10;

#[tokio::main]
async fn main() {
    let dir = std::env::temp_dir().join(format!("atelier-bench-{}", Uuid::new_v4().simple()));
    let settings = |name: &str| Settings {
        database_url: format!("sqlite://{}/{name}.db?mode=rwc", dir.display()),
        content_dir: dir.join("content").display().to_string(),
        log: "warn".into(),
        // Submissions alone: no attempts compete for the CPU or the write lock.
        concurrency: 0,
        // The write path's speed, not the per-minute limit (its 16 clients share one address).
        tasks_per_minute: u64::MAX,
        ..Settings::default()
    };

    let http = submit_over_http(settings("http")).await;
    let raw = raw_inserts(&server::db::connect(&settings("raw")).await.expect("bench database")).await;
    let _ = std::fs::remove_dir_all(&dir);

    let n = CLIENTS * PER_CLIENT;
    println!("| measure ({CLIENTS} concurrent, {n} operations) | rate/s | p50 | p99 |");
    println!("|---|---|---|---|");
    println!(
        "| HTTP submit_task (one image task each) | {:.0} | {} | {} |",
        http.rate(),
        ms(http.p(0.50)),
        ms(http.p(0.99))
    );
    println!(
        "| raw SQLite INSERT, one row per commit | {:.0} | {} | {} |",
        raw.rate(),
        ms(raw.p(0.50)),
        ms(raw.p(0.99))
    );
    println!("\nratio submit / raw insert: {:.2}", http.rate() / raw.rate());
    support::record(&[
        ("submit_per_s", http.rate()),
        ("submit_ratio", http.rate() / raw.rate()),
        ("submit_p99_ms", http.p(0.99).as_secs_f64() * 1000.0),
    ]);
}

struct Run {
    elapsed: Duration,
    latencies: Vec<Duration>,
}

impl Run {
    fn rate(&self) -> f64 {
        self.latencies.len() as f64 / self.elapsed.as_secs_f64()
    }

    fn p(&self, q: f64) -> Duration {
        self.latencies[((self.latencies.len() - 1) as f64 * q).round() as usize]
    }
}

fn ms(d: Duration) -> String {
    format!("{:.2} ms", d.as_secs_f64() * 1000.0)
}

/// Runs `op` `PER_CLIENT` times on each of `CLIENTS` concurrent tasks (after a warm-up).
async fn measure<F, Fut>(op: F) -> Run
where
    F: Fn(usize, usize) -> Fut + Clone + Send + 'static,
    Fut: std::future::Future<Output = ()> + Send,
{
    let run = |count: usize| {
        let op = op.clone();
        async move {
            let started = Instant::now();
            let tasks: Vec<_> = (0..CLIENTS)
                .map(|c| {
                    let op = op.clone();
                    tokio::spawn(async move {
                        let mut latencies = Vec::with_capacity(count);
                        for i in 0..count {
                            let t = Instant::now();
                            op(c, i).await;
                            latencies.push(t.elapsed());
                        }
                        latencies
                    })
                })
                .collect();
            let mut latencies = Vec::new();
            for task in tasks {
                latencies.extend(task.await.expect("bench client"));
            }
            latencies.sort();
            Run { elapsed: started.elapsed(), latencies }
        }
    };
    run(WARMUP_PER_CLIENT).await;
    run(PER_CLIENT).await
}

async fn submit_over_http(settings: Settings) -> Run {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let running = server::start(settings, listener).await.expect("server starts");
    let url = format!("http://{}/api/submit_task", running.addr);
    let clients: Vec<_> =
        (0..CLIENTS).map(|_| reqwest::Client::builder().cookie_store(true).build().unwrap()).collect();
    let result = measure(move |c, i| {
        let (client, url) = (clients[c].clone(), url.clone());
        async move {
            let body = json!({ "kind": "image", "prompt": format!("bench prompt {c} {i}"), "seed": i });
            let res = client.post(&url).json(&body).send().await.expect("submit");
            assert!(res.status().is_success(), "submit failed: {}", res.status());
        }
    })
    .await;
    running.stop().await;
    result
}

async fn raw_inserts(db: &DatabaseConnection) -> Run {
    let db = db.clone();
    let params = json!({ "kind": "image", "prompt": "bench", "size": "1024x1024", "style": "none" }).to_string();
    measure(move |_, i| {
        let (db, params) = (db.clone(), params.clone());
        async move {
            let now = chrono::Utc::now();
            let stmt = Statement::from_sql_and_values(
                db.get_database_backend(),
                "INSERT INTO tasks (id, owner_id, kind, status, params, params_hash, created_at, updated_at, \
                 attempt_count, retry_count, progress) VALUES (?, ?, 'image', 'pending', ?, ?, ?, ?, 0, 0, 0)",
                [
                    Uuid::now_v7().into(),
                    Uuid::new_v4().into(),
                    params.into(),
                    format!("{i:064}").into(),
                    now.into(),
                    now.into(),
                ],
            );
            db.execute_raw(stmt).await.expect("insert");
        }
    })
    .await
}
