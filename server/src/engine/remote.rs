//! Driving a provider through one attempt: submit (or, when an earlier attempt queued a
//! job at this service, resume it without submitting again), record the queued job's id
//! before anything else, poll it at the service's pace, fetch the result; and abandoning a
//! queued job when the attempt is cancelled or times out (cancelled at the service when it
//! can be, forgotten so that the next attempt submits anew). A job the service answers it
//! no longer has (`Polled::Gone`: it restarted) is forgotten and submitted anew in the
//! same attempt, once: no retry is spent on it.

use super::deadline::Deadline;
use super::Engine;
use crate::failure::Failure;
use crate::provider::{Configured, Job, Output, Polled, Progress, RemoteJobId, Submitted};
use std::sync::Mutex;
use uuid::Uuid;

/// The service's id of the job the attempt has queued, once it has one.
#[derive(Default)]
pub(super) struct RemoteJob(Mutex<Option<String>>);

impl RemoteJob {
    fn set(&self, id: Option<String>) {
        *self.0.lock().unwrap_or_else(|e| e.into_inner()) = id;
    }

    fn get(&self) -> Option<String> {
        self.0.lock().unwrap_or_else(|e| e.into_inner()).clone()
    }
}

/// Where an attempt reports its job's place in the service's own queue (`None`: not
/// waiting there, or at no known place).
pub(super) type Queued<'a> = &'a (dyn Fn(Option<u32>) + Send + Sync);

/// What the attempt follows while the provider works: its progress, its queued job and
/// whether that job waits in the service's queue (and where) or runs.
#[derive(Clone, Copy)]
pub(super) struct Tracking<'a> {
    pub progress: Progress<'a>,
    pub queued: Queued<'a>,
    pub remote: &'a RemoteJob,
    pub deadline: &'a Deadline,
}

impl Engine {
    /// The attempt's work: the result, or why there is none. `resume` is the job an
    /// earlier attempt queued, resumed if it is at this service.
    pub(super) async fn generate(
        &self,
        service: &Configured,
        job: &Job,
        resume: Option<&RemoteJobId>,
        tracking: &Tracking<'_>,
    ) -> Result<Output, Failure> {
        let Tracking { progress, queued, remote, deadline } = *tracking;
        let _slot = service.slots.acquire().await.expect("service slots are never closed");
        let provider = &service.provider;
        let mut resumed = resume.and_then(|r| r.at(provider.name())).map(str::to_owned);
        let mut resubmitted = false;
        loop {
            let id = match resumed.take() {
                Some(id) => id,
                None => match self.submit(service, job, progress, remote).await? {
                    Submitted::Done(output) => return Ok(output),
                    Submitted::Queued(id) => id,
                },
            };
            remote.set(Some(id.clone()));
            let gone = loop {
                match provider.poll(job, &id).await? {
                    Polled::Waiting { position } => {
                        deadline.waiting();
                        queued(position);
                        tokio::time::sleep(service.poll_every).await;
                    }
                    Polled::Running { progress: reported } => {
                        deadline.running();
                        queued(None);
                        if let Some(p) = reported {
                            progress(p);
                        }
                        tokio::time::sleep(service.poll_every).await;
                    }
                    Polled::Succeeded(location) => return provider.fetch(job, &location).await,
                    Polled::Failed(failure) => {
                        self.forget(job.task_id, remote).await;
                        return Err(failure);
                    }
                    Polled::Gone(message) => break message,
                }
            };
            // The service is there and lost the job (a restart): submitted anew at once,
            // its work from the start.
            self.forget(job.task_id, remote).await;
            queued(None);
            progress(0);
            if std::mem::replace(&mut resubmitted, true) {
                // Lost twice in one attempt: something there drops it; the schedule decides.
                return Err(Failure::Retryable { message: gone, after: None });
            }
            tracing::info!(task_id = %job.task_id, "{gone}; submitted again");
        }
    }

    /// Submits the job; a job queued at the service is recorded before anything else (and
    /// known to the attempt at once, so that a cancel from here on reaches it).
    async fn submit(
        &self,
        service: &Configured,
        job: &Job,
        progress: Progress<'_>,
        remote: &RemoteJob,
    ) -> Result<Submitted, Failure> {
        let submitted = service.provider.submit(job, progress).await?;
        let Submitted::Queued(id) = &submitted else { return Ok(submitted) };
        remote.set(Some(id.clone()));
        let recorded = RemoteJobId::new(service.provider.name(), id);
        if let Err(e) = self.store.set_remote_job(job.task_id, &self.config.instance, Some(&recorded)).await {
            // Unrecorded, a restart would submit it again: take it back instead.
            tracing::warn!(task_id = %job.task_id, "recording the service's job id: {e}");
            service.cancel_job(id).await;
            remote.set(None);
            return Err(Failure::Retryable {
                message: "the service's job id could not be recorded (the job was cancelled)".into(),
                after: None,
            });
        }
        Ok(submitted)
    }

    /// The attempt's job is gone from the service: the next submission starts anew.
    async fn forget(&self, task_id: Uuid, remote: &RemoteJob) {
        remote.set(None);
        self.record_remote_job(task_id, None).await;
    }

    /// Stops the attempt's queued job, if it has one: cancelled at the service when it
    /// can be (best effort, bounded), and forgotten.
    pub(super) async fn abandon(&self, service: &Configured, task_id: Uuid, remote: &RemoteJob) {
        let Some(id) = remote.get() else { return };
        service.cancel_job(&id).await;
        self.record_remote_job(task_id, None).await;
    }

    async fn record_remote_job(&self, task_id: Uuid, job: Option<&RemoteJobId>) {
        if let Err(e) = self.store.set_remote_job(task_id, &self.config.instance, job).await {
            tracing::warn!(%task_id, "recording the service's job id: {e}");
        }
    }
}
