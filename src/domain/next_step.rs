//! The one next step an order allows its customer: what the customer's own pages offer,
//! and what a phone-support agent sees for the caller — one rule for both.

use super::OrderStatus;
use crate::i18n::{Lang, T};

/// What the customer can (or must wait to) do next.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NextStep {
    /// Pay (Alipay on a phone, a QR code on a PC) or choose bank transfer.
    Pay,
    /// Transfer the money and upload the voucher.
    UploadVoucher,
    /// Nothing: the materials are being reviewed.
    AwaitReview,
    /// Read why it was returned and upload the corrected scan.
    Correct,
    /// Nothing: the certificate is being prepared for mailing.
    AwaitShipment,
    /// Follow the parcel, and ask for the invoice.
    RequestInvoice,
    /// Follow the parcel; the invoice was asked for and is being issued.
    AwaitInvoice,
    /// Download the invoice.
    DownloadInvoice,
    /// Nothing left to do.
    Done,
    /// The order was cancelled.
    Cancelled,
}

impl NextStep {
    /// The next step of an order in `status`; `invoice_requested` and `invoiced` say how
    /// far its invoice has come.
    pub fn of(status: OrderStatus, invoice_requested: bool, invoiced: bool) -> NextStep {
        match status {
            OrderStatus::PendingPayment => NextStep::Pay,
            OrderStatus::PendingVoucher => NextStep::UploadVoucher,
            OrderStatus::PendingReview => NextStep::AwaitReview,
            OrderStatus::Rejected => NextStep::Correct,
            OrderStatus::PendingShipment => NextStep::AwaitShipment,
            OrderStatus::PendingInvoice if invoice_requested => NextStep::AwaitInvoice,
            OrderStatus::PendingInvoice => NextStep::RequestInvoice,
            OrderStatus::Completed if invoiced => NextStep::DownloadInvoice,
            OrderStatus::Completed => NextStep::Done,
            OrderStatus::Cancelled => NextStep::Cancelled,
        }
    }

    /// True when the customer has something to do (rather than wait).
    pub fn is_customers_turn(self) -> bool {
        matches!(
            self,
            NextStep::Pay
                | NextStep::UploadVoucher
                | NextStep::Correct
                | NextStep::RequestInvoice
                | NextStep::DownloadInvoice
        )
    }

    /// The i18n entry that says it.
    pub fn text(self) -> T {
        match self {
            NextStep::Pay => T::NextPay,
            NextStep::UploadVoucher => T::NextUploadVoucher,
            NextStep::AwaitReview => T::NextAwaitReview,
            NextStep::Correct => T::NextCorrect,
            NextStep::AwaitShipment => T::NextAwaitShipment,
            NextStep::RequestInvoice => T::NextRequestInvoice,
            NextStep::AwaitInvoice => T::NextAwaitInvoice,
            NextStep::DownloadInvoice => T::NextDownloadInvoice,
            NextStep::Done => T::NextDone,
            NextStep::Cancelled => T::NextCancelled,
        }
    }

    /// Says it in `lang`.
    pub fn label(self, lang: Lang) -> &'static str {
        self.text().get(lang)
    }

    /// What says it for an order returned for `reasons`, its customer `verified` or not: a
    /// return for the real-name check alone is the check and sending it back — nothing to
    /// upload —, once verified the sending back; any other step as [`NextStep::text`].
    pub fn text_after_return(self, reasons: &[String], verified: bool) -> T {
        match self {
            NextStep::Correct if super::only_the_check(reasons) && verified => T::NextSendForReview,
            NextStep::Correct if super::only_the_check(reasons) => T::NextVerifyAndSend,
            other => other.text(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_return_for_the_check_alone_asks_for_the_check_then_the_sending_back() {
        let check = vec!["申请人未通过实名认证".to_owned()];
        let more = vec!["申请人未通过实名认证".to_owned(), "申请表未签字".to_owned()];
        assert_eq!(
            NextStep::Correct.text_after_return(&check, false),
            T::NextVerifyAndSend
        );
        assert_eq!(
            NextStep::Correct.text_after_return(&check, true),
            T::NextSendForReview
        );
        assert_eq!(
            NextStep::Correct.text_after_return(&more, false),
            T::NextCorrect
        );
        assert_eq!(NextStep::Pay.text_after_return(&check, false), T::NextPay);
    }

    #[test]
    fn every_status_has_one_next_step_and_waiting_is_not_the_customers_turn() {
        for status in OrderStatus::ALL {
            let step = NextStep::of(status, false, false);
            assert!(!step.label(Lang::ZhCn).is_empty());
            assert!(!step.label(Lang::En).is_empty());
        }
        assert_eq!(
            NextStep::of(OrderStatus::PendingPayment, false, false),
            NextStep::Pay
        );
        assert!(NextStep::Pay.is_customers_turn());
        assert!(!NextStep::AwaitReview.is_customers_turn());
        assert_eq!(
            NextStep::of(OrderStatus::PendingInvoice, true, false),
            NextStep::AwaitInvoice
        );
        assert_eq!(
            NextStep::of(OrderStatus::Completed, true, true),
            NextStep::DownloadInvoice
        );
    }
}
