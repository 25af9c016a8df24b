//! Orders: submission (idempotent), lookup, lists, counts, the audit trail and notes.

use axum::Json;
use axum::extract::{Path, RawQuery, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde::Deserialize;
use sha2::{Digest, Sha256};
use utoipa::IntoParams;

use crate::api::{
    HistoryEntry, NewNote, NewOrder, Order, OrderPage, OrderQuery, OrderUpdate, Problem,
    SearchIndexing, StatusCount,
};
use crate::domain::{Lines, OrderNo, OrderStatus, Permission, UserType, human_text};
use crate::i18n::{Arg, Msg, T};
use crate::server::AppState;
use crate::server::error::{ApiError, transition_error};
use crate::server::extract::{ApiQuery, Caller, JsonBody, Lenient, parse_json, parse_json_lenient};
use crate::server::store::{
    Actor, Answered, Edit, Edited, IdempotencyKey, ListQuery, OrderRow, SavedResponse, Sort,
    TransitionError,
};
use crate::server::validate::{Errors, optional_lines};
use crate::server::{present, validate};

/// Finds an order by a number as typed; 404 for a malformed or unknown number.
pub(super) async fn find_order(state: &AppState, order_no: &str) -> Result<OrderRow, ApiError> {
    // Said back cut short: a number of thousands of characters is not echoed whole.
    let not_found = || {
        ApiError::NotFound(Msg::with(
            T::ProblemOrderNotFound,
            [crate::domain::said_back(order_no, 40)],
        ))
    };
    let parsed = OrderNo::parse(order_no).map_err(|_| not_found())?;
    state
        .store
        .order_by_no(parsed.as_str())
        .await?
        .ok_or_else(not_found)
}

/// The order as `caller` sees it, with its attachments.
pub(super) async fn full_order(
    state: &AppState,
    row: &OrderRow,
    caller: &Caller,
    reveal: bool,
) -> Result<Order, ApiError> {
    let attachments = state.store.attachments_of(&row.id).await?;
    let mut order = present::order(row, &attachments, caller, reveal)?;
    for (id, order_no) in state.store.files_elsewhere(&row.id).await? {
        if let Some(file) = order.attachments.iter_mut().find(|a| a.id == id) {
            file.also_on.push(order_no);
        }
    }
    // Not offered to whoever handled its material either (the rule:
    // `review::not_their_own`).
    if order.allowed_actions.iter().any(|a| a.is_review_decision())
        && super::review::not_their_own(state, row, &caller.operator.id)
            .await
            .is_err()
    {
        order.allowed_actions.retain(|a| !a.is_review_decision());
    }
    order.trade_no = state.store.paid_trade_no(&row.id).await?;
    // The promise the customer's page gives, for whoever answers the customer's call.
    if matches!(
        order.status,
        crate::domain::OrderStatus::PendingReview | crate::domain::OrderStatus::PendingShipment
    ) {
        let by = crate::server::paper::promised_by(state, crate::server::paper::promise_start(row));
        // In UTC, as every other time the API gives.
        let ms = i64::try_from(by.unix_timestamp_nanos() / 1_000_000).unwrap_or(i64::MAX);
        order.mailed_by = Some(present::rfc3339(ms));
    }
    // Tax, bank and contact details: for those who issue invoices, or revealed (audited).
    if order.revealed
        || caller
            .operator
            .roles
            .permits(crate::domain::Permission::Act(
                crate::domain::Action::IssueInvoice,
            ))
    {
        order.invoice_request = super::invoicing::request_view(row);
    }
    // Every invoice of the order: the one that counts, and those reversed with their red
    // ones (one read).
    let invoices = state.store.invoices_of(&row.id).await?;
    order.reversed_invoices = present::reversed_invoices(&invoices);
    if let Some(invoice) = invoices
        .into_iter()
        .find(|i| i.reverses.is_none() && i.reversed_by.is_none())
    {
        let request: Option<crate::domain::InvoiceRequest> =
            serde_json::from_str(&invoice.request_json).ok();
        order.invoice = Some(crate::api::InvoiceInfo {
            invoice_no: invoice.invoice_no,
            invoice_kind: invoice.invoice_kind,
            buyer_name: request
                .as_ref()
                .map(|r| r.buyer_name.clone())
                .unwrap_or_default(),
            buyer_tax_number: request.as_ref().and_then(|r| {
                let number = r.tax_number.as_deref()?;
                Some(match r.buyer_kind {
                    crate::domain::BuyerKind::Organisation => number.to_owned(),
                    crate::domain::BuyerKind::Individual => crate::domain::mask_id_number(number),
                })
            }),
            net_fen: invoice.net_fen,
            tax_fen: invoice.tax_fen,
            total_fen: invoice.total_fen,
            attachment_id: invoice.attachment_id,
            email: request
                .map(|r| crate::domain::mask_email(r.email.as_str()))
                .unwrap_or_default(),
            issued_at: present::rfc3339(invoice.issued_at),
            mail_status: None,
            mail_detail: None,
        });
        if let (Some(info), Some((status, detail))) = (
            order.invoice.as_mut(),
            state.store.latest_mail(&row.id).await?,
        ) {
            info.mail_status = Some(status);
            info.mail_detail = detail;
        }
    }
    if let Some((name, id_number, at)) = state.store.verified_identity(&row.customer_id).await? {
        let check = state.store.passed_check(&row.customer_id).await?;
        let mut other_names = state.store.other_names_of(&id_number, &name).await?;
        other_names.extend(
            state
                .store
                .other_names_of(&row.id_number, &row.applicant_name)
                .await?,
        );
        other_names.retain(|n| !crate::server::identity::same_name(n, &name));
        other_names.sort();
        other_names.dedup();
        order.realname = Some(crate::api::RealnameCheck {
            provider: check.as_ref().map(|c| c.provider.clone()),
            transaction_id: check.map(|c| c.transaction_id),
            other_names: other_names
                .iter()
                .map(|n| crate::domain::mask_name(n))
                .collect(),
            matches_applicant: crate::domain::verified_as(
                (&name, &id_number),
                (&row.applicant_name, &row.id_number),
            ),
            id_number: if present::reveals_id_numbers(caller, order.revealed) {
                id_number
            } else {
                crate::domain::mask_id_number(&id_number)
            },
            name,
            verified_at: present::rfc3339(at),
        });
    }
    Ok(order)
}

/// `order` as JSON with its version as the `ETag` (`"3"`), which `If-Match` takes back.
pub fn with_etag(order: Order) -> Response {
    let etag = HeaderValue::from_str(&format!("\"{}\"", order.version));
    let mut response = Json(order).into_response();
    if let Ok(etag) = etag {
        response.headers_mut().insert(header::ETAG, etag);
    }
    response
}

/// Submits an order (→ 待支付). Requires an `Idempotency-Key` header: the same key again
/// from the same operator returns the same order (as it was answered then) and never makes
/// a second one; a key is the operator's own, so another operator's token with the same key
/// is another submission.
#[utoipa::path(post, operation_id = "create_order", path = "/api/v1/orders", request_body = NewOrder,
    params(("Idempotency-Key" = String, Header, description = "Unique per submission of this operator, e.g. the draft id")),
    responses(
        (status = 201, body = Order, headers(("Location" = String, description = "The new order's address"), ("ETag" = String, description = "Its version, for If-Match"), ("idempotent-replayed" = String, description = "`true` when this is the saved answer to an earlier request with the same key (nothing new was made; its body and ETag are the order as it was then: GET the order before acting on it); absent otherwise"))),
        (status = 400, body = Problem, content_type = "application/problem+json", description = "`idempotency_key_missing` or `idempotency_key_invalid` (the header), `malformed_request` (the body is not a JSON object of fields)"),
        (status = 422, body = Problem, content_type = "application/problem+json", description = "`validation_failed`: every bad field named at once (`applicant.id_number`, `organization` …); the same `Idempotency-Key` sent before with another body is named as the field `Idempotency-Key` (a key is one submission: send a new key for another). Nothing is made."),
    ))]
pub async fn create(
    State(state): State<AppState>,
    caller: Caller,
    headers: HeaderMap,
    body: JsonBody,
) -> Result<Response, ApiError> {
    caller.require(Permission::CreateOrders)?;
    let key = match headers
        .get("idempotency-key")
        .map(|v| v.to_str().map(str::trim))
    {
        None => {
            return Err(ApiError::BadRequest {
                code: "idempotency_key_missing",
                detail: Msg::new(T::ProblemIdempotencyMissing),
            });
        }
        // A key is visible ASCII, without spaces (`^[!-~]{1,200}$`), as documented.
        Some(Ok(key))
            if !key.is_empty() && key.len() <= 200 && key.bytes().all(|b| b.is_ascii_graphic()) =>
        {
            key.to_owned()
        }
        Some(_) => {
            return Err(ApiError::BadRequest {
                code: "idempotency_key_invalid",
                detail: Msg::new(T::ProblemIdempotencyInvalid),
            });
        }
    };
    let order: NewOrder = match parse_json_lenient(&body)? {
        Lenient::Fits(order) => order,
        // Refused with every field at once: those that do not fit, and what the order's
        // own checks find in the others.
        Lenient::Unfit(unfit) => {
            let order = &unfit.stand_in;
            let inputs = state
                .store
                .order_inputs(&order.customer_id, &order.product_id)
                .await?;
            let checked = validate::new_order(
                order,
                inputs.customer_exists,
                inputs.product.as_ref(),
                &state.fonts,
                &state.config,
            );
            return Err(unfit.refused(checked));
        }
    };
    let request_hash = hex::encode(Sha256::digest(
        serde_json::to_vec(&order).unwrap_or_default(),
    ));
    let inputs = state
        .store
        .order_inputs(&order.customer_id, &order.product_id)
        .await?;
    let valid = match validate::new_order(
        &order,
        inputs.customer_exists,
        inputs.product.as_ref(),
        &state.fonts,
        &state.config,
    ) {
        Ok(valid) => valid,
        // A retry of a submission that went through gets its answer even if the catalog
        // has changed since (a product withdrawn must not make the clerk think no order
        // exists).
        Err(invalid) => {
            return match state
                .store
                .answered_idempotency_key(&caller.operator.id, &key)
                .await?
            {
                Some((hash, answer)) => replay(&hash, &request_hash, answer),
                None => Err(invalid),
            };
        }
    };
    let key = IdempotencyKey {
        operator_id: &caller.operator.id,
        key: &key,
        request_hash: &request_hash,
    };
    let answered = state
        .store
        .create_order(
            &valid,
            &caller.actor(),
            inputs.realname.as_deref(),
            Some(&caller.ctx.request_id),
            &key,
            |inserted| {
                let row = valid.row(inserted, &caller.operator.name);
                let created = present::order(&row, &[], &caller, false)?;
                Ok::<_, ApiError>(SavedResponse {
                    status: 201,
                    body: serde_json::to_string(&created)
                        .map_err(|e| ApiError::Internal(e.to_string()))?,
                })
            },
        )
        .await?;
    match answered {
        Answered::Committed(answer) => Ok(saved_response(answer, false)),
        Answered::Taken {
            request_hash: hash,
            answer,
        } => replay(&hash, &request_hash, answer),
    }
}

/// The answer saved under a key for the request hashed `saved_hash`, to a request hashed
/// `request_hash`: replayed if it is the same request, else the key was reused.
fn replay(
    saved_hash: &str,
    request_hash: &str,
    answer: SavedResponse,
) -> Result<Response, ApiError> {
    if saved_hash == request_hash {
        Ok(saved_response(answer, true))
    } else {
        Err(ApiError::field(
            "Idempotency-Key",
            T::ProblemIdempotencyMismatch,
        ))
    }
}

fn saved_response(saved: SavedResponse, replayed: bool) -> Response {
    let status = StatusCode::from_u16(saved.status).unwrap_or(StatusCode::OK);
    // The order made, as its answer names it.
    let created = serde_json::from_str::<serde_json::Value>(&saved.body)
        .ok()
        .filter(|_| status == StatusCode::CREATED);
    let location = created
        .as_ref()
        .and_then(|order| order["order_no"].as_str().map(str::to_owned))
        .and_then(|no| HeaderValue::from_str(&format!("/api/v1/orders/{no}")).ok());
    // Its version, as `GET` gives it, for an `If-Match` straight after.
    let etag = created
        .as_ref()
        .and_then(|order| order["version"].as_i64())
        .and_then(|v| HeaderValue::from_str(&format!("\"{v}\"")).ok());
    let mut response = (status, saved.body).into_response();
    let headers = response.headers_mut();
    if let Some(location) = location {
        headers.insert(header::LOCATION, location);
    }
    if let Some(etag) = etag {
        headers.insert(header::ETAG, etag);
    }
    headers.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/json"),
    );
    if replayed {
        headers.insert("idempotent-replayed", HeaderValue::from_static("true"));
    }
    response
}

/// `?reveal=true`
#[derive(Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct RevealQuery {
    /// Show phones and street in full, and the ID number to those who check identities
    /// (clerk, reviewer, admin; the mailroom's reveal leaves it masked). Audited.
    #[serde(default)]
    reveal: bool,
}

/// One order in full.
#[utoipa::path(get, operation_id = "get_order", path = "/api/v1/orders/{order_no}", params(("order_no" = String, Path), RevealQuery),
    responses(
        (status = 200, body = Order, headers(("ETag" = String, description = "The order's version, `\"3\"`: send it back as `If-Match` with an action"))),
        (status = 403, description = "`reveal=true` by a role that may not (`forbidden`), or by the mailroom for an order it does not ship (`not_for_mailing`)", body = Problem, content_type = "application/problem+json"),
        (status = 404, body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn get(
    State(state): State<AppState>,
    caller: Caller,
    Path(order_no): Path<String>,
    ApiQuery(query): ApiQuery<RevealQuery>,
) -> Result<Response, ApiError> {
    caller.require(Permission::ViewOrders)?;
    let row = find_order(&state, &order_no).await?;
    if query.reveal {
        caller.require(Permission::RevealContact)?;
        if !present::reveals_contact(&caller, &row) {
            return Err(ApiError::Forbidden {
                code: "not_for_mailing",
                detail: Msg::with(T::ProblemRevealNotMailed, [row.order_no.as_str()]),
            });
        }
        state
            .store
            .record(
                &row,
                &caller.actor(),
                "reveal",
                None,
                Some(&caller.ctx.request_id),
                None,
            )
            .await?;
    }
    Ok(with_etag(
        full_order(&state, &row, &caller, query.reveal).await?,
    ))
}

/// Corrects what an order says: its mailing address until it is mailed, an organisation's
/// details while it is returned for correction (`editable` on the order names what the
/// caller may change now). Each part sent replaces that part whole. A stale `version` is
/// `409 version_conflict`, a change to a part the order's status does not let change is
/// `409 not_editable`, and nothing changes; a correction that changes nothing (a part sent
/// as it is) is answered with the order as it is. The change is in the order's history (the fields, not their values)
/// and on the event stream.
#[utoipa::path(patch, path = "/api/v1/orders/{order_no}",
    params(("order_no" = String, Path), ("If-Match" = Option<String>, Header)),
    request_body = OrderUpdate,
    responses(
        (status = 200, body = Order, headers(("ETag" = String, description = "The order's new version, `\"4\"`"))),
        (status = 403, description = "The caller may not correct orders (`forbidden`)", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such order", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "`version_conflict`: the order changed since the version sent; `not_editable`: its status does not let that part change. `current_status` and `current_version` say where it is", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "A field that does not fit, an organisation on an individual's order, an applicant, or nothing to change: each named in `errors`", body = Problem, content_type = "application/problem+json"),
        (status = 428, description = "No version: send `version` or `If-Match`", body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn update(
    State(state): State<AppState>,
    caller: Caller,
    Path(order_no): Path<String>,
    headers: HeaderMap,
    body: JsonBody,
) -> Result<Response, ApiError> {
    caller.require(Permission::EditOrders)?;
    let mut update: OrderUpdate = parse_json(&body)?;
    update.version = Some(super::actions::version_seen(update.version, &headers)?);
    let row = find_order(&state, &order_no).await?;
    let edited = correct(
        &state,
        &row,
        &update,
        caller.actor(),
        Some(&caller.ctx.request_id),
    )
    .await?;
    Ok(with_etag(
        full_order(&state, &edited.row, &caller, false).await?,
    ))
}

/// Checks and makes a correction of `row` by `actor` (staff through the API, a customer on
/// their own order page): the one door for both.
pub async fn correct(
    state: &AppState,
    row: &OrderRow,
    update: &OrderUpdate,
    actor: Actor,
    request_id: Option<&str>,
) -> Result<Edited, ApiError> {
    let version = match update.version {
        Some(v) if v >= 1 => v,
        other => {
            let shown = other.map(|v| v.to_string()).unwrap_or_default();
            return Err(ApiError::field(
                "version",
                Msg::with(T::ErrVersionValue, [shown]),
            ));
        }
    };
    let user_type = UserType::parse(&row.user_type)
        .ok_or_else(|| ApiError::Internal(format!("user type {}", row.user_type)))?;
    let valid = validate::order_update(
        update,
        user_type,
        &state.fonts,
        &state.config.invoice.seller_tax_number,
    )?;
    let address_sms = valid
        .mailing
        .as_ref()
        .map(|m| (state.sms.name(), address_changed_sms(state, row, m)));
    let edit = Edit {
        expected_version: version,
        mailing: valid.mailing,
        organization: valid.organization,
        actor,
        reason: valid.reason,
        request_id: request_id.map(str::to_owned),
        address_sms,
    };
    match state.store.edit_order(&row.order_no, &edit).await {
        Ok(edited) => {
            if edited.texted {
                state.sms_wake.notify_one();
            }
            Ok(edited)
        }
        Err(TransitionError::NotAllowed { status, version }) => {
            let part = edit
                .parts()
                .into_iter()
                .find(|p| !p.editable_in(status, user_type))
                .unwrap_or(crate::domain::OrderPart::Mailing);
            Err(ApiError::Conflict {
                code: "not_editable",
                detail: Msg::with(
                    T::ProblemNotEditable,
                    [
                        Arg::from(row.order_no.as_str()),
                        Arg::Text(status.text()),
                        Arg::Text(part.text()),
                    ],
                ),
                status: Some(status),
                version: Some(version),
            })
        }
        // The other refusals read as a transition's (the action named only by NotAllowed).
        Err(e) => Err(transition_error(
            &row.order_no,
            crate::domain::Action::Resubmit,
            e,
        )),
    }
}

/// The text to the applicant of `row` when its mailing address becomes `mailing`: where
/// it goes now (the region, the street masked, as on any screen that has not revealed it)
/// and whom to call if they did not ask for it.
fn address_changed_sms(
    state: &AppState,
    row: &OrderRow,
    mailing: &crate::api::MailingAddress,
) -> crate::server::sms::NewSms {
    let address = crate::domain::mask_address(
        &mailing.province,
        &mailing.city,
        &mailing.district,
        &mailing.street,
    );
    let body = T::SmsAddressChanged.fill(
        crate::i18n::Lang::ZhCn,
        &[
            &state.config.ca_name,
            &row.order_no,
            &address,
            &state.config.hotline,
        ],
    );
    crate::server::sms::message(
        crate::server::sms::SmsKind::AddressChanged,
        &row.phone,
        body,
        &[("order_no", &row.order_no), ("address", &address)],
    )
}

/// Orders, newest first by default, filtered and searched; pages by cursor. A page is
/// what the list holds when read: an order committed after a later-numbered one may land
/// behind a cursor already passed, and order numbers may skip (one taken by a request that
/// failed) — to follow new orders, follow `GET /api/v1/events`.
///
/// A search (`q`) is answered from an index: an order number (or its last 12–14 digits, or
/// `HN` and its start), a mobile or its last 4–10 digits (phones only), an ID number (by its
/// keyed hash), the 20 digits of any invoice of the order (one reversed, or the red-letter
/// invoice that reversed it; not the red-letter confirmation's number), the tracking number
/// of its parcel now (12–19 digits, or two letters and at least eight digits; 12–14 digits
/// are also read as an order number's tail), or part of a name. One search looks at a bounded number of candidate
/// orders for a bounded time: past that it answers what it found with a `next_cursor` to go
/// on from (a page may then hold fewer than `limit` orders), or, having found nothing, 422
/// on the field `q` ("范围太大，请输入更多字": type more).
#[utoipa::path(get, operation_id = "list_orders", path = "/api/v1/orders", params(OrderQuery), responses(
    (status = 200, body = OrderPage),
    (status = 422, description = "a bad filter, or a search too broad to answer within its budget", body = Problem, content_type = "application/problem+json")))]
pub async fn list(
    State(state): State<AppState>,
    caller: Caller,
    RawQuery(raw): RawQuery,
) -> Result<Json<OrderPage>, ApiError> {
    caller.require(Permission::ViewOrders)?;
    // Every bad parameter at once: those that do not parse and those the list refuses.
    let (query, list) = crate::server::extract::parse_query_checked(
        raw.as_deref().unwrap_or_default(),
        list_query,
    )?;
    // An ID number finds a person's name and orders: for those who may see ID numbers,
    // not a lookup for roles that reveal nothing (support, the mailroom, finance).
    if query
        .q
        .as_deref()
        .is_some_and(|q| crate::domain::IdNumber::parse(q.trim()).is_ok())
    {
        caller.require(Permission::RevealPersonalData)?;
    }
    if let Some(project) = &list.project_id
        && !state.store.project_exists(project).await?
    {
        return Err(ApiError::field("project", T::ErrNoSuchProject));
    }
    let page = state.store.list_orders(&list).await?;
    if page.too_broad {
        return Err(ApiError::field("q", T::ErrSearchTooBroad));
    }
    let items: Vec<_> = page.rows.iter().filter_map(present::summary).collect();
    let searched = query.q.as_deref().is_some_and(|q| !q.trim().is_empty());
    Ok(Json(OrderPage {
        items,
        next_cursor: page.next_cursor,
        search_indexing: searched
            .then(|| state.store.search_indexing())
            .flatten()
            .map(|(indexed, total)| SearchIndexing { indexed, total }),
    }))
}

fn list_query(query: &OrderQuery) -> Result<ListQuery, ApiError> {
    let mut errors = Errors::default();
    let mut statuses = Vec::new();
    // `status=` alone filters nothing; an empty name inside a list (`a,,b`) is a mistake.
    let listed = query.status.as_deref().map(str::trim).unwrap_or_default();
    for name in listed
        .split(',')
        .map(str::trim)
        .filter(|_| !listed.is_empty())
    {
        match OrderStatus::parse(name) {
            Some(status) => statuses.push(status),
            None => {
                let names: Vec<&str> = OrderStatus::ALL.iter().map(|s| s.as_str()).collect();
                errors.add("status", Msg::with(T::ErrOneOf, [names.join(", ")]));
                break;
            }
        }
    }
    let sort = match query.sort.as_deref() {
        None | Some("newest") => Sort::Newest,
        Some("oldest") => Sort::Oldest,
        Some(_) => {
            errors.add("sort", Msg::with(T::ErrOneOf, ["newest, oldest"]));
            Sort::Newest
        }
    };
    let limit = query.limit.unwrap_or(50);
    if !(1..=200).contains(&limit) {
        errors.add("limit", Msg::with(T::ErrBetween, ["1", "200"]));
    }
    // A cursor is a position in the list, not an order to find: its shape is enough.
    let cursor = match &query.cursor {
        None => None,
        Some(c)
            if c.len() == 16
                && c.starts_with("HN")
                && c[2..].bytes().all(|b| b.is_ascii_digit()) =>
        {
            Some(c.clone())
        }
        Some(_) => {
            errors.add("cursor", T::ErrOrderNo);
            None
        }
    };
    let q = errors
        .check(
            "q",
            human_text(query.q.as_deref().unwrap_or_default(), Lines::One, 100),
        )
        .filter(|q| !q.is_empty());
    let project_id = match query.project.as_deref() {
        None | Some("") => None,
        Some(id) if uuid::Uuid::try_parse(id).is_ok_and(|u| u.hyphenated().to_string() == id) => {
            Some(id.to_owned())
        }
        Some(sent) => {
            let shown = crate::domain::said_back(sent, 40);
            errors.add("project", Msg::with(T::ErrProjectIdShape, [shown]));
            None
        }
    };
    let channel = match query.channel.as_deref() {
        None => None,
        Some(name) => match crate::domain::Channel::parse(name) {
            Some(channel) => Some(channel),
            None => {
                errors.add("channel", Msg::with(T::ErrOneOf, ["counter, online"]));
                None
            }
        },
    };
    let from_ms = date_ms(query.from.as_deref(), "from", 0, &mut errors);
    let to_ms = date_ms(query.to.as_deref(), "to", 1, &mut errors);
    if let (Some(from), Some(to), Some(from_text)) = (from_ms, to_ms, query.from.as_deref()) {
        // `to` is the day after the last one asked for: equal days are one whole day.
        if to <= from {
            errors.add("to", Msg::with(T::ErrDateRangeReversed, [from_text.trim()]));
        }
    }
    errors.finish()?;
    Ok(ListQuery {
        statuses,
        project_id,
        channel,
        q,
        from_ms,
        to_ms,
        sort,
        cursor,
        limit,
    })
}

/// Midnight China time of `date` (YYYY-MM-DD) plus `add_days`, in unix ms.
fn date_ms(date: Option<&str>, field: &str, add_days: i64, errors: &mut Errors) -> Option<i64> {
    let text = date?.trim();
    let format = time::macros::format_description!("[year]-[month]-[day]");
    let china = time::UtcOffset::from_hms(8, 0, 0).unwrap_or(time::UtcOffset::UTC);
    // Said back as sent (a date typed in Chinese too), without what a terminal would act on.
    let shown = crate::domain::said_back(text, 40);
    let Ok(day) = time::Date::parse(text, format) else {
        errors.add(field, Msg::with(T::ErrDateShape, [shown]));
        return None;
    };
    let start = Some(day)
        .filter(|day| (1900..=2999).contains(&day.year()))
        .and_then(|day| {
            day.midnight()
                .assume_offset(china)
                .checked_add(time::Duration::days(add_days))
        });
    match start {
        Some(start) => Some((start.unix_timestamp_nanos() / 1_000_000) as i64),
        None => {
            errors.add(field, Msg::with(T::ErrDateOutOfRange, [shown]));
            None
        }
    }
}

/// How many orders are in each status (every status listed, zeros included). The
/// `Last-Event-ID` header names the newest event the counts include: a client keeps them
/// exact by applying each later event's `from` → `status` (`OrderEvent::count_move`).
#[utoipa::path(get, path = "/api/v1/orders/counts", responses((status = 200, body = [StatusCount],
    headers(("Last-Event-ID" = i64, description = "the newest event these counts include")))))]
pub async fn counts(State(state): State<AppState>, caller: Caller) -> Result<Response, ApiError> {
    caller.require(Permission::ViewOrders)?;
    let (counts, position) = state.store.counts_at_event().await?;
    let header = [(crate::api::COUNTS_EVENT_HEADER, HeaderValue::from(position))];
    let body = Json(
        OrderStatus::ALL
            .iter()
            .map(|status| StatusCount {
                status: *status,
                count: counts
                    .iter()
                    .find(|(s, _)| s == status)
                    .map(|(_, n)| *n)
                    .unwrap_or(0),
            })
            .collect::<Vec<_>>(),
    );
    Ok((header, body).into_response())
}

/// The audit trail of an order, oldest first.
#[utoipa::path(get, path = "/api/v1/orders/{order_no}/history", params(("order_no" = String, Path)),
    responses((status = 200, body = [HistoryEntry])))]
pub async fn history(
    State(state): State<AppState>,
    caller: Caller,
    Path(order_no): Path<String>,
) -> Result<Json<Vec<HistoryEntry>>, ApiError> {
    caller.require(Permission::ViewOrders)?;
    let row = find_order(&state, &order_no).await?;
    let rows = state.store.history(&row.id).await?;
    Ok(Json(rows.iter().map(present::history).collect()))
}

/// Adds a note to an order (support may do this; it changes nothing else).
#[utoipa::path(post, path = "/api/v1/orders/{order_no}/notes", params(("order_no" = String, Path)),
    request_body = NewNote, responses((status = 201, body = HistoryEntry)))]
pub async fn add_note(
    State(state): State<AppState>,
    caller: Caller,
    Path(order_no): Path<String>,
    body: JsonBody,
) -> Result<(StatusCode, Json<HistoryEntry>), ApiError> {
    caller.require(Permission::AddNotes)?;
    let (_, text) = crate::server::extract::parse_json_checked(&body, |note: &NewNote| {
        optional_lines::<1000>(Some(&note.text))
            .map_err(|e| ApiError::field("text", e))?
            .ok_or_else(|| ApiError::field("text", T::ErrRequired))
    })?;
    let row = find_order(&state, &order_no).await?;
    let entry = state
        .store
        .record(
            &row,
            &caller.actor(),
            "note",
            Some(&text),
            Some(&caller.ctx.request_id),
            Some("note"),
        )
        .await?;
    Ok((StatusCode::CREATED, Json(present::history(&entry))))
}
