//! Every built-in stand-in says it is one: the platform names them to clients, every phone
//! page carries a banner, and the phone's invoice page never says 已发送至 for a mail that
//! only went into the demo outbox.

use ca_counter::api::{ActionRequest, DemoPart, IssueInvoice, Order};
use ca_counter::domain::{Action, InvoiceRequestInput};

use crate::common::{Db, TestApp};

async fn shipped(app: &TestApp, name: &str) -> Order {
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
            tracking_no: Some("EA123456785CN".into()),
            ..Default::default()
        },
    )
    .await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn the_default_platform_names_its_demo_parts_to_clients_and_on_phone_pages() {
    let app = TestApp::spawn(Db::Sqlite).await;
    let health = app.client(&app.clerk).health().await.expect("health");
    assert_eq!(
        health.demo_parts,
        [
            DemoPart::Identity,
            DemoPart::Cashier,
            DemoPart::Invoices,
            DemoPart::Sms,
            DemoPart::Mail,
            DemoPart::Seller,
            DemoPart::Bank,
        ]
    );
    let customer = app.customer("张三").await;
    let session = app
        .client(&app.clerk)
        .create_realname_session(&customer.id)
        .await
        .expect("session");
    let html = app
        .http
        .get(session.url.as_deref().expect("url"))
        .send()
        .await
        .expect("page")
        .text()
        .await
        .expect("html");
    assert!(
        html.contains("class=\"demo\"")
            && html.contains("演示环境")
            && html.contains("实名核验（内置：仅校验证件号与姓名）")
            && html.contains("支付（沙箱收银台）"),
        "{html}"
    );

    // An invoice e-mailed to the outbox: the phone says it was kept, not sent.
    let order = shipped(&app, "李四").await;
    let token: String = sqlx::query_scalar("SELECT invoice_token FROM orders WHERE order_no = $1")
        .bind(order.order_no.as_str())
        .fetch_one(app.store().pool())
        .await
        .expect("invoice token");
    let finance = app.client(&app.finance);
    let current = finance.order(&order.order_no, false).await.expect("order");
    finance
        .issue_invoice(
            &order.order_no,
            &IssueInvoice {
                version: Some(current.version),
                request: Some(InvoiceRequestInput {
                    buyer_kind: Some("individual".into()),
                    invoice_kind: Some("normal".into()),
                    buyer_name: "李四".into(),
                    email: "li@example.com".into(),
                    ..Default::default()
                }),
            },
        )
        .await
        .expect("issued");
    let page = app
        .http
        .get(app.url(&format!("/m/invoice/{token}")))
        .send()
        .await
        .expect("page")
        .text()
        .await
        .expect("html");
    assert!(page.contains("邮件仅存于平台发件箱"), "{page}");
    assert!(!page.contains("已发送至"), "{page}");
    app.finish().await;
}
