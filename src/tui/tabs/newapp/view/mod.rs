//! Drawing the 新申请 tab: the step bar and the draft line across the top, then the step —
//! with the QR code on the right when one is live (never over the bars), or full-screen.

mod form;
mod pay;

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use unicode_width::UnicodeWidthStr;

use super::NewApp;
use super::draft::Step;
use super::sheet::{Sheet, expired};
use crate::domain::{Money, mask_phone};
use crate::i18n::T;
use crate::tui::component::View;
use crate::tui::text::Notice;
use crate::tui::files::CodeRead;
use crate::tui::widgets::qr::Qr;
use crate::tui::widgets::{paint, popup};

const STEPS: [(Step, T); 7] = [
    (Step::Customer, T::StepCustomer),
    (Step::Realname, T::StepRealname),
    (Step::Project, T::StepProject),
    (Step::Terms, T::StepTerms),
    (Step::Form, T::StepForm),
    (Step::Scan, T::StepScan),
    (Step::Submit, T::StepSubmit),
];

/// Draws the tab into `area` (the whole screen when the code is enlarged).
pub fn draw(newapp: &NewApp, frame: &mut Frame, area: Rect, view: &View) {
    let Some(sheet) = newapp.sheet() else { return };
    if newapp.enlarged
        && let Some(url) = sheet.live_code()
    {
        enlarged(frame, area, view, url);
        return;
    }
    let [steps, drafts, body] = Layout::vertical([
        Constraint::Length(1),
        Constraint::Length(1),
        Constraint::Min(1),
    ])
    .areas(area);
    step_bar(frame, view, sheet, steps);
    draft_line(frame, view, newapp, drafts);
    // The code takes the right of the body, beside its instructions; its address runs
    // across the bottom, whole.
    let body = match sheet.live_code() {
        Some(url) => {
            let url_rows = crate::tui::text::rows(url, usize::from(body.width));
            let [top, bottom] =
                Layout::vertical([Constraint::Min(1), Constraint::Length(url_rows)]).areas(body);
            let lines: Vec<Line> = crate::tui::text::wrap(url, usize::from(bottom.width))
                .into_iter()
                .map(|l| Line::from(l).style(view.theme.dim))
                .collect();
            paint::lines(frame, bottom, lines);
            let qr = Qr::new(url);
            let width = qr
                .as_ref()
                .map(|q| q.size(2, 1).0 + 2)
                .unwrap_or(0)
                .min(top.width / 2 + 4);
            let [left, right] =
                Layout::horizontal([Constraint::Min(30), Constraint::Length(width)]).areas(top);
            draw_qr(frame, view, qr.as_ref(), right);
            // The message goes under the instructions, beside the code, not under the
            // screen (where it would take the code's rows).
            // The frame's own message too (a refused token), said once when both say it.
            let mut notices: Vec<&Notice> = view.beside.into_iter().collect();
            if let Some(own) = newapp.message()
                && !notices.iter().any(|n| n.text.get(view.lang) == own.text.get(view.lang))
            {
                notices.push(own);
            }
            if notices.is_empty() {
                left
            } else {
                // Under the instructions, at their indent (the message line's own
                // leading space would indent its first row twice).
                let lines: Vec<Line> = notices
                    .into_iter()
                    .map(|notice| {
                        let mut line = view.notice_line(notice);
                        if let Some(first) = line.spans.first_mut() {
                            first.content = first.content.trim_start().to_owned().into();
                        }
                        line
                    })
                    .collect();
                let inner = left.width.saturating_sub(2);
                let rows = paint::height(&lines, inner).min(left.height / 2);
                let [rest, message] =
                    Layout::vertical([Constraint::Min(1), Constraint::Length(rows)])
                        .areas(left);
                paint::wrapped(
                    frame,
                    Rect::new(message.x + 1, message.y, inner, message.height),
                    lines,
                );
                rest
            }
        }
        None => body,
    };
    let body = Rect::new(body.x + 1, body.y, body.width.saturating_sub(2), body.height);
    match sheet.draft.step {
        Step::Customer => customer(frame, view, sheet, body),
        Step::Realname => realname(frame, view, sheet, body),
        Step::Project => project(frame, view, newapp, sheet, body),
        Step::Terms => terms(frame, view, newapp, sheet, body),
        Step::Form => form::draw(frame, view, sheet, body),
        Step::Scan => scan(frame, view, sheet, body),
        Step::Submit => submit(frame, view, sheet, body),
        Step::Done => pay::done(frame, view, newapp, sheet, body),
    }
}

fn step_bar(frame: &mut Frame, view: &View, sheet: &Sheet, area: Rect) {
    let current = sheet.draft.step;
    let at = Step::ALL.iter().position(|s| *s == current).unwrap_or(0);
    let mut spans = vec![Span::raw(" ")];
    for (i, (step, label)) in STEPS.iter().enumerate() {
        if i > 0 {
            spans.push(Span::styled(view.glyphs().step, view.theme.dim));
        }
        let style = if *step == current {
            view.theme.tab_active
        } else if i < at || current == Step::Done {
            view.theme.success
        } else {
            view.theme.dim
        };
        spans.push(Span::styled(format!("{} {}", i + 1, label.get(view.lang)), style));
    }
    paint::line(frame, area, Line::from(spans));
}

fn draft_line(frame: &mut Frame, view: &View, newapp: &NewApp, area: Rect) {
    let lang = view.lang;
    let theme = view.theme;
    let drafts: Vec<_> = newapp.sheets.iter().map(|s| &s.draft).collect();
    let labels = super::draft::labels(&drafts);
    let current = view.glyphs().current;
    // The drafts by name, the current one marked; when they do not fit, which one this
    // is, of how many (cut from the end, the current one's mark went off the line).
    let every: Vec<Span> = labels
        .iter()
        .enumerate()
        .map(|(i, label)| {
            if i == newapp.current {
                Span::styled(format!("{current}{label} "), theme.accent)
            } else {
                Span::styled(format!(" {label} "), theme.dim)
            }
        })
        .collect();
    let one = vec![Span::styled(
        format!(
            "{}/{} {current}{} ",
            newapp.current + 1,
            newapp.sheets.len(),
            labels.get(newapp.current).map_or("", String::as_str)
        ),
        theme.accent,
    )];
    let line = |names: Vec<Span<'static>>| {
        let mut spans = vec![Span::styled(format!(" {} ", T::DraftsLabel.get(lang)), theme.label)];
        if newapp.discard_armed {
            // The question comes first: it must be seen whatever else the line holds.
            spans.push(Span::styled(format!("{}  ", T::DiscardConfirm.get(lang)), theme.warning));
        }
        spans.extend(names);
        if let Some(sheet) = newapp.sheet() {
            spans.push(Span::styled(
                format!(" {} {}", T::ReferenceLabel.get(lang), sheet.draft.reference),
                theme.dim,
            ));
        }
        Line::from(spans)
    };
    let fits = |line: &Line| line.width() <= usize::from(area.width);
    let whole = line(every);
    if fits(&whole) {
        paint::line(frame, area, whole);
        return;
    }
    let short = line(one);
    if fits(&short) {
        paint::line(frame, area, short);
    } else {
        let text: String = short.spans.iter().map(|s| s.content.as_ref()).collect();
        let cut = crate::tui::text::fit(&text, usize::from(area.width), view.glyphs().ellipsis);
        paint::line(frame, area, Line::from(cut).style(theme.accent));
    }
}

/// The width of the label column: the longest of `labels` in this language, and a gap.
pub(super) fn label_width(labels: &[&str]) -> u16 {
    labels.iter().map(|l| l.width()).max().unwrap_or(8) as u16 + 2
}

/// `label  [value]` on one row, then the field's message wrapped under it; returns the
/// rows used.
#[allow(clippy::too_many_arguments)]
pub(super) fn field_row(
    frame: &mut Frame,
    view: &View,
    sheet: &Sheet,
    key: &str,
    label: &str,
    area: Rect,
    label_col: u16,
    focus: bool,
) -> u16 {
    if area.height == 0 {
        return 0;
    }
    let theme = view.theme;
    let label_col = label_col.min(area.width);
    let style = theme.field_label(focus);
    paint::line(frame, Rect::new(area.x, area.y, label_col, 1), Line::from(Span::styled(label.to_owned(), style)));
    // 48 columns, or as many as a longer value needs (a long organisation name, a street)
    // while the row has them; what still does not fit ends with an ellipsis.
    let needed = sheet
        .inputs
        .get(key)
        .map_or(0, |input| input.text().width() as u16 + 1);
    let input_area = Rect::new(
        area.x + label_col,
        area.y,
        area.width.saturating_sub(label_col).min(needed.max(48)),
        1,
    );
    let style = if focus { theme.input_focus } else { theme.input };
    frame.render_widget(ratatui::widgets::Paragraph::new("").style(style), input_area);
    if let Some(input) = sheet.inputs.get(key) {
        input.render(frame, input_area, style, focus, view.glyphs().ellipsis);
    }
    let mut rows = 1;
    if let Some(error) = sheet.errors.get(key) {
        let below = Rect::new(
            area.x + label_col,
            area.y + 1,
            area.width.saturating_sub(label_col),
            area.height.saturating_sub(1),
        );
        let line = Line::from(format!("! {}", error.get(view.lang))).style(theme.error);
        rows += paint::wrapped(frame, below, vec![line]);
    }
    rows
}

/// Rows a field takes (its message wrapped under it).
pub(super) fn field_rows(view: &View, sheet: &Sheet, key: &str, width: u16, label_col: u16) -> u16 {
    1 + sheet.errors.get(key).map_or(0, |e| {
        let line = Line::from(format!("! {}", e.get(view.lang)));
        paint::height(&[line], width.saturating_sub(label_col))
    })
}

/// Path completion choices under a path field.
pub(super) fn choices(frame: &mut Frame, view: &View, sheet: &Sheet, area: Rect) -> u16 {
    match &sheet.choices {
        Some(choices) if area.height > 0 => {
            let line = Line::from(T::PathChoices.fill(view.lang, &[choices])).style(view.theme.dim);
            paint::wrapped(frame, area, vec![line])
        }
        _ => 0,
    }
}

fn customer(frame: &mut Frame, view: &View, sheet: &Sheet, area: Rect) {
    let lang = view.lang;
    let mut y = area.y;
    let intro = vec![Line::from(T::CustomerIntro.get(lang)).style(view.theme.dim)];
    y += paint::wrapped(frame, area, intro) + 1;
    let col = label_width(&[T::FieldCustomerPhone.get(lang), T::FieldCustomerName.get(lang)]);
    let rest = |y: u16| Rect::new(area.x, y, area.width, area.bottom().saturating_sub(y));
    y += field_row(frame, view, sheet, "phone", T::FieldCustomerPhone.get(lang), rest(y), col, !sheet.asking_name);
    if sheet.asking_name {
        y += field_row(frame, view, sheet, "new_name", T::FieldCustomerName.get(lang), rest(y), col, true);
        paint::wrapped(
            frame,
            rest(y + 1),
            vec![Line::from(T::CustomerNewHint.get(lang)).style(view.theme.dim)],
        );
    }
}

pub(super) fn countdown(expires_at: &str, now: time::OffsetDateTime) -> String {
    let Some(at) = crate::tui::format::parse_time(expires_at) else {
        return String::new();
    };
    let left = (at - now).whole_seconds().max(0);
    format!("{:02}:{:02}", left / 60, left % 60)
}

/// Loopback addresses a phone cannot reach.
pub(super) fn unreachable_from_phone(url: &str) -> bool {
    let host = url
        .split("://")
        .nth(1)
        .unwrap_or(url)
        .split(['/', ':'])
        .next()
        .unwrap_or("");
    host == "localhost" || host.starts_with("127.") || host == "[" || url.contains("://[::1]")
}

/// What to do when phones cannot reach the code's address: this counter's own settings
/// when the platform is embedded, else a word with whoever runs the shared platform.
pub(super) fn loopback_warning(view: &View) -> String {
    if view.shared.embedded {
        let ip = lan_address().unwrap_or_else(|| T::LanAddressPlaceholder.get(view.lang).into());
        T::LoopbackWarning.fill(view.lang, &[&ip])
    } else {
        T::LoopbackWarningRemote.get(view.lang).to_owned()
    }
}

fn realname(frame: &mut Frame, view: &View, sheet: &Sheet, area: Rect) {
    let lang = view.lang;
    let theme = view.theme;
    let draft = &sheet.draft;
    let customer = draft.customer.clone().unwrap_or_default();
    let who = format!(
        "{}{}{}{}{}",
        customer.name,
        view.glyphs().dot,
        mask_phone(&customer.phone),
        view.glyphs().dot,
        if customer.order_count > 0 {
            T::CustomerOrders.fill(lang, &[&customer.order_count.to_string()])
        } else {
            T::CustomerNew.get(lang).to_owned()
        }
    );
    let mut lines = vec![Line::from(Span::styled(who, theme.label)), Line::default()];
    // Their last check failed (on their own phone, say), and this visit has not tried yet
    // (a try clears it): said before a code that may fail the same way — over the name,
    // corrected first.
    if let Some(earlier) = customer.earlier_check.as_ref().filter(|_| !customer.verified) {
        let said = if earlier.reason.as_deref() == Some("name_mismatch") {
            T::RealnameEarlierName.get(lang).to_owned()
        } else {
            let why = crate::tui::text::realname_reason(
                earlier.reason.as_deref(),
                Some(&earlier.text),
                lang,
            )
            .unwrap_or_default();
            if earlier.locked {
                T::RealnameEarlierLocked.fill(lang, &[&why])
            } else {
                T::RealnameEarlier.fill(lang, &[&why])
            }
        };
        lines.push(Line::from(Span::styled(said, theme.warning)));
        lines.push(Line::default());
    }
    if customer.verified {
        let id = draft.realname.as_ref().and_then(|r| r.verified_id_number.clone()).unwrap_or_default();
        lines.push(Line::from(Span::styled(
            format!("{} {}  {id}", T::Verified.get(lang), customer.name),
            theme.success,
        )));
        lines.push(Line::default());
        lines.push(Line::from(Span::styled(T::PressEnterContinue.get(lang), theme.dim)));
        paint::wrapped(frame, area, lines);
        return;
    }
    let Some(session) = &draft.realname else {
        paint::wrapped(frame, area, lines);
        return;
    };
    // The reason in the counter's language now (it may have switched since it was read).
    let reason = crate::tui::text::realname_reason(
        session.reason_code.as_deref(),
        session.reason.as_deref(),
        lang,
    );
    if session.status == "pending" && !expired(&session.expires_at) {
        for text in [T::RealnameStep1, T::RealnameStep2, T::RealnameStep3] {
            lines.push(Line::from(text.get(lang)));
        }
        lines.push(Line::default());
        lines.push(Line::from(vec![
            Span::styled(format!("{} ", T::TimeLeft.get(lang)), theme.label),
            Span::styled(countdown(&session.expires_at, view.now), theme.accent),
            Span::styled(
                format!("   {}", T::TriesUsed.fill(lang, &[&session.attempts.to_string(), "5"])),
                theme.dim,
            ),
        ]));
        if session.at_provider {
            lines.push(Line::from(Span::styled(T::RealnameAtProvider.get(lang), theme.accent)));
        }
        if session.reason_code.as_deref() == Some("id_number_invalid") {
            // Refused on the phone before anything was asked: no try spent.
            lines.push(Line::from(Span::styled(T::RealnameIdTypo.get(lang), theme.error)));
        } else if let Some(reason) = reason {
            lines.push(Line::from(Span::styled(T::LastTryFailed.fill(lang, &[&reason]), theme.error)));
        }
        if session.reason_code.as_deref() == Some("name_mismatch") {
            lines.push(Line::from(Span::styled(T::NameMismatchHint.get(lang), theme.dim)));
        }
    } else {
        let text = match session.status.as_str() {
            // Over the name: the ID card first, the registered name corrected with `e`.
            "locked" if session.reason_code.as_deref() == Some("name_mismatch") => {
                T::RealnameLockedNameHint
            }
            "locked" => T::RealnameLockedHint,
            "superseded" => T::RealnameSupersededHint,
            _ => T::RealnameExpiredHint,
        };
        lines.push(Line::from(Span::styled(text.get(lang), theme.warning)));
        // Why it ended, when the platform says (a face check never finished in Alipay).
        if let Some(reason) = reason {
            lines.push(Line::from(Span::styled(
                T::RealnameEndedBecause.fill(lang, &[&reason]),
                theme.error,
            )));
        }
    }
    if !sheet.renaming && unreachable_from_phone(&session.url) {
        lines.push(Line::default());
        lines.push(Line::from(Span::styled(loopback_warning(view), theme.warning)));
    }
    let mut y = area.y + paint::wrapped(frame, area, lines);
    if sheet.renaming {
        y += 1;
        let col = label_width(&[T::FieldCustomerName.get(lang)]);
        let rest = Rect::new(area.x, y, area.width, area.bottom().saturating_sub(y));
        y += field_row(frame, view, sheet, "new_name", T::FieldCustomerName.get(lang), rest, col, true);
        let rest = Rect::new(area.x, y, area.width, area.bottom().saturating_sub(y));
        paint::wrapped(frame, rest, vec![Line::from(T::RenameHint.get(lang)).style(theme.dim)]);
    }
}

/// The code at the top of `area` (its address is drawn under the body), or how to see it
/// when it does not fit.
fn draw_qr(frame: &mut Frame, view: &View, qr: Option<&Qr>, area: Rect) {
    let fit = qr.and_then(|qr| qr.fit(area, 1).map(|fit| (qr, fit)));
    let Some((qr, (quiet, scale))) = fit else {
        paint::wrapped(frame, area, vec![Line::from(T::EnlargeToSee.get(view.lang))]);
        return;
    };
    let (w, h) = qr.size(quiet, scale);
    let x = area.x + area.width.saturating_sub(w) / 2;
    qr.render(Rect::new(x, area.y, w, h), frame.buffer_mut(), quiet, scale);
}

/// The QR code alone over the whole screen, as large as fits, the URL under it.
fn enlarged(frame: &mut Frame, area: Rect, view: &View, url: &str) {
    let Some(qr) = Qr::new(url) else {
        return;
    };
    popup::clear(frame, area, view.theme);
    let room = Rect::new(area.x, area.y, area.width, area.height.saturating_sub(2));
    let Some((quiet, scale)) = qr.fit(room, 4) else {
        return;
    };
    let (w, h) = qr.size(quiet, scale);
    let x = area.x + area.width.saturating_sub(w) / 2;
    let y = area.y + room.height.saturating_sub(h) / 2;
    qr.render(Rect::new(x, y, w, h), frame.buffer_mut(), quiet, scale);
    let lines = vec![
        Line::from(url.to_owned()).centered(),
        Line::from(T::EnlargedHint.get(view.lang)).style(view.theme.dim).centered(),
    ];
    paint::lines(frame, Rect::new(area.x, y + h, area.width, 2.min(area.height.saturating_sub(y + h))), lines);
}

/// This machine's address on the local network (for the loopback advice), found without
/// sending anything: the route a UDP socket would take.
fn lan_address() -> Option<String> {
    let socket = std::net::UdpSocket::bind("0.0.0.0:0").ok()?;
    socket.connect("192.0.2.1:9").ok()?;
    let ip = socket.local_addr().ok()?.ip();
    (!ip.is_loopback() && !ip.is_unspecified()).then(|| ip.to_string())
}

fn project(frame: &mut Frame, view: &View, newapp: &NewApp, sheet: &Sheet, area: Rect) {
    let lang = view.lang;
    let theme = view.theme;
    let col = label_width(&[T::FieldProjectSearch.get(lang)]);
    let used = field_row(frame, view, sheet, "project_query", T::FieldProjectSearch.get(lang), area, col, newapp.product_sel.is_none());
    let lists = Rect::new(area.x, area.y + used + 1, area.width, area.height.saturating_sub(used + 1));
    let [left, _, right] = Layout::horizontal([
        Constraint::Percentage(50),
        Constraint::Length(1),
        Constraint::Percentage(50),
    ])
    .areas(lists);
    if newapp.projects.is_empty() {
        let said = if newapp.projects_loading { T::Loading } else { T::NoProjects };
        paint::wrapped(frame, left, vec![Line::from(said.get(lang)).style(theme.dim)]);
    }
    // A list longer than its pane keeps its last row to say how many more there are.
    let (visible, offset, more) = paint::list_window(newapp.projects.len(), left.height, newapp.project_sel, lang, paint::LIST_WORDS);
    let ellipsis = view.glyphs().ellipsis;
    let rows: Vec<Line> = newapp
        .projects
        .iter()
        .enumerate()
        .skip(offset)
        .take(visible)
        .map(|(i, p)| {
            let style = match (i == newapp.project_sel, newapp.product_sel.is_none()) {
                (true, true) => theme.selection,
                (true, false) => theme.accent,
                _ => theme.base,
            };
            // A long name is cut here on purpose; the chosen one is shown whole after.
            let name = crate::tui::text::fit(&p.name, usize::from(left.width).saturating_sub(1), ellipsis);
            Line::from(format!(" {name}")).style(style)
        })
        .collect();
    paint::lines(frame, left, rows);
    if let Some(hint) = more.filter(|_| left.height > 0) {
        let row = Rect::new(left.x, left.bottom() - 1, left.width, 1);
        paint::line(frame, row, Line::from(Span::styled(hint, theme.dim)));
    }
    if let Some(project) = newapp.projects.get(newapp.project_sel) {
        let heading = if newapp.product_sel.is_some() { T::PickProduct } else { T::ProductsOf };
        let used = paint::wrapped(frame, right, vec![Line::from(Span::styled(heading.get(lang), theme.label))]);
        let list = Rect::new(right.x, right.y + used, right.width, right.height.saturating_sub(used));
        let dot = view.glyphs().dot;
        // Its name (wrapped whole: products often differ only at its end), then for whom
        // and its price under it, indented: a narrow pane wraps no price to where it reads
        // as another line's.
        let products: Vec<[Line; 2]> = project
            .products
            .iter()
            .enumerate()
            .map(|(i, product)| {
                let style = if newapp.product_sel == Some(i) { theme.selection } else { theme.base };
                [
                    Line::from(format!(" {}", product.name)).style(style),
                    Line::from(format!(
                        "   {}{dot}{}",
                        product.user_type.label(lang),
                        Money::from_fen(product.price_fen).unwrap_or_default()
                    ))
                    .style(style),
                ]
            })
            .collect();
        let heights: Vec<u16> = products.iter().map(|lines| paint::height(lines, list.width)).collect();
        // More than fit (a catalogue of many terms): the chosen one stays in sight and the
        // last row says how many more there are.
        let words = (T::ProductsMoreBelow, T::ProductsMoreAbove, T::ProductsMoreBoth);
        let selected = newapp.product_sel.unwrap_or(0);
        let (visible, offset, more) = paint::list_window_of(&heights, list.height, selected, lang, words);
        let lines: Vec<Line> = products.into_iter().skip(offset).take(visible).flatten().collect();
        let rows = paint::wrapped(frame, list, lines);
        if let Some(hint) = more.filter(|_| rows < list.height) {
            let row = Rect::new(list.x, list.y + rows, list.width, 1);
            paint::line(frame, row, Line::from(Span::styled(hint, theme.dim)));
        }
    }
}

pub(super) fn choice_line<'a>(view: &View, sheet: &Sheet) -> Line<'a> {
    let lang = view.lang;
    let Some(choice) = &sheet.draft.choice else {
        return Line::default();
    };
    Line::from(vec![
        Span::styled(format!("{} ", T::FieldProject.get(lang)), view.theme.label),
        Span::raw(choice.project_name.clone()),
        Span::styled(format!("  {} ", T::DocProduct.get(lang)), view.theme.label),
        Span::raw(format!(
            "{}{}{}",
            choice.product_name,
            view.glyphs().dot,
            Money::from_fen(choice.price_fen).unwrap_or_default()
        )),
    ])
}

fn terms(frame: &mut Frame, view: &View, newapp: &NewApp, sheet: &Sheet, area: Rect) {
    let lang = view.lang;
    let theme = view.theme;
    let user_type = sheet.user_type().map(|u| u.label(lang)).unwrap_or("");
    let head = vec![
        choice_line(view, sheet),
        Line::from(vec![
            Span::styled(format!("{} ", T::FieldUserType.get(lang)), theme.label),
            Span::styled(user_type.to_owned(), theme.accent),
            Span::styled(format!("  {}", T::ToggleUserTypeHint.get(lang)), theme.dim),
        ]),
    ];
    let foot = vec![Line::from(T::AcceptHint.get(lang)).style(theme.accent)];
    let head_rows = paint::height(&head, area.width);
    let foot_rows = paint::height(&foot, area.width);
    let [head_area, text, foot_area] = Layout::vertical([
        Constraint::Length(head_rows),
        Constraint::Min(1),
        Constraint::Length(foot_rows),
    ])
    .areas(area);
    paint::wrapped(frame, head_area, head);
    match &newapp.terms {
        Some(t) => {
            let title = crate::tui::widgets::title_for(&T::TermsTitle.fill(lang, &[&t.version]), text.width);
            let block = crate::tui::widgets::block(theme, view.ascii, title.clone(), true);
            let inner = block.inner(text);
            paint::block(frame, text, block, &title);
            let lines: Vec<Line> = crate::tui::text::wrap(&t.text, usize::from(inner.width))
                .into_iter()
                .map(Line::from)
                .collect();
            let max = (lines.len() as u16).saturating_sub(inner.height);
            let shown: Vec<Line> = lines
                .into_iter()
                .skip(usize::from(newapp.terms_scroll.min(max)))
                .take(usize::from(inner.height))
                .collect();
            paint::lines(frame, inner, shown);
        }
        None => paint::line(frame, text, Line::from(T::Loading.get(lang)).style(theme.dim)),
    }
    paint::wrapped(frame, foot_area, foot);
}

fn scan(frame: &mut Frame, view: &View, sheet: &Sheet, area: Rect) {
    let lang = view.lang;
    let theme = view.theme;
    let printer = match &view.shared.printer {
        Some(name) => T::PrinterIs.fill(lang, &[name]),
        None => T::NoPrinter.get(lang).to_owned(),
    };
    let step1 = if sheet.user_type() == Some(crate::domain::UserType::Organization) {
        T::ScanStep1Organisation
    } else {
        T::ScanStep1
    };
    let lines = vec![
        Line::from(step1.get(lang)),
        Line::from(Span::styled(format!("   {printer}"), theme.dim)),
        Line::from(T::ScanStep2.get(lang)),
    ];
    let mut y = area.y + paint::wrapped(frame, area, lines) + 1;
    let rest = |y: u16| Rect::new(area.x, y, area.width, area.bottom().saturating_sub(y));
    let col = label_width(&[T::FieldScanPath.get(lang)]);
    y += field_row(frame, view, sheet, "scan_path", T::FieldScanPath.get(lang), rest(y), col, true);
    let under = Rect::new(area.x + col, y, area.width.saturating_sub(col), area.bottom().saturating_sub(y));
    y += choices(frame, view, sheet, under);
    match &sheet.draft.scan {
        Some(scan) => {
            let dot = view.glyphs().dot;
            let text = format!(
                "{} {}{dot}{}{dot}{}",
                view.glyphs().check,
                scan.content_type,
                crate::tui::files::mb(scan.size),
                scan.extent(lang)
            );
            let mut lines = vec![Line::from(text).style(theme.success)];
            match scan.code {
                CodeRead::Matches => lines.push(
                    Line::from(format!("{} {}", view.glyphs().check, T::ScanCodeMatches.get(lang))).style(theme.success),
                ),
                CodeRead::NoCode => lines.push(Line::from(T::ScanCodeMissing.get(lang)).style(theme.warning)),
                // A PDF whose code could not be read (its pages drawn, not scanned, or in a
                // coding not read here): the clerk looks at the paper now (another
                // customer's form would pass).
                CodeRead::NotRead if scan.content_type == "application/pdf" => {
                    lines.push(Line::from(T::ScanPdfCodeUnread.get(lang)).style(theme.warning))
                }
                CodeRead::NotRead => {}
            }
            let under = Rect::new(area.x + col, y, area.width.saturating_sub(col), area.bottom().saturating_sub(y));
            y += paint::wrapped(frame, under, lines) + 1;
            paint::wrapped(frame, rest(y), vec![Line::from(T::ScanStep3.get(lang)).style(theme.accent)]);
        }
        None => {
            paint::wrapped(frame, rest(y + 1), vec![Line::from(T::ScanCheckHint.get(lang)).style(theme.dim)]);
        }
    }
}

fn submit(frame: &mut Frame, view: &View, sheet: &Sheet, area: Rect) {
    let lang = view.lang;
    let theme = view.theme;
    let d = &sheet.draft;
    // The person applying, or for an organisation its handler (as on the form).
    let person = sheet
        .user_type()
        .unwrap_or(crate::domain::UserType::Individual)
        .person_label();
    let labels = [
        person,
        T::FieldPhone,
        T::FieldEmail,
        T::FieldOrganization,
        T::FieldLegalRep,
        T::FieldMailing,
        T::FieldScanPath,
        T::ReferenceLabel,
    ];
    let col = usize::from(label_width(&labels.map(|l| l.get(lang))));
    // A label and its value; a value longer than the row goes on under the value, not
    // under the label (the labels stay a column the eye runs down).
    let value_width = usize::from(area.width).saturating_sub(col).max(10);
    let pair = |label: T, value: String| -> Vec<Line<'static>> {
        let label = label.get(lang);
        let pad = col.saturating_sub(label.width());
        crate::tui::text::wrap(&value, value_width)
            .into_iter()
            .enumerate()
            .map(|(i, part)| {
                let head = if i == 0 {
                    format!("{label}{}", " ".repeat(pad))
                } else {
                    " ".repeat(col)
                };
                Line::from(vec![Span::styled(head, theme.label), Span::raw(part)])
            })
            .collect()
    };
    let customer = d.customer.clone().unwrap_or_default();
    let mut lines = pair(
        person,
        format!("{}  {}", d.field("applicant.name"), d.field("applicant.id_number")),
    );
    lines.extend(pair(T::FieldPhone, customer.phone.clone()));
    // The e-mail the invoice and the notices go to, checked with the rest.
    let email = d.field("applicant.email");
    if !email.is_empty() {
        lines.extend(pair(T::FieldEmail, email.to_owned()));
    }
    if sheet.user_type() == Some(crate::domain::UserType::Organization) {
        lines.extend(pair(
            T::FieldOrganization,
            format!("{}  {}", d.field("organization.name"), d.field("organization.uscc")),
        ));
        lines.extend(pair(
            T::FieldLegalRep,
            d.field("organization.legal_representative").to_owned(),
        ));
    }
    lines.push(choice_line(view, sheet));
    lines.extend(pair(
        T::FieldMailing,
        // The address as every document writes it (a space where Latin parts meet).
        format!(
            "{} {} {} {}",
            d.field("mailing.recipient"),
            d.field("mailing.phone"),
            crate::domain::address(
                d.field("mailing.province"),
                d.field("mailing.city"),
                d.field("mailing.district"),
                d.field("mailing.street")
            ),
            d.field("mailing.postal_code")
        ),
    ));
    if let Some(scan) = &d.scan {
        lines.extend(pair(T::FieldScanPath, format!("{} ({})", scan.path, crate::tui::files::mb(scan.size))));
    }
    lines.extend(pair(T::ReferenceLabel, d.reference.clone()));
    lines.push(Line::default());
    lines.push(Line::from(T::SubmitHint.get(lang)).style(theme.accent));
    paint::wrapped(frame, area, lines);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn loopback_addresses_are_recognised() {
        assert!(unreachable_from_phone("http://127.0.0.1:8080/m/realname/x"));
        assert!(unreachable_from_phone("http://localhost/m/realname/x"));
        assert!(unreachable_from_phone("http://[::1]:80/m/realname/x"));
        assert!(!unreachable_from_phone("http://192.168.1.20:8080/m/realname/x"));
        assert!(!unreachable_from_phone("https://ca.example.cn/m/realname/x"));
    }
}
