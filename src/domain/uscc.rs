//! Unified social credit codes (统一社会信用代码), GB 32100-2015.

use serde::{Deserialize, Serialize};

use super::{InvalidValue, text::normalize_width};
use crate::i18n::{Msg, T};

/// An 18-character unified social credit code with a valid check character.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct Uscc(String);

/// The code's alphabet: digits and capitals without I, O, S, V and Z.
const ALPHABET: &str = "0123456789ABCDEFGHJKLMNPQRTUWXY";
const WEIGHTS: [u32; 17] = [
    1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28,
];

fn value_of(c: char) -> Option<u32> {
    ALPHABET.find(c).map(|i| i as u32)
}

impl Uscc {
    /// Checks a code as typed: spaces ignored, lower case and full-width accepted.
    pub fn parse(input: &str) -> Result<Uscc, InvalidValue> {
        let cleaned: String = normalize_width(input)
            .chars()
            .filter(|c| !c.is_whitespace())
            .map(|c| c.to_ascii_uppercase())
            .collect();
        let chars: Vec<char> = cleaned.chars().collect();
        if chars.len() != 18 {
            return Err(Msg::with(T::ErrUsccLength, [chars.len().to_string()]).into());
        }
        let mut values = [0u32; 18];
        for (i, (slot, c)) in values.iter_mut().zip(&chars).enumerate() {
            *slot = value_of(*c).ok_or_else(|| {
                InvalidValue(Msg::with(
                    T::ErrUsccChar,
                    [(i + 1).to_string(), c.to_string()],
                ))
            })?;
        }
        let sum: u32 = values[..17].iter().zip(WEIGHTS).map(|(v, w)| v * w).sum();
        let check = (31 - sum % 31) % 31;
        let expected = ALPHABET.chars().nth(check as usize).unwrap_or('0');
        // Not named, as for an ID number: a character mistyped earlier gives another one.
        if chars[17] != expected {
            return Err(T::ErrUsccCheck.into());
        }
        Ok(Uscc(cleaned))
    }

    /// The code, 18 ASCII characters.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl TryFrom<String> for Uscc {
    type Error = InvalidValue;
    fn try_from(value: String) -> Result<Self, Self::Error> {
        Uscc::parse(&value)
    }
}

impl From<Uscc> for String {
    fn from(value: Uscc) -> String {
        value.0
    }
}

impl std::fmt::Display for Uscc {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::i18n::Lang;

    fn error(input: &str) -> String {
        Uscc::parse(input)
            .err()
            .map(|e| e.render(Lang::En))
            .unwrap_or_default()
    }

    #[test]
    fn published_vector_is_valid() {
        assert_eq!(
            Uscc::parse("91110000600037341L").map(|u| u.0),
            Ok("91110000600037341L".into())
        );
        assert!(Uscc::parse("91110000600037341l").is_ok());
        assert!(Uscc::parse("９１１１００００６０００３７３４１Ｌ").is_ok());
    }

    #[test]
    fn a_wrong_check_character_is_said_without_naming_the_right_one() {
        assert!(
            error("91110000600037341M").contains("does not add up")
                && !error("91110000600037341M").contains('L'),
            "{}",
            error("91110000600037341M")
        );
    }

    #[test]
    fn letters_outside_the_alphabet_are_named_with_their_position() {
        let message = error("9111000060003734IL");
        assert!(message.contains("character 17 (\"I\")"), "{message}");
        assert!(error("O1110000600037341L").contains("character 1 (\"O\")"));
        for banned in ['I', 'O', 'S', 'V', 'Z'] {
            assert!(value_of(banned).is_none());
        }
    }

    #[test]
    fn wrong_length_is_explained() {
        assert!(error("9111000060003734").contains("this one has 16"));
    }
}
