//! The schema, as a sequence of SeaORM migrations the server applies at start. A
//! migration that has landed is never edited: later changes add a new file.

pub use sea_orm_migration::prelude::*;

mod m20261129_000001_create_tasks_and_contents;
mod m20261129_000002_engine_tables;
mod m20261129_000003_content_stills;
mod m20261129_000004_board_items;
mod m20261129_000005_task_prompts;
mod m20261206_000006_waiting_index;
mod m20261206_000007_accounts;
mod m20261206_000008_sharing;
mod m20261206_000009_spending;
mod m20261207_000010_legacy_guests;
mod m20261207_000011_workspace_budget;
mod m20261207_000012_versions;
mod m20261208_000013_task_variants;
mod m20261208_000014_service_queue_position;
mod m20261209_000015_search_index;
mod m20261210_000016_person_turns;

pub struct Migrator;

#[async_trait::async_trait]
impl MigratorTrait for Migrator {
    fn migrations() -> Vec<Box<dyn MigrationTrait>> {
        vec![
            Box::new(m20261129_000001_create_tasks_and_contents::Migration),
            Box::new(m20261129_000002_engine_tables::Migration),
            Box::new(m20261129_000003_content_stills::Migration),
            Box::new(m20261129_000004_board_items::Migration),
            Box::new(m20261129_000005_task_prompts::Migration),
            Box::new(m20261206_000006_waiting_index::Migration),
            Box::new(m20261206_000007_accounts::Migration),
            Box::new(m20261206_000008_sharing::Migration),
            Box::new(m20261206_000009_spending::Migration),
            Box::new(m20261207_000010_legacy_guests::Migration),
            Box::new(m20261207_000011_workspace_budget::Migration),
            Box::new(m20261207_000012_versions::Migration),
            Box::new(m20261208_000013_task_variants::Migration),
            Box::new(m20261208_000014_service_queue_position::Migration),
            Box::new(m20261209_000015_search_index::Migration),
            Box::new(m20261210_000016_person_turns::Migration),
        ]
    }
}
