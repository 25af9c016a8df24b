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
