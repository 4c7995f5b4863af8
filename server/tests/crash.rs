//! The crash test: the real server binary runs 100 tasks against a slow fake service, is
//! killed with SIGKILL mid-run, and started again. Every task completes, exactly once (one
//! completed attempt and one content row each; the fake never saw more calls for a task
//! than it had attempts), and none is lost.

mod common;

use common::fake::{Behaviour, FakeService};
use common::{all_in, TestApp, TestDb};
use sea_orm::{ConnectionTrait, Database, Statement};
use serde_json::json;
use std::collections::HashMap;
use std::process::{Child, Command, Stdio};
use std::time::Duration;

on_both_databases!(killed_mid_run_every_task_completes_once);

const TASKS: usize = 100;

/// The server process; killed when dropped, so a failing test leaves none behind.
struct Server(Child);

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port()
}

async fn start(db: &TestDb, fake: &FakeService, port: u16) -> Child {
    std::fs::create_dir_all(&db.content_dir).unwrap();
    let log = std::fs::File::create(db.content_dir.join(format!("server-{port}.log"))).unwrap();
    let child = Command::new(env!("CARGO_BIN_EXE_server"))
        .args(["--config", "/nonexistent/Leptos.toml"])
        .env("ATELIER_SITE_ADDR", format!("127.0.0.1:{port}"))
        .env("ATELIER_DATABASE_URL", &db.url)
        .env("ATELIER_CONTENT_DIR", &db.content_dir)
        .env("ATELIER_IMAGE_SERVICE", "openai")
        .env("ATELIER_OPENAI_BASE_URL", &fake.base_url)
        .env("ATELIER_CONCURRENCY", "4")
        .env("ATELIER_LEASE_MS", "1000")
        .env("ATELIER_RETRY_DELAYS_MS", "10,10,10")
        .env("ATELIER_LOG", "warn")
        .stdout(Stdio::null())
        .stderr(log)
        .spawn()
        .expect("the server binary starts");
    let deadline = std::time::Instant::now() + Duration::from_secs(30);
    while tokio::net::TcpStream::connect(("127.0.0.1", port)).await.is_err() {
        assert!(std::time::Instant::now() < deadline, "the server did not start listening");
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    child
}

async fn killed_mid_run_every_task_completes_once(db: TestDb) {
    // Long enough that tasks seen processing are still running when the kill lands, even
    // on a loaded machine (at 60 ms, a PostgreSQL run once saw them all finish first).
    let fake = FakeService::start(Behaviour::Succeed { after: Duration::from_millis(300) }).await;
    let port = free_port();
    let app = TestApp::at(format!("http://127.0.0.1:{port}"));
    let server = Server(start(&db, &fake, port).await);
    let client = TestApp::client();
    for n in 0..TASKS {
        app.submit(&client, json!({ "kind": "image", "prompt": format!("crash {n}") })).await;
    }
    let count = |t: &[serde_json::Value], status: &str| t.iter().filter(|t| t["status"] == status).count();
    // Some done and several running: the kill interrupts attempts (seen once: a kill in a
    // gap between claims interrupted none).
    app.wait_until(&client, "some completed, several running", |t| {
        count(t, "completed") >= 10 && count(t, "processing") >= 3
    })
    .await;
    drop(server); // SIGKILL: no shutdown, leases left behind
    let at_kill = fake.calls().len();
    assert!(at_kill < TASKS + 4, "killed mid-run ({at_kill} calls)");

    let server = Server(start(&db, &fake, port).await);
    let tasks = app.wait_until(&client, "all completed", |t| t.len() == TASKS && all_in(t, &["completed"])).await;
    drop(server);
    assert_eq!(tasks.len(), TASKS, "none lost");

    let conn = Database::connect(&db.url).await.unwrap();
    let count = |sql: &str| {
        let conn = &conn;
        let sql = sql.to_owned();
        async move {
            let rows = conn.query_all_raw(Statement::from_string(conn.get_database_backend(), sql)).await.unwrap();
            rows.iter()
                .map(|r| (r.try_get::<String>("", "prompt").unwrap(), r.try_get::<i64>("", "n").unwrap()))
                .collect::<HashMap<_, _>>()
        }
    };
    let prompt = "CAST(t.params AS TEXT)";
    let per_task = |table: &str, filter: &str| {
        format!(
            "SELECT {prompt} AS prompt, COUNT(x.id) AS n FROM tasks t LEFT JOIN {table} x ON x.task_id = t.id {filter} \
             GROUP BY t.id, {prompt}"
        )
    };
    let contents = count(&per_task("contents", "")).await;
    let completed = count(&per_task("attempts", "AND x.outcome = 'completed'")).await;
    let attempts = count(&per_task("attempts", "")).await;
    assert_eq!(contents.len(), TASKS);
    assert!(contents.values().all(|n| *n == 1), "one content row per task: {contents:?}");
    assert!(completed.values().all(|n| *n == 1), "one completed attempt per task: {completed:?}");
    let mut calls: HashMap<String, i64> = HashMap::new();
    for call in fake.calls() {
        *calls.entry(call).or_default() += 1;
    }
    for (params, n) in &attempts {
        let prompt = serde_json::from_str::<serde_json::Value>(params).unwrap()["prompt"].as_str().unwrap().to_owned();
        let called = calls.get(&prompt).copied().unwrap_or(0);
        assert!((1..=*n).contains(&called), "{prompt}: {called} calls for {n} attempts");
    }
    assert!(attempts.values().any(|n| *n > 1), "some task was interrupted by the kill and ran again");
}
