//! The shell of every customer page: one template (maud, which escapes everything it is
//! given) with the language switch, the site's name, the demo notice when stand-ins are in
//! use, the page's `<main>`, and the hotline. Pages are small (one stylesheet, no script)
//! and read at 320 px.

use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use maud::{DOCTYPE, Markup, html};

use crate::i18n::{Lang, T};

/// What a page knows about where it is shown.
#[derive(Debug, Clone)]
pub struct Ctx {
    /// The language it is written in.
    pub lang: Lang,
    /// The CA's name.
    pub ca_name: String,
    /// The hotline.
    pub hotline: String,
    /// Support's QQ number and other telephone ("" for none).
    pub support: (String, String),
    /// The path and query of this page, for the language switch to come back to.
    pub here: String,
    /// Whether a customer is signed in (their masked number).
    pub signed_in: Option<String>,
    /// The names of the built-in stand-ins in use, if any: shown so nothing passes for real.
    pub demo: Vec<String>,
    /// Texts are only logged (the built-in stand-in): a page that promises one says so.
    pub demo_sms: bool,
    /// The page's form token (see `web::forms`).
    pub form_token: String,
    /// A form whose typed values the language switch sends along (its id and action), so
    /// that switching language mid-form loses nothing.
    pub switch_form: Option<(&'static str, String)>,
    /// The largest file a customer may upload, in MB (said beside each upload field).
    pub upload_mb: usize,
}

impl Ctx {
    /// `text` in the page's language.
    pub fn t(&self, text: T) -> &'static str {
        text.get(self.lang)
    }

    /// `text` with its placeholders filled.
    pub fn fill(&self, text: T, args: &[&str]) -> String {
        text.fill(self.lang, args)
    }
}

/// A complete page: `title`, then `body` inside `<main>`.
pub fn page(ctx: &Ctx, status: StatusCode, title: &str, body: Markup) -> Response {
    let other = match ctx.lang {
        Lang::ZhCn => Lang::En,
        Lang::En => Lang::ZhCn,
    };
    let switch = with_lang(&ctx.here, other);
    let markup = html! {
        (DOCTYPE)
        html lang=(ctx.lang.tag()) {
            head {
                meta charset="utf-8";
                meta name="viewport" content="width=device-width, initial-scale=1";
                title { (title) " · " (ctx.ca_name) }
                link rel="stylesheet" href="/m/site.css";
            }
            body {
                // The form's default button, first in the page: Enter in a field (a phone
                // keyboard's "Go") submits the form, not the language switch below, which
                // belongs to the same form and would otherwise come first.
                @if let Some((form, _)) = &ctx.switch_form {
                    button type="submit" form=(form) hidden tabindex="-1" { (ctx.t(T::WebSubmitForm)) }
                }
                a.skip href="#main" { (ctx.t(T::WebSkipToContent)) }
                header {
                    a.site href="/" { (ctx.ca_name) " " (ctx.t(T::WebSiteName)) }
                    nav {
                        @if let Some(who) = &ctx.signed_in {
                            span.who { (who) }
                            a href="/account" { (ctx.t(T::WebAccount)) }
                        }
                        @if let Some((form, action)) = &ctx.switch_form {
                            button.switch type="submit" form=(form) formnovalidate
                                formaction=(with_lang(action, other)) name="keep" value="lang"
                                lang=(other.tag()) {
                                (T::WebOtherLanguage.get(ctx.lang))
                            }
                        } @else {
                            a href=(switch) lang=(other.tag()) hreflang=(other.tag()) {
                                (T::WebOtherLanguage.get(ctx.lang))
                            }
                        }
                    }
                    // One line on every page (on a small phone the parts listed took the
                    // whole first screen); the parts open below it.
                    @if !ctx.demo.is_empty() {
                        div.demo role="note" {
                            details {
                                summary {
                                    strong { (ctx.t(T::WebDemoTitle)) } " " (ctx.t(T::WebDemoShort))
                                }
                                p {
                                    (ctx.fill(T::WebDemoParts, &[&ctx.demo.join(match ctx.lang {
                                        Lang::ZhCn => "、",
                                        Lang::En => ", ",
                                    })]))
                                }
                            }
                        }
                    }
                }
                main #main {
                    (body)
                }
                footer {
                    // A number a phone can dial with one tap.
                    @let dial = |number: &str| -> String { number.chars().filter(|c| c.is_ascii_digit() || *c == '+').collect() };
                    // Each way to reach support on one line of its own when they wrap, set
                    // apart by space, not a "·" left dangling at a line's end.
                    span.contact {
                        @if dial(&ctx.hotline).is_empty() {
                            (ctx.fill(T::WebHotline, &[&ctx.hotline]))
                        } @else {
                            (ctx.fill(T::WebHotline, &[""])) a href=(format!("tel:{}", dial(&ctx.hotline))) { (ctx.hotline) }
                        }
                    }
                    @let (qq, phone) = &ctx.support;
                    @if !qq.trim().is_empty() {
                        span.contact { (ctx.fill(T::WebSupportQq, &[qq])) }
                    }
                    @if !dial(phone).is_empty() {
                        span.contact { (ctx.fill(T::WebSupportPhone, &[""])) a href=(format!("tel:{}", dial(phone))) { (phone) } }
                    }
                }
            }
        }
    };
    let mut response = (status, markup.into_string()).into_response();
    response.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("text/html; charset=utf-8"),
    );
    response
}

/// `path` with `lang=` set to `lang` (other parameters kept).
pub fn with_lang(path: &str, lang: Lang) -> String {
    let (base, query) = path.split_once('?').unwrap_or((path, ""));
    // A page kept to be shown again (`answer=`) is kept as it was written, in its
    // language: in the other, the address itself is shown afresh.
    let mut pairs: Vec<String> = query
        .split('&')
        .filter(|p| !p.is_empty() && !p.starts_with("lang=") && !p.starts_with("answer="))
        .map(str::to_owned)
        .collect();
    pairs.push(format!("lang={}", lang.tag()));
    format!("{base}?{}", pairs.join("&"))
}

/// A page that says something went wrong or is gone, and what to do next.
pub fn message(ctx: &Ctx, status: StatusCode, title: &str, next: &str) -> Response {
    page(
        ctx,
        status,
        title,
        html! {
            h1.bad { (title) }
            p { (next) }
            p { a href="/" { (ctx.t(T::WebBackHome)) } }
        },
    )
}

/// A see-other redirect (after a form is handled).
pub fn see_other(to: &str) -> Response {
    let mut response = StatusCode::SEE_OTHER.into_response();
    if let Ok(value) = HeaderValue::from_str(to) {
        response.headers_mut().insert(header::LOCATION, value);
    }
    response
}

/// The whole minutes a code is good for, `ms` before it lapses, as a page says it: rounded
/// up (a 10-minute code just shown is good for 10, not 9), and at least 1.
pub fn minutes_left(ms: i64) -> String {
    ((ms.max(0) + 59_999) / 60_000).max(1).to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_language_switch_keeps_the_other_parameters() {
        assert_eq!(with_lang("/orders", Lang::En), "/orders?lang=en");
        assert_eq!(
            with_lang("/apply?step=2&lang=en", Lang::ZhCn),
            "/apply?step=2&lang=zh-CN"
        );
        // A page kept to be shown again is in its own language: the address afresh.
        assert_eq!(
            with_lang("/m/invoice/t0?answer=OiPk&lang=zh-CN", Lang::En),
            "/m/invoice/t0?lang=en"
        );
    }

    #[test]
    fn minutes_left_round_up_and_never_say_none() {
        assert_eq!(minutes_left(600_000 - 150), "10");
        assert_eq!(minutes_left(600_000), "10");
        assert_eq!(minutes_left(60_001), "2");
        assert_eq!(minutes_left(1), "1");
        assert_eq!(minutes_left(-5), "1");
    }
}
