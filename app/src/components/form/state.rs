//! What the generation form holds: text as typed, choices as values. Converting it to a
//! [`SubmitRequest`] and validating that request is the same check the server makes.

use crate::domain::{
    ComposeForm, Fps, ImageSize, Resolution, StylePreset, SubmitRequest, TaskKind, ValidationErrors, VideoDuration,
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

    /// The request this form would send, or every problem with it (the rule a form
    /// posted before the page's script arrived follows too).
    pub fn to_request(&self) -> Result<SubmitRequest, ValidationErrors> {
        self.as_posted().to_request()
    }

    /// The form as a browser would post it.
    pub fn as_posted(&self) -> ComposeForm {
        ComposeForm {
            kind: self.kind.as_str().into(),
            prompt: self.prompt.clone(),
            negative_prompt: self.negative_prompt.clone(),
            size: self.size.as_str().into(),
            style: self.style.as_str().into(),
            seed: self.seed.clone(),
            duration_secs: self.duration_secs.clone(),
            resolution: self.resolution.as_str().into(),
            fps: self.fps.per_second().to_string(),
            variants: self.variants.clone(),
        }
    }

    /// The form as a browser holds it before the page's script arrived (what was typed
    /// then), each field read as the form's own choices allow, else at its default.
    #[cfg_attr(not(feature = "hydrate"), allow(dead_code))] // read in the browser only
    pub fn from_posted(posted: &ComposeForm) -> Self {
        let kind = TaskKind::parse(&posted.kind).unwrap_or_default();
        let defaults = Self::defaults(kind);
        let text = |typed: &str, default: &str| if typed.is_empty() { default.to_owned() } else { typed.to_owned() };
        Self {
            kind,
            prompt: posted.prompt.clone(),
            negative_prompt: posted.negative_prompt.clone(),
            size: ImageSize::parse(&posted.size).unwrap_or_default(),
            style: StylePreset::parse(&posted.style).unwrap_or_default(),
            seed: posted.seed.clone(),
            duration_secs: text(&posted.duration_secs, &defaults.duration_secs),
            resolution: Resolution::parse(&posted.resolution).unwrap_or_default(),
            fps: posted.fps.parse().ok().and_then(|n| Fps::from_number(n).ok()).unwrap_or_default(),
            variants: text(&posted.variants, &defaults.variants),
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
    fn the_form_as_posted_reads_back_the_same() {
        let mut form = FormState::defaults(TaskKind::Video);
        form.prompt = "surf at dawn".into();
        form.fps = Fps::from_number(12).unwrap();
        form.duration_secs = "7".into();
        assert_eq!(FormState::from_posted(&form.as_posted()), form);
        let nothing = ComposeForm { prompt: "a kite".into(), ..ComposeForm::default() };
        let read = FormState::from_posted(&nothing);
        assert_eq!((read.kind, read.variants.as_str(), read.prompt.as_str()), (TaskKind::Image, "1", "a kite"));
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
