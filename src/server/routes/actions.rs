//! `POST /api/v1/orders/{order_no}/actions/{action}`: the one route for every transition
//! of the table. The role table decides who, the transition table decides when, the
//! database decides who was first.

use axum::extract::{Path, State};
use axum::http::HeaderMap;
use axum::response::Response;

use crate::api::schemas::{MAX_ATTACHMENT_IDS, MAX_REASONS};
use crate::api::{ActionRequest, AttachmentKind, Order, Problem};
use crate::domain::{Action, OrderStatus, Permission, TrackingNo, approval_gaps, next_status};
use crate::i18n::{Arg, Lang, Msg, T};
use crate::server::AppState;
use crate::server::error::{ApiError, transition_error};
use crate::server::extract::{Caller, JsonBody, parse_json};
use crate::server::sms::{self, NewSms, SmsKind};
use crate::server::store::{OrderRow, SetColumn, SinceReturn, Transition, TransitionError, now_ms};
use crate::server::validate::{Errors, optional_lines, optional_text};

use super::orders::{find_order, full_order, with_etag};

/// Performs `action` on the order. Send the version you saw (`version` in the body or
/// `If-Match`; both, if they disagree, are `422`); a stale version or a status the table
/// does not allow is `409` with the current status and version, and nothing changes. A
/// `ship` sent again with the carrier and tracking number the order was shipped with is
/// answered `200` with the order as it is (the same parcel: a retry whose first answer
/// was lost), whatever version it carries; so is a `reverse_invoice` sent again by the
/// operator who reversed the order's invoice, with the same reason, while nothing has been
/// issued since.
#[utoipa::path(post, path = "/api/v1/orders/{order_no}/actions/{action}",
    params(("order_no" = String, Path), ("action" = Action, Path), ("If-Match" = Option<String>, Header)),
    request_body = ActionRequest,
    responses(
        (status = 200, body = Order, headers(("ETag" = String, description = "The order's new version, `\"4\"`"))),
        (status = 400, body = Problem, content_type = "application/problem+json", description = "`issue_through_invoice`: `issue_invoice` is never posted as an action, whatever the order's status or the body; invoices are issued through `POST /api/v1/orders/{order_no}/invoice`"),
        (status = 403, body = Problem, content_type = "application/problem+json", description = "`forbidden` (your roles may not take this action), `provider_only` (`pay`: only the payment provider's notification pays an order) or `self_review` (a review decision on an order you submitted, or whose voucher or corrections you supplied)"),
        (status = 409, body = Problem, content_type = "application/problem+json", description = "`version_conflict` (the order changed since the `version` sent) or `invalid_transition` (the action is not allowed from its status now); two requests racing may get either, and both carry the order's `current_status` and `current_version`: reload it and look. A review decision without this reviewer's claim: `claim_required`, or `claimed_by_other` naming who holds it. An approval of an order whose customer was not verified by the real-name check as its applicant, or that has no scan of the signed form: `not_ready_for_approval`, naming what is missing. A shipment whose label was printed before an address correction: `relabel_needed`. `reverse_invoice` on an order with no invoice issued (it was declined): `no_invoice`."),
        (status = 422, body = Problem, content_type = "application/problem+json", description = "`validation_failed`: what the action needs is missing or malformed (a reason, the carrier and number, the files), each field named in `errors`; or `If-Match` disagreeing with `version`"),
        (status = 428, body = Problem, content_type = "application/problem+json", description = "`version_required`: neither `version` nor `If-Match` was sent"),
    ))]
pub async fn act(
    State(state): State<AppState>,
    caller: Caller,
    Path((order_no, action_name)): Path<(String, String)>,
    headers: HeaderMap,
    body: JsonBody,
) -> Result<Response, ApiError> {
    let action = Action::parse(&action_name).ok_or_else(|| {
        ApiError::NotFound(Msg::with(T::ProblemUnknownAction, [action_name.as_str()]))
    })?;
    if action.is_provider_only() {
        return Err(ApiError::Forbidden {
            code: "provider_only",
            detail: Msg::with(T::ProblemProviderOnlyDetail, [action.text()]),
        });
    }
    caller.require(Permission::Act(action))?;
    let request: ActionRequest = if body.iter().all(u8::is_ascii_whitespace) {
        ActionRequest::default()
    } else {
        parse_json(&body)?
    };
    // Invoices come from the invoice provider with their PDF, never typed in: said so
    // whatever the order's status or the body (not "not now" to come back later).
    if action == Action::IssueInvoice {
        return Err(ApiError::BadRequest {
            code: "issue_through_invoice",
            detail: Msg::with(
                T::ProblemIssueThroughInvoice,
                [crate::domain::OrderNo::parse(&order_no)
                    .map(String::from)
                    .unwrap_or_default()],
            ),
        });
    }
    let version = version_seen(request.version, &headers)?;
    let row = find_order(&state, &order_no).await?;
    if action.is_review_decision() {
        super::review::not_their_own(&state, &row, &caller.operator.id).await?;
    }
    // A ship whose first answer was lost, sent again: the same shipment, not a refusal.
    if action == Action::Ship
        && let (Some(code), Some(carrier)) = (
            row.carrier.as_deref(),
            request
                .carrier
                .as_deref()
                .and_then(|c| state.config.mailing.carrier(c.trim())),
        )
        && code == carrier.code
        && let Ok(number) = TrackingNo::parse(
            carrier.format,
            &carrier.name,
            request.tracking_no.as_deref().unwrap_or_default(),
        )
        && row.tracking_no.as_deref() == Some(number.as_str())
    {
        return Ok(with_etag(full_order(&state, &row, &caller, false).await?));
    }
    // A reversal whose first answer was lost, sent again by whoever made it: the order as
    // it is (its invoice reversed with this reason, nothing issued since), not a refusal.
    if action == Action::ReverseInvoice
        && row.status()? == OrderStatus::PendingInvoice
        && row.invoice_no.is_none()
        && let Ok(Some(reason)) = optional_lines::<500>(request.reason.as_deref())
        && let Some(red) = state.store.invoices_of(&row.id).await?.pop()
        && red.is_red()
        && red.reason.as_deref() == Some(reason.as_str())
        && red.issuer_id.as_deref() == Some(caller.operator.id.as_str())
    {
        return Ok(with_etag(full_order(&state, &row, &caller, false).await?));
    }
    let updated = perform(
        &state,
        &row,
        action,
        &request,
        Performer {
            version,
            actor: caller.actor(),
            // Review decisions are the claim holder's alone.
            claimant: matches!(action, Action::Approve | Action::Reject)
                .then(|| caller.operator.id.clone()),
            request_id: Some(caller.ctx.request_id.clone()),
        },
    )
    .await?;
    Ok(with_etag(
        full_order(&state, &updated, &caller, false).await?,
    ))
}

/// Who performs an action, on which version of the order.
pub struct Performer {
    /// The version the performer saw.
    pub version: i64,
    /// Who, as the history names them.
    pub actor: crate::server::store::Actor,
    /// The review claim the action needs (approve, reject), if any.
    pub claimant: Option<String>,
    /// The request's id, for the history.
    pub request_id: Option<String>,
}

/// Performs `action` on `row` through the transition table: the table first ("not now"
/// before "fix these fields"), then the action's own details, the customer's text message
/// written with the change, and the compare-and-set. The one door for staff (the API) and
/// customers (their own platform).
pub async fn perform(
    state: &AppState,
    row: &OrderRow,
    action: Action,
    request: &ActionRequest,
    by: Performer,
) -> Result<OrderRow, ApiError> {
    let version = by.version;
    // Say "not now" before "fix these fields" when the table rules the action out anyway;
    // the compare-and-set below still decides races.
    let status = row.status()?;
    if next_status(action, status).is_none() {
        return Err(transition_error(
            &row.order_no,
            action,
            TransitionError::NotAllowed {
                status,
                version: row.version,
            },
        ));
    }
    // An approval the order is not ready for is refused — said to the reviewer who holds
    // its claim (anyone else is told whose it is, by the compare-and-set below).
    if action == Action::Approve
        && row
            .live_claim(now_ms())
            .is_some_and(|(id, _, _)| Some(id) == by.claimant.as_deref())
    {
        // A stale version is said as such first: the order changed since it was seen.
        if row.version != version {
            return Err(transition_error(
                &row.order_no,
                action,
                TransitionError::Conflict {
                    status,
                    version: row.version,
                },
            ));
        }
        approvable(state, row).await?;
    }
    let (mut reason, set) = details(state, row, action, request).await?;
    let mut version = version;
    let mut claimant = by.claimant.clone();
    // A reversal's red-letter invoice is made before the order moves — asked for, drawn,
    // mailed — by whoever holds the order for it first (its version moved on by one): a
    // second person reversing at the same moment is told the order changed before anything
    // is made in their name. (A retry after a lost answer gets the same red invoice from
    // the provider.)
    if action == Action::ReverseInvoice {
        let conflict = |row: &OrderRow| -> Result<ApiError, ApiError> {
            Ok(transition_error(
                &row.order_no,
                action,
                TransitionError::Conflict {
                    status: row.status()?,
                    version: row.version,
                },
            ))
        };
        let crate::server::store::Actor::Operator { id, name } = &by.actor else {
            return Err(ApiError::Internal("a reversal is an operator's".into()));
        };
        if row.version != version {
            // Moved on by someone else's hold: their reversal is under way (the order is
            // still 已完成 until it is done, which "it is now 已完成" would not explain).
            return Err(match row.live_claim(now_ms()) {
                Some((holder_id, holder, _)) if holder_id != id.as_str() => {
                    reversal_under_way(row, holder)
                }
                _ => conflict(row)?,
            });
        }
        let until = now_ms()
            + i64::try_from(crate::server::invoicing::REVERSAL_LEFT_AFTER.as_millis())
                .unwrap_or(i64::MAX / 2);
        version = match state
            .store
            .hold_version(row, status, version, (id, name), until)
            .await?
        {
            Some(held) => {
                claimant = Some(id.clone());
                held
            }
            None => {
                let now = super::orders::find_order(state, &row.order_no).await?;
                return Err(match now.status()? {
                    // Held by someone else, their reversal under way.
                    s if s == status
                        && let Some((holder_id, holder, _)) = now.live_claim(now_ms())
                        && holder_id != id.as_str() =>
                    {
                        reversal_under_way(&now, holder)
                    }
                    s if s == status => conflict(&now)?,
                    s => transition_error(
                        &now.order_no,
                        action,
                        TransitionError::NotAllowed {
                            status: s,
                            version: now.version,
                        },
                    ),
                });
            }
        };
        let why = reason.clone().unwrap_or_default();
        let made = crate::server::invoicing::reverse(
            state,
            row,
            &why,
            &by.actor,
            by.request_id.as_deref(),
        )
        .await;
        reason = match made {
            Ok(said) => Some(said),
            Err(e) => {
                // Failed before the order moved: the hold goes, nobody waits for it.
                if let Err(release) = state.store.release_hold(&row.id, id).await {
                    tracing::error!(order = %row.order_no, error = %release, "releasing a hold");
                }
                return Err(e);
            }
        };
    }
    let message = customer_message(state, row, action, &set, reason.as_deref()).await?;
    let texted = message.is_some();
    let step = Transition {
        sms: message.map(|m| (state.sms.name(), m)),
        claimed_by: claimant,
        action,
        expected_version: Some(version),
        actor: by.actor,
        reason,
        request_id: by.request_id,
        set,
    };
    let updated = match state.store.transition(&row.order_no, step).await {
        Ok(updated) => updated,
        // Two counters shipping one number at the same moment: the index decides.
        Err(TransitionError::Store(e)) if action == Action::Ship && e.is_unique_violation() => {
            return Err(ApiError::field(
                "tracking_no",
                Msg::with(
                    T::ErrTrackingNoTaken,
                    [request.tracking_no.as_deref().unwrap_or_default().trim()],
                ),
            ));
        }
        // A 已完成 order held by someone's reversal under way (the mailroom recording a
        // return meanwhile; a reversal whose hold was taken over): said as that.
        Err(e @ (TransitionError::Conflict { .. } | TransitionError::NotClaimed { .. }))
            if status == OrderStatus::Completed =>
        {
            let now = super::orders::find_order(state, &row.order_no).await?;
            return Err(match now.live_claim(now_ms()) {
                Some((_, holder, _)) if now.status()? == OrderStatus::Completed => {
                    reversal_under_way(&now, holder)
                }
                _ => transition_error(&row.order_no, action, e),
            });
        }
        Err(e) => return Err(transition_error(&row.order_no, action, e)),
    };
    if texted {
        state.sms_wake.notify_one();
    }
    if action == Action::Ship {
        return Ok(invoiced_before_return(state, updated).await);
    }
    Ok(updated)
}

/// 409: the order's invoice is being reversed by `holder` (their hold on it is live).
fn reversal_under_way(order: &OrderRow, holder: &str) -> ApiError {
    ApiError::Conflict {
        code: "version_conflict",
        detail: Msg::with(
            T::ProblemReversalUnderWay,
            [order.order_no.as_str(), holder],
        ),
        status: order.status().ok(),
        version: Some(order.version),
    }
}

/// An order mailed again after a parcel came back once it was 已完成 (invoiced, or its
/// invoice declined): that stands, and the order is 已完成 again at once, by the platform,
/// under the same invoice (nothing issued or mailed again). Otherwise, or when that step
/// fails (it is logged), the order as mailed.
async fn invoiced_before_return(state: &AppState, shipped: OrderRow) -> OrderRow {
    let history = match state.store.history(&shipped.id).await {
        Ok(history) => history,
        Err(e) => {
            tracing::error!(order = %shipped.order_no, error = %e, "history after shipping");
            return shipped;
        }
    };
    let returned_completed = history
        .iter()
        .rev()
        .find(|h| h.action == Action::ReturnParcel.as_str())
        .is_some_and(|h| h.from_status.as_deref() == Some(OrderStatus::Completed.as_str()));
    if !returned_completed {
        return shipped;
    }
    let zh = crate::i18n::Lang::ZhCn;
    // The invoice that counts, not merely the number the order names (one reversed since
    // would be issued again by finance, not kept).
    let current = match state.store.invoice_for(&shipped.id).await {
        Ok(current) => current.map(|i| i.invoice_no),
        Err(e) => {
            tracing::error!(order = %shipped.order_no, error = %e, "invoice after shipping");
            return shipped;
        }
    };
    if shipped.invoice_no.is_some() && current.is_none() {
        return shipped;
    }
    let (action, reason) = match &current {
        Some(number) => (
            Action::IssueInvoice,
            T::HistoryInvoiceStands.fill(zh, &[number]),
        ),
        None => (
            Action::DeclineInvoice,
            T::HistoryDeclineStands.get(zh).to_owned(),
        ),
    };
    let step = Transition {
        sms: None,
        claimed_by: None,
        action,
        expected_version: Some(shipped.version),
        actor: crate::server::store::Actor::System(T::SystemReshipped.get(zh).to_owned()),
        reason: Some(reason),
        request_id: None,
        set: Vec::new(),
    };
    match state.store.transition(&shipped.order_no, step).await {
        Ok(done) => done,
        Err(e) => {
            tracing::error!(order = %shipped.order_no, error = %e, "completing a reshipped order");
            shipped
        }
    }
}

/// The most characters of the reason a returned parcel's text carries.
const RETURNED_PARCEL_REASON_MAX: usize = 100;

/// The most characters of one reason an order is returned for.
const REJECT_REASON_MAX: usize = 200;

/// The text message an action sends the customer, if any: returned for correction (every
/// reason, with the link to the notice on the phone), mailed (carrier, number, and the
/// link to ask for an invoice), or its parcel back from the courier (why, with the link to
/// the order's page to check the address). It is written into the outbox with the
/// transition.
async fn customer_message(
    state: &AppState,
    order: &OrderRow,
    action: Action,
    set: &[SetColumn],
    reason: Option<&str>,
) -> Result<Option<NewSms>, ApiError> {
    let column = |name: &str| {
        set.iter().find_map(|c| match c {
            SetColumn::Text(n, value) if *n == name => value.clone(),
            SetColumn::TextIfEmpty(n, value) if *n == name => Some(value.clone()),
            _ => None,
        })
    };
    let ca = &state.config.ca_name;
    let hotline = &state.config.hotline;
    Ok(match action {
        Action::Reject => {
            let reasons: Vec<String> = column("rejection_json")
                .and_then(|json| serde_json::from_str(&json).ok())
                .unwrap_or_default();
            let total = set.iter().find_map(|c| match c {
                SetColumn::Int("voucher_total_fen", total) => *total,
                _ => None,
            });
            let rest = crate::domain::still_to_transfer(&reasons, order.amount_fen, total);
            let mut reasons = reasons.join(crate::domain::REASON_SEPARATOR);
            // Short: the rest to transfer, not the whole amount again.
            if let Some(rest) = rest {
                reasons.push_str(&T::SmsStillToTransfer.fill(Lang::ZhCn, &[&rest.to_string()]));
            }
            // The text links to the notice on the phone: the customer may never have had
            // the paper.
            let token = state.store.notice_token(&order.id).await?;
            let link = format!("{}/m/notice/{token}", state.public_base);
            let body =
                T::SmsReturned.fill(Lang::ZhCn, &[ca, &order.order_no, &reasons, &link, hotline]);
            Some(sms::message(
                SmsKind::Returned,
                &order.phone,
                body,
                &[
                    ("order_no", &order.order_no),
                    ("reasons", &reasons),
                    ("link", &link),
                ],
            ))
        }
        Action::Ship => {
            let code = column("carrier").unwrap_or_default();
            let carrier = state
                .config
                .mailing
                .carrier(&code)
                .map_or(code.clone(), |c| c.name.clone());
            let tracking = column("tracking_no").unwrap_or_default();
            let link = column("invoice_token")
                .map(|token| format!("{}/m/invoice/{token}", state.public_base))
                .unwrap_or_default();
            // Mailed again after the courier brought it back, its invoice issued before:
            // the link shows that invoice, not a request for one. (A provider's template
            // is the CA's own wording: the same link leads to the invoice.)
            let text = if order.invoice_no.is_some() {
                T::SmsShippedInvoiced
            } else {
                T::SmsShipped
            };
            let body = text.fill(
                Lang::ZhCn,
                &[ca, &order.order_no, &carrier, &tracking, &link, hotline],
            );
            Some(sms::message(
                SmsKind::Shipped,
                &order.phone,
                body,
                &[
                    ("order_no", &order.order_no),
                    ("carrier", &carrier),
                    ("tracking_no", &tracking),
                    ("link", &link),
                ],
            ))
        }
        // The courier brought it back: the customer checks the address on their page
        // before it goes again (a provider without the template sends nothing: said at
        // the platform's start).
        Action::ReturnParcel if state.sms.sends(SmsKind::ParcelReturned) => {
            let reason = reason.unwrap_or_default();
            let link = format!("{}/orders/{}", state.public_base, order.order_no);
            let body = T::SmsParcelReturned
                .fill(Lang::ZhCn, &[ca, &order.order_no, reason, &link, hotline]);
            Some(sms::message(
                SmsKind::ParcelReturned,
                &order.phone,
                body,
                &[
                    ("order_no", &order.order_no),
                    ("reason", reason),
                    ("link", &link),
                ],
            ))
        }
        _ => None,
    })
}

/// The version the caller saw: `version` in the body or the order's `ETag` back as
/// `If-Match` (both, if they disagree, are a 422; neither is a 428).
pub(super) fn version_seen(body: Option<i64>, headers: &HeaderMap) -> Result<i64, ApiError> {
    let header_version = if_match(headers)?;
    if let (Some(body), Some(header)) = (body, header_version)
        && body != header
    {
        return Err(ApiError::field(
            "If-Match",
            Msg::with(T::ErrVersionsDisagree, [body.to_string()]),
        ));
    }
    match body {
        Some(v) if v < 1 => {
            let shown = v.to_string();
            Err(ApiError::field(
                "version",
                Msg::with(T::ErrVersionValue, [shown]),
            ))
        }
        Some(v) => Ok(v),
        None => header_version.ok_or(ApiError::PreconditionRequired),
    }
}

/// The version in `If-Match` (`"3"`, `W/"3"` or `3`), if sent.
fn if_match(headers: &HeaderMap) -> Result<Option<i64>, ApiError> {
    let Some(value) = headers.get("if-match") else {
        return Ok(None);
    };
    let text = value.to_str().unwrap_or_default().trim();
    let text = text.strip_prefix("W/").unwrap_or(text).trim_matches('"');
    // Versions start at 1: anything else is not one.
    text.parse::<i64>()
        .ok()
        .filter(|v| *v >= 1)
        .map(Some)
        .ok_or_else(|| ApiError::field("If-Match", Msg::with(T::ErrVersionValue, [text])))
}

/// Checks what the action needs and returns the audit reason and the columns it sets.
async fn details(
    state: &AppState,
    order: &OrderRow,
    action: Action,
    request: &ActionRequest,
) -> Result<(Option<String>, Vec<SetColumn>), ApiError> {
    let mut errors = Errors::default();
    // A field another action takes is named, not dropped (a `carrier` on a cancel).
    let sent = [
        // Blank is as not given (as the schema says: spaces and line breaks; a tab is a
        // control character, refused, not blank).
        ("reason", !says_nothing(request.reason.as_deref())),
        ("reasons", !request.reasons.is_empty()),
        ("voucher_total_fen", request.voucher_total_fen.is_some()),
        ("attachment_ids", !request.attachment_ids.is_empty()),
        ("carrier", request.carrier.is_some()),
        ("tracking_no", request.tracking_no.is_some()),
        ("invoice_no", request.invoice_no.is_some()),
    ];
    for (field, _) in sent
        .iter()
        .filter(|(field, sent)| *sent && !action.takes().contains(field))
    {
        let takes = ["version"].iter().chain(action.takes()).copied();
        errors.add(
            field,
            Msg::with(
                T::ErrNotTakenByAction,
                [
                    action.as_str().to_owned(),
                    takes.collect::<Vec<_>>().join(", "),
                ],
            ),
        );
    }
    // Checked only where the action takes it (one not taken is named once, above).
    let reason = if action.takes().contains(&"reason") {
        errors
            .check("reason", optional_lines::<500>(request.reason.as_deref()))
            .flatten()
    } else {
        None
    };
    let outcome = match action {
        Action::Cancel => {
            if reason.is_none() && is_blank(request.reason.as_deref()) && !errors.named("reason") {
                errors.add("reason", T::ErrReasonRequired);
            }
            (reason, vec![])
        }
        // The courier brought it back: said why, and mailed again from the start — its
        // shipment and the link to ask for an invoice go (a parcel not received is not
        // invoiced), the address is open to correction, a new number comes with it.
        Action::ReturnParcel => {
            if reason.is_none() && is_blank(request.reason.as_deref()) && !errors.named("reason") {
                errors.add("reason", T::ErrReasonRequired);
            }
            // Texted to the customer in the CA's name: one short visible line, no link but
            // the platform's.
            if let Some(Err(e)) = reason
                .as_deref()
                .map(|r| crate::domain::texted_line(r, RETURNED_PARCEL_REASON_MAX))
            {
                errors.add("reason", e);
            }
            let shipped = match (&order.carrier, &order.tracking_no) {
                (Some(code), Some(number)) => {
                    let carrier = state.config.mailing.carrier(code);
                    format!(
                        "{} {number}",
                        carrier.map_or(code.as_str(), |c| c.name.as_str())
                    )
                }
                _ => String::new(),
            };
            let reason = reason.map(|r| {
                if shipped.is_empty() {
                    r
                } else {
                    format!("{r} ({shipped})")
                }
            });
            // The customer's invoice link stays theirs: until mailed again it says the parcel
            // came back (nothing is invoiced meanwhile); an invoice issued stays there.
            (
                reason,
                vec![
                    SetColumn::Text("carrier", None),
                    SetColumn::Text("tracking_no", None),
                    SetColumn::Int("shipped_at", None),
                ],
            )
        }
        // A wrong invoice cancelled by a red one (made in `perform`): the order waits for a
        // new invoice; the request stays, to be corrected and issued again.
        Action::ReverseInvoice => {
            // "Not now" before "fix these fields".
            if order.invoice_no.is_none() {
                return Err(ApiError::Conflict {
                    code: "no_invoice",
                    detail: Msg::with(T::ProblemNoInvoice, [order.order_no.as_str()]),
                    status: order.status().ok(),
                    version: Some(order.version),
                });
            }
            if reason.is_none() && is_blank(request.reason.as_deref()) && !errors.named("reason") {
                errors.add("reason", T::ErrReasonRequired);
            }
            (reason, crate::server::invoicing::reversal_columns())
        }
        Action::Reject => {
            let mut reasons = Vec::new();
            for (i, text) in request.reasons.iter().enumerate() {
                match optional_text::<200>(Some(text)) {
                    // Texted to the customer in the CA's name: one visible line, no link
                    // but the platform's.
                    Ok(Some(text))
                        if let Err(e) = crate::domain::texted_line(&text, REJECT_REASON_MAX) =>
                    {
                        errors.add(&format!("reasons[{i}]"), e);
                    }
                    // Printed on the correction notice the customer is given: a character
                    // no font here draws would come out as its code point, `[U+FDFD]`.
                    Ok(Some(text))
                        if let Some(refusal) = crate::server::validate::unprintable(
                            &state.fonts,
                            &text,
                            T::ErrUnprintableNotice,
                        ) =>
                    {
                        errors.add(&format!("reasons[{i}]"), refusal);
                    }
                    // A checklist reason the order cannot answer: the customer would be
                    // asked for a stamp or a voucher they cannot have.
                    Ok(Some(text))
                        if crate::domain::checklist_reason(&text).is_some_and(|reason| {
                            !crate::domain::reason_applies(
                                reason,
                                order.user_type == crate::domain::UserType::Organization.as_str(),
                                order.payment_method.as_deref() == Some("bank_transfer"),
                            )
                        }) =>
                    {
                        errors.add(
                            &format!("reasons[{i}]"),
                            Msg::with(T::ErrReasonNotForOrder, [text]),
                        );
                    }
                    // The same reason twice is one (the notice would list it twice).
                    Ok(Some(text)) if reasons.contains(&text) => {}
                    Ok(Some(text)) => reasons.push(text),
                    Ok(None) => errors.add(&format!("reasons[{i}]"), T::ErrRequired),
                    Err(e) => errors.add(&format!("reasons[{i}]"), e),
                }
            }
            if request.reasons.is_empty() {
                errors.add("reasons", T::ErrReasonRequired);
            }
            if request.reasons.len() > MAX_REASONS {
                let most = MAX_REASONS.to_string();
                errors.add("reasons", Msg::with(T::ProblemTooMany, [most]));
            }
            // What the vouchers showed in all, on a return for the amount: the customer is
            // asked for the rest. Every return sets it (none said: none kept).
            // (The amount's reason sent and refused — an order paid online — is named on
            // itself, not again here.)
            let refused_amount = !crate::domain::asks_for_the_amount(&reasons)
                && crate::domain::asks_for_the_amount(&request.reasons);
            if let Some(total) = request.voucher_total_fen
                && !refused_amount
                && let Err(e) =
                    crate::domain::check_voucher_total(&reasons, order.amount_fen, total)
            {
                errors.add("voucher_total_fen", e);
            }
            let json = serde_json::to_string(&reasons).unwrap_or_default();
            // The history keeps the rest the customer was asked for beside the reasons
            // (the order forgets it when sent back; its next reviewer reads it here).
            let mut recorded = reasons.clone();
            recorded.extend(crate::domain::recorded_rest(
                &reasons,
                order.amount_fen,
                request.voucher_total_fen,
            ));
            (
                Some(recorded.join(crate::domain::REASON_SEPARATOR)),
                vec![
                    SetColumn::Text("rejection_json", Some(json)),
                    SetColumn::Int("voucher_total_fen", request.voucher_total_fen),
                ],
            )
        }
        Action::UploadVoucher | Action::Resubmit => {
            check_attachments(state, order, action, &request.attachment_ids, &mut errors).await?;
            let set = if action == Action::Resubmit {
                let mut set = vec![
                    SetColumn::Text("rejection_json", None),
                    SetColumn::Int("voucher_total_fen", None),
                    SetColumn::Int("resubmissions", Some(order.resubmissions + 1)),
                    // The promise counts from here (see `paper::promise_start`).
                    SetColumn::Int("resubmitted_at", Some(now_ms())),
                ];
                // Returned for its voucher's amount (short: more was transferred since), a
                // transfer counts as paid when the voucher that answers it is in: the
                // receipt's date is that one's, not the refused one's. (An unreadable
                // voucher's transfer is the same one: its date stands.)
                if order.payment_method.as_deref() == Some("bank_transfer")
                    && crate::domain::asks_for_the_amount(&order.return_reasons())
                    && !request.attachment_ids.is_empty()
                {
                    set.push(SetColumn::Int("paid_at", Some(now_ms())));
                }
                set
            } else {
                // The transfer counts as paid when its voucher is in.
                vec![SetColumn::Int("paid_at", Some(now_ms()))]
            };
            let listed = request.attachment_ids.join(",");
            let reason = match (reason, listed.is_empty()) {
                (Some(r), false) => Some(format!("{r} ({listed})")),
                (Some(r), true) => Some(r),
                (None, false) => Some(listed),
                (None, true) => None,
            };
            (reason, set)
        }
        Action::Ship => {
            // Its label shows the address before a correction: not mailed with it, from
            // whichever screen or client.
            if state.store.needs_relabel(&order.id).await? {
                return Err(ApiError::Conflict {
                    code: "relabel_needed",
                    detail: Msg::with(T::ProblemRelabel, [order.order_no.as_str()]),
                    status: order.status().ok(),
                    version: Some(order.version),
                });
            }
            let code = request
                .carrier
                .as_deref()
                .map(str::trim)
                .unwrap_or_default();
            let carrier = state.config.mailing.carrier(code);
            if code.is_empty() {
                errors.add("carrier", T::ErrRequired);
            } else if carrier.is_none() {
                let codes: Vec<&str> = state
                    .config
                    .mailing
                    .carriers
                    .iter()
                    .map(|c| c.code.as_str())
                    .collect();
                errors.add("carrier", Msg::with(T::ErrOneOf, [codes.join(", ")]));
            }
            let typed = request.tracking_no.as_deref().unwrap_or_default();
            if carrier.is_none() && typed.trim().is_empty() {
                errors.add("tracking_no", T::ErrRequired);
            } else if carrier.is_none() {
                // Judged by the loosest rule meanwhile, so it is named with the carrier, not
                // a round later (the carrier's own format is checked once it is known).
                errors.check("tracking_no", TrackingNo::try_from(typed.to_owned()));
            }
            let tracking = carrier.and_then(|c| {
                errors.check("tracking_no", TrackingNo::parse(c.format, &c.name, typed))
            });
            if let (Some(carrier), Some(tracking)) = (carrier, &tracking)
                && let Some((other, returned)) = state
                    .store
                    .order_with_tracking(&carrier.code, tracking.as_str(), &order.id)
                    .await?
            {
                let said = if returned {
                    T::ErrTrackingNoReturned
                } else {
                    T::ErrTrackingNoUsed
                };
                errors.add(
                    "tracking_no",
                    Msg::with(said, [tracking.as_str(), other.as_str()]),
                );
            }
            let tracking = tracking.map(|t| t.as_str().to_owned()).unwrap_or_default();
            // The carrier and the number, then what was said with them (kept, not dropped).
            let said = match &reason {
                Some(reason) => format!("{code} {tracking} {reason}"),
                None => format!("{code} {tracking}"),
            };
            (
                Some(said),
                vec![
                    SetColumn::Text("carrier", Some(code.to_owned())),
                    SetColumn::Text("tracking_no", Some(tracking)),
                    SetColumn::Int("shipped_at", Some(now_ms())),
                    // Mailed again after a return: the link the customer has goes on
                    // working. The order keeps the one it holds as this is written, so a
                    // "sign out everywhere" meanwhile is not undone by the copy read here
                    // (the text then carries that retired link; the order page, the new).
                    SetColumn::TextIfEmpty(
                        "invoice_token",
                        order
                            .invoice_token
                            .clone()
                            .unwrap_or_else(crate::server::store::new_token),
                    ),
                ],
            )
        }
        Action::IssueInvoice => {
            // Invoices come from the invoice provider with their PDF, never typed in.
            return Err(ApiError::BadRequest {
                code: "issue_through_invoice",
                detail: Msg::with(T::ProblemIssueThroughInvoice, [order.order_no.as_str()]),
            });
        }
        Action::ChooseBankTransfer => (
            reason,
            vec![SetColumn::Text(
                "payment_method",
                Some("bank_transfer".into()),
            )],
        ),
        // The payment method is set again by the payment that settles the order.
        Action::ChooseOnlinePayment => (reason, vec![SetColumn::Text("payment_method", None)]),
        Action::DeclineInvoice => {
            // An invoice being (or already) issued is not declined behind finance's back.
            if state.store.invoice_for(&order.id).await?.is_some() {
                return Err(ApiError::Conflict {
                    code: "invoice_issued",
                    detail: Msg::with(T::ProblemInvoiceIssued, [order.order_no.as_str()]),
                    status: order.status().ok(),
                    version: Some(order.version),
                });
            }
            (reason, vec![])
        }
        Action::Approve | Action::Pay => (reason, vec![]),
    };
    errors.finish()?;
    Ok(outcome)
}

/// Refuses an approval the order is not ready for (`domain::approval_gaps`): the customer
/// verified as the applicant, a scan of the signed form attached.
async fn approvable(state: &AppState, order: &OrderRow) -> Result<(), ApiError> {
    let verified = state.store.verified_identity(&order.customer_id).await?;
    let signed_form = state
        .store
        .attachments_of(&order.id)
        .await?
        .iter()
        .any(|a| AttachmentKind::parse(&a.kind).is_some_and(AttachmentKind::carries_signed_form));
    let gaps = approval_gaps(
        verified
            .as_ref()
            .map(|(name, id, _)| (name.as_str(), id.as_str())),
        (&order.applicant_name, order.id_number.as_str()),
        signed_form,
    );
    let Some(first) = gaps.first() else {
        return Ok(());
    };
    let also = if gaps.len() > 1 {
        Arg::Text(T::GapAlsoNoSignedForm)
    } else {
        Arg::Plain(String::new())
    };
    Err(ApiError::Conflict {
        code: "not_ready_for_approval",
        detail: Msg::with(
            T::ProblemNotReadyForApproval,
            [
                Arg::Plain(order.order_no.clone()),
                Arg::Text(first.text()),
                also,
            ],
        ),
        status: order.status().ok(),
        version: Some(order.version),
    })
}

/// True when the value was absent or blank (so "required" is the right message, not a
/// second one on top of "too long").
/// Whether text is blank as the schema's optional text says it (spaces of any kind and
/// line breaks; a tab or another control character is something, to be refused).
fn says_nothing(value: Option<&str>) -> bool {
    value.is_none_or(|v| {
        v.chars()
            .all(|c| matches!(c, '\n' | '\r') || (c.is_whitespace() && !c.is_control()))
    })
}

fn is_blank(value: Option<&str>) -> bool {
    value.is_none_or(|v| v.trim().is_empty())
}

/// Whether the returned `order` may go back to review without a new file: its mailing
/// address was corrected since the return (`since`), nothing printed on the signed form was
/// (an organisation's corrected details need the form signed again), and no reason it was
/// returned for asks for a document (`domain::answerable_by_correction`).
/// A return for the real-name check alone is answered by passing it (`verified`: the
/// customer is verified now); one that also named the check is not answered until then.
pub(crate) fn may_resubmit_without_file(
    order: &OrderRow,
    since: &SinceReturn,
    verified: bool,
) -> bool {
    let reasons = order.return_reasons();
    if !crate::domain::answerable_by_correction(&reasons)
        || (crate::domain::asks_for_the_check(&reasons) && !verified)
    {
        return false;
    }
    crate::domain::only_the_check(&reasons)
        || (!since.corrected.is_empty()
            && since.corrected.iter().all(|f| f.starts_with("mailing.")))
}

/// A voucher must be an uploaded voucher of this order; corrected materials must be
/// attachments of this order uploaded since it was returned.
async fn check_attachments(
    state: &AppState,
    order: &OrderRow,
    action: Action,
    ids: &[String],
    errors: &mut Errors,
) -> Result<(), ApiError> {
    if ids.is_empty() {
        // A return about the address alone, answered by correcting it, needs no file;
        // otherwise the corrected materials are needed.
        if action == Action::Resubmit
            && may_resubmit_without_file(
                order,
                &state.store.since_return(order).await?,
                state
                    .store
                    .verified_identity(&order.customer_id)
                    .await?
                    .is_some(),
            )
        {
            return Ok(());
        }
        errors.add("attachment_ids", T::ErrRequired);
        return Ok(());
    }
    if ids.len() > MAX_ATTACHMENT_IDS {
        let most = MAX_ATTACHMENT_IDS.to_string();
        errors.add("attachment_ids", Msg::with(T::ProblemTooMany, [most]));
        return Ok(());
    }

    // Since the return, not since the order last changed: a correction of its address or
    // organisation meanwhile does not make the files already sent stale.
    let returned_at = match action {
        Action::UploadVoucher => None,
        _ => Some(state.store.returned_at(order).await?),
    };
    for (i, id) in ids.iter().enumerate() {
        let field = format!("attachment_ids[{i}]");
        let Some(attachment) = state.store.attachment(id).await? else {
            errors.add(&field, T::ProblemAttachmentNotFound);
            continue;
        };
        // Not the order's, said as such (another order is not named: the caller sent its
        // file's id, and knows it).
        if attachment.order_id != order.id {
            let said = Msg::with(
                T::ProblemAttachmentOfAnother,
                [id.as_str(), order.order_no.as_str()],
            );
            errors.add(&field, said);
            continue;
        }
        match returned_at {
            None if attachment.kind != "voucher" => {
                errors.add(
                    &field,
                    Msg::with(T::ProblemAttachmentNotVoucher, [id.as_str()]),
                );
            }
            // The same bytes as a file sent before the return are that file (kept once).
            Some(returned_at) if attachment.uploaded_at < returned_at => {
                errors.add(&field, T::ProblemAttachmentBeforeReturn);
            }
            _ => {}
        }
    }
    Ok(())
}
