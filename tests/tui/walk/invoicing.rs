//! 开票: the list, the form in every state, the confirmation, declining, the outcome.

use ca_counter::api::{ClientError, FieldError, InvoiceInfo};
use ca_counter::domain::OrderStatus;
use ca_counter::i18n::Lang;
use ca_counter::tui::tabs::invoicing::{self, Invoicing};
use crossterm::event::KeyCode;

use super::{Scene, scene, walk};
use crate::fixtures::*;

/// The form for the second order, made a 专票 for an organisation.
fn special(lang: Lang) -> ca_counter::tui::app::App {
    let mut a = invoice_app(lang);
    key(&mut a, KeyCode::Down);
    key(&mut a, KeyCode::Enter);
    key(&mut a, KeyCode::Up);
    key(&mut a, KeyCode::Up);
    key(&mut a, KeyCode::Right);
    key(&mut a, KeyCode::Down);
    key(&mut a, KeyCode::Right);
    key(&mut a, KeyCode::Down);
    ctrl(&mut a, 'u');
    typed(&mut a, "湖南某某建设工程有限公司长沙岳麓分公司");
    key(&mut a, KeyCode::Down);
    typed(&mut a, "91110000600037341A");
    a
}

fn issued(lang: Lang, mail_status: &str, detail: Option<&str>) -> ca_counter::tui::app::App {
    let mut a = invoice_app(lang);
    key(&mut a, KeyCode::Enter);
    ctrl(&mut a, 's');
    key(&mut a, KeyCode::Enter);
    let mut order = order();
    order.order_no = no("HN20261128000006");
    order.invoice = Some(InvoiceInfo {
        invoice_no: "26430000000000000042".into(),
        invoice_kind: "normal".into(),
        buyer_name: "张三（个人）".into(),
        buyer_tax_number: None,
        net_fen: 18_868,
        tax_fen: 1_132,
        total_fen: 20_000,
        attachment_id: None,
        email: "m*@example.com".into(),
        mail_status: Some(mail_status.into()),
        mail_detail: detail.map(Into::into),
        issued_at: "2026-11-28T08:00:00Z".into(),
    });
    a.answer::<Invoicing>(invoicing::Answer::Issued {
        order_no: "HN20261128000006".into(),
        result: Ok(order),
    });
    a
}

fn scenes(lang: Lang) -> Vec<Scene> {
    let mut out = vec![scene("list", invoice_app(lang))];
    let mut a = invoice_app(lang);
    key(&mut a, KeyCode::Enter);
    out.push(scene("form from the customer's request", a));
    let mut a = special(lang);
    ctrl(&mut a, 's');
    out.push(scene("special invoice with every error", a));
    // A special invoice for an individual: the message on its own line under the choice.
    let mut a = invoice_app(lang);
    key(&mut a, KeyCode::Enter);
    key(&mut a, KeyCode::Up);
    key(&mut a, KeyCode::Right);
    ctrl(&mut a, 's');
    out.push(scene("special invoice for an individual", a));
    let mut a = invoice_app(lang);
    key(&mut a, KeyCode::Down);
    key(&mut a, KeyCode::Enter);
    key(&mut a, KeyCode::Down);
    typed(&mut a, "430104198812301234X");
    key(&mut a, KeyCode::Down);
    ctrl(&mut a, 'u');
    typed(&mut a, "not an e-mail");
    key(&mut a, KeyCode::Down);
    out.push(scene("fields checked as they are left", a));
    let mut a = invoice_app(lang);
    key(&mut a, KeyCode::Enter);
    ctrl(&mut a, 's');
    out.push(scene("confirming", a));
    let mut a = invoice_app(lang);
    key(&mut a, KeyCode::Enter);
    ctrl(&mut a, 's');
    key(&mut a, KeyCode::Enter);
    out.push(scene("issuing", a));
    let mut a = invoice_app(lang);
    key(&mut a, KeyCode::Enter);
    ctrl(&mut a, 's');
    key(&mut a, KeyCode::Enter);
    let mut refused = problem("validation_failed", 422, "有 1 处输入需要修改");
    if let ClientError::Problem(p) = &mut refused {
        p.errors = vec![FieldError {
            field: "email".into(),
            message: "the mail server refused this address: 550 5.1.1 mailbox unavailable".into(),
        }];
    }
    a.answer::<Invoicing>(invoicing::Answer::Issued {
        order_no: "HN20261128000006".into(),
        result: Err(refused),
    });
    out.push(scene("refused by the platform", a));
    out.push(scene("issued", issued(lang, "sent", None)));
    out.push(scene(
        "issued, kept in the outbox",
        issued(lang, "kept", None),
    ));
    out.push(scene(
        "issued, the e-mail failed",
        issued(
            lang,
            "failed",
            Some(
                "smtp.example.com:465 refused the connection (TLS handshake timed out after 30 s)",
            ),
        ),
    ));
    // An organisation's long name in the form's title: cut in its middle, the amount
    // and the corner kept.
    let mut a = invoice_app_with(
        lang,
        vec![invoicing_item(
            6,
            "湖南省长沙市岳麓区某某某某建设工程集团有限公司第三分公司项目经理部",
            true,
        )],
    );
    key(&mut a, KeyCode::Enter);
    out.push(scene("form for an organisation with a long name", a));
    let mut a = invoice_app(lang);
    key(&mut a, KeyCode::Char('d'));
    out.push(scene("popup no invoice", a));
    let mut a = invoice_app(lang);
    key(&mut a, KeyCode::Char('d'));
    key(&mut a, KeyCode::Enter);
    a.answer::<Invoicing>(invoicing::Answer::Declined {
        order_no: "HN20261128000006".into(),
        result: Err(problem(
            "invoice_issued",
            409,
            "订单 HN20261128000006 的发票已开具（或正在开具），不能再记为不要发票",
        )),
    });
    out.push(scene("popup no invoice refused", a));
    out
}

#[test]
fn every_invoicing_screen_and_popup_is_whole_at_80_by_24() {
    walk(scenes);
}

/// Finance fills an invoice from the order while the customer sends their own request:
/// the form is filled from the request and finance is told, never issued over it unseen.
#[test]
fn a_request_that_arrives_while_the_form_is_open_replaces_it_and_is_said() {
    let mut a = invoice_app(Lang::ZhCn);
    // The second order, no request yet: filled from the order; finance types a company.
    key(&mut a, KeyCode::Down);
    key(&mut a, KeyCode::Enter);
    ctrl(&mut a, 'u');
    typed(&mut a, "长沙测试科技有限公司");
    assert!(render(&a, 80, 24).contains("长沙测试科技有限公司"));
    // The customer's request arrives with the queue's next fetch.
    let seq = a
        .tab_mut::<Invoicing>()
        .map(|t| t.fetch.restart(NOW))
        .unwrap_or(0);
    a.answer::<Invoicing>(invoicing::Answer::Queue {
        seq,
        result: Ok(ca_counter::api::InvoicingQueue {
            items: vec![
                invoicing_item(6, "张三", true),
                invoicing_item(7, "李四", true),
            ],
        }),
    });
    let screen = render(&a, 80, 24);
    assert!(
        screen.contains("李四（个人）") && !screen.contains("长沙测试科技有限公司"),
        "{screen}"
    );
    assert!(screen.contains("刚提交"), "{screen}");
}

/// The order of an open form leaves the list (the customer issued it on the phone): the
/// form closes and finance is told, rather than "issuing" it to be answered with the
/// invoice already there as if this form had made it.
#[test]
fn an_order_invoiced_elsewhere_while_its_form_is_open_closes_it_and_is_said() {
    for lang in Lang::ALL {
        let mut a = invoice_app(lang);
        key(&mut a, KeyCode::Down);
        key(&mut a, KeyCode::Enter);
        ctrl(&mut a, 'u');
        typed(&mut a, "长沙测试科技有限公司");
        // Its event first (a colleague declined it), then the queue without it.
        a.on_msg(transition(
            9_000,
            "HN20261128000007",
            "decline_invoice",
            (OrderStatus::PendingInvoice, OrderStatus::Completed),
            5,
        ));
        let seq = a
            .tab_mut::<Invoicing>()
            .map(|t| t.fetch.restart(NOW))
            .unwrap_or(0);
        a.answer::<Invoicing>(invoicing::Answer::Queue {
            seq,
            result: Ok(ca_counter::api::InvoicingQueue {
                items: vec![invoicing_item(6, "张三", true)],
            }),
        });
        assert!(a.tab::<Invoicing>().is_some_and(|i| i.form.is_none()));
        let screen = render(&a, 80, 24);
        // What happened, as its event said.
        let said = if lang == Lang::ZhCn {
            "刚被办理了“不开发票”"
        } else {
            "has just had \"no invoice wanted\" done"
        };
        assert!(screen.contains(said), "{screen}");
        // Held until read: finance was typing, and the list's keys would have taken the
        // rest — `d` declining the next order's invoice, Enter opening its form.
        let held = if lang == Lang::ZhCn {
            "请先阅读"
        } else {
            "Read this first"
        };
        assert!(screen.contains(held), "{screen}");
        let problems = super::check::screen("halt", &a);
        assert!(problems.is_empty(), "{problems:?}");
        ctrl(&mut a, 's');
        typed(&mut a, "d有限公司");
        assert!(
            a.tab::<Invoicing>().is_some_and(|i| i.decline.is_none()),
            "`d` declined nothing"
        );
        assert!(
            sent::<invoicing::Request>(&a.take_jobs())
                .iter()
                .all(|r| !matches!(r, invoicing::Request::Issue { .. }))
        );
        // Enter (each field ends with it) does not go on, and the typing after it does
        // not decline the next order; only Esc does.
        key(&mut a, KeyCode::Enter);
        typed(&mut a, "d");
        key(&mut a, KeyCode::Enter);
        let screen = render(&a, 80, 24);
        assert!(screen.contains(held), "{screen}");
        assert!(
            a.tab::<Invoicing>()
                .is_some_and(|i| i.form.is_none() && i.decline.is_none()),
            "Enter opened no other order's form, d no decline"
        );
        assert!(sent::<invoicing::Request>(&a.take_jobs()).is_empty());
        key(&mut a, KeyCode::Esc);
        let screen = render(&a, 80, 24);
        assert!(!screen.contains(held), "{screen}");
        assert!(screen.contains(said), "the message stays: {screen}");
        // The list works again.
        key(&mut a, KeyCode::Enter);
        assert!(a.tab::<Invoicing>().is_some_and(|i| i.form.is_some()));
    }
}

/// A platform event: `action` moved order `order_no` `from` → `to`, to `version`.
fn transition(
    id: i64,
    order_no: &str,
    action: &str,
    (from, to): (OrderStatus, OrderStatus),
    version: i64,
) -> ca_counter::tui::net::Msg {
    ca_counter::tui::net::Msg::Event(ca_counter::api::OrderEvent {
        id,
        order_no: no(order_no),
        kind: "transition".into(),
        action: Some(action.into()),
        status: to,
        from: Some(from),
        version,
        at: "2026-11-28T08:00:00Z".into(),
        order: None,
    })
}

/// The queue without the order arrives before its event (the invoice issued by a
/// colleague): the form closes with the ways it could have gone, and the event, when it
/// comes, says which — in the box still on screen too.
#[test]
fn an_order_that_left_before_its_event_is_said_once_the_event_comes() {
    let mut a = invoice_app(Lang::ZhCn);
    key(&mut a, KeyCode::Down);
    key(&mut a, KeyCode::Enter);
    let seq = a
        .tab_mut::<Invoicing>()
        .map(|t| t.fetch.restart(NOW))
        .unwrap_or(0);
    a.answer::<Invoicing>(invoicing::Answer::Queue {
        seq,
        result: Ok(ca_counter::api::InvoicingQueue {
            items: vec![invoicing_item(6, "张三", true)],
        }),
    });
    let screen = render(&a, 80, 24);
    assert!(screen.contains("或同事已开票"), "{screen}");
    a.on_msg(transition(
        9_001,
        "HN20261128000007",
        "issue_invoice",
        (OrderStatus::PendingInvoice, OrderStatus::Completed),
        5,
    ));
    let screen = render(&a, 80, 24);
    assert!(
        screen.contains("刚被办理了“开具发票”") && !screen.contains("或同事已开票"),
        "{screen}"
    );
    // Read and gone on: a later event of that order brings no box back.
    key(&mut a, KeyCode::Esc);
    a.on_msg(transition(
        9_002,
        "HN20261128000007",
        "reverse_invoice",
        (OrderStatus::Completed, OrderStatus::PendingInvoice),
        6,
    ));
    assert!(a.overlay().is_none());
}

/// `d` on an order whose customer asked for an invoice warns, and asks why in words
/// rather than offering the stock "does not want one" with one Enter.
#[test]
fn declining_an_invoice_the_customer_asked_for_needs_a_reason() {
    let mut a = invoice_app(Lang::ZhCn);
    key(&mut a, KeyCode::Char('d'));
    let screen = render(&a, 80, 24);
    assert!(screen.contains("客户已申请开票"), "{screen}");
    assert!(!screen.contains("客户不需要发票"), "{screen}");
    key(&mut a, KeyCode::Enter);
    let screen = render(&a, 80, 24);
    assert!(screen.contains("请写明为何不开"), "{screen}");
    assert!(
        sent::<invoicing::Request>(&a.take_jobs()).is_empty(),
        "nothing sent without a reason"
    );
    // The order nobody asked an invoice for keeps the stock note.
    let mut a = invoice_app(Lang::ZhCn);
    key(&mut a, KeyCode::Down);
    key(&mut a, KeyCode::Char('d'));
    assert!(render(&a, 80, 24).contains("客户不需要发票"));
    // What finance types replaces it (it was typed after it), and is what is sent.
    typed(&mut a, "单位已有发票");
    key(&mut a, KeyCode::Enter);
    key(&mut a, KeyCode::Char('y'));
    let reasons: Vec<Option<String>> = sent::<invoicing::Request>(&a.take_jobs())
        .into_iter()
        .filter_map(|r| match r {
            invoicing::Request::Decline { body, .. } => Some(body.reason),
            _ => None,
        })
        .collect();
    assert_eq!(reasons, [Some("单位已有发票".to_owned())]);
}

/// A form finance left for the list and opened again says it is as they left it, not
/// "prefilled from the order" over what they typed.
#[test]
fn a_form_opened_again_says_it_is_as_it_was_left() {
    for lang in Lang::ALL {
        let mut a = invoice_app(lang);
        key(&mut a, KeyCode::Down);
        key(&mut a, KeyCode::Enter);
        let prefilled = match lang {
            Lang::ZhCn => "已按订单信息预填",
            Lang::En => "prefilled from the order",
        };
        assert!(render(&a, 80, 24).contains(prefilled));
        ctrl(&mut a, 'u');
        typed(&mut a, "长沙测试科技有限公司");
        key(&mut a, KeyCode::Esc);
        key(&mut a, KeyCode::Enter);
        let screen = render(&a, 80, 24);
        let resumed = match lang {
            Lang::ZhCn => "上次离开时填写的内容",
            Lang::En => "as you left it",
        };
        assert!(
            screen.contains("长沙测试科技有限公司")
                && screen.contains(resumed)
                && !screen.contains(prefilled),
            "{screen}"
        );
    }
}

/// Support sees 开票 read-only: Enter on an order shows it (it did nothing).
#[test]
fn enter_shows_the_order_to_whoever_may_not_issue() {
    let mut a = invoice_app(Lang::ZhCn);
    operator(&mut a, "钱客服", ca_counter::domain::Role::Support);
    a.show_tab::<Invoicing>();
    a.take_jobs();
    let footer = render(&a, 80, 24);
    assert!(footer.contains("Enter 打开"), "{footer}");
    key(&mut a, KeyCode::Enter);
    assert!(
        a.tab::<Invoicing>().is_some_and(|t| t.form.is_none()),
        "no invoice form for support"
    );
    let opened = sent::<ca_counter::tui::tabs::orders::Request>(&a.take_jobs());
    assert!(
        opened.iter().any(|r| matches!(
            r,
            ca_counter::tui::tabs::orders::Request::Detail { order_no, .. }
                if order_no.as_str() == "HN20261128000006"
        )),
        "{opened:?}"
    );
}

/// A customer's request kept as typed before its address was folded, sent again unchanged
/// (now folded): the same request — the open form stays, nothing said to have arrived.
#[test]
fn a_request_kept_as_typed_sent_again_unchanged_is_not_a_new_one() {
    let with_address = |address: &str| {
        let mut item = invoicing_item(6, "张三", true);
        if let Some(view) = item.request.as_mut() {
            view.request.address = Some(address.into());
        }
        item
    };
    let mut a = invoice_app_with(Lang::ZhCn, vec![with_address("芙蓉路１２号　　３栋")]);
    key(&mut a, KeyCode::Enter);
    ctrl(&mut a, 'u');
    typed(&mut a, "张三（个人）测试");
    let seq = a
        .tab_mut::<Invoicing>()
        .map(|t| t.fetch.restart(NOW))
        .unwrap_or(0);
    a.answer::<Invoicing>(invoicing::Answer::Queue {
        seq,
        result: Ok(ca_counter::api::InvoicingQueue {
            items: vec![with_address("芙蓉路12号 3栋")],
        }),
    });
    let screen = render(&a, 80, 24);
    assert!(
        screen.contains("张三（个人）测试") && !screen.contains("刚提交"),
        "{screen}"
    );
}
