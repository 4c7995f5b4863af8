//! Submitting over HTTP: valid tasks are stored pending; bad input is a clear 4xx that
//! stores nothing and leaves the server serving.

mod common;

use common::{ids, TestApp, TestDb};
use reqwest::StatusCode;
use serde_json::{json, Value};

on_both_databases!(
    image_and_video_tasks_are_queued,
    variants_get_distinct_seeds,
    lines_and_alternatives_make_a_batch,
    a_paste_of_500_long_lines_is_one_batch,
    a_blank_seed_is_random_and_identical_submissions_still_fold,
    bad_input_is_refused_and_nothing_stored
);

/// Seed left blank: each submission is made with a random seed of its own, recorded on the
/// task; an identical submission within the dedup window is still the same task.
async fn a_blank_seed_is_random_and_identical_submissions_still_fold(db: TestDb) {
    let app = TestApp::spawn(&db).await;
    let client = TestApp::client();
    let request = json!({ "kind": "image", "prompt": "the same fox" });
    let first = app.submit(&client, request.clone()).await;
    let again = app.submit(&client, request.clone()).await;
    assert_eq!((again["deduplicated"].as_bool(), &again["tasks"][0]["id"]), (Some(true), &first["tasks"][0]["id"]));
    // The same request from four owners (no dedup between them): four seeds.
    let mut seeds = Vec::new();
    for _ in 0..4 {
        let other = app.submit(&TestApp::client(), request.clone()).await;
        seeds.push(other["tasks"][0]["params"]["seed"].as_u64().expect("a seed is recorded"));
    }
    seeds.sort_unstable();
    seeds.dedup();
    assert_eq!(seeds.len(), 4, "every submission gets its own seed: {seeds:?}");
    app.stop().await;
}

async fn image_and_video_tasks_are_queued(db: TestDb) {
    let app = TestApp::spawn(&db).await;
    let client = TestApp::client();
    let image =
        app.submit(&client, json!({ "kind": "image", "prompt": "  A red fox  ", "size": "512x512", "seed": 42 })).await;
    let task = &image["tasks"][0];
    assert_eq!((task["kind"].as_str(), task["status"].as_str()), (Some("image"), Some("pending")));
    assert_eq!(
        task["params"],
        json!({ "kind": "image", "prompt": "A red fox", "size": "512x512", "style": "none", "seed": 42 })
    );
    assert_eq!((task["attempt_count"].as_u64(), task["retry_count"].as_u64()), (Some(0), Some(0)));

    let video = app.submit(&client, json!({ "kind": "video", "prompt": "Waves", "duration_secs": 3 })).await;
    let mut params = video["tasks"][0]["params"].clone();
    let seed = params.as_object_mut().unwrap().remove("seed");
    assert!(seed.as_ref().is_some_and(Value::is_u64), "a blank seed is picked and recorded: {seed:?}");
    assert_eq!(
        params,
        json!({ "kind": "video", "prompt": "Waves", "duration_secs": 3, "resolution": "720p", "fps": 24 })
    );

    let page = app.list(&client, json!({})).await;
    assert_eq!(
        ids(&page),
        [video["tasks"][0]["id"].clone(), task["id"].clone()].map(|v| v.as_str().unwrap().to_owned())
    );
    assert_eq!(page["counts"]["pending"], 2);
    app.stop().await;
}

async fn variants_get_distinct_seeds(db: TestDb) {
    let app = TestApp::spawn(&db).await;
    let client = TestApp::client();
    let body = app.submit(&client, json!({ "kind": "image", "prompt": "fox", "seed": 10, "variants": 3 })).await;
    let seeds: Vec<_> = body["tasks"].as_array().unwrap().iter().map(|t| t["params"]["seed"].as_u64()).collect();
    assert_eq!(seeds, [Some(10), Some(11), Some(12)]);
    assert_eq!(app.all_ids(&client).await.len(), 3);
    app.stop().await;
}

/// The API takes the form's batch syntax: lines and `{a|b}` alternatives, each prompt once
/// per variant; a batch past the cap is refused whole.
async fn lines_and_alternatives_make_a_batch(db: TestDb) {
    let app = TestApp::spawn(&db).await;
    let client = TestApp::client();
    let request = json!({ "kind": "image", "prompt": "a {red|blue} kite\nthe sea", "seed": 5, "variants": 2 });
    let body = app.submit(&client, request).await;
    let made: Vec<(String, u64)> = body["tasks"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| (t["params"]["prompt"].as_str().unwrap().to_owned(), t["params"]["seed"].as_u64().unwrap()))
        .collect();
    let expected =
        [("a red kite", 5), ("a red kite", 6), ("a blue kite", 5), ("a blue kite", 6), ("the sea", 5), ("the sea", 6)];
    assert_eq!(made, expected.map(|(p, s)| (p.to_owned(), s)));
    // Each task says which variant of its own prompt it is, as every read of it does.
    let variants: Vec<&Value> = body["tasks"].as_array().unwrap().iter().map(|t| &t["variant"]).collect();
    let (first, second) = (json!({ "number": 1, "of": 2 }), json!({ "number": 2, "of": 2 }));
    assert_eq!(variants, [&first, &second, &first, &second, &first, &second]);
    let listed = app.list(&client, json!({})).await;
    let oldest = listed["tasks"].as_array().unwrap().last().unwrap();
    assert_eq!((&oldest["params"]["prompt"], &oldest["variant"]), (&json!("a red kite"), &first));
    let (status, body) = app
        .call(
            &client,
            "submit_task",
            json!({ "kind": "image", "prompt": "{a|b|c|d|e|f|g|h|i|j}{1|2|3|4|5|6|7|8|9|0}", "variants": 6 }),
        )
        .await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert_eq!((body["code"].as_str(), body["field"].as_str()), (Some("batch_too_large"), Some("prompt")), "{body}");
    assert_eq!(app.all_ids(&client).await.len(), 6, "nothing of the refused batch is stored");
    app.stop().await;
}

/// A multi-line paste of 500 prompts of 399 characters (Chinese, three bytes each: a body
/// of some 600 KB) is one batch of 500 tasks, each with its own prompt; past the limits
/// of the whole text or of one line, it is refused whole, the line named.
async fn a_paste_of_500_long_lines_is_one_batch(db: TestDb) {
    let app = TestApp::spawn(&db).await;
    let client = TestApp::client();
    let line = |i: usize| format!("{i:03} lighthouse {}", "灯".repeat(384));
    let text = (0..500).map(line).collect::<Vec<_>>().join("\n");
    assert_eq!(text.chars().count(), 199_999);
    let body = app.submit(&client, json!({ "kind": "image", "prompt": text, "seed": 1 })).await;
    let tasks = body["tasks"].as_array().unwrap();
    let prompts: Vec<&str> = tasks.iter().map(|t| t["params"]["prompt"].as_str().unwrap()).collect();
    assert_eq!(prompts, (0..500).map(line).collect::<Vec<_>>());
    assert!(tasks.iter().all(|t| t["variant"] == json!({ "number": 1, "of": 1 }) && t["params"]["seed"] == 1));
    assert_eq!(app.list(&client, json!({})).await["counts"]["pending"], 500);

    let one_more = (0..501).map(|i| format!("prompt {i}")).collect::<Vec<_>>().join("\n");
    let too_long = format!("short\n{}", "x".repeat(4_001));
    for (prompt, code, line) in [
        (format!("{text}\n{}", "y".repeat(300)), "batch_too_long", None),
        (one_more, "batch_too_large", None),
        (too_long, "prompt_too_long", Some(2)),
    ] {
        let (status, err) = app.call(&client, "submit_task", json!({ "kind": "image", "prompt": prompt })).await;
        assert_eq!((status, err["code"].as_str()), (StatusCode::BAD_REQUEST, Some(code)), "{err}");
        assert_eq!(err["errors"][0]["line"].as_u64(), line, "{err}");
    }
    assert_eq!(app.list(&client, json!({})).await["counts"]["pending"], 500, "nothing refused is stored");
    app.stop().await;
}

async fn bad_input_is_refused_and_nothing_stored(db: TestDb) {
    let app = TestApp::spawn(&db).await;
    let client = TestApp::client();
    let long = "x".repeat(4001);
    let json_cases: Vec<(Value, &str, Option<&str>)> = vec![
        (json!({ "kind": "image", "prompt": "" }), "prompt_empty", Some("prompt")),
        (json!({ "kind": "image", "prompt": " \n\t " }), "prompt_empty", Some("prompt")),
        (json!({ "kind": "image", "prompt": long }), "prompt_too_long", Some("prompt")),
        (json!({ "prompt": "x" }), "kind_missing", Some("kind")),
        (json!({ "kind": "gif", "prompt": "x" }), "unknown_kind", Some("kind")),
        (json!({ "kind": "image", "prompt": "x", "size": "999x999" }), "unknown_size", Some("size")),
        (
            json!({ "kind": "video", "prompt": "x", "duration_secs": -4 }),
            "duration_out_of_range",
            Some("duration_secs"),
        ),
        (json!({ "kind": "video", "prompt": "x", "fps": 60 }), "unknown_fps", Some("fps")),
        (json!({ "kind": "image", "prompt": "x", "variants": 0 }), "variants_out_of_range", Some("variants")),
        (json!({ "kind": "image", "prompt": "x", "seed": -1 }), "seed_out_of_range", Some("seed")),
        (json!({ "kind": "image", "prompt": "x", "fps": 24 }), "field_not_applicable", Some("fps")),
        (json!({ "kind": "image", "prompt": "x", "colour": "red" }), "malformed_request", None),
        (json!({ "kind": "image", "prompt": 5 }), "malformed_request", None),
        (json!(["kind", "image"]), "malformed_request", None),
    ];
    for (body, code, field) in json_cases {
        let (status, err) = app.call(&client, "submit_task", body.clone()).await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{body} -> {err}");
        assert_eq!(err["code"], code, "{body} -> {err}");
        assert_eq!(err["field"].as_str(), field, "{body} -> {err}");
        assert!(err["message"].as_str().is_some_and(|m| m.len() > 10), "{err}");
    }

    let raw_cases: Vec<(&str, Vec<u8>, StatusCode, &str)> = vec![
        (
            "application/json",
            b"{\"kind\": \"image\", \"prompt\": ".to_vec(),
            StatusCode::BAD_REQUEST,
            "malformed_request",
        ),
        ("application/json", vec![0xff, 0xfe], StatusCode::BAD_REQUEST, "malformed_request"),
        (
            "application/x-www-form-urlencoded",
            b"kind=image&prompt=x".to_vec(),
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            "unsupported_media_type",
        ),
        (
            "text/plain",
            br#"{"kind":"image","prompt":"x"}"#.to_vec(),
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            "unsupported_media_type",
        ),
    ];
    for (content_type, body, want_status, code) in raw_cases {
        let res = client
            .post(format!("{}/api/submit_task", app.base))
            .header("content-type", content_type)
            .body(body)
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), want_status, "{content_type}");
        let err: Value = res.json().await.unwrap();
        assert_eq!(err["code"], code, "{err}");
    }

    // A 10 MB body is refused from its declared length, before a byte of it is read (so
    // a client still sending may see the connection close: the test sends headers only).
    // A submission, which carries a whole batch, may have 1 MiB; any other call 64 KiB.
    for (endpoint, length, limit) in [("submit_task", 10 << 20, 1 << 20), ("list_tasks", 100 << 10, 64 << 10)] {
        let head = too_large_head(&app.base, endpoint, length).await;
        assert!(head.starts_with("HTTP/1.1 413"), "{head}");
        assert!(head.contains("\"code\":\"payload_too_large\""), "{head}");
        assert!(head.contains(&format!("\"limit\":{limit}")), "{endpoint}: {head}");
        assert!(head.to_lowercase().contains("connection: close"), "the unread body ends the connection: {head}");
    }

    // Streamed in chunks with no declared length: refused once the limit is passed.
    for (endpoint, length) in [("submit_task", 300 * 4096), ("list_tasks", 20 * 4096)] {
        let head = chunked_answer(&app.base, endpoint, length).await;
        assert!(head.starts_with("HTTP/1.1 413"), "{endpoint}: {head}");
        assert!(head.contains("\"code\":\"payload_too_large\""), "{head}");
    }

    // A field given twice means two things: refused. A NUL (or any control character
    // but a line break or tab) in a text field: refused, on either database.
    let twice = r#"{"kind":"image","prompt":"cat","prompt":"dog"}"#;
    let res = client
        .post(format!("{}/api/submit_task", app.base))
        .header("content-type", "application/json")
        .body(twice)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::BAD_REQUEST);
    let err: Value = res.json().await.unwrap();
    assert!(err["message"].as_str().unwrap().contains("duplicate field `prompt`"), "{err}");
    for (body, code) in [
        (json!({ "kind": "image", "prompt": "a\u{0}b" }), "prompt_control_char"),
        (json!({ "kind": "image", "prompt": "ok", "negative_prompt": "\u{1b}[2J" }), "negative_prompt_control_char"),
    ] {
        let (status, err) = app.call(&client, "submit_task", body).await;
        assert_eq!((status, err["code"].as_str()), (StatusCode::BAD_REQUEST, Some(code)), "{err}");
    }
    let (status, err) = app.call(&client, "list_tasks", json!({ "q": "x\u{0}" })).await;
    assert_eq!((status, err["code"].as_str()), (StatusCode::BAD_REQUEST, Some("q_control_char")), "{err}");

    let res = client.get(format!("{}/api/submit_task", app.base)).send().await.unwrap();
    assert_eq!(res.status(), StatusCode::METHOD_NOT_ALLOWED);
    assert_eq!(res.json::<Value>().await.unwrap()["code"], "method_not_allowed");

    let (status, err) = app.call(&client, "list_tasks", json!({ "limit": 500, "status": "done" })).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert_eq!((err["code"].as_str(), err["errors"].as_array().map(Vec::len)), (Some("unknown_status"), Some(2)));

    assert!(app.all_ids(&client).await.is_empty(), "nothing may be stored");
    let page = client.get(format!("{}/", app.base)).send().await.unwrap();
    assert_eq!(page.status(), StatusCode::OK, "the server keeps serving");
    app.submit(&client, json!({ "kind": "image", "prompt": "still works" })).await;
    app.stop().await;
}

/// Sends a POST of `length` bytes of JSON whitespace in 4 KiB chunks (`Transfer-Encoding:
/// chunked`, no length declared) and returns the raw answer; a server that answers
/// early may stop reading, so a failed write ends the sending.
async fn chunked_answer(base: &str, endpoint: &str, length: usize) -> String {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let addr = base.trim_start_matches("http://");
    let mut stream = tokio::net::TcpStream::connect(addr).await.unwrap();
    let head = format!(
        "POST /api/{endpoint} HTTP/1.1\r\nHost: {addr}\r\nContent-Type: application/json\r\n\
         Transfer-Encoding: chunked\r\nConnection: close\r\n\r\n"
    );
    stream.write_all(head.as_bytes()).await.unwrap();
    let chunk = format!("1000\r\n{}\r\n", " ".repeat(4096));
    for _ in 0..length / 4096 {
        if stream.write_all(chunk.as_bytes()).await.is_err() {
            break;
        }
    }
    let _ = stream.write_all(b"0\r\n\r\n").await;
    let mut answer = Vec::new();
    let _ = stream.read_to_end(&mut answer).await;
    String::from_utf8_lossy(&answer).into_owned()
}

/// Sends only the head of a POST declaring `length` bytes and returns the raw answer.
async fn too_large_head(base: &str, endpoint: &str, length: usize) -> String {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let addr = base.trim_start_matches("http://");
    let mut stream = tokio::net::TcpStream::connect(addr).await.unwrap();
    let head = format!(
        "POST /api/{endpoint} HTTP/1.1\r\nHost: {addr}\r\nContent-Type: application/json\r\n\
         Content-Length: {length}\r\nConnection: close\r\n\r\n"
    );
    stream.write_all(head.as_bytes()).await.unwrap();
    let mut answer = String::new();
    stream.read_to_string(&mut answer).await.unwrap();
    answer
}
