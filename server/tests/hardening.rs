//! Browser hardening, read off real answers: a page's Content-Security-Policy names the
//! nonce its inline scripts carry (a fresh one per page), every answer says `nosniff` and
//! may not be framed (unless the setting names who may), personal answers are not cached,
//! and a result file opened on its own is a sandbox.

mod common;

use common::{all_in, TestApp, TestDb};
use reqwest::StatusCode;
use serde_json::json;
use server::clock::SystemClock;
use std::sync::Arc;

on_both_databases!(answers_carry_the_hardening_headers, frame_ancestors_follow_the_setting);

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
    for part in ["default-src 'self'", "'strict-dynamic'", "'wasm-unsafe-eval'", "object-src 'none'", "frame-ancestors 'none'"] {
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
    let file = client.get(format!("{}/content/{}", app.base, tasks[0]["result"]["id"].as_str().unwrap())).send().await.unwrap();
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
