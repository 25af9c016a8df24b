//! The TUI drawn into ratatui's TestBackend at 80×24 (and smaller), in zh-CN and English:
//! every tab, the order view, popups, the too-small screen.

use ca_counter::api::{
    Actor, Applicant, Attachment, AttachmentKind, BankAccount, HistoryEntry, MailingAddress, Me,
    Order, OrderPage, OrderSummary, StatusCount,
};
use ca_counter::api::{ClientError, Health, OrderEvent, Problem};
use ca_counter::domain::{Action, OrderStatus, Role, UserType};
use ca_counter::i18n::Lang;
use ca_counter::tui::app::App;
use ca_counter::tui::keys::{Cmd, Tab};
use ca_counter::tui::net::{ActFailure, Msg, Request, ScanProblem};
use ca_counter::tui::newapp::NewApp;
use ca_counter::tui::newapp::NewCmd;
use ca_counter::tui::newapp::draft::{Choice, Draft, Step};
use ca_counter::tui::{theme, views};
use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use time::macros::datetime;

fn summary(no: u32, name: &str, status: OrderStatus, minutes_ago: i64) -> OrderSummary {
    let at = datetime!(2026-11-28 08:00 UTC) - time::Duration::minutes(minutes_ago);
    OrderSummary {
        order_no: format!("HN20261128{no:06}"),
        status,
        version: 1,
        customer_name: name.into(),
        phone: "138****5678".into(),
        project_name: "湘潭市公共资源交易系统".into(),
        product_name: "个人证书（1年）".into(),
        amount_fen: 20_000,
        created_at: at
            .format(&time::format_description::well_known::Rfc3339)
            .unwrap_or_default(),
        updated_at: at
            .format(&time::format_description::well_known::Rfc3339)
            .unwrap_or_default(),
    }
}

fn order() -> Order {
    Order {
        order_no: "HN20261128000003".into(),
        status: OrderStatus::PendingReview,
        version: 3,
        user_type: UserType::Individual,
        customer_id: "c1".into(),
        project_id: "p1".into(),
        project_name: "湘潭市公共资源交易系统".into(),
        product_id: "pr1".into(),
        product_name: "个人证书（1年）".into(),
        validity_years: 1,
        amount_fen: 20_000,
        applicant: Applicant {
            name: "王五".into(),
            id_number: "1101**********002X".into(),
            phone: "138****5678".into(),
            email: None,
        },
        organization: None,
        mailing: MailingAddress {
            recipient: "王五".into(),
            phone: "138****5678".into(),
            province: "湖南省".into(),
            city: "长沙市".into(),
            district: "岳麓区".into(),
            street: "****".into(),
            postal_code: "410083".into(),
        },
        revealed: false,
        note: Some("下午来取回执".into()),
        application_ref: Some("SQ7F3K9QAB".into()),
        terms_version: Some("2026-1".into()),

        payment_method: Some("sandbox".into()),
        paid_at: Some("2026-11-28T07:40:00Z".into()),
        rejection_reasons: vec![],
        shipment: None,
        invoice_no: None,
        submitted_by: Actor {
            id: Some("o1".into()),
            name: "李柜员".into(),
        },
        created_at: "2026-11-28T07:30:00Z".into(),
        updated_at: "2026-11-28T07:40:00Z".into(),
        claim: None,
        resubmissions: 0,
        allowed_actions: vec![Action::Approve, Action::Reject],
        attachments: vec![Attachment {
            id: "a1".into(),
            order_no: "HN20261128000003".into(),
            kind: AttachmentKind::SignedForm,
            content_type: "image/png".into(),
            size: 183_000,
            sha256: "00".into(),
            filename: "签字申请表.png".into(),
            uploaded_by: Actor {
                id: Some("o1".into()),
                name: "李柜员".into(),
            },
            uploaded_at: "2026-11-28T07:35:00Z".into(),
        }],
    }
}

fn history() -> Vec<HistoryEntry> {
    let entry =
        |id, at: &str, who: &str, action: &str, from, to, reason: Option<&str>| HistoryEntry {
            id,
            at: at.into(),
            actor: Actor {
                id: None,
                name: who.into(),
            },
            action: action.into(),
            from_status: from,
            to_status: to,
            reason: reason.map(Into::into),
            request_id: None,
        };
    vec![
        entry(
            1,
            "2026-11-28T07:30:00Z",
            "李柜员",
            "submit",
            None,
            Some(OrderStatus::PendingPayment),
            None,
        ),
        entry(
            2,
            "2026-11-28T07:35:00Z",
            "李柜员",
            "attach",
            None,
            None,
            Some("signed_form 签字申请表.png"),
        ),
        entry(
            3,
            "2026-11-28T07:40:00Z",
            "sandbox",
            "pay",
            Some(OrderStatus::PendingPayment),
            Some(OrderStatus::PendingReview),
            Some("sandbox HN20261128000003-1a2b3c4d"),
        ),
    ]
}

/// An app as a reviewer-and-clerk would see it after the first answers arrived.
fn app(lang: Lang) -> App {
    let theme = theme::load("default", None, false).expect("theme");
    let mut app = App::new(
        lang,
        theme,
        "https://ca-platform.internal".into(),
        datetime!(2026-11-28 08:00 UTC),
    );
    app.start();
    app.outbox.clear();
    app.on_msg(Msg::Me(Ok(Me {
        id: "o1".into(),
        name: "赵审核".into(),
        roles: vec![Role::Clerk, Role::Reviewer],
        may_reveal: true,
    })));
    app.on_msg(Msg::Online);
    let counts = [
        (OrderStatus::PendingPayment, 2),
        (OrderStatus::PendingReview, 4),
        (OrderStatus::PendingShipment, 1),
    ];
    app.on_msg(Msg::Counts(Ok(OrderStatus::ALL
        .iter()
        .map(|s| StatusCount {
            status: *s,
            count: counts
                .iter()
                .find(|(c, _)| c == s)
                .map(|(_, n)| *n)
                .unwrap_or(0),
        })
        .collect())));
    let seq = app.list.seq;
    app.on_msg(Msg::Orders {
        seq,
        append: false,
        result: Ok(OrderPage {
            items: vec![
                summary(5, "张三", OrderStatus::PendingPayment, 0),
                summary(4, "湖南某某建设有限公司", OrderStatus::PendingVoucher, 12),
                summary(3, "王五", OrderStatus::PendingReview, 20),
                summary(2, "欧阳娜娜", OrderStatus::Rejected, 180),
                summary(1, "李四", OrderStatus::Completed, 60 * 24 * 3),
            ],
            next_cursor: None,
        }),
    });
    app.last_event = Some(datetime!(2026-11-28 07:59:30 UTC));
    app.newapp = NewApp::with_drafts(vec![Draft {
        id: "01a22342-0000-7000-8000-000000000001".into(),
        reference: "SQ7F3K9QAB".into(),
        ..Draft::default()
    }]);
    app
}

fn render(app: &App, width: u16, height: u16) -> String {
    let mut terminal = Terminal::new(TestBackend::new(width, height)).expect("terminal");
    terminal
        .draw(|frame| views::draw(frame, app))
        .expect("draw");
    format!("{}", terminal.backend())
}

fn key(app: &mut App, code: KeyCode) {
    app.on_key(KeyEvent::new(code, KeyModifiers::NONE));
}

fn lang_name(lang: Lang) -> &'static str {
    if lang == Lang::ZhCn { "zh" } else { "en" }
}

#[test]
fn pending_orders_list() {
    for lang in Lang::ALL {
        let mut app = app(lang);
        key(&mut app, KeyCode::Down);
        insta::assert_snapshot!(format!("pending_{}", lang_name(lang)), render(&app, 80, 24));
    }
}

#[test]
fn every_other_tab_says_what_it_will_hold_and_counts_live() {
    for lang in Lang::ALL {
        for tab in [Tab::New, Tab::Review, Tab::Mail, Tab::Invoice] {
            let mut app = app(lang);
            app.run(Cmd::Tab(tab));
            insta::assert_snapshot!(
                format!("tab_{:?}_{}", tab, lang_name(lang)).to_lowercase(),
                render(&app, 80, 24)
            );
        }
    }
}

#[test]
fn tabs_a_role_cannot_use_are_dimmed_and_explained() {
    let mut app = app(Lang::ZhCn);
    app.on_msg(Msg::Me(Ok(Me {
        id: "o9".into(),
        name: "周客服".into(),
        roles: vec![Role::Support],
        may_reveal: false,
    })));
    app.run(Cmd::Tab(Tab::Mail));
    let screen = render(&app, 80, 24);
    assert!(
        screen.contains("你的角色（客服）不能使用“邮寄”"),
        "{screen}"
    );
    insta::assert_snapshot!("tab_mail_support_zh", screen);
}

#[test]
fn order_detail_with_actions_timeline_and_attachments() {
    for lang in Lang::ALL {
        let mut app = app(lang);
        key(&mut app, KeyCode::Down);
        key(&mut app, KeyCode::Down);
        key(&mut app, KeyCode::Enter);
        assert!(app.outbox.iter().any(|r| matches!(r, ca_counter::tui::net::Request::Detail { order_no, .. } if order_no == "HN20261128000003")));
        app.on_msg(Msg::Detail {
            order_no: "HN20261128000003".into(),
            result: Ok((order(), history())),
        });
        insta::assert_snapshot!(format!("detail_{}", lang_name(lang)), render(&app, 80, 24));
    }
}

#[test]
fn reject_popup_keeps_what_was_typed_next_to_the_error() {
    let mut app = app(Lang::ZhCn);
    app.open("HN20261128000003");
    app.on_msg(Msg::Detail {
        order_no: "HN20261128000003".into(),
        result: Ok((order(), history())),
    });
    key(&mut app, KeyCode::Char('x'));
    key(&mut app, KeyCode::Enter);
    let screen = render(&app, 80, 24);
    assert!(screen.contains("必填"), "{screen}");
    app.on_paste("签名缺失；转账金额不符");
    insta::assert_snapshot!("reject_popup_zh", render(&app, 80, 24));
}

#[test]
fn help_finds_commands_by_words() {
    let mut app = app(Lang::En);
    key(&mut app, KeyCode::Char('?'));
    for c in "review".chars() {
        key(&mut app, KeyCode::Char(c));
    }
    insta::assert_snapshot!("help_en", render(&app, 80, 24));
}

#[test]
fn too_small_screen_says_what_is_needed() {
    let app = app(Lang::ZhCn);
    let screen = render(&app, 60, 20);
    assert!(
        screen.contains("80×24") && screen.contains("60×20"),
        "{screen}"
    );
    insta::assert_snapshot!("too_small_zh", screen);
    let app = self::app(Lang::En);
    insta::assert_snapshot!("too_small_en", render(&app, 79, 24));
}

#[test]
fn selection_and_active_tab_stay_visible_without_colour() {
    for (name, no_color) in [("mono", false), ("default", true), ("high-contrast", true)] {
        let mut app = app(Lang::ZhCn);
        app.theme = theme::load(name, None, no_color).expect("theme");
        key(&mut app, KeyCode::Down);
        let mut terminal = Terminal::new(TestBackend::new(80, 24)).expect("terminal");
        terminal
            .draw(|frame| views::draw(frame, &app))
            .expect("draw");
        let buffer = terminal.backend().buffer();
        // Row 4 is the second order (the selection); its cells are reversed.
        let selected = &buffer[(0, 4)];
        assert!(
            selected
                .modifier
                .contains(ratatui::style::Modifier::REVERSED),
            "{name}: {selected:?}"
        );
        assert!(
            !buffer[(0, 3)]
                .modifier
                .contains(ratatui::style::Modifier::REVERSED),
            "{name}"
        );
        if no_color || name == "mono" {
            assert_eq!(
                selected.fg,
                ratatui::style::Color::Reset,
                "{name}: no colour"
            );
        }
    }
}

#[test]
fn mouse_clicks_select_tabs_and_rows() {
    use crossterm::event::{MouseButton, MouseEvent, MouseEventKind};
    let mut app = app(Lang::ZhCn);
    render(&app, 80, 24);
    let click = |column, row| MouseEvent {
        kind: MouseEventKind::Down(MouseButton::Left),
        column,
        row,
        modifiers: KeyModifiers::NONE,
    };
    app.on_mouse(click(5, 6)); // the fourth order row
    assert_eq!(app.list.selected, 3);
    app.on_mouse(click(5, 6)); // again: opens it
    assert_eq!(
        app.detail.as_ref().map(|d| d.order_no.as_str()),
        Some("HN20261128000002")
    );
    let tabs = app.hitboxes.borrow().tabs.clone();
    let (_, from, _) = tabs
        .iter()
        .find(|(t, _, _)| *t == Tab::Mail)
        .copied()
        .expect("mail tab drawn");
    app.on_mouse(click(from + 2, 0));
    assert_eq!(app.tab, Tab::Mail);
}

#[test]
fn ascii_borders_use_no_box_drawing_characters() {
    let mut app = app(Lang::ZhCn);
    app.ascii = true;
    app.open("HN20261128000003");
    app.on_msg(Msg::Detail {
        order_no: "HN20261128000003".into(),
        result: Ok((order(), history())),
    });
    let screen = render(&app, 80, 24);
    assert!(screen.contains("+ 订单 HN20261128000003"), "{screen}");
    assert!(
        !screen.contains('┌') && !screen.contains('│') && !screen.contains('─'),
        "{screen}"
    );
}

/// The 新申请 tab after submission with the order in `status`.
fn submitted(lang: Lang, status: OrderStatus) -> App {
    let mut app = app(lang);
    app.newapp = NewApp::with_drafts(vec![Draft {
        id: "01a22342-0000-7000-8000-000000000002".into(),
        reference: "SQ7F3K9QAB".into(),
        step: Step::Done,
        order_no: Some("HN20261128000006".into()),
        order_version: 1,
        order_status: Some(status),
        choice: Some(Choice {
            project_id: "p1".into(),
            project_name: "湘潭市公共资源交易系统".into(),
            product_id: "k1".into(),
            product_name: "个人证书（一年）".into(),
            user_type: Some(UserType::Individual),
            validity_years: 1,
            price_fen: 30_000,
        }),
        ..Draft::default()
    }]);
    app.newapp.bank = Some(BankAccount {
        account_name: "湖南省数字证书认证中心".into(),
        bank: "中国银行长沙芙蓉支行".into(),
        account_no: "6222021000001234567".into(),
    });
    app.run(Cmd::Tab(Tab::New));
    app
}

#[test]
fn taking_payment_after_submission() {
    for lang in Lang::ALL {
        let name = lang_name(lang);
        let app = submitted(lang, OrderStatus::PendingPayment);
        insta::assert_snapshot!(format!("pay_choose_{name}"), render(&app, 80, 24));

        let mut app = submitted(lang, OrderStatus::PendingVoucher);
        insta::assert_snapshot!(format!("pay_transfer_{name}"), render(&app, 80, 24));
        key(&mut app, KeyCode::Char('u'));
        for c in "/tmp/x.txt".chars() {
            key(&mut app, KeyCode::Char(c));
        }
        app.on_msg(Msg::DraftActed {
            draft: "01a22342-0000-7000-8000-000000000002".into(),
            result: Err(ActFailure::File(
                "/tmp/x.txt".into(),
                ScanProblem::Io(std::io::ErrorKind::NotFound),
            )),
        });
        insta::assert_snapshot!(format!("pay_voucher_{name}"), render(&app, 80, 24));

        let app = submitted(lang, OrderStatus::PendingReview);
        insta::assert_snapshot!(format!("pay_settled_{name}"), render(&app, 80, 24));
    }
}

fn conflict(code: &str, status: OrderStatus, version: i64) -> ClientError {
    ClientError::Problem(Box::new(Problem {
        type_uri: "about:blank".into(),
        title: "conflict".into(),
        status: 409,
        detail: "订单已变化".into(),
        code: code.into(),
        errors: Vec::new(),
        request_id: None,
        current_status: Some(status),
        current_version: Some(version),
    }))
}

const PAYING_DRAFT: &str = "01a22342-0000-7000-8000-000000000002";

#[test]
fn a_second_press_while_the_platform_answers_asks_nothing_more() {
    let mut app = submitted(Lang::ZhCn, OrderStatus::PendingPayment);
    app.take_requests();
    key(&mut app, KeyCode::Char('p'));
    key(&mut app, KeyCode::Char('p'));
    key(&mut app, KeyCode::Char('b'));
    let requests = app.take_requests();
    let asks = requests
        .iter()
        .filter(|r| matches!(r, Request::OpenPayment { .. } | Request::DraftAct { .. }))
        .count();
    assert_eq!(asks, 1, "{requests:?}");
}

#[test]
fn without_qr_payment_only_bank_transfer_is_offered() {
    let mut app = submitted(Lang::ZhCn, OrderStatus::PendingPayment);
    app.on_msg(Msg::Health(Ok(Health {
        status: "ok".into(),
        version: "t".into(),
        database: "sqlite".into(),
        max_upload_bytes: 10 << 20,
        public_base_url: "http://192.168.1.20:8080".into(),
        qr_payment: false,
    })));
    let screen = render(&app, 80, 24);
    assert!(screen.contains("未开通扫码支付"), "{screen}");
    assert!(!screen.contains("p  支付宝扫码"), "{screen}");
    app.take_requests();
    key(&mut app, KeyCode::Char('p'));
    assert!(
        !app.take_requests()
            .iter()
            .any(|r| matches!(r, Request::OpenPayment { .. })),
        "p asks for no code"
    );
    key(&mut app, KeyCode::Char('b'));
    assert!(
        app.take_requests()
            .iter()
            .any(|r| matches!(r, Request::DraftAct { .. }))
    );
}

#[test]
fn a_draft_not_shown_follows_its_order_and_is_saved() {
    let mut app = submitted(Lang::ZhCn, OrderStatus::PendingPayment);
    app.run(Cmd::New(NewCmd::NewDraft));
    app.take_requests();
    app.on_msg(Msg::Event(OrderEvent {
        id: 9,
        order_no: "HN20261128000006".into(),
        kind: "transition".into(),
        status: OrderStatus::PendingReview,
        version: 2,
        action: Some("pay".into()),
        at: "2026-11-28T08:00:00Z".into(),
    }));
    let saved = app.take_requests().iter().find_map(|r| match r {
        Request::SaveDraft(d) if d.id == PAYING_DRAFT => Some(d.clone()),
        _ => None,
    });
    let saved = saved.expect("the paid draft is written to disk");
    assert_eq!(saved.order_status, Some(OrderStatus::PendingReview));
    assert_eq!(saved.order_version, 2);
    // An older event afterwards changes nothing.
    app.take_requests();
    app.on_msg(Msg::Event(OrderEvent {
        id: 8,
        order_no: "HN20261128000006".into(),
        kind: "transition".into(),
        status: OrderStatus::PendingPayment,
        version: 1,
        action: Some("submit".into()),
        at: "2026-11-28T07:59:00Z".into(),
    }));
    assert!(
        !app.take_requests()
            .iter()
            .any(|r| matches!(r, Request::SaveDraft(d) if d.id == PAYING_DRAFT))
    );
}

#[test]
fn a_refusal_naming_where_the_order_is_now_puts_the_draft_there() {
    let mut app = submitted(Lang::ZhCn, OrderStatus::PendingPayment);
    key(&mut app, KeyCode::Char('b'));
    app.on_msg(Msg::DraftActed {
        draft: PAYING_DRAFT.into(),
        result: Err(ActFailure::Api(conflict(
            "stale_version",
            OrderStatus::PendingVoucher,
            3,
        ))),
    });
    let screen = render(&app, 80, 24);
    assert!(screen.contains("请客户按以下信息转账"), "{screen}");
    // The voucher then goes with the order's version now.
    app.take_requests();
    key(&mut app, KeyCode::Char('u'));
    for c in "/tmp/v.png".chars() {
        key(&mut app, KeyCode::Char(c));
    }
    key(&mut app, KeyCode::Enter);
    let version = app.take_requests().iter().find_map(|r| match r {
        Request::DraftAct { body, .. } => body.version,
        _ => None,
    });
    assert_eq!(version, Some(3));
}

#[test]
fn drafts_restored_after_submission_ask_where_their_order_stands() {
    let mut app = submitted(Lang::ZhCn, OrderStatus::PendingPayment);
    app.take_requests();
    app.start();
    assert!(
        app.take_requests().iter().any(|r| matches!(
            r,
            Request::DraftOrder { draft, order_no }
                if draft == PAYING_DRAFT && order_no == "HN20261128000006"
        )),
        "a refetch for the submitted draft"
    );
}
