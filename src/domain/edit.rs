//! What of an order may be changed after it was submitted, and while it is in which status:
//! the one rule the platform enforces and the counter and the customer's pages ask.
//!
//! Who the applicant is (name, ID number) was verified and is never changed: a wrong person
//! is a new order. Where the certificate goes may change until it is mailed. What the
//! organisation's form says may change while the order is returned for correction, because
//! the corrected form is then printed again, signed, and checked by a reviewer.

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::status::{OrderStatus, UserType};
use super::{InvalidValue, Money};
use crate::i18n::Msg;
use crate::i18n::{Lang, T};

/// A part of an order that may be corrected after submission.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum OrderPart {
    /// The mailing address: recipient, phone, address, postal code.
    Mailing,
    /// The organisation's registered name, credit code and legal representative.
    Organization,
}

impl OrderPart {
    /// Every part.
    pub const ALL: [OrderPart; 2] = [OrderPart::Mailing, OrderPart::Organization];

    /// The stable wire name.
    pub fn as_str(self) -> &'static str {
        match self {
            OrderPart::Mailing => "mailing",
            OrderPart::Organization => "organization",
        }
    }

    /// Parses the wire name.
    pub fn parse(name: &str) -> Option<OrderPart> {
        OrderPart::ALL.into_iter().find(|p| p.as_str() == name)
    }

    /// What it is called.
    pub fn text(self) -> T {
        match self {
            OrderPart::Mailing => T::PartMailing,
            OrderPart::Organization => T::PartOrganization,
        }
    }

    /// What it is called, in `lang`.
    pub fn label(self, lang: Lang) -> &'static str {
        self.text().get(lang)
    }

    /// May this part of an order of `user_type` be changed while it is in `status`?
    pub fn editable_in(self, status: OrderStatus, user_type: UserType) -> bool {
        use OrderStatus as S;
        match self {
            // Until the parcel leaves: afterwards the address is the one it went to.
            OrderPart::Mailing => matches!(
                status,
                S::PendingPayment
                    | S::PendingVoucher
                    | S::PendingReview
                    | S::Rejected
                    | S::PendingShipment
            ),
            // Only on a return: the corrected form goes back to review with the change.
            OrderPart::Organization => status == S::Rejected && user_type == UserType::Organization,
        }
    }

    /// The parts an order in `status` allows to change.
    pub fn editable(status: OrderStatus, user_type: UserType) -> Vec<OrderPart> {
        OrderPart::ALL
            .into_iter()
            .filter(|p| p.editable_in(status, user_type))
            .collect()
    }
}

/// The audit row of a correction says which fields changed, then why:
/// `mailing.street,mailing.postal_code 客户来电` (the fields never hold a space).
pub fn edit_record(fields: &[&str], why: Option<&str>) -> String {
    let mut record = fields.join(",");
    if let Some(why) = why {
        record.push(' ');
        record.push_str(why);
    }
    record
}

/// The rule of an order's organisation or mailing field by its path
/// (`mailing.postal_code`): the value as the order keeps it, or why not. The one table
/// the platform checks orders and corrections by, and the counter checks a correction's
/// fields by again after a language switch. A path with no rule here is kept as typed.
pub fn check_order_field(path: &str, value: &str) -> Result<String, super::InvalidValue> {
    use super::{PostalCode, RecipientPhone, Uscc};
    match path {
        "organization.name" => super::organisation_name::<100>(value),
        "organization.uscc" => Uscc::parse(value).map(String::from),
        "organization.legal_representative" | "mailing.recipient" => super::person_name(value),
        "mailing.phone" => RecipientPhone::parse(value).map(String::from),
        "mailing.province" => super::province(value),
        "mailing.city" | "mailing.district" => super::place_name(value),
        "mailing.street" => super::street(value),
        "mailing.postal_code" => PostalCode::parse(value).map(String::from),
        _ => Ok(value.to_owned()),
    }
}

/// The fields and the why of a correction's audit row ([`edit_record`]).
pub fn read_edit_record(record: &str) -> (Vec<&str>, &str) {
    let (fields, why) = record.trim().split_once(' ').unwrap_or((record.trim(), ""));
    (
        fields.split(',').filter(|f| !f.is_empty()).collect(),
        why.trim(),
    )
}

/// The reasons on the reviewer's checklist that each ask for a document: the form signed
/// or stamped again, a readable scan, the scan not sent at all, a voucher.
pub const DOCUMENT_REASONS: [T; 7] = [
    T::ReasonSignatureMissing,
    T::ReasonStampMissing,
    T::ReasonFormUnreadable,
    T::ReasonDataMismatch,
    T::ReasonVoucherAmount,
    T::ReasonVoucherUnreadable,
    T::ReasonNoSignedForm,
];

/// The reasons a reviewer picks from to return an order (the checklist), in the order
/// shown: the documents', then the real-name check not passed (answered by the check, not
/// a file). "Other" is typed and asks for whatever it says.
pub const RETURN_REASONS: [T; 8] = {
    let d = DOCUMENT_REASONS;
    [
        d[0],
        d[1],
        d[2],
        d[3],
        d[4],
        d[5],
        d[6],
        T::ReasonNotVerified,
    ]
};

/// Whether the checklist's `reason` can be asked of an order: the organisation's stamp only
/// of an organisation's (`organisation`), a voucher's only of one paid by bank transfer
/// (`by_transfer`) — a customer who paid online has no voucher to send again.
pub fn reason_applies(reason: T, organisation: bool, by_transfer: bool) -> bool {
    match reason {
        T::ReasonStampMissing => organisation,
        T::ReasonVoucherAmount | T::ReasonVoucherUnreadable => by_transfer,
        _ => true,
    }
}

/// How a return's reasons are joined into one record (its history row, its texts).
pub const REASON_SEPARATOR: &str = "；";

/// The checklist's reason (or "other") `text` is, in whichever language it was recorded.
pub fn checklist_reason(text: &str) -> Option<T> {
    let text = text.trim();
    RETURN_REASONS
        .iter()
        .chain([T::ReasonOther].iter())
        .copied()
        .find(|t| Lang::ALL.iter().any(|lang| t.get(*lang) == text))
}

/// Whether a return for `reasons` (as recorded, in the reviewer's language) may be answered
/// by correcting the order's details alone, without a new file: only when no reason is one
/// of the checklist's, which each ask for a document.
pub fn answerable_by_correction(reasons: &[String]) -> bool {
    !reasons
        .iter()
        .any(|reason| checklist_reason(reason).is_some_and(|t| DOCUMENT_REASONS.contains(&t)))
}

/// Whether `reason` (as recorded) is the checklist's "the real-name check was not passed".
pub fn is_the_check(reason: &str) -> bool {
    checklist_reason(reason) == Some(T::ReasonNotVerified)
}

/// Whether a return for `reasons` asked for the bank transfer's voucher again (its amount
/// wrong, or unreadable): the customer needs the account and the amount again.
pub fn asks_for_a_voucher(reasons: &[String]) -> bool {
    reasons.iter().any(|r| {
        matches!(
            checklist_reason(r),
            Some(T::ReasonVoucherAmount | T::ReasonVoucherUnreadable)
        )
    })
}

/// Whether a return for `reasons` said the voucher's amount was wrong (more to transfer).
pub fn asks_for_the_amount(reasons: &[String]) -> bool {
    reasons
        .iter()
        .any(|r| checklist_reason(r) == Some(T::ReasonVoucherAmount))
}

/// What is left to transfer on an order returned for its voucher's amount (fen): the
/// order's `amount_fen` less what its vouchers showed in all, when the reviewer said it
/// (`voucher_total_fen`). None when the return did not ask for the amount, or said no total.
pub fn still_to_transfer(
    reasons: &[String],
    amount_fen: i64,
    voucher_total_fen: Option<i64>,
) -> Option<Money> {
    let total = voucher_total_fen?;
    if !asks_for_the_amount(reasons) || !(1..amount_fen).contains(&total) {
        return None;
    }
    Money::from_fen(amount_fen - total)
}

/// [`still_to_transfer`] as every page, paper and screen says it, in `lang`: the rest, with
/// the order's amount and what the vouchers showed.
pub fn still_to_transfer_said(
    reasons: &[String],
    amount_fen: i64,
    voucher_total_fen: Option<i64>,
    lang: Lang,
) -> Option<String> {
    let rest = still_to_transfer(reasons, amount_fen, voucher_total_fen)?;
    let amount = Money::from_fen(amount_fen).unwrap_or_default();
    let shown = Money::from_fen(voucher_total_fen.unwrap_or_default()).unwrap_or_default();
    Some(T::DocStillToTransferValue.fill(
        lang,
        &[&rest.to_string(), &amount.to_string(), &shown.to_string()],
    ))
}

#[cfg(test)]
mod rest_tests {
    use super::*;

    /// The rest recorded in a return's history reads in the reader's language.
    #[test]
    fn the_recorded_rest_reads_in_either_language() {
        let reasons = vec![T::ReasonVoucherAmount.get(Lang::ZhCn).to_owned()];
        let recorded = recorded_rest(&reasons, 120_000, Some(100_050)).expect("short");
        assert_eq!(
            return_reason_in(&recorded, Lang::ZhCn),
            recorded,
            "Chinese as recorded"
        );
        assert_eq!(
            return_reason_in(&recorded, Lang::En),
            "Still to transfer: ¥199.50 (the order's ¥1,200.00, less the ¥1,000.50 its vouchers show)"
        );
        // A reviewer's own words that only start so stay as written.
        assert_eq!(
            return_reason_in("还需补转：问客服", Lang::En),
            "还需补转：问客服"
        );
        let own = "还需补转：¥50，订单¥200已转¥150，周五前";
        assert_eq!(return_reason_in(own, Lang::En), own);
        assert_eq!(recorded_rest(&reasons, 120_000, None), None);
    }
}

/// Whether `total_fen` may be said as what an order's vouchers showed in all, on a return
/// for `reasons` of an order of `amount_fen`: only with the reason "the voucher's amount is
/// wrong", and only short of the amount (a short transfer is the one with a rest to send).
pub fn check_voucher_total(
    reasons: &[String],
    amount_fen: i64,
    total_fen: i64,
) -> Result<(), InvalidValue> {
    if !asks_for_the_amount(reasons) {
        return Err(Msg::with(T::ErrVoucherTotalWithoutReason, [T::ReasonVoucherAmount]).into());
    }
    if !(1..amount_fen).contains(&total_fen) {
        let amount = Money::from_fen(amount_fen).unwrap_or_default().to_string();
        return Err(Msg::with(T::ErrVoucherTotalRange, [amount]).into());
    }
    Ok(())
}

/// Whether a return for `reasons` may have asked for the form again: a reason other than
/// the voucher's or the real-name check's (a reviewer's own words may ask for anything).
/// A file sent for a return that did not is not expected to carry the form's code. (No
/// reasons known: it may have.)
pub fn may_ask_for_the_form(reasons: &[String]) -> bool {
    reasons.is_empty()
        || reasons.iter().any(|r| {
            !matches!(
                checklist_reason(r),
                Some(T::ReasonVoucherAmount | T::ReasonVoucherUnreadable | T::ReasonNotVerified)
            )
        })
}

/// Whether a return for `reasons` asked for the transfer's voucher and for no paper of
/// ours (the real-name check aside): answered by a voucher, with no form to sign again.
pub fn answered_by_a_voucher(reasons: &[String]) -> bool {
    asks_for_a_voucher(reasons) && !may_ask_for_the_form(reasons)
}

/// Whether a return for `reasons` asked for the real-name check (among others or not).
pub fn asks_for_the_check(reasons: &[String]) -> bool {
    reasons.iter().any(|r| is_the_check(r))
}

/// Whether a return for `reasons` asked for the real-name check alone: answered by passing
/// it, with nothing to upload.
pub fn only_the_check(reasons: &[String]) -> bool {
    !reasons.is_empty() && reasons.iter().all(|r| is_the_check(r))
}

/// A return's reason in `lang` when it is one of the checklist's (recorded in whatever
/// language the reviewer's counter sent it), else as written: staff reading in English
/// see the checklist's words in English, the customer's page the words sent.
pub fn return_reason_in(reason: &str, lang: Lang) -> String {
    if let Some(rest) = recorded_rest_in(reason, lang) {
        return rest;
    }
    checklist_reason(reason).map_or_else(|| reason.trim().to_owned(), |t| t.get(lang).to_owned())
}

/// The rest to transfer as a return's history records it beside its reasons (the order
/// forgets it when sent back): [`still_to_transfer_said`] under its label, in Chinese.
pub fn recorded_rest(
    reasons: &[String],
    amount_fen: i64,
    voucher_total_fen: Option<i64>,
) -> Option<String> {
    let said = still_to_transfer_said(reasons, amount_fen, voucher_total_fen, Lang::ZhCn)?;
    Some(format!("{}：{said}", T::DocStillToTransfer.get(Lang::ZhCn)))
}

/// A [`recorded_rest`] said again in `lang` (its three amounts read back); `None` for any
/// other text.
fn recorded_rest_in(recorded: &str, lang: Lang) -> Option<String> {
    let said = recorded
        .trim()
        .strip_prefix(T::DocStillToTransfer.get(Lang::ZhCn))?
        .strip_prefix('：')?;
    let amounts: Vec<Money> = said
        .split('¥')
        .skip(1)
        .map(|s| {
            let figure: String = s
                .chars()
                .take_while(|c| c.is_ascii_digit() || matches!(c, '.' | ','))
                .collect();
            Money::parse_yuan(&figure).ok()
        })
        .collect::<Option<_>>()?;
    let [rest, amount, shown] = amounts.as_slice() else {
        return None;
    };
    // Only the platform's own record (a reviewer's words that start the same are theirs):
    // it is what it says in Chinese, word for word.
    let again = |lang: Lang| {
        T::DocStillToTransferValue.fill(
            lang,
            &[&rest.to_string(), &amount.to_string(), &shown.to_string()],
        )
    };
    if again(Lang::ZhCn) != said {
        return None;
    }
    let colon = if lang == Lang::ZhCn { "：" } else { ": " };
    Some(format!(
        "{}{colon}{}",
        T::DocStillToTransfer.get(lang),
        again(lang)
    ))
}

/// A return's reasons, each in `lang` by [`return_reason_in`], joined as `lang` joins
/// clauses.
pub fn return_reasons_list_in<S: AsRef<str>>(reasons: &[S], lang: Lang) -> String {
    reasons
        .iter()
        .map(AsRef::as_ref)
        .filter(|r| !r.trim().is_empty())
        .map(|r| return_reason_in(r, lang))
        .collect::<Vec<_>>()
        .join(T::ClauseJoin.get(lang))
}

/// A return's reasons as recorded in one text (joined with [`REASON_SEPARATOR`]), in
/// `lang` by [`return_reasons_list_in`].
pub fn return_reasons_in(recorded: &str, lang: Lang) -> String {
    let reasons: Vec<&str> = recorded.split(REASON_SEPARATOR).collect();
    return_reasons_list_in(&reasons, lang)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn checklist_reasons_read_in_the_readers_language_and_typed_ones_as_typed() {
        assert_eq!(
            return_reasons_in("申请表缺少签字；印章模糊 2 处", Lang::En),
            "the form is not signed; 印章模糊 2 处"
        );
        assert_eq!(
            return_reasons_in("the form is not signed；Stamp is blurred", Lang::ZhCn),
            "申请表缺少签字；Stamp is blurred"
        );
        assert_eq!(
            return_reason_in(" 缺少单位公章 ", Lang::En),
            "the organisation's stamp is missing"
        );
    }

    #[test]
    fn a_corrections_record_reads_back_its_fields_and_why() {
        let record = edit_record(
            &["mailing.street", "mailing.postal_code"],
            Some("客户 来电"),
        );
        assert_eq!(record, "mailing.street,mailing.postal_code 客户 来电");
        assert_eq!(
            read_edit_record(&record),
            (vec!["mailing.street", "mailing.postal_code"], "客户 来电")
        );
        assert_eq!(
            read_edit_record("organization.name"),
            (vec!["organization.name"], "")
        );
    }

    #[test]
    fn a_return_asking_for_a_document_is_not_answered_by_a_correction_alone() {
        assert!(answerable_by_correction(&["邮寄地址缺少门牌号".into()]));
        assert!(!answerable_by_correction(&[
            "邮寄地址缺少门牌号".into(),
            "申请表缺少签字".into()
        ]));
        // Recorded in English by an English-speaking reviewer, the same.
        assert!(!answerable_by_correction(
            &["the form is not signed".into()]
        ));
    }

    #[test]
    fn the_address_changes_until_mailed_and_never_after() {
        for status in OrderStatus::ALL {
            let before_mailing = !matches!(
                status,
                OrderStatus::PendingInvoice | OrderStatus::Completed | OrderStatus::Cancelled
            );
            assert_eq!(
                OrderPart::Mailing.editable_in(status, UserType::Individual),
                before_mailing,
                "{status}"
            );
        }
    }

    #[test]
    fn the_organisation_changes_only_on_a_return() {
        let editable: Vec<OrderStatus> = OrderStatus::ALL
            .into_iter()
            .filter(|s| OrderPart::Organization.editable_in(*s, UserType::Organization))
            .collect();
        assert_eq!(editable, vec![OrderStatus::Rejected]);
        assert_eq!(
            OrderPart::editable(OrderStatus::Rejected, UserType::Organization),
            vec![OrderPart::Mailing, OrderPart::Organization]
        );
        // A person's order has no organisation to correct.
        assert_eq!(
            OrderPart::editable(OrderStatus::Rejected, UserType::Individual),
            vec![OrderPart::Mailing]
        );
        assert!(OrderPart::editable(OrderStatus::Completed, UserType::Organization).is_empty());
    }

    #[test]
    fn wire_names_round_trip() {
        for part in OrderPart::ALL {
            assert_eq!(OrderPart::parse(part.as_str()), Some(part));
        }
        assert_eq!(OrderPart::parse("applicant"), None);
    }
}
