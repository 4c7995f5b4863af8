//! Versions for the live state (issue: the page ordered changes by wall clock). Every
//! change of a task or a board item adds one to its row's `version`, so two views of one
//! row are ordered by it. `seq` numbers what an owner creates: `owners.seq` is the last
//! number given, and each task and board item keeps the one it was created with, so a
//! snapshot that read `owners.seq` first tells which rows it must hold. `owners.version`
//! orders the queue's paused state the same way.

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum Tasks {
    Table,
    Version,
    Seq,
}

#[derive(DeriveIden)]
enum BoardItems {
    Table,
    Version,
    Seq,
}

#[derive(DeriveIden)]
enum Owners {
    Table,
    Version,
    Seq,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        // One column per statement: SQLite alters a table one column at a time.
        let add = |table: DynIden, column: DynIden, default: i64| {
            Table::alter().table(table).add_column(big_integer(column).default(default)).to_owned()
        };
        manager.alter_table(add(Tasks::Table.into_iden(), Tasks::Version.into_iden(), 1)).await?;
        manager.alter_table(add(Tasks::Table.into_iden(), Tasks::Seq.into_iden(), 0)).await?;
        manager.alter_table(add(BoardItems::Table.into_iden(), BoardItems::Version.into_iden(), 1)).await?;
        manager.alter_table(add(BoardItems::Table.into_iden(), BoardItems::Seq.into_iden(), 0)).await?;
        manager.alter_table(add(Owners::Table.into_iden(), Owners::Version.into_iden(), 0)).await?;
        manager.alter_table(add(Owners::Table.into_iden(), Owners::Seq.into_iden(), 0)).await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let drop = |table: DynIden, column: DynIden| Table::alter().table(table).drop_column(column).to_owned();
        for (table, column) in [
            (Tasks::Table.into_iden(), Tasks::Version.into_iden()),
            (Tasks::Table.into_iden(), Tasks::Seq.into_iden()),
            (BoardItems::Table.into_iden(), BoardItems::Version.into_iden()),
            (BoardItems::Table.into_iden(), BoardItems::Seq.into_iden()),
            (Owners::Table.into_iden(), Owners::Version.into_iden()),
            (Owners::Table.into_iden(), Owners::Seq.into_iden()),
        ] {
            manager.alter_table(drop(table, column)).await?;
        }
        Ok(())
    }
}
