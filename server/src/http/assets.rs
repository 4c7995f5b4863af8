//! The built assets under `/pkg/`: the page's script, WASM and stylesheet, named by a hash
//! of their bytes (`scripts/site.sh`, listed in the site folder's `hash.txt`). Sent
//! precompressed as the browser accepts (brotli, else gzip, else as they are), with byte
//! ranges and ETags (tower-http's `ServeDir`). A hashed name never changes its bytes, so its
//! answer may be kept for a year without asking again (`immutable`); any other file is
//! asked about each time (`no-cache`) and an error is never kept (`no-store`).
//!
//! **Invariant:** the route sits outside the identity middleware: an asset answer is the
//! same for everyone and carries no cookie, so a shared cache may keep it.

use crate::config::HASH_FILE;
use axum::extract::{Request, State};
use axum::middleware::{self, Next};
use axum::response::Response;
use axum::Router;
use http::header::CACHE_CONTROL;
use http::HeaderValue;
use std::collections::HashSet;
use std::path::Path;
use std::sync::Arc;
use tower_http::services::ServeDir;

/// The hashed file names (`atelier.<hash>.<ext>`) that `hash.txt` in `site_root` lists.
#[derive(Clone, Default)]
pub struct Hashed(Arc<HashSet<String>>);

impl Hashed {
    /// Reads `hash.txt` (Leptos' format: `js: <hash>` per line); none without one.
    pub fn read(site_root: &Path, output_name: &str) -> Self {
        let text = std::fs::read_to_string(site_root.join(HASH_FILE)).unwrap_or_default();
        let names = text
            .lines()
            .filter_map(|line| line.split_once(':'))
            .map(|(ext, hash)| format!("{output_name}.{}.{}", hash.trim(), ext.trim()))
            .collect();
        Self(Arc::new(names))
    }

    fn holds(&self, path: &str) -> bool {
        path.rsplit('/').next().is_some_and(|name| self.0.contains(name))
    }
}

/// `/pkg/…` served from `site_root/pkg_dir`.
pub fn routes(site_root: &Path, pkg_dir: &str, hashed: Hashed) -> Router {
    let files = ServeDir::new(site_root.join(pkg_dir)).precompressed_br().precompressed_gzip();
    Router::new()
        .nest_service(&format!("/{pkg_dir}"), files)
        .layer(middleware::from_fn_with_state(hashed, cache_control))
}

async fn cache_control(State(hashed): State<Hashed>, req: Request, next: Next) -> Response {
    let immutable = hashed.holds(req.uri().path());
    let mut res = next.run(req).await;
    let status = res.status();
    let value = if !(status.is_success() || status == http::StatusCode::NOT_MODIFIED) {
        "no-store"
    } else if immutable {
        "public, max-age=31536000, immutable"
    } else {
        "no-cache"
    };
    res.headers_mut().insert(CACHE_CONTROL, HeaderValue::from_static(value));
    res
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hash_txt_names_the_hashed_files() {
        let dir = std::env::temp_dir().join(format!("atelier-hashed-{}", uuid::Uuid::new_v4()));
        std::fs::create_dir_all(&dir).unwrap();
        std::fs::write(dir.join(HASH_FILE), "js: 0123abcd\nwasm:  fe01 \ncss: 77aa\n").unwrap();
        let hashed = Hashed::read(&dir, "atelier");
        assert!(hashed.holds("/pkg/atelier.0123abcd.js"));
        assert!(hashed.holds("/pkg/atelier.fe01.wasm"));
        assert!(hashed.holds("/pkg/atelier.77aa.css"));
        assert!(!hashed.holds("/pkg/atelier.css"), "an unhashed name is not kept for good");
        assert!(!hashed.holds("/pkg/atelier.0123abcd.wasm"), "a hash belongs to its own kind");
        assert!(!Hashed::read(&dir.join("none"), "atelier").holds("/pkg/atelier.0123abcd.js"));
        std::fs::remove_dir_all(dir).unwrap();
    }
}
