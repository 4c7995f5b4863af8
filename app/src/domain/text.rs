//! What a person's text may hold, one rule per kind of field, each naming the character it
//! refuses and where it is (the user cannot see it). Control characters are never what a
//! person meant (and PostgreSQL refuses a NUL); multi-line text keeps line breaks and tabs.
//! Direction overrides and isolates make text display in another order than it is stored
//! (`abc\u{202E}gpj.exe` shows as `abcexe.jpg`), so prompts refuse them; names also refuse
//! the other invisible formatting characters (zero-width ones, direction marks), so that
//! two names that look the same are the same. Letters of any script stay allowed.

use super::FieldError;

/// Direction overrides, embeddings and isolates: U+202A–U+202E, U+2066–U+2069.
fn is_bidi_control(c: char) -> bool {
    matches!(c, '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}')
}

/// Formatting characters that show nothing: zero-width ones, direction marks
/// (U+200B–U+200F, U+061C), the word joiner (U+2060) and the byte order mark (U+FEFF),
/// and the direction controls.
fn is_invisible(c: char) -> bool {
    is_bidi_control(c) || matches!(c, '\u{200B}'..='\u{200F}' | '\u{2060}' | '\u{FEFF}' | '\u{061C}')
}

/// A formatting character's name, for the message (a control character has none).
fn name_of(c: char) -> Option<&'static str> {
    Some(match c {
        '\u{061C}' => "Arabic letter mark",
        '\u{200B}' => "zero width space",
        '\u{200C}' => "zero width non-joiner",
        '\u{200D}' => "zero width joiner",
        '\u{200E}' => "left-to-right mark",
        '\u{200F}' => "right-to-left mark",
        '\u{202A}' => "left-to-right embedding",
        '\u{202B}' => "right-to-left embedding",
        '\u{202C}' => "pop directional formatting",
        '\u{202D}' => "left-to-right override",
        '\u{202E}' => "right-to-left override",
        '\u{2060}' => "word joiner",
        '\u{2066}' => "left-to-right isolate",
        '\u{2067}' => "right-to-left isolate",
        '\u{2068}' => "first strong isolate",
        '\u{2069}' => "pop directional isolate",
        '\u{FEFF}' => "zero width no-break space",
        _ => return None,
    })
}

/// The first character of `text` that `refused` matches, as the error `<field>_<code>`:
/// "`what` holds `kind` (U+XXXX, its name) at character n; remove it.`why`".
fn refuse(
    field: &str,
    what: &str,
    text: &str,
    code: &str,
    kind: &str,
    why: &str,
    refused: impl Fn(char) -> bool,
) -> Result<(), FieldError> {
    match text.chars().enumerate().find(|(_, c)| refused(*c)) {
        Some((at, c)) => {
            let named = name_of(c).map(|name| format!(", {name}")).unwrap_or_default();
            Err(FieldError::new(
                field,
                &format!("{field}_{code}"),
                format!("{what} holds {kind} (U+{:04X}{named}) at character {}; remove it.{why}", c as u32, at + 1),
            ))
        }
        None => Ok(()),
    }
}

/// Multi-line text (prompts, a password, a search): refuses a control character other
/// than a line break or a tab. The code is `<field>_control_char`.
pub fn refuse_control(field: &str, what: &str, text: &str) -> Result<(), FieldError> {
    let control = |c: char| c.is_control() && !matches!(c, '\n' | '\r' | '\t');
    refuse(field, what, text, "control_char", "an invisible control character", "", control)
}

/// One line (a login): refuses every control character, line breaks and tabs too. The
/// code is `<field>_control_char`.
pub fn refuse_control_in_line(field: &str, what: &str, text: &str) -> Result<(), FieldError> {
    refuse(field, what, text, "control_char", "an invisible control character", "", char::is_control)
}

/// A name (a workspace's, a token's, a username): one line, and nothing invisible. The
/// codes are `<field>_control_char` and `<field>_invisible_char`.
pub fn refuse_invisible(field: &str, what: &str, text: &str) -> Result<(), FieldError> {
    refuse_control_in_line(field, what, text)?;
    let why = " Names may not hold invisible formatting, so that two names that look alike are alike.";
    refuse(field, what, text, "invisible_char", "an invisible formatting character", why, is_invisible)
}

/// Text shown to others (prompts): refuses direction overrides and isolates, which make
/// it display in another order than it is written. Right-to-left scripts, direction
/// marks and the zero-width joiners (emoji sequences, Persian) stay allowed. The code is
/// `<field>_bidi_control`.
pub fn refuse_bidi_controls(field: &str, what: &str, text: &str) -> Result<(), FieldError> {
    let why = " It makes text display in another order than it is written; right-to-left text needs none.";
    refuse(field, what, text, "bidi_control", "a direction override", why, is_bidi_control)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn code(result: Result<(), FieldError>) -> Option<String> {
        result.err().map(|e| e.code)
    }

    #[test]
    fn multi_line_text_keeps_line_breaks_and_tabs_one_line_does_not() {
        assert_eq!(code(refuse_control("q", "The search", "a\nb\tc\r\n")), None);
        assert_eq!(code(refuse_control("q", "The search", "a\u{1b}")).as_deref(), Some("q_control_char"));
        for raw in ["a\nb", "a\tb", "a\0b", "\u{85}"] {
            assert_eq!(code(refuse_control_in_line("login", "The login", raw)).as_deref(), Some("login_control_char"));
        }
        let err = refuse_control_in_line("login", "The login", "ab\0").unwrap_err();
        assert!(err.message.contains("U+0000") && err.message.contains("character 3"), "{}", err.message);
    }

    #[test]
    fn names_refuse_every_invisible_formatting_character() {
        for c in ('\u{202A}'..='\u{202E}')
            .chain('\u{2066}'..='\u{2069}')
            .chain('\u{200B}'..='\u{200F}')
            .chain(['\u{2060}', '\u{FEFF}', '\u{061C}'])
        {
            let err = refuse_invisible("name", "The name", &format!("ab{c}cd")).unwrap_err();
            assert_eq!(err.code, "name_invisible_char", "U+{:04X}", c as u32);
            assert!(err.message.contains(&format!("U+{:04X}", c as u32)), "{}", err.message);
            assert!(err.message.contains("character 3"), "{}", err.message);
            assert!(err.message.contains(&format!("U+{:04X}, ", c as u32)), "each is named: {}", err.message);
        }
        let err = refuse_invisible("name", "The name", "invoice\u{202E}fdp.exe").unwrap_err();
        assert!(err.message.contains("right-to-left override"), "{}", err.message);
        assert_eq!(code(refuse_invisible("name", "The name", "a\nb")).as_deref(), Some("name_control_char"));
        for fine in ["Studio", "استوديو", "סטודיו", "工作室", "Café №5"] {
            assert_eq!(code(refuse_invisible("name", "The name", fine)), None, "{fine:?}");
        }
    }

    #[test]
    fn prompts_refuse_direction_overrides_but_keep_right_to_left_text_and_joiners() {
        for c in ('\u{202A}'..='\u{202E}').chain('\u{2066}'..='\u{2069}') {
            let err = refuse_bidi_controls("prompt", "The prompt", &format!("a {c}cat")).unwrap_err();
            assert_eq!(err.code, "prompt_bidi_control", "U+{:04X}", c as u32);
            assert!(err.message.contains(&format!("U+{:04X}", c as u32)), "{}", err.message);
        }
        for fine in [
            "قطة على سطح القمر",                       // Arabic
            "חתול על הירח",                            // Hebrew
            "می\u{200C}خواهم یک گربه",                 // Persian with a zero width non-joiner
            "👩\u{200D}💻 at a desk",                  // an emoji sequence with a zero width joiner
            "the word \u{200F}שלום\u{200E} in a line", // direction marks
        ] {
            assert_eq!(code(refuse_bidi_controls("prompt", "The prompt", fine)), None, "{fine:?}");
        }
    }
}
