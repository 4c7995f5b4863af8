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
use super::StoreError;
use app::domain::{Author, OwnerId};
use sea_orm::{DatabaseTransaction, QueryResult, Value};

/// The owner's next creation number (`next_seq`) and the queue order of the first of
/// `by`'s next tasks in `owner` (the next ones count on from it), in one call after the
/// statements of `before` (which return no rows: a submission's insert, say). The turn
/// is one after their last pending task, else the head of the queue (the lowest pending
/// order), else 0; guests and tasks queued by no one are one person.
pub(super) async fn number_and_turn(
    txn: &DatabaseTransaction,
    owner: OwnerId,
    by: Option<&Author>,
    mut before: Batch,
) -> Result<(i64, i64), StoreError> {
    super::push_next_seq(&mut before, owner);
    push_first_turn(&mut before, owner, by);
    let read = before.run(txn).await?;
    Ok((super::seq_of(read.first())?, turn_of(read.get(1))?))
}

fn push_first_turn(batch: &mut Batch, owner: OwnerId, by: Option<&Author>) {
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

fn turn_of(row: Option<&QueryResult>) -> Result<i64, StoreError> {
    let Some(row) = row else { return Ok(0) };
    let last = row.try_get::<Option<i64>>("", "last")?;
    let head = row.try_get::<Option<i64>>("", "head")?;
    Ok(last.map_or(head.unwrap_or(0), |last| last + 1))
}
