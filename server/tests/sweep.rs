//! At start, the server removes what interrupted saves left in the content folder once it
//! is an hour old: temporary files, and result files no row names (a content row, or a
//! board item showing a deleted task's result). Everything else stays.

mod common;

use common::fake::{Behaviour, FakeService};
use common::{all_in, files_under, TestApp, TestDb};
use serde_json::json;
use std::path::Path;
use std::time::{Duration, SystemTime};
use uuid::Uuid;

on_both_databases!(leftovers_of_interrupted_saves_are_removed_at_start);

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
    let deadline = std::time::Instant::now() + Duration::from_secs(10);
    while orphan.exists() || partial.exists() {
        assert!(std::time::Instant::now() < deadline, "leftovers still there: {:?}", files_under(&db.content_dir));
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    let mut left = files_under(&db.content_dir);
    left.sort();
    let mut expected = [kept, vec![recent]].concat();
    expected.sort();
    assert_eq!(left, expected);
    app.stop().await;
}
