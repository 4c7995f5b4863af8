//! Indexed prompt search (the rule: `app::domain::search`). `tasks.prompt` becomes
//! `tasks.search_text`, the prompt folded to lower case, so both databases compare the
//! same text the browser does. Searches of three characters or more go through a trigram
//! index: on SQLite an FTS5 table (`task_search_fts`, trigram tokenizer, contentless)
//! whose integer rowids `task_search` maps to task ids (a rowid of `tasks` itself is not
//! stable across `VACUUM`), with the owner, kind and status each task has now, so that a
//! search's counts are read from the matches alone; all kept by triggers. On PostgreSQL a
//! `pg_trgm` GIN index.
//! `task_grams` holds every one- and two-character CJK gram of every prompt, which a
//! trigram index cannot hold. Existing tasks are folded and indexed here.

use app::domain::{cjk_grams, fold};
use sea_orm::{ConnectionTrait, DatabaseBackend, FromQueryResult, Value};
use sea_orm_migration::{prelude::*, schema::*};
use uuid::Uuid;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum Tasks {
    Table,
    Id,
    Prompt,
    SearchText,
}

#[derive(DeriveIden)]
enum TaskGrams {
    Table,
    Gram,
    TaskId,
}

const SQLITE_UP: &str = "
CREATE TABLE task_search (
    id INTEGER PRIMARY KEY, task_id BLOB NOT NULL UNIQUE, owner_id BLOB NOT NULL, kind TEXT NOT NULL,
    status TEXT NOT NULL
);
CREATE VIRTUAL TABLE task_search_fts USING fts5(
    text, content='', contentless_delete=1, tokenize='trigram case_sensitive 1'
);
CREATE TRIGGER task_search_insert AFTER INSERT ON tasks BEGIN
    INSERT INTO task_search (task_id, owner_id, kind, status) VALUES (new.id, new.owner_id, new.kind, new.status);
    INSERT INTO task_search_fts (rowid, text) VALUES (last_insert_rowid(), new.search_text);
END;
CREATE TRIGGER task_search_update AFTER UPDATE OF status, owner_id ON tasks BEGIN
    UPDATE task_search SET status = new.status, owner_id = new.owner_id WHERE task_id = new.id;
END;
CREATE TRIGGER task_search_delete AFTER DELETE ON tasks BEGIN
    DELETE FROM task_search_fts WHERE rowid = (SELECT id FROM task_search WHERE task_id = old.id);
    DELETE FROM task_search WHERE task_id = old.id;
END;
INSERT INTO task_search (task_id, owner_id, kind, status) SELECT id, owner_id, kind, status FROM tasks ORDER BY id;
INSERT INTO task_search_fts (rowid, text)
    SELECT s.id, t.search_text FROM task_search s JOIN tasks t ON t.id = s.task_id;
";

const SQLITE_DOWN: &str = "
DROP TRIGGER task_search_delete;
DROP TRIGGER task_search_update;
DROP TRIGGER task_search_insert;
DROP TABLE task_search_fts;
DROP TABLE task_search;
";

const POSTGRES_UP: &str = "
CREATE EXTENSION IF NOT EXISTS pg_trgm;
CREATE INDEX idx_tasks_search_trgm ON tasks USING gin (search_text gin_trgm_ops);
";

#[derive(FromQueryResult)]
struct Prompt {
    id: Uuid,
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
                    .col(string_len(TaskGrams::Gram, 8))
                    .col(uuid(TaskGrams::TaskId))
                    .primary_key(Index::create().col(TaskGrams::Gram).col(TaskGrams::TaskId))
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
        fold_and_gram(manager).await?;
        let conn = manager.get_connection();
        match manager.get_database_backend() {
            DatabaseBackend::Postgres => conn.execute_unprepared(POSTGRES_UP).await.map(drop),
            _ => conn.execute_unprepared(SQLITE_UP).await.map(drop),
        }
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

/// Folds the prompts already stored and records their CJK grams, a thousand at a time.
async fn fold_and_gram(manager: &SchemaManager<'_>) -> Result<(), DbErr> {
    let (conn, backend) = (manager.get_connection(), manager.get_database_backend());
    let mut after = Uuid::nil();
    loop {
        let page = Query::select()
            .columns([Tasks::Id, Tasks::SearchText])
            .from(Tasks::Table)
            .and_where(Expr::col(Tasks::Id).gt(after))
            .order_by(Tasks::Id, Order::Asc)
            .limit(1000)
            .to_owned();
        let rows = Prompt::find_by_statement(backend.build(&page)).all(conn).await?;
        let Some(last) = rows.last() else { return Ok(()) };
        after = last.id;
        for row in rows {
            let Some(text) = row.search_text else { continue };
            let folded = fold(&text);
            if folded != text {
                let update = Query::update()
                    .table(Tasks::Table)
                    .value(Tasks::SearchText, folded)
                    .and_where(Expr::col(Tasks::Id).eq(row.id))
                    .to_owned();
                conn.execute(&update).await?;
            }
            let grams = cjk_grams(&text);
            if !grams.is_empty() {
                let mut insert = Query::insert();
                insert.into_table(TaskGrams::Table).columns([TaskGrams::Gram, TaskGrams::TaskId]);
                for gram in grams {
                    insert.values_panic([Value::from(gram).into(), Value::from(row.id).into()]);
                }
                conn.execute(&insert).await?;
            }
        }
    }
}
