//! SeaORM row types. They stay inside the server: the API speaks `app::domain` types.

pub mod attempt;
pub mod board_item;
pub mod content;
pub mod owner;
pub mod submission;
pub mod task;
