//! Accounts: `users` (a unique lower-case username, an optional unique email, an argon2id
//! password hash), `workspaces` (whose id is the owner id of their tasks, board and
//! queue), `members` (who belongs to a workspace, with a role) and `sessions` (a signed-in
//! browser: only the SHA-256 of its token is stored, with the workspace it shows).

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum Users {
    Table,
    Id,
    Username,
    Email,
    PasswordHash,
    IsAdmin,
    CreatedAt,
}

#[derive(DeriveIden)]
enum Workspaces {
    Table,
    Id,
    Name,
    CreatedBy,
    CreatedAt,
}

#[derive(DeriveIden)]
enum Members {
    Table,
    WorkspaceId,
    UserId,
    Role,
    CreatedAt,
}

#[derive(DeriveIden)]
enum Sessions {
    Table,
    Id,
    TokenHash,
    UserId,
    WorkspaceId,
    UserAgent,
    CreatedAt,
    LastSeenAt,
    ExpiresAt,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(Users::Table)
                    .col(uuid(Users::Id).primary_key())
                    .col(string_len_uniq(Users::Username, 32))
                    .col(string_len_null(Users::Email, 254).unique_key())
                    .col(string(Users::PasswordHash))
                    .col(boolean(Users::IsAdmin).default(false))
                    .col(timestamp_with_time_zone(Users::CreatedAt))
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(Workspaces::Table)
                    .col(uuid(Workspaces::Id).primary_key())
                    .col(string_len(Workspaces::Name, 64))
                    .col(uuid(Workspaces::CreatedBy))
                    .col(timestamp_with_time_zone(Workspaces::CreatedAt))
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(Members::Table)
                    .col(uuid(Members::WorkspaceId))
                    .col(uuid(Members::UserId))
                    .col(string_len(Members::Role, 16))
                    .col(timestamp_with_time_zone(Members::CreatedAt))
                    .primary_key(Index::create().col(Members::WorkspaceId).col(Members::UserId))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create().name("idx_members_user").table(Members::Table).col(Members::UserId).to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(Sessions::Table)
                    .col(uuid(Sessions::Id).primary_key())
                    .col(string_len_uniq(Sessions::TokenHash, 64))
                    .col(uuid(Sessions::UserId))
                    .col(uuid(Sessions::WorkspaceId))
                    .col(string_len_null(Sessions::UserAgent, 256))
                    .col(timestamp_with_time_zone(Sessions::CreatedAt))
                    .col(timestamp_with_time_zone(Sessions::LastSeenAt))
                    .col(timestamp_with_time_zone(Sessions::ExpiresAt))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create().name("idx_sessions_user").table(Sessions::Table).col(Sessions::UserId).to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for table in [
            Sessions::Table.into_iden(),
            Members::Table.into_iden(),
            Workspaces::Table.into_iden(),
            Users::Table.into_iden(),
        ] {
            manager.drop_table(Table::drop().table(table).to_owned()).await?;
        }
        Ok(())
    }
}
