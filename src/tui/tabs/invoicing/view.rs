//! Drawing the 开票 tab: orders waiting for their invoice (requested ones first), the
//! invoice form with each message under its field, and the "no invoice" popup.

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Margin, Rect};
use ratatui::text::{Line, Span};
use unicode_width::UnicodeWidthStr;

use super::{Decline, FIELDS, InvoiceForm, Invoicing, kind_label};
use crate::api::InvoicingItem;
use crate::domain::{BuyerKind, InvoiceKind, OrderStatus};
use crate::i18n::T;
use crate::tui::component::View;
use crate::tui::format;
use crate::tui::widgets::table::{self, Column, Row};
use crate::tui::widgets::{block, paint, popup};

/// Draws the tab.
pub fn draw(invoicing: &Invoicing, frame: &mut Frame, area: Rect, view: &View) {
    match &invoicing.form {
        Some(form) => draw_form(form, frame, area, view),
        None => draw_list(invoicing, frame, area, view),
    }
    if let Some(decline) = &invoicing.decline {
        draw_decline(decline, frame, area, view);
    }
}

fn draw_list(invoicing: &Invoicing, frame: &mut Frame, area: Rect, view: &View) {
    let (lang, theme) = (view.lang, view.theme);
    let items = invoicing.queue.items();
    // Anyone who sees orders sees what waits here; only finance invoices (as in 邮寄).
    let mut spans: Vec<Span> = view
        .watching_only(crate::domain::Action::IssueInvoice, T::InvoiceWatching)
        .into_iter()
        .collect();
    // The platform holds more than it listed: the line under says how many in all, and
    // this one counts the listed only (it read "待开票 500 单" over "共 1078 单").
    let listed = invoicing
        .fetch
        .loaded
        .then(|| {
            let queue = &invoicing.queue;
            view.listed_of(OrderStatus::PendingInvoice, queue.len(), queue.fetched())
        })
        .flatten();
    if invoicing.fetch.loaded {
        // A request kept from an invoice reversed since is not a new one.
        let asked = items
            .iter()
            .filter(|i| i.request.is_some() && i.reversed.is_none())
            .count();
        let reissues = items.iter().filter(|i| i.reversed.is_some()).count();
        let summary = if listed.is_none() {
            T::InvoiceSummary
        } else {
            T::InvoiceSummaryListed
        };
        spans.push(Span::styled(
            summary.fill(lang, &[&items.len().to_string(), &asked.to_string()]),
            theme.dim,
        ));
        if reissues > 0 {
            spans.push(Span::styled(
                T::InvoiceSummaryReissues.fill(lang, &[&reissues.to_string()]),
                theme.warning,
            ));
        }
    }
    if let Some(stale) = invoicing.fetch.stale_text(lang) {
        spans.push(Span::styled(format!("  {stale}"), theme.warning));
    }
    let mut summary = vec![Line::from(spans)];
    summary.extend(listed);
    let rows = paint::height(&summary, area.width).max(1);
    let [summary_area, table_area] =
        Layout::vertical([Constraint::Length(rows), Constraint::Min(1)]).areas(area);
    paint::wrapped(frame, summary_area, summary);
    if items.is_empty() {
        let text = if let Some(error) = &invoicing.fetch.error {
            Line::from(error.get(lang)).style(theme.error)
        } else if !invoicing.fetch.loaded {
            Line::from(T::Loading.get(lang)).style(theme.dim)
        } else {
            Line::from(T::InvoiceEmpty.get(lang)).style(theme.dim)
        };
        let message = Rect::new(table_area.x, table_area.y + 2, table_area.width, 3);
        paint::wrapped(frame, message, vec![text.centered()]);
        return;
    }
    let body = table_area.height.saturating_sub(1) as usize;
    let (offset, body, more) = invoicing.queue.window(body, None, lang);
    let columns = [
        Column::new(T::ColOrderNo.get(lang), 16),
        Column::new(T::ColCustomer.get(lang), 8).widen(16),
        Column::new(T::ColAmount.get(lang), 10).right(),
        Column::new(T::ColShipped.get(lang), 10),
        Column::new(T::ColInvoiceRequest.get(lang), 10).grow(),
    ];
    let selected = invoicing.queue.selected_index();
    let rows = items
        .iter()
        .enumerate()
        .skip(offset)
        .take(body)
        .map(|(i, item)| row(item, i == selected, view))
        .collect();
    table::draw(frame, table_area, &columns, theme.header, rows, view.glyphs().ellipsis);
    table::draw_more(frame, table_area, body, more, theme.dim);
}

fn row(item: &InvoicingItem, selected: bool, view: &View) -> Row {
    let (lang, theme) = (view.lang, view.theme);
    let via = |via: &str| crate::tui::format::requested_via(via, lang);
    let request = match &item.request {
        Some(asked) => format!(
            "{} {} {}",
            via(&asked.via),
            kind_label(asked.request.invoice_kind).get(lang),
            asked.request.buyer_name
        ),
        None => match item.requested_via.as_deref() {
            Some(v) => via(v),
            None => T::InvoiceNotAsked.get(lang).to_owned(),
        },
    };
    let style = if item.request.is_some() || item.requested_via.is_some() {
        theme.accent
    } else {
        theme.dim
    };
    // Back for a new invoice after its own was reversed (红冲).
    let request = if item.reversed.is_some() {
        format!("{}{request}", T::InvoiceReissueTag.get(lang))
    } else {
        request
    };
    // No money came in for it (the demo cashier, the example account): said first.
    let (request, style) = if view.shared.paid_in_demo(item.order.payment_method.as_deref()) {
        (format!("{}{request}", T::DemoUnpaidTag.get(lang)), theme.warning)
    } else {
        (request, style)
    };
    let base = if selected { theme.selection } else { theme.base };
    let pick = |s| if selected { theme.selection } else { s };
    Row {
        cells: vec![
            (item.order.order_no.to_string(), base),
            (crate::domain::without_province(&item.order.customer_name).to_owned(), base),
            (format::money(item.order.amount_fen), base),
            (
                item.shipped_at
                    .as_deref()
                    .map(format::datetime)
                    .map(|d| d.chars().take(10).collect::<String>())
                    .unwrap_or_default(),
                base,
            ),
            (request, pick(style)),
        ],
        style: base,
    }
}

fn draw_form(form: &InvoiceForm, frame: &mut Frame, area: Rect, view: &View) {
    let (lang, theme) = (view.lang, view.theme);
    let title = T::InvoiceFormTitle.fill(lang, &[&form.order_no, &form.customer_name, &form.amount()]);
    let title = crate::tui::widgets::title_for(&title, area.width);
    let outer = block(theme, view.ascii, title.clone(), true);
    let inner = outer.inner(area);
    paint::block(frame, area, outer, &title);
    // The labels' column fits the longest label in this language.
    let label_width = FIELDS
        .iter()
        .map(|(_, l)| l.get(lang).width() + 2)
        .chain([T::FieldInvBuyerKind, T::FieldInvKind].map(|l| l.get(lang).width() + 2))
        .max()
        .unwrap_or(16) as u16;
    // The focused field's label is marked as on the counter's form (the accent), not only
    // its cursor: a reviewer on a slow link or a mono theme finds it at a glance.
    let label_style = |focused: bool| theme.field_label(focused);
    let choice = |row: usize, label: T, options: [(T, bool); 2]| {
        let focused = form.focus == row && !form.sending;
        let text = label.get(lang);
        let pad = usize::from(label_width).saturating_sub(text.width());
        let mut spans = vec![Span::styled(
            format!("{text}{}", " ".repeat(pad)),
            label_style(focused),
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
    let mut y = inner.y;
    let put = |frame: &mut Frame, lines: Vec<Line>, y: &mut u16| {
        if *y < inner.bottom() {
            *y += paint::wrapped(frame, Rect::new(inner.x, *y, inner.width, inner.bottom() - *y), lines);
        }
    };
    // A field's message on its own line under the field, after the labels' column, as
    // every field of the form has it.
    let message_under = |frame: &mut Frame, message: Line, y: &mut u16| {
        if *y < inner.bottom() {
            let indent = label_width.min(inner.width / 3);
            let room = Rect::new(inner.x + indent, *y, inner.width - indent, inner.bottom() - *y);
            *y += paint::wrapped(frame, room, vec![message]);
        }
    };
    let buyer = choice(
        0,
        T::FieldInvBuyerKind,
        [
            (T::OptBuyerIndividual, form.buyer_kind == BuyerKind::Individual),
            (T::OptBuyerOrganisation, form.buyer_kind == BuyerKind::Organisation),
        ],
    );
    put(frame, vec![buyer], &mut y);
    if let Some(error) = form.error("buyer_kind") {
        message_under(frame, Line::from(format!("! {}", error.get(lang))).style(theme.error), &mut y);
    }
    let kind = choice(
        1,
        T::FieldInvKind,
        [
            (T::OptInvoiceNormal, form.invoice_kind == InvoiceKind::Normal),
            (T::OptInvoiceSpecial, form.invoice_kind == InvoiceKind::Special),
        ],
    );
    put(frame, vec![kind], &mut y);
    if let Some(error) = form.error("invoice_kind") {
        message_under(frame, Line::from(format!("! {}", error.get(lang))).style(theme.error), &mut y);
    }
    for (i, (name, label)) in FIELDS.iter().enumerate() {
        if y >= inner.bottom() {
            break;
        }
        let row = Rect::new(inner.x, y, inner.width, 1);
        let [label_area, input_area] =
            Layout::horizontal([Constraint::Length(label_width), Constraint::Min(1)]).areas(row);
        let text = if crate::domain::invoice_field_required(name, form.buyer_kind, form.invoice_kind) {
            format!("{}*", label.get(lang))
        } else {
            label.get(lang).to_owned()
        };
        let focus = form.focus == i + 2 && !form.sending;
        paint::line(frame, label_area, Line::from(text).style(label_style(focus)));
        let style = if focus {
            theme.input_focus
        } else {
            theme.input
        };
        if let Some(input) = form.fields.get(i) {
            input.render(frame, input_area, style, focus, view.glyphs().ellipsis);
        }
        y += 1;
        let message = match (form.error(name), form.warning(name)) {
            (Some(error), _) => Some(Line::from(format!("! {}", error.get(lang))).style(theme.error)),
            (None, Some(warning)) => Some(
                Line::from(format!("{} {}", view.glyphs().warning, warning.get(lang)))
                    .style(theme.warning),
            ),
            (None, None) => None,
        };
        if let Some(message) = message {
            message_under(frame, message, &mut y);
        }
    }
    let status = if form.sending {
        Line::from(T::InvoiceSending.get(lang)).style(theme.dim)
    } else if form.confirming {
        // An order no money came in for says so before the invoice is issued for it.
        let unpaid = if view.shared.paid_in_demo(form.payment_method.as_deref()) {
            T::DemoUnpaidMark.get(lang)
        } else {
            ""
        };
        // The same buyer as the invoice just reversed: said before it is issued again.
        let same = if form.same_as_reversed() {
            T::InvoiceReissueSame.get(lang)
        } else {
            ""
        };
        Line::from(format!(
            "{unpaid}{same}{}",
            T::InvoiceConfirm.fill(
                lang,
                &[
                    &form.amount(),
                    kind_label(form.invoice_kind).get(lang),
                    &form.fields.first().map(|f| f.text()).unwrap_or_default(),
                ],
            )
        ))
        .style(theme.warning)
    } else if let Some(reversed) = &form.reversed {
        // Back after its invoice was reversed: which, and what was wrong.
        let why = reversed.reason.as_deref().unwrap_or_default();
        Line::from(T::InvoiceReissue.fill(lang, &[&reversed.invoice_no, why])).style(theme.warning)
    } else if form.resumed {
        // Not "prefilled": what it says is what the operator typed before going back.
        Line::from(T::InvoiceResumed.get(lang)).style(theme.dim)
    } else if let Some(via) = &form.via {
        let via = crate::tui::format::requested_via(via, lang);
        Line::from(T::InvoiceFromRequest.fill(lang, &[&via])).style(theme.dim)
    } else {
        Line::from(T::InvoiceFromOrder.get(lang)).style(theme.dim)
    };
    // The status goes at the bottom, or right after the fields when they fill the box.
    let rows = paint::height(std::slice::from_ref(&status), inner.width);
    let at = inner.bottom().saturating_sub(rows).max(y);
    if at < inner.bottom() {
        paint::wrapped(frame, Rect::new(inner.x, at, inner.width, inner.bottom() - at), vec![status]);
    }
}

fn draw_decline(decline: &Decline, frame: &mut Frame, area: Rect, view: &View) {
    let (lang, theme) = (view.lang, view.theme);
    let width = 62.min(area.width);
    let mut lines = Vec::new();
    if let Some(via) = &decline.asked {
        let via = crate::tui::format::requested_via(via, lang);
        lines.push(Line::from(T::InvoiceDeclineAsked.fill(lang, &[&via])).style(theme.warning));
    }
    lines.push(Line::from(T::InvoiceDeclineNote.get(lang)).style(theme.label));
    let mut tail = Vec::new();
    if let Some(error) = &decline.error {
        tail.push(Line::from(format!("! {}", error.get(lang))).style(theme.error));
    }
    if decline.confirming {
        let action = crate::domain::Action::DeclineInvoice.label(lang);
        tail.push(
            Line::from(T::ConfirmIrreversible.fill(lang, &[action, &decline.order_no]))
                .style(theme.warning),
        );
    }
    let hint = if decline.confirming {
        T::ConfirmIrreversibleHint
    } else {
        T::InvoiceDeclineHint
    };
    tail.push(Line::from(hint.get(lang)).style(theme.dim));
    let rows = paint::height(&lines, width - 4) + 1 + paint::height(&tail, width - 4);
    let rect = popup::centered(area, width, rows + 2);
    let title = T::InvoiceDeclineTitle.fill(lang, &[&decline.order_no]);
    let inner = popup::open(frame, rect, view.theme, view.ascii, title).inner(Margin::new(1, 0));
    let mut y = inner.y + paint::wrapped(frame, inner, std::mem::take(&mut lines));
    let field = Rect::new(inner.x, y, inner.width, 1);
    // The stock phrase is shown as what typing replaces.
    let style = if decline.stock {
        theme.input_focus.patch(theme.dim)
    } else {
        theme.input_focus
    };
    decline.input.render(frame, field, style, !decline.sending, view.glyphs().ellipsis);
    y += 1;
    paint::wrapped(frame, Rect::new(inner.x, y, inner.width, inner.bottom().saturating_sub(y)), tail);
}
