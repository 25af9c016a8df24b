//! Drawing the 邮寄 tab: orders waiting to be mailed against the promise, ticked into a
//! batch, and the number field a barcode scanner types into.

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};

use super::{Mailing, Scan};
use crate::api::MailingItem;
use crate::domain::{Action, Deadline, OrderStatus, Permission};
use crate::i18n::{Lang, T};
use crate::tui::component::View;
use crate::tui::widgets::table::{self, Column, Row};
use crate::tui::widgets::input::Input;
use crate::tui::widgets::{block, paint};

/// Draws the tab.
pub fn draw(mailing: &Mailing, frame: &mut Frame, area: Rect, view: &View) {
    let mut summary = vec![summary_line(mailing, view)];
    if mailing.fetch.loaded {
        let queue = &mailing.queue;
        summary.extend(view.listed_of(OrderStatus::PendingShipment, queue.len(), queue.fetched()));
    }
    let short = short_marks(mailing, area.width, view);
    if short {
        summary.extend(legend(mailing, area.width, view));
    }
    let summary_rows = paint::height(&summary, area.width).max(1);
    let scan_rows = mailing.scan.as_ref().map_or(0, |s| scan_height(s, area.width, view));
    let [summary_area, table_area, scan_area] = Layout::vertical([
        Constraint::Length(summary_rows),
        Constraint::Min(3),
        Constraint::Length(scan_rows),
    ])
    .areas(area);
    paint::wrapped(frame, summary_area, summary);
    draw_table(mailing, frame, table_area, short, view);
    if let Some(scan) = &mailing.scan {
        draw_scan(scan, frame, scan_area, view);
    }
}

fn summary_line<'a>(mailing: &Mailing, view: &View) -> Line<'a> {
    let (lang, theme) = (view.lang, view.theme);
    // Anyone who sees orders sees what waits here; only the mailroom ships.
    let mut spans: Vec<Span> = view
        .watching_only(crate::domain::Action::Ship, T::MailWatching)
        .into_iter()
        .collect();
    if mailing.fetch.loaded {
        let items = mailing.queue.items();
        let overdue = items.iter().filter(|i| i.deadline == Deadline::Overdue).count();
        let (waiting, of_listed) = view.queue_counts(
            OrderStatus::PendingShipment,
            mailing.queue.len(),
            mailing.queue.fetched(),
            &[overdue],
        );
        // While scanning, where the batch stands (the ticks went with the parcels sent).
        let said = match &mailing.scan {
            Some(scan) => T::MailSummaryScanning.fill(
                lang,
                &[
                    &waiting,
                    &of_listed[0],
                    &(scan.at + 1).min(scan.batch.len()).to_string(),
                    &scan.batch.len().to_string(),
                ],
            ),
            None if ticks(view) => T::MailSummary.fill(
                lang,
                &[&waiting, &of_listed[0], &mailing.ticked.len().to_string()],
            ),
            // Nothing to tick, nor a carrier to choose, for those who only look.
            None => T::MailSummaryWatching.fill(lang, &[&waiting, &of_listed[0]]),
        };
        spans.push(Span::styled(said, theme.dim));
        if let Some(carrier) = mailing.chosen_carrier().filter(|_| ticks(view)) {
            spans.push(Span::styled(format!("  {} ", T::MailCarrier.get(lang)), theme.label));
            spans.push(Span::styled(
                Mailing::carrier_name(carrier, lang).to_owned(),
                theme.accent,
            ));
        }
    }
    if let Some(stale) = mailing.fetch.stale_text(lang) {
        spans.push(Span::styled(format!("  {stale}"), theme.warning));
    }
    Line::from(spans)
}

/// The columns of the list.
/// The table's columns: the tick box only for those who mail (support, reviewers and
/// read-only sessions look at the queue; a box they cannot tick reads as a task).
fn columns(view: &View) -> Vec<Column> {
    let lang = view.lang;
    let ticks = ticks(view);
    [
        ticks.then(|| Column::new(T::ColTick.get(lang), 3)),
        Some(Column::new(T::ColOrderNo.get(lang), 16)),
        Some(Column::new(T::ColRecipient.get(lang), 8).widen(8)),
        Some(Column::new(T::ColPhone.get(lang), 11)),
        Some(Column::new(T::ColAddress.get(lang), 10).grow()),
        Some(Column::new(T::ColWaited.get(lang), 9)),
    ]
    .into_iter()
    .flatten()
    .collect()
}

/// Whether the viewer ticks parcels into a batch (may ship).
fn ticks(view: &View) -> bool {
    view.shared.permits(Permission::Act(Action::Ship))
}

/// The address's column in [`columns`].
fn address_column(view: &View) -> usize {
    if ticks(view) { 4 } else { 3 }
}

/// The marks that may be put before a parcel's address, whole and as one character, in
/// their order: no money came in for it (the demo cashier, the example account: no real
/// certificate goes out for it), it came back, its label shows the address before a
/// correction, a note to read (shown in full when it is scanned).
const MARKS: [(T, T); 4] = [
    (T::DemoUnpaidTag, T::DemoUnpaidShort),
    (T::MailReturnedMark, T::MailReturnedShort),
    (T::MailRelabelMark, T::MailRelabelShort),
    (T::MailNoteMark, T::MailNoteShort),
];

/// Which of [`MARKS`] a parcel has.
fn marks_of(item: &MailingItem, view: &View) -> [bool; 4] {
    [
        view.shared
            .paid_in_demo(item.order.payment_method.as_deref()),
        item.returned.is_some(),
        item.relabel,
        item.note.is_some(),
    ]
}

/// A parcel's marks, whole or each as one character (`[演退]`).
fn marks(item: &MailingItem, short: bool, view: &View) -> String {
    let on = MARKS
        .iter()
        .zip(marks_of(item, view))
        .filter(|(_, on)| *on)
        .map(|((full, one), _)| if short { one } else { full }.get(view.lang));
    let text: String = on.collect();
    if short && !text.is_empty() {
        format!("[{text}]")
    } else {
        text
    }
}

/// True when, at this width, a listed parcel's marks whole would take more than half its
/// address's room (at 80 columns a demo parcel come back with a note left none): then each
/// mark is one character, explained above the list.
fn short_marks(mailing: &Mailing, width: u16, view: &View) -> bool {
    let room = usize::from(table::widths(&columns(view), width)[address_column(view)]);
    mailing
        .queue
        .items()
        .iter()
        .any(|item| crate::tui::text::width(&marks(item, false, view)) * 2 > room)
}

/// What the one-character marks mean, those listed only, in rows of `width` that never
/// split a mark from its meaning.
fn legend(mailing: &Mailing, width: u16, view: &View) -> Vec<Line<'static>> {
    let lang = view.lang;
    let mut listed = [false; 4];
    for item in mailing.queue.items() {
        for (seen, on) in listed.iter_mut().zip(marks_of(item, view)) {
            *seen |= on;
        }
    }
    let means: Vec<(&str, &str)> = MARKS
        .iter()
        .zip(listed)
        .filter(|(_, on)| *on)
        .map(|((full, one), _)| {
            let full = full
                .get(lang)
                .trim_matches(|c: char| matches!(c, ' ' | '·' | '【' | '】' | '[' | ']'));
            (one.get(lang), full)
        })
        .collect();
    paint::marks_legend(T::MailMarksLegend, &means, width, lang, view.theme.dim)
}

fn draw_table(mailing: &Mailing, frame: &mut Frame, area: Rect, short: bool, view: &View) {
    let (lang, theme) = (view.lang, view.theme);
    if mailing.queue.is_empty() {
        let text = if let Some(error) = &mailing.fetch.error {
            Line::from(error.get(lang)).style(theme.error)
        } else if !mailing.fetch.loaded {
            Line::from(T::Loading.get(lang)).style(theme.dim)
        } else {
            Line::from(T::MailEmpty.get(lang)).style(theme.dim)
        };
        let message = Rect::new(area.x, area.y + 2, area.width, area.height.saturating_sub(2));
        paint::wrapped(frame, message, vec![text.centered()]);
        return;
    }
    let items = mailing.queue.items();
    let current = mailing
        .scan
        .as_ref()
        .and_then(Scan::current)
        .and_then(|i| items.iter().position(|x| x.order.order_no == i.order.order_no));
    let cursor = current.unwrap_or(mailing.queue.selected_index());
    let body = area.height.saturating_sub(1) as usize;
    let (offset, body, more) = mailing.queue.window(body, Some(cursor), view.lang);
    let columns = columns(view);
    let address_width = usize::from(table::widths(&columns, area.width)[address_column(view)]);
    // The province every parcel listed shares goes (the platform's own, as a rule): it
    // took the room the house number needed. One parcel for elsewhere keeps them all.
    let province_of = |item: &MailingItem| {
        let rest = crate::domain::without_province(&item.address);
        item.address[..item.address.len() - rest.len()].to_owned()
    };
    let shared = items.first().map(province_of).filter(|first| {
        !first.is_empty() && items.iter().all(|item| province_of(item) == *first)
    });
    let rows = items
        .iter()
        .enumerate()
        .skip(offset)
        .take(body)
        .map(|(i, item)| {
            let address = match &shared {
                Some(_) => crate::domain::without_province(&item.address),
                None => item.address.as_str(),
            };
            row(mailing, item, address, i == cursor, address_width, short, view)
        })
        .collect();
    table::draw(frame, area, &columns, theme.header, rows, view.glyphs().ellipsis);
    table::draw_more(frame, area, body, more, theme.dim);
}

/// A parcel's row; its address fitted to `address_width` columns after its marks, which
/// are never cut (the address is, in its middle: its street tells parcels apart).
#[allow(clippy::too_many_arguments)]
fn row(
    mailing: &Mailing,
    item: &MailingItem,
    address: &str,
    selected: bool,
    address_width: usize,
    short: bool,
    view: &View,
) -> Row {
    let theme = view.theme;
    let no = item.order.order_no.as_str();
    let done = mailing
        .scan
        .as_ref()
        .is_some_and(|s| s.done.iter().any(|(n, _)| n == no));
    let ticked = mailing.ticked.iter().any(|t| t == no)
        || mailing
            .scan
            .as_ref()
            .is_some_and(|s| s.batch.iter().any(|i| i.order.order_no == no));
    let mark = if done {
        view.glyphs().check.to_owned()
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
    let base = if selected { theme.selection } else { theme.base };
    let pick = |style| if selected { theme.selection } else { style };
    Row {
        cells: [
            ticks(view).then(|| (mark, pick(theme.accent))),
            Some((no.to_owned(), base)),
            Some((item.recipient.clone(), base)),
            Some((item.phone.clone(), base)),
            // Before the address, what to know before packing, each its own mark
            // ([`marks_of`]).
            Some({
                let marks = marks(item, short, view);
                let room = address_width.saturating_sub(crate::tui::text::width(&marks));
                let address = crate::tui::text::fit_middle(address, room, view.glyphs().ellipsis);
                if marks.is_empty() {
                    (address, base)
                } else {
                    (format!("{marks}{address}"), pick(theme.warning))
                }
            }),
            Some((
                crate::tui::format::waited_of(item.waited_minutes, item.promised_minutes),
                pick(deadline_style),
            )),
        ]
        .into_iter()
        .flatten()
        .collect(),
        style: base,
    }
}

/// Seconds without the platform's answer after which the scan says it is waiting.
const SLOW_SECONDS: i64 = 5;

/// The lines under the number field: sending, queued, refused, or the hint.
fn scan_message<'a>(scan: &Scan, view: &View) -> Line<'a> {
    let (lang, theme) = (view.lang, view.theme);
    // No answer for a while (the platform or the link is down): what became of the
    // numbers, and whether to go on scanning.
    let slow = scan
        .sending_since
        .is_some_and(|since| (view.now - since).whole_seconds() >= SLOW_SECONDS);
    match (&scan.sending, &scan.error) {
        (Some(number), _) if slow => Line::from(T::MailSendingSlow.fill(
            lang,
            &[number, &scan.queued_numbers().len().to_string()],
        ))
        .style(theme.warning),
        (Some(number), _) if scan.queued_numbers().is_empty() => {
            Line::from(T::MailSending.fill(lang, &[number])).style(theme.dim)
        }
        (Some(number), _) => Line::from(format!(
            "{} {}",
            T::MailSending.fill(lang, &[number]),
            T::MailWaiting.fill(lang, &[&scan.queued_numbers().len().to_string()])
        ))
        .style(theme.dim),
        // Paused after a refusal: what was refused, and whose the numbers held are.
        (None, Some(error)) if scan.paused => Line::from(format!(
            "! {}",
            crate::tui::text::sentences(
                lang,
                &error.get(lang),
                &paused(lang, scan.queued_numbers().len())
            )
        ))
        .style(theme.error),
        // Refused or unanswered, with numbers queued for the parcels after: said too.
        (None, Some(error)) if !scan.queued_numbers().is_empty() => Line::from(format!(
            "! {} {}",
            error.get(lang),
            T::MailWaiting.fill(lang, &[&scan.queued_numbers().len().to_string()])
        ))
        .style(theme.error),
        (None, Some(error)) => Line::from(format!("! {}", error.get(lang))).style(theme.error),
        // Paused, the refusal's words gone with a language switch: still paused, said so
        // (a number typed now is held, not sent).
        (None, None) if scan.paused => Line::from(format!(
            "! {}",
            paused(lang, scan.queued_numbers().len())
        ))
        .style(theme.error),
        (None, None) => Line::from(T::MailScanHint.get(lang)).style(theme.dim),
    }
}

/// What a paused scan holds, and the keys that say whose it is: one number is "it", not
/// "all of them".
fn paused(lang: Lang, queued: usize) -> String {
    match queued {
        1 => T::MailPausedOne.get(lang).to_owned(),
        n => T::MailPaused.fill(lang, &[&n.to_string()]),
    }
}

fn who<'a>(item: &MailingItem, view: &View) -> Vec<Line<'a>> {
    let theme = view.theme;
    let mut lines = vec![
        Line::from(vec![
            Span::styled(item.order.order_no.to_string(), theme.accent),
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
    // Brought back by the courier: why, before it goes to the same address again.
    if let Some(why) = &item.returned {
        lines.push(Line::from(Span::styled(
            format!("! {}", T::MailReturned.fill(view.lang, &[why])),
            theme.warning,
        )));
    }
    // The label on this parcel shows the address before its correction.
    if item.relabel {
        lines.push(Line::from(Span::styled(
            format!("! {}", T::MailRelabel.get(view.lang)),
            theme.warning,
        )));
    }
    // What a caller asked for this parcel, read as it is packed.
    if let Some(note) = &item.note {
        lines.push(Line::from(vec![
            Span::styled(format!("{} ", T::FieldNote.get(view.lang)), theme.warning),
            Span::styled(note.clone(), theme.base),
        ]));
    }
    // No money came in for it: said before it is packed.
    if view.shared.paid_in_demo(item.order.payment_method.as_deref()) {
        lines.push(Line::from(Span::styled(
            T::DemoUnpaidMark.get(view.lang),
            theme.warning,
        )));
    }
    lines
}

fn scan_height(scan: &Scan, width: u16, view: &View) -> u16 {
    let inner = width.saturating_sub(2);
    let who_rows = scan.current().map_or(0, |i| paint::height(&who(i, view), inner));
    who_rows + 1 + paint::height(&[scan_message(scan, view)], inner) + 2
}

fn draw_scan(scan: &Scan, frame: &mut Frame, area: Rect, view: &View) {
    let (lang, theme) = (view.lang, view.theme);
    let title = T::MailScanTitle.fill(
        lang,
        &[
            &(scan.at + 1).min(scan.batch.len()).to_string(),
            &scan.batch.len().to_string(),
        ],
    );
    let title = crate::tui::widgets::title_for(&title, area.width);
    let outer = block(theme, view.ascii, title.clone(), true);
    let inner = outer.inner(area);
    paint::block(frame, area, outer, &title);
    let mut y = inner.y;
    if let Some(item) = scan.current() {
        y += paint::wrapped(frame, inner, who(item, view));
    }
    let label = format!("{} ", T::MailTrackingNo.get(lang));
    let width = unicode_width::UnicodeWidthStr::width(label.as_str()) as u16 + 1;
    let field = Rect::new(inner.x, y, inner.width, 1);
    let [label_area, input_area] =
        Layout::horizontal([Constraint::Length(width), Constraint::Min(1)]).areas(field);
    paint::line(frame, label_area, Line::from(label).style(theme.label));
    let focus = scan.sending.is_none();
    let style = if focus {
        theme.input_focus
    } else {
        theme.input
    };
    // A number the platform did not answer shows in its parcel's field until another is
    // typed there (the next parcel's, which waits behind it).
    match &scan.unsent {
        Some(number) if scan.input.is_blank() => {
            Input::new(number).render(frame, input_area, style, focus, view.glyphs().ellipsis);
        }
        _ => scan.input.render(frame, input_area, style, focus, view.glyphs().ellipsis),
    }
    let below = Rect::new(inner.x, y + 1, inner.width, inner.bottom().saturating_sub(y + 1));
    paint::wrapped(frame, below, vec![scan_message(scan, view)]);
}
