//! Order numbers: `HN` + the date in China + a daily sequence, e.g. `HN20261128000042`.
//! They read aloud well on the phone and sort by time.

use serde::{Deserialize, Serialize};

use super::{InvalidValue, text::normalize_width};
use crate::i18n::T;

/// The prefix every order number starts with (the CA's province).
pub const PREFIX: &str = "HN";
const SEQ_DIGITS: usize = 6;

/// A well-formed order number.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct OrderNo(String);

impl OrderNo {
    /// The number of the `seq`-th order (1-based) of `date`; `None` past 999,999 a day.
    pub fn new(date: time::Date, seq: u32) -> Option<OrderNo> {
        if seq == 0 || seq > 999_999 {
            return None;
        }
        Some(OrderNo(format!(
            "{PREFIX}{:04}{:02}{:02}{seq:06}",
            date.year(),
            u8::from(date.month()),
            date.day()
        )))
    }

    /// Parses a number as typed (case and full-width folded, spaces ignored).
    pub fn parse(input: &str) -> Result<OrderNo, InvalidValue> {
        let cleaned: String = normalize_width(input)
            .chars()
            .filter(|c| !c.is_whitespace())
            .map(|c| c.to_ascii_uppercase())
            .collect();
        let Some(rest) = cleaned.strip_prefix(PREFIX) else {
            return Err(T::ErrOrderNo.into());
        };
        if rest.len() != 8 + SEQ_DIGITS || !rest.chars().all(|c| c.is_ascii_digit()) {
            return Err(T::ErrOrderNo.into());
        }
        let n = |r: std::ops::Range<usize>| rest[r].parse::<u32>().unwrap_or(0);
        let month =
            time::Month::try_from(n(4..6) as u8).map_err(|_| InvalidValue::from(T::ErrOrderNo))?;
        time::Date::from_calendar_date(n(0..4) as i32, month, n(6..8) as u8)
            .map_err(|_| InvalidValue::from(T::ErrOrderNo))?;
        if n(8..14) == 0 {
            return Err(T::ErrOrderNo.into());
        }
        Ok(OrderNo(cleaned))
    }

    /// The number.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl TryFrom<String> for OrderNo {
    type Error = InvalidValue;
    fn try_from(value: String) -> Result<Self, Self::Error> {
        OrderNo::parse(&value)
    }
}

impl From<OrderNo> for String {
    fn from(value: OrderNo) -> String {
        value.0
    }
}

impl std::ops::Deref for OrderNo {
    type Target = str;

    /// The number as text: an order number reads as a string wherever one is asked for.
    fn deref(&self) -> &str {
        &self.0
    }
}

impl AsRef<str> for OrderNo {
    fn as_ref(&self) -> &str {
        &self.0
    }
}

impl PartialEq<str> for OrderNo {
    fn eq(&self, other: &str) -> bool {
        self.0 == other
    }
}

impl PartialEq<&str> for OrderNo {
    fn eq(&self, other: &&str) -> bool {
        self.0 == *other
    }
}

impl PartialEq<String> for OrderNo {
    fn eq(&self, other: &String) -> bool {
        &self.0 == other
    }
}

impl PartialEq<OrderNo> for String {
    fn eq(&self, other: &OrderNo) -> bool {
        *self == other.0
    }
}

impl PartialEq<OrderNo> for &str {
    fn eq(&self, other: &OrderNo) -> bool {
        *self == other.0
    }
}

impl std::fmt::Display for OrderNo {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::date;

    #[test]
    fn numbers_carry_the_date_and_sort_in_order() {
        let first = OrderNo::new(date!(2026 - 11 - 28), 1);
        let tenth = OrderNo::new(date!(2026 - 11 - 28), 10);
        let next_day = OrderNo::new(date!(2026 - 11 - 29), 1);
        assert_eq!(
            first.as_ref().map(OrderNo::as_str),
            Some("HN20261128000001")
        );
        assert!(first < tenth && tenth < next_day);
        assert_eq!(OrderNo::new(date!(2026 - 11 - 28), 1_000_000), None);
    }

    #[test]
    fn typed_numbers_are_normalised_and_checked() {
        assert_eq!(
            OrderNo::parse(" hn20261128000001 ").map(|o| o.0),
            Ok("HN20261128000001".into())
        );
        for bad in [
            "HN2026112800001",
            "XX20261128000001",
            "HN20261328000001",
            "HN20261128000000",
            "HN2026112800000a",
        ] {
            assert!(OrderNo::parse(bad).is_err(), "{bad}");
        }
    }
}
