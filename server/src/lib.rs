//! The Atelier server: configuration, persistence, the owner cookie, the HTTP surface,
//! and the task service the app's server functions call through Leptos context.

pub mod config;
pub mod db;
mod entity;
mod guard;
mod owner;
mod router;
mod tasks;
pub mod telemetry;

pub use tasks::TaskStore;

use config::Settings;
use std::net::SocketAddr;
use tokio::net::TcpListener;
use tokio::sync::oneshot;
use tokio::task::JoinHandle;

/// A server accepting connections; [`Running::stop`] shuts it down gracefully.
pub struct Running {
    pub addr: SocketAddr,
    stop: oneshot::Sender<()>,
    task: JoinHandle<()>,
}

impl Running {
    /// Stops accepting, lets in-flight requests finish, closes the database.
    pub async fn stop(self) {
        let _ = self.stop.send(());
        let _ = self.task.await;
    }
}

/// Connects and migrates the database, then serves on `listener` in the background.
pub async fn start(settings: Settings, listener: TcpListener) -> Result<Running, StartError> {
    let db = db::connect(&settings).await?;
    let addr = listener.local_addr().map_err(StartError::Listen)?;
    let app = router::build(&settings, addr, TaskStore::new(db.clone()));
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
    Ok(Running { addr, stop, task })
}

#[derive(Debug, thiserror::Error)]
pub enum StartError {
    #[error("database: {0}")]
    Database(#[from] db::DbError),
    #[error("listening socket: {0}")]
    Listen(std::io::Error),
}
