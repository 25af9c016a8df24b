//! Printed documents read back with pdftotext, and the terms.

use ca_counter::config::{BankConfig, PlatformConfig};

use crate::common::{Db, TestApp, TestDb};
use crate::on_both_databases;

on_both_databases!(
    the_application_form_carries_the_applicant_project_and_reference,
    the_receipt_and_a_reprint_name_the_order,
    a_transfer_is_paid_on_the_receipt_only_once_review_has_checked_it,
    a_character_no_font_has_is_named_with_the_document,
    a_configured_font_that_is_not_there_stops_the_start_naming_it,
    the_terms_come_in_the_operators_language,
    the_transfer_slip_names_the_account_amount_and_reference,
);

/// The text of a PDF, as `pdftotext` reads it.
pub(crate) fn pdf_text(bytes: &[u8]) -> String {
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join("doc.pdf");
    std::fs::write(&path, bytes).expect("write pdf");
    let output = std::process::Command::new("pdftotext")
        .args(["-layout", path.to_str().expect("utf-8"), "-"])
        .output()
        .expect("pdftotext (poppler-utils) must be installed");
    assert!(
        output.status.success(),
        "pdftotext failed: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    String::from_utf8_lossy(&output.stdout).into_owned()
}

async fn the_application_form_carries_the_applicant_project_and_reference(db: Db) {
    let app = TestApp::spawn(db).await;
    let mut body = app.new_order_body("欧阳娜娜").await;
    body.application_ref = Some("SQ7F3K9QAB".into());
    let response = app
        .http
        .post(app.url("/api/v1/application-forms"))
        .bearer_auth(&app.clerk)
        .json(&body)
        .send()
        .await
        .expect("send");
    assert_eq!(response.status(), 200);
    assert_eq!(
        response
            .headers()
            .get("content-type")
            .and_then(|v| v.to_str().ok()),
        Some("application/pdf")
    );
    let bytes = response.bytes().await.expect("pdf");
    assert!(bytes.starts_with(b"%PDF-"));
    assert!(
        bytes.len() < 200_000,
        "the font is subset: {} bytes",
        bytes.len()
    );
    let text = pdf_text(&bytes);
    for expected in [
        "数字证书申请表（个人）",
        "欧阳娜娜",
        "11010519491231002X",
        "湖南省公共资源交易中心",
        "SQ7F3K9QAB",
        "申请人签字",
        "410083",
    ] {
        assert!(
            text.contains(expected),
            "{expected:?} missing from:\n{text}"
        );
    }
    // Bad input gets the same answer as submitting would.
    body.applicant.id_number = "110101199003077757".into();
    let refused = app
        .http
        .post(app.url("/api/v1/application-forms"))
        .bearer_auth(&app.clerk)
        .json(&body)
        .send()
        .await
        .expect("send");
    assert_eq!(refused.status(), 422);
    // Without a reference its code can carry, the form could never be matched to its
    // scan: named, not printed without a code.
    body.applicant.id_number = "11010519491231002X".into();
    for reference in [None, Some("PRE-0001")] {
        body.application_ref = reference.map(str::to_owned);
        let refused = app
            .http
            .post(app.url("/api/v1/application-forms"))
            .bearer_auth(&app.clerk)
            .json(&body)
            .send()
            .await
            .expect("send");
        assert_eq!(refused.status(), 422, "{reference:?}");
        let problem: ca_counter::api::Problem = refused.json().await.expect("problem");
        assert_eq!(problem.errors[0].field, "application_ref", "{reference:?}");
    }
    app.finish().await;
}

async fn a_character_no_font_has_is_named_with_the_document(db: Db) {
    let app = TestApp::spawn(db).await;
    // 𪚥 (U+2A6A5, CJK Extension B) is outside the built-in font: an order that would print
    // it as its code point on the form the customer signs is refused on each field, with
    // the character named. (A customer of that name is refused already: the name is typed
    // here into the order itself.)
    let mut body = app.new_order_body("张三").await;
    body.applicant.name = "张𪚥".into();
    body.mailing.recipient = "张𪚥".into();
    let refused = app
        .http
        .post(app.url("/api/v1/orders"))
        .bearer_auth(&app.clerk)
        .header("Idempotency-Key", uuid::Uuid::now_v7().to_string())
        .json(&body)
        .send()
        .await
        .expect("send");
    assert_eq!(refused.status(), 422);
    let problem: ca_counter::api::Problem = refused.json().await.expect("problem");
    let fields: Vec<&str> = problem.errors.iter().map(|e| e.field.as_str()).collect();
    assert_eq!(
        fields,
        ["applicant.name", "mailing.recipient"],
        "{problem:?}"
    );
    assert!(problem.errors[0].message.contains("“𪚥”"), "{problem:?}");
    // An order kept from before (or imported) still prints, and its printout says which
    // characters came out as code points.
    let order = app.submit("张三").await;
    sqlx::query("UPDATE orders SET applicant_json = REPLACE(applicant_json, '张三', '张𪚥') WHERE order_no = $1")
        .bind(order.order_no.as_str())
        .execute(app.store().pool())
        .await
        .expect("an order from before the rule");
    let printed = app
        .client(&app.clerk)
        .receipt(&order.order_no)
        .await
        .expect("receipt");
    assert_eq!(printed.unprintable, vec!['𪚥']);
    assert!(pdf_text(&printed.bytes).contains("张[U+2A6A5]"));
    let plain = app.submit("张三").await;
    let printed = app
        .client(&app.clerk)
        .receipt(&plain.order_no)
        .await
        .expect("receipt");
    assert!(printed.unprintable.is_empty());
    app.finish().await;
}

async fn the_receipt_and_a_reprint_name_the_order(db: Db) {
    let app = TestApp::spawn(db).await;
    let order = app.submit("张三").await;
    let get = |path: String, token: String| {
        let http = app.http.clone();
        let url = app.url(&path);
        async move { http.get(url).bearer_auth(token).send().await.expect("send") }
    };
    let receipt = get(
        format!("/api/v1/orders/{}/receipt", order.order_no),
        app.support.clone(),
    )
    .await;
    assert_eq!(receipt.status(), 200);
    let text = pdf_text(&receipt.bytes().await.expect("pdf"));
    for expected in [
        "受理回执",
        order.order_no.as_str(),
        "待支付",
        "1101**********002X",
        "400-668-2666",
    ] {
        assert!(
            text.contains(expected),
            "{expected:?} missing from:\n{text}"
        );
    }
    assert!(
        !text.contains("11010519491231002X"),
        "the receipt masks the ID number"
    );
    // Support may not see addresses: the street is masked on its printout, which is not
    // recorded; the clerk's shows it in full (for the customer to check) and is recorded.
    let compact = |text: &str| text.split_whitespace().collect::<String>();
    assert!(!compact(&text).contains("麓山南路932号"), "{text}");
    assert!(compact(&text).contains("湖南省长沙市岳麓区****"), "{text}");
    // Unpaid, said so; the customer is not asked to check an address printed masked.
    assert!(compact(&text).contains("付款未付款"), "{text}");
    assert!(!text.contains("请当场核对"), "{text}");
    let full = get(
        format!("/api/v1/orders/{}/receipt", order.order_no),
        app.clerk.clone(),
    )
    .await;
    assert_eq!(full.status(), 200);
    let full = pdf_text(&full.bytes().await.expect("pdf"));
    assert!(compact(&full).contains("麓山南路932号"), "{full}");
    // What the customer is asked to check is printed whole: the recipient's phone too.
    assert!(full.contains("请当场核对"), "{full}");
    // It says when it was printed; the first the counter printed is no reprint.
    assert!(full.contains("打印时间"), "{full}");
    assert!(!full.contains("补打"), "{full}");
    let recipient_phone = app
        .client(&app.clerk)
        .order(&order.order_no, true)
        .await
        .expect("order")
        .mailing
        .phone;
    assert!(
        full.contains(&recipient_phone),
        "{recipient_phone} in {full}"
    );
    let history = app
        .client(&app.admin)
        .history(&order.order_no)
        .await
        .expect("history");
    let printed: Vec<_> = history.iter().filter(|h| h.action == "print").collect();
    assert_eq!(printed.len(), 1, "the clerk's receipt only: {history:?}");
    let refused = get(
        format!("/api/v1/orders/{}/application-form", order.order_no),
        app.support.clone(),
    )
    .await;
    assert_eq!(
        refused.status(),
        403,
        "a reprint shows personal data in full"
    );
    let reprint = get(
        format!("/api/v1/orders/{}/application-form", order.order_no),
        app.clerk.clone(),
    )
    .await;
    assert_eq!(reprint.status(), 200);
    assert!(pdf_text(&reprint.bytes().await.expect("pdf")).contains(order.order_no.as_str()));
    // A receipt printed after payment is the customer's proof of it: paid, how and when.
    let paid = app.pay(&order).await;
    let after = get(
        format!("/api/v1/orders/{}/receipt", paid.order_no),
        app.clerk.clone(),
    )
    .await;
    let after = compact(&pdf_text(&after.bytes().await.expect("pdf")));
    assert!(after.contains("已付款（演示收银台，"), "{after}");
    // The counter's second: marked as such, with its number.
    assert!(after.contains("（补打，第2份）"), "{after}");
    let history = app
        .client(&app.admin)
        .history(&order.order_no)
        .await
        .expect("history");
    assert!(
        history.iter().any(|h| h.action == "print"),
        "reprints are recorded"
    );
    app.finish().await;
}

async fn a_configured_font_that_is_not_there_stops_the_start_naming_it(db: Db) {
    let config = PlatformConfig {
        pdf_font: Some("/nowhere/wqy-microhei.ttc".into()),
        ..PlatformConfig::default()
    };
    let db = TestDb::create(db).await;
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind");
    let error = match ca_counter::server::Platform::start(config, &db.url, listener).await {
        Ok(_) => panic!("a platform whose configured font is missing must not start"),
        Err(e) => e.to_string(),
    };
    assert!(
        error.contains("pdf_font") && error.contains("/nowhere/wqy-microhei.ttc"),
        "{error}"
    );
    db.drop_database().await;
}

async fn the_terms_come_in_the_operators_language(db: Db) {
    let app = TestApp::spawn(db).await;
    let zh = app
        .http
        .get(app.url("/api/v1/terms"))
        .bearer_auth(&app.clerk)
        .send()
        .await
        .expect("send");
    let zh: ca_counter::api::Terms = zh.json().await.expect("terms");
    assert!(zh.text.contains("数字证书申请条款"));
    assert_eq!(zh.version, "2026-12");
    let en = app.client(&app.clerk).terms().await.expect("terms");
    assert!(en.text.starts_with("Terms of application"));
    app.finish().await;
}

async fn the_transfer_slip_names_the_account_amount_and_reference(db: Db) {
    let config = PlatformConfig {
        bank: BankConfig {
            account_name: "湖南省数字证书认证中心".into(),
            bank: "中国银行长沙芙蓉支行".into(),
            account_no: "6222021000001234567".into(),
        },
        ..PlatformConfig::default()
    };
    let app = TestApp::spawn_with(db, config).await;
    let order = app.submit("张三").await;
    let client = app.client(&app.clerk);
    let account = client.bank_account().await.expect("bank account");
    assert_eq!(account.account_no, "6222021000001234567");
    assert_eq!(account.bank, "中国银行长沙芙蓉支行");
    let slip = client.transfer_slip(&order.order_no).await.expect("slip");
    let text = pdf_text(&slip.bytes);
    let amount = ca_counter::domain::Money::from_fen(order.amount_fen)
        .expect("amount")
        .to_string();
    for expected in [
        "银行转账付款说明",
        "湖南省数字证书认证中心",
        "中国银行长沙芙蓉支行",
        "6222021000001234567",
        amount.as_str(),
        order.order_no.as_str(),
        // The amount in words, who pays, by when, where to upload, whom to call.
        "贰佰元整",
        "付款人",
        "付款期限",
        "订单自动关闭",
        "订单页上传转账凭证",
        "400-668-2666",
    ] {
        assert!(
            text.contains(expected),
            "{expected:?} missing from:\n{text}"
        );
    }
    // Where the voucher goes, written out (the slip is read away from any screen).
    let squeezed: String = text.split_whitespace().collect();
    let address = format!("/orders/{}", order.order_no);
    assert!(
        squeezed.contains(&address),
        "{address} missing from:\n{text}"
    );
    let missing = client.transfer_slip("HN20990101999999").await;
    assert!(missing.is_err(), "an unknown order has no slip");
    // Once paid, no slip: one would have the customer pay twice.
    let paid = app.pay(&order).await;
    match client.transfer_slip(&paid.order_no).await {
        Err(e) => assert_eq!(
            e.problem().map(|p| (p.status, p.code.as_str())),
            Some((409, "not_awaiting_payment")),
            "{e:?}"
        ),
        Ok(_) => panic!("a slip for a paid order"),
    }
    app.finish().await;
}

/// A transfer's voucher is the customer's word until review has checked it against the
/// account: the receipt (kept as proof of payment) says so, also once the order is
/// returned, and says paid once it is approved.
async fn a_transfer_is_paid_on_the_receipt_only_once_review_has_checked_it(db: Db) {
    use ca_counter::api::{ActionRequest, AttachmentKind};
    use ca_counter::domain::Action;
    let app = TestApp::spawn(db).await;
    let receipt = |order_no: String| {
        let request = app
            .http
            .get(app.url(&format!("/api/v1/orders/{order_no}/receipt")))
            .bearer_auth(&app.clerk);
        async move {
            let bytes = request
                .send()
                .await
                .expect("send")
                .bytes()
                .await
                .expect("pdf");
            pdf_text(&bytes).split_whitespace().collect::<String>()
        }
    };
    let order = app.submit("张三").await;
    let order = app
        .act(
            &app.clerk,
            &order,
            Action::ChooseBankTransfer,
            Default::default(),
        )
        .await;
    let order = app
        .send_voucher(&order, crate::common::voucher_jpeg(392, 336))
        .await;
    let text = receipt(order.order_no.to_string()).await;
    assert!(
        text.contains("已提交银行转账凭证") && text.contains("待核实到账"),
        "{text}"
    );
    assert!(!text.contains("已付款"), "{text}");
    let reject = ActionRequest {
        reasons: vec!["转账金额与订单金额不符".into()],
        ..Default::default()
    };
    let order = app.act(&app.reviewer, &order, Action::Reject, reject).await;
    let text = receipt(order.order_no.to_string()).await;
    assert!(
        text.contains("待核实到账") && !text.contains("已付款"),
        "{text}"
    );
    let corrected = app
        .client(&app.clerk)
        .upload_attachment(
            &order.order_no,
            AttachmentKind::Correction,
            "voucher-again.jpg",
            crate::common::voucher_jpeg(393, 350),
        )
        .await
        .expect("correction");
    let resubmit = ActionRequest {
        attachment_ids: vec![corrected.id],
        ..Default::default()
    };
    let order = app
        .act(&app.clerk, &order, Action::Resubmit, resubmit)
        .await;
    let order = app
        .act(&app.reviewer, &order, Action::Approve, Default::default())
        .await;
    let text = receipt(order.order_no.to_string()).await;
    assert!(text.contains("已付款（银行转账，"), "{text}");
    app.finish().await;
}
