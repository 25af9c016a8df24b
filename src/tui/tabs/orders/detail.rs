//! One order in words: its data (personal data masked unless revealed), what the
//! operator can do now, where its parcel is, its timeline newest first, its attachments —
//! every code the platform keeps (actions, kinds, carriers, payment methods, attachment
//! ids) shown as what it means.

use ratatui::style::Style;
use ratatui::text::{Line, Span};

use super::keys::order_actions;
use super::{Detail, Orders};
use crate::api::{AttachmentKind, DemoPart, HistoryEntry, Order, Tracking};
use crate::domain::{Action, OrderStatus, TrackingState};
use crate::i18n::{Lang, T};
use crate::tui::component::{Env, View};
use crate::tui::format;
use crate::tui::text::Text;
use crate::tui::widgets::paint;
use crate::tui::theme::Theme;

/// What ends each label and value on a row of them.
const GAP: &str = "   ";

fn pair<'a>(theme: &Theme, label: T, value: impl Into<String>, lang: Lang) -> Vec<Span<'a>> {
    vec![
        Span::styled(format!("{} ", label.get(lang)), theme.label),
        Span::styled(value.into(), theme.base),
        Span::raw(GAP),
    ]
}

/// A row of labels and values ([`pair`]s, each ended by [`GAP`]) as rows of `width`: a row
/// ends before a pair that would not fit, so that no label is broken from itself or from
/// its value ("Legal" / "rep."); a pair longer than a row is wrapped on its own.
fn packed<'a>(spans: Vec<Span<'a>>, width: u16) -> Vec<Line<'a>> {
    let width = usize::from(width);
    let mut rows = Vec::new();
    let mut row: Vec<Span<'a>> = Vec::new();
    let mut used = 0;
    let mut pair: Vec<Span<'a>> = Vec::new();
    let mut flush = |pair: &mut Vec<Span<'a>>, row: &mut Vec<Span<'a>>, used: &mut usize| {
        let shown: usize = pair
            .iter()
            .filter(|s| s.content != GAP)
            .map(Span::width)
            .sum();
        if *used > 0 && *used + shown > width {
            rows.push(Line::from(std::mem::take(row)));
            *used = 0;
        }
        *used += pair.iter().map(Span::width).sum::<usize>();
        row.append(pair);
    };
    for span in spans {
        let end = span.content == GAP;
        pair.push(span);
        if end {
            flush(&mut pair, &mut row, &mut used);
        }
    }
    if !pair.is_empty() {
        flush(&mut pair, &mut row, &mut used);
    }
    if !row.is_empty() {
        rows.push(Line::from(row));
    }
    rows
}

fn section<'a>(view: &View, title: T) -> Line<'a> {
    let rule = view.glyphs().rule;
    Line::from(Span::styled(
        format!("{rule} {} {rule}", title.get(view.lang)),
        view.theme.title,
    ))
}

/// The lines of an open order.
pub fn lines<'a>(
    orders: &Orders,
    detail: &Detail,
    order: &Order,
    view: &View,
    width: u16,
) -> Vec<Line<'a>> {
    let lang = view.lang;
    let theme = view.theme;
    let dot = view.glyphs().dot;
    let mut lines = Vec::new();
    let mut first = vec![
        Span::styled(format!("{} ", T::FieldStatus.get(lang)), theme.label),
        Span::styled(
            order.status.short_text().get(lang).to_owned(),
            theme.status(order.status).patch(Style::default()),
        ),
        Span::raw(GAP),
    ];
    first.extend(pair(theme, T::FieldAmount, format::money(order.amount_fen), lang));
    first.extend(pair(theme, T::FieldUserType, order.user_type.label(lang), lang));
    if order.channel == crate::domain::Channel::Online {
        first.extend(pair(theme, T::FieldChannel, order.channel.label(lang), lang));
    }
    lines.extend(packed(first, width));
    // What the customer sees as their next step on their own platform: the same rule, so
    // a support agent on the phone says what the caller's screen says.
    let next = crate::domain::NextStep::of(
        order.status,
        order.invoice_request.is_some(),
        order.invoice_no.is_some(),
    );
    let mut next_line = Vec::new();
    if order.channel == crate::domain::Channel::Online || next.is_customers_turn() {
        let said = next.text_after_return(&order.rejection_reasons, order.realname.is_some());
        next_line.extend(pair(theme, T::FieldCustomerNext, said.get(lang), lang));
    }
    // "When will it come?": the date the customer's own page promises.
    if let Some(by) = &order.mailed_by {
        next_line.extend(pair(theme, T::FieldMailedBy, format::datetime(by), lang));
    }
    if !next_line.is_empty() {
        lines.extend(packed(next_line, width));
    }
    lines.push(Line::from(pair(
        theme,
        T::FieldProject,
        format!("{}{dot}{}", order.project_name, order.product_name),
        lang,
    )));
    let a = &order.applicant;
    let mut applicant = pair(theme, order.user_type.person_label(), a.name.clone(), lang);
    applicant.extend(pair(theme, T::FieldIdNumber, a.id_number.clone(), lang));
    applicant.extend(pair(theme, T::FieldPhone, a.phone.clone(), lang));
    lines.extend(packed(applicant, width));
    if let Some(email) = &a.email {
        lines.push(Line::from(pair(theme, T::FieldEmail, email.clone(), lang)));
    }
    if let Some(org) = &order.organization {
        let mut spans = pair(theme, T::FieldOrganization, org.name.clone(), lang);
        spans.extend(pair(theme, T::FieldUscc, org.uscc.clone(), lang));
        spans.extend(pair(theme, T::FieldLegalRep, org.legal_representative.clone(), lang));
        lines.extend(packed(spans, width));
    }
    let m = &order.mailing;
    lines.push(Line::from(pair(
        theme,
        T::FieldMailing,
        format!(
            "{} {} {} {} {}",
            m.recipient,
            m.phone,
            crate::domain::region(&m.province, &m.city, &m.district),
            m.street,
            m.postal_code
        ),
        lang,
    )));
    let mut money = Vec::new();
    if let Some(method) = &order.payment_method {
        let when = order.paid_at.as_deref().map(format::datetime).unwrap_or_default();
        // Paid into the example account: no money came in (the demo cashier's name says
        // so itself).
        let demo = if method != "sandbox" && view.shared.paid_in_demo(Some(method)) {
            T::DemoUnpaidMark.get(lang)
        } else {
            ""
        };
        money.extend(pair(
            theme,
            T::FieldPayment,
            format!("{demo}{} {when}", format::payment_method(method, lang))
                .trim()
                .to_owned(),
            lang,
        ));
    }
    if let Some(shipment) = &order.shipment {
        money.extend(pair(
            theme,
            T::FieldShipment,
            format!(
                "{} {}",
                view.shared.carrier_name(&shipment.carrier, lang),
                shipment.tracking_no
            ),
            lang,
        ));
    }
    if !money.is_empty() {
        lines.extend(packed(money, width));
    }
    // The invoice on a line of its own: wrapped after a payment and a parcel, its label
    // had ended one line and its number begun the next.
    match (&order.invoice, &order.invoice_no) {
        (Some(invoice), _) => {
            // Issued by the built-in sequence: no tax authority's number.
            let mark = if view.shared.demo(DemoPart::Invoices) {
                T::DemoInvoiceMark.get(lang)
            } else {
                ""
            };
            let kind = crate::domain::InvoiceKind::parse(&invoice.invoice_kind)
                .map(|k| k.label().get(lang))
                .unwrap_or_default();
            lines.push(Line::from(pair(
                theme,
                T::FieldInvoice,
                format!(
                    "{}{mark} {kind} {}{} {} {}",
                    invoice.invoice_no,
                    invoice.buyer_name,
                    // The buyer's tax number beside the name: what a buyer calling
                    // about a wrong invoice names first.
                    invoice
                        .buyer_tax_number
                        .as_deref()
                        .map(|n| format!(" {n}"))
                        .unwrap_or_default(),
                    format::money(invoice.total_fen),
                    invoice.email
                ),
                lang,
            )));
        }
        (None, Some(number)) => {
            lines.push(Line::from(pair(theme, T::FieldInvoice, number.clone(), lang)));
        }
        (None, None) => {}
    }
    // Invoices reversed (红冲), each with the red-letter invoice that cancelled it: both
    // numbers the built-in sequence's, said so as the invoice's own is.
    let invoice_mark = if view.shared.demo(DemoPart::Invoices) {
        T::DemoInvoiceMark.get(lang)
    } else {
        ""
    };
    for reversed in &order.reversed_invoices {
        lines.push(Line::from(pair(
            theme,
            T::FieldReversedInvoice,
            T::ReversedInvoiceLine.fill(
                lang,
                &[
                    &reversed.invoice_no,
                    &reversed.buyer_name,
                    &format!("{}{invoice_mark}", reversed.red_invoice_no),
                ],
            ),
            lang,
        )));
    }
    let mut submitted = pair(
        theme,
        T::FieldSubmittedBy,
        format!(
            "{} {}",
            format::actor(
                order.submitted_by.id.as_deref(),
                &order.submitted_by.name,
                lang
            ),
            format::datetime(&order.created_at)
        ),
        lang,
    );
    if let Some(note) = &order.note {
        submitted.extend(pair(theme, T::FieldNote, note.clone(), lang));
    }
    lines.extend(packed(submitted, width));
    if !order.rejection_reasons.is_empty() {
        lines.push(Line::from(vec![
            Span::styled(format!("{} ", T::FieldRejection.get(lang)), theme.label),
            Span::styled(
                crate::domain::return_reasons_list_in(&order.rejection_reasons, lang),
                theme.error,
            ),
        ]));
        // Returned short: the rest the customer was asked to transfer.
        if let Some(rest) = crate::domain::still_to_transfer_said(
            &order.rejection_reasons,
            order.amount_fen,
            order.voucher_total_fen,
            lang,
        ) {
            lines.push(Line::from(vec![
                Span::styled(format!("{} ", T::DocStillToTransfer.get(lang)), theme.label),
                Span::raw(rest),
            ]));
        }
    }
    // The mailroom's reveal is the phone and the address; the ID number stays masked.
    let id_too = view
        .shared
        .me
        .as_ref()
        .is_some_and(|m| m.may_reveal_id_number);
    if order.revealed {
        let hint = if id_too {
            T::RevealedHint
        } else {
            T::RevealedContactHint
        };
        lines.push(Line::from(hint.get(lang)).style(theme.dim));
    } else if view.shared.me.as_ref().is_some_and(|m| m.may_reveal) {
        let hint = if id_too {
            T::MaskedHint
        } else {
            T::MaskedContactHint
        };
        lines.push(Line::from(hint.get(lang)).style(theme.dim));
    }

    lines.push(Line::default());
    lines.push(section(view, T::SectionActions));
    let env = Env {
        lang,
        now: view.now,
        shared: view.shared,
        shown: true,
    };
    let actions = order_actions(orders, &env);
    if view.shared.read_only {
        lines.push(Line::from(T::ReadOnlyNoActions.get(lang)).style(theme.warning));
    } else if actions.is_empty() {
        lines.push(Line::from(T::NoActions.get(lang)).style(theme.dim));
    } else {
        // Each key with its words on one row: a row ends before an action that would not
        // fit, rather than breaking its label.
        let mut spans: Vec<Span> = Vec::new();
        let mut used = 0;
        for (key, _, label) in actions {
            let (key, label) = (format!(" {key} "), format!(" {label}"));
            let room = unicode_width::UnicodeWidthStr::width(key.as_str())
                + unicode_width::UnicodeWidthStr::width(label.as_str());
            if used > 0 && used + 3 + room > usize::from(width) {
                lines.push(Line::from(std::mem::take(&mut spans)));
                used = 0;
            }
            if used > 0 {
                spans.push(Span::raw("   "));
                used += 3;
            }
            used += room;
            spans.push(Span::styled(key, theme.footer_key));
            spans.push(Span::styled(label, theme.base));
        }
        lines.push(Line::from(spans));
    }
    if let Some(tracking) = &detail.tracking {
        lines.push(Line::default());
        lines.extend(tracking_lines(tracking, view, width));
    }
    lines.push(Line::default());
    lines.push(section(view, T::SectionTimeline));
    // Newest first: what happened last is what the caller asks about.
    for entry in detail.history.iter().rev() {
        let (time, rest) = history_line(entry, order, view);
        lines.extend(paint::hanging(time, rest, width));
    }
    lines.push(Line::default());
    lines.push(section(view, T::SectionAttachments));
    if order.attachments.is_empty() {
        lines.push(Line::from(T::NoAttachments.get(lang)).style(theme.dim));
    }
    for attachment in &order.attachments {
        let kind = Span::styled(format!("{} ", attachment.kind.label(lang)), theme.label);
        let rest = Line::from(vec![
            Span::styled(attachment.filename.clone(), theme.base),
            Span::styled(
                format!(
                    "  {}  {} KB  {}  {}",
                    attachment.content_type,
                    (attachment.size + 1023) / 1024,
                    format::actor(
                        attachment.uploaded_by.id.as_deref(),
                        &attachment.uploaded_by.name,
                        lang
                    ),
                    format::datetime(&attachment.uploaded_at)
                ),
                theme.dim,
            ),
        ]);
        // What is said of the file goes under its name too.
        let under = Span::raw(" ".repeat(crate::tui::text::width(&kind.content)));
        lines.extend(paint::hanging(kind, rest, width));
        if let Some(said) = attachment.also_on_said(lang) {
            let said = Line::from(Span::styled(said, theme.warning));
            lines.extend(paint::hanging(under, said, width));
        }
    }
    lines
}

/// What a history row's action is called.
fn action_label(action: &str, lang: Lang) -> String {
    let t = match action {
        "submit" => T::ActionSubmit,
        "note" => T::ActionNote,
        "attach" => T::ActionAttach,
        "withdraw_attachment" => T::ActionWithdrawAttachment,
        "reveal" => T::ActionReveal,
        "download_attachment" => T::ActionDownloadAttachment,
        "preview_attachment" => T::ActionPreviewAttachment,
        "print" => T::ActionPrint,
        "claim" => T::ActionClaim,
        "takeover" => T::ActionTakeover,
        "release" => T::ActionRelease,
        "payment_created" => T::HistoryPaymentCreated,
        "payment_link_sent" => T::HistoryPaymentLinkSent,
        "payment_query" => T::HistoryPaymentQuery,
        "payment_closed" => T::HistoryPaymentClosed,
        "payment_refund_needed" => T::HistoryRefundNeeded,
        "payment_notify_refused" => T::HistoryNotifyRefused,
        "labels_printed" => T::HistoryLabelsPrinted,
        "invoice_request" => T::HistoryInvoiceRequest,
        "realname" => T::HistoryRealname,
        "tracking_event" => T::HistoryTrackingEvent,
        "edit_details" => T::ActionEditDetails,
        other => {
            return Action::parse(other)
                .map(|a| a.label(lang).to_owned())
                // A record this version does not know yet: its name is all there is.
                .unwrap_or_else(|| other.replace('_', " "));
        }
    };
    t.get(lang).to_owned()
}

/// A history row's reason with the platform's codes turned into words.
fn reason(entry: &HistoryEntry, order: &Order, view: &View) -> Option<String> {
    let lang = view.lang;
    let reason = entry.reason.as_deref()?.trim();
    let first_rest = || reason.split_once(' ').unwrap_or((reason, ""));
    let file_names = |ids: &str| -> String {
        ids.split(',')
            .map(str::trim)
            .filter(|id| !id.is_empty())
            .map(|id| {
                order
                    .attachments
                    .iter()
                    .find(|a| a.id == id)
                    .map(|a| format!("{} {}", a.kind.label(lang), a.filename))
                    .unwrap_or_else(|| T::AttachmentGone.get(lang).to_owned())
            })
            .collect::<Vec<_>>()
            .join(T::ListJoin.get(lang))
    };
    Some(match entry.action.as_str() {
        "attach" | "withdraw_attachment" => {
            let (kind, name) = first_rest();
            match AttachmentKind::parse(kind) {
                Some(kind) => format!("{} {name}", kind.label(lang)),
                None => reason.to_owned(),
            }
        }
        "print" if reason == "application_form" => T::KindApplicationForm.get(lang).to_owned(),
        "print" if reason == "receipt" => T::KindReceipt.get(lang).to_owned(),
        "print" if reason == "correction_notice" => T::DocCorrectionTitle.get(lang).to_owned(),
        "print" if reason == "transfer_slip" => T::DocTransferTitle.get(lang).to_owned(),
        // `alipay 2109b5e6… 2026-12-03T02:21:00Z`: who verified, the check's id, when.
        "realname" => {
            let mut parts = reason.split_whitespace();
            match (parts.next(), parts.next(), parts.next()) {
                (Some(provider), Some(id), Some(at)) => {
                    crate::tui::format::identity_fact(provider, Some(id), at, lang)
                }
                _ => reason.to_owned(),
            }
        }
        // `signed_form 0193…`: the kind and the file's name.
        "download_attachment" | "preview_attachment" => {
            let (_, id) = first_rest();
            file_names(id)
        }
        "invoice_request" => crate::tui::format::requested_via(reason, lang),
        // The checklist's reasons in the reader's language, typed ones as typed.
        "reject" => crate::domain::return_reasons_in(reason, lang),
        // The platform's own reasons in the reader's language, a clerk's as typed.
        "cancel" => crate::i18n::cancel_reason_in(reason, lang),
        // `mailing.street,mailing.postal_code 客户来电`: what changed in words, then why.
        "edit_details" => {
            let (fields, why) = crate::domain::read_edit_record(reason);
            let named: Vec<&str> = fields
                .into_iter()
                .map(|f| crate::tui::format::order_field(f).map_or(f, |t| t.get(lang)))
                .collect();
            // What changed, then why — never read as the new value.
            let mut text = T::EditChangedFields.fill(lang, &[&named.join(T::ListJoin.get(lang))]);
            if !why.is_empty() {
                text.push_str(if lang == Lang::ZhCn { "；" } else { "; " });
                text.push_str(&T::EditWhy.fill(lang, &[why]));
            }
            text
        }
        // `in_transit: 已到达长沙邮区中心`: the state in words, then what was typed.
        "tracking_event" => match reason.split_once(": ") {
            Some((state, context)) => match TrackingState::parse(state) {
                Some(state) => {
                    let colon = if lang == Lang::ZhCn { "：" } else { ": " };
                    format!("{}{colon}{context}", state.label().get(lang))
                }
                None => reason.to_owned(),
            },
            None => reason.to_owned(),
        },
        "ship" => {
            let (code, number) = first_rest();
            format!("{} {number}", view.shared.carrier_name(code, lang))
        }
        "upload_voucher" | "resubmit" => match reason.rsplit_once(" (") {
            Some((text, ids)) => format!("{text}（{}）", file_names(ids.trim_end_matches(')'))),
            None if reason.contains('-') && !reason.contains(' ') => file_names(reason),
            None => reason.to_owned(),
        },
        "payment_closed" => {
            // `HN…-b645 收款码已过期`: the attempt, then why in the reader's words.
            let (attempt, why) = first_rest();
            format!("{attempt} {}", crate::i18n::payment_close_reason_in(why, lang))
                .trim()
                .to_owned()
        }
        "pay" | "payment_created" | "payment_query" => {
            let (method, rest) = first_rest();
            format!("{} {rest}", format::payment_method(method, lang)).trim().to_owned()
        }
        _ => reason.to_owned(),
    })
}

/// A history row: its time, and the rest (what wraps goes under the rest).
fn history_line(
    entry: &HistoryEntry,
    order: &Order,
    view: &View,
) -> (Span<'static>, Line<'static>) {
    let (theme, lang) = (view.theme, view.lang);
    let label = |s: Option<OrderStatus>| {
        s.map(|s| s.short_text().get(lang).to_owned())
            .unwrap_or_default()
    };
    let actor = format::actor(entry.actor.id.as_deref(), &entry.actor.name, lang);
    let time = Span::styled(format!("{}  ", format::datetime(&entry.at)), theme.dim);
    let mut spans = vec![
        Span::styled(format!("{actor}  "), theme.label),
        Span::styled(
            // The invoice's PDF is kept on the order by issuing it: nobody uploaded it.
            if entry.action == "attach"
                && entry.reason.as_deref().is_some_and(|r| {
                    r.split_whitespace().next() == Some(AttachmentKind::Invoice.as_str())
                }) {
                T::HistoryInvoiceKept.get(lang).to_owned()
            } else {
                action_label(&entry.action, lang)
            },
            theme.accent,
        ),
    ];
    if entry.to_status.is_some() {
        let from = entry
            .from_status
            .map(|_| format!("{}{}", label(entry.from_status), view.glyphs().arrow))
            .unwrap_or_default();
        spans.push(Span::styled(
            format!("  {from}{}", label(entry.to_status)),
            theme.base,
        ));
    }
    if let Some(reason) = reason(entry, order, view) {
        spans.push(Span::styled(format!("  {reason}"), theme.dim));
    }
    (time, Line::from(spans))
}

/// The parcel's timeline, newest first, with the provider's state and, when the last
/// question failed, why (the events are then the last known ones).
fn tracking_lines(
    tracking: &Result<Tracking, Text>,
    view: &View,
    width: u16,
) -> Vec<Line<'static>> {
    let (lang, theme) = (view.lang, view.theme);
    let label = |state: &str| {
        TrackingState::parse(state)
            .map(|s| s.label().get(lang).to_owned())
            .unwrap_or_else(|| state.to_owned())
    };
    let mut lines = vec![section(view, T::SectionTracking)];
    let tracking = match tracking {
        Ok(tracking) => tracking,
        Err(error) => {
            lines.push(Line::from(error.get(lang)).style(theme.error));
            return lines;
        }
    };
    let carrier = match view.shared.carrier_name(&tracking.carrier, lang) {
        name if name == tracking.carrier => tracking.carrier_name.clone(),
        name => name,
    };
    let mut head = vec![Span::styled(
        format!("{carrier} {}", tracking.tracking_no),
        theme.base,
    )];
    if let Some(state) = &tracking.state {
        head.push(Span::raw("  "));
        head.push(Span::styled(label(state), theme.accent));
    }
    if let Some(at) = &tracking.fetched_at {
        head.push(Span::styled(
            format!("  {}", T::TrackingUpdated.fill(lang, &[&format::datetime(at)])),
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
    // Typed in by the mailroom: said here, for the agent asked "where is my parcel" (the
    // customer's page says it too), not only once `t` is pressed.
    if tracking.provider == "manual" {
        lines.push(Line::from(T::TrackingManualNote.get(lang)).style(theme.dim));
    }
    for event in tracking.events.iter().take(10) {
        let time = Span::styled(format!("{}  ", event.time), theme.dim);
        let mut spans = Vec::new();
        if let Some(state) = &event.state {
            spans.push(Span::styled(format!("{}  ", label(state)), theme.label));
        }
        spans.push(Span::styled(event.context.clone(), theme.base));
        lines.extend(paint::hanging(time, Line::from(spans), width));
    }
    if tracking.events.len() > 10 {
        lines.push(
            Line::from(T::TrackingMore.fill(lang, &[&(tracking.events.len() - 10).to_string()]))
                .style(theme.dim),
        );
    }
    lines
}
