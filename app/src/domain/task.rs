//! Tasks as the rest of the world sees them: kind, status, parameters and the wire view.

use super::choice::choice;
use super::{ContentView, ImageParams, Prompt, VideoParams};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use uuid::Uuid;

choice!(TaskKind, "kind", "task kind", default Image, {
    Image => "image",
    Video => "video",
});

choice!(TaskStatus, "status", "status", default Pending, {
    Pending => "pending",
    Processing => "processing",
    Retrying => "retrying",
    Completed => "completed",
    Failed => "failed",
    Cancelled => "cancelled",
});

impl TaskStatus {
    /// True once the task will never run again on its own.
    pub fn is_finished(self) -> bool {
        matches!(self, Self::Completed | Self::Failed | Self::Cancelled)
    }
}

/// The anonymous (for now) account a task belongs to. Every query is scoped to one.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct OwnerId(pub Uuid);

/// Validated parameters of either kind; stored as JSON with a `kind` tag.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "lowercase")]
pub enum TaskParams {
    Image(ImageParams),
    Video(VideoParams),
}

impl TaskParams {
    pub fn kind(&self) -> TaskKind {
        match self {
            Self::Image(_) => TaskKind::Image,
            Self::Video(_) => TaskKind::Video,
        }
    }

    pub fn prompt(&self) -> &str {
        match self {
            Self::Image(p) => p.prompt.as_str(),
            Self::Video(p) => p.prompt.as_str(),
        }
    }

    pub fn negative_prompt(&self) -> Option<&str> {
        match self {
            Self::Image(p) => p.negative_prompt.as_ref().map(|n| n.as_str()),
            Self::Video(p) => p.negative_prompt.as_ref().map(|n| n.as_str()),
        }
    }

    pub fn seed(&self) -> Option<u32> {
        match self {
            Self::Image(p) => p.seed,
            Self::Video(p) => p.seed,
        }
    }

    /// What the task weighs against a workspace's daily budget for paid services, in
    /// units: an image is one; a video one per second at 480p, two at 720p.
    pub fn cost(&self) -> u32 {
        match self {
            Self::Image(_) => 1,
            Self::Video(p) => {
                let per_second = match p.resolution {
                    super::Resolution::P480 => 1,
                    super::Resolution::P720 => 2,
                };
                u32::from(p.duration_secs.secs()) * per_second
            }
        }
    }

    pub(crate) fn prompt_mut(&mut self) -> &mut Prompt {
        match self {
            Self::Image(p) => &mut p.prompt,
            Self::Video(p) => &mut p.prompt,
        }
    }

    pub(crate) fn seed_mut(&mut self) -> &mut Option<u32> {
        match self {
            Self::Image(p) => &mut p.seed,
            Self::Video(p) => &mut p.seed,
        }
    }

    /// The normalised form two submissions must share to be the same request: canonical JSON
    /// (fixed field order) with every run of whitespace in the prompts folded to one space.
    pub fn normalised(&self) -> String {
        let mut value = serde_json::to_value(self).expect("parameters always serialise");
        for key in ["prompt", "negative_prompt"] {
            if let Some(serde_json::Value::String(text)) = value.get_mut(key) {
                *text = folded(text);
            }
        }
        value.to_string()
    }

    /// Hex SHA-256 of [`Self::normalised`] plus `salt` (what else the request holds).
    pub fn fingerprint(&self, salt: &str) -> String {
        sha256_hex(&format!("{}\n{salt}", self.normalised()))
    }
}

/// `text` with every run of whitespace folded to one space, none at the ends.
pub(crate) fn folded(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// Hex SHA-256 of `text`.
pub(crate) fn sha256_hex(text: &str) -> String {
    Sha256::digest(text.as_bytes()).iter().map(|b| format!("{b:02x}")).collect()
}

/// Every code a task's `error` can carry: the causes a retrying task waits on (and fails
/// with when its retries run out), then the ways a task fails for good.
pub const FAILURE_CODES: &[&str] = &[
    "service_unavailable",
    "timed_out",
    "storage",
    "interrupted",
    "validation",
    "content_policy",
    "auth",
    "quota",
    "not_found",
    "protocol",
    "workflow",
    "too_large",
    "generator_error",
    "cancelled",
];

/// Why a task failed, for people and for programs.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TaskFailure {
    pub code: String,
    pub message: String,
}

/// One task as the API returns it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TaskView {
    pub id: Uuid,
    pub kind: TaskKind,
    pub status: TaskStatus,
    pub params: TaskParams,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    pub started_at: Option<DateTime<Utc>>,
    pub finished_at: Option<DateTime<Utc>>,
    pub attempt_count: u32,
    pub retry_count: u32,
    pub next_retry_at: Option<DateTime<Utc>>,
    /// 0 to 100.
    pub progress: u8,
    pub error: Option<TaskFailure>,
    /// A cancel was asked for while the task ran; it stops shortly.
    #[serde(default)]
    pub cancel_requested: bool,
    /// The generation service and model of the latest attempt.
    #[serde(default)]
    pub provider: Option<String>,
    #[serde(default)]
    pub model: Option<String>,
    /// The file a completed task produced.
    #[serde(default)]
    pub result: Option<ContentView>,
    /// The failed or cancelled task this one retries.
    #[serde(default)]
    pub retry_of: Option<Uuid>,
    /// The submission that made it (its variants and batch siblings share it).
    #[serde(default)]
    pub submission_id: Option<Uuid>,
    /// Which variant of its prompt it is, of how many its submission made of each prompt;
    /// none for a retry (a task of its own) and for tasks made before it was recorded.
    #[serde(default)]
    pub variant: Option<Variant>,
    /// The username of the member who submitted it (none for a guest's tasks).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub author: Option<String>,
    /// While it is `processing` but its job still waits in the generation service's own
    /// queue: its place there (1: next), when the service tells it (ComfyUI does).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub queued_at_service: Option<u32>,
    /// One more at every change: of two views of a task, the one with the higher version
    /// is the newer (wall clocks cannot order them).
    #[serde(default)]
    pub version: u64,
    /// The owner's creation number it was made with: a page whose `seq` is at least this
    /// one was read after it was made (see [`TaskPage::lacks`](super::TaskPage::lacks)).
    #[serde(default)]
    pub seq: u64,
}

/// A task's place among the variants of its prompt: variant `number` (from 1) of `of`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Variant {
    pub number: u32,
    pub of: u32,
}

/// How many of the owner's tasks are in each status.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct StatusCounts {
    pub pending: u64,
    pub processing: u64,
    pub retrying: u64,
    pub completed: u64,
    pub failed: u64,
    pub cancelled: u64,
}

impl StatusCounts {
    pub fn add(&mut self, status: TaskStatus, n: u64) {
        *self.slot(status) += n;
    }

    /// One task fewer in `status` (never below none).
    pub fn take(&mut self, status: TaskStatus) {
        let slot = self.slot(status);
        *slot = slot.saturating_sub(1);
    }

    pub fn get(&self, status: TaskStatus) -> u64 {
        match status {
            TaskStatus::Pending => self.pending,
            TaskStatus::Processing => self.processing,
            TaskStatus::Retrying => self.retrying,
            TaskStatus::Completed => self.completed,
            TaskStatus::Failed => self.failed,
            TaskStatus::Cancelled => self.cancelled,
        }
    }

    pub fn total(&self) -> u64 {
        TaskStatus::ALL.iter().map(|s| self.get(*s)).sum()
    }

    fn slot(&mut self, status: TaskStatus) -> &mut u64 {
        match status {
            TaskStatus::Pending => &mut self.pending,
            TaskStatus::Processing => &mut self.processing,
            TaskStatus::Retrying => &mut self.retrying,
            TaskStatus::Completed => &mut self.completed,
            TaskStatus::Failed => &mut self.failed,
            TaskStatus::Cancelled => &mut self.cancelled,
        }
    }
}

#[cfg(test)]
impl TaskView {
    /// A pending image task made at `at`, for tests.
    pub(crate) fn example(prompt: &str, at: DateTime<Utc>) -> Self {
        let params = TaskParams::Image(super::ImageParams {
            prompt: Prompt::parse(prompt).expect("a valid prompt"),
            negative_prompt: None,
            size: super::ImageSize::default(),
            style: super::StylePreset::default(),
            seed: None,
        });
        let id = Uuid::new_v7(uuid::Timestamp::from_unix(
            uuid::NoContext,
            at.timestamp() as u64,
            at.timestamp_subsec_nanos(),
        ));
        Self {
            id,
            kind: TaskKind::Image,
            status: TaskStatus::Pending,
            params,
            created_at: at,
            updated_at: at,
            started_at: None,
            finished_at: None,
            attempt_count: 0,
            retry_count: 0,
            next_retry_at: None,
            progress: 0,
            error: None,
            cancel_requested: false,
            provider: None,
            model: None,
            result: None,
            retry_of: None,
            submission_id: None,
            variant: None,
            author: None,
            queued_at_service: None,
            version: 1,
            seq: 0,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::{ImageSize, StylePreset};

    fn image(prompt: &str) -> TaskParams {
        TaskParams::Image(ImageParams {
            prompt: Prompt::parse(prompt).unwrap(),
            negative_prompt: None,
            size: ImageSize::Square1024,
            style: StylePreset::None,
            seed: Some(7),
        })
    }

    #[test]
    fn videos_cost_by_length_and_resolution() {
        use crate::domain::{Fps, Resolution, VideoDuration, VideoParams};
        let video = |secs, resolution| {
            TaskParams::Video(VideoParams {
                prompt: Prompt::parse("waves").unwrap(),
                negative_prompt: None,
                duration_secs: VideoDuration::parse(secs).unwrap(),
                resolution,
                fps: Fps::F24,
                seed: None,
            })
        };
        assert_eq!(image("a fox").cost(), 1);
        assert_eq!(video(4, Resolution::P480).cost(), 4);
        assert_eq!(video(10, Resolution::P720).cost(), 20);
    }

    #[test]
    fn params_round_trip_with_kind_tag() {
        let params = image("a fox");
        let json = serde_json::to_string(&params).unwrap();
        assert!(json.contains("\"kind\":\"image\""), "{json}");
        assert_eq!(serde_json::from_str::<TaskParams>(&json).unwrap(), params);
    }

    #[test]
    fn normalisation_folds_whitespace_only() {
        assert_eq!(image("a   red\n fox").normalised(), image("a red fox").normalised());
        assert_ne!(image("a red fox").normalised(), image("a Red fox").normalised());
    }

    #[test]
    fn fingerprint_is_stable_and_salted() {
        let a = image("a red fox");
        assert_eq!(a.fingerprint("0/1"), image("a  red fox").fingerprint("0/1"));
        assert_ne!(a.fingerprint("0/1"), a.fingerprint("1/2"));
        assert_ne!(a.fingerprint("0/1"), image("a red cat").fingerprint("0/1"));
        assert_eq!(a.fingerprint("0/1").len(), 64);
    }

    #[test]
    fn counts_add_up() {
        let mut counts = StatusCounts::default();
        counts.add(TaskStatus::Pending, 3);
        counts.add(TaskStatus::Failed, 2);
        counts.add(TaskStatus::Pending, 1);
        assert_eq!((counts.get(TaskStatus::Pending), counts.total()), (4, 6));
        assert!(TaskStatus::Cancelled.is_finished() && !TaskStatus::Retrying.is_finished());
    }
}
