//! An attempt's deadline, in two parts. Time a job waits in the service's own queue has
//! its own, longer limit (`service-queue-timeout-ms`, counted from the attempt's start);
//! the running deadline (`image-timeout-ms`, `video-timeout-ms`) starts when the service
//! says it started the job. A service that never says it waits (the embedded generator,
//! synchronous calls) is on the running clock from the attempt's start.

use super::human;
use crate::failure::Failure;
use std::time::Duration;
use tokio::sync::watch;
use tokio::time::Instant;

#[derive(Debug, Clone, Copy, PartialEq)]
enum Phase {
    /// Nothing said yet: on the running clock from the start.
    Begun,
    /// In the service's queue.
    Waiting,
    /// Started at the service at this instant.
    Running(Instant),
}

pub(super) struct Deadline {
    phase: watch::Sender<Phase>,
    began: Instant,
    waiting: Duration,
    running: Duration,
}

impl Deadline {
    /// A deadline from now: `waiting` in the service's queue, `running` once started.
    pub fn new(waiting: Duration, running: Duration) -> Self {
        Self { phase: watch::Sender::new(Phase::Begun), began: Instant::now(), waiting, running }
    }

    /// The service says the job waits in its queue. Once started, a job stays started.
    pub fn waiting(&self) {
        self.phase.send_if_modified(|phase| {
            *phase == Phase::Begun && {
                *phase = Phase::Waiting;
                true
            }
        });
    }

    /// The service says the job runs; after a wait, the running clock starts now.
    pub fn running(&self) {
        self.phase.send_if_modified(|phase| {
            *phase == Phase::Waiting && {
                *phase = Phase::Running(Instant::now());
                true
            }
        });
    }

    /// Resolves when the attempt is out of time, with why.
    pub async fn passed(&self) -> Failure {
        let mut phase = self.phase.subscribe();
        loop {
            let now = *phase.borrow_and_update();
            let (until, message) = match now {
                Phase::Begun => (
                    self.began + self.running,
                    format!("no result within {} (the attempt timed out)", human(self.running)),
                ),
                Phase::Waiting => (
                    self.began + self.waiting,
                    format!(
                        "the service did not start the job within {} in its queue (the attempt timed out)",
                        human(self.waiting)
                    ),
                ),
                Phase::Running(since) => (
                    since + self.running,
                    format!(
                        "no result within {} of the service starting the job (the attempt timed out)",
                        human(self.running)
                    ),
                ),
            };
            tokio::select! {
                () = tokio::time::sleep_until(until) => return Failure::TimedOut { message },
                _ = phase.changed() => {}
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    async fn passes_after(deadline: &Deadline, script: impl std::future::Future<Output = ()>) -> (Duration, String) {
        let start = Instant::now();
        let failure = tokio::select! {
            failure = deadline.passed() => failure,
            () = async { script.await; std::future::pending().await } => unreachable!(),
        };
        (start.elapsed(), failure.reason().to_owned())
    }

    #[tokio::test(start_paused = true)]
    async fn time_in_the_services_queue_is_not_running_time() {
        let (wait, run) = (Duration::from_secs(60), Duration::from_secs(20));
        let silent = Deadline::new(wait, run);
        let (after, why) = passes_after(&silent, async {}).await;
        assert_eq!(after, run, "a service that says nothing is on the running clock");
        assert!(why.contains("no result within 20 s"), "{why}");

        let queued = Deadline::new(wait, run);
        let (after, why) = passes_after(&queued, async {
            queued.waiting();
            tokio::time::sleep(Duration::from_secs(30)).await;
            queued.running();
            queued.waiting(); // once started, a job stays started
        })
        .await;
        assert_eq!(after, Duration::from_secs(50), "20 s of running after 30 s of waiting");
        assert!(why.contains("of the service starting the job"), "{why}");

        let stuck = Deadline::new(wait, run);
        let (after, why) = passes_after(&stuck, async { stuck.waiting() }).await;
        assert_eq!(after, wait, "waiting has its own limit");
        assert!(why.contains("did not start the job within 1 min in its queue"), "{why}");
    }
}
