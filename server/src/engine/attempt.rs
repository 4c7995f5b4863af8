//! One attempt at a task: the provider's work raced against the attempt's deadline
//! (`deadline.rs`), the
//! user's cancel, the shutdown release and the heartbeat (which renews the lease and
//! notices a cancel made on another instance or a lease lost); progress is recorded and
//! published at most four times a second; then the outcome is saved and written. How the
//! provider is driven (submit, poll, fetch, cancel) is `remote.rs`.

use super::deadline::Deadline;
use super::remote::{RemoteJob, Tracking};
use super::Engine;
use crate::failure::{Failure, FailureKind, Verdict};
use crate::provider::{Job, Output};
use crate::store::{Claimed, Lease, StoreError, StoredContent};
use app::domain::{ContentView, Media, OwnerId, TaskEvent, TaskKind, TaskView};
use std::sync::atomic::{AtomicU32, AtomicU8, Ordering};
use std::sync::Arc;
use std::time::Duration;
use tokio::sync::Notify;
use tokio_util::sync::CancellationToken;
use uuid::Uuid;

/// At most this often, a running task's progress is written and published.
const PROGRESS_EVERY: Duration = Duration::from_millis(250);

/// An outcome as recorded: the task as it now is (if this instance still held it), and
/// the task claimed to run next in the same slot.
type Recorded = (Option<TaskView>, Option<Claimed>);

enum Ended {
    Done(Output),
    Failed(Failure),
    /// The user cancelled it.
    Cancelled,
    /// The server is stopping: hand the task back.
    Released,
    /// Another instance holds it now; write nothing.
    Lost,
}

/// The latest progress a provider reported, the job's place in the service's queue while
/// it waits there (0: none), and a nudge for the writer.
#[derive(Default)]
struct ProgressCell {
    value: AtomicU8,
    queued: AtomicU32,
    changed: Notify,
}

impl ProgressCell {
    fn report(&self, progress: u8) {
        self.value.store(progress, Ordering::Relaxed);
        self.changed.notify_one();
    }

    fn queued(&self, position: Option<u32>) {
        self.queued.store(position.unwrap_or(0), Ordering::Relaxed);
        self.changed.notify_one();
    }

    /// Hands each new value (progress, place in the service's queue) to `write`, at most
    /// once per `every` (the first at once); values reported meanwhile are folded into the
    /// next. 100 waits for the outcome.
    async fn throttled<F, W>(&self, every: Duration, mut write: W) -> std::convert::Infallible
    where
        W: FnMut(u8, Option<u32>) -> F,
        F: std::future::Future<Output = ()>,
    {
        let mut written = (0, None);
        loop {
            self.changed.notified().await;
            let progress = self.value.load(Ordering::Relaxed).min(99);
            let queued = Some(self.queued.load(Ordering::Relaxed)).filter(|p| *p > 0);
            if (progress, queued) != written {
                written = (progress, queued);
                write(progress, queued).await;
            }
            tokio::time::sleep(every).await;
        }
    }
}

impl Engine {
    /// Runs the claimed task, records its outcome, and while `stop` is not asked goes on
    /// in the same slot with the task claimed in the completion's own transaction (the
    /// scheduler fills a slot only when its worker finds nothing more to do).
    pub(super) async fn attempt(
        self: Arc<Self>,
        mut claimed: Claimed,
        mut cancel: CancellationToken,
        stop: CancellationToken,
        release: CancellationToken,
    ) {
        loop {
            let (id, owner) = (claimed.task.id, claimed.owner);
            self.events.publish(owner, TaskEvent::Task { task: Box::new(claimed.task.clone()) });
            let ended = self.run(&claimed, &cancel, &release).await;
            self.lock_running().remove(&id);
            let next = usize::from(!stop.is_cancelled());
            let successor = match self.record(&claimed, ended, next).await {
                Ok((Some(task), successor)) => {
                    self.events.publish(owner, TaskEvent::Task { task: Box::new(task) });
                    successor
                }
                Ok((None, _)) => {
                    self.publish_state(id).await; // someone else's write: say what is stored
                    None
                }
                // The lease runs out and the task is rescued: its state stays truthful.
                Err(e) => {
                    tracing::error!(%id, "recording an attempt's outcome: {e}");
                    None
                }
            };
            let Some(successor) = successor else { return };
            cancel = CancellationToken::new();
            self.lock_running().insert(successor.task.id, cancel.clone());
            claimed = successor;
        }
    }

    async fn run(&self, claimed: &Claimed, cancel: &CancellationToken, release: &CancellationToken) -> Ended {
        let task = &claimed.task;
        let service = self.providers.for_kind(task.kind);
        let job = Job { task_id: task.id, params: task.params.clone() };
        let deadline = match task.kind {
            TaskKind::Image => self.config.image_timeout,
            TaskKind::Video => self.config.video_timeout,
        };
        let (progress, remote) = (ProgressCell::default(), RemoteJob::default());
        let deadline = Deadline::new(self.config.queue_timeout, deadline);
        let report = |p: u8| progress.report(p);
        let queued = |position: Option<u32>| progress.queued(position);
        let tracking = Tracking { progress: &report, queued: &queued, remote: &remote, deadline: &deadline };
        tokio::select! {
            generated = self.generate(service, &job, claimed.remote_job.as_ref(), &tracking) => {
                match generated {
                    Ok(output) => Ended::Done(output),
                    Err(failure) => Ended::Failed(failure),
                }
            }
            failure = deadline.passed() => {
                self.abandon(service, task.id, &remote).await;
                Ended::Failed(failure)
            }
            _ = cancel.cancelled() => {
                self.abandon(service, task.id, &remote).await;
                Ended::Cancelled
            }
            _ = release.cancelled() => Ended::Released,
            lease = self.heartbeat(task.id) => match lease {
                Lease::CancelRequested => {
                    self.abandon(service, task.id, &remote).await;
                    Ended::Cancelled
                }
                Lease::Lost | Lease::Held => Ended::Lost,
            },
            never = self.write_progress(claimed.owner, task.id, &progress) => match never {},
        }
    }

    /// Renews the lease every third of it; returns when the attempt must stop.
    async fn heartbeat(&self, id: Uuid) -> Lease {
        let lease = self.lease();
        loop {
            tokio::time::sleep(self.config.lease / 3).await;
            match self.store.renew_lease(id, &self.config.instance, lease).await {
                Ok(Lease::Held) => {}
                Ok(stop) => return stop,
                Err(e) => tracing::warn!(%id, "renewing a lease: {e}"),
            }
        }
    }

    async fn write_progress(&self, owner: OwnerId, id: Uuid, cell: &ProgressCell) -> std::convert::Infallible {
        cell.throttled(PROGRESS_EVERY, |progress, queued_at_service| async move {
            if let Err(e) = self.store.set_progress(id, &self.config.instance, progress, queued_at_service).await {
                tracing::warn!(%id, "recording progress: {e}");
            }
            self.events.publish(owner, TaskEvent::Progress { id, progress, queued_at_service });
        })
        .await
    }

    /// Writes the outcome; returns the task as it now is, if this instance still held it,
    /// and, after a success, the next task claimed for this slot in the same transaction
    /// (up to `next`: 0 or 1).
    async fn record(&self, claimed: &Claimed, ended: Ended, next: usize) -> Result<Recorded, StoreError> {
        let (store, instance, id) = (&self.store, self.config.instance.as_str(), claimed.task.id);
        let alone = |outcome: Option<TaskView>| (outcome, None);
        let judged = |failure: &Failure| self.judge(failure, claimed.task.retry_count);
        match ended {
            Ended::Done(output) => {
                let content_id = Uuid::now_v7();
                let bytes = output.bytes.len() as u64;
                match self.content.save(content_id, &output.media_type, output.bytes, output.poster).await {
                    Ok((storage_key, has_still)) => {
                        let media = Media {
                            id: content_id,
                            media_type: output.media_type,
                            width: output.width,
                            height: output.height,
                            has_still,
                        };
                        let content = ContentView { media, bytes, duration_ms: output.duration_ms };
                        let stored = StoredContent { content, storage_key: storage_key.clone() };
                        let lease = self.lease();
                        let (completed, mut successor) =
                            store.complete_and_claim(id, instance, Some(stored), lease, next).await?;
                        if let Some(completed) = completed {
                            return Ok((Some(completed), successor.pop()));
                        }
                        // Not ours to finish: another instance holds it, or the user's cancel
                        // was accepted while the result was on its way (it ends cancelled).
                        self.content.remove(&[storage_key]).await;
                        store.fail(id, instance, &cancelled_by_user(), Verdict::Cancelled).await.map(alone)
                    }
                    Err(e) => {
                        // The disk, not the service: said loudly, tried again on the schedule.
                        tracing::error!(%id, "saving a result: {e}");
                        let failure = Failure::Unsaved { message: e.cause().to_string() };
                        store.fail(id, instance, &failure, judged(&failure)).await.map(alone)
                    }
                }
            }
            Ended::Failed(failure) => {
                tracing::info!(%id, reason = failure.reason(), "attempt failed");
                store.fail(id, instance, &failure, judged(&failure)).await.map(alone)
            }
            Ended::Cancelled => store.fail(id, instance, &cancelled_by_user(), Verdict::Cancelled).await.map(alone),
            Ended::Released => store.release(id, instance).await.map(alone),
            Ended::Lost => {
                tracing::warn!(%id, "lease lost; another instance took the task over");
                Ok((None, None))
            }
        }
    }

    /// What a task retried `retries` times so far becomes after `failure`, by the policy;
    /// a job someone cancelled at the service itself (ComfyUI's interrupt, Replicate's or
    /// fal's cancel) ends its task `cancelled`, as a cancel here does.
    pub(super) fn judge(&self, failure: &Failure, retries: u32) -> Verdict {
        if let Failure::Permanent { kind: FailureKind::Cancelled, .. } = failure {
            return Verdict::Cancelled;
        }
        self.config.retry.judge(failure, retries, self.store.clock().now())
    }

    /// Publishes the task's state as stored now.
    pub(super) async fn publish_state(&self, id: Uuid) {
        match self.store.find_any(id).await {
            Ok(Some((owner, task))) => self.events.publish(owner, TaskEvent::Task { task: Box::new(task) }),
            Ok(None) => {}
            Err(e) => tracing::warn!(%id, "reading a task to publish it: {e}"),
        }
    }
}

fn cancelled_by_user() -> Failure {
    Failure::Permanent { kind: FailureKind::Cancelled, message: "Cancelled by the user.".into() }
}

#[cfg(test)]
mod tests {
    use super::{ProgressCell, PROGRESS_EVERY};
    use std::cell::RefCell;
    use std::time::Duration;
    use tokio::time::Instant;

    #[tokio::test(start_paused = true)]
    async fn progress_is_written_at_most_four_times_a_second() {
        let cell = ProgressCell::default();
        let writes = RefCell::new(Vec::new());
        // A provider reporting every 10 ms for about two seconds.
        let reporter = async {
            for p in 1..=200u32 {
                cell.report((p / 2) as u8);
                tokio::time::sleep(Duration::from_millis(10)).await;
            }
        };
        let writer = cell.throttled(PROGRESS_EVERY, |p, queued| {
            assert_eq!(queued, None);
            writes.borrow_mut().push((Instant::now(), p));
            async {}
        });
        tokio::select! {
            () = reporter => {}
            never = writer => match never {},
        }
        let writes = writes.into_inner();
        assert!((7..=9).contains(&writes.len()), "{} writes in 2 s: {writes:?}", writes.len());
        for pair in writes.windows(2) {
            assert!(pair[1].0 - pair[0].0 >= PROGRESS_EVERY, "{writes:?}");
            assert!(pair[1].1 > pair[0].1, "progress only grows: {writes:?}");
        }
        assert!(writes.iter().all(|(_, p)| *p <= 99), "100 is the outcome's to write");
    }
}
