//! 邮寄 on screen: a batch ticked, numbers scanned one after another, refused numbers said
//! in full, the queue read-only for support.

use ca_counter::api::{MailingQueue, Shipment};
use ca_counter::domain::{Deadline, OrderStatus, Role};
use ca_counter::i18n::Lang;
use ca_counter::tui::tabs::mailing::{self, Mailing};
use crossterm::event::KeyCode;

use crate::fixtures::*;

fn shipped(no: &str, carrier: &str, number: &str) -> mailing::Answer {
    let mut order = order();
    order.order_no = crate::fixtures::no(no);
    order.status = OrderStatus::PendingInvoice;
    order.shipment = Some(Shipment {
        carrier: carrier.into(),
        tracking_no: number.into(),
        shipped_at: "2026-11-28T08:00:00Z".into(),
    });
    mailing::Answer::Shipped {
        order_no: no.into(),
        result: Ok(Box::new(order)),
    }
}

#[test]
fn the_mailroom_ticks_a_batch_and_scans_numbers_one_after_another() {
    for lang in Lang::ALL {
        let mut app = mail_app(lang);
        // Tick the first and the third.
        key(&mut app, KeyCode::Char(' '));
        key(&mut app, KeyCode::Down);
        key(&mut app, KeyCode::Char(' '));
        insta::assert_snapshot!(
            format!("mail_list_{}", lang_name(lang)),
            render(&app, 80, 24)
        );
        key(&mut app, KeyCode::Enter);
        // A scanner reads a number with a wrong check digit: refused here, field cleared.
        typed(&mut app, "ea123456784cn");
        key(&mut app, KeyCode::Enter);
        assert!(app.take_jobs().is_empty(), "nothing sent");
        insta::assert_snapshot!(
            format!("mail_scan_error_{}", lang_name(lang)),
            render(&app, 80, 24)
        );
        // The right one, typed again once the refusal is read, goes to the platform for
        // the first order of the batch.
        let now = app.now;
        app.on_tick(now + time::Duration::seconds(3));
        app.take_jobs();
        typed(&mut app, "EA123456785CN");
        key(&mut app, KeyCode::Enter);
        let jobs = app.take_jobs();
        let requests = sent::<mailing::Request>(&jobs);
        let Some(mailing::Request::Ship { order_no, body }) = requests.first() else {
            panic!("a ship request, got {requests:?}");
        };
        assert_eq!(order_no, "HN20261128000001");
        assert_eq!(body.carrier.as_deref(), Some("ems"));
        assert_eq!(body.tracking_no.as_deref(), Some("EA123456785CN"));
        app.answer::<Mailing>(shipped("HN20261128000001", "ems", "EA123456785CN"));
        // On to the second of the batch (the third order); the same number again is
        // refused before it leaves the counter, and the whole message is on screen.
        typed(&mut app, "EA123456785CN");
        key(&mut app, KeyCode::Enter);
        assert!(app.take_jobs().is_empty());
        let screen = render(&app, 80, 24);
        let whole = if lang == Lang::En {
            "twice?"
        } else {
            "重复扫描"
        };
        assert!(screen.contains(whole), "{screen}");
        insta::assert_snapshot!(format!("mail_scan_next_{}", lang_name(lang)), screen);
        // Stopped there, the order not shipped stays ticked for the next batch; the
        // shipped one is not.
        key(&mut app, KeyCode::Esc);
        let ticked = app
            .tab::<Mailing>()
            .map(|m| m.ticked.clone())
            .unwrap_or_default();
        assert_eq!(ticked, ["HN20261128000003"], "{lang:?}");
    }
}

#[test]
fn support_sees_the_mailing_queue_without_shipping_keys() {
    let mut app = app(Lang::ZhCn);
    operator(&mut app, "周客服", Role::Support);
    app.show_tab::<Mailing>();
    let seq = app.tab::<Mailing>().map(|m| m.fetch.seq()).unwrap_or(0);
    let mut item = mailing_item(1, "张三", "****", 20, Deadline::Overdue);
    item.phone = "138****5678".into();
    item.masked = true;
    app.answer::<Mailing>(mailing::Answer::Queue {
        seq,
        result: Ok(MailingQueue {
            items: vec![item],
            promise_working_days: 2,
            carriers: carriers(),
        }),
    });
    let screen = render(&app, 80, 24);
    assert!(screen.contains("138****5678"), "{screen}");
    assert!(!screen.contains("扫描单号寄出"), "{screen}");
    // No tick box to tick: the row starts with its order number.
    assert!(!screen.contains("[ ]"), "{screen}");
    let row = screen
        .lines()
        .find(|l| l.contains("HN20261128000001"))
        .unwrap_or_else(|| panic!("the parcel's row: {screen}"));
    assert!(
        row.trim_start_matches(['"', '│', '|', ' '])
            .starts_with("HN20261128000001"),
        "{screen}"
    );
    // Nor a count of ticks, nor a carrier to ship with.
    assert!(
        screen.contains("待邮寄 1 单（已超时 1）")
            && !screen.contains("已勾选")
            && !screen.contains("承运商"),
        "{screen}"
    );
    // `/` searches nothing here: where it does is said (it did nothing at all).
    key(&mut app, KeyCode::Char('/'));
    let said = render(&app, 80, 24);
    let flat: String = said
        .chars()
        .filter(|c| !c.is_whitespace() && *c != '"')
        .collect();
    assert!(flat.contains("这里不能查找：按2到“待办订单”"), "{said}");
    // And is told so, above the list; Enter shows the order (walk::mailing).
    assert!(screen.contains("只读查看：寄出由邮寄岗操作"), "{screen}");
    key(&mut app, KeyCode::Enter);
    assert!(
        app.tab::<Mailing>().is_some_and(|m| m.scan.is_none()),
        "support does not ship"
    );
}

#[test]
fn numbers_scanned_while_one_is_on_its_way_go_in_turn() {
    let mut app = mail_app(Lang::ZhCn);
    key(&mut app, KeyCode::Enter);
    for number in ["EA123456785CN", "1234567890123", "LX314159268CN"] {
        typed(&mut app, number);
        key(&mut app, KeyCode::Enter);
    }
    // Only the first has gone; the others wait their turn.
    let jobs = app.take_jobs();
    assert_eq!(jobs.len(), 1, "{jobs:?}");
    assert!(render(&app, 80, 24).contains("另有 2 个单号排队"));
    // No answer for seconds (the platform is down): said, and what to do.
    let now = app.now;
    app.on_tick(now + time::Duration::seconds(6));
    app.take_jobs();
    let screen = render(&app, 80, 24);
    assert!(
        screen.contains("平台暂未回应") && screen.contains("排队的 2 个）已记下"),
        "{screen}"
    );
    // Esc does not drop a number on its way.
    key(&mut app, KeyCode::Esc);
    assert!(app.tab::<Mailing>().is_some_and(|m| m.scan.is_some()));
    for (i, (no, number, next)) in [
        ("HN20261128000001", "EA123456785CN", Some("1234567890123")),
        ("HN20261128000002", "1234567890123", Some("LX314159268CN")),
        ("HN20261128000003", "LX314159268CN", None),
    ]
    .into_iter()
    .enumerate()
    {
        app.answer::<Mailing>(shipped(no, "ems", number));
        let jobs = app.take_jobs();
        let requests = sent::<mailing::Request>(&jobs);
        match next {
            Some(next) => {
                let Some(mailing::Request::Ship { body, .. }) = requests.first() else {
                    panic!("step {i}: the next number goes, got {requests:?}");
                };
                assert_eq!(body.tracking_no.as_deref(), Some(next));
            }
            None => assert!(requests.is_empty()),
        }
    }
    assert!(
        app.tab::<Mailing>().is_some_and(|m| m.scan.is_none()),
        "the batch is done"
    );
    let screen = render(&app, 80, 24);
    assert!(screen.contains("本批已寄出 3 单"), "{screen}");
}

/// The numbers each ship request in `jobs` carried, with its order.
fn ships(jobs: &[ca_counter::tui::net::Job]) -> Vec<(String, String)> {
    sent::<mailing::Request>(jobs)
        .into_iter()
        .filter_map(|r| match r {
            mailing::Request::Ship { order_no, body } => {
                Some((order_no, body.tracking_no.unwrap_or_default()))
            }
            _ => None,
        })
        .collect()
}

/// A scanner types the next parcel's number while an answer comes in: what it typed so
/// far stays in the field and the number goes to its own parcel (the answer had replaced
/// the field with the queued number, losing the keys typed, and every later parcel got
/// its neighbour's number).
#[test]
fn an_answer_arriving_mid_number_loses_no_key_and_shifts_no_number() {
    let mut app = mail_app(Lang::ZhCn);
    key(&mut app, KeyCode::Enter);
    for number in ["EA123456785CN", "1234567890123"] {
        typed(&mut app, number);
        key(&mut app, KeyCode::Enter);
    }
    assert_eq!(
        ships(&app.take_jobs()),
        [("HN20261128000001".into(), "EA123456785CN".into())]
    );
    // The third parcel's number half typed when the first is answered.
    typed(&mut app, "LX3141");
    app.answer::<Mailing>(shipped("HN20261128000001", "ems", "EA123456785CN"));
    assert_eq!(
        ships(&app.take_jobs()),
        [("HN20261128000002".into(), "1234567890123".into())]
    );
    typed(&mut app, "59268CN");
    key(&mut app, KeyCode::Enter);
    assert!(app.take_jobs().is_empty(), "waits for the second's answer");
    app.answer::<Mailing>(shipped("HN20261128000002", "ems", "1234567890123"));
    assert_eq!(
        ships(&app.take_jobs()),
        [("HN20261128000003".into(), "LX314159268CN".into())]
    );
    // A number the platform did not answer stays with its parcel; the next one typed
    // meanwhile is not lost either.
    let mut app = mail_app(Lang::ZhCn);
    key(&mut app, KeyCode::Enter);
    typed(&mut app, "EA123456785CN");
    key(&mut app, KeyCode::Enter);
    app.take_jobs();
    typed(&mut app, "12345");
    app.answer::<Mailing>(mailing::Answer::Shipped {
        order_no: "HN20261128000001".into(),
        result: Err(network_error()),
    });
    typed(&mut app, "67890123");
    key(&mut app, KeyCode::Enter);
    assert_eq!(
        ships(&app.take_jobs()),
        [("HN20261128000001".into(), "EA123456785CN".into())],
        "the first parcel's number goes again, for it"
    );
    app.answer::<Mailing>(shipped("HN20261128000001", "ems", "EA123456785CN"));
    assert_eq!(
        ships(&app.take_jobs()),
        [("HN20261128000002".into(), "1234567890123".into())]
    );
}

/// A scanner runs ahead of a refused number: what it scanned after is never put on the
/// refused parcel's order (every later order had got its neighbour's number). The clerk
/// says whose the held numbers are: the next parcels' (`Ctrl-N` skips the refused one) or
/// this parcel's, scanned again (`Ctrl-S`).
#[test]
fn numbers_scanned_after_a_refused_one_never_land_on_its_order() {
    // Queued behind the first: the second is refused when its turn comes, the third stays
    // queued for the third parcel.
    let mut app = mail_app(Lang::ZhCn);
    key(&mut app, KeyCode::Enter);
    for number in ["EA123456785CN", "EA123456784CN", "LX314159268CN"] {
        typed(&mut app, number);
        key(&mut app, KeyCode::Enter);
    }
    app.take_jobs();
    app.answer::<Mailing>(shipped("HN20261128000001", "ems", "EA123456785CN"));
    assert!(ships(&app.take_jobs()).is_empty(), "nothing for the second");
    // A scanner's next number, moments after: held too, and the scan pauses.
    typed(&mut app, "1234567890123");
    key(&mut app, KeyCode::Enter);
    assert!(ships(&app.take_jobs()).is_empty(), "nothing for the second");
    let screen = render(&app, 80, 24);
    assert!(
        screen.contains("已暂停") && screen.contains("Ctrl-N"),
        "{screen}"
    );
    // They were the next parcels': the refused one skipped, they go on in order.
    ctrl(&mut app, 'n');
    assert_eq!(
        ships(&app.take_jobs()),
        [("HN20261128000003".into(), "LX314159268CN".into())]
    );

    // Refused at once (nothing on its way), the same parcel scanned again moments later:
    // held, and Ctrl-S gives it to this parcel.
    let mut app = mail_app(Lang::ZhCn);
    key(&mut app, KeyCode::Enter);
    typed(&mut app, "EA123456784CN");
    key(&mut app, KeyCode::Enter);
    typed(&mut app, "EA123456785CN");
    key(&mut app, KeyCode::Enter);
    assert!(ships(&app.take_jobs()).is_empty());
    // One number held is said as one, not as "all of them".
    let screen = render(&app, 200, 30);
    assert!(screen.contains("排队的 1 个单号没有寄出"), "{screen}");
    assert!(!screen.contains("都没有寄出"), "{screen}");
    ctrl(&mut app, 's');
    assert_eq!(
        ships(&app.take_jobs()),
        [("HN20261128000001".into(), "EA123456785CN".into())]
    );
    // Typed again at a person's pace, it goes at once.
    app.answer::<Mailing>(shipped("HN20261128000001", "ems", "EA123456785CN"));
    typed(&mut app, "EA123456784CN");
    key(&mut app, KeyCode::Enter);
    let now = app.now;
    app.on_tick(now + time::Duration::seconds(3));
    app.take_jobs();
    typed(&mut app, "1234567890123");
    key(&mut app, KeyCode::Enter);
    assert_eq!(
        ships(&app.take_jobs()),
        [("HN20261128000002".into(), "1234567890123".into())]
    );
}

/// A number refused by the platform while the next was already queued: the queued one stays
/// the next parcel's whatever the clerk then says — `Ctrl-S` gives this parcel the number
/// scanned again, `↓` skips it and the queue goes on.
#[test]
fn numbers_queued_before_a_refusal_stay_the_next_parcels() {
    let refusal = || mailing::Answer::Shipped {
        order_no: "HN20261128000001".into(),
        result: Err(problem("validation_failed", 422, "单号已用于其他订单")),
    };
    for skip in [false, true] {
        let mut app = mail_app(Lang::ZhCn);
        key(&mut app, KeyCode::Enter);
        for number in ["EA123456785CN", "1234567890123"] {
            typed(&mut app, number);
            key(&mut app, KeyCode::Enter);
        }
        app.take_jobs();
        app.answer::<Mailing>(refusal());
        assert!(ships(&app.take_jobs()).is_empty());
        if skip {
            key(&mut app, KeyCode::Down);
            assert_eq!(
                ships(&app.take_jobs()),
                [("HN20261128000002".into(), "1234567890123".into())]
            );
            continue;
        }
        // The parcel scanned again moments later: held; Ctrl-S gives it this parcel.
        typed(&mut app, "LX314159268CN");
        key(&mut app, KeyCode::Enter);
        ctrl(&mut app, 's');
        assert_eq!(
            ships(&app.take_jobs()),
            [("HN20261128000001".into(), "LX314159268CN".into())]
        );
        app.answer::<Mailing>(shipped("HN20261128000001", "ems", "LX314159268CN"));
        assert_eq!(
            ships(&app.take_jobs()),
            [("HN20261128000002".into(), "1234567890123".into())]
        );
    }
}

/// `↓` pressed right after a number, while it is on its way, skips the parcel after it:
/// in turn, not lost (the next number had landed on the parcel meant to be skipped).
#[test]
fn a_skip_pressed_while_a_number_is_on_its_way_skips_in_turn() {
    let mut app = mail_app(Lang::ZhCn);
    key(&mut app, KeyCode::Enter);
    typed(&mut app, "EA123456785CN");
    key(&mut app, KeyCode::Enter);
    key(&mut app, KeyCode::Down);
    typed(&mut app, "LX314159268CN");
    key(&mut app, KeyCode::Enter);
    assert_eq!(
        ships(&app.take_jobs()),
        [("HN20261128000001".into(), "EA123456785CN".into())]
    );
    app.answer::<Mailing>(shipped("HN20261128000001", "ems", "EA123456785CN"));
    assert_eq!(
        ships(&app.take_jobs()),
        [("HN20261128000003".into(), "LX314159268CN".into())]
    );
    assert_eq!(
        app.tab::<Mailing>()
            .and_then(|m| m.scan.as_ref())
            .map(|s| s.skipped.clone()),
        Some(vec!["HN20261128000002".to_owned()])
    );
}

#[test]
fn a_batch_stopped_early_counts_the_orders_not_scanned() {
    let mut app = mail_app(Lang::ZhCn);
    key(&mut app, KeyCode::Enter);
    typed(&mut app, "EA123456785CN");
    key(&mut app, KeyCode::Enter);
    app.take_jobs();
    app.answer::<Mailing>(shipped("HN20261128000001", "ems", "EA123456785CN"));
    key(&mut app, KeyCode::Esc);
    let screen = render(&app, 80, 24);
    assert!(
        screen.contains("本批已寄出 1 单，跳过 0 单，还有 2 单未扫描"),
        "{screen}"
    );
}

#[test]
fn an_english_clerk_reads_the_carriers_english_name() {
    let mut app = mail_app(Lang::En);
    key(&mut app, KeyCode::Char('c'));
    key(&mut app, KeyCode::Enter);
    typed(&mut app, "SF1234567890123");
    key(&mut app, KeyCode::Enter);
    app.take_jobs();
    app.answer::<Mailing>(shipped("HN20261128000001", "shunfeng", "SF1234567890123"));
    let screen = render(&app, 80, 24);
    assert!(screen.contains("sent by SF Express"), "{screen}");
    assert!(!screen.contains("顺丰"), "{screen}");
}

#[test]
fn a_parcel_whose_address_changed_after_its_label_says_print_it_again() {
    for lang in Lang::ALL {
        let mut app = mail_app(lang);
        let seq = app.tab::<Mailing>().map(|m| m.fetch.seq()).unwrap_or(0);
        let mut moved = mailing_item(1, "张三", "芙蓉中路 1 号", 20, Deadline::Overdue);
        moved.relabel = true;
        app.answer::<Mailing>(mailing::Answer::Queue {
            seq,
            result: Ok(ca_counter::api::MailingQueue {
                items: vec![
                    moved,
                    mailing_item(2, "李四", "桐梓坡路 8 号", 10, Deadline::Soon),
                ],
                promise_working_days: 2,
                carriers: carriers(),
            }),
        });
        let screen = render(&app, 80, 24);
        let mark = if lang == Lang::ZhCn {
            "改址·"
        } else {
            "relabel · "
        };
        assert!(screen.contains(mark), "{screen}");
        key(&mut app, KeyCode::Enter);
        let screen = render(&app, 80, 24);
        let warning = if lang == Lang::ZhCn {
            "请重新打印此单的面单"
        } else {
            "print its label again"
        };
        assert!(screen.contains(warning), "{screen}");
        insta::assert_snapshot!(format!("mail_relabel_{}", lang_name(lang)), screen);
        // A scanner's number and Enter: refused until the label is printed again.
        typed(&mut app, "EA123456785CN");
        key(&mut app, KeyCode::Enter);
        assert!(app.take_jobs().is_empty(), "nothing shipped");
        let screen = render(&app, 80, 24);
        let first = if lang == Lang::ZhCn {
            "请先按 Ctrl-P 重新打印面单"
        } else {
            "press Ctrl-P to"
        };
        assert!(screen.contains(first), "{screen}");
        // The scanner runs ahead: the next parcel's number, scanned meanwhile, is not taken
        // for this one (it overwrote the number kept, and shipped it on this parcel).
        typed(&mut app, "EA123456799CN");
        key(&mut app, KeyCode::Enter);
        assert!(app.take_jobs().is_empty(), "nothing shipped");
        let screen = render(&app, 80, 24);
        assert!(screen.contains("EA123456785CN"), "{screen}");
        assert!(screen.contains("EA123456799CN"), "{screen}");
        // Ctrl-P prints this parcel's label alone.
        ctrl(&mut app, 'p');
        let jobs = app.take_jobs();
        let labels: Vec<Vec<String>> = sent::<mailing::Request>(&jobs)
            .into_iter()
            .filter_map(|r| match r {
                mailing::Request::Labels { order_nos } => Some(order_nos),
                _ => None,
            })
            .collect();
        assert_eq!(labels, vec![vec!["HN20261128000001".to_owned()]]);
        // Printed again: the queue, asked again, says so, and the scan goes.
        let seq = app.tab::<Mailing>().map(|m| m.fetch.seq()).unwrap_or(0);
        app.answer::<Mailing>(mailing::Answer::Queue {
            seq,
            result: Ok(ca_counter::api::MailingQueue {
                items: vec![
                    mailing_item(1, "张三", "芙蓉中路 1 号", 20, Deadline::Overdue),
                    mailing_item(2, "李四", "桐梓坡路 8 号", 10, Deadline::Soon),
                ],
                promise_working_days: 2,
                carriers: carriers(),
            }),
        });
        let screen = render(&app, 80, 24);
        assert!(!screen.contains(first), "the refusal goes:\n{screen}");
        // The number scanned for it before the reprint is back in the field: Enter sends
        // it (the one scanned after it is not).
        assert!(screen.contains("EA123456785CN"), "{screen}");
        assert!(!screen.contains("EA123456799CN"), "{screen}");
        key(&mut app, KeyCode::Enter);
        let jobs = app.take_jobs();
        assert!(
            sent::<mailing::Request>(&jobs).iter().any(
                |r| matches!(r, mailing::Request::Ship { order_no, body }
                    if order_no == "HN20261128000001"
                        && body.tracking_no.as_deref() == Some("EA123456785CN"))
            ),
            "{:?}",
            sent::<mailing::Request>(&jobs)
        );
    }
}

#[test]
fn an_address_corrected_while_its_parcel_is_up_shows_at_once() {
    let mut app = mail_app(Lang::ZhCn);
    key(&mut app, KeyCode::Enter);
    app.take_jobs();
    // The queue asked again after the change: the parcel up shows the new address, its
    // label to print again, and its new version goes with the number.
    let seq = app.tab::<Mailing>().map(|m| m.fetch.seq()).unwrap_or(0);
    let mut moved = mailing_item(1, "张三", "芙蓉中路 1 号", 20, Deadline::Overdue);
    moved.relabel = true;
    moved.order.version = 7;
    app.answer::<Mailing>(mailing::Answer::Queue {
        seq,
        result: Ok(MailingQueue {
            items: vec![
                moved,
                mailing_item(2, "李四", "桐梓坡路 8 号", 10, Deadline::Soon),
                mailing_item(3, "王五", "五一大道 99 号", 2, Deadline::Ok),
            ],
            promise_working_days: 2,
            carriers: carriers(),
        }),
    });
    let screen = render(&app, 80, 24);
    assert!(screen.contains("芙蓉中路 1 号"), "{screen}");
    assert!(screen.contains("请重新打印此单的面单"), "{screen}");
    let version = app
        .tab::<Mailing>()
        .and_then(|m| m.scan.as_ref())
        .and_then(|s| s.current())
        .map(|i| i.order.version);
    assert_eq!(version, Some(7));
}

/// The platform goes down while a parcel's number is on its way and two more are queued:
/// that number stays with its parcel (in its field, not the next parcel's number), the
/// queued ones stay queued and are said to be, and when the link is back it goes again by
/// itself, for the parcel it was scanned for.
#[test]
fn a_number_unanswered_in_an_outage_stays_with_its_parcel_and_goes_when_the_link_is_back() {
    let mut app = mail_app(Lang::ZhCn);
    key(&mut app, KeyCode::Enter);
    for number in ["EA123456785CN", "1234567890123", "LX314159268CN"] {
        typed(&mut app, number);
        key(&mut app, KeyCode::Enter);
    }
    app.take_jobs();
    // No answer: the request failed on the way (a reqwest error, as a refused connection).
    app.answer::<Mailing>(mailing::Answer::Shipped {
        order_no: "HN20261128000001".into(),
        result: Err(network_error()),
    });
    assert!(
        app.take_jobs().is_empty(),
        "nothing else sent while it is down"
    );
    let screen = render(&app, 80, 24);
    let field = screen
        .lines()
        .find(|l| l.contains("运单号"))
        .unwrap_or_default()
        .to_owned();
    assert!(
        field.contains("EA123456785CN"),
        "its own number in its field:\n{screen}"
    );
    assert!(screen.contains("另有 2 个单号"), "{screen}");
    // The link comes back: sent again, for order 1.
    app.on_msg(ca_counter::tui::net::Msg::Reconnecting {
        attempt: 1,
        reason: "down".into(),
    });
    app.on_msg(ca_counter::tui::net::Msg::Online);
    let jobs = app.take_jobs();
    let ships: Vec<(String, Option<String>)> = sent::<mailing::Request>(&jobs)
        .into_iter()
        .filter_map(|r| match r {
            mailing::Request::Ship { order_no, body } => Some((order_no, body.tracking_no)),
            _ => None,
        })
        .collect();
    assert_eq!(
        ships,
        vec![(
            "HN20261128000001".to_owned(),
            Some("EA123456785CN".to_owned())
        )]
    );
}

/// A parcel that came back, was corrected and has a note: its marks whole would leave the
/// address no room at 80 columns, so each is one character, said above the list; wider,
/// they are whole again.
#[test]
fn marks_that_would_hide_the_address_are_shortened_and_explained() {
    for lang in Lang::ALL {
        let mut app = mail_app(lang);
        let seq = app.tab::<Mailing>().map(|m| m.fetch.seq()).unwrap_or(0);
        let mut back = mailing_item(1, "张三", "芙蓉中路 1 号", 20, Deadline::Overdue);
        back.relabel = true;
        back.returned = Some("查无此人".into());
        back.note = Some("周末不在家".into());
        app.answer::<Mailing>(mailing::Answer::Queue {
            seq,
            result: Ok(ca_counter::api::MailingQueue {
                items: vec![
                    back,
                    mailing_item(2, "李四", "桐梓坡路 8 号", 10, Deadline::Soon),
                ],
                promise_working_days: 2,
                carriers: carriers(),
            }),
        });
        let screen = render(&app, 80, 24);
        let (marks, legend) = if lang == Lang::ZhCn {
            ("[退改注]长沙", "退=退回，改=改址，注=有备注")
        } else {
            ("[BLN]长沙", "B = returned, L = relabel, N = note")
        };
        assert!(screen.contains(marks), "{screen}");
        assert!(screen.contains(legend), "{screen}");
        let wide = render(&app, 200, 30);
        let whole = if lang == Lang::ZhCn {
            "退回·改址·【有备注】长沙"
        } else {
            "returned · relabel · [note] 长沙"
        };
        assert!(wide.contains(whole), "{wide}");
        assert!(!wide.contains(legend), "{wide}");
    }
}

/// Paused after the platform refused a number, the clerk switches language: the refusal's
/// words (the platform's, in the other language) go, but the scan still says it is paused
/// — a number typed then is held, not sent without a word.
#[test]
fn a_paused_scan_stays_said_paused_after_a_language_switch() {
    let mut app = mail_app(Lang::ZhCn);
    key(&mut app, KeyCode::Enter);
    for number in ["EA123456785CN", "EA123456784CN", "LX314159268CN"] {
        typed(&mut app, number);
        key(&mut app, KeyCode::Enter);
    }
    app.take_jobs();
    app.answer::<Mailing>(shipped("HN20261128000001", "ems", "EA123456785CN"));
    typed(&mut app, "1234567890123");
    key(&mut app, KeyCode::Enter);
    let screen = render(&app, 80, 24);
    assert!(screen.contains("已暂停"), "{screen}");
    ctrl(&mut app, 'l');
    let screen = render(&app, 80, 24);
    assert!(screen.contains("aused"), "{screen}");
    typed(&mut app, "1234567890123");
    key(&mut app, KeyCode::Enter);
    assert!(ships(&app.take_jobs()).is_empty(), "held while paused");
    assert!(render(&app, 80, 24).contains("aused"));
}

/// A scanner fires whatever is on screen: a number scanned while the help is open (F12
/// pressed a moment before) matches nothing there and goes to the parcel, with its Enter,
/// instead of closing the help and being lost.
#[test]
fn a_number_scanned_into_the_help_goes_to_the_parcel() {
    let mut app = mail_app(Lang::ZhCn);
    key(&mut app, KeyCode::Enter);
    app.take_jobs();
    key(&mut app, KeyCode::F(12));
    assert!(app.overlay().is_some(), "the help is open");
    typed(&mut app, "EA123456785CN");
    key(&mut app, KeyCode::Enter);
    assert!(app.overlay().is_none(), "the help closed");
    assert_eq!(
        ships(&app.take_jobs()),
        [("HN20261128000001".into(), "EA123456785CN".into())]
    );
    // Words a person typed to find a command, matching nothing, are not a parcel number.
    let mut app = mail_app(Lang::ZhCn);
    key(&mut app, KeyCode::Enter);
    app.take_jobs();
    key(&mut app, KeyCode::F(12));
    typed(&mut app, "跳过 本件");
    key(&mut app, KeyCode::Enter);
    assert!(ships(&app.take_jobs()).is_empty());
    // Not scanning, a search that finds nothing closes the help as before, nothing sent.
    let mut app = mail_app(Lang::ZhCn);
    key(&mut app, KeyCode::F(12));
    typed(&mut app, "EA123456785CN");
    key(&mut app, KeyCode::Enter);
    assert!(ships(&app.take_jobs()).is_empty());
}
