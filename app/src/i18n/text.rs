//! [`Text`]: every word the interface shows, one field per phrase, so that a language
//! missing a phrase does not compile. Phrases with values in them are functions.

use crate::domain::{FieldError, ImageSize, StylePreset, TaskFailure, TaskKind, TaskStatus};

/// How long ago something happened, in the largest whole unit.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Ago {
    /// Under a minute.
    JustNow,
    Minutes(i64),
    Hours(i64),
    Days(i64),
}

pub struct Text {
    // The page.
    pub board: &'static str,
    pub board_hint: &'static str,
    pub panel: &'static str,
    pub language: &'static str,
    pub theme_dark: &'static str,
    pub theme_light: &'static str,
    pub resize_panel: &'static str,

    // The form.
    pub kind: &'static str,
    pub prompt: &'static str,
    pub prompt_placeholder: &'static str,
    pub negative_prompt: &'static str,
    pub size: &'static str,
    pub style: &'static str,
    pub duration: &'static str,
    pub resolution: &'static str,
    pub fps: &'static str,
    pub seed: &'static str,
    pub variants: &'static str,
    pub generate: &'static str,
    /// "Generate 12": Generate when it queues more than one task.
    pub generate_n: fn(usize) -> String,
    /// Asked before queueing very many tasks at once.
    pub confirm_many: fn(usize) -> String,
    pub shortcut: &'static str,
    pub options: &'static str,
    /// "5 s", a video's duration in the options' summary.
    pub seconds: fn(&str) -> String,
    pub seed_auto: &'static str,
    /// "seed 42".
    pub seed_is: fn(&str) -> String,
    /// "3 variants".
    pub variants_count: fn(u32) -> String,
    /// A field's problem, said in this language (the server's English words otherwise).
    pub field_error: fn(&FieldError) -> String,

    // Wire values' names (see `labels.rs`).
    pub kind_label: fn(TaskKind) -> &'static str,
    pub status_label: fn(TaskStatus) -> &'static str,
    pub size_label: fn(ImageSize) -> &'static str,
    pub style_label: fn(StylePreset) -> &'static str,

    // The queue.
    pub queue: &'static str,
    pub task_count: fn(u64) -> String,
    pub pause: &'static str,
    /// Why a guest's empty queue cannot be paused yet.
    pub nothing_to_pause: &'static str,
    pub resume: &'static str,
    pub paused: &'static str,
    pub clear_failed_title: &'static str,
    pub clear_cancelled_title: &'static str,
    pub clear_completed_title: &'static str,
    pub load_older: &'static str,
    pub all: &'static str,
    pub all_kinds: &'static str,
    pub search: &'static str,
    pub loading: &'static str,
    /// The live stream dropped and is being reopened.
    pub live_reconnecting: &'static str,
    /// The live stream cannot be opened: the list is read every few seconds.
    pub live_polling: fn(u32) -> String,
    pub empty: &'static str,
    pub sending: &'static str,
    pub not_queued: &'static str,
    pub edit_and_resend: &'static str,

    // A task.
    pub cancelling: &'static str,
    /// A group's title when its tasks hold several prompts: "6 prompts".
    pub group_prompts: fn(usize) -> String,
    /// A group's size: "10 variants" (of one prompt), else "12 tasks".
    pub group_size: fn(usize, bool) -> String,
    /// "7 done".
    pub group_done: fn(usize) -> String,
    /// The seeds of a group's variants, first to last.
    pub seeds_range: fn(u32, u32) -> String,
    /// A group strip's mark: its place in the group, seed (when known) and status.
    pub strip_title: fn(usize, Option<&str>, &str) -> String,
    /// A row's place among its prompt's variants: "variant 3 of 10".
    pub member_of: fn(u32, u32) -> String,
    pub progress: &'static str,
    /// A running task whose job still waits in its service's own queue: "Queued at
    /// ComfyUI (position 2)".
    pub queued_at_service: fn(&str, u32) -> String,
    /// "Retry 2/3 · next at " (the time follows).
    pub retry_at: fn(u32, u32) -> String,
    /// "(in 3:12)".
    pub retry_in: fn(&str) -> String,
    /// "3 min ago", beside a task's time.
    pub ago: fn(Ago) -> String,
    pub retry_due: &'static str,
    /// What happened to a task, and what to do, by its error's code (the service's or
    /// the system's own words stay in the details); `None` for a code it has no words for.
    pub failure_words: fn(&str) -> Option<&'static str>,
    /// Why a retrying task waits, by its cause's code (short: the row says when it retries).
    pub waiting_on: fn(&str) -> Option<&'static str>,
    /// A failure whose code has no words here.
    pub failure_unknown: &'static str,
    pub enlarge: &'static str,
    pub full_size: &'static str,
    pub download: &'static str,
    pub cancel: &'static str,
    pub retry: &'static str,
    pub delete: &'static str,

    // The service's health.
    /// "The generation service is unavailable: 3 tasks wait to retry, the next at " (the time follows).
    pub service_down: fn(u64) -> String,

    // The details drawer.
    pub details: &'static str,
    pub loading_details: &'static str,
    pub status: &'static str,
    pub seed_random: &'static str,
    /// The seed and the duration as the details name them (the form's labels say more).
    pub seed_name: &'static str,
    pub duration_name: &'static str,
    pub service: &'static str,
    pub created: &'static str,
    pub started: &'static str,
    pub finished: &'static str,
    pub next_retry: &'static str,
    pub retries: &'static str,
    /// "1 of 3" retries.
    pub retries_of: fn(u32, u32) -> String,
    pub id: &'static str,
    pub error_heading: &'static str,
    pub file: &'static str,
    pub attempts: &'static str,
    pub attempt: fn(u32) -> String,
    /// An attempt's outcome (`None` while it runs).
    pub attempt_outcome: fn(Option<&str>) -> &'static str,
    pub no_attempts: &'static str,
    pub use_settings: &'static str,
    pub settings_used: &'static str,
    /// "Retry of", before the task a retry repeats.
    pub retry_of: &'static str,
    /// "Retried as", before the task that retried this one.
    pub retried_as: &'static str,
    /// "on server 2593-fc39eb62": the instance that ran an attempt.
    pub on_server: fn(&str) -> String,

    // Managing the queue.
    pub move_to_top: &'static str,
    pub moved_to_top: &'static str,
    pub clear_completed: &'static str,
    pub clear_failed: &'static str,
    pub clear_cancelled: &'static str,
    pub cleared: fn(u64) -> String,
    pub undo: &'static str,
    /// A deleted task's toast, with Undo.
    pub task_deleted: &'static str,
    pub download_all: &'static str,
    pub more_actions: &'static str,

    // Notifications.
    pub task_completed: fn(&str) -> String,
    /// A task's new state, for screen readers: prompt, status.
    pub task_now: fn(&str, &str) -> String,
    pub task_failed: fn(&str, &str) -> String,
    /// "5 tasks finished": a burst of completions in one toast.
    pub tasks_completed: fn(u32) -> String,
    pub tasks_failed: fn(u32) -> String,
    /// A submission the dedup window folded into an earlier one (its short id).
    pub deduplicated: fn(&str) -> String,
    pub finished_while_away: fn(u32) -> String,
    pub notify_enable: &'static str,

    // The whiteboard.
    pub insert: &'static str,
    pub placed: &'static str,
    pub open_board: &'static str,
    /// The phone's panes.
    pub pane_create: &'static str,
    pub pane_queue: &'static str,
    pub pane_board: &'static str,
    pub frame_option: &'static str,
    pub frame_waiting: &'static str,
    pub remove_from_board: &'static str,
    pub zoom_in: &'static str,
    pub zoom_out: &'static str,
    pub zoom_reset: &'static str,

    // The lightbox.
    pub result: &'static str,
    pub result_full_size: &'static str,
    pub close: &'static str,

    // The account.
    pub sign_in: &'static str,
    pub sign_up: &'static str,
    pub sign_out: &'static str,
    pub username: &'static str,
    pub email_optional: &'static str,
    pub login: &'static str,
    pub password: &'static str,
    pub password_hint: &'static str,
    /// Why a guest might make an account.
    pub guest_note: &'static str,
    /// "Signed in as ada".
    pub signed_in_as: fn(&str) -> String,
    pub sessions: &'static str,
    pub this_browser: &'static str,
    pub end_session: &'static str,
    pub sign_in_failed: &'static str,
    pub too_many_tries: &'static str,
    pub sign_up_closed: &'static str,
    pub storage_full: &'static str,

    /// Workspaces, members, invites and tokens.
    pub team: super::team::TeamText,

    // Errors of the API.
    pub not_found: &'static str,
    pub server_failed: &'static str,
    pub unreachable: &'static str,
}

impl Text {
    /// A failed (or retrying) task's reason, in this language.
    pub fn failure(&self, failure: &TaskFailure) -> &'static str {
        (self.failure_words)(&failure.code).unwrap_or(self.failure_unknown)
    }

    /// An API error, said in this language where the interface has words for it: its
    /// first field error, else by its `code`; otherwise the server's own `message`.
    pub fn error(&self, code: &str, field: Option<&FieldError>, message: &str) -> String {
        if let Some(field) = field {
            return (self.field_error)(field);
        }
        match code {
            "not_found" => self.not_found.into(),
            "internal" => self.server_failed.into(),
            "unreachable" => self.unreachable.into(),
            "sign_in_failed" => self.sign_in_failed.into(),
            "too_many_requests" => self.too_many_tries.into(),
            "forbidden" => self.team.forbidden.into(),
            "bad_token" => self.team.bad_token.into(),
            "invite_invalid" => self.team.invite_invalid.into(),
            "budget_exhausted" => self.team.budget_exhausted.into(),
            "sign_up_closed" => self.sign_up_closed.into(),
            "storage_full" => self.storage_full.into(),
            _ => message.to_owned(),
        }
    }
}
