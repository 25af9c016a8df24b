//! The phone pages in a real browser: Debian's headless Chromium at a phone's viewport,
//! driven through chromedriver (WebDriver). The real-name page is filled and submitted and
//! the counter's side sees the success; the demo cashier pays once however often it is
//! pressed, and refuses a cancelled order; the invoice page answers a mistyped credit code
//! next to the field, keeps what was typed, and finance sees the corrected request.
//! Screenshots are kept in the test artefacts.

#[path = "../common/mod.rs"]
mod common;
#[path = "../common/pty.rs"]
mod pty;

mod customer_platform;
mod driver;
mod phone_pages;
mod realname_face;
mod security;

use std::time::Duration;

use ca_counter::api::{ActionRequest, RealnameStatus, ServerEvent};
use ca_counter::domain::{Action, Money, OrderStatus};
use common::{Db, TestApp};
use driver::{Driver, Session};
use futures_util::StreamExt;
use serde_json::json;

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_phone_browser_fills_the_real_name_page_and_the_counter_sees_it() {
    let app = TestApp::spawn(Db::Sqlite).await;
    let customer = app.customer("张三").await;
    let clerk = app.client(&app.clerk);
    let mut events = clerk.events(None).await.expect("subscribe");
    events.next().await;
    let session = clerk
        .create_realname_session(&customer.id)
        .await
        .expect("session");
    let url = session.url.clone().expect("url");

    let driver = Driver::start().await;
    let page = Session::phone(&driver).await;
    page.open(&url).await;
    assert_eq!(page.text("h1").await, "实名认证");
    assert!(page.text(".who").await.contains("*三"));
    let width = driver
        .call(
            reqwest::Method::POST,
            &format!("/session/{}/execute/sync", page.id),
            Some(json!({"script": "return document.documentElement.clientWidth", "args": []})),
        )
        .await;
    assert_eq!(width.as_i64(), Some(390), "laid out for the phone's width");

    page.type_into("#name", "张三").await;
    page.type_into("#id_number", "11010519491231002x").await;
    page.click("input[name=consent]").await;
    let filled = page.screenshot().await;
    page.click("main button[type=submit]").await;
    page.wait_heading("实名认证成功").await;
    let done = page.screenshot().await;
    keep("realname-phone-filled.png", &filled);
    keep("realname-phone-done.png", &done);
    page.close().await;

    // The counter's side: the verification is done and its event arrived.
    let seen = clerk.realname_session(&session.id).await.expect("status");
    assert_eq!(seen.status, RealnameStatus::Verified);
    let mut statuses = Vec::new();
    while !statuses.contains(&RealnameStatus::Verified) {
        match tokio::time::timeout(Duration::from_secs(5), events.next()).await {
            Ok(Some(Ok(ServerEvent::Realname(event)))) => statuses.push(event.status),
            other => panic!("expected the verification's events, got {other:?}"),
        }
    }
    app.finish().await;
}

/// Keeps a screenshot in the test artefacts.
fn keep(name: &str, png: &[u8]) {
    assert!(png.starts_with(b"\x89PNG"), "{name} is a PNG");
    let artefacts = std::path::Path::new(env!("CARGO_TARGET_TMPDIR")).join("test-artifacts");
    std::fs::create_dir_all(&artefacts).expect("artefacts dir");
    std::fs::write(artefacts.join(name), png).expect("screenshot");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_phone_pays_at_the_demo_cashier_once_and_not_after_cancellation() {
    let app = TestApp::spawn(Db::Sqlite).await;
    let clerk = app.client(&app.clerk);
    let order = app.submit("张三").await;
    let payment = clerk
        .create_payment(&order.order_no, "qr")
        .await
        .expect("payment");
    let driver = Driver::start().await;
    let page = Session::phone(&driver).await;
    page.open(&payment.pay_url).await;
    page.wait_heading("支付").await;
    let amount = Money::from_fen(order.amount_fen)
        .expect("amount")
        .to_string();
    assert_eq!(page.text(".amount").await, amount);
    assert!(page.text("dl").await.contains(order.order_no.as_str()));
    let cashier = page.screenshot().await;
    // A second tab on the same cashier, to post its form again after paying.
    let second_tab = ca_counter::api::PhonePage::open(&app.http, &payment.pay_url)
        .await
        .expect("cashier");
    page.click("main button[type=submit]").await;
    page.wait_heading("支付成功").await;
    keep("pay-phone-cashier.png", &cashier);
    keep("pay-phone-paid.png", &page.screenshot().await);

    // Paying twice: back to the cashier and press again, or post the form once more.
    page.open(&payment.pay_url).await;
    page.wait_heading("支付成功").await;
    let again = second_tab.submit(&app.http, &[]).await.expect("post");
    assert_eq!(again.status(), 200);
    let paid = clerk.order(&order.order_no, false).await.expect("order");
    assert_eq!(paid.status, OrderStatus::PendingReview);
    let history = clerk.history(&order.order_no).await.expect("history");
    assert_eq!(
        history.iter().filter(|h| h.action == "pay").count(),
        1,
        "{history:?}"
    );

    // Cancelled with the code still on the customer's phone: the cashier refuses.
    let other = app.submit("李四").await;
    let code = clerk
        .create_payment(&other.order_no, "qr")
        .await
        .expect("payment");
    page.open(&code.pay_url).await;
    page.wait_heading("支付").await;
    app.act(
        &app.clerk,
        &other,
        Action::Cancel,
        ActionRequest {
            reason: Some("客户改用其他方式".into()),
            ..ActionRequest::default()
        },
    )
    .await;
    page.click("main button[type=submit]").await;
    // Said as what happened, with the way to the order (it said the link did not exist,
    // and to ask at a counter).
    page.wait_heading("这笔支付已关闭").await;
    page.element("main a.button[href^='/orders/']").await;
    keep("pay-phone-cancelled.png", &page.screenshot().await);
    let cancelled = clerk.order(&other.order_no, false).await.expect("order");
    assert_eq!(cancelled.status, OrderStatus::Cancelled);
    page.close().await;
    app.finish().await;
}

/// An order mailed to the customer and waiting for its invoice (待开票).
async fn shipped(app: &TestApp, name: &str, tracking_no: &str) -> ca_counter::api::Order {
    let order = app.submit(name).await;
    let order = app.pay(&order).await;
    let order = app
        .act(&app.reviewer, &order, Action::Approve, Default::default())
        .await;
    app.act(
        &app.mailroom,
        &order,
        Action::Ship,
        ActionRequest {
            carrier: Some("ems".into()),
            tracking_no: Some(tracking_no.into()),
            ..Default::default()
        },
    )
    .await
}

/// The invoice link in the order's shipping SMS.
async fn invoice_link(app: &TestApp, order_no: &str) -> String {
    let sms = app.client(&app.admin).sms_messages().await.expect("sms");
    let text = &sms
        .iter()
        .find(|m| m.order_no.as_deref() == Some(order_no) && m.body.contains("/m/invoice/"))
        .expect("the shipping sms")
        .body;
    let start = text.find("http").expect("a link");
    text[start..]
        .split(|c: char| c.is_whitespace() || c == '。' || c == '，')
        .next()
        .expect("link")
        .to_owned()
}

/// The ids of the error messages on the page, in page order.
async fn error_ids(page: &Session<'_>) -> Vec<String> {
    let ids = page
        .run(
            "return [...document.querySelectorAll('[id$=\"-error\"]')].map(e => e.id)",
            json!([]),
        )
        .await;
    serde_json::from_value(ids).expect("ids")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_phone_asks_for_a_special_invoice_and_fixes_a_mistyped_credit_code() {
    let app = TestApp::spawn(Db::Sqlite).await;
    let order = shipped(&app, "张三", "EA123456785CN").await;
    let link = invoice_link(&app, &order.order_no).await;

    let driver = Driver::start().await;
    let page = Session::phone(&driver).await;
    page.open(&link).await;
    page.wait_heading("申请电子发票").await;
    assert!(page.text("dl").await.contains(order.order_no.as_str()));
    // Each choice is a thumb-sized button with its words beside it, on one line.
    let choices = page
        .run(
            "return [...document.querySelectorAll('input[type=radio]')].map(r => { \
               const b = r.getBoundingClientRect(), l = r.closest('label'); \
               const words = document.createRange(); words.selectNodeContents(l); \
               const t = words.getBoundingClientRect(); \
               return {value: r.value, width: b.width, \
                       lines: Math.round(t.height / parseFloat(getComputedStyle(l).lineHeight))}; })",
            json!([]),
        )
        .await;
    let choices = choices.as_array().expect("choices");
    assert_eq!(choices.len(), 4, "{choices:?}");
    for choice in choices {
        let width = choice["width"].as_f64().unwrap_or_default();
        assert!(
            (16.0..=40.0).contains(&width),
            "a radio button's size: {choice}"
        );
        assert!(
            choice["lines"].as_i64() == Some(1),
            "its words on one line: {choice}"
        );
    }

    // A language chosen by the form's switch stays chosen when the link is opened again.
    page.click("header button.switch").await;
    page.wait_heading("Request an e-invoice").await;
    page.open(&link).await;
    page.wait_heading("Request an e-invoice").await;
    page.click("header button.switch").await;
    page.wait_heading("申请电子发票").await;

    // The customer: a company, 专票, the company's name, a credit code with the last
    // character mistyped, another e-mail; the address and phone, but not the bank.
    page.click("label:has(input[name=buyer_kind][value=organisation])")
        .await;
    page.click("label:has(input[name=invoice_kind][value=special])")
        .await;
    page.clear("#buyer_name").await;
    page.type_into("#buyer_name", "湖南某某建设有限公司").await;
    page.type_into("#tax_number", "91110000600037341A").await;
    page.clear("#email").await;
    page.type_into("#email", "caiwu@example.com").await;
    page.type_into("#address", "长沙市岳麓区麓山南路 1 号")
        .await;
    page.type_into("#phone", "0731-88880000").await;
    let filled = page.screenshot().await;

    // The language switch takes everything typed along: the page comes back in English
    // with every field and choice as it was, nothing checked or saved; and back to
    // Chinese the same way.
    page.click("header button.switch").await;
    page.wait_heading("Request an e-invoice").await;
    assert!(
        error_ids(&page).await.is_empty(),
        "nothing checked on a switch"
    );
    for (field, typed) in [
        ("buyer_name", "湖南某某建设有限公司"),
        ("tax_number", "91110000600037341A"),
        ("address", "长沙市岳麓区麓山南路 1 号"),
        ("phone", "0731-88880000"),
    ] {
        assert_eq!(
            page.property(&format!("#{field}"), "value").await,
            json!(typed),
            "{field} kept across the switch"
        );
    }
    assert_eq!(
        page.property("input[name=invoice_kind][value=special]", "checked")
            .await,
        json!(true)
    );
    page.click("header button.switch").await;
    page.wait_heading("申请电子发票").await;
    assert_eq!(
        page.property("#buyer_name", "value").await,
        json!("湖南某某建设有限公司")
    );
    page.click("main button[type=submit]").await;
    page.wait_for("#tax_number-error").await;
    let refused = page.screenshot().await;
    keep("invoice-phone-filled.png", &filled);
    keep("invoice-phone-refused.png", &refused);

    // Each error right by its own field and tied to it, in words (and listed at the top,
    // each a link to its field); what was typed is still there.
    assert_eq!(
        error_ids(&page).await,
        ["tax_number-error", "bank-error", "account-error"]
    );
    for field in ["tax_number", "bank", "account"] {
        let tied = page
            .run(
                "const i = document.getElementById(arguments[0]); \
                 return [i.getAttribute('aria-describedby'), i.previousElementSibling.id]",
                json!([field]),
            )
            .await;
        let error = format!("{field}-error");
        assert_eq!(tied, json!([error, error]), "by {field}");
        assert!(!page.text(&format!("#{field}-error")).await.is_empty());
        page.element(&format!(".error-summary a[href='#{field}']"))
            .await;
    }
    let why = page.text("#tax_number-error").await;
    assert!(
        why.contains("校验码") && why.contains("营业执照") && !why.contains('L'),
        "{why}"
    );
    for (field, typed) in [
        ("buyer_name", "湖南某某建设有限公司"),
        ("tax_number", "91110000600037341A"),
        ("email", "caiwu@example.com"),
        ("address", "长沙市岳麓区麓山南路 1 号"),
        ("phone", "0731-88880000"),
    ] {
        assert_eq!(
            page.property(&format!("#{field}"), "value").await,
            json!(typed),
            "{field} kept"
        );
    }
    for choice in [
        "input[name=buyer_kind][value=organisation]",
        "input[name=invoice_kind][value=special]",
    ] {
        assert_eq!(
            page.property(choice, "checked").await,
            json!(true),
            "{choice}"
        );
    }
    let unchanged = app
        .client(&app.finance)
        .order(&order.order_no, false)
        .await
        .expect("order");
    assert!(unchanged.invoice_request.is_none(), "nothing kept yet");

    // An address pasted longer than an invoice line takes is not cut to fit without a
    // word (the cut one would be sent as whole): it is refused beside the field.
    let long_address = format!("长沙市岳麓区麓山南路 1 号{}", "某".repeat(110));
    page.clear("#address").await;
    page.type_into("#address", &long_address).await;
    page.click("main button[type=submit]").await;
    page.wait_for("#address-error").await;
    let why = page.text("#address-error").await;
    assert!(why.contains("100"), "{why}");
    assert_eq!(
        page.property("#address", "value").await,
        json!(long_address),
        "what was typed is kept whole"
    );
    page.clear("#address").await;
    page.type_into("#address", "长沙市岳麓区麓山南路 1 号")
        .await;

    // Fixed: the right check character, the bank and the account.
    page.clear("#tax_number").await;
    page.type_into("#tax_number", "91110000600037341L").await;
    page.type_into("#bank", "中国银行长沙分行").await;
    page.type_into("#account", "6222 0000 1111 2222").await;
    page.click("main button[type=submit]").await;
    // Shown back to be checked before anything is issued (an invoice cannot be changed,
    // only reversed): the name, the tax number as the invoice prints it, the bank.
    page.wait_heading("请核对开票信息").await;
    let shown = page.text("dl").await;
    for printed in [
        "湖南某某建设有限公司",
        "91110000600037341L",
        "中国银行长沙分行",
        "增值税专用发票",
        // As the invoice prints it, not as typed ("6222 0000 1111 2222").
        "6222000011112222",
    ] {
        assert!(shown.contains(printed), "{printed} in {shown}");
    }
    keep("invoice-phone-check.png", &page.screenshot().await);
    // "返回修改" goes back to the form as typed; sent again, checked again; confirmed.
    page.click("main form:not(#invoice-check) button").await;
    page.wait_heading("申请电子发票").await;
    assert_eq!(
        page.property("#bank", "value").await,
        json!("中国银行长沙分行")
    );
    page.click("main button[type=submit]").await;
    page.wait_heading("请核对开票信息").await;
    page.click("#invoice-check button").await;
    // Issued at once, as the CA's flow has the customer issue their own: its number and
    // buyer on the page, and where it would be mailed — said to be the demo's outbox,
    // which sends nothing.
    page.wait_heading("发票已开具").await;
    let told = page.text("main").await;
    assert!(
        told.contains("湖南某某建设有限公司") && told.contains("c***@example.com"),
        "{told}"
    );
    assert!(told.contains("演示"), "{told}");
    // Its number is the platform's own, and the page says so.
    assert!(told.contains("演示发票：号码由本平台自行编号"), "{told}");
    keep("invoice-phone-received.png", &page.screenshot().await);
    page.close().await;

    // The order is complete, its invoice as the customer typed it.
    let done = app
        .client(&app.finance)
        .order(&order.order_no, false)
        .await
        .expect("order");
    assert_eq!(done.status, OrderStatus::Completed);
    let invoice = done.invoice.as_ref().expect("the invoice");
    assert_eq!(invoice.invoice_kind, "special");
    assert_eq!(invoice.buyer_name, "湖南某某建设有限公司");
    assert_eq!(invoice.email, "c***@example.com", "masked for finance");
    let view = done.invoice_request.as_ref().expect("the request");
    assert_eq!(view.via, "phone");
    let request = &view.request;
    assert_eq!(request.buyer_kind.as_str(), "organisation");
    assert_eq!(request.tax_number.as_deref(), Some("91110000600037341L"));
    assert_eq!(request.bank.as_deref(), Some("中国银行长沙分行"));
    assert_eq!(request.account.as_deref(), Some("6222000011112222"));
    app.finish().await;
}
