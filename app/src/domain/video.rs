//! Video generation parameters.

use super::choice::choice;
use super::{FieldError, NegativePrompt, Prompt};
use serde::{Deserialize, Serialize};

choice!(Resolution, "resolution", "resolution", default P720, {
    P480 => "480p",
    P720 => "720p",
});

/// Frames per second: 12 or 24. On the wire it is a number.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(try_from = "i64", into = "u32")]
pub enum Fps {
    F12,
    #[default]
    F24,
}

impl Resolution {
    /// Width and height in pixels (16:9).
    pub fn dimensions(self) -> (u32, u32) {
        match self {
            Self::P480 => (854, 480),
            Self::P720 => (1280, 720),
        }
    }
}

impl Fps {
    pub const ALL: &'static [Fps] = &[Fps::F12, Fps::F24];

    pub fn per_second(self) -> u32 {
        match self {
            Self::F12 => 12,
            Self::F24 => 24,
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Self::F12 => "12",
            Self::F24 => "24",
        }
    }

    pub fn parse(raw: &str) -> Result<Self, FieldError> {
        let n = raw.trim().parse().map_err(|_| {
            FieldError::new("fps", "unknown_fps", format!("Frame rate must be 12 or 24 fps; got \"{raw}\"."))
        })?;
        Self::from_number(n)
    }

    pub fn from_number(n: i64) -> Result<Self, FieldError> {
        Self::ALL
            .iter()
            .copied()
            .find(|f| i64::from(f.per_second()) == n)
            .ok_or_else(|| FieldError::new("fps", "unknown_fps", format!("Frame rate must be 12 or 24 fps; got {n}.")))
    }
}

impl TryFrom<i64> for Fps {
    type Error = String;
    fn try_from(n: i64) -> Result<Self, String> {
        Self::from_number(n).map_err(|e| e.message)
    }
}

impl From<Fps> for u32 {
    fn from(f: Fps) -> u32 {
        f.per_second()
    }
}

/// Clip length: 2 to 10 whole seconds.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(try_from = "i64", into = "u8")]
pub struct VideoDuration(u8);

impl VideoDuration {
    pub const MIN: i64 = 2;
    pub const MAX: i64 = 10;
    pub const DEFAULT: u8 = 5;

    pub fn parse(secs: i64) -> Result<Self, FieldError> {
        if (Self::MIN..=Self::MAX).contains(&secs) {
            Ok(Self(secs as u8))
        } else {
            Err(FieldError::new(
                "duration_secs",
                "duration_out_of_range",
                format!("Duration must be {} to {} seconds; got {secs}.", Self::MIN, Self::MAX),
            ))
        }
    }

    pub fn secs(self) -> u8 {
        self.0
    }
}

impl Default for VideoDuration {
    fn default() -> Self {
        Self(Self::DEFAULT)
    }
}

impl TryFrom<i64> for VideoDuration {
    type Error = String;
    fn try_from(secs: i64) -> Result<Self, String> {
        Self::parse(secs).map_err(|e| e.message)
    }
}

impl From<VideoDuration> for u8 {
    fn from(d: VideoDuration) -> u8 {
        d.0
    }
}

/// A validated video request.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct VideoParams {
    pub prompt: Prompt,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub negative_prompt: Option<NegativePrompt>,
    pub duration_secs: VideoDuration,
    pub resolution: Resolution,
    pub fps: Fps,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub seed: Option<u32>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn duration_bounds_are_inclusive() {
        assert_eq!(VideoDuration::parse(2).unwrap().secs(), 2);
        assert_eq!(VideoDuration::parse(10).unwrap().secs(), 10);
        for bad in [-5, 0, 1, 11, i64::MAX] {
            let err = VideoDuration::parse(bad).unwrap_err();
            assert_eq!((err.field.as_str(), err.code.as_str()), ("duration_secs", "duration_out_of_range"));
        }
    }

    #[test]
    fn resolution_and_fps_choices() {
        assert_eq!(Resolution::parse("480P").unwrap().dimensions(), (854, 480));
        assert_eq!(Resolution::parse("1080p").unwrap_err().code, "unknown_resolution");
        assert_eq!(Fps::from_number(12).unwrap().per_second(), 12);
        assert_eq!(Fps::from_number(30).unwrap_err().code, "unknown_fps");
    }
}
