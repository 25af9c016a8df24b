//! Human text — names, addresses, notes, reasons, searches — and the one rule it passes
//! before the platform keeps it or a terminal shows it: no control characters (a newline
//! only where the field has several lines), no characters that reverse or isolate the
//! direction of text, something visible, NFC, trimmed, bounded.
//!
//! The rule exists because such text travels: into every clerk's terminal (an ESC
//! sequence in a name would repaint their screen), onto paper, into PostgreSQL (which
//! refuses NUL) and into searches.

use unicode_normalization::UnicodeNormalization;

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

/// Whether a field holds one line or several.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Lines {
    /// Names, addresses, searches: a newline is refused.
    One,
    /// Notes and reasons: newlines are kept (CR LF and CR become LF).
    Many,
}

/// Control characters: C0 with DEL, and C1 (what `char::is_control` means), as ranges.
pub const CONTROLS: &[(char, char)] = &[('\u{0}', '\u{1F}'), ('\u{7F}', '\u{9F}')];

/// Characters that change the direction text is shown in: the embeddings and overrides
/// (U+202A–U+202E), the isolates (U+2066–U+2069) and the invisible marks (ALM, LRM, RLM).
/// U+202E turns `gpj.exe` into what reads as `exe.jpg`.
pub const DIRECTION_CONTROLS: &[(char, char)] = &[
    ('\u{061C}', '\u{061C}'),
    ('\u{200E}', '\u{200F}'),
    ('\u{202A}', '\u{202E}'),
    ('\u{2066}', '\u{2069}'),
];

/// The line and paragraph separators: a line break in all but name, refused in one line.
pub const LINE_SEPARATORS: &[(char, char)] = &[('\u{2028}', '\u{2029}')];

/// Characters that take no room and show nothing: zero-width spaces and joiners, word
/// joiners, the byte-order mark, soft hyphens, variation selectors, tags, fillers.
pub const INVISIBLE: &[(char, char)] = &[
    ('\u{00AD}', '\u{00AD}'),
    ('\u{034F}', '\u{034F}'),
    ('\u{115F}', '\u{1160}'),
    ('\u{17B4}', '\u{17B5}'),
    ('\u{180B}', '\u{180F}'),
    ('\u{200B}', '\u{200D}'),
    ('\u{2060}', '\u{2064}'),
    ('\u{206A}', '\u{206F}'),
    ('\u{3164}', '\u{3164}'),
    ('\u{FE00}', '\u{FE0F}'),
    ('\u{FEFF}', '\u{FEFF}'),
    ('\u{FFA0}', '\u{FFA0}'),
    ('\u{1D173}', '\u{1D17A}'),
    ('\u{E0000}', '\u{E0FFF}'),
];

fn in_ranges(c: char, ranges: &[(char, char)]) -> bool {
    ranges.iter().any(|(from, to)| (*from..=*to).contains(&c))
}

/// True for the direction controls ([`DIRECTION_CONTROLS`]).
pub fn is_bidi_control(c: char) -> bool {
    in_ranges(c, DIRECTION_CONTROLS)
}

/// True for characters that show nothing ([`INVISIBLE`]).
pub fn is_invisible(c: char) -> bool {
    in_ranges(c, INVISIBLE)
}

/// The JSON-Schema pattern (ECMA-262, also a Python regex) of what [`human_text`] accepts
/// in one line: no control, direction or separator character, and at least one character
/// that is neither space nor invisible. Built from the same ranges the rule checks, so the
/// contract and the check cannot drift apart.
pub fn one_line_pattern() -> String {
    let forbidden = [CONTROLS, DIRECTION_CONTROLS, LINE_SEPARATORS].concat();
    let class = regex_ranges(&forbidden);
    // Invisible characters outside the Basic Multilingual Plane cannot be written in a
    // pattern both dialects read; they are rare enough to leave to the server's message.
    let bmp_invisible: Vec<(char, char)> = INVISIBLE
        .iter()
        .copied()
        .filter(|(_, to)| (*to as u32) <= 0xFFFF)
        .collect();
    let blank = regex_ranges(&bmp_invisible);
    format!("^[^{class}]*[^{class}\\s{blank}][^{class}]*$")
}

/// The pattern of several lines of [`human_text`] (notes, reasons): as one line, with line
/// breaks allowed.
pub fn lines_pattern() -> String {
    let forbidden: Vec<(char, char)> = [CONTROLS, DIRECTION_CONTROLS]
        .concat()
        .into_iter()
        .flat_map(|(from, to)| {
            // Take `\n` and `\r` out of the C0 range.
            if from == '\u{0}' {
                vec![('\u{0}', '\u{9}'), ('\u{B}', '\u{C}'), ('\u{E}', to)]
            } else {
                vec![(from, to)]
            }
        })
        .collect();
    let class = regex_ranges(&forbidden);
    let bmp_invisible: Vec<(char, char)> = INVISIBLE
        .iter()
        .copied()
        .filter(|(_, to)| (*to as u32) <= 0xFFFF)
        .collect();
    let blank = regex_ranges(&bmp_invisible);
    format!("^[^{class}]*[^{class}\\s{blank}][^{class}]*$")
}

/// The pattern of an optional [`lines_pattern`] text: as it, or blank (spaces and line
/// breaks only), which the platform takes as not given.
pub fn optional_lines_pattern() -> String {
    let many = lines_pattern();
    let body = many
        .strip_prefix('^')
        .and_then(|p| p.strip_suffix('$'))
        .unwrap_or(&many);
    // Spaces of every kind and line breaks: what the rule trims to nothing (tabs and the
    // other controls are refused, not trimmed).
    format!(
        "^(?:{body}|[ \\r\\n\\u00A0\\u1680\\u2000-\\u200A\\u2028\\u2029\\u202F\\u205F\\u3000]*)$"
    )
}

/// `\u0000-\u001F\u007F-\u009F…`: ranges of BMP characters as a regex class body.
fn regex_ranges(ranges: &[(char, char)]) -> String {
    ranges
        .iter()
        .map(|(from, to)| {
            if from == to {
                format!("\\u{:04X}", *from as u32)
            } else {
                format!("\\u{:04X}-\\u{:04X}", *from as u32, *to as u32)
            }
        })
        .collect()
}

/// True for characters a terminal must never be sent from data: C0 and C1 controls and
/// DEL (ESC, BEL, NUL…), and the direction controls.
pub fn is_unsafe_for_terminal(c: char) -> bool {
    c.is_control() || is_bidi_control(c)
}

/// What a caller sent, said back in a message: without what a terminal would act on
/// ([`is_unsafe_for_terminal`]), at most `max` characters.
pub fn said_back(sent: &str, max: usize) -> String {
    sent.chars()
        .filter(|c| !is_unsafe_for_terminal(*c))
        .take(max)
        .collect()
}

/// Applies the rule to `input`: at most `max` characters as sent, line ends unified,
/// controls and direction characters refused, NFC, trimmed (also of invisible characters at
/// either end). Blank input gives an empty string — whether a field may be blank is the
/// caller's rule; input with characters but none visible is refused.
pub fn human_text(input: &str, lines: Lines, max: usize) -> Result<String, InvalidValue> {
    // Counted as sent, spaces included, as the contract's `maxLength` counts.
    if input.chars().count() > max {
        return Err(Msg::with(T::ErrTooLong, [max.to_string()]).into());
    }
    let unified;
    let input = if lines == Lines::Many && input.contains(['\r', '\u{2028}', '\u{2029}']) {
        unified = input
            .replace("\r\n", "\n")
            .replace(['\r', '\u{2028}', '\u{2029}'], "\n");
        unified.as_str()
    } else {
        input
    };
    for c in input.chars() {
        if c == '\n' && lines == Lines::Many {
            continue;
        }
        if c.is_control() || in_ranges(c, LINE_SEPARATORS) {
            // Where lines are taken, the message does not name line breaks among them.
            return Err(match lines {
                Lines::One => T::ErrControlChars,
                Lines::Many => T::ErrControlCharsLines,
            }
            .into());
        }
        if is_bidi_control(c) {
            return Err(T::ErrBidiChars.into());
        }
    }
    let normalized: String = input.nfc().collect();
    let blank = |c: char| c.is_whitespace() || is_invisible(c);
    let trimmed = normalized.trim_matches(blank);
    if trimmed.is_empty() {
        return if normalized.chars().all(char::is_whitespace) {
            Ok(String::new())
        } else {
            Err(T::ErrInvisibleOnly.into())
        };
    }
    // Lines of a note are trimmed at their ends too, so no line is only invisible filler.
    let text = match lines {
        Lines::One => trimmed.to_owned(),
        Lines::Many => trimmed
            .split('\n')
            .map(|line| line.trim_end_matches(blank))
            .collect::<Vec<_>>()
            .join("\n"),
    };
    Ok(text)
}

/// Non-empty one-line human text of at most `MAX` characters (see [`human_text`]).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct RequiredText<const MAX: usize>(String);

impl<const MAX: usize> RequiredText<MAX> {
    /// Applies the text rule; blank is refused as required.
    pub fn parse(input: &str) -> Result<Self, InvalidValue> {
        let text = human_text(input, Lines::One, MAX)?;
        if text.is_empty() {
            return Err(T::ErrRequired.into());
        }
        Ok(RequiredText(text))
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

/// The most characters of a person's name.
pub const PERSON_NAME_MAX: usize = 50;

/// Whether `c` may be in a person's name: a letter of any script (Chinese in every CJK
/// block, Uyghur, Tibetan, Latin with its accents…), a combining mark, a space, or the
/// joining marks names are written with: `·` (as on ID cards: 阿卜杜拉·买买提), `•`, `-`,
/// `.`, `'` and `’`.
pub fn is_name_char(c: char) -> bool {
    c.is_alphabetic()
        || c == ' '
        || matches!(c, '·' | '•' | '-' | '.' | '\'' | '’')
        || matches!(c, '\u{0300}'..='\u{036F}')
}

/// Whether `c` is a Chinese character (any CJK block a name may use).
fn is_han(c: char) -> bool {
    matches!(c,
        '\u{3400}'..='\u{4DBF}'
        | '\u{4E00}'..='\u{9FFF}'
        | '\u{F900}'..='\u{FAFF}'
        | '\u{20000}'..='\u{323AF}')
}

/// A person's name as typed (an applicant, a legal representative, a recipient, a
/// customer): the text rule, then letters and the joining marks of [`is_name_char`] only —
/// no digits, symbols, emoji, or invisible characters inside it (a zero-width space would
/// make `王\u{200B}五` a different name from the ID card's and unfindable by search).
/// Spaces are folded: runs become one, and a space between two Chinese characters goes
/// (`张 三` → `张三`; `Li Na` stays).
pub fn person_name(input: &str) -> Result<String, InvalidValue> {
    let text =
        RequiredText::<PERSON_NAME_MAX>::parse(&name_dots(&normalize_width(input)))?.into_inner();
    if stacks_marks(&text) {
        return Err(T::ErrStackedMarks.into());
    }
    if !text.chars().all(|c| is_name_char(c) || c.is_whitespace()) {
        return Err(T::ErrPersonName.into());
    }
    let name = fold_spaces(&text);
    if !name.chars().any(char::is_alphabetic) {
        return Err(T::ErrPersonName.into());
    }
    Ok(name)
}

/// The dots a phone keyboard offers between the parts of a name (`•`, `・`, `‧`, `∙`, `⋅`)
/// written as the ID card writes them, `·` (U+00B7): `阿卜杜•热合曼` is the same person as
/// `阿卜杜·热合曼`, and must read and be found as one.
fn name_dots(text: &str) -> String {
    text.chars()
        .map(|c| match c {
            '•' | '・' | '‧' | '∙' | '⋅' | '･' => '·',
            c => c,
        })
        .collect()
}

/// Spaces of a name folded: any run of spaces (ideographic ones too) becomes one, and a
/// space between two Chinese characters goes (`张 三` → `张三`; `Li Na` stays).
fn fold_spaces(text: &str) -> String {
    let chars: Vec<char> = text.chars().collect();
    let mut name = String::with_capacity(text.len());
    for (i, &c) in chars.iter().enumerate() {
        if !c.is_whitespace() {
            name.push(c);
            continue;
        }
        if name.ends_with(' ') {
            continue;
        }
        let before = name.chars().next_back();
        let after = chars[i + 1..].iter().find(|c| !c.is_whitespace());
        if before.is_some_and(is_han) && after.is_some_and(|c| is_han(*c)) {
            continue;
        }
        name.push(' ');
    }
    name
}

/// A name as a search reads it: its spaces folded as [`person_name`] and
/// [`organisation_name`] store them, so `冯 小刚` finds 冯小刚, and a phone keyboard's dot
/// as the ID card writes it, so `阿卜杜•热合曼` finds 阿卜杜·热合曼. Nothing else is
/// folded: an organisation's name keeps its full-width brackets and digits as typed, and
/// a search pasted from its licence must find them. Lower-cased: names are found
/// whatever their letters' case.
pub fn name_as_searched(typed: &str) -> String {
    fold_spaces(name_dots(typed).trim()).to_lowercase()
}

/// An organisation's registered name as typed: a [`printed_line`] of at most `MAX`
/// characters with its spaces folded as a person's name's are (`湘潭市　岳塘区…` →
/// `湘潭市岳塘区…`), so it prints and is found as registered.
pub fn organisation_name<const MAX: usize>(input: &str) -> Result<String, InvalidValue> {
    Ok(fold_spaces(&printed_line::<MAX>(input)?))
}

/// A letter of a place name: Chinese (the CJK blocks of names) or Latin.
pub fn is_place_letter(c: char) -> bool {
    c.is_ascii_alphabetic() || matches!(c, '\u{3400}'..='\u{4DBF}' | '\u{4E00}'..='\u{9FFF}')
}

/// A character a place name may hold: its letters, ASCII digits, spaces and `·-、()（）`.
pub fn is_place_char(c: char) -> bool {
    is_place_letter(c)
        || c.is_ascii_digit()
        || matches!(c, ' ' | '·' | '-' | '、' | '(' | ')' | '（' | '）')
}

/// One line printed on a document (an organisation's name, a street): the text rule, then
/// without the invisible characters a paste can carry inside it (a zero-width space in
/// `零宽\u{200B}测试有限公司` would make the printed name unfindable by what it shows).
pub fn printed_line<const MAX: usize>(input: &str) -> Result<String, InvalidValue> {
    let text = RequiredText::<MAX>::parse(input)?.into_inner();
    // Counted once the invisible characters are out: one between marks hid a stack.
    let text: String = text.chars().filter(|c| !is_invisible(*c)).collect();
    if stacks_marks(&text) {
        return Err(T::ErrStackedMarks.into());
    }
    Ok(text)
}

/// The most combining marks one letter carries in any written language (Vietnamese has
/// two): more, stacked fifty deep, is defacement, not a name or an address.
const MAX_MARKS_PER_LETTER: usize = 3;

/// Whether `text` stacks more than [`MAX_MARKS_PER_LETTER`] combining marks on a letter.
fn stacks_marks(text: &str) -> bool {
    let mut run = 0;
    text.chars().any(|c| {
        if unicode_normalization::char::is_combining_mark(c) {
            run += 1;
        } else {
            run = 0;
        }
        run > MAX_MARKS_PER_LETTER
    })
}

/// A street as it prints on the form and the parcel's label: a [`printed_line`] with
/// full-width digits and Latin letters in ASCII and its spaces (ideographic ones too) one
/// at a time (`人民路１２号　３栋` → `人民路12号 3栋`), as a phone keyboard's full-width
/// mode types them; its punctuation (`（东门）`, `，`) stays as written.
pub fn street(input: &str) -> Result<String, InvalidValue> {
    Ok(folded_line(&printed_line::<200>(input)?))
}

/// `text` as an office writes a line of an address ([`street`], an invoice buyer's address
/// and bank): its full-width digits and Latin letters in ASCII, its spaces (ideographic
/// ones too) one at a time. It only folds: the line is checked by [`printed_line`].
pub fn folded_line(text: &str) -> String {
    let text = ascii_alphanumerics(text);
    let mut line = String::with_capacity(text.len());
    for c in text.chars() {
        let c = if c.is_whitespace() { ' ' } else { c };
        if !(c == ' ' && line.ends_with(' ')) {
            line.push(c);
        }
    }
    line
}

/// `text` with its full-width digits and Latin letters in ASCII (`１２号`, `ｘｔ` → `12号`,
/// `xt`), its other characters — punctuation, brackets — as written.
pub fn ascii_alphanumerics(text: &str) -> String {
    text.chars()
        .map(|c| match c {
            '０'..='９' | 'Ａ'..='Ｚ' | 'ａ'..='ｚ' => {
                char::from_u32(c as u32 - 0xFEE0).unwrap_or(c)
            }
            c => c,
        })
        .collect()
}

/// A province, city or district as typed for an address: human text made of
/// [`is_place_char`] characters with at least one letter, at most 30 characters — so
/// `!!@@` never reaches a mailing label. The contract's pattern is built from the same two
/// functions' ranges (`api::schemas::place`).
pub fn place_name(input: &str) -> Result<String, InvalidValue> {
    let text = RequiredText::<30>::parse(input)?.into_inner();
    // The character that does not belong named (`zs@example`: the `@`), rather than
    // "not only symbols or digits" for a name that has letters.
    if let Some(c) = text.chars().find(|c| !is_place_char(*c))
        && text.chars().any(is_place_letter)
        && !c.is_whitespace()
        && !super::is_invisible(c)
        && !super::is_unsafe_for_terminal(c)
    {
        return Err(Msg::with(T::ErrPlaceNameChar, [c.to_string()]).into());
    }
    if !text.chars().all(is_place_char) || !text.chars().any(is_place_letter) {
        return Err(T::ErrPlaceName.into());
    }
    Ok(text)
}

/// Whether `text` holds a web address (`https://…`, `www.…`, `name.cn`): words that go to
/// a customer in the CA's name (a return reason, texted) must not send them anywhere but
/// the platform's own links, which the message carries itself. Full-width dots are read as
/// dots.
pub fn has_web_address(text: &str) -> bool {
    const ENDINGS: [&str; 16] = [
        "com", "cn", "net", "org", "top", "xyz", "cc", "io", "me", "info", "vip", "club", "site",
        "online", "shop", "link",
    ];
    // Read as a phone shows it: what shows nothing (`evil\u{200B}.com`) is not there.
    let text: String = normalize_width(text)
        .to_lowercase()
        .replace(['。', '．'], ".")
        .chars()
        .filter(|c| !is_invisible(*c) && !is_bidi_control(*c))
        .collect();
    if text.contains("://") || text.contains("www.") {
        return true;
    }
    // A numeric address used as a link (`1.2.3.4:8080/pay`, `10.0.0.1/pay`): four numbers
    // up to 255 joined by dots, then a port or a path — a driver's version (`1.0.3.21`)
    // or a clause (`第 4.2.1.3 条`) is none.
    let chars: Vec<char> = text.chars().collect();
    let numeric = (0..chars.len()).any(|start| {
        if start > 0 && (chars[start - 1].is_ascii_digit() || chars[start - 1] == '.') {
            return false;
        }
        let mut at = start;
        for part in 0..4 {
            let from = at;
            while at < chars.len() && chars[at].is_ascii_digit() && at - from < 3 {
                at += 1;
            }
            let digits: String = chars[from..at].iter().collect();
            if digits.is_empty() || digits.parse::<u16>().map_or(true, |n| n > 255) {
                return false;
            }
            if part < 3 {
                if chars.get(at) != Some(&'.') {
                    return false;
                }
                at += 1;
            }
        }
        matches!(chars.get(at), Some(':' | '/'))
    });
    if numeric {
        return true;
    }
    let is_host = |c: char| c.is_ascii_alphanumeric() || c == '-';
    let bytes: Vec<char> = text.chars().collect();
    bytes.iter().enumerate().any(|(i, &c)| {
        if c != '.' || i == 0 || !is_host(bytes[i - 1]) {
            return false;
        }
        let ending: String = bytes[i + 1..]
            .iter()
            .take_while(|c| c.is_ascii_alphanumeric())
            .collect();
        ENDINGS.contains(&ending.as_str())
    })
}

/// Words sent to a customer's phone in the CA's name (a return's reason, texted): one line
/// of at most `max` characters with nothing inside it that shows nothing (a zero-width
/// character splitting a link reads as the link), at least one letter or digit, and no
/// web address ([`has_web_address`]). A line break would start what reads as a second
/// message from the CA.
pub fn texted_line(text: &str, max: usize) -> Result<(), InvalidValue> {
    if text.chars().count() > max {
        return Err(Msg::with(T::ErrTooLong, [max.to_string()]).into());
    }
    if text.contains(['\n', '\r', '\u{2028}', '\u{2029}']) {
        return Err(T::ErrTextedOneLine.into());
    }
    // An emoji's presentation selector and joiner a phone keyboard adds (⚠️) are part of
    // what shows; a link split by one is still found as a link below.
    let shows = |c: char| matches!(c, '\u{FE00}'..='\u{FE0F}' | '\u{200D}');
    if text
        .chars()
        .any(|c| (is_invisible(c) && !shows(c)) || is_bidi_control(c))
    {
        return Err(T::ErrTextedInvisible.into());
    }
    if !text.chars().any(char::is_alphanumeric) {
        return Err(T::ErrTextedNoWords.into());
    }
    if has_web_address(text) {
        return Err(T::ErrReasonWebAddress.into());
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    #[test]
    fn words_texted_to_a_customer_are_one_visible_line_without_a_link() {
        use super::texted_line;
        assert!(texted_line("地址不详，无法投递", 100).is_ok());
        for refused in [
            "请访问 1.2.3.4:8080/pay 补交",
            "evil\u{200B}.com/pay",
            "evil\u{2060}.com/pay",
            "https:/\u{200B}/evil.example/pay",
            "10.0.0.1/pay",
            "？？？",
            "退回\n\n【湖南CA】请加QQ 123456 办理",
            "\u{301}",
            "ｗｗｗ．example．com",
        ] {
            assert!(texted_line(refused, 100).is_err(), "{refused:?}");
        }
        assert!(texted_line(&"地".repeat(101), 100).is_err());
        // A number with dots is not an address, nor a version, a clause or a blank field.
        for kept in [
            "第 3.5 号仓库，电话 0731-1234567",
            "请升级驱动至 1.0.3.21 后重新提交",
            "见第 4.2.1.3 条，2026.12.07 前补齐",
            "电话：/ 未填",
            "⚠️ 地址不详",
        ] {
            assert!(texted_line(kept, 100).is_ok(), "{kept:?}");
        }
    }

    #[test]
    fn a_street_is_kept_as_it_prints() {
        use super::street;
        assert_eq!(
            street("人民路１２号　　３栋（东门）").as_deref(),
            Ok("人民路12号 3栋（东门）")
        );
        assert_eq!(
            street(" 麓山南路 932 号 ").as_deref(),
            Ok("麓山南路 932 号")
        );
        assert_eq!(
            street("Ｒｅｎｍｉｎ Ｒｏａｄ").as_deref(),
            Ok("Renmin Road")
        );
        assert!(street("　").is_err());
        assert!(street("人民路\u{200B}12号").is_ok_and(|s| s == "人民路12号"));
    }
    #[test]
    fn web_addresses_are_found_in_words_to_customers() {
        for with in [
            "请访问 http://evil.example/login 重新上传",
            "见 www.example.com",
            "上传到 upload-ca.cn 即可",
            "上传到 evil。com",
            "ＨＴＴＰＳ：／／ｅｖｉｌ",
        ] {
            assert!(super::has_web_address(with), "{with}");
        }
        for without in [
            "签字不清晰",
            "营业执照复印件须加盖公章。",
            "缺少单位公章；身份证反面不清晰",
            "金额 1.5 元不符",
            "Signature unclear.",
        ] {
            assert!(!super::has_web_address(without), "{without}");
        }
    }

    use super::*;

    #[test]
    fn a_persons_name_is_letters_and_its_joining_marks() {
        for (typed, kept) in [
            ("张三", "张三"),
            (" 张 三 ", "张三"),
            ("欧阳  娜娜", "欧阳娜娜"),
            ("阿卜杜拉·买买提", "阿卜杜拉·买买提"),
            // A keyboard's dots are the ID card's; a Vietnamese name keeps its two marks.
            ("Nguyễn", "Nguyễn"),
            ("阿卜杜•热合曼", "阿卜杜·热合曼"),
            ("阿卜杜・热合曼", "阿卜杜·热合曼"),
            ("阿卜杜‧热合曼", "阿卜杜·热合曼"),
            ("Li  Na", "Li Na"),
            ("O'Brien-Smith Jr.", "O'Brien-Smith Jr."),
            ("张 Li", "张 Li"),
            ("𠮷田", "𠮷田"),
            ("䶮", "䶮"),
            ("Ｌｉ　Ｎａ", "Li Na"),
        ] {
            assert_eq!(person_name(typed).as_deref(), Ok(kept), "{typed:?}");
        }
        for refused in [
            "王\u{200B}五",
            "王\u{200D}五",
            "王五😀",
            "王\u{E0041}五",
            "a\u{301}\u{301}\u{301}\u{301}\u{301}",
            "张三3",
            "<b>张三</b>",
            "张三@",
            "·-.",
        ] {
            assert!(person_name(refused).is_err(), "{refused:?}");
        }
        assert!(person_name("").is_err());
        // On a printed line, an invisible character between marks does not split a stack.
        assert!(printed_line::<100>("a\u{301}\u{301}\u{200B}\u{301}\u{301}\u{301}").is_err());
        assert_eq!(
            printed_line::<100>("Nguy\u{1EC5}n\u{200B}").as_deref(),
            Ok("Nguyễn")
        );
    }

    #[test]
    fn full_width_digits_and_letters_fold_to_ascii() {
        assert_eq!(normalize_width("１２３ａＢ　x"), "123aB x");
        assert_eq!(normalize_width("湘潭"), "湘潭");
    }

    #[test]
    fn required_text_is_trimmed_and_bounded() {
        assert_eq!(
            RequiredText::<6>::parse("  张三 ").map(|t| t.into_inner()),
            Ok("张三".into())
        );
        assert!(RequiredText::<4>::parse("   ").is_err());
        assert!(RequiredText::<4>::parse("一二三四").is_ok());
        assert!(RequiredText::<4>::parse("一二三四五").is_err());
        // Counted as sent, as the contract's maxLength counts.
        assert!(RequiredText::<4>::parse(" 一二三四").is_err());
    }

    fn code<V>(result: Result<V, InvalidValue>) -> Option<T> {
        result.err().map(|e| e.0.text)
    }

    #[test]
    fn controls_are_refused_and_newlines_only_where_there_are_lines() {
        for bad in [
            "张\0三",
            "张\u{1b}[31m三",
            "bell\u{7}",
            "a\tb",
            "c1\u{85}",
            "del\u{7f}",
        ] {
            assert_eq!(
                code(human_text(bad, Lines::One, 50)),
                Some(T::ErrControlChars),
                "{bad:?}"
            );
            assert_eq!(
                code(human_text(bad, Lines::Many, 50)),
                Some(T::ErrControlCharsLines),
                "{bad:?}"
            );
        }
        assert_eq!(
            code(human_text("两\n行", Lines::One, 50)),
            Some(T::ErrControlChars)
        );
        assert_eq!(
            human_text("两\r\n行\r", Lines::Many, 50),
            Ok("两\n行".into())
        );
    }

    #[test]
    fn direction_overrides_and_isolates_are_refused() {
        for bad in [
            "scan\u{202E}gpj.exe",
            "a\u{2066}b\u{2069}",
            "\u{200F}张三",
            "x\u{061C}",
        ] {
            assert_eq!(
                code(human_text(bad, Lines::One, 50)),
                Some(T::ErrBidiChars),
                "{bad:?}"
            );
        }
    }

    #[test]
    fn a_name_is_searched_as_it_is_stored() {
        for (typed, stored) in [
            ("冯 小刚", "冯小刚"),
            ("  冯\u{3000}小刚 ", "冯小刚"),
            ("阿卜杜•热合曼", "阿卜杜·热合曼"),
            ("LI  Na", "li na"),
            ("湘潭市 岳塘区", "湘潭市岳塘区"),
            // As an organisation's name is stored: full-width brackets kept.
            ("华为技术（湖南）有限公司", "华为技术（湖南）有限公司"),
        ] {
            assert_eq!(name_as_searched(typed), stored, "{typed}");
        }
        let stored = person_name("冯 小刚").unwrap_or_default();
        assert_eq!(name_as_searched("冯 小刚"), stored);
    }

    #[test]
    fn an_organisations_name_folds_its_spaces() {
        assert_eq!(
            organisation_name::<100>("湘潭市\u{3000}岳塘区 环保科技有限公司"),
            Ok("湘潭市岳塘区环保科技有限公司".into())
        );
        assert_eq!(
            organisation_name::<100>("Hunan  ABC   Co., Ltd."),
            Ok("Hunan ABC Co., Ltd.".into())
        );
    }

    #[test]
    fn a_printed_line_loses_the_invisible_characters_inside_it() {
        assert_eq!(
            printed_line::<100>("零宽\u{200B}测试\u{2060}有限公司"),
            Ok("零宽测试有限公司".into())
        );
        assert_eq!(
            printed_line::<100>("麓山南路\u{FEFF} 932 号"),
            Ok("麓山南路 932 号".into())
        );
        assert_eq!(
            code(printed_line::<100>("\u{200B}")),
            Some(T::ErrInvisibleOnly)
        );
    }

    #[test]
    fn invisible_only_text_is_refused_and_invisible_ends_are_trimmed() {
        assert_eq!(
            code(human_text("\u{200B}\u{200B}", Lines::One, 50)),
            Some(T::ErrInvisibleOnly)
        );
        assert_eq!(
            code(human_text(" \u{FEFF} ", Lines::One, 50)),
            Some(T::ErrInvisibleOnly)
        );
        assert_eq!(
            human_text("\u{200B}张三\u{200D}", Lines::One, 50),
            Ok("张三".into())
        );
        assert_eq!(human_text("   ", Lines::One, 50), Ok(String::new()));
        assert_eq!(
            code(RequiredText::<50>::parse("\u{3164}")),
            Some(T::ErrInvisibleOnly)
        );
    }

    #[test]
    fn the_patterns_name_the_same_characters_as_the_rule() {
        let one = one_line_pattern();
        assert!(
            one.contains("\\u0000-\\u001F") && one.contains("\\u202A-\\u202E"),
            "{one}"
        );
        assert!(
            one.contains("\\u2028-\\u2029") && one.contains("\\u200B-\\u200D"),
            "{one}"
        );
        let many = lines_pattern();
        assert!(
            many.contains("\\u0000-\\u0009\\u000B-\\u000C\\u000E-\\u001F"),
            "{many}"
        );
        // Optional: the same, or blank — as the rule takes blank (nothing given).
        let optional = optional_lines_pattern();
        assert!(
            !optional.starts_with("^(?:^") && optional.ends_with("\\u3000]*)$"),
            "{optional}"
        );
        assert!(optional.contains(&many[1..many.len() - 1]), "{optional}");
        assert_eq!(human_text(" \r\n ", Lines::Many, 9), Ok(String::new()));
        // Read as a client validating against the schema reads them: blank is allowed only
        // where the rule takes it as nothing given, and never a control character.
        let optional = regex::Regex::new(&optional).expect("a pattern");
        let many = regex::Regex::new(&many).expect("a pattern");
        for (text, either, optional_only) in [
            ("备注\n第二行", true, false),
            ("", false, true),
            ("   ", false, true),
            (" \r\n ", false, true),
            ("\u{3000}\u{A0}\u{2002}", false, true),
            ("\t", false, false),
            ("a\u{1}b", false, false),
            ("\u{200B}", false, false),
        ] {
            assert_eq!(many.is_match(text), either, "{text:?}");
            assert_eq!(optional.is_match(text), either || optional_only, "{text:?}");
            let taken = human_text(text, Lines::Many, 50);
            assert_eq!(
                either || optional_only,
                taken.is_ok_and(|t| t.is_empty() != either),
                "{text:?}"
            );
        }
        assert_eq!(
            code(human_text("a\u{2028}b", Lines::One, 9)),
            Some(T::ErrControlChars)
        );
        assert_eq!(human_text("a\u{2028}b", Lines::Many, 9), Ok("a\nb".into()));
    }

    #[test]
    fn text_is_nfc() {
        // "é" as e + combining acute becomes the one precomposed character.
        assert_eq!(human_text("Jose\u{301}", Lines::One, 50), Ok("José".into()));
    }

    #[test]
    fn place_names_are_words() {
        assert_eq!(place_name(" 长沙市 "), Ok("长沙市".into()));
        assert_eq!(place_name("Xiangtan (湘潭)"), Ok("Xiangtan (湘潭)".into()));
        assert_eq!(code(place_name("!!@@")), Some(T::ErrPlaceName));
        assert_eq!(code(place_name("123")), Some(T::ErrPlaceName));
        assert_eq!(code(place_name("")), Some(T::ErrRequired));
        // A name with letters and a character that does not belong: that character named.
        let at = place_name("zs@example").unwrap_err();
        assert_eq!(at.0.text, T::ErrPlaceNameChar);
        assert!(at.render(crate::i18n::Lang::ZhCn).contains("“@”"), "{at}");
        // An invisible one is not shown between quotes.
        assert!(!matches!(
            code(place_name("长沙\u{200B}市")),
            Some(T::ErrPlaceNameChar) | None
        ));
    }
}
