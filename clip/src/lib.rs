//! RGB frames to a short video that browsers play: AV1 encoded by rav1e (pure Rust, no
//! assembly) in a faststart MP4 muxed by shiguredo_mp4, at a constant frame rate (the
//! track's timescale is the frame rate, one tick a frame, so the duration is exact).
//! This is a crate of its own so that it can be optimised in debug builds too: rav1e's
//! generic code is compiled in the crate that calls it, and is unusably slow unoptimised.

mod obu;
mod yuv;

use rav1e::prelude::*;
use shiguredo_mp4::bitstream::av1::{build_av01_box_from_config_obus, Av1SampleEntryConfig};
use shiguredo_mp4::boxes::SampleEntry;
use shiguredo_mp4::mux::{estimate_maximum_moov_box_size, Mp4FileMuxer, Mp4FileMuxerOptions, Sample};
use shiguredo_mp4::TrackKind;
use std::num::NonZeroU32;
use std::sync::atomic::{AtomicBool, Ordering};

#[derive(Debug, thiserror::Error)]
pub enum ClipError {
    #[error("stopped")]
    Stopped,
    #[error("no frames to encode")]
    NoFrames,
    #[error("frame {index} has {actual} bytes, not the {expected} of {width}×{height} RGB")]
    FrameSize { index: usize, expected: usize, actual: usize, width: u32, height: u32 },
    #[error("the AV1 encoder refused its settings: {0}")]
    Config(String),
    #[error("the AV1 encoder failed: {0}")]
    Encoder(String),
    #[error("writing the MP4 failed: {0}")]
    Mux(String),
}

/// Encodes `frames` (each `width × height` packed RGB, row by row; at least 16 × 16) as
/// a clip of `frames / fps` seconds. `progress` gets the number of frames encoded so far;
/// setting `stop` ends the work early with [`ClipError::Stopped`].
pub fn encode<F: AsRef<[u8]>>(
    width: u32,
    height: u32,
    fps: u32,
    frames: impl IntoIterator<Item = F>,
    stop: &AtomicBool,
    mut progress: impl FnMut(usize),
) -> Result<Vec<u8>, ClipError> {
    let mut frames = frames.into_iter();
    let mut next = || frames.next().map(|f| f.as_ref().to_vec());
    encode_frames(width, height, fps, &mut next, stop, &mut progress)
}

/// [`encode`]'s work, in code that is not generic, so that it is compiled (optimised) here
/// and not in the calling crate.
fn encode_frames(
    width: u32,
    height: u32,
    fps: u32,
    next: &mut dyn FnMut() -> Option<Vec<u8>>,
    stop: &AtomicBool,
    progress: &mut dyn FnMut(usize),
) -> Result<Vec<u8>, ClipError> {
    let fps = NonZeroU32::new(fps).ok_or_else(|| ClipError::Config("the frame rate is 0".into()))?;
    let (w, h) = (width as usize, height as usize);
    let config = EncoderConfig {
        width: w,
        height: h,
        time_base: Rational::new(1, u64::from(fps.get())),
        bit_depth: 8,
        chroma_sampling: ChromaSampling::Cs420,
        pixel_range: PixelRange::Limited,
        color_description: Some(ColorDescription {
            color_primaries: ColorPrimaries::BT709,
            transfer_characteristics: TransferCharacteristics::BT709,
            matrix_coefficients: MatrixCoefficients::BT709,
        }),
        // No reordering: one packet per frame, in order, so samples map to frames 1:1.
        low_latency: true,
        min_key_frame_interval: 0,
        max_key_frame_interval: u64::from(fps.get()), // a key frame a second: seeking is quick
        quantizer: 100,
        tiles: std::thread::available_parallelism().map_or(1, |n| n.get()),
        ..EncoderConfig::with_speed_preset(10)
    };
    let mut ctx: Context<u8> =
        Config::new().with_encoder_config(config).new_context().map_err(|e| ClipError::Config(e.to_string()))?;
    let mut packets: Vec<(Vec<u8>, bool)> = Vec::new();
    // Takes every packet that is ready; returns when the encoder needs more (or is done).
    let mut drain = |ctx: &mut Context<u8>, packets: &mut Vec<(Vec<u8>, bool)>| loop {
        if stop.load(Ordering::Relaxed) {
            return Err(ClipError::Stopped);
        }
        match ctx.receive_packet() {
            Ok(packet) => {
                packets.push((packet.data, packet.frame_type == FrameType::KEY));
                progress(packets.len());
            }
            Err(EncoderStatus::Encoded) => {}
            Err(EncoderStatus::NeedMoreData | EncoderStatus::LimitReached) => return Ok(()),
            Err(e) => return Err(ClipError::Encoder(e.to_string())),
        }
    };
    let mut planes = yuv::Planes::new(w, h);
    for (index, rgb) in std::iter::from_fn(next).enumerate() {
        if rgb.len() != w * h * 3 {
            return Err(ClipError::FrameSize { index, expected: w * h * 3, actual: rgb.len(), width, height });
        }
        planes.fill_from_rgb(&rgb);
        let mut frame = ctx.new_frame();
        for (plane, (data, stride)) in frame.planes.iter_mut().zip(planes.each()) {
            plane.copy_from_raw_u8(data, stride, 1);
        }
        ctx.send_frame(frame).map_err(|e| ClipError::Encoder(e.to_string()))?;
        drain(&mut ctx, &mut packets)?;
    }
    ctx.flush();
    drain(&mut ctx, &mut packets)?;
    if packets.is_empty() {
        return Err(ClipError::NoFrames);
    }
    mux(&packets, fps)
}

/// Muxes AV1 temporal units (one shown frame each) into an MP4 with its `moov` first.
fn mux(packets: &[(Vec<u8>, bool)], fps: NonZeroU32) -> Result<Vec<u8>, ClipError> {
    let failed = |e: &dyn std::fmt::Debug| ClipError::Mux(format!("{e:?}"));
    // av1C carries the sequence header OBU; rav1e puts it in the first key frame.
    let header = obu::split(&packets[0].0)
        .find(|o| obu::kind(o) == obu::SEQUENCE_HEADER)
        .ok_or_else(|| ClipError::Mux("the first frame has no sequence header".into()))?;
    let config = Av1SampleEntryConfig { initial_presentation_delay_minus_one: None };
    let av01 = build_av01_box_from_config_obus(header, &config).map_err(|e| failed(&e))?;
    let options = Mp4FileMuxerOptions {
        reserved_moov_box_size: estimate_maximum_moov_box_size(&[packets.len()]),
        ..Default::default()
    };
    let mut muxer = Mp4FileMuxer::with_options(options).map_err(|e| failed(&e))?;
    let mut out = muxer.initial_boxes_bytes().to_vec();
    for (i, (data, keyframe)) in packets.iter().enumerate() {
        let offset = out.len();
        // Temporal delimiters are not stored in MP4 samples (AV1-ISOBMFF §2.4).
        for unit in obu::split(data).filter(|o| obu::kind(o) != obu::TEMPORAL_DELIMITER) {
            out.extend_from_slice(unit);
        }
        let sample = Sample {
            track_kind: TrackKind::Video,
            sample_entry: (i == 0).then(|| SampleEntry::Av01(av01.clone())),
            keyframe: *keyframe,
            timescale: fps,
            duration: 1,
            composition_time_offset: None,
            data_offset: offset as u64,
            data_size: out.len() - offset,
        };
        muxer.append_sample(&sample).map_err(|e| failed(&e))?;
    }
    let finished = muxer.finalize().map_err(|e| failed(&e))?;
    for (offset, bytes) in finished.offset_and_bytes_pairs() {
        let at = offset as usize;
        if out.len() < at + bytes.len() {
            out.resize(at + bytes.len(), 0);
        }
        out[at..at + bytes.len()].copy_from_slice(bytes);
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use shiguredo_mp4::demux::{Input, Mp4FileDemuxer};

    /// A moving gradient with a white square, `n` frames.
    fn frames(w: usize, h: usize, n: usize) -> impl Iterator<Item = Vec<u8>> {
        (0..n).map(move |i| {
            let mut rgb = vec![0u8; w * h * 3];
            for (at, px) in rgb.chunks_mut(3).enumerate() {
                let (x, y) = (at % w, at / w);
                let square = (x + w - i % w) % w < w / 4 && y > h / 3 && y < h * 2 / 3;
                px.copy_from_slice(&if square { [255; 3] } else { [(x * 255 / w) as u8, (y * 255 / h) as u8, 90] });
            }
            rgb
        })
    }

    #[test]
    fn a_clip_is_an_mp4_of_the_requested_size_and_length() {
        let mut seen = Vec::new();
        let mp4 = encode(96, 64, 12, frames(96, 64, 24), &AtomicBool::new(false), |n| seen.push(n)).unwrap();
        assert_eq!(seen, (1..=24).collect::<Vec<_>>(), "progress counts every frame");
        let pos = |tag: &[u8]| mp4.windows(4).position(|w| w == tag).unwrap();
        assert!(pos(b"moov") < pos(b"mdat"), "faststart: playback can begin before the whole file arrives");

        let mut demuxer = Mp4FileDemuxer::new();
        demuxer.handle_input(Input { position: 0, data: &mp4 });
        let track = demuxer.tracks().unwrap()[0].clone();
        assert_eq!((track.kind, track.duration, track.timescale.get()), (TrackKind::Video, 24, 12), "2 s exactly");
        let first = demuxer.next_sample().unwrap().unwrap();
        assert!(first.keyframe);
        let Some(SampleEntry::Av01(av01)) = first.sample_entry else { panic!("not AV1: {:?}", first.sample_entry) };
        assert_eq!((av01.visual.width, av01.visual.height), (96, 64));
        assert_eq!(obu::kind(&av01.av1c_box.config_obus), obu::SEQUENCE_HEADER);
        let mut samples = 1;
        while let Some(sample) = demuxer.next_sample().unwrap() {
            assert_eq!(sample.timestamp, samples, "one tick a frame");
            samples += 1;
        }
        assert_eq!(samples, 24);
    }

    #[test]
    fn the_same_frames_give_the_same_bytes() {
        let stop = AtomicBool::new(false);
        let a = encode(64, 48, 12, frames(64, 48, 6), &stop, |_| {}).unwrap();
        assert_eq!(a, encode(64, 48, 12, frames(64, 48, 6), &stop, |_| {}).unwrap());
    }

    #[test]
    fn stopping_ends_it_and_wrong_frames_are_named() {
        let stop = AtomicBool::new(false);
        let stopping = frames(64, 64, 100).enumerate().map(|(i, f)| {
            if i == 5 {
                stop.store(true, Ordering::Relaxed);
            }
            f
        });
        assert!(matches!(encode(64, 64, 24, stopping, &stop, |_| {}), Err(ClipError::Stopped)));
        let err = encode(64, 64, 24, [vec![0u8; 10]], &AtomicBool::new(false), |_| {}).unwrap_err();
        assert_eq!(err.to_string(), "frame 0 has 10 bytes, not the 12288 of 64×64 RGB");
    }
}
