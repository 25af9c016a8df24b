//! Tracking through kuaidi100 (a faithful local stand-in of its query API): the timeline
//! newest first with the provider's state, one number asked at most every 30 minutes
//! however often the order is opened, the last known state kept with the reason when the
//! provider fails, and the recipient's phone tail sent to carriers that need it.

use ca_counter::api::{ActionRequest, Order};
use ca_counter::config::{Kuaidi100Config, MailingConfig, PlatformConfig};
use ca_counter::domain::Action;

use crate::common::kuaidi100::{Answer, CUSTOMER, KEY, Kuaidi100StandIn, scan};
use crate::common::{Db, TestApp};
use crate::mailing::approved;
use crate::on_both_databases;

on_both_databases!(
    the_timeline_comes_from_kuaidi100_at_most_every_30_minutes,
    sf_parcels_are_asked_with_the_phone_tail,
);

async fn platform(db: Db, stand_in: &Kuaidi100StandIn, dir: &tempfile::TempDir) -> TestApp {
    let key_file = dir.path().join("kuaidi100.key");
    std::fs::write(&key_file, format!("{KEY}\n")).expect("key file");
    let config = PlatformConfig {
        mailing: MailingConfig {
            logistics_provider: ca_counter::config::LogisticsProvider::Kuaidi100,
            kuaidi100: Some(Kuaidi100Config {
                customer: CUSTOMER.into(),
                key_file,
                endpoint: stand_in.url.clone(),
            }),
            ..Default::default()
        },
        ..Default::default()
    };
    TestApp::spawn_with(db, config).await
}

async fn ship(app: &TestApp, order: &Order, carrier: &str, number: &str) -> Order {
    app.act(
        &app.mailroom,
        order,
        Action::Ship,
        ActionRequest {
            carrier: Some(carrier.into()),
            tracking_no: Some(number.into()),
            ..Default::default()
        },
    )
    .await
}

/// As if the provider had last been asked `minutes` ago.
async fn asked_ago(app: &TestApp, number: &str, minutes: i64) {
    let at = time::OffsetDateTime::now_utc() - time::Duration::minutes(minutes);
    sqlx::query("UPDATE tracking SET checked_at = $1 WHERE tracking_no = $2")
        .bind((at.unix_timestamp_nanos() / 1_000_000) as i64)
        .bind(number)
        .execute(app.store().pool())
        .await
        .expect("update");
}

async fn the_timeline_comes_from_kuaidi100_at_most_every_30_minutes(db: Db) {
    let stand_in = Kuaidi100StandIn::start().await;
    let dir = tempfile::tempdir().expect("temp dir");
    let app = platform(db, &stand_in, &dir).await;
    let number = "EA123456785CN";
    stand_in.set_answer(
        number,
        Answer::timeline(
            "5",
            vec![
                scan("2026-11-28 09:00:00", "1", "长沙市邮政揽收"),
                scan("2026-11-28 18:30:00", "0", "离开长沙邮区中心"),
                scan("2026-11-29 08:10:00", "5", "投递员正在派件"),
            ],
        ),
    );
    let order = approved(&app, "张三").await;
    ship(&app, &order, "ems", number).await;
    let client = app.client(&app.support);
    let tracking = client.tracking(&order.order_no).await.expect("tracking");
    assert_eq!(tracking.provider, "kuaidi100");
    assert_eq!(tracking.state.as_deref(), Some("delivering"));
    let contexts: Vec<&str> = tracking.events.iter().map(|e| e.context.as_str()).collect();
    assert_eq!(
        contexts,
        ["投递员正在派件", "离开长沙邮区中心", "长沙市邮政揽收"],
        "newest first"
    );
    assert!(tracking.error.is_none());
    assert!(tracking.next_check_at.is_some());
    assert_eq!(stand_in.queries(number), 1);
    // EMS is asked without the phone.
    assert_eq!(stand_in.last_phone(), None);

    // Opened again and again: answered from the cache.
    for _ in 0..5 {
        let again = client.tracking(&order.order_no).await.expect("tracking");
        assert_eq!(again.events.len(), 3);
    }
    asked_ago(&app, number, 29).await;
    client.tracking(&order.order_no).await.expect("tracking");
    assert_eq!(stand_in.queries(number), 1, "never twice within 30 minutes");

    // 30 minutes on, the provider fails: the last known state stays, with why.
    stand_in.set_answer(number, Answer::NoResult);
    asked_ago(&app, number, 31).await;
    let failed = client.tracking(&order.order_no).await.expect("tracking");
    assert_eq!(stand_in.queries(number), 2);
    assert_eq!(failed.events.len(), 3, "the last known timeline");
    assert_eq!(failed.state.as_deref(), Some("delivering"));
    let why = failed.error.as_deref().expect("why it failed");
    assert!(why.contains("查询无结果"), "{why}");
    // A server error later is also kept as the reason, and the timeline still stands.
    stand_in.set_answer(number, Answer::ServerError);
    asked_ago(&app, number, 31).await;
    let failed = client.tracking(&order.order_no).await.expect("tracking");
    assert_eq!(stand_in.queries(number), 3);
    assert_eq!(failed.events.len(), 3);
    assert!(failed.error.is_some());
    // And when it answers again, the newer state shows and the error is gone.
    stand_in.set_answer(
        number,
        Answer::timeline(
            "3",
            vec![
                scan("2026-11-28 09:00:00", "1", "长沙市邮政揽收"),
                scan("2026-11-29 10:02:00", "3", "已签收，签收人：本人"),
            ],
        ),
    );
    asked_ago(&app, number, 31).await;
    let delivered = client.tracking(&order.order_no).await.expect("tracking");
    assert_eq!(delivered.state.as_deref(), Some("delivered"));
    assert!(delivered.error.is_none());
    assert_eq!(delivered.events[0].context, "已签收，签收人：本人");
    // With a provider, tracking is not typed in by hand.
    let refused = app
        .client(&app.mailroom)
        .add_tracking_step(
            &order.order_no,
            &ca_counter::api::NewTrackingStep {
                state: "delivered".into(),
                context: "x".into(),
                at: None,
            },
        )
        .await;
    assert!(refused.is_err());
    app.finish().await;
}

async fn sf_parcels_are_asked_with_the_phone_tail(db: Db) {
    let stand_in = Kuaidi100StandIn::start().await;
    let dir = tempfile::tempdir().expect("temp dir");
    let app = platform(db, &stand_in, &dir).await;
    let order = approved(&app, "李四").await;
    let phone = app
        .client(&app.admin)
        .order(&order.order_no, true)
        .await
        .expect("order")
        .mailing
        .phone;
    let number = "SF1234567890123";
    stand_in.set_phone(number, &phone);
    stand_in.set_answer(
        number,
        Answer::timeline("1", vec![scan("2026-11-28 09:00:00", "1", "顺丰已收件")]),
    );
    ship(&app, &order, "shunfeng", number).await;
    let tracking = app
        .client(&app.mailroom)
        .tracking(&order.order_no)
        .await
        .expect("tracking");
    assert!(tracking.error.is_none(), "{tracking:?}");
    assert_eq!(tracking.state.as_deref(), Some("collected"));
    assert_eq!(
        stand_in.last_phone().as_deref(),
        Some(&phone[phone.len() - 4..])
    );
    app.finish().await;
}
