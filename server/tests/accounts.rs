//! Accounts over HTTP: a guest signs up and keeps its tasks; another browser signs in and
//! sees the same queue; sessions are fresh at every sign-in (fixation), end at the server
//! on sign-out and revocation (an open event stream too), carry their cookie flags (and
//! `Secure` + `__Host-` over HTTPS); sign-ins are throttled; a login no account can have
//! (a control character, too long) is refused before the database is asked; weak
//! passwords and taken names are refused, changing nothing.

mod common;

use common::{ids, TestApp, TestDb};
use reqwest::StatusCode;
use serde_json::{json, Value};
use std::time::Duration;

on_both_databases!(
    a_guest_signs_up_keeps_its_tasks_and_another_browser_signs_in_to_them,
    sessions_are_fresh_at_sign_in_and_end_at_the_server,
    sign_ins_are_throttled_and_bad_sign_ups_change_nothing,
    sign_in_logins_with_control_characters_are_refused,
    cookies_are_secure_over_https,
    an_operator_adds_a_user_from_the_command_line,
    without_guests_only_accounts_reach_tasks,
    sign_up_can_be_invite_only_or_closed,
);

const PASSWORD: &str = "violet kettle drum";

/// The `name=value` pairs a response sets, by name.
fn set_cookies(res: &reqwest::Response) -> Vec<String> {
    res.headers().get_all("set-cookie").iter().map(|v| v.to_str().unwrap().to_owned()).collect()
}

/// POSTs with an explicit `Cookie` header (no jar), returning the response.
async fn post(app: &TestApp, endpoint: &str, cookie: &str, body: Value) -> reqwest::Response {
    reqwest::Client::new()
        .post(format!("{}/api/{endpoint}", app.base))
        .header("cookie", cookie)
        .json(&body)
        .send()
        .await
        .unwrap()
}

/// The value of cookie `name` in a `Set-Cookie` list.
fn cookie(set: &[String], name: &str) -> Option<String> {
    set.iter().find_map(|c| c.strip_prefix(&format!("{name}="))).map(|rest| rest.split(';').next().unwrap().to_owned())
}

async fn a_guest_signs_up_keeps_its_tasks_and_another_browser_signs_in_to_them(db: TestDb) {
    let app = TestApp::spawn(&db).await;
    let guest = TestApp::client();
    app.submit(&guest, json!({ "kind": "image", "prompt": "made as a guest", "variants": 2 })).await;
    app.call(
        &guest,
        "place_on_board",
        json!({ "task_id": app.all_ids(&guest).await[0], "x": 0, "y": 0, "width": 100, "height": 100 }),
    )
    .await;
    let before = app.all_ids(&guest).await;

    let (status, account) = app
        .call(&guest, "sign_up", json!({ "username": "Ada", "email": "ada@example.org", "password": PASSWORD }))
        .await;
    assert_eq!(status, StatusCode::OK, "{account}");
    assert_eq!((account["username"].as_str(), account["sessions"].as_array().map(Vec::len)), (Some("ada"), Some(1)));
    assert_eq!(app.all_ids(&guest).await, before, "the guest's tasks are the account's now");
    let (_, board) = app.call(&guest, "list_board", json!({})).await;
    assert_eq!(board["items"].as_array().map(Vec::len), Some(1), "and its board: {board}");

    // Another browser: a guest with nothing, until it signs in (by email, any case).
    let phone = TestApp::client();
    assert!(app.all_ids(&phone).await.is_empty());
    let (status, _) = app.call(&phone, "sign_in", json!({ "login": "ADA@example.org", "password": PASSWORD })).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(app.all_ids(&phone).await, before, "the same queue in the second browser");
    let (_, account) = app.call(&phone, "account", json!({})).await;
    assert_eq!(account["sessions"].as_array().unwrap().iter().filter(|s| s["current"] == true).count(), 1);
    assert_eq!(account["sessions"].as_array().unwrap().len(), 2);

    // The old guest id holds nothing any more.
    let stranger = TestApp::client();
    let (status, _) = app.call(&stranger, "account", json!({})).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED, "a guest has no account");
    app.stop().await;
}

async fn sessions_are_fresh_at_sign_in_and_end_at_the_server(db: TestDb) {
    let app = TestApp::spawn(&db).await;
    let res = post(&app, "sign_up", "", json!({ "username": "bob", "password": PASSWORD })).await;
    assert_eq!(res.status(), StatusCode::OK);
    let first = cookie(&set_cookies(&res), "atelier_session").expect("a session cookie");
    let as_first = format!("atelier_session={first}");
    assert_eq!(post(&app, "account", &as_first, json!({})).await.status(), StatusCode::OK);

    // Signing in with a session cookie already there: a new token, the old one ended.
    let res = post(&app, "sign_in", &as_first, json!({ "login": "bob", "password": PASSWORD })).await;
    assert_eq!(res.status(), StatusCode::OK);
    let second = cookie(&set_cookies(&res), "atelier_session").unwrap();
    assert_ne!(second, first, "the session id changes at sign-in");
    let gone = post(&app, "account", &as_first, json!({})).await;
    assert_eq!(gone.status(), StatusCode::UNAUTHORIZED, "the replaced session no longer opens anything");
    assert!(cookie(&set_cookies(&gone), "atelier_session").is_some_and(|v| v.is_empty()), "and its cookie is cleared");

    // A forged token opens nothing.
    let forged = post(&app, "account", &format!("atelier_session={}", "0".repeat(64)), json!({})).await;
    assert_eq!(forged.status(), StatusCode::UNAUTHORIZED);

    // An open event stream of a session ends when the session is revoked from elsewhere.
    let as_second = format!("atelier_session={second}");
    let other = post(&app, "sign_in", "", json!({ "login": "bob", "password": PASSWORD })).await;
    let third = format!("atelier_session={}", cookie(&set_cookies(&other), "atelier_session").unwrap());
    let mut stream = reqwest::Client::new()
        .get(format!("{}/api/events", app.base))
        .header("cookie", &as_second)
        .send()
        .await
        .unwrap();
    stream.chunk().await.unwrap().expect("the first event");
    let account: Value = post(&app, "account", &third, json!({})).await.json().await.unwrap();
    let victim = account["sessions"].as_array().unwrap().iter().find(|s| s["current"] == false).unwrap()["id"].clone();
    let res = post(&app, "revoke_session", &third, json!({ "id": victim })).await;
    assert_eq!(res.status(), StatusCode::OK);
    let ended =
        tokio::time::timeout(Duration::from_secs(5), async { while let Ok(Some(_)) = stream.chunk().await {} }).await;
    assert!(ended.is_ok(), "the revoked session's stream ended");
    assert_eq!(post(&app, "account", &as_second, json!({})).await.status(), StatusCode::UNAUTHORIZED);

    // Signing out ends the session at the server, not only in the browser.
    let out = post(&app, "sign_out", &third, json!({})).await;
    assert_eq!(out.status(), StatusCode::OK);
    assert!(cookie(&set_cookies(&out), "atelier_session").is_some_and(|v| v.is_empty()));
    assert_eq!(post(&app, "account", &third, json!({})).await.status(), StatusCode::UNAUTHORIZED);
    app.stop().await;
}

async fn sign_ins_are_throttled_and_bad_sign_ups_change_nothing(db: TestDb) {
    let app = TestApp::spawn(&db).await;
    let client = TestApp::client();
    for (body, status, code) in [
        (json!({ "username": "carol", "password": "password123" }), StatusCode::BAD_REQUEST, "password_weak"),
        (json!({ "username": "carol", "password": "carol-is-great" }), StatusCode::BAD_REQUEST, "password_weak"),
        (json!({ "username": "carol", "password": "great LORAC" }), StatusCode::BAD_REQUEST, "password_weak"),
        (json!({ "username": "carol", "password": "        " }), StatusCode::BAD_REQUEST, "password_weak"),
        (json!({ "username": "carol", "password": "short" }), StatusCode::BAD_REQUEST, "password_length"),
        (json!({ "username": "c", "password": PASSWORD }), StatusCode::BAD_REQUEST, "username_invalid"),
        (
            json!({ "username": "carol", "password": PASSWORD, "admin": true }),
            StatusCode::BAD_REQUEST,
            "malformed_request",
        ),
    ] {
        let (got, err) = app.call(&client, "sign_up", body.clone()).await;
        assert_eq!((got, err["code"].as_str()), (status, Some(code)), "{body}: {err}");
    }
    let (status, _) = app.call(&client, "sign_up", json!({ "username": "carol", "password": PASSWORD })).await;
    assert_eq!(status, StatusCode::OK);
    let (status, err) =
        app.call(&TestApp::client(), "sign_up", json!({ "username": "CAROL", "password": PASSWORD })).await;
    assert_eq!((status, err["code"].as_str()), (StatusCode::CONFLICT, Some("conflict")), "{err}");

    let attacker = TestApp::client();
    for _ in 0..5 {
        let (status, err) =
            app.call(&attacker, "sign_in", json!({ "login": "carol", "password": "wrong guess 1" })).await;
        assert_eq!((status, err["code"].as_str()), (StatusCode::UNAUTHORIZED, Some("sign_in_failed")));
    }
    let (status, err) = app.call(&attacker, "sign_in", json!({ "login": "carol", "password": PASSWORD })).await;
    assert_eq!((status, err["code"].as_str()), (StatusCode::TOO_MANY_REQUESTS, Some("too_many_requests")), "{err}");
    // An unknown name fails the same way as a wrong password.
    let (status, err) = app.call(&attacker, "sign_in", json!({ "login": "nobody", "password": PASSWORD })).await;
    assert_eq!((status, err["code"].as_str()), (StatusCode::UNAUTHORIZED, Some("sign_in_failed")));
    assert!(ids(&app.list(&attacker, json!({})).await).is_empty());
    app.stop().await;
}

/// A NUL in the login was a 500 on PostgreSQL (it refuses a NUL in text): now any control
/// character, or a login longer than an address can be, is a 400 on `login` before the
/// database (or the throttle) sees it.
async fn sign_in_logins_with_control_characters_are_refused(db: TestDb) {
    let app = TestApp::spawn(&db).await;
    let client = TestApp::client();
    let (status, _) = app.call(&client, "sign_up", json!({ "username": "frank", "password": PASSWORD })).await;
    assert_eq!(status, StatusCode::OK);
    let long = "f".repeat(255);
    let mut refused = 0;
    for (login, code) in [
        ("frank\u{0}", "login_control_char"),
        ("\u{0}", "login_control_char"),
        ("fr\u{0}ank", "login_control_char"),
        ("frank\u{1b}[2J", "login_control_char"),
        ("fr\nank", "login_control_char"),
        ("fr\tank", "login_control_char"),
        ("frank\u{7f}", "login_control_char"),
        ("fr\u{85}ank@example.org", "login_control_char"),
        (long.as_str(), "login_too_long"),
    ] {
        for _ in 0..3 {
            let (status, err) =
                app.call(&TestApp::client(), "sign_in", json!({ "login": login, "password": PASSWORD })).await;
            assert_eq!(status, StatusCode::BAD_REQUEST, "{login:?}: {err}");
            assert_eq!((err["code"].as_str(), err["field"].as_str()), (Some(code), Some("login")), "{login:?}: {err}");
            assert_eq!(err["errors"][0]["field"], "login", "{err}");
            refused += 1;
        }
    }
    assert!(refused > 20, "more than the address may fail");
    // None of them counted as a failed sign-in: the address is not throttled.
    let (status, account) = app.call(&client, "sign_in", json!({ "login": " Frank ", "password": PASSWORD })).await;
    assert_eq!((status, account["username"].as_str()), (StatusCode::OK, Some("frank")), "{account}");
    app.stop().await;
}

async fn cookies_are_secure_over_https(db: TestDb) {
    let app =
        TestApp::spawn_with(&db, std::sync::Arc::new(server::clock::SystemClock), |s| s.secure_cookies = true).await;
    let res = post(&app, "sign_up", "", json!({ "username": "dave", "password": PASSWORD })).await;
    let set = set_cookies(&res);
    let session = set.iter().find(|c| c.starts_with("__Host-atelier_session=")).expect("a __Host- session cookie");
    for flag in ["Secure", "HttpOnly", "SameSite=Lax", "Path=/"] {
        assert!(session.contains(flag), "{session}");
    }
    assert!(!session.contains("Domain"), "{session}");
    let guest = reqwest::Client::new().get(format!("{}/", app.base)).send().await.unwrap();
    let guest = set_cookies(&guest);
    assert!(guest.iter().any(|c| c.starts_with("__Host-atelier_guest=") && c.contains("Secure")), "{guest:?}");
    app.stop().await;
}

/// `server user add`, the real binary: the password from standard input; a weak password
/// or a taken name is refused with a reason and exit status 1; a database URL that does
/// not parse is not printed.
async fn an_operator_adds_a_user_from_the_command_line(db: TestDb) {
    use std::io::Write;
    use std::process::{Command, Stdio};
    let add_to = |url: &str, args: &[&str], password: &str| {
        let mut child = Command::new(env!("CARGO_BIN_EXE_server"))
            .args(["--config", "/nonexistent/Leptos.toml", "user", "add"])
            .args(args)
            .env("ATELIER_DATABASE_URL", url)
            .env("ATELIER_LOG", "warn")
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        writeln!(child.stdin.take().unwrap(), "{password}").unwrap();
        let out = child.wait_with_output().unwrap();
        (
            out.status.success(),
            String::from_utf8_lossy(&out.stdout).into_owned() + &String::from_utf8_lossy(&out.stderr),
        )
    };
    let add = |args: &[&str], password: &str| add_to(&db.url, args, password);
    // (A short blocking wait for a child process is fine in a test.)
    let (ok, said) = add(&["Root", "--admin"], PASSWORD);
    assert!(ok && said.contains("created root") && said.contains("administrator"), "{said}");
    let (ok, said) = add(&["root"], PASSWORD);
    assert!(!ok && said.contains("taken"), "{said}");
    let (ok, said) = add(&["weak"], "password1");
    assert!(!ok && said.contains("common"), "{said}");
    // A password with an unencoded `/`, `?` and `#`: the URL does not parse as meant.
    let (ok, said) = add_to("postgres://u:p/a?ss#word@127.0.0.1/atelier", &["nobody"], PASSWORD);
    assert!(!ok && said.contains("(unparseable postgres URL)"), "{said}");
    assert!(!said.contains("ss#word") && !said.contains("p/a"), "{said}");

    let app = TestApp::spawn(&db).await;
    let (status, account) =
        app.call(&TestApp::client(), "sign_in", json!({ "login": "root", "password": PASSWORD })).await;
    assert_eq!((status, account["username"].as_str()), (StatusCode::OK, Some("root")));
    app.stop().await;
}

/// `guests = false`: the page loads (asking to sign in), sign-up and sign-in work, and
/// nothing else does without a session; no guest cookie is handed out.
async fn without_guests_only_accounts_reach_tasks(db: TestDb) {
    let app = TestApp::spawn_with(&db, std::sync::Arc::new(server::clock::SystemClock), |s| s.guests = false).await;
    let stranger = TestApp::client();
    let page = stranger.get(format!("{}/", app.base)).send().await.unwrap();
    assert_eq!(page.status(), StatusCode::OK);
    assert!(set_cookies(&page).iter().all(|c| !c.contains("atelier_guest=")), "no guest cookie");
    for (endpoint, body) in [("submit_task", json!({ "kind": "image", "prompt": "x" })), ("list_tasks", json!({}))] {
        let (status, err) = app.call(&stranger, endpoint, body).await;
        assert_eq!((status, err["code"].as_str()), (StatusCode::UNAUTHORIZED, Some("signed_out")), "{endpoint}");
    }
    let events = stranger.get(format!("{}/api/events", app.base)).send().await.unwrap();
    assert_eq!(events.status(), StatusCode::UNAUTHORIZED);
    let (status, _) = app.call(&stranger, "sign_up", json!({ "username": "erin", "password": PASSWORD })).await;
    assert_eq!(status, StatusCode::OK);
    app.submit(&stranger, json!({ "kind": "image", "prompt": "signed in now" })).await;
    assert_eq!(app.all_ids(&stranger).await.len(), 1);
    app.stop().await;
}

/// `sign-up = "invite-only"`: an account is made only with a valid invite link, which it
/// then accepts; `"closed"`: none is made (the operator's `server user add` still works).
async fn sign_up_can_be_invite_only_or_closed(db: TestDb) {
    use app::domain::SignUpMode;
    let clock = std::sync::Arc::new(server::clock::SystemClock);
    let app = TestApp::spawn_with(&db, clock.clone(), |s| s.sign_up = SignUpMode::InviteOnly).await;
    let ann = TestApp::client();
    server::add_user(
        &server::config::Settings { database_url: db.url.clone(), ..Default::default() },
        app::domain::SignUpRequest { username: "ann".into(), password: PASSWORD.into(), ..Default::default() },
        true,
    )
    .await
    .unwrap();
    app.call(&ann, "sign_in", json!({ "login": "ann", "password": PASSWORD })).await;
    app.call(&ann, "create_workspace", json!({ "name": "Studio" })).await;
    let (_, invite) = app.call(&ann, "invite_member", json!({ "role": "editor" })).await;
    let token = invite["link"].as_str().unwrap().strip_prefix("/?invite=").unwrap().to_owned();

    let bob = TestApp::client();
    for invite in [None, Some("not-a-token")] {
        let body = json!({ "username": "bob", "password": PASSWORD, "invite": invite });
        let (status, err) = app.call(&bob, "sign_up", body).await;
        assert_eq!((status, err["code"].as_str()), (StatusCode::FORBIDDEN, Some("sign_up_closed")), "{err}");
    }
    let body = json!({ "username": "bob", "password": PASSWORD, "invite": token });
    assert_eq!(app.call(&bob, "sign_up", body).await.0, StatusCode::OK);
    let (status, joined) = app.call(&bob, "accept_invite", json!({ "token": token })).await;
    assert_eq!((status, joined["name"].as_str()), (StatusCode::OK, Some("Studio")), "{joined}");
    app.stop().await;

    let app = TestApp::spawn_with(&db, clock, |s| s.sign_up = SignUpMode::Closed).await;
    let (status, _) = app.call(&TestApp::client(), "sign_up", json!({ "username": "cyd", "password": PASSWORD })).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    let page = TestApp::client().get(format!("{}/", app.base)).send().await.unwrap().text().await.unwrap();
    assert!(page.contains(r#"sign_up\":\"closed"#) || page.contains(r#""sign_up":"closed""#), "the page knows");
    app.stop().await;
}
