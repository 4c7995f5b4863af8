//! One submission, one set of tasks: identical submissions inside the dedup window, and
//! resends with the same idempotency key, return the first submission's tasks, also
//! when they race.

mod common;

use chrono::TimeDelta;
use common::{ids, TestApp, TestDb};
use serde_json::{json, Value};
use server::clock::ManualClock;
use std::sync::Arc;

on_both_databases!(
    identical_submissions_inside_the_window_are_one,
    concurrent_identical_submissions_create_one_task,
    racing_store_writes_create_one_task,
    idempotency_key_returns_the_first_submission,
    window_zero_turns_dedup_off,
);

fn fox() -> Value {
    json!({ "kind": "image", "prompt": "A red fox", "size": "768x768" })
}

async fn identical_submissions_inside_the_window_are_one(db: TestDb) {
    let clock = Arc::new(ManualClock::starting_now());
    let app = TestApp::spawn_with(&db, clock.clone(), |_| {}).await;
    let (client, other) = (TestApp::client(), TestApp::client());

    let first = app.submit(&client, fox()).await;
    assert_eq!(first["deduplicated"], false);
    clock.advance(TimeDelta::milliseconds(4_999));
    // Whitespace differences are the same request.
    let same = app.submit(&client, json!({ "kind": "image", "prompt": "  A  red fox ", "size": "768x768" })).await;
    assert_eq!((same["deduplicated"].as_bool(), ids(&same)), (Some(true), ids(&first)));
    // Other parameters, or another owner, are not the same submission.
    let bigger = app.submit(&client, json!({ "kind": "image", "prompt": "A red fox" })).await;
    assert_eq!(bigger["deduplicated"], false);
    assert_eq!(app.submit(&other, fox()).await["deduplicated"], false);
    // A batch matches itself, all of its variants.
    let batch = json!({ "kind": "video", "prompt": "waves", "variants": 3 });
    let b1 = app.submit(&client, batch.clone()).await;
    let b2 = app.submit(&client, batch.clone()).await;
    assert_eq!((ids(&b1).len(), ids(&b2)), (3, ids(&b1)));

    clock.advance(TimeDelta::milliseconds(5_001));
    let later = app.submit(&client, fox()).await;
    assert_eq!(later["deduplicated"], false, "after the window it is a new task");
    assert_ne!(ids(&later), ids(&first));
    assert_eq!(app.all_ids(&client).await.len(), 1 + 1 + 3 + 1, "fox, bigger fox, the batch, later fox");
    app.stop().await;
}

async fn concurrent_identical_submissions_create_one_task(db: TestDb) {
    let app = TestApp::spawn(&db).await;
    let client = TestApp::client();
    app.submit(&client, json!({ "kind": "image", "prompt": "warm-up, sets the cookie" })).await;
    let url = format!("{}/api/submit_task", app.base);
    let sends: Vec<_> = (0..50)
        .map(|_| {
            let (client, url) = (client.clone(), url.clone());
            tokio::spawn(
                async move { client.post(url).json(&fox()).send().await.unwrap().json::<Value>().await.unwrap() },
            )
        })
        .collect();
    let mut seen = std::collections::HashSet::new();
    for send in sends {
        let body = send.await.unwrap();
        seen.extend(ids(&body));
    }
    assert_eq!(seen.len(), 1, "50 identical concurrent submissions are one task");
    assert_eq!(app.all_ids(&client).await.len(), 2);
    app.stop().await;
}

async fn idempotency_key_returns_the_first_submission(db: TestDb) {
    let clock = Arc::new(ManualClock::starting_now());
    let app = TestApp::spawn_with(&db, clock.clone(), |_| {}).await;
    let client = TestApp::client();
    let keyed = |prompt: &str| json!({ "kind": "image", "prompt": prompt, "idempotency_key": "submit-7f3a" });
    let first = app.submit(&client, keyed("first")).await;
    clock.advance(TimeDelta::hours(1));
    let resent = app.submit(&client, keyed("first")).await;
    assert_eq!((resent["deduplicated"].as_bool(), ids(&resent)), (Some(true), ids(&first)));
    // The key names the submission: whatever else a resend carries, the original stands.
    let changed = app.submit(&client, keyed("changed")).await;
    assert_eq!(ids(&changed), ids(&first));
    assert_eq!(changed["tasks"][0]["params"]["prompt"], "first");
    // Keys belong to their owner.
    let other = TestApp::client();
    assert_eq!(app.submit(&other, keyed("first")).await["deduplicated"], false);
    assert_eq!(app.all_ids(&client).await.len(), 1);
    app.stop().await;
}

async fn window_zero_turns_dedup_off(db: TestDb) {
    let app = TestApp::spawn_with(&db, Arc::new(ManualClock::starting_now()), |s| s.dedup_window_ms = 0).await;
    let client = TestApp::client();
    app.submit(&client, fox()).await;
    assert_eq!(app.submit(&client, fox()).await["deduplicated"], false);
    assert_eq!(app.all_ids(&client).await.len(), 2);
    app.stop().await;
}

/// The same race without HTTP in between, so the check-then-insert windows overlap tightly.
async fn racing_store_writes_create_one_task(db: TestDb) {
    let settings = server::config::Settings { database_url: db.url.clone(), ..Default::default() };
    let conn = server::db::connect(&settings).await.unwrap();
    let store = server::TaskStore::new(conn, Arc::new(server::clock::SystemClock), TimeDelta::seconds(5));
    let owner = app::domain::OwnerId(uuid::Uuid::new_v4());
    let request: app::domain::SubmitRequest = serde_json::from_value(fox()).unwrap();
    let submission = request.validate().unwrap();
    // Every racer holds a pooled connection before the start, so the writes overlap.
    let start = Arc::new(tokio::sync::Barrier::new(50));
    let races: Vec<_> = (0..50)
        .map(|_| {
            let (store, submission, start) = (store.clone(), submission.clone(), start.clone());
            tokio::spawn(async move {
                store.find(owner, uuid::Uuid::nil()).await.unwrap();
                start.wait().await;
                store.create(owner, None, &submission).await.unwrap()
            })
        })
        .collect();
    let mut seen = std::collections::HashSet::new();
    for race in races {
        seen.extend(race.await.unwrap().tasks.into_iter().map(|t| t.id));
    }
    assert_eq!(seen.len(), 1);
}
