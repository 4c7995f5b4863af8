//! The engine end to end, over HTTP, against the fake OpenAI-compatible service with a
//! scaled retry schedule (milliseconds for minutes): tasks complete with their content;
//! outages retry on the schedule then fail naming the cause, or recover with no user
//! action; Retry-After is honoured; permanent failures fail at once; attempts time out;
//! cancels stop running attempts; a graceful stop hands tasks back and the next start
//! resumes them; an instance killed and started again under its name takes its tasks back
//! at once, not when their leases run out.

mod common;

use common::fake::{tiny_png, Behaviour, FakeService};
use common::{all_in, files_under, TestApp, TestDb};
use reqwest::StatusCode;
use serde_json::{json, Value};
use server::clock::SystemClock;
use server::config::Settings;
use std::sync::Arc;
use std::time::Duration;

on_both_databases!(
    tasks_complete_with_their_content,
    large_images_get_a_thumbnail_for_the_queue,
    an_outage_is_ridden_out_with_no_user_action,
    a_lasting_outage_fails_naming_the_cause,
    retry_after_is_honoured,
    permanent_failures_fail_at_once,
    results_over_the_size_cap_fail_clearly,
    attempts_past_their_deadline_are_retried,
    cancelling_a_running_task_stops_it,
    cancel_racing_completion_leaves_a_truthful_state,
    a_graceful_stop_hands_tasks_back_and_they_resume,
    a_killed_instance_started_again_takes_its_tasks_back_at_once,
);

const QUICK: Behaviour = Behaviour::Succeed { after: Duration::from_millis(0) };

/// A server running tasks against `fake` with `delays_ms` as the retry schedule.
async fn spawn(db: &TestDb, fake: &FakeService, delays_ms: &[u64], adjust: impl FnOnce(&mut Settings)) -> TestApp {
    let delays = delays_ms.to_vec();
    TestApp::against(db, fake, 2, move |s| {
        s.retry_delays_ms = delays;
        s.lease_ms = 3_000;
        adjust(s);
    })
    .await
}

async fn submit(app: &TestApp, client: &reqwest::Client, prompt: &str) -> String {
    let body = app.submit(client, json!({ "kind": "image", "prompt": prompt, "size": "512x512" })).await;
    body["tasks"][0]["id"].as_str().unwrap().to_owned()
}

fn status(task: &Value) -> &str {
    task["status"].as_str().unwrap()
}

async fn tasks_complete_with_their_content(db: TestDb) {
    let fake = FakeService::start(QUICK).await;
    let app = spawn(&db, &fake, &[50], |_| {}).await;
    let client = TestApp::client();
    for n in 0..3 {
        submit(&app, &client, &format!("lighthouse {n}")).await;
    }
    let tasks = app.wait_until(&client, "all completed", |t| t.len() == 3 && all_in(t, &["completed"])).await;
    let task = &tasks[0];
    assert_eq!((task["provider"].as_str(), task["model"].as_str()), (Some("openai"), Some("gpt-image-1")));
    let result = &task["result"];
    assert_eq!(
        (result["media_type"].as_str(), result["width"].as_u64(), result["height"].as_u64()),
        (Some("image/png"), Some(3), Some(2))
    );

    let url = format!("{}/content/{}", app.base, result["id"].as_str().unwrap());
    let res = client.get(&url).send().await.unwrap();
    assert_eq!(res.headers()["content-type"], "image/png");
    assert_eq!(res.bytes().await.unwrap().to_vec(), tiny_png());
    let thumbnail = client.get(format!("{url}?thumbnail")).send().await.unwrap();
    assert_eq!(thumbnail.bytes().await.unwrap().to_vec(), tiny_png(), "a small image is its own thumbnail");
    let res = client.get(format!("{url}?download")).send().await.unwrap();
    let short = &task["id"].as_str().unwrap().replace('-', "")[24..]; // the random part, as the row shows it
    assert_eq!(res.headers()["content-disposition"], format!("attachment; filename=\"atelier-image-{short}.png\""));
    let stranger = TestApp::client().get(&url).send().await.unwrap();
    assert_eq!(stranger.status(), StatusCode::NOT_FOUND, "another owner cannot fetch it");

    let details = app.task(&client, task["id"].as_str().unwrap()).await;
    let attempts = details["attempts"].as_array().unwrap();
    assert_eq!((attempts.len(), attempts[0]["outcome"].as_str()), (1, Some("completed")));

    // Deleting the task removes its file.
    app.call(&client, "delete_task", json!({ "id": task["id"] })).await;
    assert_eq!(client.get(&url).send().await.unwrap().status(), StatusCode::NOT_FOUND);
    let files = files_under(&db.content_dir);
    assert_eq!(files.len(), 2, "one file per remaining task: {files:?}");
    app.stop().await;
}

async fn large_images_get_a_thumbnail_for_the_queue(db: TestDb) {
    let app = TestApp::spawn_with(&db, Arc::new(SystemClock), |s| s.concurrency = 1).await; // embedded
    let client = TestApp::client();
    app.submit(&client, json!({ "kind": "image", "prompt": "a wide harbour", "size": "1536x1024" })).await;
    let tasks = app.wait_until(&client, "completed", |t| all_in(t, &["completed"])).await;
    let url = format!("{}/content/{}", app.base, tasks[0]["result"]["id"].as_str().unwrap());
    let size = |bytes: &[u8]| {
        let info = png::Decoder::new(std::io::Cursor::new(bytes)).read_info().unwrap();
        (info.info().width, info.info().height)
    };
    let thumbnail = client.get(format!("{url}?thumbnail")).send().await.unwrap();
    assert_eq!(thumbnail.headers()["content-type"], "image/png");
    assert_eq!(size(&thumbnail.bytes().await.unwrap()), (256, 171), "fits 256 × 256, proportions kept");
    assert_eq!(size(&client.get(&url).send().await.unwrap().bytes().await.unwrap()), (1536, 1024));
    assert_eq!(files_under(&db.content_dir).len(), 2, "the image and its thumbnail");
    app.call(&client, "delete_task", json!({ "id": tasks[0]["id"] })).await;
    assert!(files_under(&db.content_dir).is_empty(), "deleting the task removes both");
    app.stop().await;
}

/// SC-009: the service answers 503 through two retry periods, then recovers.
async fn an_outage_is_ridden_out_with_no_user_action(db: TestDb) {
    let fake = FakeService::start(Behaviour::Status(503)).await;
    let app = spawn(&db, &fake, &[100, 300, 900], |_| {}).await;
    let client = TestApp::client();
    for n in 0..10 {
        submit(&app, &client, &format!("harbour {n}")).await;
    }
    app.wait_until(&client, "all retried twice", |t| {
        t.len() == 10 && t.iter().all(|t| t["retry_count"].as_u64() >= Some(2) && status(t) == "retrying")
    })
    .await;
    let retrying = &app.list(&client, json!({})).await["tasks"][0];
    assert_eq!(retrying["error"]["message"].as_str(), Some("HTTP 503"), "{retrying}");
    assert!(retrying["next_retry_at"].is_string());
    fake.set_default(QUICK);
    let tasks = app.wait_until(&client, "all completed", |t| all_in(t, &["completed", "failed"])).await;
    let completed = tasks.iter().filter(|t| status(t) == "completed").count();
    assert_eq!(completed, 10, "SC-009 asks 90 %, the goal is all");
    // The outage's message belongs to the attempts it ended, not to the completed task.
    assert!(tasks.iter().all(|t| t["error"].is_null()), "{tasks:?}");
    let details = app.task(&client, tasks[0]["id"].as_str().unwrap()).await;
    assert_eq!(details["attempts"][0]["error"], "HTTP 503", "{details}");
    app.stop().await;
}

async fn a_lasting_outage_fails_naming_the_cause(db: TestDb) {
    let fake = FakeService::start(Behaviour::Status(503)).await;
    let app = spawn(&db, &fake, &[10, 20, 30], |_| {}).await;
    let client = TestApp::client();
    let id = submit(&app, &client, "a storm").await;
    let tasks = app.wait_until(&client, "failed", |t| all_in(t, &["failed"])).await;
    assert_eq!(tasks[0]["retry_count"], 3);
    assert_eq!(tasks[0]["error"]["code"], "service_unavailable");
    assert_eq!(tasks[0]["error"]["message"], "Generation service unavailable after 3 retries: HTTP 503");
    let details = app.task(&client, &id).await;
    let outcomes: Vec<_> = details["attempts"].as_array().unwrap().iter().map(|a| a["outcome"].clone()).collect();
    assert_eq!(outcomes, vec![json!("transient"); 4], "the first try and three retries");
    assert_eq!(fake.calls().len(), 4);
    app.stop().await;
}

async fn retry_after_is_honoured(db: TestDb) {
    let fake = FakeService::start(QUICK).await;
    fake.script([Behaviour::RateLimited { retry_after_ms: 60_000 }]);
    let app = spawn(&db, &fake, &[10], |_| {}).await;
    let client = TestApp::client();
    submit(&app, &client, "patience").await;
    let tasks = app.wait_until(&client, "retrying", |t| all_in(t, &["retrying"])).await;
    let at = |key: &str| chrono::DateTime::parse_from_rfc3339(tasks[0][key].as_str().unwrap()).unwrap();
    let wait = at("next_retry_at") - at("updated_at");
    // A minute from the failure; `updated_at` is written a few ms after it.
    assert!((59_000..=60_000).contains(&wait.num_milliseconds()), "the service's minute, not 10 ms: {wait}");
    assert_eq!(tasks[0]["error"]["message"], "HTTP 429");
    app.stop().await;
}

async fn permanent_failures_fail_at_once(db: TestDb) {
    let fake = FakeService::start(Behaviour::ContentPolicy).await;
    let app = spawn(&db, &fake, &[10], |_| {}).await;
    let client = TestApp::client();
    submit(&app, &client, "something refused").await;
    let tasks = app.wait_until(&client, "failed", |t| all_in(t, &["failed"])).await;
    assert_eq!(tasks[0]["error"]["code"], "content_policy");
    let message = tasks[0]["error"]["message"].as_str().unwrap();
    assert!(message.contains("rejected by the safety system"), "the service's reason is kept: {message}");
    assert_eq!((tasks[0]["retry_count"].as_u64(), fake.calls().len()), (Some(0), 1), "not retried");
    app.stop().await;
}

async fn results_over_the_size_cap_fail_clearly(db: TestDb) {
    let fake = FakeService::start(QUICK).await;
    let app = spawn(&db, &fake, &[10], |s| s.max_result_bytes = 32).await;
    let client = TestApp::client();
    submit(&app, &client, "too big to keep").await;
    let tasks = app.wait_until(&client, "failed", |t| all_in(t, &["failed"])).await;
    assert_eq!(tasks[0]["error"]["code"], "too_large");
    assert_eq!(
        tasks[0]["error"]["message"],
        "The generation service sent a result over 32 bytes (max-result-bytes in Leptos.toml)."
    );
    assert!(files_under(&db.content_dir).is_empty(), "nothing is stored");
    app.stop().await;
}

async fn attempts_past_their_deadline_are_retried(db: TestDb) {
    let fake = FakeService::start(QUICK).await;
    fake.script([Behaviour::Hang]);
    let app = spawn(&db, &fake, &[10], |s| s.image_timeout_ms = 200).await;
    let client = TestApp::client();
    let id = submit(&app, &client, "slow clouds").await;
    let tasks = app.wait_until(&client, "completed", |t| all_in(t, &["completed"])).await;
    assert_eq!(tasks[0]["retry_count"], 1);
    let details = app.task(&client, &id).await;
    let first = &details["attempts"][0];
    assert_eq!(first["outcome"], "transient");
    assert_eq!(first["error"], "no result within 200 ms (the attempt timed out)");
    app.stop().await;
}

async fn cancelling_a_running_task_stops_it(db: TestDb) {
    let fake = FakeService::start(Behaviour::Hang).await;
    let app = spawn(&db, &fake, &[10], |_| {}).await;
    let client = TestApp::client();
    let id = submit(&app, &client, "never mind").await;
    app.wait_until(&client, "processing", |t| all_in(t, &["processing"])).await;
    let (code, body) = app.call(&client, "cancel_task", json!({ "id": id })).await;
    assert_eq!((code, body["cancel_requested"].as_bool()), (StatusCode::OK, Some(true)), "{body}");
    let tasks = app.wait_until(&client, "cancelled", |t| all_in(t, &["cancelled"])).await;
    assert!(tasks[0]["result"].is_null());
    assert_eq!(app.task(&client, &id).await["attempts"][0]["outcome"], "cancelled");
    app.stop().await;
}

/// Cancels land at every moment around completion; each task ends either completed with
/// its file or cancelled without one, never in between.
async fn cancel_racing_completion_leaves_a_truthful_state(db: TestDb) {
    let fake = FakeService::start(Behaviour::Succeed { after: Duration::from_millis(30) }).await;
    let app = spawn(&db, &fake, &[10], |s| s.concurrency = 4).await;
    let client = TestApp::client();
    let mut ids = Vec::new();
    for n in 0..12 {
        ids.push(submit(&app, &client, &format!("race {n}")).await);
    }
    for (n, id) in ids.iter().enumerate() {
        tokio::time::sleep(Duration::from_millis(n as u64 * 3)).await;
        let (code, body) = app.call(&client, "cancel_task", json!({ "id": id })).await;
        match code {
            // An accepted cancel is one the task will end by, never a task that completed.
            StatusCode::OK => assert!(status(&body) == "cancelled" || body["cancel_requested"] == true, "{body}"),
            code => assert_eq!(code, StatusCode::CONFLICT, "{body}"),
        }
    }
    let tasks = app.wait_until(&client, "all finished", |t| all_in(t, &["completed", "cancelled"])).await;
    for task in &tasks {
        match status(task) {
            "completed" => assert!(task["result"].is_object(), "{task}"),
            _ => assert!(task["result"].is_null(), "{task}"),
        }
    }
    let completed = tasks.iter().filter(|t| status(t) == "completed").count();
    assert_eq!(files_under(&db.content_dir).len(), completed, "no file without its completed task");
    app.stop().await;
}

async fn a_graceful_stop_hands_tasks_back_and_they_resume(db: TestDb) {
    let fake = FakeService::start(Behaviour::Hang).await;
    let app = spawn(&db, &fake, &[10], |s| s.shutdown_grace_ms = 100).await;
    let client = TestApp::client();
    for n in 0..3 {
        submit(&app, &client, &format!("interrupted {n}")).await;
    }
    app.wait_until(&client, "two running", |t| t.iter().filter(|t| status(t) == "processing").count() == 2).await;
    app.stop().await;

    fake.set_default(QUICK);
    let app = spawn(&db, &fake, &[10], |_| {}).await;
    let tasks = app.wait_until(&client, "all completed", |t| t.len() == 3 && all_in(t, &["completed"])).await;
    assert!(tasks.iter().all(|t| t["retry_count"] == 0), "a release is not a failure: {tasks:#?}");
    let released =
        app.task(&client, tasks.iter().find(|t| t["attempt_count"] == 2).unwrap()["id"].as_str().unwrap()).await;
    assert_eq!(released["attempts"][0]["outcome"], "released");
    app.stop().await;
}

/// An instance killed mid-attempt leaves its task processing under its lease. Started again
/// under its name, it takes the task back at its start, as interrupted, and runs it: the
/// clock never moves here, so no lease ever runs out and only the name can have done it. A
/// task leased to another instance stays where it is.
async fn a_killed_instance_started_again_takes_its_tasks_back_at_once(db: TestDb) {
    let clock = Arc::new(server::clock::ManualClock::starting_now());
    let web = TestApp::spawn_with(&db, clock.clone(), |_| {}).await; // runs no tasks
    let client = TestApp::client();
    let mine = submit(&web, &client, "left by the kill").await;
    let theirs = submit(&web, &client, "another instance's").await;
    web.stop().await;
    // What the killed process had done: claimed them under its lease, and no more.
    let settings = Settings { database_url: db.url.clone(), ..Settings::default() };
    let connection = server::db::connect(&settings).await.unwrap();
    let store = server::TaskStore::new(connection, clock.clone(), chrono::TimeDelta::zero());
    let lease = chrono::TimeDelta::seconds(30);
    for (instance, id) in [("studio", &mine), ("elsewhere", &theirs)] {
        let claimed = store.claim_next(instance, lease).await.unwrap().expect("runnable");
        assert_eq!(claimed.task.id.to_string(), *id);
    }

    let app = TestApp::spawn_with(&db, clock, |s| {
        s.instance = "studio".into();
        s.concurrency = 1; // the embedded generator
        s.lease_ms = 30_000;
    })
    .await;
    app.wait_until(&client, "its own task completed", |t| {
        t.iter().any(|t| t["id"] == *mine && status(t) == "completed")
    })
    .await;
    let task = app.task(&client, &mine).await;
    let outcomes: Vec<&Value> = task["attempts"].as_array().unwrap().iter().map(|a| &a["outcome"]).collect();
    assert_eq!(outcomes, [&json!("interrupted"), &json!("completed")], "{task:#}");
    assert_eq!(task["retry_count"], 0, "a kill is not the service's fault");
    assert_eq!(status(&app.task(&client, &theirs).await), "processing", "not this instance's to take");
    app.stop().await;
}
