//! Prompt search: `tasks.prompt`, the task's prompt as plain text (it also sits inside
//! `params`), filled in for the tasks already there.

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum Tasks {
    Table,
    Prompt,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let column = text_null(Tasks::Prompt);
        manager.alter_table(Table::alter().table(Tasks::Table).add_column(column).to_owned()).await?;
        let fill = match manager.get_database_backend() {
            sea_orm::DatabaseBackend::Postgres => "UPDATE tasks SET prompt = params->>'prompt'",
            _ => "UPDATE tasks SET prompt = json_extract(params, '$.prompt')",
        };
        manager.get_connection().execute_unprepared(fill).await?;
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager.alter_table(Table::alter().table(Tasks::Table).drop_column(Tasks::Prompt).to_owned()).await
    }
}
