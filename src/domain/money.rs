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

    /// The amount in capital numerals as written on invoices (大写金额), zeros written the
    /// People's Bank way: `¥1,005.00` → `壹仟零伍元整`, `¥1.02` → `壹元零贰分`.
    pub fn to_chinese_capital(self) -> String {
        // Negative amounts cannot be built, but a hand-edited record could hold one.
        let fen = self.0.unsigned_abs();
        let (yuan, jiao, fen) = (fen / 100, (fen / 10 % 10) as usize, (fen % 10) as usize);
        let mut out = String::new();
        if yuan > 0 {
            push_capital_integer(yuan, &mut out);
            out.push('元');
        }
        match (jiao, fen) {
            (0, 0) if yuan == 0 => out.push_str("零元整"),
            (0, 0) => out.push('整'),
            (0, f) => {
                // A zero jiao between yuan and fen is spoken: 壹元零贰分.
                if yuan > 0 {
                    out.push('零');
                }
                out.push(CAPITAL_DIGITS[f]);
                out.push('分');
            }
            (j, f) => {
                out.push(CAPITAL_DIGITS[j]);
                out.push('角');
                if f > 0 {
                    out.push(CAPITAL_DIGITS[f]);
                    out.push('分');
                }
            }
        }
        out
    }
}

const CAPITAL_DIGITS: [char; 10] = ['零', '壹', '贰', '叁', '肆', '伍', '陆', '柒', '捌', '玖'];
const CAPITAL_UNITS: [&str; 4] = ["", "拾", "佰", "仟"];
const YI: u64 = 100_000_000;

/// Writes a positive whole number: 亿 sections recursively (so 10¹² is 壹万亿), each below
/// 亿 as a 万 group and a unit group.
fn push_capital_integer(n: u64, out: &mut String) {
    if n >= YI {
        push_capital_integer(n / YI, out);
        out.push('亿');
    }
    push_capital_below_yi(n % YI, out);
}

/// Writes `n` < 10⁸. A run of zeros becomes one 零 when something non-zero follows, except
/// zeros just before 万: the People's Bank lets that 零 be left out (壹拾万伍仟元整), and
/// invoices usually do.
fn push_capital_below_yi(n: u64, out: &mut String) {
    let mut zero_pending = false;
    for position in (0..8).rev() {
        let digit = (n / 10u64.pow(position) % 10) as usize;
        if digit == 0 {
            zero_pending = !out.is_empty();
        } else {
            if zero_pending {
                out.push('零');
                zero_pending = false;
            }
            out.push(CAPITAL_DIGITS[digit]);
            out.push_str(CAPITAL_UNITS[position as usize % 4]);
        }
        if position == 4 && n / 10_000 > 0 {
            out.push('万');
            zero_pending = false;
        }
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

/// Was an order paid without money coming in — at the sandbox cashier, or by transfer to
/// the example bank account (`example_account`: the configured account is still the
/// placeholder)? Its certificate must not go out, nor its invoice pass for one. The one
/// rule the mailroom's labels and the TUI's lists both follow.
pub fn paid_without_money(payment_method: Option<&str>, example_account: bool) -> bool {
    match payment_method {
        Some("sandbox") => true,
        Some("bank_transfer") => example_account,
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn money_came_in_unless_the_cashier_or_the_account_was_a_stand_in() {
        assert!(paid_without_money(Some("sandbox"), false));
        assert!(paid_without_money(Some("bank_transfer"), true));
        assert!(!paid_without_money(Some("bank_transfer"), false));
        assert!(!paid_without_money(Some("alipay"), true));
        assert!(!paid_without_money(None, true));
    }

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

    fn capital(yuan: &str) -> String {
        Money::parse_yuan(yuan)
            .map(Money::to_chinese_capital)
            .unwrap_or_default()
    }

    #[test]
    fn round_amounts_end_with_zheng() {
        assert_eq!(capital("300.00"), "叁佰元整");
        assert_eq!(capital("0.00"), "零元整");
        assert_eq!(capital("100000"), "壹拾万元整");
        assert_eq!(capital("200000000"), "贰亿元整");
        assert_eq!(capital("10"), "壹拾元整");
        assert_eq!(capital("1"), "壹元整");
    }

    #[test]
    fn jiao_and_fen_end_without_zheng() {
        assert_eq!(capital("1234.50"), "壹仟贰佰叁拾肆元伍角");
        assert_eq!(capital("1234.56"), "壹仟贰佰叁拾肆元伍角陆分");
        assert_eq!(capital("0.05"), "伍分");
        assert_eq!(capital("0.50"), "伍角");
        assert_eq!(capital("0.55"), "伍角伍分");
        assert_eq!(capital("10.30"), "壹拾元叁角");
    }

    #[test]
    fn a_zero_jiao_before_fen_is_written() {
        assert_eq!(capital("1.02"), "壹元零贰分");
        assert_eq!(capital("325.04"), "叁佰贰拾伍元零肆分");
        assert_eq!(capital("16409.02"), "壹万陆仟肆佰零玖元零贰分");
    }

    #[test]
    fn zeros_inside_the_number_are_one_ling() {
        assert_eq!(capital("1005.00"), "壹仟零伍元整");
        assert_eq!(capital("1409.50"), "壹仟肆佰零玖元伍角");
        assert_eq!(capital("6007.14"), "陆仟零柒元壹角肆分");
        assert_eq!(capital("10000001.00"), "壹仟万零壹元整");
        assert_eq!(capital("1000010.00"), "壹佰万零壹拾元整");
        assert_eq!(capital("100005"), "壹拾万零伍元整");
        assert_eq!(capital("100050000"), "壹亿零伍万元整");
        assert_eq!(capital("100000005"), "壹亿零伍元整");
        assert_eq!(capital("1000000005"), "壹拾亿零伍元整");
    }

    #[test]
    fn zeros_just_before_wan_are_left_out_when_thousands_follow() {
        assert_eq!(capital("105000.00"), "壹拾万伍仟元整");
        assert_eq!(capital("107000.53"), "壹拾万柒仟元伍角叁分");
        assert_eq!(capital("120000000"), "壹亿贰仟万元整");
    }

    #[test]
    fn every_ten_is_written_with_yi() {
        assert_eq!(capital("15"), "壹拾伍元整");
        assert_eq!(capital("110000"), "壹拾壹万元整");
        assert_eq!(capital("1000000000"), "壹拾亿元整");
    }

    #[test]
    fn large_amounts_group_by_wan_and_yi() {
        assert_eq!(
            capital("123456789.00"),
            "壹亿贰仟叁佰肆拾伍万陆仟柒佰捌拾玖元整"
        );
        assert_eq!(
            Money::from_fen(100_000_000_000_000).map(Money::to_chinese_capital),
            Some("壹万亿元整".into())
        );
        assert_eq!(
            Money::from_fen(100_000_500_000_000).map(Money::to_chinese_capital),
            Some("壹万亿零伍佰万元整".into())
        );
        assert_eq!(capital("123400000000"), "壹仟贰佰叁拾肆亿元整");
        // The largest amount a Money can hold: 亿 within 亿.
        assert_eq!(
            Money::from_fen(i64::MAX).map(Money::to_chinese_capital),
            Some("玖亿贰仟贰佰叁拾叁万柒仟贰佰零叁亿陆仟捌佰伍拾肆万柒仟柒佰伍拾捌元零柒分".into())
        );
    }
}
