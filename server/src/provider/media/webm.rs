//! WebM (Matroska) as a service sends it, read without trusting it: the top-level elements
//! must fill the file, and the video size and the duration are read from the segment's
//! `Info` and `Tracks`. Elements are walked by their declared sizes, each visited at most
//! once, a fixed few levels deep; nothing is allocated by a declared size and no seek
//! table is followed, so a file costs work linear in its length whatever it declares (the
//! `matroska` crate used before followed a seek head that names itself forever, asserted
//! on what it found there, and allocated any size a string declared).

/// Element ids, as written (marker bits included).
const SEGMENT: u32 = 0x1853_8067;
const INFO: u32 = 0x1549_A966;
const TIMESTAMP_SCALE: u32 = 0x2A_D7B1;
const DURATION: u32 = 0x4489;
const TRACKS: u32 = 0x1654_AE6B;
const TRACK_ENTRY: u32 = 0xAE;
const TRACK_TYPE: u32 = 0x83;
const VIDEO: u32 = 0xE0;
const PIXEL_WIDTH: u32 = 0xB0;
const PIXEL_HEIGHT: u32 = 0xBA;
const VIDEO_TRACK: u64 = 1;

/// Whether the top-level elements (the header, then the segment), each by its declared
/// size, add up to the file; a segment of unknown size runs to its end.
pub fn fills(bytes: &[u8]) -> bool {
    elements(bytes).is_some()
}

/// The first video track's size in pixels and the duration in milliseconds (a file without
/// a recorded duration has none), or why they cannot be read.
pub fn size_and_duration(bytes: &[u8]) -> Result<((u64, u64), Option<u32>), String> {
    let broken = || "its elements do not fit in one another".to_owned();
    let top = elements(bytes).ok_or_else(broken)?;
    let segment = top.iter().find(|(id, _)| *id == SEGMENT).ok_or("it has no segment")?.1;
    let (mut size, mut duration_ms) = (None, None);
    for (id, body) in elements(segment).ok_or_else(broken)? {
        match id {
            INFO => duration_ms = duration(body)?,
            TRACKS if size.is_none() => size = video_size(body)?,
            _ => {}
        }
    }
    Ok((size.ok_or("it has no video track")?, duration_ms))
}

/// The duration an `Info` records, in milliseconds: its float times the timestamp scale
/// (nanoseconds a tick, a million unless given).
fn duration(info: &[u8]) -> Result<Option<u32>, String> {
    let (mut scale, mut ticks) = (1_000_000, None);
    for (id, body) in elements(info).ok_or("its Info does not fit")? {
        match id {
            TIMESTAMP_SCALE => scale = uint(body)?,
            DURATION => ticks = Some(float(body)?),
            _ => {}
        }
    }
    // As nanoseconds first, the cast saturating (and NaN none), as the `matroska` crate did.
    Ok(ticks.map(|t| u32::try_from((t * scale as f64) as u64 / 1_000_000).unwrap_or(u32::MAX)))
}

/// The pixel size of the first video track (type 1, with a `Video` element) in `Tracks`.
fn video_size(tracks: &[u8]) -> Result<Option<(u64, u64)>, String> {
    let fits = |body| elements(body).ok_or_else(|| "its Tracks do not fit".to_owned());
    for (_, entry) in fits(tracks)?.into_iter().filter(|(id, _)| *id == TRACK_ENTRY) {
        let (mut kind, mut video) = (None, None);
        for (id, body) in fits(entry)? {
            match id {
                TRACK_TYPE => kind = Some(uint(body)?),
                VIDEO => video = Some(body),
                _ => {}
            }
        }
        let Some(video) = video.filter(|_| kind == Some(VIDEO_TRACK)) else { continue };
        let (mut width, mut height) = (0, 0);
        for (id, body) in fits(video)? {
            match id {
                PIXEL_WIDTH => width = uint(body)?,
                PIXEL_HEIGHT => height = uint(body)?,
                _ => {}
            }
        }
        return Ok(Some((width, height)));
    }
    Ok(None)
}

/// The elements `bytes` holds, in order: each one's id and body (one of unknown size runs to
/// the end); `None` when one does not fit.
fn elements(bytes: &[u8]) -> Option<Vec<(u32, &[u8])>> {
    let mut found = Vec::new();
    let mut at = 0usize;
    while at < bytes.len() {
        let (id_len, _) = vint(bytes, at).filter(|(len, _)| *len <= 4)?;
        let id = bytes[at..at + id_len].iter().fold(0u32, |id, b| (id << 8) | u32::from(*b));
        let (size_len, size) = vint(bytes, at + id_len)?;
        let start = at + id_len + size_len;
        let end = match size {
            Some(size) => start.checked_add(usize::try_from(size).ok()?).filter(|end| *end <= bytes.len())?,
            None => bytes.len(),
        };
        found.push((id, &bytes[start..end]));
        at = end;
    }
    Some(found)
}

/// A variable-length integer at `at`: its length and its value with the marker bit cleared
/// (`None` for all ones: unknown).
fn vint(bytes: &[u8], at: usize) -> Option<(usize, Option<u64>)> {
    let first = *bytes.get(at)?;
    let len = first.leading_zeros() as usize + 1;
    if len > 8 {
        return None;
    }
    let raw = bytes.get(at..at + len)?;
    let value = raw[1..].iter().fold(u64::from(first) & (0xFF >> len), |v, b| (v << 8) | u64::from(*b));
    let unknown = value == (1u64 << (7 * len)) - 1;
    Some((len, (!unknown).then_some(value)))
}

fn uint(body: &[u8]) -> Result<u64, String> {
    if body.len() > 8 {
        return Err(format!("an unsigned integer of {} bytes", body.len()));
    }
    Ok(body.iter().fold(0, |n, b| (n << 8) | u64::from(*b)))
}

fn float(body: &[u8]) -> Result<f64, String> {
    match body.len() {
        0 => Ok(0.0),
        4 => Ok(f64::from(f32::from_be_bytes(body.try_into().expect("four bytes")))),
        8 => Ok(f64::from_be_bytes(body.try_into().expect("eight bytes"))),
        n => Err(format!("a float of {n} bytes")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// An element with a one-byte size (bodies here are short).
    fn element(id: u32, body: &[u8]) -> Vec<u8> {
        let id = id.to_be_bytes();
        let id = &id[id.iter().position(|b| *b != 0).unwrap_or(3)..];
        [id, &[0x80 | body.len() as u8], body].concat()
    }

    fn webm(segment: &[u8]) -> Vec<u8> {
        [element(0x1A45_DFA3, &element(0x4282, b"webm")), element(SEGMENT, segment)].concat()
    }

    fn video_track(width: u8, height: u8) -> Vec<u8> {
        let video = element(VIDEO, &[element(PIXEL_WIDTH, &[width]), element(PIXEL_HEIGHT, &[height])].concat());
        element(TRACKS, &element(TRACK_ENTRY, &[element(TRACK_TYPE, &[1]), video].concat()))
    }

    #[test]
    fn elements_must_fill_the_file() {
        // An EBML header of 3 bytes, then a segment of 5 (sizes as 1-byte vints: 0x80 | n).
        let whole =
            [&[0x1A, 0x45, 0xDF, 0xA3, 0x83, 1, 2, 3][..], &[0x18, 0x53, 0x80, 0x67, 0x85, 0, 0, 0, 0, 0]].concat();
        assert!(fills(&whole));
        let mut appended = whole.clone();
        appended.extend_from_slice(b"<html></html>");
        assert!(!fills(&appended), "a page after the segment");
        assert!(!fills(&whole[..whole.len() - 1]), "a segment cut short");
        let unknown = [&whole[..8], &[0x18, 0x53, 0x80, 0x67, 0xFF, 9, 9, 9][..]].concat();
        assert!(fills(&unknown), "a live segment runs to the end");
    }

    #[test]
    fn size_and_duration_are_read_from_info_and_tracks() {
        let info = element(
            INFO,
            &[element(TIMESTAMP_SCALE, &[0x0F, 0x42, 0x40]), element(DURATION, &1.5e3f32.to_be_bytes())].concat(),
        );
        let audio = element(TRACKS, &element(TRACK_ENTRY, &element(TRACK_TYPE, &[2])));
        let file = webm(&[info, audio, video_track(200, 100), video_track(8, 8)].concat());
        assert_eq!(size_and_duration(&file), Ok(((200, 100), Some(1500))));
        let no_duration = webm(&video_track(16, 9));
        assert_eq!(size_and_duration(&no_duration), Ok(((16, 9), None)));
        let no_video = webm(&element(TRACKS, &element(TRACK_ENTRY, &element(TRACK_TYPE, &[1]))));
        assert_eq!(size_and_duration(&no_video), Err("it has no video track".into()));
    }

    #[test]
    fn what_a_file_declares_costs_no_more_than_its_length() {
        // A seek head naming itself, and a title declaring 2^55 bytes: neither is followed.
        let seek = element(0x4DBB, &[element(0x53AB, &[0x11, 0x4D, 0x9B, 0x74]), element(0x53AC, &[0])].concat());
        let looped = webm(&[element(0x114D_9B74, &seek), video_track(4, 4)].concat());
        assert_eq!(size_and_duration(&looped), Ok(((4, 4), None)));
        let huge_title = [&[0x7B, 0xA9, 0x01, 0x80, 0, 0, 0, 0, 0, 0][..], b"x"].concat();
        let claimed = webm(&[element(INFO, &huge_title), video_track(4, 4)].concat());
        assert_eq!(size_and_duration(&claimed), Err("its Info does not fit".into()));
        let cut = [element(TRACK_TYPE, &[1]), element(VIDEO, &[0xB0, 0x89, 1])].concat();
        let nested = webm(&element(TRACKS, &element(TRACK_ENTRY, &cut)));
        assert_eq!(size_and_duration(&nested), Err("its Tracks do not fit".into()));
    }
}
