//! The `TaskService` the app's server functions call: users' actions on the store, each
//! followed by its live event (and, for deletions, removing the files).

use crate::content::ContentStore;
use crate::events::Events;
use crate::store::{Removed, TaskStore};
use app::api::{ApiError, TaskService};
use app::domain::{
    ListFilter, OwnerId, QueueState, Submission, SubmitResponse, TaskDetails, TaskEvent, TaskPage, TaskStatus, TaskView,
};
use uuid::Uuid;

#[derive(Clone)]
pub struct Service {
    store: TaskStore,
    events: Events,
    content: ContentStore,
}

impl Service {
    pub fn new(store: TaskStore, events: Events, content: ContentStore) -> Self {
        Self { store, events, content }
    }

    fn changed(&self, owner: OwnerId, task: &TaskView) {
        self.events.publish(owner, TaskEvent::Task { task: Box::new(task.clone()) });
    }

    async fn removed(&self, owner: OwnerId, removed: Removed) -> u64 {
        self.content.remove(&removed.storage_keys).await;
        let n = removed.ids.len() as u64;
        if n > 0 {
            self.events.publish(owner, TaskEvent::Removed { ids: removed.ids });
        }
        n
    }
}

#[async_trait::async_trait]
impl TaskService for Service {
    async fn submit(&self, owner: OwnerId, submission: Submission) -> Result<SubmitResponse, ApiError> {
        let response = self.store.create(owner, &submission).await?;
        tracing::debug!(owner = %owner.0, n = response.tasks.len(), deduplicated = response.deduplicated, "submitted");
        if !response.deduplicated {
            response.tasks.iter().for_each(|task| self.changed(owner, task));
        }
        Ok(response)
    }

    async fn list(&self, owner: OwnerId, filter: ListFilter) -> Result<TaskPage, ApiError> {
        Ok(self.store.page(owner, &filter).await?)
    }

    async fn get(&self, owner: OwnerId, id: Uuid) -> Result<TaskDetails, ApiError> {
        self.store.details(owner, id).await?.ok_or(ApiError::NotFound)
    }

    async fn cancel(&self, owner: OwnerId, id: Uuid) -> Result<TaskView, ApiError> {
        let task = self.store.cancel_task(owner, id).await?;
        self.changed(owner, &task);
        Ok(task)
    }

    async fn retry(&self, owner: OwnerId, id: Uuid) -> Result<TaskView, ApiError> {
        let task = self.store.retry_task(owner, id).await?;
        self.changed(owner, &task);
        Ok(task)
    }

    async fn delete(&self, owner: OwnerId, id: Uuid) -> Result<(), ApiError> {
        let removed = self.store.delete_task(owner, id).await?;
        self.removed(owner, removed).await;
        Ok(())
    }

    async fn clear(&self, owner: OwnerId, statuses: Vec<TaskStatus>) -> Result<QueueState, ApiError> {
        let removed = self.store.clear_tasks(owner, &statuses).await?;
        let removed = self.removed(owner, removed).await;
        Ok(QueueState { paused: self.store.is_paused(owner).await?, removed })
    }

    async fn move_to_front(&self, owner: OwnerId, id: Uuid) -> Result<TaskView, ApiError> {
        let task = self.store.move_task_to_front(owner, id).await?;
        self.changed(owner, &task);
        Ok(task)
    }

    async fn set_paused(&self, owner: OwnerId, paused: bool) -> Result<QueueState, ApiError> {
        let state = self.store.pause(owner, paused).await?;
        self.events.publish(owner, TaskEvent::Queue { paused });
        Ok(state)
    }
}
