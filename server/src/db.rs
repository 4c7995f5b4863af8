//! The database connection: SQLite (embedded default; WAL, busy timeout, foreign keys) or
//! PostgreSQL, chosen by the URL; pending migrations are applied on connect. An error names
//! the URL only as `masked` shows it, and never quotes it otherwise (sea-orm's own error
//! for a URL it cannot parse quotes it whole): the URL is never printed as written.

use crate::config::Settings;
use migrations::{Migrator, MigratorTrait};
use sea_orm::sqlx::sqlite::{SqliteJournalMode, SqliteSynchronous};
use sea_orm::{ConnectOptions, Database, DatabaseConnection, DbErr};
use std::fmt::Write as _;
use std::time::Duration;
use url::Url;

#[derive(Debug, thiserror::Error)]
pub enum DbError {
    #[error("creating the folder for {url}: {source}")]
    Folder { url: String, source: std::io::Error },
    /// `reason` is the driver's error as text, the URL in it masked.
    #[error("connecting to {url}: {reason}")]
    Connect { url: String, reason: String },
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
    let db = Database::connect(options)
        .await
        .map_err(|e| DbError::Connect { url: masked(&url), reason: quoting_masked(&e.to_string(), &url) })?;
    Migrator::up(&db, None).await.map_err(DbError::Migrate)?;
    Ok(db)
}

/// Schemes a database URL may have: shown when nothing else of a URL can be.
const SCHEMES: [&str; 5] = ["postgres", "postgresql", "sqlite", "mysql", "mariadb"];

/// `url` as it may be printed: `scheme://user:***@host:port/path?query`, where a query
/// parameter naming a password (`password`, `pass`, `passwd`, `pwd`, `sslpassword`, any
/// name ending in `password`) and everything after it (an unencoded `&` in the password
/// would split it) is `***`; the fragment is left out. A URL that does not parse, or
/// that would parse into something else than was meant, shows only its scheme: an `@`
/// after the host means a password with an unencoded `/`, `?` or `#` (the URL then ends
/// its host inside the password and would show the rest as a port, path or query).
fn masked(raw: &str) -> String {
    let unparseable = || match raw.split_once(':').map(|(scheme, _)| scheme.to_ascii_lowercase()) {
        Some(scheme) if SCHEMES.contains(&scheme.as_str()) => format!("(unparseable {scheme} URL)"),
        _ => "(unparseable database URL)".to_owned(),
    };
    let after_host = match raw.split_once("://") {
        Some((_, rest)) => rest.find(['/', '?', '#']).map_or("", |at| &rest[at..]),
        None => raw,
    };
    let url = match Url::parse(raw) {
        Ok(url) if !after_host.contains('@') => url,
        _ => return unparseable(),
    };
    let mut shown = format!("{}:", url.scheme());
    if url.has_authority() {
        shown.push_str("//");
        if !url.username().is_empty() || url.password().is_some() {
            shown.push_str(url.username());
            shown.push_str(if url.password().is_some() { ":***@" } else { "@" });
        }
        shown.push_str(url.host_str().unwrap_or_default());
        if let Some(port) = url.port() {
            let _ = write!(shown, ":{port}");
        }
    }
    shown.push_str(url.path());
    if let Some(query) = url.query() {
        shown.push('?');
        shown.push_str(&masked_query(query));
    }
    shown
}

/// The parameters of `query` up to the first that names a password, then that one's name
/// with `***`, and `&***` if anything followed.
fn masked_query(query: &str) -> String {
    let secret = |piece: &str| {
        let name = url::form_urlencoded::parse(piece.as_bytes()).next().map(|(name, _)| name.to_lowercase());
        name.is_some_and(|n| n.ends_with("password") || matches!(n.as_str(), "pass" | "passwd" | "pwd"))
    };
    let mut pieces = query.split('&');
    let mut shown = Vec::new();
    for piece in pieces.by_ref() {
        if secret(piece) {
            let name = piece.split('=').next().unwrap_or(piece);
            shown.push(format!("{name}=***"));
            if pieces.next().is_some() {
                shown.push("***".to_owned());
            }
            break;
        }
        shown.push(piece.to_owned());
    }
    shown.join("&")
}

/// `text` with every quotation of `raw` (the URL as written) replaced by its masked form.
fn quoting_masked(text: &str, raw: &str) -> String {
    if raw.is_empty() {
        return text.to_owned();
    }
    text.replace(raw, &masked(raw))
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
    use super::{masked, quoting_masked, sqlite_folder};

    #[test]
    fn passwords_are_masked_in_urls() {
        assert_eq!(
            masked("postgres://app:s3cr:et@db.example:5432/atelier?sslmode=require"),
            "postgres://app:***@db.example:5432/atelier?sslmode=require"
        );
        assert_eq!(masked("postgres://p%40ss:pw@h/db"), "postgres://p%40ss:***@h/db");
        assert_eq!(masked("postgres://u:p@ss@host/db"), "postgres://u:***@host/db", "an unencoded @");
        assert_eq!(masked("postgres://u:%2Fp%3Fw%23@[::1]:5433/db"), "postgres://u:***@[::1]:5433/db");
        assert_eq!(masked("postgres://postgres@127.0.0.1:5432/atelier"), "postgres://postgres@127.0.0.1:5432/atelier");
        assert_eq!(masked("postgres:///atelier?host=/run/postgresql"), "postgres:///atelier?host=/run/postgresql");
        assert_eq!(masked("sqlite://data/atelier.db?mode=rwc"), "sqlite://data/atelier.db?mode=rwc");
        assert_eq!(masked("sqlite::memory:"), "sqlite::memory:");
    }

    #[test]
    fn password_parameters_are_masked_with_all_after_them() {
        let cases = [
            ("postgres://u@host/db?password=secret", "postgres://u@host/db?password=***"),
            (
                "postgres://u@host/db?sslmode=require&PASSWORD=secret",
                "postgres://u@host/db?sslmode=require&PASSWORD=***",
            ),
            ("postgres://u@host/db?pass=secret&sslmode=require", "postgres://u@host/db?pass=***&***"),
            ("postgres://u@host/db?pwd=secret", "postgres://u@host/db?pwd=***"),
            ("postgres://u@host/db?passwd=secret", "postgres://u@host/db?passwd=***"),
            ("postgres://u@host/db?sslpassword=secret", "postgres://u@host/db?sslpassword=***"),
            ("postgres://u@host/db?pass%77ord=secret", "postgres://u@host/db?pass%77ord=***"),
            ("postgres://u@host/db?password=sec&ret=1", "postgres://u@host/db?password=***&***"),
            ("postgres://u@host/db?password=sec#ret", "postgres://u@host/db?password=***"),
            ("postgres://u:secret@host/db?password=secret", "postgres://u:***@host/db?password=***"),
        ];
        for (raw, shown) in cases {
            assert_eq!(masked(raw), shown, "{raw}");
            assert!(!masked(raw).contains("sec"), "{raw}");
        }
    }

    #[test]
    fn a_url_that_would_parse_wrongly_shows_only_its_scheme() {
        for raw in [
            "postgres://u:p/a?ss#word@host/db",
            "postgres://u:pa/ssword@host/db",
            "postgres://u:pa?ssword@host/db",
            "postgres://u:pa#ssword@host/db",
            "postgres://u:1234/5678@host/db",
            "postgres://u:12#34word@host:5432/db",
        ] {
            let shown = masked(raw);
            assert_eq!(shown, "(unparseable postgres URL)", "{raw}");
        }
        for raw in ["u:password@host/db", "password", "", "//u:password@host"] {
            let shown = masked(raw);
            assert_eq!(shown, "(unparseable database URL)", "{raw:?}");
        }
    }

    #[test]
    fn errors_quoting_the_url_quote_it_masked() {
        let raw = "postgres://u:p/a?ss#word@host/db";
        let said = format!("Connection Error: The connection string '{raw}' cannot be parsed.");
        let text = quoting_masked(&said, raw);
        assert_eq!(text, "Connection Error: The connection string '(unparseable postgres URL)' cannot be parsed.");
        assert_eq!(quoting_masked("refused", ""), "refused");
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
