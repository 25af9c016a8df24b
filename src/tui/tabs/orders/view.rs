//! Drawing the 待办订单 tab: the filter line and the table (only the rows in view are
//! built, so ten thousand loaded orders draw as fast as fifty), an open order scrolled in
//! its box, the search line and the action popup.

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Margin, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;
use unicode_width::UnicodeWidthStr;

use super::form::Form;
use super::{Detail, Orders, detail};
use crate::i18n::T;
use crate::tui::component::View;
use crate::tui::format;
use crate::tui::widgets::table::{self, Column, Row};
use crate::tui::widgets::{block, paint, popup};

/// Draws the tab.
pub fn draw(orders: &Orders, frame: &mut Frame, area: Rect, view: &View) {
    match &orders.detail {
        Some(detail) => draw_detail(orders, detail, frame, area, view),
        None => draw_list(orders, frame, area, view),
    }
    if let Some(input) = &orders.search {
        let row = Rect::new(area.x, area.bottom().saturating_sub(1), area.width, 1);
        popup::clear(frame, row, view.theme);
        let label = format!("/ {} ", T::SearchPrompt.get(view.lang));
        let width = label.width() as u16;
        paint::line(frame, row, Line::from(Span::styled(label, view.theme.accent)));
        let field = Rect::new(row.x + width, row.y, row.width.saturating_sub(width), 1);
        input.render(frame, field, view.theme.input_focus, true, view.glyphs().ellipsis);
    }
    if let Some(form) = &orders.form {
        form_popup(frame, area, view, form);
    }
}

fn draw_list(orders: &Orders, frame: &mut Frame, area: Rect, view: &View) {
    let summary = summary_line(orders, view);
    let rows = paint::height(std::slice::from_ref(&summary), area.width).max(1);
    let [summary_area, table_area] =
        Layout::vertical([Constraint::Length(rows), Constraint::Min(1)]).areas(area);
    paint::wrapped(frame, summary_area, vec![summary]);
    let (lang, theme) = (view.lang, view.theme);
    // A caller's orders found by their number: how its sign-in stands (locked, wrong
    // codes) under the list, for the agent told "the code does not work".
    let sign_in = match &orders.caller {
        Some(caller) if !orders.rows.is_empty() => {
            sign_in_lines(&caller.sign_in, caller.customer.is_some(), view)
        }
        _ => Vec::new(),
    };
    let below = paint::height(&sign_in, table_area.width).min(table_area.height / 2);
    let [table_area, sign_in_area] =
        Layout::vertical([Constraint::Min(1), Constraint::Length(below)]).areas(table_area);
    paint::wrapped(frame, sign_in_area, sign_in);
    let body = table_area.height.saturating_sub(1) as usize;
    let (offset, body, more) = orders.rows.window(body, None, lang);
    if orders.rows.is_empty() {
        let text = if let Some(error) = &orders.fetch.error {
            Line::from(error.get(lang)).style(theme.error)
        } else if !orders.fetch.loaded {
            Line::from(T::Loading.get(lang)).style(theme.dim)
        } else if let Some(caller) = &orders.caller {
            let lines = caller_lines(caller, view);
            let message = Rect::new(
                table_area.x + 1,
                table_area.y + 1,
                table_area.width.saturating_sub(2),
                table_area.height.saturating_sub(1),
            );
            paint::wrapped(frame, message, lines);
            return;
        } else if orders.query.is_empty() && orders.status.is_none() {
            Line::from(T::NoOrders.get(lang)).style(theme.dim)
        } else if is_phone_tail(&orders.query) {
            // The tail of a number finds orders; a customer with none is found by the
            // whole number (the card): said, for the agent with a caller on the phone.
            Line::from(T::NoMatchingOrdersPhoneTail.get(lang)).style(theme.dim)
        } else {
            Line::from(T::NoMatchingOrders.get(lang)).style(theme.dim)
        };
        let message = Rect::new(table_area.x, table_area.y + 2, table_area.width, 3);
        paint::wrapped(frame, message, vec![text.centered()]);
        return;
    }
    let columns = [
        // An order the customer submitted online carries a mark after its number.
        Column::new(T::ColOrderNo.get(lang), 17),
        Column::new(T::ColCustomer.get(lang), 8).widen(16),
        Column::new(T::ColPhone.get(lang), 11),
        Column::new(T::ColProject.get(lang), 6).grow(),
        // Every status word fits whole, in either language.
        Column::new(T::ColStatus.get(lang), status_width(lang)),
        Column::new(T::ColAmount.get(lang), 10).right(),
        Column::new(T::ColUpdated.get(lang), 10),
    ];
    let selected = orders.rows.selected_index();
    let rows = orders
        .rows
        .items()
        .iter()
        .enumerate()
        .skip(offset)
        .take(body)
        .map(|(i, order)| {
            let chosen = i == selected;
            let style = if chosen { theme.selection } else { theme.base };
            let status_style = if chosen {
                theme.selection
            } else {
                theme.status(order.status)
            };
            Row {
                cells: vec![
                    (
                        if order.channel == crate::domain::Channel::Online {
                            format!("{}{ONLINE_MARK}", order.order_no)
                        } else {
                            order.order_no.to_string()
                        },
                        style,
                    ),
                    // An organisation named after its province (湖南省…) shows what tells
                    // it apart in the narrow column, as a project does; its view says it whole.
                    (crate::domain::without_province(&order.customer_name).to_owned(), style),
                    (order.phone.clone(), style),
                    (crate::domain::without_province(&order.project_name).to_owned(), style),
                    (order.status.short_text().get(lang).to_owned(), status_style),
                    (format::money(order.amount_fen), style),
                    (format::relative(&order.updated_at, view.now, lang), style),
                ],
                style,
            }
        })
        .collect();
    table::draw(
        frame,
        table_area,
        &columns,
        theme.header,
        rows,
        view.glyphs().ellipsis,
    );
    table::draw_more(frame, table_area, body, more, theme.dim);
}

/// The mark after the number of an order submitted online (explained in the summary line).
const ONLINE_MARK: &str = "*";

/// The widest status word in `lang`.
fn status_width(lang: crate::i18n::Lang) -> u16 {
    crate::domain::OrderStatus::ALL
        .iter()
        .map(|s| s.short_text().get(lang).width())
        .max()
        .unwrap_or(10) as u16
}

fn summary_line<'a>(orders: &Orders, view: &View) -> Line<'a> {
    let (lang, theme) = (view.lang, view.theme);
    let status = orders
        .status
        .map(|s| s.short_text().get(lang))
        .unwrap_or(T::AllStatuses.get(lang));
    let sort = if orders.oldest_first {
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
    if !orders.query.is_empty() {
        spans.push(Span::styled(format!("  {} ", T::SearchLabel.get(lang)), theme.label));
        spans.push(Span::styled(orders.query.clone(), theme.accent));
    }
    if orders.online_only {
        spans.push(Span::styled(format!("  {} ", T::FieldChannel.get(lang)), theme.label));
        spans.push(Span::styled(
            crate::domain::Channel::Online.label(lang).to_owned(),
            theme.accent,
        ));
    }
    if orders
        .rows
        .items()
        .iter()
        .any(|o| o.channel == crate::domain::Channel::Online)
    {
        spans.push(Span::styled(
            format!("  {ONLINE_MARK} {}", T::OnlineMarkLegend.get(lang)),
            theme.dim,
        ));
    }
    let shown = T::Shown.fill(lang, &[&orders.rows.len().to_string()]);
    spans.push(Span::styled(format!("  {shown}"), theme.dim));
    if let Some(stale) = orders.fetch.stale_text(lang) {
        // A change could not be shown: say so until the list is whole again.
        spans.push(Span::styled(format!("  {stale}"), theme.warning));
    } else if orders.next_cursor.is_some() {
        spans.push(Span::styled(format!(" {}", T::MoreBelow.get(lang)), theme.dim));
    }
    if let Some(indexing) = orders.search_indexing {
        // Imported orders not yet searchable: an empty answer is not "none".
        let percent = (indexing.indexed * 100 / indexing.total.max(1)).min(99);
        spans.push(Span::styled(
            format!("  {}", T::SearchIndexing.fill(lang, &[&percent.to_string()])),
            theme.warning,
        ));
    }
    if orders.fetch.busy() && orders.fetch.loaded {
        spans.push(Span::styled(format!(" {}", T::Loading.get(lang)), theme.dim));
    }
    Line::from(spans)
}

fn draw_detail(orders: &Orders, detail: &Detail, frame: &mut Frame, area: Rect, view: &View) {
    let (lang, theme) = (view.lang, view.theme);
    let title = match &detail.order {
        Some(order) => format!(
            "{} {}{}{}{}",
            T::OrderTitle.get(lang),
            order.order_no,
            view.glyphs().dot,
            order.status.short_text().get(lang),
            if order.channel == crate::domain::Channel::Online {
                format!("{}{}", view.glyphs().dot, order.channel.label(lang))
            } else {
                String::new()
            }
        ),
        None => format!("{} {}", T::OrderTitle.get(lang), detail.order_no),
    };
    let title = crate::tui::widgets::title_for(&title, area.width);
    let outer = block(theme, view.ascii, title.clone(), true);
    let inner = outer.inner(area);
    paint::block(frame, area, outer, &title);
    let mut lines = match &detail.order {
        Some(order) => detail::lines(orders, detail, order, view, inner.width),
        None => vec![match &detail.error {
            Some(error) => Line::from(error.get(lang)).style(theme.error),
            None => Line::from(T::Loading.get(lang)).style(theme.dim),
        }],
    };
    if let Some(error) = detail.error.as_ref().filter(|_| detail.order.is_some()) {
        lines.insert(0, Line::from(error.get(lang)).style(theme.error));
    }
    // Wrapped here, so scrolling moves by screen rows and never cuts a line.
    let rows: Vec<Line> = lines
        .iter()
        .flat_map(|l| paint::wrap_line(l, inner.width))
        .collect();
    let total = rows.len() as u16;
    detail.geometry.set((inner.height, total));
    let scroll = detail.scroll.min(total.saturating_sub(inner.height));
    let visible: Vec<Line> = rows
        .into_iter()
        .skip(usize::from(scroll))
        .take(usize::from(inner.height))
        .collect();
    // Each row is whole by construction; the view shows a window of them (↑↓ scroll).
    paint::lines(frame, inner, visible);
    // What the window leaves out, on the bottom border: a long order (history, tracking)
    // does not end at the panel's edge without a word.
    let below = total.saturating_sub(scroll + inner.height);
    let hint = if below > 0 {
        T::OrderMoreBelow.fill(lang, &[&below.to_string()])
    } else if scroll > 0 {
        T::OrderMoreAbove.fill(lang, &[&scroll.to_string()])
    } else {
        return;
    };
    let text = format!(" {hint} ");
    let width = crate::tui::text::width(&text) as u16;
    if area.height > 2 && area.width > width + 4 {
        let at = Rect::new(area.right() - width - 2, area.bottom() - 1, width, 1);
        paint::line(frame, at, Line::from(Span::styled(text, theme.dim)));
    }
}

/// A row of the form popup.
enum FormRow<'a> {
    /// Words, wrapped whole.
    Text(Line<'a>),
    /// A field's input: its index, and its label beside it (a long form) or above it.
    Input(usize, Option<Span<'a>>),
}

fn form_popup(frame: &mut Frame, area: Rect, view: &View, form: &Form) {
    let lang = view.lang;
    let theme = view.theme;
    let width = 66.min(area.width);
    let text_width = width.saturating_sub(4);
    // A long form (a whole address) puts each label beside its input, one row a field, so
    // it fits 80×24; a short one puts the label above.
    let compact = form.fields.len() > 4;
    let label_of = |field: &super::Field| {
        let mut label = field.label.get(lang).to_owned();
        if field.required {
            label.push_str(" *");
        }
        label
    };
    let label_width = if compact {
        form.fields
            .iter()
            .map(|f| label_of(f).width())
            .max()
            .unwrap_or(0)
            .min(usize::from(text_width / 2))
            + 1
    } else {
        0
    };
    // Every row the form needs, each message wrapped whole.
    let mut rows: Vec<FormRow> = Vec::new();
    if form.fields.is_empty() {
        let question = match form.kind {
            super::FormKind::Act(action) => {
                T::ConfirmAction.fill(lang, &[action.label(lang), &form.order_no])
            }
            _ => String::new(),
        };
        rows.push(FormRow::Text(Line::from(question).style(theme.popup)));
        rows.push(FormRow::Text(Line::default()));
    }
    for (i, field) in form.fields.iter().enumerate() {
        let focus = i == form.focus && !form.submitting;
        let style = theme.field_label(focus);
        let label = label_of(field);
        if compact {
            let pad = label_width.saturating_sub(label.width());
            rows.push(FormRow::Input(
                i,
                Some(Span::styled(format!("{label}{}", " ".repeat(pad)), style)),
            ));
        } else {
            rows.push(FormRow::Text(Line::from(Span::styled(label, style))));
            rows.push(FormRow::Input(i, None));
        }
        if let Some(error) = &field.error {
            rows.push(FormRow::Text(
                Line::from(format!("! {}", error.get(lang))).style(theme.error),
            ));
        } else if let Some(hint) = &field.hint {
            rows.push(FormRow::Text(Line::from(hint.get(lang)).style(theme.dim)));
        }
        if !compact {
            rows.push(FormRow::Text(Line::default()));
        }
    }
    // The fields end here; what follows (the form's own message, the keys) always shows.
    let fields_end = rows.len();
    if compact {
        rows.push(FormRow::Text(Line::default()));
    }
    if let Some(error) = &form.error {
        rows.push(FormRow::Text(
            Line::from(format!("! {}", error.get(lang))).style(theme.error),
        ));
    }
    if form.confirming
        && let super::FormKind::Act(action) = form.kind
    {
        rows.push(FormRow::Text(
            Line::from(T::ConfirmIrreversible.fill(lang, &[action.label(lang), &form.order_no]))
                .style(theme.warning),
        ));
    }
    let hint = if form.submitting {
        T::FormSubmitting
    } else if form.confirming {
        T::ConfirmIrreversibleHint
    } else if form.fields.is_empty() {
        T::ConfirmHint
    } else if form.fields.iter().any(|f| f.key == "file") {
        T::FormHintFile
    } else if form.kind == super::FormKind::Edit {
        T::FormHintEdit
    } else if form.fields.len() == 1 {
        // One field: no next one to go to.
        T::FormHintSingle
    } else {
        T::FormHint
    };
    rows.push(FormRow::Text(Line::from(hint.get(lang)).style(theme.dim)));
    let heights: Vec<u16> = rows
        .iter()
        .map(|row| match row {
            FormRow::Input(..) => 1,
            FormRow::Text(line) => paint::height(std::slice::from_ref(line), text_width),
        })
        .collect();
    let height: u16 = heights.iter().sum();
    // Taller than the screen (a long form with many messages): the fields scroll so the
    // one being typed in, and the message under it, show; the end of the form stays.
    let room = area.height.saturating_sub(2);
    let mut first = 0;
    if height > room {
        let tail: u16 = heights[fields_end..].iter().sum();
        let room = room.saturating_sub(tail);
        let focused = rows
            .iter()
            .position(|r| matches!(r, FormRow::Input(i, _) if *i == form.focus))
            .unwrap_or(0);
        let needed = (focused + 2).min(fields_end);
        while first < focused && heights[first..needed].iter().sum::<u16>() > room {
            first += 1;
        }
        let mut used = 0;
        let mut last = first;
        while last < fields_end && used + heights[last] <= room {
            used += heights[last];
            last += 1;
        }
        rows.drain(last..fields_end);
        rows.drain(..first);
    }
    let height = height.min(room);
    let boxed = popup::centered(area, width, height + 2);
    let inner = popup::open(frame, boxed, view.theme, view.ascii, form.title(lang, view.glyphs().dot))
        .inner(Margin::new(1, 0));
    let mut y = inner.y;
    for row in rows {
        if y >= inner.bottom() {
            break;
        }
        match row {
            FormRow::Input(i, label) => {
                let focus = i == form.focus && !form.submitting;
                let style = if focus { theme.input_focus } else { theme.input };
                let mut input_area = Rect::new(inner.x, y, inner.width, 1);
                if let Some(label) = label {
                    let room = Rect::new(inner.x, y, inner.width, 1);
                    paint::lines(frame, room, vec![Line::from(label)]);
                    let used = (label_width as u16).min(inner.width);
                    input_area = Rect::new(inner.x + used, y, inner.width - used, 1);
                }
                frame.render_widget(Paragraph::new("").style(style), input_area);
                if let Some(f) = form.fields.get(i) {
                    f.input.render(frame, input_area, style, focus, view.glyphs().ellipsis);
                }
                y += 1;
            }
            FormRow::Text(line) => {
                let room = Rect::new(inner.x, y, inner.width, inner.bottom() - y);
                y += paint::wrapped(frame, room, vec![line]);
            }
        }
    }
}

/// A number searched for with no order: who has it, and where they stand on their own
/// platform — the step their page is at, what it last refused, their real-name check —
/// so a support agent on the phone knows what the caller sees.
fn caller_lines<'a>(card: &super::messages::CallerCard, view: &View) -> Vec<Line<'a>> {
    let (lang, theme) = (view.lang, view.theme);
    let sign_in = sign_in_lines(&card.sign_in, card.customer.is_some(), view);
    let Some((customer, online)) = &card.customer else {
        // Nobody has the number yet; one who asked for codes and never got in is said so.
        if sign_in.is_empty() {
            return vec![Line::from(T::CallerUnknown.get(lang)).style(theme.dim)];
        }
        let mut lines = vec![Line::from(T::CallerNotYetCustomer.get(lang)).style(theme.dim)];
        lines.extend(sign_in);
        return lines;
    };
    let when = |at: &str| format::datetime(at);
    let nameless = customer.name.trim().is_empty();
    // Before a full-width bracket no space (it has its own): `客户（还没有姓名）`.
    let gap = if nameless && lang == crate::i18n::Lang::ZhCn { "" } else { " " };
    let mut lines = vec![Line::from(vec![
        Span::styled(format!("{}{gap}", T::CallerNoOrder.get(lang)), theme.dim),
        // A customer who signed in online and never gave a name has none yet.
        if nameless {
            Span::styled(T::CallerNoName.get(lang), theme.dim)
        } else {
            Span::styled(customer.name.clone(), theme.title)
        },
        Span::raw(format!("  {}  ", customer.phone)),
        if customer.realname_verified {
            Span::styled(T::CallerVerified.get(lang), theme.success)
        } else {
            Span::styled(T::CallerNotVerified.get(lang), theme.warning)
        },
    ])];
    lines.push(Line::from(match &online.last_seen_at {
        Some(at) => T::CallerLastSeen.fill(lang, &[&when(at)]),
        None => T::CallerNeverSignedIn.get(lang).to_owned(),
    }));
    match &online.application {
        Some(app) => {
            lines.push(Line::from(vec![
                Span::styled(format!("{} ", T::CallerApplication.get(lang)), theme.label),
                Span::raw(T::CallerStep.fill(
                    lang,
                    &[&app.step_no.to_string(), &app.step_label, &when(&app.updated_at)],
                )),
            ]));
            if let Some(product) = &app.product {
                lines.push(Line::from(format!("  {product}")));
            }
            if let Some(refused) = &app.refused {
                lines.push(Line::from(Span::styled(
                    T::CallerRefused.fill(lang, &[refused]),
                    theme.warning,
                )));
            }
        }
        None => lines.push(Line::from(T::CallerNoApplication.get(lang)).style(theme.dim)),
    }
    if let Some(realname) = online.realname.as_ref().filter(|_| !customer.realname_verified) {
        use crate::api::RealnameStatus;
        let mut text = match realname.status {
            // Failing over a name that is not the registered one: trying again (today or
            // tomorrow) fails the same way; the registered name is corrected at a counter.
            RealnameStatus::Locked if realname.reason.as_deref() == Some("name_mismatch") => {
                T::CallerRealnameLockedName.get(lang).to_owned()
            }
            // No new code on their pages today: what to tell them instead.
            _ if online.realname_tries_spent => {
                T::CallerRealnameSpent.fill(lang, &[&online.realname_tries_today.to_string()])
            }
            RealnameStatus::Locked => T::CallerRealnameLocked.get(lang).to_owned(),
            RealnameStatus::Expired | RealnameStatus::Superseded => {
                T::CallerRealnameExpired.get(lang).to_owned()
            }
            _ if realname.attempts == 0 => T::CallerRealnameStarted.get(lang).to_owned(),
            _ => T::CallerRealname.fill(
                lang,
                &[&realname.attempts.to_string(), &realname.attempts_left.to_string()],
            ),
        };
        if let Some(reason) = crate::tui::text::realname_reason(
            realname.reason.as_deref(),
            realname.reason_text.as_deref(),
            lang,
        ) {
            text.push_str(&T::LastTryFailed.fill(lang, &[&reason]));
        }
        lines.push(Line::from(Span::styled(text, theme.warning)));
    }
    lines.extend(sign_in);
    lines
}

/// How the number's sign-in stands, when there is something to say: locked (until when),
/// or codes sent today and wrong ones typed since.
fn sign_in_lines<'a>(
    sign_in: &crate::api::SignInStanding,
    customer: bool,
    view: &View,
) -> Vec<Line<'a>> {
    let (lang, theme) = (view.lang, view.theme);
    let clock = |at: &str| {
        format::parse_time(at)
            .map(|t| format::clock(t)[..5].to_owned())
            .unwrap_or_default()
    };
    if let Some(until) = &sign_in.locked_until {
        // The minute it is over, as the customer's page says it.
        let over = format::over_by(until).unwrap_or_default();
        // A customer's lock is lifted by a code support texts (`K`); a number that is
        // nobody's gets no code from the counter.
        let text = if customer {
            T::CallerSignInLocked
        } else {
            T::CallerSignInLockedNobody
        };
        return vec![Line::from(Span::styled(
            text.fill(
                lang,
                &[
                    &over,
                    &sign_in.wrong_tries.to_string(),
                    &sign_in.codes_today.to_string(),
                ],
            ),
            theme.error,
        ))];
    }
    if sign_in.codes_today == 0 && sign_in.wrong_tries == 0 {
        return Vec::new();
    }
    let last = sign_in.last_code_at.as_deref().map(clock).unwrap_or_default();
    let style = if sign_in.wrong_tries > 0 { theme.warning } else { theme.base };
    vec![Line::from(Span::styled(
        T::CallerSignInCodes.fill(
            lang,
            &[
                &sign_in.codes_today.to_string(),
                &last,
                &sign_in.wrong_tries.to_string(),
            ],
        ),
        style,
    ))]
}

/// A search of 4 to 10 digits: the tail of a mobile number (or of an order number).
fn is_phone_tail(query: &str) -> bool {
    let digits = query.trim();
    (4..=10).contains(&digits.len()) && digits.bytes().all(|b| b.is_ascii_digit())
}
