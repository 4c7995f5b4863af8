//! Managing the queue over HTTP: cancel, retry, delete, clear, move to the front, pause
//! and resume; each refuses clearly (404 or 409) when the task is elsewhere or in a state
//! that does not allow it, and changes nothing then.

mod common;

use common::{ids, TestApp, TestDb};
use reqwest::StatusCode;
use serde_json::{json, Value};

on_both_databases!(
    cancel_then_retry_then_delete,
    retrying_again_returns_the_first_retry,
    clear_move_and_pause,
    other_owners_tasks_are_not_found,
);

async fn task(app: &TestApp, client: &reqwest::Client, prompt: &str) -> Value {
    app.submit(client, json!({ "kind": "image", "prompt": prompt })).await["tasks"][0].clone()
}

async fn cancel_then_retry_then_delete(db: TestDb) {
    let app = TestApp::spawn(&db).await;
    let client = TestApp::client();
    let t = task(&app, &client, "to cancel").await;
    let id = json!({ "id": t["id"] });

    let (status, cancelled) = app.call(&client, "cancel_task", id.clone()).await;
    assert_eq!((status, cancelled["status"].as_str()), (StatusCode::OK, Some("cancelled")), "{cancelled}");
    assert!(cancelled["finished_at"].is_string());
    let (status, err) = app.call(&client, "cancel_task", id.clone()).await;
    assert_eq!((status, err["code"].as_str()), (StatusCode::CONFLICT, Some("conflict")));
    assert!(err["message"].as_str().unwrap().contains("already cancelled"), "{err}");

    let (status, again) = app.call(&client, "retry_task", id.clone()).await;
    assert_eq!((status, again["status"].as_str()), (StatusCode::OK, Some("pending")), "{again}");
    assert_ne!(again["id"], t["id"]);
    assert_eq!(again["params"], t["params"], "same parameters");
    let (status, err) = app.call(&client, "retry_task", json!({ "id": again["id"] })).await;
    assert_eq!((status, err["code"].as_str()), (StatusCode::CONFLICT, Some("conflict")), "pending cannot be retried");

    let (status, _) = app.call(&client, "delete_task", id.clone()).await;
    assert_eq!(status, StatusCode::OK);
    let (status, err) = app.call(&client, "get_task", id.clone()).await;
    assert_eq!((status, err["code"].as_str()), (StatusCode::NOT_FOUND, Some("not_found")));
    assert_eq!(app.all_ids(&client).await, [again["id"].as_str().unwrap()]);
    app.stop().await;
}

/// A double-click on Retry, or two tabs retrying at once, make one new task: a task that
/// already has a retry answers with it.
async fn retrying_again_returns_the_first_retry(db: TestDb) {
    let app = TestApp::spawn(&db).await;
    let client = TestApp::client();
    let t = task(&app, &client, "retried twice").await;
    let id = json!({ "id": t["id"] });
    app.call(&client, "cancel_task", id.clone()).await;
    let at_once = futures_util::future::join_all((0..3).map(|_| app.call(&client, "retry_task", id.clone()))).await;
    let (status, first) = &at_once[0];
    assert_eq!(*status, StatusCode::OK, "{first}");
    for (status, again) in &at_once {
        assert_eq!((*status, &again["id"]), (StatusCode::OK, &first["id"]), "{again}");
    }
    let (status, later) = app.call(&client, "retry_task", id).await;
    assert_eq!((status, &later["id"]), (StatusCode::OK, &first["id"]));
    assert_eq!(app.all_ids(&client).await.len(), 2, "the task and one retry");
    app.stop().await;
}

async fn clear_move_and_pause(db: TestDb) {
    let app = TestApp::spawn(&db).await;
    let client = TestApp::client();
    let a = task(&app, &client, "a").await;
    let b = task(&app, &client, "b").await;
    let c = task(&app, &client, "c").await;
    for t in [&a, &b] {
        app.call(&client, "cancel_task", json!({ "id": t["id"] })).await;
    }
    let (status, err) = app.call(&client, "clear_tasks", json!({ "statuses": ["pending"] })).await;
    assert_eq!((status, err["code"].as_str()), (StatusCode::BAD_REQUEST, Some("statuses_invalid")));
    let (status, cleared) = app.call(&client, "clear_tasks", json!({ "statuses": ["cancelled", "failed"] })).await;
    assert_eq!((status, cleared["removed"].as_u64()), (StatusCode::OK, Some(2)));
    assert_eq!(app.all_ids(&client).await, [c["id"].as_str().unwrap()]);

    // With `finished_before`, a task that finished after that time stays.
    let early = task(&app, &client, "finished early").await;
    let (_, early) = app.call(&client, "cancel_task", json!({ "id": early["id"] })).await;
    tokio::time::sleep(std::time::Duration::from_millis(5)).await;
    let late = task(&app, &client, "finished late").await;
    app.call(&client, "cancel_task", json!({ "id": late["id"] })).await;
    let request = json!({ "statuses": ["cancelled"], "finished_before": early["finished_at"] });
    let (status, cleared) = app.call(&client, "clear_tasks", request).await;
    assert_eq!((status, cleared["removed"].as_u64()), (StatusCode::OK, Some(1)), "{cleared}");
    assert_eq!(app.all_ids(&client).await, [late["id"].as_str().unwrap(), c["id"].as_str().unwrap()]);
    app.call(&client, "delete_task", json!({ "id": late["id"] })).await;

    let d = task(&app, &client, "d").await;
    let (status, moved) = app.call(&client, "move_task", json!({ "id": d["id"] })).await;
    assert_eq!(status, StatusCode::OK, "{moved}");
    let (status, moved_again) = app.call(&client, "move_task", json!({ "id": c["id"] })).await;
    assert_eq!(status, StatusCode::OK, "{moved_again}");
    app.call(&client, "cancel_task", json!({ "id": d["id"] })).await;
    let (status, err) = app.call(&client, "move_task", json!({ "id": d["id"] })).await;
    assert_eq!((status, err["code"].as_str()), (StatusCode::CONFLICT, Some("conflict")));

    assert_eq!(app.list(&client, json!({})).await["paused"], false);
    let (status, state) = app.call(&client, "pause_queue", json!({})).await;
    assert_eq!((status, state["paused"].as_bool()), (StatusCode::OK, Some(true)));
    assert_eq!(app.list(&client, json!({})).await["paused"], true);
    let other = TestApp::client();
    assert_eq!(app.list(&other, json!({})).await["paused"], false, "pausing is per owner");
    app.call(&client, "resume_queue", json!({})).await;
    assert_eq!(app.list(&client, json!({})).await["paused"], false);
    app.stop().await;
}

async fn other_owners_tasks_are_not_found(db: TestDb) {
    let app = TestApp::spawn(&db).await;
    let (alice, bob) = (TestApp::client(), TestApp::client());
    let t = task(&app, &alice, "alice's").await;
    for endpoint in ["cancel_task", "retry_task", "delete_task", "move_task"] {
        let (status, err) = app.call(&bob, endpoint, json!({ "id": t["id"] })).await;
        assert_eq!((status, err["code"].as_str()), (StatusCode::NOT_FOUND, Some("not_found")), "{endpoint}");
    }
    let (_, cleared) = app.call(&bob, "clear_tasks", json!({ "statuses": ["completed", "failed", "cancelled"] })).await;
    assert_eq!(cleared["removed"], 0);
    let page = app.list(&alice, json!({})).await;
    assert_eq!((ids(&page).len(), page["tasks"][0]["status"].as_str()), (1, Some("pending")), "untouched");
    app.stop().await;
}
