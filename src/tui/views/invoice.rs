//! The 开票 tab: orders waiting for their invoice (requested ones first), and the invoice
//! form with each message next to its field.

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Cell, Clear, Paragraph, Row, Table, Wrap};

use super::{block, centered};
use crate::api::InvoicingItem;
use crate::domain::{BuyerKind, InvoiceKind};
use crate::i18n::T;
use crate::tui::app::{App, Notice};
use crate::tui::finance::{Decline, FIELDS, Finance, InvoiceForm};
use crate::tui::format;

/// Draws the tab.
pub fn draw(frame: &mut Frame, app: &App, area: Rect) {
    let finance = &app.finance;
    let [body, notice] = Layout::vertical([Constraint::Min(3), Constraint::Length(1)]).areas(area);
    match &finance.form {
        Some(form) => draw_form(frame, app, form, body),
        None => draw_list(frame, app, body),
    }
    let line = match &finance.notice {
        Some(Notice::Info(text)) => Line::from(format!(" {text}")).style(app.theme.info),
        Some(Notice::Error(text)) => Line::from(format!(" ! {text}")).style(app.theme.error),
        None => Line::default(),
    };
    frame.render_widget(Paragraph::new(line), notice);
    if let Some(decline) = &finance.decline {
        draw_decline(frame, app, decline, area);
    }
}

fn draw_list(frame: &mut Frame, app: &App, area: Rect) {
    let (lang, theme, finance) = (app.lang, &app.theme, &app.finance);
    let [summary, table_area] =
        Layout::vertical([Constraint::Length(1), Constraint::Min(1)]).areas(area);
    if finance.loaded {
        let asked = finance.items.iter().filter(|i| i.request.is_some()).count();
        frame.render_widget(
            Paragraph::new(Line::from(T::InvoiceSummary.fill(
                lang,
                &[&finance.items.len().to_string(), &asked.to_string()],
            )))
            .style(theme.dim),
            summary,
        );
    }
    if finance.items.is_empty() {
        let text = if let Some(error) = &finance.error {
            Line::from(error.as_str()).style(theme.error)
        } else if !finance.loaded {
            Line::from(T::Loading.get(lang)).style(theme.dim)
        } else {
            Line::from(T::InvoiceEmpty.get(lang)).style(theme.dim)
        };
        let [_, message] =
            Layout::vertical([Constraint::Length(2), Constraint::Length(1)]).areas(table_area);
        frame.render_widget(Paragraph::new(text).centered(), message);
        return;
    }
    let body_rows = table_area.height.saturating_sub(1) as usize;
    finance.viewport.set(body_rows);
    let mut offset = finance.offset.get();
    if finance.selected < offset {
        offset = finance.selected;
    } else if body_rows > 0 && finance.selected >= offset + body_rows {
        offset = finance.selected + 1 - body_rows;
    }
    finance.offset.set(offset);
    let header = Row::new(
        [
            T::ColOrderNo,
            T::ColCustomer,
            T::ColAmount,
            T::ColShipped,
            T::ColInvoiceRequest,
        ]
        .map(|t| Cell::from(t.get(lang))),
    )
    .style(theme.header);
    let rows = finance
        .items
        .iter()
        .enumerate()
        .skip(offset)
        .take(body_rows)
        .map(|(i, item)| row(app, item, i == finance.selected));
    let table = Table::new(
        rows,
        [
            Constraint::Length(16),
            Constraint::Length(12),
            Constraint::Length(10),
            Constraint::Length(11),
            Constraint::Min(10),
        ],
    )
    .header(header)
    .column_spacing(1);
    frame.render_widget(table, table_area);
}

fn row<'a>(app: &App, item: &InvoicingItem, selected: bool) -> Row<'a> {
    let (lang, theme) = (app.lang, &app.theme);
    let request = match &item.request {
        Some(view) => {
            let via = if view.via == "phone" {
                T::InvoiceViaPhone
            } else {
                T::InvoiceViaCounter
            };
            format!(
                "{} {} {}",
                via.get(lang),
                kind_label(view.request.invoice_kind).get(lang),
                view.request.buyer_name
            )
        }
        None => match item.requested_via.as_deref() {
            Some("phone") => T::InvoiceViaPhone.get(lang).to_owned(),
            Some(_) => T::InvoiceViaCounter.get(lang).to_owned(),
            None => T::InvoiceNotAsked.get(lang).to_owned(),
        },
    };
    let style = if item.request.is_some() || item.requested_via.is_some() {
        theme.accent
    } else {
        theme.dim
    };
    let pick = |s| if selected { theme.selection } else { s };
    Row::new(vec![
        Cell::from(item.order.order_no.clone()),
        Cell::from(item.order.customer_name.clone()),
        Cell::from(format::money(item.order.amount_fen)),
        Cell::from(
            item.shipped_at
                .as_deref()
                .map(format::datetime)
                .map(|d| d.chars().take(10).collect::<String>())
                .unwrap_or_default(),
        ),
        Cell::from(request).style(pick(style)),
    ])
    .style(if selected {
        theme.selection
    } else {
        theme.base
    })
}

fn kind_label(kind: InvoiceKind) -> T {
    match kind {
        InvoiceKind::Normal => T::OptInvoiceNormal,
        InvoiceKind::Special => T::OptInvoiceSpecial,
    }
}

fn draw_form(frame: &mut Frame, app: &App, form: &InvoiceForm, area: Rect) {
    let (lang, theme) = (app.lang, &app.theme);
    let title = T::InvoiceFormTitle.fill(
        lang,
        &[&form.order_no, &form.customer_name, &Finance::amount(form)],
    );
    let outer = block(app, title, true);
    let inner = outer.inner(area);
    frame.render_widget(outer, area);
    let label_width = 18u16;
    let mut constraints = vec![Constraint::Length(1); 2 + FIELDS.len() * 2];
    constraints.push(Constraint::Min(0));
    let rows = Layout::vertical(constraints).split(inner);
    // The two choices.
    let choice = |row: usize, label: T, options: [(T, bool); 2]| {
        let focused = form.focus == row;
        let text = label.get(lang);
        let pad =
            usize::from(label_width).saturating_sub(unicode_width::UnicodeWidthStr::width(text));
        let mut spans = vec![Span::styled(
            format!("{text}{}", " ".repeat(pad)),
            theme.label,
        )];
        for (option, on) in options {
            let mark = if on { "(•) " } else { "( ) " };
            let style = if on && focused {
                theme.input_focus
            } else if on {
                theme.accent
            } else {
                theme.dim
            };
            spans.push(Span::styled(format!("{mark}{}  ", option.get(lang)), style));
        }
        if focused {
            spans.push(Span::styled(T::InvoiceToggleHint.get(lang), theme.dim));
        }
        Line::from(spans)
    };
    frame.render_widget(
        Paragraph::new(choice(
            0,
            T::FieldInvBuyerKind,
            [
                (
                    T::OptBuyerIndividual,
                    form.buyer_kind == BuyerKind::Individual,
                ),
                (
                    T::OptBuyerOrganisation,
                    form.buyer_kind == BuyerKind::Organisation,
                ),
            ],
        )),
        rows[0],
    );
    let kind_line = choice(
        1,
        T::FieldInvKind,
        [
            (
                T::OptInvoiceNormal,
                form.invoice_kind == InvoiceKind::Normal,
            ),
            (
                T::OptInvoiceSpecial,
                form.invoice_kind == InvoiceKind::Special,
            ),
        ],
    );
    let mut kind_spans = kind_line.spans;
    if let Some(error) = form.error("invoice_kind").or(form.error("buyer_kind")) {
        kind_spans.push(Span::styled(format!(" ! {error}"), theme.error));
    }
    frame.render_widget(Paragraph::new(Line::from(kind_spans)), rows[1]);
    let special = form.invoice_kind == InvoiceKind::Special;
    for (i, (name, label)) in FIELDS.iter().enumerate() {
        let field_row = rows[2 + i * 2];
        let message_row = rows[3 + i * 2];
        let [label_area, input_area] =
            Layout::horizontal([Constraint::Length(label_width), Constraint::Min(1)])
                .areas(field_row);
        let needed = i >= 3 && special;
        let text = if needed {
            format!("{}*", label.get(lang))
        } else {
            label.get(lang).to_owned()
        };
        frame.render_widget(
            Paragraph::new(Line::from(text).style(theme.label)),
            label_area,
        );
        let focus = form.focus == i + 2 && !form.sending;
        let style = if focus {
            theme.input_focus
        } else {
            theme.input
        };
        if let Some(input) = form.fields.get(i) {
            input.render(frame, input_area, style, focus);
        }
        let message = match (form.error(name), form.warning(name)) {
            (Some(error), _) => Line::from(format!("  ! {error}")).style(theme.error),
            (None, Some(warning)) => Line::from(format!("  ⚠ {warning}")).style(theme.warning),
            (None, None) => Line::default(),
        };
        let [_, message_area] = Layout::horizontal([
            Constraint::Length(label_width.saturating_sub(2)),
            Constraint::Min(1),
        ])
        .areas(message_row);
        frame.render_widget(Paragraph::new(message), message_area);
    }
    let status = if form.sending {
        Line::from(T::InvoiceSending.get(lang)).style(theme.dim)
    } else if form.confirming {
        Line::from(T::InvoiceConfirm.fill(
            lang,
            &[
                &Finance::amount(form),
                &form.fields.first().map(|f| f.text()).unwrap_or_default(),
            ],
        ))
        .style(theme.warning)
    } else if let Some(via) = &form.via {
        let via = if via == "phone" {
            T::InvoiceViaPhone
        } else {
            T::InvoiceViaCounter
        };
        Line::from(T::InvoiceFromRequest.fill(lang, &[via.get(lang)])).style(theme.dim)
    } else {
        Line::from(T::InvoiceFromOrder.get(lang)).style(theme.dim)
    };
    if let Some(last) = rows.last() {
        frame.render_widget(Paragraph::new(status).wrap(Wrap { trim: true }), *last);
    }
}

fn draw_decline(frame: &mut Frame, app: &App, decline: &Decline, area: Rect) {
    let (lang, theme) = (app.lang, &app.theme);
    let boxed = centered(area, 60, 7);
    frame.render_widget(Clear, boxed);
    let outer = block(
        app,
        T::InvoiceDeclineTitle.fill(lang, &[&decline.order_no]),
        true,
    );
    let inner = outer.inner(boxed);
    frame.render_widget(outer, boxed);
    let [label, field, message, hint] = Layout::vertical([
        Constraint::Length(1),
        Constraint::Length(1),
        Constraint::Length(1),
        Constraint::Length(1),
    ])
    .areas(inner);
    frame.render_widget(
        Paragraph::new(Line::from(T::InvoiceDeclineNote.get(lang)).style(theme.label)),
        label,
    );
    decline
        .input
        .render(frame, field, theme.input_focus, !decline.sending);
    if let Some(error) = &decline.error {
        frame.render_widget(
            Paragraph::new(Line::from(format!("! {error}")).style(theme.error)),
            message,
        );
    }
    frame.render_widget(
        Paragraph::new(Line::from(T::InvoiceDeclineHint.get(lang)).style(theme.dim)),
        hint,
    );
}
