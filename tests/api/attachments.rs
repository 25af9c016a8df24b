//! Attachments: typed by content, size-limited, returned intact.

use ca_counter::api::{AttachmentKind, Problem};
use ca_counter::config::PlatformConfig;

use crate::common::{Db, TestApp};
use crate::on_both_databases;

on_both_databases!(
    a_scan_is_stored_with_its_hash_and_returned_intact,
    a_text_file_named_jpg_is_refused,
    an_upload_over_the_limit_is_refused,
);

fn png() -> Vec<u8> {
    let mut bytes = b"\x89PNG\r\n\x1a\n".to_vec();
    bytes.extend((0..5000u32).map(|i| (i % 251) as u8));
    bytes
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
        .client(&app.support)
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
    let order = clerk.order(&order.order_no, false).await.expect("order");
    assert_eq!(order.attachments.len(), 1);

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
            b"\x89PNG\r\n\x1a\nx".to_vec(),
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
    let mut big = b"%PDF-1.7\n".to_vec();
    big.resize(200 * 1024, b'x');
    let refused = app
        .client(&app.clerk)
        .upload_attachment(&order.order_no, AttachmentKind::SignedForm, "big.pdf", big)
        .await
        .expect_err("too large");
    let problem = refused.problem().expect("problem");
    assert_eq!(problem.status, 413);
    assert!(problem.detail.contains("64 KB"), "{problem:?}");
    let mut small = b"%PDF-1.7\n".to_vec();
    small.resize(60 * 1024, b'x');
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
