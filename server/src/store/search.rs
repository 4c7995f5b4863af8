//! Prompt search in the store (the rule: `app::domain::search`): narrowing a query of
//! tasks to those whose folded prompt contains a search, through the index that
//! [`Lookup`] names, and recording a new task's CJK grams. The trigram indexes keep
//! themselves (SQLite triggers, a PostgreSQL GIN index; migration 15).

use crate::entity::task::{Column, Entity as Tasks};
use crate::entity::{task, task_gram};
use app::domain::{cjk_grams, ListFilter, Lookup, OwnerId};
use sea_orm::sea_query::{Expr, ExprTrait, LikeExpr, Query};
use sea_orm::{
    ActiveValue::Set, ColumnTrait, ConnectionTrait, DatabaseConnection, DbBackend, DbErr, EntityTrait, QueryFilter,
    Select, Statement, TryGetableMany, Value,
};
use uuid::Uuid;

/// The FTS query of the owner's rows matching `text`; its values: the phrase and the
/// owner's range of rowids.
const OWN_MATCHES: &str =
    "SELECT rowid FROM task_search_fts WHERE task_search_fts MATCH ? AND rowid >= ? AND rowid <= ?";

/// The owner's range of rowids in `task_search`, as migration 15's `range_start` computes
/// it: the last 28 bits of the id, times 2^32.
fn own_range(owner: OwnerId) -> [i64; 2] {
    let start = ((owner.0.as_u128() & 0x0FFF_FFFF) as i64) << 32;
    [start, start + (1 << 32) - 1]
}

/// `scope` (the owner's tasks) narrowed to those whose prompt contains the search that
/// `lookup` routes.
pub(super) fn matching(scope: Select<Tasks>, owner: OwnerId, lookup: &Lookup, backend: DbBackend) -> Select<Tasks> {
    match lookup {
        Lookup::Trigrams(text) if backend == DbBackend::Sqlite => {
            let [from, to] = own_range(owner);
            let sql = format!("tasks.id IN (SELECT task_id FROM task_search WHERE id IN ({OWN_MATCHES}))");
            scope.filter(Expr::cust_with_values(sql, [Value::from(phrase(text)), from.into(), to.into()]))
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
                .and_where(task_gram::Column::OwnerId.eq(owner.0))
                .and_where(task_gram::Column::Gram.eq(gram.as_str()))
                .to_owned();
            scope.filter(Column::Id.in_subquery(tasks))
        }
    }
}

/// On SQLite, a search that an index answers, evaluated once for the whole page: the
/// counts per status of its matches (under the list's kind), and the ids of the page
/// (under its status and cursor, newest first, at most `limit`). Both come from one
/// statement over the matches, read from `task_search`, which keeps each task's owner,
/// kind and status beside the FTS rowid: through `tasks`, a count walked all the owner's
/// rows, and evaluating the match once for the counts and again for the page doubled
/// the cost of a common word. `None`: the page's own query answers.
pub(super) async fn searched(
    db: &DatabaseConnection,
    owner: OwnerId,
    lookup: &Lookup,
    filter: &ListFilter,
    limit: usize,
) -> Result<Option<Searched>, DbErr> {
    if db.get_database_backend() != DbBackend::Sqlite {
        return Ok(None);
    }
    let mut values: Vec<Value> = vec![owner.0.into()];
    let matches = match lookup {
        Lookup::Trigrams(text) => {
            values.extend([phrase(text).into()].into_iter().chain(own_range(owner).map(Value::from)));
            format!("id IN ({OWN_MATCHES})")
        }
        Lookup::Grams(gram) => {
            values.extend([owner.0.into(), gram.as_str().into()]);
            "task_id IN (SELECT task_id FROM task_grams WHERE owner_id = ? AND gram = ?)".to_owned()
        }
        Lookup::Scan(_) => return Ok(None),
    };
    let mut sql =
        format!("WITH m AS MATERIALIZED (SELECT task_id, status FROM task_search WHERE owner_id = ? AND {matches}");
    if let Some(kind) = filter.kind {
        sql.push_str(" AND kind = ?");
        values.push(kind.as_str().into());
    }
    sql.push_str(
        ") SELECT status, count(*) AS n, NULL AS task_id FROM m GROUP BY status \
         UNION ALL SELECT * FROM (SELECT NULL, NULL, task_id FROM m WHERE 1",
    );
    if let Some(status) = filter.status {
        sql.push_str(" AND status = ?");
        values.push(status.as_str().into());
    }
    if let Some(before) = filter.before {
        sql.push_str(" AND task_id < ?");
        values.push(before.into());
    }
    sql.push_str(" ORDER BY task_id DESC LIMIT ?)");
    values.push((limit as i64).into());
    let mut found = Searched::default();
    for row in db.query_all_raw(Statement::from_sql_and_values(DbBackend::Sqlite, sql, values)).await? {
        match row.try_get_by_index::<Option<Uuid>>(2)? {
            Some(id) => found.ids.push(id),
            None => found.counts.push(<(String, i64)>::try_get_many_by_index(&row)?),
        }
    }
    Ok(Some(found))
}

/// What [`searched`] found: counts per status, and the page's ids, newest first.
#[derive(Debug, Default)]
pub(super) struct Searched {
    pub counts: Vec<(String, i64)>,
    pub ids: Vec<Uuid>,
}

/// An FTS5 phrase of the text: with trigrams, exactly a substring. `"` is the one
/// character a quoted phrase escapes.
fn phrase(text: &str) -> String {
    format!("\"{}\"", text.replace('"', "\"\""))
}

/// Records the CJK grams of new tasks, in the transaction that inserts them.
pub(super) async fn record_grams(db: &impl ConnectionTrait, tasks: &[task::Model]) -> Result<(), DbErr> {
    let rows: Vec<task_gram::ActiveModel> = tasks
        .iter()
        .flat_map(|task| {
            let grams = task.search_text.as_deref().map(cjk_grams).unwrap_or_default();
            grams.into_iter().map(|gram| task_gram::ActiveModel {
                owner_id: Set(task.owner_id),
                gram: Set(gram),
                task_id: Set(task.id),
            })
        })
        .collect();
    for chunk in super::insert_shapes(&rows) {
        task_gram::Entity::insert_many(chunk.to_vec()).exec_without_returning(db).await?;
    }
    Ok(())
}
