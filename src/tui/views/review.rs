//! The 审核队列 tab: the queue against the promise, and one order beside its scan.

use std::cell::RefCell;

use image::RgbImage;
use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Cell, Clear, Paragraph, Row, Table, Wrap};

use super::{block, centered, glyphs};
use crate::api::ReviewItem;
use crate::domain::{Deadline, OrderStatus};
use crate::i18n::T;
use crate::tui::app::{App, Notice};
use crate::tui::format;
use crate::tui::review::{Hold, Popup, REASONS, Screen};
use crate::tui::widgets::picture::{self, ColorMode};

/// Draws the tab.
pub fn draw(frame: &mut Frame, app: &App, area: Rect) {
    match &app.review.screen {
        Some(screen) => draw_screen(frame, app, screen, area),
        None => draw_queue(frame, app, area),
    }
}

fn hours(minutes: i64) -> String {
    format!("{:.1}", minutes as f64 / 60.0)
}

fn draw_queue(frame: &mut Frame, app: &App, area: Rect) {
    let (lang, theme, review) = (app.lang, &app.theme, &app.review);
    let [summary, table_area, notice] = Layout::vertical([
        Constraint::Length(1),
        Constraint::Min(1),
        Constraint::Length(1),
    ])
    .areas(area);
    let count = |d: Deadline| review.items.iter().filter(|i| i.deadline == d).count();
    let days = review.promise_days.max(1).to_string();
    let summary_text = if review.loaded {
        T::QueueSummary.fill(
            lang,
            &[
                &review.items.len().to_string(),
                &count(Deadline::Overdue).to_string(),
                &count(Deadline::Soon).to_string(),
                &days,
            ],
        )
    } else {
        String::new()
    };
    frame.render_widget(
        Paragraph::new(Line::from(summary_text)).style(theme.dim),
        summary,
    );
    draw_notice(frame, app, review.notice.as_ref(), notice);
    if review.items.is_empty() {
        let text = if let Some(error) = &review.error {
            Line::from(error.as_str()).style(theme.error)
        } else if !review.loaded {
            Line::from(T::Loading.get(lang)).style(theme.dim)
        } else {
            Line::from(T::QueueEmpty.get(lang)).style(theme.dim)
        };
        let [_, message] =
            Layout::vertical([Constraint::Length(2), Constraint::Length(1)]).areas(table_area);
        frame.render_widget(Paragraph::new(text).centered(), message);
        return;
    }
    let body_rows = table_area.height.saturating_sub(1) as usize;
    review.viewport.set(body_rows);
    let mut offset = review.offset.get();
    if review.selected < offset {
        offset = review.selected;
    } else if body_rows > 0 && review.selected >= offset + body_rows {
        offset = review.selected + 1 - body_rows;
    }
    review.offset.set(offset);
    let header = Row::new(
        [
            T::ColOrderNo,
            T::ColCustomer,
            T::ColProject,
            T::ColWaited,
            T::ColMarks,
            T::ColReviewer,
        ]
        .map(|t| Cell::from(t.get(lang))),
    )
    .style(theme.header);
    let rows = review
        .items
        .iter()
        .enumerate()
        .skip(offset)
        .take(body_rows)
        .map(|(i, item)| queue_row(app, item, i == review.selected));
    let table = Table::new(
        rows,
        [
            Constraint::Length(16),
            Constraint::Length(8),
            Constraint::Length(14),
            Constraint::Length(10),
            Constraint::Length(14),
            Constraint::Min(6),
        ],
    )
    .header(header)
    .column_spacing(1);
    frame.render_widget(table, table_area);
}

fn queue_row<'a>(app: &App, item: &ReviewItem, selected: bool) -> Row<'a> {
    let (lang, theme) = (app.lang, &app.theme);
    let mut marks = Vec::new();
    let mark_style = match item.deadline {
        Deadline::Overdue => {
            marks.push(T::DeadlineOverdue.get(lang));
            theme.error
        }
        Deadline::Soon => {
            marks.push(T::DeadlineSoon.get(lang));
            theme.warning
        }
        Deadline::Ok => theme.dim,
    };
    if item.resubmissions > 0 {
        marks.push(T::Resubmitted.get(lang));
    }
    if item.own {
        marks.push(T::OwnOrder.get(lang));
    }
    let base = if selected {
        theme.selection
    } else {
        theme.base
    };
    let pick = |style| if selected { theme.selection } else { style };
    Row::new(vec![
        Cell::from(item.order.order_no.clone()),
        Cell::from(item.order.customer_name.clone()),
        Cell::from(item.order.project_name.clone()),
        Cell::from(format!(
            "{}/{}",
            hours(item.waited_minutes),
            hours(item.promised_minutes)
        ))
        .style(pick(mark_style)),
        Cell::from(marks.join(" ")).style(pick(mark_style)),
        Cell::from(
            item.claim
                .as_ref()
                .map(|c| c.by.name.clone())
                .unwrap_or_default(),
        )
        .style(pick(theme.accent)),
    ])
    .style(base)
}

fn draw_notice(frame: &mut Frame, app: &App, notice: Option<&Notice>, area: Rect) {
    let line = match notice {
        Some(Notice::Info(text)) => Line::from(format!(" {text}")).style(app.theme.info),
        Some(Notice::Error(text)) => Line::from(format!(" ! {text}")).style(app.theme.error),
        None => Line::default(),
    };
    frame.render_widget(Paragraph::new(line), area);
}

fn draw_screen(frame: &mut Frame, app: &App, screen: &Screen, area: Rect) {
    let (lang, theme) = (app.lang, &app.theme);
    let [top, body, notice] = Layout::vertical([
        Constraint::Length(1),
        Constraint::Min(1),
        Constraint::Length(1),
    ])
    .areas(area);
    // Who holds it.
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
        Hold::Refused(why) => (why.clone(), theme.warning),
        Hold::Watching => (T::ReviewWatching.get(lang).to_owned(), theme.dim),
    };
    let status = screen
        .order
        .as_ref()
        .map(|o| o.status)
        .unwrap_or(OrderStatus::PendingReview);
    frame.render_widget(
        Paragraph::new(Line::from(vec![
            Span::styled(format!(" {} ", screen.order_no), theme.title),
            Span::styled(status.label(lang), theme.status(status)),
            Span::styled(format!("  {}  ", glyphs(app).bar), theme.dim),
            Span::styled(hold, hold_style),
        ])),
        top,
    );
    draw_notice(frame, app, app.review.notice.as_ref(), notice);
    let left_width = (body.width * 9 / 20).clamp(30, 48);
    let [_, left, _, right] = Layout::horizontal([
        Constraint::Length(1),
        Constraint::Length(left_width),
        Constraint::Length(1),
        Constraint::Min(10),
    ])
    .areas(body);
    facts(frame, app, screen, left);
    attachment(frame, app, screen, right);
    if let Some(popup) = &screen.popup {
        draw_popup(frame, app, screen, popup, body);
    }
}

/// The application as submitted, the identity check, the payment, earlier returns.
fn facts(frame: &mut Frame, app: &App, screen: &Screen, area: Rect) {
    let (lang, theme) = (app.lang, &app.theme);
    let Some(order) = &screen.order else {
        frame.render_widget(
            Paragraph::new(Line::from(T::Loading.get(lang)).style(theme.dim)),
            area,
        );
        return;
    };
    let pair = |label: T, value: String| {
        Line::from(vec![
            Span::styled(format!("{} ", label.get(lang)), theme.label),
            Span::styled(value, theme.base),
        ])
    };
    let section = |title: T| Line::from(Span::styled(title.get(lang), theme.header));
    let mut lines = vec![
        section(T::SectionApplicant),
        pair(
            T::FieldApplicant,
            format!("{} {}", order.applicant.name, order.applicant.id_number),
        ),
        pair(T::FieldPhone, order.applicant.phone.clone()),
    ];
    if let Some(org) = &order.organization {
        lines.push(pair(
            T::FieldOrganization,
            format!("{} {}", org.name, org.uscc),
        ));
    }
    lines.push(pair(T::FieldProject, order.project_name.clone()));
    lines.push(pair(
        T::DocProduct,
        format!(
            "{} · {}",
            order.product_name,
            format::money(order.amount_fen)
        ),
    ));
    lines.push(section(T::SectionRealname));
    match &order.realname {
        Some(check) => {
            lines.push(Line::from(format!("{} {}", check.name, check.id_number)));
            lines.push(if check.matches_applicant {
                Line::from(Span::styled(
                    format!("{} {}", glyphs(app).check, T::RealnameMatches.get(lang)),
                    theme.success,
                ))
            } else {
                Line::from(Span::styled(
                    format!("{} {}", glyphs(app).cross, T::RealnameDiffers.get(lang)),
                    theme.error,
                ))
            });
        }
        None => lines.push(Line::from(Span::styled(
            T::RealnameNone.get(lang),
            theme.warning,
        ))),
    }
    lines.push(section(T::SectionPayment));
    let method = match order.payment_method.as_deref() {
        Some("bank_transfer") => T::PayMethodBank.get(lang).to_owned(),
        Some("alipay") => T::PayMethodAlipay.get(lang).to_owned(),
        Some("sandbox") => T::PayMethodSandbox.get(lang).to_owned(),
        Some(other) => other.to_owned(),
        None => String::new(),
    };
    lines.push(Line::from(format!(
        "{method} · {} · {}",
        format::money(order.amount_fen),
        order
            .paid_at
            .as_deref()
            .map(format::datetime)
            .unwrap_or_default()
    )));
    if let Some(trade) = &order.trade_no {
        lines.push(pair(T::PaymentTrade, trade.clone()));
    }
    if order.resubmissions > 0 {
        let last = screen
            .history
            .iter()
            .rev()
            .find(|h| h.action == "reject")
            .and_then(|h| h.reason.clone())
            .unwrap_or_default();
        lines.push(Line::from(Span::styled(
            T::PreviousReturn.fill(lang, &[&last]),
            theme.warning,
        )));
    }
    frame.render_widget(Paragraph::new(lines).wrap(Wrap { trim: false }), area);
}

/// The attachment shown: its title, then the picture (or why there is none).
fn attachment(frame: &mut Frame, app: &App, screen: &Screen, area: Rect) {
    let (lang, theme) = (app.lang, &app.theme);
    let [title, room] = Layout::vertical([Constraint::Length(1), Constraint::Min(1)]).areas(area);
    let attachments = screen.attachments();
    let Some(current) = screen.current() else {
        let text = if screen.order.is_some() {
            T::NoAttachmentsToReview
        } else {
            T::Loading
        };
        frame.render_widget(
            Paragraph::new(Line::from(text.get(lang)).style(theme.dim)),
            title,
        );
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
    if screen.zoom > 1 {
        heading.push_str(&format!(
            "  {}",
            T::ZoomLevel.fill(lang, &[&screen.zoom.to_string()])
        ));
    }
    frame.render_widget(
        Paragraph::new(Line::from(Span::styled(heading, theme.label))),
        title,
    );
    screen.picture_cells.set((room.width, room.height));
    if let Some(note) = &screen.picture_note {
        frame.render_widget(
            Paragraph::new(Line::from(note.as_str()).style(theme.warning))
                .wrap(Wrap { trim: false }),
            room,
        );
        return;
    }
    let Some(shown) = screen
        .picture
        .as_ref()
        .filter(|p| p.attachment_id == current.id)
    else {
        frame.render_widget(
            Paragraph::new(Line::from(T::PictureLoading.get(lang)).style(theme.dim)),
            room,
        );
        return;
    };
    let view = crop(&shown.image, screen.zoom, screen.centre);
    match &app.graphics {
        Some(picker)
            if picker.protocol_type() != ratatui_image::picker::ProtocolType::Halfblocks =>
        {
            draw_graphics(frame, picker, &view, room, screen, shown.asked);
        }
        _ => {
            let (w, h) = picture::fit(view.width(), view.height(), (room.width, room.height));
            let key = (
                current.id.clone(),
                shown.asked,
                screen.zoom,
                screen.centre,
                w,
                h,
            );
            let fitted = CACHE.with(|cache| {
                let mut cache = cache.borrow_mut();
                if let Some((k, image)) = cache.as_ref()
                    && *k == key
                {
                    return image.clone();
                }
                let image = image::imageops::resize(
                    &view,
                    w.max(1),
                    h.max(1),
                    image::imageops::FilterType::Triangle,
                );
                *cache = Some((key, image.clone()));
                image
            });
            let x = room.x + room.width.saturating_sub(fitted.width() as u16) / 2;
            let target = Rect::new(
                x,
                room.y,
                room.width.saturating_sub(x - room.x),
                room.height,
            );
            picture::render(&fitted, target, frame.buffer_mut(), mode(app));
        }
    }
}

type CacheKey = (String, (u32, u32), u8, (f32, f32), u32, u32);

thread_local! {
    /// The last picture fitted for half blocks (fitting is the costly part of a frame).
    static CACHE: RefCell<Option<(CacheKey, RgbImage)>> = const { RefCell::new(None) };
    /// The last graphics-protocol picture (sixel encoding is costlier still).
    static PROTOCOL: RefCell<Option<(CacheKey, ratatui_image::protocol::Protocol)>> =
        const { RefCell::new(None) };
}

fn mode(app: &App) -> ColorMode {
    if app.no_color {
        ColorMode::Mono
    } else {
        app.colors
    }
}

/// The part of the image the zoom and centre show.
fn crop(image: &RgbImage, zoom: u8, centre: (f32, f32)) -> RgbImage {
    let (w, h) = (image.width(), image.height());
    if zoom <= 1 || w == 0 || h == 0 {
        return image.clone();
    }
    let (cw, ch) = ((w / u32::from(zoom)).max(1), (h / u32::from(zoom)).max(1));
    let x = ((centre.0 * w as f32) as u32)
        .saturating_sub(cw / 2)
        .min(w - cw);
    let y = ((centre.1 * h as f32) as u32)
        .saturating_sub(ch / 2)
        .min(h - ch);
    image::imageops::crop_imm(image, x, y, cw, ch).to_image()
}

fn draw_graphics(
    frame: &mut Frame,
    picker: &ratatui_image::picker::Picker,
    view: &RgbImage,
    room: Rect,
    screen: &Screen,
    asked: (u32, u32),
) {
    let id = screen.current().map(|a| a.id.clone()).unwrap_or_default();
    let key = (
        id,
        asked,
        screen.zoom,
        screen.centre,
        u32::from(room.width),
        u32::from(room.height),
    );
    PROTOCOL.with(|cache| {
        let mut cache = cache.borrow_mut();
        let fresh = cache.as_ref().is_none_or(|(k, _)| *k != key);
        if fresh {
            let made = picker.new_protocol(
                image::DynamicImage::ImageRgb8(view.clone()),
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

fn draw_popup(frame: &mut Frame, app: &App, screen: &Screen, popup: &Popup, area: Rect) {
    let (lang, theme) = (app.lang, &app.theme);
    match popup {
        Popup::Approve => {
            let text = T::ApproveTitle.fill(lang, &[&screen.order_no]);
            let rect = centered(area, 60, 3);
            frame.render_widget(Clear, rect);
            frame.render_widget(
                Paragraph::new(Line::from(text))
                    .wrap(Wrap { trim: false })
                    .block(block(app, T::CmdReviewApprove.get(lang).to_owned(), true))
                    .style(theme.popup),
                rect,
            );
        }
        Popup::Return {
            checked,
            cursor,
            other,
            error,
        } => {
            let rect = centered(area, 64, REASONS.len() as u16 + 6);
            frame.render_widget(Clear, rect);
            let outer = block(app, T::CmdReviewReturn.get(lang).to_owned(), true);
            let inner = outer.inner(rect);
            frame.render_widget(outer.style(theme.popup), rect);
            let mut lines = vec![Line::from(T::ReturnTitle.get(lang)).style(theme.dim)];
            for (i, reason) in REASONS.iter().enumerate() {
                let tick = if checked[i] { "[x]" } else { "[ ]" };
                let style = if i == *cursor {
                    theme.selection
                } else {
                    theme.popup
                };
                lines.push(Line::from(Span::styled(
                    format!("{} {tick} {}", i + 1, reason.get(lang)),
                    style,
                )));
            }
            let text = other.text();
            let style = if *cursor == REASONS.len() {
                theme.input_focus
            } else {
                theme.input
            };
            lines.push(Line::from(vec![
                Span::styled("  > ", theme.label),
                Span::styled(format!("{text:<40}"), style),
            ]));
            if let Some(error) = error {
                lines.push(Line::from(format!("! {error}")).style(theme.error));
            }
            frame.render_widget(Paragraph::new(lines).wrap(Wrap { trim: false }), inner);
        }
        Popup::Save { input, error } => {
            let rect = centered(area, 66, 5);
            frame.render_widget(Clear, rect);
            let outer = block(app, T::SaveTitle.get(lang).to_owned(), true);
            let inner = outer.inner(rect);
            frame.render_widget(outer.style(theme.popup), rect);
            let mut lines = vec![Line::from(Span::styled(input.text(), theme.input_focus))];
            if let Some(error) = error {
                lines.push(Line::from(format!("! {error}")).style(theme.error));
            }
            frame.render_widget(Paragraph::new(lines), inner);
        }
    }
}
