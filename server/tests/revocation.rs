//! Rights that end take what they gave with them: a co-owner who is removed or demoted
//! has their invite links withdrawn (a removed owner cannot rejoin with their own earlier
//! link), and a revoked API token's open event stream ends at once. A member whose role
//! changes has their streams ended (their page loads again as what they are now), and the
//! other members' streams hear `members`.

mod common;

use common::{TestApp, TestDb};
use reqwest::StatusCode;
use serde_json::{json, Value};
use std::time::Duration;

on_both_databases!(invites_end_with_their_makers_rights, a_revoked_tokens_stream_ends, role_changes_reach_open_pages);

/// `by` makes an invite with `role`; its token.
async fn invite(app: &TestApp, by: &reqwest::Client, role: &str) -> String {
    let (status, invite) = app.call(by, "invite_member", json!({ "role": role })).await;
    assert_eq!(status, StatusCode::OK, "{invite}");
    invite["link"].as_str().unwrap().strip_prefix("/?invite=").unwrap().to_owned()
}

fn user_id(view: &Value, name: &str) -> Value {
    view["members"].as_array().unwrap().iter().find(|m| m["username"] == name).unwrap()["user_id"].clone()
}

async fn invites_end_with_their_makers_rights(db: TestDb) {
    let app = TestApp::spawn(&db).await;
    let (ann, bob, cy, dee) =
        (app.person("ann").await, app.person("bob").await, app.person("cyd").await, app.person("dee").await);
    app.call(&ann, "create_workspace", json!({ "name": "Shared" })).await;
    let to_bob = invite(&app, &ann, "owner").await;
    assert_eq!(app.call(&bob, "accept_invite", json!({ "token": to_bob })).await.0, StatusCode::OK);
    // Bob, an owner now, makes links: one he keeps for himself, one for Cy.
    let (bobs_own, for_cy) = (invite(&app, &bob, "owner").await, invite(&app, &bob, "editor").await);
    let (_, view) = app.call(&ann, "current_workspace", json!({})).await;
    let bob_id = user_id(&view, "bob");

    // Demoted, his links are withdrawn: Cy's offer is gone.
    let (status, _) = app.call(&ann, "set_member_role", json!({ "user_id": bob_id, "role": "editor" })).await;
    assert_eq!(status, StatusCode::OK);
    let (status, offer) = app.call(&cy, "show_invite", json!({ "token": for_cy })).await;
    assert_eq!((status, offer["code"].as_str()), (StatusCode::NOT_FOUND, Some("invite_invalid")), "{offer}");
    let (status, _) = app.call(&cy, "accept_invite", json!({ "token": for_cy })).await;
    assert_eq!(status, StatusCode::NOT_FOUND);

    // Made owner again, he makes another; removed, he cannot rejoin with his own earlier link.
    app.call(&ann, "set_member_role", json!({ "user_id": bob_id, "role": "owner" })).await;
    let later = invite(&app, &bob, "owner").await;
    assert_eq!(app.call(&ann, "remove_member", json!({ "id": bob_id })).await.0, StatusCode::OK);
    for token in [&bobs_own, &later] {
        let (status, _) = app.call(&bob, "accept_invite", json!({ "token": token })).await;
        assert_eq!(status, StatusCode::NOT_FOUND, "a removed owner's link is dead");
    }
    let (_, view) = app.call(&ann, "current_workspace", json!({})).await;
    assert!(view["members"].as_array().unwrap().iter().all(|m| m["username"] != "bob"), "{view}");
    assert_eq!(view["invites"], json!([]), "none of his links is listed: {view}");

    // Ann's own links still work.
    let for_dee = invite(&app, &ann, "viewer").await;
    assert_eq!(app.call(&dee, "accept_invite", json!({ "token": for_dee })).await.0, StatusCode::OK);
    app.stop().await;
}

/// What `stream` sends until it holds `until` (or ends), within 5 s.
async fn read_until(stream: &mut reqwest::Response, until: &str) -> String {
    tokio::time::timeout(Duration::from_secs(5), async {
        let mut text = String::new();
        while !text.contains(until) {
            match stream.chunk().await {
                Ok(Some(chunk)) => text.push_str(&String::from_utf8_lossy(&chunk)),
                _ => break,
            }
        }
        text
    })
    .await
    .unwrap_or_else(|_| panic!("no {until:?} within 5 s"))
}

async fn role_changes_reach_open_pages(db: TestDb) {
    let app = TestApp::spawn(&db).await;
    let (ann, bob) = (app.person("ann").await, app.person("bob").await);
    app.call(&ann, "create_workspace", json!({ "name": "Shared" })).await;
    let mut anns = ann.get(format!("{}/api/events", app.base)).send().await.unwrap();
    read_until(&mut anns, "resync").await;

    let to_bob = invite(&app, &ann, "editor").await;
    assert_eq!(app.call(&bob, "accept_invite", json!({ "token": to_bob })).await.0, StatusCode::OK);
    assert!(read_until(&mut anns, "event: members").await.contains("event: members"), "a join is heard");
    let mut bobs = bob.get(format!("{}/api/events", app.base)).send().await.unwrap();
    read_until(&mut bobs, "resync").await;

    let (_, view) = app.call(&ann, "current_workspace", json!({})).await;
    let bob_id = user_id(&view, "bob");
    let (status, _) = app.call(&ann, "set_member_role", json!({ "user_id": bob_id, "role": "viewer" })).await;
    assert_eq!(status, StatusCode::OK);
    let ended = read_until(&mut bobs, "event: moved").await;
    assert!(ended.contains("event: moved"), "the demoted member's page loads again: {ended}");
    assert!(read_until(&mut anns, "event: members").await.contains("event: members"), "the owner hears it");

    let (_, view) = app.call(&ann, "current_workspace", json!({})).await;
    assert_eq!(view["members"].as_array().unwrap().len(), 2, "{view}");
    assert_eq!(app.call(&ann, "remove_member", json!({ "id": bob_id })).await.0, StatusCode::OK);
    assert!(read_until(&mut anns, "event: members").await.contains("event: members"), "a removal is heard");
    app.stop().await;
}

async fn a_revoked_tokens_stream_ends(db: TestDb) {
    let app = TestApp::spawn(&db).await;
    let ann = app.person("ann").await;
    let (_, made) = app.call(&ann, "create_token", json!({ "name": "script" })).await;
    let (token, id) = (made["token"].as_str().unwrap().to_owned(), made["view"]["id"].clone());
    let script = reqwest::Client::new();
    let mut stream = script.get(format!("{}/api/events", app.base)).bearer_auth(&token).send().await.unwrap();
    assert_eq!(stream.status(), StatusCode::OK);
    assert!(stream.chunk().await.unwrap().is_some(), "the stream opens");

    assert_eq!(app.call(&ann, "revoke_token", json!({ "id": id })).await.0, StatusCode::OK);
    let ended = tokio::time::timeout(Duration::from_secs(5), async {
        let mut text = String::new();
        while let Ok(Some(chunk)) = stream.chunk().await {
            text.push_str(&String::from_utf8_lossy(&chunk));
        }
        text
    })
    .await
    .expect("the revoked token's stream ends at once");
    assert!(ended.contains("moved"), "its last event says so: {ended}");
    let res = script.post(format!("{}/api/list_tasks", app.base)).bearer_auth(&token).json(&json!({})).send().await;
    assert_eq!(res.unwrap().status(), StatusCode::UNAUTHORIZED);
    app.stop().await;
}
