//! `make bench`: one person's 100,000 tasks on SQLite, read over HTTP from the real server
//! binary: the first page with its counts, a page 50,000 deep, prompt searches (a word in
//! 2.5 % of the prompts, one in 10 %, a miss, CJK of three characters and of two), the
//! server's memory (RSS) after queuing and after reading, and how long a fresh process
//! takes to answer with them stored; then the same reads on PostgreSQL (`pg_trgm`), when a
//! server answers at `ATELIER_TEST_PG_URL` or 127.0.0.1:5432. The tasks stay queued
//! (`concurrency = 0`, a web-only instance), so nothing but the reads runs.

mod support;

use serde_json::{json, Value};
use std::time::Instant;
use support::{percentile, Spawned};

/// Web-only (nothing runs), and no per-minute limit on queuing.
const ENV: [(&str, &str); 2] = [("ATELIER_CONCURRENCY", "0"), ("ATELIER_TASKS_PER_MINUTE", "100000000")];

const TASKS: usize = 100_000;
/// The most one submission makes.
const PER_SUBMISSION: usize = 500;
const RUNS: usize = 25;

const ADJECTIVES: [&str; 20] = [
    "quiet", "golden", "misty", "ancient", "neon", "frozen", "gentle", "stormy", "tiny", "vast", "rusty", "velvet",
    "hidden", "glowing", "broken", "silver", "wild", "sleepy", "paper", "crystal",
];
const THINGS: [&str; 40] = [
    "lighthouse",
    "fox",
    "teapot",
    "castle",
    "whale",
    "bicycle",
    "owl",
    "garden",
    "robot",
    "violin",
    "lantern",
    "mountain",
    "harbor",
    "dragon",
    "library",
    "cactus",
    "train",
    "bridge",
    "koi",
    "windmill",
    "tram",
    "comet",
    "cabin",
    "orchid",
    "tiger",
    "kite",
    "market",
    "glacier",
    "monk",
    "sailboat",
    "forest",
    "beetle",
    "temple",
    "piano",
    "canyon",
    "jellyfish",
    "balloon",
    "meadow",
    "clock",
    "falcon",
];
const PLACES: [&str; 10] = [
    "at dawn",
    "in the rain",
    "under the stars",
    "by the sea",
    "in winter",
    "at dusk",
    "in a dream",
    "on mars",
    "in fog",
    "at noon",
];
const STYLES: [&str; 10] = [
    "watercolor",
    "oil painting",
    "35mm photo",
    "ink sketch",
    "pixel art",
    "isometric",
    "ukiyo-e",
    "cinematic",
    "pastel",
    "charcoal",
];
const CJK: [&str; 10] = ["灯塔", "小木屋", "猫咪", "夕阳下", "樱花", "城市夜景", "古老的寺庙", "雪山", "竹林", "海边"];

/// The `n`th prompt: one in ten Chinese, the rest English, from a fixed generator.
fn prompt(n: usize) -> String {
    let mut x = (n as u64).wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
    let mut pick = |len: usize| {
        x ^= x >> 29;
        x = x.wrapping_mul(0xbf58476d1ce4e5b9);
        (x >> 32) as usize % len
    };
    if n.is_multiple_of(10) {
        format!("{}的{}，{}", CJK[pick(CJK.len())], CJK[pick(CJK.len())], STYLES[pick(STYLES.len())])
    } else {
        let (a, t, p, s) = (pick(20), pick(40), pick(10), pick(10));
        format!("a {} {} {}, {} #{n}", ADJECTIVES[a], THINGS[t], PLACES[p], STYLES[s])
    }
}

/// The median and p95 of `RUNS` reads of `query` (after one unmeasured), with the number
/// of tasks its counts hold.
async fn time(server: &Spawned, client: &reqwest::Client, query: Value) -> (f64, f64, u64) {
    let page = server.call(client, "list_tasks", query.clone()).await.unwrap();
    let total = page["counts"].as_object().unwrap().values().filter_map(Value::as_u64).sum();
    let mut ms = Vec::with_capacity(RUNS);
    for _ in 0..RUNS {
        let t = Instant::now();
        server.call(client, "list_tasks", query.clone()).await.unwrap();
        ms.push(t.elapsed().as_secs_f64() * 1000.0);
    }
    ms.sort_by(f64::total_cmp);
    (percentile(&ms, 0.5), percentile(&ms, 0.95), total)
}

/// The reads, in the order of the table.
fn reads(deep: Value) -> [(&'static str, Value); 7] {
    [
        ("first page with counts", json!({})),
        ("page 50,000 deep", deep),
        ("search \"lighthouse\" (2.5 %)", json!({ "q": "lighthouse" })),
        ("search \"in fog\" (9 %)", json!({ "q": "in fog" })),
        ("search \"submarine\" (none)", json!({ "q": "submarine" })),
        ("search \"小木屋\" (3 CJK)", json!({ "q": "小木屋" })),
        ("search \"猫咪\" (2 CJK)", json!({ "q": "猫咪" })),
    ]
}

/// Queues the tasks on `server` (as one person); with how long that took and the
/// query of the page 50,000 deep.
async fn queue(server: &Spawned, client: &reqwest::Client) -> (std::time::Duration, Value) {
    let queuing = Instant::now();
    let mut ids = Vec::with_capacity(TASKS);
    for batch in 0..TASKS / PER_SUBMISSION {
        let lines: Vec<String> = (0..PER_SUBMISSION).map(|i| prompt(batch * PER_SUBMISSION + i)).collect();
        let body = json!({ "kind": "image", "prompt": lines.join("\n") });
        let made = server.call(client, "submit_task", body).await.unwrap();
        ids.extend(made["tasks"].as_array().unwrap().iter().map(|t| t["id"].as_str().unwrap().to_owned()));
    }
    assert_eq!(ids.len(), TASKS);
    ids.sort_unstable_by(|a, b| b.cmp(a)); // newest first, as listed
    (queuing.elapsed(), json!({ "cursor": ids[TASKS / 2 - 1] }))
}

type Row = (&'static str, (f64, f64, u64));

fn table(title: &str, rows: &[Row]) {
    println!("| {title} ({RUNS} runs) | tasks counted | p50 | p95 |");
    println!("|---|---|---|---|");
    for (name, (p50, p95, total)) in rows {
        println!("| {name} | {total} | {p50:.2} ms | {p95:.2} ms |");
    }
}

/// The same reads on PostgreSQL (a database of its own, dropped after), if a server answers.
async fn on_postgres(dir: &std::path::Path) -> Option<Vec<Row>> {
    use sea_orm::{ConnectionTrait, Database};
    let admin_url =
        std::env::var("ATELIER_TEST_PG_URL").unwrap_or("postgres://postgres@127.0.0.1:5432/postgres".into());
    let admin = Database::connect(&admin_url).await.ok()?;
    let name = format!("atelier_bench_large_{}", std::process::id());
    admin.execute_unprepared(&format!("DROP DATABASE IF EXISTS {name}")).await.ok()?;
    admin.execute_unprepared(&format!("CREATE DATABASE {name}")).await.ok()?;
    let url = format!("{}/{name}", admin_url.rsplit_once('/')?.0);
    let client = reqwest::Client::builder().cookie_store(true).build().unwrap();
    let env = [ENV[0], ENV[1], ("ATELIER_DATABASE_URL", url.as_str())];
    let (server, _) = Spawned::start(dir, &env, &client).await;
    let (_, deep) = queue(&server, &client).await;
    // As autovacuum leaves a table within a minute or so of a bulk load: statistics for
    // the planner, and the visibility map that lets counts read the index alone.
    let bench_db = Database::connect(&url).await.ok()?;
    bench_db.execute_unprepared("VACUUM (ANALYZE)").await.ok()?;
    bench_db.close().await.ok()?;
    let mut rows = Vec::new();
    for (name, query) in reads(deep) {
        rows.push((name, time(&server, &client, query).await));
    }
    server.stop();
    let _ = admin.execute_unprepared(&format!("DROP DATABASE {name}")).await;
    Some(rows)
}

#[tokio::main]
async fn main() {
    let dir = std::env::temp_dir().join(format!("atelier-bench-large-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let client = reqwest::Client::builder().cookie_store(true).build().unwrap();
    let (server, _) = Spawned::start(&dir, &ENV, &client).await;
    let (queued_in, deep) = queue(&server, &client).await;
    let reads = reads(deep);
    let mut rows = Vec::new();
    for (name, query) in &reads {
        rows.push((*name, time(&server, &client, query.clone()).await));
    }
    let rss_queued = server.rss_mb();
    server.stop();

    let (fresh, started_in) = Spawned::start(&dir, &ENV, &client).await;
    let first = time(&fresh, &client, json!({})).await;
    for (_, query) in &reads {
        time(&fresh, &client, query.clone()).await;
    }
    let rss_fresh = fresh.rss_mb();
    fresh.stop();
    let postgres = on_postgres(&dir).await;
    let _ = std::fs::remove_dir_all(&dir);

    println!(
        "{TASKS} tasks of one person queued in {:.1} s ({PER_SUBMISSION} per submission)\n",
        queued_in.as_secs_f64()
    );
    table("read (SQLite, over HTTP", &rows);
    println!("| first page with counts, fresh process | {} | {:.2} ms | {:.2} ms |", first.2, first.0, first.1);
    println!("\nRSS after queuing and reading: {rss_queued:.1} MB; a fresh process after reading: {rss_fresh:.1} MB");
    println!("start-up to the first answer with them stored: {:.0} ms", started_in.as_secs_f64() * 1000.0);

    let p50 = |rows: &[Row], i: usize| rows[i].1 .0;
    let worst_search = |rows: &[Row]| (2..rows.len()).map(|i| p50(rows, i)).fold(0.0, f64::max);
    let mut figures = vec![
        ("list_page_100k_ms", p50(&rows, 0)),
        ("list_deep_100k_ms", p50(&rows, 1)),
        ("counts_100k_ms", p50(&rows, 3)),
        ("search_100k_ms", worst_search(&rows)),
        ("rss_100k_mb", rss_queued.max(rss_fresh)),
        ("startup_100k_ms", started_in.as_secs_f64() * 1000.0),
    ];
    match &postgres {
        Some(rows) => {
            println!();
            table("read (PostgreSQL, over HTTP", rows);
            figures.extend([
                ("list_page_100k_pg_ms", p50(rows, 0)),
                ("list_deep_100k_pg_ms", p50(rows, 1)),
                ("search_100k_pg_ms", worst_search(rows)),
            ]);
        }
        None => println!("\nPostgreSQL: no server answered; not measured"),
    }
    support::record(&figures);
}
