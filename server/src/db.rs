//! The database connection: SQLite (embedded default; WAL, busy timeout, foreign keys) or
//! PostgreSQL, chosen by the URL; pending migrations are applied on connect.

use crate::config::Settings;
use migrations::{Migrator, MigratorTrait};
use sea_orm::sqlx::sqlite::{SqliteJournalMode, SqliteSynchronous};
use sea_orm::{ConnectOptions, Database, DatabaseConnection, DbErr};
use std::time::Duration;

#[derive(Debug, thiserror::Error)]
pub enum DbError {
    #[error("creating the folder for {url}: {source}")]
    Folder { url: String, source: std::io::Error },
    #[error("connecting to {url}: {source}")]
    Connect { url: String, source: DbErr },
    #[error("applying migrations: {0}")]
    Migrate(DbErr),
}

/// Opens the pool and brings the schema up to date.
pub async fn connect(settings: &Settings) -> Result<DatabaseConnection, DbError> {
    let url = settings.database_url.clone();
    if let Some(folder) = sqlite_folder(&url) {
        std::fs::create_dir_all(folder).map_err(|source| DbError::Folder { url: url.clone(), source })?;
    }
    let mut options = ConnectOptions::new(url.clone());
    // A connection is pinged before use only after 30 s idle (a server or proxy may have
    // dropped it), not on every checkout: that ping is a round trip per query (measured in
    // BENCHMARKS.md).
    options
        .max_connections(settings.database_max_connections)
        .test_before_acquire_if_idle_for(Duration::from_secs(30))
        .sqlx_logging(false)
        .map_sqlx_sqlite_opts(|opts| {
            opts.journal_mode(SqliteJournalMode::Wal)
                .synchronous(SqliteSynchronous::Normal)
                .busy_timeout(Duration::from_secs(5))
                .foreign_keys(true)
        });
    let db = Database::connect(options).await.map_err(|source| DbError::Connect { url, source })?;
    Migrator::up(&db, None).await.map_err(DbError::Migrate)?;
    Ok(db)
}

/// The folder an SQLite file URL points into, if it has one to create.
fn sqlite_folder(url: &str) -> Option<&std::path::Path> {
    let path = url.strip_prefix("sqlite://").or_else(|| url.strip_prefix("sqlite:"))?;
    let path = path.split('?').next()?;
    if path.is_empty() || path.starts_with(":memory:") {
        return None;
    }
    std::path::Path::new(path).parent().filter(|p| !p.as_os_str().is_empty())
}

#[cfg(test)]
mod tests {
    use super::sqlite_folder;
    use std::path::Path;

    #[test]
    fn folder_of_sqlite_urls() {
        assert_eq!(sqlite_folder("sqlite://data/atelier.db?mode=rwc"), Some(Path::new("data")));
        assert_eq!(sqlite_folder("sqlite:/tmp/x/a.db"), Some(Path::new("/tmp/x")));
        assert_eq!(sqlite_folder("sqlite::memory:"), None);
        assert_eq!(sqlite_folder("sqlite://a.db"), None);
        assert_eq!(sqlite_folder("postgres://postgres@127.0.0.1/atelier"), None);
    }
}
