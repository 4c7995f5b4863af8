//! What a real ComfyUI does that the shared adapter tests (`services.rs`) do not cover: a
//! job it loses (a restart, a job deleted from its queue) is submitted again at once; a
//! workflow it refuses names the node and the file; a WebM result is measured from the
//! file, with the poster the workflow previews.

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
    // Deadlines far away: only noticing the loss brings the task through in time.
    let (db, client) = (TestDb::sqlite(), TestApp::client());
    let app = spawn(&db, &fake, |s| s.image_timeout_ms = 600_000).await;
    let id = app.submit(&client, json!({ "kind": "image", "prompt": "a lost kite", "size": "512x512" })).await["tasks"]
        [0]["id"]
        .as_str()
        .unwrap()
        .to_owned();
    app.wait_until(&client, "running", |t| t[0]["progress"].as_u64().is_some_and(|p| p > 0)).await;
    fake.lose_jobs();
    app.wait_until(&client, "completed", |t| all_in(t, &["completed"])).await;
    let task = app.task(&client, &id).await;
    let attempts: Vec<(&str, &str)> = task["attempts"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| (a["outcome"].as_str().unwrap(), a["error"].as_str().unwrap_or("")))
        .collect();
    assert_eq!(attempts.len(), 2, "{task:#}");
    assert_eq!(attempts[0].0, "transient");
    assert!(attempts[0].1.contains("ComfyUI no longer has the job job1"), "{attempts:?}");
    assert_eq!(fake.calls().len(), 2, "submitted again");
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
