//! Claiming work for the engine, at the store: fair turns across owners, queue order
//! within an owner (with move-to-front), paused queues skipped, cancelled tasks never
//! claimed, and concurrent claimers never sharing a task.

mod common;

use app::domain::{Author, OwnerId, SubmitRequest, TaskStatus};
use chrono::TimeDelta;
use common::TestDb;
use server::clock::{Clock, ManualClock};
use server::TaskStore;
use std::sync::Arc;
use uuid::Uuid;

on_both_databases!(
    owners_take_turns_and_each_queue_is_fifo,
    moved_paused_and_cancelled_tasks,
    a_claim_leases_the_task_and_opens_attempt_one,
    concurrent_claimers_never_share_a_task,
    a_batch_claim_rotates_owners_like_single_claims,
    a_delete_never_removes_a_task_a_claim_took,
    fresh_owners_cannot_jump_an_owner_waiting_before_them,
    idle_owners_are_passed_over_and_resuming_makes_no_owner,
    people_of_a_workspace_take_turns,
    a_completion_claims_the_next_turn_in_its_transaction,
);

const LEASE: TimeDelta = TimeDelta::seconds(30);

async fn store(db: &TestDb) -> (TaskStore, Arc<ManualClock>) {
    let settings = server::config::Settings { database_url: db.url.clone(), ..Default::default() };
    let clock = Arc::new(ManualClock::starting_now());
    let conn = server::db::connect(&settings).await.unwrap();
    (TaskStore::new(conn, clock.clone(), TimeDelta::zero()), clock)
}

async fn queue(store: &TaskStore, owner: OwnerId, prompts: &[&str]) -> Vec<Uuid> {
    queue_by(store, owner, None, prompts).await
}

/// One submission per prompt (a prompt of several lines is a batch), by `by`.
async fn queue_by(store: &TaskStore, owner: OwnerId, by: Option<&Author>, prompts: &[&str]) -> Vec<Uuid> {
    let mut ids = Vec::new();
    for prompt in prompts {
        let request = SubmitRequest { kind: "image".into(), prompt: prompt.to_string(), ..Default::default() };
        ids.extend(store.create(owner, by, &request.validate().unwrap()).await.unwrap().tasks.iter().map(|t| t.id));
    }
    ids
}

/// Claims until nothing is runnable, moving the clock a millisecond per claim.
async fn claim_all(store: &TaskStore, clock: &ManualClock) -> Vec<Uuid> {
    let mut order = Vec::new();
    while let Some(claimed) = store.claim_next("test-instance", LEASE).await.unwrap() {
        order.push(claimed.task.id);
        clock.advance(TimeDelta::milliseconds(1));
    }
    order
}

async fn owners_take_turns_and_each_queue_is_fifo(db: TestDb) {
    let (store, clock) = store(&db).await;
    let (busy, newcomer) = (OwnerId(Uuid::new_v4()), OwnerId(Uuid::new_v4()));
    let long = queue(&store, busy, &["a1", "a2", "a3", "a4", "a5"]).await;
    let first = queue(&store, newcomer, &["b1"]).await;
    let order = claim_all(&store, &clock).await;
    assert_eq!(order.len(), 6);
    let newcomer_at = order.iter().position(|id| *id == first[0]).unwrap();
    assert!(newcomer_at <= 1, "the newcomer waits for at most one slot: {newcomer_at}");
    let busy_order: Vec<_> = order.iter().filter(|id| long.contains(id)).copied().collect();
    assert_eq!(busy_order, long, "one owner's tasks run in submission order");
}

async fn moved_paused_and_cancelled_tasks(db: TestDb) {
    let (store, clock) = store(&db).await;
    let owner = OwnerId(Uuid::new_v4());
    let ids = queue(&store, owner, &["t1", "t2", "t3", "t4", "t5"]).await;
    store.move_task_to_front(owner, ids[2]).await.unwrap();
    store.cancel_task(owner, ids[3]).await.unwrap();

    store.pause(owner, true).await.unwrap();
    assert!(store.claim_next("i", LEASE).await.unwrap().is_none(), "a paused queue starts nothing");
    store.pause(owner, false).await.unwrap();

    let order = claim_all(&store, &clock).await;
    assert_eq!(order, [ids[2], ids[0], ids[1], ids[4]], "moved first, cancelled never");
}

async fn a_claim_leases_the_task_and_opens_attempt_one(db: TestDb) {
    let (store, clock) = store(&db).await;
    assert!(store.claim_next("i", LEASE).await.unwrap().is_none(), "nothing to claim");
    let owner = OwnerId(Uuid::new_v4());
    let id = queue(&store, owner, &["leased"]).await[0];
    let now = clock.now();
    let claimed = store.claim_next("instance-7", LEASE).await.unwrap().unwrap();
    assert_eq!((claimed.task.id, claimed.attempt, claimed.lease_expires_at), (id, 1, now + LEASE));
    assert_eq!(claimed.task.status, TaskStatus::Processing);
    assert_eq!((claimed.task.started_at, claimed.task.attempt_count), (Some(now), 1));
    let seen = store.find(owner, id).await.unwrap().unwrap();
    assert_eq!(seen.status, TaskStatus::Processing, "stored, not just returned");
    assert!(store.claim_next("i", LEASE).await.unwrap().is_none(), "a processing task is not claimed again");
}

async fn concurrent_claimers_never_share_a_task(db: TestDb) {
    let (store, _clock) = store(&db).await;
    let mut all = Vec::new();
    for n in 0..4 {
        let owner = OwnerId(Uuid::new_v4());
        all.extend(queue(&store, owner, &[&format!("{n}a"), &format!("{n}b"), &format!("{n}c")]).await);
    }
    let start = Arc::new(tokio::sync::Barrier::new(20));
    let claimers: Vec<_> = (0..20)
        .map(|i| {
            let (store, start) = (store.clone(), start.clone());
            tokio::spawn(async move {
                store.find(OwnerId(Uuid::nil()), Uuid::nil()).await.unwrap();
                start.wait().await;
                store.claim_next(&format!("instance-{i}"), LEASE).await.unwrap().map(|c| c.task.id)
            })
        })
        .collect();
    let mut claimed = Vec::new();
    for claimer in claimers {
        claimed.extend(claimer.await.unwrap());
    }
    claimed.sort();
    let before = claimed.len();
    claimed.dedup();
    assert_eq!((before, claimed.len()), (12, 12), "every task claimed exactly once");
    all.sort();
    assert_eq!(claimed, all);
}

async fn a_batch_claim_rotates_owners_like_single_claims(db: TestDb) {
    let (store, _clock) = store(&db).await;
    let (a, b) = (OwnerId(Uuid::new_v4()), OwnerId(Uuid::new_v4()));
    let a_ids = queue(&store, a, &["a1", "a2", "a3"]).await;
    let b_ids = queue(&store, b, &["b1"]).await;
    let batch: Vec<_> = store.claim("i", LEASE, 3).await.unwrap().into_iter().map(|c| c.task.id).collect();
    // Neither owner has had a turn, so either may go first; then they alternate.
    let first_turns = if batch[0] == a_ids[0] { [a_ids[0], b_ids[0]] } else { [b_ids[0], a_ids[0]] };
    assert_eq!(batch, [first_turns[0], first_turns[1], a_ids[1]], "one task per turn, each queue in order");
    // The next claim goes on with the rotation: b has nothing left, so a's last task.
    let rest: Vec<_> = store.claim("i", LEASE, 5).await.unwrap().into_iter().map(|c| c.task.id).collect();
    assert_eq!(rest, [a_ids[2]]);
    assert!(store.claim("i", LEASE, 0).await.unwrap().is_empty());
}

/// Deletes racing claims: a task is either deleted before any claim took it, or claimed
/// and then refused deletion (409, it is running); never claimed and deleted while it runs.
async fn a_delete_never_removes_a_task_a_claim_took(db: TestDb) {
    let (store, _clock) = store(&db).await;
    for _round in 0..4 {
        delete_while_claiming(&store, OwnerId(Uuid::new_v4())).await;
    }
}

async fn delete_while_claiming(store: &TaskStore, owner: OwnerId) {
    let prompts: Vec<String> = (0..60).map(|n| format!("race {n}")).collect();
    let ids = queue(store, owner, &prompts.iter().map(String::as_str).collect::<Vec<_>>()).await;
    let claimers: Vec<_> = (0..3)
        .map(|i| {
            let store = store.clone();
            tokio::spawn(async move {
                let mut claimed = Vec::new();
                while let Some(c) = store.claim_next(&format!("instance-{i}"), LEASE).await.unwrap() {
                    claimed.push(c.task.id);
                }
                claimed
            })
        })
        .collect();
    let deleter = {
        let (store, ids) = (store.clone(), ids.clone());
        // From the back of the queue, where the claims arrive last, so the two meet.
        tokio::spawn(async move {
            let mut deleted = Vec::new();
            for id in ids.into_iter().rev() {
                if store.delete_task(owner, id).await.is_ok() {
                    deleted.push(id);
                }
            }
            deleted
        })
    };
    let mut claimed = Vec::new();
    for claimer in claimers {
        claimed.extend(claimer.await.unwrap());
    }
    let deleted = deleter.await.unwrap();
    for id in &claimed {
        assert!(!deleted.contains(id), "task {id} was claimed, then deleted while it ran");
        let running = store.find(owner, *id).await.unwrap().expect("a claimed task is still there");
        assert_eq!(running.status, TaskStatus::Processing);
    }
    assert_eq!(claimed.len() + deleted.len(), ids.len(), "every task claimed or deleted");
}

/// The flood that gamed the old rotation ("never served" went first): an owner served
/// before submits again, then 30 owners that never existed submit one task each, a
/// millisecond apart. The earlier owner's task is next, and turns then go by who waited.
async fn fresh_owners_cannot_jump_an_owner_waiting_before_them(db: TestDb) {
    let (store, clock) = store(&db).await;
    let victim = OwnerId(Uuid::new_v4());
    queue(&store, victim, &["earlier work"]).await;
    assert_eq!(claim_all(&store, &clock).await.len(), 1, "the victim has had a turn");
    clock.advance(TimeDelta::seconds(10));
    let waiting = queue(&store, victim, &["victim's next"]).await;
    let mut flood = Vec::new();
    for i in 0..30 {
        clock.advance(TimeDelta::milliseconds(1));
        flood.extend(queue(&store, OwnerId(Uuid::new_v4()), &[&format!("flood {i}")]).await);
    }
    let order = claim_all(&store, &clock).await;
    assert_eq!(order.len(), 31);
    assert_eq!(order[0], waiting[0], "the owner that waited first goes first");
    assert_eq!(order[1..], flood[..], "then the newcomers, in the order they came");
}

/// Owners with nothing waiting are passed over, and resuming a queue that was never
/// paused leaves no row behind (requests that change nothing make no owners).
async fn idle_owners_are_passed_over_and_resuming_makes_no_owner(db: TestDb) {
    use sea_orm::{ConnectionTrait, Statement};
    let (store, clock) = store(&db).await;
    for _ in 0..1000 {
        store.pause(OwnerId(Uuid::new_v4()), false).await.unwrap();
    }
    let settings = server::config::Settings { database_url: db.url.clone(), ..Default::default() };
    let conn = server::db::connect(&settings).await.unwrap();
    let owners = || async {
        let count = Statement::from_string(conn.get_database_backend(), "SELECT COUNT(*) AS n FROM owners");
        conn.query_one_raw(count).await.unwrap().unwrap().try_get::<i64>("", "n").unwrap()
    };
    assert_eq!(owners().await, 0, "resuming writes nothing for an owner without a row");
    let idle: Vec<OwnerId> = (0..200).map(|_| OwnerId(Uuid::new_v4())).collect();
    for owner in &idle {
        queue(&store, *owner, &["done long ago"]).await;
    }
    assert_eq!(claim_all(&store, &clock).await.len(), 200);
    assert_eq!(owners().await, 200);
    let late = OwnerId(Uuid::new_v4());
    let id = queue(&store, late, &["the only waiting task"]).await;
    let claimed = store.claim_next("i", LEASE).await.unwrap().unwrap();
    assert_eq!((claimed.owner, claimed.task.id), (late, id[0]));
}

/// Within a workspace, people take turns: a batch of five queued first does not hold back
/// a colleague's first task by more than one task per person ahead; someone joining later
/// starts at the head of the queue, and someone who cancelled what they had queued starts
/// there too (their cancelled tasks do not count).
async fn people_of_a_workspace_take_turns(db: TestDb) {
    let (store, clock) = store(&db).await;
    let studio = OwnerId(Uuid::new_v4());
    let [ada, bo, cy, di] = ["ada", "bo", "cy", "di"].map(|name| Author { id: Uuid::new_v4(), name: name.into() });
    let a = queue_by(&store, studio, Some(&ada), &["a1\na2\na3\na4\na5"]).await;
    let b = queue_by(&store, studio, Some(&bo), &["b1"]).await;
    let c = queue_by(&store, studio, Some(&cy), &["c1", "c2"]).await;
    let a6 = queue_by(&store, studio, Some(&ada), &["a6"]).await;
    assert_eq!(a.len(), 5);

    let mut order = Vec::new();
    for _ in 0..4 {
        order.push(store.claim_next("i", LEASE).await.unwrap().unwrap().task.id);
    }
    assert_eq!(order, [a[0], b[0], c[0], a[1]], "one task of each person per round, in the order they came");
    let d = queue_by(&store, studio, Some(&di), &["d1"]).await;
    order.extend(claim_all(&store, &clock).await);
    assert_eq!(order, [a[0], b[0], c[0], a[1], c[1], d[0], a[2], a[3], a[4], a6[0]], "a newcomer joins this round");

    let again = queue_by(&store, studio, Some(&bo), &["b2\nb3\nb4"]).await;
    for id in &again {
        store.cancel_task(studio, *id).await.unwrap();
    }
    let later = queue_by(&store, studio, Some(&ada), &["a7\na8"]).await;
    let back = queue_by(&store, studio, Some(&bo), &["b5"]).await;
    let order = claim_all(&store, &clock).await;
    assert_eq!(order, [later[0], back[0], later[1]], "cancelled tasks hold no place");
}

/// The engine's hot path: a success records its completion and claims its slot's next
/// task in one transaction, in the same turn order as a claim of its own; a completion
/// refused by its fence claims nothing.
async fn a_completion_claims_the_next_turn_in_its_transaction(db: TestDb) {
    let (store, clock) = store(&db).await;
    let (busy, other) = (OwnerId(Uuid::new_v4()), OwnerId(Uuid::new_v4()));
    let long = queue(&store, busy, &["a1", "a2"]).await;
    clock.advance(TimeDelta::milliseconds(1));
    let single = queue(&store, other, &["b1"]).await;
    let first = store.claim_next("i", LEASE).await.unwrap().unwrap();
    assert_eq!(first.task.id, long[0]);

    clock.advance(TimeDelta::milliseconds(1));
    let refused = store.complete_and_claim(first.task.id, "someone else", None, LEASE, 1).await.unwrap();
    assert!(refused.0.is_none() && refused.1.is_empty(), "a refused completion claims nothing");

    let (done, next) = store.complete_and_claim(first.task.id, "i", None, LEASE, 1).await.unwrap();
    assert_eq!(done.unwrap().status, TaskStatus::Completed);
    assert_eq!(next.len(), 1);
    assert_eq!((next[0].owner, next[0].task.id, next[0].attempt), (other, single[0], 1), "the other owner's turn");
    assert_eq!(next[0].task.status, TaskStatus::Processing);

    clock.advance(TimeDelta::milliseconds(1));
    let (_, last) = store.complete_and_claim(single[0], "i", None, LEASE, 1).await.unwrap();
    assert_eq!(last.iter().map(|c| c.task.id).collect::<Vec<_>>(), [long[1]]);
    let (_, none) = store.complete_and_claim(long[1], "i", None, LEASE, 1).await.unwrap();
    assert!(none.is_empty(), "nothing left to claim");
    let details = store.details(other, single[0]).await.unwrap().unwrap();
    assert_eq!(details.attempts.len(), 1);
    assert_eq!(details.attempts[0].outcome.as_deref(), Some("completed"));
}
