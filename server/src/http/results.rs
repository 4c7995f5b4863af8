//! `GET /content/{id}`: a result file, to its owner only (anyone else gets 404), with its
//! media type, byte ranges (so videos seek) and a long private cache (a content id never
//! changes). `?download` serves it as an attachment named `atelier-<kind>-<short id>.<ext>`;
//! `?thumbnail` serves an image's thumbnail or a video's poster (a PNG that fits
//! 256 × 256), or an image itself when it has none (a video without a poster: 404).
//! Files are served with `nosniff` and a sandboxing Content-Security-Policy, so a file
//! opened on its own is never a page that runs anything.

use crate::content::ContentStore;
use crate::store::TaskStore;
use app::api::ApiError;
use app::domain::{download_name, OwnerId};
use axum::extract::{Path, Query, Request, State};
use axum::response::{IntoResponse, Response};
use axum::Extension;
use http::header::{CACHE_CONTROL, CONTENT_DISPOSITION, CONTENT_SECURITY_POLICY, CONTENT_TYPE};
use http::{HeaderValue, StatusCode};
use std::collections::HashMap;
use tower::ServiceExt;
use uuid::Uuid;

#[derive(Clone)]
pub struct Results {
    pub store: TaskStore,
    pub content: ContentStore,
}

pub async fn serve(
    State(files): State<Results>,
    Extension(owner): Extension<OwnerId>,
    Path(id): Path<String>,
    Query(query): Query<HashMap<String, String>>,
    req: Request,
) -> Response {
    let not_found = || super::error_response(ApiError::NotFound);
    let Ok(id) = Uuid::parse_str(&id) else { return not_found() };
    let file = match files.store.content_file(owner, id).await {
        Ok(Some(file)) => file,
        Ok(None) => return not_found(),
        Err(e) => {
            tracing::error!(%id, "looking up content: {e}");
            return super::error_response(ApiError::Internal);
        }
    };
    let thumbnail = files.content.thumbnail_path(&file.storage_key);
    let thumbnail = query.contains_key("thumbnail") && tokio::fs::try_exists(&thumbnail).await.unwrap_or(false);
    if query.contains_key("thumbnail") && !thumbnail && !file.media_type.starts_with("image/") {
        return not_found();
    }
    let path =
        if thumbnail { files.content.thumbnail_path(&file.storage_key) } else { files.content.path(&file.storage_key) };
    let media_type = if thumbnail { "image/png" } else { &file.media_type };
    let served = tower_http::services::ServeFile::new(path).oneshot(req).await;
    let mut res = match served {
        Ok(res) if res.status() == StatusCode::NOT_FOUND => {
            tracing::error!(%id, key = file.storage_key, "a recorded content file is missing");
            return not_found();
        }
        Ok(res) => res.into_response(),
        Err(infallible) => match infallible {},
    };
    let headers = res.headers_mut();
    if let Ok(value) = HeaderValue::from_str(media_type) {
        headers.insert(CONTENT_TYPE, value);
    }
    headers.insert(CACHE_CONTROL, HeaderValue::from_static("private, max-age=31536000, immutable"));
    // Opened on its own, a file is a sandboxed document: nothing in it runs.
    headers.insert(
        CONTENT_SECURITY_POLICY,
        HeaderValue::from_static("sandbox; default-src 'none'; img-src 'self'; media-src 'self'"),
    );
    if query.contains_key("download") {
        let name = download_name(file.kind, file.task_id, &file.media_type);
        if let Ok(value) = HeaderValue::from_str(&format!("attachment; filename=\"{name}\"")) {
            headers.insert(CONTENT_DISPOSITION, value);
        }
    }
    res
}
