//! Makes a line's prompts from its items, depth first: one buffer, text appended on the way
//! down and cut back on the way up, each group trying its alternatives in order, so prompts
//! come in the order the choices are written (the first group's choice varies slowest).
//! Called only once the count is within the cap: each prompt then costs at most a walk over
//! the line's items, and the recursion (one level per group chosen in, each of which has
//! another alternative, so a prompt more) is never deeper than the cap.

use super::line::Item;
use super::step;

/// Appends the prompts `items` make, trimmed, blank ones left out.
pub(super) fn into(items: &[Item], prompts: &mut Vec<String>) {
    walk(items, 0, &mut String::new(), prompts);
}

/// Makes every prompt that goes on from `made` at item `at`, then restores `made`.
fn walk(items: &[Item], mut at: usize, made: &mut String, prompts: &mut Vec<String>) {
    let kept = made.len();
    loop {
        step();
        match items.get(at) {
            None => {
                let prompt = made.trim();
                if !prompt.is_empty() {
                    prompts.push(prompt.to_owned());
                }
                break;
            }
            Some(Item::Text(text)) => {
                made.push_str(text);
                at += 1;
            }
            Some(Item::End(after)) => at = *after,
            Some(Item::OneOf(starts)) => {
                for &start in starts {
                    walk(items, start, made, prompts);
                }
                break;
            }
        }
    }
    made.truncate(kept);
}
