//! The embedded generator: works offline with no configuration. Images are PNGs at the
//! requested size whose palette, shapes and composition follow from a stable hash (FNV-1a)
//! of the prompt, the style and the seed, so the same request always gives the same bytes
//! and different prompts look visibly different. Rendering runs on a blocking thread that
//! reports progress and stops at the next row once the engine drops the future.

use super::{Health, Job, Output, Progress, Provider};
use crate::engine::{Failure, FailureKind};
use app::domain::{ImageParams, TaskKind, TaskParams};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;

pub struct Embedded;

#[async_trait::async_trait]
impl Provider for Embedded {
    fn name(&self) -> &str {
        "embedded"
    }

    fn model(&self) -> &str {
        "atelier-sketch-1"
    }

    async fn generate(&self, job: &Job, progress: Progress<'_>) -> Result<Output, Failure> {
        match &job.params {
            TaskParams::Image(params) => render_image(params.clone(), progress).await,
            TaskParams::Video(_) => {
                Err(Failure::Permanent { kind: FailureKind::Unsupported, message: NO_VIDEO.into() })
            }
        }
    }

    async fn check(&self, kind: TaskKind) -> Health {
        match kind {
            TaskKind::Image => Health::Ready("built in, offline: PNG images".into()),
            TaskKind::Video => Health::Unavailable(NO_VIDEO.into()),
        }
    }
}

const NO_VIDEO: &str =
    "The embedded generator does not make video yet; configure a video service (video-service in Leptos.toml).";

/// Sets the flag when the generating future is dropped (cancelled or timed out).
struct StopOnDrop(Arc<AtomicBool>);

impl Drop for StopOnDrop {
    fn drop(&mut self) {
        self.0.store(true, Ordering::Relaxed);
    }
}

async fn render_image(params: ImageParams, progress: Progress<'_>) -> Result<Output, Failure> {
    let stop = StopOnDrop(Arc::new(AtomicBool::new(false)));
    let (tx, mut rx) = tokio::sync::watch::channel(0u8);
    let flag = stop.0.clone();
    let mut work = tokio::task::spawn_blocking(move || Canvas::for_image(&params).render(&flag, &tx));
    let rendered = loop {
        tokio::select! {
            done = &mut work => break done,
            Ok(()) = rx.changed() => progress(*rx.borrow_and_update()),
        }
    };
    let internal = |message: String| Failure::Permanent { kind: FailureKind::Generator, message };
    let canvas = rendered.map_err(|e| internal(format!("the embedded generator stopped: {e}")))?;
    let (width, height) = (canvas.width, canvas.height);
    let bytes = canvas.encode_png().map_err(|e| internal(format!("encoding the PNG: {e}")))?;
    Ok(Output { media_type: "image/png".into(), bytes, width: Some(width), height: Some(height), duration_ms: None })
}

/// FNV-1a, 64 bits: stable across builds and platforms (unlike `DefaultHasher`).
fn fnv1a(bytes: &[u8]) -> u64 {
    bytes.iter().fold(0xcbf2_9ce4_8422_2325, |h, b| (h ^ u64::from(*b)).wrapping_mul(0x0000_0100_0000_01b3))
}

/// A small deterministic generator (SplitMix64) seeded from the hash.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }

    /// Uniform in `0.0..1.0`.
    fn unit(&mut self) -> f32 {
        (self.next() >> 40) as f32 / (1u64 << 24) as f32
    }
}

/// An HSL colour (hue in turns) as RGB.
fn hsl(h: f32, s: f32, l: f32) -> [f32; 3] {
    let a = s * l.min(1.0 - l);
    let f = |n: f32| {
        let k = (n + h * 12.0) % 12.0;
        l - a * (k - 3.0).min(9.0 - k).clamp(-1.0, 1.0)
    };
    [f(0.0), f(8.0), f(4.0)]
}

enum Shape {
    Disc { x: f32, y: f32, r: f32 },
    Ring { x: f32, y: f32, r: f32, w: f32 },
    Band { y: f32, h: f32, slope: f32 },
}

struct Layer {
    shape: Shape,
    colour: [f32; 3],
    alpha: f32,
}

struct Canvas {
    width: u32,
    height: u32,
    top: [f32; 3],
    bottom: [f32; 3],
    layers: Vec<Layer>,
    pixels: Vec<u8>,
}

impl Canvas {
    /// The composition: background gradient from the whole request's hash, one shape per
    /// prompt word (so each word leaves a visible mark), all in the request's palette.
    fn for_image(params: &ImageParams) -> Self {
        let (width, height) = params.size.dimensions();
        let seed = params.seed.unwrap_or(0);
        let whole = fnv1a(format!("{}\n{}\n{seed}", params.prompt.as_str(), params.style.as_str()).as_bytes());
        let mut rng = Rng(whole);
        let base_hue = rng.unit();
        let spread = 0.08 + rng.unit() * 0.3;
        let top = hsl(base_hue, 0.55, 0.18 + rng.unit() * 0.2);
        let bottom = hsl(base_hue + spread, 0.6, 0.55 + rng.unit() * 0.2);
        let layers = params
            .prompt
            .as_str()
            .split_whitespace()
            .take(24)
            .map(|word| {
                let mut rng = Rng(fnv1a(word.to_lowercase().as_bytes()) ^ whole);
                let (x, y, r) = (rng.unit(), rng.unit(), 0.05 + rng.unit() * 0.25);
                let shape = match rng.next() % 3 {
                    0 => Shape::Disc { x, y, r },
                    1 => Shape::Ring { x, y, r, w: 0.01 + rng.unit() * 0.04 },
                    _ => Shape::Band { y, h: 0.02 + rng.unit() * 0.1, slope: rng.unit() - 0.5 },
                };
                let colour = hsl(base_hue + spread * (rng.unit() * 4.0 - 2.0), 0.7, 0.35 + rng.unit() * 0.45);
                Layer { shape, colour, alpha: 0.35 + rng.unit() * 0.5 }
            })
            .collect();
        Self { width, height, top, bottom, layers, pixels: Vec::new() }
    }

    /// Fills the pixels row by row; returns early (incomplete) once `stop` is set.
    fn render(mut self, stop: &AtomicBool, progress: &tokio::sync::watch::Sender<u8>) -> Self {
        let (w, h) = (self.width as usize, self.height as usize);
        let scale = w.max(h) as f32;
        self.pixels = vec![0; w * h * 3];
        for row in 0..h {
            if stop.load(Ordering::Relaxed) {
                break;
            }
            let v = row as f32 / h as f32;
            for col in 0..w {
                let (px, py) = (col as f32 / scale, row as f32 / scale);
                let mut c = mix(self.top, self.bottom, v);
                for layer in &self.layers {
                    let cover = coverage(&layer.shape, px, py, col as f32 / w as f32);
                    if cover > 0.0 {
                        c = mix(c, layer.colour, layer.alpha * cover);
                    }
                }
                let at = (row * w + col) * 3;
                for (i, channel) in c.iter().enumerate() {
                    self.pixels[at + i] = (channel.clamp(0.0, 1.0) * 255.0).round() as u8;
                }
            }
            if row % 32 == 31 {
                let _ = progress.send((row * 100 / h) as u8);
            }
        }
        self
    }

    fn encode_png(&self) -> Result<Vec<u8>, png::EncodingError> {
        let mut bytes = Vec::new();
        let mut encoder = png::Encoder::new(&mut bytes, self.width, self.height);
        encoder.set_color(png::ColorType::Rgb);
        encoder.set_depth(png::BitDepth::Eight);
        encoder.write_header()?.write_image_data(&self.pixels)?;
        Ok(bytes)
    }
}

fn mix(a: [f32; 3], b: [f32; 3], t: f32) -> [f32; 3] {
    [a[0] + (b[0] - a[0]) * t, a[1] + (b[1] - a[1]) * t, a[2] + (b[2] - a[2]) * t]
}

/// How much of the pixel at (`x`, `y`) (in units of the longer side) the shape covers,
/// with a soft one-pixel-ish edge; `u` is the horizontal position in `0..1`.
fn coverage(shape: &Shape, x: f32, y: f32, u: f32) -> f32 {
    const EDGE: f32 = 0.003;
    let soft = |d: f32| (0.5 - d / EDGE).clamp(0.0, 1.0);
    match *shape {
        Shape::Disc { x: cx, y: cy, r } => soft(((x - cx).powi(2) + (y - cy).powi(2)).sqrt() - r),
        Shape::Ring { x: cx, y: cy, r, w } => soft((((x - cx).powi(2) + (y - cy).powi(2)).sqrt() - r).abs() - w),
        Shape::Band { y: cy, h, slope } => soft((y - (cy + slope * (u - 0.5))).abs() - h / 2.0),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use app::domain::{ImageSize, Prompt, StylePreset};

    fn job(prompt: &str, seed: u32, size: ImageSize) -> Job {
        let params = ImageParams {
            prompt: Prompt::parse(prompt).unwrap(),
            negative_prompt: None,
            size,
            style: StylePreset::None,
            seed: Some(seed),
        };
        Job { task_id: uuid::Uuid::nil(), params: TaskParams::Image(params) }
    }

    async fn png(prompt: &str, seed: u32, size: ImageSize) -> Output {
        Embedded.generate(&job(prompt, seed, size), &|_| {}).await.unwrap()
    }

    fn decode(bytes: &[u8]) -> (png::OutputInfo, Vec<u8>) {
        let mut reader = png::Decoder::new(std::io::Cursor::new(bytes)).read_info().unwrap();
        let mut pixels = vec![0; reader.output_buffer_size().unwrap()];
        let info = reader.next_frame(&mut pixels).unwrap();
        (info, pixels)
    }

    #[tokio::test]
    async fn same_request_same_bytes_and_a_decodable_png_of_the_requested_size() {
        let a = png("a red fox in the snow", 7, ImageSize::Landscape).await;
        assert_eq!(a, png("a red fox in the snow", 7, ImageSize::Landscape).await);
        assert_eq!((a.media_type.as_str(), a.width, a.height), ("image/png", Some(1536), Some(1024)));
        let (info, _) = decode(&a.bytes);
        assert_eq!((info.width, info.height), (1536, 1024));
    }

    #[tokio::test]
    async fn prompt_and_seed_change_the_picture() {
        let (_, base) = decode(&png("a red fox", 1, ImageSize::Square512).await.bytes);
        let (_, other_seed) = decode(&png("a red fox", 2, ImageSize::Square512).await.bytes);
        let (_, other_prompt) = decode(&png("a blue whale", 1, ImageSize::Square512).await.bytes);
        let differing = |a: &[u8], b: &[u8]| a.iter().zip(b).filter(|(x, y)| x.abs_diff(**y) > 16).count();
        // Visibly: a large share of the pixels differ, not a few.
        assert!(differing(&base, &other_seed) > base.len() / 10);
        assert!(differing(&base, &other_prompt) > base.len() / 10);
    }

    #[tokio::test]
    async fn progress_is_reported_and_video_is_refused_clearly() {
        let seen = std::sync::Mutex::new(Vec::new());
        Embedded
            .generate(&job("tide pools", 3, ImageSize::Square768), &|p| seen.lock().unwrap().push(p))
            .await
            .unwrap();
        let seen = seen.into_inner().unwrap();
        assert!(!seen.is_empty() && seen.windows(2).all(|w| w[0] <= w[1]), "{seen:?}");

        let video = app::domain::VideoParams {
            prompt: Prompt::parse("waves").unwrap(),
            negative_prompt: None,
            duration_secs: app::domain::VideoDuration::parse(4).unwrap(),
            resolution: app::domain::Resolution::P480,
            fps: app::domain::Fps::from_number(12).unwrap(),
            seed: Some(1),
        };
        let job = Job { task_id: uuid::Uuid::nil(), params: TaskParams::Video(video) };
        let Err(Failure::Permanent { kind, message }) = Embedded.generate(&job, &|_| {}).await else {
            panic!("video is refused until the embedded encoder exists")
        };
        assert_eq!(kind, FailureKind::Unsupported);
        assert!(message.contains("video-service"), "the message says what to configure: {message}");
    }

    #[test]
    fn a_stopped_render_ends_early() {
        let TaskParams::Image(params) = job("stop", 1, ImageSize::Square1024).params else { unreachable!() };
        let (tx, _rx) = tokio::sync::watch::channel(0);
        let canvas = Canvas::for_image(&params).render(&AtomicBool::new(true), &tx);
        assert!(canvas.pixels.iter().all(|p| *p == 0), "nothing drawn after the stop");
    }
}
