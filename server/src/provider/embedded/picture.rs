//! The embedded generator's pictures: a composition whose palette, shapes and layout
//! follow from a stable hash (FNV-1a) of the prompt, the style and the seed, so the same
//! request always gives the same pixels and different prompts look visibly different.
//! Rendering reports progress by row and stops at the next row once asked to.

use super::Output;
use app::domain::ImageParams;
use std::sync::atomic::{AtomicBool, Ordering};

/// The image `params` ask for, as a PNG.
pub fn image(params: &ImageParams, stop: &AtomicBool, progress: &dyn Fn(u8)) -> Result<Output, String> {
    let (width, height) = params.size.dimensions();
    let seed = params.seed.unwrap_or(0);
    let canvas = Canvas::compose(params.prompt.as_str(), params.style.as_str(), seed, width, height);
    let bytes = canvas.render(stop, progress).encode_png().map_err(|e| format!("encoding the PNG: {e}"))?;
    Ok(Output {
        media_type: "image/png".into(),
        bytes,
        width: Some(width),
        height: Some(height),
        duration_ms: None,
        poster: None,
    })
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

pub struct Canvas {
    pub width: u32,
    pub height: u32,
    top: [f32; 3],
    bottom: [f32; 3],
    layers: Vec<Layer>,
    /// RGB, 3 bytes a pixel, row by row.
    pub pixels: Vec<u8>,
}

impl Canvas {
    /// The composition: background gradient from the whole request's hash, one shape per
    /// prompt word (so each word leaves a visible mark), all in the request's palette.
    /// `style` is the image's style preset (or the kind, for video).
    pub fn compose(prompt: &str, style: &str, seed: u32, width: u32, height: u32) -> Self {
        let whole = fnv1a(format!("{prompt}\n{style}\n{seed}").as_bytes());
        let mut rng = Rng(whole);
        let base_hue = rng.unit();
        let spread = 0.08 + rng.unit() * 0.3;
        let top = hsl(base_hue, 0.55, 0.18 + rng.unit() * 0.2);
        let bottom = hsl(base_hue + spread, 0.6, 0.55 + rng.unit() * 0.2);
        let layers = prompt
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
    /// `progress` gets the share of rows done (0 to 100).
    pub fn render(mut self, stop: &AtomicBool, progress: &dyn Fn(u8)) -> Self {
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
                progress((row * 100 / h) as u8);
            }
        }
        self
    }

    pub fn encode_png(&self) -> Result<Vec<u8>, png::EncodingError> {
        png_of(self.width, self.height, &self.pixels)
    }
}

/// RGB pixels as a PNG.
pub fn png_of(width: u32, height: u32, rgb: &[u8]) -> Result<Vec<u8>, png::EncodingError> {
    let mut bytes = Vec::new();
    let mut encoder = png::Encoder::new(&mut bytes, width, height);
    encoder.set_color(png::ColorType::Rgb);
    encoder.set_depth(png::BitDepth::Eight);
    encoder.write_header()?.write_image_data(rgb)?;
    Ok(bytes)
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
