//! Claiming work for the engine: the next runnable task, fairly across owners (the owner
//! whose turn is oldest goes first, so one owner's long queue never holds another's
//! first task back by more than one slot) and in queue order within an owner (FIFO,
//! except tasks moved to the front). A claim makes the task `processing` under a lease
//! held by the claiming instance and opens its attempt, all in one write transaction;
//! on PostgreSQL the task row is taken `FOR UPDATE SKIP LOCKED`, so instances never
//! claim the same task.

use super::row::view;
use super::{stmt, StoreError, TaskStore};
use crate::entity::task;
use app::domain::{OwnerId, TaskKind, TaskStatus, TaskView};
use chrono::{DateTime, TimeDelta, Utc};
use sea_orm::{ConnectionTrait, DatabaseTransaction, DbBackend, FromQueryResult, Value};
use std::collections::VecDeque;
use uuid::Uuid;

/// A generation service as recorded on a task: its name and the model asked for.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ServiceName {
    pub name: String,
    pub model: String,
}

/// Which service runs each kind of task.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Services {
    pub image: ServiceName,
    pub video: ServiceName,
}

/// A task handed to an instance to run.
#[derive(Debug, Clone, PartialEq)]
pub struct Claimed {
    pub owner: OwnerId,
    pub task: TaskView,
    /// 1 for the first attempt.
    pub attempt: u32,
    pub lease_expires_at: DateTime<Utc>,
}

/// A task of owner `$1` that may start now: the head of its pending queue or of its due
/// retries. Each is one probe of the `(owner_id, status, queue_order, id)` index.
const PENDING_HEAD: &str = "SELECT t.id, t.kind, t.queue_order FROM tasks t \
    WHERE t.owner_id = $1 AND t.status = 'pending' AND t.cancel_requested_at IS NULL \
    ORDER BY t.queue_order, t.id LIMIT 1";
const RETRY_HEAD: &str = "SELECT t.id, t.kind, t.queue_order FROM tasks t \
    WHERE t.owner_id = $1 AND t.status = 'retrying' AND t.next_retry_at <= $2 AND t.cancel_requested_at IS NULL \
    ORDER BY t.queue_order, t.id LIMIT 1";

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
    /// one task per turn, each owner's tasks in queue order.
    pub async fn claim(&self, instance: &str, lease: TimeDelta, max: usize) -> Result<Vec<Claimed>, StoreError> {
        if max == 0 {
            return Ok(Vec::new());
        }
        let txn = self.write_txn(None).await?;
        let backend = txn.get_database_backend();
        let now = self.clock.now();
        let false_ = if backend == DbBackend::Postgres { "false" } else { "0" };
        let owners = txn
            .query_all_raw(stmt(
                backend,
                &format!(
                    "SELECT o.owner_id FROM owners o WHERE o.paused = {false_} \
                     AND (EXISTS ({PENDING_HEAD}) OR EXISTS ({RETRY_HEAD})) \
                     ORDER BY o.last_served_at IS NOT NULL, o.last_served_at, o.owner_id LIMIT {OWNER_CANDIDATES}"
                )
                .replace("$1", "o.owner_id")
                .replace("$2", "$1"),
                [Value::from(now)],
            ))
            .await?;
        let mut turns =
            owners.iter().map(|row| row.try_get::<Uuid>("", "owner_id")).collect::<Result<VecDeque<_>, _>>()?;
        let (mut claimed, mut served) = (Vec::new(), Vec::new());
        while claimed.len() < max {
            let Some(owner) = turns.pop_front() else { break };
            let Some((id, kind)) = head(&txn, owner, now).await? else { continue };
            let service = if kind == TaskKind::Video.as_str() { &self.services.video } else { &self.services.image };
            let expires = now + lease;
            let returned = txn
                .query_one_raw(stmt(
                    backend,
                    "UPDATE tasks SET status = 'processing', lease_owner = $1, lease_expires_at = $2, \
                     started_at = $3, updated_at = $3, next_retry_at = NULL, progress = 0, \
                     attempt_count = attempt_count + 1, provider = $5, model = $6 WHERE id = $4 RETURNING *",
                    [
                        instance.into(),
                        expires.into(),
                        now.into(),
                        id.into(),
                        service.name.as_str().into(),
                        service.model.as_str().into(),
                    ],
                ))
                .await?
                .ok_or(StoreError::NotFound)?;
            let row = task::Model::from_query_result(&returned, "")?;
            let attempt = row.attempt_count.max(1) as u32;
            txn.execute_raw(stmt(
                backend,
                "INSERT INTO attempts (id, task_id, number, instance, started_at) VALUES ($1, $2, $3, $4, $5)",
                [Uuid::now_v7().into(), id.into(), (attempt as i32).into(), instance.into(), now.into()],
            ))
            .await?;
            let task = view(row)?;
            debug_assert_eq!(task.status, TaskStatus::Processing);
            claimed.push(Claimed { owner: OwnerId(owner), task, attempt, lease_expires_at: expires });
            served.retain(|o| *o != owner);
            served.push(owner);
            turns.push_back(owner);
        }
        // Each owner's last turn, a millisecond apart in serving order, so that the next
        // claim continues the rotation where this one stopped.
        for (n, owner) in served.iter().enumerate() {
            let turn = now + TimeDelta::milliseconds(n as i64);
            txn.execute_raw(stmt(
                backend,
                "UPDATE owners SET last_served_at = $1 WHERE owner_id = $2",
                [turn.into(), (*owner).into()],
            ))
            .await?;
        }
        txn.commit().await?;
        Ok(claimed)
    }
}

/// The owner's next task, locked on PostgreSQL (passing over rows other claimers hold):
/// the earlier in queue order of its pending head and its due-retry head.
async fn head(
    txn: &DatabaseTransaction,
    owner: Uuid,
    now: DateTime<Utc>,
) -> Result<Option<(Uuid, String)>, StoreError> {
    let backend = txn.get_database_backend();
    let lock = if backend == DbBackend::Postgres { " FOR UPDATE SKIP LOCKED" } else { "" };
    let mut heads = Vec::with_capacity(2);
    for probe in [PENDING_HEAD, RETRY_HEAD] {
        let probe = stmt(backend, &format!("{probe}{lock}"), [owner.into(), now.into()]);
        if let Some(head) = txn.query_one_raw(probe).await? {
            let order: i64 = head.try_get("", "queue_order")?;
            heads.push((order, head.try_get::<Uuid>("", "id")?, head.try_get::<String>("", "kind")?));
        }
    }
    Ok(heads.into_iter().min().map(|(_, id, kind)| (id, kind)))
}
