//! What a completed task produced: the stored file ([`Media`]) with its byte size and
//! duration, and the name it downloads under.

use super::{extension_for, Media};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

/// A stored result file. On the wire its fields are one flat object in the order
/// `id, media_type, bytes, width, height, duration_ms, has_still` (see `docs/API.md`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(into = "ContentWire", from = "ContentWire")]
pub struct ContentView {
    pub media: Media,
    pub bytes: u64,
    pub duration_ms: Option<u32>,
}

/// [`ContentView`]'s JSON shape. `#[serde(flatten)]` would move `has_still` before
/// `bytes`; this keeps the fields in the order the API has always sent them.
#[derive(Serialize, Deserialize)]
struct ContentWire {
    id: Uuid,
    media_type: String,
    bytes: u64,
    width: Option<u32>,
    height: Option<u32>,
    duration_ms: Option<u32>,
    has_still: bool,
}

impl From<ContentView> for ContentWire {
    fn from(c: ContentView) -> Self {
        let Media { id, media_type, width, height, has_still } = c.media;
        Self { id, media_type, bytes: c.bytes, width, height, duration_ms: c.duration_ms, has_still }
    }
}

impl From<ContentWire> for ContentView {
    fn from(w: ContentWire) -> Self {
        let media =
            Media { id: w.id, media_type: w.media_type, width: w.width, height: w.height, has_still: w.has_still };
        Self { media, bytes: w.bytes, duration_ms: w.duration_ms }
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_wire_shape_is_one_flat_object_in_the_api_s_order() {
        let media =
            Media { id: Uuid::nil(), media_type: "video/mp4".into(), width: Some(854), height: None, has_still: true };
        let content = ContentView { media, bytes: 10, duration_ms: Some(5_000) };
        let json = serde_json::to_string(&content).unwrap();
        assert_eq!(
            json,
            r#"{"id":"00000000-0000-0000-0000-000000000000","media_type":"video/mp4","bytes":10,"width":854,"height":null,"duration_ms":5000,"has_still":true}"#
        );
        assert_eq!(serde_json::from_str::<ContentView>(&json).unwrap(), content);
    }
}
