//! Customers, found and created by mobile number.

use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use serde::Deserialize;
use utoipa::IntoParams;

use crate::api::{
    Customer, CustomerAuditEntry, CustomerOnline, NewCustomer, Problem, SignInStanding,
    VerifiedIdentity,
};
use crate::domain::{Permission, Phone};
use crate::i18n::{Msg, T};
use crate::server::AppState;
use crate::server::error::ApiError;
use crate::server::extract::{ApiQuery, Caller, JsonBody, parse_json_checked};
use crate::server::store::CustomerRow;
use crate::server::{present, validate};

/// `?phone=`
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct CustomerQuery {
    /// Mobile number, its 11 digits: the form a client should send. (A number pasted with
    /// spaces, dashes, a `+86` prefix or full-width digits is read as well, for clerks
    /// typing by hand; the schema names only the plain form.)
    #[param(
        required = true,
        pattern = "^1[3-9][0-9]{9}$",
        min_length = 11,
        max_length = 11
    )]
    phone: String,
}

/// Adds a customer; a mobile number already known is `409 customer_exists`.
#[utoipa::path(post, operation_id = "create_customer", path = "/api/v1/customers", request_body = NewCustomer, responses(
    (status = 201, body = Customer),
    (status = 409, body = Problem, content_type = "application/problem+json", description = "`customer_exists`: a customer with this mobile number is known (find it with `GET /customers?phone=`)"),
    (status = 422, body = Problem, content_type = "application/problem+json", description = "`validation_failed`: every bad field named at once (a name with characters the application form cannot print names them: every order of the customer's would be refused)"),
))]
pub async fn create(
    State(state): State<AppState>,
    caller: Caller,
    body: JsonBody,
) -> Result<(StatusCode, Json<Customer>), ApiError> {
    caller.require(Permission::ManageCustomers)?;
    let (_, (phone, name)) = parse_json_checked(&body, |body: &NewCustomer| {
        validate::new_customer(body, &state.fonts)
    })?;
    match state
        .store
        .add_customer(&phone, &name, &caller.operator.id)
        .await
    {
        Ok(row) => Ok((StatusCode::CREATED, Json(present::customer(&row, true)))),
        Err(e) if e.is_unique_violation() => Err(ApiError::Conflict {
            code: "customer_exists",
            detail: Msg::with(T::ProblemCustomerExists, [phone.as_str()]),
            status: None,
            version: None,
        }),
        Err(e) => Err(e.into()),
    }
}

/// The customer with this mobile number: a list of zero or one.
#[utoipa::path(get, path = "/api/v1/customers", params(CustomerQuery), responses((status = 200, body = [Customer])))]
pub async fn find(
    State(state): State<AppState>,
    caller: Caller,
    ApiQuery(query): ApiQuery<CustomerQuery>,
) -> Result<Json<Vec<Customer>>, ApiError> {
    caller.require(Permission::ViewOrders)?;
    let phone = Phone::parse(&query.phone).map_err(|e| ApiError::field("phone", e))?;
    let reveal = caller.operator.roles.permits(Permission::RevealContact);
    let found = state.store.customer_by_phone(&phone).await?;
    Ok(Json(
        found.iter().map(|c| present::customer(c, reveal)).collect(),
    ))
}

/// How a mobile number's sign-in to the customer's pages stands now — codes sent today,
/// the last one's time, wrong tries since, a lock and its end — for a support agent whose
/// caller's code "does not work" (a number need not be a customer's yet: one becomes a
/// customer by signing in). Never the code.
#[utoipa::path(get, path = "/api/v1/sign-ins", params(CustomerQuery), responses(
    (status = 200, body = SignInStanding),
    (status = 403, description = "a role that does not help customers sign in (the counter and phone support do)", body = Problem, content_type = "application/problem+json"),
    (status = 422, body = Problem, content_type = "application/problem+json"),
))]
pub async fn sign_in(
    State(state): State<AppState>,
    caller: Caller,
    ApiQuery(query): ApiQuery<CustomerQuery>,
) -> Result<Json<SignInStanding>, ApiError> {
    // Those who help a customer sign in: the counter and phone support (who text codes).
    caller.require(Permission::TextCustomers)?;
    let phone = Phone::parse(&query.phone).map_err(|e| ApiError::field("phone", e))?;
    let standing = state.store.sign_in_standing(phone.as_str()).await?;
    Ok(Json(SignInStanding {
        codes_today: standing.codes_today,
        last_code_at: standing.last_code_at.map(present::rfc3339),
        wrong_tries: standing.wrong_tries,
        locked_until: standing.locked_until.map(present::rfc3339),
    }))
}

/// A customer's audit trail, newest first (at most 500 entries): who read their verified
/// identity for a new application, texted them a login code, and what they did themselves
/// (sign-ins, changes) — for administrators, who answer for every read of personal data.
#[utoipa::path(get, path = "/api/v1/customers/{id}/audit", params(("id" = String, Path)),
    responses(
        (status = 200, body = [CustomerAuditEntry]),
        (status = 403, body = Problem, content_type = "application/problem+json"),
        (status = 404, body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn audit(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
) -> Result<Json<Vec<CustomerAuditEntry>>, ApiError> {
    caller.require(Permission::Administer)?;
    let customer = find_customer(&state, &id).await?;
    let trail = state.store.customer_trail(&customer.id, 500).await?;
    Ok(Json(
        trail
            .into_iter()
            .map(|(at, actor_id, name, action, detail)| CustomerAuditEntry {
                at: present::rfc3339(at),
                actor: crate::api::Actor { id: actor_id, name },
                action,
                detail,
            })
            .collect(),
    ))
}

/// Who a verified customer is, as their real-name verification established it: for the
/// forms of a new application (the counter fills the name and ID number from it rather
/// than having them typed again, and the contact details from the latest order). 404 for
/// a customer never verified. The read is recorded in the customer's audit trail.
#[utoipa::path(get, path = "/api/v1/customers/{id}/identity", params(("id" = String, Path)),
    responses(
        (status = 200, body = VerifiedIdentity),
        (status = 404, description = "no such customer, or one not verified", body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn identity(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
) -> Result<Json<VerifiedIdentity>, ApiError> {
    caller.require(Permission::CreateOrders)?;
    caller.require(Permission::RevealPersonalData)?;
    let customer = find_customer(&state, &id).await?;
    let (name, id_number, at) = state
        .store
        .verified_identity(&customer.id)
        .await?
        .ok_or_else(|| ApiError::NotFound(Msg::new(T::ProblemCustomerNotVerified)))?;
    state
        .store
        .customer_audit(&customer.id, &caller.actor(), "identity_read", None)
        .await?;
    let last_order = state
        .store
        .last_details(&customer.id)
        .await?
        .and_then(|row| present::last_order(&row));
    Ok(Json(VerifiedIdentity {
        name,
        id_number,
        verified_at: present::rfc3339(at),
        last_order,
    }))
}

/// Where a customer stands on their own platform: when last seen, their application in
/// progress (its step as their page names it, the certificate chosen, what was last
/// refused there) and their latest real-name verification (masked) — for a support agent
/// on the phone with a customer who has no order yet.
#[utoipa::path(get, path = "/api/v1/customers/{id}/online", params(("id" = String, Path)),
    responses(
        (status = 200, body = CustomerOnline),
        (status = 404, description = "no such customer", body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn online(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
) -> Result<Json<CustomerOnline>, ApiError> {
    caller.require(Permission::ViewOrders)?;
    let customer = find_customer(&state, &id).await?;
    let standing = state.store.online_standing(&customer.id).await?;
    let lang = caller.ctx.lang;
    let application = match &standing.draft {
        Some(row) => Some(crate::server::web::apply::standing(&state, &customer, row, lang).await?),
        None => None,
    };
    let realname = match &standing.realname {
        Some(row) => Some(super::realname::described(&state, row, lang, false).await?),
        None => None,
    };
    let day = state.store.online_realname_tries(&customer.id).await?;
    Ok(Json(CustomerOnline {
        last_seen_at: standing.last_seen_at.map(present::rfc3339),
        application,
        realname,
        realname_tries_today: day.tries,
        realname_tries_spent: day.spent(),
    }))
}

/// The customer with this id, or 404 naming none.
pub(super) async fn find_customer(state: &AppState, id: &str) -> Result<CustomerRow, ApiError> {
    state
        .store
        .customer(id)
        .await?
        .ok_or_else(|| ApiError::NotFound(Msg::new(T::ProblemCustomerNotFound)))
}
