//! Where a mailed certificate is: parcel tracking behind a trait, so the platform can ask a
//! tracking provider (kuaidi100 for now) and keep what it says in its own words — the
//! [`TrackingState`] codes — whatever the provider's codes are.

pub mod kuaidi100;

use futures_util::future::BoxFuture;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::i18n::T;

/// Where a parcel is, as the provider says.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum TrackingState {
    /// On its way between depots (kuaidi100 `0`, 在途).
    InTransit,
    /// Picked up by the carrier, or about to be (`1`, 揽收).
    Collected,
    /// Stuck: overdue, unreachable recipient, damaged… (`2`, 疑难).
    Trouble,
    /// Signed for (`3`, 签收).
    Delivered,
    /// Came back and was signed for by the sender (`4`, 退签).
    Refused,
    /// Out for delivery, or waiting in a locker or post station (`5`, 派件).
    Delivering,
    /// On its way back to the sender (`6`, 退回).
    Returning,
    /// Handed to another carrier (`7`, 转投).
    Forwarded,
    /// In customs (`8`, and `10`–`13`, 清关).
    Customs,
    /// The recipient refused it (`14`, 拒签).
    Rejected,
    /// A code the provider has not documented (yet).
    Unknown,
}

impl TrackingState {
    /// Every state.
    pub const ALL: [TrackingState; 11] = [
        TrackingState::InTransit,
        TrackingState::Collected,
        TrackingState::Trouble,
        TrackingState::Delivered,
        TrackingState::Refused,
        TrackingState::Delivering,
        TrackingState::Returning,
        TrackingState::Forwarded,
        TrackingState::Customs,
        TrackingState::Rejected,
        TrackingState::Unknown,
    ];

    /// The stable wire and database name, e.g. `in_transit`.
    pub fn as_str(self) -> &'static str {
        match self {
            TrackingState::InTransit => "in_transit",
            TrackingState::Collected => "collected",
            TrackingState::Trouble => "trouble",
            TrackingState::Delivered => "delivered",
            TrackingState::Refused => "refused",
            TrackingState::Delivering => "delivering",
            TrackingState::Returning => "returning",
            TrackingState::Forwarded => "forwarded",
            TrackingState::Customs => "customs",
            TrackingState::Rejected => "rejected",
            TrackingState::Unknown => "unknown",
        }
    }

    /// Parses the wire name.
    pub fn parse(name: &str) -> Option<TrackingState> {
        TrackingState::ALL.into_iter().find(|s| s.as_str() == name)
    }

    /// The state a kuaidi100 `state` / `statusCode` stands for. With `resultv2=4` kuaidi100
    /// answers detailed codes: `101`–`103` are kinds of 揽收, `201`–`210` of 疑难,
    /// `301`–`304` of 签收, `401` (已销单) of 退签, `501` of 派件, while `1001`–`1003` are
    /// kinds of 在途 (`0`) and `10`–`13` kinds of 清关 (`8`), so neither goes by its first
    /// digit.
    pub fn from_kuaidi100(code: &str) -> TrackingState {
        let Ok(code) = code.trim().parse::<u32>() else {
            return TrackingState::Unknown;
        };
        let base = match code {
            0..=14 => code,
            1000..=1099 => 0,
            100..=999 => code / 100,
            _ => return TrackingState::Unknown,
        };
        match base {
            0 => TrackingState::InTransit,
            1 => TrackingState::Collected,
            2 => TrackingState::Trouble,
            3 => TrackingState::Delivered,
            4 => TrackingState::Refused,
            5 => TrackingState::Delivering,
            6 => TrackingState::Returning,
            7 => TrackingState::Forwarded,
            8 | 10..=13 => TrackingState::Customs,
            14 => TrackingState::Rejected,
            _ => TrackingState::Unknown,
        }
    }

    /// The label people see.
    pub fn label(self) -> T {
        match self {
            TrackingState::InTransit => T::TrackingInTransit,
            TrackingState::Collected => T::TrackingCollected,
            TrackingState::Trouble => T::TrackingTrouble,
            TrackingState::Delivered => T::TrackingDelivered,
            TrackingState::Refused => T::TrackingRefused,
            TrackingState::Delivering => T::TrackingDelivering,
            TrackingState::Returning => T::TrackingReturning,
            TrackingState::Forwarded => T::TrackingForwarded,
            TrackingState::Customs => T::TrackingCustoms,
            TrackingState::Rejected => T::TrackingRejected,
            TrackingState::Unknown => T::TrackingUnknown,
        }
    }
}

impl std::fmt::Display for TrackingState {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

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
