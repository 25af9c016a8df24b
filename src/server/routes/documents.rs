//! Printed documents and the terms: the application form before and after submission,
//! the acceptance receipt, and the application terms shown at the counter.

use axum::Json;
use axum::extract::{Path, State};
use axum::http::{HeaderValue, header};
use axum::response::{IntoResponse, Response};

use crate::api::{BankAccount, NewOrder, Problem, Terms, UNPRINTABLE_HEADER};
use crate::domain::{OrderStatus, Permission, UserType};
use crate::i18n::{Lang, Msg, T};
use crate::server::AppState;
use crate::server::error::ApiError;
use crate::server::extract::{Caller, JsonBody, parse_json};
use crate::server::paper::{self, FormData};
use crate::server::pdf;
use crate::server::store::OrderRow;
use crate::server::validate;

use super::orders::find_order;

pub(super) fn pdf_response(pdf: pdf::Pdf, name: &str) -> Response {
    let codes = pdf.unprintable_codes();
    let mut response = pdf.bytes.into_response();
    let headers = response.headers_mut();
    if let Ok(value) = HeaderValue::from_str(&codes)
        && !codes.is_empty()
    {
        headers.insert(UNPRINTABLE_HEADER, value);
    }
    headers.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/pdf"),
    );
    if let Ok(value) = HeaderValue::from_str(&format!("inline; filename=\"{name}.pdf\"")) {
        headers.insert(header::CONTENT_DISPOSITION, value);
    }
    response
}

pub(super) async fn render<F>(work: F) -> Result<pdf::Pdf, ApiError>
where
    F: FnOnce() -> Result<pdf::Pdf, pdf::PdfError> + Send + 'static,
{
    tokio::task::spawn_blocking(work)
        .await
        .map_err(|e| ApiError::Internal(e.to_string()))?
        .map_err(|e| ApiError::Internal(e.to_string()))
}

/// The application form for what is typed at the counter (before submission): the same
/// checks as submitting, then an A4 PDF to print, sign and scan. `application_ref` is
/// required (1–32 letters and digits): the code on every page carries it, and the signed
/// scan is matched to the application by it.
#[utoipa::path(post, path = "/api/v1/application-forms", request_body = NewOrder,
    responses(
        (status = 200, description = "the form", content_type = "application/pdf"),
        (status = 422, body = Problem, content_type = "application/problem+json"),
        (status = 503, description = "no font for printing", body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn preview_form(
    State(state): State<AppState>,
    caller: Caller,
    body: JsonBody,
) -> Result<Response, ApiError> {
    caller.require(Permission::CreateOrders)?;
    let order: NewOrder = parse_json(&body)?;
    // The printed form comes back signed and scanned, and is matched to its application
    // by this reference in its code: without one it could not be.
    if !order
        .application_ref
        .as_deref()
        .is_some_and(|r| crate::domain::DocCode::carries(r.trim()))
    {
        return Err(ApiError::field("application_ref", T::ErrFormNeedsReference));
    }
    let customer = state.store.customer(&order.customer_id).await?;
    let product = state.store.product(&order.product_id).await?;
    let valid = validate::new_order(
        &order,
        customer.is_some(),
        product.as_ref(),
        &state.fonts,
        &state.config,
    )?;
    let product =
        product.ok_or_else(|| ApiError::field("product_id", T::ProblemProductNotFound))?;
    let data = FormData::unsubmitted(&valid, product, caller.operator.name.clone())
        .ok_or_else(|| ApiError::Internal("normalised order does not read back".into()))?;
    let fonts = state.fonts.clone();
    let document = paper::form(&state, &data);
    let printed = render(move || pdf::application_form(&fonts, &document)).await?;
    let name = match data.application_ref {
        Some(reference) => format!("application-form-{reference}"),
        None => "application-form".into(),
    };
    Ok(pdf_response(printed, &name))
}

/// Records in the order's history that `caller` printed `what` with personal data in full.
async fn record_print(
    state: &AppState,
    caller: &Caller,
    row: &OrderRow,
    what: &str,
) -> Result<(), ApiError> {
    state
        .store
        .record(
            row,
            &caller.actor(),
            "print",
            Some(what),
            Some(&caller.ctx.request_id),
            None,
        )
        .await?;
    Ok(())
}

fn stored_form(row: &OrderRow) -> Result<FormData, ApiError> {
    let corrupt = |_| ApiError::Internal(format!("corrupt stored order {}", row.order_no));
    Ok(FormData {
        user_type: UserType::parse(&row.user_type).unwrap_or(UserType::Individual),
        applicant: serde_json::from_str(&row.applicant_json).map_err(corrupt)?,
        organization: row
            .organization_json
            .as_deref()
            .map(serde_json::from_str)
            .transpose()
            .map_err(corrupt)?,
        mailing: serde_json::from_str(&row.mailing_json).map_err(corrupt)?,
        project: row.project_name.clone(),
        product: row.product_name.clone(),
        validity_years: row.validity_years,
        amount_fen: row.amount_fen,
        application_ref: row.application_ref.clone(),
        order_no: Some(row.order_no.clone()),
        // An order the customer made online has no clerk: the form says so in words (the
        // platform's own operator is named `online`), as the form printed before it did.
        clerk: if row.channel == crate::domain::Channel::Online.as_str() {
            T::ChannelOnline.get(Lang::ZhCn).to_owned()
        } else {
            row.submitted_by_name.clone()
        },
        payment_method: row.payment_method.clone(),
    })
}

/// The application form of a submitted order, to print again. It shows personal data in
/// full, so it needs the reveal permission and is recorded in the order's history.
#[utoipa::path(get, path = "/api/v1/orders/{order_no}/application-form", params(("order_no" = String, Path)),
    responses(
        (status = 200, description = "the form", content_type = "application/pdf"),
        (status = 409, body = Problem, content_type = "application/problem+json", description = "`order_cancelled`: a cancelled order's form is not printed again"),
    ))]
pub async fn order_form(
    State(state): State<AppState>,
    caller: Caller,
    Path(order_no): Path<String>,
) -> Result<Response, ApiError> {
    caller.require(Permission::RevealPersonalData)?;
    let row = find_order(&state, &order_no).await?;
    // A cancelled order's form, signed, would read as a live application.
    if row.status()? == OrderStatus::Cancelled {
        return Err(ApiError::Conflict {
            code: "order_cancelled",
            detail: Msg::with(T::ProblemOrderCancelled, [row.order_no.as_str()]),
            status: Some(OrderStatus::Cancelled),
            version: Some(row.version),
        });
    }
    record_print(&state, &caller, &row, "application_form").await?;
    let printed = stored_application_form(&state, &row).await?;
    Ok(pdf_response(
        printed,
        &format!("{}-application-form", row.order_no),
    ))
}

/// The application form of an order as it was submitted (its code names the order), for
/// the counter or for the customer to print again.
pub(crate) async fn stored_application_form(
    state: &AppState,
    row: &OrderRow,
) -> Result<pdf::Pdf, ApiError> {
    let data = stored_form(row)?;
    let fonts = state.fonts.clone();
    let document = paper::form(state, &data);
    render(move || pdf::application_form(&fonts, &document)).await
}

/// The acceptance receipt (受理回执) of an order, for the customer to keep. The mailing
/// address is in full — for the customer to check — only for an operator who may see
/// personal data, and such a printout is recorded in the order's history; for anyone
/// else its street is masked, as everywhere.
#[utoipa::path(get, path = "/api/v1/orders/{order_no}/receipt", params(("order_no" = String, Path)),
    responses((status = 200, description = "the receipt", content_type = "application/pdf")))]
pub async fn receipt(
    State(state): State<AppState>,
    caller: Caller,
    Path(order_no): Path<String>,
) -> Result<Response, ApiError> {
    caller.require(Permission::ViewOrders)?;
    let row = find_order(&state, &order_no).await?;
    // In full as the reveal would show it (the mailroom: the orders it ships).
    let in_full = crate::server::present::reveals_contact(&caller, &row);
    if in_full {
        record_print(&state, &caller, &row, "receipt").await?;
    }
    let printed = receipt_pdf(&state, &row, in_full, in_full).await?;
    Ok(pdf_response(printed, &format!("{}-receipt", row.order_no)))
}

/// The receipt of `row`, its address in full or not (for the counter's printer or for the
/// customer's own download); `recorded` when this print is in the order's history already.
/// It says when it was printed, and which copy it is once there was one before (a second
/// receipt in a customer's hands is not a second payment), and for a cancelled order when
/// and why.
pub(crate) async fn receipt_pdf(
    state: &AppState,
    row: &OrderRow,
    in_full: bool,
    recorded: bool,
) -> Result<pdf::Pdf, ApiError> {
    let data = stored_form(row)?;
    let status = row.status()?;
    let history = state.store.history(&row.id).await?;
    let copy = history
        .iter()
        .filter(|h| h.action == "print" && h.reason.as_deref() == Some("receipt"))
        .count()
        + usize::from(!recorded);
    let cancelled = history
        .iter()
        .rev()
        .find(|h| h.action == "cancel")
        .map(|h| (h.at, h.reason.clone().unwrap_or_default()));
    // The customer keeps it: their words for the status.
    let document = paper::receipt(
        state,
        row,
        &data,
        status.customer_label(Lang::ZhCn),
        in_full,
        paper::Printing { copy, cancelled },
    );
    let fonts = state.fonts.clone();
    render(move || pdf::receipt(&fonts, &document)).await
}

/// The one-time correction notice (一次性告知书) of a returned order: every reason it was
/// returned for, at once, and what to do.
#[utoipa::path(get, path = "/api/v1/orders/{order_no}/correction-notice", params(("order_no" = String, Path)),
    responses(
        (status = 200, description = "the notice", content_type = "application/pdf"),
        (status = 409, body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn correction_notice(
    State(state): State<AppState>,
    caller: Caller,
    Path(order_no): Path<String>,
) -> Result<Response, ApiError> {
    caller.require(Permission::ViewOrders)?;
    let row = find_order(&state, &order_no).await?;
    let printed = notice_pdf(&state, &row).await?;
    Ok(pdf_response(
        printed,
        &format!("{}-correction", row.order_no),
    ))
}

/// The correction notice of `row`, or 409 when it is not returned.
pub(crate) async fn notice_pdf(state: &AppState, row: &OrderRow) -> Result<pdf::Pdf, ApiError> {
    let status = row.status()?;
    let reasons = row.return_reasons();
    if status != crate::domain::OrderStatus::Rejected || reasons.is_empty() {
        return Err(ApiError::Conflict {
            code: "not_returned",
            detail: Msg::with(T::ProblemNotReturned, [row.order_no.as_str()]),
            status: Some(status),
            version: Some(row.version),
        });
    }
    let history = state.store.history(&row.id).await?;
    let returned = history.iter().rev().find(|h| h.action == "reject");
    let round = history
        .iter()
        .filter(|h| h.action == "reject")
        .count()
        .max(1);
    let token = state.store.notice_token(&row.id).await?;
    let link = format!("{}/m/notice/{token}", state.public_base);
    let document = paper::notice(state, row, &reasons, returned, round, Some(link));
    let fonts = state.fonts.clone();
    render(move || pdf::correction_notice(&fonts, &document)).await
}

/// The CA's account for bank transfers (the order number is the transfer's reference).
#[utoipa::path(get, path = "/api/v1/bank-account", responses((status = 200, body = BankAccount)))]
pub async fn bank_account(State(state): State<AppState>, _caller: Caller) -> Json<BankAccount> {
    let bank = &state.config.bank;
    Json(BankAccount {
        account_name: bank.account_name.clone(),
        bank: bank.bank.clone(),
        account_no: bank.account_no.clone(),
    })
}

/// A slip for the customer: the CA's account, the amount, and the order number to write as
/// the transfer's reference. Only while the order waits for its money (`pending_payment`,
/// `pending_voucher`): a slip for an order paid or cancelled would have it paid twice.
#[utoipa::path(get, path = "/api/v1/orders/{order_no}/transfer-slip", params(("order_no" = String, Path)),
    responses(
        (status = 200, description = "the slip", content_type = "application/pdf"),
        (status = 409, description = "the order does not wait for a payment", body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn transfer_slip(
    State(state): State<AppState>,
    caller: Caller,
    Path(order_no): Path<String>,
) -> Result<Response, ApiError> {
    caller.require(Permission::ViewOrders)?;
    let row = find_order(&state, &order_no).await?;
    let status = row.status()?;
    if !matches!(
        status,
        OrderStatus::PendingPayment | OrderStatus::PendingVoucher
    ) {
        return Err(ApiError::not_awaiting_payment(
            &row,
            status,
            caller.ctx.lang,
        ));
    }
    let printed = slip_pdf(&state, &row).await?;
    Ok(pdf_response(printed, &format!("{}-transfer", row.order_no)))
}

/// The transfer slip of `row` (its caller checks that the order waits for its money).
pub(crate) async fn slip_pdf(state: &AppState, row: &OrderRow) -> Result<pdf::Pdf, ApiError> {
    let document = paper::slip(state, row);
    let fonts = state.fonts.clone();
    render(move || pdf::transfer_slip(&fonts, &document)).await
}

/// The application terms, in the operator's language (or the configured file).
#[utoipa::path(get, path = "/api/v1/terms", responses((status = 200, body = Terms)))]
pub async fn terms(State(state): State<AppState>, caller: Caller) -> Result<Json<Terms>, ApiError> {
    let text = match &state.config.terms_file {
        Some(path) => tokio::fs::read_to_string(path)
            .await
            .map_err(|e| ApiError::Internal(format!("terms file {}: {e}", path.display())))?,
        None => match caller.ctx.lang {
            Lang::ZhCn => include_str!("../terms/zh.txt").to_owned(),
            Lang::En => include_str!("../terms/en.txt").to_owned(),
        },
    };
    Ok(Json(Terms {
        version: state.config.terms_version.clone(),
        text,
    }))
}
