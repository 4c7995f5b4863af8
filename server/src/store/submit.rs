//! Accepting a submission: return an earlier one's tasks when the idempotency key or the
//! dedup window says it is the same submission, otherwise store one pending task per
//! variant. Check and insert share one write transaction, so concurrent identical
//! submissions cannot both miss the check.

use super::batch::Batch;
use super::row::{new_row, view};
use super::{turns, Budget, StoreError, TaskStore};
use crate::entity::{spending, submission, task, workspace};
use app::domain::{Author, OwnerId, Submission, SubmitResponse};
use sea_orm::{ActiveValue::Set, ColumnTrait, DatabaseTransaction, EntityTrait, QueryFilter, QueryOrder};
use uuid::Uuid;

impl TaskStore {
    /// Stores the submission's tasks, or returns the earlier identical submission's.
    pub async fn create(
        &self,
        owner: OwnerId,
        by: Option<&Author>,
        submission: &Submission,
    ) -> Result<SubmitResponse, StoreError> {
        let txn = self.write_txn(Some(owner)).await?;
        let now = self.clock.now();
        let request_hash = submission.fingerprint();
        let mut earlier = None;
        if let Some(key) = &submission.idempotency_key {
            earlier = submission::Entity::find()
                .filter(submission::Column::OwnerId.eq(owner.0))
                .filter(submission::Column::IdempotencyKey.eq(key.as_str()))
                .one(&*txn)
                .await?;
        }
        if earlier.is_none() && self.dedup_window > chrono::TimeDelta::zero() {
            earlier = submission::Entity::find()
                .filter(submission::Column::OwnerId.eq(owner.0))
                .filter(submission::Column::RequestHash.eq(request_hash.as_str()))
                .filter(submission::Column::CreatedAt.gt(now - self.dedup_window))
                .order_by_desc(submission::Column::CreatedAt)
                .one(&*txn)
                .await?;
        }
        if let Some(earlier) = earlier {
            let tasks = tasks_of(&txn, earlier.id).await?;
            txn.commit().await?;
            return Ok(SubmitResponse { tasks, deduplicated: true });
        }

        // The submission recorded, its number taken and its first turn read: one batch.
        let submission_id = Uuid::now_v7();
        let mut opening = Batch::default();
        opening.push(
            "INSERT INTO submissions (id, owner_id, idempotency_key, request_hash, variants, created_at) \
             VALUES ($1, $2, $3, $4, $5, $6)",
            [
                submission_id.into(),
                owner.0.into(),
                submission.idempotency_key.clone().into(),
                request_hash.into(),
                (submission.variants.get() as i32).into(),
                now.into(),
            ],
        );
        let (seq, turn) = turns::number_and_turn(&txn, owner, by, opening).await?;
        let (random_seed, mut asked) = (Uuid::new_v4().as_u128() as u32, 0);
        let rows: Vec<task::Model> = (turn..)
            .zip(submission.expand(random_seed))
            .map(|(queue_order, task)| {
                asked += self.cost_of(&task.params);
                let mut row = new_row(owner, by, submission_id, &task.params, task.fingerprint, now, seq);
                (row.variant, row.variants) = (Some(task.variant.number as i32), Some(task.variant.of as i32));
                row.queue_order = queue_order;
                row
            })
            .collect();
        self.spend(&txn, owner, by, asked, now).await?;
        // Not batched, and in a few shapes (`insert_shapes`): each connection keeps every
        // statement text it prepares.
        for chunk in super::insert_shapes(&rows) {
            task::Entity::insert_many(chunk.iter().cloned().map(task::ActiveModel::from))
                .exec_without_returning(&*txn)
                .await?;
        }
        super::search::record_grams(&*txn, &rows).await?;
        txn.commit().await?;
        let tasks = rows.into_iter().map(view).collect::<Result<_, _>>()?;
        Ok(SubmitResponse { tasks, deduplicated: false })
    }
}

impl TaskStore {
    /// Charges `units` of paid work queued in `owner` by `by` to today's budgets: the
    /// person's (a member's user id, or a guest's owner id: one budget in every workspace
    /// they spend in) while the server has one, and the workspace's own while its owners
    /// set one. `OverBudget`, charging nothing, if either would be passed. Runs in the
    /// caller's write transaction, which holds the workspace's lock; on PostgreSQL it also
    /// takes the person's (always after the workspace's, so no two transactions wait on
    /// each other), so two submissions from two workspaces of one person cannot both pass.
    pub(super) async fn spend(
        &self,
        txn: &DatabaseTransaction,
        owner: OwnerId,
        by: Option<&Author>,
        units: u32,
        now: chrono::DateTime<chrono::Utc>,
    ) -> Result<(), StoreError> {
        if units == 0 {
            return Ok(());
        }
        let day = Day::of(now);
        if self.daily_budget > 0 {
            let spender = by.map_or(owner.0, |author| author.id);
            super::lock_on_postgres(txn, spender).await?;
            charge(txn, spender, &day, units, i64::from(self.daily_budget), Budget::Person).await?;
        }
        let own = workspace::Entity::find_by_id(owner.0).one(txn).await?.and_then(|w| w.daily_budget);
        if let Some(budget) = own {
            charge(txn, owner.0, &day, units, budget, Budget::Workspace).await?;
        }
        Ok(())
    }
}

/// A UTC day: its key in `spending`, and how long until the next one.
struct Day {
    key: String,
    renews_in: u64,
}

impl Day {
    fn of(now: chrono::DateTime<chrono::Utc>) -> Self {
        let midnight = (now.date_naive() + chrono::Days::new(1)).and_time(chrono::NaiveTime::MIN).and_utc();
        Self { key: now.format("%Y-%m-%d").to_string(), renews_in: (midnight - now).num_seconds().max(1) as u64 }
    }
}

/// Adds `units` to what `payer` spent on `day`, unless that passes `budget`.
async fn charge(
    txn: &DatabaseTransaction,
    payer: Uuid,
    day: &Day,
    units: u32,
    budget: i64,
    whose: Budget,
) -> Result<(), StoreError> {
    let row = spending::Entity::find_by_id((payer, day.key.clone())).one(txn).await?;
    let spent = row.as_ref().map_or(0, |r| r.units);
    if spent + i64::from(units) > budget {
        return Err(StoreError::OverBudget { spent, budget, asked: units, renews_in: day.renews_in, whose });
    }
    let total =
        spending::ActiveModel { owner_id: Set(payer), day: Set(day.key.clone()), units: Set(spent + i64::from(units)) };
    match row {
        Some(_) => spending::Entity::update(total).exec(txn).await.map(drop)?,
        None => spending::Entity::insert(total).exec_without_returning(txn).await.map(drop)?,
    }
    Ok(())
}

async fn tasks_of(txn: &DatabaseTransaction, submission_id: Uuid) -> Result<Vec<app::domain::TaskView>, StoreError> {
    let rows = task::Entity::find()
        .filter(task::Column::SubmissionId.eq(submission_id))
        .order_by_asc(task::Column::Id)
        .all(txn)
        .await?;
    rows.into_iter().map(view).collect()
}
