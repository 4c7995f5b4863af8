//! Browser hardening, read off real answers: a page's Content-Security-Policy names the
//! nonce its inline scripts carry (a fresh one per page), every answer says `nosniff` and
//! may not be framed (unless the setting names who may), personal answers are not cached,
//! a result file opened on its own is a sandbox, and a client too slow to send its
//! request's head or body (or idle on a kept-alive connection) is cut off, and a flood of
//! submissions, event streams or unread ZIP downloads is refused (429) without holding
//! anyone else back, and no prompt costs more than linear work to read.

mod common;

use app::domain::Prompt;
use common::{all_in, files_under, TestApp, TestDb};
use reqwest::StatusCode;
use serde_json::json;
use server::clock::SystemClock;
use std::sync::Arc;

on_both_databases!(
    answers_carry_the_hardening_headers,
    frame_ancestors_follow_the_setting,
    slow_clients_are_cut_off,
    floods_are_slowed_and_streams_capped,
    unread_zip_downloads_leave_others_answered,
    a_full_disk_takes_no_new_work,
    braces_nobody_closes_cost_no_more_than_their_length,
);

fn header<'a>(res: &'a reqwest::Response, name: &str) -> &'a str {
    res.headers().get(name).unwrap_or_else(|| panic!("no {name}")).to_str().unwrap()
}

/// The nonce of the page's `script-src`, which every inline script must carry.
fn nonce_of(csp: &str) -> String {
    let start = csp.find("'nonce-").expect("a nonce in script-src") + "'nonce-".len();
    csp[start..].split('\'').next().unwrap().to_owned()
}

async fn answers_carry_the_hardening_headers(db: TestDb) {
    let app = TestApp::spawn_with(&db, Arc::new(SystemClock), |s| s.concurrency = 1).await; // embedded
    let client = TestApp::client();

    let page = client.get(format!("{}/", app.base)).send().await.unwrap();
    let csp = header(&page, "content-security-policy").to_owned();
    for part in
        ["default-src 'self'", "'strict-dynamic'", "'wasm-unsafe-eval'", "object-src 'none'", "frame-ancestors 'none'"]
    {
        assert!(csp.contains(part), "{part} in {csp}");
    }
    let script_src = csp.split(';').find(|d| d.trim().starts_with("script-src")).unwrap();
    assert!(!script_src.contains("unsafe-inline") && !script_src.contains("'self'"), "{script_src}");
    assert_eq!(header(&page, "x-content-type-options"), "nosniff");
    assert_eq!(header(&page, "x-frame-options"), "DENY");
    assert_eq!(header(&page, "cache-control"), "private, no-store");
    assert_eq!(header(&page, "referrer-policy"), "same-origin");
    let nonce = nonce_of(&csp);
    let html = page.text().await.unwrap();
    let scripts = html.matches("<script").count();
    assert!(scripts >= 2, "the theme and hydration scripts");
    assert_eq!(html.matches(&format!("nonce=\"{nonce}\"")).count(), scripts, "every script carries the nonce");
    let again = client.get(format!("{}/", app.base)).send().await.unwrap();
    assert_ne!(nonce_of(header(&again, "content-security-policy")), nonce, "a fresh nonce per page");

    let (status, _) = app.call(&client, "list_tasks", json!({})).await;
    assert_eq!(status, StatusCode::OK);
    let api = client.post(format!("{}/api/list_tasks", app.base)).json(&json!({})).send().await.unwrap();
    assert_eq!(header(&api, "content-security-policy"), "default-src 'none'; frame-ancestors 'none'");
    assert_eq!(header(&api, "x-content-type-options"), "nosniff");
    assert_eq!(header(&api, "cache-control"), "private, no-store");

    app.submit(&client, json!({ "kind": "image", "prompt": "hardened", "size": "512x512" })).await;
    let tasks = app.wait_until(&client, "completed", |t| all_in(t, &["completed"])).await;
    let file = client
        .get(format!("{}/content/{}", app.base, tasks[0]["result"]["id"].as_str().unwrap()))
        .send()
        .await
        .unwrap();
    assert_eq!(file.status(), StatusCode::OK);
    assert_eq!(header(&file, "content-type"), "image/png");
    assert_eq!(header(&file, "x-content-type-options"), "nosniff");
    assert!(header(&file, "content-security-policy").starts_with("sandbox;"));
    assert!(header(&file, "cache-control").starts_with("private"));

    app.stop().await;
}

async fn frame_ancestors_follow_the_setting(db: TestDb) {
    let host = "'self' https://board.example";
    let app = TestApp::spawn_with(&db, Arc::new(SystemClock), |s| s.frame_ancestors = host.into()).await;
    let page = TestApp::client().get(format!("{}/", app.base)).send().await.unwrap();
    assert!(header(&page, "content-security-policy").ends_with(&format!("frame-ancestors {host}")));
    assert!(page.headers().get("x-frame-options").is_none(), "X-Frame-Options cannot name a host");
    app.stop().await;
}

async fn slow_clients_are_cut_off(db: TestDb) {
    use std::time::{Duration, Instant};
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let app = TestApp::spawn_with(&db, Arc::new(SystemClock), |s| s.client_timeout_ms = 300).await;
    let addr = app.base.trim_start_matches("http://").to_owned();
    // Reads until the server closes the connection; what it sent, and how long it took.
    let until_closed = |mut stream: tokio::net::TcpStream| async move {
        let started = Instant::now();
        let mut answer = Vec::new();
        let read = tokio::time::timeout(Duration::from_secs(5), stream.read_to_end(&mut answer)).await;
        assert!(read.is_ok(), "the server still holds the connection after 5 s");
        (String::from_utf8_lossy(&answer).into_owned(), started.elapsed())
    };

    // Half a head, never finished.
    let mut slow_head = tokio::net::TcpStream::connect(&addr).await.unwrap();
    slow_head.write_all(format!("GET / HTTP/1.1\r\nHost: {addr}\r\nX-Slow: ").as_bytes()).await.unwrap();
    let (_, took) = until_closed(slow_head).await;
    assert!(took < Duration::from_secs(2), "cut off after {took:?}");

    // A whole head, then a body that never comes: 408 in the API's shape.
    let mut slow_body = tokio::net::TcpStream::connect(&addr).await.unwrap();
    let head = format!(
        "POST /api/list_tasks HTTP/1.1\r\nHost: {addr}\r\nContent-Type: application/json\r\nContent-Length: 10\r\n\r\n{{"
    );
    slow_body.write_all(head.as_bytes()).await.unwrap();
    let (answer, _) = until_closed(slow_body).await;
    assert!(answer.starts_with("HTTP/1.1 408"), "{answer}");
    assert!(answer.contains("\"code\":\"request_timeout\""), "{answer}");

    // A kept-alive connection that asks nothing more is closed.
    let mut idle = tokio::net::TcpStream::connect(&addr).await.unwrap();
    idle.write_all(format!("GET /pkg/none HTTP/1.1\r\nHost: {addr}\r\n\r\n").as_bytes()).await.unwrap();
    let (answer, took) = until_closed(idle).await;
    assert!(answer.starts_with("HTTP/1.1 "), "{answer}");
    assert!(took < Duration::from_secs(2), "idle for {took:?}");

    // And the server goes on serving.
    let page = TestApp::client().get(format!("{}/", app.base)).send().await.unwrap();
    assert_eq!(page.status(), StatusCode::OK);
    app.stop().await;
}

async fn floods_are_slowed_and_streams_capped(db: TestDb) {
    let app = TestApp::spawn_with(&db, Arc::new(SystemClock), |s| s.tasks_per_minute = 3).await;
    let (flooder, other) = (TestApp::client(), TestApp::client());
    // Tasks are counted, not requests: a batch of four, under the limit when sent, uses it up.
    app.submit(&flooder, json!({ "kind": "image", "prompt": "flood", "variants": 4 })).await;
    let res =
        flooder.post(format!("{}/api/submit_task", app.base)).json(&json!({ "kind": "image", "prompt": "one more" }));
    let res = res.send().await.unwrap();
    assert_eq!(res.status(), StatusCode::TOO_MANY_REQUESTS);
    let wait: u64 = header(&res, "retry-after").parse().unwrap();
    assert!((1..=60).contains(&wait), "{wait}");
    assert_eq!(res.json::<serde_json::Value>().await.unwrap()["code"], "too_many_requests");
    assert_eq!(app.all_ids(&flooder).await.len(), 4, "the refused one made nothing");
    app.submit(&other, json!({ "kind": "image", "prompt": "not held back" })).await;

    // Eight open streams for one guest; a ninth is refused until one closes.
    let mut open = Vec::new();
    for _ in 0..8 {
        let res = other.get(format!("{}/api/events", app.base)).send().await.unwrap();
        assert_eq!(res.status(), StatusCode::OK);
        open.push(res);
    }
    let ninth = other.get(format!("{}/api/events", app.base)).send().await.unwrap();
    assert_eq!(ninth.status(), StatusCode::TOO_MANY_REQUESTS);
    drop(open.pop());
    let mut reopened = None;
    for _ in 0..50 {
        let res = other.get(format!("{}/api/events", app.base)).send().await.unwrap();
        if res.status() == StatusCode::OK {
            reopened = Some(res);
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(20)).await; // the server sees the close
    }
    assert!(reopened.is_some(), "a closed stream gives its place back");
    let theirs = flooder.get(format!("{}/api/events", app.base)).send().await.unwrap();
    assert_eq!(theirs.status(), StatusCode::OK, "another guest's streams are their own");
    app.stop().await;
}

/// 500 ZIP downloads that are never read, from five guests at one address (each with a
/// result too large for any socket buffer): at most 8 run, the rest are 429 at once, and
/// another user's list, file and page are answered well within a second meanwhile.
async fn unread_zip_downloads_leave_others_answered(db: TestDb) {
    use std::time::{Duration, Instant};
    use tokio::io::{AsyncBufReadExt, AsyncWriteExt, BufReader};
    let app = TestApp::spawn_with(&db, Arc::new(SystemClock), |s| s.concurrency = 1).await; // embedded
    let mut cookies = Vec::new();
    for i in 0..5 {
        let body = json!({ "kind": "image", "prompt": format!("hoarded {i}"), "size": "512x512" });
        let res =
            reqwest::Client::new().post(format!("{}/api/submit_task", app.base)).json(&body).send().await.unwrap();
        assert_eq!(res.status(), StatusCode::OK);
        let set = res.headers()["set-cookie"].to_str().unwrap();
        let cookie = set.split(';').next().unwrap().to_owned(); // atelier_guest=<token>
        let mut headers = reqwest::header::HeaderMap::new();
        headers.insert("cookie", cookie.parse().unwrap());
        let guest = reqwest::Client::builder().default_headers(headers).build().unwrap();
        app.wait_until(&guest, "completed", |t| all_in(t, &["completed"])).await;
        cookies.push(cookie);
    }
    // Every result so far grows to 24 MB, as a long video's would be.
    for file in files_under(&db.content_dir) {
        let mut f = std::fs::OpenOptions::new().append(true).open(file).unwrap();
        std::io::Write::write_all(&mut f, &vec![0u8; 24 << 20]).unwrap();
    }
    let other = TestApp::client();
    app.submit(&other, json!({ "kind": "image", "prompt": "mine", "size": "512x512" })).await;
    let mine = app.wait_until(&other, "completed", |t| all_in(t, &["completed"])).await;
    let my_file = format!("{}/content/{}", app.base, mine[0]["result"]["id"].as_str().unwrap());

    let addr = app.base.trim_start_matches("http://").to_owned();
    let (mut held, mut refused) = (Vec::new(), 0);
    for i in 0..500 {
        let mut conn = tokio::net::TcpStream::connect(&addr).await.unwrap();
        let head =
            format!("GET /downloads/completed.zip HTTP/1.1\r\nHost: {addr}\r\nCookie: {}\r\n\r\n", cookies[i % 5]);
        conn.write_all(head.as_bytes()).await.unwrap();
        let mut reader = BufReader::new(conn);
        let mut status = String::new();
        reader.read_line(&mut status).await.unwrap();
        match status.split(' ').nth(1) {
            Some("200") => held.push(reader), // never read further
            Some("429") => refused += 1,
            other => panic!("download {i}: {other:?}"),
        }
    }
    assert!(held.len() <= 8, "{} downloads held at once from one address", held.len());
    assert_eq!(held.len() + refused, 500);

    for _ in 0..3 {
        let started = Instant::now();
        assert_eq!(
            other.post(format!("{}/api/list_tasks", app.base)).json(&json!({})).send().await.unwrap().status(),
            StatusCode::OK
        );
        assert!(!other.get(&my_file).send().await.unwrap().bytes().await.unwrap().is_empty());
        assert_eq!(other.get(format!("{}/", app.base)).send().await.unwrap().status(), StatusCode::OK);
        let took = started.elapsed();
        assert!(took < Duration::from_secs(1), "another user waited {took:?}");
    }
    drop(held);
    app.stop().await;
}

/// A disk with less room than `min-free-bytes` (here: more than any disk has) takes no new
/// task: submitting is 507 `storage_full` and stores nothing; reading goes on.
async fn a_full_disk_takes_no_new_work(db: TestDb) {
    let app = TestApp::spawn_with(&db, Arc::new(SystemClock), |s| s.min_free_bytes = u64::MAX).await;
    let client = TestApp::client();
    let (status, err) = app.call(&client, "submit_task", json!({ "kind": "image", "prompt": "no room" })).await;
    assert_eq!((status.as_u16(), err["code"].as_str()), (507, Some("storage_full")), "{err}");
    assert!(app.all_ids(&client).await.is_empty(), "nothing was stored");
    app.stop().await;
}

/// Braces nobody closes were once read again for each one (60 froze the server): now such a
/// prompt, 60 braces or the longest allowed, sent by four guests at once (more than the
/// server has threads), is one prompt made at once, and another user's list, asked
/// meanwhile, answers within 2 s. The clients run on a runtime of their own, so their
/// deadlines hold even if every server thread is busy. A liveness check, not a benchmark.
async fn braces_nobody_closes_cost_no_more_than_their_length(db: TestDb) {
    use std::sync::mpsc::channel;
    use std::time::{Duration, Instant};
    let app = TestApp::spawn(&db).await;
    for braces in ["{".repeat(60), "{".repeat(Prompt::MAX_CHARS), "{|".repeat(Prompt::MAX_CHARS / 2)] {
        let ((sent_tx, sent), (listed_tx, listed)) = (channel(), channel());
        let (base, body) = (app.base.clone(), json!({ "kind": "image", "prompt": braces }));
        std::thread::spawn(move || {
            let clients = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
            clients.block_on(async {
                let app = TestApp::at(base);
                let senders: Vec<_> = (0..4).map(|_| TestApp::client()).collect();
                let send = futures_util::future::join_all(
                    senders.iter().map(|sender| app.call(sender, "submit_task", body.clone())),
                );
                let list = async {
                    tokio::time::sleep(Duration::from_millis(20)).await; // while the submissions are read
                    let asked = Instant::now();
                    let (status, _) = app.call(&TestApp::client(), "list_tasks", json!({})).await;
                    let _ = listed_tx.send((status, asked.elapsed()));
                };
                tokio::join!(async { sent_tx.send(send.await) }, list).0
            })
        });
        let (status, took) = listed.recv_timeout(Duration::from_secs(3)).expect("another user's list answers");
        assert_eq!(status, StatusCode::OK);
        assert!(took < Duration::from_secs(2), "another user's list took {took:?}");
        for (status, body) in sent.recv_timeout(Duration::from_secs(5)).expect("the submissions answer within 5 s") {
            assert_eq!(status, StatusCode::OK, "{body}");
            let prompts: Vec<_> = body["tasks"].as_array().unwrap().iter().map(|t| &t["params"]["prompt"]).collect();
            assert_eq!(prompts, [&json!(braces)], "the braces are the prompt, as written");
        }
    }
    app.stop().await;
}
