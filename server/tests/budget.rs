//! The daily budget for paid services over HTTP: a workspace's submissions and retries
//! count their units against it when queued (images to a paid service here; videos go to
//! the free embedded generator and never count), one that would pass it is refused whole
//! (429 `budget_exhausted`, nothing stored), deleting a task gives nothing back, another
//! guest has its own budget, and a new UTC day starts afresh. An account's budget is its
//! own in every workspace: five new workspaces do not make five budgets. A workspace's
//! owners may hold it, all its members together, to less.

mod common;

use common::fake::{Behaviour, FakeService};
use common::{TestApp, TestDb};
use reqwest::StatusCode;
use serde_json::{json, Value};
use server::clock::ManualClock;
use std::sync::Arc;

on_both_databases!(
    paid_work_stops_at_the_daily_budget,
    an_accounts_budget_follows_it_into_every_workspace,
    owners_hold_a_workspace_to_a_lower_budget,
);

async fn paid_work_stops_at_the_daily_budget(db: TestDb) {
    let fake = FakeService::start(Behaviour::Succeed { after: std::time::Duration::ZERO }).await;
    let clock = Arc::new(ManualClock::starting_now());
    let base_url = fake.base_url.clone();
    let app = TestApp::spawn_with(&db, clock.clone(), move |s| {
        s.daily_budget = 5;
        s.image_service = "openai".into();
        s.openai.base_url = base_url;
    })
    .await; // no engine: tasks stay queued
    let (client, other) = (TestApp::client(), TestApp::client());
    let refused = |answer: &(StatusCode, Value)| {
        answer.0 == StatusCode::TOO_MANY_REQUESTS && answer.1["code"] == "budget_exhausted"
    };

    app.submit(&client, json!({ "kind": "image", "prompt": "one\ntwo\nthree" })).await; // 3 of 5
    let free = json!({ "kind": "video", "prompt": "waves", "duration_secs": 10, "resolution": "720p" });
    app.submit(&client, free).await; // the embedded generator: free
    let over = app.call(&client, "submit_task", json!({ "kind": "image", "prompt": "fox", "variants": 3 })).await;
    assert!(refused(&over), "{over:?}");
    assert!(over.1["message"].as_str().unwrap().contains("3 of your 5 units"), "{}", over.1);
    assert_eq!(app.all_ids(&client).await.len(), 4, "the refused submission stored nothing");

    let last = app.submit(&client, json!({ "kind": "image", "prompt": "four\nfive" })).await; // 5 of 5
    let id = last["tasks"][0]["id"].clone();
    app.call(&client, "cancel_task", json!({ "id": id })).await;
    let retry = app.call(&client, "retry_task", json!({ "id": id })).await;
    assert!(refused(&retry), "a retry is paid for again: {retry:?}");
    app.call(&client, "delete_task", json!({ "id": id })).await;
    let after_delete = app.call(&client, "submit_task", json!({ "kind": "image", "prompt": "six" })).await;
    assert!(refused(&after_delete), "deleting gives nothing back: {after_delete:?}");

    app.submit(&other, json!({ "kind": "image", "prompt": "another guest's" })).await;
    clock.advance(chrono::TimeDelta::days(1));
    app.submit(&client, json!({ "kind": "image", "prompt": "a new day" })).await;
    app.stop().await;
}

async fn an_accounts_budget_follows_it_into_every_workspace(db: TestDb) {
    let fake = FakeService::start(Behaviour::Succeed { after: std::time::Duration::ZERO }).await;
    let base_url = fake.base_url.clone();
    let app = TestApp::spawn_with(&db, Arc::new(ManualClock::starting_now()), move |s| {
        s.daily_budget = 3;
        s.workspaces_per_account = 5;
        s.image_service = "openai".into();
        s.openai.base_url = base_url;
    })
    .await;
    let ann = app.person("ann").await;
    let mut answers = vec![app.call(&ann, "submit_task", json!({ "kind": "image", "prompt": "home" })).await.0];
    for n in 1..5 {
        let (status, made) = app.call(&ann, "create_workspace", json!({ "name": format!("W{n}") })).await;
        assert_eq!(status, StatusCode::OK, "{made}");
        let body = json!({ "kind": "image", "prompt": format!("in W{n}") });
        answers.push(app.call(&ann, "submit_task", body).await.0);
    }
    let ok = StatusCode::OK;
    let over = StatusCode::TOO_MANY_REQUESTS;
    assert_eq!(answers, [ok, ok, ok, over, over], "three units a day, whatever the workspace");
    let (status, sixth) = app.call(&ann, "create_workspace", json!({ "name": "W5" })).await;
    assert_eq!((status, sixth["code"].as_str()), (StatusCode::CONFLICT, Some("conflict")), "at most five: {sixth}");
    app.stop().await;
}

async fn owners_hold_a_workspace_to_a_lower_budget(db: TestDb) {
    let fake = FakeService::start(Behaviour::Succeed { after: std::time::Duration::ZERO }).await;
    let base_url = fake.base_url.clone();
    let app = TestApp::spawn_with(&db, Arc::new(ManualClock::starting_now()), move |s| {
        s.daily_budget = 5;
        s.image_service = "openai".into();
        s.openai.base_url = base_url;
    })
    .await;
    let (ann, bob) = (app.person("ann").await, app.person("bob").await);
    app.call(&ann, "create_workspace", json!({ "name": "Team" })).await;
    let (_, invite) = app.call(&ann, "invite_member", json!({ "role": "editor" })).await;
    let token = invite["link"].as_str().unwrap().strip_prefix("/?invite=").unwrap().to_owned();
    assert_eq!(app.call(&bob, "accept_invite", json!({ "token": token })).await.0, StatusCode::OK);

    let set = |client, units: Value| app.call(client, "set_workspace_budget", json!({ "daily_budget": units }));
    let (status, err) = set(&ann, json!(6)).await;
    assert_eq!((status, err["code"].as_str()), (StatusCode::BAD_REQUEST, Some("budget_too_high")), "{err}");
    let (status, err) = set(&ann, json!(0)).await;
    assert_eq!((status, err["code"].as_str()), (StatusCode::BAD_REQUEST, Some("budget_invalid")), "{err}");
    let (status, err) = set(&bob, json!(1)).await;
    assert_eq!((status, err["code"].as_str()), (StatusCode::FORBIDDEN, Some("forbidden")), "an editor cannot");
    let (status, view) = set(&ann, json!(2)).await;
    assert_eq!((status, view["daily_budget"].as_u64()), (StatusCode::OK, Some(2)), "{view}");
    let (_, seen) = app.call(&bob, "current_workspace", json!({})).await;
    assert_eq!(seen["daily_budget"], 2, "members see it");

    let image = |prompt: &str| json!({ "kind": "image", "prompt": prompt });
    app.submit(&bob, image("bob's")).await;
    app.submit(&ann, image("ann's")).await;
    let over = app.call(&bob, "submit_task", image("one more")).await;
    assert_eq!((over.0, over.1["code"].as_str()), (StatusCode::TOO_MANY_REQUESTS, Some("budget_exhausted")));
    assert!(over.1["message"].as_str().unwrap().contains("This workspace has spent 2 of the 2"), "{}", over.1);
    // Lifted, each person's own budget is what holds again.
    let (status, view) = set(&ann, Value::Null).await;
    assert_eq!((status, &view["daily_budget"]), (StatusCode::OK, &Value::Null));
    app.submit(&bob, image("lifted")).await;
    app.stop().await;
}
