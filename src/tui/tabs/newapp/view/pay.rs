//! The 新申请 tab once the order is submitted: choosing how the customer pays, the Alipay
//! code's instructions (the code itself is drawn on the right), the bank account for a
//! transfer with the voucher field, and the outcome.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use unicode_width::UnicodeWidthStr;

use super::{choice_line, choices, countdown, field_row, label_width, loopback_warning};
use super::{unreachable_from_phone};
use crate::domain::{Money, OrderStatus};
use crate::i18n::T;
use crate::tui::component::View;
use crate::tui::tabs::newapp::NewApp;
use crate::tui::tabs::newapp::sheet::{Paying, Sheet};
use crate::tui::widgets::paint;

/// Draws the step after submission.
pub(super) fn done(frame: &mut Frame, view: &View, newapp: &NewApp, sheet: &Sheet, area: Rect) {
    let lang = view.lang;
    let theme = view.theme;
    let draft = &sheet.draft;
    let order_no = draft.order_no.clone().unwrap_or_default();
    let status = draft.order_status.unwrap_or(OrderStatus::PendingPayment);
    let amount = amount(sheet);
    let mut lines = vec![
        Line::from(Span::styled(
            format!("{} {}", view.glyphs().check, T::SubmittedOrder.fill(lang, &[&order_no])),
            theme.success,
        )),
        Line::from(vec![
            Span::styled(format!("{} ", T::FieldStatus.get(lang)), theme.label),
            Span::styled(status.short_text().get(lang), theme.status(status)),
            Span::styled(format!("   {} ", T::FieldAmount.get(lang)), theme.label),
            Span::raw(amount.clone()),
        ]),
        choice_line(view, sheet),
        Line::default(),
    ];
    match sheet.paying() {
        Some(Paying::Choose) | None => {
            lines.push(Line::from(Span::styled(T::PayChoose.get(lang), theme.label)));
            let qr = view.shared.platform.as_ref().is_none_or(|h| h.qr_payment);
            if qr {
                // The built-in cashier is named as what it is, not as Alipay.
                let choice = if view.shared.demo(crate::api::DemoPart::Cashier) {
                    T::PayChooseQrDemo
                } else {
                    T::PayChooseQr
                };
                lines.push(Line::from(choice.get(lang)));
            } else {
                lines.push(Line::from(Span::styled(T::PayNoQr.get(lang), theme.dim)));
            }
            lines.push(Line::from(T::PayChooseTransfer.get(lang)));
            if draft.payment.is_some() {
                lines.push(Line::from(Span::styled(T::PayQrExpired.get(lang), theme.warning)));
            }
            lines.push(Line::default());
            lines.push(Line::from(T::DoneHint.get(lang)).style(theme.dim));
        }
        Some(Paying::Qr) => qr_lines(view, sheet, &amount, &mut lines),
        Some(Paying::Transfer) => {
            transfer(frame, view, newapp, sheet, lines, &order_no, &amount, area);
            return;
        }
        Some(Paying::Settled) => {
            let (text, style) = match status {
                // A voucher is only a picture of a transfer: review checks the money.
                OrderStatus::PendingReview if draft.by_transfer => {
                    (T::VoucherInReview.fill(lang, &[&amount]), theme.info)
                }
                OrderStatus::PendingReview => (T::PaidReview.fill(lang, &[&amount]), theme.success),
                other => (T::SettledOther.fill(lang, &[other.short_text().get(lang)]), theme.info),
            };
            lines.push(Line::from(Span::styled(text, style)));
            lines.push(Line::default());
            lines.push(Line::from(T::DoneHint.get(lang)).style(theme.dim));
        }
    }
    // Beside the code a message may take rows: the spacing goes first.
    paint::squeezed(frame, area, lines);
}

/// The amount as money: the code's when one is shown, else the product's price.
fn amount(sheet: &Sheet) -> String {
    let fen = match &sheet.draft.payment {
        Some(payment) => Some(payment.amount_fen),
        None => sheet.draft.choice.as_ref().map(|c| c.price_fen),
    };
    fen.and_then(Money::from_fen).map(|m| m.to_string()).unwrap_or_default()
}

/// What the clerk reads beside the Alipay code.
fn qr_lines(view: &View, sheet: &Sheet, amount: &str, lines: &mut Vec<Line<'static>>) {
    let lang = view.lang;
    let theme = view.theme;
    // The sandbox cashier is no Alipay, and takes no money: said where the clerk reads.
    let demo = sheet.draft.payment.as_ref().is_some_and(|p| p.demo);
    if demo {
        lines.push(Line::from(Span::styled(
            T::PayQrTitleDemo.get(lang),
            theme.warning,
        )));
        lines.push(Line::from(T::PayQrStep1Demo.get(lang)));
    } else {
        lines.push(Line::from(Span::styled(T::PayQrTitle.get(lang), theme.label)));
        lines.push(Line::from(T::PayQrStep1.get(lang)));
    }
    lines.push(Line::from(T::PayQrStep2.fill(lang, &[amount])));
    lines.push(Line::from(T::PayQrStep3.get(lang)));
    lines.push(Line::default());
    if let Some(payment) = &sheet.draft.payment {
        lines.push(Line::from(vec![
            Span::styled(format!("{} ", T::TimeLeft.get(lang)), theme.label),
            Span::styled(countdown(&payment.expires_at, view.now), theme.accent),
        ]));
        if unreachable_from_phone(&payment.url) {
            lines.push(Line::from(Span::styled(loopback_warning(view), theme.warning)));
        }
    }
    lines.push(Line::default());
    lines.push(Line::from(T::PayQrHint.get(lang)).style(theme.dim));
}

/// The CA's account, the amount and the reference; the voucher field when open.
#[allow(clippy::too_many_arguments)]
fn transfer(
    frame: &mut Frame,
    view: &View,
    newapp: &NewApp,
    sheet: &Sheet,
    mut lines: Vec<Line<'static>>,
    order_no: &str,
    amount: &str,
    area: Rect,
) {
    let lang = view.lang;
    let theme = view.theme;
    let labels = [
        T::DocAccountName,
        T::DocBank,
        T::DocAccountNo,
        T::TransferAmount,
        T::DocTransferReference,
    ];
    let column = usize::from(label_width(&labels.map(|l| l.get(lang))));
    let pair = |label: T, value: String| {
        let label = label.get(lang);
        let pad = column.saturating_sub(label.width());
        Line::from(vec![
            Span::styled(format!("{label}{}", " ".repeat(pad)), theme.label),
            Span::raw(value),
        ])
    };
    lines.push(Line::from(Span::styled(T::TransferTitle.get(lang), theme.label)));
    match &newapp.bank {
        Some(bank) => {
            lines.push(pair(T::DocAccountName, bank.account_name.clone()));
            lines.push(pair(T::DocBank, bank.bank.clone()));
            lines.push(pair(T::DocAccountNo, group_digits(&bank.account_no)));
        }
        None => lines.push(Line::from(Span::styled(T::TransferNoAccount.get(lang), theme.warning))),
    }
    lines.push(pair(T::TransferAmount, amount.to_owned()));
    lines.push(pair(T::DocTransferReference, order_no.to_owned()));
    lines.push(Line::from(T::TransferPrintHint.get(lang)).style(theme.dim));
    lines.push(Line::default());
    let mut y = area.y + paint::wrapped(frame, area, lines);
    let rest = |y: u16| Rect::new(area.x, y, area.width, area.bottom().saturating_sub(y));
    if sheet.voucher_open {
        let col = label_width(&[T::FieldVoucherPath.get(lang)]);
        y += field_row(frame, view, sheet, "voucher_path", T::FieldVoucherPath.get(lang), rest(y), col, true);
        let under = Rect::new(area.x + col, y, area.width.saturating_sub(col), area.bottom().saturating_sub(y));
        y += choices(frame, view, sheet, under);
        paint::wrapped(frame, rest(y), vec![Line::from(T::VoucherPathHint.get(lang)).style(theme.dim)]);
    } else {
        // The key the order view uploads a voucher with, where a customer who comes back
        // later is found.
        let upload_key = crate::tui::keys::action_key(crate::domain::Action::UploadVoucher).to_string();
        paint::wrapped(frame, rest(y), vec![Line::from(T::TransferVoucherHint.fill(lang, &[&upload_key])).style(theme.accent)]);
    }
}

/// `6222 0210 0000 1234 567`: a long account number read aloud in fours.
fn group_digits(number: &str) -> String {
    let digits: Vec<char> = number.chars().filter(|c| !c.is_whitespace()).collect();
    digits
        .chunks(4)
        .map(|c| c.iter().collect::<String>())
        .collect::<Vec<_>>()
        .join(" ")
}

#[cfg(test)]
mod tests {
    use super::group_digits;

    #[test]
    fn account_numbers_are_grouped_in_fours() {
        assert_eq!(group_digits("6222021000001234567"), "6222 0210 0000 1234 567");
        assert_eq!(group_digits("6222 0210"), "6222 0210");
        assert_eq!(group_digits(""), "");
    }
}
