//! 待办订单 and the frame: the list, an order, its popups, the help, sizes and colours.

use ca_counter::api::{Shipment, Tracking, TrackingStep};
use ca_counter::domain::{OrderStatus, Role};
use ca_counter::i18n::Lang;
use ca_counter::tui::app::ServerLabel;
use ca_counter::tui::tabs::newapp::NewApp;
use ca_counter::tui::tabs::orders::{self, Orders};
use ca_counter::tui::theme;
use crossterm::event::{KeyCode, KeyModifiers};

use crate::fixtures::*;

fn open_order(app: &mut ca_counter::tui::app::App, order: ca_counter::api::Order) {
    app.answer::<Orders>(orders::Answer::Detail {
        order_no: order.order_no.to_string(),
        result: Ok((order, history())),
    });
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
fn tabs_a_role_cannot_use_are_dimmed_and_explained() {
    let mut app = app(Lang::ZhCn);
    operator(&mut app, "周客服", Role::Support);
    app.show_tab::<NewApp>();
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
        let jobs = app.take_jobs();
        assert!(sent::<orders::Request>(&jobs).iter().any(|r| matches!(r,
                orders::Request::Detail { order_no, .. } if order_no == "HN20261128000003")));
        open_order(&mut app, order());
        let screen = render(&app, 80, 24);
        // The newest record first, codes in words.
        let pay = screen.find("2026-11-28 15:40").unwrap_or(usize::MAX);
        let submit = screen.find("2026-11-28 15:30").unwrap_or(0);
        assert!(pay < submit, "newest first:\n{screen}");
        for code in ["payment_created", "signed_form", "sandbox"] {
            assert!(!screen.contains(code), "{code} shown:\n{screen}");
        }
        insta::assert_snapshot!(format!("detail_{}", lang_name(lang)), screen);
    }
}

/// An order returned short says beside its reasons the rest the customer was asked to
/// transfer, whole at 80×24 in both languages.
#[test]
fn an_order_returned_short_says_the_rest_to_transfer() {
    for (lang, said) in [
        (
            Lang::ZhCn,
            "还需补转 ¥50.00（订单金额 ¥200.00，转账凭证所示已转 ¥150.00）",
        ),
        (
            Lang::En,
            "Still to transfer ¥50.00 (the order's ¥200.00, less the ¥150.00",
        ),
    ] {
        let mut app = app(lang);
        key(&mut app, KeyCode::Down);
        key(&mut app, KeyCode::Down);
        key(&mut app, KeyCode::Enter);
        let mut returned = order();
        returned.status = ca_counter::domain::OrderStatus::Rejected;
        returned.payment_method = Some("bank_transfer".into());
        returned.rejection_reasons = vec!["转账凭证金额不符".into()];
        returned.voucher_total_fen = Some(15_000);
        open_order(&mut app, returned);
        let screen = render(&app, 80, 24);
        let squeezed: String = screen
            .lines()
            .map(|l| l.trim_matches(|c| c == ' ' || c == '│'))
            .collect::<Vec<_>>()
            .join(" ");
        assert!(squeezed.contains(said), "{said}:\n{screen}");
    }
}

/// A review decision pressed in 待办订单 (`a`, `x`) is taken in the 审核 tab, beside the
/// order's scans and with the checklist of reasons the customer reads — one way to approve
/// or return, not a free-text form of its own that ticked nothing the order lacked.
#[test]
fn a_review_decision_from_the_orders_tab_goes_to_the_review_screen() {
    for (key_pressed, lang, said) in [
        ('x', Lang::ZhCn, "在审核页审核"),
        ('a', Lang::En, "Reviewed here, beside its scans"),
    ] {
        let mut app = app(lang);
        key(&mut app, KeyCode::Down);
        key(&mut app, KeyCode::Down);
        key(&mut app, KeyCode::Enter);
        open_order(&mut app, order());
        app.take_jobs();
        key(&mut app, KeyCode::Char(key_pressed));
        assert!(
            app.tab::<Orders>().is_some_and(|o| o.form.is_none()),
            "no form of its own"
        );
        let jobs = app.take_jobs();
        assert!(
            sent::<ca_counter::tui::tabs::review::Request>(&jobs)
                .iter()
                .any(|r| matches!(r,
                ca_counter::tui::tabs::review::Request::Open { order_no, claim: true, .. }
                    if order_no == "HN20261128000003")),
            "opened for review"
        );
        let screen = render(&app, 80, 24);
        assert!(screen.contains(said), "{screen}");
        // Esc closes the review screen and goes back to the order it came from.
        key(&mut app, KeyCode::Esc);
        let screen = render(&app, 80, 24);
        assert!(screen.contains("HN20261128000003"), "{screen}");
        assert!(
            app.tab::<Orders>().is_some_and(|o| o.detail.is_some()),
            "back on the order: {screen}"
        );
        assert!(
            screen.contains(if lang == Lang::ZhCn {
                "┌ 订单 HN"
            } else {
                "┌ Order HN"
            }),
            "{screen}"
        );
    }
}

/// An order that could not be read for a passing reason (the database busy a moment, the
/// platform out of reach) is read again by itself: the view did not leave "数据库忙或不可用"
/// on screen until `Ctrl-R`. A refusal (not found) is not asked again.
#[test]
fn an_order_not_read_for_a_passing_reason_is_read_again_by_itself() {
    let mut app = app(Lang::ZhCn);
    key(&mut app, KeyCode::Down);
    key(&mut app, KeyCode::Down);
    key(&mut app, KeyCode::Enter);
    app.take_jobs();
    app.answer::<Orders>(orders::Answer::Detail {
        order_no: "HN20261128000003".into(),
        result: Err(problem("unavailable", 503, "数据库忙或不可用，请稍后重试")),
    });
    let asked = |app: &mut ca_counter::tui::app::App| {
        sent::<orders::Request>(&app.take_jobs())
            .iter()
            .any(|r| matches!(r, orders::Request::Detail { order_no, .. } if order_no == "HN20261128000003"))
    };
    app.on_tick(NOW + time::Duration::seconds(2));
    assert!(!asked(&mut app), "not at once");
    app.on_tick(NOW + time::Duration::seconds(6));
    assert!(asked(&mut app), "read again");
    open_order(&mut app, order());
    let screen = render(&app, 80, 24);
    assert!(!screen.contains("数据库忙"), "{screen}");
    assert!(screen.contains("┌ 订单 HN20261128000003"), "{screen}");
    // Not found: said, and not asked again.
    app.answer::<Orders>(orders::Answer::Detail {
        order_no: "HN20261128000003".into(),
        result: Err(problem("not_found", 404, "没有这个订单")),
    });
    app.on_tick(NOW + time::Duration::seconds(30));
    assert!(!asked(&mut app), "a refusal is not asked again");
}

#[test]
fn help_finds_commands_by_words_and_command_line_commands() {
    let mut app = app(Lang::En);
    key(&mut app, KeyCode::Char('?'));
    typed(&mut app, "review");
    insta::assert_snapshot!("help_en", render(&app, 80, 24));
    let mut app = self::app(Lang::ZhCn);
    key(&mut app, KeyCode::Char('?'));
    typed(&mut app, "theme");
    let screen = render(&app, 80, 24);
    assert!(screen.contains(":theme"), "{screen}");
    key(&mut app, KeyCode::Enter);
    typed(&mut app, "mono");
    key(&mut app, KeyCode::Enter);
    assert_eq!(app.theme.name, "mono");
}

/// A command whose words its row cuts at 80 columns is read whole under the list once
/// selected (the themes' names, the command line's commands).
#[test]
fn help_shows_the_selected_commands_words_whole() {
    for (lang, find, whole) in [
        (Lang::En, "switch theme", "mono)"),
        (Lang::ZhCn, "命令行", ":lang、:q）"),
    ] {
        let mut app = app(lang);
        key(&mut app, KeyCode::Char('?'));
        typed(&mut app, find);
        let screen = render(&app, 80, 24);
        assert!(screen.contains(whole), "{screen}");
    }
}

/// The whole help, taller than the screen: its last row says how many commands are below,
/// and once the selection reaches the end, how many are above.
#[test]
fn help_says_how_many_commands_are_out_of_sight() {
    for (lang, below, above) in [
        (Lang::ZhCn, "下面还有", "上面还有"),
        (Lang::En, "more below", "more above"),
    ] {
        let mut app = app(lang);
        key(&mut app, KeyCode::Char('?'));
        let screen = render(&app, 80, 24);
        assert!(screen.contains(below), "{screen}");
        for _ in 0..200 {
            key(&mut app, KeyCode::Down);
        }
        let screen = render(&app, 80, 24);
        assert!(
            screen.contains(above) && !screen.contains(below),
            "{screen}"
        );
    }
}

#[test]
fn the_embedded_platform_is_named_in_the_language_switched_to() {
    let mut app = app(Lang::ZhCn);
    app.server_label = ServerLabel::Embedded("127.0.0.1:8080".into());
    let screen = render(&app, 120, 24);
    assert!(screen.contains("内置平台 127.0.0.1:8080"), "{screen}");
    key(&mut app, KeyCode::Char(':'));
    typed(&mut app, "lang en");
    key(&mut app, KeyCode::Enter);
    assert_eq!(app.lang, Lang::En);
    let screen = render(&app, 120, 24);
    assert!(
        screen.contains("embedded platform 127.0.0.1:8080") && !screen.contains("内置平台"),
        "{screen}"
    );
}

#[test]
fn a_narrow_status_line_keeps_the_platforms_address_before_the_time_and_never_half_its_name() {
    // The embedded platform's address (the README sends people to it for the API) stays
    // whole; the time of the last update gives way first.
    for (lang, name) in [(Lang::ZhCn, "内置平台"), (Lang::En, "embedded platform")] {
        let mut app = app(lang);
        app.server_label = ServerLabel::Embedded("127.0.0.1:44025".into());
        app.last_event = Some(time::OffsetDateTime::now_utc());
        let screen = render(&app, 80, 24);
        let status = screen.lines().nth(22).unwrap_or_default();
        assert!(
            status.contains(&format!("{name} 127.0.0.1:44025")) && !status.contains('…'),
            "{screen}"
        );
    }
    // A demo platform's mark and a longer operator: the time of the last update gives way
    // before the platform's name does.
    for (lang, name) in [(Lang::ZhCn, "内置平台"), (Lang::En, "embedded platform")] {
        let mut app = app(lang);
        platform_demo(&mut app, vec![ca_counter::api::DemoPart::Identity]);
        app.server_label = ServerLabel::Embedded("127.0.0.1:44025".into());
        app.last_event = Some(time::OffsetDateTime::now_utc());
        let screen = render(&app, 80, 24);
        let status = screen.lines().nth(22).unwrap_or_default();
        assert!(status.contains(name), "{screen}");
    }
    // A remote platform with a long operator's name in Chinese: its host whole, the time
    // gives way (the port was cut: "127.0.0.1:42…").
    let mut app = app(Lang::ZhCn);
    platform_demo(&mut app, vec![ca_counter::api::DemoPart::Identity]);
    app.server_label = ServerLabel::Remote("http://127.0.0.1:42983".into());
    app.last_event = Some(time::OffsetDateTime::now_utc());
    let screen = render(&app, 80, 24);
    let status = screen.lines().nth(22).unwrap_or_default();
    assert!(status.contains("127.0.0.1:42983"), "{screen}");
    let remote = ServerLabel::Remote("https://ca-platform.example.cn/counter".into());
    assert_eq!(
        remote.text_within(Lang::ZhCn, 30, "…").as_deref(),
        Some("ca-platform.example.cn")
    );
    assert_eq!(
        remote.text_within(Lang::ZhCn, 12, "…").as_deref(),
        Some("ca-platform…")
    );
    assert_eq!(remote.text_within(Lang::ZhCn, 5, "…"), None);
    assert_eq!(
        ServerLabel::Embedded("127.0.0.1:1".into()).text_within(Lang::En, 10, "…"),
        None
    );
}

#[test]
fn too_small_screen_says_what_is_needed_and_keys_wait() {
    let mut app = app(Lang::ZhCn);
    let screen = render(&app, 60, 20);
    assert!(
        screen.contains("80×24") && screen.contains("60×20"),
        "{screen}"
    );
    insta::assert_snapshot!("too_small_zh", screen);
    insta::assert_snapshot!("too_small_en", render(&self::app(Lang::En), 79, 24));
    // Nothing typed reaches a field that cannot be seen.
    app.show_tab::<NewApp>();
    app.resize(60, 20);
    typed(&mut app, "138");
    app.resize(80, 24);
    let phone = app
        .tab::<NewApp>()
        .and_then(|n| n.sheet())
        .map(|s| s.text("phone"))
        .unwrap_or_default();
    assert_eq!(phone, "");
}

#[test]
fn selection_and_active_tab_stay_visible_without_colour() {
    for (name, no_color) in [("mono", false), ("default", true), ("high-contrast", true)] {
        let mut app = app(Lang::ZhCn);
        app.theme = theme::load(name, None, no_color).expect("theme");
        key(&mut app, KeyCode::Down);
        let terminal = terminal(&app, 80, 24);
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
    assert_eq!(
        app.tab::<Orders>().map(|o| o.rows.selected_index()),
        Some(3)
    );
    app.on_mouse(click(5, 6)); // again: opens it
    assert_eq!(
        app.tab::<Orders>()
            .and_then(|o| o.detail.as_ref())
            .map(|d| d.order_no.as_str()),
        Some("HN20261128000002")
    );
    let tabs = app.hitboxes.borrow().tabs.clone();
    let (_, from, _) = tabs
        .iter()
        .find(|(i, _, _)| *i == 3)
        .copied()
        .expect("mail tab drawn");
    app.on_mouse(click(from + 2, 0));
    assert_eq!(app.shown(), 3);
}

#[test]
fn ascii_borders_use_no_box_drawing_characters() {
    let mut app = app(Lang::ZhCn);
    app.ascii = true;
    key(&mut app, KeyCode::Down);
    key(&mut app, KeyCode::Down);
    key(&mut app, KeyCode::Enter);
    open_order(&mut app, order());
    let screen = render(&app, 80, 24);
    assert!(screen.contains("+ 订单 HN20261128000003"), "{screen}");
    assert!(
        !screen.contains('┌') && !screen.contains('│') && !screen.contains('─'),
        "{screen}"
    );
}

/// A read-only session opens on a tab it can use, not on 新申请 saying it cannot.
#[test]
fn read_only_opens_on_a_tab_it_can_use() {
    let theme = ca_counter::tui::theme::load("default", None, false).expect("theme");
    let mut app = ca_counter::tui::app::App::new(
        Lang::ZhCn,
        theme,
        "https://ca-platform.internal".into(),
        NOW,
        ca_counter::tui::tabs::all(&Default::default()),
    );
    app.shared.read_only = true;
    app.start();
    assert!(app.allowed(app.shown()), "tab {}", app.shown());
    let screen = render(&app, 80, 24);
    assert!(!screen.contains("只读模式下不能使用"), "{screen}");
}

#[test]
fn read_only_lists_no_action_marks_the_status_line_and_offers_no_key() {
    let mut app = app(Lang::ZhCn);
    app.shared.read_only = true;
    key(&mut app, KeyCode::Down);
    key(&mut app, KeyCode::Down);
    key(&mut app, KeyCode::Enter);
    open_order(&mut app, order());
    let screen = render(&app, 80, 24);
    assert!(screen.contains("HN20261128000003"), "{screen}");
    assert!(screen.contains("只读模式：只能查看"), "{screen}");
    assert!(screen.contains("│ 只读 │"), "{screen}");
    assert!(
        !screen.contains("a  审核通过") && !screen.contains("n 备注"),
        "{screen}"
    );
    key(&mut app, KeyCode::Char('a'));
    assert!(
        app.tab::<Orders>().is_some_and(|o| o.form.is_none()),
        "no popup"
    );
    assert!(!app.allowed(app.position::<NewApp>().unwrap_or(0)));
}

#[test]
fn a_shipped_order_shows_its_tracking_newest_first() {
    for lang in Lang::ALL {
        let mut app = app(lang);
        app.answer::<Orders>(orders::Answer::Page {
            seq: app.tab::<Orders>().map(|o| o.fetch.seq()).unwrap_or(0),
            append: false,
            result: Ok(ca_counter::api::OrderPage {
                items: vec![summary(3, "王五", OrderStatus::PendingInvoice, 20)],
                next_cursor: None,
                search_indexing: None,
            }),
        });
        key(&mut app, KeyCode::Enter);
        let mut shipped = order();
        shipped.status = OrderStatus::PendingInvoice;
        shipped.allowed_actions = vec![];
        shipped.shipment = Some(Shipment {
            carrier: "shunfeng".into(),
            tracking_no: "SF1234567890123".into(),
            shipped_at: "2026-11-28T08:00:00Z".into(),
        });
        app.take_jobs();
        open_order(&mut app, shipped.clone());
        let jobs = app.take_jobs();
        assert!(
            sent::<orders::Request>(&jobs)
                .iter()
                .any(|r| matches!(r, orders::Request::Tracking { .. }))
        );
        let step = |time: &str, state: &str, context: &str| TrackingStep {
            time: time.into(),
            context: context.into(),
            location: None,
            state: Some(state.into()),
        };
        app.answer::<Orders>(orders::Answer::Tracking {
            order_no: "HN20261128000003".into(),
            result: Ok(Tracking {
                carrier: "shunfeng".into(),
                carrier_name: "顺丰".into(),
                tracking_no: "SF1234567890123".into(),
                provider: "kuaidi100".into(),
                state: Some("delivering".into()),
                events: vec![
                    step("2026-11-29 08:10:00", "delivering", "投递员正在派件"),
                    step("2026-11-28 18:30:00", "in_transit", "离开长沙转运中心"),
                    step("2026-11-28 09:00:00", "collected", "长沙市顺丰揽收"),
                ],
                fetched_at: Some("2026-11-28T07:50:00Z".into()),
                checked_at: Some("2026-11-28T07:50:00Z".into()),
                error: Some("查询无结果，请隔段时间再查".into()),
                next_check_at: Some("2026-11-28T08:20:00Z".into()),
            }),
        });
        let screen = render(&app, 80, 24);
        let carrier = if lang == Lang::En {
            "SF Express"
        } else {
            "顺丰"
        };
        assert!(
            screen.contains(carrier) && !screen.contains("shunfeng"),
            "{screen}"
        );
        insta::assert_snapshot!(format!("detail_tracking_{}", lang_name(lang)), screen);
        // The parcel came back: its tracking goes with it.
        let mut returned = shipped.clone();
        returned.status = OrderStatus::PendingShipment;
        returned.version += 1;
        returned.shipment = None;
        open_order(&mut app, returned.clone());
        let screen = render(&app, 80, 24);
        assert!(!screen.contains("SF1234567890123"), "{lang:?}: {screen}");
        assert!(!screen.contains("投递员正在派件"), "{lang:?}: {screen}");
        // Mailed again under another number: asked about anew, the old one's steps not
        // shown under the new number meanwhile.
        let mut again = shipped.clone();
        again.version += 2;
        if let Some(shipment) = again.shipment.as_mut() {
            shipment.tracking_no = "SF1400000000033".into();
        }
        app.take_jobs();
        open_order(&mut app, again);
        assert!(
            sent::<orders::Request>(&app.take_jobs())
                .iter()
                .any(|r| matches!(r, orders::Request::Tracking { .. })),
            "{lang:?}"
        );
        let screen = render(&app, 80, 24);
        assert!(!screen.contains("投递员正在派件"), "{lang:?}: {screen}");
    }
}

/// A parcel's tracking, typed in by hand, with nothing on it yet.
fn manual_tracking() -> orders::Answer {
    orders::Answer::Tracking {
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
    }
}

#[test]
fn the_mailroom_types_a_tracking_event_by_its_name() {
    let mut app = app(Lang::ZhCn);
    operator(&mut app, "吴邮寄", Role::Mailroom);
    key(&mut app, KeyCode::Down);
    key(&mut app, KeyCode::Down);
    key(&mut app, KeyCode::Enter);
    let mut shipped = order();
    shipped.status = OrderStatus::PendingInvoice;
    shipped.allowed_actions = vec![];
    shipped.shipment = Some(Shipment {
        carrier: "ems".into(),
        tracking_no: "EA123456785CN".into(),
        shipped_at: "2026-11-28T08:00:00Z".into(),
    });
    open_order(&mut app, shipped);
    app.answer::<Orders>(manual_tracking());
    app.take_jobs();
    // Typed in by hand: the order view says it does not update by itself (support was
    // told only on `t`).
    let screen = render(&app, 120, 60);
    assert!(
        screen.contains("由邮寄岗人工录入，不会自动更新"),
        "{screen}"
    );
    // `t` on a parcel typed in by hand says how it changes (nothing outside to ask).
    key(&mut app, KeyCode::Char('t'));
    let screen = render(&app, 80, 24);
    assert!(screen.contains("按 e 录入"), "{screen}");
    app.answer::<Orders>(manual_tracking());
    app.take_jobs();
    key(&mut app, KeyCode::Char('e'));
    // Passed over blank with Enter: the state says it is required there and then.
    key(&mut app, KeyCode::Enter);
    let form = app
        .tab::<Orders>()
        .and_then(|o| o.form.clone())
        .expect("form");
    assert_eq!(
        form.fields
            .iter()
            .find(|f| f.key == "state")
            .and_then(|f| f.error.clone()),
        Some(ca_counter::tui::text::Text::from(
            ca_counter::i18n::T::ErrRequired
        ))
    );
    key(&mut app, KeyCode::Up);
    typed(&mut app, "签收");
    key(&mut app, KeyCode::Enter);
    typed(&mut app, "本人签收");
    insta::assert_snapshot!("tracking_step_zh", render(&app, 80, 24));
    key(&mut app, KeyCode::Enter);
    let jobs = app.take_jobs();
    let requests = sent::<orders::Request>(&jobs);
    let Some(orders::Request::TrackingStep { order_no, step }) = requests.first() else {
        panic!("a tracking step, got {requests:?}");
    };
    assert_eq!(order_no, "HN20261128000003");
    assert_eq!(step.state, "delivered");
    assert_eq!(step.context, "本人签收");
}

#[test]
fn the_command_line_finds_a_phone_by_its_last_digits() {
    let mut app = app(Lang::ZhCn);
    key(&mut app, KeyCode::Char(':'));
    typed(&mut app, "phone 5678");
    key(&mut app, KeyCode::Enter);
    let jobs = app.take_jobs();
    let asked = sent::<orders::Request>(&jobs);
    assert!(
        asked.iter().any(|r| matches!(r, orders::Request::Page { query, .. } if query.q.as_deref() == Some("5678"))),
        "{asked:?}"
    );
}

/// An order opened with `:order` from another tab (finance at 开票) closes back to that
/// tab, not to 待办订单; one opened from the list closes to the list.
#[test]
fn an_order_opened_from_another_tab_closes_back_to_it() {
    let mut finance = invoice_app(Lang::ZhCn);
    let invoicing = finance.shown();
    key(&mut finance, KeyCode::Char(':'));
    typed(&mut finance, "order HN20261128000003");
    key(&mut finance, KeyCode::Enter);
    assert_ne!(finance.shown(), invoicing);
    open_order(&mut finance, order());
    key(&mut finance, KeyCode::Esc);
    assert_eq!(finance.shown(), invoicing, "{}", render(&finance, 80, 24));
    // From the list: Esc stays in the list.
    let mut clerk = app(Lang::ZhCn);
    let list = clerk.shown();
    key(&mut clerk, KeyCode::Enter);
    open_order(&mut clerk, order());
    key(&mut clerk, KeyCode::Esc);
    assert_eq!(clerk.shown(), list);
}

#[test]
fn a_message_about_one_order_does_not_stay_on_another() {
    let mut app = app(Lang::ZhCn);
    key(&mut app, KeyCode::Down);
    key(&mut app, KeyCode::Down);
    key(&mut app, KeyCode::Enter);
    open_order(&mut app, order());
    app.answer::<Orders>(orders::Answer::PrintedNotice(Err(
        ca_counter::tui::print::PrintError::Command(
            "/tmp/p.pdf".into(),
            ca_counter::tui::print::CommandFailure::Refused("c1".into(), "lp: no printer".into()),
        ),
    )));
    assert!(render(&app, 80, 24).contains("lp: no printer"));
    key(&mut app, KeyCode::Esc);
    key(&mut app, KeyCode::Down);
    key(&mut app, KeyCode::Enter);
    assert!(!render(&app, 80, 24).contains("lp: no printer"));
    // Words of the platform in one language are not shown after a switch.
    app.answer::<Orders>(orders::Answer::Tracking {
        order_no: "HN20261128000002".into(),
        result: Err(problem("not_shipped", 409, "订单尚未邮寄")),
    });
    app.answer::<Orders>(orders::Answer::Noted {
        order_no: "HN20261128000002".into(),
        result: Err(problem("x", 500, "服务器内部出错")),
    });
    assert!(render(&app, 80, 24).contains("服务器内部出错"));
    ctrl(&mut app, 'l');
    assert!(!render(&app, 80, 24).contains("服务器内部出错"));
}

/// A search and `Enter` sent in one burst (a support agent on a slow link): the `Enter`
/// waits for the search's answer and opens its order, never a row of the list before.
#[test]
fn enter_typed_ahead_of_a_search_opens_what_the_search_found() {
    for lang in Lang::ALL {
        let mut app = app(lang);
        // A row picked in the list before (its third): not what the Enter opens.
        key(&mut app, KeyCode::Down);
        key(&mut app, KeyCode::Down);
        let _ = app.take_jobs();
        key(&mut app, KeyCode::Char('/'));
        typed(&mut app, "3457");
        key(&mut app, KeyCode::Enter);
        key(&mut app, KeyCode::Enter);
        let jobs = app.take_jobs();
        assert!(
            !sent::<orders::Request>(&jobs)
                .iter()
                .any(|r| matches!(r, orders::Request::Detail { .. })),
            "{lang:?}: a row of the earlier list opened"
        );
        let screen = render(&app, 80, 24);
        let working = match lang {
            Lang::ZhCn => "正在处理",
            _ => "working",
        };
        assert!(screen.contains(working), "{lang:?}: {screen}");
        app.answer::<Orders>(orders::Answer::Page {
            seq: app.tab::<Orders>().map(|o| o.fetch.seq()).unwrap_or(0),
            append: false,
            result: Ok(ca_counter::api::OrderPage {
                items: vec![
                    summary(19, "赵敏", OrderStatus::PendingPayment, 5),
                    summary(3, "王五", OrderStatus::PendingReview, 20),
                ],
                next_cursor: None,
                search_indexing: None,
            }),
        });
        let jobs = app.take_jobs();
        let opened: Vec<_> = sent::<orders::Request>(&jobs)
            .into_iter()
            .filter_map(|r| match r {
                orders::Request::Detail { order_no, .. } => Some(order_no),
                _ => None,
            })
            .collect();
        assert_eq!(
            opened,
            ["HN20261128000019"],
            "{lang:?}: the answer's first opens"
        );
        // Once answered, `Enter` opens at once again.
        key(&mut app, KeyCode::Esc);
        let _ = app.take_jobs();
        key(&mut app, KeyCode::Enter);
        assert!(
            sent::<orders::Request>(&app.take_jobs())
                .iter()
                .any(|r| matches!(r, orders::Request::Detail { .. })),
            "{lang:?}"
        );
    }
}

/// A search made with the cursor at the bottom of the list (`G`) shows its answer from
/// its first, newest row — it opened at the bottom of its results, the newest hidden
/// above. A refresh of the same question keeps the cursor where it is.
#[test]
fn a_new_search_shows_its_answer_from_the_top() {
    let mut app = app(Lang::ZhCn);
    key(&mut app, KeyCode::Char('G'));
    let at_bottom = app.tab::<Orders>().map(|o| o.rows.selected_index());
    assert_ne!(at_bottom, Some(0));
    key(&mut app, KeyCode::Char('/'));
    typed(&mut app, "张伟");
    key(&mut app, KeyCode::Enter);
    let answer = |app: &ca_counter::tui::app::App| orders::Answer::Page {
        seq: app.tab::<Orders>().map(|o| o.fetch.seq()).unwrap_or(0),
        append: false,
        result: Ok(ca_counter::api::OrderPage {
            items: (1..=30)
                .map(|n| summary(n, "张伟", OrderStatus::PendingPayment, n.into()))
                .collect(),
            next_cursor: None,
            search_indexing: None,
        }),
    };
    let page = answer(&app);
    app.answer::<Orders>(page);
    assert_eq!(
        app.tab::<Orders>().map(|o| o.rows.selected_index()),
        Some(0)
    );
    let screen = render(&app, 80, 24);
    assert!(screen.contains("HN20261128000001"), "{screen}");
    // Moved down, then the same question answered again (a live refresh): it stays.
    key(&mut app, KeyCode::Down);
    key(&mut app, KeyCode::Down);
    app.answer::<Orders>(answer(&app));
    assert_eq!(
        app.tab::<Orders>().map(|o| o.rows.selected_index()),
        Some(2)
    );
}

/// 1–3 digits end no phone or order number the search takes: the search stays open and
/// asks for more, instead of sending it and answering "no orders".
#[test]
fn a_search_of_too_few_digits_asks_for_more_and_keeps_what_was_typed() {
    for lang in Lang::ALL {
        let mut app = app(lang);
        let _ = app.take_jobs();
        key(&mut app, KeyCode::Char('/'));
        typed(&mut app, "668");
        key(&mut app, KeyCode::Enter);
        assert!(app.take_jobs().is_empty(), "{lang:?}: nothing sent");
        let screen = render(&app, 80, 24);
        let asked = match lang {
            Lang::ZhCn => "请至少输入 4 位数字",
            _ => "type at least 4 digits",
        };
        assert!(screen.contains(asked), "{lang:?}: {screen}");
        // Left with Esc, the search takes its complaint with it.
        key(&mut app, KeyCode::Esc);
        assert!(!render(&app, 80, 24).contains(asked), "{lang:?}");
        key(&mut app, KeyCode::Char('/'));
        typed(&mut app, "668");
        key(&mut app, KeyCode::Enter);
        assert!(render(&app, 80, 24).contains(asked), "{lang:?}");
        // Still open, with what was typed: one more digit and it goes.
        typed(&mut app, "8");
        key(&mut app, KeyCode::Enter);
        assert!(!app.take_jobs().is_empty(), "{lang:?}: 6688 is searched");
        assert!(!render(&app, 80, 24).contains(asked));
    }
}

#[test]
fn a_search_answered_while_imported_orders_are_indexed_says_some_cannot_be_found_yet() {
    for lang in Lang::ALL {
        let mut app = app(lang);
        key(&mut app, KeyCode::Char(':'));
        typed(&mut app, "phone 5678");
        key(&mut app, KeyCode::Enter);
        let indexing = ca_counter::api::SearchIndexing {
            indexed: 456_789,
            total: 1_000_000,
        };
        let notice = match lang {
            Lang::ZhCn => "部分订单正在建立搜索索引（45%），暂时搜不到",
            _ => "some orders are still being indexed (45%): they cannot be found yet",
        };
        let answer = search_page(&app, Some(indexing));
        app.answer::<Orders>(answer);
        let screen = render(&app, 80, 24);
        // Whole, wrapped where it must be, beside the answer that may lack them.
        let text: String = screen
            .lines()
            .map(|row| row.split(" Hidden by").next().unwrap_or_default())
            .map(|row| row.trim_matches(|c: char| c == '"' || c == ' '))
            .collect::<Vec<_>>()
            .join(" ");
        assert!(
            text.replace(' ', "").contains(&notice.replace(' ', "")),
            "{lang:?}: {screen}"
        );
        // Once they are indexed the search answers without it, and so does the screen.
        key(&mut app, KeyCode::Char(':'));
        typed(&mut app, "phone 5679");
        key(&mut app, KeyCode::Enter);
        let answer = search_page(&app, None);
        app.answer::<Orders>(answer);
        let screen = render(&app, 80, 24);
        assert!(!screen.contains("45%"), "{lang:?}: {screen}");
    }
}

fn search_page(
    app: &ca_counter::tui::app::App,
    search_indexing: Option<ca_counter::api::SearchIndexing>,
) -> orders::Answer {
    orders::Answer::Page {
        seq: app.tab::<Orders>().map(|o| o.fetch.seq()).unwrap_or(0),
        append: false,
        result: Ok(ca_counter::api::OrderPage {
            items: Vec::new(),
            next_cursor: None,
            search_indexing,
        }),
    }
}

/// The app with `order` open from the list (its third row).
fn opened(lang: Lang, order: ca_counter::api::Order) -> ca_counter::tui::app::App {
    let mut app = app(lang);
    key(&mut app, KeyCode::Down);
    key(&mut app, KeyCode::Down);
    key(&mut app, KeyCode::Enter);
    open_order(&mut app, order);
    app
}

/// The open popup form.
fn form_of(app: &ca_counter::tui::app::App) -> orders::Form {
    app.tab::<Orders>()
        .and_then(|o| o.form.clone())
        .expect("a form is open")
}

/// The order fixture as a clerk may correct it, in full (`R` or `e` revealed it).
fn correctable(revealed: bool) -> ca_counter::api::Order {
    let mut order = order();
    order.editable = vec![ca_counter::domain::OrderPart::Mailing];
    if revealed {
        order.revealed = true;
        order.mailing.phone = "13812345678".into();
        order.mailing.street = "麓山南路 932 号".into();
    }
    order
}

#[test]
fn a_clerk_corrects_the_address_in_a_form_that_fits_and_errors_come_back_beside_their_fields() {
    for lang in Lang::ALL {
        let mut app = opened(lang, correctable(false));
        app.take_jobs();
        let screen = render(&app, 80, 24);
        let offered = if lang == Lang::ZhCn {
            "e 修改"
        } else {
            "e correct"
        };
        assert!(screen.contains(offered), "{screen}");
        // `e` on a masked order shows it in full first (the form starts from the address).
        key(&mut app, KeyCode::Char('e'));
        let jobs = app.take_jobs();
        assert!(
            sent::<orders::Request>(&jobs)
                .iter()
                .any(|r| matches!(r, orders::Request::Detail { reveal: true, .. })),
            "{:?}",
            sent::<orders::Request>(&jobs)
        );
        assert!(app.tab::<Orders>().is_some_and(|o| o.form.is_none()));
        open_order(&mut app, correctable(true));
        let screen = render(&app, 80, 24);
        for shown in ["麓山南路 932 号", "13812345678", "410083"] {
            assert!(screen.contains(shown), "{shown}:\n{screen}");
        }
        insta::assert_snapshot!(format!("edit_form_{}", lang_name(lang)), screen);

        // To the street (the sixth field), a floor added, then to the reason and sent.
        for _ in 0..5 {
            key(&mut app, KeyCode::Down);
        }
        key(&mut app, KeyCode::End);
        typed(&mut app, " 2 楼");
        key(&mut app, KeyCode::Down);
        key(&mut app, KeyCode::Down);
        typed(&mut app, "客户来电");
        key(&mut app, KeyCode::Enter);
        let jobs = app.take_jobs();
        let requests = sent::<orders::Request>(&jobs);
        let Some(orders::Request::Update { order_no, update }) = requests.first() else {
            panic!("a correction, got {requests:?}");
        };
        assert_eq!(order_no, "HN20261128000003");
        assert_eq!(update.version, Some(3));
        let mailing = update.mailing.as_ref().expect("the address");
        assert_eq!(mailing.street, "麓山南路 932 号 2 楼");
        assert_eq!(mailing.phone, "13812345678");
        assert_eq!(update.organization, None);
        assert_eq!(update.reason.as_deref(), Some("客户来电"));

        // Refused on two fields: each message beside its field, nothing cut.
        let mut refused = problem("validation_failed", 422, "bad");
        if let ca_counter::api::ClientError::Problem(p) = &mut refused {
            p.errors = vec![
                ca_counter::api::FieldError {
                    field: "mailing.postal_code".into(),
                    message: "邮政编码应为 6 位数字".into(),
                },
                ca_counter::api::FieldError {
                    field: "mailing.phone".into(),
                    message: "手机号应为 11 位".into(),
                },
            ];
        }
        app.answer::<Orders>(orders::Answer::Updated {
            order_no: "HN20261128000003".into(),
            from_version: 3,
            result: Err(refused),
        });
        let screen = render(&app, 80, 24);
        let postal = screen.find("410083").unwrap_or(usize::MAX);
        let message = screen.find("! 邮政编码应为 6 位数字").unwrap_or(0);
        assert!(postal < message, "the message under its field:\n{screen}");
        assert!(screen.contains("! 手机号应为 11 位"), "{screen}");
        // The cursor goes to the first field refused (the recipient's phone).
        assert_eq!(
            app.tab::<Orders>()
                .and_then(|o| o.form.as_ref())
                .map(|f| f.focus),
            Some(1)
        );
        insta::assert_snapshot!(format!("edit_form_refused_{}", lang_name(lang)), screen);
        // In the other language the platform's words go (they cannot be worded again);
        // what was typed stays, and back in this language nothing comes back worded wrong.
        ctrl(&mut app, 'l');
        let switched = render(&app, 80, 24);
        assert!(!switched.contains("邮政编码应为 6 位数字"), "{switched}");
        assert!(switched.contains("2 楼"), "{switched}");
        ctrl(&mut app, 'l');

        // Saved: the form closes and the order is asked for again.
        let mut saved = correctable(false);
        saved.version = 4;
        app.answer::<Orders>(orders::Answer::Updated {
            order_no: "HN20261128000003".into(),
            from_version: 3,
            result: Ok(saved),
        });
        assert!(app.tab::<Orders>().is_some_and(|o| o.form.is_none()));
        let jobs = app.take_jobs();
        assert!(
            sent::<orders::Request>(&jobs)
                .iter()
                .any(|r| matches!(r, orders::Request::Detail { .. }))
        );
        let done = if lang == Lang::ZhCn {
            "已修改订单资料：HN20261128000003"
        } else {
            "Done — correcting the order: HN20261128000003"
        };
        let screen = render(&app, 80, 24);
        assert!(screen.contains(done), "{screen}");
    }
}

#[test]
fn a_correction_left_is_brought_up_to_a_change_made_meanwhile() {
    let mut app = opened(Lang::ZhCn, correctable(true));
    // Opened and closed with nothing changed: nothing is kept to come back to.
    key(&mut app, KeyCode::Char('e'));
    key(&mut app, KeyCode::Esc);
    key(&mut app, KeyCode::Char('e'));
    let screen = render(&app, 80, 24);
    assert!(!screen.contains("接着上次未提交的修改"), "{screen}");
    key(&mut app, KeyCode::Esc);
    key(&mut app, KeyCode::Char('e'));
    for _ in 0..5 {
        key(&mut app, KeyCode::Down);
    }
    key(&mut app, KeyCode::End);
    typed(&mut app, " 2 楼");
    key(&mut app, KeyCode::Esc);
    // Opened again on the same order as it was: as it was left.
    key(&mut app, KeyCode::Char('e'));
    assert!(render(&app, 80, 24).contains("932 号 2 楼"));
    key(&mut app, KeyCode::Esc);
    // Someone changed the order meanwhile (its postal code): what was typed stays, the
    // change is taken in the field left alone, and that is said.
    let mut changed = correctable(true);
    changed.version = 4;
    changed.mailing.postal_code = "410013".into();
    open_order(&mut app, changed);
    key(&mut app, KeyCode::Char('e'));
    let screen = render(&app, 80, 24);
    assert!(screen.contains("932 号 2 楼"), "{screen}");
    assert!(screen.contains("410013"), "{screen}");
    assert!(screen.contains("订单刚被他人修改（邮政编码）"), "{screen}");
    let version = app
        .tab::<Orders>()
        .and_then(|o| o.form.as_ref())
        .map(|f| f.version);
    assert_eq!(version, Some(4));
}

#[test]
fn a_returned_organisation_corrected_at_the_counter_is_told_to_print_the_form_again() {
    let mut app = app(Lang::ZhCn);
    key(&mut app, KeyCode::Down);
    key(&mut app, KeyCode::Down);
    key(&mut app, KeyCode::Enter);
    let mut returned = correctable(true);
    returned.status = OrderStatus::Rejected;
    returned.allowed_actions = vec![ca_counter::domain::Action::Resubmit];
    returned.user_type = ca_counter::domain::UserType::Organization;
    returned.organization = Some(ca_counter::api::Organization {
        name: "湖南某某建设有限公司".into(),
        uscc: "91110000600037341L".into(),
        legal_representative: "李四".into(),
    });
    returned.editable = vec![
        ca_counter::domain::OrderPart::Mailing,
        ca_counter::domain::OrderPart::Organization,
    ];
    open_order(&mut app, returned.clone());
    key(&mut app, KeyCode::Char('e'));
    // The organisation's name comes first; a word added, then Enter through to the end.
    key(&mut app, KeyCode::End);
    key(&mut app, KeyCode::Left);
    key(&mut app, KeyCode::Left);
    key(&mut app, KeyCode::Left);
    key(&mut app, KeyCode::Left);
    typed(&mut app, "集团");
    for _ in 0..11 {
        key(&mut app, KeyCode::Enter);
    }
    let jobs = app.take_jobs();
    let requests = sent::<orders::Request>(&jobs);
    let Some(orders::Request::Update { update, .. }) = requests
        .iter()
        .find(|r| matches!(r, orders::Request::Update { .. }))
    else {
        panic!("a correction, got {requests:?}");
    };
    let organization = update.organization.as_ref().expect("the organisation");
    assert_eq!(organization.name, "湖南某某建设集团有限公司");
    assert!(update.mailing.is_some());
    let mut corrected = returned;
    corrected.version = 4;
    corrected.organization = Some(organization.clone());
    app.answer::<Orders>(orders::Answer::Updated {
        order_no: "HN20261128000003".into(),
        from_version: 3,
        result: Ok(corrected.clone()),
    });
    open_order(&mut app, corrected);
    let screen = render(&app, 80, 24);
    assert!(screen.contains("按 f 打印新的申请表"), "{screen}");
    key(&mut app, KeyCode::Char('f'));
    let jobs = app.take_jobs();
    assert!(
        sent::<orders::Request>(&jobs)
            .iter()
            .any(|r| matches!(r, orders::Request::PrintForm { order_no } if order_no == "HN20261128000003")),
        "{:?}",
        sent::<orders::Request>(&jobs)
    );
}

/// An order returned for the real-name check alone: the counter's view gives the
/// customer's next step as their own page does — the check, then sending it back — not
/// "correct and upload again".
#[test]
fn a_return_for_the_check_alone_is_the_check_in_the_customers_next_step() {
    let mut returned = correctable(true);
    returned.status = OrderStatus::Rejected;
    returned.channel = ca_counter::domain::Channel::Online;
    returned.rejection_reasons = vec!["申请人未通过实名认证".into()];
    returned.realname = None;
    let app = opened(Lang::ZhCn, returned);
    let screen = render(&app, 80, 24);
    let flat: String = screen.split_whitespace().collect();
    assert!(
        flat.contains("完成实名认证，然后提交审核") && !flat.contains("按告知书补正"),
        "{screen}"
    );
}

/// A correction sent back with `s` on which the platform read no order code: the clerk
/// hears it at once, as a warning (the reviewer checks it by eye), not only "resubmitted";
/// one whose code was read, or a resubmission with no file, is a plain "resubmitted".
#[test]
fn a_correction_without_a_readable_code_is_said_to_the_clerk_as_it_goes() {
    for (outcome, with_file, warned) in [
        (ca_counter::api::ScanOutcome::NoCode, true, true),
        (ca_counter::api::ScanOutcome::Matches, true, false),
        // Sent back without a file: the newest correction is an earlier round's.
        (ca_counter::api::ScanOutcome::NoCode, false, false),
    ] {
        let mut returned = correctable(true);
        returned.status = OrderStatus::Rejected;
        returned.allowed_actions = vec![ca_counter::domain::Action::Resubmit];
        let mut app = opened(Lang::ZhCn, returned.clone());
        // `s`, the corrected scan's path typed.
        key(&mut app, KeyCode::Char('s'));
        if with_file {
            typed(&mut app, "/tmp/corrected.png");
        }
        let mut sent_back = returned;
        sent_back.status = OrderStatus::PendingReview;
        sent_back.version += 1;
        let mut correction = order().attachments.remove(0);
        correction.id = "a2".into();
        correction.kind = ca_counter::api::AttachmentKind::Correction;
        correction.uploaded_at = "2026-11-29T08:00:00Z".into();
        if let Some(check) = correction.scan_check.as_mut() {
            check.outcome = outcome;
        }
        sent_back.attachments.push(correction);
        app.answer::<Orders>(orders::Answer::Acted {
            order_no: sent_back.order_no.to_string(),
            action: ca_counter::domain::Action::Resubmit,
            result: Ok(sent_back),
        });
        let screen = render(&app, 80, 24);
        let flat: String = screen.split_whitespace().collect();
        assert_eq!(
            flat.contains("补正件上没有读到订单的二维码") && flat.contains("二维码完整"),
            warned,
            "{screen}"
        );
    }
}

#[test]
fn a_correction_refused_because_the_order_changed_keeps_what_was_typed_and_takes_the_rest() {
    let mut app = opened(Lang::ZhCn, correctable(true));
    key(&mut app, KeyCode::Char('e'));
    // The postal code (the seventh field) typed anew, then sent.
    for _ in 0..6 {
        key(&mut app, KeyCode::Down);
    }
    ctrl(&mut app, 'u');
    typed(&mut app, "410005");
    key(&mut app, KeyCode::Down);
    key(&mut app, KeyCode::Enter);
    app.take_jobs();
    app.answer::<Orders>(orders::Answer::Updated {
        order_no: "HN20261128000003".into(),
        from_version: 3,
        result: Err(conflict("version_conflict", OrderStatus::PendingReview, 4)),
    });
    // Read again in full, then the form is brought up to date.
    let jobs = app.take_jobs();
    assert!(
        sent::<orders::Request>(&jobs)
            .iter()
            .any(|r| matches!(r, orders::Request::Detail { reveal: true, .. })),
        "{:?}",
        sent::<orders::Request>(&jobs)
    );
    let mut changed = correctable(true);
    changed.version = 4;
    changed.mailing.recipient = "王五妻".into();
    changed.mailing.postal_code = "410013".into();
    open_order(&mut app, changed);
    let screen = render(&app, 80, 24);
    let form = form_of(&app);
    assert_eq!(form.version, 4);
    let value = |key: &str| {
        form.fields
            .iter()
            .find(|f| f.key == key)
            .map(|f| f.input.text())
            .unwrap_or_default()
    };
    assert_eq!(
        value("mailing.recipient"),
        "王五妻",
        "left alone: the new value"
    );
    assert_eq!(value("mailing.postal_code"), "410005", "typed: kept");
    assert!(
        screen.contains("订单刚被他人修改（收件人、邮政编码）"),
        "{screen}"
    );
    assert!(screen.contains("这一栏刚被他人改为：410013"), "{screen}");
    insta::assert_snapshot!("edit_form_rebased_zh", screen);
    // Ctrl-R puts back what the order says now.
    ctrl(&mut app, 'r');
    let form = form_of(&app);
    let postal = form
        .fields
        .iter()
        .find(|f| f.key == "mailing.postal_code")
        .map(|f| f.input.text());
    assert_eq!(postal.as_deref(), Some("410013"));
}

#[test]
fn a_correction_refused_because_the_order_was_mailed_meanwhile_says_so() {
    let mut app = opened(Lang::ZhCn, correctable(true));
    key(&mut app, KeyCode::Char('e'));
    for _ in 0..5 {
        key(&mut app, KeyCode::Down);
    }
    typed(&mut app, "之一");
    for _ in 0..2 {
        key(&mut app, KeyCode::Down);
    }
    key(&mut app, KeyCode::Enter);
    app.take_jobs();
    app.answer::<Orders>(orders::Answer::Updated {
        order_no: "HN20261128000003".into(),
        from_version: 3,
        result: Err(conflict("version_conflict", OrderStatus::PendingInvoice, 4)),
    });
    app.take_jobs();
    // Mailed meanwhile: nothing of the address changed, and it can change no more.
    let mut mailed = correctable(true);
    mailed.version = 4;
    mailed.status = OrderStatus::PendingInvoice;
    mailed.editable = Vec::new();
    open_order(&mut app, mailed);
    let screen = render(&app, 80, 24);
    assert!(
        screen.contains("此时不能修改") && !screen.contains("（）"),
        "{screen}"
    );
}

#[test]
fn a_correction_in_the_timeline_names_what_changed_and_why_apart() {
    for (lang, said) in [
        (Lang::ZhCn, "改了详细地址、邮政编码；原因：客户来电"),
        (
            Lang::En,
            "changed: Street address, Postal code; why: 客户来电",
        ),
    ] {
        let mut app = app(lang);
        let mut history = history();
        history.push(ca_counter::api::HistoryEntry {
            id: 9,
            at: "2026-11-28T08:00:00Z".into(),
            actor: ca_counter::api::Actor {
                id: Some("o1".into()),
                name: "李柜员".into(),
            },
            action: "edit_details".into(),
            from_status: None,
            to_status: None,
            reason: Some("mailing.street,mailing.postal_code 客户来电".into()),
            request_id: None,
        });
        key(&mut app, KeyCode::Down);
        key(&mut app, KeyCode::Down);
        key(&mut app, KeyCode::Enter);
        app.answer::<Orders>(orders::Answer::Detail {
            order_no: "HN20261128000003".into(),
            result: Ok((order(), history)),
        });
        let screen = render(&app, 100, 30);
        assert!(screen.contains(said), "{screen}");
    }
}

/// An order whose e-invoice was issued offers it again (`i`), to finance and the counter
/// alike: a customer who lost the e-mail, or finance's own file.
#[test]
fn an_issued_invoice_is_printed_again_from_the_order() {
    let mut order = order();
    order.status = OrderStatus::Completed;
    order.allowed_actions.clear();
    let mut invoice = order.attachments[0].clone();
    invoice.id = "inv1".into();
    invoice.kind = ca_counter::api::AttachmentKind::Invoice;
    invoice.filename = "电子发票.pdf".into();
    invoice.content_type = "application/pdf".into();
    order.attachments.push(invoice);
    for (lang, offered) in [
        (Lang::ZhCn, "i  打印电子发票"),
        (Lang::En, "i  print the e-invoice"),
    ] {
        let mut app = opened(lang, order.clone());
        operator(&mut app, "孙财务", Role::Finance);
        open_order(&mut app, order.clone());
        let screen = render(&app, 80, 24);
        assert!(screen.contains(offered), "{screen}");
        key(&mut app, KeyCode::Char('i'));
        let jobs = app.take_jobs();
        assert!(
            sent::<orders::Request>(&jobs).iter().any(|r| matches!(
                r,
                orders::Request::PrintInvoice { attachment_id, .. } if attachment_id == "inv1"
            )),
            "{:?}",
            sent::<orders::Request>(&jobs)
        );
    }
    // Support may not read it (the platform answers 403): not offered.
    let mut app = opened(Lang::ZhCn, order.clone());
    operator(&mut app, "孙客服", Role::Support);
    open_order(&mut app, order.clone());
    let screen = render(&app, 80, 24);
    assert!(!screen.contains("打印电子发票"), "{screen}");
    // Reversed and not issued anew: what prints is the red-letter invoice, said so.
    let mut reversed = order;
    reversed.status = OrderStatus::PendingInvoice;
    reversed.invoice = None;
    reversed.reversed_invoices = vec![ca_counter::api::ReversedInvoice {
        invoice_no: "26430000000000000009".into(),
        buyer_name: "湖南某某建设有限公司".into(),
        total_fen: 20_000,
        attachment_id: None,
        red_invoice_no: "26430000000000000010".into(),
        confirmation_no: None,
        red_attachment_id: Some("inv1".into()),
        reason: Some("抬头错误".into()),
        reversed_at: "2026-11-28T08:00:00Z".into(),
    }];
    let mut app = opened(Lang::ZhCn, reversed.clone());
    operator(&mut app, "孙财务", Role::Finance);
    open_order(&mut app, reversed);
    let screen = render(&app, 80, 24);
    assert!(screen.contains("i  打印红字发票"), "{screen}");
}

/// A transfer voucher on another order too is said under it in the order's view (support
/// and the counter see what the reviewer sees).
#[test]
fn a_voucher_on_another_order_too_is_said_in_the_order_view() {
    for (lang, said) in [
        (Lang::ZhCn, "这张转账凭证也附在订单 HN20261128000007 上"),
        (
            Lang::En,
            "this transfer voucher is also on order HN20261128000007",
        ),
    ] {
        let mut order = order();
        for file in &mut order.attachments {
            file.kind = ca_counter::api::AttachmentKind::Voucher;
            file.also_on = vec!["HN20261128000007".into()];
        }
        let app = opened(lang, order);
        let screen = render(&app, 120, 60);
        assert!(screen.contains(said), "{screen}");
        let app = opened(lang, crate::fixtures::order());
        let screen = render(&app, 120, 60);
        assert!(!screen.contains("HN20261128000007"), "{screen}");
    }
}

/// A popup closed with Esc and opened again keeps what was typed, marked: a new path typed
/// replaces it (it was glued to the old one: `…/old.jpg/tmp/new.jpg`), a caret moved
/// keeps it to be edited.
#[test]
fn a_path_typed_into_a_popup_opened_again_replaces_the_one_left() {
    let mut returned = correctable(true);
    returned.status = OrderStatus::Rejected;
    returned.allowed_actions = vec![ca_counter::domain::Action::Resubmit];
    let mut app = opened(Lang::ZhCn, returned.clone());
    key(&mut app, KeyCode::Char('s'));
    typed(&mut app, "/tmp/old.jpg");
    key(&mut app, KeyCode::Esc);
    key(&mut app, KeyCode::Char('s'));
    assert_eq!(form_of(&app).fields[0].input.text(), "/tmp/old.jpg");
    typed(&mut app, "/tmp/new.jpg");
    assert_eq!(form_of(&app).fields[0].input.text(), "/tmp/new.jpg");
    // The order changed meanwhile (the address corrected): the form made again keeps the
    // path, marked the same.
    key(&mut app, KeyCode::Esc);
    let mut corrected = returned.clone();
    corrected.version += 1;
    open_order(&mut app, corrected);
    key(&mut app, KeyCode::Char('s'));
    typed(&mut app, "/tmp/v3.jpg");
    assert_eq!(form_of(&app).fields[0].input.text(), "/tmp/v3.jpg");
    key(&mut app, KeyCode::Esc);
    key(&mut app, KeyCode::Char('s'));
    key(&mut app, KeyCode::End);
    typed(&mut app, "2");
    assert_eq!(form_of(&app).fields[0].input.text(), "/tmp/v3.jpg2");
    // Words typed into a popup (a note) are kept to go on typing, not marked.
    key(&mut app, KeyCode::Esc);
    key(&mut app, KeyCode::Char('N'));
    typed(&mut app, "客户下午");
    key(&mut app, KeyCode::Esc);
    key(&mut app, KeyCode::Char('N'));
    typed(&mut app, "再来");
    assert_eq!(form_of(&app).fields[0].input.text(), "客户下午再来");
}

/// A voucher uploaded with `u` in 待办订单 that another order carries too is said as it
/// goes in, the customer still at the counter (it was said only rows down in the view).
#[test]
fn a_voucher_sent_for_another_order_too_is_said_at_upload_from_the_order_view() {
    let mut waiting = order();
    waiting.status = OrderStatus::PendingVoucher;
    waiting.allowed_actions = vec![ca_counter::domain::Action::UploadVoucher];
    let mut app = opened(Lang::ZhCn, waiting.clone());
    key(&mut app, KeyCode::Char('u'));
    typed(&mut app, "/tmp/v.png");
    let mut sent = waiting;
    sent.status = OrderStatus::PendingReview;
    sent.version += 1;
    let mut voucher = sent.attachments[0].clone();
    voucher.id = "v1".into();
    voucher.kind = ca_counter::api::AttachmentKind::Voucher;
    voucher.scan_check = None;
    voucher.also_on = vec!["HN20261128000002".into()];
    sent.attachments.push(voucher);
    app.answer::<Orders>(orders::Answer::Acted {
        order_no: sent.order_no.to_string(),
        action: ca_counter::domain::Action::UploadVoucher,
        result: Ok(sent),
    });
    let screen = render(&app, 80, 24);
    assert!(
        screen.contains("⚠ 转账凭证已上传；这张凭证也附在订单 HN20261128000002"),
        "{screen}"
    );
}

/// The receipt of an order opened in 待办订单 (paid since the counter printed the first,
/// or lost): `r` prints it as it stands; support, who takes no applications, is not offered it.
#[test]
fn the_receipt_is_printed_again_from_the_order_view() {
    let mut app = opened(Lang::ZhCn, order());
    app.take_jobs();
    key(&mut app, KeyCode::Char('?'));
    assert!(render(&app, 80, 40).contains("打印受理回执"));
    key(&mut app, KeyCode::Esc);
    key(&mut app, KeyCode::Char('r'));
    let jobs = app.take_jobs();
    assert!(
        sent::<orders::Request>(&jobs)
            .iter()
            .any(|r| matches!(r, orders::Request::PrintReceipt { order_no } if order_no == "HN20261128000003")),
        "no receipt asked"
    );
    // Support, whom a caller tells they lost it, prints it too (masked by the platform);
    // the mailroom, who takes no calls about it, is not offered it.
    let mut app = opened(Lang::ZhCn, order());
    operator(&mut app, "孙客服", Role::Support);
    app.take_jobs();
    key(&mut app, KeyCode::Char('r'));
    assert!(
        sent::<orders::Request>(&app.take_jobs())
            .iter()
            .any(|r| matches!(r, orders::Request::PrintReceipt { .. }))
    );
    let mut app = opened(Lang::ZhCn, order());
    operator(&mut app, "吴邮寄", Role::Mailroom);
    app.take_jobs();
    key(&mut app, KeyCode::Char('r'));
    assert!(
        sent::<orders::Request>(&app.take_jobs())
            .iter()
            .all(|r| !matches!(r, orders::Request::PrintReceipt { .. }))
    );
}

/// Finance reverses a wrong invoice from the order (`H`): the form says what follows (a
/// red-letter invoice to the buyer, the order back to 待开票), asks why, and sends it; the
/// reversed invoice is listed in the order's view with its red one.
#[test]
fn finance_reverses_an_invoice_from_the_order_and_the_form_says_what_follows() {
    let mut order = order();
    order.status = OrderStatus::Completed;
    order.allowed_actions = vec![ca_counter::domain::Action::ReverseInvoice];
    order.invoice_no = Some("26430000000000000009".into());
    order.invoice = Some(ca_counter::api::InvoiceInfo {
        invoice_no: "26430000000000000009".into(),
        invoice_kind: "normal".into(),
        buyer_name: "湖南某某建设有限公司".into(),
        buyer_tax_number: Some("91430100MA4L000000".into()),
        net_fen: 18_868,
        tax_fen: 1_132,
        total_fen: 20_000,
        attachment_id: None,
        email: "f***@example.com".into(),
        mail_status: None,
        mail_detail: None,
        issued_at: "2026-11-29T08:00:00Z".into(),
    });
    order.reversed_invoices = vec![ca_counter::api::ReversedInvoice {
        invoice_no: "26430000000000000002".into(),
        buyer_name: "湖南某某建设公司".into(),
        total_fen: 20_000,
        attachment_id: None,
        red_invoice_no: "26430000000000000005".into(),
        confirmation_no: Some("26431000000000000005".into()),
        red_attachment_id: None,
        reason: Some("抬头错误".into()),
        reversed_at: "2026-11-29T07:00:00Z".into(),
    }];
    for (lang, offered, listed, said) in [
        (
            Lang::ZhCn,
            "H  红冲发票",
            "26430000000000000002 湖南某某建设公司 → 红字 26430000000000000005",
            "冲销发票 26430000000000000009",
        ),
        (
            Lang::En,
            "H  reverse the invoice",
            "26430000000000000002 湖南某某建设公司 → red-letter 26430000000000000005",
            "cancelling invoice 26430000000000000009",
        ),
    ] {
        let mut app = opened(lang, order.clone());
        operator(&mut app, "孙财务", Role::Finance);
        open_order(&mut app, order.clone());
        let screen = render(&app, 120, 40);
        assert!(screen.contains(offered), "{screen}");
        assert!(screen.contains(listed), "{screen}");
        // The buyer's tax number beside the buyer (an organisation's, in full).
        assert!(
            screen.contains("湖南某某建设有限公司 91430100MA4L000000"),
            "{screen}"
        );
        key(&mut app, KeyCode::Char('H'));
        let screen = render(&app, 80, 24);
        assert!(screen.contains(said), "{screen}");
        insta::assert_snapshot!(format!("reverse_invoice_{}", lang_name(lang)), screen);
        typed(&mut app, "抬头少了有限二字");
        app.take_jobs();
        // It cannot be undone: Enter asks once more and sends nothing, nor does a second
        // Enter (a double tap, keys typed ahead); `y` does.
        key(&mut app, KeyCode::Enter);
        key(&mut app, KeyCode::Enter);
        assert!(sent::<orders::Request>(&app.take_jobs()).is_empty());
        let screen = render(&app, 80, 24);
        let asked = match lang {
            Lang::ZhCn => "订单 HN20261128000003：“红冲发票”后不能撤销，确定吗？",
            _ => "Order HN20261128000003: “reverse the invoice” cannot be",
        };
        assert!(screen.contains(asked), "{screen}");
        key(&mut app, KeyCode::Char('y'));
        let jobs = app.take_jobs();
        assert!(
            sent::<orders::Request>(&jobs).iter().any(|r| matches!(
                r,
                orders::Request::Act { action: ca_counter::domain::Action::ReverseInvoice, body, .. }
                    if body.reason.as_deref() == Some("抬头少了有限二字")
            )),
            "{:?}",
            sent::<orders::Request>(&jobs)
        );
        // Reversed: said where the new invoice is issued (this view offers no way to).
        let mut reversed = order.clone();
        reversed.status = OrderStatus::PendingInvoice;
        reversed.version += 1;
        app.answer::<Orders>(orders::Answer::Acted {
            order_no: reversed.order_no.to_string(),
            action: ca_counter::domain::Action::ReverseInvoice,
            result: Ok(reversed),
        });
        let flat: String = render(&app, 80, 24).split_whitespace().collect();
        let told = match lang {
            Lang::ZhCn => "请到“5开票”重新开具",
            _ => "issueitanewin5Invoice",
        };
        assert!(flat.contains(told), "{flat}");
    }
    // The clerk (whom the platform does not offer it) pressing it is told whose it is.
    order.allowed_actions.clear();
    let mut app = opened(Lang::ZhCn, order.clone());
    operator(&mut app, "李柜员", Role::Clerk);
    open_order(&mut app, order);
    key(&mut app, KeyCode::Char('H'));
    let screen = render(&app, 80, 24);
    assert!(
        screen.contains("“红冲发票”需要开票、管理员角色"),
        "{screen}"
    );
}

/// Support on the phone: `e` on a mailed order says the address can no longer change (not
/// "the customer may change it online", which their page no longer offers), `c` on an
/// unpaid one that the customer may cancel it themselves, and a key the order's status
/// rules out (`e` or `c` on a completed order) says so instead of nothing.
#[test]
fn support_is_told_what_the_caller_can_do_and_why_a_key_does_nothing_now() {
    let said = |order: ca_counter::api::Order, k: char| {
        let mut app = opened(Lang::ZhCn, order.clone());
        operator(&mut app, "钱客服", Role::Support);
        open_order(&mut app, order);
        key(&mut app, KeyCode::Char(k));
        // The whole message, as the message line wraps it.
        app.tab::<Orders>()
            .and_then(|o| o.notice.as_ref())
            .map(|n| n.text.get(Lang::ZhCn))
            .unwrap_or_default()
    };
    let mut mailed = order();
    mailed.status = OrderStatus::PendingInvoice;
    mailed.allowed_actions = vec![];
    mailed.shipment = Some(Shipment {
        carrier: "ems".into(),
        tracking_no: "EA223456712CN".into(),
        shipped_at: "2026-11-28T08:00:00Z".into(),
    });
    let screen = said(mailed.clone(), 'e');
    assert!(screen.contains("证书已寄出，收件信息不能再改"), "{screen}");
    assert!(!screen.contains("在自己的订单页修改"), "{screen}");
    // A clerk, who may correct orders, is told the same (nothing was said).
    let mut app = opened(Lang::ZhCn, mailed.clone());
    operator(&mut app, "李柜员", Role::Clerk);
    open_order(&mut app, mailed);
    key(&mut app, KeyCode::Char('e'));
    let told = app
        .tab::<Orders>()
        .and_then(|o| o.notice.as_ref())
        .map(|n| n.text.get(Lang::ZhCn))
        .unwrap_or_default();
    assert!(told.starts_with("证书已寄出"), "{told}");
    let mut unpaid = order();
    unpaid.status = OrderStatus::PendingPayment;
    unpaid.allowed_actions = vec![];
    let screen = said(unpaid.clone(), 'e');
    assert!(screen.contains("在自己的订单页修改收件信息"), "{screen}");
    let screen = said(unpaid, 'c');
    assert!(screen.contains("不需要了：取消这笔订单"), "{screen}");
    let mut completed = order();
    completed.status = OrderStatus::Completed;
    completed.allowed_actions = vec![];
    let screen = said(completed.clone(), 'e');
    assert!(screen.contains("不能再修改"), "{screen}");
    let screen = said(completed, 'c');
    assert!(screen.contains("当前是“已完成”，不能"), "{screen}");
}

/// A search typed on an open order (its `Esc` lost, keys sent in one burst) searches from
/// the list: the `H` of `HN…` never opens the invoice's reversal, and a burst that did reach
/// a form that cannot be undone (its reason typed, one `Enter`) sends nothing.
#[test]
fn an_order_number_typed_on_an_invoiced_order_never_reverses_its_invoice() {
    let mut order = order();
    order.status = OrderStatus::Completed;
    order.allowed_actions = vec![ca_counter::domain::Action::ReverseInvoice];
    for lang in Lang::ALL {
        let mut app = opened(lang, order.clone());
        operator(&mut app, "孙财务", Role::Finance);
        open_order(&mut app, order.clone());
        app.take_jobs();
        key(&mut app, KeyCode::Char('/'));
        typed(&mut app, "HN20261128000007");
        key(&mut app, KeyCode::Enter);
        let jobs = sent::<orders::Request>(&app.take_jobs());
        assert!(
            jobs.iter()
                .any(|r| matches!(r, orders::Request::Page { query, .. }
                if query.q.as_deref() == Some("HN20261128000007"))),
            "{lang:?}: {jobs:?}"
        );
        assert!(
            !jobs
                .iter()
                .any(|r| matches!(r, orders::Request::Act { .. })),
            "{lang:?}: {jobs:?}"
        );
        assert!(
            app.tab::<Orders>()
                .is_some_and(|o| o.detail.is_none() && o.form.is_none())
        );
        // Without the `/`: the form opens, the rest is its reason, and one Enter asks.
        let mut app = opened(lang, order.clone());
        operator(&mut app, "孙财务", Role::Finance);
        open_order(&mut app, order.clone());
        app.take_jobs();
        typed(&mut app, "HN20261128000007");
        key(&mut app, KeyCode::Enter);
        assert!(
            sent::<orders::Request>(&app.take_jobs()).is_empty(),
            "{lang:?}"
        );
        // Anything but y goes back to the form.
        typed(&mut app, "x");
        key(&mut app, KeyCode::Esc);
        assert!(
            app.tab::<Orders>().is_some_and(|o| o.form.is_none()),
            "{lang:?}"
        );
        // What the stray keys typed is not kept for the next reversal.
        key(&mut app, KeyCode::Char('H'));
        let form = form_of(&app);
        assert!(
            form.fields.iter().all(|f| f.input.text().is_empty()),
            "{lang:?}: {form:?}"
        );
        assert!(
            sent::<orders::Request>(&app.take_jobs()).is_empty(),
            "{lang:?}"
        );
    }
}

/// An action's form left open while the order moved on (a colleague reversed the invoice
/// first): closed and said when the order is read again, what was typed kept for the form's
/// next opening.
#[test]
fn a_form_whose_action_the_order_no_longer_allows_is_closed_and_said() {
    let mut order = order();
    order.status = OrderStatus::Completed;
    order.allowed_actions = vec![ca_counter::domain::Action::ReverseInvoice];
    let mut app = opened(Lang::ZhCn, order.clone());
    operator(&mut app, "孙财务", Role::Finance);
    open_order(&mut app, order.clone());
    key(&mut app, KeyCode::Char('H'));
    typed(&mut app, "抬头错误");
    // One field: no "next field" to go to.
    let screen = render(&app, 80, 24);
    assert!(!screen.contains("下一栏"), "{screen}");
    let mut moved = order.clone();
    moved.status = OrderStatus::PendingInvoice;
    moved.version += 2;
    moved.allowed_actions = vec![ca_counter::domain::Action::DeclineInvoice];
    // Its history's last line is the colleague's reversal: named.
    let mut told = history();
    let mut last = told.last().cloned().expect("history");
    last.id += 1;
    last.actor = ca_counter::api::Actor {
        id: Some("o9".into()),
        name: "钱财务".into(),
    };
    last.action = "reverse_invoice".into();
    last.from_status = Some(OrderStatus::Completed);
    last.to_status = Some(OrderStatus::PendingInvoice);
    told.push(last);
    app.answer::<Orders>(orders::Answer::Detail {
        order_no: moved.order_no.to_string(),
        result: Ok((moved.clone(), told)),
    });
    let screen = render(&app, 80, 24);
    assert!(
        screen.contains("钱财务 刚办理了“红冲发票”，订单现为“待开票”：“红冲发票”已不能办理"),
        "{screen}"
    );
    assert!(!screen.contains("原因 *"), "{screen}");
    // Held until read: the rest of what was typed takes none of the order view's keys.
    assert!(screen.contains("请先阅读"), "{screen}");
    app.take_jobs();
    typed(&mut app, "Hx");
    assert!(app.take_jobs().is_empty());
    key(&mut app, KeyCode::Esc);
    let screen = render(&app, 80, 24);
    assert!(!screen.contains("请先阅读"), "{screen}");
    assert!(!screen.contains("原因 *"), "no form opened: {screen}");
    // 已完成 again, under another invoice (issued anew meanwhile): the form comes back
    // for the order as it is now, what was typed kept, and the change said.
    let mut again = order.clone();
    again.version += 4;
    open_order(&mut app, again.clone());
    key(&mut app, KeyCode::Char('H'));
    let screen = render(&app, 80, 24);
    assert!(screen.contains("抬头错误"), "{screen}");
    assert!(screen.contains("订单在此期间有了变化"), "{screen}");
    app.take_jobs();
    key(&mut app, KeyCode::Enter);
    key(&mut app, KeyCode::Char('y'));
    let jobs = app.take_jobs();
    assert!(
        sent::<orders::Request>(&jobs).iter().any(|r| matches!(
            r,
            orders::Request::Act { body, .. } if body.version == Some(again.version)
        )),
        "{:?}",
        sent::<orders::Request>(&jobs)
    );
}

/// An order returned with the checklist's reasons (sent in Chinese, for the customer),
/// read by a clerk whose counter is in English: the checklist's words in English, a reason
/// typed by the reviewer as typed, on the order and in its history.
#[test]
fn a_return_reads_in_the_counters_language() {
    let mut returned = order();
    returned.status = OrderStatus::Rejected;
    returned.rejection_reasons = vec!["申请表缺少签字".into(), "印章模糊".into()];
    let mut app = opened(Lang::En, returned.clone());
    let mut steps = history();
    let mut reject = steps[0].clone();
    reject.id = 99;
    reject.action = "reject".into();
    reject.reason = Some("申请表缺少签字；印章模糊".into());
    steps.push(reject);
    app.answer::<Orders>(orders::Answer::Detail {
        order_no: returned.order_no.to_string(),
        result: Ok((returned, steps)),
    });
    // Tall enough for the order and its whole history at once.
    let screen = render(&app, 100, 80);
    assert!(!screen.contains("申请表缺少签字"), "{screen}");
    assert_eq!(
        screen.matches("the form is not signed; 印章模糊").count(),
        2,
        "on the order and in its history:\n{screen}"
    );
}

/// The invoice's PDF, kept on the order when finance issues it, is not said to have been
/// uploaded by them; a scan the clerk attached still is.
#[test]
fn the_invoice_kept_on_issuing_is_not_called_an_upload() {
    for (lang, kept, uploaded) in [
        (Lang::ZhCn, "发票存档", "上传附件"),
        (Lang::En, "invoice kept", "attachment uploaded"),
    ] {
        let mut app = opened(lang, order());
        let mut told = history();
        let mut last = told.last().cloned().expect("history");
        last.id += 1;
        last.action = "attach".into();
        last.from_status = None;
        last.to_status = None;
        last.reason = Some("invoice 发票-26430000000000000009.pdf".into());
        told.push(last);
        app.answer::<Orders>(orders::Answer::Detail {
            order_no: "HN20261128000003".into(),
            result: Ok((order(), told)),
        });
        let screen = render(&app, 120, 60);
        assert_eq!(screen.matches(kept).count(), 1, "{screen}");
        // The signed form's row in the fixture's history is still an upload.
        assert_eq!(screen.matches(uploaded).count(), 1, "{screen}");
    }
}

/// Digits that find no phone's tail (a caller reading out the end of an order number) are
/// told how digits are read and how an order number is found, whole at 80×24.
#[test]
fn digits_that_find_no_phone_say_how_to_find_an_order_number() {
    for (lang, said) in [(Lang::ZhCn, "261207000003"), (Lang::En, "261207000003")] {
        let mut app = app(lang);
        key(&mut app, KeyCode::Char('/'));
        typed(&mut app, "000003");
        key(&mut app, KeyCode::Enter);
        app.answer::<Orders>(orders::Answer::Page {
            seq: app.tab::<Orders>().map(|o| o.fetch.seq()).unwrap_or(0),
            append: false,
            result: Ok(ca_counter::api::OrderPage {
                items: vec![],
                next_cursor: None,
                search_indexing: None,
            }),
        });
        let screen = render(&app, 80, 24);
        assert!(screen.contains(said), "{screen}");
        assert!(screen.contains("Esc"), "the whole message: {screen}");
    }
}

/// A payment link texted from an open order (`L`) is in its history at once: the order is
/// read again (no order event says a text went), as it is after a note.
#[test]
fn a_payment_link_sent_reads_the_open_order_again() {
    let mut app = app(Lang::ZhCn);
    app.answer::<Orders>(orders::Answer::Page {
        seq: app.tab::<Orders>().map(|o| o.fetch.seq()).unwrap_or(0),
        append: false,
        result: Ok(ca_counter::api::OrderPage {
            items: vec![summary(3, "王五", OrderStatus::PendingPayment, 20)],
            next_cursor: None,
            search_indexing: None,
        }),
    });
    key(&mut app, KeyCode::Enter);
    let order = order();
    let order_no = order.order_no.to_string();
    open_order(&mut app, order);
    app.take_jobs();
    app.answer::<Orders>(orders::Answer::Reminded {
        order_no: order_no.clone(),
        payment_link: true,
        result: Ok(ca_counter::api::Reminder {
            outcome: "queued".into(),
            retry_at: None,
        }),
    });
    let asked: Vec<orders::Request> = sent(&app.take_jobs());
    assert!(
        asked
            .iter()
            .any(|r| matches!(r, orders::Request::Detail { order_no: no, .. } if *no == order_no)),
        "{asked:?}"
    );
}

/// A support agent asked "when will it come?" reads on the order the date the customer's
/// own page promises; an organisation's labels are never broken from themselves or their
/// values at 80 columns ("Legal" / "rep."), in either language.
#[test]
fn support_reads_the_promised_mailing_date_and_no_label_is_broken() {
    for lang in Lang::ALL {
        let mut order = order();
        order.mailed_by = Some("2026-12-02T09:00:00Z".into());
        order.user_type = ca_counter::domain::UserType::Organization;
        order.organization = Some(ca_counter::api::Organization {
            name: "湖南某某建设工程咨询有限公司".into(),
            uscc: "91430100MA4L16XX7Q".into(),
            legal_representative: "欧阳娜娜".into(),
        });
        let mut app = app(lang);
        operator(&mut app, "周客服", Role::Support);
        key(&mut app, KeyCode::Down);
        key(&mut app, KeyCode::Down);
        key(&mut app, KeyCode::Enter);
        open_order(&mut app, order);
        let screen = render(&app, 80, 24);
        let (promised, legal, credit) = if lang == Lang::ZhCn {
            (
                "承诺最迟寄出 2026-12-02 17:00",
                "法定代表人 欧阳娜娜",
                "统一社会信用代码 91430100MA4L16XX7Q",
            )
        } else {
            (
                "Promised to be mailed by 2026-12-02 17:00",
                "Legal rep. 欧阳娜娜",
                "Credit code 91430100MA4L16XX7Q",
            )
        };
        for shown in [promised, legal, credit] {
            assert!(screen.contains(shown), "{shown}:\n{screen}");
        }
        // An order not waiting for review or shipment promises nothing.
        let mut done = self::order();
        done.status = OrderStatus::Completed;
        open_order(&mut app, done);
        let screen = render(&app, 80, 24);
        assert!(
            !screen.contains(&promised[..promised.len() - 17]),
            "{screen}"
        );
    }
}

/// The search is said as what this operator may search by: by ID number only for those
/// who may see ID numbers (the platform refuses it to the rest).
#[test]
fn the_search_offers_the_id_number_only_to_who_may_search_by_it() {
    for (role, offered) in [(Role::Reviewer, true), (Role::Support, false)] {
        let mut app = app(Lang::En);
        operator(&mut app, "someone", role);
        key(&mut app, KeyCode::Char('?'));
        typed(&mut app, "search");
        let screen = render(&app, 120, 30);
        assert!(
            screen.contains("search (order number, phone, name"),
            "{screen}"
        );
        assert_eq!(
            screen.contains("ID number, invoice"),
            offered,
            "{role:?}:\n{screen}"
        );
    }
}

/// A whole address pasted into a correction's street keeps only the street as it is left,
/// as in the new application's form (the paper printed the region twice).
#[test]
fn a_correction_street_pasted_whole_keeps_only_the_street() {
    let mut app = opened(Lang::ZhCn, correctable(true));
    key(&mut app, KeyCode::Char('e'));
    app.take_jobs();
    let form = form_of(&app);
    let value = |key: &str| {
        form.fields
            .iter()
            .find(|f| f.key == key)
            .map(|f| f.input.text())
            .unwrap_or_default()
    };
    let pasted = format!(
        "{}{}{}建设北路 18 号",
        value("mailing.province"),
        value("mailing.city"),
        value("mailing.district")
    );
    // To the street (the sixth field).
    for _ in 0..5 {
        key(&mut app, KeyCode::Down);
    }
    ctrl(&mut app, 'u');
    typed(&mut app, &pasted);
    key(&mut app, KeyCode::Down);
    let street = form_of(&app)
        .fields
        .iter()
        .find(|f| f.key == "mailing.street")
        .map(|f| f.input.text());
    assert_eq!(street.as_deref(), Some("建设北路 18 号"), "{pasted}");
}

/// A correction's field is checked by its rule when it is left, the message beside it at
/// once — not after the whole address was typed and `Enter` pressed; the rest kept.
#[test]
fn a_correction_field_is_checked_when_it_is_left() {
    for lang in Lang::ALL {
        let mut app = opened(lang, correctable(true));
        key(&mut app, KeyCode::Char('e'));
        app.take_jobs();
        // To the postal code (the seventh field): two digits taken off, then on.
        for _ in 0..6 {
            key(&mut app, KeyCode::Down);
        }
        key(&mut app, KeyCode::End);
        key(&mut app, KeyCode::Backspace);
        key(&mut app, KeyCode::Backspace);
        key(&mut app, KeyCode::Down);
        assert!(app.take_jobs().is_empty(), "nothing sent");
        let form = form_of(&app);
        let postal = form
            .fields
            .iter()
            .find(|f| f.key == "mailing.postal_code")
            .expect("the postal code");
        assert_eq!(postal.input.text(), "4100");
        let screen = render(&app, 80, 24);
        let said = if lang == Lang::ZhCn {
            "邮政编码应为 6 位数字"
        } else {
            "a postal code is 6 digits"
        };
        assert!(screen.contains(said), "{screen}");
        // A field left unchanged is not judged (what the order says stands).
        assert!(
            form.fields
                .iter()
                .filter(|f| f.key != "mailing.postal_code")
                .all(|f| f.error.is_none()),
            "{:?}",
            form.fields
        );
    }
}

/// The built-in stand-ins said where the clerk reads the outcome: a red-letter invoice's
/// number carries the demo mark as the invoice's own does, and shipping or returning from
/// the order view says the customer's text was only logged (as the 邮寄 and 审核 tabs do).
#[test]
fn the_order_view_says_what_the_demo_did_not_do() {
    use ca_counter::api::DemoPart;
    for lang in Lang::ALL {
        let mut order = order();
        order.status = OrderStatus::PendingInvoice;
        order.reversed_invoices = vec![ca_counter::api::ReversedInvoice {
            invoice_no: "26430000000000000009".into(),
            buyer_name: "湖南某某建设有限公司".into(),
            total_fen: 20_000,
            attachment_id: None,
            red_invoice_no: "26430000000000000010".into(),
            confirmation_no: None,
            red_attachment_id: None,
            reason: Some("抬头错误".into()),
            reversed_at: "2026-11-28T08:00:00Z".into(),
        }];
        let mut app = opened(lang, order.clone());
        platform_demo(&mut app, vec![DemoPart::Invoices, DemoPart::Sms]);
        open_order(&mut app, order.clone());
        let screen = render(&app, 120, 40);
        let mark = if lang == Lang::ZhCn {
            "26430000000000000010（演示，非税务发票）"
        } else {
            "26430000000000000010 (demo, not a tax invoice)"
        };
        assert!(screen.contains(mark), "{screen}");
        for (action, said) in [
            (
                ca_counter::domain::Action::Ship,
                if lang == Lang::ZhCn {
                    "短信为演示，客户收不到寄出通知"
                } else {
                    "the customer gets no notice of it"
                },
            ),
            (
                ca_counter::domain::Action::Reject,
                if lang == Lang::ZhCn {
                    "短信为演示，客户收不到退回通知"
                } else {
                    "the customer gets no notice of the return"
                },
            ),
        ] {
            app.answer::<Orders>(orders::Answer::Acted {
                order_no: order.order_no.to_string(),
                action,
                result: Ok(order.clone()),
            });
            let screen = render(&app, 120, 40);
            assert!(screen.contains(said), "{action:?}:\n{screen}");
        }
        // With real texts, nothing of the kind.
        platform_demo(&mut app, vec![]);
        app.answer::<Orders>(orders::Answer::Acted {
            order_no: order.order_no.to_string(),
            action: ca_counter::domain::Action::Ship,
            result: Ok(order.clone()),
        });
        let screen = render(&app, 120, 40);
        assert!(
            !screen.contains("短信为演示") && !screen.contains("texts are a demo"),
            "{screen}"
        );
    }
}

/// A review in progress is not thrown away by a decision pressed in 待办订单: the same order
/// is only shown (not given back and claimed again); another is refused with a word while
/// one is held (a checklist half typed stays).
#[test]
fn a_review_in_progress_is_kept_when_待办订单_asks_for_another() {
    let mut app = app(Lang::ZhCn);
    key(&mut app, KeyCode::Down);
    key(&mut app, KeyCode::Down);
    key(&mut app, KeyCode::Enter);
    open_order(&mut app, order());
    key(&mut app, KeyCode::Char('x'));
    app.take_jobs();
    // Back to 待办订单, the same order: shown again, nothing asked of the platform.
    app.show_tab::<Orders>();
    key(&mut app, KeyCode::Char('x'));
    let jobs = app.take_jobs();
    assert!(
        sent::<ca_counter::tui::tabs::review::Request>(&jobs).is_empty(),
        "nothing given back or claimed again"
    );
    // Another order: refused with a word, the one held kept.
    app.show_tab::<Orders>();
    key(&mut app, KeyCode::Esc);
    key(&mut app, KeyCode::Down);
    key(&mut app, KeyCode::Enter);
    let mut other = order();
    other.order_no = no("HN20261128000002");
    open_order(&mut app, other);
    key(&mut app, KeyCode::Char('a'));
    let jobs = app.take_jobs();
    assert!(
        sent::<ca_counter::tui::tabs::review::Request>(&jobs).is_empty(),
        "the held order not given back"
    );
    let screen = render(&app, 80, 24);
    assert!(screen.contains("你正在审核 HN20261128000003"), "{screen}");
}
