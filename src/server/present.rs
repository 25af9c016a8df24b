//! Stored rows as the API shows them: times in RFC 3339, personal data masked unless the
//! caller may and asked to reveal it, and the actions this caller may take.

use crate::api::{
    Actor as WireActor, Applicant, Attachment, AttachmentKind, Customer, HistoryEntry,
    MailingAddress, Order, OrderEvent, OrderSummary, Organization, RealnameEvent, RealnameStatus,
    Shipment,
};
use crate::domain::{
    Action, OrderNo, OrderPart, OrderStatus, Permission, UserType, mask_email, mask_id_number,
    mask_phone,
};

use super::error::ApiError;
use super::extract::Caller;
use super::store::{
    AttachmentRow, CustomerRow, EventRow, HistoryRow, LastDetailsRow, MAX_ATTEMPTS, OrderRow,
    RealnameRow,
};
use crate::api::RealnameSession;
use crate::i18n::Lang;

/// Unix milliseconds as RFC 3339 UTC with milliseconds.
pub fn rfc3339(ms: i64) -> String {
    let time = time::OffsetDateTime::from_unix_timestamp_nanos(i128::from(ms) * 1_000_000)
        .unwrap_or(time::OffsetDateTime::UNIX_EPOCH);
    time.format(&time::format_description::well_known::Rfc3339)
        .unwrap_or_default()
}

/// Unix milliseconds as `2026-11-28 16:32` in China time, for printed documents.
pub fn china_datetime(ms: i64) -> String {
    let china = time::UtcOffset::from_hms(8, 0, 0).unwrap_or(time::UtcOffset::UTC);
    let t = time::OffsetDateTime::from_unix_timestamp_nanos(i128::from(ms) * 1_000_000)
        .unwrap_or(time::OffsetDateTime::UNIX_EPOCH)
        .to_offset(china);
    format!(
        "{:04}-{:02}-{:02} {:02}:{:02}",
        t.year(),
        u8::from(t.month()),
        t.day(),
        t.hour(),
        t.minute()
    )
}

fn corrupt(what: &str) -> ApiError {
    ApiError::Internal(format!("corrupt stored {what}"))
}

/// Whether an answer to `caller` shows ID numbers whole (the applicant's, the verified
/// identity's): only when revealed, and only to those who may reveal personal data — the
/// mailroom's reveal shows where to send the parcel, its ID numbers stay masked.
pub fn reveals_id_numbers(caller: &Caller, reveal: bool) -> bool {
    reveal
        && caller
            .operator
            .roles
            .permits(Permission::RevealPersonalData)
}

/// Whether `caller` may see `row`'s contact details whole (its phones and street): those
/// who may reveal personal data, always; the mailroom (contact alone), for the orders it
/// ships — from 待邮寄 on. The reveal and the receipt printed in full both ask this.
pub fn reveals_contact(caller: &Caller, row: &OrderRow) -> bool {
    let roles = &caller.operator.roles;
    roles.permits(Permission::RevealPersonalData)
        || (roles.permits(Permission::RevealContact)
            && matches!(
                row.status(),
                Ok(OrderStatus::PendingShipment
                    | OrderStatus::PendingInvoice
                    | OrderStatus::Completed)
            ))
}

/// The full order for `caller`.
pub fn order(
    row: &OrderRow,
    attachments: &[AttachmentRow],
    caller: &Caller,
    reveal: bool,
) -> Result<Order, ApiError> {
    let status = row.status()?;
    let user_type = UserType::parse(&row.user_type).ok_or_else(|| corrupt("user type"))?;
    let mut applicant: Applicant =
        serde_json::from_str(&row.applicant_json).map_err(|_| corrupt("applicant"))?;
    let organization: Option<Organization> = row
        .organization_json
        .as_deref()
        .map(serde_json::from_str)
        .transpose()
        .map_err(|_| corrupt("organization"))?;
    let mut mailing: MailingAddress =
        serde_json::from_str(&row.mailing_json).map_err(|_| corrupt("mailing"))?;
    // The mailroom's reveal is where the parcel goes: not the ID number, not the e-mail.
    if !reveals_id_numbers(caller, reveal) {
        applicant.id_number = mask_id_number(&applicant.id_number);
        applicant.email = applicant.email.as_deref().map(mask_email);
    }
    if !reveal {
        applicant.phone = mask_phone(&applicant.phone);
        mailing.phone = mask_phone(&mailing.phone);
        if !mailing.street.is_empty() {
            mailing.street = "****".into();
        }
    }
    let rejection_reasons = row
        .rejection_json
        .as_deref()
        .map(serde_json::from_str::<Vec<String>>)
        .transpose()
        .map_err(|_| corrupt("rejection reasons"))?
        .unwrap_or_default();
    Ok(Order {
        order_no: OrderNo::parse(&row.order_no).map_err(|_| corrupt("order number"))?,
        status,
        version: row.version,
        user_type,
        customer_id: row.customer_id.clone(),
        project_id: row.project_id.clone(),
        project_name: row.project_name.clone(),
        product_id: row.product_id.clone(),
        product_name: row.product_name.clone(),
        validity_years: row.validity_years,
        amount_fen: row.amount_fen,
        applicant,
        organization,
        mailing,
        revealed: reveal,
        note: row.note.clone(),
        application_ref: row.application_ref.clone(),
        terms_version: row.terms_version.clone(),
        payment_method: row.payment_method.clone(),
        paid_at: row.paid_at.map(rfc3339),
        rejection_reasons,
        voucher_total_fen: row.voucher_total_fen,
        shipment: match (&row.carrier, &row.tracking_no, row.shipped_at) {
            (Some(carrier), Some(tracking_no), Some(at)) => Some(Shipment {
                carrier: carrier.clone(),
                tracking_no: tracking_no.clone(),
                shipped_at: rfc3339(at),
            }),
            _ => None,
        },
        invoice_no: row.invoice_no.clone(),
        invoice: None,
        reversed_invoices: Vec::new(),
        mailed_by: None,
        invoice_request: None,
        submitted_by: WireActor {
            id: Some(row.submitted_by.clone()),
            name: row.submitted_by_name.clone(),
        },
        created_at: rfc3339(row.created_at),
        updated_at: rfc3339(row.updated_at),
        claim: claim(row),
        resubmissions: row.resubmissions,
        trade_no: None,
        realname: None,
        allowed_actions: allowed_actions(row, status, caller),
        editable: editable(row, status, caller),
        attachments: attachments
            .iter()
            .filter_map(|a| attachment(a, row))
            .collect(),
        channel: crate::domain::Channel::parse(&row.channel).unwrap_or_default(),
    })
}

/// The actions `caller` may take on the order now: the role table and the transition
/// table, less deciding on one's own submission.
pub fn allowed_actions(row: &OrderRow, status: OrderStatus, caller: &Caller) -> Vec<Action> {
    caller
        .operator
        .roles
        .actions_for(status)
        .into_iter()
        .filter(|a| !(a.is_review_decision() && row.submitted_by == caller.operator.id))
        // Only an invoice issued is reversed (not one declined).
        .filter(|a| !(*a == Action::ReverseInvoice && row.invoice_no.is_none()))
        .collect()
}

/// The parts of the order `caller` may correct now: the edit rule, for those who may edit.
pub fn editable(row: &OrderRow, status: OrderStatus, caller: &Caller) -> Vec<OrderPart> {
    match UserType::parse(&row.user_type) {
        Some(user_type) if caller.operator.roles.permits(Permission::EditOrders) => {
            OrderPart::editable(status, user_type)
        }
        _ => Vec::new(),
    }
}

/// The live review claim on an order, if any.
pub fn claim(row: &OrderRow) -> Option<crate::api::Claim> {
    // A review claim (a 已完成 order's is a reversal's hold, not the reviewer's).
    if row.status().ok() != Some(OrderStatus::PendingReview) {
        return None;
    }
    row.live_claim(crate::server::store::now_ms())
        .map(|(id, name, until)| crate::api::Claim {
            by: WireActor {
                id: Some(id.to_owned()),
                name: name.to_owned(),
            },
            expires_at: rfc3339(until),
        })
}

/// A list row; personal data always masked.
pub fn summary(row: &OrderRow) -> Option<OrderSummary> {
    Some(OrderSummary {
        order_no: OrderNo::parse(&row.order_no).ok()?,
        status: OrderStatus::parse(&row.status)?,
        version: row.version,
        customer_name: row.display_name.clone(),
        phone: mask_phone(&row.phone),
        project_name: row.project_name.clone(),
        product_name: row.product_name.clone(),
        amount_fen: row.amount_fen,
        created_at: rfc3339(row.created_at),
        updated_at: rfc3339(row.updated_at),
        channel: crate::domain::Channel::parse(&row.channel).unwrap_or_default(),
        payment_method: row.payment_method.clone(),
    })
}

/// An audit row.
pub fn history(row: &HistoryRow) -> HistoryEntry {
    HistoryEntry {
        id: row.id,
        at: rfc3339(row.at),
        actor: WireActor {
            id: row.actor_id.clone(),
            name: row.actor_name.clone(),
        },
        action: row.action.clone(),
        from_status: row.from_status.as_deref().and_then(OrderStatus::parse),
        to_status: row.to_status.as_deref().and_then(OrderStatus::parse),
        // An upload's row names its file (see `attachment`).
        reason: match row.action.as_str() {
            "attach" | "withdraw_attachment" => {
                row.reason.as_deref().map(crate::domain::mask_numbers_in)
            }
            _ => row.reason.clone(),
        },
        request_id: row.request_id.clone(),
    }
}

/// Attachment metadata.
pub fn attachment(row: &AttachmentRow, order: &OrderRow) -> Option<Attachment> {
    Some(Attachment {
        id: row.id.clone(),
        order_no: row.order_no.clone(),
        kind: AttachmentKind::parse(&row.kind)?,
        content_type: row.content_type.clone(),
        size: row.size,
        sha256: row.sha256.clone(),
        // Scanners name files after what they hold (a phone, an ID number): masked as
        // those fields are, for every role.
        filename: crate::domain::mask_numbers_in(&row.filename),
        uploaded_by: WireActor {
            id: Some(row.uploaded_by.clone()),
            name: row.uploaded_by_name.clone(),
        },
        uploaded_at: rfc3339(row.uploaded_at),
        scan_check: crate::server::scan_match::kept(row.scan_json.as_deref(), order),
        also_on: Vec::new(),
    })
}

/// A customer; the phone masked unless `reveal`.
pub fn customer(row: &CustomerRow, reveal: bool) -> Customer {
    Customer {
        id: row.id.clone(),
        phone: if reveal {
            row.phone.clone()
        } else {
            mask_phone(&row.phone)
        },
        name: row.name.clone(),
        realname_verified: row.realname_verified_at.is_some(),
        created_at: rfc3339(row.created_at),
        order_count: row.order_count,
    }
}

/// What a customer's latest order said, in full (for a caller who may reveal it); `None`
/// when the stored JSON cannot be read, which only costs the next form its prefill.
pub fn last_order(row: &LastDetailsRow) -> Option<crate::api::LastOrderDetails> {
    let applicant: Applicant = serde_json::from_str(&row.applicant_json).ok()?;
    let organization = match row.organization_json.as_deref() {
        Some(json) => Some(serde_json::from_str::<Organization>(json).ok()?),
        None => None,
    };
    Some(crate::api::LastOrderDetails {
        order_no: row.order_no.clone(),
        email: applicant.email.filter(|e| !e.trim().is_empty()),
        organization,
        mailing: serde_json::from_str(&row.mailing_json).ok()?,
    })
}

/// A verification session for an operator; `reveal` shows the verified ID number in full.
pub fn realname(row: &RealnameRow, now: i64, lang: Lang, reveal: bool) -> RealnameSession {
    let status = row.status_at(now);
    let reason_text = row.last_error.as_deref().map(|code| {
        crate::server::identity::reason_text(Some(code))
            .get(lang)
            .to_owned()
    });
    RealnameSession {
        id: row.id.clone(),
        customer_id: row.customer_id.clone(),
        status,
        url: None,
        masked_name: crate::domain::mask_name(&row.expected_name),
        expires_at: rfc3339(row.expires_at),
        attempts: row.attempts,
        attempts_left: (MAX_ATTEMPTS - row.attempts).max(0),
        reason: row.last_error.clone(),
        reason_text,
        verified_name: row.verified_name.clone(),
        verified_id_number: row.verified_id_number.as_deref().map(|id| {
            if reveal {
                id.to_owned()
            } else {
                mask_id_number(id)
            }
        }),
        verified_at: (status == RealnameStatus::Verified)
            .then(|| row.finished_at.map(rfc3339))
            .flatten(),
        at_provider: status == RealnameStatus::Pending && row.certify_id.is_some(),
        provider: row.provider.clone(),
        transaction_id: None,
        other_names: Vec::new(),
    }
}

/// An event as streamed; `order` is the order's list row (order events).
pub fn event(row: &EventRow, order: Option<OrderSummary>) -> Option<StreamEvent> {
    match row.topic.as_str() {
        "order" => Some(StreamEvent::Order(OrderEvent {
            id: row.seq,
            order_no: OrderNo::parse(&row.subject_no).ok()?,
            kind: row.kind.clone(),
            action: row.action.clone(),
            status: OrderStatus::parse(&row.status)?,
            from: row.from_status.as_deref().and_then(OrderStatus::parse),
            version: row.version,
            at: rfc3339(row.at),
            order: order.map(Box::new),
        })),
        "realname" => Some(StreamEvent::Realname(RealnameEvent {
            id: row.seq,
            session_id: row.subject_id.clone(),
            status: RealnameStatus::parse(&row.status)?,
            attempts: row.version,
            at: rfc3339(row.at),
        })),
        _ => None,
    }
}

/// An event as the stream sends it.
pub enum StreamEvent {
    /// `event: order`
    Order(OrderEvent),
    /// `event: realname`
    Realname(RealnameEvent),
}

/// The reversed invoices among an order's invoices, oldest first, each with the red-letter
/// invoice that cancelled it.
pub fn reversed_invoices(
    invoices: &[crate::server::store::InvoiceRow],
) -> Vec<crate::api::ReversedInvoice> {
    invoices
        .iter()
        .filter_map(|blue| {
            let red = blue.red_in(invoices)?;
            let request: Option<crate::domain::InvoiceRequest> =
                serde_json::from_str(&blue.request_json).ok();
            Some(crate::api::ReversedInvoice {
                invoice_no: blue.invoice_no.clone(),
                buyer_name: request.map(|r| r.buyer_name).unwrap_or_default(),
                total_fen: blue.total_fen,
                attachment_id: blue.attachment_id.clone(),
                red_invoice_no: red.invoice_no.clone(),
                confirmation_no: red.confirmation_no.clone(),
                red_attachment_id: red.attachment_id.clone(),
                reason: red.reason.clone(),
                reversed_at: rfc3339(red.issued_at),
            })
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn times_are_rfc3339_utc() {
        assert_eq!(rfc3339(0), "1970-01-01T00:00:00Z");
        assert_eq!(rfc3339(1_795_000_000_123), "2026-11-18T11:06:40.123Z");
    }
}
