//! What a real ComfyUI does that the shared adapter tests (`services.rs`) do not cover: a
//! job it loses (a restart, a job deleted from its queue) is submitted again at once,
//! with no retry spent; progress is sent only to the client that queued the prompt, which
//! a resumed task still is; a prompt waiting in its queue has a place there; a prompt
//! interrupted there is a cancel; a workflow it refuses names the node and the file; a
//! WebM result is measured from the file, with the poster the workflow previews; an
//! empty placeholder leaves no separator behind.

mod common;

use common::fake::{Behaviour, FakeService, Protocol};
use common::{all_in, TestApp, TestDb};
use serde_json::{json, Value};

/// The id of the one task the submission made.
async fn submitted(app: &TestApp, client: &reqwest::Client, body: Value) -> String {
    app.submit(client, body).await["tasks"][0]["id"].as_str().unwrap().to_owned()
}

/// Each attempt's outcome and error.
fn outcomes(task: &Value) -> Vec<(&str, String)> {
    let attempts = task["attempts"].as_array().unwrap().iter();
    attempts.map(|a| (a["outcome"].as_str().unwrap(), a["error"].as_str().unwrap_or("").to_owned())).collect()
}

async fn spawn(db: &TestDb, fake: &FakeService, adjust: impl FnOnce(&mut server::config::Settings)) -> TestApp {
    TestApp::against(db, fake, 1, |s| {
        s.retry_delays_ms = vec![20];
        adjust(s);
    })
    .await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_job_comfyui_lost_is_submitted_again_at_once() {
    let fake = FakeService::speaking(Protocol::ComfyUi, Behaviour::Queued { polls: 2 }).await;
    fake.script([Behaviour::Queued { polls: u32::MAX }]);
    // Deadlines and retries far away: only noticing the loss brings the task through in time.
    let (db, client) = (TestDb::sqlite(), TestApp::client());
    let app = spawn(&db, &fake, |s| {
        s.image_timeout_ms = 600_000;
        s.retry_delays_ms = vec![600_000];
    })
    .await;
    let id = submitted(&app, &client, json!({ "kind": "image", "prompt": "a lost kite", "size": "512x512" })).await;
    app.wait_until(&client, "running", |t| t[0]["progress"].as_u64().is_some_and(|p| p > 0)).await;
    fake.lose_jobs();
    app.wait_until(&client, "completed", |t| all_in(t, &["completed"])).await;
    let task = app.task(&client, &id).await;
    assert_eq!(outcomes(&task), [("completed", String::new())], "submitted again in the same attempt: {task:#}");
    assert_eq!(task["retry_count"], 0, "no retry spent");
    assert_eq!(fake.calls().len(), 2, "submitted again");
    app.stop().await;
}

/// ComfyUI restarts while a task runs there: the polls refused meanwhile cost what an
/// outage costs, but once it answers again, the prompt it forgot is submitted anew at once,
/// not taken for another failure (which, retries used up, failed tasks while it was up).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn after_a_comfyui_restart_the_forgotten_prompt_costs_no_retry() {
    let fake = FakeService::speaking(Protocol::ComfyUi, Behaviour::Queued { polls: 3 }).await;
    fake.script([Behaviour::Queued { polls: u32::MAX }]);
    let (db, client) = (TestDb::sqlite(), TestApp::client());
    let app = spawn(&db, &fake, |s| s.retry_delays_ms = vec![100; 20]).await;
    let id = submitted(&app, &client, json!({ "kind": "image", "prompt": "a restart", "size": "512x512" })).await;
    app.wait_until(&client, "running", |t| t[0]["progress"].as_u64().is_some_and(|p| p > 0)).await;
    fake.go_down().await;
    app.wait_until(&client, "retrying", |t| all_in(t, &["retrying"])).await;
    fake.come_back().await;
    app.wait_until(&client, "completed", |t| all_in(t, &["completed", "failed"])).await;
    let task = app.task(&client, &id).await;
    assert_eq!(task["status"], "completed", "{task:#}");
    let outcomes = outcomes(&task);
    assert_eq!(outcomes.last().unwrap().0, "completed", "{outcomes:?}");
    assert!(
        outcomes.iter().all(|(_, error)| !error.contains("no longer has the job")),
        "only the refused polls cost retries: {outcomes:?}"
    );
    assert_eq!(task["retry_count"].as_u64().unwrap() as usize, outcomes.len() - 1);
    assert_eq!(fake.calls().len(), 2, "submitted again once it answered");
    app.stop().await;
}

/// ComfyUI sends a prompt's progress only to the client that queued it: a task resumed
/// by another server (or the same one, restarted) still shows how far it is.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn progress_follows_a_task_resumed_by_another_server() {
    let fake = FakeService::speaking(Protocol::ComfyUi, Behaviour::Queued { polls: u32::MAX }).await;
    let (db, client) = (TestDb::sqlite(), TestApp::client());
    let quick_stop = |s: &mut server::config::Settings| s.shutdown_grace_ms = 100;
    let app = spawn(&db, &fake, quick_stop).await;
    app.submit(&client, json!({ "kind": "image", "prompt": "overnight", "size": "512x512" })).await;
    app.wait_until(&client, "running", |t| t[0]["progress"].as_u64().is_some_and(|p| p > 0)).await;
    app.stop().await;
    let app = spawn(&db, &fake, quick_stop).await;
    let tasks = app
        .wait_until(&client, "running again, with progress", |t| {
            t[0]["attempt_count"] == 2 && t[0]["progress"].as_u64().is_some_and(|p| p > 0)
        })
        .await;
    assert_eq!(tasks[0]["status"], "processing");
    fake.finish_jobs();
    app.wait_until(&client, "completed", |t| all_in(t, &["completed"])).await;
    assert_eq!(fake.calls().len(), 1, "the job was resumed, not submitted again");
    app.stop().await;
}

/// A prompt waiting in ComfyUI's own queue behind other clients' says where it waits,
/// and stops saying so once it runs.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_prompt_waiting_in_comfyuis_queue_shows_its_place() {
    let fake = FakeService::speaking(Protocol::ComfyUi, Behaviour::Waits { polls: u32::MAX, then: 3 }).await;
    fake.queue_ahead(2);
    let (db, client) = (TestDb::sqlite(), TestApp::client());
    let app = spawn(&db, &fake, |_| {}).await;
    app.submit(&client, json!({ "kind": "image", "prompt": "behind two", "size": "512x512" })).await;
    let tasks = app.wait_until(&client, "third in line", |t| t[0]["queued_at_service"] == 3).await;
    assert_eq!((&tasks[0]["status"], &tasks[0]["progress"]), (&json!("processing"), &json!(0)));
    fake.clear_ahead();
    app.wait_until(&client, "next in line", |t| t[0]["queued_at_service"] == 1).await;
    fake.finish_jobs();
    let tasks = app.wait_until(&client, "completed", |t| all_in(t, &["completed"])).await;
    assert!(tasks[0].get("queued_at_service").is_none(), "{:#}", tasks[0]);
    app.stop().await;
}

/// Someone at ComfyUI interrupts the prompt: the task ends cancelled, saying where.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_prompt_interrupted_at_comfyui_ends_its_task_cancelled() {
    let fake = FakeService::speaking(Protocol::ComfyUi, Behaviour::Queued { polls: u32::MAX }).await;
    let (db, client) = (TestDb::sqlite(), TestApp::client());
    let app = spawn(&db, &fake, |_| {}).await;
    let id = submitted(&app, &client, json!({ "kind": "image", "prompt": "stopped there", "size": "512x512" })).await;
    app.wait_until(&client, "running", |t| t[0]["progress"].as_u64().is_some_and(|p| p > 0)).await;
    fake.interrupt_jobs();
    let tasks = app.wait_until(&client, "ended", |t| all_in(t, &["cancelled", "failed"])).await;
    assert_eq!((&tasks[0]["status"], &tasks[0]["error"]), (&json!("cancelled"), &Value::Null), "{:#}", tasks[0]);
    let task = app.task(&client, &id).await;
    assert_eq!(outcomes(&task), [("cancelled", "Cancelled at ComfyUI (the prompt was interrupted there).".into())]);
    app.stop().await;
}

/// A workflow saved in ComfyUI's UI format, or one saving animated WebP, stops the start
/// with what to do, before any task is taken (rather than failing each task it renders).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn workflows_atelier_cannot_run_stop_the_start() {
    let fake = FakeService::speaking(Protocol::ComfyUi, Behaviour::Queued { polls: 0 }).await;
    let shipped = concat!(env!("CARGO_MANIFEST_DIR"), "/../comfyui/video-workflow.json");
    let mut animated: Value = serde_json::from_str(&std::fs::read_to_string(shipped).unwrap()).unwrap();
    animated["81"] = json!({ "class_type": "SaveAnimatedWEBP", "inputs": { "images": ["8", 0], "fps": "{{fps}}" } });
    let ui = common::fake::comfyui::ui_format();
    for (workflow, expected) in [
        (ui, "a workflow saved in ComfyUI's UI format"),
        (animated, "node 81: SaveAnimatedWEBP saves animated pictures, which Atelier cannot take"),
    ] {
        let path = std::env::temp_dir().join(format!("atelier-flow-{}.json", uuid::Uuid::new_v4().simple()));
        std::fs::write(&path, workflow.to_string()).unwrap();
        let model = path.to_string_lossy().into_owned();
        let db = TestDb::sqlite();
        let refused = TestApp::try_against(&db, &fake, 1, |s| s.comfyui.video_model = model).await.err();
        let said = refused.map(|e| e.to_string()).unwrap_or_default();
        assert!(said.contains(expected), "{said}");
        let _ = std::fs::remove_file(path);
    }
    assert!(fake.calls().is_empty());
}

/// With no style, the shipped workflow's `"{{prompt}}, {{style}}"` is the prompt alone.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn no_style_leaves_no_dangling_separator() {
    let fake = FakeService::speaking(Protocol::ComfyUi, Behaviour::Queued { polls: 0 }).await;
    let (db, client) = (TestDb::sqlite(), TestApp::client());
    let app = spawn(&db, &fake, |_| {}).await;
    let image = |style| json!({ "kind": "image", "prompt": "a kite", "size": "512x512", "style": style });
    app.submit(&client, image("none")).await;
    app.submit(&client, image("watercolor")).await;
    app.wait_until(&client, "completed", |t| t.len() == 2 && all_in(t, &["completed"])).await;
    assert_eq!(fake.calls(), ["a kite", "a kite, watercolor painting"]);
    app.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_refused_workflow_names_the_node_and_the_missing_file() {
    let fake = FakeService::speaking(Protocol::ComfyUi, Behaviour::Status(400)).await;
    let (db, client) = (TestDb::sqlite(), TestApp::client());
    let app = spawn(&db, &fake, |_| {}).await;
    app.submit(&client, json!({ "kind": "image", "prompt": "a kite", "size": "512x512" })).await;
    let tasks = app.wait_until(&client, "failed", |t| all_in(t, &["failed"])).await;
    let message = tasks[0]["error"]["message"].as_str().unwrap();
    assert!(
        message.contains(
            "Prompt outputs failed validation: CheckpointLoaderSimple (node 4): Value not in list: \
             ckpt_name: 'v1-5-pruned-emaonly.safetensors' not in"
        ),
        "{message}"
    );
    app.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_webm_is_measured_from_the_file_with_its_previewed_poster() {
    // The shipped LTX workflow, saving WebM instead of MP4.
    let shipped = concat!(env!("CARGO_MANIFEST_DIR"), "/../comfyui/video-workflow.json");
    let mut workflow: Value = serde_json::from_str(&std::fs::read_to_string(shipped).unwrap()).unwrap();
    workflow["81"] = json!({ "class_type": "SaveWEBM", "inputs": {
        "images": ["8", 0], "filename_prefix": "atelier", "codec": "vp9", "fps": "{{fps}}", "crf": 32
    } });
    let path = std::env::temp_dir().join(format!("atelier-webm-{}.json", uuid::Uuid::new_v4().simple()));
    std::fs::write(&path, workflow.to_string()).unwrap();
    let fake = FakeService::speaking(Protocol::ComfyUi, Behaviour::Queued { polls: 1 }).await;
    let (db, client) = (TestDb::sqlite(), TestApp::client());
    let video_model = path.to_string_lossy().into_owned();
    let app = spawn(&db, &fake, move |s| s.comfyui.video_model = video_model).await;
    let video = json!({ "kind": "video", "prompt": "waves", "duration_secs": 2, "resolution": "480p", "fps": 12 });
    app.submit(&client, video).await;
    let tasks = app.wait_until(&client, "completed", |t| all_in(t, &["completed", "failed"])).await;
    let result = &tasks[0]["result"];
    assert_eq!(
        (&result["media_type"], &result["width"], &result["height"], &result["duration_ms"], &result["has_still"]),
        (&json!("video/webm"), &json!(320), &json!(240), &json!(1500), &json!(true)),
        "{:#}",
        tasks[0]
    );
    let still = format!("{}/content/{}?thumbnail", app.base, result["id"].as_str().unwrap());
    let still = client.get(still).send().await.unwrap();
    assert_eq!((still.status().as_u16(), still.headers()["content-type"].to_str().unwrap()), (200, "image/png"));
    app.stop().await;
    let _ = std::fs::remove_file(path);
}
