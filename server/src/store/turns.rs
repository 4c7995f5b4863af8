//! Fair turns among the people of a workspace. Workspaces take turns at the engine
//! (`claim.rs`); within one, tasks run in queue order, `(queue_order, id)`. That order is
//! given here, when a task is queued, so that people take turns: a person's tasks are
//! numbered on from their last pending one, and a person with nothing pending starts at
//! the head of the workspace's queue. So each number is a round in which everyone
//! waiting has one task, and one person's batch of 500 never holds a colleague's first
//! task back by more than one task per person ahead of them. Claiming stays a read of
//! one index range; the cost is one read here, on the partial index of pending tasks by
//! person (migration 16). A task moved to the front gets a number below the head.

use super::batch::Batch;
use app::domain::{Author, OwnerId};
use sea_orm::{DatabaseTransaction, DbErr, QueryResult, Value};

/// The queue order of the first of `by`'s next tasks in `owner` (the next ones count on
/// from it): one after their last pending task, else the head of the queue (the lowest
/// pending order), else 0. Guests and tasks queued by no one are one person.
pub(super) async fn first_turn(txn: &DatabaseTransaction, owner: OwnerId, by: Option<&Author>) -> Result<i64, DbErr> {
    let mut read = Batch::default();
    push_first_turn(&mut read, owner, by);
    turn_of(read.run(txn).await?.first())
}

/// Adds [`first_turn`]'s read to a batch: one row, for [`turn_of`].
pub(super) fn push_first_turn(batch: &mut Batch, owner: OwnerId, by: Option<&Author>) {
    let (person, values): (&str, Vec<Value>) = match by {
        Some(author) => ("submitted_by = $2", vec![owner.0.into(), author.id.into()]),
        None => ("submitted_by IS NULL", vec![owner.0.into()]),
    };
    let sql = format!(
        "SELECT (SELECT MAX(queue_order) FROM tasks WHERE owner_id = $1 AND status = 'pending' AND {person}) AS last, \
         (SELECT MIN(queue_order) FROM tasks WHERE owner_id = $1 AND status = 'pending') AS head"
    );
    batch.push(sql, values);
}

/// The first turn, from the row of [`push_first_turn`]'s read.
pub(super) fn turn_of(row: Option<&QueryResult>) -> Result<i64, DbErr> {
    let Some(row) = row else { return Ok(0) };
    let last = row.try_get::<Option<i64>>("", "last")?;
    let head = row.try_get::<Option<i64>>("", "head")?;
    Ok(last.map_or(head.unwrap_or(0), |last| last + 1))
}
