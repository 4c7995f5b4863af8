//! Versions and creation numbers, what the page orders live news by: every change of a
//! task, a board item or the queue's paused state adds one to its version; whatever an
//! owner makes takes the owner's next creation number (`seq`), and a page carries the
//! last number given before its rows were read.

mod common;

use common::{TestApp, TestDb};
use reqwest::StatusCode;
use serde_json::{json, Value};

on_both_databases!(a_tasks_version_grows_with_each_change, pages_carry_the_last_creation_number);

async fn running(db: &TestDb) -> TestApp {
    TestApp::spawn_with(db, std::sync::Arc::new(server::clock::SystemClock), |s| s.concurrency = 1).await
}

async fn ok(app: &TestApp, client: &reqwest::Client, endpoint: &str, body: Value) -> Value {
    let (status, body) = app.call(client, endpoint, body).await;
    assert_eq!(status, StatusCode::OK, "{endpoint}: {body}");
    body
}

async fn a_tasks_version_grows_with_each_change(db: TestDb) {
    let app = running(&db).await;
    let client = TestApp::client();
    let made = app.submit(&client, json!({ "kind": "image", "prompt": "a kite" })).await;
    let task = &made["tasks"][0];
    assert_eq!((task["version"].as_u64(), task["seq"].as_u64()), (Some(1), Some(1)));
    let id = task["id"].clone();
    let tasks = app.wait_until(&client, "completed", |t| t[0]["status"] == "completed").await;
    // pending 1 → processing 2 → completed 3, whatever the clock said meanwhile.
    assert_eq!((tasks[0]["id"].clone(), tasks[0]["version"].as_u64()), (id.clone(), Some(3)));
    assert_eq!(app.task(&client, id.as_str().unwrap()).await["version"], 3);

    // The queue's paused state: each pause or resume one more.
    assert_eq!(ok(&app, &client, "pause_queue", json!({})).await["version"], 1);
    let waiting = app.submit(&client, json!({ "kind": "image", "prompt": "a second kite" })).await;
    assert_eq!(waiting["tasks"][0]["seq"], 2);
    let cancelled = ok(&app, &client, "cancel_task", json!({ "id": waiting["tasks"][0]["id"] })).await;
    assert_eq!((&cancelled["status"], &cancelled["version"]), (&json!("cancelled"), &json!(2)));
    assert_eq!(ok(&app, &client, "resume_queue", json!({})).await["version"], 2);
    assert_eq!(app.list(&client, json!({})).await["queue_version"], 2);

    // A board item: placed as the owner's next creation, one more at each arrangement.
    let content = &tasks[0]["result"]["id"];
    let place = json!({ "content_id": content, "x": 0.0, "y": 0.0, "width": 100.0, "height": 100.0 });
    let item = ok(&app, &client, "place_on_board", place).await;
    assert_eq!((item["version"].as_u64(), item["seq"].as_u64()), (Some(1), Some(3)));
    let arrange = json!({ "id": item["id"], "x": 10.0, "y": 0.0, "width": 100.0, "height": 100.0 });
    assert_eq!(ok(&app, &client, "arrange_board_item", arrange).await["version"], 2);
    assert_eq!(ok(&app, &client, "list_board", json!({})).await["seq"], 3);
    app.stop().await;
}

async fn pages_carry_the_last_creation_number(db: TestDb) {
    let app = TestApp::spawn(&db).await;
    let (alice, bob) = (TestApp::client(), TestApp::client());
    assert_eq!(app.list(&alice, json!({})).await["seq"], 0, "nothing made yet");
    // A submission is one number, however many tasks it makes; numbers are per owner.
    let batch = app.submit(&alice, json!({ "kind": "image", "prompt": "a kite", "variants": 3 })).await;
    assert!(batch["tasks"].as_array().unwrap().iter().all(|t| t["seq"] == 1), "{batch}");
    app.submit(&bob, json!({ "kind": "image", "prompt": "a boat" })).await;
    app.submit(&alice, json!({ "kind": "image", "prompt": "a lighthouse" })).await;
    assert_eq!(app.list(&alice, json!({})).await["seq"], 2);
    assert_eq!(app.list(&bob, json!({})).await["seq"], 1);

    // A retry is made too: the next number.
    let first = &batch["tasks"][0]["id"];
    ok(&app, &alice, "cancel_task", json!({ "id": first })).await;
    let again = ok(&app, &alice, "retry_task", json!({ "id": first })).await;
    assert_eq!(again["seq"], 3);
    assert_eq!(app.list(&alice, json!({})).await["seq"], 3);

    // A guest's things moved into a new account are numbered as made then, by the account.
    let (status, _) = app.call(&bob, "sign_up", json!({ "username": "bob", "password": common::PASSWORD })).await;
    assert_eq!(status, StatusCode::OK);
    let page = app.list(&bob, json!({})).await;
    assert_eq!(page["tasks"][0]["seq"], page["seq"], "{page}");
    app.stop().await;
}
