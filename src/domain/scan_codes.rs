//! Our QR codes read back from a scan or photo of our paper (see [`DocCode`]): pure
//! computation on the bytes, no IO, so the platform (on every upload) and the counter
//! (on the file a clerk names, before it is sent) read a scan the same way. Bounded: at
//! most [`MAX_PIXELS`] and 160 MB decoded, and a time budget across the attempts (large
//! photos scaled down first, then other scales, sharpened, and a quarter turn).

use std::time::{Duration, Instant};

use image::{DynamicImage, GrayImage, imageops::FilterType};

use super::{DocCode, MAX_PIXELS};

/// How long one scan may be looked at before the attempts stop.
const BUDGET: Duration = Duration::from_secs(6);

/// What a scan holds.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Scanned {
    /// Our codes read from it (possibly none).
    Codes(Vec<DocCode>),
    /// A PDF, not looked into.
    Pdf,
    /// One of the platform's own PDF files, as it made it (its codes are in its metadata,
    /// see [`generated_codes`]): the document itself, not a scan or photo of the paper.
    Generated(Vec<DocCode>),
    /// An image that could not be decoded.
    Unreadable,
}

/// The codes a PDF the platform made names in its metadata (each page's code, as a
/// keyword), without drawing it; none for any other file. A scan of the printed paper
/// carries no such metadata, so a non-empty answer means the file itself was sent.
pub fn generated_codes(data: &[u8]) -> Vec<DocCode> {
    const MARK: &[u8] = b"CAC:";
    let mut found: Vec<DocCode> = Vec::new();
    let mut rest = data;
    while let Some(at) = rest.windows(MARK.len()).position(|w| w == MARK) {
        let tail = &rest[at..];
        let len = tail
            .iter()
            .take(64)
            .take_while(|b| b.is_ascii_alphanumeric() || matches!(b, b':' | b'/'))
            .count();
        if let Some(code) = std::str::from_utf8(&tail[..len])
            .ok()
            .and_then(DocCode::parse)
            && !found.contains(&code)
        {
            found.push(code);
        }
        rest = &tail[len.max(MARK.len())..];
    }
    found
}

/// The most pages of a PDF looked at for a code: a form has one or two, each coded.
const PDF_PAGES_READ: usize = 2;

/// What the pictures of a scanner's PDF hold ([`pdf_page_codes`]).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PdfPages {
    /// Our codes on its first pages (none, perhaps).
    Codes(Vec<DocCode>),
    /// Every page is a picture as good as blank (a sheet fed face down): nothing on it.
    Blank,
}

/// Our codes on a scanner's PDF: each of its first pages is a picture — a JPEG, as
/// scanners and phones write them, or 8-bit grey or colour pixels deflated — read as a
/// photo is, within the one budget; [`PdfPages::Blank`] when it has no more pages than
/// are read and each is a picture as good as blank (as [`read_picture`] judges one).
/// `None` when no page is such a picture (a document drawn, not scanned; a fax's
/// black-and-white coding): nothing could be read. It parses the PDF: run only where that
/// is bounded (the upload check's own process, after `inspect` measured the file).
pub fn pdf_page_codes(data: &[u8]) -> Option<PdfPages> {
    let pdf = hayro_syntax::Pdf::new(data.to_vec()).ok()?;
    let deadline = Instant::now() + BUDGET;
    let pages = pdf.pages();
    let (mut read, mut blank) = (0, 0);
    let mut found: Vec<DocCode> = Vec::new();
    for page in pages.iter().take(PDF_PAGES_READ) {
        let Some(picture) = page_picture(page) else {
            continue;
        };
        read += 1;
        if is_blank(&picture) && only_a_picture(page) {
            blank += 1;
            continue;
        }
        for code in find_codes(&picture, deadline) {
            if !found.contains(&code) {
                found.push(code);
            }
        }
        // One page's code names the paper; past the budget, none more is looked at.
        if !found.is_empty() || Instant::now() >= deadline {
            break;
        }
    }
    if read == 0 {
        return None;
    }
    Some(if blank == pages.len() {
        PdfPages::Blank
    } else {
        PdfPages::Codes(found)
    })
}

/// Whether `page` is nothing but its one picture, drawn: no other image (a "compact" scan
/// keeps the ink in a layer of its own over a pale background), no font (text, an OCR
/// layer), and a content stream that only places the picture. Only then is a blank
/// picture a blank page.
fn only_a_picture(page: &hayro_syntax::page::Page<'_>) -> bool {
    /// Longer than `q w 0 0 h 0 0 cm /Im0 Do Q` needs: more is drawn there.
    const PLACING_ONLY: usize = 200;
    let resources = page.resources();
    resources.x_objects.keys().count() == 1
        && resources.fonts.keys().count() == 0
        && page
            .page_stream()
            .is_some_and(|stream| stream.len() <= PLACING_ONLY)
}

/// The picture a scanned page is.
enum PagePicture {
    /// A JPEG's own bytes (`/DCTDecode`).
    Jpeg(Vec<u8>),
    /// Pixels deflated, in grey.
    Gray(GrayImage),
}

/// The largest picture drawn on `page`, in grey: a JPEG decoded as an upload is (bounded),
/// or 8-bit grey or RGB pixels deflated; `None` for any other kind, or none.
fn page_picture(page: &hayro_syntax::page::Page<'_>) -> Option<GrayImage> {
    match picture_of(page)? {
        PagePicture::Jpeg(bytes) => decode_gray(&bytes),
        PagePicture::Gray(image) => Some(image),
    }
}

/// A page of a scanner's PDF (`index` from 0) as a picture, to be shown where a PDF cannot
/// be: the JPEG it holds as it is (`true`), or its deflated pixels as a grey PNG (`false`);
/// `None` when there is no such page or it is no such picture. It parses the PDF: run only
/// where that is bounded (the upload check's own process).
pub fn pdf_page_picture(data: &[u8], index: usize) -> Option<(Vec<u8>, bool)> {
    let pdf = hayro_syntax::Pdf::new(data.to_vec()).ok()?;
    match picture_of(pdf.pages().get(index)?)? {
        PagePicture::Jpeg(bytes) => Some((bytes, true)),
        PagePicture::Gray(image) => {
            let mut out = std::io::Cursor::new(Vec::new());
            DynamicImage::ImageLuma8(image)
                .write_to(&mut out, image::ImageFormat::Png)
                .ok()?;
            Some((out.into_inner(), false))
        }
    }
}

/// The picture that is `page`, as it is stored: a JPEG's bytes, or 8-bit grey or RGB pixels
/// deflated (greyed, within [`MAX_PIXELS`]; the inflating itself is bounded only by the
/// check's process). Only a picture that stands for the whole page — its proportions the
/// page's within a tenth, turned or not, at least [`SCAN_SHORTER_SIDE`] pixels across — as
/// a scanner or a phone makes one: a logo or a pasted signature on a drawn document is not taken for the document.
/// Of several, the largest that can be read.
fn picture_of(page: &hayro_syntax::page::Page<'_>) -> Option<PagePicture> {
    use hayro_syntax::object::{Name, Stream};
    let media = page.media_box();
    let (page_w, page_h) = ((media.x1 - media.x0).abs(), (media.y1 - media.y0).abs());
    if page_w < 1.0 || page_h < 1.0 {
        return None;
    }
    let stands_for_page = |width: u32, height: u32| {
        let (w, h) = (f64::from(width), f64::from(height));
        let close = |a: f64, b: f64| (a - b).abs() <= 0.10 * b;
        let shaped = close(w / h, page_w / page_h) || close(h / w, page_w / page_h);
        shaped && width.min(height) >= SCAN_SHORTER_SIDE
    };
    let objects = &page.resources().x_objects;
    let mut pictures: Vec<(u64, u32, u32, Stream<'_>)> = Vec::new();
    for key in objects.keys() {
        let Some(stream) = objects.get::<Stream<'_>>(key.as_ref()) else {
            continue;
        };
        let dict = stream.dict();
        let image = dict
            .get::<Name<'_>>(b"Subtype")
            .is_some_and(|n| n.as_ref() == b"Image");
        let (Some(width), Some(height)) = (dict.get::<u32>(b"Width"), dict.get::<u32>(b"Height"))
        else {
            continue;
        };
        if image && width > 0 && height > 0 && stands_for_page(width, height) {
            pictures.push((u64::from(width) * u64::from(height), width, height, stream));
        }
    }
    pictures.sort_by_key(|(area, ..)| std::cmp::Reverse(*area));
    pictures
        .into_iter()
        .find_map(|(area, width, height, stream)| stored_picture(&stream, area, width, height))
}

/// The fewest pixels across a picture taken for a scan of its page: a phone photo, or A4
/// at the coarsest scanner setting (100 dpi, 827 px), has more whatever resolution its PDF
/// claims (a photo saved at 72 dpi fills the page too); a thumbnail or an icon does not.
const SCAN_SHORTER_SIDE: u32 = 600;

/// `stream`'s picture when it is one this reads: a JPEG, or deflated 8-bit grey or RGB
/// (also as an ICC profile of 1 or 3 components).
fn stored_picture(
    stream: &hayro_syntax::object::Stream<'_>,
    area: u64,
    width: u32,
    height: u32,
) -> Option<PagePicture> {
    use hayro_syntax::Filter;
    use hayro_syntax::object::{Array, Name};
    let dict = stream.dict();
    // Inverted or remapped samples would be read (and shown) as a negative.
    if dict.contains_key(b"Decode") {
        return None;
    }
    match stream.filters().as_slice() {
        // Only one whose header reads: a larger JPEG that does not hides no smaller one.
        [Filter::DctDecode] => {
            let bytes = stream.raw_data().into_owned();
            image::ImageReader::new(std::io::Cursor::new(&bytes))
                .with_guessed_format()
                .ok()?
                .into_dimensions()
                .ok()?;
            Some(PagePicture::Jpeg(bytes))
        }
        [Filter::FlateDecode] => {
            let named = |n: &Name<'_>| -> Option<u64> {
                match n.as_ref() {
                    b"DeviceGray" | b"CalGray" => Some(1),
                    b"DeviceRGB" | b"CalRGB" => Some(3),
                    _ => None,
                }
            };
            let channels: u64 = match dict.get::<Name<'_>>(b"ColorSpace") {
                Some(n) => named(&n)?,
                // `[/ICCBased profile]`: its component count.
                None => {
                    use hayro_syntax::object::Object;
                    let space = dict.get::<Array<'_>>(b"ColorSpace")?;
                    let mut items = space.iter::<Object<'_>>();
                    match (items.next()?, items.next()) {
                        (Object::Name(n), Some(Object::Stream(profile)))
                            if n.as_ref() == b"ICCBased" =>
                        {
                            match profile.dict().get::<u32>(b"N")? {
                                1 => 1,
                                3 => 3,
                                _ => return None,
                            }
                        }
                        (Object::Name(n), _) => named(&n)?,
                        _ => return None,
                    }
                }
            };
            if dict.get::<u32>(b"BitsPerComponent") != Some(8)
                || area > MAX_PIXELS
                || area * channels > super::filetype::MAX_DECODED_BYTES
            {
                return None;
            }
            let pixels = stream.decoded().ok()?;
            let row = usize::try_from(u64::from(width) * channels).ok()?;
            let needed = row.checked_mul(usize::try_from(height).ok()?)?;
            if pixels.len() < needed {
                return None;
            }
            let step = usize::try_from(channels).ok()?;
            Some(PagePicture::Gray(GrayImage::from_fn(
                width,
                height,
                |x, y| {
                    let at = y as usize * row + x as usize * step;
                    let luma = if step == 1 {
                        pixels[at]
                    } else {
                        // ITU-R 601 weights, as the image crate greys a picture.
                        let (r, g, b) = (
                            u32::from(pixels[at]),
                            u32::from(pixels[at + 1]),
                            u32::from(pixels[at + 2]),
                        );
                        ((r * 299 + g * 587 + b * 114) / 1000) as u8
                    };
                    image::Luma([luma])
                },
            )))
        }
        _ => None,
    }
}

/// Decodes an image (JPEG or PNG) and reads every one of our codes on it.
pub fn read_codes(data: &[u8]) -> Scanned {
    read_picture(data).0
}

/// The codes of the picture `data` ([`read_codes`]), and whether it is as good as blank —
/// a white page, a photo of the table, a screen captured dark — from one decoding: less
/// of it than [`blank_ink`] says stands out from its background (its commonest level of
/// grey) by more than [`INK_CONTRAST`] levels (a scan's noise is a few). A bank's slip
/// scanned small on a white A4 page still has thousands of such pixels; a picture that
/// cannot be decoded is not said to be blank. A picture with transparency is judged on
/// white, as a viewer shows it, and then on black (white text exported on a transparent
/// background). A blank picture is not searched for codes (it has none).
pub fn read_picture(data: &[u8]) -> (Scanned, bool) {
    let Some(image) = decode_upright(data) else {
        return (Scanned::Unreadable, false);
    };
    let read = |gray: &GrayImage| {
        (
            Scanned::Codes(find_codes(gray, Instant::now() + BUDGET)),
            false,
        )
    };
    if !image.color().has_alpha() {
        let gray = image.into_luma8();
        return if is_blank(&gray) {
            (Scanned::Codes(Vec::new()), true)
        } else {
            read(&gray)
        };
    }
    let with_alpha = image.into_luma_alpha8();
    let on_white = flattened(&with_alpha, 255);
    if !is_blank(&on_white) {
        return read(&on_white);
    }
    // Light drawing on a transparent background (a dark-mode app's export): on black, as
    // that app shows it.
    let on_black = flattened(&with_alpha, 0);
    if !is_blank(&on_black) {
        return read(&on_black);
    }
    (Scanned::Codes(Vec::new()), true)
}

/// How far (levels of grey) from the background a pixel is ink: past a scanner's or a
/// camera's noise, and a page's shading.
const INK_CONTRAST: usize = 32;

/// The least ink (pixels) a picture of `total` pixels that is not blank has: one in
/// 20,000, and at least 64 — a few characters of 9-point text at 300 dpi on an A4 page (a
/// faint thermal receipt photographed small must pass: refused, a customer is stuck; let
/// through, a reviewer looks once).
fn blank_ink(total: u64) -> u64 {
    (total / 20_000).max(64)
}

fn is_blank(image: &GrayImage) -> bool {
    let mut counts = [0_u64; 256];
    for pixel in image.pixels() {
        counts[usize::from(pixel.0[0])] += 1;
    }
    let total: u64 = counts.iter().sum();
    let background = (0..256).max_by_key(|&level| counts[level]).unwrap_or(255);
    let ink: u64 = (0..256)
        .filter(|&level: &usize| level.abs_diff(background) > INK_CONTRAST)
        .map(|level| counts[level])
        .sum();
    ink < blank_ink(total)
}

/// The image in grey, turned the way the camera was held; `None` when it cannot be read
/// or is larger than [`MAX_PIXELS`].
fn decode_gray(data: &[u8]) -> Option<GrayImage> {
    decode_upright(data).map(|image| {
        if image.color().has_alpha() {
            // On white, as a viewer shows it: a transparent background is no black page.
            flattened(&image.into_luma_alpha8(), 255)
        } else {
            image.into_luma8()
        }
    })
}

/// `image` laid on a background of grey `under` (255 white, 0 black).
fn flattened(image: &image::GrayAlphaImage, under: u8) -> GrayImage {
    let under = u16::from(under);
    GrayImage::from_fn(image.width(), image.height(), |x, y| {
        let [level, alpha] = image.get_pixel(x, y).0;
        let (level, alpha) = (u16::from(level), u16::from(alpha));
        image::Luma([((level * alpha + under * (255 - alpha)) / 255) as u8])
    })
}

/// An uploaded image decoded safely — refusing decompression bombs (at most [`MAX_PIXELS`],
/// 16,000 px a side, 160 MB) — and turned the way the camera was held (EXIF orientation);
/// `None` when it cannot be read. The one decoding of scans: code reading here, previews on
/// the platform.
pub fn decode_upright(data: &[u8]) -> Option<DynamicImage> {
    decode_upright_or_size(data).ok()
}

/// [`decode_upright`], saying why not: `Err(Some(size))` for a picture larger than it
/// decodes (its width and height), `Err(None)` for one it cannot read.
pub fn decode_upright_or_size(data: &[u8]) -> Result<DynamicImage, Option<(u32, u32)>> {
    use image::ImageDecoder;
    let reader = || {
        image::ImageReader::new(std::io::Cursor::new(data))
            .with_guessed_format()
            .ok()
    };
    let (w, h) = reader()
        .and_then(|r| r.into_dimensions().ok())
        .ok_or(None)?;
    if u64::from(w) * u64::from(h) > MAX_PIXELS || w > MAX_SIDE || h > MAX_SIDE {
        return Err(Some((w, h)));
    }
    let mut reader = reader().ok_or(None)?;
    let mut limits = image::Limits::default();
    limits.max_image_width = Some(MAX_SIDE);
    limits.max_image_height = Some(MAX_SIDE);
    limits.max_alloc = Some(160 * 1024 * 1024);
    reader.limits(limits);
    let mut decoder = reader.into_decoder().map_err(|_| None)?;
    let orientation = decoder.orientation().ok();
    let mut image = DynamicImage::from_decoder(decoder).map_err(|_| None)?;
    if let Some(orientation) = orientation {
        image.apply_orientation(orientation);
    }
    Ok(image)
}

/// The longest side [`decode_upright`] decodes.
pub const MAX_SIDE: u32 = 16_000;

/// The longer side a page is brought to first: a whole A4 page photographed or scanned
/// then has its code's modules (0.8 mm) about six pixels wide, which the detector reads
/// best; a flat-bed scan at 100–150 dpi is enlarged to it, a phone photo shrunk.
const FIRST_SIDE: u32 = 2400;

/// The smallest picture (its longer side) worth enlarging: under it, even a page that
/// fills the picture has our code's modules (0.8 mm of 297) about a pixel wide, which no
/// scaling brings back; such a thumbnail is looked at only as it came.
const SMALLEST_ENLARGED: u32 = 400;

/// Our codes on `image`: the first attempt that reads any wins. A picture no larger than
/// [`FIRST_SIDE`] as it came (quickest, and a good scan reads at once), then the page at
/// [`FIRST_SIDE`] (a phone photo shrunk, a low-resolution scan enlarged), then smaller,
/// then sharpened (a soft photo's modules run together), then each turned a quarter. Each
/// scaled or sharpened picture is made once and kept for its quarter turn: a page with no
/// code goes through every attempt, and scaling is most of an attempt's work.
fn find_codes(image: &GrayImage, deadline: Instant) -> Vec<DocCode> {
    // Noise, as it came (enlarged, it is smoothed into blobs that look like anything).
    if busyness(image) > TOO_BUSY {
        return Vec::new();
    }
    let long = image.width().max(image.height());
    let mut attempts: Vec<(u32, bool)> = Vec::new();
    if long < FIRST_SIDE {
        attempts.push((long, false));
    }
    if long >= SMALLEST_ENLARGED {
        attempts.push((FIRST_SIDE, false));
        attempts.push((1600, false));
        attempts.push((FIRST_SIDE, true));
    }
    let mut made: Vec<GrayImage> = Vec::with_capacity(attempts.len());
    for quarter in [false, true] {
        for (i, &(side, sharpen)) in attempts.iter().enumerate() {
            if Instant::now() > deadline {
                return Vec::new();
            }
            let codes = if quarter {
                // Through `DynamicImage`'s own methods: their pixel loops are compiled
                // with the image crate (optimised even in a debug build), not here.
                let Some(upright) = made.get(i) else {
                    return Vec::new();
                };
                codes_in(
                    &DynamicImage::ImageLuma8(upright.clone())
                        .rotate90()
                        .into_luma8(),
                )
            } else {
                let picture = if sharpen {
                    let plain = attempts
                        .iter()
                        .position(|&a| a == (side, false))
                        .and_then(|j| made.get(j))
                        .map_or_else(|| resized(image, long, side), GrayImage::clone);
                    DynamicImage::ImageLuma8(plain)
                        .unsharpen(1.5, 0)
                        .into_luma8()
                } else {
                    resized(image, long, side)
                };
                let codes = codes_in(&picture);
                made.push(picture);
                codes
            };
            if !codes.is_empty() {
                return codes;
            }
        }
    }
    Vec::new()
}

/// `image` with its longer side (`long`) made `side`.
fn resized(image: &GrayImage, long: u32, side: u32) -> GrayImage {
    if side == long {
        return image.clone();
    }
    let factor = f64::from(side) / f64::from(long);
    let w = ((f64::from(image.width()) * factor).round() as u32).max(1);
    let h = ((f64::from(image.height()) * factor).round() as u32).max(1);
    let filter = if side > long {
        FilterType::CatmullRom
    } else {
        FilterType::Triangle
    };
    DynamicImage::ImageLuma8(image.clone())
        .resize_exact(w, h, filter)
        .into_luma8()
}

/// The share of neighbouring pixels, side by side, on either side of the picture's mean
/// grey: a page (text, a code, margins) changes there a few times a row in a hundred
/// pixels; noise, at every other pixel.
fn busyness(image: &GrayImage) -> f64 {
    let raw = image.as_raw();
    let w = image.width() as usize;
    if raw.is_empty() || w < 2 {
        return 0.0;
    }
    let mean = raw.iter().map(|&p| u64::from(p)).sum::<u64>() / raw.len() as u64;
    let dark = |p: u8| u64::from(p) < mean;
    let changes = raw
        .chunks(w)
        .map(|row| row.windows(2).filter(|p| dark(p[0]) != dark(p[1])).count())
        .sum::<usize>();
    changes as f64 / raw.len() as f64
}

/// Above this [`busyness`] a picture as it came holds no code the detector could read, and
/// its candidates are without end (a picture of noise kept it busy for minutes, unbounded
/// by the budget, which is looked at between attempts; the upload gives up waiting on it,
/// see `server::scan_match::scan`).
const TOO_BUSY: f64 = 0.3;

/// Every code of ours the detector reads on `image`, each page once.
fn codes_in(image: &GrayImage) -> Vec<DocCode> {
    let (w, h) = (image.width() as usize, image.height() as usize);
    let raw = image.as_raw();
    let mut prepared = rqrr::PreparedImage::prepare_from_greyscale(w, h, |x, y| raw[y * w + x]);
    let mut codes: Vec<DocCode> = prepared
        .detect_grids()
        .iter()
        .filter_map(|grid| grid.decode().ok())
        .filter_map(|(_, text)| DocCode::parse(&text))
        .collect();
    codes.sort_by_key(|c| (c.subject.number().to_owned(), c.page));
    codes.dedup();
    codes
}

#[cfg(test)]
mod tests {

    /// A white page, a grey one with a little noise, are blank; a page with a line of
    /// text, a gradient, are not.
    #[test]
    fn a_picture_with_nothing_on_it_is_blank() {
        use image::Luma;
        let white = GrayImage::from_pixel(400, 600, Luma([252]));
        assert!(is_blank(&white));
        let noisy =
            GrayImage::from_fn(400, 600, |x, y| Luma([180 + ((x * 7 + y * 13) % 11) as u8]));
        assert!(is_blank(&noisy));
        let text = GrayImage::from_fn(400, 600, |x, y| {
            Luma([if (100..112).contains(&y) && x % 9 < 5 {
                20
            } else {
                250
            }])
        });
        assert!(!is_blank(&text));
        // A small slip scanned on a whole A4 page at 300 dpi: six short lines of ink, a
        // fraction of a percent of the page, is no blank page.
        let slip = GrayImage::from_fn(2480, 3508, |x, y| {
            let line = (300..1200).contains(&x) && (400..700).contains(&y) && (y / 8) % 6 == 0;
            Luma([if line && x % 4 < 2 { 30 } else { 248 }])
        });
        assert!(!is_blank(&slip));
        // Black text on a transparent background is text on white, as it is shown.
        let mut clear = image::RgbaImage::from_pixel(300, 300, image::Rgba([0, 0, 0, 0]));
        for x in 20..280 {
            for y in (40..260).step_by(20) {
                clear.put_pixel(x, y, image::Rgba([0, 0, 0, 255]));
            }
        }
        let mut png = std::io::Cursor::new(Vec::new());
        DynamicImage::ImageRgba8(clear)
            .write_to(&mut png, image::ImageFormat::Png)
            .expect("png");
        assert!(!read_picture(png.get_ref()).1);
        // White text on a transparent background (a dark-mode app's export) is text too;
        // a wholly transparent picture is blank.
        let mut light = image::RgbaImage::from_pixel(300, 300, image::Rgba([0, 0, 0, 0]));
        for x in 20..280 {
            for y in (40..260).step_by(20) {
                light.put_pixel(x, y, image::Rgba([255, 255, 255, 255]));
            }
        }
        let mut png = std::io::Cursor::new(Vec::new());
        DynamicImage::ImageRgba8(light)
            .write_to(&mut png, image::ImageFormat::Png)
            .expect("png");
        assert!(!read_picture(png.get_ref()).1);
        let mut png = std::io::Cursor::new(Vec::new());
        DynamicImage::ImageRgba8(image::RgbaImage::from_pixel(
            300,
            300,
            image::Rgba([9, 9, 9, 0]),
        ))
        .write_to(&mut png, image::ImageFormat::Png)
        .expect("png");
        assert!(read_picture(png.get_ref()).1);
        let gradient = GrayImage::from_fn(400, 600, |x, _| Luma([(x % 256) as u8]));
        assert!(!is_blank(&gradient));
    }

    use super::*;
    use crate::domain::{DocKind, DocSubject};

    /// A one-page PDF of `media` points whose page draws a grey JPEG of `w`×`h`, as
    /// Pillow and scanners write one (a cross-reference table the parser rebuilds).
    fn picture_pdf(media: (&str, &str), w: u32, h: u32) -> Vec<u8> {
        // A page with lines of ink on it.
        let page = GrayImage::from_fn(w, h, |_, y| {
            image::Luma([if y % 40 < 3 { 20 } else { 235 }])
        });
        pdf_of(media, &page, ONLY_THE_PICTURE)
    }

    /// A page's resources with its picture alone.
    const ONLY_THE_PICTURE: &str = "/XObject << /Im 4 0 R >>";

    /// A PDF of one page that is `picture`, as a JPEG (`/Im`), with `resources`.
    fn pdf_of(media: (&str, &str), picture: &GrayImage, resources: &str) -> Vec<u8> {
        let (w, h) = picture.dimensions();
        let mut jpeg = std::io::Cursor::new(Vec::new());
        DynamicImage::ImageLuma8(picture.clone())
            .write_to(&mut jpeg, image::ImageFormat::Jpeg)
            .unwrap_or_else(|e| panic!("{e}"));
        let jpeg = jpeg.into_inner();
        let mut out = b"%PDF-1.4\n1 0 obj<< /Type /Catalog /Pages 2 0 R >>endobj\n\
            2 0 obj<< /Type /Pages /Kids [3 0 R] /Count 1 >>endobj\n"
            .to_vec();
        out.extend_from_slice(
            format!(
                "3 0 obj<< /Type /Page /Parent 2 0 R /MediaBox [0 0 {} {}] \
                 /Resources << {resources} >> /Contents 5 0 R >>endobj\n\
                 4 0 obj<< /Type /XObject /Subtype /Image /Width {w} /Height {h} \
                 /ColorSpace /DeviceGray /BitsPerComponent 8 /Filter /DCTDecode /Length {} >>\nstream\n",
                media.0,
                media.1,
                jpeg.len()
            )
            .as_bytes(),
        );
        out.extend_from_slice(&jpeg);
        out.extend_from_slice(
            b"\nendstream\nendobj\n5 0 obj<< /Length 8 >>\nstream\n/Im Do Q\nendstream\nendobj\n\
              trailer<< /Root 1 0 R >>\n%%EOF\n",
        );
        out
    }

    /// A page's picture is taken for the scan of it when it is the page — its proportions,
    /// a scan's pixels, whatever resolution the PDF claims (Pillow's 100 dpi page, a phone
    /// photo saved at 72 dpi, a 4:3 photo fitted to A4) — not a logo or a thumbnail on it.
    #[test]
    fn only_a_picture_that_is_its_page_is_taken_for_a_scan() {
        let scan = picture_pdf(("595.44", "841.68"), 827, 1169);
        assert!(pdf_page_picture(&scan, 0).is_some_and(|(_, jpeg)| jpeg));
        assert!(pdf_page_picture(&scan, 1).is_none(), "no second page");
        assert_eq!(
            pdf_page_codes(&scan),
            Some(PdfPages::Codes(Vec::new())),
            "read, no code"
        );
        // A sheet fed face down: a white page, scanned.
        let white = GrayImage::from_pixel(827, 1169, image::Luma([247]));
        let blank = pdf_of(("595.44", "841.68"), &white, ONLY_THE_PICTURE);
        assert_eq!(pdf_page_codes(&blank), Some(PdfPages::Blank));
        // A pale picture under text (a font) or beside another layer (a "compact" scan's
        // ink): the page is not blank, whatever its picture is.
        for more in [
            "/XObject << /Im 4 0 R >> /Font << /F1 6 0 R >>",
            "/XObject << /Im 4 0 R /Ink 6 0 R >>",
        ] {
            let drawn = pdf_of(("595.44", "841.68"), &white, more);
            assert_eq!(
                pdf_page_codes(&drawn),
                Some(PdfPages::Codes(Vec::new())),
                "{more}"
            );
        }
        let turned = picture_pdf(("841.68", "595.44"), 827, 1169);
        assert!(pdf_page_picture(&turned, 0).is_some(), "a page turned");
        let photo = picture_pdf(("756", "1008"), 756, 1008);
        assert!(pdf_page_picture(&photo, 0).is_some(), "a photo at 72 dpi");
        let fitted = picture_pdf(("595", "842"), 900, 1200);
        assert!(pdf_page_picture(&fitted, 0).is_some(), "4:3 fitted to A4");
        for (media, w, h) in [(("595", "842"), 200, 60), (("595", "842"), 300, 424)] {
            let pdf = picture_pdf(media, w, h);
            assert!(pdf_page_picture(&pdf, 0).is_none(), "{w}x{h}");
            assert_eq!(pdf_page_codes(&pdf), None, "{w}x{h}");
        }
    }

    #[test]
    fn a_file_the_platform_made_names_its_codes_in_its_metadata() {
        let made = b"%PDF-1.7\n1 0 obj << /Keywords (CAC:F:O:HN20261205000001:1/2:K3Q9, \
                     CAC:F:O:HN20261205000001:2/2:K3Q9) >> endobj\n<pdf:Keywords>\
                     CAC:F:O:HN20261205000001:1/2:K3Q9</pdf:Keywords>";
        let codes = generated_codes(made);
        assert_eq!(codes.len(), 2, "{codes:?}");
        assert_eq!(codes[0].kind, DocKind::Form);
        assert_eq!(
            codes[0].subject,
            DocSubject::Order("HN20261205000001".into())
        );
        assert_eq!(codes[1].page, 2);
        assert_eq!(codes[0].edition.as_deref(), Some("K3Q9"));
        // A scanner's PDF, or text that only starts like a code: none.
        assert!(generated_codes(b"%PDF-1.4 /Producer (Canon) CAC: CAC:X").is_empty());
        assert!(generated_codes(b"").is_empty());
    }
}
#[cfg(test)]
mod noise {
    /// A picture of noise is given up at once: the detector found candidates in it without
    /// end, for minutes.
    #[test]
    fn a_picture_of_noise_is_not_searched() {
        let mut seed = 12345u64;
        let img = image::RgbImage::from_fn(500, 700, |_, _| {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            image::Rgb([seed as u8, (seed >> 8) as u8, (seed >> 16) as u8])
        });
        let mut out = std::io::Cursor::new(Vec::new());
        img.write_to(&mut out, image::ImageFormat::Png)
            .unwrap_or_default();
        let started = std::time::Instant::now();
        assert_eq!(
            super::read_codes(&out.into_inner()),
            super::Scanned::Codes(Vec::new())
        );
        assert!(started.elapsed() < std::time::Duration::from_secs(5));
    }
}
