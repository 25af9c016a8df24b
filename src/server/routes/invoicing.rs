//! Finance: `GET /api/v1/invoicing` (orders in 待开票 with the customer's request),
//! the invoice request (`PUT /api/v1/orders/{order_no}/invoice-request`), issuing
//! (`POST /api/v1/orders/{order_no}/invoice`), and the e-mail outbox (`GET /api/v1/mail`).
//! Declining is the `decline_invoice` action.

use axum::Json;
use axum::extract::{Path, State};

use crate::api::{
    FieldWarning, InvoiceRequestSaved, InvoiceRequestView, InvoicingItem, InvoicingQueue,
    IssueInvoice, MailMessage, Order, Problem,
};
use crate::domain::{Action, InvoiceRequest, InvoiceRequestInput, OrderStatus, Permission};
use crate::i18n::{Msg, T};
use crate::server::AppState;
use crate::server::error::ApiError;
use crate::server::extract::{Caller, JsonBody, parse_json, parse_json_checked};
use crate::server::invoicing;
use crate::server::present::{rfc3339, summary};
use crate::server::store::OrderRow;

use super::orders::{find_order, full_order, with_etag};

/// Orders waiting for their invoice: those the customer asked for first (oldest request
/// first), then the rest by mailing date.
#[utoipa::path(get, operation_id = "invoicing_queue", path = "/api/v1/invoicing", responses((status = 200, body = InvoicingQueue)))]
pub async fn queue(
    State(state): State<AppState>,
    caller: Caller,
) -> Result<Json<InvoicingQueue>, ApiError> {
    caller.require(Permission::ViewOrders)?;
    let issues = caller
        .operator
        .roles
        .permits(Permission::Act(Action::IssueInvoice));
    let rows = state
        .store
        .queue(OrderStatus::PendingInvoice, crate::api::QUEUE_LIMIT as i64)
        .await?;
    // Orders back for a new invoice after theirs was reversed (红冲), said as such.
    let reversed = state
        .store
        .reversed_pending(&rows.iter().map(|r| r.id.as_str()).collect::<Vec<_>>())
        .await?;
    let mut items: Vec<(Option<i64>, InvoicingItem)> = rows
        .iter()
        .filter_map(|row| {
            Some((
                row.invoice_requested_at,
                InvoicingItem {
                    order: summary(row)?,
                    user_type: crate::domain::UserType::parse(&row.user_type)?,
                    shipped_at: row.shipped_at.map(rfc3339),
                    request: request_view(row).filter(|_| issues),
                    requested_via: row.invoice_requested_via.clone(),
                    reversed: reversed.get(&row.id).cloned().filter(|_| issues),
                    suggested: if issues {
                        invoicing::suggested(row)
                    } else {
                        InvoiceRequestInput::default()
                    },
                },
            ))
        })
        .collect();
    // Requested first, oldest request first; the rest keep their mailing order.
    items.sort_by_key(|(requested, _)| (requested.is_none(), requested.unwrap_or(0)));
    Ok(Json(InvoicingQueue {
        items: items.into_iter().map(|(_, item)| item).collect(),
    }))
}

/// The customer's saved request on an order, if any.
pub(crate) fn request_view(row: &OrderRow) -> Option<InvoiceRequestView> {
    let request = invoicing::saved_request(row)?;
    Some(InvoiceRequestView {
        request,
        via: row.invoice_requested_via.clone().unwrap_or_default(),
        requested_at: rfc3339(row.invoice_requested_at.unwrap_or(row.updated_at)),
    })
}

/// Checks an invoice request: every bad field at once (422), or the request with its
/// warnings.
pub(crate) fn check(
    state: &AppState,
    input: &InvoiceRequestInput,
) -> Result<(InvoiceRequest, crate::domain::FieldMessages), ApiError> {
    checked(state, input).map_err(|errors| {
        ApiError::Validation(
            errors
                .into_iter()
                .map(|(field, msg)| (field.to_owned(), msg))
                .collect(),
        )
    })
}

/// [`check`] for a page: every field's refusal at once (the counter's and the customer's
/// forms alike), or the request with its warnings.
pub(crate) fn checked(
    state: &AppState,
    input: &InvoiceRequestInput,
) -> Result<(InvoiceRequest, crate::domain::FieldMessages), crate::domain::FieldMessages> {
    let (request, warnings) = match crate::domain::validate_invoice_request(input) {
        Ok(valid) => valid,
        Err(mut errors) => {
            // What would refuse it once the rest is right is named beside the rest, not
            // after it: the seller's own number, a character the invoice cannot print.
            // Each read as the valid request would carry it (the text rule, invisible
            // characters out): what it would print, not what was pasted.
            let printed = |text: &str| crate::domain::printed_line::<4096>(text).ok();
            let (buyer, address, bank) = (
                printed(&input.buyer_name),
                printed(&input.address),
                printed(&input.bank),
            );
            let mut more = unprintable_in(
                &state.fonts,
                [
                    ("buyer_name", buyer.as_deref()),
                    ("address", address.as_deref()),
                    ("bank", bank.as_deref()),
                ],
            );
            if is_own_tax_number(state, Some(input.tax_number.as_str())) {
                more.push(("tax_number", Msg::new(T::ErrOwnTaxNumber)));
            }
            for (field, message) in more {
                if !errors.iter().any(|(named, _)| *named == field) {
                    errors.push((field, message));
                }
            }
            return Err(errors);
        }
    };
    let refused = not_for_print(state, &request);
    if !refused.is_empty() {
        return Err(refused);
    }
    Ok((request, warnings))
}

/// What a valid request still may not be issued with: a character no font here prints,
/// and the CA's own tax number on the buyer's side (a paste from the seller's line).
fn not_for_print(state: &AppState, request: &InvoiceRequest) -> Vec<(&'static str, Msg)> {
    let mut refused = unprintable(&state.fonts, request);
    if is_own_tax_number(state, request.tax_number.as_deref()) {
        refused.push(("tax_number", Msg::new(T::ErrOwnTaxNumber)));
    }
    refused
}

/// Whether `tax_number` is the CA's own (the seller's), however spaced or cased.
fn is_own_tax_number(state: &AppState, tax_number: Option<&str>) -> bool {
    tax_number.is_some_and(|number| {
        crate::server::validate::is_seller_code(&state.config.invoice.seller_tax_number, number)
    })
}

/// The fields of an invoice request printed on the invoice that hold a character no font
/// here draws (it would come out as its code point, `[U+0E47]`, on a tax invoice).
pub(crate) fn unprintable(
    fonts: &crate::server::pdf::Fonts,
    request: &InvoiceRequest,
) -> Vec<(&'static str, Msg)> {
    unprintable_in(
        fonts,
        [
            ("buyer_name", Some(request.buyer_name.as_str())),
            ("address", request.address.as_deref()),
            ("bank", request.bank.as_deref()),
        ],
    )
}

/// Of `fields` (name, text), those holding a character no font here prints.
fn unprintable_in<'a>(
    fonts: &crate::server::pdf::Fonts,
    fields: impl IntoIterator<Item = (&'static str, Option<&'a str>)>,
) -> Vec<(&'static str, Msg)> {
    fields
        .into_iter()
        .filter_map(|(field, text)| {
            let missing: String = fonts.unprintable(text?).into_iter().collect();
            (!missing.is_empty()).then(|| (field, Msg::with(T::ErrUnprintableInvoice, [missing])))
        })
        .collect()
}

/// Keeps the invoice request for an order in 待开票 (made at the counter, or on the phone
/// for the customer). Answers with warnings worth a second look, e.g. a legacy tax number.
#[utoipa::path(put, path = "/api/v1/orders/{order_no}/invoice-request", params(("order_no" = String, Path)),
    request_body = crate::domain::InvoiceRequestInput,
    responses(
        (status = 200, body = InvoiceRequestSaved),
        (status = 409, body = Problem, content_type = "application/problem+json"),
        (status = 422, body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn save_request(
    State(state): State<AppState>,
    caller: Caller,
    Path(order_no): Path<String>,
    body: JsonBody,
) -> Result<Json<InvoiceRequestSaved>, ApiError> {
    caller.require(Permission::Act(Action::IssueInvoice))?;
    let (_, (request, warnings)) =
        parse_json_checked(&body, |input: &InvoiceRequestInput| check(&state, input))?;
    let row = find_order(&state, &order_no).await?;
    let json = serde_json::to_string(&request).map_err(|e| ApiError::Internal(e.to_string()))?;
    if !state
        .store
        .save_invoice_request(
            &row,
            &caller.actor(),
            &json,
            "counter",
            None,
            Some(&caller.ctx.request_id),
        )
        .await?
    {
        // Said as what was asked: keeping the request, not issuing. Still waiting, it was
        // changed meanwhile (another save): a version conflict, to read again and retry.
        let row = find_order(&state, &row.order_no).await?;
        let status = row.status()?;
        if status == OrderStatus::PendingInvoice {
            return Err(changed(&row, status));
        }
        return Err(ApiError::Conflict {
            code: "invalid_transition",
            detail: Msg::with(
                T::ProblemRequestNotWaiting,
                [
                    crate::i18n::Arg::from(row.order_no.as_str()),
                    crate::i18n::Arg::Text(status.text()),
                ],
            ),
            status: Some(status),
            version: Some(row.version),
        });
    }
    let row = find_order(&state, &order_no).await?;
    let view = request_view(&row).ok_or_else(|| ApiError::Internal("request lost".into()))?;
    Ok(Json(InvoiceRequestSaved {
        version: row.version,
        request: view,
        warnings: warnings
            .into_iter()
            .map(|(field, msg)| FieldWarning {
                field: field.to_owned(),
                message: msg.render(caller.ctx.lang),
            })
            .collect(),
    }))
}

/// 409 for an order that does not wait for its invoice (`status`, as just read).
fn not_waiting(row: &crate::server::store::OrderRow, status: OrderStatus) -> ApiError {
    crate::server::error::transition_error(
        &row.order_no,
        Action::IssueInvoice,
        crate::server::store::TransitionError::NotAllowed {
            status,
            version: row.version,
        },
    )
}

/// 409 for an order changed since the version the caller saw (`status`, as just read).
fn changed(row: &crate::server::store::OrderRow, status: OrderStatus) -> ApiError {
    crate::server::error::transition_error(
        &row.order_no,
        Action::IssueInvoice,
        crate::server::store::TransitionError::Conflict {
            status,
            version: row.version,
        },
    )
}

/// Issues the invoice: the number from the invoice provider, the e-invoice PDF kept on the
/// order and e-mailed to the buyer, and the order 已完成. With `request`, that request is
/// checked and kept first; without, the customer's saved request is issued.
#[utoipa::path(post, path = "/api/v1/orders/{order_no}/invoice", params(("order_no" = String, Path), ("If-Match" = Option<String>, Header, description = "The order's version (its ETag), instead of `version` in the body")),
    request_body = IssueInvoice,
    responses(
        (status = 200, body = Order, headers(("ETag" = String, description = "The order's new version, `\"6\"`"))),
        (status = 409, body = Problem, content_type = "application/problem+json",
            description = "`invoice_issued` (the order is invoiced already, for another buyer than this request's: the same request again answers the order), `invalid_transition` or `version_conflict`"),
        (status = 422, body = Problem, content_type = "application/problem+json"),
        (status = 428, body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn issue(
    State(state): State<AppState>,
    caller: Caller,
    Path(order_no): Path<String>,
    headers: axum::http::HeaderMap,
    body: JsonBody,
) -> Result<axum::response::Response, ApiError> {
    caller.require(Permission::Act(Action::IssueInvoice))?;
    let body: IssueInvoice = if body.iter().all(u8::is_ascii_whitespace) {
        IssueInvoice::default()
    } else {
        parse_json(&body)?
    };
    // `version` in the body or the ETag back as `If-Match`, as every action takes it.
    let version = super::actions::version_seen(body.version, &headers)?;
    let row = find_order(&state, &order_no).await?;
    let checked = body
        .request
        .as_ref()
        .map(|input| check(&state, input).map_err(|e| e.under("request")))
        .transpose()?;
    let json = |request: &InvoiceRequest| {
        serde_json::to_string(request).map_err(|e| ApiError::Internal(e.to_string()))
    };
    // A retry whose first answer was lost: the same invoice again, not a second one.
    if row.status()? == OrderStatus::Completed
        && let Some(invoice) = state.store.invoice_for(&row.id).await?
    {
        let same = match &checked {
            None => true,
            Some((request, _)) => {
                crate::domain::same_invoice_request(&json(request)?, &invoice.request_json)
            }
        };
        if same {
            return Ok(with_etag(full_order(&state, &row, &caller, false).await?));
        }
        // Another buyer for an order invoiced already: not a second invoice.
        return Err(ApiError::Conflict {
            code: "invoice_issued",
            detail: Msg::with(T::ProblemInvoiceIssuedOther, [row.order_no.as_str()]),
            status: row.status().ok(),
            version: Some(row.version),
        });
    }
    // "Not now" before "fix these fields".
    let status = row.status()?;
    if status != OrderStatus::PendingInvoice {
        return Err(not_waiting(&row, status));
    }
    if version != row.version {
        return Err(changed(&row, status));
    }
    let (request, via) = match checked {
        // Unchanged from the customer's own request, it stays theirs.
        Some((request, _)) => {
            let via = match (&row.invoice_request_json, &row.invoice_requested_via) {
                (Some(saved), Some(via))
                    if crate::domain::same_invoice_request(saved, &json(&request)?) =>
                {
                    via.clone()
                }
                _ => "counter".to_owned(),
            };
            (request, via)
        }
        None => match request_view(&row) {
            Some(view) => {
                // Reissued after a reversal, the buyer is said: the saved request is the
                // one just reversed when nobody corrected it, and issuing it again
                // unasked would make a second tax record of the same mistake.
                let saved = json(&view.request)?;
                // The latest reversed only: a buyer reversed earlier may be the right
                // one after all, asked for again since (as the phone allows).
                let invoices = state.store.invoices_of(&row.id).await?;
                let latest = crate::server::store::InvoiceRow::latest_reversed(&invoices);
                // Asked for again since the reversal (the customer confirmed the same
                // buyer on the phone): theirs to ask.
                let reversed_at = |blue: &crate::server::store::InvoiceRow| {
                    blue.red_in(&invoices)
                        .map_or(blue.issued_at, |red| red.issued_at)
                };
                let asked_since = |blue: &crate::server::store::InvoiceRow| {
                    row.invoice_requested_at
                        .is_some_and(|asked| asked > reversed_at(blue))
                };
                if let Some(reversed) = latest.filter(|i| {
                    crate::domain::same_invoice_request(&i.request_json, &saved) && !asked_since(i)
                }) {
                    return Err(ApiError::field(
                        "request",
                        Msg::with(T::ErrInvoiceReissueUnsaid, [reversed.invoice_no.as_str()]),
                    ));
                }
                (view.request, view.via)
            }
            None => return Err(ApiError::field("request", T::ErrInvoiceRequestMissing)),
        },
    };
    // The request is kept and the version moves on in one compare-and-set: of two people
    // issuing (or one issuing, one declining) with the version they saw, one goes on.
    if !state
        .store
        .save_invoice_request(
            &row,
            &caller.actor(),
            &json(&request)?,
            &via,
            Some(version),
            Some(&caller.ctx.request_id),
        )
        .await?
    {
        let now = find_order(&state, &order_no).await?;
        return Err(changed(&now, now.status()?));
    }
    let row = find_order(&state, &order_no).await?;
    let updated = invoicing::issue(
        &state,
        &row,
        Some(row.version),
        &request,
        &caller.actor(),
        Some(&caller.ctx.request_id),
    )
    .await?;
    // Its version as the ETag, as every answer with the order (the invoice moves it on
    // twice: the request kept, then the invoice issued).
    Ok(with_etag(
        full_order(&state, &updated, &caller, false).await?,
    ))
}

/// E-mails sent to customers, newest first (with the `outbox` provider, this is where
/// they are read).
#[utoipa::path(get, path = "/api/v1/mail", responses((status = 200, body = [MailMessage])))]
pub async fn mail(
    State(state): State<AppState>,
    caller: Caller,
) -> Result<Json<Vec<MailMessage>>, ApiError> {
    caller.require(Permission::Administer)?;
    let rows = state.store.mail_messages(200).await?;
    Ok(Json(
        rows.into_iter()
            .map(|row| {
                // Shown only for a mail waiting to be tried again (a claim's lapse is the
                // platform's own business).
                let next_try_at = (row.status == "waiting")
                    .then_some(row.retry_at)
                    .flatten()
                    .map(rfc3339);
                MailMessage {
                    id: row.id,
                    order_no: row.order_no,
                    to: row.to_addr,
                    subject: row.subject,
                    body: row.body,
                    attachment_id: row.attachment_id,
                    provider: row.provider,
                    status: row.status,
                    detail: row.detail,
                    created_at: rfc3339(row.created_at),
                    attempts: row.attempts,
                    next_try_at,
                }
            })
            .collect(),
    ))
}
