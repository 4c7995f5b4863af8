//! The database connection: SQLite (embedded default; WAL, busy timeout, foreign keys) or
//! PostgreSQL, chosen by the URL; pending migrations are applied on connect. An error names
//! the URL with its password masked.

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
        std::fs::create_dir_all(folder).map_err(|source| DbError::Folder { url: masked(&url), source })?;
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
    let db = Database::connect(options).await.map_err(|source| DbError::Connect { url: masked(&url), source })?;
    Migrator::up(&db, None).await.map_err(DbError::Migrate)?;
    Ok(db)
}

/// `url` with the password of its user info (`scheme://user:password@host`) as `***`.
fn masked(url: &str) -> String {
    let Some((scheme, rest)) = url.split_once("://") else { return url.to_owned() };
    let authority = rest.split(['/', '?']).next().unwrap_or(rest);
    match authority.rsplit_once('@').and_then(|(info, host)| info.split_once(':').map(|(user, _)| (user, host))) {
        Some((user, host)) => format!("{scheme}://{user}:***@{host}{}", &rest[authority.len()..]),
        None => url.to_owned(),
    }
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
    use super::{masked, sqlite_folder};

    #[test]
    fn passwords_are_masked_in_urls() {
        assert_eq!(
            masked("postgres://app:s3cr:et@db.example:5432/atelier?sslmode=require"),
            "postgres://app:***@db.example:5432/atelier?sslmode=require"
        );
        assert_eq!(masked("postgres://p%40ss:pw@h/db"), "postgres://p%40ss:***@h/db");
        assert_eq!(masked("postgres://postgres@127.0.0.1:5432/atelier"), "postgres://postgres@127.0.0.1:5432/atelier");
        assert_eq!(masked("sqlite://data/atelier.db?mode=rwc"), "sqlite://data/atelier.db?mode=rwc");
    }
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
