//! Attachments: typed by content, size-limited, returned intact.

use ca_counter::api::{AttachmentKind, Problem};
use ca_counter::config::PlatformConfig;
use ca_counter::domain::OrderStatus;

use crate::common::{Db, TestApp};
use crate::on_both_databases;

on_both_databases!(
    a_scan_is_stored_with_its_hash_and_returned_intact,
    a_text_file_named_jpg_is_refused,
    an_upload_over_the_limit_is_refused,
    a_chunked_body_over_the_limit_is_refused_as_too_large,
    a_fake_jpeg_a_garbage_pdf_and_a_pixel_bomb_are_refused,
    personal_attachments_follow_the_reveal_permission_and_every_look_is_recorded,
    a_file_named_after_a_phone_and_an_id_number_shows_them_masked,
    a_file_judged_for_a_status_the_order_has_left_is_not_kept,
);

fn png() -> Vec<u8> {
    crate::common::scan_png(303, 395)
}

async fn a_scan_is_stored_with_its_hash_and_returned_intact(db: Db) {
    let app = TestApp::spawn(db).await;
    let order = app.submit("张三").await;
    let clerk = app.client(&app.clerk);
    let data = png();
    let attachment = clerk
        .upload_attachment(
            &order.order_no,
            AttachmentKind::SignedForm,
            "../../签字申请表.png",
            data.clone(),
        )
        .await
        .expect("upload");
    assert_eq!(attachment.content_type, "image/png");
    assert_eq!(attachment.size, data.len() as i64);
    assert_eq!(attachment.filename, "签字申请表.png");
    use sha2::Digest;
    assert_eq!(attachment.sha256, hex::encode(sha2::Sha256::digest(&data)));
    let (content_type, back) = app
        .client(&app.reviewer)
        .attachment(&attachment.id)
        .await
        .expect("download");
    assert_eq!(content_type, "image/png");
    assert_eq!(back, data);
    let again = clerk
        .upload_attachment(
            &order.order_no,
            AttachmentKind::SignedForm,
            "retry.png",
            data.clone(),
        )
        .await
        .expect("upload again");
    assert_eq!(
        again.id, attachment.id,
        "a retried upload is not stored twice"
    );
    // Said so: 200 with the attachment as it was, not 201 for a creation that did not
    // happen; a new file is 201, and shown ending as what it is (a PNG named as a
    // program is not shown as one).
    let send = |name: &'static str, bytes: Vec<u8>| {
        let form = reqwest::multipart::Form::new().text("kind", "other").part(
            "file",
            reqwest::multipart::Part::bytes(bytes).file_name(name),
        );
        app.http
            .post(app.url(&format!("/api/v1/orders/{}/attachments", order.order_no)))
            .bearer_auth(&app.clerk)
            .multipart(form)
            .send()
    };
    let other = crate::common::scan_png(300, 390);
    let first = send("x<script>\u{202E}gpj.exe", other.clone())
        .await
        .expect("send");
    assert_eq!(first.status(), 201);
    let stored: ca_counter::api::Attachment = first.json().await.expect("json");
    assert_eq!(stored.filename, "xscriptgpj.exe.png");
    let retried = send("again.png", other).await.expect("send");
    assert_eq!(retried.status(), 200);
    let kept: ca_counter::api::Attachment = retried.json().await.expect("json");
    assert_eq!((kept.id, kept.filename), (stored.id, stored.filename));
    let order = clerk.order(&order.order_no, false).await.expect("order");
    assert_eq!(order.attachments.len(), 2);

    let history = clerk.history(&order.order_no).await.expect("history");
    assert!(history.iter().any(|h| h.action == "attach"));
    app.finish().await;
}

async fn a_text_file_named_jpg_is_refused(db: Db) {
    let app = TestApp::spawn(db).await;
    let order = app.submit("张三").await;
    let refused = app
        .client(&app.clerk)
        .upload_attachment(
            &order.order_no,
            AttachmentKind::SignedForm,
            "scan.jpg",
            b"just some text".to_vec(),
        )
        .await
        .expect_err("refused");
    let problem: &Problem = refused.problem().expect("problem");
    assert_eq!(
        (problem.status, problem.code.as_str()),
        (415, "unsupported_media_type")
    );
    let order = app
        .client(&app.clerk)
        .order(&order.order_no, false)
        .await
        .expect("order");
    assert!(order.attachments.is_empty());
    let cancel = ca_counter::api::ActionRequest {
        reason: Some("客户放弃".into()),
        ..Default::default()
    };
    let cancelled = app
        .act(
            &app.clerk,
            &order,
            ca_counter::domain::Action::Cancel,
            cancel,
        )
        .await;
    let refused = app
        .client(&app.clerk)
        .upload_attachment(
            &cancelled.order_no,
            AttachmentKind::SignedForm,
            "scan.png",
            png(),
        )
        .await
        .expect_err("cancelled");
    assert_eq!(
        refused.problem().map(|p| p.code.as_str()),
        Some("order_cancelled")
    );
    app.finish().await;
}

async fn an_upload_over_the_limit_is_refused(db: Db) {
    let config = PlatformConfig {
        max_upload_bytes: 64 * 1024,
        ..PlatformConfig::default()
    };
    let app = TestApp::spawn_with(db, config).await;
    let order = app.submit("张三").await;
    let big = crate::common::scan_pdf(1, 200 * 1024);
    let refused = app
        .client(&app.clerk)
        .upload_attachment(&order.order_no, AttachmentKind::SignedForm, "big.pdf", big)
        .await
        .expect_err("too large");
    let problem = refused.problem().expect("problem");
    assert_eq!(problem.status, 413);
    assert!(problem.detail.contains("64 KB"), "{problem:?}");
    let small = crate::common::scan_pdf(1, 60 * 1024);
    app.client(&app.clerk)
        .upload_attachment(
            &order.order_no,
            AttachmentKind::SignedForm,
            "small.pdf",
            small,
        )
        .await
        .expect("under the limit");
    app.finish().await;
}

async fn a_chunked_body_over_the_limit_is_refused_as_too_large(db: Db) {
    let config = PlatformConfig {
        max_upload_bytes: 64 * 1024,
        ..PlatformConfig::default()
    };
    let app = TestApp::spawn_with(db, config).await;
    let order = app.submit("张三").await;
    // A multipart upload sent in chunks, with no Content-Length to refuse it up front.
    let boundary = "XyZ-boundary";
    let mut body = format!(
        "--{boundary}\r\nContent-Disposition: form-data; name=\"kind\"\r\n\r\nsigned_form\r\n\
         --{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"big.pdf\"\r\n\r\n"
    )
    .into_bytes();
    // Just over the limit: the whole body is in flight before the platform answers, so the
    // answer is read rather than lost to a closed connection.
    body.extend(crate::common::scan_pdf(1, 72 * 1024));
    body.extend(format!("\r\n--{boundary}--\r\n").bytes());
    let chunks: Vec<Result<Vec<u8>, std::io::Error>> =
        body.chunks(8 * 1024).map(|c| Ok(c.to_vec())).collect();
    let response = app
        .http
        .post(app.url(&format!("/api/v1/orders/{}/attachments", order.order_no)))
        .bearer_auth(&app.clerk)
        .header(
            "content-type",
            format!("multipart/form-data; boundary={boundary}"),
        )
        .body(reqwest::Body::wrap_stream(futures_util::stream::iter(
            chunks,
        )))
        .send()
        .await
        .expect("send");
    assert_eq!(response.status(), 413);
    // The body was refused unread: the connection is not kept for another request.
    assert_eq!(
        response
            .headers()
            .get("connection")
            .and_then(|v| v.to_str().ok()),
        Some("close")
    );
    let problem: Problem = response.json().await.expect("problem");
    assert!(problem.detail.contains("64 KB"), "{problem:?}");
    // The same for a JSON body.
    let mut note = b"{\"text\": \"".to_vec();
    // A JSON body may be no larger than an upload (64 KB here): just over it, so the whole
    // body is in flight before the platform answers.
    note.extend(std::iter::repeat_n(b'a', 66 * 1024));
    note.extend(b"\"}");
    let chunks: Vec<Result<Vec<u8>, std::io::Error>> =
        note.chunks(8 * 1024).map(|c| Ok(c.to_vec())).collect();
    // A fresh connection: the platform closed the last one, having refused its body unread.
    let response = reqwest::Client::new()
        .post(app.url(&format!("/api/v1/orders/{}/notes", order.order_no)))
        .bearer_auth(&app.clerk)
        .header("content-type", "application/json")
        .body(reqwest::Body::wrap_stream(futures_util::stream::iter(
            chunks,
        )))
        .header("accept-language", "en")
        .send()
        .await
        .expect("send");
    assert_eq!(response.status(), 413);
    // It is a body too large, not an upload: nothing was being uploaded.
    let problem: Problem = response.json().await.expect("problem");
    assert_eq!(problem.title, "Request body too large", "{problem:?}");
    assert!(problem.detail.contains("64 KB"), "{problem:?}");
    // A customer's photo of the signed form over the limit (whoever sends it): back to the
    // upload's own form, which says the limit beside the file field — not problem JSON, nor
    // a page of its own at the address posted to, which a reload would post again. (The
    // browser suite sends a 12 MB photo from a phone's page.)
    let mut photo = body.clone();
    // Over the limit (64 KB, and the 64 KB a form's other fields may take), within four
    // times it (what the platform reads of an upload over the limit, to answer it).
    photo.extend(std::iter::repeat_n(b'x', 100 * 1024));
    let browser = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .expect("client");
    for (path, back) in [
        (
            "/apply/scan".to_owned(),
            "/apply?step=scan&too_large=1".to_owned(),
        ),
        (
            format!("/orders/{}/voucher", order.order_no),
            format!("/orders/{}?too_large=1#scan", order.order_no),
        ),
        (
            format!("/orders/{}/correction", order.order_no),
            format!("/orders/{}?too_large=1#scan", order.order_no),
        ),
    ] {
        let response = browser
            .post(app.url(&path))
            .header(
                "content-type",
                format!("multipart/form-data; boundary={boundary}"),
            )
            .body(photo.clone())
            .send()
            .await
            .expect("send");
        assert_eq!(response.status(), 303, "{path}");
        let header = |name: &str| {
            response
                .headers()
                .get(name)
                .and_then(|v| v.to_str().ok())
                .map(str::to_owned)
        };
        assert_eq!(header("location"), Some(back), "{path}");
        // Read to its end before the answer (a browser cut off while still sending shows
        // "connection reset", not the answer): the connection carries the next request.
        assert_ne!(header("connection").as_deref(), Some("close"), "{path}");
    }
    // Any other form of the customer's pages, or an upload to a path that names no order:
    // a page in their words, the form too long (nothing of the path led back to).
    let made_up = browser
        .post(app.url("/orders/%2F%2Fevil.com/voucher"))
        .header(
            "content-type",
            format!("multipart/form-data; boundary={boundary}"),
        )
        .body(photo.clone())
        .send()
        .await
        .expect("send");
    assert_eq!(made_up.status(), 413);
    assert!(made_up.headers().get("location").is_none());
    let response = browser
        .post(app.url("/apply/submit"))
        .header(
            "content-type",
            format!("multipart/form-data; boundary={boundary}"),
        )
        .body(photo)
        .send()
        .await
        .expect("send");
    assert_eq!(response.status(), 413);
    let html = response.text().await.expect("page");
    assert!(html.contains("填写的内容太长"), "{html}");
    app.finish().await;
}

async fn a_fake_jpeg_a_garbage_pdf_and_a_pixel_bomb_are_refused(db: Db) {
    let app = TestApp::spawn(db).await;
    let order = app.submit("张三").await;
    // `kind` twice (`other`, then `voucher`): named, nothing stored — not the last one
    // silently winning.
    let boundary = "XyZ-boundary";
    let mut twice = format!(
        "--{boundary}\r\nContent-Disposition: form-data; name=\"kind\"\r\n\r\nother\r\n\
         --{boundary}\r\nContent-Disposition: form-data; name=\"kind\"\r\n\r\nvoucher\r\n\
         --{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"a.pdf\"\r\n\r\n"
    )
    .into_bytes();
    twice.extend(crate::common::scan_pdf(1, 2 * 1024));
    twice.extend(format!("\r\n--{boundary}--\r\n").bytes());
    let response = app
        .http
        .post(app.url(&format!("/api/v1/orders/{}/attachments", order.order_no)))
        .bearer_auth(&app.clerk)
        .header(
            "content-type",
            format!("multipart/form-data; boundary={boundary}"),
        )
        .body(twice)
        .send()
        .await
        .expect("send");
    assert_eq!(response.status(), 422);
    let problem: ca_counter::api::Problem = response.json().await.expect("problem");
    assert_eq!(problem.errors[0].field, "kind", "{problem:?}");
    // Not an upload at all — JSON, or multipart without its boundary: 415, naming the type
    // it came as (it was a 400 "invalid value: Bad Request").
    for sent in ["application/json", "multipart/form-data"] {
        let response = app
            .http
            .post(app.url(&format!("/api/v1/orders/{}/attachments", order.order_no)))
            .bearer_auth(&app.clerk)
            .header("content-type", sent)
            .header("accept-language", "en")
            .body("{}")
            .send()
            .await
            .expect("send");
        assert_eq!(response.status(), 415, "{sent}");
        let problem: ca_counter::api::Problem = response.json().await.expect("problem");
        assert_eq!(problem.code, "unsupported_media_type");
        assert!(
            problem.detail.contains("multipart/form-data") && problem.detail.contains(sent),
            "{problem:?}"
        );
    }
    // Cut off on the way (no closing boundary): said in our words, in the language
    // asked, not the multipart library's English. A file name with a control character
    // in it does not read either: the message says that may be why (it said only "cut
    // off on the way?").
    let cut = format!(
        "--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"a.pdf\"\r\n\r\n%PDF-1.7 abc"
    );
    let odd = format!(
        "--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"a\x1b[31mb.pdf\"\r\n\r\n%PDF-1.7 abc\r\n--{boundary}--\r\n"
    );
    for body in [cut, odd] {
        let response = app
            .http
            .post(app.url(&format!("/api/v1/orders/{}/attachments", order.order_no)))
            .bearer_auth(&app.clerk)
            .header(
                "content-type",
                format!("multipart/form-data; boundary={boundary}"),
            )
            .header("accept-language", "zh-CN")
            .body(body)
            .send()
            .await
            .expect("send");
        assert_eq!(response.status(), 400);
        let problem: ca_counter::api::Problem = response.json().await.expect("problem");
        assert_eq!(problem.code, "malformed_request");
        assert!(
            problem.detail.contains("重新上传")
                && problem.detail.contains("文件名里有控制字符")
                && !problem.detail.contains("incomplete"),
            "{problem:?}"
        );
    }
    let clerk = app.client(&app.clerk);
    let mut bomb = crate::common::scan_png(20, 20);
    bomb[16..20].copy_from_slice(&60_000u32.to_be_bytes());
    bomb[20..24].copy_from_slice(&60_000u32.to_be_bytes());
    let mut garbage_pdf = b"%PDF-1.7\n".to_vec();
    garbage_pdf.extend(std::iter::repeat_n(b'x', 4000));
    for (name, bytes) in [
        (
            "twelve.jpg",
            b"\xFF\xD8\xFF\xE0\x00\x10JFIF\x00\x01".to_vec(),
        ),
        ("garbage.pdf", garbage_pdf),
        ("bomb.png", bomb),
        // A PDF that runs a script when a reviewer opens it.
        ("signed.pdf", crate::common::scripted_pdf()),
    ] {
        let refused = clerk
            .upload_attachment(&order.order_no, AttachmentKind::SignedForm, name, bytes)
            .await
            .expect_err(name);
        let problem = refused.problem().expect("problem");
        assert_eq!(problem.status, 422, "{name}: {problem:?}");
        assert!(
            problem.errors.iter().any(|e| e.field == "file"),
            "{name}: {problem:?}"
        );
    }
    // An empty file (a scanner that wrote nothing): said to be empty, not missing.
    let refused = clerk
        .upload_attachment(
            &order.order_no,
            AttachmentKind::SignedForm,
            "e.png",
            Vec::new(),
        )
        .await
        .expect_err("empty");
    let problem = refused.problem().expect("problem");
    assert_eq!(problem.errors[0].field, "file", "{problem:?}");
    assert!(
        problem.errors[0].message.contains("empty (0 bytes)"),
        "{problem:?}"
    );
    // A thumbnail of the signed form (a phone's gallery sends one): too small to read, said
    // with its size; so is a strip cut out of a page (its shorter side counts).
    for (kind, name, bytes) in [
        (
            AttachmentKind::SignedForm,
            "thumb.jpg",
            crate::common::voucher_jpeg(60, 85),
        ),
        (
            AttachmentKind::SignedForm,
            "strip.png",
            crate::common::scan_png(1240, 299),
        ),
    ] {
        let refused = clerk
            .upload_attachment(&order.order_no, kind, name, bytes)
            .await
            .expect_err(name);
        let problem = refused.problem().expect("problem");
        assert_eq!(
            (problem.status, problem.errors[0].field.as_str()),
            (422, "file")
        );
        assert!(
            problem.errors[0].message.contains("too small to read")
                && problem.errors[0].message.contains("at least 300"),
            "{name}: {problem:?}"
        );
    }
    // A voucher for an order waiting to be paid online: refused, naming what to do first.
    let refused = clerk
        .upload_attachment(
            &order.order_no,
            AttachmentKind::Voucher,
            "voucher.jpg",
            crate::common::voucher_jpeg(392, 336),
        )
        .await
        .expect_err("no transfer chosen");
    let problem = refused.problem().expect("problem");
    assert_eq!(
        (problem.status, problem.code.as_str()),
        (409, "transfer_not_chosen"),
        "{problem:?}"
    );
    let order = clerk.order(&order.order_no, false).await.expect("order");
    assert!(order.attachments.is_empty(), "nothing was stored");
    // Nor for an order past review, its payment confirmed: a voucher there would read as
    // proof of a second payment.
    let approved = crate::mailing::approved(&app, "李四").await;
    let shipped = crate::mailing::shipped(&app, "王五", "EA123456785CN").await;
    assert_eq!(shipped.status, OrderStatus::PendingInvoice);
    for past_review in [&approved, &shipped] {
        let before = clerk
            .order(&past_review.order_no, false)
            .await
            .expect("order");
        let refused = clerk
            .upload_attachment(
                &past_review.order_no,
                AttachmentKind::Voucher,
                "voucher.jpg",
                crate::common::voucher_jpeg(392, 336),
            )
            .await
            .expect_err("payment confirmed");
        let problem = refused.problem().expect("problem");
        assert_eq!(
            (problem.status, problem.code.as_str()),
            (409, "payment_confirmed"),
            "{problem:?}"
        );
        assert!(
            problem.detail.contains("no voucher is needed"),
            "{problem:?}"
        );
        let after = clerk
            .order(&past_review.order_no, false)
            .await
            .expect("order");
        assert_eq!(
            after.attachments.len(),
            before.attachments.len(),
            "nothing was stored"
        );
    }
    // Paid online, in review: no transfer to prove either.
    let in_review = app.pay(&app.submit("赵六").await).await;
    assert_eq!(in_review.status, OrderStatus::PendingReview);
    let refused = clerk
        .upload_attachment(
            &in_review.order_no,
            AttachmentKind::Voucher,
            "voucher.jpg",
            crate::common::voucher_jpeg(392, 336),
        )
        .await
        .expect_err("paid online");
    let problem = refused.problem().expect("problem");
    assert_eq!(
        (problem.status, problem.code.as_str()),
        (409, "paid_online"),
        "{problem:?}"
    );
    // Nor is a correction for an order not returned: in review, it would pass for the
    // signed form the reviewer approves on.
    let refused = clerk
        .upload_attachment(
            &in_review.order_no,
            AttachmentKind::Correction,
            "corrected.png",
            crate::common::scan_png(303, 395),
        )
        .await
        .expect_err("not returned");
    let problem = refused.problem().expect("problem");
    assert_eq!(
        (problem.status, problem.code.as_str()),
        (409, "not_returned"),
        "{problem:?}"
    );
    assert!(problem.detail.contains("was not returned"), "{problem:?}");
    let after = clerk
        .order(&in_review.order_no, false)
        .await
        .expect("order");
    assert_eq!(after.attachments.len(), in_review.attachments.len());
    // Paid by transfer and in review, a voucher is still taken (a clearer copy).
    let by_transfer = app
        .act(
            &app.clerk,
            &app.submit("孙七").await,
            ca_counter::domain::Action::ChooseBankTransfer,
            Default::default(),
        )
        .await;
    let in_review = app
        .send_voucher(&by_transfer, crate::common::voucher_jpeg(392, 336))
        .await;
    assert_eq!(in_review.status, OrderStatus::PendingReview);
    clerk
        .upload_attachment(
            &in_review.order_no,
            AttachmentKind::Voucher,
            "clearer.jpg",
            crate::common::voucher_jpeg(400, 340),
        )
        .await
        .expect("a voucher in review");
    app.finish().await;
}

async fn personal_attachments_follow_the_reveal_permission_and_every_look_is_recorded(db: Db) {
    use crate::common::{scan_pdf, scan_png, voucher_jpeg};
    let app = TestApp::spawn(db).await;
    let order = app.submit("张三").await;
    // Paid by transfer, so that it takes a voucher, and returned, so that it takes a
    // correction.
    let order = app
        .act(
            &app.clerk,
            &order,
            ca_counter::domain::Action::ChooseBankTransfer,
            Default::default(),
        )
        .await;
    let order = app
        .send_voucher(&order, crate::common::voucher_jpeg(390, 338))
        .await;
    let order = app.returned(&order, &["签名缺失"]).await;
    let clerk = app.client(&app.clerk);
    let mut uploaded = Vec::new();
    for (kind, name, bytes) in [
        (AttachmentKind::ApplicationForm, "form.pdf", scan_pdf(1, 0)),
        (AttachmentKind::SignedForm, "signed.png", scan_png(300, 392)),
        (
            AttachmentKind::Voucher,
            "voucher.jpg",
            voucher_jpeg(396, 340),
        ),
        (
            AttachmentKind::Correction,
            "corrected.png",
            scan_png(301, 393),
        ),
        (AttachmentKind::Other, "other.pdf", scan_pdf(2, 0)),
    ] {
        let attachment = clerk
            .upload_attachment(&order.order_no, kind, name, bytes)
            .await
            .expect("upload");
        uploaded.push(attachment);
    }
    let roles = [
        ("clerk-li", &app.clerk, true),
        ("support-zhou", &app.support, false),
        ("reviewer-zhao", &app.reviewer, true),
        // The scans carry the ID card: the mailroom addresses parcels without them.
        ("mailroom-wu", &app.mailroom, false),
        ("finance-zheng", &app.finance, false),
        ("admin", &app.admin, true),
    ];
    let mut expected_rows = Vec::new();
    for (name, token, may) in roles {
        let client = app.client(token);
        for attachment in &uploaded {
            let downloaded = client.attachment(&attachment.id).await;
            let image = attachment.content_type.starts_with("image/");
            let previewed = if image {
                Some(client.attachment_preview(&attachment.id, 1, 64, 64).await)
            } else {
                None
            };
            if may {
                assert!(downloaded.is_ok(), "{name} may read {:?}", attachment.kind);
                expected_rows.push((name, "download_attachment", attachment.id.clone()));
                if let Some(preview) = previewed {
                    assert!(preview.is_ok(), "{name} may preview {:?}", attachment.kind);
                    expected_rows.push((name, "preview_attachment", attachment.id.clone()));
                }
            } else {
                let status = downloaded.err().and_then(|e| e.problem().map(|p| p.status));
                assert_eq!(
                    status,
                    Some(403),
                    "{name} may not read {:?}",
                    attachment.kind
                );
                if let Some(preview) = previewed {
                    let status = preview.err().and_then(|e| e.problem().map(|p| p.status));
                    assert_eq!(
                        status,
                        Some(403),
                        "{name} may not preview {:?}",
                        attachment.kind
                    );
                }
            }
        }
    }
    // The reviewer zooms into a scan (a larger preview of it): still one look, one row. A
    // second download is another copy out: another row.
    let reviewer = app.client(&app.reviewer);
    let scan = uploaded
        .iter()
        .find(|a| a.content_type.starts_with("image/"))
        .expect("an image");
    for size in [128, 256, 512] {
        reviewer
            .attachment_preview(&scan.id, 1, size, size)
            .await
            .expect("zoomed");
    }
    reviewer.attachment(&scan.id).await.expect("again");
    expected_rows.push(("reviewer-zhao", "download_attachment", scan.id.clone()));
    let history = clerk.history(&order.order_no).await.expect("history");
    let mut recorded: Vec<(String, String, String)> = history
        .iter()
        .filter(|h| h.action.ends_with("_attachment"))
        .map(|h| {
            let id = h
                .reason
                .as_deref()
                .and_then(|r| r.split_whitespace().nth(1))
                .unwrap_or_default()
                .to_owned();
            (h.actor.name.clone(), h.action.clone(), id)
        })
        .collect();
    let mut expected: Vec<(String, String, String)> = expected_rows
        .into_iter()
        .map(|(n, a, id)| (n.to_owned(), a.to_owned(), id))
        .collect();
    recorded.sort();
    expected.sort();
    assert_eq!(
        recorded, expected,
        "one audit row per look, naming who and which"
    );
    app.finish().await;
}

/// Scanners name files after what they hold: a phone and an ID number in a file's name
/// are masked wherever the name is shown (the order's attachments, its history), as the
/// fields themselves are.
async fn a_file_named_after_a_phone_and_an_id_number_shows_them_masked(db: Db) {
    let app = TestApp::spawn(db).await;
    let order = app.submit("张三").await;
    let attachment = app
        .client(&app.clerk)
        .upload_attachment(
            &order.order_no,
            AttachmentKind::SignedForm,
            "张三 13812345678 身份证 430102199001010016.png",
            png(),
        )
        .await
        .expect("upload");
    assert_eq!(
        attachment.filename,
        "张三 138****5678 身份证 4301**********0016.png"
    );
    let support = app.client(&app.support);
    let seen = support.order(&order.order_no, false).await.expect("order");
    let names: Vec<&str> = seen
        .attachments
        .iter()
        .map(|a| a.filename.as_str())
        .collect();
    assert_eq!(names, ["张三 138****5678 身份证 4301**********0016.png"]);
    let history = support.history(&order.order_no).await.expect("history");
    let json = serde_json::to_string(&history).expect("json");
    assert!(
        !json.contains("13812345678") && !json.contains("430102199001010016"),
        "{json}"
    );
    assert!(json.contains("138****5678"), "{json}");
    app.finish().await;
}

/// A file is judged for the order's status as read (a correction for a returned order);
/// one whose order moved on meanwhile (sent back to review from a phone while a clerk's
/// scan was checked) is not kept: the store compares the status in the transaction that
/// would keep it.
async fn a_file_judged_for_a_status_the_order_has_left_is_not_kept(db: Db) {
    use ca_counter::server::store::{Actor, Attached, NewAttachment};
    let app = TestApp::spawn(db).await;
    let order = app.pay(&app.submit("张三").await).await;
    let order = app.returned(&order, &["签名缺失"]).await;
    assert_eq!(order.status, OrderStatus::Rejected);
    let read = app
        .store()
        .order_by_no(order.order_no.as_str())
        .await
        .expect("db")
        .expect("order");
    let clerk = app.client(&app.clerk);
    let corrected = clerk
        .upload_attachment(
            &order.order_no,
            AttachmentKind::Correction,
            "signed-again.png",
            crate::common::scan_png(304, 396),
        )
        .await
        .expect("a correction");
    let now = clerk.order(&order.order_no, false).await.expect("order");
    let resubmitted = ca_counter::api::ActionRequest {
        attachment_ids: vec![corrected.id],
        ..Default::default()
    };
    let now = app
        .act(
            &app.clerk,
            &now,
            ca_counter::domain::Action::Resubmit,
            resubmitted,
        )
        .await;
    assert_eq!(now.status, OrderStatus::PendingReview);
    let before = clerk.order(&order.order_no, false).await.expect("order");
    let late = app
        .store()
        .attach(
            &read,
            NewAttachment {
                order_id: read.id.clone(),
                kind: "correction".into(),
                content_type: "image/png".into(),
                filename: "late.png".into(),
                data: crate::common::scan_png(305, 397),
                uploaded_by: ca_counter::server::store::self_service::ONLINE_OPERATOR_ID.into(),
                scan_json: None,
            },
            &Actor::System("test".into()),
            None,
            Some(&|status| status == OrderStatus::Rejected),
        )
        .await
        .expect("db");
    assert!(
        matches!(
            late,
            Attached::Moved {
                status: OrderStatus::PendingReview,
                ..
            }
        ),
        "{late:?}"
    );
    let after = clerk.order(&order.order_no, false).await.expect("order");
    assert_eq!(after.attachments.len(), before.attachments.len());
    assert_eq!(after.version, before.version);
    // A file judged by no status (another scan) is kept whatever the order did.
    let other = app
        .store()
        .attach(
            &read,
            NewAttachment {
                order_id: read.id.clone(),
                kind: "other".into(),
                content_type: "image/png".into(),
                filename: "other.png".into(),
                data: crate::common::scan_png(306, 398),
                uploaded_by: ca_counter::server::store::self_service::ONLINE_OPERATOR_ID.into(),
                scan_json: None,
            },
            &Actor::System("test".into()),
            None,
            None,
        )
        .await
        .expect("db");
    assert!(matches!(other, Attached::Stored(_, true)), "{other:?}");
    app.finish().await;
}
