//! The `server` binary: read the settings, start serving, stop cleanly on Ctrl-C or
//! SIGTERM; or, with `providers check`, ask the configured generation services whether
//! they answer; or, with `user add`, create an account (the first administrator).

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
    /// Accounts.
    User {
        #[command(subcommand)]
        action: UserAction,
    },
}

#[derive(Subcommand)]
enum UserAction {
    /// Creates an account; its password is read from the first line of standard input
    /// (`printf '%s\n' "$PASSWORD" | server user add ada --admin`), never from the command line.
    Add {
        username: String,
        #[arg(long)]
        email: Option<String>,
        /// An administrator.
        #[arg(long)]
        admin: bool,
    },
}

#[derive(Subcommand)]
enum ProvidersAction {
    /// Contacts each configured service and prints whether it answers and what it serves;
    /// exits with 1 if a kind of task has no service that answers.
    Check,
}

fn main() -> anyhow::Result<ExitCode> {
    server::memory::one_heap_per_core();
    tokio::runtime::Builder::new_multi_thread().enable_all().build()?.block_on(run())
}

async fn run() -> anyhow::Result<ExitCode> {
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
        Some(Command::User { action: UserAction::Add { username, email, admin } }) => {
            let mut password = String::new();
            std::io::stdin().read_line(&mut password)?;
            let password = password.trim_end_matches(['\n', '\r']).to_owned();
            let request = app::domain::SignUpRequest { username: username.clone(), email, password, invite: None };
            match server::add_user(&settings, request, admin).await {
                Ok(id) => {
                    println!(
                        "created {} ({id}){}",
                        username.trim().to_lowercase(),
                        if admin { ", an administrator" } else { "" }
                    );
                    Ok(ExitCode::SUCCESS)
                }
                Err(e) => {
                    eprintln!("not created: {e}");
                    Ok(ExitCode::FAILURE)
                }
            }
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
