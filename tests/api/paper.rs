//! The paper of an order as the platform prints it — application form (individual and
//! organisation), acceptance receipt, correction notice, transfer slip — read back with
//! pdftotext, rasterised with pdftoppm, and its QR codes decoded back to the order. The
//! content does not depend on the database, so these run on SQLite only; previews at
//! 60 dpi stay in `target/tmp/pdf_documents/` for a person to look at.

use ca_counter::api::{ActionRequest, Order};
use ca_counter::domain::{Action, DocCode, DocKind, DocSubject};
use ca_counter::domain::{Scanned, read_codes};

use crate::common::{Db, TestApp};
use crate::pdf_documents::{preview, rasterise, text_of};

/// The codes read from every page of `name`, rasterised at `dpi` as a flat-bed scan would.
fn codes_of(name: &str, dpi: u32) -> Vec<Vec<DocCode>> {
    rasterise(name, dpi)
        .into_iter()
        .map(|png| {
            let bytes = std::fs::read(png).expect("png");
            match read_codes(&bytes) {
                Scanned::Codes(codes) => codes,
                other => panic!("{name}: {other:?}"),
            }
        })
        .collect()
}

/// Each word of `name`'s pages with the right edge of its box, as `pdftotext -bbox` reads
/// them.
fn words_right_edges(name: &str) -> Vec<(String, f32)> {
    let output = std::process::Command::new("pdftotext")
        .arg("-bbox")
        .arg(crate::pdf_documents::artifact(name))
        .arg("-")
        .output()
        .expect("pdftotext");
    String::from_utf8_lossy(&output.stdout)
        .lines()
        .filter(|l| l.contains("<word"))
        .filter_map(|l| {
            let start = l.find("xMax=\"")? + 6;
            let x_max: f32 = l[start..].split('"').next()?.parse().ok()?;
            let word = l.split('>').nth(1)?.split('<').next()?.to_owned();
            Some((word, x_max))
        })
        .collect()
}

/// The application form the platform prints for `body` (before the order exists).
async fn form_pdf(app: &TestApp, body: &ca_counter::api::NewOrder) -> Vec<u8> {
    let response = app
        .http
        .post(app.url("/api/v1/application-forms"))
        .bearer_auth(&app.clerk)
        .json(body)
        .send()
        .await
        .expect("send");
    assert_eq!(response.status(), 200);
    response.bytes().await.expect("pdf").to_vec()
}

/// Every expected piece is there (compared without spaces: pdftotext lays out columns),
/// and nothing was cut short with an ellipsis.
fn assert_has(text: &str, expected: &[&str]) {
    assert!(!text.contains('…'), "something was cut:\n{text}");
    let squeezed: String = text.split_whitespace().collect();
    // The diagonal demo band comes out as scattered letters on lines of their own, which
    // may fall between two lines of a paragraph: read again without such lines.
    let band = "样例·演示SAMPLE—DEMO";
    let unbanded: String = text
        .lines()
        .filter(|l| !l.chars().all(|c| c.is_whitespace() || band.contains(c)))
        .flat_map(|l| l.split_whitespace())
        .collect();
    for e in expected {
        let e: String = e.split_whitespace().collect();
        assert!(
            squeezed.contains(&e) || unbanded.contains(&e),
            "{e:?} missing from:\n{text}"
        );
    }
}

async fn get(app: &TestApp, token: &str, path: &str) -> Vec<u8> {
    let response = app
        .http
        .get(app.url(path))
        .bearer_auth(token)
        .send()
        .await
        .expect("send");
    assert_eq!(response.status(), 200, "{path}");
    response.bytes().await.expect("pdf").to_vec()
}

async fn returned(app: &TestApp, order: &Order) -> Order {
    app.act(
        &app.reviewer,
        order,
        Action::Reject,
        ActionRequest {
            reasons: vec![
                "申请表未签字".to_owned(),
                "身份证复印件不清晰，请重新提供正反面清晰复印件并在复印件上签字注明“仅供办理数字证书使用”".to_owned(),
                "邮寄地址缺少门牌号".to_owned(),
            ],
            ..Default::default()
        },
    )
    .await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn every_paper_of_an_order_prints_its_fields_and_a_code_that_reads_back() {
    let app = TestApp::spawn(Db::Sqlite).await;
    let order = app.submit("欧阳娜娜").await;
    let no = order.order_no.as_str();

    // The application form: boxes, carrier and use, the counter's block.
    let form = get(
        &app,
        &app.clerk,
        &format!("/api/v1/orders/{no}/application-form"),
    )
    .await;
    let text = text_of("paper_form.pdf", &form);
    assert_has(
        &text,
        &[
            "数字证书申请表（个人）",
            "欧阳娜娜",
            "11010519491231002X",
            "业务类型",
            "新办",
            "更新",
            "变更",
            "补办",
            "注销",
            "证件类型",
            "居民身份证",
            "港澳居民居住证",
            "台湾居民居住证",
            "证书载体",
            "USB Key",
            "证书用途",
            "以下由受理点填写",
            "受理人签字",
            "审核意见",
            "受理点盖章",
            "申请人签字",
            "麓山南路 932 号",
            no,
        ],
    );
    // Unpaid, but its applicant verified by the built-in check and its product from the
    // demo catalog: the paper, signed and kept before any payment, says it is a demo.
    assert!(
        text.contains("样例"),
        "an order made with stand-ins: {text}"
    );
    preview("paper_form.pdf");
    let codes = codes_of("paper_form.pdf", 100);
    assert_eq!(codes.len(), 1);
    assert_eq!(
        codes[0],
        vec![DocCode {
            kind: DocKind::Form,
            subject: DocSubject::Order(order.order_no.to_string()),
            page: 1,
            pages: 1,
            edition: None,
        }]
    );

    // Paid through the sandbox cashier: the paper says it is a demo.
    let paid = app.pay(&order).await;
    // Printed at the counter, by the clerk, with the address in full for the customer to
    // check (masked for roles that may not see it: tests/api/documents.rs).
    let receipt = get(&app, &app.clerk, &format!("/api/v1/orders/{no}/receipt")).await;
    let text = text_of("paper_receipt.pdf", &receipt);
    assert_has(
        &text,
        &[
            "数字证书申请受理回执",
            no,
            "承诺寄出",
            "前寄出",
            "个工作日内",
            "领取方式",
            "麓山南路 932 号",
            "410083",
            "400-668-2666",
            "受理点（盖章）",
            "沿虚线剪开",
            "存根（受理点留存）",
            "申请人签收",
            "请妥善保存本回执",
            "样例",
        ],
    );
    assert!(
        !text.contains("11010519491231002X"),
        "the receipt masks the ID number"
    );
    preview("paper_receipt.pdf");
    let codes = codes_of("paper_receipt.pdf", 100);
    assert!(
        codes[0]
            .iter()
            .any(|c| c.kind == DocKind::Receipt && c.subject.number() == no),
        "{codes:?}"
    );
    // The follow code opens the order on the customer's own platform (a longer payload
    // than the page's own code: read as a phone's camera sees paper, at 200 dpi).
    let png = rasterise("paper_receipt.pdf", 200).remove(0);
    let texts = crate::pdf_documents::qr_texts(&png);
    let page = format!("{}/orders/{no}", app.base);
    assert!(texts.contains(&page), "{texts:?}");

    // Returned for correction: the notice.
    let back = returned(&app, &paid).await;
    assert_eq!(back.status, ca_counter::domain::OrderStatus::Rejected);
    // Its receipt now counts the promise from the correction, not from the payment.
    let receipt = get(&app, &app.clerk, &format!("/api/v1/orders/{no}/receipt")).await;
    let text = text_of("paper_receipt_returned.pdf", &receipt);
    assert_has(&text, &["承诺寄出", "补正完成后", "自补正完成之日起计算"]);
    assert!(!text.contains("前寄出"), "{text}");
    // A cancelled order's receipt promises nothing.
    let dropped = app.submit("欧阳娜娜").await;
    let dropped = app
        .act(
            &app.clerk,
            &dropped,
            Action::Cancel,
            ActionRequest {
                reason: Some("客户改日再来".into()),
                ..Default::default()
            },
        )
        .await;
    let receipt = get(
        &app,
        &app.clerk,
        &format!("/api/v1/orders/{}/receipt", dropped.order_no),
    )
    .await;
    let text = text_of("paper_receipt_cancelled.pdf", &receipt);
    assert_has(&text, &["订单已取消，不再寄出", "本回执仅作记录"]);
    // When and why, as its history says.
    assert!(
        text.split_whitespace()
            .collect::<String>()
            .contains("原因：客户改日再来"),
        "{text}"
    );
    // And a cancelled order's form is not printed again as if it went on.
    let form = app
        .http
        .get(app.url(&format!(
            "/api/v1/orders/{}/application-form",
            dropped.order_no
        )))
        .bearer_auth(&app.clerk)
        .send()
        .await
        .expect("send");
    assert_eq!(form.status(), 409);
    // Nothing to follow, correct or sign for: no stub, no seal, no "keep this to follow".
    for live in ["一次性告知", "凭订单号查询办理进度", "存根", "盖章"] {
        assert!(!text.contains(live), "{live} in:\n{text}");
    }
    let notice = get(
        &app,
        &app.clerk,
        &format!("/api/v1/orders/{no}/correction-notice"),
    )
    .await;
    let text = text_of("paper_notice.pdf", &notice);
    assert_has(
        &text,
        &[
            "补正材料一次性告知书",
            "告知书编号",
            &format!("BZ{no}-1"),
            "打印日期",
            "欧阳娜娜：",
            "1.",
            "申请表未签字",
            "2.",
            "仅供办理数字证书使用",
            "3.",
            "邮寄地址缺少门牌号",
            "补正期限",
            "不予审核",
            "不必再跑一趟",
            "reviewer-zhao",
            "400-668-2666",
            "申请人签收",
            "受理点（盖章）",
            "特此告知",
        ],
    );
    assert!(
        !text.contains("请保存本回执"),
        "the notice has its own closing words"
    );
    // An individual is asked to sign, not to stamp, and told of the upload online.
    assert!(
        !text.replace(char::is_whitespace, "").contains("签字、盖章"),
        "{text}"
    );
    assert!(
        text.replace(char::is_whitespace, "")
            .contains("在订单页上传补正材料"),
        "{text}"
    );
    preview("paper_notice.pdf");
    let png = rasterise("paper_notice.pdf", 100).remove(0);
    let texts = crate::pdf_documents::qr_texts(&png);
    assert!(
        texts.iter().any(|t| t.contains("/m/notice/")),
        "the notice's phone page is a code on it: {texts:?}"
    );
    assert!(
        texts.iter().any(|t| t == &format!("CAC:N:O:{no}:1/1")),
        "{texts:?}"
    );

    // The transfer slip (of an order still to be paid: this one is rejected by now) shows
    // the example account: a demo.
    let unpaid = app.submit("欧阳娜娜").await;
    let no = unpaid.order_no.as_str();
    let slip = get(
        &app,
        &app.clerk,
        &format!("/api/v1/orders/{no}/transfer-slip"),
    )
    .await;
    let text = text_of("paper_slip.pdf", &slip);
    assert_has(&text, &["银行转账付款说明", no, "示例银行长沙分行", "样例"]);
    preview("paper_slip.pdf");
    assert!(
        codes_of("paper_slip.pdf", 100)[0]
            .iter()
            .any(|c| c.kind == DocKind::Slip)
    );
    app.finish().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn the_organisation_form_speaks_for_it_and_has_the_authorisation() {
    let app = TestApp::spawn(Db::Sqlite).await;
    let mut body = app.new_org_order_body("王经办").await;
    body.application_ref = Some("SQ7F3K9QAB".into());
    let bytes = form_pdf(&app, &body).await;
    let text = text_of("paper_form_org.pdf", &bytes);
    assert_has(
        &text,
        &[
            "数字证书申请表（机构）",
            "湖南某某建设有限公司",
            "91110000600037341L",
            "经办人",
            "王经办",
            "经办人身份证号",
            "经办人证件类型",
            "本单位声明",
            "经办人签字",
            "授权委托书",
            "（统一社会信用代码 91110000600037341L）",
            "法定代表人 李四（签字）",
            "单位（公章）",
            "以下由受理点填写",
            "SQ7F3K9QAB",
        ],
    );
    preview("paper_form_org.pdf");
    // Before the order exists, the code names the application; every page has its own.
    let codes = codes_of("paper_form_org.pdf", 100);
    let pages = codes.len() as u32;
    // One sheet: a customer photographs it whole with a phone.
    assert_eq!(pages, 1, "an ordinary organisation's form fits one page");
    for (i, page) in codes.iter().enumerate() {
        assert_eq!(
            page,
            &vec![DocCode {
                kind: DocKind::Form,
                subject: DocSubject::Application("SQ7F3K9QAB".into()),
                page: i as u32 + 1,
                pages,
                // And the edition of what it says of the organisation.
                edition: ca_counter::domain::form_edition(Some((
                    "湖南某某建设有限公司",
                    "91110000600037341L",
                    "李四"
                ))),
            }]
        );
    }
    // Its receipt: the organisation with its credit code, the handler with their own ID
    // number, each under its own name.
    let order = app
        .client(&app.clerk)
        .create_order("org-receipt", &body)
        .await
        .expect("order");
    let receipt = get(
        &app,
        &app.clerk,
        &format!("/api/v1/orders/{}/receipt", order.order_no),
    )
    .await;
    let text = text_of("paper_receipt_org.pdf", &receipt);
    assert_has(
        &text,
        &[
            "湖南某某建设有限公司",
            "统一社会信用代码 91110000600037341L",
            "经办人 王经办",
            "经办人身份证号",
        ],
    );

    // A long name and a long address: set closer, still one sheet to photograph, every
    // word on it.
    let mut long = body.clone();
    let name = "湖南省长沙市岳麓区湘江新区某某某某智慧城市信息科技发展研究院湘潭分院联合体成员单位某某某某某某某某某某某某某某某某某某某某某某某某某某某某某某某某有限责任公司";
    if let Some(org) = long.organization.as_mut() {
        org.name = name.into();
    }
    long.mailing.street =
        "麓山南路 932 号湖南大学科技园创业大厦 A 座 18 层 1806 室（前台转交，工作日 9:00–17:30，周末请勿投递；如前台无人，请致电收件人后放入 1 楼东侧快递柜，柜号以短信为准；大件请走货梯，货梯在大厦北门右转 30 米处）"
            .into();
    let bytes = form_pdf(&app, &long).await;
    let text = text_of("paper_form_org_long.pdf", &bytes);
    assert_has(&text, &["授权委托书", "以下由受理点填写", "1806"]);
    assert!(text.replace([' ', '\n'], "").contains(name), "{text}");
    let codes = codes_of("paper_form_org_long.pdf", 100);
    assert_eq!(
        codes.len(),
        1,
        "a long organisation's form still fits one page"
    );

    // A legal representative's long name (a Uyghur name in full): it wraps left of the
    // seal's space, which stays clear, and nothing leaves the frame.
    let mut long = body.clone();
    let representative =
        "阿卜杜热合曼·艾力江·买买提明·阿不都热依木·吐尔逊·玉素甫·努尔买买提·阿布拉";
    if let Some(org) = long.organization.as_mut() {
        org.legal_representative = representative.into();
    }
    let bytes = form_pdf(&app, &long).await;
    let text = text_of("paper_form_org_representative.pdf", &bytes);
    assert_has(
        &text,
        &[
            "法定代表人阿卜杜热合曼·艾力江",
            "努尔买买提·阿布拉（签字）：",
        ],
    );
    assert_eq!(codes_of("paper_form_org_representative.pdf", 100).len(), 1);
    // The seal's space starts 129 pt left of the frame's right edge (595.28 − 56).
    let seal_left = 595.28 - 56.0 - 129.0;
    for (word, x_max) in words_right_edges("paper_form_org_representative.pdf") {
        if word.contains("签字") {
            assert!(x_max <= seal_left, "{word:?} reaches {x_max} pt");
        }
    }
    app.finish().await;
}

/// The page the notice link in the return's text for `order` opens.
async fn notice_page(app: &TestApp, order: &Order) -> String {
    let messages = app.client(&app.admin).sms_messages().await.expect("sms");
    let link = messages
        .iter()
        .filter(|m| m.order_no.as_deref() == Some(order.order_no.as_str()))
        .find_map(|m| {
            m.body
                .split_whitespace()
                .find_map(|w| w.find("http").map(|i| w[i..].to_owned()))
        })
        .expect("the order's notice link");
    app.http
        .get(&link)
        .send()
        .await
        .expect("notice page")
        .text()
        .await
        .expect("html")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn the_return_sms_links_to_the_notice_on_the_phone() {
    let app = TestApp::spawn(Db::Sqlite).await;
    let order = app.pay(&app.submit("张三").await).await;
    returned(&app, &order).await;
    let messages = app.client(&app.admin).sms_messages().await.expect("sms");
    let body = &messages.last().expect("an sms").body;
    let link = body
        .split_whitespace()
        .find_map(|w| w.find("http").map(|i| &w[i..]))
        .expect("a link in the sms");
    assert!(link.contains("/m/notice/"), "{body}");
    assert!(
        !body.contains("到柜台"),
        "the sms does not send the customer to paper: {body}"
    );
    let page = app.http.get(link).send().await.expect("notice page");
    assert_eq!(page.status(), 200);
    assert_eq!(
        page.headers()
            .get("referrer-policy")
            .and_then(|v| v.to_str().ok()),
        Some("no-referrer")
    );
    let html = page.text().await.expect("html");
    for expected in [
        "补正材料一次性告知书",
        order.order_no.as_str(),
        "<li>申请表未签字</li>",
        "<li>邮寄地址缺少门牌号</li>",
    ] {
        assert!(html.contains(expected), "{expected} missing from {html}");
    }
    assert!(html.contains("tel:4006682666"));
    // The quickest way first: upload on the order's own page; an individual is asked to
    // sign, not to stamp.
    assert!(
        html.contains(&format!("href=\"/orders/{}\"", order.order_no)),
        "{html}"
    );
    assert!(!html.contains("盖章"), "{html}");
    assert!(!html.contains("<script"), "no JavaScript");
    assert!(html.len() < 30_000);
    // Paid online: past the deadline what was paid stays on the order.
    assert!(html.contains("已付的款项仍记在本订单上"), "{html}");
    // A person's name is masked on a page a link opens.
    assert!(html.contains("<dd>*三</dd>"), "{html}");
    // Escaped: a reason is text, never markup.
    assert!(html.contains("“仅供办理数字证书使用”"));
    // An organisation's notice names the organisation whole: its name is public, and
    // forty asterisks tell nobody which application this is.
    let body = app.new_org_order_body("王经办").await;
    let org = app
        .client(&app.clerk)
        .create_order("org-notice", &body)
        .await
        .expect("order");
    let org = app.pay(&org).await;
    returned(&app, &org).await;
    let html = notice_page(&app, &org).await;
    assert!(html.contains("<dd>湖南某某建设有限公司</dd>"), "{html}");
    let unknown = app
        .http
        .get(app.url("/m/notice/not-a-token"))
        .send()
        .await
        .expect("send");
    assert_eq!(unknown.status(), 404);
    // Paid by transfer and returned before review found it in the account: the money is
    // not called paid past the deadline.
    let by_transfer = app
        .act(
            &app.clerk,
            &app.submit("孙七").await,
            Action::ChooseBankTransfer,
            Default::default(),
        )
        .await;
    let in_review = app
        .send_voucher(&by_transfer, crate::common::voucher_jpeg(392, 336))
        .await;
    returned(&app, &in_review).await;
    let html = notice_page(&app, &in_review).await;
    assert!(html.contains("款项经核对到账后记在本订单上"), "{html}");
    assert!(!html.contains("已付的款项"), "{html}");
    app.finish().await;
}

/// Once the certificate is mailed, the receipt's row says when it went (寄出), not a
/// promise (承诺寄出) of something already done.
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_mailed_orders_receipt_says_when_it_went_not_a_promise() {
    let app = TestApp::spawn(Db::Sqlite).await;
    let order = app.pay(&app.submit("张三").await).await;
    let order = app
        .act(&app.reviewer, &order, Action::Approve, Default::default())
        .await;
    let order = app
        .act(
            &app.mailroom,
            &order,
            Action::Ship,
            ActionRequest {
                carrier: Some("ems".into()),
                tracking_no: Some("EA123456785CN".into()),
                ..Default::default()
            },
        )
        .await;
    let receipt = get(
        &app,
        &app.clerk,
        &format!("/api/v1/orders/{}/receipt", order.order_no),
    )
    .await;
    let text = text_of("paper_receipt_mailed.pdf", &receipt);
    assert_has(&text, &["寄出", "已于", "EA123456785CN"]);
    assert!(!text.contains("承诺寄出"), "{text}");
    app.finish().await;
}

/// A return for the real-name check alone: its notice asks for the check on the order's
/// page (or at a counter with the ID card), not for materials to sign and upload.
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_notice_for_the_check_alone_asks_for_the_check_not_uploads() {
    let app = TestApp::spawn(Db::Sqlite).await;
    let order = app.pay(&app.submit("张三").await).await;
    let order = app.returned(&order, &["申请人未通过实名认证"]).await;
    let notice = get(
        &app,
        &app.clerk,
        &format!("/api/v1/orders/{}/correction-notice", order.order_no),
    )
    .await;
    let text = text_of("paper_notice_check.pdf", &notice);
    assert_has(
        &text,
        &[
            "完成实名认证后提交审核",
            "无需上传材料",
            "携带身份证到受理点",
        ],
    );
    let squeezed: String = text.split_whitespace().collect();
    assert!(!squeezed.contains("上传补正材料"), "{text}");
    app.finish().await;
}

/// A return for the transfer's voucher alone: its notice (paper and phone page) asks for
/// the voucher, with the account on the order's page, and for no form to sign again.
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_notice_for_the_voucher_asks_for_the_voucher_not_a_signature() {
    let app = TestApp::spawn(Db::Sqlite).await;
    let order = app.submit("李四").await;
    let order = app.by_transfer(&order).await;
    let order = app
        .send_voucher(&order, crate::common::voucher_jpeg(800, 600))
        .await;
    let order = app.returned(&order, &["转账凭证金额不符"]).await;
    let notice = get(
        &app,
        &app.clerk,
        &format!("/api/v1/orders/{}/correction-notice", order.order_no),
    )
    .await;
    let text = text_of("paper_notice_voucher.pdf", &notice);
    let squeezed: String = text.split_whitespace().collect();
    for said in ["上传清晰完整的转账凭证", "补转差额", "无需重新打印或签字"]
    {
        assert!(squeezed.contains(said), "{said}: {text}");
    }
    assert!(!squeezed.contains("签字后拍照"), "{text}");
    assert!(!squeezed.contains("上传补正材料"), "{text}");
    let page = notice_page(&app, &order).await;
    assert!(page.contains("登录并上传转账凭证"), "{page}");
    assert!(page.contains("申请表无需重新打印或签字"), "{page}");
    assert!(!page.contains("签字后拍照"), "{page}");
    app.finish().await;
}

/// Every QR code on the pages of `name` rasterised at `dpi`, as a phone reading the paper
/// would get them (any payload, not only the platform's own codes).
fn payloads_of(name: &str, dpi: u32) -> Vec<String> {
    rasterise(name, dpi)
        .into_iter()
        .flat_map(|png| {
            let image = image::open(png).expect("png").into_luma8();
            let (w, h) = (image.width() as usize, image.height() as usize);
            let raw = image.into_raw();
            let mut prepared =
                rqrr::PreparedImage::prepare_from_greyscale(w, h, |x, y| raw[y * w + x]);
            prepared
                .detect_grids()
                .into_iter()
                .filter_map(|grid| grid.decode().ok().map(|(_, text)| text))
                .collect::<Vec<_>>()
        })
        .collect()
}

/// A long organisation's receipt on a demo platform pushes its codes down into the demo
/// band across the page: they still read (the band is kept off them), the one to follow
/// the order leading to it.
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_long_receipts_codes_read_through_the_demo_band() {
    let app = TestApp::spawn(Db::Sqlite).await;
    let mut body = app.new_org_order_body("王小明").await;
    if let Some(org) = body.organization.as_mut() {
        org.name = format!("湖南{}建设工程有限责任公司", "某某长名称".repeat(17));
    }
    body.mailing.street = format!("麓山南路 932 号{}", "科技园区某某大厦".repeat(20));
    let order = app
        .client(&app.clerk)
        .create_order(&uuid::Uuid::now_v7().to_string(), &body)
        .await
        .expect("order");
    let no = order.order_no.as_str();
    let receipt = get(&app, &app.clerk, &format!("/api/v1/orders/{no}/receipt")).await;
    let text = text_of("paper_receipt_long_demo.pdf", &receipt);
    assert!(
        text.contains("样例"),
        "a demo platform's paper says so:\n{text}"
    );
    let payloads = payloads_of("paper_receipt_long_demo.pdf", 150);
    assert!(
        payloads
            .iter()
            .any(|p| p.ends_with(&format!("/orders/{no}"))),
        "the code to follow the order reads: {payloads:?}"
    );
    app.finish().await;
}
