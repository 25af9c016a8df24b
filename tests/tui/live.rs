//! A live update is never silently lost: a stream that goes silent shows 重连中 within
//! seconds and is reconnected; a row that cannot be fetched after its event marks the list
//! stale and reloads it; a queue that fails is retried.

use std::time::{Duration, Instant};

use ca_counter::api::{Client, OrderPage};
use ca_counter::domain::OrderStatus;
use ca_counter::i18n::Lang;
use ca_counter::tui::net::{Msg, events};
use ca_counter::tui::tabs::orders::{self, Orders};
use ca_counter::tui::tabs::review::{self, Review};
use tokio::io::{AsyncReadExt, AsyncWriteExt};

use crate::fixtures::*;

/// A stand-in platform whose event stream says hello, sends `alive` keep-alives 100 ms
/// apart, then stalls (the connection stays open, nothing more comes).
async fn stalling_platform(alive: usize) -> String {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind");
    let address = listener.local_addr().expect("address");
    tokio::spawn(async move {
        while let Ok((mut socket, _)) = listener.accept().await {
            tokio::spawn(async move {
                let mut request = [0u8; 4096];
                let _ = socket.read(&mut request).await;
                let head = "HTTP/1.1 200 OK\r\ncontent-type: text/event-stream\r\n\
                            cache-control: no-cache\r\n\r\n";
                let hello = "event: hello\nid: 5\ndata: {\"last_event_id\":5}\n\n";
                if socket.write_all(head.as_bytes()).await.is_err()
                    || socket.write_all(hello.as_bytes()).await.is_err()
                {
                    return;
                }
                for _ in 0..alive {
                    tokio::time::sleep(Duration::from_millis(100)).await;
                    if socket.write_all(b": keep-alive\n\n").await.is_err() {
                        return;
                    }
                }
                // Stalled: held open, silent.
                tokio::time::sleep(Duration::from_secs(60)).await;
            });
        }
    });
    format!("http://{address}")
}

async fn next(rx: &mut tokio::sync::mpsc::UnboundedReceiver<Msg>) -> Option<Msg> {
    tokio::time::timeout(Duration::from_secs(10), rx.recv())
        .await
        .ok()
        .flatten()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_silent_stream_is_called_reconnecting_within_its_quiet_time() {
    let base = stalling_platform(6).await;
    let client = Client::new(&base, "token", Lang::ZhCn).expect("client");
    let (tx, mut rx) = tokio::sync::mpsc::unbounded_channel();
    let quiet = Duration::from_millis(400);
    events::spawn(client, tx, quiet);
    assert!(matches!(next(&mut rx).await, Some(Msg::Online)));
    let online = Instant::now();
    // Keep-alives 100 ms apart keep it online for their 600 ms; then silence.
    match next(&mut rx).await {
        Some(Msg::Reconnecting { attempt: 1, .. }) => {}
        other => panic!("expected reconnecting, got {other:?}"),
    }
    let after = online.elapsed();
    assert!(
        after >= Duration::from_millis(600),
        "keep-alives count as the platform speaking: {after:?}"
    );
    assert!(
        after < Duration::from_millis(600) + quiet * 3,
        "a stall shows within its quiet time: {after:?}"
    );
    // The status line says so.
    let mut app = app(Lang::ZhCn);
    app.on_msg(Msg::Reconnecting {
        attempt: 1,
        reason: "no data".into(),
    });
    assert!(render(&app, 80, 24).contains("重连中（第 1 次）"));
    // Still no platform ten seconds on (each attempt waits out its timeout): 离线, not
    // 重连中 for as long as it lasts.
    let now = app.now;
    app.on_tick(now + time::Duration::seconds(5));
    assert!(render(&app, 80, 24).contains("重连中"));
    app.on_tick(now + time::Duration::seconds(11));
    let screen = render(&app, 80, 24);
    assert!(
        screen.contains("离线") && !screen.contains("重连中"),
        "{screen}"
    );
    // And the stream is opened again.
    assert!(matches!(next(&mut rx).await, Some(Msg::Online)));
}

#[test]
fn a_row_that_cannot_be_fetched_marks_the_list_stale_and_reloads_it() {
    let mut app = app(Lang::ZhCn);
    app.on_msg(Msg::Event(ca_counter::api::OrderEvent {
        id: 11,
        order_no: no("HN20261128000009"),
        kind: "created".into(),
        status: OrderStatus::PendingPayment,
        from: None,
        version: 1,
        action: None,
        at: "2026-11-28T08:00:00Z".into(),
        // From a platform that did not send the row: the tab asks for it.
        order: None,
    }));
    let jobs = app.take_jobs();
    assert!(
        sent::<orders::Request>(&jobs)
            .iter()
            .any(|r| matches!(r, orders::Request::Row { .. }))
    );
    app.answer::<Orders>(orders::Answer::Row {
        order_no: "HN20261128000009".into(),
        result: Err(problem("unavailable", 503, "数据库忙")),
    });
    let jobs = app.take_jobs();
    let reload = sent::<orders::Request>(&jobs)
        .into_iter()
        .find_map(|r| match r {
            orders::Request::Page {
                seq, append: false, ..
            } => Some(seq),
            _ => None,
        });
    let seq = reload.expect("the whole list is fetched again");
    assert!(
        render(&app, 80, 24).contains("列表可能不是最新"),
        "marked stale meanwhile"
    );
    app.answer::<Orders>(orders::Answer::Page {
        seq,
        append: false,
        result: Ok(OrderPage {
            items: vec![
                summary(9, "新客户", OrderStatus::PendingPayment, 0),
                summary(5, "张三", OrderStatus::PendingPayment, 0),
            ],
            next_cursor: None,
            search_indexing: None,
        }),
    });
    let screen = render(&app, 80, 24);
    assert!(
        screen.contains("HN20261128000009") && !screen.contains("列表可能不是最新"),
        "{screen}"
    );
}

#[test]
fn a_queue_that_fails_to_load_is_retried_and_says_so() {
    let mut app = review_app(Lang::ZhCn);
    let seq = app.tab::<Review>().map(|r| r.fetch.seq()).unwrap_or(0);
    app.on_msg(Msg::Event(ca_counter::api::OrderEvent {
        id: 12,
        order_no: no("HN20261128000003"),
        kind: "transition".into(),
        status: OrderStatus::PendingShipment,
        from: Some(OrderStatus::PendingReview),
        version: 4,
        action: Some("approve".into()),
        at: "2026-11-28T08:00:00Z".into(),
        order: None,
    }));
    app.take_jobs();
    let failed = app.tab::<Review>().map(|r| r.fetch.seq()).unwrap_or(0);
    assert!(failed > seq, "the event asked for the queue again");
    app.answer::<Review>(review::Answer::Queue {
        seq: failed,
        result: Err(problem("unavailable", 503, "数据库忙")),
    });
    let screen = render(&app, 80, 24);
    assert!(
        screen.contains("列表未更新") && screen.contains("张三"),
        "the last rows stay, marked: {screen}"
    );
    app.on_tick(NOW + time::Duration::seconds(2));
    assert!(
        sent::<review::Request>(&app.take_jobs()).is_empty(),
        "not at once"
    );
    app.on_tick(NOW + time::Duration::seconds(6));
    let jobs = app.take_jobs();
    let again = sent::<review::Request>(&jobs).iter().find_map(|r| match r {
        review::Request::Queue { seq } => Some(*seq),
        _ => None,
    });
    assert!(again.is_some(), "retried");
    // The platform unreachable: said plainly (a list holds nothing typed to keep).
    ca_counter::api::install_tls_provider();
    let network = reqwest::Client::new()
        .get("not an address")
        .build()
        .map(|_| ())
        .expect_err("a reqwest error");
    app.answer::<Review>(review::Answer::Queue {
        seq: again.unwrap_or(0),
        result: Err(ca_counter::api::ClientError::Network(network)),
    });
    let screen = render(&app, 80, 24);
    assert!(
        screen.contains("连不上平台") && !screen.contains("已填写的内容都在"),
        "{screen}"
    );
}

/// Started while the platform was out of reach: once the link is up, the platform's facts
/// are asked for (the status line lacked 演示 until Ctrl-R) and "cannot reach the platform"
/// goes.
#[test]
fn started_offline_the_platforms_facts_come_with_the_link() {
    use ca_counter::tui::app::{FrameAnswer, FrameRequest};
    let mut app = bare(Lang::ZhCn);
    app.on_msg(Msg::Answer {
        to: ca_counter::tui::net::Route::Frame,
        answer: Box::new(FrameAnswer::Me(Err(network_error()))),
    });
    for attempt in 1..=4 {
        app.on_msg(Msg::Reconnecting {
            attempt,
            reason: "refused".into(),
        });
    }
    assert!(render(&app, 80, 24).contains("连不上平台"));
    app.take_jobs();
    app.on_msg(Msg::Online);
    let asked = sent::<FrameRequest>(&app.take_jobs());
    assert!(asked.contains(&FrameRequest::Health), "{asked:?}");
    assert!(asked.contains(&FrameRequest::Carriers), "{asked:?}");
    let screen = render(&app, 80, 24);
    assert!(!screen.contains("连不上平台"), "{screen}");
}
