//! `GET /api/events`: each owner's live events as server-sent events, with ids; a new
//! stream starts with `resync`; a stream resumed with `Last-Event-ID` is replayed what it
//! missed; whiteboard changes are streamed too; nobody sees another owner's events.

mod common;

use common::fake::{Behaviour, FakeService};
use common::{TestApp, TestDb};
use serde_json::{json, Value};
use std::time::Duration;

on_both_databases!(a_task_is_followed_live_and_missed_events_are_replayed, board_changes_are_followed_live);

/// One parsed server-sent event.
#[derive(Debug)]
struct Sse {
    id: String,
    event: String,
    data: Value,
}

struct Stream {
    res: reqwest::Response,
    buffer: String,
}

impl Stream {
    async fn open(app: &TestApp, client: &reqwest::Client, last_id: Option<&str>) -> Self {
        let mut req = client.get(format!("{}/api/events", app.base));
        if let Some(id) = last_id {
            req = req.header("last-event-id", id);
        }
        let res = req.send().await.unwrap();
        assert_eq!(res.headers()["content-type"], "text/event-stream");
        Self { res, buffer: String::new() }
    }

    /// The next event (keep-alive comments skipped); fails the test after 10 s.
    async fn next(&mut self) -> Sse {
        loop {
            if let Some(end) = self.buffer.find("\n\n") {
                let frame: String = self.buffer.drain(..end + 2).collect();
                let field =
                    |name: &str| frame.lines().find_map(|l| l.strip_prefix(name).map(|v| v.trim_start().to_owned()));
                let Some(event) = field("event:") else { continue };
                let data = serde_json::from_str(&field("data:").unwrap()).unwrap();
                return Sse { id: field("id:").unwrap(), event, data };
            }
            let chunk = tokio::time::timeout(Duration::from_secs(10), self.res.chunk()).await;
            let chunk = chunk.expect("an event within 10 s").unwrap().expect("the stream stays open");
            self.buffer.push_str(&String::from_utf8_lossy(&chunk));
        }
    }

    /// Events until the task with `id` reaches `status`, as (event, status or progress).
    async fn until(&mut self, id: &str, status: &str) -> Vec<(String, String)> {
        let mut seen = Vec::new();
        loop {
            let e = self.next().await;
            let task = &e.data["task"];
            match e.event.as_str() {
                "task" if task["id"] == id => {
                    let now = task["status"].as_str().unwrap().to_owned();
                    seen.push((e.id, now.clone()));
                    if now == status {
                        return seen;
                    }
                }
                "progress" => seen.push((e.id, format!("{}%", e.data["progress"]))),
                other => panic!("unexpected {other} event: {e:?}"),
            }
        }
    }
}

async fn a_task_is_followed_live_and_missed_events_are_replayed(db: TestDb) {
    let fake = FakeService::start(Behaviour::Succeed { after: Duration::from_millis(100) }).await;
    let app = TestApp::against(&db, &fake, 1, |_| {}).await;
    let (alice, bob) = (TestApp::client(), TestApp::client());
    app.list(&bob, json!({})).await; // Bob gets his cookie
    let mut alice_stream = Stream::open(&app, &alice, None).await;
    let mut bob_stream = Stream::open(&app, &bob, None).await;
    let first = alice_stream.next().await;
    assert_eq!(first.event, "resync", "a new stream starts by fetching a snapshot");
    assert_eq!(bob_stream.next().await.event, "resync");

    let body = app.submit(&alice, json!({ "kind": "image", "prompt": "followed live" })).await;
    let id = body["tasks"][0]["id"].as_str().unwrap();
    let seen = alice_stream.until(id, "completed").await;
    let statuses: Vec<_> = seen.iter().map(|(_, s)| s.as_str()).filter(|s| !s.ends_with('%')).collect();
    assert_eq!(statuses, ["pending", "processing", "completed"]);
    // Ids grow with the boot's sequence.
    let seqs: Vec<u64> = seen.iter().map(|(id, _)| id.rsplit_once('-').unwrap().1.parse().unwrap()).collect();
    assert!(seqs.windows(2).all(|w| w[0] < w[1]), "{seen:?}");

    // Resumed after the first event: replays the rest, with no resync.
    let mut resumed = Stream::open(&app, &alice, Some(&seen[0].0)).await;
    let replayed = resumed.until(id, "completed").await;
    assert_eq!(replayed, seen[1..].to_vec());
    // An id from another boot (or garbage) cannot be resumed: resync.
    let mut stale = Stream::open(&app, &alice, Some("0000-5")).await;
    assert_eq!(stale.next().await.event, "resync");

    // Bob saw nothing of Alice's.
    app.submit(&bob, json!({ "kind": "image", "prompt": "bob's own" })).await;
    let e = bob_stream.next().await;
    assert_eq!((e.event.as_str(), &e.data["task"]["params"]["prompt"]), ("task", &json!("bob's own")));
    app.stop().await;
}

async fn board_changes_are_followed_live(db: TestDb) {
    let fake = FakeService::start(Behaviour::Succeed { after: Duration::from_millis(100) }).await;
    let app = TestApp::against(&db, &fake, 0, |_| {}).await; // tasks stay pending
    let (alice, bob) = (TestApp::client(), TestApp::client());
    let made = app.submit(&alice, json!({ "kind": "image", "prompt": "framed on the board" })).await;
    app.list(&bob, json!({})).await;
    let mut alice_stream = Stream::open(&app, &alice, None).await;
    let mut bob_stream = Stream::open(&app, &bob, None).await;
    assert_eq!((alice_stream.next().await.event, bob_stream.next().await.event), ("resync".into(), "resync".into()));

    let frame = json!({ "task_id": made["tasks"][0]["id"], "x": 0.0, "y": 0.0, "width": 240.0, "height": 240.0 });
    let (_, placed) = app.call(&alice, "place_on_board", frame).await;
    let e = alice_stream.next().await;
    assert_eq!((e.event.as_str(), &e.data["item"]), ("board_item", &placed));
    let arrange = json!({ "id": placed["id"], "x": 50.0, "y": 60.0, "width": 120.0, "height": 120.0 });
    let (_, moved) = app.call(&alice, "arrange_board_item", arrange).await;
    let e = alice_stream.next().await;
    assert_eq!((e.event.as_str(), &e.data["item"]), ("board_item", &moved));
    app.call(&alice, "remove_board_item", json!({ "id": placed["id"] })).await;
    let e = alice_stream.next().await;
    assert_eq!((e.event.as_str(), &e.data["id"]), ("board_item_removed", &placed["id"]));

    // Bob's stream carried none of it: his next event is his own.
    app.submit(&bob, json!({ "kind": "image", "prompt": "bob's own" })).await;
    assert_eq!(bob_stream.next().await.event, "task");
    app.stop().await;
}
