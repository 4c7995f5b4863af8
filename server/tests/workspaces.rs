//! Shared workspaces over HTTP: members invited by single-use links with a role see one
//! queue, live, with each task's author; a switcher changes the workspace a session
//! shows; removing a member ends their access and open stream at once; API tokens act
//! for their member; and the access matrix: every endpoint and route, from every role,
//! against another workspace's ids is 404 and changes nothing, and within a workspace
//! each role may do exactly what it allows.

mod common;

use common::{all_in, ids, TestApp, TestDb};
use reqwest::StatusCode;
use serde_json::{json, Value};
use server::clock::SystemClock;
use std::sync::Arc;
use std::time::Duration;

on_both_databases!(
    members_share_one_queue_live_with_authors,
    removing_a_member_ends_their_access_at_once,
    api_tokens_act_for_their_member,
    the_access_matrix_holds,
);

/// `owner` makes an invite with `role`; `who` accepts it. Returns the invite's token.
async fn invite(app: &TestApp, owner: &reqwest::Client, who: &reqwest::Client, role: &str) -> String {
    let (status, invite) = app.call(owner, "invite_member", json!({ "role": role })).await;
    assert_eq!(status, StatusCode::OK, "{invite}");
    let token = invite["link"].as_str().unwrap().strip_prefix("/?invite=").unwrap().to_owned();
    let (status, offer) = app.call(who, "show_invite", json!({ "token": token })).await;
    assert_eq!((status, offer["role"].as_str()), (StatusCode::OK, Some(role)), "{offer}");
    let (status, joined) = app.call(who, "accept_invite", json!({ "token": token })).await;
    assert_eq!(status, StatusCode::OK, "{joined}");
    assert_eq!(joined["current"], true, "joining shows the workspace");
    token
}

/// Opens the event stream, and reads what it sends for `wait`.
async fn stream_text(app: &TestApp, client: &reqwest::Client, last_id: Option<&str>, wait: Duration) -> String {
    let mut req = client.get(format!("{}/api/events", app.base));
    if let Some(id) = last_id {
        req = req.header("last-event-id", id);
    }
    let mut res = req.send().await.unwrap();
    assert_eq!(res.status(), StatusCode::OK);
    let mut text = String::new();
    let _ = tokio::time::timeout(wait, async {
        while let Ok(Some(chunk)) = res.chunk().await {
            text.push_str(&String::from_utf8_lossy(&chunk));
        }
    })
    .await;
    text
}

async fn members_share_one_queue_live_with_authors(db: TestDb) {
    let app = TestApp::spawn(&db).await;
    let (ann, bob, cat) = (app.person("ann").await, app.person("bob").await, app.person("cat").await);
    let (status, refused) = app.call(&ann, "invite_member", json!({ "role": "editor" })).await;
    assert_eq!((status, refused["code"].as_str()), (StatusCode::CONFLICT, Some("conflict")), "personal: {refused}");

    let (status, studio) = app.call(&ann, "create_workspace", json!({ "name": "  Studio " })).await;
    assert_eq!(
        (status, studio["name"].as_str(), studio["role"].as_str()),
        (StatusCode::OK, Some("Studio"), Some("owner"))
    );
    let token = invite(&app, &ann, &bob, "editor").await;
    let (status, used) = app.call(&cat, "accept_invite", json!({ "token": token })).await;
    assert_eq!((status, used["code"].as_str()), (StatusCode::NOT_FOUND, Some("invite_invalid")), "single use");
    invite(&app, &ann, &cat, "viewer").await;

    // Ann follows the stream while Bob submits: his task arrives live, with his name.
    let mut stream = ann.get(format!("{}/api/events", app.base)).send().await.unwrap();
    stream.chunk().await.unwrap().expect("the first event");
    let submitted = app.submit(&bob, json!({ "kind": "image", "prompt": "bob's fox", "variants": 2 })).await;
    assert_eq!(submitted["tasks"][0]["author"], "bob");
    let mut seen = String::new();
    tokio::time::timeout(Duration::from_secs(5), async {
        while !seen.contains("bob's fox") {
            seen.push_str(&String::from_utf8_lossy(&stream.chunk().await.unwrap().unwrap()));
        }
    })
    .await
    .expect("bob's task reached ann's stream");
    assert!(seen.contains(r#""author":"bob""#), "{seen}");
    let shared = app.list(&cat, json!({})).await;
    assert_eq!(ids(&shared).len(), 2, "the viewer sees the workspace's tasks");
    assert!(shared["tasks"].as_array().unwrap().iter().all(|t| t["author"] == "bob"));

    // The viewer can look, not touch.
    let id = ids(&shared)[0].clone();
    for (endpoint, body) in [
        ("cancel_task", json!({ "id": id })),
        ("submit_task", json!({ "kind": "image", "prompt": "cat's" })),
        ("pause_queue", json!({})),
    ] {
        let (status, body) = app.call(&cat, endpoint, body).await;
        assert_eq!((status, body["code"].as_str()), (StatusCode::FORBIDDEN, Some("forbidden")), "{endpoint}: {body}");
    }
    assert_eq!(app.list(&ann, json!({})).await["tasks"], shared["tasks"], "nothing changed");

    // A retry is the retrier's task.
    app.call(&ann, "cancel_task", json!({ "id": id })).await;
    let (status, again) = app.call(&ann, "retry_task", json!({ "id": id })).await;
    assert_eq!((status, again["author"].as_str()), (StatusCode::OK, Some("ann")));

    // Switching: Bob's personal queue is empty; back in the studio, the shared one.
    let (_, listed) = app.call(&bob, "list_workspaces", json!({})).await;
    let workspaces = listed.as_array().unwrap();
    assert_eq!(workspaces.len(), 2);
    assert_eq!((workspaces[0]["personal"].as_bool(), workspaces[1]["members"].as_u64()), (Some(true), Some(3)));
    let (status, _) = app.call(&bob, "switch_workspace", json!({ "id": workspaces[0]["id"] })).await;
    assert_eq!(status, StatusCode::OK);
    assert!(app.all_ids(&bob).await.is_empty());
    app.call(&bob, "switch_workspace", json!({ "id": studio["id"] })).await;
    assert_eq!(app.all_ids(&bob).await.len(), 3);
    let (_, view) = app.call(&ann, "current_workspace", json!({})).await;
    let roles: Vec<_> = view["members"].as_array().unwrap().iter().map(|m| m["role"].as_str().unwrap()).collect();
    assert_eq!(roles, ["owner", "editor", "viewer"], "{view}");
    app.stop().await;
}

async fn removing_a_member_ends_their_access_at_once(db: TestDb) {
    let app = TestApp::spawn(&db).await;
    let (ann, bob) = (app.person("ann").await, app.person("bob").await);
    let (_, studio) = app.call(&ann, "create_workspace", json!({ "name": "Studio" })).await;
    invite(&app, &ann, &bob, "editor").await;
    app.submit(&ann, json!({ "kind": "image", "prompt": "studio work" })).await;
    let (_, token) = app.call(&bob, "create_token", json!({ "name": "bob's script" })).await;
    let bearer = format!("Bearer {}", token["token"].as_str().unwrap());
    let mut stream = bob.get(format!("{}/api/events", app.base)).send().await.unwrap();
    stream.chunk().await.unwrap().expect("the first event");

    // A workspace keeps an owner.
    let (_, me) = app.call(&ann, "current_workspace", json!({})).await;
    let ann_id = me["members"][0]["user_id"].clone();
    for (endpoint, body) in [
        ("set_member_role", json!({ "user_id": ann_id, "role": "editor" })),
        ("remove_member", json!({ "id": ann_id })),
    ] {
        let (status, body) = app.call(&ann, endpoint, body).await;
        assert_eq!(status, StatusCode::CONFLICT, "{endpoint}: {body}");
    }
    let bob_id = me["members"].as_array().unwrap().iter().find(|m| m["username"] == "bob").unwrap()["user_id"].clone();
    let (status, body) = app.call(&bob, "remove_member", json!({ "id": ann_id })).await;
    assert_eq!(status, StatusCode::FORBIDDEN, "an editor removes no one: {body}");

    let (status, _) = app.call(&ann, "remove_member", json!({ "id": bob_id })).await;
    assert_eq!(status, StatusCode::OK);
    let ended =
        tokio::time::timeout(Duration::from_secs(5), async { while let Ok(Some(_)) = stream.chunk().await {} }).await;
    assert!(ended.is_ok(), "the removed member's open stream ended");
    assert!(app.all_ids(&bob).await.is_empty(), "bob is back in his own workspace");
    let (status, body) = app.call(&bob, "switch_workspace", json!({ "id": studio["id"] })).await;
    assert_eq!(status, StatusCode::NOT_FOUND, "{body}");
    let res = reqwest::Client::new()
        .post(format!("{}/api/list_tasks", app.base))
        .header("authorization", &bearer)
        .json(&json!({}))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::UNAUTHORIZED, "his token for the studio ended too");
    assert_eq!(app.all_ids(&ann).await.len(), 1, "the studio's task stays");
    app.stop().await;
}

async fn api_tokens_act_for_their_member(db: TestDb) {
    let app = TestApp::spawn(&db).await;
    let ann = app.person("ann").await;
    let (status, made) = app.call(&ann, "create_token", json!({ "name": "nightly" })).await;
    assert_eq!(status, StatusCode::OK, "{made}");
    let token = made["token"].as_str().unwrap().to_owned();
    assert!(token.starts_with("atl_") && token.len() > 40);
    let (_, view) = app.call(&ann, "current_workspace", json!({})).await;
    assert_eq!(view["tokens"][0]["name"], "nightly");
    assert!(view["tokens"][0]["last_used_at"].is_null());
    assert!(!view.to_string().contains(&token), "the secret is shown once, never listed");

    let script = reqwest::Client::new();
    let call = |endpoint: &str, auth: &str, body: Value| {
        script.post(format!("{}/api/{endpoint}", app.base)).header("authorization", auth).json(&body).send()
    };
    let bearer = format!("Bearer {token}");
    let prompts: Vec<String> = (0..100).map(|i| format!("nightly study {i}")).collect();
    let res = call("submit_task", &bearer, json!({ "kind": "image", "prompt": prompts.join("\n") })).await.unwrap();
    assert_eq!(res.status(), StatusCode::OK);
    assert!(res.headers().get("set-cookie").is_none(), "no guest was made");
    let body: Value = res.json().await.unwrap();
    assert_eq!(body["tasks"].as_array().unwrap().len(), 100);
    assert!(body["tasks"].as_array().unwrap().iter().all(|t| t["author"] == "ann"));
    assert_eq!(app.all_ids(&ann).await.len(), 100, "the tasks are the workspace's");
    let (_, view) = app.call(&ann, "current_workspace", json!({})).await;
    assert!(view["tokens"][0]["last_used_at"].is_string(), "last use recorded");

    let res = call("create_token", &bearer, json!({ "name": "more" })).await.unwrap();
    assert_eq!(res.status(), StatusCode::UNAUTHORIZED, "a token makes no tokens");
    let res = call("list_tasks", "Bearer atl_nonsense", json!({})).await.unwrap();
    assert_eq!(res.status(), StatusCode::UNAUTHORIZED);
    assert_eq!(res.json::<Value>().await.unwrap()["code"], "bad_token");

    let (status, _) = app.call(&ann, "revoke_token", json!({ "id": made["view"]["id"] })).await;
    assert_eq!(status, StatusCode::OK);
    let res = call("list_tasks", &bearer, json!({})).await.unwrap();
    assert_eq!(res.status(), StatusCode::UNAUTHORIZED, "revoked");
    app.stop().await;
}

/// The calls a role may or may not make, each with its body, in the caller's workspace.
fn own_calls(task: &str, other_task: &str, item: &str, invite: &str, member: &str) -> Vec<(&'static str, Value, Need)> {
    use Need::*;
    vec![
        ("list_tasks", json!({}), Look),
        ("get_task", json!({ "id": task }), Look),
        ("list_board", json!({}), Look),
        ("list_workspaces", json!({}), Look),
        ("current_workspace", json!({}), Look),
        ("submit_task", json!({ "kind": "image", "prompt": "matrix" }), Edit),
        ("move_task", json!({ "id": other_task }), Edit),
        ("cancel_task", json!({ "id": other_task }), Edit),
        ("retry_task", json!({ "id": other_task }), Edit),
        ("place_on_board", json!({ "task_id": task, "x": 0, "y": 0, "width": 50, "height": 50 }), Edit),
        ("arrange_board_item", json!({ "id": item, "x": 5, "y": 5, "width": 50, "height": 50 }), Edit),
        ("pause_queue", json!({}), Edit),
        ("resume_queue", json!({}), Edit),
        ("clear_tasks", json!({ "statuses": ["failed"] }), Edit),
        ("invite_member", json!({ "role": "viewer" }), Manage),
        ("revoke_invite", json!({ "id": invite }), Manage),
        ("set_member_role", json!({ "user_id": member, "role": "viewer" }), Manage),
    ]
}

/// What a call needs, in the order roles allow it (viewer, editor, owner).
#[derive(Clone, Copy, PartialEq, PartialOrd, Debug)]
enum Need {
    Look,
    Edit,
    Manage,
}

async fn the_access_matrix_holds(db: TestDb) {
    let app = TestApp::spawn_with(&db, Arc::new(SystemClock), |s| s.concurrency = 1).await; // embedded
    let (ann, ed, vi, zed) =
        (app.person("ann").await, app.person("edna").await, app.person("vic").await, app.person("zed").await);
    let guest = TestApp::client();
    app.call(&ann, "create_workspace", json!({ "name": "A" })).await;
    invite(&app, &ann, &ed, "editor").await;
    invite(&app, &ann, &vi, "viewer").await;
    let (_, b) = app.call(&zed, "create_workspace", json!({ "name": "B" })).await;

    // Workspace B: a completed task on the board, a pending one, an invite and a token.
    let mut first = stream_text(&app, &zed, None, Duration::from_millis(200)).await;
    let last_id = first.split("id: ").nth(1).and_then(|s| s.lines().next()).expect("an event id").to_owned();
    first.clear();
    app.submit(&zed, json!({ "kind": "image", "prompt": "zed's secret", "size": "512x512" })).await;
    let done = app.wait_until(&zed, "zed's task completes", |t| all_in(t, &["completed"])).await;
    let (b_task, b_content) = (done[0]["id"].as_str().unwrap().to_owned(), done[0]["result"]["id"].clone());
    let (_, item) = app
        .call(&zed, "place_on_board", json!({ "content_id": b_content, "x": 0, "y": 0, "width": 64, "height": 64 }))
        .await;
    app.call(&zed, "pause_queue", json!({})).await;
    let b_pending =
        app.submit(&zed, json!({ "kind": "image", "prompt": "zed's next" })).await["tasks"][0]["id"].clone();
    let (_, b_invite) = app.call(&zed, "invite_member", json!({ "role": "editor" })).await;
    let (_, b_token) = app.call(&zed, "create_token", json!({ "name": "zed's" })).await;
    let (_, b_view) = app.call(&zed, "current_workspace", json!({})).await;
    let zed_id = b_view["members"][0]["user_id"].clone();
    let before =
        (app.list(&zed, json!({})).await["tasks"].clone(), app.call(&zed, "list_board", json!({})).await.1, b_view);

    // Every cross-workspace attempt, from every role and a guest, is 404.
    let content = |c: &Value| format!("{}/content/{}", app.base, c.as_str().unwrap());
    for (who, client) in [("owner", &ann), ("editor", &ed), ("viewer", &vi), ("guest", &guest)] {
        for (endpoint, body) in [
            ("get_task", json!({ "id": b_task })),
            ("cancel_task", json!({ "id": b_pending })),
            ("retry_task", json!({ "id": b_task })),
            ("delete_task", json!({ "id": b_pending })),
            ("move_task", json!({ "id": b_pending })),
            ("place_on_board", json!({ "task_id": b_task, "x": 0, "y": 0, "width": 50, "height": 50 })),
            ("place_on_board", json!({ "content_id": b_content, "x": 0, "y": 0, "width": 50, "height": 50 })),
            ("arrange_board_item", json!({ "id": item["id"], "x": 9, "y": 9, "width": 50, "height": 50 })),
            ("remove_board_item", json!({ "id": item["id"] })),
            ("switch_workspace", json!({ "id": b["id"] })),
            ("revoke_invite", json!({ "id": b_invite["id"] })),
            ("set_member_role", json!({ "user_id": zed_id, "role": "viewer" })),
            ("remove_member", json!({ "id": zed_id })),
            ("revoke_token", json!({ "id": b_token["view"]["id"] })),
        ] {
            let (status, body) = app.call(client, endpoint, body).await;
            let refused = match (who, endpoint) {
                // A viewer is refused edits before any id is looked up; a guest manages nothing.
                ("viewer", "cancel_task" | "retry_task" | "delete_task" | "move_task") => StatusCode::FORBIDDEN,
                ("viewer", "place_on_board" | "arrange_board_item" | "remove_board_item") => StatusCode::FORBIDDEN,
                ("editor" | "viewer", "revoke_invite" | "set_member_role") => StatusCode::FORBIDDEN,
                ("editor" | "viewer", "remove_member") => StatusCode::FORBIDDEN,
                ("guest", "switch_workspace" | "revoke_invite" | "set_member_role") => StatusCode::UNAUTHORIZED,
                ("guest", "remove_member" | "revoke_token") => StatusCode::UNAUTHORIZED,
                _ => StatusCode::NOT_FOUND,
            };
            assert_eq!(status, refused, "{who} {endpoint}: {body}");
        }
        for url in [
            content(&b_content),
            format!("{}?thumbnail", content(&b_content)),
            format!("{}?download", content(&b_content)),
        ] {
            assert_eq!(client.get(&url).send().await.unwrap().status(), StatusCode::NOT_FOUND, "{who} {url}");
        }
        let zip =
            client.get(format!("{}/downloads/completed.zip", app.base)).send().await.unwrap().bytes().await.unwrap();
        assert!(!String::from_utf8_lossy(&zip).contains(&b_task.replace('-', "")[24..]), "{who}'s ZIP holds none of B");
        let replay = stream_text(&app, client, Some(&last_id), Duration::from_millis(300)).await;
        assert!(!replay.contains("zed's"), "{who}'s replay carries none of B's events: {replay}");
    }
    let after = (
        app.list(&zed, json!({})).await["tasks"].clone(),
        app.call(&zed, "list_board", json!({})).await.1,
        app.call(&zed, "current_workspace", json!({})).await.1,
    );
    assert_eq!(after, before, "nothing of B changed");
    let (_, offer) = app.call(&guest, "show_invite", json!({ "token": "not-a-token" })).await;
    assert_eq!(offer["code"], "invite_invalid");

    // Within A, each role may do what it allows and no more; refusals change nothing.
    let a_task = app.submit(&ann, json!({ "kind": "image", "prompt": "a's", "size": "512x512" })).await["tasks"][0]
        ["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let a_done = app.wait_until(&ann, "a's task completes", |t| all_in(t, &["completed"])).await;
    let a_content = content(&a_done[0]["result"]["id"]);
    let (_, a_item) =
        app.call(&ann, "place_on_board", json!({ "task_id": a_task, "x": 0, "y": 0, "width": 64, "height": 64 })).await;
    app.call(&ann, "pause_queue", json!({})).await;
    let a_pending = app.submit(&ann, json!({ "kind": "image", "prompt": "a's next" })).await["tasks"][0]["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let (_, a_invite) = app.call(&ann, "invite_member", json!({ "role": "viewer" })).await;
    let (_, a_view) = app.call(&ann, "current_workspace", json!({})).await;
    let vi_id =
        a_view["members"].as_array().unwrap().iter().find(|m| m["username"] == "vic").unwrap()["user_id"].clone();
    let calls = |invite: &Value| {
        own_calls(&a_task, &a_pending, item_id(&a_item), invite["id"].as_str().unwrap(), vi_id.as_str().unwrap())
    };
    for (who, client, may) in [("viewer", &vi, Need::Look), ("editor", &ed, Need::Edit), ("owner", &ann, Need::Manage)]
    {
        let snapshot = app.list(&ann, json!({})).await["tasks"].clone();
        for (endpoint, body, need) in calls(&a_invite) {
            let (status, body) = app.call(client, endpoint, body).await;
            let allowed = need <= may; // a role may what the ones below it may
            if allowed {
                assert!(
                    status != StatusCode::FORBIDDEN && status != StatusCode::NOT_FOUND,
                    "{who} {endpoint}: {status} {body}"
                );
            } else {
                assert_eq!(
                    (status, body["code"].as_str()),
                    (StatusCode::FORBIDDEN, Some("forbidden")),
                    "{who} {endpoint}"
                );
            }
        }
        if may == Need::Look {
            assert_eq!(app.list(&ann, json!({})).await["tasks"], snapshot, "the viewer's attempts changed nothing");
        }
        let res = client.get(&a_content).send().await.unwrap();
        assert_eq!(res.status(), StatusCode::OK, "{who} downloads A's result");
    }
    app.stop().await;
}

fn item_id(item: &Value) -> &str {
    item["id"].as_str().expect("a board item")
}
