//! Real-name verification sessions: the clerk opens one for the customer at the counter,
//! the customer's phone does the rest on `/m/realname/{token}`.

use axum::Json;
use axum::extract::{Path, State};
use axum::http::{StatusCode, header};

use crate::api::{Customer, CustomerUpdate, NewRealnameSession, Problem, RealnameSession};
use crate::domain::Permission;
use crate::i18n::{Lang, Msg, T};
use crate::server::AppState;
use crate::server::error::ApiError;
use crate::server::extract::{Caller, JsonBody, parse_json_checked};
use crate::server::present;
use crate::server::store::{RealnameRow, now_ms};

/// Opens a verification for a customer and returns the URL to show as a QR code. A
/// pending earlier code for the same customer stops working.
#[utoipa::path(post, operation_id = "create_realname_session", path = "/api/v1/realname-sessions", request_body = NewRealnameSession,
    responses(
        (status = 201, body = RealnameSession, headers(("Location" = String, description = "Where the verification stands"))),
        (status = 409, body = Problem, content_type = "application/problem+json",
            description = "`customer_verified`: the customer is verified already; the verified name and ID number stand"),
        (status = 422, body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn create(
    State(state): State<AppState>,
    caller: Caller,
    body: JsonBody,
) -> Result<
    (
        StatusCode,
        [(header::HeaderName, String); 1],
        Json<RealnameSession>,
    ),
    ApiError,
> {
    caller.require(Permission::ManageCustomers)?;
    // Every bad field at once: an unknown field beside a customer that does not exist.
    let body = crate::server::extract::parse_json_lenient::<NewRealnameSession>(&body)?;
    let found = state.store.customer(&body.value().customer_id).await?;
    let (_, customer) = body.check(|_| {
        found.ok_or_else(|| ApiError::field("customer_id", T::ProblemCustomerNotFound))
    })?;
    // A verified customer's name and ID number stand: a second check would replace them
    // under the orders already made (an order paid and waiting for review would no longer
    // match its applicant).
    if customer.realname_verified_at.is_some() {
        return Err(ApiError::Conflict {
            code: "customer_verified",
            detail: Msg::new(T::ProblemCustomerVerifiedCheck),
            status: None,
            version: None,
        });
    }
    let valid_ms = state.config.realname_valid_ms();
    let (row, token) = state
        .store
        .create_realname_session(
            &customer.id,
            &customer.name,
            None,
            &caller.operator.id,
            valid_ms,
        )
        .await?;
    let mut session = present::realname(&row, now_ms(), caller.ctx.lang, true);
    session.url = Some(format!("{}/m/realname/{token}", state.public_base));
    let location = format!("/api/v1/realname-sessions/{}", session.id);
    Ok((
        StatusCode::CREATED,
        [(header::LOCATION, location)],
        Json(session),
    ))
}

/// Where a verification stands. The verified ID number is given in full only to the
/// operator who started the verification (the clerk with the customer, whose form it
/// fills); everyone else reads it masked — the full number of a customer is read through
/// `GET /customers/{id}/identity` or an order's `?reveal=true`, each recorded.
#[utoipa::path(get, operation_id = "get_realname_session", path = "/api/v1/realname-sessions/{id}", params(("id" = String, Path)),
    responses((status = 200, body = RealnameSession)))]
pub async fn get(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
) -> Result<Json<RealnameSession>, ApiError> {
    caller.require(Permission::ViewOrders)?;
    let row = state
        .store
        .realname(&id)
        .await?
        .ok_or_else(|| ApiError::NotFound(Msg::new(T::ProblemRealnameNotFound)))?;
    let reveal = row.created_by == caller.operator.id
        && caller
            .operator
            .roles
            .permits(Permission::RevealPersonalData);
    Ok(Json(
        described(&state, &row, caller.ctx.lang, reveal).await?,
    ))
}

/// A verification session as every answer gives it: with the check that passed (its
/// provider and transaction) and the other names its ID number was seen under (masked).
pub(super) async fn described(
    state: &AppState,
    row: &RealnameRow,
    lang: Lang,
    reveal: bool,
) -> Result<RealnameSession, ApiError> {
    let mut session = present::realname(row, now_ms(), lang, reveal);
    if let (Some(name), Some(id_number)) = (&row.verified_name, &row.verified_id_number) {
        if let Some(check) = state.store.passed_check(&row.customer_id).await? {
            session.provider = Some(check.provider);
            session.transaction_id = Some(check.transaction_id);
        }
        // The same ID number under another name: the clerk is told before going on.
        session.other_names = state
            .store
            .other_names_of(id_number, name)
            .await?
            .iter()
            .map(|n| crate::domain::mask_name(n))
            .collect();
    }
    Ok(session)
}

/// 409 for a change to a verified customer's identity: the verified name and ID number
/// stand.
fn customer_verified() -> ApiError {
    ApiError::Conflict {
        code: "customer_verified",
        detail: Msg::new(T::ProblemCustomerVerified),
        status: None,
        version: None,
    }
}

/// Corrects the name registered for a customer who is not verified yet (the phone page
/// checks the customer's typed name against it).
#[utoipa::path(patch, path = "/api/v1/customers/{id}", params(("id" = String, Path)), request_body = CustomerUpdate,
    responses(
        (status = 200, body = Customer),
        (status = 404, body = Problem, content_type = "application/problem+json"),
        (status = 409, body = Problem, content_type = "application/problem+json", description = "`customer_verified`: the customer passed the real-name check; the verified name stands"),
        (status = 422, body = Problem, content_type = "application/problem+json", description = "`validation_failed`: the name is not a person's name, or holds characters the application form cannot print (named)"),
    ))]
pub async fn rename_customer(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
    body: JsonBody,
) -> Result<Json<Customer>, ApiError> {
    caller.require(Permission::ManageCustomers)?;
    let (_, name) = parse_json_checked(&body, |body: &CustomerUpdate| {
        crate::server::validate::printable_person_name(&state.fonts, &body.name)
            .map_err(|e| ApiError::field("name", e))
    })?;
    let customer = super::customers::find_customer(&state, &id).await?;
    if !state
        .store
        .rename_unverified_customer(&customer.id, &name)
        .await?
    {
        return Err(customer_verified());
    }
    let row = super::customers::find_customer(&state, &id).await?;
    Ok(Json(present::customer(&row, true)))
}
