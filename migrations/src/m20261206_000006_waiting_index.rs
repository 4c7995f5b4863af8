//! Indexes for claiming by waiting work: the owners with pending tasks are found by
//! walking `(status, owner_id, created_at)` one owner at a time (and each one's oldest
//! pending task read from it), due retries by `(status, next_retry_at)`. So a claim costs
//! what is waiting, never a scan of every owner.

use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum Tasks {
    Table,
    Status,
    OwnerId,
    CreatedAt,
    NextRetryAt,
}

const INDEXES: [&str; 2] = ["idx_tasks_waiting", "idx_tasks_due"];

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let columns = [vec![Tasks::Status, Tasks::OwnerId, Tasks::CreatedAt], vec![Tasks::Status, Tasks::NextRetryAt]];
        for (name, cols) in INDEXES.into_iter().zip(columns) {
            let mut index = Index::create();
            index.name(name).table(Tasks::Table);
            for col in cols {
                index.col(col);
            }
            manager.create_index(index.to_owned()).await?;
        }
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for name in INDEXES {
            manager.drop_index(Index::drop().name(name).table(Tasks::Table).to_owned()).await?;
        }
        Ok(())
    }
}
