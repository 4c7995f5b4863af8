//! Prompt search in the store (the rule: `app::domain::search`): a search's page and its
//! counts in one statement through the index that [`Lookup`] names (`searched`), or the
//! scan of a short Latin search (`containing`); and a new task's CJK grams recorded. The
//! trigram indexes keep themselves (SQLite triggers, a PostgreSQL GIN index; migration 15).

use super::batch::Batch;
use crate::entity::task::{Column, Entity as Tasks};
use crate::entity::{task, task_gram};
use app::domain::{cjk_grams, ListFilter, Lookup, OwnerId};
use sea_orm::sea_query::{Expr, ExprTrait, LikeExpr};
use sea_orm::{
    ActiveValue::Set, ConnectionTrait, DatabaseConnection, DbBackend, DbErr, EntityTrait, QueryFilter, Select,
    TryGetableMany, Value,
};
use uuid::Uuid;

/// The owner's range of rowids in `task_search`, as migration 15's `range_start` computes
/// it: the last 28 bits of the id, times 2^32.
fn own_range(owner: OwnerId) -> [i64; 2] {
    let start = ((owner.0.as_u128() & 0x0FFF_FFFF) as i64) << 32;
    [start, start + (1 << 32) - 1]
}

/// `scope` (the owner's tasks) narrowed to those whose folded prompt contains `text`: the
/// scan for a short Latin search ([`Lookup::Scan`]), which no index answers.
pub(super) fn containing(scope: Select<Tasks>, text: &str) -> Select<Tasks> {
    scope.filter(Expr::col(Column::SearchText).like(LikeExpr::new(like_pattern(text)).escape('\\')))
}

/// A search that an index answers, evaluated once for the whole page: the counts per
/// status of its matches (under the list's kind), and the ids of the page (under its
/// status and cursor, newest first, at most `limit`), from one statement over the
/// matches. Evaluating the match once for the counts and again for the page doubled the
/// cost of a common word. On SQLite the matches are read from `task_search`, which keeps
/// each task's owner, kind and status beside the FTS rowid (through `tasks`, a count
/// walked all the owner's rows); on PostgreSQL from `tasks` through its trigram index.
/// `None` for a short Latin search (a scan): the page's own query answers.
pub(super) async fn searched(
    db: &DatabaseConnection,
    owner: OwnerId,
    lookup: &Lookup,
    filter: &ListFilter,
    limit: usize,
) -> Result<Option<Searched>, DbErr> {
    let sqlite = db.get_database_backend() == DbBackend::Sqlite;
    let mut values: Vec<Value> = vec![owner.0.into()];
    let mut bind = |value: Value| {
        values.push(value);
        format!("${}", values.len())
    };
    let mut sql = match lookup {
        Lookup::Scan(_) => return Ok(None),
        Lookup::Trigrams(text) if sqlite => {
            let [from, to] = own_range(owner).map(|n| bind(n.into()));
            let phrase = bind(phrase(text).into());
            format!(
                "SELECT task_id, status FROM task_search WHERE owner_id = $1 AND id IN (SELECT rowid FROM \
                 task_search_fts WHERE task_search_fts MATCH {phrase} AND rowid >= {from} AND rowid <= {to})"
            )
        }
        Lookup::Trigrams(text) => {
            let pattern = bind(like_pattern(text).into());
            format!("SELECT id AS task_id, status FROM tasks WHERE owner_id = $1 AND search_text LIKE {pattern} ESCAPE '\\'")
        }
        Lookup::Grams(gram) => {
            let gram = bind(gram.as_str().into());
            let (from, id) = if sqlite { ("task_search", "task_id") } else { ("tasks", "id") };
            format!(
                "SELECT {id} AS task_id, status FROM {from} WHERE owner_id = $1 AND {id} IN \
                 (SELECT task_id FROM task_grams WHERE owner_id = $1 AND gram = {gram})"
            )
        }
    };
    if let Some(kind) = filter.kind {
        sql = format!("{sql} AND kind = {}", bind(kind.as_str().into()));
    }
    let mut page = String::from("SELECT CAST(NULL AS TEXT), CAST(NULL AS BIGINT), task_id FROM m WHERE 1 = 1");
    if let Some(status) = filter.status {
        page = format!("{page} AND status = {}", bind(status.as_str().into()));
    }
    if let Some(before) = filter.before {
        page = format!("{page} AND task_id < {}", bind(before.into()));
    }
    let limit = bind((limit as i64).into());
    let sql = format!(
        "WITH m AS MATERIALIZED ({sql}) SELECT status, count(*) AS n, NULL AS task_id FROM m GROUP BY status \
         UNION ALL SELECT * FROM ({page} ORDER BY task_id DESC LIMIT {limit}) AS page"
    );
    let mut read = Batch::default();
    read.push(sql, values);
    let mut found = Searched::default();
    for row in read.run(db).await? {
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

/// A `LIKE` pattern (escaped with `\`) of the text anywhere.
fn like_pattern(text: &str) -> String {
    format!("%{}%", text.replace('\\', "\\\\").replace('%', "\\%").replace('_', "\\_"))
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
