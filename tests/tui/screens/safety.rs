//! Whatever text the platform sends, the terminal only ever gets text: no escape sequence
//! (ESC), no bell (BEL), no C1 control, no bidi override or isolate reaches it.

use ca_counter::api::OrderPage;
use ca_counter::domain::OrderStatus;
use ca_counter::i18n::Lang;
use ca_counter::tui::tabs::orders::{self, Orders};
use ca_counter::tui::text::unsafe_char;
use crossterm::event::KeyCode;

use crate::fixtures::*;

const HOSTILE: &str = "王\u{1b}[31m五\u{7}\u{202E}伍\u{2066}\u{85}";

fn no_control_character_on_screen(app: &ca_counter::tui::app::App) {
    let terminal = terminal(app, 80, 24);
    let buffer = terminal.backend().buffer();
    for cell in buffer.content.iter() {
        assert!(
            !cell.symbol().chars().any(unsafe_char),
            "{:?} reached the screen:\n{}",
            cell.symbol(),
            terminal.backend()
        );
    }
    let screen = format!("{}", terminal.backend());
    assert!(screen.contains("王"), "the name is still shown:\n{screen}");
}

#[test]
fn a_name_with_escape_codes_bell_and_bidi_overrides_reaches_the_terminal_as_text() {
    let mut app = app(Lang::ZhCn);
    let seq = app.tab::<Orders>().map(|o| o.fetch.seq()).unwrap_or(0);
    app.answer::<Orders>(orders::Answer::Page {
        seq,
        append: false,
        result: Ok(OrderPage {
            items: vec![summary(3, HOSTILE, OrderStatus::PendingReview, 5)],
            next_cursor: None,
            search_indexing: None,
        }),
    });
    no_control_character_on_screen(&app);
    key(&mut app, KeyCode::Enter);
    let mut order = order();
    order.applicant.name = HOSTILE.into();
    order.note = Some(format!("备注{HOSTILE}"));
    app.answer::<Orders>(orders::Answer::Detail {
        order_no: "HN20261128000003".into(),
        result: Ok((order, history())),
    });
    no_control_character_on_screen(&app);
}
