//! The live event stream: resumable without gaps or repeats, shared across instances.

use std::time::Duration;

use ca_counter::api::{EventStream, ServerEvent};
use ca_counter::domain::{Action, OrderStatus};
use futures_util::StreamExt;

use crate::common::{Db, TestApp, second_instance};
use crate::on_both_databases;

on_both_databases!(
    a_client_that_reconnects_with_last_event_id_gets_every_missed_event_once,
    changes_arrive_on_the_stream_as_they_happen,
    an_event_says_where_the_order_came_from_and_carries_its_row,
    the_counts_name_the_newest_event_they_include,
    a_resume_after_an_event_this_instance_has_not_read_yet_repeats_nothing,
);

/// A client that got an event through another instance (or from a stream's catch-up,
/// which reads the table ahead of its instance's reader) resumes after it on an instance
/// that has not read it yet: it goes on after that event — no `hello` as if the number
/// were never given, and the event not sent again when the instance reads it (the client
/// counted it twice).
async fn a_resume_after_an_event_this_instance_has_not_read_yet_repeats_nothing(db: Db) {
    let app = TestApp::spawn(db).await;
    let url = app.db.as_ref().expect("db").url.clone();
    let other = second_instance(&url).await;
    let through_other =
        ca_counter::api::Client::new(&other.base_url(), &app.clerk, ca_counter::i18n::Lang::En)
            .expect("client");
    let body = app.new_order_body("张三").await;
    let before = other.store().last_event_id().await.expect("newest event");
    let made = through_other
        .create_order("resume-ahead-1", &body)
        .await
        .expect("order through instance B");
    // Its event numbered (on PostgreSQL just after its commit, by the sequencer).
    let mut seen = before;
    for _ in 0..100 {
        seen = other.store().last_event_id().await.expect("newest event");
        if seen > before {
            break;
        }
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    assert!(seen > before, "the order's event is numbered");
    // At once on instance A: on SQLite it reads another process's commits every 2 s.
    let mut stream = app
        .client(&app.support)
        .events(Some(seen))
        .await
        .expect("resume on A");
    let order = app.submit("李四").await;
    match next(&mut stream).await {
        ServerEvent::Order(event) => {
            assert!(event.id > seen, "{} again (after {seen})", event.id);
            assert_eq!(event.order_no, order.order_no);
            assert_ne!(event.order_no, made.order_no);
        }
        other => panic!("the change after {seen}: {other:?}"),
    }
    let nothing_more = tokio::time::timeout(Duration::from_millis(2500), stream.next()).await;
    assert!(nothing_more.is_err(), "nothing repeated: {nothing_more:?}");
    drop(stream);
    other.shutdown().await.expect("B stops");
    app.finish().await;
}

async fn next(stream: &mut EventStream) -> ServerEvent {
    match tokio::time::timeout(Duration::from_secs(5), stream.next()).await {
        Ok(Some(Ok(event))) => event,
        other => panic!("no event within 5 s: {other:?}"),
    }
}

async fn changes_arrive_on_the_stream_as_they_happen(db: Db) {
    let app = TestApp::spawn(db).await;
    let mut stream = app
        .client(&app.support)
        .events(None)
        .await
        .expect("subscribe");
    let ServerEvent::Hello { last_event_id } = next(&mut stream).await else {
        panic!("first comes hello");
    };
    assert_eq!(last_event_id, 0);
    let order = app.submit("张三").await;
    let ServerEvent::Order(created) = next(&mut stream).await else {
        panic!("order event");
    };
    assert_eq!(
        (created.order_no.as_str(), created.kind.as_str()),
        (order.order_no.as_str(), "created")
    );
    assert_eq!(created.status, OrderStatus::PendingPayment);
    app.act(
        &app.clerk,
        &order,
        Action::ChooseBankTransfer,
        Default::default(),
    )
    .await;
    let ServerEvent::Order(moved) = next(&mut stream).await else {
        panic!("order event");
    };
    assert_eq!(moved.action.as_deref(), Some("choose_bank_transfer"));
    assert_eq!(
        (moved.status, moved.version),
        (OrderStatus::PendingVoucher, 2)
    );
    assert!(moved.id > created.id);
    app.finish().await;
}

async fn an_event_says_where_the_order_came_from_and_carries_its_row(db: Db) {
    let app = TestApp::spawn(db).await;
    let client = app.client(&app.support);
    let mut stream = client.events(None).await.expect("subscribe");
    next(&mut stream).await;
    let order = app.submit("张三").await;
    app.act(
        &app.clerk,
        &order,
        Action::ChooseBankTransfer,
        Default::default(),
    )
    .await;
    let ServerEvent::Order(created) = next(&mut stream).await else {
        panic!("order event");
    };
    let ServerEvent::Order(moved) = next(&mut stream).await else {
        panic!("order event");
    };
    assert_eq!(created.from, None);
    assert_eq!(
        created.count_move(),
        Some((None, OrderStatus::PendingPayment))
    );
    assert_eq!(moved.from, Some(OrderStatus::PendingPayment));
    assert_eq!(
        moved.count_move(),
        Some((
            Some(OrderStatus::PendingPayment),
            OrderStatus::PendingVoucher
        ))
    );
    // The row is the one the list shows, as it is now.
    let listed = client
        .orders(&ca_counter::api::OrderQuery {
            q: Some(order.order_no.to_string()),
            ..Default::default()
        })
        .await
        .expect("list")
        .items
        .into_iter()
        .next()
        .expect("listed");
    assert_eq!(moved.order.as_deref(), Some(&listed));
    assert_eq!(listed.status, OrderStatus::PendingVoucher);
    app.finish().await;
}

async fn the_counts_name_the_newest_event_they_include(db: Db) {
    let app = TestApp::spawn(db).await;
    let client = app.client(&app.support);
    let mut stream = client.events(None).await.expect("subscribe");
    next(&mut stream).await;
    let order = app.submit("甲").await;
    app.act(
        &app.clerk,
        &order,
        Action::ChooseBankTransfer,
        Default::default(),
    )
    .await;
    next(&mut stream).await;
    let ServerEvent::Order(moved) = next(&mut stream).await else {
        panic!("order event");
    };
    let counts = client.counts().await.expect("counts");
    assert_eq!(counts.as_of, Some(moved.id));
    let count = |status| {
        counts
            .counts
            .iter()
            .find(|c| c.status == status)
            .map(|c| c.count)
    };
    assert_eq!(count(OrderStatus::PendingVoucher), Some(1));
    assert_eq!(count(OrderStatus::PendingPayment), Some(0));
    app.finish().await;
}

async fn a_client_that_reconnects_with_last_event_id_gets_every_missed_event_once(db: Db) {
    let app = TestApp::spawn(db).await;
    let client = app.client(&app.support);
    let mut stream = client.events(None).await.expect("subscribe");
    next(&mut stream).await;
    app.submit("甲").await;
    let ServerEvent::Order(seen) = next(&mut stream).await else {
        panic!("order event");
    };
    drop(stream);

    let mut missed = Vec::new();
    for name in ["乙", "丙", "丁"] {
        let order = app.submit(name).await;
        missed.push((order.order_no.clone(), "created"));
        app.act(
            &app.clerk,
            &order,
            Action::ChooseBankTransfer,
            Default::default(),
        )
        .await;
        missed.push((order.order_no, "transition"));
    }
    let mut stream = client.events(Some(seen.id)).await.expect("resume");
    let mut got = Vec::new();
    let mut last = seen.id;
    for _ in 0..missed.len() {
        match next(&mut stream).await {
            ServerEvent::Order(event) => {
                assert!(event.id > last, "ids increase, none repeated");
                last = event.id;
                got.push((
                    event.order_no,
                    if event.kind == "created" {
                        "created"
                    } else {
                        "transition"
                    },
                ));
            }
            ServerEvent::Hello { .. } => panic!("no hello when resuming"),
            ServerEvent::Realname(event) => panic!("no verification happened: {event:?}"),
        }
    }
    assert_eq!(got, missed);
    let nothing_more = tokio::time::timeout(Duration::from_millis(500), stream.next()).await;
    assert!(
        nothing_more.is_err(),
        "no duplicates after the missed ones: {nothing_more:?}"
    );
    drop(stream);

    // A number this platform never gave (kept from another database): a hello with the
    // newest number, as a fresh subscription gets, so the client reloads; then changes.
    let mut stream = client.events(Some(last + 1_000_000)).await.expect("resume");
    match next(&mut stream).await {
        ServerEvent::Hello { last_event_id } => assert_eq!(last_event_id, last),
        other => panic!("a hello first: {other:?}"),
    }
    let order = app.submit("戊").await;
    match next(&mut stream).await {
        ServerEvent::Order(event) => assert_eq!(event.order_no, order.order_no),
        other => panic!("the change: {other:?}"),
    }
    app.finish().await;
}

/// Several `serve` instances on one PostgreSQL database are one platform: a change made
/// through one reaches the event streams of the other.
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
#[cfg_attr(
    not(pg_tests),
    ignore = "PostgreSQL suite NOT RUN: set CA_COUNTER_TEST_PG=postgres://postgres@127.0.0.1:5432/postgres"
)]
async fn postgres_instances_share_one_event_stream() {
    let app = TestApp::spawn(Db::Postgres).await;
    let url = app.db.as_ref().expect("db").url.clone();
    let other = second_instance(&url).await;
    let other_client =
        ca_counter::api::Client::new(&other.base_url(), &app.support, ca_counter::i18n::Lang::En)
            .expect("client");
    let mut stream = other_client
        .events(None)
        .await
        .expect("subscribe on instance B");
    next(&mut stream).await;
    let started = std::time::Instant::now();
    let order = app.submit("张三").await; // through instance A
    let ServerEvent::Order(event) = next(&mut stream).await else {
        panic!("order event");
    };
    assert_eq!(event.order_no, order.order_no);
    assert!(
        started.elapsed() < Duration::from_secs(2),
        "pushed, not found by the 15 s rescan"
    );
    drop(stream);
    other.shutdown().await.expect("B stops");
    app.finish().await;
}
