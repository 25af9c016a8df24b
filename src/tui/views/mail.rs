//! The 邮寄 tab: orders waiting to be mailed against the promise, ticked into a batch, and
//! the number field a barcode scanner types into.

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Cell, Paragraph, Row, Table};

use super::{block, glyphs};
use crate::api::MailingItem;
use crate::domain::Deadline;
use crate::i18n::T;
use crate::tui::app::{App, Notice};
use crate::tui::mailroom::Scan;

/// Draws the tab.
pub fn draw(frame: &mut Frame, app: &App, area: Rect) {
    let mail = &app.mail;
    let scan_height = if mail.scan.is_some() { 7 } else { 0 };
    let [summary, table_area, scan_area, notice] = Layout::vertical([
        Constraint::Length(1),
        Constraint::Min(3),
        Constraint::Length(scan_height),
        Constraint::Length(1),
    ])
    .areas(area);
    draw_summary(frame, app, summary);
    draw_table(frame, app, table_area);
    if let Some(scan) = &mail.scan {
        draw_scan(frame, app, scan, scan_area);
    }
    let line = match &mail.notice {
        Some(Notice::Info(text)) => Line::from(format!(" {text}")).style(app.theme.info),
        Some(Notice::Error(text)) => Line::from(format!(" ! {text}")).style(app.theme.error),
        None => Line::default(),
    };
    frame.render_widget(Paragraph::new(line), notice);
}

fn hours(minutes: i64) -> String {
    format!("{:.1}", minutes as f64 / 60.0)
}

fn draw_summary(frame: &mut Frame, app: &App, area: Rect) {
    let (lang, theme, mail) = (app.lang, &app.theme, &app.mail);
    if !mail.loaded {
        return;
    }
    let overdue = mail
        .items
        .iter()
        .filter(|i| i.deadline == Deadline::Overdue)
        .count();
    let mut spans = vec![Span::styled(
        T::MailSummary.fill(
            lang,
            &[
                &mail.items.len().to_string(),
                &overdue.to_string(),
                &mail.ticked.len().to_string(),
            ],
        ),
        theme.dim,
    )];
    if let Some(carrier) = mail.chosen_carrier() {
        let name = if lang == crate::i18n::Lang::En {
            &carrier.name_en
        } else {
            &carrier.name
        };
        spans.push(Span::styled(
            format!("  {} ", T::MailCarrier.get(lang)),
            theme.label,
        ));
        spans.push(Span::styled(name.clone(), theme.accent));
    }
    frame.render_widget(Paragraph::new(Line::from(spans)), area);
}

fn draw_table(frame: &mut Frame, app: &App, area: Rect) {
    let (lang, theme, mail) = (app.lang, &app.theme, &app.mail);
    if mail.items.is_empty() {
        let text = if let Some(error) = &mail.error {
            Line::from(error.as_str()).style(theme.error)
        } else if !mail.loaded {
            Line::from(T::Loading.get(lang)).style(theme.dim)
        } else {
            Line::from(T::MailEmpty.get(lang)).style(theme.dim)
        };
        let [_, message] =
            Layout::vertical([Constraint::Length(2), Constraint::Length(1)]).areas(area);
        frame.render_widget(Paragraph::new(text).centered(), message);
        return;
    }
    let body_rows = area.height.saturating_sub(1) as usize;
    mail.viewport.set(body_rows);
    let current = mail
        .scan
        .as_ref()
        .and_then(Scan::current)
        .map(|i| i.order.order_no.clone());
    let cursor = match &current {
        Some(no) => mail
            .items
            .iter()
            .position(|i| i.order.order_no == *no)
            .unwrap_or(mail.selected),
        None => mail.selected,
    };
    let mut offset = mail.offset.get();
    if cursor < offset {
        offset = cursor;
    } else if body_rows > 0 && cursor >= offset + body_rows {
        offset = cursor + 1 - body_rows;
    }
    mail.offset.set(offset);
    let header = Row::new(
        [
            T::ColTick,
            T::ColOrderNo,
            T::ColRecipient,
            T::ColPhone,
            T::ColAddress,
            T::ColWaited,
        ]
        .map(|t| Cell::from(t.get(lang))),
    )
    .style(theme.header);
    let rows = mail
        .items
        .iter()
        .enumerate()
        .skip(offset)
        .take(body_rows)
        .map(|(i, item)| row(app, item, i == cursor));
    let table = Table::new(
        rows,
        [
            Constraint::Length(3),
            Constraint::Length(16),
            Constraint::Length(8),
            Constraint::Length(11),
            Constraint::Min(10),
            Constraint::Length(9),
        ],
    )
    .header(header)
    .column_spacing(1);
    frame.render_widget(table, area);
}

fn row<'a>(app: &App, item: &MailingItem, selected: bool) -> Row<'a> {
    let (theme, mail) = (&app.theme, &app.mail);
    let no = &item.order.order_no;
    let done = mail
        .scan
        .as_ref()
        .is_some_and(|s| s.done.iter().any(|(n, _)| n == no));
    let ticked = mail.ticked.contains(no)
        || mail
            .scan
            .as_ref()
            .is_some_and(|s| s.batch.iter().any(|i| i.order.order_no == *no));
    let mark = if done {
        glyphs(app).check.to_owned()
    } else if ticked {
        "[x]".to_owned()
    } else {
        "[ ]".to_owned()
    };
    let deadline_style = match item.deadline {
        Deadline::Overdue => theme.error,
        Deadline::Soon => theme.warning,
        Deadline::Ok => theme.dim,
    };
    let pick = |style| if selected { theme.selection } else { style };
    Row::new(vec![
        Cell::from(mark).style(pick(theme.accent)),
        Cell::from(no.clone()),
        Cell::from(item.recipient.clone()),
        Cell::from(item.phone.clone()),
        Cell::from(item.address.clone()),
        Cell::from(format!(
            "{}/{}",
            hours(item.waited_minutes),
            hours(item.promised_minutes)
        ))
        .style(pick(deadline_style)),
    ])
    .style(if selected {
        theme.selection
    } else {
        theme.base
    })
}

fn draw_scan(frame: &mut Frame, app: &App, scan: &Scan, area: Rect) {
    let (lang, theme) = (app.lang, &app.theme);
    let title = T::MailScanTitle.fill(
        lang,
        &[
            &(scan.at + 1).min(scan.batch.len()).to_string(),
            &scan.batch.len().to_string(),
        ],
    );
    let outer = block(app, title, true);
    let inner = outer.inner(area);
    frame.render_widget(outer, area);
    let [who, field, error, _] = Layout::vertical([
        Constraint::Length(2),
        Constraint::Length(1),
        Constraint::Length(1),
        Constraint::Min(0),
    ])
    .areas(inner);
    if let Some(item) = scan.current() {
        let lines = vec![
            Line::from(vec![
                Span::styled(item.order.order_no.clone(), theme.accent),
                Span::raw("  "),
                Span::styled(item.recipient.clone(), theme.title),
                Span::raw("  "),
                Span::styled(item.phone.clone(), theme.base),
                Span::raw("  "),
                Span::styled(item.product_name.clone(), theme.dim),
            ]),
            Line::from(Span::styled(
                format!("{} {}", item.address, item.postal_code),
                theme.base,
            )),
        ];
        frame.render_widget(Paragraph::new(lines), who);
    }
    let label = format!("{} ", T::MailTrackingNo.get(lang));
    let width = unicode_width::UnicodeWidthStr::width(label.as_str()) as u16 + 1;
    let [label_area, input_area] =
        Layout::horizontal([Constraint::Length(width), Constraint::Min(1)]).areas(field);
    frame.render_widget(
        Paragraph::new(Line::from(label).style(theme.label)),
        label_area,
    );
    let focus = scan.sending.is_none();
    let style = if focus {
        theme.input_focus
    } else {
        theme.input
    };
    scan.input.render(frame, input_area, style, focus);
    let message = match (&scan.sending, &scan.error) {
        (Some(number), _) if scan.waiting.is_empty() => {
            Line::from(T::MailSending.fill(lang, &[number])).style(theme.dim)
        }
        (Some(number), _) => Line::from(format!(
            "{} {}",
            T::MailSending.fill(lang, &[number]),
            T::MailWaiting.fill(lang, &[&scan.waiting.len().to_string()])
        ))
        .style(theme.dim),
        (None, Some(error)) => Line::from(format!("! {error}")).style(theme.error),
        (None, None) => Line::from(T::MailScanHint.get(lang)).style(theme.dim),
    };
    frame.render_widget(Paragraph::new(message), error);
}
