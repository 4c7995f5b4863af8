//! How an attempt fails, is handed back or is rescued, and the heartbeat's lease renewal
//! (success is `complete.rs`), written by the instance that claimed it. The store records
//! the ending the engine decided ([`Verdict`]); it never judges a failure itself. The one
//! fact it adds is the user's: a task whose cancel was recorded ends cancelled. Every
//! write is fenced (`WHERE id = ? AND status = 'processing' AND lease_owner = ?`): an
//! instance whose lease was rescued meanwhile changes nothing, and learns so from the
//! `None` or `false` it gets back.

use super::row::{next_version, view};
use super::{stmt, StoreError, TaskStore};
use crate::entity::{attempt, task};
use crate::failure::{Failure, Verdict};
use crate::provider::RemoteJobId;
use app::domain::{TaskStatus, TaskView};
use chrono::{DateTime, TimeDelta, Utc};
use sea_orm::sea_query::{Expr, SimpleExpr};
use sea_orm::{ColumnTrait, Condition, ConnectionTrait, EntityTrait, PaginatorTrait, QueryFilter};
use uuid::Uuid;

type Changes = Vec<(task::Column, SimpleExpr)>;

/// A running attempt whose lease ran out (its instance stopped renewing it: it died), or
/// whose instance is starting again (its previous process left it).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Expired {
    pub id: Uuid,
    /// The instance that held it.
    pub instance: String,
    /// How many times the task has been retried so far.
    pub retries: u32,
    /// How many earlier attempts of the task were interrupted so (their server stopped).
    pub interruptions: u32,
}

/// What the heartbeat learns about a running attempt.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Lease {
    /// Go on.
    Held,
    /// The user cancelled it: stop, and record it as cancelled.
    CancelRequested,
    /// Another instance rescued it (this one was presumed dead): stop, write nothing.
    Lost,
}

impl TaskStore {
    /// The attempt failed with `failure`, and the engine's `verdict` says what the task
    /// becomes (retrying at a time, or failed for good); a task whose cancel was requested
    /// becomes cancelled instead.
    pub async fn fail(
        &self,
        id: Uuid,
        instance: &str,
        failure: &Failure,
        verdict: Verdict,
    ) -> Result<Option<TaskView>, StoreError> {
        let error = failure.reason().to_owned();
        self.end_failed(id, instance, failure, verdict, error).await?.map(view).transpose()
    }

    /// Hands a running task back unfinished (the server is stopping): it is runnable again
    /// at once, as it was before the claim, and the attempt is closed as `released`.
    pub async fn release(&self, id: Uuid, instance: &str) -> Result<Option<TaskView>, StoreError> {
        let Some(row) = self.held(id, instance).await? else { return Ok(None) };
        let now = self.clock.now();
        let changes =
            if row.cancel_requested_at.is_some() { finished(TaskStatus::Cancelled, now) } else { requeued(&row, now) };
        let error = Some("the server stopped; the task resumes on the next start".to_owned());
        self.end_attempt(id, instance, changes, "released", error).await?.map(view).transpose()
    }

    /// Extends the lease of a running attempt (the heartbeat) and says whether the
    /// attempt should go on.
    pub async fn renew_lease(&self, id: Uuid, instance: &str, lease: TimeDelta) -> Result<Lease, StoreError> {
        let until = self.clock.now() + lease;
        let renewed =
            fenced(id, instance).col_expr(task::Column::LeaseExpiresAt, Expr::value(until)).exec(&self.db).await?;
        if renewed.rows_affected == 0 {
            return Ok(Lease::Lost);
        }
        let cancelled = task::Entity::find_by_id(id)
            .filter(task::Column::CancelRequestedAt.is_not_null())
            .one(&self.db)
            .await?
            .is_some();
        Ok(if cancelled { Lease::CancelRequested } else { Lease::Held })
    }

    /// Records the job a running attempt queued at the service (`None`: forget it, the
    /// next attempt submits anew), so that an attempt after a restart resumes it.
    pub async fn set_remote_job(
        &self,
        id: Uuid,
        instance: &str,
        job: Option<&RemoteJobId>,
    ) -> Result<bool, StoreError> {
        let job = job.map(RemoteJobId::to_string);
        let set = fenced(id, instance).col_expr(task::Column::RemoteJobId, Expr::value(job)).exec(&self.db).await?;
        Ok(set.rows_affected == 1)
    }

    /// Records a running attempt's progress (0 to 100) and where its job waits in the
    /// service's own queue, if it waits there.
    pub async fn set_progress(
        &self,
        id: Uuid,
        instance: &str,
        progress: u8,
        queued_at_service: Option<u32>,
    ) -> Result<bool, StoreError> {
        let position = queued_at_service.map(|p| i32::try_from(p).unwrap_or(i32::MAX));
        let set = fenced(id, instance)
            .col_expr(task::Column::Progress, Expr::value(i16::from(progress.min(100))))
            .col_expr(task::Column::ServiceQueuePosition, Expr::value(position))
            .exec(&self.db)
            .await?;
        Ok(set.rows_affected == 1)
    }

    /// Running attempts whose lease has run out (their instance died), and with
    /// `restarting`, every one that instance holds: it is starting, so what it holds its
    /// previous process left.
    pub async fn expired_leases(&self, restarting: Option<&str>) -> Result<Vec<Expired>, StoreError> {
        let left = Condition::any()
            .add(task::Column::LeaseExpiresAt.lt(self.clock.now()))
            .add_option(restarting.map(|instance| task::Column::LeaseOwner.eq(instance)));
        let expired = task::Entity::find()
            .filter(task::Column::Status.eq(TaskStatus::Processing.as_str()))
            .filter(left)
            .all(&self.db)
            .await?;
        let mut found = Vec::with_capacity(expired.len());
        for row in expired {
            let Some(instance) = row.lease_owner else { continue };
            let interruptions = attempt::Entity::find()
                .filter(attempt::Column::TaskId.eq(row.id))
                .filter(attempt::Column::Outcome.eq("interrupted"))
                .count(&self.db)
                .await?;
            let (retries, interruptions) = (row.retry_count.max(0) as u32, interruptions as u32);
            found.push(Expired { id: row.id, instance, retries, interruptions });
        }
        Ok(found)
    }

    /// Ends an expired attempt as the engine judged it (`failure`, `verdict`), or
    /// `cancelled` if that was asked; `false` when its instance renewed or ended it
    /// meanwhile.
    pub async fn rescue(&self, expired: &Expired, failure: &Failure, verdict: Verdict) -> Result<bool, StoreError> {
        let error = failure.reason().to_owned();
        Ok(self.end_failed(expired.id, &expired.instance, failure, verdict, error).await?.is_some())
    }

    /// Records a failed attempt's ending (see [`fail`](Self::fail)); `error` is the
    /// attempt's own record of what went wrong.
    async fn end_failed(
        &self,
        id: Uuid,
        instance: &str,
        failure: &Failure,
        verdict: Verdict,
        error: String,
    ) -> Result<Option<task::Model>, StoreError> {
        let Some(row) = self.held(id, instance).await? else { return Ok(None) };
        let (changes, outcome) = after_failure(&row, failure, verdict, self.clock.now());
        self.end_attempt(id, instance, changes, outcome, Some(error)).await
    }

    /// The task, if `instance` still holds it.
    async fn held(&self, id: Uuid, instance: &str) -> Result<Option<task::Model>, StoreError> {
        Ok(task::Entity::find_by_id(id)
            .filter(task::Column::Status.eq(TaskStatus::Processing.as_str()))
            .filter(task::Column::LeaseOwner.eq(instance))
            .one(&self.db)
            .await?)
    }

    /// Applies `changes` to the task, fenced on `instance`'s lease, and closes the attempt;
    /// returns the changed row, or `None` when the fence kept it unchanged.
    async fn end_attempt(
        &self,
        id: Uuid,
        instance: &str,
        changes: Changes,
        outcome: &str,
        error: Option<String>,
    ) -> Result<Option<task::Model>, StoreError> {
        let now = self.clock.now();
        let txn = self.write_txn(None).await?;
        let mut update = fenced(id, instance)
            .col_expr(task::Column::LeaseOwner, Expr::value(Option::<String>::None))
            .col_expr(task::Column::LeaseExpiresAt, Expr::value(Option::<DateTime<Utc>>::None))
            .col_expr(task::Column::UpdatedAt, Expr::value(now))
            .col_expr(task::Column::Version, next_version())
            // Ended without a result: the next attempt starts from nothing.
            .col_expr(task::Column::Progress, Expr::value(0i16))
            .col_expr(task::Column::ServiceQueuePosition, Expr::value(Option::<i32>::None));
        for (column, value) in changes {
            update = update.col_expr(column, value);
        }
        let Some(row) = update.exec_with_returning(&*txn).await?.pop() else { return Ok(None) };
        let close = stmt(
            txn.get_database_backend(),
            "UPDATE attempts SET finished_at = $1, outcome = $2, error_message = $3 \
             WHERE task_id = $4 AND instance = $5 AND finished_at IS NULL",
            [now.into(), outcome.into(), error.into(), id.into(), instance.into()],
        );
        txn.execute_raw(close).await?;
        txn.commit().await?;
        Ok(Some(row))
    }
}

fn fenced(id: Uuid, instance: &str) -> sea_orm::UpdateMany<task::Entity> {
    task::Entity::update_many()
        .filter(task::Column::Id.eq(id))
        .filter(task::Column::Status.eq(TaskStatus::Processing.as_str()))
        .filter(task::Column::LeaseOwner.eq(instance))
}

fn finished(status: TaskStatus, now: DateTime<Utc>) -> Changes {
    vec![
        (task::Column::Status, Expr::value(status.as_str())),
        (task::Column::FinishedAt, Expr::value(now)),
        (task::Column::NextRetryAt, Expr::value(Option::<DateTime<Utc>>::None)),
    ]
}

/// Runnable again at once, as before the claim: `pending`, or `retrying` due now for a
/// task retried before (its retry count kept).
fn requeued(row: &task::Model, now: DateTime<Utc>) -> Changes {
    if row.retry_count > 0 {
        vec![
            (task::Column::Status, Expr::value(TaskStatus::Retrying.as_str())),
            (task::Column::NextRetryAt, Expr::value(now)),
        ]
    } else {
        vec![(task::Column::Status, Expr::value(TaskStatus::Pending.as_str()))]
    }
}

/// The changes a judged failure makes, and the attempt's outcome.
fn after_failure(
    row: &task::Model,
    failure: &Failure,
    verdict: Verdict,
    now: DateTime<Utc>,
) -> (Changes, &'static str) {
    // The user's cancel, once recorded, wins over whatever the attempt came to.
    let verdict = if row.cancel_requested_at.is_some() { Verdict::Cancelled } else { verdict };
    let outcome = failure.outcome();
    match verdict {
        Verdict::Retry { retry, at, cause } => {
            let changes = vec![
                (task::Column::Status, Expr::value(TaskStatus::Retrying.as_str())),
                (task::Column::RetryCount, Expr::value(retry as i32)),
                (task::Column::NextRetryAt, Expr::value(at)),
                (task::Column::ErrorCode, Expr::value(cause)),
                (task::Column::ErrorMessage, Expr::value(failure.reason())),
            ];
            (changes, outcome)
        }
        Verdict::Cancelled => (finished(TaskStatus::Cancelled, now), "cancelled"),
        Verdict::Requeue => (requeued(row, now), outcome),
        Verdict::Fail { code, message } => {
            let mut changes = finished(TaskStatus::Failed, now);
            changes.push((task::Column::ErrorCode, Expr::value(code)));
            changes.push((task::Column::ErrorMessage, Expr::value(message)));
            (changes, outcome)
        }
    }
}
