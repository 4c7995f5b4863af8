//! Prompt search through its indexes (trigrams, CJK grams, the short-text scan) finds
//! exactly what the one rule says (`app::domain::contains_folded`: substring, any case,
//! every character literal), on both databases: for new tasks, retried ones, deleted
//! ones, and tasks stored before the indexes existed (migration 15 indexes them).

mod common;

use app::domain::{contains_folded, Lookup};
use common::{ids, TestApp, TestDb};
use migrations::{Migrator, MigratorTrait};
use sea_orm::{ConnectionTrait, Database};
use serde_json::{json, Value};
use std::collections::BTreeSet;
use std::sync::Arc;

on_both_databases!(
    searches_find_what_the_rule_says,
    tasks_stored_before_the_index_are_found,
    a_guests_tasks_are_found_in_the_account_they_move_to,
);

const PROMPTS: [&str; 12] = [
    "A Red Fox in the SNOW",
    "red panda, watercolor",
    "100% cotton_shirt on a line",
    "ÉCOLE d'été à Paris",
    "一只可爱的猫咪在夕阳下",
    "夕阳 over the 城市 skyline",
    "猫 and dog",
    "a \"quoted\" word and back\\slash",
    "ねこカフェ の 猫",
    "고양이 그림",
    "Straße im Regen",
    "ΣΊΣΥΦΟΣ pushes a rock",
];

/// Every lookup, hits and misses, the characters that mean something elsewhere
/// (`%`, `_`, `"`, `\`, `*`) and case beyond ASCII.
const SEARCHES: [&str; 30] = [
    "red",
    "RED FOX",
    "fox in the snow",
    "%",
    "_",
    "0% c",
    "n_s",
    "on_a",
    "école",
    "ÉTÉ",
    "猫",
    "猫咪",
    "夕阳",
    "夕阳下",
    "城市",
    "ねこ",
    "고양",
    "\"quoted\"",
    "\"",
    "back\\slash",
    "\\",
    "zz",
    "nothing here",
    "a",
    "猫a",
    "猫 and",
    "STRASSE",
    "straße",
    "σίσυφος",
    "e*",
];

async fn searches_find_what_the_rule_says(db: TestDb) {
    let app = TestApp::spawn_with(&db, Arc::new(server::clock::SystemClock), |s| s.concurrency = 0).await;
    let client = TestApp::client();
    let mut stored = submit_every_prompt(&app, &client).await;
    // Someone else's matching prompts never show.
    let other = TestApp::client();
    app.submit(&other, json!({ "kind": "image", "prompt": "red herring 猫咪" })).await;

    check_every_search(&app, &client, &stored).await;

    // A retried task is found like a new one; a deleted one is gone from every index.
    let cat = stored.iter().position(|(_, p)| *p == "猫 and dog").unwrap();
    app.call(&client, "cancel_task", json!({ "id": stored[cat].0 })).await;
    let (_, again) = app.call(&client, "retry_task", json!({ "id": stored[cat].0 })).await;
    stored.push((again["id"].as_str().expect("retried").to_owned(), "猫 and dog"));
    for gone in ["A Red Fox in the SNOW", "一只可爱的猫咪在夕阳下"] {
        let at = stored.iter().position(|(_, p)| *p == gone).unwrap();
        let (status, _) = app.call(&client, "delete_task", json!({ "id": stored[at].0 })).await;
        assert!(status.is_success(), "{status}");
        stored.remove(at);
    }
    check_every_search(&app, &client, &stored).await;
    app.stop().await;
}

async fn tasks_stored_before_the_index_are_found(db: TestDb) {
    let app = TestApp::spawn_with(&db, Arc::new(server::clock::SystemClock), |s| s.concurrency = 0).await;
    let client = TestApp::client();
    let stored = submit_every_prompt(&app, &client).await;
    app.stop().await;

    // Back to the schema before migration 15, with the prompts as that schema stored them
    // (as written, not folded) and no grams; then forward again, as an upgrade does.
    let conn = Database::connect(&db.url).await.unwrap();
    let migrations = Migrator::migrations();
    let fifteenth = migrations.iter().position(|m| m.name() == "m20261209_000015_search_index").unwrap();
    Migrator::down(&conn, Some((migrations.len() - fifteenth) as u32)).await.unwrap();
    let raw = match conn.get_database_backend() {
        sea_orm::DatabaseBackend::Postgres => "UPDATE tasks SET prompt = params->>'prompt'",
        _ => "UPDATE tasks SET prompt = json_extract(params, '$.prompt')",
    };
    conn.execute_unprepared(raw).await.unwrap();
    Migrator::up(&conn, None).await.unwrap();
    conn.close().await.unwrap();

    let app = TestApp::spawn_with(&db, Arc::new(server::clock::SystemClock), |s| s.concurrency = 0).await;
    check_every_search(&app, &client, &stored).await;
    app.stop().await;
}

async fn a_guests_tasks_are_found_in_the_account_they_move_to(db: TestDb) {
    let app = TestApp::spawn_with(&db, Arc::new(server::clock::SystemClock), |s| s.concurrency = 0).await;
    let client = TestApp::client();
    let stored = submit_every_prompt(&app, &client).await;
    // Signing up moves the guest's tasks to the new account's workspace (another owner).
    let body = json!({ "username": "mover", "password": "tide-lantern-orchid-9" });
    let (status, answer) = app.call(&client, "sign_up", body).await;
    assert!(status.is_success(), "{answer}");
    check_every_search(&app, &client, &stored).await;
    // And the guest's old owner keeps nothing findable: a new guest sees none of them.
    let stranger = TestApp::client();
    assert!(ids(&app.list(&stranger, json!({ "q": "red" })).await).is_empty());
    app.stop().await;
}

/// Submits each of [`PROMPTS`] (every third as a video); their ids with their prompts.
async fn submit_every_prompt(app: &TestApp, client: &reqwest::Client) -> Vec<(String, &'static str)> {
    let mut stored = Vec::new();
    for (i, prompt) in PROMPTS.into_iter().enumerate() {
        let kind = if i % 3 == 0 { "video" } else { "image" };
        let made = app.submit(client, json!({ "kind": kind, "prompt": prompt })).await;
        stored.push((made["tasks"][0]["id"].as_str().unwrap().to_owned(), prompt));
    }
    stored
}

/// A search's pages of one, followed by their cursors, list its tasks newest first, each
/// once; with a status, only those.
async fn check_pages(app: &TestApp, client: &reqwest::Client, q: &str, expected: &[Value]) {
    for status in [None, Some("pending"), Some("cancelled")] {
        let mut wanted: Vec<&str> = expected
            .iter()
            .filter(|t| status.is_none_or(|s| t["status"] == s))
            .map(|t| t["id"].as_str().unwrap())
            .collect();
        wanted.sort_unstable_by(|a, b| b.cmp(a));
        let (mut listed, mut cursor) = (Vec::new(), Value::Null);
        loop {
            let mut query = json!({ "q": q, "limit": 1, "cursor": cursor });
            if let Some(status) = status {
                query["status"] = json!(status);
            }
            let page = app.list(client, query).await;
            listed.extend(ids(&page));
            cursor = page["next_cursor"].clone();
            if cursor.is_null() {
                break;
            }
        }
        assert_eq!(listed, wanted, "search {q:?} paged by one, status {status:?}");
    }
}

/// Each search's page and counts (per status, with and without a kind) against the rule
/// applied to what is stored.
async fn check_every_search(app: &TestApp, client: &reqwest::Client, stored: &[(String, &str)]) {
    let all = app.list(client, json!({ "limit": 200 })).await;
    let task = |id: &str| all["tasks"].as_array().unwrap().iter().find(|t| t["id"] == id).cloned().unwrap();
    let mut lookups = std::collections::HashSet::new();
    for q in SEARCHES {
        lookups.insert(std::mem::discriminant(&Lookup::of(q)));
        for kind in [None, Some("video")] {
            let expected: Vec<Value> = stored
                .iter()
                .filter(|(_, prompt)| contains_folded(prompt, q))
                .map(|(id, _)| task(id))
                .filter(|t| kind.is_none_or(|k| t["kind"] == k))
                .collect();
            let mut query = json!({ "q": q, "limit": 200 });
            if let Some(kind) = kind {
                query["kind"] = json!(kind);
            }
            let page: Value = app.list(client, query).await;
            let found = ids(&page);
            let wanted: BTreeSet<&str> = expected.iter().map(|t| t["id"].as_str().unwrap()).collect();
            assert_eq!(found.iter().map(String::as_str).collect::<BTreeSet<_>>(), wanted, "search {q:?} {kind:?}");
            assert_eq!(found.len(), wanted.len(), "search {q:?} listed a task twice");
            for (status, n) in page["counts"].as_object().unwrap() {
                let want = expected.iter().filter(|t| t["status"] == status.as_str()).count() as u64;
                assert_eq!(n.as_u64(), Some(want), "search {q:?} {kind:?}: {status} in {}", page["counts"]);
            }
            if kind.is_none() {
                check_pages(app, client, q, &expected).await;
            }
        }
    }
    assert_eq!(lookups.len(), 3, "every lookup (trigrams, grams, scan) is exercised");
    let hits = SEARCHES.iter().filter(|q| stored.iter().any(|(_, p)| contains_folded(p, q))).count();
    assert!(hits >= SEARCHES.len() / 2, "most searches hit something ({hits})");
}
