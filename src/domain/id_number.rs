//! Resident identity card numbers (公民身份号码), GB 11643-1999.

use serde::{Deserialize, Serialize};

use super::{InvalidValue, text::normalize_width};
use crate::i18n::{Msg, T};

/// An 18-character resident ID number whose region, birth date and MOD 11-2 check character
/// are valid. Stored upper-case (`X`), ASCII.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct IdNumber(String);

const WEIGHTS: [u32; 17] = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
const CHECK_CHARS: [char; 11] = ['1', '0', 'X', '9', '8', '7', '6', '5', '4', '3', '2'];

/// Province-level codes (GB/T 2260), plus 81–83 used by Hong Kong, Macao and Taiwan
/// residence permits.
const PROVINCES: [u32; 37] = [
    11, 12, 13, 14, 15, 21, 22, 23, 31, 32, 33, 34, 35, 36, 37, 41, 42, 43, 44, 45, 46, 50, 51, 52,
    53, 54, 61, 62, 63, 64, 65, 71, 81, 82, 83, 91, 92,
];

impl IdNumber {
    /// Checks an ID number as typed: spaces ignored, full-width digits and a lower-case `x`
    /// accepted.
    pub fn parse(input: &str) -> Result<IdNumber, InvalidValue> {
        let cleaned: String = normalize_width(input)
            .chars()
            .filter(|c| !c.is_whitespace())
            .map(|c| c.to_ascii_uppercase())
            .collect();
        let chars: Vec<char> = cleaned.chars().collect();
        if chars.len() != 18 {
            return Err(Msg::with(T::ErrIdNumberLength, [chars.len().to_string()]).into());
        }
        let mut digits = [0u32; 17];
        for (slot, c) in digits.iter_mut().zip(&chars[..17]) {
            *slot = c
                .to_digit(10)
                .ok_or(InvalidValue::from(T::ErrIdNumberDigits))?;
        }
        let last = chars[17];
        if !(last.is_ascii_digit() || last == 'X') {
            return Err(T::ErrIdNumberLast.into());
        }
        let province = digits[0] * 10 + digits[1];
        if !PROVINCES.contains(&province) {
            return Err(Msg::with(T::ErrIdNumberRegion, [format!("{province:02}")]).into());
        }
        let number = |range: std::ops::Range<usize>| range.fold(0, |n, i| n * 10 + digits[i]);
        let (year, month, day) = (number(6..10), number(10..12), number(12..14));
        if !is_real_date(year, month, day) {
            return Err(Msg::with(T::ErrIdNumberBirthDate, [cleaned[6..14].to_owned()]).into());
        }
        // Nobody was born after today (China's date).
        let today = time::OffsetDateTime::now_utc()
            .to_offset(super::CHINA)
            .date();
        let today = today.year() as u32 * 10_000
            + u32::from(u8::from(today.month())) * 100
            + u32::from(today.day());
        if year * 10_000 + month * 100 + day > today {
            return Err(Msg::with(T::ErrIdNumberBirthFuture, [cleaned[6..14].to_owned()]).into());
        }
        let sum: u32 = digits.iter().zip(WEIGHTS).map(|(d, w)| d * w).sum();
        // The right check character is not named: a digit mistyped earlier makes the first
        // 17 give another one, and "should be 8" would lead to a valid-looking wrong number.
        let expected = CHECK_CHARS[(sum % 11) as usize];
        if last != expected {
            return Err(T::ErrIdNumberCheck.into());
        }
        Ok(IdNumber(cleaned))
    }

    /// The number whose first 17 digits are `first17`, with its check character; `None`
    /// when those digits do not make a valid number (region, birth date).
    pub fn complete(first17: &str) -> Option<IdNumber> {
        let digits: Vec<u32> = first17
            .chars()
            .map(|c| c.to_digit(10))
            .collect::<Option<_>>()?;
        if digits.len() != 17 {
            return None;
        }
        let sum: u32 = digits.iter().zip(WEIGHTS).map(|(d, w)| d * w).sum();
        IdNumber::parse(&format!("{first17}{}", CHECK_CHARS[(sum % 11) as usize])).ok()
    }

    /// The number, 18 ASCII characters.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The birth date as (year, month, day).
    pub fn birth_date(&self) -> (u32, u32, u32) {
        let n = |r: std::ops::Range<usize>| self.0[r].parse::<u32>().unwrap_or(0);
        (n(6..10), n(10..12), n(12..14))
    }
}

fn is_real_date(year: u32, month: u32, day: u32) -> bool {
    if !(1900..=9999).contains(&year) || !(1..=12).contains(&month) || day == 0 {
        return false;
    }
    let leap = (year.is_multiple_of(4) && !year.is_multiple_of(100)) || year.is_multiple_of(400);
    let days = match month {
        2 if leap => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    };
    day <= days
}

impl TryFrom<String> for IdNumber {
    type Error = InvalidValue;
    fn try_from(value: String) -> Result<Self, Self::Error> {
        IdNumber::parse(&value)
    }
}

impl From<IdNumber> for String {
    fn from(value: IdNumber) -> String {
        value.0
    }
}

impl std::fmt::Display for IdNumber {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_birth_date_after_today_is_called_that() {
        // A real date, checksummed, born in 2100: not "not a real date".
        let mut number = String::from("43010221001231001");
        let digits: Vec<u32> = number.chars().filter_map(|c| c.to_digit(10)).collect();
        let sum: u32 = digits.iter().zip(WEIGHTS).map(|(d, w)| d * w).sum();
        number.push(CHECK_CHARS[(sum % 11) as usize]);
        let refused = IdNumber::parse(&number)
            .err()
            .map(|e| e.render(crate::i18n::Lang::En));
        assert_eq!(
            refused.as_deref(),
            Some("the birth date 21001231 in the ID number is after today")
        );
    }

    #[test]
    fn control_characters_are_not_part_of_a_number() {
        for typed in [
            "11010519491231002X\0",
            "\u{0}11010519491231002X",
            "110105194912\u{7}31002X",
        ] {
            assert!(IdNumber::parse(typed).is_err(), "{typed:?}");
        }
    }
    use crate::i18n::Lang;

    fn error(input: &str) -> String {
        IdNumber::parse(input)
            .err()
            .map(|e| e.render(Lang::En))
            .unwrap_or_default()
    }

    #[test]
    fn published_vector_with_x_check_character_is_valid() {
        assert_eq!(
            IdNumber::parse("11010519491231002X").map(|i| i.0),
            Ok("11010519491231002X".into())
        );
    }

    #[test]
    fn a_wrong_check_character_is_said_without_naming_the_right_one() {
        let message = error("110101199003077757");
        assert!(message.contains("does not add up"), "{message}");
        assert!(!message.contains('8'), "{message}");
        assert!(IdNumber::parse("110101199003077758").is_ok());
    }

    #[test]
    fn lower_case_x_and_full_width_digits_are_normalised() {
        assert_eq!(
            IdNumber::parse("11010519491231002x").map(|i| i.0),
            Ok("11010519491231002X".into())
        );
        assert_eq!(
            IdNumber::parse("１１０１０５１９４９１２３１００２Ｘ").map(|i| i.0),
            Ok("11010519491231002X".into())
        );
        assert_eq!(
            IdNumber::parse(" 110105 19491231 002X ").map(|i| i.0),
            Ok("11010519491231002X".into())
        );
    }

    #[test]
    fn impossible_birth_dates_are_refused() {
        // 1999-02-30 with a correct check character for those 17 digits.
        let seventeen = "43010219990230123";
        let sum: u32 = seventeen
            .chars()
            .zip(WEIGHTS)
            .map(|(c, w)| c.to_digit(10).unwrap_or(0) * w)
            .sum();
        let id = format!("{seventeen}{}", CHECK_CHARS[(sum % 11) as usize]);
        assert!(error(&id).contains("19990230"), "{}", error(&id));
        let leap = "43010220000229123";
        let sum: u32 = leap
            .chars()
            .zip(WEIGHTS)
            .map(|(c, w)| c.to_digit(10).unwrap_or(0) * w)
            .sum();
        assert!(IdNumber::parse(&format!("{leap}{}", CHECK_CHARS[(sum % 11) as usize])).is_ok());
        assert!(!is_real_date(1900, 2, 29));
        assert!(is_real_date(2000, 2, 29));
        assert!(!is_real_date(1990, 13, 1));
        assert!(!is_real_date(1990, 4, 31));
    }

    #[test]
    fn length_letters_and_region_are_explained() {
        assert!(error("1101051949123100").contains("this one has 16"));
        assert!(error("1101051949123A002X").contains("first 17"));
        assert!(error("11010519491231002Y").contains("last character"));
        assert!(error("99010519491231002X").contains("region code 99"));
        assert!(error("").contains("has 0"));
    }

    #[test]
    fn serde_parses_on_the_way_in() {
        let ok: Result<IdNumber, _> = serde_json::from_str("\"11010519491231002x\"");
        assert_eq!(ok.ok().map(|i| i.0), Some("11010519491231002X".into()));
        assert!(serde_json::from_str::<IdNumber>("\"110101199003077757\"").is_err());
    }
}
