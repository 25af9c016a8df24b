//! The customer's own platform in a real phone browser (headless Chromium at 390×844, a
//! phone's user agent): a personal customer signs in with the code, applies, pays in the
//! (demo) mobile cashier, follows the order while the back office works through the API,
//! and downloads the invoice of the completed order. Every page is screenshotted into the
//! test artefacts, checked with axe-core (WCAG 2.1 A/AA and best practice: no violation),
//! and read at 320 px without sideways scrolling.

use ca_counter::api::{ActionRequest, IssueInvoice};
use ca_counter::domain::{Action, InvoiceRequestInput};
use serde_json::Value;

use crate::common::{Db, TestApp, scan_png, unique_phone};
use crate::driver::{Driver, Session};
use crate::keep;

/// axe-core's browser build, installed by `tests/run` (npm) for the tests only.
pub(crate) fn axe_source() -> String {
    let path = std::env::var("CA_COUNTER_AXE_JS").unwrap_or_else(|_| {
        concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/target/axe/node_modules/axe-core/axe.min.js"
        )
        .to_owned()
    });
    std::fs::read_to_string(&path).unwrap_or_else(|e| {
        panic!("axe-core is needed at {path} ({e}); tests/run installs it with npm")
    })
}

/// The accessibility violations axe-core finds on the page now.
pub(crate) async fn violations(page: &Session<'_>, axe: &str) -> Vec<String> {
    page.run(&format!("{axe}\nreturn true;"), serde_json::json!([]))
        .await;
    let found = page
        .run_async(
            "const done = arguments[arguments.length - 1];\
             axe.run(document, {runOnly: {type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'best-practice']}})\
               .then(r => done(r.violations.map(v => v.id + ': ' + v.help + ' (' + v.nodes.map(n => n.target.join(' ')).join(', ') + ')')))\
               .catch(e => done(['axe failed: ' + e]));",
        )
        .await;
    found
        .as_array()
        .map(|a| {
            a.iter()
                .filter_map(Value::as_str)
                .map(str::to_owned)
                .collect()
        })
        .unwrap_or_default()
}

/// Checks the page as it stands: no axe violation, no sideways scrolling; keeps a picture.
pub(crate) async fn check(page: &Session<'_>, axe: &str, name: &str) {
    let found = violations(page, axe).await;
    assert!(found.is_empty(), "{name}: {found:#?}");
    let wide = page
        .run(
            "return document.documentElement.scrollWidth > document.documentElement.clientWidth",
            serde_json::json!([]),
        )
        .await;
    assert_eq!(wide, Value::Bool(false), "{name} scrolls sideways");
    // Every thing to tap is at least 44 CSS px tall (a box or radio button by its label).
    let small = page
        .run(
            "const small = [];\
             for (const e of document.querySelectorAll('a[href], button, select, input:not([type=hidden]), label')) {\
               const r = e.getBoundingClientRect();\
               if ((r.width === 0 && r.height === 0) || e.closest('.skip')) continue;\
               const box = e.type === 'checkbox' || e.type === 'radio';\
               if (e.tagName === 'LABEL' && !(e.control && (e.control.type === 'checkbox' || e.control.type === 'radio'))) continue;\
               if (box && e.labels && [...e.labels].some(l => l.getBoundingClientRect().height >= 43.5)) continue;\
               if (r.height < 43.5) small.push(e.tagName + ' ' + JSON.stringify(e.textContent.trim().slice(0, 30)) + ' ' + Math.round(r.width) + 'x' + Math.round(r.height));\
             }\
             return small;",
            serde_json::json!([]),
        )
        .await;
    let small: Vec<&str> = small
        .as_array()
        .map(|a| a.iter().filter_map(Value::as_str).collect())
        .unwrap_or_default();
    assert!(small.is_empty(), "{name}: too small to tap: {small:#?}");
    // A status badge is as wide as its words, not stretched across the page.
    let stretched = page
        .run(
            "const out = [];\
             for (const e of document.querySelectorAll('.status')) {\
               const words = document.createRange(); words.selectNodeContents(e);\
               const r = e.getBoundingClientRect();\
               if (r.width > words.getBoundingClientRect().width + 24) out.push(e.textContent.trim() + ' ' + Math.round(r.width));\
             }\
             return out;",
            serde_json::json!([]),
        )
        .await;
    assert_eq!(
        stretched,
        serde_json::json!([]),
        "{name}: a stretched status badge"
    );
    // An order number (a transfer's reference, copied by hand) is never split across lines.
    let split = page
        .run(
            "return [...document.querySelectorAll('.order-no')]\
               .filter(e => { const r = document.createRange(); r.selectNodeContents(e);\
                 const tops = [...r.getClientRects()].map(q => q.top);\
                 return Math.max(...tops) - Math.min(...tops) > 10; })\
               .map(e => e.textContent.trim());",
            serde_json::json!([]),
        )
        .await;
    assert_eq!(
        split,
        serde_json::json!([]),
        "{name}: an order number split across lines"
    );
    keep(&format!("{name}.png"), &page.screenshot().await);
}

/// Waits until the element `css` reads `text` (a page loading after a form is read as it
/// comes, never from a page on its way out).
pub(crate) async fn wait_text(page: &Session<'_>, css: &str, text: &str) {
    let started = std::time::Instant::now();
    loop {
        let now = page
            .run(
                "const e = document.querySelector(arguments[0]); return e ? e.textContent : null",
                serde_json::json!([css]),
            )
            .await;
        if now.as_str() == Some(text) {
            return;
        }
        assert!(
            started.elapsed() < crate::driver::PATIENCE,
            "{css} never read {text:?} (it reads {now})"
        );
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
}

/// The demo code the page shows (the `log` SMS provider sends nothing).
async fn demo_code(page: &Session<'_>) -> String {
    let text = page.text("body").await;
    page.run(
        "const m = document.body.innerText.match(/验证码为 (\\d{6})/); return m ? m[1] : null",
        serde_json::json!([]),
    )
    .await
    .as_str()
    .unwrap_or_else(|| panic!("the demo code on the page: {text}"))
    .to_owned()
}

async fn sign_in(page: &Session<'_>, app: &TestApp, phone: &str, axe: &str, prefix: &str) {
    // The browser asks for English; the customer picks Chinese (kept in a cookie).
    page.open(&app.url("/?lang=zh-CN")).await;
    page.wait_for("a[href='/login']").await;
    check(page, axe, &format!("{prefix}-01-welcome")).await;
    page.click("main a[href='/login']").await;
    page.wait_for("#phone").await;
    // Typed as people type it: with spaces.
    page.type_into(
        "#phone",
        &format!("{} {} {}", &phone[..3], &phone[3..7], &phone[7..]),
    )
    .await;
    check(page, axe, &format!("{prefix}-02-phone")).await;
    page.click("main form button[type=submit]").await;
    page.wait_for("#code").await;
    let code = demo_code(page).await;
    // A wrong code first: the message by the field, listed at the top.
    page.type_into("#code", if code == "000000" { "111111" } else { "000000" })
        .await;
    page.click("main form button[type=submit]").await;
    page.wait_for("#code-error").await;
    check(page, axe, &format!("{prefix}-03-wrong-code")).await;
    page.clear("#code").await;
    page.type_into("#code", &code).await;
    page.click("main form button[type=submit]").await;
    page.wait_for("main a.button[href='/apply']").await;
}

/// From my orders to the application's first step: real-name goes straight to the
/// verification on a phone, and the verification leads back (`checked` names the first
/// page's picture, when it is checked).
async fn verify(page: &Session<'_>, axe: &str, name: &str, checked: Option<&str>) {
    page.click("main a.button[href='/apply']").await;
    page.wait_for("main form button[type=submit]").await;
    if let Some(picture) = checked {
        check(page, axe, picture).await;
    }
    page.click("main form button[type=submit]").await;
    page.wait_for("#id_number").await;
    page.type_into("#name", name).await;
    // A mistyped check character first: refused, everything typed kept.
    page.type_into("#id_number", "110105194912310021").await;
    page.click("input[name=consent]").await;
    page.click("main button[type=submit]").await;
    page.wait_for(".field-error").await;
    page.clear("#id_number").await;
    page.type_into("#id_number", "11010519491231002X").await;
    page.click("main button[type=submit]").await;
    page.wait_for("a.button[href='/apply']").await;
    // Back from the verified page: the verification as it stands now (verified) — not
    // the refusal put right since, nor the browser asking to send the form again.
    page.history(true).await;
    page.wait_for("a.button[href='/apply']").await;
    page.click("a.button[href='/apply']").await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_customer_goes_from_login_to_completed_on_the_phone_alone() {
    let axe = axe_source();
    let app = TestApp::spawn(Db::Sqlite).await;
    let driver = Driver::start().await;
    let page = Session::mobile(&driver, 390, 844).await;
    let phone = unique_phone();
    sign_in(&page, &app, &phone, &axe, "web").await;
    check(&page, &axe, "web-04-my-orders").await;

    verify(&page, &axe, "王小明", Some("web-05-realname")).await;

    // The project, the terms (refused unticked), the form (a wrong postcode first).
    page.wait_for("ul.orders form button").await;
    check(&page, &axe, "web-06-project").await;
    page.click("ul.orders form button").await;
    page.wait_for("#accept").await;
    page.click("main form button[type=submit]").await;
    page.wait_for("#accept-error").await;
    // On a phone the terms fill the screen: the refusal opens at its errors, not at the top
    // of a page that looks unchanged.
    let scrolled = page
        .run("return window.scrollY;", serde_json::json!([]))
        .await;
    assert!(
        scrolled.as_f64().is_some_and(|y| y > 200.0),
        "the refused terms opened at {scrolled}"
    );
    check(&page, &axe, "web-07-terms-refused").await;
    page.click("#accept").await;
    page.click("main form button[type=submit]").await;
    page.wait_for("#province").await;
    // The browser's Back from the form: the terms as accepted, at their own address —
    // not the refusal sent again, nor the form still; on from there, the form.
    page.history(true).await;
    page.wait_for("#accept:checked").await;
    assert!(
        page.url()
            .await
            .split('#')
            .next()
            .is_some_and(|u| u.ends_with("/apply?step=terms"))
    );
    assert!(
        page.main_text()
            .await
            .is_some_and(|t| !t.contains("请阅读并勾选"))
    );
    page.click("main form button[type=submit]").await;
    page.wait_for("#province").await;
    page.type_into("#province", "湖南省").await;
    page.type_into("#city", "长沙市").await;
    page.type_into("#district", "岳麓区").await;
    page.type_into("#street", "麓山南路 1 号 湖南大学出版社大楼 1203 室")
        .await;
    page.type_into("#postal_code", "4100").await;
    page.click("main form button[type=submit]").await;
    page.wait_for("#postal_code-error").await;
    check(&page, &axe, "web-08-form-error").await;
    let kept = page.property("#street", "value").await;
    assert_eq!(
        kept.as_str(),
        Some("麓山南路 1 号 湖南大学出版社大楼 1203 室")
    );
    page.type_into("#postal_code", "83").await;
    page.click("main form button[type=submit]").await;
    page.wait_for("main a[href='/apply/form.pdf']").await;
    // Back from the print step: the form as saved, no longer marked wrong; Forward: the
    // print step again. (A refusal is a page of its own, so neither asks to send a form.)
    page.history(true).await;
    page.wait_for("#postal_code").await;
    assert_eq!(
        page.property("#postal_code", "value").await.as_str(),
        Some("410083")
    );
    assert!(
        page.main_text()
            .await
            .is_some_and(|t| !t.contains("邮政编码应为"))
    );
    page.history(false).await;
    page.wait_for("main a[href='/apply/form.pdf']").await;
    check(&page, &axe, "web-09-print").await;
    page.click("main form button[type=submit]").await;

    // The signed scan, then submit.
    page.wait_for("#scan").await;
    check(&page, &axe, "web-10-scan").await;
    let dir = tempfile::tempdir().expect("temp dir");
    // First a phone's photo over the limit (12 MB): the browser is answered (a browser cut
    // off while still sending shows "connection reset", never the answer), back at the
    // upload with the limit said beside it.
    let huge = dir.path().join("IMG_20261207_huge.jpg");
    std::fs::write(&huge, vec![0x5a_u8; 12 * 1024 * 1024]).expect("a large photo");
    page.type_into("#scan", &huge.display().to_string()).await;
    page.click("main form button[type=submit]").await;
    page.wait_for("#scan-error").await;
    let said = page.text("#scan-error").await;
    assert!(said.contains("这个文件超过了 10 MB"), "{said}");
    assert!(
        page.url().await.contains("/apply?step=scan"),
        "{}",
        page.url().await
    );
    let scan = dir.path().join("signed-form.png");
    std::fs::write(&scan, scan_png(1240, 1754)).expect("scan file");
    page.type_into("#scan", &scan.display().to_string()).await;
    page.click("main form button[type=submit]").await;
    page.wait_for("form[action='/apply/submit'] button").await;
    check(&page, &axe, "web-11-review").await;
    page.click("form[action='/apply/submit'] button").await;
    page.wait_for("form[action$='/pay'] button").await;
    check(&page, &axe, "web-12-order-unpaid").await;
    assert!(page.text("main").await.contains("申请已提交"));
    let order_no = page
        .url()
        .await
        .rsplit('/')
        .next()
        .and_then(|last| last.split('?').next())
        .expect("the order's page")
        .to_owned();
    let clerk = app.client(&app.clerk);
    let order = clerk.order(&order_no, false).await.expect("order");
    assert_eq!(order.channel, ca_counter::domain::Channel::Online);

    // Paying in the (demo) mobile cashier, and back.
    page.click("form[action$='/pay'] button").await;
    page.wait_for("main button[type=submit]").await;
    keep("web-13-cashier.png", &page.screenshot().await);
    page.click("main button[type=submit]").await;
    page.wait_for("a.button").await;
    page.click("a.button").await;
    wait_text(&page, "dd.status", "待审核").await;
    check(&page, &axe, "web-14-order-in-review").await;

    // The back office works through the API.
    let reviewer = app.client(&app.reviewer);
    reviewer.claim(&order_no, false).await.expect("claim");
    let order = clerk.order(&order_no, false).await.expect("order");
    let order = app
        .act(
            &app.reviewer,
            &order,
            Action::Approve,
            ActionRequest::default(),
        )
        .await;
    app.act(
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
    page.open(&app.url(&format!("/orders/{order_no}"))).await;
    page.wait_for("#parcel").await;
    check(&page, &axe, "web-15-order-mailed").await;
    assert!(page.text("main").await.contains("EA123456785CN"));

    let finance = app.client(&app.finance);
    let current = finance.order(&order_no, false).await.expect("order");
    finance
        .issue_invoice(
            &order_no,
            &IssueInvoice {
                version: Some(current.version),
                request: Some(InvoiceRequestInput {
                    buyer_kind: Some("individual".into()),
                    invoice_kind: Some("normal".into()),
                    buyer_name: "王小明".into(),
                    email: "wang@example.com".into(),
                    ..Default::default()
                }),
            },
        )
        .await
        .expect("issued");
    page.open(&app.url(&format!("/orders/{order_no}"))).await;
    page.wait_for("a[href$='/invoice.pdf']").await;
    check(&page, &axe, "web-16-order-completed").await;
    assert_eq!(page.text("dd.status").await, "已完成");

    // At 320 px (a small phone), the same pages read without sideways scrolling.
    sqlx::query("UPDATE login_codes SET sent_at = sent_at - 61000 WHERE phone = $1")
        .bind(&phone)
        .execute(app.store().pool())
        .await
        .expect("the clock");
    let small = Session::mobile(&driver, 320, 640).await;
    sign_in(&small, &app, &phone, &axe, "web-320").await;
    check(&small, &axe, "web-320-04-my-orders").await;
    // Zoomed in (a customer who reads large), every way to reach support still fits: the
    // hotline's label and number go on two lines rather than off the screen.
    let wide = small
        .run(
            "document.body.style.zoom = '1.75';\
             const wide = document.documentElement.scrollWidth > document.documentElement.clientWidth;\
             document.body.style.zoom = '';\
             return wide;",
            serde_json::json!([]),
        )
        .await;
    assert_eq!(
        wide,
        Value::Bool(false),
        "zoomed, the page scrolls sideways"
    );
    small.open(&app.url(&format!("/orders/{order_no}"))).await;
    small.wait_for("dd.status").await;
    check(&small, &axe, "web-320-05-order").await;
    small.open(&app.url("/account?lang=en")).await;
    small.wait_for("main").await;
    check(&small, &axe, "web-320-06-account-en").await;
    assert!(small.text("main").await.contains("Where you are signed in"));
    // Each device in a few words with the day it signed in, not a browser's raw name
    // broken over a narrow column.
    let sessions = small.text("ul.sessions").await;
    assert!(
        sessions.contains("Android")
            && sessions.contains("Chrome")
            && !sessions.contains("Mozilla"),
        "{sessions}"
    );
    assert!(sessions.contains("Since 20"), "{sessions}");
    small.close().await;
    page.close().await;
    app.finish().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn an_organisation_pays_by_transfer_and_corrects_a_returned_order_from_the_phone() {
    let axe = axe_source();
    let app = TestApp::spawn(Db::Sqlite).await;
    let driver = Driver::start().await;
    let page = Session::mobile(&driver, 390, 844).await;
    sign_in(&page, &app, &unique_phone(), &axe, "org").await;
    verify(&page, &axe, "赵经办", None).await;

    // The organisation's certificate, found by the project's pinyin initials.
    page.wait_for("#q").await;
    page.type_into("#q", "xt").await;
    page.click("main form[role=search] button").await;
    page.wait_for("ul.orders form button").await;
    let organisation = page
        .run(
            "const b = [...document.querySelectorAll('ul.orders form button')].find(b => b.textContent.includes('机构')); b.click(); return !!b",
            serde_json::json!([]),
        )
        .await;
    assert_eq!(organisation, Value::Bool(true));
    page.wait_for("#accept").await;
    page.click("#accept").await;
    page.click("main form button[type=submit]").await;
    page.wait_for("#org_name").await;
    page.type_into("#org_name", "湖南某某建设有限公司").await;
    page.type_into("#org_uscc", "91110000600037341l").await;
    page.type_into("#org_legal", "李四").await;
    page.type_into("#province", "湖南省").await;
    page.type_into("#city", "湘潭市").await;
    page.type_into("#district", "岳塘区").await;
    page.type_into("#street", "建设北路 8 号").await;
    page.type_into("#postal_code", "411100").await;
    check(&page, &axe, "org-04-form").await;
    page.click("main form button[type=submit]").await;
    page.wait_for("main a[href='/apply/form.pdf']").await;
    page.click("main form button[type=submit]").await;
    page.wait_for("#scan").await;
    let dir = tempfile::tempdir().expect("temp dir");
    let scan = dir.path().join("signed-form.png");
    std::fs::write(&scan, scan_png(1240, 1754)).expect("scan file");
    page.type_into("#scan", &scan.display().to_string()).await;
    page.click("main form button[type=submit]").await;
    page.wait_for("form[action='/apply/submit'] button").await;
    // Checked before it is sent: the organisation the certificate will name.
    let review = page.text("main dl").await;
    assert!(review.contains("湖南某某建设有限公司"), "{review}");
    page.click("form[action='/apply/submit'] button").await;

    // Bank transfer: the account and the reference, then the voucher from the phone.
    page.wait_for("form[action$='/transfer'] button").await;
    // The order says what it holds, and when it closes unless paid.
    let order_page = page.text("main").await;
    assert!(
        order_page.contains("湖南某某建设有限公司") && order_page.contains("自动取消"),
        "{order_page}"
    );
    let order_no = page
        .url()
        .await
        .rsplit('/')
        .next()
        .and_then(|last| last.split('?').next())
        .expect("the order's page")
        .to_owned();
    page.click("form[action$='/transfer'] button").await;
    page.wait_for("#scan").await;
    check(&page, &axe, "org-05-transfer").await;
    // An organisation is told to pay from its own account.
    let told = page.main_text().await.unwrap_or_default();
    assert!(told.contains("对公账户"), "{told}");
    assert!(
        page.text("main").await.contains(&order_no),
        "the reference is the order number"
    );
    page.type_into("#scan", &scan.display().to_string()).await;
    page.click("main form[enctype='multipart/form-data'] button")
        .await;
    wait_text(&page, "dd.status", "待审核").await;

    // Returned once, with two reasons: read on the phone, corrected from the phone.
    let reviewer = app.client(&app.reviewer);
    reviewer.claim(&order_no, false).await.expect("claim");
    let order = reviewer.order(&order_no, false).await.expect("order");
    app.act(
        &app.reviewer,
        &order,
        Action::Reject,
        ActionRequest {
            reasons: vec!["公章不清晰".into(), "法定代表人未签字".into()],
            ..Default::default()
        },
    )
    .await;
    page.open(&app.url(&format!("/orders/{order_no}"))).await;
    page.wait_for("ol.reasons").await;
    check(&page, &axe, "org-06-returned").await;
    let reasons = page.text("ol.reasons").await;
    assert!(
        reasons.contains("公章不清晰") && reasons.contains("法定代表人未签字"),
        "{reasons}"
    );
    // The organisation's name was wrong on the form: corrected on the phone first (a
    // mistyped credit code is named beside its field, with what was typed kept), then the
    // form printed again carries the new name.
    page.click(&format!("main a[href='/orders/{order_no}/edit']"))
        .await;
    page.wait_for("#edit-form #org_name").await;
    check(&page, &axe, "org-06a-correct").await;
    // The person verified is the organisation's handler, and the page says so.
    let intro = page.main_text().await.unwrap_or_default();
    assert!(intro.contains("经办人姓名和身份证号"), "{intro}");
    assert_eq!(
        page.property("#org_name", "value").await,
        Value::from("湖南某某建设有限公司")
    );
    page.clear("#org_name").await;
    page.type_into("#org_name", "湖南某某建设集团有限公司")
        .await;
    page.clear("#org_uscc").await;
    page.type_into("#org_uscc", "91110000600037341X").await;
    page.clear("#street").await;
    page.type_into("#street", "建设北路 18 号").await;
    page.click("#edit-form button[type=submit]").await;
    page.wait_for("#org_uscc-error").await;
    check(&page, &axe, "org-06b-correct-error").await;
    assert_eq!(
        page.property("#org_name", "value").await,
        Value::from("湖南某某建设集团有限公司")
    );
    assert_eq!(
        page.property("#street", "value").await,
        Value::from("建设北路 18 号")
    );
    page.clear("#org_uscc").await;
    page.type_into("#org_uscc", "91110000600037341L").await;
    page.click("#edit-form button[type=submit]").await;
    page.wait_for("main p.ok").await;
    check(&page, &axe, "org-06c-corrected").await;
    let notice = page.text("main p.ok").await;
    assert!(notice.contains("重新打印"), "{notice}");
    let details = page.text("main dl").await;
    assert!(
        details.contains("湖南某某建设集团有限公司") && details.contains("建设北路 18 号"),
        "{details}"
    );
    let history = app
        .client(&app.clerk)
        .history(&order_no)
        .await
        .expect("history");
    let edit = history
        .iter()
        .find(|h| h.action == "edit_details")
        .expect("the customer's correction is in the history");
    assert!(edit.actor.name.starts_with("线上"), "{:?}", edit.actor);
    assert_eq!(
        edit.reason.as_deref(),
        Some("mailing.street,organization.name")
    );
    // The corrected form — printed again, signed and stamped anew: not the file sent
    // before, which the platform refuses as correcting nothing — is kept and listed; the
    // order goes back to review when the customer says everything asked for is in.
    let corrected = dir.path().join("signed-form-again.png");
    std::fs::write(&corrected, scan_png(1240, 1750)).expect("scan file");
    page.type_into("#scan", &corrected.display().to_string())
        .await;
    page.click("main form[enctype='multipart/form-data'] button")
        .await;
    page.wait_for("ul.uploaded").await;
    check(&page, &axe, "org-07-correction-uploaded").await;
    page.click(&format!(
        "main form[action='/orders/{order_no}/resubmit'] button"
    ))
    .await;
    wait_text(&page, "dd.status", "待审核").await;
    check(&page, &axe, "org-08-corrected").await;
    let order = app
        .client(&app.clerk)
        .order(&order_no, false)
        .await
        .expect("order");
    assert_eq!(order.resubmissions, 1);
    page.close().await;
    app.finish().await;
}
