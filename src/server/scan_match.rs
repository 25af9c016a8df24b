//! Reads the QR codes printed on our paper back from an uploaded scan, so a signed form
//! finds its order by itself (see `domain::DocCode`). Bounded like the previews: at most
//! 40 megapixels and 160 MB decoded, two decodes at a time per instance, off the async
//! workers, and a time budget across the attempts (large photos scaled down first, then
//! other scales and a quarter turn).

use std::time::{Duration, Instant};

use image::{DynamicImage, GrayImage, imageops::FilterType};

use crate::api::{ScanCheck, ScanOutcome};
use crate::domain::{DocCode, DocSubject};

/// Decodes at once, per instance, shared with the previews of `routes/attachments.rs`.
pub static DECODES: tokio::sync::Semaphore = tokio::sync::Semaphore::const_new(2);

/// The largest image decoded, in pixels: the upload limit of `domain::inspect`.
pub use crate::domain::MAX_PIXELS;

/// How long one scan may be looked at before the attempts stop.
const BUDGET: Duration = Duration::from_secs(6);

/// What a scan holds.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Scanned {
    /// Our codes read from it (possibly none).
    Codes(Vec<DocCode>),
    /// A PDF, not looked into.
    Pdf,
    /// An image that could not be decoded.
    Unreadable,
}

/// Why a scan is refused: its codes name another order or application.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OtherOrder {
    /// The number the code names.
    pub found: String,
}

/// Reads the codes of an upload of `content_type` (off the async workers, two at a time).
pub async fn scan(data: Vec<u8>, content_type: &str) -> Scanned {
    if content_type == "application/pdf" {
        return Scanned::Pdf;
    }
    let Ok(_turn) = DECODES.acquire().await else {
        return Scanned::Unreadable;
    };
    tokio::task::spawn_blocking(move || read_codes(&data))
        .await
        .unwrap_or(Scanned::Unreadable)
}

/// Decodes an image (JPEG or PNG) and reads every one of our codes on it.
pub fn read_codes(data: &[u8]) -> Scanned {
    match decode_gray(data) {
        Some(image) => Scanned::Codes(find_codes(&image, Instant::now() + BUDGET)),
        None => Scanned::Unreadable,
    }
}

/// The image in grey, turned the way the camera was held; `None` when it cannot be read
/// or is larger than [`MAX_PIXELS`].
fn decode_gray(data: &[u8]) -> Option<GrayImage> {
    use image::ImageDecoder;
    let reader = || {
        image::ImageReader::new(std::io::Cursor::new(data))
            .with_guessed_format()
            .ok()
    };
    let (w, h) = reader()?.into_dimensions().ok()?;
    if u64::from(w) * u64::from(h) > MAX_PIXELS {
        return None;
    }
    let mut reader = reader()?;
    let mut limits = image::Limits::default();
    limits.max_image_width = Some(16_000);
    limits.max_image_height = Some(16_000);
    limits.max_alloc = Some(160 * 1024 * 1024);
    reader.limits(limits);
    let mut decoder = reader.into_decoder().ok()?;
    let orientation = decoder.orientation().ok();
    let mut image = DynamicImage::from_decoder(decoder).ok()?;
    if let Some(orientation) = orientation {
        image.apply_orientation(orientation);
    }
    Some(image.into_luma8())
}

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

/// The check of a scan for the order `order_no` (whose form was printed as
/// `application_ref` before it existed): refused when a code names anything else.
pub fn check(
    scanned: &Scanned,
    order_no: &str,
    application_ref: Option<&str>,
) -> Result<ScanCheck, OtherOrder> {
    let empty = |outcome| ScanCheck {
        outcome,
        found: None,
        pages_read: Vec::new(),
        pages: None,
        document: None,
    };
    let codes = match scanned {
        Scanned::Pdf => return Ok(empty(ScanOutcome::NotChecked)),
        Scanned::Unreadable => return Ok(empty(ScanOutcome::Unreadable)),
        Scanned::Codes(codes) if codes.is_empty() => return Ok(empty(ScanOutcome::NoCode)),
        Scanned::Codes(codes) => codes,
    };
    let ours = |code: &DocCode| match &code.subject {
        DocSubject::Order(no) => no.eq_ignore_ascii_case(order_no),
        DocSubject::Application(reference) => {
            application_ref.is_some_and(|r| r.eq_ignore_ascii_case(reference))
        }
    };
    if let Some(other) = codes.iter().find(|c| !ours(c)) {
        return Err(OtherOrder {
            found: other.subject.number().to_owned(),
        });
    }
    let mut pages_read: Vec<u32> = codes.iter().map(|c| c.page).collect();
    pages_read.sort_unstable();
    pages_read.dedup();
    Ok(ScanCheck {
        outcome: ScanOutcome::Matches,
        found: codes.first().map(|c| c.subject.number().to_owned()),
        pages_read,
        pages: codes.iter().map(|c| c.pages).max(),
        document: codes.first().map(|c| c.kind.as_str().to_owned()),
    })
}

/// Why an upload is refused before it is stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Refused {
    /// A form of another order (or application), named.
    OtherOrder(String),
    /// One of the platform's own papers (its code read) sent as a transfer voucher.
    OurPaper(String),
}

impl Refused {
    /// What the uploader is told (`order_no`: the order uploaded to).
    pub fn message(&self, order_no: &str) -> crate::i18n::Msg {
        use crate::i18n::{Msg, T};
        match self {
            Refused::OtherOrder(found) => {
                Msg::with(T::ProblemScanOtherOrder, [found.as_str(), order_no])
            }
            Refused::OurPaper(found) => Msg::with(T::ProblemVoucherIsOurPaper, [found.as_str()]),
        }
    }
}

/// The one check of a file uploaded as `kind` to an order, for the counter's API and the
/// customer's pages alike: a signed form or a correction must be this order's (its
/// `ScanCheck` is kept, as JSON); a voucher must not be one of our own papers — a bank's
/// slip carries none of our codes. Other kinds are not read.
pub async fn check_upload(
    kind: crate::api::AttachmentKind,
    data: &[u8],
    content_type: &str,
    order_no: &str,
    application_ref: Option<&str>,
) -> Result<Option<String>, Refused> {
    use crate::api::AttachmentKind as K;
    match kind {
        K::SignedForm | K::Correction => {
            let scanned = scan(data.to_vec(), content_type).await;
            check(&scanned, order_no, application_ref)
                .map(|check| serde_json::to_string(&check).ok())
                .map_err(|other| Refused::OtherOrder(other.found))
        }
        K::Voucher => match scan(data.to_vec(), content_type).await {
            Scanned::Codes(codes) if !codes.is_empty() => {
                Err(Refused::OurPaper(codes[0].subject.number().to_owned()))
            }
            _ => Ok(None),
        },
        _ => Ok(None),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::DocKind;

    fn code(subject: DocSubject, page: u32, pages: u32) -> DocCode {
        DocCode {
            kind: DocKind::Form,
            subject,
            page,
            pages,
        }
    }

    #[test]
    fn a_scan_of_this_order_or_its_application_matches() {
        let scanned = Scanned::Codes(vec![
            code(DocSubject::Order("HN1".into()), 1, 2),
            code(DocSubject::Application("SQ9".into()), 2, 2),
        ]);
        let check = check(&scanned, "HN1", Some("SQ9")).expect("ours");
        assert_eq!(check.outcome, ScanOutcome::Matches);
        assert_eq!(check.pages_read, vec![1, 2]);
        assert!(check.is_ok());
    }

    #[test]
    fn a_scan_of_another_order_is_refused_naming_it() {
        let scanned = Scanned::Codes(vec![code(DocSubject::Order("HN2".into()), 1, 1)]);
        assert_eq!(
            check(&scanned, "HN1", None),
            Err(OtherOrder {
                found: "HN2".into()
            })
        );
        let before = Scanned::Codes(vec![code(DocSubject::Application("SQ8".into()), 1, 1)]);
        assert!(check(&before, "HN1", Some("SQ9")).is_err());
    }

    #[test]
    fn no_code_a_pdf_or_a_broken_image_is_only_flagged() {
        for (scanned, outcome) in [
            (Scanned::Codes(Vec::new()), ScanOutcome::NoCode),
            (Scanned::Pdf, ScanOutcome::NotChecked),
            (Scanned::Unreadable, ScanOutcome::Unreadable),
        ] {
            let check = check(&scanned, "HN1", None).expect("accepted");
            assert_eq!(check.outcome, outcome);
            assert!(!check.is_ok());
        }
        assert_eq!(read_codes(b"not an image"), Scanned::Unreadable);
    }
}
