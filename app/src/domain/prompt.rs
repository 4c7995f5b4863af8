//! Prompts: trimmed, non-empty, bounded in characters (not bytes, so Chinese text counts
//! fairly), and free of control characters other than line breaks and tabs (a NUL or an
//! escape sequence is never what a person meant, and some databases refuse a NUL).

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

/// Refuses a control character in a text `field` (`what` names it in the message): any
/// but a line break or a tab. The code is `<field>_control_char`.
pub fn refuse_control(field: &str, what: &str, text: &str) -> Result<(), FieldError> {
    let found = text.chars().enumerate().find(|(_, c)| c.is_control() && !matches!(c, '\n' | '\r' | '\t'));
    match found {
        Some((at, c)) => Err(FieldError::new(
            field,
            &format!("{field}_control_char"),
            format!(
                "{what} holds an invisible control character (U+{:04X}) at character {}; remove it.",
                c as u32,
                at + 1
            ),
        )),
        None => Ok(()),
    }
}

impl TryFrom<String> for Prompt {
    type Error = String;
    fn try_from(raw: String) -> Result<Self, String> {
        Self::parse(&raw).map_err(|e| e.message)
    }
}

impl TryFrom<String> for NegativePrompt {
    type Error = String;
    fn try_from(raw: String) -> Result<Self, String> {
        Self::parse(&raw).map_err(|e| e.message)?.ok_or_else(|| "a negative prompt must not be blank".to_owned())
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
        assert_eq!(serde_json::from_str::<Prompt>("\" hi \"").unwrap().as_str(), "hi");
    }
}
