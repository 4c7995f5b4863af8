//! The `server` binary: read the settings, start serving, stop cleanly on Ctrl-C or
//! SIGTERM; or, with `providers check`, ask the configured generation services whether
//! they answer.

use clap::{Parser, Subcommand};
use server::config::Settings;
use server::provider::{Providers, Report};
use std::path::PathBuf;
use std::process::ExitCode;

/// Atelier: batch AI image and video generation beside a whiteboard.
#[derive(Parser)]
#[command(version)]
struct Cli {
    /// Settings file; keys are documented in it. Environment variables override it.
    #[arg(long, env = "ATELIER_CONFIG", default_value = "Leptos.toml", global = true)]
    config: PathBuf,
    #[command(subcommand)]
    command: Option<Command>,
}

#[derive(Subcommand)]
enum Command {
    /// The generation services.
    Providers {
        #[command(subcommand)]
        action: ProvidersAction,
    },
}

#[derive(Subcommand)]
enum ProvidersAction {
    /// Contacts each configured service and prints whether it answers and what it serves;
    /// exits with 1 if a kind of task has no service that answers.
    Check,
}

#[tokio::main]
async fn main() -> anyhow::Result<ExitCode> {
    let cli = Cli::parse();
    let settings = Settings::load(&cli.config)?;
    server::telemetry::init(&settings.log);
    match cli.command {
        None => serve(settings).await.map(|()| ExitCode::SUCCESS),
        Some(Command::Providers { action: ProvidersAction::Check }) => {
            let report = Report::of(&Providers::from_settings(&settings)?).await;
            print!("{report}");
            Ok(if report.all_ready() { ExitCode::SUCCESS } else { ExitCode::FAILURE })
        }
    }
}

async fn serve(settings: Settings) -> anyhow::Result<()> {
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
