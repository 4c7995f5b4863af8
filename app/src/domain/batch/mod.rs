//! Batches in one prompt box: each non-blank line is a prompt of its own, and
//! `{red|blue|green}` alternatives expand to one prompt per combination (nested groups
//! too: `{a {big|small}|the} cat`). `\{`, `\}`, `\|` and `\\` are the characters
//! themselves; a group without `|`, or a brace without its pair, is kept as written. A
//! blank line makes nothing and counts for nothing. The form counts with this rule before
//! Generate is pressed; the server expands with it, once the text is within its limits
//! (`limits.rs`: the whole text, and each line as long as one prompt may be).
//!
//! **Invariant:** no text costs more than linear work to read or count, whatever its braces
//! (`line.rs` reads a line in two passes, counting as it goes), and nothing is expanded
//! before the count is known to be within [`MAX_PROMPTS`] (`expand.rs` then costs at most
//! the cap times the line).

mod expand;
mod limits;
mod line;
#[cfg(test)]
mod reference;
#[cfg(test)]
mod tests;

use super::FieldError;
use line::Line;

pub use limits::MAX_CHARS;

/// The most prompts a submission may make (before variants).
pub const MAX_PROMPTS: usize = 500;

/// The prompts `text` makes, in order: its lines, each expanded, trimmed, blanks dropped;
/// or why it makes none (too long, a line no prompt may be, too many prompts).
pub fn prompts(text: &str) -> Result<Vec<String>, FieldError> {
    limits::check(text)?;
    let lines = lines(text);
    let combinations = combinations(&lines);
    if combinations > MAX_PROMPTS {
        return Err(too_many(combinations));
    }
    let mut prompts = Vec::with_capacity(combinations);
    for line in &lines {
        expand::into(&line.items, &mut prompts);
    }
    Ok(prompts)
}

/// How many prompts `text` makes (what the Generate button says); past the cap, how many
/// combinations it has (saturating), without making them.
pub fn count(text: &str) -> usize {
    let lines = lines(text);
    match combinations(&lines) {
        within if within <= MAX_PROMPTS => lines.iter().map(|line| line.count.all - line.count.blank).sum(),
        beyond => beyond,
    }
}

/// The lines that hold something, read.
fn lines(text: &str) -> Vec<Line> {
    text.lines().filter(|line| !line.trim().is_empty()).map(Line::read).collect()
}

/// Every combination of every line, blank ones too (`{ | }`; saturating).
fn combinations(lines: &[Line]) -> usize {
    lines.iter().fold(0usize, |sum, line| sum.saturating_add(line.count.all))
}

fn too_many(count: usize) -> FieldError {
    FieldError::new(
        "prompt",
        "batch_too_large",
        format!("These lines and alternatives make {count} prompts; at most {MAX_PROMPTS} at once."),
    )
}

/// One unit of work (a character read, a token placed, an item visited while expanding),
/// counted in tests so they can hold the work to a bound; nothing outside tests.
#[inline]
fn step() {
    #[cfg(test)]
    STEPS.with(|steps| steps.set(steps.get() + 1));
}

#[cfg(test)]
thread_local! {
    static STEPS: std::cell::Cell<usize> = const { std::cell::Cell::new(0) };
}

/// What `work` returns, and the steps it took (each test runs on a thread of its own).
#[cfg(test)]
fn steps_of<T>(work: impl FnOnce() -> T) -> (T, usize) {
    STEPS.with(|steps| steps.set(0));
    let made = work();
    (made, STEPS.with(std::cell::Cell::get))
}
