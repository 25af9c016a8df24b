//! 待办订单: the list in every state, an order in every state, every action's popup.

use ca_counter::api::{
    Actor, FieldError, InvoiceInfo, OrderPage, Organization, Shipment, Tracking, TrackingStep,
};
use ca_counter::domain::{Action, OrderStatus, Role};
use ca_counter::i18n::Lang;
use ca_counter::tui::files::{ActFailure, FileProblem};
use ca_counter::tui::tabs::newapp::NewApp;
use ca_counter::tui::tabs::orders::{self, Orders};
use crossterm::event::KeyCode;

use super::{Scene, scene, walk};
use crate::fixtures::*;

fn page(app: &mut ca_counter::tui::app::App, items: Vec<ca_counter::api::OrderSummary>) {
    let seq = app.tab::<Orders>().map(|o| o.fetch.seq()).unwrap_or(0);
    app.answer::<Orders>(orders::Answer::Page {
        seq,
        append: false,
        result: Ok(OrderPage {
            items,
            next_cursor: Some("next".into()),
            search_indexing: None,
        }),
    });
}

/// The order `order` opened.
fn opened(lang: Lang, order: ca_counter::api::Order) -> ca_counter::tui::app::App {
    let mut app = app(lang);
    key(&mut app, KeyCode::Char(':'));
    typed(&mut app, &format!("order {}", order.order_no));
    key(&mut app, KeyCode::Enter);
    app.answer::<Orders>(orders::Answer::Detail {
        order_no: order.order_no.to_string(),
        result: Ok((order, history())),
    });
    app
}

fn unpaid() -> ca_counter::api::Order {
    let mut o = order();
    o.status = OrderStatus::PendingPayment;
    o.payment_method = None;
    o.paid_at = None;
    o.allowed_actions = vec![Action::ChooseBankTransfer, Action::Cancel];
    o
}

fn with_popup(
    lang: Lang,
    order: ca_counter::api::Order,
    key_char: char,
) -> ca_counter::tui::app::App {
    let mut app = opened(lang, order);
    key(&mut app, KeyCode::Char(key_char));
    app
}

/// A returned organisation's order a clerk corrects, every part, in full.
fn o_all_fields() -> ca_counter::api::Order {
    let mut o = order_for_edit_conflict();
    o.status = OrderStatus::Rejected;
    o.user_type = ca_counter::domain::UserType::Organization;
    o.organization = Some(Organization {
        name: "湖南某某建设工程有限公司".into(),
        uscc: "91430100MA4L12345X".into(),
        legal_representative: "欧阳娜娜".into(),
    });
    o.editable = vec![
        ca_counter::domain::OrderPart::Mailing,
        ca_counter::domain::OrderPart::Organization,
    ];
    o
}

/// An order a clerk corrects (its address, in full).
fn order_for_edit_conflict() -> ca_counter::api::Order {
    let mut o = order();
    o.editable = vec![ca_counter::domain::OrderPart::Mailing];
    o.revealed = true;
    o.mailing.street = "麓山南路 932 号".into();
    o
}

/// An organisation's order, mailed and invoiced (special), seen in full.
fn invoiced_organisation() -> ca_counter::api::Order {
    let mut o = order();
    o.user_type = ca_counter::domain::UserType::Organization;
    o.organization = Some(Organization {
        name: "湖南某某建设工程有限公司长沙分公司".into(),
        uscc: "91430100MA4L12345X".into(),
        legal_representative: "欧阳娜娜".into(),
    });
    o.applicant.email = Some("ouyang.nana@example.com".into());
    o.revealed = true;
    o.status = OrderStatus::Completed;
    o.allowed_actions = vec![];
    o.shipment = Some(Shipment {
        carrier: "shunfeng".into(),
        tracking_no: "SF1234567890123".into(),
        shipped_at: "2026-11-28T08:00:00Z".into(),
    });
    o.invoice = Some(InvoiceInfo {
        invoice_no: "26430000000000000042".into(),
        invoice_kind: "special".into(),
        buyer_name: "湖南某某建设工程有限公司长沙分公司".into(),
        buyer_tax_number: None,
        net_fen: 18_868,
        tax_fen: 1_132,
        total_fen: 20_000,
        attachment_id: None,
        email: "fi*****@example.com".into(),
        mail_status: Some("sent".into()),
        mail_detail: None,
        issued_at: "2026-11-28T08:00:00Z".into(),
    });
    o
}

fn field_error(field: &str, message: &str) -> ca_counter::api::ClientError {
    let mut e = problem(
        "validation_failed",
        422,
        "有 1 处输入需要修改 / 1 field needs correcting",
    );
    if let ca_counter::api::ClientError::Problem(p) = &mut e {
        p.errors = vec![FieldError {
            field: field.into(),
            message: message.into(),
        }];
    }
    e
}

fn scenes(lang: Lang) -> Vec<Scene> {
    let mut out = Vec::new();
    let mut a = app(lang);
    key(&mut a, KeyCode::Down);
    out.push(scene("list", a));

    let mut a = app(lang);
    key(&mut a, KeyCode::Char('w'));
    key(&mut a, KeyCode::Char('o'));
    key(&mut a, KeyCode::Char('/'));
    typed(&mut a, "欧阳娜娜");
    key(&mut a, KeyCode::Enter);
    page(
        &mut a,
        vec![summary(2, "欧阳娜娜", OrderStatus::PendingReview, 30)],
    );
    out.push(scene("list filtered and searched", a));

    let mut a = app(lang);
    page(&mut a, vec![]);
    out.push(scene("list empty", a));
    let mut a = app(lang);
    key(&mut a, KeyCode::Char('x'));
    page(&mut a, vec![]);
    out.push(scene("list nothing matches", a));
    let mut a = bare(lang);
    a.show_tab::<Orders>();
    out.push(scene("list loading", a));

    let mut a = app(lang);
    a.answer::<Orders>(orders::Answer::Row {
        order_no: "HN20261128000009".into(),
        result: Err(problem("db", 503, "数据库忙或不可用，请稍后重试")),
    });
    let seq = a.tab::<Orders>().map(|o| o.fetch.seq()).unwrap_or(0);
    a.answer::<Orders>(orders::Answer::Page {
        seq,
        append: false,
        result: Err(problem("db", 503, "数据库忙或不可用，请稍后重试")),
    });
    out.push(scene("list stale after a lost update", a));

    let mut a = app(lang);
    key(&mut a, KeyCode::Char('/'));
    typed(&mut a, "138");
    out.push(scene("search line", a));

    out.push(scene("order awaiting review", opened(lang, order())));
    out.push(scene("order unpaid", opened(lang, unpaid())));
    // Submitted by the customer online: the channel, the customer's next step, and the
    // texts a support agent can send (a login code asked for too soon says when).
    let mut online = unpaid();
    online.channel = ca_counter::domain::Channel::Online;
    // Each action's key and words stay on one row (a row ends before an action that would
    // not fit, rather than breaking its label).
    let mut support = opened(lang, online.clone());
    operator(&mut support, "周客服", ca_counter::domain::Role::Clerk);
    let screen = render(&support, 80, 24);
    for label in [
        ca_counter::i18n::T::CmdSendLoginCode.get(lang),
        ca_counter::i18n::T::CmdSendPaymentLink.get(lang),
    ] {
        assert!(
            screen.lines().any(|row| row.contains(label)),
            "{label} whole on a row:\n{screen}"
        );
    }
    out.push(scene(
        "order unpaid, submitted online",
        opened(lang, online.clone()),
    ));
    let mut a = opened(lang, online);
    key(&mut a, KeyCode::Char('K'));
    a.answer::<Orders>(orders::Answer::Reminded {
        order_no: "HN20261128000003".into(),
        payment_link: false,
        result: Ok(ca_counter::api::Reminder {
            outcome: "too_soon".into(),
            retry_at: Some("2026-11-28T08:01:00Z".into()),
        }),
    });
    out.push(scene("a login code asked for too soon", a));
    for (name, outcome, retry_at) in [
        (
            "a payment link asked for too soon",
            "too_soon",
            Some("2026-11-28T08:10:00Z"),
        ),
        ("a payment link a fourth time today", "daily_limit", None),
    ] {
        let mut a = opened(lang, unpaid());
        a.answer::<Orders>(orders::Answer::Reminded {
            order_no: "HN20261128000003".into(),
            payment_link: true,
            result: Ok(ca_counter::api::Reminder {
                outcome: outcome.into(),
                retry_at: retry_at.map(str::to_owned),
            }),
        });
        out.push(scene(name, a));
    }
    let mut a = app(lang);
    key(&mut a, KeyCode::Char('l'));
    page(
        &mut a,
        vec![ca_counter::api::OrderSummary {
            channel: ca_counter::domain::Channel::Online,
            ..summary(5, "张三", OrderStatus::PendingPayment, 0)
        }],
    );
    out.push(scene("list, online orders only", a));
    let mut o = order();
    o.status = OrderStatus::Rejected;
    o.allowed_actions = vec![Action::Resubmit];
    o.rejection_reasons = vec!["申请表缺少签字".into(), "信息与实名认证结果不一致".into()];
    out.push(scene("order returned", opened(lang, o.clone())));

    let o = invoiced_organisation();
    let mut a = opened(lang, o);
    a.answer::<Orders>(orders::Answer::Tracking {
        order_no: "HN20261128000003".into(),
        result: Ok(Tracking {
            carrier: "shunfeng".into(),
            carrier_name: "顺丰".into(),
            tracking_no: "SF1234567890123".into(),
            provider: "kuaidi100".into(),
            state: Some("delivered".into()),
            events: (0..12)
                .map(|i| TrackingStep {
                    time: format!("2026-11-29 08:{i:02}:00"),
                    context: "快件已到达长沙岳麓区营业点，正在安排派送，请保持电话畅通".into(),
                    location: None,
                    state: Some("in_transit".into()),
                })
                .collect(),
            fetched_at: Some("2026-11-28T07:50:00Z".into()),
            checked_at: None,
            error: Some("快递100 查询超时（30 秒），请稍后按 t 重试".into()),
            next_check_at: None,
        }),
    });
    out.push(scene("order completed, organisation, tracked", a));
    let mut a = opened(lang, order());
    key(&mut a, KeyCode::Char('G'));
    out.push(scene("order scrolled to the end", a));

    let missing = || {
        let mut a = app(lang);
        key(&mut a, KeyCode::Char(':'));
        typed(&mut a, "order HN20261128000099");
        key(&mut a, KeyCode::Enter);
        a
    };
    out.push(scene("order loading", missing()));
    let mut a = missing();
    a.answer::<Orders>(orders::Answer::Detail {
        order_no: "HN20261128000099".into(),
        result: Err(problem("not_found", 404, "没有订单 HN20261128000099")),
    });
    out.push(scene("order not found", a));

    // Every popup.
    out.push(scene("popup cancel", with_popup(lang, unpaid(), 'c')));
    out.push(scene(
        "popup confirm transfer",
        with_popup(lang, unpaid(), 'b'),
    ));
    let mut a = with_popup(lang, order(), 'x');
    key(&mut a, KeyCode::Enter);
    out.push(scene("popup reject, required", a));
    let mut o = unpaid();
    o.status = OrderStatus::PendingVoucher;
    o.allowed_actions = vec![Action::UploadVoucher, Action::Cancel];
    let mut a = with_popup(lang, o, 'u');
    typed(
        &mut a,
        "/home/clerk/扫描件/转账凭证-湖南某某建设工程有限公司-2026年11月28日.jpg",
    );
    key(&mut a, KeyCode::Enter);
    a.answer::<Orders>(orders::Answer::Acted {
        order_no: "HN20261128000003".into(),
        action: Action::UploadVoucher,
        result: Err(ActFailure::File(
            "/home/clerk/扫描件/转账凭证-湖南某某建设工程有限公司-2026年11月28日.jpg".into(),
            FileProblem::NotAScan,
        )),
    });
    out.push(scene("popup voucher, refused file", a));
    let mut o = order();
    o.status = OrderStatus::PendingShipment;
    o.allowed_actions = vec![Action::Ship];
    let mut a = with_popup(lang, o, 'm');
    typed(&mut a, "ems");
    key(&mut a, KeyCode::Enter);
    typed(&mut a, "EA123456785CN");
    key(&mut a, KeyCode::Enter);
    a.answer::<Orders>(orders::Answer::Acted {
        order_no: "HN20261128000003".into(),
        action: Action::Ship,
        result: Err(ActFailure::Api(field_error(
            "tracking_no",
            "tracking number EA123456785CN is already on order HN20261128000001; was it scanned twice?",
        ))),
    });
    out.push(scene("popup ship, refused number", a));
    let mut o = order();
    o.status = OrderStatus::PendingInvoice;
    o.allowed_actions = vec![Action::DeclineInvoice];
    out.push(scene("popup no invoice", with_popup(lang, o, 'd')));
    let noting = || {
        let mut a = with_popup(lang, order(), 'N');
        typed(&mut a, "客户来电询问进度");
        key(&mut a, KeyCode::Enter);
        a
    };
    out.push(scene("popup note, sending", noting()));
    let mut a = noting();
    a.answer::<Orders>(orders::Answer::Noted {
        order_no: "HN20261128000003".into(),
        result: Err(problem(
            "unavailable",
            503,
            "服务暂不可用：数据库忙或不可用，请稍后重试（请求号 0192-abcd）",
        )),
    });
    out.push(scene("popup note, refused", a));

    // The longest correction: a returned organisation's details and its address, in full,
    // refused on two fields and as a whole.
    let mut o = order();
    o.status = OrderStatus::Rejected;
    o.allowed_actions = vec![Action::Resubmit];
    o.user_type = ca_counter::domain::UserType::Organization;
    o.organization = Some(Organization {
        name: "湖南某某建设工程有限公司长沙分公司".into(),
        uscc: "91430100MA4L12345X".into(),
        legal_representative: "欧阳娜娜".into(),
    });
    o.editable = vec![
        ca_counter::domain::OrderPart::Mailing,
        ca_counter::domain::OrderPart::Organization,
    ];
    o.revealed = true;
    o.mailing.phone = "13812345678".into();
    o.mailing.street = "岳麓大道 233 号湖南大学科技园创业大楼 1208 室".into();
    out.push(scene("popup correction", with_popup(lang, o.clone(), 'e')));
    let mut a = with_popup(lang, o, 'e');
    key(&mut a, KeyCode::Enter);
    let mut refused = field_error(
        "organization.uscc",
        "统一社会信用代码校验位不对，请核对是否输错",
    );
    if let ca_counter::api::ClientError::Problem(p) = &mut refused {
        p.errors.push(FieldError {
            field: "mailing.postal_code".into(),
            message: "邮政编码应为 6 位数字".into(),
        });
    }
    a.answer::<Orders>(orders::Answer::Updated {
        order_no: "HN20261128000003".into(),
        from_version: 3,
        result: Err(refused),
    });
    out.push(scene("popup correction, refused on two fields", a));
    // Every field blanked and refused: taller than the screen, so it scrolls to the field
    // being typed in, the end of the form still shown.
    let mut a = with_popup(lang, o_all_fields(), 'e');
    let count = a
        .tab::<Orders>()
        .and_then(|t| t.form.as_ref())
        .map_or(0, |f| f.fields.len());
    for _ in 0..count {
        ctrl(&mut a, 'u');
        key(&mut a, KeyCode::Down);
    }
    key(&mut a, KeyCode::Enter);
    let mut refused = field_error("organization.name", "必填");
    if let ca_counter::api::ClientError::Problem(p) = &mut refused {
        for field in [
            "organization.uscc",
            "organization.legal_representative",
            "mailing.recipient",
            "mailing.phone",
            "mailing.province",
            "mailing.city",
            "mailing.district",
            "mailing.street",
            "mailing.postal_code",
        ] {
            p.errors.push(FieldError {
                field: field.into(),
                message: "必填".into(),
            });
        }
    }
    a.answer::<Orders>(orders::Answer::Updated {
        order_no: "HN20261128000003".into(),
        from_version: 3,
        result: Err(refused),
    });
    out.push(scene("popup correction, every field refused", a));
    let mut a = with_popup(lang, order_for_edit_conflict(), 'e');
    key(&mut a, KeyCode::Enter);
    a.answer::<Orders>(orders::Answer::Updated {
        order_no: "HN20261128000003".into(),
        from_version: 3,
        result: Err(conflict("version_conflict", OrderStatus::PendingReview, 4)),
    });
    out.push(scene("popup correction, changed meanwhile", a));

    let mut a = app(lang);
    operator(&mut a, "吴邮寄", Role::Mailroom);
    let mut o = order();
    o.status = OrderStatus::PendingInvoice;
    o.allowed_actions = vec![];
    o.shipment = Some(Shipment {
        carrier: "ems".into(),
        tracking_no: "EA123456785CN".into(),
        shipped_at: "2026-11-28T08:00:00Z".into(),
    });
    key(&mut a, KeyCode::Char(':'));
    typed(&mut a, "order HN20261128000003");
    key(&mut a, KeyCode::Enter);
    a.answer::<Orders>(orders::Answer::Detail {
        order_no: "HN20261128000003".into(),
        result: Ok((o, history())),
    });
    a.answer::<Orders>(orders::Answer::Tracking {
        order_no: "HN20261128000003".into(),
        result: Ok(Tracking {
            carrier: "ems".into(),
            carrier_name: "EMS".into(),
            tracking_no: "EA123456785CN".into(),
            provider: "manual".into(),
            state: None,
            events: vec![],
            fetched_at: None,
            checked_at: None,
            error: None,
            next_check_at: None,
        }),
    });
    key(&mut a, KeyCode::Char('e'));
    a.take_jobs();
    let before = render(&a, 80, 24);
    // A state that is not one of the choices is named beside the field, with the choices
    // in the clerk's words; nothing is sent.
    let state = match lang {
        Lang::ZhCn => "运输中",
        _ => "moving",
    };
    typed(&mut a, state);
    key(&mut a, KeyCode::Tab);
    typed(&mut a, "已到达长沙邮区中心");
    key(&mut a, KeyCode::Enter);
    let screen = render(&a, 80, 24);
    let one_of = ca_counter::i18n::T::ErrOneOf.get(lang);
    let one_of = one_of.split("{0}").next().unwrap_or(one_of);
    assert!(
        !before.contains(one_of) && screen.contains(one_of) && !screen.contains("in_transit"),
        "{before}\n{screen}"
    );
    assert!(
        sent::<orders::Request>(&a.take_jobs()).is_empty(),
        "nothing sent"
    );
    out.push(scene("popup tracking event, state not a choice", a));

    let mut a = opened(lang, order());
    a.shared.read_only = true;
    out.push(scene("order read-only", a));
    let mut a = app(lang);
    operator(&mut a, "周客服", Role::Support);
    a.show_tab::<NewApp>();
    out.push(scene("tab not for the role", a));
    let _ = Actor {
        id: None,
        name: String::new(),
    };
    out
}

#[test]
fn every_orders_screen_and_popup_is_whole_at_80_by_24() {
    walk(scenes);
}

/// A note closed with Esc opens again as it was left, on the same order.
#[test]
fn a_note_closed_with_esc_comes_back_with_shift_n() {
    let mut a = with_popup(Lang::ZhCn, order(), 'N');
    typed(&mut a, "已致电客户，等待回传");
    key(&mut a, KeyCode::Esc);
    assert!(!render(&a, 80, 24).contains("等待回传"), "closed");
    key(&mut a, KeyCode::Char('N'));
    let screen = render(&a, 80, 24);
    assert!(screen.contains("已致电客户，等待回传"), "{screen}");
    // `n` (next, a screen away) opens no note: it says where the note and the next
    // customer are.
    key(&mut a, KeyCode::Esc);
    key(&mut a, KeyCode::Char('n'));
    let flat: String = render(&a, 80, 24).split_whitespace().collect();
    assert!(flat.contains("添加备注请按N（大写）"), "{flat}");
    assert!(!flat.contains("备注*"), "{flat}");
}

/// A support agent pressing an action key their role lacks is told whose it is, rather than
/// nothing happening.
#[test]
fn an_action_key_of_another_role_says_whose_it_is() {
    for (lang, words) in [
        (
            Lang::ZhCn,
            "“审核通过”需要审核、管理员角色，你的角色（客服）不能办理",
        ),
        (
            Lang::En,
            "\"approve\" is for these roles: reviewer, admin; yours (support)",
        ),
    ] {
        let mut o = order();
        // The platform offers a support agent no action on it.
        o.allowed_actions = vec![];
        let mut a = opened(lang, o);
        operator(&mut a, "周客服", Role::Support);
        a.take_jobs();
        key(&mut a, KeyCode::Char('a'));
        let screen = render(&a, 80, 24);
        assert!(
            screen
                .split_whitespace()
                .collect::<String>()
                .contains(&words.replace(' ', "")),
            "{screen}"
        );
        assert_eq!(a.take_jobs().len(), 0, "nothing asked of the platform");
    }
    // The order view's other keys of other roles say so too: correcting the address
    // (and where the caller may do it themselves), printing the form.
    for (pressed, words) in [
        ('e', "需要柜台受理、管理员角色"),
        ('e', "在自己的订单页修改收件信息"),
        ('f', "需要柜台受理、审核、管理员角色"),
    ] {
        let mut o = order();
        o.allowed_actions = vec![];
        o.editable = vec![];
        let mut a = opened(Lang::ZhCn, o);
        operator(&mut a, "周客服", Role::Support);
        a.take_jobs();
        key(&mut a, KeyCode::Char(pressed));
        let screen: String = render(&a, 80, 24).split_whitespace().collect();
        assert!(screen.contains(words), "{pressed}: {screen}");
        assert_eq!(a.take_jobs().len(), 0, "nothing asked of the platform");
    }
    // Taking payment on an unpaid order (it did nothing at all).
    let mut o = order();
    o.status = OrderStatus::PendingPayment;
    o.allowed_actions = vec![];
    let mut a = opened(Lang::ZhCn, o);
    operator(&mut a, "周客服", Role::Support);
    a.take_jobs();
    key(&mut a, KeyCode::Char('p'));
    let screen: String = render(&a, 80, 24).split_whitespace().collect();
    assert!(screen.contains("“收款”需要柜台受理"), "{screen}");
}

/// An organisation's person is its handler (经办人), as on its form; an invoice from the
/// built-in numbering says it is no tax invoice.
#[test]
fn an_organisations_order_names_its_handler_and_a_demo_invoice_says_so() {
    let mut a = opened(Lang::ZhCn, invoiced_organisation());
    let screen = render(&a, 100, 40);
    assert!(
        screen.contains("经办人") && !screen.contains("申请人"),
        "{screen}"
    );
    assert!(
        !screen.contains("非税务发票"),
        "no demo said before the platform does: {screen}"
    );
    platform_demo(&mut a, vec![ca_counter::api::DemoPart::Invoices]);
    // Wide enough for the invoice's line to stay one row.
    let screen = render(&a, 160, 40);
    assert!(
        screen.contains("26430000000000000042（演示，非税务发票）"),
        "{screen}"
    );
}

/// A mailed order open while the mailroom types in a tracking step: read again (its event),
/// the parcel is asked for again too — the block said "no tracking events yet" beside the
/// history naming the step.
#[test]
fn a_mailed_order_read_again_asks_where_its_parcel_is() {
    let o = invoiced_organisation();
    let mut a = opened(Lang::ZhCn, o.clone());
    a.answer::<Orders>(orders::Answer::Tracking {
        order_no: "HN20261128000003".into(),
        result: Ok(Tracking {
            carrier: "shunfeng".into(),
            carrier_name: "顺丰".into(),
            tracking_no: "SF1234567890123".into(),
            provider: "manual".into(),
            state: None,
            events: Vec::new(),
            fetched_at: None,
            checked_at: None,
            error: None,
            next_check_at: None,
        }),
    });
    a.take_jobs();
    a.answer::<Orders>(orders::Answer::Detail {
        order_no: o.order_no.to_string(),
        result: Ok((o, history())),
    });
    let asked = sent::<orders::Request>(&a.take_jobs());
    assert!(
        asked
            .iter()
            .any(|r| matches!(r, orders::Request::Tracking { .. })),
        "{asked:?}"
    );
}

/// The mailroom types in that the parcel is on its way back (退回): told that `B` records
/// its return once it is here — the event alone lets no one re-address it.
#[test]
fn a_tracking_event_of_a_parcel_coming_back_points_to_b() {
    for (state, points) in [("returning", true), ("in_transit", false)] {
        let o = invoiced_organisation();
        let mut a = opened(Lang::ZhCn, o);
        operator(&mut a, "吴邮寄", ca_counter::domain::Role::Mailroom);
        a.answer::<Orders>(orders::Answer::TrackingStepAdded {
            order_no: "HN20261128000003".into(),
            result: Ok(Tracking {
                carrier: "ems".into(),
                carrier_name: "EMS".into(),
                tracking_no: "EA123456785CN".into(),
                provider: "manual".into(),
                state: Some(state.into()),
                events: vec![TrackingStep {
                    time: "2026-11-29 08:00:00".into(),
                    context: "收件人地址不详，退回寄件人".into(),
                    location: None,
                    state: Some(state.into()),
                }],
                fetched_at: None,
                checked_at: None,
                error: None,
                next_check_at: None,
            }),
        });
        let said = a
            .tab::<Orders>()
            .and_then(|o| o.notice.as_ref())
            .map(|n| n.text.get(Lang::ZhCn))
            .unwrap_or_default();
        assert_eq!(said.contains("请按 B 登记退回"), points, "{state}: {said}");
        assert!(said.contains("HN20261128000003"), "{said}");
    }
}

/// On one province's platform many organisations are named after it: the list's narrow
/// customer column shows what tells them apart (湘潭市某某…), not `湖南省…` for all.
#[test]
fn an_organisation_named_after_its_province_is_told_apart_in_the_list() {
    let mut a = app(Lang::ZhCn);
    page(
        &mut a,
        vec![
            summary(
                7,
                "湖南省湘潭市某某科技有限公司",
                OrderStatus::PendingReview,
                5,
            ),
            summary(
                6,
                "湖南省长沙市某某建设有限公司",
                OrderStatus::PendingReview,
                9,
            ),
        ],
    );
    let screen = render(&a, 80, 24);
    assert!(
        screen.contains("湘潭市") && screen.contains("长沙市") && !screen.contains("湖南省"),
        "{screen}"
    );
}

/// The customer printed the correction notice or the transfer slip on their phone: the
/// timeline names the paper, not its code (`correction_notice`).
#[test]
fn a_paper_printed_online_is_named_in_the_timeline() {
    let o = order();
    let mut a = opened(Lang::ZhCn, o.clone());
    let mut history = history();
    for (id, paper) in [(90, "correction_notice"), (91, "transfer_slip")] {
        let mut entry = history[0].clone();
        entry.id = id;
        entry.action = "print".into();
        entry.from_status = None;
        entry.to_status = None;
        entry.reason = Some(paper.into());
        history.push(entry);
    }
    a.answer::<Orders>(orders::Answer::Detail {
        order_no: o.order_no.to_string(),
        result: Ok((o, history)),
    });
    key(&mut a, KeyCode::Char('G'));
    let screen = render(&a, 120, 60);
    assert!(
        screen.contains("补正材料一次性告知书")
            && screen.contains("银行转账付款说明")
            && !screen.contains("correction_notice"),
        "{screen}"
    );
}
