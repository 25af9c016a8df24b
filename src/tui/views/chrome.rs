//! The frame around the tabs: tab bar, message line, status line, key hints.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;
use unicode_width::UnicodeWidthStr;

use crate::domain::OrderStatus;
use crate::i18n::T;
use crate::tui::app::{App, Conn, Notice};
use crate::tui::format;
use crate::tui::keys::{self, Tab};
use crate::tui::theme::strip_colour;

/// The status a tab works on, whose live count it shows.
pub fn tab_status(tab: Tab) -> Option<OrderStatus> {
    match tab {
        Tab::New | Tab::Pending => None,
        Tab::Review => Some(OrderStatus::PendingReview),
        Tab::Mail => Some(OrderStatus::PendingShipment),
        Tab::Invoice => Some(OrderStatus::PendingInvoice),
    }
}

/// `1 新申请 │ 2 待办订单 │ 3 审核队列 (4) …`; remembers where each tab is for the mouse.
pub fn tabs(frame: &mut Frame, app: &App, area: Rect) {
    let theme = &app.theme;
    let bar = super::glyphs(app).bar;
    let mut spans = vec![Span::raw(" ")];
    let mut x = area.x + 1;
    let mut boxes = Vec::new();
    for (i, tab) in Tab::ALL.into_iter().enumerate() {
        if i > 0 {
            spans.push(Span::styled(bar, theme.border));
            x += bar.width() as u16;
        }
        let mut label = format!(" {} {} ", i + 1, tab.title().get(app.lang));
        if let Some(count) = tab_status(tab)
            .and_then(|s| app.count(s))
            .filter(|n| *n > 0)
        {
            label = format!(" {} {} ({count}) ", i + 1, tab.title().get(app.lang));
        }
        let style = if tab == app.tab {
            theme.tab_active
        } else if app.tab_allowed(tab) {
            theme.tab
        } else {
            theme.tab_disabled
        };
        let width = label.width() as u16;
        boxes.push((tab, x, x + width));
        x += width;
        spans.push(Span::styled(label, style));
    }
    let mut hit = app.hitboxes.borrow_mut();
    hit.tabs = boxes;
    hit.tab_row = area.y;
    frame.render_widget(Paragraph::new(Line::from(spans)), area);
}

/// The message line: what just worked or failed.
pub fn notice(frame: &mut Frame, app: &App, area: Rect) {
    let Some(notice) = &app.notice else { return };
    let (style, text) = match notice {
        Notice::Info(text) => (
            app.theme.success,
            format!(" {} {text}", super::glyphs(app).check),
        ),
        Notice::Error(text) => (app.theme.error, format!(" ! {text}")),
    };
    frame.render_widget(Paragraph::new(Line::from(text).style(style)), area);
}

/// Server, operator and roles, connection state, last event time.
pub fn status(frame: &mut Frame, app: &App, area: Rect) {
    let theme = &app.theme;
    let lang = app.lang;
    let bar = theme.status_bar;
    let glyphs = super::glyphs(app);
    let (conn_style, conn_text) = match &app.conn {
        Conn::Connecting => (
            theme.reconnecting,
            format!("{} {}", glyphs.connecting, T::ConnConnecting.get(lang)),
        ),
        Conn::Online => (
            theme.online,
            format!("{} {}", glyphs.online, T::ConnOnline.get(lang)),
        ),
        Conn::Reconnecting { attempt } => (
            theme.reconnecting,
            format!(
                "{} {}",
                glyphs.reconnecting,
                T::ConnReconnecting.fill(lang, &[&attempt.to_string()])
            ),
        ),
        Conn::Offline { .. } => (
            theme.offline,
            format!("{} {}", glyphs.offline, T::ConnOffline.get(lang)),
        ),
    };
    let separator = if lang == crate::i18n::Lang::ZhCn {
        "、"
    } else {
        ", "
    };
    let operator = match &app.me {
        Some(me) => {
            let roles: Vec<&str> = me.roles.iter().map(|r| r.label(lang)).collect();
            format!("{}（{}）", me.name, roles.join(separator))
        }
        None => glyphs.ellipsis.into(),
    };
    let last = match app.last_event {
        Some(at) => T::LastEvent.fill(lang, &[&format::clock(at)]),
        None => T::NoEventsYet.get(lang).to_owned(),
    };
    // Connection state and last update always show; the server name gives way.
    let fixed =
        operator.width() + conn_text.width() + last.width() + 2 + 3 * glyphs.bar.width() + 2;
    let room = (area.width as usize).saturating_sub(fixed).max(8);
    let server = truncate(&app.server_label, room, glyphs.ellipsis);
    let sep = Span::styled(glyphs.bar, bar);
    let line = Line::from(vec![
        Span::styled(format!(" {server}"), bar),
        sep.clone(),
        Span::styled(operator, bar),
        sep.clone(),
        Span::styled(
            format!(" {conn_text} "),
            conn_style.patch(strip_colour(bar)),
        ),
        sep,
        Span::styled(format!("{last} "), bar),
    ])
    .style(bar);
    frame.render_widget(Paragraph::new(line).style(bar), area);
}

/// Key hints from the binding table, as many as fit; `?` help always shown.
pub fn footer(frame: &mut Frame, app: &App, area: Rect) {
    let theme = &app.theme;
    let bindings = keys::bindings(&app.context());
    let mut hints: Vec<(String, String)> = Vec::new();
    for binding in bindings.iter().filter(|b| b.footer) {
        let Some(key) = binding.keys.first() else {
            continue;
        };
        let label = binding.cmd.short_label(app.lang);
        if hints.iter().any(|(_, l)| *l == label) {
            continue;
        }
        hints.push((key.display(), label));
    }
    let width = area.width as usize;
    let help = hints
        .iter()
        .position(|(k, _)| k == "?")
        .map(|i| hints.remove(i));
    let reserve = help
        .as_ref()
        .map(|(k, l)| k.width() + l.width() + 3)
        .unwrap_or(0);
    let mut spans = Vec::new();
    let mut used = 0;
    for (key, label) in hints {
        let cost = key.width() + label.width() + 3;
        if used + cost + reserve > width {
            break;
        }
        used += cost;
        spans.push(Span::styled(format!(" {key} "), theme.footer_key));
        spans.push(Span::styled(format!("{label} "), theme.footer_label));
    }
    if let Some((key, label)) = help {
        spans.push(Span::styled(format!(" {key} "), theme.footer_key));
        spans.push(Span::styled(format!("{label} "), theme.footer_label));
    }
    frame.render_widget(Paragraph::new(Line::from(spans)), area);
}

/// `text` cut to `width` columns, with `ellipsis` when cut.
pub fn truncate(text: &str, width: usize, ellipsis: &str) -> String {
    if text.width() <= width {
        return text.to_owned();
    }
    let mut out = String::new();
    let mut used = 0;
    for c in text.chars() {
        let w = unicode_width::UnicodeWidthChar::width(c).unwrap_or(0);
        if used + w + ellipsis.width() > width {
            break;
        }
        used += w;
        out.push(c);
    }
    out.push_str(ellipsis);
    out
}
