//! The TUI drawn into ratatui's TestBackend at 80×24 (and smaller), in zh-CN and English:
//! every tab, the order view, popups, the too-small screen.

use ca_counter::api::{
    Actor, Applicant, Attachment, AttachmentKind, BankAccount, HistoryEntry, MailingAddress, Me,
    Order, OrderPage, OrderSummary, StatusCount,
};
use ca_counter::api::{
    Carrier, InvoiceRequestView, InvoicingItem, InvoicingQueue, MailingItem, MailingQueue,
    Shipment, Tracking, TrackingStep,
};
use ca_counter::api::{Claim, ClientError, Health, OrderEvent, Problem, RealnameCheck, ReviewItem};
use ca_counter::domain::Deadline;
use ca_counter::domain::{Action, OrderStatus, Role, UserType};
use ca_counter::domain::{InvoiceRequestInput, TrackingFormat, validate_invoice_request};
use ca_counter::i18n::Lang;
use ca_counter::tui::app::App;
use ca_counter::tui::keys::{Cmd, Tab};
use ca_counter::tui::net::{ActFailure, Msg, Request, ScanProblem};
use ca_counter::tui::newapp::NewApp;
use ca_counter::tui::newapp::NewCmd;
use ca_counter::tui::newapp::draft::{Choice, Draft, Step};
use ca_counter::tui::widgets::picture::ColorMode;
use ca_counter::tui::{theme, views};
use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use ratatui::style::Color;
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
        invoice: None,
        invoice_request: None,
        submitted_by: Actor {
            id: Some("o1".into()),
            name: "李柜员".into(),
        },
        created_at: "2026-11-28T07:30:00Z".into(),
        updated_at: "2026-11-28T07:40:00Z".into(),
        claim: None,
        resubmissions: 0,
        trade_no: None,
        realname: None,
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
            scan_check: None,
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
        for tab in [Tab::New, Tab::Review] {
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
    app.run(Cmd::Tab(Tab::New));
    let screen = render(&app, 80, 24);
    assert!(
        screen.contains("你的角色（客服）不能使用“新申请”"),
        "{screen}"
    );
    insta::assert_snapshot!("tab_new_support_zh", screen);
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

fn review_item(no: u32, name: &str, waited_hours: i64, deadline: Deadline) -> ReviewItem {
    ReviewItem {
        order: summary(no, name, OrderStatus::PendingReview, waited_hours * 60),
        paid_at: Some("2026-11-26T07:00:00Z".into()),
        waited_minutes: waited_hours * 60,
        promised_minutes: 1020,
        due_at: "2026-11-30T07:00:00Z".into(),
        deadline,
        resubmissions: 0,
        claim: None,
        own: false,
        scan_check: None,
    }
}

/// The 审核队列 tab with three orders waiting: one overdue, one due soon and corrected,
/// one being reviewed by someone else.
fn review_app(lang: Lang) -> App {
    let mut app = app(lang);
    let mut soon = review_item(7, "欧阳娜娜", 14, Deadline::Soon);
    soon.resubmissions = 1;
    let mut taken = review_item(8, "王五", 2, Deadline::Ok);
    taken.claim = Some(Claim {
        by: Actor {
            id: Some("o7".into()),
            name: "钱审核".into(),
        },
        expires_at: "2026-11-28T08:10:00Z".into(),
    });
    app.review.items = vec![review_item(3, "张三", 20, Deadline::Overdue), soon, taken];
    app.review.loaded = true;
    app.review.promise_days = 2;
    app.review.may_decide = true;
    app.run(Cmd::Tab(Tab::Review));
    app.take_requests();
    app
}

/// A scan: left half red, right half blue, a black bar across the middle.
fn scan(width: u32, height: u32) -> image::RgbImage {
    image::RgbImage::from_fn(width, height, |x, y| {
        if (height * 9 / 20..height * 11 / 20).contains(&y) {
            image::Rgb([0, 0, 0])
        } else if x < width / 2 {
            image::Rgb([220, 20, 20])
        } else {
            image::Rgb([20, 20, 220])
        }
    })
}

/// The review screen on order 3, claimed, its scan received.
fn review_screen(lang: Lang) -> App {
    let mut app = review_app(lang);
    app.colors = ColorMode::TrueColor;
    key(&mut app, KeyCode::Enter);
    let mut order = order();
    order.realname = Some(RealnameCheck {
        name: "王五".into(),
        id_number: "1101**********002X".into(),
        verified_at: "2026-11-28T07:20:00Z".into(),
        matches_applicant: true,
    });
    let claim = Claim {
        by: Actor {
            id: Some("o1".into()),
            name: "赵审核".into(),
        },
        expires_at: "2026-11-28T08:15:00Z".into(),
    };
    app.on_msg(Msg::ReviewOpened {
        order_no: "HN20261128000003".into(),
        claim: Some(Ok(claim)),
        order: Ok((order, history())),
    });
    app.on_msg(Msg::Preview {
        id: "a1".into(),
        width: 400,
        height: 400,
        result: Ok(scan(400, 200)),
    });
    app.take_requests();
    app
}

#[test]
fn the_review_queue_marks_the_promise_corrections_and_claims() {
    for lang in Lang::ALL {
        let app = review_app(lang);
        let screen = render(&app, 80, 24);
        insta::assert_snapshot!(format!("review_queue_{}", lang_name(lang)), screen);
    }
    let app = review_app(Lang::ZhCn);
    let screen = render(&app, 80, 24);
    for expected in ["已超时", "将超时", "补正件", "钱审核", "20.0/17.0"] {
        assert!(screen.contains(expected), "{expected} missing:\n{screen}");
    }
    insta::assert_snapshot!("review_queue_120x40_zh", render(&app, 120, 40));
}

#[test]
fn the_review_screen_shows_the_order_beside_its_scan() {
    for lang in Lang::ALL {
        let app = review_screen(lang);
        insta::assert_snapshot!(
            format!("review_screen_{}", lang_name(lang)),
            render(&app, 80, 24)
        );
    }
    let app = review_screen(Lang::ZhCn);
    insta::assert_snapshot!("review_screen_120x40_zh", render(&app, 120, 40));
    let mut app = review_screen(Lang::ZhCn);
    key(&mut app, KeyCode::Char('r'));
    key(&mut app, KeyCode::Char('1'));
    key(&mut app, KeyCode::Char('7'));
    key(&mut app, KeyCode::Enter);
    let screen = render(&app, 80, 24);
    assert!(screen.contains("请写明“其他”原因"), "{screen}");
    insta::assert_snapshot!("review_return_popup_zh", screen);
}

/// The scan's colours land in the right cells: red on the left, blue on the right, the
/// black bar in the middle rows; every picture cell a half block.
#[test]
fn the_half_block_renderer_puts_each_colour_in_its_cell() {
    let app = review_screen(Lang::ZhCn);
    let mut terminal = Terminal::new(TestBackend::new(80, 24)).expect("terminal");
    terminal
        .draw(|frame| ca_counter::tui::views::draw(frame, &app))
        .expect("draw");
    let buffer = terminal.backend().buffer();
    let cells: Vec<(u16, u16, Color, Color)> = (0..24u16)
        .flat_map(|y| (0..80u16).map(move |x| (x, y)))
        .filter_map(|(x, y)| {
            let cell = &buffer[(x, y)];
            (cell.symbol() == "▀").then_some((x, y, cell.fg, cell.bg))
        })
        .collect();
    assert!(
        cells.len() > 200,
        "a picture was drawn: {} cells",
        cells.len()
    );
    let (min_x, max_x) = (
        cells.iter().map(|c| c.0).min().unwrap_or(0),
        cells.iter().map(|c| c.0).max().unwrap_or(0),
    );
    let (min_y, max_y) = (
        cells.iter().map(|c| c.1).min().unwrap_or(0),
        cells.iter().map(|c| c.1).max().unwrap_or(0),
    );
    // A 2:1 scan fits its width; it takes half as many pixel rows, a quarter as many cells.
    let (width, height) = (max_x - min_x + 1, max_y - min_y + 1);
    assert!(
        width >= 2 * height * 2 - 2 && width <= 2 * height * 2 + 2,
        "{width}×{height}"
    );
    let red = |c: Color| matches!(c, Color::Rgb(r, g, b) if r > 150 && g < 80 && b < 80);
    let blue = |c: Color| matches!(c, Color::Rgb(r, g, b) if b > 150 && r < 80 && g < 80);
    let black = |c: Color| matches!(c, Color::Rgb(r, g, b) if r < 40 && g < 40 && b < 40);
    let mid_y = min_y + height / 2;
    for &(x, y, fg, bg) in &cells {
        let left = x < min_x + width / 2 - 1;
        let right = x > min_x + width / 2;
        let top_rows = y + 2 < mid_y;
        let bottom_rows = y > mid_y + 1;
        if left && (top_rows || bottom_rows) {
            assert!(red(fg) && red(bg), "({x},{y}) {fg:?}/{bg:?} should be red");
        }
        if right && (top_rows || bottom_rows) {
            assert!(
                blue(fg) && blue(bg),
                "({x},{y}) {fg:?}/{bg:?} should be blue"
            );
        }
    }
    assert!(
        cells
            .iter()
            .any(|&(_, y, fg, bg)| (y == mid_y || y + 1 == mid_y) && (black(fg) || black(bg))),
        "the black bar is in the middle rows"
    );
}

#[test]
fn without_colour_the_scan_is_drawn_in_shades() {
    let mut app = review_screen(Lang::ZhCn);
    app.no_color = true;
    let screen = render(&app, 80, 24);
    assert!(
        !screen.contains('▀'),
        "no colour means no half blocks:\n{screen}"
    );
    assert!(
        screen.contains('█'),
        "the black bar shows as full blocks:\n{screen}"
    );
}

#[test]
fn read_only_shows_everything_and_offers_no_action() {
    let mut app = review_screen(Lang::ZhCn);
    app.read_only = true;
    let screen = render(&app, 80, 24);
    assert!(
        screen.contains("申请信息") && screen.contains('▀'),
        "{screen}"
    );
    assert!(!screen.contains("a 审核通过"), "{screen}");
    key(&mut app, KeyCode::Char('a'));
    assert!(
        app.review
            .screen
            .as_ref()
            .is_some_and(|s| s.popup.is_none()),
        "no approve popup"
    );
    let mut app = self::app(Lang::ZhCn);
    app.read_only = true;
    key(&mut app, KeyCode::Down);
    key(&mut app, KeyCode::Down);
    key(&mut app, KeyCode::Enter);
    app.on_msg(Msg::Detail {
        order_no: "HN20261128000003".into(),
        result: Ok((order(), history())),
    });
    let screen = render(&app, 80, 24);
    assert!(screen.contains("HN20261128000003"), "{screen}");
    assert!(
        !screen.contains("a 审核通过") && !screen.contains("n 备注"),
        "{screen}"
    );
    assert!(!app.tab_allowed(Tab::New));
}

fn renewals(app: &mut App) -> usize {
    app.take_requests()
        .iter()
        .filter(|r| matches!(r, Request::ReviewRenew { .. }))
        .count()
}

/// A claim is renewed while the reviewer works and left to lapse when they do not, so an
/// order open on an empty desk frees itself.
#[test]
fn a_claim_is_renewed_only_while_the_reviewer_works() {
    let mut app = review_screen(Lang::ZhCn);
    let start = app.now;
    let at = |s: i64| start + time::Duration::seconds(s);
    app.on_tick(at(100));
    assert_eq!(renewals(&mut app), 0, "not yet");
    app.on_tick(at(301));
    assert_eq!(renewals(&mut app), 1, "renewed while freshly opened");
    app.on_tick(at(700));
    assert_eq!(renewals(&mut app), 0, "idle since: left to lapse");
    key(&mut app, KeyCode::Char('+'));
    app.on_tick(at(701));
    assert_eq!(renewals(&mut app), 1, "a key press renews");
    // Renewals go on while another tab is shown.
    key(&mut app, KeyCode::Char('-'));
    app.run(Cmd::Tab(Tab::Pending));
    app.on_tick(at(1010));
    assert_eq!(renewals(&mut app), 1);
    assert_eq!(app.review.held_order(), Some("HN20261128000003"));
}

#[test]
fn read_only_and_own_orders_are_opened_without_a_claim() {
    let mut app = review_app(Lang::ZhCn);
    app.read_only = true;
    app.on_msg(Msg::Me(Ok(Me {
        id: "o1".into(),
        name: "赵审核".into(),
        roles: vec![Role::Clerk, Role::Reviewer],
        may_reveal: true,
    })));
    key(&mut app, KeyCode::Enter);
    let requests = app.take_requests();
    assert!(
        requests
            .iter()
            .any(|r| matches!(r, Request::ReviewOpen { claim: false, .. })),
        "{requests:?}"
    );
    assert!(app.review.held_order().is_none());
    let mut app = review_app(Lang::ZhCn);
    app.review.items[0].own = true;
    key(&mut app, KeyCode::Enter);
    assert!(
        app.take_requests()
            .iter()
            .any(|r| matches!(r, Request::ReviewOpen { claim: false, .. })),
        "one's own order is only looked at"
    );
}

/// A PDF scan is asked for too: the platform's answer (its page count, save it) is shown
/// where the picture would be.
#[test]
fn a_pdf_attachment_says_its_pages() {
    let mut app = review_screen(Lang::ZhCn);
    let mut order = app
        .review
        .screen
        .as_ref()
        .and_then(|s| s.order.clone())
        .expect("order");
    order.attachments[0].id = "pdf1".into();
    order.attachments[0].content_type = "application/pdf".into();
    app.on_msg(Msg::ReviewOpened {
        order_no: "HN20261128000003".into(),
        claim: None,
        order: Ok((order, history())),
    });
    let _ = render(&app, 80, 24);
    let asked = app
        .take_requests()
        .into_iter()
        .any(|r| matches!(r, Request::Preview { id, .. } if id == "pdf1"));
    assert!(asked, "the PDF's preview is asked for");
    let mut problem = match conflict("no_preview", OrderStatus::PendingReview, 1) {
        ClientError::Problem(p) => *p,
        _ => unreachable!(),
    };
    problem.detail = "PDF 文件（2 页）无法在终端中显示：请保存后在本机打开".into();
    app.on_msg(Msg::Preview {
        id: "pdf1".into(),
        width: 400,
        height: 400,
        result: Err(Some(ClientError::Problem(Box::new(problem)))),
    });
    let screen = render(&app, 80, 24);
    assert!(screen.contains("PDF 文件（2"), "{screen}");
    assert!(screen.contains("请保存后在本机打开"), "{screen}");
}

// ----- 邮寄 and 开票 -----

fn operator(app: &mut App, name: &str, role: Role) {
    app.on_msg(Msg::Me(Ok(Me {
        id: "o5".into(),
        name: name.into(),
        roles: vec![role],
        may_reveal: true,
    })));
}

fn mailing_item(
    no: u32,
    name: &str,
    street: &str,
    waited_hours: i64,
    deadline: Deadline,
) -> MailingItem {
    MailingItem {
        order: summary(no, name, OrderStatus::PendingShipment, waited_hours * 60),
        recipient: name.into(),
        phone: "13812345678".into(),
        address: format!("湖南省长沙市岳麓区 {street}"),
        postal_code: "410083".into(),
        product_name: "个人证书（1年）".into(),
        paid_at: Some("2026-11-26T07:00:00Z".into()),
        waited_minutes: waited_hours * 60,
        promised_minutes: 1020,
        deadline,
        masked: false,
    }
}

fn carriers() -> Vec<Carrier> {
    let carrier = |code: &str, name: &str, name_en: &str, format| Carrier {
        code: code.into(),
        name: name.into(),
        name_en: name_en.into(),
        format,
    };
    vec![
        carrier("ems", "EMS", "EMS", TrackingFormat::Ems),
        carrier("shunfeng", "顺丰", "SF Express", TrackingFormat::SfExpress),
    ]
}

/// The 邮寄 tab as the mailroom sees it: three orders, the first overdue.
fn mail_app(lang: Lang) -> App {
    let mut app = app(lang);
    operator(&mut app, "吴邮寄", Role::Mailroom);
    app.run(Cmd::Tab(Tab::Mail));
    assert!(
        app.take_requests()
            .iter()
            .any(|r| matches!(r, Request::MailingQueue))
    );
    app.on_msg(Msg::MailingQueue(Ok(MailingQueue {
        items: vec![
            mailing_item(1, "张三", "麓山南路 932 号", 20, Deadline::Overdue),
            mailing_item(2, "李四", "桐梓坡路 8 号", 10, Deadline::Soon),
            mailing_item(3, "王五", "五一大道 99 号", 2, Deadline::Ok),
        ],
        promise_working_days: 2,
        carriers: carriers(),
    })));
    app
}

fn typed(app: &mut App, text: &str) {
    for c in text.chars() {
        key(app, KeyCode::Char(c));
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
        assert!(app.take_requests().is_empty(), "nothing sent");
        insta::assert_snapshot!(
            format!("mail_scan_error_{}", lang_name(lang)),
            render(&app, 80, 24)
        );
        // The right one goes to the platform for the first order of the batch.
        typed(&mut app, "EA123456785CN");
        key(&mut app, KeyCode::Enter);
        let sent = app.take_requests();
        let Some(Request::Ship { order_no, body }) = sent.first() else {
            panic!("a ship request, got {sent:?}");
        };
        assert_eq!(order_no, "HN20261128000001");
        assert_eq!(body.carrier.as_deref(), Some("ems"));
        assert_eq!(body.tracking_no.as_deref(), Some("EA123456785CN"));
        let mut shipped = order();
        shipped.order_no = "HN20261128000001".into();
        shipped.status = OrderStatus::PendingInvoice;
        shipped.shipment = Some(Shipment {
            carrier: "ems".into(),
            tracking_no: "EA123456785CN".into(),
            shipped_at: "2026-11-28T08:00:00Z".into(),
        });
        app.on_msg(Msg::Shipped {
            order_no: "HN20261128000001".into(),
            result: Ok(shipped),
        });
        // On to the second of the batch (the third order); the same number again is
        // refused before it leaves the counter.
        typed(&mut app, "EA123456785CN");
        key(&mut app, KeyCode::Enter);
        assert!(app.take_requests().is_empty());
        let screen = render(&app, 80, 24);
        assert!(screen.contains("HN20261128000001"), "{screen}");
        insta::assert_snapshot!(format!("mail_scan_next_{}", lang_name(lang)), screen);
    }
}

#[test]
fn support_sees_the_mailing_queue_without_shipping_keys() {
    let mut app = app(Lang::ZhCn);
    operator(&mut app, "周客服", Role::Support);
    app.run(Cmd::Tab(Tab::Mail));
    app.take_requests();
    let mut item = mailing_item(1, "张三", "****", 20, Deadline::Overdue);
    item.phone = "138****5678".into();
    item.masked = true;
    app.on_msg(Msg::MailingQueue(Ok(MailingQueue {
        items: vec![item],
        promise_working_days: 2,
        carriers: carriers(),
    })));
    key(&mut app, KeyCode::Enter);
    assert!(app.mail.scan.is_none(), "support does not ship");
    let screen = render(&app, 80, 24);
    assert!(screen.contains("138****5678"), "{screen}");
    assert!(!screen.contains("扫描单号寄出"), "{screen}");
}

fn invoicing_item(no: u32, name: &str, asked: bool) -> InvoicingItem {
    let suggested = InvoiceRequestInput {
        buyer_kind: Some("individual".into()),
        invoice_kind: Some("normal".into()),
        buyer_name: name.into(),
        email: "zhangsan@example.com".into(),
        ..Default::default()
    };
    let request = asked.then(|| {
        let (request, _) = validate_invoice_request(&InvoiceRequestInput {
            buyer_name: format!("{name}（个人）"),
            email: "me@example.com".into(),
            ..suggested.clone()
        })
        .expect("valid");
        InvoiceRequestView {
            request,
            via: "phone".into(),
            requested_at: "2026-11-28T07:00:00Z".into(),
        }
    });
    InvoicingItem {
        order: summary(no, name, OrderStatus::PendingInvoice, 60),
        user_type: UserType::Individual,
        shipped_at: Some("2026-11-27T07:00:00Z".into()),
        requested_via: request.as_ref().map(|r| r.via.clone()),
        request,
        suggested,
    }
}

fn invoice_app(lang: Lang) -> App {
    let mut app = app(lang);
    operator(&mut app, "郑财务", Role::Finance);
    app.run(Cmd::Tab(Tab::Invoice));
    assert!(
        app.take_requests()
            .iter()
            .any(|r| matches!(r, Request::InvoicingQueue))
    );
    app.on_msg(Msg::InvoicingQueue(Ok(InvoicingQueue {
        items: vec![
            invoicing_item(6, "张三", true),
            invoicing_item(7, "李四", false),
        ],
    })));
    app
}

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
        key(&mut app, KeyCode::Down);
        key(&mut app, KeyCode::Enter);
        key(&mut app, KeyCode::Up);
        key(&mut app, KeyCode::Up);
        key(&mut app, KeyCode::Right);
        key(&mut app, KeyCode::Down);
        key(&mut app, KeyCode::Right);
        key(&mut app, KeyCode::Down);
        app.on_key(KeyEvent::new(KeyCode::Char('u'), KeyModifiers::CONTROL));
        typed(&mut app, "湖南某某建设有限公司");
        key(&mut app, KeyCode::Down);
        typed(&mut app, "91110000600037341A");
        app.on_key(KeyEvent::new(KeyCode::Char('s'), KeyModifiers::CONTROL));
        assert!(app.take_requests().is_empty(), "nothing sent with errors");
        let screen = render(&app, 80, 24);
        insta::assert_snapshot!(format!("invoice_form_errors_{}", lang_name(lang)), screen);
        // Fixed, with the 专票 fields, it asks to confirm, then sends.
        app.on_key(KeyEvent::new(KeyCode::Char('u'), KeyModifiers::CONTROL));
        typed(&mut app, "91110000600037341L");
        key(&mut app, KeyCode::Down);
        for text in [
            "长沙市岳麓区麓山南路 1 号",
            "0731-88880000",
            "中国银行长沙分行",
            "6222 0000 1111 2222",
        ] {
            key(&mut app, KeyCode::Down);
            typed(&mut app, text);
        }
        app.on_key(KeyEvent::new(KeyCode::Char('s'), KeyModifiers::CONTROL));
        assert!(app.take_requests().is_empty(), "asks first");
        assert!(app.finance.form.as_ref().is_some_and(|f| f.confirming));
        key(&mut app, KeyCode::Enter);
        let sent = app.take_requests();
        let Some(Request::IssueInvoice { order_no, body }) = sent.first() else {
            panic!("an issue request, got {sent:?}");
        };
        assert_eq!(order_no, "HN20261128000007");
        let request = body.request.as_ref().expect("the request");
        assert_eq!(request.invoice_kind.as_deref(), Some("special"));
        assert_eq!(request.tax_number, "91110000600037341L");
        assert_eq!(request.account, "6222 0000 1111 2222");
    }
}

#[test]
fn declining_asks_for_a_note_and_sends_it() {
    let mut app = invoice_app(Lang::ZhCn);
    key(&mut app, KeyCode::Char('d'));
    insta::assert_snapshot!("invoice_decline_zh", render(&app, 80, 24));
    key(&mut app, KeyCode::Enter);
    let sent = app.take_requests();
    let Some(Request::DeclineInvoice { order_no, body }) = sent.first() else {
        panic!("a decline request, got {sent:?}");
    };
    assert_eq!(order_no, "HN20261128000006");
    assert_eq!(body.reason.as_deref(), Some("客户不需要发票"));
}

#[test]
fn a_shipped_order_shows_its_tracking_newest_first() {
    for lang in Lang::ALL {
        let mut app = app(lang);
        app.open("HN20261128000003");
        let mut shipped = order();
        shipped.status = OrderStatus::PendingInvoice;
        shipped.allowed_actions = vec![];
        shipped.shipment = Some(Shipment {
            carrier: "ems".into(),
            tracking_no: "EA123456785CN".into(),
            shipped_at: "2026-11-28T08:00:00Z".into(),
        });
        app.take_requests();
        app.on_msg(Msg::Detail {
            order_no: "HN20261128000003".into(),
            result: Ok((shipped, history())),
        });
        assert!(
            app.take_requests()
                .iter()
                .any(|r| matches!(r, Request::Tracking { .. }))
        );
        let step = |time: &str, state: &str, context: &str| TrackingStep {
            time: time.into(),
            context: context.into(),
            location: None,
            state: Some(state.into()),
        };
        app.on_msg(Msg::Tracking {
            order_no: "HN20261128000003".into(),
            result: Ok(Tracking {
                carrier: "ems".into(),
                carrier_name: "EMS".into(),
                tracking_no: "EA123456785CN".into(),
                provider: "kuaidi100".into(),
                state: Some("delivering".into()),
                events: vec![
                    step("2026-11-29 08:10:00", "delivering", "投递员正在派件"),
                    step("2026-11-28 18:30:00", "in_transit", "离开长沙邮区中心"),
                    step("2026-11-28 09:00:00", "collected", "长沙市邮政揽收"),
                ],
                fetched_at: Some("2026-11-28T07:50:00Z".into()),
                checked_at: Some("2026-11-28T07:50:00Z".into()),
                error: Some("查询无结果，请隔段时间再查".into()),
                next_check_at: Some("2026-11-28T08:20:00Z".into()),
            }),
        });
        insta::assert_snapshot!(
            format!("detail_tracking_{}", lang_name(lang)),
            render(&app, 80, 24)
        );
    }
}

#[test]
fn the_mailroom_types_a_tracking_event_by_its_name() {
    let mut app = app(Lang::ZhCn);
    operator(&mut app, "吴邮寄", Role::Mailroom);
    app.open("HN20261128000003");
    let mut shipped = order();
    shipped.status = OrderStatus::PendingInvoice;
    shipped.allowed_actions = vec![];
    shipped.shipment = Some(Shipment {
        carrier: "ems".into(),
        tracking_no: "EA123456785CN".into(),
        shipped_at: "2026-11-28T08:00:00Z".into(),
    });
    app.on_msg(Msg::Detail {
        order_no: "HN20261128000003".into(),
        result: Ok((shipped, history())),
    });
    app.on_msg(Msg::Tracking {
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
    app.take_requests();
    key(&mut app, KeyCode::Char('e'));
    typed(&mut app, "签收");
    key(&mut app, KeyCode::Enter);
    typed(&mut app, "本人签收");
    insta::assert_snapshot!("tracking_step_zh", render(&app, 80, 24));
    key(&mut app, KeyCode::Enter);
    let sent = app.take_requests();
    let Some(Request::TrackingStep { order_no, step }) = sent.first() else {
        panic!("a tracking step, got {sent:?}");
    };
    assert_eq!(order_no, "HN20261128000003");
    assert_eq!(step.state, "delivered");
    assert_eq!(step.context, "本人签收");
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
    let sent = app.take_requests();
    assert_eq!(sent.len(), 1, "{sent:?}");
    assert!(render(&app, 80, 24).contains("另有 2 个单号排队"));
    // Esc does not drop a number on its way.
    key(&mut app, KeyCode::Esc);
    assert!(app.mail.scan.is_some());
    let answer = |no: &str, number: &str| {
        let mut shipped = order();
        shipped.order_no = no.into();
        shipped.shipment = Some(Shipment {
            carrier: "ems".into(),
            tracking_no: number.into(),
            shipped_at: "2026-11-28T08:00:00Z".into(),
        });
        Msg::Shipped {
            order_no: no.into(),
            result: Ok(shipped),
        }
    };
    for (i, (no, number, next)) in [
        ("HN20261128000001", "EA123456785CN", Some("1234567890123")),
        ("HN20261128000002", "1234567890123", Some("LX314159268CN")),
        ("HN20261128000003", "LX314159268CN", None),
    ]
    .into_iter()
    .enumerate()
    {
        app.on_msg(answer(no, number));
        let sent = app.take_requests();
        match next {
            Some(next) => {
                let Some(Request::Ship { body, .. }) = sent.first() else {
                    panic!("step {i}: the next number goes, got {sent:?}");
                };
                assert_eq!(body.tracking_no.as_deref(), Some(next));
            }
            None => assert!(sent.is_empty()),
        }
    }
    assert!(app.mail.scan.is_none(), "the batch is done");
    assert!(render(&app, 80, 24).contains("本批已寄出 3 单"));
}
