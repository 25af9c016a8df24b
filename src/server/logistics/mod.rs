//! Where a mailed certificate is: parcel tracking behind a trait, so the platform can ask a
//! tracking provider (kuaidi100 for now) and keep what it says in its own words — the
//! [`TrackingState`] codes — whatever the provider's codes are.

pub mod kuaidi100;

use futures_util::future::BoxFuture;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

pub use crate::domain::TrackingState;

/// One line of a parcel's timeline.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct TrackingEvent {
    /// When, as the provider gives it (`2026-11-28 10:00:00`, China time).
    pub time: String,
    /// What happened, in the carrier's words.
    pub context: String,
    /// Where, when the provider says.
    #[serde(default)]
    pub location: Option<String>,
    /// The state this event put the parcel in, when the provider says.
    #[serde(default)]
    pub state: Option<TrackingState>,
}

/// A parcel's state and timeline.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct TrackingResult {
    /// Where the parcel is now.
    pub state: TrackingState,
    /// What happened, newest first.
    pub events: Vec<TrackingEvent>,
}

impl TrackingResult {
    /// A result with `events` put newest first. The sort is stable, so events of the same
    /// second keep the order the provider gave them.
    pub fn new(state: TrackingState, mut events: Vec<TrackingEvent>) -> TrackingResult {
        // `YYYY-MM-DD HH:MM:SS` sorts as text.
        events.sort_by(|a, b| b.time.cmp(&a.time));
        TrackingResult { state, events }
    }
}

/// Asks a tracking provider where a parcel is.
pub trait LogisticsProvider: Send + Sync {
    /// The provider's name, recorded with what it says.
    fn name(&self) -> &'static str;
    /// The state and timeline of parcel `number`. `com` is the provider's carrier code
    /// (kuaidi100: `ems`, `youzhengguonei`, `shunfeng`, `jd`, `zhongtong`, `yuantong`,
    /// `yunda`, `shentong`); `phone` is the recipient's phone, sent (its last four digits)
    /// only where the carrier needs it. `Err` is a short reason a person can read: the
    /// provider's own message when it gives one, else e.g. `timeout` or `HTTP 502`.
    fn query<'a>(
        &'a self,
        com: &'a str,
        number: &'a str,
        phone: Option<&'a str>,
    ) -> BoxFuture<'a, Result<TrackingResult, String>>;
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::i18n::Lang;

    #[test]
    fn wire_names_round_trip_and_match_serde() {
        for state in TrackingState::ALL {
            assert_eq!(TrackingState::parse(state.as_str()), Some(state));
            assert_eq!(
                serde_json::to_string(&state).ok(),
                Some(format!("\"{}\"", state.as_str()))
            );
        }
        assert_eq!(TrackingState::parse("InTransit"), None);
    }

    #[test]
    fn kuaidi100_codes_map_to_their_documented_parents() {
        use TrackingState::*;
        let cases = [
            ("0", InTransit),
            ("1001", InTransit),
            ("1002", InTransit),
            ("1003", InTransit),
            ("1", Collected),
            ("101", Collected),
            ("102", Collected),
            ("103", Collected),
            ("2", Trouble),
            ("201", Trouble),
            ("206", Trouble),
            ("210", Trouble),
            ("3", Delivered),
            ("301", Delivered),
            ("304", Delivered),
            ("4", Refused),
            ("401", Refused),
            ("5", Delivering),
            ("501", Delivering),
            ("6", Returning),
            ("7", Forwarded),
            ("8", Customs),
            ("10", Customs),
            ("11", Customs),
            ("12", Customs),
            ("13", Customs),
            ("14", Rejected),
            (" 3 ", Delivered),
            ("9", Unknown),
            ("15", Unknown),
            ("901", Unknown),
            ("2001", Unknown),
            ("", Unknown),
            ("-1", Unknown),
            ("签收", Unknown),
        ];
        for (code, state) in cases {
            assert_eq!(TrackingState::from_kuaidi100(code), state, "{code:?}");
        }
    }

    #[test]
    fn every_state_has_a_label_in_both_languages() {
        assert_eq!(TrackingState::Delivered.label().get(Lang::ZhCn), "签收");
        assert_eq!(TrackingState::Rejected.label().get(Lang::ZhCn), "拒签");
        assert_eq!(TrackingState::Unknown.label().get(Lang::ZhCn), "未知");
        for state in TrackingState::ALL {
            assert!(!state.label().get(Lang::En).is_empty());
        }
    }

    #[test]
    fn results_list_events_newest_first() {
        let event = |time: &str, context: &str| TrackingEvent {
            time: time.into(),
            context: context.into(),
            location: None,
            state: None,
        };
        let result = TrackingResult::new(
            TrackingState::InTransit,
            vec![
                event("2026-11-27 09:00:00", "a"),
                event("2026-11-28 10:00:00", "c"),
                event("2026-11-28 10:00:00", "d"),
                event("2026-11-27 18:30:00", "b"),
            ],
        );
        let order: Vec<&str> = result.events.iter().map(|e| e.context.as_str()).collect();
        assert_eq!(order, ["c", "d", "b", "a"]);
    }
}
