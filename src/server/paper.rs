//! What each printed document of an order says: the application form, the acceptance
//! receipt, the correction notice and the transfer slip, built from the order and the
//! configuration in Chinese (the language of the paper), with their QR codes and demo
//! marks. The routes in `routes/documents.rs` fetch, record and send; `pdf/` draws.

use time::{Duration, OffsetDateTime};

use super::AppState;
use super::pdf::{
    ApplicationForm, Authorization, Choice, Continued, CorrectionNotice, FollowCode, FormRow,
    OfficeBlock, PageCode, Receipt, Row, TransferSlip,
};
use super::store::{HistoryRow, OrderRow};
use crate::api::{Applicant, MailingAddress, Organization};
use crate::domain::{
    CHINA, DocKind, DocSubject, Money, OrderStatus, UserType, mask_address, mask_id_number,
    mask_phone,
};
use crate::i18n::{Lang, T};

const ZH: Lang = Lang::ZhCn;

/// Everything a printed application form shows.
pub struct FormData {
    /// Individual or organisation.
    pub user_type: UserType,
    /// The applicant (for an organisation: the handler).
    pub applicant: Applicant,
    /// The organisation, if any.
    pub organization: Option<Organization>,
    /// Where the certificate goes.
    pub mailing: MailingAddress,
    /// The project the certificate is for.
    pub project: String,
    /// The product.
    pub product: String,
    /// Years of validity.
    pub validity_years: i64,
    /// Price in fen.
    pub amount_fen: i64,
    /// The reference printed before submission.
    pub application_ref: Option<String>,
    /// The order, once submitted.
    pub order_no: Option<String>,
    /// Who took the application.
    pub clerk: String,
    /// How it was paid (`sandbox` marks the paper as a demo).
    pub payment_method: Option<String>,
}

impl FormData {
    /// The form of an application checked but not yet submitted (a preview at the counter,
    /// or the form a customer prints at home), taken by `clerk`. `None` when the checked
    /// order does not read back (a defect).
    pub fn unsubmitted(
        valid: &super::store::ValidOrder,
        product: super::store::ProductRow,
        clerk: String,
    ) -> Option<FormData> {
        Some(FormData {
            user_type: valid.user_type,
            applicant: serde_json::from_str(&valid.applicant_json).ok()?,
            organization: match valid.organization_json.as_deref() {
                Some(json) => Some(serde_json::from_str(json).ok()?),
                None => None,
            },
            mailing: serde_json::from_str(&valid.mailing_json).ok()?,
            project: product.project_name,
            product: product.name,
            validity_years: product.validity_years,
            amount_fen: product.price_fen,
            application_ref: valid.application_ref.clone(),
            order_no: None,
            clerk,
            payment_method: None,
        })
    }
}

fn line(label: T, value: impl Into<String>) -> Row {
    Row {
        label: label.get(ZH).to_owned(),
        value: value.into(),
    }
}

fn text_row(label: T, value: impl Into<String>) -> FormRow {
    FormRow::Text {
        label: label.get(ZH).to_owned(),
        value: value.into(),
    }
}

fn choices(label: T, options: &[T], ticked: usize) -> FormRow {
    FormRow::Choices {
        label: label.get(ZH).to_owned(),
        choices: options
            .iter()
            .enumerate()
            .map(|(i, t)| Choice {
                label: t.get(ZH).to_owned(),
                ticked: i == ticked,
            })
            .collect(),
    }
}

fn china(ms: i64) -> OffsetDateTime {
    OffsetDateTime::from_unix_timestamp_nanos(i128::from(ms) * 1_000_000)
        .unwrap_or(OffsetDateTime::UNIX_EPOCH)
        .to_offset(CHINA)
}

/// A date for a page in `lang`: `2026年12月07日（星期一）`, or `2026-12-07 (Monday)`.
pub fn date_in(lang: Lang, time: OffsetDateTime) -> String {
    match lang {
        Lang::ZhCn => chinese_date(time),
        Lang::En => format!("{} ({})", time.date(), time.weekday()),
    }
}

/// A moment (unix ms) for a page in `lang`, China time: [`date_in`] and the time,
/// `2026年12月07日（星期一） 08:23`.
pub fn date_time_in(lang: Lang, ms: i64) -> String {
    let t = china(ms);
    format!("{} {:02}:{:02}", date_in(lang, t), t.hour(), t.minute())
}

/// `2026年12月07日（星期一）`
pub fn chinese_date(time: OffsetDateTime) -> String {
    let weekday = [
        T::DocMonday,
        T::DocTuesday,
        T::DocWednesday,
        T::DocThursday,
        T::DocFriday,
        T::DocSaturday,
        T::DocSunday,
    ][usize::from(time.weekday().number_days_from_monday())];
    format!(
        "{:04}年{:02}月{:02}日（{}）",
        time.year(),
        u8::from(time.month()),
        time.day(),
        weekday.get(ZH)
    )
}

fn today() -> String {
    let now = OffsetDateTime::now_utc().to_offset(CHINA);
    format!(
        "{:04}-{:02}-{:02}",
        now.year(),
        u8::from(now.month()),
        now.day()
    )
}

/// The code on each page of an order's document.
fn page_code(kind: DocKind, order_no: &str) -> PageCode {
    PageCode {
        kind,
        subject: DocSubject::Order(order_no.to_owned()),
        caption: T::DocCodeCaption.get(ZH).to_owned(),
        edition: None,
    }
}

/// The edition of a form printed for `organization` ([`crate::domain::form_edition`]).
pub fn edition(organization: Option<&Organization>) -> Option<String> {
    crate::domain::form_edition(organization.map(|o| {
        (
            o.name.as_str(),
            o.uscc.as_str(),
            o.legal_representative.as_str(),
        )
    }))
}

/// The edition of the form `order` prints now: a scan of another edition was printed
/// before its organisation's details were corrected.
pub fn edition_of(order: &OrderRow) -> Option<String> {
    let organization: Option<Organization> = order
        .organization_json
        .as_deref()
        .and_then(|json| serde_json::from_str(json).ok());
    edition(organization.as_ref())
}

/// The code of a form: its order, or before there is one its application reference — if
/// it has one a code can hold (letters and digits, as the counter makes them) — and the
/// edition of what it says of the organisation.
fn form_code(
    order_no: Option<&str>,
    reference: Option<&str>,
    organization: Option<&Organization>,
) -> Option<PageCode> {
    let subject = match (order_no, reference) {
        (Some(no), _) => DocSubject::Order(no.to_owned()),
        (None, Some(r)) if crate::domain::DocCode::carries(r) => {
            DocSubject::Application(r.to_owned())
        }
        _ => return None,
    };
    Some(PageCode {
        kind: DocKind::Form,
        subject,
        caption: T::DocCodeCaption.get(ZH).to_owned(),
        edition: edition(organization),
    })
}

fn address(m: &MailingAddress) -> String {
    crate::domain::address(&m.province, &m.city, &m.district, &m.street)
}

/// The application form.
pub fn form(state: &AppState, data: &FormData) -> ApplicationForm {
    let a = &data.applicant;
    let m = &data.mailing;
    let organization = data.user_type == UserType::Organization;
    let mut rows = vec![
        choices(
            T::DocBusinessType,
            &[
                T::DocBusinessNew,
                T::DocBusinessRenew,
                T::DocBusinessChange,
                T::DocBusinessReissue,
                T::DocBusinessRevoke,
            ],
            0,
        ),
        text_row(T::DocUse, data.project.clone()),
        text_row(
            T::DocProduct,
            T::DocProductValue.fill(
                ZH,
                &[
                    &data.product,
                    &data.validity_years.to_string(),
                    &Money::from_fen(data.amount_fen)
                        .unwrap_or_default()
                        .to_string(),
                ],
            ),
        ),
        text_row(T::DocCarrier, T::DocCarrierUsbKey.get(ZH)),
    ];
    if let Some(org) = &data.organization {
        rows.push(text_row(T::DocOrgName, org.name.clone()));
        rows.push(text_row(T::FieldUscc, org.uscc.clone()));
        rows.push(text_row(T::FieldLegalRep, org.legal_representative.clone()));
        rows.push(text_row(T::DocHandler, a.name.clone()));
    } else {
        rows.push(text_row(T::DocApplicantName, a.name.clone()));
    }
    // Only the mainland ID card is verified today; the other documents Alipay's identity
    // verification takes (cert_type RESIDENCE_HK_MC, RESIDENCE_TAIWAN) are boxes ready.
    rows.push(choices(
        if organization {
            T::DocHandlerIdType
        } else {
            T::DocIdType
        },
        &[T::DocIdCard, T::DocIdResidenceHkMc, T::DocIdResidenceTaiwan],
        0,
    ));
    rows.push(text_row(
        if organization {
            T::DocHandlerIdNumber
        } else {
            T::FieldIdNumber
        },
        a.id_number.clone(),
    ));
    rows.push(text_row(T::FieldPhone, a.phone.clone()));
    rows.push(text_row(T::FieldEmail, a.email.clone().unwrap_or_default()));
    rows.push(text_row(T::DocAddress, address(m)));
    rows.push(text_row(
        T::DocRecipient,
        format!("{}  {}", m.recipient, m.phone),
    ));
    rows.push(text_row(T::DocPostalCode, m.postal_code.clone()));

    let mut reference = data
        .application_ref
        .as_deref()
        .map(|r| T::DocReference.fill(ZH, &[r]))
        .unwrap_or_default();
    if let Some(no) = &data.order_no {
        reference = format!("{reference}  {}", T::DocOrderNo.fill(ZH, &[no]))
            .trim()
            .to_owned();
    }
    let ca = &state.config.ca_name;
    let authorization = data.organization.as_ref().map(|org| Authorization {
        title: T::DocAuthTitle.get(ZH).to_owned(),
        text: T::DocAuthText.fill(ZH, &[&org.name, &a.name, &a.id_number, ca, &org.uscc]),
        signature: T::DocAuthSignature.fill(ZH, &[&org.legal_representative]),
        seal: T::DocAuthSeal.get(ZH).to_owned(),
        date_blank: T::DocDateBlank.get(ZH).to_owned(),
    });
    let title = if organization {
        T::DocFormTitleOrganization
    } else {
        T::DocFormTitleIndividual
    }
    .get(ZH)
    .to_owned();
    let continued = Continued {
        title: T::DocContinued.fill(ZH, &[&title]),
        reference: reference.clone(),
        page_of: T::DocPageOf.get(ZH).to_owned(),
    };
    ApplicationForm {
        ca_name: ca.clone(),
        title,
        continued,
        reference,
        date: T::DocDate.fill(ZH, &[&today()]),
        code: form_code(
            data.order_no.as_deref(),
            data.application_ref.as_deref(),
            data.organization.as_ref(),
        ),
        rows,
        declaration: if organization {
            T::DocDeclarationOrganization
        } else {
            T::DocDeclaration
        }
        .fill(ZH, &[ca]),
        signature: if organization {
            T::DocSignatureHandler
        } else {
            T::DocSignatureIndividual
        }
        .get(ZH)
        .to_owned(),
        date_blank: T::DocDateBlank.get(ZH).to_owned(),
        authorization,
        office: OfficeBlock {
            title: T::DocOfficeTitle.get(ZH).to_owned(),
            cells: [
                T::DocOfficeClerk,
                T::DocOfficeOpinion,
                T::DocOfficeSeal,
                T::DocOfficeDate,
            ]
            .iter()
            .map(|t| t.get(ZH).to_owned())
            .collect(),
        },
        footer: T::DocFooter.fill(ZH, &[&data.clerk, &state.config.hotline]),
        demo: state.demo.order_mark(data.payment_method.as_deref()),
    }
}

/// What a return's notice says of the money past its deadline (on paper, on the page): an
/// order paid by transfer was returned before review found the transfer in the account,
/// so it is not called paid.
pub fn deadline_text(row: &OrderRow) -> (T, T) {
    if row.payment_method.as_deref() == Some("bank_transfer") {
        (T::DocDeadlineTextTransfer, T::PageNoticeDeadlineTransfer)
    } else {
        (T::DocDeadlineText, T::PageNoticeDeadline)
    }
}

/// Where the promise to mail an order counts from (unix ms): its payment, or — sent back
/// for review after a return — the correction, as the terms say. `None` before payment.
pub fn promise_start(row: &OrderRow) -> Option<i64> {
    row.paid_at
        .map(|paid| row.resubmitted_at.map_or(paid, |again| again.max(paid)))
}

/// When the certificate will be mailed at the latest: the promise counted in working days
/// (`[platform.review]`) from `start` ([`promise_start`]), or from now for an order not yet
/// paid.
pub fn promised_by(state: &AppState, start: Option<i64>) -> OffsetDateTime {
    let review = &state.config.review;
    let calendar = review.calendar();
    let from = start
        .map(china)
        .unwrap_or_else(|| OffsetDateTime::now_utc().to_offset(CHINA));
    let minutes = review.promise_working_days.max(1) * calendar.minutes_per_day();
    calendar.add_working_minutes(from, minutes)
}

/// Where the customer follows an order: its page on the customer's own platform (signing
/// in with the mobile number on the form), the hotline named beside it.
pub fn follow(state: &AppState, row: &OrderRow) -> FollowCode {
    FollowCode {
        payload: format!("{}/orders/{}", state.public_base, row.order_no),
        caption: T::DocFollowOnline.fill(ZH, &[&state.config.hotline, &row.order_no]),
    }
}

/// What a receipt says of its own printing.
pub struct Printing {
    /// Which print of the order's receipt this is (1: the first).
    pub copy: usize,
    /// For a cancelled order: when (Unix ms) and why.
    pub cancelled: Option<(i64, String)>,
}

/// The acceptance receipt of an order; its mailing address `in_full` or with the street
/// masked.
pub fn receipt(
    state: &AppState,
    row: &OrderRow,
    data: &FormData,
    status: &str,
    in_full: bool,
    printing: Printing,
) -> Receipt {
    let name = data
        .organization
        .as_ref()
        .map(|o| o.name.clone())
        .unwrap_or_else(|| data.applicant.name.clone());
    let amount = Money::from_fen(data.amount_fen)
        .unwrap_or_default()
        .to_string();
    let accepted = super::present::china_datetime(row.created_at);
    let days = state.config.review.promise_working_days.max(1).to_string();
    let by = chinese_date(promised_by(state, promise_start(row)));
    // What the receipt promises depends on where the order stands: a date counted from
    // payment; from the correction for an order returned; the day it went for one mailed;
    // nothing for one cancelled.
    let promise = match (row.status().ok(), row.paid_at, row.shipped_at) {
        (Some(OrderStatus::Cancelled), _, _) => T::DocPromiseCancelled.get(ZH).to_owned(),
        (Some(OrderStatus::Rejected), _, _) => T::DocPromiseAfterCorrection.fill(ZH, &[&days]),
        (_, _, Some(shipped)) => T::DocPromiseShipped.fill(ZH, &[&chinese_date(china(shipped))]),
        (_, Some(_), None) => T::DocPromisePaid.fill(ZH, &[&by, &days]),
        (_, None, None) => T::DocPromiseUnpaid.fill(ZH, &[&days, &by]),
    };
    let m = &data.mailing;
    // An organisation applies through its handler: the credit code is the organisation's,
    // the ID number the handler's, each under its own name.
    let mut rows = match &data.organization {
        Some(org) => vec![
            line(T::DocApplicantName, name.clone()),
            line(T::FieldUscc, org.uscc.clone()),
            line(T::DocHandler, data.applicant.name.clone()),
            line(
                T::DocHandlerIdNumber,
                mask_id_number(&data.applicant.id_number),
            ),
        ],
        None => vec![
            line(T::DocApplicantName, name.clone()),
            line(T::FieldIdNumber, mask_id_number(&data.applicant.id_number)),
        ],
    };
    // Kept as proof of payment: paid or not, how and when. A transfer's voucher is only
    // the customer's word until review has checked it against the account.
    let checked = !matches!(
        row.status().ok(),
        Some(OrderStatus::PendingReview | OrderStatus::Rejected)
    );
    let paid = match (row.paid_at, row.payment_method.as_deref()) {
        (Some(at), Some("bank_transfer")) if !checked => {
            T::DocVoucherUnchecked.fill(ZH, &[&super::present::china_datetime(at)])
        }
        (Some(at), method) => T::DocPaidValue.fill(
            ZH,
            &[
                &method
                    .map(|m| crate::i18n::payment_method(m, ZH))
                    .unwrap_or_default(),
                &super::present::china_datetime(at),
            ],
        ),
        (None, _) => T::DocUnpaid.get(ZH).to_owned(),
    };
    rows.extend([
        line(T::FieldPhone, mask_phone(&data.applicant.phone)),
        line(T::DocProject, data.project.clone()),
        line(T::DocProduct, data.product.clone()),
        line(T::FieldAmount, amount.clone()),
        line(T::DocPayment, paid),
        line(T::FieldStatus, status.to_owned()),
        line(T::DocAccepted, accepted.clone()),
        line(T::DocClerk, data.clerk.clone()),
    ]);
    if let Some(reference) = &data.application_ref {
        rows.push(line(T::DocReferenceLabel, reference.clone()));
    }
    // Once mailed, the row says when it went, not what was promised.
    let promise_label = if row.shipped_at.is_some() {
        T::DocShippedLabel
    } else {
        T::DocPromise
    };
    rows.push(line(promise_label, promise));
    let cancelled = row.status().ok() == Some(OrderStatus::Cancelled);
    // When and why it was cancelled, as its history says: the paper squares with it.
    if let (true, Some((at, why))) = (cancelled, &printing.cancelled) {
        let when = super::present::china_datetime(*at);
        let value = if why.trim().is_empty() {
            when
        } else {
            T::DocCancelledValue.fill(ZH, &[&when, why])
        };
        rows.push(line(T::DocCancelledAt, value));
    }
    if let (Some(carrier), Some(number)) = (&row.carrier, &row.tracking_no) {
        let carrier = state
            .config
            .mailing
            .carrier(carrier)
            .map_or_else(|| carrier.clone(), |c| c.name.clone());
        rows.push(line(T::DocParcel, format!("{carrier} {number}")));
    }
    // Nothing is mailed for a cancelled order.
    if !cancelled {
        rows.push(line(
            T::DocDelivery,
            T::DocDeliveryValue.fill(
                ZH,
                &[
                    &m.recipient,
                    // In full where the customer is asked to check it (an operator who may
                    // see it printed it, recorded in the order's history).
                    &if in_full {
                        m.phone.clone()
                    } else {
                        mask_phone(&m.phone)
                    },
                    &if in_full {
                        address(m)
                    } else {
                        mask_address(&m.province, &m.city, &m.district, &m.street)
                    },
                    &m.postal_code,
                ],
            ),
        ));
    }
    // When it was printed, and which copy once there was one before.
    let now = super::present::china_datetime(crate::server::store::now_ms());
    rows.push(line(
        T::DocPrintedAt,
        if printing.copy > 1 {
            T::DocReprinted.fill(ZH, &[&now, &printing.copy.to_string()])
        } else {
            now
        },
    ));
    // Checking the address is asked only while it can still be changed (the one rule of
    // what may change when), and of what is printed whole.
    let mut notes = Vec::new();
    let correctable = row
        .status()
        .is_ok_and(|status| crate::domain::OrderPart::Mailing.editable_in(status, data.user_type));
    let at_counter = row.channel != crate::domain::Channel::Online.as_str();
    if in_full && correctable {
        // Online, nobody stands at a counter to be told.
        let check = if at_counter {
            T::DocReceiptCheckAddress
        } else {
            T::DocReceiptCheckAddressOnline
        };
        notes.push(check.fill(ZH, &[&state.config.hotline]));
    }
    // A cancelled order goes no further: no corrections to be told of, no progress to
    // follow, no stub to sign (it reads as a live application otherwise).
    if cancelled {
        notes.push(T::DocReceiptCancelledNote.fill(ZH, &[&state.config.hotline]));
    } else {
        notes.extend([
            T::DocReceiptNote2.get(ZH).to_owned(),
            T::DocReceiptClosing.get(ZH).to_owned(),
        ]);
    }
    Receipt {
        ca_name: state.config.ca_name.clone(),
        title: T::DocReceiptTitle.get(ZH).to_owned(),
        order_no: row.order_no.clone(),
        order_label: T::DocOrderLabel.get(ZH).to_owned(),
        code: page_code(DocKind::Receipt, &row.order_no),
        rows,
        follow: follow(state, row),
        notes,
        seal: T::DocSealCounter.get(ZH).to_owned(),
        tear_off: T::DocTearOff.get(ZH).to_owned(),
        stub_title: T::DocStubTitle.get(ZH).to_owned(),
        stub_rows: vec![
            line(T::DocOrderLabel, row.order_no.clone()),
            line(T::DocApplicantName, name),
            line(T::DocProduct, format!("{} · {}", data.product, amount)),
            line(T::DocAccepted, accepted),
            line(T::DocClerk, data.clerk.clone()),
        ],
        stub_signature: T::DocStubSignature.get(ZH).to_owned(),
        continued: Continued {
            title: T::DocContinued.fill(ZH, &[T::DocReceiptTitle.get(ZH)]),
            reference: format!("{} {}", T::DocOrderLabel.get(ZH), row.order_no),
            page_of: T::DocPageOf.get(ZH).to_owned(),
        },
        at_counter: at_counter && !cancelled,
        demo: state.demo.order_mark(row.payment_method.as_deref()),
    }
}

/// The last day to correct an order returned at `returned_at` (Unix ms): calendar days
/// from `[platform.review] correction_days`, moved on to the next working day when they end
/// on a day the counter is closed (materials may be brought in). Nothing happens by itself
/// after it.
pub fn correction_deadline(state: &AppState, returned_at: i64) -> OffsetDateTime {
    let calendar = state.config.review.calendar();
    let mut deadline =
        china(returned_at) + Duration::days(state.config.review.correction_days.max(1));
    // A year of closed days at most: a calendar with no working day never loops forever.
    for _ in 0..366 {
        if calendar.is_workday(deadline.date()) {
            break;
        }
        deadline += Duration::days(1);
    }
    deadline
}

/// What a return for the transfer's amount asks to be transferred still, in `lang`: the
/// rest, with the order's amount and what the vouchers showed (the reviewer's total), as
/// the notice, its phone page and the order page say it. None when the return did not say
/// a total.
pub fn still_to_transfer(row: &OrderRow, reasons: &[String], lang: Lang) -> Option<String> {
    crate::domain::still_to_transfer_said(reasons, row.amount_fen, row.voucher_total_fen, lang)
}

/// The correction notice of a returned order: `returned` is the history's return, `round`
/// how many times the order was returned, `link` the notice's phone page.
pub fn notice(
    state: &AppState,
    row: &OrderRow,
    reasons: &[String],
    returned: Option<&HistoryRow>,
    round: usize,
    link: Option<String>,
) -> CorrectionNotice {
    let hotline = &state.config.hotline;
    let returned_at = returned.map(|h| h.at).unwrap_or(row.updated_at);
    let days = state.config.review.correction_days.max(1);
    let deadline = correction_deadline(state, returned_at);
    let reviewer = returned.map(|h| h.actor_name.clone()).unwrap_or_default();
    let submitted = china(row.created_at);
    let submitted = format!(
        "{:04}年{:02}月{:02}日",
        submitted.year(),
        u8::from(submitted.month()),
        submitted.day()
    );
    let notice_no = T::DocNoticeNo.fill(ZH, &[&format!("BZ{}-{round}", row.order_no)]);
    CorrectionNotice {
        ca_name: state.config.ca_name.clone(),
        title: T::DocCorrectionTitle.get(ZH).to_owned(),
        continued: Continued {
            title: T::DocContinued.fill(ZH, &[T::DocCorrectionTitle.get(ZH)]),
            reference: notice_no.clone(),
            page_of: T::DocPageOf.get(ZH).to_owned(),
        },
        notice_no,
        printed: T::DocDate.fill(ZH, &[&today()]),
        code: page_code(DocKind::Notice, &row.order_no),
        addressee: T::DocAddressee.fill(ZH, &[&row.display_name]),
        intro: T::DocCorrectionIntro.fill(ZH, &[&submitted, &row.order_no]),
        reasons: reasons.to_vec(),
        rows: vec![
            line(T::DocProject, row.project_name.clone()),
            line(T::DocProduct, row.product_name.clone()),
            line(
                T::DocReturnedAt,
                super::present::china_datetime(returned_at),
            ),
            line(T::DocReviewer, reviewer.clone()),
        ]
        .into_iter()
        // Short: the rest to transfer, not the whole amount again.
        .chain(still_to_transfer(row, reasons, ZH).map(|rest| line(T::DocStillToTransfer, rest)))
        // The voucher asked for again: where the transfer goes, for a customer with only
        // the paper.
        .chain(
            crate::domain::asks_for_a_voucher(reasons)
                .then(|| {
                    let bank = &state.config.bank;
                    [
                        line(T::DocAccountName, bank.account_name.clone()),
                        line(T::DocBank, bank.bank.clone()),
                        line(T::DocAccountNo, bank.account_no.clone()),
                        line(T::DocTransferReference, row.order_no.clone()),
                    ]
                })
                .into_iter()
                .flatten(),
        )
        .collect(),
        sections: vec![
            (
                T::DocDeadlineHeading.get(ZH).to_owned(),
                deadline_text(row)
                    .0
                    .fill(ZH, &[&chinese_date(deadline), &days.to_string(), hotline]),
            ),
            (
                T::DocByPhoneHeading.get(ZH).to_owned(),
                // Returned for the real-name check alone: the check, nothing to upload.
                // Else an individual signs; an organisation signs and stamps.
                // Returned for the transfer's voucher (and perhaps the check): a voucher
                // to send, nothing to sign.
                if crate::domain::only_the_check(reasons) {
                    T::DocByPhoneTextCheck.fill(ZH, &[hotline])
                } else if crate::domain::answered_by_a_voucher(reasons) {
                    let mut text = T::DocByPhoneTextVoucher.fill(ZH, &[hotline]);
                    if crate::domain::asks_for_the_check(reasons) {
                        text.push_str(T::DocByPhoneCheckToo.get(ZH));
                    }
                    text
                } else if row.user_type == "organization" {
                    T::DocByPhoneText.fill(ZH, &[hotline])
                } else {
                    T::DocByPhoneTextPerson.fill(ZH, &[hotline])
                },
            ),
            (
                T::DocContactHeading.get(ZH).to_owned(),
                T::DocContactText.fill(ZH, &[&reviewer, hotline]),
            ),
        ],
        phone_link: link,
        phone_caption: T::DocNoticeQrCaption.get(ZH).to_owned(),
        closing: T::DocNoticeClosing.get(ZH).to_owned(),
        acknowledgement: T::DocAcknowledgement.get(ZH).to_owned(),
        seal: T::DocSealCounter.get(ZH).to_owned(),
        demo: state.demo.order_mark(row.payment_method.as_deref()),
    }
}

/// When an unpaid order is cancelled by itself (Unix ms): `[platform] unpaid_close_hours`
/// after it was made.
pub fn unpaid_closes_at(state: &AppState, row: &OrderRow) -> i64 {
    row.created_at + state.config.unpaid_close_hours.max(1) * 3_600_000
}

/// The transfer slip of an order: the account, the amount in figures and in words, who
/// should pay it, by when, and what to do after.
pub fn slip(state: &AppState, row: &OrderRow) -> TransferSlip {
    let bank = &state.config.bank;
    let amount = Money::from_fen(row.amount_fen).unwrap_or_default();
    let organisation = row.user_type == "organization";
    let payer = if organisation {
        T::DocPayerOrganisation.fill(ZH, &[&row.display_name])
    } else {
        row.display_name.clone()
    };
    TransferSlip {
        ca_name: state.config.ca_name.clone(),
        title: T::DocTransferTitle.get(ZH).to_owned(),
        reference: row.order_no.clone(),
        reference_label: T::DocTransferReference.get(ZH).to_owned(),
        code: page_code(DocKind::Slip, &row.order_no),
        rows: vec![
            line(T::DocAccountName, bank.account_name.clone()),
            line(T::DocBank, bank.bank.clone()),
            line(T::DocAccountNo, bank.account_no.clone()),
            line(
                T::FieldAmount,
                format!("{amount}（人民币{}）", amount.to_chinese_capital()),
            ),
            line(T::DocPayer, payer),
            line(
                T::DocPayBy,
                T::DocPayByValue.fill(
                    ZH,
                    &[&super::present::china_datetime(unpaid_closes_at(
                        state, row,
                    ))],
                ),
            ),
            line(T::DocProject, row.project_name.clone()),
            line(T::DocProduct, row.product_name.clone()),
        ],
        notes: vec![
            T::DocTransferNote1.fill(ZH, &[&row.order_no]),
            // Where the voucher goes, written out: the slip is read away from any screen.
            T::DocTransferNote2.fill(
                ZH,
                &[
                    &state.config.hotline,
                    &format!("{}/orders/{}", state.public_base, row.order_no),
                ],
            ),
        ],
        demo: state.demo.slip_mark(),
    }
}
