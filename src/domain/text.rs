//! Free text typed by a person: trimmed, full-width forms folded, length-bounded.

use super::InvalidValue;
use crate::i18n::{Msg, T};

/// Folds full-width ASCII forms (`０-９`, `Ａ-Ｚ`, `ａ-ｚ`, the ideographic space…) to their
/// ASCII equivalents, as Chinese input methods often produce them.
pub fn normalize_width(input: &str) -> String {
    input
        .chars()
        .map(|c| match c {
            '\u{3000}' => ' ',
            '\u{FF01}'..='\u{FF5E}' => char::from_u32(c as u32 - 0xFEE0).unwrap_or(c),
            _ => c,
        })
        .collect()
}

/// Non-empty text of at most `MAX` characters, trimmed.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct RequiredText<const MAX: usize>(String);

impl<const MAX: usize> RequiredText<MAX> {
    /// Trims `input` and checks it is present and not too long.
    pub fn parse(input: &str) -> Result<Self, InvalidValue> {
        let trimmed = input.trim();
        if trimmed.is_empty() {
            return Err(T::ErrRequired.into());
        }
        if trimmed.chars().count() > MAX {
            return Err(Msg::with(T::ErrTooLong, [MAX.to_string()]).into());
        }
        Ok(RequiredText(trimmed.to_owned()))
    }

    /// The text.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The text, owned.
    pub fn into_inner(self) -> String {
        self.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn full_width_digits_and_letters_fold_to_ascii() {
        assert_eq!(normalize_width("１２３ａＢ　x"), "123aB x");
        assert_eq!(normalize_width("湘潭"), "湘潭");
    }

    #[test]
    fn required_text_is_trimmed_and_bounded() {
        assert_eq!(
            RequiredText::<4>::parse("  张三 ").map(|t| t.into_inner()),
            Ok("张三".into())
        );
        assert!(RequiredText::<4>::parse("   ").is_err());
        assert!(RequiredText::<4>::parse("一二三四").is_ok());
        assert!(RequiredText::<4>::parse("一二三四五").is_err());
    }
}
