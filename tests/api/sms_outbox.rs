//! Text messages through the outbox to Aliyun SMS, against a local stand-in that checks
//! every request's V3 signature: with two platform instances on one database and a
//! gateway that fails the first two tries of every message, each message is taken exactly
//! once; a number the gateway refuses, and a wrong key, end as failed for the
//! administrator to see.

use std::time::{Duration, Instant};

use ca_counter::api::{ActionRequest, SmsMessage};
use ca_counter::config::{AliyunSmsConfig, PlatformConfig, SmsProvider, SmsTemplates};
use ca_counter::domain::Action;
use ca_counter::server::sms;

use crate::common::aliyun_sms::{ACCESS_KEY_ID, ILLEGAL_NUMBER, SECRET, SmsGateway};
use crate::common::{Db, TestApp, second_instance_with};
use crate::on_both_databases;

on_both_databases!(
    two_instances_send_each_message_once_through_a_failing_gateway,
    refused_numbers_and_a_wrong_key_end_as_failed_for_the_administrator,
    a_message_whose_sender_died_mid_send_is_never_sent_again,
    a_gateway_out_of_reach_never_puts_a_code_or_a_number_into_what_is_said,
);

fn config(gateway: &SmsGateway, dir: &std::path::Path, secret: &str) -> PlatformConfig {
    let secret_file = dir.join("aliyun.secret");
    std::fs::write(&secret_file, format!("{secret}\n")).expect("secret file");
    let mut config = PlatformConfig {
        sms_provider: SmsProvider::Aliyun,
        ..PlatformConfig::default()
    };
    config.sms.retry_ms = 30;
    config.sms.poll_ms = 30;
    config.sms.aliyun = Some(AliyunSmsConfig {
        endpoint: gateway.url.clone(),
        access_key_id: ACCESS_KEY_ID.into(),
        access_key_secret_file: secret_file,
        sign_name: "湖南CA".into(),
        templates: SmsTemplates {
            returned: "SMS_100000001".into(),
            shipped: "SMS_100000002".into(),
            login_code: "SMS_100000003".into(),
            payment_link: "SMS_100000004".into(),
            address_changed: "SMS_100000005".into(),
            parcel_returned: "SMS_100000006".into(),
        },
    });
    config
}

/// Waits until no message is waiting or being sent; returns them all.
async fn settled(app: &TestApp) -> Vec<SmsMessage> {
    let started = Instant::now();
    loop {
        let all = app.client(&app.admin).sms_messages().await.expect("sms");
        if all
            .iter()
            .all(|m| m.status != "queued" && m.status != "sending")
        {
            return all;
        }
        assert!(
            started.elapsed() < Duration::from_secs(20),
            "messages never settled: {all:?}"
        );
        tokio::time::sleep(Duration::from_millis(25)).await;
    }
}

async fn two_instances_send_each_message_once_through_a_failing_gateway(db: Db) {
    let gateway = SmsGateway::start().await;
    gateway.fail_first_tries(2);
    let dir = tempfile::tempdir().expect("dir");
    let config = config(&gateway, dir.path(), SECRET);
    let app = TestApp::spawn_with(db, config.clone()).await;
    let url = app.db.as_ref().expect("db").url.clone();
    let second = second_instance_with(&url, config).await;

    // A return for correction writes its message with the order's change.
    let order = app.submit("张三").await;
    let order = app.pay(&order).await;
    app.act(
        &app.reviewer,
        &order,
        Action::Reject,
        ActionRequest {
            reasons: vec!["签字缺失".into()],
            ..ActionRequest::default()
        },
    )
    .await;
    // Login codes, as the customer's platform will send them.
    for n in 0..4 {
        let phone = format!("1371234560{n}");
        let message = sms::login_code("湖南CA", &phone, &format!("12345{n}"));
        app.store()
            .enqueue_sms("aliyun", &message)
            .await
            .expect("enqueue");
    }

    let messages = settled(&app).await;
    assert_eq!(messages.len(), 5);
    let received = gateway.received();
    assert!(received.iter().all(|r| r.signature_ok), "{received:?}");
    for message in &messages {
        let tries: Vec<_> = received.iter().filter(|r| r.out_id == message.id).collect();
        let taken: Vec<_> = tries.iter().filter(|r| r.answered == "OK").collect();
        assert_eq!(
            (tries.len(), taken.len()),
            (3, 1),
            "two refused tries, then exactly one taken: {tries:?}"
        );
        assert_eq!(message.status, "sent", "{message:?}");
        assert_eq!(message.attempts, 3);
        assert_eq!(message.gateway_code.as_deref(), Some("OK"));
        assert_eq!(
            message.biz_id, taken[0].biz_id,
            "the gateway's BizId is kept"
        );
        assert_eq!(taken[0].sign_name, "湖南CA");
    }
    let returned = messages
        .iter()
        .find(|m| m.kind.as_deref() == Some("returned"))
        .expect("the return's message");
    assert_eq!(returned.order_no.as_deref(), Some(order.order_no.as_str()));
    let request = received
        .iter()
        .find(|r| r.out_id == returned.id && r.answered == "OK")
        .expect("sent");
    assert_eq!(request.template, "SMS_100000001");
    assert_eq!(request.params["order_no"], order.order_no.as_str());
    assert_eq!(request.params["reasons"], "签字缺失");
    assert!(request.params["link"].contains("/m/notice/"));
    let code = received
        .iter()
        .find(|r| r.template == "SMS_100000003" && r.answered == "OK")
        .expect("a login code");
    assert!(code.params["code"].starts_with("12345"));
    second.shutdown().await.expect("second instance stops");
    app.finish().await;
}

async fn refused_numbers_and_a_wrong_key_end_as_failed_for_the_administrator(db: Db) {
    let gateway = SmsGateway::start().await;
    let dir = tempfile::tempdir().expect("dir");
    let app = TestApp::spawn_with(db, config(&gateway, dir.path(), SECRET)).await;
    app.store()
        .enqueue_sms(
            "aliyun",
            &sms::login_code("湖南CA", ILLEGAL_NUMBER, "654321"),
        )
        .await
        .expect("enqueue");
    let messages = settled(&app).await;
    let failed = app
        .client(&app.admin)
        .sms_messages_in("failed")
        .await
        .expect("failed");
    assert_eq!(failed.len(), 1, "{messages:?}");
    assert_eq!(
        (failed[0].gateway_code.as_deref(), failed[0].attempts),
        (Some("isv.MOBILE_NUMBER_ILLEGAL"), 1),
        "a refusal for good is not retried"
    );
    let bad_filter = app.client(&app.admin).sms_messages_in("lost").await;
    assert!(bad_filter.is_err());
    app.finish().await;

    // A platform with the wrong secret: the gateway refuses the signature.
    let gateway = SmsGateway::start().await;
    let dir = tempfile::tempdir().expect("dir");
    let app = TestApp::spawn_with(db, config(&gateway, dir.path(), "not-the-secret")).await;
    app.store()
        .enqueue_sms(
            "aliyun",
            &sms::login_code("湖南CA", "13712345600", "111111"),
        )
        .await
        .expect("enqueue");
    settled(&app).await;
    let failed = app
        .client(&app.admin)
        .sms_messages_in("failed")
        .await
        .expect("failed");
    assert_eq!(
        failed.first().and_then(|m| m.gateway_code.as_deref()),
        Some("SignatureDoesNotMatch")
    );
    assert!(gateway.received().iter().all(|r| !r.signature_ok));
    app.finish().await;
}

async fn a_message_whose_sender_died_mid_send_is_never_sent_again(db: Db) {
    let gateway = SmsGateway::start().await;
    let dir = tempfile::tempdir().expect("dir");
    let app = TestApp::spawn_with(db, config(&gateway, dir.path(), SECRET)).await;
    let store = app.store();
    // Another instance claimed it, and died before writing what the gateway said: its
    // lease lapses with the message maybe sent.
    let id = {
        let mut tx = store.pool().begin().await.expect("tx");
        sqlx::query(
            "INSERT INTO sms_messages (id, phone, body, provider, status, created_at, kind, \
             params_json, attempts, next_attempt_at, lease_owner, lease_until, updated_at) \
             VALUES ('gone-1', '13712345601', 'x', 'aliyun', 'sending', 1, 'login_code', '{}', 1, 1, \
             'dead-instance', 2, 1)",
        )
        .execute(&mut *tx)
        .await
        .expect("insert");
        tx.commit().await.expect("commit");
        "gone-1".to_owned()
    };
    let started = Instant::now();
    let message = loop {
        let unknown = app
            .client(&app.admin)
            .sms_messages_in("unknown")
            .await
            .expect("unknown");
        if let Some(message) = unknown.into_iter().find(|m| m.id == id) {
            break message;
        }
        assert!(
            started.elapsed() < Duration::from_secs(10),
            "never marked unknown"
        );
        tokio::time::sleep(Duration::from_millis(25)).await;
    };
    assert!(
        message
            .detail
            .is_some_and(|d| d.contains("may have been sent"))
    );
    // `unknown` is never due again: nothing reached the gateway, nothing will.
    assert!(gateway.received().is_empty());
    assert!(store.due_sms("aliyun", 10).await.expect("due").is_empty());
    app.finish().await;
}

/// The gateway out of reach: the failure is said (logged, and listed for the
/// administrator) without the request's address, whose query holds the number and the
/// template's variables — a login code would let whoever reads it sign in.
async fn a_gateway_out_of_reach_never_puts_a_code_or_a_number_into_what_is_said(db: Db) {
    let gateway = SmsGateway::start().await;
    let dir = tempfile::tempdir().expect("dir");
    let mut config = config(&gateway, dir.path(), SECRET);
    // A port nothing listens on.
    let closed = std::net::TcpListener::bind("127.0.0.1:0").expect("port");
    let port = closed.local_addr().expect("address").port();
    drop(closed);
    if let Some(aliyun) = config.sms.aliyun.as_mut() {
        aliyun.endpoint = format!("http://127.0.0.1:{port}");
    }
    let app = TestApp::spawn_with(db, config).await;
    app.store()
        .enqueue_sms(
            "aliyun",
            &sms::login_code("湖南CA", "13912340000", "606392"),
        )
        .await
        .expect("enqueue");
    let messages = settled(&app).await;
    let said: Vec<&str> = messages
        .iter()
        .filter_map(|m| m.detail.as_deref())
        .collect();
    assert_eq!(said.len(), 1, "{messages:?}");
    for secret in ["606392", "13912340000", "TemplateParam", "PhoneNumbers"] {
        assert!(!said[0].contains(secret), "{secret}: {messages:?}");
        assert!(
            !messages[0].body.contains(secret) || secret.len() > 6,
            "{messages:?}"
        );
    }
    app.finish().await;
}
