//! Shared widgets: text that is drawn whole (wrapped, or cut on purpose) and remembered
//! for the screen tests, popups that keep their borders next to wide characters, tables
//! whose headers always fit, text fields, QR codes, scans, path completion; and the
//! symbols and borders for Unicode or ASCII terminals.

pub mod input;
pub mod paint;
pub mod path;
pub mod picture;
pub mod popup;
pub mod qr;
pub mod table;

use ratatui::symbols::border;
use ratatui::text::Line;
use ratatui::widgets::{Block, Borders};

use super::theme::Theme;

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
    /// Between steps.
    pub step: &'static str,
    /// The draft shown.
    pub current: &'static str,
    /// A warning.
    pub warning: &'static str,
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
    step: " › ",
    current: "▸",
    warning: "⚠",
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
    step: " > ",
    current: ">",
    warning: "!",
};

/// The symbols for this terminal.
pub fn glyphs(ascii: bool) -> &'static Glyphs {
    if ascii { &ASCII } else { &UNICODE }
}

/// The border characters: box drawing, or `+-|` when configured.
pub fn border_set(ascii: bool) -> border::Set<'static> {
    if ascii {
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

/// `title` fitted to a block `width` columns wide, cut in its middle with its corners
/// and the spaces around it kept: an invoice's title with a long buyer's name had run
/// into the popup's corner, losing the amount at its end.
pub fn title_for(title: &str, width: u16) -> String {
    crate::tui::text::fit_middle(title, usize::from(width).saturating_sub(4), "…")
}

/// A bordered block with a title.
pub fn block<'a>(theme: &Theme, ascii: bool, title: String, focus: bool) -> Block<'a> {
    Block::default()
        .borders(Borders::ALL)
        .border_set(border_set(ascii))
        .border_style(if focus {
            theme.border_focus
        } else {
            theme.border
        })
        .title(Line::from(format!(" {title} ")).style(theme.title))
        .style(theme.base)
}
