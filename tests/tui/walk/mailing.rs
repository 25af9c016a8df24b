//! 邮寄: the list, scanning, refused numbers, numbers queued, the batch's end.

use ca_counter::api::{MailingQueue, Shipment};
use ca_counter::domain::OrderStatus;
use ca_counter::i18n::Lang;
use ca_counter::tui::tabs::mailing::{self, Mailing};
use crossterm::event::KeyCode;

use super::{Scene, scene, walk};
use crate::fixtures::*;

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
                "/home/mailroom/.local/share/ca-counter/prints/邮寄清单-20261128-160000.pdf".into(),
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
