//! Every queued-job adapter against its fake service, over HTTP, with a scaled retry
//! schedule: a queued job completes with its result and progress; each fault class ends
//! in the right state (retrying, or failed with the service's words); an outage while
//! polling resumes the same job instead of submitting again; cancelling stops the job at
//! the service (where the service can); and a restart resumes polling the job an earlier
//! server queued.

mod common;

use common::fake::{Behaviour, FakeService, Protocol};
use common::{all_in, TestApp, TestDb};
use serde_json::{json, Value};
use std::time::Duration;

/// An adapter under test: its protocol, the kind of task that makes it queue jobs, the
/// name tasks record, whether it cancels at the service, and whether its results come
/// with a still for the queue (an image's own thumbnail, or the service's video poster).
#[derive(Clone, Copy)]
struct Adapter {
    protocol: Protocol,
    kind: &'static str,
    name: &'static str,
    cancellable: bool,
    still: bool,
}

const REPLICATE: Adapter =
    Adapter { protocol: Protocol::Replicate, kind: "image", name: "replicate", cancellable: true, still: true };
const FAL: Adapter = Adapter { protocol: Protocol::Fal, kind: "image", name: "fal", cancellable: true, still: true };
const COMFYUI: Adapter =
    Adapter { protocol: Protocol::ComfyUi, kind: "image", name: "comfyui", cancellable: true, still: true };
const COMFYUI_VIDEOS: Adapter =
    Adapter { protocol: Protocol::ComfyUi, kind: "video", name: "comfyui", cancellable: true, still: true };
const OPENAI_VIDEOS: Adapter =
    Adapter { protocol: Protocol::OpenAi, kind: "video", name: "openai", cancellable: false, still: true };

/// Declares each listed `async fn(Adapter)` as a test per adapter.
macro_rules! per_adapter {
    ($($name:ident),+ $(,)?) => {
        mod replicate { $(#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn $name() { super::$name(super::REPLICATE).await })+ }
        mod fal { $(#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn $name() { super::$name(super::FAL).await })+ }
        mod comfyui { $(#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn $name() { super::$name(super::COMFYUI).await })+ }
        mod comfyui_videos { $(#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn $name() { super::$name(super::COMFYUI_VIDEOS).await })+ }
        mod openai_videos { $(#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn $name() { super::$name(super::OPENAI_VIDEOS).await })+ }
    };
}

per_adapter!(
    a_queued_job_completes_with_its_result,
    a_job_left_queued_by_a_waiting_task_is_cancelled_with_it,
    each_fault_ends_retrying_or_failed_in_the_services_words,
    a_polling_outage_resumes_the_same_job,
    cancelling_stops_the_job_at_the_service,
    a_restart_resumes_the_queued_job,
    waiting_in_the_services_queue_is_not_running_time,
);

/// A service's `concurrency` caps the jobs this server has there, whatever the engine's.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_service_never_has_more_jobs_than_its_concurrency() {
    let (db, fake) =
        (TestDb::sqlite(), FakeService::speaking(Protocol::Replicate, Behaviour::Queued { polls: 3 }).await);
    let app = TestApp::against(&db, &fake, 4, |s| s.replicate.concurrency = 2).await;
    let client = TestApp::client();
    for n in 0..6 {
        submit(&app, &client, REPLICATE, &format!("one of six {n}")).await;
    }
    app.wait_until(&client, "all completed", |t| t.len() == 6 && all_in(t, &["completed"])).await;
    assert_eq!(fake.most_in_flight(), 2);
    app.stop().await;
}

/// A job whose id cannot be recorded is taken back (cancelled at the service) and the task
/// retries: unrecorded, a restart would have submitted it a second time.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_job_whose_id_cannot_be_recorded_is_cancelled_and_retried() {
    let (db, fake) =
        (TestDb::sqlite(), FakeService::speaking(Protocol::Replicate, Behaviour::Queued { polls: 0 }).await);
    let app = spawn(&db, &fake, &[60_000]).await;
    // The database refuses to record job ids (a real failure, from a trigger).
    let conn = sea_orm::Database::connect(&db.url).await.unwrap();
    let refuse = "CREATE TRIGGER refuse_job_ids BEFORE UPDATE OF remote_job_id ON tasks \
                  WHEN NEW.remote_job_id IS NOT NULL BEGIN SELECT RAISE(ABORT, 'disk trouble'); END";
    sea_orm::ConnectionTrait::execute_unprepared(&conn, refuse).await.unwrap();
    let client = TestApp::client();
    submit(&app, &client, REPLICATE, "not written down").await;
    let tasks = app.wait_until(&client, "retrying", |t| all_in(t, &["retrying"])).await;
    let message = tasks[0]["error"]["message"].as_str().unwrap();
    assert!(message.contains("job id could not be recorded"), "{message}");
    assert_eq!(fake.cancels(), ["job1"]);
    app.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_restart_resumes_the_queued_job_on_postgres() {
    if let Some(db) = TestDb::postgres().await {
        restart_resumes(db, REPLICATE).await;
    }
}

/// A server running one task at a time, with attempts of 1 s at most.
async fn spawn(db: &TestDb, fake: &FakeService, delays_ms: &[u64]) -> TestApp {
    let delays = delays_ms.to_vec();
    TestApp::against(db, fake, 1, move |s| {
        s.retry_delays_ms = delays;
        s.lease_ms = 3_000;
        s.image_timeout_ms = 1_000;
        s.video_timeout_ms = 1_000;
        s.shutdown_grace_ms = 100;
        for service in [&mut s.openai, &mut s.comfyui, &mut s.replicate, &mut s.fal] {
            service.request_timeout_ms = 300;
        }
    })
    .await
}

async fn submit(app: &TestApp, client: &reqwest::Client, adapter: Adapter, prompt: &str) -> String {
    let body = match adapter.kind {
        "image" => json!({ "kind": "image", "prompt": prompt, "size": "512x512" }),
        _ => {
            // The fake's clip is made once per test binary: not within an attempt's second.
            common::fake::tiny_mp4().await;
            json!({ "kind": "video", "prompt": prompt, "duration_secs": 2, "resolution": "480p", "fps": 12 })
        }
    };
    app.submit(client, body).await["tasks"][0]["id"].as_str().unwrap().to_owned()
}

async fn a_queued_job_completes_with_its_result(adapter: Adapter) {
    let (db, fake) = (TestDb::sqlite(), FakeService::speaking(adapter.protocol, Behaviour::Queued { polls: 3 }).await);
    let app = spawn(&db, &fake, &[50]).await;
    let client = TestApp::client();
    submit(&app, &client, adapter, "a slow lighthouse").await;
    let tasks = app.wait_until(&client, "completed", |t| all_in(t, &["completed"])).await;
    let (task, result) = (&tasks[0], &tasks[0]["result"]);
    assert_eq!(task["provider"], adapter.name);
    let expected = if adapter.kind == "image" { ("image/png", 3, 2) } else { ("video/mp4", 854, 480) };
    let got =
        (result["media_type"].as_str().unwrap(), result["width"].as_u64().unwrap(), result["height"].as_u64().unwrap());
    assert_eq!(got, expected);
    if adapter.kind == "video" {
        assert_eq!(result["duration_ms"], 2000);
    }
    // The queue's still: the image's own thumbnail, or the service's poster of the video
    // (none made: 404, and the page shows the video's first frame).
    let still = client.get(format!("{}/content/{}?thumbnail", app.base, result["id"].as_str().unwrap())).send().await;
    let still = still.unwrap();
    assert_eq!(result["has_still"], adapter.still, "the page knows whether to ask for a still");
    if adapter.still {
        assert_eq!((still.status().as_u16(), still.headers()["content-type"].to_str().unwrap()), (200, "image/png"));
    } else {
        assert_eq!(still.status().as_u16(), 404);
    }
    assert_eq!((fake.calls().len(), fake.polls()), (1, 4), "one submission, polled until it succeeded");
    app.stop().await;
}

async fn each_fault_ends_retrying_or_failed_in_the_services_words(adapter: Adapter) {
    let (db, fake) = (TestDb::sqlite(), FakeService::speaking(adapter.protocol, Behaviour::Queued { polls: 0 }).await);
    // (fault, status it leaves, error code, words the message holds)
    let cases: Vec<(Behaviour, &str, &str, &str)> = vec![
        (Behaviour::Status(503), "retrying", "service_unavailable", "HTTP 503"),
        (Behaviour::RateLimited { retry_after_ms: 1_000 }, "retrying", "service_unavailable", "HTTP 429"),
        (Behaviour::Drop, "retrying", "service_unavailable", "generation service"),
        // request-timeout-ms: the service does not answer a request in time
        (Behaviour::Hang, "retrying", "timed_out", "generation service timed out"),
        (Behaviour::SlowBody, "retrying", "timed_out", "generation service timed out"),
        (Behaviour::Malformed, "failed", "protocol", "not the expected JSON"),
        (Behaviour::ContentPolicy, "failed", "content_policy", "NSFW content detected"),
        (Behaviour::JobFails("CUDA out of memory"), "failed", "generator_error", "CUDA out of memory"),
    ];
    fake.script(cases.iter().map(|c| c.0.clone()));
    let app = spawn(&db, &fake, &[60_000]).await;
    let client = TestApp::client();
    let mut ids = Vec::new();
    for n in 0..cases.len() {
        ids.push(submit(&app, &client, adapter, &format!("fault {n}")).await);
    }
    app.wait_until(&client, "every fault handled", |t| all_in(t, &["retrying", "failed"])).await;
    for ((_, status, code, words), id) in cases.iter().zip(&ids) {
        let task = app.task(&client, id).await;
        let case = format!("{words}: {task:#}");
        assert_eq!((task["status"].as_str(), task["error"]["code"].as_str()), (Some(*status), Some(*code)), "{case}");
        assert!(task["error"]["message"].as_str().unwrap().contains(words), "{case}");
    }
    app.stop().await;
}

async fn a_polling_outage_resumes_the_same_job(adapter: Adapter) {
    let (db, fake) = (TestDb::sqlite(), FakeService::speaking(adapter.protocol, Behaviour::Queued { polls: 2 }).await);
    fake.script_polls([Behaviour::Status(503), Behaviour::Drop]);
    let app = spawn(&db, &fake, &[20, 20]).await;
    let client = TestApp::client();
    let id = submit(&app, &client, adapter, "through the storm").await;
    app.wait_until(&client, "completed", |t| all_in(t, &["completed"])).await;
    let task = app.task(&client, &id).await;
    let outcomes: Vec<&str> =
        task["attempts"].as_array().unwrap().iter().map(|a| a["outcome"].as_str().unwrap()).collect();
    assert_eq!(outcomes, ["transient", "transient", "completed"], "{task:#}");
    assert_eq!(fake.calls().len(), 1, "the job queued first was polled again, not submitted again");
    app.stop().await;
}

async fn cancelling_stops_the_job_at_the_service(adapter: Adapter) {
    let (db, fake) =
        (TestDb::sqlite(), FakeService::speaking(adapter.protocol, Behaviour::Queued { polls: u32::MAX }).await);
    let app = spawn(&db, &fake, &[50]).await;
    let client = TestApp::client();
    let id = submit(&app, &client, adapter, "never mind").await;
    // Every fake reports a running job at 50 %, each in its own way (a log's progress bar,
    // a progress field, a socket message about one node of the workflow's graph).
    app.wait_until(&client, "progress shown", |t| t[0]["progress"].as_u64().is_some_and(|p| p > 0)).await;
    let (_, body) = app.call(&client, "cancel_task", json!({ "id": id })).await;
    assert_eq!(body["cancel_requested"], true, "{body}");
    app.wait_until(&client, "cancelled", |t| all_in(t, &["cancelled"])).await;
    let expected: Vec<String> = if adapter.cancellable { vec!["job1".into()] } else { Vec::new() };
    assert_eq!(fake.cancels(), expected);
    app.stop().await;
}

/// A task waiting to retry after an outage while polling still has its job at the
/// service: cancelling the task (or deleting it) cancels that job there.
async fn a_job_left_queued_by_a_waiting_task_is_cancelled_with_it(adapter: Adapter) {
    let (db, fake) =
        (TestDb::sqlite(), FakeService::speaking(adapter.protocol, Behaviour::Queued { polls: u32::MAX }).await);
    fake.script_polls([Behaviour::Status(503), Behaviour::Status(503)]);
    let app = spawn(&db, &fake, &[60_000]).await;
    let client = TestApp::client();
    let cancelled = submit(&app, &client, adapter, "cancel me later").await;
    app.wait_until(&client, "retrying", |t| all_in(t, &["retrying"])).await;
    let deleted = submit(&app, &client, adapter, "delete me later").await;
    app.wait_until(&client, "both retrying", |t| t.len() == 2 && all_in(t, &["retrying"])).await;

    let (_, body) = app.call(&client, "cancel_task", json!({ "id": cancelled })).await;
    assert_eq!(body["status"], "cancelled", "{body}");
    let (_, body) = app.call(&client, "delete_task", json!({ "id": deleted })).await;
    assert!(body.is_null() || body.get("code").is_none(), "{body}");
    let expected: Vec<String> = if adapter.cancellable { vec!["job1".into(), "job2".into()] } else { Vec::new() };
    let deadline = std::time::Instant::now() + Duration::from_secs(5);
    while fake.cancels() != expected && std::time::Instant::now() < deadline {
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    assert_eq!(fake.cancels(), expected);
    app.stop().await;
}

/// Time a job waits in the service's own queue is not running time: a job that waits
/// longer than the running deadline (1 s) still completes; one that waits past the
/// queue's own limit is abandoned, and its message says where it waited.
async fn waiting_in_the_services_queue_is_not_running_time(adapter: Adapter) {
    let fake = FakeService::speaking(adapter.protocol, Behaviour::Waits { polls: u32::MAX, then: 0 }).await;
    fake.script([Behaviour::Waits { polls: 120, then: 2 }]);
    let (db, client) = (TestDb::sqlite(), TestApp::client());
    let app = spawn(&db, &fake, &[60_000]).await;
    let started = std::time::Instant::now();
    submit(&app, &client, adapter, "behind a long queue").await;
    let tasks = app.wait_until(&client, "completed", |t| all_in(t, &["completed", "retrying"])).await;
    assert_eq!(tasks[0]["status"], "completed", "{:#}", tasks[0]);
    assert!(started.elapsed() > Duration::from_secs(1), "it waited longer than the running deadline");
    app.stop().await;

    let db = TestDb::sqlite();
    let app = TestApp::against(&db, &fake, 1, |s| {
        s.service_queue_timeout_ms = 200;
        s.retry_delays_ms = vec![60_000];
    })
    .await;
    submit(&app, &client, adapter, "never started").await;
    let tasks = app.wait_until(&client, "retrying", |t| all_in(t, &["retrying"])).await;
    let message = tasks[0]["error"]["message"].as_str().unwrap();
    assert!(message.contains("did not start the job within 200 ms in its queue"), "{message}");
    app.stop().await;
}

async fn a_restart_resumes_the_queued_job(adapter: Adapter) {
    restart_resumes(TestDb::sqlite(), adapter).await;
}

async fn restart_resumes(db: TestDb, adapter: Adapter) {
    let fake = FakeService::speaking(adapter.protocol, Behaviour::Queued { polls: u32::MAX }).await;
    let app = spawn(&db, &fake, &[50]).await;
    let client = TestApp::client();
    let id = submit(&app, &client, adapter, "overnight").await;
    while fake.polls() == 0 {
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
    app.stop().await;
    fake.finish_jobs();
    let app = spawn(&db, &fake, &[50]).await;
    app.wait_until(&client, "completed", |t| all_in(t, &["completed"])).await;
    let task: Value = app.task(&client, &id).await;
    assert_eq!(task["attempts"][0]["outcome"], "released", "{task:#}");
    assert_eq!(fake.calls().len(), 1, "the second server polled the job the first one queued");
    app.stop().await;
}
