//! The id of a draft application: a UUIDv7 made at the counter when the clerk starts one,
//! the name of its file on disk, and the idempotency key of its submission (retrying
//! never makes a second order).

use serde::{Deserialize, Serialize};

use super::InvalidValue;
use crate::i18n::{Msg, T};

/// A draft's id.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct DraftId(String);

impl DraftId {
    /// A fresh id (time-ordered: drafts sort by when they were started).
    pub fn new() -> DraftId {
        DraftId(uuid::Uuid::now_v7().to_string())
    }

    /// Parses an id (a UUID in its usual hyphenated form).
    pub fn parse(text: &str) -> Result<DraftId, InvalidValue> {
        uuid::Uuid::try_parse(text.trim())
            .map(|id| DraftId(id.hyphenated().to_string()))
            .map_err(|_| InvalidValue(Msg::with(T::ErrInvalidValue, [text])))
    }

    /// The id as text.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// Its 16 bytes.
    pub fn bytes(&self) -> [u8; 16] {
        uuid::Uuid::try_parse(&self.0)
            .map(|u| *u.as_bytes())
            .unwrap_or_default()
    }
}

impl Default for DraftId {
    /// A fresh id.
    fn default() -> Self {
        DraftId::new()
    }
}

impl TryFrom<String> for DraftId {
    type Error = InvalidValue;

    fn try_from(text: String) -> Result<Self, Self::Error> {
        DraftId::parse(&text)
    }
}

impl From<DraftId> for String {
    fn from(id: DraftId) -> String {
        id.0
    }
}

impl std::fmt::Display for DraftId {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_are_uuids_and_round_trip_as_text() {
        let id = DraftId::new();
        assert_eq!(DraftId::parse(id.as_str()), Ok(id.clone()));
        let json = serde_json::to_string(&id).unwrap_or_default();
        assert_eq!(serde_json::from_str::<DraftId>(&json).ok(), Some(id));
        assert!(DraftId::parse("../../etc/passwd").is_err());
        assert!(serde_json::from_str::<DraftId>("\"x\"").is_err());
    }
}
