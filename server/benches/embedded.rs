//! `make bench`, embedded generator part: how long the offline generator takes for a
//! 1024×1024 image and for a 5 s 480p clip at 24 fps, each next to a baseline measured in
//! the same run: the image against PNG-encoding a flat picture of the same size (the part
//! no composition can avoid), the clip against its own length (the real-time factor).

use server::provider::{Embedded, Job, Provider, Submitted};
use std::time::{Duration, Instant};

const RUNS: usize = 3;

async fn made(params: serde_json::Value) -> usize {
    let job = Job { task_id: uuid::Uuid::nil(), params: serde_json::from_value(params).expect("valid params") };
    match Embedded.submit(&job, &|_| {}).await {
        Ok(Submitted::Done(output)) => output.bytes.len(),
        _ => panic!("the embedded generator makes it"),
    }
}

/// The median of `RUNS` timings of `work`, and what the last run returned.
async fn median<F, Fut>(mut work: F) -> (Duration, usize)
where
    F: FnMut() -> Fut,
    Fut: std::future::Future<Output = usize>,
{
    let mut times = Vec::new();
    let mut out = 0;
    for _ in 0..RUNS {
        let started = Instant::now();
        out = work().await;
        times.push(started.elapsed());
    }
    times.sort();
    (times[RUNS / 2], out)
}

fn flat_png(side: u32) -> usize {
    let mut bytes = Vec::new();
    let mut encoder = png::Encoder::new(&mut bytes, side, side);
    encoder.set_color(png::ColorType::Rgb);
    encoder.write_header().unwrap().write_image_data(&vec![90u8; (side * side * 3) as usize]).unwrap();
    bytes.len()
}

#[tokio::main]
async fn main() {
    let image = serde_json::json!({
        "kind": "image", "prompt": "a lighthouse on a cliff at dusk, waves below", "size": "1024x1024",
        "style": "none", "seed": 7
    });
    let (image_time, image_bytes) = median(|| made(image.clone())).await;
    let (flat_time, _) = median(|| async { flat_png(1024) }).await;
    println!(
        "image 1024x1024: {:.0} ms median of {RUNS} ({image_bytes} bytes); flat PNG baseline {:.0} ms; ratio {:.1}",
        image_time.as_secs_f64() * 1e3,
        flat_time.as_secs_f64() * 1e3,
        image_time.as_secs_f64() / flat_time.as_secs_f64()
    );

    let clip = serde_json::json!({
        "kind": "video", "prompt": "waves rolling onto a beach at sunset", "duration_secs": 5,
        "resolution": "480p", "fps": 24, "seed": 7
    });
    let (clip_time, clip_bytes) = median(|| made(clip.clone())).await;
    println!(
        "video 5 s 854x480 24 fps: {:.1} s median of {RUNS} ({clip_bytes} bytes); real-time factor {:.2} (clip length / time)",
        clip_time.as_secs_f64(),
        5.0 / clip_time.as_secs_f64()
    );
}
