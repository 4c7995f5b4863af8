//! ComfyUI workflows in API format, with placeholders: a string value that is exactly
//! `"{{name}}"` becomes the value itself (a number stays a number); a placeholder inside
//! a longer string is replaced as text, in one pass over the template, and one that comes
//! out empty (`{{style}}` for *none*) takes a separator beside it along (no dangling
//! ", "). A video model's frame count and size are rounded as the model needs (known by
//! its latent node); the result's real size and duration are read from the file it makes.
//! A workflow is checked as it is loaded: the API format ("Export (API)"), not the UI's,
//! and no output node that saves what Atelier cannot take.

use crate::config::ConfigError;
use app::domain::{StylePreset, TaskParams};
use serde_json::Value;

/// Output nodes whose files are no result a page can show as an image or play as a video.
const UNSUPPORTED_OUTPUTS: &[&str] = &["SaveAnimatedWEBP", "SaveAnimatedPNG"];

/// Said wherever a workflow is not in the API format.
const EXPORT_API: &str = "in ComfyUI, export it with Export (API)";

/// The workflow file at `path`, checked: JSON in API format (an object of nodes, each
/// with its `class_type`), with `"{{prompt}}"`, saving nothing Atelier cannot take.
pub fn load(path: &str) -> Result<Value, ConfigError> {
    let invalid = |message: String| ConfigError::Invalid { origin: format!("ComfyUI workflow {path}"), message };
    let text = std::fs::read_to_string(path).map_err(|e| invalid(e.to_string()))?;
    let workflow: Value = serde_json::from_str(&text).map_err(|e| invalid(format!("not JSON: {e}")))?;
    check(&workflow).map_err(invalid)?;
    if !text.contains("{{prompt}}") {
        return Err(invalid("it has no \"{{prompt}}\" placeholder for the prompt".into()));
    }
    Ok(workflow)
}

/// Why `workflow` is no API-format workflow Atelier can run, if it is not.
fn check(workflow: &Value) -> Result<(), String> {
    let Some(nodes) = workflow.as_object() else {
        return Err(format!("not a workflow in API format (an object of nodes): {EXPORT_API}"));
    };
    if nodes.get("nodes").is_some_and(Value::is_array) && nodes.contains_key("links") {
        return Err(format!(
            "a workflow saved in ComfyUI's UI format (its \"nodes\" and \"links\"), which ComfyUI's API does not \
             take: {EXPORT_API}"
        ));
    }
    for (id, node) in sorted(nodes) {
        let Some(class) = node["class_type"].as_str() else {
            return Err(format!("node {id} has no class_type: not a workflow in API format; {EXPORT_API}"));
        };
        if UNSUPPORTED_OUTPUTS.contains(&class) {
            return Err(format!(
                "node {id}: {class} saves animated pictures, which Atelier cannot take (save with SaveVideo or SaveWEBM)"
            ));
        }
    }
    Ok(())
}

/// The nodes in the order of their ids (numbers by value, then the others).
pub(super) fn sorted(nodes: &serde_json::Map<String, Value>) -> Vec<(&String, &Value)> {
    let mut nodes: Vec<(&String, &Value)> = nodes.iter().collect();
    nodes.sort_by_key(|(id, _)| (id.parse::<u64>().unwrap_or(u64::MAX), *id));
    nodes
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
/// A placeholder that comes out empty takes the template's separator before it along
/// (else the one after it), so that nothing dangles: `"{{prompt}}, {{style}}"` with no
/// style is the prompt alone. Only the template's own text is trimmed, never a value.
fn fill_text(template: &str, values: &[(&str, Value)]) -> String {
    let mut filled = String::with_capacity(template.len());
    let mut rest = template;
    // Where the template's text since the last value begins in `filled`.
    let mut literal = 0;
    while let Some(open) = rest.find("{{") {
        filled.push_str(&rest[..open]);
        let after = &rest[open + 2..];
        let known = values.iter().find(|(name, _)| after.strip_prefix(name).is_some_and(|t| t.starts_with("}}")));
        match known {
            Some((name, with)) => {
                let with = with.as_str().map_or_else(|| with.to_string(), str::to_owned);
                rest = &after[name.len() + 2..];
                if with.is_empty() {
                    // Where the separator before it begins, and whether one follows.
                    let before = literal + filled[literal..].trim_end_matches(is_separator).len();
                    let after = rest.starts_with(is_separator);
                    if before < filled.len() && (after || rest.is_empty()) {
                        filled.truncate(before);
                    } else if after && before == 0 {
                        rest = rest.trim_start_matches(is_separator);
                    }
                }
                filled.push_str(&with);
                literal = filled.len();
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

/// What separates the parts of a prompt in a template: commas, semicolons, bars, spaces.
fn is_separator(c: char) -> bool {
    matches!(c, ',' | ';' | '|') || c.is_whitespace()
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
    fn an_empty_placeholder_leaves_no_separator_dangling() {
        let text = |template: &str, style: &str| {
            let workflow = json!({ "6": { "inputs": { "text": template } } });
            let params: TaskParams = serde_json::from_value(json!({
                "kind": "image", "prompt": "a kite,", "size": "512x512", "style": style, "seed": 1
            }))
            .unwrap();
            filled(&workflow, &params)["6"]["inputs"]["text"].as_str().unwrap().to_owned()
        };
        assert_eq!(text("{{prompt}}, {{style}}", "none"), "a kite,", "the shipped workflow; the prompt kept as typed");
        assert_eq!(text("{{prompt}}, {{style}}", "anime"), "a kite,, anime style");
        assert_eq!(text("{{style}}, {{prompt}}", "none"), "a kite,");
        assert_eq!(text("{{prompt}}, {{style}}, masterpiece", "none"), "a kite,, masterpiece");
        assert_eq!(text("best | {{style}} | {{prompt}}", "none"), "best | a kite,");
        assert_eq!(text("in {{style}}style", "none"), "in style", "no separator after: the one before stays");
        assert_eq!(text("{{style}}", "none"), "");
    }

    #[test]
    fn a_workflow_in_the_ui_format_or_saving_animated_pictures_is_refused() {
        let shipped: Value = serde_json::from_str(include_str!("../../../../comfyui/image-workflow.json")).unwrap();
        assert_eq!(check(&shipped), Ok(()));
        let ui = json!({
            "last_node_id": 9, "last_link_id": 9, "version": 0.4,
            "nodes": [{ "id": 6, "type": "CLIPTextEncode", "widgets_values": ["{{prompt}}"] }],
            "links": [[1, 4, 1, 6, 0, "CLIP"]],
        });
        let why = check(&ui).unwrap_err();
        assert!(why.contains("UI format") && why.contains("export it with Export (API)"), "{why}");
        let why = check(&json!({ "3": { "inputs": {} } })).unwrap_err();
        assert!(why.contains("node 3 has no class_type") && why.contains("Export (API)"), "{why}");
        let mut animated = shipped.clone();
        animated["9"] = json!({ "class_type": "SaveAnimatedWEBP", "inputs": { "images": ["8", 0] } });
        let why = check(&animated).unwrap_err();
        assert_eq!(
            why,
            "node 9: SaveAnimatedWEBP saves animated pictures, which Atelier cannot take (save with SaveVideo or SaveWEBM)"
        );
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
