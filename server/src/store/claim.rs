//! Claiming work for the engine: the next runnable task, fairly across owners (the owner
//! whose turn is oldest goes first, so one owner's long queue never holds another's
//! first task back by more than one slot) and in queue order within an owner (FIFO,
//! except tasks moved to the front). A claim makes the task `processing` under a lease
//! held by the claiming instance and opens its attempt, all in one write transaction;
//! on PostgreSQL the task row is taken `FOR UPDATE SKIP LOCKED`, so instances never
//! claim the same task.

use super::row::view;
use super::{placeholders, stmt, StoreError, TaskStore};
use crate::entity::task;
use crate::provider::RemoteJobId;
use app::domain::{OwnerId, TaskStatus, TaskView};
use chrono::{DateTime, TimeDelta, Utc};
use sea_orm::{ConnectionTrait, DatabaseTransaction, DbBackend, FromQueryResult, Value};
use std::collections::{HashMap, VecDeque};
use uuid::Uuid;

/// A task handed to an instance to run.
#[derive(Debug, Clone, PartialEq)]
pub struct Claimed {
    pub owner: OwnerId,
    pub task: TaskView,
    /// 1 for the first attempt.
    pub attempt: u32,
    pub lease_expires_at: DateTime<Utc>,
    /// The job an earlier attempt queued at the service (`<service>:<id>`), to resume.
    pub remote_job: Option<RemoteJobId>,
}

/// Tasks of owner `$1` that may start now, in queue order: its pending queue and its due
/// retries. Each is a range of the `(owner_id, status, queue_order, id)` index.
const PENDING: &str = "SELECT t.id, t.queue_order FROM tasks t \
    WHERE t.owner_id = $1 AND t.status = 'pending' AND t.cancel_requested_at IS NULL \
    ORDER BY t.queue_order, t.id";
const DUE_RETRIES: &str = "SELECT t.id, t.queue_order FROM tasks t \
    WHERE t.owner_id = $1 AND t.status = 'retrying' AND t.next_retry_at <= $2 AND t.cancel_requested_at IS NULL \
    ORDER BY t.queue_order, t.id";

/// How many owners with runnable work one claim looks at, in turn order (on PostgreSQL an
/// owner whose runnable tasks other claimers hold is passed over for the next).
const OWNER_CANDIDATES: u32 = 32;

impl TaskStore {
    /// Takes the next runnable task for `instance`, leased for `lease`; `None` when
    /// nothing is runnable now.
    pub async fn claim_next(&self, instance: &str, lease: TimeDelta) -> Result<Option<Claimed>, StoreError> {
        Ok(self.claim(instance, lease, 1).await?.pop())
    }

    /// Takes up to `max` runnable tasks for `instance` in one write transaction, in the
    /// order single claims would take them: owners in turn order (oldest last turn first),
    /// one task per turn, each owner's tasks in queue order. The writes are one statement
    /// each for the whole batch: the tasks, their attempts, the owners' turns.
    pub async fn claim(&self, instance: &str, lease: TimeDelta, max: usize) -> Result<Vec<Claimed>, StoreError> {
        if max == 0 {
            return Ok(Vec::new());
        }
        let txn = self.write_txn(None).await?;
        let now = self.clock.now();
        let picked = pick(&txn, now, max).await?;
        if picked.is_empty() {
            txn.commit().await?; // nothing was written
            return Ok(Vec::new());
        }
        let mut rows = self.lease_tasks(&txn, &picked, instance, now, now + lease).await?;
        open_attempts(&txn, &rows, instance, now).await?;
        take_turns(&txn, &picked, now).await?;
        txn.commit().await?;
        picked
            .iter()
            .map(|(owner, id)| {
                let row = rows.remove(id).ok_or(StoreError::NotFound)?;
                let attempt = row.attempt_count.max(1) as u32;
                let remote_job = row.remote_job_id.as_deref().and_then(RemoteJobId::parse);
                let task = view(row)?;
                debug_assert_eq!(task.status, TaskStatus::Processing);
                Ok(Claimed { owner: OwnerId(*owner), task, attempt, lease_expires_at: now + lease, remote_job })
            })
            .collect()
    }

    /// Makes the `picked` tasks `processing` under `instance`'s lease; returns their rows.
    async fn lease_tasks(
        &self,
        txn: &DatabaseTransaction,
        picked: &[(Uuid, Uuid)],
        instance: &str,
        now: DateTime<Utc>,
        expires: DateTime<Utc>,
    ) -> Result<HashMap<Uuid, task::Model>, StoreError> {
        let (image, video) = (&self.services.image, &self.services.video);
        let sql = format!(
            "UPDATE tasks SET status = 'processing', lease_owner = $1, lease_expires_at = $2, started_at = $3, \
             updated_at = $3, next_retry_at = NULL, progress = 0, attempt_count = attempt_count + 1, \
             provider = CASE WHEN kind = 'video' THEN $4 ELSE $5 END, \
             model = CASE WHEN kind = 'video' THEN $6 ELSE $7 END WHERE id IN ({}) RETURNING *",
            placeholders(8, picked.len())
        );
        let values: Vec<Value> = vec![
            instance.into(),
            expires.into(),
            now.into(),
            video.name.as_str().into(),
            image.name.as_str().into(),
            video.model.as_str().into(),
            image.model.as_str().into(),
        ];
        let ids = picked.iter().map(|(_, id)| Value::from(*id));
        let rows = txn.query_all_raw(stmt(txn.get_database_backend(), &sql, values.into_iter().chain(ids))).await?;
        rows.iter()
            .map(|r| task::Model::from_query_result(r, "").map(|row| (row.id, row)))
            .collect::<Result<_, _>>()
            .map_err(Into::into)
    }
}

/// The tasks to claim, as (owner, task), in claiming order: each owner's runnable tasks
/// are read for the first `max` owners in turn order that have any (no later owner gets a
/// turn in this batch), then dealt one per owner per round.
async fn pick(txn: &DatabaseTransaction, now: DateTime<Utc>, max: usize) -> Result<Vec<(Uuid, Uuid)>, StoreError> {
    let backend = txn.get_database_backend();
    let false_ = if backend == DbBackend::Postgres { "false" } else { "0" };
    let owners = txn
        .query_all_raw(stmt(
            backend,
            &format!(
                "SELECT o.owner_id FROM owners o WHERE o.paused = {false_} \
                 AND (EXISTS ({PENDING}) OR EXISTS ({DUE_RETRIES})) \
                 ORDER BY o.last_served_at IS NOT NULL, o.last_served_at, o.owner_id LIMIT {OWNER_CANDIDATES}"
            )
            .replace("$1", "o.owner_id")
            .replace("$2", "$1"),
            [Value::from(now)],
        ))
        .await?;
    let mut queues = Vec::new();
    for row in owners {
        if queues.len() == max {
            break;
        }
        let owner = row.try_get::<Uuid>("", "owner_id")?;
        let runnable = runnable(txn, owner, now, max).await?;
        if !runnable.is_empty() {
            queues.push((owner, VecDeque::from(runnable)));
        }
    }
    let mut picked = Vec::with_capacity(max);
    while picked.len() < max && queues.iter().any(|(_, q)| !q.is_empty()) {
        for (owner, queue) in &mut queues {
            if let Some(id) = queue.pop_front().filter(|_| picked.len() < max) {
                picked.push((*owner, id));
            }
        }
    }
    Ok(picked)
}

/// Up to `limit` of the owner's runnable tasks in queue order, locked on PostgreSQL
/// (passing over rows other claimers hold).
async fn runnable(
    txn: &DatabaseTransaction,
    owner: Uuid,
    now: DateTime<Utc>,
    limit: usize,
) -> Result<Vec<Uuid>, StoreError> {
    let backend = txn.get_database_backend();
    let lock = if backend == DbBackend::Postgres { " FOR UPDATE SKIP LOCKED" } else { "" };
    let mut found = Vec::new();
    for probe in [PENDING, DUE_RETRIES] {
        let probe = stmt(backend, &format!("{probe} LIMIT {limit}{lock}"), [owner.into(), now.into()]);
        for row in txn.query_all_raw(probe).await? {
            found.push((row.try_get::<i64>("", "queue_order")?, row.try_get::<Uuid>("", "id")?));
        }
    }
    found.sort_unstable();
    Ok(found.into_iter().take(limit).map(|(_, id)| id).collect())
}

/// Opens attempt `n` of each claimed task, `n` being its attempt count.
async fn open_attempts(
    txn: &DatabaseTransaction,
    rows: &HashMap<Uuid, task::Model>,
    instance: &str,
    now: DateTime<Utc>,
) -> Result<(), StoreError> {
    let mut values: Vec<Value> = vec![instance.into(), now.into()];
    let mut tuples = Vec::with_capacity(rows.len());
    for row in rows.values() {
        let n = values.len();
        tuples.push(format!("(${}, ${}, ${}, $1, $2)", n + 1, n + 2, n + 3));
        values.extend([Uuid::now_v7().into(), row.id.into(), row.attempt_count.max(1).into()]);
    }
    let sql = format!("INSERT INTO attempts (id, task_id, number, instance, started_at) VALUES {}", tuples.join(", "));
    txn.execute_raw(stmt(txn.get_database_backend(), &sql, values)).await?;
    Ok(())
}

/// Records each served owner's last turn, a millisecond apart in serving order (an owner
/// served twice counts at its later turn), so the next claim continues the rotation
/// where this one stopped.
async fn take_turns(txn: &DatabaseTransaction, picked: &[(Uuid, Uuid)], now: DateTime<Utc>) -> Result<(), StoreError> {
    let mut served: Vec<Uuid> = Vec::new();
    for (owner, _) in picked {
        served.retain(|o| o != owner);
        served.push(*owner);
    }
    let mut values: Vec<Value> = Vec::new();
    let mut cases = String::new();
    for (n, owner) in served.iter().enumerate() {
        cases.push_str(&format!(" WHEN ${} THEN ${}", 2 * n + 1, 2 * n + 2));
        values.extend([(*owner).into(), (now + TimeDelta::milliseconds(n as i64)).into()]);
    }
    let list = placeholders(values.len() + 1, served.len());
    values.extend(served.iter().map(|o| Value::from(*o)));
    let sql = format!("UPDATE owners SET last_served_at = CASE owner_id{cases} END WHERE owner_id IN ({list})");
    txn.execute_raw(stmt(txn.get_database_backend(), &sql, values)).await?;
    Ok(())
}
