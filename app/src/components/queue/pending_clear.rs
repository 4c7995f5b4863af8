//! A clear the user can still undo: which tasks it hides meanwhile, and the request that
//! sends it (`clear.rs` starts, undoes and sends it).

use crate::domain::{ClearRequest, TaskStatus, TaskView};
use chrono::{DateTime, Utc};

/// A clear the user can still undo: the tasks in `statuses` that had finished by
/// `before` (the server's time) are hidden until it is sent.
#[derive(Debug, Clone, PartialEq)]
pub struct PendingClear {
    pub statuses: Vec<TaskStatus>,
    pub before: DateTime<Utc>,
    pub token: u64,
}

impl PendingClear {
    pub fn hides(&self, task: &TaskView) -> bool {
        self.statuses.contains(&task.status) && task.finished_at.is_some_and(|at| at <= self.before)
    }

    /// What asks the server to remove the tasks it hides.
    pub fn request(&self) -> ClearRequest {
        ClearRequest {
            statuses: self.statuses.iter().map(|s| s.as_str().to_owned()).collect(),
            finished_before: Some(self.before),
        }
    }
}
