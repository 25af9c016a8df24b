//! The kuaidi100 client against a faithful local stand-in of its query endpoint.

use std::time::Duration;

use crate::common::kuaidi100::{Answer, CUSTOMER, KEY, Kuaidi100StandIn, scan};
use ca_counter::server::logistics::kuaidi100::Kuaidi100;
use ca_counter::server::logistics::{LogisticsProvider, TrackingState};

fn client(stand_in: &Kuaidi100StandIn, key: &str) -> Kuaidi100 {
    Kuaidi100::new(&stand_in.url, CUSTOMER, key, Duration::from_secs(5))
        .unwrap_or_else(|e| panic!("{e}"))
}

fn mailed_by_ems() -> Answer {
    // Scans in the order a carrier might list them; the stand-in serves them newest first.
    Answer::timeline(
        "5",
        vec![
            scan(
                "2026-11-27 09:30:00",
                "1",
                "【海口市】 海口市国贸营业部 已收寄",
            )
            .at("海南,海口市"),
            scan(
                "2026-11-28 08:10:00",
                "5",
                "【深圳市】 南山营业部 正在投递，投递员：王五 13800000000",
            )
            .at("广东,深圳市,南山区"),
            scan(
                "2026-11-27 21:03:00",
                "1002",
                "【海口市】 已离开 海口邮区中心局，发往 深圳邮区中心局",
            ),
            scan(
                "2026-11-28 05:40:00",
                "1001",
                "【深圳市】 已到达 深圳邮区中心局",
            ),
        ],
    )
}

#[tokio::test]
async fn a_timeline_comes_back_newest_first_with_its_state() {
    let stand_in = Kuaidi100StandIn::start().await;
    stand_in.set_answer("1151234567890", mailed_by_ems());
    let result = client(&stand_in, KEY)
        .query("ems", "1151234567890", Some("13800135678"))
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(result.state, TrackingState::Delivering);
    let times: Vec<&str> = result.events.iter().map(|e| e.time.as_str()).collect();
    assert_eq!(
        times,
        [
            "2026-11-28 08:10:00",
            "2026-11-28 05:40:00",
            "2026-11-27 21:03:00",
            "2026-11-27 09:30:00"
        ]
    );
    assert!(result.events[0].context.contains("正在投递"));
    assert_eq!(result.events[0].state, Some(TrackingState::Delivering));
    assert_eq!(
        result.events[0].location.as_deref(),
        Some("广东,深圳市,南山区")
    );
    assert_eq!(result.events[1].state, Some(TrackingState::InTransit));
    assert_eq!(result.events[2].location, None);
    assert_eq!(result.events[3].state, Some(TrackingState::Collected));
    assert_eq!(stand_in.queries("1151234567890"), 1);
    let param = stand_in.last_param().unwrap_or_default();
    assert_eq!(param["resultv2"], "4");
    assert_eq!(param["com"], "ems");
}

#[tokio::test]
async fn the_answer_follows_the_parcel_as_it_moves() {
    let stand_in = Kuaidi100StandIn::start().await;
    let kuaidi100 = client(&stand_in, KEY);
    stand_in.set_answer("1151234567890", mailed_by_ems());
    let first = kuaidi100.query("ems", "1151234567890", None).await;
    assert_eq!(first.map(|r| r.state), Ok(TrackingState::Delivering));

    let mut signed = match mailed_by_ems() {
        Answer::Timeline { scans, .. } => scans,
        _ => Vec::new(),
    };
    signed.push(scan(
        "2026-11-28 10:02:00",
        "301",
        "【深圳市】 已签收，签收人：本人",
    ));
    stand_in.set_answer("1151234567890", Answer::timeline("301", signed));
    let second = kuaidi100
        .query("ems", "1151234567890", None)
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(second.state, TrackingState::Delivered);
    assert_eq!(second.events.len(), 5);
    assert!(second.events[0].context.contains("已签收"));
    assert_eq!(stand_in.queries("1151234567890"), 2);
}

#[tokio::test]
async fn a_wrong_key_gives_kuaidi100s_own_words() {
    let stand_in = Kuaidi100StandIn::start().await;
    stand_in.set_answer("1151234567890", mailed_by_ems());
    let result = client(&stand_in, "not-the-key")
        .query("ems", "1151234567890", None)
        .await;
    assert_eq!(result, Err("验证签名失败".to_owned()));
    assert_eq!(
        stand_in.queries("1151234567890"),
        0,
        "unsigned queries are not answered"
    );
}

#[tokio::test]
async fn an_unknown_number_gives_no_result() {
    let stand_in = Kuaidi100StandIn::start().await;
    let kuaidi100 = client(&stand_in, KEY);
    let result = kuaidi100.query("yuantong", "YT0000000000000", None).await;
    assert_eq!(result, Err("查询无结果，请隔段时间再查".to_owned()));
    stand_in.set_answer("YT0000000000000", Answer::NoResult);
    let result = kuaidi100.query("yuantong", "YT0000000000000", None).await;
    assert_eq!(result, Err("查询无结果，请隔段时间再查".to_owned()));
}

#[tokio::test]
async fn server_errors_timeouts_and_garbage_are_errors() {
    let stand_in = Kuaidi100StandIn::start().await;
    stand_in.set_answer("JD0000000000001", Answer::ServerError);
    stand_in.set_answer("JD0000000000002", Answer::Garbage);
    let kuaidi100 = client(&stand_in, KEY);
    assert_eq!(
        kuaidi100.query("jd", "JD0000000000001", None).await,
        Err("HTTP 500".to_owned())
    );
    assert_eq!(
        kuaidi100.query("jd", "JD0000000000002", None).await,
        Err("unreadable answer from kuaidi100".to_owned())
    );

    stand_in.set_answer("JD0000000000003", mailed_by_ems());
    stand_in.set_latency(1_000);
    let impatient = Kuaidi100::new(&stand_in.url, CUSTOMER, KEY, Duration::from_millis(200))
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(
        impatient.query("jd", "JD0000000000003", None).await,
        Err("timeout".to_owned())
    );

    let nobody = Kuaidi100::new(
        "http://127.0.0.1:1/poll/query.do",
        CUSTOMER,
        KEY,
        Duration::from_secs(2),
    )
    .unwrap_or_else(|e| panic!("{e}"));
    assert!(nobody.query("jd", "JD0000000000003", None).await.is_err());
}

#[tokio::test]
async fn sf_gets_the_last_four_digits_and_ems_no_phone() {
    let stand_in = Kuaidi100StandIn::start().await;
    stand_in.set_answer("SF1234567890123", mailed_by_ems());
    stand_in.set_phone("SF1234567890123", "13800135678");
    stand_in.set_answer("1151234567890", mailed_by_ems());
    let kuaidi100 = client(&stand_in, KEY);

    let sf = kuaidi100
        .query("shunfeng", "SF1234567890123", Some("13800135678"))
        .await;
    assert!(sf.is_ok(), "{sf:?}");
    assert_eq!(stand_in.last_phone().as_deref(), Some("5678"));

    let ems = kuaidi100
        .query("ems", "1151234567890", Some("13800135678"))
        .await;
    assert!(ems.is_ok(), "{ems:?}");
    assert_eq!(stand_in.last_phone(), None);
    assert!(
        stand_in
            .last_param()
            .is_some_and(|p| p.get("phone").is_none())
    );

    // SF without the phone, or with someone else's: kuaidi100 refuses.
    let without = kuaidi100.query("shunfeng", "SF1234567890123", None).await;
    assert_eq!(without, Err("快递公司参数异常：验证码错误".to_owned()));
    let wrong = kuaidi100
        .query("shunfeng", "SF1234567890123", Some("13900001111"))
        .await;
    assert_eq!(wrong, Err("快递公司参数异常：验证码错误".to_owned()));
}
