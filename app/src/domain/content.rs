//! What a completed task produced: the stored file's metadata, and where to fetch it.

use serde::{Deserialize, Serialize};
use uuid::Uuid;

/// A stored result file.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ContentView {
    pub id: Uuid,
    /// e.g. `image/png`, `video/mp4`.
    pub media_type: String,
    pub bytes: u64,
    pub width: Option<u32>,
    pub height: Option<u32>,
    pub duration_ms: Option<u32>,
    /// Whether a still (thumbnail or poster) can be shown for it.
    pub has_still: bool,
}

impl ContentView {
    /// Where the owner's browser fetches the file (shown inline).
    pub fn url(&self) -> String {
        format!("/content/{}", self.id)
    }

    /// A small still for lists: an image's thumbnail (the image itself when it is small),
    /// a video's poster; `None` when the service made no poster.
    pub fn thumbnail_url(&self) -> Option<String> {
        self.has_still.then(|| format!("/content/{}?thumbnail", self.id))
    }

    /// The same file as a download with a proper name.
    pub fn download_url(&self) -> String {
        format!("/content/{}?download", self.id)
    }

    pub fn extension(&self) -> &'static str {
        extension_for(&self.media_type)
    }
}

/// A task's short id: the last 8 hex digits of its UUID (the random part; the first ones
/// are its creation time, shared by tasks made in the same minute).
pub fn short_id(task: Uuid) -> String {
    task.simple().to_string()[24..].to_owned()
}

/// The name a result downloads under: `atelier-<kind>-<short id>.<ext>`.
pub fn download_name(kind: super::TaskKind, task: Uuid, media_type: &str) -> String {
    format!("atelier-{}-{}.{}", kind.as_str(), short_id(task), extension_for(media_type))
}

/// The file name extension for a media type.
pub fn extension_for(media_type: &str) -> &'static str {
    match media_type {
        "image/png" => "png",
        "image/jpeg" => "jpg",
        "image/webp" => "webp",
        "video/mp4" => "mp4",
        "video/webm" => "webm",
        _ => "bin",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn urls_and_extension_follow_the_content() {
        let id = Uuid::nil();
        let content = ContentView {
            id,
            media_type: "image/png".into(),
            bytes: 10,
            width: Some(1),
            height: Some(1),
            duration_ms: None,
            has_still: true,
        };
        assert_eq!(content.url(), format!("/content/{id}"));
        assert_eq!(content.download_url(), format!("/content/{id}?download"));
        assert_eq!(content.thumbnail_url(), Some(format!("/content/{id}?thumbnail")));
        assert_eq!(ContentView { has_still: false, ..content.clone() }.thumbnail_url(), None);
        assert_eq!(content.extension(), "png");
        assert_eq!(ContentView { media_type: "text/html".into(), ..content }.extension(), "bin");
    }
}
