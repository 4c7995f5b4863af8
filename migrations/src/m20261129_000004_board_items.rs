//! The whiteboard: `board_items`, each a result placed on an owner's board (position and
//! size in board units, stacking order). An item keeps what it shows (`content_id`,
//! `storage_key`, media type and size) so that it outlives the task that made it; a frame
//! placed for a task still running has `task_id` and no content until the task completes.

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum BoardItems {
    Table,
    Id,
    OwnerId,
    TaskId,
    Kind,
    ContentId,
    StorageKey,
    MediaType,
    MediaWidth,
    MediaHeight,
    HasStill,
    X,
    Y,
    Width,
    Height,
    Z,
    CreatedAt,
    UpdatedAt,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(BoardItems::Table)
                    .if_not_exists()
                    .col(uuid(BoardItems::Id).primary_key())
                    .col(uuid(BoardItems::OwnerId))
                    .col(uuid_null(BoardItems::TaskId))
                    .col(string(BoardItems::Kind))
                    .col(uuid_null(BoardItems::ContentId))
                    .col(string_null(BoardItems::StorageKey))
                    .col(string_null(BoardItems::MediaType))
                    .col(integer_null(BoardItems::MediaWidth))
                    .col(integer_null(BoardItems::MediaHeight))
                    .col(boolean(BoardItems::HasStill).default(false))
                    .col(double(BoardItems::X))
                    .col(double(BoardItems::Y))
                    .col(double(BoardItems::Width))
                    .col(double(BoardItems::Height))
                    .col(big_integer(BoardItems::Z))
                    .col(timestamp_with_time_zone(BoardItems::CreatedAt))
                    .col(timestamp_with_time_zone(BoardItems::UpdatedAt))
                    .to_owned(),
            )
            .await?;
        for (name, column) in [
            ("idx_board_items_owner", BoardItems::OwnerId),
            ("idx_board_items_task", BoardItems::TaskId),
            ("idx_board_items_content", BoardItems::ContentId),
        ] {
            manager.create_index(Index::create().name(name).table(BoardItems::Table).col(column).to_owned()).await?;
        }
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager.drop_table(Table::drop().table(BoardItems::Table).to_owned()).await
    }
}
