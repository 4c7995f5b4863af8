//! Whether a ComfyUI can run the workflow, from its `/object_info`: every node class must
//! be there, and every fixed choice the workflow makes at a list input (a checkpoint, a
//! text encoder, a sampler) must be among the options offered there. (What is wrong with
//! the workflow itself, wherever it runs, is refused as it is loaded: `workflow.rs`.)

use serde_json::Value;

/// Options named in a message, at most.
const OPTIONS_SHOWN: usize = 5;

/// What keeps the workflow from running at this ComfyUI, a line each (none: it can run).
pub fn problems(workflow: &Value, object_info: &Value) -> Vec<String> {
    let nodes = workflow.as_object().map(super::workflow::sorted).unwrap_or_default();
    let mut problems = Vec::new();
    for (id, node) in nodes {
        let class = node["class_type"].as_str().unwrap_or_default();
        let Some(info) = object_info.get(class) else {
            problems.push(format!(
                "node {id}: ComfyUI has no node {class} (a custom node not installed, or a newer ComfyUI)"
            ));
            continue;
        };
        let inputs = node["inputs"].as_object().into_iter().flatten();
        for (name, value) in inputs {
            let Some(chosen) = value.as_str().filter(|v| !v.contains("{{")) else { continue };
            let Some(options) = options(info, name) else { continue };
            if !options.contains(&chosen) {
                let shown: Vec<&str> = options.iter().take(OPTIONS_SHOWN).copied().collect();
                let more = options.len().saturating_sub(OPTIONS_SHOWN);
                let offered = match (shown.is_empty(), more) {
                    (true, _) => "it offers none".to_owned(),
                    (false, 0) => format!("it offers {}", shown.join(", ")),
                    (false, more) => format!("it offers {} and {more} more", shown.join(", ")),
                };
                problems.push(format!("node {id} ({class}): ComfyUI has no {name} '{chosen}' ({offered})"));
            }
        }
    }
    problems
}

/// The options of a list input: `[[...], {...}]`, or `["COMBO", {"options": [...]}]`.
fn options<'a>(info: &'a Value, input: &str) -> Option<Vec<&'a str>> {
    let spec = ["required", "optional"].iter().map(|group| &info["input"][group][input]).find(|s| !s.is_null())?;
    let list = match &spec[0] {
        Value::Array(list) => list,
        Value::String(kind) if kind == "COMBO" => spec[1]["options"].as_array()?,
        _ => return None,
    };
    Some(list.iter().filter_map(Value::as_str).collect())
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn missing_classes_and_files_are_named() {
        let workflow = json!({
            "4": { "class_type": "CheckpointLoaderSimple", "inputs": { "ckpt_name": "sd_xl.safetensors" } },
            "38": { "class_type": "CLIPLoader", "inputs": { "clip_name": "t5xxl.safetensors", "type": "ltxv" } },
            "6": { "class_type": "CLIPTextEncode", "inputs": { "text": "{{prompt}}", "clip": ["38", 0] } },
            "70": { "class_type": "EmptyLTXVLatentVideo", "inputs": { "length": "{{frames}}" } },
        });
        let files: Vec<String> = (0..7).map(|n| format!("model-{n}.safetensors")).collect();
        let info = json!({
            "CheckpointLoaderSimple": { "input": { "required": { "ckpt_name": [files, {}] } } },
            "CLIPLoader": { "input": { "required": {
                "clip_name": ["COMBO", { "options": ["t5xxl.safetensors"] }],
                "type": [["stable_diffusion"], {}],
            } } },
            "CLIPTextEncode": { "input": { "required": { "text": ["STRING", { "multiline": true }] } } },
        });
        assert_eq!(
            problems(&workflow, &info),
            [
                "node 4 (CheckpointLoaderSimple): ComfyUI has no ckpt_name 'sd_xl.safetensors' (it offers \
                 model-0.safetensors, model-1.safetensors, model-2.safetensors, model-3.safetensors, \
                 model-4.safetensors and 2 more)",
                "node 38 (CLIPLoader): ComfyUI has no type 'ltxv' (it offers stable_diffusion)",
                "node 70: ComfyUI has no node EmptyLTXVLatentVideo (a custom node not installed, or a newer ComfyUI)",
            ]
        );
    }
}
