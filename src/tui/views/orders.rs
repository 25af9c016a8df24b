//! The 待办订单 list: filter line, then a table of orders. Only the visible rows are built,
//! so ten thousand loaded orders draw as fast as fifty.

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Cell, Paragraph, Row, Table};

use crate::i18n::T;
use crate::tui::app::App;
use crate::tui::format;

/// Draws the list and remembers its geometry (for paging and the mouse).
pub fn draw(frame: &mut Frame, app: &App, area: Rect) {
    let [summary, table_area] =
        Layout::vertical([Constraint::Length(1), Constraint::Min(1)]).areas(area);
    draw_summary(frame, app, summary);
    let list = &app.list;
    let lang = app.lang;
    let theme = &app.theme;

    let body_rows = table_area.height.saturating_sub(1) as usize;
    list.viewport.set(body_rows.max(1));
    let mut offset = list.offset.get();
    if list.selected < offset {
        offset = list.selected;
    } else if body_rows > 0 && list.selected >= offset + body_rows {
        offset = list.selected + 1 - body_rows;
    }
    offset = offset.min(list.rows.len().saturating_sub(body_rows.max(1)));
    list.offset.set(offset);
    app.hitboxes.borrow_mut().rows = Some((table_area.y + 1, body_rows as u16));

    if list.rows.is_empty() {
        let text = if let Some(error) = &list.error {
            Line::from(error.as_str()).style(theme.error)
        } else if list.loading || !list.loaded {
            Line::from(T::Loading.get(lang)).style(theme.dim)
        } else if list.query.is_empty() && list.status.is_none() {
            Line::from(T::NoOrders.get(lang)).style(theme.dim)
        } else {
            Line::from(T::NoMatchingOrders.get(lang)).style(theme.dim)
        };
        let [_, message] =
            Layout::vertical([Constraint::Length(2), Constraint::Length(1)]).areas(table_area);
        frame.render_widget(Paragraph::new(text).centered(), message);
        return;
    }

    let header = Row::new(
        [
            T::ColOrderNo,
            T::ColCustomer,
            T::ColPhone,
            T::ColProject,
            T::ColStatus,
            T::ColAmount,
            T::ColUpdated,
        ]
        .map(|t| Cell::from(t.get(lang))),
    )
    .style(theme.header);
    let rows = list
        .rows
        .iter()
        .enumerate()
        .skip(offset)
        .take(body_rows)
        .map(|(i, order)| {
            let style = if i == list.selected {
                theme.selection
            } else {
                theme.base
            };
            let status_style = if i == list.selected {
                theme.selection
            } else {
                theme.status(order.status)
            };
            Row::new(vec![
                Cell::from(order.order_no.as_str()),
                Cell::from(order.customer_name.as_str()),
                Cell::from(order.phone.as_str()),
                Cell::from(order.project_name.as_str()),
                Cell::from(Span::styled(
                    order.status.short_text().get(lang),
                    status_style,
                )),
                Cell::from(Line::from(format::money(order.amount_fen)).right_aligned()),
                Cell::from(format::relative(&order.updated_at, app.now, lang)),
            ])
            .style(style)
        });
    let widths = [
        Constraint::Length(16),
        Constraint::Length(8),
        Constraint::Length(11),
        Constraint::Min(6),
        Constraint::Length(10),
        Constraint::Length(10),
        Constraint::Length(10),
    ];
    frame.render_widget(
        Table::new(rows, widths).header(header).column_spacing(1),
        table_area,
    );
}

fn draw_summary(frame: &mut Frame, app: &App, area: Rect) {
    let lang = app.lang;
    let theme = &app.theme;
    let list = &app.list;
    let status = list
        .status
        .map(|s| s.label(lang))
        .unwrap_or(T::AllStatuses.get(lang));
    let sort = if list.oldest_first {
        T::SortOldest
    } else {
        T::SortNewest
    }
    .get(lang);
    let mut spans = vec![
        Span::styled(format!(" {} ", T::FilterLabel.get(lang)), theme.label),
        Span::styled(status.to_owned(), theme.accent),
        Span::styled(format!("  {} ", T::SortLabel.get(lang)), theme.label),
        Span::styled(sort.to_owned(), theme.accent),
    ];
    if !list.query.is_empty() {
        spans.push(Span::styled(
            format!("  {} ", T::SearchLabel.get(lang)),
            theme.label,
        ));
        spans.push(Span::styled(list.query.clone(), theme.accent));
    }
    let shown = T::Shown.fill(lang, &[&list.rows.len().to_string()]);
    spans.push(Span::styled(format!("  {shown}"), theme.dim));
    if list.next_cursor.is_some() {
        spans.push(Span::styled(
            format!(" {}", T::MoreBelow.get(lang)),
            theme.dim,
        ));
    }
    if list.loading && list.loaded {
        spans.push(Span::styled(
            format!(" {}", T::Loading.get(lang)),
            theme.dim,
        ));
    }
    frame.render_widget(Paragraph::new(Line::from(spans)), area);
}
