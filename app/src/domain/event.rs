//! Live events: what the server streams to an owner's browsers at `GET /api/events`
//! (one server-sent event each, JSON in the `data` field, its `event` field the type):
//! changes to the owner's tasks, queue and whiteboard.

use super::{BoardItemView, TaskView};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum TaskEvent {
    /// A task was created or changed state; the view is its whole new state.
    Task { task: Box<TaskView> },
    /// A running task's progress (0 to 100), and its job's place in the generation
    /// service's own queue while it waits there (1: next); at most four a second per task.
    Progress {
        id: Uuid,
        progress: u8,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        queued_at_service: Option<u32>,
    },
    /// Tasks were deleted or cleared.
    Removed { ids: Vec<Uuid> },
    /// The owner's queue was paused or resumed; `version` orders it against other news of it.
    Queue {
        paused: bool,
        #[serde(default)]
        version: u64,
    },
    /// A whiteboard item was placed, moved or resized; the view is its whole new state.
    BoardItem { item: Box<BoardItemView> },
    /// A whiteboard item was taken off the board.
    BoardItemRemoved { id: Uuid },
    /// The workspace's members changed (someone joined, left or was removed, or a role
    /// changed): read them again.
    Members,
    /// Events were missed (a restart, or a resume point too old): fetch a fresh snapshot.
    Resync,
    /// The last event of a stream whose session or membership changed (signed out,
    /// revoked, switched to another workspace, removed from this one): load the page again.
    Moved,
}

impl TaskEvent {
    /// The SSE `event` name.
    pub fn name(&self) -> &'static str {
        match self {
            TaskEvent::Task { .. } => "task",
            TaskEvent::Progress { .. } => "progress",
            TaskEvent::Removed { .. } => "removed",
            TaskEvent::Queue { .. } => "queue",
            TaskEvent::BoardItem { .. } => "board_item",
            TaskEvent::BoardItemRemoved { .. } => "board_item_removed",
            TaskEvent::Members => "members",
            TaskEvent::Resync => "resync",
            TaskEvent::Moved => "moved",
        }
    }
}
