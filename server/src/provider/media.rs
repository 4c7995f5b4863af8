//! Checks of what a service sends back: the bytes must be the media the task asked for
//! (an HTML error page instead of a PNG fails clearly), and their size (and a video's
//! duration) is read from them: images with the `image` crate, MP4 with `shiguredo_mp4`,
//! WebM with `matroska`.

use super::http::protocol;
use super::Output;
use crate::failure::Failure;
use app::domain::TaskParams;
use image::ImageFormat;
use shiguredo_mp4::demux::{Input, Mp4FileDemuxer};
use shiguredo_mp4::TrackKind;

/// The bytes checked as the kind of media `params` asked for.
pub fn output_for(params: &TaskParams, bytes: Vec<u8>) -> Result<Output, Failure> {
    match params {
        TaskParams::Image(_) => image_output(bytes),
        TaskParams::Video(_) => video_output(bytes),
    }
}

/// The bytes as a video output, if they are an MP4 or WebM file whose video track reads:
/// its size and duration are read from it (a WebM without a recorded duration has none).
pub fn video_output(bytes: Vec<u8>) -> Result<Output, Failure> {
    let output = |media_type: &str, bytes, size: Option<(u32, u32)>, duration_ms| Output {
        media_type: media_type.into(),
        bytes,
        width: size.map(|(w, _)| w),
        height: size.map(|(_, h)| h),
        duration_ms,
        poster: None,
    };
    if bytes.starts_with(&[0x1a, 0x45, 0xdf, 0xa3]) {
        let (size, duration_ms) = webm(&bytes)?;
        return Ok(output("video/webm", bytes, Some(size), duration_ms));
    }
    if bytes.get(4..8) != Some(b"ftyp") {
        return Err(not_a(&bytes, "an MP4 or WebM video"));
    }
    let broken = |why: String| protocol(format!("the service sent a broken MP4 ({why})"));
    let mut demuxer = Mp4FileDemuxer::new();
    demuxer.handle_input(Input { position: 0, data: &bytes });
    let tracks = demuxer.tracks().map_err(|e| broken(format!("{e:?}")))?;
    let track = tracks.iter().find(|t| t.kind == TrackKind::Video).cloned();
    let track = track.ok_or_else(|| broken("it has no video track".into()))?;
    let duration_ms = track.duration.saturating_mul(1000) / u64::from(track.timescale.get());
    let mut size = None;
    while let Some(sample) = demuxer.next_sample().map_err(|e| broken(format!("{e:?}")))? {
        if sample.track.track_id == track.track_id {
            size = sample.sample_entry.and_then(|entry| entry.video_resolution());
            break;
        }
    }
    let (width, height) = size.ok_or_else(|| broken("its video track has no frames".into()))?;
    let size = (u32::from(width), u32::from(height));
    Ok(output("video/mp4", bytes, Some(size), Some(u32::try_from(duration_ms).unwrap_or(u32::MAX))))
}

/// A WebM's video size and duration, from its headers.
fn webm(bytes: &[u8]) -> Result<((u32, u32), Option<u32>), Failure> {
    let broken = |why: String| protocol(format!("the service sent a broken WebM ({why})"));
    let file = matroska::Matroska::open(std::io::Cursor::new(bytes)).map_err(|e| broken(e.to_string()))?;
    let size = file.video_tracks().find_map(|track| match &track.settings {
        matroska::Settings::Video(video) => Some((video.pixel_width, video.pixel_height)),
        _ => None,
    });
    let (width, height) = size.ok_or_else(|| broken("it has no video track".into()))?;
    let side = |n: u64| u32::try_from(n).map_err(|_| broken(format!("a side of {n} pixels")));
    let duration_ms = file.info.duration.map(|d| u32::try_from(d.as_millis()).unwrap_or(u32::MAX));
    Ok(((side(width)?, side(height)?), duration_ms))
}

/// The bytes as an image output, if they are a PNG, JPEG or WebP image whose header reads;
/// its size is read from it.
pub fn image_output(bytes: Vec<u8>) -> Result<Output, Failure> {
    let media_type = match image::guess_format(&bytes) {
        Ok(ImageFormat::Png) => "image/png",
        Ok(ImageFormat::Jpeg) => "image/jpeg",
        Ok(ImageFormat::WebP) => "image/webp",
        _ => return Err(not_a(&bytes, "an image")),
    };
    let reader = image::ImageReader::new(std::io::Cursor::new(&bytes)).with_guessed_format();
    let (width, height) = reader
        .ok()
        .and_then(|r| r.into_dimensions().ok())
        .ok_or_else(|| protocol(format!("the service sent a broken {media_type} (its header does not read)")))?;
    Ok(Output {
        media_type: media_type.into(),
        bytes,
        width: Some(width),
        height: Some(height),
        duration_ms: None,
        poster: None,
    })
}

fn not_a(bytes: &[u8], what: &str) -> Failure {
    let start = String::from_utf8_lossy(&bytes[..bytes.len().min(40)]).into_owned();
    protocol(format!("the service sent something that is not {what} (it starts with {start:?})"))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::failure::FailureKind;

    #[test]
    fn only_images_pass_as_images_with_their_size() {
        let encoded = |format: ImageFormat| {
            let mut bytes = std::io::Cursor::new(Vec::new());
            image::RgbImage::new(5, 3).write_to(&mut bytes, format).unwrap();
            bytes.into_inner()
        };
        for (format, media_type) in
            [(ImageFormat::Png, "image/png"), (ImageFormat::Jpeg, "image/jpeg"), (ImageFormat::WebP, "image/webp")]
        {
            let output = image_output(encoded(format)).unwrap();
            assert_eq!((output.media_type.as_str(), output.width, output.height), (media_type, Some(5), Some(3)));
        }
        let Err(Failure::Permanent { kind, message }) = image_output(b"<!DOCTYPE html><html>".to_vec()) else {
            panic!("an HTML page is not an image")
        };
        assert_eq!(kind, FailureKind::Protocol);
        assert!(message.contains("not an image") && message.contains("<!DOCTYPE html>"), "{message}");
        let Err(Failure::Permanent { message, .. }) = image_output(encoded(ImageFormat::Png)[..20].to_vec()) else {
            panic!("a cut PNG is refused")
        };
        assert!(message.contains("broken image/png"), "{message}");
    }
}
