//! Where a parcel is, in the platform's own words, whatever the tracking provider's codes
//! are: the states staff see in an order's tracking and type by name when there is no
//! provider.

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

    /// The states staff may type for a parcel tracked by hand (all but `unknown`).
    pub fn typed() -> impl Iterator<Item = TrackingState> {
        TrackingState::ALL
            .into_iter()
            .filter(|s| *s != TrackingState::Unknown)
    }

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

    /// The parcel is on its way back to the CA, or back already (退回, 退签, 拒签): it
    /// goes out again only once the mailroom records its return.
    pub fn coming_back(self) -> bool {
        matches!(
            self,
            TrackingState::Returning | TrackingState::Refused | TrackingState::Rejected
        )
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
