//! Drawing the 审核队列 tab: the queue against the promise, and one order beside its scan
//! (half blocks drawn here; terminal graphics drawn after the screen is made safe).

use super::live_claim;
use std::cell::RefCell;

use image::RgbImage;
use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Margin, Rect};
use ratatui::text::{Line, Span};

use super::popup::{Checklist, OTHER, Popup, REASONS, TOTAL};
use super::screen::{Hold, Screen};
use super::Review;
use crate::api::ReviewItem;
use crate::domain::{ApprovalGap, Deadline, OrderStatus};
use crate::i18n::{Lang, T};
use crate::tui::component::View;
use crate::tui::format;
use crate::tui::widgets::picture::{self, ColorMode};
use crate::tui::widgets::table::{self, Column, Row};
use crate::tui::widgets::{paint, popup};

/// Draws the tab.
pub fn draw(review: &Review, frame: &mut Frame, area: Rect, view: &View) {
    match &review.screen {
        Some(screen) => draw_screen(screen, frame, area, view),
        None => draw_queue(review, frame, area, view),
    }
}

fn draw_queue(review: &Review, frame: &mut Frame, area: Rect, view: &View) {
    let (lang, theme) = (view.lang, view.theme);
    let items = review.queue.items();
    let count = |d: Deadline| items.iter().filter(|i| i.deadline == d).count();
    // Anyone who sees orders sees what waits here; only reviewers decide.
    let mut summary: Vec<Span> = view
        .watching_only(crate::domain::Action::Approve, T::ReviewQueueWatching)
        .into_iter()
        .collect();
    if review.fetch.loaded {
        let (waiting, of_listed) = view.queue_counts(
            OrderStatus::PendingReview,
            review.queue.len(),
            review.queue.fetched(),
            &[count(Deadline::Overdue), count(Deadline::Soon)],
        );
        summary.push(Span::styled(
            T::QueueSummary.fill(
                lang,
                &[
                    &waiting,
                    &of_listed[0],
                    &of_listed[1],
                    &review.promise_days.max(1).to_string(),
                ],
            ),
            theme.dim,
        ));
    }
    if let Some(stale) = review.fetch.stale_text(lang) {
        summary.push(Span::styled(format!("  {stale}"), theme.warning));
    }
    let mut summary = vec![Line::from(summary)];
    if review.fetch.loaded {
        let queue = &review.queue;
        summary.extend(view.listed_of(OrderStatus::PendingReview, queue.len(), queue.fetched()));
    }
    // Each order's marks, once a drawing; those that would not fit their column whole are
    // one character each, said above.
    let all_marks: Vec<Marks> = items.iter().map(|item| marks(item, view)).collect();
    let short = short_marks(&all_marks, area.width, view);
    if short {
        summary.extend(legend(&all_marks, area.width, view));
    }
    let summary_rows = paint::height(&summary, area.width).max(1);
    let [summary_area, table_area] =
        Layout::vertical([Constraint::Length(summary_rows), Constraint::Min(1)]).areas(area);
    paint::wrapped(frame, summary_area, summary);
    if items.is_empty() {
        let text = if let Some(error) = &review.fetch.error {
            Line::from(error.get(lang)).style(theme.error)
        } else if !review.fetch.loaded {
            Line::from(T::Loading.get(lang)).style(theme.dim)
        } else {
            Line::from(T::QueueEmpty.get(lang)).style(theme.dim)
        };
        let message = Rect::new(table_area.x, table_area.y + 2, table_area.width, 3);
        paint::wrapped(frame, message, vec![text.centered()]);
        return;
    }
    let body = table_area.height.saturating_sub(1) as usize;
    let (offset, body, more) = review.queue.window(body, None, lang);
    let selected = review.queue.selected_index();
    let shown: Vec<(usize, &ReviewItem, &Marks)> = items
        .iter()
        .zip(&all_marks)
        .enumerate()
        .skip(offset)
        .take(body)
        .map(|(i, (item, marks))| (i, item, marks))
        .collect();
    // Marks take the room left over when an order of the queue has one; else the customer
    // and the project have it (an empty column cut them short). Judged on the whole queue,
    // not the rows shown: the columns stay put while the reviewer scrolls.
    let marked = all_marks.iter().any(|m| !m.0.is_empty());
    let columns = columns(marked, whole_marks(&all_marks, lang), lang);
    let rows = shown
        .into_iter()
        .map(|(i, item, marks)| queue_row(item, marks, short, i == selected, view))
        .collect();
    table::draw(frame, table_area, &columns, theme.header, rows, view.glyphs().ellipsis);
    table::draw_more(frame, table_area, body, more, theme.dim);
}

/// The queue's columns: marks take the room left over when a row shown has one; else
/// the customer and the project have it. The reviewer's column keeps its width whoever
/// holds what: it came and went as reviewers claimed and gave back orders, and the whole
/// list moved under the others' eyes.
fn columns(marked: bool, whole_marks: u16, lang: Lang) -> [Column; 6] {
    // With marks shown, the room left over is theirs up to the widest marks whole; then a
    // wide screen gives the customer and the project theirs.
    let marks_column =
        Column::new(T::ColMarks.get(lang), if marked { 14 } else { 4 }).grow_to(whole_marks);
    let project_column = Column::new(T::ColProject.get(lang), 12).widen(24);
    [
        Column::new(T::ColOrderNo.get(lang), 16),
        Column::new(T::ColCustomer.get(lang), if marked { 8 } else { 12 }).widen(12),
        if marked { project_column } else { project_column.grow() },
        Column::new(T::ColWaited.get(lang), 9),
        if marked { marks_column.grow() } else { marks_column },
        Column::new(T::ColReviewer.get(lang), 8),
    ]
}

/// Every mark a queue row may carry, whole and as one character, most telling first (a
/// narrow column cuts the last): what keeps it from approval, a file sent for another
/// order too, a scan not matched, then who and how often, and the deadline last (the
/// waited column says it too, in the same colour).
const MARKS: [(T, T); 9] = [
    (T::GapMarkNotVerified, T::GapShortNotVerified),
    (T::GapMarkNotTheApplicant, T::GapShortNotTheApplicant),
    (T::GapMarkNoSignedForm, T::GapShortNoSignedForm),
    (T::QueueFileElsewhere, T::QueueFileElsewhereShort),
    (T::QueueScanUnchecked, T::QueueScanUncheckedShort),
    (T::OwnOrder, T::OwnOrderShort),
    (T::Resubmitted, T::ResubmittedShort),
    (T::DeadlineSoon, T::DeadlineSoonShort),
    (T::DeadlineOverdue, T::DeadlineOverdueShort),
];

/// A queue row's marks (their whole words, as in [`MARKS`]), and their style (the
/// deadline's).
struct Marks(Vec<T>, ratatui::style::Style);

fn marks(item: &ReviewItem, view: &View) -> Marks {
    let theme = view.theme;
    let mut marks: Vec<T> = item.gaps.iter().map(|gap| gap.mark()).collect();
    if item.file_elsewhere {
        marks.push(T::QueueFileElsewhere);
    }
    if item.scan_check.as_ref().is_some_and(|c| !c.is_ok()) {
        marks.push(T::QueueScanUnchecked);
    }
    if item.own {
        marks.push(T::OwnOrder);
    }
    if item.resubmissions > 0 {
        marks.push(T::Resubmitted);
    }
    let mark_style = match item.deadline {
        Deadline::Overdue => {
            marks.push(T::DeadlineOverdue);
            theme.error
        }
        Deadline::Soon => {
            marks.push(T::DeadlineSoon);
            theme.warning
        }
        Deadline::Ok => theme.dim,
    };
    Marks(marks, mark_style)
}

/// `marks` as a row shows them: whole words, or one character each (`[未补超]`).
fn marks_text(marks: &[T], short: bool, lang: Lang) -> String {
    if !short {
        let words: Vec<&str> = marks.iter().map(|m| m.get(lang)).collect();
        return words.join(T::MarksJoin.get(lang));
    }
    let one = |mark: &T| {
        MARKS
            .iter()
            .find(|(whole, _)| whole == mark)
            .map_or("", |(_, one)| one.get(lang))
    };
    match marks.iter().map(one).collect::<String>() {
        text if text.is_empty() => text,
        text => format!("[{text}]"),
    }
}

/// The widest of the queue's marks, each written whole.
fn whole_marks(all_marks: &[Marks], lang: Lang) -> u16 {
    all_marks
        .iter()
        .map(|m| crate::tui::text::width(&marks_text(&m.0, false, lang)))
        .max()
        .unwrap_or(0)
        .try_into()
        .unwrap_or(u16::MAX)
}

/// True when, at this width, a listed order's marks whole would not fit their column (a
/// corrected resubmission's 补正件 was cut behind 文件重复 at 80 columns): then each mark
/// is one character, explained above the list.
fn short_marks(all_marks: &[Marks], width: u16, view: &View) -> bool {
    let lang = view.lang;
    let whole = whole_marks(all_marks, lang);
    let room = usize::from(table::widths(&columns(true, whole, lang), width)[4]);
    all_marks
        .iter()
        .any(|m| crate::tui::text::width(&marks_text(&m.0, false, lang)) > room)
}

/// What the one-character marks mean, those listed only.
fn legend(all_marks: &[Marks], width: u16, view: &View) -> Vec<Line<'static>> {
    let lang = view.lang;
    let means: Vec<(&str, &str)> = MARKS
        .iter()
        .filter(|(whole, _)| all_marks.iter().any(|m| m.0.contains(whole)))
        .map(|(whole, one)| (one.get(lang), whole.get(lang)))
        .collect();
    paint::marks_legend(T::QueueMarksLegend, &means, width, lang, view.theme.dim)
}

fn queue_row(item: &ReviewItem, marks: &Marks, short: bool, selected: bool, view: &View) -> Row {
    let (lang, theme) = (view.lang, view.theme);
    let Marks(marks, mark_style) = marks;
    let mark_style = *mark_style;
    let base = if selected { theme.selection } else { theme.base };
    let pick = |style| if selected { theme.selection } else { style };
    Row {
        cells: vec![
            (item.order.order_no.to_string(), base),
            (crate::domain::without_province(&item.order.customer_name).to_owned(), base),
            (crate::domain::without_province(&item.order.project_name).to_owned(), base),
            (
                crate::tui::format::waited_of(item.waited_minutes, item.promised_minutes),
                pick(mark_style),
            ),
            (marks_text(marks, short, lang), pick(mark_style)),
            (
                live_claim(item, view.now)
                    .map(|c| c.by.name.clone())
                    .unwrap_or_default(),
                pick(theme.accent),
            ),
        ],
        style: base,
    }
}

fn draw_screen(screen: &Screen, frame: &mut Frame, area: Rect, view: &View) {
    let (lang, theme) = (view.lang, view.theme);
    let [top, body] = Layout::vertical([Constraint::Length(1), Constraint::Min(1)]).areas(area);
    let (hold, hold_style) = match &screen.hold {
        Hold::Claiming => (T::ReviewClaiming.get(lang).to_owned(), theme.dim),
        Hold::Held(until) => (
            T::ReviewHeld.fill(
                lang,
                &[&format::parse_time(until)
                    .map(|t| format::clock(t)[..5].to_owned())
                    .unwrap_or_default()],
            ),
            theme.success,
        ),
        Hold::Refused(why) => (why.get(lang), theme.warning),
        Hold::Own => (T::ReviewOwnOrder.get(lang).to_owned(), theme.warning),
        Hold::Watching => (T::ReviewWatching.get(lang).to_owned(), theme.dim),
    };
    let status = screen
        .order
        .as_ref()
        .map(|o| o.status)
        .unwrap_or(OrderStatus::PendingReview);
    let head = Line::from(vec![
        Span::styled(format!(" {} ", screen.order_no), theme.title),
        Span::styled(status.short_text().get(lang), theme.status(status)),
        Span::styled(view.glyphs().bar, theme.dim),
        Span::styled(hold, hold_style),
    ]);
    // A long refusal ("being reviewed by …") takes a second row rather than being cut.
    let rows = paint::height(std::slice::from_ref(&head), top.width);
    let [top, body] = if rows > 1 {
        Layout::vertical([Constraint::Length(rows), Constraint::Min(1)]).areas(area)
    } else {
        [top, body]
    };
    paint::wrapped(frame, top, vec![head]);
    let left_width = (body.width * 9 / 20).clamp(30, 48);
    let [_, left, _, right] = Layout::horizontal([
        Constraint::Length(1),
        Constraint::Length(left_width),
        Constraint::Length(1),
        Constraint::Min(10),
    ])
    .areas(body);
    facts(screen, frame, left, view);
    attachment(screen, frame, right, view);
    if let Some(popup) = &screen.popup {
        draw_popup(screen, popup, frame, body, view);
    }
}

/// The application as submitted, the identity check, the payment, earlier returns.
fn facts(screen: &Screen, frame: &mut Frame, area: Rect, view: &View) {
    let (lang, theme) = (view.lang, view.theme);
    let Some(order) = &screen.order else {
        paint::line(frame, area, Line::from(T::Loading.get(lang)).style(theme.dim));
        return;
    };
    let pair = |label: T, value: String| {
        Line::from(vec![
            Span::styled(format!("{} ", label.get(lang)), theme.label),
            Span::styled(value, theme.base),
        ])
    };
    let section = |title: T| Line::from(Span::styled(title.get(lang), theme.header));
    let dot = view.glyphs().dot;
    let mut lines = vec![
        section(T::SectionApplicant),
        pair(
            order.user_type.person_label(),
            format!("{} {}", order.applicant.name, order.applicant.id_number),
        ),
        pair(T::FieldPhone, order.applicant.phone.clone()),
    ];
    if let Some(org) = &order.organization {
        lines.push(pair(T::FieldOrganization, org.name.clone()));
        // Labelled, short (the column is narrow): a bare number read as part of the name.
        lines.push(pair(T::FieldUsccShort, org.uscc.clone()));
        // The authorisation on the form is signed by the legal representative: checked
        // against the scan like the rest.
        lines.push(pair(T::FieldLegalRep, org.legal_representative.clone()));
    }
    lines.push(pair(T::FieldProject, order.project_name.clone()));
    lines.push(pair(
        T::DocProduct,
        format!("{}{dot}{}", order.product_name, format::money(order.amount_fen)),
    ));
    // Where the certificate goes (masked as the order came), so a corrected address can be
    // seen beside the line that says it was corrected.
    let mailing = &order.mailing;
    lines.push(pair(
        T::FieldMailing,
        format!(
            "{} {} {}",
            mailing.recipient,
            mailing.phone,
            crate::domain::address(
                &mailing.province,
                &mailing.city,
                &mailing.district,
                &mailing.street
            ),
        ),
    ));
    lines.push(section(T::SectionRealname));
    match &order.realname {
        Some(check) => {
            lines.push(Line::from(format!("{} {}", check.name, check.id_number)));
            if let Some(provider) = &check.provider {
                lines.push(Line::from(format::identity_fact(
                    provider,
                    check.transaction_id.as_deref(),
                    &check.verified_at,
                    lang,
                )));
            }
            if !check.other_names.is_empty() {
                lines.push(Line::from(Span::styled(
                    T::RealnameOtherNames.fill(lang, &[&check.other_names.join("、")]),
                    theme.error,
                )));
            }
            lines.push(if check.matches_applicant {
                Line::from(Span::styled(
                    format!("{} {}", view.glyphs().check, T::RealnameMatches.get(lang)),
                    theme.success,
                ))
            } else {
                Line::from(Span::styled(
                    format!("{} {}", view.glyphs().cross, T::RealnameDiffers.get(lang)),
                    theme.error,
                ))
            });
        }
        None => lines.push(Line::from(Span::styled(T::RealnameNone.get(lang), theme.warning))),
    }
    lines.push(section(T::SectionPayment));
    // Money that never came in (the example account, or the demo cashier) is said so to
    // whoever approves it, as on the order view.
    let demo = match order.payment_method.as_deref() {
        Some(m) if m != "sandbox" && view.shared.paid_in_demo(Some(m)) => {
            T::DemoUnpaidMark.get(lang)
        }
        _ => "",
    };
    let method = order
        .payment_method
        .as_deref()
        .map(|m| format!("{demo}{}", format::payment_method(m, lang)))
        .unwrap_or_default();
    let paid = order.paid_at.as_deref().map(format::datetime).unwrap_or_default();
    lines.push(Line::from(format!(
        "{method}{dot}{}{dot}{paid}",
        format::money(order.amount_fen)
    )));
    if let Some(trade) = &order.trade_no {
        lines.push(pair(T::PaymentTrade, trade.clone()));
    }
    // A resubmission: why it came back and what changed since, read first — above the
    // fold, not two pages down (moved to the top below).
    let resubmitted_from = lines.len();
    if order.resubmissions > 0 {
        let last = screen
            .history
            .iter()
            .rev()
            .find(|h| h.action == "reject")
            .and_then(|h| h.reason.as_deref())
            .map(|r| crate::domain::return_reasons_in(r, lang))
            .unwrap_or_default();
        lines.push(Line::from(Span::styled(
            T::PreviousReturn.fill(lang, &[&last]),
            theme.warning,
        )));
        // What was corrected since the return (the corrected form must say the same).
        let since = screen
            .history
            .iter()
            .rposition(|h| h.action == "reject")
            .map_or(0, |i| i + 1);
        // Every correction since, in one line: the fields once each, and who (with the
        // reason they gave, when they gave one).
        let mut fields: Vec<&str> = Vec::new();
        let mut who: Vec<(&str, Vec<&str>)> = Vec::new();
        for edit in screen.history[since.min(screen.history.len())..]
            .iter()
            .filter(|h| h.action == "edit_details")
        {
            // The organisation's fields one by one (the signed form prints them); the
            // address as one, which keeps the line short at 80×24.
            let (named, why) =
                crate::domain::read_edit_record(edit.reason.as_deref().unwrap_or_default());
            let named = named
                .into_iter()
                .filter_map(|f| {
                    if f.starts_with("mailing.") {
                        Some(T::PartMailing)
                    } else {
                        format::order_field(f)
                    }
                })
                .map(|t| t.get(lang));
            for field in named {
                if !fields.contains(&field) {
                    fields.push(field);
                }
            }
            let at = match who.iter().position(|(name, _)| *name == edit.actor.name) {
                Some(at) => at,
                None => {
                    who.push((&edit.actor.name, Vec::new()));
                    who.len() - 1
                }
            };
            if !why.is_empty() && !who[at].1.contains(&why) {
                who[at].1.push(why);
            }
        }
        if !fields.is_empty() {
            let join = T::ListJoin.get(lang);
            let who: Vec<String> = who
                .into_iter()
                .map(|(name, whys)| {
                    if whys.is_empty() {
                        name.to_owned()
                    } else {
                        T::CorrectedBecause.fill(lang, &[name, &whys.join(join)])
                    }
                })
                .collect();
            lines.push(Line::from(Span::styled(
                T::CorrectedSinceReturn.fill(lang, &[&fields.join(join), &who.join(join)]),
                theme.warning,
            )));
        }
    }
    // Notes staff added (what the caller asked support, why it waits), newest first,
    // read before deciding: beside the order on support's screen, never here before.
    for note in screen.history.iter().rev().filter(|h| h.action == "note") {
        let who = format::actor(note.actor.id.as_deref(), &note.actor.name, lang);
        lines.push(Line::from(Span::styled(
            T::ReviewNote.fill(
                lang,
                &[
                    &who,
                    &format::datetime(&note.at),
                    note.reason.as_deref().unwrap_or_default(),
                ],
            ),
            theme.warning,
        )));
    }
    let resubmission = lines.split_off(resubmitted_from);
    lines.splice(0..0, resubmission);
    // Wrapped here, so paging moves by screen rows and never cuts a line. Taller than the
    // pane, the last row says what is below (or that the rest is above) and on which key.
    let rows: Vec<Line> = lines
        .iter()
        .flat_map(|l| paint::wrap_line(l, area.width))
        .collect();
    let total = rows.len() as u16;
    if total <= area.height {
        screen.facts_geometry.set((area.height, total));
        paint::lines(frame, area, rows);
        return;
    }
    let body = area.height.saturating_sub(1);
    screen.facts_geometry.set((body, total));
    let scroll = screen.facts_scroll.min(total - body);
    let below = total - body - scroll;
    let more = if below > 0 {
        T::FactsMoreBelow.fill(lang, &[&below.to_string()])
    } else {
        T::FactsMoreAbove.get(lang).to_owned()
    };
    let mut visible: Vec<Line> = rows
        .into_iter()
        .skip(usize::from(scroll))
        .take(usize::from(body))
        .collect();
    visible.push(Line::from(Span::styled(more, theme.dim)));
    paint::lines(frame, area, visible);
}

/// The attachment shown: its title, then the picture (or why there is none).
fn attachment(screen: &Screen, frame: &mut Frame, area: Rect, view: &View) {
    let (lang, theme) = (view.lang, view.theme);
    // Under the title, whether the scan's QR code names this order (signed forms and
    // corrections are checked on upload), and the other orders the same file is on.
    let check = screen.current().and_then(|c| c.scan_check.as_ref());
    let mut notes = Vec::new();
    if let (Some(check), Some(order)) = (check, &screen.order) {
        let style = if check.is_ok() {
            theme.success
        } else {
            theme.warning
        };
        notes.push(Line::from(Span::styled(
            check.describe(order.order_no.as_str(), lang),
            style,
        )));
    }
    if let Some(said) = screen.current().and_then(|c| c.also_on_said(lang)) {
        notes.push(Line::from(Span::styled(said, theme.warning)));
    }
    // A scanner's PDF of several pages: which one and the keys to turn, first, on a row
    // of its own (the footer has no room left for them in English).
    if let Some(pages) = screen.pages.filter(|n| *n > 1) {
        // The keys that turn from here: no "next" on the last page, no "previous" on the
        // first.
        let text = match (screen.page == 0, screen.page + 1 >= pages) {
            (true, _) => T::PageOfFirst,
            (false, true) => T::PageOfLast,
            (false, false) => T::PageOf,
        };
        let page = text.fill(lang, &[&(screen.page + 1).to_string(), &pages.to_string()]);
        notes.insert(0, Line::from(Span::styled(page, theme.label)));
    }
    // Wrapped, never cut: on a narrow screen a verdict takes two rows.
    let note_rows = paint::height(&notes, area.width);
    let [title, notes_area, room] = Layout::vertical([
        Constraint::Length(1),
        Constraint::Length(note_rows),
        Constraint::Min(1),
    ])
    .areas(area);
    if !notes.is_empty() {
        paint::wrapped(frame, notes_area, notes);
    }
    let attachments = screen.attachments();
    let Some(current) = screen.current() else {
        let text = if screen.order.is_some() {
            T::NoAttachmentsToReview
        } else {
            T::Loading
        };
        paint::line(frame, title, Line::from(text.get(lang)).style(theme.dim));
        return;
    };
    let mut heading = T::AttachmentOf.fill(
        lang,
        &[
            &(screen.attachment + 1).to_string(),
            &attachments.len().to_string(),
            current.kind.label(lang),
        ],
    );
    // Sent since the order was last returned: the correction, not what it corrects.
    let returned_at = screen
        .history
        .iter()
        .filter(|h| h.action == "reject")
        .filter_map(|h| format::parse_time(&h.at))
        .max();
    if returned_at.is_some_and(|at| format::parse_time(&current.uploaded_at).is_some_and(|up| up > at)) {
        heading.push_str(&format!(" · {}", T::AttachmentSinceReturn.get(lang)));
    }
    if screen.zoom > 1 {
        heading.push_str(&format!(
            "  {}",
            T::ZoomLevel.fill(lang, &[&screen.zoom.to_string()])
        ));
    }
    // Cut with a mark where it does not fit (English runs longer), never mid-word unseen.
    let heading = crate::tui::text::fit(&heading, usize::from(title.width), "…");
    paint::line(frame, title, Line::from(Span::styled(heading, theme.label)));
    let cell = match view.graphics {
        Some(picker) => {
            let font = picker.font_size();
            (u32::from(font.width), u32::from(font.height))
        }
        None => (1, 2),
    };
    screen.picture_cells.set((room, cell));
    if let Some(note) = &screen.picture_note {
        paint::wrapped(frame, room, vec![Line::from(note.get(lang)).style(theme.warning)]);
        return;
    }
    let Some(shown) = screen.picture.as_ref().filter(|p| p.attachment_id == current.id && p.page == screen.page) else {
        paint::line(frame, room, Line::from(T::PictureLoading.get(lang)).style(theme.dim));
        return;
    };
    if view.graphics.is_some() {
        // Drawn after the screen is made safe (the protocol writes escape sequences).
        return;
    }
    // Half blocks: a pixel a column, two a row.
    let room_pixels = (u32::from(room.width), u32::from(room.height) * 2);
    let view_image = crop(&shown.image, screen.zoom, screen.centre, room_pixels);
    let (w, h) = picture::fit(
        image::GenericImageView::width(&*view_image),
        image::GenericImageView::height(&*view_image),
        (room.width, room.height),
    );
    let key = ((current.id.clone(), shown.page), shown.asked, screen.zoom, screen.centre, w, h);
    let fitted = CACHE.with(|cache| {
        let mut cache = cache.borrow_mut();
        if let Some((k, image)) = cache.as_ref()
            && *k == key
        {
            return image.clone();
        }
        let image = image::imageops::resize(
            &*view_image,
            w.max(1),
            h.max(1),
            image::imageops::FilterType::Triangle,
        );
        *cache = Some((key, image.clone()));
        image
    });
    let x = room.x + room.width.saturating_sub(fitted.width() as u16) / 2;
    let target = Rect::new(x, room.y, room.width.saturating_sub(x - room.x), room.height);
    let mode = if view.no_color {
        ColorMode::Mono
    } else {
        view.colors
    };
    picture::render(&fitted, target, frame.buffer_mut(), mode);
}

/// The picture (attachment and page), the size asked for, the zoom and centre, the cells.
type CacheKey = ((String, usize), (u32, u32), u8, (f32, f32), u32, u32);

thread_local! {
    /// The last picture fitted for half blocks (fitting is the costly part of a frame).
    static CACHE: RefCell<Option<(CacheKey, RgbImage)>> = const { RefCell::new(None) };
    /// The last graphics-protocol picture (sixel encoding is costlier still).
    static PROTOCOL: RefCell<Option<(CacheKey, ratatui_image::protocol::Protocol)>> =
        const { RefCell::new(None) };
}

/// The part of the image the zoom and centre show in a room of `room` pixels (its cells
/// times a cell's pixels): [`super::screen::view_fraction`] of it, as a view of the image
/// (nothing copied: a frame that finds the picture drawn already costs nothing).
fn crop(
    image: &RgbImage,
    zoom: u8,
    centre: (f32, f32),
    room: (u32, u32),
) -> image::SubImage<&RgbImage> {
    let (w, h) = (image.width(), image.height());
    if zoom <= 1 || w == 0 || h == 0 || room.0 == 0 || room.1 == 0 {
        return image::imageops::crop_imm(image, 0, 0, w, h);
    }
    let (fx, fy) = super::screen::view_fraction((w, h), zoom, room);
    let cw = ((fx * w as f32) as u32).clamp(1, w);
    let ch = ((fy * h as f32) as u32).clamp(1, h);
    let x = ((centre.0 * w as f32) as u32).saturating_sub(cw / 2).min(w - cw);
    let y = ((centre.1 * h as f32) as u32).saturating_sub(ch / 2).min(h - ch);
    image::imageops::crop_imm(image, x, y, cw, ch)
}

/// The picture through a terminal graphics protocol (kitty, sixel, iTerm2).
pub fn draw_graphics(screen: &Screen, frame: &mut Frame, view: &View) {
    let Some(picker) = view.graphics else {
        return;
    };
    if screen.popup.is_some() || screen.picture_note.is_some() {
        return;
    }
    let Some(current) = screen.current() else {
        return;
    };
    let Some(shown) = screen.picture.as_ref().filter(|p| p.attachment_id == current.id && p.page == screen.page) else {
        return;
    };
    let (room, _) = screen.picture_cells.get();
    let room = room.intersection(frame.area());
    if room.is_empty() {
        return;
    }
    let font = picker.font_size();
    let room_pixels = (
        u32::from(room.width) * u32::from(font.width),
        u32::from(room.height) * u32::from(font.height),
    );
    let view_image = crop(&shown.image, screen.zoom, screen.centre, room_pixels);
    let key = (
        (current.id.clone(), shown.page),
        shown.asked,
        screen.zoom,
        screen.centre,
        u32::from(room.width),
        u32::from(room.height),
    );
    PROTOCOL.with(|cache| {
        let mut cache = cache.borrow_mut();
        if cache.as_ref().is_none_or(|(k, _)| *k != key) {
            let made = picker.new_protocol(
                image::DynamicImage::ImageRgb8(view_image.to_image()),
                room.into(),
                ratatui_image::Resize::Fit(None),
            );
            *cache = made.ok().map(|p| (key, p));
        }
        if let Some((_, protocol)) = cache.as_ref() {
            frame.render_widget(ratatui_image::Image::new(protocol), room);
        }
    });
}

fn draw_popup(screen: &Screen, popup: &Popup, frame: &mut Frame, area: Rect, view: &View) {
    let (lang, theme) = (view.lang, view.theme);
    match popup {
        Popup::Approve => {
            // Said before the decision: what the order lacks for approval, and then it is
            // not asked for but offered to be returned.
            let gaps = screen.gaps();
            let title = if gaps.is_empty() { T::ApproveTitle } else { T::ApproveNotReadyTitle };
            let mut lines = vec![Line::from(title.fill(lang, &[&screen.order_no]))];
            for gap in gaps {
                lines.push(match gap {
                    ApprovalGap::NoSignedForm => Line::from(T::ApproveNoSignedForm.get(lang)).style(theme.warning),
                    ApprovalGap::NotVerified => Line::from(T::ApproveNoRealname.get(lang)).style(theme.warning),
                    ApprovalGap::NotTheApplicant => Line::from(T::ApproveRealnameDiffers.get(lang)).style(theme.error),
                });
            }
            // What the attachments warn of, said again before the decision: the reviewer
            // may not have turned to each (a scan whose code was not read, a file sent for
            // another order too).
            // Each scan's warning names its attachment as the pane heads it (附件 2/2：签字
            // 申请表): a warning of the first scan read as one of the correction. A form
            // printed before the organisation was corrected, answered by a newer scan that
            // matches, warns of nothing any more.
            let attachments = screen.attachments();
            let answered = |at: usize| {
                attachments[..at].iter().any(|newer| {
                    newer.kind.carries_signed_form() && newer.scan_check.as_ref().is_some_and(|c| c.is_ok())
                })
            };
            let mut warnings: Vec<String> = Vec::new();
            for (at, attachment) in attachments.iter().enumerate() {
                let check = attachment
                    .scan_check
                    .as_ref()
                    .filter(|c| !c.is_ok())
                    .filter(|c| !(c.outcome == crate::api::ScanOutcome::Outdated && answered(at)));
                // Said of its attachment as the pane heads it: `附件 2/2：签字申请表 ⚠ …`.
                let of_it = |what: String| {
                    T::AttachmentOf.fill(
                        lang,
                        &[
                            &(at + 1).to_string(),
                            &attachments.len().to_string(),
                            &format!("{} {what}", attachment.kind.label(lang)),
                        ],
                    )
                };
                let said = check
                    .map(|c| of_it(c.describe(&screen.order_no, lang)))
                    .into_iter()
                    .chain(attachment.also_on_said(lang))
                    // Never turned to on this screen (arrived meanwhile, or passed over).
                    .chain(
                        (!screen.seen.contains(&attachment.id))
                            .then(|| of_it(T::ApproveNotSeen.get(lang).to_owned())),
                    );
                for said in said {
                    if !warnings.contains(&said) {
                        warnings.push(said);
                    }
                }
            }
            lines.extend(warnings.into_iter().map(|w| Line::from(w).style(theme.warning)));
            let width = 60.min(area.width);
            let rows = paint::height(&lines, width - 4);
            let rect = popup::centered(area, width, rows + 2);
            let inner = popup::open(frame, rect, view.theme, view.ascii, T::CmdReviewApprove.get(lang).to_owned())
                .inner(Margin::new(1, 0));
            paint::wrapped(frame, inner, lines);
        }
        Popup::Return(list) => checklist(list, frame, area, view),
        Popup::Save {
            input,
            error,
            choices,
        } => {
            let width = 66.min(area.width);
            let mut lines = vec![Line::from(T::SaveTitle.get(lang)).style(theme.dim)];
            if let Some(error) = error {
                lines.push(Line::from(format!("! {}", error.get(lang))).style(theme.error));
            }
            if let Some(choices) = choices {
                lines.push(Line::from(T::PathChoices.fill(lang, &[choices])).style(theme.dim));
            }
            let rows = paint::height(&lines, width - 4) + 1;
            let rect = popup::centered(area, width, rows + 2);
            let inner = popup::open(frame, rect, view.theme, view.ascii, T::CmdSaveAttachment.get(lang).to_owned())
                .inner(Margin::new(1, 0));
            input.render(frame, Rect::new(inner.x, inner.y, inner.width, 1), theme.input_focus, true, view.glyphs().ellipsis);
            let below = Rect::new(inner.x, inner.y + 1, inner.width, inner.height.saturating_sub(1));
            paint::wrapped(frame, below, lines);
        }
    }
}

fn checklist(list: &Checklist, frame: &mut Frame, area: Rect, view: &View) {
    let (lang, theme) = (view.lang, view.theme);
    let width = 68.min(area.width);
    let text_width = width - 4;
    let mut intro = vec![Line::from(T::ReturnTitle.fill(lang, &[&(OTHER + 1).to_string()])).style(theme.dim)];
    if list.gaps_ticked {
        intro.push(Line::from(T::ReturnGapsTicked.get(lang)).style(theme.warning));
    }
    let mut tail = Vec::new();
    // "Other" typed longer than its row shows: the whole of it under the list, to be read
    // over before it is sent to the customer.
    let other = list.other.text();
    let other_room = text_width.saturating_sub(
        unicode_width::UnicodeWidthStr::width(REASONS[OTHER].get(lang)) as u16 + 8,
    );
    if unicode_width::UnicodeWidthStr::width(other.as_str()) as u16 >= other_room {
        tail.push(Line::from(T::ReturnOtherWhole.fill(lang, &[&other])).style(theme.dim));
    }
    if let Some(error) = &list.error {
        tail.push(Line::from(format!("! {}", error.get(lang))).style(theme.error));
    }
    let shown = list.rows();
    let rows = paint::height(&intro, text_width) + shown.len() as u16 + paint::height(&tail, text_width);
    let rect = popup::centered(area, width, rows + 2);
    let inner = popup::open(frame, rect, view.theme, view.ascii, T::CmdReviewReturn.get(lang).to_owned())
        .inner(Margin::new(1, 0));
    let mut y = inner.y + paint::wrapped(frame, inner, intro);
    let colon = if lang == Lang::ZhCn { "：" } else { ": " };
    for i in shown {
        let style = if i == list.cursor {
            theme.selection
        } else {
            theme.popup
        };
        let row = Rect::new(inner.x, y, inner.width, 1);
        // The vouchers' total, typed on its own row under their amount's reason.
        let Some(reason) = REASONS.get(i) else {
            let label = format!("      {}{colon}", T::ReturnVoucherTotal.get(lang));
            let w = unicode_width::UnicodeWidthStr::width(label.as_str()) as u16;
            paint::line(frame, row, Line::from(Span::styled(label, style)));
            let field = Rect::new(row.x + w, y, row.width.saturating_sub(w), 1);
            let focus = list.cursor == TOTAL;
            let input_style = if focus { theme.input_focus } else { theme.input };
            list.total.render(frame, field, input_style, focus, view.glyphs().ellipsis);
            y += 1;
            continue;
        };
        let tick = if list.checked[i] { "[x]" } else { "[ ]" };
        let label = format!("{} {tick} {}", i + 1, reason.get(lang));
        // Kept in its place (the digits stay the same on every order), said not to apply.
        let (label, style) = match list.not_for_this(i) {
            Some(only) => (format!("{label}{}", only.get(lang)), theme.dim),
            None => (label, style),
        };
        if i == OTHER {
            // "Other" is typed on its own row, right after its label.
            let label = format!("{label}{colon}");
            let w = unicode_width::UnicodeWidthStr::width(label.as_str()) as u16;
            paint::line(frame, row, Line::from(Span::styled(label, style)));
            let field = Rect::new(row.x + w, y, row.width.saturating_sub(w), 1);
            let focus = list.cursor == OTHER;
            let input_style = if focus { theme.input_focus } else { theme.input };
            list.other.render(frame, field, input_style, focus, view.glyphs().ellipsis);
        } else {
            paint::line(frame, row, Line::from(Span::styled(label, style)));
        }
        y += 1;
    }
    let below = Rect::new(inner.x, y, inner.width, inner.bottom().saturating_sub(y));
    paint::wrapped(frame, below, tail);
}
