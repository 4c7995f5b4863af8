//! Image generation parameters.

use super::choice::choice;
use super::{NegativePrompt, Prompt};
use serde::{Deserialize, Serialize};

choice!(ImageSize, "size", "image size", default Square1024, {
    Square512 => "512x512",
    Square768 => "768x768",
    Square1024 => "1024x1024",
    Portrait => "1024x1536",
    Landscape => "1536x1024",
});

choice!(StylePreset, "style", "style preset", default None, {
    None => "none",
    Photographic => "photographic",
    Illustration => "illustration",
    Anime => "anime",
    Watercolor => "watercolor",
    PixelArt => "pixel-art",
});

impl ImageSize {
    /// Width and height in pixels.
    pub fn dimensions(self) -> (u32, u32) {
        match self {
            Self::Square512 => (512, 512),
            Self::Square768 => (768, 768),
            Self::Square1024 => (1024, 1024),
            Self::Portrait => (1024, 1536),
            Self::Landscape => (1536, 1024),
        }
    }
}

/// A validated image request.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ImageParams {
    pub prompt: Prompt,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub negative_prompt: Option<NegativePrompt>,
    pub size: ImageSize,
    pub style: StylePreset,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub seed: Option<u32>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sizes_parse_from_their_wire_names() {
        for size in ImageSize::ALL {
            assert_eq!(ImageSize::parse(size.as_str()).unwrap(), *size);
        }
        assert_eq!(ImageSize::parse(" 1024X1536 ").unwrap().dimensions(), (1024, 1536));
    }

    #[test]
    fn unknown_size_names_the_choices() {
        let err = ImageSize::parse("1000x1000").unwrap_err();
        assert_eq!((err.field.as_str(), err.code.as_str()), ("size", "unknown_size"));
        assert!(err.message.contains("512x512") && err.message.contains("1000x1000"), "{}", err.message);
    }

    #[test]
    fn unknown_style_is_rejected() {
        assert_eq!(StylePreset::parse("cubism").unwrap_err().code, "unknown_style");
        assert_eq!(StylePreset::parse("pixel-art").unwrap(), StylePreset::PixelArt);
    }

    #[test]
    fn serde_uses_wire_names() {
        assert_eq!(serde_json::to_string(&ImageSize::Landscape).unwrap(), "\"1536x1024\"");
        assert!(serde_json::from_str::<ImageSize>("\"1x1\"").is_err());
    }
}
