//! Checks of what a service sends back: the bytes must be the media the task asked for
//! (an HTML error page instead of a PNG fails clearly), and their size (and a video's
//! duration) is read from them: images with the `image` crate, MP4 with `shiguredo_mp4`,
//! WebM with `webm.rs`. A PNG, JPEG, WebP, MP4 or WebM must also end where its own
//! structure says: nothing rides after it (a PNG with a page appended is refused, not
//! stored). Reading costs work linear in the bytes, whatever sizes and counts they declare.

mod webm;

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

/// How many samples of each other track may come before a video's first frame.
const SAMPLES_AT_ZERO: usize = 16;

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
        if !webm::fills(&bytes) {
            return Err(protocol("the service sent a WebM whose elements do not end where the file does".into()));
        }
        let broken = |why: String| protocol(format!("the service sent a broken WebM ({why})"));
        let ((width, height), duration_ms) = webm::size_and_duration(&bytes).map_err(broken)?;
        let side = |n: u64| u32::try_from(n).map_err(|_| broken(format!("a side of {n} pixels")));
        let size = (side(width)?, side(height)?);
        return Ok(output("video/webm", bytes, Some(size), duration_ms));
    }
    if bytes.get(4..8) != Some(b"ftyp") {
        return Err(not_a(&bytes, "an MP4 or WebM video"));
    }
    if !mp4_boxes_fill(&bytes) {
        return Err(protocol("the service sent an MP4 whose boxes do not end where the file does".into()));
    }
    let broken = |why: String| protocol(format!("the service sent a broken MP4 ({why})"));
    let mut demuxer = Mp4FileDemuxer::new();
    demuxer.handle_input(Input { position: 0, data: &bytes });
    let tracks = demuxer.tracks().map_err(|e| broken(format!("{e:?}")))?;
    let track = tracks.iter().find(|t| t.kind == TrackKind::Video).cloned();
    let track = track.ok_or_else(|| broken("it has no video track".into()))?;
    let duration_ms = track.duration.saturating_mul(1000) / u64::from(track.timescale.get());
    // Samples come in time order and the track's first is at time 0: only other tracks'
    // samples also at 0 come before it (one each, in a real file). A few bytes of `stts` and
    // `stsz` can declare billions of those; past the limit the file is refused, not walked.
    let limit = tracks.len().saturating_mul(SAMPLES_AT_ZERO);
    let mut before = 0;
    let size = loop {
        match demuxer.next_sample().map_err(|e| broken(format!("{e:?}")))? {
            Some(sample) if sample.track.track_id == track.track_id => {
                break sample.sample_entry.and_then(|entry| entry.video_resolution());
            }
            Some(_) if before < limit => before += 1,
            Some(_) => return Err(broken(format!("more than {limit} samples come before its first frame"))),
            None => break None,
        }
    };
    let (width, height) = size.ok_or_else(|| broken("its video track has no frames".into()))?;
    let size = (u32::from(width), u32::from(height));
    Ok(output("video/mp4", bytes, Some(size), Some(u32::try_from(duration_ms).unwrap_or(u32::MAX))))
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
    if !image_ends_at_its_end(&bytes, media_type) {
        return Err(protocol(format!("the service sent a {media_type} with bytes after its end")));
    }
    Ok(Output {
        media_type: media_type.into(),
        bytes,
        width: Some(width),
        height: Some(height),
        duration_ms: None,
        poster: None,
    })
}

/// Whether an image's last bytes are its format's end: PNG's `IEND` chunk, JPEG's EOI
/// marker, or the length a WebP's RIFF header gives.
fn image_ends_at_its_end(bytes: &[u8], media_type: &str) -> bool {
    const IEND: [u8; 12] = [0, 0, 0, 0, b'I', b'E', b'N', b'D', 0xAE, 0x42, 0x60, 0x82];
    match media_type {
        "image/png" => bytes.ends_with(&IEND),
        "image/jpeg" => bytes.ends_with(&[0xFF, 0xD9]),
        "image/webp" => bytes
            .get(4..8)
            .map(|size| u32::from_le_bytes([size[0], size[1], size[2], size[3]]) as usize + 8)
            .is_some_and(|whole| whole == bytes.len()),
        _ => false,
    }
}

/// Whether an MP4's top-level boxes, each by its declared size, add up to the file.
fn mp4_boxes_fill(bytes: &[u8]) -> bool {
    let mut at = 0usize;
    while at < bytes.len() {
        let Some(head) = bytes.get(at..at + 8) else { return false };
        let size = match u32::from_be_bytes([head[0], head[1], head[2], head[3]]) {
            0 => bytes.len() - at, // to the end of the file
            1 => match bytes.get(at + 8..at + 16) {
                Some(large) => u64::from_be_bytes(large.try_into().expect("eight bytes")) as usize,
                None => return false,
            },
            n => n as usize,
        };
        if size < 8 {
            return false;
        }
        at = match at.checked_add(size) {
            Some(next) => next,
            None => return false,
        };
    }
    at == bytes.len()
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

    #[test]
    fn nothing_may_ride_after_an_image_or_a_video() {
        for format in [ImageFormat::Png, ImageFormat::Jpeg, ImageFormat::WebP] {
            let mut bytes = std::io::Cursor::new(Vec::new());
            image::RgbImage::new(5, 3).write_to(&mut bytes, format).unwrap();
            let mut bytes = bytes.into_inner();
            bytes.extend_from_slice(b"<html><script>alert(1)</script></html>");
            let Err(Failure::Permanent { message, .. }) = image_output(bytes) else {
                panic!("{format:?} with a page appended is refused")
            };
            assert!(message.contains("bytes after its end"), "{message}");
        }
        let frames = (0..4).map(|i| vec![(i * 60) as u8; 16 * 16 * 3]);
        let stop = std::sync::atomic::AtomicBool::new(false);
        let clip = clip::encode(16, 16, 4, frames, &stop, |_| {}).unwrap();
        assert!(video_output(clip.clone()).is_ok(), "a whole MP4 passes");
        let mut long = clip;
        long.extend_from_slice(b"<html></html>");
        assert!(video_output(long).is_err(), "an MP4 with a page appended does not");
    }

    /// `clip` with a sound track put first that declares `samples` samples, all at time 0
    /// (in 40 bytes: one `stts` entry, a fixed `stsz`, one chunk).
    fn with_sound_first(clip: &[u8], samples: u32) -> Vec<u8> {
        use shiguredo_mp4::boxes::{HdlrBox, MoovBox, StscBox, StscEntry, StszBox, SttsBox, SttsEntry};
        use shiguredo_mp4::{Decode, Either, Encode};
        use std::num::NonZeroU32;
        let mut at = 0;
        while &clip[at + 4..at + 8] != b"moov" {
            at += u32::from_be_bytes(clip[at..at + 4].try_into().unwrap()) as usize;
        }
        let (mut moov, size) = MoovBox::decode(&clip[at..]).unwrap();
        let mut sound = moov.trak_boxes[0].clone();
        sound.tkhd_box.track_id = 99;
        sound.mdia_box.hdlr_box.handler_type = HdlrBox::HANDLER_TYPE_SOUN;
        let table = &mut sound.mdia_box.minf_box.stbl_box;
        table.stts_box = SttsBox { entries: vec![SttsEntry { sample_count: samples, sample_delta: 0 }] };
        table.stsz_box = StszBox::Fixed { sample_size: NonZeroU32::MIN, sample_count: samples };
        let one = NonZeroU32::MIN;
        table.stsc_box = StscBox {
            entries: vec![StscEntry { first_chunk: one, sample_per_chunk: samples, sample_description_index: one }],
        };
        if let Either::A(chunks) = &mut table.stco_or_co64_box {
            chunks.chunk_offsets.truncate(1);
        }
        (table.ctts_box, table.stss_box, table.sdtp_box) = (None, None, None);
        moov.trak_boxes.insert(0, sound);
        [&clip[..at], &moov.encode_to_vec().unwrap()[..], &clip[at + size..]].concat()
    }

    #[test]
    fn a_video_declaring_billions_of_samples_is_not_walked() {
        let frames = (0..2).map(|i| vec![(i * 60) as u8; 16 * 16 * 3]);
        let clip = clip::encode(16, 16, 2, frames, &std::sync::atomic::AtomicBool::new(false), |_| {}).unwrap();
        let read = video_output(with_sound_first(&clip, 1)).unwrap();
        assert_eq!((read.width, read.height), (Some(16), Some(16)), "a sound track's first sample comes first");
        for samples in [1_000, u32::MAX - 1] {
            let Err(Failure::Permanent { message, .. }) = video_output(with_sound_first(&clip, samples)) else {
                panic!("{samples} samples before the first frame are refused")
            };
            assert!(message.contains("more than 32 samples come before its first frame"), "{message}");
        }
    }

    #[test]
    fn a_page_behind_webm_magic_is_no_video() {
        let html = [&[0x1A, 0x45, 0xDF, 0xA3][..], b"<html><script>alert(1)</script></html>"].concat();
        assert!(video_output(html).is_err(), "a page behind WebM's magic number");
    }
}
