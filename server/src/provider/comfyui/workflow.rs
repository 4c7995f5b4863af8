//! ComfyUI workflows in API format, with placeholders: a string value that is exactly
//! `"{{name}}"` becomes the value itself (a number stays a number); a placeholder inside
//! a longer string is replaced as text, in one pass over the template. A video model's
//! frame count and size are rounded as the model needs (known by its latent node); the
//! result's real size and duration are read from the file it makes.

use crate::config::ConfigError;
use app::domain::{StylePreset, TaskParams};
use serde_json::Value;

/// The workflow file at `path`, checked: JSON, an object of nodes, with `"{{prompt}}"`.
pub fn load(path: &str) -> Result<Value, ConfigError> {
    let invalid = |message: String| ConfigError::Invalid { origin: format!("ComfyUI workflow {path}"), message };
    let text = std::fs::read_to_string(path).map_err(|e| invalid(e.to_string()))?;
    let workflow: Value = serde_json::from_str(&text).map_err(|e| invalid(format!("not JSON: {e}")))?;
    if !workflow.is_object() {
        return Err(invalid("not a workflow in API format (an object of nodes)".into()));
    }
    if !text.contains("{{prompt}}") {
        return Err(invalid("it has no \"{{prompt}}\" placeholder for the prompt".into()));
    }
    Ok(workflow)
}

/// The workflow with its placeholders filled in for `params`.
pub fn filled(workflow: &Value, params: &TaskParams) -> Value {
    let values = values(params, Needs::of(workflow));
    let mut filled = workflow.clone();
    fill(&mut filled, &values);
    filled
}

fn fill(value: &mut Value, values: &[(&str, Value)]) {
    match value {
        Value::String(text) => {
            let whole = text.strip_prefix("{{").and_then(|t| t.strip_suffix("}}"));
            match whole.and_then(|name| values.iter().find(|(n, _)| *n == name)) {
                Some((_, with)) => *value = with.clone(),
                None => *text = fill_text(text, values),
            }
        }
        Value::Array(items) => items.iter_mut().for_each(|v| fill(v, values)),
        Value::Object(fields) => fields.values_mut().for_each(|v| fill(v, values)),
        _ => {}
    }
}

/// `template` with each known `{{name}}` replaced, in one pass: what is put in (the
/// user's prompt) is never read again for placeholders, and each `{{` is compared with the
/// few names only (not searched for its `}}`, which read the rest again for every `{{`).
fn fill_text(template: &str, values: &[(&str, Value)]) -> String {
    let mut filled = String::with_capacity(template.len());
    let mut rest = template;
    while let Some(open) = rest.find("{{") {
        filled.push_str(&rest[..open]);
        let after = &rest[open + 2..];
        let known = values.iter().find(|(name, _)| after.strip_prefix(name).is_some_and(|t| t.starts_with("}}")));
        match known {
            Some((name, with)) => {
                filled.push_str(&with.as_str().map_or_else(|| with.to_string(), str::to_owned));
                rest = &after[name.len() + 2..];
            }
            None => {
                filled.push_str("{{");
                rest = after;
            }
        }
    }
    filled.push_str(rest);
    filled
}

/// What a video model needs of its frame count and size, known by its latent node:
/// LTX-Video 8k+1 frames and sides divisible by 32; HunyuanVideo and Wan 4k+1 and 16.
#[derive(Debug, Clone, Copy, PartialEq)]
struct Needs {
    frames_step: u32,
    side_step: u32,
}

const MODEL_NEEDS: &[(&str, Needs)] = &[
    ("EmptyLTXVLatentVideo", Needs { frames_step: 8, side_step: 32 }),
    ("EmptyHunyuanLatentVideo", Needs { frames_step: 4, side_step: 16 }),
];

impl Needs {
    fn of(workflow: &Value) -> Self {
        let classes = workflow.as_object().into_iter().flatten().filter_map(|(_, node)| node["class_type"].as_str());
        let known = classes.filter_map(|class| MODEL_NEEDS.iter().find(|(c, _)| *c == class)).next();
        known.map_or(Needs { frames_step: 1, side_step: 1 }, |(_, needs)| *needs)
    }

    /// The nearest count of the form `step`·k + 1 (at least `step` + 1).
    fn frames(self, asked: u32) -> u32 {
        let step = self.frames_step;
        if step == 1 {
            return asked;
        }
        (asked.saturating_sub(1) + step / 2) / step * step + 1
    }

    /// The nearest multiple of the step (a tie rounds down).
    fn side(self, asked: u32) -> u32 {
        let step = self.side_step;
        ((asked + (step - 1) / 2) / step * step).max(step)
    }
}

/// The words a style preset adds to a prompt (`{{style}}`; none for video).
fn style_words(style: StylePreset) -> &'static str {
    match style {
        StylePreset::None => "",
        StylePreset::Photographic => "photograph, realistic, natural light",
        StylePreset::Illustration => "digital illustration",
        StylePreset::Anime => "anime style",
        StylePreset::Watercolor => "watercolor painting",
        StylePreset::PixelArt => "pixel art",
    }
}

/// What the placeholders become for these parameters.
fn values(params: &TaskParams, needs: Needs) -> Vec<(&'static str, Value)> {
    let mut values = vec![
        ("prompt", params.prompt().into()),
        ("negative_prompt", params.negative_prompt().unwrap_or_default().into()),
        ("seed", params.seed().unwrap_or(0).into()),
    ];
    let (width, height) = match params {
        TaskParams::Image(p) => {
            values.push(("style", style_words(p.style).into()));
            p.size.dimensions()
        }
        TaskParams::Video(p) => {
            let (fps, secs) = (p.fps.per_second(), u32::from(p.duration_secs.secs()));
            values.extend([
                ("style", "".into()),
                ("frames", needs.frames(fps * secs).into()),
                ("fps", fps.into()),
                ("duration", secs.into()),
            ]);
            let (width, height) = p.resolution.dimensions();
            (needs.side(width), needs.side(height))
        }
    };
    values.extend([("width", width.into()), ("height", height.into())]);
    values
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn placeholders_become_values_or_text() {
        let workflow = json!({
            "3": { "class_type": "KSampler", "inputs": { "seed": "{{seed}}", "steps": 20 } },
            "5": { "class_type": "EmptyLatentImage", "inputs": { "width": "{{width}}", "height": "{{height}}" } },
            "6": { "class_type": "CLIPTextEncode", "inputs": { "text": "{{prompt}}, masterpiece" } },
            "7": { "class_type": "CLIPTextEncode", "inputs": { "text": "{{negative_prompt}}" } },
        });
        let params: TaskParams = serde_json::from_value(json!({
            "kind": "image", "prompt": "a red kite", "size": "1536x1024", "style": "none", "seed": 42
        }))
        .unwrap();
        let filled = filled(&workflow, &params);
        assert_eq!(filled["3"]["inputs"]["seed"], 42);
        assert_eq!(
            (filled["5"]["inputs"]["width"].clone(), filled["5"]["inputs"]["height"].clone()),
            (json!(1536), json!(1024))
        );
        assert_eq!(filled["6"]["inputs"]["text"], "a red kite, masterpiece");
        assert_eq!(filled["7"]["inputs"]["text"], "");
        assert_eq!(filled["3"]["inputs"]["steps"], 20, "the rest is kept");
    }

    #[test]
    fn what_the_user_typed_is_never_read_for_placeholders() {
        let workflow = json!({ "6": { "inputs": { "text": "{{prompt}}, {{style}}; {{unknown}} {{" } } });
        let params: TaskParams = serde_json::from_value(json!({
            "kind": "image", "prompt": "a {{seed}} of {{negative_prompt}}", "negative_prompt": "blurry",
            "size": "512x512", "style": "watercolor", "seed": 42
        }))
        .unwrap();
        let text = &filled(&workflow, &params)["6"]["inputs"]["text"];
        assert_eq!(text, "a {{seed}} of {{negative_prompt}}, watercolor painting; {{unknown}} {{");
        let workflow = json!({ "6": { "inputs": { "text": "{{{{prompt}}}} {{prompt {{seed}}}}" } } });
        let text = &filled(&workflow, &params)["6"]["inputs"]["text"];
        assert_eq!(text, "{{a {{seed}} of {{negative_prompt}}}} {{prompt 42}}", "braces around a placeholder stay");
    }

    #[test]
    fn ltx_video_gets_8k_plus_1_frames_and_sides_divisible_by_32() {
        let workflow: Value = serde_json::from_str(include_str!("../../../../comfyui/video-workflow.json")).unwrap();
        let video = |fps: u32, secs: u32, resolution: &str| {
            let params: TaskParams = serde_json::from_value(json!({
                "kind": "video", "prompt": "a kite", "duration_secs": secs, "resolution": resolution, "fps": fps,
                "seed": 1
            }))
            .unwrap();
            let latent = filled(&workflow, &params)["70"]["inputs"].clone();
            (latent["length"].as_u64().unwrap(), latent["width"].as_u64().unwrap(), latent["height"].as_u64().unwrap())
        };
        assert_eq!(video(24, 5, "720p"), (121, 1280, 704));
        assert_eq!(video(12, 2, "480p"), (25, 864, 480));
        let plain = json!({ "1": { "class_type": "EmptyLatentImage", "inputs": { "length": "{{frames}}", "width": "{{width}}" } } });
        let params: TaskParams = serde_json::from_value(json!({
            "kind": "video", "prompt": "a kite", "duration_secs": 2, "resolution": "480p", "fps": 12, "seed": 1
        }))
        .unwrap();
        let inputs = &filled(&plain, &params)["1"]["inputs"];
        assert_eq!(
            (inputs["length"].clone(), inputs["width"].clone()),
            (json!(24), json!(854)),
            "other models as asked"
        );
    }

    #[test]
    fn the_shipped_workflows_load_and_a_broken_one_is_named() {
        for path in ["../comfyui/image-workflow.json", "../comfyui/video-workflow.json"] {
            assert!(load(path).is_ok(), "{path}");
        }
        let err = load("../comfyui/missing.json").unwrap_err().to_string();
        assert!(err.contains("ComfyUI workflow ../comfyui/missing.json"), "{err}");
        let err = load("../Cargo.toml").unwrap_err().to_string();
        assert!(err.contains("not JSON"), "{err}");
    }
}
