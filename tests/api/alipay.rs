//! Alipay face-to-face payment against the local stand-in gateway.

use std::time::Duration;

use ca_counter::api::{ActionRequest, Order};
use ca_counter::config::{AlipayConfig, PlatformConfig};
use ca_counter::domain::{Action, OrderStatus};

use crate::common::alipay::{APP_ID, Gateway, SELLER_ID, key_file};
use crate::common::{Db, TestApp};
use crate::on_both_databases;

on_both_databases!(
    a_notified_payment_moves_the_order_once_however_often_it_is_repeated,
    notifications_with_a_changed_amount_wrong_app_or_bad_signature_are_refused_and_recorded,
    money_for_a_cancelled_order_is_kept_for_a_refund,
    without_a_notification_the_query_finds_the_payment,
    an_expired_code_is_closed_at_alipay,
    unpaid_orders_close_by_themselves,
    counters_asking_at_once_get_one_code,
    cancel_racing_a_notify_has_one_outcome_every_round,
    a_customer_pays_on_the_phone_in_alipays_mobile_cashier,
    a_qr_code_asked_beside_the_mobile_cashier_closes_the_cashier_first,
    alipay_out_of_reach_is_said_in_words_without_its_address,
);

/// Alipay out of reach: the clerk is told in words what to do (try again, or a transfer),
/// not the library's error with the gateway's address; that is the log's.
async fn alipay_out_of_reach_is_said_in_words_without_its_address(db: Db) {
    let (app, _gateway) = spawn(db, |config| {
        if let Some(alipay) = config.alipay.as_mut() {
            alipay.gateway = "https://127.0.0.1:1/gateway.do".into();
        }
    })
    .await;
    let order = app.submit("张三").await;
    let Err(ca_counter::api::ClientError::Problem(problem)) = app
        .client(&app.clerk)
        .create_payment(&order.order_no, "qr")
        .await
    else {
        panic!("a problem");
    };
    assert_eq!(
        (problem.status, problem.code.as_str()),
        (503, "payment_provider_unavailable")
    );
    for technical in ["127.0.0.1", "gateway.do", "error sending", "unreachable"] {
        assert!(!problem.detail.contains(technical), "{}", problem.detail);
    }
    // The order's history says it in words too (the clerk reads it under the order).
    let closed: Vec<String> = history_actions(&app, &order)
        .await
        .into_iter()
        .filter(|(action, _)| action == "payment_closed")
        .filter_map(|(_, reason)| reason)
        .collect();
    assert!(!closed.is_empty());
    for reason in &closed {
        assert!(reason.contains("支付渠道连不上"), "{reason}");
        assert!(
            !reason.contains("127.0.0.1") && !reason.contains("error"),
            "{reason}"
        );
    }
    assert!(
        problem.detail.contains("bank transfer"),
        "{}",
        problem.detail
    );
    app.finish().await;
}

async fn spawn(db: Db, tune: impl FnOnce(&mut PlatformConfig)) -> (TestApp, Gateway) {
    let gateway = Gateway::start().await;
    let mut config = PlatformConfig {
        payment_provider: ca_counter::config::PaymentProvider::Alipay,
        alipay: Some(AlipayConfig {
            gateway: gateway.url.clone(),
            app_id: APP_ID.into(),
            private_key_file: key_file("merchant_private.pem"),
            alipay_public_key_file: key_file("gateway_public.pem"),
            seller_id: Some(SELLER_ID.into()),
            notify_url: None,
        }),
        ..PlatformConfig::default()
    };
    tune(&mut config);
    (TestApp::spawn_with(db, config).await, gateway)
}

fn notify_url(app: &TestApp) -> String {
    app.url("/api/v1/payments/alipay/notify")
}

async fn history_actions(app: &TestApp, order: &Order) -> Vec<(String, Option<String>)> {
    app.client(&app.admin)
        .history(&order.order_no)
        .await
        .expect("history")
        .into_iter()
        .map(|h| (h.action, h.reason))
        .collect()
}

/// Opens a QR payment; returns the order and the attempt's out_trade_no.
async fn qr_payment(app: &TestApp, gateway: &Gateway) -> (Order, String) {
    let order = app.submit("张三").await;
    let payment = app
        .client(&app.clerk)
        .create_payment(&order.order_no, "qr")
        .await
        .expect("payment");
    assert!(
        payment.pay_url.starts_with("https://qr.alipay.com/"),
        "{payment:?}"
    );
    // The checker may already have asked about the new code (it runs every second in
    // some of these tests); what matters is that one code was made.
    let precreates = |gateway: &Gateway| {
        gateway
            .calls()
            .iter()
            .filter(|c| *c == "alipay.trade.precreate")
            .count()
    };
    assert_eq!(precreates(gateway), 1, "{:?}", gateway.calls());
    let out_trade_no = format!("{}-", order.order_no);
    let again = app
        .client(&app.clerk)
        .create_payment(&order.order_no, "qr")
        .await
        .expect("payment");
    assert_eq!(again.id, payment.id, "one live code per order");
    assert_eq!(precreates(gateway), 1, "{:?}", gateway.calls());
    let out_trade_no = app
        .store()
        .open_payment(
            &app.store()
                .order_by_no(&order.order_no)
                .await
                .expect("db")
                .expect("order")
                .id,
        )
        .await
        .expect("db")
        .map(|p| p.out_trade_no)
        .filter(|o| o.starts_with(&out_trade_no))
        .expect("the open payment");
    let trade = gateway
        .trade(&out_trade_no)
        .expect("the gateway knows the trade");
    assert_eq!(trade.total_amount, "200.00", "yuan with two decimals");
    assert!(trade.subject.contains("个人证书"), "{trade:?}");
    (order, out_trade_no)
}

async fn a_notified_payment_moves_the_order_once_however_often_it_is_repeated(db: Db) {
    let (app, gateway) = spawn(db, |_| {}).await;
    let (order, out_trade_no) = qr_payment(&app, &gateway).await;
    gateway.buyer_pays(&out_trade_no);
    let params = gateway.notify_params(&out_trade_no, |_| {});
    for _ in 0..8 {
        assert_eq!(
            gateway.send_notify(&notify_url(&app), &params).await,
            "success"
        );
    }
    let paid = app
        .client(&app.clerk)
        .order(&order.order_no, false)
        .await
        .expect("order");
    assert_eq!(paid.status, OrderStatus::PendingReview);
    assert_eq!(paid.version, order.version + 1, "one transition");
    assert_eq!(paid.payment_method.as_deref(), Some("alipay"));
    let history = history_actions(&app, &order).await;
    assert_eq!(
        history.iter().filter(|(a, _)| a == "pay").count(),
        1,
        "{history:?}"
    );
    assert!(history.iter().any(|(a, _)| a == "payment_created"));
    // Who opened it is the operator by their id, as every other row of the trail names
    // them (a name can change or be reused).
    let created = app
        .client(&app.admin)
        .history(&order.order_no)
        .await
        .expect("history")
        .into_iter()
        .find(|h| h.action == "payment_created")
        .expect("the payment's row");
    assert!(
        created.actor.id.as_deref().is_some_and(|id| !id.is_empty()),
        "{:?}",
        created.actor
    );
    app.finish().await;
}

async fn notifications_with_a_changed_amount_wrong_app_or_bad_signature_are_refused_and_recorded(
    db: Db,
) {
    let (app, gateway) = spawn(db, |_| {}).await;
    let (order, out_trade_no) = qr_payment(&app, &gateway).await;
    gateway.buyer_pays(&out_trade_no);
    let cheaper = gateway.notify_params(&out_trade_no, |p| {
        p.insert("total_amount".into(), "0.01".into());
    });
    assert_eq!(
        gateway.send_notify(&notify_url(&app), &cheaper).await,
        "failure"
    );
    let other_app = gateway.notify_params(&out_trade_no, |p| {
        p.insert("app_id".into(), "2021999999999999".into());
    });
    assert_eq!(
        gateway.send_notify(&notify_url(&app), &other_app).await,
        "failure"
    );
    let other_seller = gateway.notify_params(&out_trade_no, |p| {
        p.insert("seller_id".into(), "2088999999999999".into());
    });
    assert_eq!(
        gateway.send_notify(&notify_url(&app), &other_seller).await,
        "failure"
    );
    let mut forged = gateway.notify_params(&out_trade_no, |_| {});
    forged.insert("total_amount".into(), "200.01".into());
    assert_eq!(
        gateway.send_notify(&notify_url(&app), &forged).await,
        "failure"
    );
    let waiting = gateway.notify_params(&out_trade_no, |p| {
        p.insert("trade_status".into(), "WAIT_BUYER_PAY".into());
    });
    assert_eq!(
        gateway.send_notify(&notify_url(&app), &waiting).await,
        "success",
        "valid, but not a payment"
    );

    let after = app
        .client(&app.clerk)
        .order(&order.order_no, false)
        .await
        .expect("order");
    assert_eq!(
        (after.status, after.version),
        (OrderStatus::PendingPayment, order.version)
    );
    let refusals: Vec<String> = history_actions(&app, &order)
        .await
        .into_iter()
        .filter(|(a, _)| a == "payment_notify_refused")
        .filter_map(|(_, r)| r)
        .collect();
    assert_eq!(refusals.len(), 4, "{refusals:?}");
    assert!(refusals[0].contains("total_amount"));
    assert!(refusals[1].contains("app_id"));
    assert!(refusals[2].contains("seller_id"));
    assert!(refusals[3].contains("bad signature"));
    let recorded: i64 =
        sqlx::query_scalar("SELECT COUNT(*) FROM payment_events WHERE kind = 'notify'")
            .fetch_one(app.store().pool())
            .await
            .expect("count");
    assert_eq!(recorded, 5, "every notification is kept, accepted or not");
    // Anyone may post here: a body of megabytes is refused unread, saying its limit, and
    // nothing is recorded of it.
    let mut huge = gateway.notify_params(&out_trade_no, |_| {});
    huge.insert("padding".into(), "x".repeat(300 * 1024));
    let response = app
        .http
        .post(notify_url(&app))
        .form(&huge)
        .send()
        .await
        .expect("send");
    assert_eq!(response.status().as_u16(), 413);
    let said = response.text().await.expect("body");
    assert!(said.contains("64 KB"), "{said}");
    let recorded: i64 =
        sqlx::query_scalar("SELECT COUNT(*) FROM payment_events WHERE kind = 'notify'")
            .fetch_one(app.store().pool())
            .await
            .expect("count");
    assert_eq!(recorded, 5);
    app.finish().await;
}

async fn money_for_a_cancelled_order_is_kept_for_a_refund(db: Db) {
    let (app, gateway) = spawn(db, |_| {}).await;
    let (order, out_trade_no) = qr_payment(&app, &gateway).await;
    let cancel = ActionRequest {
        version: Some(order.version),
        reason: Some("客户改用银行转账".into()),
        ..Default::default()
    };
    app.client(&app.clerk)
        .act(&order.order_no, Action::Cancel, &cancel)
        .await
        .expect("cancel");
    // The customer had the QR code open and pays anyway.
    gateway.buyer_pays(&out_trade_no);
    let params = gateway.notify_params(&out_trade_no, |_| {});
    assert_eq!(
        gateway.send_notify(&notify_url(&app), &params).await,
        "success"
    );
    assert_eq!(
        gateway.send_notify(&notify_url(&app), &params).await,
        "success"
    );
    let after = app
        .client(&app.clerk)
        .order(&order.order_no, false)
        .await
        .expect("order");
    assert_eq!(after.status, OrderStatus::Cancelled);
    let refunds = app
        .http
        .get(app.url("/api/v1/payments?status=refund_needed"))
        .bearer_auth(&app.finance)
        .send()
        .await
        .expect("send")
        .json::<Vec<ca_counter::api::Payment>>()
        .await
        .expect("json");
    assert_eq!(refunds.len(), 1);
    assert_eq!(refunds[0].order_no, order.order_no);
    // What finance needs to find the money in Alipay's statement and refund it: our
    // reference, Alipay's number, when it was paid.
    assert_eq!(refunds[0].out_trade_no, out_trade_no);
    assert_eq!(
        refunds[0].trade_no.as_deref(),
        params.get("trade_no").map(String::as_str)
    );
    assert!(refunds[0].paid_at.is_some(), "{:?}", refunds[0]);
    let history = history_actions(&app, &order).await;
    assert_eq!(
        history
            .iter()
            .filter(|(a, _)| a == "payment_refund_needed")
            .count(),
        1,
        "{history:?}"
    );
    app.finish().await;
}

async fn wait_for_status(app: &TestApp, order: &Order, status: OrderStatus) -> Order {
    let started = std::time::Instant::now();
    loop {
        let now = app
            .client(&app.admin)
            .order(&order.order_no, false)
            .await
            .expect("order");
        if now.status == status {
            return now;
        }
        assert!(
            started.elapsed() < Duration::from_secs(10),
            "{} stayed {}",
            order.order_no,
            now.status
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

async fn without_a_notification_the_query_finds_the_payment(db: Db) {
    let (app, gateway) = spawn(db, |c| c.payment_check_seconds = 1).await;
    let (order, out_trade_no) = qr_payment(&app, &gateway).await;
    gateway.buyer_pays(&out_trade_no);
    wait_for_status(&app, &order, OrderStatus::PendingReview).await;
    assert!(gateway.calls().contains(&"alipay.trade.query".to_owned()));
    let history = history_actions(&app, &order).await;
    assert_eq!(history.iter().filter(|(a, _)| a == "pay").count(), 1);
    assert!(history.iter().any(|(a, _)| a == "payment_query"));
    app.finish().await;
}

async fn an_expired_code_is_closed_at_alipay(db: Db) {
    let (app, gateway) = spawn(db, |c| c.payment_check_seconds = 1).await;
    let (order, out_trade_no) = qr_payment(&app, &gateway).await;
    sqlx::query("UPDATE payments SET expires_at = 0 WHERE out_trade_no = $1")
        .bind(&out_trade_no)
        .execute(app.store().pool())
        .await
        .expect("expire");
    let started = std::time::Instant::now();
    while !history_actions(&app, &order)
        .await
        .iter()
        .any(|(a, _)| a == "payment_closed")
    {
        assert!(started.elapsed() < Duration::from_secs(10), "never closed");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert!(gateway.calls().contains(&"alipay.trade.close".to_owned()));
    assert_eq!(
        gateway.trade(&out_trade_no).map(|t| t.status).as_deref(),
        Some("TRADE_CLOSED")
    );
    // A fresh code for the same order is a new attempt.
    let fresh = app
        .client(&app.clerk)
        .create_payment(&order.order_no, "qr")
        .await
        .expect("fresh code");
    assert_ne!(fresh.pay_url, "");
    app.finish().await;
}

async fn unpaid_orders_close_by_themselves(db: Db) {
    let (app, _gateway) = spawn(db, |c| {
        c.payment_check_seconds = 1;
        c.unpaid_close_hours = 0;
    })
    .await;
    let order = app.submit("张三").await;
    let closed = wait_for_status(&app, &order, OrderStatus::Cancelled).await;
    assert_eq!(closed.version, order.version + 1);
    let history = app
        .client(&app.admin)
        .history(&order.order_no)
        .await
        .expect("history");
    let cancel = history
        .iter()
        .find(|h| h.action == "cancel")
        .expect("a cancel row");
    assert_eq!(cancel.actor.id, None, "the platform did it");
    assert!(
        cancel
            .reason
            .as_deref()
            .is_some_and(|r| r.contains("自动关闭")),
        "{cancel:?}"
    );
    app.finish().await;
}

/// Several presses (or counters) asking for an order's code while Alipay is still
/// answering the first: one trade at Alipay, one code shown, the rest told to wait.
async fn counters_asking_at_once_get_one_code(db: Db) {
    let (app, gateway) = spawn(db, |_| {}).await;
    let order = app.submit("张三").await;
    gateway.set_latency(400);
    let asks = (0..4).map(|_| {
        let client = app.client(&app.clerk);
        let order_no = order.order_no.clone();
        tokio::spawn(async move { client.create_payment(&order_no, "qr").await })
    });
    let mut codes = Vec::new();
    let mut waits = 0;
    for ask in asks {
        match ask.await.expect("task") {
            Ok(payment) => codes.push(payment.id),
            Err(e) => {
                let problem = e.problem().expect("a problem answer");
                assert_eq!(problem.code, "payment_in_progress", "{problem:?}");
                assert_eq!(problem.status, 409);
                waits += 1;
            }
        }
    }
    assert!(!codes.is_empty(), "one press got the code");
    codes.dedup();
    assert_eq!(codes.len(), 1, "one code however many asked");
    assert_eq!(
        gateway
            .calls()
            .iter()
            .filter(|c| *c == "alipay.trade.precreate")
            .count(),
        1,
        "one trade at Alipay ({waits} told to wait)"
    );
    // Once it is there, asking again shows the same code.
    gateway.set_latency(0);
    let again = app
        .client(&app.clerk)
        .create_payment(&order.order_no, "qr")
        .await
        .expect("payment");
    assert_eq!(Some(&again.id), codes.first());
    app.finish().await;
}

async fn cancel_racing_a_notify_has_one_outcome_every_round(db: Db) {
    use crate::races::{ROUNDS, cancel, one_outcome};
    let (app, gateway) = spawn(db, |_| {}).await;
    let body = app.new_order_body("张三").await;
    let clerk = app.client(&app.clerk);
    for round in 0..ROUNDS {
        let order = clerk
            .create_order(&format!("notify-race-{round}"), &body)
            .await
            .expect("order");
        clerk
            .create_payment(&order.order_no, "qr")
            .await
            .expect("payment");
        let out_trade_no: String = sqlx::query_scalar(
            "SELECT p.out_trade_no FROM payments p JOIN orders o ON o.id = p.order_id WHERE o.order_no = $1",
        )
        .bind(order.order_no.as_str())
        .fetch_one(app.store().pool())
        .await
        .expect("trade");
        gateway.buyer_pays(&out_trade_no);
        let params = gateway.notify_params(&out_trade_no, |_| {});
        let notify = async {
            app.http
                .post(notify_url(&app))
                .form(&params)
                .send()
                .await
                .expect("notify")
        };
        let (answer, cancelled) = tokio::join!(notify, cancel(&app, &order));
        let status = answer.status().as_u16();
        assert_eq!(
            answer.text().await.expect("answer"),
            "success",
            "{}",
            order.order_no
        );
        one_outcome(&app, &order, status, cancelled).await;
    }
    app.finish().await;
}

/// The customer's platform on a phone: `alipay.trade.wap.pay` sends the customer into
/// Alipay's mobile cashier with a signed request, and back; the one notify path pays it.
async fn a_customer_pays_on_the_phone_in_alipays_mobile_cashier(db: Db) {
    use crate::common::customer::{Browser, owner_phone, sign_in};
    let (app, gateway) = spawn(db, |_| {}).await;
    let order = app.submit("张三").await;
    let phone = owner_phone(&app, order.order_no.as_str()).await;
    let mut browser = Browser::new(&app);
    sign_in(&mut browser, &phone).await;
    let sent = browser
        .post(&format!("/orders/{}/pay", order.order_no), &[])
        .await;
    assert_eq!(sent.status, reqwest::StatusCode::SEE_OTHER, "{}", sent.html);
    let cashier = sent.location.expect("into Alipay");
    assert!(cashier.starts_with(&gateway.url), "{cashier}");
    // The page verifies our signature, and knows where to notify and where to come back.
    let page = reqwest::get(&cashier).await.expect("cashier");
    assert_eq!(page.status(), reqwest::StatusCode::OK);
    let html = page.text().await.expect("html");
    assert!(
        html.contains(&format!("/orders/{}", order.order_no)),
        "back to the order: {html}"
    );
    assert!(gateway.calls().contains(&"alipay.trade.wap.pay".to_owned()));
    let out_trade_no = html
        .split_once("<p id=\"trade\">")
        .and_then(|(_, rest)| rest.split_once('<'))
        .map(|(no, _)| no.to_owned())
        .expect("the trade");
    assert_eq!(
        gateway.trade(&out_trade_no).expect("trade").total_amount,
        "200.00"
    );
    // Paid in Alipay; the notification comes through the one path.
    gateway.buyer_pays(&out_trade_no);
    let answer = gateway
        .send_notify(
            &notify_url(&app),
            &gateway.notify_params(&out_trade_no, |_| {}),
        )
        .await;
    assert_eq!(answer, "success");
    let paid = app
        .client(&app.clerk)
        .order(&order.order_no, false)
        .await
        .expect("order");
    assert_eq!(paid.status, OrderStatus::PendingReview);
    // Back on the platform, the order says so.
    let back = browser.get(&format!("/orders/{}", order.order_no)).await;
    assert!(back.html.contains("等待审核"), "{}", back.html);

    // On a PC the same page shows the face-to-face QR code to scan with the phone.
    let second = app.submit("张三").await;
    let customer_phone = owner_phone(&app, second.order_no.as_str()).await;
    let mut pc = Browser::with_agent(
        &app,
        "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0 Safari/537.36",
    );
    sqlx::query("UPDATE login_codes SET sent_at = sent_at - 61000 WHERE phone = $1")
        .bind(&customer_phone)
        .execute(app.store().pool())
        .await
        .expect("the clock");
    sign_in(&mut pc, &customer_phone).await;
    let sent = pc
        .post(&format!("/orders/{}/pay", second.order_no), &[])
        .await;
    // At an address of its own: reload and Back show the code as it stands.
    assert_eq!(
        sent.location.as_deref(),
        Some(format!("/orders/{}/pay", second.order_no).as_str())
    );
    let shown = pc.followed(sent).await;
    assert_eq!(shown.status, reqwest::StatusCode::OK, "{}", shown.html);
    assert!(
        shown.html.contains("class=\"qr\"") && shown.html.contains("data:image/svg+xml"),
        "{}",
        shown.html
    );
    // Alipay's own code: scanned with Alipay.
    assert!(
        shown.html.contains("请用支付宝扫描二维码付款"),
        "{}",
        shown.html
    );
    assert_eq!(
        gateway
            .calls()
            .iter()
            .filter(|c| *c == "alipay.trade.precreate")
            .count(),
        1
    );
    app.finish().await;
}

/// The customer went into Alipay's mobile cashier from their phone and came back without
/// paying; minutes later the counter shows a QR code. The cashier's trade is closed at
/// Alipay first, so only the code can be paid — not both.
async fn a_qr_code_asked_beside_the_mobile_cashier_closes_the_cashier_first(db: Db) {
    use crate::common::customer::{Browser, owner_phone, sign_in};
    let (app, gateway) = spawn(db, |_| {}).await;
    let order = app.submit("张三").await;
    let phone = owner_phone(&app, order.order_no.as_str()).await;
    let mut browser = Browser::new(&app);
    sign_in(&mut browser, &phone).await;
    let sent = browser
        .post(&format!("/orders/{}/pay", order.order_no), &[])
        .await;
    let cashier = sent.location.expect("into Alipay");
    let html = reqwest::get(&cashier)
        .await
        .expect("cashier")
        .text()
        .await
        .expect("html");
    let wap_trade = html
        .split_once("<p id=\"trade\">")
        .and_then(|(_, rest)| rest.split_once('<'))
        .map(|(no, _)| no.to_owned())
        .expect("the trade");
    sqlx::query("UPDATE payments SET created_at = created_at - 120000 WHERE out_trade_no = $1")
        .bind(&wap_trade)
        .execute(app.store().pool())
        .await
        .expect("the clock");

    let code = app
        .client(&app.clerk)
        .create_payment(&order.order_no, "qr")
        .await
        .expect("a code");
    assert_ne!(code.pay_url, "");
    assert!(gateway.calls().contains(&"alipay.trade.close".to_owned()));
    assert_eq!(
        gateway.trade(&wap_trade).map(|t| t.status).as_deref(),
        Some("TRADE_CLOSED")
    );
    let pending: Vec<(String,)> = sqlx::query_as(
        "SELECT p.out_trade_no FROM payments p JOIN orders o ON o.id = p.order_id \
         WHERE o.order_no = $1 AND p.status = 'pending'",
    )
    .bind(order.order_no.as_str())
    .fetch_all(app.store().pool())
    .await
    .expect("attempts");
    assert_eq!(pending.len(), 1, "{pending:?}");
    assert_ne!(pending[0].0, wap_trade);
    assert!(
        history_actions(&app, &order)
            .await
            .iter()
            .any(|(a, why)| a == "payment_closed"
                && why.as_deref().is_some_and(|w| w.contains(&wap_trade))),
        "the closed cashier is in the history"
    );
    // Asked again, the same code.
    let again = app
        .client(&app.clerk)
        .create_payment(&order.order_no, "qr")
        .await
        .expect("the code");
    assert_eq!(again.pay_url, code.pay_url);
    app.finish().await;
}
