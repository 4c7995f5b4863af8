//! Generation services behind one interface. A service either answers a submission with
//! the result (synchronous: the embedded generator, OpenAI images) or queues a remote job
//! and answers with its id, which the engine records at once, then polls, fetches and, on
//! cancel, cancels (Replicate, fal, ComfyUI, OpenAI videos). Every failure comes back
//! classified ([`Failure`]): retryable, or permanent with its kind and the service's own
//! words. The engine owns deadlines, retries and cancellation; a provider only talks to
//! its service.

mod check;
mod comfyui;
mod configured;
mod embedded;
mod fal;
mod http;
mod media;
mod openai;
mod remote_job;
mod replicate;

pub use check::{Health, Report};
pub use configured::{Configured, Connection, Providers};
pub use embedded::Embedded;
pub use remote_job::RemoteJobId;

use crate::failure::{Failure, FailureKind};
use app::domain::{TaskKind, TaskParams};
use uuid::Uuid;

/// A generation service as recorded on a task: its name and the model asked for.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ServiceName {
    pub name: String,
    pub model: String,
}

/// Which service runs each kind of task.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Services {
    pub image: ServiceName,
    pub video: ServiceName,
}

impl Services {
    /// Whether tasks of this kind go to a service that may charge for them: any but the
    /// embedded generator (an unconfigured store, in benches, has none).
    pub fn paid(&self, kind: TaskKind) -> bool {
        let name = match kind {
            TaskKind::Image => &self.image.name,
            TaskKind::Video => &self.video.name,
        };
        !name.is_empty() && name != Embedded::NAME
    }
}

/// What to generate.
#[derive(Debug, Clone)]
pub struct Job {
    pub task_id: Uuid,
    pub params: TaskParams,
}

/// A generated file, checked and described.
#[derive(Debug, Clone, PartialEq)]
pub struct Output {
    pub media_type: String,
    pub bytes: Vec<u8>,
    pub width: Option<u32>,
    pub height: Option<u32>,
    pub duration_ms: Option<u32>,
    /// A still for the queue (a video's poster), when the service made one.
    pub poster: Option<Vec<u8>>,
}

/// What a service can do, as `server providers check` and the engine see it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Capabilities {
    pub image: bool,
    pub video: bool,
    /// Jobs are queued at the service: `submit` answers with an id to poll.
    pub remote_jobs: bool,
    /// A queued job can be cancelled at the service.
    pub cancellable: bool,
    pub reports_progress: bool,
}

impl Capabilities {
    pub fn serves(&self, kind: TaskKind) -> bool {
        match kind {
            TaskKind::Image => self.image,
            TaskKind::Video => self.video,
        }
    }
}

/// A submission's answer.
#[derive(Debug)]
pub enum Submitted {
    /// The result itself.
    Done(Output),
    /// The service queued a job under this id.
    Queued(String),
}

/// A queued job, as the service reports it.
#[derive(Debug, Clone, PartialEq)]
pub enum Polled {
    /// Waiting in the service's own queue: not started, so not yet on the running clock;
    /// `position` is its place there (1: next), when the service tells it.
    Waiting { position: Option<u32> },
    /// Started at the service (a service that cannot tell says so from the submission on).
    Running { progress: Option<u8> },
    /// Finished: the result is to be fetched from here (a URL, a file name, the id).
    Succeeded(String),
    /// Ended without a result (the job is gone: trying again means a new submission).
    Failed(Failure),
    /// The service answers but no longer knows the job (it restarted, or the job was
    /// deleted there): nothing is lost by submitting it anew at once, and no retry is owed.
    Gone(String),
}

/// Where a provider reports progress (0 to 100); the engine throttles and publishes it.
pub type Progress<'a> = &'a (dyn Fn(u8) + Send + Sync);

#[async_trait::async_trait]
pub trait Provider: Send + Sync + 'static {
    /// The service's short name, recorded with each task (`embedded`, `replicate`).
    fn name(&self) -> &str;
    /// The model the service is asked for.
    fn model(&self) -> &str;
    fn capabilities(&self) -> Capabilities;
    /// Starts the job: the result, or the id of the job queued at the service.
    async fn submit(&self, job: &Job, progress: Progress<'_>) -> Result<Submitted, Failure>;
    /// How the queued job `remote` is doing. An `Err` is about the asking (the job may
    /// still be there); `Polled::Failed` says the job itself ended badly.
    async fn poll(&self, job: &Job, remote: &str) -> Result<Polled, Failure> {
        let _ = (job, remote);
        Err(no_remote_jobs(self.name()))
    }
    /// Downloads and checks the result of a succeeded job.
    async fn fetch(&self, job: &Job, location: &str) -> Result<Output, Failure> {
        let _ = (job, location);
        Err(no_remote_jobs(self.name()))
    }
    /// Asks the service to stop the queued job `remote`.
    async fn cancel(&self, remote: &str) -> Result<(), Failure> {
        let _ = remote;
        Ok(())
    }
    /// Whether the service answers and can serve tasks of `kind` (`server providers check`).
    async fn check(&self, kind: TaskKind) -> Health;
}

fn no_remote_jobs(name: &str) -> Failure {
    Failure::Permanent { kind: FailureKind::Protocol, message: format!("{name} has no queued jobs to ask about") }
}
