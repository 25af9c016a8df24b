//! Mobile numbers, postal codes and email addresses.

use serde::{Deserialize, Serialize};

use super::{InvalidValue, text::normalize_width};
use crate::i18n::T;

macro_rules! string_newtype {
    ($name:ident) => {
        impl $name {
            /// The normalised value.
            pub fn as_str(&self) -> &str {
                &self.0
            }
        }

        impl TryFrom<String> for $name {
            type Error = InvalidValue;
            fn try_from(value: String) -> Result<Self, Self::Error> {
                $name::parse(&value)
            }
        }

        impl From<$name> for String {
            fn from(value: $name) -> String {
                value.0
            }
        }

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(&self.0)
            }
        }
    };
}

/// A mainland China mobile number, normalised to 11 digits (`13812345678`).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct Phone(String);
string_newtype!(Phone);

impl Phone {
    /// Accepts `138 1234 5678`, `138-1234-5678`, `+86 13812345678`, `8613812345678`,
    /// `0086…` and full-width digits.
    pub fn parse(input: &str) -> Result<Phone, InvalidValue> {
        let folded = normalize_width(input);
        let trimmed = folded.trim();
        let had_plus = trimmed.starts_with('+');
        let mut digits: String = trimmed
            .chars()
            .filter(|c| !matches!(c, ' ' | '-' | '(' | ')' | '+' | '.'))
            .collect();
        if !digits.chars().all(|c| c.is_ascii_digit()) {
            return Err(T::ErrPhone.into());
        }
        if let Some(rest) = digits.strip_prefix("0086") {
            digits = rest.to_owned();
        } else if digits.len() == 13 && digits.starts_with("86") {
            digits = digits[2..].to_owned();
        } else if had_plus {
            return Err(T::ErrPhone.into());
        }
        let bytes = digits.as_bytes();
        if bytes.len() != 11 || bytes[0] != b'1' || !(b'3'..=b'9').contains(&bytes[1]) {
            return Err(T::ErrPhone.into());
        }
        Ok(Phone(digits))
    }
}

/// The number a courier calls the recipient on: a mobile number ([`Phone`]'s rule), or a
/// landline with its area code (an office's), kept as `0731-85172903` (and `-123` for an
/// extension).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct RecipientPhone(String);
string_newtype!(RecipientPhone);

impl RecipientPhone {
    /// A mobile number as [`Phone::parse`] reads it; else a landline: an area code of 3 or
    /// 4 digits starting with 0 (010, 020–029 have 3), 7 or 8 digits, an extension of up
    /// to 6 after `-` or 转. Spaces, brackets and full-width digits are read too:
    /// `(0731) 8517 2903`, `073185172903`, `010-12345678转123`.
    pub fn parse(input: &str) -> Result<RecipientPhone, InvalidValue> {
        if let Ok(mobile) = Phone::parse(input) {
            return Ok(RecipientPhone(mobile.0));
        }
        let refused = || InvalidValue::from(T::ErrRecipientPhone);
        let folded = normalize_width(input).replace('转', "-");
        let cleaned: String = folded
            .trim()
            .chars()
            .filter(|c| !matches!(c, ' ' | '(' | ')'))
            .collect();
        let parts: Vec<&str> = cleaned.split('-').collect();
        if parts
            .iter()
            .any(|p| p.is_empty() || !p.bytes().all(|b| b.is_ascii_digit()))
        {
            return Err(refused());
        }
        let (area, number, extension) = match parts.as_slice() {
            [whole] => {
                let area_len = if whole.starts_with("01") || whole.starts_with("02") {
                    3
                } else {
                    4
                };
                if whole.len() <= area_len {
                    return Err(refused());
                }
                (&whole[..area_len], &whole[area_len..], None)
            }
            [area, number] => (*area, *number, None),
            [area, number, extension] => (*area, *number, Some(*extension)),
            _ => return Err(refused()),
        };
        let area_ok = area.starts_with('0') && (3..=4).contains(&area.len());
        let number_ok = (7..=8).contains(&number.len());
        let extension_ok = extension.is_none_or(|e| e.len() <= 6);
        if !(area_ok && number_ok && extension_ok) {
            return Err(refused());
        }
        Ok(RecipientPhone(match extension {
            Some(extension) => format!("{area}-{number}-{extension}"),
            None => format!("{area}-{number}"),
        }))
    }
}

/// A six-digit postal code.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct PostalCode(String);
string_newtype!(PostalCode);

impl PostalCode {
    /// Accepts six digits, full-width included, spaces between them dropped (`410 011`).
    pub fn parse(input: &str) -> Result<PostalCode, InvalidValue> {
        let folded = normalize_width(input);
        let code: String = folded.chars().filter(|c| !c.is_whitespace()).collect();
        if code.len() == 6 && code.chars().all(|c| c.is_ascii_digit()) {
            Ok(PostalCode(code))
        } else {
            Err(T::ErrPostalCode.into())
        }
    }
}

/// The name of a province, city or district (湖南省, 长沙市, 岳麓区, Changsha): letters of
/// any script, with digits, spaces and the marks place names use (· - 、 and brackets),
/// at most 30 characters; at least one letter, so `!!@@` is not a city.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct PlaceName(String);
string_newtype!(PlaceName);

impl PlaceName {
    /// Accepts a place name as typed, by the one rule for them ([`super::place_name`]).
    pub fn parse(input: &str) -> Result<PlaceName, InvalidValue> {
        super::text::place_name(input).map(PlaceName)
    }
}

/// An email address: one `@`, a local part, a domain with a dot; the domain lower-cased.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct Email(String);
string_newtype!(Email);

impl Email {
    /// Checks the shape only; whether the mailbox exists is for the mail server to say.
    pub fn parse(input: &str) -> Result<Email, InvalidValue> {
        let folded = normalize_width(input);
        let address = folded.trim();
        let Some((local, domain)) = address.rsplit_once('@') else {
            return Err(T::ErrEmail.into());
        };
        let labels_ok = domain
            .split('.')
            .all(|l| !l.is_empty() && l.chars().all(|c| c.is_alphanumeric() || c == '-'));
        // The mailbox as people write it, dots between its parts: a quoted one, legal but
        // unused, could carry `<`, `"` or brackets into every place that shows or mails it.
        // (The same rule is the API schema's pattern, `api::schemas::email`.)
        let quoting = |c: char| "\"(),:;<>[\\]".contains(c);
        let local_ok = local
            .split('.')
            .all(|part| !part.is_empty() && !part.chars().any(quoting));
        if local.is_empty()
            || !local_ok
            || address.len() > 254
            || local.contains('@')
            || address.chars().any(|c| c.is_whitespace() || c.is_control())
            || !domain.contains('.')
            || !labels_ok
        {
            return Err(T::ErrEmail.into());
        }
        Ok(Email(format!("{local}@{}", domain.to_lowercase())))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_recipient_is_called_on_a_mobile_or_an_office_landline() {
        for (typed, kept) in [
            ("138 1234 5678", "13812345678"),
            ("0731-85172903", "0731-85172903"),
            ("(0731) 8517 2903", "0731-85172903"),
            ("073185172903", "0731-85172903"),
            ("01012345678", "010-12345678"),
            ("010-1234567", "010-1234567"),
            ("０７３１－８５１７２９０３", "0731-85172903"),
            ("0731-85172903转123", "0731-85172903-123"),
            ("0731-85172903-8001", "0731-85172903-8001"),
        ] {
            assert_eq!(
                RecipientPhone::parse(typed).map(String::from),
                Ok(kept.to_owned()),
                "{typed}"
            );
        }
        for bad in [
            "",
            "12345",
            "85172903",
            "0731-851729",
            "0731-851729031",
            "731-85172903",
            "0731--85172903",
            "0731-85172903-1234567",
            "0731-8517290a",
            "+86 0731 85172903",
        ] {
            assert!(RecipientPhone::parse(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn phone_numbers_in_the_shapes_people_type_them() {
        for typed in [
            "13812345678",
            "138 1234 5678",
            "138-1234-5678",
            "+86 138 1234 5678",
            "8613812345678",
            "008613812345678",
            "１３８１２３４５６７８",
        ] {
            assert_eq!(
                Phone::parse(typed).map(|p| p.0),
                Ok("13812345678".into()),
                "{typed}"
            );
        }
    }

    #[test]
    fn landlines_short_numbers_and_foreign_numbers_are_refused() {
        for typed in [
            "0731-85172903",
            "1381234567",
            "12812345678",
            "+1 415 555 0100",
            "138123456789",
            "1381234567a",
            "",
        ] {
            assert!(Phone::parse(typed).is_err(), "{typed}");
        }
    }

    #[test]
    fn postal_codes_are_six_digits() {
        assert_eq!(
            PostalCode::parse(" 410000 ").map(|p| p.0),
            Ok("410000".into())
        );
        assert!(PostalCode::parse("４１１１０１").is_ok());
        assert_eq!(
            PostalCode::parse("410 011").map(|p| p.0),
            Ok("410011".into())
        );
        assert!(PostalCode::parse("410 01").is_err());
        assert!(PostalCode::parse("41000").is_err());
        assert!(PostalCode::parse("41000a").is_err());
    }

    #[test]
    fn email_shape_is_checked_and_domain_lower_cased() {
        assert_eq!(
            Email::parse("Zhang.San@Example.COM").map(|e| e.0),
            Ok("Zhang.San@example.com".into())
        );
        assert!(Email::parse("a@湖南.中国").is_ok());
        assert!(Email::parse("li.si+invoice@ca-hn.example.cn").is_ok());
        for bad in [
            "",
            "zhang",
            "zhang@",
            "@example.com",
            "zhang@example",
            "zhang san@example.com",
            "a@b@c.com",
            "a@example..com",
            "\"<svg/onload=alert(1)>\"@x.com",
            "<a>@x.com",
            "a..b@x.com",
            ".a@x.com",
        ] {
            assert!(Email::parse(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn place_names_are_words_not_symbols() {
        for ok in [
            "长沙市",
            "岳麓区",
            "Changsha",
            "湘西土家族苗族自治州",
            "第九区",
        ] {
            assert!(PlaceName::parse(ok).is_ok(), "{ok}");
        }
        for bad in ["!!@@", "123", "", "长沙市!", "   "] {
            assert!(PlaceName::parse(bad).is_err(), "{bad}");
        }
    }
}
