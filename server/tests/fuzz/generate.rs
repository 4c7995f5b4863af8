//! The fuzzer's generator: the values it draws from, a seeded stream per request, and the
//! `i`th request of a phase (see `main.rs`).

use reqwest::Method;
use serde_json::{json, Map, Value};
use uuid::Uuid;

pub const PASSWORD: &str = "violet kettle drum";
const SEED: u64 = 0xA7E1_1E12_F022_5EED;
pub const REFUSED: u64 = 6_000;
pub const MIXED: u64 = 4_400;
#[rustfmt::skip]
const ENDPOINTS: [&str; 31] = [
    "sign_up", "sign_in", "sign_out", "account", "revoke_session", "submit_task", "list_tasks", "get_task",
    "cancel_task", "retry_task", "delete_task", "move_task", "clear_tasks", "pause_queue", "resume_queue", "list_board",
    "place_on_board", "arrange_board_item", "remove_board_item", "list_workspaces", "current_workspace",
    "create_workspace", "switch_workspace", "invite_member", "revoke_invite", "show_invite", "accept_invite",
    "set_member_role", "remove_member", "create_token", "revoke_token",
];
/// The endpoints whose valid body is `{}` (any field is refused there too).
const EMPTY: [&str; 7] =
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
const FINISHED: [&str; 3] = ["completed", "failed", "cancelled"];
const INTS: [i64; 8] = [0, -1, 11, 201, 4_294_967_296, i64::MIN, i64::MAX, 1 << 53];
const FLOATS: [f64; 7] = [-0.0, 0.5, 7.99, 1e308, -1e308, 1e-308, 1_000_000.01];
const UNKNOWN: &[&str] = &["colour", "ID", "Prompt", "prompt ", "prömpt", "", "__proto__", "owner_id", "user", "a"];
/// Not a JSON object of unique keys, or a field no endpoint takes.
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
];
#[rustfmt::skip]
const RANGES: &[&str] = &[
    "bytes=0-0", "bytes=-1", "bytes=0-", "bytes=999999999-", "bytes=5-2", "bytes=0-1,1-2,0-0", "bytes=abc", "items=0-1",
    "bytes=18446744073709551615-", "bytes=-0", "bytes=0-18446744073709551616", "bytes=--1", "",
];

/// splitmix64: a seeded stream of its own for each request.
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

pub struct Req {
    pub endpoint: &'static str,
    /// `guest`, `account`, `token` (the account's API token) or `stranger` (no cookies).
    pub who: &'static str,
    pub method: Method,
    pub path: String,
    pub content_type: Option<&'static str>,
    pub headers: Vec<(&'static str, Vec<u8>)>,
    pub body: Vec<u8>,
    /// Built to be refused: anything but a 4xx fails.
    pub must_refuse: bool,
}

impl std::fmt::Display for Req {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let cut = |b: &[u8]| String::from_utf8_lossy(b).chars().take(300).collect::<String>();
        let headers: Vec<_> = self.headers.iter().map(|(n, v)| format!("{n}: {}", cut(v))).collect();
        let (who, method, path, ct) = (self.who, &self.method, cut(self.path.as_bytes()), self.content_type);
        write!(f, "{who} {method} {path} content-type {ct:?} {headers:?} body ({} bytes) ", self.body.len())?;
        write!(f, "{:?}", cut(&self.body))
    }
}

/// Real ids (and invite and API tokens) to draw from, so that valid requests get far.
pub struct Pool {
    pub ids: Vec<String>,
    pub secrets: Vec<String>,
    pub content: String,
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
    word.repeat(if r.one_in(8) { *r.pick(&[65, 129, 201, 2_001, 4_001, 9_000]) } else { 1 })
}

/// What of `s` a header value can carry.
fn header(s: String) -> Vec<u8> {
    s.into_bytes().into_iter().filter(|b| *b == b'\t' || (*b >= 0x20 && *b != 0x7f)).collect()
}

/// A junk value, often of the JSON type of `like`.
fn junk(r: &mut Rng, like: &Value, depth: u32) -> Value {
    match (like, r.below(if depth == 0 { 6 } else { 8 })) {
        (Value::Number(_), 0..=2) | (_, 0) if r.one_in(2) => json!(r.pick(&INTS)),
        (Value::Number(_), 0..=2) | (_, 0) => json!(r.pick(&FLOATS)),
        (_, 1..=3) => json!(text(r)),
        (_, 4) => r.pick(&[Value::Null, json!(true), json!(u64::MAX), json!([]), json!({})]).clone(),
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

/// Whether a valid body may leave `field` out.
fn optional(endpoint: &str, field: &str) -> bool {
    let fields = "email negative_prompt size style seed variants idempotency_key duration_secs resolution fps x y";
    endpoint == "list_tasks" || field == "finished_before" || fields.split(' ').any(|f| f == field)
}

/// A valid body for `endpoint`, its optional fields left out at random (its ids may be
/// of the wrong kind, or unknown).
fn valid(endpoint: &str, r: &mut Rng, pool: &Pool) -> Map<String, Value> {
    let (id, role, seed, key) = (id(r, pool), *r.pick(&["owner", "editor", "viewer"]), r.next() as u32, r.below(64));
    let (x, y, size) = (r.below(4_000) as f64 - 2_000.5, r.below(9), 8 + r.below(900));
    let password = if r.one_in(8) { PASSWORD } else { "password" }; // rarely a good one: hashing is slow
    let prompt = *r.pick(&["a fox", "a {red|blue} kite\nthe sea", "  lighthouse  "]);
    let body = match endpoint {
        "sign_up" => json!({ "username": format!("fz{seed}"), "email": "fz@example.com", "password": password }),
        "sign_in" => json!({ "login": r.pick(WORDS), "password": password }),
        "submit_task" if r.one_in(3) => json!({ "kind": "video", "prompt": prompt, "negative_prompt": "blurry",
            "duration_secs": 2 + key % 9, "resolution": "480p", "fps": 12, "seed": seed, "variants": 1 + key % 3 }),
        "submit_task" => json!({ "kind": "image", "prompt": prompt, "size": "512x512", "style": "anime",
            "seed": seed, "variants": 1 + key % 3, "idempotency_key": format!("key-{key}") }),
        "list_tasks" => json!({ "status": "pending", "kind": "image", "cursor": id, "limit": 1 + key, "q": text(r) }),
        "clear_tasks" => json!({ "statuses": &FINISHED[key % 3..], "finished_before": r.pick(DATES) }),
        "place_on_board" => {
            let (source, id) = if r.one_in(2) { ("content_id", pool.content.clone()) } else { ("task_id", id) };
            json!({ source: id, "x": x, "y": y, "width": size, "height": size })
        }
        "arrange_board_item" => json!({ "id": id, "x": x, "y": y, "width": size, "height": size }),
        "create_workspace" | "create_token" => json!({ "name": r.pick(&["Studio", "  night batch ", "é🦊"]) }),
        "invite_member" => json!({ "role": role }),
        "show_invite" | "accept_invite" => json!({ "token": r.pick(&pool.secrets) }),
        "set_member_role" => json!({ "user_id": id, "role": role }),
        e if EMPTY.contains(&e) => json!({}),
        _ => json!({ "id": id }),
    };
    let Value::Object(mut body) = body else { unreachable!() };
    body.retain(|field, _| !optional(endpoint, field) || r.one_in(2));
    body
}

/// The `i`th request of a phase (the same `i`, the same request): a GET route, or a call
/// whose valid body goes through one operation. Those the refused phase uses make a call
/// its endpoint must refuse: 0 an unknown field, 1 a field twice, 2 a field of the wrong
/// type, 3 a required field left out, 4 not an object, 5 cut short, 6 not JSON, 7 not sent
/// as JSON, 8 not a POST, 9 too large. The mixed phase adds calls that may pass: 10, 11
/// and 15 as valid, 12 any field left out, 13 one field junk, 14 fields given random text.
pub fn generate(refused: bool, i: u64, pool: &Pool) -> Req {
    let r = &mut Rng(SEED ^ (u64::from(refused) << 48) ^ i);
    let endpoint = *r.pick(&ENDPOINTS);
    let mut who = *r.pick(&["guest", "account", "account", "token", "stranger"]);
    if !refused && ["sign_up", "sign_in", "sign_out", "revoke_session"].contains(&endpoint) {
        who = "stranger"; // the account keeps its session
    }
    let (method, path, content_type) = (Method::POST, format!("/api/{endpoint}"), Some("application/json"));
    let mut req =
        Req { endpoint, who, method, path, content_type, headers: vec![], body: vec![], must_refuse: refused };
    if who == "stranger" && r.one_in(2) {
        let value = text(r);
        let (name, prefix) =
            *r.pick(&[("cookie", "atelier_owner="), ("cookie", "atelier_session="), ("authorization", "Bearer ")]);
        req.headers.push((name, header(format!("{prefix}{value}"))));
    }
    if r.one_in(7) {
        return route(r, req, pool);
    }
    let mut body = valid(endpoint, r, pool);
    let keys: Vec<String> = body.keys().cloned().collect();
    let required: Vec<String> = keys.iter().filter(|k| !optional(endpoint, k)).cloned().collect();
    let key = keys.get(r.below(keys.len().max(1))).cloned().unwrap_or_default();
    let op = loop {
        let op = r.below(if refused { 10 } else { 16 });
        let fits = match op {
            1 | 2 | 12..=14 => !keys.is_empty(),
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
            let again = if r.one_in(2) { body[&key].clone() } else { junk(r, &body[&key], 1) };
            let text = serde_json::to_string(&body).unwrap();
            raw = Some(text.replacen('{', &format!("{{\"{key}\":{again},"), 1).into_bytes());
        }
        2 => drop(body.insert(key.clone(), wrong_type(r, &body[&key]))),
        3 => drop(body.remove(r.pick(&required))),
        4 => {
            let array = Value::Array(body.values().cloned().collect());
            raw = Some(serde_json::to_vec(r.pick(&[array, json!(null), json!(7), json!("{}"), json!([{}])])).unwrap());
        }
        5 => {
            let whole = serde_json::to_vec(&body).unwrap();
            raw = Some(whole[..1 + r.below(whole.len() - 1)].to_vec());
        }
        6 if r.one_in(3) => raw = Some([&[1u8][..], &r.next().to_le_bytes(), &r.next().to_le_bytes()].concat()),
        6 => raw = Some(r.pick(GARBAGE).to_vec()),
        7 => req.content_type = *r.pick(&CONTENT_TYPES[if refused { 2 } else { 0 }..]),
        8 => req.method = r.pick(&[Method::GET, Method::PUT, Method::DELETE, Method::PATCH, Method::HEAD]).clone(),
        // Past the limit of 64 KiB (a submission's is 1 MiB: there the unknown field refuses it).
        9 => drop(body.insert("pad".into(), json!("x".repeat(70_000)))),
        12 => drop(body.remove(&key)),
        13 => drop(body.insert(key.clone(), junk(r, &body[&key], 2))),
        14 => {
            for k in keys.iter().filter(|_| r.one_in(2)).cloned().collect::<Vec<_>>() {
                body.insert(k, json!(text(r)));
            }
        }
        _ => {}
    }
    req.body = raw.unwrap_or_else(|| serde_json::to_vec(&body).unwrap());
    req
}

/// A GET route, with junk ids, parameters and headers.
fn route(r: &mut Rng, mut req: Req, pool: &Pool) -> Req {
    let encode = |s: String| {
        let escape = |b: u8| if b.is_ascii_alphanumeric() { char::from(b).to_string() } else { format!("%{b:02X}") };
        s.bytes().take(600).map(escape).collect::<String>()
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
            req.headers.push(("range", r.pick(RANGES).as_bytes().to_vec()));
            if r.one_in(4) {
                req.headers.push((*r.pick(&["if-none-match", "if-modified-since", "if-range"]), header(text(r))));
            }
            let junk = format!("?{}", encode(text(r)));
            let query = ["", "?thumbnail", "?download", "?thumbnail&download", "?download=%FF", "?%zz=%", &junk];
            format!("/content/{id}{}", r.pick(&query))
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
