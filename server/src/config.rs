//! Runtime settings: defaults, then `Leptos.toml`, then environment variables
//! (`ATELIER_<KEY>` with the key upper-cased and `-` as `_`; for the site keys also the
//! `LEPTOS_<KEY>` names that cargo-leptos passes to the server it runs).

use leptos::config::LeptosOptions;
use serde::{Deserialize, Serialize};
use std::net::SocketAddr;
use std::path::Path;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields, rename_all = "kebab-case")]
pub struct Settings {
    pub site_addr: SocketAddr,
    pub site_root: String,
    pub site_pkg_dir: String,
    pub output_name: String,
    pub reload_port: u32,
    pub database_url: String,
    pub database_max_connections: u32,
    pub max_body_bytes: u64,
    pub dedup_window_ms: u64,
    pub shutdown_grace_ms: u64,
    pub log: String,
    pub concurrency: u32,
    pub lease_ms: u64,
    pub retry_delays_ms: Vec<u64>,
    pub image_timeout_ms: u64,
    pub video_timeout_ms: u64,
    pub content_dir: String,
    pub image_service: String,
    pub video_service: String,
    pub openai_base_url: String,
    pub openai_image_model: String,
    pub max_result_bytes: u64,
}

impl Default for Settings {
    fn default() -> Self {
        Self {
            site_addr: SocketAddr::from(([127, 0, 0, 1], 3000)),
            site_root: "target/site".into(),
            site_pkg_dir: "pkg".into(),
            output_name: "atelier".into(),
            reload_port: 3001,
            database_url: "sqlite://data/atelier.db?mode=rwc".into(),
            database_max_connections: 8,
            max_body_bytes: 64 * 1024,
            dedup_window_ms: 5_000,
            shutdown_grace_ms: 10_000,
            log: "info".into(),
            concurrency: 2,
            lease_ms: 30_000,
            retry_delays_ms: vec![60_000, 300_000, 900_000],
            image_timeout_ms: 300_000,
            video_timeout_ms: 1_200_000,
            content_dir: "data/content".into(),
            image_service: "embedded".into(),
            video_service: "embedded".into(),
            openai_base_url: "http://127.0.0.1:8080".into(),
            openai_image_model: "gpt-image-1".into(),
            max_result_bytes: 200 * 1024 * 1024,
        }
    }
}

/// Keys that cargo-leptos sets as `LEPTOS_*` when it runs the server.
const LEPTOS_KEYS: &[&str] = &["site-addr", "site-root", "site-pkg-dir", "output-name", "reload-port"];

#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    #[error("reading {path}: {source}")]
    Read { path: String, source: std::io::Error },
    #[error("{origin}: {message}")]
    Invalid { origin: String, message: String },
}

impl Settings {
    /// Loads `path` (absent means all defaults) and applies the process environment.
    pub fn load(path: &Path) -> Result<Self, ConfigError> {
        let text = match std::fs::read_to_string(path) {
            Ok(text) => text,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => String::new(),
            Err(source) => return Err(ConfigError::Read { path: path.display().to_string(), source }),
        };
        Self::from_sources(&text, &path.display().to_string(), |name| std::env::var(name).ok())
    }

    /// Parses `toml_text`, then overrides each key from `env` where it has a value.
    pub fn from_sources(
        toml_text: &str,
        origin: &str,
        env: impl Fn(&str) -> Option<String>,
    ) -> Result<Self, ConfigError> {
        let invalid = |origin: &str, message: String| ConfigError::Invalid { origin: origin.into(), message };
        let from_file: Settings = toml::from_str(toml_text).map_err(|e| invalid(origin, e.to_string()))?;
        let toml::Value::Table(mut table) =
            toml::Value::try_from(&from_file).map_err(|e| invalid(origin, e.to_string()))?
        else {
            unreachable!("settings serialise to a table")
        };
        for (key, value) in table.iter_mut() {
            let upper = key.to_uppercase().replace('-', "_");
            let names = [
                Some(format!("ATELIER_{upper}")),
                LEPTOS_KEYS.contains(&key.as_str()).then(|| format!("LEPTOS_{upper}")),
            ];
            let Some((name, raw)) = names.into_iter().flatten().find_map(|n| env(&n).map(|v| (n, v))) else {
                continue;
            };
            let number = |raw: &str| {
                raw.trim()
                    .parse()
                    .map(toml::Value::Integer)
                    .map_err(|_| invalid(&name, format!("\"{raw}\" is not a whole number")))
            };
            *value = match value {
                toml::Value::Integer(_) => number(&raw)?,
                // A list of numbers, comma-separated: `ATELIER_RETRY_DELAYS_MS=10,50,100`.
                toml::Value::Array(_) => toml::Value::Array(
                    raw.split(',').filter(|s| !s.trim().is_empty()).map(number).collect::<Result<_, _>>()?,
                ),
                _ => toml::Value::String(raw),
            };
        }
        toml::Value::Table(table).try_into().map_err(|e: toml::de::Error| invalid("environment", e.to_string()))
    }

    /// The options leptos_axum needs to render pages and serve the built assets.
    pub fn leptos_options(&self, addr: SocketAddr) -> LeptosOptions {
        LeptosOptions::builder()
            .output_name(self.output_name.as_str())
            .site_root(self.site_root.as_str())
            .site_pkg_dir(self.site_pkg_dir.as_str())
            .site_addr(addr)
            .reload_port(self.reload_port)
            .build()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn env(pairs: &'static [(&'static str, &'static str)]) -> impl Fn(&str) -> Option<String> {
        move |name| pairs.iter().find(|(k, _)| *k == name).map(|(_, v)| v.to_string())
    }

    #[test]
    fn empty_file_gives_defaults() {
        assert_eq!(Settings::from_sources("", "t", env(&[])).unwrap(), Settings::default());
    }

    #[test]
    fn file_then_environment() {
        let text = "database-url = \"sqlite::memory:\"\nmax-body-bytes = 10\n";
        let s = Settings::from_sources(
            text,
            "t",
            env(&[("ATELIER_MAX_BODY_BYTES", "20"), ("LEPTOS_SITE_ADDR", "127.0.0.1:4000")]),
        )
        .unwrap();
        assert_eq!((s.database_url.as_str(), s.max_body_bytes), ("sqlite::memory:", 20));
        assert_eq!(s.site_addr.port(), 4000);
    }

    #[test]
    fn lists_come_from_the_environment_comma_separated() {
        let s = Settings::from_sources("", "t", env(&[("ATELIER_RETRY_DELAYS_MS", "10, 50,100")])).unwrap();
        assert_eq!(s.retry_delays_ms, [10, 50, 100]);
        let err = Settings::from_sources("", "t", env(&[("ATELIER_RETRY_DELAYS_MS", "10,soon")])).unwrap_err();
        assert!(err.to_string().contains("\"soon\" is not a whole number"), "{err}");
    }

    #[test]
    fn atelier_name_wins_over_leptos_name() {
        let s = Settings::from_sources("", "t", env(&[("ATELIER_SITE_ROOT", "a"), ("LEPTOS_SITE_ROOT", "b")])).unwrap();
        assert_eq!(s.site_root, "a");
    }

    #[test]
    fn mistakes_are_named() {
        let err = Settings::from_sources("datbase-url = \"x\"", "Leptos.toml", env(&[])).unwrap_err();
        assert!(err.to_string().contains("datbase-url"), "{err}");
        let err = Settings::from_sources("", "t", env(&[("ATELIER_MAX_BODY_BYTES", "lots")])).unwrap_err();
        assert!(err.to_string().contains("ATELIER_MAX_BODY_BYTES"), "{err}");
        assert!(Settings::from_sources("", "t", env(&[("ATELIER_SITE_ADDR", "nowhere")])).is_err());
    }

    #[test]
    fn shipped_leptos_toml_is_valid() {
        let text = include_str!("../../Leptos.toml");
        assert_eq!(Settings::from_sources(text, "Leptos.toml", env(&[])).unwrap(), Settings::default());
    }
}
