//! The failure vocabulary, on the ground floor: how an attempt failed ([`Failure`],
//! classified by the providers) and what the task becomes ([`Verdict`], decided by the
//! engine with the [`RetryPolicy`] and recorded as it is by the store). A retryable failure
//! (service unavailable, refused connection, 5xx, 429, a timeout) is retried after each
//! delay of the schedule (default 1, 5, 15 minutes, or the service's longer Retry-After);
//! after the last one the task fails with a message that names the cause. A permanent
//! failure (rejected parameters, content policy, auth, an exhausted quota, ...) fails at
//! once with the service's reason. No I/O, and no import of any other module of the crate.

use chrono::{DateTime, TimeDelta, Utc};

/// How an attempt failed; `message` keeps the service's own words for the user.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Failure {
    /// Worth trying again; `after` is the wait the service asked for, if any.
    Retryable { message: String, after: Option<TimeDelta> },
    /// Trying again cannot help.
    Permanent { kind: FailureKind, message: String },
}

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
    /// The result is over `max-result-bytes`.
    TooLarge,
    /// The generator failed to make it (the embedded one, or a service's job that ended
    /// in failure).
    Generator,
    /// The result could not be saved.
    Storage,
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
            FailureKind::TooLarge => "too_large",
            FailureKind::Generator => "generator_error",
            FailureKind::Storage => "storage",
            FailureKind::Cancelled => "cancelled",
        }
    }
}

impl Failure {
    /// What went wrong, in the words kept for the user.
    pub fn reason(&self) -> &str {
        match self {
            Failure::Retryable { message, .. } | Failure::Permanent { message, .. } => message,
        }
    }
}

/// What a task whose attempt did not succeed becomes: the engine decides, the store
/// records it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Verdict {
    /// `retrying`, as retry number `retry` (1-based), due at `at`.
    Retry { retry: u32, at: DateTime<Utc> },
    /// `failed`, for good.
    Fail { code: String, message: String },
    /// `cancelled`: the user stopped it (the policy never says so; the engine does).
    Cancelled,
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

    /// The verdict on a task that has been retried `retries_so_far` times.
    pub fn judge(&self, failure: &Failure, retries_so_far: u32, now: DateTime<Utc>) -> Verdict {
        match failure {
            Failure::Permanent { kind, message } => {
                Verdict::Fail { code: kind.code().into(), message: message.clone() }
            }
            Failure::Retryable { message: cause, after } => match self.delays.get(retries_so_far as usize) {
                Some(delay) => {
                    let wait = after.map_or(*delay, |asked| asked.max(*delay));
                    Verdict::Retry { retry: retries_so_far + 1, at: now + wait }
                }
                None => Verdict::Fail {
                    code: "service_unavailable".into(),
                    message: format!("Generation service unavailable after {retries_so_far} retries: {cause}"),
                },
            },
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
    fn schedule_is_one_five_fifteen_minutes_then_failed() {
        let policy = RetryPolicy::default();
        let now = Utc::now();
        let waits: Vec<_> = (0..3)
            .map(|n| match policy.judge(&transient(None), n, now) {
                Verdict::Retry { retry, at } => (retry, (at - now).num_seconds()),
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
            Verdict::Retry { retry: 1, at: now + TimeDelta::seconds(120) }
        );
        assert_eq!(
            policy.judge(&transient(Some(5)), 0, now),
            Verdict::Retry { retry: 1, at: now + TimeDelta::seconds(60) }
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
    fn a_scaled_schedule_for_tests() {
        let policy = RetryPolicy::new(vec![TimeDelta::milliseconds(10)]);
        let now = Utc::now();
        assert_eq!(
            policy.judge(&transient(None), 0, now),
            Verdict::Retry { retry: 1, at: now + TimeDelta::milliseconds(10) }
        );
        assert!(matches!(policy.judge(&transient(None), 1, now), Verdict::Fail { .. }));
    }
}
