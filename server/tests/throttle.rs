//! Sign-in and sign-up under pressure: guesses sent at once each count (60 wrong passwords
//! at once, by username and by email, get exactly five checked, the rest a `429` with
//! `Retry-After`), the owner still signs in from another address, sign-ups are counted per
//! address, and 256 sign-ups at once from 256 addresses keep the process small while
//! another caller is answered at once.

mod common;

use common::{TestApp, TestDb};
use reqwest::StatusCode;
use serde_json::json;
use std::net::{IpAddr, Ipv4Addr, SocketAddr};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::Duration;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpSocket;

on_both_databases!(guesses_sent_at_once_each_count, sign_ups_at_once_stay_small);

const PASSWORD: &str = "violet kettle drum";

/// A browser whose requests come from the loopback address `from`.
fn from(address: Ipv4Addr) -> reqwest::Client {
    reqwest::Client::builder().cookie_store(true).local_address(IpAddr::V4(address)).build().unwrap()
}

async fn guesses_sent_at_once_each_count(db: TestDb) {
    let app = TestApp::spawn(&db).await;
    let owner = from(Ipv4Addr::new(127, 0, 0, 2));
    let body = json!({ "username": "ada", "email": "ada@example.com", "password": PASSWORD });
    assert_eq!(app.call(&owner, "sign_up", body).await.0, StatusCode::OK);

    let attacker = from(Ipv4Addr::new(127, 0, 0, 1));
    let guesses = (0..60).map(|i| {
        let login = if i % 2 == 0 { "ada" } else { "ADA@example.com" };
        attacker
            .post(format!("{}/api/sign_in", app.base))
            .json(&json!({ "login": login, "password": format!("wrong guess {i}") }))
            .send()
    });
    let answers = futures_util::future::join_all(guesses).await;
    let (mut checked, mut throttled) = (0, 0);
    for res in answers {
        let res = res.unwrap();
        match res.status() {
            StatusCode::UNAUTHORIZED => checked += 1,
            StatusCode::TOO_MANY_REQUESTS => {
                let wait: u64 = res.headers()["retry-after"].to_str().unwrap().parse().unwrap();
                assert!((1..=900).contains(&wait), "{wait}");
                throttled += 1;
            }
            other => panic!("{other}"),
        }
    }
    assert_eq!((checked, throttled), (5, 55), "the username and the email are one account's key");

    let (status, account) =
        app.call(&owner, "sign_in", json!({ "login": "ada@example.com", "password": PASSWORD })).await;
    assert_eq!((status, account["username"].as_str()), (StatusCode::OK, Some("ada")), "the owner gets in: {account}");
    let (status, _) = app.call(&attacker, "sign_in", json!({ "login": "ada", "password": PASSWORD })).await;
    assert_eq!(status, StatusCode::TOO_MANY_REQUESTS, "even the right password waits at the throttled address");

    // Sign-ups: ten per address, then a 429 that says when.
    let crowd = from(Ipv4Addr::new(127, 0, 0, 3));
    for n in 0..10 {
        let body = json!({ "username": format!("crowd{n}"), "password": PASSWORD });
        assert_eq!(app.call(&crowd, "sign_up", body).await.0, StatusCode::OK);
    }
    let res = crowd
        .post(format!("{}/api/sign_up", app.base))
        .json(&json!({ "username": "crowd10", "password": PASSWORD }))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::TOO_MANY_REQUESTS);
    assert!(res.headers().contains_key("retry-after"));
    app.stop().await;
}

/// POSTs `body` as JSON to `path` from the loopback address `from`; the answer's status.
async fn raw_post(from: Ipv4Addr, server: SocketAddr, path: &str, body: String) -> String {
    let socket = TcpSocket::new_v4().unwrap();
    socket.bind(SocketAddr::new(IpAddr::V4(from), 0)).unwrap();
    let mut stream = socket.connect(server).await.unwrap();
    let head = format!(
        "POST {path} HTTP/1.1\r\nHost: {server}\r\nContent-Type: application/json\r\nContent-Length: {}\r\n\
         Connection: close\r\n\r\n",
        body.len()
    );
    stream.write_all(head.as_bytes()).await.unwrap();
    stream.write_all(body.as_bytes()).await.unwrap();
    let mut answer = Vec::new();
    stream.read_to_end(&mut answer).await.unwrap();
    String::from_utf8_lossy(&answer).split(' ').nth(1).unwrap_or_default().to_owned()
}

/// This process's resident memory, in bytes.
fn rss() -> u64 {
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    let line = status.lines().find(|l| l.starts_with("VmRSS:")).unwrap_or("VmRSS: 0 kB");
    line.split_whitespace().nth(1).and_then(|kb| kb.parse::<u64>().ok()).unwrap_or(0) * 1024
}

async fn sign_ups_at_once_stay_small(db: TestDb) {
    let app = TestApp::spawn(&db).await;
    let start = rss();
    let peak = Arc::new(AtomicU64::new(start));
    let sampling = {
        let peak = peak.clone();
        tokio::spawn(async move {
            loop {
                peak.fetch_max(rss(), Ordering::Relaxed);
                tokio::time::sleep(Duration::from_millis(10)).await;
            }
        })
    };
    // Raw requests, each from an address of its own: 256 HTTP clients would weigh more
    // than the server they measure.
    let server: SocketAddr = app.base.trim_start_matches("http://").parse().unwrap();
    let sign_ups = (0..256u32).map(|n| {
        let address = Ipv4Addr::new(127, 0, 1 + (n / 200) as u8, 1 + (n % 200) as u8);
        let body = json!({ "username": format!("many{n}"), "password": PASSWORD }).to_string();
        raw_post(address, server, "/api/sign_up", body)
    });
    let started = std::time::Instant::now();
    let all = tokio::spawn(futures_util::future::join_all(sign_ups));
    // Meanwhile another caller is answered, again and again: never held until the hashing
    // is over. Judged against how long the sign-ups take on this machine now, not against
    // a fixed time, which a machine busy with other work would miss (a server that held
    // other callers behind the hashes would answer them near the end: about all of it).
    let other = reqwest::Client::builder().cookie_store(true).timeout(Duration::from_secs(60)).build().unwrap();
    let (mut answered, mut slowest) = (0, Duration::ZERO);
    while !all.is_finished() {
        let asked = std::time::Instant::now();
        let (status, _) = app.call(&other, "list_tasks", json!({})).await;
        assert_eq!(status, StatusCode::OK);
        (answered, slowest) = (answered + 1, slowest.max(asked.elapsed()));
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    let statuses = all.await.unwrap();
    let took = started.elapsed();
    sampling.abort();
    assert!(statuses.iter().all(|s| s == "200"), "{statuses:?}");
    eprintln!("256 sign-ups in {took:?}; {answered} other calls answered meanwhile, the slowest in {slowest:?}");
    assert!(answered >= 4, "only {answered} other calls answered in {took:?}");
    assert!(slowest < took / 4, "another caller waited {slowest:?} of the sign-ups' {took:?}");
    let peak = peak.load(Ordering::Relaxed);
    eprintln!("start {} MiB, end {} MiB", start >> 20, rss() >> 20);
    assert!(peak < 300 << 20, "peak RSS {} MiB", peak >> 20);
    app.stop().await;
}
