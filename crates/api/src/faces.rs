//! Face templates as uploaded (CONTRACT.md §5): the checks — JPEG or PNG by their magic
//! bytes, at most 1.5 MB, each side 400..=1600 px read from the header before any pixel
//! is decoded — and the 40×40 and 120×120 PNG thumbnails behind `photos` (the centred
//! square of the image, scaled down). Each refusal is 422/8003 on `imgdata` naming the
//! limit broken. Decoding and scaling run on the blocking pool.

use std::io::Cursor;

use davomat_core::validation::{FieldCode, Reason, Rule};
use image::metadata::Orientation;
use image::{DynamicImage, ImageDecoder, ImageFormat, ImageReader, Limits};

use crate::error::{ApiError, ApiResult};

/// The input field of the image.
pub const FIELD: &str = "imgdata";
/// The largest image accepted, in bytes (1.5 MB).
pub const MAX_IMAGE_BYTES: usize = 1_572_864;
/// The shortest side accepted, in pixels.
pub const MIN_SIDE: u32 = 400;
/// The longest side accepted, in pixels.
pub const MAX_SIDE: u32 = 1600;
/// The body limit of the upload route: base64 makes 1.5 MB about 2 MB, and multipart or
/// JSON framing adds a little (CONTRACT.md §2: 3 MB).
pub const UPLOAD_BODY_LIMIT: usize = 3 * 1024 * 1024;
/// The side of `photos.small`.
pub const SMALL_SIDE: u32 = 40;
/// The side of `photos.medium`.
pub const MEDIUM_SIDE: u32 = 120;
/// What a decoder may allocate: a 1600×1600 image of 16-bit RGBA is about 20 MB.
const DECODE_ALLOC: u64 = 64 * 1024 * 1024;

/// The formats a template may have.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Format {
    Jpeg,
    Png,
}

impl Format {
    /// The format of these bytes by their signature.
    pub fn sniff(bytes: &[u8]) -> Option<Format> {
        if bytes.starts_with(&[0xFF, 0xD8, 0xFF]) {
            Some(Format::Jpeg)
        } else if bytes.starts_with(b"\x89PNG\r\n\x1a\n") {
            Some(Format::Png)
        } else {
            None
        }
    }

    /// The name stored with the template (`jpeg`, `png`).
    pub fn name(self) -> &'static str {
        match self {
            Format::Jpeg => "jpeg",
            Format::Png => "png",
        }
    }

    /// The format of a stored name.
    pub fn parse(name: &str) -> Option<Format> {
        match name {
            "jpeg" => Some(Format::Jpeg),
            "png" => Some(Format::Png),
            _ => None,
        }
    }

    pub fn content_type(self) -> &'static str {
        match self {
            Format::Jpeg => "image/jpeg",
            Format::Png => "image/png",
        }
    }

    fn image_format(self) -> ImageFormat {
        match self {
            Format::Jpeg => ImageFormat::Jpeg,
            Format::Png => ImageFormat::Png,
        }
    }
}

/// An accepted upload with its thumbnails.
#[derive(Clone, Debug)]
pub struct Template {
    pub format: Format,
    /// The sides as the header states them.
    pub width: u32,
    pub height: u32,
    /// The bytes as uploaded.
    pub original: Vec<u8>,
    /// The 40×40 PNG.
    pub small: Vec<u8>,
    /// The 120×120 PNG.
    pub medium: Vec<u8>,
}

/// The template as the use case stores it.
impl From<Template> for davomat_app::faces::Template {
    fn from(template: Template) -> Self {
        davomat_app::faces::Template {
            format: template.format.name().to_string(),
            width: i64::from(template.width),
            height: i64::from(template.height),
            original: template.original,
            small: template.small,
            medium: template.medium,
        }
    }
}

/// 422/8003 on `imgdata` with the reason.
fn refuse(rule: Rule) -> ApiError {
    ApiError::field(FIELD, FieldCode::InvalidValue, Reason::Rule(rule))
}

fn unreadable() -> ApiError {
    refuse(Rule::ImageDamaged)
}

/// Checks an upload without decoding its pixels and answers its format and sides.
pub fn inspect(bytes: &[u8]) -> ApiResult<(Format, u32, u32)> {
    let format = Format::sniff(bytes).ok_or_else(|| refuse(Rule::ImageFormat))?;
    if bytes.len() > MAX_IMAGE_BYTES {
        return Err(refuse(Rule::ImageTooLarge {
            max: MAX_IMAGE_BYTES,
            bytes: bytes.len(),
        }));
    }
    // Only the header is read here; the sides are checked by us so that the message
    // can name them (a decoder limit would only say "too large").
    let mut reader = ImageReader::with_format(Cursor::new(bytes), format.image_format());
    reader.limits(allocation_limit());
    let (width, height) = reader.into_dimensions().map_err(|_| unreadable())?;
    if width < MIN_SIDE || height < MIN_SIDE {
        return Err(refuse(Rule::ImageTooSmall {
            min: MIN_SIDE,
            width,
            height,
        }));
    }
    if width > MAX_SIDE || height > MAX_SIDE {
        return Err(refuse(Rule::ImageTooBig {
            max: MAX_SIDE,
            width,
            height,
        }));
    }
    Ok((format, width, height))
}

fn allocation_limit() -> Limits {
    let mut limits = Limits::default();
    limits.max_alloc = Some(DECODE_ALLOC);
    limits
}

/// Checks an upload, decodes it (turned upright as its EXIF orientation says) and
/// makes its thumbnails. CPU-bound: call it through [`prepare`] from async code.
pub fn process(original: Vec<u8>) -> ApiResult<Template> {
    let (format, width, height) = inspect(&original)?;
    let mut limits = allocation_limit();
    limits.max_image_width = Some(MAX_SIDE);
    limits.max_image_height = Some(MAX_SIDE);
    let mut reader = ImageReader::with_format(Cursor::new(&original[..]), format.image_format());
    reader.limits(limits);
    let mut decoder = reader.into_decoder().map_err(|_| unreadable())?;
    let orientation = decoder.orientation().unwrap_or(Orientation::NoTransforms);
    let mut image = DynamicImage::from_decoder(decoder).map_err(|_| unreadable())?;
    image.apply_orientation(orientation);
    let small = thumbnail(&image, SMALL_SIDE)?;
    let medium = thumbnail(&image, MEDIUM_SIDE)?;
    Ok(Template {
        format,
        width,
        height,
        original,
        small,
        medium,
    })
}

/// [`process`] on the blocking pool.
pub async fn prepare(original: Vec<u8>) -> ApiResult<Template> {
    tokio::task::spawn_blocking(move || process(original))
        .await
        .map_err(|e| ApiError::Internal(format!("image processing stopped: {e}")))?
}

/// The centred square of the image scaled to `side`×`side`, as a PNG.
fn thumbnail(image: &DynamicImage, side: u32) -> ApiResult<Vec<u8>> {
    let (width, height) = (image.width(), image.height());
    let square = width.min(height);
    let scaled = image
        .crop_imm((width - square) / 2, (height - square) / 2, square, square)
        .thumbnail_exact(side, side);
    // 8-bit RGB(A) whatever came in: every viewer reads it and it is small.
    let scaled = if scaled.color().has_alpha() {
        DynamicImage::ImageRgba8(scaled.to_rgba8())
    } else {
        DynamicImage::ImageRgb8(scaled.to_rgb8())
    };
    let mut out = Cursor::new(Vec::new());
    scaled
        .write_to(&mut out, ImageFormat::Png)
        .map_err(|e| ApiError::Internal(format!("thumbnail encoding failed: {e}")))?;
    Ok(out.into_inner())
}

#[cfg(test)]
mod tests {
    use super::*;
    use image::{Rgb, RgbImage};

    fn png(width: u32, height: u32) -> Vec<u8> {
        let image = RgbImage::from_fn(width, height, |x, _| {
            // Left third red, the rest blue: a centre crop of a wide image is all blue.
            if x < width / 3 {
                Rgb([255, 0, 0])
            } else {
                Rgb([0, 0, 255])
            }
        });
        let mut out = Cursor::new(Vec::new());
        DynamicImage::ImageRgb8(image)
            .write_to(&mut out, ImageFormat::Png)
            .expect("encode");
        out.into_inner()
    }

    fn rule_of(error: ApiError) -> Rule {
        match error {
            ApiError::Validation(errors) => {
                let list = errors.into_vec();
                assert_eq!(list.len(), 1);
                assert_eq!(list[0].field, FIELD);
                assert_eq!(list[0].code, FieldCode::InvalidValue);
                match &list[0].reason {
                    Reason::Rule(rule) => rule.clone(),
                    other => panic!("no rule: {other:?}"),
                }
            }
            other => panic!("not a validation error: {other:?}"),
        }
    }

    #[test]
    fn formats_are_known_by_their_signature() {
        assert_eq!(Format::sniff(&png(1, 1)), Some(Format::Png));
        assert_eq!(
            Format::sniff(&[0xFF, 0xD8, 0xFF, 0xE0, 0]),
            Some(Format::Jpeg)
        );
        assert_eq!(Format::sniff(b"GIF89a\x01\x00"), None);
        assert_eq!(Format::sniff(b""), None);
        assert_eq!(Format::parse(Format::Jpeg.name()), Some(Format::Jpeg));
        assert_eq!(Format::parse(Format::Png.name()), Some(Format::Png));
    }

    #[test]
    fn each_limit_is_named() {
        let refused = |bytes: &[u8]| rule_of(inspect(bytes).expect_err("refused"));
        assert_eq!(refused(b"GIF89a...."), Rule::ImageFormat);
        let (min, width, height) = (MIN_SIDE, 399, 500);
        assert_eq!(
            refused(&png(399, 500)),
            Rule::ImageTooSmall { min, width, height }
        );
        let (max, width, height) = (MAX_SIDE, 400, 1601);
        assert_eq!(
            refused(&png(400, 1601)),
            Rule::ImageTooBig { max, width, height }
        );
        let mut damaged = png(400, 400);
        damaged.truncate(20);
        assert_eq!(refused(&damaged), Rule::ImageDamaged);
        let mut padded = png(400, 400);
        padded.resize(MAX_IMAGE_BYTES + 1, 0);
        let bytes = MAX_IMAGE_BYTES + 1;
        assert_eq!(
            refused(&padded),
            Rule::ImageTooLarge {
                max: MAX_IMAGE_BYTES,
                bytes
            }
        );
    }

    #[test]
    fn thumbnails_are_the_centre_square() {
        let template = process(png(1200, 400)).expect("accepted");
        assert_eq!((template.width, template.height), (1200, 400));
        for (bytes, side) in [(&template.small, 40), (&template.medium, 120)] {
            let thumb = image::load_from_memory_with_format(bytes, ImageFormat::Png)
                .expect("png")
                .to_rgb8();
            assert_eq!(thumb.dimensions(), (side, side));
            // The centre 400×400 of a 1200-wide image starts at x = 400: all blue.
            assert_eq!(thumb.get_pixel(0, 0), &Rgb([0, 0, 255]));
        }
    }

    #[test]
    fn pixel_damage_after_a_good_header_is_refused() {
        let mut bytes = png(400, 400);
        let keep = bytes.len() / 2;
        bytes.truncate(keep);
        assert_eq!(
            rule_of(process(bytes).expect_err("damaged")),
            Rule::ImageDamaged
        );
    }
}
