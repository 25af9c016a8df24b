//! What an order event carries is used without asking the platform back: the tab bar's
//! counts move by the event's `from` → `status`, the order's row is patched from the
//! event's summary, and a queue is asked for again only when the event touches it.

use ca_counter::api::{Counts, OrderEvent, OrderSummary, StatusCount};
use ca_counter::domain::OrderStatus;
use ca_counter::i18n::Lang;
use ca_counter::tui::app::{App, FrameAnswer, FrameRequest};
use ca_counter::tui::net::Msg;
use ca_counter::tui::tabs::orders::{self, Orders};
use ca_counter::tui::tabs::review::{self, Review};

use crate::fixtures::*;

/// An event about order `n` of the fixtures, with its row as the platform sends it.
fn event(id: i64, n: u32, from: Option<OrderStatus>, status: OrderStatus) -> OrderEvent {
    let kind = if from.is_some() {
        "transition"
    } else {
        "created"
    };
    let version = if from.is_some() { 2 } else { 1 };
    OrderEvent {
        id,
        order_no: no(&format!("HN20261128{n:06}")),
        kind: kind.into(),
        action: from.map(|_| "pay".into()),
        status,
        from,
        version,
        at: "2026-11-28T08:00:00Z".into(),
        order: Some(Box::new(OrderSummary {
            version,
            ..summary(n, "张三", status, 0)
        })),
    }
}

fn asked_counts(app: &mut App) -> bool {
    sent::<FrameRequest>(&app.take_jobs()).contains(&FrameRequest::Counts)
}

fn counts(pending_payment: i64, pending_review: i64, as_of: i64) -> Counts {
    Counts {
        counts: OrderStatus::ALL
            .iter()
            .map(|s| StatusCount {
                status: *s,
                count: match s {
                    OrderStatus::PendingPayment => pending_payment,
                    OrderStatus::PendingReview => pending_review,
                    _ => 0,
                },
            })
            .collect(),
        as_of: Some(as_of),
    }
}

#[test]
fn a_paid_order_moves_one_from_awaiting_payment_to_review_without_asking() {
    let mut app = app(Lang::ZhCn);
    assert_eq!(app.count(OrderStatus::PendingReview), Some(4));
    app.on_msg(Msg::Event(event(
        COUNTS_AS_OF + 1,
        5,
        Some(OrderStatus::PendingPayment),
        OrderStatus::PendingReview,
    )));
    assert_eq!(app.count(OrderStatus::PendingPayment), Some(1));
    assert_eq!(app.count(OrderStatus::PendingReview), Some(5));
    let jobs = app.take_jobs();
    assert!(
        !sent::<FrameRequest>(&jobs).contains(&FrameRequest::Counts),
        "the counts are not asked for"
    );
    assert!(
        !sent::<orders::Request>(&jobs)
            .iter()
            .any(|r| matches!(r, orders::Request::Row { .. })),
        "the row is not asked for"
    );
    let screen = render(&app, 80, 24);
    assert!(screen.contains("审核队列 (5)"), "{screen}");
    let row = screen
        .lines()
        .find(|l| l.contains("HN20261128000005"))
        .unwrap_or_default();
    assert!(
        row.contains("待审核"),
        "the row shows the new status: {row}"
    );

    // A new order adds one; a note moves nothing.
    app.on_msg(Msg::Event(event(
        COUNTS_AS_OF + 2,
        6,
        None,
        OrderStatus::PendingReview,
    )));
    let note = OrderEvent {
        kind: "note".into(),
        from: None,
        ..event(COUNTS_AS_OF + 3, 3, None, OrderStatus::PendingReview)
    };
    app.on_msg(Msg::Event(note));
    assert_eq!(app.count(OrderStatus::PendingReview), Some(6));
    assert!(!asked_counts(&mut app));
}

#[test]
fn events_that_arrive_while_the_counts_are_fetched_count_once() {
    let mut app = app(Lang::ZhCn);
    // The link comes back: the counts are fetched again.
    app.on_msg(Msg::Reconnecting {
        attempt: 1,
        reason: "closed".into(),
    });
    app.on_msg(Msg::Online);
    assert!(asked_counts(&mut app));
    // Two payments arrive while the question is on its way; the platform read its counts
    // after the first (event 21) and before the second (event 22).
    let paid = |id, n| {
        event(
            id,
            n,
            Some(OrderStatus::PendingPayment),
            OrderStatus::PendingReview,
        )
    };
    app.on_msg(Msg::Event(paid(21, 5)));
    app.on_msg(Msg::Event(paid(22, 4)));
    app.frame_answer(FrameAnswer::Counts(Ok(counts(9, 11, 21))));
    assert_eq!(
        (
            app.count(OrderStatus::PendingPayment),
            app.count(OrderStatus::PendingReview)
        ),
        (Some(8), Some(12)),
        "the answer, plus the payment it did not include"
    );
    // An event the answer included, arriving late, is not counted again; a later one is.
    app.on_msg(Msg::Event(paid(20, 3)));
    app.on_msg(Msg::Event(paid(23, 2)));
    assert_eq!(app.count(OrderStatus::PendingReview), Some(13));
    assert!(!asked_counts(&mut app));
}

#[test]
fn a_queue_is_asked_for_again_only_when_an_event_touches_it() {
    let mut app = review_app(Lang::ZhCn);
    let before = app.tab::<Review>().map(|r| r.fetch.seq()).unwrap_or(0);
    // Chosen bank transfer: neither from nor into review.
    app.on_msg(Msg::Event(event(
        COUNTS_AS_OF + 1,
        5,
        Some(OrderStatus::PendingPayment),
        OrderStatus::PendingVoucher,
    )));
    let jobs = app.take_jobs();
    assert!(
        !sent::<review::Request>(&jobs)
            .iter()
            .any(|r| matches!(r, review::Request::Queue { .. })),
        "the review queue stays"
    );
    assert_eq!(app.tab::<Review>().map(|r| r.fetch.seq()), Some(before));
    // Paid: into review.
    app.on_msg(Msg::Event(event(
        COUNTS_AS_OF + 2,
        4,
        Some(OrderStatus::PendingVoucher),
        OrderStatus::PendingReview,
    )));
    let jobs = app.take_jobs();
    assert!(
        sent::<review::Request>(&jobs)
            .iter()
            .any(|r| matches!(r, review::Request::Queue { .. })),
        "the review queue is asked for"
    );
}

#[test]
fn an_order_with_its_detail_open_is_asked_for_in_full() {
    let mut app = app(Lang::ZhCn);
    if let Some(tab) = app.tab_mut::<Orders>() {
        tab.detail = None;
    }
    key(&mut app, crossterm::event::KeyCode::Enter);
    let opened = sent::<orders::Request>(&app.take_jobs());
    let Some(orders::Request::Detail { order_no, .. }) = opened.first().cloned() else {
        panic!("Enter opens the selected order: {opened:?}");
    };
    let n: u32 = order_no[10..].parse().unwrap_or_default();
    app.on_msg(Msg::Event(event(
        COUNTS_AS_OF + 1,
        n,
        Some(OrderStatus::PendingPayment),
        OrderStatus::PendingReview,
    )));
    let asked = sent::<orders::Request>(&app.take_jobs());
    assert!(
        asked
            .iter()
            .any(|r| matches!(r, orders::Request::Detail { order_no: o, .. } if *o == order_no)),
        "{asked:?}"
    );
    assert!(
        !asked
            .iter()
            .any(|r| matches!(r, orders::Request::Row { .. })),
        "{asked:?}"
    );
}
