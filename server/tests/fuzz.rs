//! Fuzzing the public API: a seeded generator sends 10,400 requests per database, eight
//! at a time, from a guest, an account, an API token and strangers (junk cookies and
//! `Authorization` headers): every endpoint's valid body mutated (a field dropped, given
//! twice in the raw JSON text, of the wrong type, huge, negative, long, unicode, control
//! characters and NUL, unknown fields, nested junk, nulls, arrays for objects), bodies that
//! are not JSON, are cut short, are too large or are not sent as JSON, other methods,
//! ids that do not exist or are not ids, and the GET routes (`/content/{id}` with
//! `?thumbnail`/`?download` and ranges, `/api/events` with `Last-Event-ID`,
//! `/downloads/completed.zip`) with junk ids, parameters and headers.
//!
//! No request is answered 5xx or left unanswered (a panic drops the connection). The first
//! 6,000 are built to be refused: each one is (4xx) and every table is as it was. The next
//! 4,400 mix valid requests in: no table gains more rows than the accepted ones made. Then
//! the server still reads and writes. A failure names the request (its phase and index:
//! the same index always generates the same request).

mod common;

use common::{all_in, TestApp, TestDb};
use futures_util::{stream, StreamExt};
use reqwest::{header::CONTENT_TYPE, Method};
use sea_orm::{ConnectionTrait, Database, DatabaseConnection, Statement};
use serde_json::{json, Map, Value};
use server::clock::SystemClock;
use std::collections::BTreeMap;
use std::sync::Arc;
use std::time::{Duration, Instant};
use uuid::Uuid;

on_both_databases!(generated_requests_never_break_the_api);

const PASSWORD: &str = "violet kettle drum";
const SEED: u64 = 0xA7E1_1E12_F022_5EED;
const REFUSED: u64 = 6_000;
const MIXED: u64 = 4_400;
#[rustfmt::skip]
const TABLES: [&str; 11] = [
    "tasks", "submissions", "attempts", "contents", "board_items", "users", "workspaces", "members", "invites",
    "api_tokens", "sessions",
];
#[rustfmt::skip]
const ENDPOINTS: [&str; 31] = [
    "sign_up", "sign_in", "sign_out", "account", "revoke_session", "submit_task", "list_tasks", "get_task",
    "cancel_task", "retry_task", "delete_task", "move_task", "clear_tasks", "pause_queue", "resume_queue", "list_board",
    "place_on_board", "arrange_board_item", "remove_board_item", "list_workspaces", "current_workspace",
    "create_workspace", "switch_workspace", "invite_member", "revoke_invite", "show_invite", "accept_invite",
    "set_member_role", "remove_member", "create_token", "revoke_token",
];
const NO_ARGS: [&str; 7] =
    ["sign_out", "account", "pause_queue", "resume_queue", "list_board", "list_workspaces", "current_workspace"];
#[rustfmt::skip]
const DATES: &[&str] = &[
    "2026-01-01T00:00:00Z", "9999-12-31T23:59:59.999999999Z", "0000-01-01T00:00:00Z", "-0001-01-01T00:00:00Z",
    "+262143-12-31T23:59:59Z", "-262143-01-01T00:00:00Z", "2026-13-45T25:61:61Z", "1970-01-01T00:00:00+14:00",
];
#[rustfmt::skip]
const IDS: &[&str] = &[
    "00000000-0000-0000-0000-000000000000", "ffffffff-ffff-ffff-ffff-ffffffffffff", "0", "-1", "%00",
    "{00000000-0000-0000-0000-000000000000}", "urn:uuid:00000000-0000-0000-0000-000000000000",
    "00000000000000000000000000000000", "0190000-0000-7000-8000-0000000000000", "../../etc/passwd", "/?invite=x",
];
#[rustfmt::skip]
const WORDS: &[&str] = &[
    "image", "video", "pending", "completed", "failed", "cancelled", "processing", "owner", "editor", "viewer", "admin",
    "512x512", "720p", "pixel-art", "none", "fuzzer", "FUZZER", "fuzzer@example.com", PASSWORD, "null",
];
#[rustfmt::skip]
const ODD: &[&str] = &[
    "", " ", "\t\n", "a\u{0}b", "\u{0}", "\u{1b}[31m", "\r\n", "\u{7f}", "\u{85}", "\u{2028}", "\u{202e}gpj.exe",
    "e\u{301}", "İ", "ß", "\u{feff}", "\u{10ffff}", "🦊", "{a|b}", "{a|{b|{c|d}}}", "\\{|\\}", "{", "}|", "{{{{",
    "'; DROP TABLE tasks; --", "%", "_", "\\", "%_%", "\"", "NaN", "1e999",
];
const UNKNOWN: &[&str] = &["colour", "ID", "Prompt", "prompt ", "prömpt", "", "__proto__", "owner_id", "user", "a"];
/// Not JSON; but the first is, to a call without arguments (which reads no field).
#[rustfmt::skip]
const GARBAGE: &[&[u8]] = &[
    b"{\"prompt\":\"\\ud800\"}", b"", b"{", b"nul", b"NaN", b"{\"a\":NaN}", b"kind=image&prompt=x", b"<xml/>",
    b"\xff\xfe\x00", b"\xef\xbb\xbf{}", b"{}{}", b"{} x", b"{\"a\":1,}", b"[1,2", b"{'kind':'image'}", b"\x00\x00",
];
/// Content types; the first two are JSON's.
#[rustfmt::skip]
const CONTENT_TYPES: &[Option<&str>] = &[
    Some("application/json; charset=utf-8"), Some("APPLICATION/JSON"), None, Some(""), Some("text/plain"),
    Some("application/x-www-form-urlencoded"), Some("multipart/form-data; boundary=x"), Some("application/jsonx"),
    Some("json"),
];
#[rustfmt::skip]
const RANGES: &[&str] = &[
    "bytes=0-0", "bytes=-1", "bytes=0-", "bytes=999999999-", "bytes=5-2", "bytes=0-1,1-2,0-0", "bytes=abc", "items=0-1",
    "bytes=18446744073709551615-", "bytes=-0", "bytes=0-18446744073709551616", "bytes=--1",
];

/// splitmix64: one seeded stream per request.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let z = (self.0 ^ (self.0 >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        let z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
    fn one_in(&mut self, n: usize) -> bool {
        self.below(n) == 0
    }
    fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len())]
    }
}

#[derive(Clone, Copy, Debug, PartialEq)]
enum Phase {
    Refused,
    Mixed,
}

#[derive(Clone, Copy, Debug, PartialEq)]
enum Who {
    Guest,
    Account,
    Token,
    Stranger,
}

struct Req {
    endpoint: &'static str,
    who: Who,
    method: Method,
    path: String,
    content_type: Option<&'static str>,
    headers: Vec<(&'static str, Vec<u8>)>,
    body: Vec<u8>,
    /// Built to be refused: anything but a 4xx fails.
    must_refuse: bool,
}

impl std::fmt::Display for Req {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let cut = |b: &[u8]| String::from_utf8_lossy(b).chars().take(300).collect::<String>();
        let headers: Vec<_> = self.headers.iter().map(|(n, v)| format!("{n}: {}", cut(v))).collect();
        let (who, method, path, ct, len) =
            (self.who, &self.method, cut(self.path.as_bytes()), self.content_type, self.body.len());
        write!(f, "{who:?} {method} {path} content-type {ct:?} {headers:?} body ({len} bytes) {:?}", cut(&self.body))
    }
}

/// Real ids (and invite and API tokens) to draw from, so valid requests reach the database.
struct Pool {
    ids: Vec<String>,
    secrets: Vec<String>,
    content: String,
}

fn id(r: &mut Rng, pool: &Pool) -> String {
    match r.below(5) {
        0 => Uuid::from_u64_pair(r.next(), r.next()).to_string(),
        1 => r.pick(IDS).to_string(),
        _ => r.pick(&pool.ids).clone(),
    }
}

fn text(r: &mut Rng) -> String {
    let group = *r.pick(&[DATES, IDS, WORDS, ODD, ODD]);
    let word = *r.pick(group);
    if r.one_in(8) {
        word.repeat(*r.pick(&[65, 129, 201, 2_001, 4_001, 9_000]))
    } else {
        word.to_owned()
    }
}

/// A junk value, of the same JSON type as `like` half the time.
fn junk(r: &mut Rng, like: &Value, depth: u32) -> Value {
    let numbers =
        [json!(0), json!(-1), json!(11), json!(201), json!(4_294_967_296u64), json!(i64::MIN), json!(u64::MAX)];
    let floats =
        [json!(-0.0), json!(0.5), json!(7.99), json!(1e308), json!(-1e308), json!(1e-308), json!(1_000_000.01)];
    match (like, r.below(if depth == 0 { 6 } else { 8 })) {
        (Value::Number(_), 0..=2) | (_, 0) => {
            let group = if r.one_in(2) { &numbers } else { &floats };
            r.pick(group).clone()
        }
        (_, 1..=3) => json!(text(r)),
        (_, 4) => r.pick(&[Value::Null, json!(true), json!([]), json!({})]).clone(),
        (_, 5) => (0..150).fold(json!(1), |v, _| json!([v])), // deeper than a parser should follow
        (_, 6) => Value::Array((0..r.below(4)).map(|_| junk(r, like, depth - 1)).collect()),
        _ => Value::Object((0..r.below(4)).map(|_| (r.pick(UNKNOWN).to_string(), junk(r, like, depth - 1))).collect()),
    }
}

/// A value of another JSON type than `value`'s.
fn wrong_type(r: &mut Rng, value: &Value) -> Value {
    loop {
        let other = r.pick(&[json!(7), json!("7"), json!(true), json!([]), json!({}), json!(-0.5)]).clone();
        if std::mem::discriminant(&other) != std::mem::discriminant(value) {
            return other;
        }
    }
}

/// Fields a valid body may leave out.
fn optional(endpoint: &str, field: &str) -> bool {
    let optional = ["email", "negative_prompt", "size", "style", "seed", "variants", "idempotency_key"];
    endpoint == "list_tasks"
        || optional.contains(&field)
        || ["duration_secs", "resolution", "fps", "x", "y", "finished_before"].contains(&field)
}

/// A valid body for `endpoint` (give or take the ids, which may not be of the right kind).
fn valid(endpoint: &str, r: &mut Rng, pool: &Pool) -> Map<String, Value> {
    let mut body = Map::new();
    let mut set = |k: &str, v: Value| {
        body.insert(k.to_owned(), v);
    };
    let placement = |r: &mut Rng| [r.below(4_000) as f64 - 2_000.5, r.below(4_000) as f64, 8.0 + r.below(900) as f64];
    match endpoint {
        "sign_up" | "sign_in" => {
            let login =
                if endpoint == "sign_up" { format!("fz{}", r.below(1 << 30)) } else { r.pick(WORDS).to_string() };
            set(if endpoint == "sign_up" { "username" } else { "login" }, json!(login));
            set("password", json!(if r.one_in(8) { PASSWORD } else { "password" }));
        }
        "submit_task" => {
            let video = r.one_in(3);
            set("kind", json!(if video { "video" } else { "image" }));
            set("prompt", json!(r.pick(&["a fox", "a {red|blue} kite\nthe sea", "  lighthouse  "])));
            let mut extra = vec![
                ("negative_prompt", json!("blurry")),
                ("seed", json!(r.next() as u32)),
                ("variants", json!(1 + r.below(3))),
                ("idempotency_key", json!(format!("key-{}", r.below(64)))),
            ];
            if video {
                extra.extend([
                    ("duration_secs", json!(2 + r.below(9))),
                    ("resolution", json!("480p")),
                    ("fps", json!(12)),
                ]);
            } else {
                extra.extend([("size", json!("512x512")), ("style", json!("anime"))]);
            }
            extra.into_iter().filter(|_| r.one_in(2)).for_each(|(k, v)| set(k, v));
        }
        "list_tasks" => {
            let fields = [("status", json!("pending")), ("kind", json!("image")), ("cursor", json!(id(r, pool)))];
            let fields = fields.into_iter().chain([("limit", json!(1 + r.below(200))), ("q", json!(text(r)))]);
            fields.filter(|_| r.one_in(2)).for_each(|(k, v)| set(k, v));
        }
        "clear_tasks" => {
            set("statuses", json!(["completed", "failed", "cancelled"][r.below(3)..]));
            if r.one_in(2) {
                set("finished_before", json!(r.pick(DATES)));
            }
        }
        "place_on_board" | "arrange_board_item" => {
            let source = if endpoint == "arrange_board_item" { "id" } else { *r.pick(&["content_id", "task_id"]) };
            set(source, json!(if source == "content_id" && r.one_in(2) { pool.content.clone() } else { id(r, pool) }));
            let [x, y, size] = placement(r);
            [("x", x), ("y", y), ("width", size), ("height", size)].into_iter().for_each(|(k, v)| set(k, json!(v)));
        }
        "create_workspace" | "create_token" => set("name", json!(r.pick(&["Studio", "  night batch ", "é🦊"]))),
        "invite_member" => set("role", json!(r.pick(&["owner", "editor", "viewer"]))),
        "show_invite" | "accept_invite" => set("token", json!(r.pick(&pool.secrets))),
        "set_member_role" => {
            set("user_id", json!(id(r, pool)));
            set("role", json!(r.pick(&["owner", "editor", "viewer"])));
        }
        e if NO_ARGS.contains(&e) => {}
        _ => set("id", json!(id(r, pool))),
    }
    body
}

/// The `i`th request of `phase`. Operations 0 to 9 always make a request its endpoint must
/// refuse; the mixed phase adds 10 to 16, valid requests and mutations that may pass.
fn generate(phase: Phase, i: u64, pool: &Pool) -> Req {
    let r = &mut Rng(SEED ^ ((phase as u64) << 48) ^ i);
    let refused = phase == Phase::Refused;
    let endpoint = *r.pick(&ENDPOINTS);
    let mut who = *r.pick(&[Who::Guest, Who::Account, Who::Account, Who::Token, Who::Stranger]);
    if !refused && ["sign_up", "sign_in", "sign_out", "revoke_session"].contains(&endpoint) {
        who = Who::Stranger; // the account keeps its session
    }
    let mut req = Req {
        endpoint,
        who,
        method: Method::POST,
        path: format!("/api/{endpoint}"),
        content_type: Some("application/json"),
        headers: Vec::new(),
        body: Vec::new(),
        must_refuse: refused,
    };
    if who == Who::Stranger && r.one_in(2) {
        let value = text(r);
        let (name, value) = match r.below(4) {
            0 => ("cookie", format!("atelier_owner={value}")),
            1 => ("cookie", format!("atelier_session={value}")),
            2 => ("authorization", format!("Bearer {value}")),
            _ => ("authorization", value),
        };
        req.headers.push((name, header(value)));
    }
    if r.one_in(7) {
        return route(r, req, pool);
    }
    let mut body = valid(endpoint, r, pool);
    let strict = !NO_ARGS.contains(&endpoint);
    let keys: Vec<String> = body.keys().cloned().collect();
    let required: Vec<String> = keys.iter().filter(|k| !optional(endpoint, k)).cloned().collect();
    let op = loop {
        let op = r.below(if refused { 10 } else { 17 });
        let fits = match op {
            0 | 4 => strict,
            1 | 2 | 12..=15 => !keys.is_empty(),
            3 => !required.is_empty(),
            9 => r.one_in(8), // 70 KB each: a few
            _ => true,
        };
        if fits {
            break op;
        }
    };
    let mut raw = None;
    match op {
        0 => drop(body.insert(r.pick(UNKNOWN).to_string(), junk(r, &Value::Null, 2))),
        1 => {
            let key = r.pick(&keys).clone();
            let again =
                format!("\"{key}\":{},", if r.one_in(2) { body[&key].clone() } else { junk(r, &body[&key], 1) });
            raw = Some(serde_json::to_string(&body).unwrap().replacen('{', &format!("{{{again}"), 1).into_bytes());
        }
        2 => {
            let key = r.pick(&keys).clone();
            body.insert(key.clone(), wrong_type(r, &body[&key]));
        }
        3 => drop(body.remove(r.pick(&required))),
        4 => {
            let array = Value::Array(body.values().cloned().collect());
            let not_object = [array, json!(null), json!(7), json!("{}"), json!([{}]), json!(true)];
            raw = Some(serde_json::to_vec(r.pick(&not_object)).unwrap());
        }
        5 => {
            let full = serde_json::to_vec(&body).unwrap();
            raw = Some(full[..1 + r.below(full.len() - 1)].to_vec());
        }
        6 if r.one_in(3) => raw = Some([&[1u8][..], &r.next().to_le_bytes()[..], &r.next().to_be_bytes()[..]].concat()),
        6 => raw = Some(r.pick(&GARBAGE[usize::from(!strict)..]).to_vec()),
        7 => req.content_type = *r.pick(&CONTENT_TYPES[if refused { 2 } else { 0 }..]),
        8 => req.method = r.pick(&[Method::GET, Method::PUT, Method::DELETE, Method::PATCH, Method::HEAD]).clone(),
        9 => drop(body.insert("pad".into(), json!("x".repeat(70_000)))),
        12 => drop(body.remove(r.pick(&keys))),
        13 | 14 => {
            let key = r.pick(&keys).clone();
            body.insert(key.clone(), junk(r, &body[&key], 2));
        }
        15 => {
            for key in &keys {
                if r.one_in(2) {
                    body.insert(key.clone(), junk(r, &body[key], 2));
                }
            }
        }
        16 => {
            let paths = ["/api/SUBMIT_TASK", "/api/nope", "/api/", "/api", "/api//list_tasks", "/api/list_tasks/x"];
            (req.endpoint, req.path) =
                ("(path)", r.pick(&[&paths[..], &["/api/%00", "/api/..%2Flist_tasks"]].concat()).to_string());
        }
        _ => {} // 10, 11: valid as generated
    }
    req.body = raw.unwrap_or_else(|| serde_json::to_vec(&body).unwrap());
    req
}

/// `s` as a header value can carry it.
fn header(s: String) -> Vec<u8> {
    s.into_bytes().into_iter().filter(|b| *b == b'\t' || (*b >= 0x20 && *b != 0x7f)).collect()
}

/// A GET route with junk ids, parameters and headers.
fn route(r: &mut Rng, mut req: Req, pool: &Pool) -> Req {
    let encode = |s: String| {
        s.bytes()
            .take(600)
            .map(|b| if b.is_ascii_alphanumeric() { (b as char).to_string() } else { format!("%{b:02X}") })
            .collect::<String>()
    };
    (req.endpoint, req.must_refuse, req.content_type) = ("(route)", false, None);
    req.method = if r.one_in(6) { Method::HEAD } else { Method::GET };
    req.path = match r.below(3) {
        0 => {
            let id = match r.below(3) {
                0 => pool.content.clone(),
                1 => Uuid::from_u64_pair(r.next(), r.next()).to_string(),
                _ => encode(text(r)),
            };
            if r.one_in(2) {
                req.headers.push(("range", r.pick(RANGES).as_bytes().to_vec()));
            }
            if r.one_in(4) {
                req.headers.push((*r.pick(&["if-none-match", "if-modified-since", "if-range"]), header(text(r))));
            }
            let query =
                ["", "?thumbnail", "?download", "?thumbnail&download", "?download=%FF%FE", "?thumbnail=1&thumbnail=2"];
            let junk = format!("?{}", encode(text(r)));
            format!("/content/{id}{}", r.pick(&[&query[..], &["?%zz=%", "?a[]=1&&==", junk.as_str()]].concat()))
        }
        1 => {
            let ids = [String::new(), "0".into(), "-1".into(), "18446744073709551616".into(), "9".repeat(400), text(r)];
            req.headers.push(("last-event-id", header(r.pick(&ids).clone())));
            "/api/events".into()
        }
        _ => format!("/downloads/completed.zip{}", r.pick(&["", "?x=1", "?%00", "?download&thumbnail"])),
    };
    req
}

struct Clients {
    guest: reqwest::Client,
    account: reqwest::Client,
    plain: reqwest::Client,
    /// Keeps no connection: a body over the limit is refused and its connection closed.
    once: reqwest::Client,
    token: String,
}

/// The status and body of the answer (an event stream's status only).
async fn send(app: &TestApp, c: &Clients, req: &Req) -> Result<(u16, Vec<u8>), String> {
    let client = match req.who {
        _ if req.body.len() > 65_536 => &c.once,
        Who::Guest => &c.guest,
        Who::Account => &c.account,
        _ => &c.plain,
    };
    let mut builder = client.request(req.method.clone(), format!("{}{}", app.base, req.path));
    if req.who == Who::Token {
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

/// Sends `count` requests of `phase`, eight at a time; fails on any 5xx or unanswered
/// request, or any that should have been refused and was not. Returns the rows the
/// accepted requests may have added.
async fn run(app: &TestApp, c: &Clients, pool: &Pool, phase: Phase, count: u64) -> BTreeMap<&'static str, i64> {
    let started = Instant::now();
    let outcomes: Vec<_> = stream::iter(0..count)
        .map(|i| async move {
            let req = generate(phase, i, pool);
            let t0 = Instant::now();
            let answer = send(app, c, &req).await;
            let took = t0.elapsed();
            let failure = match &answer {
                Err(e) => Some(format!("no answer ({e})")),
                Ok((status, _)) if *status >= 500 => Some(format!("answered {status}")),
                Ok((status, _)) if req.must_refuse && !(400..500).contains(status) => {
                    Some(format!("not refused: {status}"))
                }
                _ => None,
            };
            let (status, body) = answer.unwrap_or_default();
            let failure = failure.map(|f| {
                let body = String::from_utf8_lossy(&body).chars().take(300).collect::<String>();
                format!("{phase:?} #{i}: {f}: {req}\n  -> {body}")
            });
            let answer = serde_json::from_slice(&body).unwrap_or_default();
            (status, if (200..300).contains(&status) { adds(req.endpoint, &answer) } else { Vec::new() }, failure, req.endpoint, took)
        })
        .buffer_unordered(8)
        .collect()
        .await;
    let (mut statuses, mut allowed, mut failures) = (BTreeMap::new(), BTreeMap::new(), Vec::new());
    let mut per: BTreeMap<&str, (Duration, u32)> = BTreeMap::new();
    for (status, adds, failure, e, took) in outcomes {
        let x = per.entry(e).or_default(); x.0 += took; x.1 += 1;
        *statuses.entry(status).or_insert(0) += 1;
        adds.into_iter().for_each(|(table, n)| *allowed.entry(table).or_insert(0) += n);
        failures.extend(failure);
    }
    let mut v: Vec<_> = per.into_iter().collect(); v.sort_by_key(|x| std::cmp::Reverse(x.1.0)); eprintln!("{:?}", &v[..8]);
    eprintln!("{phase:?}: {count} requests in {:.1?}, statuses {statuses:?}", started.elapsed());
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

/// A server that runs no task, over a database holding a completed image (made by a server
/// that ran it), pending tasks of the account and the guest, board items, a second
/// workspace with an invite and an API token; and the ids of all of them.
async fn prepare(db: &TestDb) -> (TestApp, Clients, Pool) {
    let (account, guest) = (TestApp::client(), TestApp::client());
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
    let mut ids = [app.all_ids(&account).await, app.all_ids(&guest).await, vec![content.clone()]].concat();
    let board = ok(&app, &account, "list_board", json!({})).await;
    ok(&app, &account, "create_workspace", json!({ "name": "Studio" })).await;
    let invite = ok(&app, &account, "invite_member", json!({ "role": "editor" })).await;
    let token = ok(&app, &account, "create_token", json!({ "name": "fuzz" })).await;
    let workspaces = ok(&app, &account, "list_workspaces", json!({})).await;
    let personal = workspaces.as_array().unwrap().iter().find(|w| w["personal"] == true).unwrap();
    ok(&app, &account, "switch_workspace", json!({ "id": personal["id"] })).await;
    let me = ok(&app, &account, "account", json!({})).await;
    let listed = [&board, &workspaces, &me["sessions"]].into_iter().flat_map(|l| l.as_array().unwrap().clone());
    let found = listed
        .chain([me.clone(), invite.clone(), token["view"].clone()])
        .filter_map(|v| v["id"].as_str().map(str::to_owned));
    ids.extend(found);
    let invite_token = invite["link"].as_str().unwrap().trim_start_matches("/?invite=").to_owned();
    let secret = token["token"].as_str().unwrap().to_owned();
    let pool = Pool { ids, secrets: vec![invite_token, secret.clone(), "atl_".into()], content };
    let (plain, once) = (reqwest::Client::new(), reqwest::Client::builder().pool_max_idle_per_host(0).build().unwrap());
    (app, Clients { guest, account, plain, once, token: secret }, pool)
}

async fn generated_requests_never_break_the_api(db: TestDb) {
    let (app, clients, pool) = prepare(&db).await;
    let conn = Database::connect(&db.url).await.unwrap();
    let before = rows(&conn).await;
    run(&app, &clients, &pool, Phase::Refused, REFUSED).await;
    let after = rows(&conn).await;
    assert_eq!(after, before, "refused requests changed the tables");

    let allowed = run(&app, &clients, &pool, Phase::Mixed, MIXED).await;
    let end = rows(&conn).await;
    for (table, was) in after {
        let may = allowed.get(table).copied().unwrap_or(0);
        assert!(
            end[table] <= was + may,
            "{table}: {was} then {} rows; accepted requests added at most {may}",
            end[table]
        );
    }
    // Still serving, reads and writes.
    app.list(&clients.account, json!({})).await;
    app.submit(&TestApp::client(), json!({ "kind": "image", "prompt": "still here" })).await;
    app.stop().await;
}
