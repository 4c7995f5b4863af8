//! What a completed task produced: the stored file ([`Media`]) with its byte size and
//! duration, and the name it downloads under.

use super::{extension_for, Media};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

/// A stored result file: the file, and its byte size and duration. On the wire it is one
/// flat object (`id, media_type, width, height, has_still, bytes, duration_ms`; see
/// `docs/API.md`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ContentView {
    #[serde(flatten)]
    pub media: Media,
    pub bytes: u64,
    pub duration_ms: Option<u32>,
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_wire_shape_is_one_flat_object() {
        let media =
            Media { id: Uuid::nil(), media_type: "video/mp4".into(), width: Some(854), height: None, has_still: true };
        let content = ContentView { media, bytes: 10, duration_ms: Some(5_000) };
        let json = serde_json::to_value(&content).unwrap();
        let expected = serde_json::json!({
            "id": "00000000-0000-0000-0000-000000000000", "media_type": "video/mp4", "bytes": 10,
            "width": 854, "height": null, "duration_ms": 5000, "has_still": true,
        });
        assert_eq!(json, expected);
        assert_eq!(serde_json::from_value::<ContentView>(json).unwrap(), content);
    }
}
