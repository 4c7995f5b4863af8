//! A removal the user can still undo: a clear of finished tasks or one task's delete, which
//! tasks it hides meanwhile, and the call that carries it out (`clear.rs` starts, undoes
//! and sends it).

use crate::domain::{ClearRequest, TaskRef, TaskStatus, TaskView};
use chrono::{DateTime, Utc};
use uuid::Uuid;

/// What a pending removal takes away.
#[derive(Debug, Clone, PartialEq)]
pub enum Removal {
    /// The tasks in `statuses` that had finished by `before` (the server's time).
    Finished { statuses: Vec<TaskStatus>, before: DateTime<Utc> },
    /// One task, deleted.
    Task(Uuid),
}

/// A removal the user can still undo: the tasks it takes are hidden until it is sent.
#[derive(Debug, Clone, PartialEq)]
pub struct PendingClear {
    pub removal: Removal,
    pub token: u64,
}

impl PendingClear {
    pub fn hides(&self, task: &TaskView) -> bool {
        match &self.removal {
            Removal::Finished { statuses, before } => {
                statuses.contains(&task.status) && task.finished_at.is_some_and(|at| at <= *before)
            }
            Removal::Task(id) => task.id == *id,
        }
    }

    /// The API call that carries it out: the endpoint and its JSON body.
    pub fn call(&self) -> Call {
        match &self.removal {
            Removal::Finished { statuses, before } => Call::Clear(ClearRequest {
                statuses: statuses.iter().map(|s| s.as_str().to_owned()).collect(),
                finished_before: Some(*before),
            }),
            Removal::Task(id) => Call::Delete(TaskRef { id: id.to_string() }),
        }
    }
}

/// A removal as the API takes it.
pub enum Call {
    Clear(ClearRequest),
    Delete(TaskRef),
}

impl Call {
    /// The endpoint and body, for a beacon sent as the page goes.
    #[cfg_attr(not(feature = "hydrate"), allow(dead_code))]
    pub fn beacon(&self) -> Option<(&'static str, String)> {
        match self {
            Call::Clear(request) => Some(("/api/clear_tasks", serde_json::to_string(request).ok()?)),
            Call::Delete(task) => Some(("/api/delete_task", serde_json::to_string(task).ok()?)),
        }
    }
}
