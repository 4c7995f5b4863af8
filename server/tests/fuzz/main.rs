//! Fuzzing the public API: a seeded generator sends 10,400 requests per database, eight
//! at a time, as a guest, an account, an API token and strangers (with junk cookies and
//! `Authorization` headers): every endpoint's valid body mutated (a field dropped, given
//! twice in the raw JSON text, of the wrong type, huge, negative, long, unicode, control
//! characters and NUL, unknown fields, nested junk, nulls, arrays for objects), bodies that
//! are not JSON, are cut short, too large or not sent as JSON, other methods, ids that do
//! not exist or are not ids, and the GET routes (`/content/{id}` with `?thumbnail`,
//! `?download` and ranges, `/api/events` with `Last-Event-ID`, `/downloads/completed.zip`)
//! with junk ids, parameters and headers.
//!
//! No request is answered 5xx or left unanswered (a panic shows as one or the other). The
//! first 6,000 are built to be refused: each is (4xx), and every table is as it was. The
//! next 4,400 mix valid requests in: no table gains more rows than the accepted ones made.
//! Then the server still reads and writes. A failure names the request and its phase and
//! index (the same index always makes the same request).

#[path = "../common/mod.rs"]
mod common;
mod generate;

use common::{all_in, TestApp, TestDb};
use futures_util::{stream, StreamExt};
use generate::{generate, Pool, Req, MIXED, PASSWORD, REFUSED};
use reqwest::header::CONTENT_TYPE;
use sea_orm::{ConnectionTrait, Database, DatabaseConnection, Statement};
use serde_json::{json, Value};
use server::clock::SystemClock;
use std::collections::BTreeMap;
use std::sync::Arc;
use std::time::{Duration, Instant};

on_both_databases!(generated_requests_never_break_the_api);

#[rustfmt::skip]
const TABLES: [&str; 11] = [
    "tasks", "submissions", "attempts", "contents", "board_items", "users", "workspaces", "members", "invites",
    "api_tokens", "sessions",
];

struct Clients {
    guest: reqwest::Client,
    account: reqwest::Client,
    plain: reqwest::Client,
    /// Keeps no connection (a 413 closes it).
    once: reqwest::Client,
    token: String,
}

/// The status and body of the answer (an event stream's status only).
async fn send(app: &TestApp, c: &Clients, req: &Req) -> Result<(u16, Vec<u8>), String> {
    let client = match req.who {
        _ if req.body.len() > 65_536 => &c.once,
        "guest" => &c.guest,
        "account" => &c.account,
        _ => &c.plain,
    };
    let mut builder = client.request(req.method.clone(), format!("{}{}", app.base, req.path));
    if req.who == "token" {
        builder = builder.bearer_auth(&c.token);
    }
    if let Some(content_type) = req.content_type {
        builder = builder.header(CONTENT_TYPE, content_type);
    }
    for (name, value) in &req.headers {
        builder = builder.header(*name, value.as_slice());
    }
    let error = |e: reqwest::Error| format!("{:?}", e.without_url());
    let res = builder.body(req.body.clone()).timeout(Duration::from_secs(60)).send().await.map_err(error)?;
    let status = res.status().as_u16();
    if req.path == "/api/events" {
        return Ok((status, Vec::new()));
    }
    Ok((status, res.bytes().await.map_err(error)?.to_vec()))
}

/// The rows an accepted request may have added, per table.
fn adds(endpoint: &str, answer: &Value) -> Vec<(&'static str, i64)> {
    match endpoint {
        "submit_task" if answer["deduplicated"] == false => {
            vec![("tasks", answer["tasks"].as_array().map_or(0, Vec::len) as i64), ("submissions", 1)]
        }
        "retry_task" => vec![("tasks", 1), ("submissions", 1)],
        "place_on_board" => vec![("board_items", 1)],
        "sign_up" => vec![("users", 1), ("workspaces", 1), ("members", 1), ("sessions", 1)],
        "sign_in" => vec![("sessions", 1)],
        "create_workspace" => vec![("workspaces", 1), ("members", 1)],
        "accept_invite" => vec![("members", 1)],
        "invite_member" => vec![("invites", 1)],
        "create_token" => vec![("api_tokens", 1)],
        _ => Vec::new(),
    }
}

/// Sends the `count` requests of a phase, eight at a time; fails on any 5xx or unanswered
/// request, or one built to be refused that was not. Returns the rows the accepted ones
/// may have added.
async fn run(app: &TestApp, c: &Clients, pool: &Pool, refused: bool, count: u64) -> BTreeMap<&'static str, i64> {
    let (started, phase) = (Instant::now(), if refused { "refused" } else { "mixed" });
    let outcomes: Vec<_> = stream::iter(0..count)
        .map(|i| async move {
            let req = generate(refused, i, pool);
            let answer = send(app, c, &req).await;
            let failure = match &answer {
                Err(e) => Some(format!("no answer ({e})")),
                Ok((status, _)) if *status >= 500 => Some(format!("answered {status}")),
                Ok((status, _)) if req.must_refuse && !(400..500).contains(status) => Some(format!("{status}")),
                _ => None,
            };
            let (status, body) = answer.unwrap_or_default();
            let failure = failure.map(|f| {
                let body = String::from_utf8_lossy(&body).chars().take(300).collect::<String>();
                format!("{phase} #{i}: {f}: {req}\n  -> {body}")
            });
            let answer = serde_json::from_slice(&body).unwrap_or_default();
            (status, if (200..300).contains(&status) { adds(req.endpoint, &answer) } else { Vec::new() }, failure)
        })
        .buffer_unordered(8)
        .collect()
        .await;
    let (mut statuses, mut allowed, mut failures) = (BTreeMap::new(), BTreeMap::new(), Vec::new());
    for (status, adds, failure) in outcomes {
        *statuses.entry(status).or_insert(0) += 1;
        adds.into_iter().for_each(|(table, n)| *allowed.entry(table).or_insert(0) += n);
        failures.extend(failure);
    }
    eprintln!("{phase}: {count} requests in {:.1?}, answered {statuses:?}", started.elapsed());
    let shown = failures.iter().take(20).cloned().collect::<Vec<_>>().join("\n");
    assert!(failures.is_empty(), "{} of {count} requests failed:\n{shown}", failures.len());
    allowed
}

async fn rows(conn: &DatabaseConnection) -> BTreeMap<&'static str, i64> {
    let mut counts = BTreeMap::new();
    for table in TABLES {
        let sql = format!("SELECT COUNT(*) AS n FROM {table}");
        let row = conn.query_one_raw(Statement::from_string(conn.get_database_backend(), sql)).await.unwrap();
        counts.insert(table, row.unwrap().try_get::<i64>("", "n").unwrap());
    }
    counts
}

async fn ok(app: &TestApp, client: &reqwest::Client, endpoint: &str, body: Value) -> Value {
    let (status, answer) = app.call(client, endpoint, body).await;
    assert_eq!(status, 200, "{endpoint}: {answer}");
    answer
}

/// A server that runs no task, over a database holding a completed image (made by one
/// that does), pending tasks of the account and the guest, board items, a second workspace
/// with an invite, and two API tokens (the pool has the spare's id, to revoke); and the ids.
async fn prepare(db: &TestDb) -> (TestApp, Clients, Pool) {
    // Idle connections are given up before the server closes them (after 10 s).
    let client = |jar| reqwest::Client::builder().cookie_store(jar).pool_idle_timeout(Duration::from_secs(5)).build();
    let (account, guest, plain) = (client(true).unwrap(), client(true).unwrap(), client(false).unwrap());
    let maker = TestApp::spawn_with(db, Arc::new(SystemClock), |s| s.concurrency = 1).await;
    ok(&maker, &account, "sign_up", json!({ "username": "fuzzer", "password": PASSWORD })).await;
    maker.submit(&account, json!({ "kind": "image", "prompt": "a fox", "size": "512x512" })).await;
    let done = maker.wait_until(&account, "completed", |t| all_in(t, &["completed"])).await;
    let content = done[0]["result"]["id"].as_str().unwrap().to_owned();
    maker.stop().await;

    let app = TestApp::spawn(db).await;
    app.submit(&guest, json!({ "kind": "video", "prompt": "waves" })).await;
    let task = app.submit(&account, json!({ "kind": "image", "prompt": "a kite", "variants": 2 })).await;
    for (source, id) in [("task_id", task["tasks"][0]["id"].clone()), ("content_id", json!(content))] {
        ok(&app, &account, "place_on_board", json!({ source: id, "x": 0, "y": 0, "width": 64, "height": 64 })).await;
    }
    let board = ok(&app, &account, "list_board", json!({})).await;
    ok(&app, &account, "create_workspace", json!({ "name": "Studio" })).await;
    let invite = ok(&app, &account, "invite_member", json!({ "role": "editor" })).await;
    let token = ok(&app, &account, "create_token", json!({ "name": "fuzz" })).await;
    let spare = ok(&app, &account, "create_token", json!({ "name": "spare" })).await;
    let workspaces = ok(&app, &account, "list_workspaces", json!({})).await;
    let personal = workspaces.as_array().unwrap().iter().find(|w| w["personal"] == true).unwrap();
    ok(&app, &account, "switch_workspace", json!({ "id": personal["id"] })).await;
    let me = ok(&app, &account, "account", json!({})).await;
    let listed =
        [&board["items"], &workspaces, &me["sessions"]].into_iter().flat_map(|l| l.as_array().unwrap().clone());
    let listed = listed.chain([me.clone(), invite.clone(), spare["view"].clone()]);
    let mut ids: Vec<String> = listed.filter_map(|v| v["id"].as_str().map(str::to_owned)).collect();
    ids.extend([app.all_ids(&account).await, app.all_ids(&guest).await, vec![content.clone()]].concat());
    let invite_token = invite["link"].as_str().unwrap().trim_start_matches("/?invite=").to_owned();
    let secret = token["token"].as_str().unwrap().to_owned();
    let pool = Pool { ids, secrets: vec![invite_token, secret.clone(), "atl_".into()], content };
    let once = reqwest::Client::builder().pool_max_idle_per_host(0).build().unwrap();
    (app, Clients { guest, account, plain, once, token: secret }, pool)
}

async fn generated_requests_never_break_the_api(db: TestDb) {
    let (app, clients, pool) = prepare(&db).await;
    let conn = Database::connect(&db.url).await.unwrap();
    let before = rows(&conn).await;
    run(&app, &clients, &pool, true, REFUSED).await;
    assert_eq!(rows(&conn).await, before, "refused requests changed the tables");

    let allowed = run(&app, &clients, &pool, false, MIXED).await;
    let after = rows(&conn).await;
    for (table, was) in before {
        let (now, may) = (after[table], allowed.get(table).copied().unwrap_or(0));
        assert!(now <= was + may, "{table}: {was} then {now} rows, but the accepted requests added at most {may}");
    }
    // Still serving, reads and writes.
    app.list(&clients.account, json!({})).await;
    app.submit(&TestApp::client(), json!({ "kind": "image", "prompt": "still here" })).await;
    app.stop().await;
}
