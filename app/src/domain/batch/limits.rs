//! What a batch's text may be, checked before a line of it is read: at most [`MAX_CHARS`]
//! characters in all (room for 500 lines of 400), and each line at most a prompt's length
//! (so every prompt it makes is within it too), holding only what a prompt may (`text.rs`:
//! no control character but a tab, no direction override). In a text of several lines a
//! refusal names its line, and carries its number ([`FieldError::line`]), counted as an
//! editor counts them, blank lines included.

use crate::domain::text::{refuse_bidi_controls, refuse_control};
use crate::domain::{FieldError, Prompt};

/// The most characters the text of one submission may have, all its lines together.
pub const MAX_CHARS: usize = 200_000;

/// Refuses a text over [`MAX_CHARS`], or its first line that no prompt may be.
pub(super) fn check(text: &str) -> Result<(), FieldError> {
    let chars = text.chars().count();
    if chars > MAX_CHARS {
        return Err(FieldError::new(
            "prompt",
            "batch_too_long",
            format!("The prompt has {chars} characters; a batch may have at most {MAX_CHARS}."),
        ));
    }
    let several = text.lines().nth(1).is_some();
    for (at, line) in text.lines().enumerate() {
        let number = several.then_some(at + 1);
        check_line(line, number).map_err(|e| match number {
            Some(n) => e.on_line(n),
            None => e,
        })?;
    }
    Ok(())
}

/// One line: its length once trimmed (as its prompts are), then its characters, each
/// named by where it stands in the line as written.
fn check_line(line: &str, number: Option<usize>) -> Result<(), FieldError> {
    let what = match number {
        Some(n) => format!("Line {n} of the prompt"),
        None => "The prompt".to_owned(),
    };
    let chars = line.trim().chars().count();
    if chars > Prompt::MAX_CHARS {
        return Err(FieldError::new(
            "prompt",
            "prompt_too_long",
            format!("{what} has {chars} characters; the limit is {}.", Prompt::MAX_CHARS),
        ));
    }
    refuse_control("prompt", &what, line)?;
    refuse_bidi_controls("prompt", &what, line)
}
