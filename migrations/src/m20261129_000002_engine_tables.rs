//! The task engine's state: submissions (dedup window and idempotency keys), owners
//! (queue pause and fair turns), attempts (one row per run), and on `tasks` the lease,
//! cancel request, queue order, retry link and the service a task ran on.

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(Submissions::Table)
                    .col(uuid(Submissions::Id).primary_key())
                    .col(uuid(Submissions::OwnerId))
                    .col(string_len_null(Submissions::IdempotencyKey, 128))
                    .col(string_len(Submissions::RequestHash, 64))
                    .col(integer(Submissions::Variants))
                    .col(timestamp_with_time_zone(Submissions::CreatedAt))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_submissions_idempotency")
                    .table(Submissions::Table)
                    .col(Submissions::OwnerId)
                    .col(Submissions::IdempotencyKey)
                    .unique()
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_submissions_dedup")
                    .table(Submissions::Table)
                    .col(Submissions::OwnerId)
                    .col(Submissions::RequestHash)
                    .col(Submissions::CreatedAt)
                    .to_owned(),
            )
            .await?;

        manager
            .create_table(
                Table::create()
                    .table(Owners::Table)
                    .col(uuid(Owners::OwnerId).primary_key())
                    .col(boolean(Owners::Paused).default(false))
                    .col(timestamp_with_time_zone_null(Owners::LastServedAt))
                    .to_owned(),
            )
            .await?;
        // Owners that already have tasks.
        let existing = Query::select().distinct().column(Tasks::OwnerId).from(Tasks::Table).to_owned();
        manager
            .exec_stmt(
                Query::insert()
                    .into_table(Owners::Table)
                    .columns([Owners::OwnerId])
                    .select_from(existing)
                    .map_err(|e| DbErr::Migration(e.to_string()))?
                    .to_owned(),
            )
            .await?;

        manager
            .create_table(
                Table::create()
                    .table(Attempts::Table)
                    .col(uuid(Attempts::Id).primary_key())
                    .col(uuid(Attempts::TaskId))
                    .col(integer(Attempts::Number))
                    .col(string_len(Attempts::Instance, 64))
                    .col(timestamp_with_time_zone(Attempts::StartedAt))
                    .col(timestamp_with_time_zone_null(Attempts::FinishedAt))
                    .col(string_len_null(Attempts::Outcome, 32))
                    .col(string_len_null(Attempts::ErrorCode, 64))
                    .col(text_null(Attempts::ErrorMessage))
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_attempts_task")
                            .from(Attempts::Table, Attempts::TaskId)
                            .to(Tasks::Table, Tasks::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_attempts_task")
                    .table(Attempts::Table)
                    .col(Attempts::TaskId)
                    .col(Attempts::Number)
                    .to_owned(),
            )
            .await?;

        // SQLite takes one column per ALTER TABLE.
        for column in [
            uuid_null(Tasks::SubmissionId),
            string_len_null(Tasks::LeaseOwner, 64),
            timestamp_with_time_zone_null(Tasks::LeaseExpiresAt),
            timestamp_with_time_zone_null(Tasks::CancelRequestedAt),
            big_integer(Tasks::QueueOrder).default(0).to_owned(),
            uuid_null(Tasks::RetryOf),
            string_len_null(Tasks::Provider, 64),
            string_len_null(Tasks::Model, 128),
            string_len_null(Tasks::RemoteJobId, 256),
        ] {
            manager.alter_table(Table::alter().table(Tasks::Table).add_column(column).to_owned()).await?;
        }
        for (name, cols) in [
            ("idx_tasks_owner_queue", vec![Tasks::OwnerId, Tasks::Status, Tasks::QueueOrder, Tasks::Id]),
            ("idx_tasks_lease", vec![Tasks::Status, Tasks::LeaseExpiresAt]),
            ("idx_tasks_submission", vec![Tasks::SubmissionId]),
        ] {
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
        for name in ["idx_tasks_owner_queue", "idx_tasks_lease", "idx_tasks_submission"] {
            manager.drop_index(Index::drop().name(name).table(Tasks::Table).to_owned()).await?;
        }
        for column in [
            Tasks::SubmissionId,
            Tasks::LeaseOwner,
            Tasks::LeaseExpiresAt,
            Tasks::CancelRequestedAt,
            Tasks::QueueOrder,
            Tasks::RetryOf,
            Tasks::Provider,
            Tasks::Model,
            Tasks::RemoteJobId,
        ] {
            manager.alter_table(Table::alter().table(Tasks::Table).drop_column(column).to_owned()).await?;
        }
        manager.drop_table(Table::drop().table(Attempts::Table).to_owned()).await?;
        manager.drop_table(Table::drop().table(Owners::Table).to_owned()).await?;
        manager.drop_table(Table::drop().table(Submissions::Table).to_owned()).await
    }
}

#[derive(DeriveIden, Clone, Copy)]
enum Tasks {
    Table,
    Id,
    OwnerId,
    Status,
    SubmissionId,
    LeaseOwner,
    LeaseExpiresAt,
    CancelRequestedAt,
    QueueOrder,
    RetryOf,
    Provider,
    Model,
    RemoteJobId,
}

#[derive(DeriveIden)]
enum Submissions {
    Table,
    Id,
    OwnerId,
    IdempotencyKey,
    RequestHash,
    Variants,
    CreatedAt,
}

#[derive(DeriveIden)]
enum Owners {
    Table,
    OwnerId,
    Paused,
    LastServedAt,
}

#[derive(DeriveIden)]
enum Attempts {
    Table,
    Id,
    TaskId,
    Number,
    Instance,
    StartedAt,
    FinishedAt,
    Outcome,
    ErrorCode,
    ErrorMessage,
}
