//! The frame around the tabs: the help and the command line over each tab, the status
//! line in every state of the link, long messages, and the screen that asks for a bigger
//! terminal.

use ca_counter::api::{DemoPart, Health};
use ca_counter::i18n::Lang;
use ca_counter::tui::app::FrameAnswer;
use ca_counter::tui::net::Msg;
use ca_counter::tui::tabs::invoicing::Invoicing;
use ca_counter::tui::tabs::mailing::Mailing;
use ca_counter::tui::tabs::newapp::NewApp;
use ca_counter::tui::tabs::orders::{self, Orders};
use ca_counter::tui::tabs::review::Review;
use crossterm::event::KeyCode;

use super::{Scene, check, scene, walk};
use crate::fixtures::*;

/// The health of a platform running every built-in stand-in (the default configuration).
fn demo_health() -> Health {
    Health {
        status: "ok".into(),
        version: "t".into(),
        database: "sqlite".into(),
        max_upload_bytes: 10 << 20,
        public_base_url: "http://192.168.1.20:8080".into(),
        qr_payment: true,
        demo_parts: vec![
            DemoPart::Identity,
            DemoPart::Cashier,
            DemoPart::Invoices,
            DemoPart::Sms,
            DemoPart::Mail,
            DemoPart::Seller,
            DemoPart::Bank,
        ],
        seller_tax_number: SELLER.into(),
    }
}

/// Shows one tab.
type Show = fn(&mut ca_counter::tui::app::App);

fn scenes(lang: Lang) -> Vec<Scene> {
    let mut out = Vec::new();
    let shows: [(&str, Show); 5] = [
        ("new application", |a| a.show_tab::<NewApp>()),
        ("orders", |a| a.show_tab::<Orders>()),
        ("review", |a| a.show_tab::<Review>()),
        ("mailing", |a| a.show_tab::<Mailing>()),
        ("invoicing", |a| a.show_tab::<Invoicing>()),
    ];
    for (name, show) in shows {
        let mut a = app(lang);
        show(&mut a);
        key(&mut a, KeyCode::F(12));
        out.push(scene(&format!("help over {name}"), a));
    }
    // A platform of built-in stand-ins: 演示 on the status line, the list in the help.
    let mut a = app(lang);
    a.frame_answer(FrameAnswer::Health(Ok(demo_health())));
    out.push(scene("demo platform", a));
    let mut a = app(lang);
    a.frame_answer(FrameAnswer::Health(Ok(demo_health())));
    key(&mut a, KeyCode::Char('?'));
    out.push(scene("help on a demo platform", a));
    let mut a = app(lang);
    key(&mut a, KeyCode::Char('?'));
    typed(&mut a, "theme");
    out.push(scene("help finding :theme", a));
    let mut a = app(lang);
    key(&mut a, KeyCode::Char('?'));
    typed(&mut a, "zzzz");
    out.push(scene("help finding nothing", a));
    let mut a = app(lang);
    key(&mut a, KeyCode::Char(':'));
    typed(&mut a, "order HN2026");
    out.push(scene("command line", a));
    let mut a = app(lang);
    key(&mut a, KeyCode::Char(':'));
    typed(&mut a, "frobnicate everything now");
    key(&mut a, KeyCode::Enter);
    out.push(scene("unknown command", a));

    let mut a = app(lang);
    a.on_msg(Msg::Reconnecting {
        attempt: 2,
        reason: "no data for 11000 ms".into(),
    });
    out.push(scene("reconnecting", a));
    let mut a = app(lang);
    for attempt in 1..=4 {
        a.on_msg(Msg::Reconnecting {
            attempt,
            reason: "connection refused".into(),
        });
    }
    a.shared.read_only = true;
    out.push(scene("offline and read-only", a));
    let mut a = app(lang);
    a.on_msg(Msg::Refused);
    out.push(scene("token refused", a));
    let mut a = bare(lang);
    a.server_label = "https://ca-platform.hunan-ca.example.cn:8443/counter/changsha-yuelu".into();
    out.push(scene("connecting to a long address", a));

    let mut a = app(lang);
    a.answer::<Orders>(orders::Answer::PrintedNotice(Err(
        ca_counter::tui::print::PrintError::Command(
            "/home/clerk/.local/share/ca-counter/prints/HN20261128000001-受理回执.pdf".into(),
            ca_counter::tui::print::CommandFailure::Refused(
                "Counter-Printer-2F-East".into(),
                // At most 60 characters of what the command said (`print::print`).
                "lp: error - The printer or class does not exist; ask the a…".into(),
            ),
        ),
    )));
    out.push(scene("a long message wraps", a));
    out
}

#[test]
fn every_frame_screen_is_whole_at_80_by_24() {
    walk(scenes);
}

#[test]
fn the_too_small_screen_is_whole_at_any_size() {
    for lang in Lang::ALL {
        for (width, height) in [(79, 24), (60, 20), (40, 10)] {
            let (screen, problems) = check::draw(&app(lang), width, height);
            assert!(
                problems.is_empty(),
                "{width}×{height}: {problems:?}\n{screen}"
            );
        }
    }
}

/// A revoked token is said as what it is, not as "offline" or as the platform's header
/// name: on the status line and in the message of what was refused.
#[test]
fn a_revoked_token_is_said_in_words() {
    let mut a = app(Lang::ZhCn);
    a.on_msg(Msg::Refused);
    let screen = render(&a, 80, 24);
    assert!(
        screen.contains("登录已失效") && !screen.contains("离线"),
        "{screen}"
    );
    let refused = problem(
        "unauthorized",
        401,
        "missing or invalid access token (Authorization: Bearer …)",
    );
    let said = ca_counter::tui::text::describe(&refused, Lang::ZhCn).get(Lang::ZhCn);
    assert!(
        said.contains("联系管理员") && !said.contains("Bearer"),
        "{said}"
    );
}

/// "Cannot reach the platform" goes once the link is back: it is not left beside ● 在线.
#[test]
fn the_offline_message_goes_when_the_link_comes_back() {
    use ca_counter::tui::text::Notice;
    let mut a = app(Lang::ZhCn);
    a.on_msg(Msg::Online);
    a.show_tab::<Orders>();
    a.on_msg(Msg::Reconnecting {
        attempt: 1,
        reason: "connection refused".into(),
    });
    if let Some(orders) = a.tab_mut::<Orders>() {
        orders.notice = Some(Notice::error(ca_counter::i18n::T::ErrOfflineKept));
    }
    assert!(render(&a, 80, 24).contains("连不上平台"));
    a.on_msg(Msg::Online);
    let screen = render(&a, 80, 24);
    assert!(!screen.contains("连不上平台"), "{screen}");
}
