//! The order lifecycle: statuses, actions and the one table of allowed transitions.
//!
//! The server enforces this table; the TUI asks it which actions to offer.

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::i18n::{Lang, T};

/// Where an order is in its life.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum OrderStatus {
    /// Submitted, not paid.
    PendingPayment,
    /// The customer chose bank transfer; the voucher is awaited.
    PendingVoucher,
    /// Paid; materials to be checked.
    PendingReview,
    /// A reviewer listed what is wrong.
    Rejected,
    /// Approved; the certificate is to be mailed.
    PendingShipment,
    /// Mailed; the customer may request an invoice.
    PendingInvoice,
    /// Invoiced, or the invoice declined. An issued invoice found wrong may still be
    /// reversed (`reverse_invoice`), which brings the order back to [`PendingInvoice`].
    ///
    /// [`PendingInvoice`]: OrderStatus::PendingInvoice
    Completed,
    /// Abandoned before payment.
    Cancelled,
}

impl OrderStatus {
    /// Every status, in lifecycle order.
    pub const ALL: [OrderStatus; 8] = [
        OrderStatus::PendingPayment,
        OrderStatus::PendingVoucher,
        OrderStatus::PendingReview,
        OrderStatus::Rejected,
        OrderStatus::PendingShipment,
        OrderStatus::PendingInvoice,
        OrderStatus::Completed,
        OrderStatus::Cancelled,
    ];

    /// The stable wire and database name, e.g. `pending_payment`.
    pub fn as_str(self) -> &'static str {
        match self {
            OrderStatus::PendingPayment => "pending_payment",
            OrderStatus::PendingVoucher => "pending_voucher",
            OrderStatus::PendingReview => "pending_review",
            OrderStatus::Rejected => "rejected",
            OrderStatus::PendingShipment => "pending_shipment",
            OrderStatus::PendingInvoice => "pending_invoice",
            OrderStatus::Completed => "completed",
            OrderStatus::Cancelled => "cancelled",
        }
    }

    /// Parses the wire name.
    pub fn parse(name: &str) -> Option<OrderStatus> {
        OrderStatus::ALL.into_iter().find(|s| s.as_str() == name)
    }

    /// The label staff see.
    pub fn label(self, lang: Lang) -> &'static str {
        self.text().get(lang)
    }

    /// The label a customer reads (their pages, the receipt they keep): staff's, except
    /// that an order returned for correction reads 待补正 — "rejected" (已驳回) to someone
    /// who paid reads as refused and their money gone.
    pub fn customer_label(self, lang: Lang) -> &'static str {
        match self {
            OrderStatus::Rejected => T::StatusCustomerRejected.get(lang),
            other => other.label(lang),
        }
    }

    /// The i18n entry of the label.
    pub fn text(self) -> T {
        match self {
            OrderStatus::PendingPayment => T::StatusPendingPayment,
            OrderStatus::PendingVoucher => T::StatusPendingVoucher,
            OrderStatus::PendingReview => T::StatusPendingReview,
            OrderStatus::Rejected => T::StatusRejected,
            OrderStatus::PendingShipment => T::StatusPendingShipment,
            OrderStatus::PendingInvoice => T::StatusPendingInvoice,
            OrderStatus::Completed => T::StatusCompleted,
            OrderStatus::Cancelled => T::StatusCancelled,
        }
    }

    /// A label short enough for a table column (≤ 10 columns wide).
    pub fn short_text(self) -> T {
        match self {
            OrderStatus::PendingPayment => T::StatusShortPendingPayment,
            OrderStatus::PendingVoucher => T::StatusShortPendingVoucher,
            OrderStatus::PendingReview => T::StatusShortPendingReview,
            OrderStatus::Rejected => T::StatusShortRejected,
            OrderStatus::PendingShipment => T::StatusShortPendingShipment,
            OrderStatus::PendingInvoice => T::StatusShortPendingInvoice,
            OrderStatus::Completed => T::StatusShortCompleted,
            OrderStatus::Cancelled => T::StatusShortCancelled,
        }
    }

    /// True when the application is over: completed or cancelled. (A completed order's
    /// invoice may still be reversed, which reopens its invoicing, not the application.)
    pub fn is_final(self) -> bool {
        matches!(self, OrderStatus::Completed | OrderStatus::Cancelled)
    }
}

impl std::fmt::Display for OrderStatus {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Something that moves an order from one status to another.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Action {
    /// The payment provider confirmed payment (never done by hand).
    Pay,
    /// The customer will pay by bank transfer.
    ChooseBankTransfer,
    /// The customer who chose bank transfer will pay online after all (Alipay).
    ChooseOnlinePayment,
    /// The transfer voucher was uploaded.
    UploadVoucher,
    /// A reviewer approved the materials.
    Approve,
    /// A reviewer returned the order with reasons.
    Reject,
    /// Corrected materials were uploaded.
    Resubmit,
    /// The certificate was mailed.
    Ship,
    /// The invoice was issued.
    IssueInvoice,
    /// The customer does not want an invoice.
    DeclineInvoice,
    /// The order was abandoned before payment.
    Cancel,
    /// The courier brought the parcel back (address unknown, refused): the order goes back
    /// to be mailed again, its shipment cleared, the address open to correction. Once
    /// 已完成, its invoice (or its being declined) stands, and it is 已完成 again when mailed.
    ReturnParcel,
    /// The issued invoice was wrong (the buyer's title, its tax number): a red-letter
    /// invoice (红字发票) cancels it in full, and the order waits for a new one.
    ReverseInvoice,
}

/// What an action asks of the person doing it, beyond the order's version.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum ActionNeeds {
    /// Nothing more.
    Nothing,
    /// A free-text reason.
    Reason,
    /// One or more reasons from a list, optionally with free text.
    Reasons,
    /// An uploaded voucher attachment.
    Voucher,
    /// One or more newly uploaded attachments (none for a resubmission when a return
    /// about the address alone was answered by correcting it).
    Attachments,
    /// Carrier and tracking number.
    Shipment,
    /// The invoice number.
    Invoice,
    /// An optional free-text note.
    OptionalNote,
}

impl Action {
    /// Every action.
    pub const ALL: [Action; 13] = [
        Action::Pay,
        Action::ChooseBankTransfer,
        Action::ChooseOnlinePayment,
        Action::UploadVoucher,
        Action::Approve,
        Action::Reject,
        Action::Resubmit,
        Action::Ship,
        Action::IssueInvoice,
        Action::DeclineInvoice,
        Action::Cancel,
        Action::ReturnParcel,
        Action::ReverseInvoice,
    ];

    /// The stable wire name, e.g. `choose_bank_transfer`.
    pub fn as_str(self) -> &'static str {
        match self {
            Action::Pay => "pay",
            Action::ChooseBankTransfer => "choose_bank_transfer",
            Action::ChooseOnlinePayment => "choose_online_payment",
            Action::UploadVoucher => "upload_voucher",
            Action::Approve => "approve",
            Action::Reject => "reject",
            Action::Resubmit => "resubmit",
            Action::Ship => "ship",
            Action::IssueInvoice => "issue_invoice",
            Action::DeclineInvoice => "decline_invoice",
            Action::Cancel => "cancel",
            Action::ReturnParcel => "return_parcel",
            Action::ReverseInvoice => "reverse_invoice",
        }
    }

    /// Parses the wire name.
    pub fn parse(name: &str) -> Option<Action> {
        Action::ALL.into_iter().find(|a| a.as_str() == name)
    }

    /// The label staff see.
    pub fn label(self, lang: Lang) -> &'static str {
        self.text().get(lang)
    }

    /// The i18n entry of the label.
    pub fn text(self) -> T {
        match self {
            Action::Pay => T::ActionPay,
            Action::ChooseBankTransfer => T::ActionChooseBankTransfer,
            Action::ChooseOnlinePayment => T::ActionChooseOnlinePayment,
            Action::UploadVoucher => T::ActionUploadVoucher,
            Action::Approve => T::ActionApprove,
            Action::Reject => T::ActionReject,
            Action::Resubmit => T::ActionResubmit,
            Action::Ship => T::ActionShip,
            Action::IssueInvoice => T::ActionIssueInvoice,
            Action::DeclineInvoice => T::ActionDeclineInvoice,
            Action::Cancel => T::ActionCancel,
            Action::ReturnParcel => T::ActionReturnParcel,
            Action::ReverseInvoice => T::ActionReverseInvoice,
        }
    }

    /// What the person must give to do this action.
    pub fn needs(self) -> ActionNeeds {
        match self {
            Action::Pay
            | Action::ChooseBankTransfer
            | Action::ChooseOnlinePayment
            | Action::Approve => ActionNeeds::Nothing,
            Action::UploadVoucher => ActionNeeds::Voucher,
            Action::Reject => ActionNeeds::Reasons,
            Action::Resubmit => ActionNeeds::Attachments,
            Action::Ship => ActionNeeds::Shipment,
            Action::IssueInvoice => ActionNeeds::Invoice,
            Action::DeclineInvoice => ActionNeeds::OptionalNote,
            Action::Cancel | Action::ReturnParcel | Action::ReverseInvoice => ActionNeeds::Reason,
        }
    }

    /// The fields of its request body the action takes besides `version` (an audit note
    /// in `reason` for all but a return, whose words are its `reasons`). Another one sent
    /// is refused on its field, not dropped without a word.
    pub fn takes(self) -> &'static [&'static str] {
        match self {
            Action::Reject => &["reasons", "voucher_total_fen"],
            Action::UploadVoucher | Action::Resubmit => &["reason", "attachment_ids"],
            Action::Ship => &["reason", "carrier", "tracking_no"],
            _ => &["reason"],
        }
    }

    /// True for the review's decisions, which the operator who submitted the order may
    /// not take.
    pub fn is_review_decision(self) -> bool {
        matches!(self, Action::Approve | Action::Reject)
    }

    /// True for actions that put material before review (the transfer's voucher, the
    /// corrected files): whoever took one does not decide the order either, as whoever
    /// submitted it does not — nobody checks their own proof of payment.
    pub fn prepares_review(self) -> bool {
        matches!(self, Action::UploadVoucher | Action::Resubmit)
    }

    /// True for actions that cannot be undone (an order cancelled for good; a red-letter
    /// invoice issued to the tax platform and sent to the buyer; an order completed with
    /// no invoice, which none can be issued for afterwards): asked once more before they
    /// are sent, so that keys meant for something else never take one.
    pub fn is_irreversible(self) -> bool {
        matches!(
            self,
            Action::Cancel | Action::ReverseInvoice | Action::DeclineInvoice
        )
    }

    /// True for actions only a payment provider may perform.
    pub fn is_provider_only(self) -> bool {
        matches!(self, Action::Pay)
    }
}

impl std::fmt::Display for Action {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The transition table of the order lifecycle: `(action, from, to)`.
///
/// Submission creates an order directly in [`OrderStatus::PendingPayment`]; everything after
/// that is a row here.
pub const TRANSITIONS: &[(Action, OrderStatus, OrderStatus)] = &[
    (
        Action::Pay,
        OrderStatus::PendingPayment,
        OrderStatus::PendingReview,
    ),
    (
        Action::ChooseBankTransfer,
        OrderStatus::PendingPayment,
        OrderStatus::PendingVoucher,
    ),
    (
        Action::ChooseOnlinePayment,
        OrderStatus::PendingVoucher,
        OrderStatus::PendingPayment,
    ),
    (
        Action::UploadVoucher,
        OrderStatus::PendingVoucher,
        OrderStatus::PendingReview,
    ),
    (
        Action::Approve,
        OrderStatus::PendingReview,
        OrderStatus::PendingShipment,
    ),
    (
        Action::Reject,
        OrderStatus::PendingReview,
        OrderStatus::Rejected,
    ),
    (
        Action::Resubmit,
        OrderStatus::Rejected,
        OrderStatus::PendingReview,
    ),
    (
        Action::Ship,
        OrderStatus::PendingShipment,
        OrderStatus::PendingInvoice,
    ),
    (
        Action::IssueInvoice,
        OrderStatus::PendingInvoice,
        OrderStatus::Completed,
    ),
    (
        Action::DeclineInvoice,
        OrderStatus::PendingInvoice,
        OrderStatus::Completed,
    ),
    (
        Action::ReturnParcel,
        OrderStatus::PendingInvoice,
        OrderStatus::PendingShipment,
    ),
    (
        Action::ReturnParcel,
        OrderStatus::Completed,
        OrderStatus::PendingShipment,
    ),
    (
        Action::ReverseInvoice,
        OrderStatus::Completed,
        OrderStatus::PendingInvoice,
    ),
    (
        Action::Cancel,
        OrderStatus::PendingPayment,
        OrderStatus::Cancelled,
    ),
    (
        Action::Cancel,
        OrderStatus::PendingVoucher,
        OrderStatus::Cancelled,
    ),
];

/// The status `action` leads to from `from`, or `None` when the table does not allow it.
pub fn next_status(action: Action, from: OrderStatus) -> Option<OrderStatus> {
    TRANSITIONS
        .iter()
        .find(|(a, f, _)| *a == action && *f == from)
        .map(|(_, _, to)| *to)
}

/// Whether the applicant is a person or an organisation.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum UserType {
    /// 个人
    Individual,
    /// 机构
    Organization,
}

impl UserType {
    /// The stable wire and database name.
    pub fn as_str(self) -> &'static str {
        match self {
            UserType::Individual => "individual",
            UserType::Organization => "organization",
        }
    }

    /// Parses the wire name.
    pub fn parse(name: &str) -> Option<UserType> {
        match name {
            "individual" => Some(UserType::Individual),
            "organization" => Some(UserType::Organization),
            _ => None,
        }
    }

    /// The label staff see.
    pub fn label(self, lang: Lang) -> &'static str {
        match self {
            UserType::Individual => T::UserTypeIndividual.get(lang),
            UserType::Organization => T::UserTypeOrganization.get(lang),
        }
    }

    /// What the person on the application is called: the applicant, or for an
    /// organisation the handler who applies for it (as the printed form says).
    pub fn person_label(self) -> T {
        match self {
            UserType::Individual => T::FieldApplicant,
            UserType::Organization => T::FieldHandler,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_lifecycle_of_the_design_is_the_table() {
        use Action::*;
        use OrderStatus::*;
        let happy_alipay = [
            (Pay, PendingReview),
            (Approve, PendingShipment),
            (Ship, PendingInvoice),
            (IssueInvoice, Completed),
        ];
        let mut s = PendingPayment;
        for (a, to) in happy_alipay {
            s = next_status(a, s).unwrap_or_else(|| panic!("{a} from {s}"));
            assert_eq!(s, to);
        }
        assert_eq!(
            next_status(ChooseBankTransfer, PendingPayment),
            Some(PendingVoucher)
        );
        assert_eq!(
            next_status(UploadVoucher, PendingVoucher),
            Some(PendingReview)
        );
        assert_eq!(next_status(Reject, PendingReview), Some(Rejected));
        assert_eq!(next_status(Resubmit, Rejected), Some(PendingReview));
        assert_eq!(next_status(DeclineInvoice, PendingInvoice), Some(Completed));
        assert_eq!(next_status(Cancel, PendingPayment), Some(Cancelled));
        assert_eq!(next_status(Cancel, PendingVoucher), Some(Cancelled));
    }

    #[test]
    fn nothing_outside_the_table_is_allowed() {
        assert_eq!(
            next_status(Action::Cancel, OrderStatus::PendingReview),
            None
        );
        assert_eq!(
            next_status(Action::Approve, OrderStatus::PendingPayment),
            None
        );
        assert_eq!(next_status(Action::Pay, OrderStatus::Cancelled), None);
        assert!(OrderStatus::Completed.is_final());
        assert!(OrderStatus::Cancelled.is_final());
        assert_eq!(
            next_status(Action::ReverseInvoice, OrderStatus::Completed),
            Some(OrderStatus::PendingInvoice)
        );
        assert_eq!(next_status(Action::Cancel, OrderStatus::Completed), None);
        assert!(!OrderStatus::Rejected.is_final());
        let allowed = OrderStatus::ALL
            .iter()
            .flat_map(|s| {
                Action::ALL
                    .iter()
                    .filter(move |a| next_status(**a, *s).is_some())
            })
            .count();
        assert_eq!(allowed, TRANSITIONS.len());
    }

    #[test]
    fn wire_names_round_trip_and_match_serde() {
        for s in OrderStatus::ALL {
            assert_eq!(OrderStatus::parse(s.as_str()), Some(s));
            assert_eq!(
                serde_json::to_value(s).ok(),
                Some(serde_json::Value::from(s.as_str()))
            );
        }
        for a in Action::ALL {
            assert_eq!(Action::parse(a.as_str()), Some(a));
            assert_eq!(
                serde_json::to_value(a).ok(),
                Some(serde_json::Value::from(a.as_str()))
            );
        }
        assert_eq!(OrderStatus::PendingPayment.label(Lang::ZhCn), "待支付");
        assert_eq!(
            OrderStatus::PendingVoucher.label(Lang::En),
            "awaiting transfer voucher"
        );
    }
}
