//! 邮寄: the list, scanning, refused numbers, numbers queued, the batch's end.

use ca_counter::api::{MailingQueue, Shipment};
use ca_counter::domain::{Deadline, OrderStatus};
use ca_counter::i18n::Lang;
use ca_counter::tui::tabs::mailing::{self, Mailing};
use crossterm::event::KeyCode;

use super::{Scene, scene, walk};
use crate::fixtures::*;

/// 邮寄 with one order whose parcel the courier brought back.
fn returned(lang: Lang) -> ca_counter::tui::app::App {
    let mut a = mail_app(lang);
    let seq = a.tab::<Mailing>().map(|m| m.fetch.seq()).unwrap_or(0);
    let mut back = mailing_item(1, "张三", "麓山南路 932 号", 20, Deadline::Overdue);
    back.returned = Some("地址不详，查无此人 (EMS EA123456785CN)".into());
    a.answer::<Mailing>(mailing::Answer::Queue {
        seq,
        result: Ok(MailingQueue {
            items: vec![back],
            promise_working_days: 2,
            carriers: carriers(),
        }),
    });
    a
}

fn scenes(lang: Lang) -> Vec<Scene> {
    let mut out = vec![scene("list", mail_app(lang))];
    let mut a = mail_app(lang);
    key(&mut a, KeyCode::Char('A'));
    key(&mut a, KeyCode::Char('c'));
    out.push(scene("all ticked, other carrier", a));
    let mut a = app(lang);
    a.show_tab::<Mailing>();
    let seq = a.tab::<Mailing>().map(|m| m.fetch.seq()).unwrap_or(0);
    a.answer::<Mailing>(mailing::Answer::Queue {
        seq,
        result: Ok(MailingQueue {
            items: vec![],
            promise_working_days: 2,
            carriers: carriers(),
        }),
    });
    out.push(scene("nothing to mail", a));
    let mut a = mail_app(lang);
    key(&mut a, KeyCode::Enter);
    out.push(scene("scanning", a));
    let mut a = mail_app(lang);
    key(&mut a, KeyCode::Enter);
    typed(&mut a, "ea123456784cn");
    key(&mut a, KeyCode::Enter);
    out.push(scene("scan refused here", a));
    let mut a = mail_app(lang);
    key(&mut a, KeyCode::Enter);
    for number in ["EA123456785CN", "1234567890123", "LX314159268CN"] {
        typed(&mut a, number);
        key(&mut a, KeyCode::Enter);
    }
    out.push(scene("numbers queued", a));
    // A scanner running ahead of a refused number: paused, the three ways on said whole.
    let mut a = mail_app(lang);
    key(&mut a, KeyCode::Enter);
    for number in ["EA123456784CN", "1234567890123", "LX314159268CN"] {
        typed(&mut a, number);
        key(&mut a, KeyCode::Enter);
    }
    out.push(scene("paused after a refusal", a));
    // A parcel the courier brought back: marked in the list, why said when it is up.
    out.push(scene("a returned parcel in the list", returned(lang)));
    let mut a = returned(lang);
    key(&mut a, KeyCode::Enter);
    out.push(scene("a returned parcel up for scanning", a));
    // A parcel to relabel, and the scanner running ahead: both numbers said, whole.
    let mut a = mail_app(lang);
    let seq = a.tab::<Mailing>().map(|m| m.fetch.seq()).unwrap_or(0);
    let mut moved = mailing_item(1, "张三", "芙蓉中路 1 号", 20, Deadline::Overdue);
    moved.relabel = true;
    a.answer::<Mailing>(mailing::Answer::Queue {
        seq,
        result: Ok(MailingQueue {
            items: vec![
                moved,
                mailing_item(2, "李四", "桐梓坡路 8 号", 10, Deadline::Soon),
            ],
            promise_working_days: 2,
            carriers: carriers(),
        }),
    });
    key(&mut a, KeyCode::Enter);
    for number in ["EA123456785CN", "EA123456799CN"] {
        typed(&mut a, number);
        key(&mut a, KeyCode::Enter);
    }
    out.push(scene("relabel, the next parcel scanned ahead", a));
    let mut a = mail_app(lang);
    key(&mut a, KeyCode::Enter);
    typed(&mut a, "EA123456785CN");
    key(&mut a, KeyCode::Enter);
    let mut refused = problem("validation_failed", 422, "x");
    if let ca_counter::api::ClientError::Problem(p) = &mut refused {
        p.errors = vec![ca_counter::api::FieldError {
            field: "tracking_no".into(),
            message: "单号 EA123456785CN 已用于另一订单，请核对是否重复扫描 / tracking number EA123456785CN is already on another order; was it scanned twice?".into(),
        }];
    }
    a.answer::<Mailing>(mailing::Answer::Shipped {
        order_no: "HN20261128000001".into(),
        result: Err(refused),
    });
    out.push(scene("scan refused by the platform", a));
    let mut a = mail_app(lang);
    key(&mut a, KeyCode::Char('G'));
    key(&mut a, KeyCode::Enter);
    typed(&mut a, "EA123456785CN");
    key(&mut a, KeyCode::Enter);
    let mut order = order();
    order.order_no = no("HN20261128000003");
    order.status = OrderStatus::PendingInvoice;
    order.shipment = Some(Shipment {
        carrier: "ems".into(),
        tracking_no: "EA123456785CN".into(),
        shipped_at: "2026-11-28T08:00:00Z".into(),
    });
    a.answer::<Mailing>(mailing::Answer::Shipped {
        order_no: "HN20261128000003".into(),
        result: Ok(Box::new(order)),
    });
    out.push(scene("batch done", a));
    let mut a = mail_app(lang);
    key(&mut a, KeyCode::Char('p'));
    a.answer::<Mailing>(mailing::Answer::Printed(Ok(
        ca_counter::tui::print::Printed {
            to: ca_counter::tui::print::PrintedTo::Saved(
                "/home/mailroom/.local/share/ca-counter/prints/mailing-list-20261128-160000.pdf"
                    .into(),
            ),
            unprintable: vec!['𪚥'],
        },
    )));
    out.push(scene("labels printed", a));
    out
}

#[test]
fn every_mailing_screen_is_whole_at_80_by_24() {
    walk(scenes);
}

/// An order of the batch shipped meanwhile by someone else leaves the batch, named, rather
/// than being offered to scan and refused.
#[test]
fn an_order_shipped_elsewhere_leaves_the_batch_and_is_named() {
    let mut a = mail_app(Lang::ZhCn);
    key(&mut a, KeyCode::Enter);
    // Another clerk shipped the second one: the queue's next fetch lacks it.
    let seq = a
        .tab_mut::<Mailing>()
        .map(|m| m.fetch.restart(NOW))
        .unwrap_or(0);
    a.answer::<Mailing>(mailing::Answer::Queue {
        seq,
        result: Ok(MailingQueue {
            items: vec![
                mailing_item(1, "张三", "麓山南路 932 号", 20, Deadline::Overdue),
                mailing_item(3, "王五", "五一大道 99 号", 2, Deadline::Ok),
            ],
            promise_working_days: 2,
            carriers: carriers(),
        }),
    });
    let screen = render(&a, 80, 24);
    assert!(screen.contains("HN20261128000002 已不在待邮寄"), "{screen}");
    let batch: Vec<String> = a
        .tab::<Mailing>()
        .and_then(|m| m.scan.as_ref())
        .map(|s| {
            s.batch
                .iter()
                .map(|i| i.order.order_no.to_string())
                .collect()
        })
        .unwrap_or_default();
    assert_eq!(batch, ["HN20261128000001", "HN20261128000003"]);
}

/// A parcel whose order no money came in for — paid at the demo cashier — says so in the
/// mailroom's list before its address; a real payment's does not.
#[test]
fn a_parcel_paid_at_the_demo_cashier_is_marked_in_the_list() {
    let mut a = app(Lang::ZhCn);
    operator(&mut a, "吴邮寄", ca_counter::domain::Role::Mailroom);
    a.show_tab::<Mailing>();
    let seq = a.tab::<Mailing>().map(|m| m.fetch.seq()).unwrap_or(0);
    let mut demo = mailing_item(1, "张三", "麓山南路 932 号", 2, Deadline::Ok);
    demo.order.payment_method = Some("sandbox".into());
    let mut real = mailing_item(2, "李四", "桐梓坡路 8 号", 2, Deadline::Ok);
    real.order.payment_method = Some("alipay".into());
    // Paid at the demo cashier and readdressed after its label: both said (the demo mark
    // hid the relabel mark, which every parcel of a demo platform then lacked).
    let mut moved = mailing_item(3, "王五", "芙蓉中路 1 号", 2, Deadline::Ok);
    moved.order.payment_method = Some("sandbox".into());
    moved.relabel = true;
    a.answer::<Mailing>(mailing::Answer::Queue {
        seq,
        result: Ok(MailingQueue {
            items: vec![demo, real, moved],
            promise_working_days: 2,
            carriers: carriers(),
        }),
    });
    let screen = render(&a, 80, 24);
    let row = |name: &str| {
        screen
            .lines()
            .find(|l| l.contains(name))
            .unwrap_or_default()
            .to_owned()
    };
    // A short tag, so the street still shows at 80 columns (the whole mark took it all).
    // The marks whole, the address cut in its middle: its street still tells parcels apart.
    assert!(row("张三").contains("演示·长沙市"), "{screen}");
    assert!(row("张三").contains("南路 932 号"), "{screen}");
    assert!(!row("李四").contains("演示"), "{screen}");
    assert!(row("李四").contains("桐梓坡路 8 号"), "{screen}");
    assert!(row("王五").contains("演示·改址·长沙"), "{screen}");
    assert!(row("王五").contains("中路 1 号"), "{screen}");
}

/// A caller's note on a parcel ("send it to the front desk") is marked in the list and
/// read in full when the parcel is scanned, before it is packed.
#[test]
fn a_note_on_a_parcel_is_read_where_it_is_packed() {
    let mut a = app(Lang::ZhCn);
    operator(&mut a, "吴邮寄", ca_counter::domain::Role::Mailroom);
    a.show_tab::<Mailing>();
    let seq = a.tab::<Mailing>().map(|m| m.fetch.seq()).unwrap_or(0);
    let mut noted = mailing_item(1, "张三", "麓山南路 932 号", 2, Deadline::Ok);
    noted.note = Some("客户要求寄到公司前台".into());
    a.answer::<Mailing>(mailing::Answer::Queue {
        seq,
        result: Ok(MailingQueue {
            items: vec![
                noted,
                mailing_item(2, "李四", "桐梓坡路 8 号", 2, Deadline::Ok),
            ],
            promise_working_days: 2,
            carriers: carriers(),
        }),
    });
    let screen = render(&a, 80, 24);
    let row = screen
        .lines()
        .find(|l| l.contains("张三"))
        .unwrap_or_default();
    assert!(row.contains("【有备注】"), "{screen}");
    key(&mut a, KeyCode::Enter);
    let screen = render(&a, 80, 24);
    assert!(screen.contains("客户要求寄到公司前台"), "{screen}");
}

/// Support sees 邮寄 read-only: Enter on an order shows it (it did nothing).
#[test]
fn enter_shows_the_order_to_whoever_may_not_ship() {
    let mut a = mail_app(Lang::ZhCn);
    operator(&mut a, "钱客服", ca_counter::domain::Role::Support);
    a.show_tab::<Mailing>();
    a.take_jobs();
    key(&mut a, KeyCode::Enter);
    assert!(a.tab::<Mailing>().is_some_and(|m| m.scan.is_none()));
    let opened = sent::<ca_counter::tui::tabs::orders::Request>(&a.take_jobs());
    assert!(
        opened.iter().any(|r| matches!(
            r,
            ca_counter::tui::tabs::orders::Request::Detail { order_no, .. }
                if order_no.as_str() == "HN20261128000001"
        )),
        "{opened:?}"
    );
}
