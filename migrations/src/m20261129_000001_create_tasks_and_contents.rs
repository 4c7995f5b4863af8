//! `tasks` (one generation request each) and `contents` (the files a task produced).

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(Tasks::Table)
                    .col(uuid(Tasks::Id).primary_key())
                    .col(uuid(Tasks::OwnerId))
                    .col(string_len(Tasks::Kind, 16))
                    .col(string_len(Tasks::Status, 16))
                    .col(json_binary(Tasks::Params))
                    .col(string_len(Tasks::ParamsHash, 64))
                    .col(timestamp_with_time_zone(Tasks::CreatedAt))
                    .col(timestamp_with_time_zone(Tasks::UpdatedAt))
                    .col(timestamp_with_time_zone_null(Tasks::StartedAt))
                    .col(timestamp_with_time_zone_null(Tasks::FinishedAt))
                    .col(integer(Tasks::AttemptCount).default(0))
                    .col(integer(Tasks::RetryCount).default(0))
                    .col(timestamp_with_time_zone_null(Tasks::NextRetryAt))
                    .col(small_integer(Tasks::Progress).default(0))
                    .col(string_len_null(Tasks::ErrorCode, 64))
                    .col(text_null(Tasks::ErrorMessage))
                    .col(uuid_null(Tasks::ResultContentId))
                    .to_owned(),
            )
            .await?;
        // The owner's list, newest first (ids are UUIDv7, so id order is creation order).
        index(manager, "idx_tasks_owner_newest", [Tasks::OwnerId, Tasks::Id]).await?;
        index(manager, "idx_tasks_owner_status", [Tasks::OwnerId, Tasks::Status, Tasks::Id]).await?;
        // Claiming: runnable tasks by status and due time, oldest first.
        index(manager, "idx_tasks_claim", [Tasks::Status, Tasks::NextRetryAt, Tasks::Id]).await?;

        manager
            .create_table(
                Table::create()
                    .table(Contents::Table)
                    .col(uuid(Contents::Id).primary_key())
                    .col(uuid(Contents::TaskId))
                    .col(string(Contents::StorageKey))
                    .col(string_len(Contents::MediaType, 128))
                    .col(big_integer(Contents::Bytes))
                    .col(integer_null(Contents::Width))
                    .col(integer_null(Contents::Height))
                    .col(integer_null(Contents::DurationMs))
                    .col(timestamp_with_time_zone(Contents::CreatedAt))
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_contents_task")
                            .from(Contents::Table, Contents::TaskId)
                            .to(Tasks::Table, Tasks::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create().name("idx_contents_task").table(Contents::Table).col(Contents::TaskId).to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager.drop_table(Table::drop().table(Contents::Table).to_owned()).await?;
        manager.drop_table(Table::drop().table(Tasks::Table).to_owned()).await
    }
}

async fn index<const N: usize>(manager: &SchemaManager<'_>, name: &str, cols: [Tasks; N]) -> Result<(), DbErr> {
    let mut index = Index::create();
    index.name(name).table(Tasks::Table);
    for col in cols {
        index.col(col);
    }
    manager.create_index(index.to_owned()).await
}

#[derive(DeriveIden, Clone, Copy)]
enum Tasks {
    Table,
    Id,
    OwnerId,
    Kind,
    Status,
    Params,
    ParamsHash,
    CreatedAt,
    UpdatedAt,
    StartedAt,
    FinishedAt,
    AttemptCount,
    RetryCount,
    NextRetryAt,
    Progress,
    ErrorCode,
    ErrorMessage,
    ResultContentId,
}

#[derive(DeriveIden)]
enum Contents {
    Table,
    Id,
    TaskId,
    StorageKey,
    MediaType,
    Bytes,
    Width,
    Height,
    DurationMs,
    CreatedAt,
}
