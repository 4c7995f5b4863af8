//! The whiteboard over HTTP: placing a result and a frame for a task, arranging and
//! removing items, owner isolation, validation, a result outliving its task while it is
//! on the board (its file removed with the last item showing it), frames filled in by the
//! task's completion, items kept across a restart, and the board read in pages.

mod common;

use common::{all_in, files_under, TestApp, TestDb};
use reqwest::StatusCode;
use serde_json::{json, Value};
use server::clock::SystemClock;
use std::sync::Arc;

on_both_databases!(
    results_are_placed_arranged_and_removed,
    a_result_outlives_its_task_on_the_board,
    frames_wait_for_their_task,
    the_board_is_read_in_pages
);

async fn running(db: &TestDb) -> TestApp {
    TestApp::spawn_with(db, Arc::new(SystemClock), |s| s.concurrency = 1).await // the embedded generator
}

async fn board(app: &TestApp, client: &reqwest::Client) -> Vec<Value> {
    let (status, items) = app.call(client, "list_board", json!({})).await;
    assert_eq!(status, StatusCode::OK, "{items}");
    assert!(items["next_cursor"].is_null(), "one page: {items}");
    items["items"].as_array().unwrap().clone()
}

/// A completed image task; returns it.
async fn completed(app: &TestApp, client: &reqwest::Client, prompt: &str) -> Value {
    let made = app.submit(client, json!({ "kind": "image", "prompt": prompt, "size": "512x512" })).await;
    let id = made["tasks"][0]["id"].clone();
    let tasks =
        app.wait_until(client, "completed", |t| t.iter().any(|t| t["id"] == id && t["status"] == "completed")).await;
    tasks.into_iter().find(|t| t["id"] == id).unwrap()
}

async fn results_are_placed_arranged_and_removed(db: TestDb) {
    let app = running(&db).await;
    let (alice, bob) = (TestApp::client(), TestApp::client());
    let task = completed(&app, &alice, "a harbour to place").await;
    let content = &task["result"]["id"];
    let place = json!({ "content_id": content, "x": -40.5, "y": 12.0, "width": 320.0, "height": 320.0 });
    let (status, item) = app.call(&alice, "place_on_board", place.clone()).await;
    assert_eq!(status, StatusCode::OK, "{item}");
    assert_eq!((&item["task_id"], &item["kind"], &item["media"]["id"]), (&task["id"], &json!("image"), content));
    assert_eq!((item["media"]["width"].as_u64(), item["x"].as_f64()), (Some(512), Some(-40.5)));
    let (_, second) = app.call(&alice, "place_on_board", place.clone()).await;
    assert!(second["z"].as_i64() > item["z"].as_i64(), "a new item goes in front");
    assert_eq!(board(&app, &alice).await, [item.clone(), second.clone()], "back to front");

    // Arranging moves and sizes it, and brings it to the front.
    let arrange = json!({ "id": item["id"], "x": 100.0, "y": 200.0, "width": 160.0, "height": 160.0 });
    let (status, moved) = app.call(&alice, "arrange_board_item", arrange.clone()).await;
    assert_eq!(status, StatusCode::OK, "{moved}");
    assert_eq!((moved["x"].as_f64(), moved["width"].as_f64()), (Some(100.0), Some(160.0)));
    assert!(moved["z"].as_i64() > second["z"].as_i64());
    assert_eq!(board(&app, &alice).await, [second.clone(), moved.clone()]);

    // Another owner sees nothing, and can neither place Alice's result nor touch her items.
    assert!(board(&app, &bob).await.is_empty());
    let (status, _) = app.call(&bob, "place_on_board", place.clone()).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    for (endpoint, body) in
        [("arrange_board_item", arrange.clone()), ("remove_board_item", json!({ "id": item["id"] }))]
    {
        let (status, err) = app.call(&bob, endpoint, body).await;
        assert_eq!((status, err["code"].as_str()), (StatusCode::NOT_FOUND, Some("not_found")), "{endpoint}");
    }

    // Bad input is refused by field and changes nothing.
    let bad = json!({ "content_id": content, "x": 0.0, "y": 2e6, "width": 4.0, "height": 320.0 });
    let (status, err) = app.call(&alice, "place_on_board", bad).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    let fields: Vec<_> = err["errors"].as_array().unwrap().iter().map(|e| e["field"].clone()).collect();
    assert_eq!(fields, [json!("y"), json!("width")], "{err}");
    let (status, err) =
        app.call(&alice, "place_on_board", json!({ "x": 0.0, "y": 0.0, "width": 9.0, "height": 9.0 })).await;
    assert_eq!((status, err["code"].as_str()), (StatusCode::BAD_REQUEST, Some("source_invalid")));
    assert_eq!(board(&app, &alice).await.len(), 2);

    let (status, _) = app.call(&alice, "remove_board_item", json!({ "id": second["id"] })).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(board(&app, &alice).await, std::slice::from_ref(&moved));
    assert_eq!(files_under(&db.content_dir).len(), 2, "the task still has its file and thumbnail");

    // Kept across a restart.
    app.stop().await;
    let app = running(&db).await;
    assert_eq!(board(&app, &alice).await, [moved]);
    app.stop().await;
}

async fn a_result_outlives_its_task_on_the_board(db: TestDb) {
    let app = running(&db).await;
    let client = TestApp::client();
    let task = completed(&app, &client, "kept on the board").await;
    let content = task["result"]["id"].as_str().unwrap().to_owned();
    let place = json!({ "content_id": content, "x": 0.0, "y": 0.0, "width": 256.0, "height": 256.0 });
    let (_, item) = app.call(&client, "place_on_board", place).await;

    let (status, _) = app.call(&client, "delete_task", json!({ "id": task["id"] })).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(board(&app, &client).await, std::slice::from_ref(&item), "the item stays");
    let url = format!("{}/content/{content}", app.base);
    for suffix in ["", "?thumbnail", "?download"] {
        let res = client.get(format!("{url}{suffix}")).send().await.unwrap();
        assert_eq!(res.status(), StatusCode::OK, "{suffix}: the file stays while the board shows it");
    }
    let stranger = TestApp::client();
    assert_eq!(stranger.get(&url).send().await.unwrap().status(), StatusCode::NOT_FOUND, "to its owner only");
    assert_eq!(files_under(&db.content_dir).len(), 2);

    app.call(&client, "remove_board_item", json!({ "id": item["id"] })).await;
    assert_eq!(client.get(&url).send().await.unwrap().status(), StatusCode::NOT_FOUND);
    assert!(files_under(&db.content_dir).is_empty(), "the last item showing it took the file along");
    app.stop().await;
}

async fn frames_wait_for_their_task(db: TestDb) {
    let app = running(&db).await;
    let client = TestApp::client();
    // An account's queue can be paused before it holds anything (a fresh guest's cannot).
    let (status, _) =
        app.call(&client, "sign_up", json!({ "username": "framer", "password": "violet kettle drum" })).await;
    assert_eq!(status, reqwest::StatusCode::OK);
    assert_eq!(app.call(&client, "pause_queue", json!({})).await.0, reqwest::StatusCode::OK);
    let made =
        app.submit(&client, json!({ "kind": "image", "prompt": "framed", "size": "512x512", "variants": 2 })).await;
    let (framed, dropped) = (&made["tasks"][0], &made["tasks"][1]);
    let mut frames = Vec::new();
    for task in [framed, dropped] {
        let frame = json!({ "task_id": task["id"], "x": 0.0, "y": 0.0, "width": 300.0, "height": 300.0 });
        let (status, item) = app.call(&client, "place_on_board", frame).await;
        assert_eq!((status, &item["media"]), (StatusCode::OK, &Value::Null), "{item}");
        frames.push(item);
    }
    // A frame whose task is deleted before it completes goes with it.
    app.call(&client, "delete_task", json!({ "id": dropped["id"] })).await;
    assert_eq!(board(&app, &client).await.len(), 1);

    app.call(&client, "resume_queue", json!({})).await;
    let tasks = app.wait_until(&client, "completed", |t| all_in(t, &["completed"])).await;
    let items = board(&app, &client).await;
    assert_eq!(items.len(), 1);
    assert_eq!(items[0]["id"], frames[0]["id"]);
    assert_eq!(items[0]["media"]["id"], tasks[0]["result"]["id"], "the completion filled the frame in");
    assert_eq!(items[0]["media"]["media_type"], "image/png");
    app.stop().await;
}

async fn the_board_is_read_in_pages(db: TestDb) {
    let app = TestApp::spawn(&db).await; // no engine: frames stay frames
    let client = TestApp::client();
    let made = app.submit(&client, json!({ "kind": "image", "prompt": "framed", "variants": 5 })).await;
    let mut placed = Vec::new();
    for task in made["tasks"].as_array().unwrap() {
        let frame = json!({ "task_id": task["id"], "x": 0, "y": 0, "width": 100, "height": 100 });
        placed.push(app.call(&client, "place_on_board", frame).await.1["id"].clone());
    }
    // The first one brought to the front goes last.
    app.call(&client, "arrange_board_item", json!({ "id": placed[0], "x": 5, "y": 5, "width": 100, "height": 100 }))
        .await;
    placed.rotate_left(1);

    let (mut seen, mut cursor, mut pages) = (Vec::new(), Value::Null, 0);
    loop {
        let (status, page) = app.call(&client, "list_board", json!({ "limit": 2, "cursor": cursor })).await;
        assert_eq!(status, StatusCode::OK, "{page}");
        pages += 1;
        seen.extend(page["items"].as_array().unwrap().iter().map(|i| i["id"].clone()));
        cursor = page["next_cursor"].clone();
        if cursor.is_null() {
            break;
        }
    }
    assert_eq!((seen, pages), (placed, 3), "back to front, two at a time");
    for (query, code) in [
        (json!({ "cursor": "7" }), "cursor_invalid"),
        (json!({ "limit": 0 }), "limit_out_of_range"),
        (json!({ "limit": 501 }), "limit_out_of_range"),
    ] {
        let (status, body) = app.call(&client, "list_board", query).await;
        assert_eq!((status, body["code"].as_str()), (StatusCode::BAD_REQUEST, Some(code)));
    }
    app.stop().await;
}
