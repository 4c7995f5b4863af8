//! The pending tasks of each person in a workspace, by queue order: a partial index (only
//! pending rows), from which a new task's place in fair turns is read (the server's
//! `store/turns.rs`): the person's last pending task, in one probe.

use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .get_connection()
            .execute_unprepared(
                "CREATE INDEX idx_tasks_person_pending ON tasks (owner_id, submitted_by, queue_order) \
                 WHERE status = 'pending'",
            )
            .await
            .map(drop)
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager.get_connection().execute_unprepared("DROP INDEX idx_tasks_person_pending").await.map(drop)
    }
}
