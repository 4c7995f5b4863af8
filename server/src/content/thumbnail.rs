//! Thumbnails for the queue: a result image larger than 256 px on a side gets a PNG copy
//! that fits 256 × 256 with its proportions kept, so a long list never loads full-size
//! pictures. Smaller images are their own thumbnail. A video's poster (any size, PNG,
//! JPEG or WebP) always becomes such a PNG.

use image::ImageFormat;
use std::io::Cursor;

/// The longest side of a thumbnail, in pixels.
pub const SIDE: u32 = 256;

/// A thumbnail of the image in `bytes`, or `None` when the image is small enough to
/// show as it is or cannot be decoded (the queue then shows the image itself).
pub fn thumbnail(bytes: &[u8]) -> Option<Vec<u8>> {
    fitted(bytes, false)
}

/// A video's poster as a PNG that fits 256 × 256, or `None` when it cannot be decoded.
pub fn poster(bytes: &[u8]) -> Option<Vec<u8>> {
    fitted(bytes, true)
}

fn fitted(bytes: &[u8], small_too: bool) -> Option<Vec<u8>> {
    let image = image::load_from_memory(bytes).inspect_err(|e| tracing::warn!("making a thumbnail: {e}")).ok()?;
    if image.width().max(image.height()) <= SIDE && !small_too {
        return None;
    }
    let mut png = Cursor::new(Vec::new());
    image.thumbnail(SIDE, SIDE).write_to(&mut png, ImageFormat::Png).ok()?;
    Some(png.into_inner())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn png(width: u32, height: u32) -> Vec<u8> {
        let mut bytes = Cursor::new(Vec::new());
        image::RgbImage::from_pixel(width, height, image::Rgb([30, 90, 200]))
            .write_to(&mut bytes, ImageFormat::Png)
            .unwrap();
        bytes.into_inner()
    }

    #[test]
    fn large_images_shrink_to_fit_keeping_their_proportions() {
        let thumb = thumbnail(&png(1536, 1024)).expect("a thumbnail");
        let decoded = image::load_from_memory_with_format(&thumb, ImageFormat::Png).unwrap();
        assert_eq!((decoded.width(), decoded.height()), (256, 171));
        let tall = image::load_from_memory(&thumbnail(&png(1024, 1536)).unwrap()).unwrap();
        assert_eq!((tall.width(), tall.height()), (171, 256));
    }

    #[test]
    fn small_or_undecodable_images_have_none() {
        assert_eq!(thumbnail(&png(256, 100)), None);
        assert_eq!(thumbnail(b"<!DOCTYPE html>"), None);
    }

    #[test]
    fn posters_always_become_a_fitting_png() {
        let small = poster(&png(120, 90)).expect("a poster");
        assert_eq!(image::guess_format(&small).unwrap(), ImageFormat::Png);
        let large = image::load_from_memory(&poster(&png(854, 480)).unwrap()).unwrap();
        assert_eq!((large.width(), large.height()), (256, 144));
        assert_eq!(poster(b"not a picture"), None);
    }
}
