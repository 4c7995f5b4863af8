//! Words the views share: a prompt cut short, and an API error in the page's language.

use crate::api::ApiError;
use crate::i18n::Text;

/// `text` cut to `max_chars` characters, with "…" when it was longer.
pub fn excerpt(text: &str, max_chars: usize) -> String {
    match text.char_indices().nth(max_chars) {
        Some((cut, _)) => format!("{}…", &text[..cut]),
        None => text.to_owned(),
    }
}

/// `error` as `t` says it (by its code or its first field error; else the server's words).
pub fn error_text(t: &Text, error: &ApiError) -> String {
    t.error(error.code(), error.field_errors().and_then(|e| e.0.first()), &error.to_string())
}
