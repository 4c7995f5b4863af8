//! What the interface calls each wire value (a task's kind and status, an image size, a
//! style preset, a resolution, a frame rate), in a locale. The domain knows only the wire
//! strings; the words in each language are in its [`Text`](super::Text).

use super::Locale;
use crate::domain::{Fps, ImageSize, Resolution, StylePreset, TaskKind, TaskStatus};

/// A wire value the interface shows by name.
pub trait Label: Copy {
    /// What the interface shows for this value, in `locale`.
    fn label(self, locale: Locale) -> &'static str;
}

/// `Label` for types whose names differ by language: from the language's `Text`.
macro_rules! label_from_text {
    ($($type:ty => $field:ident),+ $(,)?) => {
        $(impl Label for $type {
            fn label(self, locale: Locale) -> &'static str {
                (locale.text().$field)(self)
            }
        })+
    };
}

label_from_text!(
    TaskKind => kind_label,
    TaskStatus => status_label,
    ImageSize => size_label,
    StylePreset => style_label,
);

/// The same in every language.
impl Label for Resolution {
    fn label(self, _: Locale) -> &'static str {
        match self {
            Self::P480 => "480p",
            Self::P720 => "720p",
        }
    }
}

/// The same in every language.
impl Label for Fps {
    fn label(self, _: Locale) -> &'static str {
        match self {
            Self::F12 => "12 fps",
            Self::F24 => "24 fps",
        }
    }
}

/// The name a generation service goes by (a task's `provider`), the same in every
/// language; one not known here by its wire name.
pub fn service_name(provider: &str) -> &str {
    match provider {
        "embedded" => "Atelier",
        "openai" => "OpenAI",
        "comfyui" => "ComfyUI",
        "replicate" => "Replicate",
        "fal" => "fal",
        other => other,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_task_waiting_at_its_service_says_where_in_each_language() {
        let say = |locale: Locale| (locale.text().queued_at_service)(service_name("comfyui"), 2);
        assert_eq!(say(Locale::En), "Queued at ComfyUI (position 2)");
        assert_eq!(say(Locale::ZhCn), "在 ComfyUI 排队（第 2 位）");
    }

    #[test]
    fn values_are_named_in_each_language() {
        assert_eq!(TaskStatus::Retrying.label(Locale::En), "Retrying");
        assert_eq!(TaskStatus::Retrying.label(Locale::ZhCn), "等待重试");
        assert_eq!(ImageSize::Portrait.label(Locale::ZhCn), "1024 × 1536（竖版）");
        assert_eq!(StylePreset::PixelArt.label(Locale::En), "Pixel art");
        assert_eq!((Resolution::P720.label(Locale::ZhCn), Fps::F12.label(Locale::En)), ("720p", "12 fps"));
    }
}
