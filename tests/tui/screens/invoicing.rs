//! 开票 on screen: the list, the form checked field by field, the confirmation that says
//! which invoice, declining with a note, the shared list keys.

use ca_counter::domain::{BuyerKind, InvoiceKind};
use ca_counter::i18n::Lang;
use ca_counter::tui::tabs::invoicing::{self, Invoicing};
use crossterm::event::KeyCode;

use crate::fixtures::*;

#[test]
fn finance_fills_the_invoice_form_with_errors_next_to_fields() {
    for lang in Lang::ALL {
        let mut app = invoice_app(lang);
        insta::assert_snapshot!(
            format!("invoice_list_{}", lang_name(lang)),
            render(&app, 80, 24)
        );
        // The second order: nobody asked; finance fills a 专票 for an organisation with a
        // credit code whose check character is wrong.
        open_second_as_an_organisations_special_invoice(&mut app);
        key(&mut app, KeyCode::Down);
        typed(&mut app, "91110000600037341A");
        // Leaving the field checks it at once.
        key(&mut app, KeyCode::Down);
        assert!(
            app.tab::<Invoicing>()
                .and_then(|i| i.form.as_ref())
                .is_some_and(|f| f.error("tax_number").is_some())
        );
        key(&mut app, KeyCode::Up);
        ctrl(&mut app, 's');
        assert!(app.take_jobs().is_empty(), "nothing sent with errors");
        let screen = render(&app, 80, 24);
        // Said, naming the field, not only a caret moved.
        let said = if lang == Lang::En {
            "correct the fields marked first: Tax number"
        } else {
            "请先改正标红的栏目：税号/信用代码"
        };
        assert!(screen.contains(said), "{screen}");
        insta::assert_snapshot!(format!("invoice_form_errors_{}", lang_name(lang)), screen);
        // Fixed, with the 专票 fields, it asks to confirm (naming the invoice), then sends.
        ctrl(&mut app, 'u');
        typed(&mut app, "91110000600037341L");
        key(&mut app, KeyCode::Down);
        // The call to correct follows: the tax number no longer named.
        let screen = render(&app, 80, 24);
        let fixed = if lang == Lang::En {
            "first: Address"
        } else {
            "栏目：地址"
        };
        assert!(screen.contains(fixed), "{screen}");
        for text in [
            "长沙市岳麓区麓山南路 1 号",
            "0731-88880000",
            "中国银行长沙分行",
            "6222 0000 1111 2222",
        ] {
            key(&mut app, KeyCode::Down);
            typed(&mut app, text);
        }
        ctrl(&mut app, 's');
        assert!(app.take_jobs().is_empty(), "asks first");
        assert!(
            app.tab::<Invoicing>()
                .and_then(|i| i.form.as_ref())
                .is_some_and(|f| f.confirming)
        );
        let kind = if lang == Lang::En {
            "special VAT invoice"
        } else {
            "增值税专用发票给"
        };
        let screen = render(&app, 80, 24);
        assert!(screen.contains(kind), "{screen}");
        // The footer says the answer asked for, not Ctrl-S.
        let footer = screen.lines().last().unwrap_or_default();
        let answer = if lang == Lang::En {
            "y issue it"
        } else {
            "y 确定开具"
        };
        assert!(
            footer.contains(answer) && !footer.contains("Ctrl-S"),
            "{footer}"
        );
        // Not issued by a second Enter or Ctrl-S (a double tap): `y` answers.
        key(&mut app, KeyCode::Enter);
        ctrl(&mut app, 's');
        assert!(app.take_jobs().is_empty(), "y issues, not Enter");
        key(&mut app, KeyCode::Char('y'));
        let jobs = app.take_jobs();
        let requests = sent::<invoicing::Request>(&jobs);
        let Some(invoicing::Request::Issue { order_no, body }) = requests.first() else {
            panic!("an issue request, got {requests:?}");
        };
        assert_eq!(order_no, "HN20261128000007");
        let request = body.request.as_ref().expect("the request");
        assert_eq!(request.invoice_kind.as_deref(), Some("special"));
        assert_eq!(request.tax_number, "91110000600037341L");
        assert_eq!(request.account, "6222 0000 1111 2222");
        // Refused by the platform, which names the request's fields by their path in the
        // body (`request.tax_number`): the message goes beside the form's field.
        let mut refused = problem("validation_failed", 422, "有 1 处输入需要修改");
        if let ca_counter::api::ClientError::Problem(p) = &mut refused {
            p.errors.push(ca_counter::api::FieldError {
                field: "request.tax_number".into(),
                message: "这是本机构（销售方）自己的税号".into(),
            });
        }
        app.answer::<Invoicing>(invoicing::Answer::Issued {
            order_no: "HN20261128000007".into(),
            result: Err(refused),
        });
        assert!(
            app.tab::<Invoicing>()
                .and_then(|i| i.form.as_ref())
                .and_then(|f| f.error("tax_number"))
                .is_some(),
            "the platform's message beside the tax number"
        );
    }
}

#[test]
fn declining_asks_for_a_note_and_sends_it() {
    let mut app = invoice_app(Lang::ZhCn);
    // The first order's customer asked for an invoice: warned, and the note is finance's.
    key(&mut app, KeyCode::Char('d'));
    insta::assert_snapshot!("invoice_decline_zh", render(&app, 80, 24));
    typed(&mut app, "客户来电");
    // Closed with Esc and opened again: the note as typed.
    key(&mut app, KeyCode::Esc);
    assert!(app.tab::<Invoicing>().is_some_and(|i| i.decline.is_none()));
    key(&mut app, KeyCode::Char('d'));
    let screen = render(&app, 80, 24);
    assert!(screen.contains("客户来电"), "{screen}");
    typed(&mut app, "说不要了");
    // An order completed with no invoice gets none later: asked once more, `y` sends it
    // (a second Enter does not), nothing sent before.
    key(&mut app, KeyCode::Enter);
    key(&mut app, KeyCode::Enter);
    assert!(sent::<invoicing::Request>(&app.take_jobs()).is_empty());
    let screen = render(&app, 80, 24);
    assert!(
        screen.contains("后不能撤销") && screen.contains("按 y 确定"),
        "{screen}"
    );
    key(&mut app, KeyCode::Char('y'));
    let jobs = app.take_jobs();
    let requests = sent::<invoicing::Request>(&jobs);
    let Some(invoicing::Request::Decline { order_no, body }) = requests.first() else {
        panic!("a decline request, got {requests:?}");
    };
    assert_eq!(order_no, "HN20261128000006");
    assert_eq!(body.reason.as_deref(), Some("客户来电说不要了"));
    // The order changed meanwhile (the customer asked again on the phone): the popup goes
    // and the queue is asked again, rather than Enter repeating the refusal for ever.
    app.answer::<Invoicing>(invoicing::Answer::Declined {
        order_no: "HN20261128000006".into(),
        result: Err(conflict(
            "version_conflict",
            ca_counter::domain::OrderStatus::PendingInvoice,
            9,
        )),
    });
    assert!(app.tab::<Invoicing>().is_some_and(|i| i.decline.is_none()));
    let screen = render(&app, 80, 24);
    assert!(screen.contains("没有标记为不开票"), "{screen}");
    assert!(
        sent::<invoicing::Request>(&app.take_jobs())
            .iter()
            .any(|r| matches!(r, invoicing::Request::Queue { .. })),
        "the queue asked again"
    );
}

/// A form closed with Esc keeps what was typed: the order opened again goes on with it
/// (it once came back blank, reset to 个人 / 普通发票).
#[test]
fn an_invoice_form_closed_with_esc_comes_back_as_typed() {
    for lang in Lang::ALL {
        let mut app = invoice_app(lang);
        open_second_as_an_organisations_special_invoice(&mut app);
        let before = render(&app, 80, 24);
        key(&mut app, KeyCode::Esc);
        let closed = render(&app, 80, 24);
        assert!(
            app.tab::<Invoicing>().is_some_and(|i| i.form.is_none()),
            "{closed}"
        );
        let said = if lang == Lang::ZhCn {
            "已保留"
        } else {
            "are kept"
        };
        assert!(closed.contains(said), "{closed}");
        // Another order opened meanwhile starts from its own suggestion.
        key(&mut app, KeyCode::Up);
        key(&mut app, KeyCode::Enter);
        assert!(!render(&app, 80, 24).contains("湖南某某建设有限公司"));
        key(&mut app, KeyCode::Esc);
        key(&mut app, KeyCode::Down);
        key(&mut app, KeyCode::Enter);
        let again = render(&app, 80, 24);
        assert!(again.contains("湖南某某建设有限公司"), "{again}");
        let form = app.tab::<Invoicing>().and_then(|i| i.form.as_ref());
        assert_eq!(
            form.map(|f| (f.buyer_kind, f.invoice_kind)),
            Some((BuyerKind::Organisation, InvoiceKind::Special)),
            "{before}\n{again}"
        );
    }
}

/// `g`/`Home` and `G`/`End` go to the first and last order here as in every list (an
/// invoice was once issued for the wrong order because they did nothing).
#[test]
fn home_and_end_work_in_the_invoice_list() {
    let mut app = invoice_app(Lang::ZhCn);
    key(&mut app, KeyCode::Char('G'));
    assert_eq!(
        app.tab::<Invoicing>().map(|i| i.queue.selected_index()),
        Some(1)
    );
    key(&mut app, KeyCode::Char('g'));
    assert_eq!(
        app.tab::<Invoicing>().map(|i| i.queue.selected_index()),
        Some(0)
    );
    key(&mut app, KeyCode::End);
    key(&mut app, KeyCode::Home);
    assert_eq!(
        app.tab::<Invoicing>().map(|i| i.queue.selected_index()),
        Some(0)
    );
}

/// Opens the second order's form and picks 单位 and 专票, the buyer named
/// 湖南某某建设有限公司 (the focus left on the buyer's name).
fn open_second_as_an_organisations_special_invoice(app: &mut ca_counter::tui::app::App) {
    key(app, KeyCode::Down);
    key(app, KeyCode::Enter);
    key(app, KeyCode::Up);
    key(app, KeyCode::Up);
    key(app, KeyCode::Right);
    key(app, KeyCode::Down);
    key(app, KeyCode::Right);
    key(app, KeyCode::Down);
    ctrl(app, 'u');
    typed(app, "湖南某某建设有限公司");
}

/// Support sees what waits in 开票 and is told that finance invoices: Enter and `d`
/// doing nothing are not a mystery (as in 邮寄).
#[test]
fn support_is_told_the_invoice_list_is_finances() {
    for (lang, said) in [
        (Lang::ZhCn, "只读查看：发票由开票岗开具"),
        (Lang::En, "read-only: finance invoices"),
    ] {
        let mut app = invoice_app(lang);
        assert!(!render(&app, 80, 24).contains(said), "finance is not told");
        operator(&mut app, "周客服", ca_counter::domain::Role::Support);
        let screen = render(&app, 80, 24);
        assert!(screen.contains(said), "{screen}");
        // Enter shows the order (walk::invoicing), never the form.
        key(&mut app, KeyCode::Enter);
        assert!(app.tab::<Invoicing>().is_some_and(|i| i.form.is_none()));
    }
}

/// "Invoice issued" goes from the message line once that invoice is reversed (in 待办订单,
/// or by a colleague): it no longer stands.
#[test]
fn the_issued_message_goes_when_the_invoice_is_reversed() {
    let mut app = invoice_app(Lang::ZhCn);
    key(&mut app, KeyCode::Enter);
    assert!(app.tab::<Invoicing>().is_some_and(|i| {
        i.form
            .as_ref()
            .is_some_and(|f| f.order_no == "HN20261128000006")
    }));
    let mut issued = crate::fixtures::order();
    issued.order_no = no("HN20261128000006");
    issued.status = ca_counter::domain::OrderStatus::Completed;
    issued.invoice_no = Some("26430000000000000007".into());
    app.answer::<Invoicing>(invoicing::Answer::Issued {
        order_no: "HN20261128000006".into(),
        result: Ok(issued),
    });
    assert!(render(&app, 80, 24).contains("发票已开具"));
    // Another order's event changes nothing.
    let reversed = |n: &str| ca_counter::api::OrderEvent {
        id: 77,
        order_no: no(n),
        kind: "transition".into(),
        action: Some("reverse_invoice".into()),
        status: ca_counter::domain::OrderStatus::PendingInvoice,
        from: Some(ca_counter::domain::OrderStatus::Completed),
        version: 9,
        at: "2026-11-28T08:00:00Z".into(),
        order: None,
    };
    app.on_msg(ca_counter::tui::net::Msg::Event(reversed(
        "HN20261128000001",
    )));
    assert!(render(&app, 80, 24).contains("发票已开具"));
    app.on_msg(ca_counter::tui::net::Msg::Event(reversed(
        "HN20261128000006",
    )));
    let screen = render(&app, 80, 24);
    assert!(!screen.contains("发票已开具"), "{screen}");
}
