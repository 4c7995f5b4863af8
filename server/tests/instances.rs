//! Several server instances on one PostgreSQL database: a web-only instance
//! (`concurrency = 0`) takes a submission, a worker instance runs it at once (woken by
//! the relayed event, not by polling), and the browser following the web instance's event
//! stream sees every state change, even of tasks whose events are too large to relay.

mod common;

use common::fake::{Behaviour, FakeService};
use common::{all_in, TestApp, TestDb};
use serde_json::json;
use std::time::Duration;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_web_only_instance_and_a_worker_share_the_queue() {
    let Some(db) = TestDb::postgres().await else { return };
    let fake = FakeService::start(Behaviour::Succeed { after: Duration::from_millis(50) }).await;
    let web = TestApp::spawn(&db).await; // concurrency 0
    let worker = TestApp::against(&db, &fake, 2, |_| {}).await;
    let client = TestApp::client();
    web.list(&client, json!({})).await; // the owner cookie
    let mut stream = client.get(format!("{}/api/events", web.base)).send().await.unwrap();

    let body = web.submit(&client, json!({ "kind": "image", "prompt": "made elsewhere" })).await;
    let id = body["tasks"][0]["id"].as_str().unwrap().to_owned();
    let tasks = web.wait_until(&client, "completed", |t| all_in(t, &["completed"])).await;
    assert_eq!(tasks[0]["provider"], "openai", "run by the worker, the only instance with a service");
    assert_eq!(fake.calls(), ["made elsewhere"]);

    // The web instance's stream carried the worker's changes.
    let mut text = String::new();
    while !text.contains("\"status\":\"completed\"") {
        let chunk = tokio::time::timeout(Duration::from_secs(10), stream.chunk()).await;
        let chunk = chunk.expect("relayed events within 10 s").unwrap().expect("stream open");
        text.push_str(&String::from_utf8_lossy(&chunk));
    }
    assert!(text.contains(&id) && text.contains("\"status\":\"processing\""), "{text}");

    // An event too large for NOTIFY (a long CJK prompt) travels as a resync, which still
    // wakes the idle worker.
    web.submit(&client, json!({ "kind": "image", "prompt": "猫".repeat(3000) })).await;
    web.wait_until(&client, "both completed", |t| t.len() == 2 && all_in(t, &["completed"])).await;
    worker.stop().await;
    web.stop().await;
}
