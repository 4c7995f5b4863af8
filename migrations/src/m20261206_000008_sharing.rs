//! Sharing: `workspaces.personal` (an account's own workspace, never shared; set for
//! every workspace made before, as each was one), `tasks.submitted_by` and
//! `tasks.author` (who submitted the task: the user's id and username, which never
//! changes), `invites` (a single-use link into a workspace with a role: only the SHA-256
//! of its token is stored) and `api_tokens` (a member's token for scripts, stored the same
//! way, with when it was last used).

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum Workspaces {
    Table,
    Personal,
}

#[derive(DeriveIden)]
enum Tasks {
    Table,
    SubmittedBy,
    Author,
}

#[derive(DeriveIden)]
enum Invites {
    Table,
    Id,
    TokenHash,
    WorkspaceId,
    Role,
    CreatedBy,
    CreatedAt,
    ExpiresAt,
}

#[derive(DeriveIden)]
enum ApiTokens {
    Table,
    Id,
    TokenHash,
    UserId,
    WorkspaceId,
    Name,
    CreatedAt,
    LastUsedAt,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let personal = boolean(Workspaces::Personal).default(false).to_owned();
        manager.alter_table(Table::alter().table(Workspaces::Table).add_column(personal).to_owned()).await?;
        manager.get_connection().execute_unprepared("UPDATE workspaces SET personal = TRUE").await?;
        // One column per statement: SQLite alters a table one column at a time.
        for column in [uuid_null(Tasks::SubmittedBy), string_len_null(Tasks::Author, 32)] {
            manager.alter_table(Table::alter().table(Tasks::Table).add_column(column).to_owned()).await?;
        }
        manager
            .create_table(
                Table::create()
                    .table(Invites::Table)
                    .col(uuid(Invites::Id).primary_key())
                    .col(string_len_uniq(Invites::TokenHash, 64))
                    .col(uuid(Invites::WorkspaceId))
                    .col(string_len(Invites::Role, 16))
                    .col(uuid(Invites::CreatedBy))
                    .col(timestamp_with_time_zone(Invites::CreatedAt))
                    .col(timestamp_with_time_zone(Invites::ExpiresAt))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_invites_workspace")
                    .table(Invites::Table)
                    .col(Invites::WorkspaceId)
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(ApiTokens::Table)
                    .col(uuid(ApiTokens::Id).primary_key())
                    .col(string_len_uniq(ApiTokens::TokenHash, 64))
                    .col(uuid(ApiTokens::UserId))
                    .col(uuid(ApiTokens::WorkspaceId))
                    .col(string_len(ApiTokens::Name, 64))
                    .col(timestamp_with_time_zone(ApiTokens::CreatedAt))
                    .col(timestamp_with_time_zone_null(ApiTokens::LastUsedAt))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_api_tokens_member")
                    .table(ApiTokens::Table)
                    .col(ApiTokens::WorkspaceId)
                    .col(ApiTokens::UserId)
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for table in [ApiTokens::Table.into_iden(), Invites::Table.into_iden()] {
            manager.drop_table(Table::drop().table(table).to_owned()).await?;
        }
        for column in [Tasks::Author.into_iden(), Tasks::SubmittedBy.into_iden()] {
            manager.alter_table(Table::alter().table(Tasks::Table).drop_column(column).to_owned()).await?;
        }
        let personal = Workspaces::Personal.into_iden();
        manager.alter_table(Table::alter().table(Workspaces::Table).drop_column(personal).to_owned()).await
    }
}
