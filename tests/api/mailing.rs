//! Mailing, tracking and invoicing: the mailroom's queue with addresses in full only for
//! those who ship, tracking numbers checked per carrier (and never used twice), the SMS
//! with the invoice link, labels; finance's queue, the invoice request and its rules, the
//! e-invoice PDF e-mailed through the outbox, declining; the customer's own request on the
//! phone page; staff-typed tracking events.

use ca_counter::api::{ActionRequest, ClientError, IssueInvoice, NewTrackingStep, Order};
use ca_counter::config::PlatformConfig;
use ca_counter::domain::{Action, InvoiceRequestInput, Money, OrderStatus};

use crate::common::{Db, TestApp};
use crate::documents::pdf_text;
use crate::on_both_databases;

on_both_databases!(
    signed_out_everywhere_the_texts_invoice_link_opens_nothing,
    the_mailroom_ships_by_carrier_and_number_and_the_customer_is_told,
    labels_print_for_the_chosen_orders_with_full_addresses,
    finance_issues_an_invoice_that_is_stored_mailed_and_completes_the_order,
    declining_the_invoice_completes_the_order_with_the_note,
    the_customer_asks_for_an_invoice_on_the_phone,
    staff_type_tracking_events_when_there_is_no_provider,
    issuing_and_declining_at_once_and_one_number_twice_get_one_outcome,
    an_address_corrected_after_its_label_is_marked_until_printed_again,
    a_callers_note_reaches_the_mailroom_with_the_parcel,
    a_parcel_the_courier_brings_back_is_mailed_again,
    a_parcel_back_after_its_invoice_is_mailed_again_under_that_invoice,
);

fn problem(result: Result<impl std::fmt::Debug, ClientError>) -> ca_counter::api::Problem {
    match result {
        Ok(value) => panic!("expected a refusal, got {value:?}"),
        Err(e) => e.problem().cloned().expect("a problem document"),
    }
}

fn fields(problem: &ca_counter::api::Problem) -> Vec<&str> {
    problem.errors.iter().map(|e| e.field.as_str()).collect()
}

/// An order approved and waiting to be mailed.
pub(crate) async fn approved(app: &TestApp, name: &str) -> Order {
    let order = app.submit(name).await;
    let order = app.pay(&order).await;
    app.act(&app.reviewer, &order, Action::Approve, Default::default())
        .await
}

pub(crate) async fn shipped(app: &TestApp, name: &str, number: &str) -> Order {
    let order = approved(app, name).await;
    ship_approved(app, &order, number).await
}

/// An approved `order` mailed by EMS with `number`.
pub(crate) async fn ship_approved(app: &TestApp, order: &Order, number: &str) -> Order {
    app.act(
        &app.mailroom,
        order,
        Action::Ship,
        ActionRequest {
            carrier: Some("ems".into()),
            tracking_no: Some(number.into()),
            ..Default::default()
        },
    )
    .await
}

fn ship(order: &Order, carrier: &str, number: &str) -> ActionRequest {
    ActionRequest {
        version: Some(order.version),
        carrier: Some(carrier.into()),
        tracking_no: Some(number.into()),
        ..Default::default()
    }
}

async fn the_mailroom_ships_by_carrier_and_number_and_the_customer_is_told(db: Db) {
    let app = TestApp::spawn(db).await;
    let first = approved(&app, "张三").await;
    let second = approved(&app, "李四").await;

    // The queue: oldest payment first, in full for the mailroom, masked for support.
    let queue = app
        .client(&app.mailroom)
        .mailing_queue()
        .await
        .expect("queue");
    let numbers: Vec<&str> = queue
        .items
        .iter()
        .map(|i| i.order.order_no.as_str())
        .collect();
    assert_eq!(numbers, [first.order_no.as_str(), second.order_no.as_str()]);
    assert!(!queue.items[0].masked);
    assert!(queue.items[0].address.contains("麓山南路 932 号"));
    assert_eq!(queue.items[0].phone.len(), 11);
    assert_eq!(queue.promise_working_days, 2);
    assert!(
        queue
            .carriers
            .iter()
            .any(|c| c.code == "ems" && c.name == "EMS")
    );
    assert!(queue.carriers.iter().any(|c| c.name == "顺丰"));
    let seen_by_support = app
        .client(&app.support)
        .mailing_queue()
        .await
        .expect("queue");
    assert!(seen_by_support.items[0].masked);
    assert!(seen_by_support.items[0].phone.contains("****"));
    assert!(!seen_by_support.items[0].address.contains("932"));

    let mailroom = app.client(&app.mailroom);
    // A wrong S10 check digit is answered next to the number; nothing changes.
    let refused = problem(
        mailroom
            .act(
                &first.order_no,
                Action::Ship,
                &ship(&first, "ems", "EA123456784CN"),
            )
            .await,
    );
    assert_eq!(refused.status, 422);
    assert_eq!(fields(&refused), ["tracking_no"]);
    assert!(refused.errors[0].message.contains('5'), "{refused:?}");
    // An unknown carrier.
    let refused = problem(
        mailroom
            .act(
                &first.order_no,
                Action::Ship,
                &ship(&first, "pigeon", "123456"),
            )
            .await,
    );
    assert_eq!(fields(&refused), ["carrier"]);
    // SF numbers have their own shape.
    let refused = problem(
        mailroom
            .act(
                &first.order_no,
                Action::Ship,
                &ship(&first, "shunfeng", "EA123456785CN"),
            )
            .await,
    );
    assert_eq!(fields(&refused), ["tracking_no"]);
    let unchanged = mailroom.order(&first.order_no, false).await.expect("order");
    assert_eq!(
        (unchanged.status, unchanged.version),
        (OrderStatus::PendingShipment, first.version)
    );

    // A scanner's lower case and spaces are fine.
    let sent = mailroom
        .act(
            &first.order_no,
            Action::Ship,
            &ActionRequest {
                reason: Some("客户要求周末送达".into()),
                ..ship(&first, "ems", " ea 123456785 cn ")
            },
        )
        .await
        .expect("ship");
    assert_eq!(sent.status, OrderStatus::PendingInvoice);
    let shipment = sent.shipment.as_ref().expect("shipment");
    assert_eq!(shipment.tracking_no, "EA123456785CN");
    assert_eq!(shipment.carrier, "ems");
    // What was said with it is kept in the history, after the carrier and the number.
    let history = app
        .client(&app.admin)
        .history(&first.order_no)
        .await
        .expect("history");
    let shipped = history
        .iter()
        .find(|h| h.action == "ship")
        .expect("the shipment in the history");
    assert_eq!(
        shipped.reason.as_deref(),
        Some("ems EA123456785CN 客户要求周末送达")
    );

    // An unknown carrier and a number that is none for any: both named in one answer.
    let refused = problem(
        mailroom
            .act(&second.order_no, Action::Ship, &ship(&second, "nope", "!!"))
            .await,
    );
    assert_eq!(fields(&refused), ["carrier", "tracking_no"], "{refused:?}");
    // The same number typed again for the next order.
    let refused = problem(
        mailroom
            .act(
                &second.order_no,
                Action::Ship,
                &ship(&second, "ems", "EA123456785CN"),
            )
            .await,
    );
    assert_eq!(fields(&refused), ["tracking_no"]);
    assert!(
        refused.errors[0].message.contains(first.order_no.as_str()),
        "{refused:?}"
    );

    // The customer's SMS: carrier, number and the invoice link.
    let sms = app.client(&app.admin).sms_messages().await.expect("sms");
    let text = &sms
        .iter()
        .find(|m| m.order_no.as_deref() == Some(first.order_no.as_str()))
        .expect("an sms for the order")
        .body;
    assert!(
        text.contains("EMS") && text.contains("EA123456785CN"),
        "{text}"
    );
    let link = text
        .split_whitespace()
        .find(|w| w.contains("/m/invoice/"))
        .expect("the invoice link");
    assert!(link.starts_with("http"), "{link}");
    // Those who do not ship may not.
    let refused = problem(
        app.client(&app.finance)
            .act(
                &second.order_no,
                Action::Ship,
                &ship(&second, "ems", "1234567890123"),
            )
            .await,
    );
    assert_eq!(refused.status, 403);
    app.finish().await;
}

async fn labels_print_for_the_chosen_orders_with_full_addresses(db: Db) {
    let app = TestApp::spawn(db).await;
    let first = approved(&app, "王小明").await;
    let second = approved(&app, "赵小红").await;
    let pdf = app
        .client(&app.mailroom)
        .mailing_labels(&[first.order_no.to_string(), second.order_no.to_string()])
        .await
        .expect("labels");
    let text = pdf_text(&pdf.bytes);
    for order in [&first, &second] {
        assert!(text.contains(order.order_no.as_str()), "{text}");
    }
    assert!(text.contains("王小明") && text.contains("赵小红"), "{text}");
    assert!(text.contains("麓山南路"), "{text}");
    // An organisation's parcel names it on its label, for its front desk.
    let body = app.new_org_order_body("孙七").await;
    let org = app
        .client(&app.clerk)
        .create_order(&uuid::Uuid::now_v7().to_string(), &body)
        .await
        .expect("org order");
    let org = app.pay(&org).await;
    let org = app
        .act(&app.reviewer, &org, Action::Approve, Default::default())
        .await;
    let pdf = app
        .client(&app.mailroom)
        .mailing_labels(&[org.order_no.to_string()])
        .await
        .expect("labels");
    let text = pdf_text(&pdf.bytes).replace(char::is_whitespace, "");
    assert!(text.contains("湖南某某建设有限公司"), "{text}");
    // Printing full addresses is in each order's history.
    let history = app
        .client(&app.admin)
        .history(&first.order_no)
        .await
        .expect("history");
    assert!(history.iter().any(|h| h.action == "labels_printed"));
    // Support may not print addresses; an unknown order is named.
    let refused = problem(
        app.client(&app.support)
            .mailing_labels(&[first.order_no.to_string()])
            .await,
    );
    assert_eq!(refused.status, 403);
    let refused = problem(
        app.client(&app.mailroom)
            .mailing_labels(&["HN20990101999999".into()])
            .await,
    );
    assert_eq!(fields(&refused), ["order_nos[0]"]);
    // One parcel, one label: a number listed twice is named, not printed twice.
    let refused = problem(
        app.client(&app.mailroom)
            .mailing_labels(&[first.order_no.to_string(), first.order_no.to_string()])
            .await,
    );
    assert_eq!(fields(&refused), ["order_nos[1]"]);
    app.finish().await;
}

fn request(kind: &str, invoice: &str, name: &str, tax: &str) -> InvoiceRequestInput {
    InvoiceRequestInput {
        buyer_kind: Some(kind.into()),
        invoice_kind: Some(invoice.into()),
        buyer_name: name.into(),
        tax_number: tax.into(),
        email: "finance@example.com".into(),
        ..Default::default()
    }
}

async fn finance_issues_an_invoice_that_is_stored_mailed_and_completes_the_order(db: Db) {
    let app = TestApp::spawn(db).await;
    let order = shipped(&app, "张三", "EA123456785CN").await;
    let finance = app.client(&app.finance);

    // 专票 for a person; a credit code with a wrong check character; 专票 without the bank.
    let refused = problem(
        finance
            .save_invoice_request(
                &order.order_no,
                &request("individual", "special", "张三", ""),
            )
            .await,
    );
    assert_eq!(refused.status, 422);
    assert!(fields(&refused).contains(&"invoice_kind"), "{refused:?}");
    let refused = problem(
        finance
            .save_invoice_request(
                &order.order_no,
                &request(
                    "organisation",
                    "normal",
                    "湖南某某建设有限公司",
                    "91110000600037341A",
                ),
            )
            .await,
    );
    assert_eq!(fields(&refused), ["tax_number"]);
    let refused = problem(
        finance
            .save_invoice_request(
                &order.order_no,
                &request(
                    "organisation",
                    "special",
                    "湖南某某建设有限公司",
                    "91110000600037341L",
                ),
            )
            .await,
    );
    let named = fields(&refused);
    for field in ["address", "phone", "bank", "account"] {
        assert!(named.contains(&field), "{field} in {named:?}");
    }
    // What no font here draws (it would print as "[U+0E47]" on a tax invoice), and marks
    // stacked on a letter: refused on their fields.
    let mut unprintable = request(
        "organisation",
        "special",
        "湖南某某科技有限公司a\u{301}\u{301}\u{301}\u{301}\u{301}",
        "91110000600037341L",
    );
    unprintable.address = "长沙市岳麓区\u{E01}\u{E02}".into();
    unprintable.phone = "0731-1234567".into();
    unprintable.bank = "中国银行\u{2800}\u{2800}长沙分行".into();
    unprintable.account = "62220000111122223333".into();
    let refused = problem(
        finance
            .save_invoice_request(&order.order_no, &unprintable)
            .await,
    );
    let mut named = fields(&refused);
    named.sort_unstable();
    // All at once: the marks stacked on the name (the text rule) beside the characters
    // no font draws in the others.
    assert_eq!(named, ["address", "bank", "buyer_name"], "{refused:?}");
    unprintable.buyer_name = "湖南某某科技有限公司".into();
    let refused = problem(
        finance
            .save_invoice_request(&order.order_no, &unprintable)
            .await,
    );
    let mut named = fields(&refused);
    named.sort_unstable();
    assert_eq!(named, ["address", "bank"], "{refused:?}");
    // A legacy 15-character tax number is kept with a warning.
    let saved = finance
        .save_invoice_request(
            &order.order_no,
            &request("organisation", "normal", "长沙某某商行", "430104123456789"),
        )
        .await
        .expect("saved");
    assert_eq!(saved.warnings.len(), 1);
    assert_eq!(saved.warnings[0].field, "tax_number");
    assert_eq!(saved.request.via, "counter");
    // Saving changed the order's version, and the answer says to what.
    let now = finance.order(&order.order_no, false).await.expect("order");
    assert_eq!(saved.version, now.version);
    assert!(saved.version > order.version);

    // Issuing the 专票 with everything: the number, the PDF, the outbox, 已完成.
    let mut special = request(
        "organisation",
        "special",
        "湖南某某建设有限公司",
        "91110000600037341L",
    );
    // Typed in a phone keyboard's full-width mode: printed as an office writes it.
    special.address = "长沙市岳麓区麓山南路１号　　３栋".into();
    special.phone = "0731-88880000".into();
    special.bank = "中国银行长沙分行".into();
    special.account = "6222 0000 1111 2222".into();
    let current = finance.order(&order.order_no, false).await.expect("order");
    // Sent with the issue, a request's bad fields are named by their path in its body.
    let mut wrong = special.clone();
    wrong.tax_number = "91110000600037341A".into();
    let refused = problem(
        finance
            .issue_invoice(
                &order.order_no,
                &IssueInvoice {
                    version: Some(current.version),
                    request: Some(wrong),
                },
            )
            .await,
    );
    assert_eq!(fields(&refused), ["request.tax_number"], "{refused:?}");
    let done = finance
        .issue_invoice(
            &order.order_no,
            &IssueInvoice {
                version: Some(current.version),
                request: Some(special),
            },
        )
        .await
        .expect("issued");
    assert_eq!(done.status, OrderStatus::Completed);
    let invoice = done.invoice.as_ref().expect("invoice");
    // Its PDF is finance's to read; another role is told whom to ask, finance named.
    let kept = done
        .attachments
        .iter()
        .find(|a| a.kind == ca_counter::api::AttachmentKind::Invoice)
        .expect("the invoice's PDF on the order");
    let refused = problem(app.client(&app.support).attachment(&kept.id).await);
    assert_eq!(refused.status, 403);
    assert!(refused.detail.contains("finance"), "{refused:?}");
    assert_eq!(invoice.invoice_no.len(), 20);
    assert!(invoice.invoice_no.chars().all(|c| c.is_ascii_digit()));
    assert_eq!(
        done.invoice_no.as_deref(),
        Some(invoice.invoice_no.as_str())
    );
    assert_eq!(invoice.total_fen, order.amount_fen);
    // An organisation's tax number is said in full beside its name.
    assert_eq!(
        invoice.buyer_tax_number.as_deref(),
        Some("91110000600037341L")
    );
    // Invoiced, its request is no longer kept or changed: said as that (it said the
    // invoice "cannot be issued").
    let refused = problem(
        finance
            .save_invoice_request(
                &order.order_no,
                &request(
                    "organisation",
                    "normal",
                    "长沙某某商行",
                    "91110000600037341L",
                ),
            )
            .await,
    );
    assert_eq!(refused.status, 409);
    assert!(
        refused.detail.contains("is not waiting for its invoice"),
        "{refused:?}"
    );
    assert_eq!(invoice.net_fen + invoice.tax_fen, invoice.total_fen);
    assert_eq!(invoice.invoice_kind, "special");
    let pdf_id = invoice.attachment_id.clone().expect("the PDF");
    let (content_type, pdf) = finance.attachment(&pdf_id).await.expect("pdf");
    assert_eq!(content_type, "application/pdf");
    let text = pdf_text(&pdf);
    // With 圆, as tax invoices write it.
    let capital = Money::from_fen(order.amount_fen)
        .expect("money")
        .to_chinese_capital()
        .replace('元', "圆");
    for expected in [
        "湖南某某建设有限公司",
        "91110000600037341L",
        invoice.invoice_no.as_str(),
        capital.as_str(),
        "中国银行长沙分行",
        "麓山南路1号 3栋",
    ] {
        assert!(text.contains(expected), "{expected} in:\n{text}");
    }
    let total = Money::from_fen(order.amount_fen)
        .expect("money")
        .yuan_string();
    assert!(text.contains(&total), "{total} in:\n{text}");
    // The checker's code says 专票 (31); from the built-in provider it starts with words
    // that no tax checker reads, so it cannot pass for a real invoice's.
    let name = format!(
        "invoice-{}-{}.pdf",
        app.base.rsplit(':').next().unwrap_or_default(),
        invoice.invoice_no
    );
    crate::pdf_documents::text_of(&name, &pdf);
    // From the built-in provider its heading, the file's title (what a mail client or a
    // folder lists) and its file name say it is a demo, not only the band across the page.
    assert!(
        text.contains("电子发票（增值税专用发票）·演示样例"),
        "{text}"
    );
    let info = std::process::Command::new("pdfinfo")
        .arg(crate::pdf_documents::artifact(&name))
        .output()
        .expect("pdfinfo");
    let info = String::from_utf8_lossy(&info.stdout).into_owned();
    assert!(
        info.lines()
            .any(|l| l.starts_with("Title:") && l.contains("演示样例")),
        "{info}"
    );
    let stored = done
        .attachments
        .iter()
        .find(|a| a.id == pdf_id)
        .map(|a| a.filename.clone())
        .unwrap_or_default();
    assert!(stored.contains("演示样例"), "{stored}");
    // Read as a scanner would, at 200 dpi and, should that miss it, at 300 (the reader of
    // these tests, rqrr, now and then misses a code the other resolution reads).
    let codes: Vec<String> = [200, 300]
        .iter()
        .map(|dpi| {
            let png = crate::pdf_documents::rasterise(&name, *dpi).remove(0);
            crate::pdf_documents::qr_texts(&png)
        })
        .find(|codes| !codes.is_empty())
        .unwrap_or_default();
    let wanted = format!(",01,31,,{},", invoice.invoice_no);
    assert!(
        codes
            .iter()
            .any(|c| c.starts_with("DEMO") && c.contains(&wanted)),
        "{codes:?}"
    );
    // The invoice names the buyer's tax number and bank account: finance reads it, and so
    // does a role that may see personal data; phone support does not. Every read is in
    // the order's history.
    match app.client(&app.support).attachment(&pdf_id).await {
        Err(e) => assert_eq!(e.problem().map(|p| p.status), Some(403), "{e:?}"),
        Ok(_) => panic!("support read the invoice"),
    }
    app.client(&app.clerk)
        .attachment(&pdf_id)
        .await
        .expect("a clerk may see personal data");
    let read = app
        .client(&app.admin)
        .history(&order.order_no)
        .await
        .expect("history")
        .iter()
        .filter(|h| h.action == "download_attachment")
        .count();
    assert_eq!(read, 2, "finance's read and the clerk's");

    // The e-mail with the PDF, in the outbox.
    let mail = app.client(&app.admin).mail_messages().await.expect("mail");
    let sent = mail
        .iter()
        .find(|m| m.order_no.as_deref() == Some(order.order_no.as_str()))
        .expect("a mail");
    assert_eq!(sent.to, "finance@example.com");
    assert_eq!(sent.status, "kept");
    assert_eq!(sent.attachment_id.as_deref(), Some(pdf_id.as_str()));
    assert!(sent.subject.contains(&invoice.invoice_no));
    // A demo invoice's mail says so before anything else, as its PDF does.
    assert!(sent.subject.starts_with("【演示样例"), "{}", sent.subject);

    // Issuing again (an answer lost on the way): the same invoice, not a second one; a
    // different request for the completed order is refused.
    let again = finance
        .issue_invoice(
            &order.order_no,
            &IssueInvoice {
                version: Some(current.version),
                request: None,
            },
        )
        .await
        .expect("the same invoice");
    assert_eq!(again.invoice_no, done.invoice_no);
    let refused = problem(
        finance
            .issue_invoice(
                &order.order_no,
                &IssueInvoice {
                    version: Some(done.version),
                    request: Some(request("individual", "normal", "别人", "")),
                },
            )
            .await,
    );
    assert_eq!(
        (refused.status, refused.code.as_str()),
        (409, "invoice_issued")
    );
    // Said as what it is: a second invoice refused (not "cannot be declined").
    assert!(
        refused.detail.contains("no second invoice") && refused.detail.contains("reverse"),
        "{refused:?}"
    );
    let mail = app.client(&app.admin).mail_messages().await.expect("mail");
    assert_eq!(mail.len(), 1, "one invoice, one e-mail");
    // Invoice numbers are never typed in through the generic action.
    let other = shipped(&app, "李四", "1234567890123").await;
    let refused = problem(
        finance
            .act(
                &other.order_no,
                Action::IssueInvoice,
                &ActionRequest {
                    version: Some(other.version),
                    invoice_no: Some("1".into()),
                    ..Default::default()
                },
            )
            .await,
    );
    assert_eq!(refused.code, "issue_through_invoice");
    // Without a request there is nothing to issue.
    let refused = problem(
        finance
            .issue_invoice(
                &other.order_no,
                &IssueInvoice {
                    version: Some(other.version),
                    request: None,
                },
            )
            .await,
    );
    assert_eq!(fields(&refused), ["request"]);
    app.finish().await;
}

async fn declining_the_invoice_completes_the_order_with_the_note(db: Db) {
    let app = TestApp::spawn(db).await;
    let order = shipped(&app, "张三", "EA123456785CN").await;
    let done = app
        .act(
            &app.finance,
            &order,
            Action::DeclineInvoice,
            ActionRequest {
                reason: Some("客户不需要发票".into()),
                ..Default::default()
            },
        )
        .await;
    assert_eq!(done.status, OrderStatus::Completed);
    assert!(done.invoice.is_none());
    let history = app
        .client(&app.admin)
        .history(&order.order_no)
        .await
        .expect("history");
    let last = history.last().expect("history");
    assert_eq!(last.action, "decline_invoice");
    assert_eq!(last.reason.as_deref(), Some("客户不需要发票"));
    app.finish().await;
}

/// The invoice link from the order's shipping SMS.
pub(crate) async fn invoice_link(app: &TestApp, order_no: &str) -> String {
    let sms = app.client(&app.admin).sms_messages().await.expect("sms");
    let text = sms
        .iter()
        .find(|m| m.order_no.as_deref() == Some(order_no) && m.body.contains("/m/invoice/"))
        .expect("the shipping sms")
        .body
        .clone();
    let start = text.find("http").expect("a link");
    text[start..]
        .split(|c: char| c.is_whitespace() || c == '。' || c == '，')
        .next()
        .expect("link")
        .to_owned()
}

async fn the_customer_asks_for_an_invoice_on_the_phone(db: Db) {
    // A platform whose finance issues each request (the default issues it at once, below).
    let config = PlatformConfig {
        invoice: ca_counter::config::InvoiceConfig {
            auto_issue: false,
            ..Default::default()
        },
        ..Default::default()
    };
    let app = TestApp::spawn_with(db, config).await;
    let order = shipped(&app, "张三", "EA123456785CN").await;
    let link = invoice_link(&app, &order.order_no).await;
    // The page, prefilled from the order.
    let page = app.http.get(&link).send().await.expect("page");
    assert_eq!(page.status(), 200);
    let html = page.text().await.expect("html");
    assert!(html.contains(order.order_no.as_str()), "{html}");
    assert!(html.contains("zhangsan@example.com"), "{html}");
    // A bad e-mail, 专票 for a person and a name the invoice cannot print: all answered on
    // the page at once (the name was said only once the rest was right), nothing kept.
    let bad = ca_counter::api::submit_phone_form(
        &app.http,
        &link,
        &[
            ("buyer_kind", "individual"),
            ("invoice_kind", "special"),
            ("buyer_name", "张三😀"),
            ("email", "not-an-email"),
        ],
    )
    .await
    .expect("post");
    assert_eq!(bad.status(), 422);
    let html = bad.text().await.expect("html");
    assert!(html.contains("invoice_kind-error"), "{html}");
    assert!(html.contains("email-error"), "{html}");
    assert!(html.contains("buyer_name-error"), "{html}");
    let unchanged = app
        .client(&app.finance)
        .order(&order.order_no, false)
        .await
        .expect("order");
    assert!(unchanged.invoice_request.is_none());
    // A good request is shown back to be checked first: nothing kept yet, and what was
    // typed rides along to the two buttons.
    let _other = shipped(&app, "李四", "1234567890123").await;
    let typed = [
        ("buyer_kind", "individual"),
        ("invoice_kind", "normal"),
        ("buyer_name", "张三"),
        ("email", "zhang@example.com"),
    ];
    let check = ca_counter::api::submit_phone_form(&app.http, &link, &typed)
        .await
        .expect("post");
    assert_eq!(check.status(), 200);
    let html = check.text().await.expect("html");
    assert!(
        html.contains("请核对开票信息")
            && html.contains("zhang@example.com")
            && html.contains("确认提交")
            && html.contains("返回修改"),
        "{html}"
    );
    let unchanged = app
        .client(&app.finance)
        .order(&order.order_no, false)
        .await
        .expect("order");
    assert!(
        unchanged.invoice_request.is_none(),
        "nothing kept before it is confirmed"
    );
    // "返回修改": the form again as typed.
    let mut edit = typed.to_vec();
    edit.push(("edit", "yes"));
    let back = ca_counter::api::submit_phone_form(&app.http, &link, &edit)
        .await
        .expect("post")
        .text()
        .await
        .expect("html");
    assert!(
        back.contains("id=\"invoice-form\"") && back.contains("zhang@example.com"),
        "{back}"
    );
    // Confirmed, it shows up for finance, first in the queue.
    let mut confirmed = typed.to_vec();
    confirmed.push(("confirm", "yes"));
    let good = ca_counter::api::submit_phone_form(&app.http, &link, &confirmed)
        .await
        .expect("post");
    assert_eq!(good.status(), 200);
    let html = good.text().await.expect("html");
    assert!(
        html.contains(&format!("href=\"/orders/{}\"", order.order_no)),
        "the way back to the order: {html}"
    );
    let queue = app
        .client(&app.finance)
        .invoicing_queue()
        .await
        .expect("queue");
    assert_eq!(queue.items.len(), 2);
    assert_eq!(queue.items[0].order.order_no, order.order_no);
    let view = queue.items[0].request.as_ref().expect("the request");
    assert_eq!(view.via, "phone");
    assert_eq!(view.request.email.as_str(), "zhang@example.com");
    assert!(queue.items[1].request.is_none());
    // Two tabs left open on the form while finance issues.
    let left_open = ca_counter::api::PhonePage::open(&app.http, &link)
        .await
        .expect("page");
    let also_open = ca_counter::api::PhonePage::open(&app.http, &link)
        .await
        .expect("page");
    // Before it is issued, the PDF's address leads back to the request's page.
    let early = app
        .http
        .get(format!("{link}/invoice.pdf"))
        .send()
        .await
        .expect("pdf");
    assert_eq!(early.url().as_str(), link.as_str());
    // Finance issues the saved request as it is.
    let current = app
        .client(&app.finance)
        .order(&order.order_no, false)
        .await
        .expect("order");
    let done = app
        .client(&app.finance)
        .issue_invoice(
            &order.order_no,
            &IssueInvoice {
                version: Some(current.version),
                request: None,
            },
        )
        .await
        .expect("issued");
    assert_eq!(done.status, OrderStatus::Completed);
    // The answer carries the order's version as its ETag, as every answer with the order
    // does (asked again — a retry whose answer was lost — it is the same invoice).
    let again = app
        .http
        .post(app.url(&format!("/api/v1/orders/{}/invoice", order.order_no)))
        .bearer_auth(&app.finance)
        .json(&serde_json::json!({"version": current.version}))
        .send()
        .await
        .expect("send");
    assert_eq!(again.status(), 200);
    assert_eq!(
        again.headers().get("etag").and_then(|v| v.to_str().ok()),
        Some(format!("\"{}\"", done.version).as_str())
    );
    // The link now says the invoice is out.
    let html = app.html(&link).await;
    assert!(
        html.contains(&done.invoice_no.clone().unwrap_or_default()),
        "{html}"
    );
    assert!(html.contains("发票抬头") && html.contains("张三"), "{html}");
    // The invoice itself from the link (without a sign-in: the demo mails nothing), its
    // name saying it is a demo.
    assert!(html.contains("/invoice.pdf\""), "{html}");
    let pdf = app
        .http
        .get(format!("{link}/invoice.pdf"))
        .send()
        .await
        .expect("pdf");
    assert_eq!(pdf.status(), 200);
    assert_eq!(
        pdf.headers()
            .get("content-type")
            .and_then(|v| v.to_str().ok()),
        Some("application/pdf")
    );
    assert!(
        pdf.headers()
            .get("content-disposition")
            .and_then(|v| v.to_str().ok())
            .is_some_and(|v| v.contains("-DEMO.pdf")),
        "{:?}",
        pdf.headers()
    );
    let bytes = pdf.bytes().await.expect("bytes");
    assert!(bytes.starts_with(b"%PDF"));
    // A change sent from the form left open meanwhile is not applied, and the page says so
    // (it once showed only "issued", the new name silently dropped).
    let late = left_open
        .submit(
            &app.http,
            &[
                ("buyer_kind", "individual"),
                ("invoice_kind", "normal"),
                ("buyer_name", "张三丰"),
                ("email", "zhang@example.com"),
            ],
        )
        .await
        .expect("post");
    let html = late.text().await.expect("html");
    assert!(html.contains("您刚提交的开票信息没有生效"), "{html}");
    let same = also_open
        .submit(
            &app.http,
            &[
                ("buyer_kind", "individual"),
                ("invoice_kind", "normal"),
                ("buyer_name", "张三"),
                ("email", "zhang@example.com"),
            ],
        )
        .await
        .expect("post");
    let html = same.text().await.expect("html");
    assert!(
        !html.contains("没有生效") && html.contains("发票已开具"),
        "{html}"
    );
    // A made-up link.
    let missing = app
        .http
        .get(app.url("/m/invoice/not-a-real-token"))
        .send()
        .await
        .expect("page");
    assert_eq!(missing.status(), 404);
    app.finish().await;

    // By default (the CA's flow: the customer issues it), the phone's request is issued
    // at once.
    let app = TestApp::spawn(db).await;
    let order = shipped(&app, "王五", "EA123456785CN").await;
    let link = invoice_link(&app, &order.order_no).await;
    let page = ca_counter::api::submit_phone_form(
        &app.http,
        &link,
        &[
            ("buyer_kind", "individual"),
            ("invoice_kind", "normal"),
            ("buyer_name", "王五"),
            ("email", "wang@example.com"),
            ("confirm", "yes"),
        ],
    )
    .await
    .expect("post");
    assert_eq!(page.status(), 200);
    let done = app
        .client(&app.finance)
        .order(&order.order_no, false)
        .await
        .expect("order");
    assert_eq!(done.status, OrderStatus::Completed);
    assert!(done.invoice.is_some());
    app.finish().await;
}

async fn staff_type_tracking_events_when_there_is_no_provider(db: Db) {
    let app = TestApp::spawn(db).await;
    let order = shipped(&app, "张三", "EA123456785CN").await;
    let mailroom = app.client(&app.mailroom);
    let empty = mailroom.tracking(&order.order_no).await.expect("tracking");
    assert_eq!(empty.provider, "manual");
    assert!(empty.events.is_empty());
    assert_eq!(empty.carrier_name, "EMS");
    for (state, context) in [
        ("collected", "长沙邮区中心已收件"),
        ("in_transit", "离开长沙"),
    ] {
        mailroom
            .add_tracking_step(
                &order.order_no,
                &NewTrackingStep {
                    state: state.into(),
                    context: context.into(),
                    at: None,
                },
            )
            .await
            .expect("step");
    }
    // A step typed by hand names the timeline it joined.
    let third = app
        .http
        .post(app.url(&format!("/api/v1/orders/{}/tracking", order.order_no)))
        .bearer_auth(&app.mailroom)
        .json(&serde_json::json!({"state": "in_transit", "context": "到达岳阳"}))
        .send()
        .await
        .expect("send");
    assert_eq!(third.status(), 201);
    let timeline = format!("/api/v1/orders/{}/tracking", order.order_no);
    assert_eq!(
        third
            .headers()
            .get("location")
            .and_then(|v| v.to_str().ok()),
        Some(timeline.as_str())
    );
    let tracking = mailroom.tracking(&order.order_no).await.expect("tracking");
    assert_eq!(tracking.events.len(), 3);
    assert_eq!(tracking.events[0].context, "到达岳阳", "newest first");
    assert_eq!(tracking.state.as_deref(), Some("in_transit"));
    // A state that does not exist, an empty text.
    let refused = problem(
        mailroom
            .add_tracking_step(
                &order.order_no,
                &NewTrackingStep {
                    state: "teleported".into(),
                    context: " ".into(),
                    at: None,
                },
            )
            .await,
    );
    assert_eq!(fields(&refused), ["state", "context"]);
    // A time before the parcel was shipped (or after now) cannot be one of its steps.
    for at in ["1970-01-01T00:00:00Z", "2999-01-01T00:00:00Z"] {
        let refused = problem(
            mailroom
                .add_tracking_step(
                    &order.order_no,
                    &NewTrackingStep {
                        state: "in_transit".into(),
                        context: "到达某地".into(),
                        at: Some(at.into()),
                    },
                )
                .await,
        );
        assert_eq!(fields(&refused), ["at"], "{at}");
    }
    // Support reads it; does not write it.
    let seen = app
        .client(&app.support)
        .tracking(&order.order_no)
        .await
        .expect("tracking");
    assert_eq!(seen.events.len(), 3);
    let refused = problem(
        app.client(&app.support)
            .add_tracking_step(
                &order.order_no,
                &NewTrackingStep {
                    state: "delivered".into(),
                    context: "x".into(),
                    at: None,
                },
            )
            .await,
    );
    assert_eq!(refused.status, 403);
    app.finish().await;
}

/// Rounds of each race below (a lock-order or compare-and-set defect loses most of them).
const MAILING_ROUNDS: usize = 6;

async fn issuing_and_declining_at_once_and_one_number_twice_get_one_outcome(db: Db) {
    let app = TestApp::spawn(db).await;
    for round in 0..MAILING_ROUNDS {
        let order = shipped(
            &app,
            &format!("客户{}", crate::common::han(round)),
            &format!("98{round:011}"),
        )
        .await;
        let issue = {
            let client = app.client(&app.finance);
            let (no, version) = (order.order_no.clone(), order.version);
            tokio::spawn(async move {
                client
                    .issue_invoice(
                        &no,
                        &IssueInvoice {
                            version: Some(version),
                            request: Some(request("individual", "normal", "张三", "")),
                        },
                    )
                    .await
            })
        };
        let decline = {
            let client = app.client(&app.admin);
            let (no, version) = (order.order_no.clone(), order.version);
            tokio::spawn(async move {
                client
                    .act(
                        &no,
                        Action::DeclineInvoice,
                        &ActionRequest {
                            version: Some(version),
                            reason: Some("客户不需要发票".into()),
                            ..Default::default()
                        },
                    )
                    .await
            })
        };
        let (issued, declined) = (issue.await.expect("task"), decline.await.expect("task"));
        assert!(
            issued.is_ok() != declined.is_ok(),
            "round {round}: exactly one goes through: {issued:?} / {declined:?}"
        );
        let after = app
            .client(&app.admin)
            .order(&order.order_no, false)
            .await
            .expect("order");
        assert_eq!(after.status, OrderStatus::Completed);
        assert_eq!(after.invoice.is_some(), issued.is_ok(), "round {round}");
        let loser = if issued.is_ok() {
            declined.err()
        } else {
            issued.err()
        };
        let loser = loser.and_then(|e| e.problem().cloned()).expect("a problem");
        assert_eq!(loser.status, 409, "{loser:?}");
    }
    // One number scanned onto two parcels at the same moment: one of them has it.
    for round in 0..MAILING_ROUNDS {
        let first = approved(&app, &format!("甲{}", crate::common::han(round))).await;
        let second = approved(&app, &format!("乙{}", crate::common::han(round))).await;
        let number = format!("97{round:011}");
        let ship_one = |order: Order| {
            let client = app.client(&app.mailroom);
            let number = number.clone();
            tokio::spawn(async move {
                client
                    .act(&order.order_no, Action::Ship, &ship(&order, "ems", &number))
                    .await
            })
        };
        let (a, b) = (ship_one(first), ship_one(second));
        let (a, b) = (a.await.expect("task"), b.await.expect("task"));
        assert!(a.is_ok() != b.is_ok(), "round {round}: {a:?} / {b:?}");
        let refused = a
            .err()
            .or(b.err())
            .and_then(|e| e.problem().cloned())
            .expect("problem");
        assert_eq!(refused.status, 422, "{refused:?}");
        assert_eq!(fields(&refused), ["tracking_no"]);
    }
    app.finish().await;
}

async fn an_address_corrected_after_its_label_is_marked_until_printed_again(db: Db) {
    let app = TestApp::spawn(db).await;
    let order = approved(&app, "钱小青").await;
    let other = approved(&app, "孙小白").await;
    let mailroom = app.client(&app.mailroom);
    let relabel = async || {
        mailroom
            .mailing_queue()
            .await
            .expect("queue")
            .items
            .into_iter()
            .filter(|i| i.relabel)
            .map(|i| i.order.order_no.to_string())
            .collect::<Vec<_>>()
    };
    // Corrected before any label: nothing to print again.
    let clerk = app.client(&app.clerk);
    let seen = clerk.order(&order.order_no, true).await.expect("order");
    let corrected = |street: &str, version: i64| ca_counter::api::OrderUpdate {
        version: Some(version),
        mailing: Some(ca_counter::api::MailingAddress {
            street: street.into(),
            ..seen.mailing.clone()
        }),
        ..Default::default()
    };
    let before = clerk
        .update_order(&order.order_no, &corrected("芙蓉中路 1 号", seen.version))
        .await
        .expect("corrected");
    assert!(relabel().await.is_empty());
    mailroom
        .mailing_labels(&[order.order_no.to_string(), other.order_no.to_string()])
        .await
        .expect("labels");
    assert!(relabel().await.is_empty());
    // Corrected after: the parcel's label is wrong until it is printed again.
    clerk
        .update_order(&order.order_no, &corrected("芙蓉中路 2 号", before.version))
        .await
        .expect("corrected again");
    assert_eq!(relabel().await, vec![order.order_no.to_string()]);
    // Not mailed with the wrong label, whatever screen or client asks.
    let now = mailroom.order(&order.order_no, false).await.expect("order");
    let refused = problem(
        mailroom
            .act(
                &order.order_no,
                Action::Ship,
                &ship(&now, "ems", "1234567890123"),
            )
            .await,
    );
    assert_eq!(refused.status, 409);
    assert_eq!(refused.code, "relabel_needed");
    let pdf = mailroom
        .mailing_labels(&[order.order_no.to_string()])
        .await
        .expect("labels again");
    let text = pdf_text(&pdf.bytes);
    assert!(text.contains("芙蓉中路 2 号"));
    // Told from the stale label it replaces.
    assert!(text.contains("改址重打"), "{text}");
    assert!(relabel().await.is_empty());
    let shipped = mailroom
        .act(
            &order.order_no,
            Action::Ship,
            &ship(&now, "ems", "1234567890123"),
        )
        .await
        .expect("mailed once its label is right");
    assert_eq!(shipped.status, OrderStatus::PendingInvoice);
    app.finish().await;
}

/// Support takes a call: "send it to the front desk". The mailroom's queue carries the
/// order's latest note with the parcel, where it is packed.
async fn a_callers_note_reaches_the_mailroom_with_the_parcel(db: Db) {
    let app = TestApp::spawn(db).await;
    let noted = approved(&app, "张三").await;
    let plain = approved(&app, "李四").await;
    let support = app.client(&app.support);
    support
        .add_note(&noted.order_no, "客户来电：请寄到公司前台")
        .await
        .expect("note");
    support
        .add_note(&noted.order_no, "客户再次来电：寄到公司前台，收件人不变")
        .await
        .expect("note");
    let queue = app
        .client(&app.mailroom)
        .mailing_queue()
        .await
        .expect("queue");
    let note_of = |no: &str| {
        queue
            .items
            .iter()
            .find(|i| i.order.order_no.as_str() == no)
            .and_then(|i| i.note.clone())
    };
    assert_eq!(
        note_of(noted.order_no.as_str()).as_deref(),
        Some("客户再次来电：寄到公司前台，收件人不变")
    );
    assert_eq!(note_of(plain.order_no.as_str()), plain.note);
    app.finish().await;
}

/// The courier brings a parcel back (address unknown): the mailroom says so with a reason,
/// and the order is to be mailed again — out of finance's list, its invoice link dead, its
/// address open to correction — then goes with a new number.
async fn a_parcel_the_courier_brings_back_is_mailed_again(db: Db) {
    let app = TestApp::spawn(db).await;
    let order = shipped(&app, "张三", "EA123456785CN").await;
    let link = invoice_link(&app, &order.order_no).await;
    let mailroom = app.client(&app.mailroom);
    assert!(
        order.allowed_actions.contains(&Action::ReturnParcel) || {
            let seen = mailroom.order(&order.order_no, false).await.expect("order");
            seen.allowed_actions.contains(&Action::ReturnParcel)
        }
    );
    // Not without a reason; not by finance.
    let bare = ActionRequest {
        version: Some(order.version),
        ..Default::default()
    };
    let refused = problem(
        mailroom
            .act(&order.order_no, Action::ReturnParcel, &bare)
            .await,
    );
    assert_eq!(fields(&refused), ["reason"]);
    let why = ActionRequest {
        version: Some(order.version),
        reason: Some("地址不详，无法投递".into()),
        ..Default::default()
    };
    let refused = problem(
        app.client(&app.finance)
            .act(&order.order_no, Action::ReturnParcel, &why)
            .await,
    );
    assert_eq!(refused.status, 403);
    // The reason is texted to the customer in the CA's name: no web address in it.
    let linked = ActionRequest {
        reason: Some("地址不详，请到 www.example.com 改址".into()),
        ..why.clone()
    };
    let refused = problem(
        mailroom
            .act(&order.order_no, Action::ReturnParcel, &linked)
            .await,
    );
    assert_eq!(fields(&refused), ["reason"]);
    let back = mailroom
        .act(&order.order_no, Action::ReturnParcel, &why)
        .await
        .expect("returned");
    assert_eq!(back.status, OrderStatus::PendingShipment);
    assert!(back.shipment.is_none(), "{:?}", back.shipment);
    let history = mailroom.history(&order.order_no).await.expect("history");
    let entry = history
        .iter()
        .find(|h| h.action == "return_parcel")
        .expect("a history row");
    assert_eq!(
        entry.reason.as_deref(),
        Some("地址不详，无法投递 (EMS EA123456785CN)")
    );
    // The customer is texted why, with the way to their order's page to check the address.
    let texts = app.client(&app.admin).sms_messages().await.expect("texts");
    let text = texts
        .iter()
        .find(|m| m.kind.as_deref() == Some("parcel_returned"))
        .unwrap_or_else(|| panic!("no text of the return: {texts:#?}"));
    assert_eq!(text.order_no.as_deref(), Some(order.order_no.as_str()));
    assert!(
        text.body.contains("被快递退回：地址不详，无法投递")
            && text
                .body
                .contains(&format!("/orders/{} 核对收件地址", order.order_no)),
        "{}",
        text.body
    );
    // Out of finance's list, in the mailroom's; the SMS's invoice link no longer works.
    let invoicing = app
        .client(&app.finance)
        .invoicing_queue()
        .await
        .expect("invoicing");
    assert!(
        !invoicing
            .items
            .iter()
            .any(|i| i.order.order_no == order.order_no)
    );
    // Marked in the mailroom's list with why, to check the address before mailing again.
    let queue = mailroom.mailing_queue().await.expect("queue");
    let item = queue
        .items
        .iter()
        .find(|i| i.order.order_no == order.order_no)
        .expect("in the mailroom's list");
    assert_eq!(
        item.returned.as_deref(),
        Some("地址不详，无法投递 (EMS EA123456785CN)")
    );
    // The customer's invoice link says the parcel came back (nothing to invoice until it
    // is mailed again), and works again once it is.
    let returned_page = app.html(&link).await;
    assert!(
        returned_page.contains("包裹被快递退回了"),
        "{returned_page}"
    );
    // The customer's own page says it came back, and why.
    let (_, mut browser) =
        crate::common::customer::signed_in_owner(&app, order.order_no.as_str()).await;
    let page = browser.get(&format!("/orders/{}", order.order_no)).await;
    assert!(
        page.html.contains("被快递退回")
            && page.html.contains("地址不详，无法投递")
            && page.html.contains("请先在下方修改"),
        "{}",
        page.html
    );
    // The returned parcel's number still finds the order, and is never put on a new label:
    // not this order's, not another's.
    let found = mailroom
        .orders(&ca_counter::api::OrderQuery {
            q: Some("EA123456785CN".into()),
            ..Default::default()
        })
        .await
        .expect("search");
    let found: Vec<&str> = found.items.iter().map(|o| o.order_no.as_str()).collect();
    assert_eq!(found, [order.order_no.as_str()]);
    let refused = problem(
        mailroom
            .act(
                &order.order_no,
                Action::Ship,
                &ship(&back, "ems", "EA123456785CN"),
            )
            .await,
    );
    assert_eq!(fields(&refused), ["tracking_no"]);
    assert!(
        refused.errors[0].message.contains("came back")
            && refused.errors[0].message.contains(order.order_no.as_str()),
        "{refused:?}"
    );
    let other = approved(&app, "李四").await;
    let refused = problem(
        mailroom
            .act(
                &other.order_no,
                Action::Ship,
                &ship(&other, "ems", "EA123456785CN"),
            )
            .await,
    );
    assert_eq!(fields(&refused), ["tracking_no"]);
    // The address can be corrected again; then mailed with a new number.
    let seen = app
        .client(&app.clerk)
        .order(&order.order_no, false)
        .await
        .expect("order");
    assert!(!seen.editable.is_empty(), "{:?}", seen.editable);
    let full = app
        .client(&app.clerk)
        .order(&order.order_no, true)
        .await
        .expect("order");
    let back = app
        .client(&app.clerk)
        .update_order(
            &order.order_no,
            &ca_counter::api::OrderUpdate {
                version: Some(full.version),
                mailing: Some(ca_counter::api::MailingAddress {
                    street: "人民路14号".into(),
                    ..full.mailing.clone()
                }),
                reason: Some("客户来电".into()),
                ..Default::default()
            },
        )
        .await
        .expect("corrected");
    // The customer's page no longer asks them to check it.
    let page = browser.get(&format!("/orders/{}", order.order_no)).await;
    assert!(
        page.html.contains("收件信息已改正") && !page.html.contains("请先在下方修改"),
        "{}",
        page.html
    );
    let again = mailroom
        .act(
            &order.order_no,
            Action::Ship,
            &ship(&back, "ems", "1234567890123"),
        )
        .await
        .expect("mailed again");
    assert_eq!(again.status, OrderStatus::PendingInvoice);
    assert_eq!(
        again.shipment.as_ref().map(|s| s.tracking_no.as_str()),
        Some("1234567890123")
    );
    let form = app.html(&link).await;
    assert!(
        form.contains("buyer_name"),
        "the request form again: {form}"
    );
    app.finish().await;
}

/// The customer invoiced on their phone before the parcel reached them, and the courier
/// brought it back: the mailroom records it all the same (the order is mailed again), the
/// invoice stands — nothing issued or mailed again — and once mailed the order is 已完成
/// again by itself. An order whose invoice was declined stays declined.
async fn a_parcel_back_after_its_invoice_is_mailed_again_under_that_invoice(db: Db) {
    let app = TestApp::spawn(db).await;
    let order = shipped(&app, "张三", "EA123456785CN").await;
    let finance = app.client(&app.finance);
    let done = finance
        .issue_invoice(
            &order.order_no,
            &IssueInvoice {
                version: Some(order.version),
                request: Some(request("individual", "normal", "张三", "")),
            },
        )
        .await
        .expect("issued");
    let invoice_no = done.invoice_no.clone().expect("invoiced");
    let mailroom = app.client(&app.mailroom);
    let seen = mailroom.order(&order.order_no, false).await.expect("order");
    assert!(seen.allowed_actions.contains(&Action::ReturnParcel));
    let back = mailroom
        .act(
            &order.order_no,
            Action::ReturnParcel,
            &ActionRequest {
                version: Some(seen.version),
                reason: Some("收件人拒收".into()),
                ..Default::default()
            },
        )
        .await
        .expect("returned");
    assert_eq!(back.status, OrderStatus::PendingShipment);
    assert!(back.shipment.is_none());
    assert_eq!(back.invoice_no.as_deref(), Some(invoice_no.as_str()));
    // Its invoice is reversed once it is mailed again: said so to finance.
    let refused = problem(
        finance
            .act(
                &order.order_no,
                Action::ReverseInvoice,
                &ActionRequest {
                    version: Some(back.version),
                    reason: Some("抬头错误".into()),
                    ..Default::default()
                },
            )
            .await,
    );
    assert_eq!(refused.code, "invalid_transition", "{refused:?}");
    assert!(refused.detail.contains("once it is mailed"), "{refused:?}");
    let queue = mailroom.mailing_queue().await.expect("queue");
    assert!(
        queue
            .items
            .iter()
            .any(|i| i.order.order_no == order.order_no && i.returned.is_some())
    );
    let link = invoice_link(&app, &order.order_no).await;
    // While the parcel is back, the link still shows the invoice issued (it said "ask for
    // an invoice once it is mailed again", with no way to the one issued).
    let page = app.html(&link).await;
    assert!(
        page.contains(&invoice_no) && page.contains("/invoice.pdf"),
        "{page}"
    );
    let again = mailroom
        .act(
            &order.order_no,
            Action::Ship,
            &ship(&back, "ems", "EA314159268CN"),
        )
        .await
        .expect("mailed again");
    assert_eq!(again.status, OrderStatus::Completed);
    assert_eq!(again.invoice_no.as_deref(), Some(invoice_no.as_str()));
    // The text for the second parcel says the invoice is issued, not to ask for one.
    let sms = app.client(&app.admin).sms_messages().await.expect("sms");
    let texts: Vec<&str> = sms
        .iter()
        .filter(|m| m.order_no.as_deref() == Some(order.order_no.as_str()))
        .map(|m| m.body.as_str())
        .collect();
    assert!(
        texts.iter().any(|t| t.contains("EA314159268CN")
            && t.contains("发票已开具")
            && !t.contains("填写开票信息")),
        "{texts:?}"
    );
    // The link the customer had still gives them their invoice.
    let page = app.html(&link).await;
    assert!(page.contains(&invoice_no), "{page}");
    assert_eq!(
        again.shipment.as_ref().map(|s| s.tracking_no.as_str()),
        Some("EA314159268CN")
    );
    let history = mailroom.history(&order.order_no).await.expect("history");
    let last = history.last().expect("history");
    assert_eq!(last.action, "issue_invoice");
    assert!(
        last.reason
            .as_deref()
            .is_some_and(|r| r.contains(&invoice_no) && r.contains("沿用")),
        "{last:?}"
    );
    let mail = app.client(&app.admin).mail_messages().await.expect("mail");
    assert_eq!(mail.len(), 1, "the invoice mailed once: {mail:?}");
    assert!(
        finance
            .invoicing_queue()
            .await
            .expect("queue")
            .items
            .iter()
            .all(|i| i.order.order_no != order.order_no)
    );

    // Declined, brought back, mailed again: declined still.
    let other = shipped(&app, "李四", "EA123456799CN").await;
    let declined = app
        .act(
            &app.finance,
            &other,
            Action::DeclineInvoice,
            ActionRequest::default(),
        )
        .await;
    let back = app
        .act(
            &app.mailroom,
            &declined,
            Action::ReturnParcel,
            ActionRequest {
                reason: Some("地址不详".into()),
                ..Default::default()
            },
        )
        .await;
    let again = mailroom
        .act(
            &other.order_no,
            Action::Ship,
            &ship(&back, "ems", "EA271828189CN"),
        )
        .await
        .expect("mailed again");
    assert_eq!(again.status, OrderStatus::Completed);
    assert!(again.invoice_no.is_none());
    let history = mailroom.history(&other.order_no).await.expect("history");
    assert_eq!(
        history.last().map(|h| h.action.as_str()),
        Some("decline_invoice")
    );
    app.finish().await;
}

/// The shipping text's invoice link opens without signing in: once the customer signs out
/// everywhere (a phone lost), it no longer does — neither the form nor the invoice — and
/// their order page links the new one.
async fn signed_out_everywhere_the_texts_invoice_link_opens_nothing(db: Db) {
    use crate::common::customer::signed_in_owner;
    let app = TestApp::spawn(db).await;
    let order = shipped(&app, "张三", "EA123456785CN").await;
    let link = invoice_link(&app, &order.order_no).await;
    let open = app.http.get(&link).send().await.expect("page");
    assert_eq!(open.status(), 200);
    let (_, mut browser) = signed_in_owner(&app, order.order_no.as_str()).await;
    browser.get("/account").await;
    let out = browser
        .post("/account/sessions/end", &[("session", "all")])
        .await;
    assert_eq!(out.status, 303, "{}", out.html);
    for address in [link.clone(), format!("{link}/invoice.pdf")] {
        let page = app.http.get(&address).send().await.expect("page");
        let status = page.status();
        let html = page.text().await.unwrap_or_default();
        assert!(
            status == 404 || status == 410 || !html.contains("zhangsan@example.com"),
            "{address}: {status} {html}"
        );
        assert!(!html.contains(order.order_no.as_str()), "{address}: {html}");
    }
    let phone = crate::common::customer::owner_phone(&app, order.order_no.as_str()).await;
    crate::common::customer::a_code_may_go_again(&app, &phone).await;
    let mut browser = crate::common::customer::Browser::new(&app);
    crate::common::customer::sign_in(&mut browser, &phone).await;
    let page = browser.get(&format!("/orders/{}", order.order_no)).await;
    let old = link.rsplit('/').next().expect("token").to_owned();
    assert!(
        page.html.contains("href=\"/m/invoice/") && !page.html.contains(&old),
        "{}",
        page.html
    );
    app.finish().await;
}
