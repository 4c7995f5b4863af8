//! The Atelier server: configuration, persistence, the owner cookie, the HTTP surface,
//! and the task service the app's server functions call through Leptos context.

pub mod clock;
pub mod config;
pub mod db;
pub mod engine;
mod entity;
mod guard;
mod owner;
mod router;
mod store;
pub mod telemetry;

pub use store::{Claimed, TaskStore};

use clock::{Clock, SystemClock};
use config::Settings;
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;
use tokio::net::TcpListener;
use tokio::sync::oneshot;
use tokio::task::JoinHandle;

/// A server accepting connections; [`Running::stop`] shuts it down gracefully.
pub struct Running {
    pub addr: SocketAddr,
    stop: oneshot::Sender<()>,
    task: JoinHandle<()>,
    grace: Duration,
}

impl Running {
    /// Stops accepting and lets in-flight requests finish, for at most the grace period
    /// (a client that never reads its response cannot hold the server up); then closes
    /// the database.
    pub async fn stop(mut self) {
        let _ = self.stop.send(());
        if tokio::time::timeout(self.grace, &mut self.task).await.is_err() {
            tracing::warn!("connections still open after {:?}; closing them", self.grace);
            self.task.abort();
        }
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
    let db = db::connect(&settings).await?;
    let addr = listener.local_addr().map_err(StartError::Listen)?;
    let dedup_window = chrono::TimeDelta::milliseconds(settings.dedup_window_ms as i64);
    let app = router::build(&settings, addr, TaskStore::new(db.clone(), clock, dedup_window));
    let grace = Duration::from_millis(settings.shutdown_grace_ms);
    let (stop, stopped) = oneshot::channel::<()>();
    let task = tokio::spawn(async move {
        let served = axum::serve(listener, app).with_graceful_shutdown(async {
            let _ = stopped.await;
        });
        if let Err(e) = served.await {
            tracing::error!("server error: {e}");
        }
        let _ = db.close().await;
    });
    Ok(Running { addr, stop, task, grace })
}

#[derive(Debug, thiserror::Error)]
pub enum StartError {
    #[error("database: {0}")]
    Database(#[from] db::DbError),
    #[error("listening socket: {0}")]
    Listen(std::io::Error),
}
