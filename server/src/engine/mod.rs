//! The task engine's rules, apart from any I/O: what becomes of a task when an attempt
//! fails. The scheduler that runs attempts (next sessions) calls the store with these.

mod retry;

pub use retry::{Failure, RetryPolicy, Verdict};
