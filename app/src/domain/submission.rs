//! A submission: the loosely typed request a client sends, its validation into
//! [`Submission`], and its expansion into one task per prompt (its lines and
//! alternatives, `batch/`) and variant.

use super::task::{folded, sha256_hex};
use super::{
    batch, FieldError, Fps, ImageParams, ImageSize, NegativePrompt, Prompt, Resolution, StylePreset, TaskKind,
    TaskParams, TaskView, ValidationErrors, Variant, VideoDuration, VideoParams,
};
use serde::{Deserialize, Serialize};

/// What `POST /api/submit_task` accepts. Every field is optional on the wire so that a
/// missing or mistyped value is reported against its field instead of as unreadable JSON;
/// fields that do not apply to the kind are refused rather than silently dropped.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct SubmitRequest {
    /// `image` or `video`.
    pub kind: String,
    /// One prompt, or a batch of them: lines and `{a|b}` alternatives (`batch/`).
    pub prompt: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub negative_prompt: Option<String>,
    /// Image only: one of [`ImageSize::ALL`], default `1024x1024`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub size: Option<String>,
    /// Image only: one of [`StylePreset::ALL`], default `none`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub style: Option<String>,
    /// 0 to 4294967295; omitted means the generator picks one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub seed: Option<i64>,
    /// Video only: 2 to 10, default 5.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub duration_secs: Option<i64>,
    /// Video only: `480p` or `720p`, default `720p`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub resolution: Option<String>,
    /// Video only: 12 or 24, default 24.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub fps: Option<i64>,
    /// 1 to 10 tasks with distinct seeds, default 1.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub variants: Option<i64>,
    /// A client-chosen key (1 to 128 visible characters) that makes resending the same
    /// submission safe: a second request with the key returns the first one's tasks.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub idempotency_key: Option<String>,
}

/// How many tasks one submission creates: 1 to 10.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Variants(u32);

impl Variants {
    pub const MAX: i64 = 10;

    pub fn parse(n: i64) -> Result<Self, FieldError> {
        if (1..=Self::MAX).contains(&n) {
            Ok(Self(n as u32))
        } else {
            Err(FieldError::new(
                "variants",
                "variants_out_of_range",
                format!("Variants must be 1 to {}; got {n}.", Self::MAX),
            ))
        }
    }

    pub fn get(self) -> u32 {
        self.0
    }
}

/// A request that passed validation: the prompts its text makes (`batch/`), one task each
/// per variant, and the settings they share (`params`, which hold the first prompt).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Submission {
    pub params: TaskParams,
    pub prompts: Vec<Prompt>,
    pub variants: Variants,
    pub idempotency_key: Option<String>,
}

/// What `POST /api/submit_task` returns: the tasks of the submission, one per variant.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SubmitResponse {
    pub tasks: Vec<TaskView>,
    /// True when these tasks came from an earlier identical submission (inside the dedup
    /// window, or with the same idempotency key) instead of being created now.
    pub deduplicated: bool,
}

const MAX_KEY_CHARS: usize = 128;

fn parse_key(key: &str) -> Result<String, FieldError> {
    let chars = key.chars().count();
    if chars == 0 || chars > MAX_KEY_CHARS || key.chars().any(|c| c.is_control() || c.is_whitespace()) {
        return Err(FieldError::new(
            "idempotency_key",
            "idempotency_key_invalid",
            format!("An idempotency key is 1 to {MAX_KEY_CHARS} visible characters without spaces."),
        ));
    }
    Ok(key.to_owned())
}

impl SubmitRequest {
    /// The request that makes a task with `params` again, its seed included ("Use these
    /// settings").
    pub fn repeating(params: &TaskParams) -> Self {
        let (size, style, duration_secs, resolution, fps) = match params {
            TaskParams::Image(p) => (Some(p.size.as_str().into()), Some(p.style.as_str().into()), None, None, None),
            TaskParams::Video(p) => (
                None,
                None,
                Some(i64::from(p.duration_secs.secs())),
                Some(p.resolution.as_str().into()),
                Some(i64::from(p.fps.per_second())),
            ),
        };
        Self {
            kind: params.kind().as_str().into(),
            prompt: params.prompt().into(),
            negative_prompt: params.negative_prompt().map(str::to_owned),
            size,
            style,
            seed: params.seed().map(i64::from),
            duration_secs,
            resolution,
            fps,
            variants: None,
            idempotency_key: None,
        }
    }

    /// Checks every field and reports all problems at once.
    pub fn validate(&self) -> Result<Submission, ValidationErrors> {
        let mut errors = ValidationErrors::default();
        let kind = errors.take(if self.kind.trim().is_empty() {
            Err(FieldError::new("kind", "kind_missing", "Choose a task kind: image or video."))
        } else {
            TaskKind::parse(&self.kind)
        });
        let prompts = errors.take(prompts_of(&self.prompt));
        let prompt = prompts.as_ref().and_then(|p| p.first().cloned());
        let negative_prompt = errors.take(NegativePrompt::parse(self.negative_prompt.as_deref().unwrap_or("")));
        let seed = errors.take(self.seed.map(parse_seed).transpose());
        let variants = errors.take(Variants::parse(self.variants.unwrap_or(1)));
        let idempotency_key = errors.take(self.idempotency_key.as_deref().map(parse_key).transpose());
        let rest = match kind {
            Some(kind) => self.kind_specific(kind, &mut errors),
            None => None,
        };
        if let (Some(prompts), Some(variants)) = (&prompts, variants) {
            let tasks = prompts.len().saturating_mul(variants.get() as usize);
            if tasks > MAX_TASKS {
                errors.0.push(FieldError::new(
                    "prompt",
                    "batch_too_large",
                    format!(
                        "This makes {tasks} tasks ({} prompts × {} variants); at most {MAX_TASKS} at once.",
                        prompts.len(),
                        variants.get()
                    ),
                ));
            }
        }
        match (prompt, prompts, negative_prompt, seed, variants, idempotency_key, rest) {
            (
                Some(prompt),
                Some(prompts),
                Some(negative_prompt),
                Some(seed),
                Some(variants),
                Some(idempotency_key),
                Some(rest),
            ) if errors.is_empty() => {
                let params = match rest {
                    KindSpecific::Image { size, style } => {
                        TaskParams::Image(ImageParams { prompt, negative_prompt, size, style, seed })
                    }
                    KindSpecific::Video { duration_secs, resolution, fps } => {
                        TaskParams::Video(VideoParams { prompt, negative_prompt, duration_secs, resolution, fps, seed })
                    }
                };
                Ok(Submission { params, prompts, variants, idempotency_key })
            }
            _ => Err(errors),
        }
    }

    fn kind_specific(&self, kind: TaskKind, errors: &mut ValidationErrors) -> Option<KindSpecific> {
        let (own, foreign) = match kind {
            TaskKind::Image => (
                errors
                    .take(self.size.as_deref().map(ImageSize::parse).transpose())
                    .zip(errors.take(self.style.as_deref().map(StylePreset::parse).transpose()))
                    .map(|(size, style)| KindSpecific::Image {
                        size: size.unwrap_or_default(),
                        style: style.unwrap_or_default(),
                    }),
                vec![
                    ("duration_secs", self.duration_secs.is_some()),
                    ("resolution", self.resolution.is_some()),
                    ("fps", self.fps.is_some()),
                ],
            ),
            TaskKind::Video => {
                let duration = errors.take(self.duration_secs.map(VideoDuration::parse).transpose());
                let resolution = errors.take(self.resolution.as_deref().map(Resolution::parse).transpose());
                let fps = errors.take(self.fps.map(Fps::from_number).transpose());
                (
                    duration.zip(resolution).zip(fps).map(|((d, r), f)| KindSpecific::Video {
                        duration_secs: d.unwrap_or_default(),
                        resolution: r.unwrap_or_default(),
                        fps: f.unwrap_or_default(),
                    }),
                    vec![("size", self.size.is_some()), ("style", self.style.is_some())],
                )
            }
        };
        for (field, present) in foreign {
            if present {
                errors.0.push(FieldError::new(
                    field,
                    "field_not_applicable",
                    format!("\"{field}\" does not apply to {} tasks.", kind.as_str()),
                ));
            }
        }
        own
    }
}

enum KindSpecific {
    Image { size: ImageSize, style: StylePreset },
    Video { duration_secs: VideoDuration, resolution: Resolution, fps: Fps },
}

/// The most tasks one submission makes (prompts × variants).
pub const MAX_TASKS: usize = batch::MAX_PROMPTS;

/// The prompts the text makes (at least one), each a valid prompt.
fn prompts_of(text: &str) -> Result<Vec<Prompt>, FieldError> {
    let prompts = batch::prompts(text)?.iter().map(|p| Prompt::parse(p)).collect::<Result<Vec<_>, _>>()?;
    if prompts.is_empty() {
        return Prompt::parse("").map(|p| vec![p]);
    }
    Ok(prompts)
}

fn parse_seed(seed: i64) -> Result<u32, FieldError> {
    u32::try_from(seed).map_err(|_| {
        FieldError::new("seed", "seed_out_of_range", format!("Seed must be 0 to {}; got {seed}.", u32::MAX))
    })
}

impl Submission {
    /// How many tasks it makes: one per prompt and variant.
    pub fn task_count(&self) -> u64 {
        self.prompts.len() as u64 * u64::from(self.variants.get())
    }

    /// What two submissions must share to be the same request: the normalised parameters,
    /// the prompts made (whitespace folded: the same tasks, however the text wrote them)
    /// and the number of variants.
    pub fn fingerprint(&self) -> String {
        let mut salt = format!("x{}", self.variants.get());
        for prompt in &self.prompts {
            salt.push('\n');
            salt.push_str(&folded(prompt.as_str()));
        }
        self.params.fingerprint(&salt)
    }

    /// One task per prompt and variant, each with the seed it is made with: the requested
    /// seed, or `random_seed` when none was given, counting up across the variants (so a
    /// blank seed is random, recorded, and repeatable; each prompt's variant k has the same
    /// seed, so prompts compare like for like). Each fingerprint covers the request as
    /// submitted (before any seed is picked) plus the task's position, so the same request
    /// sent twice matches itself task by task while its tasks never match each other.
    pub fn expand(&self, random_seed: u32) -> Vec<NewTask> {
        let (n, request) = (self.variants.get(), self.fingerprint());
        let mut made = Vec::with_capacity(self.prompts.len() * n as usize);
        for (p, prompt) in self.prompts.iter().enumerate() {
            for i in 0..n {
                let mut params = self.params.clone();
                *params.prompt_mut() = prompt.clone();
                *params.seed_mut() = Some(params.seed().unwrap_or(random_seed).wrapping_add(i));
                let fingerprint = sha256_hex(&format!("{request}\n{p}:{i}"));
                made.push(NewTask { params, fingerprint, variant: Variant { number: i + 1, of: n } });
            }
        }
        made
    }
}

/// One task a submission makes: its parameters (its own prompt and seed), its fingerprint
/// and which variant of its prompt it is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewTask {
    pub params: TaskParams,
    pub fingerprint: String,
    pub variant: Variant,
}

#[cfg(test)]
mod tests;
