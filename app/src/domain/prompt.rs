//! Prompts: trimmed, non-empty, bounded in characters (not bytes, so Chinese text counts
//! fairly), free of control characters other than line breaks and tabs (a NUL or an
//! escape sequence is never what a person meant, and some databases refuse a NUL) and of
//! direction overrides (a prompt is shown to the workspace's members as it is written);
//! the rules are `text.rs`'s. A prompt read back (a stored task, a task on the wire) is
//! held to the rules every stored prompt met: those stored before direction overrides
//! were refused may hold them and must stay readable.

use super::text::{refuse_bidi_controls, refuse_control};
use super::FieldError;
use serde::{Deserialize, Serialize};

/// What to generate: 1 to 4,000 characters after trimming.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct Prompt(String);

/// What to avoid: up to 2,000 characters; blank means none.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct NegativePrompt(String);

impl Prompt {
    pub const MAX_CHARS: usize = 4_000;

    pub fn parse(raw: &str) -> Result<Self, FieldError> {
        let prompt = Self::parse_stored(raw)?;
        refuse_bidi_controls("prompt", "The prompt", prompt.as_str())?;
        Ok(prompt)
    }

    /// The rules of [`Prompt::parse`] but the one on direction overrides.
    fn parse_stored(raw: &str) -> Result<Self, FieldError> {
        let text = raw.trim();
        let chars = text.chars().count();
        if chars == 0 {
            return Err(FieldError::new("prompt", "prompt_empty", "Enter a prompt describing what to generate."));
        }
        if chars > Self::MAX_CHARS {
            return Err(FieldError::new(
                "prompt",
                "prompt_too_long",
                format!("The prompt has {chars} characters; the limit is {}.", Self::MAX_CHARS),
            ));
        }
        refuse_control("prompt", "The prompt", text)?;
        Ok(Self(text.to_owned()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl NegativePrompt {
    pub const MAX_CHARS: usize = 2_000;

    /// `None` when the text is blank.
    pub fn parse(raw: &str) -> Result<Option<Self>, FieldError> {
        let negative = Self::parse_stored(raw)?;
        if let Some(negative) = &negative {
            refuse_bidi_controls("negative_prompt", "The negative prompt", negative.as_str())?;
        }
        Ok(negative)
    }

    /// The rules of [`NegativePrompt::parse`] but the one on direction overrides.
    fn parse_stored(raw: &str) -> Result<Option<Self>, FieldError> {
        let text = raw.trim();
        let chars = text.chars().count();
        if chars > Self::MAX_CHARS {
            return Err(FieldError::new(
                "negative_prompt",
                "negative_prompt_too_long",
                format!("The negative prompt has {chars} characters; the limit is {}.", Self::MAX_CHARS),
            ));
        }
        refuse_control("negative_prompt", "The negative prompt", text)?;
        Ok((chars > 0).then(|| Self(text.to_owned())))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// Reading back (serde): the rules every stored prompt met.
impl TryFrom<String> for Prompt {
    type Error = String;
    fn try_from(raw: String) -> Result<Self, String> {
        Self::parse_stored(&raw).map_err(|e| e.message)
    }
}

/// Reading back (serde): the rules every stored negative prompt met.
impl TryFrom<String> for NegativePrompt {
    type Error = String;
    fn try_from(raw: String) -> Result<Self, String> {
        Self::parse_stored(&raw).map_err(|e| e.message)?.ok_or_else(|| "a negative prompt must not be blank".to_owned())
    }
}

impl From<Prompt> for String {
    fn from(p: Prompt) -> String {
        p.0
    }
}

impl From<NegativePrompt> for String {
    fn from(p: NegativePrompt) -> String {
        p.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn prompt_is_trimmed() {
        assert_eq!(Prompt::parse("  a red fox \n").unwrap().as_str(), "a red fox");
    }

    #[test]
    fn blank_prompt_is_rejected() {
        for raw in ["", "   ", "\n\t "] {
            assert_eq!(Prompt::parse(raw).unwrap_err().code, "prompt_empty");
        }
    }

    #[test]
    fn prompt_limit_counts_characters_not_bytes() {
        let at_limit = "猫".repeat(Prompt::MAX_CHARS);
        assert!(Prompt::parse(&at_limit).is_ok());
        let over = "a".repeat(Prompt::MAX_CHARS + 1);
        let err = Prompt::parse(&over).unwrap_err();
        assert_eq!((err.field.as_str(), err.code.as_str()), ("prompt", "prompt_too_long"));
        assert!(err.message.contains("4001"), "{}", err.message);
    }

    #[test]
    fn control_characters_are_refused_but_line_breaks_and_tabs_kept() {
        assert_eq!(Prompt::parse("one\ntwo\tthree\r\nfour").unwrap().as_str(), "one\ntwo\tthree\r\nfour");
        for (raw, code) in
            [("a\0b", "U+0000"), ("red \u{1b}[31m", "U+001B"), ("x\u{7f}", "U+007F"), ("a\u{85}y", "U+0085")]
        {
            let err = Prompt::parse(raw).unwrap_err();
            assert_eq!((err.field.as_str(), err.code.as_str()), ("prompt", "prompt_control_char"), "{raw:?}");
            assert!(err.message.contains(code), "{}", err.message);
        }
        assert!(Prompt::parse("ab\0").unwrap_err().message.contains("character 3"));
        let err = NegativePrompt::parse("blur\0").unwrap_err();
        assert_eq!((err.field.as_str(), err.code.as_str()), ("negative_prompt", "negative_prompt_control_char"));
    }

    #[test]
    fn direction_overrides_are_refused_but_right_to_left_text_kept() {
        let err = Prompt::parse("a cat \u{202E}gnisrever").unwrap_err();
        assert_eq!((err.field.as_str(), err.code.as_str()), ("prompt", "prompt_bidi_control"));
        assert!(err.message.contains("U+202E, right-to-left override") && err.message.contains("character 7"));
        let err = NegativePrompt::parse("blur \u{2067}x\u{2069}").unwrap_err();
        assert_eq!(err.code, "negative_prompt_bidi_control");
        for fine in ["قطة على سطح القمر", "חתול על הירח", "می\u{200C}خواهم", "👩\u{200D}💻 coding"]
        {
            assert_eq!(Prompt::parse(fine).unwrap().as_str(), fine);
            assert!(NegativePrompt::parse(fine).unwrap().is_some());
        }
    }

    #[test]
    fn negative_prompt_is_optional_and_bounded() {
        assert_eq!(NegativePrompt::parse("  ").unwrap(), None);
        assert_eq!(NegativePrompt::parse(" blur ").unwrap().unwrap().as_str(), "blur");
        assert!(NegativePrompt::parse(&"x".repeat(NegativePrompt::MAX_CHARS)).is_ok());
        let err = NegativePrompt::parse(&"x".repeat(NegativePrompt::MAX_CHARS + 1)).unwrap_err();
        assert_eq!(err.code, "negative_prompt_too_long");
    }

    #[test]
    fn deserialising_validates() {
        assert!(serde_json::from_str::<Prompt>("\"  \"").is_err());
        assert!(serde_json::from_str::<Prompt>("\"a\\u0000b\"").is_err());
        assert_eq!(serde_json::from_str::<Prompt>("\" hi \"").unwrap().as_str(), "hi");
    }

    #[test]
    fn prompts_stored_before_overrides_were_refused_still_read() {
        let stored = "\"a cat \\u202egnisrever\"";
        assert_eq!(serde_json::from_str::<Prompt>(stored).unwrap().as_str(), "a cat \u{202E}gnisrever");
        assert!(serde_json::from_str::<NegativePrompt>(stored).is_ok());
    }
}
