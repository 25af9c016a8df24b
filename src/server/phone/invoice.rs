//! The customer's own invoice request: the link in the shipping SMS opens a form with the
//! same fields and checks as the counter's. A request made here shows up in the 开票 tab
//! for finance, or is issued at once when `[platform.invoice] auto_issue` says so.

use axum::Form;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::Response;

use super::{escape, gone, page, unavailable};
use crate::domain::{BuyerKind, InvoiceKind, InvoiceRequestInput, Money, OrderStatus, mask_email};
use crate::i18n::{Lang, Msg, T};
use crate::server::AppState;
use crate::server::store::{Actor, OrderRow, now_ms};

const LANG: Lang = Lang::ZhCn;

/// The order behind a live link, or the page to show instead.
async fn order_for(state: &AppState, token: &str) -> Result<OrderRow, Response> {
    let row = match state.store.order_by_invoice_token(token).await {
        Ok(Some(row)) => row,
        Ok(None) => return Err(gone(LANG, &state.config.hotline)),
        Err(e) => {
            tracing::error!(error = %e, "invoice page");
            return Err(unavailable(LANG));
        }
    };
    let days = state.config.mailing.invoice_link_days.max(1);
    if row
        .shipped_at
        .is_some_and(|at| at + days * 86_400_000 < now_ms())
    {
        return Err(gone(LANG, &state.config.hotline));
    }
    Ok(row)
}

/// What the page says once the order no longer waits for an invoice.
async fn finished(state: &AppState, row: &OrderRow) -> Response {
    let invoice = state.store.invoice_for(&row.id).await.ok().flatten();
    let body = match (&row.invoice_no, invoice) {
        (Some(number), Some(invoice)) => {
            let email =
                serde_json::from_str::<crate::domain::InvoiceRequest>(&invoice.request_json)
                    .map(|r| mask_email(r.email.as_str()))
                    .unwrap_or_default();
            // "Sent to" only when it was: the demo outbox keeps the mail and sends nothing.
            let mail = state.store.latest_mail(&row.id).await.ok().flatten();
            let sent_label = match mail.as_ref().map(|(status, _)| status.as_str()) {
                Some("sent") => T::PageInvoiceEmail,
                Some("kept") => T::PageInvoiceKeptInOutbox,
                _ => T::PageInvoiceMailNotSent,
            };
            format!(
                "<h1 class=\"ok\">✓ {title}</h1><dl><dt>{no_label}</dt><dd>{number}</dd>\
                 <dt>{email_label}</dt><dd>{email}</dd></dl>",
                title = escape(T::PageInvoiceIssued.get(LANG)),
                no_label = escape(T::PageInvoiceNo.get(LANG)),
                number = escape(number),
                email_label = escape(sent_label.get(LANG)),
                email = escape(&email),
            )
        }
        _ => format!(
            "<h1>{}</h1><p>{}</p>",
            escape(T::PageInvoiceClosed.get(LANG)),
            escape(&T::PageInvoiceCallUs.fill(LANG, &[&state.config.hotline]))
        ),
    };
    page(StatusCode::OK, T::PageInvoiceTitle.get(LANG), &body)
}

/// `GET /m/invoice/{token}`
pub(super) async fn form_page(
    State(state): State<AppState>,
    Path(token): Path<String>,
) -> Response {
    let row = match order_for(&state, &token).await {
        Ok(row) => row,
        Err(page) => return page,
    };
    if row.status().ok() != Some(OrderStatus::PendingInvoice) {
        return finished(&state, &row).await;
    }
    let input = match crate::server::invoicing::saved_request(&row) {
        Some(request) => crate::domain::InvoiceRequestInput::from(&request),
        None => crate::server::invoicing::suggested(&row),
    };
    let saved = row.invoice_request_json.is_some();
    form(&state, &row, &input, &[], saved)
}

/// `POST /m/invoice/{token}`
pub(super) async fn submit(
    State(state): State<AppState>,
    Path(token): Path<String>,
    Form(input): Form<InvoiceRequestInput>,
) -> Response {
    let row = match order_for(&state, &token).await {
        Ok(row) => row,
        Err(page) => return page,
    };
    if row.status().ok() != Some(OrderStatus::PendingInvoice) {
        return finished(&state, &row).await;
    }
    let request = match crate::domain::validate_invoice_request(&input) {
        Ok((request, _warnings)) => request,
        Err(errors) => return form(&state, &row, &input, &errors, false),
    };
    let Ok(json) = serde_json::to_string(&request) else {
        return unavailable(LANG);
    };
    let actor = Actor::System(T::ActorCustomerPhone.get(LANG).to_owned());
    match state
        .store
        .save_invoice_request(&row, &actor, &json, "phone", None, None)
        .await
    {
        Ok(true) => {}
        Ok(false) => return finished(&state, &row).await,
        Err(e) => {
            tracing::error!(error = %e, "invoice request");
            return unavailable(LANG);
        }
    }
    if state.config.invoice.auto_issue {
        let fresh = match state.store.order_by_no(&row.order_no).await {
            Ok(Some(fresh)) => fresh,
            _ => return unavailable(LANG),
        };
        match crate::server::invoicing::issue(&state, &fresh, None, &request, &actor, None).await {
            Ok(done) => return finished(&state, &done).await,
            // Kept for finance to issue by hand: the request is saved.
            Err(e) => tracing::warn!(order = %row.order_no, error = ?e, "automatic invoice"),
        }
    }
    let body = format!(
        "<h1 class=\"ok\">✓ {title}</h1><p>{text}</p>",
        title = escape(T::PageInvoiceReceived.get(LANG)),
        text =
            escape(&T::PageInvoiceReceivedText.fill(LANG, &[&mask_email(request.email.as_str())])),
    );
    page(StatusCode::OK, T::PageInvoiceTitle.get(LANG), &body)
}

/// The form, with `errors` next to their fields.
fn form(
    state: &AppState,
    row: &OrderRow,
    input: &InvoiceRequestInput,
    errors: &[(&'static str, Msg)],
    saved: bool,
) -> Response {
    let error_for = |field: &str| -> String {
        errors
            .iter()
            .filter(|(f, _)| *f == field)
            .map(|(_, m)| {
                format!(
                    "<p class=\"bad\" id=\"{field}-error\">{}</p>",
                    escape(&m.render(LANG))
                )
            })
            .collect()
    };
    let text_field = |field: &str, label: T, value: &str, kind: &str| -> String {
        format!(
            "<label for=\"{field}\">{label}</label>\
             <input id=\"{field}\" name=\"{field}\" type=\"{kind}\" value=\"{value}\">{error}",
            label = escape(label.get(LANG)),
            value = escape(value),
            error = error_for(field),
        )
    };
    let radio = |field: &str, value: &str, label: T, checked: bool| -> String {
        format!(
            "<label class=\"consent\"><input type=\"radio\" name=\"{field}\" value=\"{value}\"{checked}> {label}</label>",
            checked = if checked { " checked" } else { "" },
            label = escape(label.get(LANG)),
        )
    };
    let buyer_kind = input.buyer_kind.as_deref().unwrap_or_default();
    let invoice_kind = input.invoice_kind.as_deref().unwrap_or_default();
    let amount = Money::from_fen(row.amount_fen)
        .unwrap_or_default()
        .to_string();
    let body = format!(
        "<h1>{title}</h1>\
         <dl><dt>{order_label}</dt><dd>{order_no}</dd><dt>{product_label}</dt><dd>{product}</dd>\
         <dt>{amount_label}</dt><dd>{amount}</dd></dl>{saved}\
         <form method=\"post\" autocomplete=\"on\" novalidate>\
         <fieldset><legend>{buyer_kind_label}</legend>{individual}{organisation}{buyer_kind_error}</fieldset>\
         <fieldset><legend>{invoice_kind_label}</legend>{normal}{special}{invoice_kind_error}</fieldset>\
         {buyer_name}{tax_number}{email}\
         <p class=\"small\">{special_hint}</p>{address}{phone}{bank}{account}\
         <button type=\"submit\">{button}</button></form>\
         <p class=\"small\">{ca} · {hotline}</p>",
        title = escape(T::PageInvoiceTitle.get(LANG)),
        order_label = escape(T::PageOrder.get(LANG)),
        order_no = escape(&row.order_no),
        product_label = escape(T::PageProduct.get(LANG)),
        product = escape(&format!("{} {}", row.project_name, row.product_name)),
        amount_label = escape(T::PageAmount.get(LANG)),
        amount = escape(&amount),
        saved = if saved {
            format!(
                "<p class=\"ok\">{}</p>",
                escape(T::PageInvoiceAlreadyAsked.get(LANG))
            )
        } else {
            String::new()
        },
        buyer_kind_label = escape(T::FieldInvBuyerKind.get(LANG)),
        individual = radio(
            "buyer_kind",
            BuyerKind::Individual.as_str(),
            T::OptBuyerIndividual,
            buyer_kind == BuyerKind::Individual.as_str()
        ),
        organisation = radio(
            "buyer_kind",
            BuyerKind::Organisation.as_str(),
            T::OptBuyerOrganisation,
            buyer_kind == BuyerKind::Organisation.as_str()
        ),
        buyer_kind_error = error_for("buyer_kind"),
        invoice_kind_label = escape(T::FieldInvKind.get(LANG)),
        normal = radio(
            "invoice_kind",
            InvoiceKind::Normal.as_str(),
            T::OptInvoiceNormal,
            invoice_kind == InvoiceKind::Normal.as_str()
        ),
        special = radio(
            "invoice_kind",
            InvoiceKind::Special.as_str(),
            T::OptInvoiceSpecial,
            invoice_kind == InvoiceKind::Special.as_str()
        ),
        invoice_kind_error = error_for("invoice_kind"),
        buyer_name = text_field(
            "buyer_name",
            T::FieldInvBuyerName,
            &input.buyer_name,
            "text"
        ),
        tax_number = text_field(
            "tax_number",
            T::FieldInvTaxNumber,
            &input.tax_number,
            "text"
        ),
        email = text_field("email", T::FieldInvEmail, &input.email, "email"),
        special_hint = escape(T::PageInvoiceSpecialHint.get(LANG)),
        address = text_field("address", T::FieldInvAddress, &input.address, "text"),
        phone = text_field("phone", T::FieldInvPhone, &input.phone, "tel"),
        bank = text_field("bank", T::FieldInvBank, &input.bank, "text"),
        account = text_field("account", T::FieldInvAccount, &input.account, "text"),
        button = escape(T::PageInvoiceSubmit.get(LANG)),
        ca = escape(&state.config.ca_name),
        hotline = escape(&state.config.hotline),
    );
    let status = if errors.is_empty() {
        StatusCode::OK
    } else {
        StatusCode::UNPROCESSABLE_ENTITY
    };
    page(status, T::PageInvoiceTitle.get(LANG), &body)
}
