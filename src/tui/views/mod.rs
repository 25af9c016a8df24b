//! Drawing: the frame (tab bar, main area, message line, status line, key hints) and what
//! each tab shows. Views read the state and never change it (apart from remembering where
//! things were drawn, for the mouse).

mod chrome;
mod detail;
mod invoice;
mod mail;
mod newapp;
mod orders;
mod overlay;
mod placeholder;
mod review;

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::symbols::border;
use ratatui::text::Line;
use ratatui::widgets::{Block, Borders, Clear, Paragraph, Wrap};

use super::app::App;
use super::keys::Tab;
use crate::i18n::T;

/// The smallest terminal the TUI lays out for.
pub const MIN_WIDTH: u16 = 80;
/// The smallest terminal the TUI lays out for.
pub const MIN_HEIGHT: u16 = 24;

/// Draws the whole screen.
pub fn draw(frame: &mut Frame, app: &App) {
    let area = frame.area();
    frame.render_widget(Block::default().style(app.theme.base), area);
    let code_shown = app.newapp.sheet().and_then(|s| s.live_code()).is_some();
    if app.tab == Tab::New && app.newapp.enlarged && code_shown {
        newapp::enlarged(frame, app);
        return;
    }
    if area.width < MIN_WIDTH || area.height < MIN_HEIGHT {
        too_small(frame, app, area);
        return;
    }
    let notice = u16::from(app.notice.is_some());
    let [tabs, main, message, status, footer] = Layout::vertical([
        Constraint::Length(1),
        Constraint::Min(1),
        Constraint::Length(notice),
        Constraint::Length(1),
        Constraint::Length(1),
    ])
    .areas(area);
    chrome::tabs(frame, app, tabs);
    match app.tab {
        Tab::Pending if app.tab_allowed(Tab::Pending) => match &app.detail {
            Some(detail) => detail::draw(frame, app, detail, main),
            None => orders::draw(frame, app, main),
        },
        Tab::New if app.tab_allowed(Tab::New) => newapp::draw(frame, app, main),
        Tab::Review if app.tab_allowed(Tab::Review) => review::draw(frame, app, main),
        Tab::Mail if app.tab_allowed(Tab::Mail) => mail::draw(frame, app, main),
        Tab::Invoice if app.tab_allowed(Tab::Invoice) => invoice::draw(frame, app, main),
        tab => placeholder::draw(frame, app, tab, main),
    }
    chrome::notice(frame, app, message);
    chrome::status(frame, app, status);
    chrome::footer(frame, app, footer);
    overlay::draw(frame, app, main);
}

fn too_small(frame: &mut Frame, app: &App, area: Rect) {
    let text = T::TooSmall.fill(
        app.lang,
        &[&area.width.to_string(), &area.height.to_string()],
    );
    let y = area.y + area.height / 2;
    let line = Rect::new(area.x, y, area.width, 1.min(area.height));
    frame.render_widget(
        Paragraph::new(Line::from(text).style(app.theme.warning))
            .wrap(Wrap { trim: true })
            .centered(),
        Rect::new(
            line.x,
            line.y.saturating_sub(1),
            line.width,
            3.min(area.height),
        ),
    );
}

/// The symbols drawn besides text: Unicode, or plain ASCII for terminals that draw box
/// and ambiguous-width characters double-width (`[ui] ascii_borders`).
#[derive(Debug)]
pub struct Glyphs {
    /// Between tabs and status-line fields.
    pub bar: &'static str,
    /// Around section headings.
    pub rule: &'static str,
    /// From one status to the next.
    pub arrow: &'static str,
    /// Between parts of a title.
    pub dot: &'static str,
    /// Connection states.
    pub online: &'static str,
    /// Connection states.
    pub connecting: &'static str,
    /// Connection states.
    pub reconnecting: &'static str,
    /// Connection states.
    pub offline: &'static str,
    /// Something worked.
    pub check: &'static str,
    /// Something is wrong.
    pub cross: &'static str,
    /// Text was cut.
    pub ellipsis: &'static str,
}

const UNICODE: Glyphs = Glyphs {
    bar: " │ ",
    rule: "──",
    arrow: " → ",
    dot: " · ",
    online: "●",
    connecting: "○",
    reconnecting: "◌",
    offline: "✕",
    check: "✓",
    cross: "✗",
    ellipsis: "…",
};

const ASCII: Glyphs = Glyphs {
    bar: " | ",
    rule: "--",
    arrow: " -> ",
    dot: " - ",
    online: "*",
    connecting: "o",
    reconnecting: "~",
    offline: "x",
    check: "v",
    cross: "x",
    ellipsis: "...",
};

/// The symbols for this terminal.
pub fn glyphs(app: &App) -> &'static Glyphs {
    if app.ascii { &ASCII } else { &UNICODE }
}

/// The border characters: box drawing, or `+-|` when configured.
pub fn border_set(app: &App) -> border::Set<'static> {
    if app.ascii {
        border::Set {
            top_left: "+",
            top_right: "+",
            bottom_left: "+",
            bottom_right: "+",
            vertical_left: "|",
            vertical_right: "|",
            horizontal_top: "-",
            horizontal_bottom: "-",
        }
    } else {
        border::PLAIN
    }
}

/// A bordered block with a title.
pub fn block<'a>(app: &App, title: String, focus: bool) -> Block<'a> {
    Block::default()
        .borders(Borders::ALL)
        .border_set(border_set(app))
        .border_style(if focus {
            app.theme.border_focus
        } else {
            app.theme.border
        })
        .title(Line::from(format!(" {title} ")).style(app.theme.title))
        .style(app.theme.base)
}

/// Clears `area` and fills it with the popup style.
pub fn clear(frame: &mut Frame, app: &App, area: Rect) {
    frame.render_widget(Clear, area);
    frame.render_widget(Block::default().style(app.theme.popup), area);
}

/// A rectangle of `width`×`height` centred in `area` (clamped to it).
pub fn centered(area: Rect, width: u16, height: u16) -> Rect {
    let width = width.min(area.width);
    let height = height.min(area.height);
    Rect::new(
        area.x + (area.width - width) / 2,
        area.y + (area.height - height) / 2,
        width,
        height,
    )
}
