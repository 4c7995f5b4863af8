//! Generation services behind one interface: the engine hands a [`Job`] to the provider
//! configured for its kind and gets back an [`Output`] or a classified [`Failure`]
//! (transient failures are retried by the engine; permanent ones fail the task). The
//! engine owns timeouts and cancellation: it drops the `generate` future to stop it.

mod check;
mod embedded;
mod openai;

pub use check::{Health, Report};
pub use embedded::Embedded;
pub use openai::OpenAi;

use crate::config::{ConfigError, Settings};
use crate::engine::Failure;
use crate::store::{ServiceName, Services};
use app::domain::{TaskKind, TaskParams};
use std::sync::Arc;
use uuid::Uuid;

/// What to generate.
#[derive(Debug, Clone)]
pub struct Job {
    pub task_id: Uuid,
    pub params: TaskParams,
}

/// A generated file, checked and described by the provider.
#[derive(Debug, Clone, PartialEq)]
pub struct Output {
    pub media_type: String,
    pub bytes: Vec<u8>,
    pub width: Option<u32>,
    pub height: Option<u32>,
    pub duration_ms: Option<u32>,
}

/// Where a provider reports progress (0 to 100); the engine throttles and publishes it.
pub type Progress<'a> = &'a (dyn Fn(u8) + Send + Sync);

#[async_trait::async_trait]
pub trait Provider: Send + Sync + 'static {
    /// The service's short name, shown with each task (`embedded`, `openai`).
    fn name(&self) -> &str;
    /// The model the service is asked for.
    fn model(&self) -> &str;
    async fn generate(&self, job: &Job, progress: Progress<'_>) -> Result<Output, Failure>;
    /// Whether the service answers and can serve tasks of `kind` (`server providers check`).
    async fn check(&self, kind: TaskKind) -> Health;
}

/// The provider for each kind of task.
#[derive(Clone)]
pub struct Providers {
    pub image: Arc<dyn Provider>,
    pub video: Arc<dyn Provider>,
}

impl Providers {
    /// The services the settings name (`image-service`, `video-service`).
    pub fn from_settings(settings: &Settings) -> Result<Self, ConfigError> {
        let unknown = |key: &str, name: &str, expected: &str| ConfigError::Invalid {
            origin: key.into(),
            message: format!("unknown service \"{name}\" (expected {expected})"),
        };
        let image: Arc<dyn Provider> = match settings.image_service.as_str() {
            "embedded" => Arc::new(Embedded),
            "openai" => Arc::new(OpenAi::new(
                &settings.openai_base_url,
                &settings.openai_image_model,
                std::env::var("ATELIER_OPENAI_API_KEY").ok(),
                settings.max_result_bytes,
            )),
            other => return Err(unknown("image-service", other, "\"embedded\" or \"openai\"")),
        };
        let video: Arc<dyn Provider> = match settings.video_service.as_str() {
            "embedded" => Arc::new(Embedded),
            other => return Err(unknown("video-service", other, "\"embedded\"")),
        };
        Ok(Self { image, video })
    }

    /// The names recorded on each task the store hands out.
    pub fn services(&self) -> Services {
        let of = |p: &Arc<dyn Provider>| ServiceName { name: p.name().to_owned(), model: p.model().to_owned() };
        Services { image: of(&self.image), video: of(&self.video) }
    }

    pub fn for_kind(&self, kind: TaskKind) -> &Arc<dyn Provider> {
        match kind {
            TaskKind::Image => &self.image,
            TaskKind::Video => &self.video,
        }
    }
}
