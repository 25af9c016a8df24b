//! The customer's own invoice request: the link in the shipping SMS opens a form with the
//! same fields and checks as the counter's. A request made here shows up in the 开票 tab
//! for finance, or is issued at once when `[platform.invoice] auto_issue` says so.

use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use maud::{Markup, html};

use super::{Page, gone, unavailable};
use crate::domain::{BuyerKind, InvoiceKind, InvoiceRequestInput, Money, OrderStatus, mask_email};
use crate::i18n::{Msg, T};
use crate::server::AppState;
use crate::server::store::{Actor, OrderRow, now_ms};
use crate::server::web::form::{self, Field};
use crate::server::web::page::{Ctx, page};

/// The order behind a live link, or the page to show instead.
async fn order_for(state: &AppState, ctx: &Ctx, token: &str) -> Result<OrderRow, Response> {
    let row = match state.store.order_by_invoice_token(token).await {
        Ok(Some(row)) => row,
        Ok(None) => return Err(gone(ctx)),
        Err(e) => {
            tracing::error!(error = %e, "invoice page");
            return Err(unavailable(ctx));
        }
    };
    let days = state.config.mailing.invoice_link_days.max(1);
    if row
        .shipped_at
        .is_some_and(|at| at + days * 86_400_000 < now_ms())
    {
        return Err(gone(ctx));
    }
    Ok(row)
}

/// What the page says once the order no longer waits for an invoice; `typed`, a request
/// sent from a page left behind, is said not to have been applied when it asked for
/// another buyer than the invoice names.
async fn finished(
    state: &AppState,
    ctx: &Ctx,
    row: &OrderRow,
    typed: Option<&InvoiceRequestInput>,
) -> Response {
    // The parcel came back: nothing to invoice until it is mailed again (the link works
    // again then); what was typed is not kept. An invoice issued before stays to be read
    // and downloaded (below).
    if row.status().ok() == Some(OrderStatus::PendingShipment) && row.invoice_no.is_none() {
        let body = html! {
            h1 { (ctx.t(T::PageInvoiceParcelReturned)) }
            p { (ctx.fill(T::PageInvoiceParcelReturnedNext, &[&ctx.hotline])) }
            p { a href=(format!("/orders/{}", row.order_no)) { (ctx.t(T::PagePayBackToOrder)) } }
        };
        return page(ctx, StatusCode::OK, ctx.t(T::PageInvoiceTitle), body);
    }
    let invoice = state.store.invoice_for(&row.id).await.ok().flatten();
    let body = match (&row.invoice_no, invoice) {
        (Some(number), Some(invoice)) => {
            let invoice_by_builtin = invoice.provider == "builtin";
            let issued =
                serde_json::from_str::<crate::domain::InvoiceRequest>(&invoice.request_json).ok();
            let email = issued
                .as_ref()
                .map(|r| mask_email(r.email.as_str()))
                .unwrap_or_default();
            let buyer = issued
                .as_ref()
                .map(|r| r.buyer_name.clone())
                .unwrap_or_default();
            let not_applied = match (typed, &issued) {
                (Some(typed), Some(issued)) => {
                    let squeeze = |s: &str| -> String {
                        s.chars()
                            .filter(|c| !c.is_whitespace())
                            .collect::<String>()
                            .to_uppercase()
                    };
                    squeeze(&typed.buyer_name) != squeeze(&issued.buyer_name)
                        || squeeze(&typed.tax_number)
                            != squeeze(issued.tax_number.as_deref().unwrap_or_default())
                }
                _ => false,
            };
            // "Sent to" only when it was: the demo outbox keeps the mail and sends nothing.
            let mail = state.store.latest_mail(&row.id).await.ok().flatten();
            let sent_label = match mail.as_ref().map(|(status, _)| status.as_str()) {
                Some("sent") => T::PageInvoiceEmail,
                Some("kept") => T::PageInvoiceKeptInOutbox,
                // Tried again by the platform (its mail server refused it for now).
                Some("sending" | "waiting") => T::PageInvoiceMailPending,
                _ => T::PageInvoiceMailNotSent,
            };
            html! {
                h1.ok { "✓ " (ctx.t(T::PageInvoiceIssued)) }
                // Numbered by the platform itself: no tax authority has seen it (as the
                // invoice was issued, whatever the platform is set to now).
                @if invoice_by_builtin {
                    p.demo role="note" { (ctx.t(T::PageInvoiceDemo)) }
                }
                dl {
                    dt { (ctx.t(T::PageInvoiceNo)) } dd { (number) }
                    dt { (ctx.t(T::PageInvoiceBuyer)) } dd { (buyer) }
                    dt { (ctx.t(sent_label)) } dd { (email) }
                }
                @if not_applied {
                    p.bad role="status" { (ctx.fill(T::PageInvoiceChangeNotApplied, &[&ctx.hotline])) }
                }
                // The invoice itself, by the link the SMS sent (in the demo no mail goes), and
                // on the order's page (signed in).
                @if let Some(token) = &row.invoice_token {
                    p { a.button href=(format!("/m/invoice/{token}/invoice.pdf")) { (ctx.t(T::WebInvoiceDownload)) } }
                }
                p { a href=(format!("/orders/{}", row.order_no)) { (ctx.t(T::PagePayBackToOrder)) } }
            }
        }
        // Closed without an invoice (declined); else (read while another change was made,
        // an invoice reversed) the order's page says where its invoice stands.
        _ => {
            let declined =
                row.status().ok() == Some(OrderStatus::Completed) && row.invoice_no.is_none();
            html! {
                h1 { (ctx.t(if declined { T::PageInvoiceClosed } else { T::PageInvoiceDoneTitle })) }
                @if declined {
                    p { (ctx.fill(T::PageInvoiceCallUs, &[&ctx.hotline])) }
                } @else {
                    p { (ctx.fill(T::PageInvoiceSeeOrder, &[&ctx.hotline])) }
                }
                p { a href=(format!("/orders/{}", row.order_no)) { (ctx.t(T::PagePayBackToOrder)) } }
            }
        }
    };
    // Issued or closed, the page no longer asks for one.
    page(ctx, StatusCode::OK, ctx.t(T::PageInvoiceDoneTitle), body)
}

/// `GET /m/invoice/{token}/invoice.pdf`: the issued invoice, to whoever holds the link the
/// shipping SMS sent (its page names the invoice and the buyer already), for as long as the
/// link lives.
pub(super) async fn pdf(
    State(state): State<AppState>,
    Page(ctx): Page,
    Path(token): Path<String>,
) -> Response {
    let row = match order_for(&state, &ctx, &token).await {
        Ok(row) => row,
        Err(page) => return page,
    };
    match crate::server::web::orders::invoice_file(&state, &row).await {
        Ok(Some(file)) => file,
        // Not issued yet: the request's page says where it stands.
        Ok(None) => axum::response::Redirect::to(&format!("/m/invoice/{token}")).into_response(),
        Err(e) => {
            tracing::error!(error = %e, "invoice download");
            unavailable(&ctx)
        }
    }
}

/// `GET /m/invoice/{token}`
pub(super) async fn form_page(
    State(state): State<AppState>,
    Page(ctx): Page,
    Path(token): Path<String>,
) -> Response {
    let row = match order_for(&state, &ctx, &token).await {
        Ok(row) => row,
        Err(page) => return page,
    };
    if row.status().ok() != Some(OrderStatus::PendingInvoice) {
        return finished(&state, &ctx, &row, None).await;
    }
    let input = match crate::server::invoicing::saved_request(&row) {
        Some(request) => crate::domain::InvoiceRequestInput::from(&request),
        None => crate::server::invoicing::suggested(&row),
    };
    let asked = asked_before(&state, &row).await;
    form(
        &ctx,
        state.demo.invoice_mark().is_some(),
        &token,
        &row,
        &input,
        &[],
        asked,
    )
}

/// What the form says, when it opens, of a request made before: the invoice issued for it
/// reversed (红冲: to be looked at again rather than taken as done), or a request kept.
async fn asked_before(state: &AppState, row: &OrderRow) -> Asked {
    match state.store.reversed_pending(&[row.id.as_str()]).await {
        Ok(mut found) => {
            if let Some(note) = found.remove(&row.id) {
                return Asked::Reversed(note.invoice_no);
            }
        }
        Err(e) => tracing::error!(error = %e, "invoice page"),
    }
    if row.invoice_request_json.is_some() {
        Asked::Saved
    } else {
        Asked::Not
    }
}

/// What the form says of a request made before.
#[derive(Clone)]
enum Asked {
    /// None was.
    Not,
    /// One is kept and may be changed.
    Saved,
    /// The invoice issued for it was reversed (its number): to be looked at again.
    Reversed(String),
}

/// `POST /m/invoice/{token}`: the request, or — from the language switch (`keep=lang`) —
/// the form again in the other language with everything typed kept, nothing checked or
/// saved.
pub(super) async fn submit(
    State(state): State<AppState>,
    Page(ctx): Page,
    Path(token): Path<String>,
    body: axum::body::Bytes,
) -> Response {
    let row = match order_for(&state, &ctx, &token).await {
        Ok(row) => row,
        Err(page) => return page,
    };
    // Every field is text and may be missing: only a body that is not a form at all
    // (or names a field twice) fails, and then the form shows again, empty.
    let input: InvoiceRequestInput = serde_urlencoded::from_bytes(&body).unwrap_or_default();
    if row.status().ok() != Some(OrderStatus::PendingInvoice) {
        return finished(&state, &ctx, &row, Some(&input)).await;
    }
    let said = |name: &str, value: &str| {
        form_urlencoded::parse(&body).any(|(n, v)| n == name && v == value)
    };
    // The language switch, or "返回修改" on the check page: the form again as typed, nothing
    // checked or saved, saying of a request made before what it said when it opened.
    if said("keep", "lang") || said("edit", "yes") {
        let asked = asked_before(&state, &row).await;
        return form(
            &ctx,
            state.demo.invoice_mark().is_some(),
            &token,
            &row,
            &input,
            &[],
            asked,
        );
    }
    // Every refusal at once, as the counter's form has them (a character the invoice
    // cannot print was said only after the rest was right).
    let (request, warnings) = match crate::server::routes::invoicing::checked(&state, &input) {
        Ok(valid) => valid,
        Err(errors) => {
            return form(
                &ctx,
                state.demo.invoice_mark().is_some(),
                &token,
                &row,
                &input,
                &errors,
                Asked::Not,
            );
        }
    };
    let Ok(json) = serde_json::to_string(&request) else {
        return unavailable(&ctx);
    };
    // Back after its invoice was reversed, sent exactly as that invoice was (a tap on the
    // form as it came): not issued again the same — nothing to send unless something in
    // it needs correcting (a name, a bank account, the kind, the e-mail).
    if let Ok(mut found) = state.store.reversed_pending(&[row.id.as_str()]).await
        && let Some(note) = found.remove(&row.id)
        && let Ok(Some(reversed)) = state.store.invoice_by_no(&note.invoice_no).await
        && crate::domain::same_invoice_request(&reversed.request_json, &json)
    {
        let said = [(
            "buyer_name",
            Msg::with(T::WebReissueSame, [note.invoice_no.as_str()]),
        )];
        return form(
            &ctx,
            state.demo.invoice_mark().is_some(),
            &token,
            &row,
            &input,
            &said,
            Asked::Reversed(note.invoice_no.clone()),
        );
    }
    // Right as typed: shown back to be checked before anything is kept or issued — an
    // invoice issued cannot be changed, only reversed (红冲) and issued anew.
    if !said("confirm", "yes") {
        return check_page(&state, &ctx, &token, &row, &input, &request, &warnings);
    }
    // The history is written in the platform's language, whatever the customer reads.
    let actor = Actor::System(
        T::ActorCustomerPhone
            .get(crate::i18n::Lang::ZhCn)
            .to_owned(),
    );
    match state
        .store
        .save_invoice_request(&row, &actor, &json, "phone", None, None)
        .await
    {
        Ok(true) => {}
        Ok(false) => return finished(&state, &ctx, &row, Some(&input)).await,
        Err(e) => {
            tracing::error!(error = %e, "invoice request");
            return unavailable(&ctx);
        }
    }
    if state.config.invoice.auto_issue {
        let fresh = match state.store.order_by_no(&row.order_no).await {
            Ok(Some(fresh)) => fresh,
            _ => return unavailable(&ctx),
        };
        match crate::server::invoicing::issue(&state, &fresh, None, &request, &actor, None).await {
            Ok(done) => return finished(&state, &ctx, &done, None).await,
            // Finance went first (issued for its own request, or declined): the order as
            // it is now, and that this request was not applied — not "received, to be
            // e-mailed to you". Still waiting for an invoice: kept for finance (below).
            Err(crate::server::error::ApiError::Conflict { .. }) => {
                match state.store.order_by_no(&row.order_no).await {
                    Ok(Some(now)) if now.status().ok() != Some(OrderStatus::PendingInvoice) => {
                        return finished(&state, &ctx, &now, Some(&input)).await;
                    }
                    Ok(_) => {}
                    Err(_) => return unavailable(&ctx),
                }
            }
            // Kept for finance to issue by hand: the request is saved.
            Err(e) => tracing::warn!(order = %row.order_no, error = ?e, "automatic invoice"),
        }
    }
    let title = ctx.t(T::PageInvoiceReceived);
    page(
        &ctx,
        StatusCode::OK,
        ctx.t(T::PageInvoiceTitle),
        html! {
            h1.ok { "✓ " (title) }
            // "We will e-mail it" only when mail is sent: the demo outbox keeps it.
            @if state.mail.name() == "outbox" {
                p { (ctx.fill(T::PageInvoiceReceivedOutbox, &[&mask_email(request.email.as_str())])) }
            } @else {
                p { (ctx.fill(T::PageInvoiceReceivedText, &[&mask_email(request.email.as_str())])) }
            }
            p { a.button href=(format!("/orders/{}", row.order_no)) { (ctx.t(T::PagePayBackToOrder)) } }
        },
    )
}

/// The request as it will be issued, to check: each field the invoice prints, and two
/// buttons — issue (or send to finance), or back to the form as typed. What was typed
/// rides along in hidden fields (the pages work without script).
fn check_page(
    state: &AppState,
    ctx: &Ctx,
    token: &str,
    row: &OrderRow,
    input: &InvoiceRequestInput,
    request: &crate::domain::InvoiceRequest,
    warnings: &crate::domain::FieldMessages,
) -> Response {
    let amount = Money::from_fen(row.amount_fen)
        .unwrap_or_default()
        .to_string();
    let buyer_kind = match request.buyer_kind {
        BuyerKind::Organisation => T::OptBuyerOrganisation,
        BuyerKind::Individual => T::OptBuyerIndividual,
    };
    let invoice_kind = match request.invoice_kind {
        InvoiceKind::Special => T::OptInvoiceSpecial,
        InvoiceKind::Normal => T::OptInvoiceNormal,
    };
    // As the invoice will print it (the tax number in capitals, without spaces…), not as
    // typed; each with what is worth a second look.
    let printed: Vec<(&str, String)> = [
        ("buyer_name", Some(request.buyer_name.clone())),
        ("tax_number", request.tax_number.clone()),
        ("email", Some(request.email.as_str().to_owned())),
        ("address", request.address.clone()),
        ("phone", request.phone.clone()),
        ("bank", request.bank.clone()),
        ("account", request.account.clone()),
    ]
    .into_iter()
    .filter_map(|(name, value)| value.filter(|v| !v.trim().is_empty()).map(|v| (name, v)))
    .collect();
    let warning_of = |field: &str| -> Option<String> {
        warnings
            .iter()
            .find(|(f, _)| *f == field)
            .map(|(_, m)| m.render(ctx.lang))
    };
    let typed: [(&str, &str); 9] = [
        (
            "buyer_kind",
            input.buyer_kind.as_deref().unwrap_or_default(),
        ),
        (
            "invoice_kind",
            input.invoice_kind.as_deref().unwrap_or_default(),
        ),
        ("buyer_name", input.buyer_name.as_str()),
        ("tax_number", input.tax_number.as_str()),
        ("email", input.email.as_str()),
        ("address", input.address.as_str()),
        ("phone", input.phone.as_str()),
        ("bank", input.bank.as_str()),
        ("account", input.account.as_str()),
    ];
    let hidden = html! {
        (form::token(ctx))
        @for (name, value) in &typed {
            input type="hidden" name=(name) value=(value);
        }
    };
    let issue_now = state.config.invoice.auto_issue;
    let title = ctx.t(T::PageInvoiceCheckTitle);
    let body = html! {
        h1 { (title) }
        dl {
            dt { (ctx.t(T::PageOrder)) } dd { (row.order_no) }
            dt { (ctx.t(T::PageAmount)) } dd { (amount) }
            dt { (ctx.t(T::FieldInvBuyerKind)) } dd { (ctx.t(buyer_kind)) }
            dt { (ctx.t(T::FieldInvKind)) } dd { (ctx.t(invoice_kind)) }
            @for f in &TEXT_FIELDS {
                @if let Some((_, value)) = printed.iter().find(|(name, _)| *name == f.0) {
                    // Said as what it is, not with the form's note on who must give it.
                    dt { (ctx.t(if f.0 == "tax_number" { T::FieldInvTaxNumber } else { f.1 })) }
                    dd {
                        (value)
                        @if let Some(warning) = warning_of(f.0) {
                            br; span.bad { (warning) }
                        }
                    }
                }
            }
        }
        p.bad role="note" {
            (ctx.t(if issue_now { T::PageInvoiceCheckIssueNow } else { T::PageInvoiceCheckToFinance }))
        }
        @if state.demo.invoice_mark().is_some() {
            p.demo role="note" { (ctx.t(T::PageInvoiceDemoAhead)) }
        }
        div.actions {
            form #invoice-check method="post" action=(super::form_action(ctx)) {
                (hidden)
                input type="hidden" name="confirm" value="yes";
                button type="submit" {
                    (ctx.t(if issue_now { T::PageInvoiceCheckIssue } else { T::PageInvoiceCheckSend }))
                }
            }
            form method="post" action=(super::form_action(ctx)) {
                (hidden)
                input type="hidden" name="edit" value="yes";
                button.secondary type="submit" { (ctx.t(T::PageInvoiceCheckEdit)) }
            }
        }
    };
    // The language switch takes what was typed back to the form, in the other language.
    let mut ctx = ctx.clone();
    ctx.switch_form = Some(("invoice-check", format!("/m/invoice/{token}")));
    page(&ctx, StatusCode::OK, title, body)
}

/// The text fields of the form, in page order: name, label, kind, `autocomplete`,
/// `inputmode`, most characters. The four after the hint are for special invoices.
const TEXT_FIELDS: [(&str, T, &str, &str, &str, usize); 7] = [
    (
        "buyer_name",
        T::FieldInvBuyerName,
        "text",
        "organization",
        "text",
        100,
    ),
    (
        "tax_number",
        // Which buyers must give one is said on the label: the page has no script to
        // mark it required when 单位 is chosen.
        T::FieldInvTaxNumberWhose,
        "text",
        "off",
        "text",
        20,
    ),
    ("email", T::FieldInvEmail, "email", "email", "email", 100),
    ("address", T::FieldInvAddress, "text", "off", "text", 100),
    ("phone", T::FieldInvPhone, "tel", "off", "tel", 30),
    ("bank", T::FieldInvBank, "text", "off", "text", 100),
    ("account", T::FieldInvAccount, "text", "off", "numeric", 40),
];

/// A choice of one, as a fieldset of radio buttons; the first one carries the group's name
/// as its id, for the error summary's link.
fn choices(
    ctx: &Ctx,
    name: &str,
    legend: T,
    options: &[(&str, T)],
    chosen: &str,
    error: Option<&str>,
) -> Markup {
    let error_id = format!("{name}-error");
    html! {
        fieldset aria-describedby=[error.map(|_| error_id.as_str())] {
            legend { (ctx.t(legend)) }
            @if let Some(error) = error {
                p.field-error id=(error_id) { (error) }
            }
            @for (i, (value, label)) in options.iter().enumerate() {
                label.choice {
                    input type="radio" id=(if i == 0 { name.to_owned() } else { format!("{name}-{value}") })
                        name=(name) value=(value) checked[chosen == *value];
                    span { (ctx.t(*label)) }
                }
            }
        }
    }
}

/// The form, with `errors` next to their fields and listed at the top; everything typed
/// is shown again.
#[allow(clippy::too_many_arguments)]
fn form(
    ctx: &Ctx,
    demo: bool,
    token: &str,
    row: &OrderRow,
    input: &InvoiceRequestInput,
    errors: &[(&'static str, Msg)],
    asked: Asked,
) -> Response {
    let error_of = |field: &str| -> Option<String> {
        let all: Vec<String> = errors
            .iter()
            .filter(|(f, _)| *f == field)
            .map(|(_, m)| m.render(ctx.lang))
            .collect();
        (!all.is_empty()).then(|| all.join("；"))
    };
    let value_of = |field: &str| -> &str {
        match field {
            "buyer_name" => &input.buyer_name,
            "tax_number" => &input.tax_number,
            "email" => &input.email,
            "address" => &input.address,
            "phone" => &input.phone,
            "bank" => &input.bank,
            _ => &input.account,
        }
    };
    let labelled = [
        ("buyer_kind", T::FieldInvBuyerKind),
        ("invoice_kind", T::FieldInvKind),
    ]
    .into_iter()
    .chain(TEXT_FIELDS.iter().map(|f| (f.0, f.1)));
    let listed: Vec<(String, String, String)> = labelled
        .filter_map(|(field, label)| {
            error_of(field).map(|e| (field.to_owned(), ctx.t(label).to_owned(), e))
        })
        .collect();
    let text_field = |f: &(
        &'static str,
        T,
        &'static str,
        &'static str,
        &'static str,
        usize,
    )| {
        let error = error_of(f.0);
        form::field(&Field {
            name: f.0,
            label: ctx.t(f.1),
            value: value_of(f.0),
            error: error.as_deref(),
            kind: f.2,
            autocomplete: f.3,
            inputmode: f.4,
            max: f.5,
            ..Field::default()
        })
    };
    let amount = Money::from_fen(row.amount_fen)
        .unwrap_or_default()
        .to_string();
    let title = ctx.t(T::PageInvoiceTitle);
    let body = html! {
        h1 { (title) }
        dl {
            dt { (ctx.t(T::PageOrder)) } dd { (row.order_no) }
            dt { (ctx.t(T::PageProduct)) } dd { (row.project_name) " " (row.product_name) }
            dt { (ctx.t(T::PageAmount)) } dd { (amount) }
        }
        // Said before anything is asked for, not only once it is issued.
        @if demo { p.demo role="note" { (ctx.t(T::PageInvoiceDemoAhead)) } }
        @match asked {
            Asked::Saved => { p.ok { (ctx.t(T::PageInvoiceAlreadyAsked)) } }
            Asked::Reversed(number) => { p.bad role="status" { (ctx.fill(T::PageInvoiceReversed, &[number.as_str()])) } }
            Asked::Not => {}
        }
        (form::summary(ctx, &listed))
        form #invoice-form method="post" action=(super::form_action(ctx)) novalidate {
            (form::token(ctx))
            (choices(ctx, "buyer_kind", T::FieldInvBuyerKind, &[
                (BuyerKind::Individual.as_str(), T::OptBuyerIndividual),
                (BuyerKind::Organisation.as_str(), T::OptBuyerOrganisation),
            ], input.buyer_kind.as_deref().unwrap_or_default(), error_of("buyer_kind").as_deref()))
            (choices(ctx, "invoice_kind", T::FieldInvKind, &[
                (InvoiceKind::Normal.as_str(), T::OptInvoiceNormal),
                (InvoiceKind::Special.as_str(), T::OptInvoiceSpecial),
            ], input.invoice_kind.as_deref().unwrap_or_default(), error_of("invoice_kind").as_deref()))
            @for f in &TEXT_FIELDS[..3] { (text_field(f)) }
            p.hint { (ctx.t(T::PageInvoiceSpecialHint)) }
            @for f in &TEXT_FIELDS[3..] { (text_field(f)) }
            div.actions { button type="submit" { (ctx.t(T::PageInvoiceSubmit)) } }
        }
        // Not now: back to the order (its page asks the customer to sign in).
        p { a href=(format!("/orders/{}", row.order_no)) { (ctx.t(T::PagePayBackToOrder)) } }
    };
    let status = if errors.is_empty() {
        StatusCode::OK
    } else {
        StatusCode::UNPROCESSABLE_ENTITY
    };
    // The language switch sends what was typed along (see `submit`).
    let mut ctx = ctx.clone();
    ctx.switch_form = Some(("invoice-form", format!("/m/invoice/{token}")));
    page(&ctx, status, title, body)
}
