//! The one table of user-visible strings, in zh-CN and English.
//!
//! Every string the platform or the TUI shows a person comes from [`T`]; the table is in
//! `table.rs`. Messages with parameters use `{0}`, `{1}`… placeholders filled by [`Msg`].

#[macro_use]
mod table_messaging;
#[macro_use]
mod table_web;
mod table;

pub use table::T;

use serde::{Deserialize, Serialize};

/// A user-interface language.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
pub enum Lang {
    /// Simplified Chinese, the default.
    #[default]
    #[serde(rename = "zh-CN")]
    ZhCn,
    /// English.
    #[serde(rename = "en")]
    En,
}

impl Lang {
    /// Every supported language, default first.
    pub const ALL: [Lang; 2] = [Lang::ZhCn, Lang::En];

    /// The BCP 47 tag of this language.
    pub fn tag(self) -> &'static str {
        match self {
            Lang::ZhCn => "zh-CN",
            Lang::En => "en",
        }
    }

    /// Parses a language tag such as `zh-CN`, `zh`, `en-US` or `en`.
    pub fn parse(tag: &str) -> Option<Lang> {
        let primary = tag.trim().split(['-', '_']).next()?.to_ascii_lowercase();
        match primary.as_str() {
            "zh" => Some(Lang::ZhCn),
            "en" => Some(Lang::En),
            _ => None,
        }
    }

    /// Picks the best supported language from an HTTP `Accept-Language` header, honouring
    /// quality values; zh-CN when nothing supported is asked for.
    pub fn from_accept_language(header: &str) -> Lang {
        let mut best: Option<(f32, usize, Lang)> = None;
        for (index, item) in header.split(',').enumerate() {
            let mut parts = item.split(';');
            let Some(tag) = parts.next() else { continue };
            let Some(lang) = Lang::parse(tag) else {
                continue;
            };
            let quality = parts
                .find_map(|p| p.trim().strip_prefix("q="))
                .and_then(|q| q.trim().parse::<f32>().ok())
                .unwrap_or(1.0);
            if quality <= 0.0 {
                continue;
            }
            let better = match best {
                None => true,
                Some((q, i, _)) => quality > q || (quality == q && index < i),
            };
            if better {
                best = Some((quality, index, lang));
            }
        }
        best.map(|(_, _, lang)| lang).unwrap_or_default()
    }
}

impl T {
    /// This text with `{0}`, `{1}`… replaced by `args`, in `lang`.
    pub fn fill(self, lang: Lang, args: &[&str]) -> String {
        fill(self.get(lang), args)
    }

    /// `stored` — the platform's own words, kept in Chinese in a history (a reason the
    /// platform gave) — in `lang`, when it is this entry (with at most one `{0}`, whose
    /// value is kept); `None` when it is not (words someone typed, shown as typed).
    pub fn reworded(self, stored: &str, lang: Lang) -> Option<String> {
        let zh = self.get(Lang::ZhCn);
        match zh.split_once("{0}") {
            None => (stored == zh).then(|| self.get(lang).to_owned()),
            Some((before, after)) if !after.contains('{') => {
                let value = stored.strip_prefix(before)?.strip_suffix(after)?;
                (!value.is_empty()).then(|| self.fill(lang, &[value]))
            }
            Some(_) => None,
        }
    }
}

/// An order's cancellation reason as kept in its history, in `lang`: the platform's own
/// (the customer's cancel on their phone, the close of an order left unpaid) reworded, a
/// clerk's as typed.
pub fn cancel_reason_in(stored: &str, lang: Lang) -> String {
    reworded_in(stored, lang, &[T::WebCancelReason, T::AutoCloseReason])
}

/// Why a payment attempt was closed, as kept in the order's history, in `lang` (the
/// platform's own words; anything else as kept).
pub fn payment_close_reason_in(stored: &str, lang: Lang) -> String {
    // Kept by earlier versions in English, and a provider's own words (an address, a
    // library's error): said as what they were.
    let earlier = match stored.trim() {
        "QR code expired" => Some(T::PaymentClosedExpired),
        "closed for a QR code" => Some(T::PaymentClosedForQr),
        s if s.starts_with("payment provider") => Some(T::PaymentClosedUnreachable),
        _ => None,
    };
    if let Some(said) = earlier {
        return said.get(lang).to_owned();
    }
    reworded_in(
        stored,
        lang,
        &[
            T::PaymentClosedExpired,
            T::PaymentClosedForQr,
            T::PaymentClosedUnreachable,
        ],
    )
}

/// `stored` in `lang` when it is one of `stock` ([`T::reworded`]), else as kept.
fn reworded_in(stored: &str, lang: Lang, stock: &[T]) -> String {
    stock
        .iter()
        .find_map(|t| t.reworded(stored, lang))
        .unwrap_or_else(|| stored.to_owned())
}

/// A value for a placeholder: plain text, or another table entry rendered in the same
/// language (e.g. a status label inside a sentence).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Arg {
    /// Shown as is.
    Plain(String),
    /// Shown in the message's language.
    Text(T),
}

impl From<String> for Arg {
    fn from(value: String) -> Arg {
        Arg::Plain(value)
    }
}

impl From<&str> for Arg {
    fn from(value: &str) -> Arg {
        Arg::Plain(value.to_owned())
    }
}

impl From<&String> for Arg {
    fn from(value: &String) -> Arg {
        Arg::Plain(value.clone())
    }
}

impl From<T> for Arg {
    fn from(value: T) -> Arg {
        Arg::Text(value)
    }
}

/// A message: a table entry and the values for its placeholders.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Msg {
    /// The table entry.
    pub text: T,
    /// Values for `{0}`, `{1}`…
    pub args: Vec<Arg>,
}

impl Msg {
    /// A message without parameters.
    pub fn new(text: T) -> Msg {
        Msg {
            text,
            args: Vec::new(),
        }
    }

    /// A message with parameters.
    pub fn with(text: T, args: impl IntoIterator<Item = impl Into<Arg>>) -> Msg {
        Msg {
            text,
            args: args.into_iter().map(Into::into).collect(),
        }
    }

    /// The message in `lang`.
    pub fn render(&self, lang: Lang) -> String {
        let args: Vec<&str> = self
            .args
            .iter()
            .map(|a| match a {
                Arg::Plain(s) => s.as_str(),
                Arg::Text(t) => t.get(lang),
            })
            .collect();
        fill(self.text.get(lang), &args)
    }
}

impl From<T> for Msg {
    fn from(text: T) -> Msg {
        Msg::new(text)
    }
}

/// Fills a template's `{0}`, `{1}`… with `args`. `{0|file|files}` is the word for the
/// number in `{0}`: the first after one, the second after any other (English's plural;
/// Chinese needs none).
fn fill(template: &str, args: &[&str]) -> String {
    let mut out = String::with_capacity(template.len() + 16);
    let mut rest = template;
    while let Some(start) = rest.find('{') {
        out.push_str(&rest[..start]);
        let after = &rest[start + 1..];
        match after.find('}') {
            Some(end) => match placeholder(&after[..end], args) {
                Some(value) => {
                    out.push_str(value);
                    rest = &after[end + 1..];
                }
                None => {
                    out.push('{');
                    rest = after;
                }
            },
            None => {
                out.push('{');
                rest = after;
            }
        }
    }
    out.push_str(rest);
    out
}

/// What a placeholder's inside (`0`, or `0|one|other`) stands for, if `args` has it.
fn placeholder<'a>(inside: &'a str, args: &[&'a str]) -> Option<&'a str> {
    let mut parts = inside.split('|');
    let value = parts
        .next()?
        .parse::<usize>()
        .ok()
        .and_then(|i| args.get(i))?;
    match (parts.next(), parts.next(), parts.next()) {
        (None, _, _) => Some(value),
        (Some(one), Some(other), None) => Some(if value.trim() == "1" { one } else { other }),
        _ => None,
    }
}

/// A payment method's code as people read it (`bank_transfer` → 银行转账), on screens and
/// on paper alike.
pub fn payment_method(code: &str, lang: Lang) -> String {
    match code {
        "bank_transfer" => T::PayMethodBank.get(lang).to_owned(),
        "alipay" => T::PayMethodAlipay.get(lang).to_owned(),
        "sandbox" => T::PayMethodSandbox.get(lang).to_owned(),
        other => other.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_platforms_own_words_are_reworded_and_typed_ones_are_not() {
        assert_eq!(
            T::WebCancelReason
                .reworded("客户在手机上取消", Lang::En)
                .as_deref(),
            Some("cancelled by the customer on their phone")
        );
        let closed = T::AutoCloseReason.fill(Lang::ZhCn, &["24"]);
        assert_eq!(
            T::AutoCloseReason.reworded(&closed, Lang::En).as_deref(),
            Some("unpaid for more than 24 hours; closed automatically")
        );
        assert_eq!(T::WebCancelReason.reworded("客户改主意了", Lang::En), None);
        // A payment attempt's close, kept in Chinese now and in English (or as a library's
        // error with an address) by earlier versions: in the reader's words either way.
        assert_eq!(
            payment_close_reason_in("收款码已过期", Lang::En),
            "the payment code expired"
        );
        assert_eq!(
            payment_close_reason_in("QR code expired", Lang::ZhCn),
            "收款码已过期"
        );
        let raw = "payment provider unreachable: error sending request for url (https://x/)";
        assert!(!payment_close_reason_in(raw, Lang::ZhCn).contains("https"));
        assert_eq!(T::AutoCloseReason.reworded("超过", Lang::En), None);
    }

    #[test]
    fn accept_language_picks_the_preferred_supported_language() {
        assert_eq!(Lang::from_accept_language("en"), Lang::En);
        assert_eq!(Lang::from_accept_language("en-US,en;q=0.9"), Lang::En);
        assert_eq!(
            Lang::from_accept_language("zh-CN,zh;q=0.9,en;q=0.8"),
            Lang::ZhCn
        );
        assert_eq!(Lang::from_accept_language("fr, en;q=0.5"), Lang::En);
        assert_eq!(Lang::from_accept_language("zh;q=0.4, en;q=0.6"), Lang::En);
        assert_eq!(Lang::from_accept_language("de"), Lang::ZhCn);
        assert_eq!(Lang::from_accept_language(""), Lang::ZhCn);
        assert_eq!(Lang::from_accept_language("en;q=0"), Lang::ZhCn);
    }

    #[test]
    fn placeholders_are_filled_in_order_and_unknown_ones_kept() {
        assert_eq!(fill("a {0} b {1}", &["x", "y"]), "a x b y");
        assert_eq!(fill("{1}{0}", &["x", "y"]), "yx");
        assert_eq!(fill("{2} {", &["x"]), "{2} {");
        assert_eq!(fill("{0} {0|file|files}", &["1"]), "1 file");
        assert_eq!(fill("{0} {0|file|files}", &["0"]), "0 files");
        assert_eq!(fill("{0} {0|file|files}", &["12"]), "12 files");
        assert_eq!(fill("{1|is|are}", &["x"]), "{1|is|are}");
    }

    #[test]
    fn every_text_exists_in_every_language_with_the_same_placeholders() {
        for text in T::ALL {
            let zh = text.get(Lang::ZhCn);
            let en = text.get(Lang::En);
            assert!(!zh.is_empty() && !en.is_empty(), "{text:?} is empty");
            for i in 0..4 {
                let p = format!("{{{i}}}");
                assert_eq!(zh.contains(&p), en.contains(&p), "{text:?} placeholder {p}");
                // A plural's word picks by an argument the text is given.
                let plural = format!("{{{i}|");
                if en.contains(&plural) {
                    assert!(zh.contains(&p), "{text:?}: {plural} names no argument");
                }
            }
        }
    }
}
