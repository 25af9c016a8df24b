//! Real-name verification by Alipay's face check, against the local stand-in gateway: the
//! stand-in checks every request's signature (initialize, query, and the certify URL the
//! phone opens) and the platform checks every answer's; a tampered answer is refused.

use std::time::Duration;

use ca_counter::api::{RealnameSession, RealnameStatus};
use ca_counter::config::{AlipayConfig, IdentityProvider, PlatformConfig};

use crate::common::alipay::{APP_ID, Gateway, key_file};
use crate::common::{Db, TestApp};
use crate::on_both_databases;

on_both_databases!(
    a_customer_passes_the_face_check_and_the_facts_reach_the_order,
    a_failed_face_check_is_a_try_with_its_reason,
    an_abandoned_face_check_ends_with_its_reason_when_the_code_runs_out,
    a_tampered_answer_is_refused,
    a_form_sent_again_during_a_face_check_begins_no_second_one,
);

async fn spawn(db: Db) -> (TestApp, Gateway) {
    let gateway = Gateway::start().await;
    let mut config = PlatformConfig {
        identity_provider: IdentityProvider::Alipay,
        alipay: Some(AlipayConfig {
            gateway: gateway.url.clone(),
            app_id: APP_ID.into(),
            private_key_file: key_file("merchant_private.pem"),
            alipay_public_key_file: key_file("gateway_public.pem"),
            seller_id: None,
            notify_url: None,
        }),
        ..PlatformConfig::default()
    };
    config.identity.check_ms = 100;
    (TestApp::spawn_with(db, config).await, gateway)
}

/// The phone types name and number; returns the page it gets.
async fn type_on_phone(app: &TestApp, url: &str) -> String {
    let form = [
        ("name", "张三"),
        ("id_number", "11010519491231002X"),
        ("consent", "yes"),
    ];
    ca_counter::api::submit_phone_form(&app.http, url, &form)
        .await
        .expect("post")
        .text()
        .await
        .expect("page")
}

/// The link of the page that sends the phone on to Alipay, by its id.
fn link(html: &str, id: &str) -> String {
    let start = html
        .find(&format!("id=\"{id}\" href=\""))
        .unwrap_or_else(|| panic!("no #{id} in {html}"))
        + id.len()
        + 12;
    let end = html[start..].find('"').expect("end of href") + start;
    html[start..end].replace("&amp;", "&")
}

async fn session(app: &TestApp, id: &str) -> RealnameSession {
    app.client(&app.clerk)
        .realname_session(id)
        .await
        .expect("session")
}

/// Opens a session for a new customer 张三 and sends the phone on to Alipay; returns the
/// session, the certify URL and the page's HTML.
async fn to_alipay(app: &TestApp) -> (RealnameSession, String, String) {
    let customer = app.customer("张三").await;
    let created = app
        .client(&app.clerk)
        .create_realname_session(&customer.id)
        .await
        .expect("session");
    let html = type_on_phone(app, created.url.as_deref().expect("url")).await;
    assert!(html.contains("打开支付宝刷脸"), "{html}");
    let certify = link(&html, "open-browser");
    let app_link = link(&html, "open-alipay");
    assert!(
        app_link.starts_with("alipays://platformapi/startapp?appId=20000067&url=http"),
        "{app_link}"
    );
    (created, certify, html)
}

async fn a_customer_passes_the_face_check_and_the_facts_reach_the_order(db: Db) {
    let (app, gateway) = spawn(db).await;
    let (created, certify, _) = to_alipay(&app).await;
    let waiting = session(&app, &created.id).await;
    assert!(waiting.at_provider && waiting.status == RealnameStatus::Pending);
    let opened = gateway.certifications();
    assert_eq!(opened.len(), 1);
    let check = &opened[0];
    assert_eq!(
        (
            check.biz_code.as_str(),
            check.cert_name.as_str(),
            check.cert_no.as_str()
        ),
        ("FACE", "张三", "11010519491231002X")
    );
    assert_eq!(check.outer_order_no.len(), 32);
    assert!(
        check.return_url.starts_with(&app.base) && check.return_url.ends_with("/return"),
        "{}",
        check.return_url
    );

    // The phone in Alipay: the signed certify URL opens the face check; passing it goes
    // back to our page, which asks Alipay at once.
    let page = app.http.get(&certify).send().await.expect("alipay page");
    assert_eq!(page.status(), 200, "the stand-in accepted our signature");
    let certify_id = certify
        .split("certify_id%22%3A%22")
        .nth(1)
        .and_then(|rest| rest.split("%22").next())
        .expect("certify_id in the URL")
        .to_owned();
    let back = app
        .http
        .post(
            gateway
                .url
                .replace("/gateway.do", &format!("/app/{certify_id}/pass")),
        )
        .send()
        .await
        .expect("pass");
    assert!(back.url().as_str().ends_with("/return"));
    assert!(back.text().await.expect("page").contains("实名认证成功"));
    assert!(
        gateway
            .calls()
            .contains(&"alipay.user.certify.open.query".to_owned())
    );

    let done = session(&app, &created.id).await;
    assert_eq!(done.status, RealnameStatus::Verified);
    assert_eq!(done.provider.as_deref(), Some("alipay"));
    assert_eq!(done.transaction_id.as_deref(), Some(certify_id.as_str()));
    assert!(done.other_names.is_empty());

    // The order remembers who verified, with the transaction id, in its history and for
    // the reviewer.
    let mut body = app.new_order_body("张三").await;
    body.customer_id = created.customer_id.clone();
    let order = app
        .client(&app.clerk)
        .create_order(&uuid::Uuid::now_v7().to_string(), &body)
        .await
        .expect("order");
    let order = app
        .client(&app.reviewer)
        .order(&order.order_no, false)
        .await
        .expect("order");
    let check = order.realname.clone().expect("realname check");
    assert_eq!(check.provider.as_deref(), Some("alipay"));
    assert_eq!(check.transaction_id.as_deref(), Some(certify_id.as_str()));
    assert!(check.matches_applicant);
    let history = app
        .client(&app.admin)
        .history(&order.order_no)
        .await
        .expect("history");
    let fact = history
        .iter()
        .find(|h| h.action == "realname")
        .and_then(|h| h.reason.clone())
        .expect("the verification in the history");
    assert!(fact.starts_with(&format!("alipay {certify_id} ")), "{fact}");
    app.finish().await;
}

async fn a_failed_face_check_is_a_try_with_its_reason(db: Db) {
    let (app, gateway) = spawn(db).await;
    let (created, certify, _) = to_alipay(&app).await;
    app.http.get(&certify).send().await.expect("alipay page");
    let certify_id = gateway.certifications()[0].clone();
    let id = certify
        .split("certify_id%22%3A%22")
        .nth(1)
        .and_then(|rest| rest.split("%22").next())
        .expect("certify_id")
        .to_owned();
    assert_eq!(certify_id.state, "init");
    let back = app
        .http
        .post(
            gateway
                .url
                .replace("/gateway.do", &format!("/app/{id}/fail")),
        )
        .send()
        .await
        .expect("fail");
    let html = back.text().await.expect("page");
    assert!(
        html.contains("支付宝刷脸未通过") && html.contains("还可以尝试 4 次"),
        "{html}"
    );
    let seen = session(&app, &created.id).await;
    assert_eq!(
        (seen.status, seen.attempts, seen.at_provider),
        (RealnameStatus::Pending, 1, false)
    );
    assert_eq!(seen.reason.as_deref(), Some("face_failed"));
    assert_eq!(
        seen.reason_text.as_deref(),
        Some("the Alipay face check did not pass")
    );
    // Coming back to the return page again changes nothing.
    let again = app.http.get(back_url(&app, &created)).send().await;
    assert!(again.is_ok());
    assert_eq!(session(&app, &created.id).await.attempts, 1);
    app.finish().await;
}

fn back_url(app: &TestApp, created: &RealnameSession) -> String {
    format!("{}/return", created.url.as_deref().unwrap_or(&app.base))
}

async fn an_abandoned_face_check_ends_with_its_reason_when_the_code_runs_out(db: Db) {
    let (app, gateway) = spawn(db).await;
    let (created, certify, _) = to_alipay(&app).await;
    app.http.get(&certify).send().await.expect("alipay page");
    let id = certify
        .split("certify_id%22%3A%22")
        .nth(1)
        .and_then(|rest| rest.split("%22").next())
        .expect("certify_id")
        .to_owned();
    app.http
        .post(
            gateway
                .url
                .replace("/gateway.do", &format!("/app/{id}/abandon")),
        )
        .send()
        .await
        .expect("abandon");
    // The customer never comes back; the timer keeps asking, and the code runs out.
    sqlx::query("UPDATE realname_sessions SET expires_at = $1 WHERE id = $2")
        .bind(ca_counter::server::store::now_ms() + 300)
        .bind(&created.id)
        .execute(app.store().pool())
        .await
        .expect("shorten the code");
    let started = std::time::Instant::now();
    let ended = loop {
        let seen = session(&app, &created.id).await;
        if seen.reason.is_some() || started.elapsed() > Duration::from_secs(10) {
            break seen;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    };
    assert_eq!(ended.status, RealnameStatus::Expired);
    assert_eq!(ended.reason.as_deref(), Some("face_abandoned"));
    let queries = gateway
        .calls()
        .iter()
        .filter(|c| *c == "alipay.user.certify.open.query")
        .count();
    assert!(queries >= 1, "the timer asked Alipay");
    app.finish().await;
}

async fn a_tampered_answer_is_refused(db: Db) {
    let (app, gateway) = spawn(db).await;
    gateway.tamper_answers(true);
    let customer = app.customer("张三").await;
    let created = app
        .client(&app.clerk)
        .create_realname_session(&customer.id)
        .await
        .expect("session");
    let html = type_on_phone(&app, created.url.as_deref().expect("url")).await;
    assert!(html.contains("认证服务暂时不可用"), "{html}");
    assert!(!html.contains("打开支付宝刷脸"));
    let seen = session(&app, &created.id).await;
    assert_eq!(
        (seen.status, seen.attempts, seen.at_provider),
        (RealnameStatus::Pending, 0, false),
        "an answer that fails its signature is no answer, and not the customer's try"
    );
    assert_eq!(seen.reason.as_deref(), Some("provider_unavailable"));
    app.finish().await;
}

/// The form sent again from a tab left open while the face check is under way: the way
/// on to that check, not a second one asked of Alipay (each is paid for, and would be a
/// try nobody counted).
async fn a_form_sent_again_during_a_face_check_begins_no_second_one(db: Db) {
    let (app, gateway) = spawn(db).await;
    let customer = app.customer("张三").await;
    let created = app
        .client(&app.clerk)
        .create_realname_session(&customer.id)
        .await
        .expect("session");
    let url = created.url.as_deref().expect("url");
    // A second tab with the form open all along.
    let open = ca_counter::api::PhonePage::open(&app.http, url)
        .await
        .expect("page");
    let first = type_on_phone(&app, url).await;
    assert!(first.contains("打开支付宝刷脸"), "{first}");
    let again = open
        .submit(
            &app.http,
            &[
                ("name", "张三"),
                ("id_number", "11010519491231002X"),
                ("consent", "yes"),
            ],
        )
        .await
        .expect("post")
        .text()
        .await
        .expect("page");
    assert!(again.contains("打开支付宝刷脸"), "{again}");
    assert_eq!(
        link(&again, "open-browser"),
        link(&first, "open-browser"),
        "the same check"
    );
    let begun = gateway
        .calls()
        .iter()
        .filter(|c| *c == "alipay.user.certify.open.initialize")
        .count();
    assert_eq!(begun, 1, "{:?}", gateway.calls());
    app.finish().await;
}
