//! Drawing the frame: the tab bar, the shown tab, the message area (wrapped: a message is
//! always read whole), the status line, the key hints, and the overlays. The last step
//! makes the screen safe: no control character from the platform reaches the terminal.

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::{Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::Block;
use unicode_width::UnicodeWidthStr;

use super::{App, Conn, Overlay};
use crate::i18n::{Lang, T};
use crate::tui::component::View;
use crate::tui::format;
use crate::tui::keys;
use crate::tui::text::{Notice, fit};
use crate::tui::theme::strip_colour;
use crate::tui::widgets::{glyphs, paint, popup};

/// The smallest terminal the TUI lays out for.
pub const MIN_WIDTH: u16 = 80;
/// The smallest terminal the TUI lays out for.
pub const MIN_HEIGHT: u16 = 24;

/// The most rows a message takes (longer ones are rare; the rest is in the log).
const MESSAGE_ROWS: u16 = 4;

/// Draws the whole screen.
pub fn draw(frame: &mut Frame, app: &App) {
    let area = frame.area();
    frame.render_widget(Block::default().style(app.theme.base), area);
    let view = app.view();
    let shown = app.tabs.get(app.shown);
    if let Some(tab) = shown.filter(|t| t.fullscreen() && app.allowed(app.shown)) {
        tab.draw(frame, area, &view);
        paint::make_safe(frame.buffer_mut());
        return;
    }
    if area.width < MIN_WIDTH || area.height < MIN_HEIGHT {
        too_small(frame, app, area);
        paint::make_safe(frame.buffer_mut());
        return;
    }
    // A tab that needs every row (a QR code at 80×24) is given the frame's own message to
    // draw beside what it shows, rather than losing a row to it (the code gave way to
    // "no room for the code" under a refused token's message).
    let keeps_rows = shown.is_some_and(|t| t.keeps_rows() && app.allowed(app.shown));
    let mut view = view;
    let message = if keeps_rows {
        view.beside = app.own_message();
        None
    } else {
        app.message()
    };
    let message_lines: Vec<Line> = message
        .map(|n| vec![view.notice_line(n)])
        .unwrap_or_default();
    let rows = paint::height(&message_lines, area.width).min(MESSAGE_ROWS);
    let [tabs, main, message_area, status, footer] = Layout::vertical([
        Constraint::Length(1),
        Constraint::Min(1),
        Constraint::Length(rows),
        Constraint::Length(1),
        Constraint::Length(1),
    ])
    .areas(area);
    tab_bar(frame, app, tabs);
    app.hitboxes.borrow_mut().main = main;
    match shown {
        Some(tab) if app.allowed(app.shown) => tab.draw(frame, main, &view),
        Some(_) => not_for_role(frame, app, main),
        None => {}
    }
    paint::wrapped(frame, message_area, message_lines);
    status_line(frame, app, status);
    footer_line(frame, app, footer);
    match &app.overlay {
        Some(Overlay::Help { filter, selected }) => help(frame, app, main, filter, *selected),
        Some(Overlay::Command { input }) => {
            let row = Rect::new(main.x, main.bottom().saturating_sub(1), main.width, 1);
            popup::clear(frame, row, view.theme);
            paint::line(frame, row, Line::from(Span::styled(":", app.theme.accent)));
            let field = Rect::new(row.x + 1, row.y, row.width.saturating_sub(1), 1);
            input.render(
                frame,
                field,
                app.theme.input_focus,
                true,
                view.glyphs().ellipsis,
            );
        }
        Some(Overlay::Halt { notice }) => halt(frame, app, main, notice),
        None => {}
    }
    paint::make_safe(frame.buffer_mut());
    if let Some(tab) = shown.filter(|_| app.allowed(app.shown) && app.overlay.is_none()) {
        tab.draw_after(frame, &view);
    }
}

impl App {
    /// What the tabs get to draw with.
    pub fn view(&self) -> View<'_> {
        View {
            lang: self.lang,
            now: self.now,
            theme: &self.theme,
            ascii: self.ascii,
            no_color: self.no_color,
            colors: self.colors,
            graphics: self.graphics.as_ref(),
            shared: &self.shared,
            counts: &self.counts,
            beside: None,
        }
    }

    /// The message shown: the frame's own, else the shown tab's (never one worded by the
    /// platform in the other language).
    pub fn message(&self) -> Option<&Notice> {
        let tab = self
            .tabs
            .get(self.shown)
            .filter(|_| self.allowed(self.shown))
            .and_then(|t| t.notice());
        self.notice
            .as_ref()
            .or(tab)
            .filter(|n| !n.text.stale_in(self.lang))
    }

    /// The frame's own message (not a tab's), as [`App::message`] shows it.
    fn own_message(&self) -> Option<&Notice> {
        self.notice.as_ref().filter(|n| !n.text.stale_in(self.lang))
    }
}

fn too_small(frame: &mut Frame, app: &App, area: Rect) {
    let text = T::TooSmall.fill(
        app.lang,
        &[&area.width.to_string(), &area.height.to_string()],
    );
    let lines = vec![Line::from(text).style(app.theme.warning).centered()];
    let rows = paint::height(&lines, area.width).min(area.height);
    let y = area.y + area.height.saturating_sub(rows) / 2;
    paint::wrapped(frame, Rect::new(area.x, y, area.width, rows), lines);
}

/// `1 新申请 │ 2 待办订单 │ 3 审核队列 (4) …`; remembers where each tab is for the mouse.
/// A province's queues run into the thousands: when the row cannot hold every label whole
/// (at 80 columns, three counts of four digits), the separators lose their spaces, and
/// then a count over 999 reads `999+`.
fn tab_bar(frame: &mut Frame, app: &App, area: Rect) {
    let theme = &app.theme;
    let spaced = glyphs(app.ascii).bar;
    let labels = |cap: bool| -> Vec<String> {
        app.tabs
            .iter()
            .enumerate()
            .map(|(i, tab)| {
                let title = tab.title().get(app.lang);
                match tab.counts().and_then(|s| app.count(s)).filter(|n| *n > 0) {
                    Some(count) if cap && count > 999 => format!(" {} {title} (999+) ", i + 1),
                    Some(count) => format!(" {} {title} ({count}) ", i + 1),
                    None => format!(" {} {title} ", i + 1),
                }
            })
            .collect()
    };
    let fits = |bar: &str, labels: &[String]| {
        let width = 1
            + labels.iter().map(|l| l.width()).sum::<usize>()
            + bar.width() * labels.len().saturating_sub(1);
        width <= usize::from(area.width)
    };
    let tight = spaced.trim();
    let (bar, labels) = [(spaced, false), (tight, false)]
        .into_iter()
        .map(|(bar, cap)| (bar, labels(cap)))
        .find(|(bar, labels)| fits(bar, labels))
        .unwrap_or_else(|| (tight, labels(true)));
    let mut spans = vec![Span::raw(" ")];
    let mut x = area.x + 1;
    let mut boxes = Vec::new();
    for (i, label) in labels.into_iter().enumerate() {
        if i > 0 {
            spans.push(Span::styled(bar, theme.border));
            x += bar.width() as u16;
        }
        let style = if i == app.shown {
            theme.tab_active
        } else if app.allowed(i) {
            theme.tab
        } else {
            theme.tab_disabled
        };
        let width = label.width() as u16;
        boxes.push((i, x, x + width));
        x += width;
        spans.push(Span::styled(label, style));
    }
    let mut hit = app.hitboxes.borrow_mut();
    hit.tabs = boxes;
    hit.tab_row = area.y;
    paint::line(frame, area, Line::from(spans));
}

/// A tab the operator's role cannot use: what it is for, and why not.
fn not_for_role(frame: &mut Frame, app: &App, area: Rect) {
    let lang = app.lang;
    let theme = &app.theme;
    let Some(tab) = app.tabs.get(app.shown) else {
        return;
    };
    let roles = crate::tui::component::role_names(
        app.shared.me.as_ref().map(|m| &m.roles[..]).unwrap_or(&[]),
        lang,
    );
    let why = if app.shared.read_only {
        T::TabNotReadOnly.fill(lang, &[tab.title().get(lang)])
    } else {
        T::TabNotForRole.fill(lang, &[&roles, tab.title().get(lang)])
    };
    let lines = vec![
        Line::from(tab.about().get(lang)).style(theme.base),
        Line::default(),
        Line::from(why).style(theme.warning),
    ];
    let width = 64.min(area.width);
    let rows = paint::height(&lines, width - 4) + 4;
    let boxed = popup::centered(area, width, rows);
    let title = crate::tui::widgets::title_for(tab.title().get(lang), boxed.width);
    let block = crate::tui::widgets::block(theme, app.ascii, title.clone(), false);
    let inner = block.inner(boxed).inner(ratatui::layout::Margin::new(1, 1));
    paint::block(frame, boxed, block, &title);
    paint::wrapped(frame, inner, lines);
}

/// Server, operator and roles, read-only mode, the link, the last update.
fn status_line(frame: &mut Frame, app: &App, area: Rect) {
    let theme = &app.theme;
    let lang = app.lang;
    let bar = theme.status_bar;
    let g = glyphs(app.ascii);
    let (conn_style, conn_text) = match &app.conn {
        Conn::Connecting => (
            theme.reconnecting,
            format!("{} {}", g.connecting, T::ConnConnecting.get(lang)),
        ),
        Conn::Online => (
            theme.online,
            format!("{} {}", g.online, T::ConnOnline.get(lang)),
        ),
        Conn::Reconnecting { attempt } => (
            theme.reconnecting,
            format!(
                "{} {}",
                g.reconnecting,
                T::ConnReconnecting.fill(lang, &[&attempt.to_string()])
            ),
        ),
        Conn::Offline { .. } => (
            theme.offline,
            format!("{} {}", g.offline, T::ConnOffline.get(lang)),
        ),
        Conn::Refused => (
            theme.offline,
            format!("{} {}", g.offline, T::ConnRefused.get(lang)),
        ),
    };
    let operator = match &app.shared.me {
        Some(me) => {
            let roles = crate::tui::component::role_names(&me.roles, lang);
            if lang == Lang::ZhCn {
                format!("{}（{roles}）", me.name)
            } else {
                format!("{} ({roles})", me.name)
            }
        }
        None => g.ellipsis.into(),
    };
    let last = match app.last_event {
        Some(at) => T::LastEvent.fill(lang, &[&format::clock(at)]),
        None => T::NoEventsYet.get(lang).to_owned(),
    };
    let read_only = app
        .shared
        .read_only
        .then(|| T::ReadOnlyMark.get(lang).to_owned());
    // A platform running built-in stand-ins says so on every screen; `?` lists them.
    let demo = app
        .shared
        .platform
        .as_ref()
        .is_some_and(|h| !h.demo_parts.is_empty())
        .then(|| T::DemoStatus.get(lang).to_owned());
    // The link, the operator and read-only mode always show; the time of the last update
    // and then the server's name give way when the line is full.
    let bar_width = g.bar.width();
    let must = operator.width()
        + conn_text.width()
        + 2
        + bar_width
        + read_only.as_ref().map_or(0, |m| m.width() + bar_width)
        + demo.as_ref().map_or(0, |m| m.width() + 2 + bar_width);
    let width = usize::from(area.width);
    // Both, the server's name as short as it must be; else the server's name alone (which
    // platform a clerk is on matters more than when it last said something).
    let server_within = |used: usize| {
        let room = width.saturating_sub(used + bar_width + 1);
        app.server_label.text_within(app.lang, room, g.ellipsis)
    };
    let with_last = must + bar_width + last.width() + 1;
    // Which platform, whole (the embedded one's address, which the README sends people to
    // for the API; a remote one's host), before the time; the time before a name cut short.
    let whole = app.server_label.whole(app.lang);
    let fits = |used: usize| width.saturating_sub(used + bar_width + 1) >= whole.width();
    let (server, last) = match (server_within(with_last), server_within(must)) {
        (Some(server), _) if with_last < width && server.width() >= whole.width() => {
            (Some(server), Some(last))
        }
        _ if with_last < width && fits(with_last) => (Some(whole), Some(last)),
        _ if fits(must) => (Some(whole), None),
        (Some(server), _) if with_last < width => (Some(server), Some(last)),
        (_, Some(server)) => (Some(server), None),
        // No room for even the platform's name: the time, if it fits.
        (_, None) => (None, (with_last < width).then_some(last)),
    };
    let sep = Span::styled(g.bar, bar);
    let mut spans = Vec::new();
    match server {
        Some(server) => {
            spans.push(Span::styled(format!(" {server}"), bar));
            spans.push(sep.clone());
        }
        None => spans.push(Span::styled(" ", bar)),
    }
    spans.push(Span::styled(operator, bar));
    if let Some(mark) = read_only {
        spans.push(sep.clone());
        spans.push(Span::styled(mark, theme.warning.patch(strip_colour(bar))));
    }
    if let Some(mark) = demo {
        spans.push(sep.clone());
        spans.push(Span::styled(
            format!(" {mark} "),
            theme
                .warning
                .patch(strip_colour(bar))
                .add_modifier(Modifier::BOLD),
        ));
    }
    spans.push(sep.clone());
    spans.push(Span::styled(
        format!(" {conn_text} "),
        conn_style.patch(strip_colour(bar)),
    ));
    if let Some(last) = last {
        spans.push(sep);
        spans.push(Span::styled(format!("{last} "), bar));
    }
    frame.render_widget(Block::default().style(bar), area);
    paint::line(frame, area, Line::from(spans).style(bar));
}

/// Key hints from the bindings, as many as fit; help always shown.
fn footer_line(frame: &mut Frame, app: &App, area: Rect) {
    let theme = &app.theme;
    if matches!(app.overlay, Some(Overlay::Halt { .. })) {
        // Nothing else works until it is read.
        let line = Line::from(vec![
            Span::styled(" Esc ", theme.footer_key),
            Span::styled(
                format!("{} ", T::HaltGoOn.get(app.lang)),
                theme.footer_label,
            ),
        ]);
        paint::line(frame, area, line);
        return;
    }
    let mut hints: Vec<(String, String)> = Vec::new();
    let i = app.shown;
    let push = |key: Option<&keys::Key>, label: String, hints: &mut Vec<(String, String)>| {
        if let Some(key) = key
            && !hints.iter().any(|(_, l)| *l == label)
        {
            hints.push((key.display(), label));
        }
    };
    if app.allowed(i) {
        for b in app.tabs[i]
            .bindings(&app.env(i))
            .into_iter()
            .filter(|b| b.footer)
        {
            push(b.keys.first(), b.short, &mut hints);
        }
    }
    let frame_bindings = keys::frame_bindings(app.focus(), &app.titles(), app.lang);
    let help = frame_bindings
        .iter()
        .find(|b| b.cmd == keys::Frame::Help)
        .and_then(|b| b.keys.first().map(|k| (k.display(), b.short.clone())));
    for b in frame_bindings
        .iter()
        .filter(|b| b.footer && b.cmd != keys::Frame::Help)
    {
        let key = match b.cmd {
            // Where letters type, the tabs are on F-keys: say F1–F5.
            keys::Frame::GoTab(_) => {
                let last = app.tabs.len();
                hints.push((format!("F1-F{last}"), b.short.clone()));
                continue;
            }
            _ => b.keys.first(),
        };
        push(key, b.short.clone(), &mut hints);
    }
    let width = area.width as usize;
    let reserve = help
        .as_ref()
        .map(|(k, l)| k.width() + l.width() + 3)
        .unwrap_or(0);
    let mut spans = Vec::new();
    let mut used = 0;
    // In order of importance; one that does not fit leaves its room to a shorter one after
    // it (a screen's last keys — zoom, save — are not lost to one long label).
    for (key, label) in hints {
        let cost = key.width() + label.width() + 3;
        if used + cost + reserve > width {
            continue;
        }
        used += cost;
        spans.push(Span::styled(format!(" {key} "), theme.footer_key));
        spans.push(Span::styled(format!("{label} "), theme.footer_label));
    }
    if let Some((key, label)) = help {
        spans.push(Span::styled(format!(" {key} "), theme.footer_key));
        spans.push(Span::styled(format!("{label} "), theme.footer_label));
    }
    paint::line(frame, area, Line::from(spans));
}

/// Why a form went, over everything, until Esc.
fn halt(frame: &mut Frame, app: &App, main: Rect, notice: &Notice) {
    let lang = app.lang;
    let view = app.view();
    let width = main.width.min(64);
    // One column of margin inside the border on each side, wrapped lines too.
    let inner_width = width.saturating_sub(4);
    let line = view.notice_line(notice);
    let text = vec![Line::from(line.to_string().trim_start().to_owned()).style(line.style)];
    let hint = vec![Line::from(T::HaltHint.get(lang)).style(app.theme.dim)];
    let text_rows = paint::height(&text, inner_width);
    let hint_rows = paint::height(&hint, inner_width);
    let height = (text_rows + hint_rows + 3).min(main.height);
    let area = popup::centered(main, width, height);
    let inner = popup::open(
        frame,
        area,
        view.theme,
        view.ascii,
        T::HaltTitle.get(lang).to_owned(),
    );
    let inner = Rect::new(
        inner.x + 1,
        inner.y,
        inner.width.saturating_sub(2),
        inner.height,
    );
    let [text_area, _, hint_area] = Layout::vertical([
        Constraint::Length(text_rows),
        Constraint::Length(1),
        Constraint::Min(1),
    ])
    .areas(inner);
    paint::wrapped(frame, text_area, text);
    paint::wrapped(frame, hint_area, hint);
}

fn help(
    frame: &mut Frame,
    app: &App,
    main: Rect,
    filter: &crate::tui::widgets::input::Input,
    selected: usize,
) {
    let lang = app.lang;
    let view = app.view();
    let area = popup::centered(main, 72, main.height);
    let inner = popup::open(
        frame,
        area,
        view.theme,
        view.ascii,
        T::HelpTitle.get(lang).to_owned(),
    );
    // The demo parts of the platform, under the commands.
    let demo: Vec<&str> = view
        .shared
        .platform
        .as_ref()
        .map(|h| h.demo_parts.iter().map(|p| p.label(lang)).collect())
        .unwrap_or_default();
    let demo_text = (!demo.is_empty()).then(|| {
        let (sep, colon) = if lang == Lang::ZhCn {
            ("；", "：")
        } else {
            ("; ", ": ")
        };
        format!("{}{colon}{}", T::DemoHelpTitle.get(lang), demo.join(sep))
    });
    let demo_rows = demo_text.as_ref().map_or(0, |text| {
        let width = usize::from(inner.width.max(1));
        (text.width().div_ceil(width) + 1).min(6) as u16
    });
    // The selected command's words whole under the list when its row cuts them (the
    // command line's list of commands, the themes' names at 80 columns).
    let matches = app.help_entries(&filter.text());
    let key_width = matches
        .iter()
        .map(|m| m.keys.width())
        .max()
        .unwrap_or(0)
        .clamp(8, 20);
    let room = usize::from(inner.width).saturating_sub(key_width + 3);
    let whole = matches
        .get(selected)
        .filter(|entry| entry.label.width() > room)
        .map(|entry| format!("{}  {}", entry.keys, entry.label));
    let whole_rows = whole.as_deref().map_or(0, |text| {
        crate::tui::text::rows(text, usize::from(inner.width.max(1))).min(3)
    });
    let [find, list, whole_area, demo_area, hint] = Layout::vertical([
        Constraint::Length(1),
        Constraint::Min(1),
        Constraint::Length(whole_rows),
        Constraint::Length(demo_rows),
        Constraint::Length(1),
    ])
    .areas(inner);
    if let Some(text) = whole {
        paint::wrapped(
            frame,
            whole_area,
            vec![Line::from(text).style(app.theme.accent)],
        );
    }
    if let Some(text) = demo_text {
        paint::wrapped(
            frame,
            demo_area,
            vec![Line::from(text).style(app.theme.warning)],
        );
    }
    let label = format!("{} ", T::HelpFind.get(lang));
    let width = label.width() as u16;
    paint::line(
        frame,
        find,
        Line::from(Span::styled(label, app.theme.label)),
    );
    filter.render(
        frame,
        Rect::new(find.x + width, find.y, find.width.saturating_sub(width), 1),
        app.theme.input_focus,
        true,
        "…",
    );
    if matches.is_empty() {
        paint::line(
            frame,
            list,
            Line::from(T::HelpNoMatch.get(lang)).style(app.theme.dim),
        );
    }
    // More than fit: the last row says how many are below (or above), so no command is
    // out of sight without a word.
    let (visible, offset, more) = paint::list_window(
        matches.len(),
        list.height,
        selected,
        lang,
        paint::LIST_WORDS,
    );
    if let Some(text) = more {
        paint::line(
            frame,
            Rect::new(list.x, list.bottom().saturating_sub(1), list.width, 1),
            Line::from(format!(" {text}")).style(app.theme.dim),
        );
    }
    for (row, (i, entry)) in matches
        .iter()
        .enumerate()
        .skip(offset)
        .take(visible)
        .enumerate()
    {
        let style = if i == selected {
            app.theme.selection
        } else {
            app.theme.popup
        };
        let keys_style = if i == selected {
            style
        } else {
            app.theme.accent
        };
        let keys = fit(&entry.keys, key_width, glyphs(app.ascii).ellipsis);
        let pad = " ".repeat(key_width.saturating_sub(keys.width()));
        let room = usize::from(list.width).saturating_sub(key_width + 3);
        let label = fit(&entry.label, room, glyphs(app.ascii).ellipsis);
        paint::line(
            frame,
            Rect::new(list.x, list.y + row as u16, list.width, 1),
            Line::from(vec![
                Span::styled(format!(" {keys}{pad}"), keys_style),
                Span::styled(format!("  {label}"), style),
            ])
            .style(style),
        );
    }
    paint::wrapped(
        frame,
        hint,
        vec![Line::from(T::HelpHint.get(lang)).style(app.theme.dim)],
    );
    let _ = Style::default();
}
