//! Whether a result has a still for lists (`contents.has_still`): an image always has one
//! (its thumbnail, or itself when small); a video has one when a poster was saved.

use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum Contents {
    Table,
    HasStill,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let column = ColumnDef::new(Contents::HasStill).boolean().not_null().default(true).to_owned();
        manager.alter_table(Table::alter().table(Contents::Table).add_column(column).to_owned()).await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager.alter_table(Table::alter().table(Contents::Table).drop_column(Contents::HasStill).to_owned()).await
    }
}
