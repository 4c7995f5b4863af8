//! The rule as it was first written, kept for tests only: a recursive parser that, at each
//! `{` nobody closes, reads the rest of the line again (exponential in such braces). It is
//! the definition the linear reader must agree with, on every text short enough to try.

use super::{too_many, FieldError, MAX_PROMPTS};

/// The prompts `text` makes, in order: its lines, each expanded, trimmed, blanks dropped.
pub fn prompts(text: &str) -> Result<Vec<String>, FieldError> {
    let lines = lines(text);
    match at_most(&lines) {
        Some(count) => Ok(expand(&lines, count)),
        None => Err(too_many(count_of(&lines))),
    }
}

/// How many prompts `text` makes (what the Generate button says); past the cap, how many
/// combinations it has (saturating), without making them.
pub fn count(text: &str) -> usize {
    let lines = lines(text);
    match at_most(&lines) {
        Some(count) => expand(&lines, count).len(),
        None => count_of(&lines),
    }
}

fn lines(text: &str) -> Vec<Seq> {
    let filled = text.lines().filter(|line| !line.trim().is_empty());
    filled.map(|line| parse(&line.chars().collect::<Vec<_>>())).collect()
}

fn count_of(lines: &[Seq]) -> usize {
    lines.iter().fold(0usize, |sum, seq| sum.saturating_add(seq.count()))
}

/// The combinations, if within the cap.
fn at_most(lines: &[Seq]) -> Option<usize> {
    Some(count_of(lines)).filter(|n| *n <= MAX_PROMPTS)
}

fn expand(lines: &[Seq], count: usize) -> Vec<String> {
    let mut prompts = Vec::with_capacity(count);
    for seq in lines {
        prompts.extend(seq.expand().into_iter().map(|p| p.trim().to_owned()).filter(|p| !p.is_empty()));
    }
    prompts
}

/// A run of text and groups of alternatives.
#[derive(Debug, Default)]
struct Seq(Vec<Part>);

#[derive(Debug)]
enum Part {
    Text(String),
    OneOf(Vec<Seq>),
}

impl Seq {
    fn count(&self) -> usize {
        self.0.iter().fold(1usize, |product, part| match part {
            Part::Text(_) => product,
            Part::OneOf(alternatives) => {
                product.saturating_mul(alternatives.iter().fold(0usize, |sum, a| sum.saturating_add(a.count())))
            }
        })
    }

    fn expand(&self) -> Vec<String> {
        self.0.iter().fold(vec![String::new()], |made, part| match part {
            Part::Text(text) => made.into_iter().map(|m| m + text).collect(),
            Part::OneOf(alternatives) => {
                let endings: Vec<String> = alternatives.iter().flat_map(Seq::expand).collect();
                made.iter().flat_map(|m| endings.iter().map(move |e| format!("{m}{e}"))).collect()
            }
        })
    }

    fn push_text(&mut self, c: char) {
        match self.0.last_mut() {
            Some(Part::Text(text)) => text.push(c),
            _ => self.0.push(Part::Text(c.to_string())),
        }
    }
}

fn parse(chars: &[char]) -> Seq {
    let mut at = 0;
    let (seq, _) = parse_seq(chars, &mut at, false);
    seq
}

/// Reads until the end, or (inside a group) until an unescaped `|` or `}`, which it
/// returns without consuming.
fn parse_seq(chars: &[char], at: &mut usize, in_group: bool) -> (Seq, Option<char>) {
    let mut seq = Seq::default();
    while let Some(&c) = chars.get(*at) {
        match c {
            '\\' if matches!(chars.get(*at + 1), Some('{' | '}' | '|' | '\\')) => {
                seq.push_text(chars[*at + 1]);
                *at += 2;
            }
            '|' | '}' if in_group => return (seq, Some(c)),
            '{' => {
                let start = *at;
                *at += 1;
                match parse_group(chars, at) {
                    Some(part) => seq.0.push(part),
                    None => {
                        // No closing brace: the brace is text.
                        *at = start + 1;
                        seq.push_text('{');
                    }
                }
            }
            _ => {
                seq.push_text(c);
                *at += 1;
            }
        }
    }
    (seq, None)
}

/// After a `{`: the alternatives up to its `}`, or `None` when it is never closed. A group
/// without `|` stays as written, braces included (its inner groups still expand).
fn parse_group(chars: &[char], at: &mut usize) -> Option<Part> {
    let mut alternatives = Vec::new();
    loop {
        let (seq, end) = parse_seq(chars, at, true);
        alternatives.push(seq);
        *at += 1;
        match end? {
            '|' => continue,
            _ if alternatives.len() == 1 => {
                let mut inner = alternatives.pop().unwrap_or_default();
                inner.0.insert(0, Part::Text("{".into()));
                inner.push_text('}');
                return Some(Part::OneOf(vec![inner]));
            }
            _ => return Some(Part::OneOf(alternatives)),
        }
    }
}
