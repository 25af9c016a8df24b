//! The mailroom: `GET /api/v1/mailing` (orders in 待邮寄 with where to send them), the
//! mailing list and labels PDF, and parcel tracking (`GET|POST
//! /api/v1/orders/{order_no}/tracking`). Shipping itself is the `ship` action.

use axum::Json;
use axum::extract::{Path, State};
use axum::http::{StatusCode, header};
use axum::response::Response;

use crate::api::{
    Carrier, LabelsRequest, MailingAddress, MailingItem, MailingQueue, NewTrackingStep, Problem,
    Tracking,
};
use crate::domain::{Action, Deadline, OrderStatus, Permission, mask_phone};
use crate::i18n::{Lang, Msg, T};
use crate::server::AppState;
use crate::server::error::ApiError;
use crate::server::extract::{Caller, JsonBody};
use crate::server::logistics::TrackingState;
use crate::server::pdf::{self, MailingCaptions, MailingLabel, MailingSheet};
use crate::server::present::{china_datetime, rfc3339, summary};
use crate::server::store::now_ms;
use crate::server::validate::{Errors, optional_text};

use super::documents::{pdf_response, render};
use super::orders::find_order;

/// The most orders on one mailing list.
const LABELS_LIMIT: usize = 200;

/// Orders waiting to be mailed, the longest waiting first (since payment, or since the
/// correction for an order sent back after a return), with recipient, phone and address
/// (in full for those who ship, masked for everyone else) and the time against the
/// promise.
#[utoipa::path(get, operation_id = "mailing_queue", path = "/api/v1/mailing", responses((status = 200, body = MailingQueue)))]
pub async fn queue(
    State(state): State<AppState>,
    caller: Caller,
) -> Result<Json<MailingQueue>, ApiError> {
    caller.require(Permission::ViewOrders)?;
    let ships = caller.operator.roles.permits(Permission::Act(Action::Ship));
    let review = &state.config.review;
    let calendar = review.calendar();
    let promised = review.promise_working_days.max(1) * calendar.minutes_per_day();
    let warn = review.warn_hours.max(0) * 60;
    let now = time::OffsetDateTime::now_utc();
    let rows = state
        .store
        .queue(OrderStatus::PendingShipment, crate::api::QUEUE_LIMIT as i64)
        .await?;
    let relabel = state.store.relabel_needed().await?;
    let notes = state.store.notes_to_mail().await?;
    let returns = state.store.returns_to_mail().await?;
    let items = rows
        .iter()
        .filter_map(|row| {
            let mailing: MailingAddress = serde_json::from_str(&row.mailing_json).ok()?;
            // Waiting since the payment, or the correction sent back after a return.
            let paid = crate::server::paper::promise_start(row).unwrap_or(row.updated_at);
            let paid_time =
                time::OffsetDateTime::from_unix_timestamp_nanos(i128::from(paid) * 1_000_000)
                    .ok()?;
            let waited = calendar.working_minutes(paid_time, now);
            let (phone, street) = if ships {
                (mailing.phone.clone(), mailing.street.clone())
            } else {
                (mask_phone(&mailing.phone), "****".to_owned())
            };
            Some(MailingItem {
                order: summary(row)?,
                recipient: mailing.recipient.clone(),
                phone,
                address: format!(
                    "{} {street}",
                    crate::domain::region(&mailing.province, &mailing.city, &mailing.district)
                ),
                postal_code: mailing.postal_code.clone(),
                product_name: row.product_name.clone(),
                paid_at: row.paid_at.map(rfc3339),
                waited_minutes: waited,
                promised_minutes: promised,
                deadline: Deadline::of(waited, promised, warn),
                masked: !ships,
                relabel: relabel.contains(&row.id),
                // The latest note, else the one given at submission.
                note: notes.get(&row.id).cloned().or_else(|| row.note.clone()),
                returned: returns.get(&row.id).cloned(),
            })
        })
        .collect();
    Ok(Json(MailingQueue {
        items,
        promise_working_days: review.promise_working_days.max(1),
        carriers: carriers(&state),
    }))
}

/// The configured carriers, on the wire.
pub(super) fn carriers(state: &AppState) -> Vec<Carrier> {
    state
        .config
        .mailing
        .carriers
        .iter()
        .map(|c| Carrier {
            code: c.code.clone(),
            name: c.name.clone(),
            name_en: if c.name_en.is_empty() {
                c.name.clone()
            } else {
                c.name_en.clone()
            },
            format: c.format,
        })
        .collect()
}

/// A mailing list with one label per order (recipient, full address, phone, order number)
/// for the orders given, in that order. Each order's history records the printing.
#[utoipa::path(post, path = "/api/v1/documents/mailing-labels", request_body = LabelsRequest,
    responses(
        (status = 200, content_type = "application/pdf", description = "the list and the labels"),
        (status = 422, body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn labels(
    State(state): State<AppState>,
    caller: Caller,
    body: JsonBody,
) -> Result<Response, ApiError> {
    caller.require(Permission::Act(Action::Ship))?;
    // Every bad field at once: one that does not fit, and the orders that cannot be
    // labelled among the rest.
    let request = crate::server::extract::parse_json_lenient::<LabelsRequest>(&body)?;
    let found = labelled(&state, request.value()).await;
    let (_, rows) = request.check(|_| found)?;
    let zh = Lang::ZhCn;
    // Printed again after an address correction: said on the label, so the mailroom tells
    // it from the stale one it replaces.
    let relabelled = state.store.relabel_needed().await?;
    let mut any_demo = false;
    let mut labels = Vec::with_capacity(rows.len());
    for row in &rows {
        let mailing: MailingAddress = serde_json::from_str(&row.mailing_json)
            .map_err(|_| ApiError::Internal("corrupt stored mailing".into()))?;
        // An organisation's parcel names it after the street, as a courier's form does:
        // the front desk of a company takes it in.
        let organisation = row
            .organization_json
            .as_deref()
            .and_then(|json| serde_json::from_str::<crate::api::Organization>(json).ok())
            .map(|o| o.name)
            .filter(|name| !name.trim().is_empty());
        let mut address = crate::domain::address(
            &mailing.province,
            &mailing.city,
            &mailing.district,
            &mailing.street,
        );
        if let Some(name) = organisation {
            address = format!("{address} {name}");
        }
        labels.push(MailingLabel {
            order_no: row.order_no.clone(),
            recipient: mailing.recipient,
            phone: mailing.phone,
            address,
            postal_code: mailing.postal_code,
            product: format!("{} {}", row.project_name, row.product_name),
            demo: {
                let demo = parcel_mark(&state, row.payment_method.as_deref());
                any_demo |= demo.is_some();
                let marks: Vec<String> = [
                    demo,
                    relabelled
                        .contains(&row.id)
                        .then(|| T::DocMailingRelabelled.get(zh).to_owned()),
                ]
                .into_iter()
                .flatten()
                .collect();
                (!marks.is_empty()).then(|| marks.join("·"))
            },
        });
    }
    let t = |text: T| text.get(zh).to_owned();
    let demo = any_demo.then(|| T::DemoMarkDocument.get(zh).to_owned());
    let sheet = MailingSheet {
        demo,
        ca_name: state.config.ca_name.clone(),
        title: t(T::DocMailingTitle),
        printed_at: china_datetime(now_ms()),
        labels,
        captions: MailingCaptions {
            recipient: t(T::DocMailingRecipient),
            phone: t(T::DocMailingPhone),
            address: t(T::DocMailingAddress),
            postal_code: t(T::DocMailingPostalCode),
            order_no: t(T::DocOrderLabel),
            product: t(T::DocProduct),
            count: t(T::DocMailingCount),
            sender: T::DocMailingSender.fill(zh, &[&state.config.ca_name, &state.config.hotline]),
            page_of: t(T::DocPageOf),
            handover: t(T::DocMailingHandover),
            continued: t(T::DocContinued),
        },
    };
    let fonts = state.fonts.clone();
    let printed = render(move || pdf::mailing_sheet(&fonts, &sheet)).await?;
    // Full addresses left the platform on paper: say so in each order's history.
    let actor = caller.actor();
    for row in &rows {
        state
            .store
            .record(
                row,
                &actor,
                "labels_printed",
                None,
                Some(&caller.ctx.request_id),
                None,
            )
            .await?;
    }
    // Named by when it was printed (China time), in letters any system keeps: one batch's
    // list is told from another's.
    let printed_at = time::OffsetDateTime::now_utc()
        .to_offset(time::UtcOffset::from_hms(8, 0, 0).unwrap_or(time::UtcOffset::UTC));
    let name = format!(
        "mailing-list-{:04}{:02}{:02}-{:02}{:02}{:02}",
        printed_at.year(),
        u8::from(printed_at.month()),
        printed_at.day(),
        printed_at.hour(),
        printed_at.minute(),
        printed_at.second()
    );
    Ok(pdf_response(printed, &name))
}

/// The orders `request` lists, each waiting to be mailed; or each one that cannot be
/// labelled, named.
async fn labelled(
    state: &AppState,
    request: &LabelsRequest,
) -> Result<Vec<crate::server::store::OrderRow>, ApiError> {
    if request.order_nos.is_empty() {
        return Err(ApiError::field("order_nos", T::ErrRequired));
    }
    if request.order_nos.len() > LABELS_LIMIT {
        return Err(ApiError::field(
            "order_nos",
            Msg::with(T::ProblemTooMany, [LABELS_LIMIT.to_string()]),
        ));
    }
    let mut rows = Vec::with_capacity(request.order_nos.len());
    let mut errors = Errors::default();
    let mut seen = std::collections::HashSet::new();
    for (i, order_no) in request.order_nos.iter().enumerate() {
        // One parcel, one label: a number listed twice is a mistake in the list.
        if !seen.insert(order_no.trim()) {
            errors.add(
                &format!("order_nos[{i}]"),
                Msg::with(T::ErrListedTwice, [order_no.trim()]),
            );
            continue;
        }
        match state.store.order_by_no(order_no.trim()).await? {
            Some(row)
                if matches!(
                    row.status(),
                    Ok(OrderStatus::PendingShipment | OrderStatus::PendingInvoice)
                ) =>
            {
                rows.push(row)
            }
            Some(row) => errors.add(
                &format!("order_nos[{i}]"),
                Msg::with(T::ProblemNotForMailing, [row.order_no.as_str()]),
            ),
            None => errors.add(
                &format!("order_nos[{i}]"),
                Msg::with(T::ProblemOrderNotFound, [order_no.as_str()]),
            ),
        }
    }
    errors.finish()?;
    Ok(rows)
}

/// Where the parcel is: the provider's timeline, newest first, cached (one number is asked
/// at most every 30 minutes); when the provider fails, the last known state and why.
#[utoipa::path(get, path = "/api/v1/orders/{order_no}/tracking", params(("order_no" = String, Path)),
    responses(
        (status = 200, body = Tracking),
        (status = 409, body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn tracking(
    State(state): State<AppState>,
    caller: Caller,
    Path(order_no): Path<String>,
) -> Result<Json<Tracking>, ApiError> {
    caller.require(Permission::ViewOrders)?;
    let row = find_order(&state, &order_no).await?;
    Ok(Json(crate::server::tracking::tracking(&state, &row).await?))
}

/// Adds a tracking event typed by staff (the `manual` provider): the state and what
/// happened, e.g. a call from the courier.
#[utoipa::path(post, path = "/api/v1/orders/{order_no}/tracking", params(("order_no" = String, Path)),
    request_body = NewTrackingStep,
    responses(
        (status = 201, body = Tracking, headers(("Location" = String, description = "The parcel's timeline"))),
        (status = 409, body = Problem, content_type = "application/problem+json"),
        (status = 422, body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn add_step(
    State(state): State<AppState>,
    caller: Caller,
    Path(order_no): Path<String>,
    body: JsonBody,
) -> Result<
    (
        StatusCode,
        [(header::HeaderName, String); 1],
        Json<Tracking>,
    ),
    ApiError,
> {
    caller.require(Permission::Act(Action::Ship))?;
    // Every bad field at once: those that do not fit, and what the checks below refuse of
    // the rest (once the order is known: a step goes after its parcel was handed over).
    let request = crate::server::extract::parse_json_lenient::<NewTrackingStep>(&body)?;
    let row = find_order(&state, &order_no).await?;
    if row.tracking_no.is_none() {
        return Err(ApiError::Conflict {
            code: "not_shipped",
            detail: Msg::with(T::ProblemNotShipped, [row.order_no.as_str()]),
            status: Some(row.status()?),
            version: Some(row.version),
        });
    }
    if state.logistics.is_some() {
        return Err(ApiError::Conflict {
            code: "tracking_from_provider",
            detail: Msg::new(T::ProblemTrackingFromProvider),
            status: None,
            version: None,
        });
    }
    let (_, (tracking_state, context, at)) =
        request.check(|request| tracking_step(&row, request))?;
    state
        .store
        .add_tracking_event(
            &row,
            &caller.actor(),
            at,
            tracking_state.as_str(),
            &context,
            Some(&caller.ctx.request_id),
        )
        .await?;
    Ok((
        StatusCode::CREATED,
        [(
            header::LOCATION,
            format!("/api/v1/orders/{}/tracking", row.order_no),
        )],
        Json(crate::server::tracking::tracking(&state, &row).await?),
    ))
}

/// A tracking step typed for `row`'s parcel, checked: its state, what happened and when.
fn tracking_step(
    row: &crate::server::store::OrderRow,
    request: &NewTrackingStep,
) -> Result<(TrackingState, String, i64), ApiError> {
    let mut errors = Errors::default();
    let manual_states: Vec<&str> = TrackingState::typed().map(TrackingState::as_str).collect();
    let tracking_state =
        TrackingState::parse(request.state.trim()).filter(|s| *s != TrackingState::Unknown);
    if tracking_state.is_none() {
        errors.add("state", Msg::with(T::ErrOneOf, [manual_states.join(", ")]));
    }
    let context = errors
        .check("context", optional_text::<200>(Some(&request.context)))
        .flatten();
    if context.is_none() && request.context.trim().is_empty() {
        errors.add("context", T::ErrRequired);
    }
    let at = match request
        .at
        .as_deref()
        .map(str::trim)
        .filter(|a| !a.is_empty())
    {
        None => Some(now_ms()),
        Some(text) => {
            match time::OffsetDateTime::parse(text, &time::format_description::well_known::Rfc3339)
            {
                Ok(t) => {
                    let at = (t.unix_timestamp_nanos() / 1_000_000) as i64;
                    // The parcel moves after it is handed over, and before now (a minute's
                    // grace for clocks either way).
                    let shipped = row.shipped_at.filter(|shipped| at < shipped - 60_000);
                    if at > now_ms() + 60_000 {
                        errors.add("at", T::ErrTrackingInFuture);
                        None
                    } else if let Some(shipped) = shipped {
                        let shipped = crate::server::present::china_datetime(shipped);
                        errors.add("at", Msg::with(T::ErrTrackingBeforeShipped, [shipped]));
                        None
                    } else {
                        Some(at)
                    }
                }
                Err(_) => {
                    errors.add("at", Msg::with(T::ErrTimeValue, [text]));
                    None
                }
            }
        }
    };
    errors.finish()?;
    let (Some(tracking_state), Some(context), Some(at)) = (tracking_state, context, at) else {
        return Err(ApiError::Internal("validation lost a value".into()));
    };
    Ok((tracking_state, context, at))
}

/// What a parcel's label says when a stand-in had a hand in its order: paid only at the
/// sandbox cashier, or by transfer to the example account, no money came in
/// (演示订单·未实际收款); verified by the built-in check or sold from the demo catalog, it is
/// a demo order all the same (演示订单). A real certificate must not go out for either.
fn parcel_mark(state: &AppState, payment_method: Option<&str>) -> Option<String> {
    let zh = Lang::ZhCn;
    if crate::domain::paid_without_money(payment_method, state.demo.bank) {
        Some(T::DocMailingDemoLabel.get(zh).to_owned())
    } else {
        state
            .demo
            .order_mark(payment_method)
            .map(|_| T::DocMailingDemoOrder.get(zh).to_owned())
    }
}
