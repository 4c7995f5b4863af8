//! Prompt search in the store (the rule: `app::domain::search`): narrowing a query of
//! tasks to those whose folded prompt contains a search, through the index that
//! [`Lookup`] names, and recording a new task's CJK grams. The trigram indexes keep
//! themselves (SQLite triggers, a PostgreSQL GIN index; migration 15).

use crate::entity::task::{Column, Entity as Tasks};
use crate::entity::{task, task_gram};
use app::domain::{cjk_grams, Lookup};
use sea_orm::sea_query::{Expr, ExprTrait, LikeExpr, Query};
use sea_orm::{ActiveValue::Set, ColumnTrait, ConnectionTrait, DbBackend, DbErr, EntityTrait, QueryFilter, Select};

/// Rows per insert: far below either database's limit on bound values.
const GRAMS_PER_INSERT: usize = 2_000;

/// `scope` narrowed to the tasks whose prompt contains `search` (any case).
pub(super) fn matching(scope: Select<Tasks>, search: &str, backend: DbBackend) -> Select<Tasks> {
    match Lookup::of(search) {
        Lookup::Trigrams(text) if backend == DbBackend::Sqlite => {
            // An FTS5 phrase of trigrams is exactly a substring; `"` is the one character
            // a quoted phrase escapes.
            let phrase = format!("\"{}\"", text.replace('"', "\"\""));
            scope.filter(Expr::cust_with_values(
                "tasks.id IN (SELECT task_id FROM task_search WHERE id IN \
                 (SELECT rowid FROM task_search_fts WHERE task_search_fts MATCH ?))",
                [phrase],
            ))
        }
        // PostgreSQL's trigram index serves `LIKE` itself; short Latin text is scanned.
        Lookup::Trigrams(text) | Lookup::Scan(text) => {
            let pattern = format!("%{}%", text.replace('\\', "\\\\").replace('%', "\\%").replace('_', "\\_"));
            scope.filter(Expr::col(Column::SearchText).like(LikeExpr::new(pattern).escape('\\')))
        }
        Lookup::Grams(gram) => {
            let tasks = Query::select()
                .column(task_gram::Column::TaskId)
                .from(task_gram::Entity)
                .and_where(task_gram::Column::Gram.eq(gram))
                .to_owned();
            scope.filter(Column::Id.in_subquery(tasks))
        }
    }
}

/// Records the CJK grams of new tasks, in the transaction that inserts them.
pub(super) async fn record_grams(db: &impl ConnectionTrait, tasks: &[task::Model]) -> Result<(), DbErr> {
    let rows: Vec<task_gram::ActiveModel> = tasks
        .iter()
        .flat_map(|task| {
            let grams = task.search_text.as_deref().map(cjk_grams).unwrap_or_default();
            grams.into_iter().map(|gram| task_gram::ActiveModel { gram: Set(gram), task_id: Set(task.id) })
        })
        .collect();
    for chunk in rows.chunks(GRAMS_PER_INSERT) {
        task_gram::Entity::insert_many(chunk.to_vec()).exec_without_returning(db).await?;
    }
    Ok(())
}
