//! Amounts of money in integer fen (分), never floats.

use serde::{Deserialize, Serialize};

use super::{InvalidValue, text::normalize_width};
use crate::i18n::T;

/// A non-negative amount in fen (1 yuan = 100 fen).
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default, Serialize, Deserialize,
)]
#[serde(transparent)]
pub struct Money(i64);

impl Money {
    /// An amount of `fen`; negative values are refused.
    pub fn from_fen(fen: i64) -> Option<Money> {
        (fen >= 0).then_some(Money(fen))
    }

    /// The amount in fen.
    pub fn fen(self) -> i64 {
        self.0
    }

    /// Parses yuan as typed: `300`, `300.5`, `300.00`, `¥1,234.00`.
    pub fn parse_yuan(input: &str) -> Result<Money, InvalidValue> {
        let folded = normalize_width(input);
        let cleaned: String = folded
            .trim()
            .trim_start_matches(['¥', '￥'])
            .chars()
            .filter(|c| *c != ',')
            .collect();
        let (whole, frac) = cleaned.split_once('.').unwrap_or((&cleaned, ""));
        let digits_ok = |s: &str| s.chars().all(|c| c.is_ascii_digit());
        if whole.is_empty()
            || whole.len() > 12
            || frac.len() > 2
            || !digits_ok(whole)
            || !digits_ok(frac)
        {
            return Err(T::ErrMoney.into());
        }
        let yuan: i64 = whole.parse().map_err(|_| InvalidValue::from(T::ErrMoney))?;
        let fen_part: i64 = format!("{frac:0<2}")
            .parse()
            .map_err(|_| InvalidValue::from(T::ErrMoney))?;
        Ok(Money(yuan * 100 + fen_part))
    }

    /// `300.00`: yuan with two decimals, as payment gateways want it.
    pub fn yuan_string(self) -> String {
        format!("{}.{:02}", self.0 / 100, self.0 % 100)
    }
}

/// `¥1,234.00`
impl std::fmt::Display for Money {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let yuan = (self.0 / 100).to_string();
        let mut grouped = String::with_capacity(yuan.len() + yuan.len() / 3);
        for (i, c) in yuan.chars().enumerate() {
            if i > 0 && (yuan.len() - i).is_multiple_of(3) {
                grouped.push(',');
            }
            grouped.push(c);
        }
        write!(f, "¥{grouped}.{:02}", self.0 % 100)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shown_with_yuan_sign_thousands_and_two_decimals() {
        assert_eq!(Money(123_400).to_string(), "¥1,234.00");
        assert_eq!(Money(30_000).to_string(), "¥300.00");
        assert_eq!(Money(5).to_string(), "¥0.05");
        assert_eq!(Money(12_345_678_900).to_string(), "¥123,456,789.00");
        assert_eq!(Money(30_050).yuan_string(), "300.50");
    }

    #[test]
    fn parsed_from_what_people_type() {
        assert_eq!(Money::parse_yuan("300"), Ok(Money(30_000)));
        assert_eq!(Money::parse_yuan("300.5"), Ok(Money(30_050)));
        assert_eq!(Money::parse_yuan("¥1,234.00"), Ok(Money(123_400)));
        assert_eq!(Money::parse_yuan("０.０５"), Ok(Money(5)));
        for bad in ["", "abc", "1.234", "-5", "1e3", "."] {
            assert!(Money::parse_yuan(bad).is_err(), "{bad}");
        }
        assert_eq!(Money::from_fen(-1), None);
    }
}
