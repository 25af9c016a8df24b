//! Request and response bodies of API v1, one file per resource. Requests carry what a
//! person typed as plain strings so the platform can answer every bad field with its own
//! message.

mod attachments;
mod catalog;
mod customers;
mod invoicing;
mod mailing;
mod orders;
mod payments;
mod realname;
mod review;
mod system;

pub use attachments::*;
pub use catalog::*;
pub use customers::*;
pub use invoicing::*;
pub use mailing::*;
pub use orders::*;
pub use payments::*;
pub use realname::*;
pub use review::*;
pub use system::*;

/// JSON Schema's `integer`: a number with no fractional part, however written (`3`, `3.0`),
/// as generated clients and fuzzers may send it.
pub(crate) mod json_integer {
    use serde::{Deserialize, Deserializer};

    /// An optional integer that may arrive as `3.0`.
    pub fn optional<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Option<i64>, D::Error> {
        let value: Option<serde_json::Number> = Option::deserialize(deserializer)?;
        match value {
            None => Ok(None),
            Some(n) => match (n.as_i64(), n.as_f64()) {
                (Some(i), _) => Ok(Some(i)),
                (None, Some(f)) if f.fract() == 0.0 && f.abs() < 9.0e15 => Ok(Some(f as i64)),
                _ => Err(serde::de::Error::custom(format!("{n} is not an integer"))),
            },
        }
    }
}
