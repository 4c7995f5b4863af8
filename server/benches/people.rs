//! `make bench`: many people at once on the real server binary, SQLite, default settings
//! (the embedded generator running two tasks at a time). 500 accounts in 50 workspaces (a
//! lead who made it and nine invited editors each), each person from an address of their
//! own, submitting, listing, searching, cancelling and retrying at random for 60 s. Then
//! the same mix at rising request rates until the p95 of an action passes 100 ms. Reported:
//! each action's p50 and p95, the rate where p95 crossed 100 ms, and how long each
//! person's first task waited to start.

mod support;

use serde_json::json;
use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};
use support::{percentile, Spawned};

const WORKSPACES: usize = 50;
const PER_WORKSPACE: usize = 10;
const PEOPLE: usize = WORKSPACES * PER_WORKSPACE;
/// Requests per second of the measured minute (each person once every two seconds).
const RATE: f64 = 250.0;
const MEASURED: Duration = Duration::from_secs(60);
const STEP: Duration = Duration::from_secs(10);
const ACTIONS: [&str; 5] = ["submit", "list", "search", "cancel", "retry"];

struct Person {
    client: reqwest::Client,
    /// Their tasks, oldest first, with when each was accepted.
    tasks: Mutex<Vec<(String, chrono::DateTime<chrono::Utc>)>>,
}

fn client(n: usize) -> reqwest::Client {
    let address = std::net::IpAddr::from([127, 0, 2 + (n / 250) as u8, (n % 250) as u8 + 1]);
    let builder = reqwest::Client::builder().cookie_store(true).local_address(address);
    // Idle connections go before the server's 10 s `client-timeout-ms` closes them.
    builder.pool_idle_timeout(Duration::from_secs(5)).build().unwrap()
}

async fn sign_up(server: &Spawned, n: usize, invite: Option<&str>) -> Person {
    let client = client(n);
    let body = json!({ "username": format!("person{n}"), "password": format!("tide-lantern-{n}-orchid") });
    server.call(&client, "sign_up", body).await.unwrap();
    if let Some(token) = invite {
        server.call(&client, "accept_invite", json!({ "token": token })).await.unwrap();
    }
    Person { client, tasks: Mutex::new(Vec::new()) }
}

/// The 50 workspaces and their people; sign-ups ten at a time.
async fn people(server: &Arc<Spawned>) -> Vec<Arc<Person>> {
    let mut all = Vec::with_capacity(PEOPLE);
    for w in 0..WORKSPACES {
        let lead = sign_up(server, w * PER_WORKSPACE, None).await;
        server.call(&lead.client, "create_workspace", json!({ "name": format!("studio {w}") })).await.unwrap();
        let mut joining = Vec::new();
        for i in 1..PER_WORKSPACE {
            let invite = server.call(&lead.client, "invite_member", json!({ "role": "editor" })).await.unwrap();
            let token = invite["link"].as_str().unwrap().rsplit('=').next().unwrap().to_owned();
            let server = server.clone();
            joining.push(tokio::spawn(async move { sign_up(&server, w * PER_WORKSPACE + i, Some(&token)).await }));
        }
        all.push(Arc::new(lead));
        for person in joining {
            all.push(Arc::new(person.await.unwrap()));
        }
    }
    all
}

/// One action of a person, timed; `None` when it had nothing to act on.
async fn act(server: &Spawned, person: &Person, action: &str, n: usize) -> Option<Duration> {
    let started = Instant::now();
    let last = || person.tasks.lock().unwrap().last().map(|(id, _)| id.clone());
    let answer = match action {
        "submit" => {
            let prompt = format!("a lighthouse in the rain, study {n}");
            let made = server.call(&person.client, "submit_task", json!({ "kind": "image", "prompt": prompt })).await;
            let made = made.unwrap();
            let id = made["tasks"][0]["id"].as_str().unwrap().to_owned();
            person.tasks.lock().unwrap().push((id, chrono::Utc::now()));
            return Some(started.elapsed());
        }
        "list" => server.call(&person.client, "list_tasks", json!({})).await,
        "search" => server.call(&person.client, "list_tasks", json!({ "q": "lighthouse" })).await,
        "cancel" => server.call(&person.client, "cancel_task", json!({ "id": last()? })).await,
        _ => server.call(&person.client, "retry_task", json!({ "id": last()? })).await,
    };
    // A task that moved on meanwhile is a 409: an answer like any other.
    if let Err(e) = &answer {
        assert!(e.contains("409"), "{action}: {e}");
    }
    Some(started.elapsed())
}

/// Actions at `rate` per second for `length`, by people and actions at random; each
/// action's latencies in ms.
async fn load(
    server: &Arc<Spawned>,
    people: &[Arc<Person>],
    rate: f64,
    length: Duration,
) -> HashMap<&'static str, Vec<f64>> {
    let times: Arc<Mutex<HashMap<&'static str, Vec<f64>>>> = Arc::default();
    let (started, mut sent, mut running) = (Instant::now(), 0usize, Vec::new());
    let mut x: u64 = 0x9e3779b97f4a7c15 ^ rate as u64;
    while started.elapsed() < length {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        let (person, action) = (people[x as usize % PEOPLE].clone(), ACTIONS[(x >> 32) as usize % ACTIONS.len()]);
        let (server, times) = (server.clone(), times.clone());
        running.push(tokio::spawn(async move {
            if let Some(took) = act(&server, &person, action, sent).await {
                times.lock().unwrap().entry(action).or_default().push(took.as_secs_f64() * 1000.0);
            }
        }));
        sent += 1;
        let next = Duration::from_secs_f64(sent as f64 / rate);
        tokio::time::sleep(next.saturating_sub(started.elapsed())).await;
    }
    for task in running {
        task.await.expect("an action failed");
    }
    let mut times = std::mem::take(&mut *times.lock().unwrap());
    times.values_mut().for_each(|v| v.sort_by(f64::total_cmp));
    times
}

fn worst_p95(times: &HashMap<&str, Vec<f64>>) -> f64 {
    times.values().map(|v| percentile(v, 0.95)).fold(0.0, f64::max)
}

#[tokio::main]
async fn main() {
    let dir = std::env::temp_dir().join(format!("atelier-bench-people-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let (server, _) = Spawned::start(&dir, &[], &reqwest::Client::new()).await;
    let server = Arc::new(server);
    let joined = Instant::now();
    let people = people(&server).await;
    let joined_in = joined.elapsed();

    let minute = load(&server, &people, RATE, MEASURED).await;
    let mut crossed = None;
    for rate in [400.0, 600.0, 900.0, 1300.0] {
        let step = load(&server, &people, rate, STEP).await;
        let p95 = worst_p95(&step);
        println!("at {rate:.0} requests/s for {} s: the worst action's p95 {p95:.1} ms", STEP.as_secs());
        if p95 > 100.0 {
            crossed = Some(rate);
            break;
        }
    }

    // How long each person's first task waited for its start.
    let mut waits = Vec::new();
    for person in &people {
        let Some((id, accepted)) = person.tasks.lock().unwrap().first().cloned() else { continue };
        let task = server.call(&person.client, "get_task", json!({ "id": id })).await.unwrap();
        let started = task["task"]["started_at"].as_str().or(task["started_at"].as_str()).map(str::to_owned);
        if let Some(at) = started.and_then(|t| t.parse::<chrono::DateTime<chrono::Utc>>().ok()) {
            waits.push((at - accepted).num_milliseconds().max(0) as f64 / 1000.0);
        }
    }
    waits.sort_by(f64::total_cmp);
    let server = Arc::try_unwrap(server).ok().expect("no action left running");
    server.stop();
    let _ = std::fs::remove_dir_all(&dir);

    println!("\n{PEOPLE} people in {WORKSPACES} workspaces signed up and joined in {:.1} s", joined_in.as_secs_f64());
    println!("| action ({RATE:.0} requests/s for {} s) | count | p50 | p95 |", MEASURED.as_secs());
    println!("|---|---|---|---|");
    for action in ACTIONS {
        let v = minute.get(action).map(Vec::as_slice).unwrap_or(&[]);
        if !v.is_empty() {
            println!("| {action} | {} | {:.2} ms | {:.2} ms |", v.len(), percentile(v, 0.5), percentile(v, 0.95));
        }
    }
    let crossing = crossed.map_or("not reached at 1,300 requests/s".into(), |r| format!("{r:.0} requests/s"));
    println!("\np95 of an action past 100 ms: {crossing}");
    if !waits.is_empty() {
        println!(
            "first task of each person, accepted to started ({} started): p50 {:.1} s, p95 {:.1} s, max {:.1} s",
            waits.len(),
            percentile(&waits, 0.5),
            percentile(&waits, 0.95),
            waits[waits.len() - 1]
        );
    }
    let mut figures = vec![("users500_p95_ms", worst_p95(&minute))];
    figures.extend(crossed.map(|rate| ("users500_p95_over_100ms_at_rps", rate)));
    if let Some(&max) = waits.last() {
        figures.push(("users500_first_start_max_s", max));
    }
    support::record(&figures);
}
