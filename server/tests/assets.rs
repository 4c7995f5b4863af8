//! The built assets as a browser and a cache meet them: the page names the hashed files
//! `hash.txt` lists; each is sent precompressed as the request accepts (brotli, else gzip,
//! else as built), kept for a year (`immutable`), with no cookie; an unhashed file is asked
//! about again and a missing one never kept. Large JSON answers are compressed, small ones
//! and the event stream are not.

mod common;

use common::{TestApp, TestDb};
use reqwest::header::{ACCEPT_ENCODING, CACHE_CONTROL, CONTENT_ENCODING, CONTENT_TYPE, SET_COOKIE, VARY};
use reqwest::StatusCode;
use serde_json::json;
use std::path::{Path, PathBuf};
use std::sync::Arc;

/// A site folder as `scripts/site.sh` makes it, each file's bytes saying which it is.
fn site() -> PathBuf {
    let root = std::env::temp_dir().join(format!("atelier-site-{}", uuid::Uuid::new_v4().simple()));
    let pkg = root.join("pkg");
    std::fs::create_dir_all(&pkg).unwrap();
    for (ext, hash) in [("js", "0a1b2c3d4e5f6071"), ("wasm", "1122334455667788"), ("css", "a0b0c0d0e0f00011")] {
        let name = format!("atelier.{hash}.{ext}");
        std::fs::write(pkg.join(&name), format!("plain {ext}")).unwrap();
        std::fs::write(pkg.join(format!("{name}.br")), format!("brotli {ext}")).unwrap();
        std::fs::write(pkg.join(format!("{name}.gz")), format!("gzip {ext}")).unwrap();
    }
    std::fs::write(pkg.join("other.txt"), "not hashed").unwrap();
    std::fs::write(root.join("hash.txt"), "js: 0a1b2c3d4e5f6071\nwasm: 1122334455667788\ncss: a0b0c0d0e0f00011\n")
        .unwrap();
    root
}

async fn get(client: &reqwest::Client, url: &str, encodings: Option<&str>) -> reqwest::Response {
    let mut req = client.get(url);
    if let Some(encodings) = encodings {
        req = req.header(ACCEPT_ENCODING, encodings);
    }
    req.send().await.unwrap()
}

fn header(res: &reqwest::Response, name: impl reqwest::header::AsHeaderName) -> Option<&str> {
    res.headers().get(name).map(|v| v.to_str().unwrap())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn hashed_assets_travel_small_and_are_kept() {
    let (db, root) = (TestDb::sqlite(), site());
    let site_root = root.display().to_string();
    let app = TestApp::spawn_with(&db, Arc::new(server::clock::SystemClock), move |s| s.site_root = site_root).await;
    let client = reqwest::Client::new(); // no cookie store: a first visit each time

    let html = get(&client, &format!("{}/", app.base), None).await.text().await.unwrap();
    for name in
        ["/pkg/atelier.0a1b2c3d4e5f6071.js", "/pkg/atelier.1122334455667788.wasm", "/pkg/atelier.a0b0c0d0e0f00011.css"]
    {
        assert!(html.contains(name), "the page names {name}");
    }
    assert!(!html.contains("/pkg/atelier.css") && !html.contains("/pkg/atelier.js"), "no unhashed name");

    let wasm = format!("{}/pkg/atelier.1122334455667788.wasm", app.base);
    for (accepts, encoding, body) in [
        (Some("gzip, deflate, br, zstd"), Some("br"), "brotli wasm"),
        (Some("gzip"), Some("gzip"), "gzip wasm"),
        (None, None, "plain wasm"),
    ] {
        let res = get(&client, &wasm, accepts).await;
        assert_eq!(res.status(), StatusCode::OK);
        assert_eq!(header(&res, CONTENT_ENCODING), encoding, "{accepts:?}");
        assert_eq!(header(&res, CONTENT_TYPE), Some("application/wasm"), "streaming compilation needs it");
        assert_eq!(header(&res, CACHE_CONTROL), Some("public, max-age=31536000, immutable"));
        assert_eq!(header(&res, VARY), Some("accept-encoding"));
        assert_eq!(header(&res, SET_COOKIE), None, "an asset carries nobody's cookie");
        assert_eq!(header(&res, "x-content-type-options"), Some("nosniff"));
        assert_eq!(res.text().await.unwrap(), body);
    }
    let css = get(&client, &format!("{}/pkg/atelier.a0b0c0d0e0f00011.css", app.base), Some("br")).await;
    assert_eq!((header(&css, CONTENT_TYPE), header(&css, CONTENT_ENCODING)), (Some("text/css"), Some("br")));

    let other = get(&client, &format!("{}/pkg/other.txt", app.base), None).await;
    assert_eq!((other.status(), header(&other, CACHE_CONTROL)), (StatusCode::OK, Some("no-cache")));
    let missing = get(&client, &format!("{}/pkg/atelier.ffffffffffffffff.wasm", app.base), None).await;
    assert_eq!((missing.status(), header(&missing, CACHE_CONTROL)), (StatusCode::NOT_FOUND, Some("no-store")));
    app.stop().await;
    remove(&root);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn large_json_answers_are_compressed_and_the_stream_is_not() {
    let db = TestDb::sqlite();
    let app = TestApp::spawn(&db).await;
    let client = TestApp::client();
    let list = |encodings: Option<&'static str>| {
        let mut req = client.post(format!("{}/api/list_tasks", app.base)).json(&json!({}));
        if let Some(encodings) = encodings {
            req = req.header(ACCEPT_ENCODING, encodings);
        }
        req.send()
    };
    let small = list(Some("gzip")).await.unwrap();
    assert_eq!(header(&small, CONTENT_ENCODING), None, "an empty list is not worth it");

    let prompts: Vec<String> = (0..20).map(|n| format!("A lighthouse at dusk, number {n}")).collect();
    app.submit(&client, json!({ "kind": "image", "prompt": prompts.join("\n"), "size": "512x512" })).await;
    let plain = list(None).await.unwrap();
    assert_eq!(header(&plain, CONTENT_ENCODING), None);
    let size = plain.bytes().await.unwrap().len();
    assert!(size > 4096, "{size}");
    let packed = list(Some("gzip")).await.unwrap();
    assert_eq!(header(&packed, CONTENT_ENCODING), Some("gzip"));
    let sent = packed.bytes().await.unwrap().len();
    assert!(sent * 3 < size, "{sent} of {size} bytes");

    let stream =
        client.get(format!("{}/api/events", app.base)).header(ACCEPT_ENCODING, "gzip, br").send().await.unwrap();
    assert_eq!(header(&stream, CONTENT_TYPE), Some("text/event-stream"));
    assert_eq!(header(&stream, CONTENT_ENCODING), None, "events go out as they happen, not held by an encoder");
    drop(stream);
    app.stop().await;
}

fn remove(root: &Path) {
    let _ = std::fs::remove_dir_all(root);
}
