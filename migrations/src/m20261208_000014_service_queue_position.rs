//! `tasks.service_queue_position`: where a running attempt's job waits in its generation
//! service's own queue (1: next), while it waits there and the service says so (ComfyUI);
//! none otherwise.

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum Tasks {
    Table,
    ServiceQueuePosition,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let column = integer_null(Tasks::ServiceQueuePosition);
        manager.alter_table(Table::alter().table(Tasks::Table).add_column(column).to_owned()).await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let drop = Table::alter().table(Tasks::Table).drop_column(Tasks::ServiceQueuePosition).to_owned();
        manager.alter_table(drop).await
    }
}
