//! Runtime settings: defaults, then `Leptos.toml`, then environment variables
//! (`ATELIER_<KEY>` with the key upper-cased and `-` as `_`, a table's name before its
//! keys: `[replicate] base-url` is `ATELIER_REPLICATE_BASE_URL`; for the site keys also the
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
    pub max_submit_bytes: u64,
    pub frame_ancestors: String,
    pub download_stall_ms: u64,
    pub client_timeout_ms: u64,
    pub connections_per_address: u32,
    /// Live event streams one session or guest may hold open at once (its tabs).
    pub streams_per_session: u32,
    pub secure_cookies: bool,
    pub guests: bool,
    pub sign_up: app::domain::SignUpMode,
    pub workspaces_per_account: u32,
    pub tasks_per_minute: u64,
    pub daily_budget: u32,
    pub dedup_window_ms: u64,
    pub shutdown_grace_ms: u64,
    pub log: String,
    /// This server's name on its tasks' leases; empty: derived (see `crate::instance`).
    pub instance: String,
    pub concurrency: u32,
    pub lease_ms: u64,
    pub retry_delays_ms: Vec<u64>,
    pub image_timeout_ms: u64,
    pub video_timeout_ms: u64,
    pub service_queue_timeout_ms: u64,
    pub content_dir: String,
    pub sweep_every_ms: u64,
    pub image_service: String,
    pub video_service: String,
    pub max_result_bytes: u64,
    pub min_free_bytes: u64,
    pub openai: ServiceSettings,
    pub comfyui: ServiceSettings,
    pub replicate: ServiceSettings,
    pub fal: ServiceSettings,
}

/// How to reach one generation service (a table of its own in `Leptos.toml`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct ServiceSettings {
    pub base_url: String,
    /// The model asked for images (for ComfyUI: the API-format workflow file).
    pub image_model: String,
    /// The model asked for video (for ComfyUI: the API-format workflow file).
    pub video_model: String,
    /// Deadline of one HTTP request to the service.
    pub request_timeout_ms: u64,
    /// Jobs this instance has at the service at once (image and video together).
    pub concurrency: u32,
    /// How often a queued job is asked how it is doing.
    pub poll_interval_ms: u64,
}

impl ServiceSettings {
    fn new(base_url: &str, image_model: &str, video_model: &str) -> Self {
        Self {
            base_url: base_url.into(),
            image_model: image_model.into(),
            video_model: video_model.into(),
            request_timeout_ms: 120_000,
            concurrency: 4,
            poll_interval_ms: 2_000,
        }
    }
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
            max_submit_bytes: 1024 * 1024,
            frame_ancestors: "'none'".into(),
            download_stall_ms: 30_000,
            client_timeout_ms: 10_000,
            connections_per_address: 256,
            streams_per_session: 8,
            secure_cookies: false,
            guests: true,
            sign_up: app::domain::SignUpMode::Open,
            workspaces_per_account: 20,
            tasks_per_minute: 600,
            daily_budget: 0,
            dedup_window_ms: 5_000,
            shutdown_grace_ms: 10_000,
            log: "info".into(),
            instance: String::new(),
            concurrency: 2,
            lease_ms: 30_000,
            retry_delays_ms: vec![60_000, 300_000, 900_000],
            image_timeout_ms: 300_000,
            video_timeout_ms: 1_200_000,
            service_queue_timeout_ms: 3_600_000,
            content_dir: "data/content".into(),
            sweep_every_ms: 900_000,
            image_service: "embedded".into(),
            video_service: "embedded".into(),
            max_result_bytes: 200 * 1024 * 1024,
            min_free_bytes: 200 * 1024 * 1024,
            openai: ServiceSettings::new("https://api.openai.com", "gpt-image-1", "sora-2"),
            comfyui: ServiceSettings::new(
                "http://127.0.0.1:8188",
                "comfyui/image-workflow.json",
                "comfyui/video-workflow.json",
            ),
            replicate: ServiceSettings::new(
                "https://api.replicate.com",
                "black-forest-labs/flux-schnell",
                "minimax/video-01",
            ),
            fal: ServiceSettings::new("https://queue.fal.run", "fal-ai/flux/schnell", "fal-ai/ltx-video"),
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

    /// Parses `toml_text` over the defaults (a table given in part keeps the defaults of
    /// the keys it leaves out), then overrides each key from `env` where it has a value.
    pub fn from_sources(
        toml_text: &str,
        origin: &str,
        env: impl Fn(&str) -> Option<String>,
    ) -> Result<Self, ConfigError> {
        let invalid = |origin: &str, message: String| ConfigError::Invalid { origin: origin.into(), message };
        let file: toml::Table = toml::from_str(toml_text).map_err(|e| invalid(origin, e.to_string()))?;
        let mut table = match toml::Value::try_from(Settings::default()) {
            Ok(toml::Value::Table(table)) => table,
            _ => unreachable!("settings serialise to a table"),
        };
        merge(&mut table, file);
        // The file alone must make sense, so that its mistakes are named as its own.
        toml::Value::Table(table.clone()).try_into::<Settings>().map_err(|e| invalid(origin, e.to_string()))?;
        override_from_env(&mut table, "", &env)?;
        let settings: Self =
            toml::Value::Table(table).try_into().map_err(|e: toml::de::Error| invalid("environment", e.to_string()))?;
        settings.check().map_err(|message| invalid(origin, message))?;
        Ok(settings)
    }

    /// What the types alone do not say.
    fn check(&self) -> Result<(), String> {
        // Sources only: a `;` or a line break would add directives to the policy.
        let source_char = |c: char| c.is_ascii_graphic() && !matches!(c, ';' | ',');
        if self.frame_ancestors.split(' ').any(|source| source.is_empty() || !source.chars().all(source_char)) {
            return Err(format!(
                "frame-ancestors must be CSP sources separated by single spaces (like 'self' https://board.example); got {:?}",
                self.frame_ancestors
            ));
        }
        if !self.instance.is_empty() && !crate::instance::valid(&self.instance) {
            return Err(format!(
                "instance must be 1 to {} letters, digits, '.', '_' or '-' (or empty: a name derived for this server); got {:?}",
                crate::instance::MAX_CHARS,
                self.instance
            ));
        }
        Ok(())
    }

    /// The options leptos_axum needs to render pages and serve the built assets.
    /// With hashed asset names when the site folder has a `hash.txt` (`scripts/site.sh`
    /// writes one; a cargo-leptos build without `hash-files` does not). Leptos looks for it
    /// beside the binary unless the path is absolute, so it is given absolute: one binary
    /// serves any site folder.
    pub fn leptos_options(&self, addr: SocketAddr) -> LeptosOptions {
        let hash_file = self.site_root().join(HASH_FILE);
        LeptosOptions::builder()
            .output_name(self.output_name.as_str())
            .site_root(self.site_root.as_str())
            .site_pkg_dir(self.site_pkg_dir.as_str())
            .site_addr(addr)
            .reload_port(self.reload_port)
            .hash_files(hash_file.is_file())
            .hash_file(hash_file.to_string_lossy().as_ref().into())
            .build()
    }

    /// The site folder, as an absolute path (relative ones are from the working folder).
    pub fn site_root(&self) -> std::path::PathBuf {
        std::path::absolute(&self.site_root).unwrap_or_else(|_| self.site_root.clone().into())
    }
}

/// The file in the site folder naming the built assets by their hashes (Leptos' format).
pub const HASH_FILE: &str = "hash.txt";

/// Lays `over` onto `base`, table by table.
fn merge(base: &mut toml::Table, over: toml::Table) {
    for (key, value) in over {
        match (base.get_mut(&key), value) {
            (Some(toml::Value::Table(inner)), toml::Value::Table(over)) => merge(inner, over),
            (_, value) => {
                base.insert(key, value);
            }
        }
    }
}

/// Replaces each value of `table` (whose keys are under `prefix`) that the environment sets.
fn override_from_env(
    table: &mut toml::Table,
    prefix: &str,
    env: &impl Fn(&str) -> Option<String>,
) -> Result<(), ConfigError> {
    for (key, value) in table.iter_mut() {
        let upper = format!("{prefix}{}", key.to_uppercase().replace('-', "_"));
        if let toml::Value::Table(inner) = value {
            override_from_env(inner, &format!("{upper}_"), env)?;
            continue;
        }
        let names = [
            Some(format!("ATELIER_{upper}")),
            (prefix.is_empty() && LEPTOS_KEYS.contains(&key.as_str())).then(|| format!("LEPTOS_{upper}")),
        ];
        let Some((name, raw)) = names.into_iter().flatten().find_map(|n| env(&n).map(|v| (n, v))) else {
            continue;
        };
        let number = |raw: &str| {
            raw.trim().parse().map(toml::Value::Integer).map_err(|_| ConfigError::Invalid {
                origin: name.clone(),
                message: format!("\"{raw}\" is not a whole number"),
            })
        };
        *value = match value {
            toml::Value::Integer(_) => number(&raw)?,
            toml::Value::Boolean(_) => match raw.trim() {
                "true" | "1" => toml::Value::Boolean(true),
                "false" | "0" => toml::Value::Boolean(false),
                other => {
                    return Err(ConfigError::Invalid {
                        origin: name.clone(),
                        message: format!("\"{other}\" is not true or false"),
                    })
                }
            },
            // A list of numbers, comma-separated: `ATELIER_RETRY_DELAYS_MS=10,50,100`.
            toml::Value::Array(_) => toml::Value::Array(
                raw.split(',').filter(|s| !s.trim().is_empty()).map(number).collect::<Result<_, _>>()?,
            ),
            _ => toml::Value::String(raw),
        };
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn env(pairs: &'static [(&'static str, &'static str)]) -> impl Fn(&str) -> Option<String> {
        move |name| pairs.iter().find(|(k, _)| *k == name).map(|(_, v)| v.to_string())
    }

    #[test]
    fn frame_ancestors_are_sources_and_nothing_more() {
        let with = |value: &'static str| {
            Settings::from_sources("", "t", move |n: &str| (n == "ATELIER_FRAME_ANCESTORS").then(|| value.to_owned()))
        };
        assert_eq!(with("'self' https://board.example").unwrap().frame_ancestors, "'self' https://board.example");
        for bad in ["'none'; script-src *", "a\nb", "", "a  b", "https://x.example,https://y.example"] {
            assert!(with(bad).is_err(), "{bad:?}");
        }
    }

    #[test]
    fn instance_is_a_plain_name_or_empty() {
        let with = |value: &'static str| {
            Settings::from_sources("", "t", move |n: &str| (n == "ATELIER_INSTANCE").then(|| value.to_owned()))
        };
        assert_eq!(with("worker-2").unwrap().instance, "worker-2");
        assert_eq!(with("").unwrap().instance, "");
        let err = with("worker 2").unwrap_err();
        assert!(err.to_string().contains("instance must be"), "{err}");
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
    fn a_service_table_in_part_keeps_its_other_defaults() {
        let text = "[replicate]\nimage-model = \"me/my-model\"\n";
        let s = Settings::from_sources(text, "t", env(&[("ATELIER_REPLICATE_CONCURRENCY", "9")])).unwrap();
        assert_eq!(s.replicate.image_model, "me/my-model");
        assert_eq!(s.replicate.base_url, Settings::default().replicate.base_url);
        assert_eq!(s.replicate.concurrency, 9);
        let err = Settings::from_sources("[fal]\nbase-rul = \"x\"", "Leptos.toml", env(&[])).unwrap_err();
        assert!(err.to_string().contains("Leptos.toml") && err.to_string().contains("base-rul"), "{err}");
    }

    #[test]
    fn shipped_leptos_toml_is_valid() {
        let text = include_str!("../../Leptos.toml");
        assert_eq!(Settings::from_sources(text, "Leptos.toml", env(&[])).unwrap(), Settings::default());
    }
}
