//! `GET /downloads/completed.zip`: the caller's completed results in one ZIP, each under
//! its download name and byte for byte as single downloads serve it; nobody else's.

mod common;

use common::{all_in, TestApp, TestDb};
use reqwest::StatusCode;
use serde_json::json;
use server::clock::SystemClock;
use std::io::Read;
use std::sync::Arc;

on_both_databases!(completed_results_download_as_one_zip);

async fn zip_of(app: &TestApp, client: &reqwest::Client) -> zip::ZipArchive<std::io::Cursor<Vec<u8>>> {
    let res = client.get(format!("{}/downloads/completed.zip", app.base)).send().await.unwrap();
    assert_eq!(res.status(), StatusCode::OK);
    assert_eq!(res.headers()["content-type"], "application/zip");
    assert_eq!(res.headers()["content-disposition"], "attachment; filename=\"atelier-completed.zip\"");
    zip::ZipArchive::new(std::io::Cursor::new(res.bytes().await.unwrap().to_vec())).expect("a whole ZIP")
}

async fn completed_results_download_as_one_zip(db: TestDb) {
    let app = TestApp::spawn_with(&db, Arc::new(SystemClock), |s| s.concurrency = 1).await; // embedded
    let (alice, bob) = (TestApp::client(), TestApp::client());
    assert_eq!(zip_of(&app, &alice).await.len(), 0, "nothing completed: an empty archive");
    for prompt in ["first", "second"] {
        app.submit(&alice, json!({ "kind": "image", "prompt": prompt, "size": "512x512" })).await;
    }
    app.submit(&bob, json!({ "kind": "image", "prompt": "bob's", "size": "512x512" })).await;
    let tasks = app.wait_until(&alice, "completed", |t| t.len() == 2 && all_in(t, &["completed"])).await;
    app.wait_until(&bob, "completed", |t| all_in(t, &["completed"])).await;
    app.call(&alice, "pause_queue", json!({})).await;
    app.submit(&alice, json!({ "kind": "image", "prompt": "still pending" })).await;

    let mut archive = zip_of(&app, &alice).await;
    assert_eq!(archive.len(), 2, "the completed results only, not bob's");
    for (i, task) in tasks.iter().enumerate() {
        let id = task["id"].as_str().unwrap().replace('-', "");
        let mut entry = archive.by_index(i).unwrap();
        assert_eq!(entry.name(), format!("atelier-image-{}.png", &id[24..]), "newest first, named as downloads are");
        let mut bytes = Vec::new();
        entry.read_to_end(&mut bytes).unwrap();
        let url = format!("{}/content/{}", app.base, task["result"]["id"].as_str().unwrap());
        assert_eq!(bytes, alice.get(url).send().await.unwrap().bytes().await.unwrap().to_vec());
    }
    assert_eq!(zip_of(&app, &bob).await.len(), 1);
    app.stop().await;
}
