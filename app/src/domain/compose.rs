//! The generation form as text, the way a browser posts it (`POST /api/compose`,
//! form-encoded, before the page's script has arrived) and the way the page's form holds
//! it: one conversion to a [`SubmitRequest`] for both, numbers checked as typed.

use super::{FieldError, SubmitRequest, TaskKind, ValidationErrors};
use serde::{Deserialize, Serialize};

/// Every field of the form as typed; a field left out is blank (the default).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct ComposeForm {
    pub kind: String,
    pub prompt: String,
    pub negative_prompt: String,
    pub size: String,
    pub style: String,
    pub seed: String,
    pub duration_secs: String,
    pub resolution: String,
    pub fps: String,
    pub variants: String,
}

impl ComposeForm {
    /// The request this form makes, or every problem with it (the server's own rules).
    pub fn to_request(&self) -> Result<SubmitRequest, ValidationErrors> {
        let mut errors = ValidationErrors::default();
        let seed = errors.take(optional_number("seed", &self.seed));
        let variants = errors.take(optional_number("variants", &self.variants));
        let fps = errors.take(optional_number("fps", &self.fps));
        let image = TaskKind::parse(&self.kind).is_ok_and(|k| k == TaskKind::Image) || self.kind.trim().is_empty();
        let duration =
            if image { Some(None) } else { errors.take(optional_number("duration_secs", &self.duration_secs)) };
        let (Some(seed), Some(variants), Some(fps), Some(duration)) = (seed, variants, fps, duration) else {
            return Err(errors);
        };
        let chosen = |text: &str| Some(text.trim().to_owned()).filter(|t| !t.is_empty());
        let request = SubmitRequest {
            kind: chosen(&self.kind).unwrap_or_else(|| TaskKind::Image.as_str().into()),
            prompt: self.prompt.clone(),
            negative_prompt: Some(self.negative_prompt.clone()).filter(|s| !s.trim().is_empty()),
            size: if image { chosen(&self.size) } else { None },
            style: if image { chosen(&self.style) } else { None },
            seed,
            duration_secs: duration,
            resolution: if image { None } else { chosen(&self.resolution) },
            fps: if image { None } else { fps },
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

    /// The form with `fields` as posted, the others left out.
    fn form(fields: &[(&str, &str)]) -> ComposeForm {
        let mut form = ComposeForm::default();
        for (name, value) in fields {
            let field = match *name {
                "kind" => &mut form.kind,
                "prompt" => &mut form.prompt,
                "size" => &mut form.size,
                "seed" => &mut form.seed,
                "duration_secs" => &mut form.duration_secs,
                "fps" => &mut form.fps,
                "variants" => &mut form.variants,
                other => panic!("no field {other} in these tests"),
            };
            *field = (*value).to_owned();
        }
        form
    }

    #[test]
    fn a_posted_form_is_the_request_the_page_would_send() {
        let posted =
            form(&[("kind", "image"), ("prompt", "a kite"), ("size", "512x512"), ("seed", ""), ("variants", "2")]);
        let request = posted.to_request().unwrap();
        assert_eq!(
            (request.prompt.as_str(), request.size.as_deref(), request.variants),
            ("a kite", Some("512x512"), Some(2))
        );
        assert_eq!((request.seed, request.fps, request.duration_secs), (None, None, None));
        // Only what a browser sends: no kind means an image, every option its default.
        assert_eq!(form(&[("prompt", "a kite")]).to_request().unwrap().kind, "image");
    }

    #[test]
    fn typed_text_is_checked_field_by_field() {
        let errors = form(&[("kind", "video"), ("prompt", ""), ("duration_secs", "five"), ("fps", "24")])
            .to_request()
            .unwrap_err();
        assert_eq!(errors.for_field("duration_secs").unwrap().code, "not_a_number");
        let errors = form(&[("kind", "video"), ("prompt", ""), ("duration_secs", "5")]).to_request().unwrap_err();
        assert_eq!(errors.for_field("prompt").unwrap().code, "prompt_empty");
    }
}
