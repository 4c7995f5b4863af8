//! A stored result file as the page shows it: where to fetch it, its still and its size.
//! One type for a task's result ([`super::ContentView`]) and a board item's picture
//! ([`super::BoardItemView::media`]).

use serde::{Deserialize, Serialize};
use uuid::Uuid;

/// A result file: the content id (the file is at `/content/{id}`), what it is, how large.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Media {
    pub id: Uuid,
    /// e.g. `image/png`, `video/mp4`.
    pub media_type: String,
    pub width: Option<u32>,
    pub height: Option<u32>,
    /// Whether a still (thumbnail or poster) can be shown for it.
    pub has_still: bool,
}

impl Media {
    /// Where the owner's browser fetches the file (shown inline).
    pub fn url(&self) -> String {
        format!("/content/{}", self.id)
    }

    /// A small still for lists: an image's thumbnail (the image itself when it is small),
    /// a video's poster; `None` when the service made no poster.
    pub fn still_url(&self) -> Option<String> {
        self.has_still.then(|| format!("/content/{}?thumbnail", self.id))
    }

    /// The same file as a download with a proper name.
    pub fn download_url(&self) -> String {
        format!("/content/{}?download", self.id)
    }

    pub fn is_video(&self) -> bool {
        self.media_type.starts_with("video/")
    }

    pub fn extension(&self) -> &'static str {
        extension_for(&self.media_type)
    }
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
    fn urls_and_extension_follow_the_file() {
        let id = Uuid::nil();
        let media = Media { id, media_type: "image/png".into(), width: Some(1), height: Some(1), has_still: true };
        assert_eq!(media.url(), format!("/content/{id}"));
        assert_eq!(media.download_url(), format!("/content/{id}?download"));
        assert_eq!(media.still_url(), Some(format!("/content/{id}?thumbnail")));
        assert_eq!(Media { has_still: false, ..media.clone() }.still_url(), None);
        assert_eq!(media.extension(), "png");
        assert!(!media.is_video());
        assert!(Media { media_type: "video/mp4".into(), ..media.clone() }.is_video());
        assert_eq!(Media { media_type: "text/html".into(), ..media }.extension(), "bin");
    }
}
