//! The `server` binary: read the settings, start serving, stop cleanly on Ctrl-C or SIGTERM.

use clap::Parser;
use server::config::Settings;
use std::path::PathBuf;

/// Atelier: batch AI image and video generation beside a whiteboard.
#[derive(Parser)]
#[command(version)]
struct Cli {
    /// Settings file; keys are documented in it. Environment variables override it.
    #[arg(long, env = "ATELIER_CONFIG", default_value = "Leptos.toml")]
    config: PathBuf,
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let cli = Cli::parse();
    let settings = Settings::load(&cli.config)?;
    server::telemetry::init(&settings.log);
    let listener = tokio::net::TcpListener::bind(settings.site_addr).await?;
    let running = server::start(settings, listener).await?;
    tracing::info!("serving on http://{}", running.addr);
    shutdown_signal().await;
    tracing::info!("shutting down");
    running.stop().await;
    Ok(())
}

async fn shutdown_signal() {
    let ctrl_c = tokio::signal::ctrl_c();
    #[cfg(unix)]
    {
        let mut term = tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate())
            .expect("installing a SIGTERM handler");
        tokio::select! { _ = ctrl_c => {}, _ = term.recv() => {} }
    }
    #[cfg(not(unix))]
    let _ = ctrl_c.await;
}
