//! A signed scan finds its order by itself: the real application form, rasterised as a
//! flat-bed scanner would, then photographed-looking (turned, scaled down, blurred,
//! perspective-warped, JPEG quality 50) still reads back to its order; uploaded, it is
//! matched, a form of another order is refused naming both, and a blank page is flagged.

use ca_counter::api::{AttachmentKind, Order, ScanOutcome};
use ca_counter::domain::{DocCode, DocKind, DocSubject};
use ca_counter::domain::{Scanned, read_codes};
use ca_counter::i18n::Lang;
use image::{DynamicImage, GrayImage, Luma};

use crate::common::{Db, TestApp};
use crate::on_both_databases;
use crate::pdf_documents::{artifact, rasterise};

on_both_databases!(
    a_photographed_signed_form_finds_its_order,
    a_form_of_another_order_is_refused_naming_both,
    a_page_without_its_code_or_a_pdf_is_accepted_and_flagged_and_a_blank_one_refused,
);

/// At the counter, the signed form's code is read before the order is made: the form
/// printed for this application (its reference) matches; another application's form, or
/// an order's, is refused naming both; a page without a code is accepted and said so; a
/// PDF is not read. The same reading the platform does on upload.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_counter_reads_the_signed_forms_code_before_the_order_is_made() {
    use ca_counter::tui::files::{CodeRead, FileProblem, check_signed_form};
    let app = TestApp::spawn(Db::Sqlite).await;
    let dir = tempfile::tempdir().expect("dir");
    // PDFs read as the counter reads them: by the program itself, in a process of its own.
    let checks = ca_counter::config::UploadCheckConfig {
        program: Some(env!("CARGO_BIN_EXE_ca-counter").into()),
        ..Default::default()
    };
    let mut body = app.new_order_body("欧阳娜娜").await;
    body.application_ref = Some("SQ7F3K9QAB".into());
    let printed = app
        .client(&app.clerk)
        .application_form(&body)
        .await
        .expect("the form as typed");
    std::fs::write(artifact("counter-form-SQ7F3K9QAB.pdf"), &printed.bytes).expect("write");
    let page = rasterise("counter-form-SQ7F3K9QAB.pdf", 100).remove(0);
    let page = image::open(page).expect("png").into_luma8();
    let scan = dir.path().join("申请表.jpg");
    std::fs::write(&scan, jpeg(&page, 80)).expect("scan");

    let read = check_signed_form(&scan, 0, "SQ7F3K9QAB", &checks)
        .await
        .expect("ours");
    assert_eq!(read.code, CodeRead::Matches);
    assert_eq!(read.content_type, "image/jpeg");
    assert_eq!(
        check_signed_form(&scan, 0, "sq7f3k9qab", &checks)
            .await
            .map(|i| i.code),
        Ok(CodeRead::Matches),
        "the reference in any case"
    );
    assert_eq!(
        check_signed_form(&scan, 0, "SQ2B8D4HXY", &checks).await,
        Err(FileProblem::OtherPaper(
            "SQ7F3K9QAB".into(),
            "SQ2B8D4HXY".into()
        ))
    );
    let order = app.submit("李四").await;
    let theirs = dir.path().join("订单申请表.png");
    std::fs::write(&theirs, png(&scanned_form(&app, &order, 100).await)).expect("scan");
    assert_eq!(
        check_signed_form(&theirs, 0, "SQ7F3K9QAB", &checks).await,
        Err(FileProblem::OtherPaper(
            order.order_no.to_string(),
            "SQ7F3K9QAB".into()
        ))
    );
    // A white page is refused here, as the platform would refuse it after the order.
    let blank = dir.path().join("blank.png");
    std::fs::write(&blank, png(&GrayImage::from_pixel(800, 1100, Luma([255])))).expect("blank");
    assert_eq!(
        check_signed_form(&blank, 0, "SQ7F3K9QAB", &checks)
            .await
            .map(|i| i.code),
        Err(FileProblem::Blank)
    );
    // Scanned face down, as a PDF: the same.
    let blank_pdf = dir.path().join("blank.pdf");
    let white = GrayImage::from_pixel(827, 1169, Luma([250]));
    std::fs::write(&blank_pdf, scanner_pdf(&white, false)).expect("blank pdf");
    assert_eq!(
        check_signed_form(&blank_pdf, 0, "SQ7F3K9QAB", &checks)
            .await
            .map(|i| i.code),
        Err(FileProblem::BlankPdf)
    );
    // A page with something on it but no code: taken, said so.
    let plain = dir.path().join("page.png");
    std::fs::write(&plain, crate::common::scan_png(800, 1100)).expect("page");
    assert_eq!(
        check_signed_form(&plain, 0, "SQ7F3K9QAB", &checks)
            .await
            .map(|i| i.code),
        Ok(CodeRead::NoCode)
    );
    // The print saved as a PDF (no printer at this counter) is the form itself, unsigned:
    // refused before the order is made.
    let pdf = dir.path().join("form.pdf");
    std::fs::write(&pdf, &printed.bytes).expect("pdf");
    assert_eq!(
        check_signed_form(&pdf, 0, "SQ2B8D4HXY", &checks).await,
        Err(FileProblem::Unsigned)
    );
    // A scanner's PDF (the same pages, none of the platform's metadata) is not looked into.
    let mut bytes = printed.bytes.clone();
    for at in 0..bytes.len().saturating_sub(4) {
        if &bytes[at..at + 4] == b"CAC:" {
            bytes[at..at + 4].copy_from_slice(b"XXX:");
        }
    }
    let scanned_pdf = dir.path().join("scanner.pdf");
    std::fs::write(&scanned_pdf, &bytes).expect("pdf");
    assert_eq!(
        check_signed_form(&scanned_pdf, 0, "SQ2B8D4HXY", &checks)
            .await
            .map(|i| i.code),
        Ok(CodeRead::NotRead)
    );
    // A scanner's PDF, its page a picture (a JPEG as scanners write it, or grey pixels
    // deflated): its code is read as a photo's, in the checker's process — this
    // application's matches, another's is refused before the order is made.
    for deflated in [false, true] {
        let scanner = dir.path().join(format!("scanner-{deflated}.pdf"));
        std::fs::write(&scanner, scanner_pdf(&page, deflated)).expect("pdf");
        assert_eq!(
            check_signed_form(&scanner, 0, "SQ7F3K9QAB", &checks)
                .await
                .map(|i| i.code),
            Ok(CodeRead::Matches),
            "deflated: {deflated}"
        );
        assert_eq!(
            check_signed_form(&scanner, 0, "SQ2B8D4HXY", &checks).await,
            Err(FileProblem::OtherPaper(
                "SQ7F3K9QAB".into(),
                "SQ2B8D4HXY".into()
            )),
            "deflated: {deflated}"
        );
    }
    app.finish().await;
}

/// The order's printed form, as a grey page at `dpi`.
pub(crate) async fn scanned_form(app: &TestApp, order: &Order, dpi: u32) -> GrayImage {
    let response = app
        .http
        .get(app.url(&format!(
            "/api/v1/orders/{}/application-form",
            order.order_no
        )))
        .bearer_auth(&app.clerk)
        .send()
        .await
        .expect("send");
    assert_eq!(response.status(), 200);
    let name = format!("scan-{}.pdf", order.order_no);
    std::fs::write(artifact(&name), response.bytes().await.expect("pdf")).expect("write");
    let png = rasterise(&name, dpi).remove(0);
    image::open(png).expect("png").into_luma8()
}

/// `image` resampled through `source` (output pixel → source point), bilinear, with a
/// grey desk where the paper is not.
fn warp(image: &GrayImage, w: u32, h: u32, source: impl Fn(f32, f32) -> (f32, f32)) -> GrayImage {
    let desk = 90.0;
    let at = |x: i64, y: i64| -> f32 {
        if x < 0 || y < 0 || x >= i64::from(image.width()) || y >= i64::from(image.height()) {
            desk
        } else {
            f32::from(image.get_pixel(x as u32, y as u32)[0])
        }
    };
    GrayImage::from_fn(w, h, |x, y| {
        let (sx, sy) = source(x as f32, y as f32);
        let (x0, y0) = (sx.floor(), sy.floor());
        let (fx, fy) = (sx - x0, sy - y0);
        let (x0, y0) = (x0 as i64, y0 as i64);
        let v = at(x0, y0) * (1.0 - fx) * (1.0 - fy)
            + at(x0 + 1, y0) * fx * (1.0 - fy)
            + at(x0, y0 + 1) * (1.0 - fx) * fy
            + at(x0 + 1, y0 + 1) * fx * fy;
        Luma([v.round().clamp(0.0, 255.0) as u8])
    })
}

/// Turned by `degrees` about the centre, on a desk.
fn turned(image: &GrayImage, degrees: f32) -> GrayImage {
    let (w, h) = (image.width() as f32, image.height() as f32);
    let (s, c) = degrees.to_radians().sin_cos();
    warp(image, image.width(), image.height(), |x, y| {
        let (dx, dy) = (x - w / 2.0, y - h / 2.0);
        (c * dx + s * dy + w / 2.0, -s * dx + c * dy + h / 2.0)
    })
}

/// As a phone held a little low sees it: the top edge narrower than the bottom, the page
/// smaller in the frame, on a desk.
fn perspective(image: &GrayImage) -> GrayImage {
    let (w, h) = (image.width() as f32, image.height() as f32);
    warp(image, image.width(), image.height(), |x, y| {
        let v = y / h;
        // The page fills 80% of the width at the top, 94% at the bottom.
        let fill = 0.80 + 0.14 * v;
        let sx = (x - w / 2.0) / fill + w / 2.0;
        let sy = (y - h * 0.04) / 0.92;
        (sx, sy)
    })
}

fn jpeg(image: &GrayImage, quality: u8) -> Vec<u8> {
    let mut out = std::io::Cursor::new(Vec::new());
    let encoder = image::codecs::jpeg::JpegEncoder::new_with_quality(&mut out, quality);
    DynamicImage::ImageLuma8(image.clone())
        .write_with_encoder(encoder)
        .expect("jpeg");
    out.into_inner()
}

/// A scanner's PDF of `page`: one A4 page that is the picture, stored as scanners store it
/// (the JPEG's own bytes, `/DCTDecode`), or as grey pixels deflated when `deflated`.
pub(crate) fn scanner_pdf(page: &GrayImage, deflated: bool) -> Vec<u8> {
    scanner_pdf_of(&[page], deflated)
}

/// A scanner's PDF of `pages`, one picture each (see [`scanner_pdf`]).
pub(crate) fn scanner_pdf_of(pages: &[&GrayImage], deflated: bool) -> Vec<u8> {
    use std::io::Write;
    let pictures: Vec<(&str, Vec<u8>, u32, u32)> = pages
        .iter()
        .map(|page| {
            if deflated {
                let mut z =
                    flate2::write::ZlibEncoder::new(Vec::new(), flate2::Compression::default());
                z.write_all(page.as_raw()).expect("deflate");
                let data = z.finish().expect("deflate");
                ("/FlateDecode", data, page.width(), page.height())
            } else {
                ("/DCTDecode", jpeg(page, 85), page.width(), page.height())
            }
        })
        .collect();
    pdf_of_pictures(&pictures)
}

/// A PDF of A4 pages, each one grey picture: its filter, its bytes, its width and height.
fn pdf_of_pictures(pages: &[(&str, Vec<u8>, u32, u32)]) -> Vec<u8> {
    let kids: Vec<String> = (0..pages.len())
        .map(|i| format!("{} 0 R", 3 + 3 * i))
        .collect();
    let mut objects: Vec<Vec<u8>> = vec![
        b"<< /Type /Catalog /Pages 2 0 R >>".to_vec(),
        format!(
            "<< /Type /Pages /Kids [{}] /Count {} >>",
            kids.join(" "),
            pages.len()
        )
        .into_bytes(),
    ];
    for (i, (filter, data, w, h)) in pages.iter().enumerate() {
        let (image_at, content_at) = (4 + 3 * i, 5 + 3 * i);
        objects.push(
            format!(
                "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] \
                 /Resources << /XObject << /Im0 {image_at} 0 R >> >> /Contents {content_at} 0 R >>"
            )
            .into_bytes(),
        );
        let mut image = format!(
            "<< /Type /XObject /Subtype /Image /Width {w} /Height {h} /ColorSpace /DeviceGray \
             /BitsPerComponent 8 /Filter {filter} /Length {} >>\nstream\n",
            data.len()
        )
        .into_bytes();
        image.extend_from_slice(data);
        image.extend_from_slice(b"\nendstream");
        objects.push(image);
        let content = b"q 595 0 0 842 0 0 cm /Im0 Do Q";
        let mut stream = format!("<< /Length {} >>\nstream\n", content.len()).into_bytes();
        stream.extend_from_slice(content);
        stream.extend_from_slice(b"\nendstream");
        objects.push(stream);
    }
    crate::common::pdf_objects(b"%PDF-1.4\n".to_vec(), &objects)
}

pub(crate) fn png(image: &GrayImage) -> Vec<u8> {
    let mut out = std::io::Cursor::new(Vec::new());
    DynamicImage::ImageLuma8(image.clone())
        .write_to(&mut out, image::ImageFormat::Png)
        .expect("png");
    out.into_inner()
}

/// `image` through one of `DynamicImage`'s own methods: their pixel loops are compiled
/// with the image crate (optimised in a debug build too), where `imageops`' generic
/// functions would be compiled here, unoptimised, and take seconds a picture.
fn via_image(image: &GrayImage, f: impl FnOnce(DynamicImage) -> DynamicImage) -> GrayImage {
    f(DynamicImage::ImageLuma8(image.clone())).into_luma8()
}

fn scaled(image: &GrayImage, factor: f32) -> GrayImage {
    let w = (image.width() as f32 * factor) as u32;
    let h = (image.height() as f32 * factor) as u32;
    DynamicImage::ImageLuma8(image.clone())
        .resize_exact(w, h, image::imageops::FilterType::Triangle)
        .into_luma8()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn photographed_forms_still_read_back_to_their_order() {
    let app = TestApp::spawn(Db::Sqlite).await;
    let order = app.submit("欧阳娜娜").await;
    let page = scanned_form(&app, &order, 150).await;
    let expected = DocCode {
        kind: DocKind::Form,
        subject: DocSubject::Order(order.order_no.to_string()),
        page: 1,
        pages: 1,
        edition: None,
    };
    let photographed = perspective(&page);
    let variants: Vec<(&str, Vec<u8>)> = vec![
        ("flat-bed scan", png(&page)),
        ("turned 7°", png(&turned(&page, 7.0))),
        ("upside down", png(&via_image(&page, |p| p.rotate180()))),
        ("sideways", png(&via_image(&page, |p| p.rotate90()))),
        ("scaled down to 60%", png(&scaled(&page, 0.6))),
        ("blurred", png(&via_image(&page, |p| p.blur(1.2)))),
        ("perspective", png(&photographed)),
        ("JPEG quality 50", jpeg(&page, 50)),
        (
            "12-megapixel phone photo, JPEG 50",
            jpeg(
                &via_image(&scaled(&photographed, 2.4), |p| p.fast_blur(1.5)),
                50,
            ),
        ),
        (
            "phone photo: perspective, turned, blurred, small, JPEG 50",
            jpeg(
                &scaled(
                    &via_image(&turned(&photographed, -4.0), |p| p.blur(1.0)),
                    0.8,
                ),
                50,
            ),
        ),
    ];
    for (i, (what, bytes)) in variants.into_iter().enumerate() {
        // The phone photos are kept for a person to look at.
        if what.contains("phone") {
            std::fs::write(artifact(&format!("photo-{i}.jpg")), &bytes).expect("keep");
        }
        assert_eq!(
            read_codes(&bytes),
            Scanned::Codes(vec![expected.clone()]),
            "{what}"
        );
    }
    app.finish().await;
}

async fn a_photographed_signed_form_finds_its_order(db: Db) {
    let app = TestApp::spawn(db).await;
    let order = app.pay(&app.submit("张三").await).await;
    let photo = jpeg(&turned(&scanned_form(&app, &order, 100).await, 3.0), 50);
    let clerk = app.client(&app.clerk);
    let attachment = clerk
        .upload_attachment(
            &order.order_no,
            AttachmentKind::SignedForm,
            "photo.jpg",
            photo,
        )
        .await
        .expect("upload");
    let check = attachment.scan_check.expect("checked");
    assert_eq!(check.outcome, ScanOutcome::Matches);
    assert!(check.is_ok());
    assert_eq!(
        check.describe(&order.order_no, Lang::ZhCn),
        format!(
            "二维码相符：订单 {} 的申请表共 1 页，页页齐全 ✓",
            order.order_no
        )
    );
    // The reviewer's view of the order carries the check with the attachment.
    let seen = app
        .client(&app.reviewer)
        .order(&order.order_no, false)
        .await
        .expect("order");
    assert_eq!(
        seen.attachments[0].scan_check.as_ref().map(|c| c.outcome),
        Some(ScanOutcome::Matches)
    );
    // So does the queue, before the order is opened.
    let queue = app
        .client(&app.reviewer)
        .review_queue()
        .await
        .expect("queue");
    let item = queue
        .items
        .iter()
        .find(|i| i.order.order_no == order.order_no)
        .expect("in the queue");
    assert!(item.scan_check.as_ref().is_some_and(|c| c.is_ok()));
    app.finish().await;
}

async fn a_form_of_another_order_is_refused_naming_both(db: Db) {
    let app = TestApp::spawn(db).await;
    let mine = app.submit("张三").await;
    let theirs = app.submit("李四").await;
    let wrong = png(&scanned_form(&app, &theirs, 100).await);
    let refused = app
        .client(&app.clerk)
        .upload_attachment(
            &mine.order_no,
            AttachmentKind::SignedForm,
            "scan.png",
            wrong,
        )
        .await
        .expect_err("another order's form");
    let problem = refused.problem().expect("a problem document");
    assert_eq!(problem.status, 422);
    let message = &problem
        .errors
        .iter()
        .find(|e| e.field == "file")
        .expect("on the file")
        .message;
    assert!(
        message.contains(theirs.order_no.as_str()) && message.contains(mine.order_no.as_str()),
        "{message}"
    );
    let order = app
        .client(&app.clerk)
        .order(&mine.order_no, false)
        .await
        .expect("order");
    assert!(order.attachments.is_empty(), "nothing stored");
    // The same form scanned to a PDF (its page a JPEG, as scanners write it): read in the
    // upload's own process, and refused the same. (Read by the child whatever the
    // database: once, on SQLite.)
    if db == Db::Sqlite {
        scanned_pdfs_are_read_and_shown(&app, &mine, &theirs).await;
    }
    let mine = app
        .client(&app.clerk)
        .order(&mine.order_no, false)
        .await
        .expect("order");
    // The order's own form sent as the transfer voucher: one of our papers, not a bank's.
    let own = png(&scanned_form(&app, &mine, 100).await);
    let mine = app
        .act(
            &app.clerk,
            &mine,
            ca_counter::domain::Action::ChooseBankTransfer,
            Default::default(),
        )
        .await;
    let refused = app
        .client(&app.clerk)
        .upload_attachment(&mine.order_no, AttachmentKind::Voucher, "voucher.png", own)
        .await
        .expect_err("our own paper as a voucher");
    let problem = refused.problem().expect("a problem document");
    assert_eq!(problem.status, 422);
    assert!(
        problem
            .errors
            .iter()
            .any(|e| e.field == "file" && e.message.contains("not a bank transfer voucher")),
        "{problem:?}"
    );
    app.finish().await;
}

async fn a_page_without_its_code_or_a_pdf_is_accepted_and_flagged_and_a_blank_one_refused(db: Db) {
    let app = TestApp::spawn(db).await;
    let order = app.submit("张三").await;
    let clerk = app.client(&app.clerk);
    // A white page is no form: refused on the file, said why (a customer told only that
    // its code could not be read paid, and had it returned).
    let blank = png(&GrayImage::from_pixel(827, 1169, Luma([250])));
    let refused = clerk
        .upload_attachment(
            &order.order_no,
            AttachmentKind::SignedForm,
            "blank.png",
            blank,
        )
        .await
        .expect_err("a blank form");
    let problem = refused.problem().expect("a problem");
    assert!(
        problem
            .errors
            .iter()
            .any(|e| e.field == "file" && e.message.contains("no form can be seen")),
        "{problem:?}"
    );
    // A page with something on it but no code of ours: taken, and flagged.
    let attachment = clerk
        .upload_attachment(
            &order.order_no,
            AttachmentKind::SignedForm,
            "page.png",
            crate::common::scan_png(827, 1169),
        )
        .await
        .expect("accepted");
    let check = attachment.scan_check.expect("checked");
    assert_eq!(check.outcome, ScanOutcome::NoCode);
    assert!(check.describe(&order.order_no, Lang::ZhCn).starts_with('⚠'));
    let pdf = crate::common::scan_pdf(1, 0);
    let attachment = clerk
        .upload_attachment(&order.order_no, AttachmentKind::SignedForm, "scan.pdf", pdf)
        .await
        .expect("accepted");
    assert_eq!(
        attachment.scan_check.map(|c| c.outcome),
        Some(ScanOutcome::NotChecked)
    );
    // A voucher is no form: not checked at all.
    let order = app
        .act(
            &app.clerk,
            &order,
            ca_counter::domain::Action::ChooseBankTransfer,
            Default::default(),
        )
        .await;
    let voucher = clerk
        .upload_attachment(
            &order.order_no,
            AttachmentKind::Voucher,
            "voucher.jpg",
            crate::common::voucher_jpeg(300, 300),
        )
        .await
        .expect("accepted");
    assert!(voucher.scan_check.is_none());
    // But a blank one is nothing a reviewer can check: refused on the file, said why
    // (a white page, grey with a camera's noise).
    let noisy = GrayImage::from_fn(600, 800, |x, y| Luma([196 + ((x * 7 + y * 13) % 9) as u8]));
    for blank in [
        png(&GrayImage::from_pixel(300, 300, Luma([200]))),
        jpeg(&noisy, 80),
    ] {
        let refused = clerk
            .upload_attachment(
                &order.order_no,
                AttachmentKind::Voucher,
                "voucher.png",
                blank,
            )
            .await
            .expect_err("refused");
        let ca_counter::api::ClientError::Problem(problem) = refused else {
            panic!("{refused:?}");
        };
        assert!(
            problem
                .errors
                .iter()
                .any(|e| e.field == "file" && e.message.contains("all but blank")),
            "{problem:?}"
        );
    }
    app.finish().await;
}

/// A scanner's PDF, read by the upload's own process (the real program): another order's
/// form refused naming both, its own matched and previewed as its page; a drawn PDF, or
/// one whose only picture is a logo, not checked and with no preview but its page count;
/// a scanned page with no code flagged.
async fn scanned_pdfs_are_read_and_shown(app: &TestApp, mine: &Order, theirs: &Order) {
    let mut config = ca_counter::config::PlatformConfig::default();
    config.upload_check.program = Some(env!("CARGO_BIN_EXE_ca-counter").into());
    let url = app.db.as_ref().expect("db").url.clone();
    let checked = crate::common::second_instance_with(&url, config).await;
    let clerk =
        ca_counter::api::Client::new(&checked.base_url(), &app.clerk, Lang::En).expect("client");
    let theirs_page = scanned_form(app, theirs, 100).await;
    let refused = clerk
        .upload_attachment(
            &mine.order_no,
            AttachmentKind::SignedForm,
            "scan.pdf",
            scanner_pdf(&theirs_page, false),
        )
        .await
        .expect_err("another order's form, as a PDF");
    let problem = refused.problem().expect("a problem document");
    assert_eq!(problem.status, 422, "{problem:?}");
    assert!(
        problem.errors.iter().any(|e| e.field == "file"
            && e.message.contains(theirs.order_no.as_str())
            && e.message.contains(mine.order_no.as_str())),
        "{problem:?}"
    );
    // Its own form, scanned to a PDF, is matched like a photo of it.
    let mine_page = scanned_form(app, mine, 100).await;
    let kept = clerk
        .upload_attachment(
            &mine.order_no,
            AttachmentKind::SignedForm,
            "scan.pdf",
            scanner_pdf(&mine_page, false),
        )
        .await
        .expect("its own form");
    assert_eq!(
        kept.scan_check.map(|c| c.outcome),
        Some(ScanOutcome::Matches)
    );
    // And the reviewer sees its page, as a photo's, where a PDF could not be shown.
    let reviewer =
        ca_counter::api::Client::new(&checked.base_url(), &app.reviewer, Lang::En).expect("client");
    let shown = reviewer
        .attachment_preview(&kept.id, 1, 300, 300)
        .await
        .expect("the page, shown");
    assert_eq!(shown.pages, 1);
    let page = image::load_from_memory(&shown.bytes).expect("a picture");
    assert!(
        page.height() == 300 && page.width() < page.height(),
        "{}x{}",
        page.width(),
        page.height()
    );
    // A scan of several pages (the form, then an ID card's copy and a licence, the last
    // scanned across): each page shown on its own, the count said; none past the last.
    let across = GrayImage::from_pixel(1169, 827, Luma([200]));
    let three = clerk
        .upload_attachment(
            &mine.order_no,
            AttachmentKind::Other,
            "pages.pdf",
            scanner_pdf_of(&[&mine_page, &mine_page, &across], false),
        )
        .await
        .expect("three pages");
    for (page, landscape) in [(1, false), (2, false), (3, true)] {
        let shown = reviewer
            .attachment_preview(&three.id, page, 300, 300)
            .await
            .unwrap_or_else(|e| panic!("page {page}: {e:?}"));
        assert_eq!(shown.pages, 3, "page {page}");
        let picture = image::load_from_memory(&shown.bytes).expect("a picture");
        assert_eq!(picture.width() > picture.height(), landscape, "page {page}");
    }
    for page in [0, 4] {
        let refused = reviewer
            .attachment_preview(&three.id, page, 300, 300)
            .await
            .expect_err("no such page");
        let problem = refused.problem().expect("a problem");
        assert_eq!(problem.status, 422, "{problem:?}");
        assert_eq!(problem.errors[0].field, "page", "{problem:?}");
    }
    // A page whose picture is larger than the platform decodes (its header says 6000 ×
    // 8485): said so with its size and the page count, not called damaged; the first
    // page still shown.
    let mut big = jpeg(&GrayImage::from_pixel(100, 141, Luma([180])), 85);
    let sof = big
        .windows(2)
        .position(|w| w == [0xFF, 0xC0])
        .expect("a baseline JPEG");
    big[sof + 5..sof + 7].copy_from_slice(&8485u16.to_be_bytes());
    big[sof + 7..sof + 9].copy_from_slice(&6000u16.to_be_bytes());
    let small = jpeg(&mine_page, 85);
    let (w, h) = (mine_page.width(), mine_page.height());
    let large = clerk
        .upload_attachment(
            &mine.order_no,
            AttachmentKind::Other,
            "large.pdf",
            pdf_of_pictures(&[("/DCTDecode", small, w, h), ("/DCTDecode", big, 6000, 8485)]),
        )
        .await
        .expect("a large page");
    let first = reviewer
        .attachment_preview(&large.id, 1, 300, 300)
        .await
        .expect("the first page");
    assert_eq!(first.pages, 2);
    let refused = reviewer
        .attachment_preview(&large.id, 2, 300, 300)
        .await
        .expect_err("too large");
    let problem = refused.problem().expect("a problem");
    assert_eq!((problem.status, problem.code.as_str()), (409, "no_preview"));
    assert_eq!(problem.page_count, Some(2), "{problem:?}");
    assert!(problem.detail.contains("6000×8485"), "{problem:?}");
    // A PDF whose pages are drawn (no picture), or whose only picture is no page (a logo):
    // not checked, as before, and no preview but its page count. A scanned page with no
    // code on it: flagged as such.
    let logo = GrayImage::from_pixel(200, 60, Luma([40]));
    let page = image::load_from_memory(&crate::common::scan_png(827, 1169))
        .expect("a page")
        .into_luma8();
    for (name, pdf, outcome) in [
        (
            "drawn.pdf",
            crate::common::scan_pdf(2, 0),
            ScanOutcome::NotChecked,
        ),
        (
            "logo.pdf",
            scanner_pdf(&logo, true),
            ScanOutcome::NotChecked,
        ),
        ("page.pdf", scanner_pdf(&page, false), ScanOutcome::NoCode),
    ] {
        let kept = clerk
            .upload_attachment(&mine.order_no, AttachmentKind::SignedForm, name, pdf)
            .await
            .expect(name);
        assert_eq!(kept.scan_check.map(|c| c.outcome), Some(outcome), "{name}");
        if outcome == ScanOutcome::NotChecked {
            let refused = reviewer
                .attachment_preview(&kept.id, 1, 300, 300)
                .await
                .expect_err(name);
            let problem = refused.problem().expect("a problem");
            assert_eq!((problem.status, problem.code.as_str()), (409, "no_preview"));
            if name == "drawn.pdf" {
                // Of two pages, the first is said, and how many there are.
                assert!(problem.detail.contains("page 1 of"), "{problem:?}");
                assert_eq!(problem.page_count, Some(2), "{problem:?}");
            }
        }
    }
    // A white page scanned (a sheet fed face down): no form on it, refused, said why.
    let blank = GrayImage::from_pixel(827, 1169, Luma([250]));
    for deflated in [false, true] {
        let refused = clerk
            .upload_attachment(
                &mine.order_no,
                AttachmentKind::SignedForm,
                "blank.pdf",
                scanner_pdf(&blank, deflated),
            )
            .await
            .expect_err("a blank scan");
        let problem = refused.problem().expect("a problem");
        assert!(
            problem
                .errors
                .iter()
                .any(|e| e.field == "file" && e.message.contains("wrong way round")),
            "{problem:?}"
        );
    }
    checked.shutdown().await.expect("stop");
}
