//! The embedded generator: works offline with no configuration, deterministically (the
//! same prompt and seed give the same bytes). Images are PNGs at the requested size
//! (`picture.rs`); videos are AV1 clips in MP4 at the requested length, size and frame
//! rate, with a poster (`video.rs`). The work runs on a blocking thread that reports
//! progress and stops soon after the engine drops the future (cancelled or timed out).

mod picture;
mod video;

use super::{Capabilities, Health, Job, Output, Progress, Provider, Submitted};
use crate::failure::{Failure, FailureKind};
use app::domain::{TaskKind, TaskParams};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;

pub struct Embedded;

impl Embedded {
    /// The name tasks record; the one service that costs nothing.
    pub const NAME: &'static str = "embedded";
}

#[async_trait::async_trait]
impl Provider for Embedded {
    fn name(&self) -> &str {
        Self::NAME
    }

    fn model(&self) -> &str {
        "atelier-sketch-1"
    }

    fn capabilities(&self) -> Capabilities {
        Capabilities { image: true, video: true, remote_jobs: false, cancellable: true, reports_progress: true }
    }

    async fn submit(&self, job: &Job, progress: Progress<'_>) -> Result<Submitted, Failure> {
        let output = match job.params.clone() {
            TaskParams::Image(params) => {
                blocking(progress, move |stop, report| picture::image(&params, stop, report)).await
            }
            TaskParams::Video(params) => {
                blocking(progress, move |stop, report| video::clip(&params, stop, report)).await
            }
        };
        output.map(Submitted::Done)
    }

    async fn check(&self, kind: TaskKind) -> Health {
        Health::Ready(match kind {
            TaskKind::Image => "built in, offline: PNG images".into(),
            TaskKind::Video => "built in, offline: AV1 video in MP4".into(),
        })
    }
}

/// Sets the flag when the generating future is dropped (cancelled or timed out).
struct StopOnDrop(Arc<AtomicBool>);

impl Drop for StopOnDrop {
    fn drop(&mut self) {
        self.0.store(true, Ordering::Relaxed);
    }
}

/// Runs `work` on a blocking thread, relaying the progress it reports; it is asked to
/// stop once this future is dropped. Its error is the generator's own failure.
async fn blocking<W>(progress: Progress<'_>, work: W) -> Result<Output, Failure>
where
    W: FnOnce(&AtomicBool, &dyn Fn(u8)) -> Result<Output, String> + Send + 'static,
{
    let stop = StopOnDrop(Arc::new(AtomicBool::new(false)));
    let (tx, mut rx) = tokio::sync::watch::channel(0u8);
    let flag = stop.0.clone();
    let mut work = tokio::task::spawn_blocking(move || {
        work(&flag, &|p| {
            let _ = tx.send(p);
        })
    });
    let done = loop {
        tokio::select! {
            done = &mut work => break done,
            Ok(()) = rx.changed() => progress(*rx.borrow_and_update()),
        }
    };
    let failed = |message: String| Failure::Permanent { kind: FailureKind::Generator, message };
    done.map_err(|e| failed(format!("the embedded generator stopped: {e}")))?.map_err(failed)
}

#[cfg(test)]
mod tests {
    use super::*;
    use app::domain::{ImageParams, ImageSize, Prompt, StylePreset};

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

    async fn made(job: &Job, progress: Progress<'_>) -> Result<Output, Failure> {
        match Embedded.submit(job, progress).await? {
            Submitted::Done(output) => Ok(output),
            Submitted::Queued(_) => panic!("the embedded generator queues nothing"),
        }
    }

    async fn png(prompt: &str, seed: u32, size: ImageSize) -> Output {
        made(&job(prompt, seed, size), &|_| {}).await.unwrap()
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
    async fn progress_is_reported_in_order() {
        let seen = std::sync::Mutex::new(Vec::new());
        made(&job("tide pools", 3, ImageSize::Square768), &|p| seen.lock().unwrap().push(p)).await.unwrap();
        let seen = seen.into_inner().unwrap();
        assert!(!seen.is_empty() && seen.windows(2).all(|w| w[0] <= w[1]), "{seen:?}");
    }

    fn video(prompt: &str, seed: u32, secs: i64, fps: i64) -> Job {
        let params = app::domain::VideoParams {
            prompt: Prompt::parse(prompt).unwrap(),
            negative_prompt: None,
            duration_secs: app::domain::VideoDuration::parse(secs).unwrap(),
            resolution: app::domain::Resolution::P480,
            fps: app::domain::Fps::from_number(fps).unwrap(),
            seed: Some(seed),
        };
        Job { task_id: uuid::Uuid::nil(), params: TaskParams::Video(params) }
    }

    #[tokio::test]
    async fn a_clip_is_a_playable_mp4_of_the_request_with_a_poster() {
        let seen = std::sync::Mutex::new(Vec::new());
        let clip = made(&video("waves at dusk", 1, 2, 12), &|p| seen.lock().unwrap().push(p)).await.unwrap();
        assert_eq!(clip, made(&video("waves at dusk", 1, 2, 12), &|_| {}).await.unwrap(), "deterministic");
        // The container as another reader sees it: 854×480, 2 s.
        let read = crate::provider::media::video_output(clip.bytes.clone()).unwrap();
        assert_eq!((read.media_type.as_str(), read.width, read.height), ("video/mp4", Some(854), Some(480)));
        assert_eq!((read.duration_ms, clip.duration_ms), (Some(2000), Some(2000)));
        // 12 fps: 24 frames, one every twelfth of a second.
        let mut demuxer = shiguredo_mp4::demux::Mp4FileDemuxer::new();
        demuxer.handle_input(shiguredo_mp4::demux::Input { position: 0, data: &clip.bytes });
        let mut frames = Vec::new();
        while let Some(sample) = demuxer.next_sample().unwrap() {
            frames.push((sample.timestamp, sample.duration, sample.track.timescale.get()));
        }
        assert_eq!(frames, (0..24).map(|n| (n, 1, 12)).collect::<Vec<_>>());
        let (info, _) = decode(clip.poster.as_ref().expect("a poster"));
        assert_eq!((info.width, info.height), (854, 480));
        let seen = seen.into_inner().unwrap();
        assert!(seen.windows(2).all(|w| w[0] <= w[1]) && seen.last() > Some(&90), "{seen:?}");

        let other = made(&video("a forest fire", 1, 2, 12), &|_| {}).await.unwrap();
        let (_, a) = decode(clip.poster.as_ref().unwrap());
        let (_, b) = decode(other.poster.as_ref().unwrap());
        let differing = a.iter().zip(&b).filter(|(x, y)| x.abs_diff(**y) > 16).count();
        assert!(differing > a.len() / 10, "another prompt, another look");
    }

    #[tokio::test]
    async fn dropping_the_future_asks_the_work_to_stop() {
        let (saw_stop, stopped) = std::sync::mpsc::channel();
        let work = blocking(&|_| {}, move |stop, report| {
            report(1);
            while !stop.load(Ordering::Relaxed) {
                std::thread::sleep(std::time::Duration::from_millis(1));
            }
            saw_stop.send(()).unwrap();
            Err("stopped".into())
        });
        tokio::select! {
            _ = work => panic!("the work only ends when asked to"),
            () = tokio::time::sleep(std::time::Duration::from_millis(50)) => {} // dropped here
        }
        stopped.recv_timeout(std::time::Duration::from_secs(5)).expect("the work saw the stop");
    }

    #[test]
    fn a_stopped_render_ends_early() {
        let canvas = picture::Canvas::compose("stop", "none", 1, 1024, 1024).render(&AtomicBool::new(true), &|_| {});
        assert!(canvas.pixels.iter().all(|p| *p == 0), "nothing drawn after the stop");
    }
}
