//! The embedded generator's videos: the prompt's composition (as for a picture, with
//! the seed) rendered a quarter larger than the frame, then a camera that glides across
//! it (its path from the same hash) makes the frames, which the `clip` crate encodes as
//! AV1 in MP4 at the requested length, size and frame rate. The first frame is the
//! poster. Progress: the composition is the first fifth, encoding the rest.

use super::picture::{png_of, Canvas};
use super::Output;
use app::domain::VideoParams;
use std::sync::atomic::AtomicBool;

/// The clip `params` ask for.
pub fn clip(params: &VideoParams, stop: &AtomicBool, progress: &dyn Fn(u8)) -> Result<Output, String> {
    let (width, height) = params.resolution.dimensions();
    let fps = params.fps.per_second();
    let count = fps * u32::from(params.duration_secs.secs());
    let seed = params.seed.unwrap_or(0);
    let (scene_w, scene_h) = (width * 5 / 4, height * 5 / 4);
    let scene =
        Canvas::compose(params.prompt.as_str(), "video", seed, scene_w, scene_h).render(stop, &|p| progress(p / 5));
    let (dx, dy) = ((scene_w - width) as usize, (scene_h - height) as usize);
    // Left to right or back, as the seed says; down and up once, on a sine.
    let forward = seed.is_multiple_of(2);
    let frame = |i: u32| {
        let t = f64::from(i) / f64::from(count.max(2) - 1);
        let x = (if forward { t } else { 1.0 - t } * dx as f64).round() as usize;
        let y = ((0.5 - 0.5 * (t * std::f64::consts::TAU).cos()) * dy as f64).round() as usize;
        let mut rgb = Vec::with_capacity(width as usize * height as usize * 3);
        for row in y..y + height as usize {
            let start = (row * scene_w as usize + x) * 3;
            rgb.extend_from_slice(&scene.pixels[start..start + width as usize * 3]);
        }
        rgb
    };
    let poster = png_of(width, height, &frame(0)).map_err(|e| format!("encoding the poster: {e}"))?;
    let report = |done: usize| progress((20 + done * 79 / count as usize) as u8);
    let mp4 = clip::encode(width, height, fps, (0..count).map(frame), stop, report).map_err(|e| e.to_string())?;
    Ok(Output {
        media_type: "video/mp4".into(),
        bytes: mp4,
        width: Some(width),
        height: Some(height),
        duration_ms: Some(u32::from(params.duration_secs.secs()) * 1000),
        poster: Some(poster),
    })
}
