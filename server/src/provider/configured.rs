//! The configured services: which provider serves each kind of task (`image-service`,
//! `video-service`), built from its settings table with its HTTP client, model, API key
//! (from the environment) and limits (slots, poll interval); and cancelling a job at its
//! service, bounded in time, for every caller.

use super::{comfyui, fal, openai, replicate, Embedded, Provider, RemoteJobId, ServiceName, Services};
use crate::config::{ConfigError, ServiceSettings, Settings};
use app::domain::TaskKind;
use std::sync::Arc;
use std::time::Duration;
use tokio::sync::Semaphore;

/// A configured provider with its service's limits.
#[derive(Clone)]
pub struct Configured {
    pub provider: Arc<dyn Provider>,
    /// Jobs this instance may have at the service at once (shared by both kinds when one
    /// service serves both).
    pub slots: Arc<Semaphore>,
    /// How often a queued job is polled.
    pub poll_every: Duration,
}

/// The provider for each kind of task.
#[derive(Clone)]
pub struct Providers {
    pub image: Configured,
    pub video: Configured,
}

/// How long a cancel at a service may take before it is given up (the job is forgotten
/// all the same).
const CANCEL_WITHIN: Duration = Duration::from_secs(10);

/// The services `image-service` and `video-service` may name.
const SERVICES: &str = "\"embedded\", \"openai\", \"comfyui\", \"replicate\" or \"fal\"";

impl Providers {
    /// The services the settings name (`image-service`, `video-service`).
    pub fn from_settings(settings: &Settings) -> Result<Self, ConfigError> {
        let image = build(settings, &settings.image_service, TaskKind::Image)?;
        let mut video = build(settings, &settings.video_service, TaskKind::Video)?;
        if settings.image_service == settings.video_service {
            video.slots = image.slots.clone();
        }
        Ok(Self { image, video })
    }

    /// Both kinds served by these providers, with unlimited slots (tests and benches).
    pub fn same(provider: Arc<dyn Provider>) -> Self {
        let configured = Configured {
            provider,
            slots: Arc::new(Semaphore::new(Semaphore::MAX_PERMITS)),
            poll_every: Duration::from_millis(10),
        };
        Self { image: configured.clone(), video: configured }
    }

    /// The names recorded on each task the store hands out.
    pub fn services(&self) -> Services {
        let of =
            |c: &Configured| ServiceName { name: c.provider.name().to_owned(), model: c.provider.model().to_owned() };
        Services { image: of(&self.image), video: of(&self.video) }
    }

    pub fn for_kind(&self, kind: TaskKind) -> &Configured {
        match kind {
            TaskKind::Image => &self.image,
            TaskKind::Video => &self.video,
        }
    }
}

impl Providers {
    /// Cancels, in the background, jobs that tasks left queued at their services (a task
    /// cancelled or deleted while waiting to retry): each goes to the configured provider
    /// of its service, if there is one.
    pub fn cancel_jobs(&self, jobs: Vec<RemoteJobId>) {
        for job in jobs {
            let configured = [&self.image, &self.video].into_iter().find(|c| c.provider.name() == job.service());
            let Some(configured) = configured.cloned() else { continue };
            tokio::spawn(async move { configured.cancel_job(job.id()).await });
        }
    }
}

impl Configured {
    /// Cancels the job `id` at this service, if it can cancel jobs: best effort, within
    /// [`CANCEL_WITHIN`], the answer logged. Whatever the answer, the caller forgets the job.
    pub async fn cancel_job(&self, id: &str) {
        let provider = &self.provider;
        if !provider.capabilities().cancellable {
            return;
        }
        match tokio::time::timeout(CANCEL_WITHIN, provider.cancel(id)).await {
            Ok(Ok(())) => tracing::info!(job = id, "cancelled at {}", provider.name()),
            Ok(Err(failure)) => tracing::warn!(job = id, "cancelling at {}: {}", provider.name(), failure.reason()),
            Err(_) => tracing::warn!(job = id, "cancelling at {}: no answer within {CANCEL_WITHIN:?}", provider.name()),
        }
    }
}

/// What an adapter is built from: its service's settings, the model for the kind, the
/// API key from the environment (sent as `Authorization: <scheme> <key>`), and the
/// result size cap.
pub struct Connection {
    pub base_url: String,
    pub model: String,
    api_key: Option<String>,
    scheme: &'static str,
    pub client: reqwest::Client,
    pub max_bytes: u64,
}

impl Connection {
    /// A request to `path` at the service, with its key.
    pub fn request(&self, method: reqwest::Method, path: &str) -> reqwest::RequestBuilder {
        self.authorised(self.client.request(method, format!("{}{path}", self.base_url)))
    }

    /// `request` with the service's key, if it has one.
    pub fn authorised(&self, request: reqwest::RequestBuilder) -> reqwest::RequestBuilder {
        match &self.api_key {
            Some(key) => request.header(reqwest::header::AUTHORIZATION, format!("{} {key}", self.scheme)),
            None => request,
        }
    }
}

fn build(settings: &Settings, name: &str, kind: TaskKind) -> Result<Configured, ConfigError> {
    let (service, key_var): (&ServiceSettings, &str) = match name {
        "embedded" => {
            return Ok(Configured {
                provider: Arc::new(Embedded),
                slots: Arc::new(Semaphore::new(Semaphore::MAX_PERMITS)),
                poll_every: Duration::ZERO,
            })
        }
        "openai" => (&settings.openai, "ATELIER_OPENAI_API_KEY"),
        "comfyui" => (&settings.comfyui, "ATELIER_COMFYUI_API_KEY"),
        "replicate" => (&settings.replicate, "ATELIER_REPLICATE_API_TOKEN"),
        "fal" => (&settings.fal, "ATELIER_FAL_KEY"),
        other => {
            let key = if kind == TaskKind::Image { "image-service" } else { "video-service" };
            return Err(ConfigError::Invalid {
                origin: key.into(),
                message: format!("unknown service \"{other}\" (expected {SERVICES})"),
            });
        }
    };
    let client = reqwest::Client::builder()
        .connect_timeout(Duration::from_secs(10).min(Duration::from_millis(service.request_timeout_ms)))
        .timeout(Duration::from_millis(service.request_timeout_ms))
        .build()
        .map_err(|e| ConfigError::Invalid { origin: name.into(), message: format!("HTTP client: {e}") })?;
    let connection = Connection {
        base_url: service.base_url.trim_end_matches('/').to_owned(),
        model: match kind {
            TaskKind::Image => service.image_model.clone(),
            TaskKind::Video => service.video_model.clone(),
        },
        api_key: std::env::var(key_var).ok().filter(|k| !k.is_empty()),
        scheme: if name == "fal" { "Key" } else { "Bearer" },
        client,
        max_bytes: settings.max_result_bytes,
    };
    let provider: Arc<dyn Provider> = match name {
        "openai" => Arc::new(openai::OpenAi::new(connection, kind)),
        "comfyui" => Arc::new(comfyui::ComfyUi::new(connection)?),
        "replicate" => Arc::new(replicate::Replicate::new(connection)),
        _ => Arc::new(fal::Fal::new(connection)),
    };
    Ok(Configured {
        provider,
        slots: Arc::new(Semaphore::new(service.concurrency.max(1) as usize)),
        poll_every: Duration::from_millis(service.poll_interval_ms.max(10)),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_key_goes_in_the_services_scheme_and_only_when_there_is_one() {
        let connection = |api_key: Option<&str>, scheme| Connection {
            base_url: "http://127.0.0.1:9".into(),
            model: "m".into(),
            api_key: api_key.map(str::to_owned),
            scheme,
            client: reqwest::Client::new(),
            max_bytes: 1,
        };
        let header = |c: &Connection| {
            let request = c.request(reqwest::Method::GET, "/x").build().unwrap();
            assert_eq!(request.url().as_str(), "http://127.0.0.1:9/x");
            request.headers().get("authorization").map(|v| v.to_str().unwrap().to_owned())
        };
        assert_eq!(header(&connection(Some("k1"), "Bearer")).as_deref(), Some("Bearer k1"));
        assert_eq!(header(&connection(Some("k2"), "Key")).as_deref(), Some("Key k2"));
        assert_eq!(header(&connection(None, "Bearer")), None);
    }
}
