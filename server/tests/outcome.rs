//! How attempts end, at the store: fenced completion, the retry schedule (1, 5, 15
//! minutes, then failed with the cause), permanent failures, cancel while running (and a
//! cancel racing the completion), lease renewal and the rescue of attempts whose instance
//! died, or whose instance starts again. Time moves by hand.

mod common;

use app::domain::{OwnerId, SubmitRequest, TaskStatus, TaskView};
use chrono::TimeDelta;
use common::TestDb;
use sea_orm::{ConnectionTrait, Database, DbBackend, Statement, TransactionTrait};
use server::clock::{Clock, ManualClock};
use server::failure::{Failure, FailureKind, RetryPolicy, Verdict, MAX_INTERRUPTIONS};
use server::{Expired, Lease, TaskStore};
use std::sync::Arc;
use uuid::Uuid;

on_both_databases!(
    completion_is_fenced_by_the_lease,
    outage_follows_the_schedule_then_fails_with_the_cause,
    permanent_failure_and_cancel_while_running,
    a_cancel_that_finds_the_task_completed_is_a_conflict,
    dead_instances_are_rescued_and_fenced_out,
    a_task_that_stops_its_server_every_time_fails_saying_so,
    released_tasks_are_runnable_again_at_once,
    progress_resets_when_an_attempt_ends_without_a_result,
);

const LEASE: TimeDelta = TimeDelta::seconds(30);

async fn setup(db: &TestDb) -> (TaskStore, Arc<ManualClock>, OwnerId, Uuid) {
    let settings = server::config::Settings { database_url: db.url.clone(), ..Default::default() };
    let clock = Arc::new(ManualClock::starting_now());
    let store = TaskStore::new(server::db::connect(&settings).await.unwrap(), clock.clone(), TimeDelta::zero());
    let owner = OwnerId(Uuid::new_v4());
    let request = SubmitRequest { kind: "image".into(), prompt: "a fox".into(), ..Default::default() };
    let id = store.create(owner, None, &request.validate().unwrap()).await.unwrap().tasks[0].id;
    (store, clock, owner, id)
}

async fn task(store: &TaskStore, owner: OwnerId, id: Uuid) -> TaskView {
    store.find(owner, id).await.unwrap().unwrap()
}

fn unavailable() -> Failure {
    Failure::Retryable { message: "HTTP 503".into(), after: None }
}

/// The default policy's verdict on `failure` for a task retried `retries` times, as the
/// engine judges it now.
fn judged(clock: &ManualClock, failure: &Failure, retries: u32) -> Verdict {
    RetryPolicy::default().judge(failure, retries, clock.now())
}

async fn completion_is_fenced_by_the_lease(db: TestDb) {
    let (store, _clock, owner, id) = setup(&db).await;
    store.claim_next("a", LEASE).await.unwrap().unwrap();
    assert!(store.complete(id, "b", None).await.unwrap().is_none(), "another instance cannot complete it");
    assert!(store.complete(id, "a", None).await.unwrap().is_some());
    let done = task(&store, owner, id).await;
    assert_eq!((done.status, done.progress), (TaskStatus::Completed, 100));
    assert!(done.finished_at.is_some());
    assert!(store.complete(id, "a", None).await.unwrap().is_none(), "completed once only");
}

async fn outage_follows_the_schedule_then_fails_with_the_cause(db: TestDb) {
    let (store, clock, owner, id) = setup(&db).await;
    for (retry, wait_minutes) in [(1, 1), (2, 5), (3, 15)] {
        let claimed = store.claim_next("a", LEASE).await.unwrap().expect("runnable");
        let failed_at = clock.now();
        let verdict = judged(&clock, &unavailable(), claimed.task.retry_count);
        assert!(store.fail(id, "a", &unavailable(), verdict).await.unwrap().is_some());
        let t = task(&store, owner, id).await;
        assert_eq!((t.status, t.retry_count), (TaskStatus::Retrying, retry));
        assert_eq!(t.next_retry_at, Some(failed_at + TimeDelta::minutes(wait_minutes)));
        assert_eq!(t.error.as_ref().map(|e| e.message.as_str()), Some("HTTP 503"));
        clock.advance(TimeDelta::minutes(wait_minutes) - TimeDelta::milliseconds(1));
        assert!(store.claim_next("a", LEASE).await.unwrap().is_none(), "not before it is due");
        clock.advance(TimeDelta::milliseconds(1));
    }
    let last = store.claim_next("a", LEASE).await.unwrap().expect("the last try");
    store.fail(id, "a", &unavailable(), judged(&clock, &unavailable(), last.task.retry_count)).await.unwrap();
    let t = task(&store, owner, id).await;
    assert_eq!((t.status, t.attempt_count), (TaskStatus::Failed, 4));
    let error = t.error.unwrap();
    assert_eq!(error.message, "Generation service unavailable after 3 retries: HTTP 503");
    assert!(store.claim_next("a", LEASE).await.unwrap().is_none(), "failed is final");
}

async fn permanent_failure_and_cancel_while_running(db: TestDb) {
    let (store, clock, owner, id) = setup(&db).await;
    store.claim_next("a", LEASE).await.unwrap().unwrap();
    let refused =
        Failure::Permanent { kind: FailureKind::ContentPolicy, message: "Refused by the safety filter.".into() };
    store.fail(id, "a", &refused, judged(&clock, &refused, 0)).await.unwrap();
    let t = task(&store, owner, id).await;
    assert_eq!((t.status, t.retry_count), (TaskStatus::Failed, 0));
    assert_eq!(t.error.unwrap().code, "content_policy");

    // Cancel while running: recorded first, the attempt's end then makes it cancelled...
    let again = store.retry_task(owner, None, id).await.unwrap().id;
    store.claim_next("a", LEASE).await.unwrap().unwrap();
    let (cancelling, _) = store.cancel_task(owner, again).await.unwrap();
    assert_eq!((cancelling.status, cancelling.cancel_requested), (TaskStatus::Processing, true));
    assert_eq!(store.renew_lease(again, "a", LEASE).await.unwrap(), Lease::CancelRequested, "the heartbeat sees it");
    store.fail(again, "a", &unavailable(), judged(&clock, &unavailable(), 0)).await.unwrap();
    assert_eq!(task(&store, owner, again).await.status, TaskStatus::Cancelled);
    // ...and so does a result that lands after the cancel was accepted, before the abort:
    // the completion is refused and the attempt ends cancelled, its result discarded.
    let third = store.retry_task(owner, None, again).await.unwrap().id;
    store.claim_next("a", LEASE).await.unwrap().unwrap();
    store.cancel_task(owner, third).await.unwrap();
    assert!(store.complete(third, "a", None).await.unwrap().is_none(), "an accepted cancel is never ignored");
    let cancelled = Failure::Permanent { kind: FailureKind::Cancelled, message: "Cancelled by the user.".into() };
    store.fail(third, "a", &cancelled, Verdict::Cancelled).await.unwrap().unwrap();
    let t = task(&store, owner, third).await;
    assert_eq!((t.status, t.result), (TaskStatus::Cancelled, None));
}

/// The race of a cancel with the attempt's completion, interleaved by hand: the cancel finds
/// the task running, and the completion commits before the cancel's request is written.
/// On PostgreSQL the completion holds the task's row until the cancel's request waits on
/// it (seen in `pg_stat_activity`), the very moment of the race; SQLite's single writer
/// runs the two one after the other. Either way the cancel is refused: it must never
/// answer 200 with a task that completed.
async fn a_cancel_that_finds_the_task_completed_is_a_conflict(db: TestDb) {
    let (store, _clock, owner, id) = setup(&db).await;
    store.claim_next("a", LEASE).await.unwrap().unwrap();
    let conn = Database::connect(&db.url).await.unwrap();
    let backend = conn.get_database_backend();
    let completing = conn.begin().await.unwrap();
    let complete = "UPDATE tasks SET status = 'completed', progress = 100, lease_owner = NULL, \
                    lease_expires_at = NULL, finished_at = updated_at WHERE id = $1";
    let sql = if backend == DbBackend::Sqlite { complete.replace('$', "?") } else { complete.to_owned() };
    completing.execute_raw(Statement::from_sql_and_values(backend, sql, [id.into()])).await.unwrap();

    let cancel = tokio::spawn({
        let store = store.clone();
        async move { store.cancel_task(owner, id).await }
    });
    if backend == DbBackend::Postgres {
        let waiting = Statement::from_string(
            backend,
            "SELECT COUNT(*) AS n FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock'",
        );
        let deadline = std::time::Instant::now() + std::time::Duration::from_secs(10);
        while conn.query_one_raw(waiting.clone()).await.unwrap().unwrap().try_get::<i64>("", "n").unwrap() == 0 {
            assert!(std::time::Instant::now() < deadline, "the cancel never waited on the completion");
            tokio::time::sleep(std::time::Duration::from_millis(5)).await;
        }
    }
    completing.commit().await.unwrap();

    let refused = cancel.await.unwrap().expect_err("a finished task cannot be cancelled");
    assert!(refused.to_string().contains("already completed"), "{refused}");
    let t = task(&store, owner, id).await;
    assert_eq!((t.status, t.cancel_requested), (TaskStatus::Completed, false));
}

async fn dead_instances_are_rescued_and_fenced_out(db: TestDb) {
    let (store, clock, owner, id) = setup(&db).await;
    store.claim_next("alive", LEASE).await.unwrap().unwrap();
    clock.advance(TimeDelta::seconds(20));
    assert_eq!(store.renew_lease(id, "alive", LEASE).await.unwrap(), Lease::Held, "the heartbeat extends the lease");
    clock.advance(TimeDelta::seconds(20));
    assert_eq!(store.expired_leases(None).await.unwrap(), Vec::new(), "a renewed lease is not rescued");
    assert_eq!(store.expired_leases(Some("another")).await.unwrap(), Vec::new(), "nor by another's start");
    let left = store.expired_leases(Some("alive")).await.unwrap();
    assert_eq!(left.len(), 1, "its own instance, starting again, takes it back at once");

    clock.advance(TimeDelta::seconds(11));
    let expired = store.expired_leases(None).await.unwrap();
    assert_eq!(expired, vec![Expired { id, instance: "alive".into(), retries: 0, interruptions: 0 }]);
    assert!(store.rescue(&expired[0], &stopped(), RetryPolicy::default().interrupted(0)).await.unwrap());
    let t = task(&store, owner, id).await;
    assert_eq!((t.status, t.retry_count), (TaskStatus::Pending, 0), "a crash is not the service's fault");
    assert!(store.complete(id, "alive", None).await.unwrap().is_none(), "the old instance is fenced out");
    assert_eq!(store.renew_lease(id, "alive", LEASE).await.unwrap(), Lease::Lost);
    let resumed = store.claim_next("next", LEASE).await.unwrap().expect("due at once");
    assert_eq!((resumed.task.id, resumed.attempt), (id, 2));
}

fn stopped() -> Failure {
    Failure::Interrupted { message: "the server running the attempt stopped".into() }
}

/// Interruptions are counted apart from the service's retries, and a task whose server
/// stops during every attempt fails in the end, saying so.
async fn a_task_that_stops_its_server_every_time_fails_saying_so(db: TestDb) {
    let (store, clock, owner, id) = setup(&db).await;
    for n in 0..MAX_INTERRUPTIONS {
        store.claim_next("doomed", LEASE).await.unwrap().expect("runnable again at once");
        clock.advance(LEASE + TimeDelta::seconds(1));
        let expired = store.expired_leases(None).await.unwrap();
        assert_eq!((expired.len(), expired[0].interruptions, expired[0].retries), (1, n, 0));
        let verdict = RetryPolicy::default().interrupted(expired[0].interruptions);
        assert!(store.rescue(&expired[0], &stopped(), verdict).await.unwrap());
    }
    let t = task(&store, owner, id).await;
    assert_eq!((t.status, t.retry_count), (TaskStatus::Failed, 0));
    let error = t.error.unwrap();
    assert_eq!(error.code, "interrupted");
    assert!(error.message.starts_with("The server stopped during 3 attempts"), "{}", error.message);
}

async fn released_tasks_are_runnable_again_at_once(db: TestDb) {
    let (store, _clock, owner, id) = setup(&db).await;
    store.claim_next("stopping", LEASE).await.unwrap().unwrap();
    assert!(store.release(id, "other").await.unwrap().is_none(), "only the holder releases");
    assert!(store.release(id, "stopping").await.unwrap().is_some());
    let t = task(&store, owner, id).await;
    assert_eq!((t.status, t.retry_count), (TaskStatus::Pending, 0), "a release is not a failure");
    let resumed = store.claim_next("next", LEASE).await.unwrap().expect("runnable at once");
    assert_eq!((resumed.task.id, resumed.attempt), (id, 2));
}

async fn progress_resets_when_an_attempt_ends_without_a_result(db: TestDb) {
    let (store, clock, owner, id) = setup(&db).await;
    store.claim_next("a", LEASE).await.unwrap().unwrap();
    assert!(store.set_progress(id, "a", 0, Some(3)).await.unwrap());
    assert_eq!(task(&store, owner, id).await.queued_at_service, Some(3), "its place in the service's queue");
    assert!(store.set_progress(id, "a", 84, None).await.unwrap());
    assert_eq!(task(&store, owner, id).await.queued_at_service, None, "it runs there now");
    store.release(id, "a").await.unwrap().unwrap();
    assert_eq!(task(&store, owner, id).await.progress, 0, "a task handed back starts again from nothing");

    store.claim_next("a", LEASE).await.unwrap().unwrap();
    assert!(store.set_progress(id, "a", 22, Some(1)).await.unwrap());
    store.fail(id, "a", &unavailable(), judged(&clock, &unavailable(), 0)).await.unwrap();
    let t = task(&store, owner, id).await;
    assert_eq!((t.status, t.progress), (TaskStatus::Retrying, 0), "a task waiting to retry shows no progress");
    assert_eq!(t.queued_at_service, None, "nor a place in the service's queue");
}
