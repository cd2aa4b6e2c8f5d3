//! A featured image as uploaded, made into the sizes the portal serves:
//! its kind read from its bytes (JPEG, PNG or WebP; anything else is
//! refused whatever it is called), decoded within limits (no bomb of a
//! picture takes the memory), and each width it is wider than or equal to
//! re-encoded as JPEG; transparency is laid on white.

use std::io::Cursor;

use image::codecs::jpeg::JpegEncoder;
use image::imageops::FilterType;
use image::{DynamicImage, ImageFormat, ImageReader, Limits, RgbImage};

use crate::Problem;

/// The widths served (`srcset`): an image narrower than one is served at
/// its own width instead, once.
pub const WIDTHS: [u32; 3] = [480, 960, 1600];
/// The largest picture decoded, in pixels each way.
pub const MAX_SIDE: u32 = 5000;

/// One size of an image, encoded.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Sized {
    pub width: u32,
    pub height: u32,
    /// `jpeg`.
    pub format: &'static str,
    pub bytes: Vec<u8>,
}

/// An uploaded image in every size served, and its own size; or why not.
pub fn sizes(bytes: &[u8]) -> Result<((u32, u32), Vec<Sized>), Problem> {
    let refused = Problem { field: "image", key: "err.news.image" };
    let format = image::guess_format(bytes).map_err(|_| refused.clone())?;
    if !matches!(format, ImageFormat::Jpeg | ImageFormat::Png | ImageFormat::WebP) {
        return Err(refused);
    }
    let mut reader = ImageReader::with_format(Cursor::new(bytes), format);
    let mut limits = Limits::default();
    limits.max_image_width = Some(MAX_SIDE);
    limits.max_image_height = Some(MAX_SIDE);
    limits.max_alloc = Some(128 << 20);
    reader.limits(limits);
    let img = reader.decode().map_err(|_| Problem { field: "image", key: "err.news.image_broken" })?;
    let rgb = on_white(&img);
    let (w, h) = rgb.dimensions();
    if w < 16 || h < 16 {
        return Err(Problem { field: "image", key: "err.news.image_small" });
    }
    let mut widths: Vec<u32> = WIDTHS.iter().copied().filter(|x| *x < w).collect();
    if widths.len() < WIDTHS.len() {
        widths.push(w);
    }
    let mut out = Vec::new();
    for width in widths {
        let resized = if width == w {
            rgb.clone()
        } else {
            let height = ((u64::from(h) * u64::from(width)) / u64::from(w)).max(1) as u32;
            image::imageops::resize(&rgb, width, height, FilterType::Triangle)
        };
        let mut buf = Vec::new();
        JpegEncoder::new_with_quality(&mut buf, 82)
            .encode_image(&resized)
            .map_err(|_| Problem { field: "image", key: "err.news.image_broken" })?;
        out.push(Sized { width, height: resized.height(), format: "jpeg", bytes: buf });
    }
    Ok(((w, h), out))
}

/// The picture's colours, transparency laid on white.
fn on_white(img: &DynamicImage) -> RgbImage {
    if !img.color().has_alpha() {
        return img.to_rgb8();
    }
    let rgba = img.to_rgba8();
    RgbImage::from_fn(rgba.width(), rgba.height(), |x, y| {
        let p = rgba.get_pixel(x, y).0;
        let a = u32::from(p[3]);
        let mix = |c: u8| ((u32::from(c) * a + 255 * (255 - a)) / 255) as u8;
        image::Rgb([mix(p[0]), mix(p[1]), mix(p[2])])
    })
}
