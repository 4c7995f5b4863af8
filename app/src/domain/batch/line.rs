//! One line of a batch, read in two linear passes and never expanded here. First the
//! characters become tokens (escapes resolved) and each `{` learns whether a `}` closes it,
//! from a stack of the open ones; then the tokens become a flat list of items in which each
//! group of alternatives knows where they start and where the group ends, its combinations
//! counted as it closes. A brace nobody closes is plain text, and what follows it is read
//! as if it were not there (a `|` outside every group is text too): the same outcome as
//! trying each such brace as a group and giving up at the end of the line, without the
//! retries that made that exponential in the number of braces.

use super::step;

/// A line's items and the combinations they make.
pub(super) struct Line {
    pub items: Vec<Item>,
    pub count: Count,
}

/// What a line is made of, in order.
#[derive(Debug)]
pub(super) enum Item {
    /// Text, braces of a group without `|` included.
    Text(String),
    /// A group of two or more alternatives: the item each starts at.
    OneOf(Vec<usize>),
    /// The end of an alternative (its `|` or the group's `}`): the item after the group.
    End(usize),
}

/// Combinations, all of them and those that are only whitespace (no prompt once trimmed);
/// both saturate, and are exact whenever `all` is within the cap.
#[derive(Debug, Clone, Copy)]
pub(super) struct Count {
    pub all: usize,
    pub blank: usize,
}

impl Count {
    const ONE: Count = Count { all: 1, blank: 1 };
    const NONE: Count = Count { all: 0, blank: 0 };

    /// This followed by `next`.
    fn then(self, next: Count) -> Count {
        Count { all: self.all.saturating_mul(next.all), blank: self.blank.saturating_mul(next.blank) }
    }

    /// This or `other`.
    fn or(self, other: Count) -> Count {
        Count { all: self.all.saturating_add(other.all), blank: self.blank.saturating_add(other.blank) }
    }
}

#[derive(Clone, Copy)]
enum Token {
    Char(char),
    /// `{`, and whether a `}` closes it.
    Open(bool),
    Close,
    Bar,
}

/// A group whose `}` is still ahead: where it began, the `|` items so far, and the counts
/// of its finished alternatives and of the one being read.
struct Group {
    open: usize,
    bars: Vec<usize>,
    done: Count,
    current: Count,
}

impl Line {
    pub fn read(line: &str) -> Line {
        let mut items = Vec::new();
        let mut groups: Vec<Group> = Vec::new();
        let mut top = Count::ONE;
        for token in tokens(line) {
            step();
            match token {
                Token::Open(true) => {
                    let open = items.len();
                    items.push(Item::OneOf(vec![open + 1]));
                    groups.push(Group { open, bars: Vec::new(), done: Count::NONE, current: Count::ONE });
                }
                Token::Bar => match groups.last_mut() {
                    Some(group) => {
                        group.bars.push(items.len());
                        group.done = group.done.or(group.current);
                        group.current = Count::ONE;
                        items.push(Item::End(0)); // where the group ends is known at its `}`
                    }
                    None => text(&mut items, &mut groups, &mut top, '|'),
                },
                // A `Close` always has its group (an unpaired `}` is a `Char`).
                Token::Close => match groups.pop() {
                    Some(group) => {
                        let count = close(&mut items, group);
                        let into = groups.last_mut().map_or(&mut top, |g| &mut g.current);
                        *into = into.then(count);
                    }
                    None => text(&mut items, &mut groups, &mut top, '}'),
                },
                Token::Open(false) => text(&mut items, &mut groups, &mut top, '{'),
                Token::Char(c) => text(&mut items, &mut groups, &mut top, c),
            }
        }
        Line { items, count: top }
    }
}

/// The line's tokens, each `{` marked with whether it is closed. A `}` closes the nearest
/// open `{` before it; one with none open is text.
fn tokens(line: &str) -> Vec<Token> {
    let (mut tokens, mut open) = (Vec::new(), Vec::new());
    let mut chars = line.chars();
    while let Some(c) = chars.next() {
        step();
        let token = match c {
            '\\' => match chars.clone().next() {
                Some(escaped @ ('{' | '}' | '|' | '\\')) => {
                    chars.next();
                    Token::Char(escaped)
                }
                _ => Token::Char('\\'),
            },
            '{' => {
                open.push(tokens.len());
                Token::Open(false)
            }
            '}' => match open.pop() {
                Some(at) => {
                    tokens[at] = Token::Open(true);
                    Token::Close
                }
                None => Token::Char('}'),
            },
            '|' => Token::Bar,
            c => Token::Char(c),
        };
        tokens.push(token);
    }
    tokens
}

/// Adds `c` to the text being read, where it multiplies nothing but may end blankness.
fn text(items: &mut Vec<Item>, groups: &mut [Group], top: &mut Count, c: char) {
    match items.last_mut() {
        Some(Item::Text(text)) => text.push(c),
        _ => items.push(Item::Text(c.into())),
    }
    let into = groups.last_mut().map_or(top, |g| &mut g.current);
    *into = into.then(Count { all: 1, blank: usize::from(c.is_whitespace()) });
}

/// Ends `group` at its `}`: its alternatives learn where it ends; a group without `|` is
/// text in braces instead (its inner groups still expand). Its combinations.
fn close(items: &mut Vec<Item>, group: Group) -> Count {
    if group.bars.is_empty() {
        items[group.open] = Item::Text("{".into());
        items.push(Item::Text("}".into()));
        return Count { all: group.current.all, blank: 0 };
    }
    let after = items.len() + 1;
    for &bar in &group.bars {
        items[bar] = Item::End(after);
    }
    items.push(Item::End(after));
    items[group.open] = Item::OneOf(std::iter::once(group.open).chain(group.bars).map(|at| at + 1).collect());
    group.done.or(group.current)
}
