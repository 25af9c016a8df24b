//! One order in full: its data (personal data masked unless revealed), the actions this
//! operator may take, the status timeline and the attachments. Scrolls with ↑↓ / PgUp PgDn.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Paragraph, Wrap};

use super::{block, glyphs};
use crate::api::{HistoryEntry, Order};
use crate::domain::{Action, OrderStatus};
use crate::i18n::{Lang, T};
use crate::tui::app::{App, Detail};
use crate::tui::format;
use crate::tui::keys::action_key;
use crate::tui::theme::Theme;

/// Draws the open order.
pub fn draw(frame: &mut Frame, app: &App, detail: &Detail, area: Rect) {
    let lang = app.lang;
    let theme = &app.theme;
    let title = match &detail.order {
        Some(order) => format!(
            "{} {}{}{}",
            T::OrderTitle.get(lang),
            order.order_no,
            glyphs(app).dot,
            order.status.label(lang)
        ),
        None => format!("{} {}", T::OrderTitle.get(lang), detail.order_no),
    };
    let outer = block(app, title, true);
    let inner = outer.inner(area);
    frame.render_widget(outer, area);
    let lines = match &detail.order {
        Some(order) => order_lines(order, &detail.history, detail.tracking.as_ref(), app),
        None => {
            let text = match &detail.error {
                Some(error) => Line::from(error.clone()).style(theme.error),
                None => Line::from(T::Loading.get(lang)).style(theme.dim),
            };
            vec![text]
        }
    };
    let mut lines = lines;
    if let Some(error) = detail.error.as_ref().filter(|_| detail.order.is_some()) {
        lines.insert(0, Line::from(error.clone()).style(theme.error));
    }
    let max_scroll = (lines.len() as u16).saturating_sub(inner.height);
    let scroll = detail.scroll.min(max_scroll);
    frame.render_widget(
        Paragraph::new(lines)
            .wrap(Wrap { trim: false })
            .scroll((scroll, 0)),
        inner,
    );
}

fn pair<'a>(theme: &Theme, label: T, value: impl Into<String>, lang: Lang) -> Vec<Span<'a>> {
    vec![
        Span::styled(format!("{} ", label.get(lang)), theme.label),
        Span::styled(value.into(), theme.base),
        Span::raw("   "),
    ]
}

fn section<'a>(app: &App, title: T) -> Line<'a> {
    let rule = glyphs(app).rule;
    Line::from(Span::styled(
        format!("{rule} {} {rule}", title.get(app.lang)),
        app.theme.title,
    ))
}

fn order_lines<'a>(
    order: &Order,
    history: &[HistoryEntry],
    tracking: Option<&Result<crate::api::Tracking, String>>,
    app: &App,
) -> Vec<Line<'a>> {
    let lang = app.lang;
    let theme = &app.theme;
    let mut lines = Vec::new();
    let mut first = vec![
        Span::styled(format!("{} ", T::FieldStatus.get(lang)), theme.label),
        Span::styled(
            order.status.label(lang).to_owned(),
            theme.status(order.status).patch(Style::default()),
        ),
        Span::raw("   "),
    ];
    first.extend(pair(
        theme,
        T::FieldAmount,
        format::money(order.amount_fen),
        lang,
    ));
    first.extend(pair(
        theme,
        T::FieldUserType,
        order.user_type.label(lang),
        lang,
    ));
    lines.push(Line::from(first));
    lines.push(Line::from(pair(
        theme,
        T::FieldProject,
        format!(
            "{}{}{}",
            order.project_name,
            glyphs(app).dot,
            order.product_name
        ),
        lang,
    )));

    let a = &order.applicant;
    let mut applicant = pair(theme, T::FieldApplicant, a.name.clone(), lang);
    applicant.extend(pair(theme, T::FieldIdNumber, a.id_number.clone(), lang));
    applicant.extend(pair(theme, T::FieldPhone, a.phone.clone(), lang));
    lines.push(Line::from(applicant));
    if let Some(email) = &a.email {
        lines.push(Line::from(pair(theme, T::FieldEmail, email.clone(), lang)));
    }
    if let Some(org) = &order.organization {
        let mut spans = pair(theme, T::FieldOrganization, org.name.clone(), lang);
        spans.extend(pair(theme, T::FieldUscc, org.uscc.clone(), lang));
        spans.extend(pair(
            theme,
            T::FieldLegalRep,
            org.legal_representative.clone(),
            lang,
        ));
        lines.push(Line::from(spans));
    }
    let m = &order.mailing;
    lines.push(Line::from(pair(
        theme,
        T::FieldMailing,
        format!(
            "{} {} {}{}{} {} {}",
            m.recipient, m.phone, m.province, m.city, m.district, m.street, m.postal_code
        ),
        lang,
    )));
    let mut money = Vec::new();
    if let Some(method) = &order.payment_method {
        let when = order
            .paid_at
            .as_deref()
            .map(format::datetime)
            .unwrap_or_default();
        money.extend(pair(
            theme,
            T::FieldPayment,
            format!("{method} {when}"),
            lang,
        ));
    }
    if let Some(shipment) = &order.shipment {
        money.extend(pair(
            theme,
            T::FieldShipment,
            format!("{} {}", shipment.carrier, shipment.tracking_no),
            lang,
        ));
    }
    match (&order.invoice, &order.invoice_no) {
        (Some(invoice), _) => money.extend(pair(
            theme,
            T::FieldInvoice,
            format!(
                "{} {} {}",
                invoice.invoice_no, invoice.buyer_name, invoice.email
            ),
            lang,
        )),
        (None, Some(number)) => money.extend(pair(theme, T::FieldInvoice, number.clone(), lang)),
        (None, None) => {}
    }
    if !money.is_empty() {
        lines.push(Line::from(money));
    }
    if let Some(tracking) = tracking {
        lines.extend(tracking_lines(tracking, app));
    }
    let mut submitted = pair(
        theme,
        T::FieldSubmittedBy,
        format!(
            "{} {}",
            order.submitted_by.name,
            format::datetime(&order.created_at)
        ),
        lang,
    );
    if let Some(note) = &order.note {
        submitted.extend(pair(theme, T::FieldNote, note.clone(), lang));
    }
    lines.push(Line::from(submitted));
    if !order.rejection_reasons.is_empty() {
        lines.push(Line::from(vec![
            Span::styled(format!("{} ", T::FieldRejection.get(lang)), theme.label),
            Span::styled(order.rejection_reasons.join("；"), theme.error),
        ]));
    }
    let privacy = if order.revealed {
        T::RevealedHint
    } else {
        T::MaskedHint
    };
    if order.revealed || app.me.as_ref().is_some_and(|m| m.may_reveal) {
        lines.push(Line::from(privacy.get(lang)).style(theme.dim));
    }

    lines.push(Line::default());
    lines.push(section(app, T::SectionActions));
    let context = app.context();
    let collectible = context.collectible;
    if order.allowed_actions.is_empty() && !collectible && !context.returned {
        lines.push(Line::from(T::NoActions.get(lang)).style(theme.dim));
    } else {
        let mut spans = Vec::new();
        if collectible {
            spans.push(Span::styled(" p ", theme.footer_key));
            spans.push(Span::styled(
                format!(" {}   ", T::ActionCollect.get(lang)),
                theme.base,
            ));
        }
        if context.returned {
            spans.push(Span::styled(" p ", theme.footer_key));
            spans.push(Span::styled(
                format!(" {}   ", T::ActionPrintNotice.get(lang)),
                theme.base,
            ));
        }
        for action in &order.allowed_actions {
            spans.push(Span::styled(
                format!(" {} ", action_key(*action)),
                theme.footer_key,
            ));
            spans.push(Span::styled(
                format!(" {}   ", action.label(lang)),
                theme.base,
            ));
        }
        lines.push(Line::from(spans));
    }

    lines.push(Line::default());
    lines.push(section(app, T::SectionTimeline));
    for entry in history {
        lines.push(history_line(entry, app));
    }

    lines.push(Line::default());
    lines.push(section(app, T::SectionAttachments));
    if order.attachments.is_empty() {
        lines.push(Line::from(T::NoAttachments.get(lang)).style(theme.dim));
    }
    for attachment in &order.attachments {
        lines.push(Line::from(vec![
            Span::styled(format!("{} ", attachment.kind.label(lang)), theme.label),
            Span::styled(attachment.filename.clone(), theme.base),
            Span::styled(
                format!(
                    "  {}  {} KB  {}  {}",
                    attachment.content_type,
                    (attachment.size + 1023) / 1024,
                    attachment.uploaded_by.name,
                    format::datetime(&attachment.uploaded_at)
                ),
                theme.dim,
            ),
        ]));
    }
    lines
}

fn history_line<'a>(entry: &HistoryEntry, app: &App) -> Line<'a> {
    let (theme, lang) = (&app.theme, app.lang);
    let action = match entry.action.as_str() {
        "submit" => T::ActionSubmit.get(lang).to_owned(),
        "note" => T::ActionNote.get(lang).to_owned(),
        "attach" => T::ActionAttach.get(lang).to_owned(),
        "reveal" => T::ActionReveal.get(lang).to_owned(),
        "print" => T::ActionPrint.get(lang).to_owned(),
        "claim" => T::ActionClaim.get(lang).to_owned(),
        "takeover" => T::ActionTakeover.get(lang).to_owned(),
        "release" => T::ActionRelease.get(lang).to_owned(),
        other => Action::parse(other)
            .map(|a| a.label(lang).to_owned())
            .unwrap_or_else(|| other.to_owned()),
    };
    let label = |s: Option<OrderStatus>| s.map(|s| s.label(lang).to_owned()).unwrap_or_default();
    let mut spans = vec![
        Span::styled(format!("{}  ", format::datetime(&entry.at)), theme.dim),
        Span::styled(format!("{}  ", entry.actor.name), theme.label),
        Span::styled(action, theme.accent),
    ];
    if entry.to_status.is_some() {
        let from = entry
            .from_status
            .map(|_| format!("{}{}", label(entry.from_status), glyphs(app).arrow))
            .unwrap_or_default();
        spans.push(Span::styled(
            format!("  {from}{}", label(entry.to_status)),
            theme.base,
        ));
    }
    if let Some(reason) = &entry.reason {
        spans.push(Span::styled(format!("  {reason}"), theme.dim));
    }
    Line::from(spans)
}

/// The parcel's timeline, newest first, with the provider's state and, when the last
/// question failed, why (the events are then the last known ones).
fn tracking_lines<'a>(tracking: &Result<crate::api::Tracking, String>, app: &App) -> Vec<Line<'a>> {
    use crate::domain::TrackingState;
    let (lang, theme) = (app.lang, &app.theme);
    let label = |state: &str| {
        TrackingState::parse(state)
            .map(|s| s.label().get(lang).to_owned())
            .unwrap_or_else(|| state.to_owned())
    };
    let mut lines = vec![section(app, T::SectionTracking)];
    let tracking = match tracking {
        Ok(tracking) => tracking,
        Err(error) => {
            lines.push(Line::from(error.clone()).style(theme.error));
            return lines;
        }
    };
    let mut head = vec![Span::styled(
        format!("{} {}", tracking.carrier_name, tracking.tracking_no),
        theme.base,
    )];
    if let Some(state) = &tracking.state {
        head.push(Span::raw("  "));
        head.push(Span::styled(label(state), theme.accent));
    }
    if let Some(at) = &tracking.fetched_at {
        head.push(Span::styled(
            format!(
                "  {}",
                T::TrackingUpdated.fill(lang, &[&format::datetime(at)])
            ),
            theme.dim,
        ));
    }
    lines.push(Line::from(head));
    if let Some(error) = &tracking.error {
        lines.push(Line::from(T::TrackingFailed.fill(lang, &[error])).style(theme.warning));
    }
    if tracking.events.is_empty() {
        lines.push(Line::from(T::TrackingNone.get(lang)).style(theme.dim));
    }
    for event in tracking.events.iter().take(10) {
        let mut spans = vec![Span::styled(format!("{}  ", event.time), theme.dim)];
        if let Some(state) = &event.state {
            spans.push(Span::styled(format!("{}  ", label(state)), theme.label));
        }
        spans.push(Span::styled(event.context.clone(), theme.base));
        lines.push(Line::from(spans));
    }
    if tracking.events.len() > 10 {
        lines.push(
            Line::from(T::TrackingMore.fill(lang, &[&(tracking.events.len() - 10).to_string()]))
                .style(theme.dim),
        );
    }
    lines
}
