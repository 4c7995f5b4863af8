//! English.

use super::Text;

pub const TEXT: Text = Text {
    board: "Whiteboard",
    board_hint: "Generated images and videos will be placed here.",
    panel: "Generation panel",
    language: "Language",

    kind: "Kind",
    prompt: "Prompt",
    prompt_placeholder: "Describe what to generate",
    negative_prompt: "Negative prompt (optional)",
    size: "Size",
    style: "Style",
    duration: "Duration (s)",
    resolution: "Resolution",
    fps: "Frame rate",
    seed: "Seed (optional)",
    variants: "Variants",
    generate: "Generate",
    shortcut: "Ctrl/⌘ + Enter",
    field_error: |e| e.message.clone(),

    queue: "Queue",
    task_count: |n| if n == 1 { "1 task".into() } else { format!("{n} tasks") },
    pause: "Pause queue",
    resume: "Resume queue",
    paused: "Paused: no new task starts",
    clear_failed_title: "Removes the failed and the cancelled tasks",
    load_older: "Show older tasks",
    loading: "Loading tasks…",
    empty: "No tasks yet. Fill the form and press Generate.",
    sending: "Sending…",
    not_queued: "Not queued",
    edit_and_resend: "Edit and resend",

    cancelling: "Cancelling…",
    progress: "Progress",
    retry_at: |n, limit| format!("Retry {n}/{limit} · next at "),
    retry_in: |left| format!(" (in {left})"),
    retry_due: " (any moment now)",
    failure: |f| f.message.clone(),
    enlarge: "Enlarge",
    full_size: "Show full size",
    download: "Download",
    cancel: "Cancel",
    retry: "Retry",
    delete: "Delete",

    service_down: |n| {
        let tasks = if n == 1 { "1 task waits".to_owned() } else { format!("{n} tasks wait") };
        format!("The generation service is unavailable: {tasks} to retry, the next at ")
    },

    details: "Details",
    loading_details: "Loading…",
    status: "Status",
    seed_random: "random",
    service: "Service",
    created: "Created",
    started: "Started",
    finished: "Finished",
    next_retry: "Next retry",
    id: "Id",
    error_heading: "Error",
    file: "File",
    attempts: "Attempts",
    attempt: |n| format!("Attempt {n}"),
    attempt_outcome: |outcome| match outcome {
        None => "running",
        Some("completed") => "completed",
        Some("transient") => "failed, retried later",
        Some("permanent") => "failed",
        Some("cancelled") => "cancelled",
        Some("released") => "handed back (the server stopped)",
        Some(_) => "ended",
    },
    no_attempts: "Not started yet.",

    move_to_top: "Move to top",
    moved_to_top: "Moved to the front of the queue: it starts next.",
    clear_completed: "Clear completed",
    clear_failed: "Clear failed",
    cleared: |n| if n == 1 { "1 task cleared.".into() } else { format!("{n} tasks cleared.") },
    undo: "Undo",

    task_completed: |prompt| format!("Done: {prompt}"),
    task_failed: |prompt, reason| format!("Failed: {prompt} ({reason})"),
    finished_while_away: |n| match n {
        1 => "1 task finished while you were away.".into(),
        n => format!("{n} tasks finished while you were away."),
    },
    notify_enable: "Notify me when tasks finish",

    result: "Result",
    result_full_size: "The result, full size",
    close: "Close",

    not_found: "No such task.",
    server_failed: "The server failed to handle the request; please try again.",
    unreachable: "Could not reach the server; check the connection and try again.",
};
