//! `tasks.variant` and `tasks.variants`: which variant of its prompt a task is (from 1),
//! and how many its submission made of each prompt, so a batch of several prompts labels
//! each row by its own ("variant 2 of 3"). Tasks made before have neither: the variants
//! were never recorded, and their order in a submission cannot tell (a task may have been
//! deleted).

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum Tasks {
    Table,
    Variant,
    Variants,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        // One column a statement: SQLite alters one thing at a time.
        for column in [Tasks::Variant, Tasks::Variants] {
            let add = Table::alter().table(Tasks::Table).add_column(integer_null(column)).to_owned();
            manager.alter_table(add).await?;
        }
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for column in [Tasks::Variant, Tasks::Variants] {
            manager.alter_table(Table::alter().table(Tasks::Table).drop_column(column).to_owned()).await?;
        }
        Ok(())
    }
}
