//! Indexed prompt search (the rule: `app::domain::search`). `tasks.prompt` becomes
//! `tasks.search_text`, the prompt folded to lower case, so both databases compare the
//! same text the browser does. Searches of three characters or more go through a trigram
//! index: on SQLite an FTS5 table (`task_search_fts`, trigram tokenizer, contentless)
//! whose integer rowids `task_search` maps to task ids (a rowid of `tasks` itself is not
//! stable across `VACUUM`), with the owner, kind and status each task has now, so that a
//! search's counts are read from the matches alone; all kept by triggers. Rowids are
//! grouped by owner ([`range_start`]), so a search never reads other workspaces' matches.
//! On PostgreSQL a `pg_trgm` GIN index that holds the owner's id too.
//! `task_grams` holds every one- and two-character CJK gram of every prompt, which a
//! trigram index cannot hold, keyed by owner first. Existing tasks are folded and indexed here.

use app::domain::{cjk_grams, fold};
use sea_orm::{ConnectionTrait, DatabaseBackend, FromQueryResult, Statement, Value};
use sea_orm_migration::{prelude::*, schema::*};
use uuid::Uuid;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum Tasks {
    Table,
    Id,
    OwnerId,
    Prompt,
    SearchText,
}

#[derive(DeriveIden)]
enum TaskGrams {
    Table,
    OwnerId,
    Gram,
    TaskId,
}

/// The first rowid of an owner's range in `task_search` (and `task_search_fts`): each
/// owner's rows sit in a range of 2^32 rowids picked by the last 28 bits of its id, so a
/// search reads the FTS doclists of that range alone, not every workspace's matches. (An
/// owner sharing its range with another is still told apart by `owner_id`.) The server
/// computes the same (`store/search.rs`).
fn range_start(owner: &str) -> String {
    let digits: Vec<String> = (0..7)
        .map(|i| format!("((instr('0123456789ABCDEF', substr(hex({owner}), {}, 1)) - 1) << {})", 26 + i, 4 * (6 - i)))
        .collect();
    format!("(({}) << 32)", digits.join(" | "))
}

/// The next free rowid in the owner's range.
fn next_rowid(owner: &str) -> String {
    let start = range_start(owner);
    format!(
        "(SELECT coalesce(max(id) + 1, {start}) FROM task_search WHERE id >= {start} AND id < {start} + 4294967296)"
    )
}

fn sqlite_up() -> String {
    let index = |task: &str| {
        format!(
            "INSERT INTO task_search (id, task_id, owner_id, kind, status) \
             VALUES ({}, {task}.id, {task}.owner_id, {task}.kind, {task}.status);\n\
             INSERT INTO task_search_fts (rowid, text) VALUES (last_insert_rowid(), {task}.search_text);",
            next_rowid(&format!("{task}.owner_id"))
        )
    };
    let unindex = "DELETE FROM task_search_fts WHERE rowid = (SELECT id FROM task_search WHERE task_id = old.id);\n\
                   DELETE FROM task_search WHERE task_id = old.id;";
    format!(
        "CREATE TABLE task_search (
            id INTEGER PRIMARY KEY, task_id BLOB NOT NULL UNIQUE, owner_id BLOB NOT NULL, kind TEXT NOT NULL,
            status TEXT NOT NULL
        );
        CREATE VIRTUAL TABLE task_search_fts USING fts5(
            text, content='', contentless_delete=1, tokenize='trigram case_sensitive 1'
        );
        CREATE TRIGGER task_search_insert AFTER INSERT ON tasks BEGIN {new} END;
        CREATE TRIGGER task_search_status AFTER UPDATE OF status ON tasks BEGIN
            UPDATE task_search SET status = new.status WHERE task_id = new.id;
        END;
        CREATE TRIGGER task_search_owner AFTER UPDATE OF owner_id ON tasks
            WHEN new.owner_id IS NOT old.owner_id BEGIN {unindex} {new} END;
        CREATE TRIGGER task_search_delete AFTER DELETE ON tasks BEGIN {unindex} END;",
        new = index("new"),
    )
}

/// Indexes one task stored before the triggers (its prompt folded already).
fn sqlite_backfill() -> String {
    format!(
        "INSERT INTO task_search (id, task_id, owner_id, kind, status) \
         SELECT {}, t.id, t.owner_id, t.kind, t.status FROM tasks t WHERE t.id = ?",
        next_rowid("t.owner_id")
    )
}

const SQLITE_DOWN: &str = "
DROP TRIGGER task_search_delete;
DROP TRIGGER task_search_owner;
DROP TRIGGER task_search_status;
DROP TRIGGER task_search_insert;
DROP TABLE task_search_fts;
DROP TABLE task_search;
";

/// One index of the owner's id and the trigrams of its prompts (`btree_gin` lets a GIN
/// index hold the id), so a search reads the owner's matches alone.
const POSTGRES_UP: &str = "
CREATE EXTENSION IF NOT EXISTS pg_trgm;
CREATE EXTENSION IF NOT EXISTS btree_gin;
CREATE INDEX idx_tasks_search_trgm ON tasks USING gin (owner_id, search_text gin_trgm_ops);
";

#[derive(FromQueryResult)]
struct Prompt {
    id: Uuid,
    owner_id: Uuid,
    search_text: Option<String>,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let rename = Table::alter().table(Tasks::Table).rename_column(Tasks::Prompt, Tasks::SearchText).to_owned();
        manager.alter_table(rename).await?;
        manager
            .create_table(
                Table::create()
                    .table(TaskGrams::Table)
                    .col(uuid(TaskGrams::OwnerId))
                    .col(string_len(TaskGrams::Gram, 8))
                    .col(uuid(TaskGrams::TaskId))
                    .primary_key(Index::create().col(TaskGrams::OwnerId).col(TaskGrams::Gram).col(TaskGrams::TaskId))
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_task_grams_task")
                            .from(TaskGrams::Table, TaskGrams::TaskId)
                            .to(Tasks::Table, Tasks::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await?;
        let by_task =
            Index::create().name("idx_task_grams_task").table(TaskGrams::Table).col(TaskGrams::TaskId).to_owned();
        manager.create_index(by_task).await?;
        let (conn, sqlite) = (manager.get_connection(), manager.get_database_backend() == DatabaseBackend::Sqlite);
        if sqlite {
            conn.execute_unprepared(&sqlite_up()).await?;
        }
        fold_and_index(manager).await?;
        if !sqlite {
            conn.execute_unprepared(POSTGRES_UP).await?;
        }
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let conn = manager.get_connection();
        match manager.get_database_backend() {
            DatabaseBackend::Postgres => conn.execute_unprepared("DROP INDEX idx_tasks_search_trgm").await?,
            _ => conn.execute_unprepared(SQLITE_DOWN).await?,
        };
        manager.drop_table(Table::drop().table(TaskGrams::Table).to_owned()).await?;
        let rename = Table::alter().table(Tasks::Table).rename_column(Tasks::SearchText, Tasks::Prompt).to_owned();
        manager.alter_table(rename).await
    }
}

/// Folds the prompts already stored and records their CJK grams, a thousand at a time;
/// on SQLite also puts each in the trigram index (in its owner's range).
async fn fold_and_index(manager: &SchemaManager<'_>) -> Result<(), DbErr> {
    let (conn, backend) = (manager.get_connection(), manager.get_database_backend());
    let mut after = Uuid::nil();
    loop {
        let page = Query::select()
            .columns([Tasks::Id, Tasks::OwnerId, Tasks::SearchText])
            .from(Tasks::Table)
            .and_where(Expr::col(Tasks::Id).gt(after))
            .order_by(Tasks::Id, Order::Asc)
            .limit(1000)
            .to_owned();
        let rows = Prompt::find_by_statement(backend.build(&page)).all(conn).await?;
        let Some(last) = rows.last() else { return Ok(()) };
        after = last.id;
        for row in rows {
            let folded = row.search_text.as_deref().map(fold);
            if folded != row.search_text {
                let update = Query::update()
                    .table(Tasks::Table)
                    .value(Tasks::SearchText, folded.clone())
                    .and_where(Expr::col(Tasks::Id).eq(row.id))
                    .to_owned();
                conn.execute(&update).await?;
            }
            if backend == DatabaseBackend::Sqlite {
                conn.execute_raw(Statement::from_sql_and_values(backend, sqlite_backfill(), [row.id.into()])).await?;
                let text = "INSERT INTO task_search_fts (rowid, text) SELECT id, ? FROM task_search WHERE task_id = ?";
                conn.execute_raw(Statement::from_sql_and_values(backend, text, [folded.clone().into(), row.id.into()]))
                    .await?;
            }
            let grams = folded.as_deref().map(cjk_grams).unwrap_or_default();
            if !grams.is_empty() {
                let mut insert = Query::insert();
                insert.into_table(TaskGrams::Table).columns([TaskGrams::OwnerId, TaskGrams::Gram, TaskGrams::TaskId]);
                for gram in grams {
                    let values = [Value::from(row.owner_id), Value::from(gram), Value::from(row.id)];
                    insert.values_panic(values.map(Into::into));
                }
                conn.execute(&insert).await?;
            }
        }
    }
}
