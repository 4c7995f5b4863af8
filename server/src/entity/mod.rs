//! SeaORM row types. They stay inside the server: the API speaks `app::domain` types.

pub mod api_token;
pub mod attempt;
pub mod board_item;
pub mod content;
pub mod invite;
pub mod member;
pub mod owner;
pub mod session;
pub mod spending;
pub mod submission;
pub mod task;
pub mod task_gram;
pub mod user;
pub mod workspace;
