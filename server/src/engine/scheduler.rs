//! The scheduler loop: while a slot is free it claims the next runnable task and starts
//! its attempt (a slot's worker: an attempt that succeeds claims the slot's next task in
//! its completion's transaction and runs it, so under steady load the loop sleeps and a
//! slot comes back here only when its worker finds nothing to run); then it sleeps until
//! something can change that: a live event that makes
//! work runnable (a submission, a retry, a resumed queue), an attempt ending, the next
//! retry or lease expiry coming due (the only timer: an idle server does nothing), or
//! shutdown. On shutdown it stops claiming, lets running attempts finish for the grace
//! period, then releases the rest so the next start resumes them at once. At its start it
//! rescues the tasks still leased to its own name (its previous process was killed) at
//! once, as interrupted, like the tasks of any instance whose lease ran out.

use super::EngineConfig;
use crate::content::ContentStore;
use crate::events::{Events, Published};
use crate::failure::Failure;
use crate::provider::Providers;
use crate::store::TaskStore;
use app::domain::{TaskEvent, TaskStatus};
use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::Duration;
use tokio::sync::broadcast::error::RecvError;
use tokio::task::{JoinHandle, JoinSet};
use tokio_util::sync::CancellationToken;
use uuid::Uuid;

/// What the engine works with; cheap to share with every attempt.
pub struct Engine {
    pub(super) store: TaskStore,
    pub(super) providers: Providers,
    pub(super) content: ContentStore,
    pub(super) events: Events,
    pub(super) config: EngineConfig,
    /// The user-cancel signal of each running attempt.
    pub(super) running: Mutex<HashMap<Uuid, CancellationToken>>,
}

/// The running scheduler.
pub struct EngineHandle {
    stop: CancellationToken,
    task: JoinHandle<()>,
}

impl EngineHandle {
    /// Stops claiming, waits up to the grace period for running attempts, releases the
    /// rest, and returns when all is written.
    pub async fn stop(self) {
        self.stop.cancel();
        if let Err(e) = self.task.await {
            tracing::error!("the scheduler ended abnormally: {e}");
        }
    }
}

/// Why the scheduler woke.
enum Wake {
    Work,
    Stop,
}

impl Engine {
    pub fn new(
        store: TaskStore,
        providers: Providers,
        content: ContentStore,
        events: Events,
        config: EngineConfig,
    ) -> Self {
        Self { store, providers, content, events, config, running: Mutex::default() }
    }

    /// Starts the scheduler on the current runtime.
    pub fn start(self) -> EngineHandle {
        let stop = CancellationToken::new();
        let task = tokio::spawn(Arc::new(self).schedule(stop.clone()));
        EngineHandle { stop, task }
    }

    async fn schedule(self: Arc<Self>, stop: CancellationToken) {
        let mut events = self.events.subscribe();
        let release = CancellationToken::new();
        let mut attempts = JoinSet::new();
        // What this instance's previous process left running is taken back at once.
        self.rescue(Some(&self.config.instance)).await;
        loop {
            self.fill_slots(&mut attempts, &stop, &release).await;
            let sleep = self.time_to_next_due(attempts.len()).await;
            match self.wait(&stop, &mut events, &mut attempts, sleep).await {
                Wake::Work => continue,
                Wake::Stop => break,
            }
        }
        tracing::info!(running = attempts.len(), "scheduler stopping; no new attempts start");
        let drain = async { while attempts.join_next().await.is_some() {} };
        if tokio::time::timeout(self.config.grace, drain).await.is_err() {
            tracing::warn!(running = attempts.len(), "grace period over; releasing the running tasks");
            release.cancel();
            while attempts.join_next().await.is_some() {}
        }
    }

    /// Claims tasks for the free slots (one transaction for all of them) and starts them.
    async fn fill_slots(
        self: &Arc<Self>,
        attempts: &mut JoinSet<()>,
        stop: &CancellationToken,
        release: &CancellationToken,
    ) {
        let lease = self.lease();
        while attempts.try_join_next().is_some() {} // finished ones free their slots
        let free = self.config.concurrency.saturating_sub(attempts.len());
        match self.store.claim(&self.config.instance, lease, free).await {
            Ok(claimed) => {
                for claimed in claimed {
                    let cancel = CancellationToken::new();
                    self.lock_running().insert(claimed.task.id, cancel.clone());
                    attempts.spawn(self.clone().attempt(claimed, cancel, stop.clone(), release.clone()));
                }
            }
            Err(e) => tracing::error!("claiming tasks: {e}"),
        }
    }

    /// How long until the next retry or lease expiry, if a slot is free to act on it.
    async fn time_to_next_due(&self, running: usize) -> Option<Duration> {
        if running >= self.config.concurrency {
            return None; // an attempt ending wakes the loop
        }
        match self.store.next_due().await {
            Ok(due) => due.map(|at| (at - self.store.clock().now()).to_std().unwrap_or_default()),
            Err(e) => {
                tracing::error!("reading the next due time: {e}");
                Some(Duration::from_secs(1))
            }
        }
    }

    async fn wait(
        &self,
        stop: &CancellationToken,
        events: &mut tokio::sync::broadcast::Receiver<Published>,
        attempts: &mut JoinSet<()>,
        sleep: Option<Duration>,
    ) -> Wake {
        // Never spin: something already due that the claim did not take (a lease whose
        // rescue failed, say) is looked at again a little later.
        let timer = async {
            match sleep {
                Some(d) if d.is_zero() => tokio::time::sleep(Duration::from_millis(100)).await,
                Some(d) => tokio::time::sleep(d).await,
                None => std::future::pending().await,
            }
        };
        tokio::pin!(timer);
        loop {
            tokio::select! {
                _ = stop.cancelled() => return Wake::Stop,
                Some(_) = attempts.join_next(), if !attempts.is_empty() => return Wake::Work,
                _ = &mut timer => {
                    self.rescue(None).await;
                    return Wake::Work;
                }
                received = events.recv() => match received {
                    Ok(published) => if self.on_event(&published.event) { return Wake::Work },
                    Err(RecvError::Lagged(_)) => return Wake::Work,
                    Err(RecvError::Closed) => return Wake::Stop,
                },
            }
        }
    }

    /// Signals a running attempt its user's cancel; true if the event may make work runnable.
    fn on_event(&self, event: &TaskEvent) -> bool {
        match event {
            TaskEvent::Task { task } if task.cancel_requested => {
                if let Some(cancel) = self.lock_running().get(&task.id) {
                    cancel.cancel();
                }
                false
            }
            TaskEvent::Task { task } => matches!(task.status, TaskStatus::Pending | TaskStatus::Retrying),
            TaskEvent::Queue { paused, .. } => !paused,
            // A relayed event too large to carry arrives as a resync: it may be new work.
            TaskEvent::Resync => true,
            TaskEvent::Progress { .. }
            | TaskEvent::Removed { .. }
            | TaskEvent::BoardItem { .. }
            | TaskEvent::BoardItemRemoved { .. }
            | TaskEvent::Members
            | TaskEvent::Moved => false,
        }
    }

    /// Hands tasks of instances that stopped renewing their leases back to the queue; at
    /// the start, with `restarting`, also those this instance's previous process left.
    async fn rescue(&self, restarting: Option<&str>) {
        let expired = match self.store.expired_leases(restarting).await {
            Ok(expired) => expired,
            Err(e) => return tracing::error!("reading expired leases: {e}"),
        };
        let interrupted = Failure::Interrupted {
            message: "the server running the attempt stopped (it crashed or lost its connection)".into(),
        };
        for lease in expired {
            // Not the service's fault: runnable again at once, not counted as a retry.
            let verdict = self.config.retry.interrupted(lease.interruptions);
            match self.store.rescue(&lease, &interrupted, verdict).await {
                Ok(true) => {
                    tracing::warn!(id = %lease.id, instance = lease.instance, "rescued a task whose server stopped answering");
                    self.publish_state(lease.id).await;
                }
                Ok(false) => {}
                Err(e) => tracing::error!(id = %lease.id, "rescuing an expired lease: {e}"),
            }
        }
    }

    /// How long a claim holds a task before it must be renewed.
    pub(super) fn lease(&self) -> chrono::TimeDelta {
        chrono::TimeDelta::from_std(self.config.lease).unwrap_or(chrono::TimeDelta::minutes(1))
    }

    pub(super) fn lock_running(&self) -> std::sync::MutexGuard<'_, HashMap<Uuid, CancellationToken>> {
        self.running.lock().unwrap_or_else(|e| e.into_inner())
    }
}
