//! Every built-in stand-in says it is one: the platform names them to clients, every phone
//! page carries a banner, and the phone's invoice page never says 已发送至 for a mail that
//! only went into the demo outbox.

use ca_counter::api::{ActionRequest, DemoPart, IssueInvoice, Order};
use ca_counter::domain::{Action, InvoiceRequestInput};
use ca_counter::i18n::Lang;

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
            // The demo catalog an empty database started with.
            DemoPart::Catalog,
        ]
    );
    let customer = app.customer("张三").await;
    let session = app
        .client(&app.clerk)
        .create_realname_session(&customer.id)
        .await
        .expect("session");
    let html = app.html(session.url.as_deref().expect("url")).await;
    assert!(
        html.contains("class=\"demo\"")
            && html.contains("演示环境")
            && html.contains("实名核验（内置：仅校验证件号与姓名）")
            && html.contains("支付（沙箱收银台）")
            && html.contains("项目与价格（演示目录"),
        "{html}"
    );
    // In the customer's words: what they must not do, not the operator's instructions.
    assert!(
        html.contains("收款账户（示例账户，请勿转账）")
            && !html.contains("请导入本机构的目录")
            && !html.contains("示例配置"),
        "{html}"
    );

    // An invoice e-mailed to the outbox: the phone says it was kept, not sent.
    let order = shipped(&app, "李四").await;
    let token: String = sqlx::query_scalar("SELECT invoice_token FROM orders WHERE order_no = $1")
        .bind(order.order_no.as_str())
        .fetch_one(app.store().pool())
        .await
        .expect("invoice token");
    // Before it is asked for, not only once issued: the invoice will be a demo.
    let form = app.html(&app.url(&format!("/m/invoice/{token}"))).await;
    assert!(form.contains("这里开出的是演示发票"), "{form}");
    // The sign-in page says no text is sent before the number is given.
    let login = app.html(&app.url("/login")).await;
    assert!(
        login.contains("不发送真实短信，验证码会显示在下一页"),
        "{login}"
    );
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
    let page = app.html(&app.url(&format!("/m/invoice/{token}"))).await;
    assert!(page.contains("邮件仅存于平台发件箱"), "{page}");
    assert!(!page.contains("已发送至"), "{page}");
    app.finish().await;
}

/// The CA's own catalog imported with `--replace`: the demo catalog's example projects and
/// prices are withdrawn from sale (orders naming them keep them), and a platform started
/// on it no longer names the catalog a demo part. Without `--replace` they stay on sale,
/// and it still does.
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_catalog_imported_with_replace_withdraws_the_demo_one() {
    let app = TestApp::spawn(Db::Sqlite).await;
    let own: ca_counter::server::catalog::Catalog = toml::from_str(
        r#"
        [[project]]
        code = "xiangtan-own"
        name = "湘潭市公共资源交易系统（本机构）"
        region = "湘潭市"
        [[project.product]]
        code = "xiangtan-own-person-1y"
        name = "个人证书（1年）"
        user_type = "individual"
        validity_years = 1
        price = "260.00"
        "#,
    )
    .expect("catalog");
    let url = app.db.as_ref().expect("db").url.clone();
    let store = app.store();
    store
        .import_catalog(&own, false)
        .await
        .expect("db")
        .expect("added");
    assert!(store.demo_products_on_sale().await.expect("count") > 0);
    let added = crate::common::second_instance(&url).await;
    let health = ca_counter::api::Client::new(&added.base_url(), &app.clerk, Lang::En)
        .expect("client")
        .health()
        .await
        .expect("health");
    assert!(health.demo_parts.contains(&DemoPart::Catalog));
    added.shutdown().await.expect("stop");

    store
        .import_catalog(&own, true)
        .await
        .expect("db")
        .expect("replaced");
    assert_eq!(store.demo_products_on_sale().await.expect("count"), 0);
    let replaced = crate::common::second_instance(&url).await;
    let client =
        ca_counter::api::Client::new(&replaced.base_url(), &app.clerk, Lang::En).expect("client");
    let health = client.health().await.expect("health");
    assert!(
        !health.demo_parts.contains(&DemoPart::Catalog),
        "{:?}",
        health.demo_parts
    );
    // Only the CA's own project is offered.
    let projects = client.projects("").await.expect("projects");
    assert_eq!(projects.len(), 1, "{projects:?}");
    replaced.shutdown().await.expect("stop");
    app.finish().await;
}

/// Without a tracking service nobody asks the carrier: the customer's order page says so
/// and where to ask, rather than "no news from the carrier", as if someone had.
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_parcel_no_one_tracks_says_so_on_the_customers_page() {
    use crate::common::customer::{Browser, owner_phone, sign_in};
    let app = TestApp::spawn(Db::Sqlite).await;
    let order = shipped(&app, "张三").await;
    let no = order.order_no.to_string();
    let mut browser = Browser::new(&app);
    sign_in(&mut browser, &owner_phone(&app, &no).await).await;
    let page = browser.get(&format!("/orders/{no}")).await;
    assert!(
        page.html.contains("EA123456785CN") && page.html.contains("本平台不自动查询快递公司"),
        "{}",
        page.html
    );
    assert!(!page.html.contains("快递公司暂无新的进度"), "{}", page.html);
    // The recipient, the address and the postal code each on a line of their own.
    assert!(page.html.contains("邮政编码 "), "{}", page.html);
    // A step typed in by the mailroom: shown, and said to be typed in by staff.
    app.client(&app.mailroom)
        .add_tracking_step(
            &no,
            &ca_counter::api::NewTrackingStep {
                state: "collected".into(),
                context: "长沙邮区中心已收件".into(),
                at: None,
            },
        )
        .await
        .expect("step");
    let page = browser.get(&format!("/orders/{no}")).await;
    assert!(
        page.html.contains("长沙邮区中心已收件") && page.html.contains("由工作人员录入"),
        "{}",
        page.html
    );
    // The state the step puts the parcel in, in a word, for the parcel and for the step.
    assert!(
        page.html.contains("· <strong>揽收</strong>")
            && page
                .html
                .contains("<strong>揽收</strong> 长沙邮区中心已收件"),
        "{}",
        page.html
    );
    // The hotline under every page is a number the phone dials with a tap; the CA's QQ and
    // its office line beside it, as its own guide gives them.
    assert!(
        page.html.contains("客服QQ 4006682666")
            && page.html.contains(
                "<span class=\"contact\">电话 <a href=\"tel:073185172903\">0731-85172903</a></span>"
            ),
        "{}",
        page.html
    );
    assert!(
        page.html
            .contains("<a href=\"tel:4006682666\">400-668-2666</a>"),
        "{}",
        page.html
    );
    app.finish().await;
}
