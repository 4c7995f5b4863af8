//! The Atelier server: the axum binary's library, used by `main.rs`, the integration
//! tests and the benchmarks through [`start`].
//!
//! # Layout
//!
//! Each room knows only the rooms below it (`scripts/check-layers.sh` checks the imports):
//!
//! - [`failure`]: the ground floor. How an attempt failed, and what the task becomes by the
//!   retry policy. No I/O.
//! - [`provider`]: the generation services behind one `Provider` interface (the embedded
//!   generator, OpenAI-compatible, ComfyUI, Replicate, fal). Knows the failure vocabulary
//!   and HTTP, nothing of the engine or the database.
//! - `store`: `TaskStore`, every read and write of tasks over SeaORM (`entity` holds the
//!   rows). Records what the engine decided; never judges.
//! - [`content`]: result files in a folder, their thumbnails, the sweep of leftovers.
//! - [`events`]: the live event bus, and its relay between instances on PostgreSQL.
//! - [`engine`]: the scheduler and its attempts: claims tasks from the store, drives a
//!   provider, judges failures by the policy, saves to the content folder, publishes.
//! - [`service`]: `Service`, the `TaskService` the app's server functions call (users'
//!   actions: a store call, then its live event).
//! - [`accounts`]: `Accounts`, the `AccountService`: sign-up, sign-in (throttled), sessions,
//!   passwords (argon2id, common ones refused), cookies and tokens.
//! - `http`: the router and middleware, the routes that are not server functions
//!   (result files, the ZIP, the event stream).
//!
//! At the root only wiring and infrastructure: [`config`], [`db`], [`clock`],
//! [`instance`] (this server's name on its tasks), [`telemetry`], and [`start`] below, which connects, migrates, and starts the engine and
//! the HTTP server.

pub mod accounts;
pub mod clock;
pub mod config;
pub mod content;
pub mod db;
pub mod engine;
mod entity;
pub mod events;
pub mod failure;
mod http;
pub mod instance;
pub mod memory;
pub mod provider;
mod rate;
pub mod service;
mod store;
pub mod telemetry;

pub use store::{Claimed, Expired, Lease, StoredContent, TaskStore};

use chrono::TimeDelta;
use clock::{Clock, SystemClock};
use config::Settings;
use content::ContentStore;
use engine::{Engine, EngineConfig, EngineHandle};
use events::Events;
use failure::RetryPolicy;
use provider::Providers;
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;
use tokio::net::TcpListener;
use tokio::sync::oneshot;
use tokio::task::JoinHandle;
use tokio_util::sync::CancellationToken;

/// A server accepting connections; [`Running::stop`] shuts it down gracefully.
pub struct Running {
    pub addr: SocketAddr,
    stop: oneshot::Sender<()>,
    task: JoinHandle<()>,
    engine: EngineHandle,
    events: Events,
    relay: Option<events::Relay>,
    grace: Duration,
    db: sea_orm::DatabaseConnection,
    sweeping: CancellationToken,
}

impl Running {
    /// Stops accepting requests and starting tasks; in-flight requests and running
    /// attempts get the grace period to finish (a client that never reads its response
    /// cannot hold the server up; attempts still running are handed back to the queue);
    /// then the database is closed.
    pub async fn stop(mut self) {
        let _ = self.stop.send(());
        self.events.close();
        self.sweeping.cancel();
        let http = async {
            if tokio::time::timeout(self.grace, &mut self.task).await.is_err() {
                tracing::warn!("connections still open after {:?}; closing them", self.grace);
                self.task.abort();
                let _ = (&mut self.task).await;
            }
        };
        tokio::join!(http, self.engine.stop());
        if let Some(relay) = self.relay {
            relay.stop().await;
        }
        let _ = self.db.close().await;
    }
}

/// Connects and migrates the database, then serves on `listener` in the background.
pub async fn start(settings: Settings, listener: TcpListener) -> Result<Running, StartError> {
    start_with_clock(settings, listener, Arc::new(SystemClock)).await
}

/// [`start`] with the given clock (tests move time by hand).
pub async fn start_with_clock(
    settings: Settings,
    listener: TcpListener,
    clock: Arc<dyn Clock>,
) -> Result<Running, StartError> {
    memory::give_large_blocks_back();
    let providers = Providers::from_settings(&settings)?;
    let db = db::connect(&settings).await?;
    let addr = listener.local_addr().map_err(StartError::Listen)?;
    let dedup_window = TimeDelta::milliseconds(settings.dedup_window_ms as i64);
    let store = TaskStore::new(db.clone(), clock.clone(), dedup_window)
        .with_services(providers.services())
        .with_retry_limit(settings.retry_delays_ms.len() as u32)
        .with_daily_budget(settings.daily_budget);
    let (events, content) = (Events::default(), ContentStore::new(&settings.content_dir));
    content.check_writable().await.map_err(StartError::Content)?;
    let sweeping = CancellationToken::new();
    tokio::spawn(content::sweep::sweep_every(
        store.clone(),
        content.clone(),
        Duration::from_millis(settings.sweep_every_ms.max(1)),
        sweeping.clone(),
    ));
    let grace = Duration::from_millis(settings.shutdown_grace_ms);
    let config = engine_config(&settings, instance::name(&settings.instance, addr, settings.content_dir.as_ref()));
    tracing::info!(instance = config.instance, "running tasks under this name");
    let relay = events::start_relay(&db, &events, &config.instance).await.map_err(StartError::Relay)?;
    let service = service::Service::new(store.clone(), events.clone(), content.clone())
        .with_providers(providers.clone())
        .with_task_rate(settings.tasks_per_minute)
        .with_min_free_bytes(settings.min_free_bytes);
    let engine = Engine::new(store.clone(), providers, content.clone(), events.clone(), config);
    let cookies = accounts::cookies::Cookies { secure: settings.secure_cookies };
    let accounts = accounts::Accounts::new(store.clone(), events.clone(), cookies, clock.clone())
        .with_rules(settings.sign_up, settings.workspaces_per_account);
    let app = http::build(&settings, addr, service, accounts, events.clone(), http::Results { store, content });
    let engine = engine.start();
    let (stop, stopped) = oneshot::channel::<()>();
    let limits = http::Limits {
        client_timeout: Duration::from_millis(settings.client_timeout_ms.max(1)),
        per_address: settings.connections_per_address.max(1),
    };
    let task = tokio::spawn(http::serve(listener, app, limits, async {
        let _ = stopped.await;
    }));
    Ok(Running { addr, stop, task, engine, events, relay, grace, db, sweeping })
}

/// Creates an account from the command line: connects and migrates the database, checks
/// the request as a sign-up would, and stores the account (an administrator if `admin`).
pub async fn add_user(
    settings: &Settings,
    request: app::domain::SignUpRequest,
    admin: bool,
) -> Result<uuid::Uuid, AddUserError> {
    let sign_up = request.validate().map_err(|e| AddUserError::Refused(app::api::ApiError::from(e)))?;
    let db = db::connect(settings).await?;
    let store = TaskStore::new(db, Arc::new(SystemClock), TimeDelta::zero());
    accounts::add_user(&store, &sign_up, admin).await.map_err(AddUserError::Refused)
}

#[derive(Debug, thiserror::Error)]
pub enum AddUserError {
    #[error("database: {0}")]
    Database(#[from] db::DbError),
    #[error("{0}")]
    Refused(app::api::ApiError),
}

fn engine_config(settings: &Settings, instance: String) -> EngineConfig {
    let ms = Duration::from_millis;
    EngineConfig {
        instance,
        concurrency: settings.concurrency as usize,
        lease: ms(settings.lease_ms.max(30)),
        retry: RetryPolicy::new(settings.retry_delays_ms.iter().map(|d| TimeDelta::milliseconds(*d as i64)).collect()),
        image_timeout: ms(settings.image_timeout_ms),
        video_timeout: ms(settings.video_timeout_ms),
        queue_timeout: ms(settings.service_queue_timeout_ms),
        grace: ms(settings.shutdown_grace_ms),
    }
}

#[derive(Debug, thiserror::Error)]
pub enum StartError {
    #[error("database: {0}")]
    Database(#[from] db::DbError),
    #[error("listening socket: {0}")]
    Listen(std::io::Error),
    #[error("live events across instances: {0}")]
    Relay(sea_orm::DbErr),
    #[error("settings: {0}")]
    Config(#[from] config::ConfigError),
    #[error("{0}")]
    Content(content::FolderError),
}
