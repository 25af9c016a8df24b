//! The review queue and claims: `GET /api/v1/review-queue`,
//! `POST|DELETE /api/v1/orders/{order_no}/claim`.

use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;

use crate::api::{Actor, Claim, ClaimRequest, Problem, ReviewItem, ReviewQueue};
use crate::domain::{Action, Deadline, OrderStatus, Permission};
use crate::i18n::{Arg, Msg, T};
use crate::server::AppState;
use crate::server::error::{ApiError, claim_conflict};
use crate::server::extract::{Caller, JsonBody, parse_json};
use crate::server::present::{claim, rfc3339, summary};
use crate::server::store::{Claimed, OrderRow, now_ms};

use super::orders::find_order;

/// Orders waiting for review, the longest waiting first (since payment, or since the
/// correction for an order sent back after a return), each with its working time against
/// the promise and who is reviewing it now.
#[utoipa::path(get, operation_id = "review_queue", path = "/api/v1/review-queue", responses((status = 200, body = ReviewQueue)))]
pub async fn queue(
    State(state): State<AppState>,
    caller: Caller,
) -> Result<Json<ReviewQueue>, ApiError> {
    caller.require(Permission::ViewOrders)?;
    let review = &state.config.review;
    let calendar = review.calendar();
    let promised = review.promise_working_days.max(1) * calendar.minutes_per_day();
    let warn = review.warn_hours.max(0) * 60;
    let now = time::OffsetDateTime::now_utc();
    let rows = state
        .store
        .review_queue(crate::api::QUEUE_LIMIT as i64)
        .await?;
    let checks = state.store.queue_scan_checks().await?;
    let ids: Vec<String> = rows.iter().map(|row| row.id.clone()).collect();
    let facts = state.store.queue_approval_facts(&ids).await?;
    let prepared = state.store.prepared_by(&caller.operator.id, &ids).await?;
    let items = rows
        .iter()
        .filter_map(|row| {
            // Waiting since the payment, or since the correction sent back after a return.
            let paid = crate::server::paper::promise_start(row).unwrap_or(row.updated_at);
            let paid_time =
                time::OffsetDateTime::from_unix_timestamp_nanos(i128::from(paid) * 1_000_000)
                    .ok()?;
            let waited = calendar.working_minutes(paid_time, now);
            let due = calendar.add_working_minutes(paid_time, promised);
            Some(ReviewItem {
                order: summary(row)?,
                paid_at: row.paid_at.map(rfc3339),
                waited_minutes: waited,
                promised_minutes: promised,
                due_at: rfc3339((due.unix_timestamp_nanos() / 1_000_000) as i64),
                deadline: Deadline::of(waited, promised, warn),
                resubmissions: row.resubmissions,
                claim: claim(row),
                own: row.submitted_by == caller.operator.id || prepared.contains(&row.id),
                scan_check: crate::server::scan_match::kept(
                    checks.get(&row.id).map(String::as_str),
                    row,
                ),
                file_elsewhere: facts.get(&row.id).is_some_and(|f| f.file_elsewhere),
                gaps: facts.get(&row.id).map_or_else(Vec::new, |facts| {
                    crate::domain::approval_gaps(
                        facts
                            .verified
                            .as_ref()
                            .map(|(name, id)| (name.as_str(), id.as_str())),
                        (&row.applicant_name, &row.id_number),
                        facts.signed_form,
                    )
                }),
            })
        })
        .collect();
    Ok(Json(ReviewQueue {
        items,
        promise_working_days: review.promise_working_days.max(1),
    }))
}

/// Claims the order for review, or renews the caller's claim: the lease is
/// `[platform.review] claim_minutes`. Someone else's live claim is a `409`
/// (`claimed_by_other`, naming them) unless an administrator asks to take it over, which is
/// recorded in the order's history.
#[utoipa::path(post, path = "/api/v1/orders/{order_no}/claim", params(("order_no" = String, Path)),
    request_body = ClaimRequest,
    responses(
        (status = 200, body = Claim),
        (status = 403, body = Problem, content_type = "application/problem+json"),
        (status = 409, body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn take(
    State(state): State<AppState>,
    caller: Caller,
    Path(order_no): Path<String>,
    body: JsonBody,
) -> Result<Json<Claim>, ApiError> {
    caller.require(Permission::Act(Action::Approve))?;
    let request: ClaimRequest = if body.iter().all(u8::is_ascii_whitespace) {
        ClaimRequest::default()
    } else {
        parse_json(&body)?
    };
    let row = find_order(&state, &order_no).await?;
    // Taking over another reviewer's live claim is an administrator's: said so, not that
    // the reviewer may not claim at all. Asked of an order nobody else holds (their own
    // claim, one lapsed), it is a claim like any other.
    let admin = caller.operator.roles.permits(Permission::Administer);
    let held_by_other = row
        .claimed_by
        .as_ref()
        .is_some_and(|id| *id != caller.operator.id)
        && row
            .claim_expires_at
            .is_some_and(|until| until > crate::server::store::now_ms());
    if request.takeover && !admin && held_by_other {
        return Err(ApiError::Forbidden {
            code: "forbidden",
            detail: Msg::new(T::ProblemTakeoverAdminOnly),
        });
    }
    not_their_own(&state, &row, &caller.operator.id).await?;
    let lease = state.config.review.claim_minutes.max(1) * 60_000;
    let outcome = state
        .store
        .claim(
            &row,
            &caller.operator.id,
            &caller.operator.name,
            lease,
            request.takeover && admin,
            Some(&caller.ctx.request_id),
        )
        .await?;
    match outcome {
        Claimed::Held { until } => Ok(Json(Claim {
            by: Actor {
                id: Some(caller.operator.id.clone()),
                name: caller.operator.name.clone(),
            },
            expires_at: rfc3339(until),
        })),
        Claimed::ByOther { name, until } => Err(claim_conflict(
            &row.order_no,
            Some((name, until)),
            OrderStatus::PendingReview,
            row.version,
        )),
        Claimed::NotInReview { status, version } => Err(ApiError::Conflict {
            code: "not_in_review",
            detail: Msg::with(
                T::ProblemNotInReview,
                [Arg::from(row.order_no.as_str()), Arg::Text(status.text())],
            ),
            status: Some(status),
            version: Some(version),
        }),
    }
}

/// Gives the claim up (the reviewer leaves the order). An administrator may free anyone's.
#[utoipa::path(delete, path = "/api/v1/orders/{order_no}/claim", params(("order_no" = String, Path)),
    responses(
        (status = 204, description = "nobody holds the order now"),
        (status = 409, body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn release(
    State(state): State<AppState>,
    caller: Caller,
    Path(order_no): Path<String>,
) -> Result<StatusCode, ApiError> {
    caller.require(Permission::Act(Action::Approve))?;
    let row = find_order(&state, &order_no).await?;
    let admin = caller.operator.roles.permits(Permission::Administer);
    if let Some((id, name, until)) = row.live_claim(now_ms())
        && id != caller.operator.id
        && !admin
    {
        return Err(claim_conflict(
            &row.order_no,
            Some((name.to_owned(), until)),
            row.status()?,
            row.version,
        ));
    }
    state
        .store
        .release(
            &row,
            &caller.operator.id,
            admin,
            Some(&caller.ctx.request_id),
        )
        .await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Refuses a review of `row` by `operator_id` when it is their own work: they submitted
/// the order, or handled its material (`Store::prepared_by`: a file they attached, the
/// voucher or corrections they sent on, a correction of its details) — nobody checks
/// their own proof of payment.
pub(crate) async fn not_their_own(
    state: &AppState,
    row: &OrderRow,
    operator_id: &str,
) -> Result<(), ApiError> {
    let detail = if row.submitted_by == operator_id {
        T::ProblemSelfReviewDetail
    } else if state
        .store
        .prepared_by(operator_id, std::slice::from_ref(&row.id))
        .await?
        .contains(&row.id)
    {
        T::ProblemSelfReviewPrepared
    } else {
        return Ok(());
    };
    Err(ApiError::Forbidden {
        code: "self_review",
        detail: Msg::with(detail, [row.order_no.as_str()]),
    })
}
