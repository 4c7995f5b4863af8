//! At start, the server removes what interrupted saves left in the content folder once it
//! is an hour old: temporary files, and result files no row names. Everything else stays.

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
    app.wait_until(&client, "completed", |t| all_in(t, &["completed"])).await;
    app.stop().await;

    let two_hours = Duration::from_secs(7200);
    let [kept] = files_under(&db.content_dir).try_into().expect("one result file");
    age_file(&kept, two_hours); // an old result its row names stays
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
    let mut expected = vec![kept, recent];
    expected.sort();
    assert_eq!(left, expected);
    app.stop().await;
}
