//! Events are numbered without a table lock, yet every reader sees every event once, in
//! one order: sixteen writers on two PostgreSQL instances, a transaction that commits
//! late with an early id, and two streams (one per instance) compared with each other and
//! with the table. The proof of why it holds is in `src/server/store/events.rs`.

use std::collections::HashMap;
use std::time::Duration;

use ca_counter::api::{ActionRequest, Client, EventStream, ServerEvent};
use ca_counter::domain::Action;
use ca_counter::i18n::Lang;
use futures_util::StreamExt;

use crate::common::{Db, TestApp, second_instance};

const WRITERS: usize = 16;
const ORDERS_EACH: usize = 3;

/// One event as a stream told it: (id, what it is about, kind, version).
type Seen = (i64, String, String, i64);

async fn hello(stream: &mut EventStream) -> i64 {
    match tokio::time::timeout(Duration::from_secs(10), stream.next()).await {
        Ok(Some(Ok(ServerEvent::Hello { last_event_id }))) => last_event_id,
        other => panic!("first comes hello: {other:?}"),
    }
}

/// Reads `stream` until it has told `count` events.
async fn collect(mut stream: EventStream, count: usize) -> Vec<Seen> {
    let mut seen = Vec::with_capacity(count);
    while seen.len() < count {
        let event = match tokio::time::timeout(Duration::from_secs(20), stream.next()).await {
            Ok(Some(Ok(event))) => event,
            other => panic!("after {} events, no more: {other:?}", seen.len()),
        };
        match event {
            ServerEvent::Order(e) => {
                seen.push((e.id, e.order_no.to_string(), e.kind, e.version));
            }
            ServerEvent::Realname(e) => seen.push((e.id, e.session_id, "realname".into(), 0)),
            ServerEvent::Hello { .. } => panic!("one hello only"),
        }
    }
    // And nothing after: no event twice.
    let more = tokio::time::timeout(Duration::from_millis(700), stream.next()).await;
    assert!(more.is_err(), "nothing more: {more:?}");
    seen
}

/// What one writer does through `client`: orders created, moved twice, noted.
async fn write(app: &TestApp, client: Client, writer: usize) -> usize {
    let mut events = 0;
    for i in 0..ORDERS_EACH {
        let body = app
            .new_order_body(&format!(
                "写{}号{}",
                crate::common::han(writer),
                crate::common::han(i)
            ))
            .await;
        let order = client
            .create_order(&uuid::Uuid::now_v7().to_string(), &body)
            .await
            .expect("create order");
        let moved = client
            .act(
                &order.order_no,
                Action::ChooseBankTransfer,
                &ActionRequest {
                    version: Some(order.version),
                    ..Default::default()
                },
            )
            .await
            .expect("choose bank transfer");
        client
            .add_note(&order.order_no, "客户来电询问")
            .await
            .expect("note");
        client
            .act(
                &order.order_no,
                Action::Cancel,
                &ActionRequest {
                    version: Some(moved.version),
                    reason: Some("客户放弃".into()),
                    ..Default::default()
                },
            )
            .await
            .expect("cancel");
        events += 4;
    }
    events
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
#[cfg_attr(
    not(pg_tests),
    ignore = "PostgreSQL suite NOT RUN: set CA_COUNTER_TEST_PG=postgres://postgres@127.0.0.1:5432/postgres"
)]
async fn sixteen_writers_on_two_instances_every_reader_sees_every_event_once_in_one_order() {
    let app = TestApp::spawn(Db::Postgres).await;
    let url = app.db.as_ref().expect("db").url.clone();
    let other = second_instance(&url).await;
    let on_a = app.client(&app.support);
    let on_b = Client::new(&other.base_url(), &app.support, Lang::En).expect("client");
    let mut stream_a = on_a.events(None).await.expect("subscribe on A");
    let mut stream_b = on_b.events(None).await.expect("subscribe on B");
    let start_a = hello(&mut stream_a).await;
    let start_b = hello(&mut stream_b).await;
    assert_eq!(
        start_a, start_b,
        "both instances start from the same number"
    );

    // A transaction that writes its event first (the smallest id of the run) and commits
    // last: its event must be numbered after the others, not passed over.
    let mut late = app.store().pool().begin().await.expect("begin");
    sqlx::query(
        "INSERT INTO events (topic, subject_id, subject_no, kind, status, version, at) \
         VALUES ('realname', 'late-session', '', 'realname', 'pending', 0, 0)",
    )
    .execute(&mut *late)
    .await
    .expect("insert the late event");

    let writers = (0..WRITERS).map(|w| {
        let app = &app;
        let token = app.clerk.clone();
        let base = if w % 2 == 0 {
            app.base.clone()
        } else {
            other.base_url()
        };
        async move {
            let client = Client::new(&base, &token, Lang::En).expect("client");
            write(app, client, w).await
        }
    });
    let written: usize = futures_util::future::join_all(writers)
        .await
        .into_iter()
        .sum();
    // The sequencers number what the writers committed within milliseconds of their
    // answers, not before them; once every such event has its number, the late event's
    // small id is the trap: it must be numbered after all of them, not passed over.
    let deadline = std::time::Instant::now() + Duration::from_secs(10);
    loop {
        let unnumbered: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM events WHERE seq IS NULL")
            .fetch_one(app.store().pool())
            .await
            .expect("unnumbered events");
        if unnumbered == 0 {
            break;
        }
        assert!(
            std::time::Instant::now() < deadline,
            "{unnumbered} committed events never numbered"
        );
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
    late.commit().await.expect("commit the late event");
    // Its commit woke no reader: it is numbered by the next write (or the rescan tick).
    app.submit("最后").await;
    let total = written + 2;

    let (seen_a, seen_b) = tokio::join!(collect(stream_a, total), collect(stream_b, total));

    // Every number once, consecutive, from where the streams started.
    let ids: Vec<i64> = seen_a.iter().map(|s| s.0).collect();
    let expected: Vec<i64> = (start_a + 1..=start_a + total as i64).collect();
    assert_eq!(ids, expected, "consecutive ids, none missing, none twice");
    // One order for every reader.
    assert_eq!(
        seen_a, seen_b,
        "both instances' streams tell the same story"
    );

    // The table agrees, and nothing is left unnumbered.
    let rows: Vec<(Option<i64>, String, String, String, i64)> = sqlx::query_as(
        "SELECT seq, topic, CASE WHEN topic = 'order' THEN subject_no ELSE subject_id END, \
         kind, version FROM events WHERE seq IS NULL OR seq > $1 ORDER BY seq",
    )
    .bind(start_a)
    .fetch_all(app.store().pool())
    .await
    .expect("events");
    let table: Vec<Seen> = rows
        .into_iter()
        .map(|(seq, topic, subject, kind, version)| {
            let seq = seq.expect("every committed event is numbered");
            let version = if topic == "realname" { 0 } else { version };
            (seq, subject, kind, version)
        })
        .collect();
    assert_eq!(table, seen_a, "the streams tell what the table holds");

    // The late event came after every event committed before it.
    let late_at = seen_a
        .iter()
        .position(|s| s.1 == "late-session")
        .expect("the late event arrives");
    assert!(
        late_at >= written,
        "numbered after the {written} events committed before it, at {late_at}"
    );

    // Each order's changes in the order they happened: versions 1, 2, 2 (the note), 3.
    let mut versions: HashMap<&str, Vec<(String, i64)>> = HashMap::new();
    for (_, order_no, kind, version) in &seen_a {
        if kind != "realname" {
            versions
                .entry(order_no)
                .or_default()
                .push((kind.clone(), *version));
        }
    }
    for (order_no, changes) in &versions {
        if changes.len() == 1 {
            continue; // the last order, only created
        }
        let kinds: Vec<&str> = changes.iter().map(|(k, _)| k.as_str()).collect();
        let numbers: Vec<i64> = changes.iter().map(|(_, v)| *v).collect();
        assert_eq!(
            (kinds, numbers),
            (
                vec!["created", "transition", "note", "transition"],
                vec![1, 2, 2, 3]
            ),
            "order {order_no}"
        );
    }
    assert_eq!(versions.len(), WRITERS * ORDERS_EACH + 1);

    other.shutdown().await.expect("B stops");
    app.finish().await;
}
