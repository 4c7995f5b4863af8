//! `GET /content/{id}` as a browser's cache meets it: `private, no-cache` (asked again before
//! each use, so nothing is shown from a shared browser's cache after sign-out) with a
//! strong ETag of the content and which file; a revalidation naming it is a 304 to the
//! owner only (anyone else: 404, the owner check comes first), and byte ranges are served
//! under the same tag.

mod common;

use common::{all_in, TestApp, TestDb};
use reqwest::StatusCode;
use serde_json::json;
use server::clock::SystemClock;
use std::sync::Arc;

on_both_databases!(result_files_are_revalidated_and_only_by_their_owner);

fn header<'a>(res: &'a reqwest::Response, name: &str) -> &'a str {
    res.headers().get(name).unwrap_or_else(|| panic!("no {name}")).to_str().unwrap()
}

async fn result_files_are_revalidated_and_only_by_their_owner(db: TestDb) {
    let app = TestApp::spawn_with(&db, Arc::new(SystemClock), |s| s.concurrency = 1).await; // embedded
    let (owner, stranger) = (TestApp::client(), TestApp::client());
    app.submit(&owner, json!({ "kind": "image", "prompt": "cached", "size": "512x512" })).await;
    let tasks = app.wait_until(&owner, "completed", |t| all_in(t, &["completed"])).await;
    let url = format!("{}/content/{}", app.base, tasks[0]["result"]["id"].as_str().unwrap());
    let get = |client: &reqwest::Client, url: &str, headers: &[(&str, &str)]| {
        let mut request = client.get(url);
        for (name, value) in headers {
            request = request.header(*name, *value);
        }
        request.send()
    };

    let file = get(&owner, &url, &[]).await.unwrap();
    assert_eq!(file.status(), StatusCode::OK);
    assert_eq!(header(&file, "cache-control"), "private, no-cache");
    let etag = header(&file, "etag").to_owned();
    assert!(etag.len() > 2 && etag.starts_with('"') && etag.ends_with('"'), "a strong tag: {etag}");
    let bytes = file.bytes().await.unwrap();
    assert!(bytes.len() > 20);

    // The owner's revalidation: 304, nothing sent again, the same tag and cache rules.
    for if_none_match in [etag.clone(), format!("W/{etag}"), format!("\"other\", {etag}"), "*".to_owned()] {
        let again = get(&owner, &url, &[("if-none-match", &if_none_match)]).await.unwrap();
        assert_eq!(again.status(), StatusCode::NOT_MODIFIED, "{if_none_match}");
        assert_eq!((header(&again, "etag"), header(&again, "cache-control")), (etag.as_str(), "private, no-cache"));
        assert!(again.bytes().await.unwrap().is_empty());
    }
    // Another tag: the file again.
    let other = get(&owner, &url, &[("if-none-match", "\"something-else\"")]).await.unwrap();
    assert_eq!(other.status(), StatusCode::OK);
    assert_eq!(other.bytes().await.unwrap(), bytes);

    // The thumbnail is another file with a tag of its own.
    let thumbnail_url = format!("{url}?thumbnail");
    let thumbnail = get(&owner, &thumbnail_url, &[("if-none-match", &etag)]).await.unwrap();
    assert_eq!(thumbnail.status(), StatusCode::OK, "the file's tag does not validate its thumbnail");
    let thumbnail_tag = header(&thumbnail, "etag").to_owned();
    assert_ne!(thumbnail_tag, etag);
    let again = get(&owner, &thumbnail_url, &[("if-none-match", &thumbnail_tag)]).await.unwrap();
    assert_eq!(again.status(), StatusCode::NOT_MODIFIED);

    // Someone else holding the tag learns nothing: 404, as without it.
    for if_none_match in [etag.as_str(), "*"] {
        let res = get(&stranger, &url, &[("if-none-match", if_none_match)]).await.unwrap();
        assert_eq!(res.status(), StatusCode::NOT_FOUND, "{if_none_match}");
        assert!(res.headers().get("etag").is_none());
        let res = get(&stranger, &thumbnail_url, &[("if-none-match", &thumbnail_tag)]).await.unwrap();
        assert_eq!(res.status(), StatusCode::NOT_FOUND);
    }

    // Ranges, with the tag as `If-Range` too.
    let part = get(&owner, &url, &[("range", "bytes=0-9")]).await.unwrap();
    assert_eq!(part.status(), StatusCode::PARTIAL_CONTENT);
    assert_eq!(header(&part, "content-range"), format!("bytes 0-9/{}", bytes.len()));
    assert_eq!(header(&part, "etag"), etag);
    assert_eq!(part.bytes().await.unwrap(), bytes[..10]);
    let part = get(&owner, &url, &[("range", "bytes=10-19"), ("if-range", &etag)]).await.unwrap();
    assert_eq!(part.status(), StatusCode::PARTIAL_CONTENT);
    assert_eq!(part.bytes().await.unwrap(), bytes[10..20]);
    app.stop().await;
}
