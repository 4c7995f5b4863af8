//! Test harness: a real server on 127.0.0.1:0 over a database of its own (a temporary
//! SQLite file, or a freshly created PostgreSQL database), and an HTTP client with a
//! cookie jar (one jar = one owner).

#![allow(dead_code)] // each test binary uses its own part of the harness

pub mod fake;

use reqwest::StatusCode;
use sea_orm::{ConnectionTrait, Database};
use serde_json::{json, Value};
use server::clock::{Clock, SystemClock};
use server::config::Settings;
use std::path::PathBuf;
use std::sync::Arc;
use uuid::Uuid;

const PG_ADMIN_URL: &str = "postgres://postgres@127.0.0.1:5432/postgres";

/// A database that exists for one test and is removed afterwards.
pub struct TestDb {
    pub url: String,
    /// The content folder of every server started on this database.
    pub content_dir: PathBuf,
    cleanup: Cleanup,
}

fn temp_folder() -> PathBuf {
    std::env::temp_dir().join(format!("atelier-test-{}", Uuid::new_v4().simple()))
}

enum Cleanup {
    Folder(PathBuf),
    PgDatabase(String),
}

impl TestDb {
    pub fn sqlite() -> Self {
        let dir = temp_folder();
        Self {
            url: format!("sqlite://{}/atelier.db?mode=rwc", dir.display()),
            content_dir: dir.join("content"),
            cleanup: Cleanup::Folder(dir),
        }
    }

    /// A new PostgreSQL database, or `None` (with a notice) when no server answers; under
    /// `CI=true` a missing server fails the test instead, so CI never skips half the suite.
    pub async fn postgres() -> Option<Self> {
        let admin = match Database::connect(admin_url()).await {
            Ok(admin) => admin,
            Err(e) if required_in_ci() => {
                panic!("PostgreSQL not reachable at {}: {e}; it is required under CI=true", admin_url())
            }
            Err(e) => {
                eprintln!("NOTICE: PostgreSQL not reachable at {}: {e}; skipping the PostgreSQL run", admin_url());
                return None;
            }
        };
        sweep_stale(&admin).await;
        let name = format!("{PG_PREFIX}{}_{}", unix_secs(), Uuid::new_v4().simple());
        admin.execute_unprepared(&format!("CREATE DATABASE {name}")).await.expect("create test database");
        let url = format!("{}/{name}", admin_url().rsplit_once('/').expect("url has a path").0);
        Some(Self { url, content_dir: temp_folder(), cleanup: Cleanup::PgDatabase(name) })
    }
}

const PG_PREFIX: &str = "atelier_test_";

fn unix_secs() -> u64 {
    std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map_or(0, |d| d.as_secs())
}

/// Drops test databases an interrupted run left behind (named with their creation time;
/// an hour old is certainly abandoned).
async fn sweep_stale(admin: &sea_orm::DatabaseConnection) {
    let listed = admin
        .query_all_raw(sea_orm::Statement::from_string(
            admin.get_database_backend(),
            format!("SELECT datname FROM pg_database WHERE datname LIKE '{PG_PREFIX}%'"),
        ))
        .await
        .unwrap_or_default();
    for row in listed {
        let Ok(name) = row.try_get::<String>("", "datname") else { continue };
        let created = name.trim_start_matches(PG_PREFIX).split('_').next().and_then(|s| s.parse::<u64>().ok());
        if created.is_none_or(|t| t + 3600 < unix_secs()) {
            let _ = admin.execute_unprepared(&format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)")).await;
        }
    }
}

/// Whether this is a CI run (`CI=true`, as CI services set it).
fn required_in_ci() -> bool {
    std::env::var("CI").is_ok_and(|v| v.eq_ignore_ascii_case("true") || v == "1")
}

fn admin_url() -> String {
    std::env::var("ATELIER_TEST_PG_URL").unwrap_or_else(|_| PG_ADMIN_URL.into())
}

impl Drop for TestDb {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.content_dir);
        match &self.cleanup {
            Cleanup::Folder(dir) => {
                let _ = std::fs::remove_dir_all(dir);
            }
            Cleanup::PgDatabase(name) => {
                let sql = format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)");
                // Drop runs inside the test's runtime; a thread of its own may block.
                let _ = std::thread::spawn(move || {
                    tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap().block_on(async {
                        if let Ok(admin) = Database::connect(admin_url()).await {
                            let _ = admin.execute_unprepared(&sql).await;
                        }
                    })
                })
                .join();
            }
        }
    }
}

/// A running server: in this process, or another process's at `base`.
pub struct TestApp {
    pub base: String,
    running: Option<server::Running>,
}

impl TestApp {
    pub async fn spawn(db: &TestDb) -> Self {
        Self::spawn_with(db, Arc::new(SystemClock), |_| {}).await
    }

    /// A server on `clock`, with `adjust` applied to the default test settings.
    pub async fn spawn_with(db: &TestDb, clock: Arc<dyn Clock>, adjust: impl FnOnce(&mut Settings)) -> Self {
        Self::try_spawn_with(db, clock, adjust).await.expect("server starts")
    }

    /// [`spawn_with`](Self::spawn_with), or why the server would not start.
    pub async fn try_spawn_with(
        db: &TestDb,
        clock: Arc<dyn Clock>,
        adjust: impl FnOnce(&mut Settings),
    ) -> Result<Self, server::StartError> {
        let mut settings = Settings {
            database_url: db.url.clone(),
            content_dir: db.content_dir.display().to_string(),
            log: "warn".into(),
            // Tasks stay where the test puts them; engine tests start runners themselves.
            concurrency: 0,
            ..Settings::default()
        };
        adjust(&mut settings);
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let running = server::start_with_clock(settings, listener, clock).await?;
        Ok(Self { base: format!("http://{}", running.addr), running: Some(running) })
    }

    /// A server running `concurrency` tasks at a time against the fake service, for both
    /// kinds of task, polling its jobs every 10 ms, with `adjust` applied after.
    pub async fn against(
        db: &TestDb,
        fake: &fake::FakeService,
        concurrency: u32,
        adjust: impl FnOnce(&mut Settings),
    ) -> Self {
        Self::try_against(db, fake, concurrency, adjust).await.expect("server starts")
    }

    /// [`against`](Self::against), or why the server would not start.
    pub async fn try_against(
        db: &TestDb,
        fake: &fake::FakeService,
        concurrency: u32,
        adjust: impl FnOnce(&mut Settings),
    ) -> Result<Self, server::StartError> {
        let (url, protocol) = (fake.base_url.clone(), fake.protocol);
        Self::try_spawn_with(db, Arc::new(SystemClock), move |s| {
            s.concurrency = concurrency;
            let (name, service) = match protocol {
                fake::Protocol::OpenAi => ("openai", &mut s.openai),
                fake::Protocol::Replicate => ("replicate", &mut s.replicate),
                fake::Protocol::Fal => ("fal", &mut s.fal),
                fake::Protocol::ComfyUi => ("comfyui", &mut s.comfyui),
            };
            service.base_url = url;
            // The shipped workflows, wherever the test runs from.
            if protocol == fake::Protocol::ComfyUi {
                let shipped = concat!(env!("CARGO_MANIFEST_DIR"), "/../comfyui");
                (service.image_model, service.video_model) =
                    (format!("{shipped}/image-workflow.json"), format!("{shipped}/video-workflow.json"));
            }
            service.poll_interval_ms = 10;
            s.image_service = name.into();
            s.video_service = name.into();
            adjust(s);
        })
        .await
    }

    /// A server some other process runs.
    pub fn at(base: String) -> Self {
        Self { base, running: None }
    }

    pub async fn stop(self) {
        if let Some(running) = self.running {
            running.stop().await;
        }
    }

    /// A browser stand-in: its own cookie jar, so its own owner.
    pub fn client() -> reqwest::Client {
        reqwest::Client::builder().cookie_store(true).build().unwrap()
    }

    /// POSTs JSON to `/api/<endpoint>`; returns the status and the JSON body.
    pub async fn call(&self, client: &reqwest::Client, endpoint: &str, body: Value) -> (StatusCode, Value) {
        let res = client.post(format!("{}/api/{endpoint}", self.base)).json(&body).send().await.unwrap();
        let status = res.status();
        (status, res.json().await.unwrap_or(Value::Null))
    }

    pub async fn submit(&self, client: &reqwest::Client, body: Value) -> Value {
        let (status, body) = self.call(client, "submit_task", body).await;
        assert_eq!(status, StatusCode::OK, "{body}");
        body
    }

    pub async fn list(&self, client: &reqwest::Client, query: Value) -> Value {
        let (status, body) = self.call(client, "list_tasks", query).await;
        assert_eq!(status, StatusCode::OK, "{body}");
        body
    }

    /// Ids of every task the client's owner has, newest first.
    pub async fn all_ids(&self, client: &reqwest::Client) -> Vec<String> {
        ids(&self.list(client, json!({ "limit": 200 })).await)
    }
}

/// A password any test account may have: long enough, and on no list of common ones.
pub const PASSWORD: &str = "violet kettle drum";

impl TestApp {
    /// A browser signed up as `name`, showing its personal workspace.
    pub async fn person(&self, name: &str) -> reqwest::Client {
        let client = Self::client();
        let (status, body) = self.call(&client, "sign_up", json!({ "username": name, "password": PASSWORD })).await;
        assert_eq!(status, StatusCode::OK, "{body}");
        client
    }

    /// Polls the owner's tasks until `done` holds for them (or fails the test after 30 s,
    /// a guard against hanging, not a performance bound).
    pub async fn wait_until(
        &self,
        client: &reqwest::Client,
        what: &str,
        done: impl Fn(&[Value]) -> bool,
    ) -> Vec<Value> {
        let deadline = std::time::Instant::now() + std::time::Duration::from_secs(30);
        loop {
            let page = self.list(client, json!({ "limit": 200 })).await;
            let tasks = page["tasks"].as_array().unwrap().clone();
            if done(&tasks) {
                return tasks;
            }
            assert!(std::time::Instant::now() < deadline, "timed out waiting until {what}: {tasks:#?}");
            tokio::time::sleep(std::time::Duration::from_millis(20)).await;
        }
    }

    pub async fn task(&self, client: &reqwest::Client, id: &str) -> Value {
        let (status, body) = self.call(client, "get_task", json!({ "id": id })).await;
        assert_eq!(status, StatusCode::OK, "{body}");
        body
    }
}

/// True when every task has one of the statuses.
pub fn all_in(tasks: &[Value], statuses: &[&str]) -> bool {
    !tasks.is_empty() && tasks.iter().all(|t| statuses.contains(&t["status"].as_str().unwrap_or_default()))
}

/// Every file under `dir`, in its sub-folders too.
pub fn files_under(dir: &std::path::Path) -> Vec<PathBuf> {
    let mut found = Vec::new();
    for entry in std::fs::read_dir(dir).into_iter().flatten().flatten() {
        let path = entry.path();
        if path.is_dir() {
            found.extend(files_under(&path));
        } else {
            found.push(path);
        }
    }
    found
}

pub fn ids(page: &Value) -> Vec<String> {
    page["tasks"].as_array().unwrap().iter().map(|t| t["id"].as_str().unwrap().to_owned()).collect()
}

/// Declares each listed `async fn(TestDb)` as a test on SQLite and one on PostgreSQL.
#[macro_export]
macro_rules! on_both_databases {
    ($($name:ident),+ $(,)?) => {
        mod sqlite {
            $(#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn $name() { super::$name($crate::common::TestDb::sqlite()).await })+
        }
        mod postgres {
            $(#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn $name() {
                if let Some(db) = $crate::common::TestDb::postgres().await { super::$name(db).await }
            })+
        }
    };
}
