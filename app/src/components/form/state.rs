//! What the generation form holds: text as typed, choices as values. Converting it to a
//! [`SubmitRequest`] and validating that request is the same check the server makes.

use crate::domain::{
    FieldError, Fps, ImageSize, Resolution, StylePreset, SubmitRequest, TaskKind, ValidationErrors, VideoDuration,
};

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FormState {
    pub kind: TaskKind,
    pub prompt: String,
    pub negative_prompt: String,
    pub size: ImageSize,
    pub style: StylePreset,
    pub seed: String,
    pub duration_secs: String,
    pub resolution: Resolution,
    pub fps: Fps,
    pub variants: String,
}

impl FormState {
    /// Every field at its default, on the given tab.
    pub fn defaults(kind: TaskKind) -> Self {
        Self {
            kind,
            prompt: String::new(),
            negative_prompt: String::new(),
            size: ImageSize::default(),
            style: StylePreset::default(),
            seed: String::new(),
            duration_secs: VideoDuration::DEFAULT.to_string(),
            resolution: Resolution::default(),
            fps: Fps::default(),
            variants: "1".into(),
        }
    }

    /// The request this form would send, or every problem with it.
    pub fn to_request(&self) -> Result<SubmitRequest, ValidationErrors> {
        let mut errors = ValidationErrors::default();
        let seed = errors.take(optional_number("seed", &self.seed));
        let variants = errors.take(optional_number("variants", &self.variants));
        let image = self.kind == TaskKind::Image;
        let duration =
            if image { Some(None) } else { errors.take(optional_number("duration_secs", &self.duration_secs)) };
        let (Some(seed), Some(variants), Some(duration)) = (seed, variants, duration) else {
            return Err(errors);
        };
        let request = SubmitRequest {
            kind: self.kind.as_str().into(),
            prompt: self.prompt.clone(),
            negative_prompt: Some(self.negative_prompt.clone()).filter(|s| !s.trim().is_empty()),
            size: image.then(|| self.size.as_str().into()),
            style: image.then(|| self.style.as_str().into()),
            seed,
            duration_secs: duration,
            resolution: (!image).then(|| self.resolution.as_str().into()),
            fps: (!image).then(|| self.fps.per_second().into()),
            variants,
            idempotency_key: None,
        };
        match request.validate() {
            Ok(_) => Ok(request),
            Err(more) => {
                errors.0.extend(more.0);
                Err(errors)
            }
        }
    }

    /// The form as it was when `request` was made from it (to give refused input back).
    pub fn from_request(request: &SubmitRequest) -> Self {
        let kind = TaskKind::parse(&request.kind).unwrap_or_default();
        let defaults = Self::defaults(kind);
        let text = |n: Option<i64>, default: &str| n.map_or_else(|| default.to_owned(), |n| n.to_string());
        Self {
            kind,
            prompt: request.prompt.clone(),
            negative_prompt: request.negative_prompt.clone().unwrap_or_default(),
            size: request.size.as_deref().and_then(|s| ImageSize::parse(s).ok()).unwrap_or_default(),
            style: request.style.as_deref().and_then(|s| StylePreset::parse(s).ok()).unwrap_or_default(),
            seed: text(request.seed, ""),
            duration_secs: text(request.duration_secs, &defaults.duration_secs),
            resolution: request.resolution.as_deref().and_then(|s| Resolution::parse(s).ok()).unwrap_or_default(),
            fps: request.fps.and_then(|n| Fps::from_number(n).ok()).unwrap_or_default(),
            variants: text(request.variants, &defaults.variants),
        }
    }
}

fn optional_number(field: &'static str, text: &str) -> Result<Option<i64>, FieldError> {
    let text = text.trim();
    if text.is_empty() {
        return Ok(None);
    }
    text.parse()
        .map(Some)
        .map_err(|_| FieldError::new(field, "not_a_number", format!("\"{text}\" is not a whole number.")))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defaults_need_only_a_prompt() {
        let mut form = FormState::defaults(TaskKind::Video);
        assert_eq!(form.to_request().unwrap_err().for_field("prompt").unwrap().code, "prompt_empty");
        form.prompt = "surf".into();
        let req = form.to_request().unwrap();
        assert_eq!((req.duration_secs, req.fps, req.size), (Some(5), Some(24), None));
    }

    #[test]
    fn typed_numbers_are_checked() {
        let mut form = FormState::defaults(TaskKind::Image);
        form.prompt = "fox".into();
        form.seed = "12a".into();
        form.variants = "0".into();
        let errors = form.to_request().unwrap_err();
        assert_eq!(errors.for_field("seed").unwrap().code, "not_a_number");
        form.seed = "12".into();
        assert_eq!(form.to_request().unwrap_err().for_field("variants").unwrap().code, "variants_out_of_range");
    }

    #[test]
    fn a_paste_of_many_prompts_is_checked_line_by_line() {
        let mut form = FormState::defaults(TaskKind::Image);
        form.prompt = (0..500).map(|i| format!("{i:03} {}\n", "a lighthouse ".repeat(7))).collect();
        assert!(form.prompt.chars().count() > 4 * crate::domain::Prompt::MAX_CHARS);
        assert!(form.to_request().is_ok(), "each line is a prompt; the whole is not one");
        form.prompt.push_str(&"x".repeat(crate::domain::Prompt::MAX_CHARS + 1));
        let errors = form.to_request().unwrap_err();
        let error = errors.for_field("prompt").unwrap();
        assert_eq!((error.code.as_str(), error.line), ("prompt_too_long", Some(501)));
    }

    #[test]
    fn request_round_trips_through_the_form() {
        let mut form = FormState::defaults(TaskKind::Image);
        form.prompt = "a fox".into();
        form.negative_prompt = "blur".into();
        form.size = ImageSize::Portrait;
        form.seed = "9".into();
        form.variants = "3".into();
        assert_eq!(FormState::from_request(&form.to_request().unwrap()), form);
    }
}
