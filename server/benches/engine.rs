//! `make bench`, engine part: how fast tasks go through claim → run → save → complete
//! with an instant in-process generation service, next to the raw rate of committed
//! INSERT + UPDATE pairs into the same SQLite table at the same concurrency (the ratio is
//! the figure); and the enqueue-to-start latency of one task with a free slot.

use app::api::TaskService;
use app::domain::{OwnerId, SubmitRequest, TaskEvent, TaskKind, TaskStatus};
use sea_orm::{ConnectionTrait, DatabaseConnection, Statement};
use server::clock::SystemClock;
use server::config::Settings;
use server::content::ContentStore;
use server::engine::{Engine, EngineConfig};
use server::events::Events;
use server::failure::{Failure, RetryPolicy};
use server::provider::{Capabilities, Health, Job, Output, Progress, Provider, Providers, Submitted};
use server::service::Service;
use server::TaskStore;
use std::sync::Arc;
use std::time::{Duration, Instant};
use uuid::Uuid;

mod support;

const TASKS: usize = 4000;
const OWNERS: usize = 16;
const LATENCY_SAMPLES: usize = 300;

/// Answers at once with a small PNG.
struct InstantService(Vec<u8>);

#[async_trait::async_trait]
impl Provider for InstantService {
    fn name(&self) -> &str {
        "instant"
    }
    fn model(&self) -> &str {
        "bench"
    }
    fn capabilities(&self) -> Capabilities {
        Capabilities { image: true, video: true, remote_jobs: false, cancellable: false, reports_progress: false }
    }
    async fn submit(&self, _job: &Job, _progress: Progress<'_>) -> Result<Submitted, Failure> {
        let (media_type, bytes) = ("image/png".into(), self.0.clone());
        let output = Output { media_type, bytes, width: Some(1), height: Some(1), duration_ms: None, poster: None };
        Ok(Submitted::Done(output))
    }
    async fn check(&self, _kind: TaskKind) -> Health {
        Health::Ready("instant".into())
    }
}

struct Parts {
    service: Service,
    store: TaskStore,
    events: Events,
    content: ContentStore,
    db: DatabaseConnection,
}

async fn parts(dir: &std::path::Path, name: &str) -> Parts {
    let settings =
        Settings { database_url: format!("sqlite://{}/{name}.db?mode=rwc", dir.display()), ..Settings::default() };
    let db = server::db::connect(&settings).await.expect("bench database");
    let store = TaskStore::new(db.clone(), Arc::new(SystemClock), chrono::TimeDelta::zero());
    let (events, content) = (Events::default(), ContentStore::new(dir.join(name)));
    let service = Service::new(store.clone(), events.clone(), content.clone());
    Parts { service, store, events, content, db }
}

fn engine(p: &Parts, concurrency: usize) -> Engine {
    let png = vec![0x89, b'P', b'N', b'G', b'\r', b'\n', 0x1a, b'\n', 0, 0, 0, 0];
    let instant: Arc<dyn Provider> = Arc::new(InstantService(png));
    let config = EngineConfig {
        instance: "bench".into(),
        concurrency,
        lease: Duration::from_secs(30),
        retry: RetryPolicy::default(),
        image_timeout: Duration::from_secs(60),
        video_timeout: Duration::from_secs(60),
        queue_timeout: Duration::from_secs(60),
        grace: Duration::from_secs(10),
    };
    let providers = Providers::same(instant);
    Engine::new(p.store.clone(), providers, p.content.clone(), p.events.clone(), config)
}

async fn submit(service: &Service, owner: OwnerId, n: usize) {
    let request = SubmitRequest { kind: "image".into(), prompt: format!("bench {n}"), ..Default::default() };
    let caller = app::api::Caller::guest(owner, None, None);
    service.submit(&caller, request.validate().expect("valid")).await.expect("submitted");
}

/// Waits for `n` task events with `status`.
async fn count(rx: &mut tokio::sync::broadcast::Receiver<server::events::Published>, status: TaskStatus, n: usize) {
    let mut seen = 0;
    while seen < n {
        if let TaskEvent::Task { task } = rx.recv().await.expect("events").event {
            seen += usize::from(task.status == status);
        }
    }
}

async fn throughput(dir: &std::path::Path, concurrency: usize) -> f64 {
    let p = parts(dir, &format!("engine{concurrency}")).await;
    let owners: Vec<_> = (0..OWNERS).map(|_| OwnerId(Uuid::new_v4())).collect();
    for n in 0..TASKS {
        submit(&p.service, owners[n % OWNERS], n).await;
    }
    let mut rx = p.events.subscribe();
    let started = Instant::now();
    let running = engine(&p, concurrency).start();
    count(&mut rx, TaskStatus::Completed, TASKS).await;
    let rate = TASKS as f64 / started.elapsed().as_secs_f64();
    running.stop().await;
    rate
}

async fn raw_insert_update(dir: &std::path::Path, concurrency: usize) -> f64 {
    let p = parts(dir, &format!("raw{concurrency}")).await;
    let params = serde_json::json!({ "kind": "image", "prompt": "bench", "size": "1024x1024", "style": "none" });
    let started = Instant::now();
    let workers: Vec<_> = (0..concurrency)
        .map(|_| {
            let (db, params) = (p.db.clone(), params.to_string());
            tokio::spawn(async move {
                for _ in 0..TASKS / concurrency {
                    let (id, now) = (Uuid::now_v7(), chrono::Utc::now());
                    let sql = "INSERT INTO tasks (id, owner_id, kind, status, params, params_hash, created_at, \
                               updated_at, attempt_count, retry_count, progress) \
                               VALUES (?, ?, 'image', 'pending', ?, 'h', ?, ?, 0, 0, 0)";
                    let values = [id.into(), Uuid::new_v4().into(), params.clone().into(), now.into(), now.into()];
                    db.execute_raw(Statement::from_sql_and_values(db.get_database_backend(), sql, values))
                        .await
                        .unwrap();
                    let sql = "UPDATE tasks SET status = 'completed', updated_at = ? WHERE id = ?";
                    let values = [chrono::Utc::now().into(), id.into()];
                    db.execute_raw(Statement::from_sql_and_values(db.get_database_backend(), sql, values))
                        .await
                        .unwrap();
                }
            })
        })
        .collect();
    for worker in workers {
        worker.await.unwrap();
    }
    (TASKS / concurrency * concurrency) as f64 / started.elapsed().as_secs_f64()
}

/// From the submission call to the claim event, one task at a time with every slot free.
async fn enqueue_to_start(dir: &std::path::Path) -> Vec<Duration> {
    let p = parts(dir, "latency").await;
    let running = engine(&p, 2).start();
    let mut rx = p.events.subscribe();
    let owner = OwnerId(Uuid::new_v4());
    let mut samples = Vec::with_capacity(LATENCY_SAMPLES);
    for n in 0..LATENCY_SAMPLES {
        let started = Instant::now();
        submit(&p.service, owner, n).await;
        count(&mut rx, TaskStatus::Processing, 1).await;
        samples.push(started.elapsed());
        count(&mut rx, TaskStatus::Completed, 1).await;
    }
    running.stop().await;
    samples.sort();
    samples
}

#[tokio::main]
async fn main() {
    let dir = std::env::temp_dir().join(format!("atelier-bench-{}", Uuid::new_v4().simple()));
    std::fs::create_dir_all(&dir).unwrap();
    println!("| {TASKS} tasks, {OWNERS} owners, concurrency | engine tasks/s | raw INSERT+UPDATE pairs/s | ratio |");
    println!("|---|---|---|---|");
    let mut figures = Vec::new();
    for concurrency in [2, 8, 32] {
        let engine = throughput(&dir, concurrency).await;
        let raw = raw_insert_update(&dir, concurrency).await;
        println!("| {concurrency} | {engine:.0} | {raw:.0} | {:.2} |", engine / raw);
        figures.push((concurrency, engine, engine / raw));
    }
    let samples = enqueue_to_start(&dir).await;
    let q = |q: f64| samples[((samples.len() - 1) as f64 * q).round() as usize].as_secs_f64() * 1000.0;
    println!(
        "\nenqueue-to-start, {LATENCY_SAMPLES} tasks one at a time, free slot: p50 {:.2} ms, p99 {:.2} ms",
        q(0.5),
        q(0.99)
    );
    let _ = std::fs::remove_dir_all(&dir);
    support::record(&[
        ("engine_ratio_c2", figures[0].2),
        ("engine_tasks_per_s", figures[2].1),
        ("enqueue_to_start_p99_ms", q(0.99)),
    ]);
}
