//! The batch rule: what it makes, that it agrees with the first (recursive) parser, and that
//! its work is bounded by the text's length, counted in steps rather than timed.

use super::*;
use crate::domain::Prompt;
use crate::testing::Rng;

fn made(text: &str) -> Vec<String> {
    prompts(text).unwrap()
}

#[test]
fn lines_and_alternatives_multiply() {
    assert_eq!(made("a {red|blue} kite"), ["a red kite", "a blue kite"]);
    assert_eq!(made("{a|b} {1|2}\n\n  \nplain  "), ["a 1", "a 2", "b 1", "b 2", "plain"]);
    assert_eq!(count("{a|b} {1|2}\n\n  \nplain  "), 5);
    assert_eq!(made("{a {big|small}|the} cat"), ["a big cat", "a small cat", "the cat"], "nested");
    assert_eq!(made("{|very }dark"), ["dark", "very dark"], "an empty alternative");
    assert_eq!(count("{|x}\n{ | }"), 1, "blank combinations are no prompts");
}

#[test]
fn escapes_and_lone_braces_are_text() {
    assert_eq!(made(r"a \{red\|blue\} kite \\ {x|y}"), [r"a {red|blue} kite \ x", r"a {red|blue} kite \ y"]);
    assert_eq!(made("keep {this} and {{seed}} as written"), ["keep {this} and {{seed}} as written"]);
    assert_eq!(made("open { brace | here"), ["open { brace | here"]);
    assert_eq!(made("close } brace"), ["close } brace"]);
    assert_eq!(made("{a|b"), ["{a|b"]);
    assert_eq!(made("{ {a|b} |c"), ["{ a |c", "{ b |c"], "an unclosed brace before a group");
    assert_eq!(made("{{a}|b}"), ["{a}", "b"], "a group without `|` inside one with");
}

#[test]
fn each_line_may_be_as_long_as_a_prompt_and_the_text_hold_500_of_them() {
    // A paste of 500 prompts of 399 characters (not ASCII, for bytes): 199,999 in all.
    let line = |i: usize| format!("{i:03} lighthouse {}", "灯".repeat(384));
    let text = (0..500).map(line).collect::<Vec<_>>().join("\n");
    assert_eq!(text.chars().count(), 199_999);
    let all = made(&text);
    assert_eq!((all.len(), all[0].as_str(), all[499].as_str()), (500, line(0).as_str(), line(499).as_str()));
    // Blank lines between them make nothing and count for nothing; one prompt more is refused.
    let spaced = (0..500).map(|i| format!("prompt {i}")).collect::<Vec<_>>().join("\n\n");
    assert_eq!(count(&spaced), 500);
    assert_eq!(prompts(&spaced).unwrap().len(), 500);
    let err = prompts(&format!("{spaced}\none more")).unwrap_err();
    assert_eq!((err.code.as_str(), err.line), ("batch_too_large", None));
    assert!(err.message.contains("make 501 prompts; at most 500"), "{}", err.message);
    // A line as long as a prompt may be is one.
    let longest = "x".repeat(Prompt::MAX_CHARS);
    assert_eq!(made(&format!("first\n  {longest}  \nlast")), ["first", longest.as_str(), "last"]);
}

#[test]
fn a_line_too_long_is_refused_by_its_number() {
    let over = "x".repeat(Prompt::MAX_CHARS + 1);
    let err = prompts(&format!("first\n\n  {over}  \nlast")).unwrap_err();
    assert_eq!((err.field.as_str(), err.code.as_str(), err.line), ("prompt", "prompt_too_long", Some(3)));
    assert_eq!(err.message, "Line 3 of the prompt has 4001 characters; the limit is 4000.");
    // A text of one line is the prompt, as ever.
    let err = prompts(&over).unwrap_err();
    assert_eq!((err.code.as_str(), err.line), ("prompt_too_long", None));
    assert_eq!(err.message, "The prompt has 4001 characters; the limit is 4000.");
    // Even where its alternatives would each make a shorter prompt: a line is read whole.
    let half = "y".repeat(Prompt::MAX_CHARS / 2);
    let err = prompts(&format!("ok\n{{{half}|{half}}}")).unwrap_err();
    assert_eq!((err.code.as_str(), err.line), ("prompt_too_long", Some(2)));
}

#[test]
fn the_whole_text_is_bounded_before_a_line_is_read() {
    let (at_limit, over) = ("a\n".repeat(MAX_CHARS / 2), "a\n".repeat(MAX_CHARS / 2) + "b");
    assert_eq!(at_limit.chars().count(), MAX_CHARS);
    assert_eq!(prompts(&at_limit).unwrap_err().code, "batch_too_large", "read: 100,000 lines");
    let (err, steps) = steps_of(|| prompts(&over));
    let err = err.unwrap_err();
    assert_eq!((err.field.as_str(), err.code.as_str(), err.line), ("prompt", "batch_too_long", None));
    assert_eq!(err.message, "The prompt has 200001 characters; a batch may have at most 200000.");
    assert_eq!(steps, 0, "refused before a line is read");
}

#[test]
fn characters_no_prompt_may_hold_are_named_with_their_line() {
    let err = prompts("a cat\nan \u{1b}[31m owl").unwrap_err();
    assert_eq!((err.code.as_str(), err.line), ("prompt_control_char", Some(2)));
    assert!(err.message.starts_with("Line 2 of the prompt holds"), "{}", err.message);
    assert!(err.message.contains("(U+001B) at character 4"), "where it stands in its line: {}", err.message);
    let err = prompts("ok\n\nfine\nrev \u{202E}x").unwrap_err();
    assert_eq!((err.code.as_str(), err.line), ("prompt_bidi_control", Some(4)));
    let err = prompts("one line \u{0}").unwrap_err();
    assert_eq!((err.code.as_str(), err.line), ("prompt_control_char", None));
    assert!(err.message.starts_with("The prompt holds"), "{}", err.message);
    assert_eq!(made("tabs\tstay\r\nand CRLF ends a line"), ["tabs\tstay", "and CRLF ends a line"]);
}

#[test]
fn the_cap_is_checked_before_anything_is_made() {
    let ten = "{0|1|2|3|4|5|6|7|8|9}";
    assert_eq!(count(&format!("{ten}{ten}")), 100);
    let err = prompts(&format!("{ten}{ten}{ten}")).unwrap_err();
    assert_eq!((err.field.as_str(), err.code.as_str()), ("prompt", "batch_too_large"));
    assert!(err.message.contains("make 1000 prompts; at most 500"), "{}", err.message);
    // Astronomically many: counted without overflow, refused without expanding.
    let (refused, steps) = steps_of(|| prompts(&ten.repeat(40)));
    assert!(refused.is_err());
    assert!(steps <= 2 * ten.len() * 40, "{steps} steps: read, counted, nothing made");
    assert_eq!(count(&ten.repeat(40)), usize::MAX);
}

/// The prompts `text` makes, after checking the work: counting takes at most two steps a
/// character (one to read it, one to place its token); making prompts adds at most one walk
/// over the line (each item once, and the end) per combination, itself at most the cap.
fn within_bounds(text: &str) -> Result<Vec<String>, FieldError> {
    let n = text.chars().count();
    let (counted, counting) = steps_of(|| count(text));
    assert!(counting <= 2 * n, "{counting} steps to count {n} characters");
    let combinations = combinations(&lines(text));
    let (made, making) = steps_of(|| prompts(text));
    let walks = if made.is_ok() { combinations } else { 0 };
    assert!(making <= 2 * n + walks * (n + 1), "{making} steps for {n} characters, {combinations} combinations");
    assert!(walks <= MAX_PROMPTS);
    if let Ok(made) = &made {
        assert_eq!(counted, made.len(), "the count is what is made, for {text:?}");
    }
    made
}

#[test]
fn unclosed_braces_are_read_once() {
    for n in [60, 2_000, Prompt::MAX_CHARS] {
        let braces = "{".repeat(n);
        assert_eq!(within_bounds(&braces).unwrap(), std::slice::from_ref(&braces));
        let alternating = "{|".repeat(n / 2);
        assert_eq!(within_bounds(&alternating).unwrap(), std::slice::from_ref(&alternating));
    }
    // A batch of such lines, each as long as a prompt may be, as long as a batch may be.
    let lines = vec!["{".repeat(Prompt::MAX_CHARS); MAX_CHARS / (Prompt::MAX_CHARS + 1)].join("\n");
    assert_eq!(within_bounds(&lines).unwrap().len(), 49);
}

#[test]
fn nesting_to_the_length_limit_is_linear() {
    let half = Prompt::MAX_CHARS / 2;
    let kept = format!("{}x{}", "{".repeat(half - 1), "}".repeat(half - 1));
    assert_eq!(within_bounds(&kept).unwrap(), std::slice::from_ref(&kept), "groups without `|` stay as written");
    let around = format!("{}{{a|b}}{}", "{".repeat(half - 3), "}".repeat(half - 3));
    let wrap = |c| format!("{}{c}{}", "{".repeat(half - 3), "}".repeat(half - 3));
    assert_eq!(within_bounds(&around).unwrap(), [wrap("a"), wrap("b")]);
    // `{a|{a|…{a|b}…}}`: one prompt per level, the deepest expansion the cap allows.
    let levels = MAX_PROMPTS - 1;
    let deep = format!("{}b{}", "{a|".repeat(levels), "}".repeat(levels));
    let deep_made = within_bounds(&deep).unwrap();
    assert_eq!((deep_made.len(), deep_made.last().map(String::as_str)), (MAX_PROMPTS, Some("b")));
    let deeper = format!("{}{}", "{|".repeat(1_000), "}".repeat(1_000));
    assert!(within_bounds(&deeper).unwrap_err().message.contains("make 1001 prompts"));
    assert_eq!(count(&deeper), 1_001, "past the cap, blank combinations count too");
}

#[test]
fn work_is_linear_in_the_length_of_any_text() {
    let mut rng = Rng(0x0BA7_C4E5);
    for case in 0..400 {
        // Half as long as allowed, half short enough to make a few prompts now and then.
        let max = if case % 2 == 0 { Prompt::MAX_CHARS } else { 100 };
        let text = rng.text(&['{', '}', '|', '\\', 'a'], max);
        let _ = within_bounds(&text);
    }
}

#[test]
fn agrees_with_the_first_parser_on_every_short_text() {
    let alphabet = ['{', '}', '|', '\\', 'a', ' '];
    let mut texts = vec![String::new()];
    for _ in 0..6 {
        texts = texts.iter().flat_map(|t| alphabet.iter().map(move |c| format!("{t}{c}"))).collect();
        for text in &texts {
            assert_eq!(prompts(text), reference::prompts(text), "{text:?}");
            assert_eq!(count(text), reference::count(text), "{text:?}");
        }
    }
    let mut rng = Rng(0x5EED);
    for _ in 0..20_000 {
        let text = rng.text(&['{', '}', '|', '\\', 'a', 'b', ' ', '\n'], 18);
        assert_eq!(prompts(&text), reference::prompts(&text), "{text:?}");
        assert_eq!(count(&text), reference::count(&text), "{text:?}");
    }
}
