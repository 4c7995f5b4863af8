//! A task in full, as `get_task` returns it: the task and each attempt to run it.

use super::TaskView;
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

/// One attempt: which server instance ran it, when, and how it ended.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AttemptView {
    /// 1 for the first.
    pub number: u32,
    pub instance: String,
    pub started_at: DateTime<Utc>,
    pub finished_at: Option<DateTime<Utc>>,
    /// `completed`, `transient`, `permanent`, `cancelled`, `released`, or none while running.
    pub outcome: Option<String>,
    pub error: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TaskDetails {
    #[serde(flatten)]
    pub task: TaskView,
    /// Oldest first.
    pub attempts: Vec<AttemptView>,
    /// The task that retries this one, if it was retried.
    #[serde(default)]
    pub retried_by: Option<uuid::Uuid>,
}
