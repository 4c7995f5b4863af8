//! Guests become secrets: from here on a guest's cookie carries a random token and its
//! owner id is derived from the token's hash, so no id anyone can see is an identity.
//! `legacy_guests` lists, once, the owner ids that guests held before (every owner of
//! tasks, submissions, board items or queue state that is not a workspace): an old cookie
//! naming one of them is exchanged for a token a single time (the row is deleted then),
//! and no other id is ever exchanged.

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum LegacyGuests {
    Table,
    OwnerId,
}

/// Every owner id in use that no workspace holds: the guests of before.
const LIST: &str = "INSERT INTO legacy_guests (owner_id) \
     SELECT owner_id FROM tasks UNION SELECT owner_id FROM submissions \
     UNION SELECT owner_id FROM board_items UNION SELECT owner_id FROM owners \
     EXCEPT SELECT id FROM workspaces";

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create().table(LegacyGuests::Table).col(uuid(LegacyGuests::OwnerId).primary_key()).to_owned(),
            )
            .await?;
        manager.get_connection().execute_unprepared(LIST).await?;
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager.drop_table(Table::drop().table(LegacyGuests::Table).to_owned()).await
    }
}
