//! Reversing an invoice (红冲): finance cancels a wrong invoice with a red-letter invoice
//! (negative amounts, the blue number and a confirmation number in its remarks, e-mailed to
//! the buyer), the order comes back to 待开票 with the reversed number said in the queue,
//! and a new invoice is issued under a new number. Only finance (and admin) may; only an
//! issued invoice is reversed; two reversals at once make one red invoice.

use ca_counter::api::{ActionRequest, ClientError, IssueInvoice, Order, OrderQuery};
use ca_counter::domain::{Action, InvoiceRequestInput, Money, OrderStatus};
use reqwest::StatusCode;
use reqwest::header;

use crate::common::customer::{Browser, owner_phone, sign_in};
use crate::common::{Db, TestApp};
use crate::mailing::shipped;
use crate::on_both_databases;

on_both_databases!(
    a_wrong_invoice_is_reversed_by_a_red_one_and_issued_anew,
    only_an_issued_invoice_is_reversed_and_only_by_finance,
    two_reversals_at_once_make_one_red_invoice,
    a_reversal_under_way_holds_its_order,
    a_red_invoice_repeats_its_blue_invoices_seller_and_rate_after_the_configuration_changed,
    an_invoices_mail_is_claimed_by_one_attempt_only,
    a_waiting_mail_of_an_invoice_reversed_since_is_given_up,
    a_reversal_cut_short_is_finished_by_the_platform,
    an_invoice_issued_for_the_customers_request_first_is_the_orders,
);

fn problem(result: Result<impl std::fmt::Debug, ClientError>) -> ca_counter::api::Problem {
    match result {
        Ok(value) => panic!("expected a refusal, got {value:?}"),
        Err(e) => e.problem().cloned().expect("a problem document"),
    }
}

fn organisation(name: &str, tax: &str) -> InvoiceRequestInput {
    InvoiceRequestInput {
        buyer_kind: Some("organisation".into()),
        invoice_kind: Some("normal".into()),
        buyer_name: name.into(),
        tax_number: tax.into(),
        email: "finance@example.com".into(),
        ..Default::default()
    }
}

/// `order` invoiced by finance to `name`.
async fn invoiced(app: &TestApp, order: &Order, name: &str) -> Order {
    app.client(&app.finance)
        .issue_invoice(
            &order.order_no,
            &IssueInvoice {
                version: Some(order.version),
                request: Some(organisation(name, "91110000600037341L")),
            },
        )
        .await
        .expect("issued")
}

fn reason(order: &Order, why: &str) -> ActionRequest {
    ActionRequest {
        version: Some(order.version),
        reason: Some(why.into()),
        ..Default::default()
    }
}

/// The finance operator's id and name.
async fn finance_operator(app: &TestApp) -> (String, String) {
    sqlx::query_as("SELECT id, name FROM operators WHERE roles = 'finance'")
        .fetch_one(app.store().pool())
        .await
        .expect("finance")
}

/// Holds invoiced `order` (at `version`) for finance's reversal until `until` (ms), as a
/// reversal does before it makes anything; the version it moved on to.
async fn hold(app: &TestApp, order: &Order, version: i64, until: i64) -> i64 {
    let (id, name) = finance_operator(app).await;
    let row = app
        .store()
        .order_by_no(&order.order_no)
        .await
        .expect("read")
        .expect("order");
    app.store()
        .hold_version(&row, OrderStatus::Completed, version, (&id, &name), until)
        .await
        .expect("hold")
        .expect("held")
}

/// Who holds the order now (its claim's columns, lapsed or not).
async fn holder(app: &TestApp, order: &Order) -> Option<String> {
    let (holder,): (Option<String>,) =
        sqlx::query_as("SELECT claimed_by FROM orders WHERE order_no = $1")
            .bind(order.order_no.as_str())
            .fetch_one(app.store().pool())
            .await
            .expect("hold");
    holder
}

async fn a_wrong_invoice_is_reversed_by_a_red_one_and_issued_anew(db: Db) {
    let app = TestApp::spawn(db).await;
    let order = shipped(&app, "张三", "EA123456785CN").await;
    let finance = app.client(&app.finance);
    let done = invoiced(&app, &order, "湖南某某建设公司").await;
    let blue = done.invoice.clone().expect("the invoice");
    assert!(done.allowed_actions.contains(&Action::ReverseInvoice));

    // Without a reason, or on a version seen before: refused, and nothing is made.
    let refused = problem(
        finance
            .act(&order.order_no, Action::ReverseInvoice, &reason(&done, " "))
            .await,
    );
    assert_eq!(refused.status, 422, "{refused:?}");
    assert_eq!(refused.errors[0].field, "reason");
    let refused = problem(
        finance
            .act(
                &order.order_no,
                Action::ReverseInvoice,
                &reason(&order, "抬头错误"),
            )
            .await,
    );
    assert_eq!(refused.code, "version_conflict", "{refused:?}");
    let unchanged = finance.order(&order.order_no, false).await.expect("order");
    assert!(unchanged.reversed_invoices.is_empty());
    assert_eq!(unchanged.invoice.as_ref(), Some(&blue));

    // Reversed: back to 待开票, no invoice that counts, the red one beside the blue one.
    let back = finance
        .act(
            &order.order_no,
            Action::ReverseInvoice,
            &reason(&done, "抬头少了“有限”二字"),
        )
        .await
        .expect("reversed");
    assert_eq!(back.status, OrderStatus::PendingInvoice);
    assert!(back.invoice.is_none());
    assert!(back.invoice_no.is_none());
    // Sent again (its answer lost), by finance with the same reason: the order as it is;
    // with another reason it is someone else's reversal, and "not now".
    let replay = finance
        .act(
            &order.order_no,
            Action::ReverseInvoice,
            &reason(&done, "抬头少了“有限”二字"),
        )
        .await
        .expect("the same reversal");
    assert_eq!(replay.version, back.version);
    assert_eq!(replay.reversed_invoices, back.reversed_invoices);
    let refused = problem(
        finance
            .act(
                &order.order_no,
                Action::ReverseInvoice,
                &reason(&done, "别的原因"),
            )
            .await,
    );
    assert_eq!(refused.code, "invalid_transition", "{refused:?}");
    let [reversed] = back.reversed_invoices.as_slice() else {
        panic!("one reversed invoice: {:?}", back.reversed_invoices);
    };
    assert_eq!(reversed.invoice_no, blue.invoice_no);
    assert_eq!(reversed.buyer_name, "湖南某某建设公司");
    assert_eq!(reversed.total_fen, order.amount_fen);
    assert_eq!(reversed.red_invoice_no.len(), 20);
    assert_ne!(reversed.red_invoice_no, blue.invoice_no);
    let confirmation = reversed.confirmation_no.clone().expect("confirmation");
    assert_eq!(confirmation.len(), 20);
    assert_eq!(reversed.reason.as_deref(), Some("抬头少了“有限”二字"));

    // The red invoice: negative figures, "负数" in words, the blue number and the
    // confirmation's in its remarks, the same buyer; a demo says so.
    let red_id = reversed.red_attachment_id.clone().expect("the red PDF");
    let (_, pdf) = finance.attachment(&red_id).await.expect("red pdf");
    let text: String = crate::pdf_documents::text_of("red-invoice.pdf", &pdf)
        .split_whitespace()
        .collect();
    let total = Money::from_fen(order.amount_fen)
        .expect("money")
        .yuan_string();
    for expected in [
        format!("¥-{total}"),
        "（负数）".to_owned(),
        format!("被红冲蓝字数电发票号码：{}", blue.invoice_no),
        format!("红字发票信息确认单编号：{confirmation}"),
        reversed.red_invoice_no.clone(),
        "湖南某某建设公司".to_owned(),
        "演示样例".to_owned(),
    ] {
        assert!(text.contains(&expected), "{expected} in:\n{text}");
    }
    // The blue invoice's own PDF is unchanged and still readable.
    assert_eq!(reversed.attachment_id, blue.attachment_id);

    // E-mailed to the buyer the blue one went to, with the red PDF.
    let mail = app.client(&app.admin).mail_messages().await.expect("mail");
    assert_eq!(mail.len(), 2, "the invoice's and the red one's");
    let red_mail = mail
        .iter()
        .find(|m| m.attachment_id.as_deref() == Some(red_id.as_str()))
        .expect("the red invoice's mail");
    assert_eq!(red_mail.to, "finance@example.com");
    assert!(red_mail.subject.contains(&reversed.red_invoice_no));
    assert!(
        red_mail.body.contains(&blue.invoice_no),
        "{}",
        red_mail.body
    );
    // Written as the attached red invoice writes its total.
    let minus = format!(
        "¥-{}",
        Money::from_fen(order.amount_fen)
            .expect("money")
            .yuan_string()
    );
    assert!(
        red_mail.body.contains(&minus),
        "{minus} in {}",
        red_mail.body
    );

    // The history says why and which numbers.
    let history = app
        .client(&app.admin)
        .history(&order.order_no)
        .await
        .expect("history");
    let reversal = history
        .iter()
        .rev()
        .find(|h| h.action == "reverse_invoice")
        .expect("the reversal in the history");
    let said = reversal.reason.clone().unwrap_or_default();
    for expected in ["抬头少了", &blue.invoice_no, &reversed.red_invoice_no] {
        assert!(said.contains(expected), "{expected} in {said}");
    }

    // Finance's queue has it again, said as back for a new invoice, with the request to
    // correct.
    let queue = finance.invoicing_queue().await.expect("queue");
    let item = queue
        .items
        .iter()
        .find(|i| i.order.order_no == order.order_no)
        .expect("in the queue");
    let note = item
        .reversed
        .as_ref()
        .expect("said as back for a new invoice");
    assert_eq!(note.invoice_no, blue.invoice_no);
    assert_eq!(note.reason.as_deref(), Some("抬头少了“有限”二字"));
    assert_eq!(note.buyer_name, "湖南某某建设公司");
    assert_eq!(note.tax_number.as_deref(), Some("91110000600037341L"));
    let kept = item.request.as_ref().expect("the request kept");
    assert_eq!(kept.request.buyer_name, "湖南某某建设公司");
    // The customer's invoice link (from the shipping SMS) says so, with the request to
    // correct, rather than "already asked".
    let link = crate::mailing::invoice_link(&app, order.order_no.as_str()).await;
    let html = app.html(&link).await;
    assert!(
        html.contains(&format!("发票 {} 已红冲", blue.invoice_no)),
        "{html}"
    );
    assert!(html.contains("湖南某某建设公司"), "{html}");
    // Sent as it came (the same buyer as the invoice reversed): not issued again, said.
    let same = ca_counter::api::submit_phone_form(
        &app.http,
        &link,
        &[
            ("buyer_kind", "organisation"),
            ("invoice_kind", "normal"),
            ("buyer_name", "湖南某某建设公司"),
            ("tax_number", "91110000600037341L"),
            ("email", "finance@example.com"),
        ],
    )
    .await
    .expect("sent")
    .text()
    .await
    .expect("html");
    assert!(same.contains("与已红冲的发票"), "{same}");
    let still = finance.order(&order.order_no, false).await.expect("order");
    assert_eq!(still.status, OrderStatus::PendingInvoice);

    // Issued with no request, the one kept is the very one reversed: refused on
    // `request`, naming the invoice (the buyer is said, even the same one).
    let unsaid = problem(
        finance
            .issue_invoice(
                &order.order_no,
                &IssueInvoice {
                    version: Some(back.version),
                    request: None,
                },
            )
            .await,
    );
    let named: Vec<&str> = unsaid.errors.iter().map(|e| e.field.as_str()).collect();
    assert_eq!(named, ["request"], "{unsaid:?}");
    assert!(
        unsaid.errors[0].message.contains(&blue.invoice_no),
        "{unsaid:?}"
    );
    // Issued anew, to the right title: a third number, the order 已完成 again.
    let again = finance
        .issue_invoice(
            &order.order_no,
            &IssueInvoice {
                version: Some(back.version),
                request: Some(organisation("湖南某某建设有限公司", "91110000600037341L")),
            },
        )
        .await
        .expect("issued anew");
    assert_eq!(again.status, OrderStatus::Completed);
    let new = again.invoice.clone().expect("the new invoice");
    assert_ne!(new.invoice_no, blue.invoice_no);
    assert_ne!(new.invoice_no, reversed.red_invoice_no);
    assert_eq!(new.buyer_name, "湖南某某建设有限公司");
    assert_eq!(new.total_fen, order.amount_fen);
    assert_eq!(again.reversed_invoices.len(), 1);
    let queue = finance.invoicing_queue().await.expect("queue");
    assert!(
        queue
            .items
            .iter()
            .all(|i| i.order.order_no != order.order_no)
    );

    // Each of the three numbers finds the order.
    for number in [&blue.invoice_no, &reversed.red_invoice_no, &new.invoice_no] {
        let page = finance
            .orders(&OrderQuery {
                q: Some(number.clone()),
                ..Default::default()
            })
            .await
            .expect("search");
        let found: Vec<&str> = page.items.iter().map(|o| o.order_no.as_str()).collect();
        assert_eq!(found, [order.order_no.as_str()], "{number}");
    }

    // The customer's page lists the reversed invoice with both PDFs to download, and its
    // invoice is the new one; another order's invoice number is not theirs to fetch.
    let phone = owner_phone(&app, order.order_no.as_str()).await;
    let mut browser = Browser::new(&app);
    sign_in(&mut browser, &phone).await;
    let page = browser.get(&format!("/orders/{}", order.order_no)).await;
    assert!(page.html.contains("已红冲的发票"), "{}", page.html);
    assert!(
        page.html.contains(&reversed.red_invoice_no),
        "{}",
        page.html
    );
    assert!(page.html.contains("抬头少了"), "{}", page.html);
    // The invoice to download was numbered by the platform itself: said beside its link.
    assert!(
        page.html.contains("演示发票：号码由本平台自行编号"),
        "{}",
        page.html
    );
    // Each link says which invoice it fetches (several reversals would read alike).
    for link in [
        format!("下载红字发票 {}（PDF）", reversed.red_invoice_no),
        format!("下载原发票 {}（PDF）", reversed.invoice_no),
    ] {
        assert!(page.html.contains(&link), "{link} in {}", page.html);
    }
    let fetch = |path: String| {
        let request = browser
            .http
            .get(format!("{}{path}", browser.base))
            .header(header::COOKIE, browser.cookie_header());
        async move { request.send().await.expect("a page") }
    };
    let red = fetch(format!(
        "/orders/{}/invoices/{}.pdf",
        order.order_no, reversed.red_invoice_no
    ))
    .await;
    assert_eq!(red.status(), StatusCode::OK);
    assert_eq!(red.bytes().await.expect("pdf").as_ref(), pdf.as_slice());
    let current = fetch(format!("/orders/{}/invoice.pdf", order.order_no)).await;
    assert_eq!(current.status(), StatusCode::OK);
    let current: String =
        crate::pdf_documents::text_of("reissued.pdf", &current.bytes().await.expect("pdf"))
            .split_whitespace()
            .collect();
    assert!(current.contains(&new.invoice_no), "{current}");
    let other = shipped(&app, "李四", "EA123456799CN").await;
    let other = invoiced(&app, &other, "别家公司").await;
    let elsewhere = fetch(format!(
        "/orders/{}/invoices/{}.pdf",
        order.order_no,
        other.invoice_no.clone().unwrap_or_default()
    ))
    .await;
    assert_eq!(elsewhere.status(), StatusCode::NOT_FOUND);
    // The parcel comes back after it was invoiced: while it is mailed again, the invoice
    // stays on the customer's page to download (it went, with the order's step).
    let now = app
        .client(&app.mailroom)
        .order(&order.order_no, false)
        .await
        .expect("order");
    app.client(&app.mailroom)
        .act(
            &order.order_no,
            Action::ReturnParcel,
            &reason(&now, "收件人拒收"),
        )
        .await
        .expect("returned");
    let page = browser.get(&format!("/orders/{}", order.order_no)).await;
    assert!(
        page.html
            .contains(&format!("下载发票 {}（PDF）", new.invoice_no)),
        "{}",
        page.html
    );
    app.finish().await;
}

async fn only_an_issued_invoice_is_reversed_and_only_by_finance(db: Db) {
    let app = TestApp::spawn(db).await;
    let finance = app.client(&app.finance);
    // Declined: nothing to reverse, and it is not offered.
    let order = shipped(&app, "王五", "EA123456785CN").await;
    let declined = app
        .act(
            &app.finance,
            &order,
            Action::DeclineInvoice,
            ActionRequest::default(),
        )
        .await;
    assert!(!declined.allowed_actions.contains(&Action::ReverseInvoice));
    let refused = problem(
        finance
            .act(
                &order.order_no,
                Action::ReverseInvoice,
                &reason(&declined, "要发票了"),
            )
            .await,
    );
    assert_eq!(
        (refused.status, refused.code.as_str()),
        (409, "no_invoice"),
        "{refused:?}"
    );
    // Not yet invoiced: not now.
    let waiting = shipped(&app, "赵六", "EA123456799CN").await;
    let refused = problem(
        finance
            .act(
                &waiting.order_no,
                Action::ReverseInvoice,
                &reason(&waiting, "错了"),
            )
            .await,
    );
    assert_eq!(refused.code, "invalid_transition", "{refused:?}");
    // The CA's own tax number on the buyer's side: refused, on its field.
    let refused = problem(
        finance
            .save_invoice_request(
                &waiting.order_no,
                &organisation("赵六公司", "91430100MA4L00000F"),
            )
            .await,
    );
    assert_eq!(refused.errors[0].field, "tax_number", "{refused:?}");
    let waiting = finance
        .order(&waiting.order_no, false)
        .await
        .expect("order");
    // Invoiced: the clerk, the mailroom and support may not; finance may.
    let done = invoiced(&app, &waiting, "赵六公司").await;
    for token in [&app.clerk, &app.mailroom, &app.support, &app.reviewer] {
        let refused = problem(
            app.client(token)
                .act(
                    &waiting.order_no,
                    Action::ReverseInvoice,
                    &reason(&done, "错了"),
                )
                .await,
        );
        assert_eq!(refused.status, 403, "{refused:?}");
    }
    let still = finance
        .order(&waiting.order_no, false)
        .await
        .expect("order");
    assert_eq!(still.status, OrderStatus::Completed);
    assert!(still.reversed_invoices.is_empty());
    let back = finance
        .act(
            &waiting.order_no,
            Action::ReverseInvoice,
            &reason(&done, "税号错了"),
        )
        .await
        .expect("finance reverses");
    assert_eq!(back.status, OrderStatus::PendingInvoice);
    app.finish().await;
}

async fn two_reversals_at_once_make_one_red_invoice(db: Db) {
    let app = TestApp::spawn(db).await;
    let order = shipped(&app, "孙七", "EA123456785CN").await;
    let done = invoiced(&app, &order, "孙七公司").await;
    let finance = app.client(&app.finance);
    let admin = app.client(&app.admin);
    let (mine, theirs) = (
        reason(&done, "财务：抬头错误"),
        reason(&done, "管理员：税号错误"),
    );
    let (a, b) = tokio::join!(
        finance.act(&order.order_no, Action::ReverseInvoice, &mine),
        admin.act(&order.order_no, Action::ReverseInvoice, &theirs),
    );
    let won = [&a, &b].iter().filter(|r| r.is_ok()).count();
    assert_eq!(won, 1, "{a:?} {b:?}");
    // The red invoice is the winner's: their reason, their name on it; nothing of the
    // other request is kept (no second copy of the PDF, no line of theirs in the history).
    let (winner, why) = if a.is_ok() {
        ("finance", "财务：抬头错误")
    } else {
        ("admin", "管理员：税号错误")
    };
    for result in [a, b] {
        if let Err(e) = result {
            let code = e.problem().map(|p| p.code.clone()).unwrap_or_default();
            assert!(
                ["version_conflict", "invalid_transition"].contains(&code.as_str()),
                "{e:?}"
            );
        }
    }
    let now = finance.order(&order.order_no, false).await.expect("order");
    assert_eq!(now.status, OrderStatus::PendingInvoice);
    assert_eq!(now.reversed_invoices.len(), 1);
    assert_eq!(now.reversed_invoices[0].reason.as_deref(), Some(why));
    let (issuer,): (String,) =
        sqlx::query_as("SELECT issued_by FROM invoices WHERE reverses IS NOT NULL")
            .fetch_one(app.store().pool())
            .await
            .expect("issuer");
    let names: Vec<(String,)> = sqlx::query_as("SELECT name FROM operators WHERE roles = $1")
        .bind(winner)
        .fetch_all(app.store().pool())
        .await
        .expect("operators");
    assert!(
        names.iter().any(|(n,)| *n == issuer),
        "{issuer} of {names:?}"
    );
    let red_files = now
        .attachments
        .iter()
        .filter(|f| f.filename.starts_with("红字"))
        .count();
    assert_eq!(red_files, 1, "{:?}", now.attachments);
    let history = admin.history(&order.order_no).await.expect("history");
    let attached: Vec<_> = history
        .iter()
        .filter(|h| h.action == "attach" && h.reason.as_deref().is_some_and(|r| r.contains("红字")))
        .collect();
    assert_eq!(attached.len(), 1, "{attached:?}");
    let (reds,): (i64,) =
        sqlx::query_as("SELECT COUNT(*) FROM invoices WHERE reverses IS NOT NULL")
            .fetch_one(app.store().pool())
            .await
            .expect("count");
    assert_eq!(reds, 1);
    let mail = admin.mail_messages().await.expect("mail");
    assert_eq!(mail.len(), 2, "the invoice's and one red one's");
    app.finish().await;
}

/// A reversal holds its order until it moves (its version on, its claim live): another
/// finance clerk reversing, or the mailroom recording a returned parcel, in that time is
/// told whose reversal is under way, and nothing of theirs is made.
async fn a_reversal_under_way_holds_its_order(db: Db) {
    let app = TestApp::spawn(db).await;
    let order = shipped(&app, "周八", "EA123456785CN").await;
    let done = invoiced(&app, &order, "周八公司").await;
    let (_, finance_name) = finance_operator(&app).await;
    let held = hold(
        &app,
        &order,
        done.version,
        ca_counter::server::store::now_ms() + 60_000,
    )
    .await;
    let seen = ActionRequest {
        version: Some(held),
        reason: Some("另一个原因".into()),
        ..Default::default()
    };
    // The version before the hold too: a reversal sent a moment after the first is told
    // whose is under way, not "it is now 已完成" (which it was all along).
    let before = reason(&done, "另一个原因");
    for (token, action, sent) in [
        (&app.admin, Action::ReverseInvoice, &seen),
        (&app.admin, Action::ReverseInvoice, &before),
        (&app.mailroom, Action::ReturnParcel, &seen),
    ] {
        let refused = problem(app.client(token).act(&order.order_no, action, sent).await);
        assert_eq!(refused.status, 409, "{action}: {refused:?}");
        assert!(
            refused.detail.contains(&finance_name),
            "{action}: {refused:?}"
        );
    }
    let now = app
        .client(&app.admin)
        .order(&order.order_no, false)
        .await
        .expect("order");
    assert_eq!(now.status, OrderStatus::Completed);
    assert!(now.reversed_invoices.is_empty());
    // Its holder goes on, and the order moves (the hold with it).
    let back = app
        .client(&app.finance)
        .act(
            &order.order_no,
            Action::ReverseInvoice,
            &reason(&now, "抬头错误"),
        )
        .await
        .expect("the holder reverses");
    assert_eq!(back.status, OrderStatus::PendingInvoice);
    assert!(back.claim.is_none(), "{:?}", back.claim);
    app.finish().await;
}

/// The seller's name and the tax rate changed in the configuration between the invoice and
/// its reversal (a new rate, a renamed company): the red invoice repeats the blue one's, as
/// a red invoice cancels exactly what was issued; the new invoice takes the new ones.
async fn a_red_invoice_repeats_its_blue_invoices_seller_and_rate_after_the_configuration_changed(
    db: Db,
) {
    let app = TestApp::spawn(db).await;
    let order = shipped(&app, "张三", "EA123456785CN").await;
    let done = invoiced(&app, &order, "湖南某某建设公司").await;
    let blue = done.invoice.clone().expect("the invoice");
    let mut config = ca_counter::config::PlatformConfig::default();
    config.invoice.seller_name = "湖南CA改名后的公司（示例）".into();
    config.invoice.tax_rate_percent = 13;
    config.invoice.item_name = "*信息技术服务*新的项目名称".into();
    let url = app.db.as_ref().expect("db").url.clone();
    let renamed = crate::common::second_instance_with(&url, config).await;
    let finance = ca_counter::api::Client::new(
        &renamed.base_url(),
        &app.finance,
        ca_counter::i18n::Lang::En,
    )
    .expect("client");
    let back = finance
        .act(
            &order.order_no,
            Action::ReverseInvoice,
            &reason(&done, "税率有误"),
        )
        .await
        .expect("reversed");
    let [reversed] = back.reversed_invoices.as_slice() else {
        panic!("one reversed invoice: {:?}", back.reversed_invoices);
    };
    let red_id = reversed.red_attachment_id.clone().expect("the red PDF");
    let (_, pdf) = finance.attachment(&red_id).await.expect("red pdf");
    let red: String = crate::pdf_documents::text_of("red-invoice.pdf", &pdf)
        .split_whitespace()
        .collect();
    for (expected, there) in [
        ("湖南CA（示例销售方，非真实发票）", true),
        ("6%", true),
        ("数字证书服务费", true),
        ("改名后", false),
        ("13%", false),
        ("新的项目名称", false),
    ] {
        assert_eq!(red.contains(expected), there, "{expected} in:\n{red}");
    }
    // Its amounts are the blue one's, negated.
    let (net, tax) = (
        Money::from_fen(blue.net_fen).expect("net").yuan_string(),
        Money::from_fen(blue.tax_fen).expect("tax").yuan_string(),
    );
    assert!(
        red.contains(&format!("-{net}")) && red.contains(&format!("-{tax}")),
        "{red}"
    );
    // Issued anew, the new invoice is drawn as configured now.
    let anew = finance
        .issue_invoice(
            &order.order_no,
            &IssueInvoice {
                version: Some(back.version),
                request: Some(organisation("湖南某某建设有限公司", "91110000600037341L")),
            },
        )
        .await
        .expect("issued anew");
    let new_id = anew
        .invoice
        .as_ref()
        .and_then(|i| i.attachment_id.clone())
        .expect("the new PDF");
    let (_, pdf) = finance.attachment(&new_id).await.expect("new pdf");
    let new: String = crate::pdf_documents::text_of("new-invoice.pdf", &pdf)
        .split_whitespace()
        .collect();
    for expected in ["湖南CA改名后的公司（示例）", "13%", "新的项目名称"] {
        assert!(new.contains(expected), "{expected} in:\n{new}");
    }
    renamed.shutdown().await.expect("stop");
    app.finish().await;
}

/// An invoice's mail is claimed before it is sent: of overlapping attempts (a retry while
/// the first is on its way) one sends; one whose sender stopped is taken over after two
/// minutes; once it went (or failed), none sends it again.
async fn an_invoices_mail_is_claimed_by_one_attempt_only(db: Db) {
    use ca_counter::server::store::{MailOutcome, NewMail};
    let app = TestApp::spawn(db).await;
    let order = shipped(&app, "吴九", "EA123456785CN").await;
    let done = invoiced(&app, &order, "吴九公司").await;
    let row = app
        .store()
        .order_by_no(&order.order_no)
        .await
        .expect("read")
        .expect("order");
    // A file of the order no mail carried yet.
    let file = app
        .client(&app.clerk)
        .upload_attachment(
            &order.order_no,
            ca_counter::api::AttachmentKind::Other,
            "scan.png",
            crate::common::scan_png(303, 395),
        )
        .await
        .expect("uploaded");
    let mail = NewMail {
        order_id: Some(&row.id),
        to: "finance@example.com",
        subject: "发票",
        body: "附件",
        attachment_id: Some(&file.id),
        provider: "outbox",
        status: "sending",
        detail: None,
    };
    let store = app.store();
    let (a, b, c) = tokio::join!(
        store.claim_mail(&mail),
        store.claim_mail(&mail),
        store.claim_mail(&mail)
    );
    let claims: Vec<ca_counter::server::store::MailClaim> = [a, b, c]
        .into_iter()
        .filter_map(|r| r.expect("claim"))
        .collect();
    assert_eq!(claims.len(), 1, "{claims:?}");
    // Its sender stopped: after two minutes the next attempt takes it over.
    assert!(store.claim_mail(&mail).await.expect("claim").is_none());
    sqlx::query("UPDATE mail_messages SET retry_at = retry_at - 130000 WHERE id = $1")
        .bind(&claims[0].id)
        .execute(store.pool())
        .await
        .expect("age it");
    let again = store
        .claim_mail(&mail)
        .await
        .expect("claim")
        .expect("taken over after two minutes");
    assert_eq!(again.id, claims[0].id);
    // The first sender, late, does not write over the one that took over.
    assert_eq!(again.attempt, 2);
    store
        .finish_mail(&claims[0], &MailOutcome::Done("sent"))
        .await
        .expect("finish");
    store
        .finish_mail(&again, &MailOutcome::Failed("mailbox full"))
        .await
        .expect("finish");
    assert!(store.claim_mail(&mail).await.expect("claim").is_none());
    let listed = app.client(&app.admin).mail_messages().await.expect("mail");
    let ours: Vec<_> = listed
        .iter()
        .filter(|m| m.attachment_id.as_deref() == Some(file.id.as_str()))
        .collect();
    assert_eq!(ours.len(), 1, "{ours:?}");
    assert_eq!(ours[0].status, "failed");
    assert_eq!(ours[0].attempts, 2);
    assert_eq!(ours[0].next_try_at, None);
    // The invoice's own mail went once, as before.
    let invoice_file = done.invoice.and_then(|i| i.attachment_id).expect("pdf");
    let invoice_mail: Vec<_> = listed
        .iter()
        .filter(|m| m.attachment_id.as_deref() == Some(invoice_file.as_str()))
        .collect();
    assert_eq!(invoice_mail.len(), 1, "{invoice_mail:?}");
    assert_eq!(invoice_mail[0].status, "kept");
    // Its sender stopped while it was on its way (claimed, never finished), and nobody
    // asked again: once the claim lapses, the platform sends it itself — an instance
    // starting (as after the crash) at once.
    sqlx::query(
        "UPDATE mail_messages SET status = 'sending', retry_at = $1 WHERE attachment_id = $2",
    )
    .bind(ca_counter::server::store::now_ms() - 1)
    .bind(&invoice_file)
    .execute(store.pool())
    .await
    .expect("cut short");
    let url = app.db.as_ref().expect("db").url.clone();
    let restarted = crate::common::second_instance(&url).await;
    let admin = app.client(&app.admin);
    let mut again = Vec::new();
    for _ in 0..100 {
        again = admin
            .mail_messages()
            .await
            .expect("mail")
            .into_iter()
            .filter(|m| m.attachment_id.as_deref() == Some(invoice_file.as_str()))
            .collect();
        if again.iter().all(|m| m.status != "sending") {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    assert_eq!(again.len(), 1, "{again:?}");
    assert_eq!((again[0].status.as_str(), again[0].attempts), ("kept", 2));
    assert_eq!(again[0].subject, invoice_mail[0].subject);
    restarted.shutdown().await.expect("stop");
    app.finish().await;
}

/// An invoice's mail waiting for its next try (the mail server down) when finance reverses
/// the invoice: the cancelled invoice is not sent hours later — the platform gives it up,
/// saying why — while the red invoice's own mail goes.
async fn a_waiting_mail_of_an_invoice_reversed_since_is_given_up(db: Db) {
    let app = TestApp::spawn(db).await;
    let order = shipped(&app, "钱七", "EA123456785CN").await;
    let done = invoiced(&app, &order, "钱七公司").await;
    let blue_pdf = done
        .invoice
        .as_ref()
        .and_then(|i| i.attachment_id.clone())
        .expect("pdf");
    let store = app.store();
    sqlx::query(
        "UPDATE mail_messages SET status = 'waiting', detail = 'connection refused', \
         retry_at = $1 WHERE attachment_id = $2",
    )
    .bind(ca_counter::server::store::now_ms() + 600_000)
    .bind(&blue_pdf)
    .execute(store.pool())
    .await
    .expect("waiting");
    let back = app
        .client(&app.finance)
        .act(
            &order.order_no,
            Action::ReverseInvoice,
            &reason(&done, "抬头错误"),
        )
        .await
        .expect("reversed");
    let red_pdf = back.reversed_invoices[0]
        .red_attachment_id
        .clone()
        .expect("red pdf");
    // Its try comes: an instance starting now takes it up.
    sqlx::query("UPDATE mail_messages SET retry_at = $1 WHERE attachment_id = $2")
        .bind(ca_counter::server::store::now_ms() - 1)
        .bind(&blue_pdf)
        .execute(store.pool())
        .await
        .expect("due");
    let url = app.db.as_ref().expect("db").url.clone();
    let restarted = crate::common::second_instance(&url).await;
    let admin = app.client(&app.admin);
    let mut blue = None;
    for _ in 0..100 {
        blue = admin
            .mail_messages()
            .await
            .expect("mail")
            .into_iter()
            .find(|m| m.attachment_id.as_deref() == Some(blue_pdf.as_str()));
        if blue.as_ref().is_some_and(|m| m.status != "waiting") {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    let blue = blue.expect("the blue invoice's mail");
    assert_eq!(blue.status, "failed", "{blue:?}");
    assert_eq!(blue.attempts, 1, "never sent again: {blue:?}");
    assert_eq!(blue.next_try_at, None);
    assert!(
        blue.detail.as_deref().is_some_and(|d| d.contains("红冲")),
        "{blue:?}"
    );
    let mail = admin.mail_messages().await.expect("mail");
    assert!(
        mail.iter()
            .any(|m| m.attachment_id.as_deref() == Some(red_pdf.as_str()) && m.status == "kept"),
        "{mail:?}"
    );
    restarted.shutdown().await.expect("stop");
    app.finish().await;
}

/// A reversal cut short — its red invoice made, the process stopped before the order moved
/// — is finished by the platform once its hold lapses: the same red invoice, its PDF kept
/// and mailed once, the order 待开票, the history naming who asked and why. A lapsed hold
/// under which nothing was made is let go, the order left as it was.
async fn a_reversal_cut_short_is_finished_by_the_platform(db: Db) {
    use ca_counter::server::store::NewRedInvoice;
    let app = TestApp::spawn(db).await;
    let store = app.store();
    let (finance_id, finance_name) = finance_operator(&app).await;
    let lapsed = ca_counter::server::store::now_ms() - 1_000;
    // Cut short after its red invoice.
    let order = shipped(&app, "郑十", "EA123456785CN").await;
    let done = invoiced(&app, &order, "郑十公司").await;
    let blue_no = done.invoice.as_ref().expect("invoice").invoice_no.clone();
    hold(&app, &order, done.version, lapsed).await;
    let blue = store
        .invoice_by_no(&blue_no)
        .await
        .expect("read")
        .expect("blue");
    let red = store
        .builtin_red_invoice(
            &NewRedInvoice {
                blue: &blue,
                reason: "税号错误",
                issued_by: &finance_name,
                issuer_id: Some(&finance_id),
            },
            "43",
        )
        .await
        .expect("red invoice");
    // Held, nothing made.
    let other = shipped(&app, "王十一", "EA223456788CN").await;
    let other_done = invoiced(&app, &other, "王十一公司").await;
    hold(&app, &other, other_done.version, lapsed).await;
    // Held, its hold live (a reversal under way): not touched.
    let live = shipped(&app, "赵十二", "EA323456785CN").await;
    let live_done = invoiced(&app, &live, "赵十二公司").await;
    hold(
        &app,
        &live,
        live_done.version,
        ca_counter::server::store::now_ms() + 600_000,
    )
    .await;
    // A platform starting (as after the crash) finishes it at once.
    let url = app.db.as_ref().expect("db").url.clone();
    let restarted = crate::common::second_instance(&url).await;
    let admin = app.client(&app.admin);
    let mut now = admin.order(&order.order_no, false).await.expect("order");
    for _ in 0..300 {
        if now.status == OrderStatus::PendingInvoice && holder(&app, &other).await.is_none() {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
        now = admin.order(&order.order_no, false).await.expect("order");
    }
    assert_eq!(now.status, OrderStatus::PendingInvoice, "{now:?}");
    assert!(now.invoice_no.is_none() && now.claim.is_none(), "{now:?}");
    let [reversed] = now.reversed_invoices.as_slice() else {
        panic!("one reversed invoice: {:?}", now.reversed_invoices);
    };
    assert_eq!(reversed.red_invoice_no, red.invoice_no);
    assert_eq!(reversed.reason.as_deref(), Some("税号错误"));
    let red_pdf = reversed
        .red_attachment_id
        .clone()
        .expect("the red PDF kept");
    let mail = admin.mail_messages().await.expect("mail");
    assert_eq!(
        mail.iter()
            .filter(|m| m.attachment_id.as_deref() == Some(red_pdf.as_str()))
            .count(),
        1,
        "{mail:?}"
    );
    let history = admin.history(&order.order_no).await.expect("history");
    let last = history.last().expect("history");
    assert_eq!(last.action, "reverse_invoice");
    let said = last.reason.clone().unwrap_or_default();
    for expected in [finance_name.as_str(), "税号错误", &blue_no, &red.invoice_no] {
        assert!(said.contains(expected), "{expected} in {said}");
    }
    // The other: let go, as it was.
    let other_now = admin.order(&other.order_no, false).await.expect("order");
    assert_eq!(other_now.status, OrderStatus::Completed);
    assert_eq!(holder(&app, &other).await, None);
    assert_eq!(
        holder(&app, &live).await.as_deref(),
        Some(finance_id.as_str()),
        "a live hold stays"
    );
    assert_eq!(other_now.invoice_no, other_done.invoice_no);
    restarted.shutdown().await.expect("stop");
    app.finish().await;
}

/// The customer's own request was being issued (the invoice made, the order not yet
/// completed) when finance changed the request and issued: the invoice made is the
/// order's — completed with it, its request kept as the one issued, the history naming
/// its issuer — and finance is told theirs was not issued (it answered 200 with the
/// customer's invoice, the order saying finance's request).
async fn an_invoice_issued_for_the_customers_request_first_is_the_orders(db: Db) {
    let app = TestApp::spawn(db).await;
    let order = shipped(&app, "张三", "EA123456785CN").await;
    let (theirs, _) = ca_counter::domain::validate_invoice_request(&InvoiceRequestInput {
        buyer_kind: Some("individual".into()),
        invoice_kind: Some("normal".into()),
        buyer_name: "张三".into(),
        tax_number: "11010519491231002X".into(),
        email: "zs@example.com".into(),
        ..Default::default()
    })
    .expect("the customer's request");
    let json = serde_json::to_string(&theirs).expect("json");
    let row = app
        .store()
        .order_by_no(order.order_no.as_str())
        .await
        .expect("db")
        .expect("the order");
    let made = app
        .store()
        .builtin_invoice(
            &ca_counter::server::store::NewInvoice {
                order_id: &row.id,
                invoice_kind: "normal",
                request_json: &json,
                net_fen: 18_868,
                tax_fen: 1_132,
                total_fen: 20_000,
                issued_by: "平台开票",
                seller_json: "{}",
            },
            "4300",
        )
        .await
        .expect("the customer's invoice, made");
    let refused = problem(
        app.client(&app.finance)
            .issue_invoice(
                &order.order_no,
                &IssueInvoice {
                    version: Some(order.version),
                    request: Some(organisation("王五建设公司", "91110000600037341L")),
                },
            )
            .await,
    );
    assert_eq!(refused.code, "invoice_issued", "{refused:?}");
    assert_eq!(refused.status, 409);
    let now = app
        .client(&app.admin)
        .order(&order.order_no, false)
        .await
        .expect("order");
    assert_eq!(now.status, OrderStatus::Completed);
    let invoice = now.invoice.clone().expect("the invoice");
    assert_eq!(invoice.invoice_no, made.invoice_no);
    // A person's tax number (their ID number) is said masked.
    assert_eq!(
        invoice.buyer_tax_number.as_deref(),
        Some("1101**********002X")
    );
    assert_eq!(
        now.invoice_request
            .as_ref()
            .map(|r| r.request.buyer_name.as_str()),
        Some("张三"),
        "{now:?}"
    );
    let history = app
        .client(&app.admin)
        .history(&order.order_no)
        .await
        .expect("history");
    let issued = history
        .iter()
        .rfind(|h| h.action == "issue_invoice")
        .expect("issued");
    let (_, finance_name) = finance_operator(&app).await;
    assert_ne!(issued.actor.name, finance_name, "{history:?}");
    app.finish().await;
}
