//! Borrowed identities: no id anyone can see is an identity. A workspace's id (seen by
//! every member, a viewer's or a removed member's), the nil id or a random v4 id sent as
//! a guest cookie (of before or of now) reaches no task, file, ZIP, event, board item or
//! page content, changes nothing, and signing up or in with it moves nothing. A guest of
//! before (listed when guests became tokens) is exchanged for a token once, and only once.

mod common;

use common::{all_in, TestApp, TestDb, PASSWORD};
use reqwest::StatusCode;
use sea_orm::{ConnectionTrait, Database, Statement};
use serde_json::{json, Value};
use server::clock::SystemClock;
use std::sync::Arc;
use std::time::Duration;
use uuid::Uuid;

on_both_databases!(
    borrowed_ids_reach_nothing_and_move_nothing,
    without_guests_a_borrowed_id_renders_nothing,
    a_guest_of_before_is_exchanged_once,
);

/// A client that sends `cookie` with every request and keeps no other.
fn with_cookie(cookie: &str) -> reqwest::Client {
    let mut headers = reqwest::header::HeaderMap::new();
    headers.insert("cookie", cookie.parse().unwrap());
    reqwest::Client::builder().default_headers(headers).timeout(Duration::from_secs(20)).build().unwrap()
}

/// What the event stream sends for `wait`, replayed from `last_id`.
async fn replay(app: &TestApp, client: &reqwest::Client, last_id: &str) -> String {
    let res = client.get(format!("{}/api/events", app.base)).header("last-event-id", last_id).send().await;
    let Ok(mut res) = res else { return String::new() };
    let mut text = String::new();
    let _ = tokio::time::timeout(Duration::from_millis(300), async {
        while let Ok(Some(chunk)) = res.chunk().await {
            text.push_str(&String::from_utf8_lossy(&chunk));
        }
    })
    .await;
    text
}

/// B's tasks, whether its queue is paused, and its board, as its owner sees them.
async fn state_of(app: &TestApp, owner: &reqwest::Client) -> (Value, Value, Value) {
    let page = app.list(owner, json!({})).await;
    let board = app.call(owner, "list_board", json!({})).await.1;
    (page["tasks"].clone(), page["paused"].clone(), board)
}

async fn borrowed_ids_reach_nothing_and_move_nothing(db: TestDb) {
    let app = TestApp::spawn_with(&db, Arc::new(SystemClock), |s| s.concurrency = 1).await; // embedded
    let (zed, vi, rm) = (app.person("zed").await, app.person("vic").await, app.person("rem").await);
    let (_, personal) = app.call(&zed, "current_workspace", json!({})).await;
    let (_, b) = app.call(&zed, "create_workspace", json!({ "name": "B" })).await;
    for (who, role) in [(&vi, "viewer"), (&rm, "editor")] {
        let (_, invite) = app.call(&zed, "invite_member", json!({ "role": role })).await;
        let token = invite["link"].as_str().unwrap().strip_prefix("/?invite=").unwrap().to_owned();
        let (status, _) = app.call(who, "accept_invite", json!({ "token": token })).await;
        assert_eq!(status, StatusCode::OK);
    }
    // The ids a viewer and a member about to be removed see.
    let (_, seen_by_viewer) = app.call(&vi, "current_workspace", json!({})).await;
    let (_, seen_by_removed) = app.call(&rm, "list_workspaces", json!({})).await;
    assert_eq!(seen_by_viewer["id"], b["id"]);
    assert!(seen_by_removed.to_string().contains(b["id"].as_str().unwrap()));
    let rm_id = seen_by_viewer["members"].as_array().unwrap().iter().find(|m| m["username"] == "rem").unwrap()
        ["user_id"]
        .clone();
    assert_eq!(app.call(&zed, "remove_member", json!({ "id": rm_id })).await.0, StatusCode::OK);

    let first = replay(&app, &zed, "0").await;
    let last_id = first.split("id: ").nth(1).and_then(|s| s.lines().next()).unwrap_or("0").to_owned();
    app.submit(&zed, json!({ "kind": "image", "prompt": "zed-secret-prompt", "size": "512x512" })).await;
    let done = app.wait_until(&zed, "zed's task completes", |t| all_in(t, &["completed"])).await;
    let (b_task, b_content) = (done[0]["id"].clone(), done[0]["result"]["id"].as_str().unwrap().to_owned());
    app.call(&zed, "place_on_board", json!({ "task_id": b_task, "x": 0, "y": 0, "width": 64, "height": 64 })).await;
    assert_eq!(app.call(&zed, "pause_queue", json!({})).await.0, StatusCode::OK);
    let b_pending =
        app.submit(&zed, json!({ "kind": "video", "prompt": "zed-next-prompt" })).await["tasks"][0]["id"].clone();
    let before = state_of(&app, &zed).await;

    let ids = [
        b["id"].as_str().unwrap().to_owned(),
        personal["id"].as_str().unwrap().to_owned(),
        Uuid::nil().to_string(),
        Uuid::new_v4().to_string(),
    ];
    for (n, id) in ids.iter().enumerate() {
        for name in ["atelier_owner", "atelier_guest"] {
            let who = format!("{name}={id}");
            let thief = with_cookie(&who);
            let (_, list) = app.call(&thief, "list_tasks", json!({})).await;
            assert_eq!(list["tasks"], json!([]), "{who} lists nothing");
            let (_, board) = app.call(&thief, "list_board", json!({})).await;
            assert_eq!(board["items"], json!([]), "{who} sees no board");
            for (endpoint, body) in [
                ("get_task", json!({ "id": b_task })),
                ("cancel_task", json!({ "id": b_pending })),
                ("move_task", json!({ "id": b_pending })),
                ("delete_task", json!({ "id": b_pending })),
                ("retry_task", json!({ "id": b_task })),
            ] {
                assert_eq!(app.call(&thief, endpoint, body).await.0, StatusCode::NOT_FOUND, "{who} {endpoint}");
            }
            let (status, _) = app.call(&thief, "resume_queue", json!({})).await;
            assert_eq!(status, StatusCode::OK, "resuming its own (empty) queue is harmless");
            let (status, body) = app.call(&thief, "pause_queue", json!({})).await;
            assert_eq!((status, body["code"].as_str()), (StatusCode::CONFLICT, Some("conflict")), "{who} pauses");
            let file = thief.get(format!("{}/content/{b_content}", app.base)).send().await.unwrap();
            assert_eq!(file.status(), StatusCode::NOT_FOUND, "{who} gets no file");
            let zip = thief.get(format!("{}/downloads/completed.zip", app.base)).send().await.unwrap();
            let zip = zip.bytes().await.unwrap();
            assert!(!String::from_utf8_lossy(&zip).contains("zed"), "{who}'s ZIP holds nothing of B");
            let events = replay(&app, &thief, &last_id).await;
            assert!(!events.contains("zed-"), "{who} hears none of B's events: {events}");
            let page = thief.get(format!("{}/", app.base)).send().await.unwrap().text().await.unwrap();
            assert!(!page.contains("zed-") && !page.contains(&b_content), "{who}'s page shows nothing of B");
        }
        // Signing up, then in, with the borrowed id as a guest cookie moves nothing.
        let cookie = format!("atelier_owner={id}");
        let thief = with_cookie(&cookie);
        let name = format!("thief{n}");
        let (status, _) = app.call(&thief, "sign_up", json!({ "username": name, "password": PASSWORD })).await;
        assert_eq!(status, StatusCode::OK);
        let (status, _) = app.call(&thief, "sign_in", json!({ "login": name, "password": PASSWORD })).await;
        assert_eq!(status, StatusCode::OK);
        let (status, _) =
            app.call(&with_cookie(&cookie), "sign_in", json!({ "login": name, "password": PASSWORD })).await;
        assert_eq!(status, StatusCode::OK);
        assert_eq!(state_of(&app, &zed).await, before, "{cookie}: nothing of B moved or changed");
        assert_eq!(app.call(&vi, "list_tasks", json!({})).await.1["tasks"], before.0, "the viewer still sees B");
    }
    let (_, mine) = app.call(&zed, "list_workspaces", json!({})).await;
    assert_eq!(mine.as_array().map(Vec::len), Some(2), "zed's workspaces are his: {mine}");
    app.stop().await;
}

async fn without_guests_a_borrowed_id_renders_nothing(db: TestDb) {
    let app = TestApp::spawn_with(&db, Arc::new(SystemClock), |s| s.guests = false).await;
    let zed = app.person("zed").await;
    app.submit(&zed, json!({ "kind": "image", "prompt": "zed-secret-prompt" })).await;
    let (_, workspace) = app.call(&zed, "current_workspace", json!({})).await;
    let id = workspace["id"].as_str().unwrap();
    for cookie in [format!("atelier_owner={id}"), format!("atelier_guest={id}")] {
        let page = with_cookie(&cookie).get(format!("{}/", app.base)).send().await.unwrap().text().await.unwrap();
        assert!(!page.contains("zed-secret-prompt"), "{cookie}: the page shows nothing of the workspace");
        let (status, _) = app.call(&with_cookie(&cookie), "list_tasks", json!({})).await;
        assert_eq!(status, StatusCode::UNAUTHORIZED);
    }
    let thief = with_cookie(&format!("atelier_owner={id}"));
    app.call(&thief, "sign_up", json!({ "username": "thief", "password": PASSWORD })).await;
    assert_eq!(app.all_ids(&zed).await.len(), 1, "signing up with the id moved nothing");
    app.stop().await;
}

async fn a_guest_of_before_is_exchanged_once(db: TestDb) {
    let app = TestApp::spawn(&db).await;
    // A guest's things, then rewritten as a guest of before had them: under a bare v4 id,
    // listed as the upgrade lists them.
    let guest = TestApp::client();
    app.submit(&guest, json!({ "kind": "image", "prompt": "kept through the upgrade" })).await;
    let (old, token_guest) = (Uuid::new_v4(), app.all_ids(&guest).await);
    let conn = Database::connect(&db.url).await.unwrap();
    let backend = conn.get_database_backend();
    let sql = |s: &str| match backend {
        sea_orm::DbBackend::Sqlite => s.replace('$', "?"),
        _ => s.to_owned(),
    };
    for table in ["tasks", "submissions", "owners"] {
        let update = sql(&format!("UPDATE {table} SET owner_id = $1"));
        conn.execute_raw(Statement::from_sql_and_values(backend, update, [old.into()])).await.unwrap();
    }
    let list = sql("INSERT INTO legacy_guests (owner_id) VALUES ($1)");
    conn.execute_raw(Statement::from_sql_and_values(backend, list, [old.into()])).await.unwrap();
    assert!(app.all_ids(&guest).await.is_empty(), "the token guest no longer holds them");

    let before = with_cookie(&format!("atelier_owner={old}"));
    let res = before.post(format!("{}/api/list_tasks", app.base)).json(&json!({})).send().await.unwrap();
    let set: Vec<String> = res.headers().get_all("set-cookie").iter().map(|v| v.to_str().unwrap().into()).collect();
    let page: Value = res.json().await.unwrap();
    assert_eq!(common::ids(&page), token_guest, "the guest of before keeps its queue");
    assert!(set.iter().any(|c| c.starts_with("atelier_owner=;") && c.contains("Max-Age=0")), "{set:?}");
    let new = set.iter().find(|c| c.starts_with("atelier_guest=")).expect("a token instead").split(';').next().unwrap();
    assert_eq!(app.all_ids(&with_cookie(new)).await, token_guest, "the token holds the queue from now on");

    // Once: the old id is no one now, and owns nothing.
    let (_, again) = app.call(&with_cookie(&format!("atelier_owner={old}")), "list_tasks", json!({})).await;
    assert_eq!(again["tasks"], json!([]), "a second exchange gets nothing");
    assert_eq!(app.all_ids(&with_cookie(new)).await, token_guest);
    app.stop().await;
}
