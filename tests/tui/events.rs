//! What an order event carries is used without asking the platform back: the tab bar's
//! counts move by the event's `from` → `status`, the order's row is patched from the
//! event's summary, and a queue is asked for again only when the event touches it.

use ca_counter::api::{Counts, OrderEvent, OrderSummary, QUEUE_LIMIT};
use ca_counter::domain::{Deadline, OrderStatus};
use ca_counter::i18n::Lang;
use ca_counter::tui::app::{App, FrameAnswer, FrameRequest};
use ca_counter::tui::net::Msg;
use ca_counter::tui::tabs::invoicing::{self, Invoicing};
use ca_counter::tui::tabs::mailing::{self, Mailing};
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
    counts_as_of(
        &[
            (OrderStatus::PendingPayment, pending_payment),
            (OrderStatus::PendingReview, pending_review),
        ],
        as_of,
    )
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

/// The tab bar with a province's queues, in thousands and in hundreds of thousands.
fn with_queues(lang: Lang, review: i64, mail: i64, invoice: i64) -> App {
    let mut app = app(lang);
    set_queues(&mut app, review, mail, invoice);
    app
}

fn set_queues(app: &mut App, review: i64, mail: i64, invoice: i64) {
    app.frame_answer(FrameAnswer::Counts(Ok(counts_as_of(
        &[
            (OrderStatus::PendingReview, review),
            (OrderStatus::PendingShipment, mail),
            (OrderStatus::PendingInvoice, invoice),
        ],
        COUNTS_AS_OF + 100,
    ))));
}

/// The shown queue answered again, full: as many orders as a queue lists at once.
fn fill_queue(app: &mut App) {
    let n = QUEUE_LIMIT as u32;
    if let Some(seq) = app.tab::<Review>().map(|t| t.fetch.seq()) {
        app.answer::<Review>(review::Answer::Queue {
            seq,
            result: Ok(ca_counter::api::ReviewQueue {
                items: (1..=n)
                    .map(|i| review_item(i, "张三", 20, Deadline::Ok))
                    .collect(),
                promise_working_days: 2,
            }),
        });
    }
    if let Some(seq) = app.tab::<Mailing>().map(|t| t.fetch.seq()) {
        app.answer::<Mailing>(mailing::Answer::Queue {
            seq,
            result: Ok(ca_counter::api::MailingQueue {
                items: (1..=n)
                    .map(|i| mailing_item(i, "张三", "麓山南路 932 号", 20, Deadline::Ok))
                    .collect(),
                promise_working_days: 2,
                carriers: carriers(),
            }),
        });
    }
    if let Some(seq) = app.tab::<Invoicing>().map(|t| t.fetch.seq()) {
        app.answer::<Invoicing>(invoicing::Answer::Queue {
            seq,
            result: Ok(ca_counter::api::InvoicingQueue {
                items: (1..=n).map(|i| invoicing_item(i, "张三", false)).collect(),
            }),
        });
    }
}

#[test]
fn a_queue_that_lists_the_oldest_500_says_how_many_wait_in_all() {
    for lang in [Lang::ZhCn, Lang::En] {
        let all = |n: i64| match lang {
            Lang::ZhCn => format!("共 {n} 单，这里列出最早的 {QUEUE_LIMIT} 单"),
            _ => format!("{n} in all; the oldest {QUEUE_LIMIT} are listed here"),
        };
        for (mut app, invoicing) in [
            (review_app(lang), false),
            (mail_app(lang), false),
            (invoice_app(lang), true),
        ] {
            // A short queue is the whole queue: a count that ran ahead of it (an event,
            // the queue not yet fetched again) says nothing of "in all".
            set_queues(&mut app, 5652, 15584, 21399);
            let screen = render(&app, 80, 24);
            assert!(
                !screen.contains("in all") && !screen.contains("共 "),
                "{lang:?}: {screen}"
            );
            fill_queue(&mut app);
            let screen = render(&app, 80, 24);
            let shown = [5652, 15584, 21399]
                .into_iter()
                .filter(|n| screen.contains(&all(*n)))
                .count();
            assert_eq!(shown, 1, "{lang:?}: {screen}");
            // 开票's own line then counts the listed only, not "to invoice 500" over "in all".
            if invoicing {
                assert!(
                    screen.contains("列出的 500 单中") || screen.contains("of the 500 listed"),
                    "{lang:?}: {screen}"
                );
            }
            // As many as listed: nothing more is said.
            let full = QUEUE_LIMIT as i64;
            set_queues(&mut app, full, full, full);
            let screen = render(&app, 80, 24);
            assert!(!screen.contains(&all(full)), "{lang:?}: {screen}");
        }
        // A row taken out of a full list (a decision, before the queue comes again): still
        // the oldest of more.
        let mut app = review_app(lang);
        fill_queue(&mut app);
        let first = review_item(1, "张三", 20, Deadline::Ok).order.order_no;
        let removed = app
            .tab_mut::<Review>()
            .and_then(|r| r.queue.remove(first.as_str()));
        assert!(removed.is_some());
        set_queues(&mut app, 5651, 1, 1);
        let screen = render(&app, 80, 24);
        let fewer = match lang {
            Lang::ZhCn => "共 5651 单，这里列出最早的 499 单",
            _ => "5651 in all; the oldest 499 are listed here",
        };
        assert!(screen.contains(fewer), "{lang:?}: {screen}");
    }
}

#[test]
fn a_provinces_queues_fit_the_tab_bar_at_80_columns_whole() {
    for lang in [Lang::ZhCn, Lang::En] {
        let app = with_queues(lang, 5652, 15584, 23001);
        let screen = render(&app, 80, 24);
        let bar = first_row(&screen);
        for label in ["3 ", "(5652)", "4 ", "(15584)", "5 ", "(23001)"] {
            assert!(bar.contains(label), "{lang:?}: {label:?} in {bar}");
        }
        // Six figures: where they do not fit, the count gives way, never the tab's name or
        // its parenthesis.
        let app = with_queues(lang, 565_200, 155_840, 230_010);
        let screen = render(&app, 80, 24);
        let bar = first_row(&screen);
        for (count, title) in [(565_200, "3 "), (155_840, "4 "), (230_010, "5 ")] {
            assert!(
                bar.contains(title)
                    && (bar.contains(&format!("({count})")) || bar.contains("(999+)")),
                "{lang:?}: {count} in {bar}"
            );
        }
        assert_eq!(bar.matches(')').count(), 3, "{lang:?}: {bar}");
        if lang == Lang::ZhCn {
            assert_eq!(bar.matches("(999+)").count(), 3, "{bar}");
        }
    }
    // The separators keep their spaces while everything fits, and lose them when not.
    let screen = render(&with_queues(Lang::ZhCn, 56, 155, 23), 80, 24);
    assert!(first_row(&screen).contains("  │  "), "{screen}");
    let screen = render(&with_queues(Lang::ZhCn, 5652, 15584, 23001), 80, 24);
    assert!(!first_row(&screen).contains("  │  "), "{screen}");
}

/// The first row of a rendered screen, without the test backend's note on wide symbols.
fn first_row(screen: &str) -> &str {
    let row = screen.lines().next().unwrap_or_default();
    row.split(" Hidden by").next().unwrap_or_default()
}

/// A queue listing its oldest 500 of more: the summary line counts what waits, not the
/// 500 listed, and an overdue count that covers every listed order is a floor (`500+`).
#[test]
fn a_cut_queues_summary_counts_what_waits() {
    let mut app = review_app(Lang::ZhCn);
    let n = QUEUE_LIMIT as u32;
    if let Some(seq) = app.tab::<Review>().map(|t| t.fetch.seq()) {
        app.answer::<Review>(review::Answer::Queue {
            seq,
            result: Ok(ca_counter::api::ReviewQueue {
                items: (1..=n)
                    .map(|i| review_item(i, "张三", 20, Deadline::Overdue))
                    .collect(),
                promise_working_days: 2,
            }),
        });
    }
    set_queues(&mut app, 602, 1, 1);
    let screen = render(&app, 80, 24);
    assert!(
        screen.contains(&format!("待审核 602 单 · 已超时 {QUEUE_LIMIT}+ · 将超时 0")),
        "{screen}"
    );
    let mut app = mail_app(Lang::En);
    fill_queue(&mut app);
    set_queues(&mut app, 1, 1586, 1);
    let screen = render(&app, 80, 24);
    assert!(screen.contains("1586 to mail (0 overdue)"), "{screen}");
}
