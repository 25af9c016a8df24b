//! How an order came in: at a counter, or on the customer's own platform. The lifecycle is
//! the same for both; staff see which it was.

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::i18n::{Lang, T};

/// The way an order was submitted.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Channel {
    /// Submitted by a clerk at a counter.
    #[default]
    Counter,
    /// Submitted by the customer on their own platform.
    Online,
}

impl Channel {
    /// The wire and database name.
    pub fn as_str(self) -> &'static str {
        match self {
            Channel::Counter => "counter",
            Channel::Online => "online",
        }
    }

    /// Parses the wire name.
    pub fn parse(name: &str) -> Option<Channel> {
        match name {
            "counter" => Some(Channel::Counter),
            "online" => Some(Channel::Online),
            _ => None,
        }
    }

    /// What staff call it.
    pub fn label(self, lang: Lang) -> &'static str {
        match self {
            Channel::Counter => T::ChannelCounter.get(lang),
            Channel::Online => T::ChannelOnline.get(lang),
        }
    }
}
