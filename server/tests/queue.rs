//! Listing and ownership: filters, keyset paging, counts, owner isolation, the owner
//! cookie, the server-rendered queue (whole under concurrent loads, in the reader's
//! language), and persistence across a restart.

mod common;

use common::{ids, TestApp, TestDb};
use reqwest::StatusCode;
use serde_json::json;

on_both_databases!(
    filters_and_paging,
    owners_never_see_each_other,
    restart_keeps_tasks,
    page_renders_the_owners_queue,
    pages_speak_the_readers_language,
    pages_carry_the_retry_limit_and_the_servers_time,
    pages_render_whole_under_concurrent_load,
);

/// A page that stops mid-stream fails the test instead of holding it forever.
fn page_client() -> reqwest::Client {
    reqwest::Client::builder().timeout(std::time::Duration::from_secs(20)).build().unwrap()
}

async fn filters_and_paging(db: TestDb) {
    let app = TestApp::spawn(&db).await;
    let client = TestApp::client();
    for i in 0..5 {
        app.submit(&client, json!({ "kind": "image", "prompt": format!("image {i}") })).await;
    }
    for i in 0..3 {
        app.submit(&client, json!({ "kind": "video", "prompt": format!("video {i}") })).await;
    }
    let all = app.all_ids(&client).await;
    assert_eq!(all.len(), 8);

    let videos = app.list(&client, json!({ "kind": "video" })).await;
    assert_eq!(ids(&videos), all[..3]);
    assert_eq!(videos["counts"]["pending"], 3, "counts follow the kind filter");
    let first = &videos["tasks"][0]["params"]["prompt"];
    assert_eq!(first, "video 2", "newest first");

    let pending = app.list(&client, json!({ "status": "pending" })).await;
    assert_eq!(ids(&pending).len(), 8);
    let failed = app.list(&client, json!({ "status": "failed" })).await;
    assert!(ids(&failed).is_empty());
    assert_eq!(failed["counts"]["pending"], 8, "counts ignore the status filter");

    // Search: in the prompt, any case, `%` and `_` taken literally; counts follow it.
    let search = |q: &str| json!({ "q": q });
    let found = app.list(&client, search("VIDEO 1")).await;
    assert_eq!(ids(&found), [all[1].clone()]);
    let videos_by_text = app.list(&client, search("video")).await;
    assert_eq!((ids(&videos_by_text).len(), &videos_by_text["counts"]["pending"]), (3, &json!(3)));
    let (_, special) =
        app.call(&client, "submit_task", json!({ "kind": "image", "prompt": "100% cotton_shirt" })).await;
    let special_id = special["tasks"][0]["id"].as_str().unwrap().to_owned();
    for q in ["%", "_", "0% C", "n_s"] {
        assert_eq!(ids(&app.list(&client, search(q)).await), std::slice::from_ref(&special_id), "{q}");
    }
    assert!(ids(&app.list(&client, search("image 9")).await).is_empty());
    let (status, err) = app.call(&client, "list_tasks", search(&"x".repeat(201))).await;
    assert_eq!((status, err["code"].as_str()), (StatusCode::BAD_REQUEST, Some("search_too_long")));
    app.call(&client, "delete_task", json!({ "id": special_id })).await;

    let mut paged = Vec::new();
    let mut cursor = serde_json::Value::Null;
    loop {
        let page = app.list(&client, json!({ "limit": 3, "cursor": cursor })).await;
        paged.extend(ids(&page));
        cursor = page["next_cursor"].clone();
        if cursor.is_null() {
            break;
        }
    }
    assert_eq!(paged, all, "pages join up without gaps or repeats");
    let exact = app.list(&client, json!({ "limit": 8 })).await;
    assert!(exact["next_cursor"].is_null(), "no cursor when nothing is left");
    app.stop().await;
}

async fn owners_never_see_each_other(db: TestDb) {
    let app = TestApp::spawn(&db).await;
    let (alice, bob) = (TestApp::client(), TestApp::client());
    let a = app.submit(&alice, json!({ "kind": "image", "prompt": "alice's" })).await;
    app.submit(&bob, json!({ "kind": "video", "prompt": "bob's" })).await;

    let alice_ids = app.all_ids(&alice).await;
    let bob_ids = app.all_ids(&bob).await;
    assert_eq!((alice_ids.len(), bob_ids.len()), (1, 1));
    assert_ne!(alice_ids, bob_ids);
    // Alice's id as Bob's cursor reveals nothing of Alice's.
    let (status, page) = app.call(&bob, "list_tasks", json!({ "cursor": a["tasks"][0]["id"] })).await;
    assert_eq!(status, StatusCode::OK);
    assert!(page["tasks"].as_array().unwrap().iter().all(|t| t["params"]["prompt"] == "bob's"));
    // Each owner reads its own task by id; the other's id is a 404, like an unknown one.
    let alice_task = &a["tasks"][0];
    let (status, mut got) = app.call(&alice, "get_task", json!({ "id": alice_task["id"] })).await;
    let attempts = got.as_object_mut().unwrap().remove("attempts");
    let retried_by = got.as_object_mut().unwrap().remove("retried_by");
    assert_eq!(
        (status, &got, attempts, retried_by),
        (StatusCode::OK, alice_task, Some(json!([])), Some(json!(null))),
        "the task, no attempt yet, not retried"
    );
    for id in [alice_task["id"].clone(), json!(uuid::Uuid::now_v7().to_string())] {
        let (status, err) = app.call(&bob, "get_task", json!({ "id": id })).await;
        assert_eq!((status, err["code"].as_str()), (StatusCode::NOT_FOUND, Some("not_found")), "{err}");
    }
    let (status, err) = app.call(&bob, "get_task", json!({ "id": "nope" })).await;
    assert_eq!((status, err["code"].as_str()), (StatusCode::BAD_REQUEST, Some("id_invalid")));
    // A client without cookies is a new owner each time and sees nothing.
    let stranger = reqwest::Client::new();
    assert!(app.all_ids(&stranger).await.is_empty());
    app.stop().await;
}

async fn restart_keeps_tasks(db: TestDb) {
    let client = TestApp::client();
    let app = TestApp::spawn(&db).await;
    app.submit(&client, json!({ "kind": "image", "prompt": "kept", "variants": 2 })).await;
    let before = app.all_ids(&client).await;
    app.stop().await;

    let app = TestApp::spawn(&db).await;
    let page = app.list(&client, json!({})).await;
    assert_eq!(ids(&page), before);
    assert_eq!(page["counts"]["pending"], 2);
    app.stop().await;
}

async fn page_renders_the_owners_queue(db: TestDb) {
    let app = TestApp::spawn(&db).await;
    let client = page_client();
    let first = client.get(format!("{}/", app.base)).send().await.unwrap();
    let cookie =
        first.headers().get("set-cookie").expect("a new visitor gets an owner cookie").to_str().unwrap().to_owned();
    for attribute in ["atelier_guest=", "HttpOnly", "SameSite=Lax", "Path=/"] {
        assert!(cookie.contains(attribute), "{cookie}");
    }
    let pair = cookie.split(';').next().unwrap().to_owned();
    first.text().await.unwrap();

    let res = client
        .post(format!("{}/api/submit_task", app.base))
        .header("cookie", &pair)
        .json(&json!({ "kind": "image", "prompt": "Rendered on the server" }))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::OK);
    assert!(res.headers().get("set-cookie").is_none(), "a known owner keeps its cookie");

    let html = client.get(format!("{}/", app.base)).header("cookie", &pair).send().await.unwrap().text().await.unwrap();
    assert!(html.contains("Rendered on the server"), "the queue is in the HTML");
    let other = page_client().get(format!("{}/", app.base)).send().await.unwrap().text().await.unwrap();
    assert!(!other.contains("Rendered on the server"), "and only in its owner's HTML");

    // An id is never an identity: the nil id, another version, a random v4 (the shape of a
    // guest cookie of before that no guest held) each make a new guest.
    let v4 = uuid::Uuid::new_v4().to_string();
    for forged in ["00000000-0000-0000-0000-000000000000", "6ba7b810-9dad-11d1-80b4-00c04fd430c8", &v4] {
        let res = client
            .post(format!("{}/api/list_tasks", app.base))
            .header("cookie", format!("atelier_owner={forged}"))
            .json(&json!({}))
            .send()
            .await
            .unwrap();
        let set: Vec<_> = res.headers().get_all("set-cookie").iter().map(|v| v.to_str().unwrap().to_owned()).collect();
        assert!(set.iter().any(|c| c.starts_with("atelier_guest=")), "a forged id gets a new guest: {set:?}");
        assert!(set.iter().all(|c| !c.contains(forged)), "{set:?}");
        let page: serde_json::Value = res.json().await.unwrap();
        assert_eq!(page["tasks"], json!([]), "{forged} names no one's tasks");
    }
    app.stop().await;
}

async fn pages_speak_the_readers_language(db: TestDb) {
    let app = TestApp::spawn(&db).await;
    let page = |headers: &'static [(&'static str, &'static str)]| {
        let mut req = page_client().get(format!("{}/", app.base));
        for (name, value) in headers {
            req = req.header(*name, *value);
        }
        async move { req.send().await.unwrap().text().await.unwrap() }
    };
    let chinese = page(&[("accept-language", "zh-CN,zh;q=0.9,en;q=0.8")]).await;
    assert!(chinese.contains(r#"<html lang="zh-CN""#), "{}", &chinese[..200]);
    assert!(chinese.contains(">生成<") && !chinese.contains(">Generate<"));
    let english = page(&[("accept-language", "fr-FR, en;q=0.5")]).await;
    assert!(english.contains(r#"<html lang="en""#) && english.contains(">Generate<"));
    let chosen = page(&[("accept-language", "zh-CN"), ("cookie", "atelier-lang=en")]).await;
    assert!(chosen.contains(">Generate<"), "the switcher's choice wins over the browser's");
    let unset = page(&[]).await;
    assert!(unset.contains(r#"<html lang="en""#), "English when the browser says nothing");
    app.stop().await;
}

async fn pages_carry_the_retry_limit_and_the_servers_time(db: TestDb) {
    let app = TestApp::spawn_with(&db, std::sync::Arc::new(server::clock::SystemClock), |s| {
        s.retry_delays_ms = vec![1_000, 2_000];
    })
    .await;
    let before = chrono::Utc::now();
    let page = app.list(&TestApp::client(), json!({})).await;
    assert_eq!(page["retry_limit"], 2, "the length of the configured schedule");
    let as_of: chrono::DateTime<chrono::Utc> = serde_json::from_value(page["as_of"].clone()).unwrap();
    assert!(as_of >= before && as_of <= chrono::Utc::now(), "{as_of} is the server's time of reading");
    app.stop().await;
}

/// Many concurrent page loads all finish whole. With the task list loaded by a `Resource`
/// under a `<Suspense>`, about one run in five of this suite left a page stuck on the
/// fallback for good (see `app::components::Queue::new`).
async fn pages_render_whole_under_concurrent_load(db: TestDb) {
    let app = TestApp::spawn(&db).await;
    let client = TestApp::client();
    app.submit(&client, json!({ "kind": "image", "prompt": "under load" })).await;
    let loads = (0..16).map(|_| {
        let (client, url) = (client.clone(), format!("{}/", app.base));
        tokio::spawn(async move {
            for _ in 0..12 {
                let mut res = client.get(&url).send().await.unwrap();
                let mut html = String::new();
                loop {
                    let chunk = tokio::time::timeout(std::time::Duration::from_secs(20), res.chunk()).await;
                    let tail = &html[html.len().saturating_sub(600)..];
                    match chunk.unwrap_or_else(|_| panic!("the page stopped for 20 s after: ...{tail}")).unwrap() {
                        Some(bytes) => html.push_str(&String::from_utf8_lossy(&bytes)),
                        None => break,
                    }
                }
                let tail = &html[html.len().saturating_sub(300)..];
                assert!(html.contains("under load"), "the owner's task is on the page: ...{tail}");
                // Streaming ends by saying no chunk is still pending.
                assert!(html.contains("__INCOMPLETE_CHUNKS=[];"), "the page is whole: ...{tail}");
            }
        })
    });
    for load in loads.collect::<Vec<_>>() {
        load.await.unwrap();
    }
    app.stop().await;
}
