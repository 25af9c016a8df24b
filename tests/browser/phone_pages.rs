//! The pages QR codes and text messages open on a customer's phone, on the customer
//! platform's templates: axe-core (WCAG 2.1 A/AA and best practice) finds no violation in
//! any state — the real-name page empty, with errors and done, the cashier and the paid
//! page, the invoice form empty and with errors, the correction notice in both languages,
//! a dead link — nothing scrolls sideways, and a page shown again keeps what was typed.

use ca_counter::api::ActionRequest;
use ca_counter::domain::Action;
use serde_json::json;

use crate::common::{Db, TestApp};
use crate::customer_platform::{axe_source, check, wait_text};
use crate::driver::{Driver, Session};

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn every_state_of_every_phone_page_passes_axe() {
    let axe = axe_source();
    let app = TestApp::spawn(Db::Sqlite).await;
    let clerk = app.client(&app.clerk);
    let driver = Driver::start().await;
    let page = Session::phone(&driver).await;

    // The real-name page: empty; sent blank (each field says what it lacks, listed at the
    // top); a wrong check digit (everything typed kept); done.
    let customer = app.customer("张三").await;
    let url = clerk
        .create_realname_session(&customer.id)
        .await
        .expect("session")
        .url
        .expect("url");
    page.open(&url).await;
    page.wait_heading("实名认证").await;
    check(&page, &axe, "phone-realname-empty").await;
    page.click("main button[type=submit]").await;
    page.wait_for("#consent-error").await;
    for field in ["name", "id_number", "consent"] {
        page.element(&format!(".error-summary a[href='#{field}']"))
            .await;
    }
    check(&page, &axe, "phone-realname-blank").await;
    // The consent's message is on its own line above the box, which keeps its place
    // beside its words (the message once squeezed into a column to its left).
    let placed = page
        .run(
            "const e = document.getElementById('consent-error').getBoundingClientRect(); \
             const b = document.getElementById('consent').getBoundingClientRect(); \
             const l = document.querySelector('label[for=consent]').getBoundingClientRect(); \
             return [e.bottom <= b.top + 1, e.width > 200, \
                     l.left >= b.right && l.top < b.bottom && b.top < l.bottom]",
            serde_json::json!([]),
        )
        .await;
    // …and its words beside the box, wrapping there, not on a line of their own under it.
    assert_eq!(
        placed,
        serde_json::json!([true, true, true]),
        "the consent's message, the box and its words"
    );
    page.type_into("#name", "张三").await;
    page.type_into("#id_number", "110105194912310021").await;
    page.click("input[name=consent]").await;
    page.click("main button[type=submit]").await;
    // A mistyped check character: named on the field (and no try spent).
    wait_text(
        &page,
        "#id_number-error",
        "身份证号有误：末位校验码与前 17 位对不上，请逐位核对证件",
    )
    .await;
    check(&page, &axe, "phone-realname-wrong").await;
    assert_eq!(page.property("#name", "value").await, json!("张三"));
    assert_eq!(
        page.property("#id_number", "value").await,
        json!("110105194912310021")
    );
    assert_eq!(
        page.property("input[name=consent]", "checked").await,
        json!(true)
    );
    page.clear("#id_number").await;
    page.type_into("#id_number", "11010519491231002X").await;
    page.click("main button[type=submit]").await;
    page.wait_heading("实名认证成功").await;
    check(&page, &axe, "phone-realname-done").await;

    // The demo cashier, and the page after paying.
    let order = app.submit("李四").await;
    let payment = clerk
        .create_payment(&order.order_no, "qr")
        .await
        .expect("payment");
    page.open(&payment.pay_url).await;
    page.wait_heading("支付").await;
    check(&page, &axe, "phone-cashier").await;
    page.click("main button[type=submit]").await;
    page.wait_heading("支付成功").await;
    check(&page, &axe, "phone-paid").await;

    // The invoice form as the shipping SMS opens it, then with errors (专票 for a person,
    // an e-mail that is not one).
    let shipped = crate::shipped(&app, "王五", "EA123456785CN").await;
    let link = crate::invoice_link(&app, &shipped.order_no).await;
    page.open(&link).await;
    page.wait_heading("申请电子发票").await;
    check(&page, &axe, "phone-invoice-empty").await;
    page.click("label:has(input[name=invoice_kind][value=special])")
        .await;
    page.clear("#email").await;
    page.type_into("#email", "not-an-email").await;
    page.click("main button[type=submit]").await;
    page.wait_for(".error-summary").await;
    page.wait_for("#email-error").await;
    check(&page, &axe, "phone-invoice-errors").await;
    assert_eq!(
        page.property("#email", "value").await,
        json!("not-an-email")
    );

    // The correction notice the return SMS links to, in Chinese and in English.
    let returned = app.pay(&app.submit("赵六").await).await;
    app.act(
        &app.reviewer,
        &returned,
        Action::Reject,
        ActionRequest {
            reasons: vec!["申请表未签字".to_owned(), "邮寄地址缺少门牌号".to_owned()],
            ..Default::default()
        },
    )
    .await;
    let sms = app.client(&app.admin).sms_messages().await.expect("sms");
    let notice = sms
        .iter()
        .filter(|m| m.order_no.as_deref() == Some(returned.order_no.as_str()))
        .flat_map(|m| m.body.split_whitespace())
        .filter_map(|w| w.find("http").map(|i| &w[i..]))
        .find(|link| link.contains("/m/notice/"))
        .expect("the notice's link")
        .to_owned();
    page.open(&notice).await;
    page.wait_heading("补正材料一次性告知书").await;
    check(&page, &axe, "phone-notice").await;
    page.open(&format!("{notice}?lang=en")).await;
    page.wait_heading("Notice of corrections needed").await;
    assert_eq!(
        page.run("return document.documentElement.lang", json!([]))
            .await,
        json!("en")
    );
    check(&page, &axe, "phone-notice-en").await;

    // A dead link says what to do next (English now: the choice is kept in a cookie).
    page.open(&app.url("/m/pay/no-such-token")).await;
    page.wait_heading("This link no longer works").await;
    page.element("main a[href^='tel:']").await;
    check(&page, &axe, "phone-dead-link-en").await;
    page.close().await;
    app.finish().await;
}
