//! Form pieces every customer page builds with, so each field is labelled, its error is
//! beside it and tied to it (`aria-describedby`), every error is listed at the top with a
//! link to its field, and what was typed is shown again.

use maud::{Markup, html};

use super::guard::FORM_FIELD;
use super::page::Ctx;
use crate::i18n::T;

/// One text field.
#[derive(Debug, Clone, Default)]
pub struct Field<'a> {
    /// Its name and id.
    pub name: &'a str,
    /// Its label.
    pub label: &'a str,
    /// What it holds (as typed).
    pub value: &'a str,
    /// What is wrong with it.
    pub error: Option<&'a str>,
    /// A line under the label.
    pub hint: Option<&'a str>,
    /// `text`, `tel`, `email`.
    pub kind: &'a str,
    /// The `autocomplete` token.
    pub autocomplete: &'a str,
    /// The on-screen keyboard: `text`, `numeric`, `tel`, `email`.
    pub inputmode: &'a str,
    /// Most characters accepted. The browser is let to take twice as many: a paste cut
    /// silently to the limit would be sent as if whole, while one over it is refused beside
    /// the field with the limit named (a megabyte paste is still stopped).
    pub max: usize,
    /// Shown but not changed (filled from the verification).
    pub readonly: bool,
}

/// The hidden token every form carries back.
pub fn token(ctx: &Ctx) -> Markup {
    html! { input type="hidden" name=(FORM_FIELD) value=(ctx.form_token); }
}

/// A labelled text input with its hint and error.
pub fn field(f: &Field<'_>) -> Markup {
    let hint_id = format!("{}-hint", f.name);
    let error_id = format!("{}-error", f.name);
    let mut described = Vec::new();
    if f.hint.is_some() {
        described.push(hint_id.as_str());
    }
    if f.error.is_some() {
        described.push(error_id.as_str());
    }
    let described = described.join(" ");
    html! {
        div.field.invalid[f.error.is_some()] {
            label for=(f.name) { (f.label) }
            @if let Some(hint) = f.hint {
                p.hint id=(hint_id) { (hint) }
            }
            @if let Some(error) = f.error {
                p.field-error id=(error_id) { (error) }
            }
            input id=(f.name) name=(f.name) type=(if f.kind.is_empty() { "text" } else { f.kind })
                value=(f.value) autocomplete=(if f.autocomplete.is_empty() { "off" } else { f.autocomplete })
                inputmode=(if f.inputmode.is_empty() { "text" } else { f.inputmode })
                maxlength=(2 * if f.max == 0 { 200 } else { f.max })
                aria-describedby=[(!described.is_empty()).then_some(described.as_str())]
                aria-invalid=[f.error.map(|_| "true")]
                readonly[f.readonly];
        }
    }
}

/// A box to tick.
pub fn checkbox(name: &str, label: &str, checked: bool, error: Option<&str>) -> Markup {
    let error_id = format!("{name}-error");
    html! {
        div.field.choice.invalid[error.is_some()] {
            @if let Some(error) = error {
                p.field-error id=(error_id) { (error) }
            }
            input type="checkbox" id=(name) name=(name) value="yes" checked[checked]
                aria-describedby=[error.map(|_| error_id.as_str())];
            label for=(name) { (label) }
        }
    }
}

/// The fragment of a refused form's page that lands on its errors: on a small phone the
/// page would otherwise open at its top, the errors a screen or two below, and look as if
/// nothing had happened.
pub const TO_ERRORS: &str = "#error-summary-title";

/// Every error of a form, first on the page, each a link to its field.
pub fn summary(ctx: &Ctx, errors: &[(String, String, String)]) -> Markup {
    html! {
        @if !errors.is_empty() {
            div.error-summary role="alert" aria-labelledby="error-summary-title" {
                h2 #error-summary-title { (ctx.fill(T::WebErrorSummary, &[&errors.len().to_string()])) }
                ul {
                    @for (field, label, message) in errors {
                        li { a href=(format!("#{field}")) { (ctx.fill(T::WebLabelled, &[label, message])) } }
                    }
                }
            }
        }
    }
}

/// A field of an order's own parts (the organisation, the mailing address) as the
/// application form and the correction form both show it.
#[derive(Debug, Clone, Copy)]
pub struct Spec {
    /// Its name and id (the application form's).
    pub name: &'static str,
    /// Its label.
    pub label: T,
    /// `text`, `tel`.
    pub kind: &'static str,
    /// The `autocomplete` token.
    pub autocomplete: &'static str,
    /// The on-screen keyboard.
    pub inputmode: &'static str,
    /// Most characters accepted.
    pub max: usize,
}

const fn spec(
    name: &'static str,
    label: T,
    kind: &'static str,
    autocomplete: &'static str,
    inputmode: &'static str,
    max: usize,
) -> Spec {
    Spec {
        name,
        label,
        kind,
        autocomplete,
        inputmode,
        max,
    }
}

/// The organisation's fields.
pub const ORGANISATION: [Spec; 3] = [
    spec(
        "org_name",
        T::WebOrgName,
        "text",
        "organization",
        "text",
        100,
    ),
    spec("org_uscc", T::WebOrgUscc, "text", "off", "text", 18),
    spec("org_legal", T::WebOrgLegal, "text", "off", "text", 50),
];

/// The mailing address's fields.
pub const MAILING: [Spec; 7] = [
    spec(
        "recipient",
        T::WebRecipient,
        "text",
        "shipping name",
        "text",
        50,
    ),
    spec(
        "recipient_phone",
        T::WebRecipientPhone,
        "tel",
        "shipping tel-national",
        "tel",
        20,
    ),
    spec(
        "province",
        T::WebProvince,
        "text",
        "shipping address-level1",
        "text",
        30,
    ),
    spec(
        "city",
        T::WebCity,
        "text",
        "shipping address-level2",
        "text",
        30,
    ),
    spec(
        "district",
        T::WebDistrict,
        "text",
        "shipping address-level3",
        "text",
        30,
    ),
    spec(
        "street",
        T::WebStreet,
        "text",
        "shipping street-address",
        "text",
        200,
    ),
    spec(
        "postal_code",
        T::WebPostalCode,
        "text",
        "shipping postal-code",
        "numeric",
        6,
    ),
];

/// The fields of `specs`, each holding `value(name)`, with its error from `errors`.
pub fn fields(
    ctx: &Ctx,
    specs: &[Spec],
    value: impl Fn(&str) -> String,
    errors: &[(String, String, String)],
) -> Markup {
    html! {
        @for s in specs {
            (field(&Field {
                name: s.name,
                label: ctx.t(s.label),
                value: &value(s.name),
                error: errors.iter().find(|(f, _, _)| f == s.name).map(|(_, _, m)| m.as_str()),
                kind: s.kind,
                autocomplete: s.autocomplete,
                inputmode: s.inputmode,
                max: s.max,
                ..Field::default()
            }))
        }
    }
}

/// What a form sent: its fields, in order, as text.
pub type Posted = Vec<(String, String)>;

/// The fields of a form's body (`application/x-www-form-urlencoded`).
pub fn posted(body: &[u8]) -> Posted {
    form_urlencoded::parse(body)
        .map(|(k, v)| (k.into_owned(), v.into_owned()))
        .collect()
}

/// The value a form sent for `name` (the first, if it was sent twice).
pub fn sent<'a>(posted: &'a [(String, String)], name: &str) -> Option<&'a str> {
    posted
        .iter()
        .find(|(k, _)| k == name)
        .map(|(_, v)| v.as_str())
}
