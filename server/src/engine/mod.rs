//! The task engine: a scheduler per server instance that claims runnable tasks from the
//! store (fairly, under a lease), runs each attempt against the provider for its kind with
//! a deadline, a heartbeat and cancellation, saves the result, and records the outcome by
//! the retry policy (`crate::failure`): the engine judges every failed attempt and hands
//! the store the ending to record.

mod attempt;
mod deadline;
mod remote;
mod scheduler;

use crate::failure::RetryPolicy;
pub use scheduler::{Engine, EngineHandle};

use std::time::Duration;

/// How an instance runs tasks (`Leptos.toml`: instance, concurrency, lease-ms, retry-delays-ms,
/// image-timeout-ms, video-timeout-ms, service-queue-timeout-ms, shutdown-grace-ms).
#[derive(Debug, Clone)]
pub struct EngineConfig {
    /// This instance's name on leases and attempts: never two running at once with one
    /// name, and the same when it starts again (`crate::instance`), so that at its start it
    /// takes back at once what its previous process left running.
    pub instance: String,
    /// Attempts running at once.
    pub concurrency: usize,
    /// How long a claim holds without a heartbeat (renewed every third of it).
    pub lease: Duration,
    pub retry: RetryPolicy,
    pub image_timeout: Duration,
    pub video_timeout: Duration,
    /// How long a job may wait in the service's own queue before it starts.
    pub queue_timeout: Duration,
    /// On shutdown, how long running attempts may finish before they are released.
    pub grace: Duration,
}

/// A duration as people read it in messages: "5 min", "90 s", "250 ms".
fn human(d: Duration) -> String {
    match (d.as_millis(), d.as_secs()) {
        (ms, _) if ms % 1000 != 0 => format!("{ms} ms"),
        (_, s) if s % 60 == 0 && s > 0 => format!("{} min", s / 60),
        (_, s) => format!("{s} s"),
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn durations_read_naturally() {
        use std::time::Duration;
        assert_eq!(super::human(Duration::from_secs(300)), "5 min");
        assert_eq!(super::human(Duration::from_secs(90)), "90 s");
        assert_eq!(super::human(Duration::from_millis(250)), "250 ms");
    }
}
