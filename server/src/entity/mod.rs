//! SeaORM row types. They stay inside the server: the API speaks `app::domain` types.

pub mod task;
