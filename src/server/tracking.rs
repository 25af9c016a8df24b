//! Where a parcel is. With a tracking provider, its answers are cached per number and one
//! number is asked at most once per period (30 minutes at least), whoever asks and on
//! however many instances; when the provider fails, the last known state is shown with
//! why. Without one (`manual`), the events are those typed by staff.

use super::AppState;
use super::error::ApiError;
use super::logistics::{TrackingEvent, TrackingState};
use super::present::rfc3339;
use super::store::{OrderRow, now_ms};
use crate::api::{MailingAddress, Tracking, TrackingStep};
use crate::i18n::{Msg, T};

/// The tracking of a shipped order.
pub async fn tracking(state: &AppState, row: &OrderRow) -> Result<Tracking, ApiError> {
    let (Some(carrier), Some(number)) = (&row.carrier, &row.tracking_no) else {
        return Err(ApiError::Conflict {
            code: "not_shipped",
            detail: Msg::with(T::ProblemNotShipped, [row.order_no.as_str()]),
            status: Some(row.status()?),
            version: Some(row.version),
        });
    };
    let carrier_name = state
        .config
        .mailing
        .carrier(carrier)
        .map_or_else(|| carrier.clone(), |c| c.name.clone());
    let mut answer = Tracking {
        carrier: carrier.clone(),
        carrier_name,
        tracking_no: number.clone(),
        provider: "manual".into(),
        state: None,
        events: Vec::new(),
        fetched_at: None,
        checked_at: None,
        error: None,
        next_check_at: None,
    };
    let Some(provider) = &state.logistics else {
        let events = state.store.manual_tracking_events(carrier, number).await?;
        answer.state = events.first().map(|e| e.state.clone());
        answer.events = events
            .into_iter()
            .map(|e| TrackingStep {
                time: super::present::china_datetime(e.at),
                context: e.context,
                location: None,
                state: Some(e.state),
            })
            .collect();
        return Ok(answer);
    };
    answer.provider = provider.name().to_owned();
    let period = state.config.mailing.refresh_minutes() * 60_000;
    let now = now_ms();
    let cached = state.store.tracking(carrier, number).await?;
    let due = cached
        .as_ref()
        .and_then(|c| c.checked_at)
        .is_none_or(|at| at <= now - period);
    if due
        && state
            .store
            .take_tracking_turn(carrier, number, now - period)
            .await?
    {
        let phone = serde_json::from_str::<MailingAddress>(&row.mailing_json)
            .map(|m| m.phone)
            .ok();
        match provider.query(carrier, number, phone.as_deref()).await {
            Ok(result) => {
                let json = serde_json::to_string(&result.events)
                    .map_err(|e| ApiError::Internal(e.to_string()))?;
                state
                    .store
                    .save_tracking(carrier, number, result.state.as_str(), &json)
                    .await?;
            }
            Err(why) => {
                tracing::warn!(order = %row.order_no, %why, "tracking provider");
                state
                    .store
                    .save_tracking_error(carrier, number, &why)
                    .await?;
            }
        }
    }
    if let Some(cached) = state.store.tracking(carrier, number).await? {
        let events: Vec<TrackingEvent> =
            serde_json::from_str(&cached.events_json).unwrap_or_default();
        answer.state = cached
            .state
            .as_deref()
            .and_then(TrackingState::parse)
            .map(|s| s.as_str().to_owned());
        answer.events = events
            .into_iter()
            .map(|e| TrackingStep {
                time: e.time,
                context: e.context,
                location: e.location,
                state: e.state.map(|s| s.as_str().to_owned()),
            })
            .collect();
        answer.fetched_at = cached.fetched_at.map(rfc3339);
        answer.checked_at = cached.checked_at.map(rfc3339);
        answer.next_check_at = cached.checked_at.map(|at| rfc3339(at + period));
        answer.error = cached.error;
    }
    Ok(answer)
}
