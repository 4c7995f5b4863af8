//! At start and then periodically, the server removes what interrupted saves left in the
//! content folder once it is an hour old: temporary files, and result files no row names
//! (a content row, or a board item showing a deleted task's result). Everything else
//! stays. A content folder that cannot be written stops the server from starting; a save
//! that fails later is retried on the retry schedule, like an outage.

mod common;

use common::fake::{Behaviour, FakeService};
use common::{all_in, files_under, TestApp, TestDb};
use serde_json::json;
use std::path::Path;
use std::time::{Duration, SystemTime};
use uuid::Uuid;

on_both_databases!(
    leftovers_of_interrupted_saves_are_removed_at_start,
    leftovers_are_swept_while_the_server_runs,
    a_content_folder_that_cannot_be_written_stops_the_start,
    a_result_that_cannot_be_saved_is_retried_on_the_schedule,
);

/// Writes a file last modified `age` ago.
fn plant(path: &Path, age: Duration) {
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    std::fs::write(path, b"left over").unwrap();
    age_file(path, age);
}

fn age_file(path: &Path, age: Duration) {
    let file = std::fs::File::options().write(true).open(path).unwrap();
    file.set_modified(SystemTime::now() - age).unwrap();
}

/// Waits until none of `paths` exists (or fails after 10 s, naming what is left).
async fn until_gone(paths: &[&Path], folder: &Path) {
    let deadline = std::time::Instant::now() + Duration::from_secs(10);
    while paths.iter().any(|p| p.exists()) {
        assert!(std::time::Instant::now() < deadline, "leftovers still there: {:?}", files_under(folder));
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

async fn leftovers_are_swept_while_the_server_runs(db: TestDb) {
    let app =
        TestApp::spawn_with(&db, std::sync::Arc::new(server::clock::SystemClock), |s| s.sweep_every_ms = 50).await;
    tokio::time::sleep(Duration::from_millis(100)).await; // the sweep at start is over
    let orphan = db.content_dir.join("cd").join(format!("{}.png", Uuid::now_v7().simple()));
    plant(&orphan, Duration::from_secs(7200)); // left by a crash elsewhere, found later
    until_gone(&[&orphan], &db.content_dir).await;
    app.stop().await;
}

async fn a_content_folder_that_cannot_be_written_stops_the_start(db: TestDb) {
    let not_a_folder = db.content_dir.with_extension("file");
    std::fs::create_dir_all(not_a_folder.parent().unwrap()).unwrap();
    std::fs::write(&not_a_folder, b"a file where the folder should be").unwrap();
    let settings = server::config::Settings {
        database_url: db.url.clone(),
        content_dir: not_a_folder.join("content").display().to_string(),
        concurrency: 0,
        ..Default::default()
    };
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let refused = server::start(settings, listener).await.err().expect("the server refuses to start");
    let message = refused.to_string();
    assert!(message.contains("content folder") && message.contains("cannot be written"), "{message}");
    std::fs::remove_file(not_a_folder).unwrap();
}

async fn leftovers_of_interrupted_saves_are_removed_at_start(db: TestDb) {
    let fake = FakeService::start(Behaviour::Succeed { after: Duration::ZERO }).await;
    let app = TestApp::against(&db, &fake, 1, |_| {}).await;
    let client = TestApp::client();
    app.submit(&client, json!({ "kind": "image", "prompt": "kept" })).await;
    app.submit(&client, json!({ "kind": "image", "prompt": "on the board only" })).await;
    let tasks = app.wait_until(&client, "completed", |t| t.len() == 2 && all_in(t, &["completed"])).await;
    // The second task's result is placed on the board, then the task deleted: the file stays.
    let place = json!({ "content_id": tasks[0]["result"]["id"], "x": 0.0, "y": 0.0, "width": 64.0, "height": 64.0 });
    assert_eq!(app.call(&client, "place_on_board", place).await.0, reqwest::StatusCode::OK);
    app.call(&client, "delete_task", json!({ "id": tasks[0]["id"] })).await;
    app.stop().await;

    let two_hours = Duration::from_secs(7200);
    let kept = files_under(&db.content_dir);
    assert_eq!(kept.len(), 2, "one result file per task: {kept:?}");
    for file in &kept {
        age_file(file, two_hours); // old results a content row or a board item names stay
    }
    let folder = db.content_dir.join("ab");
    let orphan = folder.join(format!("{}.png", Uuid::now_v7().simple()));
    let partial = folder.join(".0123.part");
    let recent = folder.join(format!("{}.png", Uuid::now_v7().simple()));
    plant(&orphan, two_hours);
    plant(&partial, two_hours);
    plant(&recent, Duration::from_secs(60)); // perhaps another instance's save in flight

    let app = TestApp::spawn(&db).await;
    until_gone(&[&orphan, &partial], &db.content_dir).await;
    let mut left = files_under(&db.content_dir);
    left.sort();
    let mut expected = [kept, vec![recent]].concat();
    expected.sort();
    assert_eq!(left, expected);
    app.stop().await;
}

async fn a_result_that_cannot_be_saved_is_retried_on_the_schedule(db: TestDb) {
    let fake = FakeService::start(Behaviour::Succeed { after: Duration::ZERO }).await;
    let app = TestApp::against(&db, &fake, 1, |s| s.retry_delays_ms = vec![300]).await;
    // The folder goes bad after the start-up check: a file stands where it was.
    std::fs::remove_dir_all(&db.content_dir).unwrap();
    std::fs::write(&db.content_dir, b"not a folder").unwrap();
    let client = TestApp::client();
    app.submit(&client, json!({ "kind": "image", "prompt": "saved at last" })).await;
    let tasks = app.wait_until(&client, "retrying", |t| all_in(t, &["retrying"])).await;
    // The disk's words, said once: the page already says the result could not be saved.
    let error = &tasks[0]["error"];
    assert_eq!(
        (error["code"].as_str(), error["message"].as_str()),
        (Some("storage"), Some("Not a directory (os error 20)"))
    );

    std::fs::remove_file(&db.content_dir).unwrap(); // the disk is back
    let tasks = app.wait_until(&client, "completed", |t| all_in(t, &["completed"])).await;
    assert_eq!(tasks[0]["retry_count"], 1);
    app.stop().await;
}
