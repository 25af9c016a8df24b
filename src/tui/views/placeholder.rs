//! Tabs whose full screens come in later releases: what they will hold, how many orders
//! wait in their status now (live), and, for roles that cannot use them, why.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::Line;
use ratatui::widgets::{Paragraph, Wrap};

use super::{block, centered, chrome::tab_status};
use crate::i18n::T;
use crate::tui::app::App;
use crate::tui::keys::Tab;

/// Draws a tab's placeholder.
pub fn draw(frame: &mut Frame, app: &App, tab: Tab, area: Rect) {
    let lang = app.lang;
    let theme = &app.theme;
    let about = match tab {
        Tab::New => T::AboutNew,
        Tab::Pending => T::AboutPending,
        Tab::Review => T::AboutReview,
        Tab::Mail => T::AboutMail,
        Tab::Invoice => T::AboutInvoice,
    };
    let mut lines = vec![
        Line::from(about.get(lang)).style(theme.base),
        Line::default(),
    ];
    let waiting = match tab_status(tab) {
        Some(status) => Some((status, app.count(status))),
        None if tab == Tab::New => Some((
            crate::domain::OrderStatus::PendingPayment,
            app.count(crate::domain::OrderStatus::PendingPayment),
        )),
        None => None,
    };
    if let Some((status, count)) = waiting {
        let count = count
            .map(|n| n.to_string())
            .unwrap_or_else(|| super::glyphs(app).ellipsis.into());
        lines.push(
            Line::from(T::WaitingCount.fill(lang, &[status.label(lang), &count]))
                .style(theme.accent),
        );
    }
    if !app.tab_allowed(tab) {
        lines.push(Line::default());
        let roles: Vec<&str> = app
            .me
            .iter()
            .flat_map(|m| m.roles.iter())
            .map(|r| r.label(lang))
            .collect();
        lines.push(
            Line::from(T::TabNotForRole.fill(lang, &[&roles.join("、"), tab.title().get(lang)]))
                .style(theme.warning),
        );
    } else {
        lines.push(Line::default());
        lines.push(Line::from(T::ComingSoon.get(lang)).style(theme.dim));
    }
    let boxed = centered(area, 64, lines.len() as u16 + 4);
    let outer = block(app, tab.title().get(lang).to_owned(), false);
    let inner = outer.inner(boxed);
    frame.render_widget(outer, boxed);
    frame.render_widget(
        Paragraph::new(lines).wrap(Wrap { trim: true }),
        inner.inner(ratatui::layout::Margin::new(1, 1)),
    );
}
