//! ComfyUI workflows in API format, with placeholders: a string value that is exactly
//! `"{{name}}"` becomes the value itself (a number stays a number); a placeholder inside
//! a longer string is replaced as text.

use crate::config::ConfigError;
use app::domain::TaskParams;
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
    let values = values(params);
    let mut filled = workflow.clone();
    fill(&mut filled, &values);
    filled
}

fn fill(value: &mut Value, values: &[(&str, Value)]) {
    match value {
        Value::String(text) => {
            for (name, with) in values {
                let placeholder = format!("{{{{{name}}}}}");
                if *text == placeholder {
                    *value = with.clone();
                    return;
                }
                if text.contains(&placeholder) {
                    let as_text = with.as_str().map_or_else(|| with.to_string(), str::to_owned);
                    *text = text.replace(&placeholder, &as_text);
                }
            }
        }
        Value::Array(items) => items.iter_mut().for_each(|v| fill(v, values)),
        Value::Object(fields) => fields.values_mut().for_each(|v| fill(v, values)),
        _ => {}
    }
}

/// What the placeholders become for these parameters.
fn values(params: &TaskParams) -> Vec<(&'static str, Value)> {
    let mut values = vec![
        ("prompt", params.prompt().into()),
        ("negative_prompt", params.negative_prompt().unwrap_or_default().into()),
        ("seed", params.seed().unwrap_or(0).into()),
    ];
    let (width, height) = match params {
        TaskParams::Image(p) => p.size.dimensions(),
        TaskParams::Video(p) => {
            let (fps, secs) = (p.fps.per_second(), u32::from(p.duration_secs.secs()));
            values.extend([("frames", (fps * secs).into()), ("fps", fps.into()), ("duration", secs.into())]);
            p.resolution.dimensions()
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
