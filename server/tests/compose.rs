//! The composer posted before the page's script arrived (`POST /api/compose`): a form of
//! this origin queues its task and sends the browser back to the page; another site's form,
//! or any other body, is refused and stores nothing.

mod common;

use common::{TestApp, TestDb};
use reqwest::StatusCode;
use serde_json::json;

on_both_databases!(a_form_posted_before_the_script_queues_its_task);

async fn a_form_posted_before_the_script_queues_its_task(db: TestDb) {
    let app = TestApp::spawn(&db).await;
    let browser =
        reqwest::Client::builder().cookie_store(true).redirect(reqwest::redirect::Policy::none()).build().unwrap();
    let page = format!("{}/", app.base);
    let host = app.base.trim_start_matches("http://").to_owned();
    let post = |site: &'static str, body: &'static str| {
        browser
            .post(format!("{}/api/compose", app.base))
            .header("accept", "text/html,application/xhtml+xml")
            .header("content-type", "application/x-www-form-urlencoded")
            .header("sec-fetch-site", site)
            .header("referer", page.clone())
            .body(body)
    };
    // Another site's form: refused before anything is read.
    let res = post("cross-site", "kind=image&prompt=from+elsewhere").send().await.unwrap();
    assert_eq!(res.status(), StatusCode::FORBIDDEN);

    // The page's own: queued, and the browser is sent back to the page.
    let res = post("same-origin", "kind=image&prompt=A+kite+sent+early&size=512x512&style=none&seed=&variants=2")
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::FOUND);
    let back = res.headers()["location"].to_str().unwrap();
    assert!(back.trim_end_matches('?') == page && !back.contains("__err"), "{back}");
    let listed = app.list(&browser, json!({})).await;
    let prompts: Vec<_> = listed["tasks"].as_array().unwrap().iter().map(|t| t["params"]["prompt"].clone()).collect();
    assert_eq!(prompts, [json!("A kite sent early"), json!("A kite sent early")]);
    assert_eq!(listed["tasks"][0]["params"]["size"], "512x512");

    // Without Sec-Fetch-Site, an Origin naming this host will do; one naming another will not.
    let old_browser = |origin: String| {
        browser
            .post(format!("{}/api/compose", app.base))
            .header("accept", "text/html")
            .header("content-type", "application/x-www-form-urlencoded")
            .header("origin", origin)
            .body("prompt=from+an+older+browser")
    };
    let res = old_browser(format!("http://{host}")).send().await.unwrap();
    assert_eq!(res.status(), StatusCode::FOUND);
    let res = old_browser("http://elsewhere.example".into()).send().await.unwrap();
    assert_eq!(res.status(), StatusCode::FORBIDDEN);

    // Refused input queues nothing; the browser goes back to the page with the text and why,
    // and the page shows them in the form.
    let res = post("same-origin", "kind=image&prompt=A+kite&seed=twelve").send().await.unwrap();
    assert_eq!(res.status(), StatusCode::FOUND);
    let back = res.headers()["location"].to_str().unwrap().to_owned();
    assert!(back.starts_with("/?refused=") && back.ends_with("&prompt=A+kite"), "{back}");
    let shown = browser.get(format!("{}{back}", app.base)).send().await.unwrap().text().await.unwrap();
    assert!(shown.contains("A kite</textarea>") && shown.contains("twelve"), "the page shows the text and why");
    // JSON is `submit_task`'s.
    let res = browser
        .post(format!("{}/api/compose", app.base))
        .header("sec-fetch-site", "same-origin")
        .json(&json!({ "prompt": "json" }))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::UNSUPPORTED_MEDIA_TYPE);
    assert_eq!(app.list(&browser, json!({})).await["tasks"].as_array().unwrap().len(), 3);
    app.stop().await;
}
