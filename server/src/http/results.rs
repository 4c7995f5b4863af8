//! `GET /content/{id}`: a result file, to its owner only (anyone else gets 404), with its
//! media type and byte ranges (so videos seek). It is cached `private, no-cache`: the
//! browser keeps its copy but asks before each use, so a shared browser shows it to nobody
//! after sign-out. Its strong ETag is the content id and which of its files is served (a
//! content's bytes never change, so that is all a tag needs); `If-None-Match` naming it is
//! a 304, given only after the owner check. `?download` serves it as an attachment named
//! `atelier-<kind>-<short id>.<ext>`; `?thumbnail` serves an image's thumbnail or a
//! video's poster (a PNG that fits 256 × 256), or an image itself when it has none (a
//! video without a poster: 404). Files are served with `nosniff` and a sandboxing
//! Content-Security-Policy, so a file opened on its own is never a page that runs anything.

use crate::content::ContentStore;
use crate::store::TaskStore;
use app::api::ApiError;
use app::domain::{download_name, OwnerId};
use axum::extract::{Path, Query, Request, State};
use axum::response::{IntoResponse, Response};
use axum::Extension;
use http::header::{
    CACHE_CONTROL, CONTENT_DISPOSITION, CONTENT_SECURITY_POLICY, CONTENT_TYPE, ETAG, IF_MATCH, IF_MODIFIED_SINCE,
    IF_NONE_MATCH, IF_UNMODIFIED_SINCE,
};
use http::{HeaderMap, HeaderValue, StatusCode};
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
    mut req: Request,
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
    let etag = entity_tag(id, thumbnail);
    if let Some(status) = unmet_condition(req.headers(), &etag) {
        let mut res = status.into_response();
        mark(res.headers_mut(), etag);
        return res;
    }
    // Met. ServeFile would judge a tag again by one of its own (the file's time and size),
    // and a date that a tag condition stands in for must be ignored (RFC 9110, 13.2.2).
    for (tag, date) in [(IF_MATCH, IF_UNMODIFIED_SINCE), (IF_NONE_MATCH, IF_MODIFIED_SINCE)] {
        if req.headers_mut().remove(tag).is_some() {
            req.headers_mut().remove(date);
        }
    }
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
    mark(headers, etag);
    if query.contains_key("download") {
        let name = download_name(file.kind, file.task_id, &file.media_type);
        if let Ok(value) = HeaderValue::from_str(&format!("attachment; filename=\"{name}\"")) {
            headers.insert(CONTENT_DISPOSITION, value);
        }
    }
    res
}

/// The strong ETag of content `id`'s file or its thumbnail.
fn entity_tag(id: Uuid, thumbnail: bool) -> HeaderValue {
    let tag = format!("\"{}{}\"", id.simple(), if thumbnail { "-thumbnail" } else { "" });
    HeaderValue::from_str(&tag).expect("hex digits and a dash make a header")
}

/// The status of a request whose condition fails: `If-Match` naming another tag (412),
/// `If-None-Match` naming this one (304). A date alone is left to ServeFile.
fn unmet_condition(headers: &HeaderMap, etag: &HeaderValue) -> Option<StatusCode> {
    if headers.get(IF_MATCH).is_some_and(|list| !names(list, etag, false)) {
        return Some(StatusCode::PRECONDITION_FAILED);
    }
    headers.get(IF_NONE_MATCH).is_some_and(|list| names(list, etag, true)).then_some(StatusCode::NOT_MODIFIED)
}

/// Whether a list of entity tags names `etag`: `*`, or the same tag (a weak `W/` one
/// too when `weak`, as `If-None-Match` compares).
fn names(list: &HeaderValue, etag: &HeaderValue, weak: bool) -> bool {
    let (Ok(list), Ok(etag)) = (list.to_str(), etag.to_str()) else { return false };
    list.trim() == "*"
        || list.split(',').map(str::trim).any(|tag| tag == etag || (weak && tag.strip_prefix("W/") == Some(etag)))
}

/// What a file's answer (or its 304) says of itself: its tag, how to cache it, and that,
/// opened on its own, it is a sandboxed document where nothing runs.
fn mark(headers: &mut HeaderMap, etag: HeaderValue) {
    headers.insert(ETAG, etag);
    headers.insert(CACHE_CONTROL, HeaderValue::from_static("private, no-cache"));
    headers.insert(
        CONTENT_SECURITY_POLICY,
        HeaderValue::from_static("sandbox; default-src 'none'; img-src 'self'; media-src 'self'"),
    );
}

#[cfg(test)]
mod tests {
    use super::*;

    fn headers(pairs: &[(http::HeaderName, &'static str)]) -> HeaderMap {
        pairs.iter().map(|(name, value)| (name.clone(), HeaderValue::from_static(value))).collect()
    }

    #[test]
    fn conditions_compare_the_content_tag() {
        let id = Uuid::parse_str("019ad0b5-2f40-7c11-8e3d-5a6b7c8d9e0f").unwrap();
        let tag = entity_tag(id, false);
        assert_eq!(tag, "\"019ad0b52f407c118e3d5a6b7c8d9e0f\"");
        assert_eq!(entity_tag(id, true), "\"019ad0b52f407c118e3d5a6b7c8d9e0f-thumbnail\"");
        let not_modified = Some(StatusCode::NOT_MODIFIED);
        for list in [
            "\"019ad0b52f407c118e3d5a6b7c8d9e0f\"",
            "W/\"019ad0b52f407c118e3d5a6b7c8d9e0f\"",
            "\"x\", \"019ad0b52f407c118e3d5a6b7c8d9e0f\"",
            "*",
        ] {
            assert_eq!(unmet_condition(&headers(&[(IF_NONE_MATCH, list)]), &tag), not_modified, "{list}");
        }
        for list in ["\"019ad0b52f407c118e3d5a6b7c8d9e0f-thumbnail\"", "\"019ad0b5\"", ""] {
            assert_eq!(unmet_condition(&headers(&[(IF_NONE_MATCH, list)]), &tag), None, "{list}");
        }
        assert_eq!(unmet_condition(&HeaderMap::new(), &tag), None);
        let failed = Some(StatusCode::PRECONDITION_FAILED);
        assert_eq!(unmet_condition(&headers(&[(IF_MATCH, "\"019ad0b52f407c118e3d5a6b7c8d9e0f\"")]), &tag), None);
        assert_eq!(unmet_condition(&headers(&[(IF_MATCH, "*")]), &tag), None);
        assert_eq!(unmet_condition(&headers(&[(IF_MATCH, "W/\"019ad0b52f407c118e3d5a6b7c8d9e0f\"")]), &tag), failed);
        assert_eq!(unmet_condition(&headers(&[(IF_MATCH, "\"1234.5678-9\"")]), &tag), failed);
    }
}
