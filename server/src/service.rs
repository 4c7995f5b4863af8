//! The `TaskService` the app's server functions call: users' actions on the store (tasks,
//! queue, whiteboard), each followed by its live event (and, for deletions, removing the files; for a task that
//! left a job queued at a service, cancelling it there).

use crate::content::ContentStore;
use crate::events::Events;
use crate::provider::{Providers, RemoteJobId};
use crate::rate::Rate;
use crate::store::{Removed, TaskStore};
use app::api::{ApiError, Caller, TaskService};
use app::domain::{
    Author, BoardFilter, BoardItemView, BoardPage, ClearFilter, ListFilter, OwnerId, PlaceSource, Placement,
    QueueState, Submission, SubmitResponse, TaskDetails, TaskEvent, TaskPage, TaskView,
};
use std::net::IpAddr;
use uuid::Uuid;

#[derive(Clone)]
pub struct Service {
    store: TaskStore,
    events: Events,
    content: ContentStore,
    /// Where jobs left queued at services are cancelled (none in benches).
    providers: Option<Providers>,
    /// Tasks a minute per owner and per address (none in benches).
    rates: Option<TaskRates>,
    /// Below this many free bytes in the content folder, no new task is taken.
    min_free_bytes: u64,
}

/// How many tasks a minute one owner may submit, and one address (four times as many).
#[derive(Clone)]
struct TaskRates {
    per_owner: Rate<OwnerId>,
    per_address: Rate<IpAddr>,
}

impl TaskRates {
    /// Counts `tasks` against the caller's owner and address, or says how long to wait.
    fn admit(&self, caller: &Caller, tasks: u64) -> Result<(), ApiError> {
        let checked = self.per_owner.allow(caller.owner, tasks).and_then(|()| match caller.ip {
            Some(ip) => self.per_address.allow(ip, tasks),
            None => Ok(()),
        });
        checked.map_err(|wait| ApiError::TooManyRequests {
            message: "Too many tasks in a minute; wait a moment, then send the rest.".into(),
            retry_after: wait.as_secs_f64().ceil() as u64,
        })
    }
}

impl Service {
    pub fn new(store: TaskStore, events: Events, content: ContentStore) -> Self {
        Self { store, events, content, providers: None, rates: None, min_free_bytes: 0 }
    }

    /// Takes no new task while the content folder has fewer than `bytes` free.
    pub fn with_min_free_bytes(self, bytes: u64) -> Self {
        Self { min_free_bytes: bytes, ..self }
    }

    /// `StorageFull` while the disk has less room than the guard keeps (a disk whose free
    /// space cannot be read is not refused).
    fn room(&self) -> Result<(), ApiError> {
        match self.content.free_bytes() {
            Some(free) if free < self.min_free_bytes => {
                tracing::warn!(free, keep = self.min_free_bytes, "the content folder's disk is nearly full");
                Err(ApiError::StorageFull)
            }
            _ => Ok(()),
        }
    }

    /// Holds each owner to `per_minute` tasks a minute, and each address to four times that.
    pub fn with_task_rate(self, per_minute: u64) -> Self {
        let rates =
            TaskRates { per_owner: Rate::new(per_minute), per_address: Rate::new(per_minute.saturating_mul(4)) };
        Self { rates: Some(rates), ..self }
    }

    /// Cancels the jobs that cancelled or deleted tasks left at these providers' services.
    pub fn with_providers(self, providers: Providers) -> Self {
        Self { providers: Some(providers), ..self }
    }

    fn cancel_jobs(&self, jobs: Vec<RemoteJobId>) {
        if let Some(providers) = &self.providers {
            providers.cancel_jobs(jobs);
        }
    }

    fn changed(&self, owner: OwnerId, task: &TaskView) {
        self.events.publish(owner, TaskEvent::Task { task: Box::new(task.clone()) });
    }

    fn board_changed(&self, owner: OwnerId, item: &BoardItemView) {
        self.events.publish(owner, TaskEvent::BoardItem { item: Box::new(item.clone()) });
    }

    async fn removed(&self, owner: OwnerId, removed: Removed) -> u64 {
        self.content.remove(&removed.storage_keys).await;
        self.cancel_jobs(removed.remote_jobs);
        let n = removed.ids.len() as u64;
        if n > 0 {
            self.events.publish(owner, TaskEvent::Removed { ids: removed.ids });
        }
        n
    }
}

#[async_trait::async_trait]
impl TaskService for Service {
    async fn submit(&self, caller: &Caller, submission: Submission) -> Result<SubmitResponse, ApiError> {
        self.room()?;
        if let Some(rates) = &self.rates {
            rates.admit(caller, submission.task_count())?;
        }
        let owner = caller.owner;
        let response = self.store.create(owner, caller.author().as_ref(), &submission).await?;
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
        let (task, left_queued) = self.store.cancel_task(owner, id).await?;
        self.cancel_jobs(left_queued.into_iter().collect());
        self.changed(owner, &task);
        Ok(task)
    }

    async fn retry(&self, owner: OwnerId, by: Option<Author>, id: Uuid) -> Result<TaskView, ApiError> {
        self.room()?;
        let task = self.store.retry_task(owner, by.as_ref(), id).await?;
        self.changed(owner, &task);
        Ok(task)
    }

    async fn delete(&self, owner: OwnerId, id: Uuid) -> Result<(), ApiError> {
        let removed = self.store.delete_task(owner, id).await?;
        self.removed(owner, removed).await;
        Ok(())
    }

    async fn clear(&self, owner: OwnerId, filter: ClearFilter) -> Result<QueueState, ApiError> {
        let removed = self.store.clear_tasks(owner, &filter).await?;
        let removed = self.removed(owner, removed).await;
        let state = self.store.owner_state(owner).await?;
        Ok(QueueState { paused: state.paused, removed, version: state.version })
    }

    async fn move_to_front(&self, owner: OwnerId, id: Uuid) -> Result<TaskView, ApiError> {
        let task = self.store.move_task_to_front(owner, id).await?;
        self.changed(owner, &task);
        Ok(task)
    }

    async fn set_paused(&self, owner: OwnerId, paused: bool) -> Result<QueueState, ApiError> {
        let state = self.store.pause(owner, paused).await?;
        self.events.publish(owner, TaskEvent::Queue { paused, version: state.version });
        Ok(state)
    }

    async fn board(&self, owner: OwnerId, filter: BoardFilter) -> Result<BoardPage, ApiError> {
        Ok(self.store.board(owner, &filter).await?)
    }

    async fn place(&self, owner: OwnerId, source: PlaceSource, at: Placement) -> Result<BoardItemView, ApiError> {
        let item = self.store.place(owner, source, at).await?;
        self.board_changed(owner, &item);
        Ok(item)
    }

    async fn arrange(&self, owner: OwnerId, id: Uuid, at: Placement) -> Result<BoardItemView, ApiError> {
        let item = self.store.arrange(owner, id, at).await?;
        self.board_changed(owner, &item);
        Ok(item)
    }

    async fn unplace(&self, owner: OwnerId, id: Uuid) -> Result<(), ApiError> {
        if let Some(orphan) = self.store.unplace(owner, id).await? {
            self.content.remove(&[orphan]).await;
        }
        self.events.publish(owner, TaskEvent::BoardItemRemoved { id });
        Ok(())
    }
}
