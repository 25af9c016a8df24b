//! Mailing and invoicing end to end, in the real binary: the mailroom ticks three approved
//! orders and ships them by "scanning" tracking numbers (the number and Enter, the next
//! one typed before the first is through, one typed twice); the customer of one asks for
//! an invoice on the phone page; finance issues that one and one more at the counter and
//! declines the third. All three end 已完成 with their history.

use std::time::Duration;

use crate::common::{Db, TestApp};
use crate::pty::Tui;
use ca_counter::api::{ActionRequest, Order};
use ca_counter::domain::{Action, OrderStatus};

const WAIT: Duration = Duration::from_secs(15);

async fn approved(app: &TestApp, name: &str) -> Order {
    let order = app.submit(name).await;
    let order = app.pay(&order).await;
    app.act(
        &app.reviewer,
        &order,
        Action::Approve,
        ActionRequest::default(),
    )
    .await
}

/// The invoice link from the order's shipping SMS.
async fn invoice_link(app: &TestApp, order_no: &str) -> String {
    let sms = app.client(&app.admin).sms_messages().await.expect("sms");
    let text = sms
        .iter()
        .find(|m| m.order_no.as_deref() == Some(order_no) && m.body.contains("/m/invoice/"))
        .expect("the shipping sms")
        .body
        .clone();
    let start = text.find("http").expect("a link");
    text[start..]
        .split(char::is_whitespace)
        .next()
        .expect("link")
        .to_owned()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_day_of_mailing_and_invoicing_ends_with_every_order_completed() {
    // A platform whose finance issues what customers ask for on the phone.
    let config = ca_counter::config::PlatformConfig {
        invoice: ca_counter::config::InvoiceConfig {
            auto_issue: false,
            ..Default::default()
        },
        ..Default::default()
    };
    let app = TestApp::spawn_with(Db::Sqlite, config).await;
    let a = approved(&app, "张三").await;
    let b = approved(&app, "李四").await;
    let c = approved(&app, "王五").await;
    let dir = tempfile::tempdir().expect("temp dir");
    let mail_dir = dir.path().join("mailroom");
    let finance_dir = dir.path().join("finance");
    std::fs::create_dir_all(&mail_dir).expect("dir");
    std::fs::create_dir_all(&finance_dir).expect("dir");

    // The mailroom ticks all three (Space ticks and moves on) and starts scanning.
    let mut mailroom = Tui::connect(&app.base, &app.mailroom, &mail_dir, "zh-CN", 80, 24);
    mailroom.wait_text("● 在线", WAIT);
    mailroom.send("4");
    mailroom.wait_text("待邮寄 3 单", WAIT);
    mailroom.wait_text(&c.order_no, WAIT);
    mailroom.send("   ");
    mailroom.wait_text("已勾选 3", WAIT);
    mailroom.send("\r");
    mailroom.wait_text("扫描单号（第 1/3 单）", WAIT);

    // A scanner: the first number and Enter, and the second before the first is through.
    mailroom.send("EA123456785CN\r1234567890123\r");
    mailroom.wait_text("扫描单号（第 3/3 单）", WAIT);
    mailroom.wait_text(
        &format!("✓ {} 已由 EMS 寄出，单号 1234567890123", b.order_no),
        WAIT,
    );
    // Texts only logged: the mailroom is told the customer hears nothing of the parcel.
    mailroom.wait_for("the demo SMS said", WAIT, |s| {
        s.split_whitespace()
            .collect::<String>()
            .contains("短信为演示")
    });
    // The first number again, for the third parcel: refused at once, nothing sent.
    mailroom.send("EA123456785CN\r");
    mailroom.wait_text(&format!("已用于订单 {}", a.order_no), WAIT);
    mailroom.send("LX314159268CN\r");
    mailroom.wait_text("本批已寄出 3 单", WAIT);
    mailroom.wait_text("没有待邮寄的订单", WAIT);
    for (order, number) in [
        (&a, "EA123456785CN"),
        (&b, "1234567890123"),
        (&c, "LX314159268CN"),
    ] {
        let now = app
            .client(&app.admin)
            .order(&order.order_no, false)
            .await
            .expect("order");
        assert_eq!(now.status, OrderStatus::PendingInvoice);
        let shipment = now.shipment.expect("shipped");
        assert_eq!(
            (shipment.carrier.as_str(), shipment.tracking_no.as_str()),
            ("ems", number)
        );
    }
    mailroom.send("q");
    assert!(mailroom.wait_exit(WAIT));

    // The third customer asks for an invoice on the phone.
    let link = invoice_link(&app, &c.order_no).await;
    let asked = ca_counter::api::submit_phone_form(
        &app.http,
        &link,
        &[
            ("buyer_kind", "individual"),
            ("invoice_kind", "normal"),
            ("buyer_name", "王五"),
            ("email", "wangwu@example.com"),
            ("confirm", "yes"),
        ],
    )
    .await
    .expect("post");
    assert_eq!(asked.status(), 200);

    // Finance: the phone request first; issued as asked.
    let mut finance = Tui::connect(&app.base, &app.finance, &finance_dir, "zh-CN", 80, 24);
    finance.wait_text("● 在线", WAIT);
    finance.send("5");
    finance.wait_text("待开票 3 单，其中客户已申请 1 单", WAIT);
    finance.wait_text("手机申请", WAIT);
    finance.send("\r");
    finance.wait_text("已按客户申请（手机申请）填好", WAIT);
    assert!(finance.screen().contains("wangwu@example.com"));
    finance.send("\x13"); // Ctrl-S
    finance.wait_text("按 y 确定开具", WAIT);
    // A tax record only a red-letter invoice undoes: a second Enter (or Ctrl-S) does not
    // issue it.
    finance.send("\r");
    finance.send("\x13");
    std::thread::sleep(Duration::from_millis(600));
    assert!(
        finance.screen().contains("按 y 确定开具"),
        "{}",
        finance.screen()
    );
    assert!(
        !finance.screen().contains("发票已开具"),
        "{}",
        finance.screen()
    );
    finance.send("y");
    finance.wait_text(&format!("✓ {} 发票已开具", c.order_no), WAIT);
    // The built-in numbering is no tax authority's: the notice says so (however wrapped).
    let joined: String = finance.screen().split_whitespace().collect();
    assert!(
        joined.contains("（演示，非税务发票）"),
        "{}",
        finance.screen()
    );
    finance.wait_text("待开票 2 单", WAIT);

    // The first order at the counter, from what the order says.
    finance.send("\r");
    finance.wait_text(&format!("开票 {}", a.order_no), WAIT);
    finance.wait_text("zhangsan@example.com", WAIT);
    finance.send("\x13");
    finance.wait_text("按 y 确定开具", WAIT);
    finance.send("y");
    finance.wait_text(&format!("✓ {} 发票已开具", a.order_no), WAIT);
    finance.wait_text("待开票 1 单", WAIT);

    // The second customer wants none.
    finance.send("d");
    finance.wait_text(&format!("客户不要发票 · {}", b.order_no), WAIT);
    finance.send("\r");
    finance.wait_text("按 y 确定", WAIT);
    finance.send("y");
    finance.wait_text(&format!("✓ {} 已完成（客户不要发票）", b.order_no), WAIT);
    finance.wait_text("没有待开票的订单", WAIT);
    finance.send("q");
    assert!(finance.wait_exit(WAIT));

    let admin = app.client(&app.admin);
    for (order, invoiced) in [(&a, true), (&b, false), (&c, true)] {
        let done = admin.order(&order.order_no, false).await.expect("order");
        assert_eq!(done.status, OrderStatus::Completed, "{}", order.order_no);
        assert_eq!(done.invoice.is_some(), invoiced, "{}", order.order_no);
        let history = admin.history(&order.order_no).await.expect("history");
        let actions: Vec<&str> = history.iter().map(|h| h.action.as_str()).collect();
        assert!(actions.contains(&"ship"), "{actions:?}");
        let last = if invoiced {
            "issue_invoice"
        } else {
            "decline_invoice"
        };
        assert_eq!(actions.last(), Some(&last), "{actions:?}");
    }
    let c_done = admin.order(&c.order_no, false).await.expect("order");
    assert_eq!(
        c_done.invoice_request.map(|r| r.via).as_deref(),
        Some("phone")
    );
    let mail = admin.mail_messages().await.expect("mail");
    assert_eq!(mail.len(), 2, "two invoices e-mailed");
    app.finish().await;
}
