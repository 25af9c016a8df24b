//! The phone pages are safe pages: every answer carries the headers that keep a customer's
//! data out of caches, referrers and other sites' frames, with a policy that allows no
//! script; a page on another site cannot make the customer's browser post our forms; a
//! dead link says what to do next.

use std::time::Duration;

use ca_counter::domain::OrderStatus;

use crate::common::{Db, TestApp};
use crate::driver::{Driver, Session};

/// Asserts the headers every phone page must carry.
fn assert_safe(response: &reqwest::Response, what: &str) {
    let header = |name: &str| {
        response
            .headers()
            .get(name)
            .and_then(|v| v.to_str().ok())
            .unwrap_or_default()
            .to_owned()
    };
    let csp = header("content-security-policy");
    for directive in [
        "default-src 'none'",
        "frame-ancestors 'none'",
        "form-action 'self'",
        "base-uri 'none'",
    ] {
        assert!(
            csp.contains(directive),
            "{what}: {directive} missing from {csp:?}"
        );
    }
    assert!(
        !csp.contains("script-src"),
        "{what}: no script is allowed: {csp}"
    );
    assert!(!csp.contains("unsafe-inline"), "{what}: {csp}");
    assert_eq!(header("cache-control"), "no-store", "{what}");
    assert_eq!(header("referrer-policy"), "no-referrer", "{what}");
    assert_eq!(header("x-content-type-options"), "nosniff", "{what}");
    assert_eq!(header("x-frame-options"), "DENY", "{what}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn every_phone_page_sends_its_security_headers_and_dead_links_say_what_to_do() {
    let app = TestApp::spawn(Db::Sqlite).await;
    let customer = app.customer("张三").await;
    let clerk = app.client(&app.clerk);
    let realname = clerk
        .create_realname_session(&customer.id)
        .await
        .expect("session")
        .url
        .expect("url");
    let order = app.submit("李四").await;
    let payment = clerk
        .create_payment(&order.order_no, "sandbox")
        .await
        .expect("payment");
    let pages = [
        ("real-name page", realname.clone()),
        ("cashier", payment.pay_url.clone()),
        ("unknown pay link", app.url("/m/pay/no-such-token")),
        ("unknown invoice link", app.url("/m/invoice/no-such-token")),
        (
            "unknown real-name link",
            app.url("/m/realname/no-such-token"),
        ),
    ];
    for (what, url) in pages {
        let response = app.http.get(&url).send().await.expect("get");
        assert_safe(&response, what);
        let status = response.status();
        let body = response.text().await.expect("body");
        assert!(body.contains("<main"), "{what}: the content is in a <main>");
        assert!(
            !body.contains("<script") && !body.contains("style="),
            "{what}"
        );
        if status == 404 {
            assert!(
                body.contains("重新出示二维码") && body.contains("400-668-2666"),
                "{what}: a dead link says what to do next: {body}"
            );
        }
    }
    // A wrong try on the real-name page keeps what was typed, with the same headers.
    let page = ca_counter::api::PhonePage::open(&app.http, &realname)
        .await
        .expect("open");
    let response = page
        .submit(
            &app.http,
            &[
                ("name", "张三"),
                ("id_number", "110105194912310021"),
                ("consent", "yes"),
            ],
        )
        .await
        .expect("post");
    assert_safe(&response, "real-name page after a wrong try");
    let body = response.text().await.expect("body");
    assert!(
        body.contains("110105194912310021"),
        "the ID number typed is kept: {body}"
    );
    assert!(body.contains("checked"), "consent stays ticked");
    // A post without its page's token (another site, or a stale tab) changes nothing.
    let forged = app
        .http
        .post(&realname)
        .form(&[
            ("name", "张三"),
            ("id_number", "11010519491231002X"),
            ("consent", "yes"),
        ])
        .send()
        .await
        .expect("post");
    assert_eq!(forged.status(), 403);
    let css = app
        .http
        .get(app.url("/m/style.css"))
        .send()
        .await
        .expect("css");
    assert_eq!(
        css.headers()
            .get("content-type")
            .and_then(|v| v.to_str().ok()),
        Some("text/css; charset=utf-8")
    );
    app.finish().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_form_posted_from_another_site_is_refused_and_changes_nothing() {
    let app = TestApp::spawn(Db::Sqlite).await;
    let order = app.submit("张三").await;
    let payment = app
        .client(&app.clerk)
        .create_payment(&order.order_no, "sandbox")
        .await
        .expect("payment");
    // Another site: one page whose script posts the cashier's form as soon as it loads.
    let attack = format!(
        "<!doctype html><html><body><form id=\"f\" method=\"post\" action=\"{}\"></form>\
         <script>document.getElementById('f').submit()</script></body></html>",
        payment.pay_url
    );
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind");
    let evil = format!("http://{}", listener.local_addr().expect("addr"));
    let site = axum::Router::new().route(
        "/",
        axum::routing::get(move || {
            let attack = attack.clone();
            async move { axum::response::Html(attack) }
        }),
    );
    let server = tokio::spawn(async move { axum::serve(listener, site).await });

    let driver = Driver::start().await;
    let phone = Session::phone(&driver).await;
    phone.open(&format!("{evil}/")).await;
    phone.wait_heading("此表单只能在本页提交").await;
    crate::keep("foreign_form_refused.png", &phone.screenshot().await);
    tokio::time::sleep(Duration::from_millis(300)).await;
    let now = app
        .client(&app.clerk)
        .order(&order.order_no, false)
        .await
        .expect("order");
    assert_eq!(now.status, OrderStatus::PendingPayment, "nothing was paid");
    // From its own page the same form works.
    phone.open(&payment.pay_url).await;
    phone.click("button").await;
    phone.wait_heading("支付成功").await;
    phone.close().await;
    server.abort();
    app.finish().await;
}
