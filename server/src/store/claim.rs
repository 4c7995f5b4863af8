//! Claiming work for the engine: the next runnable task, fairly across owners and in queue
//! order within an owner (FIFO, except tasks moved to the front). An owner's turn comes at
//! the later of its last turn and the moment its oldest runnable task began to wait; the
//! earliest turn goes first. So one owner's long queue never holds another's first task
//! back by more than one slot, and a flood of new owners cannot jump an owner that was
//! waiting before them (a new owner's turn is when it submitted, not "never served").
//! The owners looked at are those with waiting work, found from the tasks' index one
//! owner at a time: a claim's cost follows what waits, not how many owners exist. A claim makes the task `processing` under a lease
//! held by the claiming instance and opens its attempt, all in one write transaction;
//! on PostgreSQL the task row is taken `FOR UPDATE SKIP LOCKED`, so instances never
//! claim the same task.

use super::batch::Batch;
use super::row::view;
use super::{placeholders, stmt, StoreError, TaskStore};
use crate::entity::task;
use crate::provider::RemoteJobId;
use app::domain::{OwnerId, TaskStatus, TaskView};
use chrono::{DateTime, TimeDelta, Utc};
use sea_orm::{ConnectionTrait, DatabaseTransaction, DbBackend, FromQueryResult, QueryResult, Value};
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
const OWNER_CANDIDATES: usize = 32;

/// Every owner with a pending task (walking the `(status, owner_id, created_at)` index one
/// owner at a time), or a due retry, with when its oldest such task began to wait, its
/// last turn, and whether its queue is paused.
const WAITING_OWNERS: &str = "WITH RECURSIVE pending_owners(owner_id) AS ( \
        SELECT (SELECT t.owner_id FROM tasks t WHERE t.status = 'pending' ORDER BY t.owner_id LIMIT 1) \
        UNION ALL \
        SELECT (SELECT t.owner_id FROM tasks t WHERE t.status = 'pending' AND t.owner_id > p.owner_id \
                ORDER BY t.owner_id LIMIT 1) \
        FROM pending_owners p WHERE p.owner_id IS NOT NULL \
    ), waiting(owner_id) AS ( \
        SELECT owner_id FROM pending_owners WHERE owner_id IS NOT NULL \
        UNION SELECT t.owner_id FROM tasks t WHERE t.status = 'retrying' AND t.next_retry_at <= $1 \
    ) \
    SELECT w.owner_id, o.last_served_at, o.paused, \
        (SELECT MIN(t.created_at) FROM tasks t WHERE t.status = 'pending' AND t.owner_id = w.owner_id \
            AND t.cancel_requested_at IS NULL) AS pending_since, \
        (SELECT MIN(t.next_retry_at) FROM tasks t WHERE t.status = 'retrying' AND t.owner_id = w.owner_id \
            AND t.next_retry_at <= $1 AND t.cancel_requested_at IS NULL) AS retry_since \
    FROM waiting w LEFT JOIN owners o ON o.owner_id = w.owner_id";

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
        let claimed = self.claim_in(&txn, instance, self.clock.now(), lease, max, None, Batch::default()).await?;
        txn.commit().await?; // nothing was written if nothing was claimed
        Ok(claimed)
    }

    /// [`claim`](Self::claim)'s work in the caller's write transaction, with the writes
    /// of `tail` sent along with its own (one batch: the tasks leased, their attempts
    /// opened, the owners' turns taken, then `tail`'s; `tail` alone if nothing is claimed).
    /// `owners`: the rows of the waiting owners' read ([`push_waiting_owners`]) if the
    /// caller sent it along with statements of its own; read here otherwise.
    #[allow(clippy::too_many_arguments)]
    pub(super) async fn claim_in(
        &self,
        txn: &DatabaseTransaction,
        instance: &str,
        now: DateTime<Utc>,
        lease: TimeDelta,
        max: usize,
        owners: Option<Vec<QueryResult>>,
        tail: Batch,
    ) -> Result<Vec<Claimed>, StoreError> {
        let picked = if max == 0 { Vec::new() } else { pick(txn, now, max, owners).await? };
        let mut writes = Batch::default();
        if !picked.is_empty() {
            writes.push(self.lease_tasks(picked.len()), self.lease_values(&picked, instance, now, now + lease));
            open_attempts(&mut writes, &picked, instance, now);
            take_turns(&mut writes, &picked, now);
        }
        writes.append(tail);
        let mut rows: HashMap<Uuid, task::Model> = writes
            .run(txn)
            .await?
            .iter()
            .map(|r| task::Model::from_query_result(r, "").map(|row| (row.id, row)))
            .collect::<Result<_, _>>()?;
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

    /// The statement that makes `n` picked tasks `processing` under a lease, returning
    /// their rows; its values are [`lease_values`](Self::lease_values).
    fn lease_tasks(&self, n: usize) -> String {
        format!(
            "UPDATE tasks SET status = 'processing', lease_owner = $1, lease_expires_at = $2, started_at = $3, \
             updated_at = $3, version = version + 1, next_retry_at = NULL, progress = 0, service_queue_position = NULL, \
             attempt_count = attempt_count + 1, \
             provider = CASE WHEN kind = 'video' THEN $4 ELSE $5 END, \
             model = CASE WHEN kind = 'video' THEN $6 ELSE $7 END WHERE id IN ({}) RETURNING *",
            placeholders(8, n)
        )
    }

    fn lease_values(
        &self,
        picked: &[(Uuid, Uuid)],
        instance: &str,
        now: DateTime<Utc>,
        expires: DateTime<Utc>,
    ) -> Vec<Value> {
        let (image, video) = (&self.services.image, &self.services.video);
        let values: Vec<Value> = vec![
            instance.into(),
            expires.into(),
            now.into(),
            video.name.as_str().into(),
            image.name.as_str().into(),
            video.model.as_str().into(),
            image.model.as_str().into(),
        ];
        values.into_iter().chain(picked.iter().map(|(_, id)| Value::from(*id))).collect()
    }
}

/// The tasks to claim, as (owner, task), in claiming order: each owner's runnable tasks
/// are read for the first `max` owners in turn order that have any (no later owner gets a
/// turn in this batch), then dealt one per owner per round.
async fn pick(
    txn: &DatabaseTransaction,
    now: DateTime<Utc>,
    max: usize,
    owners: Option<Vec<QueryResult>>,
) -> Result<Vec<(Uuid, Uuid)>, StoreError> {
    let owners = match owners {
        Some(rows) => rows,
        None => {
            let mut read = Batch::default();
            push_waiting_owners(&mut read, now);
            read.run(txn).await?
        }
    };
    let mut queues = Vec::new();
    for owner in turn_order(owners)? {
        if queues.len() == max {
            break;
        }
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

/// Adds the read of every owner with waiting work at `now` to a batch: one row each,
/// with an `owner_id` and no `id` column.
pub(super) fn push_waiting_owners(batch: &mut Batch, now: DateTime<Utc>) {
    batch.push(WAITING_OWNERS, [Value::from(now)]);
}

/// Of the waiting owners' rows, the first [`OWNER_CANDIDATES`] unpaused owners, earliest
/// turn first: an owner's turn is the later of its last turn and when its oldest runnable
/// task began to wait; at the same moment, an owner not served yet goes first.
fn turn_order(rows: Vec<QueryResult>) -> Result<Vec<Uuid>, StoreError> {
    let mut turns = Vec::with_capacity(rows.len());
    for row in rows {
        if row.try_get::<Option<bool>>("", "paused")?.unwrap_or(false) {
            continue;
        }
        let since = [
            row.try_get::<Option<DateTime<Utc>>>("", "pending_since")?,
            row.try_get::<Option<DateTime<Utc>>>("", "retry_since")?,
        ];
        let Some(since) = since.into_iter().flatten().min() else { continue }; // all cancelled
        let served = row.try_get::<Option<DateTime<Utc>>>("", "last_served_at")?;
        let turn = served.map_or(since, |served| served.max(since));
        turns.push(((turn, served.is_some(), served), row.try_get::<Uuid>("", "owner_id")?));
    }
    turns.sort_unstable();
    Ok(turns.into_iter().take(OWNER_CANDIDATES).map(|(_, owner)| owner).collect())
}

/// Up to `limit` of the owner's runnable tasks in queue order, locked on PostgreSQL
/// (passing over rows other claimers hold). SQLite reads both ranges in one statement;
/// PostgreSQL locks rows in each of its two.
async fn runnable(
    txn: &DatabaseTransaction,
    owner: Uuid,
    now: DateTime<Utc>,
    limit: usize,
) -> Result<Vec<Uuid>, StoreError> {
    let backend = txn.get_database_backend();
    let probes = match backend {
        DbBackend::Postgres => {
            [PENDING, DUE_RETRIES].map(|probe| format!("{probe} LIMIT {limit} FOR UPDATE SKIP LOCKED")).to_vec()
        }
        _ => vec![format!(
            "SELECT * FROM ({PENDING} LIMIT {limit}) UNION ALL SELECT * FROM ({DUE_RETRIES} LIMIT {limit})"
        )],
    };
    let mut found = Vec::new();
    for probe in probes {
        for row in txn.query_all_raw(stmt(backend, &probe, [owner.into(), now.into()])).await? {
            found.push((row.try_get::<i64>("", "queue_order")?, row.try_get::<Uuid>("", "id")?));
        }
    }
    found.sort_unstable();
    Ok(found.into_iter().take(limit).map(|(_, id)| id).collect())
}

/// Opens attempt `n` of each claimed task, `n` being its attempt count (as the lease,
/// earlier in the batch, left it).
fn open_attempts(writes: &mut Batch, picked: &[(Uuid, Uuid)], instance: &str, now: DateTime<Utc>) {
    let mut values: Vec<Value> = vec![instance.into(), now.into()];
    let mut tuples = Vec::with_capacity(picked.len());
    for (_, task) in picked {
        let n = values.len();
        tuples.push(format!(
            "(${}, ${}, (SELECT attempt_count FROM tasks WHERE id = ${}), $1, $2)",
            n + 1,
            n + 2,
            n + 2
        ));
        values.extend([Uuid::now_v7().into(), (*task).into()]);
    }
    let sql = format!("INSERT INTO attempts (id, task_id, number, instance, started_at) VALUES {}", tuples.join(", "));
    writes.push(sql, values);
}

/// Records each served owner's last turn, a millisecond apart in serving order (an owner
/// served twice counts at its later turn), so the next claim continues the rotation
/// where this one stopped.
fn take_turns(writes: &mut Batch, picked: &[(Uuid, Uuid)], now: DateTime<Utc>) {
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
    writes.push(sql, values);
}
