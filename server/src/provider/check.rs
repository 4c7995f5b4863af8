//! `server providers check`: asks each configured service whether it answers and can
//! serve its kind of task, and says so a line per kind.

use super::{Capabilities, Providers};
use app::domain::TaskKind;
use std::fmt;

/// What a service says when asked.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Health {
    /// It answers; what it serves, in words.
    Ready(String),
    /// It does not answer, refuses, or cannot serve the kind; why.
    Unavailable(String),
}

/// The answer of every configured service.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Report {
    lines: Vec<(TaskKind, String, Health)>,
}

impl Report {
    pub async fn of(providers: &Providers) -> Self {
        let mut lines = Vec::new();
        for kind in [TaskKind::Image, TaskKind::Video] {
            let provider = &providers.for_kind(kind).provider;
            let service = format!("{} · {}", provider.name(), provider.model());
            let can = provider.capabilities();
            let health = match provider.check(kind).await {
                _ if !can.serves(kind) => Health::Unavailable(format!("it does not make {}", kind.as_str())),
                Health::Ready(what) => Health::Ready(format!("{what} ({})", ways(can))),
                unavailable => unavailable,
            };
            lines.push((kind, service, health));
        }
        Self { lines }
    }

    /// True when every kind of task has a service that answers.
    pub fn all_ready(&self) -> bool {
        self.lines.iter().all(|(_, _, health)| matches!(health, Health::Ready(_)))
    }
}

/// How a service works, in words: "one call" or "queued jobs, cancellable, with progress".
fn ways(can: Capabilities) -> String {
    let mut ways = vec![if can.remote_jobs { "queued jobs" } else { "one call" }];
    ways.extend(can.cancellable.then_some("cancellable"));
    ways.extend(can.reports_progress.then_some("with progress"));
    ways.join(", ")
}

impl fmt::Display for Report {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (kind, service, health) in &self.lines {
            match health {
                Health::Ready(what) => writeln!(f, "{}: {service}: ready: {what}", kind.as_str())?,
                Health::Unavailable(why) => writeln!(f, "{}: {service}: unavailable: {why}", kind.as_str())?,
            }
        }
        Ok(())
    }
}
