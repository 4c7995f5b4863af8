//! Which of a finished prompt's files is the result. Output nodes list their files under
//! `images` (SaveImage, and SaveVideo / SaveWEBM with `animated`), `gifs` (Video Helper
//! Suite's VHS_VideoCombine) or `videos`. A video task takes the first video file (MP4,
//! WebM, MOV) and, when the workflow also saves or previews a picture (say the first frame),
//! that picture as its poster. Animated WebP (SaveAnimatedWEBP) is not a video a page can
//! play: it is refused by name. A finished prompt without the file its task needs is the
//! workflow's mistake (a setting of the server's), not ComfyUI's: code `workflow`.

use crate::failure::{Failure, FailureKind};
use app::domain::TaskKind;
use serde::{Deserialize, Serialize};
use serde_json::Value;

/// A file ComfyUI made, as `/view` takes it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct File {
    pub filename: String,
    pub subfolder: String,
    #[serde(rename = "type")]
    pub folder: String,
}

/// The result file and its poster (`Polled::Succeeded`'s location, as JSON).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Location {
    pub file: File,
    pub poster: Option<File>,
}

const VIDEO: &[&str] = &["mp4", "webm", "mov", "mkv"];
const PICTURE: &[&str] = &["png", "jpg", "jpeg", "webp"];

/// The result of a task of `kind` among a prompt's `outputs`.
pub fn location(outputs: &Value, kind: TaskKind) -> Result<String, Failure> {
    let files: Vec<(File, bool)> = outputs
        .as_object()
        .into_iter()
        .flat_map(|nodes| nodes.values())
        .flat_map(|node| {
            let animated = node["animated"].as_array().is_some_and(|a| a.iter().any(|v| v == true));
            ["images", "gifs", "videos"]
                .into_iter()
                .filter_map(move |key| node[key].as_array())
                .flatten()
                .filter_map(move |file| Some((File::deserialize(file).ok()?, animated)))
        })
        .collect();
    let extension = |file: &File| file.filename.rsplit_once('.').map(|(_, e)| e.to_lowercase()).unwrap_or_default();
    let is = |file: &File, among: &[&str]| among.contains(&extension(file).as_str());
    let picture = |(file, animated): &&(File, bool)| !animated && is(file, PICTURE);
    let location = match kind {
        TaskKind::Image => files
            .iter()
            .filter(|(f, _)| f.folder == "output")
            .find(picture)
            .map(|(file, _)| Location { file: file.clone(), poster: None }),
        TaskKind::Video => {
            let video = files.iter().find(|(f, _)| f.folder == "output" && is(f, VIDEO));
            if video.is_none() && files.iter().any(|(f, animated)| *animated && extension(f) == "webp") {
                return Err(workflow(
                    "the workflow saves animated WebP (SaveAnimatedWEBP), which is not a video a page can play: \
                     save with SaveVideo or SaveWEBM"
                        .into(),
                ));
            }
            video.map(|(file, _)| Location {
                file: file.clone(),
                poster: files.iter().find(picture).map(|(poster, _)| poster.clone()),
            })
        }
    };
    let location = location.ok_or_else(|| {
        workflow(format!("the finished prompt has no {} output file (the workflow saves none)", kind.as_str()))
    })?;
    Ok(serde_json::to_string(&location).expect("a location is JSON"))
}

fn workflow(message: String) -> Failure {
    Failure::Permanent { kind: FailureKind::Workflow, message }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn file(name: &str, folder: &str) -> Value {
        json!({ "filename": name, "subfolder": "video", "type": folder })
    }

    fn found(outputs: Value, kind: TaskKind) -> Result<Location, String> {
        location(&outputs, kind).map(|l| serde_json::from_str(&l).unwrap()).map_err(|f| {
            assert!(matches!(f, Failure::Permanent { kind: FailureKind::Workflow, .. }), "a workflow error: {f:?}");
            f.reason().to_owned()
        })
    }

    #[test]
    fn a_video_takes_its_first_frame_as_poster_and_animated_webp_is_named() {
        let outputs = json!({
            "90": { "images": [file("frame_00001_.png", "temp")] },
            "81": { "images": [file("atelier_00001_.webm", "output")], "animated": [true] },
        });
        let found = found(outputs, TaskKind::Video).unwrap();
        assert_eq!(found.file.filename, "atelier_00001_.webm");
        assert_eq!(found.poster.map(|p| (p.filename, p.folder)), Some(("frame_00001_.png".into(), "temp".into())));

        let webp = json!({ "9": { "images": [file("atelier_00001_.webp", "output")], "animated": [true] } });
        let why = super::tests::found(webp.clone(), TaskKind::Video).unwrap_err();
        assert!(why.contains("SaveAnimatedWEBP") && why.contains("SaveWEBM"), "{why}");
        let why = super::tests::found(webp, TaskKind::Image).unwrap_err();
        assert!(why.contains("no image output file"), "an animated picture is no still: {why}");

        let vhs = json!({ "9": { "gifs": [file("atelier_00001.mp4", "output")] } });
        assert_eq!(super::tests::found(vhs, TaskKind::Video).unwrap().poster, None);
    }
}
