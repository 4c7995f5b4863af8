//! The failure vocabulary, on the ground floor: how an attempt failed ([`Failure`],
//! classified by the providers) and what the task becomes ([`Verdict`], decided by the
//! engine with the [`RetryPolicy`] and recorded as it is by the store). A retryable failure
//! (service unavailable, refused connection, 5xx, 429, a timeout) is retried after each
//! delay of the schedule (default 1, 5, 15 minutes, or the service's longer Retry-After);
//! after the last one the task fails with a message that names the cause. A permanent
//! failure (rejected parameters, content policy, auth, an exhausted quota, ...) fails at
//! once with the service's reason. An attempt whose server stopped is not the service's
//! fault: the task is runnable again at once, and fails only after it has stopped its
//! server [`MAX_INTERRUPTIONS`] times. No I/O, and no import of any other module of the crate.

use chrono::{DateTime, TimeDelta, Utc};

/// How an attempt failed; `message` keeps the service's own words for the user.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Failure {
    /// The service could not be had (down, refusing, 5xx, 429); worth trying again;
    /// `after` is the wait the service asked for, if any.
    Retryable { message: String, after: Option<TimeDelta> },
    /// No result within the attempt's deadline; tried again like an outage, and named a
    /// timeout when the retries run out.
    TimedOut { message: String },
    /// The result could not be saved (a full or failing disk): tried again on the same
    /// schedule, and named so when the retries run out.
    Unsaved { message: String },
    /// The server running the attempt stopped (its lease ran out): not the service's
    /// fault, so not counted against its retries (see [`RetryPolicy::interrupted`]).
    Interrupted { message: String },
    /// Trying again cannot help.
    Permanent { kind: FailureKind, message: String },
}

/// How many attempts of one task its server may stop during before the task fails: a
/// task that brings its server down every time must not run for ever.
pub const MAX_INTERRUPTIONS: u32 = 3;

/// Why trying again cannot help.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FailureKind {
    /// The service refused the parameters.
    Validation,
    ContentPolicy,
    /// The credentials are missing or refused.
    Auth,
    /// The account's quota or credit is used up.
    Quota,
    /// The model or endpoint does not exist there.
    NotFound,
    /// The service answered something other than its protocol says.
    Protocol,
    /// The service's workflow (a setting of the server's) cannot make this kind of
    /// result: the operator's to mend, not the user's.
    Workflow,
    /// The result is over `max-result-bytes`.
    TooLarge,
    /// The generator failed to make it (the embedded one, or a service's job that ended
    /// in failure).
    Generator,
    /// The user cancelled the task.
    Cancelled,
}

impl FailureKind {
    /// The code a failed task shows (`error.code` in the API).
    pub fn code(self) -> &'static str {
        match self {
            FailureKind::Validation => "validation",
            FailureKind::ContentPolicy => "content_policy",
            FailureKind::Auth => "auth",
            FailureKind::Quota => "quota",
            FailureKind::NotFound => "not_found",
            FailureKind::Protocol => "protocol",
            FailureKind::Workflow => "workflow",
            FailureKind::TooLarge => "too_large",
            FailureKind::Generator => "generator_error",
            FailureKind::Cancelled => "cancelled",
        }
    }
}

impl Failure {
    /// What went wrong, in the words kept for the user.
    pub fn reason(&self) -> &str {
        match self {
            Failure::Retryable { message, .. }
            | Failure::TimedOut { message }
            | Failure::Unsaved { message }
            | Failure::Interrupted { message }
            | Failure::Permanent { message, .. } => message,
        }
    }

    /// How the attempt's own record names its end: `transient`, `interrupted` or
    /// `permanent`.
    pub fn outcome(&self) -> &'static str {
        match self {
            Failure::Retryable { .. } | Failure::TimedOut { .. } | Failure::Unsaved { .. } => "transient",
            Failure::Interrupted { .. } => "interrupted",
            Failure::Permanent { .. } => "permanent",
        }
    }
}

/// What a task whose attempt did not succeed becomes: the engine decides, the store
/// records it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Verdict {
    /// `retrying`, as retry number `retry` (1-based), due at `at`; `cause` is the code it
    /// fails with if the retries run out (`service_unavailable`, `timed_out`, `storage`),
    /// recorded meanwhile so that the page can say why it waits.
    Retry { retry: u32, at: DateTime<Utc>, cause: &'static str },
    /// `failed`, for good.
    Fail { code: String, message: String },
    /// `cancelled`: the user stopped it (the policy never says so; the engine does).
    Cancelled,
    /// Runnable again at once, as before the attempt, no retry counted (its server
    /// stopped, or handed it back).
    Requeue,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RetryPolicy {
    delays: Vec<TimeDelta>,
}

impl Default for RetryPolicy {
    fn default() -> Self {
        Self::new([60, 300, 900].map(TimeDelta::seconds).to_vec())
    }
}

impl RetryPolicy {
    pub fn new(delays: Vec<TimeDelta>) -> Self {
        Self { delays }
    }

    /// The verdict on a task that has been retried `retries_so_far` times. When the
    /// retries are used up, the failure names the last attempt's cause: the service was
    /// unavailable, it timed out, or its result could not be saved. An interruption is never counted here (see
    /// [`interrupted`](Self::interrupted)).
    pub fn judge(&self, failure: &Failure, retries_so_far: u32, now: DateTime<Utc>) -> Verdict {
        let (after, code, given_up) = match failure {
            Failure::Permanent { kind, message } => {
                return Verdict::Fail { code: kind.code().into(), message: message.clone() }
            }
            Failure::Interrupted { .. } => return Verdict::Requeue,
            Failure::Retryable { after, .. } => (*after, "service_unavailable", "Generation service unavailable"),
            Failure::TimedOut { .. } => (None, "timed_out", "No result in time"),
            Failure::Unsaved { .. } => (None, "storage", "The result could not be saved"),
        };
        match self.delays.get(retries_so_far as usize) {
            Some(delay) => {
                let wait = after.map_or(*delay, |asked| asked.max(*delay));
                Verdict::Retry { retry: retries_so_far + 1, at: now + wait, cause: code }
            }
            None => {
                let after = match retries_so_far {
                    0 => String::new(),
                    1 => " after 1 retry".to_owned(),
                    n => format!(" after {n} retries"),
                };
                Verdict::Fail { code: code.into(), message: format!("{given_up}{after}: {}", failure.reason()) }
            }
        }
    }

    /// The verdict on a task whose server stopped during its attempt, `interruptions_so_far`
    /// times before this one: runnable again at once, not counted against the service's
    /// retries, until [`MAX_INTERRUPTIONS`].
    pub fn interrupted(&self, interruptions_so_far: u32) -> Verdict {
        let interruptions = interruptions_so_far + 1;
        if interruptions < MAX_INTERRUPTIONS {
            return Verdict::Requeue;
        }
        Verdict::Fail {
            code: "interrupted".into(),
            message: format!("The server stopped during {interruptions} attempts of this task; it is not tried again."),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn transient(after: Option<i64>) -> Failure {
        Failure::Retryable { message: "HTTP 503".into(), after: after.map(TimeDelta::seconds) }
    }

    #[test]
    fn every_code_a_task_can_end_with_is_one_the_page_has_words_for() {
        use app::domain::FAILURE_CODES;
        let kinds = [
            FailureKind::Validation,
            FailureKind::ContentPolicy,
            FailureKind::Auth,
            FailureKind::Quota,
            FailureKind::NotFound,
            FailureKind::Protocol,
            FailureKind::Workflow,
            FailureKind::TooLarge,
            FailureKind::Generator,
            FailureKind::Cancelled,
        ];
        let policy = RetryPolicy::new(vec![]);
        let ran_out = [
            transient(None),
            Failure::TimedOut { message: String::new() },
            Failure::Unsaved { message: String::new() },
        ]
        .map(|failure| match policy.judge(&failure, 0, Utc::now()) {
            Verdict::Fail { code, .. } => code,
            other => panic!("{other:?}"),
        });
        let Verdict::Fail { code: interrupted, .. } = policy.interrupted(MAX_INTERRUPTIONS) else { panic!() };
        let codes = kinds.iter().map(|k| k.code().to_owned()).chain(ran_out).chain([interrupted]);
        for code in codes {
            assert!(FAILURE_CODES.contains(&code.as_str()), "{code} has no words on the page");
        }
    }

    #[test]
    fn schedule_is_one_five_fifteen_minutes_then_failed() {
        let policy = RetryPolicy::default();
        let now = Utc::now();
        let waits: Vec<_> = (0..3)
            .map(|n| match policy.judge(&transient(None), n, now) {
                Verdict::Retry { retry, at, .. } => (retry, (at - now).num_seconds()),
                other => panic!("expected a retry, got {other:?}"),
            })
            .collect();
        assert_eq!(waits, [(1, 60), (2, 300), (3, 900)]);
        assert_eq!(
            policy.judge(&transient(None), 3, now),
            Verdict::Fail {
                code: "service_unavailable".into(),
                message: "Generation service unavailable after 3 retries: HTTP 503".into()
            }
        );
    }

    #[test]
    fn a_longer_retry_after_is_honoured_a_shorter_one_is_not() {
        let policy = RetryPolicy::default();
        let now = Utc::now();
        assert_eq!(
            policy.judge(&transient(Some(120)), 0, now),
            Verdict::Retry { retry: 1, at: now + TimeDelta::seconds(120), cause: "service_unavailable" }
        );
        assert_eq!(
            policy.judge(&transient(Some(5)), 0, now),
            Verdict::Retry { retry: 1, at: now + TimeDelta::seconds(60), cause: "service_unavailable" }
        );
    }

    #[test]
    fn permanent_failures_are_not_retried() {
        let failure =
            Failure::Permanent { kind: FailureKind::ContentPolicy, message: "Refused by the safety filter.".into() };
        assert_eq!(
            RetryPolicy::default().judge(&failure, 0, Utc::now()),
            Verdict::Fail { code: "content_policy".into(), message: "Refused by the safety filter.".into() }
        );
    }

    #[test]
    fn the_final_failure_names_the_real_cause() {
        let policy = RetryPolicy::default();
        let timed_out = Failure::TimedOut { message: "no result within 4 s (the attempt timed out)".into() };
        assert!(matches!(policy.judge(&timed_out, 0, Utc::now()), Verdict::Retry { retry: 1, cause: "timed_out", .. }));
        assert_eq!(
            policy.judge(&timed_out, 3, Utc::now()),
            Verdict::Fail {
                code: "timed_out".into(),
                message: "No result in time after 3 retries: no result within 4 s (the attempt timed out)".into()
            }
        );
    }

    #[test]
    fn a_stopped_server_is_not_the_services_fault() {
        let policy = RetryPolicy::default();
        let stopped = Failure::Interrupted { message: "the server stopped".into() };
        assert_eq!(policy.judge(&stopped, 3, Utc::now()), Verdict::Requeue, "not counted as a retry");
        assert_eq!(policy.interrupted(0), Verdict::Requeue);
        assert_eq!(policy.interrupted(MAX_INTERRUPTIONS - 2), Verdict::Requeue);
        let Verdict::Fail { code, message } = policy.interrupted(MAX_INTERRUPTIONS - 1) else {
            panic!("a task that stops its server every time fails in the end")
        };
        assert_eq!(code, "interrupted");
        assert!(message.contains("The server stopped during 3 attempts"), "{message}");
        assert_eq!(
            (stopped.outcome(), Failure::TimedOut { message: String::new() }.outcome()),
            ("interrupted", "transient")
        );
    }

    #[test]
    fn a_scaled_schedule_for_tests() {
        let policy = RetryPolicy::new(vec![TimeDelta::milliseconds(10)]);
        let now = Utc::now();
        assert_eq!(
            policy.judge(&transient(None), 0, now),
            Verdict::Retry { retry: 1, at: now + TimeDelta::milliseconds(10), cause: "service_unavailable" }
        );
        assert_eq!(
            policy.judge(&transient(None), 1, now),
            Verdict::Fail {
                code: "service_unavailable".into(),
                message: "Generation service unavailable after 1 retry: HTTP 503".into()
            }
        );
        let never = RetryPolicy::new(vec![]);
        assert_eq!(
            never.judge(&Failure::Unsaved { message: "No space left on device".into() }, 0, now),
            Verdict::Fail {
                code: "storage".into(),
                message: "The result could not be saved: No space left on device".into()
            }
        );
    }
}
